//! The shipped crimes file against the Elements of Crimes: every crime of articles 6–8 once,
//! the element counts and kinds of a sample read off the text, and a round trip through import.

use std::collections::BTreeSet;

use custodia_cases::{Category, CrimeCatalogue, ElementKind};

/// Every crime of articles 6, 7 and 8 as the Elements of Crimes head them, with the Kampala
/// (2010), 2017 and 2019 amendments. 8(2)(b)(xx) is not listed: the Elements give it no
/// elements until an annex to the Statute names the weapons.
const EXPECTED: &[&str] = &[
    "6(a)",
    "6(b)",
    "6(c)",
    "6(d)",
    "6(e)",
    "7(1)(a)",
    "7(1)(b)",
    "7(1)(c)",
    "7(1)(d)",
    "7(1)(e)",
    "7(1)(f)",
    "7(1)(g)-1",
    "7(1)(g)-2",
    "7(1)(g)-3",
    "7(1)(g)-4",
    "7(1)(g)-5",
    "7(1)(g)-6",
    "7(1)(h)",
    "7(1)(i)",
    "7(1)(j)",
    "7(1)(k)",
    "8(2)(a)(i)",
    "8(2)(a)(ii)-1",
    "8(2)(a)(ii)-2",
    "8(2)(a)(ii)-3",
    "8(2)(a)(iii)",
    "8(2)(a)(iv)",
    "8(2)(a)(v)",
    "8(2)(a)(vi)",
    "8(2)(a)(vii)-1",
    "8(2)(a)(vii)-2",
    "8(2)(a)(viii)",
    "8(2)(b)(i)",
    "8(2)(b)(ii)",
    "8(2)(b)(iii)",
    "8(2)(b)(iv)",
    "8(2)(b)(v)",
    "8(2)(b)(vi)",
    "8(2)(b)(vii)-1",
    "8(2)(b)(vii)-2",
    "8(2)(b)(vii)-3",
    "8(2)(b)(vii)-4",
    "8(2)(b)(viii)",
    "8(2)(b)(ix)",
    "8(2)(b)(x)-1",
    "8(2)(b)(x)-2",
    "8(2)(b)(xi)",
    "8(2)(b)(xii)",
    "8(2)(b)(xiii)",
    "8(2)(b)(xiv)",
    "8(2)(b)(xv)",
    "8(2)(b)(xvi)",
    "8(2)(b)(xvii)",
    "8(2)(b)(xviii)",
    "8(2)(b)(xix)",
    "8(2)(b)(xxi)",
    "8(2)(b)(xxii)-1",
    "8(2)(b)(xxii)-2",
    "8(2)(b)(xxii)-3",
    "8(2)(b)(xxii)-4",
    "8(2)(b)(xxii)-5",
    "8(2)(b)(xxii)-6",
    "8(2)(b)(xxiii)",
    "8(2)(b)(xxiv)",
    "8(2)(b)(xxv)",
    "8(2)(b)(xxvi)",
    "8(2)(b)(xxvii)",
    "8(2)(b)(xxviii)",
    "8(2)(b)(xxix)",
    "8(2)(c)(i)-1",
    "8(2)(c)(i)-2",
    "8(2)(c)(i)-3",
    "8(2)(c)(i)-4",
    "8(2)(c)(ii)",
    "8(2)(c)(iii)",
    "8(2)(c)(iv)",
    "8(2)(e)(i)",
    "8(2)(e)(ii)",
    "8(2)(e)(iii)",
    "8(2)(e)(iv)",
    "8(2)(e)(v)",
    "8(2)(e)(vi)-1",
    "8(2)(e)(vi)-2",
    "8(2)(e)(vi)-3",
    "8(2)(e)(vi)-4",
    "8(2)(e)(vi)-5",
    "8(2)(e)(vi)-6",
    "8(2)(e)(vii)",
    "8(2)(e)(viii)",
    "8(2)(e)(ix)",
    "8(2)(e)(x)",
    "8(2)(e)(xi)-1",
    "8(2)(e)(xi)-2",
    "8(2)(e)(xii)",
    "8(2)(e)(xiii)",
    "8(2)(e)(xiv)",
    "8(2)(e)(xv)",
    "8(2)(e)(xvi)",
    "8(2)(e)(xvii)",
    "8(2)(e)(xviii)",
    "8(2)(e)(xix)",
];

const MODES: &[&str] = &[
    "25(3)(a)-1",
    "25(3)(a)-2",
    "25(3)(a)-3",
    "25(3)(b)-1",
    "25(3)(b)-2",
    "25(3)(c)",
    "25(3)(d)",
    "25(3)(e)",
    "25(3)(f)",
    "28(a)",
    "28(b)",
];

#[test]
fn every_crime_of_articles_6_to_8_is_present_exactly_once() {
    let catalogue = CrimeCatalogue::shipped();
    let crimes: Vec<&str> = catalogue
        .crimes()
        .iter()
        .filter(|c| c.category == Category::Crime)
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(crimes, EXPECTED, "codes, in the Elements' order");
    let unique: BTreeSet<&str> = EXPECTED.iter().copied().collect();
    assert_eq!(
        unique.len(),
        EXPECTED.len(),
        "the expected list repeats a code"
    );
    for crime in catalogue.crimes() {
        let article = crime.code.split('(').next().unwrap();
        assert_eq!(crime.article, article, "{}", crime.code);
    }
}

#[test]
fn modes_of_liability_are_entries_of_their_own() {
    let catalogue = CrimeCatalogue::shipped();
    let modes: Vec<&str> = catalogue
        .crimes()
        .iter()
        .filter(|c| c.category == Category::ModeOfLiability)
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(modes, MODES);
    for code in MODES {
        let mode = catalogue.get(code).unwrap();
        let source = mode.source.as_deref().unwrap_or_default();
        assert!(source.contains("Rome Statute, article"), "{code}: {source}");
        assert!(
            mode.elements.iter().any(|e| e.kind == ElementKind::Mental),
            "{code}"
        );
    }
}

/// Element counts and kinds read off the Elements of Crimes: M material, I mental (intent,
/// knowledge, awareness), C contextual.
#[test]
fn sample_of_element_counts_and_kinds_matches_the_text() {
    let sample: &[(&str, &str)] = &[
        ("6(a)", "MMIC"),
        ("6(c)", "MMIMC"),
        ("6(e)", "MMIMMIC"),
        ("7(1)(a)", "MCC"),
        ("7(1)(d)", "MMICC"),
        ("7(1)(g)-1", "MMCC"),
        ("7(1)(h)", "MMMMCC"),
        ("7(1)(i)", "MMIMMICC"),
        ("7(1)(j)", "MMIMICC"),
        ("8(2)(a)(ii)-1", "MIMICC"),
        ("8(2)(b)(iv)", "MMICC"),
        ("8(2)(b)(vii)-1", "MMIMICC"),
        ("8(2)(b)(xxvi)", "MMICC"),
        ("8(2)(c)(iv)", "MMIMICC"),
        ("8(2)(e)(v)", "MIMCC"),
        ("8(2)(e)(xv)", "MMICC"),
        ("8(2)(e)(xix)", "MICC"),
        ("8(2)(b)(xxvii)", "MCC"),
    ];
    let catalogue = CrimeCatalogue::shipped();
    for (code, kinds) in sample {
        let crime = catalogue
            .get(code)
            .unwrap_or_else(|| panic!("{code} missing"));
        let found: String = crime
            .elements
            .iter()
            .map(|e| match e.kind {
                ElementKind::Material => 'M',
                ElementKind::Mental => 'I',
                ElementKind::Contextual => 'C',
            })
            .collect();
        assert_eq!(&found, kinds, "{code}");
    }
}

#[test]
fn contextual_elements_use_the_elements_own_words() {
    let catalogue = CrimeCatalogue::shipped();
    let text = |id: &str| catalogue.element(id).unwrap().1.text.clone();
    assert_eq!(
        text("7(1)(a)/2"),
        "The conduct was committed as part of a widespread or systematic attack directed against a civilian population."
    );
    assert_eq!(
        text("8(2)(a)(i)/4"),
        "The conduct took place in the context of and was associated with an international armed conflict."
    );
    assert_eq!(
        text("8(2)(e)(xix)/4"),
        "The perpetrator was aware of factual circumstances that established the existence of an armed conflict."
    );
    assert_eq!(
        text("6(a)/4"),
        "The conduct took place in the context of a manifest pattern of similar conduct directed against that group or was conduct that could itself effect such destruction."
    );
    assert_eq!(
        text("6(a)/1"),
        "The perpetrator killed one or more persons."
    );
    // Every war crime ends with the armed conflict and its awareness; every crime against
    // humanity with the attack and the knowledge of it.
    for crime in catalogue
        .crimes()
        .iter()
        .filter(|c| c.category == Category::Crime)
    {
        let last: Vec<ElementKind> = crime
            .elements
            .iter()
            .rev()
            .take(2)
            .map(|e| e.kind)
            .collect();
        match crime.article.as_str() {
            "7" | "8" => assert_eq!(last, [ElementKind::Contextual; 2], "{}", crime.code),
            _ => assert_eq!(last[0], ElementKind::Contextual, "{}", crime.code),
        }
        for element in &crime.elements {
            assert!(
                !element.text.contains("[^"),
                "footnote marker in {}",
                element.id
            );
            assert!(
                element.text.ends_with('.'),
                "{} does not end a sentence",
                element.id
            );
        }
    }
}

#[test]
fn the_file_round_trips_through_import() {
    let shipped = CrimeCatalogue::shipped();
    let written = shipped.to_json();
    let reread = CrimeCatalogue::from_json(&written).unwrap();
    assert_eq!(reread.crimes(), shipped.crimes());
    assert_eq!(reread.edition(), shipped.edition());

    // Importing the shipped file into itself changes nothing and reports every code unchanged.
    let mut catalogue = shipped.clone();
    let report = catalogue.import(reread).unwrap();
    assert!(report.added.is_empty());
    assert_eq!(report.unchanged.len(), shipped.crimes().len());
    assert_eq!(catalogue.crimes(), shipped.crimes());

    // A national code of the same shape is added, and found by code and element id.
    let national = r#"{
        "format": 1,
        "edition": "Wet internationale misdrijven (Netherlands), as in force 2024",
        "crimes": [{
            "code": "WIM-4(1)(a)", "category": "crime", "article": "4", "title": "Crime against humanity: murder",
            "elements": [
                {"id": "WIM-4(1)(a)/1", "number": 1, "kind": "material", "text": "The perpetrator killed one or more persons."},
                {"id": "WIM-4(1)(a)/2", "number": 2, "kind": "contextual", "text": "As part of a widespread or systematic attack directed against a civilian population."}
            ]
        }]
    }"#;
    let report = catalogue
        .import(CrimeCatalogue::from_json(national).unwrap())
        .unwrap();
    assert_eq!(report.added, ["WIM-4(1)(a)"]);
    assert_eq!(
        catalogue.element("WIM-4(1)(a)/2").unwrap().1.kind,
        ElementKind::Contextual
    );
    // And the merged catalogue round-trips too.
    let again = CrimeCatalogue::from_json(&catalogue.to_json()).unwrap();
    assert_eq!(again.crimes(), catalogue.crimes());
}

#[test]
fn the_shipped_file_names_its_edition_and_source() {
    let catalogue = CrimeCatalogue::shipped();
    assert!(catalogue.edition().contains("Elements of Crimes"));
    assert!(catalogue.edition().contains("ICC-ASP/18/Res.5"));
    assert!(catalogue
        .source()
        .unwrap()
        .starts_with("https://www.icc-cpi.int/"));
    for code in ["8(2)(b)(xxvii)", "8(2)(e)(xviii)", "8(2)(e)(xix)"] {
        assert!(catalogue.get(code).unwrap().source.is_some(), "{code}");
    }
}
