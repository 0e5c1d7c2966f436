//! `stance report`: Write a self-contained HTML report. (Placeholder: being written.)

use clap::Args;

use super::Ctx;
use crate::{Error, Result};

/// Write a self-contained HTML report
#[derive(Debug, Args)]
pub struct ReportArgs {}

pub fn run(_ctx: &Ctx, _args: ReportArgs) -> Result<()> {
    Err(Error::usage("`stance report` is not available in this build yet"))
}
