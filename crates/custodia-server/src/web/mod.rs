//! The investigators' web application: server-rendered pages (maud), no script needed to read,
//! one small script for uploads and conveniences, every asset served by the server itself (the
//! product works offline; the Content-Security-Policy allows nothing from elsewhere).
//!
//! Pages use the API's session cookie. Every form that changes something carries the CSRF token
//! of the non-HttpOnly cookie in a hidden field, checked against the cookie (double submit);
//! every page asks the vault, which asks the one policy function, so a page never lists, counts
//! or previews what its reader may not see.

mod format;
mod i18n;
pub(crate) mod map;
pub(crate) mod pages;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

pub use i18n::Lang;

use fluent_bundle::FluentValue;
pub use pages::cases::case_report;

use crate::signin::{csrf_cookie, csrf_matches, session_cookie};
use crate::{cookie, AppState};

/// The language preference cookie.
const LANG_COOKIE: &str = "custodia_lang";

/// The time zone preference cookie (an IANA name; without it, the account's choice, else UTC).
const ZONE_COOKIE: &str = "custodia_tz";

const STYLE: &str = include_str!("../../assets/app.css");
const SCRIPT: &str = include_str!("../../assets/app.js");

/// The web application's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::dashboard::dashboard))
        .route(
            "/login",
            get(pages::signin::login_form).post(pages::signin::login_submit),
        )
        .route("/logout", post(pages::signin::logout_submit))
        .route("/language", get(set_language).post(save_language))
        .route("/timezone", post(save_zone))
        .route("/items", get(pages::items::items))
        .route("/items/{sha256}", get(pages::items::item))
        .route("/items/{sha256}/preview", get(pages::items::preview))
        .route("/items/{sha256}/redact", post(pages::items::redact_submit))
        .route("/upload", get(pages::uploads::upload_form))
        .route(
            "/capture",
            get(pages::capture::capture_form).post(pages::capture::capture_submit),
        )
        .route("/captures/{sha256}", get(pages::capture::capture_view))
        .route("/search", get(pages::search::search))
        .route("/requests", get(pages::requests::requests))
        .route(
            "/requests/new",
            get(pages::requests::request_form).post(pages::requests::request_submit),
        )
        .route("/requests/{id}", get(pages::requests::request))
        .route("/requests/{id}/scope", post(pages::requests::request_scope))
        .route(
            "/requests/{id}/decide",
            post(pages::requests::request_decide),
        )
        .route(
            "/requests/{id}/finalise",
            post(pages::requests::request_finalise),
        )
        .route(
            "/requests/{id}/packages/{package}",
            get(pages::requests::package_download),
        )
        .route("/witnesses", get(pages::witnesses::witnesses))
        .route("/victims", get(pages::victims::victims))
        .route("/victims/draft", post(pages::victims::draft_submit))
        .route("/victims/record", post(pages::victims::record_submit))
        .route("/victims/person/{pseudonym}", get(pages::victims::person))
        .route("/harm", get(pages::harm::harm_reports))
        .route("/harm/{reference}", get(pages::harm::harm_report))
        .route("/harm/{reference}/assess", post(pages::harm::assess_submit))
        .route("/reports", get(pages::reports::reports))
        .route(
            "/reports/authorities.csv",
            get(pages::reports::authorities_csv),
        )
        .route("/reports/consent.csv", get(pages::reports::consent_csv))
        .route("/reports/holdings.csv", get(pages::reports::holdings_csv))
        .route("/reports/types.csv", get(pages::reports::types_csv))
        .route("/reports/stages.csv", get(pages::reports::stages_csv))
        .route("/reports/months.csv", get(pages::reports::months_csv))
        .route("/cases", get(pages::cases::cases))
        .route("/cases/{case}", get(pages::cases::case))
        .route("/cases/{case}/charges", post(pages::cases::charge_submit))
        .route(
            "/cases/{case}/incidents",
            post(pages::cases::incident_submit),
        )
        .route("/cases/{case}/links", post(pages::cases::link_submit))
        .route("/cases/{case}/unlink", post(pages::cases::unlink_submit))
        .route("/admin", get(pages::admin::admin))
        .route("/admin/checkpoint", post(pages::admin::admin_checkpoint))
        .route(
            "/admin/organisations",
            post(pages::admin::admin_organisation),
        )
        .route("/admin/users", post(pages::admin::admin_user))
        .route(
            "/assets/app.css",
            get(|| asset("text/css; charset=utf-8", STYLE)),
        )
        .route(
            "/assets/app.js",
            get(|| asset("text/javascript; charset=utf-8", SCRIPT)),
        )
        .route(
            "/assets/world.svg",
            get(|| asset("image/svg+xml", map::world_svg())),
        )
        // The interactive maps: MapLibre GL JS and the PMTiles reader (`assets/maplibre/`),
        // the pages' map script, and the tiles, all from this server.
        .route(
            "/assets/maplibre/maplibre-gl.js",
            get(|| asset_bytes(JAVASCRIPT, map::MAPLIBRE_JS)),
        )
        .route(
            "/assets/maplibre/maplibre-gl-worker.js",
            get(|| asset_bytes(JAVASCRIPT, map::MAPLIBRE_WORKER_JS)),
        )
        .route(
            "/assets/maplibre/maplibre-gl.css",
            get(|| asset_bytes("text/css; charset=utf-8", map::MAPLIBRE_CSS)),
        )
        .route(
            "/assets/maplibre/pmtiles.js",
            get(|| asset_bytes(JAVASCRIPT, map::PMTILES_JS)),
        )
        .route(
            "/assets/maplibre/LICENSE-maplibre.txt",
            get(|| asset_bytes("text/plain; charset=utf-8", map::MAPLIBRE_LICENSE)),
        )
        .route(
            "/assets/maplibre/LICENSE-pmtiles.txt",
            get(|| asset_bytes("text/plain; charset=utf-8", map::PMTILES_LICENSE)),
        )
        .route(
            "/assets/maplibre/mapbox-gl-rtl-text.js",
            get(|| asset_bytes(JAVASCRIPT, map::RTL_TEXT_JS)),
        )
        .route(
            "/assets/maplibre/LICENSE-mapbox-gl-rtl-text.md",
            get(|| asset_bytes("text/plain; charset=utf-8", map::RTL_TEXT_LICENSE)),
        )
        .route(
            "/assets/map.js",
            get(|| asset_bytes(JAVASCRIPT, map::MAP_JS)),
        )
        .route(
            "/assets/map.css",
            get(|| asset_bytes("text/css; charset=utf-8", map::MAP_CSS)),
        )
        .route("/tiles/world.pmtiles", get(map::world_tiles))
        .route("/tiles/detail.pmtiles", get(map::detail_tiles))
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

async fn asset_bytes(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    asset_bytes(content_type, body.as_bytes()).await
}

/// Who is looking at a page, in which language.
pub(crate) struct Viewer {
    pub user: String,
    pub who: custodia_vault::custodia_access::Principal,
    pub lang: Lang,
    /// The time zone times are shown in: this browser's choice, else the account's, else UTC.
    pub zone: jiff::tz::TimeZone,
    pub zone_name: String,
    pub csrf: String,
}

impl Viewer {
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }
    /// A message with a count, in the plural form the language wants.
    pub fn n(&self, key: &'static str, count: u64) -> String {
        self.lang.n(key, count)
    }
    /// A message with arguments.
    pub fn args(&self, key: &'static str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        self.lang.args(key, args)
    }
    pub fn is(&self, role: custodia_vault::custodia_access::Role) -> bool {
        self.who.is(role)
    }
    pub fn of_holder(&self) -> bool {
        self.who.of_holder()
    }
}

/// The page language of someone not signed in: the cookie, else the browser's preference,
/// else English.
pub(crate) fn language(headers: &HeaderMap) -> Lang {
    account_language(headers, None)
}

/// The page language: this browser's cookie, else the language the person chose for their
/// account (so it follows them to another browser), else the browser's preference, else English.
fn account_language(headers: &HeaderMap, chosen: Option<&str>) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .or_else(|| chosen.and_then(Lang::from_code))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::En)
}

impl axum::extract::FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    /// A page's viewer: the signed-in person, or a redirect to the sign-in page.
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        viewer(state, &parts.headers).await
    }
}

/// The signed-in viewer, or a redirect to the sign-in page.
pub(crate) async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
    let to_login = || Redirect::to("/login").into_response();
    let token = cookie(headers, session_cookie(headers))
        .map(str::to_owned)
        .ok_or_else(to_login)?;
    // The forms' token is computed from the session, not read back from the cookie: it is
    // right even when the cookie is stale (a restarted server) or was planted.
    let csrf = state.csrf_key.token(&token);
    let found = state
        .with_vault(move |vault| {
            let user = vault
                .authenticate(&token)
                .map_err(|_| crate::ApiError::unauthorised())?;
            let who = vault.principal(&user)?;
            let chosen = vault.preferences_of(&user)?;
            Ok((user, who, chosen))
        })
        .await;
    match found {
        Ok((user, who, chosen)) => {
            // This browser's cookie, then the zone kept with the account, then UTC.
            let (zone_name, zone) = cookie(headers, ZONE_COOKIE)
                .into_iter()
                .chain(chosen.time_zone.as_deref())
                .find_map(|name| Some((name.to_owned(), format::zone_named(name)?)))
                .unwrap_or_else(|| ("UTC".to_owned(), jiff::tz::TimeZone::UTC));
            Ok(Viewer {
                user,
                who,
                lang: account_language(headers, chosen.language.as_deref()),
                zone,
                zone_name,
                csrf,
            })
        }
        Err(_) => Err(to_login()),
    }
}

/// Checks a signed-in form's CSRF field: it must be the token of the session presented (an HMAC
/// of it under the server's key, compared in constant time). The refusal to send, if not.
pub(crate) fn csrf_refusal(state: &AppState, headers: &HeaderMap, sent: &str) -> Option<Response> {
    if csrf_matches(state, headers, sent) {
        None
    } else {
        Some(stale_form())
    }
}

/// Checks the sign-in form's CSRF field against its cookie (there is no session yet to bind
/// to: double submit, with the `__Host-` cookie over HTTPS).
pub(crate) fn login_csrf_refusal(headers: &HeaderMap, sent: &str) -> Option<Response> {
    match cookie(headers, csrf_cookie(headers)) {
        Some(expected)
            if !sent.is_empty()
                && custodia_vault::custodia_auth::token_matches(
                    &custodia_vault::custodia_auth::token_hash(expected),
                    sent,
                ) =>
        {
            None
        }
        _ => Some(stale_form()),
    }
}

fn stale_form() -> Response {
    (
        StatusCode::FORBIDDEN,
        "the form's security token is missing or stale: reload the page and try again",
    )
        .into_response()
}

#[derive(Deserialize)]
struct LanguageQuery {
    lang: Option<String>,
    next: Option<String>,
}

/// `/language`: with `lang`, sets the interface language (a cookie this browser keeps for a
/// year) and goes back to the page (a local path only); without, the page to choose it.
async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LanguageQuery>,
) -> Response {
    let Some(code) = q.lang else {
        return match viewer(&state, &headers).await {
            Ok(v) => language_page(&v, q.next.as_deref().and_then(local_path)),
            Err(to_login) => to_login,
        };
    };
    let lang = Lang::from_code(&code).unwrap_or(Lang::En);
    back_in(lang, q.next.as_deref())
}

/// A redirect to `next` (a local path only, else the dashboard) that sets the language cookie.
fn back_in(lang: Lang, next: Option<&str>) -> Response {
    let next = next.and_then(local_path).unwrap_or("/").to_owned();
    let mut response = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Secure; SameSite=Lax; Max-Age=31536000",
        lang.code()
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct LanguageForm {
    csrf: String,
    lang: String,
    next: Option<String>,
}
pages::csrf_field!(LanguageForm);

/// `POST /language`: records the language chosen with the person's account (a custody log
/// entry, `user_language`), sets this browser's cookie and goes back to the page.
async fn save_language(
    State(state): State<AppState>,
    v: Viewer,
    pages::CsrfForm(form): pages::CsrfForm<LanguageForm>,
) -> Response {
    let Some(lang) = Lang::from_code(&form.lang) else {
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-language"));
    };
    let user = v.user.clone();
    match state
        .with_vault(move |vault| Ok(vault.set_language(&user, Some(lang.code()))?))
        .await
    {
        Ok(_) => back_in(lang, form.next.as_deref()),
        Err(e) => pages::refused(&v, e),
    }
}

#[derive(Deserialize)]
struct ZoneForm {
    csrf: String,
    zone: String,
    next: Option<String>,
}
pages::csrf_field!(ZoneForm);

/// `POST /timezone`: records the time zone chosen with the person's account (a custody log
/// entry, `user_time_zone`), so that it follows them to another browser, sets this browser's
/// cookie (kept for a year), then goes back to the page. The stored times stay UTC; only their
/// display changes.
async fn save_zone(
    State(state): State<AppState>,
    v: Viewer,
    pages::CsrfForm(form): pages::CsrfForm<ZoneForm>,
) -> Response {
    if format::zone_named(&form.zone).is_none() {
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-zone"));
    }
    let (user, zone) = (v.user.clone(), form.zone.clone());
    if let Err(e) = state
        .with_vault(move |vault| Ok(vault.set_time_zone(&user, Some(&zone))?))
        .await
    {
        return pages::refused(&v, e);
    }
    let next = form.next.as_deref().and_then(local_path).unwrap_or("/");
    let mut response = Redirect::to(next).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{ZONE_COOKIE}={}; Path=/; Secure; SameSite=Lax; Max-Age=31536000",
        form.zone
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The page to choose the interface language, each named in itself, and the time zone.
fn language_page(v: &Viewer, next: Option<&str>) -> Response {
    let body = html! {
        form method="post" action="/language" class="card" {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="next" value=(next.unwrap_or("/"));
            fieldset {
                legend { (v.t("language-title")) }
                @for l in Lang::ALL {
                    label lang=(l.code()) dir=(l.dir()) {
                        input type="radio" name="lang" value=(l.code()) checked[l == v.lang];
                        " " (l.name())
                    }
                }
            }
            p class="note" { (v.t("language-note")) }
            button type="submit" { (v.t("language-choose")) }
        }
        form method="post" action="/timezone" class="card" {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="next" value=(next.unwrap_or("/"));
            h2 { label for="zone" { (v.t("zone-title")) } }
            select id="zone" name="zone" dir="ltr" {
                @for name in format::zone_names() {
                    option value=(name) selected[name == v.zone_name] { (name) }
                }
            }
            p class="note" { (v.t("zone-note")) }
            button type="submit" { (v.t("zone-choose")) }
        }
    };
    layout(v, v.t("language-title"), "", "/language", body)
}

/// `next` if it is a path on this site, else `None`. Browsers drop tabs and line breaks from
/// URLs and read `\\` as `/`, so `/\t/evil.example` and `/\\evil.example` lead off the site just
/// like `//evil.example`; anything but printable ASCII (percent-encoded text stays allowed)
/// is refused outright, and so is any path whose second character could start an authority.
pub(crate) fn local_path(next: &str) -> Option<&str> {
    let bytes = next.as_bytes();
    let printable = bytes.iter().all(|b| b.is_ascii_graphic()) && !next.contains('\\');
    let rooted = bytes.first() == Some(&b'/') && !matches!(bytes.get(1), Some(b'/' | b'\\'));
    (printable && rooted && next.len() <= 2048).then_some(next)
}

/// The navigation entries and who sees them.
fn navigation(v: &Viewer) -> Vec<(&'static str, &'static str, &'static str)> {
    use custodia_vault::custodia_access::Role;
    let mut nav = vec![
        ("dashboard", "/", "nav-dashboard"),
        ("items", "/items", "nav-items"),
    ];
    if v.of_holder() && v.is(Role::Custodian) {
        nav.push(("upload", "/upload", "nav-upload"));
        nav.push(("capture", "/capture", "nav-capture"));
    }
    nav.push(("search", "/search", "nav-search"));
    nav.push(("requests", "/requests", "nav-requests"));
    if v.of_holder() && (v.is(Role::Custodian) || !v.who.cases.is_empty()) {
        nav.push(("cases", "/cases", "nav-cases"));
    }
    if v.is(Role::VictimSupportOfficer) || (v.of_holder() && v.is(Role::Custodian)) {
        nav.push(("witnesses", "/witnesses", "nav-witnesses"));
    }
    if custodia_vault::custodia_access::decide_victim_register(&v.who).allowed {
        nav.push(("victims", "/victims", "nav-victims"));
    }
    if custodia_vault::custodia_access::decide_harm(&v.who).allowed {
        nav.push(("harm", "/harm", "nav-harm"));
    }
    if custodia_vault::custodia_access::decide_statistics(&v.who).is_ok() {
        nav.push(("reports", "/reports", "nav-reports"));
    }
    let accounts = custodia_vault::custodia_access::may_administer(
        &v.who,
        custodia_vault::custodia_access::AdminAction::ViewAccounts,
        custodia_vault::custodia_access::AdminTarget::Vault,
    );
    if accounts.allowed {
        nav.push(("admin", "/admin", "nav-admin"));
    }
    nav
}

/// A whole page: header, navigation, the body, with the viewer's language and direction.
pub(crate) fn layout(v: &Viewer, title: &str, active: &str, here: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang=(v.lang.code()) dir=(v.lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(v.csrf);
                title { (title) " · " (v.t("app")) }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a class="skip" href="#main" { (v.t("skip")) }
                header class="top" {
                    a class="brand" href="/" { (v.t("app")) }
                    nav aria-label=(v.t("nav-label")) {
                        ul {
                            @for (key, href, label) in navigation(v) {
                                li {
                                    a href=(href) aria-current=[(key == active).then_some("page")] { (v.t(label)) }
                                }
                            }
                        }
                    }
                    div class="who" {
                        span { (v.user) " · " (v.who.organisation) }
                        a href={ "/language?next=" (encode(here)) } { (v.t("nav-language")) }
                        form method="post" action="/language" class="inline" {
                            input type="hidden" name="csrf" value=(v.csrf);
                            input type="hidden" name="next" value=(here);
                            label for="lang" class="visually-hidden" { (v.t("language")) }
                            select id="lang" name="lang" data-autosubmit {
                                @for l in Lang::ALL {
                                    option value=(l.code()) selected[l == v.lang] { (l.name()) }
                                }
                            }
                            noscript { button type="submit" { (v.t("language-choose")) } }
                        }
                        form method="post" action="/logout" class="inline" {
                            input type="hidden" name="csrf" value=(v.csrf);
                            button type="submit" { (v.t("signout")) }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    html_response(StatusCode::OK, markup)
}

pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// What a page may say of an error: the message itself, except for a server error, whose
/// message (paths, SQL) is logged under an id and only the id is shown, to quote to the operator.
pub(crate) fn shown_message(status: StatusCode, message: &str) -> String {
    if status.is_server_error() {
        let id = crate::guard::error_id();
        tracing::error!(error_id = %id, status = status.as_u16(), error = %message, "server error");
        format!("the server could not complete the request; quote error id {id} to its operator")
    } else {
        message.to_owned()
    }
}

/// A page that says what went wrong, in the layout.
pub(crate) fn error_page(v: &Viewer, status: StatusCode, message: &str) -> Response {
    let message = shown_message(status, message);
    let mut response = layout(
        v,
        v.t(match status {
            StatusCode::BAD_REQUEST => "error-bad_request",
            StatusCode::FORBIDDEN => "error-forbidden",
            StatusCode::NOT_FOUND => "error-not_found",
            StatusCode::CONFLICT => "error-conflict",
            s if s.is_server_error() => "error-server",
            _ => "error",
        }),
        "",
        "/",
        html! { p class="error" role="alert" { (message) } p { a href="/" { (v.t("nav-dashboard")) } } },
    );
    *response.status_mut() = status;
    response
}

/// `text` with the `[start, end)` character ranges marked (maud escapes every piece).
pub(crate) fn highlighted(text: &str, highlights: &[(usize, usize)]) -> Markup {
    let chars: Vec<char> = text.chars().collect();
    let mut ranges: Vec<(usize, usize)> = highlights
        .iter()
        .map(|&(a, b)| (a.min(chars.len()), b.min(chars.len())))
        .filter(|(a, b)| a < b)
        .collect();
    ranges.sort_unstable();
    // Plain and marked pieces in order; overlapping ranges are skipped.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut at = 0usize;
    for (a, b) in ranges {
        if a < at {
            continue;
        }
        pieces.push((chars[at..a].iter().collect(), false));
        pieces.push((chars[a..b].iter().collect(), true));
        at = b;
    }
    pieces.push((chars[at..].iter().collect(), false));
    html! {
        @for (piece, marked) in &pieces {
            @if *marked { mark { (piece) } } @else { (piece) }
        }
    }
}

/// Whether a text is mostly in Arabic script.
pub(crate) fn mostly_arabic(text: &str) -> bool {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => arabic += 1,
            c if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) => latin += 1,
            _ => {}
        }
    }
    arabic > latin
}

/// A path segment for a link, percent-encoded.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_escaped_and_marked_by_characters() {
        let m = highlighted("سنجار <b> Sinjar", &[(0, 5), (10, 16)]);
        assert_eq!(
            m.into_string(),
            "<mark>سنجار</mark> &lt;b&gt; <mark>Sinjar</mark>"
        );
        // Out-of-range and overlapping highlights are ignored, never a panic.
        let m = highlighted("abc", &[(1, 99), (0, 2), (5, 9)]);
        assert_eq!(m.into_string(), "<mark>ab</mark>c");
    }

    #[test]
    fn scripts() {
        assert!(mostly_arabic("مقابلة مع شاهد من سنجار"));
        assert!(!mostly_arabic("Interview with a witness from Sinjar"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        for good in [
            "/",
            "/items?page=2",
            "/search?q=%D8%B3%D9%86",
            "/items/abc#x",
        ] {
            assert_eq!(local_path(good), Some(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "evil.example",
            "/\r\nSet-Cookie: x=1",
            "/ /evil",
            "/é",
            "",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn encoding() {
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
    }
}
