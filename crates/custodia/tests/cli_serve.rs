//! `custodia serve` end to end over HTTP: health and readiness, sign-in with cookies and CSRF,
//! bearer tokens, the policy on every item route, streamed downloads with ranges and their
//! custody entries, the OpenAPI document against the routes, rate limits, and SIGTERM.

mod support;

use std::fs;
use std::time::Duration;

use serde_json::json;
use support::server::Server;
use support::TestVault;

use support::server::PASSWORD;

fn vault_with_item() -> (TestVault, String, Vec<u8>) {
    let v = TestVault::new();
    let folder = v.folder("collection");
    let content: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
    fs::write(folder.join("video.bin"), &content).unwrap();
    let report = v.ingest(&[&folder], "UNITAD", &["--case", "C-1"]);
    let sha = report["items"][0]["sha256"].as_str().unwrap().to_owned();
    let password = v.tmp.path().join("password");
    fs::write(&password, PASSWORD).unwrap();
    v.ok([
        "user",
        "password",
        "admin",
        "--password-file",
        password.to_str().unwrap(),
    ]);
    v.ok(["user", "add", "ana", "--org", "Holder", "--role", "analyst"]);
    v.ok([
        "user",
        "password",
        "ana",
        "--password-file",
        password.to_str().unwrap(),
    ]);
    (v, sha, content)
}

#[test]
fn the_api_signs_in_checks_access_and_streams_items() {
    let (v, sha, content) = vault_with_item();
    let server = Server::start(&v);
    assert_eq!(server.get("/healthz", None).0, 200);
    let (status, ready) = server.json("/readyz", None);
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["ready"], true);

    // Sign-in: every failure looks the same; success sets hardened cookies.
    let (wrong, wrong_body, _) = server.login("admin", "not it at all, no");
    let (unknown, unknown_body, _) = server.login("nobody", PASSWORD);
    assert_eq!((wrong, unknown), (403, 403));
    assert_eq!(wrong_body["error"], unknown_body["error"]);
    let (status, session, cookies) = server.login("admin", PASSWORD);
    assert_eq!(status, 200, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();
    let session_cookie = cookies
        .iter()
        .find(|c| c.starts_with("custodia_session="))
        .unwrap();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(session_cookie.contains(flag), "{session_cookie}");
    }
    let csrf_cookie = cookies
        .iter()
        .find(|c| c.starts_with("custodia_csrf="))
        .unwrap();
    assert!(
        !csrf_cookie.contains("HttpOnly"),
        "the page must be able to read the CSRF token"
    );

    assert_eq!(server.json("/api/v1/me", None).0, 401);
    let (status, me) = server.json("/api/v1/me", Some(&token));
    assert_eq!(status, 200);
    assert_eq!(me["user"], "admin");

    // Items: facts, history, content; the content only with a purpose, which is logged.
    let (status, item) = server.json(&format!("/api/v1/items/{sha}"), Some(&token));
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["item"]["size"], content.len() as u64);
    let (status, _, _) = server.get(&format!("/api/v1/items/{sha}/content"), Some(&token));
    assert_eq!(status, 400, "a download needs a purpose");
    let (status, body, headers) = server.get(
        &format!("/api/v1/items/{sha}/content?purpose=court%20exhibit"),
        Some(&token),
    );
    assert_eq!(status, 200);
    assert_eq!(body, content);
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let mut ranged = server
        .agent
        .get(format!(
            "{}/api/v1/items/{sha}/content?purpose=review",
            server.base
        ))
        .header("Authorization", format!("Bearer {token}"))
        .header("Range", "bytes=1000-1999")
        .call()
        .unwrap();
    assert_eq!(ranged.status().as_u16(), 206);
    assert_eq!(
        ranged.headers()["content-range"],
        format!("bytes 1000-1999/{}", content.len())
    );
    assert_eq!(
        ranged.body_mut().read_to_vec().unwrap(),
        content[1000..2000]
    );
    let (_, history) = server.json(&format!("/api/v1/items/{sha}/history"), Some(&token));
    let purposes: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "download")
        .map(|e| e["details"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["court exhibit", "review"]);

    // An analyst outside the item's case gets exactly what a missing item gives.
    let (_, ana, _) = server.login("ana", PASSWORD);
    let ana = ana["token"].as_str().unwrap();
    let missing = "0".repeat(64);
    let (status_hidden, hidden) = server.json(&format!("/api/v1/items/{sha}"), Some(ana));
    let (status_missing, absent) = server.json(&format!("/api/v1/items/{missing}"), Some(ana));
    assert_eq!((status_hidden, status_missing), (404, 404));
    assert_eq!(
        hidden["error"].as_str().unwrap().replace(&sha, "<x>"),
        absent["error"].as_str().unwrap().replace(&missing, "<x>")
    );
    let (status, _, _) = server.get(
        &format!("/api/v1/items/{sha}/content?purpose=curiosity"),
        Some(ana),
    );
    assert_eq!(status, 404);

    // A browser session: state-changing requests need the CSRF header.
    let cookie_header = cookies
        .iter()
        .map(|c| c.split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = session["csrf_token"].as_str().unwrap();
    let logout = |with_csrf: bool| {
        let mut request = server
            .agent
            .post(format!("{}/api/v1/auth/logout", server.base))
            .header("Cookie", &cookie_header);
        if with_csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        request.send_empty().unwrap().status().as_u16()
    };
    assert_eq!(logout(false), 403);
    assert_eq!(logout(true), 200);
    assert_eq!(
        server.json("/api/v1/me", Some(&token)).0,
        401,
        "the session ended"
    );

    let (code, took) = server.stop();
    assert_eq!(code, Some(0));
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn the_openapi_document_matches_the_routes_and_logins_are_rate_limited() {
    let (v, _, _) = vault_with_item();
    let server = Server::start(&v);
    let (status, doc) = server.json("/api/openapi.json", None);
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for stable in ["/healthz", "/readyz", "/api/v1/auth/login"] {
        assert!(paths.contains_key(stable), "{stable} is not documented");
    }
    // Every documented operation exists: a route that did not would answer 404 or 405.
    let sha = "0".repeat(64);
    for (path, operations) in paths {
        let concrete = path
            .replace("{sha256}", &sha)
            .replace("{id}", "RFA-0001")
            .replace("{package}", "PKG-1");
        for method in operations.as_object().unwrap().keys() {
            let url = format!("{}{concrete}", server.base);
            let status = match method.as_str() {
                "get" => server.agent.get(&url).call().unwrap().status().as_u16(),
                "post" => server
                    .agent
                    .post(&url)
                    .send_json(json!({}))
                    .unwrap()
                    .status()
                    .as_u16(),
                "patch" => server
                    .agent
                    .patch(&url)
                    .send(&b""[..])
                    .unwrap()
                    .status()
                    .as_u16(),
                "delete" => server.agent.delete(&url).call().unwrap().status().as_u16(),
                other => panic!("undocumented method {other}"),
            };
            assert!(status != 404 && status != 405, "{method} {path}: {status}");
        }
    }
    // Too many sign-in attempts from one address are refused before any password is checked.
    let statuses: Vec<u16> = (0..12)
        .map(|_| server.login("admin", "wrong wrong wrong").0)
        .collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}
