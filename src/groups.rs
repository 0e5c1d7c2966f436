//! Groups of passages — by issuer, bloc or document — and their positions (unit mean vectors).
//!
//! Below both `compare` (similarity between groups) and `model` (the saved group positions), so
//! that the two read the same grouping and neither depends on the other for it.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::Serialize;

use crate::corpus::sorted_unique;
use crate::pipeline::Analysis;

/// What the rows and columns of a matrix are.
/// Names as in JSON (`issuer`, `bloc`, `document`): `Display` and `FromStr` use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantArray, strum::EnumMessage)]
#[strum(serialize_all = "lowercase")]
pub enum GroupBy {
    Issuer,
    Bloc,
    Document,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Passages assigned to sorted group labels.
#[derive(Debug, Clone)]
pub struct Grouping {
    pub by: GroupBy,
    /// Sorted group names.
    pub labels: Vec<String>,
    /// Group index of each passage.
    pub of: Vec<usize>,
}

impl Grouping {
    pub fn new(analysis: &Analysis, by: GroupBy) -> Grouping {
        let docs = &analysis.corpus.documents;
        let name = |d: usize| -> &str {
            match by {
                GroupBy::Issuer => &docs[d].issuer,
                GroupBy::Bloc => &docs[d].bloc,
                GroupBy::Document => &docs[d].id,
            }
        };
        let labels = sorted_unique(docs.iter().enumerate().map(|(d, _)| name(d).to_string()));
        let of = analysis
            .passages
            .iter()
            .map(|p| labels.binary_search_by(|l| l.as_str().cmp(name(p.doc))).unwrap_or(0))
            .collect();
        Grouping { by, labels, of }
    }

    /// Index of the group called `label`, if any.
    pub fn index(&self, label: &str) -> Option<usize> {
        self.labels.binary_search_by(|l| l.as_str().cmp(label)).ok()
    }
}

/// Unit-length mean vector of each group over the selected passages (zero rows for empty groups).
pub fn group_means(vectors: ArrayView2<f32>, members: &[Vec<usize>]) -> Array2<f64> {
    let mut means = Array2::<f64>::zeros((members.len(), vectors.ncols()));
    for (g, rows) in members.iter().enumerate() {
        let mut m = means.row_mut(g);
        for &r in rows {
            m.zip_mut_with(&vectors.row(r), |a, &b| *a += b as f64);
        }
    }
    unit_rows(&mut means);
    means
}

/// Scales every non-zero row of `m` to unit length (a sum of vectors becomes a position).
pub fn unit_rows(m: &mut Array2<f64>) {
    for mut row in m.rows_mut() {
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row /= norm;
        }
    }
}

/// Mean of the selected rows of `vectors`, L2-normalised (a document's or a group's position).
pub fn centroid(vectors: ArrayView2<f32>, rows: &[usize]) -> Array1<f64> {
    group_means(vectors, &[rows.to_vec()]).index_axis_move(Axis(0), 0)
}
