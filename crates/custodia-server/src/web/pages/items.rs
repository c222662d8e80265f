//! Items: the list with filters, one item (facts, provenance, regimes, history, check, text,
//! map), redacted copies, previews.

use std::io::Read;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::browse::{BrowseFilter, DerivedView, ItemCheck};
use custodia_vault::custodia_access::{Action, Role};
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::redact::RedactionSpec;
use maud::{html, Markup};
use serde::Deserialize;

use super::{
    copy_hash, hash, ltr_value, refused, short, size, time_markup, value, CsrfForm, PAGE_SIZE,
};
use crate::web::{encode, error_page, layout, map, Viewer};
use crate::{ApiError, AppState};

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
            let listed = vault.browse(&user, &filter, page.saturating_mul(PAGE_SIZE), PAGE_SIZE)?;
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
                label for="f-originator" { (v.t("items-originator")) }
                select id="f-originator" name="originator" {
                    option value="" { (v.t("items-any")) }
                    @for o in holdings.by_originator.keys() {
                        option value=(o) selected[q.originator.as_deref() == Some(o.as_str())] { (o) }
                    }
                }
            }
            div {
                label for="f-kind" { (v.t("items-kind")) }
                select id="f-kind" name="kind" {
                    option value="" { (v.t("items-any")) }
                    @for k in holdings.by_kind.keys() {
                        option value=(k) selected[q.kind.as_deref() == Some(k.as_str())] { (k) }
                    }
                }
            }
            div {
                label for="f-q" { (v.t("items-path")) }
                input id="f-q" name="q" value=(q.q.as_deref().unwrap_or(""));
            }
            button type="submit" { (v.t("items-filter")) }
        }
        p { (v.n("items-count", total as u64)) }
        @if list.is_empty() { p { (v.t("items-none")) } } @else {
            table {
                thead { tr { th { (v.t("col-name")) } th { (v.t("items-originator")) } th { (v.t("items-kind")) } th { (v.t("col-size")) } th { (v.t("col-stored")) } th { "SHA-256" } } }
                tbody {
                    @for i in &list {
                        tr {
                            td { a href={"/items/" (i.sha256)} { (value(&i.path)) } }
                            td { (value(&i.originator)) }
                            td { bdi { (i.kind) } }
                            td class="num" { (size(&v, i.size)) }
                            td { (time_markup(&v, &i.stored_at)) }
                            td { span class="hash" { span class="mono" { (hash(&i.sha256)) } " " (copy_hash(&v, &i.sha256)) } }
                        }
                    }
                }
            }
            nav class="pages" aria-label=(v.t("pages-label")) {
                @if page > 0 { a href=(current(page - 1)) rel="prev" { (v.t("pages-previous")) } }
                @if page.saturating_add(1).saturating_mul(PAGE_SIZE) < total { a href=(current(page + 1)) rel="next" { (v.t("pages-next")) } }
            }
        }
    };
    layout(&v, v.t("items-title"), "items", "/items", body)
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
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-not_sha256"));
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
            // The cases whose analysis the viewer changes, if they may read the item.
            let link_cases: Vec<String> = if derived.is_some() {
                vault
                    .analysable_cases(&user)?
                    .into_iter()
                    .map(|c| c.reference)
                    .filter(|c| {
                        custodia_vault::custodia_access::decide_case(
                            &who,
                            custodia_vault::custodia_access::CaseAction::ChangeAnalysis,
                            c,
                        )
                        .allowed
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Ok((
                (item, link_cases),
                submissions,
                regimes,
                history,
                check,
                derived,
                may_download,
            ))
        })
        .await;
    let ((item, link_cases), submissions, regimes, history, check, derived, may_download) =
        match data {
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
                h2 { (v.t("item-facts")) }
                dl {
                    dt { "SHA-256" } dd { span class="mono" { (ltr_value(&item.sha256)) } " " (copy_hash(&v, &item.sha256)) }
                    dt { (v.t("items-kind")) } dd { (ltr_value(&item.mime)) }
                    dt { (v.t("col-size")) } dd { (size(&v, item.size)) " " bdi { "(" (v.n("item-bytes", item.size)) ")" } }
                    dt { (v.t("col-stored")) } dd { (time_markup(&v, &item.stored_at)) }
                    @for r in &regimes.submissions { dt { (v.t("item-regime")) } dd { bdi { (r.regime.as_str()) } " (" bdi { (r.originator) } ")" } }
                }
                @if may_download {
                    form method="get" action={"/api/v1/items/" (item.sha256) "/content"} class="download" {
                        label for="purpose" { (v.t("item-purpose")) }
                        input id="purpose" name="purpose" required;
                        button type="submit" { (v.t("item-download")) }
                    }
                }
            }
            div class="card" {
                h2 { (v.t("item-provenance")) }
                @for s in &submissions {
                    dl {
                        dt { (v.t("item-path")) } dd { (value(&s.path)) }
                        dt { (v.t("items-originator")) } dd { (value(&s.originator)) }
                        @if let Some(c) = &s.case_ref { dt { (v.t("case-case")) } dd { bdi { (c) } } }
                        @if let Some(c) = &s.collected_by { dt { (v.t("item-collected_by")) } dd { (c) } }
                        @if let Some(c) = &s.collected_at { dt { (v.t("item-collected_at")) } dd { (c) } }
                        @if let Some(c) = &s.collection_note { dt { (v.t("case-note")) } dd dir="auto" { (c) } }
                        // A commitment (a redacted copy's original, as a recipient sees it) is no
                        // item to link to.
                        @if let Some(p) = &s.parent_sha256 { dt { (v.t("item-inside")) } dd { @if p.starts_with("commitment:") { code { (p) } } @else { (super::hash_link(&v, p)) } " " bdi { (s.path_in_parent.as_deref().unwrap_or("")) } } }
                    }
                }
            }
        }
        @if let Some(d) = &derived {
            section {
                h2 { (v.t("item-preview")) }
                @match kind {
                    "image" => { img class="preview" src=(preview_url) alt=(v.args("item-preview_of", &[("name", title.as_str().into())])); }
                    "video" => { video class="preview" controls preload="metadata" src=(preview_url) { } }
                    _ => {
                        @if item.mime == "application/pdf" {
                            img class="preview" src=(preview_url) alt=(v.args("item-first_page", &[("name", title.as_str().into())]));
                        }
                    }
                }
                @if let Some(text) = &d.text {
                    h3 { (v.t("item-text")) @if let Some(m) = &d.method { " · " span class="note" { (m) } } }
                    pre class="text" dir="auto" lang=[d.language.as_deref().map(super::lang_tag)] { (text) }
                    @if d.text_truncated { p class="note" { (v.t("item-truncated")) } }
                } @else if kind != "image" && kind != "video" && item.mime != "application/pdf" {
                    p { (v.t("item-no_preview")) }
                }
                @if let Some(err) = &d.extraction_error { p class="error" { (v.t("item-extraction_failed")) " " bdi { (err) } } }
            }
            @if let Some(meta) = d.metadata.as_ref().filter(|m| d.position.is_some() || m["metadata"].as_object().is_some_and(|f| !f.is_empty())) {
                section {
                    h2 { (v.t("item-metadata")) }
                    @if let Some((lat, lon)) = d.position {
                        (position_map(&v, state.tiles.as_deref(), lat, lon))
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
                h2 { (v.t("item-history")) }
                table {
                    thead { tr { th { (v.t("col-log")) } th { (v.t("col-time")) } th { (v.t("col-who")) } th { (v.t("col-action")) } th { (v.t("col-details")) } } }
                    tbody {
                        @for e in events {
                            tr {
                                td { (e.ledger_index.map(|i| i.to_string()).unwrap_or_else(|| v.t("log-pending").into())) }
                                td { (time_markup(&v, &e.time)) }
                                td { bdi { (e.actor) } }
                                td { bdi { (e.action) } }
                                td class="details" { bdi { (e.details) } }
                            }
                        }
                    }
                }
            }
        }
        (super::cases::item_link_section(&v, &item.sha256, &link_cases))
        @if v.of_holder() && v.is(Role::Custodian) && derived.is_some() {
            section {
                h2 { (v.t("item-redact")) }
                form method="post" action={"/items/" (item.sha256) "/redact"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for="texts" { (v.t("item-redact_texts")) }
                    textarea id="texts" name="texts" rows="3" dir="auto" {}
                    label for="reason" { (v.t("req-reason")) }
                    input id="reason" name="reason" required;
                    button type="submit" { (v.t("item-redact_button")) }
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
        "verified" => ("badge ok", v.t("item-verified")),
        "not_rehashed" => ("badge partial", v.t("item-not_rehashed")),
        _ => ("badge bad", v.t("item-failed")),
    };
    html! {
        div class=(class) role="status" {
            strong { (label) }
            " · " (v.args("item-proven", &[("count", check.entries_proven.into()), ("size", check.tree_size.into())]))
            @if check.rehashed { " · " (v.t("item-rehashed")) }
            @for p in &check.problems { br; (p) }
            @if !check.rehashed { " · " a href={"/items/" (sha) "?deep=1"} { (v.t("item-deep")) } }
        }
    }
}

/// The item's position: the interactive map, and the SVG outline without script.
fn position_map(v: &Viewer, extract: Option<&map::TileExtract>, lat: f64, lon: f64) -> Markup {
    let (x, y) = map::project(lat, lon);
    let place = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "id": "item",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"title": v.t("item-place"), "precision_m": 0},
        }],
    });
    html! {
        (map::live(v.lang, &place, extract))
        figure class="map" {
            svg viewBox="0 0 360 180" role="img" aria-label={(v.t("item-place")) ": " (format!("{lat:.5}, {lon:.5}"))} {
                image href="/assets/world.svg" x="0" y="0" width="360" height="180" {}
                circle cx=(format!("{x:.3}")) cy=(format!("{y:.3}")) r="2.5" class="pin" {}
            }
            figcaption { (v.t("item-place")) ": " bdi dir="ltr" { (format!("{lat:.5}, {lon:.5}")) } }
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
    v: Viewer,
    Path(sha256): Path<String>,
    CsrfForm(form): CsrfForm<RedactForm>,
) -> Response {
    let Ok(hash) = sha256.parse::<ContentHash>() else {
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-not_sha256"));
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
        // Someone is waiting for this page.
        background: false,
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

super::csrf_field!(RedactForm);
