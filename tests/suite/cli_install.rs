//! An installed binary (`cargo install --path .`) has no checkout around it: the shipped corpus
//! and lexicon are built in, and `--corpus` / `STANCE_CORPUS` still choose another corpus.

use crate::common::*;
use assert_cmd::Command;
use tempfile::TempDir;

/// The built binary copied into a temporary `bin/`, and an empty folder to run it from.
fn installed() -> (TempDir, std::path::PathBuf, TempDir) {
    let bin_dir = TempDir::new().unwrap();
    let bin = bin_dir.path().join("stance");
    std::fs::copy(assert_cmd::cargo::cargo_bin("stance"), &bin).unwrap();
    // A test on another thread may fork while the copy is still open for writing: its child holds
    // the descriptor until it execs, and running the copy meanwhile fails with "Text file busy".
    for _ in 0..200 {
        match std::process::Command::new(&bin).arg("--version").output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            _ => break,
        }
    }
    (bin_dir, bin, TempDir::new().unwrap())
}

fn run(bin: &std::path::Path, cwd: &TempDir, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(cwd.path()).env_remove("STANCE_CORPUS").arg("--quiet").args(args);
    cmd
}

#[test]
fn installed_binary_compares_the_built_in_corpus_from_any_folder() {
    let (_keep, bin, cwd) = installed();
    let v = json(run(&bin, &cwd, &["compare", "russia-aligned", "western", "--format", "json"]));
    let text = v.to_string();
    assert!(text.contains("binding_norms"), "compare on the built-in seeds: {text:.300}");
    // The same numbers as the seeds/ folder of the checkout.
    let from_disk = json(on_seeds(&["compare", "russia-aligned", "western", "--format", "json"]));
    assert_eq!(v, from_disk);
}

#[test]
fn stance_corpus_and_flag_override_the_built_in_corpus() {
    let (_keep, bin, cwd) = installed();
    let small = small_corpus();
    let mut cmd = run(&bin, &cwd, &["similarity", "--format", "json"]);
    cmd.env("STANCE_CORPUS", small.path());
    let labels = json(cmd)["labels"].to_string();
    assert!(labels.contains("Russia") && labels.contains("EU") && !labels.contains("CIS"), "{labels}");
    // --corpus wins over the variable.
    let mut cmd = run(&bin, &cwd, &["similarity", "--format", "json", "--corpus"]);
    cmd.arg(seeds()).env("STANCE_CORPUS", small.path());
    assert!(json(cmd)["labels"].to_string().contains("CIS"));
    // A wrong folder in the variable is an error, not a silent fall-back.
    let mut cmd = run(&bin, &cwd, &["similarity"]);
    cmd.env("STANCE_CORPUS", cwd.path().join("missing"));
    fails(cmd, 2, &["missing", "corpus folder not found"]);
}
