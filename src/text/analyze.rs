//! Tokenisation. [`words`] is the base layer shared by the analyser and by the topic
//! lexicon's phrase matcher: lowercase word tokens with byte offsets, French elisions split off.

/// One word of a text, with its byte span in the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercased word, elision removed (`l'État` → `état`).
    pub text: String,
    pub start: usize,
    pub end: usize,
}

const ELIDED: &[&str] = &["l", "d", "qu", "n", "s", "c", "j", "m", "t", "lorsqu", "puisqu", "jusqu", "quoiqu"];

/// Splits `s` into lowercase words (runs of alphanumeric characters joined by inner hyphens),
/// dropping French elided articles (`l'`, `d'`, `qu'`…) with either apostrophe.
pub fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let bytes_end = s.len();
    let push = |from: usize, to: usize, out: &mut Vec<Word>| {
        let w = &s[from..to];
        let w = w.trim_matches('-');
        if w.is_empty() {
            return;
        }
        out.push(Word { text: w.to_lowercase(), start: from, end: to });
    };
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let is_word = c.is_alphanumeric()
            || (c == '-' && start.is_some() && iter.peek().is_some_and(|(_, n)| n.is_alphanumeric()));
        if is_word {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(b) = start.take() {
            let is_apos = matches!(c, '\'' | '’' | 'ʼ');
            let w = s[b..i].to_lowercase();
            if is_apos && ELIDED.contains(&w.as_str()) {
                continue; // elided article: drop it, the next word starts after the apostrophe
            }
            push(b, i, &mut out);
        }
    }
    if let Some(b) = start {
        push(b, bytes_end, &mut out);
    }
    out
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
        let w = words("L’État");
        assert_eq!((w[0].start, w[0].end), ("L’".len(), "L’État".len()));
    }

    #[test]
    fn hyphenated_words_stay_whole() {
        assert_eq!(texts("Saint-Pétersbourg multi-parties -x"), ["saint-pétersbourg", "multi-parties", "x"]);
    }
}
