//! `stance positions`: every group on a topic's axis, −1 (oppose) … +1 (support), with intervals
//! — a dot plot in the terminal.

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::compare::agreement::{positions, Positions, PRIOR};
use stance::export::{columns, position_records, PositionRecord};
use stance::groups::GroupBy;
use stance::pipeline::Analysis;
use stance::render::dotplot::{dotplot, wrap, Dot};
use stance::render::{self, Format};
use stance::Result;

/// Positions of issuers, blocs or documents on a topic, from oppose (−1) to support (+1)
#[derive(Debug, Args)]
#[command(after_help = "A position is the net stance of a group's passages on the topic (support share − oppose
share), shrunk toward 0 when few passages are decisive: with a Beta(1, 1) prior, one supporting
passage gives +0.33, eight give +0.80. The bar is the 95% bootstrap interval (none with fewer than 3
passages). See docs/methods.md.

Examples:
  stance positions --topic budapest_convention
  stance positions --topic binding_norms --by bloc
  stance positions --format csv > positions.csv          # every topic
  stance positions --topic internet_governance --format json | jq '.positions[0]'")]
pub struct PositionsArgs {
    /// The topic (see `stance topics`) [default: every topic]
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Whose positions
    #[arg(long, value_parser = super::choice::<GroupBy>(), default_value_t = GroupBy::Issuer)]
    pub by: GroupBy,
    /// Only these groups (comma-separated names)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub groups: Vec<String>,
    /// Bootstrap draws for the intervals (0 = none)
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
}

/// The JSON document of `stance positions`.
#[derive(Debug, Serialize)]
pub struct PositionsReport {
    /// Always `"position"`.
    pub measure: &'static str,
    pub by: GroupBy,
    pub topic: Option<String>,
    /// α of the Beta(α, α) prior positions are shrunk with.
    pub prior: f64,
    pub draws: usize,
    /// Per topic, most supportive first.
    pub positions: Vec<PositionRecord>,
    /// Passages in and out of the domain (ICTs / cyberspace): positions come from those in.
    pub domain: stance::pipeline::DomainShare,
    pub model: String,
    pub seed: u64,
}

/// Checks the topic and group names, fits the pipeline and computes every position: what
/// `positions` and `agreement` share.
pub fn compute(
    ctx: &Ctx,
    by: GroupBy,
    topic: Option<&str>,
    groups: &[String],
    draws: usize,
) -> Result<(Analysis, Positions)> {
    // Each draw holds one position per group and topic, far less than a similarity matrix: the
    // fixed cap is the bound that matters.
    stance::limits::check_draws(draws, 0)?;
    if let Some(t) = topic {
        ctx.lexicon()?.check_topic(t)?;
    }
    let analysis = ctx.analysis()?;
    ctx.warn_domain(&analysis.domain_share());
    let params = ctx.bootstrap(draws);
    let p = positions(&analysis, by, groups, &params)?;
    Ok((analysis, p))
}

pub fn run(ctx: &Ctx, args: PositionsArgs) -> Result<()> {
    let (analysis, p) = compute(ctx, args.by, args.topic.as_deref(), &args.groups, args.draws)?;
    let topic = args.topic.as_deref().and_then(|t| p.topic_index(t));
    let report = PositionsReport {
        measure: "position",
        by: args.by,
        topic: args.topic.clone(),
        prior: PRIOR,
        draws: args.draws,
        positions: position_records(&p, args.by, topic),
        domain: analysis.domain_share(),
        model: analysis.model_id(),
        seed: ctx.global.seed,
    };
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => stance::export::csv::records(columns::POSITIONS, &report.positions)?,
        Format::Table => to_table(&report, &p, topic),
    })
}

/// `+0.62 [+0.30 +0.85]  5/1/2` (support/oppose/neutral passages).
fn note(r: &PositionRecord) -> String {
    let ci = match (r.low, r.high) {
        (Some(lo), Some(hi)) => format!("[{lo:+.2} {hi:+.2}]"),
        _ => "(n too small)".to_string(),
    };
    format!("{:+.2} {ci:<13} {}/{}/{}", r.position, r.support, r.oppose, r.neutral)
}

fn to_table(r: &PositionsReport, p: &Positions, topic: Option<usize>) -> String {
    let topics: Vec<usize> = topic.map_or_else(|| (0..p.topics.len()).collect(), |t| vec![t]);
    let mut out = String::new();
    for t in topics {
        let name = &p.topics[t];
        let rows: Vec<&PositionRecord> = r.positions.iter().filter(|x| &x.topic == name).collect();
        if rows.is_empty() && topic.is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "Positions on {name} by {} (−1 oppose … +1 support; ● position, ─ 95% interval)\n",
            r.by.as_str()
        ));
        let dots: Vec<Dot> = rows
            .iter()
            .map(|x| Dot { label: x.group.clone(), value: x.position, low: x.low, high: x.high, note: note(x) })
            .collect();
        out.push_str(&dotplot(&dots, r.by.as_str(), "position [95% CI]  S/O/N"));
        let absent: Vec<&str> =
            p.labels.iter().enumerate().filter(|(g, _)| p.cells[t][*g].is_none()).map(|(_, l)| l.as_str()).collect();
        if !absent.is_empty() {
            out.push_str(&wrap(&format!("No passage on {name}: {}", absent.join(", "))));
        }
    }
    if out.is_empty() {
        out.push_str("No passage on any topic.\n");
    }
    out.push('\n');
    out.push_str(&wrap(&format!(
        "Position = (support − oppose)/n, shrunk toward 0 by d/(d+2) (d = decisive passages; Beta({PRIOR}, {PRIOR}) \
         prior); S/O/N = passages that support / oppose / are neutral."
    )));
    out.push_str(&wrap(&r.domain.note()));
    out
}
