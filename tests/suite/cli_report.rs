//! `stance report`: a self-contained page (static checks on the HTML), escaping, heatmap cells,
//! links, determinism; then the page in headless Chromium (skipped when /usr/bin/chromium is
//! absent) with a screenshot, written to docs/report.png when STANCE_UPDATE_SCREENSHOT=1.
//!
//! "Self-contained" means: nothing the browser would fetch. No `src=` / `srcset=` at all, no
//! `<link>`, no CSS `@import` or `url(`, and every `href` is either a `#fragment` of the page or
//! an `http(s)://` address on an `<a>` element — the documents' `source_url`, which a reader may
//! click but which nothing loads.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use regex::Regex;
use tempfile::TempDir;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs `stance report` with `args` on `corpus`; returns the temp dir, the file and its text.
fn report(corpus: &Path, args: &[&str]) -> (TempDir, PathBuf, String) {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("report.html");
    let mut cmd = stance(&["report", "--out", out.to_str().expect("utf-8 path"), "--draws", "50"]);
    cmd.args(args).arg("--corpus").arg(corpus);
    stdout(cmd);
    let html = std::fs::read_to_string(&out).expect("report written");
    (dir, out, html)
}

fn n_issuers_in_seeds() -> usize {
    let manifest = std::fs::read_to_string(seeds().join("manifest.csv")).expect("manifest");
    let mut r = csv::Reader::from_reader(manifest.as_bytes());
    let mut issuers: Vec<String> = r.records().map(|x| x.expect("row")[1].to_string()).collect();
    issuers.sort();
    issuers.dedup();
    issuers.len()
}

/// The (measure, data-n, cell count) of every heatmap, in page order.
fn heatmaps(html: &str) -> Vec<(String, usize, usize)> {
    let re = Regex::new(r#"(?s)<svg class="heatmap" data-measure="(\w+)" data-n="(\d+)".*?</svg>"#).expect("regex");
    re.captures_iter(html)
        .map(|c| (c[1].to_string(), c[2].parse().expect("n"), c[0].matches("<rect class=\"cell\"").count()))
        .collect()
}

/// The (data-n, dot count) of every positions plot, in page order.
fn dot_plots(html: &str) -> Vec<(usize, usize)> {
    let re = Regex::new(r#"(?s)<svg class="positions" data-n="(\d+)".*?</svg>"#).expect("regex");
    re.captures_iter(html).map(|c| (c[1].parse().expect("n"), c[0].matches("<g class=\"dot\">").count())).collect()
}

/// The positions tables of the report: topic → (data-k, each row's n, issuers linked).
fn found_positions(html: &str) -> std::collections::BTreeMap<String, (usize, Vec<u64>, Vec<String>)> {
    let table =
        Regex::new(r#"(?s)<table class="clusters" data-topic="([^"]+)" data-k="(\d+)">(.*?)</table>"#).expect("regex");
    let row = Regex::new(r#"(?s)<tr class="position"[^>]*><td class="num">\d+</td><td class="num">(\d+)</td>"#)
        .expect("regex");
    let member = Regex::new(r##"<a class="member" href="#ev-[^"]+">([^<]+)</a>"##).expect("regex");
    table
        .captures_iter(html)
        .map(|c| {
            let ns = row.captures_iter(&c[3]).map(|r| r[1].parse().expect("n")).collect();
            let members = member.captures_iter(&c[3]).map(|m| m[1].to_string()).collect();
            (c[1].to_string(), (c[2].parse().expect("k"), ns, members))
        })
        .collect()
}

fn assert_self_contained(html: &str) {
    // Text is escaped, so every `<` starts a real tag: check the tags and the style sheet.
    for tag in Regex::new(r"<[a-zA-Z][^>]*>").expect("regex").find_iter(html) {
        let t = tag.as_str().to_lowercase();
        for bad in [" src=", " srcset=", " poster=", " data=", "url("] {
            assert!(!t.contains(bad), "the page must load nothing: {t}");
        }
        for bad in ["<link", "<img", "<iframe", "<object", "<embed", "<video", "<audio", "<base"] {
            assert!(!t.starts_with(bad), "the page must load nothing: {t}");
        }
    }
    for style in Regex::new(r"(?s)<style>(.*?)</style>").expect("regex").captures_iter(html) {
        assert!(!style[1].contains("@import") && !style[1].contains("url("), "external CSS");
    }
    let href = Regex::new(r#"<(\w+)[^>]*?\shref="([^"]*)""#).expect("regex");
    let mut external = 0;
    for c in href.captures_iter(html) {
        let (tag, target) = (&c[1], &c[2]);
        if target.starts_with('#') {
            continue;
        }
        assert_eq!(tag, "a", "only <a> may point outside the page: {target}");
        assert!(target.starts_with("https://") || target.starts_with("http://"), "odd link {target}");
        external += 1;
    }
    assert!(external > 0, "the documents' source links are shown");
    // Every in-page link has its target.
    let ids: std::collections::BTreeSet<&str> = Regex::new(r#"\sid="([^"]+)""#)
        .expect("regex")
        .captures_iter(html)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    for c in Regex::new(r##"href="#([^"]+)""##).expect("regex").captures_iter(html) {
        assert!(ids.contains(&c[1]), "link to #{} has no target", &c[1]);
    }
}

#[test]
fn report_on_seeds_is_self_contained_with_one_cell_per_pair() {
    let (_dir, _, html) = report(&seeds(), &[]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_self_contained(&html);
    let maps = heatmaps(&html);
    let (agreement, vocabulary): (Vec<_>, Vec<_>) = maps.iter().partition(|m| m.0 == "agreement");
    assert!(vocabulary.len() >= 5, "overall + topics: {}", vocabulary.len());
    assert_eq!(agreement.len(), vocabulary.len(), "agreement over all topics + per topic, as for vocabulary");
    assert_eq!(maps[0].0, "agreement", "agreement comes first");
    assert!(maps[..agreement.len()].iter().all(|m| m.0 == "agreement"), "then vocabulary similarity");
    assert_eq!(vocabulary[0].1, n_issuers_in_seeds(), "the overall vocabulary heatmap has every issuer");
    for (measure, n, cells) in &maps {
        assert_eq!(*cells, n * n, "a {n}×{n} {measure} heatmap needs {} cells", n * n);
    }
    // Per topic, the positions plot comes before its agreement heatmap, one dot per issuer in it.
    let plots = dot_plots(&html);
    assert_eq!(plots.len(), agreement.len() - 1, "a positions plot per topic");
    for ((n, dots), m) in plots.iter().zip(&agreement[1..]) {
        assert_eq!((*n, *dots), (m.1, m.1), "every issuer with passages on the topic has its dot");
    }
    let first_plot = html.find("<svg class=\"positions\"").expect("a plot");
    assert!(first_plot < html.find("data-measure=\"vocabulary_similarity\"").expect("vocabulary heatmap"));
    let tooltips = maps.iter().map(|m| m.2).sum::<usize>() + plots.iter().map(|p| p.1).sum::<usize>();
    assert_eq!(html.matches("<title>").count() - 1, tooltips, "a tooltip per cell and per dot");
    assert!(html.contains("95% CI"), "tooltips carry intervals");
    let vocabulary_section = &html[html.find("id=\"similarity\"").unwrap()..html.find("id=\"comparison\"").unwrap()];
    assert!(vocabulary_section.contains("Who speaks alike: vocabulary similarity"));
    assert!(!vocabulary_section.contains("same position"), "vocabulary similarity is not called a position");
    // Each topic's evidence starts with the positions found on it: the same as `stance clusters`
    // (same seed), one row per position, every issuer a link to its passages on the topic.
    let found = found_positions(&html);
    assert_eq!(found.len(), html.matches("<h3 id=\"ev-").count(), "a positions table per topic");
    let clusters = json(on_seeds(&["clusters", "--format", "json"]));
    for t in clusters["topics"].as_array().unwrap() {
        let topic = t["topic"].as_str().unwrap();
        let (k, ns, members) = found.get(topic).unwrap_or_else(|| panic!("no positions table for {topic}"));
        let expected: Vec<u64> = t["positions"].as_array().unwrap().iter().map(|p| p["n"].as_u64().unwrap()).collect();
        assert_eq!((*k as u64, ns), (t["k"].as_u64().unwrap(), &expected), "{topic}");
        let first = &t["positions"][0]["issuers"][0]["name"];
        assert!(members.iter().any(|m| m == first.as_str().unwrap()), "{topic}: {first} listed");
    }
    assert!(found["binding_norms"].0 >= 2, "binding norms has more than one position");
    // Default comparison: the two largest blocs of the seeds.
    assert!(html.contains("russia-aligned <span class=\"vs\">vs</span> western"), "default sides");
    for section in [
        "id=\"overview\"",
        "id=\"agreement\"",
        "id=\"similarity\"",
        "id=\"comparison\"",
        "id=\"evidence\"",
        "@media print",
    ] {
        assert!(html.contains(section), "missing {section}");
    }
}

#[test]
fn report_is_deterministic_and_takes_the_pair_asked_for() {
    let args = ["--compare", "issuer:CIS", "issuer:European Union", "--seed", "5"];
    let (_d1, _, a) = report(&seeds(), &args);
    let (_d2, _, b) = report(&seeds(), &args);
    assert!(a == b, "same seed, same page");
    assert!(a.contains("issuer:CIS <span class=\"vs\">vs</span> issuer:European Union"));
}

#[test]
fn text_from_the_corpus_is_escaped() {
    let evil = "Les États soutiennent un instrument juridiquement contraignant <script>alert('x')</script> & \
                d'autres <img src=x onerror=alert(1)> mesures sous l'égide des Nations Unies.\n\n\
                Ils rappellent la souveraineté des États sur leur segment national de l'Internet.\n";
    let c = corpus(
        Some("file,issuer,bloc,lang,title,source_url\na.txt,<b>Evil</b>,east,fr,\"T <i>x</i>\",javascript:alert(1)\nb.txt,EU,west,en,T2,https://example.org/?a=1&b=2\n"),
        &[("a.txt", evil.as_bytes()), ("b.txt", EN_TEXT.as_bytes())],
    );
    let (_dir, _, html) = report(c.path(), &[]);
    for raw in ["<script>alert", "<img src", "<b>Evil", "<i>x</i>", "javascript:"] {
        assert!(!html.contains(raw), "unescaped {raw:?}");
    }
    assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp;"), "passage escaped");
    assert!(html.contains("&lt;b&gt;Evil&lt;/b&gt;"), "issuer escaped");
    assert!(html.contains("href=\"https://example.org/?a=1&amp;b=2\""), "URL escaped in its attribute");
    assert_self_contained(&html);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let dir = TempDir::new().expect("temp dir");
    let out = on_seeds(&["report", "--out", dir.path().to_str().expect("path")]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
    let file = dir.path().join("r.html");
    let out = on_seeds(&["report", "--out", file.to_str().expect("path"), "--compare", "nato", "western"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown bloc or issuer 'nato'"));
    assert!(!file.exists(), "nothing written on error");
    let out = on_seeds(&["report", "--out", file.to_str().expect("path"), "--format", "json"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTML only"));
    assert!(!file.exists(), "nothing written on error");
}

/// Runs Chromium headless on `url` with extra `args`; returns (stdout, stderr). Output goes
/// through files: a full pipe would stall Chromium while we wait for it.
fn chromium(profile: &Path, args: &[&str], url: &str) -> (String, String) {
    let (out_path, err_path) = (profile.join("stdout.txt"), profile.join("stderr.txt"));
    let file = |p: &Path| Stdio::from(std::fs::File::create(p).expect("log file"));
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(file(&out_path))
        .stderr(file(&err_path))
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("log")).into_owned();
    (read(&out_path), read(&err_path))
}

#[test]
fn report_renders_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        skip("report_renders_in_headless_chromium", &format!("{CHROMIUM} not found (apt-get install chromium)"));
        return;
    }
    let (dir, file, html) = report(&seeds(), &[]);
    let url = format!("file://{}", file.display());
    let profile = TempDir::new().expect("profile dir");

    // The DOM after scripts ran: every cell is there, and following a cell's link opened its
    // evidence (so the inline script ran without error).
    let target =
        Regex::new(r##"<a href="#(ev-[^"]+)""##).expect("regex").captures(&html).expect("a cell link")[1].to_string();
    let (dom, log) = chromium(profile.path(), &["--dump-dom"], &format!("{url}#{target}"));
    assert_eq!(
        dom.matches("<rect class=\"cell\"").count(),
        html.matches("<rect class=\"cell\"").count(),
        "cells rendered"
    );
    let opened = format!("<details id=\"{target}\" open=\"\"");
    let opened_in_index = format!("<tr id=\"{target}\"");
    assert!(dom.contains(&opened) || dom.contains(&opened_in_index), "following #{target} shows its evidence");
    // The page logs nothing: any console line (an error, an uncaught exception) fails.
    for line in log.lines() {
        assert!(!line.contains(":CONSOLE"), "console message: {line}");
        assert!(!line.to_lowercase().contains("net::err"), "a request failed: {line}");
    }

    // The screenshot: docs/report.png on request, else a temp file.
    let update = std::env::var("STANCE_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1");
    let png = if update {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png")
    } else {
        dir.path().join("report.png")
    };
    let _ = std::fs::remove_file(&png);
    chromium(profile.path(), &[&format!("--screenshot={}", png.display()), "--window-size=1280,2000"], &url);
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    assert!(bytes.len() > 20_000 && bytes.len() < 500_000, "screenshot size {} bytes", bytes.len());
    if update {
        println!("wrote {}", png.display());
    }
}
