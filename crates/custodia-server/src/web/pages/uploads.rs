//! The upload form (the bytes go through the API's resumable uploads).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use custodia_vault::custodia_access::Role;
use fluent_bundle::FluentValue;
use maud::html;

use crate::web::{error_page, layout, Viewer};
use crate::AppState;

pub async fn upload_form(State(state): State<AppState>, v: Viewer) -> Response {
    if !(v.of_holder() && v.is(Role::Custodian)) {
        return error_page(&v, StatusCode::FORBIDDEN, v.t("forbidden"));
    }
    let user = v.user.clone();
    let originators = state
        .with_reader(move |vault| Ok(vault.holdings(&user)?.by_originator))
        .await
        .unwrap_or_default();
    let body = html! {
        // The script's messages, in the page's language ({…} filled in by the script).
        form id="upload" class="card" data-upload
            data-say-hashing=(v.t("upload-hashing"))
            data-say-sending=(v.lang.args("upload-sending", &[("percent", FluentValue::from("{percent}"))]))
            data-say-resuming=(v.t("upload-resuming"))
            data-say-storing=(v.t("upload-storing"))
            data-say-stored=(v.lang.args("upload-stored", &[("sha256", FluentValue::from("{sha256}"))]))
            data-say-nothing=(v.t("upload-nothing"))
            data-say-failed=(v.lang.args("upload-failed", &[("error", FluentValue::from("{error}"))])) {
            label for="u-file" { (v.t("upload-file")) }
            input id="u-file" name="file" type="file" required;
            label for="u-originator" { (v.t("upload-originator")) }
            input id="u-originator" name="originator" list="originators" required;
            datalist id="originators" { @for o in originators.keys() { option value=(o) {} } }
            label for="u-case" { (v.t("upload-case")) }
            input id="u-case" name="case_ref";
            label for="u-note" { (v.t("upload-note")) }
            input id="u-note" name="collection_note";
            button type="submit" { (v.t("upload-start")) }
            progress id="u-progress" max="100" value="0" hidden {}
            p id="u-status" role="status" aria-live="polite" {}
        }
        noscript { p class="note" { (v.t("upload-needs_js")) } }
    };
    layout(&v, v.t("upload-title"), "upload", "/upload", body)
}
