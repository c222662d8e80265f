//! Full-text search over evidence, in Arabic, Kurdish, English, Dutch and French, across
//! scripts, and only over what the person searching may see.
//!
//! A [`SearchIndex`] is a tantivy index of [`IndexDocument`]s: one per extracted text (the text
//! of a PDF, the OCR of a scan, an e-mail with its attachments…), each naming the original item
//! it came from. Words are analysed by [`analysis`] (Arabic normalisation and light stemming,
//! Snowball stemming with accent folding, a cross-script key), and queries are read by [`query`]
//! (tantivy's query grammar: words, `"phrases"`, `AND`/`OR`/`NOT`, `term*`, `term~N`, field
//! filters, date ranges).
//!
//! **Security trimming is inside the query.** Each document carries the access labels of its
//! original item ([`AccessLabels`], from the same facts `custodia_access::decide` reads) and
//! every search takes a [`Rights`] filter built from the person ([`Rights::of`]); the filter is
//! a required clause of the one query that produces hits, the total count and the facet counts,
//! and snippets are made only from the hits. So nothing the person may not read can be counted,
//! faceted or quoted. A property test checks the filter against `decide` for random people and
//! items.
//!
//! What it leaves out: no knowledge of the vault, the catalog or extraction; the caller gives
//! documents with their labels and rebuilds the index when labels change. The index is derived
//! data: it can always be rebuilt. On disk it is encrypted ([`crypt::EncryptedDirectory`]).

#![forbid(unsafe_code)]

pub mod analysis;
mod collect;
pub mod crypt;
pub mod query;
mod snippet;
mod tokens;
mod trimming;
mod union;

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::{DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use snippet::Snippet;
pub use trimming::{AccessLabels, Rights};

/// Errors of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot read the query: {0}\n\nhint: words, \"phrases\", AND/OR/NOT, term*, term~1, field:value, date:[2014-01-01 TO 2015-12-31]")]
    Query(String),
    #[error("the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("the search index is unreadable: {0}\n\nhint: rebuild it with `custodia reindex`")]
    Corrupt(String),
    #[error("the search index was built by an earlier version of Custodia\n\nhint: rebuild it with `custodia reindex`")]
    Outdated,
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// The fields the query language filters and facets on.
pub const FILTER_FIELDS: &[&str] = &[
    "originator",
    "type",
    "language",
    "case",
    "collection",
    "kind",
];

/// One searchable text, with what it came from and who may read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexDocument {
    /// Unique key: the SHA-256 of the derived text item.
    pub id: String,
    /// The original item the text was read from (what a hit names).
    pub item: String,
    /// The original item's path in its submission.
    pub path: String,
    /// What kind of text: `text`, `ocr`, `attachment`, `metadata`.
    pub kind: String,
    /// The original item's MIME type.
    pub mime: String,
    /// ISO 639-3 language code, if detected.
    pub language: Option<String>,
    /// Provenance as the holder's people see it, every originator's: what `originator:`,
    /// `case:` and `collection:` match and count for them.
    pub originators: Vec<String>,
    pub cases: Vec<String>,
    pub collections: Vec<String>,
    /// The provenance of the item that each reader other than the holder's custodians and
    /// auditors sees (`custodia_access::provenance_seen`): an originator's liaisons never learn
    /// who else supplied the same bytes, or under which path, case or collection; an analyst
    /// not of a submission restricted to the custodians or supplied for another case.
    pub provenance_by_reader: Vec<ReaderProvenance>,
    /// The document's own date (capture, creation, sending), Unix seconds.
    pub date: Option<i64>,
    pub text: String,
    pub labels: AccessLabels,
}

/// Who reads a document's provenance through the `seen_*` fields: everyone but the holder's
/// custodians and auditors, each through what one of these readers sees
/// (`custodia_access::provenance_seen` depends on nothing finer).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Reader {
    /// An organisation outside the holder, for all its people.
    Organisation(String),
    /// The holder's analysts on a case, for that case: an analyst on several reads what each
    /// of the cases sees.
    Case(String),
}

/// What one reader (an organisation outside the holder, or a case's analysts) sees of a
/// document's provenance: the values its people filter, facet and read in hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReaderProvenance {
    pub reader: Reader,
    /// The originators of the submissions it sees.
    pub originators: Vec<String>,
    /// The item's path in the first submission it sees (with the document's name inside the
    /// item, for an attachment).
    pub path: String,
    pub cases: Vec<String>,
    pub collections: Vec<String>,
}

/// What a search returns: only what the person may read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Matching documents the person may read.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Per filter field, value → matching documents, counted under the same trimming.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub item: String,
    pub path: String,
    pub kind: String,
    pub mime: String,
    pub language: Option<String>,
    pub date: Option<i64>,
    pub score: f32,
    pub snippet: Snippet,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    DateNewest,
    DateOldest,
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub item: Field,
    pub path: Field,
    pub kind: Field,
    pub mime: Field,
    pub language: Field,
    pub originator: Field,
    pub case: Field,
    pub collection: Field,
    /// The provenance values each [`Reader`] sees, prefixed with the reader
    /// (`trimming::scoped_value`): filtered and faceted instead of the three above for its
    /// people.
    pub seen_originator: Field,
    pub seen_case: Field,
    pub seen_collection: Field,
    /// Each reader's path of the item, stored for hits.
    pub seen_path: Field,
    pub date: Field,
    pub acl: Field,
    pub body: Field,
    pub text: Field,
    pub stem: Field,
    pub translit: Field,
    /// Pairs of adjacent normalised words (`the witness`), for phrases: a phrase's pairs are
    /// far rarer than its words, so few documents need their positions read.
    pub text_pairs: Field,
    /// Pairs of adjacent cross-script keys, for phrases across scripts.
    pub translit_pairs: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let positions = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokens::TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        item: b.add_text_field("item", STRING | STORED),
        path: b.add_text_field("path", STORED),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        mime: b.add_text_field("type", STRING | STORED | FAST),
        language: b.add_text_field("language", STRING | STORED | FAST),
        originator: b.add_text_field("originator", STRING | FAST),
        case: b.add_text_field("case", STRING | FAST),
        collection: b.add_text_field("collection", STRING | FAST),
        seen_originator: b.add_text_field("seen_originator", STRING | FAST),
        seen_case: b.add_text_field("seen_case", STRING | FAST),
        seen_collection: b.add_text_field("seen_collection", STRING | FAST),
        seen_path: b.add_text_field("seen_path", STORED),
        date: b.add_date_field("date", INDEXED | STORED | FAST),
        acl: b.add_text_field("acl", STRING),
        body: b.add_text_field("body", STORED),
        text: b.add_text_field("text", positions.clone()),
        stem: b.add_text_field("stem", positions.clone()),
        translit: b.add_text_field("translit", positions.clone()),
        text_pairs: b.add_text_field("text_pairs", positions.clone()),
        translit_pairs: b.add_text_field("translit_pairs", positions),
    };
    (b.build(), fields)
}

/// Checks that `text` is a valid query (the query parser alone; for the fuzz target and for
/// callers that validate before searching).
pub fn validate_query(text: &str) -> Result<()> {
    let (_, fields) = schema();
    query::parse(text, &fields, None).map(|_| ())
}

/// A search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// When the reader last looked for commits made by another process.
    looked: std::sync::Mutex<std::time::Instant>,
}

/// How often a search looks for commits another process made to the index (a command-line
/// ingest beside a server); commits through this instance are seen at once.
const LOOK_FOR_COMMITS: std::time::Duration = std::time::Duration::from_secs(1);

/// How long an update waits for another process's update of the index to finish.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// Adds and removes documents; nothing is visible to searches before [`IndexUpdate::commit`].
pub struct IndexUpdate<'a> {
    writer: IndexWriter,
    index: &'a SearchIndex,
    /// Analysis of words already seen, per language: vocabularies repeat, analysis is the
    /// costly part of indexing.
    cache: std::collections::HashMap<(String, String), Rc<WordForms>>,
}

/// One word's forms, as indexed.
struct WordForms {
    normalised: String,
    stem: String,
    keys: Vec<String>,
}

/// Most cached words; the cache is emptied when full.
const CACHE_WORDS: usize = 500_000;

/// Memory the index writer may use (tantivy splits it among its threads).
const WRITER_HEAP: usize = 128 << 20;

impl SearchIndex {
    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields)
    }

    /// Opens (or creates) the index in `dir`, every file encrypted with `key`. An index whose
    /// fields differ from this version's is [`SearchError::Outdated`].
    pub fn open_encrypted(dir: &Path, key: &[u8; 32]) -> Result<Self> {
        let (schema, fields) = schema();
        let directory = crypt::EncryptedDirectory::open(dir, key)
            .map_err(|e| SearchError::Corrupt(e.to_string()))?;
        let index = match Index::open_or_create(directory, schema) {
            Err(tantivy::TantivyError::SchemaError(_)) => return Err(SearchError::Outdated),
            other => other?,
        };
        Self::from_index(index, fields)
    }

    /// Discards the index in `dir` (it is derived data) and creates it empty.
    pub fn recreate_encrypted(dir: &Path, key: &[u8; 32]) -> Result<Self> {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(SearchError::Corrupt(format!(
                    "cannot remove {}: {e}",
                    dir.display()
                )))
            }
        }
        Self::open_encrypted(dir, key)
    }

    /// Opens (or creates) an unencrypted index in `dir` (benchmarks: the bare baseline).
    pub fn open_plain(dir: &Path) -> Result<Self> {
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| SearchError::Corrupt(e.to_string()))?;
        let index = Index::open_or_create(directory, schema)?;
        Self::from_index(index, fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<Self> {
        index
            .tokenizers()
            .register(tokens::TOKENIZER, tokens::TokensTokenizer::default());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            reader,
            fields,
            looked: std::sync::Mutex::new(std::time::Instant::now()),
        })
    }

    /// Reloads the reader if another process may have committed since it last looked.
    fn look_for_commits(&self) {
        let mut looked = self.looked.lock().unwrap_or_else(|p| p.into_inner());
        if looked.elapsed() >= LOOK_FOR_COMMITS {
            *looked = std::time::Instant::now();
            // A failed reload leaves the reader at the commit it had: searches go on, and the
            // next look tries again.
            let _ = self.reader.reload();
        }
    }

    /// Starts an update (one writer at a time per index).
    pub fn update(&self) -> Result<IndexUpdate<'_>> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get().min(2))
            .unwrap_or(1);
        // Another process (a server, a command-line ingest) may be updating the index: wait
        // for it rather than fail.
        let started = std::time::Instant::now();
        let writer = loop {
            match self.index.writer_with_num_threads(threads, WRITER_HEAP) {
                Err(tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                )) if started.elapsed() < WRITER_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        Ok(IndexUpdate {
            writer,
            index: self,
            cache: Default::default(),
        })
    }

    /// Number of documents (all, untrimmed: for the custodian's statistics only).
    pub fn document_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a query for a person with `rights`, with facet counts.
    pub fn search(
        &self,
        text: &str,
        rights: &Rights,
        limit: usize,
        sort: Sort,
    ) -> Result<SearchResults> {
        self.search_with(text, rights, limit, sort, true)
    }

    /// Runs a query; facet counts (which read every match's field values) only if `facets`.
    pub fn search_with(
        &self,
        text: &str,
        rights: &Rights,
        limit: usize,
        sort: Sort,
        facets: bool,
    ) -> Result<SearchResults> {
        let provenance_of = rights.provenance_of();
        let parsed = query::parse(text, &self.fields, provenance_of)?;
        let filter = rights.filter(&self.fields);
        let combined = BooleanQuery::new(vec![
            (Occur::Must, parsed.query.box_clone()),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)) as Box<dyn Query>,
            ),
        ]);
        self.look_for_commits();
        let searcher = self.reader.searcher();
        let facet_collector = collect::FacetCounts {
            fields: if facets {
                collect::FacetField::all(&self.fields, provenance_of)
            } else {
                Vec::new()
            },
        };
        let limit = limit.max(1);
        let (addresses, total, facets): (Vec<(f32, tantivy::DocAddress)>, usize, _) = match sort {
            // One word: the best hits by block-max WAND, each checked against the rights,
            // then total and facets counted without scores (see `collect`).
            Sort::Relevance if parsed.prunable => {
                let top = searcher.search(
                    &parsed.query,
                    &collect::TrimmedTop {
                        limit,
                        filter: filter.weight(EnableScoring::disabled_from_searcher(&searcher))?,
                    },
                )?;
                let (total, facets) = searcher.search(&combined, &(Count, facet_collector))?;
                (top, total, facets)
            }
            Sort::Relevance => searcher.search(
                &combined,
                &(
                    TopDocs::with_limit(limit).order_by_score(),
                    Count,
                    facet_collector,
                ),
            )?,
            Sort::DateNewest | Sort::DateOldest => {
                let order = if sort == Sort::DateNewest {
                    tantivy::Order::Desc
                } else {
                    tantivy::Order::Asc
                };
                let (dated, total, facets) = searcher.search(
                    &combined,
                    &(
                        TopDocs::with_limit(limit).order_by_fast_field::<DateTime>("date", order),
                        Count,
                        facet_collector,
                    ),
                )?;
                (
                    dated.into_iter().map(|(_, a)| (0.0, a)).collect(),
                    total,
                    facets,
                )
            }
        };
        let mut hits = Vec::with_capacity(addresses.len());
        let mut matches = snippet::Matches::default();
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let language = doc
                .get_first(self.fields.language)
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let body = text_of(self.fields.body);
            let path = match provenance_of {
                None => text_of(self.fields.path),
                // The path the person's first reader that sees a submission sees; none if none
                // does.
                Some(readers) => readers
                    .iter()
                    .find_map(|reader| {
                        let own = trimming::scoped_value(reader, "");
                        doc.get_all(self.fields.seen_path)
                            .filter_map(|v| v.as_str())
                            .find_map(|v| v.strip_prefix(own.as_str()))
                    })
                    .unwrap_or_default()
                    .to_owned(),
            };
            hits.push(Hit {
                id: text_of(self.fields.id),
                item: text_of(self.fields.item),
                path,
                kind: text_of(self.fields.kind),
                mime: text_of(self.fields.mime),
                date: doc
                    .get_first(self.fields.date)
                    .and_then(|v| v.as_datetime())
                    .map(|d| d.into_timestamp_secs()),
                snippet: snippet::make(&body, language.as_deref(), &parsed.terms, &mut matches),
                language,
                score,
            });
        }
        Ok(SearchResults {
            total: total as u64,
            hits,
            facets,
        })
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }
}

/// Joins two adjacent words (or keys) into one term; it never occurs inside one.
pub(crate) const PAIR_SEPARATOR: char = ' ';

/// The term of two adjacent words (or keys).
pub(crate) fn pair(first: &str, second: &str) -> String {
    format!("{first}{PAIR_SEPARATOR}{second}")
}

impl IndexUpdate<'_> {
    /// Adds (or replaces) a document.
    pub fn add(&mut self, doc: &IndexDocument) -> Result<()> {
        let f = *self.index.fields();
        self.writer
            .delete_term(Term::from_field_text(f.id, &doc.id));
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &doc.id);
        d.add_text(f.item, &doc.item);
        d.add_text(f.path, &doc.path);
        d.add_text(f.kind, &doc.kind);
        d.add_text(f.mime, &doc.mime);
        if let Some(language) = &doc.language {
            d.add_text(f.language, language);
        }
        for o in &doc.originators {
            d.add_text(f.originator, o);
        }
        for c in &doc.cases {
            d.add_text(f.case, c);
        }
        for c in &doc.collections {
            d.add_text(f.collection, c);
        }
        for seen in &doc.provenance_by_reader {
            let own = |value: &str| trimming::scoped_value(&seen.reader, value);
            for o in &seen.originators {
                d.add_text(f.seen_originator, own(o));
            }
            for c in &seen.cases {
                d.add_text(f.seen_case, own(c));
            }
            for c in &seen.collections {
                d.add_text(f.seen_collection, own(c));
            }
            d.add_text(f.seen_path, own(&seen.path));
        }
        if let Some(date) = doc.date {
            d.add_date(f.date, DateTime::from_timestamp_secs(date));
        }
        for label in doc.labels.terms() {
            d.add_text(f.acl, label);
        }
        d.add_text(f.body, &doc.text);
        let language = doc.language.clone().unwrap_or_default();
        let bytes = doc.text.len() * 2;
        let mut text_tokens = tokens::TokenList::with_capacity(bytes);
        let mut stem_tokens = tokens::TokenList::with_capacity(bytes);
        let mut key_tokens = tokens::TokenList::with_capacity(bytes);
        let mut text_pairs = tokens::TokenList::with_capacity(bytes * 2);
        let mut key_pairs = tokens::TokenList::with_capacity(bytes * 2);
        let mut key_position = 0;
        // The previous word (its forms and position) and the previous keyed word's forms.
        let mut previous: Option<(Rc<WordForms>, usize)> = None;
        let mut previous_keyed: Option<Rc<WordForms>> = None;
        if self.cache.len() > CACHE_WORDS {
            self.cache.clear();
        }
        for w in analysis::word_iter(&doc.text) {
            let forms = self
                .cache
                .entry((language.clone(), w.text.to_owned()))
                .or_insert_with(|| {
                    let normalised = analysis::normalise(w.text);
                    Rc::new(WordForms {
                        stem: analysis::stem(&normalised, doc.language.as_deref()),
                        keys: analysis::keys(&normalised),
                        normalised,
                    })
                })
                .clone();
            if forms.normalised.is_empty() {
                continue;
            }
            text_tokens.push(w.position, &forms.normalised);
            stem_tokens.push(w.position, &forms.stem);
            if let Some((before, position)) = &previous {
                if position + 1 == w.position {
                    text_pairs.push_pair(*position, &before.normalised, &forms.normalised);
                }
            }
            // Key positions count keyed words only, so "al-Baghdadi" (two words, one keyless)
            // lines up with البغدادي (one word) in phrases; a word's keys share its position.
            if !forms.keys.is_empty() {
                if let Some(before) = &previous_keyed {
                    for a in &before.keys {
                        for b in &forms.keys {
                            key_pairs.push_pair(key_position - 1, a, b);
                            // A name written as two words in one script and one in the other
                            // (Tal Afar, تلعفر): the two keys joined, at the first word's place
                            // (before this word's keys, so positions never go back). Keys of
                            // one letter are left out: they join into too many words.
                            if a.len() >= 2 && b.len() >= 2 {
                                key_tokens.push_joined(key_position - 1, a, b);
                            }
                        }
                    }
                }
                for k in &forms.keys {
                    key_tokens.push(key_position, k);
                }
                previous_keyed = Some(Rc::clone(&forms));
                key_position += 1;
            }
            previous = Some((forms, w.position));
        }
        // The texts are stored once (in `body`); these carry only the tokens.
        d.add_text(f.text, text_tokens.into_text());
        d.add_text(f.stem, stem_tokens.into_text());
        d.add_text(f.translit, key_tokens.into_text());
        d.add_text(f.text_pairs, text_pairs.into_text());
        d.add_text(f.translit_pairs, key_pairs.into_text());
        self.writer.add_document(d)?;
        Ok(())
    }

    /// Removes the document with key `id` (if any).
    pub fn remove(&mut self, id: &str) {
        let f = self.index.fields();
        self.writer.delete_term(Term::from_field_text(f.id, id));
    }

    /// Removes every document.
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable and visible to the next search.
    pub fn commit(mut self) -> Result<()> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        self.index.reader.reload()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_of_other_fields_is_outdated_and_recreated_empty() {
        let dir = tempfile::tempdir().unwrap();
        let key = [3u8; 32];
        {
            // An index as an earlier version wrote it: other fields.
            let mut b = Schema::builder();
            let text = b.add_text_field("text", STORED);
            let directory = crypt::EncryptedDirectory::open(dir.path(), &key).unwrap();
            let index = Index::create(directory, b.build(), Default::default()).unwrap();
            let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
            writer.add_document(tantivy::doc!(text => "old")).unwrap();
            writer.commit().unwrap();
        }
        assert!(matches!(
            SearchIndex::open_encrypted(dir.path(), &key),
            Err(SearchError::Outdated)
        ));
        let index = SearchIndex::recreate_encrypted(dir.path(), &key).unwrap();
        assert_eq!(index.document_count(), 0);
        drop(index);
        assert!(SearchIndex::open_encrypted(dir.path(), &key).is_ok());
    }
}
