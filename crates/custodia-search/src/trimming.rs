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
//! `custodia_access::provenance_seen`: the holder's people see every originator's; a person
//! outside the holder sees what their organisation sees (an originator its own submissions, a
//! requesting authority those its package named), in hits (the path),
//! filters and facets (originator, case, collection), though another may have supplied the same
//! bytes. The rule depends on the organisation alone, so each document carries one set of
//! provenance values per organisation outside the holder (the `reader_*` fields).
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

use crate::Fields;

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
    /// Whose provenance the person sees: every originator's if `None`, else what this
    /// organisation sees (its values in the `reader_*` fields).
    provenance_of: Option<String>,
}

/// A provenance value (originator, case, collection, path) as indexed for an organisation that
/// sees it: the organisation's name is length-prefixed, so no organisation's prefix is another's
/// (`3:Gov:x` is never read as `Gov:x`'s).
pub(crate) fn scoped_value(organisation: &str, value: &str) -> String {
    format!("{}:{organisation}:{value}", organisation.len())
}

/// Where a filter field is read for one reader: the index field (and its column's name, for
/// facets), whether values are lowercased, and for a provenance field read for an organisation
/// outside the holder, the prefix of the values that organisation sees. The one mapping of the
/// query's filters and of the facets.
pub(crate) struct FilterColumn {
    pub name: &'static str,
    pub field: Field,
    pub lowercase: bool,
    pub prefix: Option<String>,
}

impl FilterColumn {
    /// Filter field `name` (`originator:`, `type:`, ...) as `provenance_of`
    /// ([`Rights::provenance_of`]) reads it; `None` if no such filter exists.
    pub(crate) fn of(
        name: &str,
        fields: &Fields,
        provenance_of: Option<&str>,
    ) -> Option<FilterColumn> {
        let plain = |name: &'static str, field: Field, lowercase: bool| FilterColumn {
            name,
            field,
            lowercase,
            prefix: None,
        };
        let provenance =
            |all: &'static str, all_field: Field, seen: &'static str, seen_field: Field| {
                match provenance_of {
                    None => plain(all, all_field, false),
                    Some(organisation) => FilterColumn {
                        name: seen,
                        field: seen_field,
                        lowercase: false,
                        prefix: Some(scoped_value(organisation, "")),
                    },
                }
            };
        Some(match name {
            "originator" => provenance(
                "originator",
                fields.originator,
                "reader_originator",
                fields.reader_originator,
            ),
            "case" => provenance("case", fields.case, "reader_case", fields.reader_case),
            "collection" => provenance(
                "collection",
                fields.collection,
                "reader_collection",
                fields.reader_collection,
            ),
            "type" => plain("type", fields.mime, false),
            "language" => plain("language", fields.language, true),
            "kind" => plain("kind", fields.kind, false),
            "item" | "sha256" => plain("item", fields.item, true),
            _ => return None,
        })
    }

    /// The indexed term of `value` in this column.
    pub(crate) fn term(&self, value: &str) -> String {
        let value = if self.lowercase {
            value.to_lowercase()
        } else {
            value.to_owned()
        };
        match &self.prefix {
            Some(prefix) => format!("{prefix}{value}"),
            None => value,
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
        // Outside the holder, the provenance the person's organisation sees
        // (`custodia_access::provenance_seen`, indexed per organisation).
        let provenance_of = (!holder).then(|| who.organisation.clone());
        Self {
            any_of,
            provenance_of,
        }
    }

    /// Whose provenance these rights see: `None` for every originator's, else what this
    /// organisation sees.
    pub fn provenance_of(&self) -> Option<&str> {
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
