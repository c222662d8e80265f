//! Text analysis: tokens, their normalised form, their stem and their cross-script key.
//!
//! Every word of a document and of a query goes through the same functions, so what an
//! investigator types and what a clerk wrote meet at the same term:
//!
//! - [`normalise`]: lower case; compatibility decomposition (NFKD), then every combining mark
//!   removed, which folds Latin accents (é → e) and Arabic tashkeel, hamza and madda carriers
//!   (أ إ آ → ا, ؤ → و, ئ → ي); tatweel and zero-width joiners removed; alef wasla → alef;
//!   taa marbuta → haa; alef maqsura, Persian and Kurdish yeh → yeh; Persian kaf → kaf; heh
//!   doachashmee → heh; Eastern Arabic and Persian digits → 0-9.
//! - [`stem`]: Arabic light stemming (leading و/ف, the article and its prefixed forms ال بال
//!   كال فال وال لل, a lone ب/ك/ل before a long word, common suffixes), Sorani Kurdish definite
//!   and plural suffixes, and Snowball stemmers for English, Dutch and French (other languages
//!   keep the normalised form).
//! - [`key`]: a consonant skeleton of a word in Latin letters, the same for a name written in
//!   Arabic script and in its usual Latin transliterations (سنجار, Sinjar → `snjr`; الرقة,
//!   Raqqa, Raqqah → `rk`; البغدادي, al-Baghdadi → `bgd`), so that a Latin query finds
//!   Arabic-script mentions and the reverse.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A word of a text: its byte range and its position (word count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

/// Longest word indexed, in bytes: longer runs are noise (base64, hashes), not words.
pub const MAX_WORD_BYTES: usize = 100;

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '\u{0640}' | '\u{200C}' | '\u{200D}')
}

/// Splits text into words: runs of letters, digits and combining marks (so that a vowelled
/// Arabic word stays one word).
pub fn words(text: &str) -> Vec<Word<'_>> {
    word_iter(text).collect()
}

/// The words of a text one by one (see [`words`]), for readers that stop early.
pub fn word_iter(text: &str) -> impl Iterator<Item = Word<'_>> + '_ {
    let mut chars = text.char_indices().peekable();
    let mut position = 0;
    std::iter::from_fn(move || loop {
        // Skip to the next word character.
        let start = loop {
            let (i, c) = chars.next()?;
            if is_word_char(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !is_word_char(c) {
                end = i;
                break;
            }
            chars.next();
        }
        if end - start <= MAX_WORD_BYTES {
            let word = Word {
                text: &text[start..end],
                start,
                end,
                position,
            };
            position += 1;
            return Some(word);
        }
    })
}

/// Whether a word is written in Arabic script (Arabic, Persian, Kurdish).
pub fn is_arabic_script(word: &str) -> bool {
    word.chars()
        .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c) || ('\u{0750}'..='\u{077F}').contains(&c))
}

/// The normalised form of one word (see the module documentation).
pub fn normalise(word: &str) -> String {
    // ASCII has no marks to remove and nothing to map but case.
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(word.len());
    for c in word.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let mapped = match c {
            '\u{0640}' | '\u{200C}' | '\u{200D}' => continue,
            'ٱ' => 'ا',
            'ة' => 'ه',
            'ى' | 'ی' | 'ې' => 'ي',
            'ک' => 'ك',
            'ھ' | 'ۀ' => 'ه',
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            'ß' => {
                out.push_str("ss");
                continue;
            }
            'æ' | 'Æ' => {
                out.push_str("ae");
                continue;
            }
            'œ' | 'Œ' => {
                out.push_str("oe");
                continue;
            }
            'ø' | 'Ø' => 'o',
            'ı' => 'i',
            c => c,
        };
        out.extend(mapped.to_lowercase());
    }
    out
}

/// Letters only Sorani Kurdish writes.
const KURDISH_LETTERS: &[char] = &['ڕ', 'ڵ', 'ۆ', 'ێ', 'ە', 'ڤ'];

const ARTICLES: &[&str] = &["وال", "فال", "بال", "كال", "لل", "ال"];
const ARABIC_SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];
/// Sorani definite and plural suffixes, as written; matched in their normalised spelling.
const KURDISH_SUFFIXES: &[&str] = &["ەکانی", "ەکان", "یەکان", "ەکە", "کان", "ێک", "ان", "ی"];

fn kurdish_suffixes() -> &'static [String] {
    static NORMALISED: OnceLock<Vec<String>> = OnceLock::new();
    NORMALISED.get_or_init(|| KURDISH_SUFFIXES.iter().map(|s| normalise(s)).collect())
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Arabic light stemming of a normalised word (after Larkey, Ballesteros and Connell's
/// "light10", with the single-letter prepositions only before long words, where they are
/// nearly always prefixes: بمدينه → مدينه but بغداد stays).
pub fn arabic_stem(word: &str) -> String {
    let mut w = word;
    if char_len(w) > 3 {
        if let Some(rest) = w.strip_prefix('و').or_else(|| w.strip_prefix('ف')) {
            if ARTICLES.iter().any(|a| rest.starts_with(a)) || char_len(rest) >= 4 {
                w = rest;
            }
        }
    }
    let mut stripped_article = false;
    for article in ARTICLES {
        if let Some(rest) = w.strip_prefix(article) {
            if char_len(rest) >= 2 {
                w = rest;
                stripped_article = true;
                break;
            }
        }
    }
    if !stripped_article && char_len(w) >= 6 {
        if let Some(rest) = w
            .strip_prefix('ب')
            .or_else(|| w.strip_prefix('ك'))
            .or_else(|| w.strip_prefix('ل'))
        {
            w = rest;
        }
    }
    let suffixes: Vec<&str> = if w.chars().any(|c| KURDISH_LETTERS.contains(&c)) {
        kurdish_suffixes().iter().map(String::as_str).collect()
    } else {
        ARABIC_SUFFIXES.to_vec()
    };
    for suffix in suffixes {
        if let Some(rest) = w.strip_suffix(suffix) {
            if char_len(rest) >= 3 {
                w = rest;
                break;
            }
        }
    }
    w.to_owned()
}

/// Languages with a stemmer (ISO 639-3 codes, as `custodia-extract` detects them).
pub const STEMMED_LANGUAGES: &[&str] = &["eng", "nld", "fra"];

fn stemmer(language: &str) -> Option<&'static Stemmer> {
    static ENG: OnceLock<Stemmer> = OnceLock::new();
    static NLD: OnceLock<Stemmer> = OnceLock::new();
    static FRA: OnceLock<Stemmer> = OnceLock::new();
    match language {
        "eng" => Some(ENG.get_or_init(|| Stemmer::create(Algorithm::English))),
        "nld" => Some(NLD.get_or_init(|| Stemmer::create(Algorithm::Dutch))),
        "fra" => Some(FRA.get_or_init(|| Stemmer::create(Algorithm::French))),
        _ => None,
    }
}

/// The stem of a normalised word in a document of `language`: Arabic-script words are stemmed
/// as Arabic (or Kurdish) whatever the document's language; Latin words with the language's
/// Snowball stemmer, if it has one.
pub fn stem(normalised: &str, language: Option<&str>) -> String {
    if is_arabic_script(normalised) {
        return arabic_stem(normalised);
    }
    match language.and_then(stemmer) {
        Some(s) => s.stem(normalised).into_owned(),
        None => normalised.to_owned(),
    }
}

/// Every stem a query word may have been indexed under (its language is unknown).
pub fn query_stems(normalised: &str) -> Vec<String> {
    let mut stems = vec![stem(normalised, None)];
    if !is_arabic_script(normalised) {
        for language in STEMMED_LANGUAGES {
            stems.push(stem(normalised, Some(language)));
        }
    }
    stems.sort();
    stems.dedup();
    stems
}

/// Latin words that are the Arabic article written apart (`al-Baghdadi`, and assimilated to the
/// next consonant: `ar-Raqqa`, `ad-Dawla`, `ash-Sham`, `az-Zawr`); they have no key.
const LATIN_ARTICLES: &[&str] = &[
    "al", "el", "ul", "ar", "ad", "adh", "as", "ash", "at", "az", "ez", "an", "ed", "es", "et",
    "er", "en",
];

/// The cross-script key of a normalised word; `None` for words that carry none (articles).
pub fn key(normalised: &str) -> Option<String> {
    let raw = if is_arabic_script(normalised) {
        arabic_key(normalised)
    } else {
        if LATIN_ARTICLES.contains(&normalised) {
            return None;
        }
        latin_key(normalised)
    };
    // Doubled letters (shadda, "qq") are one consonant.
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn arabic_key(word: &str) -> String {
    let mut w = word;
    for article in ARTICLES {
        if let Some(rest) = w.strip_prefix(article) {
            if char_len(rest) >= 2 {
                w = rest;
                break;
            }
        }
    }
    // A final taa marbuta (already heh) is a vowel in transliteration: Raqqa, Raqqah.
    let w = w.strip_suffix('ه').filter(|r| !r.is_empty()).unwrap_or(w);
    let mut out = String::new();
    for c in w.chars() {
        let mapped = match c {
            'ب' | 'پ' => "b",
            'ت' | 'ث' | 'ط' => "t",
            'ج' => "j",
            'ح' | 'ه' => "h",
            'خ' | 'ق' | 'ك' => "k",
            'د' | 'ذ' | 'ض' => "d",
            'ر' | 'ڕ' => "r",
            'ز' | 'ظ' | 'ژ' => "z",
            'س' | 'ش' | 'ص' | 'چ' => "s",
            'غ' | 'گ' => "g",
            'ف' | 'ڤ' => "f",
            'ل' | 'ڵ' => "l",
            'م' => "m",
            'ن' => "n",
            c if c.is_ascii_digit() => {
                out.push(c);
                continue;
            }
            // Vowels, semivowels, hamza and ain: written or not, at will, in Latin.
            _ => "",
        };
        out.push_str(mapped);
    }
    out
}

fn latin_key(word: &str) -> String {
    let mut w = word.replace('\'', "");
    for (from, to) in [
        ("sch", "s"),
        ("sh", "s"),
        ("ch", "s"),
        ("kh", "k"),
        ("th", "t"),
        ("dh", "d"),
        ("gh", "g"),
        ("dj", "j"),
        ("zh", "z"),
        ("ph", "f"),
        ("ck", "k"),
    ] {
        w = w.replace(from, to);
    }
    // A final h after a vowel marks a final vowel (Raqqah, Mosulah), as taa marbuta does.
    if w.len() > 2 && w.ends_with('h') {
        let before = w[..w.len() - 1].chars().last();
        if matches!(before, Some('a' | 'e' | 'i' | 'o' | 'u' | 'y')) {
            w.pop();
        }
    }
    let mut out = String::new();
    for c in w.chars() {
        match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w' => {}
            'q' | 'c' | 'k' => out.push('k'),
            'x' => out.push_str("ks"),
            'v' => out.push('f'),
            'p' => out.push('b'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The cross-script keys of a normalised word: of the word itself and, for Arabic script, of its
/// light stem too (الايزيديين is keyed `zdn` and, through ايزيدي, `zd` like Yazidi; عثمان
/// keeps `tmn` like Othman); a Latin word ending in `s` also without it (Yazidis → `zd`).
pub fn keys(normalised: &str) -> Vec<String> {
    let mut out: Vec<String> = key(normalised).into_iter().collect();
    let base = if is_arabic_script(normalised) {
        Some(arabic_stem(normalised))
    } else {
        // A Latin plural (Yazidis) keys like its singular too.
        normalised
            .strip_suffix('s')
            .filter(|b| b.len() >= 4 && !out.is_empty())
            .map(str::to_owned)
    };
    if let Some(k) = base.as_deref().and_then(key) {
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// One analysed word, as indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysed {
    pub start: usize,
    pub end: usize,
    pub position: usize,
    pub normalised: String,
    pub stem: String,
    /// Cross-script keys (none for a Latin article, two for some Arabic words).
    pub keys: Vec<String>,
}

/// Analyses a whole text of `language` (ISO 639-3, if known).
pub fn analyse(text: &str, language: Option<&str>) -> Vec<Analysed> {
    words(text)
        .into_iter()
        .filter_map(|w| {
            let normalised = normalise(w.text);
            if normalised.is_empty() {
                return None;
            }
            Some(Analysed {
                start: w.start,
                end: w.end,
                position: w.position,
                stem: stem(&normalised, language),
                keys: keys(&normalised),
                normalised,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(s)
    }

    #[test]
    fn alef_with_hamza_or_madda_is_alef() {
        assert_eq!(n("أحمد"), "احمد");
        assert_eq!(n("إبراهيم"), "ابراهيم");
        assert_eq!(n("آمنة"), "امنه");
        assert_eq!(n("ٱلله"), "الله");
    }

    #[test]
    fn taa_marbuta_is_haa_and_alef_maqsura_is_yaa() {
        assert_eq!(n("مدينة"), n("مدينه"));
        assert_eq!(n("مستشفى"), n("مستشفي"));
    }

    #[test]
    fn tashkeel_and_tatweel_are_removed() {
        assert_eq!(n("مُحَمَّدٌ"), "محمد");
        assert_eq!(n("الرقـــة"), "الرقه");
        assert_eq!(words("مُحَمَّدٌ قال").len(), 2);
    }

    #[test]
    fn persian_and_kurdish_letters_are_unified() {
        assert_eq!(n("کتاب"), n("كتاب"));
        assert_eq!(n("علی"), n("علي"));
        assert_eq!(n("ھەولێر"), "هەولێر");
    }

    #[test]
    fn eastern_arabic_digits_are_western() {
        assert_eq!(n("٢٠١٤"), "2014");
        assert_eq!(n("۲۰۱۴"), "2014");
    }

    #[test]
    fn latin_accents_fold() {
        assert_eq!(n("Témoignage"), "temoignage");
        assert_eq!(n("Ezîdî"), "ezidi");
        assert_eq!(n("Straße"), "strasse");
    }

    #[test]
    fn arabic_light_stemming() {
        assert_eq!(arabic_stem(&n("والمدينة")), arabic_stem(&n("مدينة")));
        assert_eq!(arabic_stem(&n("بالموصل")), "موصل");
        assert_eq!(arabic_stem(&n("للشهود")), "شهود");
        assert_eq!(arabic_stem(&n("فالسجن")), "سجن");
        assert_eq!(arabic_stem(&n("كالمعتقلين")), "معتقل");
        assert_eq!(arabic_stem(&n("المعتقلات")), "معتقل");
        assert_eq!(arabic_stem(&n("بمدينة")), arabic_stem(&n("مدينه")));
        // Short words keep their first letter: بغداد is not ب + غداد.
        assert_eq!(arabic_stem("بغداد"), "بغداد");
    }

    #[test]
    fn kurdish_suffixes() {
        assert_eq!(arabic_stem(&n("گوندەکان")), "گوند");
        assert_eq!(arabic_stem(&n("گوندەکە")), "گوند");
    }

    #[test]
    fn latin_stemming_by_language() {
        assert_eq!(stem("killings", Some("eng")), stem("killing", Some("eng")));
        assert_eq!(stem("getuigen", Some("nld")), stem("getuige", Some("nld")));
        assert_eq!(stem("temoins", Some("fra")), stem("temoin", Some("fra")));
        assert_eq!(stem("killings", None), "killings");
    }

    #[test]
    fn names_across_scripts_share_a_key() {
        let pairs = [
            ("سنجار", "Sinjar"),
            ("شنگال", "Shingal"),
            ("الرقة", "Raqqa"),
            ("الرقة", "Raqqah"),
            ("الموصل", "Mosul"),
            ("أبو", "Abu"),
            ("بكر", "Bakr"),
            ("البغدادي", "Baghdadi"),
            ("محمد", "Mohammed"),
            ("محمد", "Muhammad"),
            ("داعش", "Daesh"),
            ("ايزيدي", "Yazidi"),
            ("ايزيدي", "Ezidi"),
            ("صيدنايا", "Saydnaya"),
            ("حلب", "Halab"),
        ];
        for (arabic, latin) in pairs {
            assert_eq!(key(&n(arabic)), key(&n(latin)), "{arabic} / {latin}");
        }
        assert_eq!(key("al"), None);
        assert!(keys(&n("الايزيديين")).contains(&key("yazidi").unwrap()));
        assert_ne!(key(&n("Mosul")), key(&n("Sinjar")));
    }
}
