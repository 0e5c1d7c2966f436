//! `stance completions SHELL`: the shell completion script, generated from the clap definition
//! so it always matches the commands and options of this build.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{emit, Cli, Ctx};
use stance::Result;

/// Print a shell completion script (bash, zsh, fish, elvish, powershell)
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance completions bash > ~/.local/share/bash-completion/completions/stance
  stance completions zsh > ~/.zfunc/_stance        # with fpath+=~/.zfunc before compinit
  stance completions fish > ~/.config/fish/completions/stance.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(_ctx: &Ctx, args: CompletionsArgs) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "stance", &mut out);
    emit(&String::from_utf8_lossy(&out))
}
