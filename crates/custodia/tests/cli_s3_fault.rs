//! Garage killed in the middle of an ingest into a vault whose blobs live in S3, then restarted:
//! the ingest either rides out the outage (its requests are retried with back-off) or fails with
//! an error; either way, running the same ingest again completes it, and `verify --deep` finds
//! every item whole and nothing half-stored.
//!
//! Runs only when `CUSTODIA_TEST_GARAGE_DIR` names the folder of a Garage started by
//! `scripts/garage start` (as `scripts/test-s3` does); it kills that Garage, so it lives in its
//! own test binary, run after the others.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use support::*;

fn garage(action: &str, dir: &Path) {
    if action == "kill" {
        let pid = fs::read_to_string(dir.join("garage.pid")).unwrap();
        let killed = Command::new("kill")
            .args(["-9", pid.trim()])
            .status()
            .unwrap();
        assert!(killed.success());
        fs::remove_file(dir.join("garage.pid")).unwrap();
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/garage");
    let out = Command::new(script).arg(action).arg(dir).output().unwrap();
    assert!(
        out.status.success(),
        "{action} Garage: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn garage_killed_mid_ingest_then_the_same_ingest_completes() {
    let (Some(garage_dir), Ok(bucket)) = (
        std::env::var_os("CUSTODIA_TEST_GARAGE_DIR").map(PathBuf::from),
        std::env::var("CUSTODIA_TEST_S3_BUCKET"),
    ) else {
        service_missing(
            "s3",
            "skipped: CUSTODIA_TEST_GARAGE_DIR is not set (see scripts/test-s3)",
        );
        return;
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let url = format!("s3://{bucket}/fault-{nanos}");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let init = run(custodia()
        .arg("--data-dir")
        .arg(&dir)
        .args(["--json", "init", "--blobs", &url]))
    .ok();
    let vault = TestVault { tmp, dir, init };
    let input = vault.folder("recordings");
    const FILES: usize = 40;
    for i in 0..FILES {
        fs::write(
            input.join(format!("recording-{i:02}.bin")),
            content(&format!("recording {i}"), 4 << 20),
        )
        .unwrap();
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_custodia"))
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["--json", "ingest"])
        .arg(&input)
        .args(["--originator", "Field team"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // The kill must hit the ingest while it runs: 160 MiB to encrypt and upload take longer
    // than the wait above, and a test whose ingest was over would prove nothing.
    assert!(
        child.try_wait().unwrap().is_none(),
        "the ingest ended before Garage was killed; nothing was interrupted"
    );
    garage("kill", &garage_dir);
    let running_after_kill = child.try_wait().unwrap().is_none();
    std::thread::sleep(Duration::from_secs(2));
    garage("start", &garage_dir);
    let first = child.wait_with_output().unwrap();
    let first_report: Value = serde_json::from_slice(&first.stdout).unwrap_or(Value::Null);
    // Interrupted for real: still running when its store vanished, and either it failed or it
    // got through the outage by retrying (then everything it reports is stored, checked below).
    assert!(running_after_kill, "the ingest ended as Garage was killed");
    assert!(
        !first.status.success() || items(&first_report).len() == FILES,
        "an ingest that reports success reported {} of {FILES} items: {first_report}",
        items(&first_report).len()
    );
    eprintln!(
        "the interrupted ingest ended with {}: {}",
        first.status,
        String::from_utf8_lossy(&first.stderr)
    );

    // The same ingest again: it completes what the first did not.
    let report = vault.ingest(&[&input], "Field team", &[]);
    assert_eq!(items(&report).len(), FILES, "{report}");
    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    assert_eq!(verified["blobs_checked"], FILES as u64, "{verified}");
    let listed: Value = vault.ok(["verify"]);
    assert_eq!(listed["ok"], true);
}
