//! How often a Latin spelling of a name finds its Arabic-script form, and the reverse: a list of
//! places, persons and groups with the spellings found in reports, counted word by word through
//! the same keys the index uses. The rate is reported in docs/BENCHMARKS.md; the test fails if
//! it drops, so a change to the keys that loses names is seen.

use custodia_search::analysis::{keys, normalise, words};

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

/// Whether a Latin spelling finds the Arabic name: every keyed Latin word shares a key with
/// the Arabic word at the same place (as a phrase over the key field does).
fn finds(arabic: &str, latin: &str) -> bool {
    let key_list = |text: &str| -> Vec<Vec<String>> {
        words(text)
            .into_iter()
            .map(|w| keys(&normalise(w.text)))
            .filter(|k| !k.is_empty())
            .collect()
    };
    let a = key_list(arabic);
    let l = key_list(latin);
    a.len() == l.len()
        && a.iter()
            .zip(&l)
            .all(|(x, y)| x.iter().any(|k| y.contains(k)))
}

#[test]
fn cross_script_rate() {
    let mut total = 0;
    let mut hits = 0;
    let mut misses = Vec::new();
    for (arabic, spellings) in NAMES {
        for latin in *spellings {
            total += 1;
            if finds(arabic, latin) {
                hits += 1;
            } else {
                misses.push(format!("{arabic} / {latin}"));
            }
        }
    }
    let rate = hits as f64 / total as f64;
    println!(
        "cross-script: {hits} of {total} spellings ({:.0}%) find their Arabic-script name; missed: {}",
        rate * 100.0,
        misses.join(", ")
    );
    assert!(rate >= 0.75, "{rate}: missed {misses:#?}");
}
