//! `stance classify`: JSON lines per passage then the document line, French and English, file
//! and stdin, with a saved model, and the input errors.

use crate::common::*;
use serde_json::Value;

const FR_STATEMENT: &str = "La Fédération de Russie estime qu'il est nécessaire d'élaborer, sous l'égide des Nations Unies, \
une convention universelle juridiquement contraignante sur la sécurité internationale de l'information.\n\n\
Les dispositions de la Convention de Budapest sont inacceptables, car elles portent atteinte à la souveraineté des États.\n";

const EN_STATEMENT: &str = "The United States believes that existing international law, together with voluntary, \
non-binding norms of responsible State behaviour, provides the framework we need; a new legally binding treaty is not necessary.\n\n\
The Budapest Convention is the leading international instrument on cybercrime and we encourage all States to join it.\n";

fn lines(out: &str) -> Vec<Value> {
    out.lines().map(|l| serde_json::from_str(l).expect("each line is one JSON object")).collect()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    k.sort();
    k
}

fn classify_file(text: &str, extra: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("statement.txt");
    std::fs::write(&path, text).expect("write");
    let mut cmd = on_seeds(&["classify", path.to_str().expect("path"), "--format", "json"]);
    cmd.args(extra);
    lines(&stdout(cmd))
}

#[test]
fn french_file_gives_passage_lines_then_the_document_line() {
    let out = classify_file(FR_STATEMENT, &[]);
    assert_eq!(out.len(), 3, "two passages and the document");
    for (i, p) in out[..2].iter().enumerate() {
        assert_eq!(
            keys(p),
            [
                "cues",
                "domain",
                "end",
                "passage",
                "stance",
                "stances",
                "start",
                "text",
                "topic",
                "topic_score",
                "topics"
            ]
        );
        assert_eq!(keys(&p["domain"]), ["evidence", "in", "score"]);
        assert_eq!(p["domain"]["in"], true, "a statement on information security is in the domain");
        // The best topic's stance is also under "stances", traced to the lexicon.
        let best = &p["stances"][p["topic"].as_str().expect("topic")];
        assert_eq!(keys(best), ["cues", "p", "source", "stance"]);
        assert_eq!((&best["stance"], &best["source"], &best["p"]), (&p["stance"], &"lexicon".into(), &Value::Null));
        assert_eq!(p["passage"], i);
        assert_eq!(p["topics"].as_object().expect("topics").len(), 13, "every topic has a score");
    }
    assert_eq!(out[0]["topic"], "binding_norms");
    assert_eq!(out[0]["stance"], "support");
    assert_eq!(out[1]["topic"], "budapest_convention");
    assert_eq!(out[1]["stance"], "oppose");
    let cue = &out[0]["cues"][0];
    assert_eq!(keys(cue), ["cue", "end", "polarity", "start"]);
    let doc = &out[2];
    assert_eq!(keys(doc), ["agreeing_blocs", "agreeing_issuers", "document", "nearest_blocs", "nearest_issuers"]);
    assert!(doc["document"].as_str().expect("name").ends_with("statement.txt"));
    let blocs = doc["nearest_blocs"].as_array().expect("blocs");
    assert!(!blocs.is_empty() && blocs.len() <= 5);
    assert_eq!(keys(&blocs[0]), ["bloc", "score", "similarity", "stance_evidence"]);
    let scores: Vec<f64> = blocs.iter().map(|b| b["score"].as_f64().expect("f")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "nearest first: {scores:?}");
    assert!(blocs.iter().all(|b| (-1.0..=1.0).contains(&b["similarity"].as_f64().expect("cosine"))));
    assert_eq!(keys(&doc["nearest_issuers"][0]), ["issuer", "score", "similarity", "stance_evidence"]);
    assert_eq!(blocs[0]["bloc"], "russia-aligned", "supports a binding convention, opposes Budapest");
    let agreeing = doc["agreeing_blocs"].as_array().expect("agreeing blocs");
    assert_eq!(keys(&agreeing[0]), ["agreement", "bloc", "high", "low", "shared_topics"]);
    let values: Vec<f64> = agreeing.iter().filter_map(|b| b["agreement"].as_f64()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]) && values.iter().all(|x| (0.0..=1.0).contains(x)));
}

/// The same-side question: a text for a binding convention and against Budapest agrees more with
/// russia-aligned than with western; the text saying the opposite, the other way round.
#[test]
fn agreeing_blocs_follow_the_stances_taken() {
    let agreement = |text: &str, bloc: &str| -> f64 {
        let out = classify_file(text, &["--top", "0"]);
        let doc = out.last().expect("document line");
        let all = doc["agreeing_blocs"].as_array().expect("agreeing blocs");
        all.iter().find(|b| b["bloc"] == bloc).and_then(|b| b["agreement"].as_f64()).expect("shares a topic")
    };
    assert!(agreement(FR_STATEMENT, "russia-aligned") > agreement(FR_STATEMENT, "western"));
    assert!(agreement(EN_STATEMENT, "western") > agreement(EN_STATEMENT, "russia-aligned"));
}

#[test]
fn english_file_and_lang_flag() {
    let out = classify_file(EN_STATEMENT, &["--lang", "en", "--top", "0"]);
    assert_eq!(out[0]["topic"], "binding_norms");
    assert_eq!(out[0]["stance"], "oppose");
    assert_eq!(out[1]["topic"], "budapest_convention");
    assert_eq!(out[1]["stance"], "support");
    let doc = out.last().expect("document line");
    assert_eq!(doc["nearest_blocs"].as_array().expect("blocs").len(), 6, "--top 0 lists every bloc");
}

#[test]
fn candidate_blocs() {
    let out = classify_file(EN_STATEMENT, &["--blocs", "western,russia-aligned,china", "--top", "0"]);
    let doc = out.last().expect("document line");
    let blocs: Vec<&str> =
        doc["nearest_blocs"].as_array().expect("blocs").iter().map(|b| b["bloc"].as_str().expect("name")).collect();
    assert_eq!(blocs.len(), 3, "{blocs:?}");
    assert_eq!(blocs[0], "western", "opposes a binding treaty, supports Budapest");
    let mut cmd = on_seeds(&["classify", "-", "--blocs", "western,martians"]);
    cmd.write_stdin(EN_STATEMENT);
    fails(cmd, 2, &["martians", "russia-aligned"]);
}

#[test]
fn stdin_as_a_table() {
    let mut cmd = on_seeds(&["classify", "-", "--format", "table"]);
    cmd.write_stdin(FR_STATEMENT);
    let out = stdout(cmd);
    assert!(out.starts_with("<stdin> (fr): 2 passage(s)"), "{out}");
    assert!(out.contains("binding_norms") && out.contains("Nearest blocs: ") && out.contains("**"), "{out}");
    assert!(out.contains("Agreeing blocs: ") && out.contains("topic(s))"), "{out}");
    // Cues read as the matched words and the stance they point to, not lexicon patterns.
    assert!(out.contains("cues: words → stance") && out.contains("\" → "), "{out}");
    assert!(!out.contains("@") && !out.contains(".."), "no lexicon patterns in the cues column:\n{out}");
    assert!(out.contains("score under a topic"), "the score column is explained:\n{out}");
}

#[test]
fn saved_model_gives_the_same_answer_as_a_fresh_fit() {
    let dir = tempfile::tempdir().expect("tmp");
    stdout(on_seeds(&["fit", "--out", dir.path().to_str().expect("path")]));
    let model = dir.path().join("model.bin");
    let mut cmd = stance(&["classify", "-", "--format", "json", "--model", model.to_str().expect("path")]);
    cmd.write_stdin(EN_STATEMENT);
    let with_model = stdout(cmd);
    let mut cmd = on_seeds(&["classify", "-", "--format", "json"]);
    cmd.write_stdin(EN_STATEMENT);
    assert_eq!(with_model, stdout(cmd));
    let mut cmd = stance(&["classify", "-", "--model", dir.path().to_str().expect("path")]);
    cmd.write_stdin(EN_STATEMENT);
    assert!(stdout(cmd).contains("Nearest issuers"), "a model folder is accepted too");
}

#[test]
fn input_errors() {
    let mut cmd = on_seeds(&["classify", "-"]);
    cmd.write_stdin("  \n");
    fails(cmd, 1, &["<stdin>", "no text"]);
    let dir = tempfile::tempdir().expect("tmp");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").expect("write");
    fails(on_seeds(&["classify", empty.to_str().expect("path")]), 1, &["empty.txt", "empty"]);
    let mut cmd = on_seeds(&["classify", "-"]);
    cmd.write_stdin("Bonjour.");
    fails(cmd, 1, &["<stdin>", "no passage"]);
    let bad = dir.path().join("model.bin");
    std::fs::write(&bad, "not a model").expect("write");
    let mut cmd = stance(&["classify", "-", "--model", bad.to_str().expect("path")]);
    cmd.write_stdin(EN_STATEMENT);
    fails(cmd, 1, &["model.bin", "stance fit"]);
    let out = on_seeds(&["classify", "-", "--lang", "de"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'de' is not supported; use fr or en"));
}

/// The README's example: `ne saurait` + infinitive negates the cue it governs, in both languages.
#[test]
fn negated_model_sentences_oppose_budapest() {
    let text = "Les États membres de l'Union africaine soutiennent l'élaboration d'un instrument juridiquement \
                contraignant sur la sécurité de l'information, sous l'égide des Nations Unies.\n\n\
                Ils rappellent que la Convention de Budapest ne saurait servir de modèle universel.\n\n\
                They recall that the Budapest Convention can't serve as a universal model.\n";
    let out = classify_file(text, &[]);
    assert_eq!(out.len(), 4, "three passages and the document");
    assert_eq!((&out[0]["topic"], &out[0]["stance"]), (&"binding_norms".into(), &"support".into()));
    for p in &out[1..3] {
        assert_eq!(p["topic"], "budapest_convention", "{p}");
        assert_eq!(p["stance"], "oppose", "{p}");
    }
}
