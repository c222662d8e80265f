//! Items: browsing, one item's facts, history, content and check, holdings and activity, and
//! redacted copies.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::browse::{BrowseFilter, Holdings, ItemCheck, ItemSummary};
use custodia_vault::custodia_catalog::EventRow;
use custodia_vault::redact::Redacted;
use custodia_vault::ItemView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{whole, DeepQuery};
use crate::openapi::Bytes;
use crate::stream::stream_item;
use crate::{ApiResult, AppState, Caller, Sha256Path};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(items))
        .routes(routes!(item))
        .routes(routes!(item_history))
        .routes(routes!(item_content))
        .routes(routes!(item_check))
        .routes(routes!(item_redact))
        .routes(routes!(holdings))
        .routes(routes!(activity))
}

#[derive(Deserialize, Default)]
pub(crate) struct ItemsQuery {
    originator: Option<String>,
    kind: Option<String>,
    /// Words the item's path must contain.
    q: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

/// A page of the items the caller may see.
#[derive(Serialize, ToSchema)]
pub(crate) struct ItemPage {
    items: Vec<ItemSummary>,
    /// How many items pass the filters in all.
    total: usize,
    /// Items skipped before this page.
    offset: usize,
}

/// Items the caller may see, newest first, with filters.
#[utoipa::path(get, path = "/api/v1/items", params(
    ("originator" = Option<String>, Query, description = "Only items of this originator"),
    ("kind" = Option<String>, Query, description = "document, image, video, audio, archive or other"),
    ("q" = Option<String>, Query, description = "Words the item's path contains"),
    ("offset" = Option<usize>, Query, description = "Items to skip"),
    ("limit" = Option<usize>, Query, description = "Items to return (at most 1000, default 100)")
), responses((status = 200, description = "The page of items and the total", body = ItemPage), (status = 401, description = "Not signed in")))]
pub(crate) async fn items(
    State(state): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<ItemsQuery>,
) -> ApiResult {
    let filter = BrowseFilter {
        originator: q.originator,
        kind: q.kind,
        path_contains: q.q,
    };
    let (offset, limit) = (q.offset.unwrap_or(0), q.limit.unwrap_or(100).min(1000));
    let (items, total) = state
        .with_reader(move |vault| Ok(vault.browse(&user, &filter, offset, limit)?))
        .await?;
    Ok(Json(ItemPage {
        items,
        total,
        offset,
    })
    .into_response())
}

/// Checks an item against its stored bytes and the signed custody log.
#[utoipa::path(get, path = "/api/v1/items/{sha256}/check", params(
    ("sha256" = String, Path, description = "The item's SHA-256"),
    ("deep" = Option<bool>, Query, description = "Re-hash the content whatever its size")
), responses((status = 200, description = "status: verified, not_rehashed or failed", body = ItemCheck), (status = 404, description = "No such item (or none the caller may know of)")))]
pub(crate) async fn item_check(
    State(state): State<AppState>,
    Caller(user): Caller,
    Sha256Path(hash): Sha256Path,
    Query(q): Query<DeepQuery>,
) -> ApiResult {
    let deep = q.deep.unwrap_or(false);
    let check = state
        // On the writing handle: the check is against a checkpoint, signed now if the log grew.
        .with_vault(move |vault| Ok(vault.check_item(&user, &hash, deep)?))
        .await?;
    Ok(Json(check).into_response())
}

/// Holdings by originator and type, over the items the caller may see.
#[utoipa::path(get, path = "/api/v1/holdings", responses((status = 200, description = "Counts", body = Holdings), (status = 401, description = "Not signed in")))]
pub(crate) async fn holdings(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let h = state
        .with_reader(move |vault| Ok(vault.holdings(&user)?))
        .await?;
    Ok(Json(h).into_response())
}

/// One custody event of the recent activity.
#[derive(Serialize, ToSchema)]
pub(crate) struct ActivityEvent {
    /// The entry's position in the custody log; `null` while it is being appended.
    #[schema(required)]
    ledger_index: Option<u64>,
    time: String,
    actor: String,
    action: String,
    /// The item's SHA-256, for an event about an item.
    #[schema(required)]
    item: Option<String>,
}

/// The recent custody events the caller may know of.
#[derive(Serialize, ToSchema)]
pub(crate) struct Activity {
    events: Vec<ActivityEvent>,
}

/// The latest custody events the caller may know of.
#[utoipa::path(get, path = "/api/v1/activity", responses((status = 200, description = "Events, newest first", body = Activity), (status = 401, description = "Not signed in")))]
pub(crate) async fn activity(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let events = state
        .with_reader(move |vault| Ok(vault.recent_activity(&user, 50)?))
        .await?;
    let events = events
        .into_iter()
        .map(|e| ActivityEvent {
            ledger_index: e.ledger_index,
            time: e.time,
            actor: e.actor,
            action: e.action,
            item: e.item,
        })
        .collect();
    Ok(Json(Activity { events }).into_response())
}

/// An item's facts and every submission of it (provenance).
#[utoipa::path(get, path = "/api/v1/items/{sha256}", params(("sha256" = String, Path, description = "The item's SHA-256")), responses(
    (status = 200, description = "The item", body = ItemView),
    (status = 404, description = "No such item (or none the caller may know of)")
))]
pub(crate) async fn item(
    State(state): State<AppState>,
    Caller(user): Caller,
    Sha256Path(hash): Sha256Path,
) -> ApiResult {
    let value = state
        .with_reader(move |vault| Ok(vault.item_view(&user, &hash)?))
        .await?;
    Ok(Json(value).into_response())
}

/// One custody event of an item, as the caller may see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct HistoryEvent {
    /// The entry's position in the custody log; `null` while it is being appended.
    #[schema(required)]
    ledger_index: Option<u64>,
    time: String,
    /// Who acted (or `(another organisation)`).
    actor: String,
    action: String,
    /// The details the entry commits to, as far as the caller may see them (`{}` when none).
    details: serde_json::Value,
}

impl From<EventRow> for HistoryEvent {
    fn from(e: EventRow) -> Self {
        Self {
            ledger_index: e.ledger_index,
            time: e.time,
            actor: e.actor,
            action: e.action,
            details: serde_json::from_str(&e.details).unwrap_or_default(),
        }
    }
}

/// An item's custody history.
#[derive(Serialize, ToSchema)]
pub(crate) struct ItemHistory {
    sha256: String,
    /// Oldest first.
    events: Vec<HistoryEvent>,
}

/// An item's custody history with log positions.
#[utoipa::path(get, path = "/api/v1/items/{sha256}/history", params(("sha256" = String, Path, description = "The item's SHA-256")), responses(
    (status = 200, description = "Custody events, oldest first", body = ItemHistory),
    (status = 404, description = "No such item (or none the caller may know of)")
))]
pub(crate) async fn item_history(
    State(state): State<AppState>,
    Caller(user): Caller,
    Sha256Path(hash): Sha256Path,
) -> ApiResult {
    let value = state
        .with_reader(move |vault| {
            let events = vault.history_for(&user, &hash)?;
            Ok(ItemHistory {
                sha256: hash.to_hex(),
                events: events.into_iter().map(HistoryEvent::from).collect(),
            })
        })
        .await?;
    Ok(Json(value).into_response())
}

#[derive(Deserialize)]
pub(crate) struct DownloadQuery {
    purpose: Option<String>,
}

/// The item's bytes, streamed (one `Range: bytes=…` range supported). The download and its
/// purpose are recorded in the custody log before the first byte leaves.
#[utoipa::path(get, path = "/api/v1/items/{sha256}/content", params(
    ("sha256" = String, Path, description = "The item's SHA-256"),
    ("purpose" = String, Query, description = "Why the item is taken out (recorded in the custody log)")
), responses(
    (status = 200, description = "The whole item", body = Bytes, content_type = "application/octet-stream"),
    (status = 206, description = "The requested range", body = Bytes, content_type = "application/octet-stream"),
    (status = 400, description = "No purpose given"),
    (status = 404, description = "No such item (or none the caller may know of)"),
    (status = 416, description = "The range is outside the item")
))]
pub(crate) async fn item_content(
    State(state): State<AppState>,
    Caller(user): Caller,
    headers: HeaderMap,
    Sha256Path(hash): Sha256Path,
    Query(query): Query<DownloadQuery>,
) -> ApiResult {
    let purpose = query.purpose.unwrap_or_default();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    stream_item(&state, user, hash, purpose, range, None).await
}

/// A redaction to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedactBody {
    /// Strings to burn out of a text item (every occurrence).
    #[serde(default)]
    texts: Vec<String>,
    /// Regions of an image, or of a PDF page (`page` from 1; PDF points from the top left):
    /// `{"page", "x", "y", "width", "height"}`.
    #[serde(default)]
    regions: Vec<RegionBody>,
    reason: String,
}

/// A region of an image, or of a PDF page (`page` from 1; PDF points from the top left).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionBody {
    #[serde(deserialize_with = "whole")]
    page: u32,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

/// Makes a redacted copy of an item (the holder's custodians): a new item naming its parent,
/// with custody entries; the original is never changed.
#[utoipa::path(post, path = "/api/v1/items/{sha256}/redact", params(("sha256" = String, Path, description = "The item's SHA-256")), request_body = RedactBody, responses(
    (status = 200, description = "The redacted copy", body = Redacted),
    (status = 400, description = "Nothing to redact, no reason, or a type that cannot be redacted"),
    (status = 403, description = "Not a custodian of the holder"),
    (status = 404, description = "No such item (or none the caller may know of)"),
    (status = 409, description = "The same redaction of this item exists (the message names its copy)")
))]
pub(crate) async fn item_redact(
    State(state): State<AppState>,
    Caller(user): Caller,
    Sha256Path(hash): Sha256Path,
    Json(body): Json<RedactBody>,
) -> ApiResult {
    let spec = custodia_vault::redact::RedactionSpec {
        texts: body.texts,
        regions: body
            .regions
            .iter()
            .map(|r| custodia_vault::redact::Region {
                page: r.page,
                x: r.x,
                y: r.y,
                width: r.width,
                height: r.height,
            })
            .collect(),
        reason: body.reason,
    };
    let done = state
        .with_vault(move |vault| Ok(vault.redact(&user, &hash, &spec)?))
        .await?;
    state.extract_in_background();
    Ok(Json(done).into_response())
}
