//! The sign-in form, signing in and signing out.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, DOCTYPE};
use serde::Deserialize;

use super::{CsrfForm, CsrfOnly};
use crate::web::{html_response, language, login_csrf_refusal, Lang};
use crate::{cookie, random_token, ApiError, AppState};

pub async fn login_form(headers: HeaderMap) -> Response {
    let lang = language(&headers);
    // A CSRF cookie before sign-in, so that the sign-in form itself cannot be forged.
    let name = crate::signin::csrf_cookie(&headers);
    let csrf = cookie(&headers, name)
        .map(str::to_owned)
        .unwrap_or_else(random_token);
    let mut response = login_page(lang, &csrf, false);
    if cookie(&headers, name).is_none() {
        if let Ok(v) = HeaderValue::from_str(&crate::signin::set_cookie(name, &csrf, false, 3600)) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn login_page(lang: Lang, csrf: &str, failed: bool) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (lang.t("signin-title")) }
                link rel="stylesheet" href="/assets/app.css";
            }
            body class="login" {
                main id="main" {
                    nav class="languages" aria-label=(lang.t("language")) {
                        @for l in Lang::ALL {
                            a href={ "/language?lang=" (l.code()) "&next=/login" } lang=(l.code()) hreflang=(l.code()) aria-current=[(l == lang).then_some("true")] { (l.name()) }
                            " "
                        }
                    }
                    h1 { (lang.t("signin-title")) }
                    @if failed {
                        p class="error" role="alert" { (lang.t("signin-failed")) }
                    }
                    form method="post" action="/login" class="card" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="user" { (lang.t("user")) }
                        input id="user" name="user" autocomplete="username" required autofocus;
                        label for="password" { (lang.t("password")) }
                        input id="password" name="password" type="password" autocomplete="current-password" required;
                        label for="totp" { (lang.t("totp")) }
                        input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code";
                        button type="submit" { (lang.t("signin")) }
                    }
                }
            }
        }
    };
    html_response(
        if failed {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        },
        markup,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    user: String,
    password: String,
    totp: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Some(r) = login_csrf_refusal(&headers, &form.csrf) {
        return r;
    }
    let lang = language(&headers);
    let totp = form.totp.filter(|t| !t.trim().is_empty());
    let session = crate::signin::sign_in(&state, &headers, form.user, form.password, totp).await;
    match session {
        Ok(session) => {
            let mut response = Redirect::to("/").into_response();
            for c in crate::signin::session_cookies(&state, &headers, &session) {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(crate::signin::Refusal::Wait(seconds)) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
            format!("too many failed sign-ins from this address; try again in {seconds} s"),
        )
            .into_response(),
        Err(crate::signin::Refusal::Failed(e)) if e.status == StatusCode::FORBIDDEN => {
            login_page(lang, &form.csrf, true)
        }
        Err(crate::signin::Refusal::Failed(e)) => {
            (e.status, crate::web::shown_message(e.status, &e.message)).into_response()
        }
    }
}

pub async fn logout_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Response {
    if let Some(token) =
        cookie(&headers, crate::signin::session_cookie(&headers)).map(str::to_owned)
    {
        let _ = state
            .with_vault(move |vault| {
                let user = vault
                    .authenticate(&token)
                    .map_err(|_| ApiError::unauthorised())?;
                let id = custodia_vault::custodia_auth::token_id(&token)
                    .ok_or_else(ApiError::unauthorised)?
                    .to_owned();
                Ok(vault.revoke_token(&user, &id)?)
            })
            .await;
    }
    let mut response = Redirect::to("/login").into_response();
    for name in [
        crate::signin::session_cookie(&headers),
        crate::signin::csrf_cookie(&headers),
    ] {
        if let Ok(v) = HeaderValue::from_str(&crate::signin::set_cookie(name, "", false, 0)) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}
