//! The learned complement: a linfa classifier that decides where the lexicon abstains.
//!
//! The lexicon's cues are traceable but miss paraphrases. Where it abstains — a passage with no
//! topic, or a topic but no decisive cue — two multinomial logistic regressions
//! (`linfa-logistic`) on the passage's TF-IDF + concept features may decide instead:
//!
//! - the **topic head**: the 13 topics + `none`, for passages the lexicon gives no topic;
//! - the **stance head**: support / oppose / neutral *given a topic* (the features plus the
//!   topic one-hot), for a topic the lexicon reaches without a decisive cue, or one the topic
//!   head found.
//!
//! Two heads rather than one joint (topic × stance) head: the topic head learns from every
//! labelled passage, `none` included, while a joint head would split the few oppose and neutral
//! examples over 13 topics; and the stance head shares what signals support or opposition
//! across topics (a topic's own bias is its one-hot weight).
//!
//! **Features**: the words and bigrams of the passage and its `§concept` occurrences, exactly as
//! the pipeline builds them ([`crate::pipeline::features_with`]), weighted by TF-IDF with the
//! complement's own vocabulary and idf, fitted on its training passages — so the complement is
//! the same whatever corpus the rest of the model was fitted on. The lexicon's own decisions
//! (the `§topic=stance` position features) are left out: they are what the model stands in for.
//!
//! **Training data**: the dev gold (`models/gold_passages.csv`) and SILVER passages — those on
//! which the lexicon is confident — from the corpus being fitted and from
//! `models/silver_ungdc.csv` (UN General Debate passages; the speeches of the cold sets are left
//! out, see `models/make_silver.py`). Silver labels are given by the lexicon in use at fit time
//! ([`silver_label`]).
//!
//! **Calibration**: K-fold cross-validation grouped by document gives out-of-fold scores for
//! every training passage; one temperature per head is fitted on them (minimum log-loss), and
//! each head's threshold is the lowest probability at which its out-of-fold decisions, on the
//! passages where the lexicon abstains, reach [`LearnParams::precision`]. Below its threshold
//! a head abstains. Nothing is tuned on the cold sets.

use std::collections::{BTreeMap, BTreeSet};

use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::corpus::gold::parse_gold;
use crate::pipeline::{features_with, Analysis, CONCEPT_WEIGHT};
use crate::seed::{derive, Stream};
use crate::text::analyze::{Analyzer, AnalyzerOptions};
use crate::text::detect::language as detect;
use crate::text::lang::Lang;
use crate::text::normalize::normalize;
use crate::topics::{Annotation, Lexicon, Stance};
use crate::vectorize::{Csr, TfIdf, TfIdfParams, TokenDoc};
use crate::{Error, Result};

/// L-BFGS iterations per fit (linfa's default is 100).
const MAX_ITERATIONS: u64 = 100;

/// L-BFGS stops when the gradient's norm falls below this (the loss is a sum over passages).
const GRADIENT_TOLERANCE: f32 = 1e-3;

/// The topic head's class for "no topic".
pub const NONE: &str = "none";

/// The stance classes, in the stance head's column order.
pub const STANCES: [Stance; 3] = [Stance::Support, Stance::Oppose, Stance::Neutral];

const GOLD: &str = include_str!("../../models/gold_passages.csv");
const SILVER_UNGDC: &str = include_str!("../../models/silver_ungdc.csv");

/// Hyper-parameters of the complement. The defaults were chosen by cross-validation on the dev
/// gold and silver passages (`stance evaluate --calibration`, docs/evaluation.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnParams {
    /// L2 penalty of the topic head (linfa's `alpha`: the loss is summed over passages).
    pub alpha_topic: f64,
    /// L2 penalty of the stance head.
    pub alpha_stance: f64,
    /// Folds of the grouped cross-validation that calibrates the heads.
    pub folds: usize,
    /// Terms in fewer training passages are left out of the complement's vocabulary.
    pub min_df: usize,
    /// At most this many terms (the most frequent), to keep the model small.
    pub max_features: usize,
    /// Each gold passage counts this many times (silver ones once).
    pub gold_weight: usize,
    /// At most this many silver passages per class (seeded draw), so no class floods the rest.
    pub max_silver_per_class: usize,
    pub seed: u64,
}

impl Default for LearnParams {
    fn default() -> Self {
        LearnParams {
            alpha_topic: 1.0,
            alpha_stance: 1.0,
            folds: 4,
            min_df: 2,
            max_features: 600,
            gold_weight: 3,
            max_silver_per_class: 150,
            seed: 0,
        }
    }
}

impl LearnParams {
    /// The defaults with `seed` (the run's `--seed`): folds and silver draws follow it.
    pub fn with_seed(seed: u64) -> LearnParams {
        LearnParams { seed, ..LearnParams::default() }
    }
}

/// Where a training passage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The dev gold, labelled by hand.
    Gold,
    /// The corpus being fitted, labelled by the lexicon.
    Corpus,
    /// `models/silver_ungdc.csv`, labelled by the lexicon.
    Ungdc,
}

/// One training passage.
#[derive(Debug, Clone)]
pub struct Example {
    pub origin: Origin,
    /// Its document: cross-validation folds never split one.
    pub group: String,
    pub doc: TokenDoc,
    /// Topic id or [`NONE`]; None: not a topic-head example.
    pub topic: Option<String>,
    /// Stance toward `topic`; None: not a stance-head example.
    pub stance: Option<Stance>,
    /// Did the lexicon give the passage a topic? (the topic head only decides where it did not)
    pub lexicon_topic: bool,
    /// Was the lexicon's stance toward `topic` decisive? (the stance head only decides where not)
    pub lexicon_decisive: bool,
}

/// The silver label of a passage from what the lexicon found, when the lexicon is confident:
/// its best topic with the stance its cues decide (support / oppose), or `neutral` when no cue
/// at all fires (the topic is clear, nothing is said for or against); [`NONE`] when not one
/// concept of any topic occurs. A topic with cues that cancel out gives a topic but no stance;
/// a passage with concepts below the topic threshold gives nothing (not clear either way).
pub fn silver_label(a: &Annotation) -> Option<(String, Option<Stance>)> {
    let best = a.assignment.topic.as_ref().and_then(|t| a.topics.iter().position(|x| x == t));
    match (&a.assignment.topic, best.and_then(|i| a.stances.get(i))) {
        (Some(t), Some(call)) => {
            let stance = match call.stance {
                Stance::Neutral if call.cues.is_empty() => Some(Stance::Neutral),
                Stance::Neutral => None,
                s => Some(s),
            };
            Some((t.clone(), stance))
        }
        (None, _) if a.assignment.score == 0.0 => Some((NONE.to_string(), None)),
        _ => None,
    }
}

/// Is the lexicon's stance toward `topic` decisive (support or oppose from its cues)?
pub fn decisive(a: &Annotation, topic: &str) -> bool {
    a.topics.iter().zip(&a.stances).any(|(t, c)| t == topic && c.stance != Stance::Neutral)
}

/// A passage's features for the complement: words, bigrams and concepts, no positions.
pub fn passage_doc(text: &str, lang: Lang, analyzer: AnalyzerOptions, lexicon: &Lexicon) -> TokenDoc {
    features_with(text, &Analyzer::new(lang, analyzer), Some(lexicon), &[])
}

/// The training passages: dev gold, silver from `analysis`' corpus (at most
/// [`LearnParams::max_silver_per_class`] per class after a seeded shuffle) and from
/// `models/silver_ungdc.csv`. Silver passages that overlap a gold passage are left out.
pub fn examples(analysis: &Analysis, params: &LearnParams) -> Result<Vec<Example>> {
    let lexicon = &analysis.lexicon;
    let options = analysis.params.analyzer;
    let gold = parse_gold("models/gold_passages.csv", GOLD.as_bytes())?;
    let gold_texts: Vec<String> = gold.iter().map(|r| normalize(&r.passage)).collect();
    let overlaps = |t: &str| gold_texts.iter().any(|g| g.contains(t) || t.contains(g.as_str()));
    let mut out = Vec::new();
    for (row, text) in gold.iter().zip(&gold_texts) {
        let a = lexicon.annotate(text);
        let topic = row.topic.clone().unwrap_or_else(|| NONE.to_string());
        out.push(Example {
            origin: Origin::Gold,
            group: row.file.clone().unwrap_or_else(|| format!("gold:{}", row.line)),
            doc: passage_doc(text, detect(text), options, lexicon),
            lexicon_topic: a.assignment.topic.is_some(),
            lexicon_decisive: decisive(&a, &topic),
            stance: row.topic.as_ref().and(row.stance),
            topic: Some(topic),
        });
    }
    let mut silver = Vec::new();
    for (i, p) in analysis.passages.iter().enumerate() {
        let doc = &analysis.corpus.documents[p.doc];
        silver.push((Origin::Corpus, doc.id.clone(), p.text.clone(), doc.lang, i));
    }
    let mut reader = csv::Reader::from_reader(SILVER_UNGDC.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let r = record.map_err(|e| Error::data(format!("models/silver_ungdc.csv: line {}: {e}", i + 2)))?;
        silver.push((Origin::Ungdc, r[0].to_string(), normalize(&r[2]), Lang::En, i));
    }
    let mut by_class: BTreeMap<(String, Option<Stance>), Vec<Example>> = BTreeMap::new();
    for (origin, group, text, lang, _) in silver {
        if text.is_empty() || overlaps(&text) {
            continue;
        }
        let a = lexicon.annotate(&text);
        let Some((topic, stance)) = silver_label(&a) else { continue };
        by_class.entry((topic.clone(), stance)).or_default().push(Example {
            origin,
            group: format!("{origin:?}:{group}"),
            doc: passage_doc(&text, lang, options, lexicon),
            lexicon_topic: a.assignment.topic.is_some(),
            lexicon_decisive: decisive(&a, &topic),
            topic: Some(topic),
            stance,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(derive(params.seed, Stream::LearnedSilver));
    for (_, mut class) in by_class {
        class.shuffle(&mut rng);
        class.truncate(params.max_silver_per_class);
        out.extend(class);
    }
    Ok(out)
}

/// One calibrated multinomial logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub classes: Vec<String>,
    /// Features × classes, row-major.
    pub weights: Vec<f32>,
    pub intercept: Vec<f32>,
    /// Logits are divided by this before the softmax (fitted on out-of-fold scores).
    pub temperature: f64,
    /// Below this calibrated probability the head abstains.
    pub threshold: f64,
    /// Out-of-fold reliability of the calibrated probabilities (every training passage).
    pub reliability: Vec<Bin>,
    /// The same, on the passages where the lexicon abstains (where the head decides).
    pub reliability_abstained: Vec<Bin>,
    /// Training passages per class (before gold weighting).
    pub counts: Vec<usize>,
}

/// Predicted-probability bin `[low, high)`: passages, and how many the head got right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub n: usize,
    pub correct: usize,
    /// Mean predicted probability in the bin.
    pub mean_p: f64,
}

impl Head {
    /// Calibrated class probabilities of a sparse row (`extra`: indices of one-hot features set to 1).
    pub fn probabilities(&self, row: (&[u32], &[f64]), extra: &[usize]) -> Vec<f64> {
        let c = self.classes.len();
        let mut z: Vec<f64> = self.intercept.iter().map(|&b| b as f64).collect();
        let (idx, val) = row;
        for (&j, &x) in idx.iter().zip(val) {
            let w = &self.weights[j as usize * c..(j as usize + 1) * c];
            z.iter_mut().zip(w).for_each(|(z, &w)| *z += x * w as f64);
        }
        for &j in extra {
            let w = &self.weights[j * c..(j + 1) * c];
            z.iter_mut().zip(w).for_each(|(z, &w)| *z += w as f64);
        }
        softmax(&z, self.temperature)
    }
}

fn softmax(z: &[f64], t: f64) -> Vec<f64> {
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|&v| ((v - m) / t).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// Index and value of the largest probability (first on ties).
fn argmax(p: &[f64]) -> (usize, f64) {
    p.iter().enumerate().fold((0, f64::NEG_INFINITY), |b, (i, &v)| if v > b.1 { (i, v) } else { b })
}

/// The fitted complement, saved in the model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Learned {
    pub params: LearnParams,
    /// Analyser options of the features (the model's).
    pub analyzer: AnalyzerOptions,
    /// The complement's own vocabulary and idf.
    pub tfidf: TfIdf,
    /// Topic ids of the stance head's one-hot features, in order.
    pub topics: Vec<String>,
    pub topic: Head,
    pub stance: Head,
    /// Training passages by origin (`gold`, `corpus`, `ungdc`).
    pub n_examples: BTreeMap<String, usize>,
}

/// A decision of the complement for one passage and topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCall {
    pub topic: String,
    pub stance: Stance,
    /// Probability of what is shown: `P(stance | topic)`, times `P(topic)` when the topic is
    /// the model's too.
    pub p: f64,
    /// The topic was found by the model (the lexicon gave the passage none).
    pub new_topic: bool,
}

impl Learned {
    /// The complement's sparse feature row of one passage.
    pub fn row(&self, doc: &TokenDoc) -> Csr {
        self.tfidf.transform(std::slice::from_ref(doc))
    }

    /// Calibrated topic probabilities (classes in [`Head::classes`] order).
    pub fn topic_probabilities(&self, row: &Csr) -> Vec<f64> {
        self.topic.probabilities(row.row(0), &[])
    }

    /// Calibrated `[support, oppose, neutral]` probabilities toward `topic`.
    pub fn stance_probabilities(&self, row: &Csr, topic: &str) -> Vec<f64> {
        let one_hot: Vec<usize> =
            self.topics.iter().position(|t| t == topic).map(|k| self.tfidf.vocabulary.len() + k).into_iter().collect();
        let p = self.stance.probabilities(row.row(0), &one_hot);
        STANCES.iter().map(|s| self.stance.classes.iter().position(|c| c == s.as_str()).map_or(0.0, |i| p[i])).collect()
    }

    /// The stance head's call toward `topic`, if its probability reaches the threshold.
    pub fn stance_call(&self, row: &Csr, topic: &str) -> Option<(Stance, f64)> {
        let (i, p) = argmax(&self.stance_probabilities(row, topic));
        (p >= self.stance.threshold).then_some((STANCES[i], p))
    }

    /// The topic head's topic, if it is not `none` and its probability reaches the threshold.
    pub fn topic_call(&self, row: &Csr) -> Option<(String, f64)> {
        let (i, p) = argmax(&self.topic_probabilities(row));
        let t = &self.topic.classes[i];
        (t != NONE && p >= self.topic.threshold).then(|| (t.clone(), p))
    }

    /// Where the lexicon abstains on a passage (`a`, features `doc`): a topic when it found
    /// none, and a stance for every topic it reaches without a decisive cue. Below a head's
    /// threshold the model abstains too (no call).
    pub fn complement(&self, doc: &TokenDoc, a: &Annotation) -> Vec<ModelCall> {
        // The domain gate holds for the model too: out of the domain, no topic and no stance.
        if !a.domain.in_domain {
            return Vec::new();
        }
        let row = self.row(doc);
        if a.topics.is_empty() {
            let Some((topic, pt)) = self.topic_call(&row) else { return Vec::new() };
            // A topic of the model's own: its stance is the stance head's best guess, whatever
            // its probability (a neutral call would be a guess too), with the joint probability.
            let (i, ps) = argmax(&self.stance_probabilities(&row, &topic));
            return vec![ModelCall { topic, stance: STANCES[i], p: pt * ps, new_topic: true }];
        }
        a.topics
            .iter()
            .zip(&a.stances)
            .filter(|(_, c)| c.stance == Stance::Neutral)
            .filter_map(|(t, _)| {
                let (stance, p) = self.stance_call(&row, t)?;
                Some(ModelCall { topic: t.clone(), stance, p, new_topic: false })
            })
            .collect()
    }
}

impl Learned {
    /// The passage's positions with the complement in place: every topic the lexicon reaches,
    /// best first, with its stance and `Some(p)` where the model decided (the lexicon's
    /// decisive cues are kept), or the model's topic when the lexicon found none.
    pub fn merged(&self, doc: &TokenDoc, a: &Annotation) -> Vec<(String, Stance, Option<f64>)> {
        let calls = self.complement(doc, a);
        if a.topics.is_empty() {
            return calls.into_iter().map(|c| (c.topic, c.stance, Some(c.p))).collect();
        }
        a.positions()
            .into_iter()
            .map(|(t, s)| match calls.iter().find(|c| c.topic == t) {
                Some(c) => (t, c.stance, Some(c.p)),
                None => (t, s, None),
            })
            .collect()
    }
}

/// What one head is trained on: the examples' class indices and optional one-hot column.
struct HeadData<'a> {
    x: &'a Csr,
    n_cols: usize,
    rows: Vec<usize>,
    labels: Vec<usize>,
    extra: Vec<Option<usize>>,
    weights: Vec<usize>,
    n_classes: usize,
    alpha: f64,
}

/// Raw (uncalibrated) weights `(n_cols × classes, intercept)` of a head fitted on `subset`
/// (indices into `data.rows`). Classes absent from the subset get a very low intercept.
fn fit_raw(data: &HeadData, subset: &[usize]) -> Result<(Array2<f64>, Array1<f64>)> {
    // Each example repeated by its weight (linfa's loss has no sample weights), one-hot set.
    let total: usize = subset.iter().map(|&i| data.weights[i]).sum();
    let mut xm = Array2::<f32>::zeros((total, data.n_cols));
    let mut y = Vec::with_capacity(total);
    for &i in subset {
        let (idx, val) = data.x.row(data.rows[i]);
        for _ in 0..data.weights[i] {
            let at = y.len();
            for (&j, &v) in idx.iter().zip(val) {
                xm[[at, j as usize]] = v as f32;
            }
            if let Some(j) = data.extra[i] {
                xm[[at, j]] = 1.0;
            }
            y.push(data.labels[i]);
        }
    }
    let present: BTreeSet<usize> = y.iter().copied().collect();
    let mut w = Array2::zeros((data.n_cols, data.n_classes));
    let mut b = Array1::from_elem(data.n_classes, -30.0);
    if present.len() == 1 {
        b[*present.first().unwrap_or(&0)] = 0.0;
        return Ok((w, b));
    }
    let dataset = Dataset::new(xm, Array1::from(y));
    let fitted = MultiLogisticRegression::default()
        .alpha(data.alpha as f32)
        .max_iterations(MAX_ITERATIONS)
        .gradient_tolerance(GRADIENT_TOLERANCE)
        .fit(&dataset)
        .map_err(|e| Error::data(format!("training the learned complement failed: {e}")))?;
    for (k, &c) in fitted.classes().iter().enumerate() {
        w.column_mut(c).assign(&fitted.params().column(k).mapv(f64::from));
        b[c] = f64::from(fitted.intercept()[k]);
    }
    Ok((w, b))
}

/// Logits of example `i` of `data` under weights `(w, b)`.
fn logits(data: &HeadData, i: usize, w: &Array2<f64>, b: &Array1<f64>) -> Vec<f64> {
    let (idx, val) = data.x.row(data.rows[i]);
    let mut z = b.to_vec();
    for (&j, &v) in idx.iter().zip(val) {
        z.iter_mut().zip(w.row(j as usize)).for_each(|(z, &w)| *z += v * w);
    }
    if let Some(j) = data.extra[i] {
        z.iter_mut().zip(w.row(j)).for_each(|(z, &w)| *z += w);
    }
    z
}

/// The temperature minimising the log-loss of `z / T` (a grid over `ln T` in [-2, 3], step 0.02).
fn fit_temperature(z: &[Vec<f64>], y: &[usize]) -> f64 {
    let loss = |t: f64| -> f64 { z.iter().zip(y).map(|(z, &y)| -softmax(z, t)[y].max(1e-12).ln()).sum() };
    (0..=250)
        .map(|k| (-2.0 + 0.02 * k as f64).exp())
        .fold((1.0, f64::INFINITY), |best, t| {
            let l = loss(t);
            if l < best.1 {
                (t, l)
            } else {
                best
            }
        })
        .0
}

/// Ten equal-width bins of predicted probability (the maximum class probability).
pub fn reliability(pairs: &[(f64, bool)]) -> Vec<Bin> {
    (0..10)
        .map(|k| {
            let (low, high) = (k as f64 / 10.0, (k + 1) as f64 / 10.0);
            let inside: Vec<&(f64, bool)> =
                pairs.iter().filter(|(p, _)| *p >= low && (*p < high || (k == 9 && *p <= 1.0))).collect();
            let n = inside.len();
            Bin {
                low,
                high,
                n,
                correct: inside.iter().filter(|(_, ok)| *ok).count(),
                mean_p: if n == 0 { 0.0 } else { inside.iter().map(|(p, _)| p).sum::<f64>() / n as f64 },
            }
        })
        .collect()
}

/// Out-of-fold calibrated predictions of a head: per example, (best class, its probability).
pub struct OutOfFold {
    pub predicted: Vec<(usize, f64)>,
    pub temperature: f64,
}

/// Folds by group: groups in sorted order, shuffled with the seed, dealt round-robin.
fn folds(groups: &[&str], k: usize, seed: u64) -> Vec<usize> {
    let mut names: Vec<&str> = groups.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    names.shuffle(&mut ChaCha8Rng::seed_from_u64(derive(seed, Stream::LearnedFolds)));
    let fold: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, g)| (*g, i % k)).collect();
    groups.iter().map(|g| fold[g]).collect()
}

/// K-fold out-of-fold logits (each example scored by the head fitted without its fold); the
/// folds are fitted in parallel, each example's logits land in its own slot (deterministic).
fn out_of_fold(data: &HeadData, fold_of: &[usize], k: usize) -> Result<Vec<Vec<f64>>> {
    let per_fold: Vec<Vec<(usize, Vec<f64>)>> = (0..k)
        .into_par_iter()
        .map(|f| {
            let train: Vec<usize> = (0..data.rows.len()).filter(|&i| fold_of[i] != f).collect();
            let test: Vec<usize> = (0..data.rows.len()).filter(|&i| fold_of[i] == f).collect();
            if test.is_empty() {
                return Ok(Vec::new());
            }
            let (w, b) = fit_raw(data, &train)?;
            Ok(test.into_iter().map(|i| (i, logits(data, i, &w, &b))).collect())
        })
        .collect::<Result<_>>()?;
    let mut z = vec![Vec::new(); data.rows.len()];
    for (i, l) in per_fold.into_iter().flatten() {
        z[i] = l;
    }
    Ok(z)
}

/// The threshold (0.30, 0.35, … 0.95, or above 1: never decide) that makes the most of the
/// model where the lexicon abstains: on those examples — `(predicted, p, gold, weight)`, out of
/// fold — the weighted accuracy of "the model's class when `p` reaches the threshold, else
/// `default`" (what the lexicon shows when it abstains). Ties go to the higher threshold: the
/// model abstains unless deciding does better.
pub fn choose_threshold(rows: &[(usize, f64, usize, usize)], default: usize) -> f64 {
    let score = |t: f64| -> usize {
        rows.iter().filter(|&&(c, p, y, _)| (if p >= t { c } else { default }) == y).map(|r| r.3).sum()
    };
    let mut best = (1.01, score(1.01));
    for k in (6..=19).rev() {
        let t = k as f64 * 0.05;
        let s = score(t);
        if s > best.1 {
            best = (t, s);
        }
    }
    best.0
}

/// Fits both heads on `examples` (see the module doc).
pub fn train(
    examples: &[Example],
    lexicon: &Lexicon,
    analyzer: AnalyzerOptions,
    params: &LearnParams,
) -> Result<Learned> {
    let tfidf_params = TfIdfParams {
        min_df: params.min_df,
        max_df: 0.5,
        ngram_max: 2,
        sublinear_tf: true,
        extra_weight: CONCEPT_WEIGHT,
        max_features: None,
    };
    let docs: Vec<&TokenDoc> = examples.iter().map(|e| &e.doc).collect();
    let (full, x) = tfidf_params.fit_transform_with(docs.len(), |i| docs[i])?;
    let tfidf = keep_frequent(full, &x, params.max_features);
    let x = tfidf.transform_with(docs.len(), |i| docs[i]);
    let v = tfidf.vocabulary.len();
    let topics: Vec<String> = lexicon.topics().iter().map(|t| t.id.clone()).collect();
    let groups: Vec<&str> = examples.iter().map(|e| e.group.as_str()).collect();
    let weight = |e: &Example| if e.origin == Origin::Gold { params.gold_weight } else { 1 };

    // Topic head: topics in lexicon order, then none.
    let mut topic_classes = topics.clone();
    topic_classes.push(NONE.to_string());
    let topic_rows: Vec<usize> = (0..examples.len()).filter(|&i| examples[i].topic.is_some()).collect();
    let topic_data = HeadData {
        x: &x,
        n_cols: v,
        labels: topic_rows
            .iter()
            .map(|&i| topic_classes.iter().position(|c| Some(c) == examples[i].topic.as_ref()).unwrap_or(topics.len()))
            .collect(),
        extra: vec![None; topic_rows.len()],
        weights: topic_rows.iter().map(|&i| weight(&examples[i])).collect(),
        n_classes: topic_classes.len(),
        alpha: params.alpha_topic,
        rows: topic_rows,
    };
    let topic_abstained: Vec<bool> = topic_data.rows.iter().map(|&i| !examples[i].lexicon_topic).collect();

    // Stance head: the features, then one one-hot column per topic.
    let stance_rows: Vec<usize> = (0..examples.len())
        .filter(|&i| examples[i].stance.is_some() && examples[i].topic.as_deref().is_some_and(|t| t != NONE))
        .collect();
    let stance_data = HeadData {
        x: &x,
        n_cols: v + topics.len(),
        labels: stance_rows
            .iter()
            .map(|&i| STANCES.iter().position(|s| Some(*s) == examples[i].stance).unwrap_or(2))
            .collect(),
        extra: stance_rows
            .iter()
            .map(|&i| topics.iter().position(|t| Some(t) == examples[i].topic.as_ref()).map(|k| v + k))
            .collect(),
        weights: stance_rows.iter().map(|&i| weight(&examples[i])).collect(),
        n_classes: 3,
        alpha: params.alpha_stance,
        rows: stance_rows,
    };
    let stance_abstained: Vec<bool> = stance_data.rows.iter().map(|&i| !examples[i].lexicon_decisive).collect();
    let stance_classes = STANCES.iter().map(|s| s.as_str().to_string()).collect();
    let (topic, stance) = rayon::join(
        || fit_head(&topic_data, topic_classes, &groups, &topic_abstained, topics.len(), params),
        || fit_head(&stance_data, stance_classes, &groups, &stance_abstained, 2, params),
    );
    let (topic, stance) = (topic?, stance?);

    let mut n_examples = BTreeMap::new();
    for e in examples {
        *n_examples.entry(format!("{:?}", e.origin).to_lowercase()).or_insert(0) += 1;
    }
    Ok(Learned { params: params.clone(), analyzer, tfidf, topics, topic, stance, n_examples })
}

/// Out-of-fold calibration of one head, then the head fitted on every example. `abstained[i]`:
/// the lexicon abstains on example `i` (the threshold is chosen on those); `default`: the class
/// the lexicon shows when it abstains (no topic; neutral).
fn fit_head(
    data: &HeadData,
    classes: Vec<String>,
    groups: &[&str],
    abstained: &[bool],
    default: usize,
    params: &LearnParams,
) -> Result<Head> {
    let n = data.rows.len();
    if n == 0 {
        return Err(Error::data("the learned complement has no training passage for one of its heads"));
    }
    let head_groups: Vec<&str> = data.rows.iter().map(|&i| groups[i]).collect();
    let k = params.folds.max(2);
    let fold_of = folds(&head_groups, k, params.seed);
    let z = out_of_fold(data, &fold_of, k)?;
    let temperature = fit_temperature(&z, &data.labels);
    let oof: Vec<(usize, f64)> = z.iter().map(|z| argmax(&softmax(z, temperature))).collect();
    let pairs: Vec<(f64, bool)> = oof.iter().zip(&data.labels).map(|(&(c, p), &y)| (p, c == y)).collect();
    let abstaining: Vec<(usize, f64, usize, usize)> =
        (0..n).filter(|&i| abstained[i]).map(|i| (oof[i].0, oof[i].1, data.labels[i], data.weights[i])).collect();
    let threshold = choose_threshold(&abstaining, default);
    let abstained_pairs: Vec<(f64, bool)> = (0..n).filter(|&i| abstained[i]).map(|i| pairs[i]).collect();
    let all: Vec<usize> = (0..n).collect();
    let (w, b) = fit_raw(data, &all)?;
    let mut counts = vec![0; data.n_classes];
    data.labels.iter().for_each(|&y| counts[y] += 1);
    Ok(Head {
        classes,
        weights: w.iter().map(|&x| x as f32).collect(),
        intercept: b.iter().map(|&x| x as f32).collect(),
        temperature,
        threshold,
        reliability: reliability(&pairs),
        reliability_abstained: reliability(&abstained_pairs),
        counts,
    })
}

/// `tfidf` restricted to its `max` most frequent terms (document frequency in `x`, ties by
/// term), vocabulary still sorted.
fn keep_frequent(tfidf: TfIdf, x: &Csr, max: usize) -> TfIdf {
    if tfidf.vocabulary.len() <= max {
        return tfidf;
    }
    let mut df = vec![0usize; tfidf.vocabulary.len()];
    x.indices.iter().for_each(|&j| df[j as usize] += 1);
    let mut order: Vec<usize> = (0..df.len()).collect();
    order.sort_by(|&a, &b| df[b].cmp(&df[a]).then(a.cmp(&b)));
    let mut keep: Vec<usize> = order.into_iter().take(max).collect();
    keep.sort_unstable();
    TfIdf {
        vocabulary: keep.iter().map(|&j| tfidf.vocabulary[j].clone()).collect(),
        idf: keep.iter().map(|&j| tfidf.idf[j]).collect(),
        ..tfidf
    }
}

/// Fits the complement for a fitted pipeline: [`examples`] then [`train`].
pub fn fit(analysis: &Analysis, params: &LearnParams) -> Result<Learned> {
    let examples = examples(analysis, params)?;
    train(&examples, &analysis.lexicon, analysis.params.analyzer, params)
}

#[cfg(test)]
mod tests;
