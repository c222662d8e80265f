//! The pages, one module per feature. Each handler finds the viewer, asks the vault (in the
//! blocking pool) for what the viewer may see, and renders it; forms post back, are checked
//! for CSRF, and redirect.

pub(crate) mod admin;
pub(crate) mod capture;
pub(crate) mod cases;
pub(crate) mod dashboard;
pub(crate) mod harm;
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

/// A time of the custody log or the catalog (RFC 3339, UTC) as the viewer reads it: a medium
/// date and the time to the minute in their language and time zone, with the zone's offset
/// (`web/format.rs`), isolated in its own direction; the full value (as the API gives it)
/// in `datetime`, `data-raw` and on hover. Within a week of now it is also said relatively
/// beside it ("3 hours ago"), as of the page's rendering. Anything that is no RFC 3339 time is
/// shown as it is.
pub(crate) fn time_markup(v: &Viewer, full: &str) -> maud::Markup {
    time_in(v.lang, &v.zone, full, jiff::Timestamp::now())
}

/// A time as [`time_markup`] shows it, as plain text (for a sentence); anything that is no
/// RFC 3339 time as it is.
pub(crate) fn time_text(v: &Viewer, full: &str) -> String {
    match full.parse::<jiff::Timestamp>() {
        Ok(at) => v.lang.date_time(at, &v.zone),
        Err(_) => full.to_owned(),
    }
}

pub(crate) fn time_in(
    lang: super::Lang,
    zone: &jiff::tz::TimeZone,
    full: &str,
    now: jiff::Timestamp,
) -> maud::Markup {
    let Ok(at) = full.parse::<jiff::Timestamp>() else {
        return maud::html! { time datetime=(full) title=(full) { (ltr_value(full)) } };
    };
    let shown = lang.date_time(at, zone);
    let relative = lang.relative(at, now);
    maud::html! {
        time datetime=(full) title=(full) {
            bdi dir=(direction(lang, &shown)) data-value=(shown) data-raw=(full) { (shown) }
        }
        @if let Some(relative) = relative { " " span class="relative" { "(" bdi { (relative) } ")" } }
    }
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

/// A size in bytes as the viewer's language writes it (`3.4 KiB`, `3,4 KiB`, `٣٫٤ KiB`),
/// isolated in its own direction, the exact number of bytes in `data-raw`.
pub(crate) fn size(v: &Viewer, n: u64) -> maud::Markup {
    size_in(v.lang, n)
}

fn size_in(lang: super::Lang, n: u64) -> maud::Markup {
    let shown = lang.size(n);
    maud::html! { bdi dir=(direction(lang, &shown)) data-value=(shown) data-raw=(n) { (shown) } }
}

/// The direction a formatted number or time reads in: the page's, in a right-to-left language
/// when it is written in Arabic script (Arabic-Indic digits, Arabic month names: `٣٫٤ KiB`
/// reads from the right like the sentence around it); left to right otherwise, so that Latin
/// digits and units (`3.4 KiB` in Arabic) are never turned round (`KiB 3.4`).
fn direction(lang: super::Lang, text: &str) -> &'static str {
    let arabic_script = text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    if arabic_script {
        lang.dir()
    } else {
        "ltr"
    }
}

/// A count as the viewer's language writes it (`1,234`, `1.234`, `١٬٢٣٤`), isolated, the number
/// itself in `data-raw`.
pub(crate) fn count(v: &Viewer, n: u64) -> maud::Markup {
    let shown = v.lang.number(n);
    maud::html! { bdi dir=(direction(v.lang, &shown)) data-value=(shown) data-raw=(n) { (shown) } }
}

/// An item's short hash (its first 12 hex digits), as a left-to-right value.
pub(crate) fn hash(sha: &str) -> maud::Markup {
    ltr_value(short(sha))
}

/// A button that copies an item's full hash (the page shows only its first digits). The script
/// (`assets/app.js`) copies it to the clipboard, or, where the browser allows no clipboard
/// (a page not served over HTTPS), selects it for the person to copy; its texts are the
/// catalogue's, carried in `data-` attributes.
pub(crate) fn copy_hash(v: &Viewer, sha: &str) -> maud::Markup {
    copy_hash_in(v.lang, sha)
}

/// [`copy_hash`] in a language.
pub(crate) fn copy_hash_in(lang: super::Lang, sha: &str) -> maud::Markup {
    maud::html! {
        button type="button" class="copy" data-copy=(sha) data-done=(lang.t("copy-done"))
            data-select=(lang.t("copy-selected")) title=(lang.t("copy-hash_label")) hidden {
            (lang.t("copy-hash"))
        }
    }
}

/// The original file names of items, as `user` may see them (the first submission's path; an
/// item they may not see the metadata of has none here, and shows by its hash): so that pages
/// name items as people know them.
pub(crate) fn names_of<'a>(
    vault: &custodia_vault::Vault,
    user: &str,
    shas: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeMap<String, String> {
    let mut names = std::collections::BTreeMap::new();
    let Ok(who) = vault.principal(user) else {
        return names;
    };
    for sha in shas {
        if names.contains_key(sha) {
            continue;
        }
        let Ok(hash) = sha.parse::<custodia_vault::custodia_blobstore::ContentHash>() else {
            continue;
        };
        if let Some(first) = vault
            .submissions_for(&who, &hash)
            .ok()
            .and_then(|s| s.into_iter().next())
        {
            names.insert(sha.to_owned(), first.path);
        }
    }
    names
}

/// An item as people know it: its original file name linked to its page, then its short hash
/// and the button that copies the full hash; by its hash alone where the name is not known.
pub(crate) fn item_ref(
    v: &Viewer,
    sha: &str,
    names: &std::collections::BTreeMap<String, String>,
) -> maud::Markup {
    match names.get(sha) {
        Some(name) => maud::html! {
            a href={"/items/" (sha)} { (value(name)) }
            " " span class="hash" { span class="mono" { (hash(sha)) } " " (copy_hash(v, sha)) }
        },
        None => hash_link(v, sha),
    }
}

/// An item's short hash linked to its page, with the button that copies the full hash.
pub(crate) fn hash_link(v: &Viewer, sha: &str) -> maud::Markup {
    maud::html! {
        span class="hash" {
            a class="mono" href={"/items/" (sha)} { (hash(sha)) }
            " " (copy_hash(v, sha))
        }
    }
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
    use jiff::tz::TimeZone;
    use jiff::Timestamp;

    use super::{size_in, time_in};
    use crate::web::Lang;

    const FULL: &str = "2026-12-02T00:17:51.140565Z";

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn times_in_the_language_with_the_full_value_on_hover_and_relative_when_recent() {
        let shown = Lang::En.date_time(at(FULL), &TimeZone::UTC);
        assert_eq!(
            time_in(Lang::En, &TimeZone::UTC, FULL, at("2026-12-02T03:20:00Z")).into_string(),
            format!(
                "<time datetime=\"{FULL}\" title=\"{FULL}\">\
                 <bdi dir=\"ltr\" data-value=\"{shown}\" data-raw=\"{FULL}\">{shown}</bdi></time> \
                 <span class=\"relative\">(<bdi>3 hours ago</bdi>)</span>"
            )
        );
        // Arabic: in the language's direction, said relatively in Arabic.
        let html =
            time_in(Lang::Ar, &TimeZone::UTC, FULL, at("2026-12-04T00:20:00Z")).into_string();
        assert!(html.contains("<bdi dir=\"rtl\" data-value=\""), "{html}");
        assert!(html.contains("(<bdi>منذ يومين</bdi>)"), "{html}");
        // A week or more away: the exact time alone.
        let html =
            time_in(Lang::En, &TimeZone::UTC, FULL, at("2026-12-09T00:17:51Z")).into_string();
        assert!(!html.contains("relative"), "{html}");
        // Not a time: shown as it is, never a panic.
        let html = time_in(Lang::Fr, &TimeZone::UTC, "yesterday", at(FULL)).into_string();
        assert!(html.contains(">yesterday<"), "{html}");
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
            size_in(Lang::En, 3482).into_string(),
            "<bdi dir=\"ltr\" data-value=\"3.4 KiB\" data-raw=\"3482\">3.4 KiB</bdi>"
        );
        assert_eq!(
            size_in(Lang::Ar, 3482).into_string(),
            "<bdi dir=\"ltr\" data-value=\"3.4 KiB\" data-raw=\"3482\">3.4 KiB</bdi>"
        );
        assert_eq!(
            size_in(Lang::Ckb, 3482).into_string(),
            "<bdi dir=\"rtl\" data-value=\"٣٫٤ KiB\" data-raw=\"3482\">٣٫٤ KiB</bdi>"
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
