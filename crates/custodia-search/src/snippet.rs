//! Snippets: a short passage of a hit's text around its first match, with the matched words
//! marked by their character offsets in the passage. Offsets rather than inline markup keep the
//! passage correct for right-to-left text: the caller wraps each range in its own markup (and
//! bidirectional isolates), and Arabic words are never split by a marker.

use std::collections::HashMap;

use serde::Serialize;

use crate::analysis;
use crate::query::QueryTerms;

/// Bytes of text shown around the first match.
const BEFORE: usize = 80;
const LENGTH: usize = 240;
/// Bytes of a text scanned for matches (long texts: the first megabyte).
const SCAN: usize = 1 << 20;

/// A passage of a hit's text around its first match, with the matched words marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Snippet {
    pub text: String,
    /// `[start, end)` character offsets of matched words in `text`.
    pub highlights: Vec<(usize, usize)>,
    /// Whether the passage is mostly right-to-left script.
    pub rtl: bool,
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether a word matches the query, per language and word: the hits of one search share most
/// of their words, and analysing a word (normalising, stemming, keys) is the costly part.
#[derive(Default)]
pub(crate) struct Matches(HashMap<String, HashMap<String, bool>>);

pub(crate) fn make(
    body: &str,
    language: Option<&str>,
    terms: &QueryTerms,
    matches: &mut Matches,
) -> Snippet {
    let scanned = &body[..floor_boundary(body, SCAN)];
    // Words are analysed one by one, only as far as needed: up to the first match, then to the
    // end of the passage around it; each distinct word once per search.
    let known = matches
        .0
        .entry(language.unwrap_or("").to_owned())
        .or_default();
    let mut is_match = |word: &str| -> bool {
        if let Some(&known) = known.get(word) {
            return known;
        }
        let normalised = analysis::normalise(word);
        let matched = !normalised.is_empty()
            && (terms.normalised.contains(&normalised)
                || terms
                    .prefixes
                    .iter()
                    .any(|p| normalised.starts_with(p.as_str()))
                || (!terms.stems.is_empty()
                    && terms.stems.contains(&analysis::stem(&normalised, language)))
                || (!terms.keys.is_empty()
                    && analysis::keys(&normalised)
                        .iter()
                        .any(|k| terms.keys.contains(k))));
        known.insert(word.to_owned(), matched);
        matched
    };
    let mut words = analysis::word_iter(scanned);
    let first_word = words.by_ref().find(|w| is_match(w.text));
    let first = first_word.as_ref().map_or(0, |w| w.start);
    let mut start = floor_boundary(body, first.saturating_sub(BEFORE));
    // Start at a word boundary.
    if start > 0 {
        if let Some(space) = body[start..first].find(char::is_whitespace) {
            start += space + 1;
        }
    }
    let mut end = floor_boundary(body, start + LENGTH);
    if end < body.len() {
        if let Some(space) = body[start..end].rfind(char::is_whitespace) {
            if space > 0 {
                end = start + space;
            }
        }
    }
    let matched: Vec<(usize, usize)> = match first_word {
        None => Vec::new(),
        Some(first) => std::iter::once((first.start, first.end))
            .chain(
                words
                    .take_while(|w| w.end <= end)
                    .filter(|w| is_match(w.text))
                    .map(|w| (w.start, w.end)),
            )
            .collect(),
    };
    let text = &body[start..end];
    let char_at = |byte: usize| text[..byte].chars().count();
    let highlights = matched
        .into_iter()
        .filter(|&(s, e)| s >= start && e <= end)
        .map(|(s, e)| (char_at(s - start), char_at(e - start)))
        .collect();
    let rtl_letters = text
        .chars()
        .filter(|c| ('\u{0590}'..='\u{08FF}').contains(c))
        .count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    Snippet {
        text: text.replace(['\n', '\u{c}'], " "),
        highlights,
        rtl: letters > 0 && rtl_letters * 2 > letters,
    }
}
