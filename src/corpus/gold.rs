//! Gold files: passages labelled by hand with a topic and a stance (`stance evaluate --gold`,
//! and the learned complement's training data).

use std::path::Path;

use crate::topics::Stance;
use crate::{Error, Result};

/// Label of "no topic" in confusion matrices (also read as no topic in a gold file).
pub const NO_TOPIC: &str = "(none)";

/// One labelled passage. `line` is its line in the gold file (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldRow {
    pub line: usize,
    pub passage: String,
    pub topic: Option<String>,
    pub stance: Option<Stance>,
    /// From the optional `issuer` column (empty = unknown).
    pub issuer: Option<String>,
    /// From the optional `file` column: the document the passage comes from (empty = unknown).
    pub file: Option<String>,
}

/// Reads a gold CSV: columns `passage`, `topic`, `stance`, optionally `issuer` (others ignored).
/// An empty topic, or `none`, means no topic; an empty stance is not scored.
pub fn read_gold(path: &Path) -> Result<Vec<GoldRow>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    parse_gold(&path.display().to_string(), file)
}

/// [`read_gold`] of CSV text read from `input`, named `name` in messages.
pub fn parse_gold(name: &str, input: impl std::io::Read) -> Result<Vec<GoldRow>> {
    let at = |msg: String| Error::data(format!("{name}: {msg}"));
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = reader.headers().map_err(|e| at(format!("cannot read the header line: {e}")))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| at(format!("missing column '{name}'; a gold file needs the columns passage, topic, stance")))
    };
    let (c_passage, c_topic, c_stance) = (col("passage")?, col("topic")?, col("stance")?);
    let c_issuer = col("issuer").ok();
    let c_file = col("file").ok();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| at(format!("line {line}: {e}")))?;
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let topic = match field(c_topic) {
            "" | "none" | NO_TOPIC => None,
            t => Some(t.to_string()),
        };
        let stance = match field(c_stance) {
            "" => None,
            s => Some(Stance::parse(s).ok_or_else(|| {
                at(format!("line {line}: stance '{s}' is not support, oppose or neutral (or empty)"))
            })?),
        };
        let issuer = c_issuer.map(field).filter(|i| !i.is_empty()).map(str::to_string);
        let file = c_file.map(field).filter(|f| !f.is_empty()).map(str::to_string);
        rows.push(GoldRow { line, passage: field(c_passage).to_string(), topic, stance, issuer, file });
    }
    if rows.is_empty() {
        return Err(at("no labelled passage after the header; add rows".to_string()));
    }
    Ok(rows)
}
