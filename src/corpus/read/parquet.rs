//! Parquet tables of texts (see [`super::table`]).

use super::table::Table;
use crate::{Error, Result};

pub(super) fn table(name: &str, _bytes: Vec<u8>) -> Result<Table> {
    Err(Error::data(format!("{name}: Parquet is not read yet; export the table as CSV or JSON lines")))
}
