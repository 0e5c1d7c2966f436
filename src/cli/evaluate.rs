//! `stance evaluate`: how well topics and stances match a gold file, and whether a held-out
//! document lands nearest its own bloc. Methods in `stance::compare::evaluation`.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{emit, open_model, Ctx};
use stance::compare::evaluation::{
    evaluate, nearest_bloc_loo, read_gold, Confusion, Evaluation, HeldOut, LabelScore, NO_TOPIC,
};
use stance::learned::{Bin, CrossValidation, Head, LearnParams, Learned};
use stance::render::table::{matrix, table};
use stance::render::{self, num, Format};
use stance::{Error, Result};

/// Score topic and stance assignment against a gold file; nearest-bloc accuracy
#[derive(Debug, Args)]
#[command(
    after_help = "The gold file is a CSV with the columns passage (the text), topic (a topic id, or empty / none)
and stance (support, oppose, neutral, or empty), optionally issuer; other columns are ignored.
Topic: best topic = gold topic, and gold topic among the passage's topics (after the domain gate:
a passage is read in the corpus document its `file` column names, else with the gold rows of the
same file when there are at least 5, else alone). Stance: toward the
gold topic, and as shown for the gold topic ((none) when the passage does not reach it). With an
issuer column, the issuer × topic calls that compare and stances.csv make are scored against the
gold majority per issuer and topic.

With --model FILE (a model saved by stance fit) or --learned (fitted on --corpus, as classify
without --model), the learned complement decides where the lexicon abstains (no topic, or no
decisive cue) and the report gives its calibration: out-of-fold reliability (predicted p against
observed accuracy), temperatures and thresholds. The dev gold is part of its training data, so
dev figures with it are in-sample.

Examples:
  stance evaluate --gold tests/fixtures/gold_passages.csv
  stance evaluate --gold tests/fixtures/cold_gold.csv --learned
  stance fit --out fitted/ && stance evaluate --gold my_gold.csv --model fitted/model.bin
  stance evaluate --gold my_gold.csv --format json
  stance evaluate --nearest-bloc
  stance evaluate --nearest-bloc --blocs western,china --format csv"
)]
pub struct EvaluateArgs {
    /// Gold CSV: columns passage, topic, stance
    #[arg(long, value_name = "FILE")]
    pub gold: Option<PathBuf>,
    /// Score with the learned complement of this saved model (FILE or DIR/model.bin)
    #[arg(long, value_name = "PATH", conflicts_with = "learned")]
    pub model: Option<PathBuf>,
    /// Score with the learned complement fitted on --corpus (as `classify` without --model)
    #[arg(long)]
    pub learned: bool,
    /// Leave-one-document-out: fit without each document of --blocs, check its nearest bloc
    #[arg(long)]
    pub nearest_bloc: bool,
    /// Blocs whose documents --nearest-bloc holds out; also scored with only these as candidates
    #[arg(long, value_name = "BLOC,…", value_delimiter = ',', default_value = "western,russia-aligned,china")]
    pub blocs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct NearestBlocReport {
    pub blocs: Vec<String>,
    pub n: usize,
    /// Nearest of all blocs right.
    pub correct: usize,
    pub accuracy: Option<f64>,
    /// Nearest among `blocs` right.
    pub correct_among_blocs: usize,
    pub accuracy_among_blocs: Option<f64>,
    pub documents: Vec<HeldOut>,
}

#[derive(Debug, Serialize)]
pub struct EvaluateReport {
    pub gold: Option<String>,
    pub evaluation: Option<Evaluation>,
    /// The learned complement's calibration (with --model or --learned).
    pub learned: Option<Calibration>,
    pub nearest_bloc: Option<NearestBlocReport>,
    pub seed: u64,
}

pub fn run(ctx: &Ctx, args: EvaluateArgs) -> Result<()> {
    if args.gold.is_none() && !args.nearest_bloc {
        return Err(Error::usage("nothing to evaluate; give --gold FILE and/or --nearest-bloc"));
    }
    let lexicon = ctx.lexicon()?;
    let gold = args.gold.as_ref().map(|path| read_gold(path)).transpose()?;
    let learned = match (&args.model, args.learned) {
        (Some(path), _) => {
            let file = open_model(path)?;
            let learned = file.header.learned.clone().ok_or_else(|| {
                Error::data(format!(
                    "{}: this model has no learned complement (fitted with --no-learned); refit it with `stance fit`",
                    file.path().display()
                ))
            })?;
            Some(learned)
        }
        (None, true) => Some(stance::learned::fit(&ctx.analysis()?, &LearnParams::with_seed(ctx.global.seed))?),
        (None, false) => None,
    };
    let evaluation = match (&args.gold, &gold) {
        (Some(path), Some(rows)) => {
            // The corpus gives the domain gate the documents the gold passages come from; without
            // --corpus the shipped seeds are used if they load.
            let corpus = if rows.iter().any(|r| r.file.is_some()) {
                match ctx.load_corpus() {
                    Ok(c) => Some(c),
                    Err(e) if ctx.global.corpus.is_none() && ctx.global.workspace.is_none() => {
                        ctx.warn(&format!("{e}; gold passages are gated without their documents"));
                        None
                    }
                    Err(e) => return Err(e),
                }
            } else {
                None
            };
            let segment = ctx.params().segment;
            let name = path.display().to_string();
            Some(evaluate(&lexicon, rows, &name, learned.as_ref(), corpus.as_ref(), &segment)?)
        }
        _ => None,
    };
    let nearest_bloc = if args.nearest_bloc {
        let corpus = ctx.load_corpus()?;
        let known = corpus.blocs();
        if let Some(b) = args.blocs.iter().find(|b| !known.contains(b)) {
            let hint = stance::error::did_you_mean(b, known.iter().map(String::as_str));
            return Err(Error::usage(format!(
                "unknown bloc '{b}' in --blocs{hint}; known blocs: {}",
                known.join(", ")
            )));
        }
        let blocs: Vec<&str> = args.blocs.iter().map(String::as_str).collect();
        let documents = nearest_bloc_loo(&corpus, &lexicon, &ctx.params(), &blocs)?;
        let correct = documents.iter().filter(|d| d.correct).count();
        let among = documents.iter().filter(|d| d.correct_among_blocs).count();
        let n = documents.len();
        let share = |k: usize| (n > 0).then(|| k as f64 / n as f64);
        Some(NearestBlocReport {
            blocs: args.blocs.clone(),
            n,
            correct,
            accuracy: share(correct),
            correct_among_blocs: among,
            accuracy_among_blocs: share(among),
            documents,
        })
    } else {
        None
    };
    let report = EvaluateReport {
        gold: args.gold.as_ref().map(|p| p.display().to_string()),
        evaluation,
        learned: learned.as_ref().map(Calibration::of),
        nearest_bloc,
        seed: ctx.global.seed,
    };
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => to_csv(&report)?,
        Format::Table => to_table(&report),
    })
}

fn f(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.3}"))
}

fn scores_table(first: &str, scores: &[LabelScore]) -> String {
    let rows: Vec<Vec<String>> = scores
        .iter()
        .map(|s| {
            vec![
                s.label.clone(),
                format!("{:.3}", s.precision),
                format!("{:.3}", s.recall),
                format!("{:.3}", s.f1),
                s.support.to_string(),
            ]
        })
        .collect();
    table(&[first, "precision", "recall", "F1", "n gold"], &rows).to_string()
}

fn confusion_table(c: &Confusion) -> String {
    let cells: Vec<Vec<String>> = c.counts.iter().map(|row| row.iter().map(|n| n.to_string()).collect()).collect();
    matrix("gold \\ predicted", &c.labels, &[], &cells).trim_end().to_string()
}

fn to_table(r: &EvaluateReport) -> String {
    let mut out = String::new();
    if let Some(c) = &r.learned {
        out.push_str(&calibration_table(c));
        out.push('\n');
    }
    if let Some(e) = &r.evaluation {
        let right = |c: &Confusion| (0..c.labels.len()).map(|i| c.counts[i][i]).sum::<usize>();
        out.push_str(&format!(
            "Gold: {} ({} passages), method {} ({} passages with a model decision)\n\nTopic: accuracy {} ({}/{}), macro-F1 {}\n{}\n\n",
            r.gold.as_deref().unwrap_or_default(),
            e.n_passages,
            e.method,
            e.model_decisions,
            f(e.topic_accuracy),
            right(&e.topic_confusion),
            e.n_passages,
            f(e.topic_macro_f1),
            scores_table("topic", &e.topics)
        ));
        let dc = &e.domain_context;
        out.push_str(&format!(
            "Domain: {} of {} gold passages out of the domain (decided in their corpus document {}, in their gold-file group {}, alone {})\n\n",
            e.n_out_of_domain, e.n_passages, dc.corpus_document, dc.gold_group, dc.alone
        ));
        out.push_str(&format!(
            "Gold topic among the passage's topics: {}/{} (share {})\n\n",
            e.topic_reached,
            e.n_passages,
            f(e.topic_reached_accuracy)
        ));
        out.push_str(&format!(
            "Stance toward the gold topic: accuracy {} ({}/{}), balanced accuracy {}\n{}\n\n",
            f(e.stance_accuracy),
            right(&e.stance_confusion),
            e.n_stance,
            f(e.stance_balanced_accuracy),
            scores_table("stance", &e.stances)
        ));
        out.push_str(&format!(
            "Stance shown for the gold topic ((none) = topic not reached, counted wrong): accuracy {} ({}/{}), \
             balanced accuracy {}\n{}\n\n",
            f(e.shown_stance_accuracy),
            right(&e.shown_stance_confusion),
            e.n_stance,
            f(e.shown_stance_balanced_accuracy),
            scores_table("stance", &e.shown_stances)
        ));
        if let Some(ic) = &e.issuer_calls {
            let rows: Vec<Vec<String>> = ic
                .calls
                .iter()
                .map(|c| {
                    vec![
                        c.issuer.clone(),
                        c.topic.clone(),
                        c.gold.as_str().to_string(),
                        c.predicted.map_or(NO_TOPIC, |s| s.as_str()).to_string(),
                        c.n_gold.to_string(),
                        c.n_predicted.to_string(),
                        if c.predicted == Some(c.gold) { "yes" } else { "no" }.to_string(),
                    ]
                })
                .collect();
            out.push_str(&format!(
                "Issuer × topic calls (as compare / stances.csv): accuracy {} ({}/{}), balanced accuracy {}\n{}\n\n",
                f(ic.accuracy),
                ic.correct,
                ic.n,
                f(ic.balanced_accuracy),
                table(&["issuer", "topic", "gold call", "call", "n gold", "n passages", "right"], &rows)
            ));
        }
        out.push_str(&format!(
            "Topic confusion (rows: gold, columns: predicted)\n{}\n\n",
            confusion_table(&e.topic_confusion)
        ));
        out.push_str(&format!(
            "Stance confusion (rows: gold, columns: predicted)\n{}\n",
            confusion_table(&e.stance_confusion)
        ));
    }
    if let Some(nb) = &r.nearest_bloc {
        if !out.is_empty() {
            out.push('\n');
        }
        let rows: Vec<Vec<String>> = nb
            .documents
            .iter()
            .map(|d| {
                vec![
                    d.document.clone(),
                    d.issuer.clone(),
                    d.bloc.clone(),
                    d.nearest.clone().unwrap_or_else(|| "-".into()),
                    f(d.similarity),
                    if d.correct { "yes" } else { "no" }.to_string(),
                    d.nearest_among_blocs.clone().unwrap_or_else(|| "-".into()),
                    if d.correct_among_blocs { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect();
        out.push_str(&format!(
            "Nearest bloc, leave one document out ({}): among all blocs {}/{} right (accuracy {}), \
             among these blocs {}/{} right (accuracy {})\n{}\n",
            nb.blocs.join(", "),
            nb.correct,
            nb.n,
            f(nb.accuracy),
            nb.correct_among_blocs,
            nb.n,
            f(nb.accuracy_among_blocs),
            table(
                &[
                    "held-out document",
                    "issuer",
                    "bloc",
                    "nearest bloc",
                    "cosine",
                    "right",
                    "nearest of these",
                    "right"
                ],
                &rows
            )
        ));
    }
    out
}

/// Tidy CSV: `metric,gold,predicted,value` (a label in `gold` for per-label scores, both for
/// confusion counts, none for overall figures).
fn to_csv(r: &EvaluateReport) -> Result<String> {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut put = |metric: &str, gold: &str, predicted: &str, value: String| {
        rows.push([metric.to_string(), gold.to_string(), predicted.to_string(), value]);
    };
    if let Some(e) = &r.evaluation {
        put("topic_accuracy", "", "", num(e.topic_accuracy));
        put("topic_macro_f1", "", "", num(e.topic_macro_f1));
        put("stance_accuracy", "", "", num(e.stance_accuracy));
        put("stance_balanced_accuracy", "", "", num(e.stance_balanced_accuracy));
        put("topic_reached_accuracy", "", "", num(e.topic_reached_accuracy));
        put("shown_stance_accuracy", "", "", num(e.shown_stance_accuracy));
        put("shown_stance_balanced_accuracy", "", "", num(e.shown_stance_balanced_accuracy));
        if let Some(ic) = &e.issuer_calls {
            put("issuer_call_accuracy", "", "", num(ic.accuracy));
            put("issuer_call_balanced_accuracy", "", "", num(ic.balanced_accuracy));
        }
        let issuer_scores = e.issuer_calls.as_ref().map(|ic| &ic.scores[..]).unwrap_or_default();
        for (kind, scores) in [
            ("topic", &e.topics[..]),
            ("stance", &e.stances),
            ("shown_stance", &e.shown_stances),
            ("issuer_call", issuer_scores),
        ] {
            for s in scores.iter() {
                put(&format!("{kind}_precision"), &s.label, "", s.precision.to_string());
                put(&format!("{kind}_recall"), &s.label, "", s.recall.to_string());
                put(&format!("{kind}_f1"), &s.label, "", s.f1.to_string());
                put(&format!("{kind}_support"), &s.label, "", s.support.to_string());
            }
        }
        let mut confusions = vec![
            ("topic_confusion", &e.topic_confusion),
            ("stance_confusion", &e.stance_confusion),
            ("shown_stance_confusion", &e.shown_stance_confusion),
        ];
        if let Some(ic) = &e.issuer_calls {
            confusions.push(("issuer_call_confusion", &ic.confusion));
        }
        for (kind, c) in confusions {
            for (g, row) in c.labels.iter().zip(&c.counts) {
                for (p, n) in c.labels.iter().zip(row) {
                    put(kind, g, p, n.to_string());
                }
            }
        }
    }
    if let Some(nb) = &r.nearest_bloc {
        put("nearest_bloc_accuracy", "", "", num(nb.accuracy));
        put("nearest_bloc_accuracy_among_blocs", "", "", num(nb.accuracy_among_blocs));
        for d in &nb.documents {
            put("nearest_bloc", &d.bloc, d.nearest.as_deref().unwrap_or_default(), num(d.similarity));
            put(
                "nearest_bloc_among_blocs",
                &d.bloc,
                d.nearest_among_blocs.as_deref().unwrap_or_default(),
                String::new(),
            );
        }
    }
    stance::export::csv::rows(&["metric", "gold", "predicted", "value"], rows.into_iter().map(|r| r.to_vec()))
}

/// What `evaluate` shows of the learned complement: its training data and calibration.
#[derive(Debug, Serialize)]
pub struct Calibration {
    /// Training passages by origin.
    pub examples: std::collections::BTreeMap<String, usize>,
    pub topic: HeadCalibration,
    pub stance: HeadCalibration,
}

#[derive(Debug, Serialize)]
pub struct HeadCalibration {
    /// Training passages per class.
    pub counts: std::collections::BTreeMap<String, usize>,
    /// The head's classes, in the order of `cross_validation`'s per-class counts.
    pub classes: Vec<String>,
    pub temperature: f64,
    /// Calibrated probability below which the head abstains (above 1: it never decides).
    pub threshold: f64,
    /// Out-of-fold reliability on every training passage, and where the lexicon abstains.
    pub reliability: Vec<Bin>,
    pub reliability_abstained: Vec<Bin>,
    /// Lexicon alone against lexicon + head, out of fold on the hand-labelled passages.
    pub cross_validation: CrossValidation,
}

impl Calibration {
    fn of(l: &Learned) -> Calibration {
        let head = |h: &Head| HeadCalibration {
            counts: h.classes.iter().cloned().zip(h.counts.iter().copied()).collect(),
            classes: h.classes.clone(),
            temperature: h.temperature,
            threshold: h.threshold,
            reliability: h.reliability.clone(),
            reliability_abstained: h.reliability_abstained.clone(),
            cross_validation: h.cv.clone(),
        };
        Calibration { examples: l.n_examples.clone(), topic: head(&l.topic), stance: head(&l.stance) }
    }
}

/// The reliability tables of both heads side by side, one row per probability bin.
fn calibration_table(c: &Calibration) -> String {
    let cell = |b: &Bin| {
        if b.n == 0 {
            "-".to_string()
        } else {
            format!("{:.2} ({}/{})", b.correct as f64 / b.n as f64, b.correct, b.n)
        }
    };
    let rows: Vec<Vec<String>> = (0..c.topic.reliability.len())
        .map(|k| {
            let t = &c.topic;
            let s = &c.stance;
            vec![
                format!("{:.1}–{:.1}", t.reliability[k].low, t.reliability[k].high),
                cell(&t.reliability[k]),
                cell(&t.reliability_abstained[k]),
                cell(&s.reliability[k]),
                cell(&s.reliability_abstained[k]),
            ]
        })
        .collect();
    let counts = |h: &HeadCalibration| h.counts.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ");
    let threshold = |t: f64| if t > 1.0 { "never decides".to_string() } else { format!("{t:.2}") };
    // "lexicon → lexicon + head" by cross-validation, with the per-class counts.
    let cv = |h: &HeadCalibration, balanced: bool| {
        let v = &h.cross_validation;
        let (lexicon, combined) = v.scores(balanced);
        let classes: Vec<String> = h
            .classes
            .iter()
            .zip(&v.n)
            .zip(v.lexicon.iter().zip(&v.combined))
            .filter(|((_, n), _)| **n > 0)
            .map(|((c, n), (l, m))| format!("{c} {l}→{m}/{n}"))
            .collect();
        format!(
            "{} {lexicon:.3} → {combined:.3} (the head decided {}, right {}; {})",
            if balanced { "balanced accuracy" } else { "accuracy" },
            v.decided,
            v.decided_right,
            classes.join(", ")
        )
    };
    format!(
        "Learned complement: {} training passages ({})\nTopic head: temperature {:.3}, threshold {}; classes: {}\n\
         Stance head: temperature {:.3}, threshold {}; classes: {}\n\
         Cross-validation on the hand-labelled passages, lexicon → lexicon + model:\n  topic {}\n  stance {}\n\
         Reliability, out of fold (accuracy of the best class per predicted-p bin; \"abstains\": where the lexicon abstains)\n{}\n",
        c.examples.values().sum::<usize>(),
        c.examples.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "),
        c.topic.temperature,
        threshold(c.topic.threshold),
        counts(&c.topic),
        c.stance.temperature,
        threshold(c.stance.threshold),
        counts(&c.stance),
        cv(&c.topic, false),
        cv(&c.stance, true),
        table(&["p", "topic: all", "topic: abstains", "stance: all", "stance: abstains"], &rows)
    )
}
