//! The case as FollowTheMoney entities, for OpenAleph and other tools of that model.
//!
//! Schemas and properties used (all in FollowTheMoney 4's model, checked by
//! `tests/ftm_check.py`):
//!
//! - `CourtCase` for the case (`name`, `caseNumber`);
//! - `Person` for each suspect (`name`), and `CourtCaseParty` tying a charged suspect to the
//!   case (`case`, `party`, `role`, `summary`);
//! - `Event` for each incident (`name`, `startDate`, `endDate`, `location`, `description`);
//! - `Document` for each linked item the reader may see (`title`, `date`, `notes` with the
//!   item's SHA-256: FollowTheMoney's `contentHash` is a SHA-1, so the SHA-256 is not put there);
//! - `Documentation` for each link (`document`, `entity`: the incident's event, or the case when
//!   the link names no incident; `role`: assessment, element and strength; `summary`: excerpt);
//! - `UnknownLink` from a suspect to an incident that a link of one of their charges names
//!   (`subject`, `object`, `role`). It says the analysis relates them, not what the suspect did.
//!
//! Ids are derived from the case's references (and, for documents, from the item's SHA-256
//! alone, so that the same item exported from two cases is one document), hashed so that no
//! reference is readable from an id and the same case always exports the same ids.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::{Case, Charge, ItemHash};
use crate::matrix::Visibility;

/// One entity in FollowTheMoney's JSON form: `{"id", "schema", "properties": {name: [values]}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FtmEntity {
    pub id: String,
    pub schema: String,
    pub properties: BTreeMap<String, Vec<String>>,
}

impl FtmEntity {
    fn new(id: String, schema: &str) -> FtmEntity {
        FtmEntity {
            id,
            schema: schema.to_owned(),
            properties: BTreeMap::new(),
        }
    }

    fn set(&mut self, property: &str, value: impl Into<String>) -> &mut Self {
        let value = value.into();
        if !value.trim().is_empty() {
            self.properties
                .entry(property.to_owned())
                .or_default()
                .push(value);
        }
        self
    }
}

/// A stable, opaque id: `custodia-` and 40 hexadecimal characters of SHA-256 over the parts.
fn entity_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hex::encode(hasher.finalize());
    format!("custodia-{}", &digest[..40])
}

/// Writes entities as JSON lines, the form `ftm` and OpenAleph's importer read.
pub fn to_json_lines(entities: &[FtmEntity]) -> String {
    let mut out = String::new();
    for entity in entities {
        // Strings and maps of strings always serialise.
        out.push_str(&serde_json::to_string(entity).expect("entity serialises"));
        out.push('\n');
    }
    out
}

impl Case {
    /// The case as FollowTheMoney entities, as the reader may see it.
    pub fn ftm_entities(&self, visible: impl Fn(&ItemHash) -> bool) -> Vec<FtmEntity> {
        let mut access = Visibility::new(visible);
        let case_id = entity_id(&["case", &self.case]);
        let mut court_case = FtmEntity::new(case_id.clone(), "CourtCase");
        court_case
            .set("name", &self.case)
            .set("caseNumber", &self.case);
        let mut entities = vec![court_case];

        let mut persons: BTreeMap<&str, String> = BTreeMap::new();
        let mut parties = Vec::new();
        for charge in &self.charges {
            let Some(suspect) = charge.suspect.as_deref() else {
                continue;
            };
            let person_id = persons
                .entry(suspect)
                .or_insert_with(|| entity_id(&["person", &self.case, suspect]))
                .clone();
            let mut party = FtmEntity::new(
                entity_id(&["party", &self.case, &charge.charge]),
                "CourtCaseParty",
            );
            let mut summary = format!(
                "Charge {}: {} {}",
                charge.charge, charge.crime, charge.title
            );
            if let Some(mode) = &charge.mode_of_liability {
                summary.push_str(&format!(" ({mode})"));
            }
            party
                .set("case", &case_id)
                .set("party", person_id)
                .set("role", "suspect")
                .set("summary", summary);
            parties.push(party);
        }
        for (name, id) in &persons {
            let mut person = FtmEntity::new(id.clone(), "Person");
            person.set("name", *name);
            entities.push(person);
        }
        entities.extend(parties);

        // Which charges carry each element, so that relating a link to suspects costs a lookup.
        let mut charges_of: HashMap<&str, Vec<&Charge>> = HashMap::new();
        for charge in &self.charges {
            for element in &charge.elements {
                charges_of.entry(&element.id).or_default().push(charge);
            }
        }
        let mut events: HashMap<&str, String> = HashMap::new();
        for incident in &self.incidents {
            let id = entity_id(&["incident", &self.case, &incident.incident]);
            let mut event = FtmEntity::new(id.clone(), "Event");
            event.set("name", &incident.title);
            if let Some(from) = incident.from {
                event.set("startDate", from.to_string());
            }
            if let Some(to) = incident.to {
                event.set("endDate", to.to_string());
            }
            if let Some(place) = &incident.place {
                event.set("location", place);
            }
            if let Some(description) = &incident.description {
                event.set("description", description);
            }
            events.insert(&incident.incident, id);
            entities.push(event);
        }

        let described: HashMap<&ItemHash, _> =
            self.items.iter().rev().map(|i| (&i.item, i)).collect();
        let mut documents: BTreeMap<&ItemHash, String> = BTreeMap::new();
        let mut documentation = Vec::new();
        // Which suspects' charges each incident is linked to, in a stable order.
        let mut related: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
        for link in &self.links {
            if !access.check(&link.item) {
                continue;
            }
            let document_id = documents
                .entry(&link.item)
                .or_insert_with(|| entity_id(&["item", link.item.as_str()]))
                .clone();
            let target = match link.incident.as_deref().and_then(|i| events.get(i)) {
                Some(event) => event.clone(),
                None => case_id.clone(),
            };
            let mut entity = FtmEntity::new(
                entity_id(&["link", &self.case, &link.link]),
                "Documentation",
            );
            entity
                .set("document", document_id)
                .set("entity", target)
                .set(
                    "role",
                    format!(
                        "{} {} ({})",
                        link.assessment.as_str(),
                        link.element,
                        link.strength.as_str()
                    ),
                );
            if let Some(excerpt) = &link.excerpt {
                entity.set("summary", excerpt);
            }
            if let Some(note) = &link.note {
                entity.set("description", note);
            }
            documentation.push(entity);
            if let Some(incident) = link.incident.as_deref().filter(|i| events.contains_key(i)) {
                let charges = charges_of.get(link.element.as_str()).into_iter().flatten();
                for charge in charges {
                    let applies = link.charge.as_deref().is_none_or(|c| c == charge.charge);
                    if let (true, Some(suspect)) = (applies, charge.suspect.as_deref()) {
                        related.insert((suspect, charge.charge.as_str(), incident));
                    }
                }
            }
        }
        for (item, id) in &documents {
            let mut document = FtmEntity::new(id.clone(), "Document");
            document.set("notes", format!("SHA-256 {item}"));
            if let Some(facts) = described.get(item) {
                document.set("title", &facts.title);
                if let Some(date) = facts.date {
                    document.set("date", date.to_string());
                }
            }
            entities.push(document);
        }
        entities.extend(documentation);
        for (suspect, charge, incident) in related {
            let mut link = FtmEntity::new(
                entity_id(&["related", &self.case, charge, incident]),
                "UnknownLink",
            );
            link.set("subject", persons[suspect].clone())
                .set("object", events[incident].clone())
                .set("role", format!("charge {charge}: linked to this incident"));
            entities.push(link);
        }
        entities
    }
}
