//! Stance from cues, read in context.
//!
//! 1. Every support / oppose cue of the topic is matched; overlapping hits are resolved longest
//!    first, so "`$need ..3 @binding_instrument`" wins over the bare "`@binding_instrument`".
//! 2. A cue preceded in its clause (commas and clause-break words such as `mais` / `but` end a
//!    clause; within `negation_window` words) by a negator (`pas`, `sans`,
//!    `not`, `no`, `never`…), or with a negator inside one of its gaps, flips: "il n'est pas
//!    nécessaire d'élaborer un instrument juridiquement contraignant" opposes binding norms.
//! 3. A cue that follows a contrast marker in the same sentence (`rather than`, `instead of`,
//!    `au lieu de`, `plutôt que`) is the rejected alternative and flips: in "X rather than Y",
//!    X keeps its polarity and Y is reversed.
//! 4. A cue under a hedge (`possibilité`, `whether`, `examiner`…) is procedural, not a position:
//!    it is dropped.
//! 5. `fixed` cues carry their own negation ("should not damage critical infrastructure") and
//!    skip steps 2–3.
//!
//! The weighted sum of surviving cues decides: ≥ `stance_margin` support, ≤ −margin oppose,
//! otherwise neutral (no decisive cue, or balanced).

use super::pattern::{Match, Tokens};
use super::{CueHit, Lexicon, Stance, StanceCall, TopicDef};

/// Token-level context computed once per passage (and shared by its topics).
pub(super) struct Context {
    negator: Vec<bool>,
    hedge: Vec<bool>,
    /// Clause number of each token (a new clause after `.;:!?,()` or a clause-break word).
    clause: Vec<usize>,
    /// Sentence number of each token (punctuation only).
    sentence: Vec<usize>,
    /// Token index just after each contrast marker.
    contrast_ends: Vec<usize>,
}

impl Context {
    fn new(lex: &Lexicon, t: &Tokens) -> Context {
        let n = t.words.len();
        let m = &lex.markers;
        let mut exempt = vec![false; n];
        for hit in m.not_negations.all_matches(t) {
            exempt[hit.start..hit.end].iter_mut().for_each(|x| *x = true);
        }
        let mut negator = vec![false; n];
        for hit in m.negators.all_matches(t) {
            if !exempt[hit.start] {
                negator[hit.start] = true;
            }
        }
        let mut hedge = vec![false; n];
        for hit in m.hedges.all_matches(t) {
            hedge[hit.start] = true;
        }
        let mut breaks = vec![false; n];
        let mut contrast_ends = Vec::new();
        for hit in m.clause_breaks.all_matches(t) {
            breaks[hit.start] = true;
        }
        for hit in m.contrast.all_matches(t) {
            breaks[hit.start] = true;
            contrast_ends.push(hit.end);
        }
        let (mut clause, mut sentence) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut c, mut s) = (0, 0);
        for (i, &is_break) in breaks.iter().enumerate() {
            if i > 0 {
                let between = &t.text[t.words[i - 1].end..t.words[i].start];
                if between.contains(['.', ';', ':', '!', '?']) {
                    s += 1;
                    c += 1;
                } else if is_break || between.contains([',', '(', ')']) {
                    // "sans leur consentement, encourageons X": the negation stays behind the comma.
                    c += 1;
                }
            }
            clause.push(c);
            sentence.push(s);
        }
        Context { negator, hedge, clause, sentence, contrast_ends }
    }

    /// Whether a `flag`ged token sits in the `window` words before `m` (same clause) or in its gaps.
    fn flagged(&self, flag: &[bool], m: &Match, window: usize) -> bool {
        let before = m.start.saturating_sub(window)..m.start;
        before.into_iter().any(|j| flag[j] && self.clause[j] == self.clause[m.start])
            || m.gap_tokens.iter().any(|&j| flag[j])
    }

    fn after_contrast(&self, m: &Match, window: usize) -> bool {
        self.contrast_ends
            .iter()
            .any(|&e| e <= m.start && m.start - e <= window && self.sentence.get(e) == Some(&self.sentence[m.start]))
    }
}

/// The stance of the passage `t` toward `def`'s proposition. `context` is computed on first need
/// and kept, so the topics of one passage share it.
pub(super) fn call(lex: &Lexicon, def: &TopicDef, t: &Tokens, context: &mut Option<Context>) -> StanceCall {
    let present: Vec<usize> = t.concept_at.iter().flatten().map(|(c, _)| *c).collect();
    let mut cands: Vec<(usize, Match)> = Vec::new();
    for i in 0..t.words.len() {
        for k in def.cue_patterns.candidates(t, i) {
            let requires = &def.cues[k].requires;
            if requires.is_empty() || requires.iter().any(|c| present.contains(c)) {
                cands.extend(def.cue_patterns.patterns[k].match_at(t, i).map(|m| (k, m)));
            }
        }
    }
    if cands.is_empty() {
        return StanceCall { stance: Stance::Neutral, cues: Vec::new() };
    }
    let ctx = context.get_or_insert_with(|| Context::new(lex, t));
    // A cue is a phrase: it does not run across a sentence boundary.
    cands.retain(|(_, m)| ctx.sentence[m.start] == ctx.sentence[m.end - 1]);
    // Longest first, then heavier, then leftmost, then file order: deterministic.
    cands.sort_by(|(ka, a), (kb, b)| {
        let (wa, wb) = (def.cues[*ka].weight, def.cues[*kb].weight);
        (b.end - b.start).cmp(&(a.end - a.start)).then(wb.total_cmp(&wa)).then(a.start.cmp(&b.start)).then(ka.cmp(kb))
    });
    let s = &lex.settings;
    let mut taken = vec![false; t.words.len()];
    let mut hits = Vec::new();
    let mut score = 0.0;
    for (k, m) in cands {
        if taken[m.start..m.end].iter().any(|&x| x) {
            continue;
        }
        taken[m.start..m.end].iter_mut().for_each(|x| *x = true);
        if ctx.flagged(&ctx.hedge, &m, s.hedge_window) {
            continue; // procedural wording: no position taken
        }
        let cue = &def.cues[k];
        let negated = !cue.fixed
            && (ctx.flagged(&ctx.negator, &m, s.negation_window) ^ ctx.after_contrast(&m, s.contrast_window));
        let polarity = if negated { cue.polarity.flipped() } else { cue.polarity };
        score += if polarity == Stance::Support { cue.weight } else { -cue.weight };
        hits.push(CueHit {
            cue: def.cue_patterns.patterns[k].source.clone(),
            polarity,
            negated,
            start: t.words[m.start].start,
            end: t.words[m.end - 1].end,
        });
    }
    hits.sort_by_key(|h| (h.start, h.end));
    let stance = if score >= s.stance_margin {
        Stance::Support
    } else if score <= -s.stance_margin {
        Stance::Oppose
    } else {
        Stance::Neutral
    };
    StanceCall { stance, cues: hits }
}
