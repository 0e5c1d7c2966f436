//! `stance topics`: topics with their top terms, the clusters (positions) inside them, and how
//! many passages each issuer has on each.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::compare::terms::top_terms;
use stance::pipeline::Analysis;
use stance::render::table::table;
use stance::render::{self, Format};
use stance::topics::Stance;
use stance::Result;

/// Topics, their top terms, clusters and passages per issuer
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance topics
  stance topics --terms 12 --format json
  stance topics --corpus my_corpus/ --format csv > topics.csv")]
pub struct TopicsArgs {
    /// Top terms shown per topic and cluster
    #[arg(long, default_value_t = 8)]
    pub terms: usize,
}

#[derive(Debug, Serialize)]
pub struct TermWeight {
    pub term: String,
    pub weight: f64,
}

#[derive(Debug, Serialize)]
pub struct TopicSummary {
    pub id: String,
    pub label: String,
    pub label_fr: String,
    pub proposition: String,
    pub n_passages: usize,
    pub top_terms: Vec<TermWeight>,
    /// Passages per issuer on this topic.
    pub issuers: BTreeMap<String, usize>,
    /// Passages per stance (support / oppose / neutral).
    pub stances: BTreeMap<Stance, usize>,
    /// Clusters whose dominant topic this is.
    pub clusters: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct ClusterSummary {
    pub id: usize,
    /// Dominant topic of the cluster's passages (null when most have none).
    pub topic: Option<String>,
    /// Share of the cluster's passages on that topic.
    pub topic_share: f64,
    pub n_passages: usize,
    pub top_terms: Vec<TermWeight>,
    pub issuers: BTreeMap<String, usize>,
}

#[derive(Debug, Serialize)]
pub struct TopicsReport {
    pub topics: Vec<TopicSummary>,
    pub clusters: Vec<ClusterSummary>,
    /// Passages with no topic.
    pub unassigned: usize,
    pub model: String,
    pub seed: u64,
}

fn weights(v: Vec<(String, f64)>) -> Vec<TermWeight> {
    v.into_iter().map(|(term, weight)| TermWeight { term, weight }).collect()
}

fn issuer_counts(a: &Analysis, rows: &[usize]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for &r in rows {
        *m.entry(a.issuer_of(&a.passages[r]).to_string()).or_insert(0) += 1;
    }
    m
}

/// Builds the topics report from a fitted analysis.
pub fn summarize(a: &Analysis, n_terms: usize, seed: u64) -> TopicsReport {
    let vocab = &a.tfidf.vocabulary;
    let clusters: Vec<ClusterSummary> = (0..a.clusters.centroids.nrows())
        .map(|c| {
            let rows = a.select(|p| p.cluster == c);
            let mut by_topic: BTreeMap<&str, usize> = BTreeMap::new();
            for &r in &rows {
                if let Some(t) = &a.passages[r].topic {
                    *by_topic.entry(t).or_insert(0) += 1;
                }
            }
            let best = by_topic.iter().max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)));
            ClusterSummary {
                id: c,
                topic: best.map(|(t, _)| t.to_string()),
                topic_share: best.map(|(_, &n)| n as f64 / rows.len().max(1) as f64).unwrap_or(0.0),
                n_passages: rows.len(),
                top_terms: weights(top_terms(&a.matrix, vocab, &rows, n_terms)),
                issuers: issuer_counts(a, &rows),
            }
        })
        .collect();
    let topics = a
        .lexicon
        .topics()
        .iter()
        .map(|t| {
            let rows = a.select(|p| p.on(&t.id));
            let mut stances = BTreeMap::new();
            for s in rows.iter().filter_map(|&r| a.passages[r].stance_on(&t.id)) {
                *stances.entry(s).or_insert(0) += 1;
            }
            TopicSummary {
                id: t.id.clone(),
                label: t.label.clone(),
                label_fr: t.label_fr.clone(),
                proposition: t.proposition.clone(),
                n_passages: rows.len(),
                top_terms: weights(top_terms(&a.matrix, vocab, &rows, n_terms)),
                issuers: issuer_counts(a, &rows),
                stances,
                clusters: clusters.iter().filter(|c| c.topic.as_deref() == Some(t.id.as_str())).map(|c| c.id).collect(),
            }
        })
        .collect();
    TopicsReport {
        topics,
        clusters,
        unassigned: a.passages.iter().filter(|p| p.topic.is_none()).count(),
        model: a.model_id(),
        seed,
    }
}

pub fn run(ctx: &Ctx, args: TopicsArgs) -> Result<()> {
    stance::limits::count("--terms", args.terms, 0, stance::limits::MAX_TERMS)?;
    let analysis = ctx.analysis()?;
    let report = summarize(&analysis, args.terms, ctx.global.seed);
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => to_csv(&report)?,
        Format::Table => to_table(&report),
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
            let stances = [Stance::Support, Stance::Oppose, Stance::Neutral]
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
        &table(&["topic", "n", "support/oppose/neutral", "top terms", "issuers (passages)", "clusters"], &rows)
            .to_string(),
    );
    out.push_str(&format!(
        "\n{} passages have no topic.\n\nClusters (k-means on SVD vectors: positions within topics)\n",
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
    out.push_str(&table(&["cluster", "dominant topic", "n", "top terms", "issuers (passages)"], &rows).to_string());
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
