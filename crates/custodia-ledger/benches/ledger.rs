//! Custody ledger benchmark: a plain program (no harness) that prints its figures.
//!
//! ```text
//! cargo bench -p custodia-ledger --bench ledger
//! CUSTODIA_BENCH_TREE_SIZE=1000000 cargo bench -p custodia-ledger --bench ledger   # quick run
//! ```
//!
//! 1. Durable appends of 256-byte entries in batches of 1, 1,000 and 10,000 entries per `append`
//!    (every call syncs), single-threaded; beside them the SHA-256 speed of this machine, both as
//!    `openssl speed -evp sha256 -bytes 64` reports it and as the ledger's own hashing runs it
//!    without any I/O.
//! 2. A log of `CUSTODIA_BENCH_TREE_SIZE` (default 10,000,000) entries of 32 bytes, with the
//!    process's resident memory read at every tenth of the way; then inclusion proofs for 10,000
//!    random indexes (each read from the ledger's files: nothing is memoised between proofs, the
//!    operating system's page cache is warm), their verification, the same for consistency proofs
//!    between random sizes, and a smaller sample of inclusion proofs with the ledger's files
//!    evicted from the page cache before each proof (`posix_fadvise(DONTNEED)`).
//!
//! Data goes to a temporary folder under Cargo's target folder (or `CUSTODIA_BENCH_DIR`) and is
//! removed at the end.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use custodia_ledger::merkle::Frontier;
use custodia_ledger::{leaf_hash, node_hash, verify_consistency, Ledger, LedgerSigner};

const DEFAULT_TREE_SIZE: u64 = 10_000_000;
const TREE_BATCH: usize = 10_000;
const TREE_ENTRY_LEN: usize = 32;
const APPEND_ENTRY_LEN: usize = 256;
const PROOF_SAMPLES: usize = 10_000;
const COLD_PROOF_SAMPLES: usize = 1_000;
const ORIGIN: &str = "custodia.example/bench";

/// Targets, checked and printed at the end.
const TARGET_APPEND_PER_SEC: f64 = 200_000.0;
const TARGET_PROOF_MEDIAN: Duration = Duration::from_micros(100);
const TARGET_PROOF_P99: Duration = Duration::from_millis(1);
const TARGET_VERIFY: Duration = Duration::from_micros(50);

fn main() {
    let tree_size = std::env::var("CUSTODIA_BENCH_TREE_SIZE")
        .ok()
        .map(|s| {
            s.replace('_', "")
                .parse::<u64>()
                .ok()
                .filter(|&n| n >= 2)
                .unwrap_or_else(|| {
                    panic!("CUSTODIA_BENCH_TREE_SIZE must be a whole number of at least 2")
                })
        })
        .unwrap_or(DEFAULT_TREE_SIZE);
    let base = std::env::var_os("CUSTODIA_BENCH_DIR")
        .map(PathBuf::from)
        .or_else(|| option_env!("CARGO_TARGET_TMPDIR").map(PathBuf::from))
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&base).expect("create the benchmark's base folder");
    let tmp = tempfile::Builder::new()
        .prefix("custodia-ledger-bench-")
        .tempdir_in(&base)
        .expect("create a temporary folder");
    let started = Instant::now();

    print_machine(tmp.path());
    let mut checks = Vec::new();

    println!("\n== 1. Durable appends, 256-byte entries, one thread ==");
    let openssl = openssl_sha256_64();
    let hashing = hashing_without_io();
    let mut best = 0.0f64;
    for (batch, batches) in [(1usize, 200usize), (1_000, 300), (10_000, 100)] {
        let rate = append_rate(&tmp.path().join(format!("append-{batch}")), batch, batches);
        if batch >= 1_000 {
            checks.push((
                format!("appends, {batch} entries per durable call ≥ 200,000 entries/s"),
                rate >= TARGET_APPEND_PER_SEC,
                format!("{rate:.0} entries/s"),
            ));
        }
        best = best.max(rate);
    }
    println!(
        "\nSHA-256 on this machine (a 256-byte entry costs 5 compressions for its leaf hash and, on \
         average, 1 interior node of 2 compressions: 7 per entry; a 64-byte message costs 2):"
    );
    match openssl {
        Some(per_sec) => {
            println!(
                "  openssl speed -evp sha256 -bytes 64 -seconds 3: {per_sec:>12.0} hashes/s of 64 bytes \
                 (= {:.0} compressions/s, with OpenSSL's per-call EVP overhead)",
                per_sec * 2.0
            );
            println!(
                "  appends at best {best:.0} entries/s = {:.0} compressions/s = {:.2}x openssl's \
                 64-byte hash rate counted in compressions",
                best * 7.0,
                best * 7.0 / (per_sec * 2.0)
            );
        }
        None => println!("  openssl: not available on this machine (no `openssl` on PATH)"),
    }
    println!(
        "  ledger's own node_hash (65-byte message):   {:>12.0} hashes/s",
        hashing.node_per_sec
    );
    println!(
        "  ledger's tree hashing of 256-byte entries:  {:>12.0} entries/s without I/O (leaf hash + \
         frontier push); durable appends reach {:.0}% of it",
        hashing.entries_per_sec,
        100.0 * best / hashing.entries_per_sec
    );

    println!("\n== 2. A log of {tree_size} entries of {TREE_ENTRY_LEN} bytes ==");
    let dir = tmp.path().join("tree");
    let needed = estimated_bytes(tree_size);
    let free = free_bytes(tmp.path());
    println!(
        "disk: the log will take about {}; {} free in {}",
        human_bytes(needed),
        human_bytes(free),
        tmp.path().display()
    );
    assert!(
        free > needed + needed / 2 + (1 << 30),
        "not enough free disk space for a log of {tree_size} entries; set CUSTODIA_BENCH_TREE_SIZE lower"
    );
    let (ledger, growth) = build_tree(&dir, tree_size);
    let first = growth.first().map(|s| s.rss_kib).unwrap_or(0);
    let last = growth.last().map(|s| s.rss_kib).unwrap_or(0);
    // Flat: the last reading within 1 MiB of the first one (allocator noise), not growing in step
    // with the log.
    let flat = last <= first + 1024;
    checks.push((
        "resident memory flat while appending".to_owned(),
        flat,
        format!("VmRSS {first} KiB at the first tenth, {last} KiB at the end"),
    ));
    let sizes = ledger_file_sizes(&dir);
    println!("ledger files: {sizes}");
    print_df(tmp.path());

    println!("\n== 3. Proofs at tree size {tree_size} ==");
    let signer = LedgerSigner::create_key_file(&tmp.path().join("bench.key"), ORIGIN)
        .expect("create a signing key");
    let t = Instant::now();
    let checkpoint = ledger.checkpoint(&signer).expect("sign a checkpoint");
    println!(
        "checkpoint signed and stored in {:?} (size {}, root {})",
        t.elapsed(),
        checkpoint.size(),
        checkpoint.root()
    );
    let root = checkpoint.root();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ tree_size);

    let mut generate = Vec::with_capacity(PROOF_SAMPLES);
    let mut verify = Vec::with_capacity(PROOF_SAMPLES);
    let mut path_len = 0usize;
    for _ in 0..PROOF_SAMPLES {
        let index = rng.below(tree_size);
        let t = Instant::now();
        let proof = ledger
            .inclusion_proof(index, tree_size)
            .expect("inclusion proof");
        generate.push(t.elapsed());
        path_len = path_len.max(proof.audit_path.len());
        let leaf = leaf_hash(&tree_entry(index));
        let t = Instant::now();
        let outcome = proof.verify(leaf, root);
        verify.push(t.elapsed());
        outcome.expect("an inclusion proof the ledger made must verify");
    }
    let generate = Stats::of(generate);
    let verify = Stats::of(verify);
    println!(
        "inclusion proof, {PROOF_SAMPLES} random indexes (audit paths of up to {path_len} hashes):"
    );
    println!("  generate (page cache warm): {generate}");
    println!("  verify:                     {verify}");
    checks.push((
        "inclusion proof generation median < 100 µs".to_owned(),
        generate.median < TARGET_PROOF_MEDIAN,
        micros(generate.median),
    ));
    checks.push((
        "inclusion proof generation p99 < 1 ms".to_owned(),
        generate.p99 < TARGET_PROOF_P99,
        micros(generate.p99),
    ));
    checks.push((
        "inclusion proof verification median and p99 < 50 µs".to_owned(),
        verify.median < TARGET_VERIFY && verify.p99 < TARGET_VERIFY,
        format!(
            "median {}, p99 {}",
            micros(verify.median),
            micros(verify.p99)
        ),
    ));

    let mut generate = Vec::with_capacity(PROOF_SAMPLES);
    let mut verify = Vec::with_capacity(PROOF_SAMPLES);
    let mut proof_len = 0usize;
    for _ in 0..PROOF_SAMPLES {
        let new_size = 2 + rng.below(tree_size - 1);
        let old_size = 1 + rng.below(new_size - 1);
        let old_root = ledger.root_at(old_size).expect("root");
        let new_root = ledger.root_at(new_size).expect("root");
        let t = Instant::now();
        let proof = ledger
            .consistency_proof(old_size, new_size)
            .expect("consistency proof");
        generate.push(t.elapsed());
        proof_len = proof_len.max(proof.hashes.len());
        let t = Instant::now();
        let outcome = verify_consistency(old_size, new_size, old_root, new_root, &proof.hashes);
        verify.push(t.elapsed());
        outcome.expect("a consistency proof the ledger made must verify");
    }
    println!(
        "consistency proof, {PROOF_SAMPLES} random pairs 1 ≤ old < new ≤ {tree_size} (up to {proof_len} hashes):"
    );
    println!("  generate (page cache warm): {}", Stats::of(generate));
    println!("  verify:                     {}", Stats::of(verify));

    // Last, since it leaves the ledger's files out of the page cache.
    let cold_files: Vec<File> = ["entries", "entries.idx", "hashes"]
        .iter()
        .map(|name| File::open(dir.join(name)).expect("open a ledger file"))
        .collect();
    let mut cold = Vec::with_capacity(COLD_PROOF_SAMPLES);
    for _ in 0..COLD_PROOF_SAMPLES {
        let index = rng.below(tree_size);
        for file in &cold_files {
            evict_from_page_cache(file);
        }
        let t = Instant::now();
        let proof = ledger
            .inclusion_proof(index, tree_size)
            .expect("inclusion proof");
        cold.push(t.elapsed());
        proof
            .verify(leaf_hash(&tree_entry(index)), root)
            .expect("an inclusion proof the ledger made must verify");
    }
    println!(
        "inclusion proof, {COLD_PROOF_SAMPLES} random indexes, the files evicted from the page cache before each:\n  generate (page cache cold): {}",
        Stats::of(cold)
    );

    let mut verify = Vec::with_capacity(1_000);
    for _ in 0..1_000 {
        let t = Instant::now();
        let parsed = signer.verifier().verify(checkpoint.text().as_bytes());
        verify.push(t.elapsed());
        assert_eq!(parsed.expect("checkpoint verifies"), checkpoint);
    }
    println!(
        "checkpoint parse + Ed25519 verification, 1,000 times: {}",
        Stats::of(verify)
    );

    drop(cold_files);
    drop(ledger);
    let path = tmp.path().display().to_string();
    tmp.close().expect("remove the temporary folder");

    println!("\n== Targets ==");
    for (what, met, figure) in &checks {
        let verdict = if *met { "met   " } else { "MISSED" };
        println!("  {verdict} {what}: {figure}");
    }
    println!(
        "\nremoved {path}; total run time {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

// ---- 1. appends ------------------------------------------------------------------------------

fn append_entry(i: u64) -> [u8; APPEND_ENTRY_LEN] {
    let mut entry = [0u8; APPEND_ENTRY_LEN];
    let mut state = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for chunk in entry.chunks_exact_mut(8) {
        state = splitmix(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    entry
}

/// Appends `batches` batches of `batch` entries to a fresh ledger; returns entries per second.
fn append_rate(dir: &Path, batch: usize, batches: usize) -> f64 {
    let ledger = Ledger::create(dir, ORIGIN).expect("create a ledger");
    let mut entries: Vec<[u8; APPEND_ENTRY_LEN]> = Vec::with_capacity(batch);
    let mut busy = Duration::ZERO;
    let mut calls = Vec::with_capacity(batches);
    let mut next = 0u64;
    for _ in 0..batches {
        entries.clear();
        entries.extend((next..next + batch as u64).map(append_entry));
        next += batch as u64;
        let t = Instant::now();
        ledger.append(&entries).expect("append");
        let took = t.elapsed();
        busy += took;
        calls.push(took);
    }
    let total = (batch * batches) as f64;
    let rate = total / busy.as_secs_f64();
    println!(
        "batches of {batch:>6} entries: {:>9} entries in {:>7.3} s = {rate:>10.0} entries/s, {:>6.1} MB/s of entries; per append call {}",
        batch * batches,
        busy.as_secs_f64(),
        total * APPEND_ENTRY_LEN as f64 / busy.as_secs_f64() / 1e6,
        Stats::of(calls)
    );
    drop(ledger);
    std::fs::remove_dir_all(dir).expect("remove the append ledger");
    rate
}

/// Runs `openssl speed -evp sha256 -bytes 64 -seconds 3`; returns 64-byte hashes per second.
fn openssl_sha256_64() -> Option<f64> {
    let output = Command::new("openssl")
        .args(["speed", "-evp", "sha256", "-bytes", "64", "-seconds", "3"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    // "sha256          168249.21k": thousands of bytes per second, in 64-byte messages.
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("sha256"))?;
    let figure = line.split_whitespace().nth(1)?;
    let kbytes: f64 = figure.trim_end_matches('k').parse().ok()?;
    Some(kbytes * 1000.0 / 64.0)
}

struct Hashing {
    node_per_sec: f64,
    entries_per_sec: f64,
}

/// The ledger's own hashing with no I/O: `node_hash` alone, and leaf hash plus frontier push for
/// 256-byte entries (what `append` computes per entry).
fn hashing_without_io() -> Hashing {
    let n = 2_000_000u32;
    let mut h = leaf_hash(b"seed");
    let t = Instant::now();
    for _ in 0..n {
        h = node_hash(h, h);
    }
    let node_per_sec = f64::from(n) / t.elapsed().as_secs_f64();
    std::hint::black_box(h);

    let n = 1_000_000u64;
    let entries: Vec<[u8; APPEND_ENTRY_LEN]> = (0..10_000).map(append_entry).collect();
    let mut frontier = Frontier::default();
    let mut stored = Vec::with_capacity(70);
    let t = Instant::now();
    for i in 0..n {
        stored.clear();
        frontier.push(leaf_hash(&entries[(i % 10_000) as usize]), &mut stored);
    }
    let entries_per_sec = n as f64 / t.elapsed().as_secs_f64();
    std::hint::black_box(frontier.root());
    Hashing {
        node_per_sec,
        entries_per_sec,
    }
}

// ---- 2. the large log --------------------------------------------------------------------------

fn tree_entry(i: u64) -> [u8; TREE_ENTRY_LEN] {
    let mut entry = [0u8; TREE_ENTRY_LEN];
    entry[..8].copy_from_slice(&i.to_le_bytes());
    let mut state = i;
    for chunk in entry[8..].chunks_exact_mut(8) {
        state = splitmix(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    entry
}

/// Bytes the log of `size` tree entries takes: frames, offsets, about two hashes per entry.
fn estimated_bytes(size: u64) -> u64 {
    size * (8 + TREE_ENTRY_LEN as u64 + 8 + 2 * 32)
}

struct Memory {
    entries: u64,
    rss_kib: u64,
    hwm_kib: u64,
}

fn build_tree(dir: &Path, size: u64) -> (Ledger, Vec<Memory>) {
    let ledger = Ledger::create(dir, ORIGIN).expect("create a ledger");
    let step = (size / 10).max(1);
    let mut next_report = step;
    let mut readings = Vec::new();
    let mut entries: Vec<[u8; TREE_ENTRY_LEN]> = Vec::with_capacity(TREE_BATCH);
    let before = read_memory(0);
    println!(
        "memory before appending: VmRSS {} KiB, VmHWM {} KiB",
        before.rss_kib, before.hwm_kib
    );
    println!(
        "{:>12} {:>10} {:>12} {:>12}",
        "entries", "seconds", "VmRSS KiB", "VmHWM KiB"
    );
    let t = Instant::now();
    let mut appended = 0u64;
    while appended < size {
        let n = (size - appended).min(TREE_BATCH as u64);
        entries.clear();
        entries.extend((appended..appended + n).map(tree_entry));
        ledger.append(&entries).expect("append");
        appended += n;
        if appended >= next_report || appended == size {
            let reading = read_memory(appended);
            println!(
                "{:>12} {:>10.1} {:>12} {:>12}",
                reading.entries,
                t.elapsed().as_secs_f64(),
                reading.rss_kib,
                reading.hwm_kib
            );
            readings.push(reading);
            while next_report <= appended {
                next_report += step;
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "built in {secs:.1} s ({:.0} entries/s in durable batches of {TREE_BATCH})",
        size as f64 / secs
    );
    (ledger, readings)
}

fn read_memory(entries: u64) -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    Memory {
        entries,
        rss_kib: field("VmRSS:"),
        hwm_kib: field("VmHWM:"),
    }
}

fn ledger_file_sizes(dir: &Path) -> String {
    let mut total = 0;
    let mut parts = Vec::new();
    for name in ["entries", "entries.idx", "hashes"] {
        let len = std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        total += len;
        parts.push(format!("{name} {}", human_bytes(len)));
    }
    format!("{}; total {}", parts.join(", "), human_bytes(total))
}

fn free_bytes(path: &Path) -> u64 {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path without NUL");
    // SAFETY: `statvfs` only writes into the zeroed struct we own, and `c_path` is NUL-terminated.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) };
    assert_eq!(rc, 0, "statvfs {}", path.display());
    stat.f_bavail as u64 * stat.f_frsize as u64
}

fn print_df(path: &Path) {
    match Command::new("df").arg("-h").arg(path).output() {
        Ok(out) => print!("df -h:\n{}", String::from_utf8_lossy(&out.stdout)),
        Err(e) => println!("df -h: {e}"),
    }
}

fn evict_from_page_cache(file: &File) {
    // SAFETY: a plain system call on a file descriptor that `file` keeps open.
    let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(rc, 0, "posix_fadvise");
}

// ---- helpers -----------------------------------------------------------------------------------

fn print_machine(tmp: &Path) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let sha_ni = cpuinfo
        .lines()
        .find(|l| l.starts_with("flags"))
        .is_some_and(|l| l.split_whitespace().any(|f| f == "sha_ni"));
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("custody ledger benchmark");
    println!("cpu: {model} x {cpus} (SHA extensions: {sha_ni}); {rustc}");
    println!("load average at start: {}", load.trim());
    println!("data folder: {}", tmp.display());
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A fixed-seed generator, so every run asks for the same indexes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = splitmix(self.0);
        // Multiply-shift: uniform enough for picking indexes, and never out of range.
        ((u128::from(self.0) * u128::from(n)) >> 64) as u64
    }
}

struct Stats {
    median: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let n = samples.len();
        assert!(n > 0, "no samples");
        Self {
            median: samples[n / 2],
            p99: samples[(n * 99).div_ceil(100) - 1],
            max: samples[n - 1],
        }
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "median {}, p99 {}, max {}",
            micros(self.median),
            micros(self.p99),
            micros(self.max)
        )
    }
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.1} kB", b / 1e3)
    }
}
