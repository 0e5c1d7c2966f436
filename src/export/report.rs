//! The data behind the HTML report (`stance report`), built from an analysis; the markup is in
//! `crate::render::html`. Kept apart so the page's numbers can be tested without parsing HTML.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{issuer_blocs, matrices, position_records, topics_with_passages, PositionRecord, TopicMatrix};
use crate::compare::agreement::{positions, AgreementMatrix};
use crate::compare::clusters::{topic_clusters, ClusterOptions, TopicClusters};
use crate::compare::evidence::{evidence, stance_calls, Evidence};
use crate::compare::keyness::KeynessParams;
use crate::compare::sides::{compare, CompareParams, Comparison, Side};
use crate::compare::{SimilarityMatrix, SimilarityParams, VOCABULARY_SIMILARITY};
use crate::groups::GroupBy;
use crate::pipeline::Analysis;
use crate::topics::StanceCounts;
use crate::Result;

/// What the report shows.
#[derive(Debug, Clone)]
pub struct ReportParams {
    /// The two sides of the comparison section (bloc names or `issuer:NAME`); None = the two
    /// largest blocs.
    pub compare: Option<(String, String)>,
    pub bootstrap: SimilarityParams,
    /// Distinctive terms per side and topic.
    pub terms: usize,
    /// Evidence passages per side and topic in the comparison.
    pub evidence: usize,
}

impl Default for ReportParams {
    fn default() -> Self {
        ReportParams { compare: None, bootstrap: SimilarityParams::default(), terms: 8, evidence: 2 }
    }
}

/// A document as listed in the overview.
#[derive(Debug, Clone, Serialize)]
pub struct DocRow {
    pub date: Option<String>,
    pub issuer: String,
    pub bloc: String,
    pub lang: String,
    pub title: Option<String>,
    /// The manifest's `source_url`, split on ` ; ` when it lists several.
    pub sources: Vec<String>,
    pub n_passages: usize,
}

/// A bloc and its members.
#[derive(Debug, Clone, Serialize)]
pub struct BlocRow {
    pub bloc: String,
    pub issuers: Vec<String>,
    pub n_documents: usize,
    pub n_passages: usize,
}

/// A topic's passage and stance counts (support, oppose, neutral).
#[derive(Debug, Clone, Serialize)]
pub struct TopicRow {
    pub id: String,
    pub label: String,
    pub proposition: String,
    pub n_passages: usize,
    pub stances: StanceCounts,
}

/// The corpus at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub corpus: String,
    pub n_documents: usize,
    pub n_issuers: usize,
    pub n_passages: usize,
    /// Passages with a topic.
    pub n_on_topic: usize,
    /// Passages in and out of the domain (ICTs / cyberspace); the comparisons read those in.
    pub domain: crate::pipeline::DomainShare,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Documents per language code.
    pub languages: BTreeMap<String, usize>,
    pub blocs: Vec<BlocRow>,
    pub topics: Vec<TopicRow>,
    pub documents: Vec<DocRow>,
}

/// One heatmap: a vocabulary-similarity or agreement matrix restricted to the groups that have
/// passages, rows and columns in clustered order.
#[derive(Debug, Clone, Serialize)]
pub struct Heatmap {
    /// `"vocabulary_similarity"` or `"agreement"`.
    pub measure: &'static str,
    /// `None`: all passages (agreement: over the topics each pair addresses).
    pub topic: Option<String>,
    pub title: String,
    pub matrix: SimilarityMatrix,
    /// Agreement over all topics: the topics each pair addresses (same order as `matrix`).
    pub shared_topics: Option<Vec<Vec<usize>>>,
    /// Groups left out for having no passage here.
    pub absent: Vec<String>,
}

/// Where each issuer stands on a topic, and who agrees with whom there (`topic` None: the
/// agreement over all topics, no positions).
#[derive(Debug, Clone, Serialize)]
pub struct TopicPositions {
    pub topic: Option<String>,
    pub title: String,
    /// Most supportive first.
    pub positions: Vec<PositionRecord>,
    pub agreement: Heatmap,
}

/// One issuer's passages on a topic.
#[derive(Debug, Clone, Serialize)]
pub struct IssuerEvidence {
    pub issuer: String,
    pub bloc: String,
    pub stances: StanceCounts,
    pub passages: Vec<Evidence>,
}

/// Every passage on a topic, by issuer: what the heatmap cells link to.
#[derive(Debug, Clone, Serialize)]
pub struct TopicEvidence {
    pub topic: String,
    pub title: String,
    pub issuers: Vec<IssuerEvidence>,
}

/// Everything the page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub overview: Overview,
    /// Each issuer's bloc (for the coloured chips beside labels).
    pub blocs_of: BTreeMap<String, String>,
    /// Positions and agreement: over all topics first, then one per topic with passages.
    pub agreement: Vec<TopicPositions>,
    /// Vocabulary similarity: overall first, then one per topic with passages.
    pub heatmaps: Vec<Heatmap>,
    pub comparison: Option<Comparison>,
    pub evidence: Vec<TopicEvidence>,
    /// The positions found on each topic with passages (`stance clusters`), lexicon order.
    pub clusters: Vec<TopicClusters>,
    pub model: String,
    pub seed: u64,
    /// Bootstrap draws behind every interval.
    pub draws: usize,
    pub lexicon: String,
    pub version: String,
}

impl Report {
    /// Builds the report's data; `progress` is told each step.
    pub fn build(a: &Analysis, params: &ReportParams, progress: &dyn Fn(&str)) -> Result<Report> {
        let comparison = match comparison_sides(a, params)? {
            Some((side_a, side_b)) => {
                progress(&format!("comparing {} and {}", side_a.label(), side_b.label()));
                let cp = CompareParams {
                    bootstrap: params.bootstrap,
                    keyness: KeynessParams { k: params.terms, ..Default::default() },
                    evidence: params.evidence,
                    topic: None,
                };
                Some(compare(a, &side_a, &side_b, &cp)?)
            }
            None => None,
        };
        progress("positions and agreement");
        let agreement = agreement_views(a, &params.bootstrap)?;
        let heatmaps =
            matrices(a, &[GroupBy::Issuer], &params.bootstrap, progress).into_iter().map(|m| heatmap(a, m)).collect();
        progress("positions on each topic");
        let clusters = topic_clusters(a, &[], &ClusterOptions { seed: params.bootstrap.seed, ..Default::default() })?;
        progress("collecting evidence");
        Ok(Report {
            overview: overview(a),
            blocs_of: issuer_blocs(a),
            agreement,
            heatmaps,
            comparison,
            evidence: topic_evidence(a),
            clusters,
            model: a.model_id(),
            seed: params.bootstrap.seed,
            draws: params.bootstrap.draws,
            lexicon: a.lexicon.version().to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        })
    }
}

/// The sides asked for, or the two largest blocs; None when the corpus has fewer than two blocs.
fn comparison_sides(a: &Analysis, params: &ReportParams) -> Result<Option<(Side, Side)>> {
    let names = match &params.compare {
        Some(pair) => Some(pair.clone()),
        None => super::largest_blocs(a),
    };
    names.map(|(x, y)| Ok((Side::parse(&x, &a.corpus)?, Side::parse(&y, &a.corpus)?))).transpose()
}

/// Title of a topic (its label), or of all passages.
pub fn topic_title(a: &Analysis, topic: Option<&str>) -> String {
    match topic {
        None => "All passages".to_string(),
        Some(t) => a.lexicon.topic(t).map_or_else(|| t.to_string(), |d| d.label.clone()),
    }
}

fn overview(a: &Analysis) -> Overview {
    let docs = &a.corpus.documents;
    let mut per_doc = vec![0usize; docs.len()];
    for p in &a.passages {
        per_doc[p.doc] += 1;
    }
    let mut languages = BTreeMap::new();
    for d in docs {
        *languages.entry(d.lang.code().to_string()).or_insert(0) += 1;
    }
    let mut dates: Vec<&String> = docs.iter().filter_map(|d| d.date.as_ref()).collect();
    dates.sort();
    let blocs = a
        .corpus
        .blocs()
        .into_iter()
        .map(|b| {
            let mine: Vec<usize> = (0..docs.len()).filter(|&d| docs[d].bloc == b).collect();
            let issuers = crate::corpus::sorted_unique(mine.iter().map(|&d| docs[d].issuer.clone()));
            BlocRow { n_documents: mine.len(), n_passages: mine.iter().map(|&d| per_doc[d]).sum(), issuers, bloc: b }
        })
        .collect();
    let counts = a.topic_counts();
    let topics = a
        .lexicon
        .topics()
        .iter()
        .map(|t| {
            let stances = a.passages.iter().filter_map(|p| p.stance_on(&t.id)).collect();
            TopicRow {
                id: t.id.clone(),
                label: t.label.clone(),
                proposition: t.proposition.clone(),
                n_passages: counts.get(&t.id).copied().unwrap_or(0),
                stances,
            }
        })
        .collect();
    let mut documents: Vec<DocRow> = docs
        .iter()
        .zip(&per_doc)
        .map(|(d, &n)| DocRow {
            date: d.date.clone(),
            issuer: d.issuer.clone(),
            bloc: d.bloc.clone(),
            lang: d.lang.code().to_string(),
            title: d.title.clone(),
            sources: d
                .source_url
                .iter()
                .flat_map(|s| s.split(" ; "))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            n_passages: n,
        })
        .collect();
    documents.sort_by(|x, y| x.date.cmp(&y.date).then(x.issuer.cmp(&y.issuer)));
    let root = &a.corpus.root;
    Overview {
        corpus: root.file_name().map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned()),
        n_documents: docs.len(),
        n_issuers: a.corpus.issuers().len(),
        n_passages: a.passages.len(),
        n_on_topic: a.passages.iter().filter(|p| !p.topics.is_empty()).count(),
        domain: a.domain_share(),
        first_date: dates.first().map(|d| d.to_string()),
        last_date: dates.last().map(|d| d.to_string()),
        languages,
        blocs,
        topics,
        documents,
    }
}

fn heatmap(a: &Analysis, m: TopicMatrix) -> Heatmap {
    clustered(VOCABULARY_SIMILARITY, topic_title(a, m.topic.as_deref()), m.topic, m.result, None)
}

/// A heatmap of the groups of `r` that have passages, in clustered order.
fn clustered(
    measure: &'static str,
    title: String,
    topic: Option<String>,
    r: SimilarityMatrix,
    shared_topics: Option<Vec<Vec<usize>>>,
) -> Heatmap {
    let present: Vec<usize> = (0..r.labels.len()).filter(|&i| r.n_passages[i] > 0).collect();
    let absent = (0..r.labels.len()).filter(|&i| r.n_passages[i] == 0).map(|i| r.labels[i].clone()).collect();
    let sub = select(&r, &present);
    let order: Vec<usize> = leaf_order(&sub.matrix).into_iter().map(|k| present[k]).collect();
    let shared_topics =
        shared_topics.map(|s| order.iter().map(|&i| order.iter().map(|&j| s[i][j]).collect()).collect());
    Heatmap { measure, title, topic, matrix: select(&r, &order), shared_topics, absent }
}

/// Issuers' positions and agreement, over all topics then per topic with passages, from one
/// bootstrap.
fn agreement_views(a: &Analysis, bootstrap: &SimilarityParams) -> Result<Vec<TopicPositions>> {
    let p = positions(a, GroupBy::Issuer, &[], bootstrap)?;
    let as_matrix = |m: AgreementMatrix| -> (SimilarityMatrix, Vec<Vec<usize>>) {
        let s =
            SimilarityMatrix { labels: m.labels, matrix: m.matrix, low: m.low, high: m.high, n_passages: m.n_passages };
        (s, m.shared_topics)
    };
    let (overall, shared) = as_matrix(p.matrix(None));
    let title = "All topics".to_string();
    let mut out = vec![TopicPositions {
        topic: None,
        title: title.clone(),
        positions: Vec::new(),
        agreement: clustered("agreement", title, None, overall, Some(shared)),
    }];
    for t in topics_with_passages(a) {
        let Some(k) = p.topic_index(&t) else { continue };
        let title = topic_title(a, Some(&t));
        let (m, _) = as_matrix(p.matrix(Some(k)));
        out.push(TopicPositions {
            positions: position_records(&p, GroupBy::Issuer, Some(k)),
            agreement: clustered("agreement", title.clone(), Some(t.clone()), m, None),
            topic: Some(t),
            title,
        });
    }
    Ok(out)
}

/// The rows and columns `keep` of a matrix, in that order.
pub fn select(m: &SimilarityMatrix, keep: &[usize]) -> SimilarityMatrix {
    let pick = |x: &Vec<Vec<Option<f64>>>| keep.iter().map(|&i| keep.iter().map(|&j| x[i][j]).collect()).collect();
    SimilarityMatrix {
        labels: keep.iter().map(|&i| m.labels[i].clone()).collect(),
        matrix: pick(&m.matrix),
        low: pick(&m.low),
        high: pick(&m.high),
        n_passages: keep.iter().map(|&i| m.n_passages[i]).collect(),
    }
}

/// Leaf order of an average-linkage clustering on distance `1 − similarity` (a missing value
/// counts as distance 1), so that similar groups sit next to each other and blocks show. Ties
/// merge the lowest-numbered clusters first, and a merge puts the cluster holding the lower
/// index first: the order is deterministic.
pub fn leaf_order(sim: &[Vec<Option<f64>>]) -> Vec<usize> {
    let n = sim.len();
    let dist = |i: usize, j: usize| 1.0 - sim[i][j].unwrap_or(0.0);
    // Each live cluster: its leaves in order. Average linkage from leaf distances (n is small).
    let mut clusters: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    while clusters.len() > 1 {
        let mut best = (f64::INFINITY, 0, 1);
        for x in 0..clusters.len() {
            for y in x + 1..clusters.len() {
                let (cx, cy) = (&clusters[x], &clusters[y]);
                let d = cx.iter().flat_map(|&i| cy.iter().map(move |&j| dist(i, j))).sum::<f64>()
                    / (cx.len() * cy.len()) as f64;
                if d < best.0 {
                    best = (d, x, y);
                }
            }
        }
        let (_, x, y) = best;
        let merged = clusters.remove(y);
        clusters[x].extend(merged);
    }
    clusters.pop().unwrap_or_default()
}

fn topic_evidence(a: &Analysis) -> Vec<TopicEvidence> {
    let blocs = issuer_blocs(a);
    super::topics_with_passages(a)
        .into_iter()
        .map(|t| {
            let rows = a.select(|p| p.on(&t));
            let mut by_issuer: BTreeMap<&str, Vec<Evidence>> = BTreeMap::new();
            for (r, call) in stance_calls(a, &rows, &t) {
                by_issuer.entry(a.issuer_of(&a.passages[r])).or_default().push(evidence(a, r, &call));
            }
            let issuers = by_issuer
                .into_iter()
                .map(|(issuer, passages)| {
                    let stances = passages.iter().filter_map(|e| e.stance).collect();
                    IssuerEvidence {
                        issuer: issuer.to_string(),
                        bloc: blocs.get(issuer).cloned().unwrap_or_default(),
                        stances,
                        passages,
                    }
                })
                .collect();
            TopicEvidence { title: topic_title(a, Some(&t)), topic: t, issuers }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(v: &[&[f64]]) -> Vec<Vec<Option<f64>>> {
        v.iter().map(|r| r.iter().map(|&x| Some(x)).collect()).collect()
    }

    #[test]
    fn leaf_order_puts_similar_groups_together() {
        // 0 and 2 are close, 1 and 3 are close: the order must keep each pair adjacent.
        let sim = m(&[&[1.0, 0.1, 0.9, 0.2], &[0.1, 1.0, 0.2, 0.8], &[0.9, 0.2, 1.0, 0.1], &[0.2, 0.8, 0.1, 1.0]]);
        let order = leaf_order(&sim);
        assert_eq!(order, [0, 2, 1, 3]);
        assert_eq!(leaf_order(&sim), order, "deterministic");
        assert_eq!(leaf_order(&[]), Vec::<usize>::new());
    }

    #[test]
    fn select_reorders_every_field() {
        let sm = SimilarityMatrix {
            labels: vec!["a".into(), "b".into(), "c".into()],
            matrix: m(&[&[1.0, 0.2, 0.3], &[0.2, 1.0, 0.4], &[0.3, 0.4, 1.0]]),
            low: m(&[&[1.0, 0.1, 0.2], &[0.1, 1.0, 0.3], &[0.2, 0.3, 1.0]]),
            high: vec![vec![None; 3]; 3],
            n_passages: vec![1, 2, 3],
        };
        let s = select(&sm, &[2, 0]);
        assert_eq!(s.labels, ["c", "a"]);
        assert_eq!(s.matrix[0][1], Some(0.3));
        assert_eq!(s.low[1][0], Some(0.2));
        assert_eq!(s.n_passages, [3, 1]);
    }
}
