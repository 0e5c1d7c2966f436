//! Every bad input of design.md ("Errors and data safety") gets a one-line error naming the
//! file (and line), a non-zero exit code (2 usage, 1 data), and no panic or backtrace.

mod common;

use common::*;
use predicates::prelude::*;

fn similarity_on(dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = stance(&["similarity", "--corpus"]);
    cmd.arg(dir);
    cmd
}

#[test]
fn missing_corpus_dir_is_a_usage_error() {
    fails(stance(&["similarity", "--corpus", "/nonexistent/corpus"]), 2, &["/nonexistent/corpus", "--corpus"]);
}

#[test]
fn manifest_missing_required_column() {
    let dir = corpus(Some("file,bloc\na.txt,east\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(similarity_on(dir.path()), 1, &["manifest.csv:1", "issuer"]);
}

#[test]
fn manifest_row_pointing_nowhere() {
    let dir = corpus(Some("file,issuer\na.txt,Russia\nmissing.txt,EU\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(similarity_on(dir.path()), 1, &["manifest.csv:3", "missing.txt", "no such file"]);
}

#[test]
fn manifest_duplicate_file_row() {
    let dir = corpus(Some("file,issuer\na.txt,Russia\na.txt,EU\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(similarity_on(dir.path()), 1, &["manifest.csv:3", "listed twice"]);
}

#[test]
fn duplicate_content_under_two_names() {
    let dir = corpus(
        Some("file,issuer\na.txt,Russia\nb.txt,EU\n"),
        &[("a.txt", FR_TEXT.as_bytes()), ("b.txt", FR_TEXT.as_bytes())],
    );
    fails(similarity_on(dir.path()), 1, &["manifest.csv:3", "same content"]);
}

#[test]
fn non_utf8_text() {
    let dir = corpus(Some("file,issuer\na.txt,Russia\n"), &[("a.txt", b"S\xe9curit\xe9 internationale")]);
    fails(similarity_on(dir.path()), 1, &["a.txt", "UTF-8"]);
}

#[test]
fn empty_text() {
    let dir = corpus(Some("file,issuer\na.txt,Russia\n"), &[("a.txt", b"  \n\n ")]);
    fails(similarity_on(dir.path()), 1, &["a.txt", "empty"]);
}

#[test]
fn bad_date_and_bad_lang() {
    let dir = corpus(Some("file,issuer,date\na.txt,Russia,10/11/2024\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(similarity_on(dir.path()), 1, &["manifest.csv:2", "ISO"]);
    let dir = corpus(Some("file,issuer,lang\na.txt,Russia,de\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(similarity_on(dir.path()), 1, &["manifest.csv:2", "lang"]);
}

#[test]
fn manifest_without_rows() {
    let dir = corpus(Some("file,issuer\n"), &[]);
    fails(similarity_on(dir.path()), 1, &["no documents"]);
}

#[test]
fn unknown_topic_lists_known_topics() {
    fails(on_seeds(&["similarity", "--topic", "cyber_peace"]), 2, &["cyber_peace", "binding_norms"]);
    fails(on_seeds(&["passages", "--topic", "nope"]), 2, &["nope", "budapest_convention"]);
}

#[test]
fn unknown_issuer_or_bloc_lists_known_ones() {
    fails(on_seeds(&["passages", "--issuer", "Atlantis"]), 2, &["Atlantis", "CIS"]);
    fails(on_seeds(&["passages", "--bloc", "martians"]), 2, &["martians", "russia-aligned", "western"]);
}

#[test]
fn tokens_input_errors() {
    fails(stance(&["tokens", "/nonexistent/file.txt"]), 1, &["/nonexistent/file.txt"]);
    fails(stance(&["tokens", "/tmp"]), 2, &["directory"]);
    let mut cmd = stance(&["tokens", "-"]);
    cmd.write_stdin("   \n");
    fails(cmd, 1, &["stdin"]);
    let mut cmd = stance(&["tokens", "-"]);
    cmd.write_stdin(&b"caf\xe9"[..]);
    fails(cmd, 1, &["stdin", "UTF-8"]);
}

#[test]
fn bad_flag_value_is_a_usage_error() {
    stance(&["similarity", "--by", "planet"]).assert().code(2).stderr(predicate::str::contains("planet"));
    stance(&["similarity", "--format", "xml"]).assert().code(2);
}

#[test]
fn directory_without_manifest_warns_and_works() {
    let dir = corpus(None, &[("russia.txt", FR_TEXT.as_bytes()), ("eu.txt", EN_TEXT.as_bytes())]);
    let mut cmd = assert_cmd::Command::cargo_bin("stance").expect("binary");
    cmd.args(["similarity", "--format", "json", "--corpus"]).arg(dir.path());
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no manifest.csv"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["labels"], serde_json::json!(["eu", "russia"]));
}
