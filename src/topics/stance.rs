//! Stance from cues, read in context.
//!
//! 1. Every support / oppose cue of the topic is matched; overlapping hits are resolved longest
//!    first, so "`$need ..3 @binding_instrument`" wins over the bare "`@binding_instrument`".
//! 2. **Negation events.** Negator words (`ne`, `pas`, `jamais`, `aucun`, `nul`, `sans`, `ni`,
//!    `not`, `no`, `never`, `cannot`, the `t` of `can't`…) form events: negators of one clause
//!    at most 3 words apart are one event (`ne … pas`, `n'… jamais`, `aucun État ne`), and a
//!    coordinated negator (`ni`, `nor`) joins the event before it in its clause (`ni X ni Y`).
//!    A **rejection predicate** (`rejeter`, `s'opposer`, `condamner`, `reject`, `dismiss`…) is an
//!    event of its own. Negator words inside a concept (`non contraignant`), a contrast marker
//!    (`and not`) or a double negative / fixed phrase (`ne manquera pas de`, `will not hesitate
//!    to`, `not only`, restrictive `ne … que`) are no events, nor is a preposed condition
//!    (`sans`, `without` opening a sentence and closed by a comma: "Without a binding
//!    instrument, there will be no accountability" argues for the instrument).
//! 3. **Scope.** An event reaches forward to the end of its clause (punctuation `.;:!?,()` and
//!    clause-break words such as `mais` / `but` end a clause), at most `negation_window` words
//!    (`rejection_window` for rejections), and stops earlier
//!    - at a subordinator (`que`, `qui`, `that`, `which`…), unless a raising word (an opinion or
//!      acceptance verb, a noun of claim: `croire`, `accept`, `view`, `allégation`) came between
//!      — "we do not believe that X" and "nous ne pouvons accepter que X" negate X, "it is not
//!      surprising that X" does not; a rejection governs its `that` clause whatever the verb;
//!    - after a harm predicate (`violate`, `attack`, `porter atteinte`…), which takes the
//!      negation: "must not violate international humanitarian law" affirms IHL, while "AI does
//!      not pose a threat" negates the cue `@ai ..6 $risk` that ends on the harm word.
//! 4. A cue does not run across a clause-break word (`mais`, `but`, "and support"). It is
//!    negated by each event that starts before it with its first word in scope, or that sits in one
//!    of the cue's gaps with the cue's last word in its scope or wrapped by it ("la Convention de
//!    Budapest ne saurait servir de modèle", "un traité ne retarderait pas …"); an odd number of
//!    events flips it (two negations affirm: "we do not reject X").
//! 5. A cue that follows a contrast marker in the same sentence (`rather than`, `instead of`,
//!    `au lieu de`, `plutôt que`) is the rejected alternative and flips once more: in
//!    "X rather than Y", X keeps its polarity and Y is reversed.
//! 6. A cue under a hedge (`possibilité`, `whether`, `examiner`…) is procedural, not a position:
//!    it is dropped.
//! 7. `fixed` cues carry their own polarity whatever surrounds them ("should not damage critical
//!    infrastructure", "we condemn the militarisation of cyberspace") and skip steps 4–5.
//! 8. **Voice** (lexicon 1.5.0): a position is the speaker's. Cues are dropped after a third
//!    party with a verb of saying ("some States argue …", to the end of the sentence), in the
//!    clause of a descriptive predicate ("took place", "le rapport recense") and in a question;
//!    a why-question flips them; a concessive clause ("while …", "même si …") weighs
//!    `concession_weight`; a trailing rejection ("…, which we cannot accept") negates the cues
//!    before it; a fronted contrast ("Rather than X, Y") rejects only its own clause.
//!
//! The weighted sum of surviving cues decides: ≥ `stance_margin` support, ≤ −margin oppose,
//! otherwise neutral (no decisive cue, or balanced).

use super::pattern::{Match, Tokens};
use super::{CueHit, Lexicon, Stance, TopicDef};

/// Most words between two negators of one negation event (`ne pouvons en aucun cas`).
const EVENT_JOIN: usize = 3;

/// One negation: negator words read together, or a rejection predicate. Its scope is the words
/// `last + 1 .. scope_end`.
#[derive(Debug, Clone)]
struct Event {
    first: usize,
    last: usize,
    scope_end: usize,
}

/// Token-level context computed once per passage (and shared by its topics).
pub(super) struct Context {
    events: Vec<Event>,
    /// Clause-break words and contrast markers.
    breaks: Vec<bool>,
    hedge: Vec<bool>,
    /// Clause number of each token (a new clause after `.;:!?,()` or a clause-break word).
    clause: Vec<usize>,
    /// Sentence number of each token (punctuation only).
    sentence: Vec<usize>,
    /// Token index just after each contrast marker, and the clause it is confined to when the
    /// marker opens its sentence ("Rather than X, Y": only X is the rejected side).
    contrast_ends: Vec<(usize, Option<usize>)>,
    /// Tokens where a cue states no position of the speaker: reported speech of others, a
    /// described event or document, a question.
    dropped: Vec<bool>,
    /// Tokens of a question that denies ("why negotiate a new treaty?"): its cues flip.
    denied: Vec<bool>,
    /// Weight factor of a cue by its first token (the discount of a concessive clause).
    factor: Vec<f64>,
    /// Tokens before a trailing rejection in their sentence: one more negation.
    retracted: Vec<bool>,
}

/// Marks the tokens a set's matches start at (or, with `whole`, all their non-gap tokens).
fn mark(set: &super::index::PatternSet, t: &Tokens, whole: bool) -> Vec<bool> {
    let mut v = vec![false; t.words.len()];
    for hit in set.all_matches(t) {
        if whole {
            (hit.start..hit.end).filter(|j| !hit.gap_tokens.contains(j)).for_each(|j| v[j] = true);
        } else {
            v[hit.start] = true;
        }
    }
    v
}

impl Context {
    fn new(lex: &Lexicon, t: &Tokens) -> Context {
        let n = t.words.len();
        let m = &lex.markers;
        let s = &lex.settings;
        // Negator words that do not negate: double negatives and fixed phrases, contrast markers
        // (`and not` is a contrast), and words inside a concept (`non contraignant`).
        let mut exempt = mark(&m.not_negations, t, true);
        for hit in m.contrast.all_matches(t) {
            exempt[hit.start..hit.end].iter_mut().for_each(|x| *x = true);
        }
        for (i, hit) in t.concept_at.iter().enumerate() {
            if let Some((_, end)) = hit {
                exempt[i..*end].iter_mut().for_each(|x| *x = true);
            }
        }
        let hedge = mark(&m.hedges, t, false);
        let mut breaks = mark(&m.clause_breaks, t, false);
        let contrast_hits = m.contrast.all_matches(t);
        for hit in &contrast_hits {
            breaks[hit.start] = true;
        }
        let (mut clause, mut sentence) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut c, mut sn) = (0, 0);
        for (i, &is_break) in breaks.iter().enumerate() {
            if i > 0 {
                let between = &t.text[t.words[i - 1].end..t.words[i].start];
                if between.contains(['.', ';', ':', '!', '?']) {
                    sn += 1;
                    c += 1;
                } else if is_break || between.contains([',', '(', ')']) {
                    // "sans leur consentement, encourageons X": the negation stays behind the comma.
                    c += 1;
                }
            }
            clause.push(c);
            sentence.push(sn);
        }
        let opens_sentence = |i: usize| i == 0 || sentence[i - 1] != sentence[i];
        let contrast_ends =
            contrast_hits.iter().map(|hit| (hit.end, opens_sentence(hit.start).then_some(clause[hit.start]))).collect();
        let (dropped, denied, factor) = Self::voice(lex, t, &clause, &sentence);

        // "Without X, Y": a preposed condition at the start of a sentence, ended by a comma.
        for hit in m.preposed_conditions.all_matches(t) {
            let opens = hit.start == 0 || sentence[hit.start - 1] != sentence[hit.start];
            let comma_ends = (hit.end..n).find(|&j| clause[j] != clause[hit.start]).is_some_and(|j| {
                sentence[j] == sentence[hit.start] && t.text[t.words[j - 1].end..t.words[j].start].contains(',')
            });
            if opens && comma_ends {
                exempt[hit.start..hit.end].iter_mut().for_each(|x| *x = true);
            }
        }
        // Negator and rejection hits, in text order, overlaps dropped.
        let mut hits: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, is_rejection)
        for (set, rejection) in [(&m.negators, false), (&m.rejections, true)] {
            hits.extend(
                set.all_matches(t).into_iter().filter(|h| !exempt[h.start]).map(|h| (h.start, h.end, rejection)),
            );
        }
        hits.sort_by_key(|&(st, en, r)| (st, std::cmp::Reverse(en), r));
        let coordinated = mark(&m.coordinated_negators, t, false);
        let mut events: Vec<(Event, bool)> = Vec::new();
        let mut covered = 0;
        for (st, en, rejection) in hits {
            if st < covered {
                continue;
            }
            covered = en;
            // A negator joins the last negation of its clause, across a rejection verb it wraps
            // (`ne rejetons pas`).
            if let Some((e, _)) = events.iter_mut().rev().find(|(_, r)| !r).filter(|_| !rejection) {
                if clause[e.last] == clause[st] && (st - e.last <= EVENT_JOIN || coordinated[st]) {
                    e.last = en - 1;
                    continue;
                }
            }
            events.push((Event { first: st, last: en - 1, scope_end: en }, rejection));
        }
        // Scopes.
        let subordinator = mark(&m.subordinators, t, false);
        // A rejection verb raises like an opinion verb: "no one can deny that X" negates the denial.
        let mut raising = mark(&m.raising, t, true);
        for (e, _) in events.iter().filter(|(_, rejection)| *rejection) {
            raising[e.first..=e.last].iter_mut().for_each(|x| *x = true);
        }
        let harm = mark(&m.harms, t, false);
        let events = events
            .into_iter()
            .map(|(mut e, rejection)| {
                let window = if rejection { s.rejection_window } else { s.negation_window };
                // A negated opinion or acceptance verb governs its whole complement clause.
                let raised_window = s.raised_window.unwrap_or(s.negation_window).max(window);
                let mut raised = rejection || (e.first..=e.last).any(|j| raising[j]);
                let limit = |raised: bool| (e.last + 1 + if raised { raised_window } else { window }).min(n);
                let mut j = e.last + 1;
                while j < limit(raised) && clause[j] == clause[e.last] && (raised || !subordinator[j]) {
                    raised |= raising[j];
                    j += 1;
                    if harm[j - 1] {
                        break; // the harm predicate takes the negation, and it ends there
                    }
                }
                e.scope_end = j;
                e
            })
            .collect();
        let mut retracted = vec![false; n];
        let mut dropped = dropped;
        for hit in m.trailing_rejections.all_matches(t) {
            // The speaker's own verdict on what the sentence reported: its cues count again.
            for j in (0..hit.start).filter(|&j| sentence[j] == sentence[hit.start]) {
                retracted[j] = true;
                dropped[j] = false;
            }
        }
        Context { events, breaks, hedge, clause, sentence, contrast_ends, dropped, denied, factor, retracted }
    }

    /// Whose voice each token is in (see the module doc, step 6): `dropped` where a cue is no
    /// position of the speaker — the rest of a sentence after a reported third party ("some
    /// States argue that …"; only its clause after "contrairement à ce que …"), the whole clause
    /// of a descriptive predicate, a question —, `denied` in a question opened by "why" /
    /// "pourquoi", and the weight `factor` of a concessive clause.
    fn voice(lex: &Lexicon, t: &Tokens, clause: &[usize], sentence: &[usize]) -> (Vec<bool>, Vec<bool>, Vec<f64>) {
        let (m, s) = (&lex.markers, &lex.settings);
        let n = t.words.len();
        let mut dropped = vec![false; n];
        let mut denied = vec![false; n];
        let mut factor = vec![1.0; n];
        let report_contrast = mark(&m.report_contrast, t, false);
        for hit in m.reported.all_matches(t) {
            let clause_start = (0..hit.start).rev().take_while(|&j| clause[j] == clause[hit.start]).last();
            let confined = clause_start.is_some_and(|c0| (c0..hit.start).any(|j| report_contrast[j]));
            for j in hit.start..n {
                if sentence[j] != sentence[hit.start] || (confined && clause[j] != clause[hit.start]) {
                    break;
                }
                dropped[j] = true;
            }
        }
        for hit in m.descriptive.all_matches(t) {
            (0..n).filter(|&j| clause[j] == clause[hit.start]).for_each(|j| dropped[j] = true);
        }
        if s.questions_hedge {
            let rhetorical = mark(&m.rhetorical, t, false);
            let mut i = 0;
            while i < n {
                let mut e = i;
                while e + 1 < n && sentence[e + 1] == sentence[i] {
                    e += 1;
                }
                let after = &t.text[t.words[e].end..t.words.get(e + 1).map_or(t.text.len(), |w| w.start)];
                if after.contains('?') {
                    let flag = if rhetorical[i] { &mut denied } else { &mut dropped };
                    flag[i..=e].iter_mut().for_each(|x| *x = true);
                }
                i = e + 1;
            }
        }
        for hit in m.concessive.all_matches(t) {
            (hit.start..n)
                .take_while(|&j| clause[j] == clause[hit.start])
                .for_each(|j| factor[j] = s.concession_weight);
        }
        (dropped, denied, factor)
    }

    /// How many negation events reach the cue `m` (see the module doc, step 4).
    fn negations(&self, m: &Match) -> usize {
        let last = m.end - 1;
        self.events
            .iter()
            .filter(|e| {
                if e.first < m.start {
                    m.start < e.scope_end
                } else {
                    // In a gap: its scope reaches the cue's last word, or (French `ne … pas`
                    // around the verb) the event wraps it: "ne retarderait pas".
                    m.gap_tokens.contains(&e.first) && last < e.scope_end
                }
            })
            .count()
    }

    /// Whether a `flag`ged token sits in the `window` words before `m` (same clause) or in its gaps.
    fn flagged(&self, flag: &[bool], m: &Match, window: usize) -> bool {
        let before = m.start.saturating_sub(window)..m.start;
        before.into_iter().any(|j| flag[j] && self.clause[j] == self.clause[m.start])
            || m.gap_tokens.iter().any(|&j| flag[j])
    }

    fn after_contrast(&self, m: &Match, window: usize) -> bool {
        self.contrast_ends.iter().any(|&(e, confined)| {
            e <= m.start
                && m.start - e <= window
                && self.sentence.get(e) == Some(&self.sentence[m.start])
                && confined.is_none_or(|c| self.clause[m.start] == c)
        })
    }
}

/// The decision on a weighted sum of cues (support +, oppose −).
pub(super) fn decide(lex: &Lexicon, score: f64) -> Stance {
    let margin = lex.settings.stance_margin;
    if score >= margin {
        Stance::Support
    } else if score <= -margin {
        Stance::Oppose
    } else {
        Stance::Neutral
    }
}

/// The weighted sum of `def`'s cues in `t` after the rules, and the cue hits in text order.
/// `context` is computed on first need and kept, so the topics of one passage share it.
pub(super) fn direct(lex: &Lexicon, def: &TopicDef, t: &Tokens, context: &mut Option<Context>) -> (f64, Vec<CueHit>) {
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
        return (0.0, Vec::new());
    }
    let ctx = context.get_or_insert_with(|| Context::new(lex, t));
    // A cue is a phrase: it does not run across a sentence boundary.
    cands.retain(|(_, m)| {
        ctx.sentence[m.start] == ctx.sentence[m.end - 1] && !(m.start + 1..m.end).any(|j| ctx.breaks[j])
    });
    // Longest first, then heavier, then leftmost, then file order: deterministic.
    cands.sort_by(|(ka, a), (kb, b)| {
        let (wa, wb) = (def.cues[*ka].weight, def.cues[*kb].weight);
        (b.end - b.start).cmp(&(a.end - a.start)).then(wb.total_cmp(&wa)).then(a.start.cmp(&b.start)).then(ka.cmp(kb))
    });
    let s = &lex.settings;
    let mut taken = vec![false; t.words.len()];
    let mut hits = Vec::new();
    let (mut score, mut conceded) = (0.0, 0.0);
    for (k, m) in cands {
        if taken[m.start..m.end].iter().any(|&x| x) {
            continue;
        }
        taken[m.start..m.end].iter_mut().for_each(|x| *x = true);
        if ctx.flagged(&ctx.hedge, &m, s.hedge_window) || ctx.dropped[m.start] || ctx.dropped[m.end - 1] {
            continue; // procedural wording, others' words, a question: no position taken
        }
        let cue = &def.cues[k];
        let negated = !cue.fixed
            && ((ctx.negations(&m) % 2 == 1) ^ ctx.after_contrast(&m, s.contrast_window) ^ ctx.retracted[m.start]);
        // A denying question ("why negotiate a new treaty?") reverses even a fixed cue.
        let negated = negated ^ ctx.denied[m.start];
        let polarity = if negated { cue.polarity.flipped() } else { cue.polarity };
        let signed = if polarity == Stance::Support { cue.weight } else { -cue.weight };
        if ctx.factor[m.start] < 1.0 {
            conceded += signed * ctx.factor[m.start];
        } else {
            score += signed;
        }
        hits.push(CueHit {
            cue: def.cue_patterns.patterns[k].source.clone(),
            polarity,
            negated,
            start: t.words[m.start].start,
            end: t.words[m.end - 1].end,
        });
    }
    hits.sort_by_key(|h| (h.start, h.end));
    // The main clause decides; a concession counts (discounted) only where it says nothing decisive.
    if score.abs() < s.stance_margin {
        score += conceded;
    }
    (score, hits)
}
