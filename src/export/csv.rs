//! The one CSV writer, for `--format csv` tables and exported files alike: RFC 4180 quoting,
//! `\n` line ends, a header even when there are no rows, and cells a spreadsheet would run as
//! formulas neutralised ([`crate::sanitize::csv_cell`]).
//!
//! Here, below `render`, so that both exports and rendered tables write through it.

use serde::{ser, Serialize};

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
    let cells = records.iter().map(cells).collect::<Result<Vec<_>>>()?;
    rows(header, cells)
}

/// The cells of one row, as the `csv` crate's serialiser writes them (integers in decimal,
/// floats in their shortest round-trip form, `None` empty, enum variants by name, a sequence one
/// cell per item), and also through maps, which it refuses: a part of a row flattened with
/// `#[serde(flatten)]` (e.g. a passage's [`super::Provenance`]) serialises as a map, whose values
/// are cells in order (the header names them).
pub fn cells<T: Serialize + ?Sized>(row: &T) -> Result<Vec<String>> {
    let mut out = Cells(Vec::new());
    row.serialize(&mut out).map_err(cannot)?;
    Ok(out.0)
}

struct Cells(Vec<String>);

#[derive(Debug)]
struct CellError(String);

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CellError {}

impl ser::Error for CellError {
    fn custom<M: std::fmt::Display>(msg: M) -> CellError {
        CellError(msg.to_string())
    }
}

type Done = std::result::Result<(), CellError>;

impl Cells {
    fn push(&mut self, cell: impl Into<String>) -> Done {
        self.0.push(cell.into());
        Ok(())
    }
}

/// Integers: in decimal.
macro_rules! decimal {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Done {
            self.push(v.to_string())
        }
    )*};
}

impl ser::Serializer for &mut Cells {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.push(if v { "true" } else { "false" })
    }
    decimal!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128);
    decimal!(serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);
    fn serialize_f32(self, v: f32) -> Done {
        self.push(ryu::Buffer::new().format(v))
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.push(ryu::Buffer::new().format(v))
    }
    fn serialize_char(self, v: char) -> Done {
        self.push(v)
    }
    fn serialize_str(self, v: &str) -> Done {
        self.push(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.push(String::from_utf8_lossy(v))
    }
    fn serialize_none(self) -> Done {
        self.push("")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.push("")
    }
    fn serialize_unit_struct(self, name: &'static str) -> Done {
        self.push(name)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.push(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self, CellError> {
        Err(ser::Error::custom("enum tuple variants do not fit a CSV row"))
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, CellError> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self, CellError> {
        Err(ser::Error::custom("enum struct variants do not fit a CSV row"))
    }
}

/// Sequences, tuples and structs: every element or field, in order.
macro_rules! elements {
    ($($trait:ident :: $method:ident ($($key:ty)?)),*) => {$(
        impl ser::$trait for &mut Cells {
            type Ok = ();
            type Error = CellError;
            fn $method<T: Serialize + ?Sized>(&mut self, $(_: $key,)? v: &T) -> Done {
                v.serialize(&mut **self)
            }
            fn end(self) -> Done {
                Ok(())
            }
        }
    )*};
}
elements!(
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(&'static str),
    SerializeStructVariant::serialize_field(&'static str)
);

/// Maps (flattened parts): the values only.
impl ser::SerializeMap for &mut Cells {
    type Ok = ();
    type Error = CellError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Done {
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
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

    /// The cells are those the `csv` crate's serialiser writes, and flattened parts add theirs.
    #[test]
    fn cells_are_the_csv_crates_and_flattened_parts_are_cells() {
        #[derive(Serialize)]
        struct Inner {
            x: f32,
            y: Option<u8>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "lowercase")]
        enum E {
            Support,
        }
        #[derive(Serialize)]
        struct Plain {
            a: f64,
            b: f64,
            c: bool,
            d: E,
            e: Vec<&'static str>,
            f: i64,
            inner: Inner,
            g: f64,
        }
        let plain = Plain {
            a: 1.0,
            b: 1e21,
            c: true,
            d: E::Support,
            e: vec!["p", "q"],
            f: -3,
            inner: Inner { x: 0.1, y: None },
            g: f64::NAN,
        };
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
        w.serialize(&plain).unwrap();
        let by_csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(cells(&plain).unwrap().join(","), by_csv.trim_end());
        #[derive(Serialize)]
        struct Flat {
            a: u32,
            #[serde(flatten)]
            inner: Inner,
            b: &'static str,
        }
        let flat = Flat { a: 7, inner: Inner { x: 2.5, y: Some(3) }, b: "z" };
        assert_eq!(cells(&flat).unwrap(), ["7", "2.5", "3", "z"]);
    }
}
