//! [`UnionQuery`]: a union of queries scored as the sum of those that match, for one word of a
//! query (the union of its forms: the normalised word, its stems, its cross-script keys) and for
//! `a OR b` inside a larger query.
//!
//! Tantivy's own union (a `BooleanQuery` of optional clauses) buffers 4,096 documents ahead and
//! refills that window on every jump. Inside an intersection (`ref12 women`: a rare word, then
//! a jump into a common word's postings at each of its documents) that window is refilled for
//! each jump, and most of the time went there. This union jumps each form's postings directly
//! (through their skip lists), so its cost follows the documents asked for. A query of one word
//! alone keeps tantivy's union, whose block-max WAND finds the best hits fastest.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// The union of some queries (a word's forms, or the parts of an `OR`), scored as the sum of
/// those that match.
#[derive(Debug)]
pub(crate) struct UnionQuery {
    forms: Vec<Box<dyn Query>>,
}

impl UnionQuery {
    pub fn new(forms: Vec<Box<dyn Query>>) -> Self {
        Self { forms }
    }
}

impl Clone for UnionQuery {
    fn clone(&self) -> Self {
        Self {
            forms: self.forms.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for UnionQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .forms
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(UnionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for form in &self.forms {
            form.query_terms(visitor);
        }
    }
}

struct UnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut forms = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                forms.push(scorer);
            }
        }
        Ok(match forms.len() {
            0 => Box::new(EmptyScorer),
            1 => forms.remove(0),
            _ => Box::new(UnionScorer::new(forms)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut total = 0.0;
        let mut parts = Vec::new();
        for weight in &self.weights {
            let mut scorer = weight.scorer(reader, 1.0)?;
            if scorer.doc() <= doc && scorer.seek(doc) == doc {
                let explanation = weight.explain(reader, doc)?;
                total += explanation.value();
                parts.push(explanation);
            }
        }
        if parts.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the word's matching forms", total);
        for part in parts {
            explanation.add_detail(part);
        }
        Ok(explanation)
    }
}

/// The union of a few scorers (a word has a handful of forms; an `OR` a few parts), merged by
/// comparing their current documents.
struct UnionScorer {
    forms: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl UnionScorer {
    fn new(forms: Vec<Box<dyn Scorer>>) -> Self {
        let doc = forms.iter().map(|f| f.doc()).min().unwrap_or(TERMINATED);
        Self { forms, doc }
    }

    fn settle(&mut self) -> DocId {
        self.doc = self
            .forms
            .iter()
            .map(|f| f.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        for form in &mut self.forms {
            if form.doc() == current {
                form.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for form in &mut self.forms {
            if form.doc() < target {
                form.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.forms.iter().map(|f| f.size_hint()).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.forms.iter().map(|f| f.cost()).sum()
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        let current = self.doc;
        self.forms
            .iter_mut()
            .filter(|f| f.doc() == current)
            .map(|f| f.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, STRING};
    use tantivy::{doc, Index};

    /// The union matches and scores as tantivy's, alone and inside an intersection.
    #[test]
    fn matches_and_scores_like_a_union_of_optional_clauses() {
        let mut b = Schema::builder();
        let a = b.add_text_field("a", STRING);
        let c = b.add_text_field("c", STRING);
        let index = Index::create_in_ram(b.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..5_000u32 {
            let mut d = doc!();
            if i % 3 == 0 {
                d.add_text(a, "x");
            }
            if i % 5 == 0 {
                d.add_text(c, "x");
            }
            if i % 97 == 0 {
                d.add_text(c, "rare");
            }
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = |f, t: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, t),
                IndexRecordOption::WithFreqs,
            ))
        };
        let forms = || vec![term(a, "x"), term(c, "x"), term(a, "missing")];
        let ours: Box<dyn Query> = Box::new(UnionQuery::new(forms()));
        let tantivys: Box<dyn Query> = Box::new(BooleanQuery::new(
            forms().into_iter().map(|q| (Occur::Should, q)).collect(),
        ));
        for (ours, theirs) in [
            (ours.box_clone(), tantivys.box_clone()),
            (
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, term(c, "rare")),
                    (Occur::Must, ours),
                ])) as Box<dyn Query>,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, term(c, "rare")),
                    (Occur::Must, tantivys),
                ])) as Box<dyn Query>,
            ),
        ] {
            let collector = (TopDocs::with_limit(10_000).order_by_score(), Count);
            let (mut got, got_count) = searcher.search(&ours, &collector).unwrap();
            let (mut want, want_count) = searcher.search(&theirs, &collector).unwrap();
            assert_eq!(got_count, want_count);
            got.sort_by_key(|(_, address)| *address);
            want.sort_by_key(|(_, address)| *address);
            assert_eq!(got.len(), want.len());
            for ((gs, ga), (ws, wa)) in got.iter().zip(&want) {
                assert_eq!(ga, wa);
                assert!((gs - ws).abs() < 1e-4, "{gs} vs {ws}");
            }
        }
    }
}
