//! Documents: ingest (validated batch, one transaction, content hash = identity) and read back
//! as [`Corpus`] / [`Document`] values, so every stage reads a workspace as it reads a folder.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use flate2::{read::ZlibDecoder, write::ZlibEncoder, Compression};
use rayon::prelude::*;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::{now_utc, Paths, Workspace};
use crate::corpus::{Corpus, Document};
use crate::text::lang::Lang;
use crate::{Error, Result};

/// What an ingest did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    /// Names of the documents added, in batch order.
    pub added: Vec<String>,
    /// Documents skipped because the same content is already in the workspace: (name in the
    /// batch, name in the workspace).
    pub already_present: Vec<(String, String)>,
    /// Bytes of text added.
    pub bytes: usize,
}

/// Rejects a batch that names one document twice or holds the same content twice.
fn check_batch(docs: &[Document]) -> Result<()> {
    let mut names = BTreeMap::new();
    let mut hashes = BTreeMap::new();
    for d in docs {
        if let Some(first) = names.insert(d.id.as_str(), d) {
            return Err(Error::data(format!(
                "{}: two texts of this batch are named '{}'; rename one (names identify documents)",
                d.id, first.id
            )));
        }
        if let Some(first) = hashes.insert(d.hash.as_str(), d) {
            return Err(Error::data(format!(
                "{}: same content as '{}' in this batch; remove one of them",
                d.id, first.id
            )));
        }
    }
    Ok(())
}

/// A text as stored: zlib of its UTF-8 bytes (speeches and statements shrink about threefold).
fn pack(text: &str) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(text.len() / 3), Compression::default());
    z.write_all(text.as_bytes()).and_then(|()| z.finish()).expect("writing to a Vec cannot fail")
}

/// A stored text: a BLOB is [`pack`]ed, TEXT (workspaces of schema 1) is the text itself.
struct Stored(String);

impl FromSql for Stored {
    fn column_result(v: ValueRef) -> FromSqlResult<Stored> {
        let text = match v {
            ValueRef::Text(t) => String::from_utf8(t.to_vec()).map_err(|e| FromSqlError::Other(Box::new(e)))?,
            ValueRef::Blob(b) => {
                let mut text = String::with_capacity(b.len() * 3);
                ZlibDecoder::new(b).read_to_string(&mut text).map_err(|e| FromSqlError::Other(Box::new(e)))?;
                text
            }
            _ => return Err(FromSqlError::InvalidType),
        };
        Ok(Stored(text))
    }
}

/// Inserts `docs` (already validated) through `c`, skipping content already present.
pub(super) fn insert(c: &Connection, at: &Paths, docs: &[Document]) -> Result<IngestReport> {
    check_batch(docs)?;
    let err = |e| at.err(e);
    let added = now_utc();
    let mut report = IngestReport::default();
    let mut by_hash = c.prepare_cached("SELECT name FROM documents WHERE hash = ?1").map_err(err)?;
    let mut by_name = c.prepare_cached("SELECT hash FROM documents WHERE name = ?1").map_err(err)?;
    let mut insert = c
        .prepare_cached(
            "INSERT INTO documents (name, hash, issuer, bloc, date, lang, doc_type, title, source_url, meta, text, added)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .map_err(err)?;
    // Which texts are new first, so that only those are compressed (in parallel).
    let mut fresh = Vec::new();
    for d in docs {
        if let Some(name) = by_hash.query_row([&d.hash], |r| r.get::<_, String>(0)).optional().map_err(err)? {
            report.already_present.push((d.id.clone(), name));
            continue;
        }
        if by_name.query_row([&d.id], |r| r.get::<_, String>(0)).optional().map_err(err)?.is_some() {
            return Err(Error::data(format!(
                "{}: the workspace already holds a different text named '{}'; rename the file (e.g. add a date) and ingest again",
                d.id, d.id
            )));
        }
        fresh.push(d);
    }
    let packed: Vec<Vec<u8>> = fresh.par_iter().map(|d| pack(&d.text)).collect();
    for (d, text) in fresh.into_iter().zip(packed) {
        let meta = serde_json::to_string(&d.meta).unwrap_or_else(|_| "{}".to_string());
        insert
            .execute(params![
                d.id,
                d.hash,
                d.issuer,
                d.bloc,
                d.date,
                d.lang.code(),
                d.doc_type,
                d.title,
                d.source_url,
                meta,
                text,
                added
            ])
            .map_err(err)?;
        report.added.push(d.id.clone());
        report.bytes += d.text.len();
    }
    Ok(report)
}

const COLUMNS: &str = "id, name, hash, issuer, bloc, date, lang, doc_type, title, source_url, meta";

fn document(r: &Row, with_text: bool) -> rusqlite::Result<(i64, Document)> {
    let lang: String = r.get(6)?;
    let meta: String = r.get(10)?;
    Ok((
        r.get(0)?,
        Document {
            id: r.get(1)?,
            hash: r.get(2)?,
            issuer: r.get(3)?,
            bloc: r.get(4)?,
            date: r.get(5)?,
            lang: Lang::parse(&lang).unwrap_or(Lang::Fr),
            doc_type: r.get(7)?,
            title: r.get(8)?,
            source_url: r.get(9)?,
            meta: serde_json::from_str(&meta).unwrap_or_default(),
            text: if with_text { r.get::<_, Stored>(11)?.0 } else { String::new() },
        },
    ))
}

/// Documents with `after < id <= upto`, in id order, with their text or (cheaper) without.
pub(super) fn load(c: &Connection, at: &Paths, after: i64, upto: i64, with_text: bool) -> Result<Vec<(i64, Document)>> {
    let text = if with_text { ", text" } else { "" };
    let sql = format!("SELECT {COLUMNS}{text} FROM documents WHERE id > ?1 AND id <= ?2 ORDER BY id");
    let mut stmt = c.prepare(&sql).map_err(|e| at.err(e))?;
    let rows = stmt.query_map([after, upto], |r| document(r, with_text)).map_err(|e| at.err(e))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| at.err(e))
}

/// Highest document id (0 for none).
pub(super) fn max_doc(c: &Connection, at: &Paths) -> Result<i64> {
    c.query_row("SELECT COALESCE(MAX(id), 0) FROM documents", [], |r| r.get(0)).map_err(|e| at.err(e))
}

/// A corpus of documents (in id order), rooted at the workspace.
pub(super) fn corpus(root: &Path, docs: Vec<(i64, Document)>) -> Corpus {
    Corpus { root: root.to_path_buf(), documents: docs.into_iter().map(|(_, d)| d).collect(), warnings: Vec::new() }
}

impl Workspace {
    /// Adds `docs` in one transaction; same content already present is skipped (and reported),
    /// any failure leaves the workspace untouched.
    pub fn ingest(&mut self, docs: &[Document]) -> Result<IngestReport> {
        self.write(|tx, at| insert(tx, at, docs))
    }

    /// Every document with its text, in ingestion order: what read commands analyse.
    pub fn corpus(&mut self) -> Result<Corpus> {
        self.read(|tx, at| {
            let docs = load(tx, at, 0, i64::MAX, true)?;
            if docs.is_empty() {
                return Err(Error::data(format!(
                    "{}: the workspace has no documents; add texts with `stance ingest`",
                    at.root.display()
                )));
            }
            Ok(corpus(&at.root, docs))
        })
    }

    /// Number of documents.
    pub fn n_documents(&mut self) -> Result<i64> {
        self.read(|tx, at| tx.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0)).map_err(|e| at.err(e)))
    }
}

/// A stored passage's text, re-cut from its document (offsets are stored, passage text is not).
pub(super) fn passage_text(doc: &Document, start: usize, end: usize) -> String {
    doc.text.get(start..end).map(crate::text::normalize::normalize).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{sha256_hex, NO_BLOC};

    pub(crate) fn doc(name: &str, issuer: &str, text: &str) -> Document {
        Document {
            id: name.to_string(),
            issuer: issuer.to_string(),
            bloc: NO_BLOC.to_string(),
            date: Some("2025-03-01".to_string()),
            lang: Lang::En,
            doc_type: None,
            title: None,
            source_url: None,
            meta: [("x".to_string(), "1".to_string())].into_iter().collect(),
            text: text.to_string(),
            hash: sha256_hex(text.as_bytes()),
        }
    }

    #[test]
    fn ingest_is_idempotent_and_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        Workspace::create(dir.path(), |_| Ok(())).unwrap();
        let mut ws = Workspace::open(dir.path()).unwrap();
        let r = ws.ingest(&[doc("a.txt", "EU", "one text"), doc("b.txt", "US", "another text")]).unwrap();
        assert_eq!(r.added, ["a.txt", "b.txt"]);
        let r = ws.ingest(&[doc("a2.txt", "EU", "one text")]).unwrap();
        assert!(r.added.is_empty());
        assert_eq!(r.already_present, [("a2.txt".to_string(), "a.txt".to_string())]);
        // A name clash aborts the whole batch, including the valid first document.
        let e = ws.ingest(&[doc("c.txt", "EU", "third"), doc("a.txt", "EU", "changed")]).unwrap_err();
        assert!(e.to_string().contains("a.txt") && e.to_string().contains("rename"), "{e}");
        assert_eq!(ws.n_documents().unwrap(), 2);
        let e = ws.ingest(&[doc("d.txt", "EU", "same"), doc("e.txt", "EU", "same")]).unwrap_err();
        assert!(e.to_string().contains("same content"), "{e}");
        let c = ws.corpus().unwrap();
        assert_eq!(c.documents.len(), 2);
        assert_eq!(c.documents[1].text, "another text");
        assert_eq!(c.documents[0].meta.get("x").map(String::as_str), Some("1"));
        assert_eq!(c.documents[0].hash, sha256_hex(b"one text"));
    }

    #[test]
    fn texts_are_stored_compressed_and_schema_1_texts_still_read() {
        let dir = tempfile::tempdir().unwrap();
        Workspace::create(dir.path(), |_| Ok(())).unwrap();
        let long = "Les États soutiennent un instrument juridiquement contraignant. ".repeat(200);
        Workspace::open(dir.path()).unwrap().ingest(&[doc("a.txt", "EU", &long), doc("b.txt", "US", "plain")]).unwrap();
        let db = dir.path().join("stance.db");
        let c = Connection::open(&db).unwrap();
        let (kind, bytes): (String, i64) = c
            .query_row("SELECT typeof(text), length(text) FROM documents WHERE name = 'a.txt'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(kind, "blob");
        assert!((bytes as usize) < long.len() / 10, "{bytes} bytes for {}", long.len());
        // A workspace of schema 1: texts as TEXT, the model terms in the database.
        c.execute_batch(
            "UPDATE documents SET text = 'plain, as schema 1 stored it' WHERE name = 'b.txt';
             CREATE TABLE model_terms (model INTEGER, term TEXT, idf REAL, basis BLOB);
             PRAGMA user_version = 1;",
        )
        .unwrap();
        drop(c);
        let docs = Workspace::open(dir.path()).unwrap().corpus().unwrap().documents;
        assert_eq!((docs[0].text.as_str(), docs[1].text.as_str()), (long.as_str(), "plain, as schema 1 stored it"));
        let c = Connection::open(&db).unwrap();
        let left: i64 =
            c.query_row("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'model_terms'", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "the upgrade drops the second copy of the model terms");
    }
}
