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
    // Trusting the package's own key is an explicit choice, and the report says so.
    let own = verify(&package, &["--trust-package-key"]);
    assert_eq!(own.code, 0, "{:#}", own.report);
    assert_eq!(own.report["key"]["source"], "package");
    assert_eq!(own.report["key"]["trusted"], true);
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
    for args in [&["--key", key][..], &["--trust-package-key"][..]] {
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
        verify(&forged, &["--trust-package-key"]).code,
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

/// A package for NL of a consented item, under the consent's conditions and one of the
/// package's own, and of an open item; as a directory, or a ZIP file `package.zip`.
fn conditioned_package(s: &Scenario, zip: bool) -> PathBuf {
    let v = &s.vault;
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
    let package = v
        .tmp
        .path()
        .join(if zip { "package.zip" } else { "package" });
    let mut args = vec![
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
    ];
    if zip {
        args.push("--zip");
    }
    v.ok(args);
    let good = verify(&package, &["--key", s.vkey_file.to_str().unwrap()]);
    assert_eq!(good.code, 0, "{:#}", good.report);
    package
}

/// Copies the directory `package`, lets `forge` change the copy, rewrites the tag manifest as a
/// forger would, and verifies the copy with the holder's key.
fn forge(s: &Scenario, package: &std::path::Path, forge: &dyn Fn(&std::path::Path)) -> Value {
    let copy = s.vault.tmp.path().join("forged-copy");
    copy_dir(package, &copy);
    forge(&copy);
    support::package::reseal_tag_manifest(&copy);
    let result = verify(&copy, &["--key", s.vkey_file.to_str().unwrap()]);
    assert_eq!(
        result.code, 1,
        "the forgery was not caught: {:#}",
        result.report
    );
    assert_eq!(result.report["ok"], false);
    result.report
}

/// The report holds a fault of `kind` naming `file`.
fn assert_fault(report: &Value, kind: &str, file: &str) {
    let found: Vec<&Value> = report["faults"].as_array().unwrap().iter().collect();
    assert!(
        found
            .iter()
            .any(|f| f["kind"] == kind && f["file"].as_str().unwrap().starts_with(file)),
        "no `{kind}` fault naming {file}: {found:#?}"
    );
}

fn edit_json(path: &std::path::Path, change: &dyn Fn(&mut Value)) {
    let mut value: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    change(&mut value);
    fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
}

#[test]
fn a_forged_provenance_is_refused() {
    let s = scenario();
    let package = conditioned_package(&s, false);
    let metadata = format!("custodia/items/{}.json", s.consent_items[0]);
    // Another originator and collector claimed for the item, the cover sheet made to agree.
    let report = forge(&s, &package, &|d| {
        edit_json(&d.join(&metadata), &|m| {
            m["provenance"][0]["originator"] = "NGO B".into();
            m["provenance"][0]["collected_by"] = "an NGO B investigator".into();
        });
        let cover = fs::read_to_string(d.join("cover.html")).unwrap();
        fs::write(
            d.join("cover.html"),
            cover.replacen("Government A", "NGO B", 1),
        )
        .unwrap();
    });
    assert_fault(&report, "provenance_not_as_released", &metadata);
}

#[test]
fn a_forged_holder_is_refused() {
    let s = scenario();
    let package = conditioned_package(&s, false);
    let report = forge(&s, &package, &|d| {
        edit_json(&d.join("custodia/package.json"), &|m| {
            m["holder"] = "International Criminal Court".into();
        });
    });
    assert_fault(&report, "holder_not_as_released", "custodia/package.json");
    // bag-info.txt names the holder too, for BagIt tools: it is held to the same.
    let report = forge(&s, &package, &|d| {
        let info = fs::read_to_string(d.join("bag-info.txt")).unwrap();
        let forged: String = info
            .lines()
            .map(|l| {
                if l.starts_with("Source-Organization:") {
                    "Source-Organization: International Criminal Court\n".to_owned()
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        fs::write(d.join("bag-info.txt"), forged).unwrap();
    });
    assert_fault(&report, "bag_info_not_as_released", "bag-info.txt");
}

#[test]
fn forged_package_conditions_are_refused() {
    let s = scenario();
    let package = conditioned_package(&s, false);
    // The package's own condition struck from its description (the items' lists untouched).
    let report = forge(&s, &package, &|d| {
        edit_json(&d.join("custodia/package.json"), &|m| {
            m["conditions"] = serde_json::json!([]);
        });
    });
    assert_fault(
        &report,
        "conditions_not_as_released",
        "custodia/package.json",
    );
    // A condition added to the package's description.
    let report = forge(&s, &package, &|d| {
        edit_json(&d.join("custodia/package.json"), &|m| {
            m["conditions"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"kind": "free_text", "text": "may be published"}));
        });
    });
    assert_fault(
        &report,
        "conditions_not_as_released",
        "custodia/package.json",
    );
}

#[test]
fn a_forged_cover_sheet_is_refused() {
    let s = scenario();
    let package = conditioned_package(&s, false);
    let cover = fs::read_to_string(package.join("cover.html")).unwrap();
    let condition = "Not for use in proceedings that can impose the death penalty";
    assert!(cover.contains(condition), "{cover}");
    // The JSON files untouched; the sheet people read says the condition is gone.
    let report = forge(&s, &package, &|d| {
        fs::write(
            d.join("cover.html"),
            cover.replace(condition, "No restriction"),
        )
        .unwrap();
    });
    assert_fault(&report, "cover_sheet_not_as_released", "cover.html");
    let faults = report["faults"].as_array().unwrap();
    assert_eq!(faults.len(), 1, "{faults:#?}");
    assert!(
        faults[0]["problem"]
            .as_str()
            .unwrap()
            .contains("No restriction"),
        "{faults:#?}"
    );
}

/// The offsets of every occurrence of `needle` in `bytes`.
fn occurrences(bytes: &[u8], needle: &[u8]) -> Vec<usize> {
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(at, _)| at)
        .collect()
}

#[test]
fn a_zip_with_two_members_of_one_name_is_refused() {
    let s = scenario();
    let zip = conditioned_package(&s, true);
    let mut bytes = fs::read(&zip).unwrap();
    // The open item's metadata renamed as the consented item's, in its local header and its
    // central directory entry: two members of one name, each reader free to take either.
    let (kept, renamed) = (
        format!("package/custodia/items/{}.json", s.consent_items[0]),
        format!("package/custodia/items/{}.json", s.open_item),
    );
    let at = occurrences(&bytes, renamed.as_bytes());
    assert_eq!(
        at.len(),
        2,
        "the name is in a local header and a central entry"
    );
    for at in at {
        bytes[at..at + kept.len()].copy_from_slice(kept.as_bytes());
    }
    let forged = s.vault.tmp.path().join("duplicate.zip");
    fs::write(&forged, bytes).unwrap();
    let result = verify(&forged, &["--key", s.vkey_file.to_str().unwrap()]);
    assert_eq!(result.code, 1, "{:#}", result.report);
    assert_fault(
        &result.report,
        "zip_duplicate_member",
        &kept["package/".len()..],
    );
}

#[test]
fn a_zip_whose_local_and_central_headers_disagree_is_refused() {
    let s = scenario();
    let zip = conditioned_package(&s, true);
    let good = fs::read(&zip).unwrap();
    let name = b"package/cover.html";
    let local = occurrences(&good, name)[0];
    // Local header: signature, versions, flags, method at +8, CRC-32 at +14, sizes at +18 and
    // +22, then the name at +30.
    let header = local - 30;
    assert_eq!(&good[header..header + 4], b"PK\x03\x04");
    type Damage<'a> = Box<dyn Fn(&mut Vec<u8>) + 'a>;
    let variants: [(&str, Damage<'_>); 3] = [
        ("name", Box::new(|b| b[local + name.len() - 1] = b'x')),
        ("CRC-32", Box::new(|b| b[header + 14] ^= 0xff)),
        ("size", Box::new(|b| b[header + 22] ^= 0x01)),
    ];
    for (what, change) in variants {
        let mut bytes = good.clone();
        change(&mut bytes);
        let forged = s.vault.tmp.path().join("mismatch.zip");
        fs::write(&forged, bytes).unwrap();
        let result = verify(&forged, &["--key", s.vkey_file.to_str().unwrap()]);
        assert_eq!(result.code, 1, "{what}: {:#}", result.report);
        assert_fault(&result.report, "zip_header_mismatch", "cover.html");
    }
}

#[test]
fn a_package_key_nobody_trusted_does_not_verify() {
    let s = scenario();
    let package = conditioned_package(&s, false);
    // No key supplied: the signature is checked only against the package's own key, which
    // whoever made the package chose. Not verified, and said so.
    let untrusted = verify(&package, &[]);
    assert_eq!(untrusted.code, 1, "{:#}", untrusted.report);
    assert_eq!(untrusted.report["ok"], false);
    assert_eq!(untrusted.report["key"]["source"], "package");
    assert_eq!(untrusted.report["key"]["trusted"], false);
    assert_fault(&untrusted.report, "key_not_trusted", "custodia/holder.vkey");
    assert_eq!(untrusted.report["faults"].as_array().unwrap().len(), 1);
    let human = StdCommand::new(verifier()).arg(&package).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{text}");
    assert!(
        text.contains("signature not checked against a trusted key") && !text.contains("VERIFIED."),
        "{text}"
    );
    // The explicit choice to trust it, or the holder's key supplied: verified.
    let trusted = verify(&package, &["--trust-package-key"]);
    assert_eq!(trusted.code, 0, "{:#}", trusted.report);
    assert_eq!(trusted.report["key"]["trusted"], true);
    let supplied = verify(&package, &["--key", s.vkey_file.to_str().unwrap()]);
    assert_eq!(supplied.code, 0, "{:#}", supplied.report);
    assert_eq!(supplied.report["key"]["trusted"], true);
    // Both at once is a contradiction, refused as a usage error.
    let both = StdCommand::new(verifier())
        .arg(&package)
        .args(["--json", "--trust-package-key", "--key"])
        .arg(&s.vkey_file)
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&both.stdout).unwrap();
    assert_eq!(error["ok"], false);
}

#[test]
fn release_entries_commit_to_provenance_without_showing_it() {
    let s = scenario();
    let package = conditioned_package(&s, false);
    let metadata: Value = serde_json::from_slice(
        &fs::read(package.join(format!("custodia/items/{}.json", s.consent_items[0]))).unwrap(),
    )
    .unwrap();
    let name = metadata["provenance"][0]["original_name"]
        .as_str()
        .unwrap()
        .to_owned();
    // The item's history (shown, trimmed, to others than the recipient, such as an originator's
    // liaison) holds the release with digests of the claims, not the claims.
    let history = s.vault.history(&s.consent_items[0]).to_string();
    assert!(history.contains("release"), "{history}");
    assert!(history.contains("claims"), "{history}");
    let releases: Vec<&str> = history
        .split("\"action\"")
        .filter(|part| part.contains("release"))
        .collect();
    assert!(!releases.is_empty());
    for release in releases {
        let details_start = release.find("claims").unwrap();
        assert!(
            !release[details_start..].contains(&name),
            "the release details name the item's original name {name}: {release}"
        );
    }
}
