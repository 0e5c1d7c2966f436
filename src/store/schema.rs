//! The workspace schema, versioned with `PRAGMA user_version`: migration `i` upgrades version
//! `i` to `i + 1`. A workspace written by a newer `stance` is refused rather than misread.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::db_error;
use crate::{Error, Result};

/// Migrations in order; append, never edit a released one.
const MIGRATIONS: &[&str] = &[
    // v1
    "CREATE TABLE documents (
        id          INTEGER PRIMARY KEY,      -- ingestion order; a run covers ids <= runs.max_doc
        name        TEXT NOT NULL UNIQUE,     -- the manifest's `file`, or the file name
        hash        TEXT NOT NULL UNIQUE,     -- SHA-256 of the text: same content = no-op
        issuer      TEXT NOT NULL,
        bloc        TEXT NOT NULL,
        date        TEXT,
        lang        TEXT NOT NULL,
        doc_type    TEXT,
        title       TEXT,
        source_url  TEXT,
        meta        TEXT NOT NULL,            -- JSON object of the other manifest columns
        text        TEXT NOT NULL,
        added       TEXT NOT NULL
    );
    CREATE TABLE models (
        seq             INTEGER PRIMARY KEY,  -- model version: 1, 2, …
        id              TEXT NOT NULL UNIQUE, -- m-… (hash of params, lexicon, corpus)
        created         TEXT NOT NULL,
        file            TEXT NOT NULL,        -- models/<id>.bin, relative to the workspace
        params          TEXT NOT NULL,        -- JSON of pipeline::Params
        lexicon_version TEXT NOT NULL,
        corpus_hash     TEXT NOT NULL,
        n_docs          INTEGER NOT NULL,
        max_doc         INTEGER NOT NULL,     -- fitted on documents with id <= max_doc
        n_features      INTEGER NOT NULL,
        dims            INTEGER NOT NULL,
        tfidf_n_docs    INTEGER NOT NULL,
        clusters        BLOB NOT NULL         -- bincode of cluster::Clusters (centroids only)
    );
    CREATE TABLE model_terms (
        model INTEGER NOT NULL REFERENCES models(seq),
        term  TEXT NOT NULL,
        idf   REAL NOT NULL,
        basis BLOB NOT NULL,                  -- the term's SVD column: dims × f32 LE
        PRIMARY KEY (model, term)
    ) WITHOUT ROWID;
    CREATE TABLE passages (
        model      INTEGER NOT NULL REFERENCES models(seq),
        doc        INTEGER NOT NULL REFERENCES documents(id),
        idx        INTEGER NOT NULL,          -- position in the document
        start_byte INTEGER NOT NULL,
        end_byte   INTEGER NOT NULL,
        topic      TEXT,
        stance     TEXT,
        cluster    INTEGER NOT NULL,
        vector     BLOB NOT NULL              -- unit reduced vector: dims × f32 LE
    );
    CREATE UNIQUE INDEX passages_by_doc ON passages (model, doc, idx);
    CREATE TABLE runs (
        id         INTEGER PRIMARY KEY,
        created    TEXT NOT NULL,
        kind       TEXT NOT NULL,             -- init | update | fit
        model      INTEGER NOT NULL REFERENCES models(seq),
        corpus_hash TEXT NOT NULL,
        n_docs     INTEGER NOT NULL,
        max_doc    INTEGER NOT NULL,
        n_passages INTEGER NOT NULL,
        summary    TEXT NOT NULL              -- JSON of store::RunSummary
    );
    CREATE TABLE results (
        run   INTEGER NOT NULL REFERENCES runs(id),
        kind  TEXT NOT NULL,                  -- issuer | bloc (sum of vectors), stance, cluster
        grp   TEXT NOT NULL,                  -- issuer or bloc name
        topic TEXT NOT NULL,                  -- '' = all passages
        key   TEXT NOT NULL,                  -- stance label, cluster number, or ''
        n     INTEGER NOT NULL,               -- passages
        sum   BLOB,                           -- issuer | bloc: sum of unit vectors, dims × f64 LE
        PRIMARY KEY (run, kind, grp, topic, key)
    ) WITHOUT ROWID;",
    // v2: `update` reads the terms it needs from the model file (`ModelFile::slice`), which held
    // the same idf and SVD columns: a third of the database for nothing. Texts ingested from now
    // on are stored zlib-compressed (a BLOB in `documents.text`; v1 rows stay TEXT and are read
    // as they are).
    "DROP TABLE model_terms;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database at `path` to [`SCHEMA_VERSION`]; writes nothing when it is current.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version = |c: &Connection| -> Result<i64> {
        c.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| db_error(path, e))
    };
    let current = version(conn)?;
    check(current, path)?;
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| db_error(path, e))?;
    let current = version(&tx)?; // another process may have migrated meanwhile
    for sql in &MIGRATIONS[current as usize..] {
        tx.execute_batch(sql).map_err(|e| db_error(path, e))?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(|e| db_error(path, e))?;
    tx.commit().map_err(|e| db_error(path, e))
}

/// A read-only connection cannot upgrade: an older schema says what to do, a newer one is refused.
pub fn check_readable(version: i64, path: &Path) -> Result<()> {
    check(version, path)?;
    Err(Error::data(format!(
        "{}: workspace schema version {version} needs an upgrade to {SCHEMA_VERSION}, which needs write access; run any stance command on it once with write access",
        path.display()
    )))
}

fn check(version: i64, path: &Path) -> Result<()> {
    if !(0..=SCHEMA_VERSION).contains(&version) {
        return Err(Error::data(format!(
            "{}: workspace schema version {version} is newer than this stance understands ({SCHEMA_VERSION}); upgrade stance",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut c = Connection::open(&path).unwrap();
        migrate(&mut c, &path).unwrap();
        migrate(&mut c, &path).unwrap(); // idempotent
        let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        let e = migrate(&mut c, &path).unwrap_err().to_string();
        assert!(e.contains("newer") && e.contains("upgrade stance") && !e.contains('\n'), "{e}");
    }
}
