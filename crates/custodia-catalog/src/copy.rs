//! Copying a whole catalog from one engine to the other (`custodia migrate`), resumably.
//!
//! Tables are copied in an order that satisfies their references, each in primary-key order, a
//! page per transaction. Both schemas come from the same migrations, so their columns match one
//! for one. An interrupted copy resumes after the last key the target holds; a row present on
//! both sides is left alone (`ON CONFLICT DO NOTHING`). Finally every table's row count is
//! compared, and PostgreSQL's identity sequences are moved past the copied ids.

use crate::db::{self, exec, one, transaction, Db, Dialect, Value};
use crate::sql::SqlCatalog;
use crate::{CatalogError, Result};

/// Each table with its primary key, parents before children.
const TABLES: &[(&str, &[&str])] = &[
    ("meta", &["key"]),
    ("items", &["sha256"]),
    ("submissions", &["id"]),
    ("events", &["id"]),
    ("organisations", &["name"]),
    ("users", &["name"]),
    ("cases", &["reference"]),
    ("case_members", &["case_ref", "user_name"]),
    ("regimes", &["id"]),
    ("consents", &["id"]),
    ("releases", &["id"]),
    ("requests", &["id"]),
    ("request_states", &["id"]),
    ("request_items", &["request_id", "sha256"]),
    ("persons", &["pseudonym"]),
    ("person_scopes", &["id"]),
    ("statement_witnesses", &["sha256", "pseudonym"]),
    ("credentials", &["user_name"]),
    ("login_failures", &["id"]),
    ("tokens", &["id"]),
    ("identity_decisions", &["id"]),
    ("identity_clusters", &["member"]),
    ("extractions", &["sha256"]),
    ("derived", &["parent_sha256", "kind", "sha256"]),
    ("crime_imports", &["id"]),
    ("case_charges", &["case_ref", "number"]),
    ("case_incidents", &["case_ref", "number"]),
    ("case_links", &["case_ref", "number"]),
    ("case_items", &["case_ref", "sha256"]),
    ("person_contacts", &["id"]),
    ("person_cases", &["pseudonym", "case_ref"]),
    ("case_milestones", &["case_ref", "number"]),
    ("info_requests", &["id"]),
    ("notices", &["id"]),
    ("harm_reports", &["reference"]),
    ("harm_assessments", &["id"]),
    ("harm_monitor_counts", &["id"]),
];

/// Tables whose `id` is generated (an identity column on PostgreSQL).
const GENERATED_IDS: &[&str] = &[
    "submissions",
    "events",
    "regimes",
    "consents",
    "releases",
    "request_states",
    "person_scopes",
    "login_failures",
    "identity_decisions",
    "crime_imports",
    "person_contacts",
    "info_requests",
    "notices",
    "harm_assessments",
    "harm_monitor_counts",
];

/// Rows per page (and per transaction on the target).
const PAGE: i64 = 2000;

/// What a copy did, per table: rows in the source and rows copied by this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<TableCopy>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: &'static str,
    pub rows: u64,
    pub copied: u64,
}

/// The setting under which a target catalog remembers which state of which vault it is a copy
/// of (for resuming); each side keeps its own, so it is not compared.
pub const MIGRATION_MARKER: &str = "migrating_from";

fn count(db: &dyn Db, table: &str) -> Result<u64> {
    let sql = if table == "meta" {
        format!("SELECT count(*) FROM meta WHERE key <> '{MIGRATION_MARKER}'")
    } else {
        format!("SELECT count(*) FROM {table}")
    };
    one(db, "count a table's rows", &sql, &[], |mut r| r.count(0)).map(|n| n.unwrap_or(0))
}

/// `(k1, k2) > (?1, ?2)`, or `k1 > ?1` for one column.
fn after_keys(keys: &[&str]) -> String {
    let placeholders: Vec<String> = (1..=keys.len()).map(|i| format!("?{i}")).collect();
    if keys.len() == 1 {
        format!("{} > {}", keys[0], placeholders[0])
    } else {
        format!("({}) > ({})", keys.join(", "), placeholders.join(", "))
    }
}

/// The last key the target holds for `table`, if any.
fn last_key(db: &dyn Db, table: &str, keys: &[&str]) -> Result<Option<Vec<Value>>> {
    let order: Vec<String> = keys.iter().map(|k| format!("{k} DESC")).collect();
    let rows = db
        .query(
            &format!(
                "SELECT {} FROM {table} ORDER BY {} LIMIT 1",
                keys.join(", "),
                order.join(", ")
            ),
            &[],
        )
        .map_err(db::query("find where an interrupted copy stopped"))?;
    Ok(rows.into_iter().next().map(|row| row.into_values()))
}

impl<S: Db> SqlCatalog<S> {
    /// Copies every row of this catalog into `target` (of either engine), resuming an earlier,
    /// interrupted copy; `progress` hears each table's name and rows copied so far. The target
    /// must be empty or hold a partial copy of this same catalog (its `vault_id` setting, copied
    /// first, says which).
    pub fn copy_into<T: Db>(
        &self,
        target: &mut SqlCatalog<T>,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<CopyReport> {
        let source: &dyn Db = &self.db;
        let sink: &dyn Db = &target.db;
        let own_id = crate::Catalog::meta(self, "vault_id")?;
        let their_id = crate::Catalog::meta(target, "vault_id")?;
        if their_id.is_some() && their_id != own_id {
            return Err(CatalogError::Conflict(format!(
                "the target holds the catalog of vault {}, not of vault {}",
                their_id.unwrap_or_default(),
                own_id.unwrap_or_else(|| "(unnamed)".into())
            )));
        }
        let mut report = CopyReport::default();
        for (table, keys) in TABLES {
            let mut after = last_key(sink, table, keys)?;
            let mut copied = 0u64;
            loop {
                let key_list = keys.join(", ");
                let (sql, mut values) = match &after {
                    None => (
                        format!(
                            "SELECT {key_list}, {table}.* FROM {table} ORDER BY {key_list} LIMIT ?1"
                        ),
                        Vec::new(),
                    ),
                    Some(last) => (
                        format!(
                            "SELECT {key_list}, {table}.* FROM {table} WHERE {} ORDER BY {key_list} LIMIT ?{}",
                            after_keys(keys),
                            keys.len() + 1
                        ),
                        last.clone(),
                    ),
                };
                values.push(Value::Int(PAGE));
                let rows = source
                    .query(&sql, &values)
                    .map_err(db::query("read rows to copy"))?;
                let full = rows.len() as i64 == PAGE;
                if rows.is_empty() {
                    break;
                }
                let mut page = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut values = row.into_values();
                    let columns = values.split_off(keys.len());
                    after = Some(values);
                    page.push(columns);
                }
                let inserted = transaction(sink, "copy rows", |sink| {
                    let mut inserted = 0;
                    for columns in &page {
                        let placeholders: Vec<String> =
                            (1..=columns.len()).map(|i| format!("?{i}")).collect();
                        inserted += exec(
                            sink,
                            "copy a row",
                            &format!(
                                "INSERT INTO {table} VALUES ({}) ON CONFLICT DO NOTHING",
                                placeholders.join(", ")
                            ),
                            columns,
                        )?;
                    }
                    Ok(inserted)
                })?;
                copied += inserted;
                progress(table, copied);
                if !full {
                    break;
                }
            }
            let (rows, held) = (count(source, table)?, count(sink, table)?);
            if rows != held {
                return Err(CatalogError::Invalid(format!(
                    "after copying, table `{table}` holds {held} rows in the target and {rows} in the source"
                )));
            }
            report.tables.push(TableCopy {
                table,
                rows,
                copied,
            });
        }
        if sink.dialect() == Dialect::Postgres {
            for table in GENERATED_IDS {
                exec(
                    sink,
                    "move an identity sequence past the copied ids",
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                    ),
                    &[],
                )?;
            }
        }
        Ok(report)
    }
}
