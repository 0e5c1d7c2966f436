//! Classifying a new text in the space of a fitted model: topic, scores, stance and cues per
//! passage, then the blocs and issuers nearest to the document.
//!
//! Nothing is refitted: the text is split and tokenised with the model's parameters, weighted
//! with its stored idf and projected on its SVD basis.
//!
//! **Nearest group.** The reduced space places a text by what it talks about; whether it sides
//! with a bloc shows in the stances it takes. So a group `g` is scored by the log-likelihood of
//! the document's passages under a small generative model of `g`, two independent parts:
//!
//! - *semantic*: each unit passage vector `x` is a von Mises–Fisher draw around the group's
//!   position `μ_g`, with one concentration `κ` for all groups, so the part is `κ · Σ x·μ_g`.
//!   `κ` is estimated from the fitted passages (Banerjee et al. 2005, from the mean resultant
//!   length of the groups), not tuned.
//! - *stance*: each position `(topic, stance)` of a passage is drawn from the group's stance
//!   distribution on that topic, shrunk toward the corpus-wide one (Dirichlet prior worth
//!   [`PRIOR_PASSAGES`] passages); counted against the corpus-wide distribution, so a topic the
//!   group never spoke to weighs nothing: `Σ ln(θ_g(s|t) / θ(s|t))`.
//!
//! Groups are ranked by the sum, divided by the number of passages (`score`). `similarity`
//! stays the plain cosine between the document's unit mean vector and the group's position.
//!
//! **Agreeing groups.** Beside that ranking, which mixes how a text speaks with what it holds,
//! the groups are also listed by plain [agreement](super::agreement) with the text: its
//! position on every topic it and the group both address, from the stances it holds and the
//! group's stance counts stored in the model, bootstrapped with the model's seed.

use std::collections::{BTreeMap, BTreeSet};

use ndarray::{Array1, ArrayView2};
use serde::Serialize;

use super::agreement::{Agreement, Positions, StanceTable};
use super::evidence::Cue;
use super::SimilarityParams;
use crate::learned::passage_doc;
use crate::model::{slice_terms, GroupPosition, Model};
use crate::pipeline::{features_with, split_text, Params, Passage, PassageSpan};
use crate::reduce::l2_normalize_rows;
use crate::text::analyze::Analyzer;
use crate::text::lang::Lang;
use crate::text::segment::SegmentParams;
use crate::topics::{Annotation, Domain, Lexicon, Stance, StanceCall, StanceCounts, StanceSource};
use crate::vectorize::TokenDoc;
use crate::{Error, Result};

/// Weight, in passages, of the corpus-wide stance distribution a group's own is shrunk toward.
pub const PRIOR_PASSAGES: f64 = 1.0;

/// One passage of the classified text. `start`/`end` are byte offsets in the input text; cue
/// offsets are bytes in the passage's normalised `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifiedPassage {
    #[serde(flatten)]
    pub span: PassageSpan,
    pub text: String,
    pub topic: Option<String>,
    pub topic_score: f64,
    /// Score of every topic before the domain gate (the topic is the best one above the
    /// lexicon's threshold among those the domain decision allows).
    pub topics: BTreeMap<String, f64>,
    pub stance: Option<Stance>,
    pub cues: Vec<Cue>,
    /// The stance toward every topic the passage reaches (its topics, and those a relation
    /// between propositions brings in), with the cues and the method that decided it.
    pub stances: BTreeMap<String, TopicStance>,
    /// Is the passage about ICTs / cyberspace, and what decided it.
    pub domain: Domain,
}

/// A passage's stance toward one topic, traceable to its cues (`source` = `lexicon`) or to a
/// learned model and its probability `p` (`source` = `model`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicStance {
    pub stance: Stance,
    pub cues: Vec<Cue>,
    pub source: StanceSource,
    pub p: Option<f64>,
}

impl From<&StanceCall> for TopicStance {
    fn from(c: &StanceCall) -> TopicStance {
        TopicStance { stance: c.stance, cues: c.cues.iter().map(Cue::from).collect(), source: c.source, p: c.p }
    }
}

/// A group and how near the document is to it (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nearest {
    pub name: String,
    /// Cosine between the document's unit mean vector and the group's position.
    pub similarity: f64,
    /// Stance evidence per passage: `Σ ln(θ_g(s|t) / θ(s|t)) / n` (0 = no evidence either way).
    pub stance_evidence: f64,
    /// Log-likelihood per passage, up to a constant shared by all groups: the ranking key.
    pub score: f64,
}

/// A group and how much the document agrees with it over the topics both address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreeing {
    pub name: String,
    #[serde(flatten)]
    pub agreement: Agreement,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub passages: Vec<ClassifiedPassage>,
    /// Every bloc / issuer with passages, nearest first.
    pub nearest_blocs: Vec<Nearest>,
    pub nearest_issuers: Vec<Nearest>,
    /// Every bloc / issuer with passages, most agreeing first (no shared topic: last).
    pub agreeing_blocs: Vec<Agreeing>,
    pub agreeing_issuers: Vec<Agreeing>,
}

/// Agreement of a document holding the positions `held` (per passage) with every group that has
/// passages, most agreeing first, ties and groups sharing no topic with it by name.
pub fn agreeing(groups: &[GroupPosition], held: &[Vec<(String, Stance)>], params: &SimilarityParams) -> Vec<Agreeing> {
    let groups: Vec<&GroupPosition> = groups.iter().filter(|g| g.n_passages > 0).collect();
    let topics: Vec<String> = groups
        .iter()
        .flat_map(|g| g.stances.iter().map(|(t, ..)| t.clone()))
        .chain(held.iter().flatten().map(|(t, _)| t.clone()))
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let counts: Vec<Vec<StanceCounts>> = topics
        .iter()
        .map(|t| {
            let mut row = vec![StanceCounts::default(); groups.len() + 1];
            for (topic, s) in held.iter().flatten() {
                if topic == t {
                    row[0][*s] += 1;
                }
            }
            for (g, group) in groups.iter().enumerate() {
                for (topic, s, n) in &group.stances {
                    if topic == t {
                        row[g + 1][*s] += n;
                    }
                }
            }
            row
        })
        .collect();
    let labels = std::iter::once(String::new()).chain(groups.iter().map(|g| g.name.clone())).collect();
    let positions = Positions::new(&StanceTable::from_counts(labels, topics, &counts), params);
    let mut out: Vec<Agreeing> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| Agreeing { name: group.name.clone(), agreement: positions.pair(0, g + 1, None) })
        .collect();
    out.sort_by(|a, b| {
        let key = |x: &Agreeing| x.agreement.value.unwrap_or(f64::NEG_INFINITY);
        key(b).total_cmp(&key(a)).then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// What a document brings to the nearest-group scoring: its passages' unit vectors and the
/// positions they hold.
#[derive(Debug, Clone)]
pub struct DocEvidence {
    /// Sum of the unit passage vectors.
    pub sum: Array1<f64>,
    pub n_passages: usize,
    /// Passages per (topic, stance).
    pub stances: BTreeMap<(String, Stance), usize>,
}

impl DocEvidence {
    pub fn new(vectors: ArrayView2<f32>, positions: &[Vec<(String, Stance)>]) -> DocEvidence {
        let mut sum = Array1::<f64>::zeros(vectors.ncols());
        for row in vectors.rows() {
            sum.zip_mut_with(&row, |a, &b| *a += b as f64);
        }
        let mut stances = BTreeMap::new();
        for (t, s) in positions.iter().flatten() {
            *stances.entry((t.clone(), *s)).or_insert(0) += 1;
        }
        DocEvidence { sum, n_passages: vectors.nrows(), stances }
    }
}

/// Nearest-group scorer fitted on the positions of one grouping (blocs or issuers), which
/// together hold every passage of the fitted corpus.
#[derive(Debug, Clone)]
pub struct GroupScorer<'a> {
    groups: Vec<&'a GroupPosition>,
    /// Per group: topic → passages per stance.
    profiles: Vec<BTreeMap<&'a str, StanceCounts<f64>>>,
    /// Corpus-wide stance distribution per topic (add-one smoothed).
    prior: BTreeMap<&'a str, StanceCounts<f64>>,
    /// vMF concentration of passages around their group's position.
    pub kappa: f64,
}

impl<'a> GroupScorer<'a> {
    /// Groups without passages are left out.
    pub fn fit(groups: &'a [GroupPosition]) -> GroupScorer<'a> {
        let groups: Vec<&GroupPosition> = groups.iter().filter(|g| g.n_passages > 0).collect();
        let profiles: Vec<BTreeMap<&str, StanceCounts<f64>>> = groups
            .iter()
            .map(|g| {
                let mut p: BTreeMap<&str, StanceCounts<f64>> = BTreeMap::new();
                for (t, s, n) in &g.stances {
                    p.entry(t.as_str()).or_default()[*s] += *n as f64;
                }
                p
            })
            .collect();
        let mut prior: BTreeMap<&str, StanceCounts<f64>> = BTreeMap::new();
        for (t, c) in profiles.iter().flatten() {
            let e = prior.entry(t).or_default();
            c.iter().for_each(|(s, x)| e[s] += x);
        }
        for c in prior.values_mut() {
            let n: f64 = c.total();
            *c = c.map(|x| (x + 1.0) / (n + 3.0));
        }
        let n: usize = groups.iter().map(|g| g.n_passages).sum();
        let dims = groups.first().map_or(0, |g| g.vector.len()) as f64;
        let rbar = groups.iter().map(|g| g.resultant * g.n_passages as f64).sum::<f64>() / n.max(1) as f64;
        GroupScorer { groups, profiles, prior, kappa: vmf_kappa(rbar, dims) }
    }

    /// Every group, best score first (ties by name).
    pub fn rank(&self, doc: &DocEvidence) -> Vec<Nearest> {
        let n = doc.n_passages.max(1) as f64;
        let doc_norm = doc.sum.dot(&doc.sum).sqrt();
        let mut out: Vec<Nearest> = self
            .groups
            .iter()
            .zip(&self.profiles)
            .map(|(g, profile)| {
                let dot: f64 = g.vector.iter().zip(doc.sum.iter()).map(|(&x, &y)| x as f64 * y).sum();
                let norm: f64 = g.vector.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt();
                let along = if norm > 0.0 { dot / norm } else { 0.0 };
                let stance: f64 = doc
                    .stances
                    .iter()
                    .map(|((t, s), &c)| {
                        let Some(base) = self.prior.get(t.as_str()) else { return 0.0 };
                        let own = profile.get(t.as_str()).copied().unwrap_or_default();
                        let theta = (own[*s] + PRIOR_PASSAGES * base[*s]) / (own.total() + PRIOR_PASSAGES);
                        c as f64 * (theta / base[*s]).ln()
                    })
                    .sum();
                Nearest {
                    name: g.name.clone(),
                    similarity: if doc_norm > 0.0 { (along / doc_norm).clamp(-1.0, 1.0) } else { 0.0 },
                    stance_evidence: stance / n,
                    score: (self.kappa * along + stance) / n,
                }
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
        out
    }
}

/// Concentration of a von Mises–Fisher distribution in `dims` dimensions whose mean resultant
/// length is `rbar`: the approximation `κ ≈ r̄(d − r̄²)/(1 − r̄²)` of Banerjee et al. (2005).
pub fn vmf_kappa(rbar: f64, dims: f64) -> f64 {
    let r = rbar.clamp(0.0, 0.999);
    r * (dims - r * r) / (1.0 - r * r)
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

/// A text split into passages and tokenised with a model's parameters, before scoring: its
/// [`Prepared::terms`] say which part of a saved model it needs ([`crate::model::ModelFile::slice`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    split: Vec<Passage>,
    annotations: Vec<Annotation>,
    held: Vec<Vec<(String, Stance)>>,
    docs: Vec<TokenDoc>,
    /// The passages' features for the learned complement (words and concepts, no positions).
    complement_docs: Vec<TokenDoc>,
    ngram_max: usize,
}

impl Prepared {
    /// Splits and tokenises `text` (named `name` in messages) as a model fitted with `params` does.
    pub fn new(params: &Params, lexicon: &Lexicon, name: &str, text: &str, lang: Lang) -> Result<Prepared> {
        let split = split_checked(name, text, &params.segment)?;
        let analyzer = Analyzer::new(lang, params.analyzer);
        // The text is one document: each passage's domain reads the others.
        let texts: Vec<&str> = split.iter().map(|p| p.text.as_str()).collect();
        let annotations = lexicon.annotate_document(&texts);
        let held: Vec<Vec<(String, Stance)>> = annotations.iter().map(Annotation::positions).collect();
        let docs = split
            .iter()
            .zip(&held)
            .map(|(p, pos)| features_with(&p.text, &analyzer, params.concepts.then_some(lexicon), pos))
            .collect();
        let complement_docs = split.iter().map(|p| passage_doc(&p.text, lang, params.analyzer, lexicon)).collect();
        Ok(Prepared { split, annotations, held, docs, complement_docs, ngram_max: params.tfidf.ngram_max })
    }

    /// Every term (words, lexicon features, bigrams) the text can weigh in the model.
    pub fn terms(&self) -> BTreeSet<String> {
        slice_terms(&self.docs, self.ngram_max)
    }
}

/// Classifies `text` (named `name` in messages) with a saved or freshly fitted `model`.
pub fn classify(model: &Model, lexicon: &Lexicon, name: &str, text: &str, lang: Lang) -> Result<Classification> {
    Ok(classify_prepared(model, Prepared::new(&model.params, lexicon, name, text, lang)?))
}

/// [`classify`] of a text prepared with `model`'s parameters; `model` may be a slice holding
/// [`Prepared::terms`] only (same numbers as the whole model).
pub fn classify_prepared(model: &Model, prepared: Prepared) -> Classification {
    let Prepared { split, annotations, held, docs, complement_docs, .. } = prepared;
    let mut vectors = model.svd.transform(&model.tfidf.transform(&docs));
    l2_normalize_rows(&mut vectors);
    let evidence = DocEvidence::new(vectors.view(), &held);
    let bootstrap = SimilarityParams { seed: model.params.seed, ..Default::default() };
    Classification {
        passages: decide(model, split, annotations, complement_docs),
        nearest_blocs: GroupScorer::fit(&model.blocs).rank(&evidence),
        nearest_issuers: GroupScorer::fit(&model.issuers).rank(&evidence),
        agreeing_blocs: agreeing(&model.blocs, &held, &bootstrap),
        agreeing_issuers: agreeing(&model.issuers, &held, &bootstrap),
    }
}

/// Topic, stance, cues and domain of each passage of `text`, as [`classify`] finds them, without
/// placing the text in the model's space (no TF-IDF, SVD or nearest groups): what scoring many
/// texts needs (the Python package's `Model.classify`, Spark). A text without a passage of the
/// model's minimum length has none.
pub fn classify_passages(model: &Model, lexicon: &Lexicon, text: &str, lang: Lang) -> Vec<ClassifiedPassage> {
    let split = split_text(text, &model.params.segment);
    let texts: Vec<&str> = split.iter().map(|p| p.text.as_str()).collect();
    let annotations = lexicon.annotate_document(&texts);
    let complement_docs = match &model.learned {
        Some(_) => split.iter().map(|p| passage_doc(&p.text, lang, model.params.analyzer, lexicon)).collect(),
        None => vec![TokenDoc::default(); split.len()],
    };
    decide(model, split, annotations, complement_docs)
}

/// The passages' decisions: the lexicon's annotations, completed by the model's learned
/// complement where the lexicon abstains.
fn decide(
    model: &Model,
    split: Vec<Passage>,
    annotations: Vec<Annotation>,
    complement_docs: Vec<TokenDoc>,
) -> Vec<ClassifiedPassage> {
    split
        .into_iter()
        .zip(annotations)
        .zip(complement_docs)
        .map(|((p, mut a), cdoc)| {
            let mut stances: BTreeMap<String, TopicStance> =
                a.topics.iter().zip(&a.stances).map(|(t, c)| (t.clone(), TopicStance::from(c))).collect();
            // Where the lexicon abstains, the learned complement of the model decides (or abstains).
            for call in model.learned.as_ref().map(|l| l.complement(&cdoc, &a)).unwrap_or_default() {
                if call.new_topic {
                    a.assignment.topic = Some(call.topic.clone());
                }
                let decided =
                    TopicStance { stance: call.stance, cues: Vec::new(), source: StanceSource::Model, p: Some(call.p) };
                stances.insert(call.topic, decided);
            }
            let best = a.assignment.topic.as_ref().and_then(|t| stances.get(t));
            ClassifiedPassage {
                span: p.span(),
                stance: best.map(|c| c.stance),
                cues: best.map(|c| c.cues.clone()).unwrap_or_default(),
                topic: a.assignment.topic,
                topic_score: a.assignment.score,
                topics: a.assignment.scores,
                stances,
                domain: a.domain,
                text: p.text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn group(name: &str, n: usize, vector: Vec<f32>, stances: &[(&str, Stance, usize)]) -> GroupPosition {
        GroupPosition {
            name: name.into(),
            n_passages: n,
            vector,
            resultant: 0.5,
            stances: stances.iter().map(|&(t, s, k)| (t.to_string(), s, k)).collect(),
        }
    }

    fn names(n: &[Nearest]) -> Vec<&str> {
        n.iter().map(|g| g.name.as_str()).collect()
    }

    #[test]
    fn kappa_follows_the_banerjee_approximation() {
        assert_eq!(vmf_kappa(0.0, 100.0), 0.0);
        assert!((vmf_kappa(0.5, 100.0) - 0.5 * 99.75 / 0.75).abs() < 1e-12);
        assert!(vmf_kappa(0.6, 100.0) > vmf_kappa(0.5, 100.0));
        assert!(vmf_kappa(1.0, 100.0).is_finite(), "a single-passage group does not make κ infinite");
    }

    #[test]
    fn without_positions_groups_rank_by_cosine_skipping_empty_ones() {
        let groups = [
            group("b", 3, vec![0.0, 1.0], &[]),
            group("a", 2, vec![0.6, 0.8], &[]),
            group("empty", 0, vec![0.0, 0.0], &[]),
            group("c", 1, vec![0.0, 2.0], &[]),
        ];
        let doc = DocEvidence::new(array![[0.0f32, 1.0], [0.0, 1.0]].view(), &[vec![], vec![]]);
        let n = GroupScorer::fit(&groups).rank(&doc);
        assert_eq!(names(&n), ["b", "c", "a"], "ties by name; unnormalised positions are fine");
        assert!((n[2].similarity - 0.8).abs() < 1e-6);
        assert!(n.iter().all(|g| g.stance_evidence == 0.0));
    }

    #[test]
    fn stances_held_decide_between_groups_that_talk_alike() {
        let b = "binding_norms";
        let groups = [
            group("for", 4, vec![1.0, 0.0], &[(b, Stance::Support, 4)]),
            group("against", 4, vec![1.0, 0.0], &[(b, Stance::Oppose, 3), ("ai", Stance::Support, 1)]),
            group("closer", 4, vec![0.9, 0.1], &[]),
        ];
        let scorer = GroupScorer::fit(&groups);
        let vectors = array![[1.0f32, 0.0]];
        let support = DocEvidence::new(vectors.view(), &[vec![(b.to_string(), Stance::Support)]]);
        let n = scorer.rank(&support);
        assert_eq!(names(&n), ["for", "closer", "against"]);
        assert!(n[0].stance_evidence > 0.0 && n[2].stance_evidence < 0.0);
        assert_eq!(n[1].stance_evidence, 0.0, "a group silent on the topic gets no stance evidence");
        assert!((n[0].similarity - n[2].similarity).abs() < 1e-12);
        let oppose = DocEvidence::new(vectors.view(), &[vec![(b.to_string(), Stance::Oppose)]]);
        assert_eq!(scorer.rank(&oppose)[0].name, "against");
        let unknown = DocEvidence::new(vectors.view(), &[vec![("new_topic".to_string(), Stance::Oppose)]]);
        assert!(scorer.rank(&unknown).iter().all(|g| g.stance_evidence == 0.0), "a topic no group spoke to");
    }

    #[test]
    fn a_slice_of_a_saved_model_classifies_like_the_whole_model() {
        let model = crate::model::tests::seeds_model();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        model.save(&path).unwrap();
        let lexicon = Lexicon::builtin();
        let text = "We support a legally binding convention on information security under the United Nations, \
                    and voluntary norms of responsible State behaviour in cyberspace. Internet governance must \
                    remain multistakeholder.\n\nExisting international law applies to cyberspace; the Budapest \
                    Convention on Cybercrime frames cooperation against cybercrime.";
        let full = classify(&model, &lexicon, "new.txt", text, Lang::En).unwrap();
        let prepared = Prepared::new(&model.params, &lexicon, "new.txt", text, Lang::En).unwrap();
        let slice = crate::model::ModelFile::open(&path).unwrap().slice(&prepared.terms()).unwrap();
        assert!(!slice.tfidf.vocabulary.is_empty() && slice.tfidf.vocabulary.len() < model.tfidf.vocabulary.len());
        assert!(!full.nearest_blocs.is_empty());
        assert_eq!(classify_prepared(&slice, prepared), full, "bit for bit");
    }

    #[test]
    fn agreeing_groups_share_the_texts_stances() {
        let b = "binding_norms";
        let groups = [
            group("for", 6, vec![1.0, 0.0], &[(b, Stance::Support, 5), (b, Stance::Neutral, 1)]),
            group("against", 6, vec![1.0, 0.0], &[(b, Stance::Oppose, 6)]),
            group("elsewhere", 2, vec![0.0, 1.0], &[("ai", Stance::Support, 2)]),
            group("empty", 0, vec![0.0, 0.0], &[]),
        ];
        let held = vec![vec![(b.to_string(), Stance::Support)], vec![(b.to_string(), Stance::Support)]];
        let a = agreeing(&groups, &held, &SimilarityParams::default());
        assert_eq!(a.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["for", "against", "elsewhere"]);
        assert!(a[0].agreement.value.unwrap() > a[1].agreement.value.unwrap());
        assert_eq!((a[0].agreement.shared_topics, a[2].agreement.value), (1, None), "no shared topic: no value");
        assert_eq!(a, agreeing(&groups, &held, &SimilarityParams::default()), "seeded");
    }

    #[test]
    fn evidence_sums_passage_vectors_and_counts_positions() {
        let held = vec![vec![("ai".to_string(), Stance::Support)], vec![("ai".to_string(), Stance::Support)]];
        let d = DocEvidence::new(array![[1.0f32, 0.0], [0.0, 1.0]].view(), &held);
        assert_eq!(d.sum, array![1.0, 1.0]);
        assert_eq!((d.n_passages, d.stances[&("ai".to_string(), Stance::Support)]), (2, 2));
    }
}
