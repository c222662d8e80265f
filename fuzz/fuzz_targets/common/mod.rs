//! A fixed Ed25519 key for the fuzz targets, so that a saved corpus stays signed by the same key
//! from one run to the next. It signs nothing but fuzz inputs; it is published on purpose.
#![allow(dead_code)]

use std::sync::OnceLock;

use base64::Engine as _;
use custodia_ledger::{LedgerSigner, LedgerVerifier};

pub const NAME: &str = "custodia.example/fuzz";
const SEED: [u8; 32] = [0x5a; 32];

/// The key in C2SP signed-note `skey` form: `PRIVATE+KEY+name+hexid+base64(0x01 || seed)`.
pub fn skey() -> String {
    let signing = ed25519_dalek::SigningKey::from_bytes(&SEED);
    let mut public = vec![0x01];
    public.extend_from_slice(signing.verifying_key().as_bytes());
    let mut private = vec![0x01];
    private.extend_from_slice(&SEED);
    format!(
        "PRIVATE+KEY+{NAME}+{:08x}+{}",
        signed_note::key_id(NAME, &public),
        base64::engine::general_purpose::STANDARD.encode(private)
    )
}

/// The log's signer, loaded through the crate's own key-file code.
pub fn signer() -> &'static LedgerSigner {
    static SIGNER: OnceLock<LedgerSigner> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let path = scratch_path("fuzz-key");
        let _ = std::fs::remove_file(&path);
        write_owner_only(&path, format!("{}\n", skey()).as_bytes());
        let signer = LedgerSigner::load_key_file(&path).expect("the fixed key loads");
        let _ = std::fs::remove_file(&path);
        signer
    })
}

pub fn verifier() -> &'static LedgerVerifier {
    signer().verifier()
}

/// The same key as a plain `signed_note` signer, to sign arbitrary note texts.
pub fn note_signer() -> &'static signed_note::StandardSigner {
    static SIGNER: OnceLock<signed_note::StandardSigner> = OnceLock::new();
    SIGNER.get_or_init(|| signed_note::StandardSigner::new(&skey()).expect("the fixed key parses"))
}

/// A file name private to this process (several fuzzing jobs may run at once).
pub fn scratch_path(what: &str) -> std::path::PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("custodia-{what}-{}", std::process::id()))
}

pub fn write_owner_only(path: &std::path::Path, bytes: &[u8]) {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .expect("create a scratch file");
    file.write_all(bytes).expect("write a scratch file");
}
