//! Tables as Arrow record batches: the Parquet files of `stance export --format parquet` and the
//! tables the Python package hands to pyarrow / pandas / Spark.
//!
//! The columns of an export file and their types come from `docs/schema.json` (the document every
//! export ships), so a Parquet file has exactly the columns of its CSV twin, typed as documented:
//! `string` → Utf8, `integer` → Int64, `number` → Float64, `boolean` → Boolean, nullable where
//! the schema allows `null`. Other tables (the Python package's) declare their [`Column`]s.
//! Rows are the same `Serialize` types the CSV writer reads, so both carry the same values.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use serde::Serialize;
use serde_json::Value;

use super::SCHEMA_JSON;
use crate::{Error, Result};

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
    Bool,
    /// A list of strings (a JSON array of strings in the row).
    StrList,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Str => DataType::Utf8,
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))),
        }
    }
}

/// A column of a table: its name (the row type's serde field name), type and whether it may
/// hold nulls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
}

impl Column {
    pub fn new(name: &str, kind: Kind, nullable: bool) -> Column {
        Column { name: name.to_string(), kind, nullable }
    }
}

/// The columns of each export file (`"similarity.csv"` …), read once from `docs/schema.json`.
fn export_columns() -> &'static BTreeMap<String, Vec<Column>> {
    static COLUMNS: OnceLock<BTreeMap<String, Vec<Column>>> = OnceLock::new();
    COLUMNS.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA_JSON).unwrap_or_default();
        let defs = &schema["$defs"];
        let mut out = BTreeMap::new();
        for (file, def) in defs.as_object().into_iter().flatten() {
            let Some(names) = def["x-columns"].as_array() else { continue };
            let columns = names
                .iter()
                .filter_map(Value::as_str)
                .map(|name| {
                    let (kind, nullable) = kind_of(&def["properties"][name], defs);
                    Column::new(name, kind, nullable)
                })
                .collect();
            out.insert(file.clone(), columns);
        }
        out
    })
}

/// Type and nullability of a JSON Schema property (`type`, `$ref` into `$defs`, `oneOf`).
fn kind_of(p: &Value, defs: &Value) -> (Kind, bool) {
    if let Some(r) = p["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        return kind_of(&defs[name], defs);
    }
    if let Some(alternatives) = p["oneOf"].as_array() {
        let parts: Vec<(Kind, bool)> =
            alternatives.iter().filter(|a| a["type"] != "null").map(|a| kind_of(a, defs)).collect();
        let nullable = parts.len() < alternatives.len() || parts.iter().any(|x| x.1);
        return (parts.first().map_or(Kind::Str, |x| x.0), nullable);
    }
    let types: Vec<&str> = match &p["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let nullable = types.contains(&"null");
    let kind = match types.iter().find(|t| **t != "null") {
        Some(&"integer") => Kind::Int,
        Some(&"number") => Kind::Float,
        Some(&"boolean") => Kind::Bool,
        Some(&"array") => Kind::StrList,
        _ => Kind::Str,
    };
    (kind, nullable)
}

/// The columns of the export file `file` (`"passages.csv"` …) as `docs/schema.json` documents them.
pub fn file_columns(file: &str) -> Result<&'static [Column]> {
    export_columns()
        .get(file)
        .map(Vec::as_slice)
        .ok_or_else(|| Error::data(format!("{file}: not a table of docs/schema.json")))
}

/// The Arrow schema of `columns`.
pub fn schema(columns: &[Column]) -> SchemaRef {
    Arc::new(Schema::new(
        columns.iter().map(|c| Field::new(c.name.clone(), c.kind.data_type(), c.nullable)).collect::<Vec<_>>(),
    ))
}

/// One column being filled.
enum Builder {
    Str(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    StrList(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(c: &Column) -> Builder {
        match c.kind {
            Kind::Str => Builder::Str(StringBuilder::new()),
            Kind::Int => Builder::Int(Int64Builder::new()),
            Kind::Float => Builder::Float(Float64Builder::new()),
            Kind::Bool => Builder::Bool(BooleanBuilder::new()),
            Kind::StrList => Builder::StrList(ListBuilder::new(StringBuilder::new()).with_field(Field::new(
                "item",
                DataType::Utf8,
                false,
            ))),
        }
    }

    /// Appends `v`; `false` when its type does not fit the column.
    fn push(&mut self, v: &Value) -> bool {
        match (self, v) {
            (Builder::Str(b), Value::Null) => b.append_null(),
            (Builder::Str(b), Value::String(s)) => b.append_value(s),
            (Builder::Int(b), Value::Null) => b.append_null(),
            (Builder::Int(b), Value::Number(n)) => match n.as_i64() {
                Some(i) => b.append_value(i),
                None => return false,
            },
            (Builder::Float(b), Value::Null) => b.append_null(),
            (Builder::Float(b), Value::Number(n)) => b.append_option(n.as_f64()),
            (Builder::Bool(b), Value::Null) => b.append_null(),
            (Builder::Bool(b), Value::Bool(x)) => b.append_value(*x),
            (Builder::StrList(b), Value::Null) => b.append_null(),
            (Builder::StrList(b), Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(s) => b.values().append_value(s),
                        None => return false,
                    }
                }
                b.append(true)
            }
            _ => return false,
        }
        true
    }

    fn finish(self) -> ArrayRef {
        match self {
            Builder::Str(mut b) => Arc::new(b.finish()),
            Builder::Int(mut b) => Arc::new(b.finish()),
            Builder::Float(mut b) => Arc::new(b.finish()),
            Builder::Bool(mut b) => Arc::new(b.finish()),
            Builder::StrList(mut b) => Arc::new(b.finish()),
        }
    }
}

/// `rows` as one record batch of `columns`: each row's serde fields by name (a field the row
/// leaves out is null). A value of the wrong type, or a null in a column that allows none, is an
/// error naming the column (a schema out of step with the row type).
pub fn record_batch<T: Serialize>(columns: &[Column], rows: &[T]) -> Result<RecordBatch> {
    let mut builders: Vec<Builder> = columns.iter().map(Builder::new).collect();
    for row in rows {
        let v = serde_json::to_value(row).map_err(|e| Error::data(format!("cannot convert a row to Arrow: {e}")))?;
        for (c, b) in columns.iter().zip(&mut builders) {
            let cell = v.get(&c.name).unwrap_or(&Value::Null);
            if (cell.is_null() && !c.nullable) || !b.push(cell) {
                return Err(Error::data(format!("column {}: {cell} does not fit {:?}", c.name, c.kind)));
            }
        }
    }
    let arrays: Vec<ArrayRef> = builders.into_iter().map(Builder::finish).collect();
    RecordBatch::try_new(schema(columns), arrays).map_err(|e| Error::data(format!("cannot build an Arrow table: {e}")))
}

/// `rows` as a record batch of the export file `file`'s columns (see [`file_columns`]).
pub fn file_batch<T: Serialize>(file: &str, rows: &[T]) -> Result<RecordBatch> {
    record_batch(file_columns(file)?, rows)
}

/// The columns of the tables that are not export files (the Python package's), one per field
/// of their row types in `export`.
pub mod tables {
    use super::Column;
    use super::Kind::{self, Bool, Float, Int, Str, StrList};

    fn columns(spec: &[(&str, Kind, bool)]) -> Vec<Column> {
        spec.iter().map(|&(name, kind, nullable)| Column::new(name, kind, nullable)).collect()
    }

    /// [`crate::export::CompareRow`].
    pub fn compare_similarity() -> Vec<Column> {
        columns(&[
            ("side_a", Str, false),
            ("side_b", Str, false),
            ("topic", Str, true),
            ("n_a", Int, false),
            ("n_b", Int, false),
            ("similarity", Float, true),
            ("similarity_low", Float, true),
            ("similarity_high", Float, true),
            ("agreement", Float, true),
            ("agreement_low", Float, true),
            ("agreement_high", Float, true),
            ("shared_topics", Int, false),
        ])
    }

    /// [`crate::export::SideStanceRow`].
    pub fn compare_stances() -> Vec<Column> {
        let mut c = columns(&[("topic", Str, false), ("side", Str, false), ("n", Int, false), ("call", Str, true)]);
        let shares = ["support", "oppose", "neutral", "net", "net_low", "net_high"];
        let positions = ["position", "position_low", "position_high"];
        c.extend(shares.iter().chain(&positions).map(|n| Column::new(n, Float, true)));
        c
    }

    /// [`crate::export::EvidenceRow`].
    pub fn compare_evidence() -> Vec<Column> {
        columns(&[
            ("topic", Str, false),
            ("side", Str, false),
            ("rank", Int, false),
            ("issuer", Str, false),
            ("bloc", Str, false),
            ("date", Str, true),
            ("document", Str, false),
            ("title", Str, true),
            ("passage", Int, false),
            ("start", Int, false),
            ("end", Int, false),
            ("stance", Str, true),
            ("topic_score", Float, false),
            ("cues", StrList, false),
            ("text", Str, false),
        ])
    }

    /// [`crate::export::ClassifiedRow`].
    pub fn classified() -> Vec<Column> {
        columns(&[
            ("doc", Int, false),
            ("passage", Int, false),
            ("start", Int, false),
            ("end", Int, false),
            ("lang", Str, false),
            ("topic", Str, true),
            ("topic_score", Float, false),
            ("stance", Str, true),
            ("source", Str, true),
            ("p", Float, true),
            ("cues", StrList, false),
            ("topics", StrList, false),
            ("stances", StrList, false),
            ("in_domain", Bool, false),
            ("domain_score", Float, false),
            ("domain_evidence", StrList, false),
            ("text", Str, false),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{columns, StanceCount};
    use crate::topics::Stance;
    use arrow_array::Array;

    #[test]
    fn every_export_table_has_its_csv_columns() {
        for (file, cols) in [
            ("passages.csv", columns::PASSAGES),
            ("topics.csv", columns::TOPICS),
            ("similarity.csv", columns::SIMILARITY),
            ("stances.csv", columns::STANCES),
            ("positions.csv", columns::POSITIONS),
            ("agreement.csv", columns::AGREEMENT),
            ("keyness.csv", columns::KEYNESS),
        ] {
            let names: Vec<&str> = file_columns(file).unwrap().iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, cols, "{file}");
        }
        let sim = file_columns("similarity.csv").unwrap();
        assert_eq!((sim[4].kind, sim[4].nullable), (Kind::Float, true), "value: maybe_number");
        assert_eq!((sim[7].kind, sim[7].nullable), (Kind::Int, false), "n_row");
        let passages = file_columns("passages.csv").unwrap();
        let stance = passages.iter().find(|c| c.name == "stance").unwrap();
        assert_eq!((stance.kind, stance.nullable), (Kind::Str, true), "stance: oneOf stance, null");
        assert!(file_columns("manifest.json").is_err());
    }

    /// The declared columns are the row types' fields, so no field is left out of a table.
    #[test]
    fn declared_tables_have_their_rows_fields() {
        use crate::export::{ClassifiedRow, CompareRow, EvidenceRow, SideStanceRow};
        fn fields<T: Serialize>(row: &T) -> Vec<String> {
            let v = serde_json::to_value(row).unwrap();
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        }
        fn names(columns: &[Column]) -> Vec<String> {
            let mut n: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
            n.sort();
            n
        }
        let compare = CompareRow {
            side_a: "a".into(),
            side_b: "b".into(),
            topic: None,
            n_a: 1,
            n_b: 2,
            similarity: Some(0.5),
            similarity_low: None,
            similarity_high: None,
            agreement: None,
            agreement_low: None,
            agreement_high: None,
            shared_topics: 0,
        };
        assert_eq!(fields(&compare), names(&tables::compare_similarity()));
        assert_eq!(record_batch(&tables::compare_similarity(), &[compare]).unwrap().num_rows(), 1);
        let stance = SideStanceRow {
            topic: "t".into(),
            side: "a".into(),
            n: 0,
            call: None,
            support: None,
            oppose: None,
            neutral: None,
            net: None,
            net_low: None,
            net_high: None,
            position: None,
            position_low: None,
            position_high: None,
        };
        assert_eq!(fields(&stance), names(&tables::compare_stances()));
        assert_eq!(record_batch(&tables::compare_stances(), &[stance]).unwrap().num_rows(), 1);
        let evidence = EvidenceRow {
            topic: "t".into(),
            side: "a".into(),
            rank: 1,
            issuer: "i".into(),
            bloc: "b".into(),
            date: None,
            document: "d".into(),
            title: None,
            passage: 0,
            start: 0,
            end: 4,
            stance: Some(Stance::Support),
            topic_score: 2.0,
            cues: vec!["soutenons (support)".into()],
            text: "text".into(),
        };
        assert_eq!(fields(&evidence), names(&tables::compare_evidence()));
        assert_eq!(record_batch(&tables::compare_evidence(), &[evidence]).unwrap().num_rows(), 1);
        let classified = ClassifiedRow {
            doc: 3,
            passage: 0,
            start: 0,
            end: 4,
            lang: "fr",
            topic: None,
            topic_score: 0.0,
            stance: None,
            source: Some(crate::topics::StanceSource::Lexicon),
            p: None,
            cues: Vec::new(),
            topics: Vec::new(),
            stances: Vec::new(),
            in_domain: false,
            domain_score: 0.1,
            domain_evidence: Vec::new(),
            text: "text".into(),
        };
        assert_eq!(fields(&classified), names(&tables::classified()));
        assert_eq!(record_batch(&tables::classified(), &[classified]).unwrap().num_rows(), 1);
    }

    #[test]
    fn rows_fill_typed_columns_and_bad_values_are_refused() {
        let rows = [
            StanceCount {
                issuer: "a".into(),
                bloc: "x".into(),
                topic: "t".into(),
                stance: Stance::Oppose,
                n: 2,
                share: 0.5,
            },
            StanceCount {
                issuer: "b".into(),
                bloc: "".into(),
                topic: "t".into(),
                stance: Stance::Support,
                n: 0,
                share: 0.0,
            },
        ];
        let batch = file_batch("stances.csv", &rows).unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(batch.schema().field(4).data_type(), &DataType::Int64);
        let stance = batch.column(3).as_any().downcast_ref::<arrow_array::StringArray>().unwrap();
        assert_eq!(stance.value(0), "oppose");
        let empty: Vec<StanceCount> = Vec::new();
        assert_eq!(file_batch("stances.csv", &empty).unwrap().num_rows(), 0);
        // A null where none is allowed, a string where a number goes.
        let strict = [Column::new("n", Kind::Int, false)];
        assert!(record_batch(&strict, &[serde_json::json!({"n": null})]).is_err());
        assert!(record_batch(&strict, &[serde_json::json!({"n": "1"})]).is_err());
        let lists = [Column::new("l", Kind::StrList, false)];
        let b = record_batch(&lists, &[serde_json::json!({"l": ["a", "b"]}), serde_json::json!({"l": []})]).unwrap();
        assert_eq!(b.column(0).len(), 2);
    }
}
