//! `stance update`: score the texts ingested since the last run with the saved (frozen) model,
//! record a run, and say whether the model is getting stale.

use clap::Args;

use super::{emit, Ctx};
use stance::render::{self, Format};
use stance::store::{UpdateReport, Workspace, MIN_KNOWN, STALE_SHARE};
use stance::Result;

/// Score the new texts with the saved model (nothing is refitted) and record a run
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance update --workspace ws/
  stance update --workspace ws/ --format json | jq .summary

Numbers stay comparable across runs because the model is frozen; when the new texts use many
words the model has never seen, refit with `stance fit --workspace ws/` (old runs keep theirs).")]
pub struct UpdateArgs {}

pub fn run(ctx: &Ctx, _args: UpdateArgs) -> Result<()> {
    let root = ctx.workspace_dir("update")?;
    let lexicon = ctx.lexicon()?;
    let report = Workspace::open(&root)?.update(&lexicon, &|_| {})?;
    if report.stale {
        ctx.warn(&stale_advice(&report, &root.display().to_string()));
    }
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        _ => to_text(&report, &root.display().to_string()),
    })
}

fn stale_advice(r: &UpdateReport, ws: &str) -> String {
    format!(
        "{:.0}% of the new passages have less than {:.0}% of their words in the model's vocabulary (over {:.0}%): the model is getting stale; refit with `stance fit --workspace {ws}`",
        100.0 * r.poorly_covered.unwrap_or(0.0),
        100.0 * MIN_KNOWN,
        100.0 * STALE_SHARE
    )
}

fn to_text(r: &UpdateReport, ws: &str) -> String {
    let Some(run) = r.run else {
        return format!("Nothing to update: no document ingested since run {}.\n", r.previous_run);
    };
    let s = &r.summary;
    let mut out = format!(
        "Run {run}: scored {} new document(s), {} passages, with model v{} {} (frozen) in {:.2} s.\n",
        r.added_documents.len(),
        r.added_passages,
        r.model_version,
        r.model,
        r.seconds
    );
    if let (Some(oov), Some(poor)) = (r.oov_rate, r.poorly_covered) {
        out.push_str(&format!(
            "Out-of-vocabulary tokens in the new passages: {:.1}%; passages with less than {:.0}% known words: {:.0}%{}; {} document(s) ingested since the model was fitted.\n",
            100.0 * oov,
            100.0 * MIN_KNOWN,
            100.0 * poor,
            if r.stale { " (stale: refit advised)" } else { "" },
            r.documents_since_fit
        ));
    }
    out.push_str(&format!(
        "Since run {}: {} stance change(s), {} position change(s), {} topic(s) entered, {} cluster(s) entered, {} new issuer(s)/bloc(s){}{}.\n",
        r.previous_run,
        s.stance_changes,
        s.positions_changed,
        s.topics_entered,
        s.clusters_entered,
        s.new_groups,
        s.largest_agreement_shift.map(|x| format!("; largest agreement shift {x:.3}")).unwrap_or_default(),
        s.largest_shift.map(|x| format!("; largest vocabulary-similarity shift {x:.3}")).unwrap_or_default()
    ));
    out.push_str(&format!("See what moved, with the passages: stance diff --workspace {ws}\n"));
    out
}
