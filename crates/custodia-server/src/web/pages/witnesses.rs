//! Witnesses and survivors under pseudonym.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::{item_ref, names_of, refused};
use crate::web::{layout, Viewer};
use crate::AppState;

pub async fn witnesses(State(state): State<AppState>, v: Viewer) -> Response {
    let user = v.user.clone();
    let (persons, names) = match state
        .with_vault(move |vault| {
            let mut out = Vec::new();
            for p in vault.person_list(&user)?.into_iter().take(500) {
                out.push(vault.person_view(&user, &p)?);
            }
            let names = names_of(
                vault,
                &user,
                out.iter()
                    .flat_map(|p| p.statements.iter().map(String::as_str)),
            );
            Ok((out, names))
        })
        .await
    {
        Ok(p) => p,
        Err(e) => return refused(&v, e),
    };
    let body = html! {
        @if persons.is_empty() { p { (v.t("wit-none")) } } @else {
            table {
                thead { tr { th { (v.t("victims-pseudonym")) } th { (v.t("wit-identity")) } th { (v.t("wit-measures")) } th { (v.t("wit-scope")) } th { (v.t("wit-statements")) } } }
                tbody {
                    @for p in &persons {
                        tr {
                            td { (p.pseudonym) }
                            td dir="auto" {
                                @if let Some(i) = &p.identity { (i.to_string()) }
                                @else if p.identity_withheld { em { (v.t("wit-withheld")) } }
                            }
                            td dir="auto" { (p.protective_measures.to_string()) }
                            td { (p.scope.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }
                            td { @for s in &p.statements { (item_ref(&v, s, &names)) " " } }
                        }
                    }
                }
            }
        }
    };
    layout(&v, v.t("wit-title"), "witnesses", "/witnesses", body)
}
