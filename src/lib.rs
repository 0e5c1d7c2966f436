//! `stance` — a stance-comparison engine for cyber diplomacy.
//!
//! The library is a one-way pipeline, one module per stage (see `docs/methods.md`):
//!
//! ```text
//! corpus ─▶ text ─▶ vectorize ─▶ topics ─▶ reduce ─▶ cluster ─▶ compare ─▶ render
//! ```
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
