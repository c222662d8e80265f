//! Custody log entries as a verifier reads them: both versions, commitments and openings.
//!
//! Version 1 (written until entry format 2; never rewritten, so still found in older logs):
//!
//! ```json
//! {"v":1,"time":"…","actor":"custodian-1","action":"ingest","item":"<sha256>","details":"<sha256 of the details>"}
//! ```
//!
//! Version 2 keeps `time` and `action` plain and holds every field that names an item, a person
//! or a decision's details as a salted commitment (the selective-disclosure pattern of IETF
//! SD-JWT), so that the log reveals nothing by itself and a holder can open exactly the fields a
//! recipient may see:
//!
//! ```json
//! {"v":2,"time":"…","action":"ingest","nonce":"<32 hex>","actor":"<64 hex>","item":"<64 hex>","details":"<64 hex>"}
//! ```
//!
//! `commitment(field, salt, value) = SHA-256("custodia custody commitment v2" ‖ 0x00 ‖ field ‖
//! 0x00 ‖ salt ‖ value)`, with the 32-byte salt and the value's UTF-8 bytes. An [`Opening`] gives
//! the salt and the value of one field; anyone can check it against the entry. The holder derives
//! each salt from the entry's `nonce` under a key of its own (see `custodia-vault`), so salts are
//! unpredictable without that key and need no storage of their own; a verifier never needs to know
//! how they were made. `item` is absent when the entry concerns no item, as in version 1.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version of the entries written now.
pub const ENTRY_VERSION: u32 = 2;

/// The committed fields of a version 2 entry. Names are part of the log format: never rename.
pub mod field {
    /// The user who acted.
    pub const ACTOR: &str = "actor";
    /// The SHA-256 (lower-case hex) of the item the entry concerns.
    pub const ITEM: &str = "item";
    /// The details JSON kept in the holder's catalog (provenance, reasons, requests, decisions).
    pub const DETAILS: &str = "details";
    /// Every committed field, in entry order.
    pub const ALL: [&str; 3] = [ACTOR, ITEM, DETAILS];
}

const COMMITMENT_DOMAIN: &[u8] = b"custodia custody commitment v2\0";

/// The commitment to `value` as `field` under `salt`.
pub fn commitment(field: &str, salt: &[u8; 32], value: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(COMMITMENT_DOMAIN);
    hasher.update(field.as_bytes());
    hasher.update([0u8]);
    hasher.update(salt);
    hasher.update(value.as_bytes());
    hasher.finalize().into()
}

/// One opened field of a version 2 entry: its salt (64 hex digits) and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opening {
    /// The commitment's salt, 64 hexadecimal digits.
    pub salt: String,
    /// The field's value as committed.
    pub value: String,
}

/// Openings by field name.
pub type Openings = BTreeMap<String, Opening>;

impl Opening {
    /// Whether this opening is of the commitment `committed` (hex) as `field`.
    pub fn opens(&self, field: &str, committed: &str) -> bool {
        let mut salt = [0u8; 32];
        if hex::decode_to_slice(&self.salt, &mut salt).is_err() {
            return false;
        }
        hex::encode(commitment(field, &salt, &self.value)).eq_ignore_ascii_case(committed)
    }
}

/// A version 1 entry: every field in plain but the details, which are their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryV1 {
    pub v: u32,
    pub time: String,
    pub actor: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub details: String,
}

/// A version 2 entry: `time` and `action` plain, the other fields commitments (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryV2 {
    pub v: u32,
    pub time: String,
    pub action: String,
    /// 16 random bytes (hex) from which the holder derives the entry's salts.
    pub nonce: String,
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub details: String,
}

impl EntryV2 {
    /// The commitment held for `field` (`None`: the entry has no such field).
    pub fn committed(&self, field: &str) -> Option<&str> {
        match field {
            field::ACTOR => Some(&self.actor),
            field::ITEM => self.item.as_deref(),
            field::DETAILS => Some(&self.details),
            _ => None,
        }
    }

    /// The entry's compact JSON, as logged.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising a struct of strings cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// A custody log entry of either version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    V1(EntryV1),
    V2(EntryV2),
}

/// Why bytes are not a custody entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("not a custody entry: {0}")]
    Malformed(String),
    #[error("custody entry version {0} is not known (1 and 2 are)")]
    UnknownVersion(u64),
}

#[derive(Deserialize)]
struct Version {
    v: u64,
}

impl Entry {
    pub fn parse(bytes: &[u8]) -> Result<Self, EntryError> {
        let version: Version =
            serde_json::from_slice(bytes).map_err(|e| EntryError::Malformed(e.to_string()))?;
        let malformed = |e: serde_json::Error| EntryError::Malformed(e.to_string());
        match version.v {
            1 => Ok(Entry::V1(serde_json::from_slice(bytes).map_err(malformed)?)),
            2 => Ok(Entry::V2(serde_json::from_slice(bytes).map_err(malformed)?)),
            other => Err(EntryError::UnknownVersion(other)),
        }
    }

    pub fn version(&self) -> u32 {
        match self {
            Entry::V1(e) => e.v,
            Entry::V2(e) => e.v,
        }
    }

    pub fn time(&self) -> &str {
        match self {
            Entry::V1(e) => &e.time,
            Entry::V2(e) => &e.time,
        }
    }

    pub fn action(&self) -> &str {
        match self {
            Entry::V1(e) => &e.action,
            Entry::V2(e) => &e.action,
        }
    }

    /// Whether the entry concerns an item (plain in version 1, committed in version 2).
    pub fn concerns_item(&self) -> bool {
        match self {
            Entry::V1(e) => e.item.is_some(),
            Entry::V2(e) => e.item.is_some(),
        }
    }

    /// Whether the entry states (plainly, or through a valid opening in `openings`) that
    /// `field` is `value`.
    pub fn states(&self, field: &str, value: &str, openings: &Openings) -> bool {
        match self {
            Entry::V1(e) => match field {
                field::ACTOR => e.actor == value,
                field::ITEM => e.item.as_deref() == Some(value),
                field::DETAILS => {
                    hex::encode(Sha256::digest(value.as_bytes())).eq_ignore_ascii_case(&e.details)
                }
                _ => false,
            },
            Entry::V2(e) => match (e.committed(field), openings.get(field)) {
                (Some(committed), Some(opening)) => {
                    opening.value == value && opening.opens(field, committed)
                }
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(item: &str, salt: &[u8; 32]) -> EntryV2 {
        EntryV2 {
            v: 2,
            time: "2026-12-04T10:00:00.000000Z".into(),
            action: "ingest".into(),
            nonce: "00".repeat(16),
            actor: hex::encode(commitment(field::ACTOR, salt, "custodian-1")),
            item: Some(hex::encode(commitment(field::ITEM, salt, item))),
            details: hex::encode(commitment(field::DETAILS, salt, "{}")),
        }
    }

    #[test]
    fn openings_open_their_own_field_only() {
        let salt = [7u8; 32];
        let item = "ab".repeat(32);
        let entry = v2(&item, &salt);
        let opening = Opening {
            salt: hex::encode(salt),
            value: item.clone(),
        };
        assert!(opening.opens(field::ITEM, entry.item.as_deref().unwrap()));
        // The same salt and value as another field's: domain separation keeps them apart.
        assert!(!opening.opens(field::ACTOR, entry.item.as_deref().unwrap()));
        let wrong_salt = Opening {
            salt: hex::encode([8u8; 32]),
            value: item.clone(),
        };
        assert!(!wrong_salt.opens(field::ITEM, entry.item.as_deref().unwrap()));
        let bad_salt = Opening {
            salt: "zz".into(),
            value: item.clone(),
        };
        assert!(!bad_salt.opens(field::ITEM, entry.item.as_deref().unwrap()));
        let parsed = Entry::parse(&entry.to_bytes()).unwrap();
        let openings = Openings::from([(field::ITEM.to_owned(), opening)]);
        assert!(parsed.states(field::ITEM, &item, &openings));
        assert!(!parsed.states(field::ITEM, &"cd".repeat(32), &openings));
        assert!(!parsed.states(field::ACTOR, "custodian-1", &openings));
    }

    #[test]
    fn both_versions_parse_and_others_are_refused() {
        let v1 = br#"{"v":1,"time":"t","actor":"a","action":"search","details":"00"}"#;
        let parsed = Entry::parse(v1).unwrap();
        assert_eq!(parsed.version(), 1);
        assert!(!parsed.concerns_item());
        assert!(parsed.states(field::ACTOR, "a", &Openings::new()));
        assert_eq!(
            Entry::parse(br#"{"v":3,"time":"t"}"#),
            Err(EntryError::UnknownVersion(3))
        );
        assert!(Entry::parse(b"not json").is_err());
        // A version 2 entry with a plain extra field is not one.
        let extra = br#"{"v":2,"time":"t","action":"a","nonce":"00","actor":"00","details":"00","name":"x"}"#;
        assert!(Entry::parse(extra).is_err());
    }
}
