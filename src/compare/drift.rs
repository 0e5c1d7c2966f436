//! What moved between two states of a corpus (two workspace runs): vocabulary-similarity cells and
//! agreements that changed by more than the earlier state's 95 % bootstrap interval allows, stance
//! calls that changed, issuers that changed position on a topic (the positions found by
//! `compare::clusters` at the fit, which later passages join), topics and clusters an issuer
//! entered, new issuers and blocs — each with the added passages that caused it. Pure: the two states, the added passages and the earlier
//! intervals come in, [`Drift`] goes out; `store::diff` loads them from the workspace.
//!
//! A state ([`RunState`]) is enough to rebuild a run's similarity matrices, stances and cluster
//! memberships without the corpus, and to move to the next run by adding new passages only. A
//! group's position is the unit mean of its passages' (unit) vectors, which is the normalised
//! **sum**; so a state keeps per-group sums and counts, and the cosine of two sums is the
//! similarity `compare::similarity` computes from the passages. For agreement it also keeps, per
//! issuer and per bloc, the passages taking each stance on every topic they reach (`positions`),
//! from which `compare::agreement` rebuilds positions and agreements.
//!
//! Similarity cells are compared only when both states come from the same model: after a refit
//! every number moves and the difference says nothing about the new texts. Stances, agreements and
//! topics come from the lexicon, so they are compared across models too.

use std::collections::BTreeMap;

use serde::Serialize;

use super::agreement::{entered, moves, AgreementChange, AgreementEntered, Positions, StanceTable};
use super::change::PairChange;
use super::clusters::{nearest, position_row, TopicClusters};
use super::SimilarityParams;
use crate::groups::GroupBy;
use crate::pipeline::Provenance;
use crate::topics::{Stance, StanceCounts};
use crate::Result;

/// The groupings a run keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    Issuer,
    Bloc,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Issuer, Level::Bloc];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Level> {
        s.parse().ok()
    }

    pub fn group_by(self) -> GroupBy {
        match self {
            Level::Issuer => GroupBy::Issuer,
            Level::Bloc => GroupBy::Bloc,
        }
    }
}

/// Passages of a group and the sum of their vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSum {
    pub n: usize,
    pub sum: Vec<f64>,
}

/// What one passage contributes to a run.
#[derive(Debug, Clone, Copy)]
pub struct PassageFacts<'a> {
    pub issuer: &'a str,
    pub bloc: &'a str,
    pub topic: Option<&'a str>,
    pub stance: Option<Stance>,
    pub cluster: usize,
    pub vector: &'a [f32],
    /// Every topic the passage reaches, with its stance toward each.
    pub positions: &'a [(String, Stance)],
}

/// Group key: (level, topic — `""` for all passages —, group name).
pub type GroupKey = (Level, String, String);

/// Everything a run records; see the module doc.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunState {
    pub groups: BTreeMap<GroupKey, GroupSum>,
    /// (issuer, topic) → passages that (support, oppose, are neutral).
    pub stances: BTreeMap<(String, String), StanceCounts>,
    /// (issuer, cluster) → passages.
    pub clusters: BTreeMap<(String, usize), usize>,
    /// (level, group, topic) → passages that (support, oppose, are neutral), every topic a
    /// passage reaches.
    pub positions: BTreeMap<(Level, String, String), StanceCounts>,
    /// The positions found on each topic (`compare::clusters`) at the last fit, frozen like the
    /// model until the next fit: a passage scored later joins the nearest ([`RunState::place`]).
    /// Empty in runs recorded before positions were kept.
    pub position_space: BTreeMap<String, Vec<PositionCentre>>,
    /// Stance weight of the position space ([`crate::compare::clusters::position_row`]).
    pub position_weight: f64,
    /// (issuer, topic, position) → passages.
    pub held: BTreeMap<(String, String, usize), usize>,
}

/// A position found on a topic, as a run keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionCentre {
    /// Its label when found (`compare::clusters::Position::label`).
    pub label: String,
    /// Passages in it when found.
    pub n: usize,
    /// Mean of its passages' [`position_row`]s.
    pub centroid: Vec<f64>,
}

impl RunState {
    /// Adds one passage to every group it belongs to.
    pub fn add(&mut self, p: &PassageFacts) {
        let scopes = std::iter::once("").chain(p.topic);
        for topic in scopes {
            for (level, name) in [(Level::Issuer, p.issuer), (Level::Bloc, p.bloc)] {
                let g = self
                    .groups
                    .entry((level, topic.to_string(), name.to_string()))
                    .or_insert_with(|| GroupSum { n: 0, sum: vec![0.0; p.vector.len()] });
                g.n += 1;
                for (s, &v) in g.sum.iter_mut().zip(p.vector) {
                    *s += f64::from(v);
                }
            }
        }
        if let (Some(topic), Some(stance)) = (p.topic, p.stance) {
            self.stances.entry((p.issuer.to_string(), topic.to_string())).or_default()[stance] += 1;
        }
        *self.clusters.entry((p.issuer.to_string(), p.cluster)).or_default() += 1;
        for (topic, stance) in p.positions {
            for (level, name) in [(Level::Issuer, p.issuer), (Level::Bloc, p.bloc)] {
                self.positions.entry((level, name.to_string(), topic.clone())).or_default()[*stance] += 1;
            }
        }
    }

    /// Sets the positions found on each topic of a fit (`topics`, from `compare::clusters` with
    /// stance weight `weight`) and who holds them; `issuer(i)`: the issuer of passage `i`.
    pub fn set_positions(&mut self, topics: &[TopicClusters], weight: f64, issuer: impl Fn(usize) -> String) {
        self.position_weight = weight;
        for t in topics.iter().filter(|t| !t.positions.is_empty()) {
            let centres = t
                .positions
                .iter()
                .zip(t.centroids.rows())
                .map(|(p, c)| PositionCentre { label: p.label.clone(), n: p.n, centroid: c.to_vec() })
                .collect();
            self.position_space.insert(t.topic.clone(), centres);
            for &(i, c) in &t.assignments {
                *self.held.entry((issuer(i), t.topic.clone(), c)).or_default() += 1;
            }
        }
    }

    /// The position on `topic` a passage (unit vector, stance toward the topic) joins: the
    /// nearest found at the fit. None when the topic had no position then.
    pub fn position_of(&self, topic: &str, vector: &[f32], stance: Stance) -> Option<usize> {
        let centres = self.position_space.get(topic)?;
        nearest(centres.iter().map(|c| c.centroid.as_slice()), &position_row(vector, stance, self.position_weight))
    }

    /// Counts a passage of `issuer` on `topic` — in the domain, not boilerplate — in the position
    /// it joins.
    pub fn place(&mut self, issuer: &str, topic: &str, vector: &[f32], stance: Stance) {
        if let Some(c) = self.position_of(topic, vector, stance) {
            *self.held.entry((issuer.to_string(), topic.to_string(), c)).or_default() += 1;
        }
    }

    /// `issuer`'s passages on `topic` in each position (index = position).
    pub fn held_counts(&self, issuer: &str, topic: &str) -> Vec<usize> {
        let k = self.position_space.get(topic).map_or(0, Vec::len);
        (0..k).map(|c| self.held.get(&(issuer.to_string(), topic.to_string(), c)).copied().unwrap_or(0)).collect()
    }

    /// Does the run keep positions (runs recorded before agreement was added do not)?
    pub fn has_positions(&self) -> bool {
        !self.positions.is_empty() || self.n_passages() == 0
    }

    /// The stance counts of every group of `level` on every topic, for
    /// [`crate::compare::agreement::Positions`]: groups are those with passages, topics sorted.
    pub fn stance_table(&self, level: Level) -> StanceTable {
        let labels = self.labels(level, "");
        let topics: Vec<String> = self
            .positions
            .keys()
            .filter(|(l, ..)| *l == level)
            .map(|(_, _, t)| t.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let counts: Vec<Vec<StanceCounts>> = topics
            .iter()
            .map(|t| {
                labels
                    .iter()
                    .map(|g| self.positions.get(&(level, g.clone(), t.clone())).copied().unwrap_or_default())
                    .collect()
            })
            .collect();
        StanceTable::from_counts(labels, topics, &counts)
    }

    pub fn group(&self, level: Level, topic: &str, name: &str) -> Option<&GroupSum> {
        self.groups.get(&(level, topic.to_string(), name.to_string()))
    }

    /// Passages of a group in a scope (0 when absent).
    pub fn n(&self, level: Level, topic: &str, name: &str) -> usize {
        self.group(level, topic, name).map_or(0, |g| g.n)
    }

    /// Sorted names of the groups of `level` with passages in `topic`.
    pub fn labels(&self, level: Level, topic: &str) -> Vec<String> {
        self.groups.keys().filter(|(l, t, _)| *l == level && t == topic).map(|(_, _, n)| n.clone()).collect()
    }

    /// Sorted topics with passages (not counting `""`, all passages).
    pub fn topics(&self) -> Vec<String> {
        let mut t: Vec<String> =
            self.groups.keys().filter(|(l, t, _)| *l == Level::Issuer && !t.is_empty()).map(|k| k.1.clone()).collect();
        t.dedup();
        t
    }

    /// Total passages.
    pub fn n_passages(&self) -> usize {
        self.groups.iter().filter(|((l, t, _), _)| *l == Level::Issuer && t.is_empty()).map(|(_, g)| g.n).sum()
    }

    /// Similarity of groups `a` and `b`: the cosine of their sums; `None` when one has no passage.
    pub fn cosine(&self, level: Level, topic: &str, a: &str, b: &str) -> Option<f64> {
        let (ga, gb) = (self.group(level, topic, a)?, self.group(level, topic, b)?);
        if a == b {
            return Some(1.0);
        }
        let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
        let norms = dot(&ga.sum, &ga.sum).sqrt() * dot(&gb.sum, &gb.sum).sqrt();
        Some(if norms > 0.0 { (dot(&ga.sum, &gb.sum) / norms).clamp(-1.0, 1.0) } else { 0.0 })
    }

    /// (support, oppose, neutral) passages of `issuer` on `topic`.
    pub fn stance_counts(&self, issuer: &str, topic: &str) -> StanceCounts {
        self.stances.get(&(issuer.to_string(), topic.to_string())).copied().unwrap_or_default()
    }
}

/// Changes smaller than this are rounding, not movement.
const EPS: f64 = 1e-9;

/// Bootstrap settings (as `stance similarity`) and evidence passages per change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiffParams {
    pub similarity: SimilarityParams,
    pub evidence: usize,
}

impl Default for DiffParams {
    fn default() -> Self {
        DiffParams { similarity: SimilarityParams::default(), evidence: 3 }
    }
}

/// A change listed in a [`Drift`]: at which level, what moved, and the passages that moved it.
#[derive(Debug, Clone, Serialize)]
pub struct Cited<X> {
    pub by: Level,
    #[serde(flatten)]
    pub change: X,
    /// Indices into [`Drift::evidence`].
    pub evidence: Vec<usize>,
}

/// The earlier state's 95 % bootstrap interval of a similarity cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// A similarity cell that moved by more than its sampling noise: `|delta| > margin`, the
/// half-width of the earlier state's 95 % bootstrap interval. (The percentile interval of a cosine
/// of means is biased low — resampling adds noise that lowers cosines — and may not even contain
/// the earlier value, so the interval is re-centred on it rather than used as is.)
pub type CellChange = PairChange<Interval>;

/// An issuer whose stance call on a topic changed.
#[derive(Debug, Clone, Serialize)]
pub struct StanceChange {
    pub issuer: String,
    pub topic: String,
    pub before: Stance,
    pub after: Stance,
    /// Passages (support, oppose, neutral) before and after.
    pub before_counts: StanceCounts,
    pub after_counts: StanceCounts,
    pub evidence: Vec<usize>,
}

/// An issuer whose position on a topic changed: the position holding most of its passages there
/// (strictly more than any other) is not the same.
#[derive(Debug, Clone, Serialize)]
pub struct PositionMove {
    pub issuer: String,
    pub topic: String,
    /// Positions as numbered at the fit (`stance clusters`), and their labels then.
    pub before: usize,
    pub after: usize,
    pub before_label: String,
    pub after_label: String,
    /// The issuer's passages on the topic in each position, before and after.
    pub before_counts: Vec<usize>,
    pub after_counts: Vec<usize>,
    /// Its new passages on the topic (as their main topic) that joined the new position.
    pub evidence: Vec<usize>,
}

/// An issuer with passages in a topic (or cluster) where it had none.
#[derive(Debug, Clone, Serialize)]
pub struct Entered {
    pub issuer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<usize>,
    /// Passages there after the change.
    pub n: usize,
    pub evidence: Vec<usize>,
}

/// An issuer or bloc seen for the first time.
#[derive(Debug, Clone, Serialize)]
pub struct NewGroup {
    pub by: Level,
    pub name: String,
    pub n: usize,
    pub evidence: Vec<usize>,
}

/// A passage of a document added between the states, shown as evidence: where it comes from
/// (the same record as every other passage-like output), what it was given, its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidencePassage {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub topic: Option<String>,
    pub stance: Option<Stance>,
    pub cluster: usize,
    pub text: String,
}

/// A passage added between the two states: how it is cited, and its vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub passage: EvidencePassage,
    pub vector: Vec<f32>,
}

/// Everything that moved from one state to the next.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub cells: Vec<Cited<CellChange>>,
    /// Cells that changed by no more than their margin.
    pub cells_within_interval: usize,
    /// Cells that changed where the earlier state had too few passages for an interval.
    pub cells_without_interval: usize,
    /// Agreements compared: false when the earlier state was recorded before agreement was kept.
    pub agreement_compared: bool,
    /// Agreements beyond their margin, or without one (the earlier state had too few passages).
    pub agreement: Vec<Cited<AgreementChange>>,
    /// Agreements that changed by no more than their margin.
    pub agreement_within_interval: usize,
    /// Of `agreement`, those where the earlier state had too few passages for an interval.
    pub agreement_without_interval: usize,
    /// Agreements on topics a pair addresses together for the first time.
    pub agreement_entered: Vec<Cited<AgreementEntered>>,
    pub stances: Vec<StanceChange>,
    /// Positions compared: both states keep the same positions on a topic (one fit). False when
    /// the earlier state was recorded before positions were kept, or a refit found new ones.
    pub positions_compared: bool,
    pub position_changes: Vec<PositionMove>,
    pub topics_entered: Vec<Entered>,
    pub clusters_entered: Vec<Entered>,
    pub new_groups: Vec<NewGroup>,
    pub evidence: Vec<EvidencePassage>,
}

/// A cell whose value changed: (level, topic, a, b, before, after).
pub type Shift = (Level, String, String, String, f64, f64);

/// Cells present in both states whose value changed (only rows of groups that gained passages).
pub fn shifted_cells(before: &RunState, after: &RunState) -> Vec<Shift> {
    let mut out = Vec::new();
    for ((level, topic, name), g) in &after.groups {
        if before.n(*level, topic, name) == g.n {
            continue;
        }
        for other in after.labels(*level, topic) {
            let other_changed = before.n(*level, topic, &other) != after.n(*level, topic, &other);
            if other == *name || (other_changed && other < *name) {
                continue; // the pair is visited from its first changed group
            }
            let (a, b) = if *name < other { (name.clone(), other) } else { (other, name.clone()) };
            if let (Some(x), Some(y)) = (before.cosine(*level, topic, &a, &b), after.cosine(*level, topic, &a, &b)) {
                if (y - x).abs() > EPS {
                    out.push((*level, topic.clone(), a, b, x, y));
                }
            }
        }
    }
    out
}

/// (issuer, topic) whose stance call changed, with the counts before and after.
pub fn stance_changes(before: &RunState, after: &RunState) -> Vec<(String, String, StanceCounts, StanceCounts)> {
    after
        .stances
        .iter()
        .filter_map(|((issuer, topic), &now)| {
            let was = before.stance_counts(issuer, topic);
            (was.total() > 0 && was != now && was.call() != now.call())
                .then(|| (issuer.clone(), topic.clone(), was, now))
        })
        .collect()
}

/// The position holding strictly more of `counts` than any other.
fn held_most(counts: &[usize]) -> Option<usize> {
    let (best, n) = counts.iter().copied().enumerate().max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))?;
    (n > 0 && counts.iter().filter(|&&m| m == n).count() == 1).then_some(best)
}

/// Topics whose positions both states keep, the same (found by one fit).
fn shared_positions<'a>(before: &'a RunState, after: &'a RunState) -> Vec<&'a String> {
    after
        .position_space
        .iter()
        .filter(|(t, centres)| {
            before.position_space.get(*t) == Some(centres) && before.position_weight == after.position_weight
        })
        .map(|(t, _)| t)
        .collect()
}

/// (issuer, topic, before, after) for issuers whose position on a topic changed: the position
/// holding most of their passages there — strictly, in both states — is another one. Only on
/// topics whose positions both states share.
pub fn position_moves(before: &RunState, after: &RunState) -> Vec<(String, String, usize, usize)> {
    let topics = shared_positions(before, after);
    let mut pairs: Vec<(&String, &String)> =
        after.held.keys().filter(|(_, t, _)| topics.contains(&t)).map(|(i, t, _)| (i, t)).collect();
    pairs.dedup();
    pairs
        .into_iter()
        .filter_map(|(issuer, topic)| {
            let was = held_most(&before.held_counts(issuer, topic))?;
            let now = held_most(&after.held_counts(issuer, topic))?;
            (was != now).then(|| (issuer.clone(), topic.clone(), was, now))
        })
        .collect()
}

/// (issuer, topic, passages) for topics an existing issuer entered.
pub fn topics_entered(before: &RunState, after: &RunState) -> Vec<(String, String, usize)> {
    after
        .groups
        .iter()
        .filter(|((l, t, name), _)| {
            *l == Level::Issuer && !t.is_empty() && before.n(*l, "", name) > 0 && before.n(*l, t, name) == 0
        })
        .map(|((_, t, name), g)| (name.clone(), t.clone(), g.n))
        .collect()
}

/// (issuer, cluster, passages) for clusters an existing issuer entered.
pub fn clusters_entered(before: &RunState, after: &RunState) -> Vec<(String, usize, usize)> {
    after
        .clusters
        .iter()
        .filter(|((issuer, c), _)| {
            before.n(Level::Issuer, "", issuer) > 0 && !before.clusters.contains_key(&(issuer.clone(), *c))
        })
        .map(|((issuer, c), &n)| (issuer.clone(), *c, n))
        .collect()
}

/// Issuers and blocs with passages after but none before.
pub fn new_groups(before: &RunState, after: &RunState) -> Vec<(Level, String, usize)> {
    after
        .groups
        .iter()
        .filter(|((l, t, name), _)| t.is_empty() && before.n(*l, "", name) == 0)
        .map(|((l, _, name), g)| (*l, name.clone(), g.n))
        .collect()
}

/// Agreements that changed at `level` — with the earlier state's bootstrap (`params`) for their
/// margins — and those on topics a pair addresses together for the first time, with the later
/// state's; both empty when a state keeps no positions.
pub fn agreement_moves(
    before: &RunState,
    after: &RunState,
    level: Level,
    params: &SimilarityParams,
) -> (Vec<AgreementChange>, Vec<AgreementEntered>) {
    if !(before.has_positions() && after.has_positions()) {
        return (Vec::new(), Vec::new());
    }
    let (b, a) =
        (Positions::new(&before.stance_table(level), params), Positions::new(&after.stance_table(level), params));
    (moves(&b, &a), entered(&b, &a))
}

/// Collects evidence passages, each once, in the order first cited.
struct EvidenceList<'a> {
    added: &'a [Added],
    index: BTreeMap<usize, usize>,
    out: Vec<EvidencePassage>,
}

impl EvidenceList<'_> {
    fn cite(&mut self, rows: impl IntoIterator<Item = usize>) -> Vec<usize> {
        rows.into_iter()
            .map(|r| {
                let next = self.out.len();
                let at = *self.index.entry(r).or_insert(next);
                if at == next {
                    self.out.push(self.added[r].passage.clone());
                }
                at
            })
            .collect()
    }
}

fn unit(v: &[f64]) -> Vec<f64> {
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.iter().map(|x| if n > 0.0 { x / n } else { 0.0 }).collect()
}

/// What moved from `before` to `after`. `added`: the passages of the documents added between
/// them (the evidence, in document order); `same_model`: both states come from one model (else
/// similarity cells and clusters are not compared); `interval(level, topic, a, b)`: the earlier
/// state's 95 % bootstrap interval of a similarity cell (`topic` "" = all passages), `None` when
/// it had too few passages — asked only for cells that changed, so a caller may compute it lazily.
/// Title lines (see [`crate::text::segment::is_title_line`]) are never cited.
pub fn drift(
    before: &RunState,
    after: &RunState,
    added: &[Added],
    same_model: bool,
    params: &DiffParams,
    mut interval: impl FnMut(Level, &str, &str, &str) -> Result<Option<(f64, f64)>>,
) -> Result<Drift> {
    let mut ev = EvidenceList { added, index: BTreeMap::new(), out: Vec::new() };
    let group_of = |r: usize, level: Level| {
        let p = &added[r].passage;
        if level == Level::Issuer {
            p.provenance.issuer.as_str()
        } else {
            p.provenance.bloc.as_str()
        }
    };
    let topic_of = |r: usize| added[r].passage.topic.as_deref();
    let in_scope = |r: usize, topic: &str| topic.is_empty() || topic_of(r) == Some(topic);
    // The passages that may be cited: not titles.
    let citable: Vec<usize> =
        (0..added.len()).filter(|&r| !crate::text::segment::is_title_line(&added[r].passage.text)).collect();
    let n_ev = params.evidence;

    let (mut cells, mut within, mut without) = (Vec::new(), 0, 0);
    for (level, topic, a, b, x, y) in if same_model { shifted_cells(before, after) } else { Vec::new() } {
        let Some((low, high)) = interval(level, &topic, &a, &b)? else {
            without += 1;
            continue;
        };
        let margin = (high - low) / 2.0;
        if (y - x).abs() <= margin {
            within += 1;
            continue;
        }
        // Rank the new passages of each side by how much they pull toward (or away from) the
        // other side's position.
        let mut scored: Vec<(f64, usize)> = Vec::new();
        for (mine, other) in [(&a, &b), (&b, &a)] {
            let Some(target) = after.group(level, &topic, other).map(|g| unit(&g.sum)) else { continue };
            scored.extend(citable.iter().filter(|&&r| in_scope(r, &topic) && group_of(r, level) == mine).map(|&r| {
                let cos: f64 = added[r].vector.iter().zip(&target).map(|(v, t)| f64::from(*v) * t).sum();
                (if y > x { -cos } else { cos }, r)
            }));
        }
        scored.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
        let evidence = ev.cite(scored.into_iter().take(n_ev).map(|(_, r)| r));
        let change = PairChange {
            topic: (!topic.is_empty()).then_some(topic),
            a,
            b,
            before: x,
            after: y,
            delta: y - x,
            margin: Some(margin),
            detail: Interval { low, high },
        };
        cells.push(Cited { by: level, change, evidence });
    }
    cells.sort_by(|p, q| q.change.delta.abs().total_cmp(&p.change.delta.abs()));

    let agreement_compared = before.has_positions() && after.has_positions();
    let (mut agreement, mut agreement_within, mut agreement_without) = (Vec::new(), 0, 0);
    let mut agreement_entered = Vec::new();
    // The new passages of a pair's sides on a topic (any topic: ""), stance-taking first.
    let sides_rows = |level: Level, a: &str, b: &str, topic: &str| -> Vec<usize> {
        let mut rows: Vec<usize> = citable
            .iter()
            .copied()
            .filter(|&r| {
                let g = group_of(r, level);
                (g == a || g == b) && topic_of(r).is_some() && in_scope(r, topic)
            })
            .collect();
        rows.sort_by_key(|&r| (!matches!(added[r].passage.stance, Some(Stance::Support | Stance::Oppose)), r));
        rows.truncate(n_ev);
        rows
    };
    for level in [Level::Bloc, Level::Issuer] {
        let (changes, new) = agreement_moves(before, after, level, &params.similarity);
        for e in new {
            let evidence = ev.cite(sides_rows(level, &e.a, &e.b, &e.topic));
            agreement_entered.push(Cited { by: level, change: e, evidence });
        }
        for change in changes {
            // Listed: beyond the margin, or without one (the earlier state had too few passages
            // to tell noise from movement — a group entering a topic).
            match change.margin {
                None => agreement_without += 1,
                Some(_) if !change.beyond_margin() => {
                    agreement_within += 1;
                    continue;
                }
                Some(_) => {}
            }
            let topic = change.topic.clone().unwrap_or_default();
            let evidence = ev.cite(sides_rows(level, &change.a, &change.b, &topic));
            agreement.push(Cited { by: level, change, evidence });
        }
    }
    // Those tested against a margin first, then by size of the change.
    agreement.sort_by(|p, q| {
        (p.change.margin.is_none(), -p.change.delta.abs())
            .partial_cmp(&(q.change.margin.is_none(), -q.change.delta.abs()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });

    let of_issuer = |issuer: &str| -> Vec<usize> {
        citable.iter().copied().filter(|&r| group_of(r, Level::Issuer) == issuer).collect()
    };
    let stances = stance_changes(before, after)
        .into_iter()
        .map(|(issuer, topic, was, now)| {
            let after_call = now.call();
            let mut rows: Vec<usize> =
                of_issuer(&issuer).into_iter().filter(|&r| topic_of(r) == Some(topic.as_str())).collect();
            rows.sort_by_key(|&r| (added[r].passage.stance != Some(after_call), r));
            let evidence = ev.cite(rows.into_iter().take(n_ev));
            StanceChange {
                issuer,
                topic,
                before: was.call(),
                after: after_call,
                before_counts: was,
                after_counts: now,
                evidence,
            }
        })
        .collect();
    let positions_compared = !shared_positions(before, after).is_empty();
    let position_changes = position_moves(before, after)
        .into_iter()
        .map(|(issuer, topic, was, now)| {
            let label = |c: usize| after.position_space[&topic].get(c).map_or(String::new(), |p| p.label.clone());
            let rows = of_issuer(&issuer).into_iter().filter(|&r| {
                let p = &added[r].passage;
                topic_of(r) == Some(topic.as_str())
                    && crate::text::boilerplate::boilerplate(&p.text).is_none()
                    && after.position_of(&topic, &added[r].vector, p.stance.unwrap_or(Stance::Neutral)) == Some(now)
            });
            let evidence = ev.cite(rows.take(n_ev));
            PositionMove {
                before_label: label(was),
                after_label: label(now),
                before_counts: before.held_counts(&issuer, &topic),
                after_counts: after.held_counts(&issuer, &topic),
                issuer,
                topic,
                before: was,
                after: now,
                evidence,
            }
        })
        .collect();
    let topics_entered = topics_entered(before, after)
        .into_iter()
        .map(|(issuer, topic, n)| {
            let evidence =
                ev.cite(of_issuer(&issuer).into_iter().filter(|&r| topic_of(r) == Some(topic.as_str())).take(n_ev));
            Entered { issuer, topic: Some(topic), cluster: None, n, evidence }
        })
        .collect();
    let clusters_entered = if same_model { clusters_entered(before, after) } else { Vec::new() }
        .into_iter()
        .map(|(issuer, cluster, n)| {
            let evidence =
                ev.cite(of_issuer(&issuer).into_iter().filter(|&r| added[r].passage.cluster == cluster).take(n_ev));
            Entered { issuer, topic: None, cluster: Some(cluster), n, evidence }
        })
        .collect();
    let new_groups = new_groups(before, after)
        .into_iter()
        .map(|(by, name, n)| {
            let evidence = ev.cite(citable.iter().copied().filter(|&r| group_of(r, by) == name).take(n_ev));
            NewGroup { by, name, n, evidence }
        })
        .collect();
    Ok(Drift {
        cells,
        cells_within_interval: within,
        cells_without_interval: without,
        agreement_compared,
        agreement,
        agreement_within_interval: agreement_within,
        agreement_without_interval: agreement_without,
        agreement_entered,
        stances,
        positions_compared,
        position_changes,
        topics_entered,
        clusters_entered,
        new_groups,
        evidence: ev.out,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::pipeline::PassageSpan;

    fn add(s: &mut RunState, issuer: &str, topic: Option<&str>, stance: Option<Stance>, cluster: usize, v: &[f32]) {
        let held: Vec<(String, Stance)> = topic.iter().zip(stance).map(|(t, s)| (t.to_string(), s)).collect();
        s.add(&PassageFacts { issuer, bloc: "b", topic, stance, cluster, vector: v, positions: &held });
    }

    /// A passage added: issuer, topic, stance, cluster, vector.
    type Row = (&'static str, Option<&'static str>, Option<Stance>, usize, [f32; 2]);

    /// The passages [`two_states`] adds, in order, as `drift` receives them.
    const ADDED: [Row; 4] = [
        ("A", Some("t"), Some(Stance::Oppose), 1, [0.0, 1.0]),
        ("A", Some("t"), Some(Stance::Oppose), 1, [0.0, 1.0]),
        ("C", Some("u"), Some(Stance::Neutral), 0, [0.0, 1.0]),
        ("D", None, None, 0, [1.0, 0.0]),
    ];

    /// Before: A and B support t, C has no topic. After: A turns against t (and enters cluster
    /// 1), C enters u, D arrives.
    pub(crate) fn two_states() -> (RunState, RunState) {
        let mut before = RunState::default();
        add(&mut before, "A", Some("t"), Some(Stance::Support), 0, &[1.0, 0.0]);
        add(&mut before, "B", Some("t"), Some(Stance::Support), 0, &[0.0, 1.0]);
        add(&mut before, "C", None, None, 0, &[0.0, 1.0]);
        let mut after = before.clone();
        for (issuer, topic, stance, cluster, v) in ADDED {
            add(&mut after, issuer, topic, stance, cluster, &v);
        }
        (before, after)
    }

    #[test]
    fn finds_what_moved() {
        let (before, after) = two_states();
        let shifts = shifted_cells(&before, &after);
        let pairs: Vec<(&str, &str, &str)> =
            shifts.iter().map(|s| (s.1.as_str(), s.2.as_str(), s.3.as_str())).collect();
        // A moved toward B and C overall and on topic t; C's overall sum did not change direction.
        assert!(pairs.contains(&("", "A", "B")) && pairs.contains(&("t", "A", "B")) && pairs.contains(&("", "A", "C")));
        assert!(!pairs.contains(&("", "B", "C")), "{pairs:?}");
        assert_eq!(pairs.iter().filter(|p| **p == ("", "A", "B")).count(), 1, "each pair once");
        assert_eq!(
            stance_changes(&before, &after),
            [("A".into(), "t".into(), StanceCounts::new(1, 0, 0), StanceCounts::new(1, 2, 0))]
        );
        assert_eq!(topics_entered(&before, &after), [("C".into(), "u".into(), 1)]);
        assert_eq!(clusters_entered(&before, &after), [("A".into(), 1, 2)]);
        assert_eq!(new_groups(&before, &after), [(Level::Issuer, "D".into(), 1)]);
        // A turned from support to oppose on t: it agrees less with B, on t and over all topics.
        let (moved, new) = agreement_moves(&before, &after, Level::Issuer, &SimilarityParams::default());
        assert_eq!(new.len(), 0, "C entered u, where nobody else is");
        let ab: Vec<&AgreementChange> = moved.iter().filter(|c| (c.a.as_str(), c.b.as_str()) == ("A", "B")).collect();
        assert_eq!(ab.len(), 2, "{moved:?}");
        assert!(ab.iter().all(|c| c.delta < 0.0));
    }

    fn added(texts: [&str; 4]) -> Vec<Added> {
        ADDED
            .iter()
            .zip(texts)
            .enumerate()
            .map(|(index, (&(issuer, topic, stance, cluster, v), text))| Added {
                passage: EvidencePassage {
                    provenance: Provenance {
                        issuer: issuer.into(),
                        bloc: "b".into(),
                        date: None,
                        document: format!("{issuer}.txt"),
                        title: None,
                        span: PassageSpan { passage: index, start: 0, end: text.len() },
                    },
                    topic: topic.map(str::to_string),
                    stance,
                    cluster,
                    text: text.into(),
                },
                vector: v.to_vec(),
            })
            .collect()
    }

    #[test]
    fn drift_cites_the_added_passages_that_moved_it() {
        let (before, after) = two_states();
        let texts = ["A rejects t.", "A rejects t again.", "C speaks of u.", "D arrives."];
        let params = DiffParams { similarity: SimilarityParams { draws: 20, ..Default::default() }, evidence: 2 };
        // Every cell had a narrow interval: each one that moved is listed.
        let mut asked = 0;
        let d = drift(&before, &after, &added(texts), true, &params, |_, _, _, _| {
            asked += 1;
            Ok(Some((0.0, 0.02)))
        })
        .unwrap();
        assert_eq!(asked, shifted_cells(&before, &after).len());
        assert_eq!(d.cells.len(), asked);
        assert!(d.cells.windows(2).all(|w| w[0].change.delta.abs() >= w[1].change.delta.abs()), "largest first");
        let ab = d
            .cells
            .iter()
            .find(|c| c.change.topic.is_none() && (c.change.a.as_str(), c.change.b.as_str()) == ("A", "B"));
        let ab = ab.expect("A ~ B moved");
        assert_eq!((ab.change.margin, ab.change.detail), (Some(0.01), Interval { low: 0.0, high: 0.02 }));
        assert_eq!(ab.evidence.len(), 2);
        assert!(ab.evidence.iter().all(|&e| d.evidence[e].provenance.issuer == "A"), "A's new passages moved it");
        assert_eq!(d.stances.len(), 1);
        assert_eq!(d.stances[0].evidence.iter().map(|&e| d.evidence[e].text.as_str()).collect::<Vec<_>>(), texts[..2]);
        assert_eq!(
            d.new_groups[0].evidence.iter().map(|&e| d.evidence[e].text.as_str()).collect::<Vec<_>>(),
            ["D arrives."]
        );
        assert!(d.agreement_compared && !d.agreement.is_empty());
        // Evidence is listed once however often it is cited.
        let mut texts_cited: Vec<&str> = d.evidence.iter().map(|e| e.text.as_str()).collect();
        texts_cited.sort_unstable();
        texts_cited.dedup();
        assert_eq!(texts_cited.len(), d.evidence.len());

        // Wide intervals: nothing listed, all counted within; another model: no cell compared.
        let d = drift(&before, &after, &added(texts), true, &params, |_, _, _, _| Ok(Some((0.0, 4.0)))).unwrap();
        assert_eq!((d.cells.len(), d.cells_within_interval), (0, asked));
        let d = drift(&before, &after, &added(texts), false, &params, |_, _, _, _| panic!("not asked")).unwrap();
        assert!(d.cells.is_empty() && d.clusters_entered.is_empty());
    }

    /// A space of two positions on t: 0 around [1, 0] supporting, 1 around [0, 1] opposing.
    fn two_positions(s: &mut RunState) {
        let centre = |v: [f64; 2], slot: usize| {
            let mut c = v.to_vec();
            c.extend((0..3).map(|k| if k == slot { 0.5 } else { 0.0 }));
            c
        };
        s.position_weight = 0.5;
        s.position_space.insert(
            "t".into(),
            vec![
                PositionCentre { label: "existing law".into(), n: 3, centroid: centre([1.0, 0.0], 0) },
                PositionCentre { label: "new treaty".into(), n: 2, centroid: centre([0.0, 1.0], 1) },
            ],
        );
    }

    #[test]
    fn an_issuer_whose_passages_now_sit_in_another_position_moved() {
        let (mut before, _) = two_states();
        two_positions(&mut before);
        before.place("A", "t", &[1.0, 0.0], Stance::Support);
        before.place("B", "t", &[0.0, 1.0], Stance::Support);
        before.place("B", "t", &[1.0, 0.0], Stance::Support);
        assert_eq!((before.held_counts("A", "t"), before.held_counts("B", "t")), (vec![1, 0], vec![1, 1]));
        let mut after = before.clone();
        let texts = ["A rejects t.", "A rejects t again.", "C speaks of u.", "D arrives."];
        let added = added(texts);
        for a in &added {
            let p = &a.passage;
            add(&mut after, &p.provenance.issuer, p.topic.as_deref(), p.stance, p.cluster, &a.vector);
            if let (Some(t), Some(s)) = (&p.topic, p.stance) {
                after.place(&p.provenance.issuer, t, &a.vector, s);
            }
        }
        // A: 1 passage in 0, then 2 more in 1. B stays split (no position holds most): not listed.
        assert_eq!(position_moves(&before, &after), [("A".to_string(), "t".to_string(), 0, 1)]);
        let params = DiffParams { similarity: SimilarityParams { draws: 0, ..Default::default() }, evidence: 3 };
        let d = drift(&before, &after, &added, true, &params, |_, _, _, _| Ok(None)).unwrap();
        assert!(d.positions_compared);
        let m = &d.position_changes[0];
        assert_eq!((m.before_label.as_str(), m.after_label.as_str()), ("existing law", "new treaty"));
        assert_eq!((m.before_counts.clone(), m.after_counts.clone()), (vec![1, 0], vec![1, 2]));
        let cited: Vec<&str> = m.evidence.iter().map(|&e| d.evidence[e].text.as_str()).collect();
        assert_eq!(cited, texts[..2]);
        // Another fit found other positions: nothing compared.
        let mut refit = after.clone();
        refit.position_space.get_mut("t").unwrap()[0].n = 4;
        assert!(position_moves(&before, &refit).is_empty());
        let d = drift(&before, &refit, &added, true, &params, |_, _, _, _| Ok(None)).unwrap();
        assert!(!d.positions_compared && d.position_changes.is_empty());
        assert_eq!(held_most(&[2, 2, 1]), None);
        assert_eq!(held_most(&[0, 0]), None);
        assert_eq!(held_most(&[1, 3, 2]), Some(1));
    }

    #[test]
    fn title_lines_are_never_cited() {
        let (before, after) = two_states();
        let texts = [
            "Declaration of the State A on the international information security order",
            "A rejects t.",
            "C speaks of u.",
            "Statement by D at the open-ended working group on ICTs",
        ];
        let d = drift(&before, &after, &added(texts), true, &DiffParams::default(), |_, _, _, _| Ok(Some((0.0, 0.02))))
            .unwrap();
        assert!(d.evidence.iter().all(|e| e.text != texts[0] && e.text != texts[3]), "{:?}", d.evidence);
        assert_eq!(d.stances[0].evidence.len(), 1, "A's one sentence");
        assert!(d.new_groups[0].evidence.is_empty(), "D brought only a title");
    }
}
