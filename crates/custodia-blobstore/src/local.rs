//! [`LocalBlobStore`]: blobs as files in a folder of the local file system.
//!
//! ```text
//! <root>/ab/abcd…      a blob; the name is hex(HMAC-SHA256(name key, SHA-256 of the content)),
//!                      fanned out over 256 folders by its first byte
//! <root>/tmp/…         blobs being written; renamed into place when finished
//! ```
//!
//! Writes go to a temporary file in the same file system and are renamed into place, so a blob is
//! never visible half-written. Durability is batched: [`BlobStore::sync`] calls `syncfs` once for
//! many blobs, which is what makes thousands of small files per second durable. A small blob is
//! written in one write; a large one in stages, with direct I/O, by a thread of its own, so the
//! disk writes while the CPU encrypts and hashes, without copying the blob into the page cache
//! (`staged.rs`). A large blob's chunks are sealed [`SEAL_BATCH`] at a time in parallel (Rayon),
//! then staged in order.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::format::{BlobKeys, ChunkReader, ChunkSource, Sealer, HEADER_LEN};
use crate::staged::StagedFile;
use crate::{BlobError, BlobReader, BlobStore, BlobWriter, ContentHash, IfPresent, Stored};

struct Shared {
    keys: BlobKeys,
}

/// Full chunks a writer seals at once, in parallel: a large blob's encryption spreads over the
/// cores while one thread writes; the writer holds this many chunks (plus one being filled).
const SEAL_BATCH: usize = 4;

/// Encrypted blobs in a local folder.
#[derive(Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for LocalBlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalBlobStore")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl LocalBlobStore {
    /// Opens (creating the folders if needed) a store at `root` with the given 256-bit keys: one
    /// wraps each blob's data key, the other names blobs.
    pub fn open(root: &Path, wrap_key: &[u8; 32], name_key: &[u8; 32]) -> Result<Self, BlobError> {
        let tmp = root.join("tmp");
        fs::create_dir_all(&tmp).map_err(io_error("create", &tmp))?;
        let keys = BlobKeys::new(wrap_key, name_key)?;
        Ok(Self {
            root: root.to_owned(),
            shared: Arc::new(Shared { keys }),
        })
    }

    /// Where the blob of `hash` lives (whether or not it exists). Relative names only depend on
    /// the keys, so a copied store opens as the original does.
    pub fn path_of(&self, hash: &ContentHash) -> PathBuf {
        self.root.join(self.shared.keys.object_name(hash))
    }

    fn new_temp_file(&self) -> Result<(File, PathBuf), BlobError> {
        let path = self
            .root
            .join("tmp")
            .join(format!("{}.tmp", self.shared.keys.random_name()?));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error("create", &path))?;
        Ok((file, path))
    }
}

impl BlobStore for LocalBlobStore {
    fn writer(&self) -> Result<Box<dyn BlobWriter>, BlobError> {
        let (file, tmp_path) = self.new_temp_file()?;
        let (header, sealer) = self.shared.keys.seal_new()?;
        let sealer = sealer.with_batch(SEAL_BATCH);
        let mut writer = LocalWriter {
            store: self.clone(),
            file: StagedFile::new(file),
            tmp_path,
            sealer,
            ended: false,
            finished: false,
        };
        writer
            .file
            .write(&writer.tmp_path, &header)
            .map_err(io_error("write", &writer.tmp_path))?;
        Ok(Box::new(writer))
    }

    fn contains(&self, hash: &ContentHash) -> Result<bool, BlobError> {
        let path = self.path_of(hash);
        match fs::metadata(&path) {
            Ok(m) => Ok(m.is_file()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("inspect", &path)(e)),
        }
    }

    fn open(&self, hash: &ContentHash) -> Result<Box<dyn BlobReader>, BlobError> {
        let path = self.path_of(hash);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(BlobError::NotFound(*hash))
            }
            Err(e) => return Err(io_error("open", &path)(e)),
        };
        // Blobs are mostly read whole (verify, get, expansion): ask for generous read-ahead.
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::Sequential);
        let size = file.metadata().map_err(io_error("inspect", &path))?.len();
        let mut header = [0u8; HEADER_LEN as usize];
        let read = read_up_to_at(&file, &mut header, 0).map_err(io_error("read", &path))?;
        let opener = self.shared.keys.open_header(*hash, &header[..read], size)?;
        Ok(Box::new(ChunkReader::new(FileSource(file), opener)))
    }

    fn sync(&self) -> Result<(), BlobError> {
        let dir = File::open(&self.root).map_err(io_error("open", &self.root))?;
        rustix::fs::syncfs(&dir).map_err(|e| io_error("sync", &self.root)(e.into()))
    }

    fn clean_temporary(&self) -> Result<u64, BlobError> {
        let tmp = self.root.join("tmp");
        let mut removed = 0;
        for entry in fs::read_dir(&tmp).map_err(io_error("list", &tmp))? {
            let entry = entry.map_err(io_error("list", &tmp))?;
            fs::remove_file(entry.path()).map_err(io_error("remove", &entry.path()))?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// Reads into `buf` from `offset` until it is full or the file ends; returns the bytes read.
fn read_up_to_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

struct FileSource(File);

impl ChunkSource for FileSource {
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.0.read_exact_at(buf, offset)
    }
}

struct LocalWriter {
    store: LocalBlobStore,
    file: StagedFile,
    tmp_path: PathBuf,
    sealer: Sealer,
    /// The content is sealed whole ([`BlobWriter::end`]); only naming remains.
    ended: bool,
    finished: bool,
}

impl LocalWriter {
    /// Passes bytes to the sealer, which stages each sealed chunk for the temporary file; the
    /// last call (`None`) also writes what is staged.
    fn seal(&mut self, plain: Option<&[u8]>) -> io::Result<()> {
        let Self {
            file,
            tmp_path,
            sealer,
            ..
        } = self;
        let mut emit = |sealed: Vec<u8>| {
            file.write(tmp_path, &sealed)?;
            Ok(Some(sealed))
        };
        match plain {
            Some(buf) => sealer.write(buf, &mut emit),
            None => {
                sealer.finish(&mut emit)?;
                file.end()
            }
        }
    }
}

impl Write for LocalWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.ended {
            return Err(io::Error::other("the blob's content was already ended"));
        }
        self.seal(Some(buf)).map(|()| buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl BlobWriter for LocalWriter {
    fn end(&mut self) -> Result<(), BlobError> {
        if !self.ended {
            self.seal(None).map_err(io_error("write", &self.tmp_path))?;
            self.ended = true;
        }
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<Stored, BlobError> {
        self.end()?;
        let tmp = self.tmp_path.clone();
        let final_path = self.store.path_of(hash);
        self.finished = true;
        let existed = final_path.exists();
        if existed && if_present == IfPresent::Keep {
            let _ = fs::remove_file(&tmp);
            return Ok(Stored::AlreadyPresent);
        }
        // The fan-out folder usually exists: try the rename first, create the folder if needed.
        if let Err(e) = fs::rename(&tmp, &final_path) {
            let parent = final_path
                .parent()
                .filter(|_| e.kind() == io::ErrorKind::NotFound);
            let Some(parent) = parent else {
                return Err(io_error("rename into place", &final_path)(e));
            };
            fs::create_dir_all(parent).map_err(io_error("create", parent))?;
            fs::rename(&tmp, &final_path).map_err(io_error("rename into place", &final_path))?;
        }
        Ok(if existed {
            Stored::Replaced
        } else {
            Stored::New
        })
    }
}

impl Drop for LocalWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> BlobError {
    let path = path.display().to_string();
    move |source| BlobError::Io {
        action,
        path,
        source,
    }
}

#[cfg(test)]
mod tests {
    //! Local specifics; the contract every back-end keeps is tested in `tests/contract.rs`.
    use super::*;
    use crate::format::CHUNK_LEN;
    use proptest::prelude::*;
    use std::io::{Read, Seek, SeekFrom};

    fn store(dir: &Path) -> LocalBlobStore {
        LocalBlobStore::open(dir, &[7u8; 32], &[9u8; 32]).unwrap()
    }

    fn put(store: &LocalBlobStore, bytes: &[u8]) -> ContentHash {
        let hash = ContentHash::of(bytes);
        let mut w = store.writer().unwrap();
        w.write_all(bytes).unwrap();
        w.finish(&hash, IfPresent::Keep).unwrap();
        hash
    }

    #[test]
    fn blob_names_are_keyed_and_content_is_not_in_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let secret = b"the witness lives at 12 Example Street".repeat(10);
        let hash = put(&s, &secret);
        let path = s.path_of(&hash);
        assert!(!path.to_string_lossy().contains(&hash.to_hex()));
        let raw = fs::read(&path).unwrap();
        assert!(!raw.windows(20).any(|w| secret.windows(20).any(|s| s == w)));
        let other = LocalBlobStore::open(dir.path(), &[7u8; 32], &[10u8; 32]).unwrap();
        assert_ne!(other.path_of(&hash), path);
    }

    #[test]
    fn chunks_sealed_in_parallel_batches_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let c = CHUNK_LEN;
        for len in [
            0,
            1,
            c - 1,
            c,
            c + 1,
            SEAL_BATCH * c,
            SEAL_BATCH * c + 1,
            (SEAL_BATCH + 1) * c,
            9 * c + 7,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8 ^ (i / c) as u8).collect();
            let hash = ContentHash::of(&bytes);
            let mut w = s.writer().unwrap();
            for piece in bytes.chunks(300_001) {
                w.write_all(piece).unwrap();
            }
            w.finish(&hash, IfPresent::Replace).unwrap();
            let mut back = Vec::new();
            s.open(&hash).unwrap().read_to_end(&mut back).unwrap();
            assert!(back == bytes, "a blob of {len} bytes read back differently");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn ranged_reads_return_the_right_bytes(len in 0usize..3 * CHUNK_LEN, start in any::<u64>(), take in 0usize..100_000) {
            let dir = tempfile::tempdir().unwrap();
            let s = store(dir.path());
            let bytes: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            let hash = put(&s, &bytes);
            let mut r = s.open(&hash).unwrap();
            let start = if len == 0 { 0 } else { start % len as u64 };
            r.seek(SeekFrom::Start(start)).unwrap();
            let mut out = vec![0u8; take];
            let mut got = 0;
            while got < take {
                let n = r.read(&mut out[got..]).unwrap();
                if n == 0 { break; }
                got += n;
            }
            let end = (start as usize + take).min(len);
            prop_assert_eq!(&out[..got], &bytes[start as usize..end]);
        }
    }
}
