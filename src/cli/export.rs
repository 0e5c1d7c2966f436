//! `stance export`: Export passages, topics, similarities and stances for notebooks. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Export passages, topics, similarities and stances for notebooks
#[derive(Debug, Args)]
pub struct ExportArgs {}

pub fn run(_ctx: &Ctx, _args: ExportArgs) -> Result<()> {
    Err(Error::usage("`stance export` is not available in this build yet"))
}
