//! The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline
//! script) that opens offline, loads nothing from the network and prints cleanly.
//!
//! Layout: corpus overview → who stands on the same side (agreement over all topics, then per
//! topic the issuers' positions as a dot plot beside the agreement heatmap) → who speaks alike
//! (vocabulary-similarity heatmaps, all passages then per topic; rows in clustered order) → the
//! comparison of two sides → every passage on each topic by issuer, which the heatmap cells and
//! the dots link to. The only external addresses are the documents' own `source_url`
//! values, as plain `<a href>` links that nothing loads until a reader clicks them.
//!
//! All text is HTML-escaped ([`escape`]); links are only made of `http(s)://` addresses.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::compare::evidence::Evidence;
use crate::compare::sides::{SideView, TopicComparison};
use crate::compare::stance::StanceSummary;
use crate::export::report::{Heatmap, Report, TopicPositions};
use crate::topics::Stance;

/// Colour-blind-safe sequential scale (ColorBrewer YlGnBu, 9 classes), low → high similarity.
const SCALE: [&str; 9] =
    ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"];

/// Bloc colours (Okabe–Ito), given in bloc name order.
const BLOC_COLOURS: [&str; 8] =
    ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#666666"];

/// Stance colours (Okabe–Ito): support, oppose, neutral.
const STANCE_COLOURS: [&str; 3] = ["#009E73", "#D55E00", "#BBBBBB"];

/// System fonts only (no web fonts); a laptop-width layout; print shows every detail, no nav.
const CSS: &str = r#"
:root { --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --bg: #fbfbfc; --accent: #225ea8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #0b2545; color: #fff; padding: 22px 32px 12px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header .sub { margin: 0 0 10px; color: #c9d6ea; }
nav a { color: #fff; margin-right: 18px; text-decoration: none; border-bottom: 2px solid transparent; }
nav a:hover { border-color: #7fcdbb; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 32px 48px; }
section { margin-top: 28px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h2 .vs { color: var(--muted); font-weight: 400; }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 13px; margin: 0 0 4px; }
a { color: var(--accent); }
.note { color: var(--muted); max-width: 980px; }
.muted, .ci { color: var(--muted); font-size: 12px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 32px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.chip { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.bar { display: inline-flex; width: 140px; height: 12px; border-radius: 2px; overflow: hidden; background: #f2f4f7; vertical-align: middle; }
.bar i { display: block; height: 100%; }
.legend span, .blocs span { margin-right: 12px; white-space: nowrap; }
.legend i, .blocs i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; vertical-align: -1px; }
.scale { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; margin: 10px 0 14px; font-size: 12px; color: var(--muted); }
.ramp { display: inline-flex; } .ramp i { display: block; width: 28px; height: 12px; }
.ends { display: inline-flex; gap: 8px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; break-inside: avoid; }
figure.overall { display: inline-block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
svg.heatmap { display: block; max-width: 100%; height: auto; }
svg.heatmap a:hover rect { stroke: #000; stroke-width: 1.5; }
rect.cell { stroke: #fff; stroke-width: 1; }
.cmp td { font-size: 13px; }
.term { display: inline-block; background: #eef2f6; border-radius: 3px; padding: 0 5px; margin: 1px 0; font-size: 12px; }
.term.concept { background: #e3f1ef; font-style: italic; }
.call { font-size: 12px; }
.call.support { color: #007a5a; } .call.oppose { color: #b84a00; } .call.neutral, .call.none { color: var(--muted); }
mark { padding: 0 2px; border-radius: 2px; }
mark.support { background: #c9efe1; } mark.oppose { background: #fbd9c4; } mark.neutral { background: #eee; }
details { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; padding: 6px 10px; }
details:target, details.hit { border-color: var(--accent); box-shadow: 0 0 0 2px #c6dbef; }
summary { cursor: pointer; }
summary .bar { float: right; margin-top: 4px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
blockquote.passage { margin: 8px 0; padding: 6px 12px; border-left: 4px solid #bbb; background: #fcfcfd; }
blockquote.support { border-color: #009E73; } blockquote.oppose { border-color: #D55E00; }
blockquote p { margin: 0 0 4px; }
blockquote footer { font-size: 12px; color: var(--muted); }
.prop { font-style: italic; color: var(--muted); max-width: 980px; }
.scroll { overflow-x: auto; }
table.index td, table.index th { padding: 2px 6px; font-size: 12px; }
table.index th.t { width: 66px; text-align: center; vertical-align: bottom; font-weight: 500; line-height: 1.2; }
table.index td.num { text-align: center; }
tr:target { background: #fff7cc; }
@media (max-width: 900px) { .cols, .two { grid-template-columns: 1fr; } }
@media print {
  body { background: #fff; font-size: 11px; }
  header { background: none; color: #000; padding: 0; } header .sub { color: #333; }
  nav, .scroll { display: none; }
  main { max-width: none; padding: 0; }
  section { break-before: page; } section#overview { break-before: auto; }
  details { border: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Opens the `<details>` a link points to (and the column issuer's, for a heatmap cell); opens
/// everything before printing. The page works without it.
const SCRIPT: &str = r#"
function openAt(id) {
  var e = document.getElementById(id);
  if (!e) return null;
  for (var p = e; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  return e;
}
function follow() { if (location.hash) openAt(decodeURIComponent(location.hash.slice(1))); }
document.addEventListener('click', function (ev) {
  var a = ev.target.closest && ev.target.closest('a[data-pair]');
  if (!a) return;
  document.querySelectorAll('.hit').forEach(function (d) { d.classList.remove('hit'); });
  [a.getAttribute('href').slice(1), a.getAttribute('data-pair')].forEach(function (id) {
    var d = openAt(id); if (d) d.classList.add('hit');
  });
});
window.addEventListener('hashchange', follow);
window.addEventListener('beforeprint', function () { document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });
follow();
"#;

/// `s` with `& < > " '` escaped: safe in element content and in quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A fragment id made of `[a-z0-9-]` only.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Fragment id of an issuer's passages on a topic (`None`: the issuer's row in the evidence index).
pub fn evidence_id(topic: Option<&str>, issuer: &str) -> String {
    format!("ev-{}-{}", topic.map_or_else(|| "all".to_string(), slug), slug(issuer))
}

/// The colour scale shared by every heatmap of a page, so colours compare across topics: from 0
/// (and below) to `hi`, the 95th percentile of the similarities between two different groups
/// over all heatmaps, rounded up to 0.05; higher values get the darkest colour. (Mean-vector
/// cosines in a latent space are mostly far below 1, and a few topic cells are high: a fixed
/// 0–1 scale, or one stretched to the maximum, would leave nearly every cell pale.)
///
/// Agreement has its own scale ([`Scale::for_agreement`]): from `lo`, the 5th percentile of the
/// agreements between two different groups rounded down to 0.05, to 1 (same position).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
}

/// The values of every heatmap between two different groups, sorted.
fn off_diagonal(maps: &[&Heatmap]) -> Vec<f64> {
    let mut values: Vec<f64> = maps
        .iter()
        .flat_map(|m| {
            let x = &m.matrix.matrix;
            (0..x.len()).flat_map(move |i| (0..x.len()).filter(move |&j| j != i).filter_map(move |j| x[i][j]))
        })
        .collect();
    values.sort_by(f64::total_cmp);
    values
}

impl Scale {
    pub fn for_heatmaps(maps: &[Heatmap]) -> Scale {
        let values = off_diagonal(&maps.iter().collect::<Vec<_>>());
        let p95 = values.get((values.len() as f64 * 0.95) as usize).or(values.last()).copied().unwrap_or(1.0);
        Scale { lo: 0.0, hi: ((p95 * 20.0).ceil() / 20.0).clamp(0.05, 1.0) }
    }

    pub fn for_agreement(maps: &[&Heatmap]) -> Scale {
        let values = off_diagonal(maps);
        let p5 = values.get((values.len() as f64 * 0.05) as usize).copied().unwrap_or(0.0);
        Scale { lo: ((p5 * 20.0).floor() / 20.0).clamp(0.0, 0.95), hi: 1.0 }
    }

    /// Fill colour of a value.
    pub fn colour(&self, v: f64) -> &'static str {
        let k = ((v - self.lo) / (self.hi - self.lo) * SCALE.len() as f64).floor().max(0.0) as usize;
        SCALE[k.min(SCALE.len() - 1)]
    }
}

/// Dark fills get white text.
fn text_colour(fill: &str) -> &'static str {
    if SCALE.iter().position(|c| *c == fill).is_some_and(|k| k >= 5) {
        "#fff"
    } else {
        "#111"
    }
}

fn f2(v: f64) -> String {
    format!("{v:.2}")
}

/// `<a>` for an http(s) address; anything else is shown as text, never as a link.
fn link(url: &str, text: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!("<a href=\"{}\" rel=\"noreferrer noopener\">{}</a>", escape(url), escape(text))
    } else {
        escape(text)
    }
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let colours = bloc_colours(r);
    let o = &r.overview;
    let mut h = String::with_capacity(1 << 20);
    let title = format!("Stances in cyber diplomacy — {} corpus", o.corpus);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"stance {}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape(&r.version),
        escape(&title)
    );
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{} documents · {} issuers · {} blocs · {} · {} · {} passages ({} in the domain, {} on a topic)</p>\n{}\
         <nav><a href=\"#overview\">Corpus</a><a href=\"#agreement\">Agreement</a><a href=\"#similarity\">Vocabulary</a><a href=\"#comparison\">Comparison</a>\
         <a href=\"#evidence\">Evidence</a><a href=\"#method\">Method</a></nav>\n</header>\n<main>\n",
        escape(&title),
        o.n_documents,
        o.n_issuers,
        o.blocs.len(),
        escape(&date_range(o.first_date.as_deref(), o.last_date.as_deref())),
        escape(&o.languages.iter().map(|(l, n)| format!("{n} in {l}")).collect::<Vec<_>>().join(", ")),
        o.n_passages,
        o.domain.in_domain,
        o.n_on_topic,
        o.domain.warning().map_or_else(String::new, |w| format!("<p class=\"note\"><b>Note:</b> {}.</p>\n", escape(&w))),
    );
    overview(&mut h, r, &colours);
    agreement(&mut h, r, &colours);
    similarity(&mut h, r, &colours);
    comparison(&mut h, r);
    evidence(&mut h, r, &colours);
    method(&mut h, r);
    let _ = write!(h, "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n");
    h
}

fn date_range(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.to_string(),
        _ => "undated".to_string(),
    }
}

fn bloc_colours(r: &Report) -> BTreeMap<String, &'static str> {
    r.overview.blocs.iter().enumerate().map(|(k, b)| (b.bloc.clone(), BLOC_COLOURS[k % BLOC_COLOURS.len()])).collect()
}

fn chip(colours: &BTreeMap<String, &'static str>, bloc: &str) -> String {
    format!(
        "<span class=\"chip\" style=\"background:{}\" title=\"{}\"></span>",
        colours.get(bloc).copied().unwrap_or("#999"),
        escape(bloc)
    )
}

/// A stacked support / oppose / neutral bar with the counts in its tooltip.
fn stance_bar(c: [usize; 3]) -> String {
    let n: usize = c.iter().sum();
    if n == 0 {
        return "<span class=\"muted\">—</span>".to_string();
    }
    let mut s =
        format!("<span class=\"bar\" title=\"support {} · oppose {} · neutral {} (of {n})\">", c[0], c[1], c[2]);
    for (k, &x) in c.iter().enumerate() {
        if x > 0 {
            let _ = write!(
                s,
                "<i style=\"width:{:.1}%;background:{}\"></i>",
                100.0 * x as f64 / n as f64,
                STANCE_COLOURS[k]
            );
        }
    }
    s.push_str("</span>");
    s
}

fn stance_legend() -> String {
    let mut s = String::from("<span class=\"legend\">");
    for (k, name) in ["support", "oppose", "neutral"].iter().enumerate() {
        let _ = write!(s, "<span><i style=\"background:{}\"></i>{name}</span>", STANCE_COLOURS[k]);
    }
    s.push_str("</span>");
    s
}

fn overview(h: &mut String, r: &Report, colours: &BTreeMap<String, &'static str>) {
    let o = &r.overview;
    h.push_str("<section id=\"overview\">\n<h2>Corpus</h2>\n<div class=\"cols\">\n<div>\n<h3>Blocs</h3>\n");
    h.push_str("<table><thead><tr><th>bloc</th><th>issuers</th><th class=\"num\">docs</th><th class=\"num\">passages</th></tr></thead><tbody>\n");
    for b in &o.blocs {
        let _ = writeln!(
            h,
            "<tr><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            chip(colours, &b.bloc),
            escape(&b.bloc),
            escape(&b.issuers.join(", ")),
            b.n_documents,
            b.n_passages
        );
    }
    h.push_str("</tbody></table>\n</div>\n<div>\n<h3>Topics</h3>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">Passages per topic and their stance toward its proposition. {}</p>",
        stance_legend()
    );
    h.push_str("<table><thead><tr><th>topic</th><th class=\"num\">passages</th><th>stance</th></tr></thead><tbody>\n");
    for t in &o.topics {
        let _ = writeln!(
            h,
            "<tr><td><span title=\"{}\">{}</span></td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&t.proposition),
            escape(&t.label),
            t.n_passages,
            stance_bar(t.stances)
        );
    }
    h.push_str("</tbody></table>\n</div>\n</div>\n");
    let _ = writeln!(h, "<details class=\"docs\"><summary>The {} documents</summary>", o.documents.len());
    h.push_str("<table><thead><tr><th>date</th><th>issuer</th><th>lang</th><th>title</th><th class=\"num\">passages</th><th>source</th></tr></thead><tbody>\n");
    for d in &o.documents {
        let sources: Vec<String> = d
            .sources
            .iter()
            .enumerate()
            .map(|(k, u)| link(u, &if k == 0 { "source".into() } else { format!("{}", k + 1) }))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(d.date.as_deref().unwrap_or("")),
            chip(colours, &d.bloc),
            escape(&d.issuer),
            escape(&d.lang),
            escape(d.title.as_deref().unwrap_or("")),
            d.n_passages,
            sources.join(" ")
        );
    }
    h.push_str("</tbody></table>\n</details>\n</section>\n");
}

fn scale_legend(colours: &BTreeMap<String, &'static str>, scale: &Scale, measure: &str) -> String {
    let mut s = format!("<div class=\"scale\"><span>{}</span><span class=\"ramp\">", escape(measure));
    let step = (scale.hi - scale.lo) / SCALE.len() as f64;
    for (k, c) in SCALE.iter().enumerate() {
        let _ = write!(
            s,
            "<i style=\"background:{c}\" title=\"{:.2} to {:.2}\"></i>",
            scale.lo + k as f64 * step,
            scale.lo + (k + 1) as f64 * step
        );
    }
    let _ = write!(
        s,
        "</span><span class=\"ends\"><span>{:.2} or less</span><span>→</span><span>{:.2}{}</span></span>",
        scale.lo,
        scale.hi,
        if scale.hi < 1.0 { " or more" } else { "" }
    );
    s.push_str("<span class=\"dotnote\"><svg width=\"8\" height=\"8\" aria-hidden=\"true\"><circle cx=\"4\" cy=\"4\" r=\"1.8\" fill=\"#555\"/></svg> fewer than 3 passages on a side: no interval</span>");
    s.push_str("<span class=\"blocs\">bloc: ");
    for (b, c) in colours {
        let _ = write!(s, "<span><i style=\"background:{c}\"></i>{}</span>", escape(b));
    }
    s.push_str("</span></div>\n");
    s
}

fn agreement(h: &mut String, r: &Report, colours: &BTreeMap<String, &'static str>) {
    h.push_str("<section id=\"agreement\">\n<h2>Who stands on the same side: positions and agreement</h2>\n");
    h.push_str(
        "<p class=\"note\">From the stances of the passages, not their words. An issuer's <b>position</b> on a topic runs from \
         −1 (opposes the topic's proposition) to +1 (supports it): support share − oppose share of its passages on the topic, \
         shrunk toward 0 when few passages take a side (Beta(1, 1) prior: one supporting passage gives +0.33). \
         <b>Agreement</b> of two issuers on a topic is 1 − |difference of positions| / 2: 1 = same position, 0 = opposite ends; \
         over all topics, the mean over the topics both address, weighted by their passages. Bars and brackets: 95 % \
         bootstrap intervals. Hover a dot or a cell for the numbers; click it for the passages.</p>\n",
    );
    let maps: Vec<&Heatmap> = r.agreement.iter().map(|t| &t.agreement).collect();
    let scale = Scale::for_agreement(&maps);
    h.push_str(&scale_legend(colours, &scale, "agreement"));
    let mut views = r.agreement.iter();
    if let Some(overall) = views.next() {
        h.push_str("<figure class=\"overall\">\n");
        heatmap_svg(h, &overall.agreement, r, colours, 30.0, &scale);
        let _ = writeln!(
            h,
            "<figcaption>Agreement over the topics each pair addresses: {} issuers.{}</figcaption>\n</figure>",
            overall.agreement.matrix.labels.len(),
            absent_note(&overall.agreement.absent)
        );
    }
    h.push_str("<h3>By topic: positions, then agreement</h3>\n<div class=\"grid\">\n");
    for t in views {
        h.push_str("<figure>\n");
        let _ = writeln!(h, "<h4>{}</h4>", escape(&t.title));
        positions_svg(h, t, r, colours);
        heatmap_svg(h, &t.agreement, r, colours, 21.0, &scale);
        let _ = writeln!(h, "<figcaption>{}</figcaption>", absent_note(&t.agreement.absent));
        h.push_str("</figure>\n");
    }
    h.push_str("</div>\n</section>\n");
}

/// " No passage here: A, B." (empty when none is absent).
fn absent_note(absent: &[String]) -> String {
    if absent.is_empty() {
        String::new()
    } else {
        format!(" No passage here: {}.", escape(&absent.join(", ")))
    }
}

/// The issuers of a topic on its −1 … +1 axis, most supportive first: a dot at the position, a
/// bar over its 95 % interval, each row linking to the issuer's passages.
fn positions_svg(h: &mut String, t: &TopicPositions, r: &Report, colours: &BTreeMap<String, &'static str>) {
    let (row, font) = (16.0, 10.0);
    let longest = t.positions.iter().map(|p| p.group.chars().count()).max().unwrap_or(0) as f64;
    let left = (longest * font * 0.56).ceil() + 16.0;
    let (axis_w, top) = (260.0, 18.0);
    let (width, height) = (left + axis_w + 56.0, top + row * t.positions.len() as f64 + 6.0);
    let x = |v: f64| left + axis_w * (v.clamp(-1.0, 1.0) + 1.0) / 2.0;
    let _ = writeln!(
        h,
        "<svg class=\"positions\" data-n=\"{}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         font-size=\"{font}\" role=\"img\" aria-label=\"{}\">",
        t.positions.len(),
        escape(&format!("Positions: {}", t.title))
    );
    for (v, label, anchor) in [(-1.0, "−1 oppose", "start"), (0.0, "0", "middle"), (1.0, "support +1", "end")] {
        let _ = write!(
            h,
            "<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"{3}\"/><text x=\"{0}\" y=\"11\" text-anchor=\"{anchor}\" fill=\"#667085\">{label}</text>",
            x(v),
            top - 4.0,
            height - 4.0,
            if v == 0.0 { "#98a2b3" } else { "#e4e7ec" }
        );
    }
    h.push('\n');
    let topic = t.topic.as_deref();
    for (k, p) in t.positions.iter().enumerate() {
        let y = top + row * (k as f64 + 0.5);
        let bloc = r.blocs_of.get(&p.group).map(String::as_str).unwrap_or("");
        let c = colours.get(bloc).copied().unwrap_or("#999");
        let ci = match (p.low, p.high) {
            (Some(lo), Some(hi)) => format!("95% CI {lo:+.2} to {hi:+.2}"),
            _ => "too few passages for an interval".to_string(),
        };
        let tip = format!(
            "{} — {}\nposition {:+.2} ({ci})\n{} passages: {} support, {} oppose, {} neutral (net {:+.2})",
            p.group, t.title, p.position, p.n, p.support, p.oppose, p.neutral, p.net
        );
        let _ = write!(
            h,
            "<a href=\"#{}\"><g class=\"dot\"><title>{}</title><rect x=\"0\" y=\"{}\" width=\"{width}\" height=\"{row}\" fill=\"transparent\"/>\
             <text x=\"{}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"central\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"6\" height=\"6\" fill=\"{c}\"/>",
            evidence_id(topic, &p.group),
            escape(&tip),
            y - row / 2.0,
            left - 12.0,
            escape(&p.group),
            left - 9.0,
            y - 3.0
        );
        if let (Some(lo), Some(hi)) = (p.low, p.high) {
            let _ = write!(
                h,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#225ea8\" stroke-width=\"3\"/>",
                x(lo),
                x(hi)
            );
        }
        let _ = writeln!(
            h,
            "<circle cx=\"{:.1}\" cy=\"{y}\" r=\"4\" fill=\"#081d58\"/><text x=\"{}\" y=\"{y}\" dominant-baseline=\"central\" fill=\"#667085\">{:+.2}</text></g></a>",
            x(p.position),
            left + axis_w + 8.0,
            p.position
        );
    }
    h.push_str("</svg>\n");
}

fn similarity(h: &mut String, r: &Report, colours: &BTreeMap<String, &'static str>) {
    h.push_str("<section id=\"similarity\">\n<h2>Who speaks alike: vocabulary similarity</h2>\n");
    h.push_str(
        "<p class=\"note\">Cosine similarity of the issuers' mean passage vectors (latent semantic space, French and English \
         aligned by the concept lexicon): 1 = they use the same words and concepts — not that they agree (a text rejecting a \
         proposal in its own words is close to it; see the agreement above). Rows and columns are ordered by average-linkage \
         clustering, so close issuers sit together. All heatmaps share one colour scale. Hover a cell for the value, its 95 % \
         bootstrap interval and the passage counts; click it for the passages.</p>\n",
    );
    let scale = Scale::for_heatmaps(&r.heatmaps);
    h.push_str(&scale_legend(colours, &scale, "vocabulary similarity"));
    let mut maps = r.heatmaps.iter();
    if let Some(overall) = maps.next() {
        h.push_str("<figure class=\"overall\">\n");
        heatmap_svg(h, overall, r, colours, 30.0, &scale);
        let _ = writeln!(
            h,
            "<figcaption>{}: {} issuers.</figcaption>\n</figure>",
            escape(&overall.title),
            overall.matrix.labels.len()
        );
    }
    h.push_str("<h3>By topic</h3>\n<div class=\"grid\">\n");
    for m in maps {
        h.push_str("<figure>\n");
        let _ = writeln!(h, "<h4>{}</h4>", escape(&m.title));
        heatmap_svg(h, m, r, colours, 21.0, &scale);
        if !m.absent.is_empty() {
            let _ = writeln!(h, "<figcaption>No passage here: {}.</figcaption>", escape(&m.absent.join(", ")));
        }
        h.push_str("</figure>\n");
    }
    h.push_str("</div>\n</section>\n");
}

/// One heatmap as inline SVG: `cell` px squares, the value printed in each, colours on `scale`.
fn heatmap_svg(
    h: &mut String,
    m: &Heatmap,
    r: &Report,
    colours: &BTreeMap<String, &'static str>,
    cell: f64,
    scale: &Scale,
) {
    let s = &m.matrix;
    let n = s.labels.len();
    let font = if cell >= 28.0 { 12.0 } else { 10.0 };
    let longest = s.labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    // Row labels on the left, column labels written upwards above the grid.
    let label_w = (longest * font * 0.56).ceil() + 16.0;
    let (left, top) = (label_w, label_w);
    let (width, height) = (left + cell * n as f64 + 4.0, top + cell * n as f64 + 4.0);
    let topic = m.topic.as_deref();
    let _ = writeln!(
        h,
        "<svg class=\"heatmap\" data-measure=\"{}\" data-n=\"{n}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" font-size=\"{font}\" role=\"img\" aria-label=\"{}\">",
        m.measure,
        escape(&format!("{} heatmap: {}", measure_name(m.measure), m.title))
    );
    for (k, label) in s.labels.iter().enumerate() {
        let bloc = r.blocs_of.get(label).map(String::as_str).unwrap_or("");
        let c = colours.get(bloc).copied().unwrap_or("#999");
        let mid = cell * (k as f64 + 0.5);
        let _ = writeln!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"central\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"6\" height=\"6\" fill=\"{c}\"/>\
             <text transform=\"translate({},{}) rotate(-90)\" dominant-baseline=\"central\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"6\" height=\"6\" fill=\"{c}\"/>",
            left - 12.0,
            top + mid,
            escape(label),
            left - 9.0,
            top + mid - 3.0,
            left + mid,
            top - 12.0,
            escape(label),
            left + mid - 3.0,
            top - 9.0,
        );
    }
    for i in 0..n {
        for j in 0..n {
            let (x, y) = (left + cell * j as f64, top + cell * i as f64);
            let value = s.matrix[i][j];
            let fill = match value {
                _ if i == j => "#e8e8e8",
                Some(v) => scale.colour(v),
                None => "#ffffff",
            };
            let _ = write!(
                h,
                "<a href=\"#{}\" data-pair=\"{}\"><rect class=\"cell\" x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\"><title>{}</title></rect>",
                evidence_id(topic, &s.labels[i]),
                evidence_id(topic, &s.labels[j]),
                escape(&cell_tip(m, i, j))
            );
            if let (Some(v), false) = (value, i == j) {
                let _ = write!(
                    h,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"{}\" fill=\"{}\">{}</text>",
                    x + cell / 2.0,
                    y + cell / 2.0,
                    font - 2.0,
                    text_colour(fill),
                    short_number(v)
                );
                if s.low[i][j].is_none() {
                    let _ = write!(h, "<circle cx=\"{}\" cy=\"{}\" r=\"1.6\" fill=\"#555\"/>", x + cell - 3.5, y + 3.5);
                }
            }
            h.push_str("</a>\n");
        }
    }
    h.push_str("</svg>\n");
}

/// `0.27` → `.27`, `-0.02` → `-.02`, `-0.001` → `.00`: two decimals that fit a small cell.
fn short_number(v: f64) -> String {
    let v = if v.abs() < 0.005 { 0.0 } else { v };
    format!("{v:.2}").replacen("0.", ".", 1)
}

/// What a heatmap's `measure` is called on the page.
fn measure_name(measure: &str) -> &'static str {
    if measure == "agreement" {
        "agreement"
    } else {
        "vocabulary similarity"
    }
}

fn cell_tip(m: &Heatmap, i: usize, j: usize) -> String {
    let s = &m.matrix;
    let all = if m.measure == "agreement" { "all topics" } else { "all passages" };
    let scope = m.topic.as_ref().map_or(all.to_string(), |_| m.title.clone());
    let pair = format!("{} × {} — {scope}", s.labels[i], s.labels[j]);
    let mut n = format!("n = {} / {} passages", s.n_passages[i], s.n_passages[j]);
    if let Some(shared) = &m.shared_topics {
        n.push_str(&format!("; {} topic(s) both address", shared[i][j]));
    }
    let name = measure_name(m.measure);
    match (s.matrix[i][j], s.low[i][j], s.high[i][j]) {
        (Some(v), Some(lo), Some(hi)) => format!("{pair}\n{name} {} (95% CI {}–{})\n{n}", f2(v), f2(lo), f2(hi)),
        (Some(v), _, _) => format!("{pair}\n{name} {} (too few passages for an interval)\n{n}", f2(v)),
        (None, _, _) if m.measure == "agreement" => format!("{pair}\nno topic both address\n{n}"),
        (None, _, _) => format!("{pair}\nno passages\n{n}"),
    }
}

fn interval_text(v: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> String {
    match (v, lo, hi) {
        (Some(v), Some(lo), Some(hi)) => format!("{} <span class=\"ci\">[{}–{}]</span>", f2(v), f2(lo), f2(hi)),
        (Some(v), _, _) => format!("{} <span class=\"ci\">n&lt;3</span>", f2(v)),
        _ => "<span class=\"muted\">—</span>".to_string(),
    }
}

/// A point with its interval on a 0–1 axis.
fn interval_svg(v: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> String {
    let Some(v) = v else { return String::new() };
    let x = |t: f64| 4.0 + 112.0 * t.clamp(0.0, 1.0);
    let mut s = String::from("<svg class=\"ivl\" width=\"120\" height=\"14\" aria-hidden=\"true\"><line x1=\"4\" x2=\"116\" y1=\"7\" y2=\"7\" stroke=\"#ddd\"/>");
    if let (Some(lo), Some(hi)) = (lo, hi) {
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"7\" y2=\"7\" stroke=\"#225ea8\" stroke-width=\"3\"/>",
            x(lo),
            x(hi)
        );
    }
    let _ = write!(s, "<circle cx=\"{:.1}\" cy=\"7\" r=\"4\" fill=\"#081d58\"/></svg>", x(v));
    s
}

fn summary_counts(s: &Option<StanceSummary>) -> [usize; 3] {
    let Some(s) = s else { return [0; 3] };
    let count = |x: Option<crate::compare::stance::Share>| x.map_or(0, |sh| (sh.value * s.n as f64).round() as usize);
    [count(s.support), count(s.oppose), count(s.neutral)]
}

fn call_text(s: &Option<StanceSummary>) -> String {
    let Some(s) = s.as_ref().filter(|s| s.n > 0) else { return String::new() };
    let call = s.call.map_or("—", Stance::as_str);
    let net = s.net.map(|n| match (n.low, n.high) {
        (Some(lo), Some(hi)) => format!("net {:+.2} [{:+.2}, {:+.2}]", n.value, lo, hi),
        _ => format!("net {:+.2}", n.value),
    });
    format!("<b class=\"call {call}\">{call}</b> <span class=\"ci\">{}</span>", escape(&net.unwrap_or_default()))
}

fn terms_html(v: &SideView) -> String {
    v.terms
        .iter()
        .map(|t| {
            let class = if t.term.starts_with(crate::pipeline::CONCEPT_PREFIX) { "term concept" } else { "term" };
            format!(
                "<span class=\"{class}\" title=\"z = {:.1}; used {}× vs {}×\">{}</span>",
                t.score,
                t.count_a,
                t.count_b,
                escape(&t.term)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn comparison(h: &mut String, r: &Report) {
    h.push_str("<section id=\"comparison\">\n");
    let Some(c) = &r.comparison else {
        h.push_str("<h2>Comparison</h2>\n<p class=\"note\">The corpus has fewer than two blocs: nothing to compare. Use <code>--compare A B</code> with two issuers (issuer:NAME).</p>\n</section>\n");
        return;
    };
    let (a, b) = (escape(&c.a.label), escape(&c.b.label));
    let _ = writeln!(h, "<h2>{a} <span class=\"vs\">vs</span> {b}</h2>");
    let _ = writeln!(
        h,
        "<p class=\"note\"><b>{a}</b>: {} ({} documents, {} passages). <b>{b}</b>: {} ({} documents, {} passages). \
         Agreement: 1 − |difference of the sides' positions| / 2 (over all topics: mean over the topics both address), with \
         its 95 % bootstrap interval. Vocabulary similarity: cosine of the two sides' mean vectors — who speaks alike, not \
         who agrees. Stance: shares of each side's \
         passages that support / oppose the topic's proposition; the call is the majority of decisive passages; net = support − \
         oppose share. Terms: Fightin' Words log-odds z-scores (§ = a bilingual concept). {}</p>",
        escape(&c.a.issuers.join(", ")),
        c.a.n_documents,
        c.a.n_passages,
        escape(&c.b.issuers.join(", ")),
        c.b.n_documents,
        c.b.n_passages,
        stance_legend()
    );
    let _ = writeln!(
        h,
        "<table class=\"cmp\"><thead><tr><th>topic</th><th class=\"num\">n</th><th>agreement</th><th>vocabulary similarity</th><th>{a}</th><th>{b}</th>\
         <th>terms of {a}</th><th>terms of {b}</th></tr></thead><tbody>"
    );
    for t in std::iter::once(&c.overall).chain(&c.topics) {
        comparison_row(h, r, t);
    }
    h.push_str("</tbody></table>\n");
    if !c.absent.is_empty() {
        let _ = writeln!(h, "<p class=\"note\">Neither side has a passage on: {}.</p>", escape(&c.absent.join(", ")));
    }
    h.push_str("<h3>The passages that show it</h3>\n");
    for t in c.topics.iter().filter(|t| !(t.a.evidence.is_empty() && t.b.evidence.is_empty())) {
        let topic = t.topic.as_deref().unwrap_or("");
        let title = r.overview.topics.iter().find(|x| x.id == topic).map_or(topic, |x| x.label.as_str());
        let _ = writeln!(
            h,
            "<details class=\"pair\" id=\"cmp-{}\"><summary>{}</summary><div class=\"two\">",
            slug(topic),
            escape(title)
        );
        for (label, side) in [(&a, &t.a), (&b, &t.b)] {
            let _ = writeln!(h, "<div><h4>{label}</h4>");
            for e in &side.evidence {
                passage_html(h, e);
            }
            h.push_str("</div>\n");
        }
        h.push_str("</div></details>\n");
    }
    h.push_str("</section>\n");
}

fn comparison_row(h: &mut String, r: &Report, t: &TopicComparison) {
    let s = &t.similarity;
    let label = match &t.topic {
        None => "<b>All passages</b>".to_string(),
        Some(id) => {
            let title = r.overview.topics.iter().find(|x| &x.id == id).map_or(id.as_str(), |x| x.label.as_str());
            format!("<a href=\"#cmp-{}\">{}</a>", slug(id), escape(title))
        }
    };
    let side = |v: &SideView| {
        if v.stance.is_none() {
            return "<span class=\"muted\">(stance is per topic)</span>".to_string();
        }
        format!("{}<br>{}", stance_bar(summary_counts(&v.stance)), call_text(&v.stance))
    };
    let g = &t.agreement;
    let _ = writeln!(
        h,
        "<tr><td>{label}</td><td class=\"num\">{} / {}</td><td>{}<br>{}</td><td>{}<br>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        t.a.n_passages,
        t.b.n_passages,
        interval_svg(g.value, g.low, g.high),
        interval_text(g.value, g.low, g.high),
        interval_svg(s.value, s.low, s.high),
        interval_text(s.value, s.low, s.high),
        side(&t.a),
        side(&t.b),
        terms_html(&t.a),
        terms_html(&t.b)
    );
}

/// `text` with the cue spans wrapped in `<mark>`, everything escaped. Spans that overlap an
/// earlier one or do not fall on character boundaries are left plain.
pub fn highlight(text: &str, spans: &[(usize, usize, Stance)]) -> String {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out = String::with_capacity(text.len() + 32 * spans.len());
    let mut at = 0;
    for (start, end, stance) in spans {
        if start < at
            || end <= start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&escape(&text[at..start]));
        let _ = write!(out, "<mark class=\"{}\">{}</mark>", stance.as_str(), escape(&text[start..end]));
        at = end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

fn passage_html(h: &mut String, e: &Evidence) {
    let stance = e.stance.map_or("none", Stance::as_str);
    let spans: Vec<(usize, usize, Stance)> = e.cues.iter().map(|c| (c.start, c.end, c.polarity)).collect();
    let _ = writeln!(
        h,
        "<blockquote class=\"passage {stance}\"><p>{}</p><footer><b class=\"call {stance}\">{stance}</b> {} · {} · {} §{}</footer></blockquote>",
        highlight(&e.text, &spans),
        escape(&e.issuer),
        escape(e.date.as_deref().unwrap_or("undated")),
        escape(e.title.as_deref().unwrap_or(&e.document)),
        e.passage + 1
    );
}

fn evidence(h: &mut String, r: &Report, colours: &BTreeMap<String, &'static str>) {
    h.push_str("<section id=\"evidence\">\n<h2>Evidence</h2>\n");
    h.push_str(
        "<p class=\"note\">Every passage on each topic, by issuer, with the stance cues highlighted \
         (<mark class=\"support\">support</mark> <mark class=\"oppose\">oppose</mark>). A heatmap cell opens the passages of its \
         row and column issuers. Passages per issuer and topic:</p>\n",
    );
    // Index: issuers × topics, counts linking to the sections below (the overall heatmap links here).
    let topics: Vec<(&str, &str)> = r.evidence.iter().map(|t| (t.topic.as_str(), t.title.as_str())).collect();
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for t in &r.evidence {
        for i in &t.issuers {
            counts.entry(i.issuer.as_str()).or_default().insert(t.topic.as_str(), i.passages.len());
        }
    }
    h.push_str("<div class=\"scroll\"><table class=\"index\"><thead><tr><th>issuer</th>");
    for (_, title) in &topics {
        let _ = write!(h, "<th class=\"t\">{}</th>", escape(title));
    }
    h.push_str("</tr></thead><tbody>\n");
    for (issuer, row) in &counts {
        let bloc = r.blocs_of.get(*issuer).map(String::as_str).unwrap_or("");
        let _ =
            write!(h, "<tr id=\"{}\"><td>{}{}</td>", evidence_id(None, issuer), chip(colours, bloc), escape(issuer));
        for (topic, _) in &topics {
            match row.get(topic) {
                Some(n) => {
                    let _ =
                        write!(h, "<td class=\"num\"><a href=\"#{}\">{n}</a></td>", evidence_id(Some(topic), issuer));
                }
                None => h.push_str("<td></td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    for t in &r.evidence {
        let _ = writeln!(h, "<h3 id=\"ev-{}\">{}</h3>", slug(&t.topic), escape(&t.title));
        if let Some(p) = r.overview.topics.iter().find(|x| x.id == t.topic) {
            let _ = writeln!(h, "<p class=\"prop\">Proposition: {}</p>", escape(&p.proposition));
        }
        for i in &t.issuers {
            let _ = writeln!(
                h,
                "<details id=\"{}\"><summary>{}{} <span class=\"muted\">({} passage{})</span> {}</summary>",
                evidence_id(Some(&t.topic), &i.issuer),
                chip(colours, &i.bloc),
                escape(&i.issuer),
                i.passages.len(),
                if i.passages.len() == 1 { "" } else { "s" },
                stance_bar(i.stances)
            );
            for e in &i.passages {
                passage_html(h, e);
            }
            h.push_str("</details>\n");
        }
    }
    h.push_str("</section>\n");
}

fn method(h: &mut String, r: &Report) {
    let _ = writeln!(
        h,
        "<section id=\"method\">\n<h2>Method</h2>\n<p class=\"note\">Passages are paragraphs of the texts; each is assigned a topic \
         and a stance by the bilingual lexicon (version {}), with negation and contrast handled. Passage vectors: TF-IDF of words, \
         bigrams and concepts, reduced by randomized SVD. Positions: net stance shrunk toward 0 by a Beta(1, 1) prior on the \
         decisive passages; agreement: 1 − |Δ position| / 2. Vocabulary similarity: cosine of mean vectors. Intervals: \
         2.5–97.5 percentiles of {} bootstrap draws resampling passages within each group (and topic). Model {}, seed {}, stance {}. Full description: \
         docs/methods.md.</p>\n</section>",
        escape(&r.lexicon),
        r.draws,
        escape(&r.model),
        r.seed,
        escape(&r.version)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn only_http_addresses_become_links() {
        assert!(link("https://example.org/a?b=1&c=2", "source").contains("href=\"https://example.org/a?b=1&amp;c=2\""));
        assert_eq!(link("javascript:alert(1)", "source"), "source");
    }

    #[test]
    fn slugs_are_fragment_safe() {
        assert_eq!(slug("Russia-Africa Partnership Forum"), "russia-africa-partnership-forum");
        assert_eq!(slug("UN Secretary-General"), "un-secretary-general");
        assert_eq!(slug("État «x»"), "état-x");
        assert_eq!(evidence_id(Some("binding_norms"), "CIS"), "ev-binding-norms-cis");
    }

    #[test]
    fn colour_scale_is_monotone_and_clamped() {
        let scale = Scale { lo: 0.0, hi: 0.45 };
        assert_eq!(scale.colour(-0.3), SCALE[0]);
        assert_eq!(scale.colour(0.0), SCALE[0]);
        assert_eq!(scale.colour(0.25), SCALE[5]);
        assert_eq!(scale.colour(0.45), SCALE[8]);
        assert_eq!(scale.colour(0.9), SCALE[8]);
        assert_eq!(text_colour(scale.colour(0.44)), "#fff");
        assert_eq!(text_colour(scale.colour(0.01)), "#111");
        let agreement = Scale { lo: 0.55, hi: 1.0 };
        assert_eq!(
            (agreement.colour(0.5), agreement.colour(0.56), agreement.colour(1.0)),
            (SCALE[0], SCALE[0], SCALE[8])
        );
        assert_eq!(agreement.colour(0.81), SCALE[5]);
    }

    #[test]
    fn cell_numbers_are_short() {
        assert_eq!(short_number(0.274), ".27");
        assert_eq!(short_number(-0.02), "-.02");
        assert_eq!(short_number(-0.001), ".00");
        assert_eq!(short_number(1.0), "1.00");
    }

    #[test]
    fn highlight_escapes_text_and_marks_cues() {
        let text = "a <b> legally binding & c";
        let start = text.find("legally").unwrap();
        let out = highlight(text, &[(start, start + 15, Stance::Support), (start + 2, start + 4, Stance::Oppose)]);
        assert_eq!(out, "a &lt;b&gt; <mark class=\"support\">legally binding</mark> &amp; c");
        // A span cutting a multi-byte character is dropped, not panicking.
        assert_eq!(highlight("é", &[(1, 2, Stance::Support)]), "é");
    }
}
