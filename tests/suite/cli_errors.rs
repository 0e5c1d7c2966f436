//! Every bad input of design.md ("Errors and data safety") gets a one-line error naming the
//! file (and line), a non-zero exit code (2 usage, 1 data), and no panic or backtrace.

use crate::common::*;
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
fn binary_text_is_refused() {
    // Latin-1 and UTF-16 are decoded (tests/suite/cli_formats.rs); bytes no encoding reads are not.
    let dir = corpus(Some("file,issuer\na.txt,Russia\n"), &[("a.txt", b"\x81\x00\x9d\x01\x02\xff\x00\x13")]);
    fails(similarity_on(dir.path()), 1, &["a.txt", "not UTF-8", "binary"]);
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
    cmd.write_stdin(&b"caf\x00\x81\x9d\x01"[..]);
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

/// Runs `similarity --by BY` on `dir` (not quiet) and returns (labels, stderr).
fn labels_and_warnings(dir: &std::path::Path, by: &str) -> (serde_json::Value, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("stance").expect("binary");
    cmd.current_dir(std::env::temp_dir()).args(["similarity", "--format", "json", "--by", by, "--corpus"]).arg(dir);
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    (serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")["labels"].clone(), err)
}

#[test]
fn semicolon_and_tab_manifests_with_padded_cells() {
    for manifest in [
        "file;issuer;bloc;date;lang\n a.txt ; Russia ;east;2020-01-01;fr\nb.txt;EU; west ;2021-02-03;en\n",
        "file\tissuer\tbloc\tdate\tlang\na.txt\t Russia\teast\t2020-01-01\tfr\nb.txt\tEU\twest \t2021-02-03\ten\n",
    ] {
        let dir = corpus(Some(manifest), &[("a.txt", FR_TEXT.as_bytes()), ("b.txt", EN_TEXT.as_bytes())]);
        assert_eq!(labels_and_warnings(dir.path(), "issuer").0, serde_json::json!(["EU", "Russia"]));
        assert_eq!(labels_and_warnings(dir.path(), "bloc").0, serde_json::json!(["east", "west"]));
    }
}

#[test]
fn issuers_and_blocs_differing_by_case_or_spacing_are_one_group() {
    let dir = corpus(
        Some("file,issuer,bloc\na.txt,Russia,east\nb.txt,EU,West\nc.txt,russia,east\nd.txt,European  Union,west\n"),
        &[
            ("a.txt", FR_TEXT.as_bytes()),
            ("b.txt", EN_TEXT.as_bytes()),
            (
                "c.txt",
                "La Russie soutient une convention des Nations Unies sur la sécurité de l'information.\n".as_bytes(),
            ),
            (
                "d.txt",
                "The European Union supports the Budapest Convention on Cybercrime and capacity building.\n".as_bytes(),
            ),
        ],
    );
    let (labels, err) = labels_and_warnings(dir.path(), "issuer");
    assert_eq!(labels, serde_json::json!(["EU", "European  Union", "Russia"]));
    assert!(err.contains("issuer 'Russia' is also written 'russia'"), "{err}");
    let (labels, err) = labels_and_warnings(dir.path(), "bloc");
    assert_eq!(labels, serde_json::json!(["West", "east"]));
    assert!(err.contains("bloc 'West' is also written 'west'"), "{err}");
}

#[test]
fn did_you_mean_for_unknown_blocs_issuers_and_topics() {
    fails(on_seeds(&["passages", "--issuer", "Rusia"]), 2, &["did you mean 'Russia'?"]);
    fails(on_seeds(&["passages", "--bloc", "westen"]), 2, &["did you mean 'western'?"]);
    fails(on_seeds(&["passages", "--topic", "budapest"]), 2, &["did you mean 'budapest_convention'?"]);
    fails(on_seeds(&["compare", "russia-aligned", "Western"]), 2, &["did you mean 'western'?"]);
    fails(on_seeds(&["passages", "--issuer", "Atlantis"]), 2, &["unknown issuer 'Atlantis'; known issuers"]);
}

#[test]
fn folder_without_manifest_or_texts_says_so() {
    let dir = corpus(None, &[("notes.md", b"# not a text\n")]);
    fails(similarity_on(dir.path()), 1, &["no manifest.csv and no .txt file"]);
}

#[test]
fn broken_utf16_is_named_as_utf16() {
    // valid UTF-16 is decoded (tests/suite/cli_formats.rs); an odd byte count is not UTF-16
    let dir = corpus(Some("file,issuer\na.txt,Russia\n"), &[("a.txt", &[0xFF, 0xFE, b'a', 0, b'b'])]);
    fails(similarity_on(dir.path()), 1, &["a.txt", "UTF-16 (little-endian)", "UTF-8"]);
}
