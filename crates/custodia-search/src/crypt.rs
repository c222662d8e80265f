//! [`EncryptedDirectory`]: a tantivy `Directory` whose files are encrypted at rest, so that the
//! search index (which holds every extracted word) reveals nothing on a seized disk.
//!
//! File layout: `CUSTIDX1` (8 bytes) ‖ nonce (12 random bytes) ‖ AES-256-GCM ciphertext and tag
//! of the whole file, with the file's name as associated data (a file renamed or swapped for
//! another fails to open). The key is derived by the vault from its master key, for this use
//! only. Tantivy writes each file once and never changes it, so a file is encrypted when its
//! writer finishes (temporary file → fsync → rename) and decrypted once when first opened;
//! decrypted files are kept in memory while the directory is open (so memory holds the index,
//! as with a memory-mapped one that is fully read). `meta.json` and other atomic files follow
//! the same format.
//!
//! Tantivy's locks (one index writer at a time, and the lock around `meta.json`) are
//! operating-system locks on plain files beside the encrypted ones, so that several processes
//! writing one vault (a server and a command-line ingest) update its index in turn.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, OwnedBytes, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

const MAGIC: &[u8; 8] = b"CUSTIDX1";

#[derive(Clone)]
pub struct EncryptedDirectory {
    inner: Arc<Inner>,
}

struct Inner {
    root: PathBuf,
    key: LessSafeKey,
    cache: RwLock<HashMap<PathBuf, OwnedBytes>>,
}

impl std::fmt::Debug for EncryptedDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptedDirectory")
            .field("root", &self.inner.root)
            .finish_non_exhaustive()
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

impl EncryptedDirectory {
    /// Opens (creating if needed, owner-only) the folder `root` with `key`.
    pub fn open(root: &Path, key: &[u8; 32]) -> io::Result<Self> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(root)?;
        let key = UnboundKey::new(&AES_256_GCM, key).map_err(|_| invalid("bad index key"))?;
        Ok(Self {
            inner: Arc::new(Inner {
                root: root.to_owned(),
                key: LessSafeKey::new(key),
                cache: RwLock::new(HashMap::new()),
            }),
        })
    }

    fn name(path: &Path) -> Vec<u8> {
        path.to_string_lossy().as_bytes().to_vec()
    }

    fn seal(&self, path: &Path, plain: &[u8]) -> io::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| invalid("no system randomness"))?;
        let mut out = Vec::with_capacity(plain.len() + 36);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        let mut body = plain.to_vec();
        self.inner
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(Self::name(path)),
                &mut body,
            )
            .map_err(|_| invalid("encryption failed"))?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    fn open_sealed(&self, path: &Path, mut sealed: Vec<u8>) -> io::Result<Vec<u8>> {
        if sealed.len() < MAGIC.len() + NONCE_LEN + 16 || &sealed[..8] != MAGIC {
            return Err(invalid("not an encrypted index file"));
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&sealed[8..8 + NONCE_LEN]);
        let plain_len = self
            .inner
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(Self::name(path)),
                &mut sealed[8 + NONCE_LEN..],
            )
            .map_err(|_| invalid("the index file fails authentication (wrong key or altered)"))?
            .len();
        sealed.drain(..8 + NONCE_LEN);
        sealed.truncate(plain_len);
        Ok(sealed)
    }

    /// temp file → fsync → rename → fsync folder.
    fn write_durably(&self, path: &Path, plain: &[u8]) -> io::Result<()> {
        let sealed = self.seal(path, plain)?;
        let full = self.inner.root.join(path);
        let tmp = full.with_extension(format!(
            "{}.tmp",
            full.extension().and_then(|e| e.to_str()).unwrap_or("")
        ));
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&sealed)?;
        file.sync_all()?;
        fs::rename(&tmp, &full)?;
        fs::File::open(&self.inner.root)?.sync_all()
    }

    fn read_plain(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let full = self.inner.root.join(path);
        let sealed = match fs::read(&full) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(OpenReadError::FileDoesNotExist(path.to_owned()))
            }
            Err(e) => return Err(OpenReadError::wrap_io_error(e, path.to_owned())),
        };
        self.open_sealed(path, sealed)
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_owned()))
    }
}

struct SealingWriter {
    dir: EncryptedDirectory,
    path: PathBuf,
    buffer: Vec<u8>,
}

impl Write for SealingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for SealingWriter {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        let plain = std::mem::take(&mut self.buffer);
        self.dir.write_durably(&self.path, &plain)?;
        if let Ok(mut cache) = self.dir.inner.cache.write() {
            cache.insert(self.path.clone(), OwnedBytes::new(plain));
        }
        Ok(())
    }
}

impl Directory for EncryptedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        if let Some(bytes) = self
            .inner
            .cache
            .read()
            .ok()
            .and_then(|c| c.get(path).cloned())
        {
            return Ok(Arc::new(bytes));
        }
        let bytes = OwnedBytes::new(self.read_plain(path)?);
        if let Ok(mut cache) = self.inner.cache.write() {
            cache.insert(path.to_owned(), bytes.clone());
        }
        Ok(Arc::new(bytes))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        if let Ok(mut cache) = self.inner.cache.write() {
            cache.remove(path);
        }
        match fs::remove_file(self.inner.root.join(path)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(DeleteError::FileDoesNotExist(path.to_owned()))
            }
            Err(e) => Err(DeleteError::IoError {
                io_error: Arc::new(e),
                filepath: path.to_owned(),
            }),
        }
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.inner.root.join(path).exists())
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let full = self.inner.root.join(path);
        // Claim the name now, as tantivy expects of a new file.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
        {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(OpenWriteError::FileAlreadyExists(path.to_owned()))
            }
            Err(e) => return Err(OpenWriteError::wrap_io_error(e, path.to_owned())),
        }
        let writer = SealingWriter {
            dir: self.clone(),
            path: path.to_owned(),
            buffer: Vec::new(),
        };
        Ok(BufWriter::new(Box::new(writer)))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.read_plain(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.write_durably(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        fs::File::open(&self.inner.root)?.sync_all()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // An operating-system lock on a plain file beside the index's files: several processes
        // (a server and a command-line ingest) may update one vault's index, one at a time.
        // The lock goes with the open file: dropping the `DirectoryLock` closes it.
        let path = self.inner.root.join(&lock.filepath);
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| LockError::IoError(Arc::new(e)))?;
        if lock.is_blocking {
            file.lock().map_err(|e| LockError::IoError(Arc::new(e)))?;
        } else {
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Err(LockError::LockBusy),
                Err(fs::TryLockError::Error(e)) => return Err(LockError::IoError(Arc::new(e))),
            }
        }
        Ok(DirectoryLock::from(Box::new(file)))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
