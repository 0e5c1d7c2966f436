//! `stance diff` on a workspace: loads the two runs' states, the passages of the documents added
//! between them and, lazily, the earlier run's bootstrap intervals; `compare::drift` works out
//! what moved. Also the cheap summary recorded with every run ([`summarize`]).

use std::collections::BTreeMap;

use ndarray::Array2;
use rusqlite::Connection;
use serde::Serialize;

use super::documents::{load, passage_text};
use super::runs::{self, Run, RunSummary};
use super::{Paths, Workspace};
use crate::compare::drift::{
    agreement_moves, clusters_entered, drift, new_groups, position_moves, shifted_cells, stance_changes,
    topics_entered, Added, DiffParams, Drift, EvidencePassage, Level, RunState, Shift,
};
use crate::compare::similarity::similarity;
use crate::compare::SimilarityParams;
use crate::groups::Grouping;
use crate::le;
use crate::pipeline::{PassageSpan, Provenance};
use crate::topics::Stance;
use crate::{Error, Result};

/// Everything that moved from run `from` to run `to`.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub from: Run,
    pub to: Run,
    pub same_model: bool,
    pub added_documents: Vec<String>,
    #[serde(flatten)]
    pub drift: Drift,
    pub params: DiffParams,
}

/// The cheap part of a diff, recorded with every run (see [`RunSummary`]).
pub fn summarize(before: &RunState, after: &RunState, same_model: bool) -> RunSummary {
    let overall = |s: &&Shift| s.1.is_empty();
    RunSummary {
        added_passages: after.n_passages().saturating_sub(before.n_passages()),
        stance_changes: stance_changes(before, after).len(),
        positions_changed: position_moves(before, after).len(),
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
            let added: Vec<Added> = stored_passages(tx, at, to.model_version, from.max_doc, to.max_doc)?
                .into_iter()
                .map(|p| {
                    let d = &docs[&p.doc];
                    let passage = EvidencePassage {
                        provenance: Provenance::new(d, PassageSpan { passage: p.idx, start: p.start, end: p.end }),
                        topic: p.topic,
                        stance: p.stance,
                        cluster: p.cluster,
                        text: passage_text(d, p.start, p.end),
                    };
                    Added { passage, vector: p.vector }
                })
                .collect();
            let same_model = from.model_version == to.model_version;
            // The earlier run's intervals need its passages and a bootstrap: loaded only when a
            // cell moved.
            let mut intervals: Option<Intervals> = None;
            let interval = |level: Level, topic: &str, a: &str, b: &str| -> Result<Option<(f64, f64)>> {
                if intervals.is_none() {
                    intervals = Some(Intervals::new(tx, at, &from, &params.similarity)?);
                }
                Ok(intervals.as_mut().and_then(|i| i.get(level, topic, a, b)))
            };
            let drift = drift(&before, &after, &added, same_model, params, interval)?;
            Ok(Diff {
                added_documents: docs.values().map(|d| d.id.clone()).collect(),
                from,
                to,
                same_model,
                drift,
                params: *params,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::drift::tests::two_states;

    #[test]
    fn summary_counts_what_moved() {
        let (before, after) = two_states();
        let s = summarize(&before, &after, true);
        assert_eq!((s.added_passages, s.stance_changes, s.topics_entered, s.new_groups), (4, 1, 1, 1));
        assert!(s.largest_shift.unwrap() > 0.5);
        assert!(s.largest_agreement_shift.unwrap() > 0.1);
        assert_eq!(summarize(&after, &after, true), RunSummary::default());
        assert_eq!(summarize(&before, &after, false).largest_shift, None, "no cell compared across models");
    }
}
