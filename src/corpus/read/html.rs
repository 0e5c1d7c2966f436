//! Web pages: the main text only. The page's `<main>` (or `role="main"`, else its `<article>`s,
//! else `<body>`) is walked once; scripts, styles, navigation, headers, footers, asides, forms
//! and anything whose id, class or role names a menu, breadcrumb, cookie or consent banner,
//! share bar or sidebar are dropped. Each block element (paragraph, heading, list item, table
//! cell, …) becomes one line, blocks separated by an empty line, so the segmenter reads the
//! page as one paragraph per line. `<title>` is returned for a manifest row without a title.

use scraper::{Html, Node};

use super::encoding;
use crate::{Error, Result};

/// Deepest element nesting read (Blink's HTML parser stops nesting at 512 too). html5ever
/// scans its stack of open elements on many tags (is a `<p>` in scope?), so its time grows
/// with depth × tags: 100,000 nested `<div>`s, a 600 KB page, took half a minute. Under this
/// cap a page costs at most a few hundred steps per tag.
const MAX_NESTING: usize = 512;

/// Elements without content, and elements whose end tag the parser implies (a new `<p>` or
/// `<li>` closes the last one): neither makes the page deeper, so [`too_deep`] skips them.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rp",
    "html", "head", "body",
];

/// Elements whose content is text up to their end tag (a `<div>` inside a script is not one).
const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript", "plaintext", "iframe", "noembed"];

/// Inside `<svg>` or `<math>`, where (only) `<x/>` closes itself; `<div/>` opens a div.
fn in_foreign(open: &[String]) -> bool {
    open.iter().any(|o| o == "svg" || o == "math")
}

/// The byte offset of the start tag that opens the page's element number [`MAX_NESTING`] + 1
/// in depth, if any: a stack of open elements kept as the parser keeps it (an end tag closes
/// up to its own element; a stray one closes nothing), cheap because it stops at the cap.
fn too_deep(text: &str) -> Option<usize> {
    let len = text.len();
    let mut open: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(i) = text.get(at..).and_then(|r| r.find('<')).map(|k| at + k) {
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(len, |e| i + e + 3);
            continue;
        }
        let closing = rest.as_bytes().get(1) == Some(&b'/');
        let name: String = rest[1 + usize::from(closing)..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let end = rest.find('>').map_or(len, |e| i + e + 1);
        at = end.max(i + 1);
        if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
            continue;
        }
        if closing {
            if let Some(k) = open.iter().rposition(|o| *o == name) {
                open.truncate(k);
            }
        } else if RAW.contains(&name.as_str()) {
            let close = format!("</{name}");
            at = text.as_bytes()[at..]
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()))
                .map_or(len, |e| at + e);
        } else {
            let self_closed = text[i..end].ends_with("/>") && in_foreign(&open);
            if FLAT.contains(&name.as_str()) || self_closed {
                continue;
            }
            open.push(name);
            if open.len() > MAX_NESTING {
                return Some(i);
            }
        }
    }
    None
}

/// Elements whose whole content is dropped.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
    "option", "textarea", "svg", "canvas", "iframe", "object", "embed", "dialog", "menu", "head",
];

/// Elements that end a block of text (a line of the output).
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "br",
    "hr",
    "address",
    "details",
    "summary",
    "body",
    "center",
];

/// Words in an id, class or role that mark page furniture rather than the text.
const FURNITURE: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "banner",
    "share",
    "sharing",
    "social",
    "sidebar",
    "skip",
    "skiplink",
    "footer",
    "header",
    "masthead",
    "toolbar",
    "pagination",
    "newsletter",
    "related",
    "contentinfo",
    "search",
    "language-switcher",
    "lang-switch",
];

/// The main text and the title of an HTML page (see the module doc).
pub(super) fn extract(name: &str, bytes: Vec<u8>) -> Result<(String, Option<String>, Vec<String>)> {
    let declared = declared_charset(&bytes);
    let decoded = encoding::decode_declared(name, bytes, declared)?;
    if let Some(at) = too_deep(&decoded.text) {
        let line = decoded.text[..at].matches('\n').count() + 1;
        return Err(Error::data(format!(
            "{name}: line {line}: elements nested more than {MAX_NESTING} deep; a readable page nests a few dozen: \
             save its text as a .txt file"
        )));
    }
    let page = Html::parse_document(&decoded.text);
    let title = page
        .tree
        .nodes()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))
        .map(|n| {
            collapse(&n.descendants().filter_map(|d| d.value().as_text().map(|t| t.to_string())).collect::<String>())
        })
        .filter(|t| !t.is_empty());
    let elements = || page.tree.nodes().filter(|n| n.value().as_element().is_some());
    let is = |n: &ego_tree::NodeRef<Node>, tag: &str| n.value().as_element().is_some_and(|e| e.name() == tag);
    let main: Vec<_> = match elements().find(|n| is(n, "main") || role(n) == Some("main")) {
        Some(m) => vec![m],
        None => {
            let articles: Vec<_> = elements().filter(|n| is(n, "article")).collect();
            if articles.is_empty() {
                vec![page.tree.root()]
            } else {
                articles
            }
        }
    };
    let mut blocks: Vec<String> = Vec::new();
    let mut line = String::new();
    for root in main {
        let mut skip = 0usize;
        for edge in root.traverse() {
            match edge {
                ego_tree::iter::Edge::Open(n) => match n.value() {
                    Node::Element(e) => {
                        if skip > 0 || dropped(&n) {
                            skip += 1;
                        } else if BLOCKS.contains(&e.name()) {
                            flush(&mut line, &mut blocks);
                        }
                    }
                    Node::Text(t) if skip == 0 => line.push_str(t),
                    _ => {}
                },
                ego_tree::iter::Edge::Close(n) => {
                    if let Node::Element(e) = n.value() {
                        if skip > 0 {
                            skip -= 1;
                        } else if BLOCKS.contains(&e.name()) {
                            flush(&mut line, &mut blocks);
                        }
                    }
                }
            }
        }
        flush(&mut line, &mut blocks);
    }
    Ok((blocks.join("\n\n"), title, decoded.warning.into_iter().collect()))
}

fn role<'a>(n: &ego_tree::NodeRef<'a, Node>) -> Option<&'a str> {
    n.value().as_element().and_then(|e| e.attr("role"))
}

/// Is the element at `n` dropped with its content: a [`DROPPED`] tag, hidden, or furniture
/// by its id, class or role?
fn dropped(n: &ego_tree::NodeRef<Node>) -> bool {
    let Some(e) = n.value().as_element() else { return false };
    if DROPPED.contains(&e.name()) || e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    let words = [e.id().unwrap_or_default(), e.attr("class").unwrap_or_default(), e.attr("role").unwrap_or_default()]
        .join(" ")
        .to_lowercase();
    words
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| FURNITURE.contains(&w) || w.split('-').any(|part| FURNITURE.contains(&part) && part.len() > 3))
}

/// Whitespace runs (spaces, tabs, line breaks, no-break spaces stay) made one space, trimmed.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn flush(line: &mut String, blocks: &mut Vec<String>) {
    let text = collapse(line);
    if !text.is_empty() {
        blocks.push(text);
    }
    line.clear();
}

/// The charset a page declares in its first 1,024 bytes (`<meta charset="…">` or
/// `content="text/html; charset=…"`), as a label for `encoding_rs`.
fn declared_charset(bytes: &[u8]) -> Option<Vec<u8>> {
    let head = bytes[..bytes.len().min(1024)].to_ascii_lowercase();
    let at = head.windows(8).position(|w| w == b"charset=")? + 8;
    let label: Vec<u8> = head[at..]
        .iter()
        .skip_while(|&&b| b == b'"' || b == b'\'' || b == b' ')
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':' || b == b'.')
        .copied()
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_text_without_furniture() {
        let page = br#"<!doctype html><html><head><meta charset="utf-8"><title>
            Statement by Brazil | Ministry</title><style>p{color:red}</style><script>var x = "<p>no</p>";</script></head>
            <body><div id="cookie-banner"><p>We use cookies to improve your experience.</p></div>
            <header><a href="/">Home</a></header><nav><ul><li>News</li><li>About</li></ul></nav>
            <div class="breadcrumb">Home &gt; Statements</div>
            <main><h1>Statement on ICT security</h1>
            <p>Brazil supports the  <b>open-ended</b> working group
               and the framework of responsible State behaviour.</p>
            <p>We call for capacity&#8209;building &amp; cooperation.<br>Thank you.</p>
            <div class="share-buttons">Share on X</div></main>
            <aside>Related: other statements</aside><footer>&copy; Ministry</footer></body></html>"#;
        let (text, title, warnings) = extract("p.html", page.to_vec()).unwrap();
        assert_eq!(
            text,
            "Statement on ICT security\n\nBrazil supports the open-ended working group and the framework of responsible \
             State behaviour.\n\nWe call for capacity\u{2011}building & cooperation.\n\nThank you."
        );
        assert_eq!(title.as_deref(), Some("Statement by Brazil | Ministry"));
        assert!(warnings.is_empty());
    }

    #[test]
    fn declared_and_detected_charsets() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head>\
                     <body><p>S\xe9curit\xe9 internationale</p></body></html>";
        let (text, _, warnings) = extract("p.html", page.to_vec()).unwrap();
        assert_eq!(text, "Sécurité internationale");
        assert!(warnings.is_empty(), "declared: {warnings:?}");
        let (text, _, warnings) = extract("p.html", b"<p>S\xe9curit\xe9 de l'\xc9tat</p>".to_vec()).unwrap();
        assert_eq!(text, "Sécurité de l'État");
        assert!(warnings[0].contains("Windows-1252"), "{warnings:?}");
    }

    proptest::proptest! {
        /// Tag soup around the pre-scan's edge cases (stray and upper-case end tags, unclosed
        /// comments and scripts, `/>` in and out of SVG, multi-byte text): read, or refused in
        /// one line — never a panic.
        #[test]
        fn tag_soup_reads_or_is_refused_in_one_line(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "<div>", "</div>", "<p>", "</span>", "<!--", "-->", "<script>", "</SCRIPT>", "<svg>",
                "</svg>", "<path/>", "<div/>", "<", "/>", ">", "é", "text ", "<li>", "<b>",
            ]),
            0..3000,
        )) {
            let page = parts.concat();
            if let Err(e) = extract("t.html", page.into_bytes()) {
                proptest::prop_assert_eq!(e.to_string().lines().count(), 1);
            }
        }
    }

    #[test]
    fn deep_nesting_reads_to_the_cap_and_is_refused_beyond_it() {
        let nested = |n: usize| "<div>".repeat(n) + "deep text" + &"</div>".repeat(n);
        // At the cap: read, and the walk does not recurse (no stack overflow).
        assert_eq!(extract("d.html", nested(MAX_NESTING).into_bytes()).unwrap().0, "deep text");
        // Beyond it, one line naming the file and the line, before html5ever's quadratic parse.
        let page = "<html>\n<body>\n".to_string() + &nested(100_000);
        let err = extract("d.html", page.into_bytes()).unwrap_err().to_string();
        assert!(err.starts_with("d.html: line 3: elements nested more than 512 deep"), "{err}");
        assert_eq!(err.lines().count(), 1);
        // Stray end tags close nothing, as in the parser: they do not hide the depth.
        // nor does a slash, which HTML ignores outside SVG and MathML.
        for sneaky in ["<div></span>", "<div/>"] {
            assert!(extract("s.html", sneaky.repeat(MAX_NESTING + 1).into_bytes()).is_err(), "{sneaky}");
        }
        // Long flat pages are not deep: thousands of paragraphs and list items without end
        // tags, void elements, self-closed SVG paths, and tags inside scripts and comments.
        let flat = "<p>one<br><img src=x><li>two".repeat(5_000)
            + "<svg>"
            + &"<path d='M0'/>".repeat(5_000)
            + "</svg>"
            + "<script>var s = '<div><div><div>';</script><!-- <div><div> -->"
            + &"<div>x</div>".repeat(5_000);
        assert!(extract("f.html", flat.into_bytes()).is_ok());
    }
}
