//! `stance` — a stance-comparison engine for cyber diplomacy.
//!
//! The library is a one-way pipeline, one module per stage (see `docs/methods.md`); the second
//! line names the fit's timed steps (`stance fit --timings`):
//!
//! ```text
//! corpus ─▶ text ─▶ topics ─▶ vectorize ─▶ reduce ─▶ cluster ─▶ compare ─▶ render
//!          split    lexicon    tfidf        svd       kmeans
//! ```
//!
//! The lexicon runs before TF-IDF because its concepts and positions are features beside the
//! words. Groups of passages ([`groups`]) sit below both `compare` and `model`.
//!
//! [`pipeline`] wires the stages together into an [`pipeline::Analysis`]; the binary's
//! subcommands (`src/cli/`, not part of the library) only parse arguments, call the library and
//! render results, so the library knows nothing of the command line.

pub mod cluster;
pub mod compare;
pub mod corpus;
pub mod error;
pub mod export;
pub mod fsio;
#[doc(hidden)]
pub mod fuzzing;
pub mod groups;
pub mod le;
pub mod learned;
pub mod limits;
pub mod model;
pub mod pipeline;
pub mod reduce;
pub mod render;
pub mod sanitize;
pub mod seed;
pub mod store;
pub mod text;
pub mod topics;
pub mod vectorize;

pub use error::{Error, Result};
