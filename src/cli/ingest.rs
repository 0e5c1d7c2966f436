//! `stance ingest`: Add texts to a workspace. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Add texts to a workspace
#[derive(Debug, Args)]
pub struct IngestArgs {}

pub fn run(_ctx: &Ctx, _args: IngestArgs) -> Result<()> {
    Err(Error::usage("`stance ingest` is not available in this build yet"))
}
