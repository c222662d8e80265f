//! Write and read throughput of one large blob, in a local folder and (when
//! `CUSTODIA_TEST_S3_BUCKET` and the `AWS_*` variables are set) in an S3 bucket, and the
//! process's peak memory: the blob is generated while it is written and checked while it is
//! read, never held whole, so the peak shows what the stores themselves hold.
//!
//! ```text
//! cargo run --release -p custodia-blobstore --example throughput -- [MIB]
//! ```

use std::io::{Read, Write};
use std::time::Instant;

use sha2::{Digest, Sha256};

use custodia_blobstore::{
    BlobStore, ContentHash, IfPresent, LocalBlobStore, S3BlobStore, S3Config,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(256);
    let mut sha = Sha256::new();
    for i in 0..mib {
        sha.update(piece(i));
    }
    let hash = ContentHash(sha.finalize().into());

    let dir = tempfile::tempdir()?;
    let local = LocalBlobStore::open(dir.path(), &[1; 32], &[2; 32])?;
    measure("local", &local, mib, &hash)?;
    if let Ok(bucket) = std::env::var("CUSTODIA_TEST_S3_BUCKET") {
        let prefix = format!("throughput-{}", std::process::id());
        let config = S3Config::from_url(&format!("s3://{bucket}/{prefix}"))?;
        let s3 = S3BlobStore::open(&config, &[1; 32], &[2; 32])?;
        measure(&s3.url(), &s3, mib, &hash)?;
    }
    Ok(())
}

fn measure(
    name: &str,
    store: &dyn BlobStore,
    mib: usize,
    hash: &ContentHash,
) -> Result<(), Box<dyn std::error::Error>> {
    let mb = (mib << 20) as f64 / 1e6;
    let started = Instant::now();
    let mut writer = store.writer()?;
    for i in 0..mib {
        writer.write_all(&piece(i))?;
    }
    writer.finish(hash, IfPresent::Replace)?;
    store.sync()?;
    let wrote = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut reader = store.open(hash)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut sha = Sha256::new();
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
    }
    let read = started.elapsed().as_secs_f64();
    assert!(
        ContentHash(sha.finalize().into()) == *hash,
        "{name}: read other bytes"
    );
    println!(
        "{name}: {mb:.0} MB written at {:.0} MB/s, read at {:.0} MB/s; peak memory so far {}",
        mb / wrote,
        mb / read,
        peak_memory()
    );
    Ok(())
}

/// MiB `i` of the test blob: one random MiB, numbered (cheap to make, so that the figures are
/// the stores', not the generator's).
fn piece(i: usize) -> Vec<u8> {
    static BASE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let base = BASE.get_or_init(|| {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        (0..1 << 20)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    });
    let mut piece = base.clone();
    piece[..8].copy_from_slice(&(i as u64).to_le_bytes());
    piece
}

/// The process's peak resident memory (`VmHWM`), as Linux reports it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}
