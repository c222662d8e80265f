//! The durable, append-only log on the local file system.
//!
//! # Layout of the ledger folder
//!
//! Every name is relative, so a copied folder verifies exactly as the original does.
//!
//! ```text
//! HEAD            the committed tree head (layout below); replaced atomically by rename
//! entries         entry frames: u32 LE payload length | u32 LE CRC-32 of length and payload | payload
//! entries.idx     u64 LE byte offset in `entries` of each entry's frame, 8 bytes per entry
//! hashes          every node of the Merkle tree that is final, 32 bytes each, in the order of
//!                 `tlog_tiles::stored_hash_index` (Crosby & Wallach §3.3, as C2SP tlog-tiles uses)
//! checkpoints/    every checkpoint ever issued, `<tree size, 20 digits>.note`, C2SP signed-note text
//! LOCK            held (flock) by whoever appends: for its life by an exclusive writer
//!                 ([`Ledger::open`]), for each append by shared writers ([`Ledger::open_shared`]);
//!                 released by the kernel on exit
//! ```
//!
//! `HEAD`, little-endian:
//!
//! ```text
//! 0      8   magic `CUSTLED1`
//! 8      8   tree size (entries committed)
//! 16     8   committed length of `entries` in bytes
//! 24     32  root hash of the committed tree
//! 56     2   origin length L
//! 58     L   origin (UTF-8; the checkpoint origin line and signing key name)
//! 58+L   4   CRC-32 of bytes [0, 58+L)
//! ```
//!
//! # Commit protocol and what a crash leaves
//!
//! A batch is written past the committed end of `entries`, `entries.idx` and `hashes`; those three
//! are synced; only then is a new `HEAD` written to `HEAD.tmp`, synced, renamed over `HEAD`, and
//! the folder synced. An append returns only after that. So `HEAD` never names bytes that are not
//! on disk, and whatever lies beyond the lengths `HEAD` gives is the torn tail of a batch that was
//! never acknowledged: opening for writing cuts it (and says so in [`Recovery`]); it is never read
//! as data. A file *shorter* than `HEAD` says, or bytes inside the committed region that disagree
//! with each other, are corruption: reported with file and offset, never repaired.
//!
//! Assumptions about the disk: `fdatasync` on a file and `fsync` on a folder make earlier writes
//! and renames durable; a rename within one folder is atomic. Torn writes may leave any bytes past
//! the last synced length.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, SystemTime};

use crate::checkpoint::{LedgerSigner, LedgerVerifier, SignedCheckpoint};
use crate::error::{Fault, LedgerError};
use crate::merkle::{self, ConsistencyProof, Frontier, Hash, InclusionProof, HASH_LEN};

/// Largest entry the log accepts. Custody entries are small records; a cap keeps a damaged
/// length field from making a reader allocate gigabytes.
pub const MAX_ENTRY_LEN: usize = 1 << 20;

const HEAD: &str = "HEAD";
const HEAD_TMP: &str = "HEAD.tmp";
const ENTRIES: &str = "entries";
const INDEX: &str = "entries.idx";
const HASHES: &str = "hashes";
const CHECKPOINTS: &str = "checkpoints";
const LOCK: &str = "LOCK";
const HEAD_MAGIC: &[u8; 8] = b"CUSTLED1";
const FRAME_HEADER: u64 = 8;
const INDEX_WIDTH: u64 = 8;
/// More faults than this in one verification say "the file is garbage"; listing them all helps
/// nobody and could take unbounded memory.
const MAX_FAULTS: usize = 100;

type Result<T, E = LedgerError> = std::result::Result<T, E>;

/// A committed state of the log: everything up to `size` is durable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeHead {
    pub size: u64,
    pub root: Hash,
    entries_len: u64,
}

/// What opening for writing had to cut after a crash. Empty after a clean shutdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovery {
    /// `(file, bytes cut)` for each file that held bytes of an unacknowledged batch.
    pub cut: Vec<(String, u64)>,
}

impl Recovery {
    pub fn is_clean(&self) -> bool {
        self.cut.is_empty()
    }
}

/// The outcome of [`Ledger::verify`]: empty `faults` means every byte checked out.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub tree_size: u64,
    pub root: Option<Hash>,
    pub entries_checked: u64,
    pub checkpoints_checked: usize,
    pub faults: Vec<Fault>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.faults.is_empty()
    }
    fn fault(&mut self, fault: Fault) {
        if self.faults.len() < MAX_FAULTS {
            self.faults.push(fault);
        }
    }
}

struct Writer {
    frontier: Frontier,
    /// Set when a write or sync failed: the files' state is then unknown until reopened.
    poisoned: bool,
    /// The folder's `LOCK`: held for the writer's life ([`Ledger::open`]), or for each append
    /// and checkpoint only ([`Ledger::open_shared`]).
    lock: File,
    shared: bool,
}

/// How long an append from a shared writer waits for another process's append to finish.
const SHARED_LOCK_WAIT: Duration = Duration::from_secs(60);

/// `LOCK` held by a shared writer for one append or checkpoint; released when dropped. (A
/// duplicate of the writer's descriptor: a lock belongs to the open file both share.)
struct FolderLock(Option<File>);

impl Drop for FolderLock {
    fn drop(&mut self) {
        if let Some(file) = &self.0 {
            let _ = file.unlock();
        }
    }
}

/// Cuts whatever lies past the committed end of `entries`, `entries.idx` and `hashes` (the torn
/// tail of a batch never acknowledged); a file shorter than `head` says is corruption. Returns
/// `(file, bytes cut)` for each file cut. Only whoever holds `LOCK` may call it.
fn cut_torn_tails(
    dir: &Path,
    files: [(&'static str, &File); 3],
    head: &TreeHead,
) -> Result<Vec<(String, u64)>> {
    let committed = [
        head.entries_len,
        head.size * INDEX_WIDTH,
        merkle::stored_hash_count(head.size) * HASH_LEN as u64,
    ];
    let mut cut = Vec::new();
    for ((name, file), committed) in files.into_iter().zip(committed) {
        let path = dir.join(name);
        let len = file
            .metadata()
            .map_err(LedgerError::io("inspect", &path))?
            .len();
        if len < committed {
            return Err(short_file(name, len, committed));
        }
        if len > committed {
            file.set_len(committed)
                .map_err(LedgerError::io("cut the torn tail of", &path))?;
            file.sync_all().map_err(LedgerError::io("sync", &path))?;
            tracing::warn!(
                file = name,
                bytes = len - committed,
                "cut the torn tail of an unacknowledged batch"
            );
            cut.push((name.to_owned(), len - committed));
        }
    }
    Ok(cut)
}

/// Takes `lock` exclusively, waiting at most `wait` for another process to release it.
fn acquire(lock: &File, dir: &Path, wait: Duration) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(LedgerError::Busy {
                    path: dir.display().to_string(),
                })
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(LedgerError::io("lock", &dir.join(LOCK))(e))
            }
        }
    }
}

/// An append-only Merkle log of opaque entries.
///
/// Invariants: entries are never changed or removed once committed; readers (any number, any
/// thread) see only committed prefixes; one process appends at a time: an exclusive writer for
/// its life, shared writers one append at a time, each after re-reading the committed head.
pub struct Ledger {
    dir: PathBuf,
    origin: String,
    entries: File,
    index: File,
    hashes: File,
    head: RwLock<TreeHead>,
    writer: Option<Mutex<Writer>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("dir", &self.dir)
            .field("head", &self.head())
            .finish()
    }
}

impl Ledger {
    /// Creates an empty ledger in `dir` (created if missing; must be empty if present).
    pub fn create(dir: &Path, origin: &str) -> Result<Self> {
        if !signed_note::is_key_name_valid(origin) || origin.len() > u16::MAX as usize {
            return Err(crate::checkpoint::CheckpointError::InvalidName(origin.to_owned()).into());
        }
        if dir.exists() {
            let mut listing = fs::read_dir(dir).map_err(LedgerError::io("list", dir))?;
            if listing.next().is_some() {
                return Err(LedgerError::NotEmpty {
                    path: dir.display().to_string(),
                });
            }
        } else {
            fs::create_dir_all(dir).map_err(LedgerError::io("create", dir))?;
        }
        let checkpoints = dir.join(CHECKPOINTS);
        fs::create_dir(&checkpoints).map_err(LedgerError::io("create", &checkpoints))?;
        for name in [ENTRIES, INDEX, HASHES, LOCK] {
            let path = dir.join(name);
            let file = File::create(&path).map_err(LedgerError::io("create", &path))?;
            file.sync_all().map_err(LedgerError::io("sync", &path))?;
        }
        let head = TreeHead {
            size: 0,
            root: merkle::EMPTY_ROOT,
            entries_len: 0,
        };
        write_head(dir, origin, &head)?;
        if let Some(parent) = dir.parent() {
            sync_dir(parent)?;
        }
        let (ledger, _) = Self::open(dir)?;
        Ok(ledger)
    }

    /// Opens a ledger for appending, after cutting the torn tail a crash may have left.
    ///
    /// Fails with [`LedgerError::Busy`] while another process holds it for appending.
    pub fn open(dir: &Path) -> Result<(Self, Recovery)> {
        // A lock can also be held for a moment by a process that is being started from one that
        // held it (the lock's descriptor is inherited between `fork` and `exec`), so a refusal is
        // retried briefly before the ledger is reported busy.
        let lock = Self::open_lock(dir)?;
        acquire(&lock, dir, Duration::from_millis(500))?;
        Self::open_locked(dir, lock, false)
    }

    /// Opens a ledger for appending alongside other processes that do the same (a server and
    /// a command-line ingest on one data directory): each append and each checkpoint takes the
    /// folder's `LOCK`, re-reads the committed head (another process may have appended) and
    /// writes past it; between them the lock is free. Opening cuts a torn tail as
    /// [`Ledger::open`] does, under the lock.
    pub fn open_shared(dir: &Path) -> Result<(Self, Recovery)> {
        let lock = Self::open_lock(dir)?;
        acquire(&lock, dir, SHARED_LOCK_WAIT)?;
        let opened = Self::open_locked(dir, lock, true);
        if let Ok((ledger, _)) = &opened {
            if let Some(writer) = &ledger.writer {
                let writer = writer.lock().unwrap_or_else(|p| p.into_inner());
                let _ = writer.lock.unlock();
            }
        }
        opened
    }

    fn open_lock(dir: &Path) -> Result<File> {
        let lock_path = dir.join(LOCK);
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| not_a_ledger_or(dir, e, "open", &lock_path))
    }

    /// Opens for appending with `LOCK` held: cuts a torn tail and checks the committed end.
    fn open_locked(dir: &Path, lock: File, shared: bool) -> Result<(Self, Recovery)> {
        let (origin, head) = read_head(dir)?;
        let _ = fs::remove_file(dir.join(HEAD_TMP));
        let entries = open_data_file(dir, ENTRIES, true)?;
        let index = open_data_file(dir, INDEX, true)?;
        let hashes = open_data_file(dir, HASHES, true)?;
        let recovery = Recovery {
            cut: cut_torn_tails(
                dir,
                [(ENTRIES, &entries), (INDEX, &index), (HASHES, &hashes)],
                &head,
            )?,
        };
        let mut ledger = Self {
            dir: dir.to_owned(),
            origin,
            entries,
            index,
            hashes,
            head: RwLock::new(head),
            writer: None,
        };
        let frontier = ledger.check_tail()?;
        ledger.writer = Some(Mutex::new(Writer {
            frontier,
            poisoned: false,
            lock,
            shared,
        }));
        Ok((ledger, recovery))
    }

    /// For a shared writer: takes `LOCK` and brings this handle to the committed state another
    /// process may have moved on (its head and frontier), cutting whatever lies past the
    /// committed end (the torn tail of a process that died while appending: nobody else
    /// appends while the lock is held). For an exclusive writer: nothing to do.
    fn lock_and_sync(&self, writer: &Writer) -> Result<FolderLock> {
        if !writer.shared {
            return Ok(FolderLock(None));
        }
        let lock = writer
            .lock
            .try_clone()
            .map_err(LedgerError::io("open", &self.dir.join(LOCK)))?;
        acquire(&lock, &self.dir, SHARED_LOCK_WAIT)?;
        let guard = FolderLock(Some(lock));
        let (_, head) = read_head(&self.dir)?;
        cut_torn_tails(
            &self.dir,
            [
                (ENTRIES, &self.entries),
                (INDEX, &self.index),
                (HASHES, &self.hashes),
            ],
            &head,
        )?;
        if head != self.head() {
            *self.head.write().unwrap_or_else(|p| p.into_inner()) = head;
        }
        Ok(guard)
    }

    /// Opens a ledger for reading only, as of its committed `HEAD`; never changes a byte, and works
    /// while another process appends. [`Ledger::refresh`] picks up later commits.
    pub fn open_read_only(dir: &Path) -> Result<Self> {
        let (origin, head) = read_head(dir)?;
        let ledger = Self {
            dir: dir.to_owned(),
            origin,
            entries: open_data_file(dir, ENTRIES, false)?,
            index: open_data_file(dir, INDEX, false)?,
            hashes: open_data_file(dir, HASHES, false)?,
            head: RwLock::new(head),
            writer: None,
        };
        for (name, file, committed) in [
            (ENTRIES, &ledger.entries, head.entries_len),
            (INDEX, &ledger.index, head.size * INDEX_WIDTH),
            (
                HASHES,
                &ledger.hashes,
                merkle::stored_hash_count(head.size) * HASH_LEN as u64,
            ),
        ] {
            let len = file
                .metadata()
                .map_err(LedgerError::io("inspect", &dir.join(name)))?
                .len();
            if len < committed {
                return Err(short_file(name, len, committed));
            }
        }
        ledger.check_tail()?;
        Ok(ledger)
    }

    /// Re-reads `HEAD` to see entries committed since it was opened: by the appending process
    /// (a read-only ledger), or by the other processes appending too (a shared writer).
    pub fn refresh(&self) -> Result<TreeHead> {
        if let Some(writer) = &self.writer {
            let writer = writer.lock().unwrap_or_else(|p| p.into_inner());
            if !writer.shared {
                return Ok(self.head());
            }
            // `HEAD` is replaced by rename: what is read is a committed head, never half of one.
            let (_, head) = read_head(&self.dir)?;
            if head.size > self.head().size {
                *self.head.write().unwrap_or_else(|p| p.into_inner()) = head;
            }
            return Ok(self.head());
        }
        let (_, head) = read_head(&self.dir)?;
        *self.head.write().unwrap_or_else(|p| p.into_inner()) = head;
        Ok(head)
    }

    /// Cheap checks at open: the stored subtree roots give the committed root, and the last
    /// entry's frame ends where `HEAD` says. Returns the writer's frontier.
    fn check_tail(&self) -> Result<Frontier> {
        let head = self.head();
        let indexes = tlog_tiles::sub_tree_index(0, head.size, vec![]);
        let roots = self.read_stored_hashes(&indexes)?;
        let frontier = Frontier::from_roots(head.size, roots).ok_or_else(|| {
            LedgerError::Corrupt(Fault::new(
                HASHES,
                "subtree roots do not match the tree size",
            ))
        })?;
        if frontier.root() != head.root {
            return Err(LedgerError::Corrupt(Fault::new(
                HASHES,
                "the stored subtree roots do not hash to the root recorded in HEAD",
            )));
        }
        if head.size > 0 {
            let last = head.size - 1;
            let offset = self.entry_offset(last)?;
            let payload = self.read_frame(offset, last, &head)?;
            if offset + FRAME_HEADER + payload.len() as u64 != head.entries_len {
                return Err(LedgerError::Corrupt(
                    Fault::new(
                        INDEX,
                        "the last entry does not end where HEAD says the log ends",
                    )
                    .at(last * INDEX_WIDTH)
                    .entry(last),
                ));
            }
            let stored = self.read_stored_hashes(&[tlog_tiles::stored_hash_index(0, last)])?;
            if stored[0] != merkle::leaf_hash(&payload) {
                return Err(LedgerError::Corrupt(
                    Fault::new(
                        HASHES,
                        "the last entry's leaf hash does not match its bytes",
                    )
                    .entry(last),
                ));
            }
        }
        Ok(frontier)
    }

    /// The folder this ledger lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The log's name: the checkpoints' origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The committed tree head.
    pub fn head(&self) -> TreeHead {
        *self.head.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Number of committed entries.
    pub fn size(&self) -> u64 {
        self.head().size
    }

    /// Appends `entries` as one batch and returns their log indexes. Returns only once the batch
    /// is durable (synced, and `HEAD` replaced); on error nothing of the batch is committed.
    pub fn append<E: AsRef<[u8]>>(&self, entries: &[E]) -> Result<Range<u64>> {
        let writer = self.writer.as_ref().ok_or(LedgerError::ReadOnly)?;
        let mut writer = writer.lock().unwrap_or_else(|p| p.into_inner());
        if writer.poisoned {
            return Err(LedgerError::Poisoned);
        }
        if let Some(too_big) = entries.iter().find(|e| e.as_ref().len() > MAX_ENTRY_LEN) {
            return Err(LedgerError::EntryTooLarge {
                len: too_big.as_ref().len(),
                max: MAX_ENTRY_LEN,
            });
        }
        if entries.is_empty() {
            let size = self.head().size;
            return Ok(size..size);
        }
        let _guard = self.lock_and_sync(&writer)?;
        let old = self.head();
        if writer.frontier.size() != old.size || writer.frontier.root() != old.root {
            // Another process appended since this handle last wrote: its frontier is rebuilt
            // from the stored subtree roots (checked against the head's root).
            writer.frontier = self.check_tail()?;
        }
        let payload_bytes: usize = entries.iter().map(|e| e.as_ref().len()).sum();
        let mut frames = Vec::with_capacity(payload_bytes + entries.len() * FRAME_HEADER as usize);
        let mut offsets = Vec::with_capacity(entries.len() * INDEX_WIDTH as usize);
        let mut stored = Vec::with_capacity(entries.len() * 2 + 64);
        let mut frontier = writer.frontier.clone();
        for entry in entries {
            let entry = entry.as_ref();
            offsets.extend_from_slice(&(old.entries_len + frames.len() as u64).to_le_bytes());
            push_frame(&mut frames, entry);
            frontier.push(merkle::leaf_hash(entry), &mut stored);
        }
        let mut hash_bytes = Vec::with_capacity(stored.len() * HASH_LEN);
        for hash in &stored {
            hash_bytes.extend_from_slice(&hash.0);
        }
        let new = TreeHead {
            size: frontier.size(),
            root: frontier.root(),
            entries_len: old.entries_len + frames.len() as u64,
        };
        let result = self.write_batch(&old, &new, &frames, &offsets, &hash_bytes);
        if let Err(error) = result {
            // The files may now hold part of the batch past the committed end, or a sync may have
            // failed and lost pages: only a reopen, which re-reads and cuts, is safe.
            writer.poisoned = true;
            return Err(error);
        }
        writer.frontier = frontier;
        *self.head.write().unwrap_or_else(|p| p.into_inner()) = new;
        Ok(old.size..new.size)
    }

    fn write_batch(
        &self,
        old: &TreeHead,
        new: &TreeHead,
        frames: &[u8],
        offsets: &[u8],
        hashes: &[u8],
    ) -> Result<()> {
        let hash_start = merkle::stored_hash_count(old.size) * HASH_LEN as u64;
        for (name, file, bytes, at) in [
            (ENTRIES, &self.entries, frames, old.entries_len),
            (INDEX, &self.index, offsets, old.size * INDEX_WIDTH),
            (HASHES, &self.hashes, hashes, hash_start),
        ] {
            file.write_all_at(bytes, at)
                .map_err(LedgerError::io("write", &self.dir.join(name)))?;
        }
        // The three files are made durable side by side (the disk's queue takes them
        // together), then the head that commits them: a batch waits for about one flush before
        // its head instead of three in a row.
        std::thread::scope(|scope| {
            let syncs: Vec<_> = [
                (ENTRIES, &self.entries),
                (INDEX, &self.index),
                (HASHES, &self.hashes),
            ]
            .into_iter()
            .map(|(name, file)| {
                scope.spawn(move || {
                    file.sync_data()
                        .map_err(LedgerError::io("sync", &self.dir.join(name)))
                })
            })
            .collect();
            syncs.into_iter().try_for_each(|sync| {
                sync.join().unwrap_or_else(|_| {
                    Err(LedgerError::io("sync", &self.dir)(std::io::Error::other(
                        "the thread syncing one of the log's files stopped",
                    )))
                })
            })
        })?;
        write_head(&self.dir, &self.origin, new)
    }

    /// The bytes of entry `index`.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>> {
        let head = self.head();
        if index >= head.size {
            return Err(LedgerError::NoSuchEntry {
                index,
                size: head.size,
            });
        }
        let offset = self.entry_offset(index)?;
        self.read_frame(offset, index, &head)
    }

    /// The RFC 6962 leaf hash of entry `index`, as stored.
    pub fn leaf_hash(&self, index: u64) -> Result<Hash> {
        let size = self.size();
        if index >= size {
            return Err(LedgerError::NoSuchEntry { index, size });
        }
        Ok(self.read_stored_hashes(&[tlog_tiles::stored_hash_index(0, index)])?[0])
    }

    /// The root hash of the tree of the first `tree_size` entries.
    pub fn root_at(&self, tree_size: u64) -> Result<Hash> {
        self.check_size(tree_size)?;
        let reader = StoredHashes {
            ledger: self,
            tree_size,
        };
        tlog_tiles::tree_hash(tree_size, &reader).map_err(|e| reader.proof_error(e))
    }

    /// The audit path proving entry `index` is in the tree of the first `tree_size` entries.
    pub fn inclusion_proof(&self, index: u64, tree_size: u64) -> Result<InclusionProof> {
        self.check_size(tree_size)?;
        if index >= tree_size {
            return Err(LedgerError::NoSuchEntry {
                index,
                size: tree_size,
            });
        }
        let reader = StoredHashes {
            ledger: self,
            tree_size,
        };
        let audit_path = tlog_tiles::prove_record(tree_size, index, &reader)
            .map_err(|e| reader.proof_error(e))?;
        Ok(InclusionProof {
            leaf_index: index,
            tree_size,
            audit_path,
        })
    }

    /// The proof that the tree of `old_size` entries is a prefix of the tree of `new_size`.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<ConsistencyProof> {
        self.check_size(new_size)?;
        if old_size > new_size {
            return Err(LedgerError::SizesOutOfOrder {
                old: old_size,
                new: new_size,
            });
        }
        if old_size == 0 {
            return Err(LedgerError::EmptyOldTree);
        }
        let hashes = if old_size == new_size {
            Vec::new()
        } else {
            let reader = StoredHashes {
                ledger: self,
                tree_size: new_size,
            };
            tlog_tiles::prove_tree(new_size, old_size, &reader)
                .map_err(|e| reader.proof_error(e))?
        };
        Ok(ConsistencyProof {
            old_size,
            new_size,
            hashes,
        })
    }

    fn check_size(&self, tree_size: u64) -> Result<()> {
        let size = self.size();
        if tree_size > size {
            return Err(LedgerError::SizeBeyondLog {
                requested: tree_size,
                size,
            });
        }
        Ok(())
    }

    fn entry_offset(&self, index: u64) -> Result<u64> {
        let mut buf = [0u8; INDEX_WIDTH as usize];
        let at = index * INDEX_WIDTH;
        self.index
            .read_exact_at(&mut buf, at)
            .map_err(LedgerError::io("read", &self.dir.join(INDEX)))?;
        Ok(u64::from_le_bytes(buf))
    }

    fn read_frame(&self, offset: u64, index: u64, head: &TreeHead) -> Result<Vec<u8>> {
        let corrupt = |detail: &str| {
            LedgerError::Corrupt(Fault::new(ENTRIES, detail).at(offset).entry(index))
        };
        if offset
            .checked_add(FRAME_HEADER)
            .is_none_or(|end| end > head.entries_len)
        {
            return Err(LedgerError::Corrupt(
                Fault::new(INDEX, "the entry's offset points past the committed log")
                    .at(index * INDEX_WIDTH)
                    .entry(index),
            ));
        }
        let path = self.dir.join(ENTRIES);
        let mut header = [0u8; FRAME_HEADER as usize];
        self.entries
            .read_exact_at(&mut header, offset)
            .map_err(LedgerError::io("read", &path))?;
        let (len, crc) = split_frame_header(&header);
        if len as usize > MAX_ENTRY_LEN || offset + FRAME_HEADER + len as u64 > head.entries_len {
            return Err(corrupt("the frame's length field is impossible"));
        }
        let mut payload = vec![0u8; len as usize];
        self.entries
            .read_exact_at(&mut payload, offset + FRAME_HEADER)
            .map_err(LedgerError::io("read", &path))?;
        if frame_crc(&payload) != crc {
            return Err(corrupt("the entry's checksum does not match its bytes"));
        }
        Ok(payload)
    }

    fn read_stored_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>> {
        let mut hashes = Vec::with_capacity(indexes.len());
        let mut buf = [0u8; HASH_LEN];
        for &i in indexes {
            self.hashes
                .read_exact_at(&mut buf, i * HASH_LEN as u64)
                .map_err(LedgerError::io("read", &self.dir.join(HASHES)))?;
            hashes.push(Hash(buf));
        }
        Ok(hashes)
    }

    // ---- checkpoints -------------------------------------------------------------------------

    /// Returns a checkpoint covering every committed entry, signing and storing a new one if the
    /// log has grown since the latest. Only the appending process signs, so two checkpoints for
    /// one size can never differ.
    pub fn checkpoint(&self, signer: &LedgerSigner) -> Result<SignedCheckpoint> {
        let writer = self.writer.as_ref().ok_or(LedgerError::ReadOnly)?;
        // Holding the writer lock keeps the head still while it is signed and stored.
        let writer = writer.lock().unwrap_or_else(|p| p.into_inner());
        let _guard = self.lock_and_sync(&writer)?;
        let head = self.head();
        if let Some(latest) = self.latest_checkpoint(signer.verifier())? {
            if latest.size() == head.size {
                return Ok(latest);
            }
        }
        self.sign_and_store(signer, &head)
    }

    /// Signs a new checkpoint if the log has grown and the latest checkpoint is older than
    /// `interval` (or there is none). Returns the new checkpoint, if one was signed.
    pub fn checkpoint_if_due(
        &self,
        signer: &LedgerSigner,
        interval: Duration,
    ) -> Result<Option<SignedCheckpoint>> {
        let writer = self.writer.as_ref().ok_or(LedgerError::ReadOnly)?;
        let writer = writer.lock().unwrap_or_else(|p| p.into_inner());
        let _guard = self.lock_and_sync(&writer)?;
        let head = self.head();
        let latest = self.checkpoint_sizes()?.last().copied();
        if let Some(size) = latest {
            if size == head.size {
                return Ok(None);
            }
            let path = self.checkpoint_path(size);
            let issued = fs::metadata(&path)
                .and_then(|m| m.modified())
                .map_err(LedgerError::io("inspect", &path))?;
            let age = SystemTime::now().duration_since(issued).unwrap_or_default();
            if age < interval {
                return Ok(None);
            }
        }
        self.sign_and_store(signer, &head).map(Some)
    }

    fn sign_and_store(&self, signer: &LedgerSigner, head: &TreeHead) -> Result<SignedCheckpoint> {
        if signer.name() != self.origin {
            return Err(crate::checkpoint::CheckpointError::InvalidName(format!(
                "{} (the ledger's origin is {})",
                signer.name(),
                self.origin
            ))
            .into());
        }
        let checkpoint = signer.sign(head.size, head.root)?;
        let path = self.checkpoint_path(head.size);
        write_atomically(&path, checkpoint.text().as_bytes())?;
        Ok(checkpoint)
    }

    fn checkpoint_path(&self, size: u64) -> PathBuf {
        self.dir.join(CHECKPOINTS).join(checkpoint_file_name(size))
    }

    /// Tree sizes at which checkpoints were issued, ascending.
    pub fn checkpoint_sizes(&self) -> Result<Vec<u64>> {
        let dir = self.dir.join(CHECKPOINTS);
        let mut sizes = Vec::new();
        for entry in fs::read_dir(&dir).map_err(LedgerError::io("list", &dir))? {
            let entry = entry.map_err(LedgerError::io("list", &dir))?;
            let name = entry.file_name();
            if let Some(size) = name.to_str().and_then(parse_checkpoint_file_name) {
                sizes.push(size);
            }
        }
        sizes.sort_unstable();
        Ok(sizes)
    }

    /// The checkpoint issued at `size`, checked against `verifier`.
    pub fn checkpoint_at(&self, size: u64, verifier: &LedgerVerifier) -> Result<SignedCheckpoint> {
        let path = self.checkpoint_path(size);
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LedgerError::NoCheckpoint(size))
            }
            Err(e) => return Err(LedgerError::io("read", &path)(e)),
        };
        let file = format!("{CHECKPOINTS}/{}", checkpoint_file_name(size));
        let checkpoint = verifier
            .verify(&text)
            .map_err(|e| LedgerError::Corrupt(Fault::new(file.clone(), e.to_string())))?;
        if checkpoint.size() != size {
            return Err(LedgerError::Corrupt(Fault::new(
                file,
                "the checkpoint's size differs from its file name",
            )));
        }
        Ok(checkpoint)
    }

    /// The most recent checkpoint, if any was issued.
    pub fn latest_checkpoint(&self, verifier: &LedgerVerifier) -> Result<Option<SignedCheckpoint>> {
        match self.checkpoint_sizes()?.last() {
            Some(&size) => self.checkpoint_at(size, verifier).map(Some),
            None => Ok(None),
        }
    }

    // ---- verification ------------------------------------------------------------------------

    /// Recomputes the whole tree from the entries and compares every stored byte with it; checks
    /// every checkpoint's signature, that its root is the recomputed root at its size, and that
    /// each checkpoint is consistent with the one before it and with the latest.
    pub fn verify(&self, verifier: &LedgerVerifier) -> Result<VerifyReport> {
        let head = self.head();
        let mut report = VerifyReport {
            tree_size: head.size,
            root: Some(head.root),
            ..Default::default()
        };
        if verifier.name() != self.origin {
            report.fault(Fault::new(
                HEAD,
                format!(
                    "the log's origin `{}` is not the verifier key's name `{}`",
                    self.origin,
                    verifier.name()
                ),
            ));
        }
        let sizes = self.checkpoint_sizes()?;
        let mut roots_at_checkpoints = Vec::with_capacity(sizes.len());
        let mut next_checkpoint = sizes.iter().copied().peekable();
        // A checkpoint at size 0 covers the empty tree.
        while next_checkpoint.peek() == Some(&0) {
            roots_at_checkpoints.push((0, merkle::EMPTY_ROOT));
            next_checkpoint.next();
        }

        let open = |name: &str| -> Result<BufReader<File>> {
            let path = self.dir.join(name);
            let file = File::open(&path).map_err(LedgerError::io("open", &path))?;
            Ok(BufReader::with_capacity(1 << 20, file))
        };
        let mut entries = open(ENTRIES)?;
        let mut index = open(INDEX)?;
        let mut hashes = open(HASHES)?;
        let mut frontier = Frontier::default();
        let mut stored = Vec::with_capacity(64);
        let mut offset = 0u64;
        let mut hash_position = 0u64;
        let mut payload = Vec::new();
        let mut framing_intact = true;
        for i in 0..head.size {
            let mut word = [0u8; 8];
            index
                .read_exact(&mut word)
                .map_err(LedgerError::io("read", &self.dir.join(INDEX)))?;
            let recorded_offset = u64::from_le_bytes(word);
            if framing_intact && recorded_offset != offset {
                report.fault(
                    Fault::new(
                        INDEX,
                        format!(
                            "records offset {recorded_offset}, but the entry starts at {offset}"
                        ),
                    )
                    .at(i * INDEX_WIDTH)
                    .entry(i),
                );
            }
            let leaf = if framing_intact {
                match read_frame_sequential(&mut entries, offset, head.entries_len, &mut payload) {
                    Ok(crc_ok) => {
                        if !crc_ok {
                            report.fault(
                                Fault::new(
                                    ENTRIES,
                                    "the entry's checksum does not match its bytes",
                                )
                                .at(offset)
                                .entry(i),
                            );
                        }
                        offset += FRAME_HEADER + payload.len() as u64;
                        Some(merkle::leaf_hash(&payload))
                    }
                    Err(detail) => {
                        report.fault(Fault::new(ENTRIES, detail).at(offset).entry(i));
                        framing_intact = false;
                        None
                    }
                }
            } else {
                None
            };
            // Without the entry's bytes, trust the stored leaf so the rest can still be checked.
            stored.clear();
            let mut first = [0u8; HASH_LEN];
            let leaf_position = hash_position;
            hashes
                .read_exact(&mut first)
                .map_err(LedgerError::io("read", &self.dir.join(HASHES)))?;
            hash_position += HASH_LEN as u64;
            let leaf = leaf.unwrap_or(Hash(first));
            frontier.push(leaf, &mut stored);
            if stored[0].0 != first {
                report.fault(
                    Fault::new(HASHES, "the stored leaf hash does not match the entry")
                        .at(leaf_position)
                        .entry(i),
                );
            }
            for expected in &stored[1..] {
                let mut got = [0u8; HASH_LEN];
                let position = hash_position;
                hashes
                    .read_exact(&mut got)
                    .map_err(LedgerError::io("read", &self.dir.join(HASHES)))?;
                hash_position += HASH_LEN as u64;
                if got != expected.0 {
                    report.fault(
                        Fault::new(
                            HASHES,
                            "a stored interior hash does not match the recomputed tree",
                        )
                        .at(position)
                        .entry(i),
                    );
                }
            }
            report.entries_checked += 1;
            while next_checkpoint.peek() == Some(&frontier.size()) {
                roots_at_checkpoints.push((frontier.size(), frontier.root()));
                next_checkpoint.next();
            }
        }
        if framing_intact && offset != head.entries_len {
            report.fault(Fault::new(
                HEAD,
                format!(
                    "records {} bytes of entries, but they end at byte {offset}",
                    head.entries_len
                ),
            ));
        }
        if frontier.root() != head.root {
            report.fault(Fault::new(
                HEAD,
                "the root hash recorded in HEAD is not the root of the entries",
            ));
        }
        for size in next_checkpoint {
            report.fault(Fault::new(
                format!("{CHECKPOINTS}/{}", checkpoint_file_name(size)),
                format!(
                    "a checkpoint for {size} entries, but the log holds only {}",
                    head.size
                ),
            ));
        }

        let mut previous: Option<SignedCheckpoint> = None;
        let mut verified = Vec::new();
        for (size, recomputed_root) in roots_at_checkpoints {
            let file = format!("{CHECKPOINTS}/{}", checkpoint_file_name(size));
            let checkpoint = match self.checkpoint_at(size, verifier) {
                Ok(c) => c,
                Err(LedgerError::Corrupt(fault)) => {
                    report.fault(fault);
                    continue;
                }
                Err(e) => return Err(e),
            };
            report.checkpoints_checked += 1;
            if checkpoint.root() != recomputed_root {
                report.fault(Fault::new(
                    file.clone(),
                    "the signed root is not the root of the log at that size",
                ));
            }
            if let Some(prev) = &previous {
                self.check_consistency(prev, &checkpoint, &mut report);
            }
            // The empty tree is a prefix of every tree; there is nothing to prove from it.
            if checkpoint.size() > 0 {
                previous = Some(checkpoint.clone());
                verified.push(checkpoint);
            }
        }
        if let Some(latest) = verified.last() {
            for earlier in &verified[..verified.len().saturating_sub(2)] {
                self.check_consistency(earlier, latest, &mut report);
            }
        }
        self.check_folder(&mut report)?;
        Ok(report)
    }

    fn check_consistency(
        &self,
        old: &SignedCheckpoint,
        new: &SignedCheckpoint,
        report: &mut VerifyReport,
    ) {
        let outcome = self
            .consistency_proof(old.size(), new.size())
            .map_err(|e| e.to_string())
            .and_then(|proof| {
                proof
                    .verify(old.root(), new.root())
                    .map_err(|e| e.to_string())
            });
        if let Err(why) = outcome {
            report.fault(Fault::new(
                format!("{CHECKPOINTS}/{}", checkpoint_file_name(new.size())),
                format!(
                    "not consistent with the checkpoint at size {}: {why}",
                    old.size()
                ),
            ));
        }
    }

    /// Files nobody expects in the ledger folder are reported: they may be a tampering attempt.
    fn check_folder(&self, report: &mut VerifyReport) -> Result<()> {
        for entry in fs::read_dir(&self.dir).map_err(LedgerError::io("list", &self.dir))? {
            let entry = entry.map_err(LedgerError::io("list", &self.dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if ![HEAD, HEAD_TMP, ENTRIES, INDEX, HASHES, CHECKPOINTS, LOCK].contains(&name.as_str())
            {
                report.fault(Fault::new(name, "a file the ledger never writes"));
            }
        }
        let dir = self.dir.join(CHECKPOINTS);
        for entry in fs::read_dir(&dir).map_err(LedgerError::io("list", &dir))? {
            let entry = entry.map_err(LedgerError::io("list", &dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if parse_checkpoint_file_name(&name).is_none() && !name.ends_with(".tmp") {
                report.fault(Fault::new(
                    format!("{CHECKPOINTS}/{name}"),
                    "a file the ledger never writes",
                ));
            }
        }
        Ok(())
    }
}

/// Reads hashes from the `hashes` file for the tree of the first `tree_size` entries, refusing
/// any index outside it, so proofs never lean on uncommitted nodes.
struct StoredHashes<'a> {
    ledger: &'a Ledger,
    tree_size: u64,
}

impl StoredHashes<'_> {
    fn proof_error(&self, error: tlog_tiles::Error) -> LedgerError {
        LedgerError::Corrupt(Fault::new(
            HASHES,
            format!("cannot read the tree's hashes: {error}"),
        ))
    }
}

impl tlog_tiles::HashReader for StoredHashes<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let limit = merkle::stored_hash_count(self.tree_size);
        if indexes.iter().any(|&i| i >= limit) {
            return Err(tlog_tiles::Error::IndexesNotInTree);
        }
        self.ledger
            .read_stored_hashes(indexes)
            .map_err(|_| tlog_tiles::Error::IndexesNotInTree)
    }
}

fn push_frame(frames: &mut Vec<u8>, entry: &[u8]) {
    // `append` caps entries at MAX_ENTRY_LEN, far below u32::MAX.
    let len = entry.len() as u32;
    frames.extend_from_slice(&len.to_le_bytes());
    frames.extend_from_slice(&frame_crc(entry).to_le_bytes());
    frames.extend_from_slice(entry);
}

fn frame_crc(payload: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&(payload.len() as u32).to_le_bytes());
    hasher.update(payload);
    hasher.finalize()
}

fn split_frame_header(header: &[u8; FRAME_HEADER as usize]) -> (u32, u32) {
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    (len, crc)
}

/// Reads the next frame; `Ok(false)` when its checksum fails, `Err` when the framing itself is
/// broken and the rest of the file cannot be delimited.
fn read_frame_sequential(
    reader: &mut impl Read,
    offset: u64,
    committed_len: u64,
    payload: &mut Vec<u8>,
) -> std::result::Result<bool, String> {
    if offset + FRAME_HEADER > committed_len {
        return Err("the entries end before this entry's frame".into());
    }
    let mut header = [0u8; FRAME_HEADER as usize];
    reader
        .read_exact(&mut header)
        .map_err(|e| format!("cannot read the frame: {e}"))?;
    let (len, crc) = split_frame_header(&header);
    if len as usize > MAX_ENTRY_LEN || offset + FRAME_HEADER + len as u64 > committed_len {
        return Err(format!("the frame's length field ({len}) is impossible"));
    }
    payload.resize(len as usize, 0);
    reader
        .read_exact(payload)
        .map_err(|e| format!("cannot read the entry: {e}"))?;
    Ok(frame_crc(payload) == crc)
}

fn checkpoint_file_name(size: u64) -> String {
    format!("{size:020}.note")
}

fn parse_checkpoint_file_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".note")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn short_file(name: &str, len: u64, committed: u64) -> LedgerError {
    LedgerError::Corrupt(
        Fault::new(name, format!("holds {len} bytes, but {committed} bytes were committed: committed data is missing"))
            .at(len),
    )
}

fn not_a_ledger_or(
    dir: &Path,
    error: std::io::Error,
    action: &'static str,
    path: &Path,
) -> LedgerError {
    if !dir.join(HEAD).exists() {
        LedgerError::NotALedger {
            path: dir.display().to_string(),
        }
    } else {
        LedgerError::io(action, path)(error)
    }
}

fn open_data_file(dir: &Path, name: &str, writable: bool) -> Result<File> {
    let path = dir.join(name);
    OpenOptions::new()
        .read(true)
        .write(writable)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                LedgerError::Corrupt(Fault::new(name, "the file is missing"))
            }
            _ => LedgerError::io("open", &path)(e),
        })
}

fn encode_head(origin: &str, head: &TreeHead) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(64 + origin.len());
    bytes.extend_from_slice(HEAD_MAGIC);
    bytes.extend_from_slice(&head.size.to_le_bytes());
    bytes.extend_from_slice(&head.entries_len.to_le_bytes());
    bytes.extend_from_slice(&head.root.0);
    // `create` refuses origins longer than u16::MAX.
    bytes.extend_from_slice(&(origin.len() as u16).to_le_bytes());
    bytes.extend_from_slice(origin.as_bytes());
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    bytes
}

fn decode_head(bytes: &[u8]) -> std::result::Result<(String, TreeHead), &'static str> {
    if bytes.len() < 62 || &bytes[..8] != HEAD_MAGIC {
        return Err("not a ledger head (bad magic or too short)");
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body) != u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]) {
        return Err("the head's checksum does not match");
    }
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&body[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let mut root = [0u8; HASH_LEN];
    root.copy_from_slice(&body[24..56]);
    let origin_len = u16::from_le_bytes([body[56], body[57]]) as usize;
    if body.len() != 58 + origin_len {
        return Err("the head's origin length does not match its size");
    }
    let origin = std::str::from_utf8(&body[58..]).map_err(|_| "the origin is not UTF-8")?;
    Ok((
        origin.to_owned(),
        TreeHead {
            size: word(8),
            root: Hash(root),
            entries_len: word(16),
        },
    ))
}

fn read_head(dir: &Path) -> Result<(String, TreeHead)> {
    let path = dir.join(HEAD);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LedgerError::NotALedger {
                path: dir.display().to_string(),
            })
        }
        Err(e) => return Err(LedgerError::io("read", &path)(e)),
    };
    decode_head(&bytes).map_err(|detail| LedgerError::Corrupt(Fault::new(HEAD, detail)))
}

fn write_head(dir: &Path, origin: &str, head: &TreeHead) -> Result<()> {
    write_atomically(&dir.join(HEAD), &encode_head(origin, head))
}

/// temp file in the same folder → write → fsync → rename → fsync folder: readers see the old or
/// the new file whole, never a mix, and the new one survives power loss once this returns.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    let file = File::create(&tmp).map_err(LedgerError::io("create", &tmp))?;
    file.write_all_at(bytes, 0)
        .map_err(LedgerError::io("write", &tmp))?;
    file.sync_all().map_err(LedgerError::io("sync", &tmp))?;
    drop(file);
    fs::rename(&tmp, path).map_err(LedgerError::io("rename into place", path))?;
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(LedgerError::io("sync the folder", dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_round_trips() {
        let head = TreeHead {
            size: 42,
            root: merkle::leaf_hash(b"r"),
            entries_len: 9000,
        };
        let bytes = encode_head("custodia.test/log", &head);
        assert_eq!(
            decode_head(&bytes).unwrap(),
            ("custodia.test/log".to_owned(), head)
        );
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assert!(decode_head(&flipped).is_err(), "flip at {i} went unnoticed");
        }
    }

    #[test]
    fn checkpoint_names_sort_as_numbers() {
        assert_eq!(
            parse_checkpoint_file_name(&checkpoint_file_name(123)),
            Some(123)
        );
        assert_eq!(parse_checkpoint_file_name("123.note"), None);
        assert!(checkpoint_file_name(9) < checkpoint_file_name(10));
    }
}
