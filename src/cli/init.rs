//! `stance init`: create a workspace from a corpus — ingest every text, fit and save the model,
//! record run 1. Everything or nothing: a failure leaves no workspace behind.

use clap::Args;

use super::{emit, Ctx};
use stance::render::{self, Format};
use stance::store::{FitReport, Workspace};
use stance::Result;

/// Create a workspace: ingest a corpus, fit and save the model, record the first run
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance init --workspace ws/ --corpus seeds/
  stance init --workspace ws/ --corpus ungdc-50mb/ --format json

Then add texts as they come and score them with the frozen model:
  stance ingest --workspace ws/ new/*.txt --issuer EU --bloc western --date 2025-03-01
  stance update --workspace ws/
  stance diff --workspace ws/")]
pub struct InitArgs {}

pub fn run(ctx: &Ctx, _args: InitArgs) -> Result<()> {
    let root = ctx.workspace_dir("init")?;
    let corpus = ctx.read_corpus()?;
    for w in &corpus.warnings {
        ctx.warn(w);
    }
    let (mb, lexicon) = (corpus.bytes() as f64 / 1e6, ctx.lexicon()?);
    let report = Workspace::create(&root, |ws| {
        ws.ingest(&corpus.documents)?;
        let analysis = ctx.run_pipeline(corpus, lexicon, ctx.params())?;
        ws.record_fit(&analysis, "init")
    })?;
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        _ => fitted(&report, &root.display().to_string(), mb, "Created workspace"),
    })
}

/// The table-format message after a fit was recorded (shared with `stance fit --workspace`).
pub(super) fn fitted(r: &FitReport, ws: &str, mb: f64, what: &str) -> String {
    let m = &r.model;
    format!(
        "{what} {ws}: {} documents ({mb:.1} MB), {} passages.\n\
         Model v{} {} ({}): {} features, {} dimensions. Run {} recorded.\n\
         Next: stance ingest --workspace {ws} FILE… --issuer NAME, then stance update --workspace {ws}\n",
        r.documents, r.passages, m.version, m.id, m.file, m.n_features, m.dims, r.run
    )
}
