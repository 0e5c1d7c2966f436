//! The integration tests, one module per area, built as one binary: one compile and one link
//! instead of 24 (each per-file crate re-read every dependency and linked its own executable).
//! `cargo test --test suite cli_export::` runs one module.

#[path = "../common/mod.rs"]
mod common;

mod cli_agreement;
mod cli_classify;
mod cli_clusters;
mod cli_compare;
mod cli_domain;
mod cli_errors;
mod cli_evaluate;
mod cli_export;
mod cli_formats;
mod cli_install;
mod cli_learned;
mod cli_lexicon;
mod cli_report;
mod cli_similarity;
mod cli_tables;
mod cold_domain_eval;
mod cold_eval;
mod fuzz_props;
mod no_cycles;
mod notebook;
mod security;
mod tfidf_sklearn;
mod topics_gold;
mod workspace;
