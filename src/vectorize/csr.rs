//! Compressed sparse rows: the one sparse type of the crate (TF-IDF output, SVD input).
//!
//! Every parallel product here is computed row by row into its own output row, so results never
//! depend on how rayon schedules the work (bit-identical across runs and thread counts).

use ndarray::Array2;
use rayon::prelude::*;

/// Compressed sparse rows; row i = `indices[indptr[i]..indptr[i+1]]` (sorted ascending), `data` likewise.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Csr {
    pub n_rows: usize,
    pub n_cols: usize,
    pub indptr: Vec<usize>,
    pub indices: Vec<u32>,
    pub data: Vec<f64>,
}

impl Csr {
    /// An all-zero matrix (every row empty).
    pub fn zeros(n_rows: usize, n_cols: usize) -> Csr {
        Csr { n_rows, n_cols, indptr: vec![0; n_rows + 1], indices: Vec::new(), data: Vec::new() }
    }

    /// Column indices and values of row `i`.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.data[a..b])
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// `self · m` (n_rows × k), parallel over rows.
    pub fn dot_dense(&self, m: &Array2<f32>) -> Array2<f32> {
        let mut out = Array2::zeros((self.n_rows, m.ncols()));
        self.dot_dense_into(m, &mut out);
        out
    }

    /// `out = self · m` into an existing n_rows × k buffer (iterative callers reuse their memory).
    pub fn dot_dense_into(&self, m: &Array2<f32>, out: &mut Array2<f32>) {
        assert_eq!(m.nrows(), self.n_cols, "dot_dense: {} columns vs {} rows", self.n_cols, m.nrows());
        assert_eq!(out.dim(), (self.n_rows, m.ncols()), "dot_dense: output shape");
        let k = m.ncols();
        if k == 0 {
            return;
        }
        let m = m.as_standard_layout();
        let m = m.as_slice().unwrap_or_default();
        if !out.is_standard_layout() {
            *out = Array2::zeros(out.dim());
        }
        let Some(out) = out.as_slice_mut() else { return };
        // Plain slices so the inner loop vectorises; each output row is written by one task.
        out.par_chunks_mut(k).enumerate().with_min_len(256).for_each(|(i, o)| {
            o.fill(0.0);
            let (idx, val) = self.row(i);
            for (p, (&j, &v)) in idx.iter().zip(val).enumerate() {
                if let Some(&ahead) = idx.get(p + PREFETCH_AHEAD) {
                    prefetch(&m[ahead as usize * k..][..k]);
                }
                let (v, src) = (v as f32, &m[j as usize * k..][..k]);
                o.iter_mut().zip(src).for_each(|(o, s)| *o += v * s);
            }
        });
    }

    /// `selfᵀ · m` (n_cols × k). Goes through [`Csr::transpose`] (nnz extra memory, no
    /// per-thread dense accumulators, deterministic); callers that multiply repeatedly, like the
    /// SVD, should keep the transpose and call `dot_dense` on it.
    pub fn t_dot_dense(&self, m: &Array2<f32>) -> Array2<f32> {
        self.transpose().dot_dense(m)
    }

    /// The transpose, by a counting sort over columns (row indices come out sorted).
    pub fn transpose(&self) -> Csr {
        let mut indptr = vec![0usize; self.n_cols + 1];
        for &j in &self.indices {
            indptr[j as usize + 1] += 1;
        }
        for c in 0..self.n_cols {
            indptr[c + 1] += indptr[c];
        }
        let mut next = indptr[..self.n_cols].to_vec();
        let mut indices = vec![0u32; self.nnz()];
        let mut data = vec![0f64; self.nnz()];
        for i in 0..self.n_rows {
            let (idx, val) = self.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                let p = &mut next[j as usize];
                indices[*p] = i as u32;
                data[*p] = v;
                *p += 1;
            }
        }
        Csr { n_rows: self.n_cols, n_cols: self.n_rows, indptr, indices, data }
    }

    /// The sub-matrix made of `rows`, in the order given (repeats allowed, e.g. bootstrap draws).
    pub fn select_rows(&self, rows: &[usize]) -> Csr {
        let mut out = Csr::zeros(0, self.n_cols);
        for &i in rows {
            let (idx, val) = self.row(i);
            out.push_row(idx, val);
        }
        out
    }

    /// Appends one row (indices must be sorted ascending and < n_cols).
    pub fn push_row(&mut self, idx: &[u32], val: &[f64]) {
        debug_assert!(idx.windows(2).all(|w| w[0] < w[1]) && idx.iter().all(|&j| (j as usize) < self.n_cols));
        self.indices.extend_from_slice(idx);
        self.data.extend_from_slice(val);
        self.indptr.push(self.indices.len());
        self.n_rows += 1;
    }

    /// Dense copy (tests and tiny matrices only).
    pub fn to_dense(&self) -> Array2<f64> {
        let mut d = Array2::zeros((self.n_rows, self.n_cols));
        for i in 0..self.n_rows {
            let (idx, val) = self.row(i);
            for (&j, &v) in idx.iter().zip(val) {
                d[[i, j as usize]] = v;
            }
        }
        d
    }
}

/// The rows of `m` a sparse row gathers are scattered over a matrix far larger than the cache;
/// asking for the row a few entries ahead roughly halves the time of `dot_dense` (measured on
/// the 50 MB corpus: X·Z 0.85 → 0.47 CPU-s, 409k × 110 Z).
const PREFETCH_AHEAD: usize = 4;

#[inline]
fn prefetch(row: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    for line in row.chunks(16) {
        // SAFETY: `_mm_prefetch` is only a cache hint; the pointer comes from a live slice.
        unsafe { std::arch::x86_64::_mm_prefetch(line.as_ptr().cast::<i8>(), std::arch::x86_64::_MM_HINT_T0) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = row;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn sample() -> Csr {
        // [[1 0 2], [0 0 0], [0 3 0], [4 0 5]]
        Csr {
            n_rows: 4,
            n_cols: 3,
            indptr: vec![0, 2, 2, 3, 5],
            indices: vec![0, 2, 1, 0, 2],
            data: vec![1., 2., 3., 4., 5.],
        }
    }

    #[test]
    fn products_match_dense() {
        let x = sample();
        let m = array![[1f32, -1.], [0.5, 2.], [3., 0.]];
        let d = x.to_dense().mapv(|v| v as f32);
        assert_eq!(x.dot_dense(&m), d.dot(&m));
        let mt = array![[1f32], [2.], [3.], [4.]];
        assert_eq!(x.t_dot_dense(&mt), d.t().dot(&mt));
    }

    #[test]
    fn transpose_twice_is_identity() {
        let x = sample();
        let t = x.transpose();
        assert_eq!(t.to_dense(), x.to_dense().t());
        assert_eq!(t.transpose(), x);
    }

    #[test]
    fn select_rows_keeps_order_and_repeats() {
        let x = sample();
        let s = x.select_rows(&[3, 1, 3]);
        assert_eq!(s.n_rows, 3);
        assert_eq!(s.row(0), (&[0u32, 2][..], &[4.0, 5.0][..]));
        assert_eq!(s.row(1).0.len(), 0);
        assert_eq!(s.row(2), s.row(0));
        assert_eq!(s.nnz(), 4);
    }
}
