//! The one CSV writer, for `--format csv` tables and exported files alike: RFC 4180 quoting,
//! `\n` line ends, a header even when there are no rows, and cells a spreadsheet would run as
//! formulas neutralised ([`crate::sanitize::csv_cell`]).
//!
//! Here, below `render`, so that both exports and rendered tables write through it.

use serde::Serialize;

use crate::sanitize::csv_cell as cell;
use crate::{Error, Result};

fn cannot(e: impl std::fmt::Display) -> Error {
    Error::data(format!("cannot write CSV: {e}"))
}

/// CSV text from a header and rows of text cells.
pub fn rows<R, F>(header: &[&str], rows: R) -> Result<String>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(header.iter().map(|h| cell(h).into_owned())).map_err(cannot)?;
    for row in rows {
        w.write_record(row.iter().map(|f| cell(f.as_ref()).into_owned())).map_err(cannot)?;
    }
    String::from_utf8(w.into_inner().map_err(cannot)?).map_err(cannot)
}

/// CSV text of serialisable rows (one struct per row, its fields in order) under `header`.
pub fn records<T: Serialize>(header: &[&str], records: &[T]) -> Result<String> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for r in records {
        w.serialize(r).map_err(cannot)?;
    }
    let serialized = w.into_inner().map_err(cannot)?;
    // Serde gives the cells; they are written through `rows` like every other CSV.
    let mut read = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(serialized.as_slice());
    let cells: Vec<Vec<String>> = read
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_string).collect()).map_err(cannot))
        .collect::<Result<_>>()?;
    rows(header, cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_records_write_alike() {
        #[derive(Serialize)]
        struct R {
            a: String,
            b: Option<f64>,
        }
        let recs = [R { a: "x, y".into(), b: Some(1.5) }, R { a: "=1".into(), b: None }];
        let want = "a,b\n\"x, y\",1.5\n'=1,\n";
        assert_eq!(records(&["a", "b"], &recs).unwrap(), want);
        assert_eq!(rows(&["a", "b"], [vec!["x, y", "1.5"], vec!["=1", ""]]).unwrap(), want);
        assert_eq!(records::<R>(&["a", "b"], &[]).unwrap(), "a,b\n");
    }
}
