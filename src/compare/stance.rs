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
use crate::topics::Stance;

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

/// (support, oppose, neutral) counts.
pub fn counts<'a>(stances: impl IntoIterator<Item = &'a Stance>) -> [usize; 3] {
    let mut c = [0; 3];
    for s in stances {
        c[match s {
            Stance::Support => 0,
            Stance::Oppose => 1,
            Stance::Neutral => 2,
        }] += 1;
    }
    c
}

/// (support, oppose, neutral, net) shares of counts over `n` passages.
fn figures(c: [usize; 3], n: usize) -> [f64; 4] {
    let n = n as f64;
    let (s, o, u) = (c[0] as f64 / n, c[1] as f64 / n, c[2] as f64 / n);
    [s, o, u, s - o]
}

/// The stance call from (support, oppose, neutral) counts.
pub fn call(c: [usize; 3]) -> Stance {
    match c[0].cmp(&c[1]) {
        std::cmp::Ordering::Greater => Stance::Support,
        std::cmp::Ordering::Less => Stance::Oppose,
        std::cmp::Ordering::Equal => Stance::Neutral,
    }
}

/// Summarises the stances of one group's passages on one topic (see the module doc).
pub fn summarize(stances: &[Stance], params: &SimilarityParams) -> StanceSummary {
    let n = stances.len();
    if n == 0 {
        return StanceSummary { n, call: None, support: None, oppose: None, neutral: None, net: None };
    }
    let c = counts(stances);
    let point = figures(c, n);
    let mut draws: [Vec<f64>; 4] = Default::default();
    if n >= params.min_passages.max(1) {
        let all = [(0..n).collect::<Vec<usize>>()];
        for f in resample(&all, params.draws, params.seed, |r| figures(counts(r[0].iter().map(|&i| &stances[i])), n)) {
            for (d, v) in draws.iter_mut().zip(f) {
                d.push(v);
            }
        }
    }
    let mut share = |k: usize| {
        let ci = interval95(&mut draws[k]);
        Some(Share { value: point[k], low: ci.map(|c| c.0), high: ci.map(|c| c.1) })
    };
    StanceSummary { n, call: Some(call(c)), support: share(0), oppose: share(1), neutral: share(2), net: share(3) }
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
        assert_eq!(call(counts(&[Support, Oppose, Neutral])), Neutral);
        assert_eq!(call(counts(&[Neutral, Neutral])), Neutral);
        assert_eq!(call(counts(&[Support, Neutral, Neutral])), Support);
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
