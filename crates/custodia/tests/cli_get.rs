//! `get` (with its custody entry), `history`, and a vault copied to another place.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::*;

/// A vault holding one binary item of `len` bytes; returns the vault, the bytes and their hash.
fn vault_with_item(len: usize) -> (TestVault, Vec<u8>, String) {
    let vault = TestVault::new();
    let input = vault.folder("in");
    let mut bytes = vec![0u8, 0xff, 0x10, 0x80];
    bytes.extend(content("an item to take out", len));
    fs::write(input.join("item.bin"), &bytes).unwrap();
    let report = vault.ingest(&[&input], "Originator", &[]);
    let sha = sha256_hex(&bytes);
    assert_eq!(items(&report)[0]["sha256"], sha.as_str());
    (vault, bytes, sha)
}

fn get(vault: &TestVault, sha: &str, out: &Path, reason: &str) -> Run {
    vault.run([
        "get".as_ref(),
        sha.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--reason".as_ref(),
        reason.as_ref(),
    ])
}

fn downloads(vault: &TestVault, sha: &str) -> Vec<Value> {
    vault.history(sha)["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "download")
        .cloned()
        .collect()
}

#[test]
fn get_writes_the_exact_bytes_and_logs_the_reason() {
    // Larger than one 1 MiB chunk of the blob format.
    let (vault, bytes, sha) = vault_with_item(1_300_000);
    let out = vault.folder("out").join("copy.bin");
    let receipt = get(&vault, &sha, &out, "disclosure to the defence, order 12").ok();
    assert_eq!(fs::read(&out).unwrap(), bytes);
    assert_eq!(receipt["sha256"], sha.as_str());
    assert_eq!(receipt["bytes"], bytes.len() as u64);
    assert_eq!(receipt["out"], shown(&out));
    let index = receipt["ledger_index"].as_u64().unwrap();

    let history = vault.history(&sha);
    let events = history["events"].as_array().unwrap();
    assert_eq!(events[0]["action"], "ingest");
    let download = events.last().unwrap();
    assert_eq!(download["action"], "download");
    assert_eq!(download["ledger_index"], index);
    assert_eq!(
        download["details"]["reason"],
        "disclosure to the defence, order 12"
    );
    assert_eq!(download["details"]["bytes"], bytes.len() as u64);
    assert_eq!(download["actor"], "admin");
    let entry: Value = serde_json::from_str(download["entry"].as_str().unwrap()).unwrap();
    assert_eq!(entry["action"], "download");
    // The entry commits to the item (entry format 2); the proof document opens it.
    assert_ne!(entry["item"], sha.as_str());
    assert_eq!(entry["v"], 2);
    // The reason is in the catalog; the log holds only a commitment to it.
    assert!(!download["entry"].as_str().unwrap().contains("defence"));

    // The logged entry is the log's entry at that position.
    let proof = vault.ok(["log", "prove", "--entry", &index.to_string()]);
    let logged = base64_decode(proof["entry"].as_str().unwrap());
    assert_eq!(logged, download["entry"].as_str().unwrap().as_bytes());
    assert_eq!(proof["openings"]["item"]["value"], sha.as_str());

    // A second download is a second entry.
    let out2 = vault.folder("out").join("copy2.bin");
    let second = get(&vault, &sha, &out2, "second look").ok();
    assert!(second["ledger_index"].as_u64().unwrap() > index);
    assert_eq!(downloads(&vault, &sha).len(), 2);
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn get_without_a_reason_is_a_usage_error() {
    let (vault, _, sha) = vault_with_item(100);
    let out = vault.folder("out").join("copy.bin");
    let run = vault.run([
        "get".as_ref(),
        sha.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.json["error"].as_str().unwrap().contains("--reason"),
        "{}",
        run.stdout
    );
    assert!(!out.exists());
    // A blank reason is no reason either.
    let error = get(&vault, &sha, &out, "   ").failed();
    assert!(
        error["error"].as_str().unwrap().contains("reason"),
        "{error}"
    );
    assert!(!out.exists());
    assert!(downloads(&vault, &sha).is_empty());
}

#[test]
fn get_refuses_to_overwrite_a_file() {
    let (vault, _, sha) = vault_with_item(100);
    let dir = vault.folder("out");
    let out = dir.join("existing.bin");
    fs::write(&out, b"someone's own file").unwrap();
    let error = get(&vault, &sha, &out, "checking").failed();
    assert!(
        error["error"].as_str().unwrap().contains("overwrite"),
        "{error}"
    );
    assert_eq!(fs::read(&out).unwrap(), b"someone's own file");
    // No download was logged, and nothing was left beside the file.
    assert!(downloads(&vault, &sha).is_empty());
    assert_eq!(files_under(&dir), vec![out]);
}

#[test]
fn get_of_an_unknown_item_fails_and_writes_nothing() {
    let (vault, _, _) = vault_with_item(100);
    let dir = vault.folder("out");
    let out = dir.join("copy.bin");
    let unknown = sha256_hex(b"never ingested");
    let error = get(&vault, &unknown, &out, "looking").failed();
    assert!(
        error["error"].as_str().unwrap().contains(&unknown),
        "{error}"
    );
    let error = get(&vault, "not-a-hash", &out, "looking").failed();
    assert!(error["error"].is_string());
    assert!(files_under(&dir).is_empty());
    let error = vault.run(["history", &unknown]).failed();
    assert!(
        error["error"].as_str().unwrap().contains(&unknown),
        "{error}"
    );
    let error = vault.run(["show", &unknown]).failed();
    assert!(error["error"].is_string());
}

#[test]
fn a_copied_data_dir_verifies_and_serves_items() {
    let (vault, bytes, sha) = vault_with_item(5000);
    let zip = zip_bytes(&[("inside.txt", b"a member of a copied vault\n")]);
    let input = vault.folder("in2");
    fs::write(input.join("a.zip"), &zip).unwrap();
    vault.ingest(&[&input], "Originator", &[]);
    vault.ok(["log", "checkpoint"]);

    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("moved/vault-copy");
    fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(&vault.dir)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    // The original is gone: the copy cannot lean on it.
    let original = vault.dir.clone();
    fs::rename(&original, vault.tmp.path().join("gone")).unwrap();
    let copied = TestVault {
        tmp: elsewhere,
        dir: copy,
        init: Value::Null,
    };

    let (code, verify) = copied.verify(true);
    assert_eq!(code, 0, "{verify:#}");
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["items_checked"], 3);
    assert_eq!(verify["blobs_checked"], 3);
    assert_eq!(copied.ok(["log", "verify"])["ok"], true);
    let out = copied.folder("out").join("item.bin");
    let receipt = get(&copied, &sha, &out, "working from the copy").ok();
    assert_eq!(fs::read(&out).unwrap(), bytes);
    assert_eq!(downloads(&copied, &sha).len(), 1);
    assert_eq!(
        downloads(&copied, &sha)[0]["ledger_index"],
        receipt["ledger_index"]
    );
    let member = sha256_hex(b"a member of a copied vault\n");
    let out = copied.folder("out").join("member.txt");
    get(&copied, &member, &out, "the member too").ok();
    assert_eq!(fs::read(&out).unwrap(), b"a member of a copied vault\n");
    let (code, verify) = copied.verify(true);
    assert_eq!(code, 0, "{verify:#}");
    assert!(!original.exists());
}
