//! Crash, power-loss, corruption and concurrency tests of the on-disk log.
//!
//! They guard the ledger's two promises: an append reported done survives any crash, and no
//! change to a committed byte goes unnoticed (reported on open or by verify, never repaired).

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use custodia_ledger::{Ledger, LedgerError, LedgerSigner};
use support::{copy_dir, entry_bytes, Rng};

const ORIGIN: &str = "custodia.test/durability";
const CHILD_ENV: &str = "CUSTODIA_LEDGER_CRASH_CHILD";

fn new_ledger(dir: &Path) -> (PathBuf, LedgerSigner) {
    let signer = LedgerSigner::create_key_file(&dir.join("signing.key"), ORIGIN).unwrap();
    let path = dir.join("ledger");
    Ledger::create(&path, ORIGIN).unwrap();
    (path, signer)
}

/// Not a test of its own: the body of the child process that `sigkill_at_random_moments` kills.
/// It appends batches of deterministic entries forever, printing `committed N` after each
/// append returns, and signs a checkpoint now and then.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let signer = LedgerSigner::load_key_file(&dir.join("signing.key")).unwrap();
    let (ledger, _) = Ledger::open(&dir.join("ledger")).unwrap();
    let mut rng = Rng::from_env_or_time("CUSTODIA_CHILD_SEED");
    let stdout = std::io::stdout();
    for batch in 0u64.. {
        let start = ledger.size();
        let count = 1 + rng.below(64);
        let entries: Vec<Vec<u8>> = (start..start + count).map(entry_bytes).collect();
        let range = ledger.append(&entries).unwrap();
        let mut out = stdout.lock();
        writeln!(out, "committed {}", range.end).unwrap();
        out.flush().unwrap();
        if batch % 7 == 0 {
            ledger.checkpoint(&signer).unwrap();
        }
    }
}

fn kills() -> usize {
    std::env::var("CUSTODIA_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[test]
fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    let mut rng = Rng::from_env_or_time("CUSTODIA_CRASH_SEED");
    let exe = std::env::current_exe().unwrap();
    let mut checked = 0u64;
    let mut torn_tails = 0;
    for kill in 0..kills() {
        let mut child = Command::new(&exe)
            .args(["crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, tmp.path())
            .env("CUSTODIA_CHILD_SEED", (rng.next() | 1).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(2_000 + rng.below(25_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let acknowledged = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| {
                line.strip_prefix("committed ")
                    .and_then(|n| n.parse::<u64>().ok())
            })
            .max()
            .unwrap_or(0);

        let (ledger, recovery) = Ledger::open(&path)
            .unwrap_or_else(|e| panic!("kill {kill}: the log does not open after SIGKILL: {e}"));
        if !recovery.is_clean() {
            torn_tails += 1;
        }
        let size = ledger.size();
        assert!(
            size >= acknowledged,
            "kill {kill}: {acknowledged} entries were acknowledged, {size} survived"
        );
        assert!(
            size >= checked,
            "kill {kill}: the log shrank from {checked} to {size}"
        );
        for i in checked..size {
            assert_eq!(
                ledger.entry(i).unwrap(),
                entry_bytes(i),
                "kill {kill}: entry {i} differs"
            );
        }
        checked = size;
        if kill % 25 == 0 || kill + 1 == kills() {
            let report = ledger.verify(signer.verifier()).unwrap();
            assert!(
                report.is_ok(),
                "kill {kill}: verify found {:?}",
                report.faults
            );
        }
    }
    eprintln!(
        "{} kills, {checked} entries survived, {torn_tails} torn tails cut",
        kills()
    );
    assert!(
        checked > 0,
        "the child never committed anything: the test would prove nothing"
    );
}

/// Power loss during a batch: the data files hold any prefix of the batch (or garbage past the
/// committed end) and `HEAD` is still the old one. The log must open at the old head.
#[test]
fn power_loss_mid_batch_keeps_the_last_committed_head() {
    let mut rng = Rng::from_env_or_time("CUSTODIA_POWER_SEED");
    for round in 0..40 {
        let tmp = tempfile::tempdir().unwrap();
        let (path, signer) = new_ledger(tmp.path());
        let committed: Vec<Vec<u8>> = (0..100 + rng.below(200)).map(entry_bytes).collect();
        let ledger = Ledger::create(&tmp.path().join("scratch"), ORIGIN).unwrap();
        drop(ledger);
        let (ledger, _) = Ledger::open(&path).unwrap();
        ledger.append(&committed).unwrap();
        let old_head = std::fs::read(path.join("HEAD")).unwrap();
        let lengths: Vec<u64> = ["entries", "entries.idx", "hashes"]
            .iter()
            .map(|f| std::fs::metadata(path.join(f)).unwrap().len())
            .collect();
        let more: Vec<Vec<u8>> = (committed.len() as u64..committed.len() as u64 + 50)
            .map(entry_bytes)
            .collect();
        ledger.append(&more).unwrap();
        drop(ledger);
        // Undo the HEAD rename and tear each data file somewhere inside the lost batch.
        std::fs::write(path.join("HEAD"), &old_head).unwrap();
        for (file, old_len) in ["entries", "entries.idx", "hashes"].iter().zip(&lengths) {
            let full = std::fs::metadata(path.join(file)).unwrap().len();
            let cut = old_len + rng.below(full - old_len + 1);
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path.join(file))
                .unwrap();
            f.set_len(cut).unwrap();
            if round % 3 == 0 {
                // A torn sector may also hold garbage rather than nothing.
                use std::os::unix::fs::FileExt;
                f.write_all_at(&[0xA5; 100], cut).unwrap();
            }
        }
        let (ledger, _recovery) = Ledger::open(&path).unwrap();
        assert_eq!(ledger.size(), committed.len() as u64, "round {round}");
        for (i, entry) in committed.iter().enumerate() {
            assert_eq!(&ledger.entry(i as u64).unwrap(), entry);
        }
        assert!(ledger.verify(signer.verifier()).unwrap().is_ok());
        // The log goes on from there.
        ledger.append(&more).unwrap();
        assert!(ledger.verify(signer.verifier()).unwrap().is_ok());
    }
}

/// Losing committed bytes (a file shorter than HEAD says) is corruption, not a torn tail.
#[test]
fn truncation_into_committed_data_is_reported() {
    for file in ["entries", "entries.idx", "hashes"] {
        let tmp = tempfile::tempdir().unwrap();
        let (path, _) = new_ledger(tmp.path());
        let (ledger, _) = Ledger::open(&path).unwrap();
        ledger
            .append(&(0..50).map(entry_bytes).collect::<Vec<_>>())
            .unwrap();
        drop(ledger);
        let len = std::fs::metadata(path.join(file)).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(path.join(file))
            .unwrap()
            .set_len(len - 1)
            .unwrap();
        match Ledger::open(&path) {
            Err(LedgerError::Corrupt(fault)) => assert_eq!(fault.file, file),
            other => panic!("{file}: expected corruption, got {other:?}"),
        }
    }
}

/// Flip one byte at random positions of every file the log writes: each flip is reported by
/// open or by verify, with the file named. No false "OK".
#[test]
fn every_flipped_byte_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    let (ledger, _) = Ledger::open(&path).unwrap();
    for batch in 0..6u64 {
        let entries: Vec<Vec<u8>> = (batch * 60..batch * 60 + 60).map(entry_bytes).collect();
        ledger.append(&entries).unwrap();
        ledger.checkpoint(&signer).unwrap();
    }
    assert!(ledger.verify(signer.verifier()).unwrap().is_ok());
    drop(ledger);

    let mut files = vec![];
    for name in ["HEAD", "entries", "entries.idx", "hashes"] {
        files.push(name.to_owned());
    }
    for entry in std::fs::read_dir(path.join("checkpoints")).unwrap() {
        files.push(format!(
            "checkpoints/{}",
            entry.unwrap().file_name().to_string_lossy()
        ));
    }
    let mut rng = Rng::from_env_or_time("CUSTODIA_FLIP_SEED");
    let mut flips = 0;
    for file in &files {
        let original = std::fs::read(path.join(file)).unwrap();
        let len = original.len() as u64;
        let mut positions: Vec<u64> = (0..40).map(|_| rng.below(len)).collect();
        positions.extend([0, len - 1, len / 2]);
        for position in positions {
            let copy = tempfile::tempdir().unwrap();
            copy_dir(&path, copy.path());
            let mut bytes = original.clone();
            bytes[position as usize] ^= 1 + rng.below(255) as u8;
            std::fs::write(copy.path().join(file), &bytes).unwrap();
            flips += 1;
            let detected = match Ledger::open_read_only(copy.path()) {
                Err(_) => true,
                Ok(ledger) => !ledger
                    .verify(signer.verifier())
                    .map(|r| r.is_ok())
                    .unwrap_or(false),
            };
            assert!(
                detected,
                "a flipped byte at {position} of `{file}` went unnoticed"
            );
            // Opening for writing must not "repair" it either.
            let after_write_open = match Ledger::open(copy.path()) {
                Err(_) => true,
                Ok((ledger, _)) => !ledger
                    .verify(signer.verifier())
                    .map(|r| r.is_ok())
                    .unwrap_or(false),
            };
            assert!(
                after_write_open,
                "a writable open hid the flipped byte at {position} of `{file}`"
            );
        }
    }
    eprintln!("{flips} flips in {} files, all reported", files.len());
}

/// A fault names the file and the position.
#[test]
fn verify_names_the_file_and_offset() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    let (ledger, _) = Ledger::open(&path).unwrap();
    ledger
        .append(&(0..100).map(entry_bytes).collect::<Vec<_>>())
        .unwrap();
    drop(ledger);
    let mut hashes = std::fs::read(path.join("hashes")).unwrap();
    hashes[32 * 10 + 3] ^= 0xFF;
    std::fs::write(path.join("hashes"), &hashes).unwrap();
    let ledger = Ledger::open_read_only(&path).unwrap();
    let report = ledger.verify(signer.verifier()).unwrap();
    let fault = report.faults.first().expect("a fault");
    assert_eq!(fault.file, "hashes");
    assert_eq!(fault.offset, Some(320));
}

/// A copied ledger folder opens and verifies exactly as the original: nothing depends on paths.
#[test]
fn a_copied_folder_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    let (ledger, _) = Ledger::open(&path).unwrap();
    ledger
        .append(&(0..100).map(entry_bytes).collect::<Vec<_>>())
        .unwrap();
    let checkpoint = ledger.checkpoint(&signer).unwrap();
    drop(ledger);
    let elsewhere = tempfile::tempdir().unwrap();
    copy_dir(&path, &elsewhere.path().join("moved"));
    let (copy, recovery) = Ledger::open(&elsewhere.path().join("moved")).unwrap();
    assert!(recovery.is_clean());
    assert!(copy.verify(signer.verifier()).unwrap().is_ok());
    assert_eq!(
        copy.latest_checkpoint(signer.verifier()).unwrap(),
        Some(checkpoint)
    );
}

/// One writer, many readers: readers only ever see committed prefixes, and every proof they make
/// against the head they saw verifies.
#[test]
fn readers_see_only_committed_prefixes() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, _) = new_ledger(tmp.path());
    let (ledger, _) = Ledger::open(&path).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let mut seen = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let head = ledger.head();
                    assert!(head.size >= seen);
                    seen = head.size;
                    if head.size == 0 {
                        continue;
                    }
                    let last = head.size - 1;
                    assert_eq!(ledger.entry(last).unwrap(), entry_bytes(last));
                    let proof = ledger.inclusion_proof(last / 2, head.size).unwrap();
                    proof
                        .verify(ledger.leaf_hash(last / 2).unwrap(), head.root)
                        .unwrap();
                    assert_eq!(ledger.root_at(head.size).unwrap(), head.root);
                }
            });
        }
        // A second process's read-only view never runs ahead of what is committed.
        s.spawn(|| {
            let reader = Ledger::open_read_only(&path).unwrap();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let head = reader.refresh().unwrap();
                if head.size > 0 {
                    assert_eq!(
                        reader.entry(head.size - 1).unwrap(),
                        entry_bytes(head.size - 1)
                    );
                    assert_eq!(reader.root_at(head.size).unwrap(), head.root);
                }
            }
        });
        for batch in 0..200u64 {
            let entries: Vec<Vec<u8>> = (batch * 20..batch * 20 + 20).map(entry_bytes).collect();
            ledger.append(&entries).unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
    });
}

#[test]
fn a_second_writer_is_refused_while_the_first_lives() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, _) = new_ledger(tmp.path());
    let (first, _) = Ledger::open(&path).unwrap();
    assert!(matches!(Ledger::open(&path), Err(LedgerError::Busy { .. })));
    drop(first);
    assert!(Ledger::open(&path).is_ok());
}

#[test]
fn shared_writers_append_in_turn_and_the_log_stays_one_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    // Two shared writers on one folder: separate handles, as two processes would hold.
    let (first, _) = Ledger::open_shared(&path).unwrap();
    let (second, _) = Ledger::open_shared(&path).unwrap();
    let threads: Vec<_> = [first, second]
        .into_iter()
        .enumerate()
        .map(|(w, ledger)| {
            std::thread::spawn(move || {
                let mut positions = Vec::new();
                for batch in 0..20u64 {
                    let entries: Vec<Vec<u8>> = (0..5)
                        .map(|i| entry_bytes(w as u64 * 1_000_000 + batch * 10 + i))
                        .collect();
                    positions.push((ledger.append(&entries).unwrap(), entries));
                }
                (ledger, positions)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let reader = Ledger::open_read_only(&path).unwrap();
    assert_eq!(reader.size(), 200);
    let mut seen = std::collections::BTreeSet::new();
    for (_, positions) in &results {
        for (range, entries) in positions {
            for (index, entry) in range.clone().zip(entries) {
                assert_eq!(&reader.entry(index).unwrap(), entry, "entry {index}");
                assert!(seen.insert(index), "position {index} given twice");
            }
        }
    }
    // Each handle sees the other's appends after a refresh, and signs the whole tree.
    let (first, _) = &results[0];
    assert_eq!(first.refresh().unwrap().size, 200);
    let checkpoint = first.checkpoint(&signer).unwrap();
    assert_eq!(checkpoint.size(), 200);
    assert_eq!(checkpoint.root(), reader.refresh().unwrap().root);
    drop(results);
    let report = Ledger::open_read_only(&path)
        .unwrap()
        .verify(signer.verifier())
        .unwrap();
    assert!(report.is_ok(), "{:?}", report.faults);
}

#[test]
fn a_shared_writer_cuts_the_torn_tail_another_process_left() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    let (writer, _) = Ledger::open_shared(&path).unwrap();
    writer.append(&[entry_bytes(1)]).unwrap();
    // A process that died mid-append leaves bytes past the committed end of `entries`.
    let mut entries = std::fs::OpenOptions::new()
        .append(true)
        .open(path.join("entries"))
        .unwrap();
    entries
        .write_all(b"torn garbage of a batch never acknowledged")
        .unwrap();
    drop(entries);
    writer.append(&[entry_bytes(2)]).unwrap();
    let report = Ledger::open_read_only(&path)
        .unwrap()
        .verify(signer.verifier())
        .unwrap();
    assert!(report.is_ok(), "{:?}", report.faults);
    assert_eq!(writer.entry(1).unwrap(), entry_bytes(2));
}

#[test]
fn checkpoints_are_kept_and_signed_only_when_the_log_grew() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, signer) = new_ledger(tmp.path());
    let (ledger, _) = Ledger::open(&path).unwrap();
    ledger.append(&[b"a"]).unwrap();
    let first = ledger.checkpoint(&signer).unwrap();
    assert_eq!(
        ledger.checkpoint(&signer).unwrap(),
        first,
        "no growth, no new checkpoint"
    );
    assert!(ledger
        .checkpoint_if_due(&signer, Duration::ZERO)
        .unwrap()
        .is_none());
    ledger.append(&[b"b", b"c"]).unwrap();
    assert!(
        ledger
            .checkpoint_if_due(&signer, Duration::from_secs(3600))
            .unwrap()
            .is_none(),
        "not due yet"
    );
    let second = ledger
        .checkpoint_if_due(&signer, Duration::ZERO)
        .unwrap()
        .unwrap();
    assert_eq!(second.size(), 3);
    assert_eq!(ledger.checkpoint_sizes().unwrap(), vec![1, 3]);
    let proof = ledger.consistency_proof(1, 3).unwrap();
    proof.verify(first.root(), second.root()).unwrap();
    assert!(ledger.verify(signer.verifier()).unwrap().is_ok());
    // A checkpoint signed by someone else's key is not the log's.
    let other = LedgerSigner::create_key_file(&tmp.path().join("other.key"), ORIGIN).unwrap();
    assert!(!ledger.verify(other.verifier()).unwrap().is_ok());
}

#[test]
fn oversized_and_read_only_appends_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, _) = new_ledger(tmp.path());
    let (ledger, _) = Ledger::open(&path).unwrap();
    let huge = vec![0u8; custodia_ledger::MAX_ENTRY_LEN + 1];
    assert!(matches!(
        ledger.append(&[huge]),
        Err(LedgerError::EntryTooLarge { .. })
    ));
    assert_eq!(ledger.size(), 0);
    let reader = Ledger::open_read_only(&path).unwrap();
    assert!(matches!(reader.append(&[b"x"]), Err(LedgerError::ReadOnly)));
}
