//! Parquet tables of texts (see [`super::table`]): every column is read as text (dates,
//! numbers and dictionary-encoded strings as Arrow prints them), a null cell as absent.
//!
//! Parquet needs the crate's `parquet` feature (on in the Python package): arrow and parquet add
//! minutes to a cold build on two cores, so the default command line leaves them out and says so.

use super::table::Table;
use crate::{Error, Result};

#[cfg(not(feature = "parquet"))]
pub(super) fn table(name: &str, _bytes: Vec<u8>) -> Result<Table> {
    Err(Error::usage(format!(
        "{name}: this build of stance reads no Parquet; build it with `--features parquet` \
         (e.g. `cargo install --path . --features parquet`), use the Python package, or export the table as CSV or JSON lines"
    )))
}

#[cfg(feature = "parquet")]
pub(super) fn table(name: &str, bytes: Vec<u8>) -> Result<Table> {
    use std::collections::BTreeMap;

    use arrow_array::Array;
    use arrow_cast::display::{ArrayFormatter, FormatOptions};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let bad = |e: &dyn std::fmt::Display| {
        Error::data(format!("{name}: not a readable Parquet file ({e}); write it again, or export it as CSV"))
    };
    // The file was read through the size cap; its cells may unpack to more (compression), so
    // the text read is capped the same way.
    let cap = crate::corpus::max_file_bytes()?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).map_err(|e| bad(&e))?;
    let columns: Vec<String> = builder.schema().fields().iter().map(|f| f.name().trim().to_lowercase()).collect();
    let reader = builder.build().map_err(|e| bad(&e))?;
    let options = FormatOptions::default();
    let (mut rows, mut read) = (Vec::new(), 0u64);
    for batch in reader {
        let batch = batch.map_err(|e| bad(&e))?;
        let cells = batch
            .columns()
            .iter()
            .map(|array| ArrayFormatter::try_new(array.as_ref(), &options).map(|f| (array, f)))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| bad(&e))?;
        for i in 0..batch.num_rows() {
            let mut row = BTreeMap::new();
            for (column, (array, format)) in columns.iter().zip(&cells) {
                if array.is_null(i) {
                    continue;
                }
                let value = format.value(i).to_string();
                read += value.len() as u64;
                if read > cap {
                    return Err(Error::data(format!(
                        "{name}: the table's cells unpack to over {} MB; split the table, or raise the limit with {}=N",
                        cap >> 20,
                        crate::corpus::MAX_FILE_ENV
                    )));
                }
                row.insert(column.clone(), value);
            }
            rows.push((rows.len() + 1, row));
        }
    }
    Ok(Table { columns, rows, sep: '#' })
}

#[cfg(all(test, feature = "parquet"))]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Date32Array, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;

    use super::*;

    fn parquet_bytes(batch: RecordBatch) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        out
    }

    #[test]
    fn every_column_as_text_and_nulls_absent() {
        let batch = RecordBatch::try_from_iter([
            ("Text", Arc::new(StringArray::from(vec![Some("Un texte."), Some("Another text.")])) as _),
            ("issuer", Arc::new(StringArray::from(vec![Some("France"), None])) as _),
            ("date", Arc::new(Date32Array::from(vec![Some(19_000), Some(19_001)])) as _),
        ])
        .unwrap();
        let table = table("t.parquet", parquet_bytes(batch)).unwrap();
        assert_eq!(table.columns, ["text", "issuer", "date"]);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].1["issuer"], "France");
        assert_eq!(table.rows[0].1["date"], "2022-01-08");
        assert!(!table.rows[1].1.contains_key("issuer"));
        assert_eq!(table.rows[1].0, 2);
    }

    #[test]
    fn not_parquet_is_one_line() {
        let err = table("t.parquet", b"text,issuer\n".to_vec()).err().unwrap().to_string();
        assert!(err.starts_with("t.parquet: not a readable Parquet file"), "{err}");
        assert!(!err.contains('\n'));
    }
}
