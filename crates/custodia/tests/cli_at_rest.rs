//! Nothing decrypted at rest: a process killed while an external tool reads evidence leaves no
//! byte of it on any disk; every file of the data directory is its owner's alone; a master key
//! wrapped by a passphrase opens with that passphrase only.
//!
//! The first test guards against extraction's old habit of copying an item to
//! `/tmp/custodia-extract-*/input.pdf` for `pdftoppm` (mode 0644, left behind by a SIGKILL).

mod support;

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::server::{set_password, Server};
use support::*;

/// A marker of 40 random letters and digits.
fn marker() -> String {
    let mut random = [0u8; 40];
    fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut random)
        .unwrap();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    random
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The grey pixels of `pdf`'s first page at 150 dpi (pdftoppm, through pipes).
fn render(pdf: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut child = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-singlefile", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), pdf).unwrap();
    let pgm = child.wait_with_output().unwrap().stdout;
    // P5\n<w> <h>\n255\n<pixels>
    let text = String::from_utf8_lossy(&pgm[..32.min(pgm.len())]).into_owned();
    let fields: Vec<&str> = text.split_ascii_whitespace().take(4).collect();
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let header = fields.iter().map(|f| f.len() + 1).sum::<usize>();
    (w, h, pgm[header..].to_vec())
}

/// A scanned PDF: `pages` pages, each only an image of typed text, with `marker` in a comment.
fn scanned_pdf(pages: usize, marker: &str) -> Vec<u8> {
    let (w, h, pixels) = render(&text_pdf(&[
        "Register of transfers from Badush",
        "prison to the camps near Tal Afar",
        "kept by the guards in June 2014,",
        "with the names of the detainees.",
    ]));
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R", 4 + 2 * i))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into_bytes(),
    ];
    // 3: the image, shared by every page.
    let mut image = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n",
        pixels.len()
    )
    .into_bytes();
    image.extend_from_slice(&pixels);
    image.extend_from_slice(b"\nendstream");
    objects.push(image);
    let content = format!("q {w} 0 0 {h} 0 0 cm /Im1 Do Q");
    for i in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /XObject << /Im1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ).into_bytes());
        objects.push(
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            )
            .into_bytes(),
        );
    }
    pdf_of(&objects, marker)
}

/// Every readable file under `dirs` that holds `needle`.
fn files_holding(dirs: &[PathBuf], needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(path) = stack.pop() {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(listing) = fs::read_dir(&path) {
                stack.extend(listing.flatten().map(|e| e.path()));
            }
        } else if meta.is_file() {
            if let Ok(bytes) = fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path);
                }
            }
        }
    }
    found
}

/// The processes whose parent is `parent`: (pid, name).
fn children_of(parent: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        let ppid = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(parent) {
            found.push((pid, name));
        }
    }
    found
}

#[test]
fn a_killed_ocr_leaves_no_decrypted_byte_on_disk() {
    if !tool_or_skip("pdftoppm") || !tool_or_skip("tesseract") {
        return;
    }
    let v = TestVault::new();
    let secret = marker();
    let input = v.folder("scans");
    let pdf = scanned_pdf(3, &secret);
    fs::write(input.join("register.pdf"), &pdf).unwrap();
    v.ingest(&[&input], "UNITAD", &[]);
    // The input was given to the vault; from here on only the vault holds it.
    fs::remove_dir_all(&input).unwrap();
    let temp_dirs: Vec<PathBuf> = ["/tmp", "/var/tmp", "/dev/shm"]
        .iter()
        .map(PathBuf::from)
        .chain(std::env::var_os("TMPDIR").map(PathBuf::from))
        .chain(std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from))
        .filter(|d| d.is_dir())
        .chain([v.dir.clone()])
        .collect();
    assert!(files_holding(&temp_dirs, secret.as_bytes()).is_empty());

    let mut extract = Command::new(env!("CARGO_BIN_EXE_custodia"))
        .arg("--data-dir")
        .arg(&v.dir)
        .args(["--json", "extract", "--pending"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until an OCR tool is at work on the scan, then kill the process.
    let started = Instant::now();
    let tools = loop {
        let tools: Vec<(u32, String)> = children_of(extract.id())
            .into_iter()
            .filter(|(_, name)| name == "tesseract" || name == "pdftoppm")
            .collect();
        if !tools.is_empty() {
            break tools;
        }
        assert!(
            extract.try_wait().unwrap().is_none(),
            "the extraction ended before its OCR could be interrupted"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no OCR started"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    extract.kill().unwrap(); // SIGKILL: no destructor runs
    extract.wait().unwrap();
    // The tools lose their pipes and end; any still running is ended here (by its id).
    for (pid, _) in &tools {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if Path::new(&format!("/proc/{pid}")).exists() {
            let _ = Command::new("kill")
                .args(["-9", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }

    let found = files_holding(&temp_dirs, secret.as_bytes());
    assert!(
        found.is_empty(),
        "decrypted bytes of the scan were left in {found:?}"
    );

    // A folder a killed process left for a tool that reads files is removed when the vault is
    // next opened for writing; so is the one a process with a reused id left.
    if Path::new("/dev/shm").is_dir() {
        let mut child = Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let left = PathBuf::from(format!("/dev/shm/custodia-{dead}-77-00112233aabbccdd"));
        fs::create_dir(&left).unwrap();
        fs::set_permissions(&left, fs::Permissions::from_mode(0o700)).unwrap();
        fs::write(left.join("media"), secret.as_bytes()).unwrap();
        v.ok(["extract", "--pending"]);
        assert!(!left.exists(), "the dead process's folder was not swept");
    }
    let texts = v.ok(["search", "Badush"]);
    assert!(texts.to_string().contains("Badush"), "{texts}");
}

/// Every file and folder under `root` whose mode lets anyone but its owner in.
fn too_open(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(path) = stack.pop() {
        let meta = fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            if mode != 0o700 {
                found.push(format!("{} (folder, {mode:o})", path.display()));
            }
            stack.extend(fs::read_dir(&path).unwrap().flatten().map(|e| e.path()));
        } else if mode != 0o600 {
            found.push(format!("{} ({mode:o})", path.display()));
        }
    }
    found
}

#[test]
fn the_data_directory_is_its_owners_alone() {
    let v = TestVault::new();
    assert_eq!(
        fs::metadata(&v.dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let input = v.folder("collection");
    fs::write(input.join("register.txt"), "Register of Badush prison").unwrap();
    fs::write(
        input.join("statement.txt"),
        "The witness Layla Murad saw the transfer from Badush.",
    )
    .unwrap();
    fs::write(
        input.join("bundle.zip"),
        zip_bytes(&[("inside/letter.txt", b"a letter from Sinjar".as_slice())]),
    )
    .unwrap();
    let report = v.ingest(&[&input], "UNITAD", &["--case", "C-1"]);
    let statement = items(&report)
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with("statement.txt"))
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    v.ok(["extract", "--pending", "--no-ocr"]);
    v.ok(["search", "Badush"]);
    let out = v.folder("out").join("statement.txt");
    v.ok([
        "get",
        &statement,
        "--out",
        out.to_str().unwrap(),
        "--reason",
        "review",
    ]);
    v.ok([
        "redact",
        &statement,
        "--text",
        "Layla Murad",
        "--reason",
        "protected witness",
    ]);
    v.ok(["log", "checkpoint"]);
    // An upload in progress, through the server.
    set_password(&v, "admin");
    let server = Server::start(&v);
    let admin = server.token("admin");
    let (status, begun) = server.send(
        "POST",
        "/api/v1/uploads",
        &admin,
        json!({"name": "interview.txt", "size": 10, "originator": "UNITAD",
               "collection_note": "met at the camp"}),
    );
    assert_eq!(status, 201, "{begun}");
    let path = format!("/api/v1/uploads/{}", begun["id"].as_str().unwrap());
    let (status, _) = server.patch(&path, &admin, &[("Upload-Offset", "0")], b"hello");
    assert_eq!(status, 200);
    server.stop();
    v.ok(["verify"]);

    let open = too_open(&v.dir);
    assert!(open.is_empty(), "open to others: {open:#?}");
    assert!(v.dir.join("uploads").is_dir());
    // What is taken out of the vault is its user's alone too.
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// A passphrase file (0600) in the test's folder.
fn passphrase(v: &TestVault, name: &str, text: &str) -> PathBuf {
    let path = v.tmp.path().join(name);
    fs::write(&path, text).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    path
}

#[test]
fn a_vault_wrapped_at_init_opens_with_its_passphrase_only() {
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("passphrase");
    fs::write(&pass, "six random words make a passphrase\n").unwrap();
    fs::set_permissions(&pass, fs::Permissions::from_mode(0o600)).unwrap();
    let dir = tmp.path().join("vault");
    let init = run(custodia()
        .arg("--data-dir")
        .arg(&dir)
        .args(["--json", "init", "--passphrase-file"])
        .arg(&pass))
    .ok();
    assert_eq!(init["key_wrapped"], true);
    let key = fs::read_to_string(dir.join("keys/master.key")).unwrap();
    assert!(key.contains("argon2id"), "{key}");

    let command = |passphrase: Option<&Path>, args: &[&str]| {
        let mut c = custodia();
        c.arg("--data-dir").arg(&dir).arg("--json").args(args);
        if let Some(p) = passphrase {
            c.env("CUSTODIA_PASSPHRASE_FILE", p);
        }
        run(&mut c)
    };
    // Without the passphrase nothing opens, and the error says what to do.
    let refused = command(None, &["verify"]).failed();
    let message = refused["error"].as_str().unwrap();
    assert!(
        message.contains("wrapped") && message.contains("CUSTODIA_PASSPHRASE_FILE"),
        "{message}"
    );
    let wrong = tmp.path().join("wrong");
    fs::write(&wrong, "six random words make a passphrasf").unwrap();
    fs::set_permissions(&wrong, fs::Permissions::from_mode(0o600)).unwrap();
    let refused = command(Some(&wrong), &["verify"]).failed();
    let message = refused["error"].as_str().unwrap();
    assert!(
        message.contains("does not unwrap") && !message.contains("passphrasf"),
        "{message}"
    );
    // With it, everything works.
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::write(input.join("a.txt"), "register of Badush prison").unwrap();
    command(
        Some(&pass),
        &["ingest", input.to_str().unwrap(), "--originator", "UNITAD"],
    )
    .ok();
    let verified = command(Some(&pass), &["verify"]).ok();
    assert_eq!(verified["ok"], true, "{verified}");
    let status = command(None, &["key", "status"]).ok();
    assert_eq!(status["wrapped"], true);
    assert_eq!(status["kdf"], "argon2id");
}

#[test]
fn an_existing_vault_key_is_wrapped_by_a_command() {
    let v = TestVault::new();
    let input = v.folder("in");
    fs::write(input.join("a.txt"), "register of Badush prison").unwrap();
    v.ingest(&[&input], "UNITAD", &[]);
    let bare = fs::read_to_string(v.dir.join("keys/master.key")).unwrap();
    assert_eq!(v.ok(["key", "status"])["wrapped"], false);

    let short = passphrase(&v, "short", "too short");
    let refused = v
        .run(["key", "wrap", "--passphrase-file", short.to_str().unwrap()])
        .failed();
    assert!(refused["error"].as_str().unwrap().contains("shorter"));

    let first = passphrase(&v, "first", "the first long passphrase");
    let wrapped = v.ok(["key", "wrap", "--passphrase-file", first.to_str().unwrap()]);
    assert_eq!(wrapped["wrapped"], true);
    assert_eq!(wrapped["action"], "wrapped");
    let key = fs::read_to_string(v.dir.join("keys/master.key")).unwrap();
    assert!(!key.contains(bare.trim()));
    // A copy of the data directory now decrypts nothing without the passphrase.
    let refused = v.run(["verify"]).failed();
    assert!(refused["error"]
        .as_str()
        .unwrap()
        .contains("CUSTODIA_PASSPHRASE_FILE"));
    let with = |p: &Path, args: &[&str]| {
        let mut c = v.cmd(args);
        c.env("CUSTODIA_PASSPHRASE_FILE", p);
        run(&mut c)
    };
    assert_eq!(with(&first, &["verify"]).ok()["ok"], true);

    // A new passphrase, given the current one.
    let second = passphrase(&v, "second", "the second long passphrase");
    let rewrapped = with(
        &first,
        &["key", "wrap", "--passphrase-file", second.to_str().unwrap()],
    )
    .ok();
    assert_eq!(rewrapped["action"], "rewrapped");
    with(&first, &["verify"]).failed();
    assert_eq!(with(&second, &["verify"]).ok()["ok"], true);
}
