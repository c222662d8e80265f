//! The sharing policy on its own: a table of cases, then properties over random organisations,
//! roles, cases, regimes, consents and releases.

use std::collections::BTreeSet;

use custodia_access::{
    decide, releasable, Action, Consent, ItemFacts, OrganisationKind, Principal, Recipient, Regime,
    Role, SubmissionFacts, WitnessScope,
};
use proptest::prelude::*;

fn person(org: &str, kind: OrganisationKind, roles: &[Role], cases: &[&str]) -> Principal {
    Principal {
        user: format!("someone of {org}"),
        organisation: org.into(),
        organisation_kind: kind,
        approved_requester: false,
        roles: roles.iter().copied().collect(),
        cases: cases.iter().map(|c| c.to_string()).collect(),
    }
}

fn supplied(originator: &str, case: Option<&str>, regime: Regime) -> SubmissionFacts {
    SubmissionFacts {
        originator: originator.into(),
        case: case.map(Into::into),
        regime,
    }
}

fn item(submissions: Vec<SubmissionFacts>) -> ItemFacts {
    ItemFacts {
        submissions,
        ..ItemFacts::default()
    }
}

fn recipient(org: &str, approved: bool) -> Recipient {
    Recipient {
        organisation: org.into(),
        approved_requester: approved,
        kind: Some(OrganisationKind::RequestingAuthority),
    }
}

const HOLDER: OrganisationKind = OrganisationKind::Holder;
const ORIGINATOR: OrganisationKind = OrganisationKind::Originator;
const REQUESTER: OrganisationKind = OrganisationKind::RequestingAuthority;

#[test]
fn table_of_cases() {
    let consent_item = item(vec![supplied("Iraq", Some("C1"), Regime::Consent)]);
    let restricted_item = item(vec![supplied("Iraq", Some("C1"), Regime::Restricted)]);
    let mut released = consent_item.clone();
    released.released_to.insert("NL-OM".into());

    let custodian = person("UN", HOLDER, &[Role::Custodian], &[]);
    let auditor = person("UN", HOLDER, &[Role::Auditor], &[]);
    let analyst_c1 = person("UN", HOLDER, &[Role::Analyst], &["C1"]);
    let analyst_c2 = person("UN", HOLDER, &[Role::Analyst], &["C2"]);
    let admin = person("UN", HOLDER, &[Role::Administrator], &[]);
    let liaison_iraq = person("Iraq", ORIGINATOR, &[Role::OriginatorLiaison], &[]);
    let liaison_other = person("Syria NGO", ORIGINATOR, &[Role::OriginatorLiaison], &[]);
    let prosecutor = person("NL-OM", REQUESTER, &[Role::Requester], &[]);
    let other_prosecutor = person("FR-PNAT", REQUESTER, &[Role::Requester], &[]);
    // A requester role in an organisation of the wrong kind opens nothing.
    let fake_requester = person("NL-OM", ORIGINATOR, &[Role::Requester], &[]);
    // Holder roles held by someone outside the holder open nothing.
    let outside_custodian = person(
        "Iraq",
        ORIGINATOR,
        &[Role::Custodian, Role::Analyst],
        &["C1"],
    );

    use Action::*;
    let nothing = ItemFacts::default();
    let cases: Vec<(&str, &Principal, Action, &ItemFacts, bool)> = vec![
        (
            "custodian reads",
            &custodian,
            ViewContent,
            &consent_item,
            true,
        ),
        (
            "custodian reads restricted",
            &custodian,
            Download,
            &restricted_item,
            true,
        ),
        (
            "auditor metadata",
            &auditor,
            ViewMetadata,
            &consent_item,
            true,
        ),
        (
            "auditor history",
            &auditor,
            ViewHistory,
            &restricted_item,
            true,
        ),
        (
            "auditor content",
            &auditor,
            ViewContent,
            &consent_item,
            false,
        ),
        ("auditor download", &auditor, Download, &consent_item, false),
        (
            "analyst on case",
            &analyst_c1,
            Download,
            &consent_item,
            true,
        ),
        (
            "analyst off case",
            &analyst_c2,
            ViewMetadata,
            &consent_item,
            false,
        ),
        (
            "analyst restricted",
            &analyst_c1,
            ViewContent,
            &restricted_item,
            false,
        ),
        ("analyst exports", &analyst_c1, Export, &consent_item, false),
        (
            "administrator alone",
            &admin,
            ViewMetadata,
            &consent_item,
            false,
        ),
        (
            "liaison own item",
            &liaison_iraq,
            ViewContent,
            &restricted_item,
            true,
        ),
        (
            "liaison other's item",
            &liaison_other,
            ViewMetadata,
            &consent_item,
            false,
        ),
        (
            "requester before release",
            &prosecutor,
            ViewMetadata,
            &consent_item,
            false,
        ),
        (
            "requester after release",
            &prosecutor,
            Download,
            &released,
            true,
        ),
        (
            "other requester after release",
            &other_prosecutor,
            ViewMetadata,
            &released,
            false,
        ),
        (
            "requester role, wrong kind",
            &fake_requester,
            ViewMetadata,
            &released,
            false,
        ),
        (
            "holder roles outside holder",
            &outside_custodian,
            ViewMetadata,
            &released,
            false,
        ),
        (
            "custodian, no submission",
            &custodian,
            ViewMetadata,
            &nothing,
            false,
        ),
    ];
    for (name, who, action, facts, expected) in cases {
        let decision = decide(who, action, facts, None);
        assert_eq!(decision.allowed, expected, "{name}: {decision:?}");
    }
}

#[test]
fn export_follows_every_supplier() {
    let custodian = person("UN", HOLDER, &[Role::Custodian], &[]);
    let nl = recipient("NL-OM", false);
    let nl_approved = recipient("NL-OM", true);

    let open = item(vec![supplied("UN team", None, Regime::Open)]);
    assert!(decide(&custodian, Action::Export, &open, None).allowed);
    assert!(decide(&custodian, Action::Export, &open, Some(&nl_approved)).allowed);
    assert!(!decide(&custodian, Action::Export, &open, Some(&nl)).allowed);

    let mut consent = item(vec![supplied("Iraq", None, Regime::Consent)]);
    assert!(!decide(&custodian, Action::Export, &consent, Some(&nl_approved)).allowed);
    assert!(!decide(&custodian, Action::Export, &consent, None).allowed);
    consent.consents.push(Consent {
        originator: "Iraq".into(),
        recipient: "FR-PNAT".into(),
    });
    assert!(!decide(&custodian, Action::Export, &consent, Some(&nl)).allowed);
    consent.consents.push(Consent {
        originator: "Iraq".into(),
        recipient: "NL-OM".into(),
    });
    assert!(decide(&custodian, Action::Export, &consent, Some(&nl)).allowed);
    // A consent given by someone who did not supply the item counts for nothing.
    let mut forged = item(vec![supplied("Iraq", None, Regime::Consent)]);
    forged.consents.push(Consent {
        originator: "Syria NGO".into(),
        recipient: "NL-OM".into(),
    });
    assert!(!decide(&custodian, Action::Export, &forged, Some(&nl)).allowed);

    // The same bytes from a second supplier who restricted them: they do not leave.
    consent
        .submissions
        .push(supplied("Syria NGO", None, Regime::Restricted));
    assert!(!decide(&custodian, Action::Export, &consent, Some(&nl)).allowed);
}

// --- properties ------------------------------------------------------------------------------

const ORGS: [&str; 4] = ["UN", "Iraq", "NL-OM", "Syria NGO"];
const CASES: [&str; 3] = ["C1", "C2", "C3"];

fn org() -> impl Strategy<Value = String> {
    prop::sample::select(ORGS.to_vec()).prop_map(String::from)
}

fn kind() -> impl Strategy<Value = OrganisationKind> {
    prop::sample::select(OrganisationKind::ALL.to_vec())
}

fn principal() -> impl Strategy<Value = Principal> {
    (
        org(),
        prop::sample::select(OrganisationKind::ALL.to_vec()),
        any::<bool>(),
        prop::collection::btree_set(prop::sample::select(Role::ALL.to_vec()), 0..4),
        prop::collection::btree_set(
            prop::sample::select(CASES.to_vec()).prop_map(String::from),
            0..3,
        ),
    )
        .prop_map(|(organisation, kind, approved, roles, cases)| Principal {
            user: "u".into(),
            organisation,
            organisation_kind: kind,
            approved_requester: approved,
            roles,
            cases,
        })
}

fn facts() -> impl Strategy<Value = ItemFacts> {
    let submission = (
        org(),
        prop::option::of(prop::sample::select(CASES.to_vec()).prop_map(String::from)),
        prop::sample::select(Regime::ALL.to_vec()),
    )
        .prop_map(|(originator, case, regime)| SubmissionFacts {
            originator,
            case,
            regime,
        });
    let consent = (org(), org()).prop_map(|(originator, recipient)| Consent {
        originator,
        recipient,
    });
    let witness = (
        prop::collection::btree_set(kind(), 0..3),
        prop::collection::btree_set(org(), 0..2),
    )
        .prop_map(|(allow_kinds, exclude)| WitnessScope {
            pseudonym: "W".into(),
            allow_kinds,
            exclude,
        });
    (
        prop::collection::vec(submission, 0..4),
        prop::collection::vec(consent, 0..4),
        prop::collection::btree_set(org(), 0..3),
        prop::collection::vec(witness, 0..2),
    )
        .prop_map(
            |(submissions, consents, released_to, witnesses)| ItemFacts {
                submissions_released: released_to
                    .iter()
                    .map(|o| (o.clone(), submissions.len()))
                    .collect(),
                submissions,
                consents,
                released_to,
                witnesses,
            },
        )
}

fn recipient_strategy() -> impl Strategy<Value = Option<Recipient>> {
    prop::option::of((org(), any::<bool>(), prop::option::of(kind())).prop_map(
        |(organisation, approved, kind)| Recipient {
            organisation,
            approved_requester: approved,
            kind,
        },
    ))
}

fn is_holder(who: &Principal, role: Role) -> bool {
    who.organisation_kind == OrganisationKind::Holder && who.roles.contains(&role)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// Content goes only to someone a rule names, whatever the facts.
    #[test]
    fn content_only_by_a_named_rule(who in principal(), item in facts(), to in recipient_strategy()) {
        for action in [Action::ViewContent, Action::Download] {
            let d = decide(&who, action, &item, to.as_ref());
            if d.allowed {
                let custodian = is_holder(&who, Role::Custodian);
                let analyst = is_holder(&who, Role::Analyst) && item.submissions.iter().any(|s| {
                    s.regime != Regime::Restricted && s.case.as_ref().is_some_and(|c| who.cases.contains(c))
                });
                let liaison = who.roles.contains(&Role::OriginatorLiaison)
                    && item.submissions.iter().any(|s| s.originator == who.organisation);
                let requester = who.roles.contains(&Role::Requester)
                    && who.organisation_kind == OrganisationKind::RequestingAuthority
                    && item.released_to.contains(&who.organisation);
                prop_assert!(custodian || analyst || liaison || requester, "{:?} {:?} {:?}", who, item, d);
            }
        }
    }

    /// Nothing at all for an item nobody supplied; nothing for roles that open no item.
    #[test]
    fn deny_by_default(who in principal(), item in facts(), to in recipient_strategy()) {
        for action in Action::ALL {
            let d = decide(&who, action, &item, to.as_ref());
            if item.submissions.is_empty() {
                prop_assert!(!d.allowed);
            }
            let opening: BTreeSet<Role> = [Role::Custodian, Role::Auditor, Role::Analyst,
                Role::OriginatorLiaison, Role::Requester].into_iter().collect();
            if who.roles.is_disjoint(&opening) {
                prop_assert!(!d.allowed, "{:?} {:?} {:?}", who, action, d);
            }
        }
    }

    /// Export: custodians only, never a restricted item, and every supplier's say is needed.
    #[test]
    fn export_needs_every_supplier(who in principal(), item in facts(), to in recipient_strategy()) {
        let d = decide(&who, Action::Export, &item, to.as_ref());
        if d.allowed {
            prop_assert!(is_holder(&who, Role::Custodian));
            prop_assert!(!item.submissions.is_empty());
            for s in &item.submissions {
                prop_assert!(s.regime != Regime::Restricted);
                let consented = to.as_ref().is_some_and(|r| item.consents.iter()
                    .any(|c| c.originator == s.originator && c.recipient == r.organisation));
                match (s.regime, &to) {
                    (Regime::Consent, _) => prop_assert!(consented),
                    (Regime::Open, Some(r)) => prop_assert!(r.approved_requester || consented),
                    _ => {}
                }
            }
            prop_assert!(releasable(&item, to.as_ref()).allowed);
        }
    }

    /// More restriction never opens more: adding a restricted submission, or taking away a
    /// consent, a release or a role, never turns a denial into an allowance.
    #[test]
    fn restriction_is_monotone(
        who in principal(),
        item in facts(),
        to in recipient_strategy(),
        extra_originator in org(),
        drop_role in prop::sample::select(Role::ALL.to_vec()),
    ) {
        for action in Action::ALL {
            let before = decide(&who, action, &item, to.as_ref()).allowed;

            let mut fewer_consents = item.clone();
            fewer_consents.consents.pop();
            fewer_consents.released_to.pop_first();
            prop_assert!(before || !decide(&who, action, &fewer_consents, to.as_ref()).allowed);

            let mut fewer_roles = who.clone();
            fewer_roles.roles.remove(&drop_role);
            prop_assert!(before || !decide(&fewer_roles, action, &item, to.as_ref()).allowed);

            if action == Action::Export {
                let mut restricted = item.clone();
                restricted.submissions.push(SubmissionFacts {
                    originator: extra_originator.clone(),
                    case: None,
                    regime: Regime::Restricted,
                });
                prop_assert!(!decide(&who, action, &restricted, to.as_ref()).allowed);
            }
        }
    }

    /// An auditor, whatever else the facts say, never gets content out by the auditor rule.
    #[test]
    fn auditors_never_get_content(item in facts(), to in recipient_strategy()) {
        let auditor = Principal {
            user: "a".into(),
            organisation: "UN".into(),
            organisation_kind: OrganisationKind::Holder,
            approved_requester: false,
            roles: [Role::Auditor].into_iter().collect(),
            cases: CASES.iter().map(|c| c.to_string()).collect(),
        };
        for action in [Action::ViewContent, Action::Download, Action::Export] {
            prop_assert!(!decide(&auditor, action, &item, to.as_ref()).allowed);
        }
    }

    /// A witness's scope only ever takes away: an item with a witness is releasable only if it
    /// is without, and never to an organisation the witness excluded or of a kind not allowed.
    #[test]
    fn witnesses_only_narrow_releases(item in facts(), to in recipient_strategy(), excluded in org(), allowed in kind()) {
        let mut with = item.clone();
        with.witnesses.push(WitnessScope {
            pseudonym: "W-extra".into(),
            allow_kinds: [allowed].into_iter().collect(),
            exclude: [excluded.clone()].into_iter().collect(),
        });
        let now = releasable(&with, to.as_ref()).allowed;
        prop_assert!(!now || releasable(&item, to.as_ref()).allowed);
        if let Some(to) = &to {
            if to.organisation == excluded || to.kind != Some(allowed) {
                prop_assert!(!now);
            }
        } else {
            prop_assert!(!now, "a witness statement never goes out unaddressed");
        }
    }
}

#[test]
fn a_witness_can_exclude_one_state_and_allow_prosecutors() {
    let mut statement = item(vec![supplied("UN", None, Regime::Open)]);
    statement.witnesses.push(WitnessScope {
        pseudonym: "W-17".into(),
        allow_kinds: [OrganisationKind::RequestingAuthority]
            .into_iter()
            .collect(),
        exclude: ["Syria NGO".to_owned()].into_iter().collect(),
    });
    assert!(releasable(&statement, Some(&recipient("NL-OM", true))).allowed);
    let mut excluded = recipient("Syria NGO", true);
    assert!(!releasable(&statement, Some(&excluded)).allowed);
    excluded.organisation = "Iraq".into();
    excluded.kind = Some(OrganisationKind::Ngo);
    assert!(
        !releasable(&statement, Some(&excluded)).allowed,
        "an NGO is not a prosecutor"
    );
    assert!(!releasable(&statement, None).allowed);
    // Without the witness, the same open item goes to an approved NGO.
    assert!(
        releasable(
            &item(vec![supplied("UN", None, Regime::Open)]),
            Some(&excluded)
        )
        .allowed
    );
}
