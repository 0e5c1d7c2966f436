//! `stance::vectorize` equals scikit-learn's `TfidfVectorizer(smooth_idf=True, sublinear_tf=True,
//! norm="l2", ngram_range=(1, 2), min_df, max_df)` on the same tokens, to 1e-9.
//! The reference numbers come from tests/fixtures/tfidf_reference.py (committed JSON; no Python
//! needed here).

use serde::Deserialize;
use stance::vectorize::{Csr, TfIdfParams, TokenDoc};

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    min_df: usize,
    max_df: f64,
    docs: Vec<Vec<String>>,
    vocabulary: Vec<String>,
    idf: Vec<f64>,
    matrix: Vec<Vec<f64>>,
    unseen: Vec<Vec<String>>,
    unseen_matrix: Vec<Vec<f64>>,
}

fn assert_matrix_eq(case: &str, what: &str, got: &Csr, want: &[Vec<f64>]) {
    assert_eq!(got.n_rows, want.len(), "{case}: {what} rows");
    let dense = got.to_dense();
    for (i, row) in want.iter().enumerate() {
        assert_eq!(dense.ncols(), row.len(), "{case}: {what} columns");
        for (j, &w) in row.iter().enumerate() {
            let g = dense[[i, j]];
            assert!((g - w).abs() < 1e-9, "{case}: {what}[{i}][{j}] = {g}, sklearn {w}");
        }
    }
}

#[test]
fn tfidf_equals_sklearn() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tfidf_reference.json");
    let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(fixture.cases.len(), 2);
    for c in &fixture.cases {
        let params = TfIdfParams { min_df: c.min_df, max_df: c.max_df, ..TfIdfParams::default() };
        let docs: Vec<TokenDoc> = c.docs.iter().cloned().map(TokenDoc::from).collect();
        let (model, x) = params.fit_transform(&docs).unwrap();
        assert_eq!(model.vocabulary, c.vocabulary, "{}: vocabulary", c.name);
        assert_eq!(model.idf.len(), c.idf.len());
        for (t, (g, w)) in model.vocabulary.iter().zip(model.idf.iter().zip(&c.idf)) {
            assert!((g - w).abs() < 1e-9, "{}: idf({t}) = {g}, sklearn {w}", c.name);
        }
        assert_matrix_eq(&c.name, "fit_transform", &x, &c.matrix);
        assert_matrix_eq(&c.name, "transform(train)", &model.transform(&docs), &c.matrix);
        let unseen: Vec<TokenDoc> = c.unseen.iter().cloned().map(TokenDoc::from).collect();
        assert_matrix_eq(&c.name, "transform(unseen)", &model.transform(&unseen), &c.unseen_matrix);
        // fit alone gives the same model as fit_transform.
        assert_eq!(params.fit(&docs).unwrap(), model);
    }
}

/// Speed and memory on the 50 MB UN General Debate subset (the scikit-learn benchmark corpus),
/// with crude tokens (lowercase, runs of alphanumerics of 2+ chars, like sklearn's `\w\w+`).
/// `tar -xJf corpora/ungdc-50mb.tar.xz -C /tmp` then
/// `STANCE_BENCH_CORPUS=/tmp/ungdc-50mb cargo test --release --test suite tfidf_sklearn -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_ungdc() {
    use stance::cluster::ClusterParams;
    use stance::reduce::{l2_normalize_rows, SvdParams};
    use std::time::Instant;

    let dir = std::path::PathBuf::from(std::env::var("STANCE_BENCH_CORPUS").unwrap_or("/tmp/ungdc-50mb".into()));
    let peak_mb = || {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .map_or(0, |v| v.trim().trim_end_matches(" kB").trim().parse::<usize>().unwrap_or(0) / 1024)
    };
    // User + system CPU seconds of this process (wall time is unreliable on a shared machine).
    let cpu = || {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let f: Vec<f64> =
            stat.rsplit(')').next().unwrap_or("").split_whitespace().map(|v| v.parse().unwrap_or(0.0)).collect();
        (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
    };
    let t = Instant::now();
    let manifest = std::fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let mut docs = Vec::new();
    let mut bytes = 0;
    for line in manifest.lines().skip(1) {
        let file = line.split(',').next().unwrap();
        let text = std::fs::read_to_string(dir.join(file)).unwrap().replace("\r\n", "\n");
        bytes += text.len();
        // Passages as the reference: blocks between blank lines, else lines.
        let mut blocks = vec![String::new()];
        for line in text.lines() {
            if line.trim().is_empty() {
                blocks.push(String::new());
            } else {
                let last = blocks.last_mut().unwrap();
                last.push_str(line);
                last.push('\n');
            }
        }
        blocks.retain(|b| !b.trim().is_empty());
        if blocks.len() <= 1 {
            blocks = text.lines().map(String::from).collect();
        }
        for b in blocks.iter().filter(|b| b.split_whitespace().count() >= 3) {
            let words: Vec<String> = b
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .filter(|w| w.chars().count() >= 2)
                .map(str::to_lowercase)
                .collect();
            docs.push(TokenDoc::from(words));
        }
    }
    let tokens: usize = docs.iter().map(|d| d.words.len()).sum();
    println!(
        "read+tokenise {:6.2} s  {} MB, {} passages, {tokens} tokens  peak {} MB",
        t.elapsed().as_secs_f64(),
        bytes / 1_000_000,
        docs.len(),
        peak_mb()
    );

    let (t, c) = (Instant::now(), cpu());
    let params = TfIdfParams { min_df: 2, max_df: 0.9, ..TfIdfParams::default() };
    let (model, x) = params.fit_transform(&docs).unwrap();
    println!(
        "tfidf         {:6.2} s (cpu {:5.2}) {} features, nnz {}  peak {} MB",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        model.vocabulary.len(),
        x.nnz(),
        peak_mb()
    );
    drop(docs);

    let (t, c) = (Instant::now(), cpu());
    let (svd, mut z) = SvdParams::default().fit_transform(&x).unwrap();
    l2_normalize_rows(&mut z);
    println!(
        "svd k=100     {:6.2} s (cpu {:5.2}) σ1 {:.3} σ100 {:.3}  peak {} MB",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        svd.singular_values[0],
        svd.singular_values[99],
        peak_mb()
    );
    drop(x);

    let (t, c) = (Instant::now(), cpu());
    let clusters = ClusterParams::default().fit(&z).unwrap();
    let mut sizes = vec![0; clusters.k()];
    clusters.labels.iter().for_each(|&l| sizes[l] += 1);
    println!(
        "kmeans k=20   {:6.2} s (cpu {:5.2}) inertia {:.1}, sizes {sizes:?}  peak {} MB",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        clusters.inertia,
        peak_mb()
    );
}
