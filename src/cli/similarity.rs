//! `stance similarity`: the issuer × issuer (bloc, document) vocabulary-similarity matrix — who
//! speaks alike; `stance agreement` answers who stands on the same side.

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::compare::{SimilarityMatrix, VOCABULARY_SIMILARITY};
use stance::groups::{GroupBy, Grouping};
use stance::pipeline::DomainShare;
use stance::render::table::{fit_text, matrix};
use stance::render::{self, num, Format};
use stance::{limits, Result};

/// Vocabulary similarity (who speaks alike) between issuers, blocs or documents
#[derive(Debug, Args)]
#[command(after_help = "Vocabulary similarity is the cosine of the groups' mean passage vectors: 1 = they use the same
words and concepts. A text that rejects a proposal in the proposal's own words is close to it; for
who stands on the same side, see `stance agreement`.

Examples:
  stance similarity
  stance similarity --by bloc --topic binding_norms --ci
  stance similarity --format json > sim.json
  stance similarity --format csv --topic internet_governance > sim.csv")]
pub struct SimilarityArgs {
    /// Rows and columns of the matrix
    #[arg(long, value_parser = super::choice::<GroupBy>(), default_value_t = GroupBy::Issuer)]
    pub by: GroupBy,
    /// Only passages on this topic (see `stance topics`)
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Show 95% bootstrap intervals in the table
    #[arg(long)]
    pub ci: bool,
    /// Bootstrap draws for the intervals (0 = none)
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
}

/// The JSON document of `stance similarity` (schema in docs/schema.md).
#[derive(Debug, Serialize)]
pub struct SimilarityReport {
    /// Always `"vocabulary_similarity"` (`stance agreement` says `"agreement"`).
    pub measure: &'static str,
    pub by: GroupBy,
    pub topic: Option<String>,
    #[serde(flatten)]
    pub result: SimilarityMatrix,
    /// Passages in and out of the domain (ICTs / cyberspace): only those in are compared.
    pub domain: DomainShare,
    pub model: String,
    pub seed: u64,
}

pub fn run(ctx: &Ctx, args: SimilarityArgs) -> Result<()> {
    limits::check_draws(args.draws, 0)?;
    if let Some(t) = &args.topic {
        ctx.lexicon()?.check_topic(t)?;
    }
    let analysis = ctx.analysis()?;
    let grouping = Grouping::new(&analysis, args.by);
    limits::check_draws(args.draws, grouping.labels.len())?;
    let domain = analysis.domain_share();
    ctx.warn_domain(&domain);
    let params = ctx.bootstrap(args.draws);
    let result = stance::export::similarity_matrix(&analysis, args.by, args.topic.as_deref(), &params);
    let report = SimilarityReport {
        measure: VOCABULARY_SIMILARITY,
        by: args.by,
        topic: args.topic.clone(),
        result,
        domain,
        model: analysis.model_id(),
        seed: ctx.global.seed,
    };
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => to_csv(&report)?,
        Format::Table => to_table(&report, args.ci, params.min_passages),
    })
}

/// Tidy CSV: one row per cell.
fn to_csv(r: &SimilarityReport) -> Result<String> {
    let rows = stance::export::tidy(r.by, r.topic.as_deref(), &r.result).into_iter().map(|c| {
        let topic = c.topic.unwrap_or_default();
        vec![
            c.row_label,
            c.col_label,
            topic,
            num(c.value),
            num(c.low),
            num(c.high),
            c.n_row.to_string(),
            c.n_col.to_string(),
        ]
    });
    stance::export::csv::rows(&["row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col"], rows)
}

fn to_table(r: &SimilarityReport, ci: bool, min_n: usize) -> String {
    let m = &r.result;
    let n: Vec<String> = m.n_passages.iter().map(|n| n.to_string()).collect();
    let cells: Vec<Vec<String>> =
        (0..m.labels.len()).map(|i| (0..m.labels.len()).map(|j| cell(m, i, j, ci, min_n)).collect()).collect();
    let scope = match &r.topic {
        Some(t) => format!("topic {t}"),
        None => "all passages".to_string(),
    };
    let mut out = format!(
        "Vocabulary similarity by {} ({scope}; cosine of mean passage vectors: who speaks alike)\n",
        r.by.as_str()
    );
    out.push_str(&matrix(r.by.as_str(), &m.labels, &[("n", n)], &cells));
    out.push_str("Empty cell: no passages on this topic. n: passages.");
    out.push('\n');
    out.push_str(&r.domain.note());
    if ci {
        out.push_str(&format!(" [low–high]: 95% bootstrap interval; 'n<{min_n}': too few passages for one."));
    }
    out.push('\n');
    fit_text(&out)
}

fn cell(m: &SimilarityMatrix, i: usize, j: usize, ci: bool, min_n: usize) -> String {
    let Some(v) = m.matrix[i][j] else { return String::new() };
    if !ci {
        return format!("{v:.2}");
    }
    match (m.low[i][j], m.high[i][j]) {
        (Some(lo), Some(hi)) => format!("{v:.2} [{lo:.2}–{hi:.2}]"),
        _ => format!("{v:.2} n<{min_n}"),
    }
}
