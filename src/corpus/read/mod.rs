//! Readers: from a file's bytes to the text `stance` analyses, one reader per format behind
//! [`extract`] (docs/formats.md says what each keeps and drops). Every reader gets its bytes
//! through [`super::read_bytes`] (regular files only, size-capped, opened non-blocking), so the
//! safety checks stand in front of every format. Passage offsets point into the *extracted*
//! text, which `stance passages --show-source DOC` prints.

pub(crate) mod docx;
pub mod encoding;
mod html;
mod parquet;
pub(crate) mod pdf;
pub mod table;

use std::path::Path;

use crate::{Error, Result};

/// The formats a document may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Plain text, in UTF-8, UTF-16 or a legacy encoding.
    Text,
    /// A web page (`.html`, `.htm`, `.xhtml`).
    Html,
    /// A Word file (`.docx`; an old `.doc` is named in the error).
    Docx,
    /// A PDF (`.pdf`).
    Pdf,
}

impl SourceFormat {
    /// The format of `name` by its extension; without one that says (`.txt`, none, standard
    /// input), by the first bytes: `%PDF-`, a zip archive (`.docx`), `<!doctype html` or
    /// `<html`. Anything else is text.
    pub fn of(name: &str, bytes: &[u8]) -> SourceFormat {
        let ext = Path::new(name).extension().map(|x| x.to_string_lossy().to_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "html" | "htm" | "xhtml" => return SourceFormat::Html,
            "docx" | "doc" | "docm" => return SourceFormat::Docx,
            "pdf" => return SourceFormat::Pdf,
            _ => {}
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).trim_start().to_lowercase();
        if bytes.starts_with(b"%PDF-") {
            SourceFormat::Pdf
        } else if bytes.starts_with(b"PK\x03\x04") {
            SourceFormat::Docx
        } else if head.starts_with("<!doctype html") || head.starts_with("<html") {
            SourceFormat::Html
        } else {
            SourceFormat::Text
        }
    }
}

/// What a reader got out of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The text, line ends LF, not empty.
    pub text: String,
    /// The document's own title (an HTML page's `<title>`, a Word or PDF file's title property),
    /// for a manifest row without one.
    pub title: Option<String>,
    /// Non-fatal remarks for the user: the encoding a text was read in, what was dropped.
    pub warnings: Vec<String>,
}

/// Reads the document at `path` (checked by [`super::read_bytes`]) in the format of its name.
pub fn read_document(path: &Path) -> Result<Extracted> {
    extract(&path.display().to_string(), super::read_bytes(path)?)
}

/// The text of a document from its bytes, in the format of `name` (a file name, or `<stdin>`),
/// line ends CRLF and lone CR made LF — the one normalisation for files and standard input, so
/// the same text gives the same passages. An empty text is an error naming `name`.
pub fn extract(name: &str, bytes: Vec<u8>) -> Result<Extracted> {
    let mut out = match SourceFormat::of(name, &bytes) {
        SourceFormat::Text => {
            let d = encoding::decode(name, bytes)?;
            Extracted { text: d.text, title: None, warnings: d.warning.into_iter().collect() }
        }
        SourceFormat::Html => {
            let (text, title, warnings) = html::extract(name, bytes)?;
            if text.trim().is_empty() {
                return Err(Error::data(format!(
                    "{name}: the page has no main text (scripts, menus and banners are left out); save the text itself"
                )));
            }
            Extracted { text, title, warnings }
        }
        SourceFormat::Docx => {
            let (text, title) = docx::extract(name, bytes)?;
            Extracted { text, title, warnings: Vec::new() }
        }
        SourceFormat::Pdf => {
            let (text, title, warnings) = pdf::extract(name, bytes)?;
            Extracted { text, title, warnings }
        }
    };
    if out.text.contains('\r') {
        out.text = out.text.replace("\r\n", "\n").replace('\r', "\n");
    }
    if out.text.trim().is_empty() {
        return Err(Error::data(format!("{name}: the file is empty; remove it or add its text")));
    }
    Ok(out)
}
