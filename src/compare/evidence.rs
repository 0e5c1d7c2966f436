//! Evidence: the passages behind a figure, with the stance cues that decided them.
//!
//! The passages that "best show" a side on a topic are, in order: those whose stance is the
//! side's call, then the decisive ones (support / oppose before neutral), then the clearest
//! (most cues agreeing with the passage's stance, minus those disagreeing), then the highest topic
//! score; document and position break the remaining ties, so the choice is stable.

use serde::Serialize;

use crate::pipeline::{Analysis, Provenance};
use crate::topics::{CueHit, Stance, StanceCall};

/// A stance cue in a passage; `start`/`end` are byte offsets in the passage's `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cue {
    pub cue: String,
    pub polarity: Stance,
    pub start: usize,
    pub end: usize,
    /// The cue's own polarity was reversed by a negation or a contrast (shown by `--explain`).
    #[serde(skip)]
    pub negated: bool,
}

impl From<&CueHit> for Cue {
    fn from(h: &CueHit) -> Cue {
        Cue { cue: h.cue.clone(), polarity: h.polarity, start: h.start, end: h.end, negated: h.negated }
    }
}

/// One passage shown as evidence, with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    #[serde(flatten)]
    pub provenance: Provenance,
    pub topic: Option<String>,
    pub topic_score: f64,
    pub stance: Option<Stance>,
    /// The passage's normalised text (cue offsets refer to it).
    pub text: String,
    pub cues: Vec<Cue>,
}

/// How much the cues agree with the stance they produced (0 for neutral).
pub fn clarity(call: &StanceCall) -> i64 {
    if call.stance == Stance::Neutral {
        return 0;
    }
    call.cues.iter().map(|c| if c.polarity == call.stance { 1 } else { -1 }).sum()
}

/// Sort key of a candidate passage: smaller is better (see the module doc).
fn rank_key(stance: Stance, clarity: i64, topic_score: f64, prefer: Option<Stance>) -> (bool, bool, i64, f64) {
    (Some(stance) != prefer, stance == Stance::Neutral, -clarity, -topic_score)
}

/// Stance calls (with cues) of the passages `rows` (indices into `a.passages`) toward `topic`.
pub fn stance_calls(a: &Analysis, rows: &[usize], topic: &str) -> Vec<(usize, StanceCall)> {
    rows.iter().map(|&r| (r, a.lexicon.stance(topic, &a.passages[r].text))).collect()
}

/// The `n` passages among `calls` (from [`stance_calls`]) that best show a side whose call is
/// `prefer`.
pub fn best_passages(a: &Analysis, calls: &[(usize, StanceCall)], prefer: Option<Stance>, n: usize) -> Vec<Evidence> {
    let mut ranked: Vec<&(usize, StanceCall)> = calls.iter().collect();
    ranked.sort_by(|(ra, ca), (rb, cb)| {
        let (pa, pb) = (&a.passages[*ra], &a.passages[*rb]);
        let ka = rank_key(ca.stance, clarity(ca), pa.topic_score, prefer);
        let kb = rank_key(cb.stance, clarity(cb), pb.topic_score, prefer);
        (ka.0, ka.1, ka.2)
            .cmp(&(kb.0, kb.1, kb.2))
            .then(ka.3.total_cmp(&kb.3))
            .then((pa.doc, pa.index).cmp(&(pb.doc, pb.index)))
    });
    ranked.into_iter().take(n).map(|(r, call)| evidence(a, *r, call)).collect()
}

/// Passage `row` of the analysis as evidence, with the cues of `call`.
pub fn evidence(a: &Analysis, row: usize, call: &StanceCall) -> Evidence {
    let p = &a.passages[row];
    Evidence {
        provenance: a.provenance(row),
        topic: p.topic.clone(),
        topic_score: p.topic_score,
        stance: Some(call.stance),
        text: p.text.clone(),
        cues: call.cues.iter().map(Cue::from).collect(),
    }
}

/// How highlighted cues look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    /// ANSI bold, for a terminal.
    Ansi,
    /// `**…**`, for pipes and files (Markdown bold).
    Markdown,
}

impl Emphasis {
    /// ANSI on a terminal, Markdown otherwise.
    pub fn for_stdout() -> Emphasis {
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            Emphasis::Ansi
        } else {
            Emphasis::Markdown
        }
    }

    fn marks(self) -> (&'static str, &'static str) {
        match self {
            Emphasis::Ansi => ("\x1b[1m", "\x1b[22m"),
            Emphasis::Markdown => ("**", "**"),
        }
    }
}

/// `text` with every cue span emphasised. Spans that overlap an earlier one or do not fall on
/// character boundaries are left plain rather than garbling the text.
pub fn highlight(text: &str, cues: &[Cue], emphasis: Emphasis) -> String {
    let (open, close) = emphasis.marks();
    let mut spans: Vec<(usize, usize)> = cues.iter().map(|c| (c.start, c.end)).collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len() + 8 * spans.len());
    let mut at = 0;
    for (s, e) in spans {
        if s < at || s >= e || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(open);
        out.push_str(&text[s..e]);
        out.push_str(close);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start: usize, end: usize, polarity: Stance) -> Cue {
        Cue { cue: "c".into(), polarity, start, end, negated: false }
    }

    #[test]
    fn highlights_cues_in_markdown_and_ansi() {
        let text = "Nous soutenons un instrument juridiquement contraignant.";
        let cues = [cue(18, 55, Stance::Support), cue(5, 14, Stance::Support)];
        assert_eq!(
            highlight(text, &cues, Emphasis::Markdown),
            "Nous **soutenons** un **instrument juridiquement contraignant**."
        );
        assert_eq!(highlight("a b", &[cue(0, 1, Stance::Oppose)], Emphasis::Ansi), "\x1b[1ma\x1b[22m b");
    }

    #[test]
    fn bad_spans_are_left_plain() {
        let text = "État légal";
        let cues = [cue(1, 3, Stance::Support), cue(0, 99, Stance::Support), cue(6, 12, Stance::Oppose)];
        assert_eq!(highlight(text, &cues, Emphasis::Markdown), "État **légal**");
    }

    #[test]
    fn clarity_counts_agreeing_cues() {
        let hit = |p: Stance| CueHit { cue: "x".into(), polarity: p, negated: false, start: 0, end: 1 };
        let call =
            StanceCall::lexicon(Stance::Oppose, vec![hit(Stance::Oppose), hit(Stance::Oppose), hit(Stance::Support)]);
        assert_eq!(clarity(&call), 1);
        assert_eq!(clarity(&StanceCall::lexicon(Stance::Neutral, vec![hit(Stance::Support)])), 0);
    }

    #[test]
    fn ranking_prefers_the_sides_call_then_decisive_then_clear_then_on_topic() {
        use Stance::*;
        let mut c = [
            ("neutral, high score", rank_key(Neutral, 0, 9.0, Some(Oppose))),
            ("support", rank_key(Support, 3, 9.0, Some(Oppose))),
            ("oppose, 1 cue", rank_key(Oppose, 1, 5.0, Some(Oppose))),
            ("oppose, 2 cues", rank_key(Oppose, 2, 1.0, Some(Oppose))),
            ("oppose, 1 cue, higher score", rank_key(Oppose, 1, 6.0, Some(Oppose))),
        ];
        c.sort_by(|x, y| x.1.partial_cmp(&y.1).unwrap());
        let order: Vec<&str> = c.iter().map(|x| x.0).collect();
        assert_eq!(
            order,
            ["oppose, 2 cues", "oppose, 1 cue, higher score", "oppose, 1 cue", "support", "neutral, high score"]
        );
    }
}
