//! One index over every pattern of the lexicon — concepts, markers and cues — keyed by what a
//! pattern's first token can be, so that a passage is matched in a single pass: each word is
//! looked up once, and only the few patterns that can start there are tried (instead of the
//! ~1,000 patterns at every word).
//!
//! Patterns get consecutive global ids, one range per [`PatternSet`] (the concept patterns, each
//! marker list, each topic's cues). For a tokenised passage, [`Tokens::candidates`] lists the
//! ids that may start at a word; a set keeps those in its range.

use super::pattern::{Match, Pattern, Piece, Tokens};
use crate::vectorize::KeyMap;
use std::ops::Range;

/// Patterns indexed by exact first word, by the first two characters of a prefix
/// (`contraign*` → `co`, see [`prefix_key`]) and by concept (`@binding_instrument ..`).
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternIndex {
    exact: KeyMap<String, Vec<u32>>,
    prefix: KeyMap<String, Vec<u32>>,
    by_concept: Vec<Vec<u32>>,
    next_id: u32,
}

/// A list of patterns (file order) and the global ids they have in the [`PatternIndex`].
#[derive(Debug, Clone)]
pub(crate) struct PatternSet {
    pub patterns: Vec<Pattern>,
    ids: Range<u32>,
}

/// The index key of a prefix pattern or a word: its first two characters (the whole string if
/// shorter). A word can only match prefixes (at least 2 characters long) that share that key.
fn prefix_key(s: &str) -> &str {
    s.char_indices().nth(2).map_or(s, |(i, _)| &s[..i])
}

impl PatternIndex {
    /// Registers `patterns` under the next ids.
    pub fn add(&mut self, patterns: Vec<Pattern>) -> PatternSet {
        let start = self.next_id;
        for (id, pattern) in (start..).zip(&patterns) {
            for piece in pattern.first_pieces() {
                let list = match piece {
                    Piece::Tok(a) => match a.exact_key() {
                        Some(k) => self.exact.entry(k.to_string()).or_default(),
                        None => self.prefix.entry(prefix_key(a.text()).to_string()).or_default(),
                    },
                    Piece::Concept(c) => {
                        if self.by_concept.len() <= *c {
                            self.by_concept.resize(c + 1, Vec::new());
                        }
                        &mut self.by_concept[*c]
                    }
                };
                if list.last() != Some(&id) {
                    list.push(id); // ids come in increasing order: lists stay sorted
                }
            }
        }
        self.next_id = start + patterns.len() as u32;
        PatternSet { patterns, ids: start..self.next_id }
    }

    /// Sets `t.starts` / `t.start_ptr`: the ids of the patterns that may start at each word,
    /// sorted (one lookup per word). Cues that start with a concept are added by
    /// [`PatternIndex::add_concept_starts`] once `t.concept_at` is known.
    pub fn fill(&self, t: &mut Tokens) {
        let mut starts = Vec::new();
        let mut start_ptr = Vec::with_capacity(t.words.len() + 1);
        start_ptr.push(0);
        for w in &t.words {
            let from = starts.len();
            let exact = self.exact.get(w.text.as_str()).map_or(&[][..], Vec::as_slice);
            let prefix = self.prefix.get(prefix_key(&w.text)).map_or(&[][..], Vec::as_slice);
            starts.extend_from_slice(exact);
            if !prefix.is_empty() {
                starts.extend_from_slice(prefix);
                if !exact.is_empty() {
                    starts[from..].sort_unstable();
                    dedup_tail(&mut starts, from);
                }
            }
            start_ptr.push(starts.len());
        }
        t.starts = starts;
        t.start_ptr = start_ptr;
    }

    /// Adds the patterns keyed by the concept that starts at each word (after concept matching).
    pub fn add_concept_starts(&self, t: &mut Tokens) {
        let extra =
            |hit: &Option<(usize, usize)>| hit.and_then(|(c, _)| self.by_concept.get(c)).filter(|l| !l.is_empty());
        if !t.concept_at.iter().any(|h| extra(h).is_some()) {
            return;
        }
        let mut starts = Vec::with_capacity(t.starts.len() + 8);
        let mut start_ptr = Vec::with_capacity(t.start_ptr.len());
        start_ptr.push(0);
        for (i, hit) in t.concept_at.iter().enumerate() {
            let from = starts.len();
            starts.extend_from_slice(t.candidates(i));
            if let Some(list) = extra(hit) {
                starts.extend_from_slice(list);
                starts[from..].sort_unstable();
                dedup_tail(&mut starts, from);
            }
            start_ptr.push(starts.len());
        }
        t.starts = starts;
        t.start_ptr = start_ptr;
    }
}

/// Removes repeats from the sorted tail `v[from..]`.
fn dedup_tail(v: &mut Vec<u32>, from: usize) {
    let mut tail = v.split_off(from);
    tail.dedup();
    v.extend(tail);
}

impl PatternSet {
    /// Indices (into `patterns`) of the patterns that may start at word `i`, ascending.
    pub fn candidates<'t>(&self, t: &'t Tokens, i: usize) -> impl Iterator<Item = usize> + 't {
        let (start, end) = (self.ids.start, self.ids.end);
        t.candidates(i).iter().filter(move |&&id| start <= id && id < end).map(move |&id| (id - start) as usize)
    }

    /// Every match of every pattern, by start word then pattern order.
    pub fn all_matches(&self, t: &Tokens) -> Vec<Match> {
        (0..t.words.len())
            .flat_map(|i| self.candidates(t, i).filter_map(move |p| self.patterns[p].match_at(t, i)))
            .collect()
    }
}
