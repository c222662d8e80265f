//! What the search tests share: documents of one originator that everyone with rights reads.

use custodia_access::{ItemFacts, Regime, SubmissionFacts};
use custodia_search::{AccessLabels, IndexDocument, Reader, ReaderProvenance, SearchIndex};

/// Labels of an item supplied by `Iraq` under the open regime.
pub fn open_labels() -> AccessLabels {
    AccessLabels::of(&ItemFacts {
        submissions: vec![SubmissionFacts {
            originator: "Iraq".into(),
            case: None,
            regime: Regime::Open,
        }],
        ..Default::default()
    })
}

/// A plain-text document `id` holding `text`, with open labels.
pub fn document(id: &str, language: Option<&str>, text: &str) -> IndexDocument {
    IndexDocument {
        id: id.to_owned(),
        item: id.to_owned(),
        path: id.to_owned(),
        kind: "text".into(),
        mime: "text/plain".into(),
        language: language.map(str::to_owned),
        originators: vec!["Iraq".into()],
        cases: vec![],
        collections: vec![],
        provenance_by_reader: vec![ReaderProvenance {
            reader: Reader::Organisation("Iraq".into()),
            originators: vec!["Iraq".into()],
            path: id.to_owned(),
            cases: vec![],
            collections: vec![],
        }],
        date: None,
        text: text.to_owned(),
        labels: open_labels(),
    }
}

/// An index in memory of `(id, text)` documents.
pub fn index_of<'a>(
    language: Option<&str>,
    documents: impl IntoIterator<Item = (String, &'a str)>,
) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let mut update = index.update().unwrap();
    for (id, text) in documents {
        update.add(&document(&id, language, text)).unwrap();
    }
    update.commit().unwrap();
    index
}
