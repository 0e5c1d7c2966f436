//! `stance topics`: topics with their top terms, the global text clusters (one k-means over every
//! passage: texts that read alike, which are topics or text types more than positions — those are
//! `stance clusters`), and how many passages each issuer has on each.

use std::collections::BTreeMap;

use clap::Args;

use super::{emit, Ctx};
use stance::export::topics::{summarize, TermWeight, TopicsReport};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::topics::Stance;
use stance::topics::{check, Lexicon};
use stance::Result;

/// Topics, their top terms, text clusters and passages per issuer
#[derive(Debug, Args)]
#[command(after_help = "Text clusters are one k-means (k = 20) over every passage's SVD vector: passages that read
alike, often a topic or a text type (openings, procedure) rather than a position. The positions on
each topic are `stance clusters`.

Examples:
  stance topics
  stance topics --terms 12 --format json
  stance topics --corpus my_corpus/ --format csv > topics.csv
  stance topics --lexicon my_topics.toml --check     # validate an edited lexicon (docs/lexicon.md)")]
pub struct TopicsArgs {
    /// Top terms shown per topic and cluster
    #[arg(long, default_value_t = 8)]
    pub terms: usize,
    /// Check the lexicon (--lexicon FILE, or the built-in one) instead: it must load, then lists
    /// concepts and word classes nothing names and expressions written in more than one concept
    #[arg(long)]
    pub check: bool,
}

pub fn run(ctx: &Ctx, args: TopicsArgs) -> Result<()> {
    if args.check {
        return check(ctx);
    }
    stance::limits::count("--terms", args.terms, 0, stance::limits::MAX_TERMS)?;
    let analysis = ctx.analysis()?;
    let report = summarize(&analysis, args.terms, ctx.global.seed);
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => to_csv(&report)?,
        Format::Table => to_table(&report),
    })
}

/// `--check`: the report of [`stance::topics::check`], as a table, JSON or CSV (one row a finding).
fn check(ctx: &Ctx) -> Result<()> {
    let report = match &ctx.global.lexicon {
        Some(path) => {
            let src = std::fs::read_to_string(path).map_err(|e| stance::Error::io(path, e))?;
            check::check(&src, &path.display().to_string())?
        }
        None => Lexicon::check_builtin()?,
    };
    let findings: Vec<Vec<String>> = report
        .unused_concepts
        .iter()
        .map(|c| vec!["unused_concept".to_string(), c.clone(), String::new()])
        .chain(report.unused_word_classes.iter().map(|c| vec!["unused_word_class".into(), c.clone(), String::new()]))
        .chain(report.overlapping.iter().map(|o| vec!["overlapping".into(), o.expression.clone(), o.places.join("; ")]))
        .collect();
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => stance::export::csv::rows(&["finding", "name", "where"], findings)?,
        Format::Table => {
            let mut out = format!(
                "{}: lexicon {} loads: {} topics, {} concepts.\n",
                report.file, report.version, report.n_topics, report.n_concepts
            );
            if report.is_clean() {
                out.push_str("No unused concept or word class, no overlapping expression.\n");
            } else {
                out.push_str(&format!(
                    "{} unused concept(s), {} unused word class(es), {} expression(s) in more than one place:\n{}\n",
                    report.unused_concepts.len(),
                    report.unused_word_classes.len(),
                    report.overlapping.len(),
                    table(&["finding", "name", "where"], &findings)
                ));
            }
            out
        }
    })
}

fn terms_text(t: &[TermWeight]) -> String {
    t.iter().map(|w| w.term.as_str()).collect::<Vec<_>>().join(", ")
}

fn counts_text(m: &BTreeMap<String, usize>, k: usize) -> String {
    let mut v: Vec<(&String, &usize)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut s = v.iter().take(k).map(|(n, c)| format!("{n} {c}")).collect::<Vec<_>>().join(", ");
    if v.len() > k {
        s.push_str(&format!(", +{} more", v.len() - k));
    }
    s
}

fn to_table(r: &TopicsReport) -> String {
    let rows: Vec<Vec<String>> = r
        .topics
        .iter()
        .map(|t| {
            let stances = Stance::ALL
                .iter()
                .map(|s| format!("{}", t.stances.get(s).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join("/");
            vec![
                t.id.clone(),
                t.n_passages.to_string(),
                stances,
                terms_text(&t.top_terms),
                counts_text(&t.issuers, 4),
                t.clusters.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" "),
            ]
        })
        .collect();
    let mut out = String::from("Topics (passages assigned by the bilingual lexicon)\n");
    out.push_str(
        &table(&["topic", "n", "support/oppose/neutral", "top terms", "issuers (passages)", "text clusters"], &rows)
            .to_string(),
    );
    out.push_str(&format!(
        "\n{} passages have no topic.\n\nText clusters (one k-means over all passages: texts that read alike, not positions; see `stance clusters`)\n",
        r.unassigned
    ));
    let rows: Vec<Vec<String>> = r
        .clusters
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.topic.clone().map(|t| format!("{t} ({:.0}%)", 100.0 * c.topic_share)).unwrap_or_else(|| "-".into()),
                c.n_passages.to_string(),
                terms_text(&c.top_terms),
                counts_text(&c.issuers, 3),
            ]
        })
        .collect();
    out.push_str(
        &table(&["text cluster", "dominant topic", "n", "top terms", "issuers (passages)"], &rows).to_string(),
    );
    out.push('\n');
    out
}

/// Tidy CSV: one row per (topic or cluster, issuer).
fn to_csv(r: &TopicsReport) -> Result<String> {
    let mut rows = Vec::new();
    for t in &r.topics {
        for (issuer, n) in &t.issuers {
            rows.push(vec![
                "topic".to_string(),
                t.id.clone(),
                t.id.clone(),
                issuer.clone(),
                n.to_string(),
                terms_text(&t.top_terms),
            ]);
        }
    }
    for c in &r.clusters {
        for (issuer, n) in &c.issuers {
            rows.push(vec![
                "cluster".to_string(),
                c.id.to_string(),
                c.topic.clone().unwrap_or_default(),
                issuer.clone(),
                n.to_string(),
                terms_text(&c.top_terms),
            ]);
        }
    }
    stance::export::csv::rows(&["kind", "id", "topic", "issuer", "n_passages", "top_terms"], rows)
}
