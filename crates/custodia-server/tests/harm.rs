//! The civilian-harm pages, each request through every layer with `tower::ServiceExt::oneshot`:
//! the reports on the map (each placed report a feature at its position, linking to its page;
//! the others counted) and in the table, newest first and filtered by outcome; one report whole
//! with the reporter's contact; an assessment recorded through the form, after which the
//! report leaves the pending ones and is listed as credible; bad counts and outcomes refused
//! with a message naming them; and everyone but the holder's harm assessors and custodians
//! refused alike, whether the reference exists or not, without learning it.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use custodia_server::{router, AppState};
use custodia_vault::custodia_access::Role;
use custodia_vault::harm::HarmReportInput;
use custodia_vault::Vault;
use tower::ServiceExt;

const HOLDER: &str = "UN Mechanism";
const CONTACT: &str = "reporter-7731@mail.example";

struct App {
    router: Router,
    /// The holder's administrator and custodian.
    admin: String,
    /// The holder's harm assessor.
    assessor: String,
    /// The holder's analyst.
    analyst: String,
    /// The holder's victim support officer.
    support: String,
    /// Reported at Sinjar, with a position and a contact.
    placed: String,
    /// Reported without a position.
    unplaced: String,
    /// The stored item of the placed report (whose history holds the reads of it).
    placed_item: String,
    _dir: tempfile::TempDir,
}

fn input(place: &str, position: Option<(f64, f64)>, contact: Option<&str>) -> HarmReportInput {
    HarmReportInput {
        date: "2026-03-02".into(),
        place: place.into(),
        lat: position.map(|p| p.0),
        lon: position.map(|p| p.1),
        description: format!("Shelling near {place}"),
        killed: 2,
        injured: 5,
        contact: contact.map(str::to_owned),
    }
}

impl App {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut vault =
            Vault::init_for(&dir.path().join("vault"), "admin", HOLDER).expect("a new vault");
        vault
            .add_user("admin", "assessor", HOLDER, &[Role::HarmAssessor])
            .expect("a harm assessor");
        vault
            .add_user("admin", "ana", HOLDER, &[Role::Analyst])
            .expect("an analyst");
        vault
            .add_user("admin", "vso", HOLDER, &[Role::VictimSupportOfficer])
            .expect("a victim support officer");
        let placed = vault
            .submit_harm_report(
                "assessor",
                &input("Sinjar", Some((36.3209, 41.8754)), Some(CONTACT)),
                Vec::new(),
            )
            .expect("a report")
            .reference;
        let unplaced = vault
            .submit_harm_report("assessor", &input("Tal Afar", None, None), Vec::new())
            .expect("a report")
            .reference;
        let placed_item = vault
            .harm_show("assessor", &placed)
            .expect("the report")
            .item;
        let mut token = |user: &str| {
            vault
                .issue_api_token(user, user, "harm tests", None)
                .expect("a token")
                .token
        };
        let (admin, assessor, analyst, support) = (
            token("admin"),
            token("assessor"),
            token("ana"),
            token("vso"),
        );
        Self {
            router: router(AppState::new(vault)),
            admin,
            assessor,
            analyst,
            support,
            placed,
            unplaced,
            placed_item,
            _dir: dir,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String, Option<String>) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        (
            status,
            String::from_utf8(bytes.to_vec()).expect("UTF-8"),
            location,
        )
    }

    async fn page(&self, path: &str, token: &str) -> (StatusCode, String) {
        let request = Request::get(path)
            .header(header::COOKIE, format!("custodia_session={token}"))
            .body(Body::empty())
            .expect("a request");
        let (status, body, _) = self.send(request).await;
        (status, body)
    }

    /// The reads of the placed report whole in its item's history, by actor (as the custodian
    /// reads that history through the API).
    async fn reads(&self) -> Vec<String> {
        let request = Request::get(format!("/api/v1/items/{}/history", self.placed_item))
            .header(header::AUTHORIZATION, format!("Bearer {}", self.admin))
            .body(Body::empty())
            .expect("a request");
        let (status, body, _) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let history: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        history["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["action"] == "harm_read")
            .map(|e| e["actor"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    /// Posts the assessment form of `reference` with `fields` (URL-encoded), as `token`.
    async fn assess(
        &self,
        reference: &str,
        token: &str,
        fields: &str,
    ) -> (StatusCode, String, Option<String>) {
        let (_, html) = self.page("/harm", token).await;
        let csrf = csrf_token(&html);
        let request = Request::post(format!("/harm/{reference}/assess"))
            .header(header::COOKIE, format!("custodia_session={token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&{fields}")))
            .expect("a request");
        self.send(request).await
    }
}

fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let at = html.find(marker).map(|at| at + marker.len()).unwrap_or(0);
    html[at..at + html[at..].find('"').unwrap_or(0)].to_owned()
}

/// The features the page's map draws (its `data-features`, HTML-escaped JSON).
fn map_features(html: &str) -> serde_json::Value {
    let marker = "data-features=\"";
    let at = html.find(marker).expect("a live map") + marker.len();
    let raw = &html[at..at + html[at..].find('"').expect("the attribute's end")];
    let json = raw
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    serde_json::from_str(&json).expect("GeoJSON")
}

#[tokio::test]
async fn the_reports_are_on_the_map_and_in_the_table() {
    let app = App::new();
    for token in [&app.assessor, &app.admin] {
        let (status, html) = app.page("/harm", token).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains("href=\"/harm\""),
            "the navigation names the page"
        );
        let features = map_features(&html);
        let list = features["features"].as_array().expect("features");
        assert_eq!(
            list.len(),
            1,
            "only the placed report is on the map: {features}"
        );
        assert_eq!(list[0]["id"], app.placed.as_str());
        assert_eq!(
            list[0]["geometry"]["coordinates"],
            serde_json::json!([41.8754, 36.3209])
        );
        assert_eq!(
            list[0]["properties"]["href"],
            format!("/harm/{}", app.placed).as_str()
        );
        // No precision was stated by the reporter, and the map states none.
        assert!(list[0]["properties"].get("precision_m").is_none());
        assert!(html.contains("1 report gave no position"), "{html}");
        // Both in the table, newest first.
        let newest = html
            .find(&app.unplaced)
            .expect("the unplaced report listed");
        let oldest = html.rfind(&app.placed).expect("the placed report listed");
        assert!(newest < oldest, "newest first");
        assert!(html.contains("Not yet assessed"));
    }
}

#[tokio::test]
async fn a_report_is_shown_whole_and_assessed_through_the_form() {
    let app = App::new();
    let path = format!("/harm/{}", app.placed);
    assert!(app.reads().await.is_empty());
    let (status, html) = app.page(&path, &app.assessor).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(CONTACT), "the assessor reads the contact");
    assert_eq!(
        app.reads().await,
        ["assessor"],
        "the read of the reporter's contact is in the log"
    );
    assert!(html.contains("Shelling near Sinjar"));
    assert!(html.contains("36.32090, 41.87540"));
    assert!(html.contains("Not yet assessed."));
    assert_eq!(
        map_features(&html)["features"][0]["id"],
        app.placed.as_str()
    );

    let (status, body, location) = app
        .assess(
            &app.placed,
            &app.assessor,
            "status=credible&killed=3&injured=&area=Sinjar+district&date=2026-03-01\
             &public_summary=Market+shelled&note=Two+witnesses+agree&duplicate_of=",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(
        location.as_deref(),
        Some(format!("{path}#assessments").as_str())
    );
    let (_, html) = app.page(&path, &app.assessor).await;
    for shown in [
        "Credible",
        "Sinjar district",
        "Market shelled",
        "Two witnesses agree",
    ] {
        assert!(html.contains(shown), "{shown} shown: {html}");
    }
    assert!(!html.contains("Not yet assessed."));

    // It has left the pending reports, and is among the credible ones.
    let (_, pending) = app.page("/harm?status=pending", &app.assessor).await;
    assert!(!pending.contains(&app.placed) && pending.contains(&app.unplaced));
    let (_, credible) = app.page("/harm?status=credible", &app.assessor).await;
    assert!(credible.contains(&app.placed) && !credible.contains(&app.unplaced));

    // A duplicate names the other report and links to it.
    let (status, body, _) = app
        .assess(
            &app.unplaced,
            &app.assessor,
            &format!("status=duplicate&duplicate_of={}", app.placed),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, html) = app
        .page(&format!("/harm/{}", app.unplaced), &app.assessor)
        .await;
    assert!(
        html.contains(&format!("href=\"/harm/{}\"", app.placed)),
        "{html}"
    );
}

#[tokio::test]
async fn bad_assessments_and_filters_are_refused_with_what_was_wrong() {
    let app = App::new();
    let (status, html, _) = app
        .assess(&app.placed, &app.assessor, "status=credible&killed=three")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("People killed: `three`"), "{html}");
    let (status, html, _) = app
        .assess(&app.placed, &app.assessor, "status=proven")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("`proven` is not an outcome"), "{html}");
    let (status, html, _) = app
        .assess(&app.placed, &app.assessor, "status=duplicate")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    let (status, html) = app.page("/harm?status=proven", &app.assessor).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("`proven` is not a status"), "{html}");
    let (status, _) = app.page("/harm/H-NOT-A-REPORT", &app.assessor).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Nothing was recorded by the refused forms.
    let (_, html) = app
        .page(&format!("/harm/{}", app.placed), &app.assessor)
        .await;
    assert!(html.contains("Not yet assessed."));
}

#[tokio::test]
async fn everyone_else_is_refused_alike_and_learns_nothing() {
    let app = App::new();
    for token in [&app.analyst, &app.support] {
        let mut answers = Vec::new();
        for path in [
            "/harm".to_owned(),
            "/harm?status=credible".to_owned(),
            format!("/harm/{}", app.placed),
            "/harm/H-NOT-A-REPORT".to_owned(),
        ] {
            let (status, html) = app.page(&path, token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(
                !html.contains("Sinjar") && !html.contains(CONTACT),
                "{path}"
            );
            answers.push(
                html.replace(&app.placed, "REF")
                    .replace("H-NOT-A-REPORT", "REF"),
            );
        }
        assert_eq!(
            answers[2], answers[3],
            "an existing reference is refused as a missing one"
        );
        assert!(
            !answers[0].contains("href=\"/harm\""),
            "no navigation entry"
        );
        let (status, _, _) = app.assess(&app.placed, token, "status=credible").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Nothing was recorded: no assessment, no read.
    assert!(app.reads().await.is_empty());
    let (_, html) = app
        .page(&format!("/harm/{}", app.placed), &app.assessor)
        .await;
    assert!(html.contains("Not yet assessed."));
    // Nobody signed in is sent to sign in.
    let request = Request::get("/harm")
        .body(Body::empty())
        .expect("a request");
    let (status, _, location) = app.send(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.is_some_and(|l| l.starts_with("/login")));
}
