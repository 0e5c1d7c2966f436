//! Parquet files of `stance export --format parquet`: one file per table, the columns and types
//! of its CSV twin ([`super::arrow`]), Snappy-compressed. Same rows, same bytes: the writer's
//! metadata names this version of stance, not a clock.

use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::Compression;
use ::parquet::file::properties::WriterProperties;
use arrow_array::RecordBatch;

use crate::{Error, Result};

/// `batch` as the bytes of a Parquet file (written whole by the caller, atomically).
pub fn to_bytes(batch: &RecordBatch) -> Result<Vec<u8>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("stance {}", env!("CARGO_PKG_VERSION")))
        .build();
    let fail = |e: ::parquet::errors::ParquetError| Error::data(format!("cannot write Parquet: {e}"));
    let mut w = ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props)).map_err(fail)?;
    w.write(batch).map_err(fail)?;
    w.into_inner().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::arrow::file_batch;
    use crate::export::StanceCount;
    use crate::topics::Stance;
    use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn batches_round_trip_and_bytes_are_stable() {
        let rows = vec![StanceCount {
            issuer: "a".into(),
            bloc: "x".into(),
            topic: "t".into(),
            stance: Stance::Neutral,
            n: 3,
            share: 1.0,
        }];
        let batch = file_batch("stances.csv", &rows).unwrap();
        let bytes = to_bytes(&batch).unwrap();
        assert_eq!(bytes, to_bytes(&batch).unwrap(), "same rows, same bytes");
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &bytes).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
        let back: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
        assert_eq!(back, vec![batch]);
    }
}
