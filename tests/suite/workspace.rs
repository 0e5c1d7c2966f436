//! Periodic re-runs (issue 5): a workspace keeps every text, scores new ones with a frozen model
//! and says what moved. The scripted scenario of docs/reruns.md, plus the safety guarantees:
//! bad batches change nothing (byte-identical database), kill -9 leaves a usable workspace, a
//! second writer waits or fails cleanly.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::*;
use serde_json::Value;
use tempfile::TempDir;

const EU_2025: &str = "The European Union does not support the negotiation of a new legally binding instrument on \
cybersecurity. Existing international law, complemented by voluntary non-binding norms, already provides the \
framework for responsible State behaviour in cyberspace.\n\n\
We reaffirm our support for the multistakeholder model of Internet governance, and we call on all States to accede \
to the Budapest Convention on Cybercrime, which remains the most effective framework for international cooperation \
against cybercrime.\n\n\
The European Union will continue to work within the Programme of Action to implement the agreed norms and \
confidence-building measures.\n";

const AU_2025: &str = "Les États membres de l'Union africaine soutiennent l'élaboration d'un instrument juridiquement \
contraignant sur la sécurité internationale de l'information, sous l'égide des Nations Unies.\n\n\
Ils rappellent le rôle central de l'Organisation des Nations Unies et la souveraineté des États sur leur segment \
national de l'Internet, et appellent au renforcement des capacités des pays africains.\n";

/// `stance --workspace WS <args>`.
fn ws_cmd(ws: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = stance(&["--workspace"]);
    cmd.arg(ws).args(args);
    cmd
}

/// SHA-256 of the database file (the whole workspace state once no command runs).
fn db_hash(ws: &Path) -> String {
    // Read-only commands open the database read-only, so they may leave an empty journal
    // (SQLite's readers cannot delete it); what matters is that it holds nothing.
    let wal = std::fs::metadata(ws.join("stance.db-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "a closed workspace has nothing left in its WAL");
    stance::corpus::sha256_hex(&std::fs::read(ws.join("stance.db")).expect("read stance.db"))
}

/// Asserts a clean failure: exit `code`, one line on stderr containing every needle.
fn fails(mut cmd: assert_cmd::Command, code: i32, needles: &[&str]) {
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one-line error, got: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
}

/// A workspace made by `stance init` on the small two-document corpus (fast).
fn small_workspace() -> (TempDir, PathBuf) {
    let src = small_corpus();
    let dir = TempDir::new().expect("temp dir");
    let ws = dir.path().join("ws");
    let mut cmd = ws_cmd(&ws, &["init", "--corpus"]);
    cmd.arg(src.path());
    stdout(cmd);
    (dir, ws)
}

fn n_documents(ws: &Path) -> i64 {
    let c = rusqlite::Connection::open(ws.join("stance.db")).expect("open db");
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
    assert_eq!(ok, "ok");
    c.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0)).expect("count")
}

/// `n` distinct English texts of about `kb` kB each, in a new folder.
fn many_texts(n: usize, kb: usize) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let para = EN_TEXT.replace('\n', " ");
    for i in 0..n {
        let body: String = (0..kb * 1000 / para.len() + 1).map(|j| format!("Paragraph {i}.{j}. {para}\n\n")).collect();
        std::fs::write(dir.path().join(format!("t{i:04}.txt")), body).expect("write");
    }
    dir
}

fn spawn_ingest(ws: &Path, dir: &Path, env: Option<(&str, &str)>) -> Child {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"));
    cmd.args(["--quiet", "ingest", "--issuer", "Bulk", "--workspace"]).arg(ws).args(&files);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn")
}

#[test]
fn periodic_rerun_scenario() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("ws");
    let new = corpus(None, &[("eu-2025-03.txt", EU_2025.as_bytes()), ("au-2025-03.txt", AU_2025.as_bytes())]);

    // init: ingest the seeds, fit and save the model, run 1.
    let mut init = ws_cmd(&ws, &["init", "--format", "json", "--corpus"]);
    init.arg(seeds());
    let init = json(init);
    assert_eq!(init["documents"], 21);
    assert_eq!(init["model"]["version"], 1);
    let model_file = ws.join(init["model"]["file"].as_str().unwrap());
    assert!(model_file.is_file(), "model saved at {}", model_file.display());

    // ingest two new texts, then update with the frozen model.
    let mut eu = ws_cmd(&ws, &["ingest", "--issuer", "European Union", "--bloc", "western", "--date", "2025-03-01"]);
    eu.arg(new.path().join("eu-2025-03.txt"));
    assert!(stdout(eu).contains("Ingested 1 document"));
    let mut au = ws_cmd(&ws, &["ingest", "--issuer", "African Union", "--bloc", "african-union", "--lang", "fr"]);
    au.arg(new.path().join("au-2025-03.txt"));
    stdout(au);
    let up = json(ws_cmd(&ws, &["update", "--format", "json"]));
    assert_eq!(up["run"], 2);
    assert_eq!(up["model_version"], 1, "update scores with the saved model");
    assert_eq!(up["added_documents"], serde_json::json!(["eu-2025-03.txt", "au-2025-03.txt"]));
    assert!(up["added_passages"].as_u64().unwrap() >= 4, "{up}");
    let oov = up["oov_rate"].as_f64().unwrap();
    assert!(oov > 0.0 && oov < 1.0, "{oov}");
    // Two short texts of the same kind are not a stale model (issue 13: the OOV rule cried wolf).
    assert_eq!(up["stale"], false, "{up}");
    assert!(up["poorly_covered"].as_f64().unwrap() <= 0.25, "{up}");
    assert!(stdout(ws_cmd(&ws, &["update"])).contains("Nothing to update"));

    // diff (default: the last two runs) shows the new texts and the passages that moved things.
    let d = json(ws_cmd(&ws, &["diff", "--format", "json"]));
    assert_eq!((d["from"]["id"].as_i64(), d["to"]["id"].as_i64()), (Some(1), Some(2)));
    assert_eq!(d["added_documents"], serde_json::json!(["eu-2025-03.txt", "au-2025-03.txt"]));
    let evidence = d["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    assert!(evidence.iter().all(|e| e["document"] == "eu-2025-03.txt" || e["document"] == "au-2025-03.txt"));
    // Each cited passage carries the provenance record of passages.csv, its offsets into its text.
    for e in evidence {
        for key in ["issuer", "bloc", "date", "document", "title", "passage", "start", "end"] {
            assert!(e.get(key).is_some(), "{key} missing: {e}");
        }
        let source = if e["document"] == "eu-2025-03.txt" { EU_2025 } else { AU_2025 };
        let (start, end) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words(&source[start..end]), words(e["text"].as_str().unwrap()), "{e}");
    }
    let entered: Vec<(&str, &str)> = d["topics_entered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["issuer"].as_str().unwrap(), e["topic"].as_str().unwrap()))
        .collect();
    assert!(entered.contains(&("African Union", "binding_norms")), "{entered:?}");
    let cells = d["cells"].as_array().unwrap();
    assert!(
        cells.iter().any(|c| c["a"] == "African Union" || c["b"] == "African Union"),
        "the African Union moved: {cells:?}"
    );
    for c in cells {
        assert!(c["delta"].as_f64().unwrap().abs() > c["margin"].as_f64().unwrap());
        assert!(!c["evidence"].as_array().unwrap().is_empty());
    }
    // Agreement moved too: the African Union entered binding_norms on russia-aligned's side
    // (issue 11) — which vocabulary similarity alone does not say.
    assert_eq!(d["agreement_compared"], true);
    let on_binding_norms = |b: &str| -> f64 {
        d["agreement_entered"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["by"] == "bloc" && e["topic"] == "binding_norms" && e["a"] == "african-union" && e["b"] == b)
            .and_then(|e| e["value"].as_f64())
            .unwrap_or_else(|| panic!("african-union ~ {b} on binding_norms: {}", d["agreement_entered"]))
    };
    assert!(on_binding_norms("russia-aligned") > on_binding_norms("western"));
    for m in d["agreement"].as_array().unwrap() {
        if let Some(margin) = m["margin"].as_f64() {
            assert!(m["delta"].as_f64().unwrap().abs() > margin, "{m}");
        }
    }
    let table = stdout(ws_cmd(&ws, &["diff", "1", "2"]));
    assert!(table.contains("au-2025-03.txt") && table.contains("Topics entered"), "{table}");
    assert!(table.contains("Agreement on topics a pair now addresses together"), "{table}");
    assert_eq!(
        stdout(ws_cmd(&ws, &["diff", "--format", "json", "--seed", "0"])),
        stdout(ws_cmd(&ws, &["diff", "--format", "json"]))
    );

    // history lists both runs.
    let h = json(ws_cmd(&ws, &["history", "--format", "json"]));
    let kinds: Vec<&str> = h.as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["init", "update"]);
    assert_eq!(h[1]["n_docs"], 23);
    assert_ne!(h[0]["corpus_hash"], h[1]["corpus_hash"]);

    // re-ingesting the same content is a no-op that says so; the database does not change.
    let before = db_hash(&ws);
    let mut again = ws_cmd(&ws, &["ingest", "--issuer", "Someone"]);
    again.arg(new.path().join("eu-2025-03.txt")).arg(new.path().join("au-2025-03.txt"));
    let out = stdout(again);
    assert!(out.contains("Nothing ingested") && out.contains("already"), "{out}");
    assert_eq!(db_hash(&ws), before);

    // a bad batch (one good new text, one binary file) changes nothing, byte for byte.
    let bad = corpus(None, &[("good.txt", FR_TEXT.as_bytes()), ("binary.txt", b"d\x00\x81\x9d\x01commune\n")]);
    let mut batch = ws_cmd(&ws, &["ingest", "--issuer", "X"]);
    batch.arg(bad.path().join("good.txt")).arg(bad.path().join("binary.txt"));
    fails(batch, 1, &["binary.txt", "UTF-8"]);
    assert_eq!(db_hash(&ws), before);

    // every read command works on the workspace: the new issuer is there.
    let sim = json(ws_cmd(&ws, &["similarity", "--format", "json", "--draws", "0"]));
    assert!(sim["labels"].as_array().unwrap().iter().any(|l| l == "African Union"));

    // fit makes a new model version; the old runs keep theirs.
    let fit = json(ws_cmd(&ws, &["fit", "--format", "json"]));
    assert_eq!(fit["model"]["version"], 2);
    assert_eq!(fit["documents"], 23);
    assert!(stdout(ws_cmd(&ws, &["fit"])).contains("already fitted"), "same documents, same model");
    let h = json(ws_cmd(&ws, &["history", "--format", "json"]));
    let versions: Vec<i64> = h.as_array().unwrap().iter().map(|r| r["model_version"].as_i64().unwrap()).collect();
    assert_eq!(versions, [1, 1, 2]);
    let d = json(ws_cmd(&ws, &["diff", "--format", "json"]));
    assert_eq!(d["same_model"], false);
    assert!(d["cells"].as_array().unwrap().is_empty(), "cells are not compared across models");
    assert_eq!(d["agreement_compared"], true, "agreement comes from the stances: compared across models");
    assert!(model_file.is_file(), "the old model file stays");
}

/// Canada, neutral on binding norms in the seeds (its 2 passages sit in the position of the
/// UN resolutions), now calls three times for a binding convention: its passages there are mostly
/// in the russia-aligned position, and `diff` says so with the new passages.
const CANADA_TURNS: &str = "Canada now supports the elaboration, under the auspices of the United Nations, of a \
universal legally binding convention on international information security.\n\n\
Canada calls on all States to negotiate a legally binding international instrument on information security within \
the United Nations, since the absence of universal treaties in this field undermines international security.\n\n\
Canada supports the adoption of a universal convention of the United Nations on international information \
security, legally binding on all States, to prevent conflicts in the information space.\n";

#[test]
fn an_issuer_that_changes_position_is_listed() {
    let dir = TempDir::new().unwrap();
    let ws = dir.path().join("ws");
    let mut init = ws_cmd(&ws, &["init", "--quiet", "--corpus"]);
    init.arg(seeds());
    stdout(init);
    let new = corpus(None, &[("canada-2025.txt", CANADA_TURNS.as_bytes())]);
    let mut ca = ws_cmd(&ws, &["ingest", "--issuer", "Canada", "--bloc", "western"]);
    ca.arg(new.path().join("canada-2025.txt"));
    stdout(ca);
    let up = json(ws_cmd(&ws, &["update", "--format", "json"]));
    assert!(up["summary"]["positions_changed"].as_u64().unwrap() >= 1, "{up}");
    let d = json(ws_cmd(&ws, &["diff", "--format", "json"]));
    assert_eq!(d["positions_compared"], true);
    let moves = d["position_changes"].as_array().unwrap();
    let m = moves
        .iter()
        .find(|m| m["issuer"] == "Canada" && m["topic"] == "binding_norms")
        .unwrap_or_else(|| panic!("Canada moved on binding_norms: {moves:?}"));
    let (before, after) = (m["before"].as_u64().unwrap() as usize, m["after"].as_u64().unwrap() as usize);
    assert_ne!(before, after);
    let counts = |key: &str| -> Vec<u64> { m[key].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect() };
    assert_eq!(counts("before_counts")[before], 2, "{m}");
    assert_eq!(counts("after_counts")[after], 3, "{m}");
    // The new position is the one `stance clusters` finds holding the russia-aligned passages.
    let c = json(on_seeds(&["clusters", "--topic", "binding_norms", "--format", "json"]));
    let position = &c["topics"][0]["positions"][after];
    assert_eq!(m["after_label"], position["label"]);
    assert_eq!(position["blocs"][0]["name"], "russia-aligned", "{position}");
    let evidence: Vec<&Value> =
        m["evidence"].as_array().unwrap().iter().map(|e| &d["evidence"][e.as_u64().unwrap() as usize]).collect();
    assert!(!evidence.is_empty() && evidence.iter().all(|e| e["document"] == "canada-2025.txt"), "{evidence:?}");
    let csv = stdout(ws_cmd(&ws, &["diff", "--format", "csv"]));
    assert!(csv.lines().any(|l| l.starts_with("position,issuer,binding_norms,Canada,")), "{csv}");
    let table = stdout(ws_cmd(&ws, &["diff"]));
    assert!(table.contains("Position changes") && table.contains("Canada"), "{table}");
    let h = stdout(ws_cmd(&ws, &["history"]));
    assert!(h.contains("position change(s)"), "{h}");
}

/// A run recorded before positions were kept (no `position:*` results) is not compared for
/// agreement, and the diff says so; the next update records them.
#[test]
fn agreement_is_not_compared_with_a_run_that_kept_no_positions() {
    let (_dir, ws) = small_workspace();
    let c = rusqlite::Connection::open(ws.join("stance.db")).unwrap();
    let removed = c.execute("DELETE FROM results WHERE kind LIKE 'position:%'", []).unwrap();
    assert!(removed > 0, "init records positions");
    drop(c);
    let new = corpus(None, &[("au.txt", AU_2025.as_bytes())]);
    let mut au = ws_cmd(&ws, &["ingest", "--issuer", "African Union", "--bloc", "african-union"]);
    au.arg(new.path().join("au.txt"));
    stdout(au);
    let up = stdout(ws_cmd(&ws, &["update"]));
    assert!(!up.contains("agreement shift"), "{up}");
    let d = json(ws_cmd(&ws, &["diff", "--format", "json"]));
    assert_eq!(d["agreement_compared"], false);
    assert!(d["agreement"].as_array().unwrap().is_empty());
    assert!(stdout(ws_cmd(&ws, &["diff"])).contains("Agreement not compared: run 1"));
}

#[test]
fn update_slice_scores_like_the_whole_model() {
    // A workspace update must give the numbers the saved model gives on the same text.
    let (_dir, ws) = small_workspace();
    let new = corpus(None, &[("n.txt", EU_2025.as_bytes())]);
    let mut ing = ws_cmd(&ws, &["ingest", "--issuer", "EU", "--bloc", "west"]);
    ing.arg(new.path().join("n.txt"));
    stdout(ing);
    stdout(ws_cmd(&ws, &["update"]));
    let model_file = std::fs::read_dir(ws.join("models")).unwrap().next().unwrap().unwrap().path();
    let model = stance::model::Model::load(&model_file).unwrap();
    let mut c = stance::corpus::Corpus::default();
    let ws_corpus = stance::store::Workspace::open(&ws).unwrap().corpus().unwrap();
    c.documents = ws_corpus.documents.into_iter().filter(|d| d.id == "n.txt").collect();
    let a = stance::pipeline::Analysis::with_model(c, stance::topics::Lexicon::builtin(), &model, &|_| {}).unwrap();
    let db = rusqlite::Connection::open(ws.join("stance.db")).unwrap();
    let mut stmt = db.prepare("SELECT vector, cluster FROM passages WHERE doc = 3 ORDER BY idx").unwrap();
    let stored: Vec<(Vec<u8>, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    assert_eq!(stored.len(), a.passages.len());
    for (i, (bytes, cluster)) in stored.iter().enumerate() {
        let v: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let full = a.vectors.row(i);
        let err = v.iter().zip(full.iter()).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        assert!(err < 1e-6, "passage {i}: max difference {err}");
        assert_eq!(*cluster as usize, a.passages[i].cluster);
    }
}

#[test]
fn bad_batches_leave_the_workspace_byte_identical() {
    let (_dir, ws) = small_workspace();
    let before = db_hash(&ws);
    let files = corpus(
        Some("file,issuer\ngood.txt,A\nmissing.txt,B\n"),
        &[("good.txt", EN_TEXT.as_bytes()), ("empty.txt", b"  \n"), ("other.txt", FR_TEXT.as_bytes())],
    );
    let p = |f: &str| files.path().join(f);
    let mut empty = ws_cmd(&ws, &["ingest", "--issuer", "X"]);
    empty.arg(p("good.txt")).arg(p("empty.txt"));
    fails(empty, 1, &["empty.txt", "empty"]);
    let mut missing = ws_cmd(&ws, &["ingest", "--issuer", "X"]);
    missing.arg(p("good.txt")).arg(p("nope.txt"));
    fails(missing, 1, &["nope.txt", "no such file"]);
    let mut manifest = ws_cmd(&ws, &["ingest"]);
    manifest.arg(p("manifest.csv"));
    fails(manifest, 1, &["manifest.csv:3", "missing.txt"]);
    let mut no_issuer = ws_cmd(&ws, &["ingest"]);
    no_issuer.arg(p("other.txt"));
    fails(no_issuer, 2, &["other.txt", "--issuer"]);
    let mut bad_date = ws_cmd(&ws, &["ingest", "--issuer", "X", "--date", "03/01/2025"]);
    bad_date.arg(p("other.txt"));
    fails(bad_date, 2, &["--date", "YYYY-MM-DD"]);
    let mut clash = ws_cmd(&ws, &["ingest", "--issuer", "X"]);
    std::fs::write(p("a.txt"), "A different text under an existing document name, with enough words.\n").unwrap();
    clash.arg(p("other.txt")).arg(p("a.txt"));
    fails(clash, 1, &["a.txt", "rename"]);
    assert_eq!(db_hash(&ws), before);
    assert_eq!(n_documents(&ws), 2);
}

#[test]
fn workspace_errors_are_one_line() {
    let dir = TempDir::new().unwrap();
    fails(ws_cmd(&dir.path().join("none"), &["history"]), 2, &["not a workspace", "stance init"]);
    fails(stance(&["update"]), 2, &["--workspace"]);
    let (_d, ws) = small_workspace();
    let mut again = ws_cmd(&ws, &["init", "--corpus"]);
    again.arg(seeds());
    fails(again, 2, &["already a workspace"]);
    fails(ws_cmd(&ws, &["diff"]), 2, &["only one run"]);
    fails(ws_cmd(&ws, &["diff", "1", "7"]), 2, &["run 7 does not exist"]);
    // A workspace written by a newer stance is refused, not misread.
    let c = rusqlite::Connection::open(ws.join("stance.db")).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    fails(ws_cmd(&ws, &["history"]), 1, &["schema version 99", "upgrade stance"]);
}

#[test]
fn kill_9_during_ingest_and_update_leaves_a_usable_workspace() {
    let (_dir, ws) = small_workspace();
    let texts = many_texts(300, 60); // ~18 MB: the ingest runs long enough to be killed mid-way
    let mut killed = 0;
    for delay_ms in [60, 200, 400, 800] {
        let before = n_documents(&ws);
        let mut child = spawn_ingest(&ws, texts.path(), None);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        killed += usize::from(!status.success());
        let after = n_documents(&ws); // and integrity_check passes
        assert!(after == before || after == before + 300, "all or nothing: {before} -> {after}");
        if after > before {
            break;
        }
    }
    assert!(killed > 0, "no ingest was interrupted; make the batch larger");
    // The workspace is usable: the batch ingests (or is already there), history reads.
    assert!(spawn_ingest(&ws, texts.path(), None).wait().unwrap().success());
    assert_eq!(n_documents(&ws), 302);
    assert_eq!(json(ws_cmd(&ws, &["history", "--format", "json"])).as_array().unwrap().len(), 1);

    // kill -9 during an update: no run or the whole run, then a clean update.
    let (_dir, ws) = small_workspace();
    assert!(spawn_ingest(&ws, many_texts(30, 8).path(), None).wait().unwrap().success());
    for delay_ms in [150, 600] {
        let mut up = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"));
        let mut child = up.args(["--quiet", "update", "--workspace"]).arg(&ws).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        let runs = json(ws_cmd(&ws, &["history", "--format", "json"]));
        let n = runs.as_array().unwrap().len();
        assert!(n == 1 || n == 2, "update is all or nothing");
        if n == 2 {
            break;
        }
    }
    stdout(ws_cmd(&ws, &["update"]));
    let runs = json(ws_cmd(&ws, &["history", "--format", "json"]));
    let last = runs.as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["n_docs"].as_i64(), last["kind"].as_str()), (Some(32), Some("update")));
    assert_eq!(n_documents(&ws), 32);
}

#[test]
fn a_second_writer_waits_or_fails_cleanly() {
    let (_dir, ws) = small_workspace();
    let texts = corpus(None, &[("x.txt", EU_2025.as_bytes())]);
    let before = db_hash(&ws);
    // Another writer holds the lock: with a short timeout, ingest fails cleanly, changes nothing.
    let mut lock = rusqlite::Connection::open(ws.join("stance.db")).unwrap();
    let tx = lock.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
    let child = spawn_ingest(&ws, texts.path(), Some(("STANCE_BUSY_TIMEOUT_MS", "300")));
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("busy") && err.trim_end().lines().count() == 1, "{err}");
    // With the default timeout it waits for the lock, then succeeds.
    let child = spawn_ingest(&ws, texts.path(), None);
    std::thread::sleep(Duration::from_millis(500));
    tx.rollback().unwrap();
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(db_hash(&ws), before);
    assert_eq!(n_documents(&ws), 3);
    // Two real writers at once: both succeed, one after the other, nothing is lost.
    let (a, b) = (many_texts(40, 20), TempDir::new().unwrap());
    for i in 0..40 {
        std::fs::write(b.path().join(format!("u{i}.txt")), format!("Other text number {i}. {FR_TEXT}")).unwrap();
    }
    let (ca, cb) = (spawn_ingest(&ws, a.path(), None), spawn_ingest(&ws, b.path(), None));
    for c in [ca, cb] {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(n_documents(&ws), 83);
    let _: Value = json(ws_cmd(&ws, &["update", "--format", "json"]));
}
