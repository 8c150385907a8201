//! One error type for the library. Messages name the file, the line and the fix.

use std::path::PathBuf;

/// Everything that can go wrong in tonetrack's library code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CSV input is malformed or lacks what is needed.
    #[error("{path}:{line}: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// A model file is damaged, foreign, or from an incompatible version.
    #[error("{path}: {message}")]
    ModelFile { path: PathBuf, message: String },
    /// A file cannot be written where asked (checked before the work that produces it).
    #[error("{path}: {problem}")]
    OutputPath { path: PathBuf, problem: String },
    /// Parameters that cannot work (e.g. C ≤ 0, fewer rows than folds).
    #[error("invalid parameter: {0}")]
    InvalidParams(String),
    /// Data that cannot be used for the requested operation.
    #[error("{0}")]
    Data(String),
}

/// `Result` with tonetrack's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
