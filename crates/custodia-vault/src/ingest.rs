//! Ingest: files, folders and archives into the vault, every input accounted for.
//!
//! One ingest traced: walk the inputs (never following a symlink out of the given tree) → stream
//! several files at once (`jobs`, one per core by default), each read once into 1 MiB chunks that
//! pass from the reading thread to a hashing thread (SHA-256, its identity) to a writing thread
//! (the blob store seals several chunks at once in parallel, then writes them in order) → take
//! the results in walk order → collect a batch → `syncfs` once for the batch's blobs (or, on S3,
//! wait for the uploads sent in the background) → one catalog transaction for its items,
//! submissions and custody events → one log append for their entries → report them stored.
//! Archives are flushed at once and expanded from the preserved copy, recursively.
//!
//! A rerun of the same command is the same *submission* (same originator, collection details and
//! input paths): paths it already recorded are listed as `already_recorded` and not stored again,
//! so an interrupted ingest resumes.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Instant;

use custodia_blobstore::{BlobStore, BlobWriter, ContentHash, IfPresent};
use custodia_catalog::{IngestRecord, ItemRow, NewEvent, SubmissionRow};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::archive::{self, ArchiveLimits, Budget};
use crate::custody::{self, action};
use crate::sniff::{self, SNIFF_LEN};
use crate::walk::{describe_open_error, Candidate, Walk, Walked};
use crate::{Result, Vault, VaultError};

/// Who supplied the collection, and how it was collected.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub originator: String,
    pub case_ref: Option<String>,
    pub collected_by: Option<String>,
    pub collected_at: Option<String>,
    pub collection_note: Option<String>,
    /// The user recorded as acting in the custody log.
    pub actor: String,
    /// Limits on archive expansion; the vault's configured limits when `None`.
    pub limits: Option<ArchiveLimits>,
    /// The originator's sharing regime for this collection; [`crate::DEFAULT_REGIME`] when
    /// `None`. Set on the first run of a submission; a resumed run keeps the one set then.
    pub regime: Option<custodia_access::Regime>,
    /// Files hashed and encrypted at once; the number of cores when `None`. It changes only the
    /// speed: items, custody entries and their order are the same for any number.
    pub jobs: Option<usize>,
}

/// Callbacks for showing progress; all optional.
pub trait IngestProgress: Sync {
    /// Whether to count the inputs before the ingest, for [`IngestProgress::planned`] (a walk
    /// of its own: only worth it when someone watches).
    fn wants_plan(&self) -> bool {
        false
    }
    /// The inputs were counted: this many files, of this many bytes, are to be read.
    fn planned(&self, _files: u64, _bytes: u64) {}
    /// Bytes of a walked file were read.
    fn advanced(&self, _bytes: u64) {}
    /// An input was rejected or could not be expanded.
    fn problem(&self, _error: &InputError) {}
    /// These items are durable and logged (or were, by an earlier run): a crash from now on
    /// loses none of them. Every item comes once, all in acceptance order.
    fn durable(&self, _items: &[IngestedItem]) {}
}

impl IngestProgress for () {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = IngestedItemStatus)]
pub enum ItemStatus {
    /// New bytes, stored now.
    Stored,
    /// Bytes the vault already held (from this or another originator); a new submission.
    Duplicate,
    /// This very path of this very submission was recorded by an earlier (interrupted) run.
    AlreadyRecorded,
}

/// One input stored (or found stored).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IngestedItem {
    pub sha256: String,
    pub path: String,
    pub size: u64,
    pub mime: String,
    pub status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_in_parent: Option<String>,
    /// Position of this submission's ingest entry in the custody log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_index: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = InputErrorKind)]
pub enum ErrorKind {
    /// The input was not stored.
    NotStored,
    /// The input was stored, but could not be (fully) expanded.
    NotExpanded,
    /// The input was stored; something about it deserves a look.
    Warning,
}

/// One input that was rejected or needs attention.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InputError {
    pub path: String,
    pub error: String,
    pub kind: ErrorKind,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[schema(as = IngestSummary)]
pub struct Summary {
    pub items: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub already_recorded: u64,
    pub bytes: u64,
    pub errors: u64,
    pub seconds: f64,
    pub mb_per_s: f64,
}

/// The outcome of an ingest: every input, stored or not.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IngestReport {
    pub submission: String,
    pub items: Vec<IngestedItem>,
    pub errors: Vec<InputError>,
    pub summary: Summary,
}

/// The outcome of an ingest whose items and problems went only to its [`IngestProgress`]
/// ([`Vault::ingest_streamed`]): what a report holds besides its lists.
#[derive(Debug, Clone, Serialize)]
pub struct IngestTotals {
    pub submission: String,
    pub summary: Summary,
}

/// Keeps every item and problem of an ingest for its [`IngestReport`], and passes them on.
struct Collect<'a> {
    inner: &'a dyn IngestProgress,
    items: Mutex<Vec<IngestedItem>>,
    errors: Mutex<Vec<InputError>>,
}

impl<'a> Collect<'a> {
    fn new(inner: &'a dyn IngestProgress) -> Self {
        Self {
            inner,
            items: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
        }
    }

    fn into_report(self, totals: IngestTotals) -> IngestReport {
        IngestReport {
            submission: totals.submission,
            items: self.items.into_inner().unwrap_or_else(|p| p.into_inner()),
            errors: self.errors.into_inner().unwrap_or_else(|p| p.into_inner()),
            summary: totals.summary,
        }
    }
}

impl IngestProgress for Collect<'_> {
    fn wants_plan(&self) -> bool {
        self.inner.wants_plan()
    }
    fn planned(&self, files: u64, bytes: u64) {
        self.inner.planned(files, bytes)
    }
    fn advanced(&self, bytes: u64) {
        self.inner.advanced(bytes)
    }
    fn problem(&self, error: &InputError) {
        self.errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(error.clone());
        self.inner.problem(error)
    }
    fn durable(&self, items: &[IngestedItem]) {
        self.items
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(items);
        self.inner.durable(items)
    }
}

/// Where an item's bytes came from.
pub(crate) struct Source {
    pub path: String,
    pub original_name: String,
    pub parent: Option<(String, String)>,
    pub modified_at: Option<String>,
    pub accessed_at: Option<String>,
    pub created_at: Option<String>,
}

/// Why storing one input failed: its fault (reported, the ingest goes on) or the vault's (stop).
pub(crate) enum Failure {
    Input(String),
    Vault(VaultError),
}

impl From<VaultError> for Failure {
    fn from(e: VaultError) -> Self {
        Failure::Vault(e)
    }
}

/// Flush a batch after this many items or bytes: enough to amortise the syncs, small enough that
/// progress is reported often and memory stays bounded.
const BATCH_ITEMS: usize = 4000;
const BATCH_BYTES: u64 = 512 << 20;
/// Read size of the streaming pipeline (one chunk of the blob format).
const PIPE_CHUNK: usize = 1 << 20;
/// Files up to this size are read in one piece and hashed inline, without the pipeline thread.
const SMALL_FILE: usize = 64 << 10;
/// Threads streaming files into blobs ahead of the thread that catalogs and logs them, per job:
/// creating a small file waits on the file system more than on the CPU, so more threads than
/// jobs pay off; large files are streamed at most `jobs` at once (see [`StreamGate`]).
const WORKERS_PER_JOB: usize = 2;
/// At most this many streaming threads, whatever the number of jobs.
const MAX_WORKERS: usize = 64;
/// At most this many large files streamed at once, whatever the number of jobs: each holds up to
/// [`PIPE_BUFFERS`] chunks of its own and what its blob writer holds (a batch of chunks; on S3
/// a part of 8 MiB being filled), so the peak stays well under 200 MiB. Four streams hash at
/// about four times one core's SHA-256, more than most disks write.
const MAX_LARGE_STREAMS: usize = 4;
/// Chunk buffers of one large file's pipeline (being read, hashed, written), reused in turn.
const PIPE_BUFFERS: usize = 4;
/// How many files the walk and the streaming workers may run ahead: enough to keep the workers
/// busy while this thread waits for a batch to become durable (a finished small file holds only
/// its hash and MIME type).
const WINDOW: usize = 4096;

pub(crate) struct Ingest<'a> {
    pub vault: &'a mut Vault,
    options: IngestOptions,
    submission_key: String,
    pub limits: ArchiveLimits,
    /// Records waiting to be made durable, each with its item's place in `accepted`.
    batch: Vec<(IngestRecord, usize)>,
    batch_bytes: u64,
    /// Items accepted and not yet reported durable, in acceptance order; bounded by a batch.
    accepted: Vec<IngestedItem>,
    /// Fingerprints of the paths this run has given an item that another may repeat (see
    /// [`Ingest::unique_path`]): a submission names each path once. A walked path that cannot
    /// repeat is not kept, so memory does not grow with a folder's files.
    used_paths: HashSet<u128>,
    /// For a path that repeated, the next number to try after it (so that a path repeated a
    /// million times costs a million tries, not half a million million).
    next_repeat: HashMap<u128, u64>,
    /// Numbered paths tried so far (what the above keeps linear).
    repeat_tries: u64,
    /// The last input not stored, and why (read by an archive's expansion for its member).
    pub last_not_stored: Option<(String, String)>,
    summary: Summary,
    pub progress: &'a dyn IngestProgress,
}

impl Vault {
    /// Ingests `inputs` (files and folders) as one submission of `options.originator`, and
    /// returns the report of every input. For inputs of any size, [`Vault::ingest_streamed`]
    /// holds none of them.
    pub fn ingest(
        &mut self,
        inputs: &[PathBuf],
        options: IngestOptions,
        progress: &dyn IngestProgress,
    ) -> Result<IngestReport> {
        let collect = Collect::new(progress);
        let totals = self.ingest_streamed(inputs, options, &collect)?;
        Ok(collect.into_report(totals))
    }

    /// Ingests `inputs` as [`Vault::ingest`] does, but hands each item and each problem to
    /// `progress` only ([`IngestProgress::durable`], [`IngestProgress::problem`]) and keeps
    /// none: memory stays the same for ten files or ten million.
    pub fn ingest_streamed(
        &mut self,
        inputs: &[PathBuf],
        options: IngestOptions,
        progress: &dyn IngestProgress,
    ) -> Result<IngestTotals> {
        let started = Instant::now();
        let submission_key = submission_key(inputs, &options);
        let mut ingest = self.begin_ingest(submission_key, options, progress)?;
        if progress.wants_plan() {
            let (files, bytes) = Walk::new(inputs).fold((0u64, 0u64), |(n, b), w| match w {
                Walked::File(c) => (n + 1, b + c.size),
                Walked::Problem { .. } => (n, b),
            });
            progress.planned(files, bytes);
        }
        ingest.ingest_walk(Walk::new(inputs))?;
        ingest.flush()?;
        let totals = ingest.totals(started);
        self.checkpoint_if_due()?;
        Ok(totals)
    }

    /// Checks the caller may ingest for the originator and prepares a run of submission
    /// `submission_key`.
    fn begin_ingest<'a>(
        &'a mut self,
        submission_key: String,
        options: IngestOptions,
        progress: &'a dyn IngestProgress,
    ) -> Result<Ingest<'a>> {
        let who = self.principal(&options.actor)?;
        self.require_holder_role(&who, custodia_access::Role::Custodian, "ingest")?;
        self.begin_authorised_ingest(submission_key, options, progress)
    }

    /// Prepares a run of submission `submission_key` whose actor the caller has already
    /// authorised by a rule of its own (a civilian-harm report from the public reporting point
    /// is stored in the name of no user).
    fn begin_authorised_ingest<'a>(
        &'a mut self,
        submission_key: String,
        options: IngestOptions,
        progress: &'a dyn IngestProgress,
    ) -> Result<Ingest<'a>> {
        self.require_write()?;
        if options.originator.trim().is_empty() {
            return Err(VaultError::Invalid(
                "an originator is required (`--originator NAME`)".into(),
            ));
        }
        self.ensure_originator(&options.originator, &options.actor)?;
        self.ensure_submission_regime(
            &submission_key,
            &options.originator,
            options.regime.unwrap_or(crate::DEFAULT_REGIME),
            &options.actor,
        )?;
        let limits = options
            .limits
            .clone()
            .unwrap_or_else(|| self.config.archive_limits.clone());
        Ok(Ingest {
            vault: self,
            options,
            submission_key: submission_key.clone(),
            limits,
            batch: Vec::new(),
            batch_bytes: 0,
            accepted: Vec::new(),
            used_paths: HashSet::new(),
            next_repeat: HashMap::new(),
            repeat_tries: 0,
            last_not_stored: None,
            summary: Summary::default(),
            progress,
        })
    }

    /// Stores one stream (an upload received over HTTP) as the item `name` of the submission
    /// `submission_key`, expanding it if it is an archive. A rerun with the same key and name
    /// finds the item recorded and stores nothing twice.
    pub fn ingest_reader(
        &mut self,
        name: &str,
        reader: &mut dyn Read,
        submission_key: &str,
        options: IngestOptions,
        progress: &dyn IngestProgress,
    ) -> Result<IngestReport> {
        let who = self.principal(&options.actor)?;
        self.require_holder_role(&who, custodia_access::Role::Custodian, "ingest")?;
        self.ingest_reader_authorised(name, reader, submission_key, options, progress, None)
    }

    /// [`Vault::ingest_reader`] for an actor the caller has authorised by a rule of its own;
    /// with `parent` (its item and the path within it), the item is recorded as that item's
    /// child, as an archive's member is (a report's attachment).
    pub(crate) fn ingest_reader_authorised(
        &mut self,
        name: &str,
        reader: &mut dyn Read,
        submission_key: &str,
        options: IngestOptions,
        progress: &dyn IngestProgress,
        parent: Option<(String, String)>,
    ) -> Result<IngestReport> {
        let started = Instant::now();
        let collect = Collect::new(progress);
        let mut ingest =
            self.begin_authorised_ingest(submission_key.to_owned(), options, &collect)?;
        let path = ingest.unique_path(name);
        let original_name = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.to_owned());
        let depth = u32::from(parent.is_some());
        let source = Source {
            path,
            original_name,
            parent,
            modified_at: None,
            accessed_at: None,
            created_at: None,
        };
        let budget = Budget::new(&ingest.limits);
        ingest.ingest_stream(reader, source, depth, &budget)?;
        ingest.flush()?;
        let totals = ingest.totals(started);
        self.checkpoint_if_due()?;
        Ok(collect.into_report(totals))
    }
}

/// The same collection from the same originator with the same details is the same submission.
fn submission_key(inputs: &[PathBuf], options: &IngestOptions) -> String {
    let mut paths: Vec<String> = inputs
        .iter()
        .map(|p| {
            fs::canonicalize(p)
                .unwrap_or_else(|_| p.clone())
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    paths.sort();
    let key = serde_json::json!([
        options.originator,
        options.case_ref,
        options.collected_by,
        options.collected_at,
        options.collection_note,
        paths
    ]);
    hex::encode(&Sha256::digest(key.to_string().as_bytes())[..16])
}

/// A stream written into a blob; `writer` is `Some` while the blob still waits for its name
/// (because a blob of that name existed, and only the catalog can say whether to keep it).
pub(crate) struct Streamed {
    writer: Option<Box<dyn BlobWriter>>,
    hash: ContentHash,
    size: u64,
    /// The MIME type sniffed from the first bytes on the worker, so that a file waiting its
    /// turn holds a few bytes, not its first [`SNIFF_LEN`].
    mime: String,
}

/// Opens and streams one walked file (on a worker thread).
fn stream_file(
    blobs: &dyn BlobStore,
    path: &Path,
    progress: &dyn IngestProgress,
    gate: &StreamGate,
) -> Result<Streamed, Failure> {
    let mut file =
        open_no_follow_fifo(path).map_err(|e| Failure::Input(describe_open_error(path, &e)))?;
    let mut counted = CountingReader {
        inner: &mut file,
        progress,
    };
    stream_to_blob(blobs, &mut counted, Some(gate))
}

/// Where a walked file came from, recorded under `path` (its shown path, made unique).
fn source_of(candidate: &Candidate, path: String) -> Source {
    let m = &candidate.metadata;
    let name = Path::new(&path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.clone());
    Source {
        path,
        original_name: name,
        parent: None,
        modified_at: m.modified().ok().map(custody::format_system_time),
        accessed_at: m.accessed().ok().map(custody::format_system_time),
        created_at: m.created().ok().map(custody::format_system_time),
    }
}

/// What the pipeline made of one stream.
pub(crate) struct StoredBlob {
    pub hash: ContentHash,
    pub size: u64,
    pub mime: String,
}

/// Reads until `buf` is full or the stream ends.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl Ingest<'_> {
    /// Stores the walked files. Workers stream files into blobs (read, hash, encrypt, write),
    /// `jobs` large files at once, at most [`WINDOW`] files ahead of this thread, which walks,
    /// takes their results in walk order and does everything that touches the catalog and the
    /// log, so items and custody entries come in the same order whatever the number of jobs.
    /// Paths this submission already recorded are not streamed. Nothing here grows with the
    /// number of files: the walk holds the folders it is in, the window its files.
    fn ingest_walk(&mut self, walk: Walk) -> Result<()> {
        /// A walked file waiting for its turn.
        struct Ahead {
            seq: u64,
            source: Source,
            /// The item an earlier run recorded under this path, if any.
            recorded: Option<String>,
        }
        // A rerun of an interrupted submission looks up each path; a new one need not.
        let resuming = self
            .vault
            .catalog
            .submission_started(&self.submission_key)?;
        let blobs = Arc::clone(&self.vault.blobs);
        let progress = self.progress;
        let jobs = ingest_jobs(self.options.jobs);
        let gate = StreamGate::new(jobs.min(MAX_LARGE_STREAMS));
        let workers = (jobs * WORKERS_PER_JOB).clamp(2, MAX_WORKERS);
        let stop = AtomicBool::new(false);
        let (to_stream, jobs_inbox) = mpsc::channel::<(u64, PathBuf)>();
        let jobs_inbox = Mutex::new(jobs_inbox);
        std::thread::scope(|scope| -> Result<()> {
            let (results, inbox) = mpsc::channel::<(u64, Result<Streamed, Failure>)>();
            for _ in 0..workers {
                let results = results.clone();
                let (blobs, jobs_inbox, stop, gate) = (&blobs, &jobs_inbox, &stop, &gate);
                let worker = std::thread::Builder::new().name("ingest-stream".into());
                let spawned = worker.spawn_scoped(scope, move || loop {
                    let job = jobs_inbox.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((seq, path)) = job else {
                        break;
                    };
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let outcome = stream_file(blobs.as_ref(), &path, progress, gate);
                    if results.send((seq, outcome)).is_err() {
                        break;
                    }
                });
                spawned.map_err(VaultError::io("start a streaming thread", Path::new("-")))?;
            }
            drop(results);
            let outcome = (|| -> Result<()> {
                let mut walk = walk.fuse();
                let mut ahead: VecDeque<Ahead> = VecDeque::new();
                let mut waiting: BTreeMap<u64, Result<Streamed, Failure>> = BTreeMap::new();
                let mut next_seq = 0u64;
                loop {
                    while ahead.len() < WINDOW {
                        let candidate = match walk.next() {
                            None => break,
                            Some(Walked::Problem { path, error }) => {
                                self.reject(&path, error, ErrorKind::NotStored);
                                continue;
                            }
                            Some(Walked::File(candidate)) => candidate,
                        };
                        let path = if candidate.may_repeat {
                            self.unique_path(&candidate.display)
                        } else {
                            candidate.display.clone()
                        };
                        if candidate.name_not_utf8 {
                            self.reject(
                                &path,
                                "the name is not valid UTF-8: recorded with its invalid bytes written as `\\xNN`".into(),
                                ErrorKind::Warning,
                            );
                        }
                        let recorded = if resuming {
                            self.vault
                                .catalog
                                .submitted_item(&self.submission_key, &path)?
                        } else {
                            None
                        };
                        if recorded.is_none() {
                            // The workers end only when this sender is dropped.
                            let _ = to_stream.send((next_seq, candidate.fs_path.clone()));
                        }
                        ahead.push_back(Ahead {
                            seq: next_seq,
                            source: source_of(&candidate, path),
                            recorded,
                        });
                        next_seq += 1;
                    }
                    let Some(next) = ahead.pop_front() else {
                        return Ok(());
                    };
                    if let Some(sha) = &next.recorded {
                        self.accept_recorded(sha, next.source, 0, &Budget::new(&self.limits))?;
                        continue;
                    }
                    let streamed = loop {
                        if let Some(s) = waiting.remove(&next.seq) {
                            break s;
                        }
                        match inbox.recv() {
                            Ok((seq, s)) => {
                                waiting.insert(seq, s);
                            }
                            Err(_) => {
                                return Err(VaultError::Invalid(
                                    "a streaming worker stopped".into(),
                                ))
                            }
                        }
                    };
                    match streamed {
                        Ok(streamed) => {
                            let stored = self.finish_blob(streamed)?;
                            self.accept(stored, next.source, 0, &Budget::new(&self.limits))?;
                        }
                        Err(Failure::Input(why)) => {
                            self.reject(&next.source.path, why, ErrorKind::NotStored)
                        }
                        Err(Failure::Vault(e)) => return Err(e),
                    }
                }
            })();
            stop.store(true, Ordering::SeqCst);
            drop(to_stream);
            outcome
        })
    }

    /// `path`, or, if this run already gave an item that path (an input named twice, a member
    /// name repeated in an archive), `path (2)`, `path (3)`…, with a warning. The same inputs
    /// always get the same paths, so a rerun resumes them. Every path that may repeat comes
    /// through here (archive members, a walked path [`Candidate::may_repeat`] marks); a path is
    /// kept as 128 bits of its SHA-256, so even a million members take a few tens of MiB.
    pub(crate) fn unique_path(&mut self, path: &str) -> String {
        fn fingerprint(path: &str) -> u128 {
            let digest = Sha256::digest(path.as_bytes());
            let mut first = [0u8; 16];
            first.copy_from_slice(&digest[..16]);
            u128::from_le_bytes(first)
        }
        let key = fingerprint(path);
        if self.used_paths.insert(key) {
            return path.to_owned();
        }
        let mut n = self.next_repeat.get(&key).copied().unwrap_or(2);
        let unique = loop {
            let candidate = format!("{path} ({n})");
            n += 1;
            self.repeat_tries += 1;
            if self.used_paths.insert(fingerprint(&candidate)) {
                break candidate;
            }
        };
        self.next_repeat.insert(key, n);
        self.reject(
            &unique,
            format!("`{path}` occurs more than once in this submission; this one is recorded as `{unique}`"),
            ErrorKind::Warning,
        );
        unique
    }

    pub(crate) fn reject(&mut self, path: &str, error: String, kind: ErrorKind) {
        if kind == ErrorKind::NotStored {
            self.last_not_stored = Some((path.to_owned(), error.clone()));
        }
        let e = InputError {
            path: path.to_owned(),
            error,
            kind,
        };
        self.summary.errors += 1;
        self.progress.problem(&e);
    }

    /// Reports the accepted items that are durable (all of them once the batch is empty), in
    /// acceptance order, and counts them.
    fn report_durable(&mut self) {
        if self.accepted.is_empty() {
            return;
        }
        let s = &mut self.summary;
        for item in &self.accepted {
            s.items += 1;
            match item.status {
                ItemStatus::Stored => s.stored += 1,
                ItemStatus::Duplicate => s.duplicates += 1,
                ItemStatus::AlreadyRecorded => s.already_recorded += 1,
            }
            if item.status != ItemStatus::AlreadyRecorded {
                s.bytes += item.size;
            }
        }
        self.progress.durable(&self.accepted);
        self.accepted.clear();
    }

    /// The run's totals, once everything is flushed.
    fn totals(mut self, started: Instant) -> IngestTotals {
        self.report_durable();
        let mut summary = self.summary;
        summary.seconds = started.elapsed().as_secs_f64();
        summary.mb_per_s = if summary.seconds > 0.0 {
            summary.bytes as f64 / 1e6 / summary.seconds
        } else {
            0.0
        };
        IngestTotals {
            submission: self.submission_key,
            summary,
        }
    }

    /// Stores one stream as an item of this submission, and expands it if it is an archive.
    pub(crate) fn ingest_stream(
        &mut self,
        reader: &mut dyn Read,
        source: Source,
        depth: u32,
        budget: &Budget,
    ) -> Result<()> {
        if let Some(sha) = self
            .vault
            .catalog
            .submitted_item(&self.submission_key, &source.path)?
        {
            return self.accept_recorded(&sha, source, depth, budget);
        }
        let streamed = match stream_to_blob(self.vault.blobs.as_ref(), reader, None) {
            Ok(s) => s,
            Err(Failure::Input(why)) => {
                // A tripped limit is reported once, for the archive, by the expansion.
                if budget.tripped().is_none() {
                    self.reject(&source.path, why, ErrorKind::NotStored);
                }
                return Ok(());
            }
            Err(Failure::Vault(e)) => return Err(e),
        };
        let stored = self.finish_blob(streamed)?;
        self.accept(stored, source, depth, budget)
    }

    /// A path this submission recorded in an earlier run: listed again, not stored again.
    fn accept_recorded(
        &mut self,
        sha: &str,
        source: Source,
        depth: u32,
        budget: &Budget,
    ) -> Result<()> {
        let item = self.vault.catalog.item(sha)?.ok_or_else(|| {
            VaultError::Invalid(format!("the catalog names item {sha} but does not hold it"))
        })?;
        self.accepted.push(IngestedItem {
            sha256: sha.to_owned(),
            path: source.path.clone(),
            size: item.size,
            mime: item.mime.clone(),
            status: ItemStatus::AlreadyRecorded,
            parent: source.parent.as_ref().map(|p| p.0.clone()),
            path_in_parent: source.parent.as_ref().map(|p| p.1.clone()),
            ledger_index: None,
        });
        // Durable already; reported in its turn, after the items accepted before it.
        if self.batch.is_empty() {
            self.report_durable();
        }
        // Its children may not all have been recorded before the interruption.
        if let Some(kind) = sniff::archive_kind(&item.mime) {
            self.expand(sha, &source.path, kind, depth, budget)?;
        }
        Ok(())
    }

    /// Puts a streamed blob under its name. A blob of that name that no committed catalog row
    /// vouches for may be a torn leftover of a crash, so it is replaced.
    fn finish_blob(&self, streamed: Streamed) -> Result<StoredBlob> {
        if let Some(writer) = streamed.writer {
            let vouched = self.vault.catalog.item(&streamed.hash.to_hex())?.is_some();
            writer.finish(
                &streamed.hash,
                if vouched {
                    IfPresent::Keep
                } else {
                    IfPresent::Replace
                },
            )?;
        }
        Ok(StoredBlob {
            hash: streamed.hash,
            size: streamed.size,
            mime: streamed.mime,
        })
    }

    /// Records a stored blob as an item of this submission; expands it if it is an archive.
    fn accept(
        &mut self,
        stored: StoredBlob,
        source: Source,
        depth: u32,
        budget: &Budget,
    ) -> Result<()> {
        let sha = stored.hash.to_hex();
        let mime = stored.mime.clone();
        if stored.size == 0 {
            self.reject(
                &source.path,
                "empty file (0 bytes): stored, but it holds no content".into(),
                ErrorKind::Warning,
            );
        }
        let time = custody::now();
        let item = ItemRow {
            sha256: sha.clone(),
            size: stored.size,
            mime: mime.clone(),
            stored_at: time.clone(),
        };
        let submission = SubmissionRow {
            id: 0,
            submission_key: self.submission_key.clone(),
            sha256: sha.clone(),
            originator: self.options.originator.clone(),
            case_ref: self.options.case_ref.clone(),
            collected_by: self.options.collected_by.clone(),
            collected_at: self.options.collected_at.clone(),
            collection_note: self.options.collection_note.clone(),
            path: source.path.clone(),
            original_name: source.original_name.clone(),
            parent_sha256: source.parent.as_ref().map(|p| p.0.clone()),
            path_in_parent: source.parent.as_ref().map(|p| p.1.clone()),
            modified_at: source.modified_at.clone(),
            accessed_at: source.accessed_at.clone(),
            created_at: source.created_at.clone(),
            submitted_at: time.clone(),
            submitted_by: self.options.actor.clone(),
        };
        let details = ingest_details(&item, &submission);
        let event = NewEvent {
            time,
            actor: self.options.actor.clone(),
            action: action::INGEST.into(),
            item: Some(sha.clone()),
            details,
            // Sealed when the batch is flushed.
            entry: Vec::new(),
        };
        self.accepted.push(IngestedItem {
            sha256: sha.clone(),
            path: source.path.clone(),
            size: stored.size,
            mime: mime.clone(),
            // Settled when the batch is committed: the catalog knows whether the bytes were new.
            status: ItemStatus::Stored,
            parent: source.parent.as_ref().map(|p| p.0.clone()),
            path_in_parent: source.parent.as_ref().map(|p| p.1.clone()),
            ledger_index: None,
        });
        self.batch.push((
            IngestRecord {
                item,
                submission,
                event,
            },
            self.accepted.len() - 1,
        ));
        self.batch_bytes += stored.size;
        if let Some(kind) = sniff::archive_kind(&mime) {
            // Children name their parent, so the parent is committed first.
            self.flush()?;
            self.expand(&sha, &source.path, kind, depth, budget)?;
        } else if self.batch.len() >= BATCH_ITEMS || self.batch_bytes >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn expand(
        &mut self,
        sha: &str,
        path: &str,
        kind: sniff::ArchiveKind,
        depth: u32,
        budget: &Budget,
    ) -> Result<()> {
        if depth >= self.limits.max_depth {
            let why = format!("not expanded: archives nested deeper than {} levels (limit `max_depth`); the archive itself is preserved", self.limits.max_depth);
            self.vault.catalog.set_expansion_error(sha, &why)?;
            self.reject(path, why, ErrorKind::NotExpanded);
            return Ok(());
        }
        let outcome = archive::expand(self, sha, path, kind, depth + 1, budget)?;
        if let Err(why) = outcome {
            self.vault.catalog.set_expansion_error(sha, &why)?;
            self.reject(path, why, ErrorKind::NotExpanded);
        }
        Ok(())
    }

    /// Makes the batch durable and logged: sync blobs → one catalog transaction → one log append.
    pub(crate) fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            self.report_durable();
            return Ok(());
        }
        let started = Instant::now();
        self.vault.blobs.sync()?;
        let synced = started.elapsed();
        let mut records: Vec<IngestRecord> = self.batch.iter().map(|(r, _)| r.clone()).collect();
        self.vault
            .sealer
            .seal_events(records.iter_mut().map(|r| &mut r.event))?;
        let commit = self.vault.catalog.commit_ingest(&records)?;
        let committed = started.elapsed();
        let indexes = self.vault.append_pending(&commit.pending)?;
        for ((_, accepted_index), new) in self.batch.iter().zip(&commit.new_items) {
            if !new {
                self.accepted[*accepted_index].status = ItemStatus::Duplicate;
            }
        }
        tracing::debug!(
            items = self.batch.len(),
            sync_ms = synced.as_millis() as u64,
            catalog_ms = (committed - synced).as_millis() as u64,
            log_ms = (started.elapsed() - committed).as_millis() as u64,
            "batch durable"
        );
        for ((_, accepted_index), ledger_index) in self.batch.iter().zip(indexes) {
            self.accepted[*accepted_index].ledger_index = Some(ledger_index);
        }
        self.batch.clear();
        self.batch_bytes = 0;
        self.report_durable();
        Ok(())
    }
}

/// The details an ingest entry commits to: the item's facts and the submission's provenance.
/// `verify` rebuilds this from the catalog rows, so an edited row no longer matches the log.
pub(crate) fn ingest_details(item: &ItemRow, submission: &SubmissionRow) -> String {
    let mut submission = submission.clone();
    submission.id = 0;
    serde_json::json!({
        "item": { "sha256": item.sha256, "size": item.size, "mime": item.mime },
        "submission": submission,
    })
    .to_string()
}

/// Opens a regular file for reading without blocking on a FIFO that replaced it since the walk.
fn open_no_follow_fifo(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc_o_nonblock())
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("no longer a regular file"));
    }
    Ok(file)
}

/// `O_NONBLOCK` on Linux: opening a FIFO must not hang the ingest; regular files ignore it.
const fn libc_o_nonblock() -> i32 {
    0o4000
}

struct CountingReader<'a> {
    inner: &'a mut dyn Read,
    progress: &'a dyn IngestProgress,
}

impl Read for CountingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advanced(n as u64);
        Ok(n)
    }
}

/// Streams `reader` into a new blob, named at once unless a blob of that name exists (then
/// `writer` is returned, its content ended, for the caller to decide with the catalog). A stream
/// longer than one small piece goes through [`pipeline`], once `gate` (if any) lets it in.
/// Memory is bounded by a few chunks whatever the size.
pub(crate) fn stream_to_blob(
    blobs: &dyn BlobStore,
    reader: &mut dyn Read,
    gate: Option<&StreamGate>,
) -> Result<Streamed, Failure> {
    let writer = blobs.writer().map_err(VaultError::from)?;
    // Most evidence files are small: read a small first piece, and only set up the pipeline (and
    // its 1 MiB buffers) for what does not fit in it.
    let mut first = vec![0u8; SMALL_FILE];
    let n = read_full(reader, &mut first).map_err(|e| Failure::Input(read_error(&e)))?;
    first.truncate(n);
    let mime = sniff::mime_type(&first[..n.min(SNIFF_LEN)]);
    let (hash, size, mut writer) = if n < SMALL_FILE {
        // Small: one piece, no thread.
        let mut writer = writer;
        writer.write_all(&first).map_err(write_error)?;
        (ContentHash(Sha256::digest(&first).into()), n as u64, writer)
    } else {
        let _pass = gate.map(StreamGate::enter);
        pipeline(writer, reader, first)?
    };
    if blobs.names_are_atomic() {
        // Whatever is found under the name is whole (S3): keep it. The upload may go out in the
        // background; the batch's `sync` waits for it before anything is acknowledged.
        writer
            .finish_deferred(&hash, IfPresent::Keep)
            .map_err(VaultError::from)?;
        return Ok(Streamed {
            writer: None,
            hash,
            size,
            mime,
        });
    }
    // New bytes (the common case) are put under their name right here, on the worker. Two
    // workers racing on the same new bytes both rename the same content: harmless.
    if blobs.contains(&hash).map_err(VaultError::from)? {
        // Sealed to the end now, so that the writer waiting for the catalog's word holds no
        // buffers while the workers run ahead.
        writer.end().map_err(VaultError::from)?;
        return Ok(Streamed {
            writer: Some(writer),
            hash,
            size,
            mime,
        });
    }
    writer
        .finish(&hash, IfPresent::Replace)
        .map_err(VaultError::from)?;
    Ok(Streamed {
        writer: None,
        hash,
        size,
        mime,
    })
}

/// Streams the rest of a large input: this thread reads 1 MiB chunks, a hashing thread computes
/// the SHA-256 (one stream per file, in order), a writing thread hands each hashed chunk to the
/// blob writer (which seals several at once in parallel); the chunk buffers go round, so nothing
/// is copied between the stages and at most [`PIPE_BUFFERS`] chunks are in flight. The hash is
/// taken before the writer encrypts, so the three stages overlap chunk by chunk.
fn pipeline(
    writer: Box<dyn BlobWriter>,
    reader: &mut dyn Read,
    first: Vec<u8>,
) -> Result<(ContentHash, u64, Box<dyn BlobWriter>), Failure> {
    let stopped = |what: &str| Failure::Vault(VaultError::Invalid(format!("the {what} panicked")));
    let start = |e: io::Error| {
        Failure::Vault(VaultError::Invalid(format!(
            "cannot start an ingest thread: {e}"
        )))
    };
    std::thread::scope(|scope| {
        let (to_hasher, for_hasher) = mpsc::sync_channel::<Vec<u8>>(1);
        let (to_writer, for_writer) = mpsc::sync_channel::<Vec<u8>>(1);
        let (to_reader, free) = mpsc::sync_channel::<Vec<u8>>(PIPE_BUFFERS);
        let hasher = std::thread::Builder::new()
            .name("ingest-hash".into())
            .spawn_scoped(scope, move || {
                let mut sha = Sha256::new();
                for chunk in for_hasher {
                    sha.update(&chunk);
                    // A writer that stopped reports its own error.
                    if to_writer.send(chunk).is_err() {
                        break;
                    }
                }
                ContentHash(sha.finalize().into())
            })
            .map_err(start)?;
        let sealer = std::thread::Builder::new()
            .name("ingest-write".into())
            .spawn_scoped(scope, move || {
                let mut writer = writer;
                for chunk in for_writer {
                    if let Err(e) = writer.write_all(&chunk) {
                        return (writer, Err(e));
                    }
                    // Never full: no more buffers exist than the channel holds.
                    let _ = to_reader.try_send(chunk);
                }
                (writer, Ok(()))
            })
            .map_err(start)?;
        let mut size = 0u64;
        let mut buffers = 1;
        let mut chunk = first;
        let mut full = SMALL_FILE;
        let read = loop {
            let len = chunk.len();
            size += len as u64;
            // A stage that stopped reports its own error below.
            if len > 0 && to_hasher.send(chunk).is_err() {
                break Ok(());
            }
            if len < full {
                break Ok(());
            }
            full = PIPE_CHUNK;
            let mut next = match free.try_recv() {
                Ok(buffer) => buffer,
                Err(_) if buffers < PIPE_BUFFERS => {
                    buffers += 1;
                    Vec::with_capacity(PIPE_CHUNK)
                }
                Err(_) => match free.recv() {
                    Ok(buffer) => buffer,
                    Err(_) => break Ok(()),
                },
            };
            next.resize(PIPE_CHUNK, 0);
            match read_full(reader, &mut next) {
                Ok(n) => {
                    next.truncate(n);
                    chunk = next;
                }
                Err(e) => break Err(Failure::Input(read_error(&e))),
            }
        };
        drop(to_hasher);
        let hash = hasher.join().map_err(|_| stopped("hashing thread"))?;
        let (writer, written) = sealer.join().map_err(|_| stopped("writing thread"))?;
        written.map_err(write_error)?;
        read?;
        Ok((hash, size, writer))
    })
}

/// Lets at most `jobs` large files into their pipelines at once; the other streaming threads
/// wait here (small files pass by it). It bounds both the hashing streams and the memory.
pub(crate) struct StreamGate {
    free: Mutex<usize>,
    freed: Condvar,
}

impl StreamGate {
    fn new(limit: usize) -> Self {
        Self {
            free: Mutex::new(limit.max(1)),
            freed: Condvar::new(),
        }
    }

    fn enter(&self) -> StreamPass<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        StreamPass(self)
    }
}

/// A place in the [`StreamGate`], given back when dropped.
struct StreamPass<'a>(&'a StreamGate);

impl Drop for StreamPass<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

/// Files hashed and encrypted at once: as asked, else one per core.
fn ingest_jobs(asked: Option<usize>) -> usize {
    asked
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

fn read_error(e: &io::Error) -> String {
    format!("reading failed: {e}")
}

fn write_error(e: io::Error) -> Failure {
    Failure::Vault(VaultError::Invalid(format!(
        "writing to the blob store failed: {e}"
    )))
}

use std::io::Write as _;

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts what an ingest hands on, keeping nothing.
    #[derive(Default)]
    struct Count {
        items: Mutex<u64>,
        problems: Mutex<u64>,
    }

    impl IngestProgress for Count {
        fn problem(&self, _error: &InputError) {
            *self.problems.lock().unwrap() += 1;
        }
        fn durable(&self, items: &[IngestedItem]) {
            *self.items.lock().unwrap() += items.len() as u64;
        }
    }

    #[test]
    fn a_folders_files_are_handed_on_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::init(&dir.path().join("v"), "admin").unwrap();
        let input = dir.path().join("in");
        for folder in ["a", "b/c"] {
            fs::create_dir_all(input.join(folder)).unwrap();
            for n in 0..150 {
                fs::write(
                    input.join(folder).join(format!("{n}.txt")),
                    format!("{folder}/{n}"),
                )
                .unwrap();
            }
        }
        let count = Count::default();
        let options = IngestOptions {
            originator: "Field team".into(),
            actor: "admin".into(),
            ..IngestOptions::default()
        };
        let inputs = [input.clone()];
        let key = submission_key(&inputs, &options);
        let mut ingest = vault.begin_ingest(key, options, &count).unwrap();
        ingest.ingest_walk(Walk::new(&inputs)).unwrap();
        ingest.flush().unwrap();
        // No path was remembered (none can repeat), and nothing waits to be reported.
        assert!(ingest.used_paths.is_empty());
        assert!(ingest.accepted.is_empty() && ingest.batch.is_empty());
        let totals = ingest.totals(Instant::now());
        assert_eq!(totals.summary.items, 300);
        assert_eq!(totals.summary.stored, 300);
        assert_eq!(*count.items.lock().unwrap(), 300);
        assert_eq!(*count.problems.lock().unwrap(), 0);

        // Named twice, the same files get paths of their own, remembered as fingerprints.
        let count = Count::default();
        let report = vault
            .ingest(
                &[input.join("a"), input.join("a/")],
                IngestOptions {
                    originator: "Field team".into(),
                    actor: "admin".into(),
                    ..IngestOptions::default()
                },
                &count,
            )
            .unwrap();
        assert_eq!(report.items.len(), 300);
        let renamed = report
            .items
            .iter()
            .filter(|i| i.path.ends_with(" (2)"))
            .count();
        assert_eq!(renamed, 150);
        assert_eq!(report.errors.len(), 150);
        assert_eq!(report.summary.duplicates, 300);
    }

    #[test]
    fn a_path_repeated_many_times_is_numbered_in_linear_time() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::init(&dir.path().join("vault"), "admin").unwrap();
        let count = Count::default();
        let options = IngestOptions {
            originator: "Field team".into(),
            actor: "admin".into(),
            ..IngestOptions::default()
        };
        let mut ingest = vault.begin_ingest("k".into(), options, &count).unwrap();
        // A member literally called `a (3)` takes that number before the repeats reach it.
        assert_eq!(ingest.unique_path("a (3)"), "a (3)");
        let paths: Vec<String> = (0..5_000).map(|_| ingest.unique_path("a")).collect();
        assert_eq!(&paths[..4], ["a", "a (2)", "a (4)", "a (5)"]);
        assert_eq!(paths[4_999], "a (5001)");
        // Each repeat tries one numbered path (two where a number was taken): without the
        // next number remembered, 5,000 repeats take about 12.5 million tries.
        assert!(ingest.repeat_tries <= 5_001, "{}", ingest.repeat_tries);
    }
}
