//! Custody log entries: what the vault appends to the ledger for every action.
//!
//! An entry is compact JSON with a fixed field order, so its bytes (and leaf hash) are exactly
//! reproducible. Entries written now are version 2 (`custodia_package::entry` specifies both
//! versions and checks openings):
//!
//! ```json
//! {"v":2,"time":"2026-12-04T10:00:00.000000Z","action":"ingest","nonce":"<32 hex>","actor":"<commitment>","item":"<commitment>","details":"<commitment>"}
//! ```
//!
//! `time` and `action` stay plain; `actor`, `item` and `details` are salted commitments, so the
//! log file names no item, person, organisation or request in any form, and an entry of one item
//! cannot be linked to another entry of the same item. The values (the *openings*) are the
//! catalog's event row of the entry, which holds time, actor, action, item and details already.
//!
//! **Why salts are derived, not stored.** Each field's salt is HMAC-SHA256(custody salt key,
//! nonce ‖ field name), the key derived from the master key for this use only and the nonce 16
//! random bytes per entry. A salt is as unpredictable as a random one to anyone without the key,
//! yet the vault re-derives it whenever it must open a field (for `verify`, a proof served to
//! someone allowed to see the item, a disclosure package), so the catalog needs no new column
//! and no migration, every server of a scaled-out vault (which share the master key) can open
//! every entry, and disclosing one salt reveals nothing of the key or of the other fields' salts.
//! A salt stored per field would have cost a schema change and three more secrets per event to
//! keep in step with the log, for no gain in secrecy.
//!
//! Version 1 entries (`{"v":1,"time","actor","action","item","details"}`, with the item's plain
//! SHA-256, the user name and the SHA-256 of the details) stay in older logs as they were: the
//! log never rewrites. [`CustodyEntry`] still builds and reads them.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use custodia_package::entry::{
    commitment, field, Entry as LoggedEntry, EntryError, EntryV2, Opening, Openings, ENTRY_VERSION,
};

use crate::VaultError;

/// The actions recorded in the custody log. Names are part of the log format: never rename.
pub mod action {
    pub const INGEST: &str = "ingest";
    pub const DOWNLOAD: &str = "download";
    pub const ORGANISATION_ADD: &str = "organisation_add";
    pub const ORGANISATION_APPROVE: &str = "organisation_approve";
    pub const USER_ADD: &str = "user_add";
    pub const USER_ROLES: &str = "user_roles";
    pub const USER_LANGUAGE: &str = "user_language";
    pub const USER_TIME_ZONE: &str = "user_time_zone";
    pub const CASE_ADD: &str = "case_add";
    pub const CASE_MEMBER_ADD: &str = "case_member_add";
    pub const REGIME_SET: &str = "regime_set";
    pub const CONSENT: &str = "consent";
    pub const RELEASE: &str = "release";
    /// A redacted derivative made from another item; its details are those of an ingest (the
    /// derivative is an item with its own submissions).
    pub const REDACT: &str = "redact";
    pub const IDENTITY_CONFIRM: &str = "identity_confirm";
    pub const IDENTITY_REJECT: &str = "identity_reject";
    /// A derived item (extracted text, metadata, attachment) made from the entry's item.
    pub const DERIVE: &str = "derive";
    /// A full-text search; the details hold the query and what it returned.
    pub const SEARCH: &str = "search";
    /// A disclosure package taken from the server by someone of its receiving organisation.
    pub const PACKAGE_DOWNLOAD: &str = "package_download";
    /// The vault's catalog or blobs moved to another placement (`custodia migrate`).
    pub const MIGRATE: &str = "migrate";
    /// A resumable upload begun (its id, size and originator; its name stays sealed).
    pub const UPLOAD_BEGIN: &str = "upload_begin";
    /// A resumable upload abandoned by its sender, and what had arrived removed.
    pub const UPLOAD_CANCEL: &str = "upload_cancel";
    /// A resumable upload that received nothing for the vault's expiry period, and what had
    /// arrived removed (recorded in the name of the vault's administrator account).
    pub const UPLOAD_EXPIRE: &str = "upload_expire";
    /// Crime codes imported beside the shipped Elements of Crimes (the file's SHA-256 and the
    /// codes added).
    pub const CRIMES_IMPORT: &str = "crimes_import";
    /// A charge laid in a case; the suspect's name and the copied elements only as SHA-256.
    pub const CASE_CHARGE_ADD: &str = "case_charge_add";
    /// An incident added to a case; its text only as a SHA-256.
    pub const CASE_INCIDENT_ADD: &str = "case_incident_add";
    /// An item linked to an element of a case; an excerpt or note only as a SHA-256.
    pub const CASE_LINK: &str = "case_link";
    /// A link of a case taken out of force.
    pub const CASE_UNLINK: &str = "case_unlink";
    /// A case's analysis written out (FollowTheMoney entities or the printable case file).
    pub const CASE_EXPORT: &str = "case_export";
}

/// A version 1 custody log entry (every field plain but the details). Entries are no longer
/// written in this form (the vault seals version 2 entries, see [`EntrySealer`]); it reads and
/// builds the entries of older logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEntry {
    pub v: u32,
    pub time: String,
    pub actor: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Hex SHA-256 of the details JSON kept in the catalog.
    pub details: String,
}

impl CustodyEntry {
    pub fn new(
        time: &str,
        actor: &str,
        action: &str,
        item: Option<&str>,
        details_json: &str,
    ) -> Self {
        Self {
            v: 1,
            time: time.to_owned(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            item: item.map(str::to_owned),
            details: details_hash(details_json),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising a struct of strings cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a version 1 entry (`None` for anything else, version 2 entries included).
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes)
            .ok()
            .filter(|e: &Self| e.v == 1)
    }
}

/// Makes version 2 entries and re-derives the salts of their commitments.
#[derive(Clone)]
pub(crate) struct EntrySealer {
    key: hmac::Key,
    random: SystemRandom,
}

/// The field name under which a redacted derivative's original is committed to in packages.
const REDACTION_PARENT: &str = "redaction_parent";

/// The field under which a name typed at sign-in that is no user is tagged.
const UNKNOWN_SIGN_IN_NAME: &str = "unknown_sign_in_name";

/// Bytes of an entry's nonce.
const NONCE_BYTES: usize = 16;

impl EntrySealer {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, key),
            random: SystemRandom::new(),
        }
    }

    /// The salt of `field` in the entry whose nonce is `nonce`.
    fn salt(&self, nonce: &[u8], field: &str) -> [u8; 32] {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(nonce);
        context.update(field.as_bytes());
        let tag = context.sign();
        let mut salt = [0u8; 32];
        salt.copy_from_slice(tag.as_ref());
        salt
    }

    /// What the custody log keeps of a name that is no user, typed at sign-in: a keyed tag
    /// (`unknown:` and 16 hex digits), the same for the same name, so that repeated attempts
    /// on one name show without the log keeping what was typed (often a password typed into
    /// the wrong field). The holder can re-derive the tag of a name it suspects.
    pub(crate) fn unknown_name_tag(&self, typed: &str) -> String {
        let salt = self.salt(typed.as_bytes(), UNKNOWN_SIGN_IN_NAME);
        format!("unknown:{}", hex::encode(&salt[..8]))
    }

    /// What a recipient's package shows instead of the SHA-256 of a redacted derivative's
    /// original: a salted commitment to it (`commitment:` and 64 hex digits), whose salt is
    /// derived from the derivative's own hash under this key. A recipient cannot test a guessed
    /// original against it; the holder can re-derive the salt and open it to a court.
    pub(crate) fn redaction_parent_commitment(&self, derived: &str, parent: &str) -> String {
        let salt = self.salt(derived.as_bytes(), REDACTION_PARENT);
        format!(
            "commitment:{}",
            hex::encode(custodia_package::entry::commitment(
                REDACTION_PARENT,
                &salt,
                parent
            ))
        )
    }

    /// The salt that opens [`EntrySealer::redaction_parent_commitment`] of `derived`.
    pub(crate) fn redaction_parent_salt(&self, derived: &str) -> [u8; 32] {
        self.salt(derived.as_bytes(), REDACTION_PARENT)
    }

    /// The version 2 entry of an event whose nonce is `nonce`.
    fn seal_with(
        &self,
        nonce: &[u8],
        time: &str,
        actor: &str,
        action: &str,
        item: Option<&str>,
        details_json: &str,
    ) -> Vec<u8> {
        let commit =
            |name: &str, value: &str| hex::encode(commitment(name, &self.salt(nonce, name), value));
        EntryV2 {
            v: ENTRY_VERSION,
            time: time.to_owned(),
            action: action.to_owned(),
            nonce: hex::encode(nonce),
            actor: commit(field::ACTOR, actor),
            item: item.map(|sha| commit(field::ITEM, sha)),
            details: commit(field::DETAILS, details_json),
        }
        .to_bytes()
    }

    /// Seals each event's entry from the event's own fields with a fresh random nonce,
    /// replacing whatever `entry` held: the one place where entries are made, so row and entry
    /// agree by construction. (One call to the system's random source for all the nonces: an
    /// ingest batch holds thousands of events.)
    pub(crate) fn seal_events<'a>(
        &self,
        events: impl IntoIterator<Item = &'a mut custodia_catalog::NewEvent>,
    ) -> Result<(), VaultError> {
        let events: Vec<&mut custodia_catalog::NewEvent> = events.into_iter().collect();
        let mut nonces = vec![0u8; NONCE_BYTES * events.len()];
        self.random
            .fill(&mut nonces)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        for (event, nonce) in events.into_iter().zip(nonces.chunks_exact(NONCE_BYTES)) {
            event.entry = self.seal_with(
                nonce,
                &event.time,
                &event.actor,
                &event.action,
                event.item.as_deref(),
                &event.details,
            );
        }
        Ok(())
    }

    /// The opening of `field` as `value` in `entry`, or `None` when the entry's nonce is not
    /// hex (then nothing in it can be opened).
    pub(crate) fn open(&self, entry: &EntryV2, field: &str, value: &str) -> Option<Opening> {
        let nonce = hex::decode(&entry.nonce).ok()?;
        Some(Opening {
            salt: hex::encode(self.salt(&nonce, field)),
            value: value.to_owned(),
        })
    }

    /// The openings of `fields` of a version 2 entry from its event row's values (fields the
    /// entry does not commit to are left out).
    pub(crate) fn openings(
        &self,
        entry: &EntryV2,
        event: &custodia_catalog::EventRow,
        fields: &[&str],
    ) -> Openings {
        let mut openings = Openings::new();
        for &name in fields {
            let value = match name {
                field::ACTOR => Some(event.actor.as_str()),
                field::ITEM => event.item.as_deref(),
                field::DETAILS => Some(event.details.as_str()),
                _ => None,
            };
            if let (Some(value), Some(_)) = (value, entry.committed(name)) {
                if let Some(opening) = self.open(entry, name, value) {
                    openings.insert(name.to_owned(), opening);
                }
            }
        }
        openings
    }
}

/// The SHA-256 (hex) of a details text: what a version 1 entry's `details` holds.
pub fn details_hash(details_json: &str) -> String {
    hex::encode(Sha256::digest(details_json.as_bytes()))
}

/// Current time as RFC 3339 UTC with microseconds.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    format_time(now)
}

pub fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

pub fn format_system_time(t: std::time::SystemTime) -> String {
    format_time(time::OffsetDateTime::from(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodia_catalog::{EventRow, NewEvent};

    fn event(item: Option<&str>) -> NewEvent {
        NewEvent {
            time: "2026-12-04T10:00:00.000000Z".into(),
            actor: "liaison-a".into(),
            action: action::DOWNLOAD.into(),
            item: item.map(str::to_owned),
            details: r#"{"reason":"review","organisation":"Government A"}"#.into(),
            entry: Vec::new(),
        }
    }

    fn row(event: &NewEvent) -> EventRow {
        EventRow {
            id: 1,
            ledger_index: Some(0),
            time: event.time.clone(),
            actor: event.actor.clone(),
            action: event.action.clone(),
            item: event.item.clone(),
            submission_id: None,
            details: event.details.clone(),
            entry: event.entry.clone(),
        }
    }

    #[test]
    fn sealed_entries_name_nothing_and_open_field_by_field() {
        let sealer = EntrySealer::new(&[9u8; 32]);
        let sha = "ab".repeat(32);
        let mut events = vec![event(Some(&sha)), event(Some(&sha)), event(None)];
        sealer.seal_events(&mut events).unwrap();
        for e in &events {
            let text = String::from_utf8(e.entry.clone()).unwrap();
            for plain in ["liaison-a", "Government A", "review", sha.as_str()] {
                assert!(!text.contains(plain), "{text} holds {plain}");
            }
            assert!(!text.contains(&details_hash(&e.details)), "{text}");
        }
        // Two entries of one item share no commitment: they cannot be linked.
        let (one, two) = (&events[0].entry, &events[1].entry);
        let (LoggedEntry::V2(one), LoggedEntry::V2(two)) = (
            LoggedEntry::parse(one).unwrap(),
            LoggedEntry::parse(two).unwrap(),
        ) else {
            panic!("version 2 entries");
        };
        assert_ne!(one.item, two.item);
        assert_ne!(one.actor, two.actor);
        assert_ne!(one.nonce, two.nonce);
        // The vault opens any field again; each opening checks against its commitment only.
        let openings = sealer.openings(&one, &row(&events[0]), &field::ALL);
        assert_eq!(openings.len(), 3);
        let parsed = LoggedEntry::V2(one.clone());
        assert!(parsed.states(field::ITEM, &sha, &openings));
        assert!(parsed.states(field::ACTOR, "liaison-a", &openings));
        assert!(parsed.states(field::DETAILS, &events[0].details, &openings));
        assert!(!parsed.states(field::ACTOR, "liaison-b", &openings));
        let only_item = sealer.openings(&one, &row(&events[0]), &[field::ITEM]);
        assert!(!parsed.states(field::ACTOR, "liaison-a", &only_item));
        // Another vault's key opens nothing.
        let other = EntrySealer::new(&[8u8; 32]).openings(&one, &row(&events[0]), &field::ALL);
        assert!(!parsed.states(field::ITEM, &sha, &other));
        // An entry about no item commits to no item.
        let LoggedEntry::V2(none) = LoggedEntry::parse(&events[2].entry).unwrap() else {
            panic!("version 2");
        };
        assert!(none.item.is_none());
        assert_eq!(
            sealer.openings(&none, &row(&events[2]), &field::ALL).len(),
            2
        );
    }

    /// What sealing costs per entry against format 1 (run with `--release --ignored
    /// --nocapture`; docs/BENCHMARKS.md): ingest details of a realistic size, batches of 4,000
    /// as an ingest commits them.
    #[test]
    #[ignore]
    fn sealing_cost_per_entry() {
        let details = format!(
            r#"{{"item":{{"sha256":"{}","size":12345,"mime":"application/pdf"}},"submission":{{"originator":"Government A","case":"NL-2026-17","collected_by":"field team 3","path":"collection/2015/raqqa/register-0001.pdf","original_name":"register-0001.pdf","submitted_at":"2026-12-04T10:00:00.000000Z","submitted_by":"custodian-1"}}}}"#,
            "ab".repeat(32)
        );
        let sha = "cd".repeat(32);
        let batch = 4_000;
        let rounds = 25;
        let make = || -> Vec<NewEvent> {
            (0..batch)
                .map(|_| NewEvent {
                    details: details.clone(),
                    ..event(Some(&sha))
                })
                .collect()
        };
        let sealer = EntrySealer::new(&[3u8; 32]);
        let mut v1 = std::time::Duration::ZERO;
        let mut v2 = std::time::Duration::ZERO;
        for _ in 0..rounds {
            let mut events = make();
            let started = std::time::Instant::now();
            for e in &mut events {
                e.entry =
                    CustodyEntry::new(&e.time, &e.actor, &e.action, e.item.as_deref(), &e.details)
                        .to_bytes();
            }
            v1 += started.elapsed();
            let mut events = make();
            let started = std::time::Instant::now();
            sealer.seal_events(&mut events).unwrap();
            v2 += started.elapsed();
        }
        let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / f64::from(batch * rounds);
        println!(
            "format 1: {:.2} µs/entry; format 2: {:.2} µs/entry ({} entries)",
            per(v1),
            per(v2),
            batch * rounds
        );
    }

    #[test]
    fn version_1_entries_still_build_and_read() {
        let entry = CustodyEntry::new("t", "admin", action::SEARCH, None, "{}");
        let bytes = entry.to_bytes();
        assert_eq!(CustodyEntry::parse(&bytes), Some(entry));
        let logged = LoggedEntry::parse(&bytes).unwrap();
        assert_eq!(logged.version(), 1);
        assert!(logged.states(field::ACTOR, "admin", &Openings::new()));
        assert!(logged.states(field::DETAILS, "{}", &Openings::new()));
        // A version 2 entry is not read as a version 1 one.
        let mut sealed = vec![event(None)];
        EntrySealer::new(&[1u8; 32])
            .seal_events(&mut sealed)
            .unwrap();
        assert_eq!(CustodyEntry::parse(&sealed[0].entry), None);
    }
}
