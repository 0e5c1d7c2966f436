//! `stance evaluate`: topic and stance scores on gold passages (French and English), the
//! leave-one-document-out nearest-bloc check, formats and errors.

use crate::common::*;
use serde_json::Value;

fn gold_fixture() -> String {
    format!("{}/tests/fixtures/gold_passages.csv", env!("CARGO_MANIFEST_DIR"))
}

/// A gold file in a temporary folder.
fn gold_file(content: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("gold.csv");
    std::fs::write(&path, content).expect("write");
    let p = path.to_str().expect("path").to_string();
    (dir, p)
}

#[test]
fn scores_the_shipped_gold_file() {
    let v = json(stance(&["evaluate", "--gold", &gold_fixture(), "--format", "json"]));
    let e = &v["evaluation"];
    let n = e["n_passages"].as_u64().expect("n");
    assert!(n >= 40);
    for key in ["topic_accuracy", "topic_macro_f1", "stance_accuracy", "stance_balanced_accuracy"] {
        let x = e[key].as_f64().unwrap_or_else(|| panic!("{key}"));
        assert!((0.0..=1.0).contains(&x), "{key} = {x}");
    }
    let total: u64 = e["topic_confusion"]["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .flat_map(|r| r.as_array().expect("row"))
        .map(|x| x.as_u64().expect("u"))
        .sum();
    assert_eq!(total, n, "every gold passage is in the topic confusion matrix");
    let stances: Vec<&str> =
        e["stances"].as_array().expect("stances").iter().map(|s| s["label"].as_str().expect("l")).collect();
    assert_eq!(stances, ["neutral", "oppose", "support"]);
    assert!(v["nearest_bloc"].is_null());
    let table = stdout(stance(&["evaluate", "--gold", &gold_fixture()]));
    for needle in
        ["Topic: accuracy", "macro-F1", "balanced accuracy", "Topic confusion", "Stance confusion", "binding_norms"]
    {
        assert!(table.contains(needle), "missing {needle:?}:\n{table}");
    }
}

#[test]
fn french_and_english_passages_are_scored_alike() {
    let (_d, path) = gold_file(
        "passage,topic,stance\n\
         \"Nous soutenons l'élaboration d'une convention juridiquement contraignante sur la sécurité internationale de l'information.\",binding_norms,support\n\
         \"We support the development of a legally binding international instrument on international information security.\",binding_norms,support\n",
    );
    let v = json(stance(&["evaluate", "--gold", &path, "--format", "json"]));
    assert_eq!(v["evaluation"]["topic_accuracy"], 1.0, "{v}");
    assert_eq!(v["evaluation"]["stance_accuracy"], 1.0, "{v}");
    let csv = stdout(stance(&["evaluate", "--gold", &path, "--format", "csv"]));
    assert!(csv.starts_with("metric,gold,predicted,value\ntopic_accuracy,,,1\n"), "{csv}");
    assert!(csv.contains("topic_confusion,binding_norms,binding_norms,2"));
}

/// Multi-topic reach, the stance shown for the gold topic and the issuer × topic calls.
#[test]
fn topics_reached_and_issuer_calls() {
    let (_d, path) = gold_file(
        "passage,topic,stance,issuer\n\
         \"We call for a universal convention against cybercrime under the United Nations.\",budapest_convention,oppose,A\n\
         \"La Convention de Budapest ne saurait servir de modèle universel.\",budapest_convention,oppose,A\n\
         \"We support the Budapest Convention as the global standard.\",budapest_convention,support,B\n\
         \"The weather in Geneva was fine.\",ai,neutral,B\n",
    );
    let v = json(stance(&["evaluate", "--gold", &path, "--format", "json"]));
    let e = &v["evaluation"];
    assert_eq!(e["topic_reached"], 3, "{e}");
    assert_eq!(e["shown_stance_accuracy"], 0.75, "the unreached topic counts wrong: {e}");
    let calls = &e["issuer_calls"];
    assert_eq!((&calls["n"], &calls["correct"]), (&3.into(), &2.into()), "{calls}");
    let none = calls["calls"].as_array().expect("calls").iter().find(|c| c["topic"] == "ai").expect("B on ai");
    assert_eq!((&none["issuer"], &none["gold"], &none["predicted"]), (&"B".into(), &"neutral".into(), &Value::Null));
    let table = stdout(stance(&["evaluate", "--gold", &path]));
    for needle in
        ["Gold topic among the passage's topics: 3/4", "Stance shown for the gold topic", "Issuer × topic calls"]
    {
        assert!(table.contains(needle), "missing {needle:?}:\n{table}");
    }
    let csv = stdout(stance(&["evaluate", "--gold", &path, "--format", "csv"]));
    assert!(
        csv.contains("\nissuer_call_accuracy,,,0.6666") && csv.contains("\nissuer_call_confusion,neutral,(none),1\n"),
        "{csv}"
    );
    // Without an issuer column there are no issuer calls.
    let (_d2, plain) =
        gold_file("passage,topic,stance\n\"We support the Budapest Convention.\",budapest_convention,support\n");
    assert!(json(stance(&["evaluate", "--gold", &plain, "--format", "json"]))["evaluation"]["issuer_calls"].is_null());
}

/// The floors are the accuracies reached (docs/evaluation.md): a change that loses a document
/// fails here.
#[test]
fn nearest_bloc_leave_one_document_out() {
    let v = json(on_seeds(&["evaluate", "--nearest-bloc", "--format", "json"]));
    let nb = &v["nearest_bloc"];
    assert_eq!(nb["n"], 16, "7 western, 7 russia-aligned and 2 Chinese documents");
    let docs = nb["documents"].as_array().expect("documents");
    let three = ["western", "russia-aligned", "china"];
    assert!(docs.iter().all(|d| d["nearest"].is_string() && three.contains(&d["bloc"].as_str().expect("bloc"))));
    assert!(docs.iter().all(|d| three.contains(&d["nearest_among_blocs"].as_str().expect("among"))));
    let count = |key: &str| docs.iter().filter(|d| d[key] == true).count();
    assert_eq!(nb["correct"], count("correct"));
    assert_eq!(nb["correct_among_blocs"], count("correct_among_blocs"));
    assert!(count("correct") >= 10, "all blocs: {} of 16 right, floor 10", count("correct"));
    assert!(count("correct_among_blocs") >= 11, "three blocs: {} of 16, floor 11", count("correct_among_blocs"));
    assert!(v["evaluation"].is_null());
}

#[test]
fn gold_and_usage_errors() {
    let (_d, path) = gold_file("file,passage,topic\na.txt,Some text,ai\n");
    fails(stance(&["evaluate", "--gold", &path]), 1, &["gold.csv", "missing column 'stance'"]);
    let (_d, path) = gold_file("passage,topic,stance\nSome text,ai,maybe\n");
    fails(stance(&["evaluate", "--gold", &path]), 1, &["gold.csv", "line 2", "maybe"]);
    let (_d, path) = gold_file("passage,topic,stance\nSome text,cyber_peace,support\n");
    fails(stance(&["evaluate", "--gold", &path]), 1, &["gold.csv", "line 2", "cyber_peace"]);
    let (_d, path) = gold_file("passage,topic,stance\n");
    fails(stance(&["evaluate", "--gold", &path]), 1, &["gold.csv", "no labelled passage"]);
    fails(stance(&["evaluate", "--gold", "/nonexistent/gold.csv"]), 1, &["/nonexistent/gold.csv"]);
    fails(stance(&["evaluate"]), 2, &["--gold", "--nearest-bloc"]);
    fails(on_seeds(&["evaluate", "--nearest-bloc", "--blocs", "martians"]), 2, &["martians", "western"]);
}
