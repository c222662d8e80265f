//! `verify`: the log checks itself; the catalog and the log agree row for entry; every item has
//! its blob; with `deep`, every blob decrypts to bytes whose SHA-256 is the item's identity.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Mutex;
use std::time::Instant;

use custodia_blobstore::{BlobPass, BlobStore, ContentHash};
use custodia_catalog::{EventRow, ItemRow};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::custody::{action, field, LoggedEntry};
use crate::ingest::ingest_details;
use crate::{Result, Vault};

#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Decrypt and re-hash every blob.
    pub deep: bool,
}

/// One discrepancy, named by item (where there is one), kind and log position.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifyFault {
    /// Machine-readable kind, e.g. `missing_blob`, `blob_changed`, `log_entry_without_row`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_index: Option<u64>,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifyReport {
    pub ok: bool,
    pub deep: bool,
    pub log_size: u64,
    pub log_root: String,
    pub checkpoints_checked: usize,
    pub items_checked: u64,
    pub events_checked: u64,
    pub blobs_checked: u64,
    pub bytes_checked: u64,
    pub seconds: f64,
    pub faults: Vec<VerifyFault>,
}

fn fault(
    kind: &'static str,
    item: Option<&str>,
    ledger_index: Option<u64>,
    detail: impl Into<String>,
) -> VerifyFault {
    VerifyFault {
        kind,
        item: item.map(str::to_owned),
        ledger_index,
        detail: detail.into(),
    }
}

impl Vault {
    /// [`Vault::verify`] for `actor`: the holder's administrators, auditors and custodians
    /// (the operator runs `custodia verify` on the data directory itself).
    pub fn verify_for(&self, actor: &str, options: VerifyOptions) -> Result<VerifyReport> {
        let who = self.principal(actor)?;
        let allowed = who.of_holder()
            && (who.is(custodia_access::Role::Administrator)
                || who.is(custodia_access::Role::Auditor)
                || who.is(custodia_access::Role::Custodian));
        if !allowed {
            return Err(crate::VaultError::NotPermitted(format!(
                "verifying the vault needs the administrator, auditor or custodian role of the holder; `{actor}` holds none"
            )));
        }
        self.verify(options)
    }

    pub fn verify(&self, options: VerifyOptions) -> Result<VerifyReport> {
        let started = Instant::now();
        let mut faults = Vec::new();
        let log = self.ledger.verify(&self.verifier)?;
        for f in &log.faults {
            faults.push(fault("log", None, f.entry, format!("custody log: {f}")));
        }
        let log_size = self.ledger.size();
        let mut logged = vec![false; log_size as usize];
        let mut ingested: HashSet<String> = HashSet::new();
        let mut events_checked = 0u64;
        self.catalog.for_each_event(&mut |event| {
            events_checked += 1;
            self.check_event(&event, log_size, &mut logged, &mut ingested, &mut faults)?;
            Ok(())
        })?;
        let mut items = Vec::new();
        self.catalog.for_each_item(&mut |item| {
            items.push(item);
            Ok(())
        })?;
        for (index, seen) in logged.iter().enumerate() {
            if !seen {
                let entry = self.ledger.entry(index as u64).ok();
                let item = entry
                    .as_deref()
                    .and_then(|bytes| self.orphan_item(bytes, &items));
                faults.push(fault(
                    "log_entry_without_row",
                    item.as_deref(),
                    Some(index as u64),
                    "a custody log entry has no catalog row (a row was deleted?)",
                ));
            }
        }
        let items_checked = items.len() as u64;
        for item in &items {
            if !ingested.contains(&item.sha256) {
                faults.push(fault(
                    "missing_ingest_entry",
                    Some(&item.sha256),
                    None,
                    "the item has no ingest entry in the custody log",
                ));
            }
        }
        // Derived items (extracted text, metadata, attachments) are blobs to check as well.
        let mut blobs_to_check = items.clone();
        let known: HashSet<String> = items.iter().map(|i| i.sha256.clone()).collect();
        let mut derived_seen = HashSet::new();
        self.catalog.for_each_derived(&mut |d| {
            if !known.contains(&d.sha256) && derived_seen.insert(d.sha256.clone()) {
                blobs_to_check.push(ItemRow {
                    sha256: d.sha256,
                    size: d.size,
                    mime: "derived".into(),
                    stored_at: d.created_at,
                });
            }
            Ok(())
        })?;
        let (blobs_checked, bytes_checked) =
            self.check_blobs(&blobs_to_check, options.deep, &mut faults)?;
        Ok(VerifyReport {
            ok: faults.is_empty(),
            deep: options.deep,
            log_size,
            log_root: log.root.map(|r| r.to_string()).unwrap_or_default(),
            checkpoints_checked: log.checkpoints_checked,
            items_checked,
            events_checked,
            blobs_checked,
            bytes_checked,
            seconds: started.elapsed().as_secs_f64(),
            faults,
        })
    }

    fn check_event(
        &self,
        event: &EventRow,
        log_size: u64,
        logged: &mut [bool],
        ingested: &mut HashSet<String>,
        faults: &mut Vec<VerifyFault>,
    ) -> custodia_catalog::Result<()> {
        let item = event.item.as_deref();
        if self.shared_sequence() && event.ledger_index.is_none_or(|index| index >= log_size) {
            // Another server's work in flight: sequenced after this copy of the log was read,
            // or about to be. This copy is checked as far as it goes.
            return Ok(());
        }
        let Some(index) = event.ledger_index else {
            faults.push(fault(
                "pending_event",
                item,
                None,
                format!(
                    "custody event {} ({}) never reached the log",
                    event.id, event.action
                ),
            ));
            return Ok(());
        };
        if index >= log_size {
            faults.push(fault(
                "catalog_row_without_log_entry",
                item,
                Some(index),
                format!("the catalog places a {} event at log position {index}, but the log holds {log_size} entries (log truncated?)", event.action),
            ));
            return Ok(());
        }
        logged[index as usize] = true;
        let entry_bytes = match self.ledger.entry(index) {
            Ok(bytes) => bytes,
            Err(e) => {
                faults.push(fault(
                    "log",
                    item,
                    Some(index),
                    format!("cannot read log entry {index}: {e}"),
                ));
                return Ok(());
            }
        };
        if entry_bytes != event.entry {
            faults.push(fault(
                "row_differs_from_log",
                item,
                Some(index),
                "the catalog's copy of the entry differs from the log's",
            ));
            return Ok(());
        }
        let entry = match LoggedEntry::parse(&entry_bytes) {
            Ok(entry) => entry,
            Err(e) => {
                faults.push(fault(
                    "row_differs_from_log",
                    item,
                    Some(index),
                    format!("log entry {index}: {e}"),
                ));
                return Ok(());
            }
        };
        for problem in self.disagreements(&entry, event) {
            faults.push(fault(
                "row_differs_from_log",
                item,
                Some(index),
                format!("log entry {index} (v{}): {problem}", entry.version()),
            ));
        }
        // A redacted derivative's `redact` entry stands for its ingest: same details, same checks.
        if event.action == action::INGEST || event.action == action::REDACT {
            let Some(sha) = item else {
                faults.push(fault(
                    "row_differs_from_log",
                    None,
                    Some(index),
                    "an ingest event names no item",
                ));
                return Ok(());
            };
            let item_row = self.catalog.item(sha)?;
            let submission = match event.submission_id {
                Some(id) => self.catalog.submission(id)?,
                None => None,
            };
            match (item_row, submission) {
                (Some(item_row), Some(submission)) => {
                    if ingest_details(&item_row, &submission) != event.details {
                        faults.push(fault(
                            "row_differs_from_log",
                            Some(sha),
                            Some(index),
                            "the item's or its submission's catalog row was edited after it was logged",
                        ));
                    }
                    ingested.insert(sha.to_owned());
                }
                (None, _) => faults.push(fault(
                    "missing_item_row",
                    Some(sha),
                    Some(index),
                    "the log records an ingest of an item the catalog no longer holds",
                )),
                (_, None) => faults.push(fault(
                    "missing_submission",
                    Some(sha),
                    Some(index),
                    "the provenance (submission) row of this ingest is missing",
                )),
            }
        }
        Ok(())
    }

    /// The item a log entry without a catalog row names: plain in format 1; in format 2 the
    /// catalog item whose SHA-256 opens the entry's item commitment (tried against every item:
    /// such entries exist only where rows were deleted).
    fn orphan_item(&self, bytes: &[u8], items: &[ItemRow]) -> Option<String> {
        match LoggedEntry::parse(bytes).ok()? {
            LoggedEntry::V1(e) => e.item,
            LoggedEntry::V2(e) => {
                let committed = e.item.as_deref()?;
                items
                    .iter()
                    .find(|i| {
                        self.sealer
                            .open(&e, field::ITEM, &i.sha256)
                            .is_some_and(|o| o.opens(field::ITEM, committed))
                    })
                    .map(|i| i.sha256.clone())
            }
        }
    }

    /// Where the catalog's event row and its log entry disagree, field by field: `time` and
    /// `action` are plain in both versions; `actor`, `item` and `details` are plain (details
    /// hashed) in version 1 and opened from the row's values through their commitments in
    /// version 2.
    fn disagreements(&self, entry: &LoggedEntry, event: &EventRow) -> Vec<String> {
        let mut problems = Vec::new();
        if entry.time() != event.time {
            problems.push("the event row's `time` is not the entry's".to_owned());
        }
        if entry.action() != event.action {
            problems.push("the event row's `action` is not the entry's".to_owned());
        }
        if entry.concerns_item() != event.item.is_some() {
            problems.push(if event.item.is_some() {
                "the event row names an item, the entry none".to_owned()
            } else {
                "the entry names an item, the event row none".to_owned()
            });
        }
        let openings = match entry {
            LoggedEntry::V1(_) => Default::default(),
            LoggedEntry::V2(v2) => {
                self.sealer
                    .openings(v2, event, &[field::ACTOR, field::ITEM, field::DETAILS])
            }
        };
        let values = [
            (field::ACTOR, Some(event.actor.as_str())),
            (field::ITEM, event.item.as_deref()),
            (field::DETAILS, Some(event.details.as_str())),
        ];
        for (name, value) in values {
            let Some(value) = value else { continue };
            if !entry.states(name, value, &openings) {
                problems.push(match name {
                    field::DETAILS => {
                        "the event's `details` were edited after they were logged".to_owned()
                    }
                    _ => format!("the event row's `{name}` is not the one the entry commits to"),
                });
            }
        }
        problems
    }

    /// Checks each item's blob exists; with `deep`, decrypts and re-hashes it. Two workers share
    /// the items, so decryption and hashing use both cores.
    fn check_blobs(
        &self,
        items: &[ItemRow],
        deep: bool,
        faults: &mut Vec<VerifyFault>,
    ) -> Result<(u64, u64)> {
        let next = Mutex::new(0usize);
        let found = Mutex::new(Vec::new());
        let totals = Mutex::new((0u64, 0u64));
        let blobs = self.blobs.as_ref();
        // A remote store is paced by its round trips: as many readers as it suggests (a local
        // disk: two for a deep pass, one to look up names).
        let workers = if deep {
            blobs.parallel_reads()
        } else {
            (blobs.parallel_reads() / 2).max(1)
        };
        // A deep pass reads blobs in the order the store keeps them (a pack's blobs one after
        // the other, so that one request serves many); faults are sorted by item afterwards.
        // What the pass reads ahead is dropped with it: a later verification reads again.
        let pass = deep.then(|| blobs.pass());
        let pass = pass.as_deref();
        let mut order: Vec<usize> = (0..items.len()).collect();
        if let Some(pass) = pass {
            let positions: Vec<Option<(u64, u64)>> = items
                .iter()
                .map(|item| {
                    let hash: ContentHash = item.sha256.parse().ok()?;
                    pass.position(&hash)
                })
                .collect();
            if positions.iter().any(Option::is_some) {
                order.sort_by_key(|&i| positions[i]);
            }
        }
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = {
                        let mut n = next.lock().unwrap_or_else(|p| p.into_inner());
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(item) = order.get(i).and_then(|&i| items.get(i)) else {
                        break;
                    };
                    let outcome = check_blob(blobs, pass, item);
                    let mut t = totals.lock().unwrap_or_else(|p| p.into_inner());
                    t.0 += 1;
                    match outcome {
                        Ok(bytes) => t.1 += bytes,
                        Err(f) => found.lock().unwrap_or_else(|p| p.into_inner()).push(f),
                    }
                });
            }
        });
        let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
        found.sort_by(|a, b| a.item.cmp(&b.item));
        faults.extend(found);
        Ok(totals.into_inner().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Checks one item's blob: that it exists, or with a deep `pass` that it decrypts to bytes
/// of the item's SHA-256 and size.
fn check_blob(
    blobs: &dyn BlobStore,
    pass: Option<&dyn BlobPass>,
    item: &ItemRow,
) -> Result<u64, VerifyFault> {
    let sha = item.sha256.as_str();
    let hash: ContentHash = sha.parse().map_err(|_| {
        fault(
            "row_differs_from_log",
            Some(sha),
            None,
            "the item's SHA-256 is malformed",
        )
    })?;
    let Some(pass) = pass else {
        return match blobs.contains(&hash) {
            Ok(true) => Ok(0),
            Ok(false) => Err(fault(
                "missing_blob",
                Some(sha),
                None,
                "the item's blob is missing from the blob store",
            )),
            Err(e) => Err(fault("missing_blob", Some(sha), None, e.to_string())),
        };
    };
    let mut reader = match pass.open(&hash) {
        Ok(r) => r,
        Err(custodia_blobstore::BlobError::NotFound(_)) => {
            return Err(fault(
                "missing_blob",
                Some(sha),
                None,
                "the item's blob is missing from the blob store",
            ))
        }
        Err(e) => return Err(fault("blob_changed", Some(sha), None, e.to_string())),
    };
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) => {
                return Err(fault(
                    "blob_changed",
                    Some(sha),
                    None,
                    format!("the blob does not decrypt: {e}"),
                ))
            }
        }
    }
    let digest: [u8; 32] = hasher.finalize().into();
    if digest != hash.0 || total != item.size {
        return Err(fault(
            "blob_changed",
            Some(sha),
            None,
            "the blob's bytes no longer hash to the item's SHA-256",
        ));
    }
    Ok(total)
}
