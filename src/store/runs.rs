//! Runs: one row per scoring (`init`, `update`, `fit`), with the model it used, the corpus it
//! covered and a summary of what changed since the previous run (shown by `stance history`).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{now_utc, Paths, Workspace};
use crate::{Error, Result};

/// What changed since the previous run, cheap enough to compute at every update. The bootstrap
/// test of similarity cells is left to `stance diff`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub added_documents: usize,
    pub added_passages: usize,
    /// Share of the new passages' tokens outside the model's vocabulary (see `TfIdf::oov_rate`).
    pub oov_rate: Option<f64>,
    pub stance_changes: usize,
    /// Issuers whose position on a topic changed (`stance diff` lists them); absent from runs
    /// recorded before positions were kept.
    #[serde(default)]
    pub positions_changed: usize,
    pub topics_entered: usize,
    pub clusters_entered: usize,
    /// Issuers or blocs seen for the first time.
    pub new_groups: usize,
    /// Largest change of an overall issuer or bloc vocabulary-similarity cell (no interval test).
    pub largest_shift: Option<f64>,
    /// Largest change of an overall issuer or bloc agreement (no interval test); absent from
    /// runs recorded before agreement was kept.
    #[serde(default)]
    pub largest_agreement_shift: Option<f64>,
}

/// A recorded run.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub id: i64,
    pub created: String,
    /// `init`, `update` or `fit`.
    pub kind: String,
    pub model: String,
    pub model_version: i64,
    pub corpus_hash: String,
    pub n_docs: i64,
    /// The run covers the documents with id <= max_doc.
    pub max_doc: i64,
    pub n_passages: i64,
    pub summary: RunSummary,
}

const SELECT: &str =
    "SELECT r.id, r.created, r.kind, m.id, r.model, r.corpus_hash, r.n_docs, r.max_doc, r.n_passages, \
                      r.summary FROM runs r JOIN models m ON m.seq = r.model";

fn run(r: &Row) -> rusqlite::Result<Run> {
    let summary: String = r.get(9)?;
    Ok(Run {
        id: r.get(0)?,
        created: r.get(1)?,
        kind: r.get(2)?,
        model: r.get(3)?,
        model_version: r.get(4)?,
        corpus_hash: r.get(5)?,
        n_docs: r.get(6)?,
        max_doc: r.get(7)?,
        n_passages: r.get(8)?,
        summary: serde_json::from_str(&summary).unwrap_or_default(),
    })
}

/// What a new run records besides its state.
pub(super) struct NewRun<'a> {
    pub kind: &'a str,
    pub model_version: i64,
    pub corpus_hash: String,
    pub n_docs: usize,
    pub max_doc: i64,
    pub n_passages: usize,
    pub summary: RunSummary,
}

/// Records a run; returns its id.
pub(super) fn insert(c: &Connection, at: &Paths, r: &NewRun) -> Result<i64> {
    let summary = serde_json::to_string(&r.summary).unwrap_or_else(|_| "{}".to_string());
    c.execute(
        "INSERT INTO runs (created, kind, model, corpus_hash, n_docs, max_doc, n_passages, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            now_utc(),
            r.kind,
            r.model_version,
            r.corpus_hash,
            r.n_docs as i64,
            r.max_doc,
            r.n_passages as i64,
            summary
        ],
    )
    .map_err(|e| at.err(e))?;
    Ok(c.last_insert_rowid())
}

/// Every run, oldest first.
pub(super) fn list(c: &Connection, at: &Paths) -> Result<Vec<Run>> {
    let mut stmt = c.prepare(&format!("{SELECT} ORDER BY r.id")).map_err(|e| at.err(e))?;
    let rows = stmt.query_map([], run).map_err(|e| at.err(e))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| at.err(e))
}

/// Run `id`, or a usage error listing what exists.
pub(super) fn get(c: &Connection, at: &Paths, id: i64) -> Result<Run> {
    let found = c.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], run).optional().map_err(|e| at.err(e))?;
    found.ok_or_else(|| {
        Error::usage(format!(
            "run {id} does not exist in {}; see the runs with `stance history --workspace {}`",
            at.root.display(),
            at.root.display()
        ))
    })
}

/// The newest run, if any.
pub(super) fn last(c: &Connection, at: &Paths) -> Result<Option<Run>> {
    c.query_row(&format!("{SELECT} ORDER BY r.id DESC LIMIT 1"), [], run).optional().map_err(|e| at.err(e))
}

impl Workspace {
    /// Every run, oldest first.
    pub fn runs(&mut self) -> Result<Vec<Run>> {
        self.read(|tx, at| list(tx, at))
    }
}
