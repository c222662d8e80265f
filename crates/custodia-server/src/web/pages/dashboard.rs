//! The dashboard: holdings, recent activity, requests waiting on the viewer.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};

use super::{
    count, item_ref, ltr_value, names_of, refused, request_state, size, time_markup, value,
};
use crate::web::{encode, layout, Viewer};
use crate::AppState;

pub async fn dashboard(State(state): State<AppState>, v: Viewer) -> Response {
    let user = v.user.clone();
    let data = state
        .with_reader(move |vault| {
            let holdings = vault.holdings(&user)?;
            let requests = vault.request_list(&user, None)?;
            let activity = vault.recent_activity(&user, 15)?;
            let names = names_of(
                vault,
                &user,
                activity.iter().filter_map(|e| e.item.as_deref()),
            );
            Ok((holdings, requests, (activity, names)))
        })
        .await;
    let (holdings, requests, (activity, names)) = match data {
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
                h2 { (v.t("dash-holdings")) }
                p class="big" { (v.n("items-count", holdings.items)) }
                p { (size(&v, holdings.bytes)) }
                @if holdings.truncated { p class="note" { (v.t("dash-truncated")) } }
            }
            div class="card" {
                h2 { (v.t("dash-by_originator")) }
                (counts_table(&v, &holdings.by_originator, |o| format!("/items?originator={}", encode(o))))
            }
            div class="card" {
                h2 { (v.t("dash-by_kind")) }
                (counts_table(&v, &holdings.by_kind, |k| format!("/items?kind={}", encode(k))))
            }
        }
        section {
            h2 { (v.t("dash-open_requests")) }
            @if open.is_empty() { p { (v.t("dash-none")) } } @else {
                table {
                    thead { tr { th { (v.t("col-id")) } th { (v.t("req-authority")) } th { (v.t("req-state")) } th { (v.t("req-waiting")) } th { (v.t("req-deadline")) } } }
                    tbody {
                        @for r in &open {
                            tr {
                                td { a href={"/requests/" (encode(&r.id))} { (r.id) } }
                                td { (value(&r.authority)) }
                                td { span class={"state state-" (r.state)} { (request_state(&v, &r.state)) } }
                                td {
                                    (request_state(&v, &r.waiting_for))
                                    @for w in &r.waits_on { " · " bdi { (w.organisation) } " (" bdi { (w.items) } ")" }
                                }
                                td { (ltr_value(r.deadline.as_deref().unwrap_or("—"))) @if let Some(d) = r.days_left { " " bdi { "(" (v.n("days-left", d.max(0) as u64)) ")" } } }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { (v.t("dash-activity")) }
            @if activity.is_empty() { p { (v.t("dash-none")) } } @else {
                table {
                    thead { tr { th { (v.t("col-time")) } th { (v.t("col-who")) } th { (v.t("col-action")) } th { (v.t("col-item")) } th { (v.t("col-log")) } } }
                    tbody {
                        @for e in &activity {
                            tr {
                                td { (time_markup(&v, &e.time)) }
                                td { bdi { (e.actor) } }
                                td { bdi { (e.action) } }
                                td { @if let Some(i) = &e.item { (item_ref(&v, i, &names)) } @else { "—" } }
                                td { (e.ledger_index.map(|i| i.to_string()).unwrap_or_else(|| v.t("log-pending").into())) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("nav-dashboard"), "dashboard", "/", body)
}

fn counts_table(
    v: &Viewer,
    counts: &BTreeMap<String, u64>,
    link: impl Fn(&str) -> String,
) -> Markup {
    let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    html! {
        table class="counts" {
            tbody {
                @for (name, n) in sorted {
                    tr { td { a href=(link(name)) { (value(name)) } } td class="num" { (count(v, *n)) } }
                }
            }
        }
    }
}
