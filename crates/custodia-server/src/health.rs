//! Liveness and readiness probes: no sign-in, nothing about the vault but whether it answers.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;

/// Whether the vault answers; nothing more (the log's size is for signed-in readers).
#[derive(Serialize, ToSchema)]
pub(crate) struct Readiness {
    ready: bool,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", responses(
    (status = 200, description = "The server is running", body = String, content_type = "text/plain")
))]
pub(crate) async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the vault is open and answers.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "The vault answers", body = Readiness),
    (status = 503, description = "The vault does not answer", body = Readiness)
))]
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let ready = tokio::time::timeout(
        Duration::from_secs(5),
        state.with_reader(|vault| Ok(vault.ready()?)),
    )
    .await;
    match ready {
        // Nothing more than readiness: the log's size is for signed-in readers (or the public
        // only where `vault.json` makes checkpoints public), and a probe needs no sign-in.
        Ok(Ok(_)) => Json(Readiness { ready: true }).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness { ready: false }),
        )
            .into_response(),
    }
}
