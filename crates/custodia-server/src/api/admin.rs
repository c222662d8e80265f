//! Administration: organisations and users.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::custodia_access::Role;
use custodia_vault::custodia_catalog::{OrganisationRow, UserRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organisations, organisation_add))
        .routes(routes!(users, user_add))
}

/// An organisation as administrators see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct OrganisationView {
    name: String,
    #[schema(schema_with = custodia_vault::schema::organisation_kind)]
    kind: String,
    /// Whether the holder approved it as a requester (open items need no consent for it).
    approved_requester: bool,
    created_at: String,
    created_by: String,
}

impl From<OrganisationRow> for OrganisationView {
    fn from(o: OrganisationRow) -> Self {
        Self {
            name: o.name,
            kind: o.kind,
            approved_requester: o.approved_requester,
            created_at: o.created_at,
            created_by: o.created_by,
        }
    }
}

/// The organisations.
#[derive(Serialize, ToSchema)]
pub(crate) struct OrganisationList {
    organisations: Vec<OrganisationView>,
}

/// Organisations (administrators, the holder's auditors).
#[utoipa::path(get, path = "/api/v1/organisations", responses((status = 200, description = "Organisations", body = OrganisationList), (status = 403, description = "Not an administrator or auditor")))]
pub(crate) async fn organisations(
    State(state): State<AppState>,
    Caller(user): Caller,
) -> ApiResult {
    let orgs = state
        .with_reader(move |vault| Ok(vault.organisations_for(&user)?))
        .await?;
    let organisations = orgs.into_iter().map(OrganisationView::from).collect();
    Ok(Json(OrganisationList { organisations }).into_response())
}

/// A user as administrators see them.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserView {
    name: String,
    organisation: String,
    #[schema(schema_with = custodia_vault::schema::roles)]
    roles: Vec<String>,
    created_at: String,
    created_by: String,
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        Self {
            name: u.name,
            organisation: u.organisation,
            roles: u.roles,
            created_at: u.created_at,
            created_by: u.created_by,
        }
    }
}

/// The users.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserList {
    users: Vec<UserView>,
}

/// Users with their organisations and roles (administrators, the holder's auditors).
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, description = "Users", body = UserList), (status = 403, description = "Not an administrator or auditor")))]
pub(crate) async fn users(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let users = state
        .with_reader(move |vault| Ok(vault.users_for(&user)?))
        .await?;
    let users = users.into_iter().map(UserView::from).collect();
    Ok(Json(UserList { users }).into_response())
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

/// An organisation added.
#[derive(Serialize, ToSchema)]
pub(crate) struct OrganisationAdded {
    /// Its name.
    organisation: String,
    /// The custody log position of the addition.
    ledger_index: u64,
}

/// Adds an organisation (the holder's administrators).
#[utoipa::path(post, path = "/api/v1/organisations", request_body = OrganisationBody, responses(
    (status = 201, description = "Added; the custody log position", body = OrganisationAdded),
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
        Json(OrganisationAdded {
            organisation: name,
            ledger_index: index,
        }),
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
    /// `victim_support_officer`, `auditor`, `administrator`, `harm_assessor`.
    #[schema(value_type = Vec<String>)]
    roles: Vec<Role>,
}

/// A user added.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserAdded {
    /// Their name.
    user: String,
    /// The custody log position of the addition.
    ledger_index: u64,
}

/// Adds a user (the holder's administrators). The user signs in once an administrator sets a
/// password (`custodia user password`).
#[utoipa::path(post, path = "/api/v1/users", request_body = UserBody, responses(
    (status = 201, description = "Added; the custody log position", body = UserAdded),
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
        Json(UserAdded {
            user: name,
            ledger_index: index,
        }),
    )
        .into_response())
}
