//! What each party may see of an item's custody history and provenance: one place, used by the
//! CLI, the API and the pages alike.
//!
//! The policy (`decide`) says whether a person may see an item's history at all; this module
//! trims what that history and the item's submissions show, because the entries of one item
//! concern several parties (the originators who supplied it, the states that asked for it):
//! - the holder's custodians and auditors see everything; its analysts (and other people)
//!   every entry, with the details of provenance and processing only (not who asked for the
//!   item, consented to or received it), and of those only the ones naming no submission kept
//!   from them (`custodia_access::provenance_seen`: restricted to the custodians, or supplied
//!   for a case not theirs);
//! - an originator's liaison sees the entries of its own organisation's submissions, consent
//!   decisions and regimes, the entries its own people made, and the releases of the item (its
//!   own material's fate), never another originator's provenance, decisions or refusal reasons;
//! - a requester sees the entries of its own authority's requests and releases and its own
//!   people's actions, never another state's requests or anyone's reasons; who decided for the
//!   holder or an originator is not named;
//! - anyone else sees only what their own organisation did.

use std::collections::{BTreeMap, BTreeSet};

use custodia_access::{Principal, Role};
use custodia_blobstore::ContentHash;
use custodia_catalog::{EventRow, ItemRow, SubmissionRow};
use serde::Serialize;
use serde_json::Value;

use crate::{Result, Vault};

/// The actions whose details the holder's analysts see in an item's history: what the item is
/// and how it was made, kept and processed.
const PROCESSING: [&str; 5] = [
    crate::custody::action::INGEST,
    crate::custody::action::DERIVE,
    crate::custody::action::REDACT,
    crate::custody::action::REGIME_SET,
    crate::custody::action::DOWNLOAD,
];
// (A download's details go to the holder's analysts only when one of the holder's people took
// the item out: one by a state names that state.)

/// The name shown instead of a person outside the viewer's organisation.
const SOMEONE_ELSE: &str = "(another organisation)";

impl Vault {
    /// Item `hash`'s custody history as `actor` may see it: authorised (`ViewHistory`), then
    /// trimmed to the entries that concern `actor`'s organisation.
    pub fn history_for(&self, actor: &str, hash: &ContentHash) -> Result<Vec<EventRow>> {
        let who = self.principal(actor)?;
        self.authorise(&who, custodia_access::Action::ViewHistory, hash, None)?;
        let events = self.history(hash)?;
        if who.of_holder() && (who.is(Role::Custodian) || who.is(Role::Auditor)) {
            return Ok(events);
        }
        if who.of_holder() {
            // The holder's other people (analysts, victim support) work on the evidence, not on
            // who asked for it: they see every entry, with the details of the item's provenance
            // and processing by the holder's people, but not those of consents, requests and
            // releases, nor who outside the holder acted (which would name the states that
            // asked, their requests and conditions), as proofs of the log show them; nor the
            // details of an entry about a submission whose provenance they do not see (one
            // restricted to the custodians, or supplied for another case).
            let sha256 = hash.to_hex();
            let facts = self.item_facts(&sha256)?.unwrap_or_default();
            let seen: BTreeSet<String> = provenance_seen_of(&who, &facts, self.submissions(hash)?)
                .into_iter()
                .map(|s| s.submission_key)
                .collect();
            let mut colleague: BTreeMap<String, bool> = BTreeMap::new();
            return Ok(events
                .into_iter()
                .map(|mut event| {
                    let ours = *colleague.entry(event.actor.clone()).or_insert_with(|| {
                        self.principal(&event.actor)
                            .is_ok_and(|p| p.organisation == who.organisation)
                    });
                    if !ours {
                        event.actor = SOMEONE_ELSE.to_owned();
                    }
                    let processing = PROCESSING.contains(&event.action.as_str())
                        && submissions_named(&event.details)
                            .is_some_and(|keys| keys.iter().all(|key| seen.contains(key)));
                    if !(ours && processing) && event.actor != who.user {
                        event.details = "{}".to_owned();
                    }
                    event
                })
                .collect());
        }
        let mut organisations: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut authorities: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut shown = Vec::new();
        for mut event in events {
            let (seen, details) =
                self.history_entry_seen(&who, &event, &mut organisations, &mut authorities);
            let Some(ours) = seen else {
                continue;
            };
            if !ours {
                event.actor = SOMEONE_ELSE.to_owned();
                // Reasons and notes of others' decisions are theirs.
                if let Value::Object(mut map) = details {
                    for private in ["reason", "note", "decided_by"] {
                        map.remove(private);
                    }
                    event.details = Value::Object(map).to_string();
                }
            }
            shown.push(event);
        }
        Ok(shown)
    }

    /// Whether `who` sees an entry of an item's history (`custodia_access::history_entry_seen`,
    /// the one rule of the history and of the proofs of single entries, so neither shows what
    /// the other hides): `Some(ours)` (their organisation acted) if so, `None` if not. Also
    /// returns the entry's details, read once. The maps cache each actor's organisation and
    /// each request's authority.
    pub(crate) fn history_entry_seen(
        &self,
        who: &Principal,
        event: &EventRow,
        organisations: &mut BTreeMap<String, Option<String>>,
        authorities: &mut BTreeMap<String, Option<String>>,
    ) -> (Option<bool>, Value) {
        let by = organisations
            .entry(event.actor.clone())
            .or_insert_with(|| self.principal(&event.actor).ok().map(|p| p.organisation))
            .clone();
        let details: Value = serde_json::from_str(&event.details).unwrap_or(Value::Null);
        let field = |name: &str| details.get(name).and_then(Value::as_str);
        let originator = field("originator").or_else(|| {
            details
                .pointer("/submission/originator")
                .and_then(Value::as_str)
        });
        let request_authority = field("request").and_then(|id| {
            authorities
                .entry(id.to_owned())
                .or_insert_with(|| self.catalog.request(id).ok().flatten().map(|r| r.authority))
                .clone()
        });
        let seen = custodia_access::history_entry_seen(
            who,
            &custodia_access::HistoryEntry {
                by: by.as_deref(),
                release: event.action == crate::custody::action::RELEASE,
                originator,
                recipient: field("recipient"),
                authority: field("authority"),
                request_authority: request_authority.as_deref(),
            },
        );
        (seen, details)
    }

    /// Item `hash`'s submissions (provenance) as `who` may see them
    /// ([`custodia_access::provenance_seen`]): all for the holder's custodians and auditors, the
    /// unrestricted ones of their cases for its analysts; outside it, the organisation's own,
    /// and for a requesting authority the item was released to, those its package named unless
    /// restricted since (without who collected or submitted them).
    pub fn submissions_for(
        &self,
        who: &Principal,
        hash: &ContentHash,
    ) -> Result<Vec<SubmissionRow>> {
        // The facts are read once, for the decision and for the provenance shown.
        let sha256 = hash.to_hex();
        let facts = self.item_facts(&sha256)?;
        self.authorise_on(
            who,
            custodia_access::Action::ViewMetadata,
            sha256.clone(),
            facts.as_ref(),
            None,
        )?;
        Ok(self.submissions_seen(
            who,
            &sha256,
            &facts.unwrap_or_default(),
            self.submissions(hash)?,
        ))
    }

    /// Of `rows`, item `sha256`'s submissions (in the catalog's order, of which `facts` were
    /// made), those whose provenance `who` sees, as `who` sees them: the one filter of the item
    /// view and the items list (search indexes what [`provenance_seen_of`] keeps). The caller
    /// has authorised `who` to see the item.
    pub(crate) fn submissions_seen(
        &self,
        who: &Principal,
        sha256: &str,
        facts: &custodia_access::ItemFacts,
        rows: Vec<SubmissionRow>,
    ) -> Vec<SubmissionRow> {
        let mut seen = provenance_seen_of(who, facts, rows);
        if who.of_holder() {
            // The holder's people see a submission they may see whole.
            return seen;
        }
        // A submission seen by an organisation that did not make it (a requesting authority the
        // item was released to) names where the item came from (originator, case, path, names,
        // times), not who collected or submitted it, the originator's note, or when its copy
        // of the file was last read; and a redacted copy names its original by a commitment
        // only, as in a package (the original's hash would let it test guesses of what was
        // burnt).
        for row in &mut seen {
            if row.originator == who.organisation {
                continue;
            }
            row.accessed_at = None;
            row.collected_by = None;
            row.collection_note = None;
            row.submitted_by = SOMEONE_ELSE.to_owned();
            if let (Some(parent), Some(inside)) = (&row.parent_sha256, &row.path_in_parent) {
                if inside.starts_with(crate::redact::REDACTED_PREFIX) {
                    row.parent_sha256 =
                        Some(self.sealer.redaction_parent_commitment(sha256, parent));
                }
            }
        }
        seen
    }

    /// Item `hash`'s regimes as `who` may see them: those of the submissions whose provenance
    /// `who` sees, and outside the holder only its own organisation's (a requesting authority
    /// sees where an item came from, not how its supplier shares it).
    pub fn regimes_for(&self, who: &Principal, hash: &ContentHash) -> Result<crate::RegimeReport> {
        let seen = self.submissions_for(who, hash)?;
        self.regimes_seen(who, hash, &seen)
    }

    /// Item `hash`'s regimes trimmed to the submissions `seen` (as [`Vault::submissions_for`]
    /// gave them to `who`, which authorised `who`).
    fn regimes_seen(
        &self,
        who: &Principal,
        hash: &ContentHash,
        seen: &[SubmissionRow],
    ) -> Result<crate::RegimeReport> {
        let keys: BTreeSet<&str> = seen.iter().map(|s| s.submission_key.as_str()).collect();
        let mut report = self.regimes(hash)?;
        report.submissions.retain(|s| {
            keys.contains(s.submission_key.as_str())
                && (who.of_holder() || s.originator == who.organisation)
        });
        Ok(report)
    }

    /// Item `hash` as `actor` may see it: its metadata, why it was not expanded if it was not,
    /// its submissions and regimes trimmed to what concern `actor`. Authorised
    /// (`ViewMetadata`) first, once: an item `actor` may not see is refused like one that does
    /// not exist to them. The one item view of `custodia show --json`,
    /// `GET /api/v1/items/{sha256}` and the item page.
    pub fn item_view(&self, actor: &str, hash: &ContentHash) -> Result<ItemView> {
        let who = self.principal(actor)?;
        let submissions = self.submissions_for(&who, hash)?;
        let regimes = self.regimes_seen(&who, hash, &submissions)?;
        Ok(ItemView {
            item: self.item(hash)?,
            expansion_error: self.catalog.expansion_error(&hash.to_hex())?,
            submissions,
            regimes,
        })
    }

    /// Item `hash`'s metadata row, for `actor` authorised to take `action` on it (a preview
    /// needs `ViewContent`, a page `ViewMetadata`).
    pub fn item_for(
        &self,
        actor: &str,
        action: custodia_access::Action,
        hash: &ContentHash,
    ) -> Result<ItemRow> {
        self.authorise_as(actor, action, hash)?;
        self.item(hash)
    }
}

/// One item as a reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub item: ItemRow,
    /// Why a container was not expanded (a zip bomb, a corrupt archive), if it was not.
    #[schema(required)]
    pub expansion_error: Option<String>,
    /// The submissions of these bytes the reader may see.
    pub submissions: Vec<SubmissionRow>,
    /// Their sharing regimes.
    pub regimes: crate::RegimeReport,
}

/// The submissions an entry's details name: an ingest's or a redaction's (`submission`, a
/// row), a regime's (`submission`, a key, or `submissions`, keys). `None` when the details do
/// not read, or name a submission without saying which: such details are shown to no one
/// whom some submission is kept from.
fn submissions_named(details: &str) -> Option<Vec<String>> {
    let details = serde_json::from_str::<Value>(details).ok()?;
    let mut keys = Vec::new();
    match details.get("submission") {
        Some(Value::String(key)) => keys.push(key.clone()),
        Some(row) => keys.push(row.get("submission_key")?.as_str()?.to_owned()),
        None => {}
    }
    match details.get("submissions") {
        Some(Value::Array(listed)) => {
            for key in listed {
                keys.push(key.as_str()?.to_owned());
            }
        }
        Some(_) => return None,
        None => {}
    }
    Some(keys)
}

/// Of an item's submission `rows` (in the catalog's order, of which `facts` were made), those
/// whose provenance `who` sees ([`custodia_access::provenance_seen`]).
pub(crate) fn provenance_seen_of(
    who: &Principal,
    facts: &custodia_access::ItemFacts,
    rows: Vec<SubmissionRow>,
) -> Vec<SubmissionRow> {
    // The facts are made of the same rows in the same order; should they ever differ, no
    // provenance is shown rather than one submission's under another's rule.
    if facts.submissions.len() != rows.len() {
        return Vec::new();
    }
    rows.into_iter()
        .enumerate()
        .filter(|(i, _)| custodia_access::provenance_seen(who, facts, *i))
        .map(|(_, row)| row)
        .collect()
}

/// The submission an item is listed under for `who`, of those it sees (`seen`): its own
/// organisation's if it made one, else the first.
pub(crate) fn listed_under<'s>(
    who: &Principal,
    seen: &'s [SubmissionRow],
) -> Option<&'s SubmissionRow> {
    seen.iter()
        .find(|s| s.originator == who.organisation)
        .or(seen.first())
}
