//! `custodia serve` while the vault works, and the API's answers to hostile input: reads are
//! answered during the OCR of an uploaded scan and during a command-line ingest into the vault
//! being served; every API error is JSON with an id; input no field can store is refused naming
//! the field.

mod support;

use std::fs;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::server::{set_password, Server};
use support::{scanned_pdf, sha256_hex, tool_or_skip, TestVault};

/// A vault with one extracted text item of UNITAD; the administrator can sign in.
fn vault() -> TestVault {
    let v = TestVault::new();
    let folder = v.folder("collection");
    fs::write(
        folder.join("register.txt"),
        "Register of detainees at Badush prison near Mosul, August 2014.",
    )
    .unwrap();
    v.ingest(&[&folder], "UNITAD", &["--case", "C-1"]);
    v.ok(["extract", "--pending"]);
    set_password(&v, "admin");
    v
}

/// Uploads `content` as `name` through the resumable upload API and finishes it.
fn upload(server: &Server, token: &str, name: &str, content: &[u8]) {
    let plan = json!({
        "name": name, "size": content.len(), "sha256": sha256_hex(content),
        "originator": "UNITAD", "case_ref": "C-1",
    });
    let (status, begun) = server.send("POST", "/api/v1/uploads", token, plan);
    assert_eq!(status, 201, "{begun}");
    let path = format!("/api/v1/uploads/{}", begun["id"].as_str().unwrap());
    for (n, chunk) in content.chunks(4 << 20).enumerate() {
        let offset = (n * (4 << 20)).to_string();
        let (status, sent) = server.patch(&path, token, &[("Upload-Offset", &offset)], chunk);
        assert_eq!(status, 200, "{sent}");
    }
    let (status, report) = server.send("POST", &format!("{path}/finish"), token, json!({}));
    assert_eq!(status, 200, "{report}");
}

fn timed_get(server: &Server, path: &str, token: Option<&str>) -> (u16, Value, Duration) {
    let started = Instant::now();
    let (status, body) = server.json(path, token);
    (status, body, started.elapsed())
}

#[test]
fn reads_are_answered_while_an_uploaded_scan_is_read() {
    if !(tool_or_skip("tesseract") && tool_or_skip("pdftoppm")) {
        return;
    }
    let v = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    // Three pages of scan: their OCR takes seconds, during which the vault must answer.
    let pages: Vec<String> = (1..=3)
        .map(|n| format!("Page {n} of the Sinjar transfer ledger Kocho"))
        .collect();
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    let scan = scanned_pdf(&pages, 150);
    upload(&server, &admin, "ledger-scan.pdf", &scan);

    // While the scan is read: health, readiness, search and item pages all answer at once.
    let mut slowest = Duration::ZERO;
    let mut reads_during_ocr = 0;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let (status, found, _) = timed_get(&server, "/api/v1/search?q=ledger", Some(&admin));
        assert_eq!(status, 200, "{found}");
        if found["total"].as_u64().unwrap_or(0) > 0 {
            break; // the scan has been read, recorded and indexed
        }
        for path in ["/readyz", "/api/v1/search?q=Badush", "/api/v1/holdings"] {
            let (status, body, took) = timed_get(&server, path, Some(&admin));
            assert_eq!(status, 200, "{path}: {body}");
            slowest = slowest.max(took);
        }
        reads_during_ocr += 1;
        assert!(
            Instant::now() < deadline,
            "the uploaded scan was never indexed"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The reads really happened during the OCR run, and none of them waited for it (the whole
    // run takes several seconds; before the vault was released during extraction, every read
    // waited for its end and `/readyz` gave up with 503 after 5 s).
    assert!(
        reads_during_ocr >= 3,
        "only {reads_during_ocr} rounds of reads before the scan was indexed"
    );
    assert!(
        slowest < Duration::from_secs(3),
        "a read waited {slowest:?} for the extraction"
    );
    let (status, found, _) = timed_get(&server, "/api/v1/search?q=Kocho", Some(&admin));
    assert_eq!((status, found["total"].as_u64()), (200, Some(1)), "{found}");
}

#[test]
fn api_errors_are_json_with_an_id_and_unstorable_input_is_refused() {
    let v = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    let agent = &server.agent;
    let base = &server.base;
    let json_of = |mut response: ureq::http::Response<ureq::Body>| -> (u16, String, Value) {
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body: Value = response.body_mut().read_json().unwrap_or(Value::Null);
        (status, kind, body)
    };
    let assert_error = |(status, kind, body): (u16, String, Value), expected: u16| -> Value {
        assert_eq!(status, expected, "{body}");
        assert!(kind.starts_with("application/json"), "{status}: {kind}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
        let id = body["id"].as_str().unwrap_or_default();
        assert!(
            id.len() >= 8 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{body}"
        );
        body
    };

    // A NUL in sign-in (no token needed): 400 naming the field, not 500.
    let refused = assert_error(
        json_of(
            agent
                .post(format!("{base}/api/v1/auth/login"))
                .send_json(json!({"user": "ad\u{0}min", "password": "x"}))
                .unwrap(),
        ),
        400,
    );
    assert!(
        refused["error"].as_str().unwrap().contains("body.user"),
        "{refused}"
    );
    // In a nested field of an authenticated route, and in a query parameter.
    let (status, refused) = server.send(
        "POST",
        "/api/v1/requests",
        &admin,
        json!({"authority": "X", "legal_basis": "MLA", "description": {"text": "a\u{1}b"}}),
    );
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("body.description.text"),
        "{refused}"
    );
    let refused = assert_error(
        json_of(
            agent
                .get(format!("{base}/api/v1/search?q=Bad%00ush"))
                .header("Authorization", format!("Bearer {admin}"))
                .call()
                .unwrap(),
        ),
        400,
    );
    assert!(
        refused["error"].as_str().unwrap().contains("`q`"),
        "{refused}"
    );
    // In the path.
    assert_error(
        json_of(
            agent
                .get(format!("{base}/api/v1/requests/RFA%00X"))
                .header("Authorization", format!("Bearer {admin}"))
                .call()
                .unwrap(),
        ),
        400,
    );

    // The framework's own refusals come in the same shape: a body that is not JSON, JSON of the
    // wrong shape, the wrong content type, an unknown route, a wrong method.
    assert_error(
        json_of(
            agent
                .post(format!("{base}/api/v1/auth/login"))
                .header("content-type", "application/json")
                .send(&b"{\"user\": "[..])
                .unwrap(),
        ),
        400,
    );
    assert_error(
        json_of(
            agent
                .post(format!("{base}/api/v1/auth/login"))
                .send_json(json!({"user": 3}))
                .unwrap(),
        ),
        422,
    );
    assert_error(
        json_of(
            agent
                .post(format!("{base}/api/v1/auth/login"))
                .header("content-type", "text/plain")
                .send(&b"user=admin"[..])
                .unwrap(),
        ),
        415,
    );
    assert_error(
        json_of(
            agent
                .get(format!("{base}/api/v1/no-such-route"))
                .call()
                .unwrap(),
        ),
        404,
    );
    assert_error(
        json_of(agent.delete(format!("{base}/api/v1/me")).call().unwrap()),
        405,
    );
    // Not signed in.
    assert_error(
        json_of(agent.get(format!("{base}/api/v1/me")).call().unwrap()),
        401,
    );
}

#[test]
fn concurrent_searches_are_each_in_the_custody_log() {
    let v = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    // Twenty people searching at once: their entries are written in groups, and each answer
    // comes only once its own entry is in the log, at a position of its own.
    let positions: Vec<u64> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..20)
            .map(|_| {
                scope.spawn(|| {
                    (0..5)
                        .map(|_| {
                            let (status, found) =
                                server.json("/api/v1/search?q=Badush", Some(&admin));
                            assert_eq!(status, 200, "{found}");
                            assert_eq!(found["total"], 1, "{found}");
                            found["ledger_index"].as_u64().unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let distinct: std::collections::BTreeSet<_> = positions.iter().collect();
    assert_eq!(
        distinct.len(),
        100,
        "every search has its own entry: {positions:?}"
    );
    let (code, _) = server.stop();
    assert_eq!(code, Some(0));
    // Every one of them is a `search` entry that the log and the catalog agree on.
    let (code, report) = v.verify(false);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn a_command_line_ingest_into_a_served_vault_works_and_the_server_keeps_answering() {
    let v = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    // A collection big enough for the ingest to take a while: many small text files.
    let folder = v.folder("second-collection");
    for n in 0..400 {
        fs::write(
            folder.join(format!("statement-{n:03}.txt")),
            format!("Statement {n} on the Tal Afar checkpoint, witness number {n}."),
        )
        .unwrap();
    }
    let mut ingest = std::process::Command::new(assert_cmd::cargo::cargo_bin("custodia"))
        .arg("--data-dir")
        .arg(&v.dir)
        .args([
            "--json",
            "ingest",
            folder.to_str().unwrap(),
            "--originator",
            "UNITAD",
            "--case",
            "C-1",
        ])
        .env_remove("CUSTODIA_DATA_DIR")
        .env_remove("CUSTODIA_USER")
        // To files, not pipes: nobody reads a pipe until the ingest ends.
        .stdout(fs::File::create(v.dir.with_extension("ingest.out")).unwrap())
        .stderr(fs::File::create(v.dir.with_extension("ingest.err")).unwrap())
        .spawn()
        .unwrap();
    // While it runs, the server answers reads and records their custody entries.
    let mut answered = 0;
    let mut slowest = Duration::ZERO;
    let ingest_status = loop {
        for path in ["/readyz", "/api/v1/search?q=Badush", "/api/v1/holdings"] {
            let (status, body, took) = timed_get(&server, path, Some(&admin));
            assert_eq!(status, 200, "{path} during a command-line ingest: {body}");
            slowest = slowest.max(took);
            answered += 1;
        }
        if let Some(status) = ingest.try_wait().unwrap() {
            break status;
        }
    };
    assert!(
        ingest_status.success(),
        "the command-line ingest failed while the vault was served:\n{}",
        fs::read_to_string(v.dir.with_extension("ingest.err")).unwrap_or_default()
    );
    assert!(answered >= 3);
    assert!(
        slowest < Duration::from_secs(5),
        "a read took {slowest:?} during the ingest"
    );
    // The command line extracts what it ingested; the server's searches find it.
    v.ok(["extract", "--pending"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, found, _) = timed_get(&server, "/api/v1/search?q=Tal+Afar", Some(&admin));
        assert_eq!(status, 200, "{found}");
        if found["total"].as_u64() == Some(400) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server does not find what the command line ingested: {found}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Both processes wrote one custody log: it verifies, and the server proves the newest entry.
    let (code, report) = v.verify(false);
    assert_eq!(code, 0, "{report}");
    let (status, body, _) = server.get("/api/v1/log/checkpoint", Some(&admin));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let size: u64 = String::from_utf8_lossy(&body)
        .lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .unwrap();
    let (status, proof) = server.json(
        &format!("/api/v1/log/proof?entry={}", size - 1),
        Some(&admin),
    );
    assert_eq!(status, 200, "{proof}");
}
