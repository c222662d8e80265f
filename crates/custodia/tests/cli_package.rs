//! Disclosure packages end to end: built through the CLI under the sharing policy, checked by
//! the standalone `custodia-verify`, and tampered with in many ways, each caught and named.

mod support;

use std::fs;
use std::path::PathBuf;
use std::process::Command as StdCommand;

use serde_json::Value;
use support::package::{copy_dir, faults, verifier, verify};
use support::TestVault;

const NL: &str = "Netherlands Public Prosecution Service";

/// A vault with three originators' material: Government A (consent), NGO B (open) and
/// Government C (restricted); a liaison for A, an approved requester organisation, a requester.
struct Scenario {
    vault: TestVault,
    consent_items: Vec<String>,
    open_item: String,
    restricted_item: String,
    vkey_file: PathBuf,
}

fn scenario() -> Scenario {
    let vault = TestVault::new();
    let a = vault.folder("government-a");
    fs::write(a.join("register.txt"), "prison register, page 1").unwrap();
    fs::write(a.join("statement.txt"), "witness statement W-17").unwrap();
    let b = vault.folder("ngo-b");
    fs::write(b.join("photo.jpg"), "photo of a mass grave").unwrap();
    let c = vault.folder("government-c");
    fs::write(c.join("intercept.txt"), "intercepted call").unwrap();
    let hashes = |report: &Value| -> Vec<String> {
        let mut list: Vec<String> = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["sha256"].as_str().unwrap().to_owned())
            .collect();
        list.sort();
        list
    };
    let consent_items = hashes(&vault.ingest(&[&a], "Government A", &["--regime", "consent"]));
    let open_item = hashes(&vault.ingest(&[&b], "NGO B", &["--regime", "open"]))[0].clone();
    let restricted_item =
        hashes(&vault.ingest(&[&c], "Government C", &["--regime", "restricted"]))[0].clone();
    vault.ok([
        "org",
        "add",
        NL,
        "--kind",
        "requesting_authority",
        "--approved-requester",
    ]);
    vault.ok(["org", "add", "State X", "--kind", "requesting_authority"]);
    vault.ok([
        "user",
        "add",
        "liaison-a",
        "--org",
        "Government A",
        "--role",
        "originator_liaison",
    ]);
    vault.ok([
        "user",
        "add",
        "prosecutor",
        "--org",
        NL,
        "--role",
        "requester",
    ]);
    let vkey = vault.ok(["log", "public-key"])["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    let vkey_file = vault.tmp.path().join("holder.vkey");
    fs::write(&vkey_file, format!("{vkey}\n")).unwrap();
    Scenario {
        vault,
        consent_items,
        open_item,
        restricted_item,
        vkey_file,
    }
}

fn log_size(vault: &TestVault) -> u64 {
    vault.ok(["log", "checkpoint"])["tree_size"]
        .as_u64()
        .unwrap()
}

#[test]
fn nothing_leaves_without_the_policy_and_nothing_is_logged_when_refused() {
    let s = scenario();
    let v = &s.vault;
    let out = v.tmp.path().join("refused");
    let before = log_size(v);
    // A consent item with no consent, a restricted item, an open item to no approved recipient.
    for (items, recipient) in [
        (vec![s.consent_items[0].as_str()], Some(NL)),
        (vec![s.restricted_item.as_str()], Some(NL)),
        (
            vec![s.open_item.as_str(), s.consent_items[1].as_str()],
            Some(NL),
        ),
        (vec![s.open_item.as_str()], Some("State X")),
        (vec![s.consent_items[0].as_str()], None),
    ] {
        let mut args = vec!["package", "build"];
        args.extend(items.iter().copied());
        args.extend(["--out", out.to_str().unwrap()]);
        if let Some(r) = recipient {
            args.extend(["--for", r]);
        }
        let error = v.run(&args).failed();
        assert!(error["error"].is_string(), "{error}");
        assert!(
            !out.exists(),
            "a refused package left files behind: {args:?}"
        );
    }
    // Nobody but the holder's custodians builds packages, even of open items.
    let error = v
        .run([
            "--as",
            "prosecutor",
            "package",
            "build",
            &s.open_item,
            "--out",
            out.to_str().unwrap(),
            "--for",
            NL,
        ])
        .failed();
    assert!(
        error["error"].as_str().unwrap().contains("custodian"),
        "{error}"
    );
    assert!(!out.exists());
    // Restricted items look like missing ones to whoever may not know of them: the error
    // is the same as for an item that does not exist.
    let missing = "0".repeat(64);
    let as_prosecutor = |sha: &str| {
        v.run(["--as", "prosecutor", "show", sha]).failed()["error"]
            .as_str()
            .unwrap()
            .replace(sha, "<item>")
    };
    assert_eq!(as_prosecutor(&s.restricted_item), as_prosecutor(&missing));
    // Every refusal above left the custody log as it was, except for the checkpoints asked for.
    assert_eq!(
        log_size(v),
        before,
        "a refused package wrote to the custody log"
    );
}

#[test]
fn a_package_verifies_offline_and_every_kind_of_tampering_is_caught() {
    let s = scenario();
    let v = &s.vault;
    // Government A's liaison consents to one of its items going to NL, with conditions.
    let conditions = v.tmp.path().join("conditions.json");
    fs::write(
        &conditions,
        r#"[{"kind":"no_death_penalty"},{"kind":"limited_use","case":"NL-2026-17"}]"#,
    )
    .unwrap();
    v.ok([
        "--as",
        "liaison-a",
        "consent",
        "grant",
        &s.consent_items[0],
        "--to",
        NL,
        "--conditions",
        conditions.to_str().unwrap(),
    ]);
    let package_conditions = v.tmp.path().join("package-conditions.json");
    fs::write(&package_conditions, r#"[{"kind":"return_or_destroy"}]"#).unwrap();
    let package = v.tmp.path().join("package");
    let built = v.ok([
        "package",
        "build",
        &s.consent_items[0],
        &s.open_item,
        "--out",
        package.to_str().unwrap(),
        "--for",
        NL,
        "--purpose",
        "RFA 2026/17",
        "--conditions",
        package_conditions.to_str().unwrap(),
    ]);
    assert_eq!(built["items"].as_array().unwrap().len(), 2, "{built}");
    assert_eq!(built["release_entries"].as_array().unwrap().len(), 2);
    // The release is in each item's history.
    let history = v.history(&s.consent_items[0]);
    assert!(history.to_string().contains("release"), "{history}");

    let key = s.vkey_file.to_str().unwrap();
    let good = verify(&package, &["--key", key]);
    assert_eq!(good.code, 0, "{:#}", good.report);
    assert_eq!(good.report["ok"], true);
    assert_eq!(good.report["key"]["source"], "supplied");
    assert_eq!(good.report["recipient"], NL);
    // The consent's conditions travel with the item they bind, beside the package's own.
    let item = good.report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sha256"] == s.consent_items[0].as_str())
        .unwrap();
    let kinds: Vec<&str> = item["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"no_death_penalty")
            && kinds.contains(&"limited_use")
            && kinds.contains(&"return_or_destroy"),
        "{kinds:?}"
    );
    // Without a key, the package's own is used, and the report says so.
    let own = verify(&package, &[]);
    assert_eq!(own.code, 0);
    assert_eq!(own.report["key"]["source"], "package");
    // The human report says what was verified.
    let human = StdCommand::new(verifier())
        .arg(&package)
        .args(["--key", key])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.status.success() && text.contains("VERIFIED"),
        "{text}"
    );
    assert!(text.contains("death penalty"), "{text}");

    support::package::assert_tampering_caught(
        &package,
        v.tmp.path(),
        key,
        &s.consent_items[0],
        &s.open_item,
        "no_death_penalty",
    );

    // The key inside the package swapped for another: named, with or without a supplied key.
    let swapped = v.tmp.path().join("swapped");
    copy_dir(&package, &swapped);
    let forger = TestVault::new();
    let forger_key = forger.ok(["log", "public-key"])["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    fs::write(
        swapped.join("custodia/holder.vkey"),
        format!("{forger_key}\n"),
    )
    .unwrap();
    support::package::reseal_tag_manifest(&swapped);
    for args in [&["--key", key][..], &[][..]] {
        let result = verify(&swapped, args);
        assert_eq!(result.code, 1, "{args:?}: {:#}", result.report);
        assert!(
            faults(&result.report)
                .iter()
                .any(|(f, _)| f == "custodia/holder.vkey" || f == "custodia/checkpoint.txt"),
            "{args:?}: {:?}",
            faults(&result.report)
        );
    }

    // A whole package made by someone else, consistent in itself: only the holder's key,
    // obtained independently, tells it apart.
    let forged_source = forger.folder("forged");
    fs::write(forged_source.join("photo.jpg"), "photo of a mass grave").unwrap();
    let forged_item = forger.ingest(&[&forged_source], "NGO B", &["--regime", "open"])["items"][0]
        ["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged = v.tmp.path().join("forged");
    forger.ok([
        "package",
        "build",
        &forged_item,
        "--out",
        forged.to_str().unwrap(),
    ]);
    assert_eq!(
        verify(&forged, &[]).code,
        0,
        "a forger's package is whole in itself"
    );
    let result = verify(&forged, &["--key", key]);
    assert_eq!(result.code, 1, "{:#}", result.report);
    assert!(faults(&result.report)
        .iter()
        .any(|(f, _)| f == "custodia/checkpoint.txt"));
    assert_eq!(result.report["key"]["package_key_matches"], false);
}

#[test]
fn zip_packages_and_newer_checkpoints_verify() {
    let s = scenario();
    let v = &s.vault;
    let zip = v.tmp.path().join("package.zip");
    v.ok([
        "package",
        "build",
        &s.open_item,
        "--out",
        zip.to_str().unwrap(),
        "--zip",
        "--for",
        NL,
    ]);
    assert!(zip.is_file());
    let key = s.vkey_file.to_str().unwrap();
    let good = verify(&zip, &["--key", key]);
    assert_eq!(good.code, 0, "{:#}", good.report);
    let size = good.report["checkpoint"]["tree_size"].as_u64().unwrap();

    // A flipped byte inside the ZIP's payload is caught.
    let mut bytes = fs::read(&zip).unwrap();
    let needle = b"photo of a mass grave";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    bytes[at] ^= 0x20;
    let tampered = v.tmp.path().join("tampered.zip");
    fs::write(&tampered, bytes).unwrap();
    let bad = verify(&tampered, &["--key", key]);
    assert_eq!(bad.code, 1, "{:#}", bad.report);

    // The log grows; the holder's newer checkpoint is proven consistent with the package's.
    let out = v.tmp.path().join("copy");
    v.ok([
        "get",
        &s.open_item,
        "--out",
        out.to_str().unwrap(),
        "--reason",
        "court exhibit",
    ]);
    let newer = v.ok(["log", "checkpoint"]);
    let newer_size = newer["tree_size"].as_u64().unwrap();
    assert!(newer_size > size);
    let checkpoint_file = v.tmp.path().join("newer.checkpoint");
    fs::write(&checkpoint_file, newer["checkpoint"].as_str().unwrap()).unwrap();
    let proof = v.ok([
        "log",
        "consistency",
        "--from",
        &size.to_string(),
        "--to",
        &newer_size.to_string(),
    ]);
    let proof_file = v.tmp.path().join("consistency.json");
    fs::write(&proof_file, proof.to_string()).unwrap();
    let args = [
        "--key",
        key,
        "--newer-checkpoint",
        checkpoint_file.to_str().unwrap(),
        "--consistency-proof",
        proof_file.to_str().unwrap(),
    ];
    let consistent = verify(&zip, &args);
    assert_eq!(consistent.code, 0, "{:#}", consistent.report);
    assert_eq!(consistent.report["newer_checkpoint"]["consistent"], true);

    // A proof that does not lead to the newer root is refused.
    let mut broken = proof.clone();
    broken["proof"][0] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    fs::write(&proof_file, broken.to_string()).unwrap();
    let refused = verify(&zip, &args);
    assert_eq!(refused.code, 1, "{:#}", refused.report);
    assert!(faults(&refused.report)
        .iter()
        .any(|(f, _)| f == "--consistency-proof"));

    // Not a package at all: exit status 2 and a message naming the input.
    let junk = v.tmp.path().join("junk.bin");
    fs::write(&junk, b"not a zip").unwrap();
    let out = StdCommand::new(verifier())
        .arg(&junk)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("junk.bin"),
        "{error}"
    );
}
