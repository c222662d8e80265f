//! Write and read throughput of one large blob, in a local folder and (when
//! `CUSTODIA_TEST_S3_BUCKET` and the `AWS_*` variables are set) in an S3 bucket.
//!
//! ```text
//! cargo run --release -p custodia-blobstore --example throughput -- [MIB]
//! ```

use std::io::{Read, Write};
use std::time::Instant;

use custodia_blobstore::{
    BlobStore, ContentHash, IfPresent, LocalBlobStore, S3BlobStore, S3Config,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(256);
    let piece: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut whole = Vec::with_capacity(mib << 20);
    for i in 0..mib {
        whole.extend_from_slice(&piece);
        whole[i << 20] = i as u8;
    }
    let hash = ContentHash::of(&whole);

    let dir = tempfile::tempdir()?;
    let local = LocalBlobStore::open(dir.path(), &[1; 32], &[2; 32])?;
    measure("local", &local, &whole, &hash)?;
    if let Ok(bucket) = std::env::var("CUSTODIA_TEST_S3_BUCKET") {
        let prefix = format!("throughput-{}", std::process::id());
        let config = S3Config::from_url(&format!("s3://{bucket}/{prefix}"))?;
        let s3 = S3BlobStore::open(&config, &[1; 32], &[2; 32])?;
        measure(&s3.url(), &s3, &whole, &hash)?;
    }
    Ok(())
}

fn measure(
    name: &str,
    store: &dyn BlobStore,
    bytes: &[u8],
    hash: &ContentHash,
) -> Result<(), Box<dyn std::error::Error>> {
    let mb = bytes.len() as f64 / 1e6;
    let started = Instant::now();
    let mut writer = store.writer()?;
    for piece in bytes.chunks(1 << 20) {
        writer.write_all(piece)?;
    }
    writer.finish(hash, IfPresent::Replace)?;
    store.sync()?;
    let wrote = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut reader = store.open(hash)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0usize;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n;
    }
    let read = started.elapsed().as_secs_f64();
    assert_eq!(total, bytes.len());
    println!(
        "{name}: {mb:.0} MB written at {:.0} MB/s, read at {:.0} MB/s",
        mb / wrote,
        mb / read
    );
    Ok(())
}
