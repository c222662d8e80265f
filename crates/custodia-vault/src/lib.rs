//! The evidence vault: a data directory that preserves items bit for bit, encrypted, catalogued,
//! with every action in the custody log.
//!
//! ```text
//! <data dir>/
//!   vault.json        format version, vault id, log origin, limits (no absolute paths)
//!   keys/             master.key and ledger.key, owner-only (0600, folder 0700)
//!   catalog/          catalog.db: SQLCipher (items, submissions, custody events), unless
//!                     vault.json names a PostgreSQL catalog
//!   blobs/            encrypted, keyed-name blobs (custodia-blobstore)
//!   ledger/           the custody log (custodia-ledger)
//!   index/            the search index (custodia-search), every file encrypted; rebuildable
//! ```
//!
//! What it leaves out: no HTTP. Text extraction and search are `custodia-extract` and
//! `custodia-search`, driven from `extraction.rs`. It depends on the
//! ledger, blob store and catalog crates only through their public interfaces.
//!
//! Invariants:
//! - an item is reported stored only after its blob is synced, its catalog rows committed and its
//!   custody entry appended to the log;
//! - every catalog event has exactly one log entry with the same bytes, and vice versa, once
//!   [`Vault::open`] has reconciled what a crash left pending;
//! - nothing in the data directory names an absolute path, so a copied directory verifies.

#![forbid(unsafe_code)]

mod access;
mod administration;
mod archive;
pub mod auth;
pub mod browse;
mod capture;
mod cases;
pub mod conditions;
pub mod custody;
mod custody_log;
mod directory;
mod extraction;
pub mod harm;
mod identity;
mod ingest;
mod keys;
mod migrate;
mod package;
pub mod redact;
pub mod requests;
pub mod schema;
mod sniff;
pub mod stats;
mod tar_guard;
pub mod uploads;
mod verify;
pub mod victims;
mod views;
mod walk;

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use custodia_blobstore::{BlobStore, ContentHash, LocalBlobStore, S3BlobStore, S3Config};
use custodia_catalog::{
    Catalog, EventRow, ItemRow, NewEvent, PostgresCatalog, PostgresTarget, SqliteCatalog,
    SubmissionRow,
};
use custodia_ledger::{Ledger, LedgerSigner, LedgerVerifier};
use serde::{Deserialize, Serialize};

pub use access::{action_name, Change, RegimeReport, SubmissionRegime, DEFAULT_REGIME};
pub use administration::{
    is_time_zone_name, ConsentDecision, ConsentItem, ConsentRecorded, RegimeChange, RegimeChanged,
};
pub use archive::ArchiveLimits;
pub use capture::{CaptureArtefact, StatementSigner, StoredCapture};
pub use cases::{
    CaseAnalysis, CaseItemProof, ChargeLaid, CrimesImported, ElementView, IncidentAdded,
    LinkChanged, NewIncident, NewLink,
};
pub use custodia_access;
pub use custodia_auth;
pub use custodia_blobstore;
pub use custodia_cases;
pub use custodia_catalog;
pub use custodia_extract;
pub use custodia_ledger;
pub use custodia_package;
pub use custodia_search;
pub use custody_log::LogEntryView;
pub use extraction::{
    ExtractFailure, ExtractOptions, ExtractReport, ExtractedBatch, ExtractionJob, ReindexReport,
    SearchReport, MAX_EXTRACT_BYTES,
};
pub use ingest::{
    IngestOptions, IngestProgress, IngestReport, IngestTotals, IngestedItem, InputError,
    ItemStatus, Summary,
};
pub use keys::{
    key_protection, passphrase_file_from_env, wrap_master_key, KeyProtection, VaultKeys,
    MIN_PASSPHRASE_CHARS, PASSPHRASE_CREDENTIAL, PASSPHRASE_FILE_VAR,
};
pub use migrate::{MigrateProgress, MigrateReport, Placement, PlacementReport, TableReport};
pub use package::{PackageReceipt, PackageRequest};
pub use requests::{RequestFiling, RequestView, ScopeSpec};
pub use verify::{VerifyFault, VerifyOptions, VerifyReport};
pub use views::ItemView;

use custody::action;

/// Errors of the vault, each naming what failed and on which input.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("`{path}` is not a Custodia data directory (no vault.json)\n\nhint: create one with `custodia init --data-dir {path}`")]
    NotAVault { path: String },
    #[error(
        "`{path}` already holds a vault or other files\n\nhint: choose an empty or new directory"
    )]
    AlreadyExists { path: String },
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("the key file `{path}` can be read by other users (mode {mode:o})\n\nhint: run `chmod 600 {path}`")]
    KeyTooOpen { path: String, mode: u32 },
    #[error("the master key `{path}` is wrapped by a passphrase, and no passphrase file was given\n\nhint: set CUSTODIA_PASSPHRASE_FILE to the file that holds the passphrase (under systemd, a credential: `LoadCredential=` and `%d/NAME`)")]
    PassphraseRequired { path: String },
    #[error("the passphrase in `{file}` does not unwrap the master key `{path}` (a wrong passphrase, or an altered key file)\n\nhint: check that CUSTODIA_PASSPHRASE_FILE names this vault's passphrase file; a lost passphrase is recovered only from a backup of the key (docs/DEPLOY.md)")]
    WrongPassphrase { path: String, file: String },
    #[error("no item {0} in the vault")]
    NoSuchItem(String),
    #[error("not permitted to do this with item {item}: {reason}")]
    Denied { item: String, reason: String },
    #[error("not permitted: {0}")]
    NotPermitted(String),
    #[error("`{0}` already exists; refusing to overwrite it\n\nhint: choose another `--out` path")]
    OutputExists(String),
    #[error("{0}")]
    Invalid(String),
    /// The request does not fit the current state (e.g. an upload chunk at the wrong offset).
    #[error("{0}")]
    Conflict(String),
    #[error("cryptography failed: {0}")]
    Crypto(&'static str),
    #[error(transparent)]
    Ledger(#[from] custodia_ledger::LedgerError),
    #[error(transparent)]
    Blob(#[from] custodia_blobstore::BlobError),
    #[error(transparent)]
    Catalog(#[from] custodia_catalog::CatalogError),
    #[error(transparent)]
    Checkpoint(#[from] custodia_ledger::CheckpointError),
}

impl VaultError {
    pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.display().to_string();
        move |source| VaultError::Io {
            action,
            path,
            source,
        }
    }
}

pub type Result<T, E = VaultError> = std::result::Result<T, E>;

/// `vault.json`: settings that travel with the data directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VaultConfig {
    pub format: u32,
    pub vault_id: String,
    /// The custody log's origin line and signing key name.
    pub origin: String,
    pub created_at: String,
    /// The administrator created at `init`: the default actor of CLI commands.
    pub administrator: String,
    /// The organisation that holds the archive (the administrator's).
    #[serde(default = "default_holder")]
    pub holder: String,
    #[serde(default)]
    pub archive_limits: ArchiveLimits,
    /// A new checkpoint is signed after a writing command when the log has grown and the latest
    /// checkpoint is older than this many seconds.
    #[serde(default = "default_checkpoint_interval")]
    pub checkpoint_interval_secs: u64,
    /// An upload with no chunk received for this many days is abandoned: its staging files are
    /// removed when the vault is next opened for writing or an upload begins.
    #[serde(default = "default_upload_expiry_days")]
    pub upload_expiry_days: u64,
    /// Where the blobs live: absent for the data directory's `blobs/` folder, or
    /// `s3://BUCKET[/PREFIX]` in an S3-compatible service whose endpoint and credentials come
    /// from the standard `AWS_*` variables (never from this file, which travels with the vault).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blobs: Option<String>,
    /// With blobs in S3: upload requests (whole blobs and parts of large ones) in flight at
    /// once; 16 when absent. More keeps a distant or many-node service busy with small files;
    /// fewer spares a small one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_concurrency: Option<usize>,
    /// With blobs in S3: blobs stored in fewer bytes than this, many at a time (an ingest of
    /// small files), go out together in packs of a few MiB with an index object each, not one
    /// object per blob; 1 MiB when absent, 0 to store every blob as an object of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_pack_below: Option<usize>,
    /// Where the catalog lives: absent for the data directory's encrypted `catalog/catalog.db`,
    /// or a `postgres://USER@HOST:PORT/DB` URL (never with its password, which comes from
    /// `PGPASSWORD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
    /// Whether checkpoints and consistency proofs (which reveal only the log's size and root)
    /// are served to anyone, signed in or not. Off by default: then only to signed-in users.
    #[serde(default)]
    pub public_checkpoints: bool,
    /// Reverse proxies in front of `custodia serve` whose `Forwarded` / `X-Forwarded-*` headers
    /// are believed (the client's address, HTTPS); with `serve --trusted-proxy` added to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The holder's own SMTP relay through which notices to victims are e-mailed
    /// (`custodia notices send`); none by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<victims::SmtpConfig>,
    /// RFC 3161 time-stamping authorities asked to stamp each web capture (`custodia capture`);
    /// none by default, as a sovereign deployment chooses its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tsa_urls: Vec<String>,
    /// The CA certificates (PEM; a path relative to the data directory, or absolute) against
    /// which the authorities' tokens are verified on receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tsa_ca_file: Option<std::path::PathBuf>,
}

fn default_holder() -> String {
    "Holder".into()
}

fn default_upload_expiry_days() -> u64 {
    7
}

fn default_checkpoint_interval() -> u64 {
    600
}

/// How a vault is opened: one process at a time may write (ingest, get, sign); any number may
/// read (history, verify, proofs) alongside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

/// An open vault.
pub struct Vault {
    root: PathBuf,
    config: VaultConfig,
    blobs: Arc<dyn BlobStore>,
    catalog: Box<dyn Catalog>,
    ledger: Ledger,
    signer: Option<LedgerSigner>,
    verifier: LedgerVerifier,
    access: Access,
    /// Key of the search index's files (derived from the master key for that use only).
    search_key: [u8; 32],
    /// Key of partly received uploads (see [`uploads`]).
    upload_key: [u8; 32],
    /// Seals custody entries (version 2) and opens their fields (see [`custody`]).
    sealer: custody::EntrySealer,
    /// Key of witnesses' identity digests (HMAC-SHA256; see [`requests`]).
    identity_key: [u8; 32],
    /// Key of the digests of case analysis texts in custody details (see [`cases`]).
    case_text_key: [u8; 32],
    /// Keys of the victim register (see [`victims`]): sealing and digests.
    victim_seal_key: [u8; 32],
    victim_digest_key: [u8; 32],
    /// Key sealing civilian-harm reports' private fields (see [`harm`]).
    harm_seal_key: [u8; 32],
    /// The search index, opened (and its files decrypted) once, on first use; shared with the
    /// vault's readers ([`Vault::reader`]), so a writer's commit is what they search next.
    search_index: SharedIndex,
    /// Key of the embedded catalog (for readers' own connections).
    catalog_key: [u8; 32],
    /// A writing handle's share of `writers.lock` (see [`WriterLock`]).
    _writers: Option<WriterLock>,
}

/// `writers.lock` in the data directory: every process that opens the vault for writing holds
/// it shared for as long as it is open; one that can take it exclusively at opening is the
/// only writer, and only then settles what interrupted processes left (temporary blobs, custody
/// events committed to the catalog but not yet in the log), which with another writer alive
/// would be that writer's work in progress.
struct WriterLock {
    file: fs::File,
    path: PathBuf,
    alone: bool,
}

impl WriterLock {
    /// How long opening waits while another process settles the vault alone.
    const WAIT: Duration = Duration::from_secs(120);

    fn join(root: &Path) -> Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = root.join("writers.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(VaultError::io("open", &path))?;
        match file.try_lock() {
            Ok(()) => {
                return Ok(Self {
                    file,
                    path,
                    alone: true,
                })
            }
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(e)) => return Err(VaultError::io("lock", &path)(e)),
        }
        let mut lock = Self {
            file,
            path,
            alone: false,
        };
        lock.share()?;
        Ok(lock)
    }

    /// Holds the lock shared (after settling alone, or beside other writers), waiting while a
    /// process that opened alone settles.
    fn share(&mut self) -> Result<()> {
        if self.alone {
            self.file
                .unlock()
                .map_err(VaultError::io("unlock", &self.path))?;
        }
        let started = std::time::Instant::now();
        loop {
            match self.file.try_lock_shared() {
                Ok(()) => return Ok(()),
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < Self::WAIT => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(VaultError::Invalid(format!(
                        "`{}` stays locked: another process has been settling the vault for over {} s\n\nhint: wait for it, or stop it",
                        self.path.display(),
                        Self::WAIT.as_secs()
                    )))
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(VaultError::io("lock", &self.path)(e))
                }
            }
        }
    }
}

/// The search index as the handles on one vault share it.
type SharedIndex = Arc<std::sync::Mutex<Option<Arc<custodia_search::SearchIndex>>>>;

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("root", &self.root)
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

const CONFIG: &str = "vault.json";

/// The vault's blob store, where `vault.json` says it is.
fn open_blobs(root: &Path, config: &VaultConfig, keys: &VaultKeys) -> Result<Arc<dyn BlobStore>> {
    Ok(match &config.blobs {
        None => Arc::new(LocalBlobStore::open(
            &root.join("blobs"),
            &keys.blob_wrap,
            &keys.blob_name,
        )?),
        Some(url) => {
            let mut s3 = S3Config::from_url(url)?;
            if let Some(concurrency) = config.s3_concurrency {
                s3.concurrency = concurrency;
            }
            if let Some(pack_below) = config.s3_pack_below {
                s3.pack_below = pack_below;
            }
            Arc::new(S3BlobStore::open(&s3, &keys.blob_wrap, &keys.blob_name)?)
        }
    })
}

/// Reads and checks `vault.json`.
pub(crate) fn read_config(root: &Path) -> Result<VaultConfig> {
    let config_path = root.join(CONFIG);
    let config: VaultConfig = match fs::read(&config_path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            VaultError::Invalid(format!(
                "`{}` is not a valid vault.json: {e}",
                config_path.display()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VaultError::NotAVault {
                path: root.display().to_string(),
            })
        }
        Err(e) => return Err(VaultError::io("read", &config_path)(e)),
    };
    if config.format != 1 {
        return Err(VaultError::Invalid(format!(
            "unsupported vault format {}",
            config.format
        )));
    }
    Ok(config)
}

/// The vault's catalog, where `vault.json` says it is.
fn open_catalog(root: &Path, config: &VaultConfig, keys: &VaultKeys) -> Result<Box<dyn Catalog>> {
    open_catalog_keyed(root, config, &keys.catalog)
}

fn open_catalog_keyed(
    root: &Path,
    config: &VaultConfig,
    key: &[u8; 32],
) -> Result<Box<dyn Catalog>> {
    Ok(match &config.catalog {
        None => Box::new(SqliteCatalog::open(&root.join("catalog/catalog.db"), key)?),
        Some(url) => Box::new(PostgresCatalog::connect(&PostgresTarget::parse(url)?)?),
    })
}

impl Vault {
    /// Creates a new vault in `root` (which must not exist or be empty).
    pub fn init(root: &Path, administrator: &str) -> Result<Self> {
        Self::init_for(root, administrator, &default_holder())
    }

    /// Creates a new vault held by the organisation `holder`, administered by `administrator`.
    pub fn init_for(root: &Path, administrator: &str, holder: &str) -> Result<Self> {
        Self::init_with(root, administrator, holder, None)
    }

    /// Creates a new vault whose blobs live at `blobs` (`s3://BUCKET[/PREFIX]`; `None`: the data
    /// directory's `blobs/` folder). An S3 location must be reachable and empty: two vaults
    /// sharing one would remove each other's unfinished uploads.
    pub fn init_with(
        root: &Path,
        administrator: &str,
        holder: &str,
        blobs: Option<&str>,
    ) -> Result<Self> {
        Self::init_scaled(root, administrator, holder, blobs, None)
    }

    /// Creates a new vault whose blobs live at `blobs` (as for [`Vault::init_with`]) and whose
    /// catalog lives in the PostgreSQL database `catalog` (`postgres://USER@HOST:PORT/DB`;
    /// `None`: the data directory's encrypted SQLite catalog). The database must not hold
    /// another vault's catalog. The master key is wrapped by the passphrase in the file named by
    /// `CUSTODIA_PASSPHRASE_FILE`, if that is set.
    pub fn init_scaled(
        root: &Path,
        administrator: &str,
        holder: &str,
        blobs: Option<&str>,
        catalog: Option<&str>,
    ) -> Result<Self> {
        let passphrase_file = passphrase_file_from_env();
        Self::init_keyed(
            root,
            administrator,
            holder,
            blobs,
            catalog,
            passphrase_file.as_deref(),
        )
    }

    /// Creates a new vault as [`Vault::init_scaled`] does, its master key wrapped by the
    /// passphrase in `passphrase_file` if one is given (`None`: a bare key, readable by the
    /// owner only).
    pub fn init_keyed(
        root: &Path,
        administrator: &str,
        holder: &str,
        blobs: Option<&str>,
        catalog: Option<&str>,
        passphrase_file: Option<&Path>,
    ) -> Result<Self> {
        let catalog_target = catalog.map(PostgresTarget::parse).transpose()?;
        if let Some(target) = &catalog_target {
            // Before anything is created, as for the blobs below.
            let probe = PostgresCatalog::connect(target)?;
            if let Some(other) = probe.meta("vault_id")? {
                return Err(VaultError::Invalid(format!(
                    "the database `{target}` already holds the catalog of vault {other}\n\n\
                     hint: give each vault its own empty database (createdb)"
                )));
            }
        }
        if let Some(url) = blobs {
            // Before anything is created: a wrong URL, endpoint or key leaves no half-made vault.
            let probe = S3BlobStore::open(&S3Config::from_url(url)?, &[0; 32], &[0; 32])?;
            if probe.holds_objects()? {
                return Err(VaultError::Invalid(format!(
                    "`{url}` already holds objects\n\nhint: give each vault its own empty \
                     location, e.g. `{}/vault-2`",
                    probe.url()
                )));
            }
        }
        if administrator.trim().is_empty() || holder.trim().is_empty() {
            return Err(VaultError::Invalid(
                "the administrator's and the holder's names must not be empty".into(),
            ));
        }
        if root.exists() {
            let mut listing = fs::read_dir(root).map_err(VaultError::io("list", root))?;
            if listing.next().is_some() {
                return Err(VaultError::AlreadyExists {
                    path: root.display().to_string(),
                });
            }
        }
        fs::create_dir_all(root).map_err(VaultError::io("create", root))?;
        use std::os::unix::fs::PermissionsExt;
        // Nobody but the vault's user enters the data directory, whatever the modes of the files
        // other code makes in it.
        fs::set_permissions(root, fs::Permissions::from_mode(0o700))
            .map_err(VaultError::io("restrict", root))?;
        let keys_dir = root.join("keys");
        fs::create_dir(&keys_dir).map_err(VaultError::io("create", &keys_dir))?;
        fs::set_permissions(&keys_dir, fs::Permissions::from_mode(0o700))
            .map_err(VaultError::io("restrict", &keys_dir))?;
        let mut id = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let vault_id = hex::encode(id);
        let config = VaultConfig {
            format: 1,
            origin: format!("custodia.vault/{vault_id}"),
            vault_id,
            created_at: custody::now(),
            administrator: administrator.to_owned(),
            holder: holder.to_owned(),
            archive_limits: ArchiveLimits::default(),
            checkpoint_interval_secs: default_checkpoint_interval(),
            upload_expiry_days: default_upload_expiry_days(),
            blobs: blobs.map(str::to_owned),
            catalog: catalog_target.as_ref().map(|t| t.redacted().to_owned()),
            public_checkpoints: false,
            trusted_proxies: Vec::new(),
            smtp: None,
            tsa_urls: Vec::new(),
            tsa_ca_file: None,
            s3_concurrency: None,
            s3_pack_below: None,
        };
        let keys = VaultKeys::create(&keys_dir.join("master.key"), passphrase_file)?;
        LedgerSigner::create_key_file(&keys_dir.join("ledger.key"), &config.origin)?;
        Ledger::create(&root.join("ledger"), &config.origin)?;
        if config.catalog.is_none() {
            let catalog_dir = root.join("catalog");
            fs::create_dir(&catalog_dir).map_err(VaultError::io("create", &catalog_dir))?;
            // SQLite gives its WAL and shared-memory files the database file's mode: an empty
            // file made here owner-only (SQLite takes it for a new database) keeps all three so.
            let db = catalog_dir.join("catalog.db");
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&db)
                .map_err(VaultError::io("create", &db))?;
        }
        let mut catalog = open_catalog(root, &config, &keys)?;
        catalog.set_meta("vault_id", &config.vault_id)?;
        open_blobs(root, &config, &keys)?;
        drop(catalog);
        // vault.json last: its presence marks a complete vault.
        let json =
            serde_json::to_vec_pretty(&config).map_err(|e| VaultError::Invalid(e.to_string()))?;
        write_file_durably(&root.join(CONFIG), &json)?;
        Self::open_keyed(root, Access::ReadWrite, passphrase_file)
    }

    /// Opens the vault in `root`. Opening for writing first settles what an interrupted process
    /// left: temporary blobs are removed, and custody events committed to the catalog but not yet
    /// in the log are appended (or matched, if they reached the log before the crash).
    pub fn open(root: &Path, access: Access) -> Result<Self> {
        let config = read_config(root)?;
        Self::open_with_config(root, config, access)
    }

    /// Opens the vault in `root` as [`Vault::open`] does, unwrapping a wrapped master key with
    /// the passphrase in `passphrase_file` (`None`: the file named by `CUSTODIA_PASSPHRASE_FILE`).
    pub fn open_keyed(root: &Path, access: Access, passphrase_file: Option<&Path>) -> Result<Self> {
        let config = read_config(root)?;
        let from_env = passphrase_file_from_env();
        let keys = VaultKeys::load_with(
            &root.join("keys/master.key"),
            passphrase_file.or(from_env.as_deref()),
        )?;
        Self::open_with_keys(root, config, access, keys)
    }

    /// Opens the vault in `root` with `config` in place of its `vault.json` (to check a new
    /// placement before it is written there).
    pub(crate) fn open_with_config(
        root: &Path,
        config: VaultConfig,
        access: Access,
    ) -> Result<Self> {
        let keys = VaultKeys::load(&root.join("keys/master.key"))?;
        Self::open_with_keys(root, config, access, keys)
    }

    fn open_with_keys(
        root: &Path,
        config: VaultConfig,
        access: Access,
        keys: VaultKeys,
    ) -> Result<Self> {
        let ledger_dir = root.join("ledger");
        if config.catalog.is_some() && access == Access::ReadWrite && !ledger_dir.exists() {
            // Another server of a vault whose log is sequenced in its catalog: this data
            // directory starts an empty copy of the log, filled from the catalog on opening.
            // Its blobs must be where every server finds them.
            if config.blobs.is_none() {
                return Err(VaultError::Invalid(format!(
                    "`{}` has no custody log: a further server of this vault needs the blobs in \
                     a shared S3 bucket, not in a data directory\n\nhint: move the blobs with \
                     `custodia migrate --to <catalog URL> --blobs s3://BUCKET/PREFIX` on the first \
                     server",
                    root.display()
                )));
            }
            Ledger::create(&ledger_dir, &config.origin)?;
        }
        // Several processes may write one vault (a server, and a command-line ingest beside it):
        // the log takes its lock per append, the catalog per transaction, the index per update.
        // What only a vault's sole writer may settle (below) waits until a process opens it
        // alone.
        let writers = match access {
            Access::ReadWrite => Some(WriterLock::join(root)?),
            Access::ReadOnly => None,
        };
        let ledger = match access {
            Access::ReadWrite => Ledger::open_shared(&root.join("ledger"))?.0,
            Access::ReadOnly => Ledger::open_read_only(&root.join("ledger"))?,
        };
        let (signer, verifier) = match access {
            Access::ReadWrite => {
                let signer = LedgerSigner::load_key_file(&root.join("keys/ledger.key"))?;
                let verifier = signer.verifier().clone();
                (Some(signer), verifier)
            }
            Access::ReadOnly => {
                // Readers need only the public half; a vault whose key file cannot be read by
                // this user can still be verified if it was opened by its owner.
                let signer = LedgerSigner::load_key_file(&root.join("keys/ledger.key"))?;
                (None, signer.verifier().clone())
            }
        };
        let catalog = open_catalog(root, &config, &keys)?;
        if let Some(url) = &config.catalog {
            // A data directory pointed at another vault's database would mix two custody
            // records: refuse before anything is read or written.
            let held = catalog.meta("vault_id")?;
            if held.as_deref() != Some(config.vault_id.as_str()) {
                return Err(VaultError::Invalid(format!(
                    "the database `{url}` holds the catalog of {}, not of this vault ({})",
                    held.map_or_else(|| "no vault".to_owned(), |id| format!("vault {id}")),
                    config.vault_id
                )));
            }
        }
        let blobs = open_blobs(root, &config, &keys)?;
        let mut vault = Self {
            root: root.to_owned(),
            config,
            blobs,
            catalog,
            ledger,
            signer,
            verifier,
            access,
            search_key: keys.search_index,
            upload_key: keys.upload_staging,
            sealer: custody::EntrySealer::new(&keys.custody_salt),
            identity_key: keys.witness_identity,
            case_text_key: keys.case_text,
            victim_seal_key: keys.victim_seal,
            victim_digest_key: keys.victim_digest,
            harm_seal_key: keys.harm_seal,
            search_index: Arc::new(std::sync::Mutex::new(None)),
            catalog_key: keys.catalog,
            _writers: None,
        };
        if let Some(mut writers) = writers {
            if writers.alone {
                // Nobody else writes: what an interrupted process left is settled now. (With
                // another writer alive, its unfinished blobs and its custody events between
                // catalog and log are not leftovers.)
                vault.settle_private_files();
                vault.blobs.clean_temporary()?;
                vault.reconcile()?;
                // After the reconciliation: each expiry is a custody entry of its own.
                if let Err(e) = vault.expire_uploads() {
                    tracing::warn!(error = %e, "abandoned uploads could not be expired");
                }
            }
            vault.ensure_administrator()?;
            writers.share()?;
            vault._writers = Some(writers);
        }
        Ok(vault)
    }

    /// Another handle on this vault, for reading only: its own catalog connection and its own
    /// read-only view of the custody log, sharing this handle's keys, blob store and search
    /// index. A server answers reads (searches, pages, health) on such handles while its
    /// writing handle ingests, finishes uploads or records extractions; SQLite's WAL lets
    /// them read the last committed state meanwhile. [`Vault::refresh`] brings a reader's view
    /// of the log up to date before each use.
    pub fn reader(&self) -> Result<Vault> {
        Ok(Vault {
            root: self.root.clone(),
            config: self.config.clone(),
            blobs: Arc::clone(&self.blobs),
            catalog: open_catalog_keyed(&self.root, &self.config, &self.catalog_key)?,
            ledger: Ledger::open_read_only(&self.root.join("ledger"))?,
            signer: None,
            verifier: self.verifier.clone(),
            access: Access::ReadOnly,
            search_key: self.search_key,
            upload_key: self.upload_key,
            sealer: self.sealer.clone(),
            identity_key: self.identity_key,
            case_text_key: self.case_text_key,
            victim_seal_key: self.victim_seal_key,
            victim_digest_key: self.victim_digest_key,
            harm_seal_key: self.harm_seal_key,
            search_index: Arc::clone(&self.search_index),
            catalog_key: self.catalog_key,
            _writers: None,
        })
    }

    /// A second writing handle on this vault, as another process would hold: its own catalog
    /// connection and its own shared appends to the log, taking turns with this handle per
    /// step (see `Ledger::open_shared`). A server records the custody entries of reads on such
    /// a handle, so that they never queue behind an ingest on the main one. `None` for a vault
    /// whose log is sequenced in a shared catalog (there each server keeps one writer, which
    /// catches its copy of the log up).
    pub fn another_writer(&self) -> Result<Option<Vault>> {
        self.require_write()?;
        if self.shared_sequence() {
            return Ok(None);
        }
        let writers = WriterLock::join(&self.root)?;
        let signer = LedgerSigner::load_key_file(&self.root.join("keys/ledger.key"))?;
        let mut writer = Vault {
            root: self.root.clone(),
            config: self.config.clone(),
            blobs: Arc::clone(&self.blobs),
            catalog: open_catalog_keyed(&self.root, &self.config, &self.catalog_key)?,
            ledger: Ledger::open_shared(&self.root.join("ledger"))?.0,
            signer: Some(signer),
            verifier: self.verifier.clone(),
            access: Access::ReadWrite,
            search_key: self.search_key,
            upload_key: self.upload_key,
            sealer: self.sealer.clone(),
            identity_key: self.identity_key,
            case_text_key: self.case_text_key,
            victim_seal_key: self.victim_seal_key,
            victim_digest_key: self.victim_digest_key,
            harm_seal_key: self.harm_seal_key,
            search_index: Arc::clone(&self.search_index),
            catalog_key: self.catalog_key,
            _writers: None,
        };
        let mut writers = writers;
        writers.share()?;
        writer._writers = Some(writers);
        Ok(Some(writer))
    }

    /// Picks up what was committed since this handle last looked: its view of the custody log,
    /// which another handle or process may have appended to (the catalog's connection sees
    /// each commit by itself).
    pub fn refresh(&self) -> Result<()> {
        self.ledger.refresh()?;
        Ok(())
    }

    /// Whether this handle may write (opened with [`Access::ReadWrite`]).
    pub fn writable(&self) -> bool {
        self.access == Access::ReadWrite
    }

    /// What opening for writing settles so that nothing decrypted or readable by others stays in
    /// the data directory: the folder is made owner-only again if it was opened up; external
    /// tools' folders left by killed processes are removed (the data directory's `tmp/` being the
    /// last place for them, see `custodia_extract::scratch`). Each is reported, none stops the
    /// vault from opening. (Abandoned uploads expire just after, once the log is reconciled.)
    fn settle_private_files(&self) {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(&self.root) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    path = %self.root.display(),
                    "the data directory could be entered by other users; it is made owner-only (0700)"
                );
                let _ = fs::set_permissions(&self.root, fs::Permissions::from_mode(0o700));
            }
        }
        custodia_extract::scratch::set_fallback(&self.root.join("tmp"));
        let swept = custodia_extract::scratch::sweep();
        if swept > 0 {
            tracing::warn!(
                folders = swept,
                "removed external tools' folders left by processes that were killed"
            );
        }
    }

    /// Appends to the log every event the catalog holds as pending, recording their positions.
    fn reconcile(&mut self) -> Result<()> {
        if self.shared_sequence() {
            // Whatever any server left pending is sequenced now; this copy then catches up.
            self.catalog.sequence_pending()?;
            return self.catch_up();
        }
        let pending = self.catalog.pending_events()?;
        if pending.is_empty() {
            return Ok(());
        }
        // A crash between appending batches and recording their positions (recorded without
        // waiting for the disk, see `mark_logged`) leaves exactly those batches at the end of
        // the log — in the order the writing handles appended them, which need not be the
        // order their events were recorded in: match them rather than log them twice.
        let size = self.ledger.size();
        let k = pending.len() as u64;
        if size >= k {
            let start = size - k;
            let mut positions: std::collections::HashMap<Vec<u8>, Vec<u64>> =
                std::collections::HashMap::new();
            for index in (start..size).rev() {
                positions
                    .entry(self.ledger.entry(index)?)
                    .or_default()
                    .push(index);
            }
            let logged: Option<Vec<(i64, u64)>> = pending
                .iter()
                .map(|e| {
                    let index = positions.get_mut(&e.entry)?.pop()?;
                    Some((e.id, index))
                })
                .collect();
            if let Some(logged) = logged {
                self.catalog.mark_logged(&logged)?;
                return Ok(());
            }
        }
        tracing::warn!(
            events = pending.len(),
            "appending custody events left pending by an interrupted process"
        );
        self.append_pending(&pending)?;
        Ok(())
    }

    /// Whether the custody log's order is kept by the catalog, shared by every server of the
    /// vault (a PostgreSQL catalog), rather than by this data directory's ledger alone.
    fn shared_sequence(&self) -> bool {
        self.config.catalog.is_some()
    }

    /// Appends to this data directory's copy of the custody log every entry the shared sequence
    /// holds beyond it, after checking that the copy is a prefix of that sequence.
    fn catch_up(&self) -> Result<()> {
        let size = self.ledger.size();
        if size > 0 {
            let shared = self.catalog.logged_entries(size - 1, 1)?;
            let local = self.ledger.entry(size - 1)?;
            if !matches!(shared.first(), Some((at, entry)) if *at == size - 1 && *entry == local) {
                return Err(VaultError::Invalid(format!(
                    "this data directory's custody log ({size} entries) is not a prefix of the \
                     log sequenced in the catalog: it belongs to another vault, or was altered"
                )));
            }
        }
        let mut next = size;
        loop {
            let batch = self.catalog.logged_entries(next, 10_000)?;
            if batch.is_empty() {
                return Ok(());
            }
            if let Some((i, (at, _))) = batch
                .iter()
                .enumerate()
                .find(|(i, (at, _))| *at != next + *i as u64)
            {
                return Err(VaultError::Invalid(format!(
                    "the catalog's log sequence has a gap: position {} holds no entry (the next \
                     is {at})",
                    next + i as u64
                )));
            }
            let entries: Vec<&[u8]> = batch.iter().map(|(_, e)| e.as_slice()).collect();
            self.ledger.append(&entries)?;
            next += batch.len() as u64;
        }
    }

    fn append_pending(&mut self, pending: &[custodia_catalog::PendingEvent]) -> Result<Vec<u64>> {
        if self.shared_sequence() {
            // Several servers may write this vault: the catalog gives the positions (in one
            // locked transaction for all servers), and this server's copy of the log follows.
            self.catalog.sequence_pending()?;
            self.catch_up()?;
            let ids: Vec<i64> = pending.iter().map(|e| e.id).collect();
            return self
                .catalog
                .ledger_positions(&ids)?
                .into_iter()
                .zip(pending)
                .map(|(position, event)| {
                    position.ok_or_else(|| {
                        VaultError::Invalid(format!("custody event {} was not sequenced", event.id))
                    })
                })
                .collect();
        }
        let entries: Vec<&[u8]> = pending.iter().map(|e| e.entry.as_slice()).collect();
        let range = self.ledger.append(&entries)?;
        let logged: Vec<_> = pending
            .iter()
            .zip(range.clone())
            .map(|(e, i)| (e.id, i))
            .collect();
        self.catalog.mark_logged(&logged)?;
        Ok(range.collect())
    }

    /// Records custody events for existing items (views, downloads) and appends them to the log.
    pub(crate) fn record(&mut self, events: &[NewEvent]) -> Result<Vec<u64>> {
        self.require_write()?;
        let mut events = events.to_vec();
        self.sealer.seal_events(&mut events)?;
        let pending = self.catalog.record_events(&events)?;
        self.append_pending(&pending)
    }

    fn require_write(&self) -> Result<()> {
        if self.access != Access::ReadWrite {
            return Err(VaultError::Invalid("the vault was opened read-only".into()));
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config(&self) -> &VaultConfig {
        &self.config
    }
    /// Whether the vault can serve: the catalog answers a query and the log its size. Returns
    /// the log's size.
    pub fn ready(&self) -> Result<u64> {
        self.catalog.meta("format")?;
        Ok(self.ledger.size())
    }
    /// The verifier key of the vault's custody log.
    pub fn verifier(&self) -> &LedgerVerifier {
        &self.verifier
    }

    /// With a log sequenced in the catalog (a vault written by several servers), brings this
    /// data directory's copy up to the last sequenced entry, so that what other servers logged
    /// can be proved here too; otherwise nothing to do.
    pub fn follow_log(&self) -> Result<()> {
        if self.shared_sequence() && self.access == Access::ReadWrite {
            self.catch_up()
        } else {
            // Another process writing this data directory may have appended since.
            self.ledger.refresh()?;
            Ok(())
        }
    }

    /// A checkpoint covering the whole log (signing a new one if the log grew).
    pub fn checkpoint(&self) -> Result<custodia_ledger::SignedCheckpoint> {
        self.follow_log()?;
        match &self.signer {
            Some(signer) => Ok(self.ledger.checkpoint(signer)?),
            None => Err(VaultError::Invalid(
                "signing a checkpoint needs the vault opened for writing".into(),
            )),
        }
    }

    /// Signs a checkpoint if the configured interval has passed and the log grew.
    pub fn checkpoint_if_due(&self) -> Result<()> {
        if let Some(signer) = &self.signer {
            let interval = Duration::from_secs(self.config.checkpoint_interval_secs);
            self.ledger.checkpoint_if_due(signer, interval)?;
        }
        Ok(())
    }

    pub(crate) fn item(&self, hash: &ContentHash) -> Result<ItemRow> {
        self.catalog
            .item(&hash.to_hex())?
            .ok_or_else(|| VaultError::NoSuchItem(hash.to_hex()))
    }

    pub(crate) fn submissions(&self, hash: &ContentHash) -> Result<Vec<SubmissionRow>> {
        Ok(self.catalog.submissions_of(&hash.to_hex())?)
    }

    /// The item's custody events, oldest first, with their log positions.
    pub(crate) fn history(&self, hash: &ContentHash) -> Result<Vec<EventRow>> {
        self.item(hash)?;
        Ok(self.catalog.history(&hash.to_hex())?)
    }

    /// Decrypts item `hash` to `out` (a new file), checking every byte against the SHA-256, and
    /// records who took it out and why. The file appears only once the download is logged.
    pub fn get(
        &mut self,
        hash: &ContentHash,
        out: &Path,
        actor: &str,
        reason: &str,
    ) -> Result<GetReceipt> {
        self.require_write()?;
        let who = self.principal(actor)?;
        self.authorise(&who, custodia_access::Action::Download, hash, None)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(VaultError::Invalid(
                "a reason is required to take an item out of the vault".into(),
            ));
        }
        let item = self.item(hash)?;
        if out.exists() {
            return Err(VaultError::OutputExists(out.display().to_string()));
        }
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut reader = self.blobs.open(hash)?;
        let mut tmp = tempfile_in(dir)?;
        // Whatever fails on the way, no partial copy is left beside `out`.
        let copied = (|| -> Result<u64> {
            let mut hasher = sha2::Sha256::default();
            let mut buf = vec![0u8; 1 << 20];
            let mut written = 0u64;
            loop {
                let n = reader
                    .read(&mut buf)
                    .map_err(|e| VaultError::Invalid(format!("reading item {hash}: {e}")))?;
                if n == 0 {
                    break;
                }
                sha2::Digest::update(&mut hasher, &buf[..n]);
                tmp.1
                    .write_all(&buf[..n])
                    .map_err(VaultError::io("write", &tmp.0))?;
                written += n as u64;
            }
            let digest: [u8; 32] = sha2::Digest::finalize(hasher).into();
            if digest != hash.0 || written != item.size {
                return Err(VaultError::Invalid(format!(
                    "the stored bytes of item {hash} no longer match its SHA-256; nothing was written\n\nhint: run `custodia verify --deep`"
                )));
            }
            tmp.1.sync_all().map_err(VaultError::io("sync", &tmp.0))?;
            Ok(written)
        })();
        let written = match copied {
            Ok(written) => written,
            Err(e) => {
                let _ = fs::remove_file(&tmp.0);
                return Err(e);
            }
        };
        let logged = self.record_download(
            actor,
            hash,
            serde_json::json!({
                "reason": reason, "bytes": written, "organisation": who.organisation,
            }),
        );
        let ledger_index = match logged {
            Ok(i) => i,
            Err(e) => {
                let _ = fs::remove_file(&tmp.0);
                return Err(e);
            }
        };
        fs::rename(&tmp.0, out).map_err(VaultError::io("move into place", out))?;
        self.checkpoint_if_due()?;
        Ok(GetReceipt {
            sha256: hash.to_hex(),
            bytes: written,
            ledger_index,
        })
    }

    /// Records that `actor` took item `hash` out, with `details` (reason, bytes, organisation…).
    fn record_download(
        &mut self,
        actor: &str,
        hash: &ContentHash,
        details: serde_json::Value,
    ) -> Result<u64> {
        let details = details.to_string();
        let indexes = self.record(&[NewEvent {
            time: custody::now(),
            actor: actor.to_owned(),
            action: action::DOWNLOAD.into(),
            item: Some(hash.to_hex()),
            details,
            // Sealed by `record`.
            entry: Vec::new(),
        }])?;
        Ok(indexes.first().copied().unwrap_or(0))
    }

    /// Lets `actor` read item `hash` as a stream (for the API's downloads): authorises the
    /// download, records it with its purpose in the custody log, then hands out a reader of the
    /// plaintext (which checks every chunk's authentication tag as it goes).
    pub fn open_for_download(
        &mut self,
        hash: &ContentHash,
        actor: &str,
        purpose: &str,
    ) -> Result<(ItemRow, Box<dyn custodia_blobstore::BlobReader>, u64)> {
        self.require_write()?;
        let who = self.principal(actor)?;
        self.authorise(&who, custodia_access::Action::Download, hash, None)?;
        let purpose = purpose.trim();
        if purpose.is_empty() {
            return Err(VaultError::Invalid(
                "a purpose is required to take an item out of the vault".into(),
            ));
        }
        let item = self.item(hash)?;
        let reader = self.blobs.open(hash)?;
        let ledger_index = self.record_download(
            actor,
            hash,
            serde_json::json!({
                "reason": purpose, "bytes": item.size, "organisation": who.organisation,
                "channel": "api",
            }),
        )?;
        self.checkpoint_if_due()?;
        Ok((item, reader, ledger_index))
    }

    /// The log position of the (first) ingest entry of item `hash`, for `actor` who may read
    /// its custody history; an item `actor` may not read is reported like one without one.
    pub fn ingest_entry_for(&self, actor: &str, hash: &ContentHash) -> Result<u64> {
        let none = || {
            VaultError::Invalid(format!(
                "item {hash} has no logged ingest entry that you may see"
            ))
        };
        match self.authorise_as(actor, custodia_access::Action::ViewHistory, hash) {
            Ok(_) => {}
            Err(VaultError::Denied { .. } | VaultError::NoSuchItem(_)) => return Err(none()),
            Err(e) => return Err(e),
        }
        self.catalog
            .history(&hash.to_hex())?
            .into_iter()
            .find(|e| e.action == action::INGEST)
            .and_then(|e| e.ledger_index)
            .ok_or_else(none)
    }
}

/// What `get` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct GetReceipt {
    pub sha256: String,
    pub bytes: u64,
    pub ledger_index: u64,
}

fn tempfile_in(dir: &Path) -> Result<(PathBuf, fs::File)> {
    let mut random = [0u8; 8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random)
        .map_err(|_| VaultError::Crypto("no system randomness"))?;
    let path = dir.join(format!(".custodia-get-{}.part", hex::encode(random)));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&path)
        .map_err(VaultError::io("create", &path))?;
    Ok((path, file))
}

/// temp file (owner-only) → fsync → rename → fsync folder.
pub(crate) fn write_file_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = path.with_extension("tmp");
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(VaultError::io("create", &tmp))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(VaultError::io("write", &tmp))?;
    fs::rename(&tmp, path).map_err(VaultError::io("rename into place", path))?;
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(VaultError::io("sync", dir))?;
    Ok(())
}

/// What the vault's own tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::{ExtractOptions, IngestOptions, IngestProgress, Vault};

    struct Quiet;
    impl IngestProgress for Quiet {}

    /// A vault in `dir/v` holding one text file (`dir/in/a.txt`, "register of Badush prison",
    /// supplied by UNITAD for case C-1), extracted and indexed.
    pub fn vault_with_one_text(dir: &std::path::Path) -> Vault {
        let mut vault = Vault::init(&dir.join("v"), "admin").unwrap();
        let input = dir.join("in");
        std::fs::create_dir(&input).unwrap();
        std::fs::write(input.join("a.txt"), "register of Badush prison").unwrap();
        let options = IngestOptions {
            originator: "UNITAD".into(),
            case_ref: Some("C-1".into()),
            actor: "admin".into(),
            ..IngestOptions::default()
        };
        vault.ingest(&[input], options, &Quiet).unwrap();
        vault
            .extract_pending(&ExtractOptions::default(), "admin")
            .unwrap();
        vault
    }
}

#[cfg(test)]
mod reconcile_tests {
    use crate::custody::action;
    use crate::{Access, Vault};

    fn read_event(actor: &str, query: &str) -> custodia_catalog::NewEvent {
        custodia_catalog::NewEvent {
            time: crate::custody::now(),
            actor: actor.into(),
            action: action::SEARCH.into(),
            item: None,
            details: serde_json::json!({ "query": query }).to_string(),
            entry: Vec::new(),
        }
    }

    /// Two writing handles' batches reach the log in the other order than their events were
    /// recorded, and the process dies before either batch's positions are durable: opening
    /// the vault marks both batches where they are, logging nothing twice.
    #[test]
    fn batches_appended_but_not_marked_are_found_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("v");
        let mut vault = Vault::init(&root, "admin").unwrap();
        let mut first = vec![read_event("admin", "Badush"), read_event("admin", "Sinjar")];
        let mut second = vec![read_event("admin", "Mosul")];
        vault.sealer.seal_events(&mut first).unwrap();
        vault.sealer.seal_events(&mut second).unwrap();
        let first = vault.catalog.record_events(&first).unwrap();
        let second = vault.catalog.record_events(&second).unwrap();
        for batch in [&second, &first] {
            let entries: Vec<&[u8]> = batch.iter().map(|e| e.entry.as_slice()).collect();
            vault.ledger.append(&entries).unwrap();
        }
        let size = vault.ledger.size();
        drop(vault);

        let vault = Vault::open(&root, Access::ReadWrite).unwrap();
        assert_eq!(vault.ledger.size(), size, "nothing was logged twice");
        assert!(vault.catalog.pending_events().unwrap().is_empty());
        let positions = vault
            .catalog
            .ledger_positions(&[first[0].id, first[1].id, second[0].id])
            .unwrap();
        assert_eq!(
            positions,
            [Some(size - 2), Some(size - 1), Some(size - 3)],
            "each event is marked where its entry is"
        );
    }
}

#[cfg(test)]
mod private_files_tests {
    use std::os::unix::fs::PermissionsExt;

    use crate::{Access, Vault};

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// Whatever the process's umask (a library user may not set one), the vault's own files are
    /// owner-only, and the folder is made so again when it was opened up.
    #[test]
    fn the_vault_makes_its_own_files_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("v");
        let vault = Vault::init(&root, "admin").unwrap();
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("vault.json")), 0o600);
        assert_eq!(mode(&root.join("keys/master.key")), 0o600);
        let catalog = root.join("catalog");
        for name in ["catalog.db", "catalog.db-wal", "catalog.db-shm"] {
            if catalog.join(name).exists() {
                assert_eq!(mode(&catalog.join(name)), 0o600, "{name}");
            }
        }
        drop(vault);
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        drop(Vault::open(&root, Access::ReadWrite).unwrap());
        assert_eq!(mode(&root), 0o700);
    }
}
