//! The victim register through the HTTP API, each request through every layer with
//! `tower::ServiceExt::oneshot`: a milestone recorded by an analyst on the case, the notice it
//! makes due listed, drafted in the person's language and recorded as sent by a victim support
//! officer, after which it is no longer due and is in the person's contact log; bad dates and
//! enumerations refused; the custodian, the analyst and an analyst who is no member refused the
//! register alike, whatever the pseudonym.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use custodia_server::{router, AppState};
use custodia_vault::custodia_access::Role;
use custodia_vault::custodia_cases::notices::{Channel, Language};
use custodia_vault::victims::ContactDetails;
use custodia_vault::Vault;
use serde_json::{json, Value};
use tower::ServiceExt;

const HOLDER: &str = "UN Mechanism";

struct App {
    router: Router,
    /// The holder's administrator and custodian.
    admin: String,
    /// An analyst on case KOCHO.
    member: String,
    /// An analyst on no case.
    stranger: String,
    /// The holder's victim support officer.
    support: String,
    _dir: tempfile::TempDir,
}

impl App {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut vault =
            Vault::init_for(&dir.path().join("vault"), "admin", HOLDER).expect("a new vault");
        for user in ["ana", "bob"] {
            vault
                .add_user("admin", user, HOLDER, &[Role::Analyst])
                .expect("an analyst");
        }
        vault
            .add_user("admin", "vso", HOLDER, &[Role::VictimSupportOfficer])
            .expect("a victim support officer");
        vault.add_case("admin", "KOCHO", None).expect("the case");
        vault
            .add_case_member("admin", "KOCHO", "ana")
            .expect("a member");
        vault
            .add_person("vso", "V-1", json!({"name": "Layla Haddad"}), Vec::new())
            .expect("a person");
        vault
            .set_person_contact(
                "vso",
                "V-1",
                ContactDetails {
                    language: Language::Ar,
                    channel: Channel::Email,
                    email: Some("layla@mail.example".into()),
                    address: None,
                    phone: None,
                    intermediary: None,
                    wants_updates: true,
                    interval_months: 6,
                },
            )
            .expect("contact details");
        vault
            .link_person_case(
                "vso",
                "V-1",
                "KOCHO",
                "victim".parse().expect("a role"),
                Some("2026-01-05"),
            )
            .expect("linked");
        let token = |vault: &mut Vault, user: &str| {
            vault
                .issue_api_token(user, user, "victims tests", None)
                .expect("a token")
                .token
        };
        let admin = token(&mut vault, "admin");
        let member = token(&mut vault, "ana");
        let stranger = token(&mut vault, "bob");
        let support = token(&mut vault, "vso");
        Self {
            router: router(AppState::new(vault)),
            admin,
            member,
            stranger,
            support,
            _dir: dir,
        }
    }

    async fn send(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).expect("a request"))
            .await
            .expect("the router answers");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, text, json }
    }

    async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(Method::POST, path, token, Some(body)).await
    }
}

struct Answer {
    status: StatusCode,
    text: String,
    json: Value,
}

#[tokio::test]
async fn a_notice_is_due_drafted_recorded_and_logged() {
    let app = App::new();
    // A milestone, by the analyst on the case.
    let added = app
        .post(
            "/api/v1/cases/KOCHO/milestones",
            &app.member,
            json!({"kind": "suspect_arrested", "date": "2026-03-02", "public_text": "A suspect was arrested."}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.json["milestone"], "M1");
    assert_eq!(added.json["kind"], "suspect_arrested");
    assert!(added.json["ledger_index"].is_u64());
    let listed = app.get("/api/v1/cases/KOCHO/milestones", &app.admin).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(listed.json["case"], "KOCHO");
    assert_eq!(
        listed.json["milestones"][0]["public_text"],
        "A suspect was arrested."
    );

    // Due as of a day after it: the milestone, with the person's language and channel.
    let due = app
        .get("/api/v1/notices/due?as_of=2026-03-20", &app.support)
        .await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.text);
    assert_eq!(due.json["as_of"], "2026-03-20");
    let notices = due.json["notices"].as_array().expect("notices");
    assert_eq!(notices.len(), 1, "{}", due.text);
    assert_eq!(notices[0]["pseudonym"], "V-1");
    assert_eq!(notices[0]["reason"], "milestone");
    assert_eq!(notices[0]["due_by"], "2026-03-16");
    assert_eq!(notices[0]["overdue"], true);
    assert_eq!(notices[0]["language"], "ar");
    assert_eq!(notices[0]["channel"], "email");

    // The draft, in Arabic.
    let draft = app
        .post(
            "/api/v1/notices/draft",
            &app.support,
            json!({"pseudonym": "V-1", "case": "KOCHO", "as_of": "2026-03-20"}),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    assert_eq!(draft.json["language"], "ar");
    assert_eq!(draft.json["direction"], "rtl");
    assert_eq!(draft.json["covers"], json!(["milestone"]));
    assert!(draft.json["body"]
        .as_str()
        .unwrap()
        .contains("A suspect was arrested."));
    // What is only for the letter stays out of the answer.
    assert!(draft.json.get("holder").is_none() && draft.json.get("address").is_none());

    // Recorded as sent: no longer due, and in the contact log.
    let recorded = app
        .post(
            "/api/v1/notices/record",
            &app.support,
            json!({"pseudonym": "V-1", "case": "KOCHO", "channel": "email", "sent_at": "2026-03-20", "covers": ["milestone"]}),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    assert_eq!(recorded.json["via"], "recorded");
    assert_eq!(recorded.json["covers"], json!(["milestone"]));
    let due = app
        .get("/api/v1/notices/due?as_of=2026-03-20", &app.support)
        .await;
    assert_eq!(due.json["notices"], json!([]), "{}", due.text);
    let log = app.get("/api/v1/persons/V-1/contacts", &app.support).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    assert_eq!(log.json["contact"]["email"], "layla@mail.example");
    assert_eq!(log.json["cases"][0]["linked_on"], "2026-01-05");
    let entry = &log.json["entries"][0];
    assert_eq!(entry["kind"], "notice");
    assert_eq!(entry["date"], "2026-03-20");
    assert_eq!(entry["channel"], "email");
    // Fields the schema says always appear do, as null where they do not apply.
    assert!(entry["text"].is_null() && entry.get("text").is_some());
}

#[tokio::test]
async fn bad_dates_and_values_are_refused() {
    let app = App::new();
    for query in [
        "as_of=2026-02-30",
        "as_of=yesterday",
        "as_of=2026-03-20T10:00",
    ] {
        let answer = app
            .get(&format!("/api/v1/notices/due?{query}"), &app.support)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.text
        );
        assert!(answer.json["error"].as_str().unwrap().contains("as_of"));
    }
    let answer = app
        .post(
            "/api/v1/notices/record",
            &app.support,
            json!({"pseudonym": "V-1", "case": "KOCHO", "channel": "pigeon", "sent_at": "2026-03-20"}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    let answer = app
        .post(
            "/api/v1/notices/record",
            &app.support,
            json!({"pseudonym": "V-1", "case": "KOCHO", "channel": "letter", "sent_at": "20-03-2026"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    let answer = app
        .post(
            "/api/v1/notices/draft",
            &app.support,
            json!({"pseudonym": "V-1", "case": "ELSEWHERE"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    let answer = app
        .post(
            "/api/v1/cases/KOCHO/milestones",
            &app.admin,
            json!({"kind": "acquitted", "date": "2026-03-02", "public_text": "x"}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    let answer = app
        .post(
            "/api/v1/cases/KOCHO/milestones",
            &app.admin,
            json!({"kind": "verdict", "date": "2026-03-02", "public_text": "   "}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
}

#[tokio::test]
async fn only_victim_support_reaches_the_register() {
    let app = App::new();
    for token in [&app.admin, &app.member, &app.stranger] {
        let mut answers = Vec::new();
        for pseudonym in ["V-1", "V-404"] {
            let answer = app
                .get(&format!("/api/v1/persons/{pseudonym}/contacts"), token)
                .await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
            answers.push(
                answer.json["error"]
                    .as_str()
                    .unwrap()
                    .replace(pseudonym, "P"),
            );
            let answer = app
                .post(
                    "/api/v1/notices/draft",
                    token,
                    json!({"pseudonym": pseudonym, "case": "KOCHO"}),
                )
                .await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
            let answer = app
                .post(
                    "/api/v1/notices/record",
                    token,
                    json!({"pseudonym": pseudonym, "case": "KOCHO", "channel": "letter", "sent_at": "2026-03-20"}),
                )
                .await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
            assert!(!answer.text.contains("layla"), "{}", answer.text);
        }
        // The same refusal whether the person exists or not.
        assert_eq!(answers[0], answers[1]);
        let answer = app.get("/api/v1/notices/due", token).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
    }
    // Milestones: not for an analyst who is no member, nor recorded by victim support.
    let answer = app
        .get("/api/v1/cases/KOCHO/milestones", &app.stranger)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
    for token in [&app.stranger, &app.support] {
        let answer = app
            .post(
                "/api/v1/cases/KOCHO/milestones",
                token,
                json!({"kind": "verdict", "date": "2026-03-02", "public_text": "A verdict."}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
    }
}
