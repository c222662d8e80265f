//! Administrators cannot become someone else: the holder's administrator tries to mint a token,
//! turn on a second factor or replace the password of a victim support officer (who reads
//! witnesses' identities), and to give holder roles to a state's prosecutor — through the CLI,
//! the API and the web pages, which all ask `custodia_access::may_administer` and so refuse
//! alike.

mod support;

use std::fs;

use serde_json::json;
use support::server::{set_password, Server, PASSWORD};
use support::TestVault;

const NL: &str = "Netherlands Public Prosecution Service";

/// admin (holder administrator and custodian), vso (holder victim support officer) and
/// prosecutor (NL requester), each with a password; witness W-1 recorded by victim support.
fn vault() -> TestVault {
    let v = TestVault::new();
    v.ok(["org", "add", NL, "--kind", "requesting_authority"]);
    v.ok([
        "user",
        "add",
        "vso",
        "--org",
        "Holder",
        "--role",
        "victim_support_officer",
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
    // First passwords are set by the administrator (enrolment).
    for user in ["admin", "vso", "prosecutor"] {
        set_password(&v, user);
    }
    v
}

fn file(v: &TestVault, name: &str, text: &str) -> String {
    let path = v.tmp.path().join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_cli_lets_no_administrator_act_as_another_user() {
    let v = vault();
    // A token for the officer, minted by the administrator: refused.
    let e = v
        .run(["user", "token", "create", "vso", "--label", "mine now"])
        .failed();
    assert!(e["error"].as_str().unwrap().contains("own user"), "{e}");
    // A second factor for the officer (whose secret the administrator would read): refused.
    v.run(["user", "totp", "vso"]).failed();
    // The officer's password replaced by the administrator: refused, and the old one still works.
    let stolen = file(&v, "stolen", "the administrator's choice");
    let e = v
        .run(["user", "password", "vso", "--password-file", &stolen])
        .failed();
    assert!(e["error"].as_str().unwrap().contains("password"), "{e}");
    let own = file(&v, "own", PASSWORD);
    v.ok(["login", "vso", "--password-file", &own]);
    let stolen_login = v.run(["login", "vso", "--password-file", &stolen]).failed();
    assert!(stolen_login["error"]
        .as_str()
        .unwrap()
        .contains("sign-in failed"));

    // The officer manages their own credentials.
    let issued = v.ok([
        "--as",
        "vso",
        "user",
        "token",
        "create",
        "vso",
        "--label",
        "case system",
    ]);
    assert!(issued["token"].as_str().unwrap().starts_with("cst_"));
    let changed = file(&v, "changed", "another long passphrase");
    v.ok([
        "--as",
        "vso",
        "user",
        "password",
        "vso",
        "--password-file",
        &changed,
    ]);
    // The administrator may still list and revoke the officer's tokens (no secret shown).
    let listed = v.ok(["user", "token", "list", "vso"]);
    assert!(!listed
        .to_string()
        .contains(issued["token"].as_str().unwrap()));
    v.ok(["user", "token", "revoke", issued["id"].as_str().unwrap()]);

    // Holder roles go only to the holder's users.
    for role in [
        "custodian",
        "administrator",
        "auditor",
        "analyst",
        "victim_support_officer",
        "harm_assessor",
    ] {
        let e = v
            .run(["user", "add", "mole", "--org", NL, "--role", role])
            .failed();
        assert!(
            e["error"].as_str().unwrap().contains("holder"),
            "{role}: {e}"
        );
        v.run(["user", "roles", "prosecutor", "--role", role])
            .failed();
    }
    // A requester outside a requesting authority would be a dead grant: refused too.
    v.run([
        "user",
        "add",
        "clerk",
        "--org",
        "Holder",
        "--role",
        "requester",
    ])
    .failed();
    v.ok(["user", "add", "second", "--org", NL, "--role", "requester"]);
    let users = v.ok(["user", "list"]);
    assert!(!users.to_string().contains("mole"), "{users}");
    let prosecutor = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "prosecutor")
        .unwrap();
    assert_eq!(prosecutor["roles"], json!(["requester"]));
}

#[test]
fn the_api_and_the_pages_refuse_the_same() {
    let v = vault();
    let server = Server::start(&v);
    let admin = server.token("admin");
    let vso = server.token("vso");

    // The officer's token minted by the administrator through the API: refused.
    let (status, body) = server.send(
        "POST",
        "/api/v1/users/vso/tokens",
        &admin,
        json!({"label": "mine now"}),
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.get("token").is_none());
    // The officer mints their own; the administrator mints their own.
    let (status, own) = server.send(
        "POST",
        "/api/v1/users/vso/tokens",
        &vso,
        json!({"label": "case system"}),
    );
    assert_eq!(status, 201, "{own}");
    let (status, _) = server.send(
        "POST",
        "/api/v1/users/admin/tokens",
        &admin,
        json!({"label": "scripts"}),
    );
    assert_eq!(status, 201);

    // Holder roles for a state's prosecutor: refused; a requester there: added.
    for roles in [
        json!(["custodian"]),
        json!(["auditor"]),
        json!(["requester", "administrator"]),
    ] {
        let (status, body) = server.send(
            "POST",
            "/api/v1/users",
            &admin,
            json!({"name": "mole", "organisation": NL, "roles": roles}),
        );
        assert_eq!(status, 403, "{roles}: {body}");
    }
    let (status, body) = server.send(
        "POST",
        "/api/v1/users",
        &admin,
        json!({"name": "second", "organisation": NL, "roles": ["requester"]}),
    );
    assert_eq!(status, 201, "{body}");
    // The lists: the administrator yes, the officer no (the same rule as the CLI's).
    assert_eq!(server.json("/api/v1/users", Some(&admin)).0, 200);
    assert_eq!(server.json("/api/v1/users", Some(&vso)).0, 403);

    // The pages: the administration page and its checkpoint button for the administrator
    // only; the add-user form refuses holder roles outside the holder.
    let web = |token: &str, method: &str, path: &str, body: Option<String>| -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let csrf = session_csrf(&server, token);
        let cookie = format!("custodia_session={token}; custodia_csrf={csrf}");
        let url = format!("{}{path}", server.base);
        let mut response = match method {
            "GET" => agent.get(&url).header("Cookie", &cookie).call().unwrap(),
            _ => agent
                .post(&url)
                .header("Cookie", &cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(body.unwrap_or_default().replace("CSRF", &csrf))
                .unwrap(),
        };
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (status, page) = web(&admin, "GET", "/admin", None);
    assert_eq!(status, 200);
    assert!(page.contains("/admin/checkpoint"));
    assert_eq!(web(&vso, "GET", "/admin", None).0, 403);
    assert_eq!(
        web(&vso, "POST", "/admin/checkpoint", Some("csrf=CSRF".into())).0,
        403
    );
    let nl = NL.replace(' ', "+");
    let (status, _) = web(
        &admin,
        "POST",
        "/admin/users",
        Some(format!(
            "csrf=CSRF&name=mole&organisation={nl}&role=custodian"
        )),
    );
    assert_eq!(status, 403);
    let (_, users) = server.json("/api/v1/users", Some(&admin));
    assert!(!users.to_string().contains("mole"), "{users}");
}

/// The CSRF token of a session, as the pages render it.
fn session_csrf(server: &Server, token: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let html = agent
        .get(format!("{}/", server.base))
        .header("Cookie", format!("custodia_session={token}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let at = html
        .find("name=\"csrf-token\" content=\"")
        .expect("the page names its CSRF token");
    let rest = &html[at + "name=\"csrf-token\" content=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}
