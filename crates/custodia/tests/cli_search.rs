//! `custodia extract --pending`, `search` and `reindex` end to end: derived items and their
//! custody entries, hits that name the original item, trimming by the caller's rights, searches
//! in the custody log, a rebuilt index, failures recorded per item.

mod support;

use std::fs;

use serde_json::Value;
use support::*;

fn hits(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn extract_search_trim_and_reindex() {
    let vault = TestVault::new();
    let a = vault.folder("kocho");
    fs::write(
        a.join("ar.txt"),
        "هجوم تنظيم داعش على سنجار وقتل الايزيديين\n",
    )
    .unwrap();
    fs::write(
        a.join("en.html"),
        "<html><body><script>var secretword = 1;</script><p>The killings at Kocho were witnessed by survivors in Sinjar</p></body></html>",
    )
    .unwrap();
    let eml = "From: a@example.org\r\nTo: b@example.org\r\nSubject: transfer\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the attached list.\r\n--b\r\nContent-Type: text/plain; name=\"list.txt\"\r\nContent-Disposition: attachment; filename=\"list.txt\"\r\n\r\nPrisoners transferred to Badush\r\n--b--\r\n";
    fs::write(a.join("mail.eml"), eml).unwrap();
    let b = vault.folder("saydnaya");
    fs::write(
        b.join("s.txt"),
        "Detainees in Saydnaya prison near Sinjar road\n",
    )
    .unwrap();
    fs::write(b.join("broken.pdf"), b"%PDF-1.7\n this is not a pdf at all").unwrap();
    let kocho = vault.ingest(&[&a], "UNITAD", &["--case", "KOCHO"]);
    vault.ingest(&[&b], "Iraq", &["--case", "SAYD"]);
    let eml_sha = item_at(&kocho, &shown(&a.join("mail.eml")))["sha256"]
        .as_str()
        .unwrap()
        .to_owned();

    let report = vault.ok(["extract", "--pending", "--no-ocr"]);
    assert_eq!(report["items"], 5, "{report:#}");
    assert_eq!(report["extracted"], 4, "{report:#}");
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{report:#}");
    // Nothing is left pending; the failure is kept, not retried.
    assert_eq!(vault.ok(["extract", "--pending"])["items"], 0);

    // A Latin query finds the Arabic statement and the English one; hits name the original.
    let r = vault.ok(["search", "Sinjar"]);
    assert_eq!(r["total"], 3, "{r:#}");
    let paths = hits(&r);
    assert!(paths.contains(&shown(&a.join("ar.txt"))), "{paths:?}");
    assert_eq!(r["facets"]["originator"]["UNITAD"], 2);
    assert_eq!(r["facets"]["originator"]["Iraq"], 1);
    // Visible text only.
    assert_eq!(vault.ok(["search", "secretword"])["total"], 0);
    // An attachment's text names the e-mail it came in.
    let r = vault.ok(["search", "Badush"]);
    assert_eq!(r["total"], 1, "{r:#}");
    let hit = &r["hits"][0];
    assert_eq!(hit["sha256"], eml_sha.as_str());
    assert_eq!(
        hit["path"].as_str().unwrap(),
        format!("{}/list.txt", shown(&a.join("mail.eml")))
    );
    assert_ne!(hit["derived_sha256"], hit["sha256"]);
    assert_eq!(hit["kind"], "attachment_text");
    // The e-mail's history holds the derive entries.
    let history = vault.history(&eml_sha);
    let derives = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "derive")
        .count();
    assert!(derives >= 3, "{history:#}");

    // An analyst on KOCHO sees only KOCHO's items, in hits, counts and facets.
    vault.ok(["user", "add", "ana", "--org", "Holder", "--role", "analyst"]);
    vault.ok(["case", "add", "KOCHO"]);
    vault.ok(["case", "add-member", "KOCHO", "ana"]);
    let r = vault.ok(["--as", "ana", "search", "Sinjar"]);
    assert_eq!(r["total"], 2, "{r:#}");
    assert!(r["facets"]["originator"].get("Iraq").is_none(), "{r:#}");
    assert_eq!(vault.ok(["--as", "ana", "search", "Saydnaya"])["total"], 0);
    // A restricted regime takes the item away from the analyst at the next search.
    let ar_sha = item_at(&kocho, &shown(&a.join("ar.txt")))["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    vault.ok([
        "regime",
        "set",
        "restricted",
        "--item",
        &ar_sha,
        "--reason",
        "protected witness",
    ]);
    let r = vault.ok(["--as", "ana", "search", "Sinjar"]);
    assert_eq!(r["total"], 1, "{r:#}");
    // So does a regime set on the whole submission.
    let submission = kocho["submission"].as_str().unwrap().to_owned();
    vault.ok([
        "regime",
        "set",
        "restricted",
        "--submission",
        &submission,
        "--reason",
        "originator's request",
    ]);
    assert_eq!(vault.ok(["--as", "ana", "search", "Sinjar"])["total"], 0);
    assert_eq!(vault.ok(["search", "Sinjar"])["total"], 3);
    // An auditor reads no content.
    vault.ok(["user", "add", "aud", "--org", "Holder", "--role", "auditor"]);
    assert_eq!(vault.ok(["--as", "aud", "search", "Sinjar"])["total"], 0);
    // No hits is success too; a bad query is an error.
    assert_eq!(vault.ok(["search", "nothingmatchesthis"])["total"], 0);
    let bad = vault.run(["search", "colour:red"]).failed();
    assert!(
        bad["error"].as_str().unwrap().contains("unknown field"),
        "{bad:#}"
    );

    // Every search is in the custody log.
    vault.ok(["log", "verify"]);
    let (code, verify) = vault.verify(false);
    assert_eq!(code, 0, "{verify:#}");

    // The index is derived data: delete it, rebuild it, same answers.
    fs::remove_dir_all(vault.dir.join("index")).unwrap();
    let rebuilt = vault.ok(["reindex"]);
    assert!(rebuilt["documents"].as_u64().unwrap() >= 5, "{rebuilt:#}");
    assert_eq!(vault.ok(["search", "Sinjar"])["total"], 3);
    assert_eq!(vault.ok(["--as", "ana", "search", "Sinjar"])["total"], 0);
}
