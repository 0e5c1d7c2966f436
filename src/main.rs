//! The `stance` binary: everything lives in the library; see `stance::cli`.

fn main() {
    std::process::exit(stance::cli::main());
}
