//! Matching two lists, or one list against itself, without comparing all pairs.
//!
//! Blocking: a pair is compared only if the two persons share a *blocking key*: a rare name
//! part (or a rare part one letter off, through deletion neighbours), two name parts of one
//! name together (so that two men called Mohammed Ahmed meet without every Mohammed meeting
//! every other), a kunya with its nisba, or a document number. Keys carried by more persons
//! than [`MAX_BLOCK`] are not used.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::person::Person;
use crate::score::{
    compare, evidence_bound, evidence_for, name_bound, parse, Comparison, Prepared, Vocabulary,
};

/// A name part is a blocking key on its own if at most this share of persons carry it.
const RARE_SHARE: f64 = 0.003;
/// Keys carried by more persons than this are not used for blocking.
const MAX_BLOCK: usize = 1000;

/// A proposed pair.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// Row index in the left list.
    #[serde(skip)]
    pub left_index: usize,
    #[serde(skip)]
    pub right_index: usize,
    pub left: String,
    pub right: String,
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// What a run did.
#[derive(Clone, Debug, Serialize)]
pub struct MatchRun {
    pub candidates: Vec<Candidate>,
    /// Pairs that blocking put together.
    pub compared: u64,
    /// Of those, pairs scored in full (the others could not reach the threshold, whatever
    /// their names: birth years far apart, for instance).
    pub scored: u64,
    pub prepare_seconds: f64,
    pub compare_seconds: f64,
}

fn hash_of<T: Hash>(value: T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The spellings of a part's key that blocking tries: the key, its Dutch `ch` reading, and the
/// key without its initial-vowel mark (Ebrahim / Brahim, Ahmed / Hmed).
fn forms(part: &crate::name::NamePart) -> impl Iterator<Item = &str> {
    let unmarked = part.key.strip_prefix('a').filter(|rest| rest.len() >= 3);
    std::iter::once(part.key.as_str())
        .chain(part.alt_keys.iter().map(String::as_str))
        .chain(unmarked)
}

fn blocking_keys(p: &Prepared, vocabulary: &Vocabulary, rare: u32, out: &mut Vec<u64>) {
    out.clear();
    for variant in &p.variants {
        for (i, a) in variant.iter().enumerate() {
            let count = vocabulary.counts[a.id as usize];
            if count <= rare || variant.len() == 1 {
                for form in forms(&a.part) {
                    out.push(hash_of((0u8, form)));
                    // Deletion neighbours catch a typo that changed the key.
                    out.push(hash_of((1u8, form)));
                    if form.len() >= 4 && form.is_ascii() {
                        for cut in 0..form.len() {
                            let neighbour = format!("{}{}", &form[..cut], &form[cut + 1..]);
                            out.push(hash_of((1u8, neighbour)));
                        }
                    }
                }
            }
            for b in &variant[i + 1..] {
                for fa in forms(&a.part) {
                    for fb in forms(&b.part) {
                        if fa != fb {
                            out.push(hash_of((2u8, fa.min(fb), fa.max(fb))));
                        }
                    }
                }
            }
        }
    }
    for k in &p.kunyas {
        if p.nisbas.is_empty() {
            if vocabulary.counts[k.id as usize] <= rare {
                out.push(hash_of((3u8, k.id, "")));
            }
        } else {
            for n in &p.nisbas {
                out.push(hash_of((3u8, k.id, *n)));
            }
        }
    }
    for id in &p.identifiers {
        out.push(hash_of((4u8, &id.value)));
    }
    out.sort_unstable();
    out.dedup();
}

/// Matches `left` against `right`, or `left` against itself when `right` is `None`; returns
/// the pairs scoring at least `threshold`, best first.
pub fn match_lists(left: &[Person], right: Option<&[Person]>, threshold: f64) -> MatchRun {
    let started = Instant::now();
    let parsed_left: Vec<_> = left.par_iter().map(parse).collect();
    let parsed_right: Vec<_> = right.unwrap_or(&[]).par_iter().map(parse).collect();
    let mut vocabulary = Vocabulary::default();
    let prepared_left: Vec<Prepared> = left
        .iter()
        .zip(parsed_left)
        .map(|(p, parsed)| vocabulary.prepare(p, parsed))
        .collect();
    let prepared_right: Vec<Prepared> = right
        .unwrap_or(&[])
        .iter()
        .zip(parsed_right)
        .map(|(p, parsed)| vocabulary.prepare(p, parsed))
        .collect();
    vocabulary.finish();
    let rare = ((f64::from(vocabulary.persons) * RARE_SHARE) as u32).max(20);
    let (others, same_list) = match right {
        Some(_) => (&prepared_right, false),
        None => (&prepared_left, true),
    };
    let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut keys = Vec::new();
    for (i, p) in others.iter().enumerate() {
        blocking_keys(p, &vocabulary, rare, &mut keys);
        for &k in &keys {
            index.entry(k).or_default().push(i as u32);
        }
    }
    let bounds_left: Vec<f64> = prepared_left
        .iter()
        .map(|p| name_bound(p, &vocabulary))
        .collect();
    let bounds_others: Vec<f64> = others.iter().map(|p| name_bound(p, &vocabulary)).collect();
    // A little below the threshold's evidence, against rounding.
    let needed = evidence_for(threshold) - 1e-9;
    let prepare_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let results: Vec<(u64, u64, Vec<Candidate>)> = prepared_left
        .par_iter()
        .enumerate()
        .map_init(
            || (Vec::new(), Vec::new()),
            |(keys, pool): &mut (Vec<u64>, Vec<u32>), (i, p)| {
                blocking_keys(p, &vocabulary, rare, keys);
                pool.clear();
                for k in keys.iter() {
                    if let Some(list) = index.get(k) {
                        if list.len() <= MAX_BLOCK {
                            pool.extend(list.iter().filter(|&&j| !same_list || j as usize > i));
                        }
                    }
                }
                pool.sort_unstable();
                pool.dedup();
                let mut found = Vec::new();
                let mut scored = 0u64;
                for &j in pool.iter() {
                    let other = &others[j as usize];
                    if evidence_bound(p, other, bounds_left[i], bounds_others[j as usize]) < needed
                    {
                        continue;
                    }
                    scored += 1;
                    let quick = compare(p, other, &vocabulary, false);
                    if quick.score >= threshold {
                        // Explanations are written only for the pairs that are kept.
                        let comparison = compare(p, &others[j as usize], &vocabulary, true);
                        let right_person = match right {
                            Some(r) => &r[j as usize],
                            None => &left[j as usize],
                        };
                        found.push(Candidate {
                            left_index: i,
                            right_index: j as usize,
                            left: left[i].id.clone(),
                            right: right_person.id.clone(),
                            comparison,
                        });
                    }
                }
                (pool.len() as u64, scored, found)
            },
        )
        .collect();
    let compared = results.iter().map(|r| r.0).sum();
    let scored = results.iter().map(|r| r.1).sum();
    let mut candidates: Vec<Candidate> = results.into_iter().flat_map(|r| r.2).collect();
    candidates.sort_by(|a, b| {
        b.comparison
            .score
            .total_cmp(&a.comparison.score)
            .then(
                b.comparison
                    .evidence_sum
                    .total_cmp(&a.comparison.evidence_sum),
            )
            .then(a.left_index.cmp(&b.left_index))
            .then(a.right_index.cmp(&b.right_index))
    });
    MatchRun {
        candidates,
        compared,
        scored,
        prepare_seconds,
        compare_seconds: started.elapsed().as_secs_f64(),
    }
}

/// Compares two persons directly (with name-part rarity from these two alone and the prior).
pub fn compare_persons(a: &Person, b: &Person) -> Comparison {
    let mut vocabulary = Vocabulary::default();
    let pa = vocabulary.prepare(a, parse(a));
    let pb = vocabulary.prepare(b, parse(b));
    vocabulary.finish();
    compare(&pa, &pb, &vocabulary, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{BirthDate, Gender, Identifier, IdentifierKind};

    fn person(id: &str, name: &str, year: Option<i32>) -> Person {
        Person {
            id: id.into(),
            names: vec![name.into()],
            birth_dates: year
                .map(|year| BirthDate::Year { year })
                .into_iter()
                .collect(),
            ..Person::default()
        }
    }

    #[test]
    fn transliterations_of_a_rare_name_match() {
        let a = person("a", "Yassine Bouchta", Some(1990));
        let b = person("b", "ياسين بوشتة", Some(1990));
        let c = compare_persons(&a, &b);
        assert!(c.score > 0.9, "{c:?}");
    }

    #[test]
    fn common_names_alone_prove_little() {
        let a = person("a", "Mohammed Ahmed", None);
        let b = person("b", "محمد أحمد", None);
        let rare = compare_persons(
            &person("a", "Yassine Bouchta", None),
            &person("b", "Yassine Bouchta", None),
        );
        let common = compare_persons(&a, &b);
        assert!(common.score < 0.5, "{common:?}");
        assert!(rare.evidence_sum > common.evidence_sum + 5.0);
    }

    #[test]
    fn contradictions_push_down() {
        let a = person("a", "Yassine Bouchta", Some(1990));
        let base = compare_persons(&a, &person("b", "Yassine Bouchta", Some(1990)));
        let far = compare_persons(&a, &person("b", "Yassine Bouchta", Some(1975)));
        assert!(far.score < base.score - 0.3, "{far:?}");
        let mut w = person("b", "Yassine Bouchta", Some(1990));
        w.gender = Some(Gender::Female);
        let mut m = a.clone();
        m.gender = Some(Gender::Male);
        assert!(compare_persons(&m, &w).score < 0.5);
        let mut pa = a.clone();
        pa.identifiers = vec![Identifier::new(IdentifierKind::Passport, "NX1").unwrap()];
        let mut pb = person("b", "Yassine Bouchta", Some(1990));
        pb.identifiers = vec![Identifier::new(IdentifierKind::Passport, "NX2").unwrap()];
        assert!(compare_persons(&pa, &pb).score < base.score);
        pb.identifiers = pa.identifiers.clone();
        assert!(compare_persons(&pa, &pb).score > base.score);
    }

    #[test]
    fn lists_and_duplicates() {
        let left = vec![
            person("l1", "Abd al-Rahman al-Shami", Some(1988)),
            person("l2", "Mohammed Ahmed", Some(1990)),
        ];
        let right = vec![
            person("r1", "Abderrahmane el Chami", Some(1988)),
            person("r2", "Karim Benali", Some(1970)),
        ];
        let run = match_lists(&left, Some(&right), 0.5);
        assert_eq!(run.candidates.len(), 1);
        assert_eq!(
            (
                run.candidates[0].left.as_str(),
                run.candidates[0].right.as_str()
            ),
            ("l1", "r1")
        );
        let mut one = left.clone();
        one.extend(right);
        let run = match_lists(&one, None, 0.5);
        assert_eq!(run.candidates.len(), 1);
        assert_eq!(
            (
                run.candidates[0].left.as_str(),
                run.candidates[0].right.as_str()
            ),
            ("l1", "r1")
        );
    }
}
