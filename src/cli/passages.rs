//! `stance passages`: the evidence itself — passages on a topic, by issuer or bloc.

use clap::Args;

use super::{emit, Ctx};
use stance::corpus::check_name;
use stance::export::{columns, passage_record, PassageRecord};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::topics::Stance;
use stance::Result;

/// Passages on a topic, with issuer, document, stance and position in the text
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance passages --topic budapest_convention --issuer CIS
  stance passages --topic binding_norms --bloc western --stance oppose
  stance passages --topic internet_governance --format json | jq '.[0].text'")]
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
    /// At most this many passages (0 = all)
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
}

pub fn run(ctx: &Ctx, args: PassagesArgs) -> Result<()> {
    if let Some(t) = &args.topic {
        ctx.lexicon()?.check_topic(t)?;
    }
    let a = ctx.analysis()?;
    if let Some(i) = &args.issuer {
        check_name("issuer", i, &a.corpus.issuers())?;
    }
    if let Some(b) = &args.bloc {
        check_name("bloc", b, &a.corpus.blocs())?;
    }
    let stance = args.stance;
    let mut keep = a.select(|p| {
        let d = &a.corpus.documents[p.doc];
        let on_topic = args.topic.as_deref().is_none_or(|t| p.on(t));
        let passage_stance = match &args.topic {
            Some(t) => p.stance_on(t),
            None => p.stance,
        };
        on_topic
            && args.issuer.as_ref().is_none_or(|i| &d.issuer == i)
            && args.bloc.as_ref().is_none_or(|b| &d.bloc == b)
            && (stance.is_none() || passage_stance == stance)
    });
    if args.limit > 0 {
        keep.truncate(args.limit);
    }
    let rows: Vec<PassageRecord> = keep.iter().map(|&i| passage_record(&a, i)).collect();
    emit(&match ctx.global.format {
        Format::Json => render::json(&rows),
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
                        format!("{}\n{}", r.issuer, r.date.clone().unwrap_or_default()),
                        format!("{} #{}", r.document, r.passage),
                        topic,
                        stance.map(|s| s.as_str().to_string()).unwrap_or_else(dash),
                        r.text.clone(),
                    ]
                })
                .collect();
            let header = if args.topic.is_some() { "stance toward it" } else { "stance" };
            format!(
                "{} passage(s)\n{}\n",
                rows.len(),
                table(&["issuer / date", "document #passage", "topic", header, "text"], &body)
            )
        }
    })
}
