//! PDF (`.pdf`): the text layer, laid out again in reading order from where each string is drawn.
//!
//! A PDF holds no paragraphs, only strings placed on pages, so this reader runs the page content
//! (text and graphics state, form XObjects) to get every string's position and size, then:
//! - builds lines (same baseline; a raised, smaller string is a note reference and is left out);
//! - drops running headers and footers (a line in the top or bottom 8 % of the page whose text,
//!   digits aside, comes back on another page) and page numbers (such a line without words);
//! - takes footnotes out (a block of smaller lines at the foot of a page, one starting with a
//!   number) and gives them at the end, after a `____` rule, where the segmenter skips them;
//! - reads two-column pages column by column (a vertical gap that many lines share);
//! - joins the lines of a paragraph (breaks at a larger gap, a change of size, an indent, or a
//!   short line that ends a sentence), across columns and pages, undoing line-end hyphenation.
//!
//! The output is one paragraph per line with an empty line between, the shape the segmenter reads
//! best. Rotated text (margin notes, watermarks) is left out. Work is bounded: every stream
//! decompresses to at most the file cap ([`crate::corpus::max_file_bytes`]), the page contents of
//! a document to four times that, the extracted text to the cap, forms nest at most
//! [`MAX_FORM_DEPTH`] deep and a document has at most [`MAX_PAGES`] pages (docs/security.md).

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object};
use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// Pages read from one document (a long UN report has a few hundred).
pub const MAX_PAGES: usize = 10_000;
/// Form XObjects drawn inside forms, at most this deep (real files: 1 or 2).
pub const MAX_FORM_DEPTH: usize = 8;
/// Strings kept from one document (a 500-page report drawn word by word has about 1.5 million).
pub const MAX_RUNS: usize = 4_000_000;
/// Saved graphics states (`q`) at once.
const MAX_SAVED_STATES: usize = 1_000;
/// Share of the page height, at the top and at the bottom, where running headers and footers are.
const MARGIN_BAND: f64 = 0.08;

/// Text and title of the PDF `name` (see the module doc).
pub(super) fn extract(name: &str, bytes: Vec<u8>) -> Result<(String, Option<String>, Vec<String>)> {
    let cap = crate::corpus::max_file_bytes()?;
    extract_capped(name, bytes, usize::try_from(cap).unwrap_or(usize::MAX))
}

/// [`extract`] with `cap` bytes as the decompression and text cap.
fn extract_capped(name: &str, bytes: Vec<u8>, cap: usize) -> Result<(String, Option<String>, Vec<String>)> {
    let options = LoadOptions { max_decompressed_size: Some(cap), ..Default::default() };
    let doc = Document::load_mem_with_options(&bytes, options).map_err(|e| damaged(name, &e))?;
    drop(bytes);
    let pages = doc.get_pages();
    if pages.is_empty() {
        if doc.trailer.has(b"Encrypt") {
            return Err(Error::data(format!(
                "{name}: the PDF is password-protected; save an unprotected copy (e.g. qpdf --decrypt) or give its text"
            )));
        }
        return Err(Error::data(format!("{name}: a PDF without pages; the file is damaged")));
    }
    if pages.len() > MAX_PAGES {
        return Err(Error::data(format!(
            "{name}: {} pages, over the {MAX_PAGES} stance reads from one PDF; split the document",
            pages.len()
        )));
    }
    let mut reader =
        Reader { doc: &doc, cap, budget: cap.saturating_mul(4), text_bytes: 0, runs: 0, fonts: HashMap::new() };
    let mut laid = Vec::with_capacity(pages.len());
    for (&number, &id) in &pages {
        let runs = reader.page(id).map_err(|e| match e {
            Fault::Pdf(e) => Error::data(format!("{name}: page {number}: {}; the file is damaged", short(&e))),
            Fault::Limit(what) => Error::data(format!(
                "{name}: page {number}: {what} over the {} MB cap; split the document, or raise the limit with {}=N",
                cap >> 20,
                crate::corpus::MAX_FILE_ENV
            )),
        })?;
        laid.push(Page { height: media_height(&doc, id), lines: lines(runs) });
    }
    let title = info_title(&doc);
    let undecoded = reader.fonts.values().filter(|f| f.encoding.is_none() && f.used).count();
    let text = layout(laid);
    if text.trim().is_empty() {
        return Err(Error::data(format!(
            "{name}: no text layer: OCR it first (e.g. ocrmypdf {name} ocr.pdf), or give its text as .txt"
        )));
    }
    let replacement = text.chars().filter(|&c| c == '\u{fffd}').count();
    if replacement * 5 > text.chars().count() {
        return Err(Error::data(format!(
            "{name}: the text layer cannot be decoded (fonts without a Unicode map); OCR it, or give its text as .txt"
        )));
    }
    let mut warnings = Vec::new();
    if undecoded > 0 {
        warnings.push(format!("{name}: text in {undecoded} font(s) without a known encoding was left out"));
    }
    Ok((text, title, warnings))
}

fn damaged(name: &str, e: &lopdf::Error) -> Error {
    if matches!(e, lopdf::Error::Decryption(_)) {
        return Error::data(format!(
            "{name}: the PDF is password-protected; save an unprotected copy (e.g. qpdf --decrypt) or give its text"
        ));
    }
    Error::data(format!("{name}: not a readable PDF ({}); the file is damaged, or save it again as PDF", short(e)))
}

/// An error's text on one line, cut to a readable length.
fn short(e: &lopdf::Error) -> String {
    let s: String = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// The page's height (its MediaBox, inherited from the page tree), for the margin bands.
fn media_height(doc: &Document, mut id: lopdf::ObjectId) -> f64 {
    for _ in 0..32 {
        let Ok(dict) = doc.get_dictionary(id) else { break };
        if let Ok(b) = dict.get_deref(b"MediaBox", doc).and_then(Object::as_array) {
            let n: Vec<f64> = b.iter().filter_map(num).collect();
            if n.len() == 4 && (n[3] - n[1]).abs() > 1.0 {
                return (n[3] - n[1]).abs();
            }
        }
        match dict.get(b"Parent").and_then(Object::as_reference) {
            Ok(parent) => id = parent,
            Err(_) => break,
        }
    }
    792.0
}

/// The document's own title (Info dictionary), unless it is a file name a converter left there.
fn info_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get_deref(b"Info", doc).and_then(Object::as_dict).ok()?;
    let title = lopdf::decode_text_string(info.get_deref(b"Title", doc).ok()?).ok()?;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = title.to_lowercase();
    let junk = [".doc", ".docx", ".pdf", ".rtf", ".odt", ".indd", ".tmp"].iter().any(|x| lower.ends_with(x))
        || lower.starts_with("microsoft word")
        || matches!(lower.as_str(), "" | "untitled" | "title" | "document" | "sans titre");
    (!junk && title.chars().count() <= 300).then_some(title)
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

// ---------------------------------------------------------------------------------------------
// Running the content: strings with their place and size.

/// A string as drawn: left and right ends and baseline in page space, vertical size.
#[derive(Debug, Clone)]
struct Run {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

enum Fault {
    Pdf(lopdf::Error),
    Limit(&'static str),
}

impl From<lopdf::Error> for Fault {
    fn from(e: lopdf::Error) -> Self {
        match e {
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
                Fault::Limit("a stream decompresses to")
            }
            e => Fault::Pdf(e),
        }
    }
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b` (row vectors, as PDF writes them).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// What a font needs to turn codes into text and advances.
struct Font<'a> {
    encoding: Option<Encoding<'a>>,
    /// Type0 fonts: two-byte codes (Identity-H, as Word and LibreOffice write them).
    two_byte: bool,
    /// Advance of each code in 1/1000 em, when the file gives it.
    widths: HashMap<u32, f64>,
    default_width: Option<f64>,
    /// Standard-font metrics by character, for fonts the file gives no widths for.
    metrics: Metrics,
    used: bool,
}

#[derive(Debug, Clone, Copy)]
struct TextState {
    ctm: Matrix,
    font: Option<usize>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

struct Reader<'a> {
    doc: &'a Document,
    cap: usize,
    /// Decompressed page content left for the whole document.
    budget: usize,
    text_bytes: usize,
    runs: usize,
    /// Fonts by the address of their dictionary (stable: the document is not changed).
    fonts: HashMap<usize, Font<'a>>,
}

impl<'a> Reader<'a> {
    fn page(&mut self, id: lopdf::ObjectId) -> std::result::Result<Vec<Run>, Fault> {
        let content = self.doc.get_page_content_with_limit(id, self.cap.min(self.budget))?;
        self.spend(content.len())?;
        let fonts: HashMap<Vec<u8>, usize> =
            self.doc.get_page_fonts(id)?.into_iter().map(|(name, dict)| (name, self.font(dict))).collect();
        let resources = self
            .doc
            .get_page_resources(id)
            .ok()
            .and_then(|(r, ids)| r.or_else(|| ids.first().and_then(|i| self.doc.get_dictionary(*i).ok())));
        let mut runs = Vec::new();
        let state = TextState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        self.run(&content, &fonts, resources, state, 0, &mut runs)?;
        Ok(runs)
    }

    fn spend(&mut self, bytes: usize) -> std::result::Result<(), Fault> {
        self.budget = self.budget.checked_sub(bytes).ok_or(Fault::Limit("the page contents decompress to 4 times"))?;
        Ok(())
    }

    /// The font of this dictionary, read once.
    fn font(&mut self, dict: &'a Dictionary) -> usize {
        let key = dict as *const Dictionary as usize;
        if !self.fonts.contains_key(&key) {
            let font = read_font(self.doc, dict, self.cap);
            self.fonts.insert(key, font);
        }
        key
    }

    /// Runs one content stream (a page's, or a form's) with the given fonts and resources.
    fn run(
        &mut self,
        content: &[u8],
        fonts: &HashMap<Vec<u8>, usize>,
        resources: Option<&'a Dictionary>,
        mut gs: TextState,
        depth: usize,
        runs: &mut Vec<Run>,
    ) -> std::result::Result<(), Fault> {
        let mut saved: Vec<TextState> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        for op in lopdf::content::Content::decode_iter(content) {
            let Ok(op) = op else { break }; // a damaged stream: keep what was read before it
            let f = |i: usize| op.operands.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if saved.len() < MAX_SAVED_STATES => saved.push(gs),
                "Q" => gs = saved.pop().unwrap_or(gs),
                "cm" if op.operands.len() == 6 => gs.ctm = mul(&[f(0), f(1), f(2), f(3), f(4), f(5)], &gs.ctm),
                "BT" => (tm, tlm) = (IDENTITY, IDENTITY),
                "Tf" => {
                    gs.font = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| fonts.get(n)).copied();
                    gs.size = f(1);
                }
                "Tc" => gs.char_space = f(0),
                "Tw" => gs.word_space = f(0),
                "Tz" => gs.scale = f(0) / 100.0,
                "TL" => gs.leading = f(0),
                "Ts" => gs.rise = f(0),
                "Td" | "TD" => {
                    if op.operator == "TD" {
                        gs.leading = -f(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &tlm);
                    tm = tlm;
                }
                "Tm" if op.operands.len() == 6 => {
                    tlm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator == "'" || op.operator == "\"" {
                        if op.operator == "\"" {
                            (gs.word_space, gs.char_space) = (f(0), f(1));
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                        tm = tlm;
                    }
                    let items: &[Object] = match op.operands.last() {
                        Some(Object::Array(a)) if op.operator == "TJ" => a,
                        Some(o) => std::slice::from_ref(o),
                        None => &[],
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(bytes, &gs, &mut tm, runs)?,
                            o => {
                                if let Some(n) = num(o) {
                                    tm = mul(&[1.0, 0.0, 0.0, 1.0, -n / 1000.0 * gs.size * gs.scale, 0.0], &tm);
                                }
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let name = op.operands.first().and_then(|o| o.as_name().ok());
                    if let (Some(name), Some(res)) = (name, resources) {
                        self.form(name, res, fonts, gs, depth, runs)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Draws the form XObject `name` of `resources`, if it is one (images are skipped).
    fn form(
        &mut self,
        name: &[u8],
        resources: &'a Dictionary,
        fonts: &HashMap<Vec<u8>, usize>,
        mut gs: TextState,
        depth: usize,
        runs: &mut Vec<Run>,
    ) -> std::result::Result<(), Fault> {
        let doc = self.doc;
        let Ok(stream) = resources
            .get_deref(b"XObject", doc)
            .and_then(Object::as_dict)
            .and_then(|x| x.get_deref(name, doc))
            .and_then(Object::as_stream)
        else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let content = stream.get_plain_content_with_limit(self.cap.min(self.budget))?;
        self.spend(content.len())?;
        if let Ok(m) = stream.dict.get(b"Matrix").and_then(Object::as_array) {
            let m: Vec<f64> = m.iter().filter_map(num).collect();
            if m.len() == 6 {
                gs.ctm = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], &gs.ctm);
            }
        }
        let own = stream.dict.get_deref(b"Resources", doc).and_then(Object::as_dict).ok();
        let mut form_fonts = fonts.clone();
        if let Some(f) = own.and_then(|r| r.get_deref(b"Font", doc).and_then(Object::as_dict).ok()) {
            for (key, value) in f.iter() {
                if let Ok(dict) = doc.dereference(value).and_then(|(_, o)| o.as_dict()) {
                    let id = self.font(dict);
                    form_fonts.insert(key.clone(), id);
                }
            }
        }
        self.run(&content, &form_fonts, own.or(Some(resources)), gs, depth + 1, runs)
    }

    /// One string of `Tj`/`TJ`: its text and extent; moves the text matrix past it.
    fn show(
        &mut self,
        bytes: &[u8],
        gs: &TextState,
        tm: &mut Matrix,
        runs: &mut Vec<Run>,
    ) -> std::result::Result<(), Fault> {
        let Some(font) = gs.font.and_then(|k| self.fonts.get_mut(&k)) else { return Ok(()) };
        font.used = true;
        let text = match &font.encoding {
            Some(enc) => enc.bytes_to_string(bytes).unwrap_or_default(),
            None => String::new(),
        };
        let step = if font.two_byte { 2 } else { 1 };
        let mut advance = 0.0;
        for code in bytes.chunks(step) {
            let c = code.iter().fold(0u32, |a, &b| a << 8 | b as u32);
            let w = font.width(c, code);
            let space = if step == 1 && c == 32 { gs.word_space } else { 0.0 };
            advance += (w / 1000.0 * gs.size + gs.char_space + space) * gs.scale;
        }
        let start = mul(tm, &gs.ctm);
        *tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
        let end = mul(tm, &gs.ctm);
        // Upright text only: rotated or mirrored strings are margin notes, stamps, watermarks.
        let (sx, sy) = (start[0].hypot(start[1]), start[2].hypot(start[3]));
        let upright = start[0] > 0.0 && start[3] > 0.0 && start[1].abs() < 0.1 * sx && start[2].abs() < 0.1 * sy;
        let size = gs.size.abs() * sy;
        if !upright || text.is_empty() || !size.is_finite() || size < 0.5 {
            return Ok(());
        }
        let text = clean(&text);
        self.text_bytes += text.len();
        self.runs += 1;
        if self.text_bytes > self.cap || self.runs > MAX_RUNS {
            return Err(Fault::Limit("the text"));
        }
        let (x0, y) = apply(&start, 0.0, gs.rise);
        let (x1, _) = apply(&end, 0.0, gs.rise);
        if x0.is_finite() && x1.is_finite() && y.is_finite() {
            runs.push(Run { x0, x1: x1.max(x0), y, size, text });
        }
        Ok(())
    }
}

/// Ligatures spelled out; control characters dropped.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{feff}' => {}
            c => out.push(c),
        }
    }
    out
}

impl Font<'_> {
    /// Advance of `code` in 1/1000 em.
    fn width(&self, code: u32, bytes: &[u8]) -> f64 {
        if let Some(&w) = self.widths.get(&code) {
            return w;
        }
        if let Some(w) = self.default_width {
            return w;
        }
        let c = self.encoding.as_ref().and_then(|e| e.bytes_to_string(bytes).ok()).and_then(|s| s.chars().next());
        self.metrics.width(c.unwrap_or('a'))
    }
}

fn read_font<'a>(doc: &'a Document, dict: &'a Dictionary, cap: usize) -> Font<'a> {
    let encoding = dict.get_font_encoding_with_limit(doc, cap).ok().filter(|e| e.bytes_to_string(b"a").is_ok());
    let two_byte = dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0".as_slice());
    let base = dict.get(b"BaseFont").and_then(Object::as_name).map(|n| String::from_utf8_lossy(n).to_lowercase());
    let metrics = Metrics::of(&base.unwrap_or_default());
    let mut widths = HashMap::new();
    let mut default_width = None;
    if two_byte {
        let cid = dict
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok());
        if let Some(cid) = cid {
            default_width = Some(cid.get(b"DW").ok().and_then(num).unwrap_or(1000.0));
            if let Ok(w) = cid.get_deref(b"W", doc).and_then(Object::as_array) {
                cid_widths(doc, w, &mut widths);
            }
        }
    } else {
        let first = dict.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0).clamp(0.0, 255.0) as u32;
        if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
            for (i, o) in w.iter().take(256).enumerate() {
                if let Some(v) = doc.dereference(o).ok().and_then(|(_, o)| num(o)) {
                    widths.insert(first + i as u32, v);
                }
            }
        }
        let missing = dict
            .get_deref(b"FontDescriptor", doc)
            .and_then(Object::as_dict)
            .ok()
            .and_then(|d| d.get(b"MissingWidth").ok().and_then(num))
            .filter(|&w| w > 0.0);
        if !widths.is_empty() {
            default_width = missing;
        }
    }
    Font { encoding, two_byte, widths, default_width, metrics, used: false }
}

/// A CID font's `/W` array: `c [w1 w2 …]` and `c_first c_last w`, codes capped to two bytes.
fn cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    while i < w.len() && out.len() < 65_536 {
        let Some(first) = num(&w[i]).filter(|v| (0.0..65_536.0).contains(v)) else { return };
        let first = first as u32;
        match w.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(list))) => {
                for (k, v) in list.iter().take(65_536).enumerate() {
                    if let Some(v) = num(v) {
                        out.insert(first + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(Ok(o)) => {
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(num)) else { return };
                let last = (last.max(0.0) as u32).min(first + 65_535).min(0xFFFF);
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            _ => return,
        }
    }
}

/// Widths of the standard fonts a PDF may use without giving widths (Adobe's AFM files), for
/// the printable ASCII characters; accented letters take their base letter's width.
#[derive(Debug, Clone, Copy)]
enum Metrics {
    Helvetica,
    Times,
    Courier,
}

#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
#[rustfmt::skip]
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722,
    722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333,
    278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

impl Metrics {
    fn of(base: &str) -> Metrics {
        if base.contains("courier") || base.contains("mono") {
            Metrics::Courier
        } else if base.contains("times") || base.contains("serif") && !base.contains("sans") {
            Metrics::Times
        } else {
            Metrics::Helvetica
        }
    }

    fn width(self, c: char) -> f64 {
        let table = match self {
            Metrics::Courier => return 600.0,
            Metrics::Helvetica => &HELVETICA,
            Metrics::Times => &TIMES,
        };
        let base = if c.is_ascii() { c } else { c.to_string().nfd().next().unwrap_or(c) };
        match base as u32 {
            n @ 32..=126 => table[n as usize - 32] as f64,
            _ if c == '’' || c == '‘' => table[7] as f64 + 30.0,
            _ => 556.0,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lines, margins, footnotes and columns of a page.

/// Strings on one baseline, left to right.
#[derive(Debug, Clone)]
struct Line {
    y: f64,
    size: f64,
    runs: Vec<Run>,
}

impl Line {
    fn x0(&self) -> f64 {
        self.runs.first().map_or(0.0, |r| r.x0)
    }
    fn x1(&self) -> f64 {
        self.runs.iter().map(|r| r.x1).fold(f64::MIN, f64::max)
    }
    /// The line's text: runs joined, a space where they stand apart.
    fn text(&self) -> String {
        let mut out = String::new();
        let mut last: Option<&Run> = None;
        for r in &self.runs {
            if let Some(p) = last {
                let gap = r.x0 - p.x1;
                let fake_bold = r.text == p.text && (r.x0 - p.x0).abs() < 0.3 * r.size;
                if fake_bold {
                    continue;
                }
                if gap > 0.15 * self.size && !out.ends_with(' ') && !r.text.starts_with(' ') {
                    out.push(' ');
                }
            }
            out.push_str(&r.text);
            last = Some(r);
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

struct Page {
    height: f64,
    lines: Vec<Line>,
}

/// Groups runs into lines by baseline (top to bottom); a run raised above its line in a smaller
/// size (a note reference) is marked by a leading `\u{1}` in its text, for [`strip_refs`].
fn lines(mut runs: Vec<Run>) -> Vec<Line> {
    runs.retain(|r| !r.text.trim().is_empty() || r.x1 - r.x0 > 0.0);
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut out: Vec<Line> = Vec::new();
    for r in runs {
        match out.last_mut() {
            Some(l) if (l.y - r.y).abs() <= 0.5 * l.size.max(r.size) => {
                if r.size > l.size {
                    (l.size, l.y) = (r.size, r.y);
                }
                l.runs.push(r);
            }
            _ => out.push(Line { y: r.y, size: r.size, runs: vec![r] }),
        }
    }
    for l in &mut out {
        // The line's size: the one most of its characters have.
        let mut by_size: Vec<(f64, usize)> = Vec::new();
        for r in &l.runs {
            let n = r.text.chars().count();
            match by_size.iter().position(|(s, _)| (s - r.size).abs() < 0.25) {
                Some(i) => by_size[i].1 += n,
                None if by_size.len() < 16 => by_size.push((r.size, n)),
                None => {}
            }
        }
        if let Some(&(size, _)) = by_size.iter().max_by(|a, b| a.1.cmp(&b.1).then(a.0.total_cmp(&b.0))) {
            l.size = size;
            if let Some(base) = l.runs.iter().find(|r| (r.size - size).abs() < 0.25) {
                l.y = base.y;
            }
        }
        let (size, y) = (l.size, l.y);
        for r in &mut l.runs {
            let raised = r.size < 0.85 * size && r.y > y + 0.15 * size;
            if raised && r.text.trim().chars().count() <= 3 {
                r.text = format!("\u{1}{}", r.text.trim());
            }
        }
        l.runs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    out
}

/// A line without its note references.
fn strip_refs(mut line: Line) -> Line {
    line.runs.retain(|r| !r.text.starts_with('\u{1}'));
    line
}

/// `Page 3 of 12`, `- 3 -`, `3`: digits and page words only.
fn is_page_number(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !matches!(w.as_str(), "page" | "p" | "of" | "sur" | "de" | "pág" | "página"))
        .collect();
    words.iter().all(|w| w.chars().all(|c| c.is_ascii_digit() || "ivxlc".contains(c)))
}

/// Key of a margin line for finding it on other pages: digits masked, lowercased.
fn margin_key(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect::<String>().to_lowercase()
}

/// A page's text as pieces in reading order, with the footnotes taken out.
struct Laid {
    pieces: Vec<Piece>,
    notes: Vec<String>,
}

/// A line (or the part of a line in one column) with what paragraph rebuilding needs to know.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    /// Page, block and column: pieces with the same key are read one under the other.
    column: (usize, usize, u8),
}

fn layout(mut pages: Vec<Page>) -> String {
    // Running headers and footers: margin lines whose text comes back on another page.
    let mut seen: HashMap<String, HashSet<usize>> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for l in &page.lines {
            if in_margin(l, page.height) {
                seen.entry(margin_key(&strip_refs(l.clone()).text())).or_default().insert(p);
            }
        }
    }
    for page in &mut pages {
        let h = page.height;
        page.lines.retain(|l| {
            if !in_margin(l, h) {
                return true;
            }
            let text = strip_refs(l.clone()).text();
            !(is_page_number(&text) || seen.get(&margin_key(&text)).is_some_and(|s| s.len() >= 2))
        });
    }
    let body = body_size(&pages);
    let mut pieces = Vec::new();
    let mut notes = Vec::new();
    for (p, page) in pages.into_iter().enumerate() {
        let laid = lay_page(p, page.lines, body);
        pieces.extend(laid.pieces);
        notes.extend(laid.notes);
    }
    let mut text = paragraphs(&pieces, body);
    if !notes.is_empty() {
        text.push_str("__________\n\n");
        for n in notes {
            text.push_str(&n);
            text.push('\n');
        }
    }
    text
}

fn in_margin(l: &Line, height: f64) -> bool {
    l.y > height * (1.0 - MARGIN_BAND) || l.y < height * MARGIN_BAND
}

/// The size most characters of the document have (the body text's).
fn body_size(pages: &[Page]) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for l in pages.iter().flat_map(|p| &p.lines) {
        *counts.entry((l.size * 2.0).round() as i64).or_default() += l.runs.iter().map(|r| r.text.len()).sum::<usize>();
    }
    counts.into_iter().max_by_key(|&(s, n)| (n, s)).map_or(10.0, |(s, _)| s as f64 / 2.0)
}

/// Footnotes out, then the page's lines in reading order (one or two columns).
fn lay_page(page: usize, mut lines: Vec<Line>, body: f64) -> Laid {
    // Footnotes: the smaller lines at the foot of the page, one of them starting with a number.
    let small = lines.iter().rev().take_while(|l| l.size < 0.9 * body).count();
    let block = lines.len() - small;
    let numbered = |l: &Line| note_number(l).is_some();
    let mut notes: Vec<String> = Vec::new();
    if small > 0 && lines[block..].iter().any(numbered) {
        for l in lines.drain(block..) {
            match note_number(&l) {
                Some((n, rest)) => notes.push(format!("{n} {rest}")),
                None => match notes.last_mut() {
                    Some(last) => join_into(last, &strip_refs(l).text()),
                    None => notes.push(strip_refs(l).text()),
                },
            }
        }
    }
    let lines: Vec<Line> = lines.into_iter().map(strip_refs).filter(|l| !l.runs.is_empty()).collect();
    let mut pieces = Vec::new();
    let piece = |l: &Line, key: (usize, usize, u8)| Piece {
        text: l.text(),
        x0: l.x0(),
        x1: l.x1(),
        y: l.y,
        size: l.size,
        column: key,
    };
    let Some(g) = gutter(&lines) else {
        pieces.extend(lines.iter().map(|l| piece(l, (page, 0, 0))));
        return Laid { pieces, notes };
    };
    // Blocks: a line across the gutter is full width; a run of lines that leave it free is a
    // two-column block, read left column first.
    let mut block = 0;
    let mut i = 0;
    while i < lines.len() {
        if crosses(&lines[i], g) {
            pieces.push(piece(&lines[i], (page, block, 0)));
            i += 1;
            continue;
        }
        block += 1;
        let start = i;
        while i < lines.len() && !crosses(&lines[i], g) {
            i += 1;
        }
        let mut right = Vec::new();
        for l in &lines[start..i] {
            let (a, b): (Vec<Run>, Vec<Run>) = l.runs.iter().cloned().partition(|r| r.x1 <= g);
            if !a.is_empty() {
                pieces.push(piece(&Line { runs: a, ..l.clone() }, (page, block, 1)));
            }
            if !b.is_empty() {
                right.push(piece(&Line { runs: b, ..l.clone() }, (page, block, 2)));
            }
        }
        pieces.extend(right);
        block += 1;
    }
    Laid { pieces, notes }
}

/// The note number a footnote line starts with (a raised number, or digits then a space), and
/// the rest of the line.
fn note_number(l: &Line) -> Option<(String, String)> {
    let first = l.runs.first()?;
    if let Some(n) = first.text.strip_prefix('\u{1}') {
        if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
            let rest = strip_refs(Line { runs: l.runs[1..].to_vec(), ..l.clone() }).text();
            return Some((n.to_string(), rest));
        }
        return None;
    }
    let text = strip_refs(l.clone()).text();
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    ((1..=3).contains(&digits) && text[digits..].starts_with(' '))
        .then(|| (text[..digits].to_string(), text[digits..].trim().to_string()))
}

/// A string of the line spans `g`, or the line's free space around `g` is narrower than a gutter.
fn crosses(l: &Line, g: f64) -> bool {
    let left = l.runs.iter().filter(|r| r.x1 <= g).map(|r| r.x1).fold(f64::MIN, f64::max);
    let right = l.runs.iter().filter(|r| r.x0 >= g).map(|r| r.x0).fold(f64::MAX, f64::min);
    let spanned = l.runs.iter().any(|r| r.x0 < g && r.x1 > g);
    spanned || (left > f64::MIN && right < f64::MAX && right - left < l.size)
}

/// The x of the gutter of a two-column page: the middle of the widest stretch, in the middle of
/// the text's width, that is free in the most lines (a gap of at least the line's size with text
/// on both sides); `None` unless at least 3 lines and a fifth of them share it.
fn gutter(lines: &[Line]) -> Option<f64> {
    let left = lines.iter().map(Line::x0).fold(f64::MAX, f64::min);
    let right = lines.iter().map(Line::x1).fold(f64::MIN, f64::max);
    let width = right - left;
    if lines.len() < 3 || !(width > 50.0 && width < 20_000.0) {
        return None;
    }
    let (lo, hi) = (left + 0.3 * width, left + 0.7 * width);
    let bins = (hi - lo).ceil() as usize + 1;
    let mut diff = vec![0i64; bins + 1];
    for l in lines {
        let mut reach = f64::MIN;
        for r in &l.runs {
            let (a, b) = (reach.max(lo), r.x0.min(hi));
            if reach > f64::MIN && r.x0 - reach >= l.size && b > a {
                diff[(a - lo) as usize] += 1;
                diff[((b - lo) as usize).min(bins)] -= 1;
            }
            reach = reach.max(r.x1);
        }
    }
    let mut acc = 0;
    let counts: Vec<i64> = diff[..bins]
        .iter()
        .map(|d| {
            acc += d;
            acc
        })
        .collect();
    let score = *counts.iter().max()?;
    // The longest stretch at the best score.
    let (mut best, mut start) = ((0, 0), None);
    for (x, &c) in counts.iter().chain([&-1]).enumerate() {
        match (c == score, start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                if x - s > best.1 - best.0 {
                    best = (s, x);
                }
                start = None;
            }
            _ => {}
        }
    }
    (score >= 3 && score as usize * 5 >= lines.len()).then(|| lo + (best.0 + best.1) as f64 / 2.0)
}

// ---------------------------------------------------------------------------------------------
// Paragraphs.

/// The text of a piece ends a sentence.
fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(|c: char| "»\"”’')]".contains(c)).ends_with(['.', '!', '?', ':', ';', '…'])
}

/// Joins pieces into paragraphs, one per line, an empty line between.
fn paragraphs(pieces: &[Piece], body: f64) -> String {
    // Line pitch of body text: the most common gap between two body lines of one column.
    let mut gaps: Vec<i64> = pieces
        .windows(2)
        .filter(|w| w[0].column == w[1].column && (w[0].size - body).abs() < 0.5 && (w[1].size - body).abs() < 0.5)
        .map(|w| ((w[0].y - w[1].y) * 4.0).round() as i64)
        .filter(|&g| g > 0 && (g as f64) < 12.0 * body)
        .collect();
    gaps.sort_unstable();
    let pitch = gaps.get(gaps.len() / 4).map_or(1.2 * body, |&g| g as f64 / 4.0).max(body);
    let mut bounds: HashMap<(usize, usize, u8), (f64, f64)> = HashMap::new();
    for p in pieces {
        let b = bounds.entry(p.column).or_insert((f64::MAX, f64::MIN));
        *b = (b.0.min(p.x0), b.1.max(p.x1));
    }
    let vocabulary: HashSet<String> = pieces
        .iter()
        .flat_map(|p| p.text.split(|c: char| !(c.is_alphanumeric() || c == '-')))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = String::new();
    let mut para = String::new();
    for (i, p) in pieces.iter().enumerate() {
        if p.text.is_empty() {
            continue;
        }
        let breaks = match i.checked_sub(1).map(|j| &pieces[j]) {
            None => true,
            Some(a) => {
                let (left, right) = bounds[&p.column];
                let indented = p.x0 > left + 0.6 * p.size;
                let size_changes = (a.size - p.size).abs() > 0.1 * p.size.max(a.size);
                if a.column == p.column {
                    let gap = a.y - p.y;
                    let (_, a_right) = bounds[&a.column];
                    let short = a.x1 < a_right - 2.0 * a.size;
                    size_changes
                        || gap > 1.3 * pitch
                        || gap < 0.0
                        || ends_sentence(&a.text) && (short || indented && p.x0 > a.x0 + 0.6 * p.size)
                } else {
                    let (_, a_right) = bounds[&a.column];
                    let full = a.x1 >= a_right - 1.0 * a.size;
                    size_changes || indented || ends_sentence(&a.text) && !full || p.x1 > right + 1.0
                }
            }
        };
        if breaks && !para.is_empty() {
            out.push_str(&para);
            out.push_str("\n\n");
            para.clear();
        }
        if para.is_empty() {
            para.push_str(&p.text);
        } else {
            join_hyphenated(&mut para, &p.text, &vocabulary);
        }
    }
    if !para.is_empty() {
        out.push_str(&para);
        out.push_str("\n\n");
    }
    out
}

/// Appends a line to a paragraph with a space.
fn join_into(para: &mut String, line: &str) {
    if !para.is_empty() && !line.is_empty() {
        para.push(' ');
    }
    para.push_str(line);
}

/// Second halves that keep their hyphen (`celles-ci`, `peut-être`), and first halves of
/// compounds (`non-binding`, `cyber-attacks`), when the document does not say otherwise.
const KEEP_AFTER: &[&str] = &["ci", "là", "même", "mêmes", "être", "dire", "delà", "dessus", "dessous", "unes", "uns"];
const KEEP_BEFORE: &[&str] = &[
    "non", "anti", "co", "cyber", "multi", "inter", "post", "pre", "self", "well", "long", "short", "ex", "vice",
    "pro", "quasi", "semi", "sous", "après", "avant", "contre", "demi", "auto", "extra", "infra", "supra", "ultra",
];

/// Appends `line` to the paragraph, undoing a hyphenation at the line end (`imple-` + `ment`):
/// the hyphen goes when the document has the word whole, or neither form and the halves are not
/// a known compound; it stays for `Secretary-` + `General` and the compounds above.
fn join_hyphenated(para: &mut String, line: &str, vocabulary: &HashSet<String>) {
    let Some(stem) = para.strip_suffix('-').filter(|s| s.ends_with(char::is_alphabetic)) else {
        return join_into(para, line);
    };
    let start = stem.trim_end_matches(char::is_alphabetic).len();
    let before = stem[start..].to_lowercase();
    let after: String = line.chars().take_while(|c| c.is_alphabetic()).collect();
    if after.is_empty() {
        return join_into(para, line);
    }
    if after.starts_with(char::is_lowercase) {
        let a = after.to_lowercase();
        let keep = if vocabulary.contains(&format!("{before}{a}")) {
            false
        } else if vocabulary.contains(&format!("{before}-{a}")) {
            true
        } else {
            KEEP_AFTER.contains(&a.as_str()) || KEEP_BEFORE.contains(&before.as_str())
        };
        if !keep {
            para.pop();
        }
    }
    para.push_str(line);
}

/// A small PDF as many writers make one: Helvetica (WinAnsi), uncompressed, each page's lines
/// drawn one under the other. Test fixtures and fuzzing seeds ([`crate::fuzzing::sample_pdf`]).
pub(crate) fn sample(pages: &[&[&str]]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        Vec::new(), // the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut kids = Vec::new();
    for lines in pages {
        let mut content = b"BT /F1 11 Tf 14 TL 72 770 Td".to_vec();
        for line in *lines {
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(line);
            content.extend(b" (");
            for &b in bytes.iter() {
                if matches!(b, b'(' | b')' | b'\\') {
                    content.push(b'\\');
                }
                content.push(b);
            }
            content.extend(b") Tj T*");
        }
        content.extend(b" ET");
        let content_id = objects.len() + 2;
        kids.push(format!("{} 0 R", objects.len() + 1));
        objects.push(
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>")
                .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"\nendstream");
        objects.push(stream);
    }
    objects[1] = format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), kids.len()).into_bytes();
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x0: f64, x1: f64, y: f64, size: f64, text: &str) -> Run {
        Run { x0, x1, y, size, text: text.into() }
    }

    #[test]
    fn hyphens_at_line_ends() {
        let vocab: HashSet<String> = ["binding".to_string()].into();
        let mut p = "legally bind-".to_string();
        join_hyphenated(&mut p, "ing instrument", &vocab);
        assert_eq!(p, "legally binding instrument");
        let mut p = "la coopé-".to_string();
        join_hyphenated(&mut p, "ration entre", &vocab);
        assert_eq!(p, "la coopération entre");
        let mut p = "celles-".to_string();
        join_hyphenated(&mut p, "ci sont", &vocab);
        assert_eq!(p, "celles-ci sont");
        let mut p = "the Secretary-".to_string();
        join_hyphenated(&mut p, "General said", &vocab);
        assert_eq!(p, "the Secretary-General said");
        let mut p = "non-".to_string();
        join_hyphenated(&mut p, "binding norms", &HashSet::new());
        assert_eq!(p, "non-binding norms");
    }

    #[test]
    fn lines_mark_note_references_and_keep_order() {
        let runs = vec![
            run(100.0, 140.0, 700.0, 10.0, "world."),
            run(50.0, 95.0, 700.0, 10.0, "Hello"),
            run(141.0, 145.0, 703.5, 6.0, "1"),
            run(50.0, 120.0, 686.0, 10.0, "Next line"),
        ];
        let got = lines(runs);
        assert_eq!(got.len(), 2);
        assert_eq!(strip_refs(got[0].clone()).text(), "Hello world.");
        assert_eq!(got[0].runs[2].text, "\u{1}1");
        assert_eq!(got[1].text(), "Next line");
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut runs = vec![run(50.0, 500.0, 760.0, 10.0, "A title across the whole width of the page")];
        for i in 0..6 {
            let y = 740.0 - 12.0 * i as f64;
            runs.push(run(50.0, 260.0, y, 10.0, &format!("left {i}")));
            runs.push(run(290.0, 500.0, y, 10.0, &format!("right {i}")));
        }
        let laid = lay_page(0, lines(runs), 10.0);
        let texts: Vec<&str> = laid.pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts[0], "A title across the whole width of the page");
        assert_eq!(&texts[1..7], ["left 0", "left 1", "left 2", "left 3", "left 4", "left 5"]);
        assert_eq!(texts[7], "right 0");
    }

    #[test]
    fn page_numbers() {
        for t in ["12", "- 3 -", "Page 2 of 14", "page 4 sur 9", "iv"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["Statement by France", "2 Voir A/78/265."] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    /// A one-page PDF whose page draws the form `Fm0` (which draws itself twice), and `content`.
    fn hostile(content: Vec<u8>, compress: bool) -> Vec<u8> {
        use lopdf::{dictionary, Stream};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica"});
        let form_id = doc.new_object_id();
        let resources = dictionary! {"XObject" => dictionary! {"Fm0" => form_id}, "Font" => dictionary! {"F1" => font}};
        let form = Stream::new(
            dictionary! {"Type" => "XObject", "Subtype" => "Form", "Resources" => resources.clone()},
            b"/Fm0 Do /Fm0 Do BT /F1 10 Tf 72 700 Td (Loop) Tj ET".to_vec(),
        );
        doc.objects.insert(form_id, Object::Stream(form));
        let mut stream = Stream::new(dictionary! {}, content);
        if compress {
            stream.compress().unwrap();
        }
        let content_id = doc.add_object(stream);
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources,
        });
        let pages = dictionary! {"Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()]};
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn hostile_files_stop_at_the_caps() {
        // A form drawing itself: stops at the nesting cap (2^9 - 1 draws of one word).
        let (text, _, _) = extract_capped("loop.pdf", hostile(b"/Fm0 Do".to_vec(), false), 1 << 20).unwrap();
        assert_eq!(text, "Loop\n\n");
        // A page content of 3 MB in a few KB: refused at a 1 MB cap, before it is parsed.
        let bomb = hostile(vec![b' '; 3 << 20], true);
        assert!(bomb.len() < 20_000, "{}", bomb.len());
        let err = extract_capped("bomb.pdf", bomb, 1 << 20).unwrap_err().to_string();
        assert!(err.starts_with("bomb.pdf: page 1: ") && err.contains("over the 1 MB cap"), "{err}");
        // Deep `q` nesting, huge numbers, strings without a font.
        let odd =
            [&b"q ".repeat(5000)[..], b"1e308 1e308 1e308 1e308 0 0 cm (no font) Tj BT 9e99 Tz (x) Tj ET"].concat();
        let err = extract_capped("odd.pdf", hostile(odd, false), 1 << 20).unwrap_err().to_string();
        assert!(err.contains("no text layer"), "{err}");
    }

    #[test]
    fn sample_reads_back() {
        let pdf = sample(&[&["Les États soutiennent le droit international (la Charte)."], &["Second page."]]);
        let (text, title, warnings) = extract_capped("s.pdf", pdf, 1 << 20).unwrap();
        assert_eq!(text, "Les États soutiennent le droit international (la Charte). Second page.\n\n");
        assert_eq!((title, warnings), (None, vec![]));
    }

    #[test]
    fn standard_font_widths() {
        assert_eq!(Metrics::Helvetica.width('é'), 556.0);
        assert_eq!(Metrics::Times.width('a'), 444.0);
        assert_eq!(Metrics::Courier.width('W'), 600.0);
    }
}
