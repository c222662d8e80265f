//! Identifying persons across lists and scripts.
//!
//! Lists of persons (a transfer list written by clerks partly in Arabic script, a state's list
//! of travellers in Dutch or French spellings, a sanctions export in FollowTheMoney) are read
//! into [`Person`] records ([`read_list`]); names are reduced to phonetic keys that meet across
//! Arabic script and English, Dutch, French and German transliterations ([`name`]); pairs that
//! share a blocking key are scored by summing per-feature evidence (names weighted by the
//! rarity of their parts, kunya and nisba, father's name, date and place of birth,
//! nationality, gender, document numbers) into a calibrated score ([`match_lists`]).
//!
//! The crate proposes and explains; it decides nothing. Confirming that two rows are one
//! person is a person's decision, recorded elsewhere (the vault's custody log). It knows no
//! vault, catalog or terminal.

#![forbid(unsafe_code)]

pub mod country;
pub mod import;
pub mod matcher;
pub mod model;
pub mod name;
pub mod person;
pub mod score;

use std::path::PathBuf;

pub use import::{
    detect_format, parse_list, parse_list_with, read_list, read_list_with, Format, ListRead,
    Problem, ProblemAction,
};
pub use matcher::{
    compare_persons, match_lists, match_lists_with, Candidate, MatchOptions, MatchRun,
    BLOCKING_KEYS,
};
pub use model::{Factors, LevelWeight, Model, LEVELS};
pub use person::{BirthDate, Gender, Identifier, IdentifierKind, Person};
pub use score::{Comparison, Evidence, DEFAULT_THRESHOLD};

/// Why a list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}` line {line}: {message}")]
    Parse {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// A record of a JSON array (serde_json keeps no positions of values: the record's index,
    /// from 0, names it).
    #[error("`{path}` record {index}: {message}")]
    Record {
        path: PathBuf,
        index: u64,
        message: String,
    },
    #[error("`{path}` is {size} bytes, more than the {limit} bytes a list may have\n\nhint: split the list into parts and match each part")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("`{path}` has no `{column}` column\n\nhint: a CSV list needs a header with at least `id` and `name`")]
    MissingColumn { path: PathBuf, column: String },
    /// A bad value or row, when problems stop the list (strict reading).
    #[error(
        "{0}\n\nhint: correct the value, or read without --strict to have the row read without it"
    )]
    Invalid(Box<Problem>),
    #[error("`{path}` {unit} {second}: the id `{id}` is already that of {unit} {first}\n\nhint: ids must be unique within a list; give one of the two rows another id")]
    DuplicateId {
        path: PathBuf,
        id: String,
        /// `line`, or `record` for a JSON array.
        unit: &'static str,
        first: u64,
        second: u64,
    },
}
