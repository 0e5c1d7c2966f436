//! `stance agreement`: who stands on the same side — the group × group agreement matrix from
//! stance positions, on one topic or over the topics each pair both addresses.

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::compare::agreement::{AgreementMatrix, PRIOR};
use stance::groups::GroupBy;
use stance::render::table::{fit_text, matrix};
use stance::render::{self, num, Format};
use stance::Result;

/// Agreement matrix (same side of each topic's proposition?) between issuers, blocs or documents
#[derive(Debug, Args)]
#[command(after_help = "Agreement on a topic = 1 − |position A − position B| / 2: 1 = same position, 0 = one fully
supports what the other fully opposes. A position is the net stance (support share − oppose share)
shrunk toward 0 when few passages are decisive (`stance positions`). Over all topics: the mean over
the topics both address, weighted by their passages; empty when they share none. This is not
`stance similarity`, which measures shared vocabulary (see docs/methods.md).

Examples:
  stance agreement --topic binding_norms
  stance agreement --by bloc --ci
  stance agreement --groups Russia,\"United States\",China --topic budapest_convention
  stance agreement --by bloc --format csv > agreement.csv")]
pub struct AgreementArgs {
    /// Rows and columns of the matrix
    #[arg(long, value_parser = super::choice::<GroupBy>(), default_value_t = GroupBy::Issuer)]
    pub by: GroupBy,
    /// Only this topic (see `stance topics`) [default: over the topics each pair addresses]
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Only these groups (comma-separated names)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub groups: Vec<String>,
    /// Show 95% bootstrap intervals in the table
    #[arg(long)]
    pub ci: bool,
    /// Bootstrap draws for the intervals (0 = none)
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
}

/// The JSON document of `stance agreement` (schema in docs/schema.md).
#[derive(Debug, Serialize)]
pub struct AgreementReport {
    /// Always `"agreement"` (`stance similarity` says `"vocabulary_similarity"`).
    pub measure: &'static str,
    pub by: GroupBy,
    pub topic: Option<String>,
    #[serde(flatten)]
    pub result: AgreementMatrix,
    /// Passages in and out of the domain (ICTs / cyberspace): positions come from those in.
    pub domain: stance::pipeline::DomainShare,
    /// α of the Beta(α, α) prior positions are shrunk with.
    pub prior: f64,
    pub draws: usize,
    pub model: String,
    pub seed: u64,
}

pub fn run(ctx: &Ctx, args: AgreementArgs) -> Result<()> {
    let (analysis, positions) =
        super::positions::compute(ctx, args.by, args.topic.as_deref(), &args.groups, args.draws)?;
    let topic = args.topic.as_deref().and_then(|t| positions.topic_index(t));
    let report = AgreementReport {
        measure: "agreement",
        by: args.by,
        topic: args.topic.clone(),
        result: positions.matrix(topic),
        domain: analysis.domain_share(),
        prior: PRIOR,
        draws: args.draws,
        model: analysis.model_id(),
        seed: ctx.global.seed,
    };
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => to_csv(&report)?,
        Format::Table => to_table(&report, args.ci, positions.params.min_passages),
    })
}

/// Tidy CSV: one row per cell.
fn to_csv(r: &AgreementReport) -> Result<String> {
    let m = &r.result;
    let topic = r.topic.clone().unwrap_or_default();
    let rows = (0..m.labels.len()).flat_map(|i| {
        let topic = topic.clone();
        (0..m.labels.len()).map(move |j| {
            vec![
                m.labels[i].clone(),
                m.labels[j].clone(),
                topic.clone(),
                num(m.matrix[i][j]),
                num(m.low[i][j]),
                num(m.high[i][j]),
                m.n_passages[i].to_string(),
                m.n_passages[j].to_string(),
                m.shared_topics[i][j].to_string(),
            ]
        })
    });
    stance::export::csv::rows(
        &["row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col", "shared_topics"],
        rows,
    )
}

fn to_table(r: &AgreementReport, ci: bool, min_n: usize) -> String {
    let m = &r.result;
    let overall = r.topic.is_none();
    // Groups without a passage here have empty rows: they are named below instead (JSON and CSV
    // keep them).
    let keep: Vec<usize> = (0..m.labels.len()).filter(|&i| m.n_passages[i] > 0).collect();
    let labels: Vec<String> = keep.iter().map(|&i| m.labels[i].clone()).collect();
    let n: Vec<String> = keep.iter().map(|&i| m.n_passages[i].to_string()).collect();
    let cells: Vec<Vec<String>> =
        keep.iter().map(|&i| keep.iter().map(|&j| cell(m, i, j, ci, overall, min_n)).collect()).collect();
    let scope = match &r.topic {
        Some(t) => format!("topic {t}"),
        None => "over the topics each pair addresses".to_string(),
    };
    let mut out =
        format!("Agreement by {} ({scope}; from stance positions: 1 = same side, 0 = opposite sides)\n", r.by.as_str());
    out.push_str(&matrix(r.by.as_str(), &labels, &[("n", n)], &cells));
    let absent: Vec<&str> =
        (0..m.labels.len()).filter(|&i| m.n_passages[i] == 0).map(|i| m.labels[i].as_str()).collect();
    if !absent.is_empty() {
        let on = r.topic.as_ref().map_or("any topic".to_string(), |t| t.clone());
        out.push_str(&format!("No passage on {on}: {}.\n", absent.join(", ")));
    }
    if overall {
        out.push_str("Empty cell: no topic addressed by both. (k): topics both address. n: passages taking a stance.");
    } else {
        out.push_str("Empty cell: a side has no passage on this topic. n: passages on the topic.");
    }
    if ci {
        out.push_str(&format!(" [low–high]: 95% bootstrap interval; 'n<{min_n}': too few passages for one."));
    }
    out.push('\n');
    out.push_str(&r.domain.note());
    out.push('\n');
    fit_text(&out)
}

fn cell(m: &AgreementMatrix, i: usize, j: usize, ci: bool, overall: bool, min_n: usize) -> String {
    let Some(v) = m.matrix[i][j] else { return String::new() };
    let mut s = format!("{v:.2}");
    if ci {
        match (m.low[i][j], m.high[i][j]) {
            (Some(lo), Some(hi)) => s.push_str(&format!(" [{lo:.2}–{hi:.2}]")),
            _ => s.push_str(&format!(" n<{min_n}")),
        }
    }
    if overall {
        s.push_str(&format!(" ({})", m.shared_topics[i][j]));
    }
    s
}
