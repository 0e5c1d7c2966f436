//! Model versions in the workspace. The model file (`models/<id>.bin`) is the portable artefact;
//! the database also keeps each term's idf and SVD column (`model_terms`) so that `update` can
//! build a **slice** of the model holding only the terms of the new passages: the same numbers
//! as the whole model (terms outside the slice have zero weight in those passages), read in
//! milliseconds instead of loading a vocabulary of a million terms.

use std::collections::{BTreeMap, BTreeSet};

use ndarray::Array2;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::{now_utc, Paths, MODELS_DIR};
use crate::cluster::Clusters;
use crate::le;
use crate::model::{Model, FORMAT_VERSION};
use crate::pipeline::{Params, CONCEPT_PREFIX};
use crate::reduce::Svd;
use crate::vectorize::TfIdf;
use crate::{Error, Result};

/// A model version registered in the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// Version number: 1, 2, … in fitting order.
    pub version: i64,
    pub id: String,
    pub created: String,
    /// Path of the model file, relative to the workspace.
    pub file: String,
    pub lexicon_version: String,
    pub corpus_hash: String,
    pub n_docs: i64,
    /// Fitted on the documents with id <= max_doc.
    pub max_doc: i64,
    pub n_features: i64,
    pub dims: i64,
    #[serde(skip)]
    pub params: Params,
    #[serde(skip)]
    tfidf_n_docs: usize,
    #[serde(skip)]
    clusters: Clusters,
}

const COLUMNS: &str = "seq, id, created, file, lexicon_version, corpus_hash, n_docs, max_doc, n_features, dims, \
                       params, tfidf_n_docs, clusters";

fn info(r: &Row) -> rusqlite::Result<(ModelInfo, String, Vec<u8>)> {
    let params: String = r.get(10)?;
    let clusters: Vec<u8> = r.get(12)?;
    let info = ModelInfo {
        version: r.get(0)?,
        id: r.get(1)?,
        created: r.get(2)?,
        file: r.get(3)?,
        lexicon_version: r.get(4)?,
        corpus_hash: r.get(5)?,
        n_docs: r.get(6)?,
        max_doc: r.get(7)?,
        n_features: r.get(8)?,
        dims: r.get(9)?,
        params: Params::default(),
        tfidf_n_docs: r.get::<_, i64>(11)? as usize,
        clusters: Clusters { centroids: Array2::zeros((0, 0)), labels: Vec::new(), inertia: 0.0 },
    };
    Ok((info, params, clusters))
}

/// The model row selected by `where_` (e.g. `seq = ?1`), decoded.
fn query(c: &Connection, at: &Paths, where_: &str, args: impl rusqlite::Params) -> Result<Option<ModelInfo>> {
    let sql = format!("SELECT {COLUMNS} FROM models WHERE {where_}");
    let row = c.query_row(&sql, args, info).optional().map_err(|e| at.err(e))?;
    let Some((mut info, params, clusters)) = row else { return Ok(None) };
    let damaged = || {
        Error::data(format!("{}: model {} is damaged; refit with `stance fit --workspace`", at.db.display(), info.id))
    };
    info.params = serde_json::from_str(&params).map_err(|_| damaged())?;
    info.clusters = bincode::deserialize(&clusters).map_err(|_| damaged())?;
    Ok(Some(info))
}

/// The newest model: the one `update` scores with.
pub(super) fn latest(c: &Connection, at: &Paths) -> Result<ModelInfo> {
    query(c, at, "seq = (SELECT MAX(seq) FROM models)", [])?.ok_or_else(|| {
        Error::data(format!(
            "{}: the workspace has no model; fit one with `stance fit --workspace {}`",
            at.db.display(),
            at.root.display()
        ))
    })
}

pub(super) fn by_version(c: &Connection, at: &Paths, version: i64) -> Result<ModelInfo> {
    query(c, at, "seq = ?1", [version])?
        .ok_or_else(|| Error::data(format!("{}: model version {version} is missing", at.db.display())))
}

/// Version of the model with id `id`, if registered.
pub(super) fn version_of(c: &Connection, at: &Paths, id: &str) -> Result<Option<i64>> {
    c.query_row("SELECT seq FROM models WHERE id = ?1", [id], |r| r.get(0)).optional().map_err(|e| at.err(e))
}

/// Saves `model` as `models/<id>.bin` (atomic) and registers it with its terms; returns its info.
pub(super) fn register(c: &Connection, at: &Paths, model: &Model, max_doc: i64) -> Result<ModelInfo> {
    let file = format!("{MODELS_DIR}/{}.bin", model.id);
    model.save(&at.root.join(&file))?;
    let params = serde_json::to_string(&model.params).map_err(|e| Error::data(format!("cannot encode params: {e}")))?;
    let centroids_only = Clusters { labels: Vec::new(), ..model.clusters.clone() };
    let clusters =
        bincode::serialize(&centroids_only).map_err(|e| Error::data(format!("cannot encode clusters: {e}")))?;
    c.execute(
        "INSERT INTO models (id, created, file, params, lexicon_version, corpus_hash, n_docs, max_doc, n_features, dims, tfidf_n_docs, clusters)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            model.id,
            now_utc(),
            file,
            params,
            model.lexicon_version,
            model.corpus_hash,
            model.n_documents as i64,
            max_doc,
            model.tfidf.vocabulary.len() as i64,
            model.svd.k() as i64,
            model.tfidf.n_docs as i64,
            clusters
        ],
    )
    .map_err(|e| at.err(e))?;
    let seq = c.last_insert_rowid();
    let mut ins = c
        .prepare_cached("INSERT INTO model_terms (model, term, idf, basis) VALUES (?1, ?2, ?3, ?4)")
        .map_err(|e| at.err(e))?;
    let components = &model.svd.components;
    for (j, (term, idf)) in model.tfidf.vocabulary.iter().zip(&model.tfidf.idf).enumerate() {
        let column: Vec<f32> = components.column(j).to_vec();
        ins.execute(params![seq, term, idf, le::encode::<f32>(&column)]).map_err(|e| at.err(e))?;
    }
    by_version(c, at, seq)
}

/// The part of model `m` that passages with the words `terms` (unigrams and n-grams) can touch,
/// as a [`Model`] that `Analysis::with_model` can use: those terms known to the model plus every
/// lexicon feature (`§…`, a few hundred), with their idf and SVD columns.
pub(super) fn slice(c: &Connection, at: &Paths, m: &ModelInfo, terms: &BTreeSet<String>) -> Result<Model> {
    let mut get =
        c.prepare_cached("SELECT idf, basis FROM model_terms WHERE model = ?1 AND term = ?2").map_err(|e| at.err(e))?;
    let mut found: BTreeMap<String, (f64, Vec<u8>)> = BTreeMap::new();
    for term in terms {
        let row = get
            .query_row(params![m.version, term], |r| Ok((r.get::<_, f64>(0)?, r.get::<_, Vec<u8>>(1)?)))
            .optional()
            .map_err(|e| at.err(e))?;
        if let Some(row) = row {
            found.insert(term.clone(), row);
        }
    }
    let mut lexicon_terms = c
        .prepare_cached("SELECT term, idf, basis FROM model_terms WHERE model = ?1 AND term >= ?2 AND term < ?3")
        .map_err(|e| at.err(e))?;
    let rows = lexicon_terms
        .query_map(params![m.version, CONCEPT_PREFIX, format!("{CONCEPT_PREFIX}{}", char::MAX)], |r| {
            Ok((r.get::<_, String>(0)?, (r.get::<_, f64>(1)?, r.get::<_, Vec<u8>>(2)?)))
        })
        .map_err(|e| at.err(e))?;
    for row in rows {
        let (term, value) = row.map_err(|e| at.err(e))?;
        found.insert(term, value);
    }
    let header = Model {
        format_version: FORMAT_VERSION,
        id: m.id.clone(),
        params: m.params.clone(),
        lexicon_version: m.lexicon_version.clone(),
        corpus_hash: m.corpus_hash.clone(),
        n_documents: m.n_docs as usize,
        n_passages: 0,
        tfidf: TfIdf {
            params: m.params.tfidf.clone(),
            vocabulary: Vec::new(),
            idf: Vec::new(),
            n_docs: m.tfidf_n_docs,
        },
        svd: Svd { components: Array2::zeros((0, 0)), singular_values: Vec::new() },
        clusters: m.clusters.clone(),
        issuers: Vec::new(),
        blocs: Vec::new(),
        learned: None,
    };
    Ok(header.with_terms(
        m.dims as usize,
        found.into_iter().map(|(term, (idf, basis))| (term, idf, le::decode::<f32>(&basis))),
    ))
}
