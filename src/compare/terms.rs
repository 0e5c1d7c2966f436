//! Characteristic terms of a set of passages: the highest mean TF-IDF weights.

use crate::pipeline::CONCEPT_PREFIX;
use crate::vectorize::Csr;

/// The `k` terms with the highest mean TF-IDF over `rows` (ties by term, so the order is stable).
/// Concept features (`§…`) are left out: they are shown separately.
pub fn top_terms(matrix: &Csr, vocabulary: &[String], rows: &[usize], k: usize) -> Vec<(String, f64)> {
    if rows.is_empty() {
        return Vec::new();
    }
    let mut sums = vec![0.0f64; matrix.n_cols];
    for &r in rows {
        let (idx, vals) = matrix.row(r);
        for (&c, &v) in idx.iter().zip(vals) {
            sums[c as usize] += v;
        }
    }
    let mut scored: Vec<(usize, f64)> = sums
        .into_iter()
        .enumerate()
        .filter(|&(c, s)| s > 0.0 && !vocabulary[c].starts_with(CONCEPT_PREFIX))
        .map(|(c, s)| (c, s / rows.len() as f64))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| vocabulary[a.0].cmp(&vocabulary[b.0])));
    scored.into_iter().take(k).map(|(c, s)| (vocabulary[c].clone(), s)).collect()
}
