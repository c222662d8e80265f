//! The public reporting point's form (`/report` on the intake listener): in English, Arabic,
//! Sorani Kurdish and French, right to left where the language is, without any script. It posts
//! itself as multipart to `/report` and is answered by a page with the reference.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::intake::Refusal;

/// The form's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormLang {
    En,
    Ar,
    Ckb,
    Fr,
}

impl FormLang {
    pub(crate) const ALL: [FormLang; 4] = [FormLang::En, FormLang::Ar, FormLang::Ckb, FormLang::Fr];

    pub(crate) fn code(self) -> &'static str {
        match self {
            FormLang::En => "en",
            FormLang::Ar => "ar",
            FormLang::Ckb => "ckb",
            FormLang::Fr => "fr",
        }
    }

    fn name(self) -> &'static str {
        match self {
            FormLang::En => "English",
            FormLang::Ar => "العربية",
            FormLang::Ckb => "کوردی",
            FormLang::Fr => "Français",
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<FormLang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        FormLang::ALL
            .into_iter()
            .find(|l| l.code() == code || l.code() == primary)
    }

    pub(crate) fn from_accept_language(header: &str) -> Option<FormLang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(FormLang::from_code)
    }

    fn dir(self) -> &'static str {
        match self {
            FormLang::Ar | FormLang::Ckb => "rtl",
            _ => "ltr",
        }
    }

    fn t(self, key: &str) -> &'static str {
        let table: &[(&str, [&str; 4])] = &[
            (
                "title",
                [
                    "Report harm to civilians",
                    "الإبلاغ عن ضرر لحق بالمدنيين",
                    "ڕاپۆرتکردنی زیان بە خەڵکی مەدەنی",
                    "Signaler un dommage causé à des civils",
                ],
            ),
            (
                "intro",
                [
                    "Tell us what happened. Every report is read and assessed. We keep only what you write here: not your address, not your browser. Give a contact only if you wish to be reached.",
                    "أخبرنا بما حدث. كل بلاغ يُقرأ ويُقيَّم. لا نحتفظ إلا بما تكتبه هنا: لا عنوانك ولا متصفحك. اترك وسيلة اتصال فقط إن رغبت في أن نتواصل معك.",
                    "پێمان بڵێ چی ڕوویدا. هەموو ڕاپۆرتێک دەخوێندرێتەوە و هەڵدەسەنگێندرێت. تەنها ئەوەی لێرە دەینووسیت هەڵدەگرین: نە ناونیشانەکەت، نە وێبگەڕەکەت. تەنها ئەگەر دەتەوێت پەیوەندیت پێوە بکرێت، ڕێگایەکی پەیوەندی بنووسە.",
                    "Dites-nous ce qui s'est passé. Chaque signalement est lu et évalué. Nous ne gardons que ce que vous écrivez ici : ni votre adresse, ni votre navigateur. Ne laissez un contact que si vous souhaitez être joint.",
                ],
            ),
            ("date", ["Date", "التاريخ", "ڕێکەوت", "Date"]),
            ("place", ["Place", "المكان", "شوێن", "Lieu"]),
            (
                "lat",
                [
                    "Latitude (optional)",
                    "خط العرض (اختياري)",
                    "هێڵی پانی (ئارەزوومەندانە)",
                    "Latitude (facultatif)",
                ],
            ),
            (
                "lon",
                [
                    "Longitude (optional)",
                    "خط الطول (اختياري)",
                    "هێڵی درێژی (ئارەزوومەندانە)",
                    "Longitude (facultatif)",
                ],
            ),
            (
                "description",
                [
                    "What happened",
                    "ماذا حدث",
                    "چی ڕوویدا",
                    "Ce qui s'est passé",
                ],
            ),
            (
                "killed",
                [
                    "People killed",
                    "عدد القتلى",
                    "ژمارەی کوژراوان",
                    "Personnes tuées",
                ],
            ),
            (
                "injured",
                [
                    "People injured",
                    "عدد الجرحى",
                    "ژمارەی برینداران",
                    "Personnes blessées",
                ],
            ),
            (
                "contact",
                [
                    "How to reach you (optional)",
                    "وسيلة الاتصال بك (اختياري)",
                    "چۆن پەیوەندیت پێوە بکەین (ئارەزوومەندانە)",
                    "Comment vous joindre (facultatif)",
                ],
            ),
            (
                "attachments",
                [
                    "Photos, videos or documents (up to 5 files, 25 MiB each)",
                    "صور أو فيديوهات أو وثائق (حتى 5 ملفات، 25 ميغابايت لكل منها)",
                    "وێنە، ڤیدیۆ یان بەڵگەنامە (تا ٥ پەڕگە، هەریەکە ٢٥ مێگابایت)",
                    "Photos, vidéos ou documents (jusqu'à 5 fichiers de 25 Mio chacun)",
                ],
            ),
            ("send", ["Send the report", "إرسال البلاغ", "ناردنی ڕاپۆرت", "Envoyer le signalement"]),
            (
                "received",
                [
                    "Your report was received",
                    "تم استلام بلاغك",
                    "ڕاپۆرتەکەت گەیشت",
                    "Votre signalement a été reçu",
                ],
            ),
            (
                "reference",
                [
                    "Its reference, to quote if you write to us about it:",
                    "رقمه المرجعي، لذكره إن راسلتنا بشأنه:",
                    "ژمارەی ئاماژەکەی، بۆ ئەوەی ئەگەر سەبارەت بەوە نامەت بۆ نووسین ئاماژەی پێ بدەیت:",
                    "Sa référence, à citer si vous nous écrivez à son sujet :",
                ],
            ),
            (
                "another",
                [
                    "Report something else",
                    "الإبلاغ عن أمر آخر",
                    "ڕاپۆرتکردنی شتێکی تر",
                    "Signaler autre chose",
                ],
            ),
            (
                "problem",
                [
                    "The report was not sent:",
                    "لم يُرسَل البلاغ:",
                    "ڕاپۆرتەکە نەنێردرا:",
                    "Le signalement n'a pas été envoyé :",
                ],
            ),
        ];
        let index = FormLang::ALL.iter().position(|l| *l == self).unwrap_or(0);
        table
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, texts)| texts[index])
            .unwrap_or("")
    }
}

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
                title { (lang.t("title")) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                nav {
                    @for other in FormLang::ALL {
                        @if other == lang {
                            strong lang=(other.code()) { (other.name()) } " "
                        } @else {
                            a href={ "/report?lang=" (other.code()) } lang=(other.code()) hreflang=(other.code()) { (other.name()) } " "
                        }
                    }
                }
                (body)
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
        h1 { (lang.t("title")) }
        p { (lang.t("intro")) }
        @if let Some(problem) = &problem {
            div.problem role="alert" data-field=(problem.field) {
                p { strong { (lang.t("problem")) } }
                p lang="en" dir="ltr" { (problem.message) }
            }
        }
        form method="post" action="/report" enctype="multipart/form-data" {
            input type="hidden" name="token" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            label for="date" { (lang.t("date")) }
            input id="date" type="date" name="date" required value=(values.date);
            label for="place" { (lang.t("place")) }
            input id="place" type="text" name="place" required maxlength="500" value=(values.place);
            label for="lat" { (lang.t("lat")) }
            input id="lat" type="text" inputmode="decimal" name="lat" dir="ltr" value=(values.lat);
            label for="lon" { (lang.t("lon")) }
            input id="lon" type="text" inputmode="decimal" name="lon" dir="ltr" value=(values.lon);
            label for="description" { (lang.t("description")) }
            textarea id="description" name="description" required maxlength="20000" { (values.description) }
            label for="killed" { (lang.t("killed")) }
            input id="killed" type="number" min="0" name="killed" value=(if values.killed.is_empty() { "0" } else { values.killed.as_str() });
            label for="injured" { (lang.t("injured")) }
            input id="injured" type="number" min="0" name="injured" value=(if values.injured.is_empty() { "0" } else { values.injured.as_str() });
            label for="contact" { (lang.t("contact")) }
            input id="contact" type="text" name="contact" maxlength="1000" autocomplete="off" value=(values.contact);
            label for="attachment" { (lang.t("attachments")) }
            input id="attachment" type="file" name="attachment" multiple;
            button type="submit" { (lang.t("send")) }
        }
    };
    shell(lang, status, body)
}

/// The answer to a report received: its reference.
pub(crate) fn received(lang: FormLang, reference: &str) -> Response {
    let body = html! {
        h1 { (lang.t("received")) }
        p { (lang.t("reference")) }
        p.reference dir="ltr" { (reference) }
        p { a href={ "/report?lang=" (lang.code()) } { (lang.t("another")) } }
    };
    shell(lang, StatusCode::OK, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_in_every_language() {
        for lang in FormLang::ALL {
            for key in [
                "title",
                "intro",
                "date",
                "place",
                "lat",
                "lon",
                "description",
                "killed",
                "injured",
                "contact",
                "attachments",
                "send",
                "received",
                "reference",
                "another",
                "problem",
            ] {
                assert!(!lang.t(key).is_empty(), "{key} in {}", lang.code());
            }
        }
        assert_eq!(
            FormLang::from_accept_language("ckb-IQ,ar;q=0.8"),
            Some(FormLang::Ckb)
        );
        assert_eq!(FormLang::from_code("fr-FR"), Some(FormLang::Fr));
        assert_eq!(FormLang::Ckb.dir(), "rtl");
    }
}
