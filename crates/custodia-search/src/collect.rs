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
/// provenance column read for one organisation, the prefix of that organisation's values.
pub(crate) struct FacetField {
    name: &'static str,
    column: &'static str,
    own_prefix: Option<String>,
}

impl FacetField {
    /// Every filter field's facet, each read where the reader's filters read it
    /// ([`crate::trimming::FilterColumn`]): for an organisation outside the holder, originator,
    /// case and collection count only the values it sees.
    pub(crate) fn all(fields: &crate::Fields, provenance_of: Option<&str>) -> Vec<FacetField> {
        crate::FILTER_FIELDS
            .iter()
            .filter_map(|&name| {
                let column = crate::trimming::FilterColumn::of(name, fields, provenance_of)?;
                Some(FacetField {
                    name,
                    column: column.name,
                    own_prefix: column.prefix,
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
    /// Per column, the prefix of the values counted (the rest are another's), stripped.
    own_prefixes: Vec<Option<String>>,
    counts: Vec<Vec<u64>>,
}

impl SegmentCollector for FacetSegment {
    type Fruit = Vec<BTreeMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let mut ords = Vec::new();
        let mut firsts = Vec::new();
        for (column, counts) in self.columns.iter().zip(&mut self.counts) {
            let Some(column) = column else { continue };
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
        for ((column, counts), own_prefix) in
            self.columns.iter().zip(self.counts).zip(&self.own_prefixes)
        {
            let mut values = BTreeMap::new();
            if let Some(column) = column {
                for (ord, count) in counts.into_iter().enumerate() {
                    value.clear();
                    if count == 0 || !column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        continue;
                    }
                    let shown = match own_prefix {
                        None => Some(value.as_str()),
                        Some(prefix) => value.strip_prefix(prefix.as_str()),
                    };
                    if let Some(shown) = shown {
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
        for field in &self.fields {
            let column = reader.fast_fields().str(field.column)?;
            counts.push(vec![0; column.as_ref().map_or(0, |c| c.num_terms())]);
            columns.push(column);
        }
        Ok(FacetSegment {
            columns,
            own_prefixes: self.fields.iter().map(|f| f.own_prefix.clone()).collect(),
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
