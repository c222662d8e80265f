//! Search with facets and highlighted snippets.

use axum::extract::{Query, State};
use axum::response::Response;
use custodia_vault::custodia_search::Sort;
use maud::html;
use serde::Deserialize;

use super::{copy_hash, count, hash, ltr_value, value};
use crate::web::{encode, highlighted, layout, mostly_arabic, Viewer};
use crate::AppState;

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
            label for="q" { (v.t("search-query")) }
            input id="q" name="q" type="search" value=(query) dir="auto" autofocus;
            label for="sort" { (v.t("search-sort")) }
            select id="sort" name="sort" {
                option value="relevance" selected[sort_key == "relevance"] { (v.t("search-relevance")) }
                option value="newest" selected[sort_key == "newest"] { (v.t("search-newest")) }
                option value="oldest" selected[sort_key == "oldest"] { (v.t("search-oldest")) }
            }
            button type="submit" { (v.t("search-title")) }
            p class="note" { (v.t("search-help")) }
        }
        @match &results {
            None => {}
            Some(Err(e)) => { p class="error" role="alert" { (crate::web::shown_message(e.status, &e.message)) } }
            Some(Ok(report)) => {
                div class="results-layout" {
                    aside class="facets" aria-label=(v.t("search-facets")) {
                        h2 { (v.t("search-facets")) }
                        @for (field, values) in &report.results.facets {
                            @if !values.is_empty() {
                                h3 { (field) }
                                ul {
                                    @for (value, n) in values {
                                        li { a href=(refine(field, value)) dir="auto" { (value) } " " span class="count" { (count(&v, *n)) } }
                                    }
                                }
                            }
                        }
                    }
                    section class="results" {
                        p id="result-count" { (v.n("search-results", report.results.total)) }
                        @if report.results.hits.is_empty() { p { (v.t("search-none")) } }
                        ol class="hits" {
                            @for hit in &report.results.hits {
                                li class="hit" {
                                    a href={"/items/" (hit.item)} class="hit-title" { (value(&hit.path)) }
                                    " " span class="hash" { span class="mono" { (hash(&hit.item)) } " " (copy_hash(&v, &hit.item)) }
                                    " "
                                    span class="note" { bdi { (hit.kind) } " · " (ltr_value(&hit.mime)) @if let Some(l) = &hit.language { " · " bdi { (l) } } }
                                    @if hit.snippet.rtl != query_arabic && !hit.snippet.text.is_empty() && !hit.snippet.highlights.is_empty() {
                                        " " span class="tag cross" { (v.t("search-cross_script")) }
                                    }
                                    p class="snippet" dir=(if hit.snippet.rtl { "rtl" } else { "auto" }) lang=[hit.language.as_deref().map(super::lang_tag)] {
                                        (highlighted(&hit.snippet.text, &hit.snippet.highlights))
                                    }
                                    @if !v.who.cases.is_empty() || v.is(custodia_vault::custodia_access::Role::Custodian) {
                                        a class="note" href={"/items/" (hit.item) "#link-case"} { (v.t("case-link_item")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("search-title"), "search", "/search", body)
}
