//! How a local blob's bytes reach its file: a small blob in one write through the page cache; a
//! large one in stages of [`STAGE_LEN`] bytes written by a thread of its own with direct I/O.
//!
//! Why direct I/O: on the machines measured (docs/BENCHMARKS.md), copying a large blob into the
//! page cache cost more processor time than hashing it (about 1.1 GB/s of one core), so the
//! writing thread, not SHA-256, bounded one file's ingest. A direct write hands the stage to the
//! device without that copy, and the writing thread only fills aligned buffers while another
//! thread waits on the disk. Where the file system refuses direct I/O (tmpfs, some network file
//! systems), the same thread writes the stages through the page cache and starts their
//! write-back early instead.
//!
//! Durability is unchanged: nothing here is acknowledged; [`crate::BlobStore::sync`] (`syncfs`)
//! runs before any blob is reported stored, and a direct write, too, needs it for the file's
//! metadata and the device's cache.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// The alignment direct I/O asks of offsets, lengths and buffers: the largest logical block
/// size of the disks in use.
const ALIGN: usize = 4096;
/// Bytes per stage. A blob that ends before filling one is written in one buffered write.
pub(crate) const STAGE_LEN: usize = 2 << 20;
/// Stages one blob holds at most: one being filled while the other is written (an ingest runs
/// several large blobs at once, and its memory stays bounded: `tests/cli_ingest_jobs.rs`).
const STAGES: usize = 2;
/// Without direct I/O, write-back is started after this many stages (see module docs).
const SYNC_EVERY_STAGES: u64 = 8;

/// [`STAGE_LEN`] bytes at an aligned address, and how many are filled.
struct Stage {
    bytes: Vec<u8>,
    start: usize,
    filled: usize,
}

impl Stage {
    fn new() -> Self {
        let bytes = vec![0u8; STAGE_LEN + ALIGN];
        // An offset that cannot be computed leaves the stage unaligned: its direct write is
        // refused, and it is written through the page cache instead.
        let start = bytes.as_ptr().align_offset(ALIGN).min(ALIGN);
        Self {
            bytes,
            start,
            filled: 0,
        }
    }

    fn data(&self) -> &[u8] {
        &self.bytes[self.start..self.start + self.filled]
    }

    /// Copies as much of `from` as fits; returns how much.
    fn fill(&mut self, from: &[u8]) -> usize {
        let take = (STAGE_LEN - self.filled).min(from.len());
        let at = self.start + self.filled;
        self.bytes[at..at + take].copy_from_slice(&from[..take]);
        self.filled += take;
        take
    }

    fn is_full(&self) -> bool {
        self.filled == STAGE_LEN
    }
}

/// The thread that writes full stages, and the stages it gives back.
struct Writing {
    jobs: Option<mpsc::SyncSender<(Stage, u64)>>,
    spares: mpsc::Receiver<Stage>,
    thread: Option<JoinHandle<io::Result<()>>>,
    allocated: usize,
}

impl Writing {
    /// Closes the queue and waits for the thread: its result once every stage sent is written.
    fn stop(mut self) -> io::Result<()> {
        drop(self.jobs.take());
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the blob's writing thread failed")),
            None => Ok(()),
        }
    }
}

/// The bytes of one blob's file, in order from offset 0.
pub(crate) struct StagedFile {
    /// Opened for buffered writes; the small blob's one write and a large one's tail go here.
    file: File,
    /// A small blob's bytes until they fill a stage.
    pending: Vec<u8>,
    /// Large blobs: the stage being filled, where it goes, and the writing thread.
    current: Option<Stage>,
    offset: u64,
    writing: Option<Writing>,
    /// Whether the stages go with direct I/O (for tests and the benchmark's notes).
    pub(crate) direct: bool,
    /// A write failed: the file is incomplete, and every later call says so.
    failed: bool,
}

impl StagedFile {
    pub(crate) fn new(file: File) -> Self {
        Self {
            file,
            pending: Vec::new(),
            current: None,
            offset: 0,
            writing: None,
            direct: false,
            failed: false,
        }
    }

    /// Appends `bytes`; `path` is the file's, for opening it for direct I/O.
    pub(crate) fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if self.failed {
            return Err(incomplete());
        }
        if self.writing.is_none() {
            // Exactly what is written (a header, then whole sealed chunks): a blob that fills a
            // stage holds no doubled buffer for it.
            self.pending.reserve_exact(bytes.len());
            self.pending.extend_from_slice(bytes);
            if self.pending.len() < STAGE_LEN {
                return Ok(());
            }
            self.start_writing(path)?;
            let pending = std::mem::take(&mut self.pending);
            return self.stage(&pending);
        }
        self.stage(bytes)
    }

    /// Writes what is left and waits for the writing thread: the file then holds every byte
    /// (not yet durably: see the module docs).
    pub(crate) fn end(&mut self) -> io::Result<()> {
        if self.failed {
            return Err(incomplete());
        }
        let Some(writing) = self.writing.take() else {
            let pending = std::mem::take(&mut self.pending);
            return self.file.write_all_at(&pending, 0);
        };
        let written = writing.stop();
        if written.is_err() {
            self.failed = true;
        }
        written?;
        if let Some(stage) = self.current.take() {
            self.file.write_all_at(stage.data(), self.offset)?;
        }
        Ok(())
    }

    fn start_writing(&mut self, path: &Path) -> io::Result<()> {
        use rustix::fs::{Mode, OFlags};
        let direct = direct_io_allowed()
            .then(|| {
                rustix::fs::open(
                    path,
                    OFlags::WRONLY | OFlags::DIRECT | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .ok()
            })
            .flatten()
            .map(File::from);
        self.direct = direct.is_some();
        let buffered = self.file.try_clone()?;
        let (jobs, queue) = mpsc::sync_channel::<(Stage, u64)>(1);
        let (give_back, spares) = mpsc::channel::<Stage>();
        let thread = std::thread::Builder::new()
            .name("blob-writer".into())
            .spawn(move || write_stages(queue, give_back, direct, buffered))?;
        self.writing = Some(Writing {
            jobs: Some(jobs),
            spares,
            thread: Some(thread),
            allocated: 0,
        });
        Ok(())
    }

    /// Copies `bytes` into stages, handing each full one to the writing thread.
    fn stage(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let mut stage = match self.current.take() {
                Some(stage) => stage,
                None => self.spare_stage()?,
            };
            let took = stage.fill(bytes);
            bytes = &bytes[took..];
            if !stage.is_full() {
                self.current = Some(stage);
                continue;
            }
            let at = self.offset;
            self.offset += STAGE_LEN as u64;
            let sent = self
                .writing
                .as_ref()
                .and_then(|w| w.jobs.as_ref())
                .map(|jobs| jobs.send((stage, at)));
            if !matches!(sent, Some(Ok(()))) {
                return Err(self.failure());
            }
        }
        Ok(())
    }

    /// A stage to fill: one given back, a new one while fewer than [`STAGES`] exist, else the
    /// next one the writing thread gives back.
    fn spare_stage(&mut self) -> io::Result<Stage> {
        let Some(writing) = self.writing.as_mut() else {
            return Ok(Stage::new());
        };
        if let Ok(mut stage) = writing.spares.try_recv() {
            stage.filled = 0;
            return Ok(stage);
        }
        if writing.allocated < STAGES {
            writing.allocated += 1;
            return Ok(Stage::new());
        }
        match writing.spares.recv() {
            Ok(mut stage) => {
                stage.filled = 0;
                Ok(stage)
            }
            Err(_) => Err(self.failure()),
        }
    }

    /// The writing thread's error, once it has stopped.
    fn failure(&mut self) -> io::Error {
        self.failed = true;
        let Some(writing) = self.writing.take() else {
            return io::Error::other("the blob's writing thread is gone");
        };
        match writing.stop() {
            Err(e) => e,
            Ok(()) => io::Error::other("the blob's writing thread stopped"),
        }
    }
}

fn incomplete() -> io::Error {
    io::Error::other("an earlier write of this blob failed; the blob is incomplete")
}

/// Whether large blobs may be written with direct I/O: yes, unless the environment variable
/// [`DIRECT_IO_VAR`] is `off` (for a file system whose direct I/O misbehaves, and to compare
/// both ways in the benchmark). Read once per process.
fn direct_io_allowed() -> bool {
    static ALLOWED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALLOWED.get_or_init(|| std::env::var(DIRECT_IO_VAR).map_or(true, |v| v.trim() != "off"))
}

/// The environment variable that turns direct I/O off (`off`).
pub const DIRECT_IO_VAR: &str = "CUSTODIA_DIRECT_IO";

/// The writing thread: each stage at its offset, with direct I/O where the file has it (a
/// refused direct write is written again through the page cache), the stage then given back.
/// It stops at the first error and returns it.
fn write_stages(
    queue: mpsc::Receiver<(Stage, u64)>,
    give_back: mpsc::Sender<Stage>,
    direct: Option<File>,
    buffered: File,
) -> io::Result<()> {
    let invalid = rustix::io::Errno::INVAL.raw_os_error();
    let mut written = 0u64;
    for (stage, at) in queue {
        let data = stage.data();
        let direct_result = direct.as_ref().map(|d| d.write_all_at(data, at));
        match direct_result {
            Some(Ok(())) => {}
            Some(Err(e)) if e.raw_os_error() == Some(invalid) => buffered.write_all_at(data, at)?,
            Some(Err(e)) => return Err(e),
            None => {
                buffered.write_all_at(data, at)?;
                written += 1;
                if written.is_multiple_of(SYNC_EVERY_STAGES) {
                    // Only starts write-back early; errors are reported by the store's sync.
                    let _ = buffered.sync_data();
                }
            }
        }
        if give_back.send(stage).is_err() {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(lengths: &[usize]) -> (Vec<u8>, Vec<u8>, bool) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        let mut staged = StagedFile::new(file);
        let mut expected = Vec::new();
        let mut n = 0u32;
        for len in lengths {
            let bytes: Vec<u8> = (0..*len)
                .map(|_| {
                    n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (n >> 16) as u8
                })
                .collect();
            staged.write(&path, &bytes).unwrap();
            expected.extend_from_slice(&bytes);
        }
        staged.end().unwrap();
        (std::fs::read(&path).unwrap(), expected, staged.direct)
    }

    #[test]
    fn a_failed_write_is_never_ended_as_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::write(&path, b"").unwrap();
        // Opened for reading only, and no file to open for direct I/O: the writing thread fails.
        let mut staged = StagedFile::new(File::open(&path).unwrap());
        let nowhere = dir.path().join("missing").join("blob");
        let chunk = vec![7u8; (1 << 20) + 16];
        let failed_on_write = (0..16).any(|_| staged.write(&nowhere, &chunk).is_err());
        let ended = staged.end();
        assert!(failed_on_write || ended.is_err(), "the failure is reported");
        assert!(staged.end().is_err(), "once failed, never complete");
        assert!(staged.write(&nowhere, b"more").is_err());
    }

    #[test]
    fn a_small_blob_is_written_whole() {
        let (got, expected, direct) = written(&[72, 1000, 0, 5]);
        assert_eq!(got, expected);
        assert!(!direct, "no stage filled, no direct I/O");
        let (got, expected, _) = written(&[]);
        assert_eq!(got, expected);
    }

    #[test]
    fn a_large_blob_is_written_in_order_at_unaligned_sizes() {
        // Header-sized and chunk-sized pieces, as the sealer emits them, over several stages
        // and an unaligned tail.
        let mut lengths = vec![72];
        lengths.extend(std::iter::repeat_n((1 << 20) + 16, 13));
        lengths.push(12_345);
        let (got, expected, direct) = written(&lengths);
        assert_eq!(got.len(), expected.len());
        assert!(got == expected, "the bytes are the ones written, in order");
        // tmpfs has no direct I/O; the disks' file systems (ext4, XFS) do.
        const TMPFS_MAGIC: i64 = 0x0102_1994;
        // `f_type`'s integer type differs between platforms.
        #[allow(clippy::useless_conversion)]
        let fs_type = rustix::fs::statfs(std::env::temp_dir().as_path())
            .map(|s| i64::try_from(s.f_type).unwrap_or(TMPFS_MAGIC))
            .unwrap_or(TMPFS_MAGIC);
        if fs_type != TMPFS_MAGIC {
            assert!(direct, "the stages went with direct I/O");
        }
        // Exactly a whole number of stages.
        let (got, expected, _) = written(&[STAGE_LEN, STAGE_LEN]);
        assert!(got == expected);
        // One write larger than several stages.
        let (got, expected, _) = written(&[3 * STAGE_LEN + 7]);
        assert!(got == expected);
    }
}
