//! `init`, the choice of data directory, and usage errors.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use support::*;

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_a_vault_with_owner_only_keys_without_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new/vault");
    // Stdin is /dev/null, not a terminal: init must not prompt or wait.
    let program = custodia().get_program().to_owned();
    let output = std::process::Command::new(program)
        .env_remove("CUSTODIA_DATA_DIR")
        .arg("--data-dir")
        .arg(&dir)
        .args(["init", "--administrator", "registrar", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let init = finish(output).ok();
    assert_eq!(init["data_dir"], shown(&dir));
    assert_eq!(init["administrator"], "registrar");
    let vault_id = init["vault_id"].as_str().unwrap();
    let origin = init["origin"].as_str().unwrap();
    assert_eq!(origin, format!("custodia.vault/{vault_id}"));
    assert!(init["vkey"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{origin}+")));

    for part in ["vault.json", "catalog/catalog.db", "ledger/HEAD", "blobs"] {
        assert!(dir.join(part).exists(), "{part} is missing");
    }
    let keys = dir.join("keys");
    assert_eq!(mode(&keys), 0o700, "keys/ must be owner-only");
    let key_files = files_under(&keys);
    let names: Vec<_> = key_files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"master.key".to_owned()), "{names:?}");
    assert!(names.contains(&"ledger.key".to_owned()), "{names:?}");
    for file in &key_files {
        assert_eq!(mode(file), 0o600, "{} must be 0600", file.display());
    }

    // The vault opens, names its administrator as the default actor, and verifies.
    let vault = std::path::Path::new(&dir);
    let verify = run(custodia()
        .arg("--data-dir")
        .arg(vault)
        .args(["verify", "--json"]))
    .ok();
    assert_eq!(verify["ok"], true, "{verify:#}");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("occupied");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("notes.txt"), b"someone else's file").unwrap();
    let error = run(custodia()
        .arg("--data-dir")
        .arg(&dir)
        .args(["init", "--json"]))
    .failed();
    assert!(
        error["error"].as_str().unwrap().contains("already"),
        "{error}"
    );
    assert!(error["causes"].is_array(), "{error}");
    assert!(!dir.join("vault.json").exists());
    assert!(!dir.join("keys").exists());
    assert_eq!(
        fs::read(dir.join("notes.txt")).unwrap(),
        b"someone else's file"
    );

    // A second init of an existing vault fails too, and leaves its keys alone.
    let vault = TestVault::new();
    let master = fs::read(vault.dir.join("keys/master.key")).unwrap();
    let error = vault.run(["init"]).failed();
    assert!(error["error"].is_string());
    assert_eq!(fs::read(vault.dir.join("keys/master.key")).unwrap(), master);
}

#[test]
fn custodia_data_dir_is_honoured_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("from-env");
    let home = tmp.path().join("home");
    let xdg = tmp.path().join("xdg");
    fs::create_dir_all(&home).unwrap();
    fs::create_dir_all(&xdg).unwrap();
    let input = tmp.path().join("input");
    fs::create_dir(&input).unwrap();
    fs::write(
        input.join("a.txt"),
        b"an item ingested through CUSTODIA_DATA_DIR\n",
    )
    .unwrap();
    let sha = sha256_hex(b"an item ingested through CUSTODIA_DATA_DIR\n");
    let collection = tmp.path().join("collection");
    fs::create_dir(&collection).unwrap();
    fs::write(collection.join("sample.txt"), b"a demonstration sample\n").unwrap();

    let env_run = |args: &[&std::ffi::OsStr]| -> Run {
        let mut command = custodia();
        command
            .env("CUSTODIA_DATA_DIR", &dir)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", &xdg)
            .arg("--json")
            .args(args);
        run(&mut command)
    };

    let init = env_run(&[os("init")]).ok();
    assert_eq!(init["data_dir"], shown(&dir));
    assert!(dir.join("vault.json").exists());

    let report = env_run(&[os("ingest"), input.as_os_str(), os("--originator"), os("O")]).ok();
    assert_eq!(report["items"][0]["sha256"], sha.as_str());
    let show = env_run(&[os("show"), os(&sha)]).ok();
    assert_eq!(show["item"]["sha256"], sha.as_str());
    let out = tmp.path().join("copy.txt");
    let get = env_run(&[
        os("get"),
        os(&sha),
        os("--out"),
        out.as_os_str(),
        os("--reason"),
        os("env check"),
    ])
    .ok();
    assert_eq!(get["sha256"], sha.as_str());
    let history = env_run(&[os("history"), os(&sha)]).ok();
    let actions: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["ingest", "download"]);
    assert_eq!(env_run(&[os("verify")]).ok()["ok"], true);
    assert_eq!(env_run(&[os("verify"), os("--deep")]).ok()["ok"], true);
    let checkpoint = env_run(&[os("log"), os("checkpoint")]).ok();
    assert_eq!(
        checkpoint["tree_size"].as_u64(),
        Some(get["ledger_index"].as_u64().unwrap() + 1)
    );
    let size = checkpoint["tree_size"].as_u64().unwrap().to_string();
    let key = env_run(&[os("log"), os("public-key")]).ok();
    assert_eq!(key["vkey"], init["vkey"]);
    env_run(&[os("log"), os("prove"), os("--entry"), os("0")]).ok();
    env_run(&[os("log"), os("prove"), os("--item"), os(&sha)]).ok();
    let consistency = env_run(&[
        os("log"),
        os("consistency"),
        os("--from"),
        os(&size),
        os("--to"),
        os(&size),
    ])
    .ok();
    assert_eq!(consistency["to"], checkpoint["tree_size"]);
    assert_eq!(env_run(&[os("log"), os("verify")]).ok()["ok"], true);
    let demo = env_run(&[os("demo"), os("--collection"), collection.as_os_str()]).ok();
    assert_eq!(demo["data_dir"], shown(&dir));
    assert_eq!(demo["verify"]["ok"], true);
    // Every command found the one vault: the demo saw the earlier item.
    assert_eq!(demo["verify"]["items_checked"], 2);

    // Nothing fell back to the default location.
    assert!(!xdg.join("custodia").exists());
    assert!(!home.join(".local/share/custodia").exists());
    assert!(files_under(&xdg).is_empty() && files_under(&home).is_empty());

    // `--data-dir` wins over the environment.
    let other = tmp.path().join("other");
    let mut command = custodia();
    command
        .env("CUSTODIA_DATA_DIR", &dir)
        .arg("--data-dir")
        .arg(&other)
        .args(["init", "--json"]);
    assert_eq!(run(&mut command).ok()["data_dir"], shown(&other));
}

#[test]
fn json_usage_errors_print_one_error_document_and_exit_2() {
    let vault = TestVault::new();
    let cases: &[&[&str]] = &[
        &["ingest"],                           // no paths, no originator
        &["ingest", "somewhere"],              // no originator
        &["no-such-command"],                  // unknown command
        &["verify", "--no-such-option"],       // unknown option
        &["log", "prove"],                     // neither --entry nor --item
        &["log", "prove", "--entry", "seven"], // not a number
        &["log", "consistency", "--from", "1"],
    ];
    for args in cases {
        let run = vault.run(*args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let error = run.json["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            !run.stderr.is_empty(),
            "{args:?}: the message goes to stderr too"
        );
    }
    // `--json` after the command's own arguments counts as well.
    let run = run(custodia()
        .arg("--data-dir")
        .arg(&vault.dir)
        .args(["get", "--json"]));
    assert_eq!(run.code, 2);
    assert!(run.json["error"].is_string());
}
