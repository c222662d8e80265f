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
//! many blobs, which is what makes thousands of small files per second durable. Large blobs are
//! handed to a background flusher every few MiB, so the disk writes while the CPU encrypts and
//! hashes, instead of everything waiting for the final sync.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::rand::{SecureRandom, SystemRandom};

use crate::{BlobError, BlobReader, BlobStore, BlobWriter, ContentHash, IfPresent, Stored};

const MAGIC: &[u8; 8] = b"CUSTBLB1";
/// Plaintext bytes per chunk. Large enough that per-chunk overhead (a tag, a syscall) is noise,
/// small enough that a reader decrypting one chunk for a ranged read stays cheap.
pub const CHUNK_LEN: usize = 1 << 20;
const TAG_LEN: usize = 16;
const HEADER_LEN: u64 = 72;
const WRAP_AAD_LEN: usize = 12;

struct Keys {
    wrap: LessSafeKey,
    name: ring::hmac::Key,
    /// Files with unflushed writes, for the background flusher (see module docs).
    flusher: Mutex<mpsc::SyncSender<File>>,
}

/// Bytes written to one blob between hand-offs to the flusher.
const FLUSH_EVERY: u64 = 16 << 20;

fn spawn_flusher() -> mpsc::SyncSender<File> {
    let (sender, receiver) = mpsc::sync_channel::<File>(8);
    // Errors are not lost: `BlobStore::sync` (syncfs) runs before anything is acknowledged, and
    // reports any write-back failure itself. This thread only starts write-back early.
    let spawned = std::thread::Builder::new()
        .name("blob-flusher".into())
        .spawn(move || {
            for file in receiver {
                let _ = file.sync_data();
            }
        });
    drop(spawned);
    sender
}

/// Encrypted blobs in a local folder.
#[derive(Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
    keys: Arc<Keys>,
    rng: SystemRandom,
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
        let wrap = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, wrap_key).map_err(|_| BlobError::BadKey)?,
        );
        let name = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, name_key);
        let flusher = Mutex::new(spawn_flusher());
        Ok(Self {
            root: root.to_owned(),
            keys: Arc::new(Keys {
                wrap,
                name,
                flusher,
            }),
            rng: SystemRandom::new(),
        })
    }

    /// Where the blob of `hash` lives (whether or not it exists). Relative names only depend on
    /// the keys, so a copied store opens as the original does.
    pub fn path_of(&self, hash: &ContentHash) -> PathBuf {
        let tag = ring::hmac::sign(&self.keys.name, &hash.0);
        let name = hex::encode(tag.as_ref());
        self.root.join(&name[0..2]).join(name)
    }

    fn new_temp_file(&self) -> Result<(File, PathBuf), BlobError> {
        let mut random = [0u8; 16];
        self.rng.fill(&mut random).map_err(|_| BlobError::Crypto)?;
        let path = self
            .root
            .join("tmp")
            .join(format!("{}.tmp", hex::encode(random)));
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
        let mut data_key = [0u8; 32];
        self.rng
            .fill(&mut data_key)
            .map_err(|_| BlobError::Crypto)?;
        let mut header = Vec::with_capacity(HEADER_LEN as usize);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&(CHUNK_LEN as u32).to_le_bytes());
        let mut wrap_nonce = [0u8; 12];
        self.rng
            .fill(&mut wrap_nonce)
            .map_err(|_| BlobError::Crypto)?;
        let mut wrapped = data_key.to_vec();
        self.keys
            .wrap
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(wrap_nonce),
                Aad::from(&header[..WRAP_AAD_LEN]),
                &mut wrapped,
            )
            .map_err(|_| BlobError::Crypto)?;
        header.extend_from_slice(&wrap_nonce);
        header.extend_from_slice(&wrapped);
        debug_assert_eq!(header.len() as u64, HEADER_LEN);
        let key = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &data_key).map_err(|_| BlobError::Crypto)?,
        );
        let mut writer = LocalWriter {
            store: self.clone(),
            file,
            tmp_path,
            key,
            pending: Vec::new(),
            next_chunk: 0,
            unflushed: 0,
            finished: false,
        };
        writer
            .file
            .write_all(&header)
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
        LocalReader::new(file, *hash, &self.keys.wrap, &path)
            .map(|r| Box::new(r) as Box<dyn BlobReader>)
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

struct LocalWriter {
    store: LocalBlobStore,
    file: File,
    tmp_path: PathBuf,
    key: LessSafeKey,
    /// Plaintext not yet sealed. A full chunk is held back until more bytes arrive, because only
    /// then is it known not to be the last one.
    pending: Vec<u8>,
    next_chunk: u64,
    /// Bytes written since the last hand-off to the flusher.
    unflushed: u64,
    finished: bool,
}

fn chunk_nonce(index: u64) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&index.to_be_bytes());
    Nonce::assume_unique_for_key(nonce)
}

impl LocalWriter {
    fn seal_pending(&mut self, last: bool) -> io::Result<()> {
        let aad = [last as u8];
        self.key
            .seal_in_place_append_tag(
                chunk_nonce(self.next_chunk),
                Aad::from(aad),
                &mut self.pending,
            )
            .map_err(|_| io::Error::other("encryption failed"))?;
        self.file.write_all(&self.pending)?;
        self.unflushed += self.pending.len() as u64;
        self.pending.clear();
        self.next_chunk += 1;
        if self.unflushed >= FLUSH_EVERY {
            self.unflushed = 0;
            if let Ok(clone) = self.file.try_clone() {
                let flusher = self
                    .store
                    .keys
                    .flusher
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                // A full queue means write-back is already busy: skip rather than wait.
                let _ = flusher.try_send(clone);
            }
        }
        Ok(())
    }
}

impl Write for LocalWriter {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let total = buf.len();
        while !buf.is_empty() {
            if self.pending.len() == CHUNK_LEN {
                self.seal_pending(false)?;
            }
            let take = (CHUNK_LEN - self.pending.len()).min(buf.len());
            self.pending.extend_from_slice(&buf[..take]);
            buf = &buf[take..];
        }
        Ok(total)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl BlobWriter for LocalWriter {
    fn finish(
        mut self: Box<Self>,
        hash: &ContentHash,
        if_present: IfPresent,
    ) -> Result<Stored, BlobError> {
        let tmp = self.tmp_path.clone();
        self.seal_pending(true).map_err(io_error("write", &tmp))?;
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

struct LocalReader {
    file: File,
    hash: ContentHash,
    key: LessSafeKey,
    len: u64,
    chunks: u64,
    position: u64,
    /// The decrypted chunk `current` (if any), so sequential reads decrypt each chunk once.
    current: Option<u64>,
    plain: Vec<u8>,
}

impl LocalReader {
    fn new(
        file: File,
        hash: ContentHash,
        wrap: &LessSafeKey,
        path: &Path,
    ) -> Result<Self, BlobError> {
        let damaged = |detail: &str| BlobError::Damaged {
            item: hash,
            detail: detail.to_owned(),
        };
        let size = file.metadata().map_err(io_error("inspect", path))?.len();
        let mut header = [0u8; HEADER_LEN as usize];
        file.read_exact_at(&mut header, 0)
            .map_err(|_| damaged("the header is truncated"))?;
        if &header[..8] != MAGIC {
            return Err(damaged("not a Custodia blob (bad magic)"));
        }
        let chunk_len = u32::from_le_bytes([header[8], header[9], header[10], header[11]]) as u64;
        if chunk_len != CHUNK_LEN as u64 {
            return Err(damaged("unsupported chunk size"));
        }
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&header[12..24]);
        let mut wrapped = header[24..72].to_vec();
        let data_key = wrap
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(&header[..WRAP_AAD_LEN]),
                &mut wrapped,
            )
            .map_err(|_| {
                damaged("the data key does not unwrap (wrong vault key, or the header was altered)")
            })?;
        let key = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, data_key).map_err(|_| BlobError::Crypto)?,
        );
        let body = size
            .checked_sub(HEADER_LEN)
            .ok_or_else(|| damaged("the header is truncated"))?;
        let sealed = CHUNK_LEN as u64 + TAG_LEN as u64;
        let chunks = body.div_ceil(sealed).max(1);
        let last_sealed = body - (chunks - 1) * sealed;
        if last_sealed < TAG_LEN as u64 {
            return Err(damaged("the last chunk is truncated"));
        }
        let len = (chunks - 1) * CHUNK_LEN as u64 + last_sealed - TAG_LEN as u64;
        Ok(Self {
            file,
            hash,
            key,
            len,
            chunks,
            position: 0,
            current: None,
            plain: Vec::new(),
        })
    }

    fn load_chunk(&mut self, index: u64) -> io::Result<()> {
        if self.current == Some(index) {
            return Ok(());
        }
        let last = index + 1 == self.chunks;
        let plain_len = if last {
            self.len - index * CHUNK_LEN as u64
        } else {
            CHUNK_LEN as u64
        };
        self.plain.resize(plain_len as usize + TAG_LEN, 0);
        let offset = HEADER_LEN + index * (CHUNK_LEN + TAG_LEN) as u64;
        self.file.read_exact_at(&mut self.plain, offset)?;
        let opened = self
            .key
            .open_in_place(chunk_nonce(index), Aad::from([last as u8]), &mut self.plain)
            .map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the blob of item {} is damaged: chunk {index} fails authentication",
                        self.hash
                    ),
                )
            })?
            .len();
        self.plain.truncate(opened);
        self.current = Some(index);
        Ok(())
    }
}

impl Read for LocalReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.len || buf.is_empty() {
            // An empty blob still has its one (empty) last chunk authenticated on first read.
            if self.len == 0 && self.current.is_none() {
                self.load_chunk(0)?;
            }
            return Ok(0);
        }
        let index = self.position / CHUNK_LEN as u64;
        self.load_chunk(index)?;
        let within = (self.position - index * CHUNK_LEN as u64) as usize;
        let n = (self.plain.len() - within).min(buf.len());
        buf[..n].copy_from_slice(&self.plain[within..within + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for LocalReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        let target = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.position = target;
        Ok(target)
    }
}

impl BlobReader for LocalReader {
    fn len(&self) -> u64 {
        self.len
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

// Re-exported for the aead tag length checks in tests.
#[allow(dead_code)]
const _: () = assert!(aead::MAX_TAG_LEN == TAG_LEN);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    fn get(store: &LocalBlobStore, hash: &ContentHash) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        store
            .open(hash)
            .map_err(io::Error::other)?
            .read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        for len in [
            0,
            1,
            CHUNK_LEN - 1,
            CHUNK_LEN,
            CHUNK_LEN + 1,
            2 * CHUNK_LEN,
            2 * CHUNK_LEN + 5,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let hash = put(&s, &bytes);
            assert_eq!(get(&s, &hash).unwrap(), bytes, "length {len}");
            assert_eq!(s.open(&hash).unwrap().len(), len as u64);
        }
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
    fn duplicates_are_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let hash = put(&s, b"same");
        let mut w = s.writer().unwrap();
        w.write_all(b"same").unwrap();
        assert_eq!(
            w.finish(&hash, IfPresent::Keep).unwrap(),
            Stored::AlreadyPresent
        );
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn unfinished_writers_leave_nothing_visible() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let mut w = s.writer().unwrap();
        w.write_all(b"abandoned").unwrap();
        drop(w);
        assert!(!s.contains(&ContentHash::of(b"abandoned")).unwrap());
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn any_changed_or_missing_byte_fails_to_decrypt() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let bytes: Vec<u8> = (0..CHUNK_LEN + 100).map(|i| i as u8).collect();
        let hash = put(&s, &bytes);
        let path = s.path_of(&hash);
        let original = fs::read(&path).unwrap();
        for at in [0, 9, 30, 80, CHUNK_LEN / 2, original.len() - 1] {
            let mut damaged = original.clone();
            damaged[at] ^= 0x01;
            fs::write(&path, &damaged).unwrap();
            assert!(get(&s, &hash).is_err(), "flip at {at} went unnoticed");
        }
        // Dropping the whole last chunk must not pass as a shorter blob.
        fs::write(
            &path,
            &original[..(HEADER_LEN as usize + CHUNK_LEN + TAG_LEN)],
        )
        .unwrap();
        assert!(get(&s, &hash).is_err());
        fs::write(&path, &original).unwrap();
        assert_eq!(get(&s, &hash).unwrap(), bytes);
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
