//! Rendering results: pretty tables for people, JSON and CSV for notebooks (CSV through the one
//! writer, [`crate::export::csv`]).
//!
//! Every command builds a plain, serialisable result first; these helpers only format it, so
//! the three formats always carry the same content.

pub mod dotplot;
pub mod html;
pub mod table;

use serde::Serialize;

pub use crate::sanitize::printable;

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

/// A float for CSV: full precision, empty when absent.
pub fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}
