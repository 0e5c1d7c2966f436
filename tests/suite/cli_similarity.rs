//! `stance similarity`, `topics`, `passages`, `tokens`, `vectors` on the shipped corpus.

use crate::common::*;
use serde_json::Value;

fn matrix(v: &Value) -> Vec<Vec<Option<f64>>> {
    v["matrix"]
        .as_array()
        .expect("matrix")
        .iter()
        .map(|r| r.as_array().expect("row").iter().map(Value::as_f64).collect())
        .collect()
}

fn labels(v: &Value) -> Vec<String> {
    v["labels"].as_array().expect("labels").iter().map(|l| l.as_str().expect("str").to_string()).collect()
}

#[test]
fn json_schema_symmetric_unit_diagonal() {
    let v = json(on_seeds(&["similarity", "--format", "json"]));
    for key in ["by", "topic", "labels", "matrix", "low", "high", "n_passages", "model", "seed"] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["by"], "issuer");
    assert_eq!(v["measure"], "vocabulary_similarity", "says what it measures");
    assert!(v["topic"].is_null());
    let l = labels(&v);
    let mut sorted = l.clone();
    sorted.sort();
    assert_eq!(l, sorted, "labels sorted");
    assert!(l.contains(&"CIS".to_string()) && l.contains(&"European Union".to_string()));
    let m = matrix(&v);
    assert_eq!(m.len(), l.len());
    for (i, row) in m.iter().enumerate() {
        assert_eq!(row[i], Some(1.0));
        for (j, cell) in row.iter().enumerate() {
            assert_eq!(*cell, m[j][i], "symmetric at {i},{j}");
            let x = cell.expect("every issuer has passages overall");
            assert!((-1.0..=1.0).contains(&x));
        }
    }
}

#[test]
fn same_seed_gives_byte_identical_json() {
    for args in [
        &["similarity", "--format", "json", "--seed", "3"][..],
        &["topics", "--format", "json", "--seed", "3"][..],
        &["similarity", "--by", "bloc", "--topic", "binding_norms", "--format", "json", "--seed", "3"][..],
    ] {
        assert_eq!(stdout(on_seeds(args)), stdout(on_seeds(args)), "{args:?}");
    }
}

/// Mean of the off-diagonal cells between the issuers of blocs `a` and `b`.
fn mean_between(v: &Value, issuers_a: &[&str], issuers_b: &[&str]) -> f64 {
    let l = labels(v);
    let m = matrix(v);
    let idx = |n: &str| l.iter().position(|x| x == n).unwrap_or_else(|| panic!("no issuer {n}"));
    let mut cells = Vec::new();
    for a in issuers_a {
        for b in issuers_b {
            if a != b {
                if let Some(x) = m[idx(a)][idx(b)] {
                    cells.push(x);
                }
            }
        }
    }
    assert!(!cells.is_empty(), "no cells between {issuers_a:?} and {issuers_b:?}");
    cells.iter().sum::<f64>() / cells.len() as f64
}

#[test]
fn binding_norms_separates_russia_aligned_from_western() {
    let v = json(on_seeds(&["similarity", "--topic", "binding_norms", "--format", "json"]));
    let l = labels(&v);
    let m = matrix(&v);
    let present = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| m[l.iter().position(|x| x == *n).expect("issuer")].iter().any(Option::is_some))
            .map(|n| n.to_string())
            .collect()
    };
    let ra = present(&["CIS", "Russia", "Russia-Africa Partnership Forum", "Sputnik Afrique", "Iran"]);
    let we = present(&["France", "Canada", "Council of Europe", "European Union", "United Kingdom", "United States"]);
    let ra: Vec<&str> = ra.iter().map(String::as_str).collect();
    let we: Vec<&str> = we.iter().map(String::as_str).collect();
    assert!(ra.len() >= 2 && !we.is_empty(), "binding_norms passages: russia-aligned {ra:?}, western {we:?}");
    let within = mean_between(&v, &ra, &ra);
    let across = mean_between(&v, &ra, &we);
    assert!(
        within > 2.0 * across && within > across + 0.1,
        "within russia-aligned {within:.3} vs russia-aligned×western {across:.3}"
    );
}

#[test]
fn topic_matrix_leaves_cells_without_passages_empty() {
    let v = json(on_seeds(&["similarity", "--topic", "ai", "--format", "json"]));
    let n: Vec<u64> = v["n_passages"].as_array().expect("n").iter().map(|x| x.as_u64().expect("u64")).collect();
    let m = matrix(&v);
    assert!(n.contains(&0), "some issuer never speaks of AI");
    for (i, &ni) in n.iter().enumerate() {
        assert_eq!(m[i][i].is_none(), ni == 0, "row {i}");
    }
    let table = stdout(on_seeds(&["similarity", "--topic", "ai"]));
    assert!(table.contains("Empty cell: no passages"));
}

#[test]
fn bloc_matrix_and_intervals() {
    let v = json(on_seeds(&["similarity", "--by", "bloc", "--format", "json"]));
    assert_eq!(labels(&v), ["african-union", "bilateral", "china", "russia-aligned", "un", "western"]);
    let m = matrix(&v);
    let (lo, hi) = (&v["low"], &v["high"]);
    let (r, w) = (3, 5);
    let (l, h, x) = (lo[r][w].as_f64().expect("low"), hi[r][w].as_f64().expect("high"), m[r][w].expect("value"));
    assert!(l <= x + 1e-9 && x <= h + 1e-9 && l < h, "{l} {x} {h}");
    let table = stdout(on_seeds(&["similarity", "--by", "bloc", "--ci"]));
    assert!(table.contains('[') && table.contains("95% bootstrap interval"), "{table}");
}

#[test]
fn csv_is_tidy_and_matches_json() {
    let csv = stdout(on_seeds(&["similarity", "--by", "bloc", "--format", "csv"]));
    let v = json(on_seeds(&["similarity", "--by", "bloc", "--format", "json"]));
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("row_label,col_label,topic,value,low,high,n_row,n_col"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 36);
    let first: Vec<&str> = rows[1].split(',').collect();
    assert_eq!((first[0], first[1]), ("african-union", "bilateral"));
    assert_eq!(first[3].parse::<f64>().expect("value"), matrix(&v)[0][1].expect("cell"));
}

#[test]
fn topics_lists_all_topics_and_clusters() {
    let v = json(on_seeds(&["topics", "--format", "json"]));
    let ids: Vec<&str> =
        v["topics"].as_array().expect("topics").iter().map(|t| t["id"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), 13);
    assert!(ids.contains(&"binding_norms") && ids.contains(&"budapest_convention"));
    let bn = &v["topics"][0];
    assert!(bn["n_passages"].as_u64().expect("n") > 0 && !bn["top_terms"].as_array().expect("terms").is_empty());
    assert!(!v["clusters"].as_array().expect("clusters").is_empty());
    let table = stdout(on_seeds(&["topics"]));
    assert!(table.contains("binding_norms") && table.contains("Text clusters"));
}

#[test]
fn passages_filters_by_topic_and_issuer() {
    let forum = "Russia-Africa Partnership Forum";
    let v = json(on_seeds(&["passages", "--topic", "binding_norms", "--issuer", forum, "--format", "json"]));
    let rows = v.as_array().expect("array");
    assert!(!rows.is_empty(), "the Sochi declaration speaks of binding norms");
    for r in rows {
        assert_eq!(r["issuer"], forum);
        assert!(r["topics"].as_str().expect("topics").split("; ").any(|t| t == "binding_norms"), "{r}");
        let (s, e) = (r["start"].as_u64().expect("start"), r["end"].as_u64().expect("end"));
        assert!(s < e);
    }
}

#[test]
fn passages_show_the_stance_toward_the_topic_asked_for() {
    // Passages whose stance toward budapest_convention is oppose, some with another main topic.
    let args = ["passages", "--topic", "budapest_convention", "--stance", "oppose"];
    let v = json(on_seeds(&[&args[..], &["--format", "json"]].concat()));
    let rows = v.as_array().expect("array");
    assert!(!rows.is_empty());
    let table = stdout(on_seeds(&[&args[..], &["--wide"]].concat()));
    assert!(table.contains("stance toward it"), "{table}");
    let body: Vec<&str> = table.lines().filter(|l| l.starts_with('│') && l.contains(".txt #")).collect();
    assert_eq!(body.len(), rows.len(), "{table}");
    for line in body {
        assert!(line.contains("budapest_convention") && line.contains("oppose"), "{line}");
    }
}

#[test]
fn tokens_shows_analysis_of_a_seed_and_of_stdin() {
    let seed = seeds().join("2020-12-22_cis_heads-of-state-declaration.txt");
    let v = json(stance(&["tokens", seed.to_str().expect("path"), "--format", "json"]));
    assert_eq!(v["lang"], "fr");
    let all: Vec<&str> = v["passages"]
        .as_array()
        .expect("passages")
        .iter()
        .flat_map(|p| p["tokens"].as_array().expect("tokens").iter().map(|t| t.as_str().expect("str")))
        .collect();
    assert!(all.contains(&"information") && all.contains(&"états"), "elision split, accents kept");
    assert!(!all.contains(&"l'information") && !all.contains(&"de"));
    let mut cmd = stance(&["tokens", "-", "--format", "json"]);
    cmd.write_stdin("L’État soutient un instrument juridiquement contraignant.");
    let v = json(cmd);
    assert!(v["passages"][0]["tokens"].as_array().expect("tokens").iter().any(|t| t == "état"));
    assert!(v["passages"][0]["concepts"].as_array().expect("concepts").iter().any(|c| c == "§binding_instrument"));
}

#[test]
fn vectors_export_sorted_vocabulary_and_sparse_rows() {
    let v = json(on_seeds(&["vectors", "--format", "json"]));
    let vocab: Vec<&str> = v["vocabulary"].as_array().expect("vocab").iter().map(|t| t.as_str().expect("s")).collect();
    assert!(vocab.windows(2).all(|w| w[0] < w[1]), "vocabulary sorted and unique");
    assert_eq!(v["idf"].as_array().expect("idf").len(), vocab.len());
    assert_eq!(v["n_cols"].as_u64(), Some(vocab.len() as u64));
    let row = &v["rows"][0];
    let vals: Vec<f64> = row["values"].as_array().expect("values").iter().map(|x| x.as_f64().expect("f")).collect();
    let norm: f64 = vals.iter().map(|x| x * x).sum::<f64>().sqrt();
    assert!((norm - 1.0).abs() < 1e-9, "rows are L2-normalised");
}

#[test]
fn no_arguments_prints_a_guide() {
    let out = stdout(stance(&[]));
    assert!(out.contains("Quick start") && out.contains("similarity"));
}
