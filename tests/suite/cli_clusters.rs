//! `stance clusters`: positions within each topic (issue 18) — formats, determinism, errors, and
//! the ordering on binding_norms (russia-aligned and western passages mostly apart).

use crate::common::*;
use serde_json::Value;

fn topic<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["topics"].as_array().unwrap().iter().find(|t| t["topic"] == id).unwrap_or_else(|| panic!("no topic {id}"))
}

#[test]
fn json_has_positions_with_labels_members_and_examples() {
    let v = json(on_seeds(&["clusters", "--format", "json"]));
    for key in ["measure", "topic", "topics", "params", "domain", "model", "seed"] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["measure"], "positions");
    assert!(v["topics"].as_array().unwrap().len() >= 10, "every topic with passages");
    for t in v["topics"].as_array().unwrap() {
        let k = t["k"].as_u64().unwrap() as usize;
        let positions = t["positions"].as_array().unwrap();
        assert!((1..=5).contains(&k) && positions.len() == k, "{t}");
        let n: u64 = positions.iter().map(|p| p["n"].as_u64().unwrap()).sum();
        assert_eq!(n, t["n_passages"].as_u64().unwrap());
        for p in positions {
            let s = &p["stances"];
            let mix = s["support"].as_u64().unwrap() + s["oppose"].as_u64().unwrap() + s["neutral"].as_u64().unwrap();
            assert_eq!(mix, p["n"].as_u64().unwrap());
            assert!(!p["label"].as_str().unwrap().is_empty());
            assert!(p["examples"].as_array().unwrap().len() <= 2);
            for m in p["issuers"].as_array().unwrap() {
                let share = m["share"].as_f64().unwrap();
                assert!(share > 0.0 && share <= 1.0);
            }
        }
        let q = &t["quality"];
        for key in ["stance_purity", "bloc_purity"] {
            let x = q[key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{key} {x}");
        }
    }
}

/// Part 4: on binding_norms the blocs that disagree hold different positions.
#[test]
fn binding_norms_parts_russia_aligned_from_western() {
    let v = json(on_seeds(&["clusters", "--topic", "binding_norms", "--format", "json"]));
    assert_eq!(v["topics"].as_array().unwrap().len(), 1);
    let t = topic(&v, "binding_norms");
    assert!(t["k"].as_u64().unwrap() >= 2, "binding norms is not a consensus topic: {t}");
    let sep = t["quality"]["separation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["a"] == "russia-aligned" && s["b"] == "western")
        .expect("both blocs speak to binding norms");
    let share = sep["share"].as_f64().unwrap();
    assert!(share > 0.5, "russia-aligned and western passages mostly in different positions: {share}");
    // The position holding most russia-aligned passages is not the one holding most western ones.
    let holder = |bloc: &str| {
        t["positions"]
            .as_array()
            .unwrap()
            .iter()
            .max_by_key(|p| {
                p["blocs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|b| b["name"] == bloc)
                    .map_or(0, |b| b["n"].as_u64().unwrap())
            })
            .map(|p| p["cluster"].as_u64().unwrap())
    };
    assert_ne!(holder("russia-aligned"), holder("western"));
}

#[test]
fn forced_k_and_formats() {
    let v = json(on_seeds(&["clusters", "--topic", "budapest_convention", "--k", "2", "--format", "json"]));
    let t = topic(&v, "budapest_convention");
    assert_eq!((t["k"].as_u64(), t["rule"].as_str()), (Some(2), Some("forced")));
    let one = json(on_seeds(&["clusters", "--topic", "budapest_convention", "--k", "1", "--format", "json"]));
    assert_eq!(topic(&one, "budapest_convention")["positions"].as_array().unwrap().len(), 1);

    let csv = stdout(on_seeds(&["clusters", "--format", "csv"]));
    let header = csv.lines().next().unwrap();
    assert_eq!(header, "topic,k,cluster,label,n,support,oppose,neutral,terms,issuers,blocs,silhouette");
    assert!(csv.lines().skip(1).any(|l| l.starts_with("binding_norms,")));

    let table = stdout(on_seeds(&["clusters", "--topic", "binding_norms"]));
    assert!(table.contains("Positions on binding_norms"), "{table}");
    assert!(table.contains("Purity: stance"), "{table}");
    assert!(table.contains("russia-aligned vs western"), "{table}");
}

#[test]
fn same_seed_same_bytes() {
    let run = |seed: &str| stdout(on_seeds(&["clusters", "--format", "json", "--seed", seed]));
    assert_eq!(run("7"), run("7"));
    let csv = |seed: &str| stdout(on_seeds(&["clusters", "--format", "csv", "--seed", seed]));
    assert_eq!(csv("3"), csv("3"));
}

#[test]
fn errors_are_one_line() {
    fails(on_seeds(&["clusters", "--topic", "binding_norm"]), 2, &["unknown topic", "binding_norms"]);
    fails(on_seeds(&["clusters", "--k", "0"]), 2, &["--k 0"]);
    fails(on_seeds(&["clusters", "--k", "6"]), 2, &["--k 6", "1 to 5"]);
    fails(on_seeds(&["clusters", "--stance-weight", "9"]), 2, &["--stance-weight"]);
}

#[test]
fn works_on_a_small_corpus_of_its_own() {
    let dir = small_corpus();
    let v = json(stance(&["clusters", "--format", "json", "--corpus", dir.path().to_str().unwrap()]));
    for t in v["topics"].as_array().unwrap() {
        assert!(t["k"].as_u64().unwrap() <= 1, "two passages cannot part: {t}");
    }
}

#[test]
fn topics_names_its_clusters_text_clusters() {
    let out = stdout(on_seeds(&["topics", "--help"]));
    assert!(out.contains("text clusters"), "{out}");
}
