//! Collectors: the best hits among the documents a person may read, and facet counts.
//!
//! A search makes one of two plans (see [`crate::SearchIndex::search_with`]):
//!
//! - Queries made only of words (a union or intersection of terms) take their best hits with
//!   [`TrimmedTop`]: tantivy's block-max WAND skips blocks of postings that cannot reach the
//!   current top scores, and every candidate is checked against the person's rights before it
//!   may enter the top. The total and the facets are then counted without scores over the query
//!   joined to the rights filter.
//! - Every other query (phrases, prefixes, nested logic) is scored once, with the rights filter
//!   as a required clause, collecting hits, total and facets in the same pass.
//!
//! Either way nothing outside the rights is counted, faceted or shown.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, StrColumn};
use tantivy::fastfield::AliveBitSet;
use tantivy::query::{Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

/// Most values reported per facet field (the most frequent first).
pub(crate) const FACET_VALUES: usize = 100;

/// A candidate hit, ordered so that the heap's top is the weakest one kept: lowest score, then
/// latest document (ties go to the earlier document, as in tantivy).
#[derive(Clone, Copy)]
struct Candidate {
    score: Score,
    doc: DocId,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed score: the max-heap's top is the lowest score.
        other
            .score
            .total_cmp(&self.score)
            .then(self.doc.cmp(&other.doc))
    }
}

/// The `limit` best-scoring documents of a query that `filter` (the rights) lets through.
pub(crate) struct TrimmedTop {
    pub limit: usize,
    pub filter: Box<dyn Weight>,
}

pub(crate) struct TrimmedTopSegment {
    segment: SegmentOrdinal,
    limit: usize,
    /// The rights filter's documents, advanced in step with the candidates (which come in
    /// increasing document order).
    allowed: Box<dyn Scorer>,
    alive: Option<AliveBitSet>,
    heap: BinaryHeap<Candidate>,
}

impl TrimmedTopSegment {
    fn allows(&mut self, doc: DocId) -> bool {
        if self.alive.as_ref().is_some_and(|a| a.is_deleted(doc)) {
            return false;
        }
        let mut at = self.allowed.doc();
        if at < doc {
            at = self.allowed.seek(doc);
        }
        at == doc && at != TERMINATED
    }

    fn offer(&mut self, doc: DocId, score: Score) {
        if !self.allows(doc) {
            return;
        }
        let candidate = Candidate { score, doc };
        if self.heap.len() < self.limit {
            self.heap.push(candidate);
        } else if self.heap.peek().is_some_and(|weakest| candidate < *weakest) {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    /// The score a candidate must beat to enter the top.
    fn threshold(&self) -> Score {
        if self.heap.len() < self.limit {
            Score::MIN
        } else {
            self.heap.peek().map_or(Score::MIN, |c| c.score)
        }
    }
}

impl SegmentCollector for TrimmedTopSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap
            .into_iter()
            .map(|c| (c.score, DocAddress::new(segment, c.doc)))
            .collect()
    }
}

impl Collector for TrimmedTop {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = TrimmedTopSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TrimmedTopSegment> {
        Ok(TrimmedTopSegment {
            segment,
            limit: self.limit.max(1),
            allowed: self.filter.scorer(reader, 1.0)?,
            alive: reader.alive_bitset().cloned(),
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut child = self.for_segment(segment, reader)?;
        // Called only for documents scoring above the threshold returned, in document order.
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            child.offer(doc, score);
            child.threshold()
        })?;
        Ok(child.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(self.limit.max(1));
        Ok(all)
    }
}

/// One facet: the name it is reported under, the fast column it is read from, and for a
/// provenance column read through readers, the prefixes of the values they see.
pub(crate) struct FacetField {
    name: &'static str,
    column: &'static str,
    own_prefixes: Option<Vec<String>>,
}

impl FacetField {
    /// Every filter field's facet, each read where the reader's filters read it
    /// ([`crate::trimming::FilterColumn`]): for a person reading provenance through readers,
    /// originator, case and collection count only the values they see.
    pub(crate) fn all(
        fields: &crate::Fields,
        provenance_of: Option<&[crate::Reader]>,
    ) -> Vec<FacetField> {
        crate::FILTER_FIELDS
            .iter()
            .filter_map(|&name| {
                let column = crate::trimming::FilterColumn::of(name, fields, provenance_of)?;
                Some(FacetField {
                    name,
                    column: column.name,
                    own_prefixes: column.prefixes,
                })
            })
            .collect()
    }
}

/// Per field, value → number of matching documents, read from the fields' fast columns.
pub(crate) struct FacetCounts {
    pub fields: Vec<FacetField>,
}

pub(crate) struct FacetSegment {
    columns: Vec<Option<StrColumn>>,
    /// Per column, the prefixes of the values counted (the rest are others'), stripped.
    own_prefixes: Vec<Option<Vec<String>>>,
    /// Per column read through several readers, each term's ordinal mapped to that of the
    /// first term with the same value under one of the prefixes (`u32::MAX`: under none), so
    /// that a document holding a value for two of the person's readers counts once.
    same_value: Vec<Option<Vec<u32>>>,
    counts: Vec<Vec<u64>>,
}

/// The shown value of `value`: as it is, or stripped of the first of `prefixes` it has.
fn shown<'v>(value: &'v str, prefixes: Option<&[String]>) -> Option<&'v str> {
    match prefixes {
        None => Some(value),
        Some(prefixes) => prefixes.iter().find_map(|p| value.strip_prefix(p.as_str())),
    }
}

/// For a column read through several prefixes, each ordinal's first ordinal of the same shown
/// value (see [`FacetSegment::same_value`]); `None` when one prefix or none keeps values apart.
/// Only the prefixes' ranges of the column's sorted dictionary are read, not other readers'
/// values.
fn same_value_ordinals(column: &StrColumn, prefixes: Option<&[String]>) -> Option<Vec<u32>> {
    let prefixes = prefixes.filter(|p| p.len() > 1)?;
    let mut map = vec![u32::MAX; column.num_terms()];
    let mut first: std::collections::HashMap<Vec<u8>, u32> = std::collections::HashMap::new();
    for prefix in prefixes {
        // A reader's prefix ends in `:` (`trimming::scoped_value`): its values run up to the
        // next byte.
        let mut end = prefix.as_bytes().to_vec();
        match end.last_mut() {
            Some(last) if *last < u8::MAX => *last += 1,
            _ => continue,
        }
        // A dictionary that cannot be read counts none of these values (never another's).
        let Ok(mut stream) = column
            .dictionary()
            .range()
            .ge(prefix.as_bytes())
            .lt(&end)
            .into_stream()
        else {
            continue;
        };
        while stream.advance() {
            let ord = stream.term_ord();
            let Some(value) = stream.key().get(prefix.len()..) else {
                continue;
            };
            let Ok(ord32) = u32::try_from(ord) else {
                continue;
            };
            let canonical = *first.entry(value.to_vec()).or_insert(ord32);
            if let Some(slot) = map.get_mut(ord32 as usize) {
                *slot = canonical;
            }
        }
    }
    Some(map)
}

impl SegmentCollector for FacetSegment {
    type Fruit = Vec<BTreeMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut ords = Vec::new();
        let mut firsts = Vec::new();
        for ((column, counts), same_value) in self
            .columns
            .iter()
            .zip(&mut self.counts)
            .zip(&self.same_value)
        {
            let Some(column) = column else { continue };
            if let Some(same_value) = same_value {
                // Several readers' values: each document counts once per shown value.
                for &doc in docs {
                    ords.clear();
                    ords.extend(
                        column
                            .term_ords(doc)
                            .filter_map(|ord| same_value.get(ord as usize).copied())
                            .filter(|&ord| ord != u32::MAX)
                            .map(u64::from),
                    );
                    ords.sort_unstable();
                    ords.dedup();
                    for &ord in &ords {
                        if let Some(count) = counts.get_mut(ord as usize) {
                            *count += 1;
                        }
                    }
                }
                continue;
            }
            if column.ords().get_cardinality() != Cardinality::Multivalued {
                // At most one value per document: read the block's values at once.
                firsts.clear();
                firsts.resize(docs.len(), None);
                column.ords().first_vals(docs, &mut firsts);
                for ord in firsts.iter().flatten() {
                    if let Some(count) = counts.get_mut(*ord as usize) {
                        *count += 1;
                    }
                }
                continue;
            }
            for &doc in docs {
                // A document counts once per value, however often it holds it.
                ords.clear();
                ords.extend(column.term_ords(doc));
                if ords.len() > 1 {
                    ords.sort_unstable();
                    ords.dedup();
                }
                for &ord in &ords {
                    if let Some(count) = counts.get_mut(ord as usize) {
                        *count += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = Vec::with_capacity(self.columns.len());
        let mut value = String::new();
        for ((column, counts), own_prefixes) in
            self.columns.iter().zip(self.counts).zip(&self.own_prefixes)
        {
            let mut values = BTreeMap::new();
            if let Some(column) = column {
                for (ord, count) in counts.into_iter().enumerate() {
                    value.clear();
                    if count == 0 || !column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        continue;
                    }
                    if let Some(shown) = shown(&value, own_prefixes.as_deref()) {
                        values.insert(shown.to_owned(), count);
                    }
                }
            }
            out.push(values);
        }
        out
    }
}

impl Collector for FacetCounts {
    type Fruit = BTreeMap<String, BTreeMap<String, u64>>;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let mut columns = Vec::with_capacity(self.fields.len());
        let mut counts = Vec::with_capacity(self.fields.len());
        let mut same_value = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let column = reader.fast_fields().str(field.column)?;
            counts.push(vec![0; column.as_ref().map_or(0, |c| c.num_terms())]);
            same_value.push(
                column
                    .as_ref()
                    .and_then(|c| same_value_ordinals(c, field.own_prefixes.as_deref())),
            );
            columns.push(column);
        }
        Ok(FacetSegment {
            columns,
            own_prefixes: self.fields.iter().map(|f| f.own_prefixes.clone()).collect(),
            same_value,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<BTreeMap<String, u64>>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut merged: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); self.fields.len()];
        for fruit in fruits {
            for (into, from) in merged.iter_mut().zip(fruit) {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        Ok(self
            .fields
            .iter()
            .zip(merged)
            .map(|(field, counts)| (field.name.to_owned(), most_frequent(counts)))
            .collect())
    }
}

/// The [`FACET_VALUES`] most frequent values (ties by value).
fn most_frequent(counts: BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    if counts.len() <= FACET_VALUES {
        return counts;
    }
    let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(FACET_VALUES);
    ranked.into_iter().collect()
}
