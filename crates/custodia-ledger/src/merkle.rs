//! Merkle tree hashing and proofs exactly as RFC 6962 §2.1 / RFC 9162 §2.1.
//!
//! Leaf hash = SHA-256(0x00 || entry); node hash = SHA-256(0x01 || left || right); a tree of `n`
//! leaves splits at the largest power of two smaller than `n`. Proof generation and verification
//! come from `tlog_tiles` (a port of Go's `golang.org/x/mod/sumdb/tlog`, whose audit paths and
//! consistency proofs are RFC 6962's); this module adds the edge cases RFC 9162 leaves to the
//! verifier (empty trees, equal sizes) and the incremental [`Frontier`] the writer uses.

pub use tlog_tiles::Hash;

/// Size in bytes of every hash in the tree.
pub const HASH_LEN: usize = tlog_tiles::HASH_SIZE;

/// The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1).
pub const EMPTY_ROOT: Hash = tlog_tiles::EMPTY_HASH;

/// Proofs longer than this cannot belong to any tree addressable with 64-bit sizes; rejecting
/// them early keeps a hostile proof from costing more than a legitimate one.
pub const MAX_PROOF_HASHES: usize = 2 * 64;

/// RFC 6962 leaf hash: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    tlog_tiles::record_hash(entry)
}

/// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: Hash, right: Hash) -> Hash {
    tlog_tiles::node_hash(left, right)
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not inside a tree of size {tree_size}")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    SizesOutOfOrder { old_size: u64, new_size: u64 },
    #[error("the proof has {len} hashes, more than any tree can need")]
    TooLong { len: usize },
    #[error("a consistency proof needs a non-empty old tree: every tree extends the empty one")]
    EmptyOldTree,
    #[error("the proof does not lead to the expected root hash")]
    Mismatch,
}

/// An RFC 9162 §2.1.3 inclusion proof: the audit path from a leaf to the root of a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct InclusionProof {
    pub leaf_index: u64,
    pub tree_size: u64,
    /// Sibling hashes from the leaf upwards (RFC 9162 order).
    pub audit_path: Vec<Hash>,
}

impl InclusionProof {
    /// Checks that the leaf with hash `leaf_hash` sits at `leaf_index` of the tree whose root is
    /// `root`.
    pub fn verify(&self, leaf_hash: Hash, root: Hash) -> Result<(), ProofError> {
        verify_inclusion(
            self.leaf_index,
            self.tree_size,
            leaf_hash,
            &self.audit_path,
            root,
        )
    }
}

/// An RFC 9162 §2.1.4 consistency proof between two sizes of the same tree.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsistencyProof {
    pub old_size: u64,
    pub new_size: u64,
    pub hashes: Vec<Hash>,
}

impl ConsistencyProof {
    /// Checks that the tree of `old_size` with root `old_root` is a prefix of the tree of
    /// `new_size` with root `new_root`.
    pub fn verify(&self, old_root: Hash, new_root: Hash) -> Result<(), ProofError> {
        verify_consistency(
            self.old_size,
            self.new_size,
            old_root,
            new_root,
            &self.hashes,
        )
    }
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: Hash,
    audit_path: &[Hash],
    root: Hash,
) -> Result<(), ProofError> {
    if leaf_index >= tree_size {
        return Err(ProofError::IndexOutOfRange {
            index: leaf_index,
            tree_size,
        });
    }
    if audit_path.len() > MAX_PROOF_HASHES {
        return Err(ProofError::TooLong {
            len: audit_path.len(),
        });
    }
    tlog_tiles::check_record(&audit_path.to_vec(), tree_size, root, leaf_index, leaf_hash)
        .map_err(|_| ProofError::Mismatch)
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2), including the cases the RFC's algorithm
/// leaves to the caller: equal sizes need equal roots and an empty proof; an empty old tree is
/// refused, since RFC 9162 defines no proof for it and accepting one would prove nothing.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: Hash,
    new_root: Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesOutOfOrder { old_size, new_size });
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err(ProofError::TooLong { len: proof.len() });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    if old_size == new_size {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::Mismatch)
        };
    }
    tlog_tiles::check_tree(&proof.to_vec(), new_size, new_root, old_size, old_root)
        .map_err(|_| ProofError::Mismatch)
}

/// The right edge of a growing tree: the roots of its maximal perfect subtrees, largest first.
///
/// It is all a writer needs in memory to compute the hashes a new leaf adds (at most 64 of them),
/// so memory stays flat however large the log grows.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    size: u64,
    /// Roots of the perfect subtrees covering `[0, size)`, one per set bit of `size`, left to right.
    roots: Vec<Hash>,
}

impl Frontier {
    /// Rebuilds a frontier from the subtree roots of a tree of `size` leaves, as listed by
    /// `tlog_tiles::sub_tree_index(0, size, ..)`.
    pub fn from_roots(size: u64, roots: Vec<Hash>) -> Option<Self> {
        (roots.len() == size.count_ones() as usize).then_some(Self { size, roots })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf and returns the hashes that become final with it, in the order they are
    /// stored (`tlog_tiles::stored_hash_index`): the leaf hash, then each completed parent.
    pub fn push(&mut self, leaf: Hash, stored: &mut Vec<Hash>) {
        stored.push(leaf);
        let mut hash = leaf;
        // Each trailing one bit of the old size is a perfect subtree that the new leaf completes.
        let completed = (!self.size).trailing_zeros().min(64) as usize;
        for _ in 0..completed {
            // The frontier holds one root per set bit, so it cannot run out here.
            let Some(left) = self.roots.pop() else { break };
            hash = node_hash(left, hash);
            stored.push(hash);
        }
        self.roots.push(hash);
        self.size += 1;
    }

    /// The root hash of the tree so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.roots.iter().rev();
        let Some(&last) = iter.next() else {
            return EMPTY_ROOT;
        };
        iter.fold(last, |acc, &left| node_hash(left, acc))
    }
}

/// Number of 32-byte hashes stored for a tree of `size` leaves.
pub fn stored_hash_count(size: u64) -> u64 {
    tlog_tiles::stored_hash_count(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        use sha2::Digest;
        assert_eq!(EMPTY_ROOT.0, <[u8; 32]>::from(sha2::Sha256::digest(b"")));
    }

    #[test]
    fn frontier_stores_as_many_hashes_as_tlog_expects() {
        let mut frontier = Frontier::default();
        let mut stored = Vec::new();
        for i in 0..300u64 {
            frontier.push(leaf_hash(&i.to_le_bytes()), &mut stored);
            assert_eq!(stored.len() as u64, stored_hash_count(i + 1));
        }
    }
}
