//! `stance history`: Runs recorded in a workspace. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Runs recorded in a workspace
#[derive(Debug, Args)]
pub struct HistoryArgs {}

pub fn run(_ctx: &Ctx, _args: HistoryArgs) -> Result<()> {
    Err(Error::usage("`stance history` is not available in this build yet"))
}
