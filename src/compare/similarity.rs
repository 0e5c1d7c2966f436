//! Similarity between groups of passages (issuers, blocs, documents).
//!
//! A group's position is the mean of its passages' L2-normalised vectors; the similarity of two
//! groups is the cosine of their mean vectors. Uncertainty comes from a bootstrap over passages
//! within each group: each draw resamples every group's passages with replacement, recomputes the
//! means and the cosines; the 2.5 and 97.5 percentiles of the draws bound the 95 % interval.

use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::bootstrap::{self, centred_interval95};
use crate::groups::{group_means, unit_rows, Grouping};

/// The `"measure"` of a cosine matrix in JSON: it measures shared vocabulary, not agreement.
pub const VOCABULARY_SIMILARITY: &str = "vocabulary_similarity";

/// Bootstrap settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimilarityParams {
    /// Bootstrap draws (0 = no intervals).
    pub draws: usize,
    pub seed: u64,
    /// A cell whose groups have fewer passages than this gets no interval ("n too small").
    pub min_passages: usize,
}

impl Default for SimilarityParams {
    fn default() -> Self {
        SimilarityParams { draws: 200, seed: 0, min_passages: 3 }
    }
}

/// A symmetric group × group similarity matrix. `None` = no passages (value) or too few
/// passages for an interval (low/high).
#[derive(Debug, Clone, Serialize)]
pub struct SimilarityMatrix {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<Option<f64>>>,
    pub low: Vec<Vec<Option<f64>>>,
    pub high: Vec<Vec<Option<f64>>>,
    pub n_passages: Vec<usize>,
}

impl SimilarityMatrix {
    /// Value at (i, j).
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        self.matrix[i][j]
    }
}

/// Cosine matrix of unit (or zero) mean vectors; `None` where a group has no passages.
fn cosines(means: &Array2<f64>, present: &[bool]) -> Vec<Vec<Option<f64>>> {
    let gram = means.dot(&means.t());
    (0..means.nrows())
        .map(|i| {
            (0..means.nrows())
                .map(|j| (present[i] && present[j]).then(|| if i == j { 1.0 } else { gram[[i, j]].clamp(-1.0, 1.0) }))
                .collect()
        })
        .collect()
}

/// Similarity of the groups of `grouping` over the passages in `selected` (indices into the
/// analysis' passages), with bootstrap intervals.
pub fn similarity(
    vectors: ArrayView2<f32>,
    grouping: &Grouping,
    selected: &[usize],
    params: &SimilarityParams,
) -> SimilarityMatrix {
    let n = grouping.labels.len();
    let mut members = vec![Vec::new(); n];
    for &p in selected {
        members[grouping.of[p]].push(p);
    }
    let counts: Vec<usize> = members.iter().map(Vec::len).collect();
    let present: Vec<bool> = counts.iter().map(|&c| c > 0).collect();
    let matrix = cosines(&group_means(vectors, &members), &present);

    let draws = draw_cosines(vectors, &members, &present, params);
    let enough = |i: usize| counts[i] >= params.min_passages.max(1);
    let mut low = vec![vec![None; n]; n];
    let mut high = vec![vec![None; n]; n];
    if !draws.is_empty() {
        for i in 0..n {
            for j in 0..n {
                let Some(value) = matrix[i][j] else { continue };
                if !(enough(i) && enough(j)) {
                    continue;
                }
                let mut values: Vec<f64> = draws.iter().filter_map(|m| m[i][j]).collect();
                // Resampled means repeat passages, which biases their cosines downwards: the
                // interval is re-centred on the estimate.
                if let Some((lo, hi)) = centred_interval95(&mut values, value, -1.0, 1.0) {
                    low[i][j] = Some(lo);
                    high[i][j] = Some(hi);
                }
            }
        }
    }
    SimilarityMatrix { labels: grouping.labels.clone(), matrix, low, high, n_passages: counts }
}

/// The similarity matrices of `params.draws` bootstrap draws: [`resample`] of the groups'
/// passages with the cosines of their means as statistic, computed group by group.
///
/// Each draw reads about as many rows as the scope holds, in random order: draw after draw, the
/// whole matrix streams through the cache (200 × 40 MB for the 50 MB corpus). Here a batch of
/// draws is advanced together one group at a time, and each group's rows are read as tiles of
/// [`TILE`] dimensions (a copy of the vectors laid out tile by tile, each group's rows
/// contiguous): a group's tile stays in the cache while every draw of the batch sums its
/// resampled rows into a few registers. Each draw keeps its own random stream, consumed in the
/// same order as [`resample`] (group after group, each stratum's positions in turn), and every
/// dimension adds the same values in the same order: the same numbers to the last bit as
/// `resample` with [`group_means`] (tested), whatever the batch size or the number of threads.
fn draw_cosines(
    vectors: ArrayView2<f32>,
    members: &[Vec<usize>],
    present: &[bool],
    params: &SimilarityParams,
) -> Vec<Vec<Vec<Option<f64>>>> {
    let k = vectors.ncols();
    let order: Vec<usize> = members.iter().flatten().copied().collect();
    let n = order.len();
    let tiles = k.div_ceil(TILE);
    // tiled[(t * n + i) * TILE + j] = dimension t * TILE + j of the i-th row in group order
    // (zero past k).
    let mut tiled = vec![0f32; tiles * n * TILE];
    for (i, &r) in order.iter().enumerate() {
        for (d, &x) in vectors.row(r).iter().enumerate() {
            tiled[((d / TILE) * n + i) * TILE + d % TILE] = x;
        }
    }
    let mut starts = Vec::with_capacity(members.len());
    let mut next = 0;
    for m in members {
        starts.push(next);
        next += m.len();
    }
    let batches: Vec<Vec<usize>> =
        (0..params.draws).collect::<Vec<_>>().chunks(DRAWS_PER_BATCH).map(<[usize]>::to_vec).collect();
    batches
        .into_par_iter()
        .flat_map_iter(|draws| {
            let mut rngs: Vec<_> = draws.iter().map(|&d| bootstrap::stream(params.seed, d)).collect();
            let mut means: Vec<Array2<f64>> = draws.iter().map(|_| Array2::zeros((members.len(), k))).collect();
            for (g, m) in members.iter().enumerate() {
                let picks: Vec<Vec<usize>> =
                    rngs.iter_mut().map(|rng| (0..m.len()).map(|_| rng.gen_range(0..m.len())).collect()).collect();
                for t in 0..tiles {
                    let tile = &tiled[(t * n + starts[g]) * TILE..(t * n + starts[g] + m.len()) * TILE];
                    let mut d = 0;
                    while d < picks.len() {
                        // Four draws at a time when there are four: independent sums, run side by side.
                        let sums: Vec<[f64; TILE]> = match picks[d..] {
                            [ref a, ref b, ref c, ref e, ..] => tile_sums(tile, [a, b, c, e]).to_vec(),
                            _ => tile_sums(tile, [&picks[d]]).to_vec(),
                        };
                        for (q, sum) in sums.iter().enumerate() {
                            for (j, &s) in sum.iter().enumerate().take(k - t * TILE) {
                                means[d + q][[g, t * TILE + j]] = s;
                            }
                        }
                        d += sums.len();
                    }
                }
            }
            means.into_iter().map(|mut mean| {
                unit_rows(&mut mean);
                cosines(&mean, present)
            })
        })
        .collect()
}

/// The sums of the rows `picks[q]` of `tile` (rows of [`TILE`] values), each in its picks'
/// order: `Q` draws at once, so that the CPU works on `Q` independent chains of additions.
fn tile_sums<const Q: usize>(tile: &[f32], picks: [&Vec<usize>; Q]) -> [[f64; TILE]; Q] {
    let mut sums = [[0f64; TILE]; Q];
    for i in 0..picks[0].len() {
        for (sum, p) in sums.iter_mut().zip(&picks) {
            let r = p[i] * TILE;
            for (a, &b) in sum.iter_mut().zip(&tile[r..r + TILE]) {
                *a += f64::from(b);
            }
        }
    }
    sums
}

/// Draws advanced together by [`draw_cosines`]: enough to reuse each tile many times, few
/// enough that the batches keep both cores busy (200 draws: 13 batches).
const DRAWS_PER_BATCH: usize = 16;

/// Dimensions summed together by [`draw_cosines`]: four sums stay in registers, and a group of
/// 17,000 passages (a bloc of the 50 MB corpus) is a 272 kB tile, which the cache holds.
const TILE: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::GroupBy;
    use ndarray::array;

    #[test]
    fn draws_by_group_are_the_resampled_means_to_the_last_bit() {
        use rand::SeedableRng;
        // Groups of uneven sizes (one empty), rows in scattered order, 37 draws (batches of 16
        // and a remainder).
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let v = Array2::from_shape_fn((60, 7), |_| rng.gen_range(-1.0f32..1.0));
        let of: Vec<usize> = (0..60).map(|i| [0, 1, 1, 3, 1, 0, 3, 3, 1][i % 9]).collect();
        let mut members = vec![Vec::new(); 4];
        for (p, &g) in of.iter().enumerate() {
            members[g].push(p);
        }
        let present: Vec<bool> = members.iter().map(|m| !m.is_empty()).collect();
        let params = SimilarityParams { draws: 37, seed: 11, ..Default::default() };
        let by_draw =
            bootstrap::resample(&members, params.draws, params.seed, |r| cosines(&group_means(v.view(), r), &present));
        assert_eq!(draw_cosines(v.view(), &members, &present, &params), by_draw);
        assert!(draw_cosines(v.view(), &members, &present, &SimilarityParams { draws: 0, ..params }).is_empty());
    }

    fn grouping(of: Vec<usize>, n: usize) -> Grouping {
        Grouping { by: GroupBy::Issuer, labels: (0..n).map(|i| format!("g{i}")).collect(), of }
    }

    #[test]
    fn cosine_of_mean_vectors_symmetric_unit_diagonal() {
        let v = array![[1.0f32, 0.0], [1.0, 0.0], [0.0, 1.0], [0.6, 0.8]];
        let g = grouping(vec![0, 0, 1, 2], 4);
        let m = similarity(v.view(), &g, &[0, 1, 2, 3], &SimilarityParams { draws: 50, ..Default::default() });
        assert_eq!(m.matrix[0][0], Some(1.0));
        assert!((m.matrix[0][1].unwrap()).abs() < 1e-12);
        assert!((m.matrix[0][2].unwrap() - 0.6).abs() < 1e-6);
        assert_eq!(m.matrix[0][2], m.matrix[2][0]);
        assert_eq!(m.matrix[3][0], None, "a group with no passages has no value");
        assert_eq!(m.n_passages, [2, 1, 1, 0]);
        assert_eq!(m.low[0][1], None, "too few passages: no interval");
    }

    #[test]
    fn bootstrap_interval_brackets_value_and_is_seeded() {
        let v = array![[1.0f32, 0.0], [0.8, 0.6], [0.6, 0.8], [0.0, 1.0], [0.28, 0.96], [0.96, 0.28]];
        let g = grouping(vec![0, 0, 0, 1, 1, 1], 2);
        let p = SimilarityParams { draws: 200, seed: 7, min_passages: 3 };
        let a = similarity(v.view(), &g, &[0, 1, 2, 3, 4, 5], &p);
        let b = similarity(v.view(), &g, &[0, 1, 2, 3, 4, 5], &p);
        let (lo, val, hi) = (a.low[0][1].unwrap(), a.matrix[0][1].unwrap(), a.high[0][1].unwrap());
        assert!(lo <= val && val <= hi && lo < hi, "{lo} {val} {hi}");
        assert_eq!(a.low, b.low);
        assert_eq!(a.high, b.high);
    }
}
