//! Full-text search, recorded in the custody log before anything is shown.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::custodia_search::Sort;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: String,
    limit: Option<usize>,
    sort: Option<Sort>,
}

/// Full-text search over what the caller may read, with facets and highlighted snippets
/// (same query language as `custodia search`). Recorded in the custody log.
#[utoipa::path(get, path = "/api/v1/search", params(
    ("q" = String, Query, description = "The query"),
    ("limit" = Option<usize>, Query, description = "Hits to return (default 20, at most 1000)"),
    ("sort" = Option<String>, Query, description = "relevance, date_newest or date_oldest")
), responses((status = 200, description = "total, hits (sha256, path, score, snippet), facets"), (status = 400, description = "The query is not understood")))]
pub(crate) async fn search(
    State(state): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<SearchQuery>,
) -> ApiResult {
    let limit = q.limit.unwrap_or(20).min(1000);
    let sort = q.sort.unwrap_or_default();
    let (mut report, event) = state.search_unrecorded(user, q.q, limit, sort).await?;
    // Nothing is shown before the search is in the custody log.
    report.ledger_index = state.record_read(event).await?;
    let hits: Vec<_> = report
        .results
        .hits
        .iter()
        .map(|h| {
            json!({
                "sha256": h.item, "path": h.path, "score": h.score, "kind": h.kind,
                "mime": h.mime, "language": h.language, "date": h.date,
                "document": h.id, "snippet": h.snippet,
            })
        })
        .collect();
    Ok(Json(json!({
        "query": report.query, "total": report.results.total, "hits": hits,
        "facets": report.results.facets, "ledger_index": report.ledger_index,
    }))
    .into_response())
}
