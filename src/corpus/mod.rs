//! The corpus: `manifest.csv` plus the texts it names (format in `README.md`).
//!
//! Loading validates everything up front, so later stages can trust their input: every row
//! points to a readable UTF-8, non-empty file, no file appears twice, dates are ISO.
//! A directory without a manifest is read as one document per `.txt` file (issuer = file stem).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::lang::{self, Lang};
use crate::{Error, Result};

/// Bloc name given to documents whose manifest row has none.
pub const NO_BLOC: &str = "(none)";

/// One text with its manifest metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    /// The manifest's `file` value: a path relative to the corpus directory. Unique.
    pub id: String,
    pub issuer: String,
    /// The manifest's `bloc`, or [`NO_BLOC`].
    pub bloc: String,
    /// ISO date (`YYYY-MM-DD`, or `YYYY-MM`, `YYYY`) when given.
    pub date: Option<String>,
    pub lang: Lang,
    pub doc_type: Option<String>,
    pub title: Option<String>,
    pub source_url: Option<String>,
    /// Unknown manifest columns, kept as metadata.
    pub meta: BTreeMap<String, String>,
    /// The text, CRLF normalised to LF, otherwise as on disk.
    pub text: String,
    /// SHA-256 of `text` (hex): identifies the content for re-ingest and corpus hashes.
    pub hash: String,
}

/// A loaded corpus, documents in manifest order.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub root: PathBuf,
    pub documents: Vec<Document>,
    /// Non-fatal remarks for the user (e.g. "no manifest.csv").
    pub warnings: Vec<String>,
}

const KNOWN: &[&str] = &["file", "issuer", "bloc", "date", "lang", "doc_type", "title", "source_url"];

impl Corpus {
    /// Hash of the whole corpus: the sorted (id, content hash, issuer, bloc) rows.
    pub fn hash(&self) -> String {
        let mut rows: Vec<String> =
            self.documents.iter().map(|d| format!("{}\t{}\t{}\t{}", d.id, d.hash, d.issuer, d.bloc)).collect();
        rows.sort();
        sha256_hex(rows.join("\n").as_bytes())
    }

    /// Sorted, de-duplicated issuer names.
    pub fn issuers(&self) -> Vec<String> {
        sorted_unique(self.documents.iter().map(|d| d.issuer.clone()))
    }

    /// Sorted, de-duplicated bloc names.
    pub fn blocs(&self) -> Vec<String> {
        sorted_unique(self.documents.iter().map(|d| d.bloc.clone()))
    }

    /// Total bytes of text.
    pub fn bytes(&self) -> usize {
        self.documents.iter().map(|d| d.text.len()).sum()
    }
}

pub fn sorted_unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items.collect();
    v.sort();
    v.dedup();
    v
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads the corpus in `dir`: `dir/manifest.csv` when present, else every `*.txt` in `dir`.
pub fn load(dir: &Path) -> Result<Corpus> {
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "{}: corpus directory not found; give --corpus DIR (a folder with manifest.csv and the texts)",
            dir.display()
        )));
    }
    let manifest = dir.join("manifest.csv");
    let mut corpus = if manifest.is_file() { load_manifest(dir, &manifest)? } else { load_plain_dir(dir)? };
    corpus.root = dir.to_path_buf();
    if corpus.documents.is_empty() {
        return Err(Error::data(format!("{}: the corpus has no documents; add rows to manifest.csv", dir.display())));
    }
    Ok(corpus)
}

/// Reads a manifest (see [`load`]) whose rows name files relative to `dir`.
pub fn load_manifest(dir: &Path, manifest: &Path) -> Result<Corpus> {
    let rows = read_manifest(manifest)?;
    let mut corpus = Corpus::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_hash: BTreeMap<String, usize> = BTreeMap::new();
    for (line, row) in rows {
        let at = format!("{}:{line}", manifest.display());
        let file = row.get("file").cloned().unwrap_or_default();
        if let Some(first) = seen.insert(file.clone(), line) {
            return Err(Error::data(format!(
                "{at}: file '{file}' is listed twice (first on line {first}); keep one row per file"
            )));
        }
        let path = dir.join(&file);
        let text = read_text(&path).map_err(|e| Error::data(format!("{at}: {e}")))?;
        let hash = sha256_hex(text.as_bytes());
        if let Some(first) = by_hash.insert(hash.clone(), line) {
            return Err(Error::data(format!(
                "{at}: '{file}' has the same content as the file on line {first}; remove the duplicate row"
            )));
        }
        corpus.documents.push(document_from_row(&at, file, row, text, hash)?);
    }
    Ok(corpus)
}

/// Parses the manifest into (line number, column → value) rows, checking the required columns.
fn read_manifest(manifest: &Path) -> Result<Vec<(usize, BTreeMap<String, String>)>> {
    let bytes = std::fs::read(manifest).map_err(|e| Error::io(manifest, e))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::data(format!("{}: not valid UTF-8; re-save it as UTF-8", manifest.display())))?;
    let mut reader =
        csv::ReaderBuilder::new().flexible(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::data(format!("{}:1: cannot read the header: {e}", manifest.display())))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    for required in ["file", "issuer"] {
        if !headers.iter().any(|h| h == required) {
            return Err(Error::data(format!(
                "{}:1: missing required column '{required}' (the header needs at least: file,issuer)",
                manifest.display()
            )));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::data(format!(
                "{}:{line}: malformed CSV row ({e}); quote fields that contain commas",
                manifest.display()
            ))
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let row: BTreeMap<String, String> =
            headers.iter().cloned().zip(record.iter().map(|v| v.trim().to_string())).collect();
        for required in ["file", "issuer"] {
            if row.get(required).is_none_or(|v| v.is_empty()) {
                return Err(Error::data(format!(
                    "{}:{line}: column '{required}' is empty; every row needs a file and an issuer",
                    manifest.display()
                )));
            }
        }
        rows.push((line, row));
    }
    Ok(rows)
}

fn document_from_row(
    at: &str,
    file: String,
    mut row: BTreeMap<String, String>,
    text: String,
    hash: String,
) -> Result<Document> {
    let mut take = |k: &str| row.remove(k).filter(|v| !v.is_empty());
    let issuer = take("issuer").unwrap_or_default();
    let bloc = take("bloc").unwrap_or_else(|| NO_BLOC.to_string());
    let date = take("date");
    if let Some(d) = &date {
        if !is_iso_date(d) {
            return Err(Error::data(format!("{at}: date '{d}' is not ISO; write YYYY-MM-DD (or YYYY-MM, YYYY)")));
        }
    }
    let lang = match take("lang") {
        Some(l) => Lang::parse(&l).ok_or_else(|| {
            Error::data(format!("{at}: lang '{l}' is not supported; use 'fr' or 'en', or leave it empty"))
        })?,
        None => lang::detect(&text),
    };
    let doc_type = take("doc_type");
    let title = take("title");
    let source_url = take("source_url");
    row.remove("file");
    let meta = row.into_iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).collect();
    Ok(Document { id: file, issuer, bloc, date, lang, doc_type, title, source_url, meta, text, hash })
}

/// Is `d` an ISO date: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`?
pub fn is_iso_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, day] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(day, 2)
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&day.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

/// Reads a text file as UTF-8 (CRLF → LF), rejecting missing, unreadable, non-UTF-8 and empty
/// files with a message that says what to do.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return Err(Error::data(format!(
                "{}: not valid UTF-8 (byte {at}); re-save the file as UTF-8",
                path.display()
            )));
        }
    };
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n").replace('\r', "\n");
    if text.trim().is_empty() {
        return Err(Error::data(format!("{}: the file is empty; remove it or add its text", path.display())));
    }
    Ok(text)
}

fn load_plain_dir(dir: &Path) -> Result<Corpus> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt") && p.is_file())
        .collect();
    files.sort();
    let mut corpus = Corpus::default();
    corpus.warnings.push(format!(
        "{}: no manifest.csv; reading each .txt file as one document with issuer = file name",
        dir.display()
    ));
    for path in files {
        let text = read_text(&path)?;
        let id = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let issuer = path.file_stem().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let hash = sha256_hex(text.as_bytes());
        let lang = lang::detect(&text);
        corpus.documents.push(Document {
            id,
            issuer,
            bloc: NO_BLOC.to_string(),
            date: None,
            lang,
            doc_type: None,
            title: None,
            source_url: None,
            meta: BTreeMap::new(),
            text,
            hash,
        });
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2024-11-10") && is_iso_date("2011-09") && is_iso_date("2011"));
        assert!(!is_iso_date("10/11/2024") && !is_iso_date("2024-13") && !is_iso_date("2024-1-1"));
    }

    #[test]
    fn loads_shipped_seeds() {
        let c = load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))).unwrap();
        assert_eq!(c.documents.len(), 21);
        assert!(c.issuers().contains(&"CIS".to_string()));
        assert_eq!(c.blocs(), ["african-union", "bilateral", "china", "russia-aligned", "un", "western"]);
    }
}
