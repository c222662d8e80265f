//! The custody ledger: an append-only, tamper-evident log of opaque entries.
//!
//! Every action on every item in Custodia becomes one entry here. The log is a Merkle tree hashed
//! exactly as RFC 6962 / RFC 9162 §2.1, so that anyone holding a signed checkpoint can check,
//! offline, that an entry is in the log (inclusion proof) and that a later log still contains
//! everything an earlier one did (consistency proof). Nobody, including whoever runs the server,
//! can change or drop an entry after a checkpoint was handed out without the next proof failing.
//!
//! What it leaves out: it knows nothing of evidence items, users or JSON; entries are bytes. It
//! has no network code. The vault, the server and the standalone verifier share it.
//!
//! Specs followed:
//! - RFC 6962 §2.1 and RFC 9162 §2.1: tree hashing, inclusion and consistency proofs;
//! - C2SP `tlog-checkpoint` and `signed-note` (<https://c2sp.org>): checkpoints, Ed25519 keys,
//!   key IDs and `vkey` text;
//! - C2SP `tlog-tiles`: the stored-hash order of the `hashes` file.
//!
//! ```
//! use custodia_ledger::{Ledger, LedgerSigner, leaf_hash};
//! let dir = tempfile::tempdir().unwrap();
//! let signer = LedgerSigner::create_key_file(&dir.path().join("key"), "custodia.example/doc").unwrap();
//! let ledger = Ledger::create(&dir.path().join("ledger"), "custodia.example/doc").unwrap();
//! ledger.append(&[b"first".as_slice(), b"second"]).unwrap();
//! let checkpoint = ledger.checkpoint(&signer).unwrap();
//! let proof = ledger.inclusion_proof(1, checkpoint.size()).unwrap();
//! proof.verify(leaf_hash(b"second"), checkpoint.root()).unwrap();
//! ```
#![forbid(unsafe_code)]

mod checkpoint;
mod document;
mod error;
pub mod merkle;
mod store;

pub use checkpoint::{CheckpointError, LedgerSigner, LedgerVerifier, SignedCheckpoint};
pub use document::{ConsistencyProofDocument, DocumentHashError};
pub use error::{Fault, LedgerError};
pub use merkle::{
    leaf_hash, node_hash, verify_consistency, verify_inclusion, ConsistencyProof, Hash,
    InclusionProof, ProofError, EMPTY_ROOT,
};
pub use store::{Ledger, Recovery, TreeHead, VerifyReport, MAX_ENTRY_LEN};
