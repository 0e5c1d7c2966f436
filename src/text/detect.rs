//! Guessing the language of a text (French or English) when the manifest does not say.

use super::analyze::{is_stopword, words};
use super::lang::Lang;

/// How much of a text [`language`] reads: a few paragraphs are plenty, and long documents stay cheap.
const SAMPLE_BYTES: usize = 4096;

/// Guesses the language of `text` by counting, in its first few KB, the words that are
/// stopwords in one language only (`les`, `des` vs `the`, `of`). Ties (no evidence) go to
/// French, the corpus's first language.
pub fn language(text: &str) -> Lang {
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
        assert_eq!(language(fr), Lang::Fr);
        assert_eq!(language(en), Lang::En);
        assert_eq!(language("Les États ne doivent pas"), Lang::Fr);
        assert_eq!(language("The States should not"), Lang::En);
        assert_eq!(language(&"é".repeat(3000)), Lang::Fr); // cut lands inside a 2-byte char
    }
}
