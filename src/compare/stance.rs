//! Stance of a group (issuer, bloc) toward a topic's proposition, from its passages' stances.
//!
//! A group's figures are the shares of its passages on the topic that support, oppose or are
//! neutral, and the **net support** `support share − oppose share` (in [−1, 1]). Each comes with
//! a 95 % bootstrap interval (passages resampled with replacement within the group, seeded), so
//! an analyst sees how much a figure rests on: with fewer than `min_passages` passages there is
//! no interval ("n too small"). The group's **call** is the stance of the majority of its
//! decisive (support / oppose) passages; balanced or none decisive → neutral, the same rule as
//! for a single passage's cues.

use serde::Serialize;

use super::bootstrap::{interval95, resample};
use super::SimilarityParams;
use crate::topics::{Stance, StanceCounts};

/// A share (or net share) with its 95 % bootstrap interval; no interval when n is too small.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// How a group stands on one topic. With no passage (`n == 0`) every figure is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StanceSummary {
    /// Passages of the group on the topic.
    pub n: usize,
    /// Majority of the decisive passages; neutral when balanced or none is decisive.
    pub call: Option<Stance>,
    pub support: Option<Share>,
    pub oppose: Option<Share>,
    pub neutral: Option<Share>,
    /// Support share minus oppose share, in [−1, 1].
    pub net: Option<Share>,
}

/// (support, oppose, neutral, net) shares of counts over `n` passages.
fn figures(c: StanceCounts, n: usize) -> [f64; 4] {
    let n = n as f64;
    let (s, o, u) = (c.support() as f64 / n, c.oppose() as f64 / n, c.neutral() as f64 / n);
    [s, o, u, s - o]
}

/// Summarises the stances of one group's passages on one topic (see the module doc).
pub fn summarize(stances: &[Stance], params: &SimilarityParams) -> StanceSummary {
    let n = stances.len();
    if n == 0 {
        return StanceSummary { n, call: None, support: None, oppose: None, neutral: None, net: None };
    }
    let c: StanceCounts = stances.iter().collect();
    let point = figures(c, n);
    let mut draws: [Vec<f64>; 4] = Default::default();
    if n >= params.min_passages.max(1) {
        let all = [(0..n).collect::<Vec<usize>>()];
        for f in resample(&all, params.draws, params.seed, |r| figures(r[0].iter().map(|&i| stances[i]).collect(), n)) {
            for (d, v) in draws.iter_mut().zip(f) {
                d.push(v);
            }
        }
    }
    let mut share = |k: usize| {
        let ci = interval95(&mut draws[k]);
        Some(Share { value: point[k], low: ci.map(|c| c.0), high: ci.map(|c| c.1) })
    };
    StanceSummary { n, call: Some(c.call()), support: share(0), oppose: share(1), neutral: share(2), net: share(3) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stance::*;

    fn params(min: usize) -> SimilarityParams {
        SimilarityParams { draws: 200, seed: 3, min_passages: min }
    }

    #[test]
    fn shares_call_and_net() {
        let s = summarize(&[Oppose, Oppose, Neutral, Support, Oppose], &params(3));
        assert_eq!(s.n, 5);
        assert_eq!(s.call, Some(Oppose));
        assert_eq!(s.oppose.unwrap().value, 0.6);
        assert_eq!(s.support.unwrap().value, 0.2);
        assert!((s.net.unwrap().value + 0.4).abs() < 1e-12);
        let net = s.net.unwrap();
        let (lo, hi) = (net.low.unwrap(), net.high.unwrap());
        assert!(lo <= net.value && net.value <= hi && lo < hi, "{lo} {hi}");
        assert!((-1.0..=1.0).contains(&lo) && (-1.0..=1.0).contains(&hi));
    }

    #[test]
    fn balanced_or_no_decisive_passage_is_neutral() {
        let call = |s: &[Stance]| s.iter().collect::<StanceCounts>().call();
        assert_eq!(call(&[Support, Oppose, Neutral]), Neutral);
        assert_eq!(call(&[Neutral, Neutral]), Neutral);
        assert_eq!(call(&[Support, Neutral, Neutral]), Support);
    }

    #[test]
    fn counts_are_indexed_by_stance_and_serialised_as_an_array() {
        let c: StanceCounts = [Oppose, Oppose, Neutral].into_iter().collect();
        assert_eq!((c[Support], c[Oppose], c[Neutral], c.total()), (0, 2, 1, 3));
        assert_eq!(c, StanceCounts::new(0, 2, 1));
        assert!(Stance::ALL.iter().enumerate().all(|(i, s)| s.index() == i));
        assert_eq!(c.iter().collect::<Vec<_>>(), [(Support, 0), (Oppose, 2), (Neutral, 1)]);
        assert_eq!(serde_json::to_string(&c).unwrap(), "[0,2,1]");
        assert_eq!(serde_json::from_str::<StanceCounts>("[0,2,1]").unwrap(), c);
    }

    #[test]
    fn too_few_passages_have_no_interval_and_none_have_no_figures() {
        let s = summarize(&[Support, Support], &params(3));
        assert_eq!(s.support.unwrap().value, 1.0);
        assert_eq!(s.support.unwrap().low, None, "n < min_passages: no interval");
        let empty = summarize(&[], &params(3));
        assert_eq!((empty.n, empty.call, empty.net), (0, None, None));
    }

    #[test]
    fn bootstrap_is_seeded() {
        let v = [Support, Oppose, Neutral, Support, Support, Oppose];
        assert_eq!(summarize(&v, &params(3)), summarize(&v, &params(3)));
        let unanimous = summarize(&[Support; 4], &params(3)).support.unwrap();
        assert_eq!((unanimous.low, unanimous.high), (Some(1.0), Some(1.0)));
    }
}
