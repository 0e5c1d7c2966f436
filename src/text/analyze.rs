//! Tokenisation. [`words`] is the base layer shared by the analyser and by the topic
//! lexicon's phrase matcher: lowercase word tokens with byte offsets, French elisions split off.
//! [`Analyzer::tokens`] turns a normalised passage into the content tokens the vectoriser counts.

use std::collections::HashSet;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::normalize::{strip_accents, ELIDED};

/// One word of a text, with its byte span in the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercased word, elision removed (`l'État` → `état`).
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Splits `s` into lowercase words (runs of alphanumeric characters joined by inner hyphens),
/// dropping French elided articles (`l'`, `d'`, `qu'`…) with either apostrophe.
pub fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    each_word(s, |start, end, text| out.push(Word { text: text.to_string(), start, end }));
    out
}

/// [`words`] without allocating a string per word: `f(start, end, lowercased word)` for each
/// word in order (the word is in a buffer reused for the next one).
pub fn each_word(s: &str, mut f: impl FnMut(usize, usize, &str)) {
    let mut buf = String::new();
    for (start, end) in word_spans(s) {
        lowercase_into(&s[start..end], &mut buf);
        f(start, end, &buf);
    }
}

/// Byte spans of the words of `s`, in order, elided articles skipped. Allocation-free, so
/// [`Analyzer::tokens`] only allocates for the tokens it keeps.
fn word_spans(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || loop {
        let rest = &s[pos..];
        let start = pos + rest.find(is_word_char)?;
        let mut end = start;
        let mut chars = s[start..].chars().peekable();
        let mut after = None;
        while let Some(c) = chars.next() {
            let inner_hyphen = c == '-' && chars.peek().is_some_and(|&n| is_word_char(n));
            if !(is_word_char(c) || inner_hyphen) {
                after = Some(c);
                break;
            }
            end += c.len_utf8();
        }
        pos = end;
        let elided =
            matches!(after, Some('\'' | '’' | 'ʼ')) && ELIDED.iter().any(|e| e.eq_ignore_ascii_case(&s[start..end]));
        if !elided {
            return Some((start, end));
        }
    })
}

/// Alphanumeric, except the modifier-letter apostrophe `ʼ`, which Unicode counts as a letter
/// but French texts use as an apostrophe (`dʼinformation`).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && c != 'ʼ'
}

/// Lowercases `w` into `buf` (cleared first); a plain copy for ASCII text.
fn lowercase_into(w: &str, buf: &mut String) {
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(w.chars().flat_map(char::to_lowercase));
    }
}

/// Analyser switches, recorded in the fitted model so new texts are tokenised the same way.
/// All off by default; `keep_stopwords` and `keep_numbers` exist to mimic scikit-learn's
/// default analyser (no stopword list, numbers are tokens) in the agreement check of `perf/`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct AnalyzerOptions {
    /// Snowball stemming (off by default: display terms stay readable).
    pub stem: bool,
    /// `sécurité` → `securite` (off by default: accents distinguish French words).
    pub strip_accents: bool,
    /// Keep stopwords (`--stopwords none`).
    #[serde(default)]
    pub keep_stopwords: bool,
    /// Keep tokens without a letter, such as `2030` (`--keep-numbers`).
    #[serde(default)]
    pub keep_numbers: bool,
}

/// Turns normalised text of one language into content tokens.
pub struct Analyzer {
    options: AnalyzerOptions,
    stemmer: Option<Stemmer>,
}

impl Analyzer {
    pub fn new(lang: Lang, options: AnalyzerOptions) -> Self {
        let algorithm = match lang {
            Lang::Fr => Algorithm::French,
            Lang::En => Algorithm::English,
        };
        Analyzer { options, stemmer: options.stem.then(|| Stemmer::create(algorithm)) }
    }

    /// Content tokens of an already-normalised text: words → drop stopwords → drop tokens
    /// without a letter (numbers, `2021-2025`) and 1-character tokens → optional Snowball stem →
    /// optional accent stripping. Order preserved (bigrams are built from this sequence later).
    /// `keep_stopwords` / `keep_numbers` skip the first two filters.
    ///
    /// Stopwords of both languages are dropped whatever the analyser's language: quotes and
    /// names mix them (`the Convention de Budapest`), and the two lists share no content word
    /// of this domain.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut buf = String::new();
        let mut out = Vec::new();
        for (start, end) in word_spans(text) {
            lowercase_into(&text[start..end], &mut buf);
            let mut chars = buf.chars();
            let long_enough = chars.next().is_some() && chars.next().is_some();
            let o = &self.options;
            if !long_enough
                || !(o.keep_numbers || buf.chars().any(char::is_alphabetic))
                || !o.keep_stopwords && stopwords(None).contains(buf.as_str())
            {
                continue;
            }
            let token = match &self.stemmer {
                Some(stemmer) => stemmer.stem(&buf).into_owned(),
                None => buf.clone(),
            };
            out.push(if self.options.strip_accents { strip_accents(&token) } else { token });
        }
        out
    }
}

/// Whether `word` (lowercase, accents kept) is in the stopword list of `lang`
/// (`src/text/stopwords/{fr,en}.txt`).
pub fn is_stopword(lang: Lang, word: &str) -> bool {
    stopwords(Some(lang)).contains(word)
}

/// The stopword set of one language, or of both (`None`, one lookup per token in [`Analyzer::tokens`]).
fn stopwords(lang: Option<Lang>) -> &'static HashSet<&'static str> {
    static SETS: [OnceLock<HashSet<&'static str>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    const FR: &str = include_str!("stopwords/fr.txt");
    const EN: &str = include_str!("stopwords/en.txt");
    let (slot, data): (usize, &[&'static str]) = match lang {
        Some(Lang::Fr) => (0, &[FR]),
        Some(Lang::En) => (1, &[EN]),
        None => (2, &[FR, EN]),
    };
    SETS[slot].get_or_init(|| {
        data.iter().flat_map(|d| d.lines()).map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        words(s).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn elision_and_offsets() {
        assert_eq!(texts("l'État qu’il d'information"), ["état", "il", "information"]);
        assert_eq!(texts("L’État QU'IL Dʼinformation lorsqu'elle"), ["état", "il", "information", "elle"]);
        let w = words("L’État");
        assert_eq!((w[0].start, w[0].end), ("L’".len(), "L’État".len()));
        let s = "Vu l'accord, la SÉCURITÉ.";
        for w in words(s) {
            assert_eq!(s[w.start..w.end].to_lowercase(), w.text);
        }
    }

    #[test]
    fn hyphenated_words_stay_whole() {
        assert_eq!(texts("Saint-Pétersbourg multi-parties -x"), ["saint-pétersbourg", "multi-parties", "x"]);
        assert_eq!(texts("COVID-19 (2021-2025) 78/237"), ["covid-19", "2021-2025", "78", "237"]);
    }

    #[test]
    fn stopwords_keep_stance_words() {
        for w in ["état", "états", "contre", "sans", "non", "pas", "ni"] {
            assert!(!is_stopword(Lang::Fr, w), "{w}");
        }
        for w in ["not", "no", "against", "without", "should", "must"] {
            assert!(!is_stopword(Lang::En, w), "{w}");
        }
        assert!(is_stopword(Lang::Fr, "les") && is_stopword(Lang::Fr, "été") && is_stopword(Lang::En, "the"));
        assert!(!is_stopword(Lang::Fr, "the"));
    }

    #[test]
    fn tokens_drop_stopwords_numbers_and_single_letters() {
        let a = Analyzer::new(Lang::Fr, AnalyzerOptions::default());
        assert_eq!(
            a.tokens("L'État n'est pas contre la résolution 78/237 (2021-2025) sans l'accord des États, a dit X."),
            ["état", "pas", "contre", "résolution", "sans", "accord", "états", "dit"]
        );
        let en = Analyzer::new(Lang::En, AnalyzerOptions::default());
        assert_eq!(
            en.tokens("The States should not act against the Convention"),
            ["states", "should", "not", "act", "against", "convention"]
        );
    }

    #[test]
    fn stopwords_and_numbers_kept_on_request() {
        let all = AnalyzerOptions { keep_stopwords: true, keep_numbers: true, ..Default::default() };
        let a = Analyzer::new(Lang::En, all);
        assert_eq!(a.tokens("The 2030 Agenda of the UN, a plan"), ["the", "2030", "agenda", "of", "the", "un", "plan"]);
        let numbers = Analyzer::new(Lang::En, AnalyzerOptions { keep_numbers: true, ..Default::default() });
        assert_eq!(numbers.tokens("The 2030 Agenda"), ["2030", "agenda"]);
    }

    #[test]
    fn stemming_on_and_off() {
        let plain = Analyzer::new(Lang::Fr, AnalyzerOptions::default());
        assert_eq!(plain.tokens("normes internationales"), ["normes", "internationales"]);
        let stem = Analyzer::new(Lang::Fr, AnalyzerOptions { stem: true, ..Default::default() });
        assert_eq!(stem.tokens("normes internationales"), ["norm", "international"]);
        let en = Analyzer::new(Lang::En, AnalyzerOptions { stem: true, ..Default::default() });
        assert_eq!(en.tokens("binding norms"), ["bind", "norm"]);
    }

    /// Throughput on the UN General Debate subset: `cargo test --release --lib ungdc_throughput
    /// -- --ignored --nocapture` after `tar -xJf ../shared/corpora/ungdc-50mb.tar.xz -C /tmp`
    /// (or set `STANCE_UNGDC_DIR` to the `txt/` folder).
    #[test]
    #[ignore]
    fn ungdc_throughput() {
        use crate::text::{normalize::normalize, segment};
        use std::time::Instant;
        let dir = std::env::var("STANCE_UNGDC_DIR").unwrap_or_else(|_| "/tmp/ungdc-50mb/txt".into());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("extract the UNGDC subset to {dir} first");
        };
        let docs: Vec<String> = entries.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
        let mb = docs.iter().map(String::len).sum::<usize>() as f64 / 1e6;
        let t = Instant::now();
        let texts: Vec<String> = docs
            .iter()
            .flat_map(|d| {
                segment::passages(d, &segment::SegmentParams::default())
                    .into_iter()
                    .map(|s| normalize(&d[s.start..s.end]))
            })
            .collect();
        let segment_normalize = t.elapsed().as_secs_f64();
        let analyzer = Analyzer::new(Lang::En, AnalyzerOptions::default());
        let t = Instant::now();
        let tokens: usize = texts.iter().map(|p| analyzer.tokens(p).len()).sum();
        let tokenize = t.elapsed().as_secs_f64();
        println!(
            "{mb:.1} MB, {} passages: passages+normalize {segment_normalize:.2}s ({:.0} MB/s); tokens {tokenize:.2}s \
             ({tokens} tokens, {:.1} M tokens/s)",
            texts.len(),
            mb / segment_normalize,
            tokens as f64 / 1e6 / tokenize
        );
        assert!(texts.len() > docs.len() && tokens > texts.len());
    }

    #[test]
    fn accents_stripped_only_when_asked() {
        let keep = Analyzer::new(Lang::Fr, AnalyzerOptions::default());
        assert_eq!(keep.tokens("sécurité numérique"), ["sécurité", "numérique"]);
        let strip = Analyzer::new(Lang::Fr, AnalyzerOptions { strip_accents: true, ..Default::default() });
        assert_eq!(strip.tokens("sécurité numérique"), ["securite", "numerique"]);
    }
}
