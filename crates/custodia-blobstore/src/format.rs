//! The `CUSTBLB1` format (layout in the crate docs): the store's keys, blob names, sealing chunks
//! while writing and opening them while reading.
//!
//! Every back-end goes through this module, so a blob's stored bytes and its name are the same
//! whether it sits in a folder or in a bucket: a vault's blobs can be copied between back-ends
//! byte for byte.

use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::rand::{SecureRandom, SystemRandom};

use crate::{BlobError, BlobReader, ContentHash};

const MAGIC: &[u8; 8] = b"CUSTBLB1";
/// Plaintext bytes per chunk. Large enough that per-chunk overhead (a tag, a syscall, a request)
/// is noise, small enough that a reader decrypting one chunk for a ranged read stays cheap.
pub const CHUNK_LEN: usize = 1 << 20;
pub(crate) const TAG_LEN: usize = 16;
pub(crate) const HEADER_LEN: u64 = 72;
/// A chunk as stored: ciphertext and tag.
pub(crate) const SEALED_CHUNK_LEN: u64 = (CHUNK_LEN + TAG_LEN) as u64;
const WRAP_AAD_LEN: usize = 12;

const _: () = assert!(aead::MAX_TAG_LEN == TAG_LEN);

/// The two store keys: one wraps each blob's data key, the other names blobs.
pub(crate) struct BlobKeys {
    wrap: LessSafeKey,
    name: ring::hmac::Key,
    rng: SystemRandom,
}

impl BlobKeys {
    pub(crate) fn new(wrap_key: &[u8; 32], name_key: &[u8; 32]) -> Result<Self, BlobError> {
        let wrap = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, wrap_key).map_err(|_| BlobError::BadKey)?,
        );
        let name = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, name_key);
        Ok(Self {
            wrap,
            name,
            rng: SystemRandom::new(),
        })
    }

    /// The blob's name relative to the store: `ab/abcd…`, hex(HMAC-SHA256(name key, SHA-256)),
    /// fanned out by its first byte. It depends only on the keys, so a copied store opens as
    /// the original does, and it does not reveal which content it holds.
    pub(crate) fn object_name(&self, hash: &ContentHash) -> String {
        let tag = ring::hmac::sign(&self.name, &hash.0);
        let name = hex::encode(tag.as_ref());
        format!("{}/{name}", &name[0..2])
    }

    /// A random name for a temporary object or file (128 bits, hexadecimal).
    pub(crate) fn random_name(&self) -> Result<String, BlobError> {
        let mut random = [0u8; 16];
        self.rng.fill(&mut random).map_err(|_| BlobError::Crypto)?;
        Ok(hex::encode(random))
    }

    /// Starts a new blob: its header (to be stored first) and the sealer for its content.
    pub(crate) fn seal_new(&self) -> Result<(Vec<u8>, Sealer), BlobError> {
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
        self.wrap
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
        Ok((
            header,
            Sealer {
                key,
                queue: Vec::new(),
                spare: Vec::new(),
                batch: 1,
                next_chunk: 0,
            },
        ))
    }

    /// Reads a stored blob's header. `stored_len` is the length of the whole stored object;
    /// `header` holds at least its first [`HEADER_LEN`] bytes (fewer: the blob is damaged).
    pub(crate) fn open_header(
        &self,
        hash: ContentHash,
        header: &[u8],
        stored_len: u64,
    ) -> Result<Opener, BlobError> {
        let damaged = |detail: &str| BlobError::Damaged {
            item: hash,
            detail: detail.to_owned(),
        };
        if header.len() < HEADER_LEN as usize || stored_len < HEADER_LEN {
            return Err(damaged("the header is truncated"));
        }
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
        let data_key = self
            .wrap
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
        let body = stored_len - HEADER_LEN;
        let chunks = body.div_ceil(SEALED_CHUNK_LEN).max(1);
        let last_sealed = body - (chunks - 1) * SEALED_CHUNK_LEN;
        if last_sealed < TAG_LEN as u64 {
            return Err(damaged("the last chunk is truncated"));
        }
        let len = (chunks - 1) * CHUNK_LEN as u64 + last_sealed - TAG_LEN as u64;
        Ok(Opener {
            key,
            hash,
            len,
            chunks,
        })
    }
}

fn chunk_nonce(index: u64) -> Nonce {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&index.to_be_bytes());
    Nonce::assume_unique_for_key(nonce)
}

/// Seals a blob's content into chunks. Plaintext goes in through [`Sealer::write`]; each sealed
/// chunk comes out through `emit`, in order, as a buffer of its own (ciphertext and tag), which
/// `emit` keeps or gives back for the next chunk; [`Sealer::finish`] seals the last one.
///
/// Chunks are independent (each has its own nonce), so a sealer with a batch of more than one
/// seals that many full chunks at once on Rayon's threads: a large blob's encryption uses every
/// core, not only the writing thread's.
pub(crate) struct Sealer {
    key: LessSafeKey,
    /// Plaintext not yet sealed, one buffer per chunk, in order; only the last may be partial. A
    /// full chunk is held back until more bytes arrive, because only then is it known not to be
    /// the last one; once `batch` full chunks wait and more bytes come, they are sealed together.
    queue: Vec<Vec<u8>>,
    /// Buffers of sealed chunks, kept for the next ones (no allocation, no page faults per chunk).
    spare: Vec<Vec<u8>>,
    batch: usize,
    next_chunk: u64,
}

impl Sealer {
    /// Plaintext buffered at most: `batch` full chunks waiting and one being filled.
    pub(crate) fn with_batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    pub(crate) fn write(
        &mut self,
        mut buf: &[u8],
        emit: &mut impl FnMut(Vec<u8>) -> io::Result<Option<Vec<u8>>>,
    ) -> io::Result<()> {
        while !buf.is_empty() {
            let filling = self.queue.last().is_some_and(|c| c.len() < CHUNK_LEN);
            if !filling {
                if self.queue.len() >= self.batch {
                    // More bytes follow, so none of the waiting chunks is the last.
                    self.seal_queue(false, emit)?;
                }
                let mut chunk = self.spare.pop().unwrap_or_default();
                // A small blob gets a small buffer; a full chunk's room for its tag is reserved
                // at once, so sealing never moves it.
                let room = if buf.len() >= CHUNK_LEN {
                    CHUNK_LEN
                } else {
                    buf.len()
                };
                chunk.reserve_exact(room + TAG_LEN);
                self.queue.push(chunk);
            }
            let Some(chunk) = self.queue.last_mut() else {
                continue; // unreachable: a chunk was just pushed
            };
            let take = (CHUNK_LEN - chunk.len()).min(buf.len());
            if chunk.len() + take == CHUNK_LEN {
                chunk.reserve_exact(CHUNK_LEN + TAG_LEN - chunk.len());
            }
            chunk.extend_from_slice(&buf[..take]);
            buf = &buf[take..];
        }
        Ok(())
    }

    /// Seals the last chunk (empty for an empty blob). Call once, after the last `write`.
    pub(crate) fn finish(
        &mut self,
        emit: &mut impl FnMut(Vec<u8>) -> io::Result<Option<Vec<u8>>>,
    ) -> io::Result<()> {
        if self.queue.is_empty() {
            self.queue.push(Vec::with_capacity(TAG_LEN));
        }
        self.seal_queue(true, emit)?;
        self.spare = Vec::new();
        Ok(())
    }

    /// Seals every waiting chunk (in parallel when there are several), the final one marked as
    /// the blob's last if `last`, and emits them in order.
    fn seal_queue(
        &mut self,
        last: bool,
        emit: &mut impl FnMut(Vec<u8>) -> io::Result<Option<Vec<u8>>>,
    ) -> io::Result<()> {
        let first = self.next_chunk;
        let count = self.queue.len();
        let key = &self.key;
        let seal = |(i, chunk): (usize, &mut Vec<u8>)| -> io::Result<()> {
            let is_last = last && i + 1 == count;
            let tag = key
                .seal_in_place_separate_tag(
                    chunk_nonce(first + i as u64),
                    Aad::from([is_last as u8]),
                    chunk,
                )
                .map_err(|_| io::Error::other("encryption failed"))?;
            chunk.extend_from_slice(tag.as_ref());
            Ok(())
        };
        if count > 1 {
            use rayon::prelude::*;
            self.queue.par_iter_mut().enumerate().try_for_each(seal)?;
        } else {
            self.queue.iter_mut().enumerate().try_for_each(seal)?;
        }
        for chunk in self.queue.drain(..) {
            let Some(mut given_back) = emit(chunk)? else {
                continue;
            };
            given_back.clear();
            // Keep full-size buffers only: a small blob's buffer is not worth keeping.
            if given_back.capacity() >= CHUNK_LEN + TAG_LEN && self.spare.len() < self.batch {
                self.spare.push(given_back);
            }
        }
        self.next_chunk += count as u64;
        Ok(())
    }
}

/// Opens the chunks of one stored blob whose header has been read.
pub(crate) struct Opener {
    key: LessSafeKey,
    hash: ContentHash,
    len: u64,
    chunks: u64,
}

impl Opener {
    /// Where chunk `index` lies in the stored object.
    pub(crate) fn sealed_range(&self, index: u64) -> Range<u64> {
        let start = HEADER_LEN + index * SEALED_CHUNK_LEN;
        let plain = if index + 1 == self.chunks {
            self.len - index * CHUNK_LEN as u64
        } else {
            CHUNK_LEN as u64
        };
        start..start + plain + TAG_LEN as u64
    }

    /// Authenticates and decrypts chunk `index`, sealed in `buf`, leaving its plaintext there.
    pub(crate) fn open_chunk(&self, index: u64, buf: &mut Vec<u8>) -> io::Result<()> {
        let last = index + 1 == self.chunks;
        let opened = self
            .key
            .open_in_place(chunk_nonce(index), Aad::from([last as u8]), buf)
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
        buf.truncate(opened);
        Ok(())
    }
}

/// Where a [`ChunkReader`] gets stored bytes: a file, an object in a bucket.
pub(crate) trait ChunkSource: Send {
    /// Fills `buf` with the stored bytes starting at `offset`. Callers read chunk after chunk
    /// when reading sequentially, so a source may read ahead when offsets follow each other.
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()>;
}

/// The plaintext of one blob, decrypting chunk by chunk from any [`ChunkSource`]: only the chunks
/// a read touches are fetched and opened, each at most once while reading sequentially.
pub(crate) struct ChunkReader<S> {
    source: S,
    opener: Opener,
    position: u64,
    /// The decrypted chunk `current` (if any).
    current: Option<u64>,
    plain: Vec<u8>,
}

impl<S: ChunkSource> ChunkReader<S> {
    pub(crate) fn new(source: S, opener: Opener) -> Self {
        Self {
            source,
            opener,
            position: 0,
            current: None,
            plain: Vec::new(),
        }
    }

    fn load_chunk(&mut self, index: u64) -> io::Result<()> {
        if self.current == Some(index) {
            return Ok(());
        }
        self.current = None;
        let range = self.opener.sealed_range(index);
        self.plain.resize((range.end - range.start) as usize, 0);
        self.source.read_exact_at(&mut self.plain, range.start)?;
        self.opener.open_chunk(index, &mut self.plain)?;
        self.current = Some(index);
        Ok(())
    }
}

impl<S: ChunkSource> Read for ChunkReader<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = self.opener.len;
        if self.position >= len || buf.is_empty() {
            // An empty blob still has its one (empty) last chunk authenticated on first read.
            if len == 0 && self.current.is_none() {
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

impl<S: ChunkSource> Seek for ChunkReader<S> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.opener.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        let target = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.position = target;
        Ok(target)
    }
}

impl<S: ChunkSource> BlobReader for ChunkReader<S> {
    fn len(&self) -> u64 {
        self.opener.len
    }
}
