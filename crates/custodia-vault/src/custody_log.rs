//! The custody log as a reader sees it: one entry with its inclusion proof and the openings of
//! the fields the reader may see ([`Vault::log_entry_for`]), the one proof document of
//! `custodia log prove` and `GET /api/v1/log/proof`.
//!
//! Who may read what is `custodia_access::log_entry_fields`, fed by [`Vault::authorise`] for
//! entries about an item: an entry the reader may not see is reported exactly like one that does
//! not exist, so its existence (and with it how busy an item is) is not revealed either.

use custodia_access::{log_entry_fields, Action, LogFields, LogSubject};
use custodia_blobstore::ContentHash;
use custodia_ledger::SignedCheckpoint;
use serde::Serialize;

use crate::custody::{field, LoggedEntry, Openings};
use crate::{Result, Vault, VaultError};

/// One custody log entry, proven, with the openings its reader may see. Hashes are lower-case
/// hex; the entry's bytes base64 (standard alphabet, padded).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogEntryView {
    pub leaf_index: u64,
    pub tree_size: u64,
    /// The entry's exact bytes.
    pub entry: String,
    /// The entry format's version (1: fields in plain; 2: commitments).
    pub version: u32,
    /// RFC 9162 leaf hash of the entry: SHA-256(0x00 ‖ entry).
    pub leaf_hash: String,
    /// RFC 9162 §2.1.3 inclusion proof: sibling hashes from the leaf upwards.
    pub audit_path: Vec<String>,
    /// The root of the tree of `tree_size` entries.
    pub root_hash: String,
    /// The signed checkpoint (C2SP signed note) of `tree_size`, when one was issued at that size.
    #[schema(required)]
    pub checkpoint: Option<String>,
    /// The openings (salt and value) of the committed fields the reader may see.
    #[schema(value_type = std::collections::BTreeMap<String, custodia_package::entry::Opening>)]
    pub openings: Openings,
    /// The committed fields left closed for this reader.
    pub withheld: Vec<&'static str>,
}

fn hex_of(hash: &custodia_ledger::Hash) -> String {
    hex::encode(hash.0)
}

impl Vault {
    /// Custody log entry `index` for the user `actor`, proven in the tree of `tree_size` entries
    /// (`None`: the newest checkpoint that covers it, signed now if none does), with the fields
    /// the policy lets `actor` see opened. An entry `actor` may not see is reported exactly like
    /// one beyond the log's end.
    pub fn log_entry_for(
        &self,
        actor: &str,
        index: u64,
        tree_size: Option<u64>,
    ) -> Result<LogEntryView> {
        let who = self.principal(actor)?;
        self.follow_log()?;
        let hidden = || {
            VaultError::Invalid(format!(
                "custody log entry {index} does not exist, or is not one you may see"
            ))
        };
        if index >= self.ledger.size() {
            return Err(hidden());
        }
        let event = self.catalog.event_at(index)?.ok_or_else(hidden)?;
        let subject = match &event.item {
            None => LogSubject::NoItem,
            Some(sha) => {
                let (mut organisations, mut authorities) = Default::default();
                let (seen, _) =
                    self.history_entry_seen(&who, &event, &mut organisations, &mut authorities);
                LogSubject::Item {
                    history_readable: self.history_readable(&who, sha)?,
                    in_readers_history: seen.is_some(),
                }
            }
        };
        let fields =
            log_entry_fields(&who, &subject, event.actor == who.user).ok_or_else(hidden)?;
        let bytes = self.ledger.entry(index)?;
        let entry = LoggedEntry::parse(&bytes)
            .map_err(|e| VaultError::Invalid(format!("custody log entry {index}: {e}")))?;
        let (openings, withheld) = match &entry {
            // A version 1 entry shows its fields in plain: it goes only to a reader who may see
            // them all.
            LoggedEntry::V1(_) if fields != LogFields::ALL => return Err(hidden()),
            LoggedEntry::V1(_) => (Openings::new(), Vec::new()),
            LoggedEntry::V2(v2) => {
                let openings = self.sealer.openings(v2, &event, &fields.names());
                let withheld = field::ALL
                    .into_iter()
                    .filter(|f| v2.committed(f).is_some() && !openings.contains_key(*f))
                    .collect();
                (openings, withheld)
            }
        };
        let (size, checkpoint) = self.proof_tree(index, tree_size)?;
        let proof = self.ledger.inclusion_proof(index, size)?;
        let root = self.ledger.root_at(size)?;
        let leaf = custodia_ledger::leaf_hash(&bytes);
        use base64::Engine as _;
        Ok(LogEntryView {
            leaf_index: index,
            tree_size: size,
            entry: base64::engine::general_purpose::STANDARD.encode(&bytes),
            version: entry.version(),
            leaf_hash: hex_of(&leaf),
            audit_path: proof.audit_path.iter().map(hex_of).collect(),
            root_hash: hex_of(&root),
            checkpoint: checkpoint.map(|c| c.text().to_owned()),
            openings,
            withheld,
        })
    }

    /// Whether `who` may read the custody history of item `sha` (through [`Vault::authorise`]);
    /// an item that does not exist is as unreadable as one withheld.
    fn history_readable(&self, who: &custodia_access::Principal, sha: &str) -> Result<bool> {
        let Ok(hash) = sha.parse::<ContentHash>() else {
            return Ok(false);
        };
        match self.authorise(who, Action::ViewHistory, &hash, None) {
            Ok(()) => Ok(true),
            Err(VaultError::Denied { .. } | VaultError::NoSuchItem(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The tree size a proof of entry `index` is made against, and its checkpoint if one was
    /// issued at that size.
    fn proof_tree(
        &self,
        index: u64,
        tree_size: Option<u64>,
    ) -> Result<(u64, Option<SignedCheckpoint>)> {
        if let Some(size) = tree_size {
            let log_size = self.ledger.size();
            if size <= index || size > log_size {
                return Err(VaultError::Invalid(format!(
                    "a tree of {size} entries does not hold entry {index} (the log holds {log_size})"
                )));
            }
            let checkpoint = match self.ledger.checkpoint_at(size, &self.verifier) {
                Ok(c) => Some(c),
                Err(custodia_ledger::LedgerError::NoCheckpoint(_)) => None,
                Err(e) => return Err(e.into()),
            };
            return Ok((size, checkpoint));
        }
        match self.ledger.latest_checkpoint(&self.verifier)? {
            Some(c) if c.size() > index => Ok((c.size(), Some(c))),
            _ => {
                let c = self.checkpoint()?;
                Ok((c.size(), Some(c)))
            }
        }
    }
}
