//! Sign-in attacks replayed against a real `custodia serve`: locking a colleague out with wrong
//! passwords, telling known from unknown users by time, claiming another address through
//! `X-Forwarded-For`, forging the double-submit CSRF cookie, sending the language switch off the
//! site, and reading internal paths from a server error.

mod support;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::server::{set_password, PASSWORD};
use support::TestVault;

/// A `custodia serve` with extra arguments, its log kept in a file.
struct Serve {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Serve {
    fn start(v: &TestVault, extra: &[&str]) -> Self {
        let log = v.tmp.path().join(format!("serve-{}.log", extra.len()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_custodia"))
            .arg("--data-dir")
            .arg(&v.dir)
            .args(["--json", "serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut text = String::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            text.push_str(&line);
            if line == "}" {
                break;
            }
        }
        let started: Value = serde_json::from_str(&text).expect("serve prints its address");
        Self {
            child,
            base: format!("http://{}", started["listen"].as_str().unwrap()),
            log,
        }
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into()
    }

    /// Signs in as `user` with `password`, seemingly from `from` (an `X-Forwarded-For`).
    fn login(&self, user: &str, password: &str, from: Option<&str>) -> Answer {
        let mut request = Self::agent().post(format!("{}/api/v1/auth/login", self.base));
        if let Some(from) = from {
            request = request.header("X-Forwarded-For", from);
        }
        answer(request.send_json(json!({ "user": user, "password": password })))
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let url = format!("{}{path}", self.base);
        let agent = Self::agent();
        let response = if method == "GET" {
            let mut r = agent.get(&url);
            for (k, val) in headers {
                r = r.header(*k, *val);
            }
            r.call()
        } else {
            let mut r = agent.post(&url);
            for (k, val) in headers {
                r = r.header(*k, *val);
            }
            r.send(body)
        };
        answer(response)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    }
}

fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = response.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// ana, bob and carl (holder analysts) with passwords.
fn vault() -> TestVault {
    let v = TestVault::new();
    for user in ["ana", "bob", "carl"] {
        v.ok(["user", "add", user, "--org", "Holder", "--role", "analyst"]);
        set_password(&v, user);
    }
    set_password(&v, "admin");
    v
}

#[test]
fn wrong_passwords_slow_an_account_down_but_never_lock_its_owner_out() {
    let v = vault();
    let server = Serve::start(&v, &["--trusted-proxy", "127.0.0.1"]);
    // Someone fails five times on ana's account (a lock-out used to follow), from five
    // addresses.
    for i in 0..5 {
        let from = format!("203.0.113.{}", i + 1);
        let failed = server.login("ana", "guess guess guess", Some(&from));
        assert_eq!(failed.status, 403, "{}", failed.body);
    }
    // Ana, from her own address, still signs in: slowed down by the back-off (capped), not
    // refused.
    let started = Instant::now();
    let ana = server.login("ana", PASSWORD, Some("198.51.100.7"));
    assert_eq!(ana.status, 200, "ana is not locked out: {}", ana.body);
    // Five failures: two beyond the free three, so a wait of 2 s at most (the cap is 60 s).
    assert!(started.elapsed() < Duration::from_secs(10));
    // One address failing again and again is told to wait, before any password is checked.
    for _ in 0..4 {
        assert_eq!(
            server
                .login("bob", "wrong wrong wrong", Some("192.0.2.66"))
                .status,
            403
        );
    }
    let waiting = server.login("bob", PASSWORD, Some("192.0.2.66"));
    assert_eq!(waiting.status, 429, "{}", waiting.body);
    let retry: u64 = waiting.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Bob himself, elsewhere, is not held up by it.
    assert_eq!(
        server.login("bob", PASSWORD, Some("198.51.100.8")).status,
        200
    );
}

#[test]
fn known_and_unknown_users_take_the_same_time() {
    let v = vault();
    for user in ["dora", "emil"] {
        v.ok(["user", "add", user, "--org", "Holder", "--role", "analyst"]);
        set_password(&v, user);
    }
    let server = Serve::start(&v, &["--trusted-proxy", "127.0.0.1"]);
    // Warm up (the decoy hash, the first log append).
    server.login("nobody-warm", "warm warm warm warm", Some("192.0.2.200"));
    server.login("admin", "warm warm warm warm", Some("192.0.2.201"));
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    // Interleaved (in turn first), each from an address of its own and each account failing
    // at most twice, so that no back-off is in play.
    for i in 0..10 {
        let user = ["ana", "bob", "carl", "dora", "emil"][i % 5];
        let try_known = || {
            let at = Instant::now();
            let k = server.login(
                user,
                "wrong wrong wrong",
                Some(&format!("192.0.2.{}", 10 + i)),
            );
            (at.elapsed(), k)
        };
        let try_unknown = || {
            let at = Instant::now();
            let u = server.login(
                &format!("nobody-{i}"),
                "wrong wrong wrong",
                Some(&format!("192.0.2.{}", 100 + i)),
            );
            (at.elapsed(), u)
        };
        let ((tk, k), (tu, u)) = if i % 2 == 0 {
            let k = try_known();
            (k, try_unknown())
        } else {
            let u = try_unknown();
            (try_known(), u)
        };
        known.push(tk);
        unknown.push(tu);
        assert_eq!((k.status, u.status), (403, 403));
        assert_eq!(k.json()["error"], u.json()["error"], "one answer for both");
    }
    // The lower quartile: the time of the work itself, least disturbed by whatever else the
    // machine does (other tests hash passwords at the same moment). Before both did the same
    // work, an unknown name answered in about half the time (ratio near 1.9).
    let quartile = |mut d: Vec<Duration>| {
        d.sort();
        (d[2] + d[3]).as_secs_f64() / 2.0
    };
    let (known, unknown) = (quartile(known), quartile(unknown));
    let ratio = known.max(unknown) / known.min(unknown);
    assert!(
        ratio < 1.5,
        "known users take {known:.3} s, unknown {unknown:.3} s (ratio {ratio:.2})"
    );
}

#[test]
fn forwarded_addresses_count_only_from_a_named_proxy() {
    let v = vault();
    // No proxy named: X-Forwarded-For is ignored, so changing it does not escape the
    // back-off of the real address.
    let server = Serve::start(&v, &[]);
    for i in 0..4 {
        let from = format!("203.0.113.{}", 10 + i);
        assert_eq!(
            server.login("bob", "wrong wrong wrong", Some(&from)).status,
            403
        );
    }
    let spoofed = server.login("carl", PASSWORD, Some("198.51.100.99"));
    assert_eq!(spoofed.status, 429, "{}", spoofed.body);
    // Nor does X-Forwarded-Proto switch the cookies to HTTPS.
    drop(server);
    let server = Serve::start(&v, &["--trusted-proxy", "10.9.9.9"]);
    let mut r = Serve::agent()
        .post(format!("{}/api/v1/auth/login", server.base))
        .header("X-Forwarded-Proto", "https");
    r = r.header("X-Forwarded-For", "198.51.100.5");
    let signed = answer(r.send_json(json!({ "user": "admin", "password": PASSWORD })));
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(
        signed.cookies().iter().all(|c| c.starts_with("custodia_")),
        "{:?}",
        signed.cookies()
    );
    // A proxy named in vault.json is believed like one on the command line: each forwarded
    // address has its own back-off.
    drop(server);
    let config_path = v.dir.join("vault.json");
    let mut config: Value =
        serde_json::from_str(&fs::read_to_string(&config_path).unwrap()).unwrap();
    config["trusted_proxies"] = json!(["127.0.0.1"]);
    fs::write(&config_path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let server = Serve::start(&v, &[]);
    for i in 0..4 {
        let from = format!("203.0.113.{}", 20 + i);
        assert_eq!(
            server
                .login("emil", "wrong wrong wrong", Some(&from))
                .status,
            403
        );
    }
    assert_eq!(
        server.login("carl", PASSWORD, Some("198.51.100.99")).status,
        200
    );
}

#[test]
fn csrf_tokens_are_bound_to_the_session_and_https_cookies_are_host_only() {
    let v = vault();
    let server = Serve::start(&v, &["--trusted-proxy", "127.0.0.1"]);
    let signed = server.login("admin", PASSWORD, None);
    assert_eq!(signed.status, 200);
    let token = signed.json()["token"].as_str().unwrap().to_owned();
    let csrf = signed.json()["csrf_token"].as_str().unwrap().to_owned();

    // Double submit with a cookie the attacker planted (a sibling site can set one): refused.
    let planted = format!("custodia_session={token}; custodia_csrf=planted-by-evil");
    let forged = server.request(
        "POST",
        "/api/v1/auth/logout",
        &[("Cookie", &planted), ("X-CSRF-Token", "planted-by-evil")],
        "",
    );
    assert_eq!(forged.status, 403, "{}", forged.body);
    let forged_form = server.request(
        "POST",
        "/logout",
        &[
            ("Cookie", &planted),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        "csrf=planted-by-evil",
    );
    assert_eq!(forged_form.status, 403, "{}", forged_form.body);
    // Another session's token does not fit this one.
    let other = server.login("ana", PASSWORD, None).json()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let cookie = format!("custodia_session={token}; custodia_csrf={other}");
    let crossed = server.request(
        "POST",
        "/api/v1/auth/logout",
        &[("Cookie", &cookie), ("X-CSRF-Token", &other)],
        "",
    );
    assert_eq!(crossed.status, 403);
    // The session's own token works, whatever the CSRF cookie says.
    let cookie = format!("custodia_session={token}; custodia_csrf=stale");
    let ok = server.request(
        "POST",
        "/api/v1/auth/logout",
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        "",
    );
    assert_eq!(ok.status, 200, "{}", ok.body);

    // Behind a proxy that says HTTPS: `__Host-` cookies, Secure, for `/`, no Domain; and a
    // plain-named session cookie is not taken there.
    let https = [
        ("X-Forwarded-Proto", "https"),
        ("Content-Type", "application/json"),
    ];
    let body = json!({ "user": "admin", "password": PASSWORD }).to_string();
    let signed = server.request("POST", "/api/v1/auth/login", &https, &body);
    assert_eq!(signed.status, 200, "{}", signed.body);
    let cookies = signed.cookies();
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for cookie in &cookies {
        assert!(cookie.starts_with("__Host-custodia_"), "{cookie}");
        assert!(
            cookie.contains("; Secure") && cookie.contains("Path=/;"),
            "{cookie}"
        );
        assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    }
    let token = signed.json()["token"].as_str().unwrap().to_owned();
    let host = format!("__Host-custodia_session={token}");
    let plain = format!("custodia_session={token}");
    let me = |cookie: &str| {
        server
            .request(
                "GET",
                "/api/v1/me",
                &[("X-Forwarded-Proto", "https"), ("Cookie", cookie)],
                "",
            )
            .status
    };
    assert_eq!(me(&host), 200);
    assert_eq!(me(&plain), 401);
}

#[test]
fn the_language_switch_stays_on_the_site() {
    let v = vault();
    let server = Serve::start(&v, &[]);
    for next in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "%5C%5Cevil.example",
        "https://evil.example/",
        "/%20/evil.example",
        "http:evil.example",
    ] {
        let r = server.request("GET", &format!("/language?lang=ar&next={next}"), &[], "");
        if (300..400).contains(&r.status) {
            assert_eq!(r.header("location").as_deref(), Some("/"), "{next}");
        } else {
            assert_eq!(r.status, 400, "{next}: {}", r.body);
        }
    }
    let r = server.request("GET", "/language?lang=ar&next=/items%3Fpage%3D2", &[], "");
    assert_eq!(r.header("location").as_deref(), Some("/items?page=2"));
}

#[test]
fn server_errors_show_an_id_never_a_path() {
    let v = vault();
    let folder = v.folder("collection");
    let mut png = support::PNG_HEAD.to_vec();
    png.extend_from_slice(b"a photograph of the register");
    fs::write(folder.join("register.png"), png).unwrap();
    let report = v.ingest(&[&folder], "UNITAD", &[]);
    let sha = report["items"][0]["sha256"].as_str().unwrap().to_owned();
    let server = Serve::start(&v, &[]);
    let token = server.login("admin", PASSWORD, None).json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // The stored blobs disappear under the running server.
    for file in v.blob_files() {
        fs::remove_file(file).unwrap();
    }
    let data_dir = v.dir.display().to_string();
    let bearer = format!("Bearer {token}");
    let api = server.request(
        "GET",
        &format!("/api/v1/items/{sha}/content?purpose=check"),
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(api.status, 500, "{}", api.body);
    let id = api.json()["id"].as_str().unwrap().to_owned();
    assert!(api.json()["error"].as_str().unwrap().contains(&id));
    let csrf_cookie = format!("custodia_session={token}");
    let page = server.request(
        "GET",
        &format!("/items/{sha}/preview"),
        &[("Cookie", &csrf_cookie)],
        "",
    );
    assert_eq!(page.status, 500, "{}", page.body);
    for body in [&api.body, &page.body] {
        assert!(!body.contains(&data_dir), "{body}");
        assert!(
            !body.contains("blobs/") && !body.contains("No such file"),
            "{body}"
        );
        assert!(body.contains("error id"), "{body}");
    }
    // The id is in the server's log with the internal message, for the operator.
    let log = fs::read_to_string(&server.log).unwrap();
    assert!(log.contains(&id), "{log}");
}
