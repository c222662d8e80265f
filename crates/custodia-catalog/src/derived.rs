//! Derived items (extracted text, OCR text, metadata records, e-mail attachments) and the state
//! of extraction per item.
//!
//! A derived item's bytes are a blob like any item's; its row names the parent item, the method
//! and the tool version that made it. An item's `extractions` row says whether extraction ran
//! (`done`) or failed (`failed`, with the reason); items without one are pending. The rows of one
//! item's extraction and its custody events are written in one transaction.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::sqlite::{insert_events, item_from_row, query};
use crate::{ItemRow, NewEvent, PendingEvent, Result, SqliteCatalog};

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

fn derived_from_row(r: &Row<'_>) -> rusqlite::Result<DerivedRow> {
    Ok(DerivedRow {
        sha256: r.get(0)?,
        parent_sha256: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        method: r.get(4)?,
        tool_version: r.get(5)?,
        language: r.get(6)?,
        size: r.get::<_, i64>(7)? as u64,
        created_at: r.get(8)?,
    })
}

impl SqliteCatalog {
    /// Items with no extraction yet (and, with `retry_failed`, those whose extraction failed),
    /// in hash order.
    pub fn items_to_extract(&self, retry_failed: bool) -> Result<Vec<ItemRow>> {
        let sql = if retry_failed {
            "SELECT i.sha256, i.size, i.mime, i.stored_at FROM items i LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE e.sha256 IS NULL OR e.status = 'failed' ORDER BY i.sha256"
        } else {
            "SELECT i.sha256, i.size, i.mime, i.stored_at FROM items i LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE e.sha256 IS NULL ORDER BY i.sha256"
        };
        let mut stmt = self
            .conn
            .prepare(sql)
            .map_err(query("list items to extract"))?;
        let rows = stmt
            .query_map([], item_from_row)
            .map_err(query("list items to extract"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(query("read an item to extract"))
    }

    /// Records the outcome of one item's extraction, its derived items and their custody events,
    /// in one transaction.
    pub fn record_extraction(
        &mut self,
        outcome: &ExtractionRow,
        derived: &[DerivedRow],
        events: &[NewEvent],
    ) -> Result<Vec<PendingEvent>> {
        let tx = self
            .conn
            .transaction()
            .map_err(query("begin recording an extraction"))?;
        tx.execute(
            "INSERT OR REPLACE INTO extractions (sha256, status, error, attempted_at) VALUES (?1, ?2, ?3, ?4)",
            params![outcome.sha256, outcome.status, outcome.error, outcome.attempted_at],
        )
        .map_err(query("record an extraction"))?;
        {
            let mut stmt = tx
                .prepare_cached(&format!(
                    "INSERT OR IGNORE INTO derived ({DERIVED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                ))
                .map_err(query("prepare a derived insert"))?;
            for d in derived {
                stmt.execute(params![
                    d.sha256,
                    d.parent_sha256,
                    d.kind,
                    d.name,
                    d.method,
                    d.tool_version,
                    d.language,
                    d.size as i64,
                    d.created_at
                ])
                .map_err(query("insert a derived item"))?;
            }
        }
        let events: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
        let pending = insert_events(&tx, &events)?;
        tx.commit().map_err(query("commit an extraction"))?;
        Ok(pending)
    }

    pub fn extraction(&self, sha256: &str) -> Result<Option<ExtractionRow>> {
        self.conn
            .query_row(
                "SELECT sha256, status, error, attempted_at FROM extractions WHERE sha256 = ?1",
                params![sha256],
                |r| {
                    Ok(ExtractionRow {
                        sha256: r.get(0)?,
                        status: r.get(1)?,
                        error: r.get(2)?,
                        attempted_at: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(query("read an extraction"))
    }

    /// The derived items of `parent`.
    pub fn derived_of(&self, parent: &str) -> Result<Vec<DerivedRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DERIVED_COLUMNS} FROM derived WHERE parent_sha256 = ?1 ORDER BY kind, sha256"
            ))
            .map_err(query("list derived items"))?;
        let rows = stmt
            .query_map(params![parent], derived_from_row)
            .map_err(query("list derived items"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(query("read a derived item"))
    }

    /// Every derived item, parent by parent.
    pub fn for_each_derived(&self, visit: &mut dyn FnMut(DerivedRow) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {DERIVED_COLUMNS} FROM derived ORDER BY parent_sha256, kind, sha256"
            ))
            .map_err(query("list derived items"))?;
        let mut rows = stmt.query([]).map_err(query("list derived items"))?;
        while let Some(row) = rows.next().map_err(query("list derived items"))? {
            visit(derived_from_row(row).map_err(query("read a derived item"))?)?;
        }
        Ok(())
    }

    /// Whether a derived item with this hash is known (its blob then exists).
    pub fn is_derived(&self, sha256: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM derived WHERE sha256 = ?1 LIMIT 1",
                params![sha256],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(query("look up a derived item"))
    }

    /// Items by extraction status: (done, failed, pending).
    pub fn extraction_counts(&self) -> Result<(u64, u64, u64)> {
        self.conn
            .query_row(
                "SELECT
                   (SELECT count(*) FROM extractions WHERE status = 'done'),
                   (SELECT count(*) FROM extractions WHERE status = 'failed'),
                   (SELECT count(*) FROM items i LEFT JOIN extractions e ON e.sha256 = i.sha256 WHERE e.sha256 IS NULL)",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)),
            )
            .map_err(query("count extractions"))
    }

    /// The id of the latest custody event with one of `actions` (0 if none).
    pub fn last_event_id(&self, actions: &[&str]) -> Result<i64> {
        let placeholders = vec!["?"; actions.len().max(1)].join(", ");
        let sql =
            format!("SELECT COALESCE(MAX(id), 0) FROM events WHERE action IN ({placeholders})");
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(query("find the latest event"))?;
        let values: Vec<&str> = if actions.is_empty() {
            vec![""]
        } else {
            actions.to_vec()
        };
        stmt.query_row(rusqlite::params_from_iter(values), |r| r.get(0))
            .map_err(query("find the latest event"))
    }
}

impl SqliteCatalog {
    /// Custody events with an id above `id` and one of `actions`, oldest first.
    pub fn events_after(&self, id: i64, actions: &[&str]) -> Result<Vec<crate::EventRow>> {
        let placeholders = vec!["?"; actions.len().max(1)].join(", ");
        let sql = format!(
            "SELECT {} FROM events WHERE id > ? AND action IN ({placeholders}) ORDER BY id",
            crate::sqlite::EVENT_COLUMNS
        );
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(query("list recent events"))?;
        let mut values: Vec<rusqlite::types::Value> = vec![id.into()];
        values.extend(
            actions
                .iter()
                .map(|a| rusqlite::types::Value::from(a.to_string())),
        );
        let rows = stmt
            .query_map(
                rusqlite::params_from_iter(values),
                crate::sqlite::event_from_row,
            )
            .map_err(query("list recent events"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(query("read a recent event"))
    }

    /// The items of one submission.
    pub fn items_of_submission(&self, submission_key: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT sha256 FROM submissions WHERE submission_key = ?1")
            .map_err(query("list a submission's items"))?;
        let rows = stmt
            .query_map(params![submission_key], |r| r.get(0))
            .map_err(query("list a submission's items"))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(query("read a submission's item"))
    }
}
