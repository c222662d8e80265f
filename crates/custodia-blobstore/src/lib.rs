//! Encrypted, content-addressed storage of evidence bytes.
//!
//! Every blob is the exact bytes of one item, encrypted at rest and stored under a name that is a
//! *keyed* hash of its SHA-256, so that someone who holds a copy of a public file and the vault's
//! disk still cannot tell whether the vault holds that file.
//!
//! What it leaves out: it knows nothing of items, originators or the custody log; it does not
//! compute the SHA-256 identity (the caller does, while streaming), but it refuses to name a blob
//! by anything else. The [`BlobStore`] trait is all the vault sees; [`LocalBlobStore`] keeps blobs
//! in a folder of the local file system, [`S3BlobStore`] in a bucket of any S3-compatible service
//! (tested against Garage). Both store the same bytes under the same names (`format.rs`).
//!
//! # Encryption (format `CUSTBLB1`)
//!
//! Each blob has its own random 256-bit data key, wrapped with AES-256-GCM under the store's
//! wrapping key. Content is cut into 1 MiB chunks, each sealed with AES-256-GCM under the data key;
//! the nonce is the chunk's index, safe because each data key seals one blob only. The additional
//! data marks the last chunk, so a truncated blob never decrypts. Chunks make ranged reads and
//! bounded memory possible for files of any size.
//!
//! ```text
//! 0    8   magic `CUSTBLB1`
//! 8    4   plaintext bytes per chunk (u32 LE), 1 MiB
//! 12   12  nonce of the wrapped data key
//! 24   48  wrapped data key: AES-256-GCM(wrapping key, data key), AAD = bytes [0, 12)
//! 72   ..  chunks: ciphertext || 16-byte tag; every chunk but the last is full; an empty blob
//!          is one empty last chunk. Nonce = 0u32 || index (u64 BE); AAD = [1 if last else 0].
//! ```

#![forbid(unsafe_code)]

mod format;
mod local;
mod pack;
mod s3;
mod staged;

use std::fmt;
use std::io::{Read, Seek};
use std::str::FromStr;

pub use format::CHUNK_LEN;
pub use local::LocalBlobStore;
pub use s3::{S3BlobStore, S3Config};
pub use staged::DIRECT_IO_VAR;

/// The SHA-256 of an item's bytes: its identity throughout Custodia.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(pub [u8; 32]);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Self(sha2::Sha256::digest(bytes).into())
    }
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.to_hex())
    }
}

impl FromStr for ContentHash {
    type Err = BlobError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_prefix("sha256:").unwrap_or(s);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|_| BlobError::BadHash {
            text: s.chars().take(80).collect(),
        })?;
        Ok(Self(bytes))
    }
}

/// Errors of the blob store.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("`{text}` is not a SHA-256 (64 hexadecimal digits)")]
    BadHash { text: String },
    #[error("no blob is stored for item {0}")]
    NotFound(ContentHash),
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("the blob of item {item} is damaged: {detail}")]
    Damaged { item: ContentHash, detail: String },
    #[error("the store key is invalid")]
    BadKey,
    #[error("encryption failed")]
    Crypto,
    #[error("the blob store `{url}` cannot be used: {detail}\n\nhint: {hint}")]
    Config {
        url: String,
        detail: String,
        hint: &'static str,
    },
    #[error("cannot {action} `{object}` in bucket `{bucket}`: {source}\n\nhint: {hint}")]
    Remote {
        action: &'static str,
        bucket: String,
        object: String,
        hint: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// What [`BlobWriter::finish`] did with the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The blob is new in the store.
    New,
    /// The store already held these bytes; the new copy was discarded.
    AlreadyPresent,
    /// A blob of that name existed and was replaced by the new copy.
    Replaced,
}

/// What to do when a blob of the same name already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfPresent {
    /// Keep the existing blob: it is known to be complete (a committed catalog row vouches for it).
    Keep,
    /// Replace it atomically: nothing vouches for it, and a crash may have left it torn.
    Replace,
}

/// A readable, seekable view of one blob's plaintext.
pub trait BlobReader: Read + Seek + Send {
    /// Plaintext length in bytes.
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A blob being written. Bytes go in through `Write`; nothing is visible under any name until
/// [`BlobWriter::finish`]; dropping the writer without finishing discards everything.
pub trait BlobWriter: std::io::Write + Send {
    /// Seals the blob and stores it under `hash`, which must be the SHA-256 of every byte written
    /// (the caller computed it while streaming). Durable only after [`BlobStore::sync`].
    fn finish(
        self: Box<Self>,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<Stored, BlobError>;

    /// Ends the content: seals what remains, so that a writer kept waiting for its name (until
    /// the caller knows whether to keep an existing blob) holds no plaintext and no buffers.
    /// Nothing may be written after it; [`BlobWriter::finish`] still names the blob.
    fn end(&mut self) -> Result<(), BlobError> {
        Ok(())
    }

    /// As [`BlobWriter::finish`], but the store may complete it in the background (an S3 store
    /// sends a small blob's `PUT` while the caller goes on to the next blob, a bounded number at
    /// once). The blob is stored, whole, at the latest when the next [`BlobStore::sync`] returns
    /// `Ok`; if storing it fails, that `sync` fails. Nothing may be acknowledged before then.
    fn finish_deferred(
        self: Box<Self>,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<(), BlobError> {
        self.finish(hash, if_present).map(drop)
    }
}

/// A pass over many blobs ([`BlobStore::pass`]).
pub trait BlobPass: Send + Sync {
    /// Where a blob lies, so that the pass can read blobs in an order that suits the store:
    /// blobs with the same first number lie together, in the order of the second. `None` where
    /// no order helps (the pass keeps its own).
    fn position(&self, hash: &ContentHash) -> Option<(u64, u64)>;
    /// Opens a blob: as [`BlobStore::open`], checked alike, but a store may read the blobs
    /// stored beside it in the same request and keep them for the pass's next calls.
    fn open(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError>;
}

/// A pass that reads each blob alone, in the caller's order.
struct PlainPass<'a, S: ?Sized>(&'a S);

impl<S: BlobStore + ?Sized> BlobPass for PlainPass<'_, S> {
    fn position(&self, _hash: &ContentHash) -> Option<(u64, u64)> {
        None
    }
    fn open(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError> {
        self.0.open(hash)
    }
}

/// Storage of encrypted blobs, addressed by their content's SHA-256.
///
/// Contract: a blob is visible (to `contains` and `open`) only whole; after `sync` returns, every
/// blob finished before it survives power loss; blobs are never modified or removed by the store.
pub trait BlobStore: Send + Sync {
    fn writer(&self) -> Result<Box<dyn BlobWriter>, BlobError>;
    fn contains(&self, hash: &ContentHash) -> Result<bool, BlobError>;
    fn open(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError>;
    /// Starts a pass over many blobs read in turn (a deep verification). What the pass reads
    /// ahead of a blob lives as long as the pass, so a later pass reads the store again.
    fn pass(&self) -> Box<dyn BlobPass + '_> {
        Box::new(PlainPass(self))
    }
    /// Makes every finished blob durable, including those finished with
    /// [`BlobWriter::finish_deferred`] (waiting for them, and failing if one of them failed).
    fn sync(&self) -> Result<(), BlobError>;
    /// Whether a blob found under its name is always whole, even after a crash: the store puts
    /// each name in place in one step it makes durable before acknowledging it (S3). Then an
    /// existing blob may always be kept. `false` (a local folder): a crash may leave a renamed
    /// but unsynced file torn, so only a blob a committed catalog row vouches for is kept.
    fn names_are_atomic(&self) -> bool {
        false
    }
    /// How many blobs a pass over the store (a deep verification) should read at once: what
    /// keeps the store busy without holding too much in memory. A local disk is read best by
    /// two; a remote service answers each request after a round trip, so more go at once.
    fn parallel_reads(&self) -> usize {
        2
    }
    /// Removes temporary files left by writers that never finished (e.g. a killed process).
    fn clean_temporary(&self) -> Result<u64, BlobError>;
}
