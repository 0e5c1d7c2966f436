//! The fitted model, saved and reused so that a re-run scores new texts in the same space:
//! vocabulary and idf, SVD basis, cluster centroids, the issuer and bloc positions, the
//! parameters, seed, lexicon version and corpus hash.
//!
//! Saved as one binary file (bincode), written to a temporary file and renamed, so an
//! interrupted save never leaves a half-written model behind.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::cluster::Clusters;
use crate::compare::similarity::centroid;
use crate::compare::{GroupBy, Grouping};
use crate::pipeline::{Analysis, Params};
use crate::reduce::Svd;
use crate::topics::Stance;
use crate::vectorize::TfIdf;
use crate::{Error, Result};

/// Bumped whenever the saved layout changes; older files are refused with a clear message.
pub const FORMAT_VERSION: u32 = 2;

/// A group's position: the unit mean of its passages' reduced vectors, with what
/// classification needs to weigh a new text against it (see `compare::classify`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupPosition {
    pub name: String,
    pub n_passages: usize,
    pub vector: Vec<f32>,
    /// Length of the plain mean of the group's unit passage vectors (0–1): how tightly its
    /// passages gather around `vector`.
    pub resultant: f64,
    /// Passages per (topic, stance) held, sorted: the group's stance profile.
    pub stances: Vec<(String, Stance, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub format_version: u32,
    pub id: String,
    pub params: Params,
    pub lexicon_version: String,
    pub corpus_hash: String,
    pub n_documents: usize,
    pub n_passages: usize,
    pub tfidf: TfIdf,
    pub svd: Svd,
    pub clusters: Clusters,
    pub issuers: Vec<GroupPosition>,
    pub blocs: Vec<GroupPosition>,
}

/// Positions of every group of `by` over all passages.
fn positions(a: &Analysis, by: GroupBy) -> Vec<GroupPosition> {
    let g = Grouping::new(a, by);
    g.labels
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let rows: Vec<usize> = (0..a.passages.len()).filter(|&p| g.of[p] == k).collect();
            let mut sum = vec![0.0f64; a.vectors.ncols()];
            let mut stances: BTreeMap<(String, Stance), usize> = BTreeMap::new();
            for &p in &rows {
                sum.iter_mut().zip(a.vectors.row(p)).for_each(|(s, &x)| *s += x as f64);
                for (t, s) in &a.passages[p].topics {
                    *stances.entry((t.clone(), *s)).or_insert(0) += 1;
                }
            }
            let norm = sum.iter().map(|x| x * x).sum::<f64>().sqrt();
            GroupPosition {
                name: name.clone(),
                n_passages: rows.len(),
                vector: centroid(a.vectors.view(), &rows).iter().map(|&x| x as f32).collect(),
                resultant: if rows.is_empty() { 0.0 } else { norm / rows.len() as f64 },
                stances: stances.into_iter().map(|((t, s), n)| (t, s, n)).collect(),
            }
        })
        .collect()
}

impl Model {
    pub fn from_analysis(a: &Analysis) -> Model {
        Model {
            format_version: FORMAT_VERSION,
            id: a.model_id(),
            params: a.params.clone(),
            lexicon_version: a.lexicon.version().to_string(),
            corpus_hash: a.corpus.hash(),
            n_documents: a.corpus.documents.len(),
            n_passages: a.passages.len(),
            tfidf: a.tfidf.clone(),
            svd: a.svd.clone(),
            clusters: a.clusters.clone(),
            issuers: positions(a, GroupBy::Issuer),
            blocs: positions(a, GroupBy::Bloc),
        }
    }

    /// Writes the model atomically (temp file in the same folder, then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::fsio::write_atomic_with(path, |w| {
            bincode::serialize_into(w, self)
                .map_err(|e| Error::data(format!("{}: cannot write the model: {e}", path.display())))
        })
    }

    pub fn load(path: &Path) -> Result<Model> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let model: Model = bincode::deserialize_from(BufReader::new(file)).map_err(|_| {
            Error::data(format!(
                "{}: not a stance model (or a damaged one); refit it with `stance fit`",
                path.display()
            ))
        })?;
        if model.format_version != FORMAT_VERSION {
            return Err(Error::data(format!(
                "{}: model format {} but this stance reads format {FORMAT_VERSION}; refit it with `stance fit`",
                path.display(),
                model.format_version
            )));
        }
        Ok(model)
    }

    /// The group positions as a matrix (one row per group), for nearest-group scoring.
    pub fn matrix(groups: &[GroupPosition]) -> Array2<f32> {
        let k = groups.first().map_or(0, |g| g.vector.len());
        Array2::from_shape_fn((groups.len(), k), |(i, j)| groups[i].vector[j])
    }
}
