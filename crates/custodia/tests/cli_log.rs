//! The custody log through the CLI, checked with a deliberately naive RFC 6962 implementation
//! and a C2SP signed-note verifier written here, independent of the code under test.

mod support;

use std::fs;

use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::Value;
use support::*;

type H = [u8; 32];

// ---- RFC 6962 §2.1, written from the definitions ------------------------------------------------

fn leaf_hash(entry: &[u8]) -> H {
    let mut data = vec![0x00];
    data.extend_from_slice(entry);
    sha256(&data)
}

fn node_hash(left: &H, right: &H) -> H {
    let mut data = vec![0x01];
    data.extend_from_slice(left);
    data.extend_from_slice(right);
    sha256(&data)
}

/// The largest power of two smaller than `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) over leaf hashes.
fn mth(leaves: &[H]) -> H {
    match leaves.len() {
        0 => sha256(b""),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]).
fn path(m: usize, leaves: &[H]) -> Vec<H> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// The root an audit path (leaf upwards) leads to, descending from the top split.
fn root_from_path(index: usize, n: usize, leaf: H, path: &[H]) -> Option<H> {
    if n == 1 {
        return path.is_empty().then_some(leaf);
    }
    let (sibling, rest) = path.split_last()?;
    let k = split(n);
    if index < k {
        Some(node_hash(&root_from_path(index, k, leaf, rest)?, sibling))
    } else {
        Some(node_hash(
            sibling,
            &root_from_path(index - k, n - k, leaf, rest)?,
        ))
    }
}

/// SUBPROOF(m, D[n], b).
fn subproof(m: usize, leaves: &[H], b: bool) -> Vec<H> {
    let n = leaves.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut p = subproof(m, &leaves[..k], b);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = subproof(m - k, &leaves[k..], false);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// Walks a consistency proof down the same recursion: returns (MTH of the first `m` leaves,
/// MTH of all `n`), using only the proof and the old root.
fn roots_from_consistency(
    m: usize,
    n: usize,
    b: bool,
    proof: &[H],
    old_root: &H,
) -> Option<(H, H)> {
    if m == n {
        return if b {
            proof.is_empty().then_some((*old_root, *old_root))
        } else {
            (proof.len() == 1).then_some((proof[0], proof[0]))
        };
    }
    let (last, rest) = proof.split_last()?;
    let k = split(n);
    if m <= k {
        let (old, new_left) = roots_from_consistency(m, k, b, rest, old_root)?;
        Some((old, node_hash(&new_left, last)))
    } else {
        let (old_right, new_right) = roots_from_consistency(m - k, n - k, false, rest, old_root)?;
        Some((node_hash(last, &old_right), node_hash(last, &new_right)))
    }
}

// ---- C2SP signed notes and vkeys -----------------------------------------------------------------

fn b64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_else(|e| panic!("`{text}` is not base64: {e}"))
}

fn hex_hash(text: &str) -> H {
    hex::decode(text).unwrap().try_into().unwrap()
}

fn b64_hash(text: &str) -> H {
    b64(text).try_into().expect("a 32-byte hash")
}

struct VKey {
    name: String,
    id: [u8; 4],
    key: VerifyingKey,
}

fn parse_vkey(vkey: &str) -> VKey {
    let parts: Vec<&str> = vkey.splitn(3, '+').collect();
    assert_eq!(parts.len(), 3, "{vkey}");
    let key = b64(parts[2]);
    assert_eq!(key.len(), 33, "{vkey}");
    assert_eq!(key[0], 0x01, "Ed25519 key type");
    let pubkey: [u8; 32] = key[1..].try_into().unwrap();
    let id: [u8; 4] = hex::decode(parts[1]).unwrap().try_into().unwrap();
    let mut material = parts[0].as_bytes().to_vec();
    material.extend_from_slice(b"\n\x01");
    material.extend_from_slice(&pubkey);
    assert_eq!(sha256(&material)[..4], id, "key ID of {vkey}");
    VKey {
        name: parts[0].to_owned(),
        id,
        key: VerifyingKey::from_bytes(&pubkey).unwrap(),
    }
}

struct Checkpoint {
    origin: String,
    size: usize,
    root: H,
}

/// Parses a checkpoint note and checks its signature by `vkey`.
fn verify_note(text: &str, vkey: &VKey) -> Result<Checkpoint, String> {
    let split_at = text.find("\n\n").ok_or("no blank line")?;
    let body = &text[..split_at + 1];
    let signatures = &text[split_at + 2..];
    let lines: Vec<&str> = body.lines().collect();
    if lines.len() < 3 {
        return Err(format!("checkpoint body too short: {body:?}"));
    }
    let checkpoint = Checkpoint {
        origin: lines[0].to_owned(),
        size: lines[1].parse().map_err(|_| "size is not decimal")?,
        root: b64(lines[2])
            .try_into()
            .map_err(|_| "root is not 32 bytes")?,
    };
    if !signatures.ends_with('\n') {
        return Err("the signature block does not end with a newline".into());
    }
    let mut verified = false;
    for line in signatures.lines() {
        let rest = line
            .strip_prefix("— ")
            .ok_or("signature line without `— `")?;
        let (name, signature) = rest.rsplit_once(' ').ok_or("signature line shape")?;
        if name != vkey.name {
            continue;
        }
        let signature = b64(signature);
        if signature.len() != 68 || signature[..4] != vkey.id {
            return Err("wrong key ID or signature length".into());
        }
        let signature = Signature::from_slice(&signature[4..]).unwrap();
        vkey.key
            .verify_strict(body.as_bytes(), &signature)
            .map_err(|e| format!("bad signature: {e}"))?;
        verified = true;
    }
    if !verified {
        return Err("no signature by the log's key".into());
    }
    Ok(checkpoint)
}

// ---- the vault -----------------------------------------------------------------------------------

/// A vault with several items ingested in several runs, so the log has an uneven size.
fn busy_vault() -> (TestVault, Vec<String>) {
    let vault = TestVault::new();
    let mut shas = Vec::new();
    for run in 0..3 {
        let input = vault.folder(&format!("run-{run}"));
        for i in 0..(run + 2) {
            let bytes = content(&format!("run {run} file {i}"), 100);
            fs::write(input.join(format!("f{i}.bin")), &bytes).unwrap();
            shas.push(sha256_hex(&bytes));
        }
        vault.ingest(&[&input], "Originator", &[]);
    }
    (vault, shas)
}

fn log_size(vault: &TestVault) -> usize {
    vault.verify(false).1["log_size"].as_u64().unwrap() as usize
}

/// Every entry of the log, read through `log prove --entry`.
fn entries(vault: &TestVault, size: usize) -> Vec<Vec<u8>> {
    (0..size)
        .map(|i| {
            b64(
                vault.ok(["log", "prove", "--entry", &i.to_string()])["entry"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect()
}

fn vkey(vault: &TestVault) -> VKey {
    let key = vault.ok(["log", "public-key"]);
    assert_eq!(key["vkey"], vault.init["vkey"]);
    assert_eq!(key["origin"], vault.init["origin"]);
    parse_vkey(key["vkey"].as_str().unwrap())
}

#[test]
fn checkpoint_is_a_signed_note_over_the_whole_log() {
    let (vault, _) = busy_vault();
    let vkey = vkey(&vault);
    assert_eq!(vkey.name, vault.init["origin"].as_str().unwrap());
    let json = vault.ok(["log", "checkpoint"]);
    let text = json["checkpoint"].as_str().unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 6, "{text:?}");
    assert_eq!(lines[0], vault.init["origin"].as_str().unwrap());
    assert_eq!(lines[1], json["tree_size"].to_string());
    assert_eq!(lines[2], json["root_hash"].as_str().unwrap());
    assert_eq!(b64(lines[2]).len(), 32);
    assert_eq!(lines[3], "");
    assert!(
        lines[4].starts_with(&format!("— {} ", vkey.name)),
        "{text:?}"
    );
    assert_eq!(lines[5], "");
    assert_eq!(json["origin"], vault.init["origin"]);

    let checkpoint = verify_note(text, &vkey).unwrap();
    assert_eq!(checkpoint.origin, vkey.name);
    let size = log_size(&vault);
    assert_eq!(checkpoint.size, size);
    let leaves: Vec<H> = entries(&vault, size).iter().map(|e| leaf_hash(e)).collect();
    assert_eq!(
        checkpoint.root,
        mth(&leaves),
        "the root is the RFC 6962 tree hash"
    );

    // The verifier here rejects what it should.
    let forged = text.replacen(&format!("\n{size}\n"), &format!("\n{}\n", size + 1), 1);
    assert!(verify_note(&forged, &vkey).is_err());
    let other = parse_vkey(TestVault::new().init["vkey"].as_str().unwrap());
    assert!(verify_note(text, &other).is_err());

    // No growth, no new checkpoint; without `--json` the note itself is printed.
    assert_eq!(vault.ok(["log", "checkpoint"])["checkpoint"], text);
    let output = custodia()
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["log", "checkpoint"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), text);
    let output = custodia()
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["log", "public-key"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim_end(),
        vault.init["vkey"].as_str().unwrap()
    );
}

fn check_inclusion(proof: &Value, vkey: &VKey, leaves: Option<&[H]>) -> usize {
    let index = proof["leaf_index"].as_u64().unwrap() as usize;
    let size = proof["tree_size"].as_u64().unwrap() as usize;
    let entry = b64(proof["entry"].as_str().unwrap());
    let leaf = leaf_hash(&entry);
    // The proof document gives hashes in hex (the same document as `GET /api/v1/log/proof`).
    assert_eq!(hex_hash(proof["leaf_hash"].as_str().unwrap()), leaf);
    let audit: Vec<H> = proof["audit_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| hex_hash(h.as_str().unwrap()))
        .collect();
    let root = root_from_path(index, size, leaf, &audit).expect("a path of the right length");
    assert_eq!(root, hex_hash(proof["root_hash"].as_str().unwrap()));
    let checkpoint = verify_note(proof["checkpoint"].as_str().unwrap(), vkey).unwrap();
    assert_eq!(checkpoint.size, size);
    assert_eq!(checkpoint.root, root, "the checkpoint's root line");
    if let Some(leaves) = leaves {
        assert_eq!(
            audit,
            path(index, &leaves[..size]),
            "PATH({index}, D[{size}])"
        );
    }
    // A changed entry or a changed path leads elsewhere.
    let mut other = entry.clone();
    other.push(b' ');
    assert_ne!(
        root_from_path(index, size, leaf_hash(&other), &audit),
        Some(root)
    );
    if let Some(first) = audit.first() {
        let mut bent = audit.clone();
        bent[0] = node_hash(first, first);
        assert_ne!(root_from_path(index, size, leaf, &bent), Some(root));
    }
    index
}

#[test]
fn inclusion_proofs_of_every_entry_verify() {
    let (vault, _) = busy_vault();
    let vkey = vkey(&vault);
    vault.ok(["log", "checkpoint"]);
    let size = log_size(&vault);
    assert!(size >= 9, "{size}");
    let proofs: Vec<Value> = (0..size)
        .map(|i| vault.ok(["log", "prove", "--entry", &i.to_string()]))
        .collect();
    let leaves: Vec<H> = proofs
        .iter()
        .map(|p| leaf_hash(&b64(p["entry"].as_str().unwrap())))
        .collect();
    for (i, proof) in proofs.iter().enumerate() {
        assert_eq!(proof["tree_size"].as_u64(), Some(size as u64));
        assert_eq!(check_inclusion(proof, &vkey, Some(&leaves)), i);
    }
    let error = vault
        .run(["log", "prove", "--entry", &size.to_string()])
        .failed();
    assert!(error["error"].is_string());
}

#[test]
fn item_proof_is_of_its_ingest_entry() {
    let vault = TestVault::new();
    let vkey = vkey(&vault);
    let input = vault.folder("in");
    for i in 0..3 {
        fs::write(input.join(format!("{i}.txt")), format!("file number {i}\n")).unwrap();
    }
    let report = vault.ingest(&[&input], "Originator", &[]);
    let item = item_at(&report, &shown(&input.join("1.txt")));
    let sha = item["sha256"].as_str().unwrap();
    let ingest_index = item["ledger_index"].as_u64().unwrap();
    // Later entries do not change which entry the item's proof is of.
    let out = vault.folder("out").join("1.txt");
    vault.ok([
        "get".as_ref(),
        sha.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--reason".as_ref(),
        "review".as_ref(),
    ]);
    let proof = vault.ok(["log", "prove", "--item", sha]);
    assert_eq!(proof["leaf_index"].as_u64(), Some(ingest_index));
    // No checkpoint covered the download yet, but the proof still is against a signed one.
    check_inclusion(&proof, &vkey, None);
    let entry: Value = serde_json::from_slice(&b64(proof["entry"].as_str().unwrap())).unwrap();
    // The entry commits to its item; the proof document opens it for the custodian.
    assert_eq!(entry["v"], 2);
    assert_ne!(entry["item"], sha);
    assert_eq!(proof["openings"]["item"]["value"], sha);
    assert_eq!(entry["action"], "ingest");
    let unknown = sha256_hex(b"not in this vault");
    assert!(vault.run(["log", "prove", "--item", &unknown]).failed()["error"].is_string());
}

#[test]
fn consistency_proofs_between_checkpoints_verify() {
    let (vault, shas) = busy_vault();
    let vkey = vkey(&vault);
    let first = vault.ok(["log", "checkpoint"]);
    let m = first["tree_size"].as_u64().unwrap() as usize;
    let input = vault.folder("later");
    for i in 0..5 {
        fs::write(
            input.join(format!("{i}.bin")),
            content(&format!("later {i}"), 64),
        )
        .unwrap();
    }
    vault.ingest(&[&input], "Originator", &[]);
    let out = vault.folder("out").join("x");
    vault.ok([
        "get".as_ref(),
        shas[0].as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--reason".as_ref(),
        "r".as_ref(),
    ]);
    let second = vault.ok(["log", "checkpoint"]);
    let n = second["tree_size"].as_u64().unwrap() as usize;
    assert!(n >= m + 6);
    let leaves: Vec<H> = entries(&vault, n).iter().map(|e| leaf_hash(e)).collect();

    let mut sizes = vec![(m, n), (n, n)];
    // Every checkpoint the log kept, against the latest.
    let mut kept: Vec<usize> = fs::read_dir(vault.dir.join("ledger/checkpoints"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.trim_end_matches(".note").parse().unwrap()
        })
        .collect();
    kept.sort();
    assert!(kept.contains(&m) && kept.contains(&n), "{kept:?}");
    sizes.extend(kept.iter().filter(|&&s| s >= 1 && s < n).map(|&s| (s, n)));
    for (from, to) in sizes {
        let json = vault.ok([
            "log",
            "consistency",
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
        ]);
        assert_eq!(json["from"].as_u64(), Some(from as u64));
        assert_eq!(json["to"].as_u64(), Some(to as u64));
        let old = verify_note(json["from_checkpoint"].as_str().unwrap(), &vkey).unwrap();
        let new = verify_note(json["to_checkpoint"].as_str().unwrap(), &vkey).unwrap();
        assert_eq!((old.size, new.size), (from, to));
        assert_eq!(old.root, mth(&leaves[..from]));
        assert_eq!(new.root, mth(&leaves[..to]));
        let proof: Vec<H> = json["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| b64_hash(h.as_str().unwrap()))
            .collect();
        assert_eq!(
            proof,
            subproof(from, &leaves[..to], true),
            "PROOF({from}, D[{to}])"
        );
        let roots = roots_from_consistency(from, to, true, &proof, &old.root);
        assert_eq!(roots, Some((old.root, new.root)), "{from} → {to}");
        if !proof.is_empty() {
            let mut bent = proof.clone();
            bent[0][0] ^= 1;
            assert_ne!(
                roots_from_consistency(from, to, true, &bent, &old.root),
                Some((old.root, new.root))
            );
        }
    }
    // Sizes without a checkpoint are refused.
    let missing = (1..n).find(|s| !kept.contains(s)).unwrap();
    let error = vault
        .run([
            "log",
            "consistency",
            "--from",
            &missing.to_string(),
            "--to",
            &n.to_string(),
        ])
        .failed();
    assert!(
        error["error"].as_str().unwrap().contains("checkpoint"),
        "{error}"
    );
}

#[test]
fn log_verify_recomputes_the_log() {
    let (vault, _) = busy_vault();
    vault.ok(["log", "checkpoint"]);
    let size = log_size(&vault);
    let report = vault.ok(["log", "verify"]);
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["tree_size"].as_u64(), Some(size as u64));
    assert_eq!(report["entries_checked"].as_u64(), Some(size as u64));
    assert!(report["checkpoints_checked"].as_u64().unwrap() >= 2);
    assert_eq!(report["faults"], Value::Array(Vec::new()));
    let leaves: Vec<H> = entries(&vault, size).iter().map(|e| leaf_hash(e)).collect();
    assert_eq!(
        b64_hash(report["root_hash"].as_str().unwrap()),
        mth(&leaves)
    );

    // One flipped bit in a stored hash (the first leaf's, on no path `HEAD` relies on) is found.
    let hashes = vault.dir.join("ledger/hashes");
    let original = fs::read(&hashes).unwrap();
    let mut bytes = original.clone();
    bytes[0] ^= 0x01;
    fs::write(&hashes, &bytes).unwrap();
    let run = vault.run(["log", "verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.json["ok"], false, "{}", run.stdout);
    let faults = run.json["faults"].as_array().unwrap();
    assert!(
        faults
            .iter()
            .any(|f| f.as_str().unwrap().contains("hashes")),
        "{faults:?}"
    );

    // A flipped bit in the right edge of the tree stops the log from opening at all.
    let mut bytes = original;
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    fs::write(&hashes, &bytes).unwrap();
    let error = vault.run(["log", "verify"]).failed();
    assert!(
        error["error"].as_str().unwrap().contains("hashes"),
        "{error}"
    );
}
