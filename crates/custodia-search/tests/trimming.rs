//! Trimming: for random people and random items, search returns, counts and facets only what
//! `custodia_access::decide` lets the person read, and snippets come only from those items;
//! provenance (facets, filters, the hit's path) only as `custodia_access::provenance_seen`
//! shows it to the person.

use std::collections::BTreeSet;

use custodia_access::{
    decide, provenance_seen, Action, Consent, ItemFacts, OrganisationKind, Principal, Regime, Role,
    SubmissionFacts,
};
use custodia_search::{
    AccessLabels, IndexDocument, Reader, ReaderProvenance, Rights, SearchIndex, Sort,
};
use proptest::prelude::*;

const ORGS: &[&str] = &["Iraq", "UNITAD", "NGO", "OM", "BKA"];
/// Each organisation's kind and whether the holder approved it as a requester (an
/// organisation has one of each, which the index's per-organisation provenance relies on).
const KINDS: &[(OrganisationKind, bool)] = &[
    (OrganisationKind::Originator, false),
    (OrganisationKind::Holder, false),
    (OrganisationKind::Ngo, false),
    (OrganisationKind::RequestingAuthority, true),
    (OrganisationKind::RequestingAuthority, false),
];

/// Organisation `org` as the provenance rule reads it (no person, no role).
fn organisation(org: &str) -> Principal {
    let i = ORGS.iter().position(|o| *o == org).unwrap();
    Principal {
        user: String::new(),
        organisation: org.into(),
        organisation_kind: KINDS[i].0,
        approved_requester: KINDS[i].1,
        roles: BTreeSet::new(),
        cases: BTreeSet::new(),
    }
}
const CASES: &[&str] = &["C1", "C2", "C3"];

/// The holder's analysts on `case` alone, as the provenance rule reads them.
fn analyst_of(case: &str) -> Principal {
    Principal {
        organisation: "UNITAD".into(),
        ..Principal::analysts_of_case(case)
    }
}

/// How the index names a reader in the paths it holds for it.
fn label_of(reader: &Reader) -> String {
    match reader {
        Reader::Organisation(name) => name.clone(),
        Reader::Case(case) => format!("case-{case}"),
    }
}

/// The readers the index tells apart, as the vault names them, each with the person the
/// provenance rule reads for it: each organisation that supplied the item or received it (the
/// holder as its liaisons see it), and each case of an unrestricted submission.
fn readers_of(f: &ItemFacts) -> Vec<(Reader, Principal)> {
    let organisations: BTreeSet<String> = f
        .submissions
        .iter()
        .map(|s| s.originator.clone())
        .chain(f.released_to.iter().cloned())
        .collect();
    let cases: BTreeSet<String> = f
        .submissions
        .iter()
        .filter(|s| s.regime != Regime::Restricted)
        .filter_map(|s| s.case.clone())
        .collect();
    organisations
        .into_iter()
        .map(|o| {
            let mut who = organisation(&o);
            if who.organisation_kind == OrganisationKind::Holder {
                who.roles.insert(Role::OriginatorLiaison);
            }
            (Reader::Organisation(o), who)
        })
        .chain(
            cases
                .into_iter()
                .map(|c| (Reader::Case(c.clone()), analyst_of(&c))),
        )
        .collect()
}

fn regime() -> impl Strategy<Value = Regime> {
    prop_oneof![
        Just(Regime::Open),
        Just(Regime::Consent),
        Just(Regime::Restricted)
    ]
}

fn facts() -> impl Strategy<Value = ItemFacts> {
    (
        prop::collection::vec(
            (0..ORGS.len(), prop::option::of(0..CASES.len()), regime()),
            0..3,
        ),
        prop::collection::btree_set((0..ORGS.len(), 0..4usize), 0..2),
        prop::collection::vec((0..ORGS.len(), 0..ORGS.len()), 0..2),
    )
        .prop_map(|(subs, released, consents)| ItemFacts {
            // How many of the submissions each release named (more than there are: all).
            submissions_released: released
                .iter()
                .map(|&(o, named)| (ORGS[o].to_owned(), named))
                .collect(),
            submissions: subs
                .into_iter()
                .map(|(o, c, r)| SubmissionFacts {
                    originator: ORGS[o].into(),
                    case: c.map(|c| CASES[c].into()),
                    regime: r,
                })
                .collect(),
            consents: consents
                .into_iter()
                .map(|(o, r)| Consent {
                    originator: ORGS[o].into(),
                    recipient: ORGS[r].into(),
                })
                .collect(),
            released_to: released
                .into_iter()
                .map(|(o, _)| ORGS[o].to_owned())
                .collect(),
            // Witnesses' scopes bound exports only; what may be seen does not depend on them.
            witnesses: Vec::new(),
        })
}

fn principal() -> impl Strategy<Value = Principal> {
    (
        0..ORGS.len(),
        prop::collection::btree_set(0..Role::ALL.len(), 0..3),
        prop::collection::btree_set(0..CASES.len(), 0..3),
    )
        .prop_map(|(org, roles, cases)| Principal {
            user: "u".into(),
            roles: roles.into_iter().map(|r| Role::ALL[r]).collect(),
            cases: cases.into_iter().map(|c| CASES[c].to_owned()).collect(),
            ..organisation(ORGS[org])
        })
}

/// An index of one document per item (`d0`, `d1`, …) with the item's labels, originators and
/// cases, holding the text given for it.
fn index_of<'a>(items: impl Iterator<Item = (&'a ItemFacts, String)>) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let mut update = index.update().unwrap();
    for (i, (f, text)) in items.enumerate() {
        update
            .add(&IndexDocument {
                id: format!("d{i}"),
                item: format!("i{i}"),
                path: format!("p{i}"),
                kind: "text".into(),
                mime: "text/plain".into(),
                language: Some("eng".into()),
                originators: f.submissions.iter().map(|s| s.originator.clone()).collect(),
                cases: f
                    .submissions
                    .iter()
                    .filter_map(|s| s.case.clone())
                    .collect(),
                collections: f
                    .submissions
                    .iter()
                    .map(|s| format!("{}-bag", s.originator))
                    .collect(),
                // What each reader sees, as the vault indexes it.
                provenance_by_reader: readers_of(f)
                    .into_iter()
                    .filter_map(|(reader, who)| {
                        let seen: Vec<&SubmissionFacts> = f
                            .submissions
                            .iter()
                            .enumerate()
                            .filter(|&(n, _)| provenance_seen(&who, f, n))
                            .map(|(_, s)| s)
                            .collect();
                        (!seen.is_empty()).then(|| ReaderProvenance {
                            path: format!("p{i}-{}", label_of(&reader)),
                            originators: seen.iter().map(|s| s.originator.clone()).collect(),
                            cases: seen.iter().filter_map(|s| s.case.clone()).collect(),
                            collections: seen
                                .iter()
                                .map(|s| format!("{}-bag", s.originator))
                                .collect(),
                            reader,
                        })
                    })
                    .collect(),
                date: None,
                text,
                labels: AccessLabels::of(f),
            })
            .unwrap();
    }
    update.commit().unwrap();
    index
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn nothing_leaks(items in prop::collection::vec(facts(), 1..12), people in prop::collection::vec(principal(), 1..6)) {
        // Every document matches the query; each also holds its own secret word.
        let index = index_of(
            items.iter().enumerate().map(|(i, f)| (f, format!("massacre report secret{i}"))),
        );
        for who in &people {
            let allowed: BTreeSet<String> = items.iter().enumerate()
                .filter(|(_, f)| decide(who, Action::ViewContent, f, None).allowed)
                .map(|(i, _)| format!("d{i}"))
                .collect();
            let rights = Rights::of(who);
            // One word (best hits by pruning, then counts), several words and a phrase (one
            // scored pass), and by date: each plan trims alike.
            for (query, sort) in [
                ("massacre", Sort::Relevance),
                ("massacre report", Sort::Relevance),
                ("\"massacre report\"", Sort::Relevance),
                ("massacre", Sort::DateNewest),
            ] {
                let r = index.search(query, &rights, 100, sort).unwrap();
                let got: BTreeSet<String> = r.hits.iter().map(|h| h.id.clone()).collect();
                prop_assert_eq!(&got, &allowed, "person {:?}", who);
                prop_assert_eq!(r.total as usize, allowed.len());
                // Facet counts add up to what may be seen, value by value, of the provenance
                // the person sees (`provenance_seen`).
                let overseer = who.organisation_kind == OrganisationKind::Holder
                    && (who.is(Role::Custodian) || who.is(Role::Auditor));
                let mut expected_orgs = std::collections::BTreeMap::<String, u64>::new();
                let mut expected_cases = std::collections::BTreeMap::<String, u64>::new();
                let mut expected_collections = std::collections::BTreeMap::<String, u64>::new();
                for (i, f) in items.iter().enumerate() {
                    if allowed.contains(&format!("d{i}")) {
                        let own: Vec<&SubmissionFacts> = f.submissions.iter().enumerate().filter(|&(n, _)| provenance_seen(who, f, n)).map(|(_, s)| s).collect();
                        let orgs: BTreeSet<&String> = own.iter().map(|s| &s.originator).collect();
                        for o in &orgs { *expected_orgs.entry((*o).clone()).or_default() += 1; }
                        for o in &orgs { *expected_collections.entry(format!("{o}-bag")).or_default() += 1; }
                        let cases: BTreeSet<&String> = own.iter().filter_map(|s| s.case.as_ref()).collect();
                        for c in cases { *expected_cases.entry(c.clone()).or_default() += 1; }
                    }
                }
                prop_assert_eq!(&r.facets["originator"], &expected_orgs);
                prop_assert_eq!(&r.facets["case"], &expected_cases);
                prop_assert_eq!(&r.facets["collection"], &expected_collections);
                for h in &r.hits {
                    let i: usize = h.id[1..].parse().unwrap();
                    let secret = format!("secret{}", i);
                    prop_assert!(h.snippet.text.contains(&secret));
                    // The path is the holder's (the first submission's) for its custodians and
                    // auditors, else the one the person's first reader that sees a submission
                    // sees (their organisation; an analyst's cases in order), if any does.
                    let sees_any = |reader: &Principal| {
                        (0..items[i].submissions.len()).any(|n| provenance_seen(reader, &items[i], n))
                    };
                    let expected_path = if overseer {
                        format!("p{i}")
                    } else if who.organisation_kind == OrganisationKind::Holder {
                        let own = Principal {
                            roles: [Role::OriginatorLiaison].into(),
                            ..organisation(&who.organisation)
                        };
                        if who.is(Role::OriginatorLiaison) && sees_any(&own) {
                            format!("p{i}-{}", who.organisation)
                        } else {
                            who.cases
                                .iter()
                                .filter(|_| who.is(Role::Analyst))
                                .find(|c| sees_any(&analyst_of(c)))
                                .map(|c| format!("p{i}-case-{c}"))
                                .unwrap_or_default()
                        }
                    } else if sees_any(who) {
                        format!("p{i}-{}", who.organisation)
                    } else {
                        String::new()
                    };
                    prop_assert_eq!(&h.path, &expected_path);
                }
                // Filtering by another's provenance finds nothing a liaison did not supply itself.
                for org in ORGS {
                    let r = index.search(&format!("massacre AND originator:{org}"), &rights, 100, sort).unwrap();
                    let expected = items.iter().enumerate()
                        .filter(|(i, f)| allowed.contains(&format!("d{i}"))
                            && f.submissions.iter().enumerate().any(|(n, s)| s.originator == *org && provenance_seen(who, f, n)))
                        .count();
                    prop_assert_eq!(r.total as usize, expected, "originator:{}", org);
                }
                for case in CASES {
                    let r = index.search(&format!("massacre AND case:{case}"), &rights, 100, sort).unwrap();
                    let expected = items.iter().enumerate()
                        .filter(|(i, f)| allowed.contains(&format!("d{i}"))
                            && f.submissions.iter().enumerate().any(|(n, s)| provenance_seen(who, f, n) && s.case.as_deref() == Some(*case)))
                        .count();
                    prop_assert_eq!(r.total as usize, expected, "case:{}", case);
                }
            }
            // A secret of an item the person may not read finds nothing, not even a count.
            for (i, _) in items.iter().enumerate() {
                let id = format!("d{i}");
                if !allowed.contains(&id) {
                    let r = index.search(&format!("secret{i}"), &rights, 10, Sort::Relevance).unwrap();
                    prop_assert_eq!(r.total, 0);
                    prop_assert!(r.facets.values().all(|f| f.is_empty()));
                }
            }
        }
    }
}

#[test]
fn auditors_and_strangers_find_nothing() {
    let f = ItemFacts {
        submissions: vec![SubmissionFacts {
            originator: "Iraq".into(),
            case: None,
            regime: Regime::Open,
        }],
        ..Default::default()
    };
    let auditor = Principal {
        user: "a".into(),
        organisation: "Holder".into(),
        organisation_kind: OrganisationKind::Holder,
        approved_requester: false,
        roles: [Role::Auditor].into(),
        cases: BTreeSet::new(),
    };
    assert!(!Rights::of(&auditor).allows(&AccessLabels::of(&f)));
    assert!(Rights::everything().allows(&AccessLabels::of(&f)));
    assert!(!Rights::everything().allows(&AccessLabels::of(&ItemFacts::default())));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// The best hits of one word, found by pruning with the rights checked per candidate, are
    /// those the one scored pass finds (the word joined to `*` takes that plan).
    #[test]
    fn pruned_best_hits_are_the_scored_best_hits(
        items in prop::collection::vec((facts(), 1..6usize, 0..40usize), 1..40),
        who in principal(),
        limit in 1..6usize,
    ) {
        let index = index_of(items.iter().map(|(f, times, filler)| {
            (f, format!("{} {}", "massacre ".repeat(*times), "report ".repeat(*filler)))
        }));
        let rights = Rights::of(&who);
        let pruned = index.search("massacre", &rights, limit, Sort::Relevance).unwrap();
        let scored = index.search("massacre AND *", &rights, limit, Sort::Relevance).unwrap();
        let key = |r: &custodia_search::SearchResults| -> Vec<String> {
            r.hits.iter().map(|h| h.id.clone()).collect()
        };
        prop_assert_eq!(key(&pruned), key(&scored));
        prop_assert_eq!(pruned.total, scored.total);
        prop_assert_eq!(&pruned.facets, &scored.facets);
    }
}

/// An analyst on two cases counts each item once per value, whichever of their cases it was
/// supplied for, and never a value only a restricted submission or another case holds.
#[test]
fn an_analyst_on_two_cases_counts_each_item_once() {
    let submission = |originator: &str, case: &str, regime: Regime| SubmissionFacts {
        originator: originator.into(),
        case: Some(case.into()),
        regime,
    };
    let item = |submissions: Vec<SubmissionFacts>| ItemFacts {
        submissions,
        ..Default::default()
    };
    let items = [
        item(vec![submission("Iraq", "C1", Regime::Open)]),
        item(vec![submission("Iraq", "C2", Regime::Consent)]),
        item(vec![
            submission("Iraq", "C1", Regime::Open),
            submission("NGO", "C2", Regime::Open),
        ]),
        item(vec![
            submission("Iraq", "C3", Regime::Restricted),
            submission("NGO", "C1", Regime::Open),
        ]),
        item(vec![
            submission("OM", "C3", Regime::Open),
            submission("Iraq", "C2", Regime::Open),
            submission("Iraq", "C1", Regime::Open),
        ]),
    ];
    let index = index_of(items.iter().map(|f| (f, "massacre".to_owned())));
    let analyst = Principal {
        user: "a".into(),
        cases: ["C1".to_owned(), "C2".to_owned()].into(),
        ..analyst_of("C1")
    };
    let rights = Rights::of(&analyst);
    let r = index
        .search("massacre", &rights, 10, Sort::Relevance)
        .unwrap();
    assert_eq!(r.total, 5);
    let counts = |pairs: &[(&str, u64)]| -> std::collections::BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    assert_eq!(r.facets["originator"], counts(&[("Iraq", 4), ("NGO", 2)]));
    assert_eq!(r.facets["case"], counts(&[("C1", 4), ("C2", 3)]));
    let total = |query: &str| {
        index
            .search(query, &rights, 10, Sort::Relevance)
            .unwrap()
            .total
    };
    assert_eq!(total("massacre AND originator:Iraq"), 4);
    assert_eq!(total("massacre AND originator:OM"), 0);
    assert_eq!(total("massacre AND case:C3"), 0);
    // The path is the one the first of the analyst's cases that sees the item sees.
    let path = |id: &str| r.hits.iter().find(|h| h.id == id).unwrap().path.clone();
    assert_eq!(path("d1"), "p1-case-C2");
    assert_eq!(path("d3"), "p3-case-C1");
}
