//! Atomic file writes: the bytes go to a temporary file in the target's folder, which is then
//! renamed over the target. Readers never see half a file, and an interrupted or failed run leaves
//! the previous file as it was.
//!
//! Output paths (docs/security.md): a write replaces only a regular file (or creates one); a
//! symbolic link to a regular file is followed, so the link stays a link; a device, FIFO or
//! socket — or a link to one — is refused, never replaced. `-` and `/dev/stdout` name standard
//! output where a command can write there ([`output_file`]).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Where a `--out FILE` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `-` or `/dev/stdout`.
    Stdout,
    /// A regular file (to create or replace), symbolic links resolved.
    File(PathBuf),
}

/// Is `path` standard output (`-`, `/dev/stdout`)?
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-" || path == Path::new("/dev/stdout")
}

/// Checks a `--out FILE` before any work is done: standard output, or a file that
/// [`writable_file`] accepts in a folder that exists.
pub fn output_file(path: &Path) -> Result<Target> {
    if is_stdout(path) {
        return Ok(Target::Stdout);
    }
    let file = writable_file(path)?;
    let dir = parent(&file);
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "{}: folder not found; create it first or choose another --out",
            dir.display()
        )));
    }
    Ok(Target::File(file))
}

fn not_regular(path: &Path) -> Error {
    Error::usage(format!(
        "{}: not a regular file or folder (a device, FIFO or socket, or a link to one); stance never replaces it — choose another path",
        path.display()
    ))
}

/// The regular file that writing `path` replaces: `path` itself when it is absent or a regular
/// file, the file a symbolic link resolves to (the link stays); a folder, a device, a FIFO, a
/// socket, a link to one or a dangling link is refused.
pub fn writable_file(path: &Path) -> Result<PathBuf> {
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(Error::io(path, e)),
        Ok(m) => m,
    };
    let (real, kind) = if meta.file_type().is_symlink() {
        let real = path.canonicalize().map_err(|_| {
            Error::usage(format!("{}: a symbolic link to nothing; remove it or choose another path", path.display()))
        })?;
        let kind = std::fs::metadata(&real).map_err(|e| Error::io(&real, e))?.file_type();
        (real, kind)
    } else {
        (path.to_path_buf(), meta.file_type())
    };
    if kind.is_file() {
        Ok(real)
    } else if kind.is_dir() {
        Err(Error::usage(format!("{}: is a directory; give a file name such as out.html", path.display())))
    } else {
        Err(not_regular(path))
    }
}

/// Checks a `--out DIR`: absent (it will be created) or a folder, links resolved; standard
/// output, a file or anything else is refused.
pub fn writable_dir(path: &Path) -> Result<PathBuf> {
    if is_stdout(path) {
        return Err(Error::usage(format!(
            "--out {}: this command writes several files; give a folder",
            path.display()
        )));
    }
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(Error::usage(format!(
                    "{}: a symbolic link to nothing; remove it or choose another path",
                    path.display()
                )));
            }
            Ok(path.to_path_buf())
        }
        Err(e) => Err(Error::io(path, e)),
        Ok(m) if m.is_dir() => path.canonicalize().map_err(|e| Error::io(path, e)),
        Ok(m) if m.is_file() => {
            Err(Error::usage(format!("{}: is a file; give --out a folder such as out/", path.display())))
        }
        Ok(_) => Err(not_regular(path)),
    }
}

fn parent(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes `path` atomically with `write`, which gets a buffered writer. The file is readable by
/// all (0644), like a file written directly. Only a regular file is replaced ([`writable_file`]).
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let path = &writable_file(path)?;
    let dir = parent(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        write(&mut w)?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644)).map_err(|e| Error::io(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Writes a set of files as one unit (docs/security.md, "Exports as one unit"): `fill` writes
/// them into a new temporary folder beside `target` (`.NAME.stance-tmp.XXXXXX`), which then
/// takes `target`'s place in one step — an atomic exchange (`renameat2(RENAME_EXCHANGE)`) when
/// `target` exists, a rename when it does not. A reader (or a crash) sees the whole old set or
/// the whole new one, never a mix. Files of `target` not named in `known` (an earlier set) are
/// the user's: they are hard-linked into the new folder first, so they stay in `target` through
/// the swap and are never removed; a sub-folder or special file there is refused before any work.
pub fn write_dir_atomic<T>(target: &Path, known: &[&str], fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = parent(target);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.stance-tmp."))
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    let out = fill(tmp.path())?;
    if !target.exists() {
        std::fs::rename(tmp.path(), target).map_err(|e| Error::io(target, e))?;
        let _ = tmp.keep();
        return Ok(out);
    }
    let theirs = other_files(target, known)?;
    for f in &theirs {
        let new = tmp.path().join(f);
        if new.exists() {
            return Err(Error::usage(format!(
                "{}: this export writes a file of that name; move your file away first",
                target.join(f).display()
            )));
        }
        std::fs::hard_link(target.join(f), &new).map_err(|e| Error::io(&target.join(f), e))?;
    }
    let old = if exchange(tmp.path(), target) {
        tmp.keep() // the old set, now in the temporary folder
    } else {
        // No atomic exchange on this file system: move the old set aside, then the new one in.
        let old = tmp.path().with_extension("old");
        std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
        if let Err(e) = std::fs::rename(tmp.path(), target) {
            let _ = std::fs::rename(&old, target);
            return Err(Error::io(target, e));
        }
        let _ = tmp.keep();
        old
    };
    for f in known {
        let _ = std::fs::remove_file(old.join(f));
    }
    for f in &theirs {
        if same_file(&old.join(f), &target.join(f)) {
            let _ = std::fs::remove_file(old.join(f)); // the other link of a file now in `target`
        }
    }
    let _ = std::fs::remove_dir(&old);
    Ok(out)
}

/// The entries of `dir` not named in `known`, which must be regular files (or links): a
/// sub-folder or a special file is refused.
pub fn other_files(dir: &Path, known: &[&str]) -> Result<Vec<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if known.contains(&name.as_str()) {
            continue;
        }
        let kind = e.file_type().map_err(|err| Error::io(&e.path(), err))?;
        if !(kind.is_file() || kind.is_symlink()) {
            return Err(Error::usage(format!(
                "{}: the folder is replaced as a whole and keeps only plain files; move this one away or give --out a new folder",
                e.path().display()
            )));
        }
        out.push(name);
    }
    out.sort();
    Ok(out)
}

/// Are `a` and `b` the same file (device and inode), without following links?
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); false where unsupported.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) =
        (std::ffi::CString::new(a.as_os_str().as_bytes()), std::ffi::CString::new(b.as_os_str().as_bytes()))
    else {
        return false;
    };
    // SAFETY: two valid NUL-terminated paths; the call reads them only.
    unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let failed = write_atomic_with(&path, |w| {
            w.write_all(b"half").map_err(|e| Error::io(&path, e))?;
            Err(Error::data("boom"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"second", "a failed write leaves the old file");
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temp file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        }
    }
}
