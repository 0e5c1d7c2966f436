//! Canonical passage text: one linear pass that maps look-alike characters to one form,
//! collapses whitespace and repairs the PDF / web extraction artefacts actually seen in
//! `seeds/` and in the UN General Debate corpus. Each repair is deliberately narrow (it needs
//! the exact shape seen in the data) so that clean text goes through untouched.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// French articles and conjunctions that elide before a vowel (`l'`, `qu'`…). Shared with
/// [`crate::text::analyze::words`], which drops them.
pub(crate) const ELIDED: &[&str] =
    &["l", "d", "qu", "n", "s", "c", "j", "m", "t", "lorsqu", "puisqu", "jusqu", "quoiqu"];

/// Ordinal exponents that PDF extraction puts on their own line (`79\ne\n session`).
const ORDINALS: &[&str] = &["ème", "er", "re", "es", "e"];

/// Canonical text of one passage for analysis and display: Unicode NFC; ’ ʼ ‘ → ';
/// NBSP / narrow NBSP / other Unicode spaces → ' '; PDF repairs (below); whitespace collapsed to
/// single spaces; trimmed. Case is KEPT (lowercasing happens in `words`).
///
/// Repairs (each seen in the seeds or the UN General Debate corpus):
/// - hyphen at a line end joins the lines, hyphen kept: `celles -\n\nci` → `celles-ci`,
///   `Secretary-\nGeneral` → `Secretary-General` (not before `and`/`or`/`et`/`ou`: `short-\nand long-term`);
/// - ordinal exponent on its own line: `79\ne\n session` → `79e session`;
/// - space inside an elision: `l ’information` → `l'information`;
/// - the split suffix `sécuri té` → `sécurité`;
/// - space before `,` / `.`: `spécialisées , à` → `spécialisées, à`, `frameworks ,norms` → `frameworks, norms`;
/// - sentences glued after a period: `russe.En 2019` → `russe. En 2019` (needs two lowercase
///   letters before the period, so `U.S.` and `A/78/265.` are left alone);
/// - OCR discretionary hyphen `Govern¬ment` → `Government`; zero-width characters and BOMs dropped.
pub fn normalize(raw: &str) -> String {
    let text: Cow<str> = match is_nfc_quick(raw.chars()) {
        IsNormalized::Yes => Cow::Borrowed(raw),
        _ => Cow::Owned(raw.nfc().collect()),
    };
    let s = text.as_ref();
    let mut out = String::with_capacity(s.len());
    // Whitespace seen since the last emitted character: none, spaces only, or with a line break.
    let mut gap = Gap::None;
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        i += c.len_utf8();
        let c = match c {
            '’' | 'ʼ' | '‘' => '\'',
            '\u{feff}' | '\u{200b}' | '\u{2060}' | '\u{ad}' => continue,
            '\n' => {
                gap = Gap::Newline;
                continue;
            }
            c if c.is_whitespace() => {
                gap = gap.max(Gap::Space);
                continue;
            }
            '¬' if ends_with_letter(&out) && starts_with_letter(&s[i..]) => continue,
            c => c,
        };
        let rest = &s[i..];
        if gap != Gap::None && !out.is_empty() {
            if !joins_without_space(&mut out, gap, c, rest) {
                out.push(' ');
            }
        } else if c.is_uppercase() && glued_sentence(&out) {
            out.push(' ');
        }
        out.push(c);
        if c == ',' && gap != Gap::None && starts_with_letter(rest) {
            out.push(' '); // `frameworks ,norms` → `frameworks, norms`
        }
        gap = Gap::None;
        if gap_was_ordinal(&mut out, &mut i, s) {
            gap = Gap::Space;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Newline,
}

/// Decides, at the first character `c` after a whitespace run, whether the run is a PDF
/// artefact to delete rather than a word separator. May also delete a stray space already in `out`.
fn joins_without_space(out: &mut String, gap: Gap, c: char, rest: &str) -> bool {
    let last = out.chars().next_back().unwrap_or(' ');
    match c {
        ',' => return true,
        '.' => return !rest.starts_with(|n: char| n.is_alphanumeric()),
        '\'' => return gap == Gap::Space && starts_with_letter(rest) && ends_with_elided(out),
        _ => {}
    }
    if !c.is_alphabetic() {
        return false;
    }
    if last == '-' && gap == Gap::Newline {
        let before = out[..out.len() - 1].chars().next_back().unwrap_or(' ');
        let next_word: String = std::iter::once(c).chain(rest.chars()).take_while(|c| c.is_alphabetic()).collect();
        if matches!(next_word.as_str(), "and" | "or" | "et" | "ou") {
            return false;
        }
        if before.is_alphabetic() {
            return true; // `Secretary-\nGeneral`
        }
        if before == ' ' && c.is_lowercase() {
            // `celles -\n\nci`: drop the space before the hyphen as well.
            let hyphen = out.len() - 1;
            if out[..hyphen - 1].ends_with(|b: char| b.is_alphabetic()) {
                out.replace_range(hyphen - 1..hyphen, "");
                return true;
            }
        }
        return false;
    }
    // `sécuri té`: the only word split by a space seen in the seeds; `té` alone is not a word.
    if gap == Gap::Space && c == 't' && rest.starts_with('é') {
        let after = &rest['é'.len_utf8()..];
        let after = after.strip_prefix('s').unwrap_or(after);
        let tail: Vec<char> = out.chars().rev().take(4).collect();
        return !starts_with_letter(after) && tail.len() >= 3 && tail[..3].iter().all(|c| c.is_lowercase());
    }
    false
}

/// `79\ne\n session`: after emitting the digit-ending number, if what follows is a line break,
/// an ordinal suffix and another line break, append the suffix and skip past it.
fn gap_was_ordinal(out: &mut String, i: &mut usize, s: &str) -> bool {
    if !out.ends_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let rest = &s[*i..];
    let after_ws = rest.trim_start_matches([' ', '\t', '\r']);
    let Some(after_nl) = after_ws.strip_prefix('\n') else { return false };
    let line = after_nl.trim_start_matches([' ', '\t', '\r']);
    for suffix in ORDINALS {
        if let Some(tail) = line.strip_prefix(suffix) {
            if tail.trim_start_matches([' ', '\t', '\r']).starts_with('\n') {
                out.push_str(suffix);
                *i = s.len() - tail.len();
                return true;
            }
        }
    }
    false
}

/// `russe.En`: a period between a lowercase word (two letters at least) and a capital.
fn glued_sentence(out: &str) -> bool {
    let mut back = out.chars().rev();
    back.next() == Some('.')
        && back.next().is_some_and(char::is_lowercase)
        && back.next().is_some_and(char::is_lowercase)
}

fn ends_with_elided(out: &str) -> bool {
    let word = out.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    ELIDED.iter().any(|e| e.eq_ignore_ascii_case(word))
}

fn ends_with_letter(s: &str) -> bool {
    s.chars().next_back().is_some_and(char::is_alphabetic)
}

fn starts_with_letter(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphabetic)
}

/// Removes accents (`sécurité` → `securite`): NFD, then combining marks dropped. Only used with
/// an explicit `--strip-accents`, since accents distinguish French words.
pub fn strip_accents(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    s.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_apostrophes_and_spaces() {
        assert_eq!(normalize("Se\u{301}curite\u{301}"), "Sécurité");
        assert_eq!(normalize("l’État, qu‘il, dʼun"), "l'État, qu'il, d'un");
        assert_eq!(normalize("  a\u{a0}b\u{202f}c\u{2003}d\t e\u{feff}f \n\n "), "a b c d ef");
    }

    #[test]
    fn case_is_kept_and_clean_text_untouched() {
        let clean = "Nous réaffirmons notre soutien à un cyberespace ouvert, sûr, stable. Art. 2(4) de la Charte ; U.S. A/78/265.";
        assert_eq!(normalize(clean), clean);
    }

    #[test]
    fn hyphen_line_breaks() {
        // UNGA 78/237, lines 101-103.
        assert_eq!(normalize("empêche que celles -\n\nci soient utilisées"), "empêche que celles-ci soient utilisées");
        // UNGDC FRA_64_2009 and the Secretary-General.
        assert_eq!(normalize("twentieth-\ncentury ideas"), "twentieth-century ideas");
        assert_eq!(normalize("the Secretary-\nGeneral"), "the Secretary-General");
        assert_eq!(normalize("short-\nand long-term"), "short- and long-term");
        assert_eq!(normalize("medium- and long-term"), "medium- and long-term");
        assert_eq!(normalize("Russie -\nAfrique"), "Russie - Afrique");
    }

    #[test]
    fn ordinal_exponent_on_its_own_line() {
        // Sochi declaration, lines 85-87.
        assert_eq!(
            normalize("un accord approprié lors de la 79\ne\n session de l'Assemblée"),
            "un accord approprié lors de la 79e session de l'Assemblée"
        );
        assert_eq!(normalize("en 2024\n\nelle a"), "en 2024 elle a");
        assert_eq!(normalize("54/49 du 1er décembre"), "54/49 du 1er décembre");
    }

    #[test]
    fn elision_split_by_a_space() {
        // CIS declaration, line 79; UNGA 78/237, line 40.
        assert_eq!(normalize("résulter de l ’utilisation abusive"), "résulter de l'utilisation abusive");
        assert_eq!(normalize("dans la sphère de l ’information"), "dans la sphère de l'information");
        assert_eq!(normalize("prise par l ’Assemblée"), "prise par l'Assemblée");
        assert_eq!(normalize("the 'quoted' word"), "the 'quoted' word");
    }

    #[test]
    fn word_split_by_a_space() {
        // UNGA 78/237, line 168.
        assert_eq!(
            normalize("à composition non limitée sur la sécuri té du numérique"),
            "à composition non limitée sur la sécurité du numérique"
        );
        assert_eq!(normalize("un té de dessinateur"), "un té de dessinateur");
    }

    #[test]
    fn stray_spaces_before_punctuation() {
        // Sochi declaration, line 134; China AI initiative; UNGA 78/237, line 224.
        assert_eq!(
            normalize("plateformes diverses spécialisées , à la prévention"),
            "plateformes diverses spécialisées, à la prévention"
        );
        assert_eq!(
            normalize("governance frameworks ,norms and standards"),
            "governance frameworks, norms and standards"
        );
        assert_eq!(normalize("adoptées par consensus  ;"), "adoptées par consensus ;");
        assert_eq!(normalize("en 2024  ."), "en 2024.");
        assert_eq!(normalize("valeur de .5 point"), "valeur de .5 point");
    }

    #[test]
    fn glued_sentences() {
        // Sputnik Afrique, line 11.
        assert_eq!(
            normalize("a indiqué la diplomatie russe.En 2019, la Russie"),
            "a indiqué la diplomatie russe. En 2019, la Russie"
        );
        assert_eq!(normalize("l'accès à l'information.Parmi les"), "l'accès à l'information. Parmi les");
        assert_eq!(
            normalize("The U.S. Mission, I.R. of Iran, A/78/265.En"),
            "The U.S. Mission, I.R. of Iran, A/78/265.En"
        );
    }

    #[test]
    fn ocr_discretionary_hyphen() {
        // UNGDC speeches of the 1960s-80s.
        assert_eq!(normalize("the Belgian Govern¬ment has"), "the Belgian Government has");
        assert_eq!(normalize("a ¬ b"), "a ¬ b");
    }

    #[test]
    fn accents_stripped_only_on_request() {
        assert_eq!(strip_accents("sécurité État œuvre"), "securite Etat œuvre");
        assert_eq!(strip_accents("plain"), "plain");
        assert_eq!(normalize("sécurité"), "sécurité");
    }
}
