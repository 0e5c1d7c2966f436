//! The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline
//! script) that opens offline, loads nothing from the network and prints cleanly.
//!
//! Layout: corpus overview → who stands on the same side (agreement over all topics, then per
//! topic the issuers' positions as a dot plot beside the agreement heatmap) → who speaks alike
//! (vocabulary-similarity heatmaps, all passages then per topic; rows in clustered order) → the
//! comparison of two sides → for each topic, the positions found in its passages (`stance
//! clusters`, members linking to their passages), then every passage on it by issuer, which the
//! heatmap cells and the dots link to. The only external addresses are the documents' own `source_url`
//! values, as plain `<a href>` links that nothing loads until a reader clicks them.
//!
//! The markup is written with `maud`, which escapes every value it inserts (text and attribute
//! values alike): injection is impossible by construction, not by remembering to call an escape
//! function. Links are only made of `http(s)://` addresses.

use std::collections::BTreeMap;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::compare::clusters::{Member, TopicClusters};
use crate::compare::evidence::Evidence;
use crate::compare::keyness::KeyTerm;
use crate::compare::sides::{SideView, TopicComparison};
use crate::compare::stance::StanceSummary;
use crate::export::report::{Heatmap, Report, TopicPositions};
use crate::topics::{Stance, StanceCounts};

/// Colour-blind-safe sequential scale (ColorBrewer YlGnBu, 9 classes), low → high similarity.
const SCALE: [&str; 9] =
    ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"];

/// Bloc colours (Okabe–Ito), given in bloc name order.
const BLOC_COLOURS: [&str; 8] =
    ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#666666"];

/// Stance colours (Okabe–Ito): support, oppose, neutral ([`Stance::index`]).
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
.found { margin: 4px 0 12px; } table.clusters td { font-size: 12px; } table.clusters .bar { width: 100px; }
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
fn link(url: &str, text: &str) -> Markup {
    html! {
        @if url.starts_with("https://") || url.starts_with("http://") {
            a href=(url) rel="noreferrer noopener" { (text) }
        } @else {
            (text)
        }
    }
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let colours = bloc_colours(r);
    let o = &r.overview;
    let title = format!("Stances in cyber diplomacy — {} corpus", o.corpus);
    let languages = o.languages.iter().map(|(l, n)| format!("{n} in {l}")).collect::<Vec<_>>().join(", ");
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                meta name="generator" content={ "stance " (r.version) }; "\n"
                title { (title) } "\n"
                style { "\n" (PreEscaped(CSS)) } "\n"
            }
            "\n"
            body {
                "\n"
                header {
                    "\n"
                    h1 { (title) } "\n"
                    p class="sub" {
                        (o.n_documents) " documents · " (o.n_issuers) " issuers · " (o.blocs.len()) " blocs · "
                        (date_range(o.first_date.as_deref(), o.last_date.as_deref())) " · " (languages) " · "
                        (o.n_passages) " passages (" (o.domain.in_domain) " in the domain, " (o.n_on_topic) " on a topic)"
                    } "\n"
                    @if let Some(w) = o.domain.warning() {
                        p class="note" { b { "Note:" } " " (w) "." } "\n"
                    }
                    nav {
                        a href="#overview" { "Corpus" } a href="#agreement" { "Agreement" }
                        a href="#similarity" { "Vocabulary" } a href="#comparison" { "Comparison" }
                        a href="#evidence" { "Evidence" } a href="#method" { "Method" }
                    } "\n"
                }
                "\n"
                main {
                    "\n"
                    (overview(r, &colours))
                    (agreement(r, &colours))
                    (similarity(r, &colours))
                    (comparison(r))
                    (evidence(r, &colours))
                    (method(r))
                }
                "\n"
                script { "\n" (PreEscaped(SCRIPT)) }
                "\n"
            }
            "\n"
        }
        "\n"
    }
    .into_string()
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

fn chip(colours: &BTreeMap<String, &'static str>, bloc: &str) -> Markup {
    let c = colours.get(bloc).copied().unwrap_or("#999");
    html! { span class="chip" style={ "background:" (c) } title=(bloc) {} }
}

/// A stacked support / oppose / neutral bar with the counts in its tooltip.
fn stance_bar(c: StanceCounts) -> Markup {
    let n = c.total();
    html! {
        @if n == 0 {
            span class="muted" { "—" }
        } @else {
            span class="bar" title={ "support " (c.support()) " · oppose " (c.oppose()) " · neutral " (c.neutral()) " (of " (n) ")" } {
                @for (s, x) in c.iter() {
                    @if x > 0 {
                        i style=(format_args!("width:{:.1}%;background:{}", 100.0 * x as f64 / n as f64, STANCE_COLOURS[s.index()])) {}
                    }
                }
            }
        }
    }
}

fn stance_legend() -> Markup {
    html! {
        span class="legend" {
            @for s in Stance::ALL {
                span { i style={ "background:" (STANCE_COLOURS[s.index()]) } {} (s.as_str()) }
            }
        }
    }
}

fn overview(r: &Report, colours: &BTreeMap<String, &'static str>) -> Markup {
    let o = &r.overview;
    html! {
        section id="overview" {
            "\n" h2 { "Corpus" } "\n"
            div class="cols" {
                "\n"
                div {
                    "\n" h3 { "Blocs" } "\n"
                    table {
                        thead { tr { th { "bloc" } th { "issuers" } th class="num" { "docs" } th class="num" { "passages" } } }
                        tbody {
                            "\n"
                            @for b in &o.blocs {
                                tr {
                                    td { (chip(colours, &b.bloc)) (b.bloc) }
                                    td { (b.issuers.join(", ")) }
                                    td class="num" { (b.n_documents) }
                                    td class="num" { (b.n_passages) }
                                }
                                "\n"
                            }
                        }
                    }
                    "\n"
                }
                "\n"
                div {
                    "\n" h3 { "Topics" } "\n"
                    p class="note" { "Passages per topic and their stance toward its proposition. " (stance_legend()) } "\n"
                    table {
                        thead { tr { th { "topic" } th class="num" { "passages" } th { "stance" } } }
                        tbody {
                            "\n"
                            @for t in &o.topics {
                                tr {
                                    td { span title=(t.proposition) { (t.label) } }
                                    td class="num" { (t.n_passages) }
                                    td { (stance_bar(t.stances)) }
                                }
                                "\n"
                            }
                        }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
            details class="docs" {
                summary { "The " (o.documents.len()) " documents" } "\n"
                table {
                    thead {
                        tr {
                            th { "date" } th { "issuer" } th { "lang" } th { "title" } th class="num" { "passages" }
                            th { "source" }
                        }
                    }
                    tbody {
                        "\n"
                        @for d in &o.documents {
                            tr {
                                td { (d.date.as_deref().unwrap_or("")) }
                                td { (chip(colours, &d.bloc)) (d.issuer) }
                                td { (d.lang) }
                                td { (d.title.as_deref().unwrap_or("")) }
                                td class="num" { (d.n_passages) }
                                td {
                                    @for (k, u) in d.sources.iter().enumerate() {
                                        @if k > 0 { " " (link(u, &(k + 1).to_string())) } @else { (link(u, "source")) }
                                    }
                                }
                            }
                            "\n"
                        }
                    }
                }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

fn scale_legend(colours: &BTreeMap<String, &'static str>, scale: &Scale, measure: &str) -> Markup {
    let step = (scale.hi - scale.lo) / SCALE.len() as f64;
    html! {
        div class="scale" {
            span { (measure) }
            span class="ramp" {
                @for (k, c) in SCALE.iter().enumerate() {
                    i style={ "background:" (c) }
                        title=(format_args!("{:.2} to {:.2}", scale.lo + k as f64 * step, scale.lo + (k + 1) as f64 * step)) {}
                }
            }
            span class="ends" {
                span { (format_args!("{:.2}", scale.lo)) " or less" }
                span { "→" }
                span { (format_args!("{:.2}", scale.hi)) @if scale.hi < 1.0 { " or more" } }
            }
            span class="dotnote" {
                svg width="8" height="8" aria-hidden="true" { circle cx="4" cy="4" r="1.8" fill="#555" {} }
                " fewer than 3 passages on a side: no interval"
            }
            span class="blocs" {
                "bloc: "
                @for (b, c) in colours {
                    span { i style={ "background:" (c) } {} (b) }
                }
            }
        }
        "\n"
    }
}

/// The frame the two heatmap sections share: heading, explanation, colour legend, the figure over
/// everything, then one figure per topic in a grid. Figures are given by their content.
struct FigureSection<'a> {
    id: &'a str,
    title: &'a str,
    note: Markup,
    legend: Markup,
    overall: Option<Markup>,
    by_topic: &'a str,
    figures: Vec<Markup>,
}

impl FigureSection<'_> {
    fn render(self) -> Markup {
        html! {
            section id=(self.id) {
                "\n" h2 { (self.title) } "\n"
                p class="note" { (self.note) } "\n"
                (self.legend)
                @if let Some(overall) = self.overall {
                    figure class="overall" { "\n" (overall) } "\n"
                }
                h3 { (self.by_topic) } "\n"
                div class="grid" {
                    "\n"
                    @for f in self.figures {
                        figure { "\n" (f) } "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
    }
}

fn agreement(r: &Report, colours: &BTreeMap<String, &'static str>) -> Markup {
    let maps: Vec<&Heatmap> = r.agreement.iter().map(|t| &t.agreement).collect();
    let scale = Scale::for_agreement(&maps);
    let mut views = r.agreement.iter();
    FigureSection {
        id: "agreement",
        title: "Who stands on the same side: positions and agreement",
        note: html! {
            "From the stances of the passages, not their words. An issuer's " b { "position" } " on a topic runs from \
             −1 (opposes the topic's proposition) to +1 (supports it): support share − oppose share of its passages on the \
             topic, shrunk toward 0 when few passages take a side (Beta(1, 1) prior: one supporting passage gives +0.33). "
            b { "Agreement" } " of two issuers on a topic is 1 − |difference of positions| / 2: 1 = same position, 0 = \
             opposite ends; over all topics, the mean over the topics both address, weighted by their passages. Bars and \
             brackets: 95 % bootstrap intervals. Hover a dot or a cell for the numbers; click it for the passages."
        },
        legend: scale_legend(colours, &scale, "agreement"),
        overall: views.next().map(|overall| {
            html! {
                (heatmap_svg(&overall.agreement, r, colours, 30.0, &scale))
                figcaption {
                    "Agreement over the topics each pair addresses: " (overall.agreement.matrix.labels.len())
                    " issuers." (absent_note(&overall.agreement.absent))
                }
                "\n"
            }
        }),
        by_topic: "By topic: positions, then agreement",
        figures: views
            .map(|t| {
                html! {
                    h4 { (t.title) } "\n"
                    (positions_svg(t, r, colours))
                    (heatmap_svg(&t.agreement, r, colours, 21.0, &scale))
                    figcaption { (absent_note(&t.agreement.absent)) } "\n"
                }
            })
            .collect(),
    }
    .render()
}

/// " No passage here: A, B." (empty when none is absent).
fn absent_note(absent: &[String]) -> String {
    if absent.is_empty() {
        String::new()
    } else {
        format!(" No passage here: {}.", absent.join(", "))
    }
}

/// The issuers of a topic on its −1 … +1 axis, most supportive first: a dot at the position, a
/// bar over its 95 % interval, each row linking to the issuer's passages.
fn positions_svg(t: &TopicPositions, r: &Report, colours: &BTreeMap<String, &'static str>) -> Markup {
    let (row, font) = (16.0, 10.0);
    let longest = t.positions.iter().map(|p| p.group.chars().count()).max().unwrap_or(0) as f64;
    let left = (longest * font * 0.56).ceil() + 16.0;
    let (axis_w, top) = (260.0, 18.0);
    let (width, height) = (left + axis_w + 56.0, top + row * t.positions.len() as f64 + 6.0);
    let x = |v: f64| left + axis_w * (v.clamp(-1.0, 1.0) + 1.0) / 2.0;
    let topic = t.topic.as_deref();
    html! {
        svg class="positions" data-n=(t.positions.len()) viewBox={ "0 0 " (width) " " (height) } width=(width)
            height=(height) font-size=(font) role="img" aria-label={ "Positions: " (t.title) } {
            "\n"
            @for (v, label, anchor) in [(-1.0, "−1 oppose", "start"), (0.0, "0", "middle"), (1.0, "support +1", "end")] {
                line x1=(x(v)) x2=(x(v)) y1=(top - 4.0) y2=(height - 4.0)
                    stroke=(if v == 0.0 { "#98a2b3" } else { "#e4e7ec" }) {}
                text x=(x(v)) y="11" text-anchor=(anchor) fill="#667085" { (label) }
            }
            "\n"
            @for (k, p) in t.positions.iter().enumerate() {
                @let y = top + row * (k as f64 + 0.5);
                @let bloc = r.blocs_of.get(&p.group).map(String::as_str).unwrap_or("");
                @let c = colours.get(bloc).copied().unwrap_or("#999");
                @let ci = match (p.low, p.high) {
                    (Some(lo), Some(hi)) => format!("95% CI {lo:+.2} to {hi:+.2}"),
                    _ => "too few passages for an interval".to_string(),
                };
                a href={ "#" (evidence_id(topic, &p.group)) } {
                    g class="dot" {
                        title {
                            (format_args!(
                                "{} — {}\nposition {:+.2} ({ci})\n{} passages: {} support, {} oppose, {} neutral (net {:+.2})",
                                p.group, t.title, p.position, p.n, p.support, p.oppose, p.neutral, p.net
                            ))
                        }
                        rect x="0" y=(y - row / 2.0) width=(width) height=(row) fill="transparent" {}
                        text x=(left - 12.0) y=(y) text-anchor="end" dominant-baseline="central" { (p.group) }
                        rect x=(left - 9.0) y=(y - 3.0) width="6" height="6" fill=(c) {}
                        @if let (Some(lo), Some(hi)) = (p.low, p.high) {
                            line x1=(format_args!("{:.1}", x(lo))) x2=(format_args!("{:.1}", x(hi))) y1=(y) y2=(y)
                                stroke="#225ea8" stroke-width="3" {}
                        }
                        circle cx=(format_args!("{:.1}", x(p.position))) cy=(y) r="4" fill="#081d58" {}
                        text x=(left + axis_w + 8.0) y=(y) dominant-baseline="central" fill="#667085" {
                            (format_args!("{:+.2}", p.position))
                        }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn similarity(r: &Report, colours: &BTreeMap<String, &'static str>) -> Markup {
    let scale = Scale::for_heatmaps(&r.heatmaps);
    let mut maps = r.heatmaps.iter();
    FigureSection {
        id: "similarity",
        title: "Who speaks alike: vocabulary similarity",
        note: html! {
            "Cosine similarity of the issuers' mean passage vectors (latent semantic space, French and English \
             aligned by the concept lexicon): 1 = they use the same words and concepts — not that they agree (a text \
             rejecting a proposal in its own words is close to it; see the agreement above). Rows and columns are ordered \
             by average-linkage clustering, so close issuers sit together. All heatmaps share one colour scale. Hover a \
             cell for the value, its 95 % bootstrap interval and the passage counts; click it for the passages."
        },
        legend: scale_legend(colours, &scale, "vocabulary similarity"),
        overall: maps.next().map(|overall| {
            html! {
                (heatmap_svg(overall, r, colours, 30.0, &scale))
                figcaption { (overall.title) ": " (overall.matrix.labels.len()) " issuers." } "\n"
            }
        }),
        by_topic: "By topic",
        figures: maps
            .map(|m| {
                html! {
                    h4 { (m.title) } "\n"
                    (heatmap_svg(m, r, colours, 21.0, &scale))
                    @if !m.absent.is_empty() {
                        figcaption { "No passage here: " (m.absent.join(", ")) "." } "\n"
                    }
                }
            })
            .collect(),
    }
    .render()
}

/// One heatmap as inline SVG: `cell` px squares, the value printed in each, colours on `scale`.
fn heatmap_svg(m: &Heatmap, r: &Report, colours: &BTreeMap<String, &'static str>, cell: f64, scale: &Scale) -> Markup {
    let s = &m.matrix;
    let n = s.labels.len();
    let font = if cell >= 28.0 { 12.0 } else { 10.0 };
    let longest = s.labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    // Row labels on the left, column labels written upwards above the grid.
    let label_w = (longest * font * 0.56).ceil() + 16.0;
    let (left, top) = (label_w, label_w);
    let (width, height) = (left + cell * n as f64 + 4.0, top + cell * n as f64 + 4.0);
    let topic = m.topic.as_deref();
    html! {
        svg class="heatmap" data-measure=(m.measure) data-n=(n) viewBox={ "0 0 " (width) " " (height) } width=(width)
            height=(height) font-size=(font) role="img"
            aria-label={ (measure_name(m.measure)) " heatmap: " (m.title) } {
            "\n"
            @for (k, label) in s.labels.iter().enumerate() {
                @let bloc = r.blocs_of.get(label).map(String::as_str).unwrap_or("");
                @let c = colours.get(bloc).copied().unwrap_or("#999");
                @let mid = cell * (k as f64 + 0.5);
                text x=(left - 12.0) y=(top + mid) text-anchor="end" dominant-baseline="central" { (label) }
                rect x=(left - 9.0) y=(top + mid - 3.0) width="6" height="6" fill=(c) {}
                text transform={ "translate(" (left + mid) "," (top - 12.0) ") rotate(-90)" } dominant-baseline="central" {
                    (label)
                }
                rect x=(left + mid - 3.0) y=(top - 9.0) width="6" height="6" fill=(c) {}
                "\n"
            }
            @for i in 0..n {
                @for j in 0..n {
                    @let (x, y) = (left + cell * j as f64, top + cell * i as f64);
                    @let value = s.matrix[i][j];
                    @let fill = match value {
                        _ if i == j => "#e8e8e8",
                        Some(v) => scale.colour(v),
                        None => "#ffffff",
                    };
                    a href={ "#" (evidence_id(topic, &s.labels[i])) } data-pair=(evidence_id(topic, &s.labels[j])) {
                        rect class="cell" x=(x) y=(y) width=(cell) height=(cell) fill=(fill) { title { (cell_tip(m, i, j)) } }
                        @if let (Some(v), false) = (value, i == j) {
                            text x=(x + cell / 2.0) y=(y + cell / 2.0) text-anchor="middle" dominant-baseline="central"
                                font-size=(font - 2.0) fill=(text_colour(fill)) { (short_number(v)) }
                            @if s.low[i][j].is_none() {
                                circle cx=(x + cell - 3.5) cy=(y + 3.5) r="1.6" fill="#555" {}
                            }
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
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

fn interval_text(v: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> Markup {
    html! {
        @match (v, lo, hi) {
            (Some(v), Some(lo), Some(hi)) => { (f2(v)) " " span class="ci" { "[" (f2(lo)) "–" (f2(hi)) "]" } }
            (Some(v), _, _) => { (f2(v)) " " span class="ci" { "n<3" } }
            _ => { span class="muted" { "—" } }
        }
    }
}

/// A point with its interval on a 0–1 axis.
fn interval_svg(v: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> Markup {
    let x = |t: f64| 4.0 + 112.0 * t.clamp(0.0, 1.0);
    html! {
        @if let Some(v) = v {
            svg class="ivl" width="120" height="14" aria-hidden="true" {
                line x1="4" x2="116" y1="7" y2="7" stroke="#ddd" {}
                @if let (Some(lo), Some(hi)) = (lo, hi) {
                    line x1=(format_args!("{:.1}", x(lo))) x2=(format_args!("{:.1}", x(hi))) y1="7" y2="7"
                        stroke="#225ea8" stroke-width="3" {}
                }
                circle cx=(format_args!("{:.1}", x(v))) cy="7" r="4" fill="#081d58" {}
            }
        }
    }
}

fn summary_counts(s: &Option<StanceSummary>) -> StanceCounts {
    let Some(s) = s else { return StanceCounts::default() };
    let count = |x: Option<crate::compare::stance::Share>| x.map_or(0, |sh| (sh.value * s.n as f64).round() as usize);
    StanceCounts::new(count(s.support), count(s.oppose), count(s.neutral))
}

fn call_text(s: &Option<StanceSummary>) -> Markup {
    let Some(s) = s.as_ref().filter(|s| s.n > 0) else { return html! {} };
    let call = s.call.map_or("—", Stance::as_str);
    let net = s.net.map(|n| match (n.low, n.high) {
        (Some(lo), Some(hi)) => format!("net {:+.2} [{:+.2}, {:+.2}]", n.value, lo, hi),
        _ => format!("net {:+.2}", n.value),
    });
    html! { b class={ "call " (call) } { (call) } " " span class="ci" { (net.unwrap_or_default()) } }
}

fn terms_html(terms: &[KeyTerm]) -> Markup {
    html! {
        @for (k, t) in terms.iter().enumerate() {
            @if k > 0 { " " }
            span class=(if t.term.starts_with(crate::pipeline::CONCEPT_PREFIX) { "term concept" } else { "term" })
                title=(format_args!("z = {:.1}; used {}× vs {}×", t.score, t.count_a, t.count_b)) { (t.term) }
        }
    }
}

fn comparison(r: &Report) -> Markup {
    let Some(c) = &r.comparison else {
        return html! {
            section id="comparison" {
                "\n" h2 { "Comparison" } "\n"
                p class="note" {
                    "The corpus has fewer than two blocs: nothing to compare. Use " code { "--compare A B" }
                    " with two issuers (issuer:NAME)."
                }
                "\n"
            }
            "\n"
        };
    };
    let (a, b) = (&c.a.label, &c.b.label);
    html! {
        section id="comparison" {
            "\n"
            h2 { (a) " " span class="vs" { "vs" } " " (b) } "\n"
            p class="note" {
                b { (a) } ": " (c.a.issuers.join(", ")) " (" (c.a.n_documents) " documents, " (c.a.n_passages) " passages). "
                b { (b) } ": " (c.b.issuers.join(", ")) " (" (c.b.n_documents) " documents, " (c.b.n_passages) " passages). "
                "Agreement: 1 − |difference of the sides' positions| / 2 (over all topics: mean over the topics both address), \
                 with its 95 % bootstrap interval. Vocabulary similarity: cosine of the two sides' mean vectors — who speaks \
                 alike, not who agrees. Stance: shares of each side's passages that support / oppose the topic's proposition; \
                 the call is the majority of decisive passages; net = support − oppose share. Terms: Fightin' Words log-odds \
                 z-scores (§ = a bilingual concept). "
                (stance_legend())
            }
            "\n"
            table class="cmp" {
                thead {
                    tr {
                        th { "topic" } th class="num" { "n" } th { "agreement" } th { "vocabulary similarity" }
                        th { (a) } th { (b) } th { "terms of " (a) } th { "terms of " (b) }
                    }
                }
                tbody {
                    "\n"
                    @for t in std::iter::once(&c.overall).chain(&c.topics) {
                        (comparison_row(r, t))
                    }
                }
            }
            "\n"
            @if !c.absent.is_empty() {
                p class="note" { "Neither side has a passage on: " (c.absent.join(", ")) "." } "\n"
            }
            h3 { "The passages that show it" } "\n"
            @for t in c.topics.iter().filter(|t| !(t.a.evidence.is_empty() && t.b.evidence.is_empty())) {
                @let topic = t.topic.as_deref().unwrap_or("");
                details class="pair" id={ "cmp-" (slug(topic)) } {
                    summary { (topic_label(r, topic)) }
                    div class="two" {
                        "\n"
                        @for (label, side) in [(a, &t.a), (b, &t.b)] {
                            div {
                                h4 { (label) } "\n"
                                @for e in &side.evidence {
                                    (passage_html(e))
                                }
                            }
                            "\n"
                        }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// A topic's label as the overview shows it (its id when the overview does not list it).
fn topic_label<'a>(r: &'a Report, id: &'a str) -> &'a str {
    r.overview.topics.iter().find(|x| x.id == id).map_or(id, |x| x.label.as_str())
}

fn comparison_row(r: &Report, t: &TopicComparison) -> Markup {
    let s = &t.similarity;
    let g = &t.agreement;
    let side = |v: &SideView| {
        html! {
            @if v.stance.is_none() {
                span class="muted" { "(stance is per topic)" }
            } @else {
                (stance_bar(summary_counts(&v.stance))) br; (call_text(&v.stance))
            }
        }
    };
    html! {
        tr {
            td {
                @match &t.topic {
                    None => { b { "All passages" } }
                    Some(id) => { a href={ "#cmp-" (slug(id)) } { (topic_label(r, id)) } }
                }
            }
            td class="num" { (t.a.n_passages) " / " (t.b.n_passages) }
            td { (interval_svg(g.value, g.low, g.high)) br; (interval_text(g.value, g.low, g.high)) }
            td { (interval_svg(s.value, s.low, s.high)) br; (interval_text(s.value, s.low, s.high)) }
            td { (side(&t.a)) }
            td { (side(&t.b)) }
            td { (terms_html(&t.a.terms)) }
            td { (terms_html(&t.b.terms)) }
        }
        "\n"
    }
}

/// `text` with the cue spans wrapped in `<mark>`, everything escaped. Spans that overlap an
/// earlier one or do not fall on character boundaries are left plain.
pub fn highlight(text: &str, spans: &[(usize, usize, Stance)]) -> Markup {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| (s.0, s.1));
    // (plain text before the mark, marked text, its stance), then the tail.
    let mut marks = Vec::with_capacity(spans.len());
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
        marks.push((&text[at..start], &text[start..end], stance));
        at = end;
    }
    html! {
        @for (plain, marked, stance) in marks {
            (plain) mark class=(stance.as_str()) { (marked) }
        }
        (&text[at..])
    }
}

fn passage_html(e: &Evidence) -> Markup {
    let stance = e.stance.map_or("none", Stance::as_str);
    let spans: Vec<(usize, usize, Stance)> = e.cues.iter().map(|c| (c.start, c.end, c.polarity)).collect();
    let from = &e.provenance;
    html! {
        blockquote class={ "passage " (stance) } {
            p { (highlight(&e.text, &spans)) }
            footer {
                b class={ "call " (stance) } { (stance) } " " (from.issuer) " · " (from.date.as_deref().unwrap_or("undated")) " · "
                (from.title.as_deref().unwrap_or(&from.document)) " §" (from.span.passage + 1)
            }
        }
        "\n"
    }
}

fn evidence(r: &Report, colours: &BTreeMap<String, &'static str>) -> Markup {
    // Index: issuers × topics, counts linking to the sections below (the overall heatmap links here).
    let topics: Vec<(&str, &str)> = r.evidence.iter().map(|t| (t.topic.as_str(), t.title.as_str())).collect();
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for t in &r.evidence {
        for i in &t.issuers {
            counts.entry(i.issuer.as_str()).or_default().insert(t.topic.as_str(), i.passages.len());
        }
    }
    html! {
        section id="evidence" {
            "\n" h2 { "Evidence" } "\n"
            p class="note" {
                "For each topic, the positions found in its passages, then every passage on it, by issuer, with the stance \
                 cues highlighted ("
                mark class="support" { "support" } " " mark class="oppose" { "oppose" }
                "). A heatmap cell opens the passages of its row and column issuers. Passages per issuer and topic:"
            }
            "\n"
            div class="scroll" {
                table class="index" {
                    thead {
                        tr {
                            th { "issuer" }
                            @for (_, title) in &topics {
                                th class="t" { (title) }
                            }
                        }
                    }
                    tbody {
                        "\n"
                        @for (issuer, row) in &counts {
                            tr id=(evidence_id(None, issuer)) {
                                td { (chip(colours, r.blocs_of.get(*issuer).map(String::as_str).unwrap_or(""))) (issuer) }
                                @for (topic, _) in &topics {
                                    @match row.get(topic) {
                                        Some(n) => { td class="num" { a href={ "#" (evidence_id(Some(topic), issuer)) } { (n) } } }
                                        None => { td {} }
                                    }
                                }
                            }
                            "\n"
                        }
                    }
                }
            }
            "\n"
            @for t in &r.evidence {
                h3 id={ "ev-" (slug(&t.topic)) } { (t.title) } "\n"
                @if let Some(p) = r.overview.topics.iter().find(|x| x.id == t.topic) {
                    p class="prop" { "Proposition: " (p.proposition) } "\n"
                }
                @if let Some(c) = r.clusters.iter().find(|c| c.topic == t.topic) {
                    (found_positions(c, colours))
                }
                @for i in &t.issuers {
                    details id=(evidence_id(Some(&t.topic), &i.issuer)) {
                        summary {
                            (chip(colours, &i.bloc)) (i.issuer) " "
                            span class="muted" {
                                "(" (i.passages.len()) " passage" @if i.passages.len() != 1 { "s" } ")"
                            }
                            " " (stance_bar(i.stances))
                        }
                        "\n"
                        @for e in &i.passages {
                            (passage_html(e))
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// Issuers or blocs shown per position before `+N more`.
const MEMBERS_SHOWN: usize = 12;

/// The positions found on a topic (`stance clusters`): one row per position with its stance mix,
/// distinctive terms, issuers (each linking to its passages below, with the share of its passages
/// on the topic that fall in the position) and blocs.
fn found_positions(c: &TopicClusters, colours: &BTreeMap<String, &'static str>) -> Markup {
    let pct = |m: &Member| format!("{:.0}%", 100.0 * m.share);
    let more = |members: &[Member]| {
        let rest: Vec<String> =
            members.iter().skip(MEMBERS_SHOWN).map(|m| format!("{} {} ({})", m.name, m.n, pct(m))).collect();
        (!rest.is_empty()).then(|| (rest.len(), rest.join(", ")))
    };
    html! {
        div class="found" {
            "\n"
            h4 { "Positions found in the passages" } "\n"
            p class="muted" {
                (c.n_passages) " passages in the domain clustered by what they say and which side they take; " (c.how_k())
                ". Share: of the issuer's (bloc's) passages on the topic, those in the position."
            }
            "\n"
            @if !c.positions.is_empty() {
                table class="clusters" data-topic=(c.topic) data-k=(c.k) {
                    thead {
                        tr {
                            th { "#" } th class="num" { "n" } th { "stance mix" } th { "distinctive terms" }
                            th { "issuers: passages (share)" } th { "blocs" }
                        }
                    }
                    tbody {
                        "\n"
                        @for p in &c.positions {
                            tr class="position" title=(p.label) {
                                td class="num" { (p.cluster) }
                                td class="num" { (p.n) }
                                td { (stance_bar(StanceCounts::new(p.stances.support, p.stances.oppose, p.stances.neutral))) }
                                td { (terms_html(&p.terms)) }
                                td {
                                    @for (k, m) in p.issuers.iter().take(MEMBERS_SHOWN).enumerate() {
                                        @if k > 0 { ", " }
                                        a class="member" href={ "#" (evidence_id(Some(&c.topic), &m.name)) } { (m.name) }
                                        " " (m.n) " (" (pct(m)) ")"
                                    }
                                    @if let Some((n, names)) = more(&p.issuers) {
                                        ", " span class="muted" title=(names) { "+" (n) " more" }
                                    }
                                }
                                td {
                                    @for (k, m) in p.blocs.iter().enumerate() {
                                        @if k > 0 { ", " }
                                        (chip(colours, &m.name)) (m.name) " " (m.n) " (" (pct(m)) ")"
                                    }
                                }
                            }
                            "\n"
                        }
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn method(r: &Report) -> Markup {
    html! {
        section id="method" {
            "\n" h2 { "Method" } "\n"
            p class="note" {
                "Passages are paragraphs of the texts; each is assigned a topic and a stance by the bilingual lexicon (version "
                (r.lexicon) "), with negation and contrast handled. Passage vectors: TF-IDF of words, bigrams and concepts, \
                 reduced by randomized SVD. Positions: net stance shrunk toward 0 by a Beta(1, 1) prior on the decisive \
                 passages; agreement: 1 − |Δ position| / 2. Positions found on a topic: k-means on its passages in the \
                 domain (SVD vector plus stance; openings, salutations, procedural and date-only passages left out), k \
                 from 1 to 5 by the silhouette, each labelled by its stance mix, its Fightin' Words terms against the \
                 topic's other positions and its members. Vocabulary similarity: cosine of mean vectors. Intervals: \
                 2.5–97.5 percentiles of " (r.draws) " bootstrap draws resampling passages within each group (and topic). \
                 Model " (r.model) ", seed " (r.seed) ", stance " (r.version) ". Full description: docs/methods.md."
            }
            "\n"
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        let evil = "<script>alert('x') & \"y\"</script>";
        assert_eq!(
            html! { p title=(evil) { (evil) } }.into_string(),
            "<p title=\"&lt;script&gt;alert('x') &amp; &quot;y&quot;&lt;/script&gt;\">\
             &lt;script&gt;alert('x') &amp; &quot;y&quot;&lt;/script&gt;</p>"
        );
        assert_eq!(
            chip(&BTreeMap::new(), "\"><b>x").into_string(),
            "<span class=\"chip\" style=\"background:#999\" title=\"&quot;&gt;&lt;b&gt;x\"></span>"
        );
    }

    #[test]
    fn only_http_addresses_become_links() {
        assert!(link("https://example.org/a?b=1&c=2", "source")
            .into_string()
            .contains("href=\"https://example.org/a?b=1&amp;c=2\""));
        assert_eq!(link("javascript:alert(1)", "source").into_string(), "source");
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
        let out = highlight(text, &[(start, start + 15, Stance::Support), (start + 2, start + 4, Stance::Oppose)])
            .into_string();
        assert_eq!(out, "a &lt;b&gt; <mark class=\"support\">legally binding</mark> &amp; c");
        // A span cutting a multi-byte character is dropped, not panicking.
        assert_eq!(highlight("é", &[(1, 2, Stance::Support)]).into_string(), "é");
    }
}
