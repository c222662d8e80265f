//! Cases' analysis in the vault: the crimes charged against (shipped and imported), charges,
//! incidents and links from items to elements, each change with its custody entry; and the
//! analysis as one reader may see it ([`CaseAnalysis`]), from which the matrix, timeline, map and
//! FollowTheMoney entities of `custodia-cases` are computed.
//!
//! Two questions decide what a reader sees. Whether they may see the case's analysis at all is
//! `custodia_access::decide_case` (members of the case and the holder's custodians); which links
//! they see is [`Vault::authorise`] per linked item (reading its content, since a link shows an
//! excerpt of it): a link to an item they may not read contributes nothing to the statuses and
//! gaps, and the results say only that something was withheld.
//!
//! Custody entries of these changes concern no item (an analysis is not an action on the
//! evidence, and an item's history is shown to parties who must not learn of a case), and their
//! details hold references and hashes: the suspect's name, an incident's text, an excerpt and a
//! note appear only as SHA-256, so that opening an entry for an overseer proves what was said
//! without the log becoming a second copy of the case file.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use custodia_access::{decide_case, Action, CaseAction, ItemFacts, Principal};
use custodia_blobstore::ContentHash;
use custodia_cases::{
    Assessment, Case, CaseItem, Charge, CrimeCatalogue, FeatureCollection, FtmEntity, Incident,
    ItemHash, Link, Location, Matrix, PartialDate, Strength, TimeRange, Timeline,
};
use custodia_catalog::{
    AccessChange, CaseChargeRow, CaseIncidentRow, CaseItemRow, CaseLinkRow, CrimeImportRow,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::access::Change;
use crate::custody::{self, action};
use crate::{Result, Vault, VaultError};

/// The precision given to a position read from a photograph's EXIF GPS tags, which carry none
/// we read: a phone's fix outdoors is good to some tens of metres, so 50 m claims no more than
/// such a position supports.
pub const EXIF_GPS_PRECISION_M: f64 = 50.0;

/// One element of a crime, as the command line and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ElementView {
    /// `<code>/<number>`, e.g. `7(1)(a)/1`.
    pub id: String,
    pub number: u32,
    /// `material`, `mental` or `contextual`.
    pub kind: &'static str,
    pub text: String,
}

impl ElementView {
    fn of(element: &custodia_cases::Element) -> ElementView {
        ElementView {
            id: element.id.clone(),
            number: element.number,
            kind: element.kind.as_str(),
            text: element.text.clone(),
        }
    }
}

/// A charge laid: `custodia case charge add --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChargeLaid {
    pub case: String,
    /// The charge's reference in the case, `C1`, `C2` …
    pub charge: String,
    pub crime: String,
    #[schema(required)]
    pub mode_of_liability: Option<String>,
    /// The crime's elements, then the mode of liability's, as copied into the charge.
    pub elements: Vec<ElementView>,
    pub ledger_index: u64,
}

/// An incident added: `custodia case incident add --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentAdded {
    pub case: String,
    /// The incident's reference in the case, `I1`, `I2` …
    pub incident: String,
    pub ledger_index: u64,
}

/// A link added or taken back: `custodia case link` / `unlink --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkChanged {
    pub case: String,
    /// The link's reference in the case, `L1`, `L2` …
    pub link: String,
    pub ledger_index: u64,
}

/// Crimes imported: `custodia crimes import --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CrimesImported {
    pub edition: String,
    /// SHA-256 of the file as given.
    pub sha256: String,
    /// Codes new to the vault.
    pub added: Vec<String>,
    /// Codes the vault held already, identical.
    pub unchanged: Vec<String>,
    pub ledger_index: u64,
}

/// An incident to add; its reference is given by the vault.
#[derive(Debug, Clone, Default)]
pub struct NewIncident {
    pub title: String,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    pub place: Option<String>,
    pub location: Option<Location>,
    pub description: Option<String>,
}

/// A link to add; its reference is given by the vault.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// The element's id, `<code>/<number>`; one of a charge of the case.
    pub element: String,
    pub item: ContentHash,
    pub assessment: Assessment,
    pub strength: Strength,
    /// Restricts the link to one charge (`C1`); else it counts for every charge with the element.
    pub charge: Option<String>,
    pub incident: Option<String>,
    pub excerpt: Option<String>,
    pub page: Option<u32>,
    pub time: Option<TimeRange>,
    pub note: Option<String>,
}

/// A case's analysis as one reader may see it: the computations of `custodia-cases` run on it
/// with the reader's visibility, decided once per linked item when it was read.
#[derive(Debug, Clone)]
pub struct CaseAnalysis {
    pub case: Case,
    pub title: Option<String>,
    visible: HashSet<ItemHash>,
}

/// A linked item the reader may see, with the custody entry that proves its preservation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseItemProof {
    pub sha256: String,
    pub title: String,
    /// Position in the custody log of the item's first preservation (its ingest), if logged.
    #[schema(required)]
    pub ledger_index: Option<u64>,
    /// The links of the case to this item the reader sees, by reference.
    pub links: Vec<String>,
}

impl CaseAnalysis {
    fn shows(&self, item: &ItemHash) -> bool {
        self.visible.contains(item)
    }

    /// The element matrix and gaps (`custodia case matrix`).
    pub fn matrix(&self) -> Matrix<'_> {
        self.case.matrix(|item| self.shows(item))
    }

    /// Incidents and linked items in date order (`custodia case timeline`).
    pub fn timeline(&self) -> Timeline {
        self.case.timeline(|item| self.shows(item))
    }

    /// Incidents and linked items with a place, as GeoJSON (`custodia case map`).
    pub fn geojson(&self) -> FeatureCollection {
        self.case.geojson(|item| self.shows(item))
    }

    /// FollowTheMoney entities for OpenAleph (`custodia case export --format ftm`).
    pub fn ftm_entities(&self) -> Vec<FtmEntity> {
        self.case.ftm_entities(|item| self.shows(item))
    }

    /// Whether links to items the reader may not see were left out.
    pub fn withheld(&self) -> bool {
        self.case.links.iter().any(|l| !self.shows(&l.item))
    }

    /// The links the reader sees, in the case's order.
    pub fn visible_links(&self) -> impl Iterator<Item = &Link> {
        self.case.links.iter().filter(|l| self.shows(&l.item))
    }
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Vault {
    /// The digest of an analyst's text that custody details may carry: HMAC-SHA256 under the
    /// vault's case text key (hex). A plain hash of a suspect's name, an excerpt or a note
    /// would let whoever reads the log confirm a guess offline.
    pub(crate) fn case_text_digest(&self, text: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.case_text_key);
        hex::encode(ring::hmac::sign(&key, text.as_bytes()).as_ref())
    }

    fn optional_digest(&self, text: &Option<String>) -> serde_json::Value {
        text.as_deref().map(|t| self.case_text_digest(t)).into()
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// `C12` → 12 for the prefix `C`.
fn number_of(reference: &str, prefix: char) -> Option<u64> {
    let digits = reference.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    digits.parse().ok()
}

fn invalid_data(what: &str, case: &str, detail: impl std::fmt::Display) -> VaultError {
    VaultError::Invalid(format!(
        "the catalog holds an unreadable {what} of case `{case}`: {detail}"
    ))
}

fn parse_assessment(text: &str) -> Option<Assessment> {
    Some(match text {
        "supports" => Assessment::Supports,
        "contradicts" => Assessment::Contradicts,
        "context" => Assessment::Context,
        _ => return None,
    })
}

fn parse_strength(text: &str) -> Option<Strength> {
    Some(match text {
        "weak" => Strength::Weak,
        "medium" => Strength::Medium,
        "strong" => Strength::Strong,
        _ => return None,
    })
}

/// `2014:08:03 06:15:00` (EXIF), `2014-08-03T06:15:00Z`, `D:20140803…` (PDF): the day, if the
/// text starts with a plausible one.
fn loose_day(text: &str) -> Option<PartialDate> {
    let digits: String = text
        .trim_start_matches("D:")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(8)
        .collect();
    if digits.len() < 8 {
        return None;
    }
    format!("{}-{}-{}", &digits[0..4], &digits[4..6], &digits[6..8])
        .parse()
        .ok()
}

impl Vault {
    /// The crimes a charge may name: the shipped Elements of Crimes and every file imported
    /// since, in the order imported.
    pub fn crime_catalogue(&self) -> Result<CrimeCatalogue> {
        let mut catalogue = CrimeCatalogue::shipped().clone();
        for row in self.catalog.crime_imports()? {
            let imported = CrimeCatalogue::from_json(&row.body).map_err(|e| {
                VaultError::Invalid(format!("the crimes imported as row {}: {e}", row.id))
            })?;
            catalogue.import(imported).map_err(|e| {
                VaultError::Invalid(format!("the crimes imported as row {}: {e}", row.id))
            })?;
        }
        Ok(catalogue)
    }

    /// The crimes, for anyone with an account: the law is no secret.
    pub fn crimes(&self, actor: &str) -> Result<CrimeCatalogue> {
        self.principal(actor)?;
        self.crime_catalogue()
    }

    pub(crate) fn require_case(
        &self,
        who: &Principal,
        action: CaseAction,
        case: &str,
    ) -> Result<()> {
        let decision = decide_case(who, action, case);
        if !decision.allowed {
            tracing::info!(user = %who.user, ?action, "case access denied");
            // Someone who may not read the case learns nothing of it, not even that it exists.
            if action == CaseAction::ReadAnalysis
                || !decide_case(who, CaseAction::ReadAnalysis, case).allowed
            {
                return Err(VaultError::NotPermitted(format!(
                    "no case `{case}` you may read (only its members and the holder's custodians see a case's analysis)"
                )));
            }
            return Err(VaultError::NotPermitted(decision.reason.to_owned()));
        }
        if self.catalog.case(case)?.is_none() {
            return Err(VaultError::Invalid(format!(
                "no case `{case}`\n\nhint: `custodia case add {case}` adds it"
            )));
        }
        Ok(())
    }

    /// Imports crime codes from a file of the shipped file's shape (a national law, say). A code
    /// the vault holds already must be identical; new codes are added; nothing is ever changed.
    pub fn import_crimes(&mut self, actor: &str, text: &str) -> Result<CrimesImported> {
        let who = self.principal(actor)?;
        let decision = decide_case(&who, CaseAction::ImportCrimes, "");
        if !decision.allowed {
            return Err(VaultError::NotPermitted(decision.reason.to_owned()));
        }
        let imported =
            CrimeCatalogue::from_json(text).map_err(|e| VaultError::Invalid(format!("{e}")))?;
        let mut catalogue = self.crime_catalogue()?;
        let mut file = imported.to_file();
        let report = catalogue
            .import(imported)
            .map_err(|e| VaultError::Invalid(format!("{e}")))?;
        // Only the new codes are stored: the others are in the catalogue already, unchanged.
        file.crimes.retain(|c| report.added.contains(&c.code));
        let sha256 = sha256_hex(text);
        let rows = if file.crimes.is_empty() {
            Vec::new()
        } else {
            vec![AccessChange::ImportCrimes(CrimeImportRow {
                id: 0,
                edition: file.edition.clone(),
                body: serde_json::to_string(&file)
                    .map_err(|e| VaultError::Invalid(format!("cannot store the crimes: {e}")))?,
                imported_at: custody::now(),
                imported_by: actor.to_owned(),
            })]
        };
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::CRIMES_IMPORT,
                item: None,
                details: json!({
                    "sha256": sha256,
                    "edition": file.edition,
                    "added": report.added,
                    "unchanged": report.unchanged.len(),
                }),
                rows,
            },
        )?;
        Ok(CrimesImported {
            edition: file.edition,
            sha256,
            added: report.added,
            unchanged: report.unchanged,
            ledger_index,
        })
    }

    /// Lays a charge of `crime` (with the elements of the mode of liability `mode` after the
    /// crime's own) against `suspect` in case `case`.
    pub fn add_charge(
        &mut self,
        actor: &str,
        case: &str,
        crime: &str,
        suspect: Option<&str>,
        mode: Option<&str>,
    ) -> Result<ChargeLaid> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::ChangeAnalysis, case)?;
        let catalogue = self.crime_catalogue()?;
        let unknown = |code: &str, what: &str| {
            VaultError::Invalid(format!(
                "`{code}` is not {what} of this vault\n\nhint: `custodia crimes list` shows the codes"
            ))
        };
        let crime = catalogue
            .get(crime)
            .filter(|c| c.category == custodia_cases::Category::Crime)
            .ok_or_else(|| unknown(crime, "a crime"))?;
        let mode = match mode {
            Some(code) => Some(
                catalogue
                    .get(code)
                    .filter(|c| c.category == custodia_cases::Category::ModeOfLiability)
                    .ok_or_else(|| unknown(code, "a mode of liability"))?,
            ),
            None => None,
        };
        let suspect = non_empty(suspect.map(str::to_owned));
        let number = self.catalog.case_numbers(case)?.charges + 1;
        let reference = format!("C{number}");
        let charge = Charge::new(case, &reference, crime, mode, suspect.as_deref())
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        let elements = serde_json::to_string(&charge.elements)
            .map_err(|e| VaultError::Invalid(format!("cannot store the elements: {e}")))?;
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::CASE_CHARGE_ADD,
                item: None,
                details: json!({
                    "case": case,
                    "charge": reference,
                    "crime": charge.crime,
                    "mode_of_liability": charge.mode_of_liability,
                    "suspect_digest": self.optional_digest(&charge.suspect),
                    "elements_sha256": sha256_hex(&elements),
                }),
                rows: vec![AccessChange::AddCharge(CaseChargeRow {
                    case_ref: case.to_owned(),
                    number,
                    crime: charge.crime.clone(),
                    title: charge.title.clone(),
                    suspect: charge.suspect.clone(),
                    mode_of_liability: charge.mode_of_liability.clone(),
                    elements,
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )?;
        Ok(ChargeLaid {
            case: case.to_owned(),
            charge: reference,
            crime: charge.crime,
            mode_of_liability: charge.mode_of_liability,
            elements: charge.elements.iter().map(ElementView::of).collect(),
            ledger_index,
        })
    }

    /// Adds an incident to case `case`.
    pub fn add_incident(
        &mut self,
        actor: &str,
        case: &str,
        new: NewIncident,
    ) -> Result<IncidentAdded> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::ChangeAnalysis, case)?;
        let number = self.catalog.case_numbers(case)?.incidents + 1;
        let incident = Incident {
            incident: format!("I{number}"),
            title: new.title.trim().to_owned(),
            from: new.from,
            to: new.to,
            place: non_empty(new.place),
            location: new.location,
            description: non_empty(new.description),
        };
        incident
            .validate()
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        let body = serde_json::to_string(&incident)
            .map_err(|e| VaultError::Invalid(format!("cannot store the incident: {e}")))?;
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::CASE_INCIDENT_ADD,
                item: None,
                details: json!({
                    "case": case,
                    "incident": incident.incident,
                    "digest": self.case_text_digest(&body),
                }),
                rows: vec![AccessChange::AddIncident(CaseIncidentRow {
                    case_ref: case.to_owned(),
                    number,
                    body,
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )?;
        Ok(IncidentAdded {
            case: case.to_owned(),
            incident: incident.incident,
            ledger_index,
        })
    }

    /// Links an item to an element of a charge of case `case`. The actor must be able to read
    /// the item; an item they may not know of is reported as absent.
    pub fn link_item(&mut self, actor: &str, case: &str, new: NewLink) -> Result<LinkChanged> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::ChangeAnalysis, case)?;
        self.authorise(&who, Action::ViewContent, &new.item, None)?;
        let rows = self.catalog.case_analysis(case)?;
        let mut charges = Vec::with_capacity(rows.charges.len());
        for row in &rows.charges {
            let elements: Vec<custodia_cases::Element> =
                serde_json::from_str(&row.elements).map_err(|e| invalid_data("charge", case, e))?;
            charges.push((format!("C{}", row.number), elements));
        }
        let bears =
            |elements: &[custodia_cases::Element]| elements.iter().any(|e| e.id == new.element);
        match &new.charge {
            Some(charge) => {
                let (_, elements) = charges
                    .iter()
                    .find(|(reference, _)| reference == charge)
                    .ok_or_else(|| {
                        VaultError::Invalid(format!("case `{case}` has no charge `{charge}`"))
                    })?;
                if !bears(elements) {
                    return Err(VaultError::Invalid(format!(
                        "charge `{charge}` of case `{case}` has no element `{}`\n\nhint: `custodia case matrix {case}` lists each charge's elements",
                        new.element
                    )));
                }
            }
            None if !charges.iter().any(|(_, elements)| bears(elements)) => {
                return Err(VaultError::Invalid(format!(
                    "no charge of case `{case}` has the element `{}`\n\nhint: `custodia case matrix {case}` lists each charge's elements; lay the charge first",
                    new.element
                )));
            }
            None => {}
        }
        if let Some(incident) = &new.incident {
            let known = number_of(incident, 'I')
                .is_some_and(|n| rows.incidents.iter().any(|i| i.number == n));
            if !known {
                return Err(VaultError::Invalid(format!(
                    "case `{case}` has no incident `{incident}`"
                )));
            }
        }
        let excerpt = non_empty(new.excerpt);
        let note = non_empty(new.note);
        let number = self.catalog.case_numbers(case)?.links + 1;
        let reference = format!("L{number}");
        let sha = new.item.to_hex();
        let link = Link {
            link: reference.clone(),
            element: new.element.clone(),
            item: sha
                .parse()
                .map_err(|e: custodia_cases::InputError| VaultError::Invalid(e.to_string()))?,
            assessment: new.assessment,
            strength: new.strength,
            charge: new.charge.clone(),
            incident: new.incident.clone(),
            excerpt: excerpt.clone(),
            page: new.page,
            time: new.time,
            note: note.clone(),
        };
        link.validate()
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        let facts = self.kept_case_item_facts(&new.item)?;
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::CASE_LINK,
                item: None,
                details: json!({
                    "case": case,
                    "link": reference,
                    "element": link.element,
                    "item": sha,
                    "assessment": link.assessment.as_str(),
                    "strength": link.strength.as_str(),
                    "charge": link.charge,
                    "incident": link.incident,
                    "page": link.page,
                    "time": link.time.map(|t| t.to_string()),
                    "excerpt_digest": self.optional_digest(&excerpt),
                    "note_digest": self.optional_digest(&note),
                }),
                rows: vec![AccessChange::AddLink {
                    link: CaseLinkRow {
                        case_ref: case.to_owned(),
                        number,
                        element: link.element.clone(),
                        sha256: sha.clone(),
                        assessment: link.assessment.as_str().to_owned(),
                        strength: link.strength.as_str().to_owned(),
                        charge: link.charge.clone(),
                        incident: link.incident.clone(),
                        excerpt,
                        page: link.page.map(u64::from),
                        time_range: link.time.map(|t| t.to_string()),
                        note,
                        created_at: custody::now(),
                        created_by: actor.to_owned(),
                    },
                    item: CaseItemRow {
                        case_ref: case.to_owned(),
                        sha256: sha,
                        facts,
                    },
                }],
            },
        )?;
        Ok(LinkChanged {
            case: case.to_owned(),
            link: reference,
            ledger_index,
        })
    }

    /// Takes link `link` (`L3`) of case `case` out of force. A link to an item the actor may
    /// not read is reported as absent.
    pub fn unlink_item(&mut self, actor: &str, case: &str, link: &str) -> Result<LinkChanged> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::ChangeAnalysis, case)?;
        let absent = || VaultError::Invalid(format!("case `{case}` has no link `{link}` in force"));
        let number = number_of(link, 'L').ok_or_else(absent)?;
        let rows = self.catalog.case_analysis(case)?;
        let row = rows
            .links
            .iter()
            .find(|l| l.number == number)
            .ok_or_else(absent)?;
        let hash: ContentHash = row
            .sha256
            .parse()
            .map_err(|_| invalid_data("link", case, &row.sha256))?;
        match self.authorise(&who, Action::ViewContent, &hash, None) {
            Ok(()) => {}
            Err(VaultError::Denied { .. } | VaultError::NoSuchItem(_)) => return Err(absent()),
            Err(e) => return Err(e),
        }
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::CASE_UNLINK,
                item: None,
                details: json!({ "case": case, "link": link }),
                rows: vec![AccessChange::RemoveLink {
                    case_ref: case.to_owned(),
                    number,
                    at: custody::now(),
                    by: actor.to_owned(),
                }],
            },
        )?;
        Ok(LinkChanged {
            case: case.to_owned(),
            link: link.to_owned(),
            ledger_index,
        })
    }

    /// What a case keeps of an item when it is linked: the day it was made and the place of
    /// its EXIF GPS position, from its metadata record (capture or creation time). Its name
    /// and its file's time are found again whenever the case is read
    /// (`Vault::case_item_shown`): which submissions a case's analysts see changes with every
    /// regime and submission.
    fn kept_case_item_facts(&self, hash: &ContentHash) -> Result<String> {
        let sha = hash.to_hex();
        let (date, location) = self.metadata_facts(&sha)?;
        let kept = KeptCaseItem {
            item: CaseItem {
                item: sha
                    .parse()
                    .map_err(|e: custodia_cases::InputError| VaultError::Invalid(e.to_string()))?,
                title: String::new(),
                date,
                location,
            },
            named_when_read: true,
        };
        serde_json::to_string(&kept)
            .map_err(|e| VaultError::Invalid(format!("cannot store the item's facts: {e}")))
    }

    /// The day an item was made and its place, from its metadata record.
    fn metadata_facts(&self, sha: &str) -> Result<(Option<PartialDate>, Option<Location>)> {
        let (mut date, mut location) = (None, None);
        if let Some(record) = self.metadata_record(sha)? {
            let metadata = &record["metadata"];
            date = ["captured_at", "date", "created"]
                .iter()
                .find_map(|key| metadata[*key].as_str().and_then(loose_day));
            if let (Some(lat), Some(lon)) = (
                metadata["gps_latitude"].as_f64(),
                metadata["gps_longitude"].as_f64(),
            ) {
                location = Location::new(lat, lon, EXIF_GPS_PRECISION_M).ok();
            }
        }
        Ok((date, location))
    }

    /// What case `case` shows of an item it keeps (`kept`, as stored): the name it was supplied
    /// under and, when its metadata gave no day, the creation time its file carried, both of
    /// the submissions the case's analysts read it through (`custodia_access::provenance_seen`:
    /// unrestricted, supplied for this case), as every reader of the case is shown them. A
    /// submission restricted to the custodians, or supplied for another case, is not named (the
    /// item's short hash stands in). `rows`: the item's facts and submissions; `known`: the
    /// policy facts of items already worked out for the case's links, taken from it rather than
    /// built again.
    fn case_item_shown(
        &self,
        kept: &str,
        case: &str,
        rows: &dyn crate::access::FactRows,
        known: &mut HashMap<String, Option<ItemFacts>>,
    ) -> Result<CaseItem> {
        let kept: KeptCaseItem =
            serde_json::from_str(kept).map_err(|e| invalid_data("item", case, e))?;
        let mut item = kept.item;
        let sha = item.item.to_string();
        if !kept.named_when_read {
            // Kept by an earlier version, with a name and file time of any submission: its
            // metadata is read again.
            (item.date, item.location) = self.metadata_facts(&sha)?;
        }
        let facts = match known.remove(&sha) {
            Some(facts) => facts,
            None => self.facts_from(rows, &sha)?,
        }
        .unwrap_or_default();
        let seen = crate::views::provenance_seen_of(
            &Principal::analysts_of_case(case),
            &facts,
            rows.submissions_of(&sha)?,
        );
        item.title = seen
            .first()
            .map(|s| s.original_name.clone())
            .unwrap_or_else(|| sha[..12].to_owned());
        if item.date.is_none() {
            item.date = seen
                .iter()
                .find_map(|s| s.created_at.as_deref().and_then(loose_day));
        }
        Ok(item)
    }

    /// The item's metadata record (from extraction), if it has one that reads.
    fn metadata_record(&self, sha: &str) -> Result<Option<serde_json::Value>> {
        let Some(row) = self
            .catalog
            .derived_of(sha)?
            .into_iter()
            .find(|r| r.kind == "metadata")
        else {
            return Ok(None);
        };
        let Ok(hash) = row.sha256.parse::<ContentHash>() else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        self.blobs
            .open(&hash)?
            .read_to_end(&mut bytes)
            .map_err(|e| VaultError::Invalid(format!("cannot read metadata of {sha}: {e}")))?;
        Ok(serde_json::from_slice(&bytes).ok())
    }

    /// The cases whose analysis `actor` may read, by reference.
    pub fn analysable_cases(&self, actor: &str) -> Result<Vec<custodia_catalog::CaseRow>> {
        let who = self.principal(actor)?;
        Ok(self
            .catalog
            .cases()?
            .into_iter()
            .filter(|c| decide_case(&who, CaseAction::ReadAnalysis, &c.reference).allowed)
            .collect())
    }

    /// Case `case`'s analysis as `actor` may see it.
    pub fn case_analysis(&self, actor: &str, case: &str) -> Result<CaseAnalysis> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::ReadAnalysis, case)?;
        let title = self.catalog.case(case)?.and_then(|c| c.title);
        let rows = self.catalog.case_analysis(case)?;
        let mut analysis = Case {
            case: case.to_owned(),
            charges: Vec::with_capacity(rows.charges.len()),
            incidents: Vec::with_capacity(rows.incidents.len()),
            links: Vec::with_capacity(rows.links.len()),
            items: Vec::with_capacity(rows.items.len()),
        };
        for row in rows.charges {
            analysis.charges.push(Charge {
                case: case.to_owned(),
                charge: format!("C{}", row.number),
                crime: row.crime,
                title: row.title,
                suspect: row.suspect,
                mode_of_liability: row.mode_of_liability,
                elements: serde_json::from_str(&row.elements)
                    .map_err(|e| invalid_data("charge", case, e))?,
                ledger_index: None,
            });
        }
        for row in rows.incidents {
            analysis.incidents.push(
                serde_json::from_str(&row.body).map_err(|e| invalid_data("incident", case, e))?,
            );
        }
        // Each item once, a case linking the same item to many elements; the policy's facts of
        // all linked items read at once (one query per table), then decided on item by item.
        let facts =
            crate::access::FactsOfItems::new(&*self.catalog, self.catalog.case_access_rows(case)?);
        let mut decided: HashMap<String, (ItemHash, bool)> = HashMap::new();
        // Each linked item's facts, handed on to name the item below.
        let mut facts_of_item: HashMap<String, Option<ItemFacts>> = HashMap::new();
        for row in rows.links {
            let (item, _) = match decided.get(&row.sha256) {
                Some(known) => known.clone(),
                None => {
                    let item: ItemHash = row
                        .sha256
                        .parse()
                        .map_err(|e| invalid_data("link", case, e))?;
                    let hash: ContentHash = row
                        .sha256
                        .parse()
                        .map_err(|_| invalid_data("link", case, &row.sha256))?;
                    let item_facts = self.facts_from(&facts, &row.sha256)?;
                    let readable = match self.authorise_on(
                        &who,
                        Action::ViewContent,
                        hash.to_hex(),
                        item_facts.as_ref(),
                        None,
                    ) {
                        Ok(()) => true,
                        Err(VaultError::Denied { .. } | VaultError::NoSuchItem(_)) => false,
                        Err(e) => return Err(e),
                    };
                    decided.insert(row.sha256.clone(), (item.clone(), readable));
                    facts_of_item.insert(row.sha256.clone(), item_facts);
                    (item, readable)
                }
            };
            analysis.links.push(Link {
                link: format!("L{}", row.number),
                element: row.element,
                item,
                assessment: parse_assessment(&row.assessment)
                    .ok_or_else(|| invalid_data("link", case, &row.assessment))?,
                strength: parse_strength(&row.strength)
                    .ok_or_else(|| invalid_data("link", case, &row.strength))?,
                charge: row.charge,
                incident: row.incident,
                excerpt: row.excerpt,
                page: row.page.and_then(|p| u32::try_from(p).ok()),
                time: row
                    .time_range
                    .map(|t| t.parse())
                    .transpose()
                    .map_err(|e| invalid_data("link", case, e))?,
                note: row.note,
            });
        }
        for row in rows.items {
            analysis.items.push(self.case_item_shown(
                &row.facts,
                case,
                &facts,
                &mut facts_of_item,
            )?);
        }
        let visible = decided
            .into_values()
            .filter(|(_, readable)| *readable)
            .map(|(item, _)| item)
            .collect();
        Ok(CaseAnalysis {
            case: analysis,
            title,
            visible,
        })
    }

    /// The linked items `analysis`'s reader sees, each with the custody log position of its
    /// first preservation: the proof reference of the printable case file.
    pub fn case_item_proofs(&self, analysis: &CaseAnalysis) -> Result<Vec<CaseItemProof>> {
        let mut order: Vec<&ItemHash> = Vec::new();
        let mut links: HashMap<&ItemHash, Vec<String>> = HashMap::new();
        for link in analysis.visible_links() {
            let entry = links.entry(&link.item).or_default();
            if entry.is_empty() {
                order.push(&link.item);
            }
            entry.push(link.link.clone());
        }
        let titles: HashMap<&ItemHash, &str> = analysis
            .case
            .items
            .iter()
            .map(|i| (&i.item, i.title.as_str()))
            .collect();
        let mut proofs = Vec::with_capacity(order.len());
        for item in order {
            let ledger_index = self
                .catalog
                .history(item.as_str())?
                .into_iter()
                .find(|e| e.action == action::INGEST || e.action == action::REDACT)
                .and_then(|e| e.ledger_index);
            proofs.push(CaseItemProof {
                sha256: item.to_string(),
                title: titles.get(item).copied().unwrap_or_default().to_owned(),
                ledger_index,
                links: links.remove(item).unwrap_or_default(),
            });
        }
        Ok(proofs)
    }

    /// Records that `actor` wrote case `case`'s analysis out (`format`: `ftm` or `report`), with
    /// the SHA-256 of what was written.
    pub fn record_case_export(
        &mut self,
        actor: &str,
        case: &str,
        format: &str,
        sha256: &str,
    ) -> Result<u64> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::ReadAnalysis, case)?;
        self.change_access(
            actor,
            Change {
                action: action::CASE_EXPORT,
                item: None,
                details: json!({ "case": case, "format": format, "sha256": sha256 }),
                rows: Vec::new(),
            },
        )
    }
}

/// A linked item's facts as a case keeps them ([`Vault::kept_case_item_facts`]).
#[derive(Serialize, serde::Deserialize)]
struct KeptCaseItem {
    #[serde(flatten)]
    item: CaseItem,
    /// Whether the name (and a date from the file's time) are found when the case is read;
    /// absent in what earlier versions kept, which held them as found at the link.
    #[serde(default)]
    named_when_read: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_days_parse() {
        assert_eq!(number_of("C12", 'C'), Some(12));
        for bad in ["C", "C0", "C01", "L1", "C1a", "c1"] {
            assert_eq!(number_of(bad, 'C'), None, "{bad}");
        }
        assert_eq!(
            loose_day("2014:08:03 06:15:00").unwrap().to_string(),
            "2014-08-03"
        );
        assert_eq!(
            loose_day("D:20140803061500").unwrap().to_string(),
            "2014-08-03"
        );
        assert_eq!(loose_day("2014-02-30T00:00:00Z"), None);
        assert_eq!(loose_day("2014"), None);
    }

    /// The benchmark through the vault: a case of 50 charges, 2,000 incidents and
    /// 100,000 links to 2,000 items; the matrix, timeline and map each read from the catalog
    /// (charges, incidents, links, linked items' facts), the access decided per item, then
    /// computed, as the custodian and as an analyst member. Charges and incidents go in through
    /// the vault's methods; the links, which would take a custody entry each, are written as
    /// rows in batches of 10,000 with one entry per batch, which changes nothing of what is read.
    ///
    /// `cargo test -p custodia-vault --release --lib cases::tests::bench_case -- --ignored --nocapture`
    #[test]
    #[ignore = "a benchmark: run it by name"]
    fn bench_case() {
        use std::time::Instant;

        use crate::{IngestOptions, IngestProgress, Vault};

        struct Quiet;
        impl IngestProgress for Quiet {}

        let (charges, incidents, links, items) = (50usize, 2_000usize, 100_000u64, 2_000usize);
        let dir = tempfile::tempdir().unwrap();
        let mut vault = Vault::init(&dir.path().join("v"), "admin").unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        for i in 0..items {
            std::fs::write(
                input.join(format!("statement-{i:05}.txt")),
                format!("statement {i}"),
            )
            .unwrap();
        }
        let options = IngestOptions {
            originator: "UNITAD".into(),
            case_ref: Some("BIG".into()),
            actor: "admin".into(),
            ..IngestOptions::default()
        };
        let report = vault.ingest(&[input], options, &Quiet).unwrap();
        let hashes: Vec<String> = report.items.iter().map(|i| i.sha256.clone()).collect();
        assert_eq!(hashes.len(), items);
        vault.add_case("admin", "BIG", None).unwrap();
        vault
            .add_user("admin", "ana", "Holder", &[custodia_access::Role::Analyst])
            .unwrap();
        vault.add_case_member("admin", "BIG", "ana").unwrap();
        let crimes: Vec<String> = CrimeCatalogue::shipped()
            .crimes()
            .iter()
            .filter(|c| c.category == custodia_cases::Category::Crime)
            .map(|c| c.code.clone())
            .collect();
        let mut elements = Vec::new();
        for i in 0..charges {
            let laid = vault
                .add_charge(
                    "admin",
                    "BIG",
                    &crimes[i % crimes.len()],
                    Some("Suspect"),
                    None,
                )
                .unwrap();
            elements.extend(laid.elements.into_iter().map(|e| e.id));
        }
        for i in 0..incidents {
            vault
                .add_incident(
                    "admin",
                    "BIG",
                    NewIncident {
                        title: format!("Incident {i}"),
                        from: Some(
                            format!("{}-{:02}-{:02}", 2014 + i % 5, 1 + i % 12, 1 + i % 28)
                                .parse()
                                .unwrap(),
                        ),
                        location: Some(
                            Location::new(
                                36.0 + (i % 100) as f64 / 100.0,
                                41.0 + (i / 100) as f64 / 100.0,
                                250.0,
                            )
                            .unwrap(),
                        ),
                        ..NewIncident::default()
                    },
                )
                .unwrap();
        }
        let assessments = ["supports", "supports", "contradicts", "context"];
        let strengths = ["weak", "medium", "strong"];
        for batch in 0..links / 10_000 {
            let mut rows = Vec::new();
            for n in batch * 10_000 + 1..=(batch + 1) * 10_000 {
                let sha = &hashes[n as usize % hashes.len()];
                rows.push(AccessChange::AddLink {
                    link: CaseLinkRow {
                        case_ref: "BIG".into(),
                        number: n,
                        element: elements[n as usize * 7 % elements.len()].clone(),
                        sha256: sha.clone(),
                        assessment: assessments[n as usize % 4].into(),
                        strength: strengths[n as usize % 3].into(),
                        charge: None,
                        incident: Some(format!("I{}", 1 + n % incidents as u64)),
                        excerpt: Some(format!("excerpt of link {n}")),
                        page: Some(1 + n % 40),
                        time_range: None,
                        note: None,
                        created_at: custody::now(),
                        created_by: "admin".into(),
                    },
                    item: CaseItemRow {
                        case_ref: "BIG".into(),
                        sha256: sha.clone(),
                        facts: vault.kept_case_item_facts(&sha.parse().unwrap()).unwrap(),
                    },
                });
            }
            vault
                .change_access(
                    "admin",
                    Change {
                        action: action::CASE_LINK,
                        item: None,
                        details: json!({ "case": "BIG", "links": 10_000 }),
                        rows,
                    },
                )
                .unwrap();
        }
        let best = |work: &mut dyn FnMut() -> usize| {
            let mut times = Vec::new();
            let mut size = 0;
            for _ in 0..5 {
                let start = Instant::now();
                size = work();
                times.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            (times[0], times[times.len() / 2], size)
        };
        for reader in ["admin", "ana"] {
            let read = best(&mut || vault.case_analysis(reader, "BIG").unwrap().case.links.len());
            let matrix = best(&mut || {
                let analysis = vault.case_analysis(reader, "BIG").unwrap();
                let matrix = analysis.matrix();
                matrix.gaps.len() + matrix.charges.len()
            });
            let matrix_json = best(&mut || {
                let analysis = vault.case_analysis(reader, "BIG").unwrap();
                serde_json::to_vec(&analysis.matrix()).unwrap().len()
            });
            let timeline = best(&mut || {
                vault
                    .case_analysis(reader, "BIG")
                    .unwrap()
                    .timeline()
                    .events
                    .len()
            });
            let map = best(&mut || {
                vault
                    .case_analysis(reader, "BIG")
                    .unwrap()
                    .geojson()
                    .features
                    .len()
            });
            println!(
                "reader {reader}: read {:.0} ms (median {:.0}) for {} links",
                read.0, read.1, read.2
            );
            println!(
                "  matrix {:.0} ms (median {:.0}); with its JSON {:.0} ms ({} bytes)",
                matrix.0, matrix.1, matrix_json.0, matrix_json.2
            );
            println!(
                "  timeline {:.0} ms (median {:.0}), {} events",
                timeline.0, timeline.1, timeline.2
            );
            println!(
                "  map {:.0} ms (median {:.0}), {} features",
                map.0, map.1, map.2
            );
        }
    }
}
