//! Readers: from a file's bytes to the text `stance` analyses, one reader per format behind
//! [`extract`] (docs/formats.md says what each keeps and drops). Every reader gets its bytes
//! through [`super::read_bytes`] (regular files only, size-capped, opened non-blocking), so the
//! safety checks stand in front of every format. Passage offsets point into the *extracted*
//! text, which `stance passages --show-source DOC` prints.

pub mod encoding;
mod parquet;
pub mod table;

use std::path::Path;

use crate::{Error, Result};

/// The formats a document may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Plain text, in UTF-8, UTF-16 or a legacy encoding.
    Text,
}

impl SourceFormat {
    /// The format of `name` by its extension; anything else is read as text.
    pub fn of(_name: &str, _bytes: &[u8]) -> SourceFormat {
        SourceFormat::Text
    }
}

/// What a reader got out of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The text, line ends LF, not empty.
    pub text: String,
    /// The document's own title (an HTML page's `<title>`), for a manifest row without one.
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
    };
    if out.text.contains('\r') {
        out.text = out.text.replace("\r\n", "\n").replace('\r', "\n");
    }
    if out.text.trim().is_empty() {
        return Err(Error::data(format!("{name}: the file is empty; remove it or add its text")));
    }
    Ok(out)
}
