//! The `stance` binary: the command line (`cli/`, the only place that knows clap) over the
//! `stance` library, which does the work.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
