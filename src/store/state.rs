//! A run's state ([`RunState`], defined with what it is for in `compare::drift`) saved as and
//! loaded from `results` rows: group sums and counts, stance counts, cluster memberships,
//! positions (stance counts per group and topic), and the positions found on each topic with
//! who holds them. Runs recorded before positions were kept have none: their agreements are not
//! compared.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::Paths;
use crate::compare::drift::{GroupSum, Level, PositionCentre, RunState};
use crate::le;
use crate::topics::Stance;
use crate::Result;

/// `results.kind` prefix of position counts (`position:issuer`, `position:bloc`).
const POSITION: &str = "position:";
/// `results.kind` of a position found on a topic: `grp` = its label, `key` = its number, `n` =
/// its passages at the fit, `sum` = its centroid (f64 LE).
const TOPIC_CLUSTER: &str = "topic_cluster";
/// `results.kind` of the position space's stance weight: `sum` = one f64.
const TOPIC_CLUSTER_WEIGHT: &str = "topic_cluster_weight";
/// `results.kind` of an issuer's passages in a position: `grp` = issuer, `key` = the position.
const TOPIC_CLUSTER_HELD: &str = "topic_cluster_held";

impl RunState {
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
            for (s, n) in counts.iter().filter(|&(_, n)| n > 0) {
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
            for (s, n) in counts.iter().filter(|&(_, n)| n > 0) {
                ins.execute(params![run, kind, name, topic, s.as_str(), n as i64, None::<Vec<u8>>])
                    .map_err(|e| at.err(e))?;
            }
        }
        if !self.position_space.is_empty() {
            let w = le::encode::<f64>(&[self.position_weight]);
            ins.execute(params![run, TOPIC_CLUSTER_WEIGHT, "", "", "", 0i64, w]).map_err(|e| at.err(e))?;
        }
        for (topic, centres) in &self.position_space {
            for (c, p) in centres.iter().enumerate() {
                let sum = le::encode::<f64>(&p.centroid);
                ins.execute(params![run, TOPIC_CLUSTER, p.label, topic, c.to_string(), p.n as i64, sum])
                    .map_err(|e| at.err(e))?;
            }
        }
        for ((issuer, topic, c), &n) in &self.held {
            ins.execute(params![run, TOPIC_CLUSTER_HELD, issuer, topic, c.to_string(), n as i64, None::<Vec<u8>>])
                .map_err(|e| at.err(e))?;
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
        let mut centres: BTreeMap<String, BTreeMap<usize, PositionCentre>> = BTreeMap::new();
        while let Some(r) = rows.next().map_err(|e| at.err(e))? {
            let get = |i| r.get::<_, String>(i).map_err(|e| at.err(e));
            let (kind, grp, topic, key) = (get(0)?, get(1)?, get(2)?, get(3)?);
            let n = r.get::<_, i64>(4).map_err(|e| at.err(e))? as usize;
            if let Some(level) = Level::parse(&kind) {
                let sum: Vec<u8> = r.get(5).map_err(|e| at.err(e))?;
                state.groups.insert((level, topic, grp), GroupSum { n, sum: le::decode::<f64>(&sum) });
            } else if kind == "stance" {
                if let Some(s) = Stance::parse(&key) {
                    state.stances.entry((grp, topic)).or_default()[s] = n;
                }
            } else if let (true, Ok(cluster)) = (kind == "cluster", key.parse::<usize>()) {
                state.clusters.insert((grp, cluster), n);
            } else if let (Some(level), Some(s)) =
                (kind.strip_prefix(POSITION).and_then(Level::parse), Stance::parse(&key))
            {
                state.positions.entry((level, grp, topic)).or_default()[s] = n;
            } else if kind == TOPIC_CLUSTER_WEIGHT {
                let sum: Vec<u8> = r.get(5).map_err(|e| at.err(e))?;
                state.position_weight = le::decode::<f64>(&sum).first().copied().unwrap_or(0.0);
            } else if let (true, Ok(c)) = (kind == TOPIC_CLUSTER, key.parse::<usize>()) {
                let sum: Vec<u8> = r.get(5).map_err(|e| at.err(e))?;
                let centre = PositionCentre { label: grp, n, centroid: le::decode::<f64>(&sum) };
                centres.entry(topic).or_default().insert(c, centre);
            } else if let (true, Ok(c)) = (kind == TOPIC_CLUSTER_HELD, key.parse::<usize>()) {
                state.held.insert((grp, topic, c), n);
            }
        }
        // Positions are numbered 0..k: a topic whose numbers have a gap is not kept (never written so).
        state.position_space = centres
            .into_iter()
            .filter(|(_, m)| m.keys().copied().eq(0..m.len()))
            .map(|(t, m)| (t, m.into_values().collect()))
            .collect();
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::drift::PassageFacts;

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
        assert_eq!(s.stance_counts("B", "t"), [0, 1, 0].into());
        assert_eq!(s.clusters[&("A".to_string(), 1)], 2);
        assert!(!s.has_positions(), "no passage gave positions");
        let held = [("t".to_string(), Stance::Support), ("u".to_string(), Stance::Oppose)];
        s.add(&PassageFacts { positions: &held, ..facts("B", Some("t"), Some(Stance::Support), &[0.0, 1.0]) });
        let table = s.stance_table(Level::Issuer);
        assert_eq!(
            (table.labels.clone(), table.topics.clone()),
            (vec!["A".into(), "B".into()], vec!["t".into(), "u".into()])
        );
        assert_eq!(
            (table.counts(0, 1), table.counts(1, 1), table.counts(0, 0)),
            ([1, 0, 0].into(), [0, 1, 0].into(), [0, 0, 0].into())
        );
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
        assert_eq!(s.positions[&(Level::Bloc, "west".to_string(), "u".to_string())], [1, 0, 0].into());
        s.position_weight = 0.75;
        let centre = |label: &str, n, centroid: Vec<f64>| PositionCentre { label: label.into(), n, centroid };
        s.position_space.insert(
            "t".into(),
            vec![
                centre("treaty — support 80% (A)", 4, vec![0.1, -0.2, 0.75, 0.0, 0.0]),
                centre("law", 1, vec![0.0; 5]),
            ],
        );
        s.place("A", "t", &[0.1, -0.2], Stance::Support);
        s.place("B", "t", &[0.0, 0.0], Stance::Neutral);
        assert_eq!(s.held_counts("A", "t"), [1, 0]);
        let at = Paths { root: dir.path().to_path_buf(), db: path };
        s.save(&c, &at, 7).unwrap();
        assert_eq!(RunState::load(&c, &at, 7).unwrap(), s);
        assert_eq!(RunState::load(&c, &at, 8).unwrap(), RunState::default());
    }
}
