//! The cold test sets (docs/cold_set.md) run through `stance evaluate`: every row is read and
//! scored. Figures are a benchmark reported in docs/cold_set.md, never asserted here: the cold
//! sets are evaluation data only, and a threshold would invite tuning to them.

use crate::common::*;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Rows of a gold CSV, each as (topic, stance), read independently of the binary.
fn rows(path: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut reader = csv::Reader::from_path(path).expect("gold CSV opens");
    let headers: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let (t, s) = (col("topic"), col("stance"));
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[t].to_string(), r[s].to_string())
        })
        .collect();
    (headers, rows)
}

/// Evaluates `name` and checks that every row was evaluated, and every topical row was scored
/// for stance.
fn evaluates_every_row(name: &str) {
    let path = fixture(name);
    let (headers, rows) = rows(&path);
    assert_eq!(headers[..6], ["file", "passage", "topic", "stance", "issuer", "bloc"], "{name}: leading columns");
    for (i, (topic, stance)) in rows.iter().enumerate() {
        assert_eq!(
            topic == "none",
            stance.is_empty(),
            "{name} row {}: stance is empty exactly when topic is none",
            i + 2
        );
    }
    let v = json(stance(&["evaluate", "--gold", &path, "--format", "json"]));
    let e = &v["evaluation"];
    assert_eq!(e["n_passages"].as_u64(), Some(rows.len() as u64), "{name}: every row evaluated");
    let topical = rows.iter().filter(|(t, _)| t != "none").count() as u64;
    assert_eq!(e["n_stance"].as_u64(), Some(topical), "{name}: every topical row scored for stance");
    let total: u64 = e["topic_confusion"]["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .flat_map(|r| r.as_array().expect("row"))
        .map(|x| x.as_u64().expect("count"))
        .sum();
    assert_eq!(total, rows.len() as u64, "{name}: every row in the topic confusion matrix");
}

#[test]
fn cold_gold_passages_are_all_evaluated() {
    evaluates_every_row("cold_gold.csv");
}

#[test]
fn cold_sentences_are_all_evaluated() {
    evaluates_every_row("cold_sentences.csv");
}
