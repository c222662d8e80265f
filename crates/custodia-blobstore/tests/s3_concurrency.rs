//! The S3 store's uploads in flight, against a small fake S3 service that answers every `PUT`
//! only after a delay and counts how many it holds at once: blobs finished in the background go
//! out side by side, never more at once than the configured concurrency, and `sync` returns only
//! once every one of them is stored, failing if one failed.
//!
//! Runs without any S3 service (the contract against Garage is `tests/contract.rs`).

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use custodia_blobstore::{BlobStore, ContentHash, IfPresent, S3BlobStore, S3Config};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// How long the fake holds each `PUT` before answering.
const PUT_DELAY: Duration = Duration::from_millis(60);

#[derive(Default)]
struct Fake {
    current: AtomicUsize,
    peak: AtomicUsize,
    stored: AtomicUsize,
    refuse_puts: AtomicBool,
    objects: Mutex<HashMap<String, usize>>,
}

/// Starts the fake on a thread of its own; returns its state and its address.
fn start_fake() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let state = Arc::clone(&fake);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    let _ = serve(socket, state).await;
                });
            }
        });
    });
    let addr = rx.recv().unwrap();
    (fake, format!("http://{addr}"))
}

/// Answers HTTP/1.1 requests on one connection: `HEAD` (404 unless stored), `PUT` (after
/// [`PUT_DELAY`]; 403 when refusing).
async fn serve(socket: tokio::net::TcpStream, fake: Arc<Fake>) -> std::io::Result<()> {
    let mut socket = BufReader::new(socket);
    loop {
        let mut request_line = String::new();
        if socket.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let path = parts.next().unwrap_or("").to_owned();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            socket.read_line(&mut header).await?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        socket.read_exact(&mut body).await?;
        let answer = match method.as_str() {
            "PUT" => {
                let now = fake.current.fetch_add(1, Ordering::SeqCst) + 1;
                fake.peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(PUT_DELAY).await;
                fake.current.fetch_sub(1, Ordering::SeqCst);
                if fake.refuse_puts.load(Ordering::SeqCst) {
                    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".to_owned()
                } else {
                    fake.objects.lock().unwrap().insert(path, body.len());
                    fake.stored.fetch_add(1, Ordering::SeqCst);
                    "HTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 0\r\n\r\n".to_owned()
                }
            }
            "HEAD" => match fake.objects.lock().unwrap().get(&path) {
                Some(len) => format!(
                    "HTTP/1.1 200 OK\r\nETag: \"e\"\r\nLast-Modified: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Length: {len}\r\n\r\n"
                ),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_owned(),
            },
            _ => "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n".to_owned(),
        };
        socket.get_mut().write_all(answer.as_bytes()).await?;
    }
}

fn store(endpoint: &str, concurrency: usize) -> S3BlobStore {
    S3BlobStore::open(&config(endpoint, concurrency), &[1; 32], &[2; 32]).unwrap()
}

fn config(endpoint: &str, concurrency: usize) -> S3Config {
    S3Config {
        bucket: "fake-bucket".into(),
        prefix: "vault".into(),
        endpoint: Some(endpoint.to_owned()),
        region: "garage".into(),
        access_key_id: "GKfake".into(),
        secret_access_key: "fake".into(),
        session_token: None,
        max_retries: 0,
        retry_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
        part_len: 5 << 20,
        concurrency,
        // One object per blob: these tests count `PUT`s (packs are tested against Garage).
        pack_below: 0,
    }
}

/// Starts a `sync` on another thread (another ingest's) and returns once it is waiting for the
/// uploads in flight (each takes [`PUT_DELAY`]).
fn sync_in_background(
    s3: &S3BlobStore,
) -> std::thread::JoinHandle<Result<(), custodia_blobstore::BlobError>> {
    let s3 = s3.clone();
    let first = std::thread::spawn(move || s3.sync());
    std::thread::sleep(PUT_DELAY / 4);
    first
}

/// Finishes `count` small blobs in the background from one thread.
fn write_small_blobs(store: &S3BlobStore, count: usize, if_present: IfPresent) {
    for i in 0..count {
        let bytes = format!("small blob {i}").repeat(100).into_bytes();
        let mut writer = store.writer().unwrap();
        writer.write_all(&bytes).unwrap();
        writer
            .finish_deferred(&ContentHash::of(&bytes), if_present)
            .unwrap();
    }
}

#[test]
fn background_uploads_go_out_side_by_side_up_to_the_concurrency() {
    for concurrency in [16, 3] {
        let (fake, endpoint) = start_fake();
        let s3 = store(&endpoint, concurrency);
        write_small_blobs(&s3, 64, IfPresent::Replace);
        s3.sync().unwrap();
        // `sync` returned: every blob is stored.
        assert_eq!(fake.stored.load(Ordering::SeqCst), 64);
        assert_eq!(
            fake.peak.load(Ordering::SeqCst),
            concurrency,
            "uploads in flight at once, configured {concurrency}"
        );
    }
}

#[test]
fn a_kept_blob_is_not_sent_again() {
    let (fake, endpoint) = start_fake();
    let s3 = store(&endpoint, 4);
    write_small_blobs(&s3, 8, IfPresent::Keep);
    s3.sync().unwrap();
    write_small_blobs(&s3, 8, IfPresent::Keep);
    s3.sync().unwrap();
    assert_eq!(fake.stored.load(Ordering::SeqCst), 8);
}

#[test]
fn sync_fails_when_a_background_upload_failed() {
    let (fake, endpoint) = start_fake();
    let s3 = store(&endpoint, 4);
    fake.refuse_puts.store(true, Ordering::SeqCst);
    write_small_blobs(&s3, 5, IfPresent::Replace);
    let error = s3.sync().unwrap_err().to_string();
    assert!(
        error.contains("cannot write `vault/") && error.contains("fake-bucket"),
        "{error}"
    );
    // Reported once; later blobs are judged on their own.
    fake.refuse_puts.store(false, Ordering::SeqCst);
    write_small_blobs(&s3, 2, IfPresent::Replace);
    s3.sync().unwrap();
}

#[test]
fn a_sync_waits_for_its_uploads_even_while_another_sync_waits_for_them() {
    let (fake, endpoint) = start_fake();
    let s3 = store(&endpoint, 4);
    // Two ingests of one server share the store: the first syncs while the second's blob is
    // still on its way; the second's `sync` must not return before that blob is stored.
    write_small_blobs(&s3, 1, IfPresent::Replace);
    let first = sync_in_background(&s3);
    s3.sync().unwrap();
    assert_eq!(
        fake.stored.load(Ordering::SeqCst),
        1,
        "a sync returned before the upload it covers was stored"
    );
    first.join().unwrap().unwrap();
}

#[test]
fn every_sync_that_covered_a_failed_upload_reports_it() {
    let (fake, endpoint) = start_fake();
    let s3 = store(&endpoint, 4);
    fake.refuse_puts.store(true, Ordering::SeqCst);
    write_small_blobs(&s3, 1, IfPresent::Replace);
    let first = sync_in_background(&s3);
    assert!(s3.sync().is_err(), "the second sync missed the failure");
    assert!(
        first.join().unwrap().is_err(),
        "the first sync missed the failure"
    );
}

#[test]
fn a_failed_upload_fails_every_later_sync_until_it_is_stored() {
    let (fake, endpoint) = start_fake();
    let s3 = store(&endpoint, 4);
    fake.refuse_puts.store(true, Ordering::SeqCst);
    write_small_blobs(&s3, 1, IfPresent::Replace);
    assert!(s3.sync().is_err());
    // A sync that did not meet the failure itself (another ingest's, later) still may not
    // report the blob stored: it sends it again, and fails while the service refuses.
    assert!(s3.sync().is_err(), "a later sync forgot the unsent blob");
    assert_eq!(fake.stored.load(Ordering::SeqCst), 0);
    fake.refuse_puts.store(false, Ordering::SeqCst);
    s3.sync().unwrap();
    assert_eq!(
        fake.stored.load(Ordering::SeqCst),
        1,
        "the unsent blob was not sent again"
    );
    s3.sync().unwrap();
    assert_eq!(fake.stored.load(Ordering::SeqCst), 1);
}

#[test]
fn a_failed_pack_shared_by_two_ingests_fails_both_and_goes_out_again() {
    let (fake, endpoint) = start_fake();
    let s3 = {
        let config = S3Config {
            pack_below: 1 << 20,
            ..config(&endpoint, 4)
        };
        S3BlobStore::open(&config, &[1; 32], &[2; 32]).unwrap()
    };
    fake.refuse_puts.store(true, Ordering::SeqCst);
    // Two ingests' blobs in one open pack; the first to sync sends it.
    write_small_blobs(&s3, 2, IfPresent::Replace);
    let first = sync_in_background(&s3);
    assert!(
        s3.sync().is_err(),
        "the second ingest's sync missed the failed pack"
    );
    assert!(first.join().unwrap().is_err());
    fake.refuse_puts.store(false, Ordering::SeqCst);
    s3.sync().unwrap();
    let objects = fake.objects.lock().unwrap().clone();
    let packs: Vec<_> = objects.keys().filter(|k| k.contains("/packs/")).collect();
    let indexes: Vec<_> = objects
        .keys()
        .filter(|k| k.contains("/pack-index/"))
        .collect();
    assert_eq!((packs.len(), indexes.len()), (1, 1), "{objects:?}");
}
