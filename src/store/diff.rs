//! What moved between two runs: vocabulary-similarity cells and agreements that changed by more
//! than the old run's 95 % bootstrap interval allows (see [`CellChange`], [`AgreementMove`]),
//! stance calls that changed, topics and clusters an issuer entered, new issuers and blocs — each
//! with the passages (of the documents added between the runs) that caused it.
//!
//! Similarity cells are compared only when both runs used the same model: after a refit every
//! number moves and the difference says nothing about the new texts. Stances, agreements and
//! topics come from the lexicon, so they are compared across models too.

use std::collections::BTreeMap;

use ndarray::Array2;
use rusqlite::Connection;
use serde::Serialize;

use super::documents::{load, passage_text};
use super::runs::{self, Run, RunSummary};
use super::state::{Level, RunState};
use super::{Paths, Workspace};
use crate::compare::agreement::{entered, moves, AgreementChange, AgreementEntered, Positions};
use crate::compare::similarity::similarity;
use crate::compare::stance::call;
use crate::compare::SimilarityParams;
use crate::groups::Grouping;
use crate::le;
use crate::topics::Stance;
use crate::{Error, Result};

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

/// A similarity cell that moved by more than its sampling noise: `|delta| > margin`, the
/// half-width of the earlier run's 95 % bootstrap interval. (The percentile interval of a cosine
/// of means is biased low — resampling adds noise that lowers cosines — and may not even contain
/// the earlier value, so the interval is re-centred on it rather than used as is.)
#[derive(Debug, Clone, Serialize)]
pub struct CellChange {
    pub by: Level,
    /// `None`: all passages.
    pub topic: Option<String>,
    pub a: String,
    pub b: String,
    pub before: f64,
    pub after: f64,
    pub delta: f64,
    /// Half-width of the earlier run's 95 % interval [low, high].
    pub margin: f64,
    pub low: f64,
    pub high: f64,
    /// Indices into [`Diff::evidence`].
    pub evidence: Vec<usize>,
}

/// An agreement (issuers or blocs, on a topic or over all topics) that moved by more than its
/// sampling noise — `|delta| > margin`, the half-width of the earlier run's 95 % bootstrap
/// interval — or that moved where the earlier run had too few passages for an interval (`margin`
/// null: a group entering a topic; read with care).
#[derive(Debug, Clone, Serialize)]
pub struct AgreementMove {
    pub by: Level,
    #[serde(flatten)]
    pub change: AgreementChange,
    /// Indices into [`Diff::evidence`].
    pub evidence: Vec<usize>,
}

/// Agreement on a topic a pair addresses together for the first time (a side entered it).
#[derive(Debug, Clone, Serialize)]
pub struct AgreementNew {
    pub by: Level,
    #[serde(flatten)]
    pub entered: AgreementEntered,
    /// Indices into [`Diff::evidence`].
    pub evidence: Vec<usize>,
}

/// An issuer whose stance call on a topic changed.
#[derive(Debug, Clone, Serialize)]
pub struct StanceChange {
    pub issuer: String,
    pub topic: String,
    pub before: Stance,
    pub after: Stance,
    /// Passages (support, oppose, neutral) before and after.
    pub before_counts: [usize; 3],
    pub after_counts: [usize; 3],
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

/// A passage of a document added between the runs, shown as evidence.
#[derive(Debug, Clone, Serialize)]
pub struct EvidencePassage {
    pub document: String,
    pub issuer: String,
    pub bloc: String,
    pub date: Option<String>,
    /// Position of the passage in its document.
    pub index: usize,
    pub topic: Option<String>,
    pub stance: Option<Stance>,
    pub cluster: usize,
    pub text: String,
}

/// Everything that moved from run `from` to run `to`.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub from: Run,
    pub to: Run,
    pub same_model: bool,
    pub added_documents: Vec<String>,
    pub cells: Vec<CellChange>,
    /// Cells that changed by no more than their margin.
    pub cells_within_interval: usize,
    /// Cells that changed where the earlier run had too few passages for an interval.
    pub cells_without_interval: usize,
    /// Agreements compared: false when the earlier run was recorded before agreement was kept.
    pub agreement_compared: bool,
    pub agreement: Vec<AgreementMove>,
    /// Agreements that changed by no more than their margin.
    pub agreement_within_interval: usize,
    /// Of `agreement`, those where the earlier run had too few passages for an interval.
    pub agreement_without_interval: usize,
    /// Agreements on topics a pair addresses together for the first time.
    pub agreement_entered: Vec<AgreementNew>,
    pub stances: Vec<StanceChange>,
    pub topics_entered: Vec<Entered>,
    pub clusters_entered: Vec<Entered>,
    pub new_groups: Vec<NewGroup>,
    pub evidence: Vec<EvidencePassage>,
    pub params: DiffParams,
}

/// A cell whose value changed: (level, topic, a, b, before, after).
type Shift = (Level, String, String, String, f64, f64);

/// Cells present in both states whose value changed (only rows of groups that gained passages).
fn shifted_cells(before: &RunState, after: &RunState) -> Vec<Shift> {
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
fn stance_changes(before: &RunState, after: &RunState) -> Vec<(String, String, [usize; 3], [usize; 3])> {
    after
        .stances
        .iter()
        .filter_map(|((issuer, topic), &now)| {
            let was = before.stance_counts(issuer, topic);
            (was.iter().sum::<usize>() > 0 && was != now && call(was) != call(now))
                .then(|| (issuer.clone(), topic.clone(), was, now))
        })
        .collect()
}

/// (issuer, topic, passages) for topics an existing issuer entered.
fn topics_entered(before: &RunState, after: &RunState) -> Vec<(String, String, usize)> {
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
fn clusters_entered(before: &RunState, after: &RunState) -> Vec<(String, usize, usize)> {
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
fn new_groups(before: &RunState, after: &RunState) -> Vec<(Level, String, usize)> {
    after
        .groups
        .iter()
        .filter(|((l, t, name), _)| t.is_empty() && before.n(*l, "", name) == 0)
        .map(|((l, _, name), g)| (*l, name.clone(), g.n))
        .collect()
}

/// Agreements that changed at `level` — with the earlier run's bootstrap (`params`) for their
/// margins — and those on topics a pair addresses together for the first time, with the later
/// run's; both empty when a run keeps no positions.
fn agreement_moves(
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

/// The cheap part of a diff, recorded with every run (see [`RunSummary`]).
pub fn summarize(before: &RunState, after: &RunState, same_model: bool) -> RunSummary {
    let overall = |s: &&Shift| s.1.is_empty();
    RunSummary {
        added_passages: after.n_passages().saturating_sub(before.n_passages()),
        stance_changes: stance_changes(before, after).len(),
        topics_entered: topics_entered(before, after).len(),
        clusters_entered: if same_model { clusters_entered(before, after).len() } else { 0 },
        new_groups: new_groups(before, after).len(),
        largest_shift: if same_model {
            shifted_cells(before, after).iter().filter(overall).map(|s| (s.5 - s.4).abs()).reduce(f64::max)
        } else {
            None
        },
        largest_agreement_shift: Level::ALL
            .iter()
            .flat_map(|&l| agreement_moves(before, after, l, &SimilarityParams { draws: 0, ..Default::default() }).0)
            .filter(|c| c.topic.is_none())
            .map(|c| c.delta.abs())
            .reduce(f64::max),
        ..Default::default()
    }
}

/// A stored passage with its vector and where it comes from.
struct Stored {
    doc: i64,
    idx: usize,
    start: usize,
    end: usize,
    topic: Option<String>,
    stance: Option<Stance>,
    cluster: usize,
    vector: Vec<f32>,
}

/// Passages of model `version` for documents `after < id <= upto`, in document order.
fn stored_passages(c: &Connection, at: &Paths, version: i64, after: i64, upto: i64) -> Result<Vec<Stored>> {
    let mut stmt = c
        .prepare(
            "SELECT doc, idx, start_byte, end_byte, topic, stance, cluster, vector FROM passages
             WHERE model = ?1 AND doc > ?2 AND doc <= ?3 ORDER BY doc, idx",
        )
        .map_err(|e| at.err(e))?;
    let rows = stmt
        .query_map([version, after, upto], |r| {
            let stance: Option<String> = r.get(5)?;
            Ok(Stored {
                doc: r.get(0)?,
                idx: r.get::<_, i64>(1)? as usize,
                start: r.get::<_, i64>(2)? as usize,
                end: r.get::<_, i64>(3)? as usize,
                topic: r.get(4)?,
                stance: stance.as_deref().and_then(Stance::parse),
                cluster: r.get::<_, i64>(6)? as usize,
                vector: le::decode::<f32>(&r.get::<_, Vec<u8>>(7)?),
            })
        })
        .map_err(|e| at.err(e))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| at.err(e))
}

/// Bootstrap intervals of the earlier run, computed on demand per (level, topic) scope.
struct Intervals<'a> {
    vectors: Array2<f32>,
    groupings: BTreeMap<Level, Grouping>,
    topics: Vec<Option<String>>,
    params: &'a SimilarityParams,
    cache: BTreeMap<(Level, String), crate::compare::SimilarityMatrix>,
}

impl<'a> Intervals<'a> {
    fn new(c: &Connection, at: &Paths, run: &Run, params: &'a SimilarityParams) -> Result<Self> {
        let docs: BTreeMap<i64, _> = load(c, at, 0, run.max_doc, false)?.into_iter().collect();
        let passages = stored_passages(c, at, run.model_version, 0, run.max_doc)?;
        let k = passages.first().map_or(0, |p| p.vector.len());
        let vectors = Array2::from_shape_fn((passages.len(), k), |(i, j)| passages[i].vector[j]);
        let mut groupings = BTreeMap::new();
        for level in Level::ALL {
            let name =
                |p: &Stored| docs.get(&p.doc).map_or("", |d| if level == Level::Issuer { &d.issuer } else { &d.bloc });
            let labels = crate::corpus::sorted_unique(passages.iter().map(|p| name(p).to_string()));
            let of =
                passages.iter().map(|p| labels.binary_search_by(|l| l.as_str().cmp(name(p))).unwrap_or(0)).collect();
            groupings.insert(level, Grouping { by: level.group_by(), labels, of });
        }
        let largest = groupings.values().map(|g| g.labels.len()).max().unwrap_or(0);
        crate::limits::check_draws(params.draws, largest)?;
        let topics = passages.into_iter().map(|p| p.topic).collect();
        Ok(Intervals { vectors, groupings, topics, params, cache: BTreeMap::new() })
    }

    /// (low, high) of cell (a, b) at `level` on `topic` ("" = all), if there are enough passages.
    fn get(&mut self, level: Level, topic: &str, a: &str, b: &str) -> Option<(f64, f64)> {
        let g = &self.groupings[&level];
        let m = self.cache.entry((level, topic.to_string())).or_insert_with(|| {
            let selected: Vec<usize> = (0..self.topics.len())
                .filter(|&i| topic.is_empty() || self.topics[i].as_deref() == Some(topic))
                .collect();
            similarity(self.vectors.view(), g, &selected, self.params)
        });
        let (i, j) = (g.index(a)?, g.index(b)?);
        Some((m.low[i][j]?, m.high[i][j]?))
    }
}

/// Collects evidence passages, each once, in the order first cited.
struct EvidenceList<'a> {
    passages: &'a [Stored],
    docs: &'a BTreeMap<i64, crate::corpus::Document>,
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
                    let p = &self.passages[r];
                    let d = &self.docs[&p.doc];
                    self.out.push(EvidencePassage {
                        document: d.id.clone(),
                        issuer: d.issuer.clone(),
                        bloc: d.bloc.clone(),
                        date: d.date.clone(),
                        index: p.idx,
                        topic: p.topic.clone(),
                        stance: p.stance,
                        cluster: p.cluster,
                        text: passage_text(d, p.start, p.end),
                    });
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

impl Workspace {
    /// What moved from run `from` to run `to` (default: the last two runs).
    pub fn diff(&mut self, runs_: Option<(i64, i64)>, params: &DiffParams) -> Result<Diff> {
        self.read(|tx, at| {
            let (from, to) = match runs_ {
                Some((a, b)) => (runs::get(tx, at, a)?, runs::get(tx, at, b)?),
                None => {
                    let all = runs::list(tx, at)?;
                    match all.as_slice() {
                        [.., a, b] => (a.clone(), b.clone()),
                        _ => {
                            return Err(Error::usage(format!(
                                "{} has only one run; ingest texts and run `stance update` first",
                                at.root.display()
                            )))
                        }
                    }
                }
            };
            if from.id >= to.id {
                return Err(Error::usage(format!(
                    "run {} is not older than run {}; give the older run first: `stance diff {} {}`",
                    from.id,
                    to.id,
                    to.id.min(from.id),
                    to.id.max(from.id)
                )));
            }
            let (before, after) = (RunState::load(tx, at, from.id)?, RunState::load(tx, at, to.id)?);
            let docs: BTreeMap<i64, _> = load(tx, at, from.max_doc, to.max_doc, true)?.into_iter().collect();
            let added = stored_passages(tx, at, to.model_version, from.max_doc, to.max_doc)?;
            let same_model = from.model_version == to.model_version;
            let mut ev = EvidenceList { passages: &added, docs: &docs, index: BTreeMap::new(), out: Vec::new() };
            let group_of = |r: usize, level: Level| {
                let d = &docs[&added[r].doc];
                if level == Level::Issuer {
                    d.issuer.as_str()
                } else {
                    d.bloc.as_str()
                }
            };
            let in_scope = |r: usize, topic: &str| topic.is_empty() || added[r].topic.as_deref() == Some(topic);
            let n_ev = params.evidence;

            let (mut cells, mut within, mut without) = (Vec::new(), 0, 0);
            let shifts = if same_model { shifted_cells(&before, &after) } else { Vec::new() };
            if !shifts.is_empty() {
                let mut intervals = Intervals::new(tx, at, &from, &params.similarity)?;
                for (level, topic, a, b, x, y) in shifts {
                    let Some((low, high)) = intervals.get(level, &topic, &a, &b) else {
                        without += 1;
                        continue;
                    };
                    let margin = (high - low) / 2.0;
                    if (y - x).abs() <= margin {
                        within += 1;
                        continue;
                    }
                    // Rank the new passages of each side by how much they pull toward (or away
                    // from) the other side's position.
                    let mut scored: Vec<(f64, usize)> = Vec::new();
                    for (mine, other) in [(&a, &b), (&b, &a)] {
                        let Some(target) = after.group(level, &topic, other).map(|g| unit(&g.sum)) else { continue };
                        scored.extend(
                            (0..added.len()).filter(|&r| in_scope(r, &topic) && group_of(r, level) == mine).map(|r| {
                                let cos: f64 =
                                    added[r].vector.iter().zip(&target).map(|(v, t)| f64::from(*v) * t).sum();
                                (if y > x { -cos } else { cos }, r)
                            }),
                        );
                    }
                    scored.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
                    let evidence = ev.cite(scored.into_iter().take(n_ev).map(|(_, r)| r));
                    let topic = (!topic.is_empty()).then_some(topic);
                    cells.push(CellChange {
                        by: level,
                        topic,
                        a,
                        b,
                        before: x,
                        after: y,
                        delta: y - x,
                        margin,
                        low,
                        high,
                        evidence,
                    });
                }
                cells.sort_by(|p, q| q.delta.abs().total_cmp(&p.delta.abs()));
            }

            let agreement_compared = before.has_positions() && after.has_positions();
            let (mut agreement, mut agreement_within, mut agreement_without) = (Vec::new(), 0, 0);
            let mut agreement_entered = Vec::new();
            // The new passages of a pair's sides on a topic (any topic: ""), stance-taking first.
            let sides_rows = |level: Level, a: &str, b: &str, topic: &str| -> Vec<usize> {
                let mut rows: Vec<usize> = (0..added.len())
                    .filter(|&r| {
                        let g = group_of(r, level);
                        (g == a || g == b) && added[r].topic.is_some() && in_scope(r, topic)
                    })
                    .collect();
                rows.sort_by_key(|&r| (!matches!(added[r].stance, Some(Stance::Support | Stance::Oppose)), r));
                rows.truncate(n_ev);
                rows
            };
            for level in [Level::Bloc, Level::Issuer] {
                let (changes, new) = agreement_moves(&before, &after, level, &params.similarity);
                for e in new {
                    let evidence = ev.cite(sides_rows(level, &e.a, &e.b, &e.topic));
                    agreement_entered.push(AgreementNew { by: level, entered: e, evidence });
                }
                for change in changes {
                    // Listed: beyond the margin, or without one (the earlier run had too few
                    // passages to tell noise from movement — a group entering a topic).
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
                    agreement.push(AgreementMove { by: level, change, evidence });
                }
            }
            // Those tested against a margin first, then by size of the change.
            agreement.sort_by(|p, q| {
                (p.change.margin.is_none(), -p.change.delta.abs())
                    .partial_cmp(&(q.change.margin.is_none(), -q.change.delta.abs()))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });

            let stances = stance_changes(&before, &after)
                .into_iter()
                .map(|(issuer, topic, was, now)| {
                    let after_call = call(now);
                    let mut rows: Vec<usize> = (0..added.len())
                        .filter(|&r| group_of(r, Level::Issuer) == issuer && added[r].topic.as_deref() == Some(&topic))
                        .collect();
                    rows.sort_by_key(|&r| (added[r].stance != Some(after_call), r));
                    let evidence = ev.cite(rows.into_iter().take(n_ev));
                    StanceChange {
                        issuer,
                        topic,
                        before: call(was),
                        after: after_call,
                        before_counts: was,
                        after_counts: now,
                        evidence,
                    }
                })
                .collect();
            let topics_entered = topics_entered(&before, &after)
                .into_iter()
                .map(|(issuer, topic, n)| {
                    let rows = (0..added.len())
                        .filter(|&r| group_of(r, Level::Issuer) == issuer && added[r].topic.as_deref() == Some(&topic));
                    let evidence = ev.cite(rows.take(n_ev));
                    Entered { issuer, topic: Some(topic), cluster: None, n, evidence }
                })
                .collect();
            let clusters_entered = if same_model { clusters_entered(&before, &after) } else { Vec::new() }
                .into_iter()
                .map(|(issuer, cluster, n)| {
                    let rows = (0..added.len())
                        .filter(|&r| group_of(r, Level::Issuer) == issuer && added[r].cluster == cluster);
                    let evidence = ev.cite(rows.take(n_ev));
                    Entered { issuer, topic: None, cluster: Some(cluster), n, evidence }
                })
                .collect();
            let new_groups = new_groups(&before, &after)
                .into_iter()
                .map(|(by, name, n)| {
                    let evidence = ev.cite((0..added.len()).filter(|&r| group_of(r, by) == name).take(n_ev));
                    NewGroup { by, name, n, evidence }
                })
                .collect();
            Ok(Diff {
                added_documents: docs.values().map(|d| d.id.clone()).collect(),
                from,
                to,
                same_model,
                cells,
                cells_within_interval: within,
                cells_without_interval: without,
                agreement_compared,
                agreement,
                agreement_within_interval: agreement_within,
                agreement_without_interval: agreement_without,
                agreement_entered,
                stances,
                topics_entered,
                clusters_entered,
                new_groups,
                evidence: ev.out,
                params: *params,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::state::PassageFacts;
    use super::*;

    fn add(s: &mut RunState, issuer: &str, topic: Option<&str>, stance: Option<Stance>, cluster: usize, v: &[f32]) {
        let held: Vec<(String, Stance)> = topic.iter().zip(stance).map(|(t, s)| (t.to_string(), s)).collect();
        s.add(&PassageFacts { issuer, bloc: "b", topic, stance, cluster, vector: v, positions: &held });
    }

    #[test]
    fn finds_what_moved() {
        let mut before = RunState::default();
        add(&mut before, "A", Some("t"), Some(Stance::Support), 0, &[1.0, 0.0]);
        add(&mut before, "B", Some("t"), Some(Stance::Support), 0, &[0.0, 1.0]);
        add(&mut before, "C", None, None, 0, &[0.0, 1.0]);
        let mut after = before.clone();
        add(&mut after, "A", Some("t"), Some(Stance::Oppose), 1, &[0.0, 1.0]);
        add(&mut after, "A", Some("t"), Some(Stance::Oppose), 1, &[0.0, 1.0]);
        add(&mut after, "C", Some("u"), Some(Stance::Neutral), 0, &[0.0, 1.0]);
        add(&mut after, "D", None, None, 0, &[1.0, 0.0]);

        let shifts = shifted_cells(&before, &after);
        let pairs: Vec<(&str, &str, &str)> =
            shifts.iter().map(|s| (s.1.as_str(), s.2.as_str(), s.3.as_str())).collect();
        // A moved toward B and C overall and on topic t; C's overall sum did not change direction.
        assert!(pairs.contains(&("", "A", "B")) && pairs.contains(&("t", "A", "B")) && pairs.contains(&("", "A", "C")));
        assert!(!pairs.contains(&("", "B", "C")), "{pairs:?}");
        assert_eq!(pairs.iter().filter(|p| **p == ("", "A", "B")).count(), 1, "each pair once");
        assert_eq!(stance_changes(&before, &after), [("A".into(), "t".into(), [1, 0, 0], [1, 2, 0])]);
        assert_eq!(topics_entered(&before, &after), [("C".into(), "u".into(), 1)]);
        assert_eq!(clusters_entered(&before, &after), [("A".into(), 1, 2)]);
        assert_eq!(new_groups(&before, &after), [(Level::Issuer, "D".into(), 1)]);
        let s = summarize(&before, &after, true);
        assert_eq!((s.added_passages, s.stance_changes, s.topics_entered, s.new_groups), (4, 1, 1, 1));
        assert!(s.largest_shift.unwrap() > 0.5);
        // A turned from support to oppose on t: it agrees less with B, on t and over all topics.
        let (moved, new) = agreement_moves(&before, &after, Level::Issuer, &SimilarityParams::default());
        assert_eq!(new.len(), 0, "C entered u, where nobody else is");
        let ab: Vec<&AgreementChange> = moved.iter().filter(|c| (c.a.as_str(), c.b.as_str()) == ("A", "B")).collect();
        assert_eq!(ab.len(), 2, "{moved:?}");
        assert!(ab.iter().all(|c| c.delta < 0.0));
        assert!(s.largest_agreement_shift.unwrap() > 0.1);
        assert_eq!(summarize(&after, &after, true), RunSummary::default());
    }
}
