//! `stance compare`: two blocs or issuers side by side, topic by topic — agreement and
//! vocabulary similarity with their intervals, where each side stands, the words that set them
//! apart, and the passages that show it.

use clap::Args;

use super::{emit, Ctx};
use stance::compare::evidence::{highlight, Emphasis, Evidence};
use stance::compare::keyness::{KeyTerm, KeynessParams, Method};
use stance::compare::sides::{compare, CompareParams, Comparison, Interval, Side, SideView, TopicComparison};
use stance::compare::stance::{Share, StanceSummary};
use stance::render::table::{fit_text, table};
use stance::render::{self, num, Format};
use stance::Result;

/// Compare two blocs or issuers topic by topic: agreement, vocabulary similarity, stances, terms, evidence
#[derive(Debug, Args)]
#[command(after_help = "Sides: a bloc name (see `stance similarity --by bloc`), or issuer:NAME, or bloc:NAME.

Examples:
  stance compare russia-aligned western
  stance compare russia-aligned western --topic binding_norms --evidence 3
  stance compare issuer:CIS issuer:\"UN General Assembly\" --explain
  stance compare china western --keyness g2 --terms 8
  stance compare russia-aligned western --format json > compare.json")]
pub struct CompareArgs {
    /// First side: a bloc, or issuer:NAME
    #[arg(value_name = "SIDE_A")]
    pub a: String,
    /// Second side: a bloc, or issuer:NAME
    #[arg(value_name = "SIDE_B")]
    pub b: String,
    /// Only this topic (see `stance topics`)
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Show the N passages that best show each side on each topic
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub evidence: usize,
    /// Show the cues behind every stance, and each issuer's stance
    #[arg(long)]
    pub explain: bool,
    /// Keyness statistic for the distinctive terms
    #[arg(long, value_parser = super::choice::<Method>(), default_value_t = Method::Fightin)]
    pub keyness: Method,
    /// Distinctive terms per side (5 in JSON and CSV); the table shows them when this is given,
    /// or with --wide
    #[arg(long, value_name = "K")]
    pub terms: Option<usize>,
    /// Bootstrap draws for the intervals (0 = none)
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
}

/// Distinctive terms per side when `--terms` is not given.
const DEFAULT_TERMS: usize = 5;

pub fn run(ctx: &Ctx, args: CompareArgs) -> Result<()> {
    stance::limits::check_draws(args.draws, 2)?;
    stance::limits::count("--evidence", args.evidence, 0, stance::limits::MAX_EVIDENCE)?;
    let terms = args.terms.unwrap_or(DEFAULT_TERMS);
    stance::limits::count("--terms", terms, 0, stance::limits::MAX_TERMS)?;
    let show_terms = args.terms.is_some() || stance::render::table::wide();
    let corpus = ctx.load_corpus()?;
    let (side_a, side_b) = Side::parse_pair(&args.a, &args.b, &corpus)?;
    let lexicon = ctx.lexicon()?;
    if let Some(t) = &args.topic {
        lexicon.check_topic(t)?;
    }
    let analysis = ctx.run_pipeline(corpus, lexicon, ctx.params())?;
    let params = CompareParams {
        bootstrap: ctx.bootstrap(args.draws),
        keyness: KeynessParams { method: args.keyness, k: terms, ..Default::default() },
        evidence: args.evidence,
        topic: args.topic.clone(),
    };
    ctx.warn_domain(&analysis.domain_share());
    let c = compare(&analysis, &side_a, &side_b, &params)?;
    emit(&match ctx.global.format {
        Format::Json => render::json(&c),
        Format::Csv => to_csv(&c)?,
        Format::Table => fit_text(&to_table(&c, args.explain, show_terms, Emphasis::for_stdout())),
    })
}

fn pct(s: Option<Share>) -> String {
    s.map(|s| format!("{:.0}%", 100.0 * s.value)).unwrap_or_default()
}

/// `0.42 [0.30–0.55]`, `0.42 (n<3)`, or `–` when a side has no passage.
fn interval(v: Option<f64>, low: Option<f64>, high: Option<f64>, min_n: usize, signed: bool) -> String {
    let Some(v) = v else { return "–".to_string() };
    let f = |x: f64| if signed { format!("{x:+.2}") } else { format!("{x:.2}") };
    match (low, high) {
        (Some(lo), Some(hi)) => format!("{} [{}–{}]", f(v), f(lo), f(hi)),
        _ => format!("{} (n<{min_n})", f(v)),
    }
}

fn stance_cell(v: &SideView, min_n: usize) -> String {
    let Some(s) = &v.stance else { return String::new() };
    let Some(call) = s.call else { return "no passage".to_string() };
    let net = s.net.map(|n| interval(Some(n.value), n.low, n.high, min_n, true)).unwrap_or_default();
    let pos = v.position.map(|p| interval(Some(p.value), p.low, p.high, min_n, true)).unwrap_or_default();
    format!(
        "{}\nnet {net}\npos {pos}\nS {} · O {} · N {}",
        call.as_str(),
        pct(s.support),
        pct(s.oppose),
        pct(s.neutral)
    )
}

/// Agreement with its interval; over all topics, with the number of topics both address.
fn agreement_cell(t: &TopicComparison, min_n: usize) -> String {
    let g = t.agreement;
    let mut s = interval(g.value, g.low, g.high, min_n, false);
    if t.topic.is_none() && g.value.is_some() {
        s.push_str(&format!("\nover {} topic(s)", g.shared_topics));
    }
    s
}

fn terms_cell(terms: &[KeyTerm]) -> String {
    terms.iter().map(|t| format!("{} ({:.1})", t.term, t.score)).collect::<Vec<_>>().join("\n")
}

fn row(t: &TopicComparison, min_n: usize, show_terms: bool) -> Vec<String> {
    let Interval { value, low, high } = t.similarity;
    let mut row = vec![
        t.topic.clone().unwrap_or_else(|| "(all passages)".to_string()),
        format!("{}/{}", t.a.n_passages, t.b.n_passages),
        agreement_cell(t, min_n),
        interval(value, low, high, min_n, false),
        stance_cell(&t.a, min_n),
        stance_cell(&t.b, min_n),
    ];
    if show_terms {
        row.extend([terms_cell(&t.a.terms), terms_cell(&t.b.terms)]);
    }
    row
}

/// The essentials (topic, n, agreement, similarity, stances), and the terms with `show_terms`.
fn to_table(c: &Comparison, explain: bool, show_terms: bool, emphasis: Emphasis) -> String {
    let (la, lb) = (&c.a.label, &c.b.label);
    let min_n = c.params.bootstrap.min_passages;
    let mut out = String::new();
    for s in [&c.a, &c.b] {
        let left_out = match s.n_out_of_domain {
            0 => String::new(),
            n => format!(" ({n} more out of the domain, left out)"),
        };
        out.push_str(&format!(
            "{}: {} document(s), {} passage(s){left_out}; issuers: {}\n",
            s.label,
            s.n_documents,
            s.n_passages,
            s.issuers.join(", ")
        ));
    }
    let mut header = vec![
        "topic".to_string(),
        "n A/B".to_string(),
        "agreement [95% CI]".to_string(),
        "vocabulary similarity".to_string(),
        format!("stance A: {la}"),
        format!("stance B: {lb}"),
    ];
    if show_terms {
        header.extend([format!("terms of A: {la}"), format!("terms of B: {lb}")]);
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> =
        std::iter::once(&c.overall).chain(&c.topics).map(|t| row(t, min_n, show_terms)).collect();
    out.push_str(&table(&header, &rows).to_string());
    out.push('\n');
    let keyness = match c.params.keyness.method {
        Method::Fightin => "Fightin' Words z (log-odds ratio, informative Dirichlet prior)",
        Method::G2 => "log-likelihood G²",
    };
    out.push_str(&format!(
        "Agreement: 1 − |position A − position B| / 2 (1 = same side, 0 = opposite sides); all passages: mean over \
         the topics both address, weighted by passages.\nVocabulary similarity: cosine of the sides' mean passage \
         vectors (who speaks alike, not who agrees). [low–high]: 95% bootstrap interval over {} draws; (n<{min_n}): \
         too few passages for one.\nStance toward each topic's proposition (`stance topics`): call = majority of \
         decisive passages; net = support share − oppose share; pos = position, net shrunk toward 0 when few passages \
         are decisive (`stance positions`); S/O/N = support/oppose/neutral shares.\n{}\n",
        c.params.bootstrap.draws,
        if show_terms {
            format!("Terms: {keyness}.")
        } else {
            "Distinctive terms: --terms K (or --wide); passages that show each side: --evidence N.".to_string()
        }
    ));
    if !c.absent.is_empty() {
        out.push_str(&format!("No passage on either side: {}.\n", c.absent.join(", ")));
    }
    for t in &c.topics {
        let topic = t.topic.as_deref().unwrap_or_default();
        let show_evidence = t.a.evidence.len() + t.b.evidence.len() > 0;
        if !(explain || show_evidence) {
            continue;
        }
        out.push_str(&format!("\n## {topic}\n"));
        for (label, side) in [(la, &t.a), (lb, &t.b)] {
            let call = side.stance.as_ref().and_then(|s| s.call).map_or("no passage", |s| s.as_str());
            out.push_str(&format!("\n{label} ({call}, n={})\n", side.n_passages));
            if explain {
                explain_side(&mut out, side, min_n);
            }
            for (k, e) in side.evidence.iter().enumerate() {
                evidence_block(&mut out, k + 1, e, explain, emphasis);
            }
        }
    }
    out
}

/// Per-issuer stances and the cues behind them.
fn explain_side(out: &mut String, side: &SideView, min_n: usize) {
    for i in &side.by_issuer {
        let net = i.stance.net.map(|n| interval(Some(n.value), n.low, n.high, min_n, true)).unwrap_or_default();
        let call = i.stance.call.map_or("-", |s| s.as_str());
        out.push_str(&format!("  {}: {call} (n={}, net {net})\n", i.issuer, i.stance.n));
    }
    if !side.cues.is_empty() {
        let cues: Vec<String> =
            side.cues.iter().map(|c| format!("\"{}\" → {} ×{}", c.cue, c.polarity.as_str(), c.count)).collect();
        out.push_str(&format!("  cues: {}\n", cues.join("; ")));
    }
}

fn evidence_block(out: &mut String, k: usize, e: &Evidence, explain: bool, emphasis: Emphasis) {
    let stance = e.stance.map_or("-", |s| s.as_str());
    let from = &e.provenance;
    out.push_str(&format!(
        "  {k}. {} · {} · {} — {} (#{}, bytes {}–{}) [{stance}]\n",
        from.issuer,
        from.date.as_deref().unwrap_or("undated"),
        from.title.as_deref().unwrap_or(&from.document),
        from.document,
        from.span.passage,
        from.span.start,
        from.span.end
    ));
    out.push_str(&format!("     {}\n", highlight(&e.text, &e.cues, emphasis)));
    if explain && !e.cues.is_empty() {
        let cues: Vec<String> = e
            .cues
            .iter()
            .map(|c| format!("\"{}\" → {}{}", c.cue, c.polarity.as_str(), if c.negated { " (negated)" } else { "" }))
            .collect();
        out.push_str(&format!("     cues: {}\n", cues.join("; ")));
    }
}

/// One row per topic (first: all passages); evidence is in the JSON output.
fn to_csv(c: &Comparison) -> Result<String> {
    let side = |v: &SideView| -> Vec<String> {
        let s = v.stance.as_ref();
        let share = |f: fn(&StanceSummary) -> Option<Share>| s.and_then(f);
        let net = share(|s| s.net);
        vec![
            v.n_passages.to_string(),
            s.and_then(|s| s.call).map(|c| c.as_str().to_string()).unwrap_or_default(),
            num(share(|s| s.support).map(|x| x.value)),
            num(share(|s| s.oppose).map(|x| x.value)),
            num(share(|s| s.neutral).map(|x| x.value)),
            num(net.map(|x| x.value)),
            num(net.and_then(|x| x.low)),
            num(net.and_then(|x| x.high)),
            num(v.position.map(|p| p.value)),
            num(v.position.and_then(|p| p.low)),
            num(v.position.and_then(|p| p.high)),
            v.terms.iter().map(|t| t.term.as_str()).collect::<Vec<_>>().join("; "),
        ]
    };
    let rows = std::iter::once(&c.overall).chain(&c.topics).map(|t| {
        let mut r = vec![
            t.topic.clone().unwrap_or_default(),
            c.a.label.clone(),
            c.b.label.clone(),
            num(t.similarity.value),
            num(t.similarity.low),
            num(t.similarity.high),
            num(t.agreement.value),
            num(t.agreement.low),
            num(t.agreement.high),
            t.agreement.shared_topics.to_string(),
        ];
        r.extend(side(&t.a));
        r.extend(side(&t.b));
        r
    });
    let per_side = [
        "n",
        "call",
        "support",
        "oppose",
        "neutral",
        "net",
        "net_low",
        "net_high",
        "position",
        "position_low",
        "position_high",
        "terms",
    ];
    let mut header: Vec<String> = [
        "topic",
        "side_a",
        "side_b",
        "similarity",
        "similarity_low",
        "similarity_high",
        "agreement",
        "agreement_low",
        "agreement_high",
        "shared_topics",
    ]
    .map(String::from)
    .to_vec();
    for s in ["a", "b"] {
        header.extend(per_side.iter().map(|f| format!("{f}_{s}")));
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    stance::export::csv::rows(&header, rows)
}
