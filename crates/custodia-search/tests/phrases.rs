//! Exact phrases are looked up as pairs of adjacent words (and of adjacent cross-script keys).
//! For random texts and random phrases, the documents found are exactly those whose words, read
//! directly with the crate's analysis, hold the phrase in order, or whose keyed words hold the
//! phrase's keys in order.

use std::collections::{BTreeMap, BTreeSet};

mod support;

use custodia_search::analysis::{key, keys, normalise, words};
use custodia_search::{Rights, SearchIndex, Sort};
use proptest::prelude::*;

/// Words whose forms and keys meet: names in both scripts, words with two keys (plurals),
/// keyless words (articles, vowels; numbers have keys), a word that normalises to nothing (a lone
/// tatweel, which leaves a gap in positions), common words.
const VOCABULARY: &[&str] = &[
    "12",
    "ou",
    "el",
    "a",
    "Yazidis",
    "Yazidi",
    "الإيزيديين",
    "the",
    "witness",
    "stated",
    "Sinjar",
    "Sindjar",
    "سنجار",
    "al",
    "Baghdadi",
    "البغدادي",
    "Mosul",
    "الموصل",
    "men",
    "man",
    "ـ",
    "Témoin",
    "temoin",
];

/// Whether `text` holds `phrase` (normalised words, at least two) as the index defines it.
fn holds(text: &str, phrase: &[String]) -> bool {
    let by_position: BTreeMap<usize, String> = words(text)
        .into_iter()
        .map(|w| (w.position, normalise(w.text)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    let in_order = by_position.keys().any(|&start| {
        phrase
            .iter()
            .enumerate()
            .all(|(i, word)| by_position.get(&(start + i)) == Some(word))
    });
    // Keys: keyless words are skipped, a word's keys share its place; two adjacent keyed words
    // also hold their keys joined (keys of two letters or more), for names written as one word
    // in the other script.
    let keyed: Vec<Vec<String>> = by_position
        .values()
        .map(|n| keys(n))
        .filter(|k| !k.is_empty())
        .collect();
    let joined: Vec<String> = keyed
        .windows(2)
        .flat_map(|pair| {
            pair[0]
                .iter()
                .flat_map(|a| pair[1].iter().map(move |b| (a, b)))
                .filter(|(a, b)| a.len() >= 2 && b.len() >= 2)
                .map(|(a, b)| format!("{a}{b}"))
                .collect::<Vec<_>>()
        })
        .collect();
    let has_key = |k: &str| {
        keyed.iter().any(|word| word.iter().any(|w| w == k)) || joined.iter().any(|j| j == k)
    };
    let wanted: Vec<String> = phrase.iter().filter_map(|w| key(w)).collect();
    let keys_in_order = match wanted.len() {
        0 => false,
        1 => has_key(&wanted[0]),
        n => {
            keyed
                .windows(n)
                .any(|window| window.iter().zip(&wanted).all(|(k, w)| k.contains(w)))
                || has_key(&wanted.concat())
        }
    };
    in_order || keys_in_order
}

fn index_of(texts: &[&str]) -> SearchIndex {
    support::index_of(
        Some("eng"),
        texts.iter().enumerate().map(|(i, t)| (format!("d{i}"), *t)),
    )
}

/// A word that normalises to nothing still stands between its neighbours: they are not a pair.
#[test]
fn a_word_between_breaks_the_pair() {
    // Keyless words (`ou`, `a`), so that no cross-script key phrase (which skips words
    // without keys) finds the second text either.
    let index = index_of(&["cell ou a opened", "cell ou ـ a opened", "ou and a"]);
    let found = index
        .search("\"ou a\"", &Rights::everything(), 10, Sort::Relevance)
        .unwrap();
    let ids: Vec<&str> = found.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["d0"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn phrases_find_exactly_the_texts_that_hold_them(
        texts in prop::collection::vec(
            prop::collection::vec(0..VOCABULARY.len(), 1..14), 1..24),
        phrase in prop::collection::vec(0..VOCABULARY.len(), 2..4),
    ) {
        let texts: Vec<String> = texts
            .iter()
            .map(|t| t.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" "))
            .collect();
        let phrase_text = phrase.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" ");
        let phrase_words: Vec<String> = words(&phrase_text)
            .into_iter()
            .map(|w| normalise(w.text))
            .filter(|w| !w.is_empty())
            .collect();
        // One word is not a phrase (it is searched as a word, with its stems).
        prop_assume!(phrase_words.len() >= 2);

        let index = index_of(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let found = index
            .search(&format!("\"{phrase_text}\""), &Rights::everything(), 1000, Sort::Relevance)
            .unwrap();
        let got: BTreeSet<String> = found.hits.iter().map(|h| h.id.clone()).collect();
        let want: BTreeSet<String> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| holds(t, &phrase_words))
            .map(|(i, _)| format!("d{i}"))
            .collect();
        prop_assert_eq!(&got, &want, "phrase {:?} in {:?}", phrase_text, texts);
        prop_assert_eq!(found.total as usize, want.len());
    }
}
