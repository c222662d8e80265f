//! A vault whose blobs live in an S3 bucket (`init --blobs s3://…`), end to end: ingest of small
//! items and of one spanning several multipart parts, `get`, `verify --deep`, and a location
//! that already holds objects refused. The S3 tests run when `CUSTODIA_TEST_S3_BUCKET` and the
//! `AWS_*` variables name a bucket (`scripts/test-s3` starts a throw-away Garage and sets them).

mod support;

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use support::*;

/// A fresh, empty location in the test bucket, if S3 tests are enabled.
fn s3_location() -> Option<String> {
    let Ok(bucket) = std::env::var("CUSTODIA_TEST_S3_BUCKET") else {
        service_missing("s3", "skipped: CUSTODIA_TEST_S3_BUCKET is not set");
        return None;
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Some(format!("s3://{bucket}/cli-{nanos}-{}", std::process::id()))
}

#[test]
fn a_vault_with_blobs_in_s3_ingests_gets_and_verifies() {
    let Some(url) = s3_location() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let init = run(custodia()
        .arg("--data-dir")
        .arg(&dir)
        .args(["--json", "init", "--blobs", &url]))
    .ok();
    assert!(init["vault_id"].is_string());
    let config: Value = serde_json::from_slice(&fs::read(dir.join("vault.json")).unwrap()).unwrap();
    assert_eq!(config["blobs"], url.as_str());
    assert!(!dir.join("blobs").exists(), "a local blob folder was made");

    let vault = TestVault { tmp, dir, init };
    let input = vault.folder("in");
    let large = content("a recording", 19 << 20);
    fs::write(input.join("recording.bin"), &large).unwrap();
    for i in 0..3 {
        fs::write(
            input.join(format!("note-{i}.txt")),
            format!("statement {i}"),
        )
        .unwrap();
    }
    let report = vault.ingest(&[&input], "Originator", &[]);
    assert_eq!(items(&report).len(), 4);

    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    assert_eq!(verified["blobs_checked"], 4);
    assert_eq!(verified["bytes_checked"], large.len() as u64 + 3 * 11);

    let sha = sha256_hex(&large);
    let out = vault.folder("out").join("recording.bin");
    vault.ok([
        "get".as_ref(),
        sha.as_str().as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--reason".as_ref(),
        "analysis".as_ref(),
    ]);
    assert!(fs::read(&out).unwrap() == large);

    // A second vault may not share the location.
    let other = tempfile::tempdir().unwrap();
    let refused = run(custodia()
        .arg("--data-dir")
        .arg(other.path().join("vault"))
        .args(["--json", "init", "--blobs", &url]))
    .failed();
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("already holds objects"),
        "{refused}"
    );
    assert!(!other.path().join("vault").exists());
}

#[test]
fn a_local_vault_keeps_its_vault_json_unchanged() {
    let vault = TestVault::new();
    let config: Value =
        serde_json::from_slice(&fs::read(vault.dir.join("vault.json")).unwrap()).unwrap();
    assert!(config.get("blobs").is_none(), "{config}");
    assert!(vault.dir.join("blobs").is_dir());
}

#[test]
fn a_malformed_blobs_location_is_refused_before_anything_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let refused = run(custodia().arg("--data-dir").arg(&dir).args([
        "--json",
        "init",
        "--blobs",
        "https://bucket.example/x",
    ]))
    .failed();
    assert!(
        refused["error"].as_str().unwrap().contains("s3://"),
        "{refused}"
    );
    assert!(!dir.exists());
}
