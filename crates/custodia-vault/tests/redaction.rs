//! Redaction through the vault: a derived item that burns what was named, logged and linked to
//! its original; who may redact; what a recipient gets (the redacted copy, never the original,
//! nor a size that tells what was burnt); and a derivative that answers to its original's
//! regime and consents.

mod support;

use custodia_vault::custodia_access::Regime;
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::redact::{RedactionSpec, Region, REDACTED_PREFIX, TEXT_MASK};
use custodia_vault::VaultError;
use serde_json::json;
use support::{is_missing, listed, Action, TestVault, ADMIN};

const NL: &str = "Netherlands Public Prosecution Service";
const WITNESS: &str = "Khalida Haji Murad";

fn parties() -> TestVault {
    let mut v = TestVault::new();
    v.authority(NL, true)
        .requester("prosecutor-nl", NL)
        .liaison("liaison-a", "Government A")
        .custodian("custodian")
        .auditor("auditor")
        .administrator("accounts")
        .analyst("analyst", &["C-1"]);
    v
}

fn statement_text(name: &str) -> String {
    format!("Statement of {name}, born 1994 in Kocho. {name} saw the convoy leave at dawn.\n")
}

fn statement(v: &mut TestVault, regime: Regime) -> ContentHash {
    v.item("statement-w17.txt", statement_text(WITNESS))
        .from("Government A")
        .regime(regime)
        .case("C-1")
        .store()
}

#[test]
fn a_redaction_is_a_new_logged_item_linked_to_its_original() {
    let mut v = parties();
    let original = statement(&mut v, Regime::Consent);
    let before = v.log_size();
    let redacted = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness")
        .unwrap();
    assert_eq!(redacted.parent, original.to_hex());
    assert_ne!(redacted.sha256, original.to_hex());
    assert_eq!(redacted.redactions, 2);
    assert_eq!(redacted.method, "text-replace");
    assert_eq!(redacted.mime, "text/plain");
    let derived: ContentHash = redacted.sha256.parse().unwrap();

    // One `redact` entry on the derived item per submission of the original.
    assert_eq!(v.actions_since(before), ["redact"]);
    assert_eq!(redacted.ledger_indexes, [before]);
    let details = v.assert_logged(before, "redact", "custodian", Some(&derived));
    assert!(
        details.to_string().contains("protected witness"),
        "{details}"
    );
    assert_eq!(v.item_actions(&derived), ["redact"]);
    assert!(!v.item_actions(&original).contains(&"redact".to_owned()));

    // The copy burns every occurrence, and only what was named.
    let text = String::from_utf8(v.as_user("custodian").download(&derived).unwrap()).unwrap();
    assert_eq!(text, statement_text(TEXT_MASK));
    assert_eq!(redacted.size, text.len() as u64);
    // The original stays as it was.
    assert_eq!(
        v.as_user("custodian").download(&original).unwrap(),
        statement_text(WITNESS).as_bytes()
    );

    // Its provenance names the original and how it was made, for the holder.
    let view = v.vault.item_view("custodian", &derived).unwrap();
    assert_eq!(view.item.size, redacted.size);
    assert_eq!(view.submissions.len(), 1);
    let submission = &view.submissions[0];
    assert_eq!(submission.originator, "Government A");
    assert_eq!(submission.case_ref.as_deref(), Some("C-1"));
    assert_eq!(
        submission.parent_sha256.as_deref(),
        Some(original.to_hex().as_str())
    );
    assert!(submission
        .path_in_parent
        .as_deref()
        .is_some_and(|p| p.starts_with(REDACTED_PREFIX)));
    assert_eq!(
        v.vault.latest_redaction(&original.to_hex()).unwrap(),
        Some(derived.to_hex())
    );
    // The link is opened to a court by the holder's custodians only.
    let opening = v
        .vault
        .open_redaction_parent("custodian", &derived)
        .unwrap();
    assert_eq!(opening.parent_sha256, original.to_hex());
    assert!(opening.commitment.starts_with("commitment:"));
    for user in [
        "auditor",
        "analyst",
        "liaison-a",
        "accounts",
        "prosecutor-nl",
    ] {
        let refused = v.vault.open_redaction_parent(user, &derived).unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    let not_derived = v
        .vault
        .open_redaction_parent("custodian", &original)
        .unwrap_err();
    assert!(
        matches!(&not_derived, VaultError::Invalid(m) if m.contains("not a redacted derivative")),
        "{not_derived:?}"
    );
    v.assert_verifies();
}

#[test]
fn a_redaction_must_be_allowed_reasoned_and_burn_something() {
    let mut v = parties();
    let original = statement(&mut v, Regime::Consent);
    let before = v.log_size();
    // Only the holder's custodians redact, not even the item's originator.
    for user in [
        "liaison-a",
        "analyst",
        "auditor",
        "accounts",
        "prosecutor-nl",
    ] {
        let refused = v
            .as_user(user)
            .redact_text(&original, &[WITNESS], "protected witness")
            .unwrap_err();
        assert!(
            matches!(refused, VaultError::NotPermitted(_)),
            "{user}: {refused:?}"
        );
    }
    let absent = ContentHash([3; 32]);
    let missing = v
        .as_user("custodian")
        .redact_text(&absent, &[WITNESS], "protected witness")
        .unwrap_err();
    assert!(is_missing(&missing, &absent), "{missing:?}");
    for (texts, reason, words) in [
        (&[WITNESS][..], " ", "needs a reason"),
        (&[][..], "protected witness", "nothing to redact"),
        (&[""][..], "protected witness", "none of the strings"),
        (
            &["Nadia Murad"][..],
            "protected witness",
            "none of the strings",
        ),
    ] {
        let refused = v
            .as_user("custodian")
            .redact_text(&original, texts, reason)
            .unwrap_err();
        assert!(
            matches!(&refused, VaultError::Invalid(m) if m.contains(words)),
            "{texts:?}: {refused:?}"
        );
    }
    // Regions mean nothing to a text.
    let regions_only = v
        .vault
        .redact(
            "custodian",
            &original,
            &RedactionSpec {
                texts: vec![],
                regions: vec!["1:0,0,10,10".parse::<Region>().unwrap()],
                reason: "protected witness".into(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(&regions_only, VaultError::Invalid(m) if m.contains("none of the strings")),
        "{regions_only:?}"
    );
    assert_eq!(v.log_size(), before, "nothing refused is logged");

    // The same redaction made twice is one copy.
    let first = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness")
        .unwrap();
    let again = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness, again")
        .unwrap_err();
    assert!(
        matches!(&again, VaultError::Conflict(m) if m.contains(&first.sha256)),
        "{again:?}"
    );
    // A longer name is burnt whole before a shorter one inside it: the same copy again.
    let nested = v
        .as_user("custodian")
        .redact_text(&original, &["Murad", WITNESS], "protected witness")
        .unwrap_err();
    assert!(
        matches!(&nested, VaultError::Conflict(m) if m.contains(&first.sha256)),
        "{nested:?}"
    );
}

#[test]
fn the_mask_does_not_tell_the_length_of_what_it_hides() {
    let mut v = parties();
    let short = v
        .item("short.txt", statement_text("Ali"))
        .from("Government A")
        .store();
    let long = v
        .item("long.txt", statement_text("Khalida Haji Murad al-Sinjari"))
        .from("Government A")
        .store();
    let a = v
        .as_user("custodian")
        .redact_text(&short, &["Ali"], "protected witness")
        .unwrap();
    let b = v
        .as_user("custodian")
        .redact_text(
            &long,
            &["Khalida Haji Murad al-Sinjari"],
            "protected witness",
        )
        .unwrap();
    assert_eq!(a.size, b.size);
    // The same words around one mask: the same copy.
    assert_eq!(a.sha256, b.sha256);
}

/// A picture `width` × `height` with a pattern that depends on `seed`, as PNG.
fn picture(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut pixels = image::RgbImage::new(width, height);
    for (x, y, p) in pixels.enumerate_pixels_mut() {
        let v = ((x * seed + y * 3) % 256) as u8;
        *p = image::Rgb([v, v / 2, 255 - v]);
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

#[test]
fn a_redacted_picture_is_burnt_and_its_size_says_nothing() {
    let mut v = parties();
    let mut sizes = Vec::new();
    for seed in [1, 7] {
        let png = picture(120, 80, seed);
        let original = v
            .item(&format!("face-{seed}.png"), png.clone())
            .from("Government A")
            .store();
        let redacted = v
            .vault
            .redact(
                "custodian",
                &original,
                &RedactionSpec {
                    texts: vec![],
                    regions: vec!["10,10,30,20".parse().unwrap()],
                    reason: "a face".into(),
                },
            )
            .unwrap();
        assert_eq!(redacted.method, "image-burn");
        assert_eq!(redacted.mime, "image/png");
        assert_eq!(redacted.redactions, 1);
        let derived: ContentHash = redacted.sha256.parse().unwrap();
        let bytes = v.as_user("custodian").download(&derived).unwrap();
        let burnt = image::load_from_memory(&bytes).unwrap().to_rgba8();
        assert_eq!(burnt.dimensions(), (120, 80));
        assert_eq!(burnt.get_pixel(20, 20).0, [0, 0, 0, 255], "inside");
        let untouched = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(
            burnt.get_pixel(60, 60),
            untouched.get_pixel(60, 60),
            "outside"
        );
        sizes.push((png.len(), bytes.len()));
    }
    assert_ne!(sizes[0].0, sizes[1].0, "the originals differ in size");
    assert_eq!(sizes[0].1, sizes[1].1, "their redacted copies do not");
}

#[test]
fn a_recipient_gets_the_redacted_copy_and_never_the_original() {
    let mut v = parties();
    let original = statement(&mut v, Regime::Consent);
    v.consent(
        "liaison-a",
        &[original],
        NL,
        true,
        json!([{"kind": "redact_protected_witnesses"}]),
    )
    .unwrap();
    // Not redacted yet: nothing goes, and nothing is logged.
    let before = v.log_size();
    let refused = v.package(&[original], NL).unwrap_err();
    assert!(
        matches!(&refused, VaultError::Invalid(m) if m.contains("redact")),
        "{refused:?}"
    );
    assert_eq!(v.log_size(), before);

    let redacted = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness")
        .unwrap();
    let derived: ContentHash = redacted.sha256.parse().unwrap();
    let receipt = v.package(&[original], NL).unwrap();
    assert_eq!(receipt.items.len(), 1);
    assert_eq!(receipt.items[0].sha256, derived.to_hex());
    // The release is logged on the copy that left, not on the original.
    v.assert_logged(receipt.release_entries[0], "release", ADMIN, Some(&derived));
    assert!(!v.item_actions(&original).contains(&"release".to_owned()));

    // The state reads the copy, and the original is to it as if it did not exist.
    let text = v.as_user("prosecutor-nl").download(&derived).unwrap();
    assert!(!String::from_utf8_lossy(&text).contains(WITNESS));
    for action in [
        Action::ViewMetadata,
        Action::ViewContent,
        Action::ViewHistory,
    ] {
        let hidden = v
            .as_user("prosecutor-nl")
            .may(action, &original)
            .unwrap_err();
        assert!(is_missing(&hidden, &original), "{action:?}: {hidden:?}");
    }
    let hidden = v.as_user("prosecutor-nl").download(&original).unwrap_err();
    assert!(is_missing(&hidden, &original), "{hidden:?}");
    assert_eq!(
        v.as_user("prosecutor-nl").visible_items(),
        [derived.to_hex()]
    );
    // Nothing the state may read of the copy names the original.
    let sha = original.to_hex();
    let view = v.vault.item_view("prosecutor-nl", &derived).unwrap();
    assert!(!format!("{view:?}").contains(&sha), "{view:?}");
    let history = v.as_user("prosecutor-nl").history(&derived).unwrap();
    assert!(!history.is_empty());
    for entry in &history {
        assert!(!entry.details.contains(&sha), "{entry:?}");
    }
    let activity = v.vault.recent_activity("prosecutor-nl", 100).unwrap();
    for entry in &activity {
        assert!(
            entry.item.as_deref() != Some(sha.as_str()) && !entry.details.contains(&sha),
            "{entry:?}"
        );
    }
}

#[test]
fn a_request_released_redacted_lists_only_the_copy_to_its_state() {
    let mut v = parties();
    let original = statement(&mut v, Regime::Consent);
    let id = v.as_user("prosecutor-nl").file_request(NL).unwrap().id;
    v.as_user("custodian").scope(&id, &[original]).unwrap();
    v.as_user("liaison-a")
        .grant(&id, None, json!([{"kind": "redact_protected_witnesses"}]))
        .unwrap();
    let redacted = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness")
        .unwrap();
    let (_, receipt) = v.as_user("custodian").finalise(&id).unwrap();
    assert_eq!(receipt.items[0].sha256, redacted.sha256);
    // The state learns what it received; the original's hash would let it test guesses of
    // the burnt name against it, as the package's own commitment to the original says.
    let view = v.as_user("prosecutor-nl").request(&id).unwrap();
    assert_eq!(view.state, "finalised");
    assert!(
        !listed(&view).contains(&original.to_hex()),
        "the request view names the original: {:?}",
        view.items
    );
}

#[test]
fn a_redacted_copy_answers_to_its_originals_regime_and_consents() {
    let mut v = parties();
    let restricted = v
        .item("source.txt", statement_text(WITNESS))
        .from("Government A")
        .regime(Regime::Restricted)
        .case("C-1")
        .store();
    let copy: ContentHash = v
        .as_user("custodian")
        .redact_text(&restricted, &[WITNESS], "protected witness")
        .unwrap()
        .sha256
        .parse()
        .unwrap();
    // Restricted like its original: the case's analyst does not see it, nobody receives it.
    let hidden = v.as_user("analyst").download(&copy).unwrap_err();
    assert!(is_missing(&hidden, &copy), "{hidden:?}");
    assert!(v.releasable_to(&copy, NL).is_err());

    // Opened by its originator, the original and its copy go under the original's consent.
    v.set_regime("liaison-a", &restricted, None, Regime::Consent)
        .unwrap();
    assert!(v.as_user("analyst").may(Action::ViewContent, &copy).is_ok());
    assert!(v.releasable_to(&copy, NL).is_err());
    v.consent("liaison-a", &[restricted], NL, true, json!([]))
        .unwrap();
    assert!(v.releasable_to(&restricted, NL).is_ok());
    assert!(v.releasable_to(&copy, NL).is_ok());
    // A refusal of the original holds the copy back too.
    v.consent("liaison-a", &[restricted], NL, false, json!([]))
        .unwrap();
    assert!(v.releasable_to(&copy, NL).is_err());
}

#[test]
fn a_redacted_copy_has_its_originals_regime_shown_and_applied() {
    let mut v = parties();
    let original = statement(&mut v, Regime::Consent);
    v.consent("liaison-a", &[original], NL, true, json!([]))
        .unwrap();
    let copy: ContentHash = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness")
        .unwrap()
        .sha256
        .parse()
        .unwrap();
    assert!(v.releasable_to(&copy, NL).is_ok());
    // The copy's own regime is never set: one rule, its original's, for what is shown and
    // what the policy applies.
    let refused = v
        .set_regime("custodian", &copy, None, Regime::Restricted)
        .unwrap_err();
    assert!(
        refused.to_string().contains("redacted derivative"),
        "{refused}"
    );
    assert!(v.releasable_to(&copy, NL).is_ok());
    // Restricting the original restricts the copy, and the copy shows it.
    v.set_regime("custodian", &original, None, Regime::Restricted)
        .unwrap();
    let view = v.vault.item_view("custodian", &copy).unwrap();
    assert_eq!(view.regimes.submissions[0].regime, Regime::Restricted);
    let refused = v.releasable_to(&copy, NL).unwrap_err();
    assert!(matches!(refused, VaultError::Denied { .. }), "{refused:?}");
    assert!(v.package(&[copy], NL).is_err());
}

#[test]
fn restricting_an_original_takes_its_redacted_copy_out_of_search_too() {
    use custodia_vault::custodia_search::Sort;
    use custodia_vault::ExtractOptions;
    let mut v = parties();
    let original = statement(&mut v, Regime::Consent);
    let copy: ContentHash = v
        .as_user("custodian")
        .redact_text(&original, &[WITNESS], "protected witness")
        .unwrap()
        .sha256
        .parse()
        .unwrap();
    v.vault
        .extract_pending(&ExtractOptions::default(), ADMIN)
        .unwrap();
    let found = |v: &mut support::TestVault| -> Vec<String> {
        let report = v
            .vault
            .search("analyst", "convoy", 10, Sort::Relevance)
            .unwrap();
        assert_eq!(report.results.total as usize, report.results.hits.len());
        report.results.hits.into_iter().map(|h| h.item).collect()
    };
    let mut before = found(&mut v);
    before.sort();
    let mut both = vec![original.to_hex(), copy.to_hex()];
    both.sort();
    assert_eq!(
        before, both,
        "the case's analyst finds the statement and its copy"
    );
    // Restricted by the custodian: neither the original nor its copy is found any more, nor
    // counted, though the copy's own regime was never set.
    v.set_regime("custodian", &original, None, Regime::Restricted)
        .unwrap();
    assert!(v
        .as_user("analyst")
        .may(Action::ViewContent, &copy)
        .is_err());
    assert_eq!(found(&mut v), Vec::<String>::new());
}
