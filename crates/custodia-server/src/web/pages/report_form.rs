//! The public reporting point's form (`/report` on the intake listener): in every interface
//! language (the catalogues' `report-*` messages), right to left where the language is,
//! without any script. It posts
//! itself as multipart to `/report` and is answered by a page with the reference.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::intake::Refusal;

/// The form's languages: the interface's, from the same catalogues (messages `report-*`).
pub(crate) type FormLang = crate::web::Lang;

/// What the reporter typed, to show again after a refusal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Values {
    pub(crate) date: String,
    pub(crate) place: String,
    pub(crate) lat: String,
    pub(crate) lon: String,
    pub(crate) description: String,
    pub(crate) killed: String,
    pub(crate) injured: String,
    pub(crate) contact: String,
}

const STYLE: &str = "body{font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em;line-height:1.4}label{display:block;margin-top:.8em;font-weight:bold}input,textarea{width:100%;box-sizing:border-box;padding:.3em}textarea{min-height:8em}.problem{border:2px solid #a00;padding:.5em;background:#fee}nav a{margin-inline-end:1em}button{margin-top:1em;padding:.5em 1em}.reference{font-size:1.5em;font-family:monospace}";

fn shell(lang: FormLang, status: StatusCode, body: Markup) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (lang.t("report-title")) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                nav aria-label=(lang.t("language")) {
                    @for other in FormLang::ALL {
                        @if other == lang {
                            strong lang=(other.code()) { (other.name()) } " "
                        } @else {
                            a href={ "/report?lang=" (other.code()) } lang=(other.code()) hreflang=(other.code()) { (other.name()) } " "
                        }
                    }
                }
                main { (body) }
            }
        }
    };
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        page,
    )
        .into_response()
}

/// The form, with its challenge token; after a refusal, with the problem and what was typed.
pub(crate) fn form(
    lang: FormLang,
    token: &str,
    problem: Option<Refusal>,
    values: &Values,
) -> Response {
    let status = problem.as_ref().map(|p| p.status).unwrap_or(StatusCode::OK);
    let body = html! {
        h1 { (lang.t("report-title")) }
        p { (lang.t("report-intro")) }
        @if let Some(problem) = &problem {
            div.problem role="alert" data-field=(problem.field) {
                p { strong { (lang.t("report-problem")) } }
                p lang="en" dir="ltr" { (problem.message) }
            }
        }
        form method="post" action="/report" enctype="multipart/form-data" {
            input type="hidden" name="token" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            label for="date" { (lang.t("report-date")) }
            input id="date" type="date" name="date" required value=(values.date);
            label for="place" { (lang.t("report-place")) }
            input id="place" type="text" name="place" required maxlength="500" value=(values.place);
            label for="lat" { (lang.t("report-lat")) }
            input id="lat" type="text" inputmode="decimal" name="lat" dir="ltr" value=(values.lat);
            label for="lon" { (lang.t("report-lon")) }
            input id="lon" type="text" inputmode="decimal" name="lon" dir="ltr" value=(values.lon);
            label for="description" { (lang.t("report-description")) }
            textarea id="description" name="description" required maxlength="20000" { (values.description) }
            label for="killed" { (lang.t("report-killed")) }
            input id="killed" type="number" min="0" name="killed" value=(if values.killed.is_empty() { "0" } else { values.killed.as_str() });
            label for="injured" { (lang.t("report-injured")) }
            input id="injured" type="number" min="0" name="injured" value=(if values.injured.is_empty() { "0" } else { values.injured.as_str() });
            label for="contact" { (lang.t("report-contact")) }
            input id="contact" type="text" name="contact" maxlength="1000" autocomplete="off" value=(values.contact);
            label for="attachment" { (lang.t("report-attachments")) }
            input id="attachment" type="file" name="attachment" multiple;
            button type="submit" { (lang.t("report-send")) }
        }
    };
    shell(lang, status, body)
}

/// The answer to a report received: its reference.
pub(crate) fn received(lang: FormLang, reference: &str) -> Response {
    let body = html! {
        h1 { (lang.t("report-received")) }
        p { (lang.t("report-reference")) }
        p.reference dir="ltr" { (reference) }
        p { a href={ "/report?lang=" (lang.code()) } { (lang.t("report-another")) } }
    };
    shell(lang, StatusCode::OK, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_in_every_language() {
        for lang in FormLang::ALL {
            let page = received(lang, "HR-1");
            assert_eq!(page.status(), StatusCode::OK);
            assert!(!lang.t("report-title").is_empty());
        }
        assert_eq!(
            FormLang::from_accept_language("ckb-IQ,ar;q=0.8"),
            Some(FormLang::Ckb)
        );
        assert_eq!(FormLang::from_code("fr-FR"), Some(FormLang::Fr));
        assert_eq!(FormLang::Ckb.dir(), "rtl");
    }

    /// The form in Arabic and Sorani: right to left, and none of its English texts.
    #[tokio::test]
    async fn the_form_in_arabic_shows_no_english() {
        let english: Vec<&str> = [
            "report-title",
            "report-intro",
            "report-date",
            "report-place",
            "report-description",
            "report-killed",
            "report-injured",
            "report-contact",
            "report-attachments",
            "report-send",
        ]
        .into_iter()
        .map(|key| FormLang::En.t(key))
        .collect();
        for lang in [FormLang::Ar, FormLang::Ckb] {
            let page = form(lang, "token", None, &Values::default());
            let body = axum::body::to_bytes(page.into_body(), usize::MAX)
                .await
                .expect("the page");
            let html = String::from_utf8(body.to_vec()).expect("UTF-8");
            assert!(html.contains(&format!("lang=\"{}\" dir=\"rtl\"", lang.code())));
            assert!(html.contains(lang.t("report-send")));
            for text in &english {
                assert!(!html.contains(text), "{text} in {}", lang.code());
            }
        }
    }
}
