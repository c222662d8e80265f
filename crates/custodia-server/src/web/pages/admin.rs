//! Administration: organisations, users, cases, the log's checkpoint.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::custodia_access::{may_administer, AdminAction, AdminTarget, Role};
use maud::html;
use serde::Deserialize;

use super::{refused, CsrfForm, CsrfOnly};
use crate::web::{error_page, layout, Viewer};
use crate::AppState;

/// Whether the viewer may take an administrative action on the vault, by the one rule the CLI
/// and the API ask too.
fn may(v: &Viewer, action: AdminAction) -> bool {
    may_administer(&v.who, action, AdminTarget::Vault).allowed
}

pub async fn admin(State(state): State<AppState>, v: Viewer) -> Response {
    if !may(&v, AdminAction::ViewAccounts) {
        return error_page(&v, StatusCode::FORBIDDEN, v.t("forbidden"));
    }
    let user = v.user.clone();
    let data = state
        .with_reader(move |vault| {
            let orgs = vault.organisations_for(&user)?;
            let users = vault.users_for(&user)?;
            let cases = vault.cases_for(&user)?;
            let vkey = vault.verifier().vkey().to_string();
            let tree = vault.log_size()?;
            Ok((
                orgs,
                users,
                cases,
                vkey,
                tree,
                vault.config().origin.clone(),
            ))
        })
        .await;
    let (orgs, users, cases, vkey, tree, origin) = match data {
        Ok(d) => d,
        Err(e) => return refused(&v, e),
    };
    let body = html! {
        section {
            h2 { (v.t("admin-orgs")) }
            table {
                thead { tr { th { (v.t("col-name")) } th { (v.t("admin-kind")) } th { (v.t("admin-approved")) } th { (v.t("admin-added")) } } }
                tbody { @for o in &orgs { tr { td { (o.name) } td { (o.kind) } td { (v.t(if o.approved_requester { "victims-yes" } else { "victims-no" })) } td { (v.args("req-filed_by", &[("at", o.created_at.as_str().into()), ("by", o.created_by.as_str().into())])) } } } }
            }
        }
        section {
            h2 { (v.t("admin-users")) }
            table {
                thead { tr { th { (v.t("user")) } th { (v.t("admin-organisation")) } th { (v.t("admin-roles")) } th { (v.t("admin-added")) } } }
                tbody { @for u in &users { tr { td { (u.name) } td { (u.organisation) } td { (u.roles.join(", ")) } td { (v.args("req-filed_by", &[("at", u.created_at.as_str().into()), ("by", u.created_by.as_str().into())])) } } } }
            }
            @if may(&v, AdminAction::AddOrganisation) {
                section class="cards" {
                    form method="post" action="/admin/organisations" class="card" {
                        h3 { (v.t("admin-add_org")) }
                        input type="hidden" name="csrf" value=(v.csrf);
                        label for="org-name" { (v.t("col-name")) }
                        input id="org-name" name="name" required;
                        label for="org-kind" { (v.t("admin-kind")) }
                        select id="org-kind" name="kind" {
                            @for k in ["originator", "requesting_authority", "ngo", "holder"] { option value=(k) { (k) } }
                        }
                        label { input type="checkbox" name="approved_requester" value="true"; " " (v.t("admin-approved")) }
                        button type="submit" { (v.t("admin-add")) }
                    }
                    form method="post" action="/admin/users" class="card" {
                        h3 { (v.t("admin-add_user")) }
                        input type="hidden" name="csrf" value=(v.csrf);
                        label for="user-name" { (v.t("user")) }
                        input id="user-name" name="name" required;
                        label for="user-org" { (v.t("admin-organisation")) }
                        select id="user-org" name="organisation" { @for o in &orgs { option value=(o.name) { (o.name) } } }
                        label for="user-role" { (v.t("victims-role")) }
                        select id="user-role" name="role" {
                            @for r in Role::ALL { option value=(r.as_str()) { (r.as_str()) } }
                        }
                        button type="submit" { (v.t("admin-add")) }
                        p class="note" { (v.t("admin-password_note")) }
                    }
                }
            }
            p class="note" { (v.t("admin-cli_note")) }
        }
        section {
            h2 { (v.t("admin-cases")) }
            @if cases.is_empty() { p { (v.t("dash-none")) } }
            ul { @for c in &cases { li { (c.reference) @if let Some(t) = &c.title { " — " (t) } } } }
        }
        section {
            h2 { (v.t("admin-keys")) }
            dl {
                dt { (v.t("admin-origin")) } dd class="mono" { (origin) }
                dt { (v.t("admin-entries")) } dd { (tree) }
                dt { (v.t("admin-vkey")) } dd class="mono" { (vkey) }
            }
            p { a href="/api/v1/log/checkpoint" { (v.t("admin-checkpoint")) } " · " a href="/api/v1/log/public-key" { (v.t("admin-vkey_text")) } }
            @if may(&v, AdminAction::SignCheckpoint) {
                form method="post" action="/admin/checkpoint" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    button type="submit" { (v.t("admin-sign")) }
                }
            }
        }
    };
    layout(&v, v.t("admin-title"), "admin", "/admin", body)
}

pub async fn admin_checkpoint(
    State(state): State<AppState>,
    v: Viewer,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Response {
    if !may(&v, AdminAction::SignCheckpoint) {
        return error_page(&v, StatusCode::FORBIDDEN, v.t("forbidden"));
    }
    match state
        .with_vault(|vault| Ok(vault.checkpoint()?.text().to_owned()))
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => refused(&v, e),
    }
}

#[derive(Deserialize)]
pub struct OrganisationForm {
    csrf: String,
    name: String,
    kind: String,
    approved_requester: Option<String>,
}

pub async fn admin_organisation(
    State(state): State<AppState>,
    v: Viewer,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> Response {
    let Ok(kind) = serde_json::from_value(serde_json::Value::String(form.kind.clone())) else {
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-org_kind"));
    };
    let user = v.user.clone();
    let approved = form.approved_requester.is_some();
    match state
        .with_vault(move |vault| Ok(vault.add_organisation(&user, &form.name, kind, approved)?))
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => refused(&v, e),
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    csrf: String,
    name: String,
    organisation: String,
    role: String,
}

pub async fn admin_user(
    State(state): State<AppState>,
    v: Viewer,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Response {
    let Ok(role) = serde_json::from_value::<Role>(serde_json::Value::String(form.role.clone()))
    else {
        return error_page(&v, StatusCode::BAD_REQUEST, v.t("error-role"));
    };
    let user = v.user.clone();
    match state
        .with_vault(move |vault| {
            Ok(vault.add_user(&user, &form.name, &form.organisation, &[role])?)
        })
        .await
    {
        Ok(_) => Redirect::to("/admin").into_response(),
        Err(e) => refused(&v, e),
    }
}

super::csrf_field!(OrganisationForm, UserForm);
