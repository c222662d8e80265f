//! `migrate`: moves a vault's catalog and blobs to another placement (the data directory, a
//! PostgreSQL database, an S3 bucket) and back, resumably, checking everything on arrival.
//!
//! The vault is opened for writing throughout, so nothing changes it while it is copied. The
//! catalog is copied table by table ([`SqlCatalog::copy_into`]); every blob is read, re-hashed and
//! written to the new store, which must give back the SHA-256 the item is named by. Then the vault
//! is opened on the new placement and verified (log, catalog against log, every blob present);
//! only if that passes is `vault.json` rewritten to name it. Until then the vault stays where it
//! was, whole. The old placement is left as it is, for the operator to remove once backed up.
//!
//! An interrupted migration resumes where it stopped: rows and blobs already copied are kept.
//! The target catalog remembers the state of the vault it was copied from (the log's size and
//! root); if the vault has changed since, a partial copy is refused rather than completed with
//! rows that may be stale.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use custodia_access::Role;
use custodia_blobstore::{BlobStore, ContentHash, IfPresent};
use custodia_catalog::{
    Catalog, CatalogError, CopyReport, PostgresCatalog, PostgresTarget, SqliteCatalog,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::verify::{VerifyOptions, VerifyReport};
use crate::{
    open_blobs, write_file_durably, Access, Result, Vault, VaultConfig, VaultError, VaultKeys,
    CONFIG,
};

/// Where a vault's catalog and blobs are to live (`None`: in the data directory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    /// `postgres://USER@HOST:PORT/DB`.
    pub catalog: Option<String>,
    /// `s3://BUCKET[/PREFIX]`.
    pub blobs: Option<String>,
}

/// Progress of a migration, for a terminal.
#[derive(Debug, Clone)]
pub enum MigrateProgress<'a> {
    Table {
        table: &'a str,
        rows_copied: u64,
    },
    Blobs {
        checked: u64,
        copied: u64,
        bytes: u64,
    },
    Verifying,
}

/// What a migration did.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateReport {
    pub from: PlacementReport,
    pub to: PlacementReport,
    /// Per table: rows in the vault, and rows this run copied.
    pub tables: Vec<TableReport>,
    /// Blobs checked (every item and derived item), copied by this run, and their bytes.
    pub blobs_checked: u64,
    pub blobs_copied: u64,
    pub bytes_copied: u64,
    /// The vault verified on its new placement before `vault.json` was changed.
    pub verify: VerifyReport,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlacementReport {
    /// `data_dir` or the PostgreSQL URL (without password).
    pub catalog: String,
    /// `data_dir` or the `s3://` location.
    pub blobs: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    pub table: String,
    pub rows: u64,
    pub copied: u64,
}

/// A catalog of either engine, opened for copying (which needs the concrete type).
enum AnyCatalog {
    Sqlite(SqliteCatalog),
    Postgres(Box<PostgresCatalog>),
}

impl AnyCatalog {
    fn open(root: &Path, catalog: Option<&str>, keys: &VaultKeys) -> Result<Self> {
        Ok(match catalog {
            None => {
                let dir = root.join("catalog");
                std::fs::create_dir_all(&dir).map_err(VaultError::io("create", &dir))?;
                Self::Sqlite(SqliteCatalog::open(&dir.join("catalog.db"), &keys.catalog)?)
            }
            Some(url) => Self::Postgres(Box::new(PostgresCatalog::connect(
                &PostgresTarget::parse(url)?,
            )?)),
        })
    }

    fn catalog(&mut self) -> &mut dyn Catalog {
        match self {
            Self::Sqlite(c) => c,
            Self::Postgres(c) => c.as_mut(),
        }
    }

    fn copy_into(
        &self,
        target: &mut AnyCatalog,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<CopyReport> {
        Ok(match (self, target) {
            (Self::Sqlite(a), Self::Sqlite(b)) => a.copy_into(b, progress)?,
            (Self::Sqlite(a), Self::Postgres(b)) => a.copy_into(b, progress)?,
            (Self::Postgres(a), Self::Sqlite(b)) => a.copy_into(b, progress)?,
            (Self::Postgres(a), Self::Postgres(b)) => a.copy_into(b, progress)?,
        })
    }
}

/// The placement as text for reports: the location, or `data_dir`.
fn shown(location: &Option<String>) -> String {
    location.clone().unwrap_or_else(|| "data_dir".into())
}

/// Normalises a catalog URL to the form `vault.json` keeps (no password), so placements compare.
fn stored_catalog(url: Option<&str>) -> Result<Option<String>> {
    Ok(url
        .map(PostgresTarget::parse)
        .transpose()?
        .map(|t| t.redacted().to_owned()))
}

/// Copies one blob between stores, checking on the way that its bytes hash to its name.
/// Returns the bytes copied, or `None` if the target already held it.
fn copy_blob(from: &dyn BlobStore, to: &dyn BlobStore, hash: &ContentHash) -> Result<Option<u64>> {
    if to.contains(hash)? {
        return Ok(None);
    }
    let mut reader = from.open(hash)?;
    let mut writer = to.writer()?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut copied = 0u64;
    let io = |e: std::io::Error| {
        VaultError::Invalid(format!("cannot copy the blob of item {hash}: {e}"))
    };
    loop {
        let n = reader.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        writer.write_all(&buffer[..n]).map_err(io)?;
        copied += n as u64;
    }
    let got = ContentHash(hasher.finalize().into());
    if got != *hash {
        // The unfinished writer is dropped: nothing reaches the new store.
        return Err(VaultError::Invalid(format!(
            "the blob of item {hash} reads back as {got} from the current store; nothing was \
             moved\n\nhint: run `custodia verify --deep` and restore that blob from a backup"
        )));
    }
    writer.finish(hash, IfPresent::Keep)?;
    Ok(Some(copied))
}

use custodia_catalog::MIGRATION_MARKER as MIGRATING_FROM;

impl Vault {
    /// Moves the vault in `root` to the placement `to` (see the module's documentation).
    pub fn migrate(
        root: &Path,
        to: &Placement,
        actor: Option<&str>,
        progress: &mut dyn FnMut(MigrateProgress<'_>),
    ) -> Result<MigrateReport> {
        let started = Instant::now();
        // Opening for writing takes the log's lock (no other writer until we are done) and
        // settles what a crash left pending, so the catalog and the log agree before copying.
        let vault = Vault::open(root, Access::ReadWrite)?;
        let config = vault.config.clone();
        let actor = actor.unwrap_or(&config.administrator).to_owned();
        let who = vault.principal(&actor)?;
        vault.require_holder_role(&who, Role::Administrator, "migrating the vault")?;
        let target_catalog = stored_catalog(to.catalog.as_deref())?;
        if target_catalog == config.catalog && to.blobs == config.blobs {
            return Err(VaultError::Invalid(
                "the vault is already placed there; nothing to migrate".into(),
            ));
        }
        let keys = VaultKeys::load(&root.join("keys/master.key"))?;
        let state = format!(
            "{} log size {} root {}",
            config.vault_id,
            vault.ledger.size(),
            hex::encode(vault.ledger.root_at(vault.ledger.size())?.0)
        );

        // The catalog.
        let mut tables = Vec::new();
        if target_catalog != config.catalog {
            let source = AnyCatalog::open(root, config.catalog.as_deref(), &keys)?;
            let mut target = AnyCatalog::open(root, to.catalog.as_deref(), &keys)?;
            {
                let target = target.catalog();
                let holds_rows = target.item_count()? > 0 || target.meta("vault_id")?.is_some();
                match target.meta(MIGRATING_FROM)? {
                    Some(from) if from == state => {}
                    Some(from) if holds_rows => {
                        return Err(VaultError::Invalid(format!(
                            "the target catalog holds a partial copy of this vault as it was \
                             ({from}); the vault has changed since ({state})\n\nhint: empty the \
                             target (a new database, or move `catalog/catalog.db` aside) and \
                             migrate again"
                        )))
                    }
                    None if holds_rows => {
                        return Err(VaultError::Invalid(
                            "the target catalog is not empty and holds no migration of this \
                             vault in progress\n\nhint: migrate into an empty database (or move \
                             an old `catalog/catalog.db` aside)"
                                .into(),
                        ))
                    }
                    _ => target.set_meta(MIGRATING_FROM, &state)?,
                }
            }
            let report = source.copy_into(&mut target, &mut |table, rows_copied| {
                progress(MigrateProgress::Table { table, rows_copied })
            })?;
            tables = report
                .tables
                .into_iter()
                .map(|t| TableReport {
                    table: t.table.to_owned(),
                    rows: t.rows,
                    copied: t.copied,
                })
                .collect();
        }

        // The blobs: every item's and every derived item's.
        let (mut checked, mut copied, mut bytes) = (0u64, 0u64, 0u64);
        if to.blobs != config.blobs {
            let target_config = VaultConfig {
                blobs: to.blobs.clone(),
                ..config.clone()
            };
            let target = open_blobs(root, &target_config, &keys)?;
            let source = vault.blobs.clone();
            let mut failure: Option<VaultError> = None;
            let mut visit = |sha: &str| -> std::result::Result<(), CatalogError> {
                let step = sha
                    .parse::<ContentHash>()
                    .map_err(VaultError::from)
                    .and_then(|hash| copy_blob(source.as_ref(), target.as_ref(), &hash));
                match step {
                    Ok(done) => {
                        checked += 1;
                        if let Some(n) = done {
                            copied += 1;
                            bytes += n;
                        }
                        if checked % 1000 == 0 {
                            progress(MigrateProgress::Blobs {
                                checked,
                                copied,
                                bytes,
                            });
                        }
                        Ok(())
                    }
                    Err(e) => {
                        failure = Some(e);
                        Err(CatalogError::Invalid("blob copy stopped".into()))
                    }
                }
            };
            let scanned = vault
                .catalog
                .for_each_item(&mut |item| visit(&item.sha256))
                .and_then(|()| {
                    vault
                        .catalog
                        .for_each_derived(&mut |derived| visit(&derived.sha256))
                });
            if let Some(e) = failure {
                return Err(e);
            }
            scanned?;
            target.sync()?;
            progress(MigrateProgress::Blobs {
                checked,
                copied,
                bytes,
            });
        }

        // Check the vault on its new placement before naming it in vault.json.
        progress(MigrateProgress::Verifying);
        let new_config = VaultConfig {
            catalog: target_catalog,
            blobs: to.blobs.clone(),
            ..config.clone()
        };
        let report = {
            let moved = Vault::open_with_config(root, new_config.clone(), Access::ReadOnly)?;
            moved.verify(VerifyOptions { deep: false })?
        };
        if !report.ok {
            return Err(VaultError::Invalid(format!(
                "the vault on its new placement does not verify ({} fault(s), the first: {}); \
                 vault.json is unchanged and the vault stays where it was",
                report.faults.len(),
                report
                    .faults
                    .first()
                    .map_or_else(String::new, |f| f.detail.clone())
            )));
        }
        let json = serde_json::to_vec_pretty(&new_config)
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        write_file_durably(&root.join(CONFIG), &json)?;
        drop(vault);
        // Record the move in the custody log, on the new placement.
        let mut moved = Vault::open(root, Access::ReadWrite)?;
        let details = serde_json::json!({
            "from": { "catalog": shown(&config.catalog), "blobs": shown(&config.blobs) },
            "to": { "catalog": shown(&new_config.catalog), "blobs": shown(&new_config.blobs) },
            "blobs_copied": copied,
        });
        let details = details.to_string();
        moved.record(&[custodia_catalog::NewEvent {
            time: crate::custody::now(),
            actor: actor.clone(),
            action: crate::custody::action::MIGRATE.into(),
            item: None,
            details,
            // Sealed by `record`.
            entry: Vec::new(),
        }])?;
        moved.checkpoint()?;
        Ok(MigrateReport {
            from: PlacementReport {
                catalog: shown(&config.catalog),
                blobs: shown(&config.blobs),
            },
            to: PlacementReport {
                catalog: shown(&new_config.catalog),
                blobs: shown(&new_config.blobs),
            },
            tables,
            blobs_checked: checked,
            blobs_copied: copied,
            bytes_copied: bytes,
            verify: report,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}
