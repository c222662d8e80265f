//! Resumable uploads through the vault: who may upload, chunks in order and within the announced
//! size, the announced SHA-256 checked, the item and its custody entries once finished, an
//! upload private to its sender, cancelled or expired.

mod support;

use custodia_vault::custodia_access::Regime;
use custodia_vault::uploads::{UploadPlan, MAX_CHUNK, MAX_UPLOAD};
use custodia_vault::{ItemStatus, VaultError};
use support::{hash_of, upload_plan, Action, TestVault};

const NL: &str = "Netherlands Public Prosecution Service";

fn parties() -> TestVault {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .requester("prosecutor-nl", NL)
        .liaison("liaison-a", "Government A")
        .custodian("custodian")
        .custodian("other-custodian")
        .auditor("auditor")
        .administrator("accounts")
        .analyst("analyst", &["C-1"]);
    v
}

/// Bytes that are not all alike, so that a chunk out of place would show.
fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

fn no_upload(error: &VaultError, id: &str) -> bool {
    matches!(error, VaultError::Invalid(m) if m.starts_with(&format!("no upload `{id}`")))
}

#[test]
fn an_upload_arrives_in_order_and_becomes_one_logged_item() {
    let mut v = parties();
    let bytes = content(250_000);
    let before = v.log_size();
    let state = v
        .as_user("custodian")
        .begin_upload("witness-statement.txt", &bytes)
        .unwrap();
    assert_eq!(state.id.len(), 32);
    assert_eq!(state.user, "custodian");
    assert_eq!(state.offset, 0);
    assert_eq!(state.plan.size, bytes.len() as u64);
    assert!(!state.expires_at.is_empty());
    let id = state.id;
    // Beginning is logged (who, the upload, its size and originator; never its name), and
    // nothing is an item yet.
    assert_eq!(v.log_size(), before + 1, "the beginning is logged");
    let details = v.assert_logged(before, "upload_begin", "custodian", None);
    assert_eq!(details["upload"], id.as_str());
    assert_eq!(details["size"], 250_000);
    assert!(
        !details.to_string().contains("witness-statement"),
        "the name stays sealed: {details}"
    );
    let before = v.log_size();
    let vault = &v.vault;

    assert_eq!(
        vault
            .append_upload("custodian", &id, 0, &bytes[..100_000])
            .unwrap(),
        100_000
    );
    // A chunk sent again, or ahead of what arrived, does not follow: the sender is told where.
    for offset in [0, 50_000, 150_000] {
        let refused = vault
            .append_upload("custodian", &id, offset, &bytes[100_000..150_000])
            .unwrap_err();
        assert!(
            matches!(&refused, VaultError::Conflict(m) if m.contains("send from 100000")),
            "{offset}: {refused:?}"
        );
    }
    // Beyond the announced size, or over the largest chunk, is refused.
    let too_long = vault
        .append_upload("custodian", &id, 100_000, &content(150_001))
        .unwrap_err();
    assert!(
        matches!(&too_long, VaultError::Invalid(m) if m.contains("announced as 250000 bytes")),
        "{too_long:?}"
    );
    let oversized = vault
        .append_upload("custodian", &id, 100_000, &vec![0; MAX_CHUNK + 1])
        .unwrap_err();
    assert!(
        matches!(&oversized, VaultError::Invalid(m) if m.contains("at most")),
        "{oversized:?}"
    );
    // An empty chunk changes nothing.
    assert_eq!(
        vault.append_upload("custodian", &id, 100_000, &[]).unwrap(),
        100_000
    );
    assert_eq!(vault.upload("custodian", &id).unwrap().offset, 100_000);
    // Not finished before every byte arrived.
    let short = v.vault.finish_upload("custodian", &id, &()).unwrap_err();
    assert!(
        matches!(&short, VaultError::Invalid(m) if m.contains("100000 of its 250000 bytes")),
        "{short:?}"
    );
    assert_eq!(
        v.log_size(),
        before,
        "nothing is evidence before the upload is finished"
    );

    v.vault
        .append_upload("custodian", &id, 100_000, &bytes[100_000..])
        .unwrap();
    let report = v.vault.finish_upload("custodian", &id, &()).unwrap();
    assert_eq!(report.items.len(), 1);
    let stored = &report.items[0];
    assert_eq!(stored.sha256, hash_of(&bytes).to_hex());
    assert_eq!(stored.path, "witness-statement.txt");
    assert_eq!(stored.status, ItemStatus::Stored);
    assert_eq!(stored.size, bytes.len() as u64);
    let item = hash_of(&bytes);

    // Its entries: the submission's regime, then the ingest by the uploader, whose details keep
    // what was announced.
    assert_eq!(v.actions_since(before), ["regime_set", "ingest"]);
    let ingest = v.assert_logged(before + 1, "ingest", "custodian", Some(&item));
    let text = ingest.to_string();
    for announced in [
        "Government A",
        "investigator 7",
        "received over the API",
        "C-1",
    ] {
        assert!(text.contains(announced), "`{announced}` in {text}");
    }
    assert_eq!(stored.ledger_index, Some(before + 1));
    // The item is as sent, and under the default regime.
    assert_eq!(v.as_user("custodian").download(&item).unwrap(), bytes);
    let view = v.vault.item_view("custodian", &item).unwrap();
    assert_eq!(view.regimes.submissions[0].regime, Regime::Consent);
    assert_eq!(view.submissions[0].originator, "Government A");
    assert!(v.as_user("analyst").may(Action::ViewContent, &item).is_ok());
    // The upload is gone once finished.
    let gone = v.vault.upload("custodian", &id).unwrap_err();
    assert!(no_upload(&gone, &id), "{gone:?}");
    v.assert_verifies();
}

#[test]
fn only_the_holders_custodians_upload() {
    let mut v = parties();
    for user in [
        "analyst",
        "auditor",
        "accounts",
        "liaison-a",
        "prosecutor-nl",
    ] {
        let refused = v
            .as_user(user)
            .begin_upload("x.txt", b"a statement")
            .unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    let unknown = v
        .as_user("nobody")
        .begin_upload("x.txt", b"a statement")
        .unwrap_err();
    assert!(
        matches!(&unknown, VaultError::Invalid(m) if m.contains("no user `nobody`")),
        "{unknown:?}"
    );
}

#[test]
fn an_announcement_is_checked() {
    let mut v = parties();
    let good = upload_plan("x.txt", b"a statement");
    let cases: Vec<(UploadPlan, &str)> = vec![
        (
            UploadPlan {
                name: "  ".into(),
                ..good.clone()
            },
            "file name",
        ),
        (
            UploadPlan {
                name: "a\0b".into(),
                ..good.clone()
            },
            "file name",
        ),
        (
            UploadPlan {
                originator: " ".into(),
                ..good.clone()
            },
            "originator",
        ),
        (
            UploadPlan {
                size: MAX_UPLOAD + 1,
                ..good.clone()
            },
            "at most",
        ),
        (
            UploadPlan {
                sha256: Some("abc".into()),
                ..good.clone()
            },
            "not a SHA-256",
        ),
    ];
    for (plan, words) in cases {
        let refused = v.vault.begin_upload("custodian", plan.clone()).unwrap_err();
        assert!(
            matches!(&refused, VaultError::Invalid(m) if m.contains(words)),
            "{plan:?}: {refused:?}"
        );
    }
    // An upper-case SHA-256 is the same hash.
    let shouting = UploadPlan {
        sha256: good.sha256.as_ref().map(|s| s.to_uppercase()),
        ..good.clone()
    };
    let state = v.vault.begin_upload("custodian", shouting).unwrap();
    assert_eq!(state.plan.sha256, good.sha256);
}

#[test]
fn bytes_that_do_not_match_the_announced_hash_are_not_stored() {
    let mut v = parties();
    let sent = b"the register as it arrived".to_vec();
    let mut plan = upload_plan("register.txt", b"the register as it was sent");
    plan.size = sent.len() as u64;
    let id = v.vault.begin_upload("custodian", plan).unwrap().id;
    v.vault.append_upload("custodian", &id, 0, &sent).unwrap();
    let before = v.log_size();
    let refused = v.vault.finish_upload("custodian", &id, &()).unwrap_err();
    assert!(
        matches!(&refused, VaultError::Invalid(m) if m.contains("not the announced")),
        "{refused:?}"
    );
    assert_eq!(v.log_size(), before, "nothing is logged");
    assert!(v.as_user("custodian").visible_items().is_empty());
    // The upload stays, so that its sender can see why, until cancelled.
    assert_eq!(
        v.vault.upload("custodian", &id).unwrap().offset,
        sent.len() as u64
    );
    let before = v.log_size();
    v.vault.cancel_upload("custodian", &id).unwrap();
    let details = v.assert_logged(before, "upload_cancel", "custodian", None);
    assert_eq!(details["upload"], id.as_str());
    assert_eq!(details["received"], sent.len() as u64);
    let gone = v.vault.upload("custodian", &id).unwrap_err();
    assert!(no_upload(&gone, &id), "{gone:?}");
}

#[test]
fn an_upload_without_an_announced_hash_is_stored_as_it_arrived() {
    let mut v = parties();
    let bytes = content(5_000);
    let mut plan = upload_plan("photo.bin", &bytes);
    plan.sha256 = None;
    let id = v.vault.begin_upload("custodian", plan).unwrap().id;
    v.vault.append_upload("custodian", &id, 0, &bytes).unwrap();
    let report = v.vault.finish_upload("custodian", &id, &()).unwrap();
    assert_eq!(report.items[0].sha256, hash_of(&bytes).to_hex());
}

#[test]
fn an_upload_is_its_senders_alone() {
    let mut v = parties();
    let bytes = content(1_000);
    let id = v
        .as_user("custodian")
        .begin_upload("statement.txt", &bytes)
        .unwrap()
        .id;
    v.vault
        .append_upload("custodian", &id, 0, &bytes[..10])
        .unwrap();
    // Another custodian sees no such upload, and cannot add to, finish or cancel it.
    let vault = &mut v.vault;
    let errors = [
        vault.upload("other-custodian", &id).unwrap_err(),
        vault
            .append_upload("other-custodian", &id, 10, &bytes[10..])
            .unwrap_err(),
        vault.cancel_upload("other-custodian", &id).unwrap_err(),
        vault
            .finish_upload("other-custodian", &id, &())
            .unwrap_err(),
    ];
    for error in &errors {
        assert!(no_upload(error, &id), "{error:?}");
    }
    // Ids that are not an upload's are refused the same way, and never reach a file.
    for bad in ["../../keys/master", &id.to_uppercase(), "", "0"] {
        let refused = vault.upload("custodian", bad).unwrap_err();
        assert!(no_upload(&refused, bad), "{bad}: {refused:?}");
    }
    // The sender's upload is untouched.
    assert_eq!(vault.upload("custodian", &id).unwrap().offset, 10);
}

#[test]
fn an_abandoned_upload_expires_and_its_sender_is_told() {
    let mut v = parties();
    let bytes = content(600);
    let old = v
        .as_user("custodian")
        .begin_upload("old.txt", &bytes)
        .unwrap()
        .id;
    v.vault
        .append_upload("custodian", &old, 0, &bytes[..300])
        .unwrap();
    let recent = v
        .as_user("custodian")
        .begin_upload("recent.txt", &bytes)
        .unwrap()
        .id;
    // Seven days without a chunk (the default) is abandoned; six is not.
    v.age_upload(&old, 8);
    v.age_upload(&recent, 6);
    // Past its period, the upload is refused even where nothing may be removed (a reading
    // handle): nothing more is added to it.
    let reader = v.vault.reader().unwrap();
    let refused = reader.upload("custodian", &old).unwrap_err();
    assert!(
        matches!(&refused, VaultError::Invalid(m) if m.contains("expired")),
        "{refused:?}"
    );
    let before = v.log_size();
    let expired = v.vault.expire_uploads().unwrap();
    let ids: Vec<&str> = expired.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [old.as_str()]);
    // The expiry is in the custody log: which upload, its last activity, what had arrived.
    assert_eq!(v.log_size(), before + 1);
    let details = v.assert_logged(before, "upload_expire", support::ADMIN, None);
    assert_eq!(details["upload"], old.as_str());
    assert_eq!(details["received"], 300);
    assert_eq!(details["expiry_days"], 7);
    assert_eq!(details["last_activity"], expired[0].last_activity.as_str());
    assert!(expired[0].last_activity.as_str() < custodia_vault::custody::now().as_str());
    for refused in [
        v.vault.upload("custodian", &old).unwrap_err(),
        v.vault
            .append_upload("custodian", &old, 300, &bytes[300..])
            .unwrap_err(),
        v.vault.finish_upload("custodian", &old, &()).unwrap_err(),
    ] {
        assert!(
            matches!(&refused, VaultError::Invalid(m) if m.contains("expired") && m.contains("7 day")),
            "{refused:?}"
        );
    }
    // Expiry is quiet on the second pass, and the other upload goes on to the end.
    assert!(v.vault.expire_uploads().unwrap().is_empty());
    let state = v.vault.upload("custodian", &recent).unwrap();
    assert!(state.expires_at.as_str() > custodia_vault::custody::now().as_str());
    v.vault
        .append_upload("custodian", &recent, 0, &bytes)
        .unwrap();
    let report = v.vault.finish_upload("custodian", &recent, &()).unwrap();
    assert_eq!(report.items.len(), 1);
}

#[test]
fn a_stale_upload_expires_when_touched() {
    let mut v = parties();
    let bytes = content(100);
    let id = v
        .as_user("custodian")
        .begin_upload("stale.txt", &bytes)
        .unwrap()
        .id;
    v.age_upload(&id, 30);
    // No sweep ran: the next chunk finds it expired rather than adding to it.
    let refused = v
        .vault
        .append_upload("custodian", &id, 0, &bytes)
        .unwrap_err();
    assert!(
        matches!(&refused, VaultError::Invalid(m) if m.contains("expired")),
        "{refused:?}"
    );
}

#[test]
fn an_uploaded_archive_is_expanded_into_its_members() {
    let mut v = parties();
    let mut zip = Vec::new();
    {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(&mut zip));
        let options = zip::write::SimpleFileOptions::default();
        writer.start_file("one.txt", options).unwrap();
        std::io::Write::write_all(&mut writer, b"first member").unwrap();
        writer.start_file("two.txt", options).unwrap();
        std::io::Write::write_all(&mut writer, b"second member").unwrap();
        writer.finish().unwrap();
    }
    let id = v
        .as_user("custodian")
        .begin_upload("bundle.zip", &zip)
        .unwrap()
        .id;
    v.vault.append_upload("custodian", &id, 0, &zip).unwrap();
    let report = v.vault.finish_upload("custodian", &id, &()).unwrap();
    let mut members: Vec<(String, Option<String>)> = report
        .items
        .iter()
        .map(|i| (i.sha256.clone(), i.parent.clone()))
        .collect();
    members.sort();
    let archive = hash_of(&zip).to_hex();
    let mut expected = vec![
        (archive.clone(), None),
        (hash_of(b"first member").to_hex(), Some(archive.clone())),
        (hash_of(b"second member").to_hex(), Some(archive.clone())),
    ];
    expected.sort();
    assert_eq!(members, expected);
    let first = hash_of(b"first member");
    assert!(v.item_actions(&first).contains(&"ingest".to_owned()));
}
