//! Full-text search, recorded in the custody log before anything is shown.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use std::collections::BTreeMap;

use custodia_vault::custodia_search::{Hit, Snippet, Sort};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
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

/// One document found.
#[derive(Serialize, ToSchema)]
pub(crate) struct SearchHit {
    /// The SHA-256 of the item the document is the text of.
    sha256: String,
    path: String,
    score: f32,
    /// The item's kind (`document`, `image`, …).
    kind: String,
    mime: String,
    /// The text's language, when detected.
    #[schema(required)]
    language: Option<String>,
    /// The document's date (Unix seconds), when known.
    #[schema(required)]
    date: Option<i64>,
    /// The indexed document's id.
    document: String,
    snippet: Snippet,
}

impl From<Hit> for SearchHit {
    fn from(h: Hit) -> Self {
        Self {
            sha256: h.item,
            path: h.path,
            score: h.score,
            kind: h.kind,
            mime: h.mime,
            language: h.language,
            date: h.date,
            document: h.id,
            snippet: h.snippet,
        }
    }
}

/// The answer to a search, trimmed to the caller's rights.
#[derive(Serialize, ToSchema)]
pub(crate) struct SearchAnswer {
    query: String,
    /// Matching documents the caller may read.
    total: u64,
    hits: Vec<SearchHit>,
    /// Per filter field, value → matching documents, counted under the same trimming.
    facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// The custody log position of the search's entry.
    ledger_index: u64,
}

/// Full-text search over what the caller may read, with facets and highlighted snippets
/// (same query language as `custodia search`). Recorded in the custody log.
#[utoipa::path(get, path = "/api/v1/search", params(
    ("q" = String, Query, description = "The query"),
    ("limit" = Option<usize>, Query, description = "Hits to return (default 20, at most 1000)"),
    ("sort" = Option<String>, Query, description = "relevance, date_newest or date_oldest")
), responses((status = 200, description = "The hits, their total and the facets", body = SearchAnswer), (status = 400, description = "The query is not understood")))]
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
    Ok(Json(SearchAnswer {
        query: report.query,
        total: report.results.total,
        hits: report
            .results
            .hits
            .into_iter()
            .map(SearchHit::from)
            .collect(),
        facets: report.results.facets,
        ledger_index: report.ledger_index,
    })
    .into_response())
}
