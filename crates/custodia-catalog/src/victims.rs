//! Keeping victims informed, in the catalog: persons' contact details (sealed by the vault),
//! their links to cases, cases' milestones, persons' requests for information and the notices
//! sent to them.
//!
//! The catalog stores what the vault hands it. Contact details, the text of a request and a
//! notice's letter arrive sealed (AES-256-GCM under a key only the vault holds), so that neither
//! a PostgreSQL administrator nor a backup reader learns how to reach a victim; the rest —
//! which pseudonym is linked to which case, dates, reasons, channels — is what the due-date rule
//! reads and stays plain, readable to the holder's victim support officers through the vault.

use serde::{Deserialize, Serialize};

use crate::db::{all, args, conflict, one, Db, Row};
use crate::Result;

/// A person's contact details and wishes as set at one time; the latest row is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonContactRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub pseudonym: String,
    /// The details (JSON), sealed by the vault.
    pub sealed: Vec<u8>,
    pub set_at: String,
    pub set_by: String,
}

/// A person linked to a case as a victim, a witness or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCaseRow {
    pub pseudonym: String,
    pub case_ref: String,
    /// `victim`, `witness` or `victim_witness`.
    pub role: String,
    /// The day from which the person is owed notices (YYYY-MM-DD).
    pub linked_on: String,
    pub linked_at: String,
    pub linked_by: String,
}

/// A milestone of a case: what victims may be told, numbered in the case (`M1`, `M2` …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneRow {
    pub case_ref: String,
    pub number: u64,
    pub kind: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub public_text: String,
    pub created_at: String,
    pub created_by: String,
}

/// A person's own request for information in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoRequestRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub pseudonym: String,
    pub case_ref: String,
    /// YYYY-MM-DD: the day the person asked.
    pub date: String,
    /// The request's text, sealed by the vault.
    pub sealed: Vec<u8>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A notice sent to a person about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub pseudonym: String,
    pub case_ref: String,
    pub channel: String,
    /// YYYY-MM-DD.
    pub sent_on: String,
    /// The reasons it settles (JSON array of names).
    pub covers: String,
    /// `recorded` (sent by someone, then recorded) or `smtp` (sent by the vault by e-mail).
    pub via: String,
    /// What it told, as recorded with it: `{"milestones": [numbers], "requests": [ids]}`.
    pub told: String,
    /// The letter or message as sent, sealed by the vault; `None` when none was kept.
    #[serde(skip)]
    pub letter: Option<Vec<u8>>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Everything the due-date rule and the contact log read, for one person or for all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VictimRows {
    /// The contact row in force per person (sealed), by pseudonym.
    pub contacts: Vec<PersonContactRow>,
    pub links: Vec<PersonCaseRow>,
    /// Milestones of the cases the persons are linked to, by case and number.
    pub milestones: Vec<MilestoneRow>,
    pub requests: Vec<InfoRequestRow>,
    /// Notices, oldest first, without their letters.
    pub notices: Vec<NoticeRow>,
}

pub(crate) fn set_contact(db: &dyn Db, row: &PersonContactRow) -> Result<()> {
    db.execute(
        "INSERT INTO person_contacts (pseudonym, sealed, set_at, set_by) VALUES (?1, ?2, ?3, ?4)",
        args![row.pseudonym, row.sealed, row.set_at, row.set_by],
    )
    .map_err(conflict(
        "set contact details",
        format!("no person `{}`", row.pseudonym),
    ))?;
    Ok(())
}

pub(crate) fn link_person_case(db: &dyn Db, row: &PersonCaseRow) -> Result<()> {
    // Linking again changes the role and keeps the first day: the person has been owed notices
    // since then.
    db.execute(
        "INSERT INTO person_cases (pseudonym, case_ref, role, linked_on, linked_at, linked_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (pseudonym, case_ref) DO UPDATE SET role = excluded.role",
        args![
            row.pseudonym,
            row.case_ref,
            row.role,
            row.linked_on,
            row.linked_at,
            row.linked_by
        ],
    )
    .map_err(conflict(
        "link a person to a case",
        format!(
            "cannot link `{}` to case `{}`: both must exist",
            row.pseudonym, row.case_ref
        ),
    ))?;
    Ok(())
}

pub(crate) fn add_milestone(db: &dyn Db, row: &MilestoneRow) -> Result<()> {
    db.execute(
        "INSERT INTO case_milestones (case_ref, number, kind, date, public_text, created_at,
                                      created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        args![
            row.case_ref,
            row.number as i64,
            row.kind,
            row.date,
            row.public_text,
            row.created_at,
            row.created_by
        ],
    )
    .map_err(conflict(
        "add a milestone",
        format!(
            "no case `{}`, or its milestone M{} exists",
            row.case_ref, row.number
        ),
    ))?;
    Ok(())
}

pub(crate) fn record_info_request(db: &dyn Db, row: &InfoRequestRow) -> Result<()> {
    db.execute(
        "INSERT INTO info_requests (pseudonym, case_ref, date, sealed, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![
            row.pseudonym,
            row.case_ref,
            row.date,
            row.sealed,
            row.recorded_at,
            row.recorded_by
        ],
    )
    .map_err(conflict(
        "record a request for information",
        format!(
            "cannot record a request of `{}` in case `{}`: both must exist",
            row.pseudonym, row.case_ref
        ),
    ))?;
    Ok(())
}

pub(crate) fn record_notice(db: &dyn Db, row: &NoticeRow) -> Result<()> {
    db.execute(
        "INSERT INTO notices (pseudonym, case_ref, channel, sent_on, covers, via, told, letter,
                              recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        args![
            row.pseudonym,
            row.case_ref,
            row.channel,
            row.sent_on,
            row.covers,
            row.via,
            row.told,
            row.letter,
            row.recorded_at,
            row.recorded_by
        ],
    )
    .map_err(conflict(
        "record a notice",
        format!(
            "cannot record a notice to `{}` in case `{}`: both must exist",
            row.pseudonym, row.case_ref
        ),
    ))?;
    Ok(())
}

fn milestone_row(mut r: Row) -> Result<MilestoneRow> {
    Ok(MilestoneRow {
        case_ref: r.text(0)?,
        number: r.count(1)?,
        kind: r.text(2)?,
        date: r.text(3)?,
        public_text: r.text(4)?,
        created_at: r.text(5)?,
        created_by: r.text(6)?,
    })
}

const MILESTONE_COLUMNS: &str = "case_ref, number, kind, date, public_text, created_at, created_by";

pub(crate) fn case_milestones(db: &dyn Db, case_ref: &str) -> Result<Vec<MilestoneRow>> {
    all(
        db,
        "read a case's milestones",
        &format!(
            "SELECT {MILESTONE_COLUMNS} FROM case_milestones WHERE case_ref = ?1 ORDER BY number"
        ),
        args![case_ref],
        milestone_row,
    )
}

/// The rows of one person (`Some`) or of everyone linked to a case (`None`).
pub(crate) fn victim_rows(db: &dyn Db, pseudonym: Option<&str>) -> Result<VictimRows> {
    if pseudonym == Some("") {
        // No person has an empty pseudonym; the empty text below means "everyone".
        return Ok(VictimRows::default());
    }
    // One filter for every table: an empty pseudonym (which no person has) reads everyone's.
    // The parameter is text either way, so both engines type it alike.
    let who = pseudonym.unwrap_or("");
    let contacts = all(
        db,
        "read contact details",
        "SELECT c.id, c.pseudonym, c.sealed, c.set_at, c.set_by FROM person_contacts c
         WHERE (?1 = '' OR c.pseudonym = ?1)
           AND c.id = (SELECT MAX(l.id) FROM person_contacts l WHERE l.pseudonym = c.pseudonym)
         ORDER BY c.pseudonym",
        args![who],
        |mut r| {
            Ok(PersonContactRow {
                id: r.int(0)?,
                pseudonym: r.text(1)?,
                sealed: r.bytes(2)?,
                set_at: r.text(3)?,
                set_by: r.text(4)?,
            })
        },
    )?;
    let links = all(
        db,
        "read persons' cases",
        "SELECT pseudonym, case_ref, role, linked_on, linked_at, linked_by FROM person_cases
         WHERE (?1 = '' OR pseudonym = ?1) ORDER BY pseudonym, case_ref",
        args![who],
        |mut r| {
            Ok(PersonCaseRow {
                pseudonym: r.text(0)?,
                case_ref: r.text(1)?,
                role: r.text(2)?,
                linked_on: r.text(3)?,
                linked_at: r.text(4)?,
                linked_by: r.text(5)?,
            })
        },
    )?;
    let milestones = all(
        db,
        "read milestones",
        &format!(
            "SELECT {MILESTONE_COLUMNS} FROM case_milestones m
             WHERE EXISTS (SELECT 1 FROM person_cases p
                           WHERE p.case_ref = m.case_ref AND (?1 = '' OR p.pseudonym = ?1))
             ORDER BY case_ref, number"
        ),
        args![who],
        milestone_row,
    )?;
    let requests = all(
        db,
        "read requests for information",
        "SELECT id, pseudonym, case_ref, date, sealed, recorded_at, recorded_by
         FROM info_requests WHERE (?1 = '' OR pseudonym = ?1) ORDER BY id",
        args![who],
        |mut r| {
            Ok(InfoRequestRow {
                id: r.int(0)?,
                pseudonym: r.text(1)?,
                case_ref: r.text(2)?,
                date: r.text(3)?,
                sealed: r.bytes(4)?,
                recorded_at: r.text(5)?,
                recorded_by: r.text(6)?,
            })
        },
    )?;
    let notices = all(
        db,
        "read notices",
        "SELECT id, pseudonym, case_ref, channel, sent_on, covers, via, told, recorded_at,
                recorded_by
         FROM notices WHERE (?1 = '' OR pseudonym = ?1) ORDER BY id",
        args![who],
        |mut r| {
            Ok(NoticeRow {
                id: r.int(0)?,
                pseudonym: r.text(1)?,
                case_ref: r.text(2)?,
                channel: r.text(3)?,
                sent_on: r.text(4)?,
                covers: r.text(5)?,
                via: r.text(6)?,
                told: r.text(7)?,
                letter: None,
                recorded_at: r.text(8)?,
                recorded_by: r.text(9)?,
            })
        },
    )?;
    Ok(VictimRows {
        contacts,
        links,
        milestones,
        requests,
        notices,
    })
}

/// A notice's sealed letter, if one was kept.
pub(crate) fn notice_letter(db: &dyn Db, id: i64) -> Result<Option<Vec<u8>>> {
    let row = one(
        db,
        "read a notice's letter",
        "SELECT letter FROM notices WHERE id = ?1",
        args![id],
        |mut r: Row| r.opt_bytes(0),
    )?;
    Ok(row.flatten())
}
