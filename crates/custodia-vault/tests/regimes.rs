//! Sharing regimes through the vault: the default at ingest, what open, consent and restricted
//! let through, who may change a regime, which regime is in force, and who sees which.

mod support;

use custodia_vault::custodia_access::Regime;
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::{RegimeChange, VaultError};
use support::{is_missing, Action, TestVault, ADMIN};

const NL: &str = "Netherlands Public Prosecution Service";
const STATE_X: &str = "State X Prosecutor";

fn parties() -> TestVault {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .authority(STATE_X, false)
        .requester("prosecutor-nl", NL)
        .liaison("liaison-a", "Government A")
        .liaison("liaison-u", "UNITAD")
        .custodian("custodian")
        .auditor("auditor")
        .administrator("accounts")
        .analyst("analyst", &["C-1"]);
    v
}

fn denied_because(error: &VaultError, hash: &ContentHash, words: &str) -> bool {
    matches!(error, VaultError::Denied { item, reason } if *item == hash.to_hex() && reason.contains(words))
}

#[test]
fn an_item_is_under_consent_unless_its_originator_said_otherwise() {
    let mut v = parties();
    let before = v.log_size();
    let item = v
        .item("register.txt", "register of Badush prison")
        .from("Kurdistan Region")
        .store();
    // A new originator, the submission's regime, the item: three entries, in that order.
    assert_eq!(
        v.actions_since(before),
        ["organisation_add", "regime_set", "ingest"]
    );
    let regime = v.assert_logged(before + 1, "regime_set", ADMIN, None);
    assert_eq!(regime["regime"], "consent");
    assert_eq!(regime["originator"], "Kurdistan Region");
    let ingest = v.assert_logged(before + 2, "ingest", ADMIN, Some(&item));
    assert!(ingest.to_string().contains("Kurdistan Region"), "{ingest}");

    let view = v.vault.item_view("custodian", &item).unwrap();
    assert_eq!(view.regimes.submissions.len(), 1);
    let submission = &view.regimes.submissions[0];
    assert_eq!(submission.regime, Regime::Consent);
    assert_eq!(submission.originator, "Kurdistan Region");
    assert_eq!(submission.history.len(), 1);
    assert_eq!(
        submission.history[0].reason.as_deref(),
        Some("set at ingest")
    );

    // Nothing leaves without a decision, even for an approved requester.
    let refused = v.releasable_to(&item, NL).unwrap_err();
    assert!(
        denied_because(&refused, &item, "not consented"),
        "{refused:?}"
    );
    // The originator is known from now on; its next submission adds no organisation.
    let before = v.log_size();
    v.item("second.txt", "second register")
        .from("Kurdistan Region")
        .store();
    assert_eq!(v.actions_since(before), ["regime_set", "ingest"]);
}

#[test]
fn an_open_item_goes_to_approved_requesters_only() {
    let mut v = parties();
    let open = v
        .item("photo.txt", "photograph of the Sinjar road")
        .from("UNITAD")
        .regime(Regime::Open)
        .store();
    assert!(v.releasable_to(&open, NL).is_ok());
    let refused = v.releasable_to(&open, STATE_X).unwrap_err();
    assert!(
        denied_because(&refused, &open, "not consented"),
        "{refused:?}"
    );
    // A package for a state not approved is refused whole, before anything is logged.
    let before = v.log_size();
    let package = v.package(&[open], STATE_X).unwrap_err();
    assert!(matches!(package, VaultError::Denied { .. }), "{package:?}");
    assert_eq!(v.log_size(), before);
    let receipt = v.package(&[open], NL).unwrap();
    assert_eq!(receipt.items.len(), 1);
    assert_eq!(receipt.items[0].sha256, open.to_hex());
    let release = v.assert_logged(receipt.release_entries[0], "release", ADMIN, Some(&open));
    assert_eq!(release["recipient"], NL);
    assert_eq!(release["package"], receipt.id.as_str());
    // Released: the state's prosecutor reads it now.
    assert_eq!(
        v.as_user("prosecutor-nl").download(&open).unwrap(),
        b"photograph of the Sinjar road"
    );
}

#[test]
fn a_restricted_item_stays_with_the_holders_custodians() {
    let mut v = parties();
    let restricted = v
        .item("source.txt", "confidential source report")
        .from("Government A")
        .regime(Regime::Restricted)
        .case("C-1")
        .store();
    // Even its originator's consent does not send it anywhere.
    v.consent("liaison-a", &[restricted], NL, true, serde_json::json!([]))
        .unwrap();
    let refused = v.releasable_to(&restricted, NL).unwrap_err();
    assert!(
        denied_because(&refused, &restricted, "restricted"),
        "{refused:?}"
    );
    // The analyst of its case does not know it exists; the auditor knows, but reads nothing.
    let hidden = v.as_user("analyst").download(&restricted).unwrap_err();
    assert!(is_missing(&hidden, &restricted), "{hidden:?}");
    assert!(!v
        .as_user("analyst")
        .visible_items()
        .contains(&restricted.to_hex()));
    assert!(v
        .as_user("auditor")
        .may(Action::ViewHistory, &restricted)
        .is_ok());
    let unread = v.as_user("auditor").download(&restricted).unwrap_err();
    assert!(
        matches!(&unread, VaultError::Denied { item, .. } if *item == restricted.to_hex()),
        "{unread:?}"
    );
    // Its custodians and its originator's liaison read it.
    assert_eq!(
        v.as_user("custodian").download(&restricted).unwrap(),
        b"confidential source report"
    );
    assert!(v
        .as_user("liaison-a")
        .may(Action::ViewContent, &restricted)
        .is_ok());
}

#[test]
fn an_analyst_reads_the_items_of_its_own_cases() {
    let mut v = parties();
    let mine = v
        .item("c1.txt", "statement for case one")
        .case("C-1")
        .store();
    let open_mine = v
        .item("c1-open.txt", "open item for case one")
        .regime(Regime::Open)
        .case("C-1")
        .store();
    let other_case = v
        .item("c2.txt", "statement for case two")
        .case("C-2")
        .store();
    let no_case = v.item("none.txt", "an item of no case").store();
    for item in [mine, open_mine] {
        assert!(v.as_user("analyst").may(Action::ViewContent, &item).is_ok());
    }
    assert_eq!(
        v.as_user("analyst").download(&mine).unwrap(),
        b"statement for case one"
    );
    for item in [other_case, no_case] {
        let refused = v.as_user("analyst").download(&item).unwrap_err();
        assert!(is_missing(&refused, &item), "{refused:?}");
    }
    let mut seen = v.as_user("analyst").visible_items();
    seen.sort();
    let mut expected = vec![mine.to_hex(), open_mine.to_hex()];
    expected.sort();
    assert_eq!(seen, expected);
    // Joining the other case opens its items.
    v.join_case("analyst", "C-2");
    assert!(v
        .as_user("analyst")
        .may(Action::ViewContent, &other_case)
        .is_ok());
}

#[test]
fn a_regime_is_changed_by_the_holders_custodians_or_the_originators_liaison() {
    let mut v = parties();
    let item = v
        .item("intercept.txt", "intercepted call, Mosul")
        .from("Government A")
        .case("C-1")
        .store();
    let before = v.log_size();
    // Who may not even see the item learns nothing of it.
    for user in ["liaison-u", "prosecutor-nl", "accounts"] {
        let refused = v.set_regime(user, &item, None, Regime::Open).unwrap_err();
        assert!(is_missing(&refused, &item), "{user}: {refused:?}");
    }
    // Who sees it but does not decide for its originator is told no.
    for user in ["analyst", "auditor"] {
        let refused = v.set_regime(user, &item, None, Regime::Open).unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    assert_eq!(v.log_size(), before, "nothing refused is logged");

    // The originator opens it.
    let opened = v
        .set_regime("liaison-a", &item, None, Regime::Open)
        .unwrap();
    assert_eq!(opened.regime, "open");
    assert_eq!(opened.item, Some(item.to_hex()));
    let details = v.assert_logged(opened.ledger_index, "regime_set", "liaison-a", Some(&item));
    assert_eq!(details["regime"], "open");
    assert!(v.releasable_to(&item, NL).is_ok());

    // The holder's custodian restricts it; the latest regime is in force, the others kept.
    let restricted = v
        .set_regime("custodian", &item, None, Regime::Restricted)
        .unwrap();
    v.assert_logged(
        restricted.ledger_index,
        "regime_set",
        "custodian",
        Some(&item),
    );
    assert!(v.releasable_to(&item, NL).is_err());
    let view = v.vault.item_view("custodian", &item).unwrap();
    let submission = &view.regimes.submissions[0];
    assert_eq!(submission.regime, Regime::Restricted);
    let history: Vec<&str> = submission
        .history
        .iter()
        .map(|r| r.regime.as_str())
        .collect();
    assert_eq!(history, ["consent", "open", "restricted"]);
    assert_eq!(submission.history[2].set_by, "custodian");
    // Restricted now: the analyst of its case no longer sees it.
    let hidden = v.as_user("analyst").download(&item).unwrap_err();
    assert!(is_missing(&hidden, &item), "{hidden:?}");
}

#[test]
fn an_items_own_regime_outranks_its_submissions() {
    let mut v = parties();
    let first = v
        .item("first.txt", "first page of the ledger")
        .submission("ledger-batch")
        .store();
    let second = v
        .item("second.txt", "second page of the ledger")
        .submission("ledger-batch")
        .store();
    let key = v
        .vault
        .item_view("custodian", &first)
        .unwrap()
        .regimes
        .submissions[0]
        .submission_key
        .clone();
    assert_eq!(
        v.vault
            .item_view("custodian", &second)
            .unwrap()
            .regimes
            .submissions[0]
            .submission_key,
        key,
        "one submission"
    );
    v.set_regime("liaison-a", &first, None, Regime::Restricted)
        .unwrap();
    // Opening the whole submission later opens the other item, not the one restricted itself.
    let whole = v
        .vault
        .set_regime(
            "liaison-a",
            &RegimeChange {
                regime: Regime::Open,
                item: None,
                submission: Some(key.clone()),
                originator: None,
                reason: Some("declassified".into()),
            },
        )
        .unwrap();
    assert_eq!(whole.submissions, vec![key.clone()]);
    assert_eq!(whole.item, None);
    v.assert_logged(whole.ledger_index, "regime_set", "liaison-a", None);
    assert!(v.releasable_to(&second, NL).is_ok());
    assert!(v.releasable_to(&first, NL).is_err());
    let first_view = v.vault.item_view("custodian", &first).unwrap();
    assert_eq!(first_view.regimes.submissions[0].regime, Regime::Restricted);
    // Another originator's liaison may not touch the submission, nor learn of it.
    let refused = v
        .vault
        .set_regime(
            "liaison-u",
            &RegimeChange {
                regime: Regime::Restricted,
                item: None,
                submission: Some(key),
                originator: None,
                reason: None,
            },
        )
        .unwrap_err();
    assert!(
        matches!(&refused, VaultError::Invalid(m) if m.contains("no submission matches")),
        "{refused:?}"
    );
    assert!(v.releasable_to(&second, NL).is_ok());
}

#[test]
fn each_originator_sees_and_sets_only_its_own_submissions_regime() {
    let mut v = parties();
    let bytes = "the same video, supplied twice";
    let item = v
        .item("video-a.txt", bytes)
        .from("Government A")
        .regime(Regime::Open)
        .store();
    let again = v
        .item("video-u.txt", bytes)
        .from("UNITAD")
        .regime(Regime::Consent)
        .store();
    assert_eq!(item, again, "one item, two submissions");

    let holder = v.vault.item_view("custodian", &item).unwrap();
    assert_eq!(holder.regimes.submissions.len(), 2);
    let own = v.vault.item_view("liaison-a", &item).unwrap();
    let originators: Vec<&str> = own
        .regimes
        .submissions
        .iter()
        .map(|s| s.originator.as_str())
        .collect();
    assert_eq!(originators, ["Government A"]);
    assert_eq!(own.submissions.len(), 1);
    assert_eq!(own.submissions[0].originator, "Government A");

    // The strictest supplier decides: open for one, consent for the other, so not yet.
    assert!(v.releasable_to(&item, NL).is_err());
    // Government A's liaison changes Government A's submission only.
    let changed = v
        .set_regime("liaison-a", &item, None, Regime::Restricted)
        .unwrap();
    assert_eq!(changed.submissions.len(), 1);
    let holder = v.vault.item_view("custodian", &item).unwrap();
    let mut regimes: Vec<(String, Regime)> = holder
        .regimes
        .submissions
        .iter()
        .map(|s| (s.originator.clone(), s.regime))
        .collect();
    regimes.sort();
    assert_eq!(
        regimes,
        [
            ("Government A".to_owned(), Regime::Restricted),
            ("UNITAD".to_owned(), Regime::Consent)
        ]
    );
    // Naming the other originator finds nothing of theirs to change.
    let refused = v
        .set_regime("liaison-a", &item, Some("UNITAD"), Regime::Open)
        .unwrap_err();
    assert!(
        matches!(&refused, VaultError::Invalid(m) if m.contains("no submission matches")),
        "{refused:?}"
    );
}
