//! Comparing issuers, blocs and documents: vocabulary-similarity and agreement matrices with
//! bootstrap intervals, positions per topic; two
//! sides topic by topic (stance, keyness, evidence); new texts placed among the groups; what moved
//! between two states of a corpus (drift); evaluation.

pub mod agreement;
pub mod bootstrap;
pub mod change;
pub mod classify;
pub mod clusters;
pub mod drift;
pub mod evaluation;
pub mod evidence;
pub mod keyness;
pub mod sides;
pub mod similarity;
pub mod stance;
pub mod terms;

pub use similarity::{SimilarityMatrix, SimilarityParams, VOCABULARY_SIMILARITY};
