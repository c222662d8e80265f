//! The dashboard: holdings, recent activity, requests waiting on the viewer.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};

use super::{bytes_text, refused, short};
use crate::web::{encode, layout, Viewer};
use crate::AppState;

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
