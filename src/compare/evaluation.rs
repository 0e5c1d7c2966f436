//! Evaluation against labelled passages, and leave-one-document-out nearest-bloc accuracy.
//!
//! - **Topic**: the lexicon assigns a topic to each gold passage's text (no topic = `(none)`);
//!   accuracy, per-topic precision / recall / F1, and macro-F1 = mean F1 over the topics that
//!   occur in the gold file (a topic predicted but never gold lowers the precision of nothing
//!   and is not averaged, as its F1 is undefined).
//!   Beside it, **topic reached**: the share of passages whose gold topic is among the topics the
//!   passage speaks to (a paragraph often speaks to several; per-topic comparisons use them all).
//! - **Stance**: the stance of each passage toward its GOLD topic, so that stance errors are not
//!   confounded with topic errors; accuracy and balanced accuracy (mean recall over the stances
//!   present in the gold file). Beside it, the **stance shown**: the stance the passage shows for
//!   its gold topic among its topics' stances (what `classify` and `compare` show), `(none)` —
//!   always wrong — when the passage does not reach its gold topic.
//! - **Issuer × topic calls** (gold files with an `issuer` column): for each issuer and gold
//!   topic, the gold call (majority of the issuer's decisive gold stances, as
//!   [`StanceCounts::call`]) against the call `compare` and `stances.csv` make from the same
//!   passages: the stances of the issuer's passages that speak to the topic, `(none)` when none does.
//! - **Nearest bloc**: for each document of the chosen blocs, the pipeline is fitted on the
//!   corpus without it, the document is classified in that space (`classify::GroupScorer`:
//!   semantic and stance evidence), and its nearest bloc — of all blocs, and among the chosen
//!   ones — is compared with its own.
//!
//! - **Domain context**: a gold passage is gated like a passage of its document (see
//!   `topics::domain`). When its `file` names a document of the corpus, the decision reads that
//!   document (its in-domain share, and the passage's neighbours once the passage is found in it);
//!   otherwise, when the gold file has at least [`MIN_GOLD_DOCUMENT`] rows of that `file`, they
//!   are read as the document, in file order; otherwise the passage is read alone.
//!
//! Undefined precision or recall (nothing predicted, nothing gold) counts as 0, as in
//! scikit-learn's `zero_division=0`.

use serde::Serialize;

use std::collections::BTreeMap;

use super::classify::classify;
pub use crate::corpus::gold::{parse_gold, read_gold, GoldRow, NO_TOPIC};
use crate::corpus::Corpus;
use crate::learned::{decisive, passage_doc, Learned};
use crate::model::Model;
use crate::pipeline::{split_text, Analysis, Params};
use crate::text::detect::language as detect;
use crate::text::normalize::normalize;
use crate::text::segment::SegmentParams;
use crate::topics::{Annotation, Lexicon, OwnEvidence, Stance, StanceCounts};
use crate::{Error, Result};

/// A gold × predicted count table over sorted labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    /// `counts[g][p]`: passages with gold label g predicted as p.
    pub counts: Vec<Vec<usize>>,
}

/// Precision, recall and F1 of one label; `support` = gold passages with that label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

impl Confusion {
    /// From (gold, predicted) pairs.
    pub fn new<S: AsRef<str>>(pairs: &[(S, S)]) -> Confusion {
        let mut labels: Vec<String> =
            pairs.iter().flat_map(|(g, p)| [g.as_ref().to_string(), p.as_ref().to_string()]).collect();
        labels.sort();
        labels.dedup();
        let at = |l: &str| labels.binary_search_by(|x| x.as_str().cmp(l)).unwrap_or(0);
        let mut counts = vec![vec![0; labels.len()]; labels.len()];
        for (g, p) in pairs {
            counts[at(g.as_ref())][at(p.as_ref())] += 1;
        }
        Confusion { labels, counts }
    }

    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Share of pairs on the diagonal; None without pairs.
    pub fn accuracy(&self) -> Option<f64> {
        let right: usize = (0..self.labels.len()).map(|i| self.counts[i][i]).sum();
        (self.total() > 0).then(|| right as f64 / self.total() as f64)
    }

    /// Scores of every label that occurs in the gold column.
    pub fn scores(&self) -> Vec<LabelScore> {
        let n = self.labels.len();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        (0..n)
            .filter_map(|i| {
                let support: usize = self.counts[i].iter().sum();
                let predicted: usize = (0..n).map(|g| self.counts[g][i]).sum();
                let (precision, recall) = (ratio(self.counts[i][i], predicted), ratio(self.counts[i][i], support));
                let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
                (support > 0).then(|| LabelScore { label: self.labels[i].clone(), precision, recall, f1, support })
            })
            .collect()
    }

    /// Mean F1 over the gold labels.
    pub fn macro_f1(&self) -> Option<f64> {
        mean(self.scores().iter().map(|s| s.f1))
    }

    /// Mean recall over the gold labels.
    pub fn balanced_accuracy(&self) -> Option<f64> {
        mean(self.scores().iter().map(|s| s.recall))
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = values.collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Topic and stance scores of the lexicon on gold passages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// `lexicon`, or `lexicon+model` with the learned complement.
    pub method: String,
    /// Passages where the learned complement decided a topic or a stance shown.
    pub model_decisions: usize,
    pub n_passages: usize,
    pub topic_accuracy: Option<f64>,
    pub topic_macro_f1: Option<f64>,
    pub topics: Vec<LabelScore>,
    pub topic_confusion: Confusion,
    /// Passages with a gold topic and a gold stance.
    pub n_stance: usize,
    pub stance_accuracy: Option<f64>,
    pub stance_balanced_accuracy: Option<f64>,
    pub stances: Vec<LabelScore>,
    pub stance_confusion: Confusion,
    /// Passages whose gold topic (or, for gold `none`, no topic at all) is among their topics.
    pub topic_reached: usize,
    pub topic_reached_accuracy: Option<f64>,
    /// The stance shown for the gold topic (`(none)` when the passage does not reach it).
    pub shown_stance_accuracy: Option<f64>,
    pub shown_stance_balanced_accuracy: Option<f64>,
    pub shown_stances: Vec<LabelScore>,
    pub shown_stance_confusion: Confusion,
    /// Issuer × topic calls; None when the gold file has no `issuer` column.
    pub issuer_calls: Option<IssuerCalls>,
    /// Gold passages the domain gate put out of the domain (they get no topic that requires it).
    pub n_out_of_domain: usize,
    /// How each passage's domain was decided: in its corpus document, in its gold-file group, alone.
    pub domain_context: DomainContextCounts,
}

/// Fewest rows of one `file` for a gold file's rows to stand for their document's context.
pub const MIN_GOLD_DOCUMENT: usize = 5;

/// How many gold passages had each kind of domain context (see the module doc).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DomainContextCounts {
    pub corpus_document: usize,
    pub gold_group: usize,
    pub alone: usize,
}

/// A short key of a text for finding a gold passage in its document: its letters and digits,
/// lowercased.
fn text_key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The corpus document a gold `file` names: the same id, or the only one with the same file name.
fn find_document<'a>(corpus: &'a Corpus, file: &str) -> Option<&'a crate::corpus::Document> {
    if let Some(d) = corpus.documents.iter().find(|d| d.id == file) {
        return Some(d);
    }
    let name = |p: &str| p.rsplit(['/', '\\']).next().unwrap_or(p).to_string();
    let wanted = name(file);
    let mut same = corpus.documents.iter().filter(|d| name(&d.id) == wanted);
    match (same.next(), same.next()) {
        (Some(d), None) => Some(d),
        _ => None,
    }
}

/// The lexicon's reading of every gold passage, its domain decided in context (see the module doc).
pub fn gold_annotations(
    lexicon: &Lexicon,
    gold: &[GoldRow],
    corpus: Option<&Corpus>,
    segment: &SegmentParams,
) -> (Vec<Annotation>, DomainContextCounts) {
    let mut out: Vec<Annotation> = gold.iter().map(|r| lexicon.annotate_ungated(&normalize(&r.passage))).collect();
    let mut counts = DomainContextCounts::default();
    // Own evidence of each passage of the corpus documents the gold names, and their keys.
    let mut documents: BTreeMap<&str, (Vec<OwnEvidence>, Vec<String>)> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, row) in gold.iter().enumerate() {
        if let Some(f) = &row.file {
            groups.entry(f.as_str()).or_default().push(i);
        }
    }
    let decisions: Vec<_> = gold
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let own = &out[i].own;
            let file = row.file.as_deref();
            if let Some(doc) = file.and_then(|f| corpus.and_then(|c| find_document(c, f))) {
                let (evidence, keys) = documents.entry(file.unwrap_or_default()).or_insert_with(|| {
                    let passages = split_text(&doc.text, segment);
                    (
                        passages.iter().map(|p| lexicon.domain_evidence(&p.text)).collect(),
                        passages.iter().map(|p| text_key(&p.text)).collect(),
                    )
                });
                let key: String = text_key(&row.passage).chars().take(60).collect();
                let at = keys.iter().position(|k| !key.is_empty() && (k.contains(&key) || key.contains(k.as_str())));
                counts.corpus_document += 1;
                let doc: Vec<&OwnEvidence> = evidence.iter().collect();
                return lexicon.decide_domain(own, &doc, at);
            }
            if let Some(group) = file.and_then(|f| groups.get(f)).filter(|g| g.len() >= MIN_GOLD_DOCUMENT) {
                counts.gold_group += 1;
                let doc: Vec<&OwnEvidence> = group.iter().map(|&j| &out[j].own).collect();
                return lexicon.decide_domain(own, &doc, group.iter().position(|&j| j == i));
            }
            counts.alone += 1;
            lexicon.decide_domain(own, &[own], Some(0))
        })
        .collect();
    for (a, d) in out.iter_mut().zip(decisions) {
        lexicon.gate(a, d);
    }
    (out, counts)
}

/// Issuer × topic stance calls against the gold majority (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuerCalls {
    pub n: usize,
    pub correct: usize,
    pub accuracy: Option<f64>,
    pub balanced_accuracy: Option<f64>,
    pub scores: Vec<LabelScore>,
    pub confusion: Confusion,
    pub calls: Vec<IssuerCall>,
}

/// One issuer's call on one topic: from the gold stances, and as `compare` makes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuerCall {
    pub issuer: String,
    pub topic: String,
    pub gold: Stance,
    /// None when no passage of the issuer reaches the topic.
    pub predicted: Option<Stance>,
    /// Gold passages of the issuer on the topic, and passages the lexicon puts on the topic.
    pub n_gold: usize,
    pub n_predicted: usize,
}

/// Scores the lexicon on `gold` (see the module doc) — with the learned complement deciding
/// where the lexicon abstains when `learned` is given. Gold topics must be lexicon topics. The
/// documents of `corpus` named by the gold's `file` column give the domain gate its context.
pub fn evaluate(
    lexicon: &Lexicon,
    gold: &[GoldRow],
    file: &str,
    learned: Option<&Learned>,
    corpus: Option<&Corpus>,
    segment: &SegmentParams,
) -> Result<Evaluation> {
    let mut topic_pairs = Vec::new();
    let mut stance_pairs = Vec::new();
    let mut shown_pairs = Vec::new();
    let mut reached = 0;
    // (issuer, topic) → (gold counts, predicted counts)
    let mut by_issuer: BTreeMap<(String, String), (Vec<Stance>, Vec<Stance>)> = BTreeMap::new();
    let mut model_decisions = 0;
    let mut predicted = Vec::with_capacity(gold.len());
    for row in gold {
        if let Some(t) = &row.topic {
            lexicon.check_topic(t).map_err(|e| Error::data(format!("{file}: line {}: {e}", row.line)))?;
        }
    }
    let (annotations, domain_context) = gold_annotations(lexicon, gold, corpus, segment);
    for (row, a) in gold.iter().zip(&annotations) {
        let text = normalize(&row.passage);
        // The complement's features, its row and the positions with its calls in place.
        let model = learned.map(|l| {
            let doc = passage_doc(&text, detect(&text), l.analyzer, lexicon);
            (l, l.row(&doc), l.merged(&doc, a))
        });
        // (topic, stance, model probability) of every topic reached, best first.
        let positions: Vec<(String, Stance, Option<f64>)> = match &model {
            Some((_, _, merged)) => merged.clone(),
            None => a.positions().into_iter().map(|(t, s)| (t, s, None)).collect(),
        };
        // The stance toward a topic: the lexicon's cues, or the model's call where they do not decide.
        let stance_toward = |t: &str| -> Stance {
            let by_model = model.as_ref().filter(|_| !decisive(a, t)).and_then(|(l, x, _)| l.stance_call(x, t));
            by_model.map_or_else(|| lexicon.stance(t, &text).stance, |c| c.0)
        };
        model_decisions += usize::from(positions.iter().any(|p| p.2.is_some()));
        let label = |t: Option<&String>| t.cloned().unwrap_or_else(|| NO_TOPIC.to_string());
        topic_pairs.push((label(row.topic.as_ref()), label(positions.first().map(|p| &p.0))));
        let shown = row.topic.as_ref().and_then(|t| positions.iter().find(|p| &p.0 == t).map(|p| p.1));
        reached += usize::from(match &row.topic {
            Some(_) => shown.is_some(),
            None => positions.is_empty(),
        });
        if let (Some(t), Some(s)) = (&row.topic, row.stance) {
            stance_pairs.push((s.as_str(), stance_toward(t).as_str()));
            shown_pairs.push((s.as_str(), shown.map_or(NO_TOPIC, Stance::as_str)));
            if let Some(issuer) = &row.issuer {
                by_issuer.entry((issuer.clone(), t.clone())).or_default().0.push(s);
            }
        }
        predicted.push(positions);
    }
    // The predicted side of each (issuer, topic): every passage of the issuer reaching the topic.
    for (row, positions) in gold.iter().zip(&predicted) {
        let Some(issuer) = &row.issuer else { continue };
        for (t, s, _) in positions.iter().cloned() {
            if let Some(entry) = by_issuer.get_mut(&(issuer.clone(), t)) {
                entry.1.push(s);
            }
        }
    }
    let issuer_calls = gold.iter().any(|r| r.issuer.is_some()).then(|| {
        let calls: Vec<IssuerCall> = by_issuer
            .into_iter()
            .map(|((issuer, topic), (g, p))| IssuerCall {
                issuer,
                topic,
                gold: g.iter().collect::<StanceCounts>().call(),
                predicted: (!p.is_empty()).then(|| p.iter().collect::<StanceCounts>().call()),
                n_gold: g.len(),
                n_predicted: p.len(),
            })
            .collect();
        let pairs: Vec<(&str, &str)> =
            calls.iter().map(|c| (c.gold.as_str(), c.predicted.map_or(NO_TOPIC, Stance::as_str))).collect();
        let confusion = Confusion::new(&pairs);
        let correct = calls.iter().filter(|c| c.predicted == Some(c.gold)).count();
        IssuerCalls {
            n: calls.len(),
            correct,
            accuracy: confusion.accuracy(),
            balanced_accuracy: confusion.balanced_accuracy(),
            scores: confusion.scores(),
            confusion,
            calls,
        }
    });
    let (topics, stances) = (Confusion::new(&topic_pairs), Confusion::new(&stance_pairs));
    let shown = Confusion::new(&shown_pairs);
    Ok(Evaluation {
        method: if learned.is_some() { "lexicon+model" } else { "lexicon" }.to_string(),
        model_decisions,
        n_passages: gold.len(),
        topic_accuracy: topics.accuracy(),
        topic_macro_f1: topics.macro_f1(),
        topics: topics.scores(),
        topic_confusion: topics,
        n_stance: stance_pairs.len(),
        stance_accuracy: stances.accuracy(),
        stance_balanced_accuracy: stances.balanced_accuracy(),
        stances: stances.scores(),
        stance_confusion: stances,
        topic_reached: reached,
        topic_reached_accuracy: (!gold.is_empty()).then(|| reached as f64 / gold.len() as f64),
        shown_stance_accuracy: shown.accuracy(),
        shown_stance_balanced_accuracy: shown.balanced_accuracy(),
        shown_stances: shown.scores(),
        shown_stance_confusion: shown,
        issuer_calls,
        n_out_of_domain: annotations.iter().filter(|a| !a.domain.in_domain).count(),
        domain_context,
    })
}

/// One held-out document of the nearest-bloc check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldOut {
    pub document: String,
    pub issuer: String,
    pub bloc: String,
    /// Nearest of all blocs in the model fitted without the document, and its cosine.
    pub nearest: Option<String>,
    pub similarity: Option<f64>,
    pub correct: bool,
    /// Nearest among the evaluated blocs only.
    pub nearest_among_blocs: Option<String>,
    pub correct_among_blocs: bool,
}

/// Leave-one-document-out nearest bloc for the documents of `blocs` (see the module doc): the
/// nearest of all blocs, and the nearest among `blocs`.
pub fn nearest_bloc_loo(corpus: &Corpus, lexicon: &Lexicon, params: &Params, blocs: &[&str]) -> Result<Vec<HeldOut>> {
    let mut out = Vec::new();
    for (i, doc) in corpus.documents.iter().enumerate() {
        if !blocs.contains(&doc.bloc.as_str()) {
            continue;
        }
        let mut rest = corpus.clone();
        rest.documents.remove(i);
        let analysis = Analysis::run(rest, lexicon.clone(), params, &|_| {})?;
        let model = Model::from_analysis(&analysis);
        let c = classify(&model, lexicon, &doc.id, &doc.text, doc.lang)?;
        let best = c.nearest_blocs.first();
        let among = c.nearest_blocs.iter().find(|n| blocs.contains(&n.name.as_str()));
        out.push(HeldOut {
            document: doc.id.clone(),
            issuer: doc.issuer.clone(),
            bloc: doc.bloc.clone(),
            nearest: best.map(|n| n.name.clone()),
            similarity: best.map(|n| n.similarity),
            correct: best.is_some_and(|n| n.name == doc.bloc),
            nearest_among_blocs: among.map(|n| n.name.clone()),
            correct_among_blocs: among.is_some_and(|n| n.name == doc.bloc),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_metrics_match_hand_computation() {
        // gold a a a b b c ; pred a a b b c c
        let pairs = [("a", "a"), ("a", "a"), ("a", "b"), ("b", "b"), ("b", "c"), ("c", "c")];
        let c = Confusion::new(&pairs);
        assert_eq!(c.labels, ["a", "b", "c"]);
        assert_eq!(c.counts, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
        assert!((c.accuracy().unwrap() - 4.0 / 6.0).abs() < 1e-12);
        let s = c.scores();
        assert_eq!((s[0].precision, s[0].recall), (1.0, 2.0 / 3.0));
        assert_eq!((s[1].precision, s[1].recall), (0.5, 0.5));
        assert_eq!((s[2].precision, s[2].recall, s[2].support), (0.5, 1.0, 1));
        let f1 = [0.8, 0.5, 2.0 / 3.0];
        assert!((c.macro_f1().unwrap() - f1.iter().sum::<f64>() / 3.0).abs() < 1e-12);
        assert!((c.balanced_accuracy().unwrap() - (2.0 / 3.0 + 0.5 + 1.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn labels_only_predicted_are_not_averaged() {
        let c = Confusion::new(&[("a", "x"), ("a", "a")]);
        assert_eq!(c.scores().len(), 1);
        assert_eq!(c.balanced_accuracy(), Some(0.5));
        assert_eq!(Confusion::new::<&str>(&[]).accuracy(), None);
    }

    #[test]
    fn gold_file_needs_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gold.csv");
        std::fs::write(&path, "file,passage,topic\nx,Some text,ai\n").unwrap();
        let e = read_gold(&path).unwrap_err().to_string();
        assert!(e.contains("gold.csv") && e.contains("missing column 'stance'"), "{e}");
        std::fs::write(&path, "passage,topic,stance,extra\n\"A, b\",ai,support,1\nB,,,\nC,ai,maybe,\n").unwrap();
        let e = read_gold(&path).unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("maybe"), "{e}");
        std::fs::write(&path, "passage,topic,stance\n\"A, b\",ai,Support\nB,none,\n").unwrap();
        let rows = read_gold(&path).unwrap();
        assert_eq!(
            rows[0],
            GoldRow {
                line: 2,
                passage: "A, b".into(),
                topic: Some("ai".into()),
                stance: Some(Stance::Support),
                issuer: None,
                file: None
            }
        );
        assert_eq!((rows[1].topic.clone(), rows[1].stance), (None, None));
    }

    #[test]
    fn shipped_gold_file_reads() {
        let rows =
            read_gold(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gold_passages.csv")))
                .unwrap();
        assert!(rows.len() >= 40 && rows.iter().all(|r| r.topic.is_some() && r.stance.is_some()));
    }
}
