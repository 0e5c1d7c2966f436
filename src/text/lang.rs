//! Language of a text: French or English.

use serde::{Deserialize, Serialize};

use super::analyze::{is_stopword, words};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a manifest `lang` value (`fr`, `en`, case-insensitive; `fra`/`eng` accepted).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "fr" | "fra" | "fre" | "french" | "français" => Some(Lang::Fr),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// How much of a text [`detect`] reads: a few paragraphs are plenty, and long documents stay cheap.
const SAMPLE_BYTES: usize = 4096;

/// Guesses the language of `text` by counting, in its first few KB, the words that are
/// stopwords in one language only (`les`, `des` vs `the`, `of`). Ties (no evidence) go to
/// French, the corpus's first language.
pub fn detect(text: &str) -> Lang {
    let mut cut = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let (mut fr, mut en) = (0usize, 0usize);
    for w in words(&text[..cut]) {
        match (is_stopword(Lang::Fr, &w.text), is_stopword(Lang::En, &w.text)) {
            (true, false) => fr += 1,
            (false, true) => en += 1,
            _ => {}
        }
    }
    if en > fr {
        Lang::En
    } else {
        Lang::Fr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_seed_languages() {
        let fr = include_str!("../../seeds/2023-12-22_unga_resolution-78-237.txt");
        let en = include_str!("../../seeds/016_uk-statement-international-law-cyberspace-2021.txt");
        assert_eq!(detect(fr), Lang::Fr);
        assert_eq!(detect(en), Lang::En);
        assert_eq!(detect("Les États ne doivent pas"), Lang::Fr);
        assert_eq!(detect("The States should not"), Lang::En);
        assert_eq!(detect(&"é".repeat(3000)), Lang::Fr); // cut lands inside a 2-byte char
    }

    #[test]
    fn parses_codes() {
        assert_eq!(Lang::parse(" FR "), Some(Lang::Fr));
        assert_eq!(Lang::parse("eng"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::Fr.code(), "fr");
    }
}
