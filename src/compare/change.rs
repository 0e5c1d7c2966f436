//! The one shape of "a number between two groups that moved between two states of a corpus":
//! a vocabulary-similarity cell or an agreement, with what only that kind of number carries in
//! `detail` (flattened: the JSON keys are those of the fields).

use serde::Serialize;

/// A value between groups `a` and `b` (names in order) that changed from `before` to `after`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairChange<X> {
    /// `None`: all passages (similarity) or the topics both address (agreement).
    pub topic: Option<String>,
    pub a: String,
    pub b: String,
    pub before: f64,
    pub after: f64,
    pub delta: f64,
    /// Half-width of the earlier state's 95 % interval; `None` when it had too few passages for
    /// one.
    pub margin: Option<f64>,
    #[serde(flatten)]
    pub detail: X,
}

impl<X> PairChange<X> {
    /// Moved by more than its earlier sampling noise (the half-width of its interval)?
    pub fn beyond_margin(&self) -> bool {
        self.margin.is_some_and(|m| self.delta.abs() > m)
    }
}
