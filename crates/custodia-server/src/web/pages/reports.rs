//! Reports: the figures of `Vault::stats` for a chosen period (requests by authority, consent by
//! originator, holdings by originator and by type, cases by stage), each table with a bar chart
//! drawn here as inline SVG beside it (no script, no outside font), and each downloadable as
//! CSV. Whoever may not see statistics is refused before the vault is asked; the others see what
//! the vault scopes to them.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use custodia_vault::custodia_access::decide_statistics;
use custodia_vault::stats::{MonthCount, Stats};
use maud::{html, Markup};
use serde::Deserialize;

use super::{count, ltr_value, refused, value};
use crate::web::{error_page, layout, Viewer};
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

impl Period {
    fn days(&self) -> (Option<String>, Option<String>) {
        let clean = |d: &Option<String>| {
            d.as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
        };
        (clean(&self.from), clean(&self.to))
    }
}

/// One table: its title, its columns (the first names the row), its rows, and which column the
/// chart draws.
struct Table {
    name: &'static str,
    title: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    chart: usize,
}

fn days(d: Option<f64>) -> String {
    d.map(|d| format!("{d:.1}")).unwrap_or_default()
}

fn tables(s: &Stats) -> Vec<Table> {
    vec![
        Table {
            name: "authorities",
            title: "reports-authorities",
            columns: vec![
                "reports-authority",
                "reports-filed",
                "reports-finalised",
                "reports-open",
                "reports-withdrawn",
                "reports-median_days",
            ],
            rows: s
                .requests
                .by_authority
                .iter()
                .map(|a| {
                    vec![
                        a.authority.clone(),
                        a.filed.to_string(),
                        a.finalised.to_string(),
                        a.open.to_string(),
                        a.withdrawn.to_string(),
                        days(a.median_days_to_finalise),
                    ]
                })
                .collect(),
            chart: 1,
        },
        Table {
            name: "consent",
            title: "reports-consent",
            columns: vec![
                "reports-originator",
                "reports-granted",
                "reports-refused",
                "reports-conditional",
                "reports-median_days_decide",
            ],
            rows: s
                .consent
                .by_originator
                .iter()
                .map(|c| {
                    vec![
                        c.originator.clone(),
                        c.granted.to_string(),
                        c.refused.to_string(),
                        c.conditional.to_string(),
                        days(c.median_days_to_decide),
                    ]
                })
                .collect(),
            chart: 1,
        },
        Table {
            name: "holdings",
            title: "reports-holdings",
            columns: vec!["reports-originator", "reports-items", "reports-bytes"],
            rows: s
                .holdings
                .by_originator
                .iter()
                .map(|h| {
                    vec![
                        h.originator.clone(),
                        h.items.to_string(),
                        h.bytes.to_string(),
                    ]
                })
                .collect(),
            chart: 1,
        },
        Table {
            name: "types",
            title: "reports-types",
            columns: vec!["reports-type", "reports-items"],
            rows: s
                .holdings
                .by_type
                .iter()
                .map(|t| vec![t.kind.clone(), t.items.to_string()])
                .collect(),
            chart: 1,
        },
        Table {
            name: "stages",
            title: "reports-stages",
            columns: vec!["reports-stage", "reports-count"],
            rows: s
                .cases
                .by_stage
                .iter()
                .map(|c| vec![c.stage.clone(), c.count.to_string()])
                .collect(),
            chart: 1,
        },
    ]
}

/// A horizontal bar chart of `column` against the first column, as inline SVG.
fn bar_chart(table: &Table, label: &str) -> Markup {
    const WIDTH: f64 = 320.0;
    const BAR: f64 = 18.0;
    const GAP: f64 = 6.0;
    const LABEL: f64 = 120.0;
    let values: Vec<(String, f64)> = table
        .rows
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r.get(table.chart)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0.0),
            )
        })
        .collect();
    let most = values.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let height = (values.len().max(1) as f64) * (BAR + GAP) + GAP;
    let room = WIDTH - LABEL - 50.0;
    let short = |s: &str| -> String {
        if s.chars().count() > 18 {
            format!("{}…", s.chars().take(17).collect::<String>())
        } else {
            s.to_owned()
        }
    };
    html! {
        svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(label)
            width=(WIDTH) height=(height) viewBox={ "0 0 " (WIDTH) " " (height) } direction="ltr" {
            title { (label) }
            @for (i, (name, value)) in values.iter().enumerate() {
                @let y = GAP + i as f64 * (BAR + GAP);
                @let w = if most > 0.0 { value / most * room } else { 0.0 };
                text x=(LABEL - 4.0) y=(y + BAR * 0.7) text-anchor="end" font-size="11" fill="currentColor" { (short(name)) }
                rect x=(LABEL) y=(y) width=(format!("{w:.1}")) height=(BAR) fill="#3b6ea5" {}
                text x=(LABEL + w + 4.0) y=(y + BAR * 0.7) font-size="11" fill="currentColor" { (value) }
            }
        }
    }
}

/// Requests filed and finalised over the months, as two lines of inline SVG.
fn line_chart(months: &[MonthCount], label: &str, filed: &str, finalised: &str) -> Markup {
    const WIDTH: f64 = 480.0;
    const HEIGHT: f64 = 180.0;
    const LEFT: f64 = 36.0;
    const BOTTOM: f64 = 24.0;
    let most = months
        .iter()
        .map(|m| m.filed.max(m.finalised))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = if months.len() > 1 {
        (WIDTH - LEFT - 10.0) / (months.len() - 1) as f64
    } else {
        0.0
    };
    let point = |i: usize, v: u64| {
        format!(
            "{:.1},{:.1}",
            LEFT + i as f64 * step,
            HEIGHT - BOTTOM - v as f64 / most * (HEIGHT - BOTTOM - 10.0)
        )
    };
    let line = |f: &dyn Fn(&MonthCount) -> u64| -> String {
        months
            .iter()
            .enumerate()
            .map(|(i, m)| point(i, f(m)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let every = months.len().div_ceil(8).max(1);
    html! {
        svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(label)
            width=(WIDTH) height=(HEIGHT) viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } direction="ltr" {
            title { (label) }
            line x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH - 10.0) y2=(HEIGHT - BOTTOM) stroke="currentColor" stroke-width="0.5" {}
            text x=(LEFT - 4.0) y="14" text-anchor="end" font-size="10" fill="currentColor" { (most) }
            text x=(LEFT - 4.0) y=(HEIGHT - BOTTOM) text-anchor="end" font-size="10" fill="currentColor" { "0" }
            polyline points=(line(&|m| m.filed)) fill="none" stroke="#3b6ea5" stroke-width="2" {}
            polyline points=(line(&|m| m.finalised)) fill="none" stroke="#b5651d" stroke-width="2" stroke-dasharray="5 3" {}
            @for (i, m) in months.iter().enumerate() {
                @if i % every == 0 {
                    text x=(format!("{:.1}", LEFT + i as f64 * step)) y=(HEIGHT - 8.0) text-anchor="middle" font-size="10" fill="currentColor" { (m.month) }
                }
            }
            rect x=(WIDTH - 150.0) y="4" width="10" height="3" fill="#3b6ea5" {}
            text x=(WIDTH - 136.0) y="9" font-size="10" fill="currentColor" { (filed) }
            rect x=(WIDTH - 150.0) y="16" width="10" height="3" fill="#b5651d" {}
            text x=(WIDTH - 136.0) y="21" font-size="10" fill="currentColor" { (finalised) }
        }
    }
}

fn query_of(from: &Option<String>, to: &Option<String>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    if let Some(f) = from {
        q.append_pair("from", f);
    }
    if let Some(t) = to {
        q.append_pair("to", t);
    }
    q.finish()
}

async fn figures(state: &AppState, v: &Viewer, period: &Period) -> Result<Stats, Response> {
    if decide_statistics(&v.who).is_err() {
        return Err(error_page(v, StatusCode::FORBIDDEN, v.t("forbidden")));
    }
    let user = v.user.clone();
    let (from, to) = period.days();
    state
        .with_reader(move |vault| Ok(vault.stats(&user, from.as_deref(), to.as_deref())?))
        .await
        .map_err(|e| refused(v, e))
}

/// `GET /reports`: the period form, and every table with its chart and CSV link.
pub async fn reports(
    State(state): State<AppState>,
    v: Viewer,
    Query(period): Query<Period>,
) -> Response {
    let stats = match figures(&state, &v, &period).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let (from, to) = period.days();
    let months = {
        let (user, from, to) = (v.user.clone(), from.clone(), to.clone());
        match state
            .with_reader(move |vault| {
                Ok(vault.requests_by_month(&user, from.as_deref(), to.as_deref())?)
            })
            .await
        {
            Ok(m) => m,
            Err(e) => return refused(&v, e),
        }
    };
    let query = query_of(&from, &to);
    let body = html! {
        form method="get" action="/reports" class="card wide inline" {
            label for="from" { (v.t("reports-from")) } " "
            input type="date" id="from" name="from" value=(from.clone().unwrap_or_default());
            " "
            label for="to" { (v.t("reports-to")) } " "
            input type="date" id="to" name="to" value=(to.clone().unwrap_or_default());
            " "
            button type="submit" { (v.t("reports-show")) }
        }
        p class="note" {
            (v.t("reports-period")) " "
            bdi dir="ltr" { (stats.from.clone().unwrap_or_else(|| "…".into())) " – " (stats.to) }
        }
        dl class="facts" {
            dt { (v.t("reports-filed")) } dd { (stats.requests.filed) }
            dt { (v.t("reports-finalised")) } dd { (stats.requests.finalised) }
            dt { (v.t("reports-open")) } dd { (stats.requests.open) }
            dt { (v.t("reports-median_days")) } dd { (days(stats.requests.median_days_to_finalise)) }
            dt { (v.t("reports-items")) } dd { (stats.holdings.items) }
            dt { (v.t("reports-bytes")) } dd { (stats.holdings.bytes) }
        }
        section class="report-table" aria-labelledby="t-months" {
            h2 id="t-months" { (v.t("reports-by_month")) }
            div class="report-pair" {
                table {
                    thead { tr {
                        th scope="col" { (v.t("reports-month")) }
                        th scope="col" { (v.t("reports-filed")) }
                        th scope="col" { (v.t("reports-finalised_in_month")) }
                    } }
                    tbody {
                        @for m in &months {
                            tr { th scope="row" { (ltr_value(&m.month)) } td { (count(&v, m.filed)) } td { (count(&v, m.finalised)) } }
                        }
                    }
                }
                (line_chart(&months, v.t("reports-by_month"), v.t("reports-filed"), v.t("reports-finalised_in_month")))
            }
            p { a href={ "/reports/months.csv" @if !query.is_empty() { "?" (query) } } download { (v.t("reports-csv")) } }
        }
        @for table in tables(&stats) {
            section class="report-table" aria-labelledby={ "t-" (table.name) } {
                h2 id={ "t-" (table.name) } { (v.t(table.title)) }
                div class="report-pair" {
                    table {
                        thead { tr { @for c in &table.columns { th scope="col" { (v.t(c)) } } } }
                        tbody {
                            @if table.rows.is_empty() {
                                tr { td colspan=(table.columns.len()) { (v.t("reports-none")) } }
                            }
                            @for row in &table.rows {
                                tr {
                                    th scope="row" { (value(&row[0])) }
                                    // Counts in the language's digits; other cells (shares,
                                    // names) as the CSV has them.
                                    @for cell in &row[1..] {
                                        td { @match cell.parse::<u64>() { Ok(n) => (count(&v, n)), Err(_) => bdi { (cell) } } }
                                    }
                                }
                            }
                        }
                    }
                    (bar_chart(&table, v.t(table.title)))
                }
                p { a href={ "/reports/" (table.name) ".csv" @if !query.is_empty() { "?" (query) } } download { (v.t("reports-csv")) } }
            }
        }
    };
    layout(&v, v.t("nav-reports"), "reports", "/reports", body)
}

fn csv_field(text: &str) -> String {
    // A cell that a spreadsheet would read as a formula is quoted and prefixed.
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

async fn csv(state: AppState, v: Viewer, period: Period, name: &'static str) -> Response {
    let stats = match figures(&state, &v, &period).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let mut all = tables(&stats);
    if name == "months" {
        let (user, (from, to)) = (v.user.clone(), period.days());
        match state
            .with_reader(move |vault| {
                Ok(vault.requests_by_month(&user, from.as_deref(), to.as_deref())?)
            })
            .await
        {
            Ok(months) => all.push(Table {
                name: "months",
                title: "reports-by_month",
                columns: vec!["reports-month", "reports-filed", "reports-finalised"],
                rows: months
                    .into_iter()
                    .map(|m| vec![m.month, m.filed.to_string(), m.finalised.to_string()])
                    .collect(),
                chart: 1,
            }),
            Err(e) => return refused(&v, e),
        }
    }
    let Some(table) = all.into_iter().find(|t| t.name == name) else {
        return error_page(&v, StatusCode::NOT_FOUND, v.t("error-not_found"));
    };
    let mut out = String::new();
    let header_names: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.trim_start_matches("reports-"))
        .collect();
    out.push_str(&header_names.join(","));
    out.push('\n');
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        out,
    )
        .into_response()
}

macro_rules! csv_route {
    ($($handler:ident => $name:literal),*) => {$(
        #[doc = concat!("`GET /reports/", $name, ".csv`")]
        pub async fn $handler(
            State(state): State<AppState>,
            v: Viewer,
            Query(period): Query<Period>,
        ) -> Response {
            csv(state, v, period, $name).await
        }
    )*};
}

csv_route!(
    authorities_csv => "authorities",
    consent_csv => "consent",
    holdings_csv => "holdings",
    types_csv => "types",
    stages_csv => "stages",
    months_csv => "months"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("-3"), "-3");
    }
}
