//! Every text of the interface comes from the message catalogues: the main pages rendered in
//! Arabic (and Sorani) through every layer with `tower::ServiceExt::oneshot`, over a vault with
//! items, a request, a case with a charge, an incident and links, and a victim's contact log,
//! show none of the English catalogue's texts (the data shown is left aside: the test's data
//! uses no such text). The pages are laid out right to left, and values that may run the other
//! way (sizes, hashes, times) are isolated.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use custodia_server::{router, AppState};
use custodia_vault::custodia_access::{OrganisationKind, Regime, Role};
use custodia_vault::custodia_cases::notices::{Channel, Language};
use custodia_vault::harm::{Assessment, HarmReportInput};
use custodia_vault::requests::RequestFiling;
use custodia_vault::victims::ContactDetails;
use custodia_vault::{IngestOptions, IngestProgress, Vault};
use serde_json::json;
use tower::ServiceExt;

const HOLDER: &str = "UN Mechanism";
const ENGLISH: &str = include_str!("../locales/en/main.ftl");
const ARABIC: &str = include_str!("../locales/ar/main.ftl");

struct Quiet;
impl IngestProgress for Quiet {}

struct App {
    router: Router,
    /// The holder's administrator and custodian.
    admin: String,
    /// The holder's victim support officer.
    support: String,
    item: String,
    request: String,
    /// A civilian-harm report, assessed.
    harm: String,
    _dir: tempfile::TempDir,
}

impl App {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut vault =
            Vault::init_for(&dir.path().join("vault"), "admin", HOLDER).expect("a new vault");
        vault
            .add_case("admin", "KOCHO", Some("Kocho 2014"))
            .expect("the case");
        let input = dir.path().join("in");
        std::fs::create_dir(&input).expect("a folder");
        std::fs::write(
            input.join("w1.txt"),
            "W-1: the men were taken behind the school",
        )
        .expect("a file");
        let report = vault
            .ingest(
                &[input],
                IngestOptions {
                    originator: "Gov A".into(),
                    case_ref: Some("KOCHO".into()),
                    actor: "admin".into(),
                    regime: Some(Regime::Consent),
                    ..IngestOptions::default()
                },
                &Quiet,
            )
            .expect("ingested");
        let item = report.items[0].sha256.clone();
        vault
            .add_organisation(
                "admin",
                "NL OM",
                OrganisationKind::RequestingAuthority,
                true,
            )
            .expect("an authority");
        vault
            .add_user("admin", "om", "NL OM", &[Role::Requester])
            .expect("a requester");
        let request = vault
            .file_request(
                "om",
                &RequestFiling {
                    authority: "NL OM".into(),
                    legal_basis: "MLA 2021".into(),
                    case_ref: Some("KOCHO".into()),
                    suspects: vec!["Abu X".into()],
                    crimes: vec!["7(1)(a)".into()],
                    period: Some("2014".into()),
                    places: vec!["Kocho".into()],
                    text: Some("W-1".into()),
                    deadline: Some("2030-01-31".into()),
                },
            )
            .expect("a request")
            .id;
        vault
            .scope_request("admin", &request, &[item.parse().expect("a hash")])
            .expect("scoped");
        vault
            .add_user("admin", "vso", HOLDER, &[Role::VictimSupportOfficer])
            .expect("a victim support officer");
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
        let harm = vault
            .submit_harm_report(
                "admin",
                &HarmReportInput {
                    date: "2026-03-02".into(),
                    place: "Sinjar".into(),
                    lat: Some(36.3209),
                    lon: Some(41.8754),
                    description: "Xq7 zv9 kw2".into(),
                    killed: 2,
                    injured: 5,
                    contact: Some("+964 750 000 0000".into()),
                },
                Vec::new(),
            )
            .expect("a harm report")
            .reference;
        vault
            .harm_assess(
                "admin",
                &harm,
                Assessment {
                    status: "credible".into(),
                    killed: Some(3),
                    area: Some("Sinjar district".into()),
                    public_summary: Some("Xq7 zv9".into()),
                    ..Assessment::default()
                },
            )
            .expect("an assessment");
        let admin = vault
            .issue_api_token("admin", "admin", "language tests", None)
            .expect("a token")
            .token;
        let support = vault
            .issue_api_token("vso", "vso", "language tests", None)
            .expect("a token")
            .token;
        Self {
            router: router(AppState::new(vault)),
            admin,
            support,
            item,
            request,
            harm,
            _dir: dir,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body");
        (status, String::from_utf8(bytes.to_vec()).expect("UTF-8"))
    }

    /// A page in `lang`, as the person with `token` sees it (no one: signed out).
    async fn page(&self, path: &str, token: Option<&str>, lang: &str) -> String {
        let mut cookie = format!("custodia_lang={lang}");
        if let Some(token) = token {
            cookie.push_str(&format!("; custodia_session={token}"));
        }
        let request = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("a request");
        let (status, body) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        body
    }

    async fn post_json(&self, path: &str, body: serde_json::Value) {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.admin))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("a request");
        let (status, text) = self.send(request).await;
        assert!(status.is_success(), "{path}: {status} {text}");
    }
}

/// The English catalogue's single-line texts that are words of the interface: longer than four
/// letters, and not the same in Arabic (names such as `GeoJSON`).
fn english_texts() -> Vec<(String, String)> {
    let arabic: Vec<(String, String)> = texts(ARABIC);
    texts(ENGLISH)
        .into_iter()
        .filter(|(_, text)| text.chars().filter(|c| c.is_alphabetic()).count() > 4)
        .filter(|(key, text)| !arabic.iter().any(|(k, t)| k == key && t == text))
        // The language menus name each language in itself.
        .filter(|(_, text)| text != "English")
        .collect()
}

fn texts(catalogue: &str) -> Vec<(String, String)> {
    catalogue
        .lines()
        .filter(|line| !line.starts_with([' ', '#']))
        .filter_map(|line| line.split_once(" = "))
        .filter(|(_, text)| !text.contains('{'))
        .map(|(key, text)| (key.to_owned(), text.to_owned()))
        .collect()
}

/// What a person reads of a page: its text and the attributes read aloud or shown (`alt`,
/// `aria-label`, `title`, `placeholder`), without the language menu (each language's own name),
/// scripts and styles, and without the data: values are isolated in `<bdi>`, and what is
/// isolated is the data the page shows (names, titles, the elements of crimes in the ICC's
/// words).
fn readable(html: &str) -> Vec<String> {
    let mut html = html.to_owned();
    if let (Some(start), Some(end)) = (html.find("<select id=\"lang\""), html.find("</select>")) {
        html.replace_range(start..end, "");
    }
    while let Some(start) = html.find("<bdi") {
        let end = html[start..]
            .find("</bdi>")
            .map_or(html.len(), |e| start + e + "</bdi>".len());
        html.replace_range(start..end, " ");
    }
    let mut out = Vec::new();
    let mut rest = html.as_str();
    while let Some(open) = rest.find('<') {
        out.push(rest[..open].to_owned());
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        for attribute in ["alt=\"", "aria-label=\"", "title=\"", "placeholder=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                out.push(value[..value.find('"').unwrap_or(value.len())].to_owned());
            }
        }
        // The messages the page's script shows (`data-say-…`: the upload's progress).
        for (at, _) in tag.match_indices(" data-say-") {
            let value = &tag[at..];
            if let Some(start) = value.find("=\"") {
                let value = &value[start + 2..];
                out.push(value[..value.find('"').unwrap_or(value.len())].to_owned());
            }
        }
        rest = &rest[open + close + 1..];
        for skipped in ["script", "style"] {
            if tag.starts_with(&format!("<{skipped}")) {
                let end = format!("</{skipped}>");
                rest = rest.find(&end).map_or("", |at| &rest[at + end.len()..]);
            }
        }
    }
    out.push(rest.to_owned());
    out.into_iter()
        .map(|t| {
            t.replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

fn english_in(html: &str, english: &[(String, String)]) -> Vec<String> {
    let readable = readable(html);
    english
        .iter()
        .filter(|(_, text)| readable.iter().any(|r| r.contains(text.as_str())))
        .map(|(key, text)| format!("{key} = {text}"))
        .collect()
}

#[tokio::test]
async fn the_main_pages_in_arabic_show_no_english_interface_text() {
    let app = App::new();
    app.post_json(
        "/api/v1/cases/KOCHO/charges",
        json!({"crime": "7(1)(a)", "suspect": "Abu X"}),
    )
    .await;
    app.post_json(
        "/api/v1/cases/KOCHO/incidents",
        json!({"title": "Kocho school", "from": "2014-08-15", "place": "Kocho",
               "lat": 36.2175, "lon": 41.7436, "precision_m": 250}),
    )
    .await;
    app.post_json(
        "/api/v1/cases/KOCHO/links",
        json!({"element": "7(1)(a)/1", "item": app.item, "assessment": "supports",
               "strength": "strong", "incident": "I1"}),
    )
    .await;
    let english = english_texts();
    assert!(english.len() > 200, "the English catalogue was read");
    let admin = Some(app.admin.as_str());
    let item = format!("/items/{}", app.item);
    let request = format!("/requests/{}", app.request);
    let harm = format!("/harm/{}", app.harm);
    let pages: Vec<(&str, Option<&str>)> = vec![
        ("/", admin),
        ("/items", admin),
        (&item, admin),
        ("/search?q=school", admin),
        ("/requests", admin),
        (&request, admin),
        ("/requests/new", admin),
        ("/upload", admin),
        ("/cases", admin),
        ("/cases/KOCHO", admin),
        ("/reports", admin),
        ("/harm", admin),
        (&harm, admin),
        ("/admin", admin),
        ("/witnesses", admin),
        ("/language", admin),
        ("/victims", Some(app.support.as_str())),
        ("/victims/person/V-1", Some(app.support.as_str())),
        ("/login", None),
    ];
    for lang in ["ar", "ckb"] {
        for (path, token) in &pages {
            let html = app.page(path, *token, lang).await;
            assert!(
                html.contains(&format!("<html lang=\"{lang}\" dir=\"rtl\"")),
                "{path} in {lang} is laid out right to left"
            );
            let found = english_in(&html, &english);
            assert!(
                found.is_empty(),
                "{path} in {lang} shows English: {found:?}"
            );
        }
    }
    // The checker finds English where there is some.
    let html = app.page("/", admin, "en").await;
    assert!(!english_in(&html, &english).is_empty());
}

/// The page's script writes no interface text of its own: what it shows (the upload's
/// progress) comes from the page, in the page's language.
#[tokio::test]
async fn the_script_shows_the_pages_texts_only() {
    const SCRIPT: &str = include_str!("../assets/app.js");
    let english = english_texts();
    let in_script: Vec<&String> = english
        .iter()
        .map(|(_, text)| text)
        .filter(|text| text.contains(' ') && SCRIPT.contains(text.as_str()))
        .collect();
    assert!(in_script.is_empty(), "app.js writes English: {in_script:?}");
    let app = App::new();
    let html = app.page("/upload", Some(app.admin.as_str()), "ar").await;
    let says = html.matches(" data-say-").count();
    assert!(says >= 7, "the upload's messages are on the page ({says})");
    // The value's place is marked for the script (isolated, as Fluent isolates placeables).
    let sending = html
        .split("data-say-sending=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default();
    assert!(
        sending.starts_with("جارٍ الإرسال…") && sending.contains("{percent}"),
        "{sending}"
    );
}

/// Values that may run the other way are isolated, so that a right-to-left page does not
/// reorder them: a size with its unit, a short hash, a time.
#[tokio::test]
async fn sizes_hashes_and_times_are_isolated() {
    let app = App::new();
    let html = app.page("/items", Some(&app.admin), "ar").await;
    // Each marked with its text, which the browser test compares with what is rendered.
    let ltr = |text: &str| format!("<bdi dir=\"ltr\" data-value=\"{text}\">{text}</bdi>");
    // A size in Arabic keeps Latin digits (CLDR's default for Arabic), left to right, the
    // number of bytes beside.
    assert!(
        html.contains("<bdi dir=\"ltr\" data-value=\"41 B\" data-raw=\"41\">41 B</bdi>"),
        "{html}"
    );
    assert!(html.contains(&ltr(&app.item[..12])));
    let html = app
        .page(&format!("/items/{}", app.item), Some(&app.admin), "ar")
        .await;
    assert!(html.contains(&ltr(&app.item)));
    assert!(html.contains("<bdi>(41 بايتًا)</bdi>"), "{html}");
    // Times as Arabic writes them, in Arabic script and so right to left, with the zone's
    // offset; the full value on hover and in `data-raw`.
    assert!(html.contains("<time datetime=\""), "{html}");
    assert!(html.contains("غرينتش\u{200e}+0</bdi></time>"), "{html}");
    assert!(html.contains("<bdi dir=\"rtl\" data-value=\""), "{html}");
    // Sorani writes them in Arabic-Indic digits.
    let html = app.page("/items", Some(&app.admin), "ckb").await;
    assert!(
        html.contains("<bdi dir=\"rtl\" data-value=\"٤١ B\" data-raw=\"41\">٤١ B</bdi>"),
        "{html}"
    );
}

/// The CSRF token a signed-in page carries for its forms.
fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf-token\" content=\"";
    let at = html.find(marker).expect("the CSRF token") + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// A form posted to `path` with the session cookie `session`.
fn form_post(path: &str, session: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// The language chosen on `/language` is kept with the account: another browser (no cookie,
/// another `Accept-Language`) gets it too, and the choice is in the custody log.
#[tokio::test]
async fn the_chosen_language_is_kept_with_the_account() {
    let app = App::new();
    let session = format!("custodia_session={}", app.admin);
    let page = Request::get("/language")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    let (status, html) = app.send(page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("action=\"/language\""), "{html}");
    let csrf = &csrf_token(&html);

    let save = |body: String| form_post("/language", &session, body);
    let (status, _) = app.send(save("csrf=stale&lang=ar".into())).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a stale form changes nothing"
    );
    let (status, _) = app
        .send(save(format!("csrf={csrf}&lang=xx&next=/items")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an unknown language");
    let response = app
        .router
        .clone()
        .oneshot(save(format!("csrf={csrf}&lang=ckb&next=/items")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/items");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("custodia_lang=ckb;"), "{cookie}");

    // Another browser: no cookie, English preferred; the account's choice wins.
    let dashboard = Request::get("/")
        .header(header::COOKIE, &session)
        .header(header::ACCEPT_LANGUAGE, "en-GB")
        .body(Body::empty())
        .unwrap();
    let (status, html) = app.send(dashboard).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"ckb\" dir=\"rtl\""), "{html}");
    assert!(
        html.contains("user_language"),
        "the choice is in the custody log"
    );
    // This browser's own choice still comes first.
    let html = app.page("/", Some(&app.admin), "fr").await;
    assert!(html.contains("<html lang=\"fr\""));
}

/// The time zone chosen on `/language`, checked against the tz database, is kept with the
/// account (a custody entry) and in this browser's cookie; times are then shown in it with its
/// offset, the stored UTC value unchanged, in another browser too.
#[tokio::test]
async fn the_chosen_time_zone_shows_times_in_it() {
    let app = App::new();
    let session = format!("custodia_session={}", app.admin);
    let page = Request::get("/language")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    let (status, html) = app.send(page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("action=\"/timezone\""), "{html}");
    assert!(html.contains("<option value=\"Asia/Baghdad\">"), "{html}");
    let csrf = &csrf_token(&html);
    let save = |body: String| form_post("/timezone", &session, body);
    let (status, _) = app.send(save("csrf=stale&zone=UTC".into())).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a stale form changes nothing"
    );
    for bad in ["Nowhere%2FAtlantis", "..%2F..%2Fetc%2Fpasswd", ""] {
        let (status, _) = app.send(save(format!("csrf={csrf}&zone={bad}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let response = app
        .router
        .clone()
        .oneshot(save(format!("csrf={csrf}&zone=Asia%2FBaghdad&next=/items")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/items");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("custodia_tz=Asia/Baghdad;"), "{cookie}");

    let items = |zone: Option<&'static str>| {
        let cookies = match zone {
            Some(zone) => format!("{session}; custodia_lang=en; custodia_tz={zone}"),
            None => format!("{session}; custodia_lang=en"),
        };
        Request::get("/items")
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .unwrap()
    };
    let (_, html) = app.send(items(Some("Asia/Baghdad"))).await;
    assert!(html.contains(" GMT+3</bdi></time>"), "{html}");
    // The stored value, as the API gives it, stays UTC.
    assert!(html.contains("Z\" title=\""), "{html}");
    // Another browser, without the cookie: the zone kept with the account.
    let (_, html) = app.send(items(None)).await;
    assert!(html.contains(" GMT+3</bdi></time>"), "{html}");
    // An unknown zone in the cookie: the account's, never an error.
    let (status, html) = app.send(items(Some("Mars%2FOlympus"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(" GMT+3</bdi></time>"), "{html}");
    // This browser's own choice comes first.
    let (_, html) = app.send(items(Some("UTC"))).await;
    assert!(html.contains(" GMT+0</bdi></time>"), "{html}");
    let (_, html) = app.send(items(Some("Europe/Paris"))).await;
    assert!(!html.contains(" GMT+3</bdi></time>"), "{html}");
    let log = app.page("/", Some(&app.admin), "en").await;
    assert!(
        log.contains("user_time_zone"),
        "the choice is in the custody log: {log}"
    );
}
