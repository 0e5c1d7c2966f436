//! `stance fit`: fit the whole pipeline on a corpus, save the model and the similarity results.
//! The same work as the scikit-learn reference (`perf/`), with per-stage timings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::compare::similarity::similarity;
use stance::compare::{SimilarityMatrix, SimilarityParams};
use stance::fsio::write_atomic;
use stance::groups::{GroupBy, Grouping};
use stance::learned::{LearnParams, Learned};
use stance::model::Model;
use stance::pipeline::{model_id, Analysis, Params};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::store::Workspace;
use stance::{limits, Error, Result};

/// Fit and save the model (TF-IDF, SVD, clusters) and write issuer similarity matrices
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance fit --out fitted/
  stance fit --corpus ungdc-50mb/ --min-df 2 --max-df 0.9 --dims 100 --k 20 --out out/ --timings
  stance fit --format json --quiet     # counts and per-stage seconds as one JSON object
  stance fit --corpus ungdc-10mb/ --no-lexicon --stopwords none --keep-numbers --out sk-like/
                                       # the scikit-learn reference's features, for the agreement check")]
pub struct FitArgs {
    /// Output folder: model.bin, issuer_similarity.csv, clusters/cluster_NN.csv, and
    /// fit-outputs.json (the list of them: a later fit removes only those it does not rewrite)
    #[arg(long, value_name = "DIR", default_value = "stance-model")]
    pub out: PathBuf,
    /// Ignore terms in fewer passages than this (default: from the corpus size, 1 below 1 MB of
    /// text, then 2 + ⌊log10(MB)⌋, with at most 100,000 terms; see docs/methods.md)
    #[arg(long, value_name = "N")]
    pub min_df: Option<usize>,
    /// Keep at most this many terms, those in the most passages (default: 100,000 from 1 MB of
    /// text when --min-df is not given, else no cap)
    #[arg(long, value_name = "N")]
    pub max_features: Option<usize>,
    /// Ignore terms in more than this share of passages (0–1]
    #[arg(long, value_name = "F")]
    pub max_df: Option<f64>,
    /// SVD dimensions
    #[arg(long, value_name = "N")]
    pub dims: Option<usize>,
    /// Number of k-means clusters
    #[arg(long, value_name = "N")]
    pub k: Option<usize>,
    /// SVD power iterations (more: more accurate trailing dimensions, slower)
    #[arg(long, value_name = "N")]
    pub svd_iter: Option<usize>,
    /// Words only: no concept or position features from the topic lexicon (the features of the
    /// scikit-learn reference; topics and stances are still found, for display)
    #[arg(long)]
    pub no_lexicon: bool,
    /// Stopword list: `standard` (~150 words per language) or `none` (keep every word, as the
    /// scikit-learn reference)
    #[arg(long, value_name = "LIST", value_parser = ["standard", "none"], default_value = "standard")]
    pub stopwords: String,
    /// Keep tokens without a letter, such as `2030` (as the scikit-learn reference)
    #[arg(long)]
    pub keep_numbers: bool,
    /// Passages shorter than this many words are merged into a neighbour or dropped (default 6)
    #[arg(long, value_name = "N")]
    pub min_words: Option<usize>,
    /// Paragraphs longer than this many words are cut at sentence ends (default 200)
    #[arg(long, value_name = "N")]
    pub max_words: Option<usize>,
    /// Print seconds per stage on stderr
    #[arg(long)]
    pub timings: bool,
    /// Lexicon only: do not train the learned complement (the linfa classifier that decides
    /// where the lexicon abstains; trained by default, see docs/evaluation.md)
    #[arg(long)]
    pub no_learned: bool,
    /// Train the learned complement (the default; kept for scripts written when it was opt-in)
    #[arg(long, hide = true, conflicts_with = "no_learned")]
    pub learned: bool,
}

#[derive(Debug, Serialize)]
pub struct FitReport {
    pub docs: usize,
    pub mb: f64,
    pub issuers: usize,
    pub passages: usize,
    /// Passages in and out of the domain (ICTs / cyberspace): topics and comparisons read those in.
    pub domain: stance::pipeline::DomainShare,
    pub features: usize,
    /// The vocabulary rule the fit ran with (chosen from the corpus size unless given).
    pub vocabulary: VocabularyRule,
    pub nnz: usize,
    pub clusters: usize,
    pub dims: usize,
    /// The 10 largest singular values of the TF-IDF matrix (agreement check against scikit-learn).
    pub top_singular_values: Vec<f64>,
    pub model: String,
    /// The learned complement's training passages by origin and thresholds (None: not trained).
    pub learned: Option<LearnedSummary>,
    pub out: String,
    /// Seconds per stage (JSON: an object keyed by stage).
    pub stages_s: BTreeMap<String, f64>,
    /// The same, in pipeline order (for the table).
    #[serde(skip)]
    pub stages: Vec<(String, f64)>,
    pub total_s: f64,
}

#[derive(Debug, Serialize)]
pub struct VocabularyRule {
    pub min_df: usize,
    pub max_df: f64,
    /// None: no cap.
    pub max_features: Option<usize>,
    /// Whether min_df and the cap were chosen from the corpus size (no --min-df given).
    pub scaled: bool,
}

impl VocabularyRule {
    /// One line for the table output; empty for a small corpus fitted with the defaults (every
    /// term kept, nothing to say).
    fn note(&self, mb: f64) -> String {
        if self.scaled && self.min_df <= 1 && self.max_features.is_none() {
            return String::new();
        }
        let cap = self.max_features.map_or("no cap".to_string(), |n| format!("at most {n} terms"));
        let why = if self.scaled {
            format!("chosen for {mb:.1} MB of text; set --min-df / --max-features to choose")
        } else {
            "as given".to_string()
        };
        format!("Vocabulary: terms in at least {} passages, {cap} ({why}).\n", self.min_df)
    }
}

#[derive(Debug, Serialize)]
pub struct LearnedSummary {
    pub examples: BTreeMap<String, usize>,
    /// Calibrated probability below which each head abstains (above 1: it never decides).
    pub topic_threshold: f64,
    pub stance_threshold: f64,
    /// Cross-validated on the hand-labelled passages, lexicon alone → lexicon + model: topic
    /// accuracy, and stance balanced accuracy.
    pub cv_topic_accuracy: (f64, f64),
    pub cv_stance_balanced_accuracy: (f64, f64),
}

pub fn run(ctx: &Ctx, args: FitArgs) -> Result<()> {
    let started = Instant::now();
    let mut params = ctx.params();
    if let Some(v) = args.min_df {
        limits::count("--min-df", v, 1, usize::MAX)?;
        params.tfidf.min_df = v;
    }
    if let Some(v) = args.max_features {
        params.tfidf.max_features = Some(limits::count("--max-features", v, 1, usize::MAX)?);
    }
    if let Some(v) = args.max_df {
        if !(v > 0.0 && v <= 1.0) {
            return Err(Error::usage(format!("--max-df {v} is out of range; give a share in (0, 1]")));
        }
        params.tfidf.max_df = v;
    }
    if let Some(v) = args.dims {
        params.svd.k = limits::count("--dims", v, 1, limits::MAX_DIMS)?;
    }
    if let Some(v) = args.k {
        params.cluster.k = limits::count("--k", v, 1, limits::MAX_K)?;
    }
    if let Some(v) = args.svd_iter {
        params.svd.n_iter = limits::count("--svd-iter", v, 0, limits::MAX_SVD_ITER)?;
    }
    if args.no_lexicon {
        params.concepts = false;
        params.tfidf.extra_weight = 1.0;
    }
    if let Some(v) = args.min_words {
        params.segment.min_words = limits::count("--min-words", v, 1, limits::MAX_WORDS)?;
    }
    if let Some(v) = args.max_words {
        params.segment.max_words = limits::count("--max-words", v, 1, limits::MAX_WORDS)?;
    }
    params.analyzer.keep_stopwords = args.stopwords == "none";
    params.analyzer.keep_numbers = args.keep_numbers;
    if let Some(ws) = &ctx.global.workspace {
        return fit_workspace(ctx, ws, params);
    }
    stance::fsio::writable_dir(&args.out)?;
    let t = Instant::now();
    let corpus = ctx.load_corpus()?;
    let read_s = t.elapsed().as_secs_f64();
    let mb = corpus.bytes() as f64 / 1e6;
    let lexicon = ctx.lexicon()?;
    let mut analysis = ctx.run_pipeline(corpus, lexicon, params)?;
    let t = Instant::now();
    let learned = match args.no_learned {
        true => None,
        false => Some(stance::learned::fit(&analysis, &LearnParams::with_seed(ctx.global.seed))?),
    };
    let learned_s = t.elapsed().as_secs_f64();
    let (features, nnz) = (analysis.matrix.n_cols, analysis.matrix.nnz());
    let tp = &analysis.params.tfidf;
    let vocabulary = VocabularyRule {
        min_df: tp.min_df,
        max_df: tp.max_df,
        max_features: tp.max_features,
        scaled: args.min_df.is_none(),
    };
    // The TF-IDF matrix is not saved and nothing below reads it: free it before the model is
    // built (the write is where memory peaks).
    analysis.matrix = stance::vectorize::Csr::zeros(0, 0);

    let t = Instant::now();
    let grouping = Grouping::new(&analysis, GroupBy::Issuer);
    let all: Vec<usize> = (0..analysis.passages.len()).collect();
    let no_ci = SimilarityParams { draws: 0, ..Default::default() };
    let overall = similarity(analysis.vectors.view(), &grouping, &all, &no_ci);
    let issuers_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let per_cluster: Vec<SimilarityMatrix> = (0..analysis.clusters.centroids.nrows())
        .map(|c| similarity(analysis.vectors.view(), &grouping, &analysis.select(|p| p.cluster == c), &no_ci))
        .collect();
    let clusters_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let summary = learned.as_ref().map(|l| LearnedSummary {
        examples: l.n_examples.clone(),
        topic_threshold: l.topic.threshold,
        stance_threshold: l.stance.threshold,
        cv_topic_accuracy: l.topic.cv.scores(false),
        cv_stance_balanced_accuracy: l.stance.cv.scores(true),
    });
    let dims = analysis.svd.k();
    // Moves the vocabulary and basis into the model (no copy): the report reads neither.
    write_outputs(&args.out, &mut analysis, learned, &overall, &per_cluster)?;
    let write_s = t.elapsed().as_secs_f64();

    let mut stages = vec![("read".to_string(), read_s)];
    stages.extend(analysis.timings.iter().map(|(n, s)| (n.to_string(), *s)));
    stages.push(("learned".into(), learned_s));
    stages.extend([("issuers".into(), issuers_s), ("topics".into(), clusters_s), ("write".into(), write_s)]);
    let report = FitReport {
        docs: analysis.corpus.documents.len(),
        mb,
        issuers: grouping.labels.len(),
        passages: analysis.passages.len(),
        domain: analysis.domain_share(),
        features,
        vocabulary,
        nnz,
        clusters: analysis.clusters.centroids.nrows(),
        dims,
        top_singular_values: analysis.svd.singular_values.iter().take(10).map(|v| (v * 1e6).round() / 1e6).collect(),
        model: analysis.model_id(),
        learned: summary,
        out: args.out.display().to_string(),
        stages_s: stages.iter().cloned().collect(),
        stages,
        total_s: started.elapsed().as_secs_f64(),
    };
    if args.timings {
        let rows: Vec<Vec<String>> = report
            .stages
            .iter()
            .map(|(n, s)| vec![n.clone(), format!("{s:.3}")])
            .chain(std::iter::once(vec!["total".to_string(), format!("{:.3}", report.total_s)]))
            .collect();
        eprintln!("{}", table(&["stage", "seconds"], &rows));
    }
    ctx.warn_domain(&report.domain);
    emit(&match ctx.global.format {
        Format::Json => render::json_line(&report),
        _ => format!(
            "Fitted model {} on {} documents ({:.1} MB): {} passages, {} features, {} SVD dimensions, {} clusters.\n{}{}\n{}Wrote {}/model.bin, issuer_similarity.csv, clusters/ in {:.2} s.\n",
            report.model, report.docs, report.mb, report.passages, report.features, report.dims, report.clusters,
            report.vocabulary.note(report.mb), report.domain.note(), learned_line(report.learned.as_ref()), report.out, report.total_s
        ),
    })
}

/// `stance fit --workspace WS`: refit on every document of the workspace and register the model
/// as a new version (runs recorded before keep theirs); same documents and parameters: no-op.
fn fit_workspace(ctx: &Ctx, root: &Path, params: Params) -> Result<()> {
    let mut ws = Workspace::open(root)?;
    let corpus = ws.corpus()?;
    let lexicon = ctx.lexicon()?;
    let id = model_id(&params, &lexicon, &corpus);
    if let Some(version) = ws.model_version(&id)? {
        return emit(&match ctx.global.format {
            Format::Json => {
                render::json_line(&serde_json::json!({ "model": id, "version": version, "already_fitted": true }))
            }
            _ => format!(
                "Model v{version} {id} is already fitted on these documents with these parameters; nothing to do.\n"
            ),
        });
    }
    let mb = corpus.bytes() as f64 / 1e6;
    let analysis = ctx.run_pipeline(corpus, lexicon, params)?;
    let report = ws.record_fit(&analysis, "fit")?;
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        _ => super::init::fitted(&report, &root.display().to_string(), mb, "Refitted"),
    })
}

/// Issuer × issuer CSV in the layout of the scikit-learn reference: header `,A,B,…`, one row per
/// issuer, 6 decimals, empty for no passages.
fn matrix_csv(m: &SimilarityMatrix) -> Result<String> {
    let mut header = vec![String::new()];
    header.extend(m.labels.iter().cloned());
    let rows = m.labels.iter().enumerate().map(|(i, l)| {
        std::iter::once(l.clone())
            .chain(m.matrix[i].iter().map(|v| v.map(|x| format!("{x:.6}")).unwrap_or_default()))
            .collect::<Vec<_>>()
    });
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    stance::export::csv::rows(&header_refs, rows)
}

/// The list of files a `fit --out` wrote, kept in the output folder so that the next fit
/// there removes exactly the files of this one that it does not write again (a `--k 20` fit
/// followed by `--k 5` leaves 5 cluster files, not 20) and nothing else.
const OUTPUTS: &str = "fit-outputs.json";

/// Is `name` a file `fit --out` writes (read back from [`OUTPUTS`], so checked)?
fn is_fit_output(name: &str) -> bool {
    let cluster = name
        .strip_prefix("clusters/cluster_")
        .and_then(|n| n.strip_suffix(".csv"))
        .is_some_and(|n| n.len() >= 2 && n.bytes().all(|b| b.is_ascii_digit()));
    cluster || ["model.bin", "issuer_similarity.csv"].contains(&name)
}

fn write_outputs(
    out: &Path,
    a: &mut Analysis,
    learned: Option<Learned>,
    overall: &SimilarityMatrix,
    per_cluster: &[SimilarityMatrix],
) -> Result<()> {
    let before: Vec<String> = std::fs::read(out.join(OUTPUTS))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<String>>(&b).ok())
        .unwrap_or_default();
    let clusters_dir = out.join("clusters");
    std::fs::create_dir_all(&clusters_dir).map_err(|e| Error::io(&clusters_dir, e))?;
    let mut written = vec!["issuer_similarity.csv".to_string()];
    write_atomic(&out.join("issuer_similarity.csv"), matrix_csv(overall)?.as_bytes())?;
    for (c, m) in per_cluster.iter().enumerate() {
        let name = format!("clusters/cluster_{c:02}.csv");
        write_atomic(&out.join(&name), matrix_csv(m)?.as_bytes())?;
        written.push(name);
    }
    Model { learned, ..Model::take_from(a) }.save(&out.join("model.bin"))?;
    written.push("model.bin".to_string());
    for stale in before.iter().filter(|f| is_fit_output(f) && !written.contains(f)) {
        let path = out.join(stale);
        std::fs::remove_file(&path)
            .or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })
            .map_err(|e| Error::io(&path, e))?;
    }
    write_atomic(&out.join(OUTPUTS), render::json(&written).as_bytes())
}

/// One line on the learned complement for the table output.
fn learned_line(l: Option<&LearnedSummary>) -> String {
    let Some(l) = l else {
        return "Learned complement: not trained (--no-learned): the lexicon alone decides.\n".to_string();
    };
    let threshold = |t: f64| if t > 1.0 { "never decides".to_string() } else { format!("threshold {t:.2}") };
    format!(
        "Learned complement on {} hand-labelled passages ({}): topic head {}, stance head {}; \
         cross-validated, lexicon → lexicon + model: topic accuracy {:.3} → {:.3}, stance balanced accuracy {:.3} → {:.3}.\n",
        l.examples.values().sum::<usize>(),
        l.examples.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "),
        threshold(l.topic_threshold),
        threshold(l.stance_threshold),
        l.cv_topic_accuracy.0,
        l.cv_topic_accuracy.1,
        l.cv_stance_balanced_accuracy.0,
        l.cv_stance_balanced_accuracy.1,
    )
}
