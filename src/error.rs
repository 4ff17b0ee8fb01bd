//! One error type for the whole program. Its kind decides the process exit code, so every
//! command maps failures the same way (see "Exit codes" in the README).

use std::fmt;

/// Stable exit codes, documented in the README.
pub mod exit {
    pub const SUCCESS: i32 = 0;
    pub const TASK_FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const NOT_FOUND: i32 = 3;
    pub const WORKER_UNAVAILABLE: i32 = 4;
    pub const NOT_FINISHED: i32 = 5;
    pub const INTERRUPTED: i32 = 130;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Bad input from the user: flags, durations, ids, config.
    Usage,
    /// An id or name that does not exist.
    NotFound,
    /// The worker cannot be reached or started, or speaks another protocol.
    WorkerUnavailable,
    /// The task has not finished yet (`result` without `--wait`, `wait --timeout`).
    NotFinished,
    /// A task ended without success.
    TaskFailed,
    /// Anything else: I/O, database, internal.
    Internal,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Usage => exit::USAGE,
            ErrorKind::NotFound => exit::NOT_FOUND,
            ErrorKind::WorkerUnavailable => exit::WORKER_UNAVAILABLE,
            ErrorKind::NotFinished => exit::NOT_FINISHED,
            ErrorKind::TaskFailed | ErrorKind::Internal => exit::TASK_FAILED,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Kind { kind: ErrorKind, message: String },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("malformed message: {0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl fmt::Display) -> Self {
        Error::Kind { kind, message: message.to_string() }
    }
    pub fn usage(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn not_found(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn unavailable(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::WorkerUnavailable, message)
    }
    pub fn internal(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Kind { kind, .. } => *kind,
            _ => ErrorKind::Internal,
        }
    }
    /// Prefix the message with where it happened, keeping the kind.
    pub fn context(self, what: impl fmt::Display) -> Self {
        Error::Kind { kind: self.kind(), message: format!("{what}: {self}") }
    }
}

/// `.context("opening the database")` on any result whose error converts into ours.
pub trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().context(what))
    }
}
