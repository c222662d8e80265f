//! Sign-in and sign-out, the caller's own account, and API tokens.

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::custodia_access::{OrganisationKind, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::whole_or_none;
use crate::{caller, presented_token, signin, ApiError, ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(token_issue))
}

/// Sign-in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    user: String,
    password: String,
    /// The current code of the user's second factor, when they have one.
    totp: Option<String>,
}

/// A session begun.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoginResponse {
    user: String,
    /// The session token, for `Authorization: Bearer` (also set as the session cookie).
    token: String,
    /// The session's id.
    session: String,
    /// When the session ends (Unix seconds).
    #[schema(required)]
    expires_at: Option<u64>,
    /// The CSRF token a browser sends in `X-CSRF-Token` (also set as the CSRF cookie).
    csrf_token: String,
}

/// Signs in with a password (and TOTP code); sets the session and CSRF cookies and returns the
/// session token for API clients.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest, responses(
    (status = 200, description = "Signed in", body = LoginResponse),
    (status = 403, description = "Sign-in failed (the same answer for every reason)"),
    (status = 429, description = "Too many attempts from this address")
))]
pub(crate) async fn login(
    State(state): State<AppState>,
    request_headers: HeaderMap,
    Json(body): Json<LoginRequest>,
) -> ApiResult {
    let session = match signin::sign_in(
        &state,
        &request_headers,
        body.user,
        body.password,
        body.totp,
    )
    .await
    {
        Ok(session) => session,
        Err(refusal) => return Ok(refusal.into_response()),
    };
    let csrf = state.csrf_key.token(&session.token);
    let mut response = Json(LoginResponse {
        user: session.user.clone(),
        token: session.token.clone(),
        session: session.id.clone(),
        expires_at: session.expires_at,
        csrf_token: csrf,
    })
    .into_response();
    let headers = response.headers_mut();
    for cookie in signin::session_cookies(&state, &request_headers, &session) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A session ended.
#[derive(Serialize, ToSchema)]
pub(crate) struct SignedOut {
    /// Always `true`.
    signed_out: bool,
}

/// Ends the session (or revokes the bearer token used).
#[utoipa::path(post, path = "/api/v1/auth/logout", responses(
    (status = 200, description = "Signed out", body = SignedOut),
    (status = 401, description = "Not signed in")
))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult {
    let user = caller(&state, &headers, &method).await?;
    let (token, _) = presented_token(&headers).ok_or_else(ApiError::unauthorised)?;
    let id = custodia_vault::custodia_auth::token_id(&token)
        .ok_or_else(ApiError::unauthorised)?
        .to_owned();
    state
        .with_vault(move |vault| Ok(vault.revoke_token(&user, &id)?))
        .await?;
    let mut response = Json(SignedOut { signed_out: true }).into_response();
    for name in [
        signin::session_cookie(&headers),
        signin::csrf_cookie(&headers),
    ] {
        if let Ok(value) = HeaderValue::from_str(&signin::set_cookie(name, "", false, 0)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub(crate) struct Me {
    user: String,
    organisation: String,
    #[schema(schema_with = custodia_vault::schema::organisation_kind)]
    organisation_kind: OrganisationKind,
    #[schema(schema_with = custodia_vault::schema::roles)]
    roles: BTreeSet<Role>,
    /// The cases (compartments) the user is a member of.
    cases: BTreeSet<String>,
}

/// The signed-in user, their organisation and roles.
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, description = "The signed-in user", body = Me),
    (status = 401, description = "Not signed in")
))]
pub(crate) async fn me(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let who = state
        .with_reader(move |vault| Ok(vault.principal(&user)?))
        .await?;
    Ok(Json(Me {
        user: who.user,
        organisation: who.organisation,
        organisation_kind: who.organisation_kind,
        roles: who.roles,
        cases: who.cases,
    })
    .into_response())
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

/// An API token issued.
#[derive(Serialize, ToSchema)]
pub(crate) struct IssuedToken {
    /// The token's public id (listed, revoked by it).
    id: String,
    user: String,
    /// `api`.
    kind: String,
    /// The secret, for `Authorization: Bearer`; shown this once.
    token: String,
    /// When it expires (Unix seconds); never when `null`.
    #[schema(required)]
    expires_at: Option<u64>,
}

/// Issues a long-lived API token for a user (the user themself, or the holder's
/// administrators). The secret is shown once, in this answer.
#[utoipa::path(post, path = "/api/v1/users/{name}/tokens", params(("name" = String, Path, description = "The user")), request_body = TokenBody, responses(
    (status = 201, description = "The token (the secret shown once)", body = IssuedToken),
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
        Json(IssuedToken {
            id: issued.id,
            user: issued.user,
            kind: issued.kind,
            token: issued.token,
            expires_at: issued.expires_at,
        }),
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
