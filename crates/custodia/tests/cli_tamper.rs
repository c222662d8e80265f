//! Tampering with the data directory behind the vault's back: `verify` exits non-zero, and each
//! fault names the item and its kind.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::*;

/// A vault holding item A (first ingest) and item B (second ingest); returns the vault, the
/// hashes of A and B, B's blob file, and a copy of the ledger folder taken before B.
struct Setup {
    vault: TestVault,
    a: String,
    b: String,
    b_blob: PathBuf,
    ledger_before_b: PathBuf,
}

fn setup() -> Setup {
    let vault = TestVault::new();
    let first = vault.folder("first");
    let a_bytes = content("item A, ingested first", 3000);
    fs::write(first.join("a.bin"), &a_bytes).unwrap();
    vault.ingest(&[&first], "Originator", &[]);
    let blobs_before = vault.blob_files();
    let ledger_before_b = vault.tmp.path().join("ledger-before-b");
    copy_dir(&vault.dir.join("ledger"), &ledger_before_b);

    let second = vault.folder("second");
    let b_bytes = content("item B, ingested second", 200_000);
    fs::write(second.join("b.bin"), &b_bytes).unwrap();
    vault.ingest(&[&second], "Originator", &[]);
    let new_blobs: Vec<PathBuf> = vault
        .blob_files()
        .difference(&blobs_before)
        .cloned()
        .collect();
    assert_eq!(new_blobs.len(), 1);
    let (code, report) = vault.verify(true);
    assert_eq!(code, 0, "{report:#}");
    Setup {
        vault,
        a: sha256_hex(&a_bytes),
        b: sha256_hex(&b_bytes),
        b_blob: new_blobs[0].clone(),
        ledger_before_b,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `verify --json [--deep]`, which must fail, and returns its faults.
fn faults(vault: &TestVault, deep: bool) -> Vec<Value> {
    let (code, report) = vault.verify(deep);
    assert_eq!(code, 1, "verify must fail: {report:#}");
    assert_eq!(report["ok"], false, "{report:#}");
    let faults = report["faults"].as_array().unwrap().clone();
    assert!(!faults.is_empty());
    faults
}

fn assert_fault(faults: &[Value], kind: &str, item: &str) {
    assert!(
        faults
            .iter()
            .any(|f| f["kind"] == kind && f["item"] == item),
        "no `{kind}` fault for item {item} in {faults:#?}"
    );
}

fn assert_no_fault_for(faults: &[Value], item: &str) {
    assert!(
        faults.iter().all(|f| f["item"] != item),
        "unexpected fault for {item}: {faults:#?}"
    );
}

/// Opens the catalog with the key the vault derives from its master key.
fn open_catalog(vault: &TestVault) -> rusqlite::Connection {
    let keys = custodia_vault::VaultKeys::load(&vault.dir.join("keys/master.key")).unwrap();
    let conn = rusqlite::Connection::open(vault.dir.join("catalog/catalog.db")).unwrap();
    conn.pragma_update(
        None,
        "key",
        format!("x'{}'", hex::encode(keys.catalog_key())),
    )
    .unwrap();
    // Whoever tampers does not care for the schema's constraints.
    conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    let items: i64 = conn
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(items, 2);
    conn
}

#[test]
fn a_flipped_byte_in_a_blob_is_found_by_deep_verify() {
    let s = setup();
    let mut bytes = fs::read(&s.b_blob).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    fs::write(&s.b_blob, &bytes).unwrap();

    // Only decrypting shows it: the blob is still there.
    let (code, report) = s.vault.verify(false);
    assert_eq!(code, 0, "{report:#}");
    let faults = faults(&s.vault, true);
    assert_fault(&faults, "blob_changed", &s.b);
    assert_no_fault_for(&faults, &s.a);
    // Reading it out fails too, and writes nothing.
    let out = s.vault.folder("out").join("b.bin");
    let error = s
        .vault
        .run([
            "get".as_ref(),
            s.b.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "--reason".as_ref(),
            "check".as_ref(),
        ])
        .failed();
    assert!(error["error"].is_string());
    let left = files_under(&s.vault.folder("out"));
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_deleted_blob_is_missing() {
    let s = setup();
    fs::remove_file(&s.b_blob).unwrap();
    for deep in [false, true] {
        let faults = faults(&s.vault, deep);
        assert_fault(&faults, "missing_blob", &s.b);
        assert_no_fault_for(&faults, &s.a);
    }
    let out = s.vault.folder("out").join("b.bin");
    s.vault
        .run([
            "get".as_ref(),
            s.b.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "--reason".as_ref(),
            "check".as_ref(),
        ])
        .failed();
    let left = files_under(&s.vault.folder("out"));
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_deleted_custody_event_row_is_found() {
    let s = setup();
    let conn = open_catalog(&s.vault);
    let deleted = conn
        .execute(
            "DELETE FROM events WHERE item = ?1 AND action = 'ingest'",
            [&s.b],
        )
        .unwrap();
    assert_eq!(deleted, 1);
    drop(conn);
    let faults = faults(&s.vault, false);
    assert_fault(&faults, "log_entry_without_row", &s.b);
    assert_fault(&faults, "missing_ingest_entry", &s.b);
    assert_no_fault_for(&faults, &s.a);
}

#[test]
fn a_deleted_item_row_is_found() {
    let s = setup();
    let conn = open_catalog(&s.vault);
    assert_eq!(
        conn.execute("DELETE FROM items WHERE sha256 = ?1", [&s.b])
            .unwrap(),
        1
    );
    drop(conn);
    let faults = faults(&s.vault, false);
    assert_fault(&faults, "missing_item_row", &s.b);
    assert_no_fault_for(&faults, &s.a);
}

#[test]
fn an_edited_provenance_row_is_found() {
    let s = setup();
    let conn = open_catalog(&s.vault);
    assert_eq!(
        conn.execute(
            "UPDATE submissions SET originator = 'Someone Else' WHERE sha256 = ?1",
            [&s.b],
        )
        .unwrap(),
        1
    );
    drop(conn);
    // The edit is visible…
    let show = s.vault.show(&s.b);
    assert_eq!(show["submissions"][0]["originator"], "Someone Else");
    // …and contradicts the log.
    let faults = faults(&s.vault, false);
    assert_fault(&faults, "row_differs_from_log", &s.b);
    assert_no_fault_for(&faults, &s.a);
}

#[test]
fn an_edited_item_row_is_found() {
    let s = setup();
    let conn = open_catalog(&s.vault);
    assert_eq!(
        conn.execute(
            "UPDATE items SET mime = 'application/pdf' WHERE sha256 = ?1",
            [&s.b],
        )
        .unwrap(),
        1
    );
    drop(conn);
    let faults = faults(&s.vault, false);
    assert_fault(&faults, "row_differs_from_log", &s.b);
    assert_no_fault_for(&faults, &s.a);
}

#[test]
fn a_ledger_restored_from_an_older_copy_is_found() {
    let s = setup();
    let ledger = s.vault.dir.join("ledger");
    fs::remove_dir_all(&ledger).unwrap();
    copy_dir(&s.ledger_before_b, &ledger);
    // The old log is consistent by itself…
    assert_eq!(s.vault.ok(["log", "verify"])["ok"], true);
    // …but the catalog places B's ingest past its end.
    let faults = faults(&s.vault, false);
    assert_fault(&faults, "catalog_row_without_log_entry", &s.b);
    assert_no_fault_for(&faults, &s.a);
}

#[test]
fn a_truncated_ledger_is_reported() {
    let s = setup();
    let entries = s.vault.dir.join("ledger/entries");
    let len = fs::metadata(&entries).unwrap().len();
    let file = fs::OpenOptions::new().write(true).open(&entries).unwrap();
    file.set_len(len - 10).unwrap();
    drop(file);
    for args in [&["verify"][..], &["verify", "--deep"], &["log", "verify"]] {
        let run = s.vault.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        let text = run.json.to_string();
        assert!(
            run.json["ok"] == false || run.json["error"].is_string(),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("entries"),
            "{args:?}: the damaged file is named: {text}"
        );
    }
    // Nothing was repaired behind the custodian's back.
    assert_eq!(fs::metadata(&entries).unwrap().len(), len - 10);
}
