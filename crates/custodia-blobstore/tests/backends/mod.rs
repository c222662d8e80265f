//! The back-ends the contract tests run against, and what the tests need beyond the
//! `BlobStore` trait: the stored bytes (to damage them) and the temporary leftovers.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use custodia_blobstore::{
    BlobStore, ContentHash, IfPresent, LocalBlobStore, S3BlobStore, S3Config,
};

pub const WRAP_KEY: [u8; 32] = [7; 32];
pub const NAME_KEY: [u8; 32] = [9; 32];

pub trait Backend {
    fn name(&self) -> String;
    fn store(&self) -> &dyn BlobStore;
    /// The stored (encrypted) bytes of a blob.
    fn stored(&self, hash: &ContentHash) -> Vec<u8>;
    /// Overwrites the stored bytes of a blob.
    fn replace_stored(&self, hash: &ContentHash, bytes: Vec<u8>);
    /// Unfinished writes left in the store.
    fn temporary(&self) -> usize;
    /// The blob's name relative to the store's root.
    fn relative_name(&self, hash: &ContentHash) -> String;
}

pub struct Local {
    dir: tempfile::TempDir,
    store: LocalBlobStore,
}

impl Backend for Local {
    fn name(&self) -> String {
        "local".into()
    }
    fn store(&self) -> &dyn BlobStore {
        &self.store
    }
    fn stored(&self, hash: &ContentHash) -> Vec<u8> {
        std::fs::read(self.store.path_of(hash)).unwrap()
    }
    fn replace_stored(&self, hash: &ContentHash, bytes: Vec<u8>) {
        let path = self.store.path_of(hash);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    fn temporary(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("tmp"))
            .unwrap()
            .count()
    }
    fn relative_name(&self, hash: &ContentHash) -> String {
        let path = self.store.path_of(hash);
        let relative = path.strip_prefix(self.dir.path()).unwrap();
        relative.to_str().unwrap().to_owned()
    }
}

pub struct S3 {
    store: S3BlobStore,
    prefix: String,
}

impl Backend for S3 {
    fn name(&self) -> String {
        self.store.url()
    }
    fn store(&self) -> &dyn BlobStore {
        &self.store
    }
    fn stored(&self, hash: &ContentHash) -> Vec<u8> {
        self.store.stored_bytes(hash).unwrap()
    }
    fn replace_stored(&self, hash: &ContentHash, bytes: Vec<u8>) {
        self.store.replace_stored_bytes(hash, bytes).unwrap()
    }
    fn temporary(&self) -> usize {
        self.store.temporary_objects().unwrap().len()
    }
    fn relative_name(&self, hash: &ContentHash) -> String {
        let key = self.store.object_key(hash);
        key.strip_prefix(&format!("{}/", self.prefix))
            .unwrap()
            .to_owned()
    }
}

pub fn local() -> Box<dyn Backend> {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::open(dir.path(), &WRAP_KEY, &NAME_KEY).unwrap();
    Box::new(Local { dir, store })
}

/// A prefix no other test uses.
fn fresh_prefix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "test-{nanos}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The S3 configuration from the environment, if the tests are to use S3.
pub fn s3_config() -> Option<S3Config> {
    let bucket = std::env::var("CUSTODIA_TEST_S3_BUCKET").ok()?;
    let prefix = fresh_prefix();
    let mut config = S3Config::from_url(&format!("s3://{bucket}/{prefix}"))
        .expect("CUSTODIA_TEST_S3_BUCKET is set but the AWS_* variables are not usable");
    // The smallest parts S3 allows, so that multipart uploads happen with small test blobs.
    config.part_len = 5 << 20;
    config.retry_timeout = Duration::from_secs(20);
    Some(config)
}

pub fn s3() -> Option<Box<dyn Backend>> {
    let config = s3_config()?;
    let store = S3BlobStore::open(&config, &WRAP_KEY, &NAME_KEY).unwrap();
    store.check().unwrap();
    Some(Box::new(S3 {
        store,
        prefix: config.prefix,
    }))
}

/// Every back-end to test: the local one, and S3 if configured.
pub fn backends() -> Vec<Box<dyn Backend>> {
    let mut all = vec![local()];
    match s3() {
        Some(s3) => all.push(s3),
        None => service_missing(
            "s3",
            "S3 back-end skipped: CUSTODIA_TEST_S3_BUCKET is not set",
        ),
    }
    all
}

/// `len` bytes of a pattern that differs with `seed` and does not repeat at chunk edges.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

pub fn put(store: &dyn BlobStore, bytes: &[u8], if_present: IfPresent) -> ContentHash {
    let hash = ContentHash::of(bytes);
    let mut w = store.writer().unwrap();
    w.write_all(bytes).unwrap();
    w.finish(&hash, if_present).unwrap();
    hash
}

pub fn read_all(store: &dyn BlobStore, hash: &ContentHash) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    store
        .open(hash)
        .map_err(io::Error::other)?
        .read_to_end(&mut out)?;
    Ok(out)
}

/// A test that needs `service` and finds it missing: under `CI` that fails the test, unless the
/// suite runs it later with the service (`CUSTODIA_TEST_DEFERRED=s3,postgres`, set by
/// `scripts/test` for the run before `scripts/test-s3` and `scripts/test-postgres`); elsewhere
/// the test is skipped with `note`.
pub fn service_missing(service: &str, note: &str) {
    let deferred = std::env::var("CUSTODIA_TEST_DEFERRED").unwrap_or_default();
    assert!(
        std::env::var_os("CI").is_none() || deferred.split(',').any(|d| d.trim() == service),
        "{note}, and CI is set: this test needs {service} (scripts/test starts it)"
    );
    eprintln!("{note}");
}
