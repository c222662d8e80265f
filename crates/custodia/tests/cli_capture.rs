//! `custodia capture` against a local web site and time-stamping authority the test starts
//! (tests/support/capture_site.py): a page whose script loads more text, an image, a video, a
//! redirect, an HTTPS variant with its own CA, a page that never settles, a 10 GiB response, a
//! redirect loop. The WARC is checked by warcio and the WACZ by `wacz validate` (PyPI, from
//! CUSTODIA_CAPTURE_PYTHON, which scripts/test provides), the timestamp tokens by
//! `openssl ts -verify`. Chromium, the Python tools and OpenSSL are required under CI.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};
use support::TestVault;

/// The test site, stopped when dropped.
struct Site {
    child: Child,
    _dir: tempfile::TempDir,
    http: u16,
    https: u16,
    ca: PathBuf,
    server_cert: PathBuf,
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Site {
    fn start() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/capture_site.py"
            ))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the test site");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the test site did not start ({e}): {line:?}"));
        Site {
            child,
            http: info["http"].as_u64().unwrap() as u16,
            https: info["https"].as_u64().unwrap() as u16,
            ca: PathBuf::from(info["ca"].as_str().unwrap()),
            server_cert: PathBuf::from(info["server_cert"].as_str().unwrap()),
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http)
    }
}

/// Whether the browser is here; under CI it must be.
fn have_chromium() -> bool {
    let here = std::env::var_os("CUSTODIA_CHROMIUM").is_some()
        || ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .any(|p| Path::new(p).exists());
    if !here {
        assert!(
            std::env::var_os("CI").is_none(),
            "Chromium is missing under CI (scripts/install-deps installs it)"
        );
        eprintln!("skipped: no Chromium");
    }
    here
}

/// The Python with warcio, wacz and yt-dlp; required under CI.
fn python() -> Option<String> {
    match std::env::var("CUSTODIA_CAPTURE_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CUSTODIA_CAPTURE_PYTHON is not set, and CI is: this test needs a Python with warcio and wacz (scripts/test makes one)"
            );
            eprintln!("CUSTODIA_CAPTURE_PYTHON is not set: the warcio and wacz checks are skipped");
            None
        }
    }
}

fn set_tsa(v: &TestVault, urls: &[String], ca: &Path) {
    let path = v.dir.join("vault.json");
    let mut config: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    config["tsa_urls"] = serde_json::json!(urls);
    config["tsa_ca_file"] = serde_json::json!(ca);
    std::fs::write(&path, serde_json::to_vec_pretty(&config).unwrap()).unwrap();
}

fn get(v: &TestVault, sha: &str, name: &str) -> PathBuf {
    let out = v.tmp.path().join(format!("{}-{name}", &sha[..12]));
    if !out.exists() {
        v.ok([
            "get",
            sha,
            "--out",
            out.to_str().unwrap(),
            "--reason",
            "checking the capture",
        ]);
    }
    out
}

fn child<'a>(capture: &'a Value, name: &str) -> &'a str {
    capture["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["path_in_parent"].as_str() == Some(name)
                && i["parent"].as_str() == capture["capture_sha256"].as_str()
        })
        .unwrap_or_else(|| panic!("no child `{name}` in {capture:#}"))["sha256"]
        .as_str()
        .unwrap()
}

fn capture(v: &TestVault, args: &[&str]) -> support::Run {
    let mut cmd = v.cmd(["capture", "--originator", "Capture team"]);
    cmd.args(args);
    cmd.timeout(std::time::Duration::from_secs(300));
    support::run(&mut cmd)
}

#[test]
fn a_page_is_captured_whole_archived_stamped_and_searchable() {
    if !have_chromium() {
        return;
    }
    let site = Site::start();
    let v = TestVault::new();
    // One authority answers; the other is down (nothing listens on port 1).
    let good = site.url("/tsa");
    let down = "http://127.0.0.1:1/tsa".to_owned();
    set_tsa(&v, &[good.clone(), down.clone()], &site.ca);
    let out = capture(
        &v,
        &[
            &site.url("/redirect"),
            "--allow-private",
            "--note",
            "test capture",
        ],
    )
    .ok();
    let c = &out["captures"][0];
    assert_eq!(c["url"], site.url("/redirect"));
    assert_eq!(c["final_url"], site.url("/"));
    assert_eq!(c["status"], 200);
    assert!(c["warc_records"].as_u64().unwrap() >= 10, "{c:#}");
    for key in ["capture_sha256", "wacz_sha256", "screenshot_sha256"] {
        assert_eq!(c[key].as_str().unwrap().len(), 64, "{key}");
    }
    // The timestamps: one verified, the failed one named, and the capture stands.
    let stamps = c["timestamps"].as_array().unwrap();
    assert_eq!(stamps.len(), 2);
    assert_eq!(stamps[0]["tsa"], good);
    assert_eq!(stamps[0]["status"], "verified");
    assert!(stamps[0]["gen_time"].as_str().unwrap().starts_with("20"));
    assert_eq!(stamps[1]["tsa"], down);
    assert_eq!(stamps[1]["status"], "failed");
    assert!(stamps[1]["gen_time"].is_null());
    assert!(
        c["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains(&down)),
        "{c:#}"
    );

    // The capture record names every artefact by its hash; they are its children.
    let record_sha = c["capture_sha256"].as_str().unwrap();
    let record_path = get(&v, record_sha, "capture.json");
    let record_bytes = std::fs::read(&record_path).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&record_bytes)), record_sha);
    let record: Value = serde_json::from_slice(&record_bytes).unwrap();
    assert_eq!(record["url"], site.url("/redirect"));
    assert_eq!(record["originator"], "Capture team");
    assert_eq!(record["note"], "test capture");
    let chain: Vec<u64> = record["redirect_chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_u64().unwrap())
        .collect();
    assert_eq!(chain, [302, 200]);
    assert!(record["tools"]["chromium"]
        .as_str()
        .unwrap()
        .contains("Chrom"));
    for artefact in record["artefacts"].as_array().unwrap() {
        let name = artefact["name"].as_str().unwrap();
        assert_eq!(
            child(c, name),
            artefact["sha256"].as_str().unwrap(),
            "{name}"
        );
    }
    assert_eq!(child(c, "capture.wacz"), c["wacz_sha256"].as_str().unwrap());
    assert_eq!(
        child(c, "screenshot.png"),
        c["screenshot_sha256"].as_str().unwrap()
    );

    // The screenshot, the rendered page and its text, with what the script loaded.
    let png = std::fs::read(get(
        &v,
        c["screenshot_sha256"].as_str().unwrap(),
        "shot.png",
    ))
    .unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let text = std::fs::read_to_string(get(&v, child(c, "page.txt"), "page.txt")).unwrap();
    assert!(
        text.contains("Loaded later by script: sinjar-evidence-42"),
        "{text}"
    );
    let dom = std::fs::read_to_string(get(&v, child(c, "page.html"), "page.html")).unwrap();
    assert!(dom.contains("sinjar-evidence-42") && dom.contains("<img"));
    let pdf = std::fs::read(get(&v, child(c, "page.pdf"), "page.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    // The WACZ: stored members, every file's hash in datapackage.json, every resource indexed.
    let wacz_path = get(&v, c["wacz_sha256"].as_str().unwrap(), "capture.wacz");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&wacz_path).unwrap()).unwrap();
    let mut datapackage = String::new();
    zip.by_name("datapackage.json")
        .unwrap()
        .read_to_string(&mut datapackage)
        .unwrap();
    let datapackage: Value = serde_json::from_str(&datapackage).unwrap();
    assert_eq!(datapackage["wacz_version"], "1.1.1");
    for resource in datapackage["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let mut member = zip.by_name(path).unwrap();
        assert_eq!(
            member.compression(),
            zip::CompressionMethod::Stored,
            "{path}"
        );
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        assert_eq!(
            resource["hash"],
            format!("sha256:{}", hex::encode(Sha256::digest(&bytes)))
        );
        assert_eq!(resource["bytes"], bytes.len());
    }
    let mut index = String::new();
    zip.by_name("indexes/index.cdxj")
        .unwrap()
        .read_to_string(&mut index)
        .unwrap();
    for path in ["/redirect", "/more.json", "/img.png", "/video.mp4", ")/ "] {
        assert!(index.contains(path), "{path} is not in the index:\n{index}");
    }
    let mut digest = String::new();
    zip.by_name("datapackage-digest.json")
        .unwrap()
        .read_to_string(&mut digest)
        .unwrap();
    let digest: Value = serde_json::from_str(&digest).unwrap();
    use base64::Engine;
    let note = base64::engine::general_purpose::STANDARD
        .decode(digest["signedData"]["signature"].as_str().unwrap())
        .unwrap();
    let note = String::from_utf8(note).unwrap();
    assert!(note.starts_with(&format!(
        "custodia statement: wacz datapackage digest\n{}\n",
        digest["hash"].as_str().unwrap()
    )));
    assert_eq!(digest["signedData"]["created"], datapackage["created"]);

    // Independent readers: warcio checks every record's digests, `wacz validate` the package.
    if let Some(python) = python() {
        // The tools' own commands, beside the Python that has them.
        let tool = |name: &str| Path::new(&python).parent().unwrap().join(name);
        let warc = v.tmp.path().join("data.warc.gz");
        let mut bytes = Vec::new();
        zip.by_name("archive/data.warc.gz")
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        std::fs::write(&warc, bytes).unwrap();
        let check = Command::new(tool("warcio"))
            .args(["check", "-v"])
            .arg(&warc)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&check.stdout);
        assert!(check.status.success(), "warcio check failed:\n{report}");
        assert!(report.matches("digest pass").count() >= 10, "{report}");
        assert!(!report.contains("failed"), "{report}");
        let index = Command::new(tool("warcio"))
            .args(["index", "-f", "warc-type,warc-target-uri,http:status"])
            .arg(&warc)
            .output()
            .unwrap();
        let index = String::from_utf8_lossy(&index.stdout);
        for kind in ["warcinfo", "request", "response", "metadata"] {
            assert!(
                index.contains(&format!("\"warc-type\": \"{kind}\"")),
                "{kind}:\n{index}"
            );
        }
        let validate = Command::new(tool("wacz"))
            .args(["validate", "-f"])
            .arg(&wacz_path)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&validate.stdout).into_owned()
            + &String::from_utf8_lossy(&validate.stderr);
        assert!(
            validate.status.success() && said.contains("is valid"),
            "wacz validate:\n{said}"
        );
    }

    // The token verifies with OpenSSL over the capture record's hash.
    let token = get(&v, child(c, "timestamps/tsa-1.tsr"), "tsa-1.tsr");
    let verify = Command::new("openssl")
        .args(["ts", "-verify", "-digest", record_sha, "-in"])
        .arg(&token)
        .arg("-CAfile")
        .arg(&site.ca)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "openssl ts -verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );

    // Every item is in the custody log, and the page's text is found once extracted.
    let history = v.history(record_sha);
    assert!(history.to_string().contains("ingest"), "{history:#}");
    v.ok(["extract", "--pending", "--no-ocr"]);
    let hits = v.ok(["search", "sinjar"]);
    assert!(
        hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h.to_string().contains(child(c, "page.txt"))),
        "{hits:#}"
    );
}

#[test]
fn https_pages_keep_their_certificate_chain() {
    if !have_chromium() {
        return;
    }
    let site = Site::start();
    let v = TestVault::new();
    let url = format!("https://127.0.0.1:{}/", site.https);
    // A certificate from an unknown CA stops the capture unless accepted.
    let refused = capture(&v, &[&url, "--allow-private"]).failed();
    assert!(refused.to_string().contains("ERR_CERT"), "{refused:#}");
    let out = capture(
        &v,
        &[&url, "--allow-private", "--accept-invalid-certificates"],
    )
    .ok();
    let c = &out["captures"][0];
    assert_eq!(c["status"], 200);
    let pem = std::fs::read_to_string(get(&v, child(c, "certificates.pem"), "certs.pem")).unwrap();
    let server = std::fs::read_to_string(&site.server_cert).unwrap();
    let body = |p: &str| -> String {
        p.lines()
            .skip_while(|l| !l.starts_with("-----BEGIN"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect()
    };
    assert_eq!(
        body(&pem),
        body(&server),
        "the first certificate is the server's"
    );
    let record: Value = serde_json::from_slice(
        &std::fs::read(get(&v, c["capture_sha256"].as_str().unwrap(), "r.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(record["browser"]["accept_invalid_certificates"], true);
    assert!(
        record["tls"]["protocol"]
            .as_str()
            .unwrap()
            .starts_with("TLS"),
        "{record:#}"
    );
}

#[test]
fn private_addresses_limits_and_loops_end_with_a_clear_error_and_nothing_stored() {
    if !have_chromium() {
        return;
    }
    let site = Site::start();
    let v = TestVault::new();
    let blobs = v.blob_files();
    let cases: [(String, Vec<&str>, &str); 5] = [
        (
            site.url("/"),
            vec![],
            "loopback address; refused (pass --allow-private",
        ),
        (
            format!("http://localhost:{}/", site.http),
            vec![],
            "--allow-private",
        ),
        (
            site.url("/never"),
            vec!["--allow-private", "--timeout", "6"],
            "not captured within 6 s",
        ),
        (
            site.url("/huge"),
            vec!["--allow-private", "--max-bytes", "30000000"],
            "more than 30000000 bytes received",
        ),
        (
            site.url("/loop"),
            vec!["--allow-private"],
            "ERR_TOO_MANY_REDIRECTS",
        ),
    ];
    for (url, extra, expected) in &cases {
        let mut args = vec![url.as_str()];
        args.extend(extra);
        let started = std::time::Instant::now();
        let run = capture(&v, &args);
        let out = run.failed();
        let c = &out["captures"][0];
        assert_eq!(c["url"], url.as_str());
        assert!(c["capture_sha256"].is_null(), "{out:#}");
        let errors = c["errors"].to_string();
        assert!(
            errors.contains(expected),
            "{url}: expected `{expected}` in {errors}"
        );
        assert!(
            errors.contains(url.as_str()),
            "the error names the page: {errors}"
        );
        assert!(
            started.elapsed().as_secs() < 60,
            "{url} took {:?}",
            started.elapsed()
        );
    }
    assert_eq!(v.blob_files(), blobs, "nothing was stored");
    // Not a URL to capture at all.
    let bad = v
        .run(["capture", "--originator", "X", "file:///etc/passwd"])
        .failed();
    assert!(bad.to_string().contains("only http and https"), "{bad:#}");
}

#[test]
fn media_is_fetched_with_yt_dlp_and_recorded() {
    if !have_chromium() {
        return;
    }
    let yt_dlp = std::env::var_os("CUSTODIA_YT_DLP");
    if yt_dlp.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CUSTODIA_YT_DLP is not set under CI"
        );
        eprintln!("skipped: no yt-dlp");
        return;
    }
    let site = Site::start();
    let v = TestVault::new();
    let out = capture(&v, &[&site.url("/"), "--allow-private", "--media"]).ok();
    let c = &out["captures"][0];
    let media = c["media"].as_array().unwrap();
    let video = media
        .iter()
        .find(|m| m["role"] == "media")
        .unwrap_or_else(|| panic!("no video in {c:#}"));
    let bytes = std::fs::read(get(&v, child(c, video["name"].as_str().unwrap()), "video")).unwrap();
    assert!(bytes.starts_with(b"\x00\x00\x00\x18ftypmp42"));
    assert!(media.iter().any(|m| m["role"] == "media_info"));
    let record: Value = serde_json::from_slice(
        &std::fs::read(get(&v, c["capture_sha256"].as_str().unwrap(), "r.json")).unwrap(),
    )
    .unwrap();
    assert!(
        record["tools"]["yt_dlp"]
            .as_str()
            .unwrap()
            .starts_with("20"),
        "{record:#}"
    );
}

/// The web application: a capture's page shows what was captured, and the form captures only
/// public pages (the local site is refused, and nothing is stored).
#[test]
fn the_web_application_shows_a_capture_and_refuses_private_pages() {
    if !have_chromium() {
        return;
    }
    let site = Site::start();
    let v = TestVault::new();
    set_tsa(&v, &[site.url("/tsa")], &site.ca);
    let out = capture(&v, &[&site.url("/"), "--allow-private"]).ok();
    let c = &out["captures"][0];
    let sha = c["capture_sha256"].as_str().unwrap().to_owned();
    let text_sha = child(c, "page.txt").to_owned();
    let shot = c["screenshot_sha256"].as_str().unwrap().to_owned();
    support::server::set_password(&v, "admin");
    let server = support::server::Server::start(&v);
    let token = server.token("admin");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let cookie_of = |csrf: &str| format!("custodia_session={token}; custodia_csrf={csrf}");
    let get = |path: &str| -> (u16, String) {
        let mut r = agent
            .get(format!("{}{path}", server.base))
            .header("Cookie", cookie_of(""))
            .call()
            .unwrap();
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (status, page) = get(&format!("/captures/{sha}"));
    assert_eq!(status, 200, "{page}");
    for expected in [
        "sinjar-evidence-42",
        &format!("/items/{shot}/preview"),
        "screenshot.png",
        "capture.wacz",
        &site.url("/tsa"),
        "Verified",
        "Chrom",
    ] {
        assert!(
            page.contains(expected),
            "`{expected}` is not on the capture's page"
        );
    }
    // Anything else is no capture.
    assert_eq!(get(&format!("/captures/{text_sha}")).0, 404);
    assert_eq!(get(&format!("/captures/{}", "0".repeat(64))).0, 404);
    let (status, form) = get("/capture");
    assert_eq!(status, 200);
    let at = form
        .find("name=\"csrf\" value=\"")
        .expect("the form has its CSRF field");
    let rest = &form[at + "name=\"csrf\" value=\"".len()..];
    let csrf = rest[..rest.find('"').unwrap()].to_owned();
    let blobs = v.blob_files();
    let post = |url: &str| -> (u16, String) {
        let body = format!(
            "csrf={csrf}&url={}&originator=Web%20team",
            url.replace(':', "%3A").replace('/', "%2F")
        );
        let mut r = agent
            .post(format!("{}/capture", server.base))
            .header("Cookie", cookie_of(&csrf))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(body)
            .unwrap();
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (status, page) = post(&site.url("/"));
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("loopback address"), "{page}");
    assert_eq!(post("ftp://example.org/").0, 400);
    assert_eq!(v.blob_files(), blobs, "nothing was stored");
}

/// The replay of a capture: its page frames the replay listener, a separate origin that serves
/// the WACZ only for a live token of a user who may still take it out of the vault, records
/// each fetch in the custody log, and serves nothing else.
#[test]
fn a_capture_is_replayed_from_its_own_origin_with_a_token() {
    if !have_chromium() {
        return;
    }
    let site = Site::start();
    let v = TestVault::new();
    v.ok(["case", "add", "REPLAY-1"]);
    v.ok(["user", "add", "ana", "--org", "Holder", "--role", "analyst"]);
    v.ok(["user", "add", "aud", "--org", "Holder", "--role", "auditor"]);
    v.ok(["user", "add", "bob", "--org", "Holder", "--role", "analyst"]);
    v.ok(["case", "add-member", "REPLAY-1", "ana"]);
    let out = capture(
        &v,
        &[&site.url("/"), "--allow-private", "--case", "REPLAY-1"],
    )
    .ok();
    let c = &out["captures"][0];
    let sha = c["capture_sha256"].as_str().unwrap().to_owned();
    let wacz_sha = c["wacz_sha256"].as_str().unwrap().to_owned();
    let wacz = std::fs::read(get(&v, &wacz_sha, "capture.wacz")).unwrap();
    for user in ["admin", "ana", "aud", "bob"] {
        support::server::set_password(&v, user);
    }
    let server = support::server::Server::start(&v);
    assert_ne!(server.replay, server.base);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let page_of = |user: &str| -> (u16, String, String) {
        let token = server.token(user);
        let mut r = agent
            .get(format!("{}/captures/{sha}", server.base))
            .header("Cookie", format!("custodia_session={token}"))
            .call()
            .unwrap();
        let csp = r
            .headers()
            .get("content-security-policy")
            .map(|h| h.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
            csp,
        )
    };
    // The token in the frame's address, decoded.
    let token_in = |page: &str| -> Option<String> {
        let marker = "%2Freplay%2Fsource%2F";
        let at = page.find(marker)? + marker.len();
        Some(page[at..at + 64].to_owned())
    };
    let fetch = |path: &str, headers: &[(&str, &str)]| -> (u16, Vec<u8>, ureq::http::HeaderMap) {
        let mut request = agent.get(format!("{}{path}", server.replay));
        for (k, value) in headers {
            request = request.header(*k, *value);
        }
        let mut r = request.call().unwrap();
        let headers = r.headers().clone();
        (
            r.status().as_u16(),
            r.body_mut().read_to_vec().unwrap(),
            headers,
        )
    };

    let (status, page, csp) = page_of("admin");
    assert_eq!(status, 200, "{page}");
    let frame = format!(
        "<iframe class=\"capture-replay\" width=\"100%\" height=\"720\" src=\"{}/replay/index.html?source=",
        server.replay
    );
    assert!(page.contains(&frame), "no replay frame in {page}");
    assert!(page.contains("embed=replayonly"), "{page}");
    assert!(page.contains("#url=http%3A%2F%2F127.0.0.1%3A"), "{page}");
    assert!(
        csp.ends_with(&format!("; frame-src {}", server.replay)),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let admin_token = token_in(&page).expect("a token in the frame's address");
    assert!(admin_token.chars().all(|ch| ch.is_ascii_hexdigit()));
    // Other pages frame nothing.
    let (_, _, home_csp) = {
        let token = server.token("admin");
        let r = agent
            .get(format!("{}/", server.base))
            .header("Cookie", format!("custodia_session={token}"))
            .call()
            .unwrap();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        (0, (), csp)
    };
    assert!(!home_csp.contains("frame-src"), "{home_csp}");

    // The WACZ, whole and by ranges, with the token alone (no cookie).
    let (status, body, headers) = fetch(&format!("/replay/source/{admin_token}"), &[]);
    assert_eq!(status, 200);
    assert!(body == wacz, "the replayed WACZ is the stored one");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["accept-ranges"], "bytes");
    let (status, body, headers) = fetch(
        &format!("/replay/source/{admin_token}"),
        &[("Range", "bytes=0-3")],
    );
    assert_eq!(status, 206);
    assert_eq!(body, b"PK\x03\x04");
    assert_eq!(
        headers["content-range"],
        format!("bytes 0-3/{}", wacz.len()).as_str()
    );

    // Nothing for no token, a wrong one, a cookie instead of one, or any other address.
    let admin_session = server.token("admin");
    let cookie = format!("custodia_session={admin_session}");
    for (path, headers) in [
        ("/replay/source/".to_owned(), vec![]),
        (format!("/replay/source/{}", "0".repeat(64)), vec![]),
        (
            format!("/replay/source/{}", &admin_token[..63]),
            vec![("Cookie", cookie.as_str())],
        ),
        (format!("/replay/source/{admin_token}/x"), vec![]),
        (
            format!("/captures/{sha}"),
            vec![("Cookie", cookie.as_str())],
        ),
        (
            format!("/items/{wacz_sha}/preview"),
            vec![("Cookie", cookie.as_str())],
        ),
        (
            "/api/v1/items".to_owned(),
            vec![("Cookie", cookie.as_str())],
        ),
        ("/".to_owned(), vec![]),
        ("/replay/".to_owned(), vec![]),
        ("/assets/app.js".to_owned(), vec![]),
        ("/login".to_owned(), vec![]),
    ] {
        let (status, body, _) = fetch(&path, &headers);
        assert_eq!(status, 404, "{path}");
        assert!(!body.windows(2).any(|w| w == b"PK"), "{path}");
    }
    // ReplayWeb.page's files, from the replay origin only.
    let (status, index, _) = fetch("/replay/index.html", &[]);
    assert_eq!(status, 200);
    let index = String::from_utf8(index).unwrap();
    assert!(
        index.contains("<script src=\"./ui.js\"></script>"),
        "{index}"
    );
    assert!(index.contains("<replay-app-main>"), "{index}");
    assert!(!index.contains("http"), "nothing from elsewhere: {index}");
    for (path, kind) in [
        ("/replay/ui.js", "application/javascript"),
        ("/replay/sw.js", "application/javascript"),
        ("/replay/LICENSE", "text/plain"),
    ] {
        let (status, body, headers) = fetch(path, &[]);
        assert_eq!(status, 200, "{path}");
        assert!(body.len() > 10_000, "{path}");
        assert!(
            headers["content-type"].to_str().unwrap().starts_with(kind),
            "{path}"
        );
        let (status, _, _) = {
            let r = agent.get(format!("{}{path}", server.base)).call().unwrap();
            (r.status().as_u16(), (), ())
        };
        assert_ne!(
            status, 200,
            "the application's origin does not serve {path}"
        );
    }

    // An analyst of the case may replay; an auditor (never content) and an analyst of no case
    // see no frame and no token.
    let (status, page, _) = page_of("ana");
    assert_eq!(status, 200, "{page}");
    let ana_token = token_in(&page).expect("the analyst's page has a replay frame");
    assert_eq!(fetch(&format!("/replay/source/{ana_token}"), &[]).0, 200);
    for (user, refused) in [("aud", 403), ("bob", 404)] {
        let (status, page, csp) = page_of(user);
        assert_eq!(status, refused, "{user}: {page}");
        assert!(token_in(&page).is_none(), "{user}: {page}");
        assert!(!page.contains("/replay/"), "{user}: {page}");
        assert!(!csp.contains("frame-src"), "{user}: {csp}");
    }
    // The analyst loses access: their token opens nothing any more.
    v.ok(["user", "roles", "ana", "--role", "auditor"]);
    assert_eq!(fetch(&format!("/replay/source/{ana_token}"), &[]).0, 404);
    assert_eq!(fetch(&format!("/replay/source/{admin_token}"), &[]).0, 200);
    drop(server);

    // A token expires.
    let server = support::server::Server::start_with(&v, &["--replay-token-seconds", "1"]);
    let token = server.token("admin");
    let mut r = agent
        .get(format!("{}/captures/{sha}", server.base))
        .header("Cookie", format!("custodia_session={token}"))
        .call()
        .unwrap();
    let page = r.body_mut().read_to_string().unwrap();
    let short_lived = token_in(&page).expect("a token");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let r = agent
        .get(format!("{}/replay/source/{short_lived}", server.replay))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    drop(server);

    // Every fetch of the bytes is a download in the custody log, with its purpose.
    let replays: Vec<Value> = v.history(&wacz_sha)["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["action"] == "download"
                && e["details"]["reason"] == "replaying a web capture in the web application"
        })
        .cloned()
        .collect();
    let actors: Vec<&str> = replays
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["admin", "admin", "ana", "admin"], "{replays:#?}");
}
