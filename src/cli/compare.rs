//! `stance compare`: Compare two blocs or issuers topic by topic. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Compare two blocs or issuers topic by topic
#[derive(Debug, Args)]
pub struct CompareArgs {}

pub fn run(_ctx: &Ctx, _args: CompareArgs) -> Result<()> {
    Err(Error::usage("`stance compare` is not available in this build yet"))
}
