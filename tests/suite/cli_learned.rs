//! The learned complement through the binary: `stance fit` trains it by default and saves it in
//! the model, `classify --model` uses it where the lexicon abstains and says so (`"source":
//! "model"` with its probability `p`), `--no-learned` leaves the lexicon alone, and the same
//! `--seed` gives the same model bytes.

use crate::common::*;
use serde_json::Value;

/// A class of wording the lexicon has no cue for: Internet public policy as a sovereign
/// prerogative of States (`support` toward `internet_governance`, the intergovernmental side of
/// its proposition), in English and French. Written for this test, not taken from the training
/// statements or the dev sets. (The earlier class, "online content is not a threat", is now
/// decided by the lexicon's 1.5.0 cues: when a class stops being a gap, pick another.)
const SOVEREIGN_INTERNET_POLICY: &str = "Internet public policy is a sovereign prerogative of each State.\n\n\
Public policy for the Internet is for sovereign States to decide, not for private companies.\n\n\
Les questions de politique publique liées à l'Internet relèvent de la souveraineté de chaque État.\n\n\
La politique publique de l'Internet est une prérogative souveraine des gouvernements.\n";

fn fit(dir: &std::path::Path, extra: &[&str]) -> Value {
    let mut cmd = on_seeds(&["fit", "--out", dir.to_str().expect("path"), "--format", "json"]);
    cmd.args(extra);
    json(cmd)
}

/// `classify --model` of `text`: the passage lines.
fn classify(model: &std::path::Path, text: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("statement.txt");
    std::fs::write(&path, text).expect("write");
    let out = stdout(stance(&[
        "classify",
        path.to_str().expect("path"),
        "--model",
        model.to_str().expect("path"),
        "--format",
        "json",
    ]));
    out.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
        .filter(|v| v.get("passage").is_some())
        .collect()
}

/// The stance each passage shows toward `topic`, with its source and p.
fn toward<'a>(passages: &'a [Value], topic: &str) -> Vec<Option<&'a Value>> {
    passages.iter().map(|p| p["stances"].get(topic)).collect()
}

#[test]
fn fit_trains_the_complement_which_decides_where_the_lexicon_abstains() {
    let dir = tempfile::tempdir().expect("tmp");
    let (with, without) = (dir.path().join("with"), dir.path().join("without"));
    let report = fit(&with, &[]);
    let learned = &report["learned"];
    assert!(learned["examples"]["gold"].as_u64() >= Some(40), "{learned}");
    assert!(learned["examples"]["sentences"].as_u64() >= Some(300), "{learned}");
    assert!(learned["examples"]["speeches"].as_u64() >= Some(300), "{learned}");
    assert!(learned["stance_threshold"].as_f64().is_some_and(|t| t <= 1.0), "the stance head decides: {learned}");
    assert!(fit(&without, &["--no-learned"])["learned"].is_null());

    // Lexicon alone: not one passage of the class gets a decision toward internet_governance.
    let lexicon = classify(&without, SOVEREIGN_INTERNET_POLICY);
    assert_eq!(lexicon.len(), 4);
    for s in toward(&lexicon, "internet_governance").into_iter().flatten() {
        assert_eq!(s["stance"], "neutral", "the lexicon now decides this class: pick another one ({s})");
        assert_eq!(s["source"], "lexicon");
    }
    // With the complement: the model decides on most of them, support, and says so.
    let model = classify(&with, SOVEREIGN_INTERNET_POLICY);
    let decided: Vec<&Value> =
        toward(&model, "internet_governance").into_iter().flatten().filter(|s| s["source"] == "model").collect();
    assert!(decided.len() >= 3, "the model decides on at least 3 of 4: {model:?}");
    for s in &decided {
        let p = s["p"].as_f64().expect("a model decision has its probability");
        assert!(p > 0.0 && p <= 1.0, "{s}");
        assert!(s["cues"].as_array().is_some_and(|c| c.is_empty()), "no cue: the model decided ({s})");
    }
    let support = decided.iter().filter(|s| s["stance"] == "support").count();
    assert!(support >= 3, "support toward internet_governance: {decided:?}");
    // Where the lexicon decides, the lexicon's call stays (with its cues, no p).
    for p in &model {
        for (_, s) in p["stances"].as_object().expect("stances") {
            if s["source"] == "lexicon" {
                assert!(s["p"].is_null(), "{s}");
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_model_and_old_models_are_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    fit(&a, &["--seed", "3"]);
    fit(&b, &["--seed", "3"]);
    let bytes = |d: &std::path::Path| std::fs::read(d.join("model.bin")).expect("model");
    assert_eq!(bytes(&a), bytes(&b), "same seed, byte-identical model (complement included)");

    // A model of an older format (7: before the complement's General Debate passages and their
    // parameters in the saved complement) gets one line.
    let mut old = bytes(&a);
    old[..4].copy_from_slice(&7u32.to_le_bytes());
    let path = dir.path().join("old.bin");
    std::fs::write(&path, old).expect("write");
    let out = stance(&["classify", "-", "--model", path.to_str().expect("path")])
        .write_stdin("The Budapest Convention is the leading instrument on cybercrime and all States should join it.\n")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("model format 7") && err.contains("stance fit"), "{err}");
}
