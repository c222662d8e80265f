//! Web captures in the web application: the form that captures a page (the holder's custodians;
//! public addresses only — a capture inside the holder's network is a command-line decision,
//! `custodia capture --allow-private`), and a capture's page: what was captured, when and with
//! what, the screenshot, the visible text, the server's certificate and the trusted timestamps,
//! each artefact linked to its item page.

use std::io::Read;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::custodia_access::{Action, Role};
use custodia_vault::custodia_blobstore::ContentHash;
use maud::html;
use serde::Deserialize;
use serde_json::Value;

use super::{copy_hash, csrf_field, hash_link, refused, time_in, time_markup, value, CsrfForm};
use crate::capture::{self, CaptureRequest, Stamping};
use crate::web::{error_page, layout, Lang, Viewer};
use crate::{ApiError, AppState};

/// Largest artefact shown inline (the text, the certificate chain, the timestamps' summary).
const SHOWN_BYTES: u64 = 256 << 10;

fn not_custodian(v: &Viewer) -> Option<Response> {
    (!(v.of_holder() && v.is(Role::Custodian)))
        .then(|| error_page(v, StatusCode::FORBIDDEN, v.t("forbidden")))
}

/// `GET /capture`: the form.
pub async fn capture_form(v: Viewer) -> Response {
    if let Some(refusal) = not_custodian(&v) {
        return refusal;
    }
    let body = html! {
        form method="post" action="/capture" class="card" {
            input type="hidden" name="csrf" value=(v.csrf);
            label for="c-url" { (v.t("capture-url")) }
            input id="c-url" name="url" type="url" required dir="ltr" placeholder="https://";
            label for="c-originator" { (v.t("capture-originator")) }
            input id="c-originator" name="originator" required;
            label for="c-case" { (v.t("capture-case")) }
            input id="c-case" name="case_ref";
            label for="c-note" { (v.t("capture-note")) }
            input id="c-note" name="note";
            label { input type="checkbox" name="media" value="1"; " " (v.t("capture-media")) }
            button type="submit" { (v.t("capture-start")) }
            p class="note" { (v.t("capture-busy_note")) }
            p class="note" { (v.t("capture-private_note")) }
        }
    };
    layout(&v, v.t("capture-title"), "capture", "/capture", body)
}

#[derive(Deserialize)]
pub struct CaptureForm {
    csrf: String,
    url: String,
    originator: String,
    case_ref: Option<String>,
    note: Option<String>,
    media: Option<String>,
}

csrf_field!(CaptureForm);

fn given(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// `POST /capture`: captures the page (the browser works while the vault serves others; the
/// vault is held only to lend its signing key and to store the result), then shows it.
pub async fn capture_submit(
    State(state): State<AppState>,
    v: Viewer,
    CsrfForm(form): CsrfForm<CaptureForm>,
) -> Response {
    if let Some(refusal) = not_custodian(&v) {
        return refusal;
    }
    let url = form.url.trim().to_owned();
    if let Err(e) = custodia_capture::check_url(&url) {
        return error_page(&v, StatusCode::BAD_REQUEST, &e.to_string());
    }
    if form.originator.trim().is_empty() {
        return error_page(&v, StatusCode::BAD_REQUEST, "an originator is required");
    }
    let Some(chromium) = custodia_capture::find_chromium() else {
        return error_page(
            &v,
            StatusCode::SERVICE_UNAVAILABLE,
            "no Chromium on the server to capture with (install Debian's `chromium`, or set CUSTODIA_CHROMIUM)",
        );
    };
    let request = CaptureRequest {
        case_ref: given(form.case_ref),
        note: given(form.note),
        media: form.media.is_some(),
        ..CaptureRequest::new(&url, form.originator.trim())
    };
    let user = v.user.clone();
    let lent = state
        .with_vault(move |vault| {
            let who = vault.principal(&user)?;
            vault.require_holder_role(&who, Role::Custodian, "capture")?;
            Ok((vault.statement_signer()?, Stamping::of(vault)))
        })
        .await;
    let (signer, stamping) = match lent {
        Ok(lent) => lent,
        Err(e) => return refused(&v, e),
    };
    let prepared = match capture::prepare(&request, &v.user, &chromium, signer, &stamping).await {
        Ok(p) => p,
        Err(e) => {
            return error_page(
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("{}: {e}", v.t("capture-failed")),
            )
        }
    };
    let user = v.user.clone();
    let stored = state
        .with_vault(move |vault| Ok(capture::store(vault, prepared, &request, &user)?))
        .await;
    match stored {
        Ok(entry) => match entry["capture_sha256"].as_str() {
            Some(sha) => Redirect::to(&format!("/captures/{sha}")).into_response(),
            None => error_page(
                &v,
                StatusCode::INTERNAL_SERVER_ERROR,
                "the capture was not stored",
            ),
        },
        Err(e) => refused(&v, e),
    }
}

/// Reads a small item whole, for showing (a custody entry, as every read of content).
fn read_small(
    vault: &mut custodia_vault::Vault,
    user: &str,
    sha256: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    let Ok(hash) = sha256.parse::<ContentHash>() else {
        return Ok(None);
    };
    let (item, mut reader, _) =
        vault.open_for_download(&hash, user, "viewing a web capture in the web application")?;
    if item.size > SHOWN_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| ApiError::internal(&format!("reading an item: {e}")))?;
    Ok(Some(bytes))
}

struct CaptureView {
    record: Value,
    children: Vec<(String, String)>,
    text: Option<String>,
    certificates: Option<String>,
    timestamps: Option<Value>,
    /// The replay frame's address and the replay origin, for a viewer who may replay.
    replay: Option<(String, String)>,
}

/// `GET /captures/{sha256}`: a capture record and what came with it. Anything that is not a
/// capture record is not found, whoever asks.
pub async fn capture_view(
    State(state): State<AppState>,
    v: Viewer,
    Path(sha256): Path<String>,
) -> Response {
    let Ok(hash) = sha256.parse::<ContentHash>() else {
        return error_page(&v, StatusCode::BAD_REQUEST, "that is not a SHA-256");
    };
    let user = v.user.clone();
    let app = state.clone();
    let data = state
        .with_vault(move |vault| {
            let not_a_capture = || ApiError::new(StatusCode::NOT_FOUND, "no such web capture");
            let item = vault
                .item_for(&user, Action::ViewMetadata, &hash)
                .map_err(|_| not_a_capture())?;
            let who = vault.principal(&user)?;
            // A capture record is a top-level `…/capture.json` (whatever type its bytes were
            // sniffed as) whose content says so; nothing else is read.
            let is_record = item.size <= SHOWN_BYTES
                && vault
                    .submissions_for(&who, &hash)?
                    .iter()
                    .any(|s| s.path.ends_with("/capture.json") && s.parent_sha256.is_none());
            if !is_record {
                return Err(not_a_capture());
            }
            let bytes = read_small(vault, &user, &item.sha256)?.ok_or_else(not_a_capture)?;
            let record: Value = serde_json::from_slice(&bytes).map_err(|_| not_a_capture())?;
            if record["format"] != "custodia-capture-1" {
                return Err(not_a_capture());
            }
            let children = vault.children_for(&user, &hash)?;
            let find = |name: &str| {
                children
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, s)| s.clone())
            };
            let mut read_text = |name: &str| -> Result<Option<String>, ApiError> {
                match find(name) {
                    Some(sha) => Ok(read_small(vault, &user, &sha)?
                        .map(|b| String::from_utf8_lossy(&b).into_owned())),
                    None => Ok(None),
                }
            };
            let text = read_text("page.txt")?;
            let certificates = read_text("certificates.pem")?;
            let timestamps =
                read_text("timestamps.json")?.and_then(|t| serde_json::from_str::<Value>(&t).ok());
            // The archived page, replayed from the WACZ on the replay origin.
            let replay = find("capture.wacz").and_then(|wacz| {
                let url = record["final_url"]
                    .as_str()
                    .filter(|u| !u.is_empty())
                    .or(record["url"].as_str())?;
                let started = record["started_at"].as_str().unwrap_or("");
                crate::replay::frame_for(&app, vault, &user, &hash, &wacz, url, started)
            });
            Ok(CaptureView {
                record,
                children,
                text,
                certificates,
                timestamps,
                replay,
            })
        })
        .await;
    let view = match data {
        Ok(view) => view,
        Err(e) => return refused(&v, e),
    };
    let r = &view.record;
    let screenshot = view
        .children
        .iter()
        .find(|(n, _)| n == "screenshot.png")
        .map(|(_, s)| s.clone());
    let s = |value: &Value| value.as_str().unwrap_or("").to_owned();
    let body = html! {
        section class="cards" {
            div class="card" {
                h2 { (v.t("capture-view_title")) }
                dl {
                    dt { (v.t("capture-url_asked")) } dd { bdi dir="ltr" { (s(&r["url"])) } }
                    dt { (v.t("capture-final_url")) } dd { bdi dir="ltr" { (s(&r["final_url"])) } }
                    dt { (v.t("capture-http_status")) } dd { bdi dir="ltr" { (r["status"]) } }
                    @if let Some(title) = r["title"].as_str().filter(|t| !t.is_empty()) {
                        dt { (v.t("capture-page_title")) } dd dir="auto" { (title) }
                    }
                    dt { (v.t("capture-started")) } dd { (time_markup(&v, &s(&r["started_at"]))) }
                    dt { (v.t("capture-ended")) } dd { (time_markup(&v, &s(&r["ended_at"]))) }
                    dt { (v.t("capture-operator")) } dd { bdi { (s(&r["operator"])) } }
                    dt { (v.t("capture-tools")) } dd {
                        @for (tool, version) in r["tools"].as_object().into_iter().flatten() {
                            bdi dir="ltr" { (tool) " " (version.as_str().unwrap_or("")) } br;
                        }
                    }
                    dt { (v.t("capture-redirects")) } dd {
                        ol {
                            @for hop in r["redirect_chain"].as_array().into_iter().flatten() {
                                li { bdi dir="ltr" { (hop["status"]) " " (s(&hop["url"])) } }
                            }
                        }
                    }
                    dt { (v.t("capture-record")) } dd { (hash_link(&v, &sha256)) }
                }
            }
            div class="card" {
                h2 { (v.t("capture-timestamps")) }
                @match view.timestamps.as_ref().and_then(Value::as_array).filter(|a| !a.is_empty()) {
                    Some(stamps) => { (timestamps_table(v.lang, &v.zone, stamps, jiff::Timestamp::now())) }
                    None => { p { (v.t("capture-no_timestamps")) } }
                }
                @if let Some(errors) = r["errors"].as_array().filter(|e| !e.is_empty()) {
                    h3 { (v.t("capture-errors")) }
                    ul { @for e in errors { li dir="auto" { (e.as_str().unwrap_or("")) } } }
                }
            }
        }
        @if let Some((src, _)) = &view.replay {
            section {
                h2 { (v.t("capture-replay")) }
                p class="note" { (v.t("capture-replay_note")) }
                iframe class="capture-replay" width="100%" height="720" src=(src) title=(v.t("capture-replay_frame"))
                    sandbox="allow-scripts allow-same-origin allow-forms" referrerpolicy="no-referrer" {}
            }
        }
        @if let Some(shot) = &screenshot {
            section {
                h2 { (v.t("capture-screenshot")) }
                div class="capture-shot" tabindex="0" {
                    img src={"/items/" (shot) "/preview"} alt=(v.t("capture-screenshot"));
                }
            }
        }
        @if let Some(text) = &view.text {
            section {
                h2 { (v.t("capture-text")) }
                pre class="extracted" dir="auto" { (text) }
            }
        }
        section {
            h2 { (v.t("capture-certificate")) }
            @if r["tls"].is_object() {
                dl {
                    @for (k, value) in r["tls"].as_object().into_iter().flatten().filter(|(_, value)| value.is_string() || value.is_number()) {
                        dt { bdi dir="ltr" { (k) } } dd { bdi dir="ltr" { (value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string())) } }
                    }
                }
            }
            @match &view.certificates {
                Some(pem) => { pre class="mono" dir="ltr" { (pem) } }
                None => { p { (v.t("capture-no_certificate")) } }
            }
        }
        section {
            h2 { (v.t("capture-artefacts")) }
            ul {
                @for (name, sha) in &view.children {
                    li { a href={"/items/" (sha)} { (value(name)) } " " span class="hash" { span class="mono" { (super::hash(sha)) } " " (copy_hash(&v, sha)) } }
                }
            }
        }
    };
    let mut response = layout(&v, v.t("capture-view_title"), "capture", "/capture", body);
    if let Some((_, origin)) = view.replay {
        response.extensions_mut().insert(crate::FrameSource(origin));
    }
    response
}

/// The trusted timestamps of a capture: each authority, whether its token verified, and the
/// time it vouches for, written as the viewer's language and time zone write times (the
/// exact value on hover and in `datetime`).
fn timestamps_table(
    lang: Lang,
    zone: &jiff::tz::TimeZone,
    stamps: &[Value],
    now: jiff::Timestamp,
) -> maud::Markup {
    html! {
        table {
            thead { tr { th { (lang.t("capture-tsa")) } th { (lang.t("capture-tsa_status")) } th { (lang.t("capture-gen_time")) } } }
            tbody {
                @for t in stamps {
                    tr {
                        td { bdi dir="ltr" { (t["tsa"].as_str().unwrap_or("")) } }
                        td { (if t["status"] == "verified" { lang.t("capture-verified") } else { lang.t("capture-not_verified") }) }
                        td { @if let Some(at) = t["gen_time"].as_str() { (time_in(lang, zone, at, now)) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::timestamps_table;
    use crate::web::Lang;

    #[test]
    fn a_timestamp_is_written_as_the_language_writes_times() {
        let stamps = serde_json::json!([
            {"tsa": "https://tsa.example/", "status": "verified", "gen_time": "2026-12-04T10:00:00Z"},
            {"tsa": "https://down.example/", "status": "failed", "gen_time": null}
        ]);
        for lang in [Lang::En, Lang::Ar, Lang::Ckb] {
            let now = "2026-12-05T10:00:00Z".parse().unwrap();
            let html = timestamps_table(lang, &TimeZone::UTC, stamps.as_array().unwrap(), now)
                .into_string();
            let shown = lang.date_time("2026-12-04T10:00:00Z".parse().unwrap(), &TimeZone::UTC);
            assert!(html.contains(&format!(">{shown}</bdi>")), "{html}");
            assert!(html.contains("datetime=\"2026-12-04T10:00:00Z\""), "{html}");
            assert!(
                !html.contains(">2026-12-04T10:00:00Z<"),
                "shown raw: {html}"
            );
        }
    }
}
