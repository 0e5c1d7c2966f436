//! Two sides (blocs or issuers) compared topic by topic, as an analyst reads them: whether they
//! stand on the same side (agreement of their positions, [`super::agreement`]), how alike they
//! speak (vocabulary similarity: cosine of mean passage vectors), each with a bootstrap
//! interval; where each stands (stance shares, net support and position, with intervals), what
//! words set them apart (keyness), which cues decided the stances, and the passages that show it
//! (evidence).

use std::collections::BTreeMap;

use ndarray::Axis;
use serde::Serialize;

use super::agreement::{Agreement, Position, Positions, StanceTable};
use super::evidence::{best_passages, stance_calls, Evidence};
use super::keyness::{keyness, KeyTerm, KeynessParams, TermCounts};
use super::similarity::similarity;
use super::stance::{summarize, StanceSummary};
use super::SimilarityParams;
use crate::corpus::{Corpus, Document};
use crate::groups::{GroupBy, Grouping};
use crate::pipeline::{tokenize, Analysis};
use crate::topics::Stance;
use crate::{Error, Result};

/// One side of a comparison: every passage of a bloc, or of an issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub kind: GroupBy,
    pub name: String,
}

impl Side {
    /// `issuer:NAME`, `bloc:NAME`, or a bare `NAME` (a bloc if there is one of that name, else an
    /// issuer). Unknown names are a usage error that lists the known ones.
    pub fn parse(spec: &str, corpus: &Corpus) -> Result<Side> {
        let (blocs, issuers) = (corpus.blocs(), corpus.issuers());
        let known = |names: &[String], name: &str| names.iter().any(|n| n == name);
        let side = |kind, name: &str| Side { kind, name: name.to_string() };
        if let Some(name) = spec.strip_prefix("issuer:") {
            crate::corpus::check_name("issuer", name, &issuers)?;
            return Ok(side(GroupBy::Issuer, name));
        }
        if let Some(name) = spec.strip_prefix("bloc:") {
            crate::corpus::check_name("bloc", name, &blocs)?;
            return Ok(side(GroupBy::Bloc, name));
        }
        if known(&blocs, spec) {
            Ok(side(GroupBy::Bloc, spec))
        } else if known(&issuers, spec) {
            Ok(side(GroupBy::Issuer, spec))
        } else {
            let hint = crate::error::did_you_mean(spec, blocs.iter().chain(&issuers).map(String::as_str));
            Err(Error::usage(format!(
                "unknown bloc or issuer '{spec}'{hint}; known blocs: {}; known issuers: {} (write issuer:NAME for an issuer)",
                blocs.join(", "),
                issuers.join(", ")
            )))
        }
    }

    /// Both sides of a comparison, which must differ.
    pub fn parse_pair(a: &str, b: &str, corpus: &Corpus) -> Result<(Side, Side)> {
        let (a, b) = (Side::parse(a, corpus)?, Side::parse(b, corpus)?);
        distinct(&a, &b)?;
        Ok((a, b))
    }

    pub fn contains(&self, d: &Document) -> bool {
        match self.kind {
            GroupBy::Issuer => d.issuer == self.name,
            GroupBy::Bloc => d.bloc == self.name,
            GroupBy::Document => d.id == self.name,
        }
    }

    /// `western`, `issuer:CIS`: the spelling that `parse` reads back.
    pub fn label(&self) -> String {
        match self.kind {
            GroupBy::Bloc => self.name.clone(),
            kind => format!("{}:{}", kind.as_str(), self.name),
        }
    }
}

fn distinct(a: &Side, b: &Side) -> Result<()> {
    if a == b {
        return Err(Error::usage(format!("both sides are '{}'; compare two different blocs or issuers", a.label())));
    }
    Ok(())
}

/// What to compute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareParams {
    pub bootstrap: SimilarityParams,
    pub keyness: KeynessParams,
    /// Evidence passages per side and topic (0 = none).
    pub evidence: usize,
    /// Only this topic (None = every topic either side speaks of).
    pub topic: Option<String>,
}

/// A side as found in the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    #[serde(flatten)]
    pub side: Side,
    pub label: String,
    pub n_documents: usize,
    /// Passages in the domain (ICTs / cyberspace): what the comparison reads.
    pub n_passages: usize,
    /// Passages of the side's documents out of the domain, left out.
    pub n_out_of_domain: usize,
    pub issuers: Vec<String>,
}

/// A similarity with its 95 % interval (`low`/`high` None: too few passages; `value` None: a side
/// has no passage).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// How often a cue decided passages of a side, with its polarity after negation / contrast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CueCount {
    pub cue: String,
    pub polarity: Stance,
    pub count: usize,
}

/// One issuer's stance within a side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuerStance {
    pub issuer: String,
    #[serde(flatten)]
    pub stance: StanceSummary,
}

/// One side on one topic (or on all passages, where stance is not defined).
#[derive(Debug, Clone, Serialize)]
pub struct SideView {
    pub n_passages: usize,
    pub stance: Option<StanceSummary>,
    /// The side's position on the topic (net stance shrunk toward 0, with its interval); None
    /// on all passages or without passages on the topic.
    pub position: Option<Position>,
    pub by_issuer: Vec<IssuerStance>,
    /// Cues behind the side's stances, most frequent first.
    pub cues: Vec<CueCount>,
    /// Terms that mark this side against the other, strongest first.
    pub terms: Vec<KeyTerm>,
    pub evidence: Vec<Evidence>,
}

/// The two sides on one topic (`topic` None: all passages).
#[derive(Debug, Clone, Serialize)]
pub struct TopicComparison {
    pub topic: Option<String>,
    /// Vocabulary similarity (cosine of mean passage vectors): who speaks alike.
    pub similarity: Interval,
    /// Agreement of the sides' positions: who stands on the same side (all passages: over the
    /// topics both address).
    pub agreement: Agreement,
    pub a: SideView,
    pub b: SideView,
}

/// The whole comparison (JSON of `stance compare`).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: SideInfo,
    pub b: SideInfo,
    pub params: CompareParams,
    pub overall: TopicComparison,
    pub topics: Vec<TopicComparison>,
    /// Topics neither side has a passage on.
    pub absent: Vec<String>,
    /// Passages of the whole corpus in and out of the domain.
    pub domain: crate::pipeline::DomainShare,
    pub model: String,
}

fn side_info(a: &Analysis, side: &Side, rows: &[usize]) -> SideInfo {
    let docs: Vec<&Document> = a.corpus.documents.iter().filter(|d| side.contains(d)).collect();
    let mut issuers: Vec<String> = docs.iter().map(|d| d.issuer.clone()).collect();
    issuers.sort();
    issuers.dedup();
    let n_out_of_domain = a.select(|p| !p.in_domain() && side.contains(&a.corpus.documents[p.doc])).len();
    SideInfo {
        side: side.clone(),
        label: side.label(),
        n_documents: docs.len(),
        n_passages: rows.len(),
        n_out_of_domain,
        issuers,
    }
}

/// Cosine of the two sides' mean vectors with its bootstrap interval. The sides' rows are stacked
/// into one small matrix, so overlapping sides (an issuer and its bloc) compare correctly.
fn side_similarity(a: &Analysis, rows_a: &[usize], rows_b: &[usize], params: &SimilarityParams) -> Interval {
    let rows: Vec<usize> = rows_a.iter().chain(rows_b).copied().collect();
    let stacked = a.vectors.select(Axis(0), &rows);
    let of = rows_a.iter().map(|_| 0).chain(rows_b.iter().map(|_| 1)).collect();
    let grouping = Grouping { by: GroupBy::Bloc, labels: vec!["a".into(), "b".into()], of };
    let all: Vec<usize> = (0..rows.len()).collect();
    let m = similarity(stacked.view(), &grouping, &all, params);
    Interval { value: m.matrix[0][1], low: m.low[0][1], high: m.high[0][1] }
}

/// Cue counts over stance calls, most frequent first (then by cue and polarity).
fn cue_counts<'a>(calls: impl IntoIterator<Item = &'a crate::topics::StanceCall>) -> Vec<CueCount> {
    let mut counts: BTreeMap<(String, Stance), usize> = BTreeMap::new();
    for hit in calls.into_iter().flat_map(|c| &c.cues) {
        *counts.entry((hit.cue.clone(), hit.polarity)).or_insert(0) += 1;
    }
    let mut out: Vec<CueCount> =
        counts.into_iter().map(|((cue, polarity), count)| CueCount { cue, polarity, count }).collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

/// One side's view of a topic: stance (overall and per issuer), cues and evidence.
fn side_view(
    a: &Analysis,
    rows: &[usize],
    topic: &str,
    params: &CompareParams,
    terms: Vec<KeyTerm>,
    position: Option<Position>,
) -> SideView {
    let calls = stance_calls(a, rows, topic);
    let stances: Vec<Stance> = calls.iter().map(|(_, c)| c.stance).collect();
    let stance = summarize(&stances, &params.bootstrap);
    let mut per_issuer: BTreeMap<&str, Vec<Stance>> = BTreeMap::new();
    for (r, c) in &calls {
        per_issuer.entry(a.issuer_of(&a.passages[*r])).or_default().push(c.stance);
    }
    let by_issuer = per_issuer
        .into_iter()
        .map(|(issuer, s)| IssuerStance { issuer: issuer.to_string(), stance: summarize(&s, &params.bootstrap) })
        .collect();
    SideView {
        n_passages: rows.len(),
        evidence: best_passages(a, &calls, stance.call, params.evidence),
        cues: cue_counts(calls.iter().map(|(_, c)| c)),
        stance: Some(stance),
        position,
        by_issuer,
        terms,
    }
}

/// Compares `side_a` with `side_b` on every topic (see the module doc).
pub fn compare(a: &Analysis, side_a: &Side, side_b: &Side, params: &CompareParams) -> Result<Comparison> {
    distinct(side_a, side_b)?;
    if let Some(t) = &params.topic {
        a.lexicon.check_topic(t)?;
    }
    let counts = TermCounts::new(&tokenize(&a.corpus, &a.passages, &a.params, a.params.concepts.then_some(&a.lexicon)));
    let prior = counts.totals(0..a.passages.len());
    let key = |ra: &[usize], rb: &[usize]| {
        let (ta, tb) = (counts.totals(ra.iter().copied()), counts.totals(rb.iter().copied()));
        keyness(&counts.terms, &ta, &tb, &prior, &params.keyness)
    };
    // Only passages about the domain are compared (see `topics::domain`).
    let in_side = |s: &Side| a.select_in_domain(|p| s.contains(&a.corpus.documents[p.doc]));
    let (all_a, all_b) = (in_side(side_a), in_side(side_b));

    let topic_ids: Vec<String> = a.lexicon.topics().iter().map(|t| t.id.clone()).collect();
    let table = StanceTable::from_rows(
        &a.passages,
        vec![side_a.label(), side_b.label()],
        &[all_a.clone(), all_b.clone()],
        &topic_ids,
    );
    let positions = Positions::new(&table, &params.bootstrap);

    let terms = key(&all_a, &all_b);
    let plain = |rows: &[usize], terms| SideView {
        n_passages: rows.len(),
        stance: None,
        position: None,
        by_issuer: Vec::new(),
        cues: Vec::new(),
        terms,
        evidence: Vec::new(),
    };
    let overall = TopicComparison {
        topic: None,
        similarity: side_similarity(a, &all_a, &all_b, &params.bootstrap),
        agreement: positions.pair(0, 1, None),
        a: plain(&all_a, terms.a),
        b: plain(&all_b, terms.b),
    };

    let (mut topics, mut absent) = (Vec::new(), Vec::new());
    for (k, t) in topic_ids.iter().enumerate() {
        let t = t.as_str();
        if params.topic.as_deref().is_some_and(|only| only != t) {
            continue;
        }
        let on = |rows: &[usize]| -> Vec<usize> { rows.iter().copied().filter(|&r| a.passages[r].on(t)).collect() };
        let (ra, rb) = (on(&all_a), on(&all_b));
        if ra.is_empty() && rb.is_empty() && params.topic.is_none() {
            absent.push(t.to_string());
            continue;
        }
        let terms = key(&ra, &rb);
        topics.push(TopicComparison {
            topic: Some(t.to_string()),
            similarity: side_similarity(a, &ra, &rb, &params.bootstrap),
            agreement: positions.pair(0, 1, Some(k)),
            a: side_view(a, &ra, t, params, terms.a, positions.cells[k][0]),
            b: side_view(a, &rb, t, params, terms.b, positions.cells[k][1]),
        });
    }
    Ok(Comparison {
        a: side_info(a, side_a, &all_a),
        b: side_info(a, side_b, &all_b),
        params: params.clone(),
        overall,
        topics,
        absent,
        domain: a.domain_share(),
        model: a.model_id(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::NO_BLOC;

    fn corpus() -> Corpus {
        let doc = |id: &str, issuer: &str, bloc: &str| Document {
            id: id.into(),
            issuer: issuer.into(),
            bloc: bloc.into(),
            date: None,
            lang: crate::text::lang::Lang::En,
            doc_type: None,
            title: None,
            source_url: None,
            meta: Default::default(),
            text: String::new(),
            hash: String::new(),
        };
        Corpus {
            documents: vec![doc("a.txt", "CIS", "russia-aligned"), doc("b.txt", "western", NO_BLOC)],
            ..Default::default()
        }
    }

    #[test]
    fn sides_parse_blocs_first_then_issuers() {
        let c = corpus();
        assert_eq!(
            Side::parse("russia-aligned", &c).unwrap(),
            Side { kind: GroupBy::Bloc, name: "russia-aligned".into() }
        );
        assert_eq!(Side::parse("CIS", &c).unwrap().kind, GroupBy::Issuer);
        assert_eq!(Side::parse("issuer:western", &c).unwrap().label(), "issuer:western");
        assert_eq!(Side::parse("western", &c).unwrap().kind, GroupBy::Issuer, "no bloc of that name");
    }

    #[test]
    fn unknown_sides_list_the_known_names() {
        let c = corpus();
        let e = Side::parse("nato", &c).unwrap_err().to_string();
        assert!(e.contains("'nato'") && e.contains("known blocs: (none), russia-aligned") && e.contains("CIS"), "{e}");
        let e = Side::parse("issuer:EU", &c).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("known issuers: CIS, western"));
        assert!(Side::parse("bloc:CIS", &c).is_err());
    }

    #[test]
    fn cue_counts_most_frequent_first() {
        use crate::topics::{CueHit, StanceCall};
        let hit = |cue: &str, p| CueHit { cue: cue.into(), polarity: p, negated: false, start: 0, end: 1 };
        let calls = [
            StanceCall::lexicon(Stance::Oppose, vec![hit("b", Stance::Oppose), hit("a", Stance::Support)]),
            StanceCall::lexicon(Stance::Oppose, vec![hit("b", Stance::Oppose)]),
        ];
        let c = cue_counts(&calls);
        assert_eq!((c[0].cue.as_str(), c[0].count, c[1].cue.as_str()), ("b", 2, "a"));
    }
}
