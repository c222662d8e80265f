//! The custody log reveals nothing by itself (entry format 2): after a realistic scenario the
//! log files name no item, person, organisation, request or witness in any form; the log routes
//! serve entries only to who may see them; `verify` reads version 1 and version 2 entries alike
//! and names the entry whose catalog row was changed.

mod support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::server::{set_password, Server};
use support::*;

const NL: &str = "Netherlands Public Prosecution Service";
const STATE_X: &str = "State X Prosecutor";
const WITNESS_NAME: &str = "Khalida Haji Murad";
const WITNESS_IDENTITY: &str = r#"{"name": "Khalida Haji Murad", "born": "1994-03-17"}"#;

fn sha_of(report: &Value, name: &str) -> String {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no item {name} in {report}"))["sha256"]
        .as_str()
        .unwrap()
        .to_owned()
}

struct Scenario {
    v: TestVault,
    /// Items of Government A (consent), UNITAD (open), NGO C (restricted).
    a1: String,
    a2: String,
    u1: String,
    statement: String,
    restricted: String,
    request: String,
}

/// Three originators, two states, a liaison, a victim support officer, a witness, a request
/// with a grant and a refusal, a redaction, a package, a download and searches.
fn scenario() -> Scenario {
    let v = TestVault::new();
    let a = v.folder("government-a");
    fs::write(
        a.join("a1-register.txt"),
        format!("Raqqa prison register, 2015; informant: {WITNESS_NAME}"),
    )
    .unwrap();
    fs::write(a.join("a2-intercept.txt"), "intercepted call, Mosul").unwrap();
    let u = v.folder("unitad");
    fs::write(u.join("u1-photo.txt"), "photo of Sinjar, 2014").unwrap();
    fs::write(u.join("statement-w17.txt"), "statement of witness W-17").unwrap();
    let c = v.folder("ngo-c");
    fs::write(c.join("c1-source.txt"), "confidential source report").unwrap();
    let ra = v.ingest(&[&a], "Government A", &["--regime", "consent"]);
    let ru = v.ingest(&[&u], "UNITAD", &["--regime", "open"]);
    let rc = v.ingest(&[&c], "NGO C", &["--regime", "restricted"]);
    for org in [NL, STATE_X] {
        v.ok([
            "org",
            "add",
            org,
            "--kind",
            "requesting_authority",
            "--approved-requester",
        ]);
    }
    for (user, org, role) in [
        ("liaison-a", "Government A", "originator_liaison"),
        ("liaison-u", "UNITAD", "originator_liaison"),
        ("vso", "Holder", "victim_support_officer"),
        ("prosecutor-nl", NL, "requester"),
        ("prosecutor-x", STATE_X, "requester"),
    ] {
        v.ok(["user", "add", user, "--org", org, "--role", role]);
    }
    let identity = v.tmp.path().join("identity.json");
    fs::write(&identity, WITNESS_IDENTITY).unwrap();
    v.ok([
        "--as",
        "vso",
        "person",
        "add",
        "W-17",
        "--identity",
        identity.to_str().unwrap(),
        "--measure",
        "voice distortion",
    ]);
    v.ok([
        "--as",
        "vso",
        "person",
        "scope",
        "W-17",
        "--allow",
        "requesting_authority",
        "--exclude",
        STATE_X,
    ]);
    let statement = sha_of(&ru, "statement-w17.txt");
    v.ok(["person", "link", "W-17", &statement]);
    let s = Scenario {
        a1: sha_of(&ra, "a1-register.txt"),
        a2: sha_of(&ra, "a2-intercept.txt"),
        u1: sha_of(&ru, "u1-photo.txt"),
        statement,
        restricted: sha_of(&rc, "c1-source.txt"),
        request: String::new(),
        v,
    };
    let filed = s.v.ok([
        "--as",
        "prosecutor-nl",
        "request",
        "file",
        "--legal-basis",
        "Art. 5 mutual legal assistance treaty",
        "--case-ref",
        "NL-2026-17",
        "--suspect",
        "Abu Ibrahim al-Hollandi",
        "--crime",
        "enslavement",
        "--deadline",
        "2099-01-01",
    ]);
    let id = filed["id"].as_str().unwrap().to_owned();
    s.v.ok([
        "request",
        "scope",
        &id,
        &s.a1,
        &s.a2,
        &s.u1,
        &s.statement,
        &s.restricted,
    ]);
    s.v.ok([
        "--as",
        "liaison-a",
        "request",
        "decide",
        &id,
        "--grant",
        &s.a1,
    ]);
    s.v.ok([
        "--as",
        "liaison-a",
        "request",
        "decide",
        &id,
        "--refuse",
        &s.a2,
        "--reason",
        "source protection",
    ]);
    let package = s.v.tmp.path().join("rfa-package");
    s.v.ok([
        "request",
        "finalise",
        &id,
        "--out",
        package.to_str().unwrap(),
    ]);
    let out = s.v.tmp.path().join("u1-copy");
    s.v.ok([
        "get",
        &s.u1,
        "--out",
        out.to_str().unwrap(),
        "--reason",
        "review by the legal officer",
    ]);
    s.v.ok(["extract", "--pending", "--no-ocr"]);
    s.v.ok(["search", "Raqqa"]);
    s.v.ok(["--as", "prosecutor-nl", "search", "Sinjar"]);
    Scenario { request: id, ..s }
}

fn ledger_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(&dir.join("ledger"))
        .into_iter()
        .map(|f| (f.display().to_string(), fs::read(&f).unwrap()))
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_log_on_disk_names_no_item_person_organisation_request_or_witness() {
    let s = scenario();
    // Sign-ins are logged too.
    set_password(&s.v, "prosecutor-nl");
    let server = Server::start(&s.v);
    server.token("prosecutor-nl");
    drop(server);

    let mut secrets: Vec<(String, Vec<u8>)> = Vec::new();
    for sha in [&s.a1, &s.a2, &s.u1, &s.statement, &s.restricted] {
        secrets.push((format!("item {sha} (hex)"), sha.as_bytes().to_vec()));
        secrets.push((
            format!("item {sha} (upper-case hex)"),
            sha.to_uppercase().into_bytes(),
        ));
        secrets.push((format!("item {sha} (bytes)"), hex::decode(sha).unwrap()));
    }
    for name in [
        "admin",
        "liaison-a",
        "liaison-u",
        "vso",
        "prosecutor-nl",
        "prosecutor-x",
        "Government A",
        "UNITAD",
        "NGO C",
        "Holder",
        NL,
        STATE_X,
        &s.request,
        "W-17",
        WITNESS_NAME,
        WITNESS_IDENTITY,
        "source protection",
        "Raqqa",
    ] {
        secrets.push((format!("`{name}`"), name.as_bytes().to_vec()));
    }
    let identity_hash = sha256(WITNESS_IDENTITY.as_bytes());
    secrets.push((
        "the identity's SHA-256 (hex)".into(),
        hex::encode(identity_hash).into_bytes(),
    ));
    secrets.push((
        "the identity's SHA-256 (bytes)".into(),
        identity_hash.to_vec(),
    ));

    let files = ledger_bytes(&s.v.dir);
    assert!(files.iter().any(|(_, b)| b.len() > 10_000), "a busy log");
    for (file, bytes) in &files {
        for (what, secret) in &secrets {
            assert!(!contains(bytes, secret), "{file} holds {what}");
        }
    }
    // Every entry is a version 2 entry, whose openings the vault can still give.
    let size = s.v.ok(["log", "checkpoint"])["tree_size"].as_u64().unwrap();
    for i in 0..size {
        let proof = s.v.ok(["log", "prove", "--entry", &i.to_string()]);
        assert_eq!(proof["version"], 2, "{proof}");
        assert_eq!(proof["withheld"], serde_json::json!([]), "{proof}");
    }
    let (code, report) = s.v.verify(true);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn witness_identities_are_keyed_digests() {
    let s = scenario();
    let person_add =
        s.v.ok(["log", "prove", "--entry", "0"])
            .get("tree_size")
            .cloned()
            .unwrap();
    assert!(person_add.as_u64().unwrap() > 0);
    // The person_add entry's details, as the holder's auditor may open them.
    let size = person_add.as_u64().unwrap();
    let mut found = false;
    for i in 0..size {
        let proof = s.v.ok(["log", "prove", "--entry", &i.to_string()]);
        let Some(details) = proof["openings"]["details"]["value"].as_str() else {
            continue;
        };
        if !details.contains("\"pseudonym\":\"W-17\"") || !details.contains("identity") {
            continue;
        }
        found = true;
        let plain = hex::encode(sha256(WITNESS_IDENTITY.as_bytes()));
        assert!(!details.contains(&plain), "{details}");
        assert!(!details.contains("identity_sha256"), "{details}");
        assert!(details.contains("identity_hmac"), "{details}");
    }
    assert!(found, "a person_add entry");
}

fn entry_of(v: &TestVault, sha: &str, action: &str) -> u64 {
    let history = v.history(sha);
    history["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {history}"))["ledger_index"]
        .as_u64()
        .unwrap()
}

/// The message of a refusal, with the entry's number taken out.
fn refusal(answer: &(u16, Value), index: u64) -> (u16, String) {
    (
        answer.0,
        answer.1["error"]
            .as_str()
            .unwrap_or_default()
            .replace(&index.to_string(), "N"),
    )
}

#[test]
fn log_routes_serve_entries_only_to_who_may_see_them() {
    let s = scenario();
    for user in ["admin", "liaison-a", "prosecutor-nl", "prosecutor-x"] {
        set_password(&s.v, user);
    }
    let a1_ingest = entry_of(&s.v, &s.a1, "ingest");
    let u1_ingest = entry_of(&s.v, &s.u1, "ingest");
    let restricted_ingest = entry_of(&s.v, &s.restricted, "ingest");
    let size = s.v.ok(["log", "checkpoint"])["tree_size"].as_u64().unwrap();
    let server = Server::start(&s.v);

    // Nobody signed in: nothing but the verifier key.
    for path in [
        format!("/api/v1/log/proof?entry={a1_ingest}"),
        "/api/v1/log/proof?entry=0".to_owned(),
        "/api/v1/log/checkpoint".to_owned(),
        format!("/api/v1/log/consistency?from=1&to={size}"),
    ] {
        let (status, body, _) = server.get(&path, None);
        assert_eq!(status, 401, "{path}: {}", String::from_utf8_lossy(&body));
    }
    assert_eq!(server.get("/api/v1/log/public-key", None).0, 200);

    // Signed in: checkpoints and consistency proofs for anyone.
    let liaison = server.token("liaison-a");
    let (status, checkpoint, _) = server.get("/api/v1/log/checkpoint", Some(&liaison));
    assert_eq!(status, 200);
    assert!(String::from_utf8(checkpoint)
        .unwrap()
        .contains("custodia.vault/"));
    let (status, _) = server.json(
        &format!("/api/v1/log/consistency?from=1&to={size}"),
        Some(&liaison),
    );
    assert_eq!(status, 200);

    // The liaison of Government A: its own item's entry, with the item opened and who acted
    // and why withheld.
    let (status, proof) = server.json(
        &format!("/api/v1/log/proof?entry={a1_ingest}"),
        Some(&liaison),
    );
    assert_eq!(status, 200, "{proof}");
    assert_eq!(proof["leaf_index"], a1_ingest);
    assert_eq!(proof["version"], 2);
    assert_eq!(proof["openings"]["item"]["value"], s.a1.as_str());
    assert!(proof["openings"].get("actor").is_none(), "{proof}");
    assert!(proof["openings"].get("details").is_none(), "{proof}");
    assert_eq!(proof["withheld"], serde_json::json!(["actor", "details"]));
    check_proof(&proof);
    let body = proof.to_string();
    assert!(
        !body.contains("admin") && !body.contains("UNITAD"),
        "{body}"
    );

    // Entries the liaison may not see answer exactly like one that does not exist: another
    // originator's item, a restricted item, an entry about no item (a user added).
    let missing = refusal(
        &server.json("/api/v1/log/proof?entry=999999", Some(&liaison)),
        999999,
    );
    assert_eq!(missing.0, 400);
    for hidden in [u1_ingest, restricted_ingest, 0] {
        let answer = server.json(&format!("/api/v1/log/proof?entry={hidden}"), Some(&liaison));
        assert_eq!(refusal(&answer, hidden), missing, "entry {hidden}");
    }
    // A state's requester sees nothing of items not released to it.
    let x = server.token("prosecutor-x");
    let answer = server.json(&format!("/api/v1/log/proof?entry={a1_ingest}"), Some(&x));
    assert_eq!(refusal(&answer, a1_ingest), missing);
    // The requester the package went to sees the item's entries, and its own actions in full.
    let nl = server.token("prosecutor-nl");
    let (status, proof) = server.json(&format!("/api/v1/log/proof?entry={u1_ingest}"), Some(&nl));
    assert_eq!(status, 200, "{proof}");
    assert_eq!(proof["openings"]["item"]["value"], s.u1.as_str());
    assert!(proof["openings"].get("actor").is_none(), "{proof}");

    // The holder's custodian: every field of an entry about no item.
    let admin = server.token("admin");
    let (status, proof) = server.json("/api/v1/log/proof?entry=0", Some(&admin));
    assert_eq!(status, 200, "{proof}");
    assert_eq!(proof["openings"]["actor"]["value"], "admin");
    assert!(proof["openings"]["details"]["value"].is_string());
    assert_eq!(proof["withheld"], serde_json::json!([]));
    drop(server);

    // Public checkpoints, when the operator says so: sizes and roots only.
    let config_path = s.v.dir.join("vault.json");
    let mut config: Value = serde_json::from_slice(&fs::read(&config_path).unwrap()).unwrap();
    assert_eq!(config.get("public_checkpoints"), Some(&Value::Bool(false)));
    config["public_checkpoints"] = Value::Bool(true);
    fs::write(&config_path, serde_json::to_vec_pretty(&config).unwrap()).unwrap();
    let server = Server::start(&s.v);
    assert_eq!(server.get("/api/v1/log/checkpoint", None).0, 200);
    assert_eq!(
        server
            .json(&format!("/api/v1/log/consistency?from=1&to={size}"), None)
            .0,
        200
    );
    assert_eq!(
        server
            .get(&format!("/api/v1/log/proof?entry={a1_ingest}"), None)
            .0,
        401
    );
}

/// The proof document: the leaf hash is the entry's, the audit path leads to the root, and every
/// opening opens its commitment.
fn check_proof(proof: &Value) {
    use base64::Engine as _;
    let entry = base64::engine::general_purpose::STANDARD
        .decode(proof["entry"].as_str().unwrap())
        .unwrap();
    let mut leaf_input = vec![0u8];
    leaf_input.extend_from_slice(&entry);
    assert_eq!(proof["leaf_hash"], hex::encode(sha256(&leaf_input)));
    let mut index = proof["leaf_index"].as_u64().unwrap();
    let mut last = proof["tree_size"].as_u64().unwrap() - 1;
    let mut hash = sha256(&leaf_input);
    for sibling in proof["audit_path"].as_array().unwrap() {
        let sibling: [u8; 32] = hex::decode(sibling.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let mut node = vec![1u8];
        if index % 2 == 1 || index == last {
            node.extend_from_slice(&sibling);
            node.extend_from_slice(&hash);
            while index.is_multiple_of(2) && index != 0 {
                index /= 2;
                last /= 2;
            }
        } else {
            node.extend_from_slice(&hash);
            node.extend_from_slice(&sibling);
        }
        hash = sha256(&node);
        index /= 2;
        last /= 2;
    }
    assert_eq!(proof["root_hash"], hex::encode(hash));
    let fields: Value = serde_json::from_slice(&entry).unwrap();
    for (name, opening) in proof["openings"].as_object().unwrap() {
        let salt = hex::decode(opening["salt"].as_str().unwrap()).unwrap();
        let mut input = b"custodia custody commitment v2\0".to_vec();
        input.extend_from_slice(name.as_bytes());
        input.push(0);
        input.extend_from_slice(&salt);
        input.extend_from_slice(opening["value"].as_str().unwrap().as_bytes());
        assert_eq!(fields[name], hex::encode(sha256(&input)), "{name}");
    }
}

/// Writes custody entries as the vault wrote them before entry format 2 (the old code path:
/// `CustodyEntry::new`), straight into the catalog and the log.
fn write_v1_entries(v: &TestVault, events: &[(&str, &str, Option<&str>, &str)]) -> Vec<u64> {
    use custodia_vault::custodia_catalog::{Catalog, NewEvent, SqliteCatalog};
    use custodia_vault::custodia_ledger::Ledger;
    use custodia_vault::custody::{now, CustodyEntry};
    let keys = custodia_vault::VaultKeys::load(&v.dir.join("keys/master.key")).unwrap();
    let mut catalog =
        SqliteCatalog::open(&v.dir.join("catalog/catalog.db"), keys.catalog_key()).unwrap();
    let (ledger, _) = Ledger::open(&v.dir.join("ledger")).unwrap();
    let mut positions = Vec::new();
    for (actor, action, item, details) in events {
        let time = now();
        let entry = CustodyEntry::new(&time, actor, action, *item, details);
        assert_eq!(entry.v, 1);
        let pending = catalog
            .record_events(&[NewEvent {
                time,
                actor: actor.to_string(),
                action: action.to_string(),
                item: item.map(str::to_owned),
                details: details.to_string(),
                entry: entry.to_bytes(),
            }])
            .unwrap();
        let range = ledger.append(&[pending[0].entry.as_slice()]).unwrap();
        catalog
            .mark_logged(&[(pending[0].id, range.start)])
            .unwrap();
        positions.push(range.start);
    }
    positions
}

fn open_catalog_sql(v: &TestVault) -> rusqlite::Connection {
    let keys = custodia_vault::VaultKeys::load(&v.dir.join("keys/master.key")).unwrap();
    let conn = rusqlite::Connection::open(v.dir.join("catalog/catalog.db")).unwrap();
    conn.pragma_update(
        None,
        "key",
        format!("x'{}'", hex::encode(keys.catalog_key())),
    )
    .unwrap();
    conn
}

/// Runs `verify --deep`, which must fail, and returns its faults.
fn faults(v: &TestVault) -> Vec<Value> {
    let (code, report) = v.verify(true);
    assert_eq!(code, 1, "verify must fail: {report:#}");
    report["faults"].as_array().unwrap().clone()
}

fn assert_names_entry(faults: &[Value], index: u64, field: &str) {
    assert!(
        faults.iter().any(|f| f["kind"] == "row_differs_from_log"
            && f["ledger_index"] == index
            && f["detail"].as_str().unwrap().contains(field)),
        "no fault naming entry {index} and `{field}` in {faults:#?}"
    );
}

#[test]
fn verify_checks_v1_and_v2_entries_field_by_field() {
    let v = TestVault::new();
    let first = v.folder("first");
    fs::write(first.join("a.txt"), "item A, before entry format 2").unwrap();
    let a = sha_of(&v.ingest(&[&first], "Government A", &[]), "a.txt");
    // Entries of an older vault: a download of A and a search, in version 1.
    let v1 = write_v1_entries(
        &v,
        &[
            (
                "admin",
                "download",
                Some(&a),
                r#"{"reason":"review","bytes":29,"organisation":"Holder"}"#,
            ),
            (
                "admin",
                "search",
                None,
                r#"{"query":"prison","organisation":"Holder","total":0,"shown":[]}"#,
            ),
        ],
    );
    let second = v.folder("second");
    fs::write(second.join("b.txt"), "item B, in entry format 2").unwrap();
    let b = sha_of(&v.ingest(&[&second], "Government A", &[]), "b.txt");
    let out = v.tmp.path().join("b-copy");
    v.ok([
        "get",
        &b,
        "--out",
        out.to_str().unwrap(),
        "--reason",
        "review",
    ]);
    let (code, report) = v.verify(true);
    assert_eq!(code, 0, "mixed versions verify: {report:#}");
    // The old entries are still what they were.
    let proof = v.ok(["log", "prove", "--entry", &v1[0].to_string()]);
    assert_eq!(proof["version"], 1);
    let b_ingest = entry_of(&v, &b, "ingest");
    let b_download = entry_of(&v, &b, "download");
    assert_eq!(
        v.ok(["log", "prove", "--entry", &b_ingest.to_string()])["version"],
        2
    );

    let conn = open_catalog_sql(&v);
    let tamper = |sql: &str, index: u64| {
        assert_eq!(conn.execute(sql, [index as i64]).unwrap(), 1, "{sql}");
    };
    // A version 1 row's actor.
    tamper(
        "UPDATE events SET actor = 'someone else' WHERE ledger_index = ?1",
        v1[0],
    );
    assert_names_entry(&faults(&v), v1[0], "actor");
    tamper(
        "UPDATE events SET actor = 'admin' WHERE ledger_index = ?1",
        v1[0],
    );
    // A version 1 row's details.
    tamper(
        "UPDATE events SET details = replace(details, 'prison', 'camp') WHERE ledger_index = ?1",
        v1[1],
    );
    assert_names_entry(&faults(&v), v1[1], "details");
    tamper(
        "UPDATE events SET details = replace(details, 'camp', 'prison') WHERE ledger_index = ?1",
        v1[1],
    );
    // A version 2 row's actor, details and item.
    tamper(
        "UPDATE events SET actor = 'someone else' WHERE ledger_index = ?1",
        b_download,
    );
    assert_names_entry(&faults(&v), b_download, "actor");
    tamper(
        "UPDATE events SET actor = 'admin' WHERE ledger_index = ?1",
        b_download,
    );
    tamper(
        "UPDATE events SET details = replace(details, 'review', 'other') WHERE ledger_index = ?1",
        b_download,
    );
    assert_names_entry(&faults(&v), b_download, "details");
    tamper(
        "UPDATE events SET details = replace(details, 'other', 'review') WHERE ledger_index = ?1",
        b_download,
    );
    conn.execute(
        "UPDATE events SET item = ?2 WHERE ledger_index = ?1",
        rusqlite::params![b_download as i64, a],
    )
    .unwrap();
    assert_names_entry(&faults(&v), b_download, "item");
    conn.execute(
        "UPDATE events SET item = ?2 WHERE ledger_index = ?1",
        rusqlite::params![b_download as i64, b],
    )
    .unwrap();
    let (code, report) = v.verify(true);
    assert_eq!(code, 0, "restored: {report:#}");
}

#[test]
fn a_package_opens_the_disclosed_fields_and_a_forged_opening_fails() {
    use support::package::{copy_dir, faults, reseal_tag_manifest, verify};
    let s = scenario();
    let package = s.v.tmp.path().join("rfa-package");
    let vkey = s.v.ok(["log", "public-key"])["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    let checked = verify(&package, &["--key", &vkey]);
    assert_eq!(checked.code, 0, "{:#}", checked.report);
    let metadata = |dir: &Path| dir.join(format!("custodia/items/{}.json", s.u1));
    let item: Value = serde_json::from_slice(&fs::read(metadata(&package)).unwrap()).unwrap();
    let custody = item["custody"].as_array().unwrap();
    assert!(!custody.is_empty());
    for record in custody {
        let openings = &record["openings"];
        assert_eq!(openings["item"]["value"], s.u1.as_str(), "{record}");
        match record["details"].as_str() {
            Some(details) => {
                assert_eq!(openings["details"]["value"], details);
                assert!(openings["actor"]["value"].is_string());
            }
            // Entries whose details stay with the holder: who acted stays closed too.
            None => assert!(openings.get("actor").is_none() && openings.get("details").is_none()),
        }
    }
    // The package names no one beyond the disclosed fields: not the other state.
    let text = fs::read_to_string(metadata(&package)).unwrap();
    assert!(!text.contains(STATE_X) && !text.contains("prosecutor-x"));

    type Forgery = (&'static str, Box<dyn Fn(&mut Value)>);
    let other_item = s.a2.clone();
    let forgeries: Vec<Forgery> = vec![
        (
            "the item opening names another item",
            Box::new(move |m: &mut Value| {
                m["custody"][0]["openings"]["item"]["value"] = other_item.clone().into();
            }),
        ),
        (
            "a salt changed",
            Box::new(|m: &mut Value| {
                m["custody"][0]["openings"]["item"]["salt"] = "00".repeat(32).into();
            }),
        ),
        (
            "an actor opened that was not disclosed",
            Box::new(|m: &mut Value| {
                let custody = m["custody"].as_array_mut().unwrap();
                let closed = custody
                    .iter_mut()
                    .find(|r| r["details"].is_null())
                    .expect("an entry whose details stay with the holder");
                closed["openings"]["actor"] =
                    serde_json::json!({ "salt": "11".repeat(32), "value": "custodian-1" });
            }),
        ),
        (
            "the disclosed details rewritten with their opening",
            Box::new(|m: &mut Value| {
                let custody = m["custody"].as_array_mut().unwrap();
                let open = custody
                    .iter_mut()
                    .find(|r| r["details"].is_string())
                    .unwrap();
                let forged = open["details"]
                    .as_str()
                    .unwrap()
                    .replace("UNITAD", "Government B");
                open["details"] = forged.clone().into();
                open["openings"]["details"]["value"] = forged.into();
            }),
        ),
    ];
    for (i, (what, forge)) in forgeries.iter().enumerate() {
        let copy = s.v.tmp.path().join(format!("forged-{i}"));
        copy_dir(&package, &copy);
        let path = metadata(&copy);
        let mut value: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        forge(&mut value);
        fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
        reseal_tag_manifest(&copy);
        let checked = verify(&copy, &["--key", &vkey]);
        assert_eq!(checked.code, 1, "{what}: {:#}", checked.report);
        let found = faults(&checked.report);
        assert!(
            found
                .iter()
                .any(|(file, _)| file.ends_with(&format!("{}.json", s.u1))),
            "{what}: {found:#?}"
        );
    }
}
