//! `stance diff`: What moved between two runs. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// What moved between two runs
#[derive(Debug, Args)]
pub struct DiffArgs {}

pub fn run(_ctx: &Ctx, _args: DiffArgs) -> Result<()> {
    Err(Error::usage("`stance diff` is not available in this build yet"))
}
