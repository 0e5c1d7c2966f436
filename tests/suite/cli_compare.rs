//! `stance compare` on the shipped corpus: stances per topic that match the texts, intervals,
//! distinctive terms, evidence, formats and errors.

use crate::common::*;
use serde_json::Value;

fn topic<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["topics"].as_array().expect("topics").iter().find(|t| t["topic"] == id).unwrap_or_else(|| panic!("no topic {id}"))
}

fn call(side: &Value) -> &str {
    side["stance"]["call"].as_str().unwrap_or("none")
}

#[test]
fn russia_aligned_and_western_stand_where_their_texts_do() {
    let v = json(on_seeds(&["compare", "russia-aligned", "western", "--format", "json"]));
    assert_eq!(v["a"]["label"], "russia-aligned");
    assert_eq!(v["b"]["kind"], "bloc");
    assert!(v["a"]["issuers"].as_array().expect("issuers").iter().any(|i| i == "CIS"));
    let bn = topic(&v, "binding_norms");
    assert_eq!((call(&bn["a"]), call(&bn["b"])), ("support", "oppose"), "binding_norms: {bn}");
    let bc = topic(&v, "budapest_convention");
    assert_eq!((call(&bc["a"]), call(&bc["b"])), ("oppose", "support"), "budapest_convention: {bc}");
    // The overall row has no stance but distinctive terms both ways.
    assert!(v["overall"]["topic"].is_null() && v["overall"]["a"]["stance"].is_null());
    assert!(!v["overall"]["a"]["terms"].as_array().expect("terms").is_empty());
    assert!(!v["overall"]["b"]["terms"].as_array().expect("terms").is_empty());
}

#[test]
fn every_figure_has_an_interval_or_says_n_is_too_small() {
    let v = json(on_seeds(&["compare", "russia-aligned", "western", "--format", "json", "--draws", "100"]));
    let min_n = v["params"]["bootstrap"]["min_passages"].as_u64().expect("min_passages");
    let mut checked = 0;
    for t in v["topics"].as_array().expect("topics") {
        let (na, nb) = (t["a"]["n_passages"].as_u64().expect("n"), t["b"]["n_passages"].as_u64().expect("n"));
        let s = &t["similarity"];
        if na == 0 || nb == 0 {
            assert!(s["value"].is_null(), "{t}");
        } else if na < min_n || nb < min_n {
            assert!(s["value"].is_number() && s["low"].is_null(), "n too small: no interval: {t}");
        } else {
            let (lo, x, hi) =
                (s["low"].as_f64().expect("low"), s["value"].as_f64().expect("v"), s["high"].as_f64().expect("hi"));
            assert!(-1.0 <= lo && lo <= x + 1e-9 && x <= hi + 1e-9 && hi <= 1.0, "{s}");
            checked += 1;
        }
        for side in [&t["a"], &t["b"]] {
            let net = &side["stance"]["net"];
            if side["stance"]["n"].as_u64().expect("n") >= min_n {
                let (lo, x, hi) = (
                    net["low"].as_f64().expect("lo"),
                    net["value"].as_f64().expect("v"),
                    net["high"].as_f64().expect("hi"),
                );
                assert!(-1.0 <= lo && lo <= x + 1e-9 && x <= hi + 1e-9 && hi <= 1.0, "{net}");
            } else {
                assert!(net.is_null() || net["low"].is_null(), "{side}");
            }
        }
    }
    assert!(checked >= 2, "at least two topics with enough passages on both sides");
}

/// Agreement sits beside vocabulary similarity: on binding_norms the blocs take opposite sides
/// (support / oppose), so they agree less than on un_processes, where both support.
#[test]
fn agreement_beside_vocabulary_similarity() {
    let v = json(on_seeds(&["compare", "russia-aligned", "western", "--format", "json", "--draws", "50"]));
    let agreement = |t: &str| topic(&v, t)["agreement"]["value"].as_f64().expect("agreement");
    assert!(agreement("binding_norms") < agreement("un_processes"));
    let overall = &v["overall"]["agreement"];
    assert!(
        overall["shared_topics"].as_u64().unwrap() >= 3 && (0.0..=1.0).contains(&overall["value"].as_f64().unwrap())
    );
    let bn = topic(&v, "binding_norms");
    let (pa, pb) = (bn["a"]["position"]["value"].as_f64().unwrap(), bn["b"]["position"]["value"].as_f64().unwrap());
    assert!(pa > 0.0 && pb < 0.0, "russia-aligned supports, western opposes binding norms: {pa} {pb}");
    assert!((agreement("binding_norms") - (1.0 - (pa - pb).abs() / 2.0)).abs() < 1e-12);
}

#[test]
fn table_shows_stances_intervals_terms_and_highlighted_evidence() {
    let out = stdout(on_seeds(&[
        "compare",
        "russia-aligned",
        "western",
        "--topic",
        "binding_norms",
        "--evidence",
        "3",
        "--wide",
    ]));
    for needle in [
        "binding_norms",
        "agreement [95% CI]",
        "vocabulary similarity",
        "stance A: russia-aligned",
        "terms of B: western",
        "net ",
        "pos ",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    assert!(out.contains("## binding_norms") && out.contains("  1. "), "evidence section:\n{out}");
    assert!(out.contains("**"), "cues are bold (Markdown when piped):\n{out}");
    assert!(!out.contains("## budapest_convention"), "--topic keeps one topic");
}

#[test]
fn evidence_comes_from_each_side_with_cue_offsets() {
    let v = json(on_seeds(&[
        "compare",
        "russia-aligned",
        "western",
        "--topic",
        "binding_norms",
        "--evidence",
        "3",
        "--format",
        "json",
    ]));
    assert_eq!(v["topics"].as_array().expect("topics").len(), 1);
    let t = topic(&v, "binding_norms");
    for (side, bloc) in [(&t["a"], "russia-aligned"), (&t["b"], "western")] {
        let ev = side["evidence"].as_array().expect("evidence");
        assert!(!ev.is_empty() && ev.len() <= 3, "{side}");
        assert_eq!(ev[0]["stance"], side["stance"]["call"], "the best passage shows the side's call");
        for e in ev {
            assert_eq!(e["bloc"], bloc);
            assert!(e["document"].is_string() && e["issuer"].is_string() && e.get("date").is_some());
            let text = e["text"].as_str().expect("text");
            for c in e["cues"].as_array().expect("cues") {
                let (s, end) = (c["start"].as_u64().expect("s") as usize, c["end"].as_u64().expect("e") as usize);
                assert!(s < end && end <= text.len() && c["cue"].is_string() && c["polarity"].is_string(), "{c}");
            }
        }
        assert!(ev.iter().any(|e| !e["cues"].as_array().expect("cues").is_empty()), "a decisive passage has cues");
    }
}

#[test]
fn explain_shows_cues_and_issuers() {
    let out = stdout(on_seeds(&["compare", "russia-aligned", "western", "--topic", "binding_norms", "--explain"]));
    assert!(out.contains("cues: \"") && out.contains(" ×"), "{out}");
    let issuer_line = |l: &str| l.starts_with("  ") && l.contains(": support (n=") && l.contains("net ");
    assert!(out.lines().any(issuer_line), "per-issuer stance:\n{out}");
}

#[test]
fn issuers_as_sides_and_g2_keyness() {
    let v =
        json(on_seeds(&["compare", "issuer:CIS", "issuer:UN General Assembly", "--keyness", "g2", "--format", "json"]));
    assert_eq!((v["a"]["kind"].as_str(), v["b"]["name"].as_str()), (Some("issuer"), Some("UN General Assembly")));
    assert_eq!(v["params"]["keyness"]["method"], "g2");
    assert_eq!(v["a"]["n_documents"], 1);
    assert!(v["overall"]["similarity"]["value"].as_f64().is_some());
    let out = stdout(on_seeds(&["compare", "issuer:CIS", "issuer:UN General Assembly", "--terms", "5"]));
    assert!(out.contains("issuer:CIS") && out.contains("Fightin' Words"));
}

#[test]
fn same_seed_same_json_and_csv_has_one_row_per_topic() {
    let args = ["compare", "china", "western", "--format", "json", "--seed", "5", "--evidence", "2"];
    assert_eq!(stdout(on_seeds(&args)), stdout(on_seeds(&args)));
    let csv = stdout(on_seeds(&["compare", "china", "western", "--format", "csv"]));
    let v = json(on_seeds(&["compare", "china", "western", "--format", "json"]));
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(
        header.starts_with(
            "topic,side_a,side_b,similarity,similarity_low,similarity_high,agreement,agreement_low,agreement_high,\
             shared_topics,n_a,call_a"
        ),
        "{header}"
    );
    assert_eq!(lines.count(), 1 + v["topics"].as_array().expect("topics").len());
}

#[test]
fn unknown_side_or_topic_is_a_usage_error_listing_known_names() {
    fails(on_seeds(&["compare", "nato", "western"]), 2, &["'nato'", "russia-aligned", "western", "CIS"]);
    fails(on_seeds(&["compare", "western", "issuer:Atlantis"]), 2, &["'Atlantis'", "known issuers", "France"]);
    fails(
        on_seeds(&["compare", "russia-aligned", "western", "--topic", "cyber_peace"]),
        2,
        &["cyber_peace", "binding_norms"],
    );
    fails(on_seeds(&["compare", "western", "western"]), 2, &["two different"]);
}
