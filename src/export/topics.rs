//! The topics report (`stance topics`, and the topics of `stance export`): every topic of the
//! lexicon with its top terms, passages per issuer and per stance, and the clusters whose passages
//! are mostly on it; every cluster with its dominant topic.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::terms::top_terms;
use crate::pipeline::Analysis;
use crate::topics::Stance;

/// A term and its weight in a topic or cluster (mean TF-IDF of its passages).
#[derive(Debug, Serialize)]
pub struct TermWeight {
    pub term: String,
    pub weight: f64,
}

/// One topic of the lexicon.
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
    /// Text clusters (the global k-means) whose dominant topic this is.
    pub clusters: Vec<usize>,
}

/// One k-means cluster of passages.
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

/// Topics and clusters of an analysis.
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
