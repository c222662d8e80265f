//! Snippets: a short passage of a hit's text around its first match, with the matched words
//! marked by their character offsets in the passage. Offsets rather than inline markup keep the
//! passage correct for right-to-left text: the caller wraps each range in its own markup (and
//! bidirectional isolates), and Arabic words are never split by a marker.

use serde::Serialize;

use crate::analysis;
use crate::query::QueryTerms;

/// Bytes of text shown around the first match.
const BEFORE: usize = 80;
const LENGTH: usize = 240;
/// Bytes of a text scanned for matches (long texts: the first megabyte).
const SCAN: usize = 1 << 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

pub(crate) fn make(body: &str, language: Option<&str>, terms: &QueryTerms) -> Snippet {
    let scanned = &body[..floor_boundary(body, SCAN)];
    let matched: Vec<(usize, usize)> = analysis::analyse(scanned, language)
        .into_iter()
        .filter(|a| {
            terms.normalised.contains(&a.normalised)
                || terms.stems.contains(&a.stem)
                || a.keys.iter().any(|k| terms.keys.contains(k))
                || terms
                    .prefixes
                    .iter()
                    .any(|p| a.normalised.starts_with(p.as_str()))
        })
        .map(|a| (a.start, a.end))
        .collect();
    let first = matched.first().map_or(0, |m| m.0);
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
