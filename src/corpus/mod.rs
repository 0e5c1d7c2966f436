//! The corpus: `manifest.csv` plus the texts it names (format in `README.md`).
//!
//! Loading validates everything up front, so later stages can trust their input: every row
//! points to a readable, non-empty file whose text [`read`] could extract (non-UTF-8 text is
//! decoded with a warning), no file appears twice, dates are ISO.
//! A directory without a manifest is read as one document per `.txt`, `.html`, `.docx` or `.pdf` file
//! (issuer = file stem).
//!
//! Safety (docs/security.md): a manifest reads only regular files inside its folder — absolute
//! paths, `..` escapes and symbolic links resolving outside are refused ([`resolve_in`]) — and
//! every file is checked (regular, at most [`max_file_bytes`]) before it is opened, then read
//! through a bounded reader ([`read_bytes`]).

pub mod gold;
pub mod read;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::detect;
use crate::text::lang::Lang;
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
            "{}: corpus folder not found; give --corpus DIR (a folder with manifest.csv and the texts) or a table of texts (.csv, .jsonl, .parquet)",
            dir.display()
        )));
    }
    let manifest = dir.join("manifest.csv");
    let mut corpus = if manifest.is_file() { load_manifest(dir, &manifest)? } else { load_plain_dir(dir)? };
    corpus.root = dir.to_path_buf();
    if corpus.documents.is_empty() {
        return Err(Error::data(if manifest.is_file() {
            format!("{}: the corpus has no documents; add rows to manifest.csv", dir.display())
        } else {
            format!(
                "{}: no manifest.csv and no .txt file; add the texts (.txt) with a manifest.csv (file,issuer,…), or give --corpus DIR",
                dir.display()
            )
        }));
    }
    Ok(corpus)
}

/// `--corpus PATH`: a folder ([`load`]), a manifest (a `.csv` with a `file` column and no
/// text column named in `columns`), or a table of texts ([`read::table`]: `.csv`, `.tsv`,
/// `.jsonl`, `.json`, `.parquet`, one document per row).
pub fn load_path(path: &Path, columns: &read::table::Columns) -> Result<Corpus> {
    if path.is_dir() || read::table::TableKind::of(path).is_none() {
        return load(path);
    }
    if read::table::is_manifest(path, columns)? {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut corpus = load_manifest(dir, path)?;
        corpus.root = dir.to_path_buf();
        return Ok(corpus);
    }
    read::table::load_table(path, columns)
}

/// Reads a manifest (see [`load`]) whose rows name files relative to `dir`.
pub fn load_manifest(dir: &Path, manifest: &Path) -> Result<Corpus> {
    let root = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let bytes = read_bytes(manifest)?;
    from_manifest(&manifest.display().to_string(), bytes, |file| {
        resolve_in(&root, file).and_then(|path| read::read_document(&path))
    })
}

/// The corpus shipped in `seeds/`, built into the binary so that an installed `stance` has it
/// wherever it runs (`cargo install --path .`). Trusted data read from memory: the path and
/// size checks of a folder on disk ([`resolve_in`], [`read_bytes`]) have nothing to guard.
static BUILTIN: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/seeds");

/// The shipped corpus (see [`BUILTIN`]), as [`load`] would read the `seeds/` folder; its
/// `root` is `seeds`.
pub fn builtin() -> Result<Corpus> {
    let manifest = BUILTIN
        .get_file("manifest.csv")
        .ok_or_else(|| Error::data("the built-in corpus has no manifest.csv; give --corpus DIR"))?;
    let mut corpus = from_manifest("seeds/manifest.csv (built in)", manifest.contents().to_vec(), |file| {
        let f = BUILTIN.get_file(file).ok_or_else(|| Error::data(format!("'{file}' is not in the built-in corpus")))?;
        read::extract(&format!("seeds/{file}"), f.contents().to_vec())
    })?;
    corpus.root = PathBuf::from("seeds");
    Ok(corpus)
}

/// A corpus from a manifest's bytes (`name` in errors) and a reader of the files it lists.
fn from_manifest(name: &str, bytes: Vec<u8>, mut read: impl FnMut(&str) -> Result<read::Extracted>) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    let rows = read_manifest(name, bytes, &mut corpus.warnings)?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_hash: BTreeMap<String, usize> = BTreeMap::new();
    for (line, row) in rows {
        let at = format!("{name}:{line}");
        let file = row.get("file").cloned().unwrap_or_default();
        if let Some(first) = seen.insert(file.clone(), line) {
            return Err(Error::data(format!(
                "{at}: file '{file}' is listed twice (first on line {first}); keep one row per file"
            )));
        }
        let read::Extracted { text, title, warnings } = read(&file).map_err(|e| Error::data(format!("{at}: {e}")))?;
        corpus.warnings.extend(warnings);
        let mut row = row;
        if let Some(title) = title.filter(|_| row.get("title").is_none_or(|t| t.is_empty())) {
            row.insert("title".to_string(), title);
        }
        let hash = sha256_hex(text.as_bytes());
        if let Some(first) = by_hash.insert(hash.clone(), line) {
            return Err(Error::data(format!(
                "{at}: '{file}' has the same content as the file on line {first}; remove the duplicate row"
            )));
        }
        corpus.documents.push(document_from_row(&at, file, row, text, hash)?);
    }
    merge_spellings(&mut corpus, name);
    Ok(corpus)
}

/// Parses the manifest `name` into (line number, column → value) rows, checking the required
/// columns. A manifest not in UTF-8 (Excel's "CSV" and "Unicode text") is decoded, with a
/// warning in `warnings`.
fn read_manifest(
    name: &str,
    bytes: Vec<u8>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(usize, BTreeMap<String, String>)>> {
    let decoded = read::encoding::decode(name, bytes)?;
    warnings.extend(decoded.warning);
    let text = decoded.text.as_str();
    let mut reader =
        csv::ReaderBuilder::new().flexible(false).delimiter(sniff_delimiter(text)).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::data(format!("{name}:1: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    for required in ["file", "issuer"] {
        if !headers.iter().any(|h| h == required) {
            return Err(Error::data(format!(
                "{name}:1: missing required column '{required}' (the header needs at least: file,issuer)"
            )));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::data(format!("{name}:{line}: malformed CSV row ({e}); quote fields that contain commas"))
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
                    "{name}:{line}: column '{required}' is empty; every row needs a file and an issuer"
                )));
            }
        }
        rows.push((line, row));
    }
    Ok(rows)
}

/// The manifest's delimiter: `,`, or `;` (spreadsheets in French and other locales where the
/// comma is the decimal mark) or a tab, whichever splits the header into the columns `file`
/// and `issuer`.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let names = |d: char| header.split(d).map(|h| h.trim().trim_matches('"').trim().to_lowercase()).collect::<Vec<_>>();
    [',', ';', '\t']
        .into_iter()
        .find(|&d| {
            let n = names(d);
            n.iter().any(|h| h == "file") && n.iter().any(|h| h == "issuer")
        })
        .map_or(b',', |d| d as u8)
}

/// Issuers and blocs that differ only by case or spacing ("Russia", "russia ", "Russia  ") are
/// one group: every spelling becomes the first one met, with a warning naming them.
fn merge_spellings(corpus: &mut Corpus, name: &str) {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    for (kind, field) in
        [("issuer", (|d: &mut Document| &mut d.issuer) as fn(&mut Document) -> &mut String), ("bloc", |d| &mut d.bloc)]
    {
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        let mut variants: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for doc in &mut corpus.documents {
            let value = field(doc);
            let canonical = first.entry(fold(value)).or_insert_with(|| value.clone()).clone();
            if *value != canonical {
                let seen = variants.entry(canonical.clone()).or_default();
                if !seen.contains(value) {
                    seen.push(value.clone());
                }
                *value = canonical;
            }
        }
        for (canonical, others) in variants {
            let others: Vec<String> = others.iter().map(|o| format!("'{o}'")).collect();
            corpus.warnings.push(format!(
                "{name}: {kind} '{canonical}' is also written {}; read as one {kind}, '{canonical}' (write it one way to silence this)",
                others.join(", ")
            ));
        }
    }
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
        None => detect::language(&text),
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
        [y, m, day] if digits(y, 4) && digits(m, 2) && digits(day, 2) => {
            let n = |s: &str| s.parse::<i8>().unwrap_or(0);
            jiff::civil::Date::new(y.parse().unwrap_or(0), n(m), n(day)).is_ok()
        }
        _ => false,
    }
}

/// Largest file read (texts, manifests), in MB, unless [`MAX_FILE_ENV`] says otherwise: a
/// speech or a declaration is well under 1 MB, the whole 50 MB benchmark corpus has no file
/// over 1 MB, so 64 MB leaves room for a book-length report while a stray disk image or
/// `/dev/zero` is refused before it fills the memory.
pub const DEFAULT_MAX_FILE_MB: u64 = 64;
/// Environment variable overriding [`DEFAULT_MAX_FILE_MB`] (whole megabytes, at least 1).
pub const MAX_FILE_ENV: &str = "STANCE_MAX_FILE_MB";

/// The per-file size cap in bytes ([`DEFAULT_MAX_FILE_MB`], or [`MAX_FILE_ENV`]).
pub fn max_file_bytes() -> Result<u64> {
    let mb = match std::env::var(MAX_FILE_ENV) {
        Ok(v) => v.trim().parse::<u64>().ok().filter(|&n| (1..=1 << 20).contains(&n)).ok_or_else(|| {
            Error::usage(format!("{MAX_FILE_ENV}='{v}' is not a size in MB; give a whole number from 1 to 1048576"))
        })?,
        Err(_) => DEFAULT_MAX_FILE_MB,
    };
    Ok(mb << 20)
}

/// The path of manifest value `file` inside the (canonical) corpus folder `root`; refuses an
/// absolute path and anything that resolves outside `root` (`..`, symbolic links).
pub fn resolve_in(root: &Path, file: &str) -> Result<PathBuf> {
    let rel = Path::new(file);
    if rel.has_root() {
        return Err(Error::data(format!(
            "'{file}' is an absolute path; list files by their path relative to the corpus folder {} (copy the file into it)",
            root.display()
        )));
    }
    let path = root.join(rel);
    let real = path.canonicalize().map_err(|e| Error::io(&path, e))?;
    if !real.starts_with(root) {
        return Err(Error::data(format!(
            "'{file}' resolves outside the corpus folder {} (through '..' or a symbolic link); copy the file into the folder and list it by its relative path",
            root.display()
        )));
    }
    Ok(real)
}

/// Refuses anything but a regular file of at most `cap` bytes (checked on metadata, before
/// any read: a FIFO would block, a device never end).
fn check_regular(path: &Path, meta: &std::fs::Metadata, cap: u64) -> Result<()> {
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Error::data(format!("{}: is a folder, not a text file", path.display())));
    }
    if !kind.is_file() {
        return Err(Error::data(format!(
            "{}: not a regular file (a FIFO, device or socket); copy the text into a file",
            path.display()
        )));
    }
    if meta.len() > cap {
        return Err(too_large(path, meta.len(), cap));
    }
    Ok(())
}

fn too_large(path: &Path, len: u64, cap: u64) -> Error {
    Error::data(format!(
        "{}: {:.1} MB is over the {} MB limit per file; split the text, or raise the limit with {MAX_FILE_ENV}=N",
        path.display(),
        len as f64 / (1u64 << 20) as f64,
        cap >> 20
    ))
}

/// Reads a whole file that must be a regular file within the size cap: checked before opening,
/// opened non-blocking (a FIFO swapped in meanwhile cannot block), checked again on the open
/// handle, and read through a reader that stops one byte past the cap.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let cap = max_file_bytes()?;
    check_regular(path, &std::fs::metadata(path).map_err(|e| Error::io(path, e))?, cap)?;
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    check_regular(path, &meta, cap)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, bytes.len() as u64, cap));
    }
    Ok(bytes)
}

/// The files a folder without a manifest is read from: text, web pages, Word files, PDFs.
pub const DOCUMENT_EXTENSIONS: &[&str] = &["txt", "html", "htm", "docx", "pdf"];

fn load_plain_dir(dir: &Path) -> Result<Corpus> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| DOCUMENT_EXTENSIONS.contains(&&*x.to_string_lossy().to_lowercase())))
        .collect();
    let root = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    files.sort();
    let mut corpus = Corpus::default();
    corpus.warnings.push(format!(
        "{}: no manifest.csv; reading each .txt, .html, .htm, .docx and .pdf file as one document with issuer = file name",
        dir.display()
    ));
    for path in files {
        let name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let read::Extracted { text, title, warnings } = read::read_document(
            &resolve_in(&root, &name).map_err(|e| Error::data(format!("{}: {e}", path.display())))?,
        )?;
        corpus.warnings.extend(warnings);
        let id = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let issuer = path.file_stem().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let hash = sha256_hex(text.as_bytes());
        let lang = detect::language(&text);
        corpus.documents.push(Document {
            id,
            issuer,
            bloc: NO_BLOC.to_string(),
            date: None,
            lang,
            doc_type: None,
            title,
            source_url: None,
            meta: BTreeMap::new(),
            text,
            hash,
        });
    }
    Ok(corpus)
}

/// Errors with the list of known names (one line) when `name` is not one of `known`; `kind`
/// names what they are ("issuer", "bloc", "document").
pub fn check_name(kind: &str, name: &str, known: &[String]) -> Result<()> {
    if known.iter().any(|k| k == name) {
        Ok(())
    } else {
        let hint = crate::error::did_you_mean(name, known.iter().map(String::as_str));
        Err(Error::usage(format!("unknown {kind} '{name}'{hint}; known {kind}s: {}", known.join(", "))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2024-11-10") && is_iso_date("2011-09") && is_iso_date("2011"));
        assert!(!is_iso_date("10/11/2024") && !is_iso_date("2024-13") && !is_iso_date("2024-1-1"));
        assert!(is_iso_date("2024-02-29") && is_iso_date("2000-02-29") && is_iso_date("2025-04-30"));
        assert!(!is_iso_date("2025-02-29") && !is_iso_date("1900-02-29") && !is_iso_date("2025-02-30"));
        assert!(!is_iso_date("2025-04-31") && !is_iso_date("2025-00-10") && !is_iso_date("2025-01-00"));
    }

    #[test]
    fn loads_shipped_seeds() {
        let c = load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))).unwrap();
        assert_eq!(c.documents.len(), 21);
        assert!(c.issuers().contains(&"CIS".to_string()));
        assert_eq!(c.blocs(), ["african-union", "bilateral", "china", "russia-aligned", "un", "western"]);
    }

    #[test]
    fn builtin_is_the_shipped_seeds() {
        let disk = load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))).unwrap();
        let built = builtin().unwrap();
        assert_eq!(built.hash(), disk.hash());
        assert_eq!(built.root, Path::new("seeds"));
    }
}
