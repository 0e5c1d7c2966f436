//! Text handling, as a chain of small filters (see `docs/methods.md`):
//! [`normalize`] repairs and canonicalises raw text, [`segment`] cuts documents into passages
//! with byte offsets, [`analyze`] turns a passage into tokens (elision → lowercase → stopwords →
//! optional stemming), [`detect`] guesses French or English ([`lang`]) when the manifest does not
//! say; [`boilerplate`] tells openings, salutations, procedure and dates from content.

pub mod analyze;
pub mod boilerplate;
pub mod detect;
pub mod lang;
pub mod normalize;
pub mod segment;
