//! A case's analysis in the catalog: charges, incidents, links from items to elements, the facts
//! of linked items, and the crime codes imported beside the shipped Elements of Crimes.
//!
//! The catalog knows neither crimes nor elements: a charge's elements, an incident and an item's
//! facts are kept as the JSON the vault wrote, and links as plain columns (a case may hold a
//! hundred thousand of them, read at once for every matrix). References within a case are
//! numbers (`C1`, `I1`, `L1` to the vault), never reused: an unlinked link keeps its row, marked
//! removed, so the number it had names nothing else later.

use serde::{Deserialize, Serialize};

use crate::db::{all, args, conflict, one, query, Db, Row};
use crate::{CatalogError, Result};

/// One crimes file imported by a custodian, kept whole; imports apply in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrimeImportRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub edition: String,
    /// The file as imported (JSON).
    pub body: String,
    pub imported_at: String,
    pub imported_by: String,
}

/// A charge laid in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChargeRow {
    pub case_ref: String,
    pub number: u64,
    pub crime: String,
    pub title: String,
    pub suspect: Option<String>,
    pub mode_of_liability: Option<String>,
    /// The elements copied in when the charge was laid (JSON array).
    pub elements: String,
    pub created_at: String,
    pub created_by: String,
}

/// An incident of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseIncidentRow {
    pub case_ref: String,
    pub number: u64,
    /// The incident as the vault wrote it (JSON).
    pub body: String,
    pub created_at: String,
    pub created_by: String,
}

/// A link from an item to an element of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLinkRow {
    pub case_ref: String,
    pub number: u64,
    pub element: String,
    pub sha256: String,
    /// `supports`, `contradicts` or `context`.
    pub assessment: String,
    /// `weak`, `medium` or `strong`.
    pub strength: String,
    pub charge: Option<String>,
    pub incident: Option<String>,
    pub excerpt: Option<String>,
    pub page: Option<u64>,
    /// `FROM-TO` within an audio or video item.
    pub time_range: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// What a case knows of a linked item (title, date, place), as JSON; refreshed at each link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseItemRow {
    pub case_ref: String,
    pub sha256: String,
    pub facts: String,
}

/// A link in force as an analysis reads it: the columns a matrix, timeline, map or export
/// shows, without who made it and when (a case may hold a hundred thousand links, all read for
/// every matrix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLinkInForce {
    pub number: u64,
    pub element: String,
    pub sha256: String,
    pub assessment: String,
    pub strength: String,
    pub charge: Option<String>,
    pub incident: Option<String>,
    pub excerpt: Option<String>,
    pub page: Option<u64>,
    pub time_range: Option<String>,
    pub note: Option<String>,
}

impl From<CaseLinkRow> for CaseLinkInForce {
    fn from(row: CaseLinkRow) -> Self {
        CaseLinkInForce {
            number: row.number,
            element: row.element,
            sha256: row.sha256,
            assessment: row.assessment,
            strength: row.strength,
            charge: row.charge,
            incident: row.incident,
            excerpt: row.excerpt,
            page: row.page,
            time_range: row.time_range,
            note: row.note,
        }
    }
}

/// What the access policy needs to know of every item linked in a case (in force or once), read
/// in one query per table: the items that exist, their submissions, the regimes of those
/// submissions, consents, releases and witnesses. Each list is in the order the per-item reads
/// give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseAccessRows {
    pub items: Vec<String>,
    pub submissions: Vec<crate::SubmissionRow>,
    pub regimes: Vec<crate::RegimeRow>,
    pub consents: Vec<crate::ConsentRow>,
    pub releases: Vec<crate::ReleaseRow>,
    pub witnesses: Vec<crate::StatementLinkRow>,
}

/// A case's analysis as stored: links in force only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseAnalysisRows {
    pub charges: Vec<CaseChargeRow>,
    pub incidents: Vec<CaseIncidentRow>,
    pub links: Vec<CaseLinkInForce>,
    pub items: Vec<CaseItemRow>,
}

/// The highest numbers given in a case so far (0: none), links removed included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseNumbers {
    pub charges: u64,
    pub incidents: u64,
    pub links: u64,
}

fn no_case(case_ref: &str) -> String {
    format!("no case `{case_ref}`, or a reference in it is taken")
}

pub(crate) fn import_crimes(db: &dyn Db, row: &CrimeImportRow) -> Result<()> {
    db.execute(
        "INSERT INTO crime_imports (edition, body, imported_at, imported_by) VALUES (?1, ?2, ?3, ?4)",
        args![row.edition, row.body, row.imported_at, row.imported_by],
    )
    .map_err(query("import crimes"))?;
    Ok(())
}

pub(crate) fn add_charge(db: &dyn Db, row: &CaseChargeRow) -> Result<()> {
    db.execute(
        "INSERT INTO case_charges (case_ref, number, crime, title, suspect, mode, elements,
                                   created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            row.case_ref,
            row.number as i64,
            row.crime,
            row.title,
            row.suspect,
            row.mode_of_liability,
            row.elements,
            row.created_at,
            row.created_by
        ],
    )
    .map_err(conflict("lay a charge", no_case(&row.case_ref)))?;
    Ok(())
}

pub(crate) fn add_incident(db: &dyn Db, row: &CaseIncidentRow) -> Result<()> {
    db.execute(
        "INSERT INTO case_incidents (case_ref, number, body, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        args![
            row.case_ref,
            row.number as i64,
            row.body,
            row.created_at,
            row.created_by
        ],
    )
    .map_err(conflict("add an incident", no_case(&row.case_ref)))?;
    Ok(())
}

pub(crate) fn add_link(db: &dyn Db, row: &CaseLinkRow, item: &CaseItemRow) -> Result<()> {
    db.execute(
        "INSERT INTO case_links (case_ref, number, element, sha256, assessment, strength, charge,
                                 incident, excerpt, page, time_range, note, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        args![
            row.case_ref,
            row.number as i64,
            row.element,
            row.sha256,
            row.assessment,
            row.strength,
            row.charge,
            row.incident,
            row.excerpt,
            row.page.map(|p| p as i64),
            row.time_range,
            row.note,
            row.created_at,
            row.created_by
        ],
    )
    .map_err(conflict(
        "link an item",
        format!(
            "cannot link item {} in case `{}`: the case and the item must exist, and the link's number be free",
            row.sha256, row.case_ref
        ),
    ))?;
    db.execute(
        "INSERT INTO case_items (case_ref, sha256, facts) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_ref, sha256) DO UPDATE SET facts = excluded.facts",
        args![item.case_ref, item.sha256, item.facts],
    )
    .map_err(query("record a linked item's facts"))?;
    Ok(())
}

pub(crate) fn remove_link(
    db: &dyn Db,
    case_ref: &str,
    number: u64,
    removed_at: &str,
    removed_by: &str,
) -> Result<()> {
    let changed = db
        .execute(
            "UPDATE case_links SET removed_at = ?3, removed_by = ?4
             WHERE case_ref = ?1 AND number = ?2 AND removed_at IS NULL",
            args![case_ref, number as i64, removed_at, removed_by],
        )
        .map_err(query("remove a link"))?;
    if changed == 0 {
        return Err(CatalogError::Conflict(format!(
            "case `{case_ref}` has no link L{number} in force"
        )));
    }
    Ok(())
}

fn number(r: &mut Row, column: usize) -> Result<u64> {
    r.count(column)
}

pub(crate) fn crime_imports(db: &dyn Db) -> Result<Vec<CrimeImportRow>> {
    all(
        db,
        "read imported crimes",
        "SELECT id, edition, body, imported_at, imported_by FROM crime_imports ORDER BY id",
        &[],
        |mut r| {
            Ok(CrimeImportRow {
                id: r.int(0)?,
                edition: r.text(1)?,
                body: r.text(2)?,
                imported_at: r.text(3)?,
                imported_by: r.text(4)?,
            })
        },
    )
}

pub(crate) fn case_analysis(db: &dyn Db, case_ref: &str) -> Result<CaseAnalysisRows> {
    let charges = all(
        db,
        "read a case's charges",
        "SELECT number, crime, title, suspect, mode, elements, created_at, created_by
         FROM case_charges WHERE case_ref = ?1 ORDER BY number",
        args![case_ref],
        |mut r| {
            Ok(CaseChargeRow {
                case_ref: case_ref.to_owned(),
                number: number(&mut r, 0)?,
                crime: r.text(1)?,
                title: r.text(2)?,
                suspect: r.opt_text(3)?,
                mode_of_liability: r.opt_text(4)?,
                elements: r.text(5)?,
                created_at: r.text(6)?,
                created_by: r.text(7)?,
            })
        },
    )?;
    let incidents = all(
        db,
        "read a case's incidents",
        "SELECT number, body, created_at, created_by
         FROM case_incidents WHERE case_ref = ?1 ORDER BY number",
        args![case_ref],
        |mut r| {
            Ok(CaseIncidentRow {
                case_ref: case_ref.to_owned(),
                number: number(&mut r, 0)?,
                body: r.text(1)?,
                created_at: r.text(2)?,
                created_by: r.text(3)?,
            })
        },
    )?;
    let links = all(
        db,
        "read a case's links",
        "SELECT number, element, sha256, assessment, strength, charge, incident, excerpt, page,
                time_range, note
         FROM case_links WHERE case_ref = ?1 AND removed_at IS NULL ORDER BY number",
        args![case_ref],
        |mut r| {
            Ok(CaseLinkInForce {
                number: number(&mut r, 0)?,
                element: r.text(1)?,
                sha256: r.text(2)?,
                assessment: r.text(3)?,
                strength: r.text(4)?,
                charge: r.opt_text(5)?,
                incident: r.opt_text(6)?,
                excerpt: r.opt_text(7)?,
                page: r.opt_count(8)?,
                time_range: r.opt_text(9)?,
                note: r.opt_text(10)?,
            })
        },
    )?;
    let items = all(
        db,
        "read a case's linked items",
        "SELECT sha256, facts FROM case_items WHERE case_ref = ?1 ORDER BY sha256",
        args![case_ref],
        |mut r| {
            Ok(CaseItemRow {
                case_ref: case_ref.to_owned(),
                sha256: r.text(0)?,
                facts: r.text(1)?,
            })
        },
    )?;
    Ok(CaseAnalysisRows {
        charges,
        incidents,
        links,
        items,
    })
}

pub(crate) fn case_numbers(db: &dyn Db, case_ref: &str) -> Result<CaseNumbers> {
    let max = |table: &str| -> Result<u64> {
        one(
            db,
            "read a case's highest number",
            &format!("SELECT COALESCE(MAX(number), 0) FROM {table} WHERE case_ref = ?1"),
            args![case_ref],
            |mut r| r.count(0),
        )
        .map(|n| n.unwrap_or(0))
    };
    Ok(CaseNumbers {
        charges: max("case_charges")?,
        incidents: max("case_incidents")?,
        links: max("case_links")?,
    })
}

/// The links in force from `sha256` to elements of any case: what the item page lists.
pub(crate) fn links_of_item(db: &dyn Db, sha256: &str) -> Result<Vec<CaseLinkRow>> {
    all(
        db,
        "read an item's links",
        "SELECT case_ref, number, element, assessment, strength, charge, incident, excerpt, page,
                time_range, note, created_at, created_by
         FROM case_links WHERE sha256 = ?1 AND removed_at IS NULL ORDER BY case_ref, number",
        args![sha256],
        |mut r| {
            Ok(CaseLinkRow {
                case_ref: r.text(0)?,
                number: number(&mut r, 1)?,
                element: r.text(2)?,
                sha256: sha256.to_owned(),
                assessment: r.text(3)?,
                strength: r.text(4)?,
                charge: r.opt_text(5)?,
                incident: r.opt_text(6)?,
                excerpt: r.opt_text(7)?,
                page: r.opt_count(8)?,
                time_range: r.opt_text(9)?,
                note: r.opt_text(10)?,
                created_at: r.text(11)?,
                created_by: r.text(12)?,
            })
        },
    )
}

/// The items ever linked in a case (a subquery each read below repeats): every link writes its
/// item's row in `case_items`, whose key answers this from the index alone, where the links in
/// force would be a hundred thousand rows read for each table.
const LINKED: &str = "SELECT sha256 FROM case_items WHERE case_ref = ?1";

/// The access facts' rows of every item linked in `case_ref`
/// ([`crate::Catalog::case_access_rows`]).
pub(crate) fn case_access_rows(
    db: &dyn Db,
    case_ref: &str,
    submission_columns: &str,
    submission_from_row: fn(Row) -> Result<crate::SubmissionRow>,
) -> Result<CaseAccessRows> {
    let items = all(
        db,
        "read a case's linked items",
        &format!("SELECT sha256 FROM items WHERE sha256 IN ({LINKED}) ORDER BY sha256"),
        args![case_ref],
        |mut r| r.text(0),
    )?;
    let submissions = all(
        db,
        "read a case's linked items' submissions",
        &format!(
            "SELECT {submission_columns} FROM submissions WHERE sha256 IN ({LINKED}) ORDER BY id"
        ),
        args![case_ref],
        submission_from_row,
    )?;
    let regimes = all(
        db,
        "read a case's linked items' regimes",
        &format!(
            "SELECT id, submission_key, sha256, regime, set_at, set_by, reason FROM regimes
             WHERE submission_key IN
                 (SELECT submission_key FROM submissions WHERE sha256 IN ({LINKED}))
             ORDER BY id"
        ),
        args![case_ref],
        crate::access::regime_row,
    )?;
    let consents = all(
        db,
        "read a case's linked items' consents",
        &format!(
            "SELECT id, sha256, originator, recipient, decision, conditions, decided_at,
                    decided_by, reason
             FROM consents WHERE sha256 IN ({LINKED}) ORDER BY id"
        ),
        args![case_ref],
        crate::access::consent_row,
    )?;
    let releases = all(
        db,
        "read a case's linked items' releases",
        &format!(
            "SELECT id, sha256, recipient, package, released_at, released_by FROM releases
             WHERE sha256 IN ({LINKED}) ORDER BY id"
        ),
        args![case_ref],
        crate::access::release_row,
    )?;
    let witnesses = all(
        db,
        "read a case's linked items' witnesses",
        &format!(
            "SELECT sha256, pseudonym, linked_at, linked_by FROM statement_witnesses
             WHERE sha256 IN ({LINKED}) ORDER BY sha256, pseudonym"
        ),
        args![case_ref],
        |mut r| {
            Ok(crate::StatementLinkRow {
                sha256: r.text(0)?,
                pseudonym: r.text(1)?,
                linked_at: r.text(2)?,
                linked_by: r.text(3)?,
            })
        },
    )?;
    Ok(CaseAccessRows {
        items,
        submissions,
        regimes,
        consents,
        releases,
        witnesses,
    })
}
