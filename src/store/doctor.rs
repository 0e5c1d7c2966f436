//! `stance doctor`: a full check of a workspace, read-only — SQLite's `integrity_check`, every
//! model file against its BLAKE3 checksum, and leftovers of an interrupted `init`.

use serde::Serialize;

use super::Workspace;
use crate::Result;

/// What `stance doctor` found. `ok` is true only when every check passed.
#[derive(Debug, Clone, Serialize)]
pub struct Checkup {
    pub ok: bool,
    /// `PRAGMA integrity_check` lines (`["ok"]` for a sound database), at most 100.
    pub integrity: Vec<String>,
    pub models: Vec<ModelCheck>,
    /// Temporary folders or locks of an `init` that did not finish, beside the workspace.
    pub leftovers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelCheck {
    pub version: i64,
    /// Path relative to the workspace (`models/<id>.bin`).
    pub file: String,
    /// `null` when the file is present and its checksum matches, else what is wrong.
    pub problem: Option<String>,
}

impl Workspace {
    /// Runs every check; problems are reported in the [`Checkup`], not as errors.
    pub fn doctor(&mut self) -> Result<Checkup> {
        let (integrity, files) = self.read(|tx, at| {
            let mut stmt = tx.prepare("PRAGMA integrity_check(100)").map_err(|e| at.err(e))?;
            let lines = stmt.query_map([], |r| r.get::<_, String>(0)).and_then(|rows| rows.collect());
            let integrity: Vec<String> = match lines {
                Ok(lines) => lines,
                Err(e) => vec![e.to_string()],
            };
            let files = tx
                .prepare("SELECT seq, id, file FROM models ORDER BY seq")
                .and_then(|mut s| {
                    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<Vec<_>>>()
                })
                .unwrap_or_default();
            Ok((integrity, files))
        })?;
        let root = self.paths.root.clone();
        let models: Vec<ModelCheck> = files
            .into_iter()
            .map(|(version, id, file): (i64, String, String)| {
                let problem = super::models::checked_file(&self.paths, &id, &file)
                    .and_then(|path| crate::model::ModelFile::open(&path))
                    .err()
                    .map(|e| e.to_string());
                ModelCheck { version, file, problem }
            })
            .collect();
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefix = format!(".{name}.stance-init.");
        let parent = root.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let mut leftovers: Vec<String> = std::fs::read_dir(parent)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(&prefix))
                    .map(|n| parent.join(n).display().to_string())
                    .collect()
            })
            .unwrap_or_default();
        leftovers.sort();
        let ok = integrity == ["ok"] && models.iter().all(|m| m.problem.is_none()) && leftovers.is_empty();
        Ok(Checkup { ok, integrity, models, leftovers })
    }

    /// The database file (for messages).
    pub fn db_path(&self) -> &std::path::Path {
        &self.paths.db
    }
}
