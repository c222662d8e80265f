//! Access through the CLI: roles, cases, regimes and consents decide who sees what, and a denied
//! item looks exactly like a missing one.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

struct Vault {
    _dir: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
}

impl Vault {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        let work = dir.path().join("work");
        fs::create_dir(&work).unwrap();
        let v = Self {
            _dir: dir,
            root,
            work,
        };
        v.ok(None, &["init", "--holder", "UN Mechanism"]);
        v
    }

    fn run(&self, user: Option<&str>, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_custodia"));
        command
            .env("CUSTODIA_DATA_DIR", &self.root)
            .env_remove("CUSTODIA_USER")
            .arg("--json")
            .args(args)
            .current_dir(&self.work)
            .stdin(Stdio::null());
        if let Some(user) = user {
            command.args(["--as", user]);
        }
        command.output().unwrap()
    }

    fn ok(&self, user: Option<&str>, args: &[&str]) -> Value {
        let out = self.run(user, args);
        assert!(
            out.status.success(),
            "{args:?} as {user:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Fails, and returns the JSON error document.
    fn fails(&self, user: Option<&str>, args: &[&str]) -> Value {
        let out = self.run(user, args);
        assert!(
            !out.status.success(),
            "{args:?} as {user:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn file(&self, name: &str, text: &str) -> (PathBuf, String) {
        let dir = self.work.join(name);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.txt"));
        fs::write(&path, text).unwrap();
        (dir, hex::encode(Sha256::digest(text.as_bytes())))
    }
}

/// Replaces the item's hash in an error text, so that errors about two items can be compared.
fn shape(error: &Value, sha: &str) -> String {
    error["error"].as_str().unwrap().replace(sha, "<item>")
}

fn setup() -> (Vault, String, String, String) {
    let v = Vault::new();
    let (iraq_dir, iraq) = v.file("iraq", "Register of detainees, Mosul, 2016");
    let (ngo_dir, ngo) = v.file("ngo", "Witness statement W-17, Sinjar");
    let (team_dir, team) = v.file("team", "Open-source video log, Raqqa");
    for (dir, originator, case, regime) in [
        (&iraq_dir, "Iraq", "C1", "consent"),
        (&ngo_dir, "Yazidi NGO", "C1", "restricted"),
        (&team_dir, "UN Team", "C2", "open"),
    ] {
        v.ok(
            None,
            &[
                "ingest",
                dir.to_str().unwrap(),
                "--originator",
                originator,
                "--case",
                case,
                "--regime",
                regime,
            ],
        );
    }
    v.ok(
        None,
        &["org", "add", "NL-OM", "--kind", "requesting_authority"],
    );
    v.ok(
        None,
        &["org", "add", "FR-PNAT", "--kind", "requesting_authority"],
    );
    for (user, org, role) in [
        ("ana", "UN Mechanism", "analyst"),
        ("aud", "UN Mechanism", "auditor"),
        ("iq", "Iraq", "originator_liaison"),
        ("nl", "NL-OM", "requester"),
        ("fr", "FR-PNAT", "requester"),
        ("sysop", "UN Mechanism", "administrator"),
    ] {
        v.ok(None, &["user", "add", user, "--org", org, "--role", role]);
    }
    v.ok(None, &["case", "add", "C1"]);
    v.ok(None, &["case", "add-member", "C1", "ana"]);
    (v, iraq, ngo, team)
}

#[test]
fn roles_decide_who_sees_what() {
    let (v, iraq, ngo, team) = setup();
    let visible = |user: &str, sha: &str| v.run(Some(user), &["show", sha]).status.success();

    // The administrator of init is also a custodian: sees everything.
    for sha in [&iraq, &ngo, &team] {
        assert!(visible("admin", sha));
        assert!(visible("aud", sha), "auditors see metadata");
    }
    // The analyst sees case C1, except what its supplier restricted.
    assert!(visible("ana", &iraq));
    assert!(!visible("ana", &ngo), "restricted");
    assert!(!visible("ana", &team), "not on case C2");
    // A liaison sees what their organisation supplied, nothing else.
    assert!(visible("iq", &iraq));
    assert!(!visible("iq", &ngo) && !visible("iq", &team));
    // Requesters see nothing that was not released to them; a sysadmin alone sees nothing.
    for sha in [&iraq, &ngo, &team] {
        assert!(!visible("nl", sha) && !visible("fr", sha) && !visible("sysop", sha));
    }

    // Auditors read history but never take content out.
    v.ok(Some("aud"), &["history", &iraq]);
    let e = v.fails(
        Some("aud"),
        &["get", &iraq, "--out", "copy", "--reason", "audit"],
    );
    assert!(shape(&e, &iraq).contains("not permitted"), "{e}");
    assert!(!v.work.join("copy").exists());
    // The analyst takes out an item of their case; the download names them.
    v.ok(
        Some("ana"),
        &["get", &iraq, "--out", "copy", "--reason", "analysis"],
    );
    let history = v.ok(None, &["history", &iraq]);
    let download = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "download")
        .unwrap();
    assert_eq!(download["actor"], "ana");
}

#[test]
fn denied_items_look_exactly_like_missing_ones() {
    let (v, iraq, ngo, _) = setup();
    let missing = hex::encode(Sha256::digest(b"never ingested"));
    for command in ["show", "history"] {
        let denied = v.fails(Some("nl"), &[command, &ngo]);
        let absent = v.fails(Some("nl"), &[command, &missing]);
        assert_eq!(shape(&denied, &ngo), shape(&absent, &missing), "{command}");
    }
    let denied = v.fails(Some("fr"), &["get", &iraq, "--out", "x", "--reason", "r"]);
    let absent = v.fails(
        Some("fr"),
        &["get", &missing, "--out", "x", "--reason", "r"],
    );
    assert_eq!(shape(&denied, &iraq), shape(&absent, &missing));
    // The same for the regime of an item the person may not see.
    let denied = v.fails(Some("ana"), &["regime", "show", &ngo]);
    let absent = v.fails(Some("ana"), &["regime", "show", &missing]);
    assert_eq!(shape(&denied, &ngo), shape(&absent, &missing));
    // An unknown user is refused, not treated as anyone.
    let e = v.fails(Some("mallory"), &["show", &iraq]);
    assert!(
        e["error"].as_str().unwrap().contains("no user `mallory`"),
        "{e}"
    );
}

#[test]
fn only_the_right_people_change_access() {
    let (v, iraq, ngo, _) = setup();
    // Administration needs the administrator role.
    for user in ["ana", "iq", "nl", "aud"] {
        v.fails(
            Some(user),
            &[
                "user",
                "add",
                "eve",
                "--org",
                "NL-OM",
                "--role",
                "custodian",
            ],
        );
        v.fails(Some(user), &["org", "approve", "NL-OM"]);
        // Reading the accounts: the holder's auditors too, as in the API and the pages.
        if user == "aud" {
            v.ok(Some(user), &["user", "list"]);
        } else {
            v.fails(Some(user), &["user", "list"]);
        }
    }
    // Consent is the originator's: not the holder's, not another originator's.
    v.fails(None, &["consent", "grant", &iraq, "--to", "NL-OM"]);
    v.fails(
        Some("iq"),
        &[
            "consent",
            "grant",
            &ngo,
            "--to",
            "NL-OM",
            "--originator",
            "Iraq",
        ],
    );
    v.fails(
        Some("iq"),
        &[
            "consent",
            "grant",
            &iraq,
            "--to",
            "NL-OM",
            "--originator",
            "Yazidi NGO",
        ],
    );
    let granted = v.ok(Some("iq"), &["consent", "grant", &iraq, "--to", "NL-OM"]);
    assert_eq!(granted["decision"], "grant");
    // A refusal needs a reason; unknown condition kinds are refused.
    v.fails(Some("iq"), &["consent", "refuse", &iraq, "--to", "FR-PNAT"]);
    let conditions = v.work.join("conditions.json");
    fs::write(&conditions, r#"[{"kind": "use_as_you_like"}]"#).unwrap();
    let e = v.fails(
        Some("iq"),
        &[
            "consent",
            "grant",
            &iraq,
            "--to",
            "FR-PNAT",
            "--conditions",
            conditions.to_str().unwrap(),
        ],
    );
    assert!(
        e["error"].as_str().unwrap().contains("no_death_penalty"),
        "{e}"
    );

    // Regimes: the liaison of the supplier or a custodian; history kept.
    v.fails(Some("ana"), &["regime", "set", "open", "--item", &iraq]);
    v.ok(
        Some("iq"),
        &[
            "regime",
            "set",
            "restricted",
            "--item",
            &iraq,
            "--reason",
            "witness safety",
        ],
    );
    assert!(
        !v.run(Some("ana"), &["show", &iraq]).status.success(),
        "now restricted"
    );
    let regimes = v.ok(None, &["regime", "show", &iraq]);
    let sub = &regimes["submissions"][0];
    assert_eq!(sub["regime"], "restricted");
    assert_eq!(sub["history"].as_array().unwrap().len(), 2);

    // Every change is in the custody log, and the vault still verifies.
    let verified = v.ok(None, &["verify"]);
    assert_eq!(verified["ok"], true);
    let actions: Vec<String> = v.ok(None, &["history", &iraq])["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(actions.contains(&"consent".to_owned()) && actions.contains(&"regime_set".to_owned()));
}

#[test]
fn ingest_needs_a_custodian() {
    let (v, ..) = setup();
    let (dir, _) = v.file("more", "more material");
    for user in ["ana", "iq", "nl", "sysop", "aud"] {
        let e = v.fails(
            Some(user),
            &["ingest", dir.to_str().unwrap(), "--originator", "Iraq"],
        );
        assert!(e["error"].as_str().unwrap().contains("custodian"), "{e}");
    }
}
