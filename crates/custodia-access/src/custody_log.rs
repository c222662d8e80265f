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
//! - an entry about **no item** (sign-ins, searches, requests, accounts, witnesses) is served
//!   only to the holder's custodians and auditors, with every field opened: such entries name
//!   people and organisations and belong to the holder's oversight.

use serde::Serialize;

use crate::{Principal, Role};

/// What a custody log entry is about, as the rule needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogSubject {
    /// The entry concerns no item.
    NoItem,
    /// The entry concerns an item; whether the policy ([`decide`](crate::decide), asked for
    /// [`Action::ViewHistory`](crate::Action::ViewHistory)) lets the reader read its custody
    /// history.
    Item { history_readable: bool },
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
        } => None,
        LogSubject::Item {
            history_readable: true,
        } => Some(LogFields {
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
        };
        assert_eq!(log_entry_fields(&who, &denied, true), None);
        assert_eq!(LogFields::ALL.names(), ["actor", "item", "details"]);
        assert_eq!(ITEM_ONLY.unwrap().names(), ["item"]);
    }
}
