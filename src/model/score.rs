//! Scoring a corpus with a saved model: the stored vocabulary, idf, SVD basis and centroids are
//! applied, nothing is refitted. Here rather than in `pipeline` so that the pipeline (fitting)
//! does not depend on the model that is made from it.

use crate::corpus::Corpus;
use crate::pipeline::{passage_features, prepare, timed, Analysis, Analyzers};
use crate::reduce::l2_normalize_rows;
use crate::topics::Lexicon;
use crate::Result;

use super::Model;

impl Analysis {
    /// Scores `corpus` in the space of a saved model: the stored vocabulary, idf, SVD basis and
    /// centroids are applied, nothing is refitted, so numbers stay comparable across runs.
    pub fn with_model(corpus: Corpus, lexicon: Lexicon, model: &Model, progress: &dyn Fn(&str)) -> Result<Analysis> {
        let params = model.params.clone();
        let mut timings = Vec::new();
        let (mut passages, concepts) = prepare(&corpus, &lexicon, &params, &mut timings, progress)?;
        let matrix = timed(&mut timings, "tfidf", || {
            let analyzers = Analyzers::new(&params);
            model.tfidf.transform_with(passages.len(), |i| {
                passage_features(&corpus, &passages, &concepts, &analyzers, &params, i)
            })
        });
        drop(concepts);
        let vectors = timed(&mut timings, "project", || {
            let mut v = model.svd.transform(&matrix);
            l2_normalize_rows(&mut v);
            v
        });
        let labels = timed(&mut timings, "kmeans", || model.clusters.predict(&vectors));
        for (p, &c) in passages.iter_mut().zip(&labels) {
            p.cluster = c;
        }
        let mut clusters = model.clusters.clone();
        clusters.labels = labels;
        Ok(Analysis {
            corpus,
            params,
            lexicon,
            passages,
            tfidf: model.tfidf.clone(),
            matrix,
            svd: model.svd.clone(),
            vectors,
            clusters,
            timings,
            model: model.id.clone(),
        })
    }
}
