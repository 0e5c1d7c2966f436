//! Positions and agreement: who stands on the same side of each topic's proposition.
//!
//! Vocabulary similarity (`similarity`) says who *speaks alike*; a text explaining a vote against
//! a resolution in the resolution's own words is close to it. Agreement is built from the stances
//! instead (see `docs/methods.md`):
//!
//! - **Position** of a group g on topic T, from its passages on T — `s` supporting, `o` opposing,
//!   `u` neutral, `n = s + o + u`, `d = s + o` decisive:
//!   `pos = (s − o)/n · d/(d + 2α)`. The first factor is the net stance (support share − oppose
//!   share); the second shrinks it toward 0 by the number of decisive passages. Equivalently
//!   `pos = (d/n)·(2p̂ − 1)` where `p̂ = (s + α)/(d + 2α)` is the posterior mean of "a decisive
//!   passage supports" under a symmetric Beta(α, α) prior, [`PRIOR`] = α = 1 (uniform: no side
//!   favoured). One supporting passage gives +0.33, not +1; eight give +0.80.
//! - **Agreement** of a and b on T: `1 − |pos_a − pos_b| / 2`, in [0, 1] (1 = same position,
//!   0 = one fully supports what the other fully opposes).
//! - **Agreement over all topics**: the mean of the per-topic agreements over the topics both
//!   address, each weighted by its evidence, the harmonic mean `2·n_a·n_b/(n_a + n_b)` of the two
//!   sides' passages on it (a topic counts as much as its thinner side allows). With no shared
//!   topic there is no value (not 0); the number of shared topics is reported with it.
//!
//! Intervals come from one bootstrap ([`super::bootstrap`]): every group's passages on every
//! topic are resampled within their (group, topic) stratum; positions, per-topic agreement and
//! the all-topic mean are recomputed from the *same* draws, and their 2.5–97.5 percentiles bound
//! the 95 % intervals — re-centred on the estimate for agreement, which resampling noise biases
//! downwards (the gap between two noisy positions is wider on average). A position with fewer
//! than `min_passages` passages gets no interval, nor does an agreement resting on one.

use serde::Serialize;

use super::bootstrap::{centred_interval95, interval95, resample};
use super::change::PairChange;
use super::SimilarityParams;
use crate::corpus::check_name;
use crate::groups::{GroupBy, Grouping};
use crate::pipeline::{Analysis, Passage};
use crate::topics::{Stance, StanceCounts};
use crate::Result;

/// α of the symmetric Beta(α, α) prior on the decisive passages: pseudo-passages added to each
/// side (see the module doc).
pub const PRIOR: f64 = 1.0;

/// The position of a group from its (support, oppose, neutral) passages on a topic, in [−1, 1];
/// `None` without passages.
pub fn position(c: StanceCounts) -> Option<f64> {
    let n = c.total() as f64;
    if n == 0.0 {
        return None;
    }
    let (s, o) = (c.support() as f64, c.oppose() as f64);
    Some((s - o) / n * (s + o) / (s + o + 2.0 * PRIOR))
}

/// Agreement of two positions, in [0, 1].
pub fn agreement(a: f64, b: f64) -> f64 {
    1.0 - (a - b).abs() / 2.0
}

/// Evidence weight of a topic for a pair: the harmonic mean of their passages on it.
fn weight(na: usize, nb: usize) -> f64 {
    let (a, b) = (na as f64, nb as f64);
    if a + b == 0.0 {
        0.0
    } else {
        2.0 * a * b / (a + b)
    }
}

/// The stances of each group's passages on each topic: what positions are computed from.
#[derive(Debug, Clone)]
pub struct StanceTable {
    /// Group names (rows of the matrices).
    pub labels: Vec<String>,
    /// Topic ids.
    pub topics: Vec<String>,
    /// Passages of each group that take a stance on at least one of `topics`.
    pub n_passages: Vec<usize>,
    /// `stances[t][g]`: the stance of each passage of group g on topic t.
    stances: Vec<Vec<Vec<Stance>>>,
}

impl StanceTable {
    /// Groups given by their passages (`rows[g]`: indices into `a.passages`; groups may overlap,
    /// as an issuer and its bloc), stances as the analysis holds them per passage and topic.
    pub fn from_rows(passages: &[Passage], labels: Vec<String>, rows: &[Vec<usize>], topics: &[String]) -> StanceTable {
        let stances = topics
            .iter()
            .map(|t| rows.iter().map(|r| r.iter().filter_map(|&p| passages[p].stance_on(t)).collect()).collect())
            .collect();
        let n_passages = rows
            .iter()
            .map(|r| r.iter().filter(|&&p| passages[p].topics.iter().any(|(t, _)| topics.contains(t))).count())
            .collect();
        StanceTable { labels, topics: topics.to_vec(), n_passages, stances }
    }

    /// The groups of a grouping; only those named in `only` when it is not empty (an unknown
    /// name is an error listing the known ones).
    pub fn from_grouping(a: &Analysis, grouping: &Grouping, only: &[String], topics: &[String]) -> Result<StanceTable> {
        for name in only {
            check_name(grouping.by.as_str(), name, &grouping.labels)?;
        }
        let keep: Vec<usize> =
            (0..grouping.labels.len()).filter(|&g| only.is_empty() || only.contains(&grouping.labels[g])).collect();
        let mut rows = vec![Vec::new(); grouping.labels.len()];
        for (p, &g) in grouping.of.iter().enumerate() {
            rows[g].push(p);
        }
        let labels = keep.iter().map(|&g| grouping.labels[g].clone()).collect();
        let rows: Vec<Vec<usize>> = keep.iter().map(|&g| std::mem::take(&mut rows[g])).collect();
        Ok(StanceTable::from_rows(&a.passages, labels, &rows, topics))
    }

    /// Groups known only by their (support, oppose, neutral) counts, `counts[t][g]` (a saved
    /// model, a workspace run): the same numbers as from the passages themselves.
    pub fn from_counts(labels: Vec<String>, topics: Vec<String>, counts: &[Vec<StanceCounts>]) -> StanceTable {
        let expand =
            |c: &StanceCounts| -> Vec<Stance> { c.iter().flat_map(|(s, k)| std::iter::repeat_n(s, k)).collect() };
        let stances: Vec<Vec<Vec<Stance>>> = counts.iter().map(|row| row.iter().map(expand).collect()).collect();
        let n_passages = (0..labels.len()).map(|g| stances.iter().map(|row| row[g].len()).sum()).collect();
        StanceTable { labels, topics, n_passages, stances }
    }

    /// (support, oppose, neutral) passages of group `g` on topic `t`.
    pub fn counts(&self, t: usize, g: usize) -> StanceCounts {
        self.stances[t][g].iter().collect()
    }
}

/// Positions of the groups of `by` (only those in `only`, when given) on every topic of the
/// analysis' lexicon, in lexicon order.
pub fn positions(a: &Analysis, by: GroupBy, only: &[String], params: &SimilarityParams) -> Result<Positions> {
    let topics: Vec<String> = a.lexicon.topics().iter().map(|t| t.id.clone()).collect();
    let table = StanceTable::from_grouping(a, &Grouping::new(a, by), only, &topics)?;
    Ok(Positions::new(&table, params))
}

/// A group's position on one topic, with its 95 % interval (none when n is too small).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Position {
    /// Passages on the topic, and how many support, oppose, are neutral.
    pub n: usize,
    pub support: usize,
    pub oppose: usize,
    pub neutral: usize,
    /// Net stance, support share − oppose share, before shrinking.
    pub net: f64,
    /// The position: net stance shrunk toward 0 (see the module doc), in [−1, 1].
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// Agreement of two groups on one topic or over all, with its 95 % interval; `value` None: no
/// topic addressed by both.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Agreement {
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Topics both groups address (the ones the value averages).
    pub shared_topics: usize,
}

/// A symmetric group × group agreement matrix. `None`: no shared topic (value) or too few
/// passages for an interval (low/high).
#[derive(Debug, Clone, Serialize)]
pub struct AgreementMatrix {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<Option<f64>>>,
    pub low: Vec<Vec<Option<f64>>>,
    pub high: Vec<Vec<Option<f64>>>,
    /// Passages of each group on the topic (all topics: passages on at least one).
    pub n_passages: Vec<usize>,
    /// Topics each pair both address.
    pub shared_topics: Vec<Vec<usize>>,
}

/// Every group's position on every topic, with the bootstrap draws behind their intervals (from
/// which agreements and their intervals are computed).
#[derive(Debug, Clone)]
pub struct Positions {
    pub labels: Vec<String>,
    pub topics: Vec<String>,
    pub n_passages: Vec<usize>,
    /// `cells[t][g]`; None: no passage of group g on topic t.
    pub cells: Vec<Vec<Option<Position>>>,
    pub params: SimilarityParams,
    /// `draws[d][t * groups + g]`: the position in draw d (NaN where no passage).
    draws: Vec<Vec<f64>>,
}

impl Positions {
    /// Positions of every group of `table` on every topic, with `params.draws` bootstrap draws.
    pub fn new(table: &StanceTable, params: &SimilarityParams) -> Positions {
        let groups = table.labels.len();
        let strata: Vec<Vec<usize>> = table.stances.iter().flatten().map(|s| (0..s.len()).collect()).collect();
        let draws = resample(&strata, params.draws, params.seed, |resampled| {
            resampled
                .iter()
                .enumerate()
                .map(|(k, rows)| {
                    let s = &table.stances[k / groups][k % groups];
                    position(rows.iter().map(|&i| s[i]).collect()).unwrap_or(f64::NAN)
                })
                .collect::<Vec<f64>>()
        });
        let min_n = params.min_passages.max(1);
        let cells = (0..table.topics.len())
            .map(|t| {
                (0..groups)
                    .map(|g| {
                        let c = table.counts(t, g);
                        let value = position(c)?;
                        let n = c.total();
                        let k = t * groups + g;
                        let mut values: Vec<f64> = draws.iter().map(|d| d[k]).collect();
                        let ci = if n >= min_n { interval95(&mut values) } else { None };
                        Some(Position {
                            n,
                            support: c.support(),
                            oppose: c.oppose(),
                            neutral: c.neutral(),
                            net: (c.support() as f64 - c.oppose() as f64) / n as f64,
                            value,
                            low: ci.map(|c| c.0),
                            high: ci.map(|c| c.1),
                        })
                    })
                    .collect()
            })
            .collect();
        Positions {
            labels: table.labels.clone(),
            topics: table.topics.clone(),
            n_passages: table.n_passages.clone(),
            cells,
            params: *params,
            draws,
        }
    }

    /// Index of `topic`, if it is one of the table's.
    pub fn topic_index(&self, topic: &str) -> Option<usize> {
        self.topics.iter().position(|t| t == topic)
    }

    /// Index of the group called `label`, if any.
    pub fn group_index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// Agreement of groups `i` and `j` on topic `topic` (an index into `topics`), or over all
    /// topics both address (`None`).
    pub fn pair(&self, i: usize, j: usize, topic: Option<usize>) -> Agreement {
        self.pair_with(i, j, topic, true)
    }

    /// [`Positions::pair`], with its interval only when `interval` (the value alone is cheap).
    fn pair_with(&self, i: usize, j: usize, topic: Option<usize>, interval: bool) -> Agreement {
        let groups = self.labels.len();
        let scope: Vec<usize> = match topic {
            Some(t) => vec![t],
            None => (0..self.topics.len()).collect(),
        };
        let shared: Vec<(usize, f64, usize, usize)> = scope
            .into_iter()
            .filter_map(|t| {
                let (a, b) = (self.cells[t][i]?, self.cells[t][j]?);
                Some((t, weight(a.n, b.n), a.n, b.n))
            })
            .collect();
        if shared.is_empty() {
            return Agreement { value: None, low: None, high: None, shared_topics: 0 };
        }
        let total: f64 = shared.iter().map(|s| s.1).sum();
        let mean = |pos: &dyn Fn(usize, usize) -> f64| -> f64 {
            shared.iter().map(|&(t, w, ..)| w * agreement(pos(t, i), pos(t, j))).sum::<f64>() / total
        };
        let value = mean(&|t, g| self.cells[t][g].map_or(0.0, |p| p.value));
        let min_n = self.params.min_passages.max(1);
        let enough =
            shared.iter().map(|s| s.2).sum::<usize>() >= min_n && shared.iter().map(|s| s.3).sum::<usize>() >= min_n;
        let ci = if interval && enough && !self.draws.is_empty() {
            // Resampling noise widens the gap between two positions, so agreement draws sit
            // below the estimate: the interval is re-centred on it, as for vocabulary similarity.
            let mut values: Vec<f64> = self.draws.iter().map(|d| mean(&|t, g| d[t * groups + g])).collect();
            centred_interval95(&mut values, value, 0.0, 1.0)
        } else {
            None
        };
        Agreement { value: Some(value), low: ci.map(|c| c.0), high: ci.map(|c| c.1), shared_topics: shared.len() }
    }

    /// The group × group agreement matrix on `topic` (an index into `topics`) or over all topics.
    pub fn matrix(&self, topic: Option<usize>) -> AgreementMatrix {
        let n = self.labels.len();
        let mut m = AgreementMatrix {
            labels: self.labels.clone(),
            matrix: vec![vec![None; n]; n],
            low: vec![vec![None; n]; n],
            high: vec![vec![None; n]; n],
            n_passages: match topic {
                Some(t) => self.cells[t].iter().map(|c| c.map_or(0, |p| p.n)).collect(),
                None => self.n_passages.clone(),
            },
            shared_topics: vec![vec![0; n]; n],
        };
        for i in 0..n {
            for j in i..n {
                let a = self.pair(i, j, topic);
                for (r, c) in [(i, j), (j, i)] {
                    m.matrix[r][c] = a.value;
                    m.low[r][c] = a.low;
                    m.high[r][c] = a.high;
                    m.shared_topics[r][c] = a.shared_topics;
                }
            }
        }
        m
    }
}

/// An agreement that moved between two states of the same corpus (two workspace runs).
pub type AgreementChange = PairChange<SharedTopics>;

/// What an agreement change carries beyond [`PairChange`]: the topics the pair addresses together
/// before and after (over all topics, the agreement is a mean over them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SharedTopics {
    pub shared_topics_before: usize,
    pub shared_topics_after: usize,
}

/// Every agreement — per topic and over all topics — of two groups present in both states that
/// changed, largest change first (ties by topic and names); the margin comes from `before`'s
/// bootstrap. Pairs are visited once, names in order.
pub fn moves(before: &Positions, after: &Positions) -> Vec<AgreementChange> {
    const EPS: f64 = 1e-9;
    let scopes: Vec<(Option<&str>, Option<usize>, Option<usize>)> = std::iter::once((None, None, None))
        .chain(before.topics.iter().filter_map(|t| {
            let (b, a) = (before.topic_index(t)?, after.topic_index(t)?);
            Some((Some(t.as_str()), Some(b), Some(a)))
        }))
        .collect();
    let mut out = Vec::new();
    for (bi, name_i) in before.labels.iter().enumerate() {
        let Some(ai) = after.group_index(name_i) else { continue };
        for (bj, name_j) in before.labels.iter().enumerate().skip(bi + 1) {
            let Some(aj) = after.group_index(name_j) else { continue };
            for &(topic, tb, ta) in &scopes {
                let (x, y) = (before.pair_with(bi, bj, tb, false), after.pair_with(ai, aj, ta, false));
                let (Some(bx), Some(ay)) = (x.value, y.value) else { continue };
                if (ay - bx).abs() <= EPS {
                    continue;
                }
                let earlier = before.pair(bi, bj, tb);
                let (first, second) = if name_i < name_j { (name_i, name_j) } else { (name_j, name_i) };
                out.push(AgreementChange {
                    topic: topic.map(str::to_string),
                    a: first.clone(),
                    b: second.clone(),
                    before: bx,
                    after: ay,
                    delta: ay - bx,
                    margin: earlier.low.zip(earlier.high).map(|(lo, hi)| (hi - lo) / 2.0),
                    detail: SharedTopics {
                        shared_topics_before: x.shared_topics,
                        shared_topics_after: y.shared_topics,
                    },
                });
            }
        }
    }
    out.sort_by(|p, q| {
        q.delta.abs().total_cmp(&p.delta.abs()).then_with(|| (&p.topic, &p.a, &p.b).cmp(&(&q.topic, &q.a, &q.b)))
    });
    out
}

/// Agreement on a topic two groups address together for the first time (one of them entered it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementEntered {
    pub topic: String,
    pub a: String,
    pub b: String,
    #[serde(flatten)]
    pub agreement: Agreement,
}

/// Every (topic, pair) with an agreement in `after` but none in `before` (a side had no passage
/// on the topic, or was not there), by topic, then most agreeing first, then names; intervals
/// from `after`'s bootstrap.
pub fn entered(before: &Positions, after: &Positions) -> Vec<AgreementEntered> {
    let mut out = Vec::new();
    for (ta, topic) in after.topics.iter().enumerate() {
        let tb = before.topic_index(topic);
        let mut found = Vec::new();
        for i in 0..after.labels.len() {
            for j in i + 1..after.labels.len() {
                let (Some(_), Some(_)) = (after.cells[ta][i], after.cells[ta][j]) else { continue };
                let was = tb.zip(before.group_index(&after.labels[i])).zip(before.group_index(&after.labels[j]));
                if let Some(((tb, bi), bj)) = was {
                    if before.cells[tb][bi].is_some() && before.cells[tb][bj].is_some() {
                        continue;
                    }
                }
                let (a, b) = (&after.labels[i], &after.labels[j]);
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                found.push(AgreementEntered {
                    topic: topic.clone(),
                    a: a.clone(),
                    b: b.clone(),
                    agreement: after.pair(i, j, Some(ta)),
                });
            }
        }
        found.sort_by(|p, q| {
            let v = |x: &AgreementEntered| x.agreement.value.unwrap_or_default();
            v(q).total_cmp(&v(p)).then_with(|| (&p.a, &p.b).cmp(&(&q.a, &q.b)))
        });
        out.extend(found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(counts: &[Vec<[usize; 3]>]) -> StanceTable {
        let groups = counts[0].len();
        StanceTable::from_counts(
            (0..groups).map(|g| format!("g{g}")).collect(),
            (0..counts.len()).map(|t| format!("t{t}")).collect(),
            &counts.iter().map(|row| row.iter().map(|&c| c.into()).collect()).collect::<Vec<_>>(),
        )
    }

    fn params(draws: usize) -> SimilarityParams {
        SimilarityParams { draws, seed: 4, min_passages: 3 }
    }

    #[test]
    fn positions_shrink_net_stance_by_decisive_passages() {
        assert_eq!(position([0, 0, 0].into()), None);
        assert_eq!(position([0, 0, 4].into()), Some(0.0));
        assert!((position([1, 0, 0].into()).unwrap() - 1.0 / 3.0).abs() < 1e-12, "one passage is not certainty");
        assert!((position([8, 0, 0].into()).unwrap() - 0.8).abs() < 1e-12);
        // net 0.5 (3 support, 1 oppose of 4), shrunk by 4/6.
        assert!((position([3, 1, 0].into()).unwrap() - 0.5 * 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(position([2, 5, 1].into()), position([5, 2, 1].into()).map(|p| -p));
        assert!(position([100, 0, 0].into()).unwrap() < 1.0 && position([100, 0, 0].into()).unwrap() > 0.98);
    }

    #[test]
    fn agreement_on_a_topic_and_over_the_topics_both_address() {
        // t0: g0 supports, g1 opposes, g2 supports; t1: g0 and g1 support, g2 silent.
        let t = table(&[vec![[6, 0, 0], [0, 6, 0], [6, 0, 0]], vec![[3, 0, 0], [3, 0, 0], [0, 0, 0]]]);
        let p = Positions::new(&t, &params(0));
        let pos = 0.75; // 6/8
        assert!((p.cells[0][0].unwrap().value - pos).abs() < 1e-12);
        assert_eq!(p.pair(0, 1, Some(0)).value, Some(agreement(pos, -pos)));
        assert_eq!(p.pair(0, 2, Some(0)).value, Some(1.0));
        assert_eq!(p.pair(0, 2, Some(1)), Agreement { value: None, low: None, high: None, shared_topics: 0 });
        // Over all: t0 weighs 6 (harmonic mean of 6 and 6), t1 weighs 3.
        let all = p.pair(0, 1, None);
        assert_eq!(all.shared_topics, 2);
        let expected = (6.0 * agreement(pos, -pos) + 3.0 * 1.0) / 9.0;
        assert!((all.value.unwrap() - expected).abs() < 1e-12);
        let m = p.matrix(None);
        assert_eq!(m.matrix[1][0], m.matrix[0][1]);
        assert_eq!((m.matrix[2][2], m.shared_topics[0][2], m.n_passages[2]), (Some(1.0), 1, 6));
        assert_eq!(p.matrix(Some(1)).matrix[0][2], None, "no shared topic: empty, not 0");
    }

    #[test]
    fn intervals_come_from_the_same_seeded_draws() {
        let t = table(&[vec![[4, 2, 2], [1, 5, 2], [1, 1, 0]], vec![[2, 2, 1], [3, 0, 2], [0, 3, 0]]]);
        let (a, b) = (Positions::new(&t, &params(200)), Positions::new(&t, &params(200)));
        let p = a.cells[0][0].unwrap();
        let (lo, hi) = (p.low.unwrap(), p.high.unwrap());
        assert!(lo <= p.value && p.value <= hi && lo < hi, "{lo} {} {hi}", p.value);
        assert_eq!(a.cells, b.cells);
        assert_eq!(a.cells[0][2].unwrap().low, None, "2 passages: no interval");
        for topic in [Some(0), None] {
            let (x, y) = (a.pair(0, 1, topic), b.pair(0, 1, topic));
            assert_eq!(x, y);
            let (lo, v, hi) = (x.low.unwrap(), x.value.unwrap(), x.high.unwrap());
            assert!(lo <= v && v <= hi && lo < hi && (0.0..=1.0).contains(&lo) && hi <= 1.0, "{lo} {v} {hi}");
        }
        assert_eq!(a.pair(0, 2, Some(0)).low, None, "one side too thin on the topic");
        assert!(a.pair(0, 2, None).low.is_some(), "5 passages over the shared topics");
    }

    #[test]
    fn moves_between_two_states_are_listed_with_the_earlier_margin() {
        // g1 turns from opposing t0 to a balanced stance: it agrees more with g0, on t0 and overall.
        let before = table(&[vec![[6, 0, 0], [0, 6, 0], [1, 0, 0]], vec![[3, 0, 0], [3, 0, 0], [0, 0, 0]]]);
        let after = table(&[vec![[6, 0, 0], [6, 6, 0], [1, 0, 0]], vec![[3, 0, 0], [3, 0, 0], [0, 0, 0]]]);
        let (b, a) = (Positions::new(&before, &params(100)), Positions::new(&after, &params(100)));
        let m = moves(&b, &a);
        let keys: Vec<(Option<&str>, &str, &str)> =
            m.iter().map(|c| (c.topic.as_deref(), c.a.as_str(), c.b.as_str())).collect();
        assert!(keys.contains(&(Some("t0"), "g0", "g1")) && keys.contains(&(None, "g0", "g1")), "{keys:?}");
        assert!(!keys.iter().any(|k| k.0 == Some("t1")), "t1 did not change");
        assert!(m.iter().all(|c| c.delta.abs() > 0.0) && m[0].delta.abs() >= m[1].delta.abs());
        let t0 = m.iter().find(|c| c.topic.as_deref() == Some("t0") && c.b == "g1" && c.a == "g0").unwrap();
        assert!((t0.delta - 0.375).abs() < 1e-12 && t0.beyond_margin(), "0.25 → 0.625: {t0:?}");
        let thin = m.iter().find(|c| c.topic.as_deref() == Some("t0") && c.b == "g2" && c.a == "g1").unwrap();
        assert_eq!(thin.margin, None, "g2 has one passage: no interval, no margin");
        assert!(moves(&b, &b).is_empty());
        assert!(entered(&b, &a).is_empty(), "no pair shares a topic for the first time");
        // g2 enters t1, where g0 and g1 both support.
        let later = table(&[vec![[6, 0, 0], [6, 6, 0], [1, 0, 0]], vec![[3, 0, 0], [3, 0, 0], [0, 3, 0]]]);
        let e = entered(&a, &Positions::new(&later, &params(50)));
        let pairs: Vec<(&str, &str, &str)> = e.iter().map(|x| (x.topic.as_str(), x.a.as_str(), x.b.as_str())).collect();
        assert_eq!(pairs, [("t1", "g0", "g2"), ("t1", "g1", "g2")]);
        assert!(e[0].agreement.value.unwrap() < 0.5, "g2 opposes what the others support");
    }
}
