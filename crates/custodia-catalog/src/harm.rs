//! Civilian-harm reports from the public, in the catalog: the report (its item, its
//! attachments' items, and its fields and the reporter's contact sealed by the vault), the
//! assessments made of it (every one kept; the latest in force), and counts by independent
//! monitors kept for comparison.

use serde::{Deserialize, Serialize};

use crate::db::{all, args, conflict, query, Db};
use crate::Result;

/// A report received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HarmReportRow {
    /// The reference given to the reporter (random, not a counter).
    pub reference: String,
    /// The report's item (its fields as JSON, without the contact).
    pub sha256: String,
    /// The attachments' items (JSON array of SHA-256).
    pub attachments: String,
    pub received_at: String,
    /// The report's fields (JSON), sealed by the vault, for listing without reading blobs.
    pub sealed: Vec<u8>,
    /// The reporter's contact, sealed by the vault; `None` when none was given.
    pub contact: Option<Vec<u8>>,
}

/// One assessment of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HarmAssessmentRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub reference: String,
    /// `credible`, `not_credible`, `duplicate` or `insufficient_information`.
    pub status: String,
    pub duplicate_of: Option<String>,
    pub killed: Option<u64>,
    pub injured: Option<u64>,
    pub area: Option<String>,
    /// YYYY-MM-DD: the incident's date as assessed.
    pub date: Option<String>,
    pub public_summary: Option<String>,
    /// The assessor's note, sealed by the vault.
    pub note: Option<Vec<u8>>,
    pub assessed_at: String,
    pub assessed_by: String,
}

/// One incident counted by an independent monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorCountRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub source: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub area: String,
    pub killed_min: u64,
    pub killed_max: u64,
    pub reference: Option<String>,
    pub imported_at: String,
    pub imported_by: String,
}

pub(crate) fn add_report(db: &dyn Db, row: &HarmReportRow) -> Result<()> {
    db.execute(
        "INSERT INTO harm_reports (reference, sha256, attachments, received_at, sealed, contact)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![
            row.reference,
            row.sha256,
            row.attachments,
            row.received_at,
            row.sealed,
            row.contact
        ],
    )
    .map_err(conflict(
        "record a harm report",
        format!(
            "cannot record the harm report `{}`: its reference is taken or its item is missing",
            row.reference
        ),
    ))?;
    Ok(())
}

pub(crate) fn assess(db: &dyn Db, row: &HarmAssessmentRow) -> Result<()> {
    db.execute(
        "INSERT INTO harm_assessments (reference, status, duplicate_of, killed, injured, area,
                                       date, public_summary, note, assessed_at, assessed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        args![
            row.reference,
            row.status,
            row.duplicate_of,
            row.killed.map(|k| k as i64),
            row.injured.map(|k| k as i64),
            row.area,
            row.date,
            row.public_summary,
            row.note,
            row.assessed_at,
            row.assessed_by
        ],
    )
    .map_err(conflict(
        "assess a harm report",
        format!("no harm report `{}`", row.reference),
    ))?;
    Ok(())
}

pub(crate) fn add_monitor_count(db: &dyn Db, row: &MonitorCountRow) -> Result<()> {
    db.execute(
        "INSERT INTO harm_monitor_counts (source, date, area, killed_min, killed_max, reference,
                                          imported_at, imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![
            row.source,
            row.date,
            row.area,
            row.killed_min as i64,
            row.killed_max as i64,
            row.reference,
            row.imported_at,
            row.imported_by
        ],
    )
    .map_err(query("import a monitor's count"))?;
    Ok(())
}

pub(crate) fn reports(db: &dyn Db) -> Result<Vec<HarmReportRow>> {
    all(
        db,
        "list harm reports",
        "SELECT reference, sha256, attachments, received_at, sealed, contact FROM harm_reports
         ORDER BY received_at, reference",
        &[],
        |mut r| {
            Ok(HarmReportRow {
                reference: r.text(0)?,
                sha256: r.text(1)?,
                attachments: r.text(2)?,
                received_at: r.text(3)?,
                sealed: r.bytes(4)?,
                contact: r.opt_bytes(5)?,
            })
        },
    )
}

pub(crate) fn assessments(db: &dyn Db) -> Result<Vec<HarmAssessmentRow>> {
    all(
        db,
        "list harm assessments",
        "SELECT id, reference, status, duplicate_of, killed, injured, area, date, public_summary,
                note, assessed_at, assessed_by
         FROM harm_assessments ORDER BY id",
        &[],
        |mut r| {
            Ok(HarmAssessmentRow {
                id: r.int(0)?,
                reference: r.text(1)?,
                status: r.text(2)?,
                duplicate_of: r.opt_text(3)?,
                killed: r.opt_count(4)?,
                injured: r.opt_count(5)?,
                area: r.opt_text(6)?,
                date: r.opt_text(7)?,
                public_summary: r.opt_text(8)?,
                note: r.opt_bytes(9)?,
                assessed_at: r.text(10)?,
                assessed_by: r.text(11)?,
            })
        },
    )
}

pub(crate) fn monitor_counts(db: &dyn Db) -> Result<Vec<MonitorCountRow>> {
    all(
        db,
        "list monitors' counts",
        "SELECT id, source, date, area, killed_min, killed_max, reference, imported_at,
                imported_by
         FROM harm_monitor_counts ORDER BY id",
        &[],
        |mut r| {
            Ok(MonitorCountRow {
                id: r.int(0)?,
                source: r.text(1)?,
                date: r.text(2)?,
                area: r.text(3)?,
                killed_min: r.count(4)?,
                killed_max: r.count(5)?,
                reference: r.opt_text(6)?,
                imported_at: r.text(7)?,
                imported_by: r.text(8)?,
            })
        },
    )
}
