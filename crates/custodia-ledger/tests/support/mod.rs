//! Shared test helpers: a deliberately naive RFC 6962 implementation, written straight from the
//! RFC's recursive definitions (§2.1, §2.1.1, §2.1.2) with no storage and no cleverness, so that the
//! ledger's stored-hash arithmetic is checked against the text of the standard.
#![allow(dead_code)]

use custodia_ledger::Hash;
use sha2::{Digest, Sha256};

pub fn naive_leaf(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    Hash(h.finalize().into())
}

pub fn naive_node(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// The largest power of two strictly smaller than `n` (n > 1).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]).
pub fn naive_root(leaves: &[Vec<u8>]) -> Hash {
    match leaves.len() {
        0 => Hash(Sha256::digest(b"").into()),
        1 => naive_leaf(&leaves[0]),
        n => {
            let k = split(n);
            naive_node(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]).
pub fn naive_path(m: usize, leaves: &[Vec<u8>]) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 {
        return vec![];
    }
    let k = split(n);
    if m < k {
        let mut p = naive_path(m, &leaves[..k]);
        p.push(naive_root(&leaves[k..]));
        p
    } else {
        let mut p = naive_path(m - k, &leaves[k..]);
        p.push(naive_root(&leaves[..k]));
        p
    }
}

/// PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
pub fn naive_consistency(m: usize, leaves: &[Vec<u8>]) -> Vec<Hash> {
    fn subproof(m: usize, leaves: &[Vec<u8>], complete: bool) -> Vec<Hash> {
        let n = leaves.len();
        if m == n {
            return if complete {
                vec![]
            } else {
                vec![naive_root(leaves)]
            };
        }
        let k = split(n);
        if m <= k {
            let mut p = subproof(m, &leaves[..k], complete);
            p.push(naive_root(&leaves[k..]));
            p
        } else {
            let mut p = subproof(m - k, &leaves[k..], false);
            p.push(naive_root(&leaves[..k]));
            p
        }
    }
    subproof(m, leaves, true)
}

/// Deterministic entry bytes of varied lengths (0 to a few hundred bytes).
pub fn entry_bytes(i: u64) -> Vec<u8> {
    let len = (i.wrapping_mul(2654435761) % 300) as usize;
    let mut bytes = format!("entry {i}:").into_bytes();
    bytes.extend((0..len).map(|j| (i as usize + j) as u8));
    bytes
}

/// A small, seedable PRNG (xorshift64*): tests print the seed so any failure can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn from_env_or_time(var: &str) -> Self {
        let seed = std::env::var(var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
                    | 1
            });
        eprintln!("{var}={seed}");
        Self(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Copies a folder tree (files and sub-folders) to `to`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
