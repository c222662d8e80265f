//! The element matrix: for every charge, every element with the links that bear on it and a
//! status, and the gaps (elements nothing yet supports).
//!
//! Access: the caller passes what the reader may see. A link to an item the reader may not see
//! contributes nothing and does not appear, so neither the statuses nor the gaps reveal that
//! such an item exists; the result says only *that* something was withheld, never how much
//! or where, which is what a reader needs to know not to mistake the matrix for the whole case.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::case::{Assessment, Case, ItemHash, Link, Strength};
use crate::catalogue::ElementKind;

/// How far an element is established by the links the reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElementStatus {
    /// No supporting link (contradicting or context links may exist).
    Unproven,
    /// Supported only by weak links, and nothing contradicts.
    Weak,
    /// Supported by at least one medium or strong link, and nothing contradicts.
    Supported,
    /// Both supported and contradicted: a matter for the analyst, not for counting.
    Contested,
}

impl ElementStatus {
    /// The status of an element from the assessments and strengths of its visible links.
    pub fn of<'a>(links: impl IntoIterator<Item = (Assessment, Strength)> + 'a) -> ElementStatus {
        let (mut support, mut firm_support, mut contradiction) = (false, false, false);
        for (assessment, strength) in links {
            match assessment {
                Assessment::Supports => {
                    support = true;
                    firm_support |= strength > Strength::Weak;
                }
                Assessment::Contradicts => contradiction = true,
                Assessment::Context => {}
            }
        }
        match (support, contradiction, firm_support) {
            (false, _, _) => ElementStatus::Unproven,
            (true, true, _) => ElementStatus::Contested,
            (true, false, false) => ElementStatus::Weak,
            (true, false, true) => ElementStatus::Supported,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ElementStatus::Unproven => "unproven",
            ElementStatus::Weak => "weak",
            ElementStatus::Supported => "supported",
            ElementStatus::Contested => "contested",
        }
    }
}

/// `custodia case matrix REF --json`.
///
/// Rows borrow their text from the [`Case`] they were computed from (a case of 100,000 links
/// would otherwise copy every excerpt for every charge it counts for); a deserialised matrix
/// owns its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix<'a> {
    pub case: Cow<'a, str>,
    pub charges: Vec<ChargeRow<'a>>,
    pub gaps: Vec<Gap<'a>>,
    /// True when links to items the reader may not see were left out; statuses and gaps are
    /// then computed from the links shown only.
    pub withheld: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargeRow<'a> {
    pub charge: Cow<'a, str>,
    pub crime: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub suspect: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode_of_liability: Option<Cow<'a, str>>,
    pub elements: Vec<ElementRow<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementRow<'a> {
    pub id: Cow<'a, str>,
    pub number: u32,
    pub kind: ElementKind,
    pub text: Cow<'a, str>,
    pub status: ElementStatus,
    pub links: Vec<LinkRow<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRow<'a> {
    pub link: Cow<'a, str>,
    /// The item's SHA-256.
    pub item: Cow<'a, str>,
    pub assessment: Assessment,
    pub strength: Strength,
    pub incident: Option<Cow<'a, str>>,
    pub excerpt: Option<Cow<'a, str>>,
}

/// An element that no visible link supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap<'a> {
    pub charge: Cow<'a, str>,
    pub element: Cow<'a, str>,
}

fn borrowed(text: &Option<String>) -> Option<Cow<'_, str>> {
    text.as_deref().map(Cow::Borrowed)
}

impl<'a> LinkRow<'a> {
    fn of(link: &'a Link) -> LinkRow<'a> {
        LinkRow {
            link: Cow::Borrowed(&link.link),
            item: Cow::Borrowed(link.item.as_str()),
            assessment: link.assessment,
            strength: link.strength,
            incident: borrowed(&link.incident),
            excerpt: borrowed(&link.excerpt),
        }
    }
}

/// Asks `visible` once per distinct item: the access decision may be costly (regimes, consents),
/// and a case links the same item to many elements.
pub(crate) struct Visibility<'a, F: Fn(&ItemHash) -> bool> {
    visible: F,
    seen: HashMap<&'a ItemHash, bool>,
    pub(crate) withheld: bool,
}

impl<'a, F: Fn(&ItemHash) -> bool> Visibility<'a, F> {
    pub(crate) fn new(visible: F) -> Self {
        Visibility {
            visible,
            seen: HashMap::new(),
            withheld: false,
        }
    }

    pub(crate) fn check(&mut self, item: &'a ItemHash) -> bool {
        let visible = &self.visible;
        let shown = *self.seen.entry(item).or_insert_with(|| visible(item));
        self.withheld |= !shown;
        shown
    }
}

impl Case {
    /// The element matrix as the reader may see it. `visible` answers whether the reader may
    /// see an item; it is asked once per item.
    pub fn matrix(&self, visible: impl Fn(&ItemHash) -> bool) -> Matrix<'_> {
        let mut access = Visibility::new(visible);
        // One pass over the links, grouped by element, so that the work is linear in links
        // plus elements rather than their product.
        let mut by_element: HashMap<&str, Vec<&Link>> = HashMap::new();
        for link in &self.links {
            if access.check(&link.item) {
                by_element
                    .entry(link.element.as_str())
                    .or_default()
                    .push(link);
            }
        }
        let mut gaps = Vec::new();
        let charges = self
            .charges
            .iter()
            .map(|charge| {
                let elements = charge
                    .elements
                    .iter()
                    .map(|element| {
                        let links: Vec<&Link> = by_element
                            .get(element.id.as_str())
                            .map(|links| {
                                links
                                    .iter()
                                    .copied()
                                    .filter(|l| {
                                        l.charge.as_deref().is_none_or(|c| c == charge.charge)
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let status =
                            ElementStatus::of(links.iter().map(|l| (l.assessment, l.strength)));
                        if status == ElementStatus::Unproven {
                            gaps.push(Gap {
                                charge: Cow::Borrowed(&charge.charge),
                                element: Cow::Borrowed(&element.id),
                            });
                        }
                        ElementRow {
                            id: Cow::Borrowed(&element.id),
                            number: element.number,
                            kind: element.kind,
                            text: Cow::Borrowed(&element.text),
                            status,
                            links: links.into_iter().map(LinkRow::of).collect(),
                        }
                    })
                    .collect();
                ChargeRow {
                    charge: Cow::Borrowed(&charge.charge),
                    crime: Cow::Borrowed(&charge.crime),
                    title: Cow::Borrowed(&charge.title),
                    suspect: borrowed(&charge.suspect),
                    mode_of_liability: borrowed(&charge.mode_of_liability),
                    elements,
                }
            })
            .collect();
        Matrix {
            case: Cow::Borrowed(&self.case),
            charges,
            gaps,
            withheld: access.withheld,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Assessment::*;
    use ElementStatus::{Contested, Supported, Unproven};
    use Strength::{Medium, Strong, Weak};

    #[test]
    fn status_table() {
        let table: &[(&[(Assessment, Strength)], ElementStatus)] = &[
            (&[], Unproven),
            (&[(Context, Strong)], Unproven),
            (&[(Contradicts, Strong)], Unproven),
            (&[(Contradicts, Weak), (Context, Strong)], Unproven),
            (&[(Supports, Weak)], ElementStatus::Weak),
            (
                &[(Supports, Weak), (Supports, Weak), (Context, Strong)],
                ElementStatus::Weak,
            ),
            (&[(Supports, Medium)], Supported),
            (&[(Supports, Weak), (Supports, Strong)], Supported),
            (&[(Supports, Strong), (Context, Weak)], Supported),
            (&[(Supports, Strong), (Contradicts, Weak)], Contested),
            (&[(Supports, Weak), (Contradicts, Strong)], Contested),
            (
                &[(Contradicts, Medium), (Supports, Medium), (Context, Weak)],
                Contested,
            ),
        ];
        for (links, expected) in table {
            assert_eq!(
                ElementStatus::of(links.iter().copied()),
                *expected,
                "{links:?}"
            );
        }
    }
}
