use std::fmt;
use std::path::Path;

use crate::checkpoint::CheckpointError;

/// One place where the stored log disagrees with itself: which file, where, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// File name relative to the ledger folder, e.g. `entries` or `checkpoints/…note`.
    pub file: String,
    /// Byte offset in that file, where one can be named.
    pub offset: Option<u64>,
    /// Log index of the entry concerned, where one can be named.
    pub entry: Option<u64>,
    pub detail: String,
}

impl Fault {
    pub(crate) fn new(file: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            offset: None,
            entry: None,
            detail: detail.into(),
        }
    }
    pub(crate) fn at(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    pub(crate) fn entry(mut self, index: u64) -> Self {
        self.entry = Some(index);
        self
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.file)?;
        if let Some(offset) = self.offset {
            write!(f, " at byte {offset}")?;
        }
        if let Some(entry) = self.entry {
            write!(f, " (entry {entry})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// Errors of the custody ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("`{path}` is not a ledger: its `HEAD` file is missing\n\nhint: create the ledger first (`custodia init` does)")]
    NotALedger { path: String },
    #[error("`{path}` already exists and is not empty; a new ledger needs an empty folder")]
    NotEmpty { path: String },
    #[error("another process is appending to the ledger at `{path}`\n\nhint: wait for it to finish, or stop it; a lock left by a killed process is released by the system")]
    Busy { path: String },
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("the ledger is damaged: {0}\n\nhint: keep this copy for examination and restore the ledger folder from a replica; nothing was repaired")]
    Corrupt(Fault),
    #[error("entry {index} does not exist: the log holds {size} entries")]
    NoSuchEntry { index: u64, size: u64 },
    #[error("tree size {requested} is larger than the log, which holds {size} entries")]
    SizeBeyondLog { requested: u64, size: u64 },
    #[error("sizes out of order: {old} is larger than {new}")]
    SizesOutOfOrder { old: u64, new: u64 },
    #[error("no consistency proof starts at the empty tree: every log extends it\n\nhint: give a `--from` size of at least 1")]
    EmptyOldTree,
    #[error("an entry of {len} bytes exceeds the limit of {max} bytes")]
    EntryTooLarge { len: usize, max: usize },
    #[error("the ledger was opened read-only")]
    ReadOnly,
    #[error("an earlier write to the ledger failed, so its state on disk is unknown\n\nhint: reopen the ledger; recovery keeps everything committed and cuts the rest")]
    Poisoned,
    #[error("no checkpoint was issued at tree size {0}")]
    NoCheckpoint(u64),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
}

impl LedgerError {
    pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.display().to_string();
        move |source| LedgerError::Io {
            action,
            path,
            source,
        }
    }
}
