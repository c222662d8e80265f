//! A request for assistance end to end through the CLI: three originators with different
//! regimes, a witness whose consent excludes one state, a refusal, a conditional grant, the
//! package built and verified; and what each party may learn along the way.

mod support;

use std::fs;
use std::process::Command as StdCommand;

use serde_json::Value;
use support::package::verifier;
use support::TestVault;

const NL: &str = "Netherlands Public Prosecution Service";
const STATE_X: &str = "State X Prosecutor";
const WITNESS_NAME: &str = "Khalida Haji Murad";

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

fn statuses(view: &Value) -> Vec<(String, String)> {
    view["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["sha256"].as_str().unwrap().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn status_of(view: &Value, sha: &str) -> Option<String> {
    statuses(view)
        .into_iter()
        .find(|(s, _)| s == sha)
        .map(|(_, status)| status)
}

struct Items {
    a1: String,
    a2: String,
    u1: String,
    statement: String,
    restricted: String,
}

fn setup() -> (TestVault, Items) {
    let v = TestVault::new();
    let a = v.folder("government-a");
    fs::write(
        a.join("a1-register.txt"),
        format!("Raqqa prison register, 2015; informant: {WITNESS_NAME}"),
    )
    .unwrap();
    fs::write(a.join("a2-intercept.txt"), "intercepted call, Mosul").unwrap();
    let u = v.folder("unitad");
    fs::write(u.join("u1-photo.jpg"), "photo of Sinjar, 2014").unwrap();
    fs::write(u.join("statement-w17.txt"), "statement of witness W-17").unwrap();
    let c = v.folder("ngo-c");
    fs::write(c.join("c1-source.txt"), "confidential source report").unwrap();
    let ra = v.ingest(&[&a], "Government A", &["--regime", "consent"]);
    let ru = v.ingest(&[&u], "UNITAD", &["--regime", "open"]);
    let rc = v.ingest(&[&c], "NGO C", &["--regime", "restricted"]);
    let items = Items {
        a1: sha_of(&ra, "a1-register.txt"),
        a2: sha_of(&ra, "a2-intercept.txt"),
        u1: sha_of(&ru, "u1-photo.jpg"),
        statement: sha_of(&ru, "statement-w17.txt"),
        restricted: sha_of(&rc, "c1-source.txt"),
    };
    for (org, approved) in [(NL, true), (STATE_X, true)] {
        let mut args = vec!["org", "add", org, "--kind", "requesting_authority"];
        if approved {
            args.push("--approved-requester");
        }
        v.ok(args);
    }
    v.ok([
        "user",
        "add",
        "liaison-a",
        "--org",
        "Government A",
        "--role",
        "originator_liaison",
    ]);
    v.ok([
        "user",
        "add",
        "vso",
        "--org",
        "Holder",
        "--role",
        "victim_support_officer",
    ]);
    v.ok([
        "user",
        "add",
        "prosecutor-nl",
        "--org",
        NL,
        "--role",
        "requester",
    ]);
    v.ok([
        "user",
        "add",
        "prosecutor-x",
        "--org",
        STATE_X,
        "--role",
        "requester",
    ]);
    // The witness: recorded by victim support, consenting to prosecutors but not to State X.
    let identity = v.tmp.path().join("identity.json");
    fs::write(
        &identity,
        format!(r#"{{"name": "{WITNESS_NAME}", "born": "1994"}}"#),
    )
    .unwrap();
    v.ok([
        "--as",
        "vso",
        "person",
        "add",
        "W-17",
        "--identity",
        identity.to_str().unwrap(),
        "--measure",
        "pseudonym in all documents",
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
    v.ok(["person", "link", "W-17", &items.statement]);
    (v, items)
}

#[test]
fn a_request_from_filing_to_a_verified_package() {
    let (v, it) = setup();
    let filed = v.ok([
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
        "--place",
        "Raqqa",
        "--period",
        "2014-08..2015-12",
        "--deadline",
        "2099-01-01",
    ]);
    let id = filed["id"].as_str().unwrap().to_owned();
    assert_eq!(filed["state"], "filed");

    let all = [&it.a1, &it.a2, &it.u1, &it.statement, &it.restricted];
    let mut scope = vec!["request", "scope", id.as_str()];
    scope.extend(all.iter().map(|s| s.as_str()));
    let scoped = v.ok(&scope);
    assert_eq!(scoped["state"], "awaiting_consent");
    assert_eq!(
        status_of(&scoped, &it.a1).as_deref(),
        Some("awaiting_consent")
    );
    assert_eq!(status_of(&scoped, &it.u1).as_deref(), Some("ready"));
    assert_eq!(status_of(&scoped, &it.statement).as_deref(), Some("ready"));
    assert_eq!(
        status_of(&scoped, &it.restricted).as_deref(),
        Some("withheld")
    );
    let waits = &scoped["waits_on"][0];
    assert_eq!(waits["organisation"], "Government A");
    assert_eq!(waits["items"], 2);
    assert_eq!(waits["liaisons"][0], "liaison-a");

    // The requester sees the state and who it waits for, not what is withheld or how much.
    let theirs = v.ok(["--as", "prosecutor-nl", "request", "show", &id]);
    assert_eq!(theirs["state"], "awaiting_consent");
    assert_eq!(theirs["waiting_for"], "originators");
    assert!(theirs["items"].as_array().unwrap().is_empty(), "{theirs}");
    let text = theirs.to_string();
    for hidden in [&it.restricted, &it.a2, &it.a1] {
        assert!(
            !text.contains(hidden.as_str()),
            "the requester learns of {hidden}"
        );
    }
    assert!(
        !text.contains("withheld") && !text.contains("Government A") && !text.contains("NGO C")
    );

    // The liaison sees its own organisation's items only.
    let liaison = v.ok(["--as", "liaison-a", "request", "show", &id]);
    let seen: Vec<String> = statuses(&liaison).into_iter().map(|(s, _)| s).collect();
    assert_eq!(seen.len(), 2, "{liaison}");
    assert!(seen.contains(&it.a1) && seen.contains(&it.a2));
    assert!(!liaison.to_string().contains(it.restricted.as_str()));

    // Another state's requester cannot tell this request from one that does not exist.
    let other = v
        .run(["--as", "prosecutor-x", "request", "show", &id])
        .failed();
    let none = v
        .run(["--as", "prosecutor-x", "request", "show", "RFA-9999"])
        .failed();
    assert_eq!(
        other["error"].as_str().unwrap().replace(&id, "<id>"),
        none["error"].as_str().unwrap().replace("RFA-9999", "<id>")
    );

    // A conditional grant and a refusal.
    let conditions = v.tmp.path().join("conditions.json");
    fs::write(
        &conditions,
        r#"[{"kind":"no_death_penalty"},{"kind":"redact_protected_witnesses"}]"#,
    )
    .unwrap();
    v.ok([
        "--as",
        "liaison-a",
        "request",
        "decide",
        &id,
        "--grant",
        &it.a1,
        "--conditions",
        conditions.to_str().unwrap(),
    ]);
    // A liaison cannot decide on another originator's item, and learns nothing of it.
    let foreign = v
        .run([
            "--as",
            "liaison-a",
            "request",
            "decide",
            &id,
            "--grant",
            &it.restricted,
        ])
        .failed();
    let missing = "0".repeat(64);
    let absent = v
        .run([
            "--as",
            "liaison-a",
            "request",
            "decide",
            &id,
            "--grant",
            &missing,
        ])
        .failed();
    assert_eq!(
        foreign["error"]
            .as_str()
            .unwrap()
            .replace(&it.restricted, "<x>"),
        absent["error"].as_str().unwrap().replace(&missing, "<x>")
    );
    let decided = v.ok([
        "--as",
        "liaison-a",
        "request",
        "decide",
        &id,
        "--refuse",
        &it.a2,
        "--reason",
        "source protection",
    ]);
    assert_eq!(decided["state"], "ready");
    let now = v.ok(["request", "show", &id]);
    assert_eq!(status_of(&now, &it.a2).as_deref(), Some("refused"));
    assert!(now["states"].as_array().unwrap().len() >= 3, "{now}");
    let due = v.ok(["request", "list", "--due-within", "100000"]);
    assert_eq!(due["requests"][0]["id"], id.as_str());

    // The grant binds redaction: nothing is finalised until the item is redacted.
    let package = v.tmp.path().join("rfa-package");
    let out = package.to_str().unwrap();
    let refused = v.run(["request", "finalise", &id, "--out", out]).failed();
    assert!(refused["error"].to_string().contains("redact"), "{refused}");
    assert!(!package.exists());
    let redacted = v.ok([
        "redact",
        &it.a1,
        "--text",
        WITNESS_NAME,
        "--reason",
        "informant",
    ]);
    let a1_redacted = redacted["sha256"].as_str().unwrap().to_owned();

    // Finalised: the package holds exactly the ready items (a1 redacted), and verifies.
    let done = v.ok(["request", "finalise", &id, "--out", out]);
    assert_eq!(done["request"]["state"], "finalised");
    let mut packaged: Vec<String> = done["package"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sha256"].as_str().unwrap().to_owned())
        .collect();
    packaged.sort();
    let mut expected = vec![a1_redacted.clone(), it.u1.clone(), it.statement.clone()];
    expected.sort();
    assert_eq!(packaged, expected);
    let holder_key = v.ok(["log", "public-key"])["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    let verified = StdCommand::new(verifier())
        .arg(&package)
        .arg("--json")
        .args(["--key", &holder_key])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert!(verified.status.success(), "{report:#}");
    let a1 = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sha256"] == a1_redacted.as_str())
        .unwrap();
    let conditions = a1["conditions"].to_string();
    assert!(conditions.contains("no_death_penalty"), "{a1}");
    assert!(conditions.contains("redact_protected_witnesses"), "{a1}");
    // Neither the witness's identity nor the redacted name leaves the vault.
    for file in support::files_under(&package) {
        let bytes = fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(WITNESS_NAME),
            "{} holds the witness's name",
            file.display()
        );
    }
    // Any change to the package is caught and named.
    let key_file = v.tmp.path().join("holder.vkey");
    let vkey = v.ok(["log", "public-key"])["vkey"]
        .as_str()
        .unwrap()
        .to_owned();
    fs::write(&key_file, vkey).unwrap();
    support::package::assert_tampering_caught(
        &package,
        v.tmp.path(),
        key_file.to_str().unwrap(),
        &a1_redacted,
        &it.u1,
        "no_death_penalty",
    );

    // Now the requester sees what was released to them, and only that.
    let after = v.ok(["--as", "prosecutor-nl", "request", "show", &id]);
    let released: Vec<(String, String)> = statuses(&after);
    assert_eq!(released.len(), 3, "{after}");
    assert!(released.iter().all(|(_, s)| s == "released"));
    let copy = v.tmp.path().join("a1-copy");
    let copy = copy.to_str().unwrap();
    let get = |user: &str, sha: &str, out: &str| {
        v.run([
            "--as",
            user,
            "get",
            sha,
            "--out",
            out,
            "--reason",
            "trial exhibit",
        ])
    };
    get("prosecutor-nl", &a1_redacted, copy).ok();
    // …the redacted version only: the original is as unknown to them as a missing item, and
    // another state's requester gets nothing, not even confirmation that it exists.
    let same = |a: Value, a_sha: &str, b: Value, b_sha: &str| {
        assert_eq!(
            a["error"].as_str().unwrap().replace(a_sha, "<x>"),
            b["error"].as_str().unwrap().replace(b_sha, "<x>")
        )
    };
    same(
        get("prosecutor-nl", &it.a1, "y").failed(),
        &it.a1,
        get("prosecutor-nl", &missing, "y").failed(),
        &missing,
    );
    same(
        get("prosecutor-x", &a1_redacted, "y").failed(),
        &a1_redacted,
        get("prosecutor-x", &missing, "y").failed(),
        &missing,
    );
    let log = v.ok(["log", "verify"]);
    assert_eq!(log["ok"], true);
}

#[test]
fn a_witness_who_excludes_a_state_keeps_their_statement_from_it() {
    let (v, it) = setup();
    let filed = v.ok([
        "--as",
        "prosecutor-x",
        "request",
        "file",
        "--legal-basis",
        "letter rogatory",
    ]);
    let id = filed["id"].as_str().unwrap().to_owned();
    let scoped = v.ok(["request", "scope", &id, &it.statement, &it.u1]);
    assert_eq!(
        status_of(&scoped, &it.statement).as_deref(),
        Some("withheld")
    );
    assert_eq!(status_of(&scoped, &it.u1).as_deref(), Some("ready"));
    let package = v.tmp.path().join("x-package");
    let done = v.ok([
        "request",
        "finalise",
        &id,
        "--out",
        package.to_str().unwrap(),
    ]);
    let items = done["package"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["sha256"], it.u1.as_str());
    // Directly, too: the statement cannot be packaged for State X.
    let direct = v.tmp.path().join("direct");
    v.run([
        "package",
        "build",
        &it.statement,
        "--out",
        direct.to_str().unwrap(),
        "--for",
        STATE_X,
    ])
    .failed();
    assert!(!direct.exists());
}

#[test]
fn a_protected_witness_is_known_by_pseudonym_only() {
    let (v, _) = setup();
    let by_custodian = v.ok(["person", "show", "W-17"]);
    assert!(by_custodian["identity"].is_null());
    assert_eq!(by_custodian["identity_withheld"], true);
    assert!(!by_custodian.to_string().contains(WITNESS_NAME));
    let by_officer = v.ok(["--as", "vso", "person", "show", "W-17"]);
    assert_eq!(by_officer["identity"]["name"], WITNESS_NAME);
    for user in ["prosecutor-nl", "liaison-a"] {
        let denied = v.run(["--as", user, "person", "show", "W-17"]).failed();
        assert!(!denied.to_string().contains(WITNESS_NAME));
    }
    // The custody log commits to the identity without holding it.
    let ledger = support::files_under(&v.dir.join("ledger"));
    for file in ledger {
        let bytes = fs::read(&file).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(WITNESS_NAME));
    }
}

#[test]
fn a_saved_search_scopes_a_request() {
    let (v, it) = setup();
    v.ok(["extract", "--pending", "--no-ocr"]);
    let filed = v.ok([
        "--as",
        "prosecutor-nl",
        "request",
        "file",
        "--legal-basis",
        "MLA treaty",
    ]);
    let id = filed["id"].as_str().unwrap().to_owned();
    let scoped = v.ok([
        "request", "scope", &id, "--search", "Sinjar", "--search", "Mosul",
    ]);
    let found: Vec<String> = statuses(&scoped).into_iter().map(|(s, _)| s).collect();
    assert!(found.contains(&it.u1), "{scoped}");
    assert!(found.contains(&it.a2), "{scoped}");
    assert!(!found.contains(&it.restricted), "{scoped}");
}
