//! Security trimming: access labels on documents, and the filter a person's rights make of them.
//!
//! The labels restate, term by term, the rules of `custodia_access::decide` for reading content
//! ([`Action::ViewContent`]: a hit shows a snippet, so searching is reading):
//!
//! | rule in `decide` | label on the item | term the person's filter asks for |
//! |---|---|---|
//! | the item has a submission (else nobody reads it) | `any` | required of every filter |
//! | the holder's custodians read everything | — | `any` |
//! | analysts read items supplied for their cases, unless restricted | `case:<ref>` per unrestricted submission with a case | `case:<ref>` per case of the person |
//! | a liaison reads what their organisation supplied | `originator:<org>` per submission | `originator:<own organisation>` |
//! | a requesting authority's requester reads what was released to it | `released:<org>` | `released:<own organisation>` |
//!
//! Provenance is trimmed by the rule the vault's item view, items list and search all ask,
//! `custodia_access::provenance_seen`: the holder's custodians and auditors see every
//! originator's; its analysts what each of their cases sees (the unrestricted submissions
//! supplied for it), its liaisons what the holder itself supplied; a person outside the holder what their organisation sees (an originator its
//! own submissions, a requesting authority those its package named), in hits (the path),
//! filters and facets (originator, case, collection), though another may have supplied the same
//! bytes. The rule depends on the organisation alone outside the holder and on one case alone
//! inside it, so each document carries one set of provenance values per such reader
//! ([`Reader`], the `seen_*` fields); an analyst on several cases reads the union of theirs.
//!
//! Auditors read metadata, not content, so their filter matches nothing, as for anyone whom no
//! rule lets in. `tests/trimming.rs` checks the equivalence against `decide` for random people
//! and items.

use std::collections::BTreeSet;

use custodia_access::{ItemFacts, OrganisationKind, Principal, Regime, Role};
use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::{Fields, Reader};

/// The access labels of one item, as indexed with every text derived from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLabels(BTreeSet<String>);

impl AccessLabels {
    /// Labels of an item with these facts (see the module's table).
    pub fn of(facts: &ItemFacts) -> Self {
        let mut labels = BTreeSet::new();
        if facts.submissions.is_empty() {
            return Self(labels);
        }
        labels.insert("any".to_owned());
        for s in &facts.submissions {
            labels.insert(format!("originator:{}", s.originator));
            if s.regime != Regime::Restricted {
                if let Some(case) = &s.case {
                    labels.insert(format!("case:{case}"));
                }
            }
        }
        for org in &facts.released_to {
            labels.insert(format!("released:{org}"));
        }
        Self(labels)
    }

    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// What one person may read, as a filter on labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    /// The person may read items with any of these labels (and the `any` label).
    any_of: BTreeSet<String>,
    /// Whose provenance the person sees: every originator's if `None`, else what these
    /// readers see (their values in the `seen_*` fields).
    provenance_of: Option<Vec<Reader>>,
}

/// A provenance value (originator, case, collection, path) as indexed for a reader that sees
/// it: the reader's name is length-prefixed, so no reader's prefix is another's (`3:Gov:x` is
/// never read as `Gov:x`'s), and a case's begins with `case`, an organisation's with a digit.
pub(crate) fn scoped_value(reader: &Reader, value: &str) -> String {
    match reader {
        Reader::Organisation(name) => format!("{}:{name}:{value}", name.len()),
        Reader::Case(reference) => format!("case{}:{reference}:{value}", reference.len()),
    }
}

/// Where a filter field is read for one person: the index field (and its column's name, for
/// facets), whether values are lowercased, and for a provenance field read through readers
/// ([`Reader`]), the prefixes of the values they see. The one mapping of the query's filters
/// and of the facets.
pub(crate) struct FilterColumn {
    pub name: &'static str,
    pub field: Field,
    pub lowercase: bool,
    /// `None`: the values as they are; else only those under one of these prefixes (none at
    /// all for a person whom no reader stands for).
    pub prefixes: Option<Vec<String>>,
}

impl FilterColumn {
    /// Filter field `name` (`originator:`, `type:`, ...) as `provenance_of`
    /// ([`Rights::provenance_of`]) reads it; `None` if no such filter exists.
    pub(crate) fn of(
        name: &str,
        fields: &Fields,
        provenance_of: Option<&[Reader]>,
    ) -> Option<FilterColumn> {
        let plain = |name: &'static str, field: Field, lowercase: bool| FilterColumn {
            name,
            field,
            lowercase,
            prefixes: None,
        };
        let provenance =
            |all: &'static str, all_field: Field, seen: &'static str, seen_field: Field| {
                match provenance_of {
                    None => plain(all, all_field, false),
                    Some(readers) => FilterColumn {
                        name: seen,
                        field: seen_field,
                        lowercase: false,
                        prefixes: Some(readers.iter().map(|r| scoped_value(r, "")).collect()),
                    },
                }
            };
        Some(match name {
            "originator" => provenance(
                "originator",
                fields.originator,
                "seen_originator",
                fields.seen_originator,
            ),
            "case" => provenance("case", fields.case, "seen_case", fields.seen_case),
            "collection" => provenance(
                "collection",
                fields.collection,
                "seen_collection",
                fields.seen_collection,
            ),
            "type" => plain("type", fields.mime, false),
            "language" => plain("language", fields.language, true),
            "kind" => plain("kind", fields.kind, false),
            "item" | "sha256" => plain("item", fields.item, true),
            _ => return None,
        })
    }

    /// The indexed terms of `value` in this column, any of which matches it (none for a
    /// person whom no reader stands for).
    pub(crate) fn terms(&self, value: &str) -> Vec<String> {
        let value = if self.lowercase {
            value.to_lowercase()
        } else {
            value.to_owned()
        };
        match &self.prefixes {
            Some(prefixes) => prefixes.iter().map(|p| format!("{p}{value}")).collect(),
            None => vec![value],
        }
    }
}

impl Rights {
    /// The rights of `who` to read content.
    pub fn of(who: &Principal) -> Self {
        let mut any_of = BTreeSet::new();
        let holder = who.organisation_kind == OrganisationKind::Holder;
        if holder && who.roles.contains(&Role::Custodian) {
            any_of.insert("any".to_owned());
        }
        if holder && who.roles.contains(&Role::Analyst) {
            for case in &who.cases {
                any_of.insert(format!("case:{case}"));
            }
        }
        if who.roles.contains(&Role::OriginatorLiaison) {
            any_of.insert(format!("originator:{}", who.organisation));
        }
        if who.roles.contains(&Role::Requester)
            && who.organisation_kind == OrganisationKind::RequestingAuthority
        {
            any_of.insert(format!("released:{}", who.organisation));
        }
        // The provenance the person sees (`custodia_access::provenance_seen`, indexed per
        // reader): every originator's for the holder's custodians and auditors; their cases'
        // for its analysts; outside the holder, what the person's organisation sees.
        let overseer =
            holder && (who.roles.contains(&Role::Custodian) || who.roles.contains(&Role::Auditor));
        let provenance_of = if overseer {
            None
        } else if holder {
            let mut readers = Vec::new();
            if who.roles.contains(&Role::OriginatorLiaison) {
                readers.push(Reader::Organisation(who.organisation.clone()));
            }
            if who.roles.contains(&Role::Analyst) {
                readers.extend(who.cases.iter().cloned().map(Reader::Case));
            }
            Some(readers)
        } else {
            Some(vec![Reader::Organisation(who.organisation.clone())])
        };
        Self {
            any_of,
            provenance_of,
        }
    }

    /// Whose provenance these rights see: `None` for every originator's, else what these
    /// readers see.
    pub fn provenance_of(&self) -> Option<&[Reader]> {
        self.provenance_of.as_deref()
    }

    /// Rights that read everything an item with a submission holds (the holder's custodians).
    pub fn everything() -> Self {
        Self {
            any_of: ["any".to_owned()].into(),
            provenance_of: None,
        }
    }

    /// Whether these rights read a document with `labels` (the same rule the filter applies).
    pub fn allows(&self, labels: &AccessLabels) -> bool {
        labels.0.contains("any") && self.any_of.iter().any(|l| labels.0.contains(l))
    }

    pub(crate) fn filter(&self, fields: &Fields) -> Box<dyn Query> {
        if self.any_of.is_empty() {
            return Box::new(EmptyQuery);
        }
        let term = |label: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(fields.acl, label),
                IndexRecordOption::Basic,
            ))
        };
        // Whoever reads `any` reads every item with a submission: one term is the whole filter.
        if self.any_of.contains("any") {
            return term("any");
        }
        let any_of: Vec<(Occur, Box<dyn Query>)> = self
            .any_of
            .iter()
            .map(|l| (Occur::Should, term(l)))
            .collect();
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, term("any")),
            (Occur::Must, Box::new(BooleanQuery::new(any_of))),
        ]))
    }
}
