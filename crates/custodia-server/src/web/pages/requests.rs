//! Requests for assistance: the list, filing, one request, scope, decisions, finalising,
//! packages.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::custodia_access::Role;
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::requests::RequestFiling;
use maud::{html, Markup};
use serde::Deserialize;

use super::{
    item_ref, ltr_value, names_of, refused, request_state, time_text, value, CsrfForm, CsrfOnly,
};
use crate::web::{encode, error_page, layout, Viewer};
use crate::AppState;

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
        @if may_file { p { a class="button" href="/requests/new" { (v.t("req-new")) } } }
        @if list.is_empty() { p { (v.t("req-none")) } } @else {
            table {
                thead { tr { th { (v.t("col-id")) } th { (v.t("req-authority")) } th { (v.t("req-case")) } th { (v.t("req-state")) } th { (v.t("req-waiting")) } th { (v.t("req-deadline")) } } }
                tbody {
                    @for r in &list {
                        tr {
                            td { a href={"/requests/" (encode(&r.id))} { (r.id) } }
                            td { (value(&r.authority)) }
                            td { bdi { (r.case_ref.as_deref().unwrap_or("—")) } }
                            td { span class={"state state-" (r.state)} { (request_state(&v, &r.state)) } }
                            td { (request_state(&v, &r.waiting_for)) }
                            td { (ltr_value(r.deadline.as_deref().unwrap_or("—"))) }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("req-title"), "requests", "/requests", body)
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
            label for="authority" { (v.t("req-authority")) }
            select id="authority" name="authority" required {
                @for a in &authorities { option value=(a) { (a) } }
            }
            label for="legal_basis" { (v.t("req-legal_basis")) }
            input id="legal_basis" name="legal_basis" required;
            label for="case_ref" { (v.t("req-case")) }
            input id="case_ref" name="case_ref";
            label for="suspects" { (v.t("req-suspects")) }
            textarea id="suspects" name="suspects" rows="2" dir="auto" {}
            label for="crimes" { (v.t("req-crimes")) }
            textarea id="crimes" name="crimes" rows="2" {}
            label for="places" { (v.t("req-places")) }
            textarea id="places" name="places" rows="2" dir="auto" {}
            label for="period" { (v.t("req-period")) }
            input id="period" name="period";
            label for="text" { (v.t("req-text")) }
            textarea id="text" name="text" rows="4" dir="auto" {}
            label for="deadline" { (v.t("req-deadline")) }
            input id="deadline" name="deadline" type="date";
            button type="submit" { (v.t("req-file")) }
        }
    };
    layout(&v, v.t("req-new"), "requests", "/requests/new", body)
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
    v: Viewer,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Response {
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
    let (view, names) = match state
        .with_reader(move |vault| {
            let view = vault.request_view(&user, &rid)?;
            let names = names_of(vault, &user, view.items.iter().map(|i| i.sha256.as_str()));
            Ok((view, names))
        })
        .await
    {
        Ok(found) => found,
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
                    dt { (v.t("req-authority")) } dd { (view.authority) }
                    dt { (v.t("req-filed")) } dd { (v.args("req-filed_by", &[("at", time_text(&v, &view.filed_at).into()), ("by", view.filed_by.as_str().into())])) }
                    dt { (v.t("req-legal_basis")) } dd { (view.legal_basis) }
                    @if let Some(c) = &view.case_ref { dt { (v.t("req-case")) } dd { (c) } }
                    dt { (v.t("req-state")) } dd { span class={"state state-" (view.state)} { (request_state(&v, &view.state)) } }
                    dt { (v.t("req-waiting")) } dd {
                        (request_state(&v, &view.waiting_for))
                        @for w in &view.waits_on { br; bdi { (w.organisation) } " — " (v.n("items-count", w.items as u64)) @if !w.liaisons.is_empty() { " (" (w.liaisons.join(", ")) ")" } }
                    }
                    @if let Some(d) = &view.deadline { dt { (v.t("req-deadline")) } dd { (ltr_value(d)) @if let Some(n) = view.days_left { " " bdi { "(" (v.n("days-left", n.max(0) as u64)) ")" } } } }
                }
            }
            div class="card" {
                h2 { (v.t("case-description")) }
                pre class="text" dir="auto" { (serde_json::to_string_pretty(&view.description).unwrap_or_default()) }
            }
        }
        section {
            h2 { (v.t("req-items")) }
            @if view.items.is_empty() { p { (v.t("dash-none")) } } @else {
                table {
                    thead { tr { th { (v.t("col-item")) } th { (v.t("case-status")) } th { (v.t("items-originator")) } th { (v.t("req-reason")) } } }
                    tbody {
                        @for i in &view.items {
                            tr {
                                td { (item_ref(&v, &i.sha256, &names)) }
                                td { (request_state(&v, i.status.as_str())) }
                                td { @for (n, o) in i.originators.iter().enumerate() { @if n > 0 { ", " } bdi { (o) } } }
                                td { (item_reason(&v, i.reason.as_deref().unwrap_or(""))) }
                            }
                        }
                    }
                }
            }
        }
        @if !view.packages.is_empty() {
            section {
                h2 { (v.t("req-packages")) }
                ul { @for p in &view.packages { li { a href={(base) "/packages/" (encode(p))} download { (p) ".zip" } } } }
            }
        }
        @if open && custodian {
            section class="cards" {
                form method="post" action={(base) "/scope"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for="items" { (v.t("req-scope")) }
                    textarea id="items" name="items" rows="4" class="mono" {}
                    button type="submit" { (v.t("req-scope-button")) }
                }
                form method="post" action={(base) "/finalise"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    p { (v.args("req-finalise_note", &[("authority", view.authority.as_str().into())])) }
                    button type="submit" { (v.t("req-finalise")) }
                }
            }
        }
        @if open && liaison {
            section {
                h2 { (v.t("req-decide")) }
                form method="post" action={(base) "/decide"} class="card" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    fieldset {
                        legend { (v.t("req-decide")) }
                        label { input type="radio" name="decision" value="grant" required; " " (v.t("req-grant")) }
                        label { input type="radio" name="decision" value="refuse"; " " (v.t("req-refuse")) }
                    }
                    label for="reason" { (v.t("req-reason")) }
                    input id="reason" name="reason";
                    button type="submit" { (v.t("req-decide")) }
                }
            }
        }
        section {
            h2 { (v.t("req-states")) }
            ol { @for s in &view.states { li { (request_state(&v, &s.state)) " — " (v.args("req-filed_by", &[("at", s.at.as_str().into()), ("by", s.by.as_str().into())])) @if let Some(n) = &s.note { " (" bdi { (n) } ")" } } } }
        }
    };
    layout(
        &v,
        &format!("{} · {}", v.t("req-title"), view.id),
        "requests",
        &base,
        body,
    )
}

/// Why an item is not ready, in the viewer's language: the vault gives its reason in English
/// (as the API does), in one of a few forms; the names in it are kept, isolated.
fn item_reason(v: &Viewer, reason: &str) -> Markup {
    let names = |list: &str| list.split("; ").map(str::to_owned).collect::<Vec<_>>();
    if let Some(list) = reason.strip_prefix("awaiting consent of ") {
        let names = names(list);
        return html! { (v.t("req-reason-awaiting")) " " @for (i, n) in names.iter().enumerate() { @if i > 0 { "; " } bdi { (n) } } };
    }
    if let Some(rest) = reason.strip_prefix("refused by ") {
        let (originator, why) = rest.split_once(": ").unwrap_or((rest, ""));
        return html! { (v.t("req-reason-refused")) " " bdi { (originator) } ": " bdi { (why) } };
    }
    if let Some(rest) = reason.strip_prefix("restricted by ") {
        let originator = rest
            .strip_suffix(" to the holder's custodians")
            .unwrap_or(rest);
        return html! { (v.t("req-reason-restricted")) " " bdi { (originator) } };
    }
    match reason {
        "a witness's own consent does not extend to this recipient" => {
            html! { (v.t("req-reason-witness")) }
        }
        "no such item" => html! { (v.t("req-reason-no_item")) },
        other => html! { bdi { (other) } },
    }
}

#[derive(Deserialize)]
pub struct ScopeForm {
    csrf: String,
    items: String,
}

pub async fn request_scope(
    State(state): State<AppState>,
    v: Viewer,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ScopeForm>,
) -> Response {
    let mut hashes = Vec::new();
    for word in form.items.split_whitespace() {
        match word.parse::<ContentHash>() {
            Ok(h) => hashes.push(h),
            Err(_) => {
                return error_page(
                    &v,
                    StatusCode::BAD_REQUEST,
                    &format!("`{word}` is not a SHA-256"),
                );
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
    v: Viewer,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecideForm>,
) -> Response {
    let grant = match form.decision.as_str() {
        "grant" => true,
        "refuse" => false,
        _ => return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-decision")),
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
    v: Viewer,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Response {
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

super::csrf_field!(RequestForm, ScopeForm, DecideForm);
