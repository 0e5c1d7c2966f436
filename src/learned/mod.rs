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
//! **Training data**: passages labelled BY HAND against the propositions of the topics — the dev
//! gold (`models/gold_passages.csv`, 43 seed passages), `models/train_sentences.csv` (312
//! short French and English statements written for the complement: 13 topics × support /
//! oppose / neutral, and `none`) and `models/train_ungdc.csv` (308 UN General Debate passages
//! outside the cold sets, labelled with docs/cold_domain.md's rules: `models/dev_domain.csv`'s
//! 150 and 158 drawn by `models/make_train_ungdc.py`; 227 `none`, most of them speaking of the
//! digital world without one of the propositions — digital development, e-government, the
//! digital divide, AI for growth — which the sentences' `none` class lacked, so the topic head
//! gave such passages topics on General Debate text). The General Debate passages train the
//! topic head only ([`LearnParams::speech_stance`]): their stances are 74 support, 4 oppose and
//! 3 neutral, too lopsided to teach the stance head (with them it decided support on neutral
//! dev statements). Cross-validation folds keep a seed document's or a speech's passages
//! together. Silver passages — those on which the lexicon is confident, from
//! the corpus being fitted and `models/silver_ungdc.csv` ([`silver_label`]) — are an option
//! ([`LearnParams::silver`], off): their labels are the lexicon's own output, so they can only
//! teach what the lexicon already knows, and cross-validation found no gain from them. Without
//! silver the complement does not depend on the corpus: the same lexicon and seed give the same
//! complement.
//!
//! **Calibration**: K-fold cross-validation grouped by document gives out-of-fold scores for
//! every training passage; one temperature per head is fitted on the hand-labelled ones
//! (minimum log-loss), and each head's threshold is the one at which lexicon + head does best
//! on them out of fold (topic accuracy; stance balanced accuracy), the head deciding only where
//! the lexicon abstains and the passage is in the domain ([`choose_threshold`]). Below its
//! threshold a head abstains. [`Head::cv`] keeps what cross-validation says the head adds.
//! Nothing is tuned on the cold sets.

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

/// L-BFGS stops when the gradient's norm falls below this (the loss is a sum over passages).
const GRADIENT_TOLERANCE: f32 = 1e-3;

/// The topic head's class for "no topic".
pub const NONE: &str = "none";

/// The stance classes, in the stance head's column order.
pub const STANCES: [Stance; 3] = Stance::ALL;

const GOLD: &str = include_str!("../../models/gold_passages.csv");
const SENTENCES: &str = include_str!("../../models/train_sentences.csv");
const SPEECHES: &str = include_str!("../../models/train_ungdc.csv");
const SILVER_UNGDC: &str = include_str!("../../models/silver_ungdc.csv");

/// Hyper-parameters of the complement. The defaults were chosen by cross-validation on the
/// hand-labelled passages (`cargo test --lib learned::tests::cv_grid -- --ignored --nocapture`,
/// docs/evaluation.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnParams {
    /// L2 penalty of the topic head (linfa's `alpha`: the loss is summed over passages).
    pub alpha_topic: f64,
    /// L2 penalty of the stance head.
    pub alpha_stance: f64,
    /// Folds of the grouped cross-validation that calibrates the heads.
    pub folds: usize,
    /// L-BFGS iterations per fit, at most (linfa's default is 100).
    pub max_iterations: u64,
    /// Terms in fewer training passages are left out of the complement's vocabulary.
    pub min_df: usize,
    /// At most this many terms (the most frequent), to keep the model small.
    pub max_features: usize,
    /// Each gold passage counts this many times (silver ones once).
    pub gold_weight: usize,
    /// Each hand-written training statement (`models/train_sentences.csv`) counts this many times.
    pub sentence_weight: usize,
    /// Each hand-labelled UN General Debate passage (`models/train_ungdc.csv`) counts this many
    /// times; 0 leaves the file out.
    pub speech_weight: usize,
    /// The General Debate passages train the stance head too (else the topic head only).
    pub speech_stance: bool,
    /// Also train on silver passages (labelled by the lexicon: the corpus and the UNGDC sample).
    pub silver: bool,
    /// At most this many silver passages per class (seeded draw), so no class floods the rest.
    pub max_silver_per_class: usize,
    pub seed: u64,
}

impl Default for LearnParams {
    fn default() -> Self {
        LearnParams {
            alpha_topic: 0.1,
            alpha_stance: 0.1,
            folds: 4,
            max_iterations: 30,
            min_df: 2,
            max_features: 400,
            gold_weight: 1,
            sentence_weight: 1,
            speech_weight: 1,
            speech_stance: false,
            silver: false,
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
    /// `models/train_sentences.csv`: short statements written and labelled by hand.
    Sentences,
    /// `models/train_ungdc.csv`: UN General Debate passages labelled by hand.
    Speeches,
    /// The corpus being fitted, labelled by the lexicon.
    Corpus,
    /// `models/silver_ungdc.csv`, labelled by the lexicon.
    Ungdc,
}

impl Origin {
    /// Labelled by hand (not by the lexicon): the only labels the complement is calibrated on.
    pub fn by_hand(self) -> bool {
        matches!(self, Origin::Gold | Origin::Sentences | Origin::Speeches)
    }
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
    /// The lexicon's best topic (None: no topic), what it shows without the model.
    pub lexicon_best: Option<String>,
    /// The lexicon's stance toward `topic` (neutral where it reaches no decision).
    pub lexicon_stance: Stance,
    /// In the domain (ICTs / cyberspace): outside it, the model does not decide either.
    pub in_domain: bool,
}

impl Example {
    /// A training passage with what the lexicon finds in it (`a`).
    fn new(
        origin: Origin,
        group: String,
        doc: TokenDoc,
        a: &Annotation,
        topic: String,
        stance: Option<Stance>,
    ) -> Example {
        let lexicon_stance =
            a.topics.iter().zip(&a.stances).find(|(t, _)| **t == topic).map_or(Stance::Neutral, |(_, c)| c.stance);
        Example {
            origin,
            group,
            doc,
            lexicon_topic: a.assignment.topic.is_some(),
            lexicon_decisive: decisive(a, &topic),
            lexicon_best: a.assignment.topic.clone(),
            lexicon_stance,
            in_domain: a.domain.in_domain,
            topic: Some(topic),
            stance,
        }
    }
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
    let sentences = parse_gold("models/train_sentences.csv", SENTENCES.as_bytes())?;
    let speeches =
        if params.speech_weight > 0 { parse_gold("models/train_ungdc.csv", SPEECHES.as_bytes())? } else { Vec::new() };
    let hand = gold
        .iter()
        .map(|r| (Origin::Gold, r))
        .chain(sentences.iter().map(|r| (Origin::Sentences, r)))
        .chain(speeches.iter().map(|r| (Origin::Speeches, r)));
    for (origin, row) in hand {
        let text = normalize(&row.passage);
        let a = lexicon.annotate(&text);
        // Cross-validation folds keep a document's passages together: a seed document, a speech.
        let group = match (origin, &row.file) {
            (Origin::Gold, Some(file)) => file.clone(),
            (Origin::Speeches, Some(file)) => format!("speech:{file}"),
            _ => format!("{origin:?}:{}", row.line),
        };
        let topic = row.topic.clone().unwrap_or_else(|| NONE.to_string());
        let stance = row.topic.as_ref().and(row.stance).filter(|_| origin != Origin::Speeches || params.speech_stance);
        out.push(Example::new(origin, group, passage_doc(&text, detect(&text), options, lexicon), &a, topic, stance));
    }
    if !params.silver {
        return Ok(out);
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
        let doc = passage_doc(&text, lang, options, lexicon);
        let example = Example::new(origin, format!("{origin:?}:{group}"), doc, &a, topic.clone(), stance);
        by_class.entry((topic, stance)).or_default().push(example);
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
    /// Out-of-fold reliability of the calibrated probabilities (hand-labelled passages).
    pub reliability: Vec<Bin>,
    /// The same, on those where the lexicon abstains (where the head decides).
    pub reliability_abstained: Vec<Bin>,
    /// Training passages per class (before gold weighting).
    pub counts: Vec<usize>,
    /// What the head adds to the lexicon by cross-validation (hand-labelled passages).
    pub cv: CrossValidation,
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
    /// Training passages by origin (`gold`, `sentences`, `speeches`; with silver `corpus`, `ungdc`).
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
    max_iterations: u64,
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
        .max_iterations(data.max_iterations)
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

/// One hand-labelled example as cross-validation sees it (class indices of its head).
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    /// The head's best class out of fold, and its calibrated probability.
    pub model: usize,
    pub p: f64,
    pub gold: usize,
    /// What the lexicon shows on its own.
    pub lexicon: usize,
    /// The lexicon abstains here (and the passage is in the domain): the head may decide.
    pub eligible: bool,
    /// Where the example comes from (cross-validation figures by source).
    pub origin: Origin,
}

impl Scored {
    /// What is shown with the head at threshold `t`.
    fn shown(&self, t: f64) -> usize {
        if self.eligible && self.p >= t {
            self.model
        } else {
            self.lexicon
        }
    }
}

/// Per gold class: passages, right by the lexicon alone, right with the head at `threshold`.
fn per_class(rows: &[Scored], n_classes: usize, threshold: f64) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let (mut n, mut lexicon, mut combined) = (vec![0; n_classes], vec![0; n_classes], vec![0; n_classes]);
    for r in rows {
        n[r.gold] += 1;
        lexicon[r.gold] += usize::from(r.lexicon == r.gold);
        combined[r.gold] += usize::from(r.shown(threshold) == r.gold);
    }
    (n, lexicon, combined)
}

/// Accuracy (`balanced`: mean recall over the classes present) of `right` out of `n` per class.
fn score(n: &[usize], right: &[usize], balanced: bool) -> f64 {
    let present: Vec<usize> = (0..n.len()).filter(|&c| n[c] > 0).collect();
    if present.is_empty() {
        return 0.0;
    }
    if balanced {
        present.iter().map(|&c| right[c] as f64 / n[c] as f64).sum::<f64>() / present.len() as f64
    } else {
        right.iter().sum::<usize>() as f64 / n.iter().sum::<usize>() as f64
    }
}

/// The threshold (0.30, 0.35, … 0.95, or above 1: never decide) at which lexicon + head does
/// best on the hand-labelled examples, out of fold: accuracy, or balanced accuracy (mean
/// recall per class: what the stance figures report). Only a strict gain counts, ties go to
/// the higher threshold: the head abstains unless deciding does better.
pub fn choose_threshold(rows: &[Scored], n_classes: usize, balanced: bool) -> f64 {
    let at = |t: f64| {
        let (n, _, right) = per_class(rows, n_classes, t);
        score(&n, &right, balanced)
    };
    let mut best = (1.01, at(1.01));
    for k in (6..=19).rev() {
        let t = k as f64 * 0.05;
        let s = at(t);
        if s > best.1 + 1e-12 {
            best = (t, s);
        }
    }
    best.0
}

/// What cross-validation says a head adds to the lexicon, on the hand-labelled passages (out
/// of fold, each counted once), per gold class in the head's class order. The threshold is
/// chosen on these same predictions, so the gain is slightly optimistic; the held-out sets
/// (docs/evaluation.md) say how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidation {
    /// Hand-labelled passages per gold class.
    pub n: Vec<usize>,
    /// Right by the lexicon alone.
    pub lexicon: Vec<usize>,
    /// Right with the head deciding where the lexicon abstains (at its threshold).
    pub combined: Vec<usize>,
    /// Passages on which the head decided, and how many of those it got right.
    pub decided: usize,
    pub decided_right: usize,
}

impl CrossValidation {
    fn of(rows: &[Scored], n_classes: usize, threshold: f64) -> CrossValidation {
        let (n, lexicon, combined) = per_class(rows, n_classes, threshold);
        let decided: Vec<&Scored> = rows.iter().filter(|r| r.eligible && r.p >= threshold).collect();
        CrossValidation {
            n,
            lexicon,
            combined,
            decided: decided.len(),
            decided_right: decided.iter().filter(|r| r.model == r.gold).count(),
        }
    }

    /// (lexicon, lexicon + head): accuracy, or balanced accuracy.
    pub fn scores(&self, balanced: bool) -> (f64, f64) {
        (score(&self.n, &self.lexicon, balanced), score(&self.n, &self.combined, balanced))
    }
}

/// Fits both heads on `examples` (see the module doc).
pub fn train(
    examples: &[Example],
    lexicon: &Lexicon,
    analyzer: AnalyzerOptions,
    params: &LearnParams,
) -> Result<Learned> {
    Ok(train_scored(examples, lexicon, analyzer, params)?.0)
}

/// [`train`], with each head's out-of-fold view of the hand-labelled examples (topic, stance).
pub fn train_scored(
    examples: &[Example],
    lexicon: &Lexicon,
    analyzer: AnalyzerOptions,
    params: &LearnParams,
) -> Result<(Learned, Vec<Scored>, Vec<Scored>)> {
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
    let weight = |e: &Example| match e.origin {
        Origin::Gold => params.gold_weight,
        Origin::Sentences => params.sentence_weight,
        Origin::Speeches => params.speech_weight,
        Origin::Corpus | Origin::Ungdc => 1,
    };

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
        max_iterations: params.max_iterations,
        rows: topic_rows,
    };
    let topic_lexicon: Vec<usize> = topic_data
        .rows
        .iter()
        .map(|&i| {
            examples[i].lexicon_best.as_ref().and_then(|t| topics.iter().position(|c| c == t)).unwrap_or(topics.len())
        })
        .collect();
    let topic_eligible: Vec<bool> =
        topic_data.rows.iter().map(|&i| !examples[i].lexicon_topic && examples[i].in_domain).collect();

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
        max_iterations: params.max_iterations,
        rows: stance_rows,
    };
    let stance_lexicon: Vec<usize> = stance_data
        .rows
        .iter()
        .map(|&i| STANCES.iter().position(|s| *s == examples[i].lexicon_stance).unwrap_or(2))
        .collect();
    let stance_eligible: Vec<bool> =
        stance_data.rows.iter().map(|&i| !examples[i].lexicon_decisive && examples[i].in_domain).collect();
    let origins: Vec<Origin> = examples.iter().map(|e| e.origin).collect();
    let stance_classes = STANCES.iter().map(|s| s.as_str().to_string()).collect();
    let topic_view = Lexical { lexicon: &topic_lexicon, eligible: &topic_eligible, origins: &origins, balanced: false };
    let stance_view =
        Lexical { lexicon: &stance_lexicon, eligible: &stance_eligible, origins: &origins, balanced: true };
    let (topic, stance) = rayon::join(
        || fit_head(&topic_data, topic_classes, &groups, &topic_view, params),
        || fit_head(&stance_data, stance_classes, &groups, &stance_view, params),
    );
    let ((topic, topic_scored), (stance, stance_scored)) = (topic?, stance?);

    let mut n_examples = BTreeMap::new();
    for e in examples {
        *n_examples.entry(format!("{:?}", e.origin).to_lowercase()).or_insert(0) += 1;
    }
    Ok((
        Learned { params: params.clone(), analyzer, tfidf, topics, topic, stance, n_examples },
        topic_scored,
        stance_scored,
    ))
}

/// What the lexicon does on a head's examples (same order as [`HeadData::rows`]).
struct Lexical<'a> {
    /// The class the lexicon shows.
    lexicon: &'a [usize],
    /// The head may decide (the lexicon abstains, in the domain).
    eligible: &'a [bool],
    /// By example index of [`train`] (not head row): where it comes from (by hand or not).
    origins: &'a [Origin],
    /// Thresholds maximise balanced accuracy (else accuracy).
    balanced: bool,
}

/// Out-of-fold calibration of one head, then the head fitted on every example. Temperature,
/// reliability, threshold and the cross-validation summary read the hand-labelled examples
/// only: a silver label is the lexicon's own output, and scoring the head against it would
/// measure agreement with the lexicon, not correctness.
fn fit_head(
    data: &HeadData,
    classes: Vec<String>,
    groups: &[&str],
    lex: &Lexical,
    params: &LearnParams,
) -> Result<(Head, Vec<Scored>)> {
    let n = data.rows.len();
    if n == 0 {
        return Err(Error::data("the learned complement has no training passage for one of its heads"));
    }
    let head_groups: Vec<&str> = data.rows.iter().map(|&i| groups[i]).collect();
    let k = params.folds.max(2);
    let fold_of = folds(&head_groups, k, params.seed);
    let z = out_of_fold(data, &fold_of, k)?;
    let hand: Vec<usize> = (0..n).filter(|&i| lex.origins[data.rows[i]].by_hand()).collect();
    let hand_z: Vec<Vec<f64>> = hand.iter().map(|&i| z[i].clone()).collect();
    let hand_y: Vec<usize> = hand.iter().map(|&i| data.labels[i]).collect();
    let temperature = fit_temperature(&hand_z, &hand_y);
    let scored: Vec<Scored> = hand
        .iter()
        .map(|&i| {
            let (model, p) = argmax(&softmax(&z[i], temperature));
            Scored {
                model,
                p,
                gold: data.labels[i],
                lexicon: lex.lexicon[i],
                eligible: lex.eligible[i],
                origin: lex.origins[data.rows[i]],
            }
        })
        .collect();
    let threshold = choose_threshold(&scored, data.n_classes, lex.balanced);
    let pairs = |only_eligible: bool| -> Vec<(f64, bool)> {
        scored.iter().filter(|r| r.eligible || !only_eligible).map(|r| (r.p, r.model == r.gold)).collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let (w, b) = fit_raw(data, &all)?;
    let mut counts = vec![0; data.n_classes];
    data.labels.iter().for_each(|&y| counts[y] += 1);
    let cv = CrossValidation::of(&scored, data.n_classes, threshold);
    let head = Head {
        classes,
        weights: w.iter().map(|&x| x as f32).collect(),
        intercept: b.iter().map(|&x| x as f32).collect(),
        temperature,
        threshold,
        reliability: reliability(&pairs(false)),
        reliability_abstained: reliability(&pairs(true)),
        cv,
        counts,
    };
    Ok((head, scored))
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
