//! What the CLI end-to-end tests share: a vault in a temporary folder, commands run with
//! `--json` whose stdout must be exactly one JSON document, and builders of test archives.

#![allow(dead_code)]

pub mod package;
pub mod server;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `custodia` binary, with no vault or user chosen by the environment.
pub fn custodia() -> Command {
    let mut command = Command::cargo_bin("custodia").expect("the custodia binary is built");
    command
        .env_remove("CUSTODIA_DATA_DIR")
        .env_remove("CUSTODIA_USER")
        .env_remove("CUSTODIA_LOG")
        .env_remove("CUSTODIA_BLOBS_URL")
        .timeout(std::time::Duration::from_secs(120));
    command
}

/// What one command did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub json: Value,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The command's result, after checking it succeeded.
    pub fn ok(self) -> Value {
        assert_eq!(
            self.code, 0,
            "the command failed\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self.json
    }

    /// The error document, after checking the command failed with exit status 1.
    pub fn failed(self) -> Value {
        assert_eq!(
            self.code, 1,
            "expected a failure (exit 1)\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self.json
    }
}

/// Runs `command` and parses its stdout, which must hold exactly one JSON document.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the custodia binary runs");
    finish(output)
}

pub fn finish(output: Output) -> Run {
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json =
        single_json(&stdout).unwrap_or_else(|e| panic!("{e}\nstdout: {stdout}\nstderr: {stderr}"));
    Run {
        code: output.status.code().unwrap_or(-1),
        json,
        stdout,
        stderr,
    }
}

/// Parses `text` as exactly one JSON document (whitespace around it allowed).
pub fn single_json(text: &str) -> Result<Value, String> {
    let mut documents = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let first = match documents.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(format!("stdout is not JSON: {e}")),
        None => return Err("stdout holds no JSON document".into()),
    };
    match documents.next() {
        None => Ok(first),
        Some(_) => Err("stdout holds more than one JSON document".into()),
    }
}

/// A vault in its own temporary folder: `<tmp>/vault`, with `<tmp>` free for inputs and outputs.
pub struct TestVault {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    /// What `init --json` printed.
    pub init: Value,
}

impl TestVault {
    pub fn new() -> Self {
        Self::with_administrator("admin")
    }

    /// A vault whose administrator (the default actor of every command) is `name`.
    pub fn with_administrator(name: &str) -> Self {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = tmp.path().join("vault");
        let init = run(custodia().arg("--data-dir").arg(&dir).args([
            "--json",
            "init",
            "--administrator",
            name,
        ]))
        .ok();
        Self { tmp, dir, init }
    }

    /// A folder next to the vault (created if missing).
    pub fn folder(&self, name: &str) -> PathBuf {
        let path = self.tmp.path().join(name);
        fs::create_dir_all(&path).unwrap();
        path
    }

    /// `custodia --data-dir <vault> --json` followed by `args`.
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = custodia();
        command.arg("--data-dir").arg(&self.dir).arg("--json");
        command.args(args);
        command
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run(&mut self.cmd(args))
    }

    /// Runs a command that must succeed; returns its JSON.
    pub fn ok<I, S>(&self, args: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run(args).ok()
    }

    /// `ingest PATHS --originator ORIGINATOR EXTRA…`, which must succeed.
    pub fn ingest(&self, paths: &[&Path], originator: &str, extra: &[&str]) -> Value {
        let mut args: Vec<&OsStr> = vec![OsStr::new("ingest")];
        args.extend(paths.iter().map(|p| p.as_os_str()));
        args.push(OsStr::new("--originator"));
        args.push(OsStr::new(originator));
        args.extend(extra.iter().map(OsStr::new));
        let report = self.ok(args);
        check_report_shape(&report);
        report
    }

    pub fn show(&self, sha: &str) -> Value {
        self.ok(["show", sha])
    }

    pub fn history(&self, sha: &str) -> Value {
        self.ok(["history", sha])
    }

    /// `verify --json [--deep]`: (exit status, report).
    pub fn verify(&self, deep: bool) -> (i32, Value) {
        let mut args = vec!["verify"];
        if deep {
            args.push("--deep");
        }
        let run = self.run(args);
        (run.code, run.json)
    }

    /// Every blob file of the store (not counting unfinished writes in `blobs/tmp`).
    pub fn blob_files(&self) -> BTreeSet<PathBuf> {
        let root = self.dir.join("blobs");
        files_under(&root)
            .into_iter()
            .filter(|p| !p.starts_with(root.join("tmp")))
            .collect()
    }

    /// Files left in `blobs/tmp` (unfinished writes).
    pub fn blob_temporaries(&self) -> Vec<PathBuf> {
        files_under(&self.dir.join("blobs/tmp"))
    }
}

/// Checks what every ingest report holds, whatever was ingested.
pub fn check_report_shape(report: &Value) {
    assert!(report["submission"].is_string(), "{report:#}");
    let items = report["items"].as_array().expect("items");
    let errors = report["errors"].as_array().expect("errors");
    for item in items {
        let sha = item["sha256"].as_str().expect("sha256");
        assert_eq!(sha.len(), 64, "{item}");
        assert!(item["path"].is_string(), "{item}");
        assert!(item["size"].is_u64(), "{item}");
        assert!(item["mime"].is_string(), "{item}");
        let status = item["status"].as_str().expect("status");
        assert!(
            ["stored", "duplicate", "already_recorded"].contains(&status),
            "{item}"
        );
        if status == "already_recorded" {
            assert!(item.get("ledger_index").is_none(), "{item}");
        } else {
            assert!(item["ledger_index"].is_u64(), "{item}");
        }
    }
    for error in errors {
        assert!(error["path"].is_string(), "{error}");
        assert!(error["error"].is_string(), "{error}");
        let kind = error["kind"].as_str().expect("kind");
        assert!(
            ["not_stored", "not_expanded", "warning"].contains(&kind),
            "{error}"
        );
    }
    let summary = &report["summary"];
    assert_eq!(summary["items"].as_u64(), Some(items.len() as u64));
    assert_eq!(summary["errors"].as_u64(), Some(errors.len() as u64));
    let count = |status: &str| items.iter().filter(|i| i["status"] == status).count() as u64;
    assert_eq!(summary["stored"].as_u64(), Some(count("stored")));
    assert_eq!(summary["duplicates"].as_u64(), Some(count("duplicate")));
    assert_eq!(
        summary["already_recorded"].as_u64(),
        Some(count("already_recorded"))
    );
}

/// The items of a report.
pub fn items(report: &Value) -> &Vec<Value> {
    report["items"].as_array().expect("items")
}

/// The errors of a report.
pub fn errors(report: &Value) -> &Vec<Value> {
    report["errors"].as_array().expect("errors")
}

/// The item listed under exactly `path`.
pub fn item_at<'a>(report: &'a Value, path: &str) -> &'a Value {
    let found: Vec<&Value> = items(report).iter().filter(|i| i["path"] == path).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one item at `{path}` in {:#}",
        report["items"]
    );
    found[0]
}

/// Whether any item is listed under `path`.
pub fn has_item(report: &Value, path: &str) -> bool {
    items(report).iter().any(|i| i["path"] == path)
}

/// The errors reported for exactly `path`.
pub fn errors_at<'a>(report: &'a Value, path: &str) -> Vec<&'a Value> {
    errors(report)
        .iter()
        .filter(|e| e["path"] == path)
        .collect()
}

/// The one error of `kind` for `path`.
pub fn error_at<'a>(report: &'a Value, path: &str, kind: &str) -> &'a Value {
    let found: Vec<&Value> = errors_at(report, path)
        .into_iter()
        .filter(|e| e["kind"] == kind)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{kind}` error for `{path}` in {:#}",
        report["errors"]
    );
    found[0]
}

/// How a path is shown in reports (inputs are given as absolute paths).
pub fn shown(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Every regular file under `root`, recursively (symlinks not followed).
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// Distinct bytes for a test: `label` followed by pseudo-random filler of `len` bytes.
pub fn content(label: &str, len: usize) -> Vec<u8> {
    let mut out = label.as_bytes().to_vec();
    let mut state = sha256(label.as_bytes());
    while out.len() < len {
        state = sha256(&state);
        out.extend_from_slice(&state);
    }
    out.truncate(len.max(label.len()));
    out
}

/// A ZIP archive of `members` (name, bytes), deflated.
pub fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A tar archive of `members` (name, bytes).
pub fn tar_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, name, *bytes).unwrap();
    }
    builder.into_inner().unwrap()
}

/// `bytes` compressed with gzip.
pub fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The smallest PNG header that content sniffing recognises.
pub const PNG_HEAD: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

/// Is the test running as root (who can read files whatever their mode)?
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `tool` can be run. Under `CI` a missing tool fails the test that needs it (a test
/// must never pass by skipping there); elsewhere the test is skipped with a note.
pub fn tool_or_skip(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || std::process::Command::new(tool)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{tool}` is not installed and CI is set: run scripts/install-deps"
        );
        eprintln!("skipped: `{tool}` is not installed (run scripts/install-deps)");
    }
    found
}

/// A PDF whose pages are pictures of `pages` (one line of text each), with no text layer: a
/// scan, which extraction can only read by OCR. Made with `pdftoppm` at `dpi`.
pub fn scanned_pdf(pages: &[&str], dpi: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let mut images = Vec::new();
    for (n, text) in pages.iter().enumerate() {
        let input = dir.path().join(format!("in{n}.pdf"));
        fs::write(&input, text_pdf(&[text])).unwrap();
        let out = dir.path().join(format!("page{n}"));
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", &dpi.to_string(), "-gray", "-singlefile"])
            .arg(&input)
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "pdftoppm");
        let pgm = fs::read(out.with_extension("pgm")).unwrap();
        // P5\n<w> <h>\n255\n<pixels>
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while pgm[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            while !pgm[i].is_ascii_whitespace() {
                i += 1;
            }
            fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
        }
        let w: usize = fields[1].parse().unwrap();
        let h: usize = fields[2].parse().unwrap();
        images.push((w, h, pgm[i + 1..].to_vec()));
    }
    // Objects: 1 catalog, 2 pages, then per page: page, image, content.
    let n = images.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
    ];
    for (i, (w, h, pixels)) in images.iter().enumerate() {
        let (page, image, content) = (3 + 3 * i, 4 + 3 * i, 5 + 3 * i);
        let _ = page;
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /XObject << /Im1 {image} 0 R >> >> /Contents {content} 0 R >>").into_bytes());
        let mut object = format!("<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n", pixels.len()).into_bytes();
        object.extend_from_slice(pixels);
        object.extend_from_slice(b"\nendstream");
        objects.push(object);
        let draw = format!("q {w} 0 0 {h} 0 0 cm /Im1 Do Q");
        objects
            .push(format!("<< /Length {} >>\nstream\n{draw}\nendstream", draw.len()).into_bytes());
    }
    pdf_of(&objects, "")
}

/// A one-page PDF of `lines` in Helvetica 24 pt, with a text layer.
pub fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let body: Vec<String> = lines.iter().map(|l| format!("({l}) Tj T*")).collect();
    let content = format!("BT /F1 24 Tf 72 700 Td 28 TL {} ET", body.join(" "));
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
    ];
    pdf_of(&objects, "")
}

/// A PDF file of numbered `objects` (1 is the catalog), with its cross-reference table and
/// `comment` after the header.
pub fn pdf_of(objects: &[Vec<u8>], comment: &str) -> Vec<u8> {
    let mut out = format!("%PDF-1.4\n%{comment}\n").into_bytes();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A test that needs `service` and finds it missing: under `CI` that fails the test, unless the
/// suite runs it later with the service (`CUSTODIA_TEST_DEFERRED=s3,postgres`, set by
/// `scripts/test` for the run before `scripts/test-s3` and `scripts/test-postgres`); elsewhere
/// the test is skipped with `note`.
pub fn service_missing(service: &str, note: &str) {
    let deferred = std::env::var("CUSTODIA_TEST_DEFERRED").unwrap_or_default();
    assert!(
        std::env::var_os("CI").is_none() || deferred.split(',').any(|d| d.trim() == service),
        "{note}, and CI is set: this test needs {service} (scripts/test starts it)"
    );
    eprintln!("{note}");
}
