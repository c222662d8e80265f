//! The relevance suite: for queries in each language, the documents each must find and must not
//! find, covering every normalisation rule, stemming, phrases, boolean logic, prefixes, fuzzy
//! terms, field filters and cross-script names. One `check` helper runs them all.

use custodia_access::{ItemFacts, Regime, SubmissionFacts};
use custodia_search::{AccessLabels, IndexDocument, Rights, SearchIndex, Sort};

fn labels() -> AccessLabels {
    AccessLabels::of(&ItemFacts {
        submissions: vec![SubmissionFacts {
            originator: "Iraq".into(),
            case: Some("KOCHO".into()),
            regime: Regime::Consent,
        }],
        ..Default::default()
    })
}

/// (id, language, originator, date, text)
const CORPUS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "ar-hamza",
        "ara",
        "Iraq",
        "2014-08-03",
        "شهد أحمد بأن المقاتلين اقتادوا الرجال",
    ),
    (
        "ar-plain-alef",
        "ara",
        "Iraq",
        "2014-08-04",
        "شهد احمد امام المحكمه",
    ),
    (
        "ar-madda",
        "ara",
        "Iraq",
        "2014-08-05",
        "آمنة كانت في القرية",
    ),
    (
        "ar-taa",
        "ara",
        "Iraq",
        "2014-09-01",
        "نقلت النساء إلى مدينة الموصل",
    ),
    (
        "ar-maqsura",
        "ara",
        "Iraq",
        "2014-09-02",
        "توفي في مستشفى تلعفر",
    ),
    (
        "ar-tashkeel",
        "ara",
        "Iraq",
        "2014-09-03",
        "قَالَ مُحَمَّدٌ إِنَّهُمْ هَرَبُوا",
    ),
    (
        "ar-tatweel",
        "ara",
        "Iraq",
        "2014-09-04",
        "سقطت الرقـــة في يد التنظيم",
    ),
    (
        "ar-persian",
        "ara",
        "UNITAD",
        "2015-01-01",
        "کتاب علی عن السجن",
    ),
    (
        "ar-digits",
        "ara",
        "UNITAD",
        "2015-01-02",
        "المعتقل رقم ٤٥٧ نقل في ٢٠١٥",
    ),
    (
        "ar-prefixes",
        "ara",
        "UNITAD",
        "2015-01-03",
        "والمعتقلون بالسجن وللشهود فالقاضي كالمحامي",
    ),
    (
        "ar-sinjar",
        "ara",
        "UNITAD",
        "2015-02-01",
        "هجوم تنظيم داعش على سنجار وقتل الايزيديين",
    ),
    (
        "ar-baghdadi",
        "ara",
        "UNITAD",
        "2015-02-02",
        "خطبة أبو بكر البغدادي في الجامع الكبير",
    ),
    (
        "ckb-shingal",
        "ckb",
        "KRG",
        "2015-03-01",
        "ژنانی ئێزیدی لە شنگال ڕفێنران بۆ گوندەکان",
    ),
    (
        "en-killing",
        "eng",
        "NGO",
        "2016-01-01",
        "The killings at Kocho were witnessed by survivors in Sinjar",
    ),
    (
        "en-detained",
        "eng",
        "NGO",
        "2016-01-02",
        "Prisoners were detained in Saydnaya and transferred later",
    ),
    (
        "en-raqqa",
        "eng",
        "NGO",
        "2016-01-03",
        "Women were sold in a market in Raqqa by the fighters",
    ),
    (
        "nl-getuigen",
        "nld",
        "OM",
        "2017-01-01",
        "De getuigen verklaarden dat de verdachte vrouwen vasthield",
    ),
    (
        "fr-temoins",
        "fra",
        "Parquet",
        "2018-01-01",
        "Les témoins décrivent les exécutions à Mossoul",
    ),
    (
        "fr-accents",
        "fra",
        "Parquet",
        "2018-01-02",
        "Déclaration d'une Ézidie réfugiée",
    ),
    (
        "mixed",
        "eng",
        "NGO",
        "2019-01-01",
        "The statement names Mohammed and the prison of Badush",
    ),
    (
        "ar-talafar",
        "ara",
        "Iraq",
        "2014-08-20",
        "نقل المعتقلون إلى سجن في تلعفر",
    ),
    (
        "en-talafar",
        "eng",
        "Iraq",
        "2014-08-21",
        "The detainees were held in Tal Afar for a week",
    ),
];

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let mut update = index.update().unwrap();
    for (id, lang, originator, date, text) in CORPUS {
        let (y, m, d): (i64, i64, i64) = {
            let p: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
            (p[0], p[1], p[2])
        };
        update
            .add(&IndexDocument {
                id: (*id).into(),
                item: format!("item-{id}"),
                path: format!("{id}.txt"),
                kind: "text".into(),
                mime: "text/plain".into(),
                language: Some((*lang).into()),
                originators: vec![(*originator).into()],
                cases: vec!["KOCHO".into()],
                collections: vec![],
                provenance_by_reader: vec![],
                date: Some(custodia_search::query::days_from_civil(y, m, d) * 86_400),
                text: (*text).into(),
                labels: labels(),
            })
            .unwrap();
    }
    update.commit().unwrap();
    index
}

fn found(index: &SearchIndex, query: &str) -> Vec<String> {
    index
        .search(query, &Rights::everything(), 100, Sort::Relevance)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// Runs every (query, must find, must not find) case.
fn check(cases: &[(&str, &[&str], &[&str])]) {
    let index = index();
    let mut failures = Vec::new();
    for (query, must, must_not) in cases {
        let got = found(&index, query);
        for m in *must {
            if !got.iter().any(|g| g == m) {
                failures.push(format!("`{query}` should find {m}; found {got:?}"));
            }
        }
        for m in *must_not {
            if got.iter().any(|g| g == m) {
                failures.push(format!("`{query}` should not find {m}; found {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn arabic_normalisation() {
    check(&[
        // alef with hamza ↔ bare alef, both ways
        ("احمد", &["ar-hamza", "ar-plain-alef"], &["ar-madda"]),
        ("أحمد", &["ar-hamza", "ar-plain-alef"], &[]),
        // alef with madda
        ("امنه", &["ar-madda"], &[]),
        // taa marbuta ↔ haa
        ("مدينه", &["ar-taa"], &[]),
        ("المحكمة", &["ar-plain-alef"], &[]),
        // alef maqsura ↔ yaa
        ("مستشفي", &["ar-maqsura"], &[]),
        // tashkeel removed from documents and queries
        ("محمد", &["ar-tashkeel"], &[]),
        ("هَرَبُوا", &["ar-tashkeel"], &[]),
        // tatweel removed
        ("الرقة", &["ar-tatweel"], &[]),
        // Persian kaf and yeh
        ("كتاب علي", &["ar-persian"], &[]),
        // Eastern Arabic digits ↔ Western
        ("457", &["ar-digits"], &[]),
        ("٢٠١٥", &["ar-digits"], &[]),
    ]);
}

#[test]
fn arabic_and_kurdish_stemming() {
    check(&[
        ("المعتقلين", &["ar-prefixes", "ar-digits"], &[]),
        ("سجن", &["ar-prefixes"], &[]),
        ("الشهود", &["ar-prefixes"], &[]),
        ("القاضي", &["ar-prefixes"], &[]),
        ("المحامي", &["ar-prefixes"], &[]),
        ("موصل", &["ar-taa"], &[]),
        ("گوند", &["ckb-shingal"], &[]),
    ]);
}

#[test]
fn latin_stemming_and_accents() {
    check(&[
        ("killing", &["en-killing"], &[]),
        ("detain", &["en-detained"], &[]),
        ("witness", &["en-killing"], &[]),
        ("getuige", &["nl-getuigen"], &[]),
        ("temoin", &["fr-temoins"], &[]),
        ("témoins", &["fr-temoins"], &[]),
        ("ezidie", &["fr-accents"], &[]),
        ("REFUGIEE", &["fr-accents"], &[]),
        ("execution", &["fr-temoins"], &[]),
    ]);
}

#[test]
fn phrases_and_booleans() {
    check(&[
        ("\"sold in a market\"", &["en-raqqa"], &["en-killing"]),
        ("\"market sold\"", &[], &["en-raqqa"]),
        ("\"sold market\"~3", &[], &[]),
        ("\"مدينة الموصل\"", &["ar-taa"], &[]),
        ("Kocho AND survivors", &["en-killing"], &["en-raqqa"]),
        ("Kocho survivors", &["en-killing"], &[]),
        (
            "Kocho OR Saydnaya",
            &["en-killing", "en-detained"],
            &["en-raqqa"],
        ),
        ("prisoners NOT Saydnaya", &[], &["en-detained"]),
        ("vrouwen -Raqqa", &["nl-getuigen"], &["en-raqqa"]),
        (
            "(Kocho OR Raqqa) AND fighters",
            &["en-raqqa"],
            &["en-killing"],
        ),
        ("NOT Kocho", &["en-raqqa"], &["en-killing"]),
    ]);
}

#[test]
fn prefix_and_fuzzy() {
    check(&[
        ("Sayd*", &["en-detained"], &[]),
        ("transf*", &["en-detained"], &[]),
        ("Kochoo~1", &["en-killing"], &[]),
        ("Badsh~1", &["mixed"], &[]),
        ("Badosh", &["mixed"], &[]),
        ("Bdush~1", &["mixed"], &[]),
        ("Kocho~2 AND survivors", &["en-killing"], &[]),
        ("Kocho*", &["en-killing"], &["en-raqqa"]),
    ]);
}

#[test]
fn filters_dates_and_facets() {
    check(&[
        (
            "originator:NGO",
            &["en-killing", "en-raqqa", "mixed"],
            &["ar-sinjar"],
        ),
        ("vrouwen AND originator:OM", &["nl-getuigen"], &["en-raqqa"]),
        ("women AND originator:OM", &[], &["nl-getuigen"]),
        ("language:fra", &["fr-temoins", "fr-accents"], &["en-raqqa"]),
        (
            "date:[2014-08-01 TO 2014-08-31]",
            &["ar-hamza", "ar-madda"],
            &["ar-taa"],
        ),
        ("date:>=2018-01-01", &["fr-temoins", "mixed"], &["en-raqqa"]),
        ("case:KOCHO AND Badush", &["mixed"], &[]),
    ]);
    let index = index();
    let r = index
        .search("originator:NGO", &Rights::everything(), 1, Sort::Relevance)
        .unwrap();
    assert_eq!(r.total, 4);
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.facets["language"]["eng"], 4);
    assert_eq!(r.facets["originator"]["NGO"], 4);
    let by_date = index
        .search(
            "originator:NGO",
            &Rights::everything(),
            10,
            Sort::DateNewest,
        )
        .unwrap();
    assert_eq!(by_date.hits[0].id, "mixed");
    assert!(index
        .search("colour:red", &Rights::everything(), 1, Sort::Relevance)
        .is_err());
    assert!(index
        .search(
            "date:[yesterday TO now]",
            &Rights::everything(),
            1,
            Sort::Relevance
        )
        .is_err());
}

#[test]
fn across_scripts() {
    check(&[
        // Latin queries find Arabic-script mentions …
        ("Sinjar", &["ar-sinjar", "en-killing"], &["ar-baghdadi"]),
        ("Mosul", &["ar-taa", "fr-temoins"], &["ar-sinjar"]),
        ("Raqqa", &["ar-tatweel", "en-raqqa"], &[]),
        ("Daesh", &["ar-sinjar"], &[]),
        ("\"Abu Bakr al-Baghdadi\"", &["ar-baghdadi"], &["ar-sinjar"]),
        ("Yazidi", &["ar-sinjar", "ckb-shingal", "fr-accents"], &[]),
        ("Shingal", &["ckb-shingal"], &[]),
        // A name in two words in one script and one in the other, quoted or not, both ways.
        ("Tal Afar", &["ar-talafar", "en-talafar"], &["ar-sinjar"]),
        (
            "\"Tal Afar\"",
            &["ar-talafar", "en-talafar"],
            &["ar-sinjar"],
        ),
        ("تلعفر", &["en-talafar", "ar-talafar"], &[]),
        // … and Arabic-script queries find Latin ones.
        ("سنجار", &["en-killing", "ar-sinjar"], &[]),
        ("محمد", &["mixed", "ar-tashkeel"], &[]),
        ("صيدنايا", &["en-detained"], &[]),
        ("الرقة", &["en-raqqa"], &[]),
    ]);
}

#[test]
fn snippets_mark_matches_in_right_to_left_text() {
    let index = index();
    let r = index
        .search("Sinjar", &Rights::everything(), 10, Sort::Relevance)
        .unwrap();
    let arabic = r.hits.iter().find(|h| h.id == "ar-sinjar").unwrap();
    assert!(arabic.snippet.rtl);
    let marked: Vec<String> = arabic
        .snippet
        .highlights
        .iter()
        .map(|&(s, e)| arabic.snippet.text.chars().skip(s).take(e - s).collect())
        .collect();
    assert_eq!(marked, vec!["سنجار".to_owned()]);
    let english = r.hits.iter().find(|h| h.id == "en-killing").unwrap();
    assert!(!english.snippet.rtl);
    assert_eq!(english.item, "item-en-killing");
}
