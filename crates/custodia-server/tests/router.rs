//! The router without a network: each request goes through every layer (client context,
//! refusal of unstorable input, JSON errors, security headers) and the route's handler with
//! `tower::ServiceExt::oneshot`, on a vault in a temporary folder. The end-to-end tests of the
//! `custodia` binary (`crates/custodia/tests/cli_serve*.rs`) run the same routes over HTTP.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use custodia_server::{router, AppState};
use custodia_vault::custodia_access::Role;
use custodia_vault::Vault;
use serde_json::Value;
use tower::ServiceExt;

/// The holder's administrator (also its custodian), named when the vault is made.
const ADMIN: &str = "admin";
/// An analyst of the holder: no administration.
const ANALYST: &str = "analyst";
const HOLDER: &str = "Holder";

/// A vault in a temporary folder, the router serving it, and API tokens of its users.
struct App {
    router: Router,
    admin: String,
    analyst: String,
    _dir: tempfile::TempDir,
}

impl App {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut vault =
            Vault::init_for(&dir.path().join("vault"), ADMIN, HOLDER).expect("a new vault");
        vault
            .add_user(ADMIN, ANALYST, HOLDER, &[Role::Analyst])
            .expect("the analyst is added");
        let admin = vault
            .issue_api_token(ADMIN, ADMIN, "router tests", None)
            .expect("a token for the administrator")
            .token;
        let analyst = vault
            .issue_api_token(ANALYST, ANALYST, "router tests", None)
            .expect("a token for the analyst")
            .token;
        Self {
            router: router(AppState::new(vault)),
            admin,
            analyst,
            _dir: dir,
        }
    }

    /// Sends one request through a clone of the router.
    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        (status, headers, body.to_vec())
    }

    /// `GET path` with a bearer token (or none), the answer as JSON.
    async fn get_json(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let (status, headers, body) = self.send(get(path, token)).await;
        (status, json_body(&headers, &body))
    }

    /// `POST path` with a JSON body and a bearer token, the answer as JSON.
    async fn post_json(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        let (status, headers, body) = self.send(request).await;
        (status, json_body(&headers, &body))
    }
}

fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().method(Method::GET).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::empty()).expect("a request")
}

/// The body as JSON, after checking that it says it is JSON.
fn json_body(headers: &axum::http::HeaderMap, body: &[u8]) -> Value {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "not JSON ({content_type}): {}",
        String::from_utf8_lossy(body)
    );
    serde_json::from_slice(body).expect("a JSON body")
}

/// An API error: `{"error", "id"}`, both non-empty strings, and nothing else.
fn assert_error_shape(body: &Value) {
    let object = body.as_object().expect("an object");
    assert!(
        object
            .get("error")
            .and_then(Value::as_str)
            .is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    assert!(
        object
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|i| !i.is_empty()),
        "{body}"
    );
    assert_eq!(object.len(), 2, "{body}");
}

/// The tree size of the newest checkpoint (its second line).
async fn log_size(app: &App) -> u64 {
    let (status, _, body) = app
        .send(get("/api/v1/log/checkpoint", Some(&app.admin)))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).expect("text");
    text.lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .expect("a tree size on the second line")
}

#[tokio::test]
async fn unauthenticated_calls_are_401_json() {
    let app = App::new();
    for path in [
        "/api/v1/me",
        "/api/v1/items",
        "/api/v1/search?q=x",
        "/api/v1/requests",
        "/api/v1/users",
        "/api/v1/log/checkpoint",
        "/api/v1/log/consistency?from=1&to=2",
        // The caller is found before the path is read: no item route tells a stranger anything.
        "/api/v1/items/not-a-hash",
    ] {
        let (status, body) = app.get_json(path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {body}");
        assert_error_shape(&body);
    }
    let (status, body) = app.get_json("/api/v1/me", Some("cst_nobody_x")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_error_shape(&body);
}

#[tokio::test]
async fn a_bad_sha256_is_400_on_every_item_route() {
    let app = App::new();
    for path in [
        "/api/v1/items/xyz",
        "/api/v1/items/xyz/history",
        "/api/v1/items/xyz/check",
        "/api/v1/items/xyz/content?purpose=test",
    ] {
        let (status, body) = app.get_json(path, Some(&app.admin)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_error_shape(&body);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("`xyz` is not a SHA-256"),
            "{path}: {body}"
        );
    }
    let (status, body) = app
        .post_json(
            "/api/v1/items/xyz/redact",
            &app.admin,
            serde_json::json!({ "texts": ["a"], "reason": "test" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"].as_str().unwrap().contains("not a SHA-256"));
}

#[tokio::test]
async fn an_unknown_item_is_404() {
    let app = App::new();
    let unknown = "0".repeat(64);
    for path in [
        format!("/api/v1/items/{unknown}"),
        format!("/api/v1/items/{unknown}/history"),
    ] {
        let (status, body) = app.get_json(&path, Some(&app.admin)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_error_shape(&body);
    }
}

#[tokio::test]
async fn a_nul_in_a_query_is_400_naming_the_field() {
    let app = App::new();
    let (status, body) = app
        .get_json("/api/v1/search?q=a%00b", Some(&app.admin))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_error_shape(&body);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("the query parameter `q`"),
        "{body}"
    );
    // In a JSON body too, naming the field's place.
    let (status, body) = app
        .post_json(
            "/api/v1/organisations",
            &app.admin,
            serde_json::json!({ "name": "a\u{0}b", "kind": "ngo" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"].as_str().unwrap().contains("name"), "{body}");
    // Under any JSON media type the handlers read (`application/…+json`, with parameters).
    for content_type in [
        "application/problem+json",
        "Application/JSON; charset=utf-8",
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/organisations")
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(
                serde_json::json!({ "name": "a\u{0}b", "kind": "ngo" }).to_string(),
            ))
            .expect("a request");
        let (status, headers, body) = app.send(request).await;
        let body = json_body(&headers, &body);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains("name"),
            "{content_type}: {body}"
        );
    }
}

#[tokio::test]
async fn a_custodians_search_is_recorded_in_the_log() {
    let app = App::new();
    let before = log_size(&app).await;
    let (status, body) = app
        .get_json("/api/v1/search?q=sinjar", Some(&app.admin))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["query"], "sinjar", "{body}");
    assert_eq!(body["total"], 0, "{body}");
    assert!(body["hits"].as_array().is_some_and(Vec::is_empty), "{body}");
    let index = body["ledger_index"].as_u64().expect("a ledger index");
    assert!(index >= before, "{index} < {before}");
    assert!(
        log_size(&app).await > index,
        "the search's entry is in the log"
    );
}

#[tokio::test]
async fn health_and_readiness() {
    let app = App::new();
    let (status, _, body) = app.send(get("/healthz", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"ok\n");
    let (status, body) = app.get_json("/readyz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, serde_json::json!({ "ready": true }));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_the_schemes() {
    let app = App::new();
    let (status, doc) = app.get_json("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer", "{schemes}");
    assert_eq!(schemes["session"]["in"], "cookie", "{schemes}");
    assert!(doc["components"]["schemas"]["Error"].is_object());
    // Every route of every feature module, with its methods.
    let mut routes: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .keys()
                .filter(|k| ["get", "post", "patch", "delete", "put"].contains(&k.as_str()))
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    routes.sort();
    let expected = [
        "DELETE /api/v1/cases/{case}/links/{link}",
        "DELETE /api/v1/uploads/{id}",
        "GET /api/v1/activity",
        "GET /api/v1/cases/{case}/map",
        "GET /api/v1/cases/{case}/matrix",
        "GET /api/v1/cases/{case}/milestones",
        "GET /api/v1/cases/{case}/timeline",
        "GET /api/v1/crimes",
        "GET /api/v1/holdings",
        "GET /api/v1/items",
        "GET /api/v1/items/{sha256}",
        "GET /api/v1/items/{sha256}/check",
        "GET /api/v1/items/{sha256}/content",
        "GET /api/v1/items/{sha256}/history",
        "GET /api/v1/log/checkpoint",
        "GET /api/v1/log/consistency",
        "GET /api/v1/log/proof",
        "GET /api/v1/log/public-key",
        "GET /api/v1/me",
        "GET /api/v1/notices/due",
        "GET /api/v1/organisations",
        "GET /api/v1/persons",
        "GET /api/v1/persons/{pseudonym}/contacts",
        "GET /api/v1/requests",
        "GET /api/v1/requests/{id}",
        "GET /api/v1/requests/{id}/packages/{package}",
        "GET /api/v1/search",
        "GET /api/v1/uploads/{id}",
        "GET /api/v1/users",
        "GET /api/v1/verify",
        "GET /healthz",
        "GET /readyz",
        "PATCH /api/v1/uploads/{id}",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/logout",
        "POST /api/v1/cases/{case}/charges",
        "POST /api/v1/cases/{case}/incidents",
        "POST /api/v1/cases/{case}/links",
        "POST /api/v1/cases/{case}/milestones",
        "POST /api/v1/crimes",
        "POST /api/v1/items/{sha256}/redact",
        "POST /api/v1/notices/draft",
        "POST /api/v1/notices/record",
        "POST /api/v1/organisations",
        "POST /api/v1/persons",
        "POST /api/v1/persons/{pseudonym}/scope",
        "POST /api/v1/persons/{pseudonym}/statements",
        "POST /api/v1/requests",
        "POST /api/v1/requests/{id}/decision",
        "POST /api/v1/requests/{id}/finalise",
        "POST /api/v1/requests/{id}/scope",
        "POST /api/v1/uploads",
        "POST /api/v1/uploads/{id}/finish",
        "POST /api/v1/users",
        "POST /api/v1/users/{name}/tokens",
    ];
    assert_eq!(routes, expected);
}

/// The schema `schema` stands for: the component it refers to, or itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => doc
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("`{reference}` refers to nothing")),
        None => schema,
    }
}

/// Every `$ref` under `value`, with where it is.
fn references(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_str()) {
                    ("$ref", Some(reference)) => found.push((at.to_owned(), reference.to_owned())),
                    _ => references(inner, &format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(list) => {
            for (i, inner) in list.iter().enumerate() {
                references(inner, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// Whether a JSON body's schema says what the body is: an object with its properties, an
/// array, a composition of such, or a scalar type; not "any JSON" (`{}`).
fn says_what(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    let composed = ["allOf", "oneOf", "anyOf"].iter().any(|key| {
        schema[key]
            .as_array()
            .is_some_and(|parts| !parts.is_empty() && parts.iter().all(|p| says_what(doc, p)))
    });
    composed
        || match schema["type"].as_str() {
            Some("object") => schema["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty()),
            Some(_) => true,
            None => false,
        }
}

/// Every success in the OpenAPI document says what its body is: a JSON answer the schema of
/// the type its handler answers with, text a string, a download its media type with a binary
/// string; only a 204 has no body. A success without a schema would make the API test's check
/// of answers against the document vacuous.
#[tokio::test]
async fn every_success_in_the_document_has_a_body_schema() {
    let app = App::new();
    let (status, doc) = app.get_json("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let mut faults = Vec::new();
    let mut successes = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                if !status.starts_with('2') || status == "204" {
                    continue;
                }
                successes += 1;
                let what = format!("{} {path} {status}", method.to_uppercase());
                let content = resolve(&doc, response)["content"].as_object();
                let Some(content) = content.filter(|c| !c.is_empty()) else {
                    faults.push(format!("{what}: no content"));
                    continue;
                };
                for (media, body) in content {
                    let Some(schema) = body.get("schema") else {
                        faults.push(format!("{what} {media}: no schema"));
                        continue;
                    };
                    let described = if media == "application/json" || media.ends_with("+json") {
                        says_what(&doc, schema)
                    } else if media.starts_with("text/") {
                        resolve(&doc, schema)["type"] == "string"
                    } else {
                        let schema = resolve(&doc, schema);
                        schema["type"] == "string" && schema["format"] == "binary"
                    };
                    if !described {
                        faults.push(format!("{what} {media}: the schema says nothing: {schema}"));
                    }
                }
            }
        }
    }
    assert!(successes >= 40, "{successes} successes");
    assert!(faults.is_empty(), "{faults:#?}");

    // And every schema a body refers to is in the document.
    let mut found = Vec::new();
    references(&doc, "", &mut found);
    let dangling: Vec<_> = found
        .iter()
        .filter(|(_, reference)| doc.pointer(reference.trim_start_matches('#')).is_none())
        .collect();
    assert!(dangling.is_empty(), "{dangling:#?}");
}

/// Every error answer under `/api/` is declared with the one error schema, `{"error", "id"}`.
#[tokio::test]
async fn every_api_error_in_the_document_has_the_error_schema() {
    let app = App::new();
    let (_, doc) = app.get_json("/api/openapi.json", None).await;
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(
        error["required"],
        serde_json::json!(["error", "id"]),
        "{error}"
    );
    let mut faults = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/") {
            continue;
        }
        for (method, operation) in item.as_object().expect("a path item") {
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                if schema != "#/components/schemas/Error" {
                    faults.push(format!(
                        "{} {path} {status}: {response}",
                        method.to_uppercase()
                    ));
                }
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

#[tokio::test]
async fn administration_is_for_the_administrator() {
    let app = App::new();
    for path in ["/api/v1/users", "/api/v1/organisations"] {
        let (status, body) = app.get_json(path, Some(&app.analyst)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_error_shape(&body);
    }
    let (status, body) = app
        .post_json(
            "/api/v1/organisations",
            &app.analyst,
            serde_json::json!({ "name": "Yazda", "kind": "ngo" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, body) = app.get_json("/api/v1/users", Some(&app.admin)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<&str> = body["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert!(names.contains(&ADMIN) && names.contains(&ANALYST), "{body}");
    let (status, body) = app
        .post_json(
            "/api/v1/organisations",
            &app.admin,
            serde_json::json!({ "name": "Yazda", "kind": "ngo" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["organisation"], "Yazda");
    assert!(body["ledger_index"].is_u64(), "{body}");
}

/// Roles are a set: a role given twice is held (and listed) once, as the document says.
#[tokio::test]
async fn a_role_given_twice_is_held_once() {
    let app = App::new();
    let (status, body) = app
        .post_json(
            "/api/v1/users",
            &app.admin,
            serde_json::json!({ "name": "clerk", "organisation": HOLDER, "roles": ["analyst", "auditor", "analyst"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.get_json("/api/v1/users", Some(&app.admin)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let clerk = body["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["name"] == "clerk")
        .expect("the clerk");
    assert_eq!(
        clerk["roles"],
        serde_json::json!(["analyst", "auditor"]),
        "{body}"
    );
}

#[tokio::test]
async fn a_consistency_proof_is_the_shared_document() {
    let app = App::new();
    let size = log_size(&app).await;
    assert!(size >= 2, "{size}");
    let (status, body) = app
        .get_json(
            &format!("/api/v1/log/consistency?from=1&to={size}"),
            Some(&app.analyst),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for key in ["from", "to", "proof", "old_size", "new_size", "hashes"] {
        assert!(body.get(key).is_some(), "no `{key}` in {body}");
    }
    assert_eq!(body["old_size"], 1, "{body}");
    assert_eq!(body["new_size"], size, "{body}");
    assert!(body["hashes"].is_array(), "{body}");
    // Sizes out of order: 400, the error shape.
    let (status, body) = app
        .get_json(
            &format!("/api/v1/log/consistency?from={size}&to=1"),
            Some(&app.analyst),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_error_shape(&body);
}

/// A page's forms carry the session's CSRF token; a form without it is refused before the
/// handler, one with it is taken.
#[tokio::test]
async fn page_forms_need_the_sessions_csrf_token() {
    let app = App::new();
    let cookie = format!("custodia_session={}", app.admin);
    let page = Request::get("/admin")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = app.send(page).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).expect("HTML");
    let marker = "name=\"csrf-token\" content=\"";
    let at = html.find(marker).expect("the CSRF token in the page") + marker.len();
    let csrf = &html[at..at + html[at..].find('"').expect("the end of the token")];

    let post = |field: &str| {
        Request::post("/admin/checkpoint")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={field}")))
            .unwrap()
    };
    let (status, _, _) = app.send(post("stale")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = app.send(post(csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/admin");

    // The analyst may not see the administration page at all.
    let page = Request::get("/admin")
        .header(header::COOKIE, format!("custodia_session={}", app.analyst))
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = app.send(page).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
