//! Boilerplate passages: speech openings, salutations, procedural and date-only lines.
//!
//! Such passages share words that have nothing to do with a position ("In the name of God, the
//! Compassionate, the Merciful", "Monsieur le Président", "5 décembre … Secrétaire général"), so a
//! clustering that sees them groups them together by their formula, not by what they say. The
//! per-topic position clusters (`compare::clusters`) leave them out.
//!
//! The rule: the formulas of each kind (bilingual phrase lists below) and dates (month and
//! weekday names, digits) are taken out of the passage; if fewer than [`MIN_CONTENT_WORDS`]
//! content words (the analyser's: no stopwords, no numbers) remain and a formula or a date was
//! there, the passage is boilerplate of the first kind found. A short passage without any formula
//! is kept: it may be a terse position ("We oppose a new treaty.").

use serde::Serialize;

use super::analyze::{Analyzer, AnalyzerOptions};
use super::lang::Lang;

/// Fewer content words than this, once formulas and dates are out: nothing left to position.
pub const MIN_CONTENT_WORDS: usize = 8;

/// Why a passage is boilerplate. Names as in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boilerplate {
    /// A religious or ceremonial opening ("In the name of God, the Compassionate, the Merciful").
    Opening,
    /// An address to the chair or the audience ("Monsieur le Président", "Excellencies").
    Salutation,
    /// Procedure: agenda items, document symbols, reports of the Secretary-General, votes.
    Procedural,
    /// Only a date (and a place or a signature).
    DateOnly,
}

impl Boilerplate {
    pub fn as_str(self) -> &'static str {
        match self {
            Boilerplate::Opening => "opening",
            Boilerplate::Salutation => "salutation",
            Boilerplate::Procedural => "procedural",
            Boilerplate::DateOnly => "date_only",
        }
    }
}

const OPENINGS: &[&str] = &[
    "in the name of god",
    "in the name of allah",
    "the most gracious",
    "the most merciful",
    "the compassionate",
    "the merciful",
    "most compassionate",
    "most merciful",
    "bismillah",
    "au nom de dieu",
    "au nom d'allah",
    "le clément",
    "le miséricordieux",
    "le tout miséricordieux",
    "très miséricordieux",
    "peace be upon",
    "que la paix soit",
];

const SALUTATIONS: &[&str] = &[
    "mr. president",
    "mr president",
    "madam president",
    "madame president",
    "mr. chair",
    "mr chair",
    "madam chair",
    "mr. secretary-general",
    "mr secretary-general",
    "your excellency",
    "your excellencies",
    "excellencies",
    "excellency",
    "ladies and gentlemen",
    "distinguished delegates",
    "distinguished colleagues",
    "dear colleagues",
    "heads of state and government",
    "at the outset",
    "allow me to congratulate",
    "i congratulate",
    "i wish to congratulate",
    "on your election",
    "monsieur le président",
    "madame la présidente",
    "monsieur le secrétaire général",
    "madame la secrétaire générale",
    "mesdames et messieurs",
    "mesdames, messieurs",
    "chers collègues",
    "excellences",
    "excellence",
    "permettez-moi de vous féliciter",
    "je vous félicite",
    "pour votre élection",
];

const PROCEDURAL: &[&str] = &[
    "agenda item",
    "item of the agenda",
    "provisional agenda",
    "point de l'ordre du jour",
    "ordre du jour",
    "report of the secretary-general",
    "rapport du secrétaire général",
    "secretary-general",
    "secrétaire général",
    "note by the secretary-general",
    "note du secrétaire général",
    "the meeting was called to order",
    "the meeting rose",
    "la séance est ouverte",
    "la séance est levée",
    "i give the floor",
    "je donne la parole",
    "adopted without a vote",
    "adoptée sans vote",
    "recorded vote",
    "vote enregistré",
    "plenary meeting",
    "séance plénière",
    "session",
    "distr.",
    "original:",
    "thank you",
    "je vous remercie",
    "merci",
];

const DATE_WORDS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "new york",
    "genève",
    "geneva",
];

/// Is `text` (a normalised passage) boilerplate, and of which kind? See the module doc.
pub fn boilerplate(text: &str) -> Option<Boilerplate> {
    let mut rest = text.to_lowercase().replace(['’', 'ʼ'], "'");
    let mut kind = None;
    for (k, phrases) in [
        (Boilerplate::Opening, OPENINGS),
        (Boilerplate::Salutation, SALUTATIONS),
        (Boilerplate::Procedural, PROCEDURAL),
    ] {
        for phrase in phrases {
            if remove_phrase(&mut rest, phrase) {
                kind = kind.or(Some(k));
            }
        }
    }
    let analyzer = Analyzer::new(Lang::En, AnalyzerOptions::default());
    let tokens = analyzer.tokens(&rest);
    let content = tokens.iter().filter(|t| !DATE_WORDS.contains(&t.as_str())).count();
    if content >= MIN_CONTENT_WORDS {
        return None;
    }
    let dated = rest.chars().any(|c| c.is_ascii_digit())
        || tokens.iter().any(|t| DATE_WORDS.contains(&t.as_str()))
        || DATE_WORDS.iter().any(|d| d.contains(' ') && rest.contains(d));
    kind.or(dated.then_some(Boilerplate::DateOnly))
}

/// Removes every occurrence of `phrase` that stands as whole words in `text`; whether any was.
fn remove_phrase(text: &mut String, phrase: &str) -> bool {
    let mut found = false;
    let mut from = 0;
    while let Some(at) = text[from..].find(phrase).map(|i| i + from) {
        let end = at + phrase.len();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let bounded = !word(text[..at].chars().next_back()) && !word(text[end..].chars().next());
        if bounded {
            text.replace_range(at..end, " ");
            found = true;
            from = at + 1;
        } else {
            from = end;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_openings_and_salutations_are_boilerplate() {
        for (text, kind) in [
            ("In the name of God, the Compassionate, the Merciful.", Boilerplate::Opening),
            ("In the name of Allah, the Most Gracious, the Most Merciful. Mr. President,", Boilerplate::Opening),
            ("Au nom de Dieu, le Clément, le Miséricordieux.", Boilerplate::Opening),
            ("Monsieur le Président,", Boilerplate::Salutation),
            ("Monsieur le Président, Mesdames et Messieurs, chers collègues,", Boilerplate::Salutation),
            (
                "Mr. President, allow me to congratulate you on your election to the presidency of this Assembly.",
                Boilerplate::Salutation,
            ),
            ("Excellencies, ladies and gentlemen,", Boilerplate::Salutation),
            ("Rapport du Secrétaire général, 5 décembre 2018", Boilerplate::Procedural),
            ("Agenda item 93. Thank you, Mr. Chair.", Boilerplate::Salutation),
            ("New York, le 12 décembre 2023", Boilerplate::DateOnly),
            ("Geneva, 3 March 2021", Boilerplate::DateOnly),
        ] {
            assert_eq!(boilerplate(text), Some(kind), "{text}");
        }
    }

    #[test]
    fn positions_are_not_boilerplate_even_after_a_salutation() {
        for text in [
            "Monsieur le Président, la France estime que le droit international existant s'applique au cyberespace \
             et qu'un nouvel instrument juridiquement contraignant n'est pas nécessaire.",
            "Mr. President, Russia calls for a universal legally binding convention on international information \
             security under the auspices of the United Nations.",
            "We oppose a new treaty.",
            "The Budapest Convention remains the only binding international instrument on cybercrime.",
            // "merciful" inside a word-boundary check: "session" must not match "sessional"-like words
            "Intersessional consultations should remain open to all Member States and stakeholders in the process.",
        ] {
            assert_eq!(boilerplate(text), None, "{text}");
        }
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let mut s = "intersession sessions session".to_string();
        assert!(remove_phrase(&mut s, "session"));
        assert_eq!(s, "intersession sessions  ");
        let mut s = "mergers".to_string();
        assert!(!remove_phrase(&mut s, "merci"));
    }
}
