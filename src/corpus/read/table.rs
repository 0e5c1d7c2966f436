//! Tables of texts: a CSV (or TSV), JSON-lines, JSON array or Parquet file with one document per
//! row — how news and archive exports arrive. The text, issuer, bloc, date and language columns
//! are named by [`Columns`] (defaults `text`, `issuer`, `bloc`, `date`, `lang`); `title`,
//! `doc_type` and `source_url` columns are read by name and any other column is kept as
//! metadata, as in a manifest. A row's document id is `FILE:LINE` (`FILE#ROW` for Parquet).
//! Rows with an empty text, or the same text as an earlier row (syndicated news), are skipped
//! with one warning that counts them.

use std::collections::BTreeMap;
use std::path::Path;

use super::encoding;
use crate::corpus::{document_from_row, merge_spellings, sha256_hex, Corpus};
use crate::{Error, Result};

/// Which column holds what; `None` is the default name (and a default column may be absent,
/// except text and issuer, while a column named by the user must exist).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    pub text: Option<String>,
    pub issuer: Option<String>,
    pub bloc: Option<String>,
    pub date: Option<String>,
    pub lang: Option<String>,
}

impl Columns {
    /// (manifest field, column name, flag, given by the user?) for each role.
    fn roles(&self) -> [(&'static str, String, &'static str, bool); 5] {
        let col =
            |v: &Option<String>, default: &str| (v.as_deref().unwrap_or(default).trim().to_lowercase(), v.is_some());
        let (text, t) = col(&self.text, "text");
        let (issuer, i) = col(&self.issuer, "issuer");
        let (bloc, b) = col(&self.bloc, "bloc");
        let (date, d) = col(&self.date, "date");
        let (lang, l) = col(&self.lang, "lang");
        [
            ("text", text, "--text-col", t),
            ("issuer", issuer, "--issuer-col", i),
            ("bloc", bloc, "--bloc-col", b),
            ("date", date, "--date-col", d),
            ("lang", lang, "--lang-col", l),
        ]
    }

    /// The text column's name (lower case).
    pub fn text_column(&self) -> String {
        self.text.as_deref().unwrap_or("text").trim().to_lowercase()
    }

    /// Was any column named by the user?
    pub fn any_given(&self) -> bool {
        self.roles().iter().any(|r| r.3)
    }
}

/// The kinds of table, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Csv,
    Tsv,
    JsonLines,
    JsonArray,
    Parquet,
}

impl TableKind {
    /// The kind of `path` by its extension (`.csv`, `.tsv`, `.jsonl` / `.ndjson`, `.json`,
    /// `.parquet`), or `None`.
    pub fn of(path: &Path) -> Option<TableKind> {
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        Some(match ext.as_str() {
            "csv" => TableKind::Csv,
            "tsv" | "tab" => TableKind::Tsv,
            "jsonl" | "ndjson" => TableKind::JsonLines,
            "json" => TableKind::JsonArray,
            "parquet" | "pq" => TableKind::Parquet,
            _ => return None,
        })
    }
}

/// One row: where it is (line, or row for Parquet) and its cells by lower-case column name.
pub(super) type Row = (usize, BTreeMap<String, String>);

/// Column names (lower case, in file order) and rows of a table.
pub(super) struct Table {
    pub(super) columns: Vec<String>,
    pub(super) rows: Vec<Row>,
    /// `:` before a line number, `#` before a Parquet row number.
    pub(super) sep: char,
}

/// Is the CSV at `path` a manifest (a `file` column, and no text column named by the user)
/// rather than a table of texts? Reads only its first line.
pub fn is_manifest(path: &Path, columns: &Columns) -> Result<bool> {
    if columns.any_given() || TableKind::of(path) != Some(TableKind::Csv) {
        return Ok(false);
    }
    let bytes = crate::corpus::read_bytes(path)?;
    let text = encoding::decode(&path.display().to_string(), bytes)?.text;
    let header = text.lines().next().unwrap_or_default().to_lowercase();
    let names = header_names(&header, sniff(&header, "file"));
    Ok(names.iter().any(|n| n == "file") && !names.iter().any(|n| *n == columns.text_column()))
}

/// Reads the table at `path` (checked by [`crate::corpus::read_bytes`]) into a corpus, one
/// document per row with a text.
pub fn load_table(path: &Path, columns: &Columns) -> Result<Corpus> {
    let kind = TableKind::of(path).ok_or_else(|| {
        Error::usage(format!(
            "{}: not a table of texts; give a .csv, .tsv, .jsonl, .json or .parquet file, or a corpus folder",
            path.display()
        ))
    })?;
    let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let name = path.display().to_string();
    let bytes = crate::corpus::read_bytes(path)?;
    let mut warnings = Vec::new();
    let table = match kind {
        TableKind::Csv | TableKind::Tsv => {
            let decoded = encoding::decode(&name, bytes)?;
            warnings.extend(decoded.warning);
            let delimiter = match kind {
                TableKind::Tsv => b'\t',
                _ => sniff(decoded.text.lines().next().unwrap_or_default(), &columns.text_column()),
            };
            csv_table(&name, &decoded.text, delimiter)?
        }
        TableKind::JsonLines => json_lines(&name, &bytes)?,
        TableKind::JsonArray => json_array(&name, &bytes)?,
        TableKind::Parquet => super::parquet::table(&name, bytes)?,
    };
    let mut corpus = corpus_from_table(&name, &file_name, table, columns)?;
    corpus.warnings.splice(0..0, warnings);
    corpus.root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(corpus)
}

/// The delimiter (`,`, `;` or tab) that makes `needle` one of the header's names; `,` if none.
fn sniff(header: &str, needle: &str) -> u8 {
    [b',', b';', b'\t'].into_iter().find(|&d| header_names(header, d).iter().any(|n| n == needle)).unwrap_or(b',')
}

fn header_names(header: &str, delimiter: u8) -> Vec<String> {
    header
        .trim_start_matches('\u{feff}')
        .split(delimiter as char)
        .map(|h| h.trim().trim_matches('"').trim().to_lowercase())
        .collect()
}

fn csv_table(name: &str, text: &str, delimiter: u8) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).delimiter(delimiter).from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| Error::data(format!("{name}:1: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::data(format!(
                "{name}:{line}: malformed CSV row ({e}); quote fields that contain the delimiter or line breaks"
            ))
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        rows.push((line, columns.iter().cloned().zip(record.iter().map(str::to_string)).collect()));
    }
    Ok(Table { columns, rows, sep: ':' })
}

/// A JSON value as a cell: strings as they are, null empty, anything else as JSON.
fn cell(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Adds an object's fields to `columns` (first-seen order) and returns it as a row.
fn object_row(
    at: &str,
    line: usize,
    value: serde_json::Value,
    columns: &mut Vec<String>,
    seen: &mut BTreeMap<String, ()>,
) -> Result<Row> {
    let serde_json::Value::Object(map) = value else {
        return Err(Error::data(format!("{at}: not a JSON object; each row must be an object like {{\"text\": …}}")));
    };
    let mut row = BTreeMap::new();
    for (k, v) in map {
        let k = k.trim().to_lowercase();
        if seen.insert(k.clone(), ()).is_none() {
            columns.push(k.clone());
        }
        row.insert(k, cell(v));
    }
    Ok((line, row))
}

fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes)
        .map(|s| s.trim_start_matches('\u{feff}'))
        .map_err(|e| Error::data(format!("{name}: not valid UTF-8 (byte {}); JSON is UTF-8", e.valid_up_to())))
}

fn json_lines(name: &str, bytes: &[u8]) -> Result<Table> {
    let text = utf8(name, bytes)?;
    let (mut columns, mut seen, mut rows) = (Vec::new(), BTreeMap::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{name}:{}", i + 1);
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::data(format!("{at}: not JSON ({e}); write one JSON object per line")))?;
        rows.push(object_row(&at, i + 1, value, &mut columns, &mut seen)?);
    }
    Ok(Table { columns, rows, sep: ':' })
}

fn json_array(name: &str, bytes: &[u8]) -> Result<Table> {
    let text = utf8(name, bytes)?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::data(format!("{name}:{}: not JSON ({e}); give an array of objects, or JSON lines (.jsonl)", e.line()))
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(Error::data(format!(
            "{name}: not an array of objects; give [{{\"text\": …, \"issuer\": …}}, …], or JSON lines (.jsonl)"
        )));
    };
    let (mut columns, mut seen, mut rows) = (Vec::new(), BTreeMap::new(), Vec::new());
    for (i, item) in items.into_iter().enumerate() {
        rows.push(object_row(&format!("{name}#{}", i + 1), i + 1, item, &mut columns, &mut seen)?);
    }
    Ok(Table { columns, rows, sep: '#' })
}

/// Line numbers, at most five, then how many more.
fn some_lines(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(5).map(usize::to_string).collect();
    match lines.len() {
        0..=5 => shown.join(", "),
        n => format!("{}, … ({} more)", shown.join(", "), n - 5),
    }
}

fn corpus_from_table(name: &str, file_name: &str, table: Table, columns: &Columns) -> Result<Corpus> {
    let roles = columns.roles();
    for (field, col, flag, given) in &roles {
        let required = matches!(*field, "text" | "issuer");
        if (required || *given) && !table.columns.contains(col) {
            let what = if *given { format!("column '{col}' ({flag})") } else { format!("column '{col}'") };
            return Err(Error::data(format!(
                "{name}: no {what}; the columns are: {}. Name the {field} column with {flag} NAME",
                if table.columns.is_empty() { "(none)".to_string() } else { table.columns.join(", ") }
            )));
        }
    }
    let cap = crate::corpus::max_file_bytes()?;
    let (mut corpus, mut bytes) = (Corpus::default(), 0u64);
    let (mut empty, mut repeated) = (Vec::new(), Vec::new());
    let mut by_hash: BTreeMap<String, ()> = BTreeMap::new();
    let unit = if table.sep == '#' { "row" } else { "line" };
    for (line, mut row) in table.rows {
        let at = format!("{name}{}{line}", table.sep);
        let mut text = row.remove(&roles[0].1).unwrap_or_default();
        if text.trim().is_empty() {
            empty.push(line);
            continue;
        }
        if text.contains('\r') {
            text = text.replace("\r\n", "\n").replace('\r', "\n");
        }
        bytes += text.len() as u64;
        if bytes > cap {
            return Err(Error::data(format!(
                "{name}: the texts are over the {} MB limit; split the table, or raise the limit with {}=N",
                cap >> 20,
                crate::corpus::MAX_FILE_ENV
            )));
        }
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for (field, col, ..) in &roles[1..] {
            if let Some(v) = row.remove(col) {
                fields.insert(field.to_string(), v.trim().to_string());
            }
        }
        if fields.get("issuer").is_none_or(|v| v.is_empty()) {
            return Err(Error::data(format!(
                "{at}: the issuer column '{}' is empty; every row needs an issuer (name the column with --issuer-col)",
                roles[1].1
            )));
        }
        if let Some(d) = fields.get_mut("date") {
            // a timestamp (2025-03-04T10:00:00Z, 2025-03-04 10:00) is read as its day
            if d.len() > 10 && d.is_char_boundary(10) && matches!(d.as_bytes()[10], b'T' | b' ') {
                d.truncate(10);
            }
        }
        let hash = sha256_hex(text.as_bytes());
        if by_hash.insert(hash.clone(), ()).is_some() {
            repeated.push(line);
            continue;
        }
        row.retain(|_, v| !v.trim().is_empty());
        row.extend(fields);
        for v in row.values_mut() {
            *v = v.trim().to_string();
        }
        let id = format!("{file_name}{}{line}", table.sep);
        corpus.documents.push(document_from_row(&at, id, row, text, hash)?);
    }
    if !empty.is_empty() {
        corpus.warnings.push(format!(
            "{name}: {} row(s) with an empty text skipped ({unit} {})",
            empty.len(),
            some_lines(&empty)
        ));
    }
    if !repeated.is_empty() {
        corpus.warnings.push(format!(
            "{name}: {} row(s) repeat an earlier row's text, read once ({unit} {})",
            repeated.len(),
            some_lines(&repeated)
        ));
    }
    if corpus.documents.is_empty() {
        return Err(Error::data(format!("{name}: no row has a text in column '{}'; add rows", roles[0].1)));
    }
    merge_spellings(&mut corpus, name);
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, bytes: &[u8], columns: &Columns) -> Result<Corpus> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        load_table(&path, columns).map_err(|e| Error::data(e.to_string().replace(&*dir.path().to_string_lossy(), "")))
    }

    #[test]
    fn csv_rows_are_documents() {
        let csv = "body;source;published;region\n\"Le texte, premier.\";Le Monde;2025-03-04T10:00:00Z;eu\n;X;;\n\
                   \"Second text\nover two lines.\";Reuters;2025-03-05;\n\"Le texte, premier.\";AFP;;\n";
        let cols = Columns {
            text: Some("body".into()),
            issuer: Some("source".into()),
            date: Some("Published".into()),
            ..Default::default()
        };
        let c = table("news.csv", csv.as_bytes(), &cols).unwrap();
        let ids: Vec<&str> = c.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["news.csv:2", "news.csv:4"]);
        let d = &c.documents[0];
        assert_eq!(
            (d.text.as_str(), d.issuer.as_str(), d.date.as_deref()),
            ("Le texte, premier.", "Le Monde", Some("2025-03-04"))
        );
        assert_eq!(d.meta.get("region").map(String::as_str), Some("eu"));
        assert_eq!(c.documents[1].text, "Second text\nover two lines.");
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("1 row(s) with an empty text skipped (line 3)"));
        assert!(c.warnings[1].contains("1 row(s) repeat an earlier row's text, read once (line 6)"));
    }

    #[test]
    fn json_lines_and_arrays() {
        let jsonl = "{\"text\": \"Premier texte.\", \"issuer\": \"France\", \"lang\": \"fr\", \"n\": 3}\n\n\
                     {\"text\": \"Second text.\", \"issuer\": \"EU\", \"bloc\": \"west\", \"title\": null}\n";
        let c = table("t.jsonl", jsonl.as_bytes(), &Columns::default()).unwrap();
        assert_eq!(c.documents.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["t.jsonl:1", "t.jsonl:3"]);
        assert_eq!(c.documents[0].meta.get("n").map(String::as_str), Some("3"));
        assert_eq!(c.documents[1].bloc, "west");
        let array = "[{\"text\": \"Premier texte.\", \"issuer\": \"France\"}]";
        assert_eq!(table("t.json", array.as_bytes(), &Columns::default()).unwrap().documents[0].id, "t.json#1");
    }

    #[test]
    fn errors_name_the_file_the_row_and_the_flag() {
        let e = |name: &str, bytes: &str, cols: &Columns| table(name, bytes.as_bytes(), cols).unwrap_err().to_string();
        let err = e("n.csv", "body,source\nx,y\n", &Columns::default());
        assert!(err.contains("n.csv: no column 'text'"), "{err}");
        assert!(err.contains("body, source") && err.contains("--text-col"), "{err}");
        let err = e("n.csv", "text,issuer\nx,y\n", &Columns { date: Some("when".into()), ..Default::default() });
        assert!(err.contains("column 'when' (--date-col)"), "{err}");
        let err = e("n.csv", "text,issuer\nx,\n", &Columns::default());
        assert!(err.contains("n.csv:2: the issuer column 'issuer' is empty"), "{err}");
        let err = e("n.jsonl", "{\"text\": \"x\", \"issuer\": \"y\"}\n[1]\n", &Columns::default());
        assert!(err.contains("n.jsonl:2: not a JSON object"), "{err}");
        let err = e("n.jsonl", "{\"text\": \"x\", \"issuer\": \"y\", \"date\": \"04/03/2025\"}\n", &Columns::default());
        assert!(err.contains("n.jsonl:1: date '04/03/2025' is not ISO"), "{err}");
        let err = e("n.csv", "text,issuer\n,y\n", &Columns::default());
        assert!(err.contains("no row has a text"), "{err}");
        for err in [e("n.csv", "", &Columns::default()), e("n.jsonl", "{", &Columns::default())] {
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
