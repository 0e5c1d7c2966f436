//! Rendering results: pretty tables for people, JSON and CSV for notebooks.
//!
//! Every command builds a plain, serialisable result first; these helpers only format it, so
//! the three formats always carry the same content.

pub mod dotplot;
pub mod html;
pub mod table;

use serde::Serialize;

pub use crate::sanitize::{csv_cell, neutralize_csv, printable, set_raw_csv};
use crate::Result;

/// Output format chosen with `--format` (`table`, `json`, `csv`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Pretty-printed JSON with a final newline. Full float precision (shortest round-trip form).
pub fn json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// One JSON object per line (for streams such as `classify`).
pub fn json_line<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// CSV text from a header and rows (RFC 4180 quoting).
pub fn csv<R, F>(header: &[&str], rows: R) -> Result<String>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let to_err = |e: csv::Error| crate::Error::data(format!("cannot write CSV: {e}"));
    w.write_record(header.iter().map(|h| csv_cell(h).into_owned())).map_err(to_err)?;
    for row in rows {
        w.write_record(row.iter().map(|f| csv_cell(f.as_ref()).into_owned())).map_err(to_err)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::Error::data(format!("cannot write CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A float for CSV: full precision, empty when absent.
pub fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}
