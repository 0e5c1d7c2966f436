//! Regression tests for the hardening of issue 14, one section per row of its table; each
//! promise of docs/security.md names the test here that checks it.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

/// A command that must not hang: a blocked read (FIFO) fails the test instead of the suite.
fn bounded(mut cmd: assert_cmd::Command) -> assert_cmd::Command {
    cmd.timeout(Duration::from_secs(60));
    cmd
}

fn passages_on(dir: &Path) -> assert_cmd::Command {
    let mut cmd = stance(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(dir);
    bounded(cmd)
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs").success();
    assert!(ok, "mkfifo {}", path.display());
}

// Row 1: manifest paths stay inside the corpus folder; only regular files, size-capped.

#[test]
fn row1_manifest_dotdot_escape_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), EN_TEXT).unwrap();
    let dir = corpus(None, &[("a.txt", FR_TEXT.as_bytes())]);
    // ../<outside>/secret.txt, relative to the corpus folder
    let rel = format!("../{}/secret.txt", outside.path().file_name().unwrap().to_string_lossy());
    let dir2 = tempfile::tempdir_in(outside.path().parent().unwrap()).unwrap();
    std::fs::write(dir2.path().join("a.txt"), FR_TEXT).unwrap();
    std::fs::write(dir2.path().join("manifest.csv"), format!("file,issuer\na.txt,Russia\n{rel},Evil\n")).unwrap();
    fails(passages_on(dir2.path()), 1, &["manifest.csv:3", "outside the corpus folder"]);
    let deep = "file,issuer\na.txt,Russia\n../../../../../../../../etc/passwd,Evil\n";
    std::fs::write(dir.path().join("manifest.csv"), deep).unwrap();
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "outside the corpus folder"]);
}

#[test]
fn row1_manifest_absolute_path_is_refused() {
    let dir = corpus(Some("file,issuer\na.txt,Russia\n/etc/passwd,Evil\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "absolute path"]);
    let dir = corpus(Some("file,issuer\na.txt,Russia\n/dev/zero,Evil\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "absolute path"]);
}

#[test]
fn row1_symlink_outside_is_refused_inside_is_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), EN_TEXT).unwrap();
    let dir = corpus(Some("file,issuer\na.txt,Russia\nb.txt,Evil\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("b.txt")).unwrap();
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "b.txt", "outside the corpus folder"]);
    // Without a manifest the same rule holds for every .txt.
    std::fs::remove_file(dir.path().join("manifest.csv")).unwrap();
    fails(passages_on(dir.path()), 1, &["b.txt", "outside the corpus folder"]);
    // A link that stays inside the folder is fine.
    std::fs::remove_file(dir.path().join("b.txt")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/en.txt"), EN_TEXT).unwrap();
    std::os::unix::fs::symlink("sub/en.txt", dir.path().join("b.txt")).unwrap();
    std::fs::write(dir.path().join("manifest.csv"), "file,issuer\na.txt,Russia\nb.txt,EU\n").unwrap();
    let out = stdout(passages_on(dir.path()));
    assert!(out.contains("\"EU\""), "{out}");
}

#[test]
fn row1_fifo_and_device_rows_are_refused_without_blocking() {
    let dir = corpus(Some("file,issuer\na.txt,Russia\npipe.txt,Evil\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    mkfifo(&dir.path().join("pipe.txt"));
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "not a regular file"]);
    // A link inside the folder to a device is refused as outside, before anything is opened.
    let dir = corpus(Some("file,issuer\na.txt,Russia\nzero.txt,Evil\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "outside the corpus folder"]);
    let dir = corpus(Some("file,issuer\na.txt,Russia\nsub,Evil\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    fails(passages_on(dir.path()), 1, &["manifest.csv:3", "is a folder"]);
}

#[test]
fn row1_size_cap_is_checked_before_reading_and_overridable() {
    let big = EN_TEXT.repeat(2 * 1024 * 1024 / EN_TEXT.len() + 1); // just over 2 MB
    let dir = corpus(
        Some("file,issuer\na.txt,Russia\nbig.txt,EU\n"),
        &[("a.txt", FR_TEXT.as_bytes()), ("big.txt", big.as_bytes())],
    );
    let mut cmd = passages_on(dir.path());
    cmd.env("STANCE_MAX_FILE_MB", "1");
    fails(cmd, 1, &["manifest.csv:3", "big.txt", "over the 1 MB limit", "STANCE_MAX_FILE_MB"]);
    let mut cmd = passages_on(dir.path());
    cmd.env("STANCE_MAX_FILE_MB", "lots");
    fails(cmd, 2, &["STANCE_MAX_FILE_MB"]);
    let mut cmd = passages_on(dir.path());
    cmd.env("STANCE_MAX_FILE_MB", "3");
    stdout(cmd);
}

#[test]
fn row1_ingest_applies_the_same_rules() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path().join("ws");
    let seed = small_corpus();
    let mut init = stance(&["init", "--workspace"]);
    init.arg(&root).arg("--corpus").arg(seed.path());
    stdout(init);
    let batch = corpus(Some("file,issuer\n../../../../../../../etc/passwd,Evil\n"), &[]);
    let mut cmd = stance(&["ingest", "--workspace"]);
    cmd.arg(&root).arg(batch.path().join("manifest.csv"));
    fails(bounded(cmd), 1, &["manifest.csv:2", "outside the corpus folder"]);
    mkfifo(&batch.path().join("pipe.txt"));
    let mut cmd = stance(&["ingest", "--issuer", "Evil", "--workspace"]);
    cmd.arg(&root).arg(batch.path().join("pipe.txt"));
    fails(bounded(cmd), 1, &["pipe.txt", "not a regular file"]);
    let mut cmd = stance(&["ingest", "--issuer", "Evil", "--workspace"]);
    cmd.arg(&root).arg("/dev/zero");
    fails(bounded(cmd), 1, &["/dev/zero", "not a regular file"]);
}

// Row 10 (part): a text with lone CR line ends gives the same passages from a file and stdin.

#[test]
fn row10_lone_cr_same_from_stdin_and_file() {
    let text = "The first paragraph speaks of international law and binding norms in cyberspace.\r\r\
The second paragraph supports the Budapest Convention on Cybercrime and its protocols.\r";
    let dir = corpus(None, &[("cr.txt", text.as_bytes())]);
    let passages = |v: serde_json::Value| v["passages"].clone();
    let mut from_file = stance(&["tokens", "--format", "json", "--lang", "en"]);
    from_file.arg(dir.path().join("cr.txt"));
    let mut from_stdin = stance(&["tokens", "--format", "json", "--lang", "en", "-"]);
    from_stdin.write_stdin(text);
    let (a, b) = (passages(json(from_file)), passages(json(from_stdin)));
    assert_eq!(a, b);
    assert_eq!(a.as_array().map(Vec::len), Some(2), "two paragraphs: {a}");
}
