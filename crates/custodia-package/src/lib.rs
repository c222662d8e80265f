//! The disclosure package: what a holder hands to a recipient, and how anyone checks it.
//!
//! A package is a BagIt bag (RFC 8493) whose payload is the released items and whose tag files
//! carry, per item, its provenance, the conditions binding the recipient, and its custody history
//! with an inclusion proof of every entry against one signed checkpoint of the holder's custody
//! log. `docs/PACKAGE.md` specifies the format; this crate is its one implementation, used by the
//! vault to write packages and by `custodia-verify` to check them. It knows nothing of the vault:
//! a verifier needs no database, no server and no secret.

#![forbid(unsafe_code)]

mod bag;
pub mod claims;
mod cover;
pub mod entry;
mod format;
mod source;
mod verify;
mod zip_members;

pub use bag::{safe_file_name, BagWriter, WrittenPayload};
pub use cover::render_cover;
pub use format::{
    describe_condition, CustodyRecord, ItemMetadata, ItemSummary, PackageManifest, Provenance,
    CHECKPOINT_FILE, COVER_FILE, FORMAT_NAME, FORMAT_VERSION, ITEMS_DIR, PACKAGE_FILE, VKEY_FILE,
};
pub use source::{PackageSource, SourceError};
pub use verify::{verify_package, Check, Fault, FaultKind, KeySource, VerifyOptions, VerifyReport};

/// Why a package could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("writing the ZIP file {path}: {message}")]
    Zip { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl PackageError {
    pub(crate) fn io(path: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_string();
        move |source| Self::Io { path, source }
    }
}
