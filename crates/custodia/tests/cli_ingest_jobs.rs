//! Ingest with several files hashed and encrypted at once (`--jobs`): the report, the items'
//! order and their custody entries are the same for one job and for many; bad inputs are still
//! named while the rest goes on; memory stays bounded however many jobs run.

mod support;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use serde_json::Value;
use support::*;

/// Small and large files (across chunk and pipeline edges), duplicates, an empty file, an
/// archive and a dangling symlink.
fn mixed_collection(vault: &TestVault) -> std::path::PathBuf {
    let input = vault.folder("collection");
    for i in 0..40 {
        let len = 100 + i * 997;
        fs::write(
            input.join(format!("note-{i:02}.txt")),
            content(&format!("note {i}"), len),
        )
        .unwrap();
    }
    let sub = input.join("recordings");
    fs::create_dir(&sub).unwrap();
    for (i, len) in [
        (64 << 10) - 1,
        64 << 10,
        (64 << 10) + 1,
        1 << 20,
        (1 << 20) + (64 << 10),
        (3 << 20) + 5,
        9 << 20,
    ]
    .into_iter()
    .enumerate()
    {
        fs::write(
            sub.join(format!("recording-{i}.bin")),
            content(&format!("recording {i}"), len),
        )
        .unwrap();
    }
    fs::write(
        sub.join("recording-copy.bin"),
        content("recording 5", (3 << 20) + 5),
    )
    .unwrap();
    fs::write(input.join("empty.txt"), b"").unwrap();
    fs::write(
        input.join("letters.zip"),
        zip_bytes(&[("a.txt", b"first letter"), ("b.txt", b"second letter")]),
    )
    .unwrap();
    std::os::unix::fs::symlink(input.join("missing"), input.join("dangling")).unwrap();
    input
}

/// What must not depend on the number of jobs: every item's fields in report order, and errors.
fn outcome(report: &Value) -> (Vec<Value>, Vec<Value>) {
    let items = items(report)
        .iter()
        .map(|item| {
            let mut item = item.clone();
            // Log positions differ between vaults only by where the log began.
            item.as_object_mut().unwrap().remove("ledger_index");
            item
        })
        .collect();
    (items, errors(report).clone())
}

#[test]
fn items_and_custody_entries_come_in_name_order_for_any_number_of_jobs() {
    let one = TestVault::new();
    let many = TestVault::new();
    let input = mixed_collection(&one);
    let first = one.ingest(&[&input], "Field team", &["--jobs", "1"]);
    let second = many.ingest(&[&input], "Field team", &["--jobs", "8"]);
    assert_eq!(outcome(&first), outcome(&second));

    // Walk order (names sorted), the archive's members right after it.
    let paths: Vec<&str> = items(&second)
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    let mut top: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| !p.contains("letters.zip/") && !p.ends_with("a.txt") && !p.ends_with("b.txt"))
        .collect();
    let walked = top.clone();
    top.sort();
    assert_eq!(walked, top, "items out of name order");
    assert_eq!(items(&second).len(), 40 + 8 + 1 + 1 + 2, "{second:#}");
    let copy = item_at(
        &second,
        &shown(&input.join("recordings/recording-copy.bin")),
    );
    assert_eq!(copy["status"], "duplicate");

    // Each item's custody entry follows the one before it in the log.
    for report in [&first, &second] {
        let positions: Vec<u64> = items(report)
            .iter()
            .map(|i| i["ledger_index"].as_u64().unwrap())
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "custody entries out of order: {positions:?}"
        );
    }
    // The bad input is named; the rest went on.
    let dangling = error_at(&second, &shown(&input.join("dangling")), "not_stored");
    assert!(dangling["error"].as_str().unwrap().contains("dangling"));
    for vault in [&one, &many] {
        let (code, verified) = vault.verify(true);
        assert_eq!(code, 0, "{verified}");
    }
}

#[test]
fn jobs_must_be_a_positive_number() {
    let vault = TestVault::new();
    let input = vault.folder("in");
    fs::write(input.join("a.txt"), "a").unwrap();
    let out = vault
        .cmd(["ingest".as_ref(), input.as_os_str()])
        .args(["--originator", "X", "--jobs", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--jobs"));
}

#[test]
fn memory_stays_bounded_with_many_jobs() {
    let vault = TestVault::new();
    let input = vault.folder("large");
    for i in 0..16 {
        fs::write(
            input.join(format!("video-{i:02}.bin")),
            content(&format!("video {i}"), 24 << 20),
        )
        .unwrap();
    }
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_custodia"))
        .arg("--data-dir")
        .arg(&vault.dir)
        .arg("ingest")
        .arg(&input)
        .args(["--originator", "Field team", "--jobs", "64"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own unreaped child; both pointers are valid for writing.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let status = std::process::ExitStatus::from_raw(status);
    assert!(status.success(), "ingest failed: {status}");
    let peak_mib = usage.ru_maxrss / 1024;
    assert!(
        peak_mib < 200,
        "peak RSS {peak_mib} MiB with 64 jobs over 16 files of 24 MiB"
    );
    std::mem::forget(child); // reaped above
    let (code, verified) = vault.verify(true);
    assert_eq!(code, 0, "{verified}");
    assert_eq!(verified["blobs_checked"], 16);
}
