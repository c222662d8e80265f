//! [`S3BlobStore`]: blobs as objects in a bucket of an S3-compatible service (Garage, MinIO,
//! Ceph, AWS).
//!
//! ```text
//! <prefix>/ab/abcd…            a blob: the same bytes and name as in a LocalBlobStore
//! <prefix>/tmp/<random>        a large blob's multipart upload, copied into place when finished
//! <prefix>/tmp/<random>.upload the upload's id, so that an upload left by a killed process can be
//!                              aborted by `clean_temporary` (S3 keeps unfinished parts otherwise)
//! <prefix>/packs/<id>          small blobs finished in the background, side by side
//! <prefix>/pack-index/<id>     where each blob of that pack lies (see `pack.rs`)
//! ```
//!
//! **Atomicity.** S3 has no rename, and a blob's name is known only once its last byte is
//! written. A blob smaller than one part is kept in memory and stored with one `PUT` under its
//! final name; larger ones are streamed as a multipart upload to a temporary object which is
//! completed only in `finish` and then copied into place (`CopyObject`). Either way a blob
//! appears under its name whole or not at all. A writer dropped unfinished aborts its upload;
//! `clean_temporary` aborts uploads and deletes temporary objects that a killed process left.
//!
//! A process killed between starting an upload and storing its marker (one request) leaves an
//! upload no marker names; a bucket lifecycle rule that aborts incomplete multipart uploads after
//! a few days is the operator's backstop for that, and for buckets shared with other tools.
//! AWS itself refuses a single `CopyObject` above 5 GiB; the tests use Garage and smaller blobs.
//!
//! **Concurrency.** Uploads run side by side: a blob smaller than one part may be finished in
//! the background ([`BlobWriter::finish_deferred`]), its `PUT` sent while the caller streams the
//! next blob, and a large blob sends up to [`MAX_PARTS_IN_FLIGHT`] parts at once. Every upload
//! request (object or part) first takes a place among [`S3Config::concurrency`] requests in flight
//! (16 by default) and its bytes a place in [`IN_FLIGHT_BYTES`], shared by every writer of the
//! store; a writer waits for a place. [`BlobStore::sync`] waits for every background upload
//! started before it (also those another thread's `sync` is already waiting for: two ingests
//! share one store in a server) and fails if one failed, so nothing is acknowledged before its
//! blob is stored.
//!
//! **Packs.** A blob smaller than [`S3Config::pack_below`] finished in the background joins the
//! store's open pack instead of going out alone; a pack goes out (pack, then index) when it
//! reaches one part's length, and at the latest at `sync`. A pack that would hold one blob only
//! is stored as that blob's own object. On one Garage node this turns about 2.4 ms of the
//! service's processor time per small blob into that much per pack of a few MiB.
//!
//! **Memory.** A writer holds at most one part being filled and [`MAX_PARTS_IN_FLIGHT`] parts
//! being sent; everything in flight in the store is bounded by [`IN_FLIGHT_BYTES`]; a reader
//! holds one chunk and a bounded read-ahead window, whatever the blob's size.
//!
//! **Durability.** The service acknowledges a `PUT` or a completed upload once it has stored the
//! object, so [`BlobStore::sync`] has nothing left to do. (Garage: set `data_fsync` and
//! `metadata_fsync` so that an acknowledged object survives power loss, as `scripts/garage` does.)
//!
//! **Retries.** Every request is retried with exponential back-off (from 100 ms, doubling, at most
//! 15 s apart) on server errors (5xx), throttling, timeouts and dropped connections, until
//! [`S3Config::max_retries`] or [`S3Config::retry_timeout`] runs out; an interrupted download
//! resumes where it stopped, checked against the object's ETag.
//!
//! **Threads.** The traits are synchronous and the S3 client is asynchronous: the store owns a
//! small Tokio runtime, spawns every request on it and waits for the answer on a standard
//! channel. It never enters a runtime from the caller's thread, so it may be called from any
//! thread, including one that belongs to another Tokio runtime.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload,
    RetryConfig,
};

use crate::format::{BlobKeys, ChunkReader, ChunkSource, Sealer, HEADER_LEN, SEALED_CHUNK_LEN};
use crate::pack::{self, Entry, Location, PackIndex, PACKS, PACK_INDEX};
use crate::{
    BlobError, BlobPass, BlobReader, BlobStore, BlobWriter, ContentHash, IfPresent, Stored,
};

/// Parts a writer sends at once: enough to keep a link busy while the CPU encrypts.
pub const MAX_PARTS_IN_FLIGHT: usize = 4;
/// Upload requests in flight at once, store-wide, unless configured otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Bytes of upload bodies in flight at once, store-wide: bounds the memory of background
/// uploads and of every writer's parts together, whatever the concurrency.
pub const IN_FLIGHT_BYTES: usize = 32 << 20;
/// Blobs below this many sealed bytes, finished in the background, go into packs, unless
/// configured otherwise.
pub const DEFAULT_PACK_BELOW: usize = 1 << 20;
/// Bytes of failed uploads kept in memory to be sent again by the next `sync`, beyond which new
/// background uploads are refused (those already in flight are still kept if they fail).
const UNSENT_BYTES: usize = 256 << 20;
/// Blobs a pass over the whole store reads at once, at most.
const MAX_PARALLEL_READS: usize = 8;
/// Bytes a reader fetches ahead of what it has read, when reading sequentially.
const READ_AHEAD: usize = 8 << 20;
/// The smallest part S3 accepts (all parts but the last).
const MIN_PART_LEN: usize = 5 << 20;
/// How long a dropped writer waits for its upload to be aborted before leaving it to
/// `clean_temporary`.
const ABORT_WAIT: Duration = Duration::from_secs(30);
/// Bytes of a pack read in one request by a pass over many blobs ([`BlobStore::pass`]): a few
/// hundred small blobs' worth.
const PASS_WINDOW: u64 = 4 << 20;
/// Windows of packs a pass keeps (the latest; about one per reader): 32 MiB, and one more per
/// reader still reading from an older one.
const PASS_WINDOWS: usize = MAX_PARALLEL_READS;

/// Where an S3 blob store lives and how to reach it. Secrets are never shown by `Debug`.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// Folder inside the bucket, without leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
    /// e.g. `http://127.0.0.1:3900` for Garage; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// Retries of one request on transient errors.
    pub max_retries: usize,
    /// No retry starts later than this after a request's first attempt.
    pub retry_timeout: Duration,
    /// Time allowed for one request (connecting, sending and receiving its body).
    pub request_timeout: Duration,
    /// Size of a multipart upload's parts (at least 5 MiB); blobs smaller than one part are
    /// stored with a single `PUT`. Parts grow past 2,000 of them so that a blob can reach about
    /// 500 GB within S3's 10,000 parts at the default 8 MiB.
    pub part_len: usize,
    /// Upload requests (objects and parts) in flight at once, store-wide; at least 1.
    pub concurrency: usize,
    /// Blobs finished in the background whose sealed bytes are fewer than this go into packs
    /// of about one part's length (see the module docs); 0 stores every blob as its own object.
    pub pack_below: usize,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("url", &self.url())
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("max_retries", &self.max_retries)
            .field("retry_timeout", &self.retry_timeout)
            .field("part_len", &self.part_len)
            .field("concurrency", &self.concurrency)
            .field("pack_below", &self.pack_below)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// Reads `s3://BUCKET[/PREFIX]` and the standard variables: `AWS_ENDPOINT_URL` (optional, an
    /// `http://` endpoint is allowed for a service on a trusted network such as loopback),
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (optional),
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`; `us-east-1` if neither is set).
    pub fn from_url(url: &str) -> Result<Self, BlobError> {
        let (bucket, prefix) = parse_url(url)?;
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let missing = |name: &str| BlobError::Config {
            url: url.to_owned(),
            detail: format!("the variable `{name}` is not set"),
            hint: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to a key that may read and \
                   write the bucket, and AWS_ENDPOINT_URL to the service's address",
        };
        Ok(Self {
            bucket,
            prefix,
            endpoint: var("AWS_ENDPOINT_URL"),
            region: var("AWS_REGION")
                .or_else(|| var("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|| "us-east-1".to_owned()),
            access_key_id: var("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?,
            secret_access_key: var("AWS_SECRET_ACCESS_KEY")
                .ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?,
            session_token: var("AWS_SESSION_TOKEN"),
            max_retries: 10,
            retry_timeout: Duration::from_secs(180),
            request_timeout: Duration::from_secs(120),
            part_len: 8 << 20,
            concurrency: DEFAULT_CONCURRENCY,
            pack_below: DEFAULT_PACK_BELOW,
        })
    }

    /// `s3://BUCKET[/PREFIX]`.
    pub fn url(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// Splits `s3://BUCKET[/PREFIX]` into a bucket name and a prefix without surrounding `/`.
fn parse_url(url: &str) -> Result<(String, String), BlobError> {
    let bad = |detail: &str| BlobError::Config {
        url: url.chars().take(200).collect(),
        detail: detail.to_owned(),
        hint: "write the location as s3://BUCKET or s3://BUCKET/PREFIX",
    };
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| bad("it does not start with `s3://`"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !bucket.starts_with(['-', '.'])
        && !bucket.ends_with(['-', '.']);
    if !bucket_ok {
        return Err(bad(
            "the bucket name must be 3 to 63 lower-case letters, digits, `-` or `.`",
        ));
    }
    let prefix = prefix.trim_matches('/');
    let prefix_ok = prefix.split('/').all(|part| {
        part.is_empty()
            || (part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)))
    }) && !prefix.contains("//");
    if !prefix_ok {
        return Err(bad(
            "the prefix must be folder names of letters, digits, `-`, `_` or `.` separated by `/`",
        ));
    }
    Ok((bucket.to_owned(), prefix.to_owned()))
}

/// The part size for part `index`: `base` for the first 2,000 parts, then doubling every 2,000.
fn part_len(base: usize, index: usize) -> usize {
    base << (index / 2000).min(4)
}

/// Encrypted blobs in an S3 bucket. Cheap to clone; clones share one client and runtime.
#[derive(Clone)]
pub struct S3BlobStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: Arc<AmazonS3>,
    /// Always `Some` until dropped (see `Drop`).
    runtime: Option<tokio::runtime::Runtime>,
    keys: BlobKeys,
    bucket: String,
    prefix: String,
    part_len: usize,
    /// Places for upload requests in flight (see the module docs, "Concurrency").
    requests: Arc<tokio::sync::Semaphore>,
    /// Places for upload bytes in flight, at most [`IN_FLIGHT_BYTES`].
    bytes: Arc<tokio::sync::Semaphore>,
    /// Uploads finished in the background since the last `sync`.
    background: Mutex<Background>,
    pack_below: usize,
    /// Requests in flight at once, as configured.
    concurrency: usize,
    /// Small blobs waiting to go out together (see the module docs, "Packs").
    open_pack: Mutex<OpenPack>,
    /// Packed blobs known to this process; filled from the bucket when first needed.
    index: Arc<Mutex<PackIndex>>,
    /// Held while the index is read from the bucket, so that one reading serves every waiter.
    reading_index: Mutex<()>,
    /// Held while failed uploads are sent again (see `wait_background`).
    resending: Mutex<()>,
    /// Requests made to read blobs (for tests: how many a pass saves).
    blob_reads: std::sync::atomic::AtomicU64,
}

/// A pass over many blobs ([`BlobStore::pass`]): the windows of packs it has read, the latest
/// last, dropped with it.
struct S3Pass<'a> {
    store: &'a S3BlobStore,
    windows: Mutex<VecDeque<Arc<PassWindow>>>,
}

impl BlobPass for S3Pass<'_> {
    fn position(&self, hash: &ContentHash) -> Option<(u64, u64)> {
        let key = pack::name_key(&self.store.inner.keys.object_name(hash))?;
        lock(&self.store.inner.index).position(&key)
    }

    fn open(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError> {
        // A packed blob's neighbours are read with it: a pass then makes one request per few
        // megabytes of a pack, not one per blob (a single node answers each after tens of
        // milliseconds). A blob whose header or bytes the window cannot give is read alone,
        // the ordinary way (which also tries a copy stored as an object of its own).
        if let Some(location) = self.store.known_packed(hash) {
            if let Some(Ok(opened)) = self.store.open_from_window(&self.windows, hash, &location) {
                return Ok(opened);
            }
        }
        self.store.open(hash)
    }
}

/// Bytes `start..start + PASS_WINDOW` of a pack (fewer where it ends), fetched once by the
/// first reader that needs them while the others that need them wait.
struct PassWindow {
    pack: String,
    start: u64,
    loaded: std::sync::OnceLock<Option<(Bytes, Option<String>)>>,
}

impl PassWindow {
    /// Whether bytes `range` of `pack` lie in this window, as far as can be told before it is
    /// loaded (the pack may end earlier).
    fn may_hold(&self, pack: &str, range: &Range<u64>) -> bool {
        self.pack == pack
            && self.start <= range.start
            && range.end <= self.start.saturating_add(PASS_WINDOW)
    }
}

/// The pack being filled: sealed blobs one after the other, and where each begins.
#[derive(Default)]
struct OpenPack {
    body: Vec<Bytes>,
    len: usize,
    entries: Vec<Entry>,
    names: std::collections::HashSet<[u8; 32]>,
    /// One of its blobs was finished with [`IfPresent::Replace`].
    replace: bool,
}

/// What one background upload stores: objects put in order (a blob; or a pack's marker, the
/// pack and its index), and for a pack what the index learns once they are stored. Kept when the
/// upload fails, so that the next `sync` sends it again: its bytes are shared, not copied.
#[derive(Clone)]
struct Job {
    puts: Vec<(Path, PutPayload)>,
    /// A lone blob finished with [`IfPresent::Keep`]: nothing to put if its object exists.
    keep_existing: bool,
    pack: Option<PackJob>,
}

#[derive(Clone)]
struct PackJob {
    id: String,
    key: String,
    entries: Vec<Entry>,
    marker: Path,
}

impl Job {
    /// The same job, a pack under a new id (a lone blob as it was).
    fn renamed(&self, store: &S3BlobStore) -> Result<Self, BlobError> {
        let (Some(pack), Some((_, body))) = (&self.pack, self.puts.get(1)) else {
            return Ok(self.clone());
        };
        store.pack_job(body.clone(), pack.entries.clone())
    }

    fn len(&self) -> usize {
        self.puts.iter().map(|(_, p)| p.content_length()).sum()
    }

    /// Stores the job's objects, in order.
    async fn run(&self, client: &AmazonS3, index: &Mutex<PackIndex>) -> Result<(), Failure> {
        if let (true, Some((path, _))) = (self.keep_existing, self.puts.first()) {
            match client.head(path).await {
                Ok(_) => return Ok(()),
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(Failure::of("inspect", path, e)),
            }
        }
        for (path, payload) in &self.puts {
            if let Err(e) = client.put(path, payload.clone()).await {
                return Err(Failure::of("write", path, e));
            }
        }
        if let Some(pack) = &self.pack {
            lock(index).add(&pack.id, pack.key.clone(), &pack.entries);
            // Left behind, the marker costs `clean_temporary` one check.
            let _ = client.delete(&pack.marker).await;
        }
        Ok(())
    }
}

/// What became of one background upload: nothing to report, or why it failed and what it had to
/// store.
type Outcome = Result<(), (Failure, Job)>;

/// An upload that failed, as every `sync` that meets it reports it.
#[derive(Clone)]
struct Failure {
    action: &'static str,
    object: String,
    hint: &'static str,
    detail: String,
}

impl Failure {
    fn of(action: &'static str, path: &Path, error: object_store::Error) -> Self {
        Self {
            action,
            object: path.to_string(),
            hint: hint_for(&error),
            detail: error.to_string(),
        }
    }

    fn abandoned() -> Self {
        Self {
            action: "upload",
            object: "-".into(),
            hint: "the S3 client stopped while a request was running; retry",
            detail: "the upload was abandoned".into(),
        }
    }
}

/// One upload finished in the background ([`BlobWriter::finish_deferred`]), shared by every
/// `sync` that must wait for it: two threads syncing at once (two ingests of one server) each
/// return only once the uploads started before their call have ended.
struct Deferred {
    /// `None` once a thread has received the outcome and handed it to [`Background`]: it holds
    /// the lock from receiving to handing over, so no other waiter goes on in between.
    receiver: Mutex<Option<mpsc::Receiver<Outcome>>>,
}

impl Deferred {
    fn new(receiver: mpsc::Receiver<Outcome>) -> Self {
        Self {
            receiver: Mutex::new(Some(receiver)),
        }
    }

    /// Waits for the upload's end and, if this thread receives its outcome, hands it to
    /// `background` before any other waiter goes on.
    fn wait(&self, background: &Mutex<Background>) {
        let mut receiver = lock(&self.receiver);
        if let Some(r) = receiver.take() {
            let received = r.recv().ok();
            lock(background).settle(received);
        }
    }

    /// Whether the upload has ended, without waiting; an outcome received here is handed to
    /// `background` (whose lock the caller holds).
    fn poll(&self, background: &mut Background) -> bool {
        let Ok(mut receiver) = self.receiver.try_lock() else {
            return false;
        };
        let received = match receiver.as_ref().map(|r| r.try_recv()) {
            None => return true,
            Some(Ok(outcome)) => Some(outcome),
            Some(Err(mpsc::TryRecvError::Empty)) => return false,
            Some(Err(mpsc::TryRecvError::Disconnected)) => None,
        };
        receiver.take();
        background.settle(received);
        true
    }
}

/// Uploads finished in the background, and what failed uploads left to send.
#[derive(Default)]
struct Background {
    /// Uploads no `sync` has waited for yet.
    waiting: Vec<Arc<Deferred>>,
    /// Jobs whose upload failed: every `sync` sends them again before it may return `Ok`.
    unsent: Vec<Job>,
    /// Their bytes, counted until they are stored (also while a `sync` sends them again).
    unsent_bytes: usize,
    /// An upload whose outcome never came (its task ended without one): its blobs cannot be
    /// sent again, so every `sync` fails until the process ends.
    lost: Option<Failure>,
}

impl Background {
    /// Keeps what an upload came to: a failed one's job is sent again by the next `sync`.
    fn settle(&mut self, received: Option<Outcome>) {
        match received {
            Some(Ok(())) => {}
            Some(Err((_, job))) => {
                self.unsent_bytes += job.len();
                self.unsent.push(job);
            }
            None => {
                self.lost.get_or_insert_with(Failure::abandoned);
            }
        }
    }

    /// Hands over the outcomes that arrived and drops those uploads: the list stays as long as
    /// the uploads in flight, and a failed job's bytes are counted in `unsent_bytes` at once.
    fn prune(&mut self) {
        let mut waiting = std::mem::take(&mut self.waiting);
        waiting.retain(|d| !d.poll(self));
        self.waiting = waiting;
    }
}

/// A place among the requests and bytes in flight, held until the request ends.
struct Admission {
    _request: tokio::sync::OwnedSemaphorePermit,
    _bytes: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping a runtime waits for its threads, which panics inside an asynchronous context
        // (the store may be dropped by a task of the caller's runtime): let them end on their own.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl std::fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3BlobStore")
            .field("bucket", &self.inner.bucket)
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

impl S3BlobStore {
    /// Connects to the store described by `config` with the given 256-bit keys (as for
    /// [`crate::LocalBlobStore::open`]). Nothing is sent until the first request: use
    /// [`S3BlobStore::check`] to find a wrong endpoint, key or bucket at once.
    pub fn open(
        config: &S3Config,
        wrap_key: &[u8; 32],
        name_key: &[u8; 32],
    ) -> Result<Self, BlobError> {
        let url = config.url();
        let config_error = |detail: String| BlobError::Config {
            url: url.clone(),
            detail,
            hint: "check AWS_ENDPOINT_URL and AWS_REGION",
        };
        if config.concurrency == 0 {
            return Err(config_error(
                "the number of uploads in flight (`s3_concurrency`) must be at least 1".into(),
            ));
        }
        if config.part_len < MIN_PART_LEN {
            return Err(config_error(format!(
                "parts of {} bytes are below S3's minimum of 5 MiB",
                config.part_len
            )));
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            // Path-style addressing (`endpoint/bucket/key`): what self-hosted services expect.
            .with_virtual_hosted_style_request(false)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(15),
                    base: 2.0,
                },
                max_retries: config.max_retries,
                retry_timeout: config.retry_timeout,
            })
            .with_client_options(
                ClientOptions::new()
                    .with_timeout(config.request_timeout)
                    .with_connect_timeout(Duration::from_secs(5)),
            );
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(token) = &config.session_token {
            builder = builder.with_token(token);
        }
        let client = builder.build().map_err(|e| config_error(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("custodia-s3")
            .enable_all()
            .build()
            .map_err(|e| config_error(format!("cannot start the client's threads: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client: Arc::new(client),
                runtime: Some(runtime),
                keys: BlobKeys::new(wrap_key, name_key)?,
                bucket: config.bucket.clone(),
                prefix: config.prefix.clone(),
                part_len: config.part_len,
                requests: Arc::new(tokio::sync::Semaphore::new(config.concurrency)),
                bytes: Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT_BYTES)),
                background: Mutex::new(Background::default()),
                pack_below: config.pack_below,
                concurrency: config.concurrency,
                open_pack: Mutex::new(OpenPack::default()),
                index: Arc::new(Mutex::new(PackIndex::default())),
                reading_index: Mutex::new(()),
                resending: Mutex::new(()),
                blob_reads: std::sync::atomic::AtomicU64::new(0),
            }),
        })
    }

    /// `s3://BUCKET[/PREFIX]`.
    pub fn url(&self) -> String {
        if self.inner.prefix.is_empty() {
            format!("s3://{}", self.inner.bucket)
        } else {
            format!("s3://{}/{}", self.inner.bucket, self.inner.prefix)
        }
    }

    /// Lists the store's temporary folder once: fails with a readable error if the endpoint does
    /// not answer, the key is refused or the bucket does not exist.
    pub fn check(&self) -> Result<(), BlobError> {
        self.temporary_objects().map(drop)
    }

    /// Whether anything is stored under the store's prefix. A new vault starts in an empty
    /// location: two vaults sharing one would clean each other's temporary objects.
    pub fn holds_objects(&self) -> Result<bool, BlobError> {
        let prefix =
            (!self.inner.prefix.is_empty()).then(|| Path::from(self.inner.prefix.as_str()));
        let client = Arc::clone(&self.inner.client);
        let p = prefix.clone();
        let first = self.run(async move { client.list(p.as_ref()).next().await })?;
        match first {
            None => Ok(false),
            Some(Ok(_)) => Ok(true),
            Some(Err(e)) => Err(self.remote("list", &prefix.unwrap_or_default(), e)),
        }
    }

    /// The key in the bucket of the blob of `hash` (whether or not it exists).
    pub fn object_key(&self, hash: &ContentHash) -> String {
        self.key(&self.inner.keys.object_name(hash))
    }

    /// The stored (encrypted) bytes of a blob, as the bucket holds them. For tests and repair
    /// tools; ordinary reads go through [`BlobStore::open`].
    pub fn stored_bytes(&self, hash: &ContentHash) -> Result<Vec<u8>, BlobError> {
        let path = Path::from(self.object_key(hash));
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        let got = self.run(async move { client.get(&p).await?.bytes().await })?;
        match got {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(object_store::Error::NotFound { .. }) => match self.find_packed(hash)? {
                Some(at) => {
                    let pack = Path::from(self.key(&at.pack));
                    Ok(self
                        .get_range(&pack, at.offset..at.offset + at.len, None)?
                        .to_vec())
                }
                None => Err(BlobError::NotFound(*hash)),
            },
            Err(e) => Err(self.remote("read", &path, e)),
        }
    }

    /// Overwrites a blob's stored bytes as they are. For tests (damaging a blob on purpose).
    #[doc(hidden)]
    pub fn replace_stored_bytes(
        &self,
        hash: &ContentHash,
        bytes: Vec<u8>,
    ) -> Result<(), BlobError> {
        self.put_object_bytes(&self.object_key(hash), bytes)
    }

    /// Keys of every object under the store's prefix. For tests and repair tools.
    #[doc(hidden)]
    pub fn object_keys(&self) -> Result<Vec<String>, BlobError> {
        let prefix =
            (!self.inner.prefix.is_empty()).then(|| Path::from(self.inner.prefix.as_str()));
        self.list_keys(prefix)
    }

    /// Keys of every object under `folder` (the bucket's root if `None`).
    fn list_keys(&self, folder: Option<Path>) -> Result<Vec<String>, BlobError> {
        let client = Arc::clone(&self.inner.client);
        let f = folder.clone();
        let listed = self.run(async move {
            let mut found = Vec::new();
            let mut stream = client.list(f.as_ref());
            while let Some(meta) = stream.next().await {
                found.push(meta?.location.to_string());
            }
            Ok::<_, object_store::Error>(found)
        })?;
        listed.map_err(|e| self.remote("list", &folder.unwrap_or_default(), e))
    }

    /// The bytes of the object at `key` (as [`S3BlobStore::object_keys`] gives it). For tests
    /// and repair tools.
    #[doc(hidden)]
    pub fn object_bytes(&self, key: &str) -> Result<Vec<u8>, BlobError> {
        let path = Path::from(key);
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        self.run(async move { client.get(&p).await?.bytes().await })?
            .map(|b| b.to_vec())
            .map_err(|e| self.remote("read", &path, e))
    }

    /// Overwrites or creates the object at `key` (as [`S3BlobStore::object_keys`] gives it). For
    /// tests (damaging objects, or leaving what a killed writer would).
    #[doc(hidden)]
    pub fn put_object_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        let path = Path::from(key);
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        self.run(async move { client.put(&p, PutPayload::from(bytes)).await })?
            .map(drop)
            .map_err(|e| self.remote("write", &path, e))
    }

    /// Keys of the objects in the temporary folder (unfinished uploads and their markers).
    pub fn temporary_objects(&self) -> Result<Vec<String>, BlobError> {
        self.list_keys(Some(Path::from(self.key("tmp"))))
    }

    fn key(&self, name: &str) -> String {
        if self.inner.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.inner.prefix)
        }
    }

    /// Runs `future` on the store's runtime and waits for its output on a standard channel,
    /// which is safe on any thread (see the module docs).
    fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, BlobError> {
        self.spawn(future).recv().map_err(|_| self.stopped())
    }

    /// Starts `future` on the store's runtime; its output arrives on the returned channel.
    fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> mpsc::Receiver<T> {
        let (sender, receiver) = mpsc::sync_channel(1);
        if let Some(runtime) = &self.inner.runtime {
            runtime.spawn(async move {
                // The receiver may be gone (a dropped reader): nobody needs the output then.
                let _ = sender.send(future.await);
            });
        }
        receiver
    }

    /// Waits for a place among the upload requests and bytes in flight (see the module docs).
    fn admit(&self, len: usize) -> Result<Admission, BlobError> {
        let units = len.clamp(1, IN_FLIGHT_BYTES) as u32;
        let requests = Arc::clone(&self.inner.requests);
        let bytes = Arc::clone(&self.inner.bytes);
        if let Ok(request) = Arc::clone(&requests).try_acquire_owned() {
            if let Ok(taken) = Arc::clone(&bytes).try_acquire_many_owned(units) {
                return Ok(Admission {
                    _request: request,
                    _bytes: taken,
                });
            }
        }
        // Waiting happens on the store's runtime; this thread only waits for the answer.
        self.run(async move {
            let request = requests.acquire_owned().await.ok()?;
            let taken = bytes.acquire_many_owned(units).await.ok()?;
            Some(Admission {
                _request: request,
                _bytes: taken,
            })
        })?
        .ok_or_else(|| self.stopped())
    }

    /// Puts a blob's whole sealed body under `path` in the background, after a place among the
    /// uploads in flight is free; `sync` waits for it.
    fn put_in_background(
        &self,
        path: Path,
        body: PutPayload,
        if_present: IfPresent,
    ) -> Result<(), BlobError> {
        let job = Job {
            puts: vec![(path, body)],
            keep_existing: if_present == IfPresent::Keep,
            pack: None,
        };
        let sender = self.register();
        self.start(job, sender)
    }

    /// Adds an upload about to start to those every later `sync` waits for; its outcome goes to
    /// the returned sender.
    fn register(&self) -> mpsc::SyncSender<Outcome> {
        let (sender, receiver) = mpsc::sync_channel(1);
        let mut background = lock(&self.inner.background);
        background.prune();
        background.waiting.push(Arc::new(Deferred::new(receiver)));
        sender
    }

    /// Starts a registered upload once a place among the uploads in flight is free. If none can
    /// be had (the client stopped), the job is reported failed, to be sent again by `sync`.
    fn start(&self, job: Job, sender: mpsc::SyncSender<Outcome>) -> Result<(), BlobError> {
        let admission = match self.admit(job.len()) {
            Ok(admission) => admission,
            Err(e) => {
                let _ = sender.send(Err((Failure::abandoned(), job)));
                return Err(e);
            }
        };
        let client = Arc::clone(&self.inner.client);
        let index = Arc::clone(&self.inner.index);
        if let Some(runtime) = &self.inner.runtime {
            runtime.spawn(async move {
                let _admission = admission;
                let outcome = match job.run(&client, &index).await {
                    Ok(()) => Ok(()),
                    Err(failure) => Err((failure, job)),
                };
                let _ = sender.send(outcome);
            });
        }
        Ok(())
    }

    /// Adds a small blob's sealed bytes to the open pack, and sends the pack once it is full.
    fn add_to_pack(
        &self,
        name: String,
        key: [u8; 32],
        body: PutPayload,
        if_present: IfPresent,
    ) -> Result<(), BlobError> {
        let full = {
            let mut open = lock(&self.inner.open_pack);
            let len = body.content_length();
            let offset = open.len as u64;
            open.entries.push(Entry {
                name,
                offset,
                len: len as u64,
            });
            open.names.insert(key);
            open.body.extend(body);
            open.len += len;
            open.replace |= if_present == IfPresent::Replace;
            if open.len >= self.inner.part_len {
                self.take_pack(&mut open)?
            } else {
                None
            }
        };
        match full {
            Some((job, sender)) => self.start(job, sender),
            None => Ok(()),
        }
    }

    /// Sends the open pack, whatever it holds.
    fn send_open_pack(&self) -> Result<(), BlobError> {
        let taken = self.take_pack(&mut lock(&self.inner.open_pack))?;
        match taken {
            Some((job, sender)) => self.start(job, sender),
            None => Ok(()),
        }
    }

    /// Empties the open pack into a registered job, while its lock is held: from then on every
    /// `sync` waits for it (a `sync` finding the open pack empty must find its job instead). The
    /// job puts a marker in the temporary folder, the pack, its index, then removes the marker (a
    /// marker left behind tells `clean_temporary` of a pack that may lack its index); the entries
    /// join this process's index once the index is stored. A pack of one blob is sent as that
    /// blob's own object.
    fn take_pack(
        &self,
        open: &mut OpenPack,
    ) -> Result<Option<(Job, mpsc::SyncSender<Outcome>)>, BlobError> {
        if open.entries.is_empty() {
            return Ok(None);
        }
        let OpenPack {
            body,
            entries,
            replace,
            ..
        } = std::mem::take(open);
        let body: PutPayload = body.into_iter().collect();
        let job = if let [lone] = entries.as_slice() {
            Job {
                puts: vec![(Path::from(self.key(&lone.name)), body)],
                keep_existing: !replace,
                pack: None,
            }
        } else {
            self.pack_job(body, entries)?
        };
        Ok(Some((job, self.register())))
    }

    /// Refuses new background uploads while failed ones of more than [`UNSENT_BYTES`] wait to
    /// be sent again: they are kept in memory, and dropping them would lose blobs.
    fn refuse_while_failing(&self) -> Result<(), BlobError> {
        let waiting = lock(&self.inner.background).unsent_bytes;
        if waiting <= UNSENT_BYTES {
            return Ok(());
        }
        Err(BlobError::Remote {
            action: "upload to",
            bucket: self.inner.bucket.clone(),
            object: self.url(),
            hint: "uploads to the service have been failing; they are sent again by every sync \
                   and nothing new is taken until they are stored: check the service, then retry",
            source: format!("{waiting} bytes of failed uploads wait to be sent again").into(),
        })
    }

    /// The job that stores `body` as a new pack of `entries`: a marker in the temporary folder,
    /// the pack, its index; the marker is removed once they are stored.
    fn pack_job(&self, body: PutPayload, entries: Vec<Entry>) -> Result<Job, BlobError> {
        let id = pack::pack_id(now_millis(), &self.inner.keys.random_name()?);
        let key = format!("{PACKS}/{id}");
        let index_text = pack::render_index(&key, &entries);
        let marker = Path::from(self.key(&format!("tmp/{id}.pack")));
        Ok(Job {
            puts: vec![
                (marker.clone(), PutPayload::new()),
                (Path::from(self.key(&key)), body),
                (
                    Path::from(self.key(&format!("{PACK_INDEX}/{id}"))),
                    PutPayload::from(index_text.into_bytes()),
                ),
            ],
            keep_existing: false,
            pack: Some(PackJob {
                id,
                key,
                entries,
                marker,
            }),
        })
    }

    /// Whether a blob of keyed name `key` waits in the open pack or lies in a known pack.
    fn packed_or_waiting(&self, key: &[u8; 32]) -> Result<bool, BlobError> {
        if lock(&self.inner.open_pack).names.contains(key) {
            return Ok(true);
        }
        if !lock(&self.inner.index).loaded {
            // An index object that cannot be read must not stop an ingest: a blob not found
            // here is packed again, which costs only its bytes. Reads report the damage.
            let _ = self.read_index();
        }
        Ok(lock(&self.inner.index).contains(key))
    }

    /// Where the packed blob of `hash` lies, if this process knows it already (no request).
    fn known_packed(&self, hash: &ContentHash) -> Option<Location> {
        let key = pack::name_key(&self.inner.keys.object_name(hash))?;
        lock(&self.inner.index).get(&key)
    }

    /// Where the packed blob of `hash` lies, reading the bucket's index objects again when it is
    /// not known yet (another process may have packed it).
    fn find_packed(&self, hash: &ContentHash) -> Result<Option<Location>, BlobError> {
        let Some(key) = pack::name_key(&self.inner.keys.object_name(hash)) else {
            return Ok(None);
        };
        if let Some(found) = lock(&self.inner.index).get(&key) {
            return Ok(Some(found));
        }
        self.read_index()?;
        Ok(lock(&self.inner.index).get(&key))
    }

    /// Reads the index objects not read yet: every one the first time, then those listed from
    /// a little before the newest one read. A damaged index object is reported by name after
    /// the others are read; its blobs stay unknown.
    fn read_index(&self) -> Result<(), BlobError> {
        let _reading = lock(&self.inner.reading_index);
        let start = {
            let index = lock(&self.inner.index);
            let recent_full = index
                .listed_all_at
                .is_some_and(|at| at.elapsed() < pack::FULL_LISTING_EVERY);
            if recent_full {
                index.listing_start()
            } else {
                None
            }
        };
        let folder = Path::from(self.key(PACK_INDEX));
        let offset = start.map(|ms| Path::from(self.key(&format!("{PACK_INDEX}/{ms:013}"))));
        let client = Arc::clone(&self.inner.client);
        let f = folder.clone();
        let listed_at = std::time::Instant::now();
        let listed = self
            .run(async move {
                let mut stream = match &offset {
                    Some(offset) => client.list_with_offset(Some(&f), offset),
                    None => client.list(Some(&f)),
                };
                let mut found = Vec::new();
                while let Some(meta) = stream.next().await {
                    found.push(meta?.location);
                }
                Ok::<_, object_store::Error>(found)
            })?
            .map_err(|e| self.remote("list", &folder, e))?;
        let new: Vec<(String, Path)> = {
            let index = lock(&self.inner.index);
            listed
                .into_iter()
                .filter_map(|location| {
                    let id = location.filename()?.to_owned();
                    let new = pack::parse_pack_id(&id).is_some() && !index.has_read(&id);
                    new.then_some((id, location))
                })
                .collect()
        };
        // Each index object is read into the index as it arrives, not gathered first.
        let client = Arc::clone(&self.inner.client);
        let index = Arc::clone(&self.inner.index);
        let first_error = self.run(async move {
            let mut fetched = futures_util::stream::iter(new)
                .map(|(id, location)| {
                    let client = Arc::clone(&client);
                    async move {
                        let got = match client.get(&location).await {
                            Ok(got) => got.bytes().await,
                            Err(e) => Err(e),
                        };
                        (id, location, got)
                    }
                })
                .buffer_unordered(16);
            let mut first_error = None;
            while let Some((id, location, got)) = fetched.next().await {
                let parsed = got.map(|bytes| pack::parse_index(&bytes));
                match parsed {
                    Ok(Ok((pack, entries))) => lock(&index).add(&id, pack, &entries),
                    Ok(Err(detail)) => {
                        first_error.get_or_insert((location, Ok(detail)));
                    }
                    Err(e) => {
                        first_error.get_or_insert((location, Err(e)));
                    }
                }
            }
            first_error
        })?;
        {
            let mut index = lock(&self.inner.index);
            index.loaded = true;
            if start.is_none() {
                index.listed_all_at = Some(listed_at);
            }
        }
        match first_error {
            None => Ok(()),
            Some((location, Ok(detail))) => Err(BlobError::Remote {
                action: "read the pack index",
                bucket: self.inner.bucket.clone(),
                object: location.to_string(),
                hint: "the index object is damaged; the blobs of its pack cannot be found \
                       until it is restored from a copy of the bucket",
                source: detail.into(),
            }),
            Some((location, Err(e))) => Err(self.remote("read", &location, e)),
        }
    }

    /// Opens a packed blob: its header and first chunk in one ranged request to its pack.
    fn open_packed(
        &self,
        hash: &ContentHash,
        location: Location,
    ) -> Result<Box<dyn BlobReader>, BlobError> {
        if location.len < HEADER_LEN {
            return Err(BlobError::Damaged {
                item: *hash,
                detail: "the header is truncated".into(),
            });
        }
        self.count_blob_read();
        let path = Path::from(self.key(&location.pack));
        let first = location.len.min(HEADER_LEN + SEALED_CHUNK_LEN);
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        let range = location.offset..location.offset + first;
        let options = GetOptions::new().with_range(Some(GetRange::Bounded(range)));
        let (meta, head) = self
            .run(async move {
                let got = client.get_opts(&p, options).await?;
                let meta = got.meta.clone();
                Ok::<_, object_store::Error>((meta, got.bytes().await?))
            })?
            .map_err(|e| self.remote("read", &path, e))?;
        if (head.len() as u64) < first {
            return Err(BlobError::Damaged {
                item: *hash,
                detail: format!("its pack `{path}` ends before the blob does"),
            });
        }
        let opener = self.inner.keys.open_header(*hash, &head, location.len)?;
        let source = ObjectSource {
            store: self.clone(),
            path,
            e_tag: meta.e_tag,
            base: location.offset,
            size: location.len,
            cached: head,
            last_end: None,
            ahead: None,
        };
        Ok(Box::new(ChunkReader::new(source, opener)))
    }

    /// Removes pack `id`, whose marker a writer left in the temporary folder, unless its index
    /// was stored (then its blobs may be acknowledged). Returns whether it was removed.
    fn remove_unindexed_pack(&self, id: &str) -> Result<bool, BlobError> {
        let index_path = Path::from(self.key(&format!("{PACK_INDEX}/{id}")));
        if self.exists(&index_path)? {
            return Ok(false);
        }
        self.delete(&Path::from(self.key(&format!("{PACKS}/{id}"))))?;
        Ok(true)
    }

    /// Waits for every background upload started before this call, even those another thread
    /// is already waiting for; then sends again every job a failed upload left, whoever met the
    /// failure. `Ok` only if nothing is left unsent.
    fn wait_background(&self) -> Result<(), BlobError> {
        let snapshot: Vec<Arc<Deferred>> = lock(&self.inner.background).waiting.clone();
        for deferred in &snapshot {
            deferred.wait(&self.inner.background);
        }
        {
            // Waited for: later syncs need not wait again (a failed job is in `unsent` now).
            let seen: std::collections::HashSet<*const Deferred> =
                snapshot.iter().map(Arc::as_ptr).collect();
            lock(&self.inner.background)
                .waiting
                .retain(|d| !seen.contains(&Arc::as_ptr(d)));
        }
        // One thread sends the failed jobs again at a time; another waits, then finds what is
        // still unsent and tries it itself.
        let _sending = lock(&self.inner.resending);
        let (jobs, lost) = {
            let mut background = lock(&self.inner.background);
            (
                std::mem::take(&mut background.unsent),
                background.lost.clone(),
            )
        };
        let mut first_failure = lost;
        let mut still_unsent = Vec::new();
        let mut sent_bytes = 0;
        for job in jobs {
            if first_failure.is_some() {
                still_unsent.push(job);
                continue;
            }
            // A pack goes out under a new name, dated now: listings find it, and a marker of
            // the failed attempt may be a day old and swept with what it left.
            let again = match job.renamed(self) {
                Ok(again) => again,
                Err(_) => job.clone(),
            };
            let client = Arc::clone(&self.inner.client);
            let index = Arc::clone(&self.inner.index);
            let sending = again.clone();
            let sent = self
                .run(async move { sending.run(&client, &index).await })
                .unwrap_or_else(|_| Err(Failure::abandoned()));
            match sent {
                Ok(()) => sent_bytes += again.len(),
                Err(failure) => {
                    first_failure = Some(failure);
                    still_unsent.push(again);
                }
            }
        }
        {
            let mut background = lock(&self.inner.background);
            background.unsent_bytes = background.unsent_bytes.saturating_sub(sent_bytes);
            background.unsent.extend(still_unsent);
        }
        match first_failure {
            Some(f) => Err(BlobError::Remote {
                action: f.action,
                bucket: self.inner.bucket.clone(),
                object: f.object,
                hint: f.hint,
                source: f.detail.into(),
            }),
            None => Ok(()),
        }
    }

    fn stopped(&self) -> BlobError {
        BlobError::Remote {
            action: "reach",
            bucket: self.inner.bucket.clone(),
            object: self.url(),
            hint: "the S3 client stopped while a request was running; retry",
            source: "request abandoned".into(),
        }
    }

    fn remote(&self, action: &'static str, path: &Path, error: object_store::Error) -> BlobError {
        BlobError::Remote {
            action,
            bucket: self.inner.bucket.clone(),
            object: path.to_string(),
            hint: hint_for(&error),
            source: Box::new(error),
        }
    }

    /// Whether an object exists.
    fn exists(&self, path: &Path) -> Result<bool, BlobError> {
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        match self.run(async move { client.head(&p).await })? {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.remote("inspect", path, e)),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), BlobError> {
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        match self.run(async move { client.delete(&p).await })? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.remote("delete", path, e)),
        }
    }

    /// Fetches bytes `range` of an object, which must still be version `e_tag`.
    fn get_range(
        &self,
        path: &Path,
        range: Range<u64>,
        e_tag: Option<String>,
    ) -> Result<Bytes, BlobError> {
        self.count_blob_read();
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        let options = GetOptions::new()
            .with_range(Some(GetRange::Bounded(range)))
            .with_if_match(e_tag);
        self.run(async move { client.get_opts(&p, options).await?.bytes().await })?
            .map_err(|e| self.remote("read", path, e))
    }

    fn count_blob_read(&self) {
        self.inner
            .blob_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Requests made so far to read blobs (headers, chunks, read-ahead, windows of packs). For
    /// tests.
    #[doc(hidden)]
    pub fn blob_read_requests(&self) -> u64 {
        self.inner
            .blob_reads
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Opens a packed blob from a window of its pack that a pass over many blobs reads whole
    /// (`windows`: the pass's, see [`BlobStore::pass`]); `None` when the window could not be
    /// read or does not hold it (the caller then reads it alone, and reports what fails then).
    fn open_from_window(
        &self,
        windows: &Mutex<VecDeque<Arc<PassWindow>>>,
        hash: &ContentHash,
        location: &Location,
    ) -> Option<Result<Box<dyn BlobReader>, BlobError>> {
        if location.len < HEADER_LEN || location.len > PASS_WINDOW {
            return None;
        }
        let range = location.offset..location.offset.checked_add(location.len)?;
        let window = {
            let mut windows = lock(windows);
            match windows
                .iter()
                .rev()
                .find(|w| w.may_hold(&location.pack, &range))
            {
                Some(w) => Arc::clone(w),
                None => {
                    let w = Arc::new(PassWindow {
                        pack: location.pack.clone(),
                        start: location.offset,
                        loaded: std::sync::OnceLock::new(),
                    });
                    windows.push_back(Arc::clone(&w));
                    while windows.len() > PASS_WINDOWS {
                        windows.pop_front();
                    }
                    w
                }
            }
        };
        let loaded = window.loaded.get_or_init(|| {
            self.count_blob_read();
            let client = Arc::clone(&self.inner.client);
            let path = Path::from(self.key(&window.pack));
            let options = GetOptions::new().with_range(Some(GetRange::Bounded(
                window.start..window.start.saturating_add(PASS_WINDOW),
            )));
            let got = self.run(async move {
                let got = client.get_opts(&path, options).await?;
                let e_tag = got.meta.e_tag.clone();
                Ok::<_, object_store::Error>((got.bytes().await?, e_tag))
            });
            got.ok().and_then(Result::ok)
        });
        let Some((bytes, e_tag)) = loaded.as_ref() else {
            // Not kept: the next blob of those bytes tries again.
            lock(windows).retain(|w| !Arc::ptr_eq(w, &window));
            return None;
        };
        let from = usize::try_from(range.start - window.start).ok()?;
        let to = from.checked_add(usize::try_from(location.len).ok()?)?;
        if to > bytes.len() {
            return None;
        }
        let blob = bytes.slice(from..to);
        let opened = self
            .inner
            .keys
            .open_header(*hash, &blob, location.len)
            .map(|opener| {
                let source = ObjectSource {
                    store: self.clone(),
                    path: Path::from(self.key(&location.pack)),
                    e_tag: e_tag.clone(),
                    base: location.offset,
                    size: location.len,
                    cached: blob,
                    last_end: None,
                    ahead: None,
                };
                Box::new(ChunkReader::new(source, opener)) as Box<dyn BlobReader>
            });
        Some(opened)
    }

    /// Opens the blob's own object (not a packed copy).
    fn open_object(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError> {
        self.count_blob_read();
        let path = Path::from(self.object_key(hash));
        // The header and the first chunk in one request: most blobs are small and read whole.
        let client = Arc::clone(&self.inner.client);
        let p = path.clone();
        let options =
            GetOptions::new().with_range(Some(GetRange::Bounded(0..HEADER_LEN + SEALED_CHUNK_LEN)));
        let first = self.run(async move {
            let got = client.get_opts(&p, options).await?;
            let meta = got.meta.clone();
            Ok::<_, object_store::Error>((meta, got.bytes().await?))
        })?;
        let (meta, head) = match first {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Err(BlobError::NotFound(*hash)),
            Err(e) => {
                // A stored object shorter than the header (down to nothing, which a ranged
                // request cannot even address) is damaged, not unreachable.
                let client = Arc::clone(&self.inner.client);
                let p = path.clone();
                if let Ok(Ok(meta)) = self.run(async move { client.head(&p).await }) {
                    if meta.size < HEADER_LEN {
                        return Err(BlobError::Damaged {
                            item: *hash,
                            detail: "the header is truncated".into(),
                        });
                    }
                }
                return Err(self.remote("read", &path, e));
            }
        };
        let opener = self.inner.keys.open_header(*hash, &head, meta.size)?;
        let source = ObjectSource {
            store: self.clone(),
            path,
            e_tag: meta.e_tag,
            base: 0,
            size: meta.size,
            cached: head,
            last_end: None,
            ahead: None,
        };
        Ok(Box::new(ChunkReader::new(source, opener)))
    }
}

impl BlobStore for S3BlobStore {
    fn writer(&self) -> Result<Box<dyn BlobWriter>, BlobError> {
        let (header, sealer) = self.inner.keys.seal_new()?;
        Ok(Box::new(S3Writer {
            store: self.clone(),
            sealer,
            pending: Pending::starting_with(header),
            upload: None,
            failed: false,
        }))
    }

    fn contains(&self, hash: &ContentHash) -> Result<bool, BlobError> {
        Ok(self.known_packed(hash).is_some()
            || self.exists(&Path::from(self.object_key(hash)))?
            || self.find_packed(hash)?.is_some())
    }

    fn open(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError> {
        if let Some(location) = self.known_packed(hash) {
            // A pack that cannot be opened may have a copy stored as an object of its own.
            return self.open_packed(hash, location).or_else(|packed| {
                match self.open_object(hash) {
                    Err(BlobError::NotFound(_)) => Err(packed),
                    other => other,
                }
            });
        }
        match self.open_object(hash) {
            Err(BlobError::NotFound(_)) => match self.find_packed(hash)? {
                Some(location) => self.open_packed(hash, location),
                None => Err(BlobError::NotFound(*hash)),
            },
            other => other,
        }
    }

    fn pass(&self) -> Box<dyn BlobPass + '_> {
        // The bucket's index read for the pass, so that packs written since the last reading
        // (by this server or another) are read in order too. A failure is met again, and
        // reported, when the blobs are opened.
        let _ = self.read_index();
        Box::new(S3Pass {
            store: self,
            windows: Mutex::new(VecDeque::new()),
        })
    }

    fn sync(&self) -> Result<(), BlobError> {
        // Every blob finished in the foreground was acknowledged by the service (see the module
        // docs); those finished in the background are once their uploads end, the open pack's
        // once it is sent.
        let sent = self.send_open_pack();
        // Even if the pack could not start (it is then kept to be sent again), wait for the rest.
        let waited = self.wait_background();
        sent.and(waited)
    }

    fn names_are_atomic(&self) -> bool {
        // A name appears by one `PUT` or one `CopyObject`, each whole or not at all, and only
        // once the service has stored it.
        true
    }

    fn parallel_reads(&self) -> usize {
        // Each reader holds at most one chunk and its read-ahead window (9 MiB): eight bound
        // that to 72 MiB, and keep a single node's latency (tens of milliseconds per response
        // on Garage) from setting the pace.
        self.inner.concurrency.clamp(1, MAX_PARALLEL_READS)
    }

    fn clean_temporary(&self) -> Result<u64, BlobError> {
        let mut removed = 0;
        for key in self.temporary_objects()? {
            let path = Path::from(key.as_str());
            if let Some(id) = path.filename().and_then(|f| f.strip_suffix(".pack")) {
                // Another server sharing the bucket may be sending this pack: only a marker a
                // day old is a leftover (a pack's requests give up within minutes).
                let Some(written) = pack::parse_pack_id(id) else {
                    continue;
                };
                if now_millis().saturating_sub(written) < pack::LEFTOVER_AFTER_MS {
                    continue;
                }
                if self.remove_unindexed_pack(id)? {
                    removed += 1;
                }
            }
            if let Some(upload) = key.strip_suffix(".upload") {
                let id = self.get_range(&path, 0..1024, None)?;
                let id = String::from_utf8_lossy(&id).trim().to_owned();
                let client = Arc::clone(&self.inner.client);
                let upload = Path::from(upload);
                let u = upload.clone();
                match self.run(async move { client.abort_multipart(&u, &id).await })? {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(self.remote("abort the upload of", &upload, e)),
                }
            }
            self.delete(&path)?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// A multipart upload under way, to a temporary object.
struct Upload {
    temp: Path,
    marker: Path,
    id: String,
    next_part: usize,
    /// Parts acknowledged, in order.
    done: Vec<PartId>,
    /// Parts being sent, oldest first.
    in_flight: VecDeque<mpsc::Receiver<object_store::Result<PartId>>>,
    /// The temporary object exists (the upload was completed but not yet copied into place).
    completed: bool,
}

/// Sealed bytes waiting to be sent, as the sealer gave them (the header, then one buffer per
/// chunk): a part is a list of them, cut where it ends, so nothing is copied into a part and
/// what is in flight is what the budget counts.
#[derive(Default)]
struct Pending {
    chunks: VecDeque<Bytes>,
    len: usize,
}

impl Pending {
    fn starting_with(header: Vec<u8>) -> Self {
        let mut pending = Self::default();
        pending.push(header);
        pending
    }

    fn push(&mut self, sealed: Vec<u8>) {
        self.len += sealed.len();
        self.chunks.push_back(Bytes::from(sealed));
    }

    /// The first `len` bytes (at most all of them), as one payload.
    fn take(&mut self, len: usize) -> PutPayload {
        let mut left = len.min(self.len);
        self.len -= left;
        let mut part = Vec::new();
        while left > 0 {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            if front.len() <= left {
                left -= front.len();
                part.extend(self.chunks.pop_front());
            } else {
                part.push(front.split_to(left));
                left = 0;
            }
        }
        part.into_iter().collect()
    }
}

struct S3Writer {
    store: S3BlobStore,
    sealer: Sealer,
    /// Sealed bytes not yet sent (the header first).
    pending: Pending,
    upload: Option<Upload>,
    /// A part failed: the blob can no longer be finished.
    failed: bool,
}

impl S3Writer {
    fn start_upload(&mut self) -> Result<(), BlobError> {
        let name = self.store.inner.keys.random_name()?;
        let temp = Path::from(self.store.key(&format!("tmp/{name}")));
        let marker = Path::from(self.store.key(&format!("tmp/{name}.upload")));
        let client = Arc::clone(&self.store.inner.client);
        let t = temp.clone();
        let id = self
            .store
            .run(async move { client.create_multipart(&t).await })?
            .map_err(|e| self.store.remote("start an upload to", &temp, e))?;
        let client = Arc::clone(&self.store.inner.client);
        let (m, body) = (marker.clone(), PutPayload::from(id.clone().into_bytes()));
        let marked = self.store.run(async move { client.put(&m, body).await })?;
        let upload = Upload {
            temp,
            marker,
            id,
            next_part: 0,
            done: Vec::new(),
            in_flight: VecDeque::new(),
            completed: false,
        };
        if let Err(e) = marked {
            let error = self.store.remote("write", &upload.marker, e);
            self.upload = Some(upload); // aborted by `Drop`
            return Err(error);
        }
        self.upload = Some(upload);
        Ok(())
    }

    /// Sends `len` bytes from the front of the buffer as the next part.
    fn send_part(&mut self, len: usize) -> Result<(), BlobError> {
        if self.upload.is_none() {
            self.start_upload()?;
        }
        let part = self.pending.take(len);
        let Some(upload) = self.upload.as_mut() else {
            return Ok(()); // unreachable: started above
        };
        if upload.in_flight.len() >= MAX_PARTS_IN_FLIGHT {
            Self::wait_oldest(&self.store, upload)?;
        }
        let admission = self.store.admit(part.content_length())?;
        let client = Arc::clone(&self.store.inner.client);
        let (temp, id, index) = (upload.temp.clone(), upload.id.clone(), upload.next_part);
        let receiver = self.store.spawn(async move {
            let _admission = admission;
            client.put_part(&temp, &id, index, part).await
        });
        upload.in_flight.push_back(receiver);
        upload.next_part += 1;
        Ok(())
    }

    fn wait_oldest(store: &S3BlobStore, upload: &mut Upload) -> Result<(), BlobError> {
        if let Some(receiver) = upload.in_flight.pop_front() {
            let part = receiver.recv().map_err(|_| store.stopped())?;
            let part = part.map_err(|e| store.remote("upload a part of", &upload.temp, e))?;
            upload.done.push(part);
        }
        Ok(())
    }

    /// Sends every full part the buffer holds.
    fn send_full_parts(&mut self) -> Result<(), BlobError> {
        loop {
            let index = self.upload.as_ref().map_or(0, |u| u.next_part);
            let len = part_len(self.store.inner.part_len, index);
            if self.pending.len < len {
                return Ok(());
            }
            self.send_part(len)?;
        }
    }

    /// Seals the last chunk into `pending`.
    fn seal_end(&mut self) -> Result<(), BlobError> {
        let Self {
            sealer, pending, ..
        } = self;
        sealer
            .finish(&mut |sealed: Vec<u8>| {
                pending.push(sealed);
                Ok(None)
            })
            .map_err(|_| BlobError::Crypto)
    }

    fn finish_inner(
        &mut self,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<Stored, BlobError> {
        if self.failed {
            return Err(BlobError::Remote {
                action: "finish",
                bucket: self.store.inner.bucket.clone(),
                object: self.store.object_key(hash),
                hint: "an earlier write of this blob failed; write it again",
                source: "the blob is incomplete".into(),
            });
        }
        self.seal_end()?;
        let path = Path::from(self.store.object_key(hash));
        let existed = self.store.exists(&path)?;
        if existed && if_present == IfPresent::Keep {
            return Ok(Stored::AlreadyPresent); // `Drop` aborts any upload
        }
        if self.upload.is_none() {
            let admission = self.store.admit(self.pending.len)?;
            let client = Arc::clone(&self.store.inner.client);
            let body = self.pending.take(self.pending.len);
            let p = path.clone();
            self.store
                .run(async move {
                    let _admission = admission;
                    client.put(&p, body).await
                })?
                .map_err(|e| self.store.remote("write", &path, e))?;
        } else {
            let len = self.pending.len;
            self.send_part(len)?;
            let store = self.store.clone();
            let Some(upload) = self.upload.as_mut() else {
                return Ok(Stored::New); // unreachable: `send_part` keeps the upload
            };
            while !upload.in_flight.is_empty() {
                Self::wait_oldest(&store, upload)?;
            }
            let client = Arc::clone(&store.inner.client);
            let (temp, id, parts) = (upload.temp.clone(), upload.id.clone(), upload.done.clone());
            store
                .run(async move { client.complete_multipart(&temp, &id, parts).await })?
                .map_err(|e| store.remote("complete the upload of", &upload.temp, e))?;
            upload.completed = true;
            let client = Arc::clone(&store.inner.client);
            let (from, to) = (upload.temp.clone(), path.clone());
            store
                .run(async move { client.copy(&from, &to).await })?
                .map_err(|e| store.remote("copy into place", &path, e))?;
            // The blob is stored; a leftover temporary object is removed by `clean_temporary`.
            let _ = store.delete(&upload.temp);
            let _ = store.delete(&upload.marker);
            self.upload = None;
        }
        Ok(if existed {
            Stored::Replaced
        } else {
            Stored::New
        })
    }
}

impl Write for S3Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::other("an earlier write of this blob failed"));
        }
        let Self {
            sealer, pending, ..
        } = self;
        sealer.write(buf, &mut |sealed: Vec<u8>| {
            pending.push(sealed);
            Ok(None)
        })?;
        if let Err(e) = self.send_full_parts() {
            self.failed = true;
            return Err(io::Error::other(e));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl BlobWriter for S3Writer {
    fn finish(
        mut self: Box<Self>,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<Stored, BlobError> {
        self.finish_inner(hash, if_present)
    }

    /// A blob smaller than [`S3Config::pack_below`] joins the open pack (see the module docs); a
    /// larger one smaller than one part goes out in the background (one `PUT`, after a `HEAD` for
    /// [`IfPresent::Keep`]); a multipart upload, whose parts already went out side by side, is
    /// completed and copied into place at once.
    fn finish_deferred(
        mut self: Box<Self>,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<(), BlobError> {
        if self.upload.is_some() || self.failed {
            return self.finish_inner(hash, if_present).map(drop);
        }
        self.store.refuse_while_failing()?;
        self.seal_end()?;
        let body = self.pending.take(self.pending.len);
        let name = self.store.inner.keys.object_name(hash);
        match pack::name_key(&name) {
            Some(key) if body.content_length() < self.store.inner.pack_below => {
                // Kept: found in a pack, or waiting in the open one. (A copy stored as an
                // object of its own is not looked for: that would cost a request per blob, and
                // a second copy in a pack is harmless.)
                if if_present == IfPresent::Keep && self.store.packed_or_waiting(&key)? {
                    return Ok(());
                }
                self.store.add_to_pack(name, key, body, if_present)
            }
            _ => self
                .store
                .put_in_background(Path::from(self.store.key(&name)), body, if_present),
        }
    }
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        // A finished writer has no upload left: this is an abandoned (or refused) blob.
        let Some(upload) = self.upload.take() else {
            return;
        };
        // Parts still being sent could land after the abort and linger: wait for them first.
        for receiver in &upload.in_flight {
            let _ = receiver.recv_timeout(ABORT_WAIT);
        }
        let client = Arc::clone(&self.store.inner.client);
        let done = self.store.spawn(async move {
            let cleaned = if upload.completed {
                client.delete(&upload.temp).await
            } else {
                match client.abort_multipart(&upload.temp, &upload.id).await {
                    Err(object_store::Error::NotFound { .. }) => Ok(()),
                    other => other,
                }
            };
            // Keep the marker if the upload could not be aborted: `clean_temporary` will.
            if cleaned.is_ok() {
                let _ = client.delete(&upload.marker).await;
            }
        });
        let _ = done.recv_timeout(ABORT_WAIT);
    }
}

/// The bytes of one stored object, fetched by range as a [`ChunkReader`] asks for them.
struct ObjectSource {
    store: S3BlobStore,
    path: Path,
    /// The version read: every later request must find the same one.
    e_tag: Option<String>,
    /// Where the blob begins in the object: 0, or its offset in its pack.
    base: u64,
    /// The blob's stored length.
    size: u64,
    /// The object's first bytes, fetched with the header.
    cached: Bytes,
    /// Where the previous read ended: a read starting there is part of a sequential pass.
    last_end: Option<u64>,
    ahead: Option<ReadAhead>,
}

/// A download of the rest of an object, running ahead of the reader by at most [`READ_AHEAD`]
/// bytes: sequential reads then cost one request, not one per chunk.
struct ReadAhead {
    /// Offset of the next byte to come out.
    offset: u64,
    receiver: mpsc::Receiver<object_store::Result<Bytes>>,
    /// Bytes the download may still fetch ahead; given back as the reader consumes them.
    credits: Arc<tokio::sync::Semaphore>,
    current: Bytes,
    task: tokio::task::AbortHandle,
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ReadAhead {
    fn read_exact(&mut self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            if self.current.is_empty() {
                let next = self.receiver.recv().map_err(|_| {
                    io::Error::new(io::ErrorKind::UnexpectedEof, "the object ended early")
                })?;
                self.current = next.map_err(io::Error::other)?;
                self.credits.add_permits(self.current.len().min(READ_AHEAD));
                continue;
            }
            let n = buf.len().min(self.current.len());
            buf[..n].copy_from_slice(&self.current.split_to(n));
            buf = &mut buf[n..];
            self.offset += n as u64;
        }
        Ok(())
    }
}

impl ObjectSource {
    fn start_read_ahead(&mut self, offset: u64) -> Option<ReadAhead> {
        let runtime = self.store.inner.runtime.as_ref()?;
        self.store.count_blob_read();
        let (sender, receiver) = mpsc::channel();
        let credits = Arc::new(tokio::sync::Semaphore::new(READ_AHEAD));
        let client = Arc::clone(&self.store.inner.client);
        let path = self.path.clone();
        let options = GetOptions::new()
            .with_range(Some(GetRange::Bounded(
                self.base + offset..self.base + self.size,
            )))
            .with_if_match(self.e_tag.clone());
        let permits = Arc::clone(&credits);
        let task = runtime.spawn(async move {
            let mut stream = match client.get_opts(&path, options).await {
                Ok(got) => got.into_stream(),
                Err(e) => {
                    let _ = sender.send(Err(e));
                    return;
                }
            };
            while let Some(item) = stream.next().await {
                let len = item.as_ref().map_or(0, |b| b.len().min(READ_AHEAD));
                match permits.acquire_many(len as u32).await {
                    Ok(permit) => permit.forget(),
                    Err(_) => return,
                }
                if sender.send(item).is_err() {
                    return;
                }
            }
        });
        Some(ReadAhead {
            offset,
            receiver,
            credits,
            current: Bytes::new(),
            task: task.abort_handle(),
        })
    }

    fn context(&self, error: impl std::fmt::Display) -> io::Error {
        io::Error::other(format!(
            "cannot read `{}` in bucket `{}`: {error}",
            self.path, self.store.inner.bucket
        ))
    }
}

impl ChunkSource for ObjectSource {
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let end = offset + buf.len() as u64;
        if end > self.size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "read past the end of the object",
            ));
        }
        if end <= self.cached.len() as u64 {
            buf.copy_from_slice(&self.cached[offset as usize..end as usize]);
            self.last_end = Some(end);
            return Ok(());
        }
        if self.ahead.as_ref().is_some_and(|a| a.offset != offset) {
            self.ahead = None;
        }
        if self.ahead.is_none() && self.last_end == Some(offset) && end < self.size {
            self.ahead = self.start_read_ahead(offset);
        }
        match self.ahead.as_mut() {
            Some(ahead) => {
                if let Err(e) = ahead.read_exact(buf) {
                    self.ahead = None;
                    return Err(self.context(e));
                }
            }
            None => {
                let got = self
                    .store
                    .get_range(
                        &self.path,
                        self.base + offset..self.base + end,
                        self.e_tag.clone(),
                    )
                    .map_err(io::Error::other)?;
                if got.len() != buf.len() {
                    return Err(self.context("the object ended early"));
                }
                buf.copy_from_slice(&got);
            }
        }
        self.last_end = Some(end);
        Ok(())
    }
}

/// What to do about a request that failed with `error`.
fn hint_for(error: &object_store::Error) -> &'static str {
    match error {
        object_store::Error::Unauthenticated { .. }
        | object_store::Error::PermissionDenied { .. } => {
            "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that this key may read and \
             write the bucket"
        }
        object_store::Error::NotFound { .. } => {
            "check that the bucket exists and AWS_ENDPOINT_URL names the right service"
        }
        _ => {
            "the request was retried with back-off and still failed: check that the service at \
             AWS_ENDPOINT_URL is up and reachable, then retry"
        }
    }
}

/// Locks a mutex, taking over one poisoned by a panic elsewhere (its data stays consistent:
/// every critical section here is a few assignments).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_strictly() {
        assert_eq!(
            parse_url("s3://evidence").unwrap(),
            ("evidence".into(), "".into())
        );
        assert_eq!(
            parse_url("s3://evidence/vaults/centre-1/").unwrap(),
            ("evidence".into(), "vaults/centre-1".into())
        );
        for bad in [
            "evidence",
            "https://evidence",
            "s3://",
            "s3://Evidence",
            "s3://ab",
            "s3://-evidence",
            "s3://evidence/../x",
            "s3://evidence/a//b",
            "s3://evidence/a b",
        ] {
            assert!(parse_url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn parts_grow_so_that_large_blobs_fit_in_10000_parts() {
        let base = 8 << 20;
        assert_eq!(part_len(base, 0), base);
        assert_eq!(part_len(base, 1999), base);
        assert_eq!(part_len(base, 2000), 2 * base);
        let total: u64 = (0..10_000).map(|i| part_len(base, i) as u64).sum();
        assert!(total > 400_000_000_000, "{total}");
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let config = S3Config {
            bucket: "evidence".into(),
            prefix: String::new(),
            endpoint: Some("http://127.0.0.1:3900".into()),
            region: "garage".into(),
            access_key_id: "GK123".into(),
            secret_access_key: "very-secret".into(),
            session_token: Some("also-secret".into()),
            max_retries: 1,
            retry_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(1),
            part_len: 8 << 20,
            concurrency: DEFAULT_CONCURRENCY,
            pack_below: DEFAULT_PACK_BELOW,
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("very-secret") && !shown.contains("also-secret"));
        let store = S3BlobStore::open(&config, &[1; 32], &[2; 32]).unwrap();
        assert!(!format!("{store:?}").contains("secret"));
    }
}
