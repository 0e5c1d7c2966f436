//! `stance evaluate`: Score topic and stance assignment against a gold file. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Score topic and stance assignment against a gold file
#[derive(Debug, Args)]
pub struct EvaluateArgs {}

pub fn run(_ctx: &Ctx, _args: EvaluateArgs) -> Result<()> {
    Err(Error::usage("`stance evaluate` is not available in this build yet"))
}
