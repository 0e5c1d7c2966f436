//! Positions within one topic: linfa-clustering's `KMeans` over the passages that speak to the
//! topic, with k chosen from 1 to 5 by the silhouette (`linfa`'s `SilhouetteScore`).
//!
//! The rows are what `compare::clusters` builds: each passage's reduced (SVD) vector beside its
//! stance on the topic. This module only sees the matrix: `PositionParams` → `fit` →
//! [`PositionModel`], the linfa shape.
//!
//! **Why k-means and not `GaussianMixture`.** A topic has tens to a few thousand passages in
//! ~100 dimensions. linfa's Gaussian mixture fits full covariance matrices (d(d+1)/2 ≈ 5,000
//! parameters per component for d = 100): with fewer passages than that they are singular or
//! held up only by the regularisation, and BIC, which charges every parameter, then always
//! answers k = 1. K-means has k·d parameters, no covariance to estimate, and its clusters are
//! what a reader expects from "positions": groups of passages around a typical one.
//!
//! **How k is chosen.** For each k in 2..=`max_k` (and at most n / `min_size`) k-means is fitted
//! and scored by the mean silhouette (Rousseeuw 1987: for each passage, how much closer it is to
//! its own cluster than to the nearest other, in [−1, 1]). A k whose smallest cluster holds fewer
//! than `min_size` passages is not eligible (one outlier passage is not a position). The best
//! eligible k is kept if its silhouette reaches `min_silhouette`; otherwise the answer is k = 1,
//! one position (consensus, or no structure the data can show). The silhouette is computed on at
//! most `silhouette_sample` passages (a seeded sample above that), since it costs n² distances.
//!
//! **Determinism.** k-means++ starts draw from a ChaCha8 stream seeded with `seed` (the caller
//! derives it from the run's one seed, `seed::Stream::Positions`), one stream per k; linfa's
//! assignment step is parallel per row and its sums sequential, so the same seed gives the same
//! labels whatever the thread count. Labels are canonical: 0 is the largest cluster.

use linfa::metrics::SilhouetteScore;
use linfa::traits::{Fit, Predict};
use linfa::DatasetBase;
use linfa_clustering::KMeans;
use ndarray::{Array1, Array2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::size_order;
use crate::{Error, Result};

/// Largest k tried (and accepted with `k`).
pub const MAX_K: usize = 5;

/// Parameters of the per-topic position clustering (see the module doc for each rule).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionParams {
    /// A forced k (1..=[`MAX_K`]); `None`: chosen by the silhouette.
    pub k: Option<usize>,
    /// Largest k tried when choosing.
    pub max_k: usize,
    /// Silhouette a k ≥ 2 must reach, else k = 1. 0.25 is Kaufman & Rousseeuw's bound below which
    /// a partition shows "no substantial structure".
    pub min_silhouette: f64,
    /// Smallest cluster a chosen k may have, as a share of the passages (at least 2 passages).
    pub min_share: f64,
    /// k-means restarts per k (best inertia kept).
    pub n_runs: usize,
    /// Passages the silhouette is computed on, at most.
    pub silhouette_sample: usize,
    pub seed: u64,
}

impl Default for PositionParams {
    fn default() -> Self {
        PositionParams {
            k: None,
            max_k: MAX_K,
            min_silhouette: 0.25,
            min_share: 0.05,
            n_runs: 10,
            silhouette_sample: 1000,
            seed: 0,
        }
    }
}

/// The silhouette of one k tried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KScore {
    pub k: usize,
    pub silhouette: f64,
    /// Passages in the smallest cluster.
    pub smallest: usize,
    /// Smallest cluster large enough (see [`PositionParams::min_share`]).
    pub eligible: bool,
}

/// How k was decided. Names as in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KRule {
    /// Given by the user.
    Forced,
    /// The best eligible silhouette, at least `min_silhouette`.
    Silhouette,
    /// No k ≥ 2 reached `min_silhouette` (or none was eligible): one position.
    Consensus,
    /// Too few passages to try k = 2.
    TooFew,
}

impl KRule {
    pub fn as_str(self) -> &'static str {
        match self {
            KRule::Forced => "forced",
            KRule::Silhouette => "silhouette",
            KRule::Consensus => "consensus",
            KRule::TooFew => "too_few",
        }
    }
}

/// Fitted positions: one label per row (0 = the largest cluster), and how k was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionModel {
    pub k: usize,
    pub labels: Vec<usize>,
    /// Cluster means, in label order.
    #[serde(skip)]
    pub centroids: Array2<f64>,
    pub rule: KRule,
    /// The silhouette of the chosen k (None for k = 1).
    pub silhouette: Option<f64>,
    /// Every k ≥ 2 tried while choosing (empty when forced or too few).
    pub tried: Vec<KScore>,
}

impl PositionParams {
    /// Smallest cluster a k may have on `n` passages.
    pub fn min_size(&self, n: usize) -> usize {
        ((self.min_share * n as f64).ceil() as usize).max(2)
    }

    /// Clusters the rows of `x` (see the module doc).
    pub fn fit(&self, x: &Array2<f64>) -> Result<PositionModel> {
        let n = x.nrows();
        if n == 0 || x.ncols() == 0 {
            return Err(Error::data("no passage to cluster on this topic"));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Error::data("a passage vector is not finite; cannot cluster it"));
        }
        if let Some(k) = self.k {
            if !(1..=MAX_K).contains(&k) {
                return Err(Error::usage(format!("--k {k} is out of range; give 1 to {MAX_K}")));
            }
            let k = k.min(n);
            let labels = self.kmeans(x, k)?;
            let silhouette = (k >= 2).then(|| self.silhouette(x, &labels)).transpose()?;
            return Ok(self.model(x, labels, k, KRule::Forced, silhouette, Vec::new()));
        }
        let min_size = self.min_size(n);
        let top = self.max_k.min(MAX_K).min(n / min_size);
        if top < 2 {
            return Ok(self.model(x, vec![0; n], 1, KRule::TooFew, None, Vec::new()));
        }
        let mut tried = Vec::new();
        let mut best: Option<(f64, usize, Vec<usize>)> = None;
        for k in 2..=top {
            let labels = self.kmeans(x, k)?;
            let mut sizes = vec![0usize; k];
            labels.iter().for_each(|&l| sizes[l] += 1);
            let smallest = sizes.iter().copied().min().unwrap_or(0);
            let silhouette = self.silhouette(x, &labels)?;
            let eligible = smallest >= min_size;
            tried.push(KScore { k, silhouette, smallest, eligible });
            if eligible && best.as_ref().is_none_or(|b| silhouette > b.0) {
                best = Some((silhouette, k, labels));
            }
        }
        Ok(match best {
            Some((s, k, labels)) if s >= self.min_silhouette => {
                self.model(x, labels, k, KRule::Silhouette, Some(s), tried)
            }
            _ => self.model(x, vec![0; n], 1, KRule::Consensus, None, tried),
        })
    }

    /// linfa k-means with k-means++ starts, labels of every row (some cluster may be empty).
    fn kmeans(&self, x: &Array2<f64>, k: usize) -> Result<Vec<usize>> {
        if k == 1 {
            return Ok(vec![0; x.nrows()]);
        }
        let rng = ChaCha8Rng::seed_from_u64(self.seed.wrapping_add(k as u64));
        let dataset = DatasetBase::from(x.clone());
        let model = KMeans::params_with_rng(k, rng)
            .n_runs(self.n_runs.max(1))
            .tolerance(1e-6)
            .fit(&dataset)
            .map_err(|e| Error::data(format!("k-means (k = {k}) failed: {e}")))?;
        let labels: Array1<usize> = model.predict(x);
        Ok(labels.to_vec())
    }

    /// Mean silhouette of `labels` over the rows (a seeded sample of at most
    /// `silhouette_sample` rows when there are more).
    fn silhouette(&self, x: &Array2<f64>, labels: &[usize]) -> Result<f64> {
        let n = x.nrows();
        let rows: Vec<usize> = if n <= self.silhouette_sample.max(2) {
            (0..n).collect()
        } else {
            let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ 0x5111_0E77E);
            let mut s = rand::seq::index::sample(&mut rng, n, self.silhouette_sample.max(2)).into_vec();
            s.sort_unstable();
            s
        };
        let records = x.select(Axis(0), &rows);
        let targets: Array1<usize> = rows.iter().map(|&r| labels[r]).collect();
        let distinct = {
            let mut t = targets.to_vec();
            t.sort_unstable();
            t.dedup();
            t.len()
        };
        if distinct < 2 {
            return Ok(0.0);
        }
        DatasetBase::new(records, targets)
            .silhouette_score()
            .map_err(|e| Error::data(format!("silhouette failed: {e}")))
    }

    /// The model with canonical labels (0 = largest) and empty clusters dropped.
    fn model(
        &self,
        x: &Array2<f64>,
        labels: Vec<usize>,
        k: usize,
        rule: KRule,
        silhouette: Option<f64>,
        tried: Vec<KScore>,
    ) -> PositionModel {
        let order: Vec<usize> = size_order(&labels, k).into_iter().filter(|&c| labels.contains(&c)).collect();
        let mut new_label = vec![0; k];
        for (new, &old) in order.iter().enumerate() {
            new_label[old] = new;
        }
        let labels: Vec<usize> = labels.into_iter().map(|l| new_label[l]).collect();
        let k = order.len();
        let mut centroids = Array2::<f64>::zeros((k, x.ncols()));
        let mut counts = vec![0usize; k];
        for (row, &l) in x.rows().into_iter().zip(&labels) {
            let mut c = centroids.row_mut(l);
            c += &row;
            counts[l] += 1;
        }
        for (mut c, &n) in centroids.rows_mut().into_iter().zip(&counts) {
            c /= n.max(1) as f64;
        }
        PositionModel { k, labels, centroids, rule, silhouette, tried }
    }
}

/// The linfa shape: `PositionParams` fits like any linfa algorithm.
impl<T> Fit<Array2<f64>, T, Error> for PositionParams {
    type Object = PositionModel;

    fn fit(&self, dataset: &DatasetBase<Array2<f64>, T>) -> Result<PositionModel> {
        PositionParams::fit(self, dataset.records())
    }
}

impl PositionModel {
    /// Rows of each cluster, in label order.
    pub fn members(&self) -> Vec<Vec<usize>> {
        let mut m = vec![Vec::new(); self.k];
        for (i, &l) in self.labels.iter().enumerate() {
            m[l].push(i);
        }
        m
    }

    /// Members of cluster `c` nearest its mean first (ties: the earlier row): the most typical.
    pub fn typical(&self, x: &Array2<f64>, c: usize) -> Vec<usize> {
        let mut rows: Vec<(f64, usize)> = (0..x.nrows())
            .filter(|&i| self.labels[i] == c)
            .map(|i| ((&x.row(i) - &self.centroids.row(c)).mapv(|v| v * v).sum(), i))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        rows.into_iter().map(|(_, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// `sizes[b]` rows around `spread`·e_b plus uniform noise in [−0.5, 0.5).
    fn blobs(sizes: &[usize], spread: f64) -> Array2<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let labels: Vec<usize> = sizes.iter().enumerate().flat_map(|(b, &n)| std::iter::repeat_n(b, n)).collect();
        Array2::from_shape_fn((labels.len(), 4), |(i, d)| {
            (if d == labels[i] { spread } else { 0.0 }) + rng.gen_range(-0.5..0.5)
        })
    }

    #[test]
    fn finds_separated_positions_and_labels_the_largest_zero() {
        let x = blobs(&[10, 25, 15], 6.0);
        let m = PositionParams::default().fit(&x).unwrap();
        assert_eq!((m.k, m.rule), (3, KRule::Silhouette));
        assert!(m.silhouette.unwrap() > 0.7);
        // Blob 1 (25 rows, from row 10) is label 0, blob 2 (15) label 1, blob 0 (10) label 2.
        assert!(m.labels[..10].iter().all(|&l| l == 2));
        assert!(m.labels[10..35].iter().all(|&l| l == 0));
        assert!(m.labels[35..].iter().all(|&l| l == 1));
        assert_eq!(m.tried.iter().map(|t| t.k).collect::<Vec<_>>(), [2, 3, 4, 5]);
        assert_eq!(m.members()[2], (0..10).collect::<Vec<_>>());
        assert_eq!(m.typical(&x, 2).len(), 10);
    }

    /// One roughly Gaussian cloud (sums of 4 uniforms) of `n` rows in 30 dimensions.
    fn cloud(n: usize) -> Array2<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        Array2::from_shape_fn((n, 30), |_| (0..4).map(|_| rng.gen_range(-0.5..0.5)).sum())
    }

    #[test]
    fn one_cloud_is_one_position() {
        let x = cloud(40);
        let m = PositionParams::default().fit(&x).unwrap();
        assert_eq!((m.k, m.rule, m.silhouette), (1, KRule::Consensus, None));
        assert!(m.labels.iter().all(|&l| l == 0));
        assert_eq!(m.tried.len(), 4);
        let few = PositionParams::default().fit(&blobs(&[3], 0.0)).unwrap();
        assert_eq!((few.k, few.rule), (1, KRule::TooFew));
    }

    #[test]
    fn forced_k_and_its_range() {
        let x = blobs(&[10, 10], 6.0);
        let m = PositionParams { k: Some(3), ..Default::default() }.fit(&x).unwrap();
        assert_eq!((m.k, m.rule), (3, KRule::Forced));
        assert!(m.tried.is_empty());
        let one = PositionParams { k: Some(1), ..Default::default() }.fit(&x).unwrap();
        assert_eq!((one.k, one.silhouette), (1, None));
        for k in [0, 6] {
            let e = PositionParams { k: Some(k), ..Default::default() }.fit(&x).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{e}");
        }
        assert!(PositionParams::default().fit(&Array2::zeros((0, 2))).is_err());
    }

    #[test]
    fn same_seed_same_labels_whatever_the_thread_count() {
        let x = blobs(&[30, 30, 20], 1.5);
        let p = PositionParams { seed: 11, ..Default::default() };
        let a = p.fit(&x).unwrap();
        let b = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| p.fit(&x).unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn silhouette_on_a_sample_above_the_cap() {
        let x = blobs(&[60, 60], 6.0);
        let m = PositionParams { silhouette_sample: 50, ..Default::default() }.fit(&x).unwrap();
        assert_eq!(m.k, 2);
        assert!(m.silhouette.unwrap() > 0.7);
    }
}
