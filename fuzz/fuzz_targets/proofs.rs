//! Inclusion and consistency proof verification from untrusted bytes: `verify_inclusion` and
//! `verify_consistency` (and the `verify` methods of the proof types) must never panic, and must
//! agree, on every input, with the verification algorithms written out in RFC 9162 §2.1.3.2 and
//! §2.1.4.2 (implemented here independently, step by step from the RFC's text).
//!
//! The first byte picks the input's shape:
//! - even: raw — leaf index, tree sizes, hashes and proof hashes all come from the bytes;
//! - odd: structured — a real tree of up to 512 leaves gives a valid proof (which must verify),
//!   and the rest of the bytes are edits to it (bit flips, dropped, added, swapped or reused hashes,
//!   other indexes, sizes, leaves and roots); both verifiers must then give the same answer.
#![no_main]

use std::sync::OnceLock;

use custodia_ledger::merkle::Frontier;
use custodia_ledger::{
    leaf_hash, node_hash, verify_consistency, verify_inclusion, ConsistencyProof, Hash,
    InclusionProof,
};
use libfuzzer_sys::fuzz_target;

const MAX_LEAVES: u64 = 512;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        raw(rest);
    } else {
        structured(rest);
    }
});

// ---- raw inputs -------------------------------------------------------------------------------

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u64(&mut self) -> u64 {
        let mut word = [0u8; 8];
        let n = self.0.len().min(8);
        word[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        u64::from_le_bytes(word)
    }
    fn u8(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }
    fn hash(&mut self) -> Hash {
        let mut hash = [0u8; 32];
        let n = self.0.len().min(32);
        hash[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Hash(hash)
    }
    fn hashes(&mut self) -> Vec<Hash> {
        let mut hashes = Vec::new();
        while !self.0.is_empty() {
            hashes.push(self.hash());
        }
        hashes
    }
}

/// A size chosen by the fuzzer: small numbers, powers of two and their neighbours are where the
/// proof shapes change, so one selector byte maps onto them; otherwise any 64-bit value.
fn size(bytes: &mut Bytes) -> u64 {
    let selector = bytes.u8();
    let value = bytes.u64();
    match selector % 4 {
        0 => value % 70,
        1 => (1u64 << (value % 64))
            .wrapping_add((value >> 8) % 3)
            .wrapping_sub(1),
        2 => u64::MAX - value % 4,
        _ => value,
    }
}

fn raw(data: &[u8]) {
    let mut bytes = Bytes(data);
    let consistency = bytes.u8() % 2 == 1;
    let (a, b) = (size(&mut bytes), size(&mut bytes));
    let (first, second) = (bytes.hash(), bytes.hash());
    let path = bytes.hashes();
    if consistency {
        check_consistency(a, b, first, second, &path);
    } else {
        check_inclusion(a, b, first, &path, second);
    }
}

// ---- structured inputs ------------------------------------------------------------------------

/// Every stored hash (in `tlog_tiles` order) of a tree of `MAX_LEAVES` leaves; a smaller tree's
/// stored hashes are a prefix of them.
fn stored() -> &'static Vec<Hash> {
    static STORED: OnceLock<Vec<Hash>> = OnceLock::new();
    STORED.get_or_init(|| {
        let mut frontier = Frontier::default();
        let mut stored = Vec::new();
        for i in 0..MAX_LEAVES {
            frontier.push(leaf_hash(&i.to_le_bytes()), &mut stored);
        }
        stored
    })
}

struct Memory;

impl tlog_tiles::HashReader for Memory {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| {
                stored()
                    .get(i as usize)
                    .copied()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

fn root(size: u64) -> Hash {
    tlog_tiles::tree_hash(size, &Memory).expect("the tree holds every size up to MAX_LEAVES")
}

fn leaf(index: u64) -> Hash {
    leaf_hash(&index.to_le_bytes())
}

/// Some hash of the tree: a leaf, a stored interior node, or a root.
fn some_node(bytes: &mut Bytes) -> Hash {
    let pick = u64::from(bytes.u8()) << 8 | u64::from(bytes.u8());
    match pick % 3 {
        0 => leaf(pick / 3 % MAX_LEAVES),
        1 => stored()[(pick / 3) as usize % stored().len()],
        _ => root(1 + pick / 3 % MAX_LEAVES),
    }
}

/// Applies one edit chosen by the fuzzer to a proof's numbers and hashes.
fn edit(bytes: &mut Bytes, numbers: &mut [u64; 2], hashes: &mut [Hash; 2], path: &mut Vec<Hash>) {
    let op = bytes.u8();
    let (x, y) = (bytes.u8(), bytes.u8());
    let at = |len: usize| usize::from(x) % len.max(1);
    match op % 10 {
        0 if !path.is_empty() => {
            let i = at(path.len());
            path[i].0[usize::from(y) % 32] ^= 1 << (y % 8);
        }
        1 => {
            path.pop();
        }
        2 if !path.is_empty() => {
            path.remove(at(path.len()));
        }
        3 => {
            let node = some_node(bytes);
            let i = at(path.len() + 1).min(path.len());
            path.insert(i, node);
        }
        4 if path.len() > 1 => {
            let (i, j) = (at(path.len()), usize::from(y) % path.len());
            path.swap(i, j);
        }
        5 => {
            let i = at(path.len() + 1).min(path.len());
            let node = path.get(usize::from(y) % path.len().max(1)).copied();
            if let Some(node) = node {
                path.insert(i, node);
            }
        }
        6 => {
            // Nudge one of the numbers: off by a little, doubled, halved.
            let n = &mut numbers[usize::from(x % 2)];
            *n = match y % 6 {
                0 => n.wrapping_add(1),
                1 => n.wrapping_sub(1),
                2 => n.wrapping_mul(2),
                3 => *n / 2,
                4 => n.wrapping_add(u64::from(y)),
                _ => u64::from(y),
            };
        }
        7 => hashes[usize::from(x % 2)] = some_node(bytes),
        8 => hashes.swap(0, 1),
        _ => {
            let i = usize::from(x % 2);
            hashes[i].0[usize::from(y) % 32] ^= 1 << (y % 8);
        }
    }
}

fn structured(data: &[u8]) {
    let mut bytes = Bytes(data);
    let consistency = bytes.u8() % 2 == 1;
    let n = 1 + bytes.u64() % MAX_LEAVES;
    let m = bytes.u64() % n;
    if consistency {
        let old = m + 1;
        let path = if old == n {
            Vec::new()
        } else {
            tlog_tiles::prove_tree(n, old, &Memory).expect("prove_tree")
        };
        let (old_root, new_root) = (root(old), root(n));
        assert!(
            check_consistency(old, n, old_root, new_root, &path),
            "a valid consistency proof {old} -> {n} was refused"
        );
        let proof = ConsistencyProof {
            old_size: old,
            new_size: n,
            hashes: path,
        };
        assert!(proof.verify(old_root, new_root).is_ok());
        let (mut numbers, mut hashes, mut path) = ([old, n], [old_root, new_root], proof.hashes);
        while !bytes.0.is_empty() {
            edit(&mut bytes, &mut numbers, &mut hashes, &mut path);
        }
        check_consistency(numbers[0], numbers[1], hashes[0], hashes[1], &path);
    } else {
        let path = tlog_tiles::prove_record(n, m, &Memory).expect("prove_record");
        let (leaf, root) = (leaf(m), root(n));
        assert!(
            check_inclusion(m, n, leaf, &path, root),
            "a valid inclusion proof of {m} in {n} was refused"
        );
        let proof = InclusionProof {
            leaf_index: m,
            tree_size: n,
            audit_path: path,
        };
        assert!(proof.verify(leaf, root).is_ok());
        let (mut numbers, mut hashes, mut path) = ([m, n], [leaf, root], proof.audit_path);
        while !bytes.0.is_empty() {
            edit(&mut bytes, &mut numbers, &mut hashes, &mut path);
        }
        check_inclusion(numbers[0], numbers[1], hashes[0], &path, hashes[1]);
    }
}

// ---- the comparison ---------------------------------------------------------------------------

fn check_inclusion(index: u64, size: u64, leaf: Hash, path: &[Hash], root: Hash) -> bool {
    let ours = verify_inclusion(index, size, leaf, path, root).is_ok();
    let rfc = rfc_inclusion(index, size, leaf, path, root);
    assert_eq!(
        ours,
        rfc,
        "inclusion of {index} in {size} with {} hashes: ledger says {ours}, RFC 9162 says {rfc}",
        path.len()
    );
    ours
}

fn check_consistency(old: u64, new: u64, old_root: Hash, new_root: Hash, path: &[Hash]) -> bool {
    let ours = verify_consistency(old, new, old_root, new_root, path).is_ok();
    let rfc = rfc_consistency(old, new, old_root, new_root, path);
    assert_eq!(
        ours,
        rfc,
        "consistency {old} -> {new} with {} hashes: ledger says {ours}, RFC 9162 says {rfc}",
        path.len()
    );
    ours
}

/// RFC 9162 §2.1.3.2, step by step.
fn rfc_inclusion(leaf_index: u64, tree_size: u64, hash: Hash, path: &[Hash], root: Hash) -> bool {
    // 1.
    if leaf_index >= tree_size {
        return false;
    }
    // 2., 3.
    let (mut f, mut s) = (leaf_index, tree_size - 1);
    let mut r = hash;
    // 4.
    for &p in path {
        // a.
        if s == 0 {
            return false;
        }
        // b.
        if f & 1 == 1 || f == s {
            r = node_hash(p, r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(r, p);
        }
        // c.
        f >>= 1;
        s >>= 1;
    }
    // 5.
    s == 0 && r == root
}

/// RFC 9162 §2.1.4.2, step by step, for 0 < first < second. The RFC defines no proof from the
/// empty tree (§2.1.4: "0 < m < n"), and for equal sizes §2.1.4.1 gives the empty proof, which
/// holds exactly when the two roots are equal.
fn rfc_consistency(
    first: u64,
    second: u64,
    first_hash: Hash,
    second_hash: Hash,
    path: &[Hash],
) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return path.is_empty() && first_hash == second_hash;
    }
    // 1.
    if path.is_empty() {
        return false;
    }
    // 2.
    let mut path = path.to_vec();
    if first.is_power_of_two() {
        path.insert(0, first_hash);
    }
    // 3.
    let (mut f, mut s) = (first - 1, second - 1);
    // 4.
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    // 5.
    let (mut fr, mut sr) = (path[0], path[0]);
    // 6.
    for &c in &path[1..] {
        // a.
        if s == 0 {
            return false;
        }
        // b.
        if f & 1 == 1 || f == s {
            fr = node_hash(c, fr);
            sr = node_hash(c, sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(sr, c);
        }
        // c.
        f >>= 1;
        s >>= 1;
    }
    // 7.
    fr == first_hash && sr == second_hash && s == 0
}
