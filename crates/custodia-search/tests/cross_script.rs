//! How often a Latin spelling of a name finds its Arabic-script form, and the reverse: a list of
//! places, persons and groups with the spellings found in reports, each searched in a real index
//! (a name of several words as a phrase). The rates are reported in docs/BENCHMARKS.md; the test
//! fails if they drop, so a change to the keys that loses names is seen.

mod support;

use custodia_search::analysis::words;
use custodia_search::{Rights, Sort};

/// (Arabic script, Latin spellings)
const NAMES: &[(&str, &[&str])] = &[
    ("سنجار", &["Sinjar", "Sindjar", "Sinjār"]),
    ("شنگال", &["Shingal", "Shengal"]),
    ("الموصل", &["Mosul", "Mossoul", "Mawsil", "al-Mawsil"]),
    ("الرقة", &["Raqqa", "Raqqah", "ar-Raqqa", "Rakka"]),
    ("حلب", &["Halab"]),
    ("تلعفر", &["Tal Afar", "Tel Afar", "Tall Afar"]),
    ("كوجو", &["Kocho", "Kojo"]),
    ("صيدنايا", &["Saydnaya", "Sednaya", "Saidnaya"]),
    ("بادوش", &["Badush", "Badoush"]),
    ("دهوك", &["Dohuk", "Duhok", "Dahuk"]),
    ("أربيل", &["Erbil", "Arbil", "Irbil"]),
    ("كركوك", &["Kirkuk", "Karkuk"]),
    ("بغداد", &["Baghdad", "Bagdad"]),
    ("دمشق", &["Damascus", "Dimashq"]),
    (
        "دير الزور",
        &["Deir ez-Zor", "Deir al-Zour", "Dayr az-Zawr"],
    ),
    ("الحسكة", &["Hasakah", "al-Hasakah", "Hassake"]),
    ("تدمر", &["Tadmur", "Tadmor"]),
    (
        "أبو بكر البغدادي",
        &["Abu Bakr al-Baghdadi", "Abu Bakr al Baghdadi"],
    ),
    ("محمد", &["Mohammed", "Muhammad", "Mohamed", "Mohammad"]),
    ("أحمد", &["Ahmed", "Ahmad"]),
    ("حسين", &["Hussein", "Husayn", "Hussain", "Hossein"]),
    ("عبد الله", &["Abdullah", "Abd Allah", "Abdallah"]),
    ("عمر", &["Omar", "Umar"]),
    ("عثمان", &["Othman", "Uthman", "Osman"]),
    ("خالد", &["Khaled", "Khalid"]),
    ("يوسف", &["Youssef", "Yusuf", "Yousef"]),
    ("إبراهيم", &["Ibrahim", "Ebrahim"]),
    ("مصطفى", &["Mustafa", "Moustafa", "Mostafa"]),
    ("الشيشاني", &["al-Shishani", "Shishani"]),
    ("داعش", &["Daesh", "Daech"]),
    ("الإيزيديين", &["Yazidis", "Yezidis", "Ezidis"]),
    ("ايزيدي", &["Yazidi", "Ezidi", "Yezidi", "Êzidî"]),
    ("نادية", &["Nadia", "Nadiya"]),
    ("الأسد", &["al-Assad", "Assad", "al-Asad"]),
    ("حمص", &["Homs", "Hims"]),
    ("الفلوجة", &["Fallujah", "Falluja"]),
    ("تكريت", &["Tikrit"]),
    ("سبايكر", &["Speicher", "Spiker"]),
];

/// A query for a name as an investigator would write it: a word alone, several as a phrase.
fn query_for(name: &str) -> String {
    if words(name).len() > 1 {
        format!("\"{name}\"")
    } else {
        name.to_owned()
    }
}

/// Counts, through a real index holding each name in each spelling as its own document, how
/// many Latin spellings find the Arabic-script document, and how many Arabic-script queries
/// find each Latin spelling's document.
#[test]
fn cross_script_rate() {
    // Each name in a sentence, in each spelling, as its own document.
    let mut documents = Vec::new();
    for (n, (arabic, spellings)) in NAMES.iter().enumerate() {
        documents.push((
            format!("ar{n}"),
            format!("the register names {arabic} in its list"),
        ));
        for (s, latin) in spellings.iter().enumerate() {
            documents.push((
                format!("la{n}-{s}"),
                format!("the register names {latin} in its list"),
            ));
        }
    }
    let index = support::index_of(
        None,
        documents.iter().map(|(id, t)| (id.clone(), t.as_str())),
    );
    let found = |query: &str, id: &str| -> bool {
        index
            .search(
                &query_for(query),
                &Rights::everything(),
                200,
                Sort::Relevance,
            )
            .unwrap()
            .hits
            .iter()
            .any(|h| h.id == id)
    };
    let (mut total, mut latin_finds, mut arabic_finds) = (0, 0, 0);
    let mut misses = Vec::new();
    for (n, (arabic, spellings)) in NAMES.iter().enumerate() {
        for (s, latin) in spellings.iter().enumerate() {
            total += 1;
            let forward = found(latin, &format!("ar{n}"));
            let backward = found(arabic, &format!("la{n}-{s}"));
            latin_finds += usize::from(forward);
            arabic_finds += usize::from(backward);
            if !forward || !backward {
                misses.push(format!(
                    "{arabic} / {latin}{}",
                    match (forward, backward) {
                        (false, false) => " (both ways)",
                        (false, true) => " (Latin → Arabic)",
                        _ => " (Arabic → Latin)",
                    }
                ));
            }
        }
    }
    let rate = latin_finds as f64 / total as f64;
    println!(
        "cross-script: {latin_finds} of {total} Latin spellings ({:.0}%) find their Arabic-script name; \
         {arabic_finds} of {total} ({:.0}%) the reverse; missed: {}",
        rate * 100.0,
        arabic_finds as f64 / total as f64 * 100.0,
        misses.join(", ")
    );
    assert!(rate >= 0.9, "{rate}: missed {misses:#?}");
    assert!(
        arabic_finds as f64 / total as f64 >= 0.9,
        "missed {misses:#?}"
    );
}
