//! The vault's keys: one random master key, from which every other key is derived.
//!
//! `keys/master.key` holds 32 random bytes (hex), readable by its owner only. HKDF-SHA256 derives
//! one key per use, so that a key leaked from one layer (say, the catalog's) opens nothing else.
//! `keys/ledger.key` is the custody log's Ed25519 signing key (see `custodia-ledger`).

use std::io::Write;
use std::path::Path;

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
        }
    }

    /// The catalog's encryption key; exposed for tests that tamper with the catalog on purpose.
    #[doc(hidden)]
    pub fn catalog_key(&self) -> &[u8; 32] {
        &self.catalog
    }

    /// Creates a new master key file (owner-only) and returns the derived keys.
    pub(crate) fn create(path: &Path) -> Result<Self, VaultError> {
        let mut master = [0u8; 32];
        SystemRandom::new()
            .fill(&mut master)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let io = VaultError::io("create the master key", path);
        let mut file = options.open(path).map_err(io)?;
        let io = VaultError::io("write the master key", path);
        file.write_all(format!("{}\n", hex::encode(master)).as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(io)?;
        Ok(Self::from_master(&master))
    }

    /// Loads the master key file, refusing one that other users could read.
    pub fn load(path: &Path) -> Result<Self, VaultError> {
        use std::os::unix::fs::PermissionsExt;
        let metadata =
            std::fs::metadata(path).map_err(VaultError::io("read the master key", path))?;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(VaultError::KeyTooOpen {
                path: path.display().to_string(),
                mode,
            });
        }
        let text =
            std::fs::read_to_string(path).map_err(VaultError::io("read the master key", path))?;
        let mut master = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut master).map_err(|_| {
            VaultError::Invalid(format!("`{}` is not a master key", path.display()))
        })?;
        Ok(Self::from_master(&master))
    }
}
