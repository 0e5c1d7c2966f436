//! The domain-gate sample (`tests/fixtures/cold_domain.csv`, docs/cold_domain.md): the fixture
//! keeps its schema and label rules, and `stance evaluate` reads and scores every row of it.
//! No accuracy threshold here: the sample is evaluation data, measured, never tuned on.

use std::collections::BTreeMap;

use crate::common::*;

fn fixture() -> String {
    format!("{}/tests/fixtures/cold_domain.csv", env!("CARGO_MANIFEST_DIR"))
}

/// (topic, stance, domain, stratum) of every row, checking the header on the way.
fn rows() -> Vec<[String; 4]> {
    let mut reader = csv::Reader::from_path(fixture()).expect("fixture readable");
    let headers: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        ["file", "passage", "topic", "stance", "issuer", "bloc", "year", "stratum", "domain", "note"],
        "the first six columns are those of gold_passages.csv"
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            [r[2].to_string(), r[3].to_string(), r[8].to_string(), r[7].to_string()]
        })
        .collect()
}

#[test]
fn fixture_follows_its_label_rules() {
    let rows = rows();
    let mut strata: BTreeMap<&str, usize> = BTreeMap::new();
    for [topic, stance, domain, stratum] in &rows {
        *strata.entry(stratum.as_str()).or_default() += 1;
        assert!(domain == "in" || domain == "out", "domain {domain:?}");
        assert!(domain == "in" || topic == "none", "an out-of-domain passage has topic none");
        assert_eq!(topic == "none", stance.is_empty(), "a stance exactly when there is a topic");
    }
    assert_eq!(strata, BTreeMap::from([("a", 250), ("b", 60), ("c", 60)]));
}

#[test]
fn evaluate_scores_every_row() {
    let rows = rows();
    let v = json(stance(&["evaluate", "--gold", &fixture(), "--format", "json"]));
    let e = &v["evaluation"];
    assert_eq!(e["n_passages"].as_u64(), Some(rows.len() as u64), "{e}");
    let with_stance = rows.iter().filter(|r| !r[1].is_empty()).count() as u64;
    assert_eq!(e["n_stance"].as_u64(), Some(with_stance));

    // Each gold label's row of the confusion matrix holds exactly the fixture's rows of that label.
    let labels: Vec<String> = e["topic_confusion"]["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| l.as_str().expect("label").to_string())
        .collect();
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for r in &rows {
        let label = if r[0] == "none" { "(none)".to_string() } else { r[0].clone() };
        *want.entry(label).or_default() += 1;
    }
    for (label, counts) in labels.iter().zip(e["topic_confusion"]["counts"].as_array().expect("counts")) {
        let sum: u64 = counts.as_array().expect("row").iter().map(|x| x.as_u64().expect("count")).sum();
        assert_eq!(sum, want.get(label).copied().unwrap_or(0), "gold label {label}");
    }
    for label in want.keys() {
        assert!(labels.contains(label), "gold label {label} missing from the confusion matrix");
    }

    let table = stdout(stance(&["evaluate", "--gold", &fixture()]));
    assert!(table.contains(&format!("({} passages)", rows.len())), "{table}");
}
