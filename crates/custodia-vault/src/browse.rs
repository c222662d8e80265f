//! What the web application shows: the items a person may see, holdings counted over them,
//! recent custody activity, an item's derived text and metadata, and a check of one item against
//! the signed log. Every function takes the caller and asks the one policy function; nothing
//! here is counted or listed from items the caller may not see.

use std::collections::BTreeMap;
use std::io::Read;

use custodia_access::{Action, Role};
use custodia_blobstore::ContentHash;
use custodia_catalog::{EventRow, ItemRow, SubmissionRow};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Result, Vault, VaultError};

/// How many items the holdings and browse pages look at, at most (a bigger vault is searched).
pub const BROWSE_LIMIT: usize = 100_000;
/// Largest derived text shown in a preview.
const PREVIEW_TEXT: usize = 64 * 1024;
/// Items up to this size are re-hashed when their page is shown; bigger ones on demand.
pub const QUICK_CHECK_BYTES: u64 = 64 << 20;

/// One item as a list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemSummary {
    pub sha256: String,
    pub path: String,
    pub originator: String,
    #[schema(required)]
    pub case_ref: Option<String>,
    pub mime: String,
    /// `document`, `image`, `video`, `audio`, `archive` or `other`.
    pub kind: &'static str,
    pub size: u64,
    pub stored_at: String,
}

/// Holdings counted over the items the caller may see.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Holdings {
    pub items: u64,
    pub bytes: u64,
    pub by_originator: BTreeMap<String, u64>,
    pub by_kind: BTreeMap<String, u64>,
    /// Whether the vault holds more than [`BROWSE_LIMIT`] items and only that many were counted.
    pub truncated: bool,
}

/// A filter for browsing.
#[derive(Debug, Clone, Default)]
pub struct BrowseFilter {
    pub originator: Option<String>,
    pub kind: Option<String>,
    /// Words that must occur in the item's path (case-insensitive).
    pub path_contains: Option<String>,
}

/// The outcome of checking one item against its blob and the signed log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemCheck {
    /// `verified`, `not_rehashed` (too big to re-hash on a page view; its blob is present) or
    /// `failed`.
    pub status: &'static str,
    pub rehashed: bool,
    /// Custody entries of the item proven to be in the signed tree (those of its history the
    /// caller may see).
    pub entries_proven: usize,
    pub tree_size: u64,
    pub problems: Vec<String>,
}

/// What extraction made of an item, as far as the caller may see it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DerivedView {
    pub text: Option<String>,
    pub text_truncated: bool,
    pub language: Option<String>,
    pub method: Option<String>,
    pub metadata: Option<serde_json::Value>,
    /// The capture position, when the metadata has one: (latitude, longitude).
    pub position: Option<(f64, f64)>,
    pub extraction_error: Option<String>,
}

/// The coarse kind of a media type, for facets and icons.
pub fn kind_of(mime: &str) -> &'static str {
    let m = mime.to_ascii_lowercase();
    if m.starts_with("image/") {
        "image"
    } else if m.starts_with("video/") {
        "video"
    } else if m.starts_with("audio/") {
        "audio"
    } else if m.starts_with("text/")
        || m == "application/pdf"
        || m.contains("document")
        || m.contains("msword")
        || m.contains("rtf")
        || m.contains("message")
        || m.contains("sheet")
        || m.contains("presentation")
    {
        "document"
    } else if m.contains("zip") || m.contains("tar") || m.contains("7z") || m.contains("gzip") {
        "archive"
    } else {
        "other"
    }
}

impl Vault {
    /// The items (not derived text or metadata) `actor` may see the metadata of, newest first,
    /// that pass `filter`, at most `limit` after skipping `offset`; and how many pass in all.
    pub fn browse(
        &self,
        actor: &str,
        filter: &BrowseFilter,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<ItemSummary>, usize)> {
        let visible = self.visible_items(actor)?.0;
        let needle = filter
            .path_contains
            .as_deref()
            .map(str::to_lowercase)
            .filter(|s| !s.trim().is_empty());
        let mut passing: Vec<ItemSummary> = visible
            .into_iter()
            .filter(|i| {
                filter
                    .originator
                    .as_ref()
                    .is_none_or(|o| &i.originator == o)
            })
            .filter(|i| filter.kind.as_deref().is_none_or(|k| i.kind == k))
            .filter(|i| {
                needle
                    .as_ref()
                    .is_none_or(|n| i.path.to_lowercase().contains(n.as_str()))
            })
            .collect();
        passing.sort_by(|a, b| b.stored_at.cmp(&a.stored_at).then(a.path.cmp(&b.path)));
        let total = passing.len();
        Ok((
            passing.into_iter().skip(offset).take(limit).collect(),
            total,
        ))
    }

    /// Holdings by originator and kind, over what `actor` may see.
    pub fn holdings(&self, actor: &str) -> Result<Holdings> {
        let (items, truncated) = self.visible_items(actor)?;
        let mut h = Holdings {
            truncated,
            ..Holdings::default()
        };
        for i in items {
            h.items += 1;
            h.bytes += i.size;
            // An item none of whose provenance the caller sees is counted, under no originator.
            if !i.originator.is_empty() {
                *h.by_originator.entry(i.originator).or_default() += 1;
            }
            *h.by_kind.entry(i.kind.to_owned()).or_default() += 1;
        }
        Ok(h)
    }

    pub(crate) fn visible_items(&self, actor: &str) -> Result<(Vec<ItemSummary>, bool)> {
        let who = self.principal(actor)?;
        let mut rows: Vec<ItemRow> = Vec::new();
        let mut truncated = false;
        self.catalog.for_each_item(&mut |row| {
            if rows.len() >= BROWSE_LIMIT {
                truncated = true;
            } else {
                rows.push(row);
            }
            Ok(())
        })?;
        let mut out = Vec::new();
        for row in rows {
            // Derived text and metadata have no submission of their own (their bytes may equal
            // an original's, as a UTF-8 text's extracted text does, so the hash cannot tell).
            let submissions = self.catalog.submissions_of(&row.sha256)?;
            if submissions.is_empty() {
                continue;
            }
            let Ok(hash) = row.sha256.parse::<ContentHash>() else {
                continue;
            };
            // The facts are read once, for the decision and for the provenance shown.
            let facts = self.item_facts(&row.sha256)?;
            if self
                .authorise_on(
                    &who,
                    Action::ViewMetadata,
                    hash.to_hex(),
                    facts.as_ref(),
                    None,
                )
                .is_err()
            {
                continue;
            }
            // The first submission whose provenance the reader sees (as the item's view has
            // them): outside the holder another originator's path, name and case are not
            // theirs to see, though the bytes are the same.
            let seen =
                self.submissions_seen(&who, &row.sha256, &facts.unwrap_or_default(), submissions);
            let first: Option<&SubmissionRow> = crate::views::listed_under(&who, &seen);
            out.push(ItemSummary {
                path: first.map(|s| s.path.clone()).unwrap_or_default(),
                originator: first.map(|s| s.originator.clone()).unwrap_or_default(),
                case_ref: first.and_then(|s| s.case_ref.clone()),
                kind: kind_of(&row.mime),
                sha256: row.sha256,
                mime: row.mime,
                size: row.size,
                stored_at: row.stored_at,
            });
        }
        Ok((out, truncated))
    }

    /// The latest custody events `actor` may know of, newest first: all of them for the
    /// holder's custodians, administrators and auditors; for others, their own actions and
    /// events of items whose history they may see.
    pub fn recent_activity(&self, actor: &str, limit: usize) -> Result<Vec<EventRow>> {
        let who = self.principal(actor)?;
        let sees_all = who.of_holder() && (who.is(Role::Custodian) || who.is(Role::Auditor));
        // Administrators keep the accounts, not the evidence: they see the entries about no
        // item (organisations, users, checkpoints), never which items were ingested or read.
        let sees_accounts = who.of_holder() && who.is(Role::Administrator);
        let mut events = Vec::new();
        self.catalog.for_each_event(&mut |e| {
            events.push(e);
            Ok(())
        })?;
        // Everyone else sees an item's entries as its history shows them to them (trimmed to
        // their own organisation's part, others' actors unnamed): the same view, never more.
        let mut trimmed: BTreeMap<String, Vec<EventRow>> = BTreeMap::new();
        let mut out = Vec::new();
        for e in events.into_iter().rev() {
            if out.len() >= limit {
                break;
            }
            if sees_all
                || (sees_accounts
                    && e.item.is_none()
                    && ACCOUNT_ACTIONS.contains(&e.action.as_str()))
            {
                out.push(e);
                continue;
            }
            let shown = match e.item.as_deref() {
                Some(sha) => {
                    let history = trimmed.entry(sha.to_owned()).or_insert_with(|| {
                        sha.parse::<ContentHash>()
                            .ok()
                            .and_then(|h| self.history_for(actor, &h).ok())
                            .unwrap_or_default()
                    });
                    history.iter().find(|h| h.id == e.id).cloned()
                }
                None => None,
            };
            match shown {
                Some(shown) => out.push(shown),
                None if e.actor == actor => out.push(e),
                None => {}
            }
        }
        Ok(out)
    }

    /// The text and metadata extraction derived from an item, if `actor` may see its content.
    /// Reading them is recorded in the custody log (as a download for preview).
    pub fn derived_view(&mut self, actor: &str, hash: &ContentHash) -> Result<DerivedView> {
        let who = self.principal(actor)?;
        self.authorise(&who, Action::ViewContent, hash, None)?;
        let sha = hash.to_hex();
        let mut view = DerivedView {
            extraction_error: self
                .catalog
                .extraction(&sha)?
                .filter(|e| e.status == "failed")
                .and_then(|e| e.error),
            ..DerivedView::default()
        };
        let derived = self.catalog.derived_of(&sha)?;
        if derived.is_empty() {
            return Ok(view);
        }
        for d in &derived {
            let Ok(dhash) = d.sha256.parse::<ContentHash>() else {
                continue;
            };
            match d.kind.as_str() {
                "text" if view.text.is_none() => {
                    let mut bytes = Vec::new();
                    self.blobs
                        .open(&dhash)?
                        .take(PREVIEW_TEXT as u64 + 4)
                        .read_to_end(&mut bytes)
                        .map_err(|e| VaultError::Invalid(format!("derived text of {sha}: {e}")))?;
                    view.text_truncated = d.size > PREVIEW_TEXT as u64;
                    bytes.truncate(PREVIEW_TEXT);
                    view.text = Some(String::from_utf8_lossy(&bytes).into_owned());
                    view.language = d.language.clone();
                    view.method = Some(format!("{} ({})", d.method, d.tool_version));
                }
                "metadata" if view.metadata.is_none() => {
                    let mut bytes = Vec::new();
                    self.blobs
                        .open(&dhash)?
                        .take(4 << 20)
                        .read_to_end(&mut bytes)
                        .map_err(|e| VaultError::Invalid(format!("metadata of {sha}: {e}")))?;
                    let record: serde_json::Value =
                        serde_json::from_slice(&bytes).unwrap_or_default();
                    view.position = position_of(&record["metadata"]);
                    view.metadata = Some(record);
                }
                _ => {}
            }
        }
        self.record_download(
            actor,
            hash,
            serde_json::json!({
                "reason": "preview of extracted text and metadata in the web application",
                "bytes": 0, "organisation": who.organisation, "channel": "web",
            }),
        )?;
        Ok(view)
    }

    /// Checks an item: its custody entries are in the log at their positions and proven in
    /// the current signed tree, and (up to [`QUICK_CHECK_BYTES`], or always with `deep`) its
    /// blob still hashes to its SHA-256.
    ///
    /// The entries checked are those of the item's history that `actor` may see
    /// ([`Vault::history_for`]): a count or a problem of the others would tell of events the
    /// history hides (another originator's consent, a state's request).
    pub fn check_item(&self, actor: &str, hash: &ContentHash, deep: bool) -> Result<ItemCheck> {
        let history = self.history_for(actor, hash)?;
        let item = self.item(hash)?;
        let checkpoint = self.checkpoint()?;
        let (tree_size, root) = (checkpoint.size(), checkpoint.root());
        let mut problems = Vec::new();
        let mut proven = 0;
        for event in history {
            let Some(index) = event.ledger_index else {
                problems.push(format!(
                    "the {} event of {} is not yet in the log",
                    event.action, event.time
                ));
                continue;
            };
            if index >= tree_size {
                continue; // logged after the checkpoint was signed
            }
            match self.ledger.entry(index) {
                Ok(entry) if entry == event.entry => {}
                _ => {
                    problems.push(format!(
                        "log entry {index} differs from the catalog's event"
                    ));
                    continue;
                }
            }
            let proof = self.ledger.inclusion_proof(index, tree_size)?;
            let leaf = custodia_ledger::merkle::leaf_hash(&event.entry);
            match custodia_ledger::merkle::verify_inclusion(
                index,
                tree_size,
                leaf,
                &proof.audit_path,
                root,
            ) {
                Ok(()) => proven += 1,
                Err(e) => problems.push(format!("log entry {index} is not proven: {e}")),
            }
        }
        let rehash = deep || item.size <= QUICK_CHECK_BYTES;
        if rehash {
            match self.blobs.open(hash) {
                Ok(mut reader) => {
                    let mut hasher = Sha256::new();
                    let mut buf = vec![0u8; 1 << 20];
                    loop {
                        match reader.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => hasher.update(&buf[..n]),
                            Err(e) => {
                                problems.push(format!("the stored bytes do not decrypt: {e}"));
                                break;
                            }
                        }
                    }
                    let digest: [u8; 32] = hasher.finalize().into();
                    if digest != hash.0 {
                        problems
                            .push("the stored bytes no longer hash to the item's SHA-256".into());
                    }
                }
                Err(e) => problems.push(format!("the stored bytes cannot be read: {e}")),
            }
        } else if !self.blobs.contains(hash)? {
            problems.push("the stored bytes are missing".into());
        }
        let status = if !problems.is_empty() {
            "failed"
        } else if rehash {
            "verified"
        } else {
            "not_rehashed"
        };
        Ok(ItemCheck {
            status,
            rehashed: rehash,
            entries_proven: proven,
            tree_size,
            problems,
        })
    }
}

/// A (latitude, longitude) from extracted metadata, if both are there and in range.
fn position_of(metadata: &serde_json::Value) -> Option<(f64, f64)> {
    let number = |v: &serde_json::Value| -> Option<f64> {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    let lat = number(&metadata["gps_latitude"])?;
    let lon = number(&metadata["gps_longitude"])?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// The entries about no item that keep the accounts, which the holder's administrators see:
/// organisations, users, roles, credentials and sign-ins, cases and their members. Not the
/// others about no item (searches, requests filed, the victim register's and the harm reports'
/// work): those are the evidence's, as its items' entries are.
const ACCOUNT_ACTIONS: &[&str] = &[
    crate::custody::action::ORGANISATION_ADD,
    crate::custody::action::ORGANISATION_APPROVE,
    crate::custody::action::USER_ADD,
    crate::custody::action::USER_ROLES,
    crate::custody::action::USER_LANGUAGE,
    crate::custody::action::USER_TIME_ZONE,
    crate::custody::action::CASE_ADD,
    crate::custody::action::CASE_MEMBER_ADD,
    crate::custody::action::MIGRATE,
    crate::auth::action::PASSWORD_SET,
    crate::auth::action::LOGIN,
    crate::auth::action::LOGIN_FAILED,
    crate::auth::action::TOKEN_ISSUE,
    crate::auth::action::TOKEN_REVOKE,
    crate::auth::action::TOTP_ENABLE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_read_and_checked() {
        let m = serde_json::json!({"gps_latitude": 36.33, "gps_longitude": "43.13"});
        assert_eq!(position_of(&m), Some((36.33, 43.13)));
        assert_eq!(
            position_of(&serde_json::json!({"gps_latitude": 95.0, "gps_longitude": 1.0})),
            None
        );
        assert_eq!(position_of(&serde_json::json!({})), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("image/jpeg"), "image");
        assert_eq!(kind_of("application/pdf"), "document");
        assert_eq!(kind_of("application/zip"), "archive");
        assert_eq!(kind_of("video/mp4"), "video");
        assert_eq!(kind_of("application/octet-stream"), "other");
    }
}

#[cfg(test)]
mod vault_tests {
    #[test]
    fn holdings_count_what_the_caller_may_see() {
        let dir = tempfile::tempdir().unwrap();
        // The extracted text of a UTF-8 file has the file's own bytes: still one item.
        let vault = crate::test_support::vault_with_one_text(dir.path());
        let h = vault.holdings("admin").unwrap();
        assert_eq!(h.items, 1, "{h:?}");
        assert_eq!(h.by_originator.get("UNITAD"), Some(&1));
        let (list, total) = vault
            .browse("admin", &super::BrowseFilter::default(), 0, 10)
            .unwrap();
        assert_eq!((list.len(), total), (1, 1));
        assert!(list[0].path.ends_with("in/a.txt"), "{}", list[0].path);
    }
}
