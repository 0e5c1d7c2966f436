//! Text handling, as a chain of small filters (see `docs/methods.md`):
//! [`normalize`] repairs and canonicalises raw text, [`segment`] cuts documents into passages
//! with byte offsets, [`analyze`] turns a passage into tokens (elision → lowercase → stopwords →
//! optional stemming), [`lang`] guesses French or English when the manifest does not say.

pub mod analyze;
pub mod lang;
pub mod normalize;
pub mod segment;
