//! Stable, versioned views of an analysis for readers outside the command line: the files of
//! `stance export` (pandas, R) and the data behind the HTML report ([`report`]).
//!
//! Every table here is a plain `Serialize` row type whose field order *is* the CSV column order,
//! and whose JSON form has the same values, so a notebook gets the same numbers from either.
//! The schemas are pinned in `docs/schema.json` (shipped inside every export as `schema.json`)
//! and explained in `docs/schema.md`; change them only together with [`SCHEMA_VERSION`].

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod csv;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod report;
pub mod topics;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::agreement::{positions, AgreementMatrix, Positions};
use crate::compare::keyness::KeyTerm;
use crate::compare::sides::Comparison;
use crate::compare::similarity::similarity;
use crate::compare::{SimilarityMatrix, SimilarityParams, VOCABULARY_SIMILARITY};
use crate::groups::{GroupBy, Grouping};
use crate::pipeline::{Analysis, PassageSpan, Provenance};
use crate::topics::{Stance, StanceCounts};
use crate::Result;

/// Version of the export schemas (files, columns, JSON keys). Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema document describing every export file (`docs/schema.json`).
pub const SCHEMA_JSON: &str = include_str!("../../docs/schema.json");

/// One similarity matrix: a grouping (issuer, bloc) over all passages or one topic's. Its keys
/// are those of `stance similarity --format json` (without `model` / `seed`).
#[derive(Debug, Clone, Serialize)]
pub struct TopicMatrix {
    /// Always `"vocabulary_similarity"`.
    pub measure: &'static str,
    pub by: GroupBy,
    /// `None`: all passages.
    pub topic: Option<String>,
    #[serde(flatten)]
    pub result: SimilarityMatrix,
}

/// One cell of a group × group matrix in long form: the columns that `similarity.csv` and
/// `agreement.csv` share (those of `stance similarity --format csv` after `by`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixCell {
    pub by: GroupBy,
    pub row_label: String,
    pub col_label: String,
    /// Empty (CSV) / null (JSON): all passages (similarity), over the topics both address
    /// (agreement).
    pub topic: Option<String>,
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub n_row: usize,
    pub n_col: usize,
}

/// One cell of a similarity matrix, as a row of `similarity.csv` (tidy / long form).
pub type SimilarityCell = MatrixCell;

/// The cells of an n × n matrix in row-major order, with their (row, column) indices.
fn matrix_cells<'a>(
    by: GroupBy,
    topic: Option<&'a str>,
    labels: &'a [String],
    [value, low, high]: [&'a [Vec<Option<f64>>]; 3],
    n_passages: &'a [usize],
) -> impl Iterator<Item = (usize, usize, MatrixCell)> + 'a {
    let n = labels.len();
    (0..n).flat_map(move |i| (0..n).map(move |j| (i, j))).map(move |(i, j)| {
        let cell = MatrixCell {
            by,
            row_label: labels[i].clone(),
            col_label: labels[j].clone(),
            topic: topic.map(str::to_string),
            value: value[i][j],
            low: low[i][j],
            high: high[i][j],
            n_row: n_passages[i],
            n_col: n_passages[j],
        };
        (i, j, cell)
    })
}

/// A group's position on a topic, as a row of `positions.csv` and of `stance positions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionRecord {
    pub by: GroupBy,
    pub topic: String,
    pub group: String,
    /// Passages of the group on the topic, and how many support, oppose, are neutral.
    pub n: usize,
    pub support: usize,
    pub oppose: usize,
    pub neutral: usize,
    /// Support share − oppose share.
    pub net: f64,
    /// `net` shrunk toward 0 by the Beta prior on decisive passages, in [−1, 1].
    pub position: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// Every group's position on `topic` (an index into `p.topics`; all topics when `None`), topics
/// in order, groups from the most supportive to the most opposed (ties by name); groups without
/// a passage on a topic are left out.
pub fn position_records(p: &Positions, by: GroupBy, topic: Option<usize>) -> Vec<PositionRecord> {
    let topics: Vec<usize> = topic.map_or_else(|| (0..p.topics.len()).collect(), |t| vec![t]);
    let mut out = Vec::new();
    for t in topics {
        let mut rows: Vec<PositionRecord> = p.cells[t]
            .iter()
            .zip(&p.labels)
            .filter_map(|(c, label)| {
                let c = c.as_ref()?;
                Some(PositionRecord {
                    by,
                    topic: p.topics[t].clone(),
                    group: label.clone(),
                    n: c.n,
                    support: c.support,
                    oppose: c.oppose,
                    neutral: c.neutral,
                    net: c.net,
                    position: c.value,
                    low: c.low,
                    high: c.high,
                })
            })
            .collect();
        rows.sort_by(|x, y| y.position.total_cmp(&x.position).then_with(|| x.group.cmp(&y.group)));
        out.extend(rows);
    }
    out
}

/// `positions.csv` and `agreement.csv` for `groupings`: every position on every topic with
/// passages, then the agreement matrices over all topics and on each of those topics — all from
/// one bootstrap per grouping, so intervals of positions and agreements come from the same draws.
pub fn agreement_tables(
    a: &Analysis,
    groupings: &[GroupBy],
    params: &SimilarityParams,
    progress: &dyn Fn(&str),
) -> Result<(Vec<PositionRecord>, Vec<AgreementCell>)> {
    let with_passages = topics_with_passages(a);
    let (mut records, mut cells) = (Vec::new(), Vec::new());
    for &by in groupings {
        progress(&format!("positions and agreement by {}", by.as_str()));
        let p = positions(a, by, &[], params)?;
        let topics: Vec<usize> = with_passages.iter().filter_map(|t| p.topic_index(t)).collect();
        for &t in &topics {
            records.extend(position_records(&p, by, Some(t)));
        }
        cells.extend(agreement_cells(by, None, &p.matrix(None)));
        for &t in &topics {
            cells.extend(agreement_cells(by, Some(&p.topics[t]), &p.matrix(Some(t))));
        }
    }
    Ok((records, cells))
}

/// One cell of an agreement matrix, as a row of `agreement.csv` (tidy / long form).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementCell {
    #[serde(flatten)]
    pub cell: MatrixCell,
    /// Topics both groups address (0 or 1 on one topic).
    pub shared_topics: usize,
}

/// The cells of an agreement matrix in row-major order.
pub fn agreement_cells(by: GroupBy, topic: Option<&str>, m: &AgreementMatrix) -> Vec<AgreementCell> {
    matrix_cells(by, topic, &m.labels, [&m.matrix, &m.low, &m.high], &m.n_passages)
        .map(|(i, j, cell)| AgreementCell { cell, shared_topics: m.shared_topics[i][j] })
        .collect()
}

/// A passage, as a row of `passages.csv`. Its own type (not the `passages` command's row) so the
/// export schema only changes with [`SCHEMA_VERSION`]; lists are joined with `"; "` to stay one
/// CSV cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassageRecord {
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Best topic and the stance toward it.
    pub topic: Option<String>,
    pub topic_score: f64,
    pub stance: Option<Stance>,
    /// Every topic the passage speaks to, best first, and the stance toward each (same order).
    pub topics: String,
    pub stances: String,
    /// The domain decision (ICTs / cyberspace): in or out, its score, its evidence joined by
    /// `"; "`. Always set in export files; `None` (left out) where a JSON output nests them as
    /// `"domain": {"in", "score", "evidence"}` instead (`stance passages`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_domain: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_evidence: Option<String>,
    pub cluster: usize,
    pub text: String,
}

/// Which passages `stance passages` (and the Python package's `passages`) list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassageFilter {
    /// On this topic.
    pub topic: Option<String>,
    pub issuer: Option<String>,
    pub bloc: Option<String>,
    /// With this stance: toward `topic` when given, else toward the passage's main topic.
    pub stance: Option<Stance>,
    /// In (true) or out of (false) the domain (ICTs / cyberspace).
    pub in_domain: Option<bool>,
    /// At most this many (0 = all).
    pub limit: usize,
}

impl PassageFilter {
    /// Checks that the topic, issuer and bloc exist (errors say which do, and the nearest name).
    pub fn check(&self, a: &Analysis) -> Result<()> {
        if let Some(t) = &self.topic {
            a.lexicon.check_topic(t)?;
        }
        if let Some(i) = &self.issuer {
            crate::corpus::check_name("issuer", i, &a.corpus.issuers())?;
        }
        if let Some(b) = &self.bloc {
            crate::corpus::check_name("bloc", b, &a.corpus.blocs())?;
        }
        Ok(())
    }

    /// Indices of the passages that pass, in corpus order.
    pub fn select(&self, a: &Analysis) -> Vec<usize> {
        let mut keep = a.select(|p| {
            let d = &a.corpus.documents[p.doc];
            let stance = match &self.topic {
                Some(t) => p.stance_on(t),
                None => p.stance,
            };
            self.topic.as_deref().is_none_or(|t| p.on(t))
                && self.issuer.as_ref().is_none_or(|i| &d.issuer == i)
                && self.bloc.as_ref().is_none_or(|b| &d.bloc == b)
                && (self.stance.is_none() || stance == self.stance)
                && self.in_domain.is_none_or(|d| d == p.in_domain())
        });
        if self.limit > 0 {
            keep.truncate(self.limit);
        }
        keep
    }
}

/// Every passage in corpus order.
pub fn passage_records(a: &Analysis) -> Vec<PassageRecord> {
    (0..a.passages.len()).map(|i| passage_record(a, i)).collect()
}

/// Passage `i` of the analysis as a record.
pub fn passage_record(a: &Analysis, i: usize) -> PassageRecord {
    let p = &a.passages[i];
    PassageRecord {
        provenance: a.provenance(i),
        topic: p.topic.clone(),
        topic_score: p.topic_score,
        stance: p.stance,
        topics: p.topics.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join("; "),
        stances: p.topics.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join("; "),
        in_domain: Some(p.domain.in_domain),
        domain_score: Some(p.domain.score),
        domain_evidence: Some(p.domain.evidence.join("; ")),
        cluster: p.cluster,
        text: p.text.clone(),
    }
}

/// Passages of one issuer on one topic with one stance, as a row of `stances.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StanceCount {
    pub issuer: String,
    pub bloc: String,
    pub topic: String,
    pub stance: Stance,
    pub n: usize,
    /// `n` over the issuer's passages on the topic.
    pub share: f64,
}

/// A distinctive term of one side against the other, as a row of `keyness.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessRow {
    pub side_a: String,
    pub side_b: String,
    /// Empty: all passages.
    pub topic: Option<String>,
    /// The side the term marks (`side_a` or `side_b`'s label).
    pub side: String,
    /// 1 = most distinctive.
    pub rank: usize,
    pub term: String,
    pub score: f64,
    pub count_a: u64,
    pub count_b: u64,
}

/// Topics that have at least one passage, in lexicon order.
pub fn topics_with_passages(a: &Analysis) -> Vec<String> {
    let counts = a.topic_counts();
    a.lexicon.topics().iter().filter(|t| counts.contains_key(&t.id)).map(|t| t.id.clone()).collect()
}

/// The vocabulary-similarity matrix of the groups `by`, over the passages in the domain (on
/// `topic` only when given): what `stance similarity` shows.
pub fn similarity_matrix(
    a: &Analysis,
    by: GroupBy,
    topic: Option<&str>,
    params: &SimilarityParams,
) -> SimilarityMatrix {
    similarity_of(a, &Grouping::new(a, by), topic, params)
}

fn similarity_of(
    a: &Analysis,
    grouping: &Grouping,
    topic: Option<&str>,
    params: &SimilarityParams,
) -> SimilarityMatrix {
    let rows = a.select_in_domain(|p| topic.is_none_or(|t| p.on(t)));
    similarity(a.vectors.view(), grouping, &rows, params)
}

/// Every matrix of `groupings`: over all passages in the domain, then each topic that has passages.
/// `progress` is told which matrix is being bootstrapped.
pub fn matrices(
    a: &Analysis,
    groupings: &[GroupBy],
    params: &SimilarityParams,
    progress: &dyn Fn(&str),
) -> Vec<TopicMatrix> {
    let topics = topics_with_passages(a);
    let mut out = Vec::new();
    for &by in groupings {
        let grouping = Grouping::new(a, by);
        for topic in std::iter::once(None).chain(topics.iter().map(Some)) {
            progress(&format!("similarity by {} ({})", by.as_str(), topic.map_or("all passages", |t| t.as_str())));
            let result = similarity_of(a, &grouping, topic.map(String::as_str), params);
            out.push(TopicMatrix { measure: VOCABULARY_SIMILARITY, by, topic: topic.cloned(), result });
        }
    }
    out
}

/// The cells of a matrix in row-major order (`similarity.csv`, `stance similarity --format csv`).
pub fn tidy(by: GroupBy, topic: Option<&str>, r: &SimilarityMatrix) -> Vec<SimilarityCell> {
    matrix_cells(by, topic, &r.labels, [&r.matrix, &r.low, &r.high], &r.n_passages).map(|(_, _, c)| c).collect()
}

/// Stance counts and shares of every issuer on every topic it has passages on (a passage on
/// two topics counts for both); the three stances are always listed (zeros included), so the
/// table pivots without gaps.
pub fn stance_counts(a: &Analysis) -> Vec<StanceCount> {
    let mut counts: BTreeMap<(&str, &str), StanceCounts> = BTreeMap::new();
    for p in &a.passages {
        for (t, s) in &p.topics {
            counts.entry((a.issuer_of(p), t)).or_default()[*s] += 1;
        }
    }
    let blocs = issuer_blocs(a);
    let mut out = Vec::new();
    for ((issuer, topic), c) in counts {
        let total = c.total();
        for (stance, n) in c.iter() {
            out.push(StanceCount {
                issuer: issuer.to_string(),
                bloc: blocs.get(issuer).cloned().unwrap_or_default(),
                topic: topic.to_string(),
                stance,
                n,
                share: n as f64 / total as f64,
            });
        }
    }
    out
}

/// Each issuer's bloc: the bloc of most of its documents (ties: the first in name order).
pub fn issuer_blocs(a: &Analysis) -> BTreeMap<String, String> {
    let mut votes: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for d in &a.corpus.documents {
        *votes.entry((d.issuer.as_str(), d.bloc.as_str())).or_insert(0) += 1;
    }
    let mut best: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for ((issuer, bloc), n) in votes {
        let e = best.entry(issuer.to_string()).or_insert((0, String::new()));
        if n > e.0 {
            *e = (n, bloc.to_string());
        }
    }
    best.into_iter().map(|(i, (_, b))| (i, b)).collect()
}

/// The two blocs with the most passages (ties by name), for a default comparison. Documents
/// without a bloc only count when there are not two real blocs.
pub fn largest_blocs(a: &Analysis) -> Option<(String, String)> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &a.passages {
        *n.entry(a.corpus.documents[p.doc].bloc.as_str()).or_insert(0) += 1;
    }
    let mut ranked: Vec<(&str, usize)> = n.into_iter().collect();
    ranked.sort_by(|x, y| {
        (x.0 == crate::corpus::NO_BLOC).cmp(&(y.0 == crate::corpus::NO_BLOC)).then(y.1.cmp(&x.1)).then(x.0.cmp(y.0))
    });
    match ranked.as_slice() {
        [first, second, ..] => Some((first.0.to_string(), second.0.to_string())),
        _ => None,
    }
}

/// The distinctive terms of a comparison, overall then per topic, each side's terms in rank order.
pub fn keyness_rows(c: &Comparison) -> Vec<KeynessRow> {
    let (la, lb) = (c.a.label.clone(), c.b.label.clone());
    let mut out = Vec::new();
    for t in std::iter::once(&c.overall).chain(&c.topics) {
        for (side, terms) in [(&la, &t.a.terms), (&lb, &t.b.terms)] {
            out.extend(terms.iter().enumerate().map(|(k, KeyTerm { term, score, count_a, count_b })| KeynessRow {
                side_a: la.clone(),
                side_b: lb.clone(),
                topic: t.topic.clone(),
                side: side.clone(),
                rank: k + 1,
                term: term.clone(),
                score: *score,
                count_a: *count_a,
                count_b: *count_b,
            }));
        }
    }
    out
}

/// One line of a comparison (all passages first, then each topic), long form: how close the two
/// sides are (`compare(...)["similarity"]` in the Python package).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    pub side_a: String,
    pub side_b: String,
    /// None: all passages.
    pub topic: Option<String>,
    pub n_a: usize,
    pub n_b: usize,
    /// Vocabulary similarity (cosine of the sides' mean passage vectors) and its interval.
    pub similarity: Option<f64>,
    pub similarity_low: Option<f64>,
    pub similarity_high: Option<f64>,
    /// Agreement of the sides' positions and its interval (all passages: over the shared topics).
    pub agreement: Option<f64>,
    pub agreement_low: Option<f64>,
    pub agreement_high: Option<f64>,
    pub shared_topics: usize,
}

/// Where one side stands on one topic of a comparison (`compare(...)["stances"]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideStanceRow {
    pub topic: String,
    pub side: String,
    pub n: usize,
    /// Majority of the decisive passages (None: no passage).
    pub call: Option<Stance>,
    pub support: Option<f64>,
    pub oppose: Option<f64>,
    pub neutral: Option<f64>,
    pub net: Option<f64>,
    pub net_low: Option<f64>,
    pub net_high: Option<f64>,
    /// Net stance shrunk toward 0 when few passages are decisive (`stance positions`).
    pub position: Option<f64>,
    pub position_low: Option<f64>,
    pub position_high: Option<f64>,
}

/// A passage that shows a side's stance on a topic (`compare(...)["evidence"]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    pub topic: String,
    pub side: String,
    /// 1 = the passage that best shows the side's stance.
    pub rank: usize,
    #[serde(flatten)]
    pub provenance: Provenance,
    pub stance: Option<Stance>,
    pub topic_score: f64,
    /// The cues that decided the stance: `cue (polarity)`.
    pub cues: Vec<String>,
    pub text: String,
}

/// A comparison as four long tables.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareTables {
    pub similarity: Vec<CompareRow>,
    pub stances: Vec<SideStanceRow>,
    pub keyness: Vec<KeynessRow>,
    pub evidence: Vec<EvidenceRow>,
}

/// The tables of a comparison: one [`CompareRow`] per topic (all passages first), each side's
/// stance on each topic, the distinctive terms ([`keyness_rows`]) and the evidence passages.
pub fn compare_tables(c: &Comparison) -> CompareTables {
    let (la, lb) = (&c.a.label, &c.b.label);
    let mut out =
        CompareTables { similarity: Vec::new(), stances: Vec::new(), keyness: keyness_rows(c), evidence: Vec::new() };
    for t in std::iter::once(&c.overall).chain(&c.topics) {
        out.similarity.push(CompareRow {
            side_a: la.clone(),
            side_b: lb.clone(),
            topic: t.topic.clone(),
            n_a: t.a.n_passages,
            n_b: t.b.n_passages,
            similarity: t.similarity.value,
            similarity_low: t.similarity.low,
            similarity_high: t.similarity.high,
            agreement: t.agreement.value,
            agreement_low: t.agreement.low,
            agreement_high: t.agreement.high,
            shared_topics: t.agreement.shared_topics,
        });
        let Some(topic) = &t.topic else { continue };
        for (side, v) in [(la, &t.a), (lb, &t.b)] {
            if let Some(s) = &v.stance {
                out.stances.push(SideStanceRow {
                    topic: topic.clone(),
                    side: side.clone(),
                    n: s.n,
                    call: s.call,
                    support: s.support.map(|x| x.value),
                    oppose: s.oppose.map(|x| x.value),
                    neutral: s.neutral.map(|x| x.value),
                    net: s.net.map(|x| x.value),
                    net_low: s.net.and_then(|x| x.low),
                    net_high: s.net.and_then(|x| x.high),
                    position: v.position.map(|p| p.value),
                    position_low: v.position.and_then(|p| p.low),
                    position_high: v.position.and_then(|p| p.high),
                });
            }
            out.evidence.extend(v.evidence.iter().enumerate().map(|(k, e)| EvidenceRow {
                topic: topic.clone(),
                side: side.clone(),
                rank: k + 1,
                provenance: e.provenance.clone(),
                stance: e.stance,
                topic_score: e.topic_score,
                cues: e.cues.iter().map(|q| format!("{} ({})", q.cue, q.polarity.as_str())).collect(),
                text: e.text.clone(),
            }));
        }
    }
    out
}

/// A passage of a classified text, flat (the Python package's `Model.classify`, one row per
/// passage of many texts): `doc` is the text's index in the input, so the caller's columns
/// (issuer, date…) can be joined back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifiedRow {
    pub doc: usize,
    /// The passage's position and byte offsets in the input text.
    #[serde(flatten)]
    pub span: PassageSpan,
    pub lang: &'static str,
    pub topic: Option<String>,
    pub topic_score: f64,
    pub stance: Option<Stance>,
    /// What decided `stance`: the lexicon's cues, or the model's learned complement with its
    /// probability `p` (None with the lexicon, or without a stance).
    pub source: Option<crate::topics::StanceSource>,
    pub p: Option<f64>,
    /// The cues behind `stance`: `cue (polarity)`.
    pub cues: Vec<String>,
    /// Every topic the passage reaches, best first then by name, and the stance toward each
    /// (same order), from the lexicon or, where it abstains, the model's learned complement.
    pub topics: Vec<String>,
    pub stances: Vec<String>,
    pub in_domain: bool,
    pub domain_score: f64,
    pub domain_evidence: Vec<String>,
    pub text: String,
}

/// The rows of text `doc` (in language `lang`), classified.
pub fn classified_rows(
    doc: usize,
    lang: crate::text::lang::Lang,
    passages: Vec<crate::compare::classify::ClassifiedPassage>,
) -> Vec<ClassifiedRow> {
    passages
        .into_iter()
        .map(|p| {
            let mut reached: Vec<(&String, Stance)> = p.stances.iter().map(|(t, s)| (t, s.stance)).collect();
            reached.sort_by_key(|(t, _)| Some(*t) != p.topic.as_ref()); // stable: then by name
            let best = p.topic.as_ref().and_then(|t| p.stances.get(t));
            let (source, probability) = (best.map(|c| c.source), best.and_then(|c| c.p));
            ClassifiedRow {
                doc,
                span: p.span,
                lang: lang.code(),
                topic_score: p.topic_score,
                stance: p.stance,
                source,
                p: probability,
                cues: p.cues.iter().map(|q| format!("{} ({})", q.cue, q.polarity.as_str())).collect(),
                topics: reached.iter().map(|(t, _)| t.to_string()).collect(),
                stances: reached.iter().map(|(_, s)| s.as_str().to_string()).collect(),
                in_domain: p.domain.in_domain,
                domain_score: p.domain.score,
                domain_evidence: p.domain.evidence,
                topic: p.topic,
                text: p.text,
            }
        })
        .collect()
}

/// Column names of each CSV file, in order (pinned by `tests/suite/cli_export.rs` and `docs/schema.json`).
pub mod columns {
    pub const PASSAGES: &[&str] = &[
        "issuer",
        "bloc",
        "date",
        "document",
        "title",
        "passage",
        "start",
        "end",
        "topic",
        "topic_score",
        "stance",
        "topics",
        "stances",
        "in_domain",
        "domain_score",
        "domain_evidence",
        "cluster",
        "text",
    ];
    pub const TOPICS: &[&str] = &[
        "topic",
        "label",
        "label_fr",
        "proposition",
        "n_passages",
        "n_support",
        "n_oppose",
        "n_neutral",
        "top_terms",
        "clusters",
    ];
    pub const SIMILARITY: &[&str] =
        &["by", "row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col"];
    pub const STANCES: &[&str] = &["issuer", "bloc", "topic", "stance", "n", "share"];
    pub const POSITIONS: &[&str] =
        &["by", "topic", "group", "n", "support", "oppose", "neutral", "net", "position", "low", "high"];
    pub const AGREEMENT: &[&str] =
        &["by", "row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col", "shared_topics"];
    pub const KEYNESS: &[&str] = &["side_a", "side_b", "topic", "side", "rank", "term", "score", "count_a", "count_b"];
    pub const CLUSTERS: &[&str] = &[
        "topic",
        "k",
        "cluster",
        "label",
        "n",
        "support",
        "oppose",
        "neutral",
        "terms",
        "issuers",
        "blocs",
        "silhouette",
    ];
    pub const CLUSTER_MEMBERS: &[&str] = &["topic", "cluster", "by", "group", "n", "share"];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column constants match the serde field names (flattened parts included, in order), so
    /// the header never drifts from the rows.
    fn header_of<T: Serialize>(row: &T) -> Vec<String> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> std::result::Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(keys)
            }
        }
        let json = serde_json::to_string(row).unwrap();
        serde::Deserializer::deserialize_map(&mut serde_json::Deserializer::from_str(&json), Keys).unwrap()
    }

    #[test]
    fn columns_match_row_fields() {
        let cell = SimilarityCell {
            by: GroupBy::Issuer,
            row_label: "a".into(),
            col_label: "b".into(),
            topic: None,
            value: Some(0.5),
            low: None,
            high: None,
            n_row: 1,
            n_col: 2,
        };
        assert_eq!(header_of(&cell), columns::SIMILARITY);
        let s = StanceCount {
            issuer: "a".into(),
            bloc: "b".into(),
            topic: "t".into(),
            stance: Stance::Oppose,
            n: 1,
            share: 0.5,
        };
        assert_eq!(header_of(&s), columns::STANCES);
        let k = KeynessRow {
            side_a: "a".into(),
            side_b: "b".into(),
            topic: None,
            side: "a".into(),
            rank: 1,
            term: "t".into(),
            score: 1.0,
            count_a: 1,
            count_b: 0,
        };
        assert_eq!(header_of(&k), columns::KEYNESS);
        let p = PassageRecord {
            provenance: Provenance {
                issuer: "a".into(),
                bloc: "b".into(),
                date: None,
                document: "d".into(),
                title: None,
                span: PassageSpan { passage: 0, start: 0, end: 1 },
            },
            topic: None,
            topic_score: 0.0,
            stance: None,
            topics: String::new(),
            stances: String::new(),
            in_domain: Some(true),
            domain_score: Some(1.0),
            domain_evidence: Some(String::new()),
            cluster: 0,
            text: "t".into(),
        };
        assert_eq!(header_of(&p), columns::PASSAGES);
        let pos = PositionRecord {
            by: GroupBy::Bloc,
            topic: "t".into(),
            group: "g".into(),
            n: 1,
            support: 1,
            oppose: 0,
            neutral: 0,
            net: 1.0,
            position: 1.0 / 3.0,
            low: None,
            high: None,
        };
        assert_eq!(header_of(&pos), columns::POSITIONS);
        let a = AgreementCell { cell: cell.clone(), shared_topics: 0 };
        assert_eq!(header_of(&a), columns::AGREEMENT);
        let c = crate::compare::clusters::ClusterRecord {
            topic: "t".into(),
            k: 2,
            cluster: 0,
            label: "l".into(),
            n: 1,
            support: 1,
            oppose: 0,
            neutral: 0,
            terms: String::new(),
            issuers: String::new(),
            blocs: String::new(),
            silhouette: None,
        };
        assert_eq!(header_of(&c), columns::CLUSTERS);
        let m = crate::compare::clusters::MemberRecord {
            topic: "t".into(),
            cluster: 0,
            by: GroupBy::Bloc,
            group: "g".into(),
            n: 1,
            share: 1.0,
        };
        assert_eq!(header_of(&m), columns::CLUSTER_MEMBERS);
    }

    #[test]
    fn csv_rows_none_is_empty_and_header_always_written() {
        let s = StanceCount {
            issuer: "a, b".into(),
            bloc: "x".into(),
            topic: "t".into(),
            stance: Stance::Support,
            n: 2,
            share: 1.0,
        };
        let out = csv::records(columns::STANCES, &[s]).unwrap();
        assert_eq!(out, "issuer,bloc,topic,stance,n,share\n\"a, b\",x,t,support,2,1.0\n");
        let empty: Vec<StanceCount> = Vec::new();
        assert_eq!(csv::records(columns::STANCES, &empty).unwrap(), "issuer,bloc,topic,stance,n,share\n");
    }

    #[test]
    fn schema_document_is_json_with_the_current_version() {
        let v: serde_json::Value = serde_json::from_str(SCHEMA_JSON).expect("docs/schema.json is JSON");
        assert_eq!(v["version"], SCHEMA_VERSION);
    }
}
