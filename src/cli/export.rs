//! `stance export --out DIR`: every table a notebook needs, as stable CSV / JSON files with a
//! manifest and the JSON Schema that describes them (docs/schema.md). Same input and seed:
//! byte-identical files.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::report::sides;
use super::Ctx;
use stance::compare::clusters::{cluster_records, member_records, topic_clusters, ClusterOptions};
use stance::compare::keyness::KeynessParams;
use stance::compare::sides::{compare, CompareParams, Side};
use stance::compare::{SimilarityParams, VOCABULARY_SIMILARITY};
use stance::export::{self, columns, TopicMatrix, SCHEMA_JSON, SCHEMA_VERSION};
use stance::fsio::write_atomic;
use stance::groups::GroupBy;
use stance::pipeline::Analysis;
use stance::render;
use stance::topics::Stance;
use stance::{limits, Result};

/// Export passages, topics, positions, clusters, agreement, vocabulary similarity, stances and keyness for notebooks
#[derive(Debug, Args)]
#[command(after_help = "Files: manifest.json, passages.csv, topics.csv, positions.csv, agreement.csv,
similarity.json, similarity.csv (vocabulary similarity), stances.csv, clusters.csv and
cluster_members.csv (the positions found on each topic, as `stance clusters`), keyness.csv,
schema.json (JSON Schema of all of them; see docs/schema.md). With --format parquet, each .csv file is a .parquet file
instead: same columns, typed as schema.json says (for Spark, DuckDB, pandas, R arrow).

Examples:
  stance export --out exports/
  stance export --out exports/ --compare china western --terms 30
  stance export --out exports/ --format parquet
  python -c \"import pandas as pd; print(pd.read_csv('exports/similarity.csv').head())\"")]
pub struct ExportArgs {
    /// Folder to write (created if missing; an earlier export there is replaced as a whole, in
    /// one step; your other files in it are kept)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The two sides of keyness.csv: bloc names or issuer:NAME [default: the two largest blocs]
    #[arg(long, num_args = 2, value_names = ["SIDE_A", "SIDE_B"])]
    pub compare: Option<Vec<String>>,
    /// Distinctive terms per side and topic in keyness.csv
    #[arg(long, value_name = "K", default_value_t = 20)]
    pub terms: usize,
    /// Top terms per topic in topics.csv
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub topic_terms: usize,
    /// Bootstrap draws for the intervals (0 = none)
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
}

/// A row of topics.csv.
#[derive(Debug, Serialize)]
struct TopicRow {
    topic: String,
    label: String,
    label_fr: String,
    proposition: String,
    n_passages: usize,
    n_support: usize,
    n_oppose: usize,
    n_neutral: usize,
    top_terms: String,
    clusters: String,
}

/// similarity.json.
#[derive(Debug, Serialize)]
struct SimilarityFile<'a> {
    /// Always `"vocabulary_similarity"`.
    measure: &'static str,
    version: u32,
    model: String,
    seed: u64,
    draws: usize,
    matrices: &'a [TopicMatrix],
}

#[derive(Debug, Serialize)]
struct FileEntry {
    name: String,
    rows: Option<usize>,
    /// Size and SHA-256 of the file as written: a reader checks them to know the set is whole.
    bytes: usize,
    sha256: String,
}

/// The files an earlier export in `dir` holds: `manifest.json` and the files it lists (the only
/// ones a new export may replace).
fn earlier_export(dir: &Path) -> Vec<String> {
    let listed: Vec<String> = std::fs::read(dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|m| {
            m["files"].as_array().map(|fs| fs.iter().filter_map(|f| f["name"].as_str().map(String::from)).collect())
        })
        .unwrap_or_default();
    let plain = |n: &String| !n.contains('/') && !n.contains('\\') && n != ".." && n != ".";
    std::iter::once("manifest.json".to_string()).chain(listed.into_iter().filter(plain)).collect()
}
#[derive(Debug, Serialize)]
struct SidePair {
    a: String,
    b: String,
}

/// manifest.json.
#[derive(Debug, Serialize)]
struct Manifest {
    schema_version: u32,
    stance_version: &'static str,
    model: String,
    seed: u64,
    draws: usize,
    corpus_hash: String,
    n_documents: usize,
    n_passages: usize,
    compare: Option<SidePair>,
    files: Vec<FileEntry>,
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    limits::check_draws(args.draws, 0)?;
    limits::count("--terms", args.terms, 0, limits::MAX_TERMS)?;
    limits::count("--topic-terms", args.topic_terms, 0, limits::MAX_TERMS)?;
    let out = stance::fsio::writable_dir(&args.out)?;
    let earlier = earlier_export(&out);
    let earlier: Vec<&str> = earlier.iter().map(String::as_str).collect();
    stance::fsio::other_files(&out, &earlier)?; // refuses sub-folders before the pipeline runs
    let corpus = ctx.load_corpus()?;
    let pair = sides(args.compare.clone(), &corpus)?;
    let a = ctx.run_pipeline(corpus, ctx.lexicon()?, ctx.params())?;
    limits::check_draws(args.draws, a.corpus.issuers().len().max(a.corpus.blocs().len()))?;
    let bootstrap = ctx.bootstrap(args.draws);
    let parquet = ctx.global.output == super::OutputFormat::Parquet;
    if parquet && !cfg!(feature = "parquet") {
        return Err(stance::Error::usage(
            "this stance was built without Parquet (cargo feature `parquet`); use --format csv",
        ));
    }
    let files = ctx.with_progress(|progress| {
        stance::fsio::write_dir_atomic(&out, &earlier, |dir| {
            write_all(&a, dir, &args, pair, &bootstrap, parquet, progress)
        })
    })?;
    if !ctx.global.quiet {
        eprintln!("stance: wrote {} files to {}: {}", files.len(), args.out.display(), files.join(", "));
    }
    Ok(())
}

/// One table as a CSV file (`name`, with `columns`), or with `parquet` as the Parquet file of
/// the same stem, columns and documented types: its file name and bytes.
fn table_file<T: Serialize>(name: &str, columns: &[&str], rows: &[T], parquet: bool) -> Result<(String, Vec<u8>)> {
    #[cfg(feature = "parquet")]
    if parquet {
        let bytes = export::parquet::to_bytes(&export::arrow::file_batch(name, rows)?)?;
        return Ok((name.replace(".csv", ".parquet"), bytes));
    }
    let _ = parquet;
    Ok((name.to_string(), export::csv::records(columns, rows)?.into_bytes()))
}

/// Writes every file; returns their names in the order written.
fn write_all(
    a: &Analysis,
    dir: &Path,
    args: &ExportArgs,
    pair: Option<(String, String)>,
    bootstrap: &SimilarityParams,
    parquet: bool,
    progress: &dyn Fn(&str),
) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let mut put = |(name, bytes): (String, Vec<u8>), rows: Option<usize>| -> Result<()> {
        write_atomic(&dir.join(&name), &bytes)?;
        files.push(FileEntry { name, rows, bytes: bytes.len(), sha256: stance::corpus::sha256_hex(&bytes) });
        Ok(())
    };
    let text = |name: &str, text: String| (name.to_string(), text.into_bytes());

    progress("passages");
    let passages = export::passage_records(a);
    put(table_file("passages.csv", columns::PASSAGES, &passages, parquet)?, Some(passages.len()))?;

    progress("topics");
    let topics = topic_rows(a, args.topic_terms, bootstrap.seed);
    put(table_file("topics.csv", columns::TOPICS, &topics, parquet)?, Some(topics.len()))?;

    let matrices = export::matrices(a, &[GroupBy::Issuer, GroupBy::Bloc], bootstrap, progress);
    let doc = SimilarityFile {
        measure: VOCABULARY_SIMILARITY,
        version: SCHEMA_VERSION,
        model: a.model_id(),
        seed: bootstrap.seed,
        draws: bootstrap.draws,
        matrices: &matrices,
    };
    put(text("similarity.json", render::json(&doc)), Some(matrices.len()))?;
    let cells: Vec<_> = matrices.iter().flat_map(|m| export::tidy(m.by, m.topic.as_deref(), &m.result)).collect();
    put(table_file("similarity.csv", columns::SIMILARITY, &cells, parquet)?, Some(cells.len()))?;

    let (positions, agreement) = export::agreement_tables(a, &[GroupBy::Issuer, GroupBy::Bloc], bootstrap, progress)?;
    put(table_file("positions.csv", columns::POSITIONS, &positions, parquet)?, Some(positions.len()))?;
    put(table_file("agreement.csv", columns::AGREEMENT, &agreement, parquet)?, Some(agreement.len()))?;

    let stances = export::stance_counts(a);
    put(table_file("stances.csv", columns::STANCES, &stances, parquet)?, Some(stances.len()))?;

    progress("positions on each topic");
    let opts = ClusterOptions { seed: bootstrap.seed, ..Default::default() };
    let clusters = topic_clusters(a, &[], &opts)?;
    let rows = cluster_records(&clusters);
    put(table_file("clusters.csv", columns::CLUSTERS, &rows, parquet)?, Some(rows.len()))?;
    let rows = member_records(&clusters);
    put(table_file("cluster_members.csv", columns::CLUSTER_MEMBERS, &rows, parquet)?, Some(rows.len()))?;

    let pair = pair.or_else(|| export::largest_blocs(a));
    if let Some((x, y)) = &pair {
        progress("keyness");
        let params = CompareParams {
            bootstrap: SimilarityParams { draws: 0, ..*bootstrap },
            keyness: KeynessParams { k: args.terms, ..Default::default() },
            evidence: 0,
            topic: None,
        };
        let c = compare(a, &Side::parse(x, &a.corpus)?, &Side::parse(y, &a.corpus)?, &params)?;
        let rows = export::keyness_rows(&c);
        put(table_file("keyness.csv", columns::KEYNESS, &rows, parquet)?, Some(rows.len()))?;
    }
    put(text("schema.json", SCHEMA_JSON.to_string()), None)?;

    let names: Vec<String> =
        std::iter::once("manifest.json".to_string()).chain(files.iter().map(|f| f.name.clone())).collect();
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        stance_version: env!("CARGO_PKG_VERSION"),
        model: a.model_id(),
        seed: bootstrap.seed,
        draws: bootstrap.draws,
        corpus_hash: a.corpus.hash(),
        n_documents: a.corpus.documents.len(),
        n_passages: a.passages.len(),
        compare: pair.map(|(a, b)| SidePair { a, b }),
        files,
    };
    write_atomic(&dir.join("manifest.json"), render::json(&manifest).as_bytes())?;
    Ok(names)
}

fn topic_rows(a: &Analysis, n_terms: usize, seed: u64) -> Vec<TopicRow> {
    let join = |v: Vec<String>| v.join("; ");
    stance::export::topics::summarize(a, n_terms, seed)
        .topics
        .into_iter()
        .map(|t| {
            let n = |s| t.stances.get(&s).copied().unwrap_or(0);
            TopicRow {
                n_support: n(Stance::Support),
                n_oppose: n(Stance::Oppose),
                n_neutral: n(Stance::Neutral),
                top_terms: join(t.top_terms.iter().map(|w| w.term.clone()).collect()),
                clusters: join(t.clusters.iter().map(|c| c.to_string()).collect()),
                topic: t.id,
                label: t.label,
                label_fr: t.label_fr,
                proposition: t.proposition,
                n_passages: t.n_passages,
            }
        })
        .collect()
}
