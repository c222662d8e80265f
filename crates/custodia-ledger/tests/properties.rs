//! Property tests: for random tree sizes and indexes, every generated proof verifies, and any
//! single-bit change to a proof, a leaf or a root makes verification fail.

mod support;

use std::sync::OnceLock;

use custodia_ledger::{leaf_hash, Hash, Ledger};
use proptest::prelude::*;
use support::entry_bytes;

const LOG_SIZE: u64 = 3000;

/// One log shared by all cases: proofs for any tree size up to `LOG_SIZE` come from its prefixes.
fn ledger() -> &'static Ledger {
    static LEDGER: OnceLock<(tempfile::TempDir, Ledger)> = OnceLock::new();
    &LEDGER
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let ledger = Ledger::create(&dir.path().join("ledger"), "custodia.test/props").unwrap();
            let entries: Vec<Vec<u8>> = (0..LOG_SIZE).map(entry_bytes).collect();
            for chunk in entries.chunks(500) {
                ledger.append(chunk).unwrap();
            }
            (dir, ledger)
        })
        .1
}

fn flip(hash: Hash, bit: usize) -> Hash {
    let mut bytes = hash.0;
    bytes[(bit / 8) % 32] ^= 1 << (bit % 8);
    Hash(bytes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn inclusion_proofs_verify_and_detect_any_bit_flip(
        size in 1..=LOG_SIZE, index_seed in any::<u64>(), bit in 0usize..256, which in any::<prop::sample::Index>()
    ) {
        let ledger = ledger();
        let index = index_seed % size;
        let root = ledger.root_at(size).unwrap();
        let leaf = leaf_hash(&entry_bytes(index));
        let proof = ledger.inclusion_proof(index, size).unwrap();
        prop_assert!(proof.verify(leaf, root).is_ok());
        prop_assert!(proof.verify(flip(leaf, bit), root).is_err());
        prop_assert!(proof.verify(leaf, flip(root, bit)).is_err());
        if !proof.audit_path.is_empty() {
            let mut bad = proof.clone();
            let i = which.index(bad.audit_path.len());
            bad.audit_path[i] = flip(bad.audit_path[i], bit);
            prop_assert!(bad.verify(leaf, root).is_err());
            let mut shorter = proof.clone();
            shorter.audit_path.pop();
            prop_assert!(shorter.verify(leaf, root).is_err());
        }
        let mut longer = proof.clone();
        longer.audit_path.push(root);
        prop_assert!(longer.verify(leaf, root).is_err());
        // The same path must not prove the leaf at another position or in another tree size.
        let mut moved = proof.clone();
        moved.leaf_index ^= 1;
        if moved.leaf_index < size {
            prop_assert!(moved.verify(leaf, root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_detect_any_bit_flip(
        new_size in 2..=LOG_SIZE, old_seed in any::<u64>(), bit in 0usize..256, which in any::<prop::sample::Index>()
    ) {
        let ledger = ledger();
        let old_size = 1 + old_seed % (new_size - 1);
        let old_root = ledger.root_at(old_size).unwrap();
        let new_root = ledger.root_at(new_size).unwrap();
        let proof = ledger.consistency_proof(old_size, new_size).unwrap();
        prop_assert!(proof.verify(old_root, new_root).is_ok());
        prop_assert!(proof.verify(flip(old_root, bit), new_root).is_err());
        prop_assert!(proof.verify(old_root, flip(new_root, bit)).is_err());
        prop_assert!(!proof.hashes.is_empty());
        let mut bad = proof.clone();
        let i = which.index(bad.hashes.len());
        bad.hashes[i] = flip(bad.hashes[i], bit);
        prop_assert!(bad.verify(old_root, new_root).is_err());
        let mut swapped = proof.clone();
        std::mem::swap(&mut swapped.old_size, &mut swapped.new_size);
        prop_assert!(swapped.verify(new_root, old_root).is_err());
    }
}
