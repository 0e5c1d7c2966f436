//! The state a run records: enough to rebuild its similarity matrices, stances and cluster
//! memberships without the corpus, and to move to the next run by adding new passages only.
//!
//! A group's position is the unit mean of its passages' (unit) vectors, which is the normalised
//! **sum**; so a run stores per-group sums and counts, and the cosine of two stored sums is the
//! similarity `compare::similarity` computes from the passages.
//!
//! For agreement it also keeps, per issuer and per bloc, the passages taking each stance on every
//! topic they reach (`positions`), from which `compare::agreement` rebuilds positions and
//! agreements. Runs recorded before this was kept have none: their agreements are not compared.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::Paths;
use crate::compare::agreement::StanceTable;
use crate::groups::GroupBy;
use crate::le;
use crate::topics::Stance;
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

    fn parse(s: &str) -> Option<Level> {
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
    pub stances: BTreeMap<(String, String), [usize; 3]>,
    /// (issuer, cluster) → passages.
    pub clusters: BTreeMap<(String, usize), usize>,
    /// (level, group, topic) → passages that (support, oppose, are neutral), every topic a
    /// passage reaches.
    pub positions: BTreeMap<(Level, String, String), [usize; 3]>,
}

/// Index of a stance in the `[support, oppose, neutral]` counts.
pub fn stance_slot(s: Stance) -> usize {
    match s {
        Stance::Support => 0,
        Stance::Oppose => 1,
        Stance::Neutral => 2,
    }
}

const STANCES: [Stance; 3] = [Stance::Support, Stance::Oppose, Stance::Neutral];

/// `results.kind` prefix of position counts (`position:issuer`, `position:bloc`).
const POSITION: &str = "position:";

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
            self.stances.entry((p.issuer.to_string(), topic.to_string())).or_default()[stance_slot(stance)] += 1;
        }
        *self.clusters.entry((p.issuer.to_string(), p.cluster)).or_default() += 1;
        for (topic, stance) in p.positions {
            for (level, name) in [(Level::Issuer, p.issuer), (Level::Bloc, p.bloc)] {
                self.positions.entry((level, name.to_string(), topic.clone())).or_default()[stance_slot(*stance)] += 1;
            }
        }
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
        let counts: Vec<Vec<[usize; 3]>> = topics
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
    pub fn stance_counts(&self, issuer: &str, topic: &str) -> [usize; 3] {
        self.stances.get(&(issuer.to_string(), topic.to_string())).copied().unwrap_or_default()
    }

    /// Writes the state as `results` rows of run `run`.
    pub(super) fn save(&self, c: &Connection, at: &Paths, run: i64) -> Result<()> {
        let mut ins = c
            .prepare_cached(
                "INSERT INTO results (run, kind, grp, topic, key, n, sum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(|e| at.err(e))?;
        for ((level, topic, name), g) in &self.groups {
            ins.execute(params![run, level.as_str(), name, topic, "", g.n as i64, le::encode::<f64>(&g.sum)])
                .map_err(|e| at.err(e))?;
        }
        for ((issuer, topic), counts) in &self.stances {
            for (s, &n) in STANCES.iter().zip(counts).filter(|(_, &n)| n > 0) {
                ins.execute(params![run, "stance", issuer, topic, s.as_str(), n as i64, None::<Vec<u8>>])
                    .map_err(|e| at.err(e))?;
            }
        }
        for ((issuer, cluster), &n) in &self.clusters {
            ins.execute(params![run, "cluster", issuer, "", cluster.to_string(), n as i64, None::<Vec<u8>>])
                .map_err(|e| at.err(e))?;
        }
        for ((level, name, topic), counts) in &self.positions {
            let kind = format!("{POSITION}{}", level.as_str());
            for (s, &n) in STANCES.iter().zip(counts).filter(|(_, &n)| n > 0) {
                ins.execute(params![run, kind, name, topic, s.as_str(), n as i64, None::<Vec<u8>>])
                    .map_err(|e| at.err(e))?;
            }
        }
        Ok(())
    }

    /// Reads the state of run `run`.
    pub(super) fn load(c: &Connection, at: &Paths, run: i64) -> Result<RunState> {
        let mut state = RunState::default();
        let mut stmt = c
            .prepare_cached("SELECT kind, grp, topic, key, n, sum FROM results WHERE run = ?1")
            .map_err(|e| at.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| at.err(e))?;
        while let Some(r) = rows.next().map_err(|e| at.err(e))? {
            let get = |i| r.get::<_, String>(i).map_err(|e| at.err(e));
            let (kind, grp, topic, key) = (get(0)?, get(1)?, get(2)?, get(3)?);
            let n = r.get::<_, i64>(4).map_err(|e| at.err(e))? as usize;
            if let Some(level) = Level::parse(&kind) {
                let sum: Vec<u8> = r.get(5).map_err(|e| at.err(e))?;
                state.groups.insert((level, topic, grp), GroupSum { n, sum: le::decode::<f64>(&sum) });
            } else if kind == "stance" {
                if let Some(s) = Stance::parse(&key) {
                    state.stances.entry((grp, topic)).or_default()[stance_slot(s)] = n;
                }
            } else if let (true, Ok(cluster)) = (kind == "cluster", key.parse::<usize>()) {
                state.clusters.insert((grp, cluster), n);
            } else if let (Some(level), Some(s)) =
                (kind.strip_prefix(POSITION).and_then(Level::parse), Stance::parse(&key))
            {
                state.positions.entry((level, grp, topic)).or_default()[stance_slot(s)] = n;
            }
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(issuer: &'a str, topic: Option<&'a str>, stance: Option<Stance>, v: &'a [f32]) -> PassageFacts<'a> {
        PassageFacts { issuer, bloc: "west", topic, stance, cluster: 1, vector: v, positions: &[] }
    }

    #[test]
    fn sums_give_cosines_of_mean_vectors() {
        let mut s = RunState::default();
        s.add(&facts("A", Some("t"), Some(Stance::Support), &[1.0, 0.0]));
        s.add(&facts("A", None, None, &[1.0, 0.0]));
        s.add(&facts("B", Some("t"), Some(Stance::Oppose), &[0.6, 0.8]));
        assert_eq!(s.n(Level::Issuer, "", "A"), 2);
        assert_eq!(s.n(Level::Bloc, "", "west"), 3);
        assert_eq!(s.n(Level::Issuer, "t", "A"), 1);
        assert!((s.cosine(Level::Issuer, "", "A", "B").unwrap() - 0.6).abs() < 1e-6);
        assert_eq!(s.cosine(Level::Issuer, "", "A", "A"), Some(1.0));
        assert_eq!(s.cosine(Level::Issuer, "t", "A", "C"), None);
        assert_eq!(s.labels(Level::Issuer, "t"), ["A", "B"]);
        assert_eq!(s.topics(), ["t"]);
        assert_eq!(s.n_passages(), 3);
        assert_eq!(s.stance_counts("B", "t"), [0, 1, 0]);
        assert_eq!(s.clusters[&("A".to_string(), 1)], 2);
        assert!(!s.has_positions(), "no passage gave positions");
        let held = [("t".to_string(), Stance::Support), ("u".to_string(), Stance::Oppose)];
        s.add(&PassageFacts { positions: &held, ..facts("B", Some("t"), Some(Stance::Support), &[0.0, 1.0]) });
        let table = s.stance_table(Level::Issuer);
        assert_eq!(
            (table.labels.clone(), table.topics.clone()),
            (vec!["A".into(), "B".into()], vec!["t".into(), "u".into()])
        );
        assert_eq!((table.counts(0, 1), table.counts(1, 1), table.counts(0, 0)), ([1, 0, 0], [0, 1, 0], [0, 0, 0]));
    }

    #[test]
    fn saves_and_loads_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut c = Connection::open(&path).unwrap();
        super::super::schema::migrate(&mut c, &path).unwrap();
        c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        let mut s = RunState::default();
        s.add(&facts("A", Some("t"), Some(Stance::Neutral), &[0.1, 0.2]));
        s.add(&facts("B", None, None, &[0.3, -0.4]));
        let held = [("t".to_string(), Stance::Oppose), ("u".to_string(), Stance::Support)];
        s.add(&PassageFacts { positions: &held, ..facts("B", Some("t"), Some(Stance::Oppose), &[0.5, 0.5]) });
        assert_eq!(s.positions[&(Level::Bloc, "west".to_string(), "u".to_string())], [1, 0, 0]);
        let at = Paths { root: dir.path().to_path_buf(), db: path };
        s.save(&c, &at, 7).unwrap();
        assert_eq!(RunState::load(&c, &at, 7).unwrap(), s);
        assert_eq!(RunState::load(&c, &at, 8).unwrap(), RunState::default());
    }
}
