//! Civilian-harm reports, for whoever assesses them: the reports on a map and in a table
//! (newest first, filtered by the outcome in force), one report whole with its assessments,
//! and the form that records an assessment. For the holder's harm assessors and custodians
//! only (`decide_harm`): anyone else is refused before the vault is asked, so a page never tells
//! them whether a reference exists.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::custodia_access::decide_harm;
use custodia_vault::custodia_cases::geo::{Feature, FeatureCollection, Point};
use custodia_vault::harm::{Assessment, HarmReportSummary, HarmReportView, STATUSES};
use maud::{html, Markup};
use serde::Deserialize;

use super::{
    count, csrf_field, hash_link, ltr_value, refused, time_markup, value, CsrfForm, PAGE_SIZE,
};
use crate::web::{encode, error_page, layout, map, Lang, Viewer};
use crate::AppState;

/// The refusal of a page to anyone but the holder's harm assessors and custodians.
fn not_for(v: &Viewer) -> Option<Response> {
    (!decide_harm(&v.who).allowed).then(|| error_page(v, StatusCode::FORBIDDEN, v.t("forbidden")))
}

/// A status (`pending` or an outcome) in the viewer's language; an unknown one as it is.
fn status_label(lang: Lang, status: &str) -> String {
    let key = match status {
        "pending" => "harm-status-pending",
        "credible" => "harm-status-credible",
        "not_credible" => "harm-status-not_credible",
        "duplicate" => "harm-status-duplicate",
        "insufficient_information" => "harm-status-insufficient_information",
        other => return other.to_owned(),
    };
    lang.t(key).to_owned()
}

fn report_href(reference: &str) -> String {
    format!("/harm/{}", encode(reference))
}

/// The reports that have a position, as map features titled by reference, place and date. A
/// reporter's position has no stated precision: the features carry none, and the map says none.
fn features(reports: &[(String, String, String, f64, f64)]) -> FeatureCollection {
    FeatureCollection {
        kind: "FeatureCollection",
        features: reports
            .iter()
            .map(|(reference, place, date, lat, lon)| {
                let mut properties = serde_json::Map::new();
                properties.insert(
                    "title".into(),
                    format!("{reference} · {place} · {date}").into(),
                );
                properties.insert("href".into(), report_href(reference).into());
                Feature {
                    kind: "Feature",
                    id: reference.clone(),
                    geometry: Point {
                        kind: "Point",
                        coordinates: [*lon, *lat],
                    },
                    properties,
                }
            })
            .collect(),
    }
}

/// The live map of `places` and, for readers without script, the SVG map after it.
fn map_section(v: &Viewer, state: &AppState, places: &FeatureCollection) -> Markup {
    html! {
        (map::live(v.lang, &serde_json::to_value(places).unwrap_or_default(), state.tiles.as_deref()))
        (super::cases::map_markup(v.lang, places, false))
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<usize>,
}

/// `/harm`: the reports, newest first (`?status=` one outcome, or `pending`), on a map and in a
/// table of 50 a page.
pub async fn harm_reports(
    State(state): State<AppState>,
    v: Viewer,
    Query(query): Query<ListQuery>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    let status = query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let user = v.user.clone();
    let wanted = status.clone();
    let mut reports: Vec<HarmReportSummary> = match state
        .with_reader(move |vault| Ok(vault.harm_list(&user, wanted.as_deref())?))
        .await
    {
        Ok(list) => list,
        Err(e) => return refused(&v, e),
    };
    reports.reverse();
    let placed: Vec<_> = reports
        .iter()
        .filter_map(|r| {
            Some((
                r.reference.clone(),
                r.place.clone(),
                r.date.clone(),
                r.lat?,
                r.lon?,
            ))
        })
        .collect();
    let places = features(&placed);
    let pages = reports.len().div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let shown = reports.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE);
    let filter = status.as_deref().unwrap_or("");
    let page_href = |n: usize| {
        if filter.is_empty() {
            format!("/harm?page={n}")
        } else {
            format!("/harm?status={}&page={n}", encode(filter))
        }
    };
    let body = html! {
        form method="get" action="/harm" class="inline" {
            label for="status" { (v.t("harm-filter")) }
            " "
            select id="status" name="status" {
                option value="" selected[filter.is_empty()] { (v.t("harm-all")) }
                @for s in std::iter::once("pending").chain(STATUSES.iter().copied()) {
                    option value=(s) selected[filter == s] { (status_label(v.lang, s)) }
                }
            }
            " "
            button type="submit" { (v.t("victims-show")) }
        }
        section id="map" aria-labelledby="map-title" {
            h2 id="map-title" {
                (v.t("harm-map")) " (" (count(&v, placed.len() as u64)) ")"
            }
            @if placed.len() < reports.len() {
                p class="muted" { (v.n("harm-unplaced", (reports.len() - placed.len()) as u64)) }
            }
            (map_section(&v, &state, &places))
        }
        section id="list" aria-labelledby="list-title" {
            h2 id="list-title" { (v.t("harm-list")) " (" (count(&v, reports.len() as u64)) ")" }
            @if reports.is_empty() {
                p { (v.t("harm-none")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (v.t("harm-reference")) }
                        th scope="col" { (v.t("harm-received")) }
                        th scope="col" { (v.t("report-date")) }
                        th scope="col" { (v.t("report-place")) }
                        th scope="col" { (v.t("report-killed")) }
                        th scope="col" { (v.t("report-injured")) }
                        th scope="col" { (v.t("victims-status")) }
                        th scope="col" { (v.t("harm-attachments")) }
                    } }
                    tbody {
                        @for r in shown {
                            tr {
                                td { a class="mono" href=(report_href(&r.reference)) { (ltr_value(&r.reference)) } }
                                td { (time_markup(&v, &r.received_at)) }
                                td { (ltr_value(&r.date)) }
                                td dir="auto" { (value(&r.place)) }
                                td { (count(&v, r.killed)) }
                                td { (count(&v, r.injured)) }
                                td { (status_label(v.lang, &r.status)) }
                                td { (count(&v, r.attachments as u64)) }
                            }
                        }
                    }
                }
                @if pages > 1 {
                    nav class="pages" aria-label=(v.t("harm-pages")) {
                        @if page > 1 { a href=(page_href(page - 1)) rel="prev" { (v.t("harm-previous")) } " " }
                        (count(&v, page as u64)) " / " (count(&v, pages as u64))
                        @if page < pages { " " a href=(page_href(page + 1)) rel="next" { (v.t("harm-next")) } }
                    }
                }
            }
        }
    };
    layout(&v, v.t("harm-title"), "harm", "/harm", body)
}

/// `/harm/{reference}`: one report whole, its assessments, and the form that records one.
pub async fn harm_report(
    State(state): State<AppState>,
    v: Viewer,
    Path(reference): Path<String>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    let user = v.user.clone();
    let asked = reference.clone();
    let view: HarmReportView = match state
        .with_reader(move |vault| Ok(vault.harm_show(&user, &asked)?))
        .await
    {
        Ok(view) => view,
        Err(e) => return refused(&v, e),
    };
    // The read of a reporter's contact is in the log before the page shows it.
    if let Err(e) = state
        .record_read(custodia_vault::Vault::harm_read_event(&v.user, &view))
        .await
    {
        return refused(&v, e);
    }
    let report = &view.report;
    let here = report_href(&report.reference);
    let position = report.lat.zip(report.lon);
    let body = html! {
        dl class="facts" {
            dt { (v.t("harm-reference")) } dd { (ltr_value(&report.reference)) }
            dt { (v.t("victims-status")) } dd { (status_label(v.lang, &view.status)) }
            dt { (v.t("harm-received")) } dd { (time_markup(&v, &report.received_at)) }
            dt { (v.t("report-date")) } dd { (ltr_value(&report.date)) }
            dt { (v.t("report-place")) } dd dir="auto" { (value(&report.place)) }
            dt { (v.t("harm-position")) }
            dd {
                @match position {
                    Some((lat, lon)) => { (ltr_value(&format!("{lat:.5}, {lon:.5}"))) }
                    None => { (v.t("harm-no_position")) }
                }
            }
            dt { (v.t("report-killed")) } dd { (count(&v, report.killed)) }
            dt { (v.t("report-injured")) } dd { (count(&v, report.injured)) }
            dt { (v.t("harm-contact")) }
            dd dir="auto" {
                @match &view.contact {
                    Some(contact) => { (value(contact)) }
                    None => { (v.t("harm-no_contact")) }
                }
            }
            dt { (v.t("harm-item")) }
            dd { (hash_link(&v, &view.item)) }
            dt { (v.t("harm-attachments")) }
            dd {
                @if view.attachments.is_empty() { (v.t("harm-no_attachments")) }
                @for sha in &view.attachments {
                    (hash_link(&v, sha)) " "
                }
            }
        }
        section id="description" aria-labelledby="description-title" {
            h2 id="description-title" { (v.t("report-description")) }
            p dir="auto" class="prose" { (report.description) }
        }
        @if let Some((lat, lon)) = position {
            section id="map" aria-labelledby="map-title" {
                h2 id="map-title" { (v.t("harm-position")) }
                (map_section(&v, &state, &features(&[(report.reference.clone(), report.place.clone(), report.date.clone(), lat, lon)])))
            }
        }
        section id="assessments" aria-labelledby="assessments-title" {
            h2 id="assessments-title" { (v.t("harm-assessments")) }
            @if view.assessments.is_empty() {
                p { (v.t("harm-not_assessed")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (v.t("harm-assessed_at")) }
                        th scope="col" { (v.t("harm-assessed_by")) }
                        th scope="col" { (v.t("harm-outcome")) }
                        th scope="col" { (v.t("report-killed")) }
                        th scope="col" { (v.t("report-injured")) }
                        th scope="col" { (v.t("harm-area")) }
                        th scope="col" { (v.t("report-date")) }
                        th scope="col" { (v.t("harm-public_summary")) }
                        th scope="col" { (v.t("harm-note")) }
                    } }
                    tbody {
                        @for a in &view.assessments {
                            tr {
                                td { (time_markup(&v, &a.assessed_at)) }
                                td { (value(&a.assessed_by)) }
                                td {
                                    (status_label(v.lang, &a.status))
                                    @if let Some(other) = &a.duplicate_of {
                                        " · " a class="mono" href=(report_href(other)) { (ltr_value(other)) }
                                    }
                                }
                                td { @if let Some(n) = a.killed { (count(&v, n)) } }
                                td { @if let Some(n) = a.injured { (count(&v, n)) } }
                                td dir="auto" { @if let Some(t) = &a.area { (value(t)) } }
                                td { @if let Some(d) = &a.date { (ltr_value(d)) } }
                                td dir="auto" { @if let Some(t) = &a.public_summary { (t) } }
                                td dir="auto" { @if let Some(t) = &a.note { (t) } }
                            }
                        }
                    }
                }
            }
        }
        section class="forms" {
            details {
                summary { (v.t("harm-assess")) }
                form method="post" action={(here) "/assess"} class="stack" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for="outcome" { (v.t("harm-outcome")) }
                    select id="outcome" name="status" required {
                        @for s in STATUSES {
                            option value=(s) { (status_label(v.lang, s)) }
                        }
                    }
                    label for="duplicate_of" { (v.t("harm-duplicate_of")) }
                    input id="duplicate_of" name="duplicate_of" dir="ltr";
                    label for="killed" { (v.t("report-killed")) }
                    input id="killed" name="killed" type="number" min="0" inputmode="numeric";
                    label for="injured" { (v.t("report-injured")) }
                    input id="injured" name="injured" type="number" min="0" inputmode="numeric";
                    label for="area" { (v.t("harm-area")) }
                    input id="area" name="area" dir="auto" aria-describedby="area-hint";
                    p id="area-hint" class="muted" { (v.t("harm-area_hint")) }
                    label for="date" { (v.t("report-date")) }
                    input id="date" name="date" type="date";
                    label for="public_summary" { (v.t("harm-public_summary")) }
                    textarea id="public_summary" name="public_summary" dir="auto" rows="3" {}
                    label for="note" { (v.t("harm-note")) }
                    textarea id="note" name="note" dir="auto" rows="3" aria-describedby="note-hint" {}
                    p id="note-hint" class="muted" { (v.t("harm-note_hint")) }
                    button type="submit" { (v.t("harm-record")) }
                }
            }
            p { a href="/harm" { (v.t("harm-back")) } }
        }
    };
    layout(
        &v,
        &format!("{} {}", v.t("harm-report"), report.reference),
        "harm",
        &here,
        body,
    )
}

#[derive(Deserialize)]
pub struct AssessForm {
    csrf: String,
    status: String,
    #[serde(default)]
    duplicate_of: String,
    #[serde(default)]
    killed: String,
    #[serde(default)]
    injured: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    public_summary: String,
    #[serde(default)]
    note: String,
}

csrf_field!(AssessForm);

/// An optional field of the form: `None` when left empty.
fn given(text: &str) -> Option<String> {
    Some(text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// `POST /harm/{reference}/assess`: records an assessment, then shows the report.
pub async fn assess_submit(
    State(state): State<AppState>,
    v: Viewer,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<AssessForm>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    // A count left empty is not assessed; anything else must be a whole number.
    let number = |text: &str| -> Result<Option<u64>, String> {
        given(text)
            .map(|t| t.parse::<u64>().map_err(|_| t))
            .transpose()
    };
    let counts = number(&form.killed)
        .map_err(|bad| (v.t("report-killed"), bad))
        .and_then(|killed| {
            number(&form.injured)
                .map(|injured| (killed, injured))
                .map_err(|bad| (v.t("report-injured"), bad))
        });
    let (killed, injured) = match counts {
        Ok(counts) => counts,
        Err((field, bad)) => {
            return error_page(
                &v,
                StatusCode::BAD_REQUEST,
                &format!("{field}: `{bad}` {}", v.t("harm-not_a_count")),
            )
        }
    };
    let assessment = Assessment {
        status: form.status.trim().to_owned(),
        duplicate_of: given(&form.duplicate_of),
        killed,
        injured,
        area: given(&form.area),
        date: given(&form.date),
        public_summary: given(&form.public_summary),
        note: given(&form.note),
    };
    let user = v.user.clone();
    let back = report_href(&reference);
    match state
        .with_vault(move |vault| Ok(vault.harm_assess(&user, &reference, assessment)?))
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}#assessments")).into_response(),
        Err(e) => refused(&v, e),
    }
}
