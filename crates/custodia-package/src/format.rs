//! The package's own tag files: `custodia/package.json` and one `custodia/items/<sha256>.json` per
//! item. Field names are part of the format (`docs/PACKAGE.md`): add, never rename.

use serde::{Deserialize, Serialize};

/// `format` in `custodia/package.json`.
pub const FORMAT_NAME: &str = "custodia-disclosure-package";
/// `version` in `custodia/package.json`; a verifier refuses versions it does not know.
pub const FORMAT_VERSION: u32 = 1;

pub const PACKAGE_FILE: &str = "custodia/package.json";
pub const CHECKPOINT_FILE: &str = "custodia/checkpoint.txt";
pub const VKEY_FILE: &str = "custodia/holder.vkey";
pub const ITEMS_DIR: &str = "custodia/items";
pub const COVER_FILE: &str = "cover.html";

/// `custodia/package.json`: what the package is, for whom, under which conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageManifest {
    pub format: String,
    pub version: u32,
    /// Random identifier of this package, also written in every release entry of the log.
    pub id: String,
    pub created_at: String,
    /// The organisation that holds the archive and signs the custody log.
    pub holder: String,
    /// The person who built the package.
    pub built_by: String,
    /// The organisation the package is for (`None`: no named recipient).
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    /// Conditions given for the whole package (each item also lists those that bind it).
    pub conditions: Vec<serde_json::Value>,
    /// The custody log's origin (its key name) and the checkpoint every proof leads to.
    pub log_origin: String,
    pub tree_size: u64,
    pub items: Vec<ItemSummary>,
    /// The salt (64 hex digits) of the claim digests the release entries commit to
    /// ([`crate::claims`]): only the package carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_salt: Option<String>,
}

/// One item of `package.json`'s `items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PackageItem))]
pub struct ItemSummary {
    pub sha256: String,
    pub size: u64,
    /// The payload file, relative to the bag's root (`data/<sha256>/<name>`).
    pub payload: String,
    /// The item's metadata file, relative to the bag's root.
    pub metadata: String,
}

/// `custodia/items/<sha256>.json`: one item's facts, provenance, conditions and custody proofs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMetadata {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub stored_at: String,
    pub payload: String,
    pub provenance: Vec<Provenance>,
    /// Every condition binding the recipient for this item: the package's own and those of the
    /// consent decisions it was released under, each with its `source`.
    pub conditions: Vec<serde_json::Value>,
    /// The item's custody log entries up to the package's checkpoint, oldest first.
    pub custody: Vec<CustodyRecord>,
}

/// One submission of the item: who supplied it, how it was collected, where it sat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub originator: String,
    pub case: Option<String>,
    pub collected_by: Option<String>,
    pub collected_at: Option<String>,
    pub collection_note: Option<String>,
    pub path: String,
    pub original_name: String,
    pub parent_sha256: Option<String>,
    pub path_in_parent: Option<String>,
    pub modified_at: Option<String>,
    pub created_at: Option<String>,
    pub submitted_at: String,
    pub submitted_by: String,
    /// The sharing regime in force for this submission when the package was built.
    pub regime: String,
}

/// One custody log entry of the item, with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustodyRecord {
    /// Position in the custody log (0-based).
    pub index: u64,
    /// The exact bytes of the log entry, base64 (standard alphabet, padded).
    pub entry: String,
    /// The details the entry commits to, where the holder discloses them: the ingest and this
    /// package's release. `None` for other events.
    pub details: Option<String>,
    /// Openings of the fields disclosed to the recipient (format 2 entries, whose fields are
    /// commitments; see [`crate::entry`]): always the item, and the actor and details where the
    /// details are disclosed.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub openings: crate::entry::Openings,
    /// The RFC 9162 inclusion proof of the entry in the tree of `tree_size` entries, from the
    /// leaf upwards, each hash base64.
    pub proof: Vec<String>,
}

/// A condition in words, from the documented vocabulary.
pub fn describe_condition(c: &serde_json::Value) -> String {
    let field = |name: &str| {
        c.get(name)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let source = field("source");
    let text = match field("kind").as_str() {
        "limited_use" => format!(
            "Use limited to: {}",
            first_non_empty(&[field("case"), field("purpose"), field("text")])
        ),
        "no_onward_transfer" => "No onward transfer without new consent".into(),
        "no_death_penalty" => "Not for use in proceedings that can impose the death penalty".into(),
        "redact_protected_witnesses" => {
            "The identity of protected witnesses is to be redacted".into()
        }
        "return_or_destroy" => "Return or destroy after the proceedings".into(),
        "confidential_until" => format!("Confidential until {}", field("date")),
        "free_text" => field("text"),
        other => format!("{other}: {c}"),
    };
    if source.is_empty() {
        text
    } else {
        format!("{text} ({source})")
    }
}

fn first_non_empty(values: &[String]) -> String {
    values
        .iter()
        .find(|v| !v.is_empty())
        .cloned()
        .unwrap_or_else(|| "(unspecified)".into())
}
