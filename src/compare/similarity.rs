//! Similarity between groups of passages (issuers, blocs, documents).
//!
//! A group's position is the mean of its passages' L2-normalised vectors; the similarity of two
//! groups is the cosine of their mean vectors. Uncertainty comes from a bootstrap over passages
//! within each group: each draw resamples every group's passages with replacement, recomputes the
//! means and the cosines; the 2.5 and 97.5 percentiles of the draws bound the 95 % interval.

use ndarray::{Array2, ArrayView2};
use serde::Serialize;

use super::bootstrap::{centred_interval95, resample};
use crate::groups::{group_means, Grouping};

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

    let draws =
        resample(&members, params.draws, params.seed, |resampled| cosines(&group_means(vectors, resampled), &present));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::GroupBy;
    use ndarray::array;

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
