//! `stance ingest`: add texts to a workspace — text files with metadata flags, a manifest.csv,
//! or a corpus folder. The batch is validated in full before anything is written, then added in
//! one transaction: a bad file rejects the whole batch and leaves the workspace as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{emit, Ctx};
use stance::corpus::{self, sha256_hex, Document, NO_BLOC};
use stance::render::{self, Format};
use stance::store::Workspace;
use stance::text::detect;
use stance::text::lang::Lang;
use stance::{Error, Result};

/// Add texts to a workspace (same content twice is a no-op); score them with `stance update`
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance ingest --workspace ws/ new/*.txt --issuer \"EU\" --bloc western --date 2025-03-01
  stance ingest --workspace ws/ new/manifest.csv      # metadata per file, as for a corpus
  stance ingest --workspace ws/ new/                   # a folder: its manifest.csv, or every .txt
  stance ingest --workspace ws/ a.pdf b.html c.docx --issuer Brazil --date 2025-03-04
  stance ingest --workspace ws/ news.csv --text-col body --issuer-col source   # one text per row")]
pub struct IngestArgs {
    /// Documents (.txt, .html, .docx, .pdf), a manifest.csv, tables of texts (.csv, .tsv, .jsonl,
    /// .json; see --text-col), or folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Issuer of the text files (required for text files; a manifest has its own)
    #[arg(long, value_name = "NAME")]
    pub issuer: Option<String>,
    /// Bloc of the text files
    #[arg(long, value_name = "NAME")]
    pub bloc: Option<String>,
    /// Date of the text files (YYYY-MM-DD, YYYY-MM or YYYY)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Language of the text files (fr, en) [default: detected]
    #[arg(long, value_name = "LANG", value_parser = super::parse_lang)]
    pub lang: Option<Lang>,
    /// Document type of the text files (declaration, statement, …)
    #[arg(long, value_name = "TYPE")]
    pub doc_type: Option<String>,
    /// Title of the text files
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Source URL of the text files
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
}

impl IngestArgs {
    fn has_metadata(&self) -> bool {
        self.issuer.is_some() || self.bloc.is_some() || self.date.is_some() || self.lang.is_some()
    }

    /// A document from a text file named on the command line, with the flags' metadata.
    fn document(&self, ctx: &Ctx, path: &Path) -> Result<Document> {
        let issuer = self.issuer.clone().ok_or_else(|| {
            Error::usage(format!(
                "{}: give --issuer NAME for text files (or ingest a manifest.csv that names each file's issuer)",
                path.display()
            ))
        })?;
        let read = corpus::read::read_document(path)?;
        read.warnings.iter().for_each(|w| ctx.warn(w));
        let text = read.text;
        let lang = self.lang.unwrap_or_else(|| detect::language(&text));
        let id = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Document {
            id,
            issuer,
            bloc: self.bloc.clone().unwrap_or_else(|| NO_BLOC.to_string()),
            date: self.date.clone(),
            lang,
            doc_type: self.doc_type.clone(),
            title: self.title.clone().or(read.title),
            source_url: self.source_url.clone(),
            meta: BTreeMap::new(),
            hash: sha256_hex(text.as_bytes()),
            text,
        })
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a valid month and day.
/// Reads and validates every path into documents; fails on the first bad one.
fn collect(ctx: &Ctx, args: &IngestArgs) -> Result<Vec<Document>> {
    for (flag, value) in [("--issuer", &args.issuer), ("--bloc", &args.bloc)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(Error::usage(format!("{flag} is empty; give a name, or leave the flag out")));
        }
    }
    if let Some(d) = &args.date {
        if !corpus::is_iso_date(d) {
            return Err(Error::usage(format!(
                "--date '{d}' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY) with a day that exists"
            )));
        }
    }
    let mut docs = Vec::new();
    for path in &args.paths {
        let is_table = corpus::read::table::TableKind::of(path).is_some();
        if path.is_dir() || is_table {
            if args.has_metadata() {
                return Err(Error::usage(format!(
                    "{}: metadata flags (--issuer, --bloc, --date, --lang) apply to documents; a manifest or a table gives its own",
                    path.display()
                )));
            }
            let c = corpus::load_path(path, &ctx.global.columns.columns())?;
            c.warnings.iter().for_each(|w| ctx.warn(w));
            docs.extend(c.documents);
        } else {
            docs.push(args.document(ctx, path)?);
        }
    }
    Ok(docs)
}

/// At most five names, then how many more.
fn some(names: &[String]) -> String {
    match names.len() {
        0..=5 => names.join(", "),
        n => format!("{}, … ({} more)", names[..5].join(", "), n - 5),
    }
}

pub fn run(ctx: &Ctx, args: IngestArgs) -> Result<()> {
    let root = ctx.workspace_dir("ingest")?;
    let docs = collect(ctx, &args)?;
    let report = Workspace::open(&root)?.ingest(&docs)?;
    let ws = root.display();
    emit(&match ctx.global.format {
        Format::Json => render::json(&report),
        _ => {
            let mut out = if report.added.is_empty() {
                format!("Nothing ingested: the {} text(s) are already in {ws}.\n", report.already_present.len())
            } else {
                format!(
                    "Ingested {} document(s) ({:.1} kB) into {ws}: {}.\n",
                    report.added.len(),
                    report.bytes as f64 / 1e3,
                    some(&report.added)
                )
            };
            if !report.already_present.is_empty() {
                let same: Vec<String> = report
                    .already_present
                    .iter()
                    .map(|(new, old)| if new == old { new.clone() } else { format!("{new} (= {old})") })
                    .collect();
                out.push_str(&format!("Already present (same content), skipped: {}.\n", some(&same)));
            }
            if !report.added.is_empty() {
                out.push_str(&format!("Next: stance update --workspace {ws}\n"));
            }
            out
        }
    })
}
