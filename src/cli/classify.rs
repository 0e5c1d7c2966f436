//! `stance classify`: topic, stance and cues of each passage of a new text, then the blocs and
//! issuers nearest to the whole document. With `--model`, a saved model is used as is (fast,
//! and comparable across runs); otherwise the pipeline is fitted on the corpus first.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::{emit, open_model, read_input, Ctx};
use stance::compare::classify::{classify_prepared, split_checked, Agreeing, Classification, Nearest, Prepared};
use stance::compare::evidence::{highlight, Emphasis};
use stance::learned::LearnParams;
use stance::model::Model;
use stance::render::table::{fit_text, table};
use stance::render::{self, Format};
use stance::text::detect;
use stance::text::lang::Lang;
use stance::{Error, Result};

/// Topic and stance of each passage of a new text, and the nearest blocs and issuers
#[derive(Debug, Args)]
#[command(after_help = "Output (JSON lines, the default for --format json): one line per passage
  {\"passage\", \"start\", \"end\", \"text\", \"topic\", \"topic_score\", \"topics\", \"stance\", \"cues\", \"stances\", \"domain\"}
where topic / stance / cues are the best topic's and \"stances\" gives every topic the passage reaches:
  {\"<topic>\": {\"stance\", \"cues\", \"source\" (lexicon or model), \"p\" (model probability, or null)}}
and \"domain\" = {\"in\", \"score\", \"evidence\"}: is the passage about ICTs / cyberspace, from its words,
the text's in-domain share and its neighbours (out of the domain it reaches no topic; \"topics\" are
the scores before that gate)
then one line for the document: {\"document\", \"nearest_blocs\", \"nearest_issuers\", \"agreeing_blocs\",
\"agreeing_issuers\"}; nearest: {\"bloc\" or \"issuer\", \"similarity\" (vocabulary: cosine), \"score\"
(ranking key), \"stance_evidence\"}, best score first; agreeing: {\"bloc\" or \"issuer\", \"agreement\",
\"low\", \"high\", \"shared_topics\"}, most agreeing first (see `stance agreement`).

Examples:
  stance classify new_statement.txt --format json
  stance classify statement.pdf                 # also .html, .docx
  cat speech.txt | stance classify - --format table
  stance fit --out fitted/ && stance classify --model fitted/model.bin statement.txt --format json
  stance classify --lang en statement.txt --top 3
  stance classify statement.txt --blocs western,russia-aligned,china")]
pub struct ClassifyArgs {
    /// Document (.txt, .html, .docx, .pdf), or - for standard input
    pub file: PathBuf,
    /// Saved model (`stance fit --out DIR` writes DIR/model.bin; DIR is accepted too)
    /// [default: fit on the corpus]
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Language of the text (fr or en) [default: detected]
    #[arg(long, value_parser = super::parse_lang)]
    pub lang: Option<Lang>,
    /// Candidate blocs for the nearest blocs [default: every bloc of the model]
    #[arg(long, value_name = "BLOC,…", value_delimiter = ',')]
    pub blocs: Vec<String>,
    /// Nearest blocs and issuers listed (0 = all)
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// Without --model: lexicon only, no learned complement (`stance fit` trains one by default;
    /// with --model, the model's own is used if it has one)
    #[arg(long, conflicts_with = "model")]
    pub no_learned: bool,
    /// Train the learned complement without --model (the default; kept for scripts written when
    /// it was opt-in)
    #[arg(long, hide = true, conflicts_with = "no_learned")]
    pub learned: bool,
}

/// The saved model at `path` (a model file, or a folder holding model.bin), header only.
pub fn run(ctx: &Ctx, args: ClassifyArgs) -> Result<()> {
    stance::limits::count("--top", args.top, 0, stance::limits::MAX_TERMS)?;
    let (name, text) = read_input(ctx, &args.file)?;
    let lang = args.lang.unwrap_or_else(|| detect::language(&text));
    let lexicon = ctx.lexicon()?;
    if args.model.is_none() {
        split_checked(&name, &text, &ctx.params().segment)?; // fail before fitting the corpus
    }
    // A saved model is read in part: its header, then only the terms of the text.
    let file = args.model.as_deref().map(open_model).transpose()?;
    let fitted;
    let header = match &file {
        Some(f) => {
            if f.header.lexicon_version != lexicon.version() {
                ctx.warn(&format!(
                    "{}: fitted with lexicon {}, classifying with {}; refit with `stance fit` for consistent topics",
                    f.path().display(),
                    f.header.lexicon_version,
                    lexicon.version()
                ));
            }
            &f.header
        }
        None => {
            // As `stance fit` would save it (the learned complement unless `--no-learned`).
            let learn = LearnParams::with_seed(ctx.global.seed);
            fitted = Model::fitted(&ctx.analysis()?, (!args.no_learned).then_some(&learn))?;
            &fitted
        }
    };
    if let Some(b) = args.blocs.iter().find(|b| !header.blocs.iter().any(|g| &g.name == *b)) {
        let known: Vec<&str> = header.blocs.iter().map(|g| g.name.as_str()).collect();
        return Err(Error::usage(format!("unknown bloc '{b}' in --blocs; known blocs: {}", known.join(", "))));
    }
    let prepared = Prepared::new(&header.params, &lexicon, &name, &text, lang)?;
    let slice;
    let model = match &file {
        Some(f) => {
            slice = f.slice(&prepared.terms())?;
            &slice
        }
        None => header,
    };
    let mut c = classify_prepared(model, prepared);
    if !args.blocs.is_empty() {
        c.nearest_blocs.retain(|g| args.blocs.contains(&g.name));
        c.agreeing_blocs.retain(|g| args.blocs.contains(&g.name));
    }
    if args.top > 0 {
        c.nearest_blocs.truncate(args.top);
        c.nearest_issuers.truncate(args.top);
        c.agreeing_blocs.truncate(args.top);
        c.agreeing_issuers.truncate(args.top);
    }
    emit(&match ctx.global.format {
        Format::Json => json_lines(&name, &c),
        Format::Csv => to_csv(&c)?,
        Format::Table => fit_text(&to_table(&name, lang, &c)),
    })
}

fn named(key: &str, groups: &[Nearest]) -> serde_json::Value {
    groups
        .iter()
        .map(|g| json!({ key: g.name, "similarity": g.similarity, "score": g.score, "stance_evidence": g.stance_evidence }))
        .collect()
}

fn agreeing(key: &str, groups: &[Agreeing]) -> serde_json::Value {
    groups
        .iter()
        .map(|g| {
            let a = g.agreement;
            json!({ key: g.name, "agreement": a.value, "low": a.low, "high": a.high, "shared_topics": a.shared_topics })
        })
        .collect()
}

fn json_lines(name: &str, c: &Classification) -> String {
    let mut out: String = c.passages.iter().map(render::json_line).collect();
    out.push_str(&render::json_line(&json!({
        "document": name,
        "nearest_blocs": named("bloc", &c.nearest_blocs),
        "nearest_issuers": named("issuer", &c.nearest_issuers),
        "agreeing_blocs": agreeing("bloc", &c.agreeing_blocs),
        "agreeing_issuers": agreeing("issuer", &c.agreeing_issuers),
    })));
    out
}

/// One row per passage (the nearest groups are in the JSON and table outputs).
fn to_csv(c: &Classification) -> Result<String> {
    stance::export::csv::rows(
        &[
            "passage",
            "start",
            "end",
            "topic",
            "topic_score",
            "stance",
            "cues",
            "stances",
            "in_domain",
            "domain_score",
            "domain_evidence",
            "text",
        ],
        c.passages.iter().map(|p| {
            vec![
                p.span.passage.to_string(),
                p.span.start.to_string(),
                p.span.end.to_string(),
                p.topic.clone().unwrap_or_default(),
                p.topic_score.to_string(),
                p.stance.map(|s| s.as_str().to_string()).unwrap_or_default(),
                p.cues.iter().map(|q| format!("{} ({})", q.cue, q.polarity.as_str())).collect::<Vec<_>>().join("; "),
                p.stances.iter().map(|(t, s)| format!("{t}={}", s.stance.as_str())).collect::<Vec<_>>().join("; "),
                p.domain.in_domain.to_string(),
                p.domain.score.to_string(),
                p.domain.evidence.join("; "),
                p.text.clone(),
            ]
        }),
    )
}

/// A cue as a reader sees it: the matched words in quotes, then the stance they point to
/// (`"soutenons" → support`), rather than the lexicon pattern that matched.
fn cue_label(text: &str, q: &stance::compare::evidence::Cue) -> String {
    let words = text.get(q.start..q.end).map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "));
    let words = match words.filter(|w| !w.is_empty()) {
        Some(w) if w.chars().count() > 40 => format!("{}…", w.chars().take(39).collect::<String>()),
        Some(w) => w,
        None => q.cue.clone(),
    };
    let negated = if q.negated { " (negated)" } else { "" };
    format!("\"{words}\" → {}{negated}", q.polarity.as_str())
}

fn to_table(name: &str, lang: Lang, c: &Classification) -> String {
    let emphasis = Emphasis::for_stdout();
    let rows: Vec<Vec<String>> = c
        .passages
        .iter()
        .map(|p| {
            let cues: Vec<String> = p.cues.iter().map(|q| cue_label(&p.text, q)).collect();
            // The other topics the passage reaches, under the best one.
            let also: String = p
                .stances
                .iter()
                .filter(|(t, _)| Some(*t) != p.topic.as_ref())
                .map(|(t, s)| format!("\n+ {t}: {}", s.stance.as_str()))
                .collect();
            vec![
                p.span.passage.to_string(),
                p.topic.as_ref().map_or("-".to_string(), |t| format!("{t}\n({:.2}){also}", p.topic_score)),
                p.stance.map_or("-", |s| s.as_str()).to_string(),
                super::passages::domain_cell(&p.domain),
                cues.join("\n"),
                highlight(&p.text, &p.cues, emphasis),
            ]
        })
        .collect();
    let list = |groups: &[Nearest]| {
        groups
            .iter()
            .map(|g| format!("{} {:.2} (vocabulary {:.2})", g.name, g.score, g.similarity))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let agreeing = |groups: &[Agreeing]| {
        let shown: Vec<String> = groups
            .iter()
            .filter_map(|g| {
                Some(format!("{} {:.2} ({} topic(s))", g.name, g.agreement.value?, g.agreement.shared_topics))
            })
            .collect();
        if shown.is_empty() {
            "none (no topic in common)".to_string()
        } else {
            shown.join(", ")
        }
    };
    format!(
        "{name} ({}): {} passage(s), {} in the domain (ICTs / cyberspace)\n{}\nNearest blocs: {}\nNearest issuers: {}\nAgreeing blocs: {}\nAgreeing issuers: {}\n\
         (score under a topic: the passage's lexicon score for it, Σ concept weight × (1 + ln count), length-normalised; \
         1.5 or more reaches a topic; + lines: the other topics reached, with their stance; domain: in or out of ICTs / \
         cyberspace and its score, out = no topic; cues: the words that decided the stance; see docs/methods.md)\n\
         (nearest: score per passage, semantic + stance evidence, see docs/methods.md; vocabulary = cosine with the \
         group's mean vector; agreeing: agreement of positions over the topics both address, see `stance agreement`)\n",
        lang.code(),
        c.passages.len(),
        c.passages.iter().filter(|p| p.domain.in_domain).count(),
        table(&["#", "topic (score)", "stance", "domain", "cues: words → stance", "text"], &rows),
        list(&c.nearest_blocs),
        list(&c.nearest_issuers),
        agreeing(&c.agreeing_blocs),
        agreeing(&c.agreeing_issuers)
    )
}
