//! Resumable uploads: a file sent over HTTP in chunks, across dropped connections and server
//! restarts, then checked against the hash its sender announced and ingested as one item.
//!
//! Until it is finished, an upload lives in `uploads/` beside the catalog (files 0600), never in
//! plaintext: `ID.meta` says what it is (name, size, announced SHA-256, originator, collection
//! note, who sends it), sealed as one AES-256-GCM record under the vault's upload key
//! (`CUSTUPM1`, 12-byte nonce, ciphertext and tag; AAD = `meta` || upload id), and `ID.part`
//! holds the bytes received so far. Each chunk is one record sealed under the same key:
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
//! the same ingest path (and custody entries) as every other input. Beginning and cancelling an
//! upload are custody entries of their own (`upload_begin`, `upload_cancel`: who, the upload's
//! id, its size and originator, never its name); chunks are not (the finished item's ingest
//! entry covers every byte).
//!
//! An upload that receives nothing for `upload_expiry_days` (vault.json, default 7; 0: never) is
//! abandoned: [`Vault::expire_uploads`] (run when the vault is opened for writing and when an
//! upload begins) removes its files and leaves `ID.expired` (the time it expired, nothing else),
//! so that its sender is told why it is gone; the status of a live upload says when it will
//! expire. Staging files written before sealing existed (`ID.json`) are sealed on that pass.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ingest::{IngestOptions, IngestProgress, IngestReport};
use crate::{custody, write_file_durably, Result, Vault, VaultError};

/// The custody event of an upload's step (no item yet: an upload is not evidence until it is
/// finished, and then its ingest entry names the item).
fn upload_event(
    user: &str,
    action: &str,
    details: serde_json::Value,
) -> custodia_catalog::NewEvent {
    custodia_catalog::NewEvent {
        time: custody::now(),
        actor: user.to_owned(),
        action: action.to_owned(),
        item: None,
        details: details.to_string(),
        // Sealed by `record`.
        entry: Vec::new(),
    }
}

/// The bytes an upload's `ID.part` holds.
fn scan_received(part: &Path) -> Result<u64> {
    let mut file = File::open(part).map_err(VaultError::io("open", part))?;
    Ok(scan_records(&mut file, part)?.0)
}

/// The first bytes of a sealed `ID.meta`.
const META_MAGIC: &[u8; 8] = b"CUSTUPM1";
/// How long the note that an upload expired is kept.
const EXPIRED_NOTE_DAYS: u64 = 30;
const DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Largest chunk accepted in one request.
pub const MAX_CHUNK: usize = 8 << 20;
/// Largest upload accepted (a vault takes bigger inputs from disk with `custodia ingest`).
pub const MAX_UPLOAD: u64 = 64 << 30;

const TAG: usize = 16;
const HEADER: usize = 4 + NONCE_LEN;

/// What an upload is, as its sender announced it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct UploadPlan {
    /// The file's name, recorded as the item's path.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, if the sender knows it: the upload is refused on finish if the bytes differ.
    #[schema(required)]
    pub sha256: Option<String>,
    pub originator: String,
    #[schema(required)]
    pub case_ref: Option<String>,
    #[schema(required)]
    pub collected_by: Option<String>,
    #[schema(required)]
    pub collection_note: Option<String>,
}

/// An upload in progress.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct UploadState {
    pub id: String,
    pub user: String,
    pub created_at: String,
    #[serde(flatten)]
    pub plan: UploadPlan,
    /// Bytes received and durable.
    #[serde(default)]
    #[schema(required)]
    pub offset: u64,
    /// When the upload expires if nothing more is received (empty: never).
    #[serde(default)]
    #[schema(required)]
    pub expires_at: String,
}

/// An upload removed because nothing was received for too long.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExpiredUpload {
    pub id: String,
    /// The last time a chunk (or the announcement) was received.
    pub last_activity: String,
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
        // A server runs for months: abandoned uploads expire here too, not only at start.
        if let Err(e) = self.expire_uploads() {
            tracing::warn!(error = %e, "abandoned uploads could not be expired");
        }
        let mut state = UploadState {
            id: hex::encode(id),
            user: user.to_owned(),
            created_at: custody::now(),
            plan: UploadPlan {
                name: name.to_owned(),
                sha256: plan.sha256.map(|s| s.to_ascii_lowercase()),
                ..plan
            },
            offset: 0,
            expires_at: String::new(),
        };
        let dir = self.uploads_dir();
        create_private_dir(&dir)?;
        let part = dir.join(format!("{}.part", state.id));
        private_file(&part)?;
        self.write_meta(&state)?;
        // Logged like every action; the file's name and note stay sealed in `ID.meta` (they are
        // the ingest's to record, once the bytes are checked).
        let logged = self.record(&[upload_event(
            user,
            custody::action::UPLOAD_BEGIN,
            serde_json::json!({
                "upload": state.id, "size": state.plan.size, "originator": state.plan.originator,
                "case": state.plan.case_ref,
            }),
        )]);
        if let Err(e) = logged {
            let _ = self.remove_upload_files(&state.id);
            return Err(e);
        }
        state.expires_at = self.expiry_after(std::time::SystemTime::now());
        Ok(state)
    }

    /// Seals what an upload is into `ID.meta`.
    fn write_meta(&self, state: &UploadState) -> Result<()> {
        let json = serde_json::to_vec(state).map_err(|e| VaultError::Invalid(e.to_string()))?;
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let mut sealed = json;
        self.upload_cipher()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(meta_aad(&state.id)),
                &mut sealed,
            )
            .map_err(|_| VaultError::Crypto("sealing an upload's description failed"))?;
        let mut record = META_MAGIC.to_vec();
        record.extend_from_slice(&nonce);
        record.extend_from_slice(&sealed);
        write_file_durably(
            &self.uploads_dir().join(format!("{}.meta", state.id)),
            &record,
        )
    }

    /// Opens a sealed `ID.meta`.
    fn read_meta(&self, id: &str, path: &Path) -> Result<UploadState> {
        let damaged = |why: &str| {
            VaultError::Invalid(format!(
                "`{}` is damaged ({why}): cancel upload `{id}` and send the file again",
                path.display()
            ))
        };
        let bytes = fs::read(path).map_err(VaultError::io("read", path))?;
        if bytes.len() < META_MAGIC.len() + NONCE_LEN + TAG || !bytes.starts_with(META_MAGIC) {
            return Err(damaged("not a sealed upload description"));
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&bytes[META_MAGIC.len()..META_MAGIC.len() + NONCE_LEN]);
        let mut sealed = bytes[META_MAGIC.len() + NONCE_LEN..].to_vec();
        let plain = self
            .upload_cipher()?
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(meta_aad(id)),
                &mut sealed,
            )
            .map_err(|_| damaged("it does not decrypt"))?;
        serde_json::from_slice(plain).map_err(|e| damaged(&e.to_string()))
    }

    /// When an upload last active at `last` expires (empty: never).
    fn expiry_after(&self, last: std::time::SystemTime) -> String {
        match self.config.upload_expiry_days {
            0 => String::new(),
            days => custody::format_time(time::OffsetDateTime::from(
                last + DAY * u32::try_from(days).unwrap_or(u32::MAX),
            )),
        }
    }

    /// Removes every upload that received nothing for `upload_expiry_days`, leaving a note that
    /// it expired; seals staging descriptions written in plaintext by earlier versions. Each
    /// expiry is a custody entry (`upload_expire`: the upload's id, its last activity and how
    /// many bytes had arrived, never its name), recorded before anything is removed, and is
    /// reported in the server's log. Only a writing handle expires uploads.
    pub fn expire_uploads(&mut self) -> Result<Vec<ExpiredUpload>> {
        self.require_write()?;
        let dir = self.uploads_dir();
        let listing = match fs::read_dir(&dir) {
            Ok(l) => l,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(VaultError::io("list", &dir)(e)),
        };
        let now = std::time::SystemTime::now();
        let mut ids = std::collections::BTreeSet::new();
        for entry in listing.flatten() {
            let name = entry.file_name();
            let Some((id, ext)) = name.to_str().and_then(|n| n.split_once('.')) else {
                continue;
            };
            if !valid_id(id) {
                continue;
            }
            if ext == "expired" {
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .is_some_and(|age| age > DAY * EXPIRED_NOTE_DAYS as u32);
                if old {
                    let _ = fs::remove_file(entry.path());
                }
                continue;
            }
            ids.insert(id.to_owned());
        }
        let mut expired = Vec::new();
        for id in ids {
            self.seal_legacy_meta(&id)?;
            let Some(last) = self.last_activity(&id) else {
                continue;
            };
            let days = self.config.upload_expiry_days;
            let idle = now.duration_since(last).unwrap_or_default();
            if days == 0 || idle <= DAY * u32::try_from(days).unwrap_or(u32::MAX) {
                continue;
            }
            let last_activity = custody::format_time(time::OffsetDateTime::from(last));
            let received = scan_received(&dir.join(format!("{id}.part"))).unwrap_or(0);
            let actor = self.config.administrator.clone();
            self.record(&[upload_event(
                &actor,
                custody::action::UPLOAD_EXPIRE,
                serde_json::json!({
                    "upload": id, "last_activity": last_activity, "expiry_days": days,
                    "received": received,
                }),
            )])?;
            self.remove_upload_files(&id)?;
            let note = dir.join(format!("{id}.expired"));
            write_file_durably(&note, format!("{}\n", custody::now()).as_bytes())?;
            tracing::warn!(
                upload = %id,
                last_activity = %last_activity,
                expiry_days = days,
                "an abandoned upload expired: its staging files were removed"
            );
            expired.push(ExpiredUpload { id, last_activity });
        }
        Ok(expired)
    }

    /// The latest modification of an upload's staging files.
    /// When upload `id` expired, if it is past the expiry period (its files not yet removed).
    fn expired_at(&self, id: &str) -> Option<String> {
        let days = self.config.upload_expiry_days;
        let last = self.last_activity(id)?;
        let period = DAY * u32::try_from(days).unwrap_or(u32::MAX);
        let idle = std::time::SystemTime::now()
            .duration_since(last)
            .unwrap_or_default();
        (days != 0 && idle > period)
            .then(|| custody::format_time(time::OffsetDateTime::from(last + period)))
    }

    fn last_activity(&self, id: &str) -> Option<std::time::SystemTime> {
        ["part", "meta", "json"]
            .iter()
            .filter_map(|ext| {
                fs::metadata(self.uploads_dir().join(format!("{id}.{ext}")))
                    .and_then(|m| m.modified())
                    .ok()
            })
            .max()
    }

    /// Seals an `ID.json` left in plaintext by an earlier version into `ID.meta`, then
    /// overwrites and removes it.
    fn seal_legacy_meta(&self, id: &str) -> Result<()> {
        let legacy = self.uploads_dir().join(format!("{id}.json"));
        let Ok(bytes) = fs::read(&legacy) else {
            return Ok(());
        };
        if let Ok(state) = serde_json::from_slice::<UploadState>(&bytes) {
            if state.id == id {
                let activity = self.last_activity(id);
                self.write_meta(&state)?;
                // Keep the upload's age: sealing is not activity.
                if let Some(last) = activity {
                    let meta = self.uploads_dir().join(format!("{id}.meta"));
                    if let Ok(file) = File::options().write(true).open(&meta) {
                        let _ = file.set_modified(last);
                    }
                }
            }
        }
        if let Ok(mut file) = OpenOptions::new().write(true).open(&legacy) {
            let _ = file
                .write_all(&vec![0u8; bytes.len()])
                .and_then(|_| file.sync_all());
        }
        fs::remove_file(&legacy).map_err(VaultError::io("remove", &legacy))
    }

    fn remove_upload_files(&self, id: &str) -> Result<()> {
        for ext in ["part", "meta", "json"] {
            let path = self.uploads_dir().join(format!("{id}.{ext}"));
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(VaultError::io("remove", &path)(e)),
            }
        }
        Ok(())
    }

    /// The upload `id` of `user`, with the offset of the bytes durably received.
    pub fn upload(&self, user: &str, id: &str) -> Result<UploadState> {
        let mut state = self.load_upload(user, id)?;
        let part = self.uploads_dir().join(format!("{id}.part"));
        let mut file = File::open(&part).map_err(VaultError::io("open", &part))?;
        state.offset = scan_records(&mut file, &part)?.0;
        if let Some(last) = self.last_activity(id) {
            state.expires_at = self.expiry_after(last);
        }
        Ok(state)
    }

    fn load_upload(&self, user: &str, id: &str) -> Result<UploadState> {
        let missing =
            || VaultError::Invalid(format!("no upload `{id}` of `{user}` is in progress"));
        if !valid_id(id) {
            return Err(missing());
        }
        let expired = |when: &str| {
            VaultError::Invalid(format!(
                "upload `{id}` expired at {when}: nothing was received for {} day(s), so what \
                 had arrived was removed\n\nhint: start the upload again",
                self.config.upload_expiry_days
            ))
        };
        self.seal_legacy_meta(id)?;
        let path = self.uploads_dir().join(format!("{id}.meta"));
        if !path.exists() {
            let note = self.uploads_dir().join(format!("{id}.expired"));
            if let Ok(when) = fs::read_to_string(&note) {
                return Err(expired(when.trim()));
            }
            return Err(missing());
        }
        // Expired since the last pass (a writing handle removes it and logs that at the next):
        // nothing more is added to it, nor is it finished.
        if let Some(at) = self.expired_at(id) {
            return Err(expired(&at));
        }
        let state = self.read_meta(id, &path)?;
        // Another user's upload is not theirs to see or continue.
        if state.user != user || state.id != id {
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
        // Appends to one upload take turns (two handles of a server, or two processes, may be
        // sent chunks of it at once): the offset is read and written under the file's lock,
        // which closing the file releases.
        file.lock().map_err(VaultError::io("lock", &part))?;
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
        self.check_upload(user, id)?.run()?;
        self.finish_checked_upload(user, id, progress)
    }

    /// The first half of [`Vault::finish_upload`], detached from the vault: checks that every
    /// announced byte arrived, and returns the reading of the whole upload against its
    /// announced SHA-256 as a job that runs without the vault (a server keeps answering while
    /// a large upload is read back). Then [`Vault::finish_checked_upload`].
    pub fn check_upload(&self, user: &str, id: &str) -> Result<UploadCheck> {
        let state = self.upload(user, id)?;
        if state.offset != state.plan.size {
            return Err(VaultError::Invalid(format!(
                "upload `{id}` has {} of its {} bytes; send the rest first",
                state.offset, state.plan.size
            )));
        }
        let part = self.uploads_dir().join(format!("{id}.part"));
        let reader = match &state.plan.sha256 {
            Some(_) => Some(self.upload_reader(id, &part)?),
            None => None,
        };
        Ok(UploadCheck {
            reader,
            part,
            id: id.to_owned(),
            name: state.plan.name.clone(),
            expected: state.plan.sha256.clone(),
        })
    }

    /// The second half of [`Vault::finish_upload`], once its [`UploadCheck`] passed: ingests
    /// the upload and removes its staging files.
    pub fn finish_checked_upload(
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
        let options = IngestOptions {
            originator: state.plan.originator.clone(),
            case_ref: state.plan.case_ref.clone(),
            collected_by: state.plan.collected_by.clone(),
            collected_at: None,
            collection_note: state.plan.collection_note.clone(),
            actor: user.to_owned(),
            limits: None,
            regime: None,
            jobs: None,
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
        for path in [part, self.uploads_dir().join(format!("{id}.meta"))] {
            if let Err(e) = fs::remove_file(&path) {
                tracing::warn!(path = %path.display(), error = %e, "an upload's staging file was not removed");
            }
        }
        Ok(report)
    }

    /// Abandons an upload and removes what was received; the cancellation is logged.
    pub fn cancel_upload(&mut self, user: &str, id: &str) -> Result<()> {
        let state = self.load_upload(user, id)?;
        self.record(&[upload_event(
            user,
            custody::action::UPLOAD_CANCEL,
            serde_json::json!({ "upload": id, "received": scan_received(&self.uploads_dir().join(format!("{id}.part")))?, "size": state.plan.size }),
        )])?;
        self.remove_upload_files(id)
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

/// Makes `dir` (and its parents) with mode 0700.
fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(VaultError::io("create", dir))
}

/// Creates an empty owner-only file.
fn private_file(path: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(VaultError::io("create", path))
}

fn meta_aad(id: &str) -> Vec<u8> {
    let mut aad = b"meta".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad
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
/// The reading of a complete upload against its announced SHA-256, holding nothing of the
/// vault: the staging file and the key to open its records.
pub struct UploadCheck {
    reader: Option<UploadReader>,
    part: std::path::PathBuf,
    id: String,
    name: String,
    expected: Option<String>,
}

impl UploadCheck {
    /// Reads the whole upload back and compares its SHA-256 with the announced one (nothing to
    /// compare when none was announced).
    pub fn run(self) -> Result<()> {
        let (Some(mut reader), Some(expected)) = (self.reader, self.expected) else {
            return Ok(());
        };
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(VaultError::io("read", &self.part))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let got = hex::encode(hasher.finalize());
        if got != expected {
            return Err(VaultError::Invalid(format!(
                "upload `{}` (`{}`) has SHA-256 {got}, not the announced {expected}: the file changed or was damaged in transit; start the upload again",
                self.id, self.name
            )));
        }
        Ok(())
    }
}

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
        assert_eq!(vault.catalog.item_count().unwrap(), 0);
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
        assert_eq!(vault.catalog.item_count().unwrap(), 0);
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

    /// Moves an upload's last activity `days` into the past.
    fn age(vault: &Vault, id: &str, days: u64) {
        let then = std::time::SystemTime::now() - DAY * days as u32;
        for ext in ["part", "meta", "json"] {
            let path = vault.uploads_dir().join(format!("{id}.{ext}"));
            if let Ok(file) = File::options().write(true).open(&path) {
                file.set_modified(then).unwrap();
            }
        }
    }

    #[test]
    fn the_announced_name_and_note_are_sealed() {
        let (_dir, mut vault) = vault();
        let mut p = plan(b"abc");
        p.name = "statement-of-witness-Q7XK2.txt".into();
        p.collection_note = Some("met in the camp at Sinjar, QZW9 tent".into());
        p.collected_by = Some("investigator RVX81".into());
        let id = vault.begin_upload("admin", p).unwrap().id;
        vault.append_upload("admin", &id, 0, b"ab").unwrap();
        let mut files = 0;
        for entry in fs::read_dir(vault.uploads_dir()).unwrap() {
            let path = entry.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            for secret in ["Q7XK2", "QZW9", "RVX81", "Witness NGO", "admin"] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "`{secret}` in {}",
                    path.display()
                );
            }
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
            files += 1;
        }
        assert_eq!(files, 2);
        // The vault reads them back.
        let state = vault.upload("admin", &id).unwrap();
        assert_eq!(state.plan.name, "statement-of-witness-Q7XK2.txt");
        assert_eq!(state.offset, 2);
        assert!(!state.expires_at.is_empty());
        // A description altered on disk is refused, not believed.
        let meta = vault.uploads_dir().join(format!("{id}.meta"));
        let mut sealed = fs::read(&meta).unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        fs::write(&meta, sealed).unwrap();
        let error = vault.upload("admin", &id).unwrap_err().to_string();
        assert!(error.contains("damaged"), "{error}");
    }

    #[test]
    fn abandoned_uploads_expire_and_say_so() {
        let (_dir, mut vault) = vault();
        let old = vault.begin_upload("admin", plan(b"abcdef")).unwrap().id;
        vault.append_upload("admin", &old, 0, b"abc").unwrap();
        let recent = vault.begin_upload("admin", plan(b"abcdef")).unwrap().id;
        age(&vault, &old, 8);
        age(&vault, &recent, 6);
        let expired = vault.expire_uploads().unwrap();
        assert_eq!(
            expired.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            [old.as_str()]
        );
        for ext in ["part", "meta"] {
            assert!(!vault.uploads_dir().join(format!("{old}.{ext}")).exists());
        }
        // Its sender is told why it is gone.
        let error = vault.upload("admin", &old).unwrap_err().to_string();
        assert!(
            error.contains("expired") && error.contains("7 day"),
            "{error}"
        );
        let error = vault.append_upload("admin", &old, 3, b"def").unwrap_err();
        assert!(error.to_string().contains("expired"));
        // The other one goes on, and its status says when it would expire.
        let state = vault.upload("admin", &recent).unwrap();
        assert!(state.expires_at.as_str() > custody::now().as_str());
        vault.append_upload("admin", &recent, 0, b"abcdef").unwrap();
        assert_eq!(
            vault
                .finish_upload("admin", &recent, &Quiet)
                .unwrap()
                .items
                .len(),
            1
        );
    }

    #[test]
    fn the_expiry_is_configurable_and_applied_when_the_vault_opens() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("v");
        let mut vault = Vault::init(&root, "admin").unwrap();
        let id = vault.begin_upload("admin", plan(b"abc")).unwrap().id;
        age(&vault, &id, 10);
        drop(vault);
        // Thirty days in vault.json: ten days idle is not abandoned.
        let config_path = root.join("vault.json");
        let mut config: serde_json::Value =
            serde_json::from_slice(&fs::read(&config_path).unwrap()).unwrap();
        assert_eq!(config["upload_expiry_days"], 7);
        config["upload_expiry_days"] = 30.into();
        fs::write(&config_path, serde_json::to_vec(&config).unwrap()).unwrap();
        let vault = Vault::open(&root, crate::Access::ReadWrite).unwrap();
        assert_eq!(vault.upload("admin", &id).unwrap().offset, 0);
        drop(vault);
        // Back to the default: opening the vault expires it.
        config["upload_expiry_days"] = 7.into();
        fs::write(&config_path, serde_json::to_vec(&config).unwrap()).unwrap();
        let vault = Vault::open(&root, crate::Access::ReadWrite).unwrap();
        assert!(!vault.uploads_dir().join(format!("{id}.part")).exists());
        assert!(vault.uploads_dir().join(format!("{id}.expired")).exists());
    }

    #[test]
    fn a_plaintext_description_of_an_earlier_version_is_sealed() {
        let (_dir, mut vault) = vault();
        let state = vault.begin_upload("admin", plan(b"abc")).unwrap();
        let id = state.id.clone();
        // As an earlier version wrote it.
        let meta = vault.uploads_dir().join(format!("{id}.meta"));
        fs::remove_file(&meta).unwrap();
        let legacy = vault.uploads_dir().join(format!("{id}.json"));
        fs::write(&legacy, serde_json::to_vec(&state).unwrap()).unwrap();
        vault.expire_uploads().unwrap();
        assert!(!legacy.exists());
        assert!(meta.exists());
        assert_eq!(vault.upload("admin", &id).unwrap().plan, state.plan);
    }
}
