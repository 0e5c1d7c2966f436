//! The one seeded bootstrap behind every interval (similarity, stance shares, positions,
//! agreement): passages are resampled with replacement within each stratum (a group, or a group
//! on one topic), keeping each stratum's size, and a statistic is recomputed on every draw.
//!
//! Draw `d` has its own random stream, derived from the seed and `d` only, so draws run in
//! parallel, come back in draw order, and the first draws do not depend on how many are asked
//! for. Same seed, same draws, same intervals.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::seed::{derive, Stream};

/// The random stream of draw `draw`.
pub(super) fn stream(seed: u64, draw: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(derive(seed, Stream::BootstrapDraw(draw as u64)))
}

/// Runs `statistic` on `draws` resamplings of `strata` (each stratum's rows drawn with
/// replacement, same size) and returns its values in draw order.
pub fn resample<T: Send>(
    strata: &[Vec<usize>],
    draws: usize,
    seed: u64,
    statistic: impl Fn(&[Vec<usize>]) -> T + Sync,
) -> Vec<T> {
    (0..draws)
        .into_par_iter()
        .map(|d| {
            let mut rng = stream(seed, d);
            let resampled: Vec<Vec<usize>> = strata
                .iter()
                .map(|rows| (0..rows.len()).map(|_| rows[rng.gen_range(0..rows.len())]).collect())
                .collect();
            statistic(&resampled)
        })
        .collect()
}

/// The 2.5th and 97.5th percentiles (linear interpolation) of `values`, sorted in place.
pub fn interval95(values: &mut [f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
    };
    Some((at(0.025), at(0.975)))
}

/// [`interval95`] re-centred on `estimate` (bootstrap bias correction) and clamped to
/// `lo..=hi`: for statistics that resampling pushes one way — a resampled mean repeats passages,
/// which lowers cosines; resampling noise widens the gap between two positions — the
/// percentiles are shifted by `mean(draws) − estimate`.
pub fn centred_interval95(values: &mut [f64], estimate: f64, lo: f64, hi: f64) -> Option<(f64, f64)> {
    let bias = values.iter().sum::<f64>() / values.len() as f64 - estimate;
    interval95(values).map(|(a, b)| ((a - bias).clamp(lo, hi), (b - bias).clamp(lo, hi)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_keep_strata_sizes_and_members_and_are_seeded() {
        let strata = vec![vec![3, 4, 5], vec![], vec![9]];
        let a = resample(&strata, 20, 5, |r| r.to_vec());
        assert_eq!(a, resample(&strata, 20, 5, |r| r.to_vec()));
        assert_eq!(a[..10], resample(&strata, 10, 5, |r| r.to_vec())[..], "draws do not depend on their number");
        assert_ne!(a, resample(&strata, 20, 6, |r| r.to_vec()));
        for r in &a {
            assert_eq!(r.iter().map(Vec::len).collect::<Vec<_>>(), [3, 0, 1]);
            assert!(r[0].iter().all(|x| (3..=5).contains(x)) && r[2] == [9]);
        }
    }

    #[test]
    fn percentiles_interpolate() {
        let mut v: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        assert_eq!(interval95(&mut v), Some((2.5, 97.5)));
        assert_eq!(interval95(&mut []), None);
        let mut biased = vec![0.5, 0.6, 0.7];
        let (lo, hi) = centred_interval95(&mut biased, 1.0, 0.0, 1.0).unwrap();
        assert!((lo - 0.905).abs() < 1e-12 && hi == 1.0, "shifted up by 0.4, clamped: {lo} {hi}");
        assert_eq!(centred_interval95(&mut [], 0.5, 0.0, 1.0), None);
    }
}
