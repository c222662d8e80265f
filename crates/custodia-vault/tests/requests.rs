//! Requests for assistance through the vault: who may file, scope, decide and finalise one, what
//! each party sees of it, and the custody entry of every step.

mod support;

use custodia_vault::custodia_access::Regime;
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::requests::ItemStatus;
use custodia_vault::{RequestFiling, VaultError};
use support::{is_missing, is_missing_request, listed, status_in, Action, TestVault, ADMIN};

const NL: &str = "Netherlands Public Prosecution Service";
const STATE_X: &str = "State X Prosecutor";

/// A holder with its people, three originators with a liaison each, two states with a
/// prosecutor each, and an item of each originator: Government A's under consent, UNITAD's
/// open, NGO C's restricted.
struct World {
    v: TestVault,
    a1: ContentHash,
    u1: ContentHash,
    c1: ContentHash,
}

fn world() -> World {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .authority(STATE_X, false)
        .requester("prosecutor-nl", NL)
        .requester("prosecutor-x", STATE_X)
        .liaison("liaison-a", "Government A")
        .liaison("liaison-u", "UNITAD")
        .liaison("liaison-c", "NGO C")
        .custodian("custodian")
        .auditor("auditor")
        .administrator("accounts")
        .analyst("analyst", &["C-1"]);
    let a1 = v
        .item("a1-register.txt", "Raqqa prison register, 2015")
        .from("Government A")
        .regime(Regime::Consent)
        .case("C-1")
        .store();
    let u1 = v
        .item("u1-photo.txt", "photograph of the Sinjar road, 2014")
        .from("UNITAD")
        .regime(Regime::Open)
        .case("C-1")
        .store();
    let c1 = v
        .item("c1-source.txt", "confidential source report")
        .from("NGO C")
        .regime(Regime::Restricted)
        .case("C-1")
        .store();
    World { v, a1, u1, c1 }
}

#[test]
fn a_requester_files_for_its_own_authority_only() {
    let World { mut v, .. } = world();
    let before = v.log_size();
    let view = v.as_user("prosecutor-nl").file_request(NL).unwrap();
    assert!(view.id.starts_with("RFA-"), "{}", view.id);
    assert_eq!(view.authority, NL);
    assert_eq!(view.filed_by, "prosecutor-nl");
    assert_eq!(view.state, "filed");
    assert_eq!(view.waiting_for, "holder");
    assert!(view.items.is_empty());
    assert_eq!(view.states.len(), 1);
    assert_eq!(view.states[0].by, "prosecutor-nl");
    // One custody entry, naming the request and its authority.
    assert_eq!(v.log_size(), before + 1);
    let details = v.assert_logged(before, "request_file", "prosecutor-nl", None);
    assert_eq!(details["request"], view.id.as_str());
    assert_eq!(details["authority"], NL);
    assert_eq!(details["legal_basis"], "MLA treaty, art. 4");

    // Nobody else files for an authority: not another state, not an originator, not the
    // holder's people other than its custodians. Nothing is logged for a refusal.
    let before = v.log_size();
    for (user, authority) in [
        ("prosecutor-nl", STATE_X),
        ("prosecutor-x", NL),
        ("liaison-a", NL),
        ("analyst", NL),
        ("auditor", NL),
        ("accounts", NL),
    ] {
        let refused = v.as_user(user).file_request(authority).unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user} filing for {authority}: {refused:?}"
        );
    }
    assert_eq!(v.log_size(), before);

    // The holder's custodians file on an authority's behalf (a request received on paper).
    let paper = v.as_user("custodian").file_request(STATE_X).unwrap();
    assert_eq!(paper.authority, STATE_X);
    assert_eq!(paper.filed_by, "custodian");
    v.assert_logged(before, "request_file", "custodian", None);
}

#[test]
fn a_filing_needs_a_requesting_authority_a_legal_basis_and_a_real_deadline() {
    let World { mut v, .. } = world();
    let before = v.log_size();
    let filing = |authority: &str| RequestFiling {
        authority: authority.to_owned(),
        legal_basis: "MLA treaty, art. 4".into(),
        ..RequestFiling::default()
    };
    let mut custodian = v.as_user("custodian");
    let not_authority = custodian.file(&filing("Government A")).unwrap_err();
    assert!(
        matches!(&not_authority, VaultError::Invalid(m) if m.contains("not a requesting authority")),
        "{not_authority:?}"
    );
    let unknown = custodian.file(&filing("State Y")).unwrap_err();
    assert!(
        matches!(&unknown, VaultError::Invalid(m) if m.contains("no organisation `State Y`")),
        "{unknown:?}"
    );
    let no_basis = custodian
        .file(&RequestFiling {
            legal_basis: "  ".into(),
            ..filing(NL)
        })
        .unwrap_err();
    assert!(
        matches!(&no_basis, VaultError::Invalid(m) if m.contains("legal basis")),
        "{no_basis:?}"
    );
    for deadline in ["30/06/2031", "2031-02-30", "soon"] {
        let bad_date = custodian
            .file(&RequestFiling {
                deadline: Some(deadline.into()),
                ..filing(NL)
            })
            .unwrap_err();
        assert!(
            matches!(&bad_date, VaultError::Invalid(m) if m.contains("not a date")),
            "{deadline}: {bad_date:?}"
        );
    }
    assert_eq!(v.log_size(), before, "nothing refused is logged");
    assert!(v.as_user("custodian").requests().is_empty());
}

#[test]
fn each_party_sees_only_the_requests_it_has_a_part_in() {
    let World { mut v, a1, .. } = world();
    v.requester("prosecutor-nl-2", NL);
    let nl = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    let x = v.as_user("prosecutor-x").file_request(STATE_X).unwrap().id;

    assert_eq!(v.as_user("prosecutor-nl").requests(), vec![nl.clone()]);
    assert_eq!(v.as_user("prosecutor-x").requests(), vec![x.clone()]);
    // A colleague of the same authority follows it too.
    assert_eq!(v.as_user("prosecutor-nl-2").requests(), vec![nl.clone()]);
    // Another state's request answers exactly like one that does not exist.
    let theirs = v.as_user("prosecutor-nl").request(&x).unwrap_err();
    assert!(is_missing_request(&theirs, &x), "{theirs:?}");
    let none = v
        .as_user("prosecutor-nl")
        .request("RFA-0000000000")
        .unwrap_err();
    assert!(is_missing_request(&none, "RFA-0000000000"), "{none:?}");

    // The holder's custodians and auditors see every request.
    let mut both = vec![nl.clone(), x.clone()];
    both.sort();
    for user in ["custodian", "auditor", ADMIN] {
        let mut seen = v.as_user(user).requests();
        seen.sort();
        assert_eq!(seen, both, "{user}");
    }
    // Administrators keep accounts, analysts work on cases, originators on their material.
    for user in ["accounts", "analyst", "liaison-a", "liaison-u"] {
        assert!(v.as_user(user).requests().is_empty(), "{user}");
        let refused = v.as_user(user).request(&nl).unwrap_err();
        assert!(is_missing_request(&refused, &nl), "{user}: {refused:?}");
    }

    // Once one of its items is in a request, the originator's liaison sees that request only.
    v.as_user("custodian").scope(&nl, &[a1]).unwrap();
    assert_eq!(v.as_user("liaison-a").requests(), vec![nl.clone()]);
    assert!(v.as_user("liaison-u").requests().is_empty());
    assert!(v.as_user("prosecutor-x").request(&nl).is_err());
}

#[test]
fn only_the_holders_custodians_scope_a_request() {
    let World {
        mut v, a1, u1, c1, ..
    } = world();
    let id = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    let before = v.log_size();
    for user in [
        "prosecutor-nl",
        "liaison-a",
        "analyst",
        "auditor",
        "accounts",
    ] {
        let refused = v.as_user(user).scope(&id, &[a1]).unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    let absent = ContentHash([7; 32]);
    let refused = v.as_user("custodian").scope(&id, &[absent]).unwrap_err();
    assert!(is_missing(&refused, &absent), "{refused:?}");
    assert_eq!(v.log_size(), before, "nothing refused is logged");

    let view = v.as_user("custodian").scope(&id, &[a1, u1, c1]).unwrap();
    // One entry per item, then the request's new state.
    let entries = v.entries_since(before);
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "request_scope",
            "request_scope",
            "request_scope",
            "request_state"
        ]
    );
    for (entry, item) in entries.iter().zip([a1, u1, c1]) {
        assert_eq!(entry.item, Some(item.to_hex()));
        assert_eq!(entry.actor, "custodian");
    }
    let state: serde_json::Value = serde_json::from_str(&entries[3].details).unwrap();
    assert_eq!(state["state"], "awaiting_consent");
    assert_eq!(state["request"], id.as_str());

    // Each item stands as its originator's regime says.
    assert_eq!(view.state, "awaiting_consent");
    assert_eq!(view.waiting_for, "originators");
    assert_eq!(status_in(&view, &a1), Some(ItemStatus::AwaitingConsent));
    assert_eq!(status_in(&view, &u1), Some(ItemStatus::Ready));
    assert_eq!(status_in(&view, &c1), Some(ItemStatus::Withheld));
    assert_eq!(view.waits_on.len(), 1);
    assert_eq!(view.waits_on[0].organisation, "Government A");
    assert_eq!(view.waits_on[0].liaisons, ["liaison-a"]);
    assert_eq!(view.waits_on[0].items, 1);
}

#[test]
fn a_requester_sees_the_state_and_only_what_was_released_to_it() {
    let World {
        mut v, a1, u1, c1, ..
    } = world();
    let id = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    v.as_user("custodian").scope(&id, &[a1, u1, c1]).unwrap();

    let asked = v.as_user("prosecutor-nl").request(&id).unwrap();
    assert_eq!(asked.state, "awaiting_consent");
    assert_eq!(asked.waiting_for, "originators");
    // Nothing of the candidate items, their number or whom the request waits on.
    assert!(asked.items.is_empty(), "{:?}", asked.items);
    assert!(asked.counts.is_empty(), "{:?}", asked.counts);
    assert!(asked.waits_on.is_empty());
    // The holder's custodian who moved it on is not named to the state.
    assert_eq!(asked.states.last().unwrap().by, "(another organisation)");

    // A liaison sees its own organisation's item only, without the other originators.
    let liaison = v.as_user("liaison-a").request(&id).unwrap();
    assert_eq!(listed(&liaison), [a1.to_hex()]);
    assert!(liaison.items[0].originators.is_empty());
    assert_eq!(
        liaison.items[0].reason.as_deref(),
        Some("awaiting consent of Government A")
    );
    assert_eq!(liaison.waits_on.len(), 1);
    let restricted = v.as_user("liaison-c").request(&id).unwrap();
    assert_eq!(listed(&restricted), [c1.to_hex()]);
    assert_eq!(status_in(&restricted, &c1), Some(ItemStatus::Withheld));

    // Nothing is released before the package: the requester cannot read any item yet.
    for item in [a1, u1, c1] {
        let refused = v.as_user("prosecutor-nl").download(&item).unwrap_err();
        assert!(is_missing(&refused, &item), "{refused:?}");
    }

    v.as_user("liaison-a")
        .grant(&id, None, serde_json::json!([]))
        .unwrap();
    let ready = v.as_user("custodian").request(&id).unwrap();
    assert_eq!(ready.state, "ready");
    assert_eq!(ready.waiting_for, "holder");
    assert_eq!(status_in(&ready, &a1), Some(ItemStatus::Ready));

    // Only the holder's custodians finalise.
    for user in ["prosecutor-nl", "liaison-a", "auditor", "analyst"] {
        let refused = v.as_user(user).finalise(&id).unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    let before = v.log_size();
    let (done, receipt) = v.as_user("custodian").finalise(&id).unwrap();
    assert_eq!(done.state, "finalised");
    assert_eq!(receipt.recipient.as_deref(), Some(NL));
    let mut released: Vec<String> = receipt.items.iter().map(|i| i.sha256.clone()).collect();
    released.sort();
    let mut expected = vec![a1.to_hex(), u1.to_hex()];
    expected.sort();
    assert_eq!(released, expected, "the restricted item stays");
    // Each release is logged on its item, then the request's state.
    let actions = v.actions_since(before);
    assert_eq!(actions, ["release", "release", "request_state"]);
    let state = v.assert_logged(before + 2, "request_state", "custodian", None);
    assert_eq!(state["package"], receipt.id.as_str());
    assert!(v.item_actions(&a1).contains(&"release".to_owned()));
    assert!(!v.item_actions(&c1).contains(&"release".to_owned()));

    // Now the requester sees what was released, and nothing of what was withheld.
    let finalised = v.as_user("prosecutor-nl").request(&id).unwrap();
    assert_eq!(finalised.state, "finalised");
    assert_eq!(finalised.packages, vec![receipt.id.clone()]);
    let mut seen = listed(&finalised);
    seen.sort();
    assert_eq!(seen, expected);
    assert_eq!(finalised.counts.get("released"), Some(&2));
    assert_eq!(finalised.counts.len(), 1, "{:?}", finalised.counts);
    assert_eq!(
        v.as_user("prosecutor-nl").download(&a1).unwrap(),
        b"Raqqa prison register, 2015"
    );
    let withheld = v.as_user("prosecutor-nl").download(&c1).unwrap_err();
    assert!(is_missing(&withheld, &c1), "{withheld:?}");
    // Released to the Netherlands is not released to State X.
    let other = v.as_user("prosecutor-x").download(&a1).unwrap_err();
    assert!(is_missing(&other, &a1), "{other:?}");

    // A finalised request takes nothing more.
    let closed = v.as_user("custodian").scope(&id, &[c1]).unwrap_err();
    assert!(
        matches!(&closed, VaultError::Invalid(m) if m.contains("finalised already")),
        "{closed:?}"
    );
}

#[test]
fn a_request_whose_items_are_all_withheld_reads_as_filed_not_ready() {
    let World { mut v, c1, .. } = world();
    let id = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    let filed = v.as_user("prosecutor-nl").request(&id).unwrap();
    v.as_user("custodian").scope(&id, &[c1]).unwrap();
    // "ready" would tell the state the holder has something it may not see.
    let asked = v.as_user("prosecutor-nl").request(&id).unwrap();
    assert_eq!(asked.state, "filed");
    assert_eq!(asked.states.len(), filed.states.len(), "{:?}", asked.states);
    // The custodian reads why: the item is withheld.
    let custodian = v.as_user("custodian").request(&id).unwrap();
    assert_eq!(custodian.state, "filed");
    assert_eq!(status_in(&custodian, &c1), Some(ItemStatus::Withheld));
}

#[test]
fn only_an_originators_liaison_decides_and_only_on_its_own_items() {
    let World { mut v, a1, .. } = world();
    let u2 = v
        .item("u2-interview.txt", "interview notes, Dohuk")
        .from("UNITAD")
        .regime(Regime::Consent)
        .store();
    let only_a = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    v.as_user("custodian").scope(&only_a, &[a1]).unwrap();
    let both = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    v.as_user("custodian").scope(&both, &[a1, u2]).unwrap();
    let before = v.log_size();

    // Not a liaison: refused whatever the request.
    for user in ["prosecutor-nl", "custodian", ADMIN, "analyst", "auditor"] {
        let refused = v
            .as_user(user)
            .grant(&only_a, None, serde_json::json!([]))
            .unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    // A liaison with no item in the request does not learn that it exists.
    let unseen = v
        .as_user("liaison-u")
        .grant(&only_a, None, serde_json::json!([]))
        .unwrap_err();
    assert!(is_missing_request(&unseen, &only_a), "{unseen:?}");
    // Another originator's item answers like one that does not exist.
    let not_theirs = v
        .as_user("liaison-u")
        .grant(&both, Some(&[a1]), serde_json::json!([]))
        .unwrap_err();
    assert!(is_missing(&not_theirs, &a1), "{not_theirs:?}");
    let absent = ContentHash([9; 32]);
    let nothing = v
        .as_user("liaison-u")
        .grant(&both, Some(&[absent]), serde_json::json!([]))
        .unwrap_err();
    assert!(is_missing(&nothing, &absent), "{nothing:?}");
    // A refusal needs a reason and carries no conditions; a grant's conditions are checked.
    let silent = v.as_user("liaison-a").refuse(&both, None, " ").unwrap_err();
    assert!(
        matches!(&silent, VaultError::Invalid(m) if m.contains("needs a reason")),
        "{silent:?}"
    );
    let conditional_refusal = v
        .as_user("liaison-a")
        .decide(
            &both,
            false,
            None,
            serde_json::json!([{"kind": "no_death_penalty"}]),
            Some("a reason"),
        )
        .unwrap_err();
    assert!(
        matches!(&conditional_refusal, VaultError::Invalid(m) if m.contains("no conditions")),
        "{conditional_refusal:?}"
    );
    let misspelt = v
        .as_user("liaison-a")
        .grant(
            &both,
            None,
            serde_json::json!([{"kind": "no_death_penalties"}]),
        )
        .unwrap_err();
    assert!(
        matches!(&misspelt, VaultError::Invalid(m) if m.contains("conditions[0].kind")),
        "{misspelt:?}"
    );
    assert_eq!(v.log_size(), before, "nothing refused is logged");

    // UNITAD's liaison decides on UNITAD's item only; Government A's still waits.
    let decided = v
        .as_user("liaison-u")
        .grant(
            &both,
            None,
            serde_json::json!([{"kind": "no_death_penalty"}]),
        )
        .unwrap();
    assert_eq!(listed(&decided), [u2.to_hex()]);
    assert_eq!(status_in(&decided, &u2), Some(ItemStatus::Ready));
    let details = v.assert_logged(before, "consent", "liaison-u", Some(&u2));
    assert_eq!(details["originator"], "UNITAD");
    assert_eq!(details["recipient"], NL);
    assert_eq!(details["decision"], "grant");
    assert_eq!(details["request"], both.as_str());
    assert_eq!(details["conditions"][0]["kind"], "no_death_penalty");
    let custodian = v.as_user("custodian").request(&both).unwrap();
    assert_eq!(
        status_in(&custodian, &a1),
        Some(ItemStatus::AwaitingConsent)
    );
    assert_eq!(custodian.state, "awaiting_consent");

    // Government A refuses, with a reason its own people and the holder see, the state not.
    let before = v.log_size();
    v.as_user("liaison-a")
        .refuse(&both, Some(&[a1]), "ongoing national proceedings")
        .unwrap();
    let details = v.assert_logged(before, "consent", "liaison-a", Some(&a1));
    assert_eq!(details["decision"], "refuse");
    assert_eq!(details["reason"], "ongoing national proceedings");
    let custodian = v.as_user("custodian").request(&both).unwrap();
    assert_eq!(status_in(&custodian, &a1), Some(ItemStatus::Refused));
    let reason = custodian
        .items
        .iter()
        .find(|i| i.sha256 == a1.to_hex())
        .and_then(|i| i.reason.clone());
    assert_eq!(
        reason.as_deref(),
        Some("refused by Government A: ongoing national proceedings")
    );
    assert_eq!(custodian.state, "ready");
    let requester = v.as_user("prosecutor-nl").request(&both).unwrap();
    assert!(requester.items.is_empty());
    assert!(
        !format!("{requester:?}").contains("ongoing national proceedings"),
        "{requester:?}"
    );
    // Nothing refused reaches the package.
    let (_, receipt) = v.as_user("custodian").finalise(&both).unwrap();
    let released: Vec<&str> = receipt.items.iter().map(|i| i.sha256.as_str()).collect();
    assert_eq!(released, [u2.to_hex()]);
    assert!(v.releasable_to(&a1, NL).is_err());
    assert!(v
        .as_user("prosecutor-nl")
        .may(Action::ViewContent, &u2)
        .is_ok());
}

#[test]
fn a_filer_who_may_not_file_learns_nothing_of_other_organisations() {
    let World { mut v, .. } = world();
    let existing = v
        .as_user("prosecutor-nl")
        .file_request(STATE_X)
        .unwrap_err();
    let unknown = v
        .as_user("prosecutor-nl")
        .file_request("State Y")
        .unwrap_err();
    assert!(
        matches!(existing, VaultError::NotPermitted(_)),
        "{existing:?}"
    );
    assert!(
        matches!(unknown, VaultError::NotPermitted(_)),
        "{unknown:?}"
    );
}

#[test]
fn a_supplier_reads_its_own_part_of_an_items_status_and_not_another_suppliers() {
    let mut w = world();
    // Government A's register was supplied by NGO C too, under consent.
    w.v.item("c-copy.txt", "Raqqa prison register, 2015")
        .from("NGO C")
        .regime(Regime::Consent)
        .store();
    let id = w.v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    w.v.as_user("custodian").scope(&id, &[w.a1]).unwrap();
    let reason_for = |w: &mut World, user: &str| {
        w.v.as_user(user).request(&id).unwrap().items[0]
            .reason
            .clone()
            .unwrap_or_default()
    };
    // Both awaited: each liaison reads its own organisation's name, not the other's.
    let a = reason_for(&mut w, "liaison-a");
    assert!(a.contains("Government A") && !a.contains("NGO C"), "{a}");
    // NGO C refuses, with a reason that is its own.
    w.v.as_user("liaison-c")
        .refuse(&id, None, "our informant would be exposed")
        .unwrap();
    let a = reason_for(&mut w, "liaison-a");
    assert!(!a.contains("NGO C") && !a.contains("informant"), "{a}");
    assert!(a.contains("another supplier"), "{a}");
    let c = reason_for(&mut w, "liaison-c");
    assert!(c.contains("informant"), "{c}");
    // The holder's custodians read it whole.
    let whole = reason_for(&mut w, "custodian");
    assert!(
        whole.contains("NGO C") && whole.contains("informant"),
        "{whole}"
    );
}
