//! Scoring in the workspace: recording a fit (`init`, `fit`) and updating with a frozen model.
//!
//! `update` touches only what is new: it splits and tokenises the documents ingested since the
//! last run, reads the slice of the model their words need (see `models`), scores them with
//! [`Analysis::with_model`], stores their passages and adds their vectors to the previous run's
//! group sums. Its cost grows with the new text, not with the corpus.

use std::collections::BTreeMap;
use std::time::Instant;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::diff::summarize;
use super::documents::{corpus, load, max_doc};
use super::models::{self, ModelInfo};
use super::runs::{self, NewRun, RunSummary};
use super::{Paths, Workspace};
use crate::compare::clusters::{topic_clusters, ClusterOptions};
use crate::compare::drift::{PassageFacts, RunState};
use crate::corpus::Corpus;
use crate::le;
use crate::model::Model;
use crate::pipeline::{split, tokenize, Analysis, Params};
use crate::text::boilerplate::boilerplate;
use crate::topics::Lexicon;
use crate::vectorize::TokenDoc;
use crate::{Error, Result};

/// A new passage is poorly covered by the model when less than this share of its word tokens
/// are in the model's vocabulary (docs/reruns.md, "Staleness").
pub const MIN_KNOWN: f64 = 0.5;
/// Above this share of poorly covered new passages ([`MIN_KNOWN`]), `update` advises a refit.
pub const STALE_SHARE: f64 = 0.25;

/// What recording a fit did.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    pub run: i64,
    pub model: ModelInfo,
    pub documents: usize,
    pub passages: usize,
}

/// What `update` did.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateReport {
    /// The run recorded; `None` when nothing was new.
    pub run: Option<i64>,
    pub previous_run: i64,
    pub model: String,
    pub model_version: i64,
    pub added_documents: Vec<String>,
    pub added_passages: usize,
    /// Share of the new passages' word tokens outside the model's vocabulary.
    pub oov_rate: Option<f64>,
    /// Share of the new passages with less than [`MIN_KNOWN`] of their tokens in the vocabulary.
    pub poorly_covered: Option<f64>,
    /// Documents ingested since the model was fitted (including these).
    pub documents_since_fit: i64,
    /// `poorly_covered` above [`STALE_SHARE`]: the model no longer reads the new texts well; refit.
    pub stale: bool,
    pub summary: RunSummary,
    pub seconds: f64,
}

/// Workspace ids of the analysis' documents (matched by name, which is unique).
fn doc_ids(c: &Connection, at: &Paths, corpus: &Corpus) -> Result<Vec<i64>> {
    let ids: BTreeMap<String, i64> = load(c, at, 0, i64::MAX, false)?.into_iter().map(|(id, d)| (d.id, id)).collect();
    corpus
        .documents
        .iter()
        .map(|d| {
            ids.get(&d.id).copied().ok_or_else(|| {
                Error::data(format!(
                    "{}: document '{}' is not in the workspace; ingest it first",
                    at.db.display(),
                    d.id
                ))
            })
        })
        .collect()
}

/// Stores the passages of `a` under model `version`; `ids[d]` is the workspace id of document d.
fn store_passages(c: &Connection, at: &Paths, a: &Analysis, version: i64, ids: &[i64]) -> Result<()> {
    let mut ins = c
        .prepare_cached(
            "INSERT INTO passages (model, doc, idx, start_byte, end_byte, topic, stance, cluster, vector)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(|e| at.err(e))?;
    for (p, v) in a.passages.iter().zip(a.vectors.rows()) {
        let vector = le::encode::<f32>(&v.to_vec());
        ins.execute(params![
            version,
            ids[p.doc],
            p.index as i64,
            p.start as i64,
            p.end as i64,
            p.topic,
            p.stance.map(|s| s.as_str()),
            p.cluster as i64,
            vector
        ])
        .map_err(|e| at.err(e))?;
    }
    Ok(())
}

/// Adds every passage of `a` to `state`; each one in the domain and not boilerplate joins, on
/// every topic it speaks to, the nearest position `state` keeps there (none before a fit sets them).
fn add_passages(state: &mut RunState, a: &Analysis) {
    for (p, v) in a.passages.iter().zip(a.vectors.rows()) {
        let d = &a.corpus.documents[p.doc];
        let vector = v.to_vec();
        state.add(&PassageFacts {
            issuer: &d.issuer,
            bloc: &d.bloc,
            topic: p.topic.as_deref(),
            stance: p.stance,
            cluster: p.cluster,
            vector: &vector,
            positions: &p.topics,
        });
        if p.in_domain() && boilerplate(&p.text).is_none() {
            for (topic, stance) in &p.topics {
                state.place(&d.issuer, topic, &vector, *stance);
            }
        }
    }
}

/// Finds the positions on each topic of a fit (`stance clusters` with the fit's seed and the
/// default options) and keeps them in `state`, frozen until the next fit.
fn fit_positions(state: &mut RunState, a: &Analysis) -> Result<()> {
    let opts = ClusterOptions { seed: a.params.seed, ..Default::default() };
    let topics = topic_clusters(a, &[], &opts)?;
    state.set_positions(&topics, opts.stance_weight, |i| a.issuer_of(&a.passages[i]).to_string());
    Ok(())
}

/// Hash of the documents with id <= `upto` (as `Corpus::hash`, without reading the texts).
fn corpus_hash(c: &Connection, at: &Paths, upto: i64) -> Result<(String, usize)> {
    let docs = corpus(&at.root, load(c, at, 0, upto, false)?);
    Ok((docs.hash(), docs.documents.len()))
}

/// The analysed words of every passage of `batch` (no lexicon features: those are looked up by
/// prefix, see [`models::slice`]), as `Analysis::with_model` will see them.
fn batch_words(batch: &Corpus, params: &Params) -> Vec<TokenDoc> {
    tokenize(batch, &split(batch, &params.segment), params, None)
}

impl Workspace {
    /// Version of the registered model with id `id`, if any (a refit of the same documents with
    /// the same parameters has the same id).
    pub fn model_version(&mut self, id: &str) -> Result<Option<i64>> {
        self.read(|tx, at| models::version_of(tx, at, id))
    }

    /// The newest model.
    pub fn latest_model(&mut self) -> Result<ModelInfo> {
        self.read(|tx, at| models::latest(tx, at))
    }

    /// Registers the model fitted in `a` (on workspace documents) as a new version, stores every
    /// passage under it and records a run of kind `kind` (`init`, `fit`): one transaction.
    pub fn record_fit(&mut self, a: &Analysis, kind: &str) -> Result<FitReport> {
        self.write(|tx, at| {
            let ids = doc_ids(tx, at, &a.corpus)?;
            let max = ids.iter().copied().max().unwrap_or(0);
            let model = models::register(tx, at, &Model::from_analysis(a), max)?;
            store_passages(tx, at, a, model.version, &ids)?;
            let mut state = RunState::default();
            add_passages(&mut state, a);
            fit_positions(&mut state, a)?;
            let previous = match runs::last(tx, at)? {
                Some(r) => Some((RunState::load(tx, at, r.id)?, r)),
                None => None,
            };
            let summary = match &previous {
                Some((prev, r)) => RunSummary {
                    added_documents: ids.iter().filter(|&&id| id > r.max_doc).count(),
                    ..summarize(prev, &state, false)
                },
                None => {
                    RunSummary { added_documents: ids.len(), added_passages: a.passages.len(), ..Default::default() }
                }
            };
            let run = runs::insert(
                tx,
                at,
                &NewRun {
                    kind,
                    model_version: model.version,
                    corpus_hash: a.corpus.hash(),
                    n_docs: ids.len(),
                    max_doc: max,
                    n_passages: a.passages.len(),
                    summary,
                },
            )?;
            state.save(tx, at, run)?;
            Ok(FitReport { run, model, documents: ids.len(), passages: a.passages.len() })
        })
    }

    /// Scores the documents ingested since the last run with the newest model (frozen: nothing
    /// is refitted) and records a run. `progress` is told each stage.
    pub fn update(&mut self, lexicon: &Lexicon, progress: &dyn Fn(&str)) -> Result<UpdateReport> {
        let started = Instant::now();
        self.write(|tx, at| {
            let model = models::latest(tx, at)?;
            let prev = runs::last(tx, at)?.ok_or_else(|| {
                Error::data(format!("{}: no run yet; create the workspace with `stance init`", at.db.display()))
            })?;
            let top = max_doc(tx, at)?;
            let mut report = UpdateReport {
                run: None,
                previous_run: prev.id,
                model: model.id.clone(),
                model_version: model.version,
                added_documents: Vec::new(),
                added_passages: 0,
                oov_rate: None,
                poorly_covered: None,
                documents_since_fit: top - model.max_doc,
                stale: false,
                summary: RunSummary::default(),
                seconds: 0.0,
            };
            if top == prev.max_doc {
                return Ok(report);
            }
            if prev.model_version != model.version {
                return Err(Error::data(format!(
                    "{}: run {} used model version {} but the newest is {}; run `stance fit --workspace {}`",
                    at.db.display(),
                    prev.id,
                    prev.model_version,
                    model.version,
                    at.root.display()
                )));
            }
            if lexicon.version() != model.lexicon_version {
                return Err(Error::usage(format!(
                    "the workspace model was fitted with lexicon {} but this lexicon is {}; use the same --lexicon or refit with `stance fit --workspace {}`",
                    model.lexicon_version,
                    lexicon.version(),
                    at.root.display()
                )));
            }
            let new = load(tx, at, prev.max_doc, top, true)?;
            let ids: Vec<i64> = new.iter().map(|(id, _)| *id).collect();
            let batch = corpus(&at.root, new);
            report.added_documents = batch.documents.iter().map(|d| d.id.clone()).collect();

            let mut state = RunState::load(tx, at, prev.id)?;
            let before = state.clone();
            progress("reading the model terms of the new passages");
            let params = &model.params;
            let words = batch_words(&batch, params);
            if !words.is_empty() {
                let slice = models::slice(at, &model, &crate::model::slice_terms(&words, params.tfidf.ngram_max))?;
                report.oov_rate = Some(slice.tfidf.oov_rate(&words));
                report.poorly_covered = Some(slice.tfidf.poorly_covered_share(&words, MIN_KNOWN));
                drop(words);
                let a = Analysis::with_model(batch, lexicon.clone(), &slice, progress)?;
                store_passages(tx, at, &a, model.version, &ids)?;
                add_passages(&mut state, &a);
                report.added_passages = a.passages.len();
            }
            report.stale = report.poorly_covered.is_some_and(|r| r > STALE_SHARE);
            report.summary = RunSummary {
                added_documents: ids.len(),
                added_passages: report.added_passages,
                oov_rate: report.oov_rate,
                ..summarize(&before, &state, true)
            };
            let (hash, n_docs) = corpus_hash(tx, at, top)?;
            let run = runs::insert(
                tx,
                at,
                &NewRun {
                    kind: "update",
                    model_version: model.version,
                    corpus_hash: hash,
                    n_docs,
                    max_doc: top,
                    n_passages: state.n_passages(),
                    summary: report.summary.clone(),
                },
            )?;
            state.save(tx, at, run)?;
            report.run = Some(run);
            report.seconds = started.elapsed().as_secs_f64();
            Ok(report)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{sha256_hex, Document, NO_BLOC};
    use crate::text::lang::Lang;

    fn doc(name: &str, issuer: &str, text: &str) -> Document {
        Document {
            id: name.into(),
            issuer: issuer.into(),
            bloc: NO_BLOC.into(),
            date: None,
            lang: Lang::En,
            doc_type: None,
            title: None,
            source_url: None,
            meta: Default::default(),
            text: text.into(),
            hash: sha256_hex(text.as_bytes()),
        }
    }

    const A: &str = "States support a legally binding instrument on information security under the United Nations.\n\n\
        The multistakeholder model of Internet governance must be preserved by all States and partners.\n";
    const B: &str =
        "Existing international law applies to cyberspace, and voluntary norms guide responsible State behaviour.\n\n\
        The Budapest Convention on Cybercrime is the framework for cooperation against cybercrime worldwide.\n";
    const C: &str = "We support voluntary norms of responsible behaviour and the Budapest Convention, not a new binding treaty.\n\n\
        Internet governance should stay multistakeholder, with States, companies and civil society together.\n";

    #[test]
    fn update_scores_new_documents_like_the_whole_model() {
        let dir = tempfile::tempdir().unwrap();
        let params = Params::default();
        let lexicon = Lexicon::builtin();
        let model = Workspace::create(dir.path(), |ws| {
            let docs = [doc("a.txt", "East", A), doc("b.txt", "West", B)];
            ws.ingest(&docs)?;
            let c = Corpus { documents: docs.to_vec(), ..Default::default() };
            let a = Analysis::run(c, lexicon.clone(), &params, &|_| {})?;
            ws.record_fit(&a, "init")?;
            Ok(Model::from_analysis(&a))
        })
        .unwrap();
        let mut ws = Workspace::open(dir.path()).unwrap();
        ws.ingest(&[doc("c.txt", "West", C)]).unwrap();
        let r = ws.update(&lexicon, &|_| {}).unwrap();
        assert_eq!((r.run, r.added_documents.len()), (Some(2), 1));
        assert!(r.oov_rate.unwrap() > 0.0);

        let batch = Corpus { documents: vec![doc("c.txt", "West", C)], ..Default::default() };
        let full = Analysis::with_model(batch.clone(), lexicon.clone(), &model, &|_| {}).unwrap();
        let m = ws.latest_model().unwrap();
        let words = batch_words(&batch, &params);
        let slice = ws.read(|_, at| models::slice(at, &m, &crate::model::slice_terms(&words, 2))).unwrap();
        assert!(!slice.tfidf.vocabulary.is_empty() && slice.tfidf.vocabulary.len() < model.tfidf.vocabulary.len());
        let part = Analysis::with_model(batch, lexicon, &slice, &|_| {}).unwrap();
        assert_eq!(part.matrix.nnz(), full.matrix.nnz(), "the slice holds every known term of the batch");
        assert_eq!(part.vectors, full.vectors, "same numbers as the whole model");
        assert_eq!(part.clusters.labels, full.clusters.labels);
        // The model is read from the registered file only: a row pointing elsewhere is refused.
        ws.write(|tx, _| Ok(tx.execute("UPDATE models SET file = '../elsewhere.bin'", []).unwrap())).unwrap();
        let m = ws.latest_model().unwrap();
        let e = ws.read(|_, at| models::slice(at, &m, &crate::model::slice_terms(&words, 2))).unwrap_err().to_string();
        assert!(e.contains("outside models/") && !e.contains('\n'), "{e}");
    }
}
