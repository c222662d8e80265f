//! The rest of the JSON API: browsing, checks, search with facets, resumable uploads, the
//! request-for-assistance workflow, packages, organisations and users, and inclusion proofs.
//! Each route finds the caller, then hands the work to the vault, which applies the policy.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::browse::BrowseFilter;
use custodia_vault::custodia_access::Role;
use custodia_vault::custodia_search::Sort;
use custodia_vault::requests::RequestFiling;
use custodia_vault::uploads::{UploadPlan, MAX_CHUNK};
use custodia_vault::{IngestProgress, VaultError};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::{parse_hash, ApiError, ApiResult, AppState, Caller};

struct Quiet;
impl IngestProgress for Quiet {}

#[derive(Deserialize, Default)]
pub(crate) struct ItemsQuery {
    originator: Option<String>,
    kind: Option<String>,
    /// Words the item's path must contain.
    q: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
}

/// Items the caller may see, newest first, with filters.
#[utoipa::path(get, path = "/api/v1/items", params(
    ("originator" = Option<String>, Query, description = "Only items of this originator"),
    ("kind" = Option<String>, Query, description = "document, image, video, audio, archive or other"),
    ("q" = Option<String>, Query, description = "Words the item's path contains"),
    ("offset" = Option<usize>, Query, description = "Items to skip"),
    ("limit" = Option<usize>, Query, description = "Items to return (at most 1000, default 100)")
), responses((status = 200, description = "The page of items and the total"), (status = 401, description = "Not signed in")))]
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
    Ok(Json(json!({ "items": items, "total": total, "offset": offset })).into_response())
}

#[derive(Deserialize, Default)]
pub(crate) struct CheckQuery {
    deep: Option<bool>,
}

/// Checks an item against its stored bytes and the signed custody log.
#[utoipa::path(get, path = "/api/v1/items/{sha256}/check", params(
    ("sha256" = String, Path, description = "The item's SHA-256"),
    ("deep" = Option<bool>, Query, description = "Re-hash the content whatever its size")
), responses((status = 200, description = "status: verified, not_rehashed or failed"), (status = 404, description = "No such item (or none the caller may know of)")))]
pub(crate) async fn item_check(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(sha256): Path<String>,
    Query(q): Query<CheckQuery>,
) -> ApiResult {
    let hash = parse_hash(&sha256)?;
    let deep = q.deep.unwrap_or(false);
    let check = state
        // On the writing handle: the check is against a checkpoint, signed now if the log grew.
        .with_vault(move |vault| Ok(vault.check_item(&user, &hash, deep)?))
        .await?;
    Ok(Json(check).into_response())
}

/// Holdings by originator and type, over the items the caller may see.
#[utoipa::path(get, path = "/api/v1/holdings", responses((status = 200, description = "Counts"), (status = 401, description = "Not signed in")))]
pub(crate) async fn holdings(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let h = state
        .with_reader(move |vault| Ok(vault.holdings(&user)?))
        .await?;
    Ok(Json(h).into_response())
}

/// The latest custody events the caller may know of.
#[utoipa::path(get, path = "/api/v1/activity", responses((status = 200, description = "Events, newest first"), (status = 401, description = "Not signed in")))]
pub(crate) async fn activity(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let events = state
        .with_reader(move |vault| Ok(vault.recent_activity(&user, 50)?))
        .await?;
    let events: Vec<_> = events
        .into_iter()
        .map(|e| {
            json!({
                "ledger_index": e.ledger_index, "time": e.time, "actor": e.actor,
                "action": e.action, "item": e.item,
            })
        })
        .collect();
    Ok(Json(json!({ "events": events })).into_response())
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

// --- uploads ----------------------------------------------------------------------------

/// An upload to begin.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadRequest {
    /// The file name, recorded as the item's path.
    name: String,
    /// The size in bytes.
    #[serde(deserialize_with = "whole")]
    size: u64,
    /// The file's SHA-256, if known: checked when the upload is finished.
    sha256: Option<String>,
    originator: String,
    case_ref: Option<String>,
    collected_by: Option<String>,
    collection_note: Option<String>,
}

/// Begins a resumable upload. Send the bytes with `PATCH /api/v1/uploads/{id}` in chunks of at
/// most 8 MiB, each with `Upload-Offset`; after a dropped connection, `GET` the upload for the
/// offset to continue from; then `POST …/finish`.
#[utoipa::path(post, path = "/api/v1/uploads", request_body = UploadRequest, responses(
    (status = 201, description = "The upload: id and offset"),
    (status = 400, description = "Bad name, size or hash"),
    (status = 403, description = "The caller may not ingest")
))]
pub(crate) async fn upload_begin(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<UploadRequest>,
) -> ApiResult {
    let plan = UploadPlan {
        name: body.name,
        size: body.size,
        sha256: body.sha256.filter(|s| !s.is_empty()),
        originator: body.originator,
        case_ref: body.case_ref.filter(|s| !s.trim().is_empty()),
        collected_by: body.collected_by.filter(|s| !s.trim().is_empty()),
        collection_note: body.collection_note.filter(|s| !s.trim().is_empty()),
    };
    let upload = state
        .with_vault(move |vault| Ok(vault.begin_upload(&user, plan)?))
        .await?;
    Ok((StatusCode::CREATED, Json(upload)).into_response())
}

/// An upload in progress: how many bytes arrived (the offset to continue from).
#[utoipa::path(get, path = "/api/v1/uploads/{id}", params(("id" = String, Path, description = "The upload's id")), responses(
    (status = 200, description = "The upload with its offset"),
    (status = 400, description = "No such upload of the caller")
))]
pub(crate) async fn upload_status(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let upload = state
        .with_vault(move |vault| Ok(vault.upload(&user, &id)?))
        .await?;
    Ok(Json(upload).into_response())
}

/// Appends one chunk (the request body, at most 8 MiB) at `Upload-Offset`; answers the new
/// offset once the chunk is durable.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", params(
    ("id" = String, Path, description = "The upload's id"),
    ("Upload-Offset" = u64, Header, description = "Where the chunk starts: the bytes received so far")
), request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"), responses(
    (status = 200, description = "The new offset"),
    (status = 409, description = "The offset is not where the upload stands (GET it first)"),
    (status = 413, description = "The chunk is over 8 MiB")
))]
pub(crate) async fn upload_append(
    State(state): State<AppState>,
    Caller(user): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let offset: u64 = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "an `Upload-Offset` header (the bytes received so far) is required",
            )
        })?;
    let offset = state
        .with_vault(move |vault| Ok(vault.append_upload(&user, &id, offset, &body)?))
        .await?;
    Ok((
        [("upload-offset", offset.to_string())],
        Json(json!({ "offset": offset })),
    )
        .into_response())
}

/// Abandons an upload.
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", params(("id" = String, Path, description = "The upload's id")), responses(
    (status = 200, description = "Removed"),
    (status = 400, description = "No such upload of the caller")
))]
pub(crate) async fn upload_cancel(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    state
        .with_vault(move |vault| Ok(vault.cancel_upload(&user, &id)?))
        .await?;
    Ok(Json(json!({ "cancelled": true })).into_response())
}

/// Finishes an upload: checks size and announced SHA-256, ingests it (an archive is expanded),
/// and answers as `custodia ingest --json` does. Text extraction follows in the background.
#[utoipa::path(post, path = "/api/v1/uploads/{id}/finish", params(("id" = String, Path, description = "The upload's id")), responses(
    (status = 200, description = "The ingest report: submission, items, errors, summary"),
    (status = 400, description = "Bytes missing, or not the announced SHA-256")
))]
pub(crate) async fn upload_finish(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    // The upload is read back against its SHA-256 without the vault, then ingested with it.
    let (who, upload) = (user.clone(), id.clone());
    let check = state
        .with_vault(move |vault| Ok(vault.check_upload(&who, &upload)?))
        .await?;
    tokio::task::spawn_blocking(move || check.run())
        .await
        .map_err(|_| ApiError::internal("a worker stopped"))??;
    let report = state
        .with_vault(move |vault| Ok(vault.finish_checked_upload(&user, &id, &Quiet)?))
        .await?;
    state.extract_in_background();
    Ok(Json(report).into_response())
}

// --- requests for assistance ------------------------------------------------------------

/// A request for assistance to file.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestBody {
    authority: String,
    legal_basis: String,
    case_ref: Option<String>,
    #[serde(default)]
    suspects: Vec<String>,
    #[serde(default)]
    crimes: Vec<String>,
    period: Option<String>,
    #[serde(default)]
    places: Vec<String>,
    text: Option<String>,
    /// YYYY-MM-DD
    deadline: Option<String>,
}

/// Files a request for assistance (a requester of the authority, or a holder's custodian).
#[utoipa::path(post, path = "/api/v1/requests", request_body = RequestBody, responses(
    (status = 201, description = "The request as filed"),
    (status = 403, description = "The caller may not file for that authority")
))]
pub(crate) async fn request_file(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<RequestBody>,
) -> ApiResult {
    let filing = RequestFiling {
        authority: body.authority,
        legal_basis: body.legal_basis,
        case_ref: body.case_ref,
        suspects: body.suspects,
        crimes: body.crimes,
        period: body.period,
        places: body.places,
        text: body.text,
        deadline: body.deadline,
    };
    let view = state
        .with_vault(move |vault| Ok(vault.file_request(&user, &filing)?))
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Items to add to a request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeBody {
    items: Vec<String>,
}

/// Adds items to a request (the holder's custodians).
#[utoipa::path(post, path = "/api/v1/requests/{id}/scope", params(("id" = String, Path, description = "The request's id")), request_body = ScopeBody, responses(
    (status = 200, description = "The request"),
    (status = 403, description = "Not a custodian of the holder")
))]
pub(crate) async fn request_scope(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
    Json(body): Json<ScopeBody>,
) -> ApiResult {
    let hashes = body
        .items
        .iter()
        .map(|s| parse_hash(s))
        .collect::<Result<Vec<_>, _>>()?;
    let view = state
        .with_vault(move |vault| Ok(vault.scope_request(&user, &id, &hashes)?))
        .await?;
    Ok(Json(view).into_response())
}

/// An originator's consent decision.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionBody {
    /// `grant` or `refuse`.
    decision: String,
    /// The items decided on; all of the liaison's organisation's items when absent.
    items: Option<Vec<String>>,
    /// Conditions of a grant, from the documented vocabulary.
    #[serde(default)]
    conditions: serde_json::Value,
    reason: Option<String>,
}

/// Decides consent on the caller's organisation's items in a request (originator liaisons).
#[utoipa::path(post, path = "/api/v1/requests/{id}/decision", params(("id" = String, Path, description = "The request's id")), request_body = DecisionBody, responses(
    (status = 200, description = "The request"),
    (status = 403, description = "Not an originator liaison, or not of these items' originator")
))]
pub(crate) async fn request_decision(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
    Json(body): Json<DecisionBody>,
) -> ApiResult {
    let grant = match body.decision.as_str() {
        "grant" => true,
        "refuse" => false,
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("`decision` is `grant` or `refuse`, not `{other}`"),
            ))
        }
    };
    let items = body
        .items
        .map(|list| {
            list.iter()
                .map(|s| parse_hash(s))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let view = state
        .with_vault(move |vault| {
            Ok(vault.decide_request(
                &user,
                &id,
                grant,
                items.as_deref(),
                body.conditions,
                body.reason.as_deref(),
            )?)
        })
        .await?;
    Ok(Json(view).into_response())
}

/// Builds the request's disclosure package (ZIP, kept for its recipients) and finalises it.
#[utoipa::path(post, path = "/api/v1/requests/{id}/finalise", params(("id" = String, Path, description = "The request's id")), responses(
    (status = 200, description = "The request and the package receipt"),
    (status = 400, description = "Nothing is ready to release"),
    (status = 403, description = "Not a custodian of the holder")
))]
pub(crate) async fn request_finalise(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let (view, receipt) = state
        .with_vault(move |vault| Ok(vault.finalise_request_for_download(&user, &id)?))
        .await?;
    Ok(Json(json!({ "request": view, "package": receipt })).into_response())
}

/// Downloads a package of a request (its authority's requesters, the holder's custodians);
/// recorded in the custody log.
#[utoipa::path(get, path = "/api/v1/requests/{id}/packages/{package}", params(
    ("id" = String, Path, description = "The request's id"),
    ("package" = String, Path, description = "The package's id")
), responses(
    (status = 200, description = "The package (ZIP)", content_type = "application/zip"),
    (status = 400, description = "No such package of a request the caller has a part in")
))]
pub(crate) async fn request_package(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path((id, package)): Path<(String, String)>,
) -> ApiResult {
    crate::stream_package(&state, user, id, package).await
}

// --- organisations and users ------------------------------------------------------------

/// Organisations (administrators, the holder's auditors).
#[utoipa::path(get, path = "/api/v1/organisations", responses((status = 200, description = "Organisations"), (status = 403, description = "Not an administrator or auditor")))]
pub(crate) async fn organisations(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> ApiResult {
    let orgs = state
        .with_reader(move |vault| Ok(vault.organisations_for(&user)?))
        .await?;
    let orgs: Vec<_> = orgs
        .into_iter()
        .map(|o| json!({"name": o.name, "kind": o.kind, "approved_requester": o.approved_requester, "created_at": o.created_at, "created_by": o.created_by}))
        .collect();
    Ok(Json(json!({ "organisations": orgs })).into_response())
}

/// Users with their organisations and roles (administrators, the holder's auditors).
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, description = "Users"), (status = 403, description = "Not an administrator or auditor")))]
pub(crate) async fn users(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let users = state
        .with_reader(move |vault| Ok(vault.users_for(&user)?))
        .await?;
    Ok(Json(json!({ "users": users })).into_response())
}

/// An organisation to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationBody {
    name: String,
    /// `holder`, `originator`, `requesting_authority` or `ngo`.
    #[schema(value_type = String)]
    kind: custodia_vault::custodia_access::OrganisationKind,
    #[serde(default)]
    approved_requester: bool,
}

/// Adds an organisation (the holder's administrators).
#[utoipa::path(post, path = "/api/v1/organisations", request_body = OrganisationBody, responses(
    (status = 201, description = "Added; the custody log position"),
    (status = 400, description = "Bad name or kind"),
    (status = 403, description = "Not an administrator of the holder"),
    (status = 409, description = "An organisation of that name exists")
))]
pub(crate) async fn organisation_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<OrganisationBody>,
) -> ApiResult {
    let name = body.name.clone();
    let index = state
        .with_vault(move |vault| {
            Ok(vault.add_organisation(&user, &body.name, body.kind, body.approved_requester)?)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "organisation": name, "ledger_index": index })),
    )
        .into_response())
}

/// A user to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserBody {
    name: String,
    organisation: String,
    /// Among `custodian`, `analyst`, `originator_liaison`, `requester`,
    /// `victim_support_officer`, `auditor`, `administrator`.
    #[schema(value_type = Vec<String>)]
    roles: Vec<Role>,
}

/// Adds a user (the holder's administrators). The user signs in once an administrator sets a
/// password (`custodia user password`).
#[utoipa::path(post, path = "/api/v1/users", request_body = UserBody, responses(
    (status = 201, description = "Added; the custody log position"),
    (status = 400, description = "Bad name, organisation or roles"),
    (status = 403, description = "Not an administrator of the holder"),
    (status = 409, description = "A user of that name exists")
))]
pub(crate) async fn user_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<UserBody>,
) -> ApiResult {
    let name = body.name.clone();
    let index = state
        .with_vault(move |vault| {
            Ok(vault.add_user(&user, &body.name, &body.organisation, &body.roles)?)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "user": name, "ledger_index": index })),
    )
        .into_response())
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

/// A whole number as JSON may write it: `5` and `5.0` are one number in JSON's model of
/// numbers (and in JSON Schema's `integer`), so both are taken; a fraction or a number beyond
/// the field's range is refused.
fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    let number = serde_json::Number::deserialize(deserializer)?;
    let value = number.as_u64().or_else(|| {
        number
            .as_f64()
            // `u64::MAX as f64` is 2^64, one past the largest `u64`.
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
            .map(|f| f as u64)
    });
    value.and_then(|v| T::try_from(v).ok()).ok_or_else(|| {
        serde::de::Error::custom(format!("`{number}` is not a whole number in range"))
    })
}

fn whole_or_none<'de, D>(deserializer: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] u64);
    Ok(Option::<Whole>::deserialize(deserializer)?.map(|w| w.0))
}

/// Makes a redacted copy of an item (the holder's custodians): a new item naming its parent,
/// with custody entries; the original is never changed.
#[utoipa::path(post, path = "/api/v1/items/{sha256}/redact", params(("sha256" = String, Path, description = "The item's SHA-256")), request_body = RedactBody, responses(
    (status = 200, description = "The redacted item: parent, sha256, size, mime, method, ledger_indexes"),
    (status = 400, description = "Nothing to redact, no reason, or a type that cannot be redacted"),
    (status = 403, description = "Not a custodian of the holder"),
    (status = 404, description = "No such item (or none the caller may know of)"),
    (status = 409, description = "The same redaction of this item exists (the message names its copy)")
))]
pub(crate) async fn item_redact(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(sha256): Path<String>,
    Json(body): Json<RedactBody>,
) -> ApiResult {
    let hash = parse_hash(&sha256)?;
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

/// Witnesses and survivors under pseudonym, as the caller may see them (victim support
/// officers and custodians of the holder; identities only for victim support).
#[utoipa::path(get, path = "/api/v1/persons", responses(
    (status = 200, description = "Persons: pseudonym, identity (or identity_withheld), protective measures, scope, statements"),
    (status = 403, description = "Not a victim support officer or custodian of the holder")
))]
pub(crate) async fn persons(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let persons = state
        .with_vault(move |vault| {
            let mut out = Vec::new();
            for p in vault.person_list(&user)? {
                out.push(vault.person_view(&user, &p)?);
            }
            Ok(out)
        })
        .await?;
    Ok(Json(json!({ "persons": persons })).into_response())
}

/// A witness or survivor to record under a pseudonym.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonBody {
    pseudonym: String,
    /// The real identity (any JSON), seen only by victim support officers of the holder.
    #[schema(value_type = Object)]
    identity: serde_json::Value,
    /// Protective measures, e.g. `voice distortion`, `no photographs`.
    #[serde(default)]
    protective_measures: Vec<String>,
}

/// Records a person (victim support officers and custodians of the holder).
#[utoipa::path(post, path = "/api/v1/persons", request_body = PersonBody, responses(
    (status = 201, description = "Recorded; the custody log position"),
    (status = 400, description = "No pseudonym"),
    (status = 403, description = "Not a victim support officer or custodian of the holder"),
    (status = 409, description = "The pseudonym is taken")
))]
pub(crate) async fn person_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<PersonBody>,
) -> ApiResult {
    let pseudonym = body.pseudonym.clone();
    let index = state
        .with_vault(move |vault| {
            Ok(vault.add_person(
                &user,
                &body.pseudonym,
                body.identity,
                body.protective_measures,
            )?)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "pseudonym": pseudonym, "ledger_index": index })),
    )
        .into_response())
}

/// A person's consent scope.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonScopeBody {
    /// The kinds of organisation the person's statements may go to.
    #[schema(value_type = Vec<String>)]
    allow_kinds: std::collections::BTreeSet<custodia_vault::custodia_access::OrganisationKind>,
    /// Organisations excluded whatever their kind.
    exclude: std::collections::BTreeSet<String>,
    note: Option<String>,
}

/// Records a person's consent scope: the kinds of organisation their statements may go to and
/// the organisations excluded (`{"allow_kinds": [...], "exclude": [...], "note"?}`).
#[utoipa::path(post, path = "/api/v1/persons/{pseudonym}/scope", params(("pseudonym" = String, Path, description = "The person's pseudonym")), request_body = PersonScopeBody, responses(
    (status = 200, description = "Recorded; the custody log position"),
    (status = 400, description = "No such person, or a bad scope"),
    (status = 403, description = "Not a victim support officer or custodian of the holder")
))]
pub(crate) async fn person_scope(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(pseudonym): Path<String>,
    Json(body): Json<PersonScopeBody>,
) -> ApiResult {
    let scope = custodia_vault::ScopeSpec {
        allow_kinds: body.allow_kinds,
        exclude: body.exclude,
        note: body.note,
    };
    let index = state
        .with_vault(move |vault| Ok(vault.set_person_scope(&user, &pseudonym, scope)?))
        .await?;
    Ok(Json(json!({ "ledger_index": index })).into_response())
}

/// Links items (statements) to a person: they go out only where the person's scope allows.
#[utoipa::path(post, path = "/api/v1/persons/{pseudonym}/statements", params(("pseudonym" = String, Path, description = "The person's pseudonym")), request_body = ScopeBody, responses(
    (status = 200, description = "Linked; the custody log positions"),
    (status = 400, description = "No such person"),
    (status = 403, description = "Not a victim support officer or custodian of the holder")
))]
pub(crate) async fn person_statements(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(pseudonym): Path<String>,
    Json(body): Json<ScopeBody>,
) -> ApiResult {
    let hashes = body
        .items
        .iter()
        .map(|s| parse_hash(s))
        .collect::<Result<Vec<_>, _>>()?;
    let indexes = state
        .with_vault(move |vault| Ok(vault.link_statements(&user, &pseudonym, &hashes)?))
        .await?;
    Ok(Json(json!({ "ledger_indexes": indexes })).into_response())
}

/// An API token to issue.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenBody {
    /// What the token is for (shown in listings).
    label: String,
    /// Days until it expires; never when absent.
    #[serde(default, deserialize_with = "whole_or_none")]
    days: Option<u64>,
}

/// Issues a long-lived API token for a user (the user themself, or the holder's
/// administrators). The secret is shown once, in this answer.
#[utoipa::path(post, path = "/api/v1/users/{name}/tokens", params(("name" = String, Path, description = "The user")), request_body = TokenBody, responses(
    (status = 201, description = "The token: id, user, kind, token (the secret), expires_at"),
    (status = 403, description = "Not the user nor an administrator of the holder")
))]
pub(crate) async fn token_issue(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(name): Path<String>,
    Json(body): Json<TokenBody>,
) -> ApiResult {
    let issued = state
        .with_vault(move |vault| Ok(vault.issue_api_token(&user, &name, &body.label, body.days)?))
        .await?;
    let mut response = (
        StatusCode::CREATED,
        Json(json!({
            "id": issued.id, "user": issued.user, "kind": issued.kind,
            "token": issued.token, "expires_at": issued.expires_at,
        })),
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(Deserialize, Default)]
pub(crate) struct VerifyQuery {
    deep: Option<bool>,
}

/// Verifies the whole vault (the holder's administrators, auditors and custodians): the log,
/// every catalog event against it, every item's blob (re-hashed with `deep=true`). As
/// `custodia verify --json`.
#[utoipa::path(get, path = "/api/v1/verify", params(("deep" = Option<bool>, Query, description = "Re-hash every item")), responses(
    (status = 200, description = "The verification report; `ok` says whether anything is wrong"),
    (status = 403, description = "Not an administrator, auditor or custodian of the holder")
))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<VerifyQuery>,
) -> ApiResult {
    let deep = q.deep.unwrap_or(false);
    let report = state
        .with_vault(move |vault| {
            let who = vault.principal(&user)?;
            let allowed = who.of_holder()
                && (who.is(Role::Administrator) || who.is(Role::Auditor) || who.is(Role::Custodian));
            if !allowed {
                return Err(VaultError::NotPermitted(format!(
                    "verifying the vault needs the administrator, auditor or custodian role of the holder; `{user}` holds none"
                ))
                .into());
            }
            Ok(vault.verify(custodia_vault::VerifyOptions { deep })?)
        })
        .await?;
    Ok(Json(report).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ConsistencyQuery {
    from: u64,
    to: u64,
}

/// A consistency proof between two tree sizes (RFC 9162): the log of size `to` extends the
/// log of size `from`.
#[utoipa::path(get, path = "/api/v1/log/consistency", params(
    ("from" = u64, Query, description = "The older tree size"),
    ("to" = u64, Query, description = "The newer tree size")
), responses((status = 200, description = "The consistency proof document: from, to, proof (base64), from_checkpoint, to_checkpoint, and old_size, new_size, hashes (hex)"), (status = 400, description = "Sizes out of order or beyond the log"), (status = 401, description = "Not signed in, and the vault does not serve checkpoints publicly")))]
pub(crate) async fn consistency(
    State(state): State<AppState>,
    method: axum::http::Method,
    headers: HeaderMap,
    Query(q): Query<ConsistencyQuery>,
) -> ApiResult {
    // Sizes and roots only: to anyone signed in, to the public if the operator says so.
    crate::checkpoint_reader(&state, &headers, &method).await?;
    let value = state
        .with_vault(move |vault| Ok(vault.consistency_document(q.from, q.to)?))
        .await?;
    Ok(Json(value).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ProofQuery {
    entry: u64,
    tree_size: Option<u64>,
}

/// A custody entry with its inclusion proof in a tree size (default: the newest checkpoint
/// covering it) and the openings of the fields the caller may see: only for a caller who may
/// see the item the entry concerns (entries about no item: the holder's custodians and
/// auditors); any other entry is answered as one that does not exist.
#[utoipa::path(get, path = "/api/v1/log/proof", params(
    ("entry" = u64, Query, description = "The entry's index"),
    ("tree_size" = Option<u64>, Query, description = "The tree size to prove against")
), responses((status = 200, description = "leaf_index, tree_size, entry (base64), version, leaf_hash, audit_path, root_hash (hex), checkpoint, openings, withheld"), (status = 400, description = "No such entry (or none the caller may see), or no such size"), (status = 401, description = "Not signed in")))]
pub(crate) async fn inclusion_proof(
    State(state): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<ProofQuery>,
) -> ApiResult {
    let view = state
        .with_vault(move |vault| Ok(vault.log_entry_for(&user, q.entry, q.tree_size)?))
        .await?;
    Ok(Json(view).into_response())
}

/// The per-route body limit of chunk uploads (the API's default limit is 1 MiB).
pub(crate) fn chunk_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_CHUNK + 64 * 1024)
}
