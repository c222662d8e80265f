//! The public reporting point through a real server (`custodia serve --public-intake`): the
//! form in four languages, JSON and multipart reports with their challenge, oversized and
//! malformed input refused with the field named, tokens spent once and not too soon, the rate
//! limit per address, nothing else of the application on that listener, and nothing about the
//! reporter (address, user agent) in the data directory or the server's log.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::TestVault;

const AGENT: &str = "Mozilla/5.0 CanaryAgent-7f3a";

struct Intake {
    child: Child,
    main: String,
    base: String,
    agent: ureq::Agent,
    log: std::path::PathBuf,
}

impl Drop for Intake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Intake {
    fn start(v: &TestVault) -> Self {
        let log = v.tmp.path().join("server.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_custodia"))
            .arg("--data-dir")
            .arg(&v.dir)
            .args([
                "--json",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--public-intake",
                "--intake-listen",
                "127.0.0.1:0",
            ])
            .env_remove("CUSTODIA_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut text = String::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            text.push_str(&line);
            if line == "}" {
                break;
            }
        }
        let started: Value = serde_json::from_str(&text).expect("serve prints its addresses");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            child,
            main: format!("http://{}", started["listen"].as_str().unwrap()),
            base: format!("http://{}", started["intake_listen"].as_str().unwrap()),
            agent,
            log,
        }
    }

    fn get(&self, path: &str, language: Option<&str>) -> (u16, String) {
        let mut request = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("User-Agent", AGENT);
        if let Some(language) = language {
            request = request.header("Accept-Language", language);
        }
        let mut response = request.call().unwrap();
        (
            response.status().as_u16(),
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    }

    /// A challenge token, and a nonce solving it.
    fn challenge(&self) -> (String, String) {
        let (status, body) = self.get("/api/v1/public/harm-reports/challenge", None);
        assert_eq!(status, 200, "{body}");
        let challenge: Value = serde_json::from_str(&body).unwrap();
        let token = challenge["token"].as_str().unwrap().to_owned();
        let difficulty = challenge["difficulty"].as_u64().unwrap() as u32;
        let nonce = (0u64..)
            .map(|n| n.to_string())
            .find(|n| {
                let digest = Sha256::digest(format!("{token}:{n}").as_bytes());
                let mut zeros = 0;
                for byte in digest.iter() {
                    zeros += byte.leading_zeros();
                    if *byte != 0 {
                        break;
                    }
                }
                zeros >= difficulty
            })
            .unwrap();
        (token, nonce)
    }

    fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
        challenge: Option<&(String, String)>,
    ) -> (u16, String) {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("User-Agent", AGENT)
            .header("Content-Type", content_type);
        if let Some((token, nonce)) = challenge {
            request = request
                .header("X-Custodia-Challenge", token)
                .header("X-Custodia-Nonce", nonce);
        }
        let mut response = request.send(body).unwrap();
        (
            response.status().as_u16(),
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    }

    fn post_json(&self, report: &Value, challenge: Option<&(String, String)>) -> (u16, Value) {
        let (status, body) = self.post(
            "/api/v1/public/harm-reports",
            "application/json",
            report.to_string().as_bytes(),
            challenge,
        );
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }
}

const BOUNDARY: &str = "----custodia-test-boundary-91c2";

/// A multipart body: (name, filename, content) parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

fn report(place: &str) -> Value {
    json!({
        "date": "2024-03-02",
        "place": place,
        "lat": 36.34,
        "lon": 43.13,
        "description": format!("a house was hit at night in {place}"),
        "killed": 2,
        "injured": 3,
        "contact": "reporter@example.org",
    })
}

#[test]
fn the_public_reporting_point_takes_reports_and_nothing_about_the_reporter() {
    let v = TestVault::new();
    let server = Intake::start(&v);

    // The form, in four languages; right to left for Arabic and Sorani.
    for (query, language, lang, dir, text) in [
        ("", Some("en-GB"), "en", "ltr", "Report harm to civilians"),
        ("?lang=ar", None, "ar", "rtl", "الإبلاغ"),
        ("", Some("ckb-IQ,ar;q=0.5"), "ckb", "rtl", "ڕاپۆرتکردنی"),
        ("?lang=fr", Some("ar"), "fr", "ltr", "Signaler"),
    ] {
        let (status, page) = server.get(&format!("/report{query}"), language);
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains(&format!("lang=\"{lang}\" dir=\"{dir}\"")),
            "{lang}: {page}"
        );
        assert!(page.contains(text), "{lang}: {page}");
        assert!(page.contains("enctype=\"multipart/form-data\""));
        assert!(!page.contains("<script"), "the form works without script");
    }

    // Malformed input is refused, naming the field; no token is needed to learn that.
    let mut bad_date = report("Mosul");
    bad_date["date"] = json!("2024-13-45");
    let mut no_description = report("Mosul");
    no_description
        .as_object_mut()
        .unwrap()
        .remove("description");
    let mut lat_only = report("Mosul");
    lat_only.as_object_mut().unwrap().remove("lon");
    let mut unknown = report("Mosul");
    unknown["ip_address"] = json!("10.0.0.1");
    for (body, statuses, names) in [
        (bad_date, [422, 422], "date"),
        (no_description, [400, 422], "description"),
        (lat_only, [422, 422], "lon"),
        (unknown, [400, 400], "ip_address"),
    ] {
        let (status, answer) = server.post_json(&body, None);
        assert!(statuses.contains(&status), "{names}: {status} {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(names),
            "{names}: {answer}"
        );
    }
    let (status, answer) = server.post(
        "/api/v1/public/harm-reports",
        "application/json",
        b"{not json",
        None,
    );
    assert_eq!(status, 400, "{answer}");
    // A report without a challenge, or with an unsolved one, is refused.
    let (status, answer) = server.post_json(&report("Mosul"), None);
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("challenge"));

    // Tokens: one fresh, others old enough once we have waited.
    let fresh = server.challenge();
    let (status, answer) = server.post_json(&report("Mosul"), Some(&fresh));
    assert_eq!(status, 403, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("too soon"));
    let tokens: Vec<(String, String)> = (0..6).map(|_| server.challenge()).collect();
    let (_, form_page) = server.get("/report?lang=ar", None);
    let form_token = form_page
        .split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let unsolved = (tokens[5].0.clone(), "not a solution".to_owned());
    let (status, answer) = server.post_json(&report("Mosul"), Some(&unsolved));
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["field"], "nonce");
    std::thread::sleep(Duration::from_millis(2200));

    // 1. A JSON report → 201 and a reference.
    let (status, answer) = server.post_json(&report("Mosul"), Some(&tokens[0]));
    assert_eq!(status, 201, "{answer}");
    let json_reference = answer["reference"].as_str().unwrap().to_owned();
    assert!(json_reference.starts_with("HR-"), "{json_reference}");
    // The same token again is refused.
    let (status, answer) = server.post_json(&report("Mosul"), Some(&tokens[0]));
    assert_eq!(status, 403, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("used"));

    // An oversized attachment is refused, named.
    let big = vec![7u8; 25 * 1024 * 1024 + 1];
    let report_json = report("Tal Afar").to_string();
    let body = multipart(&[
        ("report", None, report_json.as_bytes()),
        ("attachment", Some("huge.bin"), &big),
    ]);
    let (status, answer) = server.post(
        "/api/v1/public/harm-reports",
        &multipart_type(),
        &body,
        Some(&tokens[1]),
    );
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("huge.bin"), "{answer}");
    drop(big);

    // 2. Multipart with two attachments.
    let body = multipart(&[
        ("report", None, report_json.as_bytes()),
        ("attachment", Some("photo.jpg"), b"first attachment's bytes"),
        ("attachment", Some("notes.txt"), b"second attachment's text"),
    ]);
    let (status, answer) = server.post(
        "/api/v1/public/harm-reports",
        &multipart_type(),
        &body,
        Some(&tokens[1]),
    );
    assert_eq!(status, 201, "{answer}");
    let multipart_reference = serde_json::from_str::<Value>(&answer).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned();

    // 3. The form, in Arabic: a page with the reference.
    let body = multipart(&[
        ("token", None, form_token.as_bytes()),
        ("lang", None, b"ar"),
        ("date", None, b"2024-03-03"),
        ("place", None, "سنجار".as_bytes()),
        ("lat", None, b""),
        ("lon", None, b""),
        ("description", None, "سقطت قذيفة على السوق".as_bytes()),
        ("killed", None, b"1"),
        ("injured", None, b"4"),
        ("contact", None, b""),
        ("attachment", Some(""), b""),
    ]);
    let (status, page) = server.post("/report", &multipart_type(), &body, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("dir=\"rtl\""), "{page}");
    // The first `HR-` is the reference's start; its random part may itself hold `HR-`.
    let form_reference = page
        .find("HR-")
        .and_then(|at| page.get(at..at + 17))
        .map(str::to_owned)
        .unwrap();

    // 4, 5, and the sixth from the same address within the window: 429.
    for token in &tokens[2..4] {
        let (status, answer) = server.post_json(&report("Sinjar"), Some(token));
        assert_eq!(status, 201, "{answer}");
    }
    let (status, answer) = server.post_json(&report("Sinjar"), Some(&tokens[4]));
    assert_eq!(status, 429, "{answer}");

    // Nothing else of the application on this listener.
    for path in [
        "/",
        "/login",
        "/api/v1/items",
        "/api/v1/me",
        "/api/openapi.json",
        "/healthz",
        "/search",
    ] {
        assert_eq!(server.get(path, None).0, 404, "{path}");
    }
    // And the reporting point is not on the application's listener.
    let mut response = server
        .agent
        .post(format!("{}/api/v1/public/harm-reports", server.main))
        .send_json(report("Mosul"))
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let _ = response.body_mut().read_to_string();

    // Stop the server; the reports are there, pending, with their attachments.
    support::server::unsafe_free_sigterm(server.child.id());
    let started = Instant::now();
    let mut server = server;
    while server.child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(15)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let list = v.ok(["harm", "list"]);
    let reports = list["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 5, "{list}");
    assert!(reports.iter().all(|r| r["status"] == "pending"), "{list}");
    for reference in [&json_reference, &multipart_reference, &form_reference] {
        assert!(
            reports.iter().any(|r| r["reference"] == reference.as_str()),
            "{reference}: {list}"
        );
    }
    let shown = v.ok(["harm", "show", &multipart_reference]);
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 2, "{shown}");
    assert_eq!(shown["contact"], "reporter@example.org");
    let shown = v.ok(["harm", "show", &form_reference]);
    assert_eq!(shown["report"]["place"], "سنجار");
    assert_eq!(shown["report"]["injured"], 4);
    assert!(shown["contact"].is_null(), "{shown}");

    // Nothing of the reporter's address or browser in the data directory…
    let mut stack = vec![v.dir.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for needle in ["127.0.0.1", "CanaryAgent"] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "{} holds `{needle}`",
                    path.display()
                );
            }
        }
    }
    // …nor in the server's log (but for the lines that say where it listens).
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("request"), "the server logs requests: {log}");
    for line in log.lines().filter(|l| !l.contains("http://127.0.0.1:")) {
        assert!(!line.contains("127.0.0.1"), "{line}");
        assert!(!line.contains("CanaryAgent"), "{line}");
    }
}
