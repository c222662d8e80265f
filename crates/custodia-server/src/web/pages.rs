//! The pages. Each handler finds the viewer, asks the vault (in the blocking pool) for what the
//! viewer may see, and renders it; forms post back, are checked for CSRF, and redirect.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use custodia_vault::browse::{BrowseFilter, DerivedView, ItemCheck};
use custodia_vault::custodia_access::{may_administer, Action, AdminAction, AdminTarget, Role};
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::custodia_search::Sort;
use custodia_vault::redact::RedactionSpec;
use custodia_vault::requests::RequestFiling;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::{
    csrf_refusal, encode, error_page, highlighted, html_response, language, layout,
    login_csrf_refusal, map, mostly_arabic, Lang, Viewer,
};
use crate::{cookie, random_token, ApiError, AppState};

const PAGE_SIZE: usize = 50;

/// Turns a vault refusal into a page.
fn refused(v: &Viewer, e: ApiError) -> Response {
    error_page(v, e.status, &e.message)
}

fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

// --- sign-in ----------------------------------------------------------------------------

pub async fn login_form(headers: HeaderMap) -> Response {
    let lang = language(&headers);
    // A CSRF cookie before sign-in, so that the sign-in form itself cannot be forged.
    let name = crate::signin::csrf_cookie(&headers);
    let csrf = cookie(&headers, name)
        .map(str::to_owned)
        .unwrap_or_else(random_token);
    let mut response = login_page(lang, &csrf, false);
    if cookie(&headers, name).is_none() {
        if let Ok(v) = HeaderValue::from_str(&crate::signin::set_cookie(name, &csrf, false, 3600)) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn login_page(lang: Lang, csrf: &str, failed: bool) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (lang.t("signin.title")) }
                link rel="stylesheet" href="/assets/app.css";
            }
            body class="login" {
                main id="main" {
                    h1 { (lang.t("signin.title")) }
                    @if failed {
                        p class="error" role="alert" { (lang.t("signin.failed")) }
                    }
                    form method="post" action="/login" class="card" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="user" { (lang.t("user")) }
                        input id="user" name="user" autocomplete="username" required autofocus;
                        label for="password" { (lang.t("password")) }
                        input id="password" name="password" type="password" autocomplete="current-password" required;
                        label for="totp" { (lang.t("totp")) }
                        input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code";
                        button type="submit" { (lang.t("signin")) }
                    }
                }
            }
        }
    };
    html_response(
        if failed {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        },
        markup,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    user: String,
    password: String,
    totp: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Some(r) = login_csrf_refusal(&headers, &form.csrf) {
        return r;
    }
    let lang = language(&headers);
    let totp = form.totp.filter(|t| !t.trim().is_empty());
    let session = crate::signin::sign_in(&state, &headers, form.user, form.password, totp).await;
    match session {
        Ok(session) => {
            let mut response = Redirect::to("/").into_response();
            for c in crate::signin::session_cookies(&state, &headers, &session) {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(crate::signin::Refusal::Wait(seconds)) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
            format!("too many failed sign-ins from this address; try again in {seconds} s"),
        )
            .into_response(),
        Err(crate::signin::Refusal::Failed(e)) if e.status == StatusCode::FORBIDDEN => {
            login_page(lang, &form.csrf, true)
        }
        Err(crate::signin::Refusal::Failed(e)) => {
            (e.status, crate::web::shown_message(e.status, &e.message)).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn logout_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    if let Some(token) =
        cookie(&headers, crate::signin::session_cookie(&headers)).map(str::to_owned)
    {
        let _ = state
            .with_vault(move |vault| {
                let user = vault
                    .authenticate(&token)
                    .map_err(|_| ApiError::unauthorised())?;
                let id = custodia_vault::custodia_auth::token_id(&token)
                    .ok_or_else(ApiError::unauthorised)?
                    .to_owned();
                Ok(vault.revoke_token(&user, &id)?)
            })
            .await;
    }
    let mut response = Redirect::to("/login").into_response();
    for name in [
        crate::signin::session_cookie(&headers),
        crate::signin::csrf_cookie(&headers),
    ] {
        if let Ok(v) = HeaderValue::from_str(&crate::signin::set_cookie(name, "", false, 0)) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

// --- dashboard --------------------------------------------------------------------------

pub async fn dashboard(State(state): State<AppState>, v: Viewer) -> Response {
    let user = v.user.clone();
    let data = state
        .with_reader(move |vault| {
            let holdings = vault.holdings(&user)?;
            let requests = vault.request_list(&user, None)?;
            let activity = vault.recent_activity(&user, 15)?;
            Ok((holdings, requests, activity))
        })
        .await;
    let (holdings, requests, activity) = match data {
        Ok(d) => d,
        Err(e) => return refused(&v, e),
    };
    let open: Vec<_> = requests
        .iter()
        .filter(|r| r.state != "finalised" && r.state != "refused")
        .collect();
    let body = html! {
        section class="cards" {
            div class="card" {
                h2 { (v.t("dash.holdings")) }
                p class="big" { (holdings.items) " " (v.t("items.count")) }
                p { (bytes_text(holdings.bytes)) }
                @if holdings.truncated { p class="note" { "Counted over the first 100,000 items." } }
            }
            div class="card" {
                h2 { (v.t("dash.by_originator")) }
                (counts_table(&holdings.by_originator, |o| format!("/items?originator={}", encode(o))))
            }
            div class="card" {
                h2 { (v.t("dash.by_kind")) }
                (counts_table(&holdings.by_kind, |k| format!("/items?kind={}", encode(k))))
            }
        }
        section {
            h2 { (v.t("dash.open_requests")) }
            @if open.is_empty() { p { (v.t("dash.none")) } } @else {
                table {
                    thead { tr { th { "Id" } th { (v.t("req.authority")) } th { (v.t("req.state")) } th { (v.t("req.waiting")) } th { (v.t("req.deadline")) } } }
                    tbody {
                        @for r in &open {
                            tr {
                                td { a href={"/requests/" (encode(&r.id))} { (r.id) } }
                                td { (r.authority) }
                                td { span class={"state state-" (r.state)} { (r.state) } }
                                td {
                                    (r.waiting_for)
                                    @for w in &r.waits_on { " · " (w.organisation) " (" (w.items) ")" }
                                }
                                td { (r.deadline.as_deref().unwrap_or("—")) @if let Some(d) = r.days_left { " (" (d) " d)" } }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { (v.t("dash.activity")) }
            @if activity.is_empty() { p { (v.t("dash.none")) } } @else {
                table {
                    thead { tr { th { "Time" } th { "Who" } th { "Action" } th { "Item" } th { "Log #" } } }
                    tbody {
                        @for e in &activity {
                            tr {
                                td { (e.time) }
                                td { (e.actor) }
                                td { (e.action) }
                                td { @if let Some(i) = &e.item { a href={"/items/" (i)} class="mono" { (short(i)) } } @else { "—" } }
                                td { (e.ledger_index.map(|i| i.to_string()).unwrap_or_else(|| "pending".into())) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("nav.dashboard"), "dashboard", "/", body)
}

fn counts_table(counts: &BTreeMap<String, u64>, link: impl Fn(&str) -> String) -> Markup {
    let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    html! {
        table class="counts" {
            tbody {
                @for (name, n) in sorted {
                    tr { td { a href=(link(name)) { (name) } } td class="num" { (n) } }
                }
            }
        }
    }
}

// --- items ------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ItemsQuery {
    originator: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    page: Option<usize>,
}

pub async fn items(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<ItemsQuery>,
) -> Response {
    let filter = BrowseFilter {
        originator: q.originator.clone().filter(|s| !s.is_empty()),
        kind: q.kind.clone().filter(|s| !s.is_empty()),
        path_contains: q.q.clone().filter(|s| !s.is_empty()),
    };
    let page = q.page.unwrap_or(0);
    let user = v.user.clone();
    let data = state
        .with_reader(move |vault| {
            let holdings = vault.holdings(&user)?;
            let listed = vault.browse(&user, &filter, page * PAGE_SIZE, PAGE_SIZE)?;
            Ok((holdings, listed))
        })
        .await;
    let (holdings, (list, total)) = match data {
        Ok(d) => d,
        Err(e) => return refused(&v, e),
    };
    let current = |page: usize| {
        format!(
            "/items?originator={}&kind={}&q={}&page={page}",
            encode(q.originator.as_deref().unwrap_or("")),
            encode(q.kind.as_deref().unwrap_or("")),
            encode(q.q.as_deref().unwrap_or(""))
        )
    };
    let body = html! {
        form method="get" action="/items" class="filters" {
            div {
                label for="f-originator" { (v.t("items.originator")) }
                select id="f-originator" name="originator" {
                    option value="" { (v.t("items.any")) }
                    @for o in holdings.by_originator.keys() {
                        option value=(o) selected[q.originator.as_deref() == Some(o.as_str())] { (o) }
                    }
                }
            }
            div {
                label for="f-kind" { (v.t("items.kind")) }
                select id="f-kind" name="kind" {
                    option value="" { (v.t("items.any")) }
                    @for k in holdings.by_kind.keys() {
                        option value=(k) selected[q.kind.as_deref() == Some(k.as_str())] { (k) }
                    }
                }
            }
            div {
                label for="f-q" { (v.t("items.path")) }
                input id="f-q" name="q" value=(q.q.as_deref().unwrap_or(""));
            }
            button type="submit" { (v.t("items.filter")) }
        }
        p { (total) " " (v.t("items.count")) }
        @if list.is_empty() { p { (v.t("items.none")) } } @else {
            table {
                thead { tr { th { "Name" } th { (v.t("items.originator")) } th { (v.t("items.kind")) } th { "Size" } th { "Stored" } th { "SHA-256" } } }
                tbody {
                    @for i in &list {
                        tr {
                            td { a href={"/items/" (i.sha256)} dir="auto" { (i.path) } }
                            td { (i.originator) }
                            td { (i.kind) }
                            td class="num" { (bytes_text(i.size)) }
                            td { (i.stored_at) }
                            td class="mono" { (short(&i.sha256)) }
                        }
                    }
                }
            }
            nav class="pages" aria-label="pages" {
                @if page > 0 { a href=(current(page - 1)) rel="prev" { "← Previous" } }
                @if (page + 1) * PAGE_SIZE < total { a href=(current(page + 1)) rel="next" { "Next →" } }
            }
        }
    };
    layout(&v, v.t("items.title"), "items", "/items", body)
}

#[derive(Deserialize, Default)]
pub struct ItemQuery {
    deep: Option<String>,
}

pub async fn item(
    State(state): State<AppState>,
    v: Viewer,
    Path(sha256): Path<String>,
    Query(q): Query<ItemQuery>,
) -> Response {
    let Ok(hash) = sha256.parse::<ContentHash>() else {
        return error_page(&v, StatusCode::BAD_REQUEST, "that is not a SHA-256");
    };
    let user = v.user.clone();
    let deep = q.deep.is_some();
    let data = state
        .with_vault(move |vault| {
            let item = vault.item_for(&user, Action::ViewMetadata, &hash)?;
            let who = vault.principal(&user)?;
            let submissions = vault.submissions_for(&who, &hash)?;
            let regimes = vault.regimes_for(&who, &hash)?;
            let history = if vault
                .authorise_as(&user, Action::ViewHistory, &hash)
                .is_ok()
            {
                Some(vault.history_for(&user, &hash)?)
            } else {
                None
            };
            let check: Option<ItemCheck> = history
                .as_ref()
                .map(|_| vault.check_item(&user, &hash, deep))
                .transpose()?;
            let derived: Option<DerivedView> = if vault
                .authorise_as(&user, Action::ViewContent, &hash)
                .is_ok()
            {
                Some(vault.derived_view(&user, &hash)?)
            } else {
                None
            };
            let may_download = vault.authorise_as(&user, Action::Download, &hash).is_ok();
            Ok((
                item,
                submissions,
                regimes,
                history,
                check,
                derived,
                may_download,
            ))
        })
        .await;
    let (item, submissions, regimes, history, check, derived, may_download) = match data {
        Ok(d) => d,
        Err(e) => return refused(&v, e),
    };
    let first = submissions.first();
    let title = first
        .map(|s| s.path.clone())
        .unwrap_or_else(|| short(&item.sha256).to_owned());
    let kind = custodia_vault::browse::kind_of(&item.mime);
    let preview_url = format!("/items/{}/preview", item.sha256);
    let body = html! {
        @if let Some(check) = &check {
            (badge(&v, check, &item.sha256))
        }
        section class="cards" {
            div class="card" {
                h2 { (v.t("item.facts")) }
                dl {
                    dt { "SHA-256" } dd class="mono" { (item.sha256) }
                    dt { "Type" } dd { (item.mime) }
                    dt { "Size" } dd { (bytes_text(item.size)) " (" (item.size) " bytes)" }
                    dt { "Stored" } dd { (item.stored_at) }
                    @for r in &regimes.submissions { dt { "Regime" } dd { (r.regime.as_str()) " (" (r.originator) ")" } }
                }
                @if may_download {
                    form method="get" action={"/api/v1/items/" (item.sha256) "/content"} class="download" {
                        label for="purpose" { (v.t("item.purpose")) }
                        input id="purpose" name="purpose" required;
                        button type="submit" { (v.t("item.download")) }
                    }
                }
            }
            div class="card" {
                h2 { (v.t("item.provenance")) }
                @for s in &submissions {
                    dl {
                        dt { "Path" } dd dir="auto" { (s.path) }
                        dt { (v.t("items.originator")) } dd { (s.originator) }
                        @if let Some(c) = &s.case_ref { dt { "Case" } dd { (c) } }
                        @if let Some(c) = &s.collected_by { dt { "Collected by" } dd { (c) } }
                        @if let Some(c) = &s.collected_at { dt { "Collected at" } dd { (c) } }
                        @if let Some(c) = &s.collection_note { dt { "Note" } dd dir="auto" { (c) } }
                        @if let Some(p) = &s.parent_sha256 { dt { "Inside" } dd { a class="mono" href={"/items/" (p)} { (short(p)) } " " (s.path_in_parent.as_deref().unwrap_or("")) } }
                    }
                }
            }
        }
        @if let Some(d) = &derived {
            section {
                h2 { (v.t("item.preview")) }
                @match kind {
                    "image" => { img class="preview" src=(preview_url) alt={"Preview of " (title)}; }
                    "video" => { video class="preview" controls preload="metadata" src=(preview_url) { } }
                    _ => {
                        @if item.mime == "application/pdf" {
                            img class="preview" src=(preview_url) alt={"First page of " (title)};
                        }
                    }
                }
                @if let Some(text) = &d.text {
                    h3 { (v.t("item.text")) @if let Some(m) = &d.method { " · " span class="note" { (m) } } }
                    pre class="text" dir="auto" lang=[d.language.as_deref()] { (text) }
                    @if d.text_truncated { p class="note" { "Only the beginning is shown." } }
                } @else if kind != "image" && kind != "video" && item.mime != "application/pdf" {
                    p { (v.t("item.no_preview")) }
                }
                @if let Some(err) = &d.extraction_error { p class="error" { "Extraction failed: " (err) } }
            }
            @if let Some(meta) = d.metadata.as_ref().filter(|m| d.position.is_some() || m["metadata"].as_object().is_some_and(|f| !f.is_empty())) {
                section {
                    h2 { (v.t("item.metadata")) }
                    @if let Some((lat, lon)) = d.position {
                        (position_map(&v, lat, lon))
                    }
                    @if let Some(fields) = meta["metadata"].as_object() {
                        @if !fields.is_empty() {
                            dl class="meta" {
                                @for (k, val) in fields {
                                    dt { (k) }
                                    dd dir="auto" { (val.as_str().map(str::to_owned).unwrap_or_else(|| val.to_string())) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(events) = &history {
            section {
                h2 { (v.t("item.history")) }
                table {
                    thead { tr { th { "Log #" } th { "Time" } th { "Who" } th { "Action" } th { "Details" } } }
                    tbody {
                        @for e in events {
                            tr {
                                td { (e.ledger_index.map(|i| i.to_string()).unwrap_or_else(|| "pending".into())) }
                                td { (e.time) }
                                td { (e.actor) }
                                td { (e.action) }
                                td class="details" { (e.details) }
                            }
                        }
                    }
                }
            }
        }
        @if v.of_holder() && v.is(Role::Custodian) && derived.is_some() {
            section {
                h2 { "Redact" }
                form method="post" action={"/items/" (item.sha256) "/redact"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for="texts" { "Text to burn out (one per line)" }
                    textarea id="texts" name="texts" rows="3" dir="auto" {}
                    label for="reason" { (v.t("req.reason")) }
                    input id="reason" name="reason" required;
                    button type="submit" { "Make a redacted copy" }
                }
            }
        }
    };
    layout(
        &v,
        &title,
        "items",
        &format!("/items/{}", item.sha256),
        body,
    )
}

fn badge(v: &Viewer, check: &ItemCheck, sha: &str) -> Markup {
    let (class, label) = match check.status {
        "verified" => ("badge ok", v.t("item.verified")),
        "not_rehashed" => ("badge partial", v.t("item.not_rehashed")),
        _ => ("badge bad", v.t("item.failed")),
    };
    html! {
        div class=(class) role="status" {
            strong { (label) }
            " · " (check.entries_proven) " custody entries proven in the signed log of " (check.tree_size) " entries"
            @if check.rehashed { " · content re-hashed to its SHA-256" }
            @for p in &check.problems { br; (p) }
            @if !check.rehashed { " · " a href={"/items/" (sha) "?deep=1"} { (v.t("item.deep")) } }
        }
    }
}

fn position_map(v: &Viewer, lat: f64, lon: f64) -> Markup {
    let (x, y) = map::project(lat, lon);
    html! {
        figure class="map" {
            svg viewBox="0 0 360 180" role="img" aria-label={(v.t("item.place")) ": " (format!("{lat:.5}, {lon:.5}"))} {
                image href="/assets/world.svg" x="0" y="0" width="360" height="180" {}
                circle cx=(format!("{x:.3}")) cy=(format!("{y:.3}")) r="2.5" class="pin" {}
            }
            figcaption { (v.t("item.place")) ": " (format!("{lat:.5}, {lon:.5}")) }
        }
    }
}

#[derive(Deserialize)]
pub struct RedactForm {
    csrf: String,
    texts: String,
    reason: String,
}

pub async fn redact_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Path(sha256): Path<String>,
    Form(form): Form<RedactForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let Ok(hash) = sha256.parse::<ContentHash>() else {
        return error_page(&v, StatusCode::BAD_REQUEST, "that is not a SHA-256");
    };
    let user = v.user.clone();
    let spec = RedactionSpec {
        texts: form
            .texts
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        regions: Vec::new(),
        reason: form.reason,
    };
    match state
        .with_vault(move |vault| Ok(vault.redact(&user, &hash, &spec)?))
        .await
    {
        Ok(done) => Redirect::to(&format!("/items/{}", done.sha256)).into_response(),
        Err(e) => refused(&v, e),
    }
}

/// An item shown inline: raster images as they are, the first page of a PDF rendered to PNG,
/// video streamed with ranges. Each is recorded in the custody log as a download for preview,
/// and served with a sandboxing policy so that nothing in it can run in the application.
pub async fn preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Path(sha256): Path<String>,
) -> Response {
    let Ok(hash) = sha256.parse::<ContentHash>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let user = v.user.clone();
    let mime = match state
        .with_reader(move |vault| Ok(vault.item_for(&user, Action::ViewContent, &hash)?.mime))
        .await
    {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let raster = ["image/jpeg", "image/png", "image/gif", "image/webp"];
    let video = ["video/mp4", "video/webm", "video/ogg", "video/quicktime"];
    let range = headers
        .get(header::RANGE)
        .and_then(|r| r.to_str().ok())
        .map(str::to_owned);
    let mut response = if raster.contains(&mime.as_str()) || video.contains(&mime.as_str()) {
        let content_type = if mime == "video/quicktime" {
            "video/mp4".to_owned()
        } else {
            mime.clone()
        };
        crate::stream::stream_item(
            &state,
            v.user.clone(),
            hash,
            "preview in the web application".into(),
            range,
            Some(content_type),
        )
        .await
        .unwrap_or_else(IntoResponse::into_response)
    } else if mime == "application/pdf" {
        match pdf_first_page(&state, v.user.clone(), hash).await {
            Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
            Err(e) => e.into_response(),
        }
    } else {
        return (StatusCode::NOT_FOUND, "no preview for this type").into_response();
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Largest PDF rendered for a preview.
const PDF_PREVIEW_LIMIT: u64 = 256 << 20;

/// Renders the first page with poppler's `pdftoppm`, fed through a pipe (the plaintext never
/// touches the disk), with a time limit.
async fn pdf_first_page(
    state: &AppState,
    user: String,
    hash: ContentHash,
) -> Result<Vec<u8>, ApiError> {
    let bytes = state
        .with_vault(move |vault| {
            let (item, mut reader, _) =
                vault.open_for_download(&hash, &user, "preview in the web application")?;
            if item.size > PDF_PREVIEW_LIMIT {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the PDF is too large to preview; download it",
                ));
            }
            let mut bytes = Vec::with_capacity(item.size as usize);
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| ApiError::internal(&format!("reading the item failed: {e}")))?;
            Ok(bytes)
        })
        .await?;
    tokio::task::spawn_blocking(move || render_pdf_page(&bytes))
        .await
        .map_err(|_| ApiError::internal("a worker stopped"))?
}

fn render_pdf_page(pdf: &[u8]) -> Result<Vec<u8>, ApiError> {
    // The one runner of external tools (time and memory limits, input through a pipe), as
    // extraction and redaction use it.
    let limits = custodia_vault::custodia_extract::Limits {
        timeout: Duration::from_secs(20),
        ..Default::default()
    };
    let png = custodia_vault::custodia_extract::run_tool(
        "pdftoppm",
        &["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-"],
        Some(pdf),
        &limits,
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the PDF's first page could not be rendered: {e}"),
        )
    })?;
    if !png.starts_with(b"\x89PNG") {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the PDF's first page could not be rendered",
        ));
    }
    Ok(png)
}

// --- upload -----------------------------------------------------------------------------

pub async fn upload_form(State(state): State<AppState>, v: Viewer) -> Response {
    if !(v.of_holder() && v.is(Role::Custodian)) {
        return error_page(&v, StatusCode::FORBIDDEN, v.t("forbidden"));
    }
    let user = v.user.clone();
    let originators = state
        .with_reader(move |vault| Ok(vault.holdings(&user)?.by_originator))
        .await
        .unwrap_or_default();
    let body = html! {
        form id="upload" class="card" data-upload {
            label for="u-file" { (v.t("upload.file")) }
            input id="u-file" name="file" type="file" required;
            label for="u-originator" { (v.t("upload.originator")) }
            input id="u-originator" name="originator" list="originators" required;
            datalist id="originators" { @for o in originators.keys() { option value=(o) {} } }
            label for="u-case" { (v.t("upload.case")) }
            input id="u-case" name="case_ref";
            label for="u-note" { (v.t("upload.note")) }
            input id="u-note" name="collection_note";
            button type="submit" { (v.t("upload.start")) }
            progress id="u-progress" max="100" value="0" hidden {}
            p id="u-status" role="status" aria-live="polite" {}
        }
        noscript { p class="note" { (v.t("upload.needs_js")) } }
    };
    layout(&v, v.t("upload.title"), "upload", "/upload", body)
}

// --- search -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    sort: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    v: Viewer,
    Query(q): Query<SearchQuery>,
) -> Response {
    let query = q.q.clone().unwrap_or_default();
    let sort_key = q.sort.clone().unwrap_or_else(|| "relevance".into());
    let sort = match sort_key.as_str() {
        "newest" => Sort::DateNewest,
        "oldest" => Sort::DateOldest,
        _ => Sort::Relevance,
    };
    let results = if query.trim().is_empty() {
        None
    } else {
        let user = v.user.clone();
        let text = query.clone();
        let searched = state.search_unrecorded(user, text, 50, sort).await;
        // Nothing is shown before the search is in the custody log.
        Some(match searched {
            Ok((mut report, event)) => state.record_read(event).await.map(|position| {
                report.ledger_index = position;
                report
            }),
            Err(e) => Err(e),
        })
    };
    let query_arabic = mostly_arabic(&query);
    let refine = |field: &str, value: &str| {
        let quoted = value.replace('"', "");
        format!(
            "/search?q={}&sort={}",
            encode(&format!("({query}) AND {field}:\"{quoted}\"")),
            encode(&sort_key)
        )
    };
    let body = html! {
        form method="get" action="/search" class="search" role="search" {
            label for="q" { (v.t("search.query")) }
            input id="q" name="q" type="search" value=(query) dir="auto" autofocus;
            label for="sort" { (v.t("search.sort")) }
            select id="sort" name="sort" {
                option value="relevance" selected[sort_key == "relevance"] { (v.t("search.relevance")) }
                option value="newest" selected[sort_key == "newest"] { (v.t("search.newest")) }
                option value="oldest" selected[sort_key == "oldest"] { (v.t("search.oldest")) }
            }
            button type="submit" { (v.t("search.title")) }
            p class="note" { (v.t("search.help")) }
        }
        @match &results {
            None => {}
            Some(Err(e)) => { p class="error" role="alert" { (crate::web::shown_message(e.status, &e.message)) } }
            Some(Ok(report)) => {
                div class="results-layout" {
                    aside class="facets" aria-label=(v.t("search.facets")) {
                        h2 { (v.t("search.facets")) }
                        @for (field, values) in &report.results.facets {
                            @if !values.is_empty() {
                                h3 { (field) }
                                ul {
                                    @for (value, n) in values {
                                        li { a href=(refine(field, value)) dir="auto" { (value) } " " span class="count" { (n) } }
                                    }
                                }
                            }
                        }
                    }
                    section class="results" {
                        p id="result-count" { (report.results.total) " " (v.t("search.results")) }
                        @if report.results.hits.is_empty() { p { (v.t("search.none")) } }
                        ol class="hits" {
                            @for hit in &report.results.hits {
                                li class="hit" {
                                    a href={"/items/" (hit.item)} dir="auto" class="hit-title" { (hit.path) }
                                    " "
                                    span class="note" { (hit.kind) " · " (hit.mime) @if let Some(l) = &hit.language { " · " (l) } }
                                    @if hit.snippet.rtl != query_arabic && !hit.snippet.text.is_empty() && !hit.snippet.highlights.is_empty() {
                                        " " span class="tag cross" { (v.t("search.cross_script")) }
                                    }
                                    p class="snippet" dir=(if hit.snippet.rtl { "rtl" } else { "auto" }) lang=[hit.language.as_deref()] {
                                        (highlighted(&hit.snippet.text, &hit.snippet.highlights))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("search.title"), "search", "/search", body)
}

// --- requests ---------------------------------------------------------------------------

pub async fn requests(State(state): State<AppState>, v: Viewer) -> Response {
    let user = v.user.clone();
    let list = match state
        .with_reader(move |vault| Ok(vault.request_list(&user, None)?))
        .await
    {
        Ok(l) => l,
        Err(e) => return refused(&v, e),
    };
    let may_file = v.is(Role::Requester) || (v.of_holder() && v.is(Role::Custodian));
    let body = html! {
        @if may_file { p { a class="button" href="/requests/new" { (v.t("req.new")) } } }
        @if list.is_empty() { p { (v.t("req.none")) } } @else {
            table {
                thead { tr { th { "Id" } th { (v.t("req.authority")) } th { (v.t("req.case")) } th { (v.t("req.state")) } th { (v.t("req.waiting")) } th { (v.t("req.deadline")) } } }
                tbody {
                    @for r in &list {
                        tr {
                            td { a href={"/requests/" (encode(&r.id))} { (r.id) } }
                            td { (r.authority) }
                            td { (r.case_ref.as_deref().unwrap_or("—")) }
                            td { span class={"state state-" (r.state)} { (r.state) } }
                            td { (r.waiting_for) }
                            td { (r.deadline.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("req.title"), "requests", "/requests", body)
}

pub async fn request_form(State(state): State<AppState>, v: Viewer) -> Response {
    let authorities: Vec<String> = if v.of_holder() && v.is(Role::Custodian) {
        let user = v.user.clone();
        state
            .with_reader(move |vault| Ok(vault.requesting_authorities_for(&user)?))
            .await
            .unwrap_or_default()
    } else {
        vec![v.who.organisation.clone()]
    };
    let body = html! {
        form method="post" action="/requests/new" class="card wide" {
            input type="hidden" name="csrf" value=(v.csrf);
            label for="authority" { (v.t("req.authority")) }
            select id="authority" name="authority" required {
                @for a in &authorities { option value=(a) { (a) } }
            }
            label for="legal_basis" { (v.t("req.legal_basis")) }
            input id="legal_basis" name="legal_basis" required;
            label for="case_ref" { (v.t("req.case")) }
            input id="case_ref" name="case_ref";
            label for="suspects" { (v.t("req.suspects")) }
            textarea id="suspects" name="suspects" rows="2" dir="auto" {}
            label for="crimes" { (v.t("req.crimes")) }
            textarea id="crimes" name="crimes" rows="2" {}
            label for="places" { (v.t("req.places")) }
            textarea id="places" name="places" rows="2" dir="auto" {}
            label for="period" { (v.t("req.period")) }
            input id="period" name="period";
            label for="text" { (v.t("req.text")) }
            textarea id="text" name="text" rows="4" dir="auto" {}
            label for="deadline" { (v.t("req.deadline")) }
            input id="deadline" name="deadline" type="date";
            button type="submit" { (v.t("req.file")) }
        }
    };
    layout(&v, v.t("req.new"), "requests", "/requests/new", body)
}

#[derive(Deserialize)]
pub struct RequestForm {
    csrf: String,
    authority: String,
    legal_basis: String,
    case_ref: Option<String>,
    suspects: Option<String>,
    crimes: Option<String>,
    places: Option<String>,
    period: Option<String>,
    text: Option<String>,
    deadline: Option<String>,
}

fn lines(text: &Option<String>) -> Vec<String> {
    text.as_deref()
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn some(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

pub async fn request_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Form(form): Form<RequestForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let filing = RequestFiling {
        authority: form.authority.trim().to_owned(),
        legal_basis: form.legal_basis.trim().to_owned(),
        suspects: lines(&form.suspects),
        crimes: lines(&form.crimes),
        places: lines(&form.places),
        case_ref: some(form.case_ref),
        period: some(form.period),
        text: some(form.text),
        deadline: some(form.deadline),
    };
    let user = v.user.clone();
    match state
        .with_vault(move |vault| Ok(vault.file_request(&user, &filing)?))
        .await
    {
        Ok(view) => Redirect::to(&format!("/requests/{}", encode(&view.id))).into_response(),
        Err(e) => refused(&v, e),
    }
}

pub async fn request(State(state): State<AppState>, v: Viewer, Path(id): Path<String>) -> Response {
    let user = v.user.clone();
    let rid = id.clone();
    let view = match state
        .with_reader(move |vault| Ok(vault.request_view(&user, &rid)?))
        .await
    {
        Ok(view) => view,
        Err(e) => return refused(&v, e),
    };
    let custodian = v.of_holder() && v.is(Role::Custodian);
    let liaison = v.is(Role::OriginatorLiaison);
    let open = view.state != "finalised" && view.state != "refused";
    let base = format!("/requests/{}", encode(&view.id));
    let body = html! {
        section class="cards" {
            div class="card" {
                dl {
                    dt { (v.t("req.authority")) } dd { (view.authority) }
                    dt { "Filed" } dd { (view.filed_at) " by " (view.filed_by) }
                    dt { (v.t("req.legal_basis")) } dd { (view.legal_basis) }
                    @if let Some(c) = &view.case_ref { dt { (v.t("req.case")) } dd { (c) } }
                    dt { (v.t("req.state")) } dd { span class={"state state-" (view.state)} { (view.state) } }
                    dt { (v.t("req.waiting")) } dd {
                        (view.waiting_for)
                        @for w in &view.waits_on { br; (w.organisation) " — " (w.items) " item(s)" @if !w.liaisons.is_empty() { " (" (w.liaisons.join(", ")) ")" } }
                    }
                    @if let Some(d) = &view.deadline { dt { (v.t("req.deadline")) } dd { (d) @if let Some(n) = view.days_left { " (" (n) " days)" } } }
                }
            }
            div class="card" {
                h2 { "Description" }
                pre class="text" dir="auto" { (serde_json::to_string_pretty(&view.description).unwrap_or_default()) }
            }
        }
        section {
            h2 { (v.t("req.items")) }
            @if view.items.is_empty() { p { (v.t("dash.none")) } } @else {
                table {
                    thead { tr { th { "Item" } th { "Status" } th { (v.t("items.originator")) } th { (v.t("req.reason")) } } }
                    tbody {
                        @for i in &view.items {
                            tr {
                                td { a class="mono" href={"/items/" (i.sha256)} { (short(&i.sha256)) } }
                                td { (format!("{:?}", i.status)) }
                                td { (i.originators.join(", ")) }
                                td { (i.reason.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
        @if !view.packages.is_empty() {
            section {
                h2 { (v.t("req.packages")) }
                ul { @for p in &view.packages { li { a href={(base) "/packages/" (encode(p))} download { (p) ".zip" } } } }
            }
        }
        @if open && custodian {
            section class="cards" {
                form method="post" action={(base) "/scope"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for="items" { (v.t("req.scope")) }
                    textarea id="items" name="items" rows="4" class="mono" {}
                    button type="submit" { (v.t("req.scope.button")) }
                }
                form method="post" action={(base) "/finalise"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    p { "Builds a BagIt package of every item ready to release, with proofs, for " (view.authority) "." }
                    button type="submit" { (v.t("req.finalise")) }
                }
            }
        }
        @if open && liaison {
            section {
                h2 { (v.t("req.decide")) }
                form method="post" action={(base) "/decide"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    fieldset {
                        legend { (v.t("req.decide")) }
                        label { input type="radio" name="decision" value="grant" required; " " (v.t("req.grant")) }
                        label { input type="radio" name="decision" value="refuse"; " " (v.t("req.refuse")) }
                    }
                    label for="reason" { (v.t("req.reason")) }
                    input id="reason" name="reason";
                    button type="submit" { (v.t("req.decide")) }
                }
            }
        }
        section {
            h2 { "States" }
            ol { @for s in &view.states { li { (s.state) " — " (s.at) " by " (s.by) @if let Some(n) = &s.note { " (" (n) ")" } } } }
        }
    };
    layout(
        &v,
        &format!("{} · {}", v.t("req.title"), view.id),
        "requests",
        &base,
        body,
    )
}

#[derive(Deserialize)]
pub struct ScopeForm {
    csrf: String,
    items: String,
}

pub async fn request_scope(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Path(id): Path<String>,
    Form(form): Form<ScopeForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let mut hashes = Vec::new();
    for word in form.items.split_whitespace() {
        match word.parse::<ContentHash>() {
            Ok(h) => hashes.push(h),
            Err(_) => {
                return error_page(
                    &v,
                    StatusCode::BAD_REQUEST,
                    &format!("`{word}` is not a SHA-256"),
                )
            }
        }
    }
    let user = v.user.clone();
    let rid = id.clone();
    match state
        .with_vault(move |vault| Ok(vault.scope_request(&user, &rid, &hashes)?))
        .await
    {
        Ok(_) => Redirect::to(&format!("/requests/{}", encode(&id))).into_response(),
        Err(e) => refused(&v, e),
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
    decision: String,
    reason: Option<String>,
}

pub async fn request_decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let grant = match form.decision.as_str() {
        "grant" => true,
        "refuse" => false,
        _ => return error_page(&v, StatusCode::BAD_REQUEST, "choose grant or refuse"),
    };
    let reason = some(form.reason);
    let user = v.user.clone();
    let rid = id.clone();
    match state
        .with_vault(move |vault| {
            Ok(vault.decide_request(
                &user,
                &rid,
                grant,
                None,
                serde_json::Value::Null,
                reason.as_deref(),
            )?)
        })
        .await
    {
        Ok(_) => Redirect::to(&format!("/requests/{}", encode(&id))).into_response(),
        Err(e) => refused(&v, e),
    }
}

pub async fn request_finalise(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let user = v.user.clone();
    let rid = id.clone();
    match state
        .with_vault(move |vault| Ok(vault.finalise_request_for_download(&user, &rid)?))
        .await
    {
        Ok(_) => Redirect::to(&format!("/requests/{}", encode(&id))).into_response(),
        Err(e) => refused(&v, e),
    }
}

pub async fn package_download(
    State(state): State<AppState>,
    v: Viewer,
    Path((id, package)): Path<(String, String)>,
) -> Response {
    crate::stream::stream_package(&state, v.user, id, package)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

// --- witnesses --------------------------------------------------------------------------

pub async fn witnesses(State(state): State<AppState>, v: Viewer) -> Response {
    let user = v.user.clone();
    let persons = match state
        .with_vault(move |vault| {
            let mut out = Vec::new();
            for p in vault.person_list(&user)?.into_iter().take(500) {
                out.push(vault.person_view(&user, &p)?);
            }
            Ok(out)
        })
        .await
    {
        Ok(p) => p,
        Err(e) => return refused(&v, e),
    };
    let body = html! {
        @if persons.is_empty() { p { (v.t("wit.none")) } } @else {
            table {
                thead { tr { th { "Pseudonym" } th { "Identity" } th { "Protective measures" } th { "Sharing scope" } th { "Statements" } } }
                tbody {
                    @for p in &persons {
                        tr {
                            td { (p.pseudonym) }
                            td dir="auto" {
                                @if let Some(i) = &p.identity { (i.to_string()) }
                                @else if p.identity_withheld { em { "withheld" } }
                            }
                            td dir="auto" { (p.protective_measures.to_string()) }
                            td { (p.scope.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }
                            td { @for s in &p.statements { a class="mono" href={"/items/" (s)} { (short(s)) } " " } }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("wit.title"), "witnesses", "/witnesses", body)
}

// --- administration ---------------------------------------------------------------------

/// Whether the viewer may take an administrative action on the vault, by the one rule the CLI
/// and the API ask too.
fn may(v: &Viewer, action: AdminAction) -> bool {
    may_administer(&v.who, action, AdminTarget::Vault).allowed
}

pub async fn admin(State(state): State<AppState>, v: Viewer) -> Response {
    if !may(&v, AdminAction::ViewAccounts) {
        return error_page(&v, StatusCode::FORBIDDEN, v.t("forbidden"));
    }
    let user = v.user.clone();
    let data = state
        .with_reader(move |vault| {
            let orgs = vault.organisations_for(&user)?;
            let users = vault.users_for(&user)?;
            let cases = vault.cases_for(&user)?;
            let vkey = vault.verifier().vkey().to_string();
            let tree = vault.log_size()?;
            Ok((
                orgs,
                users,
                cases,
                vkey,
                tree,
                vault.config().origin.clone(),
            ))
        })
        .await;
    let (orgs, users, cases, vkey, tree, origin) = match data {
        Ok(d) => d,
        Err(e) => return refused(&v, e),
    };
    let body = html! {
        section {
            h2 { (v.t("admin.orgs")) }
            table {
                thead { tr { th { "Name" } th { "Kind" } th { "Approved requester" } th { "Added" } } }
                tbody { @for o in &orgs { tr { td { (o.name) } td { (o.kind) } td { (if o.approved_requester { "yes" } else { "no" }) } td { (o.created_at) " by " (o.created_by) } } } }
            }
        }
        section {
            h2 { (v.t("admin.users")) }
            table {
                thead { tr { th { "User" } th { "Organisation" } th { "Roles" } th { "Added" } } }
                tbody { @for u in &users { tr { td { (u.name) } td { (u.organisation) } td { (u.roles.join(", ")) } td { (u.created_at) " by " (u.created_by) } } } }
            }
            @if may(&v, AdminAction::AddOrganisation) {
                section class="cards" {
                    form method="post" action="/admin/organisations" class="card" {
                        h3 { "Add an organisation" }
                        input type="hidden" name="csrf" value=(v.csrf);
                        label for="org-name" { "Name" }
                        input id="org-name" name="name" required;
                        label for="org-kind" { "Kind" }
                        select id="org-kind" name="kind" {
                            @for k in ["originator", "requesting_authority", "ngo", "holder"] { option value=(k) { (k) } }
                        }
                        label { input type="checkbox" name="approved_requester" value="true"; " Approved requester" }
                        button type="submit" { "Add" }
                    }
                    form method="post" action="/admin/users" class="card" {
                        h3 { "Add a user" }
                        input type="hidden" name="csrf" value=(v.csrf);
                        label for="user-name" { "User name" }
                        input id="user-name" name="name" required;
                        label for="user-org" { "Organisation" }
                        select id="user-org" name="organisation" { @for o in &orgs { option value=(o.name) { (o.name) } } }
                        label for="user-role" { "Role" }
                        select id="user-role" name="role" {
                            @for r in Role::ALL { option value=(r.as_str()) { (r.as_str()) } }
                        }
                        button type="submit" { "Add" }
                        p class="note" { "The user signs in once a password is set with `custodia user password` on the server." }
                    }
                }
            }
            p class="note" { "Roles, cases and approvals are also managed with `custodia user`, `custodia case` and `custodia org` on the server." }
        }
        section {
            h2 { (v.t("admin.cases")) }
            @if cases.is_empty() { p { (v.t("dash.none")) } }
            ul { @for c in &cases { li { (c.reference) @if let Some(t) = &c.title { " — " (t) } } } }
        }
        section {
            h2 { (v.t("admin.keys")) }
            dl {
                dt { "Log origin" } dd class="mono" { (origin) }
                dt { "Entries" } dd { (tree) }
                dt { "Verifier key" } dd class="mono" { (vkey) }
            }
            p { a href="/api/v1/log/checkpoint" { "Latest signed checkpoint" } " · " a href="/api/v1/log/public-key" { "Verifier key (text)" } }
            @if may(&v, AdminAction::SignCheckpoint) {
                form method="post" action="/admin/checkpoint" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    button type="submit" { (v.t("admin.sign")) }
                }
            }
        }
    };
    layout(&v, v.t("admin.title"), "admin", "/admin", body)
}

pub async fn admin_checkpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    if !may(&v, AdminAction::SignCheckpoint) {
        return error_page(&v, StatusCode::FORBIDDEN, v.t("forbidden"));
    }
    match state
        .with_vault(|vault| Ok(vault.checkpoint()?.text().to_owned()))
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => refused(&v, e),
    }
}

#[derive(Deserialize)]
pub struct OrganisationForm {
    csrf: String,
    name: String,
    kind: String,
    approved_requester: Option<String>,
}

pub async fn admin_organisation(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Form(form): Form<OrganisationForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let Ok(kind) = serde_json::from_value(serde_json::Value::String(form.kind.clone())) else {
        return error_page(&v, StatusCode::BAD_REQUEST, "unknown organisation kind");
    };
    let user = v.user.clone();
    let approved = form.approved_requester.is_some();
    match state
        .with_vault(move |vault| Ok(vault.add_organisation(&user, &form.name, kind, approved)?))
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => refused(&v, e),
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    csrf: String,
    name: String,
    organisation: String,
    role: String,
}

pub async fn admin_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    v: Viewer,
    Form(form): Form<UserForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&state, &headers, &form.csrf) {
        return r;
    }
    let Ok(role) = serde_json::from_value::<Role>(serde_json::Value::String(form.role.clone()))
    else {
        return error_page(&v, StatusCode::BAD_REQUEST, "unknown role");
    };
    let user = v.user.clone();
    match state
        .with_vault(move |vault| {
            Ok(vault.add_user(&user, &form.name, &form.organisation, &[role])?)
        })
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => refused(&v, e),
    }
}
