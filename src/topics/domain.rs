//! The domain gate: is a passage about ICTs / cyberspace / the Internet / information security /
//! AI governance? The 13 topics are propositions *about* that domain, and their words are often
//! general ("human rights", "sanctions", "arms race"): on general texts (UN General Debate
//! speeches, news) most passages that reach a topic's score are about something else. So every
//! passage gets a [`Domain`] decision, and topics flagged `requires_domain` in the lexicon are
//! kept only on passages that are in the domain.
//!
//! The decision is a chain of small filters, each a function of its own:
//!
//! 1. [`term_hits`] — the passage's own evidence: the `[domain]` expressions of the lexicon
//!    (`cyber*`, `ICT`, `TIC`, `Internet`, `numérique`, `en ligne`, `sécurité de l'information`,
//!    `artificial intelligence`…), strong or weak, minus those inside a `not` expression (`en ligne
//!    avec`, `virtual meeting`).
//! 2. [`listed`] — a domain word that is only one item of a long enumeration of other matters
//!    ("peace, development, cybersecurity, climate, migration") counts `list_discount` times.
//! 3. [`own_score`] — `Σ weight × (1 + ln count)` over the distinct expressions, divided by
//!    `sqrt(words / length_norm_words)` for long passages, so a single mention in a long paragraph
//!    about something else does not make it about the domain.
//! 4. [`decide`] — the context: `document_weight ×` the share of the document's passages that are
//!    in the domain on their own evidence (a paragraph on human rights inside a statement on
//!    cybercrime is in; in a general speech it is not), plus `neighbour_weight` for each adjacent
//!    passage that is in on its own evidence. In when the total reaches `threshold`.
//!
//! Every decision carries its score and the evidence that decided it, for display.

use serde::{Deserialize, Serialize};

use super::index::PatternSet;
use super::pattern::Tokens;

/// The domain decision of one passage: in or out, its score and what decided it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    /// In the domain: the passage may get topics that require it.
    #[serde(rename = "in")]
    pub in_domain: bool,
    /// Own evidence plus context; in when it reaches the lexicon's `[domain] threshold`.
    pub score: f64,
    /// What decided, in this order: the expressions found (`cybersecurity ×2`), a discount
    /// (`listed ×0.5`), the context (`document 40% in (+0.80)`, `neighbours 1 (+0.50)`).
    pub evidence: Vec<String>,
}

/// Tunables and expressions of the `[domain]` table of the lexicon.
#[derive(Debug, Clone)]
pub(crate) struct DomainRules {
    pub settings: DomainSettings,
    /// Strong and weak expressions (one set; `weights[p]` is pattern p's weight).
    pub terms: PatternSet,
    pub weights: Vec<f64>,
    /// Expressions in which a domain word is not about the domain.
    pub not: PatternSet,
    /// Coordinating conjunctions that end an enumeration (lowercase words).
    pub list_words: Vec<String>,
}

/// The numbers of the `[domain]` table (see `models/topics.toml` for their meaning).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub(crate) struct DomainSettings {
    pub threshold: f64,
    pub weak_weight: f64,
    pub length_norm_words: f64,
    pub list_discount: f64,
    /// Most words of a list item for it to count as one ("cyber threats", not a clause).
    pub list_item_words: usize,
    /// Fewest items (separators + 1) for a sentence to count as an enumeration.
    pub list_min_items: usize,
    pub document_weight: f64,
    pub neighbour_weight: f64,
}

/// One occurrence of a domain expression: pattern index and token range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

/// What a passage says about the domain on its own (filters 1–3).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnEvidence {
    pub score: f64,
    /// Expressions as written in the passage (lowercased), with their counts, in text order.
    pub found: Vec<(String, usize)>,
    /// Every hit sat in one item of an enumeration of other matters (filter 2).
    pub listed: bool,
}

impl OwnEvidence {
    /// In on its own evidence alone.
    pub(crate) fn is_in(&self, s: &DomainSettings) -> bool {
        self.score >= s.threshold && self.score > 0.0
    }
}

/// Filter 1: occurrences of the domain expressions, longest first then leftmost, not
/// overlapping, leaving out those inside a `not` expression.
pub(crate) fn term_hits(rules: &DomainRules, t: &Tokens) -> Vec<Hit> {
    let mut blocked = vec![false; t.words.len()];
    for m in rules.not.all_matches(t) {
        blocked[m.start..m.end].iter_mut().for_each(|b| *b = true);
    }
    let mut found: Vec<Hit> = (0..t.words.len())
        .flat_map(|i| {
            rules.terms.candidates(t, i).filter_map(move |p| {
                rules.terms.patterns[p].match_at(t, i).map(|m| Hit { pattern: p, start: m.start, end: m.end })
            })
        })
        .collect();
    found.sort_by(|a, b| (b.end - b.start).cmp(&(a.end - a.start)).then(a.start.cmp(&b.start)));
    let mut taken = vec![false; t.words.len()];
    let mut hits = Vec::new();
    for h in found {
        // A concept-led pattern (`@itu`) may end on the token it starts on when the concept is empty.
        let span = h.start..h.end.max(h.start + 1).min(t.words.len());
        if taken[span.clone()].iter().any(|&x| x) || blocked[span.clone()].iter().any(|&x| x) {
            continue;
        }
        taken[span].iter_mut().for_each(|x| *x = true);
        hits.push(h);
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// Text between token `i - 1` and token `i` (empty for the first token).
fn gap<'a>(t: &Tokens<'a>, i: usize) -> &'a str {
    if i == 0 || i >= t.words.len() {
        return "";
    }
    &t.text[t.words[i - 1].end..t.words[i].start]
}

const SENTENCE_END: [char; 4] = ['.', '!', '?', ':'];
const ITEM_SEP: [char; 2] = [',', ';'];

/// Filter 2: every hit is one short item of an enumeration, and the domain is fewer than half of
/// that enumeration's items — a mention among other matters, not the subject. An enumeration is
/// a sentence of at least `list_min_items` items separated by commas or semicolons, with a
/// coordinating conjunction (`list_words`: and, or, et, ou…) in the hit's item or a later one,
/// as lists end ("poverty, pandemics, cybercrime and terrorism"); commas around an incidental
/// clause ("welcomes, as contained in the Roadmap on Digital Cooperation, …") do not make one.
pub(crate) fn listed(s: &DomainSettings, conjunctions: &[String], t: &Tokens, hits: &[Hit]) -> bool {
    if hits.is_empty() {
        return false;
    }
    let n = t.words.len();
    // Sentence and item of each token: ids that change at sentence ends and at separators.
    let (mut sentence, mut item) = (vec![0usize; n], vec![0usize; n]);
    for i in 1..n {
        let g = gap(t, i);
        let new_sentence = g.contains(SENTENCE_END);
        sentence[i] = sentence[i - 1] + usize::from(new_sentence);
        item[i] = item[i - 1] + usize::from(new_sentence || g.contains(ITEM_SEP));
    }
    let is_conjunction = |i: usize| conjunctions.iter().any(|c| c == t.word(i));
    // A conjunction inside an item joins two of the enumeration's members ("in health care and in
    // the green and digital transition"): a hit's own member runs between the conjunctions
    // around it (not those inside a hit: "information and communication technologies").
    let in_hit = |i: usize| hits.iter().any(|h| h.start < i && i < h.end);
    let member_words = |h: &Hit| {
        let bound = |i: usize| is_conjunction(i) && !in_hit(i);
        let first = (0..h.start).rev().take_while(|&i| item[i] == item[h.start] && !bound(i)).count();
        let last = (h.start..n).take_while(|&i| item[i] == item[h.start] && (i == h.start || !bound(i))).count();
        first + last
    };
    let mut domain_items: Vec<usize> = hits.iter().map(|h| item[h.start]).collect();
    domain_items.dedup();
    domain_items.iter().all(|&it| {
        let first = item.iter().position(|&x| x == it).unwrap_or(0);
        let sent = sentence[first];
        let tokens: Vec<usize> = (0..n).filter(|&i| sentence[i] == sent).collect();
        let mut items: Vec<usize> = tokens.iter().map(|&i| item[i]).collect();
        items.dedup();
        let in_list = domain_items.iter().filter(|d| items.contains(d)).count();
        let words = hits.iter().filter(|h| item[h.start] == it).map(member_words).max().unwrap_or(0);
        let ends_like_a_list = tokens.iter().any(|&i| item[i] >= it && is_conjunction(i));
        items.len() >= s.list_min_items && words <= s.list_item_words && 2 * in_list < items.len() && ends_like_a_list
    })
}

/// Filter 3: the passage's own score from its hits (see the module doc).
pub(crate) fn own_score(rules: &DomainRules, t: &Tokens, hits: &[Hit], is_listed: bool) -> OwnEvidence {
    // Distinct expressions by what they matched (lowercased surface), in text order.
    let mut found: Vec<(String, usize, f64)> = Vec::new();
    for h in hits {
        let surface = t.text[t.words[h.start].start..t.words[h.end.max(h.start + 1) - 1].end].to_lowercase();
        let w = rules.weights[h.pattern];
        match found.iter_mut().find(|(s, _, _)| *s == surface) {
            Some(f) => f.1 += 1,
            None => found.push((surface, 1, w)),
        }
    }
    let raw: f64 = found.iter().map(|(_, c, w)| w * (1.0 + (*c as f64).ln())).sum();
    let s = &rules.settings;
    let norm = (t.words.len() as f64 / s.length_norm_words).sqrt().max(1.0);
    let discount = if is_listed { s.list_discount } else { 1.0 };
    OwnEvidence {
        score: raw / norm * discount,
        found: found.into_iter().map(|(s, c, _)| (s, c)).collect(),
        listed: is_listed,
    }
}

/// Filter 4: the decisions of one document's passages (in order) from their own evidence and
/// their context — the document's in-domain share and the adjacent passages.
pub(crate) fn decide(s: &DomainSettings, own: &[&OwnEvidence]) -> Vec<Domain> {
    (0..own.len()).map(|i| decide_in(s, own[i], own, Some(i))).collect()
}

/// The decision of a passage with evidence `own` in a document whose passages (in order) have
/// the evidence `doc`; `at` is the passage's place in `doc` when known (its neighbours count).
/// Context counts only for documents of more than one passage: alone, the share would be the
/// passage's own decision.
pub(crate) fn decide_in(s: &DomainSettings, own: &OwnEvidence, doc: &[&OwnEvidence], at: Option<usize>) -> Domain {
    let mut evidence: Vec<String> =
        own.found.iter().map(|(w, c)| if *c > 1 { format!("{w} ×{c}") } else { w.clone() }).collect();
    if own.listed {
        evidence.push(format!("listed ×{}", s.list_discount));
    }
    let mut score = own.score;
    let n = doc.len();
    if n > 1 {
        let share = doc.iter().filter(|o| o.is_in(s)).count() as f64 / n as f64;
        let add = s.document_weight * share;
        if add > 0.0 {
            evidence.push(format!("document {:.0}% in (+{add:.2})", share * 100.0));
            score += add;
        }
        let neighbours = at.map_or(0, |i| {
            [i.checked_sub(1), Some(i + 1)].into_iter().flatten().filter(|&j| j < n && doc[j].is_in(s)).count()
        });
        if neighbours > 0 {
            let add = s.neighbour_weight * neighbours as f64;
            evidence.push(format!("neighbours {neighbours} (+{add:.2})"));
            score += add;
        }
    }
    Domain { in_domain: score >= s.threshold && score > 0.0, score, evidence }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::Lexicon;

    fn settings() -> DomainSettings {
        DomainSettings {
            threshold: 1.0,
            weak_weight: 0.5,
            length_norm_words: 120.0,
            list_discount: 0.5,
            list_item_words: 8,
            list_min_items: 4,
            document_weight: 3.0,
            neighbour_weight: 0.5,
        }
    }

    fn own(score: f64) -> OwnEvidence {
        OwnEvidence { score, found: vec![("cyber".into(), 1)], listed: false }
    }

    fn evidence(text: &str) -> OwnEvidence {
        Lexicon::builtin().domain_evidence(text)
    }

    #[test]
    fn terms_are_found_in_both_languages_and_not_inside_not_expressions() {
        for text in [
            "Cyberattacks against hospitals are unacceptable.",
            "Les technologies de l'information et des communications transforment nos sociétés.",
            "We must close the digital divide.",
            "La fracture numérique se creuse.",
            "Human rights must be protected online.",
            "Les droits de l'homme doivent être protégés en ligne.",
            "The governance of artificial intelligence needs rules.",
            "La sécurité internationale de l'information est une priorité.",
        ] {
            let e = evidence(text);
            assert!(e.is_in(&settings()), "{text}: {e:?}");
        }
        for text in [
            "Human rights constitute the backbone of the multilateral system.",
            "Les droits de l'homme sont le socle du système multilatéral.",
            "Military expenditures are skyrocketing along with an unabated arms race.",
            "Notre politique est en ligne avec les objectifs de développement durable.",
            "It is an honour to address this first virtual session of the General Assembly.",
            "J'ai l'honneur de prendre la parole devant cette Assemblée.",
        ] {
            let e = evidence(text);
            assert!(!e.is_in(&settings()), "{text}: {e:?}");
        }
    }

    #[test]
    fn a_mention_in_an_enumeration_of_other_matters_is_discounted() {
        let text =
            "We face many challenges: poverty, climate change, pandemics, cyber threats, migration and terrorism.";
        let e = evidence(text);
        assert!(e.listed && !e.is_in(&settings()), "{e:?}");
        let fr = "Nous faisons face à la pauvreté, au changement climatique, aux pandémies, à la cybercriminalité, aux migrations et au terrorisme.";
        assert!(evidence(fr).listed, "{:?}", evidence(fr));
        // A member joined by a conjunction inside a longer item is one member of the list.
        let text = "That means investing in infrastructure, in education, in health care and in the green and digital transition, all of which reduce poverty.";
        assert!(evidence(text).listed, "{:?}", evidence(text));
        let fr = "Il faut investir dans les infrastructures, dans l'éducation, dans la santé et dans la transition verte et numérique, qui réduisent la pauvreté.";
        assert!(evidence(fr).listed, "{:?}", evidence(fr));
        // A conjunction inside an expression does not cut it, nor does a short clause make a list.
        let e = evidence("Cybercrime and terrorism, however, know no borders.");
        assert!(!e.listed && e.is_in(&settings()), "{e:?}");
        // A list whose items are the domain is about the domain.
        let text = "Our agenda covers cybersecurity, the digital divide, online hate speech and data protection.";
        let e = evidence(text);
        assert!(!e.listed && e.is_in(&settings()), "{e:?}");
        // A short clause is not an enumeration, nor are commas around an incidental clause.
        let e = evidence("Cybercrime, however, knows no borders.");
        assert!(!e.listed && e.is_in(&settings()), "{e:?}");
        let text = "Ghana, therefore, welcomes the recommendation, as contained in the Roadmap on Digital Cooperation, to ensure that no one is left behind.";
        assert!(!evidence(text).listed, "{:?}", evidence(text));
    }

    #[test]
    fn one_mention_in_a_long_paragraph_weighs_less() {
        let filler = "The Assembly must address poverty and hunger in the least developed countries. ".repeat(20);
        let short = evidence("Digital cooperation must grow.");
        let long = evidence(&format!("{filler} Digital cooperation must grow."));
        assert!(short.is_in(&settings()) && !long.is_in(&settings()), "{short:?} {long:?}");
        assert!(long.score < short.score);
    }

    #[test]
    fn document_share_brings_in_passages_of_a_cyber_document_only() {
        let s = settings();
        let (yes, no) = (own(1.5), own(0.0));
        // A cyber statement: most passages in on their own; the others follow.
        let d = decide(&s, &[&yes, &no, &yes, &yes]);
        assert!(d.iter().all(|x| x.in_domain), "{d:?}");
        assert!(d[1].evidence.iter().any(|e| e.starts_with("document 75%")), "{:?}", d[1].evidence);
        // A general speech with one cyber paragraph: its far passages stay out.
        let mut speech = vec![&no; 20];
        speech[10] = &yes;
        let d = decide(&s, &speech);
        assert!(d[10].in_domain && !d[0].in_domain && !d[19].in_domain);
    }

    #[test]
    fn neighbours_bring_in_a_passage_between_two_domain_passages() {
        let s = settings();
        let (yes, no, weak) = (own(1.5), own(0.0), own(0.5));
        let mut speech = vec![&no; 20];
        speech[9] = &yes;
        speech[11] = &yes;
        let d = decide(&s, &speech);
        assert!(d[10].in_domain, "{:?}", d[10]);
        assert!(d[10].evidence.iter().any(|e| e == "neighbours 2 (+1.00)"), "{:?}", d[10].evidence);
        assert!(!d[8].in_domain, "one neighbour alone is not enough: {:?}", d[8]);
        speech[8] = &weak;
        assert!(decide(&s, &speech)[8].in_domain, "one neighbour and a weak word of its own");
    }

    #[test]
    fn a_passage_alone_is_decided_on_its_own_evidence() {
        let s = settings();
        assert!(decide(&s, &[&own(1.0)])[0].in_domain);
        let d = decide(&s, &[&own(0.5)]);
        assert!(!d[0].in_domain && d[0].score == 0.5);
        assert!(decide(&s, &[]).is_empty());
    }
}
