//! Building disclosure packages: the items a recipient may receive, with their provenance, the
//! conditions that bind the recipient and the proofs of their custody (format: `docs/PACKAGE.md`,
//! written by [`custodia_package`]).
//!
//! Order of work, so that nothing leaves unlogged and nothing half-built looks finished: every
//! item is authorised first; payloads are decrypted into a hidden folder beside the target, each
//! checked against its SHA-256 while written; the release of every item is then logged (one
//! catalog transaction, one log append); a checkpoint covering those entries is signed; the
//! metadata and proofs are written against it; and only then is the package renamed into place.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use base64::Engine as _;
use custodia_access::{Action, Role};
use custodia_blobstore::BlobStore;
use custodia_blobstore::ContentHash;
use custodia_catalog::{AccessChange, ReleaseRow};
use custodia_package::claims::{claim, claim_digest};
use custodia_package::{
    render_cover, safe_file_name, BagWriter, CustodyRecord, ItemMetadata, ItemSummary,
    PackageManifest, Provenance, CHECKPOINT_FILE, COVER_FILE, FORMAT_NAME, FORMAT_VERSION,
    ITEMS_DIR, PACKAGE_FILE, VKEY_FILE,
};
use serde::Serialize;

use crate::access::Change;
use crate::custody::{self, action, field, LoggedEntry};
use crate::{Result, Vault, VaultError};

/// What to put in a package, and for whom.
#[derive(Debug, Clone, Default)]
pub struct PackageRequest {
    pub items: Vec<ContentHash>,
    /// The package: a new directory, or with `zip` a new ZIP file.
    pub out: PathBuf,
    pub zip: bool,
    /// The receiving organisation; `None` for a package to no named recipient (open items only).
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    /// Conditions for the whole package, from the documented vocabulary (objects with `kind`).
    pub conditions: Vec<serde_json::Value>,
}

/// What was built.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackageReceipt {
    pub id: String,
    pub path: String,
    pub zip: bool,
    #[schema(required)]
    pub recipient: Option<String>,
    pub items: Vec<ItemSummary>,
    pub bytes: u64,
    /// The checkpoint every proof in the package leads to.
    pub tree_size: u64,
    pub checkpoint: String,
    /// Log positions of the release entries.
    pub release_entries: Vec<u64>,
}

/// One item, with everything gathered before writing.
struct Planned {
    hash: ContentHash,
    sha: String,
    size: u64,
    mime: String,
    stored_at: String,
    payload: String,
    provenance: Vec<Provenance>,
    conditions: Vec<serde_json::Value>,
}

impl Vault {
    /// Builds a disclosure package of `request.items` for `request.recipient`. Every item must be
    /// releasable to the recipient by the policy; otherwise nothing is written or logged.
    /// `progress` is told the bytes written so far.
    pub fn build_package(
        &mut self,
        actor: &str,
        request: &PackageRequest,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<PackageReceipt> {
        self.require_write()?;
        let who = self.principal(actor)?;
        self.require_holder_role(&who, Role::Custodian, "building a disclosure package")?;
        let recipient = request
            .recipient
            .as_deref()
            .map(|name| self.recipient(name))
            .transpose()?;
        if request.items.is_empty() {
            return Err(VaultError::Invalid(
                "a package needs at least one item".into(),
            ));
        }
        if request.out.exists() {
            return Err(VaultError::OutputExists(request.out.display().to_string()));
        }

        // 1. Authorise and gather every item before anything is written or logged.
        let mut seen = BTreeSet::new();
        let mut planned = Vec::new();
        for hash in &request.items {
            if !seen.insert(hash.0) {
                continue;
            }
            self.authorise(&who, Action::Export, hash, recipient.as_ref())?;
            planned.push(self.plan_item(hash, request)?);
        }

        // 2. Payloads, into a hidden sibling of the target.
        let mut id_bytes = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id_bytes)
            .map_err(|_| VaultError::Crypto("no system randomness for the package identifier"))?;
        let id = hex::encode(id_bytes);
        let partial = partial_path(&request.out, &id);
        let bag_name = request
            .out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("package-{id}"));
        let built = (|| -> Result<PackageReceipt> {
            let mut bag = if request.zip {
                BagWriter::create_zip(&partial, &bag_name)
            } else {
                BagWriter::create_dir(&partial)
            }
            .map_err(package_error)?;
            let bytes = self.write_payloads(&bag, &planned, progress)?;

            // 3. The releases, logged before anything is handed over.
            // Each release entry commits to everything the package will claim about its item
            // and about itself (`docs/PACKAGE.md`, *Custody entries*), so that a verifier can
            // check every claim against the signed log and believe none unchecked.
            // The claims are salted digests (`custodia_package::claims`): the details are shown,
            // trimmed, in the item's history to others than the recipient, and must not hand
            // them another originator's provenance.
            let recipient_name = request.recipient.clone().unwrap_or_default();
            let now = custody::now();
            let mut salt = [0u8; 32];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
                .map_err(|_| VaultError::Crypto("no system randomness for the package's claims"))?;
            let package_claims = [
                (claim::HOLDER, serde_json::json!(self.config.holder)),
                (claim::BUILT_BY, serde_json::json!(actor)),
                (claim::CREATED_AT, serde_json::json!(now)),
                (
                    claim::PACKAGE_CONDITIONS,
                    serde_json::json!(request.conditions),
                ),
            ];
            let changes = planned
                .iter()
                .map(|p| {
                    let item_claims = [
                        (claim::PROVENANCE, serde_json::json!(p.provenance)),
                        (claim::SIZE, serde_json::json!(p.size)),
                        (claim::MIME, serde_json::json!(p.mime)),
                        (claim::STORED_AT, serde_json::json!(p.stored_at)),
                        (claim::PAYLOAD, serde_json::json!(p.payload)),
                    ];
                    let claims: serde_json::Map<String, serde_json::Value> = package_claims
                        .iter()
                        .chain(&item_claims)
                        .map(|(name, value)| {
                            ((*name).to_owned(), claim_digest(&salt, name, value).into())
                        })
                        .collect();
                    Change {
                        action: action::RELEASE,
                        item: Some(p.sha.clone()),
                        details: serde_json::json!({
                            "package": id, "recipient": request.recipient,
                            "purpose": request.purpose, "organisation": who.organisation,
                            "conditions": p.conditions, "claims": claims,
                        }),
                        rows: vec![AccessChange::RecordRelease(ReleaseRow {
                            id: 0,
                            sha256: p.sha.clone(),
                            recipient: recipient_name.clone(),
                            package: id.clone(),
                            released_at: now.clone(),
                            released_by: actor.to_owned(),
                        })],
                    }
                })
                .collect();
            let release_entries = self.change_access_many(actor, changes)?;

            // 4. One checkpoint for every proof in the package.
            let checkpoint = self.checkpoint()?;
            let tree_size = checkpoint.size();

            // 5. Metadata, proofs, the description, the key, the cover sheet, the manifests.
            let mut summaries = Vec::with_capacity(planned.len());
            let mut metadata_list = Vec::with_capacity(planned.len());
            for p in &planned {
                let metadata = self.item_metadata(p, &id, tree_size)?;
                let path = format!("{ITEMS_DIR}/{}.json", p.sha);
                bag.add_tag(&path, &to_json(&metadata)?)
                    .map_err(package_error)?;
                metadata_list.push(metadata);
                summaries.push(ItemSummary {
                    sha256: p.sha.clone(),
                    size: p.size,
                    payload: p.payload.clone(),
                    metadata: path,
                });
            }
            let manifest = PackageManifest {
                format: FORMAT_NAME.into(),
                version: FORMAT_VERSION,
                id: id.clone(),
                created_at: now.clone(),
                holder: self.config.holder.clone(),
                built_by: actor.to_owned(),
                recipient: request.recipient.clone(),
                purpose: request.purpose.clone(),
                conditions: request.conditions.clone(),
                log_origin: checkpoint.origin().to_owned(),
                tree_size,
                items: summaries.clone(),
                claims_salt: Some(hex::encode(salt)),
            };
            bag.add_tag(PACKAGE_FILE, &to_json(&manifest)?)
                .map_err(package_error)?;
            bag.add_tag(CHECKPOINT_FILE, checkpoint.text().as_bytes())
                .map_err(package_error)?;
            bag.add_tag(VKEY_FILE, format!("{}\n", self.verifier.vkey()).as_bytes())
                .map_err(package_error)?;
            let cover = render_cover(&manifest, &metadata_list, self.verifier.vkey());
            bag.add_tag(COVER_FILE, cover.as_bytes())
                .map_err(package_error)?;
            bag.finish(&[
                ("Source-Organization", self.config.holder.clone()),
                ("Bagging-Date", now.get(..10).unwrap_or(&now).to_owned()),
                ("External-Identifier", id.clone()),
                (
                    "External-Description",
                    format!(
                        "Custodia disclosure package for {}",
                        request.recipient.as_deref().unwrap_or("no named recipient")
                    ),
                ),
                ("Custodia-Package-Format", FORMAT_VERSION.to_string()),
            ])
            .map_err(package_error)?;
            Ok(PackageReceipt {
                id: id.clone(),
                path: request.out.display().to_string(),
                zip: request.zip,
                recipient: request.recipient.clone(),
                items: summaries,
                bytes,
                tree_size,
                checkpoint: checkpoint.text().to_owned(),
                release_entries,
            })
        })();
        let receipt = match built {
            Ok(r) => r,
            Err(e) => {
                let _ = if request.zip {
                    fs::remove_file(&partial)
                } else {
                    fs::remove_dir_all(&partial)
                };
                return Err(e);
            }
        };
        fs::rename(&partial, &request.out)
            .map_err(VaultError::io("move into place", &request.out))?;
        if let Some(parent) = request.out.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(dir) = fs::File::open(parent) {
                let _ = dir.sync_all();
            }
        }
        Ok(receipt)
    }

    fn plan_item(&self, hash: &ContentHash, request: &PackageRequest) -> Result<Planned> {
        let sha = hash.to_hex();
        let item = self.item(hash)?;
        let submissions = self.submissions(hash)?;
        let regimes: BTreeMap<String, String> = self
            .regimes(hash)?
            .submissions
            .into_iter()
            .map(|s| (s.submission_key, s.regime.as_str().to_owned()))
            .collect();
        let name = submissions
            .first()
            .map(|s| s.original_name.clone())
            .unwrap_or_else(|| "item".into());
        let provenance = submissions
            .iter()
            .map(|s| Provenance {
                originator: s.originator.clone(),
                case: s.case_ref.clone(),
                collected_by: s.collected_by.clone(),
                collected_at: s.collected_at.clone(),
                collection_note: s.collection_note.clone(),
                path: s.path.clone(),
                original_name: s.original_name.clone(),
                // A redacted derivative never names its original to the recipient: the
                // original's hash would let them test guesses of what was burnt.
                parent_sha256: match (&s.parent_sha256, &s.path_in_parent) {
                    (Some(parent), Some(inside))
                        if inside.starts_with(crate::redact::REDACTED_PREFIX) =>
                    {
                        Some(self.sealer.redaction_parent_commitment(&sha, parent))
                    }
                    (parent, _) => parent.clone(),
                },
                path_in_parent: s.path_in_parent.clone(),
                modified_at: s.modified_at.clone(),
                created_at: s.created_at.clone(),
                submitted_at: s.submitted_at.clone(),
                submitted_by: s.submitted_by.clone(),
                regime: regimes
                    .get(&s.submission_key)
                    .cloned()
                    .unwrap_or_else(|| crate::DEFAULT_REGIME.as_str().to_owned()),
            })
            .collect();
        // The package's own conditions, then those of the consents the item goes out under:
        // for each originator, its latest decision for this recipient.
        let mut conditions: Vec<serde_json::Value> = request
            .conditions
            .iter()
            .map(|c| with_source(c, "package"))
            .collect();
        if let Some(recipient) = &request.recipient {
            let mut latest = BTreeMap::new();
            for consent in self.catalog.consents_of(&sha)? {
                if &consent.recipient == recipient {
                    latest.insert(consent.originator.clone(), consent);
                }
            }
            for (originator, consent) in latest {
                if consent.decision != "grant" {
                    continue;
                }
                let list = crate::conditions::stored_conditions(
                    &consent.conditions,
                    &format!("the consent of {originator} for item {sha}"),
                )?;
                for c in list {
                    conditions.push(with_source(
                        &c,
                        &format!("consent of {originator}, {}", consent.decided_at),
                    ));
                }
            }
        }
        // A condition that requires redaction sends the latest redacted derivative instead; with
        // none made yet, nothing goes.
        if conditions
            .iter()
            .any(|c| c.get("kind").and_then(|k| k.as_str()) == Some("redact_protected_witnesses"))
        {
            let derived = self.latest_redaction(&sha)?.ok_or_else(|| {
                VaultError::Invalid(format!(
                    "item {sha} may only be released redacted (a condition requires it), and has no redacted derivative yet\n\nhint: `custodia redact {sha} --text … | --region … --reason …`"
                ))
            })?;
            let derived_hash: ContentHash = derived
                .parse()
                .map_err(|_| VaultError::Invalid(format!("a stored item hash `{derived}`")))?;
            let mut planned = self.plan_item(&derived_hash, &PackageRequest::default())?;
            planned.conditions = conditions;
            return Ok(planned);
        }
        Ok(Planned {
            hash: *hash,
            payload: format!("data/{sha}/{}", safe_file_name(&name)),
            sha,
            size: item.size,
            mime: item.mime,
            stored_at: item.stored_at,
            provenance,
            conditions,
        })
    }

    /// Decrypts every item into the bag, several at a time, checking each against its SHA-256.
    fn write_payloads(
        &self,
        bag: &BagWriter,
        planned: &[Planned],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<u64> {
        // Only the blob store crosses threads (the catalog connection may not).
        let blobs: &dyn BlobStore = self.blobs.as_ref();
        let next = AtomicUsize::new(0);
        let written = AtomicU64::new(0);
        let failure: Mutex<Option<VaultError>> = Mutex::new(None);
        // One worker per core (at least two, so that one reads while the other writes): more
        // only add contention for the disk, which bounds a package of large items.
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .max(2)
            .min(planned.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    if failure.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
                        break;
                    }
                    let Some(p) = planned.get(next.fetch_add(1, Ordering::SeqCst)) else {
                        break;
                    };
                    let outcome = (|| -> Result<()> {
                        let mut reader = blobs.open(&p.hash)?;
                        let relative = p.payload.strip_prefix("data/").unwrap_or(&p.payload);
                        let done = bag
                            .add_payload(relative, p.size, &mut reader)
                            .map_err(package_error)?;
                        if done.sha256 != p.sha || done.size != p.size {
                            return Err(VaultError::Invalid(format!(
                                "the stored bytes of item {} no longer match its SHA-256; no package was built\n\nhint: run `custodia verify --deep`",
                                p.sha
                            )));
                        }
                        let total = written.fetch_add(done.size, Ordering::SeqCst) + done.size;
                        progress(total);
                        Ok(())
                    })();
                    if let Err(e) = outcome {
                        failure
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(e);
                        break;
                    }
                });
            }
        });
        if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        Ok(written.into_inner())
    }

    /// The item's custody entries up to `tree_size`, each with its inclusion proof; the details
    /// of its ingest entries and of this package's release are disclosed, others (a redaction's
    /// among them) only committed to.
    fn item_metadata(&self, p: &Planned, package_id: &str, tree_size: u64) -> Result<ItemMetadata> {
        let mut custody = Vec::new();
        for event in self.catalog.history(&p.sha)? {
            let Some(index) = event.ledger_index.filter(|i| *i < tree_size) else {
                continue;
            };
            let proof = self.ledger.inclusion_proof(index, tree_size)?;
            let disclosed = match event.action.as_str() {
                action::INGEST => true,
                // A redaction's details name the original, whose hash would let a recipient
                // test guesses of what was burnt: only its commitment goes out.
                action::REDACT => false,
                action::RELEASE => serde_json::from_str::<serde_json::Value>(&event.details)
                    .ok()
                    .and_then(|d| d.get("package").and_then(|v| v.as_str()).map(str::to_owned))
                    .is_some_and(|id| id == package_id),
                _ => false,
            };
            // Format 2 entries are commitments: the recipient gets the openings of the item and,
            // where the details are disclosed, of who acted and the details.
            let openings = match LoggedEntry::parse(&event.entry) {
                Ok(LoggedEntry::V2(v2)) => {
                    let fields: &[&str] = if disclosed {
                        &field::ALL
                    } else {
                        &[field::ITEM]
                    };
                    self.sealer.openings(&v2, &event, fields)
                }
                _ => Default::default(),
            };
            custody.push(CustodyRecord {
                index,
                entry: b64(&event.entry),
                details: disclosed.then(|| event.details.clone()),
                openings,
                proof: proof.audit_path.iter().map(|h| b64(&h.0)).collect(),
            });
        }
        custody.sort_by_key(|c| c.index);
        Ok(ItemMetadata {
            sha256: p.sha.clone(),
            size: p.size,
            mime: p.mime.clone(),
            stored_at: p.stored_at.clone(),
            payload: p.payload.clone(),
            provenance: p.provenance.clone(),
            conditions: p.conditions.clone(),
            custody,
        })
    }
}

fn partial_path(out: &Path, id: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "package".into());
    out.with_file_name(format!(".{name}.partial-{id}"))
}

fn with_source(condition: &serde_json::Value, source: &str) -> serde_json::Value {
    let mut c = condition.clone();
    if let Some(map) = c.as_object_mut() {
        map.entry("source")
            .or_insert_with(|| serde_json::Value::String(source.to_owned()));
    }
    c
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| VaultError::Invalid(format!("writing package metadata: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn package_error(e: custodia_package::PackageError) -> VaultError {
    VaultError::Invalid(format!("writing the package: {e}"))
}
