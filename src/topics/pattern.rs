//! Phrase patterns over [`words`] tokens — the one matching engine behind concepts and cues.
//!
//! A pattern is a whitespace-separated sequence of elements (syntax documented at the top of
//! `models/topics.toml`):
//! - a word, written naturally (`d'élaborer`, `multi-stakeholder`); it goes through [`words`], so
//!   elisions and case are handled exactly as in the text; `word*` is a prefix match;
//! - alternatives `traité|convention*|sans_fondement|$class|@concept`: an underscore joins the
//!   words of a multi-word alternative;
//! - `$class`, a named word class (single-word alternatives shared by many cues);
//! - `@concept`, any occurrence of a concept (cues only);
//! - `..` / `..N`, a gap of up to 2 / N words, only where the author writes it.
//!
//! A word written in capitals (`UN`, `AI`, `IA`) only matches capitals in the text, so the
//! acronym `UN` is not the French article `un` and `AI` is not `j'ai`.
//!
//! The lexicon reads [`lexicon_words`]: the words of [`words`] plus the grammatical words that
//! French elision hides (`n'` → `ne`, `qu'` → `que`), which the negation and scope rules need
//! (`n'est pas`, `ne saurait`, `qu'il`); the vectoriser's tokens are not affected.
//!
//! [`words`]: crate::text::analyze::words

use crate::text::analyze::{each_word, Word};
use std::collections::BTreeMap;

/// Largest gap an author may ask for: beyond that a "phrase" is no longer one.
const MAX_GAP: usize = 10;

/// One way a single token may match.
#[derive(Debug, Clone)]
pub(crate) struct Alt {
    text: String,
    prefix: bool,
    /// `Some(original)` when written as an acronym in capitals: the text must match it exactly.
    exact_case: Option<String>,
    /// Id of (`text`, `prefix`) among the lexicon's terms, given when the pattern joins a
    /// [`super::index::PatternIndex`]: matching compares it with the terms each word was found
    /// to match once, instead of comparing strings for every pattern tried.
    pub(crate) term: u32,
}

/// One piece of an option: a token or a whole concept occurrence.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Tok(Alt),
    Concept(usize),
}

#[derive(Debug, Clone)]
pub(crate) enum Elem {
    /// Alternatives; each option is a sequence of pieces (`sans_fondement|unfounded|@hegemony`).
    Choice(Vec<Vec<Piece>>),
    Gap(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub source: String,
    pub elems: Vec<Elem>,
}

/// A token of a passage: its byte span in the text and, in [`Tokens::lower`], its lowercase form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    lower: (u32, u32),
}

/// A tokenised passage, with the concept occurrences indexed by their first token.
pub(crate) struct Tokens<'a> {
    pub text: &'a str,
    pub words: Vec<Token>,
    /// The tokens' lowercase forms, one after the other (one allocation per passage, not per word).
    lower: String,
    /// `concept_at[i] = Some((concept, end_token))` when a selected concept hit starts at token i.
    pub concept_at: Vec<Option<(usize, usize)>>,
    /// Ids of the patterns that may start at token i: `starts[start_ptr[i]..start_ptr[i + 1]]`
    /// (filled by [`super::index::PatternIndex::fill`]).
    pub starts: Vec<u32>,
    pub start_ptr: Vec<usize>,
    /// Ids of the lexicon terms (words and prefixes) token i matches:
    /// `terms[term_ptr[i]..term_ptr[i + 1]]` (filled by [`super::index::PatternIndex::fill`]).
    pub terms: Vec<u32>,
    pub term_ptr: Vec<usize>,
}

impl<'a> Tokens<'a> {
    /// The words of `text` ([`lexicon_words`]), no concept or candidate known yet.
    pub fn new(text: &'a str) -> Tokens<'a> {
        let (mut words, mut lower) = (Vec::new(), String::with_capacity(text.len()));
        each_lexicon_word(text, |start, end, w| {
            let from = lower.len() as u32;
            lower.push_str(w);
            words.push(Token { start, end, lower: (from, lower.len() as u32) });
        });
        Tokens {
            text,
            concept_at: vec![None; words.len()],
            words,
            lower,
            starts: Vec::new(),
            start_ptr: Vec::new(),
            terms: Vec::new(),
            term_ptr: Vec::new(),
        }
    }

    /// Token `i`, lowercased, elision removed (as [`Word::text`]).
    pub fn word(&self, i: usize) -> &str {
        let (a, b) = self.words[i].lower;
        &self.lower[a as usize..b as usize]
    }

    /// Pattern ids that may start at token `i` (sorted); empty before the index filled them.
    pub fn candidates(&self, i: usize) -> &[u32] {
        match (self.start_ptr.get(i), self.start_ptr.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.starts[a..b],
            _ => &[],
        }
    }

    /// Term ids token `i` matches (empty before the index filled them).
    fn terms(&self, i: usize) -> &[u32] {
        match (self.term_ptr.get(i), self.term_ptr.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.terms[a..b],
            _ => &[],
        }
    }
}

/// Elided French words that carry grammar (negation, subordination), restored as tokens.
const RESTORED: &[(&str, &str)] =
    &[("n", "ne"), ("qu", "que"), ("lorsqu", "lorsque"), ("puisqu", "puisque"), ("quoiqu", "quoique")];

/// [`words`](crate::text::analyze::words), plus a token for each elided `n'`, `qu'`, `lorsqu'`…
/// (`n'est` → `ne`, `est`; the restored token spans the elided letters). Other elisions (`l'`,
/// `d'`…) stay dropped.
pub(crate) fn lexicon_words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    each_lexicon_word(text, |start, end, w| out.push(Word { text: w.to_string(), start, end }));
    out
}

/// [`lexicon_words`] as `f(start, end, lowercase word)` calls, without a string per word.
fn each_lexicon_word(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    let mut prev_end = 0;
    each_word(text, |start, end, w| {
        // Between two words only elided words are made of word characters.
        let gap = &text[prev_end..start];
        let mut run_start = None;
        for (i, c) in gap.char_indices().chain(std::iter::once((gap.len(), ' '))) {
            match (c.is_alphanumeric() && c != 'ʼ', run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    let run = gap[s..i].to_lowercase();
                    if let Some((_, full)) = RESTORED.iter().find(|(e, _)| *e == run) {
                        f(prev_end + s, prev_end + i, full);
                    }
                    run_start = None;
                }
                _ => {}
            }
        }
        prev_end = end;
        f(start, end, w);
    });
}

/// A successful match: token range and the tokens that fell into gaps (negators there count).
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub start: usize,
    pub end: usize,
    pub gap_tokens: Vec<usize>,
}

impl Alt {
    /// A single-word alternative such as `contraignant*`, `l'Internet` or `UN`.
    pub(crate) fn parse(raw: &str) -> Result<Alt, String> {
        let mut toks = plain(raw)?;
        match toks.len() {
            1 => Ok(toks.remove(0)),
            n => Err(format!("`{raw}` must be exactly one word (found {n})")),
        }
    }

    fn from_word(body: &str, w: &Word, prefix: bool) -> Alt {
        let original = &body[w.start..w.end];
        let letters = original.chars().filter(|c| c.is_alphabetic()).count();
        let acronym = letters >= 2 && original.chars().all(|c| !c.is_lowercase());
        Alt { text: w.text.clone(), prefix, exact_case: acronym.then(|| original.to_string()), term: u32::MAX }
    }

    /// Whether token `i` matches: it is this word, or starts with this prefix (see
    /// [`super::index::PatternIndex::fill`]), written in capitals if the alternative is.
    fn matches(&self, t: &Tokens, i: usize) -> bool {
        let w = t.words[i];
        t.terms(i).contains(&self.term)
            && self.exact_case.as_ref().is_none_or(|orig| t.text[w.start..w.end].starts_with(orig.as_str()))
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Whether the alternative is a prefix (`word*`) rather than a whole word.
    pub(crate) fn is_prefix(&self) -> bool {
        self.prefix
    }
}

/// Words as written (`d'élaborer`, `ligne*`): tokenised like the text; a trailing `*` makes the
/// last word a prefix.
fn plain(chunk: &str) -> Result<Vec<Alt>, String> {
    let prefix = chunk.ends_with('*');
    let body = chunk.trim_end_matches('*');
    let toks = lexicon_words(body);
    if toks.is_empty() {
        return Err(format!("`{chunk}` contains no word"));
    }
    if prefix && toks[toks.len() - 1].text.chars().count() < 2 {
        return Err(format!("`{chunk}`: a prefix needs at least 2 characters"));
    }
    let last = toks.len() - 1;
    Ok(toks.iter().enumerate().map(|(i, w)| Alt::from_word(body, w, prefix && i == last)).collect())
}

impl Pattern {
    /// Parses `src`; `concepts` is `None` where `@concept` references are not allowed.
    pub(crate) fn parse(
        src: &str,
        classes: &BTreeMap<String, Vec<Alt>>,
        concepts: Option<&BTreeMap<String, usize>>,
    ) -> Result<Pattern, String> {
        let mut elems = Vec::new();
        for chunk in src.split_whitespace() {
            if let Some(n) = chunk.strip_prefix("..") {
                let n = if n.is_empty() { 2 } else { n.parse().map_err(|_| format!("bad gap `{chunk}`"))? };
                if n == 0 || n > MAX_GAP {
                    return Err(format!("gap `{chunk}` must be between 1 and {MAX_GAP} words"));
                }
                elems.push(Elem::Gap(n));
                continue;
            }
            let mut options = Vec::new();
            for alt in chunk.split('|') {
                if let Some(name) = alt.strip_prefix('$') {
                    let alts = classes.get(name).ok_or_else(|| format!("unknown word class `${name}`"))?;
                    options.extend(alts.iter().map(|a| vec![Piece::Tok(a.clone())]));
                } else if let Some(id) = alt.strip_prefix('@') {
                    let map =
                        concepts.ok_or_else(|| format!("`{alt}`: concept references are only allowed in cues"))?;
                    let &c = map.get(id).ok_or_else(|| format!("unknown concept `@{id}`"))?;
                    options.push(vec![Piece::Concept(c)]);
                } else {
                    let mut seq = Vec::new();
                    for part in alt.split('_') {
                        seq.extend(plain(part)?.into_iter().map(Piece::Tok));
                    }
                    options.push(seq);
                }
            }
            elems.push(Elem::Choice(options));
        }
        match (elems.first(), elems.last()) {
            (None, _) => Err("empty pattern".to_string()),
            (Some(Elem::Gap(_)), _) | (_, Some(Elem::Gap(_))) => Err("a pattern cannot start or end with a gap".into()),
            _ => Ok(Pattern { source: src.to_string(), elems }),
        }
    }

    /// The first piece of each option of the first element: what the pattern can start with.
    pub(crate) fn first_pieces(&self) -> impl Iterator<Item = &Piece> {
        let options = match self.elems.first() {
            Some(Elem::Choice(options)) => options.as_slice(),
            _ => &[],
        };
        options.iter().filter_map(|o| o.first())
    }

    /// Every token alternative of the pattern, to give them their term ids.
    pub(crate) fn alts_mut(&mut self) -> impl Iterator<Item = &mut Alt> {
        self.elems
            .iter_mut()
            .flat_map(|e| match e {
                Elem::Choice(options) => options.as_mut_slice(),
                Elem::Gap(_) => &mut [],
            })
            .flatten()
            .filter_map(|piece| match piece {
                Piece::Tok(a) => Some(a),
                Piece::Concept(_) => None,
            })
    }

    /// Matches starting exactly at token `start`; gaps take as few words as possible.
    pub(crate) fn match_at(&self, t: &Tokens, start: usize) -> Option<Match> {
        let mut gap_tokens = Vec::new();
        let end = self.step(t, 0, start, &mut gap_tokens)?;
        Some(Match { start, end, gap_tokens })
    }

    fn step(&self, t: &Tokens, k: usize, i: usize, gaps: &mut Vec<usize>) -> Option<usize> {
        let Some(elem) = self.elems.get(k) else { return Some(i) };
        match elem {
            Elem::Choice(options) => {
                options.iter().filter_map(|o| match_seq(o, t, i)).find_map(|next| self.step(t, k + 1, next, gaps))
            }
            Elem::Gap(n) => {
                let mark = gaps.len();
                for g in 0..=*n {
                    if i + g > t.words.len() {
                        break;
                    }
                    gaps.extend(i..i + g);
                    if let Some(end) = self.step(t, k + 1, i + g, gaps) {
                        return Some(end);
                    }
                    gaps.truncate(mark);
                }
                None
            }
        }
    }
}

/// Matches one option at token `i`; returns the token after it.
fn match_seq(seq: &[Piece], t: &Tokens, mut i: usize) -> Option<usize> {
    for piece in seq {
        match piece {
            Piece::Tok(a) => {
                (i < t.words.len() && a.matches(t, i)).then_some(())?;
                i += 1;
            }
            Piece::Concept(c) => match t.concept_at.get(i) {
                Some(Some((hit, end))) if hit == c => i = *end,
                _ => return None,
            },
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_match(p: &str, text: &str) -> Option<(usize, usize, Vec<usize>)> {
        let classes = BTreeMap::from([("need".to_string(), vec![Alt::parse("need*").unwrap()])]);
        let mut index = super::super::index::PatternIndex::default();
        let set = index.add(vec![Pattern::parse(p, &classes, None).unwrap()]);
        let mut t = Tokens::new(text);
        index.fill(&mut t);
        (0..t.words.len()).find_map(|i| set.patterns[0].match_at(&t, i)).map(|m| (m.start, m.end, m.gap_tokens))
    }

    #[test]
    fn prefix_elision_gap_and_classes() {
        assert_eq!(
            first_match("juridiquement contraignant*", "des normes juridiquement contraignantes"),
            Some((2, 4, vec![]))
        );
        assert_eq!(first_match("nécessité d'élaborer", "la nécessité d'élaborer"), Some((1, 3, vec![])));
        assert_eq!(first_match("$need .. treaty", "we needed a new treaty"), Some((1, 5, vec![2, 3])));
        assert_eq!(first_match("$need .. treaty", "we need a brand new treaty"), None);
        assert_eq!(
            first_match("x|sans_fondement|$need accusations", "des accusations sans fondement accusations"),
            Some((2, 5, vec![]))
        );
    }

    #[test]
    fn elided_negation_and_subordinator_are_restored_contractions_kept() {
        let w = |s: &str| lexicon_words(s).into_iter().map(|w| w.text).collect::<Vec<_>>();
        assert_eq!(
            w("Il n'est pas nécessaire qu'il soit l'État"),
            ["il", "ne", "est", "pas", "nécessaire", "que", "il", "soit", "état"]
        );
        assert_eq!(w("N’y a-t-il"), ["ne", "y", "a-t-il"]);
        assert_eq!(w("We can't and won't; it isn’t"), ["we", "can", "t", "and", "won", "t", "it", "isn", "t"]);
        let text = "lorsqu'on n'a";
        let spans: Vec<&str> = lexicon_words(text).iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(spans, ["lorsqu", "on", "n", "a"]);
        assert_eq!(first_match("ne est pas", "ce n'est pas"), Some((1, 4, vec![])));
    }

    #[test]
    fn acronyms_match_capitals_only() {
        assert!(first_match("UN Charter", "the UN Charter").is_some());
        assert!(first_match("AI", "J'ai l'honneur").is_none());
        assert!(first_match("AI", "risks of AI systems").is_some());
    }

    #[test]
    fn bad_patterns_are_rejected() {
        let none = BTreeMap::new();
        assert!(Pattern::parse(".. x", &none, None).is_err());
        assert!(Pattern::parse("x ..11 y", &none, None).is_err());
        assert!(Pattern::parse("$nope x", &none, None).is_err());
        assert!(Pattern::parse("@c x", &none, None).is_err());
        assert!(Pattern::parse("a b|c d", &none, None).is_ok());
        assert!(Pattern::parse("a|", &none, None).is_err());
        assert!(Pattern::parse("t* x", &none, None).is_err());
    }
}
