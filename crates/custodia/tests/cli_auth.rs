//! Sign-in for the API and web application, through the CLI: Argon2id passwords, one answer for
//! every failure, no lock-out, sessions and API tokens stored as hashes, TOTP codes used once.

mod support;

use std::fs;

use custodia_vault::custodia_auth::SecondFactor;
use serde_json::Value;
use support::{files_under, TestVault};

const PASSWORD: &str = "a long and private passphrase";

fn setup() -> TestVault {
    let v = TestVault::new();
    v.ok(["user", "add", "ana", "--org", "Holder", "--role", "analyst"]);
    v.ok(["user", "add", "bob", "--org", "Holder", "--role", "analyst"]);
    v
}

fn secret_file(v: &TestVault, name: &str, text: &str) -> String {
    let path = v.tmp.path().join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn login(v: &TestVault, user: &str, password: &str, code: Option<&str>) -> support::Run {
    let file = secret_file(v, "login-password", password);
    let mut args = vec!["login", user, "--password-file", file.as_str()];
    if let Some(code) = code {
        args.extend(["--totp", code]);
    }
    v.run(args)
}

fn check(v: &TestVault, token: &str) -> support::Run {
    let file = secret_file(v, "token", token);
    v.run(["user", "token", "check", "--token-file", file.as_str()])
}

#[test]
fn passwords_sessions_and_one_answer_for_every_failure() {
    let v = setup();
    let short = secret_file(&v, "short", "too short");
    let e = v
        .run(["user", "password", "ana", "--password-file", &short])
        .failed();
    assert!(e["error"].as_str().unwrap().contains("too short"), "{e}");
    let good = secret_file(&v, "good", &format!("{PASSWORD}\n"));
    v.ok(["user", "password", "ana", "--password-file", &good]);
    // Only the user sets a password (the holder's administrator only a first one).
    let e = v
        .run([
            "--as",
            "bob",
            "user",
            "password",
            "ana",
            "--password-file",
            &good,
        ])
        .failed();
    assert!(
        e["error"].as_str().unwrap().contains("administrator"),
        "{e}"
    );

    let wrong = login(&v, "ana", "not the passphrase", None).failed();
    let unknown = login(&v, "nobody", PASSWORD, None).failed();
    let no_password = login(&v, "bob", PASSWORD, None).failed();
    assert_eq!(wrong["error"], unknown["error"]);
    assert_eq!(wrong["error"], no_password["error"]);

    let session = login(&v, "ana", PASSWORD, None).ok();
    let token = session["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("cst_"));
    assert_eq!(check(&v, &token).ok()["user"], "ana");
    assert!(session["expires_at"].as_u64().is_some());
    // Revoked: no longer valid.
    v.ok(["user", "token", "revoke", session["id"].as_str().unwrap()]);
    check(&v, &token).failed();
    check(
        &v,
        "cst_0123456789abcdef_forgedforgedforgedforgedforgedforgedforged",
    )
    .failed();

    // Nothing secret is kept in the clear: not the password, not the token.
    for file in files_under(&v.dir) {
        let text = String::from_utf8_lossy(&fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains(PASSWORD),
            "{} holds the password",
            file.display()
        );
        assert!(!text.contains(&token), "{} holds the token", file.display());
    }
}

#[test]
fn failures_never_lock_the_account() {
    let v = setup();
    let good = secret_file(&v, "good", PASSWORD);
    v.ok(["user", "password", "ana", "--password-file", &good]);
    for _ in 0..6 {
        login(&v, "ana", "guess guess guess", None).failed();
    }
    // Nobody can shut ana out by failing on purpose: her password still works (the server
    // slows repeated failures down instead, per account and per address).
    login(&v, "ana", PASSWORD, None).ok();
    v.ok(["user", "password", "bob", "--password-file", &good]);
    login(&v, "bob", PASSWORD, None).ok();
}

#[test]
fn api_tokens_and_second_factors() {
    let v = setup();
    // Tokens and second factors are issued to their own user only.
    v.run(["user", "token", "create", "ana", "--label", "x"])
        .failed();
    let issued = v.ok([
        "--as",
        "ana",
        "user",
        "token",
        "create",
        "ana",
        "--label",
        "case-management system",
        "--days",
        "30",
    ]);
    let token = issued["token"].as_str().unwrap().to_owned();
    assert_eq!(check(&v, &token).ok()["user"], "ana");
    let listed = v.ok(["user", "token", "list", "ana"]);
    assert!(
        !listed.to_string().contains(&token),
        "a listing shows no secret"
    );
    assert_eq!(listed["tokens"][0]["label"], "case-management system");

    let good = secret_file(&v, "good", PASSWORD);
    v.ok(["user", "password", "ana", "--password-file", &good]);
    v.run(["user", "totp", "ana"]).failed();
    let enrolment: Value = v.ok(["--as", "ana", "user", "totp", "ana"]);
    assert!(enrolment["otpauth_url"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    let factor =
        SecondFactor::from_base32(enrolment["secret_base32"].as_str().unwrap(), "ana", "x")
            .unwrap();
    login(&v, "ana", PASSWORD, None).failed();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = factor.code_at(now);
    login(&v, "ana", PASSWORD, Some(&code)).ok();
    // The same code does not sign in twice.
    login(&v, "ana", PASSWORD, Some(&code)).failed();
}
