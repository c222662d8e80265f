//! [`SqliteCatalog`]: the embedded catalog, SQLite encrypted with SQLCipher.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{access, credentials, requests};
use crate::{
    AccessChange, CaseRow, Catalog, CatalogError, ConsentRow, CredentialRow, EventRow,
    IdentityDecisionRow, IdentityMemberRow, IngestCommit, IngestRecord, ItemRow, NewEvent,
    OrganisationRow, PendingEvent, PersonRow, PersonScopeRow, RegimeRow, ReleaseRow,
    RequestItemRow, RequestRow, RequestStateRow, Result, StatementLinkRow, SubmissionRow, TokenRow,
    UserRow,
};

/// Versioned migrations, applied in order, each once, in a transaction. Never edit a released
/// one: add the next.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        r#"
    CREATE TABLE items (
        sha256      TEXT PRIMARY KEY,
        size        INTEGER NOT NULL,
        mime        TEXT NOT NULL,
        stored_at   TEXT NOT NULL,
        expansion_error TEXT
    );
    CREATE TABLE submissions (
        id              INTEGER PRIMARY KEY,
        submission_key  TEXT NOT NULL,
        sha256          TEXT NOT NULL REFERENCES items(sha256),
        originator      TEXT NOT NULL,
        case_ref        TEXT,
        collected_by    TEXT,
        collected_at    TEXT,
        collection_note TEXT,
        path            TEXT NOT NULL,
        original_name   TEXT NOT NULL,
        parent_sha256   TEXT,
        path_in_parent  TEXT,
        modified_at     TEXT,
        accessed_at     TEXT,
        created_at      TEXT,
        submitted_at    TEXT NOT NULL,
        submitted_by    TEXT NOT NULL,
        UNIQUE (submission_key, path)
    );
    CREATE INDEX submissions_by_item ON submissions (sha256);
    CREATE TABLE events (
        id            INTEGER PRIMARY KEY,
        ledger_index  INTEGER UNIQUE,
        time          TEXT NOT NULL,
        actor         TEXT NOT NULL,
        action        TEXT NOT NULL,
        item          TEXT,
        submission_id INTEGER REFERENCES submissions(id),
        details       TEXT NOT NULL,
        entry         BLOB NOT NULL
    );
    CREATE INDEX events_by_item ON events (item);
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    ),
    (
        2,
        r#"
    CREATE TABLE organisations (
        name               TEXT PRIMARY KEY,
        kind               TEXT NOT NULL,
        approved_requester INTEGER NOT NULL DEFAULT 0,
        created_at         TEXT NOT NULL,
        created_by         TEXT NOT NULL
    );
    CREATE TABLE users (
        name         TEXT PRIMARY KEY,
        organisation TEXT NOT NULL REFERENCES organisations(name),
        roles        TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL
    );
    CREATE TABLE cases (
        reference  TEXT PRIMARY KEY,
        title      TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE case_members (
        case_ref  TEXT NOT NULL REFERENCES cases(reference),
        user_name TEXT NOT NULL REFERENCES users(name),
        PRIMARY KEY (case_ref, user_name)
    );
    CREATE TABLE regimes (
        id             INTEGER PRIMARY KEY,
        submission_key TEXT NOT NULL,
        sha256         TEXT,
        regime         TEXT NOT NULL,
        set_at         TEXT NOT NULL,
        set_by         TEXT NOT NULL,
        reason         TEXT
    );
    CREATE INDEX regimes_by_submission ON regimes (submission_key);
    CREATE TABLE consents (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL REFERENCES items(sha256),
        originator  TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        decision    TEXT NOT NULL,
        conditions  TEXT NOT NULL,
        decided_at  TEXT NOT NULL,
        decided_by  TEXT NOT NULL,
        reason      TEXT
    );
    CREATE INDEX consents_by_item ON consents (sha256);
    CREATE TABLE releases (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL REFERENCES items(sha256),
        recipient   TEXT NOT NULL,
        package     TEXT NOT NULL,
        released_at TEXT NOT NULL,
        released_by TEXT NOT NULL
    );
    CREATE INDEX releases_by_item ON releases (sha256);
    "#,
    ),
    (
        3,
        r#"
    CREATE TABLE requests (
        id          TEXT PRIMARY KEY,
        authority   TEXT NOT NULL REFERENCES organisations(name),
        filed_by    TEXT NOT NULL,
        filed_at    TEXT NOT NULL,
        legal_basis TEXT NOT NULL,
        case_ref    TEXT,
        description TEXT NOT NULL,
        deadline    TEXT
    );
    CREATE TABLE request_states (
        id         INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL REFERENCES requests(id),
        state      TEXT NOT NULL,
        at         TEXT NOT NULL,
        by         TEXT NOT NULL,
        note       TEXT
    );
    CREATE INDEX request_states_by_request ON request_states (request_id);
    CREATE TABLE request_items (
        request_id TEXT NOT NULL REFERENCES requests(id),
        sha256     TEXT NOT NULL REFERENCES items(sha256),
        added_at   TEXT NOT NULL,
        added_by   TEXT NOT NULL,
        PRIMARY KEY (request_id, sha256)
    );
    CREATE TABLE persons (
        pseudonym           TEXT PRIMARY KEY,
        identity            TEXT NOT NULL,
        protective_measures TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        created_by          TEXT NOT NULL
    );
    CREATE TABLE person_scopes (
        id        INTEGER PRIMARY KEY,
        pseudonym TEXT NOT NULL REFERENCES persons(pseudonym),
        scope     TEXT NOT NULL,
        set_at    TEXT NOT NULL,
        set_by    TEXT NOT NULL
    );
    CREATE TABLE statement_witnesses (
        sha256    TEXT NOT NULL REFERENCES items(sha256),
        pseudonym TEXT NOT NULL REFERENCES persons(pseudonym),
        linked_at TEXT NOT NULL,
        linked_by TEXT NOT NULL,
        PRIMARY KEY (sha256, pseudonym)
    );
    "#,
    ),
    (
        4,
        r#"
    CREATE TABLE credentials (
        user_name      TEXT PRIMARY KEY REFERENCES users(name),
        password_phc   TEXT,
        totp_secret    TEXT,
        totp_last_step INTEGER,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE login_failures (
        id        INTEGER PRIMARY KEY,
        user_name TEXT NOT NULL,
        at        INTEGER NOT NULL
    );
    CREATE INDEX login_failures_by_user ON login_failures (user_name);
    CREATE TABLE tokens (
        id         TEXT PRIMARY KEY,
        user_name  TEXT NOT NULL REFERENCES users(name),
        kind       TEXT NOT NULL,
        label      TEXT,
        hash       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at INTEGER,
        revoked_at TEXT
    );
    CREATE INDEX tokens_by_user ON tokens (user_name);
    "#,
    ),
    (
        5,
        r#"
    CREATE INDEX submissions_by_parent ON submissions (parent_sha256);
    "#,
    ),
    (
        6,
        r#"
    -- Decisions on candidate pairs of person records; the latest decision on a pair counts.
    CREATE TABLE identity_decisions (
        id          INTEGER PRIMARY KEY,
        left_id     TEXT NOT NULL,
        right_id    TEXT NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('confirm', 'reject')),
        note        TEXT,
        decided_at  TEXT NOT NULL,
        decided_by  TEXT NOT NULL
    );
    CREATE INDEX identity_decisions_by_pair ON identity_decisions (left_id, right_id);
    -- Derived from the decisions in the same transaction: the connected components of the
    -- confirmed pairs. A record is here only through a person's confirmation.
    CREATE TABLE identity_clusters (
        member      TEXT PRIMARY KEY,
        cluster     TEXT NOT NULL
    );
    CREATE INDEX identity_clusters_by_cluster ON identity_clusters (cluster);
    "#,
    ),
    (
        7,
        r#"
    CREATE TABLE extractions (
        sha256       TEXT PRIMARY KEY REFERENCES items(sha256),
        status       TEXT NOT NULL,
        error        TEXT,
        attempted_at TEXT NOT NULL
    );
    CREATE TABLE derived (
        sha256        TEXT NOT NULL,
        parent_sha256 TEXT NOT NULL REFERENCES items(sha256),
        kind          TEXT NOT NULL,
        name          TEXT,
        method        TEXT NOT NULL,
        tool_version  TEXT NOT NULL,
        language      TEXT,
        size          INTEGER NOT NULL,
        created_at    TEXT NOT NULL,
        PRIMARY KEY (parent_sha256, kind, sha256)
    );
    CREATE INDEX derived_by_hash ON derived (sha256);
    "#,
    ),
];

/// The embedded catalog.
pub struct SqliteCatalog {
    pub(crate) conn: Connection,
}

impl std::fmt::Debug for SqliteCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteCatalog").finish_non_exhaustive()
    }
}

pub(crate) fn query(context: &'static str) -> impl FnOnce(rusqlite::Error) -> CatalogError {
    move |source| CatalogError::Query { context, source }
}

impl SqliteCatalog {
    /// Opens (creating if needed) the catalog at `path`, encrypted with the 256-bit `key`, and
    /// brings its schema up to date.
    pub fn open(path: &Path, key: &[u8; 32]) -> Result<Self> {
        let open_error = |detail: String| CatalogError::Open {
            path: path.display().to_string(),
            detail,
        };
        let conn = Connection::open(path).map_err(|e| open_error(e.to_string()))?;
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
        let mut catalog = Self { conn };
        catalog.migrate()?;
        Ok(catalog)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
            )
            .map_err(query("create the migrations table"))?;
        let current: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(query("read the schema version"))?;
        let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > known {
            return Err(CatalogError::TooNew {
                found: current,
                known,
            });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let tx = self
                .conn
                .transaction()
                .map_err(query("begin a migration"))?;
            tx.execute_batch(sql).map_err(query("apply a migration"))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                params![version],
            )
            .map_err(query("record a migration"))?;
            tx.commit().map_err(query("commit a migration"))?;
        }
        Ok(())
    }

    /// The schema version in force.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |r| r.get(0),
            )
            .map_err(query("read the schema version"))
    }

    /// Direct access to the connection, for tests that tamper with rows on purpose.
    #[doc(hidden)]
    pub fn connection_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Writes the WAL back into the database file, so a copy of the folder is self-contained.
    pub fn checkpoint_wal(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(query("checkpoint the WAL"))
    }
}

pub(crate) fn insert_events(
    tx: &rusqlite::Transaction<'_>,
    events: &[(NewEvent, Option<i64>)],
) -> Result<Vec<PendingEvent>> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO events (time, actor, action, item, submission_id, details, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(query("prepare an event insert"))?;
    let mut pending = Vec::with_capacity(events.len());
    for (event, submission_id) in events {
        stmt.execute(params![
            event.time,
            event.actor,
            event.action,
            event.item,
            submission_id,
            event.details,
            event.entry
        ])
        .map_err(query("insert an event"))?;
        pending.push(PendingEvent {
            id: tx.last_insert_rowid(),
            entry: event.entry.clone(),
        });
    }
    Ok(pending)
}

const SUBMISSION_COLUMNS: &str = "id, submission_key, sha256, originator, case_ref, collected_by, collected_at, collection_note, path, original_name, parent_sha256, path_in_parent, modified_at, accessed_at, created_at, submitted_at, submitted_by";

fn submission_from_row(r: &Row<'_>) -> rusqlite::Result<SubmissionRow> {
    Ok(SubmissionRow {
        id: r.get(0)?,
        submission_key: r.get(1)?,
        sha256: r.get(2)?,
        originator: r.get(3)?,
        case_ref: r.get(4)?,
        collected_by: r.get(5)?,
        collected_at: r.get(6)?,
        collection_note: r.get(7)?,
        path: r.get(8)?,
        original_name: r.get(9)?,
        parent_sha256: r.get(10)?,
        path_in_parent: r.get(11)?,
        modified_at: r.get(12)?,
        accessed_at: r.get(13)?,
        created_at: r.get(14)?,
        submitted_at: r.get(15)?,
        submitted_by: r.get(16)?,
    })
}

pub(crate) const EVENT_COLUMNS: &str =
    "id, ledger_index, time, actor, action, item, submission_id, details, entry";

pub(crate) fn event_from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get(0)?,
        ledger_index: r.get::<_, Option<i64>>(1)?.map(|i| i as u64),
        time: r.get(2)?,
        actor: r.get(3)?,
        action: r.get(4)?,
        item: r.get(5)?,
        submission_id: r.get(6)?,
        details: r.get(7)?,
        entry: r.get(8)?,
    })
}

pub(crate) fn item_from_row(r: &Row<'_>) -> rusqlite::Result<ItemRow> {
    Ok(ItemRow {
        sha256: r.get(0)?,
        size: r.get::<_, i64>(1)? as u64,
        mime: r.get(2)?,
        stored_at: r.get(3)?,
    })
}

impl Catalog for SqliteCatalog {
    fn commit_ingest(&mut self, records: &[IngestRecord]) -> Result<IngestCommit> {
        let tx = self
            .conn
            .transaction()
            .map_err(query("begin an ingest batch"))?;
        let mut events = Vec::with_capacity(records.len());
        let mut new_items = Vec::with_capacity(records.len());
        {
            let mut insert_item = tx
                .prepare_cached(
                    "INSERT INTO items (sha256, size, mime, stored_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sha256) DO NOTHING",
                )
                .map_err(query("prepare an item insert"))?;
            let mut insert_submission = tx
                .prepare_cached(&format!(
                    "INSERT INTO submissions ({}) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                    SUBMISSION_COLUMNS
                ))
                .map_err(query("prepare a submission insert"))?;
            for record in records {
                let item = &record.item;
                let inserted = insert_item
                    .execute(params![
                        item.sha256,
                        item.size as i64,
                        item.mime,
                        item.stored_at
                    ])
                    .map_err(query("insert an item"))?;
                new_items.push(inserted == 1);
                let s = &record.submission;
                insert_submission
                    .execute(params![
                        s.submission_key,
                        s.sha256,
                        s.originator,
                        s.case_ref,
                        s.collected_by,
                        s.collected_at,
                        s.collection_note,
                        s.path,
                        s.original_name,
                        s.parent_sha256,
                        s.path_in_parent,
                        s.modified_at,
                        s.accessed_at,
                        s.created_at,
                        s.submitted_at,
                        s.submitted_by
                    ])
                    .map_err(query("insert a submission"))?;
                events.push((record.event.clone(), Some(tx.last_insert_rowid())));
            }
        }
        let pending = insert_events(&tx, &events)?;
        tx.commit().map_err(query("commit an ingest batch"))?;
        Ok(IngestCommit { pending, new_items })
    }

    fn submission_started(&self, submission_key: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM submissions WHERE submission_key = ?1 LIMIT 1")
            .and_then(|mut stmt| stmt.exists([submission_key]))
            .map_err(query("look up a submission"))
    }

    fn record_events(&mut self, events: &[NewEvent]) -> Result<Vec<PendingEvent>> {
        let tx = self
            .conn
            .transaction()
            .map_err(query("begin recording events"))?;
        let events: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
        let pending = insert_events(&tx, &events)?;
        tx.commit().map_err(query("commit events"))?;
        Ok(pending)
    }

    fn apply(
        &mut self,
        changes: &[AccessChange],
        events: &[NewEvent],
    ) -> Result<Vec<PendingEvent>> {
        let tx = self
            .conn
            .transaction()
            .map_err(query("begin an access change"))?;
        for change in changes {
            access::apply_change(&tx, change)?;
        }
        let events: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
        let pending = insert_events(&tx, &events)?;
        tx.commit().map_err(query("commit an access change"))?;
        Ok(pending)
    }

    fn organisation(&self, name: &str) -> Result<Option<OrganisationRow>> {
        access::organisation(&self.conn, name)
    }
    fn organisations(&self) -> Result<Vec<OrganisationRow>> {
        access::organisations(&self.conn)
    }
    fn user(&self, name: &str) -> Result<Option<UserRow>> {
        access::user(&self.conn, name)
    }
    fn users(&self) -> Result<Vec<UserRow>> {
        access::users(&self.conn)
    }
    fn case(&self, reference: &str) -> Result<Option<CaseRow>> {
        access::case(&self.conn, reference)
    }
    fn cases(&self) -> Result<Vec<CaseRow>> {
        access::cases(&self.conn)
    }
    fn cases_of(&self, user: &str) -> Result<Vec<String>> {
        access::cases_of(&self.conn, user)
    }
    fn submission_originator(&self, submission_key: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT originator FROM submissions WHERE submission_key = ?1 LIMIT 1")
            .and_then(|mut s| s.query_row([submission_key], |r| r.get(0)).optional())
            .map_err(query("look up a submission"))
    }
    fn regimes_of_submission(&self, submission_key: &str) -> Result<Vec<RegimeRow>> {
        access::regimes_of_submission(&self.conn, submission_key)
    }
    fn consents_of(&self, sha256: &str) -> Result<Vec<ConsentRow>> {
        access::consents_of(&self.conn, sha256)
    }
    fn identity_decisions(&self) -> Result<Vec<IdentityDecisionRow>> {
        crate::identity::decisions(&self.conn)
    }
    fn identity_clusters(&self) -> Result<Vec<IdentityMemberRow>> {
        crate::identity::clusters(&self.conn)
    }
    fn releases_of(&self, sha256: &str) -> Result<Vec<ReleaseRow>> {
        access::releases_of(&self.conn, sha256)
    }
    fn request(&self, id: &str) -> Result<Option<RequestRow>> {
        requests::request(&self.conn, id)
    }
    fn requests(&self) -> Result<Vec<RequestRow>> {
        requests::requests(&self.conn)
    }
    fn request_states(&self, id: &str) -> Result<Vec<RequestStateRow>> {
        requests::request_states(&self.conn, id)
    }
    fn request_items(&self, id: &str) -> Result<Vec<RequestItemRow>> {
        requests::request_items(&self.conn, id)
    }
    fn person(&self, pseudonym: &str) -> Result<Option<PersonRow>> {
        requests::person(&self.conn, pseudonym)
    }
    fn persons(&self) -> Result<Vec<PersonRow>> {
        requests::persons(&self.conn)
    }
    fn person_scopes(&self, pseudonym: &str) -> Result<Vec<PersonScopeRow>> {
        requests::person_scopes(&self.conn, pseudonym)
    }
    fn witnesses_of(&self, sha256: &str) -> Result<Vec<StatementLinkRow>> {
        requests::witnesses_of(&self.conn, sha256)
    }
    fn credential(&self, user: &str) -> Result<Option<CredentialRow>> {
        credentials::credential(&self.conn, user)
    }
    fn login_failures(&self, user: &str) -> Result<Vec<u64>> {
        credentials::login_failures(&self.conn, user)
    }
    fn token(&self, id: &str) -> Result<Option<TokenRow>> {
        credentials::token(&self.conn, id)
    }
    fn tokens_of(&self, user: &str) -> Result<Vec<TokenRow>> {
        credentials::tokens_of(&self.conn, user)
    }

    fn pending_events(&self) -> Result<Vec<PendingEvent>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, entry FROM events WHERE ledger_index IS NULL ORDER BY id")
            .map_err(query("list pending events"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingEvent {
                    id: r.get(0)?,
                    entry: r.get(1)?,
                })
            })
            .map_err(query("list pending events"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(query("list pending events"))
    }

    fn mark_logged(&mut self, logged: &[(i64, u64)]) -> Result<()> {
        let tx = self
            .conn
            .transaction()
            .map_err(query("begin marking events logged"))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "UPDATE events SET ledger_index = ?2 WHERE id = ?1 AND ledger_index IS NULL",
                )
                .map_err(query("prepare marking events logged"))?;
            for (id, index) in logged {
                let changed = stmt
                    .execute(params![id, *index as i64])
                    .map_err(query("mark an event logged"))?;
                if changed != 1 {
                    return Err(CatalogError::Invalid(format!("event {id} is not pending")));
                }
            }
        }
        tx.commit().map_err(query("commit marking events logged"))
    }

    fn item(&self, sha256: &str) -> Result<Option<ItemRow>> {
        self.conn
            .prepare_cached("SELECT sha256, size, mime, stored_at FROM items WHERE sha256 = ?1")
            .and_then(|mut stmt| stmt.query_row([sha256], item_from_row).optional())
            .map_err(query("read an item"))
    }

    fn submitted_item(&self, submission_key: &str, path: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached(
                "SELECT sha256 FROM submissions WHERE submission_key = ?1 AND path = ?2",
            )
            .and_then(|mut stmt| {
                stmt.query_row([submission_key, path], |r| r.get(0))
                    .optional()
            })
            .map_err(query("look up a submitted path"))
    }

    fn submission(&self, id: i64) -> Result<Option<SubmissionRow>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?1"
            ))
            .and_then(|mut stmt| stmt.query_row([id], submission_from_row).optional())
            .map_err(query("read a submission"))
    }

    fn submissions_of(&self, sha256: &str) -> Result<Vec<SubmissionRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE sha256 = ?1 ORDER BY id"
            ))
            .map_err(query("list submissions"))?;
        let rows = stmt
            .query_map([sha256], submission_from_row)
            .map_err(query("list submissions"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(query("list submissions"))
    }

    fn derived_from(&self, parent: &str) -> Result<Vec<SubmissionRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE parent_sha256 = ?1 ORDER BY id"
            ))
            .map_err(query("list derived items"))?;
        let rows = stmt
            .query_map([parent], submission_from_row)
            .map_err(query("list derived items"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(query("list derived items"))
    }

    fn set_expansion_error(&mut self, sha256: &str, error: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE items SET expansion_error = ?2 WHERE sha256 = ?1",
                params![sha256, error],
            )
            .map_err(query("record an expansion error"))?;
        Ok(())
    }

    fn expansion_error(&self, sha256: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT expansion_error FROM items WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(query("read an expansion error"))
    }

    fn history(&self, sha256: &str) -> Result<Vec<EventRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE item = ?1 ORDER BY id"
            ))
            .map_err(query("read an item's history"))?;
        let rows = stmt
            .query_map([sha256], event_from_row)
            .map_err(query("read an item's history"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(query("read an item's history"))
    }

    fn for_each_item(&self, visit: &mut dyn FnMut(ItemRow) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT sha256, size, mime, stored_at FROM items ORDER BY sha256")
            .map_err(query("list items"))?;
        let mut rows = stmt.query([]).map_err(query("list items"))?;
        while let Some(row) = rows.next().map_err(query("list items"))? {
            visit(item_from_row(row).map_err(query("read an item"))?)?;
        }
        Ok(())
    }

    fn for_each_event(&self, visit: &mut dyn FnMut(EventRow) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY id"))
            .map_err(query("list events"))?;
        let mut rows = stmt.query([]).map_err(query("list events"))?;
        while let Some(row) = rows.next().map_err(query("list events"))? {
            visit(event_from_row(row).map_err(query("read an event"))?)?;
        }
        Ok(())
    }

    fn item_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(query("count items"))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(query("read a setting"))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map_err(query("write a setting"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ingest_pending_and_logged_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = SqliteCatalog::open(&dir.path().join("c.db"), &[1; 32]).unwrap();
        assert!(!c.submission_started("k").unwrap());
        let commit = c
            .commit_ingest(&[record("aa", "k", "a"), record("aa", "k2", "a")])
            .unwrap();
        assert_eq!(
            commit.new_items,
            vec![true, false],
            "the second copy is a duplicate"
        );
        assert!(c.submission_started("k").unwrap());
        let pending = commit.pending;
        assert_eq!(pending.len(), 2);
        assert_eq!(c.item_count().unwrap(), 1, "same bytes, one item");
        assert_eq!(c.submissions_of("aa").unwrap().len(), 2, "two submissions");
        assert_eq!(c.pending_events().unwrap(), pending);
        c.mark_logged(&[(pending[0].id, 0), (pending[1].id, 1)])
            .unwrap();
        assert!(c.pending_events().unwrap().is_empty());
        assert!(
            c.mark_logged(&[(pending[0].id, 5)]).is_err(),
            "an event is logged once"
        );
        assert_eq!(c.history("aa").unwrap().len(), 2);
        assert_eq!(c.submitted_item("k", "a").unwrap().as_deref(), Some("aa"));
        assert!(
            c.commit_ingest(&[record("bb", "k", "a")]).is_err(),
            "a path is submitted once per submission"
        );
    }

    fn event(action: &str) -> NewEvent {
        NewEvent {
            time: "t".into(),
            actor: "admin".into(),
            action: action.into(),
            item: None,
            details: "{}".into(),
            entry: action.as_bytes().to_vec(),
        }
    }

    #[test]
    fn access_changes_are_atomic_with_their_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = SqliteCatalog::open(&dir.path().join("c.db"), &[1; 32]).unwrap();
        let org = |name: &str, kind: &str| {
            AccessChange::AddOrganisation(OrganisationRow {
                name: name.into(),
                kind: kind.into(),
                approved_requester: false,
                created_at: "t".into(),
                created_by: "admin".into(),
            })
        };
        let user = |name: &str, org: &str| {
            AccessChange::AddUser(UserRow {
                name: name.into(),
                organisation: org.into(),
                roles: vec!["custodian".into(), "auditor".into()],
                created_at: "t".into(),
                created_by: "admin".into(),
            })
        };
        let pending = c
            .apply(
                &[org("UN", "holder"), user("ana", "UN")],
                &[event("user_add")],
            )
            .unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            c.user("ana").unwrap().unwrap().roles,
            ["custodian", "auditor"]
        );

        // A user of an unknown organisation fails the whole change, event included.
        let before = c.pending_events().unwrap().len();
        let e = c
            .apply(
                &[org("NL", "requesting_authority"), user("bob", "nowhere")],
                &[event("x")],
            )
            .unwrap_err();
        assert!(matches!(e, CatalogError::Conflict(_)), "{e}");
        assert!(c.organisation("NL").unwrap().is_none(), "rolled back");
        assert_eq!(c.pending_events().unwrap().len(), before);
        // Names are unique.
        assert!(matches!(
            c.apply(&[org("UN", "holder")], &[event("x")]),
            Err(CatalogError::Conflict(_))
        ));

        c.apply(
            &[
                AccessChange::AddCase(CaseRow {
                    reference: "C1".into(),
                    title: None,
                    created_at: "t".into(),
                    created_by: "admin".into(),
                }),
                AccessChange::AddCaseMember {
                    case_ref: "C1".into(),
                    user: "ana".into(),
                },
                AccessChange::SetApprovedRequester {
                    organisation: "UN".into(),
                    approved: true,
                },
            ],
            &[event("case_add")],
        )
        .unwrap();
        assert_eq!(c.cases_of("ana").unwrap(), ["C1"]);
        assert!(c.organisation("UN").unwrap().unwrap().approved_requester);
        assert!(matches!(
            c.apply(
                &[AccessChange::AddCaseMember {
                    case_ref: "C9".into(),
                    user: "ana".into()
                }],
                &[]
            ),
            Err(CatalogError::Conflict(_))
        ));

        // Regimes keep their history; consents and releases need the item.
        c.commit_ingest(&[record("aa", "k", "a")]).unwrap();
        assert_eq!(
            c.submission_originator("k").unwrap().as_deref(),
            Some("Originator")
        );
        for regime in ["consent", "restricted"] {
            c.apply(
                &[AccessChange::SetRegime(RegimeRow {
                    id: 0,
                    submission_key: "k".into(),
                    sha256: None,
                    regime: regime.into(),
                    set_at: "t".into(),
                    set_by: "admin".into(),
                    reason: None,
                })],
                &[event("regime_set")],
            )
            .unwrap();
        }
        let regimes: Vec<_> = c
            .regimes_of_submission("k")
            .unwrap()
            .into_iter()
            .map(|r| r.regime)
            .collect();
        assert_eq!(regimes, ["consent", "restricted"]);
        let consent = |sha: &str| {
            AccessChange::RecordConsent(ConsentRow {
                id: 0,
                sha256: sha.into(),
                originator: "org".into(),
                recipient: "NL".into(),
                decision: "grant".into(),
                conditions: "[]".into(),
                decided_at: "t".into(),
                decided_by: "liaison".into(),
                reason: None,
            })
        };
        c.apply(&[consent("aa")], &[event("consent")]).unwrap();
        assert_eq!(c.consents_of("aa").unwrap().len(), 1);
        assert!(c.apply(&[consent("zz")], &[event("consent")]).is_err());
        c.apply(
            &[AccessChange::RecordRelease(ReleaseRow {
                id: 0,
                sha256: "aa".into(),
                recipient: "NL".into(),
                package: "p1".into(),
                released_at: "t".into(),
                released_by: "admin".into(),
            })],
            &[event("release")],
        )
        .unwrap();
        assert_eq!(c.releases_of("aa").unwrap()[0].recipient, "NL");
    }

    #[test]
    fn wrong_key_is_refused_and_schema_is_versioned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let c = SqliteCatalog::open(&path, &[1; 32]).unwrap();
        assert_eq!(
            c.schema_version().unwrap(),
            MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
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
