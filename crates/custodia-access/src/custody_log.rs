//! Who may read which custody log entries, and which of their fields opened.
//!
//! The log's entries are commitments (entry format 2): an entry, its inclusion proof and the
//! openings of its fields are served only to someone the rule below lets see them. Checkpoints
//! and consistency proofs reveal only the log's size and root, and are not governed here.
//!
//! The rules, deny by default:
//! - an entry about an **item** is served only to a person [`decide`](crate::decide) lets read the
//!   item's custody history ([`Action::ViewHistory`](crate::Action::ViewHistory)); to anyone else
//!   it is as absent as an entry that does not exist;
//! - of such an entry, the **item** field is opened (the reader may know the item); **actor** and
//!   **details** only to the holder's custodians and auditors, or to the person who acted (their
//!   own download, their own decision): a requester does not learn who else handled an item or
//!   why, a liaison not another organisation's provenance notes or refusal reasons;
//! - outside the holder, an entry about an item is served only if the reader's view of the item's
//!   history shows it ([`history_entry_seen`]): its action and time are in every entry's plain
//!   part, so a proof of a single entry must show no more than the history. A requesting
//!   authority is the exception: it receives every entry of an item released to it, with its
//!   proof, in the package;
//! - an entry about **no item** (sign-ins, searches, requests, accounts, witnesses) is served
//!   only to the holder's custodians and auditors, with every field opened: such entries name
//!   people and organisations and belong to the holder's oversight.
//!
//! [`history_entry_seen`] is also the rule of an item's history itself: which of its entries a
//! reader outside the holder sees (the holder's people see every one, their details trimmed by
//! role in the vault's `views.rs`).

use serde::Serialize;

use crate::{Principal, Role};

/// What a custody log entry is about, as the rule needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSubject {
    /// The entry concerns no item.
    NoItem,
    /// The entry concerns an item; whether the policy ([`decide`](crate::decide), asked for
    /// [`Action::ViewHistory`](crate::Action::ViewHistory)) lets the reader read its custody
    /// history, and whether the reader's view of that history shows this entry
    /// ([`history_entry_seen`]).
    Item {
        history_readable: bool,
        in_readers_history: bool,
    },
}

/// One entry of an item's history as the rule needs it: the organisations it concerns, each
/// resolved by the caller from the entry's actor and details.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryEntry<'a> {
    /// The organisation of the person who acted (`None`: no longer known).
    pub by: Option<&'a str>,
    /// Whether the entry releases the item to a recipient.
    pub release: bool,
    /// The originator whose submission, consent decision or regime the entry records.
    pub originator: Option<&'a str>,
    /// The recipient organisation named in the entry (a consent's, a release's).
    pub recipient: Option<&'a str>,
    /// The requesting authority named in the entry, or that of the request it belongs to.
    pub authority: Option<&'a str>,
    pub request_authority: Option<&'a str>,
}

/// Whether `who` sees `entry` of an item's history whose history it may read: `Some(ours)`
/// (with whether `who`'s own organisation acted) or `None`.
///
/// The holder's people see every entry. Outside the holder: the entries their own organisation
/// made; for an originator's liaison, those of its organisation's submissions, decisions and
/// regimes, and the releases of the item (its own material's fate), never another originator's;
/// for a requester, those of its authority's requests, consents and releases, never another
/// state's.
pub fn history_entry_seen(who: &Principal, entry: &HistoryEntry<'_>) -> Option<bool> {
    let own = |org: Option<&str>| org == Some(who.organisation.as_str());
    let ours = own(entry.by);
    let visible = who.of_holder()
        || ours
        || (who.is(Role::OriginatorLiaison) && (own(entry.originator) || entry.release))
        || (who.is(Role::Requester)
            && (own(entry.recipient) || own(entry.authority) || own(entry.request_authority)));
    visible.then_some(ours)
}

/// Which committed fields of an entry are opened for the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LogFields {
    pub actor: bool,
    pub item: bool,
    pub details: bool,
}

impl LogFields {
    pub const ALL: LogFields = LogFields {
        actor: true,
        item: true,
        details: true,
    };

    /// The names of the opened fields, in entry order.
    pub fn names(self) -> Vec<&'static str> {
        [
            ("actor", self.actor),
            ("item", self.item),
            ("details", self.details),
        ]
        .into_iter()
        .filter_map(|(name, open)| open.then_some(name))
        .collect()
    }
}

/// Whether `who` may read a custody log entry about `subject` (acted by `who` themselves when
/// `by_reader`), and which of its fields are opened; `None`: the entry is not theirs to see.
pub fn log_entry_fields(
    who: &Principal,
    subject: &LogSubject,
    by_reader: bool,
) -> Option<LogFields> {
    let overseer = who.of_holder() && (who.is(Role::Custodian) || who.is(Role::Auditor));
    match subject {
        LogSubject::NoItem => overseer.then_some(LogFields::ALL),
        LogSubject::Item {
            history_readable: false,
            ..
        } => None,
        LogSubject::Item {
            in_readers_history: false,
            ..
        } if !who.of_holder() && !who.is(Role::Requester) => None,
        LogSubject::Item { .. } => Some(LogFields {
            actor: overseer || by_reader,
            item: true,
            details: overseer || by_reader,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decide, Action, ItemFacts, OrganisationKind, Regime, SubmissionFacts};

    fn person(organisation: &str, kind: OrganisationKind, roles: &[Role]) -> Principal {
        Principal {
            user: format!("{organisation}-user"),
            organisation: organisation.into(),
            organisation_kind: kind,
            approved_requester: kind == OrganisationKind::RequestingAuthority,
            roles: roles.iter().copied().collect(),
            cases: Default::default(),
        }
    }

    fn item_of(originator: &str, released_to: &[&str]) -> ItemFacts {
        ItemFacts {
            submissions: vec![SubmissionFacts {
                originator: originator.into(),
                case: None,
                regime: Regime::Consent,
            }],
            released_to: released_to.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    const NONE: Option<LogFields> = None;
    const ITEM_ONLY: Option<LogFields> = Some(LogFields {
        actor: false,
        item: true,
        details: false,
    });
    const ALL: Option<LogFields> = Some(LogFields::ALL);

    /// One row per party: the fields opened of an entry about an item of `Gov A` released to
    /// `State X` (acted by someone else, then by the reader), and of an entry about no item.
    #[test]
    fn table() {
        use OrganisationKind::*;
        let holder = |roles: &[Role]| person("Holder", Holder, roles);
        let rows: Vec<(&str, Principal, [Option<LogFields>; 3])> = vec![
            ("custodian", holder(&[Role::Custodian]), [ALL, ALL, ALL]),
            ("auditor", holder(&[Role::Auditor]), [ALL, ALL, ALL]),
            (
                "administrator",
                holder(&[Role::Administrator]),
                [NONE, NONE, NONE],
            ),
            (
                "victim support officer",
                holder(&[Role::VictimSupportOfficer]),
                [NONE, NONE, NONE],
            ),
            (
                "analyst without the case",
                holder(&[Role::Analyst]),
                [NONE, NONE, NONE],
            ),
            (
                "liaison of the originator",
                person("Gov A", Originator, &[Role::OriginatorLiaison]),
                [ITEM_ONLY, ALL, NONE],
            ),
            (
                "liaison of another originator",
                person("Gov B", Originator, &[Role::OriginatorLiaison]),
                [NONE, NONE, NONE],
            ),
            (
                "requester it was released to",
                person("State X", RequestingAuthority, &[Role::Requester]),
                [ITEM_ONLY, ALL, NONE],
            ),
            (
                "requester of another state",
                person("State Y", RequestingAuthority, &[Role::Requester]),
                [NONE, NONE, NONE],
            ),
            (
                "custodian of another organisation",
                person("Gov A", Originator, &[Role::Custodian]),
                [NONE, NONE, NONE],
            ),
        ];
        let item = item_of("Gov A", &["State X"]);
        for (name, who, expected) in rows {
            let subject = LogSubject::Item {
                history_readable: decide(&who, Action::ViewHistory, &item, None).allowed,
                in_readers_history: true,
            };
            let got = [
                log_entry_fields(&who, &subject, false),
                // Only someone who may read the history can have acted on the item; for the
                // others the policy still denies.
                log_entry_fields(&who, &subject, true),
                log_entry_fields(&who, &LogSubject::NoItem, false),
            ];
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn a_denied_item_hides_the_entry_whoever_acted() {
        let who = person(
            "Gov B",
            OrganisationKind::Originator,
            &[Role::OriginatorLiaison],
        );
        let denied = LogSubject::Item {
            history_readable: decide(&who, Action::ViewHistory, &item_of("Gov A", &[]), None)
                .allowed,
            in_readers_history: true,
        };
        assert_eq!(log_entry_fields(&who, &denied, true), None);
        assert_eq!(LogFields::ALL.names(), ["actor", "item", "details"]);
        assert_eq!(ITEM_ONLY.unwrap().names(), ["item"]);
    }

    /// Which entries of an item's history each party sees, one row per party, over entries of
    /// an item supplied by `Gov A` and `Gov B` and asked for by `State X`.
    #[test]
    fn history_entries_by_party() {
        use OrganisationKind::*;
        let entries: [(&str, HistoryEntry); 7] = [
            (
                "Gov A's ingest",
                HistoryEntry {
                    by: Some("Gov A"),
                    originator: Some("Gov A"),
                    ..Default::default()
                },
            ),
            (
                "the holder's ingest of Gov B's submission",
                HistoryEntry {
                    by: Some("Holder"),
                    originator: Some("Gov B"),
                    ..Default::default()
                },
            ),
            (
                "Gov B's refusal for State X",
                HistoryEntry {
                    by: Some("Gov B"),
                    originator: Some("Gov B"),
                    recipient: Some("State X"),
                    ..Default::default()
                },
            ),
            (
                "the release to State X",
                HistoryEntry {
                    by: Some("Holder"),
                    release: true,
                    recipient: Some("State X"),
                    ..Default::default()
                },
            ),
            (
                "the scoping of State Y's request",
                HistoryEntry {
                    by: Some("Holder"),
                    request_authority: Some("State Y"),
                    ..Default::default()
                },
            ),
            (
                "State X's download",
                HistoryEntry {
                    by: Some("State X"),
                    ..Default::default()
                },
            ),
            (
                "an entry by someone no longer known",
                HistoryEntry::default(),
            ),
        ];
        let seen = Some(false);
        let ours = Some(true);
        let rows: Vec<(&str, Principal, [Option<bool>; 7])> = vec![
            (
                "the holder's analyst",
                person("Holder", Holder, &[Role::Analyst]),
                [seen, ours, seen, ours, ours, seen, seen],
            ),
            (
                "Gov A's liaison",
                person("Gov A", Originator, &[Role::OriginatorLiaison]),
                [ours, None, None, seen, None, None, None],
            ),
            (
                "Gov B's liaison",
                person("Gov B", Originator, &[Role::OriginatorLiaison]),
                [None, seen, ours, seen, None, None, None],
            ),
            (
                "State X's requester",
                person("State X", RequestingAuthority, &[Role::Requester]),
                [None, None, seen, seen, None, ours, None],
            ),
            (
                "State Y's requester",
                person("State Y", RequestingAuthority, &[Role::Requester]),
                [None, None, None, None, seen, None, None],
            ),
            (
                "Gov A's person without a role",
                person("Gov A", Originator, &[]),
                [ours, None, None, None, None, None, None],
            ),
        ];
        for (name, who, expected) in rows {
            for ((entry_name, entry), expected) in entries.iter().zip(expected) {
                assert_eq!(
                    history_entry_seen(&who, entry),
                    expected,
                    "{name}: {entry_name}"
                );
            }
        }
    }

    #[test]
    fn a_proof_outside_the_holder_shows_only_entries_of_the_readers_history() {
        let not_in_history = LogSubject::Item {
            history_readable: true,
            in_readers_history: false,
        };
        let liaison = person(
            "Gov A",
            OrganisationKind::Originator,
            &[Role::OriginatorLiaison],
        );
        assert_eq!(log_entry_fields(&liaison, &not_in_history, false), None);
        // A requester receives every entry of a released item in its package anyway.
        let requester = person(
            "State X",
            OrganisationKind::RequestingAuthority,
            &[Role::Requester],
        );
        assert_eq!(
            log_entry_fields(&requester, &not_in_history, false),
            ITEM_ONLY
        );
        // The holder's people see every entry of a history they may read.
        let analyst = person("Holder", OrganisationKind::Holder, &[Role::Analyst]);
        assert_eq!(
            log_entry_fields(&analyst, &not_in_history, false),
            ITEM_ONLY
        );
    }
}
