//! Extraction and search in the vault: text and metadata are read from items
//! (`custodia-extract`), kept as encrypted derived items with custody entries, and indexed
//! (`custodia-search`) in `index/` under a key derived from the master key.
//!
//! One item's extraction is one unit: its derived blobs are written and synced, then one catalog
//! transaction records the outcome (`done` or `failed` with the reason), the derived rows and
//! their `derive` custody events, then one log append. A failure (corrupt, encrypted, timed out,
//! a parser panic caught at the boundary) is recorded on that item and the others go on.
//!
//! The index is derived data. It is updated after each batch of items and committed before
//! `extract_pending` returns; `reindex` rebuilds it from the catalog and the derived blobs. Each
//! document carries the access labels of its original item; when an item's labels change (a
//! regime set, a release, a new submission of known bytes), the next extraction or search
//! relabels that item's documents first, so the labels searched are the catalog's. A person's
//! rights (roles, cases) are read from the catalog at every search. Every search is a custody event (who searched for what, and how many
//! items it returned).

use std::io::{Read, Write};
use std::sync::mpsc;
use std::sync::Mutex;

use custodia_access::Principal;
use custodia_blobstore::{BlobStore, ContentHash, IfPresent};
use custodia_catalog::{DerivedRow, ExtractionRow, ItemRow, NewEvent};
use custodia_extract::{Extraction, Options};
use custodia_search::{AccessLabels, IndexDocument, Rights, SearchIndex, SearchResults, Sort};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::custody::{self, action};
use crate::{Result, Vault, VaultError};

/// Items larger than this are not read into memory for extraction (recorded as failed).
pub const MAX_EXTRACT_BYTES: u64 = 512 << 20;
/// Items extracted between two index commits and catalog batches.
const BATCH: usize = 64;
/// Deepest nesting of attachments in attachments that is extracted.
const MAX_ATTACHMENT_DEPTH: usize = 3;
/// Catalog meta key: the last access-change event the index's labels reflect.
const LABELS_EPOCH: &str = "search_labels_event";
/// Custody actions that change an item's access labels (what the item is; changes to people,
/// such as roles and case membership, are read from the catalog at each search).
const LABEL_ACTIONS: &[&str] = &[action::REGIME_SET, action::RELEASE, action::INGEST];

/// The access changes that can take a label away from a document: a regime set (restricting
/// a submission drops its case's label), except a new submission's first one (marked
/// `"initial": true`). The others only add labels — a new submission adds its originator and
/// case, a release its requesting authority (`AccessLabels::of` is a union) — so labels that
/// miss them show a person less than the rules allow, never more. The provenance each
/// organisation sees (`custodia_access::provenance_seen`) changes with the same actions: a new
/// submission or a release adds to it, a restriction takes away.
const NARROWING_ACTIONS: &[&str] = &[action::REGIME_SET];

/// How to run `extract_pending`.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    pub extract: Options,
    /// Parallel extractions (bounded: OCR is heavy).
    pub workers: usize,
    /// Also retry items whose extraction failed before.
    pub retry_failed: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            extract: Options::default(),
            workers: 2,
            retry_failed: false,
        }
    }
}

/// What `extract_pending` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExtractReport {
    pub items: u64,
    pub extracted: u64,
    /// Items with no text or metadata of their own to extract (archives, unknown formats).
    pub unsupported: u64,
    pub failed: Vec<ExtractFailure>,
    pub derived: u64,
    pub indexed: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExtractFailure {
    pub sha256: String,
    pub error: String,
}

/// What `reindex` did.
#[derive(Debug, Clone, Serialize)]
pub struct ReindexReport {
    pub documents: u64,
    pub seconds: f64,
}

/// One search, as returned to the person who ran it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchReport {
    pub query: String,
    pub user: String,
    pub results: SearchResults,
    /// The custody log position of the search's entry.
    pub ledger_index: u64,
    /// Whether the index's labels missed access granted since they were last updated (the
    /// search showed no more than the rules allow, perhaps less): the writing handle should
    /// bring them up to date ([`Vault::refresh_search_labels`]).
    #[serde(skip)]
    pub labels_behind: bool,
}

/// The index's labels against the access rules in force.
enum LabelState {
    /// Up to date.
    Current,
    /// Behind only by changes that grant access: searching on them shows less, never more.
    MissingGrants,
    /// Behind by a change that may take access away: not to be searched on.
    Stale,
}

/// A text to store and index, from one item.
struct Derived {
    kind: &'static str,
    name: Option<String>,
    bytes: Vec<u8>,
    method: String,
    tool_version: String,
    language: Option<String>,
    /// Whether it is searchable text (and not, say, an attachment's raw bytes).
    text: Option<String>,
    date: Option<i64>,
}

fn derived_of(
    extraction: &Extraction,
    depth: usize,
    out: &mut Vec<Derived>,
    prefix: &str,
    options: &Options,
) {
    let language = extraction.language.as_ref().map(|l| l.code.clone());
    let date = document_date(extraction);
    let text_kind = if prefix.is_empty() {
        "text"
    } else {
        "attachment_text"
    };
    if let Some(text) = extraction.text.as_ref().filter(|t| !t.trim().is_empty()) {
        out.push(Derived {
            kind: text_kind,
            name: (!prefix.is_empty()).then(|| prefix.to_owned()),
            bytes: text.as_bytes().to_vec(),
            method: extraction.method.clone(),
            tool_version: extraction.tool_version.clone(),
            language: language.clone(),
            text: Some(text.clone()),
            date,
        });
    }
    if prefix.is_empty() {
        let record = serde_json::json!({
            "format": extraction.format,
            "method": extraction.method,
            "tool_version": extraction.tool_version,
            "encoding": extraction.encoding,
            "language": extraction.language,
            "metadata": extraction.metadata,
            "ocr": extraction.ocr,
            "attachments": extraction.children.iter().map(|c| serde_json::json!({"name": c.name, "mime": c.mime, "size": c.bytes.len()})).collect::<Vec<_>>(),
            "warnings": extraction.warnings,
        });
        // Metadata values are searchable too (camera, sender, title).
        let searchable: Vec<String> = extraction
            .metadata
            .values()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        out.push(Derived {
            kind: "metadata",
            name: None,
            bytes: serde_json::to_vec_pretty(&record).unwrap_or_default(),
            method: format!("metadata/{}", extraction.method),
            tool_version: extraction.tool_version.clone(),
            language: None,
            text: (!searchable.is_empty()).then(|| searchable.join("\n")),
            date,
        });
    }
    for child in &extraction.children {
        let name = if prefix.is_empty() {
            child.name.clone()
        } else {
            format!("{prefix}/{}", child.name)
        };
        out.push(Derived {
            kind: "attachment",
            name: Some(name.clone()),
            bytes: child.bytes.clone(),
            method: extraction.method.clone(),
            tool_version: extraction.tool_version.clone(),
            language: None,
            text: None,
            date,
        });
        if depth < MAX_ATTACHMENT_DEPTH {
            if let Ok(inner) = custodia_extract::extract(
                &child.bytes,
                child.mime.as_deref(),
                Some(&child.name),
                options,
            ) {
                derived_of(&inner, depth + 1, out, &name, options);
            }
        }
    }
}

/// The document's own date: capture time, creation, sending (Unix seconds, UTC).
fn document_date(extraction: &Extraction) -> Option<i64> {
    for key in ["captured_at", "date", "created"] {
        if let Some(text) = extraction.metadata.get(key).and_then(|v| v.as_str()) {
            if let Some(t) = parse_loose_date(text) {
                return Some(t);
            }
        }
    }
    None
}

/// `2014:08:03 06:15:00` (EXIF), `2014-08-03T06:15:00Z` (RFC 3339), `D:20140803061500` (PDF).
fn parse_loose_date(text: &str) -> Option<i64> {
    let digits: String = text
        .trim_start_matches("D:")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(14)
        .collect();
    if digits.len() < 8 {
        return None;
    }
    let n = |a: usize, b: usize| digits.get(a..b).and_then(|s| s.parse::<i64>().ok());
    let (y, m, d) = (n(0, 4)?, n(4, 6)?, n(6, 8)?);
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let secs = n(8, 10).unwrap_or(0) * 3600 + n(10, 12).unwrap_or(0) * 60 + n(12, 14).unwrap_or(0);
    Some(custodia_search::query::days_from_civil(y, m, d) * 86_400 + secs)
}

/// The outcome of one item's extraction, computed on a worker.
struct Outcome {
    item: ItemRow,
    result: std::result::Result<Vec<Derived>, Skip>,
}

/// Why an item yields nothing: a failure to report, or a format with no text of its own.
enum Skip {
    Failed(String),
    Unsupported(String),
}

/// Extraction of a batch of items, detached from the vault: it holds the items, their names and
/// the blob store, so that parsers and external tools (OCR can take minutes) run while the vault
/// answers others. Nothing it computes is recorded until [`Vault::record_extractions`].
pub struct ExtractionJob {
    work: Vec<(ItemRow, Option<String>)>,
    blobs: std::sync::Arc<dyn BlobStore>,
    options: ExtractOptions,
}

/// The outcomes of an [`ExtractionJob`], ready to be recorded.
pub struct ExtractedBatch {
    outcomes: Vec<Outcome>,
}

impl ExtractedBatch {
    /// How many items the batch holds.
    pub fn len(&self) -> usize {
        self.outcomes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }
}

impl ExtractionJob {
    /// The items of the job.
    pub fn items(&self) -> impl Iterator<Item = &ItemRow> {
        self.work.iter().map(|(item, _)| item)
    }

    /// Extracts every item on `options.workers` threads, which read blobs only.
    pub fn run(self) -> ExtractedBatch {
        let blobs: &dyn BlobStore = self.blobs.as_ref();
        let options = &self.options;
        let work = &self.work;
        let next = Mutex::new(0usize);
        let (tx, rx) = mpsc::channel();
        std::thread::scope(|scope| {
            for _ in 0..options.workers.max(1) {
                let tx = tx.clone();
                let next = &next;
                scope.spawn(move || loop {
                    let i = {
                        let mut n = next.lock().unwrap_or_else(|p| p.into_inner());
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some((item, name)) = work.get(i) else {
                        break;
                    };
                    let result = extract_one(blobs, item, name.as_deref(), &options.extract);
                    let _ = tx.send(Outcome {
                        item: item.clone(),
                        result,
                    });
                });
            }
        });
        drop(tx);
        let mut outcomes: Vec<Outcome> = rx.into_iter().collect();
        outcomes.sort_by(|a, b| a.item.sha256.cmp(&b.item.sha256));
        ExtractedBatch { outcomes }
    }
}

impl Vault {
    /// The search index (created empty if missing), encrypted with the vault's index key.
    pub fn search_index(&self) -> Result<std::sync::Arc<SearchIndex>> {
        // Opened once per open vault: opening decrypts the index's files, which a server
        // answering many searches must not do for each one. Every update goes through this
        // same instance, whose reader is reloaded on commit.
        let mut cached = self
            .search_index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(index) = cached.as_ref() {
            return Ok(std::sync::Arc::clone(index));
        }
        let dir = self.root.join("index");
        let opened = SearchIndex::open_encrypted(&dir, &self.search_key);
        // An index of an earlier version is rebuilt from the catalog by a writer (it is derived
        // data); a reader is told how to rebuild it.
        let outdated = matches!(opened, Err(custodia_search::SearchError::Outdated))
            && self.require_write().is_ok();
        let index = if outdated {
            SearchIndex::recreate_encrypted(&dir, &self.search_key)
        } else {
            opened
        }
        .map_err(|e| VaultError::Invalid(format!("the search index: {e}")))?;
        let index = std::sync::Arc::new(index);
        *cached = Some(std::sync::Arc::clone(&index));
        drop(cached);
        if outdated {
            self.fill_index(&index)?;
        }
        Ok(index)
    }

    /// Extracts text and metadata from every item not yet extracted, stores the results as
    /// derived items with custody entries, and updates the index, for `actor`, a custodian of
    /// the holder. Returns when everything is recorded and the index committed.
    ///
    /// This holds the vault throughout; a server, which must keep answering while a scan is
    /// read, uses the three steps it is made of instead: [`Vault::pending_extractions`] and
    /// [`Vault::prepare_extraction`] with the vault, [`ExtractionJob::run`] without it, and
    /// [`Vault::record_extractions`] with it again.
    pub fn extract_pending(
        &mut self,
        options: &ExtractOptions,
        actor: &str,
    ) -> Result<ExtractReport> {
        let who = self.principal(actor)?;
        self.require_holder_role(&who, custodia_access::Role::Custodian, "extracting text")?;
        let started = std::time::Instant::now();
        let pending = self.pending_extractions(options)?;
        let mut report = ExtractReport {
            items: pending.len() as u64,
            ..Default::default()
        };
        for batch in pending.chunks(BATCH) {
            let job = self.prepare_extraction(batch, options)?;
            let done = job.run();
            self.record_extractions(done, actor, &mut report)?;
        }
        self.finish_extractions()?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// The items whose extraction is still to be done (with `retry_failed`, also those that
    /// failed before), in catalog order.
    pub fn pending_extractions(&self, options: &ExtractOptions) -> Result<Vec<ItemRow>> {
        self.require_write()?;
        Ok(self.catalog.items_to_extract(options.retry_failed)?)
    }

    /// Gathers what extracting `batch` needs (each item's first name, the blob store), so that
    /// the work itself can run without the vault.
    pub fn prepare_extraction(
        &self,
        batch: &[ItemRow],
        options: &ExtractOptions,
    ) -> Result<ExtractionJob> {
        self.require_write()?;
        let work = batch
            .iter()
            .map(|item| {
                let name = self
                    .catalog
                    .submissions_of(&item.sha256)
                    .ok()
                    .and_then(|s| s.first().map(|s| s.original_name.clone()));
                (item.clone(), name)
            })
            .collect();
        Ok(ExtractionJob {
            work,
            blobs: std::sync::Arc::clone(&self.blobs),
            options: options.clone(),
        })
    }

    /// Stores the derived items of a finished job with their custody entries (one catalog
    /// transaction and one log append per item) and commits their texts to the index; adds what
    /// happened to `report`.
    pub fn record_extractions(
        &mut self,
        done: ExtractedBatch,
        actor: &str,
        report: &mut ExtractReport,
    ) -> Result<()> {
        self.require_write()?;
        let index = self.search_index()?;
        let mut documents = Vec::new();
        let mut derived_rows = 0u64;
        for outcome in done.outcomes {
            let sha = outcome.item.sha256.clone();
            let unsupported = matches!(outcome.result, Err(Skip::Unsupported(_)));
            match self.record_outcome(outcome, actor, &mut documents, &mut derived_rows) {
                Ok(Some(error)) => report.failed.push(ExtractFailure { sha256: sha, error }),
                Ok(None) if unsupported => report.unsupported += 1,
                Ok(None) => report.extracted += 1,
                Err(e) => report.failed.push(ExtractFailure {
                    sha256: sha,
                    error: format!("recording failed: {e}"),
                }),
            }
        }
        report.derived += derived_rows;
        if documents.is_empty() {
            return Ok(());
        }
        let mut update = index
            .update()
            .map_err(|e| VaultError::Invalid(format!("the search index: {e}")))?;
        for doc in &documents {
            update
                .add(doc)
                .map_err(|e| VaultError::Invalid(format!("indexing: {e}")))?;
        }
        update
            .commit()
            .map_err(|e| VaultError::Invalid(format!("committing the index: {e}")))?;
        report.indexed += documents.len() as u64;
        Ok(())
    }

    /// After a run of extractions: a checkpoint if one is due, and the index's labels brought
    /// up to date.
    pub fn finish_extractions(&mut self) -> Result<()> {
        self.require_write()?;
        self.checkpoint_if_due()?;
        self.refresh_labels_if_stale()
    }

    /// Stores one item's derived blobs and records the outcome; returns the failure, if any, and
    /// adds the searchable documents to `documents`.
    fn record_outcome(
        &mut self,
        outcome: Outcome,
        actor: &str,
        documents: &mut Vec<IndexDocument>,
        derived_rows: &mut u64,
    ) -> Result<Option<String>> {
        let now = custody::now();
        let parent = outcome.item.sha256.clone();
        let (status, error, derived) = match outcome.result {
            Ok(d) => ("done", None, d),
            Err(Skip::Failed(e)) => ("failed", Some(storable(e)), Vec::new()),
            Err(Skip::Unsupported(e)) => ("unsupported", Some(storable(e)), Vec::new()),
        };
        let mut rows = Vec::new();
        let mut events = Vec::new();
        for d in &derived {
            let hash = ContentHash(Sha256::digest(&d.bytes).into());
            if !self.blobs.contains(&hash)? {
                let mut writer = self.blobs.writer()?;
                writer
                    .write_all(&d.bytes)
                    .map_err(|e| VaultError::Invalid(format!("writing a derived blob: {e}")))?;
                writer.finish(&hash, IfPresent::Replace)?;
            }
            let row = DerivedRow {
                sha256: hash.to_hex(),
                parent_sha256: parent.clone(),
                kind: d.kind.to_owned(),
                name: d.name.clone().map(storable),
                method: storable(d.method.clone()),
                tool_version: storable(d.tool_version.clone()),
                language: d.language.clone().map(storable),
                size: d.bytes.len() as u64,
                created_at: now.clone(),
            };
            let details = serde_json::json!({
                "derived": row.sha256, "parent": parent, "kind": row.kind, "name": row.name,
                "method": row.method, "tool_version": row.tool_version, "bytes": row.size,
            })
            .to_string();
            events.push(NewEvent {
                time: now.clone(),
                actor: actor.to_owned(),
                action: action::DERIVE.into(),
                item: Some(parent.clone()),
                details,
                // Sealed below, with the others.
                entry: Vec::new(),
            });
            rows.push(row);
        }
        self.blobs.sync()?;
        self.sealer.seal_events(&mut events)?;
        *derived_rows += rows.len() as u64;
        let pending = self.catalog.record_extraction(
            &ExtractionRow {
                sha256: parent.clone(),
                status: status.into(),
                error: error.clone(),
                attempted_at: now,
            },
            &rows,
            &events,
        )?;
        if !pending.is_empty() {
            self.append_pending(&pending)?;
        }
        if status == "unsupported" {
            return Ok(None);
        }
        if error.is_none() {
            let context = self.index_context(&outcome.item)?;
            for (d, row) in derived.iter().zip(&rows) {
                if let Some(text) = &d.text {
                    documents.push(context.document(row, text.clone(), d.date));
                }
            }
        }
        Ok(error)
    }

    /// Rebuilds the whole index from the catalog and the derived blobs, with the access labels
    /// in force now.
    pub fn reindex(&mut self, actor: &str) -> Result<ReindexReport> {
        let who = self.principal(actor)?;
        self.require_holder_role(
            &who,
            custodia_access::Role::Custodian,
            "rebuilding the search index",
        )?;
        self.require_write()?;
        let started = std::time::Instant::now();
        let index = self.search_index()?;
        let (documents, epoch) = self.fill_index(&index)?;
        self.catalog.set_meta(LABELS_EPOCH, &epoch.to_string())?;
        Ok(ReindexReport {
            documents,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Empties `index` and adds every derived text again, with the access labels in force now.
    /// Returns the documents added and the last label change they include (the caller records
    /// it; an index filled without recording it only re-adds some items at the next refresh).
    fn fill_index(&self, index: &SearchIndex) -> Result<(u64, i64)> {
        let epoch = self.catalog.last_event_id(LABEL_ACTIONS)?;
        let mut update = index
            .update()
            .map_err(|e| VaultError::Invalid(format!("the search index: {e}")))?;
        update
            .clear()
            .map_err(|e| VaultError::Invalid(format!("the search index: {e}")))?;
        let mut parents = Vec::new();
        self.catalog.for_each_derived(&mut |row| {
            if parents.last() != Some(&row.parent_sha256) {
                parents.push(row.parent_sha256);
            }
            Ok(())
        })?;
        let documents = self.index_items(&mut update, &parents)?;
        update
            .commit()
            .map_err(|e| VaultError::Invalid(format!("committing the index: {e}")))?;
        Ok((documents, epoch))
    }

    /// (Re)adds the documents of the derived texts of `parents`, with their labels now.
    fn index_items(
        &self,
        update: &mut custodia_search::IndexUpdate<'_>,
        parents: &[String],
    ) -> Result<u64> {
        let mut documents = 0u64;
        for parent in parents {
            let hash: ContentHash = parent
                .parse()
                .map_err(|_| VaultError::Invalid(format!("invalid parent hash {parent}")))?;
            let item = self.item(&hash)?;
            let context = self.index_context(&item)?;
            let date = metadata_date(self, parent);
            for row in self.catalog.derived_of(parent)? {
                if row.kind == "attachment" {
                    continue;
                }
                let hash: ContentHash = row.sha256.parse().map_err(|_| {
                    VaultError::Invalid(format!("invalid derived hash {}", row.sha256))
                })?;
                let mut bytes = Vec::new();
                self.blobs
                    .open(&hash)?
                    .read_to_end(&mut bytes)
                    .map_err(|e| {
                        VaultError::Invalid(format!("reading derived item {hash}: {e}"))
                    })?;
                let text = if row.kind == "metadata" {
                    metadata_text(&bytes)
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                };
                if text.trim().is_empty() {
                    continue;
                }
                update
                    .add(&context.document(&row, text, date))
                    .map_err(|e| VaultError::Invalid(format!("indexing: {e}")))?;
                documents += 1;
            }
        }
        Ok(documents)
    }

    /// Relabels the documents of items whose access labels changed since the index's labels
    /// were computed (a regime set, a release, a new submission of known bytes).
    fn refresh_labels_if_stale(&mut self) -> Result<()> {
        let indexed: i64 = self
            .catalog
            .meta(LABELS_EPOCH)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let now = self.catalog.last_event_id(LABEL_ACTIONS)?;
        if now <= indexed {
            return Ok(());
        }
        let mut items = std::collections::BTreeSet::new();
        for event in self
            .catalog
            .events_after(indexed, LABEL_ACTIONS, u64::MAX)?
        {
            match &event.item {
                Some(item) => {
                    items.insert(item.clone());
                }
                None => {
                    let details: serde_json::Value =
                        serde_json::from_str(&event.details).unwrap_or_default();
                    // A whole submission's regime: `submission` (set at ingest) or
                    // `submissions` (`regime set --submission`).
                    let mut keys: Vec<&str> = details["submission"].as_str().into_iter().collect();
                    if let Some(list) = details["submissions"].as_array() {
                        keys.extend(list.iter().filter_map(|k| k.as_str()));
                    }
                    for key in keys {
                        items.extend(self.catalog.items_of_submission(key)?);
                    }
                }
            }
        }
        // A redacted copy answers to its original's regime and consents (`regime_item`), but
        // has search documents of its own: they are relabelled with the original's.
        let mut originals: Vec<String> = items.iter().cloned().collect();
        while let Some(original) = originals.pop() {
            for copy in self.catalog.derived_from(&original)? {
                let redacted = copy
                    .path_in_parent
                    .as_deref()
                    .is_some_and(|p| p.starts_with(crate::redact::REDACTED_PREFIX));
                if redacted && items.insert(copy.sha256.clone()) {
                    originals.push(copy.sha256);
                }
            }
        }
        let mut parents = Vec::new();
        for item in items {
            if !self.catalog.derived_of(&item)?.is_empty() {
                parents.push(item);
            }
        }
        if !parents.is_empty() {
            let index = self.search_index()?;
            let mut update = index
                .update()
                .map_err(|e| VaultError::Invalid(format!("the search index: {e}")))?;
            self.index_items(&mut update, &parents)?;
            update
                .commit()
                .map_err(|e| VaultError::Invalid(format!("committing the index: {e}")))?;
        }
        self.catalog.set_meta(LABELS_EPOCH, &now.to_string())?;
        Ok(())
    }

    /// Searches as `actor`, trimmed to what they may read, and records the search.
    pub fn search(
        &mut self,
        actor: &str,
        query: &str,
        limit: usize,
        sort: Sort,
    ) -> Result<SearchReport> {
        let (mut report, event) = self.search_unrecorded(actor, query, limit, sort)?;
        let indexes = self.record_reads(vec![event])?;
        report.ledger_index = indexes.first().copied().unwrap_or(0);
        Ok(report)
    }

    /// Searches as `actor` like [`Vault::search`], but returns the search's custody event
    /// instead of recording it, so that a server can record the searches of many people in one
    /// append ([`Vault::record_reads`]). The caller must record the event before it shows the
    /// results to anyone: nothing is read unlogged. `ledger_index` is 0 until then.
    pub fn search_unrecorded(
        &mut self,
        actor: &str,
        query: &str,
        limit: usize,
        sort: Sort,
    ) -> Result<(SearchReport, NewEvent)> {
        self.require_write()?;
        self.refresh_labels_if_stale()?;
        self.search_fresh(actor, query, limit, sort)
    }

    /// [`Vault::search_unrecorded`] on a reading handle ([`Vault::reader`]): `None` when
    /// access changes since the index's labels were last brought up to date must first reach
    /// the index — the writing handle does that ([`Vault::refresh_search_labels`]) and the
    /// search is asked again. A search never runs on labels older than the access rules.
    ///
    /// Labels behind only by changes that add access (new submissions, releases) are safe to
    /// search on — they show less than the rules allow, never more — so the search goes on and
    /// the report says so ([`SearchReport::labels_behind`]): the writing handle should then
    /// bring them up to date soon, without anyone waiting for it.
    pub fn search_read(
        &self,
        actor: &str,
        query: &str,
        limit: usize,
        sort: Sort,
    ) -> Result<Option<(SearchReport, NewEvent)>> {
        let labels_behind = match self.label_state()? {
            LabelState::Current => false,
            LabelState::MissingGrants => true,
            LabelState::Stale => return Ok(None),
        };
        let (mut report, event) = self.search_fresh(actor, query, limit, sort)?;
        report.labels_behind = labels_behind;
        Ok(Some((report, event)))
    }

    /// Brings the index's access labels up to the access rules in force (the writing handle).
    pub fn refresh_search_labels(&mut self) -> Result<()> {
        self.require_write()?;
        self.refresh_labels_if_stale()
    }

    /// How the index's labels stand against the access changes recorded since they were
    /// last updated.
    fn label_state(&self) -> Result<LabelState> {
        let indexed: i64 = self
            .catalog
            .meta(LABELS_EPOCH)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if self.catalog.last_event_id(LABEL_ACTIONS)? <= indexed {
            return Ok(LabelState::Current);
        }
        // Regimes set since: each new submission's first one (a regime that takes access
        // from nobody) is a grant; any other may narrow. Past a few, the writing handle is
        // asked instead of reading them all on every search.
        const MOST_CHECKED: u64 = 64;
        let regimes = self
            .catalog
            .events_after(indexed, NARROWING_ACTIONS, MOST_CHECKED + 1)?;
        let only_initial = regimes.len() as u64 <= MOST_CHECKED
            && regimes.iter().all(|event| {
                serde_json::from_str::<serde_json::Value>(&event.details)
                    .map(|details| details["initial"] == serde_json::Value::Bool(true))
                    .unwrap_or(false)
            });
        Ok(if only_initial {
            LabelState::MissingGrants
        } else {
            LabelState::Stale
        })
    }

    /// The search itself, on labels known to be current.
    fn search_fresh(
        &self,
        actor: &str,
        query: &str,
        limit: usize,
        sort: Sort,
    ) -> Result<(SearchReport, NewEvent)> {
        let who = self.principal(actor)?;
        let rights = Rights::of(&who);
        let index = self.search_index()?;
        let results = index
            .search(query, &rights, limit, sort)
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        // Who searched for what, and which items were shown: in the catalog, committed to by
        // the log entry's details hash.
        let shown: Vec<&str> = results.hits.iter().map(|h| h.item.as_str()).collect();
        let details = serde_json::json!({
            "query": query, "organisation": who.organisation, "total": results.total,
            "shown": shown,
        })
        .to_string();
        let event = NewEvent {
            time: custody::now(),
            actor: actor.to_owned(),
            action: action::SEARCH.into(),
            item: None,
            details,
            // Sealed by `record`.
            entry: Vec::new(),
        };
        Ok((
            SearchReport {
                query: query.to_owned(),
                user: who.user,
                results,
                ledger_index: 0,
                labels_behind: false,
            },
            event,
        ))
    }

    /// Records the custody events of reads (searches, reports read whole) made by many people, in one catalog
    /// transaction and one log append: one group of fsyncs for all of them. Returns each
    /// event's position in the log, in order.
    pub fn record_reads(&mut self, events: Vec<NewEvent>) -> Result<Vec<u64>> {
        self.require_write()?;
        let read =
            |e: &NewEvent| e.action == action::SEARCH || e.action == crate::harm::action::HARM_READ;
        if !events.iter().all(read) {
            return Err(VaultError::Invalid(
                "only the custody events of reads are recorded in groups".into(),
            ));
        }
        let indexes = self.record(&events)?;
        self.checkpoint_if_due()?;
        Ok(indexes)
    }

    /// What every document of one original item shares: path, type, labels, provenance.
    fn index_context(&self, item: &ItemRow) -> Result<IndexContext> {
        let submissions = self.catalog.submissions_of(&item.sha256)?;
        let facts = self.item_facts(&item.sha256)?.unwrap_or_default();
        let mut originators: Vec<String> =
            submissions.iter().map(|s| s.originator.clone()).collect();
        originators.sort();
        originators.dedup();
        let mut cases: Vec<String> = submissions
            .iter()
            .filter_map(|s| s.case_ref.clone())
            .collect();
        cases.sort();
        cases.dedup();
        let mut collections: Vec<String> = submissions
            .iter()
            .map(|s| s.submission_key.clone())
            .collect();
        collections.sort();
        collections.dedup();
        // Each reader the rule tells apart, with the provenance its people see of the item
        // (`provenance_seen`): each organisation outside the holder that may read the item (an
        // originator its own submissions, a requesting authority the item was released to
        // those its package named), and each case an analyst may read it through (the
        // unrestricted submissions supplied for that case); the holder's own submissions under
        // its name, for its liaisons. The holder's custodians and auditors read every
        // originator's.
        let mut organisations: std::collections::BTreeSet<&str> =
            originators.iter().map(String::as_str).collect();
        organisations.extend(facts.released_to.iter().map(String::as_str));
        let mut readers: Vec<(custodia_search::Reader, Principal)> = Vec::new();
        for name in organisations {
            let Some(mut reader) = self.organisation_as_reader(name)? else {
                continue;
            };
            if reader.of_holder() {
                // The holder's own submissions, as its liaisons see them (its custodians and
                // auditors read every originator's, its analysts through their cases).
                reader
                    .roles
                    .insert(custodia_access::Role::OriginatorLiaison);
            }
            readers.push((
                custodia_search::Reader::Organisation(name.to_owned()),
                reader,
            ));
        }
        let analysed: std::collections::BTreeSet<&str> = facts
            .submissions
            .iter()
            .filter(|s| s.regime != custodia_access::Regime::Restricted)
            .filter_map(|s| s.case.as_deref())
            .collect();
        for case in analysed {
            readers.push((
                custodia_search::Reader::Case(case.to_owned()),
                Principal::analysts_of_case(case),
            ));
        }
        let mut provenance_by_reader: Vec<custodia_search::ReaderProvenance> = Vec::new();
        for (reader, who) in readers {
            let seen = crate::views::provenance_seen_of(&who, &facts, submissions.clone());
            let Some(first) = crate::views::listed_under(&who, &seen) else {
                continue;
            };
            let sorted = |values: Vec<String>| {
                let mut values = values;
                values.sort();
                values.dedup();
                values
            };
            provenance_by_reader.push(custodia_search::ReaderProvenance {
                reader,
                path: first.path.clone(),
                originators: sorted(seen.iter().map(|s| s.originator.clone()).collect()),
                cases: sorted(seen.iter().filter_map(|s| s.case_ref.clone()).collect()),
                collections: sorted(seen.iter().map(|s| s.submission_key.clone()).collect()),
            });
        }
        Ok(IndexContext {
            item: item.clone(),
            path: submissions
                .first()
                .map(|s| s.path.clone())
                .unwrap_or_default(),
            originators,
            cases,
            collections,
            provenance_by_reader,
            labels: AccessLabels::of(&facts),
        })
    }
}

struct IndexContext {
    item: ItemRow,
    path: String,
    originators: Vec<String>,
    cases: Vec<String>,
    collections: Vec<String>,
    provenance_by_reader: Vec<custodia_search::ReaderProvenance>,
    labels: AccessLabels,
}

impl IndexContext {
    fn document(&self, row: &DerivedRow, text: String, date: Option<i64>) -> IndexDocument {
        let kind = if row.method.contains("ocr/") && row.kind == "text" {
            "ocr".to_owned()
        } else {
            row.kind.clone()
        };
        IndexDocument {
            id: format!("{}:{}:{}", row.parent_sha256, row.kind, row.sha256),
            item: self.item.sha256.clone(),
            path: match &row.name {
                Some(name) => format!("{}/{name}", self.path),
                None => self.path.clone(),
            },
            kind,
            mime: self.item.mime.clone(),
            language: row.language.clone(),
            originators: self.originators.clone(),
            cases: self.cases.clone(),
            collections: self.collections.clone(),
            provenance_by_reader: self
                .provenance_by_reader
                .iter()
                .map(|own| custodia_search::ReaderProvenance {
                    path: match &row.name {
                        Some(name) => format!("{}/{name}", own.path),
                        None => own.path.clone(),
                    },
                    ..own.clone()
                })
                .collect(),
            date,
            text,
            labels: self.labels.clone(),
        }
    }
}

/// Reads one item's blob and extracts it, behind the parser boundary.
fn extract_one(
    blobs: &dyn BlobStore,
    item: &ItemRow,
    name: Option<&str>,
    options: &Options,
) -> std::result::Result<Vec<Derived>, Skip> {
    if crate::sniff::archive_kind(&item.mime).is_some() {
        return Err(Skip::Unsupported(
            "an archive: its members are items of their own".into(),
        ));
    }
    if item.size > MAX_EXTRACT_BYTES {
        return Err(Skip::Failed(format!(
            "the item is {} bytes; extraction reads items up to {MAX_EXTRACT_BYTES} bytes",
            item.size
        )));
    }
    let hash: ContentHash = item
        .sha256
        .parse()
        .map_err(|_| Skip::Failed("the catalog holds an invalid hash".to_owned()))?;
    let mut bytes = Vec::with_capacity(item.size as usize);
    blobs
        .open(&hash)
        .map_err(|e| Skip::Failed(format!("cannot open the blob: {e}")))?
        .read_to_end(&mut bytes)
        .map_err(|e| Skip::Failed(format!("cannot read the blob: {e}")))?;
    let mime = item.mime.clone();
    let name = name.map(str::to_owned);
    let opts = options.clone();
    // Whatever a parser does, it does it behind this boundary (panics, time), attachments'
    // parsers included: a panic in one fails this item, not the extraction of every item.
    custodia_extract::guarded("item", options.limits.timeout * 4, move || {
        let extraction = custodia_extract::extract(&bytes, Some(&mime), name.as_deref(), &opts)?;
        let mut derived = Vec::new();
        derived_of(&extraction, 0, &mut derived, "", &opts);
        Ok(derived)
    })
    .map_err(|e| match e {
        custodia_extract::ExtractError::Unsupported { .. } => Skip::Unsupported(e.to_string()),
        e => Skip::Failed(e.to_string()),
    })
}

/// The searchable text of a metadata record: its metadata values.
fn metadata_text(bytes: &[u8]) -> String {
    let Ok(record) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return String::new();
    };
    record["metadata"]
        .as_object()
        .map(|m| {
            m.values()
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// The document date of an item, from its metadata record (for reindexing).
fn metadata_date(vault: &Vault, parent: &str) -> Option<i64> {
    let row = vault
        .catalog
        .derived_of(parent)
        .ok()?
        .into_iter()
        .find(|r| r.kind == "metadata")?;
    let hash: ContentHash = row.sha256.parse().ok()?;
    let mut bytes = Vec::new();
    vault.blobs.open(&hash).ok()?.read_to_end(&mut bytes).ok()?;
    let record: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    for key in ["captured_at", "date", "created"] {
        if let Some(t) = record["metadata"][key].as_str().and_then(parse_loose_date) {
            return Some(t);
        }
    }
    None
}

/// What a parser or tool said, as the catalog stores it: a NUL (an attachment named
/// `a%00b.pdf`, an error quoting the input) becomes U+FFFD, so that the outcome is recorded
/// instead of the item failing to record, and being parsed again, on every pass.
fn storable(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use crate::{Access, Vault};

    /// An index written by an earlier version (other fields) is rebuilt from the catalog when
    /// the vault is opened for writing: searches find what they found before.
    #[test]
    fn an_outdated_index_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("v");
        let mut vault = crate::test_support::vault_with_one_text(dir.path());
        let search = |vault: &mut Vault| {
            vault
                .search("admin", "Badush", 10, custodia_search::Sort::Relevance)
                .unwrap()
                .results
                .total
        };
        assert_eq!(search(&mut vault), 1);
        let key = vault.search_key;
        drop(vault);

        // The index as an earlier version wrote it: other fields, same key.
        std::fs::remove_dir_all(root.join("index")).unwrap();
        {
            let mut b = tantivy::schema::Schema::builder();
            let text = b.add_text_field("text", tantivy::schema::STORED);
            let directory =
                custodia_search::crypt::EncryptedDirectory::open(&root.join("index"), &key)
                    .unwrap();
            let index = tantivy::Index::create(directory, b.build(), Default::default()).unwrap();
            let mut writer: tantivy::IndexWriter =
                index.writer_with_num_threads(1, 15_000_000).unwrap();
            writer.add_document(tantivy::doc!(text => "old")).unwrap();
            writer.commit().unwrap();
        }
        let reader = Vault::open(&root, Access::ReadOnly).unwrap();
        let refused = reader.search_index().unwrap_err().to_string();
        assert!(refused.contains("custodia reindex"), "{refused}");
        drop(reader);
        let mut vault = Vault::open(&root, Access::ReadWrite).unwrap();
        assert_eq!(search(&mut vault), 1);
    }

    #[test]
    fn loose_dates() {
        let d = super::parse_loose_date;
        assert_eq!(d("2014:08:03 06:15:00"), d("2014-08-03T06:15:00Z"));
        assert_eq!(d("D:20140803061500+03'00'"), d("2014-08-03T06:15:00Z"));
        assert!(d("yesterday").is_none());
    }
}
