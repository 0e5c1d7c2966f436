//! `stance classify`: Topic and stance of each passage of a new text. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Topic and stance of each passage of a new text
#[derive(Debug, Args)]
pub struct ClassifyArgs {}

pub fn run(_ctx: &Ctx, _args: ClassifyArgs) -> Result<()> {
    Err(Error::usage("`stance classify` is not available in this build yet"))
}
