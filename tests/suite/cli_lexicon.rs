//! `stance topics --check`: a lexicon that loads is checked for concepts and word classes nothing
//! names and for expressions written in more than one concept; one that does not load is a
//! one-line error. The worked example of docs/lexicon.md is run on the shipped corpus.

use crate::common::{fails, json, on_seeds, stance, stdout};
use tempfile::TempDir;

const SHIPPED: &str = include_str!("../../models/topics.toml");

/// The non_interference topic of docs/lexicon.md.
const TOPIC: &str = r#"
[[topics]]
id = "non_interference"
label = "Non-interference through ICTs"
label_fr = "Non-ingérence par les TIC"
proposition = "States must not use ICTs to interfere in the internal affairs of other States."
concepts = { non_interference = 4.0, sovereignty = 1.0 }
requires_domain = true
support = [
  "respect*|principe*|principle* ..4 @non_interference",
  { cue = "@non_interference", weight = 0.5 },
]
oppose = []

"#;

/// The shipped lexicon with `extra` TOML inserted before the relations (after the last topic).
fn lexicon_with(extra: &str) -> (TempDir, String) {
    let at = SHIPPED.find("[[claims]]").expect("claims in the shipped lexicon");
    let at = SHIPPED[..at].rfind("\n# ----").expect("the relations banner");
    let text = format!("{}\n{extra}{}", &SHIPPED[..at], &SHIPPED[at..]);
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("my_topics.toml");
    std::fs::write(&path, text).expect("write");
    (dir, path.to_str().expect("utf-8 path").to_string())
}

#[test]
fn the_shipped_lexicon_checks_clean_or_lists_its_findings() {
    let report = json(stance(&["topics", "--check", "--format", "json"]));
    assert_eq!(report["file"], "models/topics.toml");
    assert_eq!(report["n_topics"], 13);
    for key in ["unused_concepts", "unused_word_classes", "overlapping"] {
        assert!(report[key].is_array(), "{key}: {report}");
    }
}

#[test]
fn check_reports_unused_concepts_and_overlapping_expressions() {
    let extra = r#"[concepts.ransomware]
label = "ransomware"
fr = ["rançongiciel*", "ingérence"]
en = ["ransomware"]

"#;
    // A concept belongs before the topics: TOML tables may come in any order.
    let (_dir, path) = lexicon_with(&format!("{TOPIC}{extra}"));
    let report = json(stance(&["topics", "--lexicon", &path, "--check", "--format", "json"]));
    assert_eq!(report["n_topics"], 14, "{report}");
    let unused: Vec<&str> = report["unused_concepts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(unused.contains(&"ransomware"), "{unused:?}");
    assert!(!unused.contains(&"non_interference"), "the new topic names it: {unused:?}");
    let overlap = report["overlapping"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["expression"] == "ingérence")
        .unwrap_or_else(|| panic!("ingérence twice: {report}"));
    assert_eq!(overlap["places"], serde_json::json!(["non_interference (fr)", "ransomware (fr)"]));
    let table = stdout(stance(&["topics", "--lexicon", &path, "--check"]));
    assert!(table.contains("14 topics") && table.contains("unused_concept") && table.contains("ransomware"), "{table}");
    let csv = stdout(stance(&["topics", "--lexicon", &path, "--check", "--format", "csv"]));
    assert!(csv.starts_with("finding,name,where\n") && csv.contains("overlapping,ingérence,"), "{csv}");
}

#[test]
fn a_lexicon_that_does_not_load_is_one_line_naming_the_place() {
    let (_dir, path) = lexicon_with(&TOPIC.replace("..4 @non_interference", "..4 @non_interferance"));
    fails(
        stance(&["topics", "--lexicon", &path, "--check"]),
        1,
        &["my_topics.toml", "non_interference", "unknown concept `@non_interferance`"],
    );
}

#[test]
fn the_worked_example_of_the_docs_finds_its_passages() {
    let (_dir, path) = lexicon_with(TOPIC);
    let topics = json(on_seeds(&["topics", "--lexicon", &path, "--format", "json"]));
    let t = topics["topics"].as_array().unwrap().iter().find(|t| t["id"] == "non_interference").expect("new topic");
    assert_eq!(t["n_passages"], 7, "{t}");
    let passages = json(on_seeds(&[
        "passages",
        "--lexicon",
        &path,
        "--topic",
        "non_interference",
        "--stance",
        "support",
        "--format",
        "json",
    ]));
    let issuers: Vec<&str> = passages.as_array().unwrap().iter().filter_map(|p| p["issuer"].as_str()).collect();
    assert!(issuers.contains(&"China") && issuers.contains(&"Iran"), "{passages}");
}
