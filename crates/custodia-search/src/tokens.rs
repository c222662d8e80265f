//! Analysed tokens handed to tantivy as text: `position SEP term` entries, one after another.
//!
//! A document's words are analysed once (normalised form, stem, keys and their pairs; see
//! `IndexUpdate::add`) into several token lists. Tantivy's own way to take ready tokens
//! (`PreTokenizedString`) serialises them to JSON and back inside the writer, which took most of
//! the indexing time; this compact form is read back by [`TokensTokenizer`] without allocating.
//! Terms never contain the two separators (they are words of letters, digits and marks, keys in
//! Latin letters, and pairs joined by a space).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under (in the schema of the analysed fields).
pub(crate) const TOKENIZER: &str = "custodia_tokens";

const ENTRY_END: char = '\u{1}';
const POSITION_END: char = '\u{2}';

/// Writes analysed tokens into the compact form.
#[derive(Default)]
pub(crate) struct TokenList(String);

impl TokenList {
    pub fn with_capacity(bytes: usize) -> Self {
        Self(String::with_capacity(bytes))
    }

    pub fn push(&mut self, position: usize, term: &str) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(self.0, "{position}{POSITION_END}{term}{ENTRY_END}");
    }

    pub fn push_pair(&mut self, position: usize, first: &str, second: &str) {
        use std::fmt::Write;
        let _ = write!(
            self.0,
            "{position}{POSITION_END}{first}{}{second}{ENTRY_END}",
            crate::PAIR_SEPARATOR
        );
    }

    /// Two terms joined into one, with nothing between.
    pub fn push_joined(&mut self, position: usize, first: &str, second: &str) {
        use std::fmt::Write;
        let _ = write!(self.0, "{position}{POSITION_END}{first}{second}{ENTRY_END}");
    }

    pub fn into_text(self) -> String {
        self.0
    }
}

/// Reads the compact form back into tokens.
#[derive(Clone, Default)]
pub(crate) struct TokensTokenizer {
    token: Token,
}

pub(crate) struct TokensStream<'a> {
    rest: &'a str,
    offset: usize,
    token: &'a mut Token,
}

impl Tokenizer for TokensTokenizer {
    type TokenStream<'a> = TokensStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokensStream<'a> {
        self.token.reset();
        TokensStream {
            rest: text,
            offset: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for TokensStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if self.rest.is_empty() {
                return false;
            }
            let (entry, rest) = self.rest.split_once(ENTRY_END).unwrap_or((self.rest, ""));
            let start = self.offset;
            self.offset += entry.len() + ENTRY_END.len_utf8();
            self.rest = rest;
            // Anything not in the form (which only this crate writes) is skipped.
            let Some((position, term)) = entry.split_once(POSITION_END) else {
                continue;
            };
            let Ok(position) = position.parse::<usize>() else {
                continue;
            };
            if term.is_empty() {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(term);
            self.token.position = position;
            self.token.position_length = 1;
            self.token.offset_from = start;
            self.token.offset_to = start + entry.len();
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_back_with_their_positions() {
        let mut list = TokenList::default();
        list.push(0, "سنجار");
        list.push(2, "snjr");
        list.push(2, "snj");
        list.push_pair(3, "the", "witness");
        let text = list.into_text();
        let mut tokenizer = TokensTokenizer::default();
        let mut stream = tokenizer.token_stream(&text);
        let mut got = Vec::new();
        while let Some(t) = stream.next() {
            got.push((t.position, t.text.clone()));
        }
        assert_eq!(
            got,
            vec![
                (0, "سنجار".to_owned()),
                (2, "snjr".to_owned()),
                (2, "snj".to_owned()),
                (3, "the witness".to_owned())
            ]
        );
    }

    #[test]
    fn text_not_in_the_form_gives_no_token() {
        let mut tokenizer = TokensTokenizer::default();
        for text in [
            "",
            "plain words",
            "x\u{2}y\u{1}",
            "\u{1}\u{1}",
            "7\u{2}\u{1}",
        ] {
            let mut stream = tokenizer.token_stream(text);
            assert!(stream.next().is_none(), "{text:?}");
        }
    }
}
