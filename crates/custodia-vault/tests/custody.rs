//! Every action on the vault is one custody entry (or the documented few), made by the person
//! who acted; every refusal leaves the log as it was; and each party reads of the log only its
//! own part.

mod support;

use custodia_vault::custodia_access::{OrganisationKind, Regime, Role};
use custodia_vault::VaultError;
use serde_json::json;
use support::{TestVault, ADMIN};

const NL: &str = "Netherlands Public Prosecution Service";

/// Government A's path of the bytes [`supplied_by_both`] stores, and Government B's.
const A_PATH: &str = "informant-7/register.txt";
const B_PATH: &str = "our-copy.txt";

/// The same bytes supplied by two originators, each with a liaison (`liaison-a`, `liaison-b`):
/// Government A under `case_of_a` (if any) at [`A_PATH`], Government B at [`B_PATH`]. Either
/// liaison may read the item; neither may learn of the other's submission.
fn supplied_by_both(
    v: &mut TestVault,
    text: &str,
    case_of_a: Option<&str>,
) -> custodia_vault::custodia_blobstore::ContentHash {
    v.liaison("liaison-a", "Government A")
        .liaison("liaison-b", "Government B");
    let mut of_a = v.item(A_PATH, text).from("Government A");
    if let Some(case) = case_of_a {
        of_a = of_a.case(case);
    }
    let shared = of_a.store();
    v.item(B_PATH, text).from("Government B").store();
    shared
}

/// Runs `step` and asserts that it appended exactly `actions`, each by `actor`.
fn logs(v: &mut TestVault, actor: &str, actions: &[&str], step: impl FnOnce(&mut TestVault)) {
    let before = v.log_size();
    step(v);
    let entries = v.entries_since(before);
    let got: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(got, actions);
    for entry in &entries {
        assert_eq!(entry.actor, actor, "{entry:?}");
        assert!(entry.ledger_index.is_some(), "{entry:?}");
    }
}

#[test]
fn every_step_of_a_case_is_in_the_custody_log() {
    let mut v = TestVault::new();
    logs(&mut v, ADMIN, &["organisation_add"], |v| {
        v.authority(NL, false);
    });
    logs(&mut v, ADMIN, &["organisation_approve"], |v| {
        v.vault.approve_requester(ADMIN, NL, true).unwrap();
    });
    logs(&mut v, ADMIN, &["organisation_add", "user_add"], |v| {
        v.liaison("liaison-a", "Government A");
    });
    logs(&mut v, ADMIN, &["user_add"], |v| {
        v.requester("prosecutor-nl", NL);
    });
    logs(
        &mut v,
        ADMIN,
        &["user_add", "case_add", "case_member_add"],
        |v| {
            v.analyst("analyst", &["C-1"]);
        },
    );
    logs(&mut v, ADMIN, &["user_add", "user_roles"], |v| {
        v.custodian("custodian");
        v.vault
            .set_roles(ADMIN, "custodian", &[Role::Custodian, Role::Auditor])
            .unwrap();
    });
    logs(&mut v, "analyst", &["user_language"], |v| {
        v.vault.set_language("analyst", Some("ar")).unwrap();
        assert_eq!(
            v.vault.language_of("analyst").unwrap().as_deref(),
            Some("ar")
        );
        assert!(v.vault.set_language("analyst", Some("a r")).is_err());
    });
    logs(&mut v, "analyst", &["user_time_zone"], |v| {
        v.vault
            .set_time_zone("analyst", Some("Asia/Baghdad"))
            .unwrap();
        let chosen = v.vault.preferences_of("analyst").unwrap();
        assert_eq!(chosen.time_zone.as_deref(), Some("Asia/Baghdad"));
        assert_eq!(chosen.language.as_deref(), Some("ar"), "the language stays");
        assert!(v.vault.set_time_zone("analyst", Some("../etc")).is_err());
        assert!(v.vault.set_time_zone("analyst", Some("")).is_err());
    });
    let mut item = None;
    logs(&mut v, "custodian", &["regime_set", "ingest"], |v| {
        item = Some(
            v.item("register.txt", "register of Badush prison")
                .case("C-1")
                .by("custodian")
                .store(),
        );
    });
    let item = item.unwrap();
    logs(&mut v, "liaison-a", &["regime_set"], |v| {
        v.set_regime("liaison-a", &item, None, Regime::Consent)
            .unwrap();
    });
    logs(&mut v, "analyst", &["download"], |v| {
        v.as_user("analyst").download(&item).unwrap();
    });
    let mut id = String::new();
    logs(&mut v, "prosecutor-nl", &["request_file"], |v| {
        id = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    });
    logs(
        &mut v,
        "custodian",
        &["request_scope", "request_state"],
        |v| {
            v.as_user("custodian").scope(&id, &[item]).unwrap();
        },
    );
    logs(&mut v, "liaison-a", &["consent", "request_state"], |v| {
        v.as_user("liaison-a").grant(&id, None, json!([])).unwrap();
    });
    logs(&mut v, "custodian", &["redact"], |v| {
        v.as_user("custodian")
            .redact_text(&item, &["Badush"], "a place named by a witness")
            .unwrap();
    });
    logs(&mut v, "custodian", &["release", "request_state"], |v| {
        v.as_user("custodian").finalise(&id).unwrap();
    });
    logs(&mut v, "prosecutor-nl", &["download"], |v| {
        v.as_user("prosecutor-nl").download(&item).unwrap();
    });

    // The download's entry says who took what, why and for whom.
    let size = v.log_size();
    let download = v.assert_logged(size - 1, "download", "prosecutor-nl", Some(&item));
    assert_eq!(download["organisation"], NL);
    assert_eq!(download["reason"], "examination for proceedings");
    assert_eq!(download["bytes"], "register of Badush prison".len());
    // The holder's auditor reads the whole log; the log, catalog and blobs agree.
    v.auditor("auditor");
    let all = v.vault.recent_activity("auditor", usize::MAX).unwrap();
    assert_eq!(all.len() as u64, v.log_size());
    v.assert_verifies();
}

#[test]
fn a_refusal_leaves_no_entry() {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .requester("prosecutor-nl", NL)
        .liaison("liaison-a", "Government A")
        .liaison("liaison-u", "UNITAD")
        .auditor("auditor")
        .analyst("analyst", &["C-1"]);
    let item = v.item("register.txt", "register of Badush prison").store();
    let id = v.as_user(ADMIN).file_request(NL).unwrap().id;
    let before = v.log_size();

    let vault = &mut v.vault;
    let refusals: Vec<(&str, VaultError)> = vec![
        (
            "an organisation added by an auditor",
            vault
                .add_organisation("auditor", "NGO C", OrganisationKind::Ngo, false)
                .unwrap_err(),
        ),
        (
            "a holder role given outside the holder",
            vault
                .add_user(ADMIN, "x", "Government A", &[Role::Custodian])
                .unwrap_err(),
        ),
        (
            "a requester role given to an originator",
            vault
                .add_user(ADMIN, "y", "Government A", &[Role::Requester])
                .unwrap_err(),
        ),
        (
            "a case added by an analyst",
            vault.add_case("analyst", "C-9", None).unwrap_err(),
        ),
        (
            "an approval by a liaison",
            vault.approve_requester("liaison-a", NL, false).unwrap_err(),
        ),
        (
            "a download without a reason",
            vault
                .open_for_download(&item, ADMIN, "  ")
                .map(|_| ())
                .unwrap_err(),
        ),
        (
            "a download by an auditor",
            vault
                .open_for_download(&item, "auditor", "audit")
                .map(|_| ())
                .unwrap_err(),
        ),
        (
            "a download by a state before release",
            vault
                .open_for_download(&item, "prosecutor-nl", "proceedings")
                .map(|_| ())
                .unwrap_err(),
        ),
        (
            "a scope by a liaison",
            vault.scope_request("liaison-a", &id, &[item]).unwrap_err(),
        ),
        (
            "a package of an item nobody consented to",
            v.package(&[item], NL).unwrap_err(),
        ),
    ];
    for (what, error) in &refusals {
        assert!(
            matches!(
                error,
                VaultError::NotPermitted(_)
                    | VaultError::Denied { .. }
                    | VaultError::NoSuchItem(_)
                    | VaultError::Invalid(_)
            ),
            "{what}: {error:?}"
        );
    }
    assert_eq!(v.log_size(), before, "{refusals:?}");
    // The refused download by the state answers like a missing item, the auditor's as denied.
    assert!(matches!(refusals[6].1, VaultError::Denied { .. }));
    assert!(matches!(refusals[7].1, VaultError::NoSuchItem(_)));
}

#[test]
fn each_party_reads_its_own_part_of_the_log() {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .requester("prosecutor-nl", NL)
        .administrator("accounts")
        .liaison("liaison-a", "Government A")
        .liaison("liaison-u", "UNITAD");
    let a = v
        .item("a.txt", "Government A's register")
        .from("Government A")
        .store();
    let u = v
        .item("u.txt", "UNITAD's photograph")
        .from("UNITAD")
        .regime(Regime::Open)
        .store();
    let request = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    v.as_user(ADMIN).scope(&request, &[a, u]).unwrap();
    v.as_user("liaison-a")
        .grant(&request, None, json!([]))
        .unwrap();

    // An administrator keeps the accounts: the entries about no item, none about evidence.
    let accounts = v.vault.recent_activity("accounts", usize::MAX).unwrap();
    assert!(!accounts.is_empty());
    assert!(accounts.iter().all(|e| e.item.is_none()), "{accounts:?}");
    // The state sees its own filing, and nothing of the items before they are released.
    let state = v
        .vault
        .recent_activity("prosecutor-nl", usize::MAX)
        .unwrap();
    let actions: Vec<&str> = state.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["request_file"]);
    // A liaison sees its own item's entries and its own decision, not the other originator's
    // item; whoever acted for the holder is not named to it.
    let liaison = v.vault.recent_activity("liaison-a", usize::MAX).unwrap();
    assert!(liaison.iter().any(|e| e.item == Some(a.to_hex())));
    assert!(
        liaison.iter().all(|e| e.item != Some(u.to_hex())),
        "{liaison:?}"
    );
    let ingest = liaison
        .iter()
        .find(|e| e.action == "ingest" && e.item == Some(a.to_hex()))
        .expect("the liaison sees its item's ingest");
    assert_eq!(ingest.actor, "(another organisation)");
    let consent = liaison
        .iter()
        .find(|e| e.action == "consent")
        .expect("the liaison sees its decision");
    assert_eq!(consent.actor, "liaison-a");

    // Once released, the state sees what concerns its request on each item (scoped, decided,
    // released), never the ingest or the regimes; and not who acted for others, nor why.
    v.as_user(ADMIN).finalise(&request).unwrap();
    let state = v
        .vault
        .recent_activity("prosecutor-nl", usize::MAX)
        .unwrap();
    let mut actions: Vec<&str> = state.iter().map(|e| e.action.as_str()).collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "consent",
            "release",
            "release",
            "request_file",
            "request_scope",
            "request_scope"
        ]
    );
    for entry in state.iter().filter(|e| e.action != "request_file") {
        assert_eq!(entry.actor, "(another organisation)", "{entry:?}");
        let details: serde_json::Value = serde_json::from_str(&entry.details).unwrap();
        assert!(details.get("reason").is_none(), "{entry:?}");
    }
}

#[test]
fn a_name_that_is_no_user_is_logged_as_a_tag_not_as_typed() {
    let mut v = TestVault::new();
    v.analyst("analyst", &["C-1"]);
    // A password typed into the name field, twice, and a known user's wrong password.
    let before = v.log_size();
    for _ in 0..2 {
        assert!(v
            .vault
            .sign_in("Correct-Horse-7731", "whatever", None)
            .is_err());
    }
    assert!(v.vault.sign_in("analyst", "wrong", None).is_err());
    let entries = v.entries_since(before);
    assert_eq!(entries.len(), 3);
    for entry in &entries {
        assert_eq!(entry.action, "login_failed");
        let written = format!("{entry:?}");
        assert!(!written.contains("Correct-Horse"), "{written}");
    }
    // The same typed name, the same tag: repeated attempts on one name still show.
    assert!(entries[0].actor.starts_with("unknown:"), "{:?}", entries[0]);
    assert_eq!(entries[0].actor, entries[1].actor);
    assert_eq!(entries[2].actor, "analyst");
}

#[test]
fn whether_an_account_or_organisation_exists_is_not_told_to_a_non_administrator() {
    let mut v = TestVault::new();
    v.analyst("analyst", &["C-1"]);
    v.originator("Government A");
    let refusal = |e: VaultError| {
        e.to_string()
            .replace("nobody", "NAME")
            .replace(ADMIN, "NAME")
    };
    let unknown = v
        .vault
        .issue_api_token("analyst", "nobody", "x", None)
        .unwrap_err();
    let known = v
        .vault
        .issue_api_token("analyst", ADMIN, "x", None)
        .unwrap_err();
    assert_eq!(refusal(unknown), refusal(known));
    let unknown = v
        .vault
        .add_user("analyst", "z", "No Such State", &[Role::Requester])
        .unwrap_err();
    let known = v
        .vault
        .add_user("analyst", "z", "Government A", &[Role::Requester])
        .unwrap_err();
    assert_eq!(unknown.to_string(), known.to_string());
    // The administrator is told.
    let told = v
        .vault
        .add_user(ADMIN, "z", "No Such State", &[Role::Requester])
        .unwrap_err();
    assert!(told.to_string().contains("no organisation"), "{told}");
}

#[test]
fn a_proof_of_one_entry_shows_no_more_than_the_history_does() {
    let mut v = TestVault::new();
    v.authority(NL, true);
    // The same bytes from two originators: both liaisons may read the item's history.
    let shared = supplied_by_both(&mut v, "The register of Badush, 2014.", None);
    let before = v.log_size();
    v.consent("liaison-b", &[shared], NL, false, json!([]))
        .unwrap();
    let refusal = v.entries_since(before);
    assert_eq!(refusal.len(), 1);
    let refusal_index = refusal[0].ledger_index.unwrap();
    let before = v.log_size();
    v.consent("liaison-a", &[shared], NL, true, json!([]))
        .unwrap();
    let own_index = v.entries_since(before)[0].ledger_index.unwrap();

    // Government A's history of the item leaves out Government B's refusal, and so does a
    // proof of that entry, which answers as for an entry that does not exist.
    let history = v.as_user("liaison-a").history(&shared).unwrap();
    assert!(
        history.iter().all(|e| e.actor != "liaison-b"),
        "{history:?}"
    );
    let hidden = v
        .vault
        .log_entry_for("liaison-a", refusal_index, None)
        .unwrap_err();
    let beyond = v
        .vault
        .log_entry_for("liaison-a", v.log_size() + 10, None)
        .unwrap_err();
    assert_eq!(
        hidden.to_string().replace(&refusal_index.to_string(), "N"),
        beyond
            .to_string()
            .replace(&(v.log_size() + 10).to_string(), "N")
    );
    // Its own decision is proven to it; the refusal is proven to Government B.
    assert!(v.vault.log_entry_for("liaison-a", own_index, None).is_ok());
    assert!(v
        .vault
        .log_entry_for("liaison-b", refusal_index, None)
        .is_ok());
}

#[test]
fn a_liaison_lists_the_same_bytes_under_its_own_submission_not_anothers() {
    let mut v = TestVault::new();
    supplied_by_both(&mut v, "The same recording.", Some("K-A"));
    let holdings = v.vault.holdings("liaison-b").unwrap();
    assert_eq!(holdings.items, 1);
    assert_eq!(
        holdings.by_originator.keys().collect::<Vec<_>>(),
        ["Government B"]
    );
    let holdings = v.vault.holdings("liaison-a").unwrap();
    assert_eq!(
        holdings.by_originator.keys().collect::<Vec<_>>(),
        ["Government A"]
    );
}

#[test]
fn an_items_check_counts_only_the_entries_its_history_shows() {
    let mut v = TestVault::new();
    v.authority(NL, true);
    let shared = supplied_by_both(&mut v, "The register of Badush, 2014.", None);
    // Government B's refusal is not Government A's to know of, in the history or the check.
    v.consent("liaison-b", &[shared], NL, false, json!([]))
        .unwrap();
    let seen = v.as_user("liaison-a").history(&shared).unwrap().len();
    let all = v.as_user(ADMIN).history(&shared).unwrap().len();
    assert!(seen < all, "{seen} of {all}");
    let check = v.vault.check_item("liaison-a", &shared, true).unwrap();
    assert_eq!(check.entries_proven, seen, "{check:?}");
    assert!(check.problems.is_empty(), "{check:?}");
    let check = v.vault.check_item(ADMIN, &shared, true).unwrap();
    assert_eq!(check.entries_proven, all, "{check:?}");
}

#[test]
fn a_liaison_searches_the_same_bytes_under_its_own_provenance_not_anothers() {
    let mut v = TestVault::new();
    v.case("K-A");
    supplied_by_both(
        &mut v,
        "The same recording of the Kocho massacre.",
        Some("K-A"),
    );
    v.vault
        .extract_pending(&custodia_vault::ExtractOptions::default(), ADMIN)
        .unwrap();
    let search = |v: &mut TestVault, actor: &str, query: &str| {
        v.vault
            .search(
                actor,
                query,
                10,
                custodia_vault::custodia_search::Sort::Relevance,
            )
            .unwrap()
            .results
    };
    let found = search(&mut v, "liaison-b", "Kocho");
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].path, B_PATH);
    let names = |facet: &str| found.facets[facet].keys().cloned().collect::<Vec<_>>();
    assert_eq!(names("originator"), ["Government B"]);
    assert!(names("case").is_empty(), "{:?}", found.facets);
    assert_eq!(names("collection").len(), 1);
    // Nor can a filter tell who else supplied the bytes, or under which case.
    for filter in ["originator:\"Government A\"", "case:K-A"] {
        let filtered = search(&mut v, "liaison-b", &format!("Kocho AND {filter}"));
        assert_eq!(filtered.total, 0, "{filter}");
    }
    // The holder's custodians see every originator's provenance.
    let found = search(&mut v, ADMIN, "Kocho AND case:K-A");
    assert_eq!(found.total, 1);
    assert_eq!(found.facets["originator"].len(), 2);
    let found = search(&mut v, "liaison-a", "Kocho AND case:K-A");
    assert_eq!(found.hits[0].path, A_PATH);
}

/// A requesting authority sees the provenance of what was released to it, as its package named
/// it, and nothing of a submission made after the release or restricted since: one rule
/// (`custodia_access::provenance_seen`) for the item's view, the items list and search.
#[test]
fn a_requester_sees_the_provenance_released_to_it_and_no_other() {
    let mut v = TestVault::new();
    v.case("K-A").case("K-C");
    v.authority(NL, false).requester("prosecutor-nl", NL);
    let text = "The same recording of the Kocho massacre.";
    let item = supplied_by_both(&mut v, text, Some("K-A"));
    v.vault
        .extract_pending(&custodia_vault::ExtractOptions::default(), ADMIN)
        .unwrap();
    for liaison in ["liaison-a", "liaison-b"] {
        v.consent(liaison, &[item], NL, true, json!([])).unwrap();
    }
    v.package(&[item], NL).unwrap();
    // The same bytes, supplied after the release by an originator that consented to nothing.
    v.liaison("liaison-c", "Government C");
    v.item("c/secret-source.txt", text)
        .from("Government C")
        .case("K-C")
        .store();

    let originators = |v: &TestVault| -> Vec<String> {
        v.vault
            .item_view("prosecutor-nl", &item)
            .unwrap()
            .submissions
            .into_iter()
            .map(|s| s.originator)
            .collect()
    };
    let search = |v: &mut TestVault, query: &str| {
        v.vault
            .search(
                "prosecutor-nl",
                query,
                10,
                custodia_vault::custodia_search::Sort::Relevance,
            )
            .unwrap()
            .results
    };
    assert_eq!(originators(&v), ["Government A", "Government B"]);
    let (listed, _) = v
        .vault
        .browse("prosecutor-nl", &Default::default(), 0, 10)
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].originator, "Government A");
    assert_eq!(listed[0].path, A_PATH);
    let found = search(&mut v, "Kocho");
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].path, A_PATH);
    assert_eq!(
        found.facets["originator"].keys().collect::<Vec<_>>(),
        ["Government A", "Government B"]
    );
    assert_eq!(found.facets["case"].keys().collect::<Vec<_>>(), ["K-A"]);
    for filter in ["originator:\"Government C\"", "case:K-C"] {
        let filtered = search(&mut v, &format!("Kocho AND {filter}"));
        assert_eq!(filtered.total, 0, "{filter}");
    }
    let filtered = search(&mut v, "Kocho AND originator:\"Government B\"");
    assert_eq!(filtered.total, 1);

    // Of another originator's submission, the view names where the item came from, not who
    // collected or submitted it.
    let view = v.vault.item_view("prosecutor-nl", &item).unwrap();
    let of_b = view
        .submissions
        .iter()
        .find(|s| s.originator == "Government B")
        .unwrap();
    assert_eq!(of_b.path, B_PATH);
    assert_eq!(of_b.submitted_by, "(another organisation)");
    assert!(of_b.collection_note.is_none() && of_b.collected_by.is_none());

    // Government B restricts its submission to the holder: it is no longer shown to the
    // requester, in the view or in search (the index's provenance follows the regime).
    v.set_regime("liaison-b", &item, None, Regime::Restricted)
        .unwrap();
    assert_eq!(originators(&v), ["Government A"]);
    let found = search(&mut v, "Kocho");
    assert_eq!(found.total, 1, "the item itself was released");
    assert_eq!(
        found.facets["originator"].keys().collect::<Vec<_>>(),
        ["Government A"]
    );
    // The holder's custodians see all three.
    assert_eq!(
        v.vault.item_view(ADMIN, &item).unwrap().submissions.len(),
        3
    );
}

#[test]
fn a_liaison_that_supplies_bytes_already_searched_finds_them_under_its_own_path() {
    let mut v = TestVault::new();
    v.liaison("liaison-a", "Government A")
        .liaison("liaison-b", "Government B");
    let text = "The same recording of the Kocho massacre.";
    v.item(A_PATH, text).from("Government A").store();
    v.vault
        .extract_pending(&custodia_vault::ExtractOptions::default(), ADMIN)
        .unwrap();
    // The same bytes arrive from another originator after their text was indexed.
    v.item(B_PATH, text).from("Government B").store();
    let found = v
        .vault
        .search(
            "liaison-b",
            "Kocho",
            10,
            custodia_vault::custodia_search::Sort::Relevance,
        )
        .unwrap()
        .results;
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].path, B_PATH);
    assert_eq!(
        found.facets["originator"].keys().collect::<Vec<_>>(),
        ["Government B"]
    );
}

#[test]
fn an_administrator_keeps_the_accounts_and_reads_no_search() {
    let mut v = TestVault::new();
    v.administrator("accounts").analyst("analyst", &["C-1"]);
    v.vault
        .search(
            "analyst",
            "the name of a protected witness",
            10,
            custodia_vault::custodia_search::Sort::Relevance,
        )
        .unwrap();
    let seen = v.vault.recent_activity("accounts", usize::MAX).unwrap();
    assert!(seen.iter().any(|e| e.action == "user_add"), "{seen:?}");
    assert!(seen.iter().all(|e| e.action != "search"), "{seen:?}");
    assert!(!format!("{seen:?}").contains("protected witness"));
    // The holder's custodians and auditors oversee the whole log.
    let all = v.vault.recent_activity(ADMIN, usize::MAX).unwrap();
    assert!(all.iter().any(|e| e.action == "search"));
}

/// The holder's analysts see the provenance of the submissions through which they may read an
/// item (unrestricted, supplied for their cases): not a submission restricted to the
/// custodians, nor one supplied for another case, though the bytes are the same — in the item's
/// view and regimes, the items list, the details of its history and search alike.
#[test]
fn an_analyst_sees_the_provenance_of_their_cases_and_none_restricted() {
    let mut v = TestVault::new();
    v.case("K-A").case("K-C");
    v.analyst("analyst-a", &["K-A"]);
    let text = "The same recording of the Kocho massacre.";
    v.liaison("liaison-a", "Government A")
        .liaison("liaison-b", "Government B");
    let item = v
        .item(A_PATH, text)
        .from("Government A")
        .case("K-A")
        .store();
    v.item(B_PATH, text)
        .from("Government B")
        .case("K-A")
        .regime(Regime::Restricted)
        .store();
    v.item("c/another-case.txt", text)
        .from("Government C")
        .case("K-C")
        .store();
    v.vault
        .extract_pending(&custodia_vault::ExtractOptions::default(), ADMIN)
        .unwrap();

    let view = v.vault.item_view("analyst-a", &item).unwrap();
    let originators: Vec<&str> = view
        .submissions
        .iter()
        .map(|s| s.originator.as_str())
        .collect();
    assert_eq!(originators, ["Government A"]);
    let regimes: Vec<&str> = view
        .regimes
        .submissions
        .iter()
        .map(|s| s.originator.as_str())
        .collect();
    assert_eq!(regimes, ["Government A"]);
    let (listed, _) = v
        .vault
        .browse("analyst-a", &Default::default(), 0, 10)
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].path, A_PATH);
    // The history keeps every entry (as the proofs do), but opens the details of the
    // analyst's own submissions only.
    let history = v.vault.history_for("analyst-a", &item).unwrap();
    let ingests: Vec<&str> = history
        .iter()
        .filter(|e| e.action == "ingest")
        .map(|e| e.details.as_str())
        .collect();
    assert_eq!(ingests.len(), 3);
    assert!(ingests[0].contains(A_PATH), "{ingests:?}");
    assert_eq!(ingests[1..], ["{}", "{}"]);
    let all = format!("{history:?}");
    for hidden in [
        B_PATH,
        "another-case",
        "Government B",
        "Government C",
        "K-C",
    ] {
        assert!(!all.contains(hidden), "`{hidden}` in {all}");
    }

    let search = |v: &mut TestVault, query: &str| {
        v.vault
            .search(
                "analyst-a",
                query,
                10,
                custodia_vault::custodia_search::Sort::Relevance,
            )
            .unwrap()
            .results
    };
    let found = search(&mut v, "Kocho");
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].path, A_PATH);
    assert_eq!(
        found.facets["originator"].keys().collect::<Vec<_>>(),
        ["Government A"]
    );
    assert_eq!(found.facets["case"].keys().collect::<Vec<_>>(), ["K-A"]);
    for filter in [
        "originator:\"Government B\"",
        "originator:\"Government C\"",
        "case:K-C",
    ] {
        assert_eq!(
            search(&mut v, &format!("Kocho AND {filter}")).total,
            0,
            "{filter}"
        );
    }
    // A submission's key tells an analyst nothing of who supplied it.
    let key_of_b = v
        .vault
        .item_view(ADMIN, &item)
        .unwrap()
        .submissions
        .into_iter()
        .find(|s| s.originator == "Government B")
        .unwrap()
        .submission_key;
    let refused = v
        .vault
        .set_regime(
            "analyst-a",
            &custodia_vault::RegimeChange {
                regime: Regime::Open,
                item: None,
                submission: Some(key_of_b),
                originator: None,
                reason: None,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(!refused.contains("Government B"), "{refused}");
    // The custodians see all three.
    assert_eq!(
        v.vault.item_view(ADMIN, &item).unwrap().submissions.len(),
        3
    );
}
