//! Nationalities as written on lists (country names, adjectives, ISO 3166 alpha-2 or alpha-3
//! codes; in English, Dutch, French, some in Arabic) normalised to ISO 3166 alpha-2.

use std::collections::HashMap;
use std::sync::OnceLock;

/// alpha-2, alpha-3, then names and adjectives in English, Dutch and French (and Arabic).
const COUNTRIES: &[(&str, &str, &[&str])] = &[
    (
        "NL",
        "NLD",
        &[
            "netherlands",
            "the netherlands",
            "holland",
            "dutch",
            "nederland",
            "nederlands",
            "nederlandse",
            "pays-bas",
            "pays bas",
            "neerlandais",
            "neerlandaise",
            "hollandais",
            "هولندا",
            "هولندي",
        ],
    ),
    (
        "BE",
        "BEL",
        &[
            "belgium",
            "belgian",
            "belgie",
            "belgisch",
            "belgische",
            "belg",
            "belgique",
            "belge",
            "بلجيكا",
            "بلجيكي",
        ],
    ),
    (
        "FR",
        "FRA",
        &[
            "france",
            "french",
            "frankrijk",
            "frans",
            "franse",
            "francais",
            "francaise",
            "فرنسا",
            "فرنسي",
        ],
    ),
    (
        "DE",
        "DEU",
        &[
            "germany",
            "german",
            "duitsland",
            "duits",
            "duitse",
            "allemagne",
            "allemand",
            "allemande",
            "deutschland",
            "deutsch",
            "ألمانيا",
            "الماني",
            "ألماني",
        ],
    ),
    (
        "GB",
        "GBR",
        &[
            "united kingdom",
            "uk",
            "great britain",
            "britain",
            "british",
            "english",
            "verenigd koninkrijk",
            "brits",
            "britse",
            "royaume-uni",
            "royaume uni",
            "britannique",
            "بريطانيا",
            "بريطاني",
        ],
    ),
    (
        "US",
        "USA",
        &[
            "united states",
            "united states of america",
            "american",
            "verenigde staten",
            "amerikaans",
            "amerikaanse",
            "etats-unis",
            "etats unis",
            "americain",
            "americaine",
            "أمريكا",
            "امريكي",
            "أمريكي",
        ],
    ),
    (
        "SE",
        "SWE",
        &[
            "sweden", "swedish", "zweden", "zweeds", "zweedse", "suede", "suedois", "suedoise",
        ],
    ),
    (
        "DK",
        "DNK",
        &[
            "denmark",
            "danish",
            "denemarken",
            "deens",
            "deense",
            "danemark",
            "danois",
            "danoise",
        ],
    ),
    (
        "NO",
        "NOR",
        &[
            "norway",
            "norwegian",
            "noorwegen",
            "noors",
            "noorse",
            "norvege",
            "norvegien",
            "norvegienne",
        ],
    ),
    (
        "FI",
        "FIN",
        &[
            "finland",
            "finnish",
            "fins",
            "finse",
            "finlande",
            "finlandais",
            "finlandaise",
        ],
    ),
    (
        "AT",
        "AUT",
        &[
            "austria",
            "austrian",
            "oostenrijk",
            "oostenrijks",
            "oostenrijkse",
            "autriche",
            "autrichien",
            "autrichienne",
        ],
    ),
    (
        "CH",
        "CHE",
        &[
            "switzerland",
            "swiss",
            "zwitserland",
            "zwitsers",
            "zwitserse",
            "suisse",
        ],
    ),
    (
        "ES",
        "ESP",
        &[
            "spain",
            "spanish",
            "spanje",
            "spaans",
            "spaanse",
            "espagne",
            "espagnol",
            "espagnole",
        ],
    ),
    (
        "IT",
        "ITA",
        &[
            "italy",
            "italian",
            "italie",
            "italiaans",
            "italiaanse",
            "italien",
            "italienne",
        ],
    ),
    (
        "PT",
        "PRT",
        &[
            "portugal",
            "portuguese",
            "portugees",
            "portugese",
            "portugais",
            "portugaise",
        ],
    ),
    (
        "IE",
        "IRL",
        &[
            "ireland",
            "irish",
            "ierland",
            "iers",
            "ierse",
            "irlande",
            "irlandais",
            "irlandaise",
        ],
    ),
    (
        "AU",
        "AUS",
        &[
            "australia",
            "australian",
            "australie",
            "australisch",
            "australische",
            "australien",
            "australienne",
        ],
    ),
    (
        "CA",
        "CAN",
        &[
            "canada",
            "canadian",
            "canadees",
            "canadese",
            "canadien",
            "canadienne",
        ],
    ),
    (
        "NZ",
        "NZL",
        &["new zealand", "nieuw-zeeland", "nouvelle-zelande"],
    ),
    (
        "TR",
        "TUR",
        &[
            "turkey",
            "turkiye",
            "turkish",
            "turkije",
            "turks",
            "turkse",
            "turquie",
            "turc",
            "turque",
            "تركيا",
            "تركي",
        ],
    ),
    (
        "RU",
        "RUS",
        &[
            "russia",
            "russian",
            "russian federation",
            "rusland",
            "russisch",
            "russische",
            "russie",
            "russe",
            // Chechnya is a republic of Russia: its people's passports are Russian.
            "chechen",
            "chechnya",
            "tchetchene",
            "tchetchenie",
            "tschetschene",
            "tschetschenisch",
            "tschetschenien",
            "tsjetsjeens",
            "tsjetsjeense",
            "tsjetsjenie",
            "روسيا",
            "روسي",
            "الشيشان",
            "شيشاني",
        ],
    ),
    (
        "UZ",
        "UZB",
        &[
            "uzbekistan",
            "uzbek",
            "oezbekistan",
            "oezbeeks",
            "ouzbekistan",
            "ouzbek",
        ],
    ),
    (
        "TJ",
        "TJK",
        &[
            "tajikistan",
            "tajik",
            "tadzjikistan",
            "tadzjieks",
            "tadjikistan",
            "tadjik",
        ],
    ),
    (
        "KZ",
        "KAZ",
        &["kazakhstan", "kazakh", "kazachstan", "kazachs", "kazakh"],
    ),
    (
        "KG",
        "KGZ",
        &[
            "kyrgyzstan",
            "kyrgyz",
            "kirgizie",
            "kirgizisch",
            "kirghizistan",
            "kirghize",
        ],
    ),
    (
        "AZ",
        "AZE",
        &[
            "azerbaijan",
            "azerbaijani",
            "azerbeidzjan",
            "azerbaidjan",
            "azerbaidjanais",
        ],
    ),
    (
        "GE",
        "GEO",
        &["georgia", "georgian", "georgie", "georgisch", "georgien"],
    ),
    (
        "TN",
        "TUN",
        &[
            "tunisia",
            "tunisian",
            "tunesie",
            "tunesisch",
            "tunesische",
            "tunisie",
            "tunisien",
            "tunisienne",
            "تونس",
            "تونسي",
        ],
    ),
    (
        "MA",
        "MAR",
        &[
            "morocco",
            "moroccan",
            "marokko",
            "marokkaans",
            "marokkaanse",
            "maroc",
            "marocain",
            "marocaine",
            "المغرب",
            "مغربي",
        ],
    ),
    (
        "DZ",
        "DZA",
        &[
            "algeria",
            "algerian",
            "algerije",
            "algerijns",
            "algerijnse",
            "algerie",
            "algerien",
            "algerienne",
            "الجزائر",
            "جزائري",
        ],
    ),
    (
        "LY",
        "LBY",
        &[
            "libya",
            "libyan",
            "libie",
            "libisch",
            "libische",
            "libye",
            "libyen",
            "libyenne",
            "ليبيا",
            "ليبي",
        ],
    ),
    (
        "EG",
        "EGY",
        &[
            "egypt",
            "egyptian",
            "egypte",
            "egyptisch",
            "egyptische",
            "egyptien",
            "egyptienne",
            "مصر",
            "مصري",
        ],
    ),
    (
        "SD",
        "SDN",
        &[
            "sudan",
            "sudanese",
            "soedan",
            "soedanees",
            "soedanese",
            "soudan",
            "soudanais",
            "soudanaise",
            "السودان",
            "سوداني",
        ],
    ),
    (
        "JO",
        "JOR",
        &[
            "jordan",
            "jordanian",
            "jordanie",
            "jordaans",
            "jordaanse",
            "jordanien",
            "jordanienne",
            "الأردن",
            "أردني",
            "اردني",
        ],
    ),
    (
        "LB",
        "LBN",
        &[
            "lebanon",
            "lebanese",
            "libanon",
            "libanees",
            "libanese",
            "liban",
            "libanais",
            "libanaise",
            "لبنان",
            "لبناني",
        ],
    ),
    (
        "PS",
        "PSE",
        &[
            "palestine",
            "palestinian",
            "palestina",
            "palestijns",
            "palestijnse",
            "palestinien",
            "palestinienne",
            "فلسطين",
            "فلسطيني",
        ],
    ),
    (
        "SY",
        "SYR",
        &[
            "syria",
            "syrian",
            "syrie",
            "syrisch",
            "syrische",
            "syrien",
            "syrienne",
            "سوريا",
            "سوري",
            "سورية",
        ],
    ),
    (
        "IQ",
        "IRQ",
        &[
            "iraq",
            "iraqi",
            "irak",
            "iraaks",
            "iraakse",
            "irakien",
            "irakienne",
            "العراق",
            "عراقي",
        ],
    ),
    (
        "SA",
        "SAU",
        &[
            "saudi arabia",
            "saudi",
            "saoedi-arabie",
            "saoedi-arabisch",
            "saoedisch",
            "arabie saoudite",
            "saoudien",
            "saoudienne",
            "السعودية",
            "سعودي",
        ],
    ),
    (
        "YE",
        "YEM",
        &[
            "yemen",
            "yemeni",
            "jemen",
            "jemenitisch",
            "yemenite",
            "اليمن",
            "يمني",
        ],
    ),
    (
        "KW",
        "KWT",
        &[
            "kuwait",
            "kuwaiti",
            "koeweit",
            "koeweits",
            "koweit",
            "koweitien",
            "الكويت",
            "كويتي",
        ],
    ),
    ("QA", "QAT", &["qatar", "qatari", "katar", "qatarien"]),
    (
        "AE",
        "ARE",
        &[
            "united arab emirates",
            "emirati",
            "verenigde arabische emiraten",
            "emirats arabes unis",
        ],
    ),
    ("BH", "BHR", &["bahrain", "bahraini", "bahrein", "bahreini"]),
    ("OM", "OMN", &["oman", "omani", "omanais"]),
    (
        "IR",
        "IRN",
        &[
            "iran",
            "iranian",
            "iraans",
            "iraanse",
            "iranien",
            "iranienne",
            "إيران",
            "ايراني",
        ],
    ),
    (
        "AF",
        "AFG",
        &[
            "afghanistan",
            "afghan",
            "afghaans",
            "afghaanse",
            "afghane",
            "أفغانستان",
            "أفغاني",
        ],
    ),
    (
        "PK",
        "PAK",
        &[
            "pakistan",
            "pakistani",
            "pakistaans",
            "pakistaanse",
            "pakistanais",
            "pakistanaise",
        ],
    ),
    (
        "IN",
        "IND",
        &[
            "india", "indian", "indiaas", "indiase", "inde", "indien", "indienne",
        ],
    ),
    (
        "ID",
        "IDN",
        &[
            "indonesia",
            "indonesian",
            "indonesie",
            "indonesisch",
            "indonesien",
            "indonesienne",
        ],
    ),
    (
        "MY",
        "MYS",
        &[
            "malaysia",
            "malaysian",
            "maleisie",
            "maleisisch",
            "malaisie",
            "malaisien",
        ],
    ),
    (
        "PH",
        "PHL",
        &[
            "philippines",
            "filipino",
            "filipijnen",
            "filipijns",
            "philippin",
        ],
    ),
    (
        "CN",
        "CHN",
        &[
            "china", "chinese", "chinees", "chine", "chinois", "chinoise",
        ],
    ),
    (
        "SO",
        "SOM",
        &[
            "somalia",
            "somali",
            "somalie",
            "somalisch",
            "somalien",
            "somalienne",
            "الصومال",
            "صومالي",
        ],
    ),
    (
        "ET",
        "ETH",
        &[
            "ethiopia",
            "ethiopian",
            "ethiopie",
            "ethiopisch",
            "ethiopien",
        ],
    ),
    (
        "ER",
        "ERI",
        &["eritrea", "eritrean", "eritrese", "erythree", "erythreen"],
    ),
    ("KE", "KEN", &["kenya", "kenyan", "keniaans", "kenyan"]),
    (
        "NG",
        "NGA",
        &["nigeria", "nigerian", "nigeriaans", "nigerian"],
    ),
    (
        "SN",
        "SEN",
        &[
            "senegal",
            "senegalese",
            "senegalees",
            "senegalais",
            "senegalaise",
        ],
    ),
    (
        "ML",
        "MLI",
        &["mali", "malian", "malinees", "malien", "malienne"],
    ),
    (
        "MR",
        "MRT",
        &[
            "mauritania",
            "mauritanian",
            "mauritanie",
            "mauritaans",
            "mauritanien",
        ],
    ),
    (
        "BA",
        "BIH",
        &[
            "bosnia and herzegovina",
            "bosnia",
            "bosnian",
            "bosnie",
            "bosnisch",
            "bosnien",
        ],
    ),
    ("XK", "XKX", &["kosovo", "kosovar", "kosovaars", "kosovare"]),
    (
        "AL",
        "ALB",
        &[
            "albania",
            "albanian",
            "albanie",
            "albanees",
            "albanais",
            "albanaise",
        ],
    ),
    (
        "MK",
        "MKD",
        &[
            "north macedonia",
            "macedonia",
            "macedonian",
            "macedonie",
            "macedonisch",
            "macedonien",
        ],
    ),
    (
        "TT",
        "TTO",
        &[
            "trinidad and tobago",
            "trinidadian",
            "trinidad",
            "trinite-et-tobago",
        ],
    ),
    (
        "MV",
        "MDV",
        &["maldives", "maldivian", "malediven", "maldivien"],
    ),
    (
        "PL",
        "POL",
        &[
            "poland", "polish", "polen", "pools", "poolse", "pologne", "polonais",
        ],
    ),
];

/// States of the European Union and the European Economic Area, the United Kingdom and
/// Switzerland (alpha-2). A list of such a state records its own citizens' passports, and two
/// of them are seldom one person's nationalities, where a European nationality beside a
/// country of origin is common.
const EUROPEAN_STATES: &[&str] = &[
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Whether `code` (alpha-2) is one of the [`EUROPEAN_STATES`].
pub fn is_european_state(code: &str) -> bool {
    EUROPEAN_STATES.contains(&code)
}

/// The alpha-2 code for `text`, or `None` if it names no country this table knows.
pub fn normalise_country(text: &str) -> Option<&'static str> {
    static INDEX: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for (alpha2, alpha3, names) in COUNTRIES {
            map.insert(alpha2.to_ascii_lowercase(), *alpha2);
            map.insert(alpha3.to_ascii_lowercase(), *alpha2);
            for name in *names {
                map.insert((*name).to_string(), *alpha2);
            }
        }
        map
    });
    let key = fold(text);
    if key.is_empty() {
        return None;
    }
    index
        .get(&key)
        .or_else(|| {
            // An Arabic adjective in the feminine (مغربية, شيشانية): its ta marbuta dropped.
            key.strip_suffix('ة')
                .and_then(|masculine| index.get(masculine))
        })
        .copied()
        .or_else(|| {
            // "Syrian Arab Republic", "Kingdom of the Netherlands", "Republic of Iraq"
            key.split([' ', ',', '('])
                .filter(|w| w.len() > 3)
                .find_map(|w| index.get(w).copied())
        })
}

/// Lower case, Latin diacritics removed, spaces collapsed.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ï' | 'î' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'û' | 'ü' | 'ú' | 'ù' => 'u',
            'ç' => 'c',
            'ـ' => continue,
            c => c,
        };
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end_matches('.').trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::normalise_country as n;

    #[test]
    fn names_adjectives_codes_in_three_languages() {
        for text in [
            "NL",
            "NLD",
            "Netherlands",
            "Dutch",
            "Nederland",
            "Nederlandse",
            "Pays-Bas",
            "néerlandais",
            "هولندي",
        ] {
            assert_eq!(n(text), Some("NL"), "{text}");
        }
        for text in [
            "BE",
            "bel",
            "Belgian",
            "België",
            "Belgische",
            "Belgique",
            "belge",
        ] {
            assert_eq!(n(text), Some("BE"), "{text}");
        }
        for text in ["FR", "FRA", "French", "Frankrijk", "Franse", "Française"] {
            assert_eq!(n(text), Some("FR"), "{text}");
        }
        assert_eq!(n("Syrian Arab Republic"), Some("SY"));
        assert_eq!(n("Marokkaanse"), Some("MA"));
        assert_eq!(n("Tunisienne"), Some("TN"));
        // Chechnya's people hold Russian passports, in every language the lists use.
        for text in [
            "Chechen",
            "Tchétchène",
            "tschetschenisch",
            "Tsjetsjeens",
            "شيشاني",
        ] {
            assert_eq!(n(text), Some("RU"), "{text}");
        }
        assert_eq!(n("مغربية"), Some("MA"));
        assert_eq!(n("Atlantis"), None);
        assert_eq!(n(""), None);
    }
}
