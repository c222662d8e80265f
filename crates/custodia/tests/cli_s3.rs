//! A vault whose blobs live in an S3 bucket (`init --blobs s3://…`), end to end: ingest of small
//! items (packed together) and of one spanning several multipart parts, `get`, `verify --deep`, and a location
//! that already holds objects refused; an ingest killed while its uploads run in the background
//! loses no item it acknowledged. The S3 tests run when `CUSTODIA_TEST_S3_BUCKET` and the
//! `AWS_*` variables name a bucket (`scripts/test-s3` starts a throw-away Garage and sets them).

mod support;

use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
    // The three notes went out together, in one pack: read one back through it.
    let note = vault.folder("out").join("note-1.txt");
    let note_sha = sha256_hex(b"statement 1");
    vault.ok([
        "get".as_ref(),
        note_sha.as_str().as_ref(),
        "--out".as_ref(),
        note.as_os_str(),
        "--reason".as_ref(),
        "analysis".as_ref(),
    ]);
    assert_eq!(fs::read(&note).unwrap(), b"statement 1");

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

/// Small blobs go to S3 in the background, many at once, and a batch is acknowledged only once
/// all of its uploads are done: an ingest killed (SIGKILL) at any moment leaves every item it
/// acknowledged stored whole, and rerunning it completes the rest.
#[test]
fn an_ingest_killed_while_uploading_in_the_background_loses_nothing_acknowledged() {
    let Some(url) = s3_location() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let init = run(custodia()
        .arg("--data-dir")
        .arg(&dir)
        .args(["--json", "init", "--blobs", &url]))
    .ok();
    let vault = TestVault { tmp, dir, init };
    let input = vault.folder("statements");
    // Each box opens with an archive, which makes the ingest commit the batch before it: many
    // batches, so that the kill lands between them.
    const FILES: usize = 3000;
    const BOXES: usize = FILES / 500;
    let expected = FILES + BOXES * 3;
    for i in 0..FILES {
        let sub = input.join(format!("box-{:02}", i / 500));
        if i % 500 == 0 {
            fs::create_dir_all(&sub).unwrap();
            let label = format!("box {i}");
            fs::write(
                sub.join("archive.zip"),
                zip_bytes(&[("inventory.txt", label.as_bytes()), ("seal.txt", b"sealed")]),
            )
            .unwrap();
        }
        fs::write(
            sub.join(format!("statement-{i:04}.txt")),
            content(&format!("statement {i}"), 1000 + (i * 37) % 9000),
        )
        .unwrap();
    }
    let acks = vault.tmp.path().join("acks.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_custodia"))
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["--json", "ingest"])
        .arg(&input)
        .args(["--originator", "Field team", "--acknowledgements"])
        .arg(&acks)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the first batch is acknowledged, while the next one's uploads are under way.
    let started = Instant::now();
    while fs::read_to_string(&acks)
        .unwrap_or_default()
        .lines()
        .count()
        < 1
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the ingest ended before it was killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "nothing acknowledged"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let acknowledged: Vec<Value> = fs::read_to_string(&acks)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    assert!(!acknowledged.is_empty() && acknowledged.len() < expected);
    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    // Every acknowledged item reads back whole (its blob checked by `verify --deep` above).
    for item in acknowledged.iter().step_by(97) {
        let shown = vault.show(item["sha256"].as_str().unwrap());
        assert_eq!(shown["item"]["size"], item["size"], "{shown}");
    }
    assert!(verified["blobs_checked"].as_u64().unwrap() >= acknowledged.len() as u64);

    let report = vault.ingest(&[&input], "Field team", &[]);
    assert_eq!(items(&report).len(), expected);
    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    // The seal is the same in every box: one blob.
    assert_eq!(verified["blobs_checked"], (expected - BOXES + 1) as u64);
}
