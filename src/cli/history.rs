//! `stance history`: the runs of a workspace — when, which model, which corpus, what changed.

use clap::Args;

use super::{emit, Ctx};
use stance::render::table::table;
use stance::render::{self, num, Format};
use stance::store::{Run, Workspace};
use stance::Result;

/// List the runs of a workspace: time, model, corpus hash, documents, changes
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance history --workspace ws/
  stance history --workspace ws/ --format csv > runs.csv")]
pub struct HistoryArgs {}

/// One line of changes, as in the table.
fn changes(r: &Run) -> String {
    let s = &r.summary;
    let mut parts = vec![format!("added {} docs, {} passages", s.added_documents, s.added_passages)];
    if let Some(oov) = s.oov_rate {
        parts.push(format!("OOV {:.1}%", 100.0 * oov));
    }
    for (n, what) in [
        (s.stance_changes, "stance change(s)"),
        (s.positions_changed, "position change(s)"),
        (s.topics_entered, "topic(s) entered"),
        (s.clusters_entered, "cluster(s) entered"),
        (s.new_groups, "new issuer(s)/bloc(s)"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if let Some(x) = s.largest_agreement_shift {
        parts.push(format!("max agreement shift {x:.3}"));
    }
    if let Some(x) = s.largest_shift {
        parts.push(format!("max vocabulary shift {x:.3}"));
    }
    parts.join("; ")
}

pub fn run(ctx: &Ctx, _args: HistoryArgs) -> Result<()> {
    let root = ctx.workspace_dir("history")?;
    let runs = Workspace::open_read_only(&root)?.runs()?;
    emit(&match ctx.global.format {
        Format::Json => render::json(&runs),
        Format::Csv => stance::export::csv::rows(
            &[
                "run",
                "created",
                "kind",
                "model",
                "model_version",
                "corpus_hash",
                "n_docs",
                "n_passages",
                "added_documents",
                "added_passages",
                "oov_rate",
                "stance_changes",
                "topics_entered",
                "clusters_entered",
                "new_groups",
                "largest_shift",
                "largest_agreement_shift",
                "positions_changed",
            ],
            runs.iter().map(|r| {
                let s = &r.summary;
                vec![
                    r.id.to_string(),
                    r.created.clone(),
                    r.kind.clone(),
                    r.model.clone(),
                    r.model_version.to_string(),
                    r.corpus_hash.clone(),
                    r.n_docs.to_string(),
                    r.n_passages.to_string(),
                    s.added_documents.to_string(),
                    s.added_passages.to_string(),
                    num(s.oov_rate),
                    s.stance_changes.to_string(),
                    s.topics_entered.to_string(),
                    s.clusters_entered.to_string(),
                    s.new_groups.to_string(),
                    num(s.largest_shift),
                    num(s.largest_agreement_shift),
                    s.positions_changed.to_string(),
                ]
            }),
        )?,
        Format::Table => {
            let rows: Vec<Vec<String>> = runs
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.created.clone(),
                        r.kind.clone(),
                        format!("v{} {}", r.model_version, r.model),
                        r.corpus_hash.chars().take(12).collect(),
                        r.n_docs.to_string(),
                        r.n_passages.to_string(),
                        changes(r),
                    ]
                })
                .collect();
            format!(
                "{} run(s) in {}\n{}\n",
                runs.len(),
                root.display(),
                table(&["run", "time (UTC)", "kind", "model", "corpus", "docs", "passages", "changes"], &rows)
            )
        }
    })
}
