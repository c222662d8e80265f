//! Requests for assistance: listing, filing, scoping, consent decisions, finalising and the
//! download of their disclosure packages.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::requests::RequestFiling;
use custodia_vault::{PackageReceipt, RequestView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ScopeBody;
use crate::openapi::Bytes;
use crate::stream::stream_package;
use crate::{parse_hashes, ApiError, ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(requests, request_file))
        .routes(routes!(request))
        .routes(routes!(request_scope))
        .routes(routes!(request_decision))
        .routes(routes!(request_finalise))
        .routes(routes!(request_package))
}

/// The requests the caller has a part in.
#[derive(Serialize, ToSchema)]
pub(crate) struct RequestList {
    requests: Vec<RequestView>,
}

/// Requests for assistance the caller has a part in.
#[utoipa::path(get, path = "/api/v1/requests", responses(
    (status = 200, description = "Requests, each trimmed to what the caller may see", body = RequestList),
    (status = 401, description = "Not signed in")
))]
pub(crate) async fn requests(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let list = state
        .with_reader(move |vault| Ok(vault.request_list(&user, None)?))
        .await?;
    Ok(Json(RequestList { requests: list }).into_response())
}

/// One request: state, time in each state, who it waits on, items.
#[utoipa::path(get, path = "/api/v1/requests/{id}", params(("id" = String, Path, description = "The request's id, e.g. RFA-3F09A1C27B")), responses(
    (status = 200, description = "The request, trimmed to what the caller may see", body = RequestView),
    (status = 400, description = "No such request (or none the caller has a part in)")
))]
pub(crate) async fn request(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let view = state
        .with_reader(move |vault| Ok(vault.request_view(&user, &id)?))
        .await?;
    Ok(Json(view).into_response())
}

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
    (status = 201, description = "The request as filed", body = RequestView),
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

/// Adds items to a request (the holder's custodians).
#[utoipa::path(post, path = "/api/v1/requests/{id}/scope", params(("id" = String, Path, description = "The request's id")), request_body = ScopeBody, responses(
    (status = 200, description = "The request", body = RequestView),
    (status = 403, description = "Not a custodian of the holder")
))]
pub(crate) async fn request_scope(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<String>,
    Json(body): Json<ScopeBody>,
) -> ApiResult {
    let hashes = parse_hashes(&body.items)?;
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
    (status = 200, description = "The request", body = RequestView),
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
    let items = body.items.map(|list| parse_hashes(&list)).transpose()?;
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

/// A request finalised, and the receipt of its package.
#[derive(Serialize, ToSchema)]
pub(crate) struct Finalised {
    request: RequestView,
    package: PackageReceipt,
}

/// Builds the request's disclosure package (ZIP, kept for its recipients) and finalises it.
#[utoipa::path(post, path = "/api/v1/requests/{id}/finalise", params(("id" = String, Path, description = "The request's id")), responses(
    (status = 200, description = "The request and the package receipt", body = Finalised),
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
    Ok(Json(Finalised {
        request: view,
        package: receipt,
    })
    .into_response())
}

/// Downloads a package of a request (its authority's requesters, the holder's custodians);
/// recorded in the custody log.
#[utoipa::path(get, path = "/api/v1/requests/{id}/packages/{package}", params(
    ("id" = String, Path, description = "The request's id"),
    ("package" = String, Path, description = "The package's id")
), responses(
    (status = 200, description = "The package (ZIP)", body = Bytes, content_type = "application/zip"),
    (status = 400, description = "No such package of a request the caller has a part in")
))]
pub(crate) async fn request_package(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path((id, package)): Path<(String, String)>,
) -> ApiResult {
    stream_package(&state, user, id, package).await
}
