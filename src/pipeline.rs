//! The pipeline (the order of `lib.rs` and `docs/methods.md`):
//!
//! ```text
//! corpus ─▶ text ─▶ topics ─▶ vectorize ─▶ reduce ─▶ cluster ─▶ compare ─▶ render
//!          split    lexicon    tfidf        svd       kmeans
//! ```
//!
//! split cuts and normalises passages; lexicon finds each passage's topics, stances and concepts;
//! tfidf tokenises each passage with its concept and position features; svd reduces; kmeans
//! clusters. Scoring with a saved model (`Analysis::with_model`, in `model/`) runs the same first
//! two steps and applies the stored vocabulary, basis and centroids.
//!
//! [`Analysis::run`] fits every stage on a corpus; [`Analysis`] then holds plain data that the
//! `compare` and `render` stages read. Each stage is timed ([`Analysis::timings`]) so that
//! `stance fit --timings` can show where the time goes.

use std::collections::BTreeMap;
use std::time::Instant;

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cluster::{ClusterParams, Clusters};
use crate::corpus::Corpus;
use crate::reduce::{l2_normalize_rows, Svd, SvdParams};
use crate::seed::{derive, Stream};
use crate::text::analyze::{Analyzer, AnalyzerOptions};
use crate::text::lang::Lang;
use crate::text::normalize::normalize;
use crate::text::segment::{passages, SegmentParams};
use crate::topics::{ConceptHit, Domain, Lexicon, Stance};
use crate::vectorize::{Csr, TfIdf, TfIdfParams, TokenDoc};
use crate::{Error, Result};

/// Prefix of concept features (`§binding_instrument`): unigram-only features shared by French
/// and English, so that texts on the same position are close across languages.
pub const CONCEPT_PREFIX: &str = crate::vectorize::EXTRA_PREFIX;

/// Weight of concept and position features against word features (see `docs/methods.md`):
/// they carry the bilingual, position-level signal, so they count as much as a few words.
pub const CONCEPT_WEIGHT: f64 = 3.0;

/// Every parameter of a fit. Saved with the model so a re-run uses the same ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub segment: SegmentParams,
    pub analyzer: AnalyzerOptions,
    pub tfidf: TfIdfParams,
    pub svd: SvdParams,
    pub cluster: ClusterParams,
    /// Add concept features from the topic lexicon beside word features.
    pub concepts: bool,
    /// The one seed of the fit: `svd.seed` and `cluster.seed` are derived from it
    /// ([`crate::seed::derive`]) when the pipeline runs, whatever they held.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            segment: SegmentParams::default(),
            analyzer: AnalyzerOptions::default(),
            // min_df 0: chosen from the corpus size when the pipeline runs ([`Params::scaled_to`]).
            tfidf: TfIdfParams { min_df: 0, extra_weight: CONCEPT_WEIGHT, ..TfIdfParams::default() },
            svd: SvdParams::default(),
            cluster: ClusterParams::default(),
            concepts: true,
            seed: 0,
        }
    }
}

/// Corpora below this many bytes of text keep every term (min_df 1, no cap): on a few dozen
/// texts a word in one passage can still be the one that matters.
pub const SCALE_FROM_BYTES: usize = 1_000_000;

/// The vocabulary cap of the defaults from [`SCALE_FROM_BYTES`] on: with 100 SVD dimensions the
/// model keeps ~420 bytes per term, so the model stays near 42 MB whatever the corpus size.
pub const DEFAULT_MAX_FEATURES: usize = 100_000;

/// The vocabulary defaults for a corpus of `bytes` of text: `(min_df, max_features)`.
///
/// Below 1 MB: `(1, None)`, every term. From 1 MB: `min_df = 2 + ⌊log10(MB)⌋` (2 up to 10 MB,
/// 3 up to 100 MB, 4 up to 1 GB…) and at most [`DEFAULT_MAX_FEATURES`] terms, those in the most
/// passages. Why: a term in one passage links no two passages, yet with bigrams it is most of the
/// vocabulary (1.73 M of the 50 MB UN corpus's terms with min_df 1, 0.45 M with 2), and the
/// model, the SVD's dense blocks and the workspace all grow with the vocabulary
/// (docs/performance.md, "Defaults that scale").
pub fn scaled_vocabulary(bytes: usize) -> (usize, Option<usize>) {
    if bytes < SCALE_FROM_BYTES {
        return (1, None);
    }
    let decades = (bytes as f64 / 1e6).log10().floor().max(0.0) as usize;
    (2 + decades, Some(DEFAULT_MAX_FEATURES))
}

impl Params {
    /// These parameters with what was left to the corpus size chosen for a corpus of `bytes` of
    /// text: a `tfidf.min_df` of 0 becomes [`scaled_vocabulary`]'s, and so does the cap unless
    /// one was set. Explicit values are kept, so a saved model's parameters stay as they are.
    pub fn scaled_to(mut self, bytes: usize) -> Params {
        if self.tfidf.min_df == 0 {
            let (min_df, cap) = scaled_vocabulary(bytes);
            self.tfidf.min_df = min_df;
            self.tfidf.max_features = self.tfidf.max_features.or(cap);
        }
        self
    }

    /// Sets the one seed that every random stage derives from.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self.seeded()
    }

    /// These parameters with the SVD and k-means seeds derived from [`Params::seed`]: what a
    /// fit runs with and saves (and hashes into its model id).
    pub fn seeded(mut self) -> Self {
        self.svd.seed = derive(self.seed, Stream::Svd);
        self.cluster.seed = derive(self.seed, Stream::KMeans);
        self
    }
}

/// One passage of a document, with what the pipeline found in it.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    /// Index of the document in `Analysis::corpus.documents`.
    pub doc: usize,
    /// Position of the passage within its document (0-based).
    pub index: usize,
    /// Byte offsets in the document's text.
    pub start: usize,
    pub end: usize,
    /// Normalised text (repaired, whitespace collapsed): what is analysed and shown as evidence.
    pub text: String,
    /// The best-scoring topic (None when no topic reaches the threshold).
    pub topic: Option<String>,
    pub topic_score: f64,
    /// Stance toward `topic`'s proposition.
    pub stance: Option<Stance>,
    /// Every topic the passage speaks to (best first) with its stance toward each: per-topic
    /// comparisons use these, so a paragraph on two topics counts for both.
    pub topics: Vec<(String, Stance)>,
    /// Is the passage about ICTs / cyberspace (from its words, its document, its neighbours)?
    /// Out of the domain it keeps no topic that requires the domain, and the comparisons leave
    /// it out (see `topics::domain`). Any later stage that assigns topics must respect it.
    pub domain: Domain,
    pub cluster: usize,
}

impl Passage {
    /// Does the passage speak to `topic`?
    pub fn on(&self, topic: &str) -> bool {
        self.topics.iter().any(|(t, _)| t == topic)
    }

    /// The passage's stance toward `topic`, if it speaks to it.
    pub fn stance_on(&self, topic: &str) -> Option<Stance> {
        self.topics.iter().find(|(t, _)| t == topic).map(|(_, s)| *s)
    }

    /// Is the passage in the domain (ICTs / cyberspace)?
    pub fn in_domain(&self) -> bool {
        self.domain.in_domain
    }

    /// Where the passage stands in its document.
    pub fn span(&self) -> PassageSpan {
        PassageSpan { passage: self.index, start: self.start, end: self.end }
    }
}

/// Where a passage comes from: its document's issuer, bloc, date, id and title, and its place
/// in the document. Every passage shown to a reader (evidence, `passages.csv`, the comparison
/// and report tables) flattens it (`#[serde(flatten)]`), so these keys and columns are written
/// once, in this order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub issuer: String,
    pub bloc: String,
    pub date: Option<String>,
    /// The document's id (its path in the corpus).
    pub document: String,
    pub title: Option<String>,
    #[serde(flatten)]
    pub span: PassageSpan,
}

impl Provenance {
    /// The record of the passage at `span` of document `d`.
    pub fn new(d: &crate::corpus::Document, span: PassageSpan) -> Provenance {
        Provenance {
            issuer: d.issuer.clone(),
            bloc: d.bloc.clone(),
            date: d.date.clone(),
            document: d.id.clone(),
            title: d.title.clone(),
            span,
        }
    }
}

/// A passage's place in its text: its position (0-based) and its byte offsets. A classified
/// text, which has no document metadata, carries this part of [`Provenance`] alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PassageSpan {
    pub passage: usize,
    pub start: usize,
    pub end: usize,
}

/// Cuts every document into passages and normalises them (no topic, stance or cluster yet).
pub fn split(corpus: &Corpus, params: &SegmentParams) -> Vec<Passage> {
    corpus
        .documents
        .par_iter()
        .enumerate()
        .map(|(d, doc)| {
            split_text(&doc.text, params)
                .into_iter()
                .map(|mut p| {
                    p.doc = d;
                    p
                })
                .collect::<Vec<_>>()
        })
        .flatten()
        .collect()
}

/// Passages of one text (document index 0), dropping those that normalise to nothing.
pub fn split_text(text: &str, params: &SegmentParams) -> Vec<Passage> {
    passages(text, params)
        .into_iter()
        .map(|s| (s, normalize(&text[s.start..s.end])))
        .filter(|(_, clean)| !clean.is_empty())
        .enumerate()
        .map(|(index, (s, text))| Passage {
            doc: 0,
            index,
            start: s.start,
            end: s.end,
            text,
            topic: None,
            topic_score: 0.0,
            stance: None,
            topics: Vec::new(),
            domain: Domain::default(),
            cluster: 0,
        })
        .collect()
}

/// The features of one text: analysed words plus, with a lexicon, its concept ids and its
/// positions (see [`features_with`]). Finds the topics and stances itself (one lexicon pass; the
/// text read as one passage, its domain decided on its own words).
pub fn features(text: &str, analyzer: &Analyzer, lexicon: Option<&Lexicon>) -> TokenDoc {
    match lexicon.map(|lx| lx.annotate(text)) {
        Some(a) => token_doc(text, analyzer, Some(&a.concepts), &a.positions()),
        None => token_doc(text, analyzer, None, &[]),
    }
}

/// The features of one passage whose positions are known: analysed words, then unigram-only
/// features shared by both languages — one `§concept` per concept occurrence and one
/// `§topic=stance` per position — so that texts holding the same position are close whatever
/// their language and wording.
pub fn features_with(
    text: &str,
    analyzer: &Analyzer,
    lexicon: Option<&Lexicon>,
    positions: &[(String, Stance)],
) -> TokenDoc {
    let concepts = lexicon.map(|lx| lx.concepts(text));
    token_doc(text, analyzer, concepts.as_deref(), positions)
}

/// [`features_with`] for concepts already found (`None`: no lexicon, words only).
fn token_doc(
    text: &str,
    analyzer: &Analyzer,
    concepts: Option<&[ConceptHit]>,
    positions: &[(String, Stance)],
) -> TokenDoc {
    let words = analyzer.tokens(text);
    let Some(concepts) = concepts else { return TokenDoc { words, extra: Vec::new() } };
    let mut extra: Vec<String> = concepts.iter().map(|h| format!("{CONCEPT_PREFIX}{}", h.concept)).collect();
    extra.extend(positions.iter().map(|(t, s)| format!("{CONCEPT_PREFIX}{t}={}", s.as_str())));
    TokenDoc { words, extra }
}

/// Topic, stance and domain decision of every passage, from the lexicon, returning each passage's
/// concept occurrences too (for its features), so the lexicon reads each passage once. Passages
/// (those of [`split`]: each document's together and in order) are read one document at a time,
/// documents in parallel: a document's domain decisions are made from its passages' evidence, and
/// only its full annotations are held meanwhile (the corpus' would be ~200 MB at 50 MB of text).
fn annotate_concepts(passages: &mut [Passage], lexicon: &Lexicon) -> Vec<Vec<ConceptHit>> {
    let docs: Vec<&mut [Passage]> = passages.chunk_by_mut(|a, b| a.doc == b.doc).collect();
    docs.into_par_iter()
        .flat_map_iter(|doc| {
            let annotations = lexicon.annotate_document(&doc.iter().map(|p| p.text.as_str()).collect::<Vec<_>>());
            doc.iter_mut()
                .zip(annotations)
                .map(|(p, a)| {
                    p.topics = a.positions();
                    p.topic_score = a.assignment.score;
                    p.stance = p.topics.first().map(|(_, s)| *s);
                    p.topic = a.assignment.topic;
                    p.domain = a.domain;
                    a.concepts
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A fitted pipeline over one corpus.
pub struct Analysis {
    pub corpus: Corpus,
    pub params: Params,
    pub lexicon: Lexicon,
    pub passages: Vec<Passage>,
    pub tfidf: TfIdf,
    /// Passage × feature TF-IDF matrix (rows L2-normalised).
    pub matrix: Csr,
    pub svd: Svd,
    /// Passage vectors in the reduced (SVD) space, rows L2-normalised.
    pub vectors: Array2<f32>,
    pub clusters: Clusters,
    /// Seconds spent per stage, in pipeline order.
    pub timings: Vec<(&'static str, f64)>,
    /// Id of the model these vectors live in (see [`model_id`]).
    pub model: String,
}

/// Short id of a fitted model: hash of the parameters, lexicon version and corpus.
pub fn model_id(params: &Params, lexicon: &Lexicon, corpus: &Corpus) -> String {
    let params = params.clone().scaled_to(corpus.bytes()).seeded();
    let params = serde_json::to_string(&params).unwrap_or_default();
    // Without a vocabulary cap the parameters hash as they did before the cap existed, so those
    // models keep their id (`max_features` is the last field of `tfidf`).
    let params = params.replace(",\"max_features\":null", "");
    let key = format!("{params}\n{}\n{}", lexicon.version(), corpus.hash());
    format!("m-{}", &crate::corpus::sha256_hex(key.as_bytes())[..12])
}

/// Calls `f`, records its duration under `name`.
pub(crate) fn timed<T>(timings: &mut Vec<(&'static str, f64)>, name: &'static str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    timings.push((name, t.elapsed().as_secs_f64()));
    out
}

/// The first stages shared by fitting and scoring: passages, then their topics, stances and
/// concept hits (kept for the features).
pub(crate) fn prepare(
    corpus: &Corpus,
    lexicon: &Lexicon,
    params: &Params,
    timings: &mut Vec<(&'static str, f64)>,
    progress: &dyn Fn(&str),
) -> Result<(Vec<Passage>, Vec<Vec<ConceptHit>>)> {
    progress("splitting passages");
    let mut passages = timed(timings, "split", || split(corpus, &params.segment));
    if passages.is_empty() {
        return Err(Error::data(format!(
            "{}: no passage of at least {} words in any document; add text or lower --min-words",
            corpus.root.display(),
            params.segment.min_words
        )));
    }
    progress("finding topics and stances");
    let concepts = timed(timings, "lexicon", || annotate_concepts(&mut passages, lexicon));
    Ok((passages, concepts))
}

/// The features of passage `i`, from its text, its document's language and its annotations.
pub(crate) fn passage_features(
    corpus: &Corpus,
    passages: &[Passage],
    concepts: &[Vec<ConceptHit>],
    analyzers: &Analyzers,
    params: &Params,
    i: usize,
) -> TokenDoc {
    let p = &passages[i];
    let concepts = params.concepts.then(|| concepts[i].as_slice());
    token_doc(&p.text, analyzers.of(corpus, p), concepts, &p.topics)
}

impl Analysis {
    /// Fits every stage on `corpus`. `progress` is told the name of each stage as it starts.
    pub fn run(corpus: Corpus, lexicon: Lexicon, params: &Params, progress: &dyn Fn(&str)) -> Result<Analysis> {
        let params = params.clone().scaled_to(corpus.bytes()).seeded();
        let mut timings = Vec::new();
        let (mut passages, concepts) = prepare(&corpus, &lexicon, &params, &mut timings, progress)?;
        progress("computing TF-IDF");
        // Each passage is tokenised when the vectoriser asks for it and interned at once: the
        // corpus' tokens are never all held as strings.
        let (tfidf, matrix) = timed(&mut timings, "tfidf", || {
            let analyzers = Analyzers::new(&params);
            params.tfidf.fit_transform_with(passages.len(), |i| {
                passage_features(&corpus, &passages, &concepts, &analyzers, &params, i)
            })
        })?;
        drop(concepts);
        progress("reducing dimensions (SVD)");
        // Fit and projection X·V in one pass, then unit rows (LSA), as scikit-learn's
        // `TruncatedSVD.fit_transform` + `Normalizer` in the reference.
        let (svd, vectors) = timed(&mut timings, "svd", || {
            params.svd.fit_transform(&matrix).map(|(svd, mut v)| {
                l2_normalize_rows(&mut v);
                (svd, v)
            })
        })?;
        progress("clustering");
        let clusters = timed(&mut timings, "kmeans", || params.cluster.fit(&vectors))?;
        for (p, &c) in passages.iter_mut().zip(&clusters.labels) {
            p.cluster = c;
        }
        let model = model_id(&params, &lexicon, &corpus);
        Ok(Analysis { corpus, params, lexicon, passages, tfidf, matrix, svd, vectors, clusters, timings, model })
    }

    /// The issuer of the document a passage comes from.
    pub fn issuer_of(&self, p: &Passage) -> &str {
        &self.corpus.documents[p.doc].issuer
    }

    /// Where passage `row` comes from.
    pub fn provenance(&self, row: usize) -> Provenance {
        let p = &self.passages[row];
        Provenance::new(&self.corpus.documents[p.doc], p.span())
    }

    /// Number of passages speaking to each topic id.
    pub fn topic_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (t, _) in self.passages.iter().flat_map(|p| &p.topics) {
            *counts.entry(t.clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// Features of every passage, tokenised in parallel with its document's language.
pub fn tokenize(corpus: &Corpus, passages: &[Passage], params: &Params, lexicon: Option<&Lexicon>) -> Vec<TokenDoc> {
    let analyzers = Analyzers::new(params);
    passages.par_iter().map(|p| features_with(&p.text, analyzers.of(corpus, p), lexicon, &p.topics)).collect()
}

/// The analyser of each language, built once.
pub(crate) struct Analyzers {
    fr: Analyzer,
    en: Analyzer,
}

impl Analyzers {
    pub(crate) fn new(params: &Params) -> Analyzers {
        Analyzers { fr: Analyzer::new(Lang::Fr, params.analyzer), en: Analyzer::new(Lang::En, params.analyzer) }
    }

    /// The analyser for the language of `p`'s document.
    pub(crate) fn of(&self, corpus: &Corpus, p: &Passage) -> &Analyzer {
        match corpus.documents[p.doc].lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

impl Analysis {
    /// Id of the model the analysis' vectors live in.
    pub fn model_id(&self) -> String {
        self.model.clone()
    }

    /// Indices of the passages that satisfy `keep`.
    pub fn select(&self, keep: impl Fn(&Passage) -> bool) -> Vec<usize> {
        (0..self.passages.len()).filter(|&i| keep(&self.passages[i])).collect()
    }

    /// Indices of the passages in the domain (ICTs / cyberspace) that satisfy `keep`: what the
    /// comparisons read.
    pub fn select_in_domain(&self, keep: impl Fn(&Passage) -> bool) -> Vec<usize> {
        self.select(|p| p.in_domain() && keep(p))
    }

    /// How much of the corpus the domain gate keeps.
    pub fn domain_share(&self) -> DomainShare {
        DomainShare::new(self.passages.len(), self.passages.iter().filter(|p| p.in_domain()).count())
    }
}

/// How much of a corpus is about the domain (ICTs / cyberspace): the comparisons (similarity,
/// compare, agreement, positions) read only those passages and leave the others out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DomainShare {
    pub passages: usize,
    pub in_domain: usize,
    /// Passages out of the domain, left out of the comparisons.
    pub left_out: usize,
    /// `in_domain / passages` (0 without passages).
    pub share: f64,
}

impl DomainShare {
    /// Below this in-domain share a corpus is mostly about something else (a general speech
    /// archive), and the commands say so.
    pub const WARN_BELOW: f64 = 0.5;

    pub fn new(passages: usize, in_domain: usize) -> DomainShare {
        let share = if passages == 0 { 0.0 } else { in_domain as f64 / passages as f64 };
        DomainShare { passages, in_domain, left_out: passages - in_domain, share }
    }

    /// What tables print under their numbers.
    pub fn note(&self) -> String {
        format!(
            "In the domain (ICTs / cyberspace): {} of {} passages ({:.0}%); the {} others are left out.",
            self.in_domain,
            self.passages,
            self.share * 100.0,
            self.left_out
        )
    }

    /// A warning when most of the corpus is out of the domain, else None.
    pub fn warning(&self) -> Option<String> {
        (self.share < Self::WARN_BELOW).then(|| {
            format!(
                "only {:.1}% of the passages ({} of {}) are about ICTs / cyberspace: topics, stances and comparisons \
                 rest on those {}; the rest of the corpus is left out (see `stance passages --domain out`)",
                self.share * 100.0,
                self.in_domain,
                self.passages,
                self.in_domain
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{scaled_vocabulary, Params, DEFAULT_MAX_FEATURES};

    #[test]
    fn vocabulary_defaults_scale_with_the_corpus() {
        assert_eq!(scaled_vocabulary(0), (1, None));
        assert_eq!(scaled_vocabulary(999_999), (1, None));
        assert_eq!(scaled_vocabulary(1_000_000), (2, Some(DEFAULT_MAX_FEATURES)));
        assert_eq!(scaled_vocabulary(9_999_999), (2, Some(DEFAULT_MAX_FEATURES)));
        assert_eq!(scaled_vocabulary(50_000_000), (3, Some(DEFAULT_MAX_FEATURES)));
        assert_eq!(scaled_vocabulary(200_000_000), (4, Some(DEFAULT_MAX_FEATURES)));
        // Only min_df 0 (the default) is scaled; explicit values are kept.
        let p = Params::default();
        assert_eq!(p.tfidf.min_df, 0);
        let scaled = p.clone().scaled_to(50_000_000);
        assert_eq!((scaled.tfidf.min_df, scaled.tfidf.max_features), (3, Some(DEFAULT_MAX_FEATURES)));
        assert_eq!(scaled.clone().scaled_to(10), scaled);
        let mut given = p.clone();
        given.tfidf.min_df = 2;
        assert_eq!(given.clone().scaled_to(50_000_000), given);
        given.tfidf.min_df = 0;
        given.tfidf.max_features = Some(7);
        assert_eq!(given.scaled_to(50_000_000).tfidf.max_features, Some(7));
    }
}
