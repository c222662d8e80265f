//! Crash test of ingest: an ingest is killed with SIGKILL at random moments. After each kill,
//! `verify --deep` passes, every item the ingest had acknowledged as durable is in the vault, and
//! rerunning the same ingest completes it.
//!
//! The suite runs 50 kills; `CUSTODIA_INGEST_CRASH_KILLS=N` runs more.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const KILLS_PER_ROUND: usize = 5;
const FOLDERS: usize = 4;
const ZIPS_PER_FOLDER: usize = 3;
const MEMBERS_PER_ZIP: usize = 8;

fn custodia() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_custodia"));
    command
        .env_remove("CUSTODIA_DATA_DIR")
        .env_remove("CUSTODIA_USER");
    command
}

/// A small deterministic generator, so that a failing run can be repeated with its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// A folder of files for one round: small and larger files, and ZIP archives (each archive
/// makes the ingest commit a batch, so that kills land between many commits).
fn make_round(dir: &Path, round: usize, rng: &mut Rng) {
    for folder in 0..FOLDERS {
        let sub = dir.join(format!("folder-{folder}"));
        fs::create_dir_all(&sub).unwrap();
        for i in 0..60 {
            let len = 1024 + rng.below(20 * 1024) as usize;
            let mut data = format!("round {round} folder {folder} file {i}\n").into_bytes();
            data.extend(rng.bytes(len));
            fs::write(sub.join(format!("doc-{i}.bin")), data).unwrap();
        }
        for v in 0..2 {
            let len = 1024 * 1024 + rng.below(3 * 1024 * 1024) as usize;
            fs::write(sub.join(format!("video-{v}.bin")), rng.bytes(len)).unwrap();
        }
        for z in 0..ZIPS_PER_FOLDER {
            let file = fs::File::create(sub.join(format!("archive-{z}.zip"))).unwrap();
            let mut zip = zip::ZipWriter::new(file);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for m in 0..MEMBERS_PER_ZIP {
                zip.start_file(format!("member-{m}.bin"), options).unwrap();
                let len = 512 + rng.below(8 * 1024) as usize;
                zip.write_all(format!("round {round} zip {folder}/{z} member {m}\n").as_bytes())
                    .unwrap();
                zip.write_all(&rng.bytes(len)).unwrap();
            }
            zip.finish().unwrap();
        }
    }
}

fn ingest_command(vault: &Path, source: &Path, acks: &Path) -> Command {
    let mut command = custodia();
    command
        .arg("--data-dir")
        .arg(vault)
        .arg("--json")
        .arg("ingest")
        .arg(source)
        .args(["--originator", "Crash Test Originator", "--case", "CT-1"])
        .arg("--acknowledgements")
        .arg(acks)
        .stdin(Stdio::null());
    command
}

fn run_json(command: &mut Command) -> (bool, Value) {
    let output = command.stdin(Stdio::null()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.success(), value)
}

fn acknowledged(acks: &Path) -> Vec<Value> {
    let text = fs::read_to_string(acks).unwrap_or_default();
    let mut items = Vec::new();
    for line in text.lines() {
        // The last line may be cut by the kill; every complete line counts.
        if let Ok(value) = serde_json::from_str::<Value>(line) {
            items.push(value);
        }
    }
    items
}

/// `verify --deep` passes, and a sample of the acknowledged items (all, with `sample` = None) are
/// in the catalog with this submission's provenance for their paths.
fn assert_vault_sound(vault: &Path, acks: &Path, sample: Option<(&mut Rng, usize)>, context: &str) {
    let (ok, report) = run_json(
        custodia()
            .arg("--data-dir")
            .arg(vault)
            .arg("--json")
            .args(["verify", "--deep"]),
    );
    assert!(
        ok && report["ok"] == true,
        "{context}: verify --deep failed: {report:#}"
    );

    let mut by_sha: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for item in acknowledged(acks) {
        by_sha
            .entry(item["sha256"].as_str().unwrap().to_owned())
            .or_default()
            .insert(item["path"].as_str().unwrap().to_owned());
    }
    let mut checked: Vec<(String, BTreeSet<String>)> = by_sha.into_iter().collect();
    if let Some((rng, n)) = sample {
        // Each `show` is a process start; a sample per kill, everything after each round.
        for i in 0..checked.len().min(n) {
            let j = i + rng.below((checked.len() - i) as u64) as usize;
            checked.swap(i, j);
        }
        checked.truncate(n);
    }
    for (sha, paths) in checked {
        let (ok, shown) = run_json(
            custodia()
                .arg("--data-dir")
                .arg(vault)
                .arg("--json")
                .args(["show", &sha]),
        );
        assert!(
            ok,
            "{context}: acknowledged item {sha} is missing: {shown:#}"
        );
        let recorded: BTreeSet<String> = shown["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["path"].as_str().unwrap().to_owned())
            .collect();
        for path in paths {
            assert!(
                recorded.contains(&path),
                "{context}: acknowledged submission of {sha} at `{path}` is missing"
            );
        }
    }
}

fn sha256_of_files(root: &Path) -> BTreeSet<String> {
    use sha2::{Digest, Sha256};
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(hex::encode(Sha256::digest(fs::read(&path).unwrap())));
            }
        }
    }
    out
}

#[test]
fn ingest_survives_sigkill_at_random_moments() {
    let kills: usize = std::env::var("CUSTODIA_INGEST_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("CUSTODIA_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test seed: {seed} (CUSTODIA_CRASH_SEED={seed} repeats it)");
    let mut rng = Rng(seed);

    let work = tempfile::tempdir().unwrap();
    let vault = work.path().join("vault");
    let (ok, init) = run_json(
        custodia()
            .arg("--data-dir")
            .arg(&vault)
            .arg("--json")
            .arg("init"),
    );
    assert!(ok, "init failed: {init:#}");

    let rounds = kills.div_ceil(KILLS_PER_ROUND);
    let mut total_kills = 0;
    let mut killed_mid_work = 0;
    let mut killed_running = 0;
    let mut span_ms = 0;
    for round in 0..rounds {
        let source = work.path().join(format!("round-{round}"));
        make_round(&source, round, &mut rng);
        let acks = work.path().join(format!("round-{round}.acks"));

        // How long an uninterrupted ingest of this much takes here, to aim the kills: measured
        // on a throwaway vault, so that the real one starts the round with nothing recorded.
        if round == 0 {
            let scratch = work.path().join("scratch");
            // The second of two runs, so that the first pays for cold caches.
            for _ in 0..2 {
                let _ = fs::remove_dir_all(&scratch);
                let (ok, _) = run_json(
                    custodia()
                        .arg("--data-dir")
                        .arg(&scratch)
                        .arg("--json")
                        .arg("init"),
                );
                assert!(ok);
                let started = Instant::now();
                let (ok, _) = run_json(&mut ingest_command(
                    &scratch,
                    &source,
                    &work.path().join("scratch.acks"),
                ));
                assert!(ok);
                span_ms = started.elapsed().as_millis().max(50) as u64;
            }
            fs::remove_dir_all(&scratch).unwrap();
        }

        for kill in 0..KILLS_PER_ROUND {
            if total_kills == kills {
                break;
            }
            let before = acknowledged(&acks).len();
            let mut child = ingest_command(&vault, &source, &acks)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            // The first kill of a round hits fresh work; later ones mostly the resuming pass,
            // which has less left to do.
            let delay = rng.below(if kill == 0 { span_ms } else { span_ms / 2 });
            std::thread::sleep(Duration::from_millis(delay));
            let finished = child.try_wait().unwrap().is_some();
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            total_kills += 1;
            killed_running += usize::from(!finished);
            eprintln!("round {round} kill {kill}: {delay} ms of {span_ms}, finished {finished}");
            if !finished && acknowledged(&acks).len() > before {
                killed_mid_work += 1;
            }
            assert_vault_sound(
                &vault,
                &acks,
                Some((&mut rng, 8)),
                &format!("round {round}, kill {kill} after {delay} ms (seed {seed})"),
            );
        }

        // Everything acknowledged before the last run is in the catalog.
        assert_vault_sound(
            &vault,
            &acks,
            None,
            &format!("round {round} after the kills"),
        );

        // Rerunning the same ingest completes it: every file of the round is listed, once.
        let (ok, report) = run_json(&mut ingest_command(&vault, &source, &acks));
        assert!(ok, "round {round}: the resumed ingest failed: {report:#}");
        let files = sha256_of_files(&source);
        let listed: BTreeSet<String> = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["parent"].is_null())
            .map(|i| i["sha256"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            listed, files,
            "round {round}: the resumed ingest lists other files"
        );
        let members = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| !i["parent"].is_null())
            .count();
        assert_eq!(
            members,
            FOLDERS * ZIPS_PER_FOLDER * MEMBERS_PER_ZIP,
            "round {round}: archive members missing after resume"
        );
        assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report:#}");
        let (ok, verified) = run_json(
            custodia()
                .arg("--data-dir")
                .arg(&vault)
                .arg("--json")
                .args(["verify", "--deep"]),
        );
        assert!(ok && verified["ok"] == true, "round {round}: {verified:#}");
    }
    eprintln!(
        "{total_kills} kills: {killed_running} while the ingest ran, {killed_mid_work} of them \
         after it had acknowledged items"
    );
    assert!(total_kills >= kills);
    assert!(
        killed_mid_work > 0,
        "no kill landed while the ingest was making progress"
    );
}
