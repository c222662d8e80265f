//! The vault's keys: one random master key, from which every other key is derived.
//!
//! `keys/master.key` holds 32 random bytes (hex), readable by its owner only. HKDF-SHA256 derives
//! one key per use, so that a key leaked from one layer (say, the catalog's) opens nothing else.
//! `keys/ledger.key` is the custody log's Ed25519 signing key (see `custodia-ledger`).
//!
//! The master key may be *wrapped* by a passphrase, so that a copy of the data directory (a
//! stolen disk, a backup) decrypts nothing without it. The passphrase is read from the file named
//! by `CUSTODIA_PASSPHRASE_FILE` (a systemd credential: `LoadCredential=` and `%d/NAME`), never
//! from a prompt: a server restarts unattended. A wrapped `master.key` is one JSON line:
//!
//! ```text
//! {"format":"custodia-wrapped-key/1","kdf":"argon2id","memory_kib":65536,"iterations":3,
//!  "parallelism":1,"salt":"<16 bytes hex>","nonce":"<12 bytes hex>","sealed":"<48 bytes hex>"}
//! ```
//!
//! The wrapping key is Argon2id (RFC 9106; 64 MiB, 3 passes) of the passphrase and the salt; the
//! master key is sealed under it with AES-256-GCM, the AAD binding the format, the KDF parameters
//! and the salt, so that none of them can be changed to weaken the file. A wrong passphrase and an
//! altered file are told apart from nothing: both fail the tag.

use std::io::Write;
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use serde::{Deserialize, Serialize};

use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};

use crate::VaultError;

/// Keys derived from the master key, one per purpose.
pub struct VaultKeys {
    pub(crate) blob_wrap: [u8; 32],
    pub(crate) blob_name: [u8; 32],
    pub(crate) catalog: [u8; 32],
    pub(crate) search_index: [u8; 32],
    pub(crate) upload_staging: [u8; 32],
    /// Key of the custody log's commitment salts (`custody.rs`): each v2 entry's salts are
    /// HMAC-SHA256 under it, so the vault can open any field and nobody else can guess one.
    pub(crate) custody_salt: [u8; 32],
    /// Key of witnesses' identity digests: HMAC-SHA256 under it, so that a guessed name cannot
    /// be confirmed against a digest without the vault.
    pub(crate) witness_identity: [u8; 32],
    /// Key of the digests of a case analysis's texts (suspects, excerpts, notes, incidents) in
    /// custody details: HMAC-SHA256 under it, so that whoever reads the log cannot confirm a
    /// guessed suspect's name against it.
    pub(crate) case_text: [u8; 32],
    /// Key that seals the victim register's contact details, request texts and letters
    /// (AES-256-GCM) in the catalog.
    pub(crate) victim_seal: [u8; 32],
    /// Key of the digests that stand for a person and a record in the custody details of the
    /// victim register (HMAC-SHA256), so the log says nothing of who was contacted.
    pub(crate) victim_digest: [u8; 32],
    /// Key that seals civilian-harm reports' fields, reporters' contacts and assessors' notes
    /// (AES-256-GCM) in the catalog.
    pub(crate) harm_seal: [u8; 32],
}

impl std::fmt::Debug for VaultKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKeys(..)")
    }
}

struct Len32;
impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

fn derive(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"custodia vault v1").extract(master);
    let info = [purpose.as_bytes()];
    let mut out = [0u8; 32];
    // Both calls only fail for output lengths above 255 × 32 bytes; 32 is fixed here.
    if let Ok(okm) = prk.expand(&info, Len32) {
        let _ = okm.fill(&mut out);
    }
    out
}

impl VaultKeys {
    pub(crate) fn from_master(master: &[u8; 32]) -> Self {
        Self {
            blob_wrap: derive(master, "blob-wrap"),
            blob_name: derive(master, "blob-name"),
            catalog: derive(master, "catalog"),
            search_index: derive(master, "search-index"),
            upload_staging: derive(master, "upload-staging"),
            custody_salt: derive(master, "custody-salt"),
            witness_identity: derive(master, "witness-identity"),
            case_text: derive(master, "case-text"),
            victim_seal: derive(master, "victim-seal"),
            victim_digest: derive(master, "victim-digest"),
            harm_seal: derive(master, "harm-seal"),
        }
    }

    /// The catalog's encryption key; exposed for tests that tamper with the catalog on purpose.
    #[doc(hidden)]
    pub fn catalog_key(&self) -> &[u8; 32] {
        &self.catalog
    }

    /// Creates a new master key file (owner-only), wrapped by the passphrase in
    /// `passphrase_file` if one is given, and returns the derived keys.
    pub(crate) fn create(path: &Path, passphrase_file: Option<&Path>) -> Result<Self, VaultError> {
        let mut master = [0u8; 32];
        SystemRandom::new()
            .fill(&mut master)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let text = match passphrase_file {
            Some(file) => WrappedKey::seal(&master, &read_new_passphrase(file)?)?.to_text()?,
            None => format!("{}\n", hex::encode(master)),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let io = VaultError::io("create the master key", path);
        let mut file = options.open(path).map_err(io)?;
        let io = VaultError::io("write the master key", path);
        file.write_all(text.as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(io)?;
        Ok(Self::from_master(&master))
    }

    /// Loads the master key file, refusing one that other users could read. A wrapped key is
    /// unwrapped with the passphrase in the file named by `CUSTODIA_PASSPHRASE_FILE`.
    pub fn load(path: &Path) -> Result<Self, VaultError> {
        Self::load_with(path, passphrase_file_from_env().as_deref())
    }

    /// Loads the master key file, unwrapping it (if it is wrapped) with the passphrase in
    /// `passphrase_file`.
    pub fn load_with(path: &Path, passphrase_file: Option<&Path>) -> Result<Self, VaultError> {
        Ok(Self::from_master(&read_master(path, passphrase_file)?))
    }
}

/// The environment variable naming the file that holds the master key's passphrase.
pub const PASSPHRASE_FILE_VAR: &str = "CUSTODIA_PASSPHRASE_FILE";

/// The name of the systemd credential used when `CUSTODIA_PASSPHRASE_FILE` is not set.
pub const PASSPHRASE_CREDENTIAL: &str = "custodia-passphrase";

/// The passphrase file named by `CUSTODIA_PASSPHRASE_FILE`, if set and not empty; else the
/// systemd credential `custodia-passphrase` of the running unit
/// (`$CREDENTIALS_DIRECTORY/custodia-passphrase`, from `LoadCredential=` or
/// `LoadCredentialEncrypted=`), if there is one.
pub fn passphrase_file_from_env() -> Option<PathBuf> {
    passphrase_file_in(
        std::env::var_os(PASSPHRASE_FILE_VAR),
        std::env::var_os("CREDENTIALS_DIRECTORY"),
    )
}

fn passphrase_file_in(
    named: Option<std::ffi::OsString>,
    credentials: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    if let Some(named) = named.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(named));
    }
    credentials
        .filter(|v| !v.is_empty())
        .map(|dir| PathBuf::from(dir).join(PASSPHRASE_CREDENTIAL))
        .filter(|file| file.is_file())
}

/// The shortest passphrase accepted for wrapping (an Argon2id hash slows guessing; it cannot
/// save a short passphrase).
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Reads a passphrase: the file's bytes without one trailing line end. The file must be readable
/// by its owner only (a systemd credential is).
fn read_passphrase(file: &Path) -> Result<Vec<u8>, VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let metadata =
        std::fs::metadata(file).map_err(VaultError::io("read the passphrase file", file))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(VaultError::KeyTooOpen {
            path: file.display().to_string(),
            mode,
        });
    }
    let mut bytes =
        std::fs::read(file).map_err(VaultError::io("read the passphrase file", file))?;
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(VaultError::Invalid(format!(
            "the passphrase file `{}` is empty\n\nhint: write the passphrase into it",
            file.display()
        )));
    }
    Ok(bytes)
}

/// Reads a passphrase to wrap a key with, refusing a short one.
fn read_new_passphrase(file: &Path) -> Result<Vec<u8>, VaultError> {
    let bytes = read_passphrase(file)?;
    if String::from_utf8_lossy(&bytes).chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(VaultError::Invalid(format!(
            "the passphrase in `{}` is shorter than {MIN_PASSPHRASE_CHARS} characters\n\nhint: \
             use a long passphrase, e.g. six random words",
            file.display()
        )));
    }
    Ok(bytes)
}

/// Reads the master key from `path`, unwrapping it if it is wrapped.
fn read_master(path: &Path, passphrase_file: Option<&Path>) -> Result<[u8; 32], VaultError> {
    let text = read_key_text(path)?;
    match KeyFile::parse(&text, path)? {
        KeyFile::Plain(master) => Ok(master),
        KeyFile::Wrapped(wrapped) => {
            let file = passphrase_file.ok_or_else(|| VaultError::PassphraseRequired {
                path: path.display().to_string(),
            })?;
            let passphrase = read_passphrase(file)?;
            wrapped
                .open(&passphrase)
                .map_err(|_| VaultError::WrongPassphrase {
                    path: path.display().to_string(),
                    file: file.display().to_string(),
                })
        }
    }
}

/// The key file's text, after checking that nobody else may read it.
fn read_key_text(path: &Path) -> Result<String, VaultError> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path).map_err(VaultError::io("read the master key", path))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(VaultError::KeyTooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    std::fs::read_to_string(path).map_err(VaultError::io("read the master key", path))
}

/// How the master key is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyProtection {
    /// The key file.
    pub path: String,
    /// Whether a passphrase wraps it.
    pub wrapped: bool,
    /// The wrapping's key derivation (`argon2id`), if wrapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_kib: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
}

impl KeyProtection {
    fn of(path: &Path, file: &KeyFile) -> Self {
        let wrapped = match file {
            KeyFile::Wrapped(w) => Some(w),
            KeyFile::Plain(_) => None,
        };
        Self {
            path: path.display().to_string(),
            wrapped: wrapped.is_some(),
            kdf: wrapped.map(|w| w.kdf.clone()),
            memory_kib: wrapped.map(|w| w.memory_kib),
            iterations: wrapped.map(|w| w.iterations),
            parallelism: wrapped.map(|w| w.parallelism),
        }
    }
}

/// How the master key in `path` is kept (nothing is decrypted).
pub fn key_protection(path: &Path) -> Result<KeyProtection, VaultError> {
    let text = read_key_text(path)?;
    Ok(KeyProtection::of(path, &KeyFile::parse(&text, path)?))
}

/// Wraps the master key in `path` by the passphrase in `new_passphrase_file`. A key already
/// wrapped is first unwrapped with the passphrase in `current_passphrase_file` (this changes the
/// passphrase). The new file replaces the old atomically and durably; the old file's bytes are
/// then overwritten, as far as the file system lets them be (see docs/DEPLOY.md on copies made
/// before).
pub fn wrap_master_key(
    path: &Path,
    current_passphrase_file: Option<&Path>,
    new_passphrase_file: &Path,
) -> Result<KeyProtection, VaultError> {
    let master = read_master(path, current_passphrase_file)?;
    let wrapped = WrappedKey::seal(&master, &read_new_passphrase(new_passphrase_file)?)?;
    let text = wrapped.to_text()?;
    // The new key must open before the old one goes.
    if wrapped.open(&read_passphrase(new_passphrase_file)?).ok() != Some(master) {
        return Err(VaultError::Crypto("the wrapped key does not open"));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = path.with_extension("key.new");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(VaultError::io("write the wrapped master key", &tmp)(e));
    }
    // Hold the old file open across the rename, to overwrite its bytes once the new key is
    // durably in place.
    let old = std::fs::OpenOptions::new().write(true).open(path);
    std::fs::rename(&tmp, path).map_err(VaultError::io("replace the master key", path))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(VaultError::io("sync", dir))?;
    if let Ok(mut old) = old {
        let len = old.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = std::io::Seek::rewind(&mut old)
            .and_then(|_| old.write_all(&vec![0u8; len as usize]))
            .and_then(|_| old.sync_all());
    }
    Ok(KeyProtection::of(path, &KeyFile::Wrapped(wrapped)))
}

/// What `master.key` holds.
enum KeyFile {
    Plain([u8; 32]),
    Wrapped(WrappedKey),
}

impl KeyFile {
    fn parse(text: &str, path: &Path) -> Result<Self, VaultError> {
        let text = text.trim();
        if text.starts_with('{') {
            let wrapped: WrappedKey = serde_json::from_str(text).map_err(|e| {
                VaultError::Invalid(format!(
                    "`{}` is not a wrapped master key: {e}",
                    path.display()
                ))
            })?;
            if wrapped.format != WRAPPED_FORMAT || wrapped.kdf != "argon2id" {
                return Err(VaultError::Invalid(format!(
                    "`{}` is a wrapped master key of an unknown format ({}, {})\n\nhint: use the \
                     Custodia version that wrapped it",
                    path.display(),
                    wrapped.format,
                    wrapped.kdf
                )));
            }
            return Ok(KeyFile::Wrapped(wrapped));
        }
        let mut master = [0u8; 32];
        hex::decode_to_slice(text, &mut master).map_err(|_| {
            VaultError::Invalid(format!("`{}` is not a master key", path.display()))
        })?;
        Ok(KeyFile::Plain(master))
    }
}

const WRAPPED_FORMAT: &str = "custodia-wrapped-key/1";

/// A master key sealed under a passphrase (the format is in the module's comment).
#[derive(Clone, Serialize, Deserialize)]
struct WrappedKey {
    format: String,
    kdf: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
    nonce: String,
    sealed: String,
}

impl WrappedKey {
    /// RFC 9106's second recommended option (64 MiB, 3 passes), on one lane.
    const MEMORY_KIB: u32 = 64 * 1024;
    const ITERATIONS: u32 = 3;
    const PARALLELISM: u32 = 1;

    fn seal(master: &[u8; 32], passphrase: &[u8]) -> Result<Self, VaultError> {
        let random = SystemRandom::new();
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; NONCE_LEN];
        random
            .fill(&mut salt)
            .and_then(|_| random.fill(&mut nonce))
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let mut key = Self {
            format: WRAPPED_FORMAT.into(),
            kdf: "argon2id".into(),
            memory_kib: Self::MEMORY_KIB,
            iterations: Self::ITERATIONS,
            parallelism: Self::PARALLELISM,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            sealed: String::new(),
        };
        let cipher = key.cipher(passphrase)?;
        let mut sealed = master.to_vec();
        cipher
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(key.aad()),
                &mut sealed,
            )
            .map_err(|_| VaultError::Crypto("sealing the master key failed"))?;
        key.sealed = hex::encode(sealed);
        Ok(key)
    }

    /// The master key, or `Err(())` for a wrong passphrase or an altered file.
    fn open(&self, passphrase: &[u8]) -> Result<[u8; 32], ()> {
        let cipher = self.cipher(passphrase).map_err(|_| ())?;
        let mut nonce = [0u8; NONCE_LEN];
        hex::decode_to_slice(&self.nonce, &mut nonce).map_err(|_| ())?;
        let mut sealed = hex::decode(&self.sealed).map_err(|_| ())?;
        let plain = cipher
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(self.aad()),
                &mut sealed,
            )
            .map_err(|_| ())?;
        plain.try_into().map_err(|_| ())
    }

    /// Binds everything but the nonce and the sealed key.
    fn aad(&self) -> Vec<u8> {
        format!(
            "{}|{}|{}|{}|{}|{}",
            self.format, self.kdf, self.memory_kib, self.iterations, self.parallelism, self.salt
        )
        .into_bytes()
    }

    fn cipher(&self, passphrase: &[u8]) -> Result<LessSafeKey, VaultError> {
        let invalid =
            || VaultError::Invalid("the wrapped master key's parameters are invalid".into());
        // Bounds that keep a crafted file from making the vault allocate or spin without end.
        if !(8 * 1024..=4 * 1024 * 1024).contains(&self.memory_kib)
            || !(1..=100).contains(&self.iterations)
            || !(1..=16).contains(&self.parallelism)
        {
            return Err(invalid());
        }
        let salt = hex::decode(&self.salt).map_err(|_| invalid())?;
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
                .map_err(|_| invalid())?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut kek = [0u8; 32];
        argon
            .hash_password_into(passphrase, &salt, &mut kek)
            .map_err(|_| invalid())?;
        let key = UnboundKey::new(&AES_256_GCM, &kek)
            .map_err(|_| VaultError::Crypto("the wrapping key is invalid"))?;
        Ok(LessSafeKey::new(key))
    }

    fn to_text(&self) -> Result<String, VaultError> {
        serde_json::to_string(self)
            .map(|t| t + "\n")
            .map_err(|e| VaultError::Invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn secret(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    #[test]
    fn a_wrapped_key_opens_with_its_passphrase_only() {
        let dir = tempfile::tempdir().unwrap();
        let pass = secret(dir.path(), "pass", "correct horse battery staple\n");
        let key = dir.path().join("master.key");
        let created = VaultKeys::create(&key, Some(&pass)).unwrap();
        let text = std::fs::read_to_string(&key).unwrap();
        assert!(text.contains("argon2id"), "{text}");
        let opened = VaultKeys::load_with(&key, Some(&pass)).unwrap();
        assert_eq!(opened.catalog, created.catalog);
        assert!(matches!(
            VaultKeys::load_with(&key, None),
            Err(VaultError::PassphraseRequired { .. })
        ));
        let wrong = secret(dir.path(), "wrong", "correct horse battery stapler");
        let error = VaultKeys::load_with(&key, Some(&wrong)).unwrap_err();
        assert!(matches!(error, VaultError::WrongPassphrase { .. }));
        // The message names the files, never the passphrase.
        let message = error.to_string();
        assert!(
            message.contains("wrong") && !message.contains("stapler"),
            "{message}"
        );
        // Weakened parameters do not open it either: they are bound to the sealed key.
        let weakened = text.replace("\"iterations\":3", "\"iterations\":1");
        std::fs::write(&key, weakened).unwrap();
        assert!(matches!(
            VaultKeys::load_with(&key, Some(&pass)),
            Err(VaultError::WrongPassphrase { .. })
        ));
    }

    #[test]
    fn an_existing_key_is_wrapped_and_rewrapped_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("master.key");
        let bare = VaultKeys::create(&key, None).unwrap();
        let hex_key = std::fs::read_to_string(&key).unwrap().trim().to_owned();
        assert!(!key_protection(&key).unwrap().wrapped);
        let first = secret(dir.path(), "first", "a first long passphrase");
        let status = wrap_master_key(&key, None, &first).unwrap();
        assert!(status.wrapped);
        assert_eq!(status.kdf.as_deref(), Some("argon2id"));
        let text = std::fs::read_to_string(&key).unwrap();
        assert!(!text.contains(&hex_key));
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            VaultKeys::load_with(&key, Some(&first)).unwrap().catalog,
            bare.catalog
        );
        // A new passphrase needs the current one.
        let second = secret(dir.path(), "second", "a second long passphrase");
        assert!(matches!(
            wrap_master_key(&key, None, &second),
            Err(VaultError::PassphraseRequired { .. })
        ));
        wrap_master_key(&key, Some(&first), &second).unwrap();
        assert_eq!(
            VaultKeys::load_with(&key, Some(&second)).unwrap().catalog,
            bare.catalog
        );
        assert!(VaultKeys::load_with(&key, Some(&first)).is_err());
    }

    #[test]
    fn the_passphrase_file_is_named_or_a_systemd_credential() {
        let dir = tempfile::tempdir().unwrap();
        let named = Some(std::ffi::OsString::from("/etc/custodia/passphrase"));
        let credentials = Some(dir.path().as_os_str().to_owned());
        assert_eq!(
            passphrase_file_in(named.clone(), credentials.clone()),
            Some(PathBuf::from("/etc/custodia/passphrase"))
        );
        // No credential of that name: nothing.
        assert_eq!(passphrase_file_in(None, credentials.clone()), None);
        let credential = secret(dir.path(), PASSPHRASE_CREDENTIAL, "a long passphrase here");
        assert_eq!(passphrase_file_in(None, credentials), Some(credential));
        assert_eq!(passphrase_file_in(None, None), None);
    }

    #[test]
    fn weak_or_exposed_passphrase_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("master.key");
        let short = secret(dir.path(), "short", "tooshort");
        assert!(matches!(
            VaultKeys::create(&key, Some(&short)),
            Err(VaultError::Invalid(m)) if m.contains("shorter")
        ));
        let open = secret(dir.path(), "open", "a long enough passphrase");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            VaultKeys::create(&key, Some(&open)),
            Err(VaultError::KeyTooOpen { .. })
        ));
        let empty = secret(dir.path(), "empty", "\n");
        assert!(matches!(
            VaultKeys::create(&key, Some(&empty)),
            Err(VaultError::Invalid(m)) if m.contains("empty")
        ));
        assert!(!key.exists());
    }
}
