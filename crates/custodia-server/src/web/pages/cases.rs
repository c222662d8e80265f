//! Cases: the list of cases the viewer may read, and a case's page: the proof matrix (crime →
//! elements → evidence, each status as a colour and as words), the gaps, the timeline drawn in
//! SVG, the incidents and linked items on the map, and forms to lay charges, add incidents and
//! link items. The same drawings make the printable case file (`custodia case report`), which
//! carries its own style and the world outline so that it opens offline, anywhere.
//!
//! Everything shown comes from [`CaseAnalysis`], computed by the vault for the viewer: links to
//! items they may not read are absent, and the page says when something was withheld.

use std::fmt::Write as _;

use custodia_vault::custodia_cases::{
    Assessment, ElementStatus, EventKind, FeatureCollection, Matrix, PartialDate, Strength,
    Timeline,
};
use custodia_vault::{CaseAnalysis, CaseItemProof};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::short;
use crate::web::{map, Lang};

/// Events drawn with a label on the timeline; the others are marks with a tooltip, and all are
/// in the list beneath it.
const LABELLED_EVENTS: usize = 24;
/// Events listed under the timeline before "and N more".
const LISTED_EVENTS: usize = 200;

fn status_label(lang: Lang, status: ElementStatus) -> &'static str {
    lang.t(match status {
        ElementStatus::Unproven => "case.status.unproven",
        ElementStatus::Weak => "case.status.weak",
        ElementStatus::Supported => "case.status.supported",
        ElementStatus::Contested => "case.status.contested",
    })
}

fn assessment_label(lang: Lang, assessment: Assessment) -> &'static str {
    lang.t(match assessment {
        Assessment::Supports => "case.supports",
        Assessment::Contradicts => "case.contradicts",
        Assessment::Context => "case.context",
    })
}

fn strength_label(lang: Lang, strength: Strength) -> &'static str {
    lang.t(match strength {
        Strength::Weak => "case.weak",
        Strength::Medium => "case.medium",
        Strength::Strong => "case.strong",
    })
}

/// The matrix: one table per charge, a row per element with its status and the links that bear
/// on it; then the gaps. `item_links`: whether item hashes link to the item pages.
pub(crate) fn matrix_markup(lang: Lang, matrix: &Matrix<'_>, item_links: bool) -> Markup {
    html! {
        @if matrix.withheld {
            p class="notice" role="note" { (lang.t("case.withheld")) }
        }
        @if matrix.charges.is_empty() {
            p { (lang.t("case.no_charges")) }
        }
        @for charge in &matrix.charges {
            section class="charge" aria-labelledby={"charge-" (charge.charge)} {
                h3 id={"charge-" (charge.charge)} {
                    (charge.charge) " · " bdi { (charge.crime) } " " (charge.title)
                    @if let Some(mode) = &charge.mode_of_liability { " + " bdi { (mode) } }
                    @if let Some(suspect) = &charge.suspect { " — " bdi { (suspect) } }
                }
                table class="matrix" {
                    thead { tr {
                        th scope="col" { (lang.t("case.element")) }
                        th scope="col" { (lang.t("case.text")) }
                        th scope="col" { (lang.t("case.status")) }
                        th scope="col" { (lang.t("case.evidence")) }
                    } }
                    tbody {
                        @for element in &charge.elements {
                            tr class={"status-" (element.status.as_str())} {
                                th scope="row" {
                                    bdi { (element.id) } br;
                                    small { (element.kind.as_str()) }
                                }
                                td { (element.text) }
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
                                                    a href={"/items/" (link.item)} { code { (short(&link.item)) } }
                                                } @else {
                                                    code { (short(&link.item)) }
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
        h3 id="gaps" { (lang.t("case.gaps")) " (" (matrix.gaps.len()) ")" }
        @if matrix.gaps.is_empty() {
            p { (lang.t("case.no_gaps")) }
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
        "{}: {} {}",
        lang.t("case.timeline"),
        timeline.events.len(),
        lang.t("case.events")
    );
    html! {
        @if timeline.withheld {
            p class="notice" role="note" { (lang.t("case.withheld")) }
        }
        figure class="timeline" {
            svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(label) direction="ltr" {
                text x="4" y="64" class="lane" { (lang.t("case.incidents")) }
                text x="4" y="124" class="lane" { (lang.t("case.items")) }
                (PreEscaped(svg))
            }
            figcaption {
                (timeline.events.len()) " " (lang.t("case.events"))
                @if timeline.undated > 0 { " · " (timeline.undated) " " (lang.t("case.undated")) }
            }
        }
        ol class="events" {
            @for event in timeline.events.iter().take(LISTED_EVENTS) {
                li {
                    time { (event.date) @if let Some(to) = event.to { " – " (to) } }
                    " · " (match event.kind { EventKind::Incident => lang.t("case.incident"), EventKind::Item => lang.t("case.item") })
                    " · " bdi { (event.id) } " · " bdi { (event.title) }
                }
            }
        }
        @if timeline.events.len() > LISTED_EVENTS {
            p { "… " (timeline.events.len() - LISTED_EVENTS) " " (lang.t("case.more")) }
        }
    }
}

/// The map: the features of `map` on the world outline, zoomed to them, each point with a disc
/// of its precision. `inline_outline`: the outline drawn into the SVG (a file that must open
/// alone) rather than referred to (a page of this server).
pub(crate) fn map_markup(lang: Lang, map: &FeatureCollection, inline_outline: bool) -> Markup {
    let points: Vec<(f64, f64, f64, String)> = map
        .features
        .iter()
        .map(|f| {
            let [lon, lat] = f.geometry.coordinates;
            let precision = f.properties["precision_m"].as_f64().unwrap_or(0.0);
            let title = f.properties["title"].as_str().unwrap_or(&f.id).to_owned();
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
        let _ = maud::Escaper::new(&mut escaped)
            .write_str(&format!("{title} · {lat:.5}, {lon:.5} · ± {precision} m"));
        // A degree of latitude is about 111 km.
        let disc = precision / 111_000.0;
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
        "{}: {} {}",
        lang.t("case.map"),
        points.len(),
        lang.t("case.places")
    );
    html! {
        figure class="map case-map" {
            svg viewBox=(format!("{:.4} {:.4} {:.4} {:.4}", view.0, view.1, view.2, view.3)) role="img" aria-label=(label) {
                (PreEscaped(outline))
                (PreEscaped(marks))
            }
            figcaption { (points.len()) " " (lang.t("case.places")) }
        }
        ul class="places" {
            @for (lat, lon, precision, title) in &points {
                li { bdi { (title) } " · " (format!("{lat:.5}, {lon:.5}")) " · ± " (precision) " m" }
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
                title { (lang.t("case.file")) " · " (case) }
                style { (PreEscaped(REPORT_STYLE)) }
            }
            body {
                h1 { (lang.t("case.file")) " · " bdi { (case) } }
                @if let Some(title) = &analysis.title { p { bdi { (title) } } }
                p { (lang.t("case.report_note")) }
                h2 { (lang.t("case.matrix")) }
                (matrix_markup(lang, &matrix, false))
                h2 { (lang.t("case.timeline")) }
                (timeline_markup(lang, &timeline))
                h2 { (lang.t("case.map")) }
                (map_markup(lang, &geojson, true))
                h2 { (lang.t("case.items")) }
                table {
                    thead { tr {
                        th { (lang.t("case.item")) }
                        th { "SHA-256" }
                        th { (lang.t("case.proof")) }
                        th { (lang.t("case.links")) }
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
