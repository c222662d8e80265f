//! The query language: tantivy's grammar (Lucene-like), read into queries over our analysed
//! fields.
//!
//! - `word`: the normalised word, or any of its stems (English, Dutch, French or Arabic light),
//!   or (weighted lower) its cross-script key: `Sinjar` finds سنجار.
//! - `"a phrase"`, `"a phrase"~2`: the words in order (normalised), or their keys in order.
//!   Exact phrases are looked up as their pairs of adjacent words (and keys), indexed beside the
//!   words, so that a phrase of common words reads the positions of few documents; a phrase's
//!   keys joined also find the name written as one word in the other script (`"Tal Afar"`,
//!   تلعفر), and the index holds adjacent words' keys joined for the reverse.
//! - `AND`, `OR`, `NOT`, `+`, `-`, parentheses; words side by side must all match (two or
//!   three words side by side also find their keys joined: `Tal Afar` finds تلعفر).
//! - `term*`: words starting with the term (normalised), or keys starting with its key.
//! - `term~N`: words within N edits (N ≤ 2) of the term.
//! - `originator:X`, `type:X`, `language:X`, `case:X`, `collection:X`, `kind:X`, `item:SHA256`.
//! - `date:[2014-01-01 TO 2015-12-31]`, `date:>=2014-08-03`: the document's own date.

use std::collections::BTreeSet;
use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputBound, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use crate::analysis::{self, normalise};
use crate::union::UnionQuery;
use crate::{Fields, Result, SearchError};

/// Weight of a cross-script key match relative to a match of the word itself.
const KEY_BOOST: f32 = 0.4;
/// Weight of a stem match relative to a match of the normalised word.
const STEM_BOOST: f32 = 0.7;

/// What a query looks for, for highlighting snippets.
#[derive(Debug, Default, Clone)]
pub struct QueryTerms {
    pub normalised: BTreeSet<String>,
    pub stems: BTreeSet<String>,
    pub keys: BTreeSet<String>,
    pub prefixes: Vec<String>,
}

pub struct ParsedQuery {
    pub query: Box<dyn Query>,
    pub terms: QueryTerms,
    /// Whether the query is one word's union of terms, whose best hits block-max WAND finds
    /// without scoring every match.
    pub prunable: bool,
}

/// Parses a query for the index with `fields`.
///
/// `provenance_of`: whose provenance the filters `originator:`, `case:` and `collection:` are
/// matched against (see [`crate::Rights::provenance_of`]): every originator's if `None`, else
/// only what those readers see, so a liaison cannot learn by filtering who else supplied an
/// item, or under which case.
pub(crate) fn parse(
    text: &str,
    fields: &Fields,
    provenance_of: Option<&[crate::Reader]>,
) -> Result<ParsedQuery> {
    if text.trim().is_empty() {
        return Err(SearchError::Query("the query is empty".into()));
    }
    let ast = tantivy::query_grammar::parse_query(text)
        .map_err(|_| SearchError::Query(format!("`{text}` is not a valid query")))?;
    let mut terms = QueryTerms::default();
    let query = build(&ast, fields, provenance_of, &mut terms, 0)?;
    let prunable = matches!(&ast, UserInputAst::Leaf(leaf) if is_plain_word(leaf));
    Ok(ParsedQuery {
        query,
        terms,
        prunable,
    })
}

/// Deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 32;

fn build(
    ast: &UserInputAst,
    fields: &Fields,
    provenance_of: Option<&[crate::Reader]>,
    terms: &mut QueryTerms,
    depth: usize,
) -> Result<Box<dyn Query>> {
    if depth > MAX_DEPTH {
        return Err(SearchError::Query(format!(
            "the query nests deeper than {MAX_DEPTH} levels"
        )));
    }
    match ast {
        UserInputAst::Clause(clauses) => {
            let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let any_should = clauses.iter().any(|(o, _)| *o == Some(Occur::Should));
            for (occur, sub) in clauses {
                let q = build(sub, fields, provenance_of, terms, depth + 1)?;
                // Words side by side must all match, unless the user wrote OR.
                let occur = occur.unwrap_or(if any_should {
                    Occur::Should
                } else {
                    Occur::Must
                });
                parts.push((occur, q));
            }
            if !parts.is_empty() && parts.iter().all(|(o, _)| *o == Occur::MustNot) {
                parts.push((Occur::Must, Box::new(AllQuery)));
            }
            // `a OR b` inside a larger query is jumped through, like a word's forms.
            if depth > 0 && parts.len() > 1 && parts.iter().all(|(o, _)| *o == Occur::Should) {
                return Ok(Box::new(UnionQuery::new(
                    parts.into_iter().map(|(_, q)| q).collect(),
                )));
            }
            let words: Box<dyn Query> = Box::new(BooleanQuery::new(parts));
            // A name of two or three words may be one word in the other script.
            match joined_key(clauses) {
                Some(joined) => {
                    terms.keys.insert(joined.clone());
                    Ok(any_of(vec![
                        words,
                        term_query(fields.translit, &joined, KEY_BOOST),
                    ]))
                }
                None => Ok(words),
            }
        }
        UserInputAst::Boost(sub, boost) => Ok(Box::new(BoostQuery::new(
            build(sub, fields, provenance_of, terms, depth + 1)?,
            boost.into_inner() as f32,
        ))),
        UserInputAst::Leaf(leaf) => leaf_query(leaf, fields, provenance_of, terms, depth == 0),
    }
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    boosted(
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        )),
        boost,
    )
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match queries.len() {
        0 => Box::new(EmptyQuery),
        _ => Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        )),
    }
}

/// One word's (or phrase's) forms, any of which matches. As the whole query, tantivy's union,
/// whose best hits block-max WAND finds; inside a larger query, a [`UnionQuery`], which jumps
/// through the forms' postings where tantivy's union would refill a window at every jump.
fn forms_of_word(forms: Vec<Box<dyn Query>>, top: bool) -> Box<dyn Query> {
    match forms.len() {
        0 => Box::new(EmptyQuery),
        1 => forms
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        _ if top => any_of(forms),
        _ => Box::new(UnionQuery::new(forms)),
    }
}

fn unknown_field(name: &str) -> SearchError {
    SearchError::Query(format!(
        "unknown field `{name}`; fields are originator, type, language, case, collection, kind, item and date"
    ))
}

/// `top`: the leaf is the whole query (see [`forms_of_word`]).
fn leaf_query(
    leaf: &UserInputLeaf,
    fields: &Fields,
    provenance_of: Option<&[crate::Reader]>,
    terms: &mut QueryTerms,
    top: bool,
) -> Result<Box<dyn Query>> {
    match leaf {
        UserInputLeaf::All => Ok(Box::new(AllQuery)),
        UserInputLeaf::Literal(literal) => {
            if let Some(name) = literal.field_name.as_deref() {
                if name != "text" {
                    let filter = crate::trimming::FilterColumn::of(name, fields, provenance_of)
                        .ok_or_else(|| unknown_field(name))?;
                    return Ok(any_of(
                        filter
                            .terms(&literal.phrase)
                            .iter()
                            .map(|t| term_query(filter.field, t, 1.0))
                            .collect(),
                    ));
                }
            }
            let quoted = literal.delimiter != Delimiter::None;
            let (phrase, slop, prefix) = if quoted {
                (literal.phrase.as_str(), literal.slop, literal.prefix)
            } else {
                bare_operators(&literal.phrase, literal.slop, literal.prefix)
            };
            text_query(phrase, quoted, slop, prefix, fields, terms, top)
        }
        UserInputLeaf::Set { field, elements } => {
            let name = field.as_deref().unwrap_or("text");
            match crate::trimming::FilterColumn::of(name, fields, provenance_of) {
                Some(filter) => Ok(any_of(
                    elements
                        .iter()
                        .flat_map(|e| filter.terms(e))
                        .map(|t| term_query(filter.field, &t, 1.0))
                        .collect(),
                )),
                None => {
                    let mut qs = Vec::new();
                    for e in elements {
                        qs.push(text_query(e, false, 0, false, fields, terms, false)?);
                    }
                    Ok(any_of(qs))
                }
            }
        }
        UserInputLeaf::Range {
            field,
            lower,
            upper,
        } => {
            let name = field.as_deref().unwrap_or("");
            if name != "date" {
                return Err(SearchError::Query(format!(
                    "ranges are for `date` only (got `{name}`)"
                )));
            }
            let bound = |b: &UserInputBound| -> Result<Bound<Term>> {
                Ok(match b {
                    UserInputBound::Inclusive(s) => {
                        Bound::Included(Term::from_field_date(fields.date, parse_date(s)?))
                    }
                    UserInputBound::Exclusive(s) => {
                        Bound::Excluded(Term::from_field_date(fields.date, parse_date(s)?))
                    }
                    UserInputBound::Unbounded => Bound::Unbounded,
                })
            };
            Ok(Box::new(RangeQuery::new(bound(lower)?, bound(upper)?)))
        }
        UserInputLeaf::Exists { field } => {
            Err(SearchError::Query(format!("`{field}:*` is not supported")))
        }
        UserInputLeaf::Regex { .. } => Err(SearchError::Query(
            "regular expressions are not supported; use term* or term~1".into(),
        )),
    }
}

/// Whether a leaf is one unquoted word without a field, prefix or edit distance (read as a
/// union of term queries).
fn is_plain_word(leaf: &UserInputLeaf) -> bool {
    plain_word(leaf).is_some()
}

/// The word of a leaf that is one unquoted word without a field, prefix or edit distance.
fn plain_word(leaf: &UserInputLeaf) -> Option<&str> {
    let UserInputLeaf::Literal(literal) = leaf else {
        return None;
    };
    if literal.field_name.as_deref().is_some_and(|f| f != "text")
        || literal.delimiter != Delimiter::None
    {
        return None;
    }
    let (phrase, slop, prefix) = bare_operators(&literal.phrase, literal.slop, literal.prefix);
    (slop == 0 && !prefix && analysis::words(phrase).len() == 1).then_some(phrase)
}

/// For two or three plain words side by side (`Tal Afar`), their cross-script keys joined: the
/// name as one word in the other script (تلعفر). `None` for anything else, or a word without a
/// key.
fn joined_key(clauses: &[(Option<Occur>, UserInputAst)]) -> Option<String> {
    if !(2..=3).contains(&clauses.len()) {
        return None;
    }
    let mut joined = String::new();
    for (occur, sub) in clauses {
        let UserInputAst::Leaf(leaf) = sub else {
            return None;
        };
        if occur.is_some() {
            return None;
        }
        joined.push_str(&analysis::key(&normalise(plain_word(leaf)?))?);
    }
    Some(joined)
}

/// Reads `term*` and `term~N` written on a bare word (the grammar keeps them in the word).
fn bare_operators(phrase: &str, slop: u32, prefix: bool) -> (&str, u32, bool) {
    if let Some(stem) = phrase.strip_suffix('*') {
        if !stem.is_empty() {
            return (stem, slop, true);
        }
    }
    if let Some((word, distance)) = phrase.rsplit_once('~') {
        if let Ok(d) = distance.parse::<u32>() {
            if !word.is_empty() {
                return (word, d.max(1), prefix);
            }
        }
        if distance.is_empty() && !word.is_empty() {
            return (word, 1, prefix);
        }
    }
    (phrase, slop, prefix)
}

/// The query for free text: normalised words, stems and cross-script keys.
fn text_query(
    phrase: &str,
    quoted: bool,
    slop: u32,
    prefix: bool,
    fields: &Fields,
    terms: &mut QueryTerms,
    top: bool,
) -> Result<Box<dyn Query>> {
    let words: Vec<String> = analysis::words(phrase)
        .into_iter()
        .map(|w| normalise(w.text))
        .filter(|w| !w.is_empty())
        .collect();
    let keys: Vec<String> = words.iter().filter_map(|w| analysis::key(w)).collect();
    // A single-letter key (`Abu` → `b`) matches too much to be worth a cross-script match.
    let word_keys = |w: &str| -> Vec<String> {
        analysis::keys(w)
            .into_iter()
            .filter(|k| k.chars().count() >= 2)
            .collect()
    };
    match words.as_slice() {
        [] => Ok(Box::new(EmptyQuery)),
        [word] => {
            if prefix {
                terms.prefixes.push(word.clone());
                let mut qs: Vec<Box<dyn Query>> = vec![regex_prefix(fields.text, word)?];
                if let Some(k) = keys.first() {
                    terms.keys.insert(k.clone());
                    qs.push(Box::new(BoostQuery::new(
                        regex_prefix(fields.translit, k)?,
                        KEY_BOOST,
                    )));
                }
                return Ok(any_of(qs));
            }
            terms.normalised.insert(word.clone());
            if slop > 0 && !quoted {
                let distance = slop.min(2) as u8;
                return Ok(Box::new(FuzzyTermQuery::new(
                    Term::from_field_text(fields.text, word),
                    distance,
                    true,
                )));
            }
            let mut qs = vec![term_query(fields.text, word, 1.0)];
            if !quoted {
                for s in analysis::query_stems(word) {
                    terms.stems.insert(s.clone());
                    qs.push(term_query(fields.stem, &s, STEM_BOOST));
                }
            }
            for k in word_keys(word) {
                terms.keys.insert(k.clone());
                qs.push(term_query(fields.translit, &k, KEY_BOOST));
            }
            Ok(forms_of_word(qs, top))
        }
        _ => {
            terms.normalised.extend(words.iter().cloned());
            terms.keys.extend(keys.iter().cloned());
            let positioned = |field: Field, list: &[String]| -> Vec<(usize, Term)> {
                list.iter()
                    .enumerate()
                    .map(|(i, w)| (i, Term::from_field_text(field, w)))
                    .collect()
            };
            let mut qs: Vec<Box<dyn Query>> = Vec::new();
            if prefix {
                qs.push(Box::new(PhrasePrefixQuery::new_with_offset(positioned(
                    fields.text,
                    &words,
                ))));
            } else if slop == 0 {
                // Exact phrases run on the pairs of adjacent words: "a b c" is the pair
                // "a b" followed by the pair "b c".
                qs.push(pairs_query(fields.text_pairs, &words, 1.0));
                match keys.len() {
                    0 => {}
                    1 => qs.push(term_query(fields.translit, &keys[0], KEY_BOOST)),
                    _ => {
                        qs.push(pairs_query(fields.translit_pairs, &keys, KEY_BOOST));
                        // The name written as one word in the other script (Tal Afar, تلعفر).
                        let joined = keys.concat();
                        terms.keys.insert(joined.clone());
                        qs.push(term_query(fields.translit, &joined, KEY_BOOST));
                    }
                }
            } else {
                qs.push(Box::new(PhraseQuery::new_with_offset_and_slop(
                    positioned(fields.text, &words),
                    slop,
                )));
                match keys.len() {
                    0 => {}
                    1 => qs.push(term_query(fields.translit, &keys[0], KEY_BOOST)),
                    _ => qs.push(Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset_and_slop(
                            positioned(fields.translit, &keys),
                            slop,
                        )),
                        KEY_BOOST,
                    ))),
                }
            }
            Ok(forms_of_word(qs, top))
        }
    }
}

/// The exact phrase of two or more `words` as the sequence of their adjacent pairs in `field`.
fn pairs_query(field: Field, words: &[String], boost: f32) -> Box<dyn Query> {
    let pairs: Vec<String> = words
        .windows(2)
        .map(|w| crate::pair(&w[0], &w[1]))
        .collect();
    if let [only] = pairs.as_slice() {
        return term_query(field, only, boost);
    }
    boosted(
        Box::new(PhraseQuery::new_with_offset(
            pairs
                .iter()
                .enumerate()
                .map(|(i, p)| (i, Term::from_field_text(field, p)))
                .collect(),
        )),
        boost,
    )
}

fn regex_prefix(field: Field, prefix: &str) -> Result<Box<dyn Query>> {
    let escaped: String = prefix
        .chars()
        .flat_map(|c| {
            let special = !c.is_alphanumeric();
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect();
    RegexQuery::from_pattern(&format!("{escaped}.*"), field)
        .map(|q| Box::new(q) as Box<dyn Query>)
        .map_err(|e| SearchError::Query(format!("prefix `{prefix}*`: {e}")))
}

/// `2014`, `2014-08`, `2014-08-03`, or with a time `2014-08-03T10:00:00Z`, as UTC.
pub fn parse_date(text: &str) -> Result<DateTime> {
    let bad = || {
        SearchError::Query(format!(
            "`{text}` is not a date; write 2014-08-03 (or 2014-08, 2014)"
        ))
    };
    let (date, time) = text.split_once('T').unwrap_or((text, ""));
    let mut parts = date.split('-');
    let year: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
    let month: i64 = parts.next().map_or(Ok(1), str::parse).map_err(|_| bad())?;
    let day: i64 = parts.next().map_or(Ok(1), str::parse).map_err(|_| bad())?;
    // Years of four digits at most: every later sum stays far inside an i64.
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || !(-9999..=9999).contains(&year)
        || parts.next().is_some()
    {
        return Err(bad());
    }
    let mut seconds = 0;
    if !time.is_empty() {
        let t = time.trim_end_matches('Z');
        let mut hms = t.split(':');
        for (unit, most) in [(3600, 24), (60, 59), (1, 60)] {
            if let Some(v) = hms.next() {
                let v: i64 = v
                    .split('.')
                    .next()
                    .unwrap_or("0")
                    .parse()
                    .map_err(|_| bad())?;
                if !(0..=most).contains(&v) {
                    return Err(bad());
                }
                seconds += v * unit;
            }
        }
    }
    // The index keeps nanoseconds in an i64 (the years 1678 to 2262): a bound beyond them
    // is taken at the edge, which every stored date lies within.
    const EDGE: i64 = i64::MAX / 1_000_000_000;
    Ok(DateTime::from_timestamp_secs(
        (days_from_civil(year, month, day) * 86_400 + seconds).clamp(-EDGE, EDGE),
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2014, 8, 3), 16_285);
        assert_eq!(
            parse_date("2014-08-03T01:00:00Z")
                .unwrap()
                .into_timestamp_secs(),
            16_285 * 86_400 + 3600
        );
        assert!(parse_date("August").is_err());
    }

    #[test]
    fn numbers_too_large_for_a_date_are_refused_not_overflowed() {
        for text in [
            "9223372036854775807",
            "-9223372036854775807",
            "2014-08-03T9223372036854775807",
            "2014-08-03T01:9223372036854775807:00",
            "2014-08-03T25:00",
            "10000-01-01",
        ] {
            assert!(parse_date(text).is_err(), "{text}");
        }
        assert!(parse_date("9999-12-31T24:59:60").is_ok());
    }
}
