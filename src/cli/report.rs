//! `stance report`: one self-contained HTML page — corpus overview, similarity heatmaps, the
//! comparison of two blocs, and the evidence passages. Data: `stance::export::report`; markup:
//! `stance::render::html`.

use std::path::PathBuf;

use clap::Args;

use super::{emit, Ctx};
use stance::compare::sides::Side;
use stance::export::report::{Report, ReportParams};
use stance::fsio::{output_file, write_atomic, Target};
use stance::render::html;
use stance::{limits, Result};

/// Write a self-contained HTML report: heatmaps, a bloc comparison and the evidence passages
#[derive(Debug, Args)]
#[command(after_help = "The page needs no network: styles, charts and script are inline, fonts are the system's.
Heatmap cells show the value, its 95% interval and n on hover, and link to the passages.
The page is HTML only (--format json|csv is refused): `stance export --out DIR` writes the data.

Examples:
  stance report --out report.html
  stance report --out - > report.html
  stance report --out report.html --compare russia-aligned western
  stance report --out cis-eu.html --compare issuer:CIS \"issuer:European Union\" --evidence 4")]
pub struct ReportArgs {
    /// The HTML file to write (replaced atomically; only a regular file is replaced), or - for
    /// standard output
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The two sides of the comparison: bloc names or issuer:NAME [default: the two largest blocs]
    #[arg(long, num_args = 2, value_names = ["SIDE_A", "SIDE_B"])]
    pub compare: Option<Vec<String>>,
    /// Distinctive terms per side and topic
    #[arg(long, value_name = "K", default_value_t = 8)]
    pub terms: usize,
    /// Evidence passages per side and topic in the comparison
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub evidence: usize,
    /// Bootstrap draws for the intervals (0 = none)
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
}

pub fn run(ctx: &Ctx, args: ReportArgs) -> Result<()> {
    if !matches!(ctx.global.format, stance::render::Format::Table) {
        return Err(stance::Error::usage(
            "`stance report` writes HTML only, so --format json|csv does not apply; for the data behind it use \
             `stance export --out DIR` (JSON and CSV files)",
        ));
    }
    limits::check_draws(args.draws, 0)?;
    limits::count("--evidence", args.evidence, 0, limits::MAX_EVIDENCE)?;
    limits::count("--terms", args.terms, 0, limits::MAX_TERMS)?;
    let target = output_file(&args.out)?;
    let corpus = ctx.load_corpus()?;
    let compare = sides(args.compare, &corpus)?;
    let analysis = ctx.run_pipeline(corpus, ctx.lexicon()?, ctx.params())?;
    ctx.warn_domain(&analysis.domain_share());
    limits::check_draws(args.draws, analysis.corpus.issuers().len().max(analysis.corpus.blocs().len()))?;
    let params =
        ReportParams { compare, bootstrap: ctx.bootstrap(args.draws), terms: args.terms, evidence: args.evidence };
    let report = ctx.with_progress(|progress| Report::build(&analysis, &params, progress))?;
    let page = html::render(&report);
    let Target::File(out) = target else { return emit(&page) };
    write_atomic(&out, page.as_bytes())?;
    if !ctx.global.quiet {
        eprintln!("stance: wrote {} ({} KB)", args.out.display(), page.len().div_ceil(1024));
    }
    Ok(())
}

/// `--compare A B`, checked against the corpus before the (slower) pipeline runs.
pub(super) fn sides(names: Option<Vec<String>>, corpus: &stance::corpus::Corpus) -> Result<Option<(String, String)>> {
    match names.as_deref() {
        Some([a, b]) => {
            Side::parse(a, corpus)?;
            Side::parse(b, corpus)?;
            Ok(Some((a.clone(), b.clone())))
        }
        _ => Ok(None),
    }
}
