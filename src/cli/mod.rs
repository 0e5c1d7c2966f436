//! The command line: argument parsing (clap derive), one file per subcommand.
//!
//! Each subcommand parses its own arguments, asks the library for plain results and renders them
//! with `stance::render`. Data goes to stdout, progress and warnings to stderr.

mod agreement;
mod classify;
mod clusters;
mod compare;
mod completions;
mod diff;
mod doctor;
mod evaluate;
mod export;
mod fit;
mod history;
mod ingest;
mod init;
mod passages;
mod positions;
mod report;
mod similarity;
mod tokens;
mod topics;
mod update;
mod vectors;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, Parser, Subcommand};

use stance::compare::SimilarityParams;
use stance::corpus::{self, Corpus};
use stance::pipeline::{Analysis, Params};
use stance::render::Format;
use stance::topics::Lexicon;
use stance::{Error, Result};

const ABOUT: &str = "Compare the positions of issuers and blocs in cyber-diplomacy texts (French and English)";

const GUIDE: &str = "\
Quick start (the shipped corpus, built into the binary, is used when neither --corpus DIR nor
STANCE_CORPUS=DIR is given):
  stance compare russia-aligned western      where two blocs agree and differ, topic by topic
  stance agreement --topic binding_norms     who stands on the same side, issuer x issuer
  stance positions --topic budapest_convention   every issuer on the oppose ... support axis
  stance clusters --topic binding_norms      the positions on a topic and who holds each
  stance agreement --by bloc --ci            bloc x bloc over all topics, with 95% intervals
  stance similarity --topic binding_norms    who speaks alike (vocabulary similarity)
  stance topics                              topics, top terms, text clusters, passages per issuer
  stance passages --topic budapest_convention --issuer Russia
  stance classify statement.txt              topic and stance of a new text, nearest blocs
  stance report --out report.html            one self-contained HTML page

Every command takes --corpus DIR (manifest.csv + texts) or --workspace DIR,
--format table|json|csv, --seed N and --quiet. `stance <command> --help` has examples.";

#[derive(Debug, Parser)]
#[command(name = "stance", version, about = ABOUT, long_about = None, after_help = GUIDE)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Environment variable naming the corpus folder used when --corpus is not given.
pub const CORPUS_ENV: &str = "STANCE_CORPUS";

/// Options every subcommand understands.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Corpus: a folder (manifest.csv + documents: .txt, .html, .docx, .pdf), or a table of texts
    /// (.csv, .tsv, .jsonl, .json: one document per row, see --text-col)
    /// [default: $STANCE_CORPUS, else ./seeds if it has a manifest, else the shipped seeds/ built
    /// into the binary]
    #[arg(long, global = true, value_name = "DIR|FILE")]
    pub corpus: Option<PathBuf>,
    /// Workspace folder (SQLite + saved models), see `stance init`
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Output format (parquet: files of `stance export` only)
    #[arg(long = "format", global = true, value_parser = output_format(), default_value_t = OutputFormat::Stdout(Format::Table))]
    pub output: OutputFormat,
    /// What commands print in: `output`, but for parquet (which only `stance export` takes, for
    /// its files) — set by [`run`].
    #[arg(skip = Format::Table)]
    pub format: Format,
    /// Seed for every random step (SVD, k-means, bootstrap): same seed, same output
    #[arg(long, global = true, default_value_t = 0)]
    pub seed: u64,
    /// No progress or warnings on stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// CSV cells exactly as they are: no `'` before text cells starting with = + - @ (which a
    /// spreadsheet would run as formulas; see docs/security.md)
    #[arg(long, global = true)]
    pub raw_csv: bool,
    /// Tables whole: every column, full labels, nothing fitted to the terminal width (which is
    /// $COLUMNS, else the terminal's)
    #[arg(long, global = true)]
    pub wide: bool,
    /// Topic lexicon (TOML) [default: the built-in models/topics.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub columns: TableColumns,
}

/// The columns of a table of texts (`--corpus news.csv`, `stance ingest news.jsonl`).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Tables of texts (--corpus FILE.csv|.tsv|.jsonl|.json)")]
pub struct TableColumns {
    /// Column holding each row's text [default: text]
    #[arg(long, global = true, value_name = "NAME")]
    pub text_col: Option<String>,
    /// Column holding the issuer [default: issuer]
    #[arg(long, global = true, value_name = "NAME")]
    pub issuer_col: Option<String>,
    /// Column holding the bloc [default: bloc, if present]
    #[arg(long, global = true, value_name = "NAME")]
    pub bloc_col: Option<String>,
    /// Column holding the date (ISO; a timestamp is read as its day) [default: date, if present]
    #[arg(long, global = true, value_name = "NAME")]
    pub date_col: Option<String>,
    /// Column holding the language (fr, en) [default: lang, if present; else detected]
    #[arg(long, global = true, value_name = "NAME")]
    pub lang_col: Option<String>,
}

impl TableColumns {
    pub fn columns(&self) -> corpus::read::table::Columns {
        corpus::read::table::Columns {
            text: self.text_col.clone(),
            issuer: self.issuer_col.clone(),
            bloc: self.bloc_col.clone(),
            date: self.date_col.clone(),
            lang: self.lang_col.clone(),
        }
    }
}

/// The values of `--format`: a format of standard output (the library's [`Format`]), or Parquet
/// files, which only `stance export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Stdout(Format),
    Parquet,
}

const PARQUET: &str = "parquet";

impl std::fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputFormat::Stdout(format) => format.fmt(f),
            OutputFormat::Parquet => f.write_str(PARQUET),
        }
    }
}

/// The clap value parser of `--format`: [`Format`]'s values, then `parquet`.
fn output_format() -> impl clap::builder::TypedValueParser<Value = OutputFormat> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let parquet = PossibleValue::new(PARQUET).help("Parquet files (`stance export` only)");
    // Only the listed names get through: what is not a `Format` is `parquet`.
    PossibleValuesParser::new(possible_values::<Format>().chain([parquet]))
        .map(|s| s.parse::<Format>().map_or(OutputFormat::Parquet, OutputFormat::Stdout))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Similarity(similarity::SimilarityArgs),
    Agreement(agreement::AgreementArgs),
    Positions(positions::PositionsArgs),
    Clusters(clusters::ClustersArgs),
    Compare(compare::CompareArgs),
    Topics(topics::TopicsArgs),
    Passages(passages::PassagesArgs),
    Classify(classify::ClassifyArgs),
    Evaluate(evaluate::EvaluateArgs),
    Tokens(tokens::TokensArgs),
    Vectors(vectors::VectorsArgs),
    Fit(fit::FitArgs),
    Init(init::InitArgs),
    Ingest(ingest::IngestArgs),
    Update(update::UpdateArgs),
    Diff(diff::DiffArgs),
    Doctor(doctor::DoctorArgs),
    History(history::HistoryArgs),
    Report(report::ReportArgs),
    Export(export::ExportArgs),
    Completions(completions::CompletionsArgs),
}

/// What every subcommand gets: the global options and a way to report progress.
pub struct Ctx {
    pub global: Global,
}

impl Ctx {
    /// The corpus folder on disk: `--corpus`, else `$STANCE_CORPUS`, else `./seeds` when it has
    /// a manifest (a checkout, where seeds/ may be edited after the build); `None` means the
    /// corpus built into the binary, so an installed `stance` works from any folder.
    pub fn corpus_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = &self.global.corpus {
            return Some(dir.clone());
        }
        if let Some(dir) = std::env::var_os(CORPUS_ENV).filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        let local = Path::new("seeds");
        local.join("manifest.csv").is_file().then(|| local.to_path_buf())
    }

    /// The corpus of [`Ctx::corpus_dir`], or the built-in one (`corpus::builtin`).
    pub fn read_corpus(&self) -> Result<Corpus> {
        match self.corpus_dir() {
            Some(dir) => corpus::load_path(&dir, &self.global.columns.columns()),
            None => corpus::builtin(),
        }
    }

    pub fn lexicon(&self) -> Result<Lexicon> {
        match &self.global.lexicon {
            Some(path) => Lexicon::from_path(path),
            None => Ok(Lexicon::builtin()),
        }
    }

    pub fn load_corpus(&self) -> Result<Corpus> {
        let corpus = match &self.global.workspace {
            Some(ws) => {
                if self.global.corpus.is_some() {
                    self.warn("--corpus is ignored: with --workspace, commands read the workspace's documents");
                }
                stance::store::Workspace::open_read_only(ws)?.corpus()?
            }
            None => self.read_corpus()?,
        };
        for w in &corpus.warnings {
            self.warn(w);
        }
        Ok(corpus)
    }

    /// Default pipeline parameters with the global seed.
    pub fn params(&self) -> Params {
        Params::default().with_seed(self.global.seed)
    }

    /// Loads the corpus and fits the pipeline on it.
    pub fn analysis(&self) -> Result<Analysis> {
        self.analysis_with(self.params())
    }

    pub fn analysis_with(&self, params: Params) -> Result<Analysis> {
        let corpus = self.load_corpus()?;
        self.run_pipeline(corpus, self.lexicon()?, params)
    }

    /// Fits the pipeline with a spinner on stderr naming the current stage.
    pub fn run_pipeline(&self, corpus: Corpus, lexicon: Lexicon, params: Params) -> Result<Analysis> {
        self.with_progress(|progress| Analysis::run(corpus, lexicon, &params, progress))
    }

    /// Runs `f` with a spinner on stderr naming its current step (only on a terminal, not --quiet).
    pub fn with_progress<T>(&self, f: impl FnOnce(&dyn Fn(&str)) -> T) -> T {
        let bar = self.progress_enabled().then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        let out = f(&|step: &str| {
            if let Some(b) = &bar {
                b.set_message(step.to_string());
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        out
    }

    /// Bootstrap settings with `draws` draws and the run's seed.
    pub fn bootstrap(&self, draws: usize) -> SimilarityParams {
        SimilarityParams { draws, seed: self.global.seed, ..Default::default() }
    }

    /// The `--workspace` folder, required by the workspace commands (`command` names the one
    /// asking, for the error).
    pub fn workspace_dir(&self, command: &str) -> Result<PathBuf> {
        self.global.workspace.clone().ok_or_else(|| {
            Error::usage(format!(
                "`stance {command}` needs --workspace DIR (create one with `stance init --workspace DIR`)"
            ))
        })
    }

    /// Progress is shown only on an interactive stderr and without --quiet.
    pub fn progress_enabled(&self) -> bool {
        !self.global.quiet && std::io::stderr().is_terminal()
    }

    pub fn warn(&self, msg: &str) {
        if !self.global.quiet {
            eprintln!("stance: warning: {}", stance::render::printable(&msg.replace(['\n', '\r'], " ")));
        }
    }

    /// Warns when most of the corpus is out of the domain (a general speech archive): the
    /// comparisons then rest on few passages.
    pub fn warn_domain(&self, share: &stance::pipeline::DomainShare) {
        if let Some(w) = share.warning() {
            self.warn(&w);
        }
    }
}

/// A clap value parser for a library enum (which knows nothing of clap): its values are strum's
/// names, each with its doc comment as help, so `--help` and errors read as with clap's
/// `ValueEnum`.
pub fn choice<T>() -> impl clap::builder::TypedValueParser<Value = T>
where
    T: strum::VariantArray + strum::EnumMessage + Into<&'static str> + std::str::FromStr + Copy,
    T: Send + Sync + 'static,
{
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    // Only the listed names get through the first parser, and each parses.
    PossibleValuesParser::new(possible_values::<T>())
        .try_map(|s| s.parse::<T>().map_err(|_| format!("'{s}' is not a known value")))
}

/// A library enum's values for clap: strum's names, each with its doc comment as help.
fn possible_values<T>() -> impl Iterator<Item = clap::builder::PossibleValue>
where
    T: strum::VariantArray + strum::EnumMessage + Into<&'static str> + Copy,
{
    T::VARIANTS.iter().map(|&v| {
        let value = clap::builder::PossibleValue::new(v.into());
        match v.get_documentation() {
            Some(help) => value.help(help),
            None => value,
        }
    })
}

/// Parses `--lang` values (the codes the manifest accepts), for clap's `value_parser`.
pub fn parse_lang(s: &str) -> std::result::Result<stance::text::lang::Lang, String> {
    stance::text::lang::Lang::parse(s).ok_or_else(|| format!("'{s}' is not supported; use fr or en"))
}

/// Writes `s` to stdout; a closed pipe (`stance … | head`) is not an error. On a terminal,
/// control characters are removed first (`render::printable`).
pub fn emit(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let s = if out.is_terminal() { stance::render::printable(s) } else { std::borrow::Cow::Borrowed(s) };
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::data(format!("cannot write to stdout: {e}"))),
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    stance::sanitize::set_raw_csv(cli.global.raw_csv);
    stance::render::table::set_wide(cli.global.wide);
    let mut global = cli.global;
    global.format = match global.output {
        OutputFormat::Stdout(format) => format,
        OutputFormat::Parquet if matches!(cli.command, Some(Command::Export(_))) => Format::Csv,
        OutputFormat::Parquet => {
            return Err(Error::usage(
                "--format parquet writes files, so only `stance export --out DIR --format parquet` takes it; \
                 use --format json or csv here",
            ))
        }
    };
    let ctx = Ctx { global };
    match cli.command {
        None => {
            let mut cmd = Cli::command();
            emit(&format!("{}\n\n{}\n\n{}\n", cmd.render_version().trim(), ABOUT, GUIDE))?;
            emit(&format!("Commands:\n{}\n", command_list(&mut cmd)))
        }
        Some(Command::Similarity(a)) => similarity::run(&ctx, a),
        Some(Command::Agreement(a)) => agreement::run(&ctx, a),
        Some(Command::Positions(a)) => positions::run(&ctx, a),
        Some(Command::Clusters(a)) => clusters::run(&ctx, a),
        Some(Command::Compare(a)) => compare::run(&ctx, a),
        Some(Command::Topics(a)) => topics::run(&ctx, a),
        Some(Command::Passages(a)) => passages::run(&ctx, a),
        Some(Command::Classify(a)) => classify::run(&ctx, a),
        Some(Command::Evaluate(a)) => evaluate::run(&ctx, a),
        Some(Command::Tokens(a)) => tokens::run(&ctx, a),
        Some(Command::Vectors(a)) => vectors::run(&ctx, a),
        Some(Command::Fit(a)) => fit::run(&ctx, a),
        Some(Command::Init(a)) => init::run(&ctx, a),
        Some(Command::Ingest(a)) => ingest::run(&ctx, a),
        Some(Command::Update(a)) => update::run(&ctx, a),
        Some(Command::Diff(a)) => diff::run(&ctx, a),
        Some(Command::Doctor(a)) => doctor::run(&ctx, a),
        Some(Command::History(a)) => history::run(&ctx, a),
        Some(Command::Report(a)) => report::run(&ctx, a),
        Some(Command::Export(a)) => export::run(&ctx, a),
        Some(Command::Completions(a)) => completions::run(&ctx, a),
    }
}

fn command_list(cmd: &mut clap::Command) -> String {
    cmd.get_subcommands()
        .map(|c| format!("  {:<12} {}", c.get_name(), c.get_about().map(|a| a.to_string()).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Entry point of the binary: parse, run, map errors to exit codes (2 usage, 1 data).
pub fn main() -> i32 {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            // One line, nothing a terminal would act on, whatever the data in the message.
            let line = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("stance: error: {}", stance::render::printable(&line));
            e.exit_code()
        }
    }
}

/// Reads a text named on the command line: a file in any format `corpus::read` knows, or
/// standard input for `-`. Returns its display name and its extracted text (line ends made LF,
/// not empty), with the same size cap and normalisation for both (`corpus::read_bytes`,
/// `corpus::read::extract`); the readers' warnings (an encoding guessed) go to stderr.
pub fn read_input(ctx: &Ctx, path: &Path) -> Result<(String, String)> {
    if path.as_os_str() == "-" {
        let cap = corpus::max_file_bytes()?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(std::io::stdin(), cap + 1), &mut bytes)
            .map_err(|e| Error::data(format!("<stdin>: cannot read: {e}")))?;
        if bytes.len() as u64 > cap {
            return Err(Error::data(format!(
                "<stdin>: more than {} MB; split the text, or raise the limit with {}=N",
                cap >> 20,
                corpus::MAX_FILE_ENV
            )));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::data("<stdin>: no text on standard input; pipe a text or give a FILE"));
        }
        let read = corpus::read::extract("<stdin>", bytes)?;
        read.warnings.iter().for_each(|w| ctx.warn(w));
        return Ok(("<stdin>".to_string(), read.text));
    }
    if path.is_dir() {
        return Err(Error::usage(format!("{}: is a directory; give a text file or - for stdin", path.display())));
    }
    let read = corpus::read::read_document(path)?;
    read.warnings.iter().for_each(|w| ctx.warn(w));
    Ok((path.display().to_string(), read.text))
}

/// Opens a saved model: `PATH` or `PATH/model.bin` (what `stance fit --out PATH` writes).
pub(crate) fn open_model(path: &std::path::Path) -> Result<stance::model::ModelFile> {
    if path.is_dir() {
        stance::model::ModelFile::open(&path.join("model.bin"))
    } else {
        stance::model::ModelFile::open(path)
    }
}
