//! Resumable uploads: begin, append chunks at an offset, ask where an upload stands, cancel,
//! finish (checked, ingested, then extracted in the background).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::uploads::{UploadPlan, UploadState, MAX_CHUNK};
use custodia_vault::{IngestProgress, IngestReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::whole;
use crate::{ApiError, ApiResult, AppState, Caller};

/// This feature's routes; appending chunks has a body limit of its own.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_begin))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload_status, upload_append, upload_cancel))
                .layer(chunk_limit()),
        )
        .routes(routes!(upload_finish))
}

struct Quiet;
impl IngestProgress for Quiet {}

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
    (status = 201, description = "The upload, at offset 0", body = UploadState),
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
    (status = 200, description = "The upload with its offset", body = UploadState),
    (status = 400, description = "No such upload of the caller")
))]
pub(crate) async fn upload_status(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let upload = state
        .with_reader(move |vault| Ok(vault.upload(&user, &id)?))
        .await?;
    Ok(Json(upload).into_response())
}

/// Where an upload stands.
#[derive(Serialize, ToSchema)]
pub(crate) struct UploadOffset {
    /// The bytes received and durable: where the next chunk starts.
    offset: u64,
}

/// Appends one chunk (the request body, at most 8 MiB) at `Upload-Offset`; answers the new
/// offset once the chunk is durable.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", params(
    ("id" = String, Path, description = "The upload's id"),
    ("Upload-Offset" = u64, Header, description = "Where the chunk starts: the bytes received so far")
), request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"), responses(
    (status = 200, description = "The new offset", body = UploadOffset),
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
        // On a reading handle: a chunk is sealed and fsynced into the upload's own file (appends
        // to one upload take turns under that file's lock), and the writer stays free.
        .with_reader(move |vault| Ok(vault.append_upload(&user, &id, offset, &body)?))
        .await?;
    Ok((
        [("upload-offset", offset.to_string())],
        Json(UploadOffset { offset }),
    )
        .into_response())
}

/// An upload abandoned.
#[derive(Serialize, ToSchema)]
pub(crate) struct UploadCancelled {
    /// Always `true`.
    cancelled: bool,
}

/// Abandons an upload.
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", params(("id" = String, Path, description = "The upload's id")), responses(
    (status = 200, description = "Removed", body = UploadCancelled),
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
    Ok(Json(UploadCancelled { cancelled: true }).into_response())
}

/// Finishes an upload: checks size and announced SHA-256, ingests it (an archive is expanded),
/// and answers as `custodia ingest --json` does. Text extraction follows in the background.
#[utoipa::path(post, path = "/api/v1/uploads/{id}/finish", params(("id" = String, Path, description = "The upload's id")), responses(
    (status = 200, description = "The ingest report: submission, items, errors, summary", body = IngestReport),
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
        .with_reader(move |vault| Ok(vault.check_upload(&who, &upload)?))
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

/// The per-route body limit of chunk uploads (the API's default limit is 1 MiB).
pub(crate) fn chunk_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_CHUNK + 64 * 1024)
}
