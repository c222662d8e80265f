//! The pages, one module per feature. Each handler finds the viewer, asks the vault (in the
//! blocking pool) for what the viewer may see, and renders it; forms post back, are checked
//! for CSRF, and redirect.

pub(crate) mod admin;
pub(crate) mod capture;
pub(crate) mod cases;
pub(crate) mod dashboard;
pub(crate) mod items;
pub(crate) mod report_form;
pub(crate) mod reports;
pub(crate) mod requests;
pub(crate) mod search;
pub(crate) mod signin;
pub(crate) mod uploads;
pub(crate) mod victims;
pub(crate) mod witnesses;

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{csrf_refusal, error_page, Viewer};
use crate::{ApiError, AppState};

pub(crate) const PAGE_SIZE: usize = 50;

/// Turns a vault refusal into a page.
pub(crate) fn refused(v: &Viewer, e: ApiError) -> Response {
    error_page(v, e.status, &e.message)
}

pub(crate) fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A request's or a requested item's state in the viewer's language (an unknown one as it is).
pub(crate) fn request_state(v: &Viewer, state: &str) -> String {
    let key = match state {
        "filed" => "state-filed",
        "awaiting_consent" => "state-awaiting_consent",
        "ready" => "state-ready",
        "refused" => "state-refused",
        "withheld" => "state-withheld",
        "released" => "state-released",
        "withdrawn" => "state-withdrawn",
        "finalised" => "state-finalised",
        "holder" => "waiting-holder",
        "originators" => "waiting-originators",
        "nobody" => "waiting-nobody",
        other => return other.to_owned(),
    };
    v.t(key).to_owned()
}

/// A time of the custody log or the catalog (RFC 3339, UTC) as people read it: to the minute,
/// `2026-12-02 00:17 UTC`, isolated left to right; the full value (as the API gives it) in
/// `datetime` and on hover. Anything else is shown as it is.
pub(crate) fn time_markup(full: &str) -> maud::Markup {
    let bytes = full.as_bytes();
    let shown = if bytes.len() >= 16 && bytes[10] == b'T' && bytes[13] == b':' {
        let zone = if full.ends_with('Z') { " UTC" } else { "" };
        format!("{} {}{zone}", &full[..10], &full[11..16])
    } else {
        full.to_owned()
    };
    maud::html! { time datetime=(full) title=(full) { bdi dir="ltr" data-value=(shown) { (shown) } } }
}

pub(crate) fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// The BCP 47 tag of a language the extraction detected (an ISO 639-3 code, `ara`), for a `lang`
/// attribute: the two-letter code where the language has one (`ar`), else the code itself
/// (`ckb`), as BCP 47 wants, so that browsers and screen readers know the language.
pub(crate) fn lang_tag(code: &str) -> &str {
    const TWO_LETTERS: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fas", "fa"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    TWO_LETTERS
        .iter()
        .find(|(three, _)| *three == code)
        .map_or(code, |(_, two)| two)
}

/// A value of the data (a file name, a name, a reference) isolated from the text around it
/// (`<bdi>`: in the direction of its own first strong letter), so that the page's direction
/// never reorders it, and marked `data-value` with its exact text: the browser test compares
/// what is rendered with it.
pub(crate) fn value(text: &str) -> maud::Markup {
    maud::html! { bdi data-value=(text) { (text) } }
}

/// A value that reads left to right whatever the page's direction (hashes, sizes, numbers with
/// units, dates, coordinates, media types), isolated and marked as [`value`] is.
pub(crate) fn ltr_value(text: &str) -> maud::Markup {
    maud::html! { bdi dir="ltr" data-value=(text) { (text) } }
}

/// A size in bytes, as a left-to-right value (`3.4 KiB`).
pub(crate) fn size(n: u64) -> maud::Markup {
    ltr_value(&bytes_text(n))
}

/// An item's short hash (its first 12 hex digits), as a left-to-right value.
pub(crate) fn hash(sha: &str) -> maud::Markup {
    ltr_value(short(sha))
}

#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

/// A form posted by a signed-in page, with the CSRF field every such form carries.
pub(crate) trait CsrfField {
    fn csrf(&self) -> &str;
}

/// A posted form whose CSRF field is the token of the session presented (see
/// [`csrf_refusal`]); a missing or stale one is refused before the handler runs.
pub(crate) struct CsrfForm<T>(pub T);

impl<T> FromRequest<AppState> for CsrfForm<T>
where
    T: DeserializeOwned + CsrfField + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let Form(form) = Form::<T>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match csrf_refusal(state, &headers, form.csrf()) {
            Some(refusal) => Err(refusal),
            None => Ok(CsrfForm(form)),
        }
    }
}

/// Forms whose CSRF field is `csrf`.
macro_rules! csrf_field {
    ($($form:ty),* $(,)?) => {
        $(impl $crate::web::pages::CsrfField for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })*
    };
}
pub(crate) use csrf_field;

csrf_field!(CsrfOnly);

#[cfg(test)]
mod tests {
    use super::time_markup;

    #[test]
    fn times_to_the_minute_with_the_full_value_on_hover() {
        assert_eq!(
            time_markup("2026-12-02T00:17:51.140565Z").into_string(),
            "<time datetime=\"2026-12-02T00:17:51.140565Z\" title=\"2026-12-02T00:17:51.140565Z\">\
             <bdi dir=\"ltr\" data-value=\"2026-12-02 00:17 UTC\">2026-12-02 00:17 UTC</bdi></time>"
        );
        assert!(time_markup("yesterday")
            .into_string()
            .contains(">yesterday<"));
    }

    #[test]
    fn detected_languages_as_bcp47_tags() {
        assert_eq!(super::lang_tag("ara"), "ar");
        assert_eq!(super::lang_tag("pes"), "fa");
        assert_eq!(super::lang_tag("ckb"), "ckb");
        assert_eq!(super::lang_tag("en"), "en");
    }

    #[test]
    fn values_are_isolated_and_marked_with_their_text() {
        assert_eq!(
            super::size(3482).into_string(),
            "<bdi dir=\"ltr\" data-value=\"3.4 KiB\">3.4 KiB</bdi>"
        );
        assert_eq!(
            super::value("شهادة <1>.txt").into_string(),
            "<bdi data-value=\"شهادة &lt;1&gt;.txt\">شهادة &lt;1&gt;.txt</bdi>"
        );
        assert_eq!(
            super::hash(&"ab".repeat(32)).into_string(),
            "<bdi dir=\"ltr\" data-value=\"abababababab\">abababababab</bdi>"
        );
    }
}
