//! Model versions in the workspace. The model file (`models/<id>.bin`) is the portable artefact
//! and the only copy of the vocabulary and SVD basis: `update` reads from it a **slice** holding
//! only the terms of the new passages ([`ModelFile::slice`]), the same numbers as the whole model
//! (terms outside the slice have zero weight in those passages), read in milliseconds instead of
//! loading a vocabulary of a million terms. (Schema 1 kept a second copy in the database.)

use std::collections::BTreeSet;
use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::{now_utc, Paths, MODELS_DIR};
use crate::cluster::Clusters;
use crate::model::{Model, ModelFile};
use crate::pipeline::{Params, CONCEPT_PREFIX};
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
}

const COLUMNS: &str = "seq, id, created, file, lexicon_version, corpus_hash, n_docs, max_doc, n_features, dims, params";

fn info(r: &Row) -> rusqlite::Result<(ModelInfo, String)> {
    let params: String = r.get(10)?;
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
    };
    Ok((info, params))
}

/// The model row selected by `where_` (e.g. `seq = ?1`), decoded.
fn query(c: &Connection, at: &Paths, where_: &str, args: impl rusqlite::Params) -> Result<Option<ModelInfo>> {
    let sql = format!("SELECT {COLUMNS} FROM models WHERE {where_}");
    let row = c.query_row(&sql, args, info).optional().map_err(|e| at.err(e))?;
    let Some((mut info, params)) = row else { return Ok(None) };
    let damaged = || {
        Error::data(format!("{}: model {} is damaged; refit with `stance fit --workspace`", at.db.display(), info.id))
    };
    info.params = serde_json::from_str(&params).map_err(|_| damaged())?;
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

/// Where model `id` is saved, relative to the workspace.
fn file_of(id: &str) -> String {
    format!("{MODELS_DIR}/{id}.bin")
}

/// The path of model `id`, registered with `file`: only `models/<id>.bin` is ever opened, so a
/// damaged or forged row cannot make stance read a file outside the workspace.
pub(super) fn checked_file(at: &Paths, id: &str, file: &str) -> Result<PathBuf> {
    if file != file_of(id) {
        return Err(Error::data(format!(
            "{}: model {id} is registered with a file outside models/; refit with `stance fit --workspace`",
            at.db.display()
        )));
    }
    Ok(at.root.join(file))
}

/// Saves `model` as `models/<id>.bin` (atomic) and registers it; returns its info.
pub(super) fn register(c: &Connection, at: &Paths, model: &Model, max_doc: i64) -> Result<ModelInfo> {
    let file = file_of(&model.id);
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
    by_version(c, at, seq)
}

/// The part of model `m` that passages with the words `terms` (unigrams and n-grams) can touch,
/// read from its file: those terms plus every lexicon feature (`§…`, a few hundred), with their
/// idf and SVD columns — the same numbers as the whole model, without loading a vocabulary that
/// may hold a million terms. The file must be the registered one.
pub(super) fn slice(at: &Paths, m: &ModelInfo, terms: &BTreeSet<String>) -> Result<Model> {
    let file = ModelFile::open(&checked_file(at, &m.id, &m.file)?)?;
    if file.header.id != m.id {
        return Err(Error::data(format!(
            "{}: model {} has a file holding another model; refit with `stance fit --workspace`",
            at.db.display(),
            m.id
        )));
    }
    file.slice_with(terms, Some(CONCEPT_PREFIX))
}
