//! The S3 service dies in the middle of an upload (Garage killed with SIGKILL), then comes back.
//! Guards: the writer reports an error instead of acknowledging, nothing becomes visible under
//! the blob's name, `clean_temporary` removes the abandoned upload once the service is back, and
//! the same blob then stores normally.
//!
//! Runs only when `CUSTODIA_TEST_GARAGE_DIR` names the folder of a Garage started by
//! `scripts/garage start` (as `scripts/test-s3` does); it stops that Garage, so it lives in its
//! own test binary, which cargo runs after the contract tests, never beside them.

mod backends;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use backends::{pattern, read_all, s3_config, service_missing, NAME_KEY, WRAP_KEY};
use custodia_blobstore::{BlobStore, ContentHash, IfPresent, S3BlobStore, Stored, CHUNK_LEN};

fn garage_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/garage")
}

fn kill_garage(dir: &Path) {
    let pid = std::fs::read_to_string(dir.join("garage.pid")).unwrap();
    let status = Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(dir.join("garage.pid")).unwrap();
}

fn start_garage(dir: &Path) {
    let out = Command::new(garage_script())
        .arg("start")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "restarting Garage failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn garage_killed_mid_upload_then_restarted() {
    let Some(dir) = std::env::var_os("CUSTODIA_TEST_GARAGE_DIR").map(PathBuf::from) else {
        service_missing(
            "s3",
            "skipped: CUSTODIA_TEST_GARAGE_DIR is not set (see scripts/test-s3)",
        );
        return;
    };
    let mut config = s3_config().expect("CUSTODIA_TEST_S3_BUCKET must be set with the Garage");
    // Give up quickly while the service is down.
    config.max_retries = 3;
    config.retry_timeout = Duration::from_secs(4);
    config.request_timeout = Duration::from_secs(5);
    let store = S3BlobStore::open(&config, &WRAP_KEY, &NAME_KEY).unwrap();
    store.check().unwrap();

    let bytes = pattern(40 * CHUNK_LEN, 99);
    let hash = ContentHash::of(&bytes);
    let mut writer = store.writer().unwrap();
    // A few parts reach the service...
    writer.write_all(&bytes[..12 * CHUNK_LEN]).unwrap();
    kill_garage(&dir);
    // ...then it is gone: the rest cannot be stored, and nothing is acknowledged.
    let started = Instant::now();
    let outcome = writer
        .write_all(&bytes[12 * CHUNK_LEN..])
        .map_err(|e| e.to_string())
        .and_then(|()| {
            writer
                .finish(&hash, IfPresent::Keep)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    let error = outcome.expect_err("an upload to a dead service was acknowledged");
    eprintln!(
        "error while Garage was down ({:?}): {error}",
        started.elapsed()
    );
    assert!(
        error.contains(&config.bucket),
        "error names no bucket: {error}"
    );
    assert!(!error.contains(&config.secret_access_key));

    start_garage(&dir);
    assert!(
        !store.contains(&hash).unwrap(),
        "a half-stored blob is visible"
    );
    // The writer could not abort its upload while the service was down: its marker remains.
    assert!(!store.temporary_objects().unwrap().is_empty());
    assert!(store.clean_temporary().unwrap() >= 1);
    assert!(store.temporary_objects().unwrap().is_empty());

    let mut writer = store.writer().unwrap();
    writer.write_all(&bytes).unwrap();
    assert_eq!(writer.finish(&hash, IfPresent::Keep).unwrap(), Stored::New);
    assert!(read_all(&store, &hash).unwrap() == bytes);
}
