//! Inputs that cannot be stored, or not as they are: each gives an error entry naming the input,
//! and the rest of the ingest goes on.

mod support;

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use support::*;

/// A collection folder holding `aaa-first.txt` and `zzz-last.txt` around whatever `setup` adds;
/// returns the ingest report after checking that both good files were stored.
fn ingest_around(vault: &TestVault, extra: &[&str], setup: impl FnOnce(&Path)) -> (Value, PathBuf) {
    let input = vault.folder("collection");
    fs::write(input.join("aaa-first.txt"), b"the first good file\n").unwrap();
    fs::write(input.join("zzz-last.txt"), b"the last good file\n").unwrap();
    setup(&input);
    let report = vault.ingest(&[&input], "Originator", extra);
    for (name, bytes) in [
        ("aaa-first.txt", &b"the first good file\n"[..]),
        ("zzz-last.txt", b"the last good file\n"),
    ] {
        let item = item_at(&report, &shown(&input.join(name)));
        assert_eq!(item["sha256"], sha256_hex(bytes).as_str());
    }
    (report, input)
}

fn path_in(input: &Path, name: &str) -> String {
    shown(&input.join(name))
}

#[test]
fn unreadable_file_is_reported_and_skipped() {
    if running_as_root() {
        eprintln!("skipped: root reads files whatever their mode");
        return;
    }
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &[], |input| {
        let file = input.join("locked.txt");
        fs::write(&file, b"cannot be read").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    });
    let error = error_at(&report, &path_in(&input, "locked.txt"), "not_stored");
    assert!(
        error["error"].as_str().unwrap().contains("permission"),
        "{error}"
    );
    assert!(!has_item(&report, &path_in(&input, "locked.txt")));
    assert_eq!(items(&report).len(), 2);
}

#[test]
fn symlink_loops_are_reported_and_not_followed() {
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &[], |input| {
        std::os::unix::fs::symlink("self-loop", input.join("self-loop")).unwrap();
        std::os::unix::fs::symlink("loop-b", input.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", input.join("loop-b")).unwrap();
        fs::create_dir(input.join("sub")).unwrap();
        fs::write(input.join("sub/inside.txt"), b"inside the sub folder\n").unwrap();
        std::os::unix::fs::symlink("..", input.join("sub/back-up")).unwrap();
    });
    for name in ["self-loop", "loop-a", "loop-b", "sub/back-up"] {
        let error = error_at(&report, &path_in(&input, name), "not_stored");
        assert!(
            error["error"].as_str().unwrap().contains("loop"),
            "{name}: {error}"
        );
    }
    // The folder is walked once: nothing is listed again through the loop.
    assert!(has_item(&report, &path_in(&input, "sub/inside.txt")));
    assert_eq!(items(&report).len(), 3, "{report:#}");
    for item in items(&report) {
        assert!(
            !item["path"].as_str().unwrap().contains("back-up"),
            "{item}"
        );
    }
}

#[test]
fn symlinks_out_of_the_collection_are_not_followed() {
    let vault = TestVault::new();
    let outside = vault.folder("outside");
    let secret = b"a file outside the collection\n";
    fs::write(outside.join("secret.txt"), secret).unwrap();
    let (report, input) = ingest_around(&vault, &[], |input| {
        std::os::unix::fs::symlink(outside.join("secret.txt"), input.join("escape.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, input.join("escape-dir")).unwrap();
        std::os::unix::fs::symlink("aaa-first.txt", input.join("inside-link.txt")).unwrap();
    });
    for name in ["escape.txt", "escape-dir"] {
        let error = error_at(&report, &path_in(&input, name), "not_stored");
        assert!(
            error["error"]
                .as_str()
                .unwrap()
                .contains("out of the collection"),
            "{error}"
        );
    }
    let secret_sha = sha256_hex(secret);
    assert!(items(&report)
        .iter()
        .all(|i| i["sha256"] != secret_sha.as_str()));
    // A link that stays inside is followed: the same bytes under the link's name.
    let linked = item_at(&report, &path_in(&input, "inside-link.txt"));
    assert_eq!(
        linked["sha256"],
        sha256_hex(b"the first good file\n").as_str()
    );
    assert_eq!(linked["status"], "duplicate");
}

#[test]
fn fifo_is_reported_without_blocking() {
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &[], |input| {
        let path = std::ffi::CString::new(input.join("pipe").as_os_str().as_bytes()).unwrap();
        // SAFETY: `path` is a valid NUL-terminated string.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    });
    let error = error_at(&report, &path_in(&input, "pipe"), "not_stored");
    assert!(error["error"].as_str().unwrap().contains("FIFO"), "{error}");
    assert_eq!(items(&report).len(), 2);
}

#[test]
fn unix_socket_is_reported() {
    let vault = TestVault::new();
    let mut listener = None;
    let (report, input) = ingest_around(&vault, &[], |input| {
        listener = Some(std::os::unix::net::UnixListener::bind(input.join("socket")).unwrap());
    });
    let error = error_at(&report, &path_in(&input, "socket"), "not_stored");
    assert!(
        error["error"].as_str().unwrap().contains("socket"),
        "{error}"
    );
    assert_eq!(items(&report).len(), 2);
    drop(listener);
}

#[test]
fn empty_file_is_stored_with_a_warning() {
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &[], |input| {
        fs::write(input.join("empty.txt"), b"").unwrap();
    });
    let item = item_at(&report, &path_in(&input, "empty.txt"));
    assert_eq!(item["sha256"], sha256_hex(b"").as_str());
    assert_eq!(item["size"], 0);
    assert_eq!(item["status"], "stored");
    let warning = error_at(&report, &path_in(&input, "empty.txt"), "warning");
    assert!(
        warning["error"].as_str().unwrap().contains("empty"),
        "{warning}"
    );
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

#[test]
fn names_that_are_not_utf8_are_stored_under_distinct_escaped_paths() {
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &[], |input| {
        let a = OsStr::from_bytes(b"name-\xff.txt");
        let b = OsStr::from_bytes(b"name-\xfe.txt");
        fs::write(input.join(a), b"bytes under a Latin-1 name\n").unwrap();
        fs::write(input.join(b), b"bytes under another Latin-1 name\n").unwrap();
    });
    let a = item_at(&report, &path_in(&input, "name-\\xFF.txt"));
    let b = item_at(&report, &path_in(&input, "name-\\xFE.txt"));
    assert_eq!(
        a["sha256"],
        sha256_hex(b"bytes under a Latin-1 name\n").as_str()
    );
    assert_eq!(
        b["sha256"],
        sha256_hex(b"bytes under another Latin-1 name\n").as_str()
    );
    for name in ["name-\\xFF.txt", "name-\\xFE.txt"] {
        let warning = error_at(&report, &path_in(&input, name), "warning");
        assert!(
            warning["error"].as_str().unwrap().contains("UTF-8"),
            "{warning}"
        );
    }
    assert_eq!(items(&report).len(), 4);
    let show = vault.show(a["sha256"].as_str().unwrap());
    assert_eq!(show["submissions"][0]["original_name"], "name-\\xFF.txt");
    // A rerun resumes them like any other path.
    let again = vault.ingest(&[&input], "Originator", &[]);
    assert!(items(&again)
        .iter()
        .all(|i| i["status"] == "already_recorded"));
}

#[test]
fn paths_repeated_in_one_submission_are_kept_apart() {
    let vault = TestVault::new();
    // A tar appended to (`tar -r`) holds the same name twice, with different contents.
    let first = b"the first version\n".to_vec();
    let second = b"the second version\n".to_vec();
    let tar = tar_bytes(&[("f.txt", &first), ("f.txt", &second)]);
    let (report, input) = ingest_around(&vault, &[], |input| {
        fs::write(input.join("appended.tar"), &tar).unwrap();
    });
    let base = format!("{}!/f.txt", path_in(&input, "appended.tar"));
    assert_eq!(
        item_at(&report, &base)["sha256"],
        sha256_hex(&first).as_str()
    );
    let renamed = format!("{base} (2)");
    let item = item_at(&report, &renamed);
    assert_eq!(item["sha256"], sha256_hex(&second).as_str());
    assert_eq!(item["path_in_parent"], "f.txt");
    error_at(&report, &renamed, "warning");
    let again = vault.ingest(&[&input], "Originator", &[]);
    assert!(items(&again)
        .iter()
        .all(|i| i["status"] == "already_recorded"));
    assert_eq!(items(&again).len(), items(&report).len());

    // The same file named twice on the command line.
    let file = vault.folder("single").join("twice.txt");
    fs::write(&file, b"named twice\n").unwrap();
    let report = vault.ingest(&[&file, &file], "Originator", &[]);
    assert_eq!(items(&report).len(), 2, "{report:#}");
    assert_eq!(item_at(&report, &shown(&file))["status"], "stored");
    let again = format!("{} (2)", shown(&file));
    assert_eq!(item_at(&report, &again)["status"], "duplicate");
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

/// The walk remembers no path it cannot meet twice; these are the ways a walked path can meet
/// another, and each is still told apart.
#[test]
fn walked_paths_that_spell_another_are_kept_apart() {
    let vault = TestVault::new();
    let member = b"the archive's member\n".to_vec();
    let tar = tar_bytes(&[("f.txt", &member)]);
    let (report, input) = ingest_around(&vault, &[], |input| {
        // A folder named like the archive's members' prefix, beside the archive.
        fs::write(input.join("x.tar"), &tar).unwrap();
        fs::create_dir(input.join("x.tar!")).unwrap();
        fs::write(
            input.join("x.tar!/f.txt"),
            b"a file in a folder named x.tar!\n",
        )
        .unwrap();
        // A name that is not UTF-8 whose escaped form another name spells out.
        fs::write(input.join(OsStr::from_bytes(b"n-\xc3")), b"raw byte\n").unwrap();
        fs::write(input.join("n-\\xC3"), b"spelled out\n").unwrap();
    });
    // The walk runs ahead of the archive's expansion, so the file walked keeps the path.
    let base = format!("{}!/f.txt", path_in(&input, "x.tar"));
    assert_eq!(
        item_at(&report, &base)["sha256"],
        sha256_hex(b"a file in a folder named x.tar!\n").as_str()
    );
    let renamed = format!("{base} (2)");
    let item = item_at(&report, &renamed);
    assert_eq!(item["sha256"], sha256_hex(&member).as_str());
    assert_eq!(item["path_in_parent"], "f.txt");
    error_at(&report, &renamed, "warning");
    let spelled = path_in(&input, "n-\\xC3");
    assert_eq!(
        item_at(&report, &spelled)["sha256"],
        sha256_hex(b"spelled out\n").as_str()
    );
    assert_eq!(
        item_at(&report, &format!("{spelled} (2)"))["sha256"],
        sha256_hex(b"raw byte\n").as_str()
    );
    assert_eq!(items(&report).len(), 7, "{report:#}");

    // A folder and a file inside it, both named: the file is recorded twice, apart.
    let inner = input.join("aaa-first.txt");
    let again = vault.ingest(&[&input, &inner], "Another originator", &[]);
    assert_eq!(items(&again).len(), 8, "{again:#}");
    let twice = format!("{} (2)", shown(&inner));
    assert_eq!(
        item_at(&again, &twice)["sha256"],
        sha256_hex(b"the first good file\n").as_str()
    );
    // Nothing of the report is left in the vault's scratch folder.
    let scratch = vault.dir.join("tmp");
    if scratch.exists() {
        assert_eq!(fs::read_dir(&scratch).unwrap().count(), 0);
    }
}

#[test]
fn zip_member_names_cannot_escape() {
    let vault = TestVault::new();
    let tag = sha256_hex(vault.dir.to_string_lossy().as_bytes())[..12].to_owned();
    let evil = format!("evil-{tag}.txt");
    let abs = format!("abs-{tag}.txt");
    let parent = vault.tmp.path().to_owned();
    let outside_before: Vec<PathBuf> = files_under(&parent)
        .into_iter()
        .filter(|p| !p.starts_with(&vault.dir))
        .collect();
    let zip = zip_bytes(&[
        (&format!("../{evil}"), b"climbing out\n"),
        (&format!("/{abs}"), b"an absolute name\n"),
        (&format!("./../{evil}"), b"climbing further\n"),
    ]);
    let (report, input) = ingest_around(&vault, &[], |input| {
        fs::write(input.join("slip.zip"), &zip).unwrap();
    });
    let archive = path_in(&input, "slip.zip");
    assert_eq!(item_at(&report, &archive)["status"], "stored");
    let safe_evil = format!("{archive}!/{evil}");
    let safe_abs = format!("{archive}!/{abs}");
    assert_eq!(
        item_at(&report, &safe_evil)["sha256"],
        sha256_hex(b"climbing out\n").as_str()
    );
    assert_eq!(
        item_at(&report, &safe_evil)["path_in_parent"],
        evil.as_str()
    );
    assert_eq!(
        item_at(&report, &safe_abs)["sha256"],
        sha256_hex(b"an absolute name\n").as_str()
    );
    // The third member makes the same safe name: kept apart, not merged.
    assert_eq!(
        item_at(&report, &format!("{safe_evil} (2)"))["sha256"],
        sha256_hex(b"climbing further\n").as_str()
    );
    let warnings: Vec<&Value> = errors(&report)
        .iter()
        .filter(|e| e["kind"] == "warning")
        .collect();
    assert!(
        warnings.iter().any(
            |w| w["path"] == safe_evil.as_str() && w["error"].as_str().unwrap().contains("../")
        ),
        "{report:#}"
    );
    assert!(
        warnings.iter().any(|w| w["path"] == safe_abs.as_str()
            && w["error"].as_str().unwrap().contains(&format!("/{abs}"))),
        "{report:#}"
    );
    // Nothing was written by name anywhere: not next to the vault or the input, not at `/`.
    let outside_after: Vec<PathBuf> = files_under(&parent)
        .into_iter()
        .filter(|p| !p.starts_with(&vault.dir) && !p.starts_with(&input))
        .collect();
    let outside_before: Vec<PathBuf> = outside_before
        .into_iter()
        .filter(|p| !p.starts_with(&input))
        .collect();
    assert_eq!(outside_after, outside_before);
    for dir in [
        parent.as_path(),
        Path::new("/"),
        &std::env::current_dir().unwrap(),
    ] {
        assert!(!dir.join(&evil).exists(), "{}", dir.display());
        assert!(!dir.join(&abs).exists(), "{}", dir.display());
    }
    assert!(files_under(&parent)
        .iter()
        .all(|p| !p.to_string_lossy().contains(&tag)));
}

/// A ZIP whose one large member is 50 MiB of zeros (about 50 KiB compressed), and a small one.
fn zip_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("readme.txt", options).unwrap();
        zip.write_all(b"read me first\n").unwrap();
        zip.start_file("zeros.bin", options).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..50 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap().into_inner()
    })
}

fn check_bomb_stopped(vault: &TestVault, report: &Value, input: &Path, limit: &str) {
    let archive = path_in(input, "bomb.zip");
    let item = item_at(report, &archive);
    assert_eq!(item["status"], "stored");
    assert_eq!(item["mime"], "application/zip");
    assert_eq!(item["sha256"], sha256_hex(zip_bomb()).as_str());
    let error = error_at(report, &archive, "not_expanded");
    let text = error["error"].as_str().unwrap();
    assert!(
        text.contains("expansion stopped") && text.contains(limit),
        "{error}"
    );
    assert!(
        !has_item(report, &format!("{archive}!/zeros.bin")),
        "{report:#}"
    );
    let show = vault.show(item["sha256"].as_str().unwrap());
    assert!(
        show["expansion_error"].as_str().unwrap().contains(limit),
        "{show:#}"
    );
    // Nothing of the stopped member was left behind.
    assert!(vault.blob_temporaries().is_empty());
    assert_eq!(vault.blob_files().len(), items(report).len());
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

#[test]
fn zip_bomb_is_stopped_by_the_expansion_ratio() {
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &["--max-expansion-ratio", "10"], |input| {
        fs::write(input.join("bomb.zip"), zip_bomb()).unwrap();
    });
    check_bomb_stopped(&vault, &report, &input, "max_ratio");
}

#[test]
fn zip_bomb_is_stopped_by_the_expanded_bytes_limit() {
    let vault = TestVault::new();
    let (report, input) = ingest_around(&vault, &["--max-expanded-bytes", "2000000"], |input| {
        fs::write(input.join("bomb.zip"), zip_bomb()).unwrap();
    });
    check_bomb_stopped(&vault, &report, &input, "max_expanded_bytes");
}

#[test]
fn archives_nested_deeper_than_the_limit_are_kept_unexpanded() {
    let vault = TestVault::new();
    let deep = b"two archives down\n".to_vec();
    let inner = zip_bytes(&[("deep.txt", &deep)]);
    let outer = zip_bytes(&[
        ("inner.zip", &inner),
        ("shallow.txt", b"one archive down\n"),
    ]);
    let (report, input) = ingest_around(&vault, &["--max-archive-depth", "1"], |input| {
        fs::write(input.join("outer.zip"), &outer).unwrap();
    });
    let outer_path = path_in(&input, "outer.zip");
    let inner_path = format!("{outer_path}!/inner.zip");
    assert_eq!(
        item_at(&report, &inner_path)["sha256"],
        sha256_hex(&inner).as_str()
    );
    assert!(has_item(&report, &format!("{outer_path}!/shallow.txt")));
    assert!(!has_item(&report, &format!("{inner_path}!/deep.txt")));
    let error = error_at(&report, &inner_path, "not_expanded");
    assert!(
        error["error"].as_str().unwrap().contains("max_depth"),
        "{error}"
    );
    assert!(errors_at(&report, &outer_path).is_empty());
    let show = vault.show(&sha256_hex(&inner));
    assert!(show["expansion_error"].is_string());
}

#[test]
fn encrypted_zip_members_are_reported_and_the_rest_expanded() {
    use zip::unstable::write::FileOptionsExt;
    let vault = TestVault::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let plain = zip::write::SimpleFileOptions::default();
    zip.start_file("open.txt", plain).unwrap();
    zip.write_all(b"not encrypted\n").unwrap();
    let locked = plain.with_deprecated_encryption(b"hunter2").unwrap();
    zip.start_file("secret.txt", locked).unwrap();
    zip.write_all(b"encrypted with ZipCrypto\n").unwrap();
    let bytes = zip.finish().unwrap().into_inner();

    let (report, input) = ingest_around(&vault, &[], |input| {
        fs::write(input.join("locked.zip"), &bytes).unwrap();
    });
    let archive = path_in(&input, "locked.zip");
    assert_eq!(
        item_at(&report, &archive)["sha256"],
        sha256_hex(&bytes).as_str()
    );
    assert_eq!(
        item_at(&report, &format!("{archive}!/open.txt"))["sha256"],
        sha256_hex(b"not encrypted\n").as_str()
    );
    assert!(!has_item(&report, &format!("{archive}!/secret.txt")));
    let error = error_at(&report, &archive, "not_expanded");
    assert!(
        error["error"].as_str().unwrap().contains("encrypted"),
        "{error}"
    );
}

#[test]
fn truncated_zip_is_stored_and_reported() {
    let vault = TestVault::new();
    let a = content("first member", 4000);
    let b = content("second member", 4000);
    let whole = zip_bytes(&[("a.bin", &a), ("b.bin", &b)]);
    let half = whole[..whole.len() / 2].to_vec();
    let (report, input) = ingest_around(&vault, &[], |input| {
        fs::write(input.join("cut.zip"), &half).unwrap();
    });
    let archive = path_in(&input, "cut.zip");
    let item = item_at(&report, &archive);
    assert_eq!(item["sha256"], sha256_hex(&half).as_str());
    assert_eq!(item["size"], half.len() as u64);
    let error = error_at(&report, &archive, "not_expanded");
    assert!(error["error"].as_str().unwrap().contains("ZIP"), "{error}");
    let (code, verify) = vault.verify(true);
    assert_eq!(code, 0, "{verify:#}");
}

#[test]
fn missing_input_is_reported_and_the_others_ingested() {
    let vault = TestVault::new();
    let good = vault.folder("in").join("good.txt");
    fs::write(&good, b"good\n").unwrap();
    let missing = vault.tmp.path().join("no-such-file.txt");
    let report = vault.ingest(&[&missing, &good], "Originator", &[]);
    error_at(&report, &shown(&missing), "not_stored");
    assert_eq!(item_at(&report, &shown(&good))["status"], "stored");
}
