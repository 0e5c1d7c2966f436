//! `stance init`: Create a workspace from a corpus. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Create a workspace from a corpus
#[derive(Debug, Args)]
pub struct InitArgs {}

pub fn run(_ctx: &Ctx, _args: InitArgs) -> Result<()> {
    Err(Error::usage("`stance init` is not available in this build yet"))
}
