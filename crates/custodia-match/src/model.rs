//! Weights learned from the lists being matched (Fellegi–Sunter).
//!
//! Every comparison of two persons falls, feature by feature, into a *level* (birth dates: the
//! same day, one digit off, years two apart…; names: every part equal, one part missing…). A
//! level's weight is `ln(m / u)`: `m` the share of pairs of one person at that level, `u` the
//! share of pairs of two persons. The hand-set weights of [`crate::score`] are the starting
//! values; expectation–maximisation over the pairs that blocking put together re-estimates `m`,
//! `u` and the share of those pairs that are one person (λ), so that a list with other errors,
//! other fields or another base rate recalibrates itself. Term frequencies stay: within a level,
//! a pair's weight moves by how much rarer (or commoner) its agreeing values are than the level's
//! average (Splink's term-frequency adjustment).
//!
//! Too few pairs, or too few of them likely matches, and the hand-set weights are kept: EM on a
//! small list learns its noise.

use serde::Serialize;

macro_rules! levels {
    ($($id:ident = $feature:literal $level:literal,)*) => {
        /// A comparison level: a feature and one outcome of comparing it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum Level { $($id,)* }
        /// (feature, level) of each [`Level`], in order.
        pub const LEVELS: &[(&str, &str)] = &[$(($feature, $level),)*];
    };
}

levels! {
    NameEqual = "name" "every_part_equal",
    NameNear = "name" "every_part_near",
    NameExtra = "name" "shorter_name_within_longer",
    NameOneMissing = "name" "one_part_missing",
    NameSeveralMissing = "name" "several_parts_missing",
    NameExtraOwnDiffers = "name" "shorter_within_longer_own_differs",
    NameOneMissingOwnDiffers = "name" "one_part_missing_own_differs",
    NameSeveralMissingOwnDiffers = "name" "several_parts_missing_own_differs",
    NameNone = "name" "no_part_agrees",
    Kunya = "kunya" "kunya",
    Nisba = "kunya" "nisba",
    KunyaNisba = "kunya" "kunya_and_nisba",
    KunyaDiffers = "kunya" "differs",
    FatherAgrees = "father_name" "agrees",
    FatherCountedInNames = "father_name" "counted_in_names",
    FatherDiffers = "father_name" "differs",
    FatherInName = "father_name" "in_full_name",
    FatherNotInName = "father_name" "not_in_full_name",
    FatherOtherGeneration = "father_name" "other_generation",
    DateSameDay = "birth_date" "same_day",
    DateDayMonthSwapped = "birth_date" "day_month_swapped",
    DateDigitsSwapped = "birth_date" "digits_swapped",
    DateOneDigit = "birth_date" "one_digit_off",
    DateYearOneOffSameDay = "birth_date" "year_one_off_same_day",
    DateSameMonthOtherDay = "birth_date" "same_month_other_day",
    DateSameYearOtherMonthDay = "birth_date" "same_year_other_month_day",
    DateFullOneApart = "birth_date" "full_dates_years_1_apart",
    DateFullTwoApart = "birth_date" "full_dates_years_2_apart",
    DateFullFewApart = "birth_date" "full_dates_years_3_5_apart",
    DateFullFarApart = "birth_date" "full_dates_years_6_plus_apart",
    DateSameMonth = "birth_date" "same_month",
    DateSameYearOtherMonth = "birth_date" "same_year_other_month",
    DateSameYear = "birth_date" "same_year",
    DateYearsOverlap = "birth_date" "years_overlap",
    DateYearsOneApart = "birth_date" "years_1_apart",
    DateYearsSlip = "birth_date" "years_typing_slip",
    DateYearsTwoApart = "birth_date" "years_2_apart",
    DateYearsFewApart = "birth_date" "years_3_5_apart",
    DateYearsFarApart = "birth_date" "years_6_plus_apart",
    OwnNamesDifferSameDay = "own_name_and_date" "own_names_differ_same_day",
    PlaceSame = "birth_place" "same",
    PlaceDiffers = "birth_place" "differs",
    NationalityShared = "nationality" "shared",
    NationalityDisjoint = "nationality" "disjoint",
    NationalityNisba = "nationality" "nisba_points_to_it",
    NationalityStatesDiffer = "nationality" "european_states_differ",
    NationalityKeptBesidePassport = "nationality" "kept_for_life_beside_european",
    GenderSame = "gender" "same",
    GenderDiffers = "gender" "differs",
    IdentifierSame = "identifier" "same",
    IdentifierOneOff = "identifier" "one_character_off",
    IdentifierNationalDiffers = "identifier" "national_id_differs",
    IdentifierPassportDiffers = "identifier" "passport_differs",
    AddressSame = "address" "same",
    AddressNear = "address" "nearly_same",
    AddressDiffers = "address" "differs",
    PostcodeSame = "postcode" "same",
    PostcodeNear = "postcode" "one_digit_off",
    PostcodeDiffers = "postcode" "differs",
    TownSame = "town" "same",
    TownNear = "town" "one_letter_off",
    TownDiffers = "town" "differs",
    RegionSame = "region" "same",
    RegionDiffers = "region" "differs",
}

impl Level {
    /// Whether a name level is one of those where the own (given) names differ.
    pub(crate) fn own_names_differ(self) -> bool {
        matches!(
            self,
            Level::NameExtraOwnDiffers
                | Level::NameOneMissingOwnDiffers
                | Level::NameSeveralMissingOwnDiffers
        )
    }
}

/// The levels one piece of evidence stands for, with their hand-set weights (a residence is
/// compared part by part; every other feature is one level).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Factors {
    len: u8,
    items: [(u16, f32); 4],
}

impl Factors {
    /// The first level, if any (the level of a one-level evidence).
    pub(crate) fn first(&self) -> Option<u16> {
        (self.len > 0).then(|| self.items[0].0)
    }
    pub(crate) fn one(level: Level, prior: f64) -> Factors {
        let mut f = Factors::default();
        f.push(level, prior);
        f
    }
    pub(crate) fn push(&mut self, level: Level, prior: f64) {
        if (self.len as usize) < self.items.len() {
            self.items[self.len as usize] = (level as u16, prior as f32);
            self.len += 1;
        }
    }
    /// (level index into [`LEVELS`], hand-set weight).
    pub fn iter(&self) -> impl Iterator<Item = (u16, f64)> + '_ {
        self.items[..self.len as usize]
            .iter()
            .map(|&(l, w)| (l, f64::from(w)))
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The levels' names (`same_day`, `postcode/one_digit_off` for a part of a residence).
    pub fn names(&self) -> Vec<String> {
        self.iter()
            .map(|(l, _)| {
                let (feature, level) = LEVELS[l as usize];
                if matches!(feature, "address" | "postcode" | "town" | "region") {
                    format!("{feature}/{level}")
                } else {
                    level.to_string()
                }
            })
            .collect()
    }
}

/// Fewer compared pairs than this, and the hand-set weights are kept.
pub const MIN_PAIRS: usize = 200;
/// Fewer likely pairs of one person (the sum of their probabilities) than this, and the
/// hand-set weights are kept.
pub const MIN_MATCHES: f64 = 20.0;
/// Pseudo-counts pulling each level's `m` and `u` towards the hand-set weights (a level seen
/// in a handful of pairs keeps about its prior weight).
const PRIOR_STRENGTH: f64 = 10.0;
const MAX_ITERATIONS: usize = 25;
/// The most pairs per record a learned model may propose (on average, among the records it
/// pairs) before it is taken to have drifted: between two lists (each person about once in
/// each), and within one (a person may have several duplicates).
const MAX_PAIRS_PER_RECORD: f64 = 1.25;
const MAX_PAIRS_PER_RECORD_ONE_LIST: f64 = 2.0;
/// A learned weight is kept within this of zero.
const MAX_WEIGHT: f64 = 20.0;

/// The weights a run scores with.
#[derive(Clone, Debug, Serialize)]
pub struct Model {
    /// Whether the weights were learned from the lists (otherwise the hand-set ones).
    pub learned: bool,
    /// Why the hand-set weights were kept, if they were.
    pub reason: Option<String>,
    /// EM iterations run.
    pub iterations: usize,
    /// Pairs the model was estimated on (a sample of the scored pairs when there are many).
    pub pairs: u64,
    /// Scored pairs those stand for (the sample's thinning undone).
    pub pairs_represented: u64,
    /// Log-odds that a compared pair is one person before its evidence (`ln λ/(1−λ)`).
    pub base_log_odds: f64,
    /// `ln(m/u)` of each level ([`LEVELS`] order; the hand-set level average when not learned).
    #[serde(skip)]
    pub level_weights: Vec<f64>,
    /// The average hand-set weight of each level over pairs of two persons (term-frequency
    /// adjusted levels move around it).
    #[serde(skip)]
    pub centers: Vec<f64>,
    /// Per level: (feature, level, m, u, weight), for the output.
    pub levels: Vec<LevelWeight>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LevelWeight {
    pub feature: &'static str,
    pub level: &'static str,
    pub m: f64,
    pub u: f64,
    pub weight: f64,
    pub prior_weight: f64,
}

impl Model {
    /// The hand-set weights (score = logistic(sum − offset)).
    pub fn prior(reason: &str) -> Model {
        Model {
            learned: false,
            reason: Some(reason.to_string()),
            iterations: 0,
            pairs: 0,
            pairs_represented: 0,
            base_log_odds: -crate::score::OFFSET,
            level_weights: Vec::new(),
            centers: Vec::new(),
            levels: Vec::new(),
        }
    }

    /// The weight of a level for a pair whose hand-set weight there is `prior`.
    #[inline]
    pub fn weight(&self, level: u16, prior: f64) -> f64 {
        if !self.learned {
            return prior;
        }
        let l = level as usize;
        (self.level_weights[l] + (prior - self.centers[l])).clamp(-MAX_WEIGHT, MAX_WEIGHT)
    }

    /// How far a level's learned weight moves a pair from its hand-set one (before the
    /// weights' bounds).
    #[inline]
    pub fn shift(&self, level: u8) -> f64 {
        if !self.learned {
            return 0.0;
        }
        let l = level as usize;
        self.level_weights[l] - self.centers[l]
    }

    /// The most the learned weights raise a pair above its hand-set evidence: per feature,
    /// the largest rise of one of its levels.
    pub fn most_raised(&self) -> f64 {
        if !self.learned {
            return 0.0;
        }
        let mut rise: Vec<(&str, f64)> = Vec::new();
        for (l, (feature, _)) in LEVELS.iter().enumerate() {
            let up = self.shift(l as u8).max(0.0);
            match rise.iter_mut().find(|(f, _)| f == feature) {
                Some((_, r)) => *r = r.max(up),
                None => rise.push((feature, up)),
            }
        }
        rise.iter().map(|(_, r)| r).sum()
    }

    pub fn weight_of(&self, factors: &Factors) -> f64 {
        factors.iter().map(|(l, w)| self.weight(l, w)).sum()
    }

    /// The score of a pair with this summed evidence.
    pub fn score(&self, evidence: f64) -> f64 {
        1.0 / (1.0 + (-(evidence + self.base_log_odds)).exp())
    }

    /// The summed evidence a pair needs to reach `threshold`.
    pub fn evidence_for(&self, threshold: f64) -> f64 {
        if threshold <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if threshold >= 1.0 {
            return f64::INFINITY;
        }
        (threshold / (1.0 - threshold)).ln() - self.base_log_odds
    }
}

// Level indices are stored as bytes.
const _: () = assert!(LEVELS.len() <= 256);

/// The pairs EM learns from: each pair's factors (level, hand-set weight), flat, with how
/// many scored pairs it stands for (a sample of the clear non-matches is thinned, its pairs
/// weighted by the thinning).
#[derive(Default)]
pub struct Training {
    /// Each pair's summed hand-set evidence (EM's starting point).
    pub initial: Vec<f32>,
    pub starts: Vec<u32>,
    pub levels: Vec<u8>,
    pub priors: Vec<f32>,
    /// How many scored pairs each pair stands for.
    pub weights: Vec<f32>,
    /// The records of each pair (left row, other row).
    pub pairs: Vec<(u32, u32)>,
}

/// Deterministic hash of a pair of rows, for thinning (SplitMix64).
pub fn pair_hash(pair: (u32, u32)) -> u64 {
    let mut z = (u64::from(pair.0) << 32 | u64::from(pair.1)).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Training {
    pub fn push(&mut self, initial: f64, factors: impl Iterator<Item = (u16, f64)>) {
        let n = self.len() as u32;
        self.push_pair((n, n), 1.0, initial, factors);
    }
    /// A pair of rows standing for `weight` scored pairs.
    pub fn push_pair(
        &mut self,
        pair: (u32, u32),
        weight: f64,
        initial: f64,
        factors: impl Iterator<Item = (u16, f64)>,
    ) {
        self.initial.push(initial as f32);
        self.starts.push(self.levels.len() as u32);
        self.weights.push(weight as f32);
        self.pairs.push(pair);
        for (l, w) in factors {
            self.levels.push(l as u8);
            self.priors.push(w as f32);
        }
    }
    pub fn len(&self) -> usize {
        self.starts.len()
    }
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.levels.len(), |&e| e as usize);
        self.starts[i] as usize..end
    }
    /// The scored pairs the sample stands for.
    pub fn represented(&self) -> f64 {
        self.weights.iter().map(|&w| f64::from(w)).sum()
    }
    pub fn append(&mut self, other: Training) {
        let base = self.levels.len() as u32;
        self.starts.extend(other.starts.iter().map(|s| s + base));
        self.initial.extend(other.initial);
        self.levels.extend(other.levels);
        self.priors.extend(other.priors);
        self.weights.extend(other.weights);
        self.pairs.extend(other.pairs);
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Estimates the weights by EM over `data`, starting from the hand-set ones. `sides`: the
/// records of each pair (left row, right row), and whether both are of one list.
pub fn estimate(data: &Training, sides: Option<(&[(u32, u32)], bool)>) -> Model {
    use rayon::prelude::*;
    let n = data.len();
    let weight = |i: usize| f64::from(data.weights[i]);
    let total = data.represented();
    if n < MIN_PAIRS {
        return Model::prior(&format!(
            "{n} compared pairs, fewer than {MIN_PAIRS}: hand-set weights"
        ));
    }
    let levels = LEVELS.len();
    // Features of the levels, numbered.
    let mut feature_names: Vec<&str> = Vec::new();
    let feature_of: Vec<usize> = LEVELS
        .iter()
        .map(|(f, _)| match feature_names.iter().position(|x| x == f) {
            Some(i) => i,
            None => {
                feature_names.push(f);
                feature_names.len() - 1
            }
        })
        .collect();
    let features = feature_names.len();
    let mut feature_size = vec![0u32; features];
    for &f in &feature_of {
        feature_size[f] += 1;
    }

    // Start: the hand-set model.
    let mut p: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| logistic(f64::from(data.initial[i]) - crate::score::OFFSET))
        .collect();
    let prior_matches: f64 = p.iter().enumerate().map(|(i, x)| x * weight(i)).sum();
    if prior_matches < MIN_MATCHES {
        return Model::prior(&format!(
            "about {prior_matches:.0} likely pairs among {n} compared, fewer than {MIN_MATCHES}: hand-set weights"
        ));
    }

    // Sufficient statistics under the current probabilities: per level, the weighted counts
    // among matches and non-matches, and the non-matches' summed hand-set weight. With a
    // model, each pair's probability is first brought up to date under it (one pass over the
    // pairs for both).
    let stats = |p: &mut [f64], update: Option<&Model>| -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        p.par_iter_mut()
            .enumerate()
            .fold(
                || (vec![0.0; levels], vec![0.0; levels], vec![0.0; levels]),
                |(mut m, mut u, mut c), (i, p)| {
                    if let Some(model) = update {
                        let sum: f64 = data
                            .range(i)
                            .map(|k| {
                                model.weight(u16::from(data.levels[k]), f64::from(data.priors[k]))
                            })
                            .sum();
                        *p = logistic(sum + model.base_log_odds);
                    }
                    let (pm, pu) = (*p * weight(i), (1.0 - *p) * weight(i));
                    for k in data.range(i) {
                        let l = data.levels[k] as usize;
                        m[l] += pm;
                        u[l] += pu;
                        c[l] += pu * f64::from(data.priors[k]);
                    }
                    (m, u, c)
                },
            )
            .reduce(
                || (vec![0.0; levels], vec![0.0; levels], vec![0.0; levels]),
                |mut a, b| {
                    for l in 0..levels {
                        a.0[l] += b.0[l];
                        a.1[l] += b.1[l];
                        a.2[l] += b.2[l];
                    }
                    a
                },
            )
    };
    let (m0, u0, c0) = stats(&mut p, None);
    // The hand-set weight of each level (its average over non-matches) and the level's share
    // under each class as the hand-set model sees it: the pseudo-counts' targets.
    let mut centers = vec![0.0; levels];
    let mut prior_weight = vec![0.0; levels];
    for l in 0..levels {
        centers[l] = if u0[l] > 1e-9 { c0[l] / u0[l] } else { 0.0 };
        prior_weight[l] = centers[l];
    }
    // Prior m shares: u shares tilted by the hand-set weights, per feature.
    let mut u_total = vec![0.0; features];
    for l in 0..levels {
        u_total[feature_of[l]] += u0[l] + 1e-3;
    }
    let mut m_prior = vec![0.0; levels];
    let mut m_prior_total = vec![0.0; features];
    for l in 0..levels {
        let u = (u0[l] + 1e-3) / u_total[feature_of[l]];
        m_prior[l] = u * prior_weight[l].clamp(-MAX_WEIGHT, MAX_WEIGHT).exp();
        m_prior_total[feature_of[l]] += m_prior[l];
    }
    for l in 0..levels {
        m_prior[l] /= m_prior_total[feature_of[l]].max(1e-300);
    }
    let u_prior: Vec<f64> = (0..levels)
        .map(|l| (u0[l] + 1e-3) / u_total[feature_of[l]])
        .collect();

    let mut model = Model {
        learned: true,
        reason: None,
        iterations: 0,
        pairs: n as u64,
        pairs_represented: total.round() as u64,
        base_log_odds: 0.0,
        level_weights: vec![0.0; levels],
        centers,
        levels: Vec::new(),
    };
    let mut ms = vec![0.0; levels];
    let mut us = vec![0.0; levels];
    // The statistics under the current probabilities.
    let (mut m, mut u) = (m0, u0.clone());
    for iteration in 1..=MAX_ITERATIONS {
        let mut m_total = vec![0.0; features];
        let mut u_total = vec![0.0; features];
        for l in 0..levels {
            m_total[feature_of[l]] += m[l];
            u_total[feature_of[l]] += u[l];
        }
        let mut change: f64 = 0.0;
        for l in 0..levels {
            let f = feature_of[l];
            // Half a pair more for every level, so that a level seen among one class only
            // does not get an unbounded weight.
            let size = f64::from(feature_size[f]);
            ms[l] = (m[l] + PRIOR_STRENGTH * m_prior[l] + 0.5)
                / (m_total[f] + PRIOR_STRENGTH + 0.5 * size);
            us[l] = (u[l] + PRIOR_STRENGTH * u_prior[l] + 0.5)
                / (u_total[f] + PRIOR_STRENGTH + 0.5 * size);
            let w = if ms[l] > 0.0 && us[l] > 0.0 {
                (ms[l] / us[l]).ln().clamp(-MAX_WEIGHT, MAX_WEIGHT)
            } else {
                prior_weight[l]
            };
            change = change.max((w - model.level_weights[l]).abs());
            model.level_weights[l] = w;
        }
        let matches: f64 = p.iter().enumerate().map(|(i, x)| x * weight(i)).sum();
        let lambda = (matches / total).clamp(1e-9, 1.0 - 1e-9);
        let base = (lambda / (1.0 - lambda)).ln();
        change = change.max((base - model.base_log_odds).abs());
        model.base_log_odds = base;
        model.iterations = iteration;
        (m, u, _) = stats(&mut p, Some(&model));
        if change < 1e-3 {
            break;
        }
    }
    let matches: f64 = p.iter().enumerate().map(|(i, x)| x * weight(i)).sum();
    if matches < MIN_MATCHES {
        return Model::prior(&format!(
            "EM found about {matches:.0} likely pairs among {n}, fewer than {MIN_MATCHES}: hand-set weights"
        ));
    }
    // EM finds the two classes that explain the pairs best; on lists whose features are
    // entangled (namesakes sharing nationality, father and given name) these need not be
    // "one person" and "two", and the learned "one person" class gathers many pairs per
    // record. A person has few records: a model that proposes more than a few pairs per
    // record involved has drifted, and is not used.
    model.levels = (0..levels)
        .map(|l| LevelWeight {
            feature: LEVELS[l].0,
            level: LEVELS[l].1,
            m: ms[l],
            u: us[l],
            weight: model.level_weights[l],
            prior_weight: prior_weight[l],
        })
        .collect();
    if let Some((pairs, same_list)) = sides {
        let proposed: Vec<(u32, u32)> = p
            .iter()
            .zip(pairs)
            .filter(|(&x, _)| x >= 0.5)
            .map(|(_, &pair)| pair)
            .collect();
        if let Some(reason) = drifted(&proposed, same_list) {
            return Model::prior(&reason);
        }
    }
    model
}

/// Why a model that proposes these pairs (at one half or more) has drifted, if it has: more
/// pairs per record than a person has records.
pub fn drifted(proposed: &[(u32, u32)], same_list: bool) -> Option<String> {
    let distinct = |side: &mut dyn Iterator<Item = u32>| -> usize {
        let mut v: Vec<u32> = side.collect();
        v.sort_unstable();
        v.dedup();
        v.len().max(1)
    };
    let per_record = if same_list {
        let records = distinct(&mut proposed.iter().flat_map(|&(a, b)| [a, b]));
        proposed.len() as f64 / records as f64
    } else {
        let left = distinct(&mut proposed.iter().map(|&(a, _)| a));
        let right = distinct(&mut proposed.iter().map(|&(_, b)| b));
        proposed.len() as f64 / left.min(right) as f64
    };
    let most = if same_list {
        MAX_PAIRS_PER_RECORD_ONE_LIST
    } else {
        MAX_PAIRS_PER_RECORD
    };
    (per_record > most).then(|| {
        format!(
            "EM drifted ({} pairs at one half, {per_record:.1} per record): hand-set weights",
            proposed.len()
        )
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    pub(crate) struct Rng(u64);
    impl Rng {
        pub(crate) fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        pub(crate) fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn pick(&mut self, shares: &[(Level, f64)]) -> Level {
            let mut x = self.next();
            for &(level, share) in shares {
                if x < share {
                    return level;
                }
                x -= share;
            }
            shares[shares.len() - 1].0
        }
    }

    fn level_weight(model: &Model, level: Level) -> &LevelWeight {
        &model.levels[level as usize]
    }

    #[test]
    fn em_recovers_known_m_and_u() {
        let model = estimate(&known_pairs(), None);
        check_known(&model);
    }

    /// 20,000 pairs, one in ten of one person, at known `m` and `u`.
    fn known_pairs() -> Training {
        use Level::*;
        // Three features; one pair in ten is one person.
        let names_m = [(NameEqual, 0.8), (NameOneMissing, 0.2)];
        let names_u = [(NameEqual, 0.02), (NameOneMissing, 0.28), (NameNone, 0.7)];
        let dates_m = [(DateSameDay, 0.9), (DateOneDigit, 0.1)];
        let dates_u = [
            (DateSameDay, 0.01),
            (DateOneDigit, 0.02),
            (DateFullFarApart, 0.97),
        ];
        let post_m = [(PostcodeSame, 0.85), (PostcodeDiffers, 0.15)];
        let post_u = [(PostcodeSame, 0.05), (PostcodeDiffers, 0.95)];
        // Hand-set weights that are off, each in its own way.
        let prior = |l: Level| match l {
            NameEqual => 8.0,
            NameOneMissing => 2.0,
            NameNone => -6.0,
            DateSameDay => 6.5,
            DateOneDigit => 3.0,
            DateFullFarApart => -12.0,
            PostcodeSame => 4.0,
            _ => -1.0,
        };
        let mut rng = Rng::new(7);
        let mut data = Training::default();
        for _ in 0..20_000 {
            let one = rng.next() < 0.1;
            let levels = if one {
                [rng.pick(&names_m), rng.pick(&dates_m), rng.pick(&post_m)]
            } else {
                [rng.pick(&names_u), rng.pick(&dates_u), rng.pick(&post_u)]
            };
            let initial = levels.iter().map(|&l| prior(l)).sum();
            data.push(initial, levels.iter().map(|&l| (l as u16, prior(l))));
        }
        data
    }

    fn check_known(model: &Model) {
        use Level::*;
        let names_m = [(NameEqual, 0.8), (NameOneMissing, 0.2)];
        let names_u = [(NameEqual, 0.02), (NameOneMissing, 0.28), (NameNone, 0.7)];
        let dates_m = [(DateSameDay, 0.9), (DateOneDigit, 0.1)];
        let dates_u = [
            (DateSameDay, 0.01),
            (DateOneDigit, 0.02),
            (DateFullFarApart, 0.97),
        ];
        let post_m = [(PostcodeSame, 0.85), (PostcodeDiffers, 0.15)];
        let post_u = [(PostcodeSame, 0.05), (PostcodeDiffers, 0.95)];
        assert!(model.learned, "{:?}", model.reason);
        let lambda = 1.0 / (1.0 + (-model.base_log_odds).exp());
        assert!((lambda - 0.1).abs() < 0.01, "λ {lambda}");
        for (shares, m) in [
            (&names_m[..], true),
            (&names_u[..], false),
            (&dates_m[..], true),
            (&dates_u[..], false),
            (&post_m[..], true),
            (&post_u[..], false),
        ] {
            for &(level, share) in shares {
                let w = level_weight(model, level);
                let got = if m { w.m } else { w.u };
                assert!(
                    (got - share).abs() < 0.03,
                    "{level:?} {}: {got} vs {share}",
                    if m { "m" } else { "u" }
                );
            }
        }
        // The weight is ln(m/u), and the hand-set one is kept beside it.
        let w = level_weight(model, PostcodeSame);
        assert!((w.weight - (w.m / w.u).ln()).abs() < 1e-9);
        assert!((w.weight - (0.85f64 / 0.05).ln()).abs() < 0.3, "{w:?}");
        assert_eq!(w.prior_weight, 4.0);
    }

    #[test]
    fn a_model_pairing_each_record_many_times_has_drifted() {
        let data = known_pairs();
        // Each pair of one person is one of two records in a list of 2,000 rows each.
        let one_each: Vec<(u32, u32)> = (0..data.len() as u32).map(|k| (k, k)).collect();
        check_known(&estimate(&data, Some((&one_each, false))));
        // The same pairs among 100 left records: twenty "pairs of one person" each.
        let crowded: Vec<(u32, u32)> = (0..data.len() as u32).map(|k| (k % 100, k)).collect();
        let model = estimate(&data, Some((&crowded, false)));
        assert!(!model.learned);
        assert!(
            model.reason.as_deref().unwrap().contains("drifted"),
            "{model:?}"
        );
    }

    #[test]
    fn few_pairs_keep_the_hand_set_weights() {
        let mut data = Training::default();
        for _ in 0..50 {
            data.push(9.0, [(Level::NameEqual as u16, 9.0)].into_iter());
        }
        let model = estimate(&data, None);
        assert!(!model.learned);
        assert!(model.reason.as_deref().unwrap().contains("fewer than"));
        assert_eq!(model.weight(Level::NameEqual as u16, 9.0), 9.0);
        assert_eq!(model.score(crate::score::OFFSET), 0.5);
    }
}
