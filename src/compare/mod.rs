//! Comparing issuers, blocs and documents: similarity matrices with bootstrap intervals.

pub mod similarity;
pub mod terms;

pub use similarity::{GroupBy, Grouping, SimilarityMatrix, SimilarityParams};
