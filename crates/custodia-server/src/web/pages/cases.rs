//! Cases: the list of cases the viewer may read, and a case's page: the proof matrix (crime →
//! elements → evidence, each status as a colour and as words), the gaps, the timeline drawn in
//! SVG, the incidents and linked items on the map, and forms to lay charges, add incidents and
//! link items. The same drawings make the printable case file (`custodia case report`), which
//! carries its own style and the world outline so that it opens offline, anywhere.
//!
//! Everything shown comes from [`CaseAnalysis`], computed by the vault for the viewer: links to
//! items they may not read are absent, and the page says when something was withheld.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::custodia_access::{decide_case, CaseAction};
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::custodia_cases::{
    Assessment, ElementStatus, EventKind, FeatureCollection, Location, Matrix, PartialDate,
    Strength, Timeline,
};
use custodia_vault::{CaseAnalysis, CaseItemProof, NewIncident, NewLink};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use super::{copy_hash_in, csrf_field, hash, names_of, refused, short, value, CsrfForm};
use crate::web::{encode, error_page, layout, map, Lang, Viewer};
use crate::AppState;

/// Events drawn with a label on the timeline; the others are marks with a tooltip, and all are
/// in the list beneath it.
const LABELLED_EVENTS: usize = 24;
/// Events listed under the timeline before "and N more".
const LISTED_EVENTS: usize = 200;

fn status_label(lang: Lang, status: ElementStatus) -> &'static str {
    lang.t(match status {
        ElementStatus::Unproven => "case-status-unproven",
        ElementStatus::Weak => "case-status-weak",
        ElementStatus::Supported => "case-status-supported",
        ElementStatus::Contested => "case-status-contested",
    })
}

fn assessment_label(lang: Lang, assessment: Assessment) -> &'static str {
    lang.t(match assessment {
        Assessment::Supports => "case-supports",
        Assessment::Contradicts => "case-contradicts",
        Assessment::Context => "case-context",
    })
}

fn strength_label(lang: Lang, strength: Strength) -> &'static str {
    lang.t(match strength {
        Strength::Weak => "case-weak",
        Strength::Medium => "case-medium",
        Strength::Strong => "case-strong",
    })
}

/// The matrix: one table per charge, a row per element with its status and the links that bear
/// on it; then the gaps. `item_links`: whether items link to their pages (by their file names,
/// from `names`, with a button that copies the full hash), or show as their short hashes (the
/// printed case file).
pub(crate) fn matrix_markup(
    lang: Lang,
    matrix: &Matrix<'_>,
    item_links: bool,
    names: &std::collections::BTreeMap<String, String>,
) -> Markup {
    html! {
        @if matrix.withheld {
            p class="notice" role="note" { (lang.t("case-withheld")) }
        }
        @if matrix.charges.is_empty() {
            p { (lang.t("case-no_charges")) }
        }
        @for charge in &matrix.charges {
            section class="charge" aria-labelledby={"charge-" (charge.charge)} {
                h3 id={"charge-" (charge.charge)} {
                    (charge.charge) " · " bdi { (charge.crime) } " " bdi { (charge.title) }
                    @if let Some(mode) = &charge.mode_of_liability { " + " bdi { (mode) } }
                    @if let Some(suspect) = &charge.suspect { " — " bdi { (suspect) } }
                }
                table class="matrix" {
                    thead { tr {
                        th scope="col" { (lang.t("case-element")) }
                        th scope="col" { (lang.t("case-text")) }
                        th scope="col" { (lang.t("case-status")) }
                        th scope="col" { (lang.t("case-evidence")) }
                    } }
                    tbody {
                        @for element in &charge.elements {
                            tr class={"status-" (element.status.as_str())} {
                                th scope="row" {
                                    bdi { (element.id) } br;
                                    small { (match element.kind.as_str() {
                                        "material" => lang.t("case-kind-material"),
                                        "mental" => lang.t("case-kind-mental"),
                                        "contextual" => lang.t("case-kind-contextual"),
                                        other => other,
                                    }) }
                                }
                                td { bdi { (element.text) } }
                                td class="status" {
                                    span class={"dot " (element.status.as_str())} aria-hidden="true" {}
                                    (status_label(lang, element.status))
                                }
                                td {
                                    @if element.links.is_empty() { "—" }
                                    ul class="links" {
                                        @for link in &element.links {
                                            li {
                                                (link.link) " · "
                                                @if item_links {
                                                    a href={"/items/" (link.item)} {
                                                        @if let Some(name) = names.get(link.item.as_ref()) { (value(name)) " " }
                                                        code { (hash(&link.item)) }
                                                    }
                                                    " " (copy_hash_in(lang, &link.item))
                                                } @else {
                                                    code { (hash(&link.item)) }
                                                }
                                                " · " (assessment_label(lang, link.assessment))
                                                ", " (strength_label(lang, link.strength))
                                                @if let Some(incident) = &link.incident { " · " (incident) }
                                                @if let Some(excerpt) = &link.excerpt {
                                                    blockquote { bdi { (excerpt) } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h3 id="gaps" { (lang.t("case-gaps")) " (" (matrix.gaps.len()) ")" }
        @if matrix.gaps.is_empty() {
            p { (lang.t("case-no_gaps")) }
        } @else {
            ul class="gaps" {
                @for gap in &matrix.gaps {
                    li { (gap.charge) " · " bdi { (gap.element) } }
                }
            }
        }
    }
}

/// A date's place on a continuous scale, in years.
fn year_position(date: PartialDate) -> f64 {
    let month = date.month().map(|m| f64::from(m) - 1.0).unwrap_or(0.0);
    let day = date.day().map(|d| f64::from(d) - 1.0).unwrap_or(0.0);
    f64::from(date.year()) + month / 12.0 + day / 365.0
}

/// The timeline in SVG (left to right in every language: it is a time axis, not text) with the
/// events listed beneath it for keyboards and screen readers.
pub(crate) fn timeline_markup(lang: Lang, timeline: &Timeline) -> Markup {
    let (width, height) = (1000.0, 170.0);
    let (left, right) = (20.0, 980.0);
    let lanes = [(EventKind::Incident, 60.0), (EventKind::Item, 120.0)];
    let positions: Vec<f64> = timeline
        .events
        .iter()
        .map(|e| year_position(e.date))
        .collect();
    let (first, last) = positions
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &p| (a.min(p), b.max(p)));
    let (first, last) = if positions.is_empty() {
        (0.0, 1.0)
    } else if last - first < 1.0 / 12.0 {
        (first - 1.0 / 24.0, last + 1.0 / 24.0)
    } else {
        (first, last)
    };
    let x = |p: f64| left + (p - first) / (last - first) * (right - left);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"150\" x2=\"{right}\" y2=\"150\" class=\"axis\"/>"
    );
    // Year ticks, at most a dozen.
    let (first_year, last_year) = (first.floor() as i64, last.ceil() as i64);
    let step = ((last_year - first_year) / 12).max(1);
    let mut year = first_year;
    while year <= last_year {
        let p = year as f64;
        if p >= first && p <= last {
            let px = x(p);
            let _ = write!(
                svg,
                "<line x1=\"{px:.1}\" y1=\"146\" x2=\"{px:.1}\" y2=\"154\" class=\"axis\"/>\
                 <text x=\"{px:.1}\" y=\"166\" class=\"tick\">{year}</text>"
            );
        }
        year += step;
    }
    for (index, (event, p)) in timeline.events.iter().zip(&positions).enumerate() {
        let lane = lanes
            .iter()
            .find(|(kind, _)| *kind == event.kind)
            .map(|(_, y)| *y)
            .unwrap_or(60.0);
        let px = x(*p);
        let mut escaped = String::new();
        let _ = maud::Escaper::new(&mut escaped)
            .write_str(&format!("{} · {} · {}", event.date, event.id, event.title));
        let class = match event.kind {
            EventKind::Incident => "incident",
            EventKind::Item => "item",
        };
        let _ = write!(svg, "<g class=\"{class}\"><title>{escaped}</title>");
        if let Some(to) = event.to {
            let end = x(year_position(to));
            let _ = write!(
                svg,
                "<line x1=\"{px:.1}\" y1=\"{lane}\" x2=\"{end:.1}\" y2=\"{lane}\" class=\"span\"/>"
            );
        }
        let _ = write!(svg, "<circle cx=\"{px:.1}\" cy=\"{lane}\" r=\"5\"/>");
        if index < LABELLED_EVENTS {
            let mut label = String::new();
            let short_title: String = event.title.chars().take(24).collect();
            let _ = maud::Escaper::new(&mut label).write_str(&short_title);
            let ly = lane - 10.0 - (index % 3) as f64 * 12.0;
            let _ = write!(
                svg,
                "<text x=\"{px:.1}\" y=\"{ly}\" class=\"label\">{label}</text>"
            );
        }
        svg.push_str("</g>");
    }
    let label = format!(
        "{}: {}",
        lang.t("case-timeline"),
        lang.n("case-events", timeline.events.len() as u64)
    );
    html! {
        @if timeline.withheld {
            p class="notice" role="note" { (lang.t("case-withheld")) }
        }
        figure class="timeline" {
            svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(label) direction="ltr" {
                text x="4" y="64" class="lane" { (lang.t("case-incidents")) }
                text x="4" y="124" class="lane" { (lang.t("case-items")) }
                (PreEscaped(svg))
            }
            figcaption {
                (lang.n("case-events", timeline.events.len() as u64))
                @if timeline.undated > 0 { " · " (lang.n("case-undated", timeline.undated as u64)) }
            }
        }
        ol class="events" {
            @for event in timeline.events.iter().take(LISTED_EVENTS) {
                li {
                    time { (super::ltr_value(&match &event.to { Some(to) => format!("{} – {to}", event.date), None => event.date.to_string() })) }
                    " · " (match event.kind { EventKind::Incident => lang.t("case-incident"), EventKind::Item => lang.t("case-item") })
                    " · " bdi { (event.id) } " · " bdi { (event.title) }
                }
            }
        }
        @if timeline.events.len() > LISTED_EVENTS {
            p { "… " (lang.n("case-more", (timeline.events.len() - LISTED_EVENTS) as u64)) }
        }
    }
}

/// The map: the features of `map` on the world outline, zoomed to them, each point with a disc
/// of its precision. `inline_outline`: the outline drawn into the SVG (a file that must open
/// alone) rather than referred to (a page of this server).
pub(crate) fn map_markup(lang: Lang, map: &FeatureCollection, inline_outline: bool) -> Markup {
    // A place without a stated precision (a reporter's position) has no disc and no ±.
    let points: Vec<(f64, f64, Option<f64>, String)> = map
        .features
        .iter()
        .map(|f| {
            let [lon, lat] = f.geometry.coordinates;
            let precision = f.properties.get("precision_m").and_then(|p| p.as_f64());
            let title = f
                .properties
                .get("title")
                .and_then(|t| t.as_str())
                .unwrap_or(&f.id)
                .to_owned();
            (lat, lon, precision, title)
        })
        .collect();
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (360.0f64, 180.0f64, 0.0f64, 0.0f64);
    for (lat, lon, _, _) in &points {
        let (x, y) = map::project(*lat, *lon);
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        min_y = min_y.min(y);
        max_y = max_y.max(y);
    }
    let view = if points.is_empty() {
        (0.0, 0.0, 360.0, 180.0)
    } else {
        // At least two degrees across, with a margin, kept to the 2 : 1 shape of the canvas.
        let span = ((max_x - min_x).max((max_y - min_y) * 2.0) * 1.3).max(2.0);
        let (cx, cy) = ((min_x + max_x) / 2.0, (min_y + max_y) / 2.0);
        (cx - span / 2.0, cy - span / 4.0, span, span / 2.0)
    };
    let scale = view.2 / 360.0;
    let mut marks = String::new();
    for (lat, lon, precision, title) in &points {
        let (x, y) = map::project(*lat, *lon);
        let mut escaped = String::new();
        let label = match precision {
            Some(metres) => format!("{title} · {lat:.5}, {lon:.5} · ± {metres} m"),
            None => format!("{title} · {lat:.5}, {lon:.5}"),
        };
        let _ = maud::Escaper::new(&mut escaped).write_str(&label);
        // A degree of latitude is about 111 km.
        let disc = precision.unwrap_or(0.0) / 111_000.0;
        let _ = write!(
            marks,
            "<g><title>{escaped}</title><circle cx=\"{x:.5}\" cy=\"{y:.5}\" r=\"{disc:.6}\" class=\"precision\"/>\
             <circle cx=\"{x:.5}\" cy=\"{y:.5}\" r=\"{:.5}\" class=\"pin\"/></g>",
            4.0 * scale
        );
    }
    let outline = if inline_outline {
        map::world_svg()
            .replacen(
                "<svg ",
                "<svg x=\"0\" y=\"0\" width=\"360\" height=\"180\" ",
                1,
            )
            .replace(
                "stroke-width=\"0.3\"",
                "stroke-width=\"1\" vector-effect=\"non-scaling-stroke\"",
            )
    } else {
        "<image href=\"/assets/world.svg\" x=\"0\" y=\"0\" width=\"360\" height=\"180\"/>"
            .to_owned()
    };
    let label = format!(
        "{}: {}",
        lang.t("case-map"),
        lang.n("case-places", points.len() as u64)
    );
    html! {
        figure class="map case-map" {
            svg viewBox=(format!("{:.4} {:.4} {:.4} {:.4}", view.0, view.1, view.2, view.3)) role="img" aria-label=(label) {
                (PreEscaped(outline))
                (PreEscaped(marks))
            }
            figcaption { (lang.n("case-places", points.len() as u64)) }
        }
        ul class="places" {
            @for (lat, lon, precision, title) in &points {
                li {
                    bdi { (title) } " · " (super::ltr_value(&format!("{lat:.5}, {lon:.5}")))
                    @if let Some(metres) = precision { " · " (super::ltr_value(&format!("± {metres} m"))) }
                }
            }
        }
    }
}

const REPORT_STYLE: &str = r#"
body { font: 11pt/1.45 system-ui, sans-serif; margin: 2rem; color: #1b2733; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 2px solid #1b2733; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #c5ced6; padding: .3rem .5rem; text-align: start; vertical-align: top; }
.dot { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-inline-end: .4em; }
.dot.unproven { background: #b3261e; } .dot.weak { background: #b26a00; }
.dot.supported { background: #1e7b34; } .dot.contested { background: #6a3fb5; }
ul.links { margin: 0; padding-inline-start: 1rem; } blockquote { margin: .2rem 0; font-style: italic; }
.notice { border-inline-start: 6px solid #b26a00; padding: .4rem .8rem; background: #fff6e5; }
figure { margin: 1rem 0; } svg { width: 100%; height: auto; border: 1px solid #c5ced6; }
.timeline .axis { stroke: #1b2733; } .timeline .tick, .timeline .lane, .timeline .label { font-size: 10px; fill: #1b2733; }
.timeline .tick { text-anchor: middle; } .timeline .incident circle { fill: #b3261e; }
.timeline .item circle { fill: #1f5fa8; } .timeline .span { stroke: #b3261e; stroke-width: 4; opacity: .4; }
.map .pin { fill: #b3261e; stroke: #fff; } .map .precision { fill: #b3261e; opacity: .2; }
code { font-size: 9pt; word-break: break-all; }
@media print { body { margin: 0; } section.charge, figure { break-inside: avoid; } }
"#;

/// The printable case file: the matrix, the timeline, the map and each linked item with its
/// custody proof reference, as one HTML document with its own style and drawings.
pub fn case_report(analysis: &CaseAnalysis, proofs: &[CaseItemProof]) -> String {
    let lang = Lang::En;
    let matrix = analysis.matrix();
    let timeline = analysis.timeline();
    let geojson = analysis.geojson();
    let case = &analysis.case.case;
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (lang.t("case-file")) " · " (case) }
                style { (PreEscaped(REPORT_STYLE)) }
            }
            body {
                h1 { (lang.t("case-file")) " · " bdi { (case) } }
                @if let Some(title) = &analysis.title { p { bdi { (title) } } }
                p { (lang.t("case-report_note")) }
                h2 { (lang.t("case-matrix")) }
                (matrix_markup(lang, &matrix, false, &Default::default()))
                h2 { (lang.t("case-timeline")) }
                (timeline_markup(lang, &timeline))
                h2 { (lang.t("case-map")) }
                (map_markup(lang, &geojson, true))
                h2 { (lang.t("case-items")) }
                table {
                    thead { tr {
                        th { (lang.t("case-item")) }
                        th { "SHA-256" }
                        th { (lang.t("case-proof")) }
                        th { (lang.t("case-links")) }
                    } }
                    tbody {
                        @for proof in proofs {
                            tr {
                                td { bdi { (proof.title) } }
                                td { code { (proof.sha256) } }
                                td {
                                    @match proof.ledger_index {
                                        Some(index) => { "custodia log prove --entry " (index) }
                                        None => { "—" }
                                    }
                                }
                                td { (proof.links.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// `/cases`: the cases whose analysis the viewer may read.
pub async fn cases(State(state): State<AppState>, v: Viewer) -> Response {
    let user = v.user.clone();
    let rows = match state
        .with_reader(move |vault| Ok(vault.analysable_cases(&user)?))
        .await
    {
        Ok(rows) => rows,
        Err(e) => return refused(&v, e),
    };
    let body = html! {
        @if rows.is_empty() {
            p { (v.t("cases-none")) }
        } @else {
            ul class="cases" {
                @for case in &rows {
                    li {
                        a href={"/cases/" (encode(&case.reference))} { bdi { (case.reference) } }
                        @if let Some(title) = &case.title { " · " bdi { (title) } }
                    }
                }
            }
        }
    };
    layout(&v, v.t("cases-title"), "cases", "/cases", body)
}

/// `/cases/{case}`: the case's page.
pub async fn case(
    State(state): State<AppState>,
    v: Viewer,
    Path(reference): Path<String>,
) -> Response {
    let user = v.user.clone();
    let case_ref = reference.clone();
    let (analysis, names) = match state
        .with_reader(move |vault| {
            let analysis = vault.case_analysis(&user, &case_ref)?;
            let names = names_of(
                vault,
                &user,
                analysis.case.links.iter().map(|l| l.item.as_str()),
            );
            Ok((analysis, names))
        })
        .await
    {
        Ok(found) => found,
        Err(e) => return refused(&v, e),
    };
    let may_change = decide_case(&v.who, CaseAction::ChangeAnalysis, &reference).allowed;
    let matrix = analysis.matrix();
    let timeline = analysis.timeline();
    let geojson = analysis.geojson();
    let here = format!("/cases/{}", encode(&reference));
    let elements: Vec<(String, String)> = analysis
        .case
        .charges
        .iter()
        .flat_map(|c| {
            c.elements.iter().map(move |e| {
                (
                    e.id.clone(),
                    format!("{} · {} {}", c.charge, e.id, short_text(&e.text)),
                )
            })
        })
        .collect();
    let body = html! {
        @if let Some(title) = &analysis.title { p class="lead" { bdi { (title) } } }
        nav class="toc" aria-label=(v.t("case-title")) {
            a href="#matrix" { (v.t("case-matrix")) } " · "
            a href="#gaps" { (v.t("case-gaps")) } " · "
            a href="#timeline" { (v.t("case-timeline")) } " · "
            a href="#map" { (v.t("case-map")) } " · "
            a href={"/api/v1/cases/" (encode(&reference)) "/map"} { (v.t("case-geojson")) }
        }
        section id="matrix" aria-labelledby="matrix-title" {
            h2 id="matrix-title" { (v.t("case-matrix")) }
            (matrix_markup(v.lang, &matrix, true, &names))
        }
        section id="timeline" aria-labelledby="timeline-title" {
            h2 id="timeline-title" { (v.t("case-timeline")) }
            (timeline_markup(v.lang, &timeline))
        }
        section id="map" aria-labelledby="map-title" {
            h2 id="map-title" { (v.t("case-map")) }
            (map::live(v.lang, &serde_json::to_value(&geojson).unwrap_or_default(), state.tiles.as_deref()))
            (map_markup(v.lang, &geojson, false))
        }
        @if may_change {
            section class="forms" {
                details {
                    summary { (v.t("case-add_charge")) }
                    form method="post" action={(here) "/charges"} class="stack" {
                        input type="hidden" name="csrf" value=(v.csrf);
                        label for="crime" { (v.t("case-crime")) }
                        input id="crime" name="crime" required placeholder="7(1)(a)" list="crime-codes";
                        label for="mode" { (v.t("case-mode")) }
                        input id="mode" name="mode" placeholder="25(3)(a)-2";
                        label for="suspect" { (v.t("case-suspect")) }
                        input id="suspect" name="suspect";
                        button type="submit" { (v.t("case-save")) }
                    }
                }
                details {
                    summary { (v.t("case-add_incident")) }
                    form method="post" action={(here) "/incidents"} class="stack" {
                        input type="hidden" name="csrf" value=(v.csrf);
                        label for="title" { (v.t("case-incident_title")) }
                        input id="title" name="title" required;
                        label for="from" { (v.t("case-from")) }
                        input id="from" name="from" required pattern="[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?";
                        label for="to" { (v.t("case-to")) }
                        input id="to" name="to" pattern="[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?";
                        label for="place" { (v.t("case-place")) }
                        input id="place" name="place";
                        label for="lat" { (v.t("case-lat")) }
                        input id="lat" name="lat" inputmode="decimal";
                        label for="lon" { (v.t("case-lon")) }
                        input id="lon" name="lon" inputmode="decimal";
                        label for="precision" { (v.t("case-precision")) }
                        input id="precision" name="precision" inputmode="decimal" placeholder="1000";
                        label for="description" { (v.t("case-description")) }
                        textarea id="description" name="description" rows="3" {}
                        button type="submit" { (v.t("case-save")) }
                    }
                }
                details {
                    summary { (v.t("case-link_item")) }
                    (link_fields(&v, &reference, None, &elements))
                }
                @if analysis.visible_links().next().is_some() {
                    details {
                        summary { (v.t("case-unlink")) }
                        form method="post" action={(here) "/unlink"} class="stack" {
                            input type="hidden" name="csrf" value=(v.csrf);
                            label for="link" { (v.t("case-links")) }
                            select id="link" name="link" {
                                @for link in analysis.visible_links() {
                                    option value=(link.link) { (link.link) " · " (link.element) " · " (short(link.item.as_str())) }
                                }
                            }
                            button type="submit" { (v.t("case-unlink")) }
                        }
                    }
                }
            }
        }
    };
    layout(
        &v,
        &format!("{} · {}", v.t("case-title"), reference),
        "cases",
        &here,
        body,
    )
}

fn short_text(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The form that links an item to an element: on a case's page (the item typed in) and on an
/// item's page (the case chosen, the element typed in).
fn link_fields(
    v: &Viewer,
    case: &str,
    item: Option<&str>,
    elements: &[(String, String)],
) -> Markup {
    html! {
        form method="post" action={"/cases/" (encode(case)) "/links"} class="stack" {
            input type="hidden" name="csrf" value=(v.csrf);
            @match item {
                Some(sha) => { input type="hidden" name="item" value=(sha); }
                None => {
                    label for="item" { "SHA-256" }
                    input id="item" name="item" required pattern="[0-9a-f]{64}" dir="ltr";
                }
            }
            label for="element" { (v.t("case-element_id")) }
            @if elements.is_empty() {
                input id="element" name="element" required dir="ltr";
            } @else {
                select id="element" name="element" required {
                    @for (id, label) in elements { option value=(id) { (label) } }
                }
            }
            label for="assessment" { (v.t("case-assessment")) }
            select id="assessment" name="assessment" {
                option value="supports" { (v.t("case-supports")) }
                option value="contradicts" { (v.t("case-contradicts")) }
                option value="context" { (v.t("case-context")) }
            }
            label for="strength" { (v.t("case-strength")) }
            select id="strength" name="strength" {
                option value="weak" { (v.t("case-weak")) }
                option value="medium" selected { (v.t("case-medium")) }
                option value="strong" { (v.t("case-strong")) }
            }
            label for="incident" { (v.t("case-incident")) }
            input id="incident" name="incident" placeholder="I1" dir="ltr";
            label for="excerpt" { (v.t("case-excerpt")) }
            textarea id="excerpt" name="excerpt" rows="2" {}
            label for="page" { (v.t("case-page")) }
            input id="page" name="page" inputmode="numeric";
            label for="note" { (v.t("case-note")) }
            input id="note" name="note";
            button type="submit" { (v.t("case-save")) }
        }
    }
}

/// The item page's section: link this item to an element of one of the viewer's cases.
pub(crate) fn item_link_section(v: &Viewer, sha: &str, cases: &[String]) -> Markup {
    html! {
        @if !cases.is_empty() {
            section id="link-case" aria-labelledby="link-case-title" {
                h2 id="link-case-title" { (v.t("case-link_item")) }
                @for case in cases {
                    details {
                        summary { (v.t("case-case")) " " bdi { (case) } }
                        (link_fields(v, case, Some(sha), &[]))
                    }
                }
            }
        }
    }
}

fn blank(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

#[derive(Deserialize)]
pub struct ChargeForm {
    csrf: String,
    crime: String,
    mode: Option<String>,
    suspect: Option<String>,
}

#[derive(Deserialize)]
pub struct IncidentForm {
    csrf: String,
    title: String,
    from: String,
    to: Option<String>,
    place: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    precision: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
pub struct LinkForm {
    csrf: String,
    item: String,
    element: String,
    assessment: String,
    strength: String,
    incident: Option<String>,
    excerpt: Option<String>,
    page: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    csrf: String,
    link: String,
}

csrf_field!(ChargeForm, IncidentForm, LinkForm, UnlinkForm);

fn back(case: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/cases/{}{anchor}", encode(case))).into_response()
}

pub async fn charge_submit(
    State(state): State<AppState>,
    v: Viewer,
    Path(case): Path<String>,
    CsrfForm(form): CsrfForm<ChargeForm>,
) -> Response {
    let (user, reference) = (v.user.clone(), case.clone());
    match state
        .with_vault(move |vault| {
            Ok(vault.add_charge(
                &user,
                &reference,
                form.crime.trim(),
                blank(form.suspect).as_deref(),
                blank(form.mode).as_deref().map(str::trim),
            )?)
        })
        .await
    {
        Ok(_) => back(&case, "#matrix"),
        Err(e) => refused(&v, e),
    }
}

pub async fn incident_submit(
    State(state): State<AppState>,
    v: Viewer,
    Path(case): Path<String>,
    CsrfForm(form): CsrfForm<IncidentForm>,
) -> Response {
    let date = |text: &str| text.trim().parse::<PartialDate>();
    let number = |text: Option<String>| blank(text).map(|t| t.trim().parse::<f64>());
    let from = match date(&form.from) {
        Ok(d) => d,
        Err(e) => return error_page(&v, StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let to = match blank(form.to).map(|t| date(&t)).transpose() {
        Ok(d) => d,
        Err(e) => return error_page(&v, StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let location = match (number(form.lat), number(form.lon), number(form.precision)) {
        (None, None, _) => None,
        (Some(Ok(lat)), Some(Ok(lon)), precision) => {
            let precision = match precision {
                None => 1000.0,
                Some(Ok(p)) => p,
                Some(Err(_)) => {
                    return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-precision"));
                }
            };
            match Location::new(lat, lon, precision) {
                Ok(l) => Some(l),
                Err(e) => return error_page(&v, StatusCode::BAD_REQUEST, &e.to_string()),
            }
        }
        _ => {
            return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-lat_lon"));
        }
    };
    let incident = NewIncident {
        title: form.title,
        from: Some(from),
        to,
        place: blank(form.place),
        location,
        description: blank(form.description),
    };
    let (user, reference) = (v.user.clone(), case.clone());
    match state
        .with_vault(move |vault| Ok(vault.add_incident(&user, &reference, incident)?))
        .await
    {
        Ok(_) => back(&case, "#timeline"),
        Err(e) => refused(&v, e),
    }
}

pub async fn link_submit(
    State(state): State<AppState>,
    v: Viewer,
    Path(case): Path<String>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Response {
    let Ok(item) = form.item.trim().parse::<ContentHash>() else {
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-not_sha256"));
    };
    let assessment = match form.assessment.as_str() {
        "supports" => Assessment::Supports,
        "contradicts" => Assessment::Contradicts,
        "context" => Assessment::Context,
        _ => {
            return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-assessment"));
        }
    };
    let strength = match form.strength.as_str() {
        "weak" => Strength::Weak,
        "medium" => Strength::Medium,
        "strong" => Strength::Strong,
        _ => return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-strength")),
    };
    let page = match blank(form.page)
        .map(|p| p.trim().parse::<u32>())
        .transpose()
    {
        Ok(p) => p,
        Err(_) => return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-page_number")),
    };
    let link = NewLink {
        element: form.element.trim().to_owned(),
        item,
        assessment,
        strength,
        charge: None,
        incident: blank(form.incident).map(|i| i.trim().to_owned()),
        excerpt: blank(form.excerpt),
        page,
        time: None,
        note: blank(form.note),
    };
    let (user, reference) = (v.user.clone(), case.clone());
    match state
        .with_vault(move |vault| Ok(vault.link_item(&user, &reference, link)?))
        .await
    {
        Ok(_) => back(&case, "#matrix"),
        Err(e) => refused(&v, e),
    }
}

pub async fn unlink_submit(
    State(state): State<AppState>,
    v: Viewer,
    Path(case): Path<String>,
    CsrfForm(form): CsrfForm<UnlinkForm>,
) -> Response {
    let (user, reference) = (v.user.clone(), case.clone());
    match state
        .with_vault(move |vault| Ok(vault.unlink_item(&user, &reference, form.link.trim())?))
        .await
    {
        Ok(_) => back(&case, "#matrix"),
        Err(e) => refused(&v, e),
    }
}
