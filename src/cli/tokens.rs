//! `stance tokens`: what the analyser makes of a text — passages, normalised text, tokens and
//! concepts. The first thing to look at when a result seems odd.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{emit, read_input, Ctx};
use stance::pipeline::{features, split_text};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::text::analyze::Analyzer;
use stance::text::detect;
use stance::text::lang::Lang;
use stance::Result;

/// Show the passages, tokens and concepts the analyser finds in a text
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance tokens seeds/2020-12-22_cis_heads-of-state-declaration.txt
  stance tokens --lang en statement.txt --format json
  echo \"L'État n'accepte pas l'instrument juridiquement contraignant.\" | stance tokens -")]
pub struct TokensArgs {
    /// Text file, or - for standard input
    pub file: PathBuf,
    /// Language (fr or en) [default: detected]
    #[arg(long, value_parser = super::parse_lang)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Serialize)]
pub struct TokenPassage {
    pub passage: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub tokens: Vec<String>,
    pub concepts: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TokensReport {
    pub file: String,
    pub lang: Lang,
    pub passages: Vec<TokenPassage>,
}

pub fn run(ctx: &Ctx, args: TokensArgs) -> Result<()> {
    let (name, text) = read_input(ctx, &args.file)?;
    let lang = args.lang.unwrap_or_else(|| detect::language(&text));
    let params = ctx.params();
    let lexicon = ctx.lexicon()?;
    let analyzer = Analyzer::new(lang, params.analyzer);
    let passages = split_text(&text, &params.segment)
        .into_iter()
        .map(|p| {
            let f = features(&p.text, &analyzer, Some(&lexicon));
            TokenPassage {
                passage: p.index,
                start: p.start,
                end: p.end,
                text: p.text,
                tokens: f.words,
                concepts: f.extra,
            }
        })
        .collect();
    let report = TokensReport { file: name, lang, passages };
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        Format::Csv => stance::export::csv::rows(
            &["passage", "start", "end", "text", "tokens", "concepts"],
            report.passages.iter().map(|p| {
                vec![
                    p.passage.to_string(),
                    p.start.to_string(),
                    p.end.to_string(),
                    p.text.clone(),
                    p.tokens.join(" "),
                    p.concepts.join(" "),
                ]
            }),
        )?,
        Format::Table => {
            let rows: Vec<Vec<String>> = report
                .passages
                .iter()
                .map(|p| {
                    vec![
                        format!("{}\n{}–{}", p.passage, p.start, p.end),
                        p.text.clone(),
                        p.tokens.join(" "),
                        p.concepts.join(" "),
                    ]
                })
                .collect();
            format!(
                "{} ({}): {} passage(s)\n{}\n",
                report.file,
                lang.code(),
                report.passages.len(),
                table(&["# bytes", "normalised text", "tokens", "concepts"], &rows)
            )
        }
    })
}
