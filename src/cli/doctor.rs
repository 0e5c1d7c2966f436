//! `stance doctor`: check a workspace in full (read-only) — database integrity, model
//! checksums, leftovers of an interrupted `init`. Exit code 1 when anything is wrong.

use clap::Args;

use super::{emit, Ctx};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::store::Workspace;
use stance::{Error, Result};

/// Check a workspace: SQLite integrity_check, every model's checksum, interrupted inits
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance doctor --workspace ws/
  stance doctor --workspace ws/ --format json

Nothing is changed. Exit code 0 when every check passes, 1 otherwise (the problems are listed).")]
pub struct DoctorArgs {}

pub fn run(ctx: &Ctx, _args: DoctorArgs) -> Result<()> {
    let root = ctx.workspace_dir("doctor")?;
    let mut ws = Workspace::open_read_only(&root)?;
    let c = ws.doctor()?;
    emit(&match ctx.global.format {
        Format::Json => render::json(&c),
        _ => {
            let mut rows =
                vec![vec!["database".to_string(), ws.db_path().display().to_string(), c.integrity.join("; ")]];
            for m in &c.models {
                let state = m.problem.clone().unwrap_or_else(|| "ok (checksum matches)".to_string());
                rows.push(vec![format!("model v{}", m.version), m.file.clone(), state]);
            }
            for l in &c.leftovers {
                rows.push(vec!["leftover".to_string(), l.clone(), "from an interrupted init; remove it".to_string()]);
            }
            format!("{}\n", table(&["check", "file", "result"], &rows))
        }
    })?;
    if c.ok {
        Ok(())
    } else {
        Err(Error::data(format!(
            "{}: the workspace has problems (listed above); restore damaged files from a backup, or refit with `stance fit --workspace`",
            root.display()
        )))
    }
}
