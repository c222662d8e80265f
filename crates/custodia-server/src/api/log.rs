//! The custody log: signed checkpoints, the verifier key, consistency and inclusion proofs,
//! and the verification of the whole vault against the log.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::custodia_ledger::ConsistencyProofDocument;
use custodia_vault::{LogEntryView, VerifyReport};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::DeepQuery;
use crate::{caller, ApiError, ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checkpoint))
        .routes(routes!(public_key))
        .routes(routes!(consistency))
        .routes(routes!(inclusion_proof))
        .routes(routes!(verify))
}

/// A caller who may read checkpoints and consistency proofs (the log's sizes and roots):
/// anyone signed in, or anyone at all when `vault.json` says `"public_checkpoints": true`.
pub(crate) struct CheckpointReader;

impl FromRequestParts<AppState> for CheckpointReader {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let public = state
            .with_reader(|vault| Ok(vault.config().public_checkpoints))
            .await?;
        if !public {
            caller(state, &parts.headers, &parts.method).await?;
        }
        Ok(CheckpointReader)
    }
}

/// A signed checkpoint of the custody log covering every entry so far (C2SP signed note).
#[utoipa::path(get, path = "/api/v1/log/checkpoint", responses(
    (status = 200, description = "The checkpoint", body = String, content_type = "text/plain"),
    (status = 401, description = "Not signed in, and the vault does not serve checkpoints publicly")
))]
pub(crate) async fn checkpoint(State(state): State<AppState>, _: CheckpointReader) -> ApiResult {
    let text = state
        .with_vault(|vault| Ok(vault.checkpoint()?.text().to_owned()))
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// The custody log's verifier key (C2SP vkey).
#[utoipa::path(get, path = "/api/v1/log/public-key", responses(
    (status = 200, description = "The verifier key", body = String, content_type = "text/plain")
))]
pub(crate) async fn public_key(State(state): State<AppState>) -> ApiResult {
    let vkey = state
        .with_reader(|vault| Ok(format!("{}\n", vault.verifier().vkey())))
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], vkey).into_response())
}

/// Verifies the whole vault (the holder's administrators, auditors and custodians): the log,
/// every catalog event against it, every item's blob (re-hashed with `deep=true`). As
/// `custodia verify --json`.
#[utoipa::path(get, path = "/api/v1/verify", params(("deep" = Option<bool>, Query, description = "Re-hash every item")), responses(
    (status = 200, description = "The verification report; `ok` says whether anything is wrong", body = VerifyReport),
    (status = 403, description = "Not an administrator, auditor or custodian of the holder")
))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<DeepQuery>,
) -> ApiResult {
    let deep = q.deep.unwrap_or(false);
    // On a reading handle: a deep verification reads every blob, and writes go on meanwhile.
    let report = state
        .with_reader(move |vault| {
            Ok(vault.verify_for(&user, custodia_vault::VerifyOptions { deep })?)
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
), responses((status = 200, description = "The consistency proof document: from, to, proof (base64), from_checkpoint, to_checkpoint, and old_size, new_size, hashes (hex)", body = ConsistencyProofDocument), (status = 400, description = "Sizes out of order or beyond the log"), (status = 401, description = "Not signed in, and the vault does not serve checkpoints publicly")))]
pub(crate) async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
    // Sizes and roots only: to anyone signed in, to the public if the operator says so (after
    // the query is read, as before: a bad query is 400 whoever asks).
    _: CheckpointReader,
) -> ApiResult {
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
), responses((status = 200, description = "The entry, its inclusion proof and the openings the caller may see", body = LogEntryView), (status = 400, description = "No such entry (or none the caller may see), or no such size"), (status = 401, description = "Not signed in")))]
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
