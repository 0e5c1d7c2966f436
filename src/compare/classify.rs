//! Classifying a new text in the space of a fitted model: topic, scores, stance and cues per
//! passage, then the blocs and issuers whose positions are nearest to the document.
//!
//! Nothing is refitted: the text is split and tokenised with the model's parameters, weighted
//! with its stored idf and projected on its SVD basis. The document's position is the unit mean
//! of its passage vectors (as for a group, see [`super::similarity::centroid`]); its nearness to
//! a group is the cosine with that group's saved position.

use std::collections::BTreeMap;

use ndarray::ArrayView1;
use serde::Serialize;

use super::evidence::Cue;
use super::similarity::centroid;
use crate::model::{GroupPosition, Model};
use crate::pipeline::{features, split_text, Passage};
use crate::reduce::l2_normalize_rows;
use crate::text::analyze::Analyzer;
use crate::text::lang::Lang;
use crate::text::segment::SegmentParams;
use crate::topics::{Lexicon, Stance};
use crate::{Error, Result};

/// One passage of the classified text. `start`/`end` are byte offsets in the input text; cue
/// offsets are bytes in the passage's normalised `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifiedPassage {
    pub passage: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub topic: Option<String>,
    pub topic_score: f64,
    /// Score of every topic (the topic is the best one above the lexicon's threshold).
    pub topics: BTreeMap<String, f64>,
    pub stance: Option<Stance>,
    pub cues: Vec<Cue>,
}

/// A group and the cosine between its position and the document's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nearest {
    pub name: String,
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub passages: Vec<ClassifiedPassage>,
    /// Every bloc / issuer with passages, nearest first.
    pub nearest_blocs: Vec<Nearest>,
    pub nearest_issuers: Vec<Nearest>,
}

/// Groups sorted by cosine with `doc` (a unit vector), nearest first, ties by name. Groups
/// without passages (zero position) are left out.
pub fn nearest(doc: ArrayView1<f64>, groups: &[GroupPosition]) -> Vec<Nearest> {
    let mut out: Vec<Nearest> = groups
        .iter()
        .filter_map(|g| {
            let dot: f64 = g.vector.iter().zip(doc.iter()).map(|(&x, &y)| x as f64 * y).sum();
            let norm: f64 = g.vector.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt();
            (g.n_passages > 0 && norm > 0.0)
                .then(|| Nearest { name: g.name.clone(), similarity: (dot / norm).clamp(-1.0, 1.0) })
        })
        .collect();
    out.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.name.cmp(&b.name)));
    out
}

/// The passages of `text` (named `name` in messages); an error when there is none, so a caller
/// can check a text before fitting anything.
pub fn split_checked(name: &str, text: &str, segment: &SegmentParams) -> Result<Vec<Passage>> {
    let split = split_text(text, segment);
    if split.is_empty() {
        return Err(Error::data(format!(
            "{name}: no passage of at least {} words; give a longer text",
            segment.min_words
        )));
    }
    Ok(split)
}

/// Classifies `text` (named `name` in messages) with a saved or freshly fitted `model`.
pub fn classify(model: &Model, lexicon: &Lexicon, name: &str, text: &str, lang: Lang) -> Result<Classification> {
    let params = &model.params;
    let split = split_checked(name, text, &params.segment)?;
    let analyzer = Analyzer::new(lang, params.analyzer);
    let docs: Vec<_> = split.iter().map(|p| features(&p.text, &analyzer, params.concepts.then_some(lexicon))).collect();
    let mut vectors = model.svd.transform(&model.tfidf.transform(&docs));
    l2_normalize_rows(&mut vectors);
    let rows: Vec<usize> = (0..split.len()).collect();
    let position = centroid(vectors.view(), &rows);
    let passages = split
        .into_iter()
        .map(|p| {
            let a = lexicon.assign(&p.text);
            let call = a.topic.as_deref().map(|t| lexicon.stance(t, &p.text));
            ClassifiedPassage {
                passage: p.index,
                start: p.start,
                end: p.end,
                topic: a.topic,
                topic_score: a.score,
                topics: a.scores,
                stance: call.as_ref().map(|c| c.stance),
                cues: call.map(|c| c.cues.iter().map(Cue::from).collect()).unwrap_or_default(),
                text: p.text,
            }
        })
        .collect();
    Ok(Classification {
        passages,
        nearest_blocs: nearest(position.view(), &model.blocs),
        nearest_issuers: nearest(position.view(), &model.issuers),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn group(name: &str, n: usize, vector: Vec<f32>) -> GroupPosition {
        GroupPosition { name: name.into(), n_passages: n, vector }
    }

    #[test]
    fn nearest_groups_by_cosine_skipping_empty_ones() {
        let groups = [
            group("b", 3, vec![0.0, 1.0]),
            group("a", 2, vec![0.6, 0.8]),
            group("empty", 0, vec![0.0, 0.0]),
            group("c", 1, vec![0.0, 2.0]),
        ];
        let doc = array![0.0, 1.0];
        let n = nearest(doc.view(), &groups);
        let names: Vec<&str> = n.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["b", "c", "a"], "ties by name; unnormalised positions are fine");
        assert!((n[2].similarity - 0.8).abs() < 1e-6);
    }
}
