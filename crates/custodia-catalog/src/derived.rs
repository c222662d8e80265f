//! Derived items (extracted text, OCR text, metadata records, e-mail attachments) and the state
//! of extraction per item.
//!
//! A derived item's bytes are a blob like any item's; its row names the parent item, the method
//! and the tool version that made it. An item's `extractions` row says whether extraction ran
//! (`done`) or failed (`failed`, with the reason); items without one are pending. The rows of one
//! item's extraction and its custody events are written in one transaction.

use serde::{Deserialize, Serialize};

use crate::db::{all, args, exec, one, transaction, Db, Row};
use crate::sql::{event_from_row, insert_events, item_from_row, EVENT_COLUMNS};
use crate::{EventRow, ItemRow, NewEvent, PendingEvent, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedRow {
    /// SHA-256 of the derived bytes (the blob's name).
    pub sha256: String,
    /// The item it was made from.
    pub parent_sha256: String,
    /// `text`, `metadata`, `attachment`, `attachment_text`.
    pub kind: String,
    /// For attachments: the name in the parent.
    pub name: Option<String>,
    pub method: String,
    pub tool_version: String,
    pub language: Option<String>,
    pub size: u64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionRow {
    pub sha256: String,
    /// `done` or `failed`.
    pub status: String,
    pub error: Option<String>,
    pub attempted_at: String,
}

const DERIVED_COLUMNS: &str =
    "sha256, parent_sha256, kind, name, method, tool_version, language, size, created_at";

fn derived_from_row(mut r: Row) -> Result<DerivedRow> {
    Ok(DerivedRow {
        sha256: r.text(0)?,
        parent_sha256: r.text(1)?,
        kind: r.text(2)?,
        name: r.opt_text(3)?,
        method: r.text(4)?,
        tool_version: r.text(5)?,
        language: r.opt_text(6)?,
        size: r.count(7)?,
        created_at: r.text(8)?,
    })
}

/// Items without an extraction (and, with `retry_failed`, those whose extraction failed).
pub(crate) fn items_to_extract(db: &dyn Db, retry_failed: bool) -> Result<Vec<ItemRow>> {
    let sql = if retry_failed {
        "SELECT i.sha256, i.size, i.mime, i.stored_at FROM items i LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE e.sha256 IS NULL OR e.status = 'failed' ORDER BY i.sha256"
    } else {
        "SELECT i.sha256, i.size, i.mime, i.stored_at FROM items i LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE e.sha256 IS NULL ORDER BY i.sha256"
    };
    all(db, "list items to extract", sql, &[], item_from_row)
}

/// Records an item's extraction, its derived items and their custody events in one transaction.
pub(crate) fn record_extraction(
    db: &dyn Db,
    outcome: &ExtractionRow,
    derived: &[DerivedRow],
    events: &[NewEvent],
) -> Result<Vec<PendingEvent>> {
    transaction(db, "record an extraction", |db| {
        exec(
            db,
            "record an extraction",
            "INSERT INTO extractions (sha256, status, error, attempted_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sha256) DO UPDATE SET status = excluded.status, error = excluded.error,
                                                attempted_at = excluded.attempted_at",
            args![
                outcome.sha256,
                outcome.status,
                outcome.error,
                outcome.attempted_at
            ],
        )?;
        for d in derived {
            exec(
                db,
                "insert a derived item",
                &format!(
                    "INSERT INTO derived ({DERIVED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING"
                ),
                args![
                    d.sha256,
                    d.parent_sha256,
                    d.kind,
                    d.name,
                    d.method,
                    d.tool_version,
                    d.language,
                    d.size as i64,
                    d.created_at
                ],
            )?;
        }
        let events: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
        insert_events(db, &events)
    })
}

pub(crate) fn extraction(db: &dyn Db, sha256: &str) -> Result<Option<ExtractionRow>> {
    one(
        db,
        "read an extraction",
        "SELECT sha256, status, error, attempted_at FROM extractions WHERE sha256 = ?1",
        args![sha256],
        |mut r| {
            Ok(ExtractionRow {
                sha256: r.text(0)?,
                status: r.text(1)?,
                error: r.opt_text(2)?,
                attempted_at: r.text(3)?,
            })
        },
    )
}

pub(crate) fn derived_of(db: &dyn Db, parent: &str) -> Result<Vec<DerivedRow>> {
    all(
        db,
        "list derived items",
        &format!(
            "SELECT {DERIVED_COLUMNS} FROM derived WHERE parent_sha256 = ?1 ORDER BY kind, sha256"
        ),
        args![parent],
        derived_from_row,
    )
}

/// Every derived row, by parent, kind and hash, a page at a time.
pub(crate) fn for_each_derived(
    db: &dyn Db,
    page: i64,
    visit: &mut dyn FnMut(DerivedRow) -> Result<()>,
) -> Result<()> {
    let mut after = (String::new(), String::new(), String::new());
    loop {
        let rows = all(
            db,
            "list derived items",
            &format!(
                "SELECT {DERIVED_COLUMNS} FROM derived
                 WHERE (parent_sha256, kind, sha256) > (?1, ?2, ?3)
                 ORDER BY parent_sha256, kind, sha256 LIMIT ?4"
            ),
            args![after.0, after.1, after.2, page],
            derived_from_row,
        )?;
        let full = rows.len() as i64 == page;
        for row in rows {
            after = (
                row.parent_sha256.clone(),
                row.kind.clone(),
                row.sha256.clone(),
            );
            visit(row)?;
        }
        if !full {
            return Ok(());
        }
    }
}

pub(crate) fn is_derived(db: &dyn Db, sha256: &str) -> Result<bool> {
    one(
        db,
        "look up a derived item",
        "SELECT 1 FROM derived WHERE sha256 = ?1 LIMIT 1",
        args![sha256],
        |_| Ok(()),
    )
    .map(|found| found.is_some())
}

/// (done, failed, pending) extraction counts.
pub(crate) fn extraction_counts(db: &dyn Db) -> Result<(u64, u64, u64)> {
    one(
        db,
        "count extractions",
        "SELECT
           (SELECT count(*) FROM extractions WHERE status = 'done'),
           (SELECT count(*) FROM extractions WHERE status = 'failed'),
           (SELECT count(*) FROM items i LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE e.sha256 IS NULL)",
        &[],
        |mut r| Ok((r.count(0)?, r.count(1)?, r.count(2)?)),
    )
    .map(|counts| counts.unwrap_or((0, 0, 0)))
}

/// `?first, ?first+1, …` for an `IN` list of `count` values (at least one).
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count.max(1))
        .map(|n| format!("?{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn action_values(actions: &[&str]) -> Vec<crate::db::Value> {
    if actions.is_empty() {
        // `IN ('')` matches nothing, as an empty list should.
        vec![crate::db::Value::Text(String::new())]
    } else {
        actions
            .iter()
            .map(|a| crate::db::Value::Text((*a).to_owned()))
            .collect()
    }
}

/// The id of the latest event with one of `actions` (0 if none).
pub(crate) fn last_event_id(db: &dyn Db, actions: &[&str]) -> Result<i64> {
    one(
        db,
        "find the latest event",
        &last_event_id_sql(actions.len()),
        &action_values(actions),
        |mut r| r.int(0),
    )
    .map(|id| id.unwrap_or(0))
}

/// [`last_event_id`]'s query for `count` actions: one `MAX` per action, each answered from the
/// end of its range of `events_by_action` (a lookup, on both engines), instead of one `MAX`
/// over an `IN` list, which visits every event of those actions (an ingest is one per item).
pub(crate) fn last_event_id_sql(count: usize) -> String {
    let per_action: Vec<String> = (1..=count.max(1))
        .map(|n| format!("SELECT MAX(id) AS id FROM events WHERE action = ?{n}"))
        .collect();
    format!(
        "SELECT COALESCE(MAX(id), 0) FROM ({}) AS latest",
        per_action.join(" UNION ALL ")
    )
}

/// The first `limit` events after `id` with one of `actions`, oldest first.
pub(crate) fn events_after(
    db: &dyn Db,
    id: i64,
    actions: &[&str],
    limit: u64,
) -> Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE id > ?1 AND action IN ({}) ORDER BY id LIMIT ?{}",
        placeholders(2, actions.len()),
        2 + actions.len().max(1)
    );
    let mut values = vec![crate::db::Value::Int(id)];
    values.extend(action_values(actions));
    values.push(crate::db::Value::Int(
        i64::try_from(limit).unwrap_or(i64::MAX),
    ));
    all(db, "list recent events", &sql, &values, event_from_row)
}

/// The distinct items of a submission.
pub(crate) fn items_of_submission(db: &dyn Db, submission_key: &str) -> Result<Vec<String>> {
    all(
        db,
        "list a submission's items",
        "SELECT DISTINCT sha256 FROM submissions WHERE submission_key = ?1 ORDER BY sha256",
        args![submission_key],
        |mut r| r.text(0),
    )
}
