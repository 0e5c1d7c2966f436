//! `stance clusters`: the positions found on each topic (linfa k-means within the topic's
//! passages, k from 1 to 5), with their stance mix, distinctive terms, members and examples.

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::cluster::positions::{PositionParams, MAX_K};
use stance::compare::clusters::{cluster_records, topic_clusters, ClusterOptions, Member, TopicClusters};
use stance::export::columns;
use stance::render::dotplot::wrap;
use stance::render::table::table;
use stance::render::{self, Format};
use stance::Result;

/// Positions on each topic: the topic's passages clustered by what they say and which side they take
#[derive(Debug, Args)]
#[command(after_help = "For each topic, the passages in the domain that speak to it (speech openings, salutations,
procedural and date-only passages left out) are clustered with k-means (linfa) on their SVD
vector plus their stance; k is chosen from 1 to 5 by the silhouette (k = 1, one position, when no
k reaches 0.25). Each position is labelled by its stance mix (support/oppose/neutral), its
Fightin' Words terms against the topic's other positions, its issuers (with the share of each
issuer's passages on the topic) and blocs, and its two most typical passages. Purity and the
separation of blocs (share of their passage pairs in different positions) say how well the
positions follow stances and blocs. See docs/methods.md. `stance topics` shows the global text
clusters instead.

Examples:
  stance clusters --topic binding_norms
  stance clusters --topic budapest_convention --k 3
  stance clusters --format json | jq '.topics[] | {topic, k}'
  stance clusters --format csv > clusters.csv")]
pub struct ClustersArgs {
    /// The topic (see `stance topics`) [default: every topic with passages]
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Number of positions, 1 to 5 [default: chosen by the silhouette]
    #[arg(long, value_name = "N")]
    pub k: Option<usize>,
    /// Distinctive terms per position
    #[arg(long, default_value_t = 5)]
    pub terms: usize,
    /// Example passages per position
    #[arg(long, default_value_t = 2)]
    pub examples: usize,
    /// Weight of the stance beside the passage's words (0 = words only), 0 to 4
    #[arg(long, value_name = "W", default_value_t = ClusterOptions::default().stance_weight)]
    pub stance_weight: f64,
}

/// The JSON document of `stance clusters`.
#[derive(Debug, Serialize)]
pub struct ClustersReport {
    /// Always `"positions"`.
    pub measure: &'static str,
    pub topic: Option<String>,
    pub topics: Vec<TopicClusters>,
    pub params: ClusterOptions,
    /// Passages in and out of the domain (ICTs / cyberspace): positions come from those in.
    pub domain: stance::pipeline::DomainShare,
    pub model: String,
    pub seed: u64,
}

pub fn run(ctx: &Ctx, args: ClustersArgs) -> Result<()> {
    if let Some(k) = args.k {
        stance::limits::count("--k", k, 1, MAX_K)?;
    }
    stance::limits::count("--terms", args.terms, 0, stance::limits::MAX_TERMS)?;
    stance::limits::count("--examples", args.examples, 0, stance::limits::MAX_EVIDENCE)?;
    if !(0.0..=4.0).contains(&args.stance_weight) {
        return Err(stance::Error::usage(format!(
            "--stance-weight {} is out of range; give 0 to 4",
            args.stance_weight
        )));
    }
    if let Some(t) = &args.topic {
        ctx.lexicon()?.check_topic(t)?;
    }
    let analysis = ctx.analysis()?;
    ctx.warn_domain(&analysis.domain_share());
    let opts = ClusterOptions {
        positions: PositionParams { k: args.k, ..Default::default() },
        terms: args.terms,
        examples: args.examples,
        stance_weight: args.stance_weight,
        seed: ctx.global.seed,
    };
    let topics: Vec<String> = args.topic.iter().cloned().collect();
    let report = ClustersReport {
        measure: "positions",
        topic: args.topic.clone(),
        topics: topic_clusters(&analysis, &topics, &opts)?,
        params: opts,
        domain: analysis.domain_share(),
        model: analysis.model_id(),
        seed: ctx.global.seed,
    };
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => stance::export::csv::records(columns::CLUSTERS, &cluster_records(&report.topics))?,
        Format::Table => to_table(&report),
    })
}

/// `Russia 3 (100%), CIS 2 (67%), +4 more`.
fn members(m: &[Member], k: usize) -> String {
    let mut s = m.iter().take(k).map(|m| format!("{} {} ({:.0}%)", m.name, m.n, 100.0 * m.share)).collect::<Vec<_>>();
    if m.len() > k {
        s.push(format!("+{} more", m.len() - k));
    }
    s.join(", ")
}

/// At most `n` characters of `text`, cut at a space, with `…` when cut.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let cut: String = text.chars().take(n).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

fn to_table(r: &ClustersReport) -> String {
    let mut out = String::new();
    for t in &r.topics {
        if !out.is_empty() {
            out.push('\n');
        }
        let s = if t.n_passages == 1 { "" } else { "s" };
        out.push_str(&format!("Positions on {} — {} passage{s}; {}\n", t.topic, t.n_passages, t.how_k()));
        if t.positions.is_empty() {
            out.push_str(&wrap(&format!("No passage on {} in the domain.", t.topic)));
            continue;
        }
        let rows: Vec<Vec<String>> = t
            .positions
            .iter()
            .map(|p| {
                vec![
                    p.cluster.to_string(),
                    p.n.to_string(),
                    p.stances.text(),
                    p.terms.iter().map(|t| t.term.as_str()).collect::<Vec<_>>().join(", "),
                    members(&p.issuers, 4),
                    members(&p.blocs, 3),
                ]
            })
            .collect();
        out.push_str(
            &table(&["#", "n", "S/O/N", "distinctive terms", "issuers (share of theirs)", "blocs"], &rows).to_string(),
        );
        out.push('\n');
        for p in &t.positions {
            for e in &p.examples {
                out.push_str(&format!(
                    "  #{} {} ({}, {}): \"{}\"\n",
                    p.cluster,
                    e.issuer,
                    e.document,
                    e.stance.as_str(),
                    clip(&e.text, 160)
                ));
            }
        }
        let q = &t.quality;
        let mut line = format!("Purity: stance {:.2}, bloc {:.2}.", q.stance_purity, q.bloc_purity);
        let seps: Vec<String> = q
            .separation
            .iter()
            .filter(|s| s.n_a >= 3 && s.n_b >= 3)
            .map(|s| format!("{} vs {} {:.2}", s.a, s.b, s.share))
            .collect();
        if !seps.is_empty() {
            line.push_str(&format!(" Blocs in different positions (share of passage pairs): {}.", seps.join(", ")));
        }
        let left: usize = t.boilerplate.values().sum();
        if left > 0 {
            let kinds: Vec<String> = t.boilerplate.iter().map(|(k, n)| format!("{} {n}", k.as_str())).collect();
            line.push_str(&format!(" Left out as boilerplate: {left} ({}).", kinds.join(", ")));
        }
        out.push_str(&wrap(&line));
    }
    if r.topics.is_empty() {
        out.push_str("No passage on any topic.\n");
    }
    out.push('\n');
    out.push_str(&wrap(
        "S/O/N = passages that support / oppose / are neutral. Share = the issuer's (bloc's) passages on the topic \
         that fall in this position.",
    ));
    out.push_str(&wrap(&r.domain.note()));
    out
}
