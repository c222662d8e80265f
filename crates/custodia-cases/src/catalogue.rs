//! The crimes and their elements, and the modes of liability, as data.
//!
//! The shipped file `data/elements-of-crimes.json` holds every crime of articles 6, 7 and 8 of
//! the Rome Statute with its elements as the ICC's Elements of Crimes number them, and the modes
//! of liability of articles 25(3) and 28 as element sets of their own. A custodian adds further
//! codes (a national law, say) from a file of the same shape through [`CrimeCatalogue::import`].
//!
//! 8(2)(b)(xx) is absent: the Elements of Crimes give it no elements until an annex to the
//! Statute lists the weapons it refers to, so there is nothing to prove and nothing to chart.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The only file format this build reads and writes.
pub const FORMAT: u32 = 1;

/// The shipped catalogue's text, compiled in so that every binary charges against the same
/// edition of the elements whatever its working directory.
pub const SHIPPED_JSON: &str = include_str!("../data/elements-of-crimes.json");

/// What an element asks to be proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElementKind {
    /// Conduct, consequence or circumstance.
    Material,
    /// Intent, knowledge or awareness of the perpetrator.
    Mental,
    /// The context that makes conduct an international crime (a manifest pattern, a widespread
    /// or systematic attack, an armed conflict) and the awareness of it: the Elements'
    /// introductions to articles 7 and 8 treat the last two elements of each crime together.
    Contextual,
}

impl ElementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Material => "material",
            ElementKind::Mental => "mental",
            ElementKind::Contextual => "contextual",
        }
    }
}

/// Whether an entry is a crime or a way of taking part in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Crime,
    ModeOfLiability,
}

/// One numbered element of a crime or mode of liability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// `<code>/<number>`, e.g. `7(1)(a)/1`: unique across the catalogue, so that a link names
    /// an element without naming its crime.
    pub id: String,
    pub number: u32,
    pub kind: ElementKind,
    pub text: String,
}

/// A crime (or mode of liability) with its elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crime {
    /// The code as the Elements head it, without spaces: `6(a)`, `7(1)(g)-1`, `8(2)(e)(vi)-1`.
    pub code: String,
    pub category: Category,
    pub article: String,
    pub title: String,
    /// Where the text comes from when it is not the catalogue's edition (an amendment adopted
    /// after it, or, for modes of liability, the Statute and the jurisprudence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub elements: Vec<Element>,
}

impl Crime {
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }
}

/// The file as written: `{ "format", "edition", "source", "crimes" }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    pub format: u32,
    pub edition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub crimes: Vec<Crime>,
}

/// Why a catalogue was refused. Each names the code and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("the crimes file is not valid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the crimes file has format {found}; this version reads format {FORMAT}")]
    Format { found: u32 },
    #[error("the crimes file names no edition")]
    NoEdition,
    #[error("crime code `{code}` is empty or contains white space; write it as the Elements head it, e.g. `7(1)(a)`")]
    BadCode { code: String },
    #[error("crime code `{code}` appears more than once")]
    DuplicateCode { code: String },
    #[error("crime `{code}` has an empty {field}")]
    EmptyField { code: String, field: &'static str },
    #[error("crime `{code}` has no elements")]
    NoElements { code: String },
    #[error("crime `{code}`: element {position} is numbered {found}; elements are numbered 1, 2, 3 … in order")]
    ElementNumber {
        code: String,
        position: usize,
        found: u32,
    },
    #[error("crime `{code}`: element {number} has id `{found}`; it must be `{expected}`")]
    ElementId {
        code: String,
        number: u32,
        found: String,
        expected: String,
    },
    #[error("crime `{code}`: element {number} has no text")]
    EmptyText { code: String, number: u32 },
    #[error("crime `{code}` is already in the catalogue with other elements or title; an import may repeat a code only unchanged\n\nhint: give the imported crime a code of its own, e.g. prefixed with the law's name")]
    Clash { code: String },
}

/// What an import added and what it found already present, unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub added: Vec<String>,
    pub unchanged: Vec<String>,
}

/// A validated catalogue: codes unique, elements numbered 1..n with ids `<code>/<n>`, no empty
/// text. Fields are private so that nothing unvalidated is ever looked up.
#[derive(Debug, Clone)]
pub struct CrimeCatalogue {
    edition: String,
    source: Option<String>,
    crimes: Vec<Crime>,
    by_code: HashMap<String, usize>,
    by_element: HashMap<String, (usize, usize)>,
}

impl CrimeCatalogue {
    /// The shipped catalogue, parsed and validated once per process.
    pub fn shipped() -> &'static CrimeCatalogue {
        static SHIPPED: OnceLock<CrimeCatalogue> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            // The file is compiled in and checked by this crate's tests, so a failure here is a
            // build that should never have been released, not bad input.
            CrimeCatalogue::from_json(SHIPPED_JSON).expect("the shipped crimes file is valid")
        })
    }

    /// Parses and validates a catalogue file.
    pub fn from_json(text: &str) -> Result<CrimeCatalogue, CatalogueError> {
        let file: CatalogueFile = serde_json::from_str(text)?;
        CrimeCatalogue::from_file(file)
    }

    pub fn from_file(file: CatalogueFile) -> Result<CrimeCatalogue, CatalogueError> {
        if file.format != FORMAT {
            return Err(CatalogueError::Format { found: file.format });
        }
        if file.edition.trim().is_empty() {
            return Err(CatalogueError::NoEdition);
        }
        let mut catalogue = CrimeCatalogue {
            edition: file.edition,
            source: file.source,
            crimes: Vec::with_capacity(file.crimes.len()),
            by_code: HashMap::new(),
            by_element: HashMap::new(),
        };
        for crime in file.crimes {
            validate_crime(&crime)?;
            if catalogue.by_code.contains_key(&crime.code) {
                return Err(CatalogueError::DuplicateCode { code: crime.code });
            }
            catalogue.push(crime);
        }
        Ok(catalogue)
    }

    fn push(&mut self, crime: Crime) {
        let index = self.crimes.len();
        self.by_code.insert(crime.code.clone(), index);
        for (position, element) in crime.elements.iter().enumerate() {
            self.by_element
                .insert(element.id.clone(), (index, position));
        }
        self.crimes.push(crime);
    }

    pub fn edition(&self) -> &str {
        &self.edition
    }

    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// Every entry, in the file's order (shipped ones first, then imports in import order).
    pub fn crimes(&self) -> &[Crime] {
        &self.crimes
    }

    pub fn get(&self, code: &str) -> Option<&Crime> {
        self.by_code.get(code).map(|&i| &self.crimes[i])
    }

    /// The element with this id and the entry it belongs to.
    pub fn element(&self, id: &str) -> Option<(&Crime, &Element)> {
        self.by_element.get(id).map(|&(c, e)| {
            let crime = &self.crimes[c];
            (crime, &crime.elements[e])
        })
    }

    /// Adds the entries of another catalogue of the same shape. A code already present is
    /// accepted only if the entry is identical (importing the same file twice is harmless);
    /// otherwise nothing is added, so a charge never finds its elements changed under it.
    pub fn import(&mut self, other: CrimeCatalogue) -> Result<ImportReport, CatalogueError> {
        let mut report = ImportReport::default();
        for crime in &other.crimes {
            if let Some(existing) = self.get(&crime.code) {
                if existing != crime {
                    return Err(CatalogueError::Clash {
                        code: crime.code.clone(),
                    });
                }
            }
        }
        for crime in other.crimes {
            if self.by_code.contains_key(&crime.code) {
                report.unchanged.push(crime.code);
            } else {
                report.added.push(crime.code.clone());
                self.push(crime);
            }
        }
        Ok(report)
    }

    /// The catalogue in its file shape, for `crimes list --json` and for storing.
    pub fn to_file(&self) -> CatalogueFile {
        CatalogueFile {
            format: FORMAT,
            edition: self.edition.clone(),
            source: self.source.clone(),
            crimes: self.crimes.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and enums into a String cannot fail.
        serde_json::to_string_pretty(&self.to_file()).expect("catalogue serialises")
    }
}

fn validate_crime(crime: &Crime) -> Result<(), CatalogueError> {
    let code = &crime.code;
    if code.is_empty() || code.chars().any(char::is_whitespace) {
        return Err(CatalogueError::BadCode { code: code.clone() });
    }
    if crime.title.trim().is_empty() {
        return Err(CatalogueError::EmptyField {
            code: code.clone(),
            field: "title",
        });
    }
    if crime.article.trim().is_empty() {
        return Err(CatalogueError::EmptyField {
            code: code.clone(),
            field: "article",
        });
    }
    if crime.elements.is_empty() {
        return Err(CatalogueError::NoElements { code: code.clone() });
    }
    for (position, element) in crime.elements.iter().enumerate() {
        let expected_number = position as u32 + 1;
        if element.number != expected_number {
            return Err(CatalogueError::ElementNumber {
                code: code.clone(),
                position: position + 1,
                found: element.number,
            });
        }
        let expected_id = format!("{code}/{expected_number}");
        if element.id != expected_id {
            return Err(CatalogueError::ElementId {
                code: code.clone(),
                number: element.number,
                found: element.id.clone(),
                expected: expected_id,
            });
        }
        if element.text.trim().is_empty() {
            return Err(CatalogueError::EmptyText {
                code: code.clone(),
                number: element.number,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(crimes: serde_json::Value) -> String {
        serde_json::json!({"format": 1, "edition": "test", "crimes": crimes}).to_string()
    }

    fn crime(code: &str, elements: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"code": code, "category": "crime", "article": "1", "title": "t", "elements": elements})
    }

    #[test]
    fn shipped_catalogue_loads() {
        let catalogue = CrimeCatalogue::shipped();
        assert!(catalogue.get("7(1)(a)").is_some());
        let (crime, element) = catalogue.element("7(1)(a)/2").unwrap();
        assert_eq!(crime.code, "7(1)(a)");
        assert_eq!(element.kind, ElementKind::Contextual);
    }

    #[test]
    fn refusals_name_the_code_and_the_problem() {
        let cases = [
            (
                file(serde_json::json!([crime("A 1", serde_json::json!([]))])),
                "`A 1` is empty or contains white space",
            ),
            (
                file(serde_json::json!([crime("A", serde_json::json!([]))])),
                "crime `A` has no elements",
            ),
            (
                file(serde_json::json!([crime(
                    "A",
                    serde_json::json!([{"id": "A/2", "number": 2, "kind": "material", "text": "x"}])
                )])),
                "element 1 is numbered 2",
            ),
            (
                file(serde_json::json!([crime(
                    "A",
                    serde_json::json!([{"id": "B/1", "number": 1, "kind": "material", "text": "x"}])
                )])),
                "has id `B/1`; it must be `A/1`",
            ),
            (
                file(serde_json::json!([crime(
                    "A",
                    serde_json::json!([{"id": "A/1", "number": 1, "kind": "material", "text": " "}])
                )])),
                "element 1 has no text",
            ),
            (
                file(serde_json::json!([crime(
                    "A",
                    serde_json::json!([{"id": "A/1", "number": 1, "kind": "physical", "text": "x"}])
                )])),
                "unknown variant `physical`",
            ),
        ];
        for (text, expected) in cases {
            let error = CrimeCatalogue::from_json(&text).unwrap_err().to_string();
            assert!(
                error.contains(expected),
                "{error:?} should contain {expected:?}"
            );
        }
        let element =
            serde_json::json!([{"id": "A/1", "number": 1, "kind": "material", "text": "x"}]);
        let twice = file(serde_json::json!([
            crime("A", element.clone()),
            crime("A", element)
        ]));
        assert!(matches!(
            CrimeCatalogue::from_json(&twice),
            Err(CatalogueError::DuplicateCode { code }) if code == "A"
        ));
        let format2 = serde_json::json!({"format": 2, "edition": "x", "crimes": []}).to_string();
        assert!(matches!(
            CrimeCatalogue::from_json(&format2),
            Err(CatalogueError::Format { found: 2 })
        ));
    }

    #[test]
    fn import_refuses_a_changed_shipped_code_and_adds_nothing() {
        let mut catalogue = CrimeCatalogue::shipped().clone();
        let before = catalogue.crimes().len();
        let element = serde_json::json!([{"id": "7(1)(a)/1", "number": 1, "kind": "material", "text": "changed"}]);
        let new =
            serde_json::json!([{"id": "NL-WIM-4/1", "number": 1, "kind": "material", "text": "x"}]);
        let other = CrimeCatalogue::from_json(&file(serde_json::json!([
            crime("NL-WIM-4", new),
            crime("7(1)(a)", element)
        ])))
        .unwrap();
        let error = catalogue.import(other).unwrap_err();
        assert!(matches!(&error, CatalogueError::Clash { code } if code == "7(1)(a)"));
        assert_eq!(catalogue.crimes().len(), before);
        assert!(catalogue.get("NL-WIM-4").is_none());
    }
}
