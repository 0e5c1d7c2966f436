//! The workspace: a folder holding `stance.db` (one SQLite file) and `models/<id>.bin`, so that
//! periodic re-runs keep every text, score new ones with a frozen model and say what moved.
//!
//! ```text
//! documents   every text ever ingested (content hash unique), metadata, text (zlib)
//! models      each fitted model: params, lexicon version, corpus hash, file, centroids; `update`
//!             reads from the model file only the terms of the new passages (`ModelFile::slice`)
//! passages    per model and document: offsets, topic, stance, cluster and reduced vector
//! runs        each scoring run: time, model, corpus hash, documents covered, summary JSON
//! results     per run: sums of passage vectors per issuer / bloc (overall and per topic),
//!             stance counts per issuer and topic, passages per issuer and cluster
//! ```
//!
//! Why sums: a group's position is the unit mean of its passages' vectors, so a run's matrices
//! are cosines of stored sums and `update` only adds the new documents' vectors to the previous
//! run's sums — it never re-reads the corpus. Documents get increasing ids and are never
//! removed, so a run covers exactly the documents with `id <= max_doc`, and the documents
//! added between two runs are an id range.
//!
//! Safety: every write is one `BEGIN IMMEDIATE` transaction (a killed process leaves the last
//! committed state; WAL journal); a second writer waits `busy_timeout` then fails with a one-line
//! message; `init` builds the workspace in a temporary folder under an exclusive lock and renames
//! it into place ([`Workspace::create`]), never deleting what it did not create; model
//! files are written to a temporary file and renamed ([`crate::model::Model::save`]).

mod diff;
mod doctor;
mod documents;
mod models;
mod runs;
mod schema;
mod score;
mod state;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use crate::{Error, Result};

pub use crate::compare::drift::{
    CellChange, DiffParams, Entered, EvidencePassage, GroupSum, Level, NewGroup, PassageFacts, RunState, StanceChange,
};
pub use diff::Diff;
pub use doctor::{Checkup, ModelCheck};
pub use documents::IngestReport;
pub use models::ModelInfo;
pub use runs::{Run, RunSummary};
pub use schema::SCHEMA_VERSION;
pub use score::{FitReport, UpdateReport, MIN_KNOWN, STALE_SHARE};

/// File name of the database inside a workspace folder.
pub const DB_FILE: &str = "stance.db";
/// Folder of the saved model files inside a workspace folder.
pub const MODELS_DIR: &str = "models";
/// How long a writer waits for another one to finish (override: `STANCE_BUSY_TIMEOUT_MS`).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open workspace.
pub struct Workspace {
    paths: Paths,
    conn: Connection,
    /// `PRAGMA quick_check` passed on this connection (run once, before the first write).
    checked: bool,
}

/// Where a workspace lives; handed to the code running inside a transaction.
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    pub db: PathBuf,
}

impl Paths {
    /// A database error on this workspace, as a one-line message.
    pub fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.db, e)
    }
}

impl Workspace {
    /// Opens the workspace in `root` for writing, upgrading an older schema; refuses a newer
    /// one, and a `stance.db` that is empty or not SQLite (never taken for a new workspace).
    pub fn open(root: &Path) -> Result<Workspace> {
        let db = check_db_file(root)?;
        let mut ws = Workspace { conn: connect(&db)?, paths: Paths { root: root.to_path_buf(), db }, checked: false };
        ws.conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| ws.paths.err(e))?;
        schema::migrate(&mut ws.conn, &ws.paths.db)?;
        Ok(ws)
    }

    /// Opens the workspace in `root` for reading only (`SQLITE_OPEN_READ_ONLY`): what `history`,
    /// `diff`, `doctor` and the analysis commands use, so they work on a workspace you may not
    /// write. When the folder or the database has no write permission the database is opened
    /// `immutable` (SQLite then creates no `-shm`/`-wal` file), unless a journal left by an
    /// interrupted writer still holds changes, which only a writer can fold in.
    pub fn open_read_only(root: &Path) -> Result<Workspace> {
        let db = check_db_file(root)?;
        let paths = Paths { root: root.to_path_buf(), db: db.clone() };
        let read_only = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().readonly()).unwrap_or(false);
        let immutable = read_only(root) || read_only(&db);
        let wal = root.join(format!("{DB_FILE}-wal"));
        if immutable && std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(Error::data(format!(
                "{}: the workspace is read-only but its journal {DB_FILE}-wal holds changes of an interrupted run; run any stance command on it once with write access",
                root.display()
            )));
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
        let conn = if immutable {
            let uri = format!("file:{}?immutable=1", uri_path(&db));
            Connection::open_with_flags(uri, flags).map_err(|e| db_error(&db, e))?
        } else {
            Connection::open_with_flags(&db, flags).map_err(|e| db_error(&db, e))?
        };
        configure(&conn, &db)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| db_error(&db, e))?;
        if version != SCHEMA_VERSION {
            if immutable || version > SCHEMA_VERSION {
                schema::check_readable(version, &db)?;
            }
            drop(conn);
            drop(Workspace::open(root)?); // upgrades the schema, then read as usual
            return Workspace::open_read_only(root);
        }
        Ok(Workspace { conn, paths, checked: true })
    }

    /// Creates a workspace in `root` and fills it with `build`, all or nothing, never touching
    /// what this run did not create (docs/security.md):
    ///
    /// 1. an exclusive lock file beside `root` (`.NAME.stance-init.lock`, created with
    ///    `create_new`) keeps concurrent inits apart; a lock left by a killed run (its process is
    ///    gone) is taken over and that run's temporary folder removed;
    /// 2. the database and `models/` are built in a temporary folder of this run beside `root`;
    /// 3. on success the folder is renamed to `root` (absent or empty), or — when `root` holds
    ///    other files — `models/` then `stance.db` are renamed into it; on failure only the
    ///    temporary folder (and what step 3 moved) is removed.
    pub fn create<T>(root: &Path, build: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| {
            Error::usage(format!("{}: give the workspace a folder name, such as ws/", root.display()))
        })?;
        let parent = root.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let prefix = format!(".{name}.stance-init.");
        let lock = InitLock::acquire(parent, &prefix, root)?;
        let taken = |what: &str| {
            Error::usage(format!(
                "{}: already {what}; add texts with `stance ingest --workspace {} FILE…`",
                root.display(),
                root.display()
            ))
        };
        if root.exists() && !root.is_dir() {
            return Err(Error::usage(format!(
                "{}: exists and is not a folder; choose another --workspace",
                root.display()
            )));
        }
        if root.join(DB_FILE).exists() {
            return Err(taken("a workspace"));
        }
        if root.join(MODELS_DIR).exists() {
            return Err(taken(&format!(
                "has a {MODELS_DIR}/ folder (not made by stance init); move it away or choose another folder"
            )));
        }
        let tmp = tempfile::Builder::new().prefix(&prefix).tempdir_in(parent).map_err(|e| Error::io(parent, e))?;
        lock.record(tmp.path())?;
        let out = Self::build_into(tmp.path(), build)?;
        Self::move_into_place(tmp, root)?;
        drop(lock);
        Ok(out)
    }

    /// Builds a whole workspace in the (empty) folder `dir`.
    fn build_into<T>(dir: &Path, build: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        #[cfg(unix)]
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .map_err(|e| Error::io(dir, e))?; // not the temp folder's 0700
        std::fs::create_dir(dir.join(MODELS_DIR)).map_err(|e| Error::io(dir, e))?;
        let db = dir.join(DB_FILE);
        let paths = Paths { root: dir.to_path_buf(), db: db.clone() };
        let mut ws = Workspace { conn: connect(&db)?, paths, checked: true };
        schema::migrate(&mut ws.conn, &db)?;
        let out = build(&mut ws)?;
        ws.conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| ws.paths.err(e))?;
        ws.conn.close().map_err(|(_, e)| db_error(&db, e))?;
        Ok(out)
    }

    /// Step 3 of [`Workspace::create`]: `stance.db` appears last, so `root` is a workspace only
    /// once everything is in place.
    fn move_into_place(tmp: tempfile::TempDir, root: &Path) -> Result<()> {
        if std::fs::rename(tmp.path(), root).is_ok() {
            let _ = tmp.keep(); // renamed: nothing left to remove
            return Ok(());
        }
        if !root.is_dir() {
            return Err(Error::usage(format!(
                "{}: exists and is not a folder; choose another --workspace",
                root.display()
            )));
        }
        let models = root.join(MODELS_DIR);
        std::fs::rename(tmp.path().join(MODELS_DIR), &models).map_err(|e| Error::io(&models, e))?;
        let db = root.join(DB_FILE);
        if let Err(e) = std::fs::rename(tmp.path().join(DB_FILE), &db) {
            let _ = std::fs::remove_dir_all(&models); // moved there by this run a moment ago
            return Err(Error::io(&db, e));
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.paths.root
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed if `f` succeeds, rolled back
    /// (nothing written) otherwise. A second writer waits here, then fails cleanly.
    /// The database is checked first (`PRAGMA quick_check`, once per connection): a damaged
    /// workspace is never written to.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction, &Paths) -> Result<T>) -> Result<T> {
        if !self.checked {
            quick_check(&self.conn, &self.paths)?;
            self.checked = true;
        }
        let paths = &self.paths;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| paths.err(e))?;
        let out = f(&tx, paths)?;
        tx.commit().map_err(|e| paths.err(e))?;
        Ok(out)
    }

    /// A consistent read-only snapshot, even while another process writes.
    pub fn read<T>(&mut self, f: impl FnOnce(&Transaction, &Paths) -> Result<T>) -> Result<T> {
        let paths = &self.paths;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(|e| paths.err(e))?;
        f(&tx, paths)
    }
}

/// The exclusive lock of one `stance init` (see [`Workspace::create`]): a file created with
/// `create_new`, holding the process id and the temporary folder of the run; removed on drop.
struct InitLock {
    path: PathBuf,
}

impl InitLock {
    fn acquire(parent: &Path, prefix: &str, root: &Path) -> Result<InitLock> {
        let path = parent.join(format!("{prefix}lock"));
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    use std::io::Write;
                    writeln!(f, "{}", std::process::id()).map_err(|e| Error::io(&path, e))?;
                    return Ok(InitLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if !Self::clear_stale(&path, parent, prefix) {
                        break;
                    }
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::usage(format!(
            "{}: another `stance init` is creating this workspace (lock {}); wait for it to finish, or remove the lock if no stance is running",
            root.display(),
            path.display()
        )))
    }

    /// Removes a lock whose process is gone, and the temporary folder that run named in it.
    /// False when the lock is live (or unreadable: it may be being written).
    fn clear_stale(path: &Path, parent: &Path, prefix: &str) -> bool {
        let Ok(text) = std::fs::read_to_string(path) else { return false };
        let mut lines = text.lines();
        let Some(pid) = lines.next().and_then(|l| l.trim().parse::<u32>().ok()) else { return false };
        if Path::new(&format!("/proc/{pid}")).exists() || !Path::new("/proc/self").exists() {
            return false;
        }
        if let Some(tmp) = lines.next().filter(|t| t.starts_with(prefix) && !t.contains('/')) {
            let _ = std::fs::remove_dir_all(parent.join(tmp));
        }
        std::fs::remove_file(path).is_ok()
    }

    /// Notes the run's temporary folder in the lock, so a later run can remove it if this one
    /// is killed.
    fn record(&self, tmp: &Path) -> Result<()> {
        let name = tmp.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        std::fs::write(&self.path, format!("{}\n{name}\n", std::process::id())).map_err(|e| Error::io(&self.path, e))
    }
}

impl Drop for InitLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `root/stance.db` if it is a SQLite database: a missing, empty (0-byte) or foreign file is an
/// error, never opened (SQLite would take an empty file for a new, empty database).
fn check_db_file(root: &Path) -> Result<PathBuf> {
    let db = root.join(DB_FILE);
    let meta = match std::fs::metadata(&db) {
        Ok(m) if m.is_file() => m,
        _ => {
            return Err(Error::usage(format!(
                "{}: not a workspace (no {DB_FILE}); create one with `stance init --workspace {} --corpus DIR`",
                root.display(),
                root.display()
            )))
        }
    };
    let restore = "restore it from a backup, or create a new workspace in another folder with `stance init`";
    if meta.len() == 0 {
        return Err(Error::data(format!("{}: the workspace database is empty (0 bytes); {restore}", db.display())));
    }
    let mut magic = [0u8; 16];
    let read = std::fs::File::open(&db).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic));
    if read.is_err() || &magic != b"SQLite format 3\0" {
        return Err(Error::data(format!("{}: not a SQLite database (damaged or replaced); {restore}", db.display())));
    }
    Ok(db)
}

/// `PRAGMA quick_check`: a damaged database is a one-line error that says what to do.
fn quick_check(conn: &Connection, at: &Paths) -> Result<()> {
    let damaged = |what: String| {
        Error::data(format!(
            "{}: the workspace database is damaged ({what}); nothing was written — see `stance doctor --workspace {}` and restore {DB_FILE} from a backup",
            at.db.display(),
            at.root.display()
        ))
    };
    let first: String =
        conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(|e| damaged(e.to_string()))?;
    if first != "ok" {
        return Err(damaged(first));
    }
    Ok(())
}

/// A path for a `file:` URI: `?`, `#` and `%` escaped.
fn uri_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
}

/// Opens the SQLite file with the settings every connection needs.
fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| db_error(path, e))?;
    configure(&conn, path)?;
    Ok(conn)
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let timeout = std::env::var("STANCE_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(BUSY_TIMEOUT);
    conn.busy_timeout(timeout).map_err(|e| db_error(path, e))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| db_error(path, e))?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| db_error(path, e))?;
    Ok(())
}

/// A database failure as a one-line message naming the file and what to do.
pub(crate) fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::data(format!(
            "{}: the workspace is busy (another stance command is writing to it); try again when it has finished",
            path.display()
        )),
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => Error::data(format!(
            "{}: not a stance workspace database, or a damaged one; see `stance doctor` and restore it from a backup",
            path.display()
        )),
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            Error::data(format!("{}: cannot write the workspace ({e}); check the folder's permissions", path.display()))
        }
        _ => Error::data(format!("{}: workspace database error: {e}", path.display())),
    }
}

/// Current UTC time as ISO 8601 (`2025-03-01T12:00:00Z`), for `added`, `created` columns.
pub fn now_utc() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_timestamps_to_the_second() {
        assert!(now_utc().ends_with('Z') && now_utc().len() == 20);
    }

    #[test]
    fn missing_workspace_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = Workspace::open(dir.path()).err().unwrap();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("stance init"), "{e}");
    }
}
