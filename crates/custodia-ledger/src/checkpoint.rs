//! Signed checkpoints: a C2SP `tlog-checkpoint` body wrapped in a C2SP `signed-note`.
//!
//! ```text
//! custodia.example/vault-7f3a          <- origin line (also the signing key's name)
//! 1043                                 <- tree size, decimal
//! 2Yy7...q8=                           <- root hash, base64
//!                                      <- blank line ends the note text
//! — custodia.example/vault-7f3a Ab3x...  <- signature line: key name, base64(key ID || Ed25519 sig)
//! ```
//!
//! Key ID = first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key), as C2SP
//! `signed-note` recommends; verifier keys are printed in the `vkey` form `name+hexid+base64`.
//! Specs: <https://c2sp.org/tlog-checkpoint>, <https://c2sp.org/signed-note>.

use std::fmt;
use std::io::Write;
use std::path::Path;

use signed_note::{
    Note, Signer as _, StandardSigner, StandardVerifier, Verifier as _, VerifierList,
};

use crate::merkle::Hash;

/// What went wrong with a key or a checkpoint.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("`{0}` is not a valid log name: it must be non-empty, without spaces or `+`")]
    InvalidName(String),
    #[error("the verifier key is not a valid C2SP vkey (`name+hexid+base64`)")]
    InvalidVerifierKey,
    #[error("the signing key file `{path}` is not a valid key")]
    InvalidSigningKey { path: String },
    #[error(
        "the signing key file `{path}` can be read by other users (mode {mode:o})\n\nhint: run `chmod 600 {path}`"
    )]
    KeyFileTooOpen { path: String, mode: u32 },
    #[error("cannot {action} the signing key file `{path}`: {source}")]
    KeyFileIo {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("the checkpoint is not a well-formed signed note")]
    MalformedNote,
    #[error("the checkpoint body is not a C2SP tlog-checkpoint")]
    MalformedCheckpoint,
    #[error("the checkpoint is not signed by the log's key `{key}`")]
    BadSignature { key: String },
    #[error("signing the checkpoint failed")]
    Signing,
}

/// The Ed25519 key that signs the log's checkpoints.
///
/// The secret never leaves this type: it has no `Display`, its `Debug` is redacted, and it is
/// written only by [`LedgerSigner::create_key_file`], with owner-only permissions.
pub struct LedgerSigner {
    signer: StandardSigner,
    verifier: LedgerVerifier,
}

impl fmt::Debug for LedgerSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LedgerSigner")
            .field("vkey", &self.verifier.vkey)
            .finish_non_exhaustive()
    }
}

impl LedgerSigner {
    /// Generates a new key named `name` (the log's origin) and writes it to `path`, which must not
    /// exist yet, readable by its owner only.
    pub fn create_key_file(path: &Path, name: &str) -> Result<Self, CheckpointError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(CheckpointError::InvalidName(name.to_owned()));
        }
        let (skey, _vkey) = signed_note::generate_key(&mut rand_core::OsRng, name);
        let signer = Self::from_skey(&skey, path)?;
        let io_err = |action, source| CheckpointError::KeyFileIo {
            action,
            path: path.display().to_string(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| io_err("create", e))?;
        file.write_all(skey.as_bytes())
            .map_err(|e| io_err("write", e))?;
        file.write_all(b"\n").map_err(|e| io_err("write", e))?;
        file.sync_all().map_err(|e| io_err("sync", e))?;
        Ok(signer)
    }

    /// Loads the key written by [`LedgerSigner::create_key_file`]; refuses a file that other
    /// users could read, since whoever holds it can sign checkpoints in the log's name.
    pub fn load_key_file(path: &Path) -> Result<Self, CheckpointError> {
        let shown = path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|source| CheckpointError::KeyFileIo {
            action: "read",
            path: shown.clone(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(CheckpointError::KeyFileTooOpen { path: shown, mode });
            }
        }
        let _ = metadata;
        let text = std::fs::read_to_string(path).map_err(|source| CheckpointError::KeyFileIo {
            action: "read",
            path: shown.clone(),
            source,
        })?;
        Self::from_skey(text.trim_end(), path)
    }

    fn from_skey(skey: &str, path: &Path) -> Result<Self, CheckpointError> {
        let invalid = || CheckpointError::InvalidSigningKey {
            path: path.display().to_string(),
        };
        let signer = StandardSigner::new(skey).map_err(|_| invalid())?;
        // The vkey is derived from the secret, so a loaded key always matches its public half.
        // `PRIVATE+KEY+name+id+base64`: names have no `+`, but base64 may.
        let key_bytes = skey.splitn(5, '+').nth(4).ok_or_else(invalid)?;
        let vkey = vkey_from_secret(signer.name(), key_bytes).ok_or_else(invalid)?;
        Ok(Self {
            signer,
            verifier: LedgerVerifier::from_vkey(&vkey)?,
        })
    }

    /// The key's name, which is also the log's origin line.
    pub fn name(&self) -> &str {
        self.signer.name()
    }

    /// The public half, for whoever verifies checkpoints.
    pub fn verifier(&self) -> &LedgerVerifier {
        &self.verifier
    }

    /// Signs a checkpoint for a tree of `size` leaves with root `root`.
    pub fn sign(&self, size: u64, root: Hash) -> Result<SignedCheckpoint, CheckpointError> {
        let body = checkpoint_body(self.name(), size, root);
        let mut note =
            Note::new(body.as_bytes(), &[]).map_err(|_| CheckpointError::MalformedNote)?;
        note.add_sigs(&[&self.signer])
            .map_err(|_| CheckpointError::Signing)?;
        let text =
            String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        Ok(SignedCheckpoint {
            text,
            origin: self.name().to_owned(),
            size,
            root,
        })
    }
}

impl LedgerSigner {
    /// Signs a statement that is not a checkpoint (a web capture's package digest, say) as a C2SP
    /// signed note with this key. Its first line is `custodia statement: KIND`, never the log's
    /// origin, so no statement can pass for a checkpoint; `lines` must hold no line breaks.
    pub fn sign_statement(&self, kind: &str, lines: &[&str]) -> Result<String, CheckpointError> {
        if kind.contains('\n') || lines.iter().any(|l| l.contains('\n')) {
            return Err(CheckpointError::MalformedNote);
        }
        let mut body = format!("custodia statement: {kind}\n");
        for line in lines {
            body.push_str(line);
            body.push('\n');
        }
        let mut note =
            Note::new(body.as_bytes(), &[]).map_err(|_| CheckpointError::MalformedNote)?;
        note.add_sigs(&[&self.signer])
            .map_err(|_| CheckpointError::Signing)?;
        String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::MalformedNote)
    }
}

fn vkey_from_secret(name: &str, key_base64: &str) -> Option<String> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key_base64)
        .ok()?;
    let (&alg, seed) = raw.split_first()?;
    if alg != 1 {
        return None;
    }
    let seed: [u8; 32] = seed.try_into().ok()?;
    let signing_key = ed25519_dalek::SigningKey::from_bytes(&seed);
    Some(signed_note::new_ed25519_verifier_key(
        name,
        &signing_key.verifying_key(),
    ))
}

fn checkpoint_body(origin: &str, size: u64, root: Hash) -> String {
    // tlog_tiles renders the body exactly as C2SP tlog-checkpoint: origin, size, base64 root.
    format!("{origin}\n{size}\n{root}\n")
}

/// A verifier key in C2SP `vkey` form, trusted to sign the log's checkpoints.
#[derive(Clone)]
pub struct LedgerVerifier {
    verifier: StandardVerifier,
    vkey: String,
}

impl fmt::Debug for LedgerVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vkey)
    }
}

impl LedgerVerifier {
    pub fn from_vkey(vkey: &str) -> Result<Self, CheckpointError> {
        let vkey = vkey.trim();
        let verifier =
            StandardVerifier::new(vkey).map_err(|_| CheckpointError::InvalidVerifierKey)?;
        Ok(Self {
            verifier,
            vkey: vkey.to_owned(),
        })
    }

    /// The key in C2SP `vkey` text form.
    pub fn vkey(&self) -> &str {
        &self.vkey
    }

    /// The key's name, which is the log's origin.
    pub fn name(&self) -> &str {
        self.verifier.name()
    }

    pub fn key_id(&self) -> u32 {
        self.verifier.key_id()
    }

    /// Parses a signed checkpoint and checks that this key signed it and that its origin is this
    /// key's name. Signatures by other keys (witness cosignatures) are allowed and ignored.
    pub fn verify(&self, text: &[u8]) -> Result<SignedCheckpoint, CheckpointError> {
        let note = Note::from_bytes(text).map_err(|_| CheckpointError::MalformedNote)?;
        let known = VerifierList::new(vec![Box::new(self.verifier.clone())]);
        note.verify(&known)
            .map_err(|_| CheckpointError::BadSignature {
                key: self.vkey.clone(),
            })?;
        let checkpoint = tlog_tiles::Checkpoint::from_bytes(note.text())
            .map_err(|_| CheckpointError::MalformedCheckpoint)?;
        // Custodia writes no extension lines; one in a checkpoint said to be ours is tampering.
        if checkpoint.origin() != self.name() || !checkpoint.extension().is_empty() {
            return Err(CheckpointError::MalformedCheckpoint);
        }
        let text = String::from_utf8(text.to_vec()).map_err(|_| CheckpointError::MalformedNote)?;
        Ok(SignedCheckpoint {
            text,
            origin: checkpoint.origin().to_owned(),
            size: checkpoint.size(),
            root: *checkpoint.hash(),
        })
    }
}

/// A checkpoint with its signature, as issued; only obtainable by signing or by verifying.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedCheckpoint {
    text: String,
    origin: String,
    size: u64,
    root: Hash,
}

impl SignedCheckpoint {
    /// The full signed-note text, exactly as issued.
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn origin(&self) -> &str {
        &self.origin
    }
    pub fn size(&self) -> u64 {
        self.size
    }
    pub fn root(&self) -> Hash {
        self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_round_trip_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.key");
        let signer = LedgerSigner::create_key_file(&path, "custodia.test/log").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let loaded = LedgerSigner::load_key_file(&path).unwrap();
        assert_eq!(loaded.verifier().vkey(), signer.verifier().vkey());
        assert!(!format!("{loaded:?}").contains("PRIVATE"));
        assert!(LedgerSigner::create_key_file(&path, "custodia.test/log").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_group_readable_key() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.key");
        LedgerSigner::create_key_file(&path, "custodia.test/log").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(matches!(
            LedgerSigner::load_key_file(&path),
            Err(CheckpointError::KeyFileTooOpen { .. })
        ));
    }

    #[test]
    fn key_id_follows_c2sp() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::tempdir().unwrap();
        let signer =
            LedgerSigner::create_key_file(&dir.path().join("k"), "custodia.test/log").unwrap();
        let vkey = signer.verifier().vkey();
        let mut parts = vkey.splitn(3, '+');
        let (name, id, key) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        use base64::Engine as _;
        let key = base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap();
        assert_eq!(key.len(), 33);
        assert_eq!(key[0], 0x01);
        let mut hasher = Sha256::new();
        hasher.update(name.as_bytes());
        hasher.update([0x0A]);
        hasher.update(&key);
        let digest = hasher.finalize();
        assert_eq!(id, hex4(&digest[..4]));
    }

    fn hex4(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn signed_checkpoint_verifies_and_tampering_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let signer =
            LedgerSigner::create_key_file(&dir.path().join("k"), "custodia.test/log").unwrap();
        let root = crate::merkle::leaf_hash(b"x");
        let checkpoint = signer.sign(7, root).unwrap();
        let text = checkpoint.text();
        assert!(text.starts_with("custodia.test/log\n7\n"));
        assert!(text.contains("\n\n\u{2014} custodia.test/log "));
        let parsed = signer.verifier().verify(text.as_bytes()).unwrap();
        assert_eq!(parsed, checkpoint);
        let forged = text.replacen("\n7\n", "\n8\n", 1);
        assert!(signer.verifier().verify(forged.as_bytes()).is_err());
        let other =
            LedgerSigner::create_key_file(&dir.path().join("k2"), "custodia.test/log").unwrap();
        assert!(other.verifier().verify(text.as_bytes()).is_err());
    }
}
