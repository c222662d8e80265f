//! A vault whose catalog lives in PostgreSQL (`init --catalog postgres://…`), end to end through
//! the CLI: ingest, extraction and search, `get`, `verify --deep`; the password never stored; a
//! database that holds another vault refused; and PostgreSQL killed in the middle of an ingest.
//!
//! These tests run when `CUSTODIA_TEST_POSTGRES_URL` names a server (`scripts/test-postgres`
//! starts a throw-away cluster and sets it, with `CUSTODIA_TEST_POSTGRES_DIR` for the fault test).

mod support;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;

/// The tests share one PostgreSQL cluster, which one of them kills and restarts: it runs alone
/// (write lock), the others beside each other (read lock).
static CLUSTER: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn shared_cluster() -> std::sync::RwLockReadGuard<'static, ()> {
    CLUSTER.read().unwrap_or_else(|e| e.into_inner())
}

/// A fresh, empty database, if PostgreSQL tests are enabled: its URL (with a password, which
/// the server's trust authentication ignores and the vault must not store).
fn fresh_database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("CUSTODIA_TEST_POSTGRES_URL") else {
        service_missing(
            "postgres",
            "skipped: CUSTODIA_TEST_POSTGRES_URL is not set (run scripts/test-postgres)",
        );
        return None;
    };
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        let status = Command::new("psql")
            .args([url.as_str(), "-q", "-v", "ON_ERROR_STOP=1", "-c", &sql])
            .status()
            .expect("psql runs");
        assert!(status.success(), "{sql}");
    }
    let (base, _) = url.rsplit_once('/').unwrap();
    let base = base.replacen("://custodia@", "://custodia:never-stored@", 1);
    Some(format!("{base}/{name}"))
}

fn init_vault(url: &str) -> TestVault {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let init =
        run(custodia()
            .arg("--data-dir")
            .arg(&dir)
            .args(["--json", "init", "--catalog", url]))
        .ok();
    TestVault { tmp, dir, init }
}

#[test]
fn a_vault_with_its_catalog_in_postgres_ingests_searches_and_verifies() {
    let _cluster = shared_cluster();
    let Some(url) = fresh_database("cli_end_to_end") else {
        return;
    };
    let vault = init_vault(&url);
    let vault_json = fs::read_to_string(vault.dir.join("vault.json")).unwrap();
    assert!(!vault_json.contains("never-stored"), "{vault_json}");
    let config: Value = serde_json::from_str(&vault_json).unwrap();
    assert!(config["catalog"]
        .as_str()
        .unwrap()
        .ends_with("/cli_end_to_end"));
    assert_eq!(vault.init["catalog"], config["catalog"]);
    assert!(
        !vault.dir.join("catalog").exists(),
        "no local catalog beside a PostgreSQL one"
    );

    let input = vault.folder("in");
    fs::write(
        input.join("statement.txt"),
        "The witness saw the convoy leave Sinjar at dawn.",
    )
    .unwrap();
    fs::write(input.join("register.txt"), "سجل السجن في الموصل").unwrap();
    fs::write(
        input.join("bundle.zip"),
        zip_bytes(&[("inner/note.txt", b"a note inside an archive")]),
    )
    .unwrap();
    let report = vault.ingest(&[&input], "Yazda", &[]);
    assert!(
        has_item(
            &report,
            &format!("{}/inner/note.txt", shown(&input.join("bundle.zip")))
        ) || items(&report).len() >= 4,
        "{report}"
    );

    vault.ok(["extract", "--pending"]);
    let hits = vault.ok(["search", "Sinjar"]);
    let hits = hits["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0]["path"].as_str().unwrap().ends_with("statement.txt"));

    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");

    let statement = item_at(&report, &shown(&input.join("statement.txt")));
    let sha = statement["sha256"].as_str().unwrap();
    let history = vault.history(sha);
    assert!(history.to_string().contains("ingest"), "{history}");
    let out = vault.folder("out").join("statement.txt");
    vault.ok([
        "get".as_ref(),
        sha.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--reason".as_ref(),
        "analysis".as_ref(),
    ]);
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        "The witness saw the convoy leave Sinjar at dawn."
    );
}

#[test]
fn a_database_that_holds_another_vault_is_refused() {
    let _cluster = shared_cluster();
    let Some(url) = fresh_database("cli_shared") else {
        return;
    };
    let first = init_vault(&url);
    let other = tempfile::tempdir().unwrap();
    let refused = run(custodia()
        .arg("--data-dir")
        .arg(other.path().join("vault"))
        .args(["--json", "init", "--catalog", &url]))
    .failed();
    let message = refused["error"].as_str().unwrap();
    assert!(message.contains("already holds the catalog"), "{refused}");
    assert!(!message.contains("never-stored"), "{refused}");
    assert!(!other.path().join("vault").exists());

    // A data directory pointed at another vault's database does not open.
    let Some(second_url) = fresh_database("cli_shared_second") else {
        return;
    };
    let second = init_vault(&second_url);
    let mut config: Value =
        serde_json::from_slice(&fs::read(second.dir.join("vault.json")).unwrap()).unwrap();
    config["catalog"] = first.init["catalog"].clone();
    fs::write(
        second.dir.join("vault.json"),
        serde_json::to_vec_pretty(&config).unwrap(),
    )
    .unwrap();
    let refused = second.run(["verify"]).failed();
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("holds the catalog of vault"),
        "{refused}"
    );
}

#[test]
fn an_unreachable_server_is_named_in_the_error() {
    let _cluster = shared_cluster();
    if std::env::var("CUSTODIA_TEST_POSTGRES_URL").is_err() {
        service_missing("postgres", "skipped: CUSTODIA_TEST_POSTGRES_URL is not set");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let refused = run(custodia().arg("--data-dir").arg(&dir).args([
        "--json",
        "init",
        "--catalog",
        "postgres://custodia:hidden@127.0.0.1:1/none",
    ]))
    .failed();
    let message = refused["error"].as_str().unwrap();
    assert!(message.contains("127.0.0.1:1"), "{refused}");
    assert!(!message.contains("hidden"), "{refused}");
    assert!(!dir.exists(), "nothing made");
}

/// More files than one ingest batch (4,000 items), so that PostgreSQL dies between batches.
const FILES: usize = 9000;

fn postgres_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres")
}

#[test]
fn postgres_killed_mid_ingest_loses_nothing_acknowledged() {
    let _alone = CLUSTER.write().unwrap_or_else(|e| e.into_inner());
    let Ok(cluster) = std::env::var("CUSTODIA_TEST_POSTGRES_DIR") else {
        service_missing(
            "postgres",
            "skipped: CUSTODIA_TEST_POSTGRES_DIR is not set (run scripts/test-postgres)",
        );
        return;
    };
    let Some(url) = fresh_database("cli_fault") else {
        return;
    };
    let vault = init_vault(&url);
    let input = vault.folder("many");
    for i in 0..FILES {
        fs::write(
            input.join(format!("doc-{i:04}.txt")),
            format!("document {i} {}", "x".repeat(i * 13 % 500)),
        )
        .unwrap();
    }
    let child = Command::new(env!("CARGO_BIN_EXE_custodia"))
        .arg("--data-dir")
        .arg(&vault.dir)
        .arg("--json")
        .arg("ingest")
        .arg(&input)
        .args(["--originator", "Yazda"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill PostgreSQL once the ingest is under way: its first batch committed, the rest not.
    let committed = |url: &str| -> u64 {
        let out = Command::new("psql")
            .args([url, "-Atq", "-c", "SELECT count(*) FROM items"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    };
    let admin_url = std::env::var("CUSTODIA_TEST_POSTGRES_URL").unwrap();
    let database_url = format!("{}/cli_fault", admin_url.rsplit_once('/').unwrap().0);
    let waited = Instant::now();
    while committed(&database_url) < 4000 {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "the ingest never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new(postgres_script())
        .args(["kill", &cluster])
        .status()
        .unwrap();
    assert!(killed.success());
    let first = child.wait_with_output().unwrap();
    let restarted = Command::new(postgres_script())
        .args(["restart", &cluster])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(restarted.success());
    let first_report = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        !first.status.success(),
        "the ingest finished before PostgreSQL was killed: {first_report}"
    );
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("catalog"), "{stderr}");

    // The same ingest again resumes; afterwards every file is an item, once, and the catalog,
    // the log and the blobs agree.
    let started = Instant::now();
    let report = vault.ingest(&[&input], "Yazda", &[]);
    assert!(started.elapsed() < Duration::from_secs(120));
    let listed = vault.ok(["verify", "--deep"]);
    assert_eq!(
        listed["faults"].as_array().map_or(0, Vec::len),
        0,
        "{listed}"
    );
    let mut hashes = std::collections::BTreeSet::new();
    for i in 0..FILES {
        let path = shown(&input.join(format!("doc-{i:04}.txt")));
        let item = item_at(&report, &path);
        hashes.insert(item["sha256"].as_str().unwrap().to_owned());
    }
    assert_eq!(hashes.len(), FILES);
    // What the interrupted run acknowledged (if it printed a report) is still there.
    if let Ok(json) = serde_json::from_str::<Value>(&first_report) {
        if let Some(acknowledged) = json["items"].as_array() {
            for item in acknowledged {
                let sha = item["sha256"].as_str().unwrap();
                assert!(hashes.contains(sha), "{sha} was acknowledged, then lost");
            }
        }
    }
}

/// A fresh location in the test bucket, if S3 tests are enabled too.
fn s3_location(name: &str) -> Option<String> {
    let bucket = std::env::var("CUSTODIA_TEST_S3_BUCKET").ok()?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Some(format!("s3://{bucket}/{name}-{nanos}"))
}

#[test]
fn an_embedded_vault_migrates_to_postgres_and_back() {
    let _cluster = shared_cluster();
    let Some(url) = fresh_database("cli_migrate") else {
        return;
    };
    let vault = TestVault::new();
    let input = vault.folder("in");
    fs::write(input.join("statement.txt"), "Convoy seen near Sinjar.").unwrap();
    fs::write(input.join("photo.bin"), content("a photo", 3 << 20)).unwrap();
    let report = vault.ingest(&[&input], "Yazda", &[]);
    vault.ok(["extract", "--pending"]);
    vault.ok(["org", "add", "NL-OM", "--kind", "requesting_authority"]);
    let sha = item_at(&report, &shown(&input.join("statement.txt")))["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = vault.history(&sha);
    // A case's analysis (migration 9's tables) moves with the rest.
    vault.ok(["case", "add", "KOCHO"]);
    vault.ok(["case", "charge", "add", "KOCHO", "--crime", "7(1)(a)"]);
    vault.ok([
        "case", "incident", "add", "KOCHO", "--title", "Convoy", "--from", "2014-08", "--lat",
        "36.3", "--lon", "41.8",
    ]);
    for element in ["7(1)(a)/1", "7(1)(a)/2"] {
        vault.ok([
            "case",
            "link",
            "KOCHO",
            "--element",
            element,
            "--item",
            &sha,
            "--assessment",
            "supports",
            "--strength",
            "strong",
            "--incident",
            "I1",
        ]);
    }
    let matrix_before = vault.ok(["case", "matrix", "KOCHO"]);

    // Only an administrator of the holder may move the vault.
    vault.ok([
        "user", "add", "clerk", "--org", "Holder", "--role", "analyst",
    ]);
    let refused = vault
        .run(["--as", "clerk", "migrate", "--to", &url])
        .failed();
    assert!(
        refused["error"].as_str().unwrap().contains("not permitted"),
        "{refused}"
    );

    let blobs = s3_location("migrate");
    let mut args = vec!["migrate", "--to", url.as_str()];
    if let Some(blobs) = &blobs {
        args.extend(["--blobs", blobs.as_str()]);
    }
    let moved = vault.ok(&args);
    assert!(
        moved["to"]["catalog"]
            .as_str()
            .unwrap()
            .ends_with("/cli_migrate"),
        "{moved}"
    );
    assert!(!moved.to_string().contains("never-stored"), "{moved}");
    assert_eq!(moved["verify"]["ok"], true, "{moved}");
    let events = moved["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "events")
        .unwrap();
    assert!(events["rows"].as_u64().unwrap() > 3, "{moved}");
    if blobs.is_some() {
        assert!(moved["blobs_copied"].as_u64().unwrap() >= 2, "{moved}");
    }
    let config: Value =
        serde_json::from_slice(&fs::read(vault.dir.join("vault.json")).unwrap()).unwrap();
    assert_eq!(config["catalog"], moved["to"]["catalog"]);

    // Everything answers as before, from PostgreSQL, and the move is in the custody log.
    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    let hits = vault.ok(["search", "Sinjar"]);
    assert_eq!(hits["hits"].as_array().unwrap().len(), 1, "{hits}");
    let after = vault.history(&sha);
    assert!(after.to_string().len() >= before.to_string().len());
    assert!(vault.ok(["org", "list"]).to_string().contains("NL-OM"));
    assert_eq!(vault.ok(["case", "matrix", "KOCHO"]), matrix_before);
    let map = vault.ok(["case", "map", "KOCHO"]);
    assert_eq!(map["features"].as_array().unwrap().len(), 1, "{map}");
    // And changes on PostgreSQL: a link taken out of force, its number never given again.
    vault.ok(["case", "unlink", "KOCHO", "L2"]);
    let link = vault.ok([
        "case",
        "link",
        "KOCHO",
        "--element",
        "7(1)(a)/3",
        "--item",
        &sha,
        "--assessment",
        "contradicts",
    ]);
    assert_eq!(link["link"], "L3", "{link}");
    let matrix = vault.ok(["case", "matrix", "KOCHO"]);
    let statuses: Vec<&str> = matrix["charges"][0]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["supported", "unproven", "unproven"], "{matrix}");
    let again = vault.run(["migrate", "--to", &url]).failed();
    assert!(
        again["error"].as_str().unwrap().contains("already placed"),
        "{again}"
    );

    // Back into the data directory: the old catalog file must be moved aside first, since it
    // does not hold what happened on PostgreSQL.
    let back = vault
        .run(["migrate", "--to", "data-dir", "--blobs", "data-dir"])
        .failed();
    assert!(
        back["error"].as_str().unwrap().contains("not empty"),
        "{back}"
    );
    fs::rename(vault.dir.join("catalog"), vault.folder("old-catalog")).unwrap();
    let returned = vault.ok(["migrate", "--to", "data-dir", "--blobs", "data-dir"]);
    assert_eq!(returned["to"]["catalog"], "data_dir");
    let config: Value =
        serde_json::from_slice(&fs::read(vault.dir.join("vault.json")).unwrap()).unwrap();
    assert!(config.get("catalog").is_none(), "{config}");
    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    let log = vault.ok(["log", "verify"]);
    assert!(log.to_string().contains("true"), "{log}");
}

#[test]
fn the_server_runs_on_a_vault_with_its_catalog_in_postgres() {
    let _cluster = shared_cluster();
    use support::server::{set_password, Server};
    let Some(url) = fresh_database("cli_serve") else {
        return;
    };
    let vault = init_vault(&url);
    let input = vault.folder("in");
    fs::write(input.join("register.txt"), "prison register of Raqqa").unwrap();
    vault.ingest(&[&input], "Yazda", &[]);
    vault.ok(["extract", "--pending"]);
    set_password(&vault, "admin");
    // The server opens, uses and finally drops the catalog from its asynchronous runtime.
    let server = Server::start(&vault);
    let token = server.token("admin");
    let (status, found) = server.json("/api/v1/search?q=Raqqa", Some(&token));
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total"], 1, "{found}");
    let (status, items) = server.json("/api/v1/items", Some(&token));
    assert_eq!(status, 200, "{items}");
    let (code, _) = server.stop();
    assert_eq!(code, Some(0), "SIGTERM ends the server cleanly");
}

/// Another server's data directory for the same vault: the first one's keys and `vault.json`;
/// its copy of the custody log is filled from the catalog when it first opens.
fn second_server(first: &TestVault) -> TestVault {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    fs::create_dir_all(dir.join("keys")).unwrap();
    fs::set_permissions(dir.join("keys"), fs::Permissions::from_mode(0o700)).unwrap();
    for key in ["master.key", "ledger.key"] {
        fs::copy(first.dir.join("keys").join(key), dir.join("keys").join(key)).unwrap();
        fs::set_permissions(
            dir.join("keys").join(key),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    fs::copy(first.dir.join("vault.json"), dir.join("vault.json")).unwrap();
    TestVault {
        tmp,
        dir,
        init: first.init.clone(),
    }
}

fn spawn_ingest(vault: &TestVault, folder: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_custodia"))
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["--json", "ingest"])
        .arg(folder)
        .args(["--originator", "Yazda"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn write_files(folder: &std::path::Path, label: &str, count: usize) {
    for i in 0..count {
        fs::write(
            folder.join(format!("{label}-{i:05}.txt")),
            format!("{label} statement {i}"),
        )
        .unwrap();
    }
}

/// A vault for several servers: its catalog in PostgreSQL, its blobs in the test bucket.
fn shared_vault(database: &str) -> Option<TestVault> {
    let url = fresh_database(database)?;
    let Some(blobs) = s3_location(database) else {
        service_missing(
            "postgres",
            "skipped: CUSTODIA_TEST_S3_BUCKET is not set (scripts/test-postgres starts Garage)",
        );
        return None;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("vault");
    let init = run(custodia().arg("--data-dir").arg(&dir).args([
        "--json",
        "init",
        "--catalog",
        &url,
        "--blobs",
        &blobs,
    ]))
    .ok();
    Some(TestVault { tmp, dir, init })
}

#[test]
fn a_further_server_needs_shared_blobs() {
    let _cluster = shared_cluster();
    let Some(url) = fresh_database("cli_local_blobs") else {
        return;
    };
    let a = init_vault(&url);
    let b = second_server(&a);
    let refused = b.run(["verify"]).failed();
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("shared S3 bucket"),
        "{refused}"
    );
}

#[test]
fn two_servers_write_one_vault_with_one_log() {
    let _cluster = shared_cluster();
    let Some(a) = shared_vault("cli_two_servers") else {
        return;
    };
    let b = second_server(&a);
    let (in_a, in_b) = (a.folder("a"), b.folder("b"));
    write_files(&in_a, "a", 1500);
    write_files(&in_b, "b", 1500);
    // Both servers ingest at the same time, into one catalog, each with its copy of the log.
    let (first, second) = (spawn_ingest(&a, &in_a), spawn_ingest(&b, &in_b));
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    for out in [&first, &second] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report_b: Value = serde_json::from_slice(&second.stdout).unwrap();
    let sha_b = report_b["items"][0]["sha256"].as_str().unwrap().to_owned();

    // One log: both copies verify, hold the same tree, and sign the same checkpoint.
    let (code, verified_a) = a.verify(true);
    assert_eq!(code, 0, "{verified_a}");
    let (code, verified_b) = b.verify(true);
    assert_eq!(code, 0, "{verified_b}");
    assert_eq!(verified_a["log_size"], verified_b["log_size"]);
    assert_eq!(verified_a["log_root"], verified_b["log_root"]);
    assert!(verified_a["log_size"].as_u64().unwrap() >= 3000);
    let (checkpoint_a, checkpoint_b) = (a.ok(["log", "checkpoint"]), b.ok(["log", "checkpoint"]));
    assert_eq!(checkpoint_a["tree_size"], checkpoint_b["tree_size"]);
    assert_eq!(checkpoint_a["root_hash"], checkpoint_b["root_hash"]);
    // What one server ingested, the other shows, with its custody entry's proof.
    a.show(&sha_b);
    let proof = a.ok(["log", "prove", "--item", &sha_b]);
    assert!(
        proof.to_string().contains("audit_path") || proof.is_object(),
        "{proof}"
    );
}

#[test]
fn a_server_killed_mid_ingest_does_not_hold_up_the_other() {
    let _cluster = shared_cluster();
    let Some(a) = shared_vault("cli_takeover") else {
        return;
    };
    let b = second_server(&a);
    let (in_a, in_b) = (a.folder("a"), b.folder("b"));
    write_files(&in_a, "a", 6000);
    write_files(&in_b, "b", 50);
    let mut first = spawn_ingest(&a, &in_a);
    // Killed in the middle of its ingest (6,000 small files into the bucket take far longer).
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        first.try_wait().unwrap().is_none(),
        "the ingest ended before it could be killed"
    );
    first.kill().unwrap();
    first.wait().unwrap();
    // The other server goes on at once: nothing it needs stays locked by the dead one.
    let started = Instant::now();
    let report = b.ingest(&[&in_b], "Yazda", &[]);
    assert_eq!(items(&report).len(), 50);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    // The killed server resumes its ingest; afterwards both copies of the log agree.
    a.ingest(&[&in_a], "Yazda", &[]);
    let (code, verified_a) = a.verify(true);
    assert_eq!(code, 0, "{verified_a}");
    let (code, verified_b) = b.verify(false);
    assert_eq!(code, 0, "{verified_b}");
    assert_eq!(verified_a["log_root"], verified_b["log_root"]);
}
