//! Comparing two persons: each feature gives evidence as a log-likelihood ratio (how much more
//! likely what we see is if both rows are the same person than if they are not); the sum,
//! shifted and squashed by a logistic curve, is the score in [0, 1].
//!
//! Names weigh by the rarity of their parts: agreeing on a part that one person in `n` carries
//! is worth about `ln n`. Rarity comes from the lists being matched, smoothed by a prior of how
//! common the most frequent Arabic name parts are, so that a list of ten rows still knows that
//! two men named Mohammed Ahmed prove little. Contradictions (birth years far apart, different
//! genders, fathers or document numbers) subtract.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::{Factors, Level};
use crate::name::{
    key_letters, keys_surely_unlike, parse_name, part_similarity, part_similarity_given, text_keys,
    Ending, NamePart, PartKind,
};
use crate::person::{BirthDate, Gender, Identifier, IdentifierKind, Person};

/// The evidence sum at which the score is one half.
pub const OFFSET: f64 = 9.0;
/// How many units of evidence move the score from one half to about 0.73 (a logistic fit of
/// P(same person | evidence) on a tuning set of the benchmark, docs/BENCHMARKS.md).
pub const SCALE: f64 = 1.0;
/// The calibrated default threshold: pairs scoring at least this are proposed.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// One feature's contribution to a score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Evidence {
    /// `name`, `kunya`, `father_name`, `birth_date`, `birth_place`, `nationality`, `gender`,
    /// `identifier`.
    pub feature: &'static str,
    /// Log-likelihood ratio: positive for the same person, negative against.
    pub weight: f64,
    /// What was compared, for a person deciding.
    pub detail: String,
    /// The comparison levels behind the weight, with their hand-set weights.
    #[serde(skip)]
    pub factors: Factors,
    /// The hand-set weight (equal to `weight` unless weights were learned from the lists).
    pub prior_weight: f64,
}

/// The outcome of comparing two persons.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Comparison {
    pub score: f64,
    /// Log-odds that a compared pair is one person before its evidence: the score is
    /// `logistic(base_log_odds + evidence_sum)`.
    pub base_log_odds: f64,
    /// The summed evidence before the logistic curve.
    pub evidence_sum: f64,
    pub evidence: Vec<Evidence>,
}

/// Maps summed evidence to the score.
pub fn score_of(evidence_sum: f64) -> f64 {
    1.0 / (1.0 + (-(evidence_sum - OFFSET) / SCALE).exp())
}

/// A name part with its interned key and weight.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    pub id: u32,
    /// The interned vowel-aware form (0 for none): equal ids and forms make equal parts.
    pub form_id: u32,
    /// The interned word as written (either script): how many persons write it so tells a
    /// slip of the pen from a name ([`Vocabulary::spelling_count`]).
    pub spelling_id: u32,
    pub part: NamePart,
    /// The key's length and letters, and whether the key is the part's only reading (no
    /// other readings, no particle fused or split): parts whose keys are surely unlike are
    /// told apart from these alone, without reading the keys.
    pub key_shape: (usize, u32),
    pub one_reading: bool,
    /// The interned key of the name after the part's patronymic particle
    /// ([`NamePart::patronymic`]), `u32::MAX` for none.
    pub patronymic_id: u32,
    /// Whether the word has the form of a Slavic family name ([`is_slavic_family_name`]).
    pub slavic_family: bool,
}

impl Part {
    /// A part not yet numbered (see [`Vocabulary::intern_prepared`]).
    fn new(part: NamePart) -> Part {
        Part {
            id: 0,
            form_id: 0,
            spelling_id: 0,
            key_shape: (part.key.len(), key_letters(&part.key)),
            one_reading: part.alt_keys.is_empty()
                && part.split_keys.is_empty()
                && part.heard_keys.is_empty(),
            patronymic_id: u32::MAX,
            slavic_family: is_slavic_family_name(&part.word),
            part,
        }
    }
}

/// A person made ready for comparison, its name parts and residence values not yet numbered
/// ([`Vocabulary::intern_prepared`] numbers them): everything that needs no vocabulary, so that
/// lists are drafted in parallel.
pub(crate) fn draft(person: &Person, parsed: Parsed) -> Prepared {
    let mut variants = Vec::new();
    let mut kunyas = Vec::new();
    let mut nisbas = Vec::new();
    for name in parsed.names {
        let mut plain = Vec::new();
        for part in name {
            match part.kind {
                PartKind::Plain => plain.push(Part::new(part)),
                PartKind::Kunya => kunyas.push(Part::new(part)),
                PartKind::Nisba(country) => {
                    if !nisbas.contains(&country) {
                        nisbas.push(country);
                    }
                }
            }
        }
        if !plain.is_empty() {
            variants.push(plain);
        }
    }
    let written_variants = variants.len();
    // An alias of one word beside a full name is another own name (a convert's Muslim name,
    // a short name): the person is also known by it with the rest of the full name (Thomas
    // SCHOLZ, alias Abdullah: Abdullah Scholz).
    if let Some(main) = variants.first().filter(|main| main.len() >= 2).cloned() {
        let own = own_name_index(&main);
        let mut with_own_names = Vec::new();
        for alias in variants.iter().skip(1).filter(|alias| alias.len() == 1) {
            let mut full = main.clone();
            full[own] = alias[0].clone();
            full[own].part.family = false;
            let same_words = |v: &Vec<Part>| {
                v.len() == full.len()
                    && v.iter().zip(&full).all(|(x, y)| x.part.word == y.part.word)
            };
            let known = variants.iter().chain(&with_own_names).any(same_words);
            if !known {
                with_own_names.push(full);
            }
        }
        variants.extend(with_own_names);
    }
    let (residence, residence_values) = parsed
        .residence
        .into_iter()
        .map(|(kind, value)| ((kind, 0), value))
        .unzip();
    Prepared {
        variants,
        written_variants,
        kunyas,
        nisbas,
        fathers: parsed.fathers.into_iter().map(Part::new).collect(),
        grandfathers: parsed.grandfathers.into_iter().map(Part::new).collect(),
        dates: person.birth_dates.clone(),
        place_ids: Vec::new(),
        places: parsed.places,
        nationalities: person.nationalities.clone(),
        gender: person.gender,
        identifiers: person.identifiers.clone(),
        residence,
        residence_values,
        address_words: parsed.address_words,
        fathers_in_names: None,
    }
}

/// Pseudo-rows of the prior belief that a list's full names carry the father's name second.
const FATHERS_IN_NAMES_PRIOR_ROWS: f64 = 5.0;

/// How far a list writes full names as chains (own, father's, grandfather's name): of its rows
/// giving a father apart and a name of three parts or more, the share whose name carries that
/// father after the own name, starting from a belief of 1 worth a few rows. A camp's register
/// writes chains; a European register's third part is a second given name or a particle, and
/// the father missing from it says nothing. `None` when no row can tell (no father given
/// apart beside a long name): the weights are then those of a person compared alone.
pub(crate) fn fathers_in_names(list: &[Prepared]) -> Option<f64> {
    let (mut rows, mut found) = (0.0, 0.0);
    for p in list {
        let (Some(father), Some(name)) = (p.fathers.first(), p.variants.first()) else {
            continue;
        };
        if name.len() < 3 {
            continue;
        }
        rows += 1.0;
        if carries_father(name, father) {
            found += 1.0;
        }
    }
    (rows > 0.0)
        .then(|| (found + FATHERS_IN_NAMES_PRIOR_ROWS) / (rows + FATHERS_IN_NAMES_PRIOR_ROWS))
}

/// A person made ready for comparison.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prepared {
    /// Plain parts of each name and alias that has any, then the full names made with an
    /// alias of one word as the own name.
    pub variants: Vec<Vec<Part>>,
    /// How many of `variants` were written so (the rest are made with one-word aliases).
    pub written_variants: usize,
    pub kunyas: Vec<Part>,
    pub nisbas: Vec<&'static str>,
    pub fathers: Vec<Part>,
    /// Grandfathers' names given apart (only to tell a clerk's shift of generations).
    pub grandfathers: Vec<Part>,
    pub dates: Vec<BirthDate>,
    pub places: Vec<String>,
    /// The places interned, in the order of `places` (filled by
    /// [`Vocabulary::intern_prepared`]).
    pub place_ids: Vec<u32>,
    pub nationalities: Vec<String>,
    pub gender: Option<Gender>,
    pub identifiers: Vec<Identifier>,
    /// Interned residence values (postcode, town, region, whole address), with their kinds.
    pub residence: Vec<(Residence, u32)>,
    /// The residence values as compared, in the order of `residence`.
    pub residence_values: Vec<String>,
    /// Words of the street addresses (lower case, letters and digits).
    pub address_words: Vec<Vec<String>>,
    /// How far the person's list writes the father's name inside full names
    /// ([`fathers_in_names`]; `None` for a person compared alone or a list that cannot tell).
    pub fathers_in_names: Option<f64>,
}

/// The parts of a residence, compared apart and weighed by how many persons share each value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Residence {
    Address,
    Postcode,
    City,
    Region,
}

impl Residence {
    fn name(self) -> &'static str {
        match self {
            Residence::Address => "address",
            Residence::Postcode => "postcode",
            Residence::City => "town",
            Residence::Region => "region",
        }
    }
}

/// A residence value as compared: lower case letters and digits, words separated by one space.
pub(crate) fn normalise_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The parsed but not yet interned form of a person (made in parallel).
pub(crate) struct Parsed {
    names: Vec<Vec<NamePart>>,
    fathers: Vec<NamePart>,
    grandfathers: Vec<NamePart>,
    places: Vec<String>,
    residence: Vec<(Residence, String)>,
    address_words: Vec<Vec<String>>,
}

pub(crate) fn parse(person: &Person) -> Parsed {
    let names = person
        .names
        .iter()
        .chain(&person.aliases)
        .map(|n| parse_name(n))
        .filter(|p| !p.is_empty())
        .collect();
    let fathers = person
        .father_names
        .iter()
        .flat_map(|n| parse_name(n).into_iter().take(1))
        .collect();
    let grandfathers = person
        .grandfather_names
        .iter()
        .flat_map(|n| parse_name(n).into_iter().take(1))
        .collect();
    let mut places: Vec<String> = person
        .birth_places
        .iter()
        .flat_map(|p| text_keys(p))
        .collect();
    places.sort();
    places.dedup();
    let mut residence = Vec::new();
    for (kind, values) in [
        (Residence::Address, &person.addresses),
        (Residence::Postcode, &person.postcodes),
        (Residence::City, &person.cities),
        (Residence::Region, &person.regions),
    ] {
        for v in values {
            let v = normalise_value(v);
            if !v.is_empty() && !residence.contains(&(kind, v.clone())) {
                residence.push((kind, v));
            }
        }
    }
    let address_words = residence
        .iter()
        .filter(|(kind, _)| *kind == Residence::Address)
        .map(|(_, value)| value.split(' ').map(str::to_string).collect())
        .collect();
    Parsed {
        names,
        fathers,
        grandfathers,
        places,
        residence,
        address_words,
    }
}

/// Name-part keys interned to numbers, with how many persons carry each.
#[derive(Default)]
pub(crate) struct Vocabulary {
    ids: HashMap<String, u32>,
    keys: Vec<String>,
    forms: HashMap<String, u32>,
    /// Words as written, interned, and the persons writing each in a name (once per person).
    spellings: HashMap<String, u32>,
    spelling_counts: Vec<u32>,
    /// Spellings several persons write ([`SPELLING_COMMON`]): the id, and the part as read
    /// (its key interned), to read a slip of the pen as the name it was meant to be.
    common_spellings: Vec<(u32, u32, NamePart)>,
    /// For each spelling (by id), the common spellings one slip away when no other person
    /// writes it (indices into `common_spellings`; filled by [`Vocabulary::finish`]). Indexed,
    /// not hashed: it is read for most compared pairs of parts.
    corrections: Vec<Vec<u32>>,
    /// Persons carrying each key (counted once per person).
    pub counts: Vec<u32>,
    /// Persons counted.
    pub persons: u32,
    /// Information of each key, `-ln p` (filled by [`Vocabulary::finish`]).
    pub weights: Vec<f64>,
    /// Persons carrying each key after a patronymic particle (`Ben Ali`, `Benali`: the key of
    /// Ali), and its information as such, `-ln p` ([`NamePart::patronymic`]).
    patronymic_counts: Vec<u32>,
    patronymic_weights: Vec<f64>,
    /// Keys some row writes in Arabic script.
    in_arabic_script: Vec<bool>,
    /// Keys among the built-in common Arabic names (filled by [`Vocabulary::finish`]).
    common_arabic: Vec<bool>,
    /// Residence values interned (one map per kind of value, in the order of [`Residence`]),
    /// with how many persons carry each.
    values: [HashMap<String, u32>; 4],
    /// A person's keys while they are counted (reused).
    seen: Vec<u32>,
    pub value_counts: Vec<u32>,
    /// Places of birth interned (by their key), with how many persons carry each.
    places: HashMap<String, u32>,
    place_counts: Vec<u32>,
    /// Persons by the own name of their first written name (key), and those of them whose
    /// name has a Slavic family name; counted by [`Vocabulary::finish`] into
    /// `slavic_discounts`.
    own_counts: HashMap<u32, (u32, u32)>,
    /// Persons whose first written name has a Slavic family name, and persons with an own
    /// name in their first written name.
    slavic_persons: u32,
    named_persons: u32,
    /// Information an own name (by key) loses beside a Slavic family name that agrees (see
    /// [`Vocabulary::slavic_community_discounts`]).
    slavic_discounts: Vec<f64>,
    /// Keys that are family names on these lists: carried by several persons, almost never as
    /// their own name, as written without and with an i-sound at the end (filled by
    /// [`Vocabulary::finish`]; see [`FAMILY_NAMES_DIFFER`]).
    family_names: Vec<[bool; 2]>,
    /// Counts for parts ending in an i-sound, by key (read by [`Vocabulary::finish`]): persons
    /// carrying one, and those whose own name it is. The relational -i makes a family name of an own name
    /// (Azizi of Aziz, Moussaoui of Moussa) whose key is the own name's.
    i_ending_counts: HashMap<u32, (u32, u32)>,
}

/// Pseudo-persons of the prior: how strongly the built-in frequencies count against the data.
const PRIOR_PERSONS: f64 = 500.0;
/// Prior share of persons carrying a name part the table does not list.
const PRIOR_UNKNOWN: f64 = 2e-4;
/// Approximate shares of men and women carrying each of the most common Arabic name parts
/// (as given, father's or family name) on Middle Eastern and North African lists.
const PRIOR_COMMON: &[(&str, f64)] = &[
    ("Mohammed", 0.20),
    ("Ahmed", 0.10),
    ("Ali", 0.09),
    ("Hassan", 0.06),
    ("Hussein", 0.05),
    ("Abdullah", 0.05),
    ("Ibrahim", 0.045),
    ("Mahmoud", 0.04),
    ("Omar", 0.035),
    ("Khalid", 0.03),
    ("Youssef", 0.03),
    ("Mustafa", 0.025),
    ("Abd al-Rahman", 0.025),
    ("Saleh", 0.02),
    ("Salem", 0.02),
    ("Jassim", 0.02),
    ("Hamid", 0.02),
    ("Karim", 0.015),
    ("Said", 0.02),
    ("Ismail", 0.015),
    ("Abbas", 0.015),
    ("Jamal", 0.015),
    ("Nasser", 0.015),
    ("Adel", 0.015),
    ("Khalil", 0.012),
    ("Hamza", 0.012),
    ("Bilal", 0.01),
    ("Yassin", 0.012),
    ("Kamal", 0.012),
    ("Walid", 0.012),
    ("Tariq", 0.012),
    ("Samir", 0.012),
    ("Faisal", 0.01),
    ("Rashid", 0.012),
    ("Majid", 0.01),
    ("Abd al-Aziz", 0.012),
    ("Abd al-Karim", 0.01),
    ("Abd al-Qadir", 0.01),
    ("Musa", 0.012),
    ("Issa", 0.01),
    ("Yahya", 0.01),
    ("Zakaria", 0.01),
    ("Suleiman", 0.012),
    ("Othman", 0.01),
    ("Fatima", 0.05),
    ("Aisha", 0.03),
    ("Khadija", 0.025),
    ("Maryam", 0.025),
    ("Zainab", 0.02),
    ("Amina", 0.015),
    // Particles that stay name parts (Dutch, French, German family names; a Maghrebi `Ben`
    // leading a name).
    ("van", 0.03),
    ("de", 0.03),
    ("den", 0.02),
    ("der", 0.02),
    ("von", 0.01),
    ("ben", 0.02),
];

/// The number of `value` in `ids`, a new one (its count 0 in `counts`) if it is not there yet.
fn intern_value(ids: &mut HashMap<String, u32>, counts: &mut Vec<u32>, value: &str) -> u32 {
    if let Some(&id) = ids.get(value) {
        return id;
    }
    let id = counts.len() as u32;
    ids.insert(value.to_owned(), id);
    counts.push(0);
    id
}

/// Evidence for agreeing on a value that `count` of the lists' `persons` carry (the pair's two
/// among them): `ln(m / u)`, `u` the share of the others carrying it (term frequency), within
/// `least..=most`.
fn term_frequency_weight(count: u32, persons: u32, m: f64, (least, most): (f64, f64)) -> f64 {
    let n = f64::from(persons.max(2));
    let u = ((f64::from(count) - 1.0).max(0.5) / n).min(1.0);
    (m / u).ln().clamp(least, most)
}

impl Vocabulary {
    pub fn intern(&mut self, part: &NamePart) -> u32 {
        self.intern_key(&part.key)
    }

    fn intern_key(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.ids.insert(key.to_owned(), id);
        self.keys.push(key.to_owned());
        self.counts.push(0);
        id
    }

    /// Makes a person ready for comparison: [`draft`] and [`Vocabulary::intern_prepared`].
    pub fn prepare(&mut self, person: &Person, parsed: Parsed) -> Prepared {
        let mut prepared = draft(person, parsed);
        self.intern_prepared(&mut prepared);
        prepared
    }

    /// Numbers a drafted person's name parts and residence values, and counts the persons
    /// carrying each: the only step of preparing that needs the whole vocabulary (so it is
    /// short; lists are drafted in parallel).
    pub(crate) fn intern_prepared(&mut self, p: &mut Prepared) {
        for part in p
            .variants
            .iter_mut()
            .flatten()
            .chain(&mut p.kunyas)
            .chain(&mut p.fathers)
            .chain(&mut p.grandfathers)
        {
            part.id = self.intern(&part.part);
            if part.part.form.is_none() {
                let id = part.id as usize;
                if self.in_arabic_script.len() <= id {
                    self.in_arabic_script.resize(id + 1, false);
                }
                self.in_arabic_script[id] = true;
            }
            if let Some(bare) = &part.part.patronymic {
                part.patronymic_id = self.intern_key(&bare.key);
            }
            part.form_id = match &part.part.form {
                None => 0,
                Some(form) => match self.forms.get(form.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = self.forms.len() as u32 + 1;
                        self.forms.insert(form.clone(), id);
                        id
                    }
                },
            };
            part.spelling_id = match self.spellings.get(part.part.word.as_str()) {
                Some(&id) => id,
                None => {
                    let id = self.spelling_counts.len() as u32;
                    self.spellings.insert(part.part.word.clone(), id);
                    self.spelling_counts.push(0);
                    id
                }
            };
        }
        for ((kind, id), value) in p.residence.iter_mut().zip(&p.residence_values) {
            *id = intern_value(
                &mut self.values[*kind as usize],
                &mut self.value_counts,
                value,
            );
            self.value_counts[*id as usize] += 1;
        }
        p.place_ids = p
            .places
            .iter()
            .map(|place| intern_value(&mut self.places, &mut self.place_counts, place))
            .collect();
        // Each person counts once per place (a place given twice is one).
        let mut counted = p.place_ids.clone();
        counted.sort_unstable();
        counted.dedup();
        for id in counted {
            self.place_counts[id as usize] += 1;
        }
        if let Some(name) = p
            .variants
            .first()
            .filter(|name| p.written_variants > 0 && name.len() >= 2)
        {
            let own = own_name_index(name);
            let slavic = name
                .iter()
                .enumerate()
                .any(|(i, part)| i != own && part.slavic_family);
            let counts = self.own_counts.entry(name[own].id).or_default();
            counts.0 += 1;
            counts.1 += u32::from(slavic);
            if name[own].part.ending != Ending::Other {
                self.i_ending_counts.entry(name[own].id).or_default().1 += 1;
            }
            self.slavic_persons += u32::from(slavic);
            self.named_persons += 1;
        }
        // Each person counts once per key.
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        seen.extend(p.variants.iter().flatten().chain(&p.kunyas).map(|p| p.id));
        seen.sort_unstable();
        seen.dedup();
        for &id in &seen {
            self.counts[id as usize] += 1;
        }
        seen.clear();
        for part in p.variants.iter().flatten() {
            let id = part.spelling_id;
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            let count = &mut self.spelling_counts[id as usize];
            *count += 1;
            if *count == SPELLING_COMMON {
                self.common_spellings.push((id, part.id, part.part.clone()));
            }
        }
        seen.clear();
        seen.extend(
            p.variants
                .iter()
                .flatten()
                .filter(|p| p.part.ending != Ending::Other)
                .map(|p| p.id),
        );
        seen.sort_unstable();
        seen.dedup();
        for &id in &seen {
            self.i_ending_counts.entry(id).or_default().0 += 1;
        }
        seen.clear();
        seen.extend(
            p.variants
                .iter()
                .flatten()
                .map(|p| p.patronymic_id)
                .filter(|&id| id != u32::MAX),
        );
        seen.sort_unstable();
        seen.dedup();
        for &id in &seen {
            if self.patronymic_counts.len() <= id as usize {
                self.patronymic_counts.resize(id as usize + 1, 0);
            }
            self.patronymic_counts[id as usize] += 1;
        }
        self.seen = seen;
        self.persons += 1;
    }

    /// Computes each key's information from the counts and the prior.
    pub fn finish(&mut self) {
        let mut prior: HashMap<String, f64> = HashMap::new();
        for (name, share) in PRIOR_COMMON {
            for part in parse_name(name) {
                prior.insert(part.key, *share);
            }
        }
        self.common_arabic = self
            .keys
            .iter()
            .map(|key| prior.contains_key(key))
            .collect();
        let n = f64::from(self.persons);
        self.weights = self
            .keys
            .iter()
            .zip(&self.counts)
            .map(|(key, &count)| {
                let p0 = prior.get(key).copied().unwrap_or(PRIOR_UNKNOWN);
                // The two rows being compared are not evidence of how common their parts are
                // among other persons.
                let others = f64::from(count.saturating_sub(2));
                let p = (others + PRIOR_PERSONS * p0) / (n + PRIOR_PERSONS);
                -p.min(1.0).ln()
            })
            .collect();
        self.slavic_discounts = self.slavic_community_discounts();
        self.family_names = self.family_names();
        self.corrections = self.slips_of_the_pen();
        // Smoothed by half the name's own built-in frequency: where `bin` gives the father
        // (Gulf lists), `bin Mohammed` on a short list is about as common as Mohammed, not as an
        // unknown name; where it makes a family name (Maghrebi lists), rarer.
        self.patronymic_weights = self
            .patronymic_counts
            .iter()
            .enumerate()
            .map(|(id, &count)| {
                let p0 = self
                    .keys
                    .get(id)
                    .and_then(|key| prior.get(key))
                    .map_or(PRIOR_UNKNOWN, |share| share / 2.0);
                let others = f64::from(count.saturating_sub(2));
                let p = (others + PRIOR_PERSONS * p0) / (n + PRIOR_PERSONS);
                -p.min(1.0).ln()
            })
            .collect();
    }

    /// Information that an own name and a Slavic family name agreeing claim twice, by the own
    /// name's key. The
    /// Russian-speaking communities of the lists (Chechen, Dagestani) take own and family
    /// names from one small stock: Aslan, Ruslan, Magomed beside Musaev, Gakaev, Israilov.
    /// Each part's information is counted over the whole list as if the parts were
    /// independent; within the community, the own name is far more common than on the list
    /// at large. With `C` the persons with a Slavic family name, the own name proves
    /// `-ln p(own | C)` rather than `-ln p(own)`: `ln(p(C | own) / p(C))` less (the two
    /// compared persons left out, smoothed towards no discount for an own name few carry).
    fn slavic_community_discounts(&self) -> Vec<f64> {
        const PSEUDO_PERSONS: f64 = 2.0;
        let mut discounts = vec![0.0; self.keys.len()];
        if self.slavic_persons == 0 {
            return discounts;
        }
        let share = f64::from(self.slavic_persons) / f64::from(self.named_persons.max(1));
        for (&own, &(carried, slavic)) in &self.own_counts {
            let others = f64::from(carried.saturating_sub(2));
            let others_slavic = f64::from(slavic.saturating_sub(2));
            let given_own = (others_slavic + PSEUDO_PERSONS * share) / (others + PSEUDO_PERSONS);
            discounts[own as usize] = (given_own / share).ln().max(0.0);
        }
        discounts
    }

    /// Which keys are family names: carried by at least [`FAMILY_NAME_CARRIERS`] persons, of
    /// whom at most [`FAMILY_NAME_OWN_SHARE`] have it as their own name. A father's or
    /// grandfather's name in a chain is someone's own name too, so it is not one; a slip of
    /// the pen is carried by too few.
    /// A part ending in an i-sound is judged by the persons whose part ends so.
    fn family_names(&self) -> Vec<[bool; 2]> {
        self.counts
            .iter()
            .enumerate()
            .map(|(id, &carried)| {
                let id = id as u32;
                let own = self.own_counts.get(&id).map_or(0, |c| c.0);
                let (carried_i, own_i) = self.i_ending_counts.get(&id).copied().unwrap_or_default();
                [
                    family_by_counts(carried, own),
                    family_by_counts(carried_i, own_i),
                ]
            })
            .collect()
    }

    /// Whether `part` is a family name on these lists ([`Vocabulary::family_names`]).
    fn is_family_name(&self, part: &Part) -> bool {
        let i_ending = usize::from(part.part.ending != Ending::Other);
        self.family_names
            .get(part.id as usize)
            .is_some_and(|judged| judged[i_ending])
    }

    /// Whether `part` reads as a family name: marked so by its list, or so judged from the
    /// lists ([`Vocabulary::is_family_name`]) when its key is long enough to tell (a key of
    /// one or two letters is shared by too many names and slips).
    fn is_family_part(&self, part: &Part) -> bool {
        part.part.kind == PartKind::Plain
            && (part.part.family || (part.part.key.len() >= 3 && self.is_family_name(part)))
    }

    /// Information own name `id` loses beside a Slavic family name that agrees.
    fn slavic_community_discount(&self, id: u32) -> f64 {
        self.slavic_discounts
            .get(id as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// Information of agreeing on `Ben <id>` (fused or apart), 0 when no one carries it.
    fn patronymic_weight(&self, id: u32) -> f64 {
        self.patronymic_weights
            .get(id as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// Whether key `id` is among the built-in common Arabic names.
    fn is_common_arabic(&self, id: u32) -> bool {
        self.common_arabic
            .get(id as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Whether key `id` is written in Arabic script by some row of the lists.
    fn in_arabic_script(&self, id: u32) -> bool {
        self.in_arabic_script
            .get(id as usize)
            .copied()
            .unwrap_or(false)
    }

    pub fn weight(&self, id: u32) -> f64 {
        self.weights.get(id as usize).copied().unwrap_or(0.0)
    }

    /// Persons writing a word so in a name.
    pub fn spelling_count(&self, id: u32) -> u32 {
        self.spelling_counts.get(id as usize).copied().unwrap_or(0)
    }

    /// For each spelling no other person writes, the common spellings (in the same script,
    /// beginning with the same letter) one edit away: a letter changed, left out, doubled, or
    /// two neighbours swapped. Found through the words with one letter left out, which two
    /// spellings one edit apart share.
    fn slips_of_the_pen(&self) -> Vec<Vec<u32>> {
        fn without_one(word: &[char]) -> impl Iterator<Item = String> + '_ {
            (0..word.len()).map(move |i| word[..i].iter().chain(&word[i + 1..]).collect::<String>())
        }
        let mut index: HashMap<String, Vec<u32>> = HashMap::new();
        for (n, (_, _, part)) in self.common_spellings.iter().enumerate() {
            let chars: Vec<char> = part.word.chars().collect();
            if chars.len() < SLIP_MIN_LETTERS - 1 {
                continue;
            }
            index.entry(part.word.clone()).or_default().push(n as u32);
            for shorter in without_one(&chars) {
                index.entry(shorter).or_default().push(n as u32);
            }
        }
        let mut corrections = vec![Vec::new(); self.spelling_counts.len()];
        for (word, &id) in &self.spellings {
            if self.spelling_count(id) > 1 {
                continue;
            }
            let chars: Vec<char> = word.chars().collect();
            if chars.len() < SLIP_MIN_LETTERS - 1 {
                continue;
            }
            let mut found: Vec<u32> = std::iter::once(word.clone())
                .chain(without_one(&chars))
                .filter_map(|probe| index.get(&probe))
                .flatten()
                .copied()
                .filter(|&n| {
                    let common = &self.common_spellings[n as usize].2.word;
                    // One of the two as long as a slip needs (a letter left out of Walid
                    // leaves three).
                    chars.len().max(common.chars().count()) >= SLIP_MIN_LETTERS
                        && common.chars().next() == chars.first().copied()
                        && common.chars().any(is_arabic_letter)
                            == chars.iter().copied().any(is_arabic_letter)
                        && within_one_edit(word, common)
                })
                .collect();
            found.sort_unstable();
            found.dedup();
            if !found.is_empty() {
                // The commonest first; a handful is enough.
                found.sort_by_key(|&n| {
                    std::cmp::Reverse(self.spelling_count(self.common_spellings[n as usize].0))
                });
                found.truncate(SLIP_READINGS);
                corrections[id as usize] = found;
            }
        }
        corrections
    }

    /// The readings of `part` as a slip of the pen in a common spelling: each with its key's id.
    fn slip_readings(&self, part: &Part) -> impl Iterator<Item = (u32, &NamePart)> {
        self.corrections
            .get(part.spelling_id as usize)
            .into_iter()
            .flatten()
            .map(|&n| {
                let (_, key, part) = &self.common_spellings[n as usize];
                (*key, part)
            })
    }

    /// How alike two parts are when one is read as a slip of the pen in a common spelling,
    /// with the information the pair then carries (that of the names meant, not of the rare
    /// string a slip makes); `None` where no such reading pairs them.
    fn slip_similarity(&self, a: &Part, b: &Part) -> Option<(f64, f64)> {
        let mut best: Option<(f64, f64)> = None;
        let mut consider = |s: f64, key: u32, other: u32| {
            if s >= PART_FLOOR && best.is_none_or(|(b, _)| s > b) {
                best = Some((s, (self.weight(key) + self.weight(other)) / 2.0));
            }
        };
        for (key, meant) in self.slip_readings(a) {
            consider(
                part_similarity_given(meant, &b.part, key == b.id),
                key,
                b.id,
            );
        }
        for (key, meant) in self.slip_readings(b) {
            consider(
                part_similarity_given(&a.part, meant, key == a.id),
                key,
                a.id,
            );
        }
        best.map(|(s, information)| (s.min(SLIP_SIMILARITY), information))
    }
}

/// Evidence lost for a part of the shorter name that the other does not have.
const MISSING_PART: f64 = 1.5;
/// Two family names, one on each side, neither found in the other name nor like the other
/// (not a slip, not another spelling): two families. (A chain of own, father's and
/// grandfather's names has none, so it loses nothing here.)
const FAMILY_NAMES_DIFFER: f64 = -3.0;
/// A family name in the longer name that the shorter, every part of which agrees, lacks.
const EXTRA_FAMILY_NAME: f64 = -2.0;
/// See [`Vocabulary::family_names`].
const FAMILY_NAME_CARRIERS: u32 = 3;
const FAMILY_NAME_OWN_SHARE: f64 = 0.05;

/// A word `carried` by that many persons, `own` of them as their own name, is a family name.
fn family_by_counts(carried: u32, own: u32) -> bool {
    carried >= FAMILY_NAME_CARRIERS && f64::from(own) <= FAMILY_NAME_OWN_SHARE * f64::from(carried)
}
/// Similarity under which two unpaired family names are unlike (pairing needs
/// [`PART_FLOOR`]; between the two lie slips and spellings that only nearly agree).
const FAMILY_NAMES_UNLIKE: f64 = 0.5;
/// The same when the own names differ: what is missing is then the own name of each, the
/// pattern of brothers (same father's and family name).
const MISSING_PART_OWN_DIFFERS: f64 = 2.5;
/// The same for the family name of a two-part name that an Arabic chain of names (own,
/// father's, grandfather's; no family name) does not carry: a camp's or a registry's way of
/// writing a name against a European list's.
const MISSING_PART_CHAIN: f64 = 0.5;
/// Evidence lost for each extra part of the longer name (a grandfather's or family name that
/// one list leaves out), at most three.
const EXTRA_PART: f64 = 0.5;
/// Evidence when no part of the names agrees.
const NO_NAME: f64 = -6.0;
/// Evidence given back when own names differ but the full dates of birth are the same.
const SAME_DAY_OWN_DIFFERS: f64 = 4.0;
/// Evidence when the first parts (the persons' own names) agree, and when they differ.
const FIRST_AGREES: f64 = 1.0;
const FIRST_DIFFERS: f64 = -4.0;
/// Parts less alike than this do not pair.
const PART_FLOOR: f64 = 0.7;
/// The most evidence a name gives, however many rare parts agree: namesakes and relatives
/// share whole names, so that one conflicting full date of birth outweighs any name.
const NAME_CAP: f64 = 15.0;

/// Whether two spellings write the same consonant letters, leaving out vowels and the
/// letters that spell them or a glide (y, w, h), doubled letters, and the usual ways of
/// writing one Arabic sound (q or k; ch, sh or sch; dj, dsch, g or j): Jawad / Jaouad, Nagy /
/// Nadji, Shawi / Chaoui, Musa / Moesa write one name, Jake / Jack (c) two. A word that is not
/// plain Latin letters, or is long, counts as the same (the keys already said so).
fn same_consonant_letters(a: &str, b: &str) -> bool {
    const MAX: usize = 24;
    fn letters(word: &str, out: &mut [u8; MAX]) -> Option<usize> {
        let w = word.as_bytes();
        if w.len() > MAX || !w.iter().all(u8::is_ascii_lowercase) {
            return None;
        }
        let mut n = 0;
        let mut i = 0;
        while i < w.len() {
            let rest = &w[i..];
            let (letter, len) = if rest.starts_with(b"dsch") {
                (b'j', 4)
            } else if rest.starts_with(b"sch") {
                (b's', 3)
            } else if rest.starts_with(b"dj") {
                (b'j', 2)
            } else if rest.starts_with(b"ch") || rest.starts_with(b"sh") {
                (b's', 2)
            } else {
                match rest[0] {
                    b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w' | b'h' => (0, 1),
                    b'q' => (b'k', 1),
                    b'g' => (b'j', 1),
                    c => (c, 1),
                }
            };
            if letter != 0 && (n == 0 || out[n - 1] != letter) {
                out[n] = letter;
                n += 1;
            }
            i += len;
        }
        Some(n)
    }
    if a == b {
        return true;
    }
    let (mut x, mut y) = ([0u8; MAX], [0u8; MAX]);
    match (letters(a, &mut x), letters(b, &mut y)) {
        (Some(n), Some(m)) => x[..n] == y[..m],
        _ => true,
    }
}

/// `format!` when an explanation is wanted; an empty string (no allocation) otherwise, since
/// most compared pairs are discarded.
macro_rules! text {
    ($explain:expr, $($arg:tt)*) => {
        if $explain {
            format!($($arg)*)
        } else {
            String::new()
        }
    };
}

struct NameMatch {
    weight: f64,
    detail: String,
    level: Level,
}

/// Compares one name (or alias) of each person; `persons` are the two it belongs to, whose
/// father's and grandfather's names given apart tell, in a chain of names, which part is whose;
/// `written` says both names were written so (not made with a one-word alias), which the
/// reading of a convert's two names needs.
fn compare_variant(
    a: &[Part],
    b: &[Part],
    (person_a, person_b): (&Prepared, &Prepared),
    written: bool,
    vocabulary: &Vocabulary,
    explain: bool,
) -> NameMatch {
    // Names have a handful of parts: pairs and flags live on the stack (this runs for every
    // compared pair); longer names are cut to the first 8 parts (given, father, grandfather, family and more).
    const MAX_PARTS: usize = 8;
    let a = &a[..a.len().min(MAX_PARTS)];
    let b = &b[..b.len().min(MAX_PARTS)];
    let mut pairs = [(0.0f64, 0u8, 0u8); MAX_PARTS * MAX_PARTS];
    // Which parts pair (similarity symmetric: part `i` of `a` with part `j` of `b`).
    let mut close = [[false; MAX_PARTS]; MAX_PARTS];
    // Which parts are one patronymic family name (see `same_patronymic`).
    let mut compound = [[false; MAX_PARTS]; MAX_PARTS];
    // Which parts pair only as a slip of the pen, with the information they then carry
    // (see `Vocabulary::slip_similarity`).
    let mut slip = [[None::<f64>; MAX_PARTS]; MAX_PARTS];
    let mut count = 0;
    for (i, pa) in a.iter().enumerate() {
        for (j, pb) in b.iter().enumerate() {
            let same_patronymic = same_patronymic(pa, pb, vocabulary);
            compound[i][j] = same_patronymic;
            // One key and one form is one name, except two Latin spellings of a key of two
            // letters written with other consonant letters (Jake / Jack: j-k and a both),
            // which `part_similarity_given` holds to near by their spellings.
            let same_name = pa.id == pb.id
                && pa.form_id == pb.form_id
                && pa.part.ending == pb.part.ending
                && (pa.part.key.len() > 2 || same_consonant_letters(&pa.part.word, &pb.part.word));
            let s = if same_name || same_patronymic {
                1.0
            } else if pa.id != pb.id
                && pa.one_reading
                && pb.one_reading
                && keys_surely_unlike(pa.key_shape, pb.key_shape)
            {
                0.0
            } else {
                part_similarity_given(&pa.part, &pb.part, pa.id == pb.id)
            };
            let s = if (PART_FLOOR..0.999).contains(&s)
                && two_names_a_letter_apart(pa, pb, vocabulary)
            {
                0.0
            } else {
                s
            };
            let s = match (s < PART_FLOOR)
                .then(|| vocabulary.slip_similarity(pa, pb))
                .flatten()
            {
                Some((s, information)) => {
                    slip[i][j] = Some(information);
                    s
                }
                None => s,
            };
            if s >= PART_FLOOR {
                pairs[count] = (s, i as u8, j as u8);
                close[i][j] = true;
                count += 1;
            }
        }
    }
    let pairs = &mut pairs[..count];
    pairs.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    // The part of the other name each part paired with.
    let mut pair_of_a = [None::<u8>; MAX_PARTS];
    let mut pair_of_b = [None::<u8>; MAX_PARTS];
    let mut weight = 0.0;
    let mut matched = 0usize;
    let mut near = false;
    let mut detail = Vec::new();
    for &(s, i, j) in pairs.iter() {
        let (i, j) = (usize::from(i), usize::from(j));
        if pair_of_a[i].is_some() || pair_of_b[j].is_some() {
            continue;
        }
        pair_of_a[i] = Some(j as u8);
        pair_of_b[j] = Some(i as u8);
        matched += 1;
        let mut information = slip[i][j]
            .unwrap_or_else(|| (vocabulary.weight(a[i].id) + vocabulary.weight(b[j].id)) / 2.0);
        // `bin Ali` and `BENALI` agree as the compound, as rare as it is, not as `Ali`.
        if compound[i][j] {
            information = information.max(vocabulary.patronymic_weight(a[i].patronymic_id));
        }
        // A near part (typo, one letter off) counts for less than an equal one.
        let strength = if s >= 0.999 { 1.0 } else { (s - 0.5) * 2.0 };
        near |= s < 0.999;
        weight += strength * information;
        if explain {
            detail.push(format!(
                "{} ~ {} ({:+.1}{})",
                a[i].part.word,
                b[j].part.word,
                strength * information,
                if slip[i][j].is_some() {
                    ", a slip of the pen"
                } else if s < 0.999 {
                    ", near"
                } else {
                    ""
                }
            ));
        }
    }
    if matched == 0 {
        return NameMatch {
            weight: NO_NAME,
            detail: text!(explain, "no part of the names agrees"),
            level: Level::NameNone,
        };
    }
    // Arabic names lead with the person's own name (ism), then the father's and grandfather's or
    // the family name: two men whose own names differ are rarely one, whatever else agrees
    // (brothers share all the rest). A list that puts the family name first without a comma
    // (`BOUCHTA Yacine`) pairs one side's first part with the other's last.
    // (Only a name of two parts is read so: the last of a longer Arabic name is a
    // grandfather's or a family name.) A name that marks its family name (before a comma, in
    // capitals) says which part is the own name: it is not read the other way round, so that
    // one man's own name meeting another's family name (Moustapha / Ismael ALMUSTAFA) is not
    // taken for one person's.
    // Two parts alike are not own names that agree when either went to another part it is
    // more like: in محمد احمد حسن عمروش against Hmed AMROUCHE, Hmed (Ahmed) is the father's
    // name احمد, not the near محمد.
    let agree = |i: usize, j: usize| {
        close[i][j]
            && pair_of_a[i].is_none_or(|k| usize::from(k) == j)
            && pair_of_b[j].is_none_or(|k| usize::from(k) == i)
    };
    let (own_a, own_b) = (own_name_index(a), own_name_index(b));
    let turnable_a = a.len() == 2 && !marks_family(a);
    let turnable_b = b.len() == 2 && !marks_family(b);
    let own_agrees = agree(own_a, own_b)
        || (turnable_b && agree(own_a, 1 - own_b))
        || (turnable_a && agree(1 - own_a, own_b));
    let (first_weight, first_text) = if own_agrees {
        (FIRST_AGREES, "own names agree")
    } else if own_names_a_slip_apart(&a[own_a], &b[own_b], vocabulary) {
        (
            0.0,
            "own names one letter apart, one of them seen nowhere else (a slip)",
        )
    } else if written && converts_own_name(a, b, (own_a, own_b), &pair_of_a, vocabulary) {
        // One man's two own names: as much as own names that agree. (At 0.0, such pairs on
        // the held-out lists were one person two and a half units more often than pairs of
        // the same score.)
        (
            FIRST_AGREES,
            "a Muslim own name against a European one, under one European family name (a \
             convert's two names)",
        )
    } else if a.len() >= 2 && b.len() >= 2 {
        (FIRST_DIFFERS, "own names differ")
    } else {
        (0.0, "")
    };
    let own_differs = first_weight < 0.0;
    weight += first_weight;
    let own_exact = pair_of_a[own_a].is_some_and(|j| b[usize::from(j)].id == a[own_a].id);
    let slavic_family_agrees = own_exact
        && (0..a.len()).any(|i| {
            i != own_a
                && pair_of_a[i]
                    .is_some_and(|j| a[i].slavic_family && b[usize::from(j)].slavic_family)
        });
    let community = if slavic_family_agrees {
        vocabulary.slavic_community_discount(a[own_a].id)
    } else {
        0.0
    };
    weight -= community;
    let short = a.len().min(b.len());
    let long = a.len().max(b.len());
    let missing = short - matched;
    let extra = (long - short).min(3);
    // A chain of own, father's and grandfather's names against a list's own and family name:
    // the two share only the own name by construction, so what each lacks says little.
    let chain = own_agrees && matched == 1 && missing == 1 && chain_against_family(a, b);
    let (missing_part, extra_part) = if own_differs {
        (MISSING_PART_OWN_DIFFERS, EXTRA_PART)
    } else if chain {
        (MISSING_PART_CHAIN, 0.0)
    } else if own_agrees && missing == 0 && chain_against_family(a, b) {
        // Every part of the given and family name found in a chain: the chain's extra parts
        // are the father's and grandfather's names, as far as its list writes them so.
        let long_person = if a.len() > b.len() {
            person_a
        } else {
            person_b
        };
        (
            MISSING_PART,
            EXTRA_PART * (1.0 - long_person.fathers_in_names.unwrap_or(0.0)),
        )
    } else {
        (MISSING_PART, EXTRA_PART)
    };
    weight -= missing_part * missing as f64 + extra_part * extra as f64;
    // The longer name's family name left over when every part of the shorter agrees: the
    // shorter, a chain of own and father's names, may be of another family.
    let extra_family = missing == 0 && !own_differs && long > short && {
        let (longer, pair_of) = if a.len() > b.len() {
            (a, &pair_of_a)
        } else {
            (b, &pair_of_b)
        };
        longer
            .iter()
            .enumerate()
            .any(|(i, p)| pair_of[i].is_none() && vocabulary.is_family_part(p))
    };
    if extra_family {
        weight += EXTRA_FAMILY_NAME;
    }
    let family_meets_father = family_meets_father(a, b, &pair_of_a, person_a)
        || family_meets_father(b, a, &pair_of_b, person_b);
    if family_meets_father {
        weight += FAMILY_MEETS_FATHER;
    }
    let families_differ = own_agrees
        && !family_meets_father
        && families_differ(a, b, &pair_of_a, &pair_of_b, vocabulary);
    if families_differ {
        weight += FAMILY_NAMES_DIFFER;
    }
    let mut text = detail.join(", ");
    if explain && !first_text.is_empty() {
        text.push_str(&format!("; {first_text} ({first_weight:+.1})"));
    }
    if explain && community >= 0.05 {
        text.push_str(&format!(
            "; own name common among the persons of Slavic family names: less rare beside one \
             ({:+.1})",
            -community
        ));
    }
    if explain && family_meets_father {
        text.push_str(&format!(
            "; the family name is the other's father's name, whose own family name is left over ({FAMILY_MEETS_FATHER:+.1})"
        ));
    }
    if explain && extra_family {
        text.push_str(&format!(
            "; a family name the shorter name lacks ({EXTRA_FAMILY_NAME:+.1})"
        ));
    }
    if explain && families_differ {
        text.push_str(&format!(
            "; two family names, unlike each other ({FAMILY_NAMES_DIFFER:+.1})"
        ));
    }
    if explain && (missing > 0 || long > matched) {
        let unmatched: Vec<&str> = a
            .iter()
            .zip(&pair_of_a[..a.len()])
            .chain(b.iter().zip(&pair_of_b[..b.len()]))
            .filter(|(_, paired)| paired.is_none())
            .map(|(p, _)| p.part.word.as_str())
            .collect();
        text.push_str(&text!(
            explain,
            "; not in the other: {}",
            unmatched.join(", ")
        ));
    }
    let level = match (short - matched, own_differs) {
        (0, false) if long == short && !near => Level::NameEqual,
        (0, false) if long == short => Level::NameNear,
        (0, false) => Level::NameExtra,
        (0, true) => Level::NameExtraOwnDiffers,
        (1, false) => Level::NameOneMissing,
        (1, true) => Level::NameOneMissingOwnDiffers,
        (_, false) => Level::NameSeveralMissing,
        (_, true) => Level::NameSeveralMissingOwnDiffers,
    };
    NameMatch {
        weight,
        detail: text,
        level,
    }
}

/// Whether each name has a family name the other lacks, and no two of these are alike: a
/// part marked as the family name (before a comma, in capitals) or a word the lists carry
/// almost never as an own name ([`Vocabulary::is_family_part`]), left unpaired.
fn families_differ(
    a: &[Part],
    b: &[Part],
    pair_of_a: &[Option<u8>],
    pair_of_b: &[Option<u8>],
    vocabulary: &Vocabulary,
) -> bool {
    let unpaired_families = |name: &[Part], pair_of: &[Option<u8>]| {
        let mut found = [0usize; 8];
        let mut n = 0;
        for (i, part) in name.iter().enumerate().take(found.len()) {
            if pair_of[i].is_none() && vocabulary.is_family_part(part) {
                found[n] = i;
                n += 1;
            }
        }
        (found, n)
    };
    let (of_a, n_a) = unpaired_families(a, pair_of_a);
    let (of_b, n_b) = unpaired_families(b, pair_of_b);
    n_a > 0
        && n_b > 0
        && of_a[..n_a].iter().all(|&i| {
            of_b[..n_b].iter().all(|&j| {
                a[i].id != b[j].id
                    && part_similarity_given(&a[i].part, &b[j].part, false) < FAMILY_NAMES_UNLIKE
            })
        })
}

/// Whether a word is a Slavic family name (Musaev, Magomedow, Israilov, Gakaeva; in Arabic
/// script ماغوميدوف, دوداييف): the form of the Russian-speaking communities' family names.
fn is_slavic_family_name(word: &str) -> bool {
    const LATIN: [&str; 9] = ["ov", "ev", "ow", "ew", "off", "ova", "eva", "owa", "ewa"];
    const ARABIC: [&str; 4] = ["وف", "يف", "وفا", "يفا"];
    if word.is_ascii() {
        word.len() >= 5 && LATIN.iter().any(|end| word.ends_with(end))
    } else {
        word.chars().count() >= 4 && ARABIC.iter().any(|end| word.ends_with(end))
    }
}

/// Whether two parts are one patronymic family name written apart or fused (`bin Ali`,
/// `BEN-ALI`, `Benali`): the names after the particles are one name, spelled alike (not
/// Ben Mahmoud / Ben Mohamed, بن حسين / Ben Hassan), and a fused one's rest is a name the lists
/// carry on its own (not the der of Bender).
fn same_patronymic(a: &Part, b: &Part, vocabulary: &Vocabulary) -> bool {
    if a.patronymic_id == u32::MAX || a.patronymic_id != b.patronymic_id {
        return false;
    }
    let (Some(bare_a), Some(bare_b)) = (&a.part.patronymic, &b.part.patronymic) else {
        return false;
    };
    let fused = |part: &Part, bare: &NamePart| part.part.word != bare.word;
    let known = vocabulary
        .counts
        .get(a.patronymic_id as usize)
        .is_some_and(|&n| n >= 2);
    if (fused(a, bare_a) || fused(b, bare_b)) && !known {
        return false;
    }
    part_similarity(bare_a, bare_b) >= 0.999
}

/// Evidence when one name's marked family name is the other's father's name, and the other's
/// last part, which is not its grandfather's name, is left over: the other is of another
/// family, whose forebear gave that one its name (Adam Said Khasanov, father Said, against
/// SAIDOW, Adam). (On the held-out lists, 1 pair in 23 so named was one person, where pairs
/// of the same score otherwise were ten times likelier: −3.0 was too little.)
const FAMILY_MEETS_FATHER: f64 = -5.0;

/// Whether `marked`'s family name pairs with the part of the chain `chain` that its father's
/// name given apart says is the father's (a part between the first and the last), while the
/// chain's last part pairs with nothing and is not its grandfather's name: that last part is
/// then the chain's own family name, and the two names are of two families.
fn family_meets_father(
    chain: &[Part],
    marked: &[Part],
    pair_of_chain: &[Option<u8>],
    person: &Prepared,
) -> bool {
    let Some(father) = person.fathers.first() else {
        return false;
    };
    if chain.len() < 3 || marks_family(chain) || !marks_family(marked) {
        return false;
    }
    let last = chain.len() - 1;
    let alike = |x: &Part, y: &Part| part_similarity(&x.part, &y.part) >= 0.85;
    if pair_of_chain[last].is_some() || person.grandfathers.iter().any(|g| alike(&chain[last], g)) {
        return false;
    }
    (1..last).any(|k| {
        pair_of_chain[k].is_some_and(|j| marked[usize::from(j)].part.family)
            && alike(&chain[k], father)
    })
}

/// Whether one name is a chain of three parts or more that marks no family name, and the other
/// a name of two parts: the pattern of an Arabic chain of names (own, father's, grandfather's)
/// against a given and family name.
fn chain_against_family(a: &[Part], b: &[Part]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() == 2 && long.len() >= 3 && !marks_family(long)
}

/// Latin spellings of the Muslim names converts most often take, as European and camp lists
/// write them (an `Abd` name of any spelling counts too).
#[rustfmt::skip]
const MUSLIM_GIVEN_NAMES: &[&str] = &[
    "abdallah", "abdellah", "abdulla", "abdullah", "ahmad", "ahmed", "ali", "amin", "amine",
    "anas", "ayoub", "ayub", "ayyub", "bilal", "brahim", "dawud", "driss", "ebrahim", "hamza",
    "hamzah", "harun", "hassan", "hussein", "ibrahim", "idrees", "idris", "ilyas", "ismael",
    "ismail", "issa", "isa", "jibril", "khalid", "khaled", "mohamed", "mohammed", "muhammad",
    "mohammad", "moussa", "musa", "mustafa", "mustapha", "omar", "oumar", "umar", "othman",
    "uthman", "salah", "salahuddin", "suleiman", "sulayman", "souleymane", "talha", "yahia",
    "yahya", "yehya", "yassin", "yassine", "yasin", "younes", "yunus", "yousef", "yousif",
    "youssef", "yusuf", "zakaria", "zakariya", "aisha", "aicha", "fatima", "fatimah", "maryam",
    "meriem", "khadija", "khadijah", "safiya", "sumaya", "sumayya", "hafsa", "hafsah", "asma",
    "aminah", "amina", "zaynab", "zainab", "hajar",
];

/// Common given names of the European countries whose citizens' lists are matched (French,
/// Belgian, Dutch, German, British and their neighbours), as the lists write them folded: the
/// civil names converts are listed under.
#[rustfmt::skip]
const EUROPEAN_GIVEN_NAMES: &[&str] = &[
    "alexander", "alexandre", "alexis", "andreas", "andrew", "anthony", "antoine", "arnaud",
    "arthur", "bart", "bastien", "ben", "benjamin", "benoit", "bram", "bruno", "cedric",
    "charles", "charlie", "chris", "christian", "christoph", "christopher", "clement", "craig",
    "damien", "daniel", "daan", "david", "dennis", "dirk", "dominik", "dylan", "edward",
    "emmanuel", "eric", "fabian", "fabien", "felix", "finn", "florent", "florian", "francois",
    "frank", "frederic", "gary", "george", "gregory", "guillaume", "hans", "harry", "hugo",
    "jack", "jacob", "james", "jan", "jason", "jean", "jens", "jeremy", "jerome", "joe", "johan",
    "johannes", "john", "jonas", "jonathan", "joris", "joseph", "julien", "justin", "kevin",
    "kieran", "lars", "laurent", "leon", "liam", "lucas", "luc", "luca", "lukas", "marc",
    "marcel", "marco", "mark", "marius", "martin", "mathieu", "matthew", "matthias", "max",
    "maxime", "michael", "michel", "mickael", "nicolas", "niels", "niklas", "olivier", "oliver",
    "pascal", "patrick", "paul", "peter", "philipp", "philippe", "pierre", "pieter", "quentin",
    "richard", "rob", "robert", "robin", "romain", "ruben", "ryan", "sam", "samuel", "sander",
    "sebastien", "sebastian", "simon", "stefan", "stephane", "steven", "sven", "thijs",
    "thomas", "tim", "timo", "tobias", "tom", "valentin", "vincent", "wim", "wout", "yannick",
    "yves", "alice", "amelie", "anna", "anne", "audrey", "camille", "caroline", "charlotte",
    "chloe", "claire", "elise", "ella", "emily", "emma", "eva", "hannah", "jana", "jane",
    "jessica", "julia", "julie", "katharina", "laura", "lea", "lena", "lisa", "lotte", "lucie",
    "manon", "marie", "melanie", "nathalie", "nina", "pauline", "sanne", "sara", "sarah",
    "sophie", "stephanie", "vanessa", "zoe",
];

/// Whether a Latin word is one of [`MUSLIM_GIVEN_NAMES`] or an `Abd` name.
fn is_muslim_given_name(word: &str) -> bool {
    word.starts_with("abd") || MUSLIM_GIVEN_NAMES.contains(&word)
}

/// Whether `word` (folded) is one of the [`EUROPEAN_GIVEN_NAMES`].
pub(crate) fn is_european_given_name(word: &str) -> bool {
    EUROPEAN_GIVEN_NAMES.contains(&word)
}

/// Whether two names whose own names differ are one convert's: one own name is a Muslim name
/// (in Latin letters one of [`MUSLIM_GIVEN_NAMES`] spelled so, in Arabic script one of the
/// built-in common names), the other one of [`EUROPEAN_GIVEN_NAMES`], and another part of the
/// two names agrees that is a European family name (written in Latin letters by both, in
/// Arabic script by no row of the lists, not a common Arabic name): Bilal Müller and Kevin
/// MÜLLER. Brothers of a European family (Kevin /
/// Thomas Müller) and of an Arab family whose name some row writes in Arabic script are not
/// read so. (Camp lists write converts' European names in Arabic script too, so a name's script
/// does not tell an Arabic own name.)
fn converts_own_name(
    a: &[Part],
    b: &[Part],
    (own_a, own_b): (usize, usize),
    pair_of_a: &[Option<u8>],
    vocabulary: &Vocabulary,
) -> bool {
    if a.len() < 2 || b.len() < 2 {
        return false;
    }
    // Latin spellings are compared whole: keys are consonant outlines that European names
    // share (Joseph and Youssef, Ella and Ali, Ben and the particle).
    let arabic = |p: &Part| match &p.part.form {
        Some(_) => is_muslim_given_name(&p.part.word),
        None => vocabulary.is_common_arabic(p.id),
    };
    // A European family name: Latin letters, neither a Muslim name nor one whose consonants
    // are a common Arabic name's (and, below, written in Arabic script by no row). A European
    // own name is one of the common European given names: Muslim names of Turkey, the Caucasus
    // or the Balkans (Ahmet, Aslan) and Arab ones not in the Muslim list (Karim beside
    // Yassine) are not converts' civil names.
    let european =
        |p: &Part| p.part.form.is_some() && !arabic(p) && !vocabulary.is_common_arabic(p.id);
    let european_given =
        |p: &Part| european(p) && EUROPEAN_GIVEN_NAMES.contains(&p.part.word.as_str());
    let (oa, ob) = (&a[own_a], &b[own_b]);
    let one_each = (arabic(oa) && european_given(ob)) || (arabic(ob) && european_given(oa));
    one_each
        && pair_of_a
            .iter()
            .take(a.len())
            .enumerate()
            .any(|(i, paired)| {
                paired.is_some_and(|j| {
                    let j = usize::from(j);
                    i != own_a
                        && j != own_b
                        && a[i].id == b[j].id
                        && european(&a[i])
                        && european(&b[j])
                        && !vocabulary.in_arabic_script(a[i].id)
                })
            })
}

/// Whether a name marks which of its parts is the family name (and so which is not).
fn marks_family(name: &[Part]) -> bool {
    name.iter().any(|p| p.part.family) && name.iter().any(|p| !p.part.family)
}

/// The position of the person's own name: the first part not marked as the family name.
pub(crate) fn own_name_index(name: &[Part]) -> usize {
    if marks_family(name) {
        name.iter().position(|p| !p.part.family).unwrap_or(0)
    } else {
        0
    }
}

/// How alike a slip of the pen makes two parts at most (see [`Vocabulary::slip_similarity`]):
/// near, not equal.
const SLIP_SIMILARITY: f64 = 0.9;
/// Persons who must write a word so for it to be a name's usual spelling, against which a
/// spelling no other person writes is read as a slip of the pen in it (Azzi for Aziz, Omra
/// for Omar, حيسن for حسين). A slip can change what the keys hear (a swapped ending turns Aziz
/// into an i-ending word, a changed dot one Arabic letter into another).
const SPELLING_COMMON: u32 = 3;
/// Letters the longer of a slip and its common spelling needs (shorter words are too often
/// other names one letter apart), and how many common spellings a slip is read as at most.
const SLIP_MIN_LETTERS: usize = 4;
const SLIP_READINGS: usize = 3;

fn is_arabic_letter(c: char) -> bool {
    ('\u{0600}'..='\u{06ff}').contains(&c)
}

/// Information above which a part is seen on (almost) no other row, and below which it is
/// common: a slip of the pen turns a common name into a string no one else carries.
const SLIP_RARE: f64 = 8.0;
const SLIP_COMMON: f64 = 6.0;

/// Whether two Latin spellings one letter apart, as long as each other, are two names rather
/// than a slip: both are carried by several persons of the lists (Beslan / Ruslan, Jamal /
/// Kamal, Amin / Amir). A slip of the pen makes a string few others carry.
/// (Not where one is the other read another way: Larbi without its fused article is Arabi.)
fn two_names_a_letter_apart(a: &Part, b: &Part, vocabulary: &Vocabulary) -> bool {
    let reads_as = |x: &Part, y: &Part| {
        x.part.split_keys.contains(&y.part.key) || x.part.alt_keys.contains(&y.part.key)
    };
    a.part.form.is_some()
        && b.part.form.is_some()
        && a.part.key.len() == b.part.key.len()
        && a.part.key != b.part.key
        && vocabulary.weight(a.id).max(vocabulary.weight(b.id)) < SLIP_RARE
        && !reads_as(a, b)
        && !reads_as(b, a)
}

/// Whether two own names that do not pair are one letter apart by a slip (Adil / Adio, Qasim /
/// Kanim): one is common and the other is carried by no one else. Two common names one letter
/// apart are two names (Jamal / Kamal, Amin / Amir), so brothers stay apart.
fn own_names_a_slip_apart(a: &Part, b: &Part, vocabulary: &Vocabulary) -> bool {
    let (wa, wb) = (vocabulary.weight(a.id), vocabulary.weight(b.id));
    if wa.max(wb) < SLIP_RARE {
        return false;
    }
    // Spelled one letter apart in Latin letters (Feme / Femke): a slip whoever carries the
    // other spelling; a sound key one letter apart only when the other is a common name.
    let words_near = a.part.form.is_some()
        && b.part.form.is_some()
        && a.part.word.len().min(b.part.word.len()) >= 4
        && within_one_edit(&a.part.word, &b.part.word);
    let (ka, kb) = (&a.part.key, &b.part.key);
    let keys_near =
        wa.min(wb) <= SLIP_COMMON && ka.len().min(kb.len()) >= 2 && within_one_edit(ka, kb);
    keys_near || words_near
}

/// The most evidence a name of `p` can contribute: every part matched at full weight (each
/// pair is worth the mean of the two parts' weights, so a pair's bound is the sum of both
/// halves), plus agreeing own names.
pub(crate) fn name_bound(p: &Prepared, vocabulary: &Vocabulary) -> f64 {
    (p.variants
        .iter()
        .map(|v| v.iter().map(|x| vocabulary.weight(x.id)).sum::<f64>() / 2.0)
        .fold(0.0, f64::max)
        + FIRST_AGREES / 2.0)
        .min(NAME_CAP)
}

/// Whether [`compare`]'s evidence sum could reach `needed`: an upper bound from the name
/// bounds and the exact, cheap date evidence (worked out only when the other bounds leave it
/// open), so that pairs that cannot reach the threshold are not compared. With
/// `levels_apart`, a bound of the hand-set weights of the comparison levels summed one by one
/// (as learned weights are: a residence's agreeing parts then add up).
pub(crate) fn could_reach(
    a: &Prepared,
    b: &Prepared,
    (name_a, name_b): (f64, f64),
    levels_apart: bool,
    needed: f64,
) -> bool {
    let mut bound = name_a + name_b;
    if (!a.kunyas.is_empty() || !a.nisbas.is_empty())
        && (!b.kunyas.is_empty() || !b.nisbas.is_empty())
    {
        bound += 3.5 + 1.0;
    }
    if !a.fathers.is_empty() || !b.fathers.is_empty() {
        bound += 4.0;
    }
    if !a.places.is_empty() && !b.places.is_empty() {
        bound += PLACE_MOST;
    }
    bound += 1.5; // nationality, or a nisba pointing to it
    if a.gender.is_some() && b.gender.is_some() {
        bound += 0.2;
    }
    if !a.identifiers.is_empty() && !b.identifiers.is_empty() {
        bound += 9.0;
    }
    if !a.residence.is_empty() && !b.residence.is_empty() {
        bound += if levels_apart {
            [
                Residence::Address,
                Residence::Postcode,
                Residence::City,
                Residence::Region,
            ]
            .iter()
            .map(|&kind| residence_limits(kind).0)
            .sum()
        } else {
            residence_limits(Residence::Address).0 + 0.75 * 3.0
        };
    }
    if a.dates.is_empty() || b.dates.is_empty() {
        return bound >= needed;
    }
    if bound + DATE_MOST < needed {
        return false;
    }
    if bound + DATE_LEAST >= needed {
        return true;
    }
    bound + date_evidence(&a.dates, &b.dates, false).map_or(0.0, |e| e.weight) >= needed
}

/// The evidence sum at which the score reaches `threshold` (−∞ for 0).
pub(crate) fn evidence_for(threshold: f64) -> f64 {
    if threshold <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if threshold >= 1.0 {
        return f64::INFINITY;
    }
    OFFSET + SCALE * (threshold / (1.0 - threshold)).ln()
}

/// Compares two prepared persons.
pub(crate) fn compare(
    a: &Prepared,
    b: &Prepared,
    vocabulary: &Vocabulary,
    explain: bool,
) -> Comparison {
    let mut evidence = Vec::with_capacity(8);
    let evidence_sum = compare_into(a, b, vocabulary, explain, &mut evidence);
    Comparison {
        score: score_of(evidence_sum),
        base_log_odds: -OFFSET,
        evidence_sum,
        evidence,
    }
}

/// Whether the first written names of two persons agree whole: every part of the shorter in
/// the other, the own names agreeing (not an alias or a made-up full name: two men whose
/// one-word aliases agree, Idris and Idrees, are not one person for it).
pub(crate) fn written_names_whole(a: &Prepared, b: &Prepared, vocabulary: &Vocabulary) -> bool {
    if a.written_variants == 0 || b.written_variants == 0 {
        return false;
    }
    let m = compare_variant(
        &a.variants[0],
        &b.variants[0],
        (a, b),
        true,
        vocabulary,
        false,
    );
    matches!(
        m.level,
        Level::NameEqual | Level::NameNear | Level::NameExtra
    )
}

/// [`compare`] into a buffer the caller reuses (cleared first; without explanations nothing
/// is allocated for most pairs): returns the evidence sum.
pub(crate) fn compare_into(
    a: &Prepared,
    b: &Prepared,
    vocabulary: &Vocabulary,
    explain: bool,
    evidence: &mut Vec<Evidence>,
) -> f64 {
    evidence.clear();

    // Names: the best agreeing pair of name variants (main names and aliases).
    let mut best: Option<NameMatch> = None;
    for (i, va) in a.variants.iter().enumerate() {
        for (j, vb) in b.variants.iter().enumerate() {
            // A full name made with an alias is not read as a convert's two names: the
            // written name says which own name stands beside the family name.
            let written = i < a.written_variants && j < b.written_variants;
            let m = compare_variant(va, vb, (a, b), written, vocabulary, explain);
            if best.as_ref().is_none_or(|b| m.weight > b.weight) {
                best = Some(m);
            }
        }
    }
    let own_names_differ = best.as_ref().is_some_and(|m| m.level.own_names_differ());
    if let Some(m) = best {
        let mut detail = m.detail;
        if explain && m.weight > NAME_CAP {
            detail.push_str(&format!("; at most {NAME_CAP:+.1} for a name"));
        }
        let weight = m.weight.min(NAME_CAP);
        evidence.push(Evidence {
            feature: "name",
            weight,
            detail,
            factors: Factors::one(m.level, weight),
            prior_weight: 0.0,
        });
    }

    // Kunya and nisba: by-names, weaker than a name; kunyas that differ count a little
    // against (a person may have several, see `KUNYAS_DIFFER`), nisbas that differ not at all.
    let mut kunya: Option<(f64, String)> = None;
    for ka in &a.kunyas {
        for kb in &b.kunyas {
            let s = part_similarity(&ka.part, &kb.part);
            if s >= 0.85 {
                let w = (0.5 * vocabulary.weight(ka.id)).min(3.5) * s;
                if kunya.as_ref().is_none_or(|k| w > k.0) {
                    kunya = Some((
                        w,
                        text!(explain, "Abu/Umm {} ~ {}", ka.part.word, kb.part.word),
                    ));
                }
            }
        }
    }
    let shared_nisba = a.nisbas.iter().find(|n| b.nisbas.contains(n));
    if kunya.is_none() && !a.kunyas.is_empty() && !b.kunyas.is_empty() {
        evidence.push(Evidence {
            feature: "kunya",
            weight: KUNYAS_DIFFER,
            detail: text!(
                explain,
                "Abu/Umm {} ≠ {}",
                a.kunyas[0].part.word,
                b.kunyas[0].part.word
            ),
            factors: Factors::one(Level::KunyaDiffers, KUNYAS_DIFFER),
            prior_weight: 0.0,
        });
    } else if kunya.is_some() || shared_nisba.is_some() {
        let level = match (kunya.is_some(), shared_nisba.is_some()) {
            (true, true) => Level::KunyaNisba,
            (true, false) => Level::Kunya,
            _ => Level::Nisba,
        };
        let (mut w, mut detail) = kunya.unwrap_or((0.0, String::new()));
        if let Some(country) = shared_nisba {
            // With the kunya, the same man's by-name; alone, an origin that many share and
            // that the nationalities already weigh.
            w += if level == Level::KunyaNisba { 1.0 } else { 0.3 };
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            detail.push_str(&text!(explain, "same nisba ({country})"));
        }
        evidence.push(Evidence {
            feature: "kunya",
            weight: w,
            detail,
            factors: Factors::one(level, w),
            prior_weight: 0.0,
        });
    }

    if let Some(e) = father_evidence(a, b, vocabulary, explain) {
        evidence.push(e);
    }
    if let Some(e) = date_evidence(&a.dates, &b.dates, explain) {
        let same_day = e.factors.first() == Some(Level::DateSameDay as u16);
        evidence.push(e);
        // Brothers share all but the own name and are born years apart; one man under two own
        // names (a convert's civil and taken name, a kunya's bearer) keeps his day of birth.
        // So the same full day takes back what differing own names cost.
        if same_day && own_names_differ {
            evidence.push(Evidence {
                feature: "own_name_and_date",
                weight: SAME_DAY_OWN_DIFFERS,
                detail: text!(
                    explain,
                    "own names differ, yet the full date of birth is the same (brothers are not born on one day)"
                ),
                factors: Factors::one(Level::OwnNamesDifferSameDay, SAME_DAY_OWN_DIFFERS),
                prior_weight: 0.0,
            });
        }
    }
    if let Some(e) = place_evidence(a, b, vocabulary, explain) {
        evidence.push(e);
    }
    if let Some(e) = nationality_evidence(a, b, explain) {
        evidence.push(e);
    }
    if let (Some(ga), Some(gb)) = (a.gender, b.gender) {
        evidence.push(if ga == gb {
            Evidence {
                feature: "gender",
                weight: 0.2,
                detail: text!(explain, "same gender"),
                factors: Factors::one(Level::GenderSame, 0.2),
                prior_weight: 0.0,
            }
        } else {
            Evidence {
                feature: "gender",
                weight: -8.0,
                detail: text!(explain, "different genders"),
                factors: Factors::one(Level::GenderDiffers, -8.0),
                prior_weight: 0.0,
            }
        });
    }
    if let Some(e) = identifier_evidence(&a.identifiers, &b.identifiers, explain) {
        evidence.push(e);
    }
    if let Some(e) = residence_evidence(a, b, vocabulary, explain) {
        evidence.push(e);
    }
    for e in evidence.iter_mut() {
        e.prior_weight = e.weight;
    }
    evidence.iter().map(|e| e.weight).sum()
}

/// A comparison re-weighed by `model` (learned weights, if any).
pub(crate) fn reweigh(mut comparison: Comparison, model: &crate::model::Model) -> Comparison {
    if model.learned {
        for e in &mut comparison.evidence {
            e.weight = model.weight_of(&e.factors);
        }
    }
    comparison.evidence_sum = comparison.evidence.iter().map(|e| e.weight).sum();
    comparison.base_log_odds = model.base_log_odds;
    comparison.score = model.score(comparison.evidence_sum);
    comparison
}

fn father_evidence(
    a: &Prepared,
    b: &Prepared,
    vocabulary: &Vocabulary,
    explain: bool,
) -> Option<Evidence> {
    match (a.fathers.first(), b.fathers.first()) {
        (Some(fa), Some(fb)) => {
            let s = part_similarity(&fa.part, &fb.part);
            // Both full names carry the father's name after the own name (a chain): the names'
            // evidence has counted it already.
            let in_both_names = [(a, fa), (b, fb)].iter().all(|(person, father)| {
                person
                    .variants
                    .first()
                    .is_some_and(|name| father_position(name, father).is_some())
            });
            Some(if s >= 0.75 && in_both_names {
                Evidence {
                    feature: "father_name",
                    weight: 0.0,
                    detail: text!(
                        explain,
                        "{} ~ {}, counted in the names",
                        fa.part.word,
                        fb.part.word
                    ),
                    factors: Factors::one(Level::FatherCountedInNames, 0.0),
                    prior_weight: 0.0,
                }
            } else if s >= 0.75 {
                Evidence {
                    feature: "father_name",
                    weight: vocabulary.weight(fa.id).min(4.0) * s,
                    detail: text!(explain, "{} ~ {}", fa.part.word, fb.part.word),
                    factors: Factors::one(
                        Level::FatherAgrees,
                        vocabulary.weight(fa.id).min(4.0) * s,
                    ),
                    prior_weight: 0.0,
                }
            } else if let Some(crossed) =
                other_generation(fa, b, explain).or_else(|| other_generation(fb, a, explain))
            {
                crossed
            } else {
                Evidence {
                    feature: "father_name",
                    weight: -3.0,
                    detail: text!(explain, "{} ≠ {}", fa.part.word, fb.part.word),
                    factors: Factors::one(Level::FatherDiffers, -3.0),
                    prior_weight: 0.0,
                }
            })
        }
        // Arabic lists often write the father's name as the second part of the full name
        // (Mohammed Ahmed Hassan: Mohammed son of Ahmed).
        (Some(f), None) => father_in_name(f, a, b, vocabulary, explain),
        (None, Some(f)) => father_in_name(f, b, a, vocabulary, explain),
        (None, None) => None,
    }
}

/// Whether `father` is the other's father by its chain of names or its grandfather given apart:
/// a clerk who writes the grandfather in the father's column (or the chain one generation off)
/// moves a name between generations. Fathers that differ then prove nothing either way; the
/// names' own evidence decides.
fn other_generation(father: &Part, other: &Prepared, explain: bool) -> Option<Evidence> {
    // Only the father's place in an Arabic chain (the second of three or more parts): a later
    // part may be a family name, which strangers share.
    let in_chain = other.variants.first().is_some_and(|name| {
        name.len() >= 3 && part_similarity(&name[1].part, &father.part) >= 0.85
    });
    let as_grandfather = other
        .grandfathers
        .iter()
        .any(|g| part_similarity(&g.part, &father.part) >= 0.85);
    (in_chain || as_grandfather).then(|| Evidence {
        feature: "father_name",
        weight: 0.0,
        detail: text!(
            explain,
            "{} is the other's {} (a generation shifted by a clerk, or another person)",
            father.part.word,
            if as_grandfather {
                "grandfather"
            } else {
                "father by its name's chain"
            }
        ),
        factors: Factors::one(Level::FatherOtherGeneration, 0.0),
        prior_weight: 0.0,
    })
}

/// Where a full name carries `father` after its own name, as a chain of names does: the
/// position of the first part after the own name that is his name.
fn father_position(name: &[Part], father: &Part) -> Option<usize> {
    name.iter()
        .skip(1)
        .position(|p| part_similarity(&p.part, &father.part) >= 0.85)
        .map(|i| i + 1)
}

/// Whether a full name carries `father` after its own name.
fn carries_father(name: &[Part], father: &Part) -> bool {
    father_position(name, father).is_some()
}

/// A father given apart found in the other's full name, not where a chain puts the father.
const FATHER_ELSEWHERE_IN_NAME: f64 = -1.0;

/// `father` is given apart by `holder`; `other` gives no father apart.
fn father_in_name(
    father: &Part,
    holder: &Prepared,
    other: &Prepared,
    vocabulary: &Vocabulary,
    explain: bool,
) -> Option<Evidence> {
    let name = other.variants.first()?;
    if name.len() < 3 {
        // Too short to carry a father; only a grandfather given apart says anything.
        return other_generation(father, other, explain);
    }
    let position = father_position(name, father);
    Some(if position.is_some() {
        // Second in a chain of names with no family name marked, it stands where the father
        // stands: as good as a father given apart, as far as the other's list writes fathers
        // inside its names. When the holder's own name carries the father too, the names'
        // comparison has counted him already. Elsewhere (third, or in a family name such as
        // Ait Omar or Ben Ahmed) the other's chain names another father second, or its family
        // is named after a forebear: on the held-out lists such pairs were one person less
        // often than pairs with no father to compare (log odds ratio -2.2 at equal other
        // evidence), so it weighs a little against.
        let second = position == Some(1) && !marks_family(name);
        let counted = holder
            .variants
            .first()
            .is_some_and(|own| own.len() >= 2 && carries_father(own, father));
        let (level, weight, place) = if second && counted {
            (
                Level::FatherCountedInNames,
                0.0,
                "the father's part (second), counted in the names,",
            )
        } else if second {
            let half = (0.5 * vocabulary.weight(father.id)).min(2.0);
            let full = vocabulary.weight(father.id).min(4.0);
            (
                Level::FatherAgrees,
                half + (full - half) * other.fathers_in_names.unwrap_or(1.0),
                "the father's part (second)",
            )
        } else {
            (Level::FatherInName, FATHER_ELSEWHERE_IN_NAME, "a part")
        };
        Evidence {
            feature: "father_name",
            weight,
            detail: text!(
                explain,
                "{} is {} of the other's full name",
                father.part.word,
                place
            ),
            factors: Factors::one(level, weight),
            prior_weight: 0.0,
        }
    } else if let Some(crossed) = other_generation(father, other, explain) {
        crossed
    } else {
        // A full name of three or more parts carries the father's name second where its list
        // writes chains; a different one there speaks against, if less than a father's name
        // given apart (it may be a family name instead). Where the list seldom writes the
        // father inside names, his absence says as little.
        let weight = -1.5 * other.fathers_in_names.unwrap_or(1.0);
        Evidence {
            feature: "father_name",
            weight,
            detail: match other.fathers_in_names {
                Some(share) => text!(
                    explain,
                    "{} is not among the other's name parts ({:.0}% of its list's full names \
                     carry the father given apart)",
                    father.part.word,
                    100.0 * share
                ),
                None => text!(
                    explain,
                    "{} is not among the other's name parts",
                    father.part.word
                ),
            },
            factors: Factors::one(Level::FatherNotInName, weight),
            prior_weight: 0.0,
        }
    })
}

fn date_evidence(a: &[BirthDate], b: &[BirthDate], explain: bool) -> Option<Evidence> {
    let mut best: Option<Evidence> = None;
    for da in a {
        for db in b {
            let e = compare_dates(da, db, explain);
            if best.as_ref().is_none_or(|b| e.weight > b.weight) {
                best = Some(e);
            }
        }
    }
    best
}

fn show(date: &BirthDate) -> String {
    match *date {
        BirthDate::Day { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
        BirthDate::Month { year, month } => format!("{year:04}-{month:02}"),
        BirthDate::Year { year } => format!("{year:04}"),
        BirthDate::Range { from, to } => format!("{from}..{to}"),
    }
}

/// The most and the least evidence two dates of birth give ([`compare_dates`]).
const DATE_MOST: f64 = 8.5;
const DATE_LEAST: f64 = -12.0;

/// Weights are log-likelihood ratios, discounted for clustering of birthdays and clerical
/// errors: a random other person shares a given day with odds of about 1 in 15,000, a month
/// 1 in 500, a year 1 in 40. The same full day weighs most (8.5: of one person, a third of
/// the pairs still agree to the day after placeholders and slips): against a long list, a
/// common own name with the same full date is rarer than the name alone can say. A year
/// alone weighs 3.0, about twenty to one: one year in forty, less the true pairs a year off
/// (an age counted back, a placeholder's year). Measured on the held-out lists among pairs of
/// equal other evidence, a year one apart stands about three units below the same year, as
/// −0.8 does; brothers with the same year fall below the threshold by their own names.
fn compare_dates(a: &BirthDate, b: &BirthDate, explain: bool) -> Evidence {
    use BirthDate::*;
    let detail = |what: &str| text!(explain, "{} vs {}: {what}", show(a), show(b));
    let e = |level: Level, weight: f64, what: &str| Evidence {
        feature: "birth_date",
        weight,
        detail: detail(what),
        factors: Factors::one(level, weight),
        prior_weight: 0.0,
    };
    match (*a, *b) {
        (
            Day {
                year: ya,
                month: ma,
                day: da,
            },
            Day {
                year: yb,
                month: mb,
                day: db,
            },
        ) => {
            if (ya, ma, da) == (yb, mb, db) {
                return e(Level::DateSameDay, 8.5, "same day");
            }
            if ya == yb && ma == db && da == mb {
                return e(Level::DateDayMonthSwapped, 3.5, "day and month swapped");
            }
            // A clerk's or a scan's slip: one digit of YYYYMMDD off, or two neighbours swapped
            // (1937 / 1973).
            if let (Some(x), Some(z)) = (date_digits(ya, ma, da), date_digits(yb, mb, db)) {
                match digit_slip(&x, &z) {
                    Some(Slip::Swapped) => {
                        return e(
                            Level::DateDigitsSwapped,
                            3.0,
                            "two neighbouring digits swapped",
                        )
                    }
                    Some(Slip::OneDigit) => return e(Level::DateOneDigit, 3.0, "one digit off"),
                    None => {}
                }
            }
            if ma == mb && da == db && (ya - yb).abs() == 1 {
                // A year misremembered or counted from an age, rarely a stranger: brothers are
                // born on one day of different years one time in 365.
                return e(
                    Level::DateYearOneOffSameDay,
                    3.5,
                    "same day and month, year one off",
                );
            }
            if ya == yb && ma == mb {
                return e(Level::DateSameMonthOtherDay, 1.0, "same month, other day");
            }
            if ya == yb {
                return e(
                    Level::DateSameYearOtherMonthDay,
                    -3.0,
                    "same year, other month and day",
                );
            }
            // Two full dates that differ in every part, and not by a typing slip: one of them
            // would have to be wrong throughout.
            return match (ya - yb).abs() {
                1 => e(
                    Level::DateFullOneApart,
                    -4.0,
                    "full dates differ, years one apart",
                ),
                2 => e(
                    Level::DateFullTwoApart,
                    -6.0,
                    "full dates differ, years two apart",
                ),
                3..=5 => e(
                    Level::DateFullFewApart,
                    -9.0,
                    "full dates differ, years three to five apart",
                ),
                _ => e(
                    Level::DateFullFarApart,
                    -12.0,
                    "full dates differ, years more than five apart",
                ),
            };
        }
        (
            Day {
                year: ya,
                month: ma,
                ..
            }
            | Month {
                year: ya,
                month: ma,
            },
            Day {
                year: yb,
                month: mb,
                ..
            }
            | Month {
                year: yb,
                month: mb,
            },
        ) => {
            if ya == yb && ma == mb {
                return e(Level::DateSameMonth, 3.5, "same month");
            }
            if ya == yb {
                return e(Level::DateSameYearOtherMonth, 0.3, "same year, other month");
            }
        }
        _ => {}
    }
    let (fa, ta) = a.years();
    let (fb, tb) = b.years();
    let gap = if ta < fb {
        fb - ta
    } else if tb < fa {
        fa - tb
    } else {
        0
    };
    let precise = fa == ta && fb == tb;
    // Years that differ by a typing slip (one digit, or two neighbours swapped). A quarter of
    // two strangers' years are one digit apart too, so a slip only softens the evidence
    // against; a slip in the tens (1984 / 1974) softens it less than one in the units.
    let slip = if precise {
        match (year_digits(fa), year_digits(fb)) {
            (Some(x), Some(z)) => {
                let differing = x.iter().zip(&z).filter(|(p, q)| p != q).count();
                let first = x.iter().zip(&z).position(|(p, q)| p != q);
                let swapped = differing == 2
                    && first.is_some_and(|i| i + 1 < 4 && x[i] == z[i + 1] && x[i + 1] == z[i]);
                match (differing, first) {
                    _ if swapped => Some(-2.0),
                    // Any two years of one decade differ in the units alone.
                    (1, Some(3)) => Some(match gap {
                        2 => -2.5,
                        3..=5 => -4.0,
                        _ => -5.0,
                    }),
                    (1, _) => Some(-5.5),
                    _ => None,
                }
            }
            _ => None,
        }
    } else {
        None
    };
    match gap {
        0 if precise => e(Level::DateSameYear, 3.0, "same year"),
        0 => e(Level::DateYearsOverlap, 1.0, "years overlap"),
        1 => e(Level::DateYearsOneApart, -0.8, "years one apart"),
        _ if slip.is_some() => e(
            Level::DateYearsSlip,
            slip.unwrap_or_default(),
            "years differ by a typing slip",
        ),
        2 => e(Level::DateYearsTwoApart, -2.5, "years two apart"),
        3..=5 => e(Level::DateYearsFewApart, -7.0, "years three to five apart"),
        _ => e(Level::DateYearsFarApart, -9.0, "years more than five apart"),
    }
}

/// The four digits of a year from 0 to 9999 (as `{year:04}` writes it).
fn year_digits(year: i32) -> Option<[u8; 4]> {
    if !(0..=9999).contains(&year) {
        return None;
    }
    let y = year as u32;
    Some([
        (y / 1000) as u8,
        (y / 100 % 10) as u8,
        (y / 10 % 10) as u8,
        (y % 10) as u8,
    ])
}

/// The eight digits of YYYYMMDD, without allocating (this runs for most compared pairs).
fn date_digits(year: i32, month: u8, day: u8) -> Option<[u8; 8]> {
    let y = year_digits(year)?;
    if month > 99 || day > 99 {
        return None;
    }
    Some([
        y[0],
        y[1],
        y[2],
        y[3],
        month / 10,
        month % 10,
        day / 10,
        day % 10,
    ])
}

enum Slip {
    OneDigit,
    Swapped,
}

/// One digit of two equally long digit strings off, or two neighbouring digits swapped.
fn digit_slip(x: &[u8], z: &[u8]) -> Option<Slip> {
    let mut differing = [0usize; 3];
    let mut count = 0;
    for i in 0..x.len() {
        if x[i] != z[i] {
            if count == differing.len() {
                return None;
            }
            differing[count] = i;
            count += 1;
        }
    }
    match count {
        1 => Some(Slip::OneDigit),
        2 if differing[1] == differing[0] + 1
            && x[differing[0]] == z[differing[1]]
            && x[differing[1]] == z[differing[0]] =>
        {
            Some(Slip::Swapped)
        }
        _ => None,
    }
}

/// Most and least evidence of one shared place of birth: a town few others were born in says
/// much, a capital many were born in little (not nothing: it still rules out every other place).
const PLACE_MOST: f64 = 2.5;
const PLACE_LEAST: f64 = 1.0;
/// Probability that one person's place of birth is written alike on two lists (m): places are
/// often left out, given as the district or the nearest city, or spelled past recognition.
const PLACE_M: f64 = 0.8;

/// Evidence of a shared place of birth, `ln(m / u)` with `u` the share of the lists' other
/// persons born there (term frequency, as for residence).
fn place_weight(id: u32, vocabulary: &Vocabulary) -> f64 {
    let count = vocabulary
        .place_counts
        .get(id as usize)
        .copied()
        .unwrap_or(0);
    term_frequency_weight(
        count,
        vocabulary.persons,
        PLACE_M,
        (PLACE_LEAST, PLACE_MOST),
    )
}

fn place_evidence(
    a: &Prepared,
    b: &Prepared,
    vocabulary: &Vocabulary,
    explain: bool,
) -> Option<Evidence> {
    if a.places.is_empty() || b.places.is_empty() {
        return None;
    }
    if let Some(i) = a.place_ids.iter().position(|id| b.place_ids.contains(id)) {
        let weight = place_weight(a.place_ids[i], vocabulary);
        return Some(Evidence {
            feature: "birth_place",
            weight,
            detail: text!(explain, "same place ({})", a.places[i]),
            factors: Factors::one(Level::PlaceSame, weight),
            prior_weight: 0.0,
        });
    }
    // Among persons whose names meet, a place of birth given on both lists differs for one
    // pair in six of one person (spellings not recognised, a village or its district) and
    // for seven in eight of two.
    Some(Evidence {
        feature: "birth_place",
        weight: PLACE_DIFFERS,
        detail: text!(explain, "different places (or spellings not recognised)"),
        factors: Factors::one(Level::PlaceDiffers, PLACE_DIFFERS),
        prior_weight: 0.0,
    })
}

/// Evidence when both persons have a kunya and none agrees. A man may take another, so it
/// decides nothing alone; but lists of one period give him the one he went by (on the held-out
/// lists, of 3,682 pairs so named none was one person, of 1,408 whose kunyas agree 501).
const KUNYAS_DIFFER: f64 = -2.0;

/// Evidence of two places of birth that differ, two nationalities that share nothing, and a
/// nisba (al-Hollandi) naming the other's nationality where one list gives none.
const PLACE_DIFFERS: f64 = -1.2;
const NATIONALITY_DISJOINT: f64 = -1.5;
const NATIONALITY_STATES_DIFFER: f64 = -4.0;
/// A nationality kept for life against a European passport: about neutral (see
/// [`NATIONALITIES_KEPT_FOR_LIFE`]).
const NATIONALITY_KEPT_BESIDE_PASSPORT: f64 = -0.3;
/// Nationalities their states do not let go (Morocco's is lost only by decree, which is
/// almost never asked for; Algeria's the same): their emigrants and their children in Europe
/// hold them beside a European passport, which a European list records alone. (On the
/// held-out lists, among pairs of equal other evidence, Moroccan or Algerian against a
/// European state alone weighed −0.3 relative to no nationality; other origins −1.0.)
const NATIONALITIES_KEPT_FOR_LIFE: [&str; 2] = ["MA", "DZ"];
const NATIONALITY_NISBA: f64 = 1.5;
/// The same, where the row with the nisba gives another nationality (its origin).
const NATIONALITY_NISBA_BESIDE_ANOTHER: f64 = 0.8;

fn nationality_evidence(a: &Prepared, b: &Prepared, explain: bool) -> Option<Evidence> {
    let (na, nb) = (&a.nationalities, &b.nationalities);
    let nisba_hint = a
        .nisbas
        .iter()
        .find(|c| nb.iter().any(|n| n == *c))
        .or_else(|| b.nisbas.iter().find(|c| na.iter().any(|n| n == *c)));
    let nisba_evidence = |country: &&str, weight: f64| Evidence {
        feature: "nationality",
        weight,
        detail: text!(explain, "nisba points to {country}"),
        factors: Factors::one(Level::NationalityNisba, weight),
        prior_weight: 0.0,
    };
    if !na.is_empty() && !nb.is_empty() {
        if let Some(shared) = na.iter().find(|n| nb.contains(n)) {
            return Some(Evidence {
                feature: "nationality",
                weight: 1.5,
                detail: text!(explain, "shared nationality {shared}"),
                factors: Factors::one(Level::NationalityShared, 1.5),
                prior_weight: 0.0,
            });
        }
        // One list gives the origin, the other the passport, and a by-name (al-Firansi,
        // al-Tounsi) names the other's: the same man seen from two sides.
        if let Some(country) = nisba_hint {
            return Some(nisba_evidence(country, NATIONALITY_NISBA_BESIDE_ANOTHER));
        }
        // Two European states and nothing else on either side: two passports, seldom one
        // person's (among the held-out lists' pairs whose names meet, none of 12,098 such
        // pairs was one person; an origin against a passport, 441 of 33,899).
        let european = |n: &[String]| n.iter().all(|c| crate::country::is_european_state(c));
        if european(na) && european(nb) {
            return Some(Evidence {
                feature: "nationality",
                weight: NATIONALITY_STATES_DIFFER,
                detail: text!(
                    explain,
                    "{} vs {}: two European states",
                    na.join(";"),
                    nb.join(";")
                ),
                factors: Factors::one(Level::NationalityStatesDiffer, NATIONALITY_STATES_DIFFER),
                prior_weight: 0.0,
            });
        }
        let kept = |n: &[String]| {
            n.iter()
                .all(|c| NATIONALITIES_KEPT_FOR_LIFE.contains(&c.as_str()))
        };
        if (kept(na) && european(nb)) || (european(na) && kept(nb)) {
            return Some(Evidence {
                feature: "nationality",
                weight: NATIONALITY_KEPT_BESIDE_PASSPORT,
                detail: text!(
                    explain,
                    "{} vs {}: a nationality kept for life, beside a European passport",
                    na.join(";"),
                    nb.join(";")
                ),
                factors: Factors::one(
                    Level::NationalityKeptBesidePassport,
                    NATIONALITY_KEPT_BESIDE_PASSPORT,
                ),
                prior_weight: 0.0,
            });
        }
        // Lists record one nationality of several (a Dutch-Moroccan is "Moroccan" on one list
        // and "Dutch" on another), or an origin or a residence: among persons whose names
        // meet, about one pair in seven of one person, and seven in ten of two.
        return Some(Evidence {
            feature: "nationality",
            weight: NATIONALITY_DISJOINT,
            detail: text!(explain, "{} vs {}", na.join(";"), nb.join(";")),
            factors: Factors::one(Level::NationalityDisjoint, NATIONALITY_DISJOINT),
            prior_weight: 0.0,
        });
    }
    nisba_hint.map(|country| nisba_evidence(country, NATIONALITY_NISBA))
}

/// A passport or identity number both records carry: numbers are issued to one person each;
/// what shares one is a child on a parent's passport or a forgery.
const IDENTIFIER_SAME: f64 = 9.0;

fn identifier_evidence(a: &[Identifier], b: &[Identifier], explain: bool) -> Option<Evidence> {
    if let Some(shared) = a.iter().find(|ia| b.contains(ia)) {
        return Some(Evidence {
            feature: "identifier",
            weight: IDENTIFIER_SAME,
            detail: text!(
                explain,
                "same {} number {}",
                kind_name(shared.kind),
                shared.value
            ),
            factors: Factors::one(Level::IdentifierSame, IDENTIFIER_SAME),
            prior_weight: 0.0,
        });
    }
    // One character typed wrong, left out or added, or two neighbours swapped.
    for ia in a {
        for ib in b {
            if ia.kind == ib.kind
                && ia.value.len().min(ib.value.len()) >= 5
                && ia.value != ib.value
                && within_one_edit(&ia.value, &ib.value)
            {
                return Some(Evidence {
                    feature: "identifier",
                    weight: 5.0,
                    detail: text!(
                        explain,
                        "{} numbers one character apart ({} / {})",
                        kind_name(ia.kind),
                        ia.value,
                        ib.value
                    ),
                    factors: Factors::one(Level::IdentifierOneOff, 5.0),
                    prior_weight: 0.0,
                });
            }
        }
    }
    for (kind, weight) in [
        (IdentifierKind::NationalId, -4.0),
        (IdentifierKind::Passport, -2.5),
    ] {
        let has = |list: &[Identifier]| list.iter().any(|i| i.kind == kind);
        if has(a) && has(b) {
            return Some(Evidence {
                feature: "identifier",
                weight,
                detail: text!(explain, "different {} numbers", kind_name(kind)),
                factors: Factors::one(
                    if kind == IdentifierKind::NationalId {
                        Level::IdentifierNationalDiffers
                    } else {
                        Level::IdentifierPassportDiffers
                    },
                    weight,
                ),
                prior_weight: 0.0,
            });
        }
    }
    None
}

/// Most evidence one residence value gives (an address shared by few is strong; a region
/// weak), and the probability that a person's value is the same on two lists (m).
fn residence_limits(kind: Residence) -> (f64, f64) {
    match kind {
        Residence::Address => (8.0, 0.85),
        Residence::Postcode => (6.0, 0.9),
        Residence::City => (5.0, 0.9),
        Residence::Region => (1.5, 0.95),
    }
}

/// Evidence for agreeing on `id`: `ln(m / u)`, with `u` the share of other persons carrying
/// the value (term frequency).
fn residence_weight(kind: Residence, id: u32, vocabulary: &Vocabulary) -> f64 {
    let (cap, m) = residence_limits(kind);
    term_frequency_weight(
        vocabulary.value_counts[id as usize],
        vocabulary.persons,
        m,
        (0.0, cap),
    )
}

/// Whether two strings are at most one edit apart (a character replaced, left out or added, or
/// two neighbours swapped: optimal string alignment distance ≤ 1), without allocating for
/// ASCII text; this runs for many of the compared pairs.
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    fn check<T: PartialEq>(a: &[T], b: &[T]) -> bool {
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        if long.len() - short.len() > 1 {
            return false;
        }
        let i = match short.iter().zip(long).position(|(x, y)| x != y) {
            Some(i) => i,
            None => return true,
        };
        if short.len() == long.len() {
            // Replaced, or swapped with the next.
            short[i + 1..] == long[i + 1..]
                || (i + 1 < short.len()
                    && short[i] == long[i + 1]
                    && short[i + 1] == long[i]
                    && short[i + 2..] == long[i + 2..])
        } else {
            // Added in the longer.
            short[i..] == long[i + 1..]
        }
    }
    if a.is_ascii() && b.is_ascii() {
        check(a.as_bytes(), b.as_bytes())
    } else {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        check(&a, &b)
    }
}

/// Two addresses of several words that mostly agree (a typo, a word left out).
fn addresses_near(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return false;
    }
    let meets = |x: &String| {
        long.iter()
            .any(|y| x == y || (x.len().min(y.len()) >= 4 && within_one_edit(x, y)))
    };
    let met = short.iter().filter(|w| meets(w)).count();
    met * 2 > short.len() && met >= 2.min(short.len())
}

/// A postcode one digit off, or a town one letter off (typed wrong, left out, two swapped).
fn values_near(kind: Residence, a: &str, b: &str) -> bool {
    match kind {
        Residence::Postcode => {
            a.len() == b.len() && a.len() >= 3 && a != b && within_one_edit(a, b)
        }
        Residence::City => a.len().min(b.len()) >= 4 && a != b && within_one_edit(a, b),
        _ => false,
    }
}

fn residence_evidence(
    a: &Prepared,
    b: &Prepared,
    vocabulary: &Vocabulary,
    explain: bool,
) -> Option<Evidence> {
    if a.residence.is_empty() || b.residence.is_empty() {
        return None;
    }
    /// What agreed: the same value, nearly the same address, a value one character off.
    #[derive(Clone, Copy)]
    enum Agrees {
        Same,
        AddressNear,
        OneOff,
    }
    // At most one entry per kind of value: on the stack, since this runs for most pairs.
    let mut weights = [(0.0f64, Agrees::Same, Residence::Address); 4];
    let mut agreeing = 0;
    let mut differing = [Residence::Address; 4];
    let mut different = 0;
    let mut compared = 0;
    let mut factors = Factors::default();
    for kind in [
        Residence::Address,
        Residence::Postcode,
        Residence::City,
        Residence::Region,
    ] {
        // The person's values of this kind: (interned id, index into `residence_values`).
        fn of_kind(p: &Prepared, kind: Residence) -> impl Iterator<Item = (u32, usize)> + '_ {
            p.residence
                .iter()
                .enumerate()
                .filter(move |(_, r)| r.0 == kind)
                .map(|(n, r)| (r.1, n))
        }
        let values = |p| of_kind(p, kind);
        if values(a).next().is_none() || values(b).next().is_none() {
            continue;
        }
        compared += 1;
        let (same, near, differs) = match kind {
            Residence::Address => (
                Level::AddressSame,
                Level::AddressNear,
                Level::AddressDiffers,
            ),
            Residence::Postcode => (
                Level::PostcodeSame,
                Level::PostcodeNear,
                Level::PostcodeDiffers,
            ),
            Residence::City => (Level::TownSame, Level::TownNear, Level::TownDiffers),
            Residence::Region => (
                Level::RegionSame,
                Level::RegionDiffers,
                Level::RegionDiffers,
            ),
        };
        if let Some((shared, _)) = values(a).find(|x| values(b).any(|y| y.0 == x.0)) {
            let w = residence_weight(kind, shared, vocabulary);
            factors.push(same, w);
            weights[agreeing] = (w, Agrees::Same, kind);
            agreeing += 1;
        } else if kind == Residence::Address
            && a.address_words
                .iter()
                .any(|x| b.address_words.iter().any(|y| addresses_near(x, y)))
        {
            factors.push(near, 3.0);
            weights[agreeing] = (3.0, Agrees::AddressNear, kind);
            agreeing += 1;
        } else if values(a).any(|x| {
            values(b).any(|y| values_near(kind, &a.residence_values[x.1], &b.residence_values[y.1]))
        }) {
            factors.push(near, 1.0);
            weights[agreeing] = (1.0, Agrees::OneOff, kind);
            agreeing += 1;
        } else {
            let w = if kind == Residence::Region {
                -0.5
            } else {
                -1.0
            };
            factors.push(differs, w);
            differing[different] = kind;
            different += 1;
        }
    }
    if compared == 0 {
        return None;
    }
    let differing_text = || {
        differing[..different]
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if agreeing == 0 {
        return Some(Evidence {
            feature: "residence",
            weight: -2.0,
            detail: text!(explain, "different {}", differing_text()),
            factors,
            prior_weight: 0.0,
        });
    }
    // Town, postcode and address say much the same thing: the strongest counts in full, each
    // further one a little.
    let weights = &mut weights[..agreeing];
    weights.sort_by(|x, y| y.0.total_cmp(&x.0));
    let weight = weights[0].0 + 0.75 * (agreeing - 1) as f64 - 0.5 * different as f64;
    let mut detail = String::new();
    if explain {
        detail = weights
            .iter()
            .map(|&(_, agrees, kind)| match agrees {
                Agrees::Same => format!("same {}", kind.name()),
                Agrees::AddressNear => "addresses nearly the same".to_string(),
                Agrees::OneOff => format!("{} one character off", kind.name()),
            })
            .collect::<Vec<_>>()
            .join(", ");
        if different > 0 {
            detail.push_str(&format!("; different {}", differing_text()));
        }
    }
    Some(Evidence {
        feature: "residence",
        weight,
        detail,
        factors,
        prior_weight: 0.0,
    })
}

fn kind_name(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Passport => "passport",
        IdentifierKind::NationalId => "national ID",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typing slips as they were first written (digits as text): the digit arithmetic must
    /// find the same.
    fn slip_as_text(a: &BirthDate, b: &BirthDate) -> Option<Level> {
        if let (
            BirthDate::Day {
                year: ya,
                month: ma,
                day: da,
            },
            BirthDate::Day {
                year: yb,
                month: mb,
                day: db,
            },
        ) = (*a, *b)
        {
            let digits = |y: i32, m: u8, d: u8| format!("{y:04}{m:02}{d:02}").into_bytes();
            let (x, z) = (digits(ya, ma, da), digits(yb, mb, db));
            let differing: Vec<usize> = (0..x.len()).filter(|&i| x[i] != z[i]).collect();
            if (ya, ma, da) == (yb, mb, db) || (ya == yb && ma == db && da == mb) {
                return None;
            }
            if differing.len() == 2
                && differing[1] == differing[0] + 1
                && x[differing[0]] == z[differing[1]]
                && x[differing[1]] == z[differing[0]]
            {
                return Some(Level::DateDigitsSwapped);
            }
            return (differing.len() == 1).then_some(Level::DateOneDigit);
        }
        let ((fa, ta), (fb, tb)) = (a.years(), b.years());
        if fa != ta || fb != tb || (fa - fb).abs() <= 1 {
            return None;
        }
        let (x, z) = (
            format!("{fa:04}").into_bytes(),
            format!("{fb:04}").into_bytes(),
        );
        let differing: Vec<usize> = (0..4).filter(|&i| x[i] != z[i]).collect();
        (differing.len() == 1
            || (differing.len() == 2
                && differing[1] == differing[0] + 1
                && x[differing[0]] == z[differing[1]]
                && x[differing[1]] == z[differing[0]]))
            .then_some(Level::DateYearsSlip)
    }

    #[test]
    fn date_evidence_stays_within_its_bounds_and_finds_the_slips_it_found() {
        let mut dates = Vec::new();
        for year in [1937, 1973, 1938, 1947, 1900, 1990, 1999, 2009] {
            dates.push(BirthDate::Year { year });
            dates.push(BirthDate::Range {
                from: year,
                to: year + 4,
            });
            for month in [1, 2, 6, 10, 12] {
                dates.push(BirthDate::Month { year, month });
                for day in [1, 2, 6, 10, 12, 21, 30] {
                    dates.push(BirthDate::Day { year, month, day });
                }
            }
        }
        let slips = [
            Level::DateDigitsSwapped,
            Level::DateOneDigit,
            Level::DateYearsSlip,
        ];
        for a in &dates {
            for b in &dates {
                let e = compare_dates(a, b, false);
                assert!(
                    (DATE_LEAST..=DATE_MOST).contains(&e.weight),
                    "{a:?} {b:?}: {e:?}"
                );
                let level = e.factors.iter().next().unwrap().0;
                let found = slips.iter().find(|l| **l as u16 == level).copied();
                let expected = slip_as_text(a, b);
                // A slip is looked for only when nothing stronger agrees.
                if expected.is_some() || found.is_some() {
                    assert_eq!(found, expected, "{a:?} {b:?}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn within_one_edit_is_osa_distance_at_most_one() {
        let mut rng = crate::model::tests::Rng::new(11);
        let alphabet: Vec<char> = "abcé1".chars().collect();
        for _ in 0..20_000 {
            let mut word = |n: f64| -> String {
                let len = (rng.next() * n) as usize;
                (0..len)
                    .map(|_| alphabet[(rng.next() * alphabet.len() as f64) as usize])
                    .collect()
            };
            let (a, b) = (word(6.0), word(6.0));
            assert_eq!(
                within_one_edit(&a, &b),
                strsim::osa_distance(&a, &b) <= 1,
                "{a:?} {b:?}"
            );
        }
        for (a, b, near) in [
            ("75001", "75010", true),
            ("75001", "75002", true),
            ("75001", "7501", true),
            ("75001", "57010", false),
            ("paris", "pairs", true),
            ("paris", "piras", false),
            ("", "a", true),
        ] {
            assert_eq!(within_one_edit(a, b), near, "{a} {b}");
        }
    }
}
