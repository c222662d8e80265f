//! Witnesses and survivors under pseudonym: listing, recording, consent scope and statements.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::requests::PersonView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ScopeBody;
use crate::{parse_hashes, ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(persons, person_add))
        .routes(routes!(person_scope))
        .routes(routes!(person_statements))
}

/// The persons the caller may see.
#[derive(Serialize, ToSchema)]
pub(crate) struct PersonList {
    persons: Vec<PersonView>,
}

/// Witnesses and survivors under pseudonym, as the caller may see them (victim support
/// officers and custodians of the holder; identities only for victim support).
#[utoipa::path(get, path = "/api/v1/persons", responses(
    (status = 200, description = "Persons: pseudonym, identity (or identity_withheld), protective measures, scope, statements", body = PersonList),
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
    Ok(Json(PersonList { persons }).into_response())
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

/// A person recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct PersonAdded {
    pseudonym: String,
    /// The custody log position of the record.
    ledger_index: u64,
}

/// Records a person (victim support officers and custodians of the holder).
#[utoipa::path(post, path = "/api/v1/persons", request_body = PersonBody, responses(
    (status = 201, description = "Recorded; the custody log position", body = PersonAdded),
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
        Json(PersonAdded {
            pseudonym,
            ledger_index: index,
        }),
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

/// A change recorded in the custody log.
#[derive(Serialize, ToSchema)]
pub(crate) struct LedgerPosition {
    /// The custody log position of the change.
    ledger_index: u64,
}

/// Records a person's consent scope: the kinds of organisation their statements may go to and
/// the organisations excluded (`{"allow_kinds": [...], "exclude": [...], "note"?}`).
#[utoipa::path(post, path = "/api/v1/persons/{pseudonym}/scope", params(("pseudonym" = String, Path, description = "The person's pseudonym")), request_body = PersonScopeBody, responses(
    (status = 200, description = "Recorded; the custody log position", body = LedgerPosition),
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
    Ok(Json(LedgerPosition {
        ledger_index: index,
    })
    .into_response())
}

/// Statements linked.
#[derive(Serialize, ToSchema)]
pub(crate) struct StatementsLinked {
    /// The custody log positions of the links, one per item.
    ledger_indexes: Vec<u64>,
}

/// Links items (statements) to a person: they go out only where the person's scope allows.
#[utoipa::path(post, path = "/api/v1/persons/{pseudonym}/statements", params(("pseudonym" = String, Path, description = "The person's pseudonym")), request_body = ScopeBody, responses(
    (status = 200, description = "Linked; the custody log positions", body = StatementsLinked),
    (status = 400, description = "No such person"),
    (status = 403, description = "Not a victim support officer or custodian of the holder")
))]
pub(crate) async fn person_statements(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(pseudonym): Path<String>,
    Json(body): Json<ScopeBody>,
) -> ApiResult {
    let hashes = parse_hashes(&body.items)?;
    let indexes = state
        .with_vault(move |vault| Ok(vault.link_statements(&user, &pseudonym, &hashes)?))
        .await?;
    Ok(Json(StatementsLinked {
        ledger_indexes: indexes,
    })
    .into_response())
}
