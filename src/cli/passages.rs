//! `stance passages`: the evidence itself — passages on a topic, by issuer or bloc.

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::corpus::check_name;
use stance::export::{columns, passage_record, PassageFilter, PassageRecord};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::topics::{Domain, Stance};
use stance::Result;

/// Passages on a topic, with issuer, document, stance and position in the text
#[derive(Debug, Args)]
#[command(after_help = "Every passage carries its domain decision (is it about ICTs / cyberspace?): JSON
\"domain\": {\"in\", \"score\", \"evidence\"}; CSV in_domain, domain_score, domain_evidence; table: the
domain column (in/out and score). Out of the domain a passage has no topic.

Examples:
  stance passages --topic budapest_convention --issuer CIS
  stance passages --topic binding_norms --bloc western --stance oppose
  stance passages --topic internet_governance --format json | jq '.[0].text'
  stance passages --corpus speeches/ --domain in --limit 20     what the gate kept
  stance passages --corpus statements/ --show-source statement.html   the text read from a page")]
pub struct PassagesArgs {
    /// Topic id (see `stance topics`)
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Only this issuer
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,
    /// Only this bloc
    #[arg(long, value_name = "NAME")]
    pub bloc: Option<String>,
    /// Only this stance: toward --topic when given, else toward the passage's main topic
    #[arg(long, value_parser = super::choice::<Stance>())]
    pub stance: Option<Stance>,
    /// Only passages in (or out of) the domain (ICTs / cyberspace)
    #[arg(long, value_enum)]
    pub domain: Option<DomainArg>,
    /// At most this many passages (0 = all)
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    /// Print the text extracted from document DOC (its id, as in the document column) instead:
    /// what was read from a PDF, web page, Word file or table row; passage offsets point into it
    #[arg(long, value_name = "DOC", conflicts_with_all = ["topic", "issuer", "bloc", "stance", "domain"])]
    pub show_source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DomainArg {
    In,
    Out,
}

pub fn run(ctx: &Ctx, args: PassagesArgs) -> Result<()> {
    if let Some(id) = &args.show_source {
        return show_source(ctx, id);
    }
    if let Some(t) = &args.topic {
        ctx.lexicon()?.check_topic(t)?;
    }
    let a = ctx.analysis()?;
    let filter = PassageFilter {
        topic: args.topic.clone(),
        issuer: args.issuer.clone(),
        bloc: args.bloc.clone(),
        stance: args.stance,
        in_domain: args.domain.map(|d| d == DomainArg::In),
        limit: args.limit,
    };
    filter.check(&a)?;
    let keep = filter.select(&a);
    let rows: Vec<PassageRecord> = keep.iter().map(|&i| passage_record(&a, i)).collect();
    emit(&match ctx.global.format {
        Format::Json => {
            let nested: Vec<PassageJson> = rows
                .into_iter()
                .zip(&keep)
                .map(|(record, &i)| PassageJson {
                    record: PassageRecord { in_domain: None, domain_score: None, domain_evidence: None, ..record },
                    domain: &a.passages[i].domain,
                })
                .collect();
            render::json(&nested)
        }
        Format::Csv => stance::export::csv::records(columns::PASSAGES, &rows)?,
        Format::Table => {
            let dash = || "-".to_string();
            let body: Vec<Vec<String>> = rows
                .iter()
                .zip(&keep)
                .map(|(r, &i)| {
                    // With --topic, the topic asked for and the stance toward it (the filter's);
                    // else the passage's main topic and its stance.
                    let (topic, stance) = match &args.topic {
                        Some(t) => (t.clone(), a.passages[i].stance_on(t)),
                        None => (r.topic.clone().unwrap_or_else(dash), r.stance),
                    };
                    vec![
                        format!("{}\n{}", r.provenance.issuer, r.provenance.date.clone().unwrap_or_default()),
                        format!("{} #{}", r.provenance.document, r.provenance.span.passage),
                        topic,
                        stance.map(|s| s.as_str().to_string()).unwrap_or_else(dash),
                        domain_cell(&a.passages[i].domain),
                        r.text.clone(),
                    ]
                })
                .collect();
            let header = if args.topic.is_some() { "stance toward it" } else { "stance" };
            format!(
                "{} passage(s)\n{}\n",
                rows.len(),
                table(&["issuer / date", "document #passage", "topic", header, "domain", "text"], &body)
            )
        }
    })
}

/// The domain cell of a table: in / out and the score.
pub fn domain_cell(d: &Domain) -> String {
    format!("{} ({:.2})", if d.in_domain { "in" } else { "out" }, d.score)
}

/// A passage as `stance passages --format json` shows it: the record, its domain decision nested.
#[derive(Serialize)]
struct PassageJson<'a> {
    #[serde(flatten)]
    record: PassageRecord,
    domain: &'a Domain,
}

/// `--show-source`: the extracted text of one document, as the passages' offsets count it.
fn show_source(ctx: &Ctx, id: &str) -> Result<()> {
    let corpus = ctx.load_corpus()?;
    let ids: Vec<String> = corpus.documents.iter().map(|d| d.id.clone()).collect();
    check_name("document", id, &ids)?;
    let d = corpus.documents.iter().find(|d| d.id == id).expect("checked above");
    emit(&match ctx.global.format {
        Format::Json => render::json(&serde_json::json!({
            "document": d.id, "title": d.title, "bytes": d.text.len(), "text": d.text,
        })),
        Format::Csv => stance::export::csv::rows(
            &["document", "title", "text"],
            vec![vec![d.id.clone(), d.title.clone().unwrap_or_default(), d.text.clone()]],
        )?,
        Format::Table => format!("{}\n", d.text.trim_end()),
    })
}
