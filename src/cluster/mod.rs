//! K-means on the reduced passage vectors: Lloyd iterations from our own seeded k-means++
//! centroids, best of `n_init` starts by inertia, clusters relabelled canonically.
//!
//! Why not linfa's `KMeans` loop (it was used until issue 7; numbers in `docs/performance.md`):
//! linfa 0.8 updates centroids "m_k-means" style (the old centroid counts as one more member),
//! which is not scikit-learn's Lloyd step and needs many more iterations on LSA vectors, and it
//! measures every row × centroid distance. Here Elkan's bounds skip the distances that cannot
//! change an assignment, the cluster sums follow the rows that moved, and the stopping rule is
//! scikit-learn's (labels unchanged, or total squared centroid shift ≤ 1e-4 × mean feature
//! variance): 6.1 s → 1.05 s on the 50 MB corpus.
//!
//! Determinism: the k-means++ draws come from one ChaCha8 stream; rows are processed in
//! fixed-size blocks, each by one thread, and their changes are applied in row order, so the
//! same seed gives the same bits whatever the thread count.

pub mod positions;

use crate::reduce::array_serde;
use crate::{Error, Result};
use ndarray::{Array2, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// `k` clusters, `seed` for the k-means++ starts, at most `max_iter` Lloyd iterations per start,
/// best of `n_init` starts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterParams {
    pub k: usize,
    pub seed: u64,
    pub max_iter: usize,
    pub n_init: usize,
}

impl Default for ClusterParams {
    /// As the scikit-learn reference pipeline: k = 20, 3 starts, 300 iterations.
    fn default() -> Self {
        ClusterParams { k: 20, seed: 0, max_iter: 300, n_init: 3 }
    }
}

/// Fitted clusters. Label 0 is the largest cluster (ties: the one holding the earliest row), so
/// labels do not depend on the order the algorithm happened to find clusters in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clusters {
    #[serde(with = "array_serde")]
    pub centroids: Array2<f32>,
    pub labels: Vec<usize>,
    /// Sum of squared distances of the rows to their centroid.
    pub inertia: f64,
}

impl ClusterParams {
    /// Clusters the rows of `x`; k is clamped to the number of rows.
    pub fn fit(&self, x: &Array2<f32>) -> Result<Clusters> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(Error::data(format!("cannot cluster an empty {} × {} matrix", x.nrows(), x.ncols())));
        }
        if self.k == 0 || self.n_init == 0 || self.max_iter == 0 {
            return Err(Error::usage(format!(
                "k-means needs k, n_init and max_iter >= 1 (got k = {}, n_init = {}, max_iter = {})",
                self.k, self.n_init, self.max_iter
            )));
        }
        if let Some(i) = x.rows().into_iter().position(|r| r.iter().any(|v| !v.is_finite())) {
            return Err(Error::data(format!("row {i} of the reduced vectors is not finite; cannot cluster it")));
        }
        let x = x.as_standard_layout();
        let k = self.k.min(x.nrows());
        let tolerance = sklearn_tolerance(x.view());
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut best: Option<Clusters> = None;
        for _ in 0..self.n_init {
            let start = kmeans_plus_plus(x.view(), k, &mut rng);
            let centroids = lloyd(x.view(), start, self.max_iter, tolerance);
            let (labels, inertia) = assign(x.view(), &centroids);
            if best.as_ref().is_none_or(|b| inertia < b.inertia) {
                best = Some(Clusters { centroids, labels, inertia });
            }
        }
        let best = best.ok_or_else(|| Error::data("k-means produced no result"))?;
        Ok(canonical(best.centroids, best.labels, best.inertia))
    }
}

impl Clusters {
    /// Nearest centroid of each row (ties: the lower label).
    pub fn predict(&self, x: &Array2<f32>) -> Vec<usize> {
        assign(x.as_standard_layout().view(), &self.centroids).0
    }

    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.centroids.nrows()
    }
}

/// The linfa shape: `ClusterParams` is a linfa algorithm (`params.fit(&dataset)`), and the
/// fitted `Clusters` predicts like any linfa model, so the clustering plugs into linfa pipelines.
impl<T> linfa::traits::Fit<Array2<f32>, T, Error> for ClusterParams {
    type Object = Clusters;

    fn fit(&self, dataset: &linfa::DatasetBase<Array2<f32>, T>) -> Result<Clusters> {
        ClusterParams::fit(self, dataset.records())
    }
}

impl linfa::traits::PredictInplace<Array2<f32>, ndarray::Array1<usize>> for Clusters {
    fn predict_inplace(&self, x: &Array2<f32>, y: &mut ndarray::Array1<usize>) {
        for (slot, label) in y.iter_mut().zip(self.predict(x)) {
            *slot = label;
        }
    }

    fn default_target(&self, x: &Array2<f32>) -> ndarray::Array1<usize> {
        ndarray::Array1::zeros(x.nrows())
    }
}

/// scikit-learn's stopping threshold: 1e-4 × the mean variance of the features, compared with
/// the total squared centroid shift of an iteration.
fn sklearn_tolerance(x: ArrayView2<f32>) -> f64 {
    let n = x.nrows() as f64;
    let mean_var = x
        .axis_iter(Axis(1))
        .map(|c| {
            let mean = c.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            c.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n
        })
        .sum::<f64>()
        / x.ncols() as f64;
    1e-4 * mean_var
}

/// Rows per block of the parallel passes; fixed, so results do not depend on the thread count.
const BLOCK: usize = 2048;

/// Label of a row before its first assignment.
const NONE: u32 = u32::MAX;

/// Lloyd iterations from `centroids` until the labels stop changing, the total squared centroid
/// shift falls to `tolerance`, or `max_iter`, with Elkan's (2003) bounds: per row an upper bound
/// on the distance to its centroid and a lower bound on the distance to each other centroid,
/// moved by how far the centroids move. A centroid is only measured against a row when the
/// bounds (or half the distance between the two centroids) cannot rule it out, which after the
/// first iterations is rare; and the cluster sums are updated with the rows that changed
/// cluster only, so late iterations barely touch `x`. An emptied cluster is moved to the row
/// farthest from its centroid (as scikit-learn does), so k clusters survive. `x` must be
/// row-major.
fn lloyd(x: ArrayView2<f32>, mut centroids: Array2<f32>, max_iter: usize, tolerance: f64) -> Array2<f32> {
    let (k, d) = centroids.dim();
    let (xs, _) = rows(x);
    let row = |i: usize| &xs[i * d..(i + 1) * d];
    let mut labels = vec![NONE; x.nrows()];
    let mut upper = vec![f32::INFINITY; x.nrows()];
    let mut lower = vec![0f32; x.nrows() * k];
    let (mut sums, mut counts) = (vec![0f64; k * d], vec![0usize; k]);
    for _ in 0..max_iter {
        let cs = centroids.as_slice().unwrap_or_default();
        let c = |j: usize| &cs[j * d..(j + 1) * d];
        // Half the distances between centroids: a row within half_cc[a][j] of its centroid a is
        // closer to a than to j.
        let half_cc: Vec<f32> = (0..k * k).map(|p| 0.5 * sq_dist(c(p / k), c(p % k)).sqrt()).collect();
        let half_gap: Vec<f32> = (0..k)
            .map(|a| (0..k).filter(|&j| j != a).map(|j| half_cc[a * k + j]).fold(f32::INFINITY, f32::min))
            .collect();
        // Assignment, in parallel blocks; each block lists its rows that changed cluster.
        let changes: Vec<Vec<(u32, u32, u32)>> = labels
            .par_chunks_mut(BLOCK)
            .zip(upper.par_chunks_mut(BLOCK))
            .zip(lower.par_chunks_mut(BLOCK * k))
            .enumerate()
            .map(|(blk, ((labels, upper), lower))| {
                let mut changes = Vec::new();
                for (r, ((label, u), low)) in
                    labels.iter_mut().zip(upper.iter_mut()).zip(lower.chunks_mut(k)).enumerate()
                {
                    let i = blk * BLOCK + r;
                    let before = *label;
                    let mut a = before as usize;
                    let mut tight = before == NONE;
                    if tight {
                        // First assignment: measure every centroid.
                        for (j, l) in low.iter_mut().enumerate() {
                            *l = sq_dist(row(i), c(j)).sqrt();
                            if *l < *u {
                                (a, *u) = (j, *l);
                            }
                        }
                    } else if *u > half_gap[a] {
                        for j in 0..k {
                            if j == a || *u <= low[j] || *u <= half_cc[a * k + j] {
                                continue;
                            }
                            if !tight {
                                *u = sq_dist(row(i), c(a)).sqrt();
                                low[a] = *u;
                                tight = true;
                                if *u <= low[j] || *u <= half_cc[a * k + j] {
                                    continue;
                                }
                            }
                            low[j] = sq_dist(row(i), c(j)).sqrt();
                            if low[j] < *u {
                                (a, *u) = (j, low[j]);
                            }
                        }
                    }
                    if a as u32 != before {
                        *label = a as u32;
                        changes.push((i as u32, before, a as u32));
                    }
                }
                changes
            })
            .collect();
        // Sums and counts follow the moves, in row order (deterministic).
        let mut changed = 0;
        for &(i, from, to) in changes.iter().flatten() {
            let r = row(i as usize);
            if from != NONE {
                let f = from as usize;
                counts[f] -= 1;
                sums[f * d..(f + 1) * d].iter_mut().zip(r).for_each(|(s, &v)| *s -= f64::from(v));
            }
            let t = to as usize;
            counts[t] += 1;
            sums[t * d..(t + 1) * d].iter_mut().zip(r).for_each(|(s, &v)| *s += f64::from(v));
            changed += 1;
        }
        let mut next = Array2::<f32>::zeros((k, d));
        let mut far = farthest_first(x, &centroids, &labels, &counts).into_iter();
        for (j, mut out) in next.rows_mut().into_iter().enumerate() {
            if counts[j] > 0 {
                out.iter_mut().zip(&sums[j * d..(j + 1) * d]).for_each(|(o, &s)| *o = (s / counts[j] as f64) as f32);
            } else if let Some(i) = far.next() {
                out.assign(&x.row(i));
            }
        }
        let ns = next.as_slice().unwrap_or_default();
        let moved: Vec<f32> = (0..k).map(|j| sq_dist(c(j), &ns[j * d..(j + 1) * d]).sqrt()).collect();
        let shift: f64 = moved.iter().map(|&m| f64::from(m) * f64::from(m)).sum();
        // The bounds follow the centroids.
        upper.par_iter_mut().zip(&labels).for_each(|(u, &l)| *u += moved[l as usize]);
        lower.par_chunks_mut(k).for_each(|low| low.iter_mut().zip(&moved).for_each(|(l, m)| *l = (*l - m).max(0.0)));
        centroids = next;
        if changed == 0 || shift <= tolerance {
            break;
        }
    }
    centroids
}

/// Rows by decreasing distance to their centroid (ties: lower index), to re-seed emptied
/// clusters; empty unless some cluster is empty.
fn farthest_first(x: ArrayView2<f32>, centroids: &Array2<f32>, labels: &[u32], counts: &[usize]) -> Vec<usize> {
    if !counts.contains(&0) {
        return Vec::new();
    }
    let dist: Vec<f32> = x
        .rows()
        .into_iter()
        .zip(labels)
        .map(|(r, &l)| (&r - &centroids.row(l as usize)).mapv(|v| v * v).sum())
        .collect();
    let mut order: Vec<usize> = (0..x.nrows()).collect();
    order.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
    order
}

/// Squared Euclidean distance, with 8 independent partial sums so the loop vectorises (the
/// summation order is fixed, so results stay deterministic).
fn sq_dist(a: &[f32], b: &[f32]) -> f32 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| (x - y) * (x - y)).sum();
    let mut acc = [0f32; 8];
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += (x[i] - y[i]) * (x[i] - y[i]);
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Rows of a row-major matrix as one slice.
fn rows<'a>(x: ArrayView2<'a, f32>) -> (&'a [f32], usize) {
    (x.to_slice().unwrap_or_default(), x.ncols().max(1))
}

/// Nearest centroid per row by exact distances (parallel, per row; ties: the lower index) and the
/// inertia (sequential sum in row order). `x` must be row-major.
fn assign(x: ArrayView2<f32>, centroids: &Array2<f32>) -> (Vec<usize>, f64) {
    let centroids = centroids.as_standard_layout();
    let ((xs, d), (cs, _)) = (rows(x), rows(centroids.view()));
    let nearest: Vec<(usize, f32)> = xs
        .par_chunks(d)
        .map(|row| {
            cs.chunks(d).map(|c| sq_dist(row, c)).enumerate().fold((0, f32::INFINITY), |best, (j, dist)| {
                if dist < best.1 {
                    (j, dist)
                } else {
                    best
                }
            })
        })
        .collect();
    let inertia = nearest.iter().map(|&(_, dist)| f64::from(dist)).sum();
    (nearest.into_iter().map(|(j, _)| j).collect(), inertia)
}

/// Greedy k-means++ (as scikit-learn): each new centre is the best of 2 + ln k candidates drawn
/// with probability ∝ squared distance to the nearest centre chosen so far. `x` must be row-major.
fn kmeans_plus_plus(x: ArrayView2<f32>, k: usize, rng: &mut ChaCha8Rng) -> Array2<f32> {
    let n = x.nrows();
    let trials = 2 + (k as f64).ln() as usize;
    let (xs, dim) = rows(x);
    let dists_to = |c: usize, closest: &[f64]| -> Vec<f64> {
        let centre = &xs[c * dim..(c + 1) * dim];
        xs.par_chunks(dim).zip(closest).map(|(row, &d)| d.min(f64::from(sq_dist(row, centre)))).collect()
    };
    let mut chosen = vec![rng.gen_range(0..n)];
    let mut closest = dists_to(chosen[0], &vec![f64::INFINITY; n]);
    while chosen.len() < k {
        let cumulative: Vec<f64> = closest
            .iter()
            .scan(0.0, |s, &d| {
                *s += d;
                Some(*s)
            })
            .collect();
        let total = cumulative[n - 1];
        let candidates: Vec<usize> = (0..trials)
            .map(|_| {
                if total > 0.0 {
                    let r = rng.gen::<f64>() * total;
                    cumulative.partition_point(|&c| c <= r).min(n - 1)
                } else {
                    rng.gen_range(0..n) // all rows coincide with a centre: any row will do
                }
            })
            .collect();
        // One pass over x for all candidates: row i's new distance to its nearest centre if
        // each candidate were added (trials values per row).
        let with: Vec<f64> = xs
            .par_chunks(dim)
            .zip(&closest)
            .flat_map_iter(|(row, &d)| {
                candidates.iter().map(move |&c| d.min(f64::from(sq_dist(row, &xs[c * dim..(c + 1) * dim]))))
            })
            .collect();
        // The candidate that lowers the potential most (sums in row order; first on ties).
        let mut best: Option<(f64, usize)> = None;
        for t in 0..trials {
            let potential: f64 = with.iter().skip(t).step_by(trials).sum();
            if best.is_none_or(|b| potential < b.0) {
                best = Some((potential, t));
            }
        }
        if let Some((_, t)) = best {
            chosen.push(candidates[t]);
            closest = with.iter().skip(t).step_by(trials).copied().collect();
        }
    }
    x.select(Axis(0), &chosen)
}

/// The `k` labels by cluster size (descending), then by the first row in the cluster: the
/// canonical order, so labels do not depend on the order an algorithm found the clusters in.
pub(crate) fn size_order(labels: &[usize], k: usize) -> Vec<usize> {
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in labels.iter().enumerate() {
        size[l] += 1;
        first[l] = first[l].min(i);
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(size[c]), first[c], c));
    order
}

/// Relabels by cluster size (descending), then by the first row in the cluster.
fn canonical(centroids: Array2<f32>, labels: Vec<usize>, inertia: f64) -> Clusters {
    let k = centroids.nrows();
    let order = size_order(&labels, k);
    let mut new_label = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        new_label[old] = new;
    }
    Clusters {
        centroids: centroids.select(Axis(0), &order),
        labels: labels.into_iter().map(|l| new_label[l]).collect(),
        inertia,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blob of row i: 2 for i % 5 == 0 (20 rows, holds row 0), 1 for i % 5 in {1, 2} (40 rows,
    /// first at row 1), 0 otherwise (40 rows, first at row 3).
    fn blob(i: usize) -> usize {
        [2, 1, 1, 0, 0][i % 5]
    }

    /// Well-separated blobs in 5 dimensions around 5·e_blob.
    fn blobs() -> Array2<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        Array2::from_shape_fn((100, 5), |(i, d)| if d == blob(i) { 5.0 } else { 0.0 } + rng.gen_range(-0.5..0.5))
    }

    #[test]
    fn finds_blobs_with_canonical_labels() {
        let x = blobs();
        let c = ClusterParams { k: 3, ..Default::default() }.fit(&x).unwrap();
        // Sizes 40, 40, 20: the tie is broken by the first row (blob 1 starts at row 1, blob 0 at 3).
        for (i, &l) in c.labels.iter().enumerate() {
            assert_eq!(l, [1, 0, 2][blob(i)], "row {i}");
        }
        assert_eq!(c.predict(&x), c.labels);
        let dist = |i: usize| sq_dist(x.row(i).as_slice().unwrap(), c.centroids.row(c.labels[i]).as_slice().unwrap());
        let inertia: f64 = (0..100).map(|i| f64::from(dist(i))).sum();
        assert!((inertia - c.inertia).abs() < 1e-6);
    }

    #[test]
    fn same_seed_same_bits_whatever_the_thread_count() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let x = Array2::from_shape_fn((500, 8), |_| rng.gen::<f32>());
        let p = ClusterParams { k: 6, ..Default::default() };
        let a = p.fit(&x).unwrap();
        let b = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| p.fit(&x).unwrap());
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&p.fit(&x).unwrap()).unwrap());
    }

    #[test]
    fn elkan_bounds_give_plain_lloyd_results() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let x = Array2::from_shape_fn((3000, 12), |(i, d)| (i % 7 == d % 7) as u8 as f32 + rng.gen::<f32>());
        let start = x.select(Axis(0), &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
        // Plain Lloyd: assign every row, move every centroid to its members' mean, until stable.
        let mut plain = start.clone();
        let mut labels = Vec::new();
        loop {
            let (next, _) = assign(x.view(), &plain);
            if next == labels {
                break;
            }
            labels = next;
            for (j, mut c) in plain.rows_mut().into_iter().enumerate() {
                let members: Vec<usize> = (0..x.nrows()).filter(|&i| labels[i] == j).collect();
                c.assign(&x.select(Axis(0), &members).mean_axis(Axis(0)).unwrap());
            }
        }
        let fast = lloyd(x.view(), start, 300, 0.0);
        assert_eq!(assign(x.view(), &fast).0, labels);
        assert!((&fast - &plain).iter().all(|d| d.abs() < 1e-4));
    }

    #[test]
    fn edge_cases() {
        // k larger than the number of rows is clamped; duplicate rows are fine.
        let x = ndarray::array![[1f32, 1.], [1., 1.], [0., 0.]];
        let c = ClusterParams { k: 10, ..Default::default() }.fit(&x).unwrap();
        assert_eq!(c.k(), 3);
        assert_eq!(c.labels.len(), 3);
        assert_eq!(c.labels[0], c.labels[1]);
        assert!(c.inertia.abs() < 1e-12);
        assert!(ClusterParams::default().fit(&Array2::zeros((0, 3))).is_err());
        assert!(ClusterParams { k: 0, ..Default::default() }.fit(&x).is_err());
        assert!(ClusterParams::default().fit(&ndarray::array![[f32::NAN, 1.]]).is_err());
    }

    #[test]
    fn works_as_a_linfa_algorithm() {
        use linfa::traits::{Fit, Predict};
        let x = ndarray::array![[0.0f32, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]];
        let params = ClusterParams { k: 2, ..Default::default() };
        let dataset = linfa::DatasetBase::from(x.clone());
        let fitted = Fit::<_, _, Error>::fit(&params, &dataset).unwrap();
        let labels: ndarray::Array1<usize> = Predict::predict(&fitted, &x);
        assert_eq!(labels.to_vec(), fitted.labels);
        assert_eq!(labels[0], labels[1]);
        assert_ne!(labels[0], labels[2]);
    }
}
