//! Shared helpers for the integration tests: run the real binary, build small corpora.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The shipped corpus.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// `stance` with the given arguments, run from a neutral directory, quiet.
pub fn stance(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("stance").expect("binary built");
    cmd.current_dir(std::env::temp_dir()).arg("--quiet").args(args);
    cmd
}

/// `stance` on the shipped corpus.
pub fn on_seeds(args: &[&str]) -> Command {
    let mut cmd = stance(args);
    cmd.arg("--corpus").arg(seeds());
    cmd
}

/// Runs and returns stdout, asserting success.
pub fn stdout(mut cmd: Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Runs and parses stdout as JSON, asserting success.
pub fn json(cmd: Command) -> serde_json::Value {
    serde_json::from_str(&stdout(cmd)).expect("valid JSON")
}

/// A corpus folder with `manifest` (if any) and the given files.
pub fn corpus(manifest: Option<&str>, files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    if let Some(m) = manifest {
        std::fs::write(dir.path().join("manifest.csv"), m).expect("write manifest");
    }
    for (name, bytes) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write file");
    }
    dir
}

pub const FR_TEXT: &str = "Les États membres soutiennent l'élaboration d'un instrument juridiquement contraignant \
sur la sécurité internationale de l'information, sous l'égide des Nations Unies.\n\n\
Ils rappellent le rôle de l'Organisation des Nations Unies et la souveraineté des États sur leur segment national de l'Internet.\n";

pub const EN_TEXT: &str = "The European Union considers that existing international law, complemented by voluntary \
non-binding norms, provides the framework for responsible State behaviour in cyberspace.\n\n\
We support the multistakeholder model of Internet governance and the Budapest Convention on Cybercrime.\n";

/// A valid two-document, two-bloc corpus.
pub fn small_corpus() -> TempDir {
    corpus(
        Some("file,issuer,bloc,date,lang\na.txt,Russia,east,2020-01-01,fr\nb.txt,EU,west,2021-02-03,en\n"),
        &[("a.txt", FR_TEXT.as_bytes()), ("b.txt", EN_TEXT.as_bytes())],
    )
}

/// Asserts a clean failure: `code`, one line on stderr containing every `needles`, no panic.
pub fn fails(mut cmd: assert_cmd::Command, code: i32, needles: &[&str]) {
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one-line error, got: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
}

/// Says why a test is skipped where `cargo test` shows it without `--nocapture`: straight to
/// the process's stderr (the test harness captures only `print!` and `eprint!`).
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIP {test}: {why}");
}
