//! Resumable uploads: a file sent over HTTP in chunks, across dropped connections and server
//! restarts, then checked against the hash its sender announced and ingested as one item.
//!
//! Until it is finished, an upload lives in `uploads/` beside the catalog: `ID.json` says what it
//! is (name, size, announced SHA-256, originator, who sends it) and `ID.part` holds the bytes
//! received so far, never in plaintext. Each chunk is one record sealed with AES-256-GCM under the
//! vault's upload key:
//!
//! ```text
//! 4   plaintext length n (u32 LE, at most MAX_CHUNK)
//! 12  random nonce
//! n+16 ciphertext and tag; AAD = upload id || plaintext offset of the chunk (u64 LE)
//! ```
//!
//! The AAD ties each record to its upload and its place, so records cannot be swapped or moved.
//! A record is appended and fsynced before the chunk is acknowledged; a torn last record (a crash
//! mid-write) is cut on the next append, so the offset a client is told is always durable.
//! Nothing in `uploads/` is evidence yet: only [`Vault::finish_upload`] makes an item, through
//! the same ingest path (and custody entries) as every other input.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ingest::{IngestOptions, IngestProgress, IngestReport};
use crate::{custody, write_file_durably, Result, Vault, VaultError};

/// Largest chunk accepted in one request.
pub const MAX_CHUNK: usize = 8 << 20;
/// Largest upload accepted (a vault takes bigger inputs from disk with `custodia ingest`).
pub const MAX_UPLOAD: u64 = 64 << 30;

const TAG: usize = 16;
const HEADER: usize = 4 + NONCE_LEN;

/// What an upload is, as its sender announced it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UploadPlan {
    /// The file's name, recorded as the item's path.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, if the sender knows it: the upload is refused on finish if the bytes differ.
    pub sha256: Option<String>,
    pub originator: String,
    pub case_ref: Option<String>,
    pub collected_by: Option<String>,
    pub collection_note: Option<String>,
}

/// An upload in progress.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UploadState {
    pub id: String,
    pub user: String,
    pub created_at: String,
    #[serde(flatten)]
    pub plan: UploadPlan,
    /// Bytes received and durable.
    #[serde(default)]
    pub offset: u64,
}

fn valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Vault {
    fn uploads_dir(&self) -> PathBuf {
        self.root.join("uploads")
    }

    fn upload_cipher(&self) -> Result<LessSafeKey> {
        let key = UnboundKey::new(&AES_256_GCM, &self.upload_key)
            .map_err(|_| VaultError::Crypto("the upload key is invalid"))?;
        Ok(LessSafeKey::new(key))
    }

    /// Starts an upload for `user`, who must be allowed to ingest for the originator.
    pub fn begin_upload(&mut self, user: &str, plan: UploadPlan) -> Result<UploadState> {
        self.require_write()?;
        let who = self.principal(user)?;
        self.require_holder_role(&who, custodia_access::Role::Custodian, "uploading evidence")?;
        let name = plan.name.trim();
        if name.is_empty() || name.len() > 1024 || name.contains('\0') {
            return Err(VaultError::Invalid(
                "an upload needs a file name (at most 1024 bytes, no NUL)".into(),
            ));
        }
        if plan.originator.trim().is_empty() {
            return Err(VaultError::Invalid("an upload needs an originator".into()));
        }
        if plan.size > MAX_UPLOAD {
            return Err(VaultError::Invalid(format!(
                "`{name}` is {} bytes; uploads over HTTP take at most {MAX_UPLOAD} bytes (use `custodia ingest` for larger files)",
                plan.size
            )));
        }
        if let Some(sha) = &plan.sha256 {
            sha.parse::<custodia_blobstore::ContentHash>()
                .map_err(|_| VaultError::Invalid(format!("`{sha}` is not a SHA-256")))?;
        }
        let mut id = [0u8; 16];
        SystemRandom::new()
            .fill(&mut id)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let state = UploadState {
            id: hex::encode(id),
            user: user.to_owned(),
            created_at: custody::now(),
            plan: UploadPlan {
                name: name.to_owned(),
                sha256: plan.sha256.map(|s| s.to_ascii_lowercase()),
                ..plan
            },
            offset: 0,
        };
        let dir = self.uploads_dir();
        fs::create_dir_all(&dir).map_err(VaultError::io("create", &dir))?;
        let part = dir.join(format!("{}.part", state.id));
        File::create(&part).map_err(VaultError::io("create", &part))?;
        let json = serde_json::to_vec(&state).map_err(|e| VaultError::Invalid(e.to_string()))?;
        write_file_durably(&dir.join(format!("{}.json", state.id)), &json)?;
        Ok(state)
    }

    /// The upload `id` of `user`, with the offset of the bytes durably received.
    pub fn upload(&self, user: &str, id: &str) -> Result<UploadState> {
        let mut state = self.load_upload(user, id)?;
        let part = self.uploads_dir().join(format!("{id}.part"));
        let mut file = File::open(&part).map_err(VaultError::io("open", &part))?;
        state.offset = scan_records(&mut file, &part)?.0;
        Ok(state)
    }

    fn load_upload(&self, user: &str, id: &str) -> Result<UploadState> {
        let missing =
            || VaultError::Invalid(format!("no upload `{id}` of `{user}` is in progress"));
        if !valid_id(id) {
            return Err(missing());
        }
        let path = self.uploads_dir().join(format!("{id}.json"));
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(missing()),
            Err(e) => return Err(VaultError::io("read", &path)(e)),
        };
        let state: UploadState = serde_json::from_slice(&bytes)
            .map_err(|e| VaultError::Invalid(format!("`{}` is damaged: {e}", path.display())))?;
        // Another user's upload is not theirs to see or continue.
        if state.user != user {
            return Err(missing());
        }
        Ok(state)
    }

    /// Appends `chunk` at `offset`, which must be the number of bytes already received (a
    /// client that lost track asks [`Vault::upload`] first). Returns the new offset, durable.
    pub fn append_upload(&self, user: &str, id: &str, offset: u64, chunk: &[u8]) -> Result<u64> {
        let state = self.load_upload(user, id)?;
        if chunk.len() > MAX_CHUNK {
            return Err(VaultError::Invalid(format!(
                "a chunk holds at most {MAX_CHUNK} bytes; this one has {}",
                chunk.len()
            )));
        }
        let part = self.uploads_dir().join(format!("{id}.part"));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&part)
            .map_err(VaultError::io("open", &part))?;
        let (received, end) = scan_records(&mut file, &part)?;
        if offset != received {
            return Err(VaultError::Conflict(format!(
                "upload `{id}` has {received} bytes; a chunk at offset {offset} does not follow them (send from {received})"
            )));
        }
        if received + chunk.len() as u64 > state.plan.size {
            return Err(VaultError::Invalid(format!(
                "upload `{id}` was announced as {} bytes; this chunk would make it {}",
                state.plan.size,
                received + chunk.len() as u64
            )));
        }
        if chunk.is_empty() {
            return Ok(received);
        }
        // Cut a torn record a crash may have left, then append the new one.
        file.set_len(end)
            .map_err(VaultError::io("truncate", &part))?;
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let mut sealed = chunk.to_vec();
        self.upload_cipher()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(id, received)),
                &mut sealed,
            )
            .map_err(|_| VaultError::Crypto("sealing an upload chunk failed"))?;
        let mut record = Vec::with_capacity(HEADER + sealed.len());
        record.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
        record.extend_from_slice(&nonce);
        record.extend_from_slice(&sealed);
        file.seek(SeekFrom::Start(end))
            .and_then(|_| file.write_all(&record))
            .and_then(|_| file.sync_data())
            .map_err(VaultError::io("write", &part))?;
        Ok(received + chunk.len() as u64)
    }

    /// Ends an upload: checks that every announced byte arrived and matches the announced
    /// SHA-256, then ingests it as one item (archives are expanded) and removes the staging
    /// files. An upload that fails the check stays, so that its sender can see why.
    pub fn finish_upload(
        &mut self,
        user: &str,
        id: &str,
        progress: &dyn IngestProgress,
    ) -> Result<IngestReport> {
        let state = self.upload(user, id)?;
        if state.offset != state.plan.size {
            return Err(VaultError::Invalid(format!(
                "upload `{id}` has {} of its {} bytes; send the rest first",
                state.offset, state.plan.size
            )));
        }
        let part = self.uploads_dir().join(format!("{id}.part"));
        if let Some(expected) = &state.plan.sha256 {
            let mut hasher = Sha256::new();
            let mut reader = self.upload_reader(id, &part)?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = reader
                    .read(&mut buf)
                    .map_err(VaultError::io("read", &part))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
            }
            let got = hex::encode(hasher.finalize());
            if &got != expected {
                return Err(VaultError::Invalid(format!(
                    "upload `{id}` (`{}`) has SHA-256 {got}, not the announced {expected}: the file changed or was damaged in transit; start the upload again",
                    state.plan.name
                )));
            }
        }
        let options = IngestOptions {
            originator: state.plan.originator.clone(),
            case_ref: state.plan.case_ref.clone(),
            collected_by: state.plan.collected_by.clone(),
            collected_at: None,
            collection_note: state.plan.collection_note.clone(),
            actor: user.to_owned(),
            limits: None,
            regime: None,
        };
        let mut reader = self.upload_reader(id, &part)?;
        let report = self.ingest_reader(
            &state.plan.name,
            &mut reader,
            &format!("upload:{id}"),
            options,
            progress,
        )?;
        drop(reader);
        if report.items.is_empty() {
            let why: Vec<String> = report.errors.iter().map(|e| e.error.clone()).collect();
            return Err(VaultError::Invalid(format!(
                "upload `{id}` (`{}`) was not stored: {}",
                state.plan.name,
                why.join("; ")
            )));
        }
        for path in [part, self.uploads_dir().join(format!("{id}.json"))] {
            if let Err(e) = fs::remove_file(&path) {
                tracing::warn!(path = %path.display(), error = %e, "an upload's staging file was not removed");
            }
        }
        Ok(report)
    }

    /// Abandons an upload and removes what was received.
    pub fn cancel_upload(&self, user: &str, id: &str) -> Result<()> {
        self.load_upload(user, id)?;
        for ext in ["part", "json"] {
            let path = self.uploads_dir().join(format!("{id}.{ext}"));
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(VaultError::io("remove", &path)(e)),
            }
        }
        Ok(())
    }

    fn upload_reader(&self, id: &str, part: &Path) -> Result<UploadReader> {
        let file = File::open(part).map_err(VaultError::io("open", part))?;
        Ok(UploadReader {
            file: io::BufReader::with_capacity(1 << 20, file),
            cipher: self.upload_cipher()?,
            id: id.to_owned(),
            offset: 0,
            buffer: Vec::new(),
            position: 0,
        })
    }
}

fn aad(id: &str, offset: u64) -> Vec<u8> {
    let mut aad = id.as_bytes().to_vec();
    aad.extend_from_slice(&offset.to_le_bytes());
    aad
}

/// Walks the records of a `.part` file: (plaintext bytes in whole records, file offset where
/// the whole records end). A torn last record is not counted.
fn scan_records(file: &mut File, path: &Path) -> Result<(u64, u64)> {
    let len = file.metadata().map_err(VaultError::io("stat", path))?.len();
    let (mut plain, mut at) = (0u64, 0u64);
    loop {
        if at + HEADER as u64 > len {
            return Ok((plain, at));
        }
        let mut n = [0u8; 4];
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(&mut n))
            .map_err(VaultError::io("read", path))?;
        let n = u32::from_le_bytes(n) as u64;
        if n == 0 || n > MAX_CHUNK as u64 {
            return Err(VaultError::Invalid(format!(
                "`{}` is damaged at byte {at}: cancel the upload and send it again",
                path.display()
            )));
        }
        let next = at + HEADER as u64 + n + TAG as u64;
        if next > len {
            return Ok((plain, at));
        }
        plain += n;
        at = next;
    }
}

/// The plaintext of an upload, record by record.
struct UploadReader {
    file: io::BufReader<File>,
    cipher: LessSafeKey,
    id: String,
    offset: u64,
    buffer: Vec<u8>,
    position: usize,
}

impl UploadReader {
    /// Opens the next record into the buffer; `false` at the end.
    fn next_record(&mut self) -> io::Result<bool> {
        let mut header = [0u8; HEADER];
        let mut got = 0;
        while got < HEADER {
            match self.file.read(&mut header[got..])? {
                0 if got == 0 => return Ok(false),
                0 => return Ok(false), // a torn record is not part of the upload
                n => got += n,
            }
        }
        let n = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if n == 0 || n > MAX_CHUNK {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "an upload record is damaged",
            ));
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&header[4..]);
        self.buffer.resize(n + TAG, 0);
        self.file.read_exact(&mut self.buffer)?;
        let plain = self
            .cipher
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(&self.id, self.offset)),
                &mut self.buffer,
            )
            .map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    "an upload record does not decrypt: the staging file was altered",
                )
            })?
            .len();
        self.buffer.truncate(plain);
        self.offset += plain as u64;
        self.position = 0;
        Ok(true)
    }
}

impl Read for UploadReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.position == self.buffer.len() {
            if !self.next_record()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buffer.len() - self.position);
        out[..n].copy_from_slice(&self.buffer[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestProgress;

    struct Quiet;
    impl IngestProgress for Quiet {}

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::init(&dir.path().join("v"), "admin").unwrap();
        (dir, vault)
    }

    fn plan(bytes: &[u8]) -> UploadPlan {
        UploadPlan {
            name: "statement.txt".into(),
            size: bytes.len() as u64,
            sha256: Some(hex::encode(Sha256::digest(bytes))),
            originator: "Witness NGO".into(),
            case_ref: None,
            collected_by: None,
            collection_note: None,
        }
    }

    #[test]
    fn chunks_resume_and_become_one_item() {
        let (_dir, mut vault) = vault();
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let state = vault.begin_upload("admin", plan(&bytes)).unwrap();
        let id = state.id.clone();
        assert_eq!(
            vault
                .append_upload("admin", &id, 0, &bytes[..100_000])
                .unwrap(),
            100_000
        );
        // A chunk sent twice (the acknowledgement was lost) is refused with the offset to use.
        let again = vault.append_upload("admin", &id, 0, &bytes[..100_000]);
        assert!(matches!(again, Err(VaultError::Conflict(_))));
        // A crash mid-record leaves a torn tail: not counted, cut by the next append.
        let part = vault.uploads_dir().join(format!("{id}.part"));
        let mut f = OpenOptions::new().append(true).open(&part).unwrap();
        f.write_all(&[1, 2, 3, 4, 5, 6, 7]).unwrap();
        assert_eq!(vault.upload("admin", &id).unwrap().offset, 100_000);
        vault
            .append_upload("admin", &id, 100_000, &bytes[100_000..])
            .unwrap();
        // The staging file never holds the plaintext.
        let staged = fs::read(&part).unwrap();
        assert!(!staged.windows(64).any(|w| w == &bytes[5_000..5_064]));
        let report = vault.finish_upload("admin", &id, &Quiet).unwrap();
        assert_eq!(report.items.len(), 1);
        assert_eq!(report.items[0].sha256, hex::encode(Sha256::digest(&bytes)));
        assert_eq!(report.items[0].path, "statement.txt");
        assert!(!part.exists());
    }

    #[test]
    fn a_wrong_hash_or_short_upload_is_refused_and_nothing_is_stored() {
        let (_dir, mut vault) = vault();
        let bytes = b"the register of detainees".to_vec();
        let mut p = plan(&bytes);
        p.sha256 = Some(hex::encode(Sha256::digest(b"something else")));
        let id = vault.begin_upload("admin", p).unwrap().id;
        let short = vault.finish_upload("admin", &id, &Quiet);
        assert!(matches!(short, Err(VaultError::Invalid(m)) if m.contains("send the rest")));
        vault.append_upload("admin", &id, 0, &bytes).unwrap();
        let wrong = vault.finish_upload("admin", &id, &Quiet);
        assert!(matches!(wrong, Err(VaultError::Invalid(m)) if m.contains("not the announced")));
        assert_eq!(vault.catalog().item_count().unwrap(), 0);
        // Too many bytes for the announced size.
        let over = vault.append_upload("admin", &id, bytes.len() as u64, b"x");
        assert!(over.is_err());
    }

    #[test]
    fn an_altered_staging_file_is_refused() {
        let (_dir, mut vault) = vault();
        let bytes = vec![7u8; 10_000];
        let id = vault.begin_upload("admin", plan(&bytes)).unwrap().id;
        vault.append_upload("admin", &id, 0, &bytes).unwrap();
        let part = vault.uploads_dir().join(format!("{id}.part"));
        let mut staged = fs::read(&part).unwrap();
        staged[HEADER + 10] ^= 1;
        fs::write(&part, staged).unwrap();
        assert!(vault.finish_upload("admin", &id, &Quiet).is_err());
        assert_eq!(vault.catalog().item_count().unwrap(), 0);
    }

    #[test]
    fn uploads_are_private_to_their_sender_and_ids_are_checked() {
        let (_dir, mut vault) = vault();
        let id = vault.begin_upload("admin", plan(b"abc")).unwrap().id;
        assert!(vault.upload("someone-else", &id).is_err());
        assert!(vault.upload("admin", "../../keys/master").is_err());
        assert!(vault.upload("admin", &id.to_uppercase()).is_err());
        vault.cancel_upload("admin", &id).unwrap();
        assert!(vault.upload("admin", &id).is_err());
    }
}
