//! `custodia serve` beyond items: resumable uploads (offsets, refusals, hash check), search with
//! trimming, the request-for-assistance workflow over the API with its refusals and the package
//! download, and the web application's sign-in, CSRF, redirects and headers.

mod support;

use std::fs;

use serde_json::{json, Value};
use support::server::{set_password, Server, PASSWORD};
use support::{sha256_hex, TestVault};

const NL: &str = "Netherlands Public Prosecution Service";

/// A vault with one text item of UNITAD in case C-1, extracted and indexed; users: admin
/// (holder custodian), ana (holder analyst, no case), liaison (UNITAD), prosecutor (NL).
fn vault() -> (TestVault, String) {
    let v = TestVault::new();
    let folder = v.folder("collection");
    fs::write(
        folder.join("register.txt"),
        "Register of detainees at Badush prison near Mosul, August 2014.",
    )
    .unwrap();
    let report = v.ingest(&[&folder], "UNITAD", &["--case", "C-1"]);
    let sha = report["items"][0]["sha256"].as_str().unwrap().to_owned();
    v.ok(["extract", "--pending"]);
    v.ok([
        "org",
        "add",
        NL,
        "--kind",
        "requesting_authority",
        "--approved-requester",
    ]);
    v.ok(["user", "add", "ana", "--org", "Holder", "--role", "analyst"]);
    v.ok([
        "user",
        "add",
        "liaison",
        "--org",
        "UNITAD",
        "--role",
        "originator_liaison",
    ]);
    v.ok([
        "user",
        "add",
        "prosecutor",
        "--org",
        NL,
        "--role",
        "requester",
    ]);
    for user in ["admin", "ana", "liaison", "prosecutor"] {
        set_password(&v, user);
    }
    (v, sha)
}

#[test]
fn uploads_resume_check_their_hash_and_refuse_what_does_not_fit() {
    let (v, _) = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    let ana = server.token("ana");
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 241) as u8).collect();
    let sha = sha256_hex(&content);
    let plan = json!({
        "name": "../../etc/interview.bin", "size": content.len(), "sha256": sha,
        "originator": "UNITAD", "case_ref": "C-1",
    });
    // Only the holder's custodians ingest.
    assert_eq!(
        server.send("POST", "/api/v1/uploads", &ana, plan.clone()).0,
        403
    );
    let (status, begun) = server.send("POST", "/api/v1/uploads", &admin, plan);
    assert_eq!(status, 201, "{begun}");
    let id = begun["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/uploads/{id}");

    let first = &content[..1_000_000];
    let (status, sent) = server.patch(&path, &admin, &[("Upload-Offset", "0")], first);
    assert_eq!((status, sent["offset"].as_u64()), (200, Some(1_000_000)));
    // The same chunk again (a lost acknowledgement): refused, with where to go on from.
    let (status, again) = server.patch(&path, &admin, &[("Upload-Offset", "0")], first);
    assert_eq!(status, 409, "{again}");
    assert!(again["error"]
        .as_str()
        .unwrap()
        .contains("send from 1000000"));
    assert_eq!(server.patch(&path, &admin, &[], first).0, 400, "no offset");
    // Another user's upload does not exist for them.
    assert_eq!(server.json(&path, Some(&ana)).0, 400);
    // A chunk over 8 MiB is refused before it is read whole.
    // (The server then closes that connection, so it goes on a connection of its own.)
    let huge = vec![0u8; 9 << 20];
    let status = browser()
        .patch(format!("{}{path}", server.base))
        .header("Authorization", format!("Bearer {admin}"))
        .header("Upload-Offset", "1000000")
        .send(&huge[..])
        .map(|r| r.status().as_u16())
        .unwrap_or(413);
    assert_eq!(status, 413);
    // Finishing early is refused; the offset survives a dropped connection.
    let (status, early) = server.send("POST", &format!("{path}/finish"), &admin, json!({}));
    assert_eq!(status, 400, "{early}");
    let (_, state) = server.json(&path, Some(&admin));
    assert_eq!(state["offset"], 1_000_000);
    let (status, _) = server.patch(
        &path,
        &admin,
        &[("Upload-Offset", "1000000")],
        &content[1_000_000..],
    );
    assert_eq!(status, 200);
    let (status, report) = server.send("POST", &format!("{path}/finish"), &admin, json!({}));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["items"][0]["sha256"], sha.as_str());
    // The name is recorded as given; it never becomes a file-system path.
    assert_eq!(report["items"][0]["path"], "../../etc/interview.bin");
    let (status, item) = server.json(&format!("/api/v1/items/{sha}"), Some(&admin));
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["item"]["size"], content.len() as u64);
    // Ranges outside the item, reversed or several at once are refused with its size.
    for range in ["bytes=3000000-", "bytes=10-5", "bytes=0-1,5-6", "lines=1-2"] {
        let response = server
            .agent
            .get(format!(
                "{}/api/v1/items/{sha}/content?purpose=check",
                server.base
            ))
            .header("Authorization", format!("Bearer {admin}"))
            .header("Range", range)
            .call()
            .unwrap();
        assert_eq!(response.status().as_u16(), 416, "{range}");
        assert_eq!(response.headers()["content-range"], "bytes */3000000");
    }
    assert_eq!(
        server.json(&path, Some(&admin)).0,
        400,
        "the upload is gone"
    );

    // A wrong announced hash: the bytes arrive, the item is not made.
    let (_, begun) = server.send(
        "POST",
        "/api/v1/uploads",
        &admin,
        json!({"name": "x.txt", "size": 5, "sha256": "0".repeat(64), "originator": "UNITAD"}),
    );
    let path = format!("/api/v1/uploads/{}", begun["id"].as_str().unwrap());
    server.patch(&path, &admin, &[("Upload-Offset", "0")], b"hello");
    let (status, refused) = server.send("POST", &format!("{path}/finish"), &admin, json!({}));
    assert_eq!(status, 400);
    assert!(refused["error"]
        .as_str()
        .unwrap()
        .contains("not the announced"));
    assert_eq!(
        server
            .json(
                &format!("/api/v1/items/{}", sha256_hex(b"hello")),
                Some(&admin)
            )
            .0,
        404
    );
    assert_eq!(server.send("DELETE", &path, &admin, Value::Null).0, 200);

    // Malformed JSON is refused with a client error, not a crash.
    let mut response = server
        .agent
        .post(format!("{}/api/v1/uploads", server.base))
        .header("Authorization", format!("Bearer {admin}"))
        .header("Content-Type", "application/json")
        .send(&b"{\"name\": "[..])
        .unwrap();
    assert!(response.status().is_client_error());
    let _ = response.body_mut().read_to_vec();
    let (code, _) = server.stop();
    assert_eq!(code, Some(0));
}

#[test]
fn search_and_the_request_workflow_over_the_api_respect_every_role() {
    let (v, sha) = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    let ana = server.token("ana");
    let liaison = server.token("liaison");
    let prosecutor = server.token("prosecutor");

    // Search: the custodian finds the register; the analyst outside case C-1 learns nothing.
    let (status, found) = server.json("/api/v1/search?q=Badush", Some(&admin));
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total"], 1);
    assert_eq!(found["hits"][0]["sha256"], sha.as_str());
    assert!(found["hits"][0]["snippet"]["text"]
        .as_str()
        .unwrap()
        .contains("Badush"));
    let (status, hidden) = server.json("/api/v1/search?q=Badush", Some(&ana));
    assert_eq!(status, 200);
    assert_eq!(hidden["total"], 0);
    assert!(hidden["hits"].as_array().unwrap().is_empty());
    assert_eq!(
        server.json("/api/v1/search?q=%22unclosed", Some(&admin)).0,
        400
    );
    let (_, listed) = server.json("/api/v1/items", Some(&ana));
    assert_eq!(listed["total"], 0, "browsing hides it too");
    let (_, holdings) = server.json("/api/v1/holdings", Some(&ana));
    assert_eq!(holdings["items"], 0, "and counts do not betray it");

    // Filing: only the authority's requesters (or the holder's custodians).
    let filing = json!({"authority": NL, "legal_basis": "MLA treaty", "case_ref": "NL-1",
                        "places": ["Badush"], "deadline": "2027-06-30"});
    assert_eq!(
        server
            .send("POST", "/api/v1/requests", &ana, filing.clone())
            .0,
        403
    );
    let (status, filed) = server.send("POST", "/api/v1/requests", &prosecutor, filing);
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_str().unwrap().to_owned();
    // Request ids do not count requests (a sequence number would tell each state how many
    // requests the others made).
    assert!(
        id.len() == 14 && id.starts_with("RFA-") && id[4..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    let scope = json!({ "items": [sha] });
    let scope_path = format!("/api/v1/requests/{id}/scope");
    assert_eq!(
        server
            .send("POST", &scope_path, &prosecutor, scope.clone())
            .0,
        403
    );
    let (status, scoped) = server.send("POST", &scope_path, &admin, scope);
    assert_eq!(status, 200, "{scoped}");
    // Consent: only the originator's liaison; a grant makes the item ready.
    let decision = format!("/api/v1/requests/{id}/decision");
    assert_eq!(
        server
            .send("POST", &decision, &admin, json!({"decision": "grant"}))
            .0,
        403
    );
    assert_eq!(
        server
            .send("POST", &decision, &liaison, json!({"decision": "maybe"}))
            .0,
        400
    );
    // Conditions are checked against the one vocabulary: an object instead of a list, an
    // unknown kind or a field of the wrong type is refused naming it, never dropped (a dropped
    // `redact_protected_witnesses` would send a witness's name out).
    for (conditions, named) in [
        (json!({"kind": "redact_protected_witnesses"}), "array"),
        (json!([{"kind": "redact_witnesses"}]), "conditions[0].kind"),
        (
            json!([{"kind": "limited_use", "case": 7}]),
            "conditions[0].case",
        ),
    ] {
        let (status, refused) = server.send(
            "POST",
            &decision,
            &liaison,
            json!({"decision": "grant", "conditions": conditions}),
        );
        assert_eq!(status, 400, "{refused}");
        assert!(
            refused["error"].as_str().unwrap().contains(named),
            "{refused}"
        );
    }
    let finalise = format!("/api/v1/requests/{id}/finalise");
    let (status, early) = server.send("POST", &finalise, &admin, json!({}));
    assert_eq!(status, 400, "nothing is ready before consent: {early}");
    let (status, granted) = server.send(
        "POST",
        &decision,
        &liaison,
        json!({"decision": "grant", "reason": "witness agreed"}),
    );
    assert_eq!(status, 200, "{granted}");
    assert_eq!(
        server.send("POST", &finalise, &prosecutor, json!({})).0,
        403
    );
    let (status, done) = server.send("POST", &finalise, &admin, json!({}));
    assert_eq!(status, 200, "{done}");
    let package = done["package"]["id"].as_str().unwrap().to_owned();

    // The prosecutor downloads the package; the analyst cannot; names are checked.
    let url = format!("/api/v1/requests/{id}/packages/{package}");
    let (status, zip, headers) = server.get(&url, Some(&prosecutor));
    assert_eq!(status, 200);
    assert!(zip.starts_with(b"PK"));
    assert_eq!(headers["content-type"], "application/zip");
    assert_ne!(server.get(&url, Some(&ana)).0, 200);
    // The originator's liaison sees the request, but the package is the recipient's: it holds
    // every originator's released items.
    let (status, refused, _) = server.get(&url, Some(&liaison));
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&refused));
    // The requester's views name nobody of the originator and carry no one else's reasons.
    for path in [
        format!("/api/v1/requests/{id}"),
        format!("/api/v1/items/{sha}/history"),
    ] {
        let (_, body, _) = server.get(&path, Some(&prosecutor));
        let body = String::from_utf8_lossy(&body);
        assert!(!body.contains("witness agreed"), "{path}: {body}");
        assert!(!body.contains("\"liaison\""), "{path}: {body}");
    }
    let traversal = format!("/api/v1/requests/{id}/packages/..%2F..%2Fkeys%2Fmaster");
    assert_eq!(server.get(&traversal, Some(&prosecutor)).0, 400);
    // The download is in the custody log.
    let (_, activity) = server.json("/api/v1/activity", Some(&admin));
    assert!(activity["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "package_download" && e["actor"] == "prosecutor"));
    // Organisations and users: administrators only.
    assert_eq!(server.json("/api/v1/users", Some(&prosecutor)).0, 403);
    let (status, users) = server.json("/api/v1/users", Some(&admin));
    assert_eq!(status, 200);
    assert_eq!(users["users"].as_array().unwrap().len(), 4);
    // Adding organisations and users: the holder's administrators, once per name.
    let org = json!({"name": "State Y Prosecutor", "kind": "requesting_authority"});
    assert_eq!(
        server
            .send("POST", "/api/v1/organisations", &prosecutor, org.clone())
            .0,
        403
    );
    assert_eq!(
        server
            .send("POST", "/api/v1/organisations", &admin, org.clone())
            .0,
        201
    );
    assert_eq!(
        server.send("POST", "/api/v1/organisations", &admin, org).0,
        409
    );
    let bad_kind = json!({"name": "Z", "kind": "government"});
    assert!(matches!(
        server
            .send("POST", "/api/v1/organisations", &admin, bad_kind)
            .0,
        400 | 422
    ));
    let new_user = json!({"name": "prosecutor-y", "organisation": "State Y Prosecutor", "roles": ["requester"]});
    assert_eq!(
        server.send("POST", "/api/v1/users", &admin, new_user).0,
        201
    );
    // Oversized bodies are refused before they are read whole.
    let huge = json!({"authority": NL, "legal_basis": "x".repeat(2 << 20)});
    let status = browser()
        .post(format!("{}/api/v1/requests", server.base))
        .header("Authorization", format!("Bearer {prosecutor}"))
        .send_json(huge)
        .map(|r| r.status().as_u16())
        .unwrap_or(413);
    assert_eq!(status, 413);
    // Verification of the whole vault: the holder's staff only.
    assert_eq!(server.json("/api/v1/verify", Some(&prosecutor)).0, 403);
    let (status, verified) = server.json("/api/v1/verify?deep=true", Some(&admin));
    assert_eq!(status, 200, "{verified}");
    assert_eq!(verified["ok"], true, "{verified}");
    // Witness records: victim support and custodians of the holder only.
    assert_eq!(server.json("/api/v1/persons", Some(&prosecutor)).0, 403);
    assert_eq!(server.json("/api/v1/persons", Some(&admin)).0, 200);
    let witness = json!({"pseudonym": "W-9", "identity": {"name": "withheld here"},
                         "protective_measures": ["voice distortion"]});
    assert_eq!(
        server
            .send("POST", "/api/v1/persons", &prosecutor, witness.clone())
            .0,
        403
    );
    assert_eq!(
        server
            .send("POST", "/api/v1/persons", &admin, witness.clone())
            .0,
        201
    );
    assert_eq!(
        server.send("POST", "/api/v1/persons", &admin, witness).0,
        409
    );
    let scope = json!({"allow_kinds": ["requesting_authority"], "exclude": []});
    let (status, scoped) = server.send("POST", "/api/v1/persons/W-9/scope", &admin, scope);
    assert_eq!(status, 200, "{scoped}");
    let (status, linked) = server.send(
        "POST",
        "/api/v1/persons/W-9/statements",
        &admin,
        json!({ "items": [sha] }),
    );
    assert_eq!(status, 200, "{linked}");
    let (_, persons) = server.json("/api/v1/persons", Some(&admin));
    assert_eq!(persons["persons"][0]["statements"][0], sha.as_str());
    // API tokens: for oneself, or by an administrator; shown once.
    let (status, issued) = server.send(
        "POST",
        "/api/v1/users/prosecutor/tokens",
        &prosecutor,
        json!({"label": "case system", "days": 30}),
    );
    assert_eq!(status, 201, "{issued}");
    let api_token = issued["token"].as_str().unwrap();
    assert_eq!(
        server.json("/api/v1/me", Some(api_token)).1["user"],
        "prosecutor"
    );
    assert_eq!(
        server
            .send(
                "POST",
                "/api/v1/users/admin/tokens",
                &prosecutor,
                json!({"label": "x"})
            )
            .0,
        403
    );
    // Redaction makes a new item; only the holder's custodians redact.
    let burn = json!({"texts": ["Badush"], "reason": "protect the place of detention"});
    let redact = format!("/api/v1/items/{sha}/redact");
    assert_eq!(
        server.send("POST", &redact, &ana, burn.clone()).0,
        403,
        "not a custodian"
    );
    let (status, redacted) = server.send("POST", &redact, &admin, burn);
    assert_eq!(status, 200, "{redacted}");
    assert_eq!(redacted["parent"], sha.as_str());
    let copy = redacted["sha256"].as_str().unwrap();
    let (_, bytes, _) = server.get(
        &format!("/api/v1/items/{copy}/content?purpose=check%20redaction"),
        Some(&admin),
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.contains("Badush") && text.contains("Mosul"), "{text}");
    // The log only grew: a consistency proof between two sizes (for anyone signed in; without
    // a session only where the operator made checkpoints public).
    assert_eq!(
        server.json("/api/v1/log/consistency?from=3&to=10", None).0,
        401
    );
    let (status, grew) = server.json("/api/v1/log/consistency?from=3&to=10", Some(&admin));
    assert_eq!(status, 200, "{grew}");
    assert!(!grew["hashes"].as_array().unwrap().is_empty());
    assert_eq!(
        server
            .json("/api/v1/log/consistency?from=10&to=3", Some(&admin))
            .0,
        400
    );
    // Inclusion proofs of entries for those who may see what the entry concerns; none without
    // a session; a missing entry is not proven.
    assert_eq!(server.json("/api/v1/log/proof?entry=0", None).0, 401);
    let (status, proof) = server.json("/api/v1/log/proof?entry=0", Some(&admin));
    assert_eq!(status, 200, "{proof}");
    assert!(proof["checkpoint"]
        .as_str()
        .unwrap()
        .contains("custodia.vault/"));
    assert_ne!(
        server
            .json("/api/v1/log/proof?entry=999999", Some(&admin))
            .0,
        200
    );
    let (code, _) = server.stop();
    assert_eq!(code, Some(0));
}

/// An agent that does not follow redirects, with a cookie jar of its own.
fn browser() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn cookies_of(response: &ureq::http::Response<ureq::Body>) -> Vec<(String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn the_web_application_needs_sign_in_and_csrf_and_serves_only_itself() {
    let (v, sha) = vault();
    let server = Server::start(&v);
    let agent = browser();
    let base = &server.base;

    // Signed out: every page leads to the sign-in page.
    for page in [
        "/",
        "/items",
        &format!("/items/{sha}"),
        "/search?q=x",
        "/admin",
    ] {
        let response = agent.get(format!("{base}{page}")).call().unwrap();
        assert_eq!(response.status().as_u16(), 303, "{page}");
        assert_eq!(response.headers()["location"], "/login");
    }
    let mut form = agent.get(format!("{base}/login")).call().unwrap();
    assert_eq!(form.status().as_u16(), 200);
    let csp = form.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe"), "{csp}");
    let csrf = cookies_of(&form)
        .into_iter()
        .find(|(k, _)| k == "custodia_csrf")
        .unwrap()
        .1;
    let html = form.body_mut().read_to_string().unwrap();
    assert!(html.contains(&format!("value=\"{csrf}\"")));

    // A sign-in without the form's token is refused; with it, a session begins.
    let post = |body: String, cookie: &str| {
        agent
            .post(format!("{base}/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", cookie)
            .send(body)
            .unwrap()
    };
    let body = |token: &str| {
        format!(
            "csrf={token}&user=admin&password={}",
            PASSWORD.replace(' ', "+")
        )
    };
    assert_eq!(
        post(body(""), &format!("custodia_csrf={csrf}"))
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        post(body("forged"), &format!("custodia_csrf={csrf}"))
            .status()
            .as_u16(),
        403
    );
    let signed = post(body(&csrf), &format!("custodia_csrf={csrf}"));
    assert_eq!(signed.status().as_u16(), 303);
    let jar: Vec<(String, String)> = cookies_of(&signed);
    let session = jar.iter().find(|(k, _)| k == "custodia_session").unwrap();
    let csrf = &jar.iter().find(|(k, _)| k == "custodia_csrf").unwrap().1;
    let cookie = format!("custodia_session={}; custodia_csrf={csrf}", session.1);

    let page = |path: &str| {
        let mut r = agent
            .get(format!("{base}{path}"))
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_string().unwrap_or_default())
    };
    let (status, dashboard) = page("/");
    assert_eq!(status, 200, "{dashboard}");
    assert!(
        dashboard.contains("UNITAD"),
        "holdings by originator: {dashboard}"
    );
    let (status, item) = page(&format!("/items/{sha}"));
    assert_eq!(status, 200);
    assert!(item.contains("Verified"), "the verification badge");
    assert!(item.contains("Badush prison"), "the extracted text");
    let (status, results) = page("/search?q=Badush");
    assert_eq!(status, 200);
    assert!(results.contains("<mark>Badush</mark>"));
    let (status, results) = page("/search?q=%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!(status, 200);
    assert!(!results.contains("<script>alert"), "queries are escaped");
    assert_eq!(page("/assets/app.js").0, 200);
    let (status, svg) = page("/assets/world.svg");
    assert_eq!(status, 200);
    assert!(svg.starts_with("<svg"));

    // Forms need the token; the language switch goes only to local pages.
    let logout = |token: &str| {
        agent
            .post(format!("{base}/logout"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", &cookie)
            .send(format!("csrf={token}"))
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(logout("wrong"), 403);
    let r = agent
        .get(format!("{base}/language?lang=ar&next=//evil.example/"))
        .call()
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let (_, arabic) = {
        let mut r = agent
            .get(format!("{base}/"))
            .header("Cookie", format!("{cookie}; custodia_lang=ar"))
            .call()
            .unwrap();
        (r.status(), r.body_mut().read_to_string().unwrap())
    };
    assert!(arabic.contains("dir=\"rtl\""));
    assert_eq!(logout(csrf), 303);
    assert_eq!(page("/").0, 303, "signed out");
    let (code, _) = server.stop();
    assert_eq!(code, Some(0));
}
