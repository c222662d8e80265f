//! Consent decisions through the vault: who decides for an originator, what a decision opens
//! and for whom, that another originator's decision opens nothing, which decision is in force,
//! and where its conditions go.

mod support;

use custodia_vault::custodia_access::Regime;
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::requests::ItemStatus;
use custodia_vault::{ConsentDecision, VaultError};
use serde_json::json;
use support::{is_missing, status_in, Action, TestVault, ADMIN};

const NL: &str = "Netherlands Public Prosecution Service";
const STATE_X: &str = "State X Prosecutor";

fn parties() -> TestVault {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .authority(STATE_X, true)
        .requester("prosecutor-nl", NL)
        .requester("prosecutor-x", STATE_X)
        .liaison("liaison-a", "Government A")
        .liaison("liaison-u", "UNITAD")
        .custodian("custodian")
        .auditor("auditor")
        .analyst("analyst", &["C-1"]);
    v
}

fn statement(v: &mut TestVault, name: &str, originator: &str) -> ContentHash {
    v.item(name, format!("{name}: statement taken in Dohuk"))
        .from(originator)
        .regime(Regime::Consent)
        .case("C-1")
        .store()
}

#[test]
fn a_grant_opens_an_item_to_its_recipient_only() {
    let mut v = parties();
    let a1 = statement(&mut v, "a1.txt", "Government A");
    let a2 = statement(&mut v, "a2.txt", "Government A");
    assert!(v.releasable_to(&a1, NL).is_err());
    let before = v.log_size();
    let recorded = v
        .consent("liaison-a", &[a1, a2], NL, true, json!([]))
        .unwrap();
    assert_eq!(recorded.originator, "Government A");
    assert_eq!(recorded.decision, "grant");
    // One entry per item, each at the position the receipt gives.
    assert_eq!(v.log_size(), before + 2);
    for (got, item) in recorded.items.iter().zip([a1, a2]) {
        assert_eq!(got.sha256, item.to_hex());
        let details = v.assert_logged(got.ledger_index, "consent", "liaison-a", Some(&item));
        assert_eq!(details["originator"], "Government A");
        assert_eq!(details["recipient"], NL);
        assert_eq!(details["decision"], "grant");
    }
    for item in [a1, a2] {
        assert!(v.releasable_to(&item, NL).is_ok());
        // Consent to the Netherlands is not consent to State X, approved or not.
        let refused = v.releasable_to(&item, STATE_X).unwrap_err();
        assert!(matches!(refused, VaultError::Denied { .. }), "{refused:?}");
    }
    // A consent lets the item go; it does not hand it over: nothing is released yet.
    let unreleased = v.as_user("prosecutor-nl").download(&a1).unwrap_err();
    assert!(is_missing(&unreleased, &a1), "{unreleased:?}");
}

#[test]
fn only_the_suppliers_liaison_decides_for_it() {
    let mut v = parties();
    let a1 = statement(&mut v, "a1.txt", "Government A");
    let u1 = statement(&mut v, "u1.txt", "UNITAD");
    let before = v.log_size();
    // The holder's people, a state and an analyst do not decide for an originator.
    for user in ["custodian", ADMIN, "auditor", "analyst", "prosecutor-nl"] {
        let refused = v.consent(user, &[a1], NL, true, json!([])).unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    // Nor one originator's liaison for another.
    let for_other = v
        .vault
        .decide_consent(
            "liaison-u",
            &ConsentDecision {
                originator: Some("Government A".into()),
                recipient: NL.into(),
                grant: true,
                conditions: json!([]),
                reason: None,
                items: vec![a1],
            },
        )
        .unwrap_err();
    assert!(
        matches!(for_other, VaultError::NotPermitted(_)),
        "{for_other:?}"
    );
    // Another originator's item answers like one that does not exist.
    let not_theirs = v
        .consent("liaison-u", &[a1], NL, true, json!([]))
        .unwrap_err();
    assert!(is_missing(&not_theirs, &a1), "{not_theirs:?}");
    // All or none: one foreign item in the list and nothing is recorded, not even its own.
    let mixed = v
        .consent("liaison-u", &[u1, a1], NL, true, json!([]))
        .unwrap_err();
    assert!(is_missing(&mixed, &a1), "{mixed:?}");
    assert!(v.releasable_to(&u1, NL).is_err());
    // The recipient must exist, the conditions be the vocabulary's, a refusal have a reason.
    let unknown = v
        .consent("liaison-u", &[u1], "State Y", true, json!([]))
        .unwrap_err();
    assert!(
        matches!(&unknown, VaultError::Invalid(m) if m.contains("State Y")),
        "{unknown:?}"
    );
    let misspelt = v
        .consent(
            "liaison-u",
            &[u1],
            NL,
            true,
            json!([{"kind": "no_onward_transfers"}]),
        )
        .unwrap_err();
    assert!(
        matches!(&misspelt, VaultError::Invalid(m) if m.contains("conditions[0].kind")),
        "{misspelt:?}"
    );
    let not_a_list = v
        .consent(
            "liaison-u",
            &[u1],
            NL,
            true,
            json!({"kind": "no_onward_transfer"}),
        )
        .unwrap_err();
    assert!(
        matches!(&not_a_list, VaultError::Invalid(m) if m.contains("array")),
        "{not_a_list:?}"
    );
    let silent = v
        .vault
        .decide_consent(
            "liaison-u",
            &ConsentDecision {
                originator: None,
                recipient: NL.into(),
                grant: false,
                conditions: json!([]),
                reason: Some("   ".into()),
                items: vec![u1],
            },
        )
        .unwrap_err();
    assert!(
        matches!(&silent, VaultError::Invalid(m) if m.contains("needs a reason")),
        "{silent:?}"
    );
    assert_eq!(v.log_size(), before, "nothing refused is logged");
    assert!(v.releasable_to(&a1, NL).is_err());
    assert!(v.releasable_to(&u1, NL).is_err());
}

#[test]
fn another_originators_consent_opens_nothing() {
    let mut v = parties();
    // The same bytes, supplied by two originators under consent.
    let shared = v
        .item("video-a.txt", "the same video, supplied twice")
        .from("Government A")
        .regime(Regime::Consent)
        .store();
    v.item("video-u.txt", "the same video, supplied twice")
        .from("UNITAD")
        .regime(Regime::Consent)
        .store();
    let id = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    v.as_user("custodian").scope(&id, &[shared]).unwrap();

    // UNITAD's liaison decides for UNITAD's submission: Government A's still waits.
    v.consent("liaison-u", &[shared], NL, true, json!([]))
        .unwrap();
    let refused = v.releasable_to(&shared, NL).unwrap_err();
    assert!(
        matches!(&refused, VaultError::Denied { reason, .. } if reason.contains("not consented")),
        "{refused:?}"
    );
    let view = v.as_user("custodian").request(&id).unwrap();
    assert_eq!(status_in(&view, &shared), Some(ItemStatus::AwaitingConsent));
    assert_eq!(
        view.items[0].reason.as_deref(),
        Some("awaiting consent of Government A")
    );
    assert!(v.package(&[shared], NL).is_err());

    // Government A's own decision opens it.
    v.consent("liaison-a", &[shared], NL, true, json!([]))
        .unwrap();
    assert!(v.releasable_to(&shared, NL).is_ok());
    let view = v.as_user("custodian").request(&id).unwrap();
    assert_eq!(status_in(&view, &shared), Some(ItemStatus::Ready));

    // Each liaison's view of the item's history holds its own decision, not the other's.
    for (liaison, own) in [("liaison-a", "Government A"), ("liaison-u", "UNITAD")] {
        let history = v.as_user(liaison).history(&shared).unwrap();
        let consents: Vec<serde_json::Value> = history
            .iter()
            .filter(|e| e.action == "consent")
            .map(|e| serde_json::from_str(&e.details).unwrap())
            .collect();
        assert_eq!(consents.len(), 1, "{liaison}: {consents:?}");
        assert_eq!(consents[0]["originator"], own);
    }
}

#[test]
fn the_latest_decision_is_in_force() {
    let mut v = parties();
    let a1 = statement(&mut v, "a1.txt", "Government A");
    v.consent("liaison-a", &[a1], NL, true, json!([])).unwrap();
    assert!(v.releasable_to(&a1, NL).is_ok());
    let refusal = v.consent("liaison-a", &[a1], NL, false, json!([])).unwrap();
    let details = v.assert_logged(
        refusal.items[0].ledger_index,
        "consent",
        "liaison-a",
        Some(&a1),
    );
    assert_eq!(details["decision"], "refuse");
    assert_eq!(details["reason"], "ongoing national proceedings");
    assert!(v.releasable_to(&a1, NL).is_err());
    v.consent("liaison-a", &[a1], NL, true, json!([])).unwrap();
    assert!(v.releasable_to(&a1, NL).is_ok());
    // A refusal for another recipient leaves this one's grant alone.
    v.consent("liaison-a", &[a1], STATE_X, false, json!([]))
        .unwrap();
    assert!(v.releasable_to(&a1, NL).is_ok());
    assert!(v.releasable_to(&a1, STATE_X).is_err());
    let consents = v
        .item_actions(&a1)
        .iter()
        .filter(|a| *a == "consent")
        .count();
    assert_eq!(consents, 4, "every decision is in the item's history");
}

#[test]
fn a_grants_conditions_go_out_with_the_release() {
    let mut v = parties();
    let a1 = statement(&mut v, "a1.txt", "Government A");
    let conditions = json!([
        {"kind": "no_death_penalty"},
        {"kind": "limited_use", "case": "ICC-01/04"},
        {"kind": "confidential_until", "date": "2030-01-31"},
    ]);
    let recorded = v
        .consent("liaison-a", &[a1], NL, true, conditions.clone())
        .unwrap();
    assert_eq!(recorded.conditions, conditions);
    let receipt = v.package(&[a1], NL).unwrap();
    let release = v.assert_logged(receipt.release_entries[0], "release", ADMIN, Some(&a1));
    let kinds: Vec<&str> = release["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["no_death_penalty", "limited_use", "confidential_until"]
    );
    let source = release["conditions"][0]["source"].as_str().unwrap();
    assert!(source.starts_with("consent of Government A"), "{source}");

    // Released to the Netherlands: its prosecutor reads the item and its history's part that
    // concerns it (the release), not the originator's decision or who took it.
    assert!(v
        .as_user("prosecutor-nl")
        .may(Action::ViewContent, &a1)
        .is_ok());
    let seen = v.as_user("prosecutor-nl").history(&a1).unwrap();
    let actions: Vec<&str> = seen.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"release"), "{actions:?}");
    assert!(!actions.contains(&"ingest"), "{actions:?}");
    for entry in &seen {
        assert_eq!(entry.actor, "(another organisation)", "{entry:?}");
    }
    let other = v.as_user("prosecutor-x").history(&a1).unwrap_err();
    assert!(is_missing(&other, &a1), "{other:?}");
}
