//! K-means on the reduced passage vectors: Lloyd iterations from our own seeded k-means++
//! centroids, best of `n_init` starts by inertia, clusters relabelled canonically.
//!
//! Why not linfa's `KMeans` loop (it was used until issue 7; numbers in `docs/performance.md`):
//! linfa 0.8 updates centroids "m_k-means" style (the old centroid counts as one more member),
//! which is not scikit-learn's Lloyd step and needs several times more iterations on LSA vectors, and
//! it measures every row × centroid distance one by one. Here the distances of a block of rows
//! to all centroids are one matrix product (`‖x‖² − 2x·c + ‖c‖²`), the assignment and the
//! centroid sums are fused in one parallel pass, and the stopping rule is scikit-learn's
//! (labels unchanged, or total squared centroid shift ≤ 1e-4 × mean feature variance).
//!
//! Determinism: the k-means++ draws come from one ChaCha8 stream; rows are processed in
//! fixed-size blocks, each by one thread, and the per-block sums are added in block order, so the
//! same seed gives the same bits whatever the thread count.

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
        if let Ok(p) = std::env::var("KM_DUMP") {
            let bytes: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
            std::fs::write(&p, bytes).unwrap();
            std::fs::write(format!("{p}.shape"), format!("{} {}", x.nrows(), x.ncols())).unwrap();
        }
        let k = self.k.min(x.nrows());
        let tolerance = sklearn_tolerance(x.view());
        let sq_norms: Vec<f32> = x.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut best: Option<Clusters> = None;
        for _ in 0..self.n_init {
            let t0 = std::time::Instant::now();
            let start = kmeans_plus_plus(x.view(), k, &mut rng);
            if std::env::var("KM_T").is_ok() { eprintln!("init {:.3}", t0.elapsed().as_secs_f64()); }
            let centroids = lloyd(x.view(), &sq_norms, start, self.max_iter, tolerance);
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

/// Rows per block of the parallel passes: a block × k distance matrix and its k × d sums stay in
/// cache; fixed, so results do not depend on the thread count.
const BLOCK: usize = 1024;

/// Lloyd iterations from `centroids` until the labels stop changing, the total squared centroid
/// shift falls to `tolerance`, or `max_iter`. An emptied cluster is moved to the row farthest from
/// its centroid (as scikit-learn does), so k clusters survive.
fn lloyd(x: ArrayView2<f32>, sq_norms: &[f32], mut centroids: Array2<f32>, max_iter: usize, tolerance: f64) -> Array2<f32> {
    let (k, d) = centroids.dim();
    let mut labels = vec![usize::MAX; x.nrows()];
    let t0 = std::time::Instant::now();
    for it in 0..max_iter {
        if std::env::var("KM_DEBUG").is_ok() { eprintln!("iter {it} {:.3}", t0.elapsed().as_secs_f64()); }
        let c_norms: Vec<f32> = centroids.rows().into_iter().map(|r| r.dot(&r)).collect();
        let ct = centroids.t();
        // One pass: nearest centroid per row (block × k distances as one product) and, per block,
        // the f64 sums and counts of the rows of each cluster.
        let blocks: Vec<(Vec<usize>, Vec<f32>, Array2<f64>, Vec<usize>)> = x
            .axis_chunks_iter(Axis(0), BLOCK)
            .into_par_iter()
            .zip(sq_norms.par_chunks(BLOCK))
            .map(|(rows, norms)| {
                let dots = rows.dot(&ct);
                let (mut lab, mut dist) = (Vec::with_capacity(rows.nrows()), Vec::with_capacity(rows.nrows()));
                let mut sums = Array2::<f64>::zeros((k, d));
                let mut counts = vec![0usize; k];
                let sum_rows = sums.as_slice_mut().unwrap_or_default();
                for ((row, dot), &xn) in rows.rows().into_iter().zip(dots.rows()).zip(norms) {
                    let (j, dj) = dot
                        .iter()
                        .zip(&c_norms)
                        .map(|(&p, &cn)| xn - 2.0 * p + cn)
                        .enumerate()
                        .fold((0, f32::INFINITY), |b, (j, v)| if v < b.1 { (j, v) } else { b });
                    lab.push(j);
                    dist.push(dj.max(0.0));
                    counts[j] += 1;
                    let row = row.to_slice().unwrap_or_default();
                    sum_rows[j * d..(j + 1) * d].iter_mut().zip(row).for_each(|(s, &v)| *s += f64::from(v));
                }
                (lab, dist, sums, counts)
            })
            .collect();
        let mut sums = Array2::<f64>::zeros((k, d));
        let mut counts = vec![0usize; k];
        let mut new_labels = Vec::with_capacity(x.nrows());
        let mut dists = Vec::with_capacity(x.nrows());
        for (lab, dist, s, c) in blocks {
            new_labels.extend(lab);
            dists.extend(dist);
            sums += &s;
            counts.iter_mut().zip(c).for_each(|(a, b)| *a += b);
        }
        // Rows by decreasing distance to their centroid (ties: lower index), for emptied clusters.
        let mut far = Vec::new();
        if counts.contains(&0) {
            far.extend(0..x.nrows());
            far.sort_by(|&a, &b| dists[b].total_cmp(&dists[a]).then(a.cmp(&b)));
        }
        let mut far = far.into_iter();
        let mut next = Array2::<f32>::zeros((k, d));
        for (c, mut row) in next.rows_mut().into_iter().enumerate() {
            if counts[c] > 0 {
                row.zip_mut_with(&sums.row(c), |r, &s| *r = (s / counts[c] as f64) as f32);
            } else if let Some(i) = far.next() {
                row.assign(&x.row(i));
            }
        }
        let shift: f64 = (&next - &centroids).iter().map(|&v| f64::from(v) * f64::from(v)).sum();
        centroids = next;
        if new_labels == labels || shift <= tolerance {
            break;
        }
        labels = new_labels;
    }
    centroids
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
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let candidate = if total > 0.0 {
                let r = rng.gen::<f64>() * total;
                cumulative.partition_point(|&c| c <= r).min(n - 1)
            } else {
                rng.gen_range(0..n) // all rows coincide with a centre: any row will do
            };
            let d = dists_to(candidate, &closest);
            let potential: f64 = d.iter().sum();
            if best.as_ref().is_none_or(|b| potential < b.0) {
                best = Some((potential, candidate, d));
            }
        }
        if let Some((_, c, d)) = best {
            chosen.push(c);
            closest = d;
        }
    }
    x.select(Axis(0), &chosen)
}

/// Relabels by cluster size (descending), then by the first row in the cluster.
fn canonical(centroids: Array2<f32>, labels: Vec<usize>, inertia: f64) -> Clusters {
    let k = centroids.nrows();
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in labels.iter().enumerate() {
        size[l] += 1;
        first[l] = first[l].min(i);
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(size[c]), first[c], c));
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
    #[ignore]
    fn bench_dump() {
        let p = std::env::var("KM_LOAD").unwrap();
        let shape = std::fs::read_to_string(format!("{p}.shape")).unwrap();
        let v: Vec<usize> = shape.split(' ').map(|s| s.parse().unwrap()).collect();
        let bytes = std::fs::read(&p).unwrap();
        let data: Vec<f32> = bytes.chunks(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let x = Array2::from_shape_vec((v[0], v[1]), data).unwrap();
        let t = std::time::Instant::now();
        let c = ClusterParams::default().fit(&x).unwrap();
        println!("fit {:.3}s inertia {}", t.elapsed().as_secs_f64(), c.inertia);
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
}
