//! [`SqliteCatalog`]: the embedded catalog, SQLite encrypted with SQLCipher.

use std::path::Path;

use crate::db::{query, SqliteDb};
use crate::sql::SqlCatalog;
use crate::{CatalogError, Result};

/// The embedded catalog: the whole database, its WAL and journals are encrypted, so a seized
/// laptop reveals neither names nor hashes.
pub type SqliteCatalog = SqlCatalog<SqliteDb>;

impl SqlCatalog<SqliteDb> {
    /// Opens (creating if needed) the catalog at `path`, encrypted with the 256-bit `key`, and
    /// brings its schema up to date.
    pub fn open(path: &Path, key: &[u8; 32]) -> Result<Self> {
        let open_error = |detail: String| CatalogError::Open {
            path: path.display().to_string(),
            detail,
        };
        let conn = rusqlite::Connection::open(path).map_err(|e| open_error(e.to_string()))?;
        // SQLCipher would print its own errors (such as a wrong key) to stderr; ours say more.
        let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
        // A raw key (x'…') skips SQLCipher's own passphrase KDF: the key is already random.
        conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
            .map_err(|e| open_error(e.to_string()))?;
        // Temporary tables and sort spills stay in memory: they would hold plaintext on disk. A
        // 64 MiB page cache keeps the indexes of large catalogs decrypted in memory while ingesting.
        conn.execute_batch(
            "PRAGMA temp_store = MEMORY;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 10000;
             PRAGMA cache_size = -65536;
             PRAGMA wal_autocheckpoint = 8192;",
        )
        .map_err(|e| open_error(e.to_string()))?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|_| open_error("the key does not open it, or it is not a catalog".into()))?;
        // WAL with FULL sync: a commit is durable when it returns, and readers never block the
        // writer.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| open_error(e.to_string()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_error(format!("cannot switch to WAL (got {mode})")));
        }
        conn.execute_batch("PRAGMA synchronous = FULL;")
            .map_err(|e| open_error(e.to_string()))?;
        Self::new(SqliteDb { conn })
    }

    /// Direct access to the connection, for tests that tamper with rows on purpose.
    #[doc(hidden)]
    pub fn connection_for_tests(&self) -> &rusqlite::Connection {
        &self.db.conn
    }

    /// Writes the WAL back into the database file, so a copy of the folder is self-contained.
    pub fn checkpoint_wal(&self) -> Result<()> {
        self.db
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| query("checkpoint the WAL")(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalog, IngestRecord, ItemRow, NewEvent, SubmissionRow};

    fn record(sha: &str, key: &str, path: &str) -> IngestRecord {
        IngestRecord {
            item: ItemRow {
                sha256: sha.into(),
                size: 3,
                mime: "text/plain".into(),
                stored_at: "t".into(),
            },
            submission: SubmissionRow {
                id: 0,
                submission_key: key.into(),
                sha256: sha.into(),
                originator: "Originator".into(),
                case_ref: None,
                collected_by: None,
                collected_at: None,
                collection_note: None,
                path: path.into(),
                original_name: path.into(),
                parent_sha256: None,
                path_in_parent: None,
                modified_at: None,
                accessed_at: None,
                created_at: None,
                submitted_at: "t".into(),
                submitted_by: "admin".into(),
            },
            event: NewEvent {
                time: "t".into(),
                actor: "admin".into(),
                action: "ingest".into(),
                item: Some(sha.into()),
                details: "{}".into(),
                entry: format!("entry {sha} {path}").into_bytes(),
            },
        }
    }

    #[test]
    fn wrong_key_is_refused_and_schema_is_versioned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let c = SqliteCatalog::open(&path, &[1; 32]).unwrap();
        assert_eq!(
            c.schema_version().unwrap(),
            crate::sql::latest_schema_version()
        );
        drop(c);
        assert!(matches!(
            SqliteCatalog::open(&path, &[2; 32]),
            Err(CatalogError::Open { .. })
        ));
        assert!(
            SqliteCatalog::open(&path, &[1; 32]).is_ok(),
            "migrations run once"
        );
    }

    /// Every search asks for the latest access change; on a vault with millions of custody
    /// events that must be an index lookup, never a scan of the events.
    #[test]
    fn the_latest_access_change_is_looked_up_not_scanned() {
        use crate::db::{Db, Value};
        let dir = tempfile::tempdir().unwrap();
        let c = SqliteCatalog::open(&dir.path().join("c.db"), &[1; 32]).unwrap();
        let sql = crate::derived::last_event_id_sql(3);
        let args: Vec<Value> = ["a", "b", "c"]
            .iter()
            .map(|a| Value::Text((*a).to_owned()))
            .collect();
        let plan: Vec<String> =
            c.db.query(&format!("EXPLAIN QUERY PLAN {sql}"), &args)
                .unwrap()
                .into_iter()
                .map(|mut row| row.text(3).unwrap())
                .collect();
        assert!(
            plan.iter().all(|step| !step.starts_with("SCAN events")),
            "{plan:?}"
        );
        assert_eq!(
            plan.iter()
                .filter(|step| step.contains("events_by_action"))
                .count(),
            3,
            "{plan:?}"
        );
    }

    #[test]
    fn the_file_holds_no_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut c = SqliteCatalog::open(&path, &[1; 32]).unwrap();
        c.commit_ingest(&[record("deadbeefcafe", "k", "secret-witness-statement.pdf")])
            .unwrap();
        drop(c);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            for needle in [
                &b"secret-witness"[..],
                b"deadbeefcafe",
                b"Originator",
                b"SQLite format",
            ] {
                assert!(!bytes.windows(needle.len()).any(|w| w == needle));
            }
        }
    }
}
