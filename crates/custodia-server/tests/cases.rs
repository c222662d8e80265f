//! A case built end to end through the HTTP API, each request through every layer with
//! `tower::ServiceExt::oneshot`: two charges, incidents, links of every assessment and strength;
//! the matrix's statuses and gaps; unlinking makes an element unproven again; a non-member sees
//! nothing (the same answer as for a case that does not exist); a member without access to one
//! item sees no trace of it in the matrix, the timeline or the map.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use custodia_server::{router, AppState};
use custodia_vault::custodia_access::{Regime, Role};
use custodia_vault::{IngestOptions, IngestProgress, Vault};
use serde_json::{json, Value};
use tower::ServiceExt;

const HOLDER: &str = "UN Mechanism";

struct Quiet;
impl IngestProgress for Quiet {}

/// A vault with a case `KOCHO`, four items (three a member may read, one restricted to the
/// holder's custodians), and tokens of the custodian, a member and an analyst who is no member.
struct App {
    router: Router,
    admin: String,
    member: String,
    stranger: String,
    shown: [String; 3],
    hidden: String,
    _dir: tempfile::TempDir,
}

impl App {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut vault =
            Vault::init_for(&dir.path().join("vault"), "admin", HOLDER).expect("a new vault");
        let mut ingest = |name: &str, text: &str, originator: &str, regime: Regime| {
            let input = dir.path().join(name);
            std::fs::create_dir(&input).expect("a folder");
            std::fs::write(input.join(format!("{name}.txt")), text).expect("a file");
            let report = vault
                .ingest(
                    &[input],
                    IngestOptions {
                        originator: originator.into(),
                        case_ref: Some("KOCHO".into()),
                        actor: "admin".into(),
                        regime: Some(regime),
                        ..IngestOptions::default()
                    },
                    &Quiet,
                )
                .expect("ingested");
            report.items[0].sha256.clone()
        };
        let a = ingest(
            "a",
            "Statement W-1: the men were taken behind the school",
            "Gov A",
            Regime::Consent,
        );
        let b = ingest(
            "b",
            "Satellite image notes, Kocho",
            "Gov A",
            Regime::Consent,
        );
        let c = ingest(
            "c",
            "Statement W-2: I saw no soldiers that day",
            "Gov A",
            Regime::Consent,
        );
        let hidden = ingest(
            "d",
            "Intercepted radio log, restricted",
            "Gov B",
            Regime::Restricted,
        );
        for user in ["ana", "bob"] {
            vault
                .add_user("admin", user, HOLDER, &[Role::Analyst])
                .expect("an analyst");
        }
        vault
            .add_case("admin", "KOCHO", Some("Kocho, August 2014"))
            .expect("the case");
        vault
            .add_case_member("admin", "KOCHO", "ana")
            .expect("a member");
        let token = |vault: &mut Vault, user: &str| {
            vault
                .issue_api_token(user, user, "case tests", None)
                .expect("a token")
                .token
        };
        let admin = token(&mut vault, "admin");
        let member = token(&mut vault, "ana");
        let stranger = token(&mut vault, "bob");
        Self {
            router: router(AppState::new(vault)),
            admin,
            member,
            stranger,
            shown: [a, b, c],
            hidden,
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
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
        Answer {
            status,
            content_type,
            text,
            json,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// `GET` that must succeed.
    async fn read(&self, path: &str, token: &str) -> Value {
        let answer = self.get(path, token).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text);
        answer.json
    }

    /// Links `item` to `element` as `token`; the link's reference.
    async fn link(&self, token: &str, body: Value) -> String {
        let answer = self.post("/api/v1/cases/KOCHO/links", token, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        assert_eq!(answer.json["case"], "KOCHO");
        assert!(answer.json["ledger_index"].is_u64(), "{}", answer.text);
        answer.json["link"]
            .as_str()
            .expect("a reference")
            .to_owned()
    }
}

struct Answer {
    status: StatusCode,
    content_type: String,
    text: String,
    json: Value,
}

/// The status of `element` under `charge`.
fn status_of(matrix: &Value, charge: &str, element: &str) -> String {
    matrix["charges"]
        .as_array()
        .expect("charges")
        .iter()
        .filter(|c| c["charge"] == charge)
        .flat_map(|c| c["elements"].as_array().expect("elements"))
        .find(|e| e["id"] == element)
        .unwrap_or_else(|| panic!("no {charge} {element} in {matrix:#}"))["status"]
        .as_str()
        .expect("a status")
        .to_owned()
}

/// `(charge, element)` pairs.
type Elements = Vec<(String, String)>;

/// The gaps as `(charge, element)`, and the unproven elements likewise.
fn gaps_and_unproven(matrix: &Value) -> (Elements, Elements) {
    let pair = |c: &Value, e: &Value| {
        (
            c.as_str().expect("a charge").to_owned(),
            e.as_str().expect("an element").to_owned(),
        )
    };
    let gaps = matrix["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| pair(&g["charge"], &g["element"]))
        .collect();
    let mut unproven = Vec::new();
    for charge in matrix["charges"].as_array().expect("charges") {
        for element in charge["elements"].as_array().expect("elements") {
            if element["status"] == "unproven" {
                unproven.push(pair(&charge["charge"], &element["id"]));
            }
        }
    }
    (gaps, unproven)
}

#[tokio::test]
async fn a_case_is_built_analysed_and_seen_only_by_whom_it_may() {
    let app = App::new();
    let [a, b, c] = app.shown.clone();
    let hidden = app.hidden.clone();
    let member = app.member.as_str();

    // Two charges, laid by the member (an analyst on the case).
    let c1 = app
        .post(
            "/api/v1/cases/KOCHO/charges",
            member,
            json!({"crime": "7(1)(a)", "suspect": "Abu Example", "mode": "25(3)(a)-2"}),
        )
        .await;
    assert_eq!(c1.status, StatusCode::CREATED, "{}", c1.text);
    assert_eq!(c1.json["charge"], "C1");
    assert_eq!(c1.json["crime"], "7(1)(a)");
    assert_eq!(c1.json["mode_of_liability"], "25(3)(a)-2");
    let ids: Vec<&str> = c1.json["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|e| e["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(&ids[..3], ["7(1)(a)/1", "7(1)(a)/2", "7(1)(a)/3"]);
    assert!(ids[3..].iter().all(|id| id.starts_with("25(3)(a)-2/")));
    let c2 = app
        .post(
            "/api/v1/cases/KOCHO/charges",
            member,
            json!({"crime": "8(2)(c)(i)-1", "suspect": "Abu Example"}),
        )
        .await;
    assert_eq!(c2.status, StatusCode::CREATED, "{}", c2.text);
    assert_eq!(c2.json["charge"], "C2");
    // No such crime.
    let bad = app
        .post(
            "/api/v1/cases/KOCHO/charges",
            member,
            json!({"crime": "99(z)"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);

    // Incidents, one with a place on the map.
    let i1 = app
        .post(
            "/api/v1/cases/KOCHO/incidents",
            member,
            json!({
                "title": "Men shot behind the school", "from": "2014-08-15", "to": "2014-08-16",
                "place": "Kocho", "lat": 36.2175, "lon": 41.7436, "precision_m": 250,
                "description": "Men separated from women and children"
            }),
        )
        .await;
    assert_eq!(i1.status, StatusCode::CREATED, "{}", i1.text);
    assert_eq!(i1.json["incident"], "I1");
    let i2 = app
        .post(
            "/api/v1/cases/KOCHO/incidents",
            member,
            json!({"title": "Women taken to Tal Afar", "from": "2014-08"}),
        )
        .await;
    assert_eq!(i2.status, StatusCode::CREATED, "{}", i2.text);
    assert_eq!(i2.json["incident"], "I2");
    for body in [
        json!({"title": "x", "from": "2014-02-30"}),
        json!({"title": "x", "from": "2014-09", "to": "2014-08-31"}),
        json!({"title": "x", "from": "2014", "lat": 95.0, "lon": 0.0}),
        json!({"title": "x", "from": "2014", "lat": 36.0}),
    ] {
        let answer = app
            .post("/api/v1/cases/KOCHO/incidents", member, body.clone())
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.text
        );
    }

    // Links of every assessment and strength.
    let l1 = app
        .link(
            member,
            json!({
                "element": "7(1)(a)/1", "item": a, "assessment": "supports", "strength": "strong",
                "incident": "I1", "excerpt": "the men were taken behind the school", "page": 2,
                "note": "W-1 was present"
            }),
        )
        .await;
    assert_eq!(l1, "L1");
    let l2 = app
        .link(
            member,
            json!({"element": "7(1)(a)/2", "item": b, "assessment": "supports", "strength": "weak"}),
        )
        .await;
    // No strength: medium.
    app.link(
        member,
        json!({"element": "7(1)(a)/3", "item": a, "assessment": "supports"}),
    )
    .await;
    app.link(
        member,
        json!({
            "element": "7(1)(a)/3", "item": c, "assessment": "contradicts", "strength": "weak",
            "time": "01:30-02:05"
        }),
    )
    .await;
    app.link(
        member,
        json!({"element": "8(2)(c)(i)-1/1", "item": c, "assessment": "context", "strength": "medium"}),
    )
    .await;
    app.link(
        member,
        json!({"element": "8(2)(c)(i)-1/1", "item": b, "assessment": "context", "strength": "strong"}),
    )
    .await;
    app.link(
        member,
        json!({
            "element": "25(3)(a)-2/1", "item": a, "assessment": "supports", "strength": "medium",
            "charge": "C1"
        }),
    )
    .await;
    // The custodian links the restricted item: the member must see no trace of it.
    let secret = "radio: the column left at dawn";
    let l8 = app
        .link(
            &app.admin,
            json!({
                "element": "8(2)(c)(i)-1/2", "item": hidden, "assessment": "supports",
                "strength": "strong", "incident": "I2", "excerpt": secret
            }),
        )
        .await;
    assert_eq!(l8, "L8");

    // The member may not link an item they may not read, and cannot tell it from one that
    // does not exist.
    let denied = app
        .post(
            "/api/v1/cases/KOCHO/links",
            member,
            json!({"element": "7(1)(a)/1", "item": hidden, "assessment": "supports"}),
        )
        .await;
    let missing = app
        .post(
            "/api/v1/cases/KOCHO/links",
            member,
            json!({"element": "7(1)(a)/1", "item": "0".repeat(64), "assessment": "supports"}),
        )
        .await;
    assert_eq!(
        denied.status, missing.status,
        "{} / {}",
        denied.text, missing.text
    );
    assert!(denied.status.is_client_error());
    assert_eq!(
        denied.json["error"]
            .as_str()
            .expect("an error")
            .replace(&hidden, "<item>"),
        missing.json["error"]
            .as_str()
            .expect("an error")
            .replace(&"0".repeat(64), "<item>"),
    );
    // An element no charge has, an unknown incident, a bad assessment, page 0.
    for body in [
        json!({"element": "6(a)/1", "item": a, "assessment": "supports"}),
        json!({"element": "7(1)(a)/1", "item": a, "assessment": "supports", "incident": "I9"}),
        json!({"element": "7(1)(a)/1", "item": a, "assessment": "supports", "page": 0}),
        json!({"element": "7(1)(a)/1", "item": a, "assessment": "supports", "time": "later"}),
    ] {
        let answer = app
            .post("/api/v1/cases/KOCHO/links", member, body.clone())
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.text
        );
    }
    let answer = app
        .post(
            "/api/v1/cases/KOCHO/links",
            member,
            json!({"element": "7(1)(a)/1", "item": a, "assessment": "proves"}),
        )
        .await;
    assert!(answer.status.is_client_error(), "{}", answer.text);

    // The custodian sees everything.
    let full = app.read("/api/v1/cases/KOCHO/matrix", &app.admin).await;
    assert_eq!(full["case"], "KOCHO");
    assert_eq!(full["withheld"], false);
    assert_eq!(status_of(&full, "C1", "7(1)(a)/1"), "supported");
    assert_eq!(status_of(&full, "C1", "7(1)(a)/2"), "weak");
    assert_eq!(status_of(&full, "C1", "7(1)(a)/3"), "contested");
    assert_eq!(status_of(&full, "C1", "25(3)(a)-2/1"), "supported");
    assert_eq!(
        status_of(&full, "C2", "8(2)(c)(i)-1/1"),
        "unproven",
        "context is no support"
    );
    assert_eq!(status_of(&full, "C2", "8(2)(c)(i)-1/2"), "supported");
    let (gaps, unproven) = gaps_and_unproven(&full);
    assert_eq!(gaps, unproven, "the gaps are exactly the unproven elements");
    assert!(gaps.contains(&("C2".into(), "8(2)(c)(i)-1/1".into())));
    assert!(!gaps.contains(&("C2".into(), "8(2)(c)(i)-1/2".into())));
    let first = &full["charges"][0];
    assert_eq!(first["title"], "Crime against humanity of murder");
    assert_eq!(first["suspect"], "Abu Example");
    let link = &first["elements"][0]["links"][0];
    assert_eq!(link["link"], "L1");
    assert_eq!(link["item"], a.as_str());
    assert_eq!(link["assessment"], "supports");
    assert_eq!(link["strength"], "strong");
    assert_eq!(link["incident"], "I1");
    assert_eq!(link["excerpt"], "the men were taken behind the school");
    assert!(full.to_string().contains(&hidden));
    let timeline = app.read("/api/v1/cases/KOCHO/timeline", &app.admin).await;
    assert_eq!(timeline["case"], "KOCHO");
    assert_eq!(timeline["withheld"], false);
    let events = timeline["events"].as_array().expect("events");
    assert_eq!(events[0]["date"], "2014-08", "partial dates first");
    assert_eq!(events[0]["kind"], "incident");
    assert_eq!(events[0]["id"], "I2");
    assert_eq!(events[1]["id"], "I1");
    assert_eq!(events[1]["to"], "2014-08-16");
    let map = app.get("/api/v1/cases/KOCHO/map", &app.admin).await;
    assert_eq!(map.status, StatusCode::OK, "{}", map.text);
    assert!(
        map.content_type.starts_with("application/geo+json"),
        "{}",
        map.content_type
    );
    assert_eq!(map.json["type"], "FeatureCollection");
    let features = map.json["features"].as_array().expect("features");
    assert_eq!(features.len(), 1, "only I1 has a place: {}", map.text);
    assert_eq!(features[0]["geometry"]["type"], "Point");
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        json!([41.7436, 36.2175]),
        "longitude first"
    );
    assert_eq!(features[0]["properties"]["precision_m"], 250.0);

    // The member sees the links to what they may read, and no trace of the rest.
    let seen = app.get("/api/v1/cases/KOCHO/matrix", member).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(
        seen.json["withheld"], true,
        "told that something was left out"
    );
    assert_eq!(status_of(&seen.json, "C1", "7(1)(a)/1"), "supported");
    assert_eq!(status_of(&seen.json, "C1", "7(1)(a)/3"), "contested");
    assert_eq!(
        status_of(&seen.json, "C2", "8(2)(c)(i)-1/2"),
        "unproven",
        "the hidden item's support does not count for the member"
    );
    let (gaps, unproven) = gaps_and_unproven(&seen.json);
    assert_eq!(gaps, unproven);
    assert!(gaps.contains(&("C2".into(), "8(2)(c)(i)-1/2".into())));
    let timeline = app.get("/api/v1/cases/KOCHO/timeline", member).await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.text);
    let map = app.get("/api/v1/cases/KOCHO/map", member).await;
    assert_eq!(map.status, StatusCode::OK, "{}", map.text);
    for answer in [&seen, &timeline, &map] {
        for trace in [hidden.as_str(), secret, "L8", "restricted", "Intercepted"] {
            assert!(
                !answer.text.contains(trace),
                "`{trace}` shows to the member: {}",
                answer.text
            );
        }
    }
    for id in [&a, &b, &c] {
        assert!(seen.text.contains(id.as_str()));
    }
    // Nor may the member take that link out of force, or tell it from one that never was.
    let hidden_link = app
        .send(Method::DELETE, "/api/v1/cases/KOCHO/links/L8", member, None)
        .await;
    let no_link = app
        .send(
            Method::DELETE,
            "/api/v1/cases/KOCHO/links/L99",
            member,
            None,
        )
        .await;
    assert_eq!(hidden_link.status, no_link.status, "{}", hidden_link.text);
    assert!(hidden_link.status.is_client_error());
    assert_eq!(
        hidden_link.json["error"]
            .as_str()
            .expect("an error")
            .replace("L8", "L?"),
        no_link.json["error"]
            .as_str()
            .expect("an error")
            .replace("L99", "L?"),
    );

    // Unlinking makes an element unproven again, and a gap.
    let removed = app
        .send(
            Method::DELETE,
            &format!("/api/v1/cases/KOCHO/links/{l2}"),
            member,
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert_eq!(removed.json["link"], l2.as_str());
    assert!(removed.json["ledger_index"].is_u64());
    let after = app.read("/api/v1/cases/KOCHO/matrix", member).await;
    assert_eq!(status_of(&after, "C1", "7(1)(a)/2"), "unproven");
    let (gaps, _) = gaps_and_unproven(&after);
    assert!(gaps.contains(&("C1".into(), "7(1)(a)/2".into())));
    assert!(!after.to_string().contains(&format!("\"{l2}\"")));
    // Twice is once too many.
    let again = app
        .send(
            Method::DELETE,
            &format!("/api/v1/cases/KOCHO/links/{l2}"),
            member,
            None,
        )
        .await;
    assert!(again.status.is_client_error(), "{}", again.text);

    // A non-member sees nothing, and gets the same answer as for a case that does not exist;
    // nor can they change it.
    for route in ["matrix", "timeline", "map"] {
        let real = app
            .get(&format!("/api/v1/cases/KOCHO/{route}"), &app.stranger)
            .await;
        let none = app
            .get(&format!("/api/v1/cases/NOSUCH/{route}"), &app.stranger)
            .await;
        assert_eq!(real.status, StatusCode::FORBIDDEN, "{route}: {}", real.text);
        assert_eq!(real.status, none.status, "{route}");
        assert_eq!(
            real.json["error"]
                .as_str()
                .expect("an error")
                .replace("KOCHO", "?"),
            none.json["error"]
                .as_str()
                .expect("an error")
                .replace("NOSUCH", "?"),
            "{route}"
        );
        assert!(!real.text.contains("Abu Example") && !real.text.contains("Kocho"));
    }
    let real = app
        .post(
            "/api/v1/cases/KOCHO/charges",
            &app.stranger,
            json!({"crime": "7(1)(a)"}),
        )
        .await;
    let none = app
        .post(
            "/api/v1/cases/NOSUCH/charges",
            &app.stranger,
            json!({"crime": "7(1)(a)"}),
        )
        .await;
    assert_eq!(real.status, StatusCode::FORBIDDEN, "{}", real.text);
    assert_eq!(real.status, none.status);
    let real = app
        .send(
            Method::DELETE,
            "/api/v1/cases/KOCHO/links/L1",
            &app.stranger,
            None,
        )
        .await;
    assert_eq!(real.status, StatusCode::FORBIDDEN, "{}", real.text);
    // The stranger's attempts changed nothing.
    let last = app.read("/api/v1/cases/KOCHO/matrix", &app.admin).await;
    assert_eq!(last["charges"].as_array().expect("charges").len(), 2);
    assert_eq!(status_of(&last, "C1", "7(1)(a)/1"), "supported");
}
