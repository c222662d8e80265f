//! The interface languages: English, Arabic, Sorani Kurdish (Arabic script), Kurmanji Kurdish
//! (Latin script), Dutch and French. Every text of the pages and of the public reporting form
//! comes from a Project Fluent message catalogue, `locales/<language>/main.ftl`, compiled into
//! the binary (`include_str!`), so that the product depends on no file beside it and a
//! translator edits one file per language. Each catalogue is complete: there is no fallback to
//! English, and the tests fail when a catalogue lacks a message of the English one or has one
//! it does not. Arabic and Sorani switch the layout to right-to-left (`dir="rtl"` on the
//! document; the style sheet uses logical properties).
//!
//! Message names are Fluent identifiers: words joined by `-` (`nav-search`,
//! `case-status-unproven`). A message with a count (`$count`) chooses its plural form by the
//! language's CLDR rules (Arabic has six).

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ar,
    Ckb,
    Kmr,
    Nl,
    Fr,
}

/// The catalogues, in the order of [`Lang::ALL`].
const SOURCES: [&str; 6] = [
    include_str!("../../locales/en/main.ftl"),
    include_str!("../../locales/ar/main.ftl"),
    include_str!("../../locales/ckb/main.ftl"),
    include_str!("../../locales/kmr/main.ftl"),
    include_str!("../../locales/nl/main.ftl"),
    include_str!("../../locales/fr/main.ftl"),
];

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Ar, Lang::Ckb, Lang::Kmr, Lang::Nl, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Ckb => "ckb",
            Lang::Kmr => "kmr",
            Lang::Nl => "nl",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, for the language menu.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ar => "العربية",
            Lang::Ckb => "کوردی (سۆرانی)",
            Lang::Kmr => "Kurdî (Kurmancî)",
            Lang::Nl => "Nederlands",
            Lang::Fr => "Français",
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Ar => 1,
            Lang::Ckb => 2,
            Lang::Kmr => 3,
            Lang::Nl => 4,
            Lang::Fr => 5,
        }
    }

    /// The language of a code: `ar`, `ckb`, `fr-FR`, `nl_BE` (the primary subtag decides).
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == code || l.code() == primary)
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(Lang::from_code)
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar | Lang::Ckb => "rtl",
            _ => "ltr",
        }
    }

    /// The text of the message `key`, which takes no arguments. A message the catalogue lacks
    /// shows as its name (never a panic, never another language); the tests make sure none
    /// is lacking.
    pub fn t(self, key: &str) -> &'static str {
        CATALOGUES[self.index()]
            .plain
            .get(key)
            .map_or_else(|| missing(key), String::as_str)
    }

    /// The text of the message `key` for a count (`$count`), in the plural form the language
    /// wants for it.
    pub fn n(self, key: &str, count: u64) -> String {
        self.args(key, &[("count", FluentValue::from(count))])
    }

    /// The text of the message `key` with its arguments. Text arguments (names, times, titles)
    /// are isolated by the Unicode marks FSI and PDI, the plain-text `<bdi>`, so that a Latin
    /// name or a time in an Arabic sentence (or the reverse) keeps its own order; numbers are
    /// left bare for the plural rules.
    pub fn args(self, key: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        let bundle = &CATALOGUES[self.index()].bundle;
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return missing(key).to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                FluentValue::String(text) => FluentValue::from(format!("\u{2068}{text}\u{2069}")),
                other => other.clone(),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// The catalogue's source, for the tests.
    #[cfg(test)]
    pub(crate) fn source(self) -> &'static str {
        SOURCES[self.index()]
    }
}

fn missing(key: &str) -> &'static str {
    // The name shown must live as long as the catalogues; the message names of the pages are
    // literals, so a missing one is found among the English names or shown as a marker.
    CATALOGUES[0]
        .plain
        .get_key_value(key)
        .map_or("\u{2047}", |(k, _)| k.as_str())
}

/// One language's messages: the Fluent bundle, and every message without arguments already
/// formatted (most of a page's texts), so that a page borrows them.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, String>,
}

static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    Lang::ALL
        .into_iter()
        .map(|lang| catalogue(lang, SOURCES[lang.index()]))
        .collect()
});

fn catalogue(lang: Lang, source: &str) -> Catalogue {
    // A catalogue with a syntax error still loads its good messages; the tests refuse the error.
    let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, _)| res);
    // CLDR gives Kurmanji's plural rules under `ku`, the macrolanguage it is the default of.
    let tag = if lang == Lang::Kmr { "ku" } else { lang.code() };
    let id: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Pages isolate values themselves (`<bdi>`); Fluent's invisible isolation marks would end
    // up in copied text and in attribute values.
    bundle.set_use_isolating(false);
    // Counts in the language's own digits, as the page's other numbers (`web/format.rs`).
    bundle.set_formatter(Some(super::format::fluent_numbers(lang)));
    let names: Vec<String> = message_names(&resource);
    // Duplicate names are refused by the tests; the first one stays.
    let _ = bundle.add_resource(resource);
    let mut plain = HashMap::new();
    for name in names {
        if let Some(pattern) = bundle.get_message(&name).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            if errors.is_empty() {
                plain.insert(name, text.into_owned());
            }
        }
    }
    Catalogue { bundle, plain }
}

/// The names of a resource's messages, in order.
pub(crate) fn message_names(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn names(lang: Lang) -> Vec<String> {
        let resource = FluentResource::try_new(lang.source().to_owned())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", lang.code()));
        message_names(&resource)
    }

    /// Every catalogue parses, and has each message once.
    #[test]
    fn every_catalogue_parses_without_errors() {
        for lang in Lang::ALL {
            let names = names(lang);
            let unique: BTreeSet<&String> = names.iter().collect();
            assert_eq!(
                unique.len(),
                names.len(),
                "{} repeats a message",
                lang.code()
            );
            let mut bundle = FluentBundle::new_concurrent(vec![lang.code().parse().unwrap()]);
            let resource = FluentResource::try_new(lang.source().to_owned()).unwrap();
            bundle
                .add_resource(resource)
                .unwrap_or_else(|e| panic!("{}: {e:?}", lang.code()));
        }
    }

    /// No English fallback: every catalogue has exactly the English one's messages, each with a
    /// text of its own.
    #[test]
    fn every_catalogue_has_every_message_and_no_other() {
        let english: BTreeSet<String> = names(Lang::En).into_iter().collect();
        for lang in Lang::ALL {
            let own: BTreeSet<String> = names(lang).into_iter().collect();
            let lacking: Vec<_> = english.difference(&own).collect();
            let stray: Vec<_> = own.difference(&english).collect();
            assert!(lacking.is_empty(), "{} lacks {lacking:?}", lang.code());
            assert!(stray.is_empty(), "{} has stray {stray:?}", lang.code());
            for name in &english {
                let bundle = &CATALOGUES[lang.index()].bundle;
                let message = bundle.get_message(name).unwrap();
                assert!(
                    message.value().is_some(),
                    "{} `{name}` has no text",
                    lang.code()
                );
            }
        }
    }

    /// Every message the pages name exists: the sources of the web application (every file of
    /// `src/web/`, so that a new page is checked too) against the English catalogue.
    #[test]
    fn every_message_the_pages_name_exists() {
        let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let mut files = vec![web.join("mod.rs"), web.join("format.rs")];
        for entry in std::fs::read_dir(web.join("pages")).unwrap() {
            files.push(entry.unwrap().path());
        }
        let english: BTreeSet<String> = names(Lang::En).into_iter().collect();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for call in [".t(\"", ".n(\"", ".args(\""] {
                for (at, _) in source.match_indices(call) {
                    let rest = &source[at + call.len()..];
                    let name = &rest[..rest.find('"').unwrap()];
                    assert!(
                        english.contains(name),
                        "`{name}` ({}) is in no catalogue",
                        file.display()
                    );
                }
            }
        }
    }

    #[test]
    fn languages_by_code_header_and_direction() {
        assert_eq!(Lang::Fr.t("nav-search"), "Recherche");
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Ckb.dir(), "rtl");
        assert_eq!(Lang::Kmr.dir(), "ltr");
        assert_eq!(
            Lang::from_accept_language("de-DE,fr;q=0.8,en;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("ckb-IQ,ar;q=0.8"),
            Some(Lang::Ckb)
        );
        assert_eq!(Lang::from_code("nl-BE"), Some(Lang::Nl));
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    /// Text arguments are isolated; counts are not.
    #[test]
    fn text_arguments_are_isolated() {
        let text = Lang::Ar.args(
            "req-filed_by",
            &[("at", "2026-12-02".into()), ("by", "admin".into())],
        );
        assert_eq!(
            text,
            "\u{2068}2026-12-02\u{2069} بواسطة \u{2068}admin\u{2069}"
        );
    }

    /// Counts take the language's plural forms.
    #[test]
    fn counts_take_plural_forms() {
        assert_eq!(Lang::En.n("items-count", 1), "1 item");
        assert_eq!(Lang::En.n("items-count", 3), "3 items");
        assert_eq!(Lang::Fr.n("items-count", 1), "1 pièce");
        assert_eq!(Lang::Fr.n("items-count", 0), "0 pièce");
        assert_eq!(Lang::Nl.n("items-count", 2), "2 stukken");
        assert_eq!(Lang::Kmr.n("items-count", 1), "1 belge");
        // Sorani writes numbers in Arabic-Indic digits (CLDR's default for it), counts too.
        assert_eq!(Lang::Ckb.n("items-count", 1), "١ بەڵگە");
        assert_eq!(Lang::Ckb.n("items-count", 1234), "١٬٢٣٤ بەڵگە");
        assert_eq!(Lang::Fr.n("items-count", 1234), "1\u{202f}234 pièces");
        assert_eq!(Lang::Kmr.n("days-left", 1), "1 roj maye");
        assert_eq!(Lang::Kmr.n("days-left", 2), "2 roj mane");
        // Arabic: a dual, plurals of paucity from three to ten, the counted noun singular from
        // eleven on.
        assert_eq!(Lang::Ar.n("items-count", 1), "مادة واحدة");
        assert_eq!(Lang::Ar.n("items-count", 2), "مادتان");
        assert_eq!(Lang::Ar.n("items-count", 5), "5 مواد");
        assert_eq!(Lang::Ar.n("items-count", 11), "11 مادة");
        assert_eq!(Lang::Ar.n("items-count", 100), "100 مادة");
    }
}
