//! One error type for the whole crate. Every user-facing failure is a one-line message that
//! names the file (and line or column when known) and says what to do; the binary maps
//! [`Error::Usage`] to exit code 2 and [`Error::Data`] to exit code 1.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line asks for something that does not exist or does not fit (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The input data (corpus, manifest, gold file, workspace, model) is wrong (exit 1).
    #[error("{0}")]
    Data(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn data(msg: impl Into<String>) -> Self {
        Error::Data(msg.into())
    }

    /// An I/O failure on `path`, worded for a user.
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        let what = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::InvalidData => "not valid UTF-8 text; re-save it as UTF-8".to_string(),
            _ => err.to_string(),
        };
        Error::Data(format!("{}: {what}", path.display()))
    }

    /// Process exit code: 2 for usage mistakes, 1 for bad data.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Data(_) => 1,
        }
    }
}

/// ` (did you mean 'X'?)` when a known name is close to `name` (same letters but for case and
/// spacing, a typo or two, or the start of a longer name), else nothing: for "unknown …" errors.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let wanted = fold(name);
    let score = |k: &str| {
        let k = fold(k);
        if k == wanted {
            return 2.0;
        }
        let edit = strsim::normalized_damerau_levenshtein(&wanted, &k);
        let prefix = strsim::jaro_winkler(&wanted, &k);
        if edit >= 0.6 || prefix >= 0.88 {
            edit.max(prefix)
        } else {
            0.0
        }
    };
    let best = known.into_iter().map(|k| (score(k), k)).filter(|(s, _)| *s > 0.0).max_by(|a, b| {
        // Highest score; on a tie the first name in sorted order, for a stable message.
        a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1))
    });
    best.map(|(_, k)| format!(" (did you mean '{k}'?)")).unwrap_or_default()
}

/// Lets our algorithms implement linfa's `Fit` trait (see `cluster`).
impl From<linfa::Error> for Error {
    fn from(e: linfa::Error) -> Self {
        Error::Data(e.to_string())
    }
}
