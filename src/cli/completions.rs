//! `stance completions`: Shell completion script. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Shell completion script
#[derive(Debug, Args)]
pub struct CompletionsArgs {}

pub fn run(_ctx: &Ctx, _args: CompletionsArgs) -> Result<()> {
    Err(Error::usage("`stance completions` is not available in this build yet"))
}
