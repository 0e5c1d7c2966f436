//! `stance export`: the files, their pinned schemas (columns, JSON keys, docs/schema.json), the
//! same numbers in JSON and CSV, byte-identical re-runs; and `stance completions`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use serde_json::Value;
use tempfile::TempDir;

const FILES: &[&str] = &[
    "agreement.csv",
    "cluster_members.csv",
    "clusters.csv",
    "keyness.csv",
    "manifest.json",
    "passages.csv",
    "positions.csv",
    "schema.json",
    "similarity.csv",
    "similarity.json",
    "stances.csv",
    "topics.csv",
];

/// The pinned columns of every CSV file. Changing one is a schema change: bump SCHEMA_VERSION
/// and update docs/schema.json and docs/schema.md.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "passages.csv",
        &[
            "issuer",
            "bloc",
            "date",
            "document",
            "title",
            "passage",
            "start",
            "end",
            "topic",
            "topic_score",
            "stance",
            "topics",
            "stances",
            "in_domain",
            "domain_score",
            "domain_evidence",
            "cluster",
            "text",
        ],
    ),
    (
        "topics.csv",
        &[
            "topic",
            "label",
            "label_fr",
            "proposition",
            "n_passages",
            "n_support",
            "n_oppose",
            "n_neutral",
            "top_terms",
            "clusters",
        ],
    ),
    ("similarity.csv", &["by", "row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col"]),
    ("stances.csv", &["issuer", "bloc", "topic", "stance", "n", "share"]),
    ("positions.csv", &["by", "topic", "group", "n", "support", "oppose", "neutral", "net", "position", "low", "high"]),
    (
        "agreement.csv",
        &["by", "row_label", "col_label", "topic", "value", "low", "high", "n_row", "n_col", "shared_topics"],
    ),
    ("keyness.csv", &["side_a", "side_b", "topic", "side", "rank", "term", "score", "count_a", "count_b"]),
    (
        "clusters.csv",
        &[
            "topic",
            "k",
            "cluster",
            "label",
            "n",
            "support",
            "oppose",
            "neutral",
            "terms",
            "issuers",
            "blocs",
            "silhouette",
        ],
    ),
    ("cluster_members.csv", &["topic", "cluster", "by", "group", "n", "share"]),
];

fn export(args: &[&str]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let mut cmd = on_seeds(&["export", "--out", dir.path().to_str().expect("utf-8 path"), "--draws", "30"]);
    cmd.args(args);
    stdout(cmd);
    dir
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header = r.headers().expect("header").iter().map(String::from).collect();
    let rows = r.records().map(|x| x.expect("row").iter().map(String::from).collect()).collect();
    (header, rows)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file")).expect("JSON")
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

#[test]
fn files_and_schemas_are_pinned() {
    let dir = export(&[]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, FILES);

    let schema = read_json(&dir.path().join("schema.json"));
    let shipped: Value = serde_json::from_str(include_str!("../../docs/schema.json")).expect("docs/schema.json");
    assert_eq!(schema, shipped, "the export ships docs/schema.json");
    let defs = &schema["$defs"];
    for (file, columns) in COLUMNS {
        let (header, rows) = read_csv(&dir.path().join(file));
        assert_eq!(header, *columns, "{file} columns");
        let documented: Vec<&str> =
            defs[*file]["x-columns"].as_array().expect("x-columns").iter().map(|c| c.as_str().expect("str")).collect();
        assert_eq!(documented, *columns, "{file} in schema.json");
        let props = keys(&defs[*file]["properties"]);
        let mut sorted: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        sorted.sort();
        assert_eq!(props, sorted, "{file}: every column described");
        assert!(!rows.is_empty(), "{file} has rows");
    }

    let manifest = read_json(&dir.path().join("manifest.json"));
    let mut expected: Vec<String> = defs["manifest.json"]["required"]
        .as_array()
        .expect("required")
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert_eq!(keys(&manifest), expected, "manifest keys");
    assert_eq!(manifest["schema_version"], 1);
    assert_eq!(manifest["schema_version"], schema["version"]);
    assert_eq!(manifest["compare"]["a"], "russia-aligned", "default: the two largest blocs");
    for f in manifest["files"].as_array().expect("files") {
        let name = f["name"].as_str().expect("name");
        if name.ends_with(".csv") {
            assert_eq!(
                f["rows"].as_u64().expect("rows") as usize,
                read_csv(&dir.path().join(name)).1.len(),
                "{name} rows"
            );
        }
    }

    let sim = read_json(&dir.path().join("similarity.json"));
    assert_eq!(keys(&sim), ["draws", "matrices", "measure", "model", "seed", "version"]);
    assert_eq!(sim["measure"], "vocabulary_similarity");
    for m in sim["matrices"].as_array().expect("matrices") {
        assert_eq!(keys(m), ["by", "high", "labels", "low", "matrix", "measure", "n_passages", "topic"]);
    }
}

/// positions.csv and agreement.csv agree with each other and with `stance agreement`: an
/// agreement on a topic is 1 − |Δ position| / 2, and the export's numbers are the command's.
#[test]
fn positions_and_agreement_are_consistent_and_match_the_commands() {
    let dir = export(&[]);
    let (_, pos) = read_csv(&dir.path().join("positions.csv"));
    let (_, agr) = read_csv(&dir.path().join("agreement.csv"));
    let position: BTreeMap<(String, String, String), f64> =
        pos.iter().map(|r| ((r[0].clone(), r[1].clone(), r[2].clone()), r[8].parse().unwrap())).collect();
    let mut checked = 0;
    for r in agr.iter().filter(|r| !r[3].is_empty() && !r[4].is_empty()) {
        let at = |g: &str| position[&(r[0].clone(), r[3].clone(), g.to_string())];
        let expected = 1.0 - (at(&r[1]) - at(&r[2])).abs() / 2.0;
        assert!((r[4].parse::<f64>().unwrap() - expected).abs() < 1e-12, "{r:?}");
        checked += 1;
    }
    assert!(checked > 100);
    assert!(agr.iter().any(|r| r[3].is_empty() && r[4].is_empty() && r[9] == "0"), "no shared topic: empty value");
    let cmd = json(on_seeds(&["agreement", "--by", "bloc", "--format", "json", "--draws", "30"]));
    let labels: Vec<&str> = cmd["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    let bloc_overall: Vec<&Vec<String>> = agr.iter().filter(|r| r[0] == "bloc" && r[3].is_empty()).collect();
    assert_eq!(bloc_overall.len(), labels.len() * labels.len());
    for (k, r) in bloc_overall.iter().enumerate() {
        let (i, j) = (k / labels.len(), k % labels.len());
        assert_eq!((r[1].as_str(), r[2].as_str()), (labels[i], labels[j]));
        for (col, key) in [(4, "matrix"), (5, "low"), (6, "high")] {
            let v = &cmd[key][i][j];
            assert_eq!(r[col].parse::<f64>().ok(), v.as_f64(), "{key} at {i},{j}");
        }
    }
}

/// similarity.csv is similarity.json cell by cell (same order, same values).
#[test]
fn similarity_csv_and_json_carry_the_same_numbers() {
    let dir = export(&[]);
    let sim = read_json(&dir.path().join("similarity.json"));
    let (_, rows) = read_csv(&dir.path().join("similarity.csv"));
    // serde_json (without its float_roundtrip feature) may read a float 1 ULP off, so compare
    // within 1e-15; Python's exact reader finds the files equal digit for digit.
    let same = |csv: &str, json: &Value| match (csv, json.as_f64()) {
        ("", None) => true,
        (s, Some(y)) if !s.is_empty() => (s.parse::<f64>().expect("float") - y).abs() <= 1e-15,
        _ => false,
    };
    let mut k = 0;
    let mut bys = BTreeMap::new();
    for m in sim["matrices"].as_array().expect("matrices") {
        let labels: Vec<&str> = m["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        *bys.entry(m["by"].as_str().unwrap().to_string()).or_insert(0) += 1;
        for i in 0..labels.len() {
            for j in 0..labels.len() {
                let r = &rows[k];
                assert_eq!(
                    (r[0].as_str(), r[1].as_str(), r[2].as_str()),
                    (m["by"].as_str().unwrap(), labels[i], labels[j])
                );
                assert_eq!(r[3], m["topic"].as_str().unwrap_or(""));
                for (col, key) in [(4, "matrix"), (5, "low"), (6, "high")] {
                    assert!(same(&r[col], &m[key][i][j]), "{key} at row {k}: {} vs {}", r[col], m[key][i][j]);
                }
                assert_eq!(r[7], m["n_passages"][i].to_string());
                assert_eq!(r[8], m["n_passages"][j].to_string());
                k += 1;
            }
        }
    }
    assert_eq!(k, rows.len(), "no extra CSV rows");
    assert_eq!(bys.len(), 2, "issuer and bloc matrices: {bys:?}");
    assert_eq!(bys["issuer"], bys["bloc"], "overall + the same topics for both");
}

#[test]
fn stance_shares_sum_to_one_and_reruns_are_identical() {
    let (a, b) = (export(&["--seed", "2"]), export(&["--seed", "2"]));
    for f in FILES {
        assert!(std::fs::read(a.path().join(f)).unwrap() == std::fs::read(b.path().join(f)).unwrap(), "{f} differs");
    }
    let (_, rows) = read_csv(&a.path().join("stances.csv"));
    let mut sums: BTreeMap<(String, String), (f64, usize)> = BTreeMap::new();
    for r in &rows {
        let e = sums.entry((r[0].clone(), r[2].clone())).or_default();
        e.0 += r[5].parse::<f64>().unwrap();
        e.1 += 1;
    }
    for ((issuer, topic), (sum, n)) in sums {
        assert!((sum - 1.0).abs() < 1e-9 && n == 3, "{issuer}/{topic}: shares {sum}, {n} stances");
    }
}

/// clusters.csv is `stance clusters --format csv` with the same seed; cluster_members.csv is its
/// members in long form: a group's shares over a topic's positions sum to 1, and the issuers'
/// passages in a position add up to its `n`.
#[test]
fn clusters_are_the_commands_and_members_add_up() {
    let dir = export(&["--seed", "4"]);
    let file = std::fs::read_to_string(dir.path().join("clusters.csv")).unwrap();
    assert_eq!(file, stdout(on_seeds(&["clusters", "--format", "csv", "--seed", "4"])));
    let (_, clusters) = read_csv(&dir.path().join("clusters.csv"));
    assert!(clusters.iter().any(|r| r[0] == "binding_norms" && r[1].parse::<usize>().unwrap() >= 2), "{clusters:?}");
    let (_, members) = read_csv(&dir.path().join("cluster_members.csv"));
    let mut shares: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    let mut issuers_n: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &members {
        *shares.entry((r[0].clone(), r[2].clone(), r[3].clone())).or_default() += r[5].parse::<f64>().unwrap();
        if r[2] == "issuer" {
            *issuers_n.entry((r[0].clone(), r[1].clone())).or_default() += r[4].parse::<usize>().unwrap();
        }
    }
    assert!(shares.keys().any(|k| k.1 == "bloc") && shares.keys().any(|k| k.1 == "issuer"));
    for (k, sum) in shares {
        assert!((sum - 1.0).abs() < 1e-9, "{k:?}: shares sum to {sum}");
    }
    for r in &clusters {
        assert_eq!(issuers_n[&(r[0].clone(), r[2].clone())], r[4].parse::<usize>().unwrap(), "{r:?}");
    }
}

#[test]
fn keyness_for_the_pair_asked_for_and_bad_output_folder() {
    let dir = export(&["--compare", "china", "western", "--terms", "3"]);
    let (_, rows) = read_csv(&dir.path().join("keyness.csv"));
    assert!(rows.iter().all(|r| r[0] == "china" && r[1] == "western" && r[4].parse::<usize>().unwrap() <= 3));
    assert!(rows.iter().any(|r| r[3] == "china") && rows.iter().any(|r| r[3] == "western"));

    let file = dir.path().join("manifest.json");
    let out = on_seeds(&["export", "--out", file.to_str().unwrap()]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "--out must be a folder");
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a file"));
}

/// `stance completions SHELL` prints a script naming the subcommands (test kept here, with the
/// other notebook-and-tooling outputs).
#[test]
fn completions_for_bash_zsh_fish() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef stance"), ("fish", "complete -c stance")] {
        let out = stdout(stance(&["completions", shell]));
        assert!(out.contains(marker), "{shell}: {}", &out[..out.len().min(200)]);
        for sub in ["similarity", "report", "export", "compare"] {
            assert!(out.contains(sub), "{shell} completes {sub}");
        }
    }
    let out = stance(&["completions", "tcsh"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// `--format parquet`: each CSV table is a Parquet file with the same columns, the documented
/// types and the same values (read back with the parquet crate), and the manifest lists the
/// Parquet files with their sizes.
#[cfg(feature = "parquet")]
#[test]
fn parquet_export_holds_the_csv_tables() {
    use arrow_array::{Array, BooleanArray, Float64Array, Int64Array, StringArray};
    use arrow_schema::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let csv_dir = export(&["--raw-csv"]);
    let pq_dir = export(&["--format", "parquet"]);
    let mut names: Vec<String> = std::fs::read_dir(pq_dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = FILES.iter().map(|f| f.replace(".csv", ".parquet")).collect();
    expected.sort();
    assert_eq!(names, expected);
    let manifest = read_json(&pq_dir.path().join("manifest.json"));
    for f in manifest["files"].as_array().expect("files") {
        let bytes = std::fs::read(pq_dir.path().join(f["name"].as_str().unwrap())).expect("listed file");
        assert_eq!(f["bytes"].as_u64(), Some(bytes.len() as u64));
    }
    for &(file, columns) in COLUMNS {
        let (header, rows) = read_csv(&csv_dir.path().join(file));
        let name = file.replace(".csv", ".parquet");
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(pq_dir.path().join(&name)).unwrap())
            .expect("a Parquet file")
            .build()
            .unwrap();
        let batches: Vec<_> = reader.map(|b| b.expect("batch")).collect();
        let n: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(n, rows.len(), "{name} rows");
        assert_eq!(manifest["files"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap()["rows"], n);
        let mut r = 0;
        for b in &batches {
            let fields: Vec<&str> = b.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
            assert_eq!(fields, columns, "{name} columns");
            assert_eq!(fields, header);
            for i in 0..b.num_rows() {
                for (c, col) in b.columns().iter().enumerate() {
                    let cell = &rows[r][c];
                    let ok = if col.is_null(i) {
                        cell.is_empty()
                    } else {
                        match col.data_type() {
                            DataType::Utf8 => col.as_any().downcast_ref::<StringArray>().unwrap().value(i) == cell,
                            DataType::Int64 => {
                                Some(col.as_any().downcast_ref::<Int64Array>().unwrap().value(i)) == cell.parse().ok()
                            }
                            DataType::Float64 => {
                                Some(col.as_any().downcast_ref::<Float64Array>().unwrap().value(i)) == cell.parse().ok()
                            }
                            DataType::Boolean => {
                                Some(col.as_any().downcast_ref::<BooleanArray>().unwrap().value(i)) == cell.parse().ok()
                            }
                            other => panic!("{name}: unexpected type {other}"),
                        }
                    };
                    assert!(ok, "{name} row {r} column {}: CSV {cell:?}", columns[c]);
                }
                r += 1;
            }
        }
    }
}

#[test]
fn parquet_is_only_for_export() {
    fails(on_seeds(&["similarity", "--format", "parquet"]), 2, &["--format parquet", "stance export"]);
}
