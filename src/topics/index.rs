//! One index over every pattern of the lexicon — concepts, markers and cues — keyed by what a
//! pattern's first token can be, so that a passage is matched in a single pass: each word is
//! looked up once, and only the few patterns that can start there are tried (instead of the
//! ~1,000 patterns at every word).
//!
//! Patterns get consecutive global ids, one range per [`PatternSet`] (the concept patterns, each
//! marker list, each topic's cues). For a tokenised passage, [`Tokens::candidates`] lists the
//! ids that may start at a word; a set keeps those in its range.

use super::pattern::{Alt, Match, Pattern, Piece, Tokens};
use crate::vectorize::KeyMap;
use std::ops::Range;

/// The lexicon's terms — every word and prefix its patterns are written with — and the patterns
/// that can start with each term (`contraign*` is one term, `UN` and `un` are the same one) or
/// with a concept (`@binding_instrument ..`).
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternIndex {
    /// Whole words → term id.
    words: KeyMap<String, u32>,
    /// Prefix terms by their first two characters (see [`prefix_key`]): (prefix, term id).
    prefixes: KeyMap<String, Vec<(String, u32)>>,
    /// Pattern ids that can start with each term, ascending.
    by_term: Vec<Vec<u32>>,
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

/// Adds `id` to a sorted list of ids that come in increasing order.
fn push_id(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

impl PatternIndex {
    /// The term id of `a`'s word or prefix, new ones numbered in order of appearance.
    fn term(&mut self, a: &Alt) -> u32 {
        let next = self.by_term.len() as u32;
        let id = if a.is_prefix() {
            let list = self.prefixes.entry(prefix_key(a.text()).to_string()).or_default();
            match list.iter().find(|(p, _)| p == a.text()) {
                Some(&(_, id)) => id,
                None => {
                    list.push((a.text().to_string(), next));
                    next
                }
            }
        } else {
            *self.words.entry(a.text().to_string()).or_insert(next)
        };
        if id == next {
            self.by_term.push(Vec::new());
        }
        id
    }

    /// Registers `patterns` under the next ids, giving their words and prefixes term ids.
    pub fn add(&mut self, mut patterns: Vec<Pattern>) -> PatternSet {
        let start = self.next_id;
        for (id, pattern) in (start..).zip(&mut patterns) {
            for a in pattern.alts_mut() {
                a.term = self.term(a);
            }
            for piece in pattern.first_pieces() {
                match piece {
                    Piece::Tok(a) => push_id(&mut self.by_term[a.term as usize], id),
                    Piece::Concept(c) => {
                        if self.by_concept.len() <= *c {
                            self.by_concept.resize(c + 1, Vec::new());
                        }
                        push_id(&mut self.by_concept[*c], id);
                    }
                }
            }
        }
        self.next_id = start + patterns.len() as u32;
        PatternSet { patterns, ids: start..self.next_id }
    }

    /// Sets, for each word of `t`, the terms it matches (`t.terms`: its word and the prefixes
    /// it starts with, looked up once) and the ids of the patterns that may start there
    /// (`t.starts`, sorted: those whose first word or prefix is one of its terms). Cues that
    /// start with a concept are added by [`PatternIndex::add_concept_starts`] once
    /// `t.concept_at` is known.
    pub fn fill(&self, t: &mut Tokens) {
        let n = t.words.len();
        let (mut terms, mut term_ptr) = (Vec::new(), Vec::with_capacity(n + 1));
        let (mut starts, mut start_ptr) = (Vec::new(), Vec::with_capacity(n + 1));
        term_ptr.push(0);
        start_ptr.push(0);
        for i in 0..n {
            let (w, from_term, from) = (t.word(i), terms.len(), starts.len());
            terms.extend(self.words.get(w));
            if let Some(list) = self.prefixes.get(prefix_key(w)) {
                terms.extend(list.iter().filter(|(p, _)| w.starts_with(p.as_str())).map(|&(_, id)| id));
            }
            for &term in &terms[from_term..] {
                starts.extend_from_slice(&self.by_term[term as usize]);
            }
            if terms.len() - from_term > 1 {
                starts[from..].sort_unstable();
                dedup_tail(&mut starts, from);
            }
            term_ptr.push(terms.len());
            start_ptr.push(starts.len());
        }
        (t.terms, t.term_ptr, t.starts, t.start_ptr) = (terms, term_ptr, starts, start_ptr);
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
