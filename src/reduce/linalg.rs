//! The small dense linear algebra the SVD needs (no LAPACK here): tall-skinny orthonormalisation
//! by Cholesky QR, and a Jacobi eigen-decomposition of small symmetric matrices.
//!
//! Tall blocks are processed in fixed row chunks (parallel, then combined in chunk order), so the
//! results are identical for any number of threads.

use ndarray::parallel::prelude::*;
use ndarray::{s, Array2, ArrayView2, ArrayViewMut1, Axis};

/// Rows per parallel chunk: small enough for cache and memory, fixed for determinism.
const CHUNK: usize = 2048;

/// `aᵀa` in f64 (products of f32 values are exact in f64, which keeps Cholesky QR stable).
pub(crate) fn gram(a: &Array2<f32>) -> Array2<f64> {
    let parts: Vec<Array2<f64>> = a
        .axis_chunks_iter(Axis(0), CHUNK)
        .into_par_iter()
        .map(|c| {
            let c = c.mapv(f64::from);
            c.t().dot(&c)
        })
        .collect();
    let mut g = Array2::zeros((a.ncols(), a.ncols()));
    for p in parts {
        g += &p;
    }
    g
}

/// `a · b` for a tall `a`, in parallel over fixed row chunks (each row's result does not depend
/// on the chunking, so it is the same for any number of threads).
pub(crate) fn par_dot(a: &Array2<f32>, b: &ArrayView2<f32>) -> Array2<f32> {
    let mut out = Array2::zeros((a.nrows(), b.ncols()));
    out.axis_chunks_iter_mut(Axis(0), CHUNK)
        .into_par_iter()
        .zip(a.axis_chunks_iter(Axis(0), CHUNK))
        .for_each(|(mut o, a)| ndarray::linalg::general_mat_mul(1.0, &a, b, 0.0, &mut o));
    out
}

/// The transpose of a tall `a`, as a row-major matrix, copied in parallel cache-sized blocks.
pub(crate) fn par_transpose(a: &Array2<f32>) -> Array2<f32> {
    let mut out = Array2::zeros((a.ncols(), a.nrows()));
    out.axis_chunks_iter_mut(Axis(1), CHUNK)
        .into_par_iter()
        .zip(a.axis_chunks_iter(Axis(0), CHUNK))
        .for_each(|(mut o, a)| o.assign(&a.t()));
    out
}

/// Makes the columns of the tall `a` orthonormal in place (Cholesky QR: A = QR with RᵀR = AᵀA),
/// repeated `passes` times (two passes = CholeskyQR2, orthonormal to working precision).
/// Columns that depend numerically on earlier ones (rank-deficient input) become zero.
pub(crate) fn orthonormalize(a: &mut Array2<f32>, passes: usize) {
    for _ in 0..passes {
        let rinv = upper_cholesky_inverse(&gram(a)).mapv(|v| v as f32);
        a.axis_chunks_iter_mut(Axis(0), CHUNK).into_par_iter().for_each(|mut c| {
            let q = c.dot(&rinv);
            c.assign(&q);
        });
    }
}

/// R⁻¹ for the upper Cholesky factor of the Gram matrix `g` (g = RᵀR). A pivot that is not
/// clearly positive marks a dependent column: its row of R is dropped and its column of R⁻¹ is
/// zero, so that column of Q is zero and no later column depends on it.
fn upper_cholesky_inverse(g: &Array2<f64>) -> Array2<f64> {
    let n = g.nrows();
    let mut r = Array2::<f64>::zeros((n, n));
    let mut dead = vec![false; n];
    for j in 0..n {
        let s = g[[j, j]] - (0..j).map(|k| r[[k, j]] * r[[k, j]]).sum::<f64>();
        if !(s > g[[j, j]] * 1e-12 && s > 0.0) {
            dead[j] = true;
            r[[j, j]] = 1.0;
            continue;
        }
        let d = s.sqrt();
        r[[j, j]] = d;
        for i in j + 1..n {
            r[[j, i]] = (g[[j, i]] - (0..j).map(|k| r[[k, j]] * r[[k, i]]).sum::<f64>()) / d;
        }
    }
    // Back substitution for R X = I, column by column (X upper triangular).
    let mut inv = Array2::<f64>::zeros((n, n));
    for c in 0..n {
        for i in (0..=c).rev() {
            let rhs = f64::from(u8::from(i == c)) - (i + 1..=c).map(|k| r[[i, k]] * inv[[k, c]]).sum::<f64>();
            inv[[i, c]] = rhs / r[[i, i]];
        }
    }
    for (j, _) in dead.iter().enumerate().filter(|(_, &d)| d) {
        inv.column_mut(j).fill(0.0);
    }
    inv
}

/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: eigenvalues in
/// descending order and the matching unit eigenvectors as columns.
pub(crate) fn symmetric_eigen(m: &Array2<f64>) -> (Vec<f64>, Array2<f64>) {
    let n = m.nrows();
    let mut a = m.clone();
    let mut v = Array2::<f64>::eye(n);
    let total: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..60 {
        let off: f64 = a.indexed_iter().filter(|((i, j), _)| i != j).map(|(_, x)| x * x).sum();
        if off <= total * 1e-30 || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[[p, q]];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[[q, q]] - a[[p, p]]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let sn = t * c;
                let (cp, cq) = a.multi_slice_mut((s![.., p], s![.., q]));
                rotate(cp, cq, c, sn);
                let (rp, rq) = a.multi_slice_mut((s![p, ..], s![q, ..]));
                rotate(rp, rq, c, sn);
                let (vp, vq) = v.multi_slice_mut((s![.., p], s![.., q]));
                rotate(vp, vq, c, sn);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[[j, j]].total_cmp(&a[[i, i]]));
    let values = order.iter().map(|&i| a[[i, i]]).collect();
    let vectors = v.select(Axis(1), &order);
    (values, vectors)
}

/// (x, y) ← (c·x − s·y, s·x + c·y), element-wise.
fn rotate(mut x: ArrayViewMut1<f64>, mut y: ArrayViewMut1<f64>, c: f64, s: f64) {
    x.iter_mut().zip(y.iter_mut()).for_each(|(x, y)| {
        let (a, b) = (*x, *y);
        *x = c * a - s * b;
        *y = s * a + c * b;
    });
}

/// Scales every row to unit L2 norm (cosine geometry for k-means); zero rows stay zero.
pub fn l2_normalize_rows(a: &mut Array2<f32>) {
    a.axis_iter_mut(Axis(0)).into_par_iter().for_each(|mut row| {
        let norm = row.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.mapv_inplace(|v| (f64::from(v) / norm) as f32);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn jacobi_eigen_reconstructs() {
        let m = array![[4.0, 1.0, -2.0, 0.5], [1.0, 3.0, 0.0, 1.0], [-2.0, 0.0, 5.0, 2.0], [0.5, 1.0, 2.0, 1.0]];
        let (values, v) = symmetric_eigen(&m);
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        let recon = v.dot(&Array2::from_diag(&ndarray::Array1::from(values.clone()))).dot(&v.t());
        assert!((&recon - &m).iter().all(|d| d.abs() < 1e-12));
        assert!((&v.t().dot(&v) - &Array2::<f64>::eye(4)).iter().all(|d| d.abs() < 1e-12));
        assert!((values.iter().sum::<f64>() - 13.0).abs() < 1e-12); // trace
    }

    #[test]
    fn cholesky_qr_orthonormalises_and_zeroes_dependent_columns() {
        let mut a = array![[1f32, 2., 2.], [0., 1., 0.], [1., 0., 2.], [3., 1., 6.]]; // col 2 = 2 × col 0
        orthonormalize(&mut a, 2);
        let g = gram(&a);
        let want = array![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]];
        assert!((&g - &want).iter().all(|d| d.abs() < 1e-6), "{g}");
    }

    #[test]
    fn normalize_rows_keeps_zero_rows() {
        let mut a = array![[3f32, 4.], [0., 0.]];
        l2_normalize_rows(&mut a);
        assert_eq!(a, array![[0.6f32, 0.8], [0., 0.]]);
    }
}
