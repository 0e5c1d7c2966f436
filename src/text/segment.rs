//! Cuts a document into passages (byte spans), in one linear pass over its lines.
//!
//! The seeds come in three layouts, told apart by measuring the lines, not by file name:
//! - **one paragraph per line**, blank lines optional (web pages, most statements, UNGDC
//!   speeches with numbered paragraphs): every line is a paragraph;
//! - **hard-wrapped** prose (UNGDC `FRA_64_2009`): lines end mid-sentence; a paragraph ends
//!   with punctuation and the next starts with a numbered item or, in documents that indent
//!   paragraphs, an indented line; in documents that don't, the last line of a paragraph is the
//!   one that ends in punctuation well short of the wrap width;
//! - **double-spaced PDF** extractions (UNGA 78/237, CIS, Sochi): hard-wrapped prose where every
//!   line is followed by an empty line, so a single empty line is *not* a break; a longer gap or
//!   a line holding only spaces is.
//!
//! Boilerplate lines are left out of every passage: footnote blocks, web boilerplate, URL
//! header lines (these are *barriers*: no passage spans across them), page numbers and document
//! symbols (invisible: a paragraph continues across a page break). Then duplicated blocks
//! (a title repeated) and short unpunctuated headers are dropped, over-long paragraphs are cut
//! at sentence ends, and fragments shorter than `min_words` are merged into a neighbour.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};

/// Length window of a passage, in words.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct SegmentParams {
    /// Shorter fragments are merged into a neighbour, or dropped when they stand alone.
    pub min_words: usize,
    /// Longer paragraphs are cut at sentence ends (at `;` when a sentence alone is too long).
    pub max_words: usize,
}

impl Default for SegmentParams {
    /// 6 keeps one-line statements (`We condemn these attacks.`) while dropping signatures and
    /// dates; 200 is well above a typical paragraph (UNGDC median ≈ 60 words) and cuts only
    /// the page-long numbered paragraphs of older speeches.
    fn default() -> Self {
        SegmentParams { min_words: 6, max_words: 200 }
    }
}

/// Byte offsets into the document text: `&doc[span.start..span.end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Unpunctuated blocks up to this many words are headers (`Introduction`, `Policy paper`,
/// `U.S. Mission to the United Nations`, `50e séance plénière (reprise)`), not passages.
const HEADER_MAX_WORDS: usize = 8;

/// Lines of web navigation that end up in extracted pages.
const WEB_BOILERPLATE: &[&str] =
    &["haut de la page", "retour en haut de la page", "retour en haut", "back to top", "top of page"];

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "m", "mm", "mme", "mmes", "mgr", "st", "no", "nos", "art", "p", "pp", "para", "cf", "vs",
];

/// Cuts a document into passages: paragraphs, with sentence-level fallback for over-long
/// paragraphs (split at sentence ends so each piece is <= max_words when possible) and merging/
/// dropping of tiny fragments (< min_words). Skips boilerplate: footnote blocks
/// (`____` then `1 Voir A/78/265.`), web boilerplate (`[ru]`, `haut de la page`), header lines
/// such as ` date 2024-03 https://...`, page numbers/document symbols lines, duplicated titles
/// (a line identical to an earlier one). Spans are in document order, non-overlapping.
pub fn passages(doc: &str, params: &SegmentParams) -> Vec<Span> {
    let lines = scan_lines(doc);
    let blocks = paragraphs(&lines);
    let blocks = drop_duplicates(doc, blocks);
    let blocks = split_long(doc, blocks, params);
    merge_small(blocks, params)
}

/// A passage that is a title line: it ends no sentence (no `.` `!` `?` `;` `…`, nor `:` `,`
/// leading into one) and holds none — a title or heading too long to be dropped as a header
/// (over [`HEADER_MAX_WORDS`] words), or a line that stands apart from its paragraph. Shown as
/// evidence, it says nothing of a stance.
pub fn is_title_line(text: &str) -> bool {
    let t = text.trim();
    let inner_stop =
        t.char_indices().any(|(i, c)| ".!?;…".contains(c) && t[i + c.len_utf8()..].starts_with(char::is_whitespace));
    !t.is_empty() && Ending::of(t) == Ending::Open && !inner_stop
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Nothing at all: in a double-spaced PDF, the separator between two lines of a paragraph.
    Empty,
    /// Only spaces: a deliberate gap in PDF extractions.
    Spacer,
    Text,
    /// Boilerplate that no passage may span (footnotes, navigation, URL headers).
    Barrier,
    /// Page numbers, dates, document symbols: ignored, paragraphs continue across them.
    Invisible,
}

/// How a stretch of text ends, ignoring closing quotes and brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// `.` `!` `?` `;`
    Stop,
    /// `,` `:`: announces what follows (`L'Assemblée générale,`, `Mr. Chair,`).
    Lead,
    /// A word: a header, or a line wrapped mid-sentence.
    Open,
}

impl Ending {
    fn of(text: &str) -> Ending {
        match text.trim_end_matches(|c: char| c.is_whitespace() || "»\"”’')]".contains(c)).chars().next_back() {
            Some('.' | '!' | '?' | ';' | '…') => Ending::Stop,
            Some(',' | ':') => Ending::Lead,
            _ => Ending::Open,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Line {
    /// Trimmed content.
    start: usize,
    end: usize,
    kind: Kind,
    indented: bool,
    /// Starts with a list marker: `1.`, `a)`, `(iii)`, `•`, `-`.
    item: bool,
    starts_lowercase: bool,
    ending: Ending,
    words: usize,
    /// Length in characters, and of the first word: in wrapped text, a line that had room
    /// for the next line's first word ends its paragraph.
    chars: usize,
    first_word_chars: usize,
}

fn scan_lines(doc: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut offset = 0;
    let mut in_footnotes = false;
    for raw in doc.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start_matches(is_blank);
        let start = line_start + (body.len() - trimmed.len());
        let text = trimmed.trim_end_matches(is_blank);
        let mut kind = if !text.is_empty() {
            Kind::Text
        } else if body.is_empty() {
            Kind::Empty
        } else {
            Kind::Spacer
        };
        if kind == Kind::Text {
            kind = classify(text, &mut in_footnotes);
        }
        lines.push(Line {
            start,
            end: start + text.len(),
            kind,
            indented: start > line_start,
            item: is_item(text),
            starts_lowercase: text.starts_with(char::is_lowercase),
            ending: Ending::of(text),
            words: count_words(text),
            chars: text.chars().count(),
            first_word_chars: text.split(char::is_whitespace).next().map_or(0, |w| w.chars().count()),
        });
    }
    lines
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Kind of a non-blank line; tracks footnote blocks (a `____` rule, then numbered notes).
fn classify(text: &str, in_footnotes: &mut bool) -> Kind {
    if text.len() >= 5 && text.chars().all(|c| c == '_') {
        *in_footnotes = true;
        return Kind::Barrier;
    }
    if *in_footnotes {
        let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if (1..=3).contains(&digits) && text[digits..].starts_with(char::is_whitespace) {
            return Kind::Barrier;
        }
        *in_footnotes = false;
    }
    let short = text.len() <= 32;
    let is_lang_tags = || text.split_whitespace().all(|t| t.len() == 4 && t.starts_with('[') && t.ends_with(']'));
    if short && (WEB_BOILERPLATE.contains(&text.to_lowercase().as_str()) || is_lang_tags()) {
        return Kind::Barrier;
    }
    let is_url = |t: &str| t.contains("://") || t.starts_with("www.");
    let has_url = text.contains("://") || text.contains("www.");
    if has_url && text.split_whitespace().filter(|t| !is_url(t)).count() <= 3 {
        return Kind::Barrier; // ` date 2024-03 https://…`
    }
    if !has_letter_run(text, 2) || is_document_symbol(text) {
        return Kind::Invisible; // `12`, `- 3 -`, `29.03.2024`, `23-25788`, `A/78/237`, `[...]`
    }
    Kind::Text
}

fn has_letter_run(text: &str, n: usize) -> bool {
    let mut run = 0;
    text.chars().any(|c| {
        run = if c.is_alphabetic() { run + 1 } else { 0 };
        run >= n
    })
}

/// `A/RES/78/237`, `A/AC.292/2023/INF/5`: one token of capitals, digits and `/ . -`.
fn is_document_symbol(text: &str) -> bool {
    text.contains('/')
        && !text.contains(char::is_whitespace)
        && text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "/.-".contains(c))
}

fn is_item(text: &str) -> bool {
    let marker = text.split(char::is_whitespace).next().unwrap_or("");
    if matches!(marker, "•" | "-" | "–" | "—" | "*" | "·") {
        return true;
    }
    let inner = marker.strip_prefix('(').unwrap_or(marker);
    let Some(label) = inner.strip_suffix(['.', ')']) else { return false };
    marker.len() < text.len()
        && !label.is_empty()
        && (label.len() <= 3 && label.chars().all(|c| c.is_ascii_digit())
            || label.len() == 1 && label.chars().all(|c| c.is_ascii_lowercase())
            || label.len() <= 4 && label.chars().all(|c| "ivxIVX".contains(c)))
}

/// Word count as [`crate::text::analyze::words`] would see it, without allocating.
fn count_words(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            n += 1;
        }
        in_word = w || (in_word && c == '-');
    }
    n
}

/// A paragraph candidate.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    end: usize,
    words: usize,
    ending: Ending,
    /// Excluded text lies between this block and the previous one: they must not be merged.
    barrier_before: bool,
}

/// The two consecutive text lines `a` → `b` and what lies between them.
struct Pair {
    a: usize,
    b: usize,
    empties: usize,
    spacers: usize,
    barrier: bool,
}

impl Pair {
    /// `b` continues `a` mid-sentence: the mark of hard-wrapped text.
    fn continues(&self, lines: &[Line]) -> bool {
        lines[self.a].ending == Ending::Open && lines[self.b].starts_lowercase
    }
}

/// Groups text lines into paragraphs according to the layout measured on the document.
fn paragraphs(lines: &[Line]) -> Vec<Block> {
    let mut pairs = Vec::new();
    let mut prev: Option<usize> = None;
    let (mut empties, mut spacers, mut barrier) = (0, 0, false);
    for (i, line) in lines.iter().enumerate() {
        match line.kind {
            Kind::Empty => empties += 1,
            Kind::Spacer => spacers += 1,
            Kind::Barrier => barrier = true,
            Kind::Invisible => {}
            Kind::Text => {
                if let Some(a) = prev {
                    pairs.push(Pair { a, b: i, empties, spacers, barrier });
                }
                prev = Some(i);
                (empties, spacers, barrier) = (0, 0, false);
            }
        }
    }

    let single = |p: &Pair| p.empties == 1 && p.spacers == 0 && !p.barrier;
    let n_single = pairs.iter().filter(|p| single(p)).count();
    let single_cont = pairs.iter().filter(|p| single(p) && p.continues(lines)).count();
    let double_spaced = pairs.len() >= 4 && 2 * n_single >= pairs.len() && 4 * single_cont >= n_single;
    let soft = |p: &Pair| !p.barrier && (p.empties + p.spacers == 0 || double_spaced && single(p));
    let soft_pairs: Vec<&Pair> = pairs.iter().filter(|p| soft(p)).collect();
    let wrapped =
        soft_pairs.len() >= 3 && 4 * soft_pairs.iter().filter(|p| p.continues(lines)).count() >= soft_pairs.len();
    let after_punct: Vec<&&Pair> = soft_pairs.iter().filter(|p| lines[p.a].ending != Ending::Open).collect();
    let indent_after_punct = after_punct.iter().filter(|p| lines[p.b].indented).count();
    let indents_paragraphs = indent_after_punct >= 2 && 4 * indent_after_punct >= after_punct.len();
    // Wrap width: the 90th percentile of line lengths.
    let mut lengths: Vec<usize> = lines.iter().filter(|l| l.kind == Kind::Text).map(|l| l.chars).collect();
    let width = match lengths.len() {
        0 => 0,
        n => *lengths.select_nth_unstable(n * 9 / 10).1,
    };

    let breaks = |p: &Pair| {
        if p.barrier {
            return true;
        }
        if wrapped && p.continues(lines) {
            return false; // mid-sentence, even across a page footer: `be taken \n \n09-52179 46\n \noutside`
        }
        if !soft(p) || !wrapped {
            return true;
        }
        let (a, b) = (&lines[p.a], &lines[p.b]);
        a.ending != Ending::Open
            && (b.item || if indents_paragraphs { b.indented } else { a.chars + 1 + b.first_word_chars < width })
    };

    let mut blocks: Vec<Block> = Vec::new();
    let mut pairs = pairs.iter().peekable();
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| l.kind == Kind::Text) {
        let pair = pairs.next_if(|p| p.b == i);
        match (pair, blocks.last_mut()) {
            (Some(p), Some(block)) if !breaks(p) => {
                block.end = line.end;
                block.words += line.words;
                block.ending = line.ending;
            }
            (p, _) => blocks.push(Block {
                start: line.start,
                end: line.end,
                words: line.words,
                ending: line.ending,
                barrier_before: p.is_some_and(|p| p.barrier),
            }),
        }
    }
    blocks
}

/// Drops a block whose words repeat an earlier block exactly (a title printed twice).
fn drop_duplicates(doc: &str, blocks: Vec<Block>) -> Vec<Block> {
    let mut seen = HashSet::new();
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut barrier = false;
    for mut b in blocks {
        let mut h = DefaultHasher::new();
        doc[b.start..b.end].split_whitespace().for_each(|w| w.hash(&mut h));
        if !seen.insert(h.finish()) {
            barrier = true;
            continue;
        }
        b.barrier_before |= barrier;
        barrier = false;
        out.push(b);
    }
    out
}

/// Cuts blocks longer than `max_words` at sentence ends (then at `;`), packing consecutive
/// sentences greedily up to `max_words`.
fn split_long(doc: &str, blocks: Vec<Block>, params: &SegmentParams) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        if block.words <= params.max_words {
            out.push(block);
            continue;
        }
        let mut pieces = Vec::new();
        for (s, e) in cut(doc, block.start, block.end, sentence_end) {
            if count_words(&doc[s..e]) > params.max_words {
                pieces.extend(cut(doc, s, e, clause_end));
            } else {
                pieces.push((s, e));
            }
        }
        let first = out.len();
        let mut current: Option<Block> = None;
        for (s, e) in pieces {
            let words = count_words(&doc[s..e]);
            match &mut current {
                Some(c) if c.words + words <= params.max_words || c.words < params.min_words => {
                    c.end = e;
                    c.words += words;
                }
                _ => {
                    out.extend(current.take());
                    current = Some(Block { start: s, end: e, words, ending: Ending::Stop, barrier_before: false });
                }
            }
        }
        if let Some(mut last) = current {
            last.ending = block.ending;
            let has_prev = out.len() > first;
            match out.last_mut() {
                Some(prev) if has_prev && last.words < params.min_words => {
                    prev.end = last.end;
                    prev.words += last.words;
                    prev.ending = last.ending;
                }
                _ => out.push(last),
            }
        }
        out[first].barrier_before = block.barrier_before;
    }
    out
}

/// Splits `doc[start..end]` after each position `is_end` accepts; pieces are trimmed.
fn cut(doc: &str, start: usize, end: usize, is_end: fn(&str, usize) -> Option<usize>) -> Vec<(usize, usize)> {
    let text = &doc[start..end];
    let mut pieces = Vec::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if i < from || !".!?;…".contains(c) {
            continue;
        }
        if let Some(stop) = is_end(text, i) {
            let next = stop + (text.len() - stop - text[stop..].trim_start().len());
            pieces.push((start + from, start + stop));
            from = next;
        }
    }
    if from < text.len() {
        pieces.push((start + from, end));
    }
    pieces
}

/// If the `.` `!` `?` at byte `i` ends a sentence, where the sentence ends (after closing quotes):
/// followed by a space then a capital, digit, quote or list marker, and not an abbreviation
/// (`Mr.`, `U.S.`, `V.V. Poutine`).
fn sentence_end(text: &str, i: usize) -> Option<usize> {
    let c = text[i..].chars().next()?;
    if !".!?…".contains(c) {
        return None;
    }
    let closing = text[i + c.len_utf8()..].trim_start_matches(|c: char| "»\"”’')]".contains(c));
    let stop = text.len() - closing.len();
    let next = closing.trim_start();
    if next.len() == closing.len()
        || !next.starts_with(|n: char| n.is_uppercase() || n.is_ascii_digit() || "«\"“•-–(".contains(n))
    {
        return None;
    }
    if c == '.' {
        let word = text[..i].rsplit(|c: char| !(c.is_alphanumeric() || c == '.')).next().unwrap_or("");
        let single_capital = word.chars().count() == 1 && word.starts_with(char::is_uppercase);
        if single_capital || word.contains('.') || ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
            return None;
        }
    }
    Some(stop)
}

/// A `;` followed by a space: the cut of last resort inside an over-long sentence.
fn clause_end(text: &str, i: usize) -> Option<usize> {
    (text[i..].starts_with(';') && text[i + 1..].starts_with(char::is_whitespace)).then_some(i + 1)
}

/// Drops headers and merges fragments shorter than `min_words`: a lead-in (`L'Assemblée
/// générale,`) into the next block, a short sentence into the previous one (or the next when
/// there is none). Never across a barrier; a fragment with no neighbour is dropped.
fn merge_small(blocks: Vec<Block>, params: &SegmentParams) -> Vec<Span> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut pending: Option<Block> = None;
    let mut barrier = false;
    for mut b in blocks {
        b.barrier_before |= barrier;
        barrier = false;
        if let Some(p) = pending.take() {
            if !b.barrier_before {
                b = Block { start: p.start, words: p.words + b.words, barrier_before: p.barrier_before, ..b };
            }
        }
        let header = b.ending == Ending::Open && b.words <= HEADER_MAX_WORDS.max(params.min_words - 1);
        if header {
            barrier = true;
        } else if b.words >= params.min_words {
            out.push(b);
        } else if b.ending == Ending::Stop && !b.barrier_before && !out.is_empty() {
            if let Some(prev) = out.last_mut() {
                prev.end = b.end;
                prev.words += b.words;
                prev.ending = b.ending;
            }
        } else {
            pending = Some(b);
        }
    }
    out.into_iter().map(|b| Span { start: b.start, end: b.end }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(doc: &'a str, params: &SegmentParams) -> Vec<&'a str> {
        passages(doc, params).into_iter().map(|s| &doc[s.start..s.end]).collect()
    }

    /// Double-spaced PDF extraction, shaped like UNGA 78/237 (title, spacer lines, indented
    /// paragraph starts, a mid-paragraph line ending with a comma, a footnote block).
    const PDF: &str = "  78/237. Progrès de l’informatique et des télécommunications et sécurité \n\ninternationale \n \n\n \n\n L’Assemblée générale, \n\n Rappelant ses résolutions 36/103 du 9 décembre 1981, 43/78 H du 7 décembre \n\n1988 et 77/36 du 7 décembre 2022, \n\n Soulignant qu’il est dans l’intérêt de tous les États de promouvoir l’utilisation \n\ndu numérique à des fins pacifiques, aux obligations internationales des États, \n\ndans les politiques nationales et dans le dialogue avec les États,  \n\n 4. Se félicite également de la création du répertoire mondial, comme énoncé dans \n\n__________________ \n\n 1 Voir A/78/265. \n\n 2 A/AC.292/2023/INF/5. \n l’annexe A du deuxième rapport d’activité annuel du Groupe de travail ; \n\n 5. Recommande que les États Membres poursuivent les discussions dans le \n\ncadre du Groupe de travail à composition non limitée ; \n\n \n\n50e séance plénière (reprise) \n\n22 décembre 2023 \n\n";

    #[test]
    fn double_spaced_pdf_rebuilds_paragraphs() {
        let got = texts(PDF, &SegmentParams::default());
        let flat: Vec<String> = got.iter().map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(
            flat,
            [
                "78/237. Progrès de l’informatique et des télécommunications et sécurité internationale",
                "L’Assemblée générale, Rappelant ses résolutions 36/103 du 9 décembre 1981, 43/78 H du 7 décembre 1988 et 77/36 du 7 décembre 2022,",
                "Soulignant qu’il est dans l’intérêt de tous les États de promouvoir l’utilisation du numérique à des fins pacifiques, aux obligations internationales des États, dans les politiques nationales et dans le dialogue avec les États,",
                "4. Se félicite également de la création du répertoire mondial, comme énoncé dans",
                "l’annexe A du deuxième rapport d’activité annuel du Groupe de travail ;",
                "5. Recommande que les États Membres poursuivent les discussions dans le cadre du Groupe de travail à composition non limitée ;",
            ]
        );
    }

    #[test]
    fn blank_line_paragraphs_and_boilerplate() {
        let doc = " date 2024-03 https://fr.sputniknews.africa/20240329/x.html\n\nUtilisation criminelle des technologies de l'information: Moscou mise sur un accord prochain\n\nUtilisation criminelle des technologies de l'information: Moscou mise sur un accord prochain\n\nSputnik Afrique\n\n29.03.2024\n\nLa phase finale des négociations aura lieu en mai-juin à New York.\n\nNous réaffirmons notre soutien à un cyberespace ouvert.\nThank you.\n\n[ru]\n\nMerci.\n\nhaut de la page\n";
        assert_eq!(
            texts(doc, &SegmentParams::default()),
            [
                "Utilisation criminelle des technologies de l'information: Moscou mise sur un accord prochain",
                "La phase finale des négociations aura lieu en mai-juin à New York.",
                "Nous réaffirmons notre soutien à un cyberespace ouvert.\nThank you.",
            ]
        );
    }

    #[test]
    fn hard_wrapped_speech_uses_indentation() {
        let doc = "In \nspeaking to the General Assembly in France’s name \ntoday, I am well aware that we all have a historic \nresponsibility in the current circumstances. \n In the midst of a financial, economic and social \ncrisis that has no precedent in the history of the United \nNations, we must now invent a new world. That is our \nresponsibility. No one \namong us can claim any longer that he did not know. \nThere is a universal awareness that the path \nis a dead end. \n To those hundreds of millions of people, we \nmust restore hope.\n";
        let got = texts(doc, &SegmentParams::default());
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].starts_with("In \nspeaking") && got[0].ends_with("circumstances."), "{got:#?}");
        assert!(got[1].starts_with("In the midst") && got[1].ends_with("dead end."));
        assert!(got[2].starts_with("To those"));
    }

    #[test]
    fn long_paragraphs_are_cut_at_sentence_ends() {
        let sentence = "Les États doivent coopérer pour prévenir les usages malveillants des technologies. ";
        let doc = format!("Mr. Smith said so. {}", sentence.repeat(30));
        let params = SegmentParams { min_words: 6, max_words: 40 };
        let got = texts(&doc, &params);
        assert!(got.len() >= 7, "{}", got.len());
        for t in &got {
            assert!(count_words(t) <= 40 && t.ends_with('.'), "{t}");
        }
        assert!(got[0].starts_with("Mr. Smith said so. Les États"));
    }

    #[test]
    fn spans_are_ordered_disjoint_and_point_at_the_text() {
        for doc in [PDF, "Un.\n\nDeux trois quatre cinq six sept.\r\n\r\nHuit neuf dix onze douze treize.\n"] {
            let spans = passages(doc, &SegmentParams::default());
            assert!(!spans.is_empty());
            for w in spans.windows(2) {
                assert!(w[0].end <= w[1].start);
            }
            for s in &spans {
                let t = &doc[s.start..s.end];
                assert_eq!(t, t.trim(), "spans are trimmed");
            }
        }
        let doc = "Un.\n\nDeux trois quatre cinq six sept.\r\n\r\nHuit neuf dix onze douze treize.\n";
        assert_eq!(
            texts(doc, &SegmentParams::default()),
            ["Un.\n\nDeux trois quatre cinq six sept.", "Huit neuf dix onze douze treize."]
        );
    }

    /// Every shipped seed: passages are real paragraphs, boilerplate never leaks in.
    #[test]
    fn seeds_segment_into_clean_paragraphs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        files.sort();
        assert!(files.len() >= 21);
        let params = SegmentParams::default();
        for path in &files {
            let doc = std::fs::read_to_string(path).unwrap();
            let spans = passages(&doc, &params);
            let name = path.file_name().unwrap().to_string_lossy();
            assert!(!spans.is_empty(), "{name}");
            let texts: Vec<&str> = spans.iter().map(|s| &doc[s.start..s.end]).collect();
            for t in &texts {
                for junk in ["____", "haut de la page", "http", "Voir A/78/265", "Sputnik Afrique", "29.03.2024"] {
                    assert!(!t.contains(junk), "{name}: {junk:?} in {t:?}");
                }
                assert!(count_words(t) >= params.min_words, "{name}: {t:?}");
            }
            let count = |prefix: &str| texts.iter().filter(|t| t.starts_with(prefix)).count();
            match name.as_ref() {
                "2023-12-22_unga_resolution-78-237.txt" => {
                    assert!((25..=32).contains(&spans.len()), "{}", spans.len());
                    assert_eq!(count("Rappelant ses résolutions"), 0, "merged into `L’Assemblée générale,`");
                    assert_eq!(count("L’Assemblée générale,"), 1);
                    assert!((1..=9).all(|n| count(&format!("{n}. ")) == 1), "one passage per numbered paragraph");
                }
                "2020-12-22_cis_heads-of-state-declaration.txt" => {
                    assert!((15..=20).contains(&spans.len()), "{}", spans.len());
                    assert_eq!(count("Les chefs d’État"), 4);
                }
                "2024-11-10_russia-africa-forum_sochi-declaration.txt" => {
                    for verb in ["optons", "reconnaissons", "saluons", "appelons", "soulignons"] {
                        assert!(count(verb) >= 1, "{verb}");
                    }
                }
                "2024-03-29_sputnik-afrique_cybercrime-convention.txt" => {
                    assert_eq!(count("Utilisation criminelle"), 1, "title kept once");
                }
                _ => {}
            }
        }
    }

    #[test]
    fn title_lines() {
        assert!(is_title_line("Déclaration des chefs d'État de la CEI sur la coopération en matière de sécurité"));
        assert!(is_title_line("Les États membres de l'Union africaine soutiennent l'élaboration d'un instrument\n"));
        assert!(!is_title_line("Ils rappellent que la Convention de Budapest ne saurait servir de modèle."));
        assert!(!is_title_line("The States recall the following:"));
        assert!(!is_title_line("A first sentence. And a list that ends with no stop"));
        assert!(!is_title_line(""));
    }

    #[test]
    fn list_items_and_headers() {
        assert!(is_item("1. Appuie") && is_item("a) les") && is_item("(iii) the") && is_item("• la"));
        assert!(!is_item("1988, 53/70") && !is_item("A/78/265.") && !is_item("2."));
        assert_eq!(Ending::of("sécurité internationale »."), Ending::Stop);
        assert_eq!(Ending::of("(reprise)"), Ending::Open);
        assert_eq!(Ending::of("Mr. Chair,"), Ending::Lead);
    }
}
