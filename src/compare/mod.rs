//! Comparing issuers, blocs and documents: similarity matrices with bootstrap intervals; two
//! sides topic by topic (stance, keyness, evidence); new texts placed among the groups; evaluation.

pub mod classify;
pub mod evaluation;
pub mod evidence;
pub mod keyness;
pub mod sides;
pub mod similarity;
pub mod stance;
pub mod terms;

pub use similarity::{GroupBy, Grouping, SimilarityMatrix, SimilarityParams};
