//! `stance update`: Score new texts with the saved model and record a run. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Score new texts with the saved model and record a run
#[derive(Debug, Args)]
pub struct UpdateArgs {}

pub fn run(_ctx: &Ctx, _args: UpdateArgs) -> Result<()> {
    Err(Error::usage("`stance update` is not available in this build yet"))
}
