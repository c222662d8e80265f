//! [`SqlCatalog`]: the catalog's logic, written once over [`Db`] and run by both engines.

use crate::db::{self, args, exec, one, query, transaction, Db, Dialect, Row, Value};
use crate::{
    access, credentials, requests, AccessChange, CaseAnalysisRows, CaseLinkRow, CaseNumbers,
    CaseRow, Catalog, CatalogError, ConsentRow, CredentialRow, CrimeImportRow, DerivedRow,
    EventRow, ExtractionRow, IdentityDecisionRow, IdentityMemberRow, IngestCommit, IngestRecord,
    ItemRow, NewEvent, OrganisationRow, PendingEvent, PersonRow, PersonScopeRow, RegimeRow,
    ReleaseRow, RequestItemRow, RequestRow, RequestStateRow, Result, StatementLinkRow,
    SubmissionRow, TokenRow, UserPreferences, UserRow,
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
    (
        8,
        // Every search asks for the latest access change (`last_event_id`) to know whether the
        // index's labels are current. Without this index that question scanned every custody
        // event, reads included: each search cost more than the one before it.
        r#"
    CREATE INDEX events_by_action ON events (action, id);
    "#,
    ),
    (
        9,
        // Case analysis (custodia-cases): crime files imported beside the shipped Elements of
        // Crimes; a case's charges (elements copied in when laid), incidents, links from items to
        // elements (kept when removed, so that a number is never given twice), and the facts of
        // linked items that the timeline and the map place.
        r#"
    CREATE TABLE crime_imports (
        id          INTEGER PRIMARY KEY,
        edition     TEXT NOT NULL,
        body        TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL
    );
    CREATE TABLE case_charges (
        case_ref   TEXT NOT NULL REFERENCES cases(reference),
        number     INTEGER NOT NULL,
        crime      TEXT NOT NULL,
        title      TEXT NOT NULL,
        suspect    TEXT,
        mode       TEXT,
        elements   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (case_ref, number)
    );
    CREATE TABLE case_incidents (
        case_ref   TEXT NOT NULL REFERENCES cases(reference),
        number     INTEGER NOT NULL,
        body       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (case_ref, number)
    );
    CREATE TABLE case_links (
        case_ref   TEXT NOT NULL REFERENCES cases(reference),
        number     INTEGER NOT NULL,
        element    TEXT NOT NULL,
        sha256     TEXT NOT NULL REFERENCES items(sha256),
        assessment TEXT NOT NULL CHECK (assessment IN ('supports', 'contradicts', 'context')),
        strength   TEXT NOT NULL CHECK (strength IN ('weak', 'medium', 'strong')),
        charge     TEXT,
        incident   TEXT,
        excerpt    TEXT,
        page       INTEGER,
        time_range TEXT,
        note       TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        removed_at TEXT,
        removed_by TEXT,
        PRIMARY KEY (case_ref, number)
    );
    CREATE INDEX case_links_by_item ON case_links (sha256);
    CREATE TABLE case_items (
        case_ref TEXT NOT NULL REFERENCES cases(reference),
        sha256   TEXT NOT NULL REFERENCES items(sha256),
        facts    TEXT NOT NULL,
        PRIMARY KEY (case_ref, sha256)
    );
    "#,
    ),
    (
        10,
        r#"
    CREATE TABLE person_contacts (
        id        INTEGER PRIMARY KEY,
        pseudonym TEXT NOT NULL REFERENCES persons(pseudonym),
        sealed    BLOB NOT NULL,
        set_at    TEXT NOT NULL,
        set_by    TEXT NOT NULL
    );
    CREATE INDEX person_contacts_by_person ON person_contacts (pseudonym, id);
    CREATE TABLE person_cases (
        pseudonym TEXT NOT NULL REFERENCES persons(pseudonym),
        case_ref  TEXT NOT NULL REFERENCES cases(reference),
        role      TEXT NOT NULL CHECK (role IN ('victim', 'witness', 'victim_witness')),
        linked_on TEXT NOT NULL,
        linked_at TEXT NOT NULL,
        linked_by TEXT NOT NULL,
        PRIMARY KEY (pseudonym, case_ref)
    );
    CREATE TABLE case_milestones (
        case_ref    TEXT NOT NULL REFERENCES cases(reference),
        number      INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        date        TEXT NOT NULL,
        public_text TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        PRIMARY KEY (case_ref, number)
    );
    CREATE TABLE info_requests (
        id          INTEGER PRIMARY KEY,
        pseudonym   TEXT NOT NULL REFERENCES persons(pseudonym),
        case_ref    TEXT NOT NULL REFERENCES cases(reference),
        date        TEXT NOT NULL,
        sealed      BLOB NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL
    );
    CREATE TABLE notices (
        id          INTEGER PRIMARY KEY,
        pseudonym   TEXT NOT NULL REFERENCES persons(pseudonym),
        case_ref    TEXT NOT NULL REFERENCES cases(reference),
        channel     TEXT NOT NULL,
        sent_on     TEXT NOT NULL,
        covers      TEXT NOT NULL,
        via         TEXT NOT NULL CHECK (via IN ('recorded', 'smtp')),
        told        TEXT NOT NULL,
        letter      BLOB,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL
    );
    CREATE INDEX notices_by_person ON notices (pseudonym, id);
    CREATE TABLE harm_reports (
        reference   TEXT PRIMARY KEY,
        sha256      TEXT NOT NULL REFERENCES items(sha256),
        attachments TEXT NOT NULL,
        received_at TEXT NOT NULL,
        sealed      BLOB NOT NULL,
        contact     BLOB
    );
    CREATE TABLE harm_assessments (
        id             INTEGER PRIMARY KEY,
        reference      TEXT NOT NULL REFERENCES harm_reports(reference),
        status         TEXT NOT NULL CHECK (status IN ('credible', 'not_credible', 'duplicate',
                                                       'insufficient_information')),
        duplicate_of   TEXT,
        killed         INTEGER,
        injured        INTEGER,
        area           TEXT,
        date           TEXT,
        public_summary TEXT,
        note           BLOB,
        assessed_at    TEXT NOT NULL,
        assessed_by    TEXT NOT NULL
    );
    CREATE TABLE harm_monitor_counts (
        id          INTEGER PRIMARY KEY,
        source      TEXT NOT NULL,
        date        TEXT NOT NULL,
        area        TEXT NOT NULL,
        killed_min  INTEGER NOT NULL,
        killed_max  INTEGER NOT NULL,
        reference   TEXT,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL
    );
    "#,
    ),
    (
        11,
        r#"
    ALTER TABLE users ADD COLUMN language TEXT;
    "#,
    ),
    (
        12,
        r#"
    ALTER TABLE users ADD COLUMN time_zone TEXT;
    "#,
    ),
];

/// How many rows a scan (`for_each_*`) reads per query: a page is read, its rows visited, then
/// the next page is read after the last key seen. No cursor or read transaction stays open while
/// the caller works, on either engine.
const PAGE: i64 = 1000;

/// The catalog on one database connection.
pub struct SqlCatalog<D: Db> {
    pub(crate) db: D,
}

impl<D: Db> std::fmt::Debug for SqlCatalog<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlCatalog")
            .field("dialect", &self.db.dialect())
            .finish_non_exhaustive()
    }
}

/// A stable number for PostgreSQL's advisory lock that serialises the custody log's sequencing.
const SEQUENCE_LOCK: i64 = 0x4375_7374_6f64_6971; // "Custodiq"

/// A stable number for PostgreSQL's advisory lock that serialises migrations between servers.
const MIGRATION_LOCK: i64 = 0x4375_7374_6f64_6961; // "Custodia"

impl<D: Db> SqlCatalog<D> {
    pub(crate) fn new(db: D) -> Result<Self> {
        let mut catalog = Self { db };
        catalog.migrate()?;
        Ok(catalog)
    }

    fn dyn_db(&self) -> &dyn Db {
        &self.db
    }

    fn migrate(&mut self) -> Result<()> {
        let dialect = self.db.dialect();
        let create = match dialect {
            Dialect::Sqlite => "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
            Dialect::Postgres => "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
        };
        let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        for (version, sql) in MIGRATIONS {
            let done = transaction(self.dyn_db(), "apply a migration", |db| {
                if dialect == Dialect::Postgres {
                    // Servers starting together: one migrates, the others wait, then see it done.
                    exec(
                        db,
                        "lock the schema",
                        "SELECT pg_advisory_xact_lock(?1)",
                        args![MIGRATION_LOCK],
                    )?;
                }
                db.batch(create)
                    .map_err(query("create the migrations table"))?;
                let current = schema_version(db)?;
                if current > known {
                    return Err(CatalogError::TooNew {
                        found: current,
                        known,
                    });
                }
                if current >= *version {
                    return Ok(current >= known);
                }
                let ddl = match dialect {
                    Dialect::Sqlite => sql.to_string(),
                    Dialect::Postgres => db::postgres_ddl(sql),
                };
                db.batch(&ddl).map_err(query("apply a migration"))?;
                exec(
                    db,
                    "record a migration",
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                    args![*version, crate::now_utc()],
                )?;
                Ok(false)
            })?;
            if done {
                break;
            }
        }
        Ok(())
    }

    /// The schema version in force.
    pub fn schema_version(&self) -> Result<i64> {
        schema_version(&self.db)
    }
}

fn schema_version(db: &dyn Db) -> Result<i64> {
    one(
        db,
        "read the schema version",
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        &[],
        |mut r| r.int(0),
    )
    .map(|v| v.unwrap_or(0))
}

/// Rows per `INSERT` statement: one round trip for many rows (what PostgreSQL's throughput
/// depends on), well under either engine's limit on parameters.
const ROWS_PER_STATEMENT: usize = 100;

/// Inserts `rows` (each with the same number of values) with as few statements as possible:
/// `INSERT INTO {into} VALUES (…), (…) {suffix}`. Returns, per statement, the rows its `suffix`
/// (a `RETURNING` clause) gave back, with the number of rows that statement inserted.
fn insert_many(
    db: &dyn Db,
    context: &'static str,
    into: &str,
    rows: &[Vec<Value>],
    suffix: &str,
) -> Result<Vec<(usize, Vec<Row>)>> {
    let mut out = Vec::new();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let width = chunk.first().map_or(0, Vec::len);
        let tuples: Vec<String> = (0..chunk.len())
            .map(|r| {
                let marks: Vec<String> =
                    (1..=width).map(|c| format!("?{}", r * width + c)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
        let returned = db::all(
            db,
            context,
            &format!("INSERT INTO {into} VALUES {} {suffix}", tuples.join(", ")),
            &values,
            Ok,
        )?;
        out.push((chunk.len(), returned));
    }
    Ok(out)
}

/// The ids a chunk's `RETURNING id` gave, in the order of its VALUES rows: ids are drawn in that
/// order, while RETURNING may list them in any.
fn ids_in_order(inserted: usize, returned: Vec<Row>, what: &str) -> Result<Vec<i64>> {
    let mut ids = returned
        .into_iter()
        .map(|mut r| r.int(0))
        .collect::<Result<Vec<_>>>()?;
    if ids.len() != inserted {
        return Err(CatalogError::Invalid(format!(
            "inserting {inserted} {what} returned {} ids",
            ids.len()
        )));
    }
    ids.sort_unstable();
    Ok(ids)
}

/// Inserts events (each with its submission, if any) as pending; returns them with their ids, in
/// the order given.
pub(crate) fn insert_events(
    db: &dyn Db,
    events: &[(NewEvent, Option<i64>)],
) -> Result<Vec<PendingEvent>> {
    let rows: Vec<Vec<Value>> = events
        .iter()
        .map(|(event, submission_id)| {
            args![
                event.time,
                event.actor,
                event.action,
                event.item,
                submission_id,
                event.details,
                event.entry
            ]
            .to_vec()
        })
        .collect();
    let mut ids = Vec::with_capacity(events.len());
    for (inserted, returned) in insert_many(
        db,
        "insert events",
        "events (time, actor, action, item, submission_id, details, entry)",
        &rows,
        "RETURNING id",
    )? {
        ids.extend(ids_in_order(inserted, returned, "events")?);
    }
    Ok(events
        .iter()
        .zip(ids)
        .map(|((event, _), id)| PendingEvent {
            id,
            entry: event.entry.clone(),
        })
        .collect())
}

const SUBMISSION_COLUMNS: &str = "id, submission_key, sha256, originator, case_ref, collected_by, collected_at, collection_note, path, original_name, parent_sha256, path_in_parent, modified_at, accessed_at, created_at, submitted_at, submitted_by";

fn submission_from_row(mut r: Row) -> Result<SubmissionRow> {
    Ok(SubmissionRow {
        id: r.int(0)?,
        submission_key: r.text(1)?,
        sha256: r.text(2)?,
        originator: r.text(3)?,
        case_ref: r.opt_text(4)?,
        collected_by: r.opt_text(5)?,
        collected_at: r.opt_text(6)?,
        collection_note: r.opt_text(7)?,
        path: r.text(8)?,
        original_name: r.text(9)?,
        parent_sha256: r.opt_text(10)?,
        path_in_parent: r.opt_text(11)?,
        modified_at: r.opt_text(12)?,
        accessed_at: r.opt_text(13)?,
        created_at: r.opt_text(14)?,
        submitted_at: r.text(15)?,
        submitted_by: r.text(16)?,
    })
}

pub(crate) const EVENT_COLUMNS: &str =
    "id, ledger_index, time, actor, action, item, submission_id, details, entry";

pub(crate) fn event_from_row(mut r: Row) -> Result<EventRow> {
    Ok(EventRow {
        id: r.int(0)?,
        ledger_index: r.opt_count(1)?,
        time: r.text(2)?,
        actor: r.text(3)?,
        action: r.text(4)?,
        item: r.opt_text(5)?,
        submission_id: r.opt_int(6)?,
        details: r.text(7)?,
        entry: r.bytes(8)?,
    })
}

pub(crate) const ITEM_COLUMNS: &str = "sha256, size, mime, stored_at";

pub(crate) fn item_from_row(mut r: Row) -> Result<ItemRow> {
    Ok(ItemRow {
        sha256: r.text(0)?,
        size: r.count(1)?,
        mime: r.text(2)?,
        stored_at: r.text(3)?,
    })
}

impl<D: Db> Catalog for SqlCatalog<D> {
    fn commit_ingest(&mut self, records: &[IngestRecord]) -> Result<IngestCommit> {
        transaction(&self.db, "commit an ingest batch", |db| {
            let items: Vec<Vec<Value>> = records
                .iter()
                .map(|r| {
                    let item = &r.item;
                    args![item.sha256, item.size as i64, item.mime, item.stored_at].to_vec()
                })
                .collect();
            let mut fresh = std::collections::HashSet::new();
            for (_, returned) in insert_many(
                db,
                "insert items",
                "items (sha256, size, mime, stored_at)",
                &items,
                "ON CONFLICT (sha256) DO NOTHING RETURNING sha256",
            )? {
                for mut row in returned {
                    fresh.insert(row.text(0)?);
                }
            }
            // New to the catalog: the first record of bytes it did not hold before.
            let new_items = records
                .iter()
                .map(|r| fresh.remove(&r.item.sha256))
                .collect();
            let submissions: Vec<Vec<Value>> = records
                .iter()
                .map(|r| {
                    let s = &r.submission;
                    args![
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
                    ]
                    .to_vec()
                })
                .collect();
            let mut ids = Vec::with_capacity(records.len());
            for (inserted, returned) in insert_many(
                db,
                "insert submissions",
                "submissions (submission_key, sha256, originator, case_ref, collected_by, collected_at, collection_note, path, original_name, parent_sha256, path_in_parent, modified_at, accessed_at, created_at, submitted_at, submitted_by)",
                &submissions,
                "RETURNING id",
            )? {
                ids.extend(ids_in_order(inserted, returned, "submissions")?);
            }
            let events: Vec<_> = records
                .iter()
                .zip(ids)
                .map(|(r, id)| (r.event.clone(), Some(id)))
                .collect();
            let pending = insert_events(db, &events)?;
            Ok(IngestCommit { pending, new_items })
        })
    }

    fn submission_started(&self, submission_key: &str) -> Result<bool> {
        one(
            &self.db,
            "look up a submission",
            "SELECT 1 FROM submissions WHERE submission_key = ?1 LIMIT 1",
            args![submission_key],
            |_| Ok(()),
        )
        .map(|found| found.is_some())
    }

    fn record_events(&mut self, events: &[NewEvent]) -> Result<Vec<PendingEvent>> {
        transaction(&self.db, "record events", |db| {
            let events: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
            insert_events(db, &events)
        })
    }

    fn apply(
        &mut self,
        changes: &[AccessChange],
        events: &[NewEvent],
    ) -> Result<Vec<PendingEvent>> {
        transaction(&self.db, "apply an access change", |db| {
            for change in changes {
                access::apply_change(db, change)?;
            }
            let events: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
            insert_events(db, &events)
        })
    }

    fn organisation(&self, name: &str) -> Result<Option<OrganisationRow>> {
        access::organisation(&self.db, name)
    }
    fn organisations(&self) -> Result<Vec<OrganisationRow>> {
        access::organisations(&self.db)
    }
    fn user(&self, name: &str) -> Result<Option<UserRow>> {
        access::user(&self.db, name)
    }
    fn users(&self) -> Result<Vec<UserRow>> {
        access::users(&self.db)
    }
    fn user_preferences(&self, name: &str) -> Result<UserPreferences> {
        access::user_preferences(&self.db, name)
    }
    fn case(&self, reference: &str) -> Result<Option<CaseRow>> {
        access::case(&self.db, reference)
    }
    fn cases(&self) -> Result<Vec<CaseRow>> {
        access::cases(&self.db)
    }
    fn cases_of(&self, user: &str) -> Result<Vec<String>> {
        access::cases_of(&self.db, user)
    }
    fn submission_originator(&self, submission_key: &str) -> Result<Option<String>> {
        one(
            &self.db,
            "look up a submission",
            "SELECT originator FROM submissions WHERE submission_key = ?1 LIMIT 1",
            args![submission_key],
            |mut r| r.text(0),
        )
    }
    fn regimes_of_submission(&self, submission_key: &str) -> Result<Vec<RegimeRow>> {
        access::regimes_of_submission(&self.db, submission_key)
    }
    fn consents_of(&self, sha256: &str) -> Result<Vec<ConsentRow>> {
        access::consents_of(&self.db, sha256)
    }
    fn consents_decided(&self, from: &str, until: &str) -> Result<Vec<ConsentRow>> {
        access::consents_decided(&self.db, from, until)
    }
    fn identity_decisions(&self) -> Result<Vec<IdentityDecisionRow>> {
        crate::identity::decisions(&self.db)
    }
    fn identity_clusters(&self) -> Result<Vec<IdentityMemberRow>> {
        crate::identity::clusters(&self.db)
    }
    fn releases_of(&self, sha256: &str) -> Result<Vec<ReleaseRow>> {
        access::releases_of(&self.db, sha256)
    }
    fn request(&self, id: &str) -> Result<Option<RequestRow>> {
        requests::request(&self.db, id)
    }
    fn requests(&self) -> Result<Vec<RequestRow>> {
        requests::requests(&self.db)
    }
    fn request_states(&self, id: &str) -> Result<Vec<RequestStateRow>> {
        requests::request_states(&self.db, id)
    }
    fn request_items(&self, id: &str) -> Result<Vec<RequestItemRow>> {
        requests::request_items(&self.db, id)
    }
    fn person(&self, pseudonym: &str) -> Result<Option<PersonRow>> {
        requests::person(&self.db, pseudonym)
    }
    fn persons(&self) -> Result<Vec<PersonRow>> {
        requests::persons(&self.db)
    }
    fn person_scopes(&self, pseudonym: &str) -> Result<Vec<PersonScopeRow>> {
        requests::person_scopes(&self.db, pseudonym)
    }
    fn witnesses_of(&self, sha256: &str) -> Result<Vec<StatementLinkRow>> {
        requests::witnesses_of(&self.db, sha256)
    }
    fn credential(&self, user: &str) -> Result<Option<CredentialRow>> {
        credentials::credential(&self.db, user)
    }
    fn login_failures(&self, user: &str) -> Result<Vec<u64>> {
        credentials::login_failures(&self.db, user)
    }
    fn token(&self, id: &str) -> Result<Option<TokenRow>> {
        credentials::token(&self.db, id)
    }
    fn tokens_of(&self, user: &str) -> Result<Vec<TokenRow>> {
        credentials::tokens_of(&self.db, user)
    }

    fn pending_events(&self) -> Result<Vec<PendingEvent>> {
        db::all(
            &self.db,
            "list pending events",
            "SELECT id, entry FROM events WHERE ledger_index IS NULL ORDER BY id",
            &[],
            |mut r| {
                Ok(PendingEvent {
                    id: r.int(0)?,
                    entry: r.bytes(1)?,
                })
            },
        )
    }

    fn mark_logged(&mut self, logged: &[(i64, u64)]) -> Result<()> {
        // The entries are already durable in the log; if a crash loses these marks, opening
        // the vault finds the batch at the log's end and marks it then (`Vault::reconcile`).
        crate::db::lazily_durable_transaction(&self.db, "mark events logged", |db| {
            for (id, index) in logged {
                let changed = exec(
                    db,
                    "mark an event logged",
                    "UPDATE events SET ledger_index = ?2 WHERE id = ?1 AND ledger_index IS NULL",
                    args![*id, *index as i64],
                )?;
                if changed != 1 {
                    return Err(CatalogError::Invalid(format!("event {id} is not pending")));
                }
            }
            Ok(())
        })
    }

    fn item(&self, sha256: &str) -> Result<Option<ItemRow>> {
        one(
            &self.db,
            "read an item",
            &format!("SELECT {ITEM_COLUMNS} FROM items WHERE sha256 = ?1"),
            args![sha256],
            item_from_row,
        )
    }

    fn submitted_item(&self, submission_key: &str, path: &str) -> Result<Option<String>> {
        one(
            &self.db,
            "look up a submitted path",
            "SELECT sha256 FROM submissions WHERE submission_key = ?1 AND path = ?2",
            args![submission_key, path],
            |mut r| r.text(0),
        )
    }

    fn submission(&self, id: i64) -> Result<Option<SubmissionRow>> {
        one(
            &self.db,
            "read a submission",
            &format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?1"),
            args![id],
            submission_from_row,
        )
    }

    fn submissions_of(&self, sha256: &str) -> Result<Vec<SubmissionRow>> {
        db::all(
            &self.db,
            "list submissions",
            &format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE sha256 = ?1 ORDER BY id"),
            args![sha256],
            submission_from_row,
        )
    }

    fn derived_from(&self, parent: &str) -> Result<Vec<SubmissionRow>> {
        db::all(
            &self.db,
            "list derived items",
            &format!(
                "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE parent_sha256 = ?1 ORDER BY id"
            ),
            args![parent],
            submission_from_row,
        )
    }

    fn set_expansion_error(&mut self, sha256: &str, error: &str) -> Result<()> {
        exec(
            &self.db,
            "record an expansion error",
            "UPDATE items SET expansion_error = ?2 WHERE sha256 = ?1",
            args![sha256, error],
        )?;
        Ok(())
    }

    fn expansion_error(&self, sha256: &str) -> Result<Option<String>> {
        one(
            &self.db,
            "read an expansion error",
            "SELECT expansion_error FROM items WHERE sha256 = ?1",
            args![sha256],
            |mut r| r.opt_text(0),
        )
        .map(Option::flatten)
    }

    fn history(&self, sha256: &str) -> Result<Vec<EventRow>> {
        db::all(
            &self.db,
            "read an item's history",
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE item = ?1 ORDER BY id"),
            args![sha256],
            event_from_row,
        )
    }

    fn event_at(&self, ledger_index: u64) -> Result<Option<EventRow>> {
        one(
            &self.db,
            "read a logged event",
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE ledger_index = ?1"),
            args![ledger_index as i64],
            event_from_row,
        )
    }

    fn for_each_item(&self, visit: &mut dyn FnMut(ItemRow) -> Result<()>) -> Result<()> {
        let mut after = String::new();
        loop {
            let page = db::all(
                &self.db,
                "list items",
                &format!(
                    "SELECT {ITEM_COLUMNS} FROM items WHERE sha256 > ?1 ORDER BY sha256 LIMIT ?2"
                ),
                args![after, PAGE],
                item_from_row,
            )?;
            let full = page.len() as i64 == PAGE;
            for item in page {
                after.clone_from(&item.sha256);
                visit(item)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn for_each_event(&self, visit: &mut dyn FnMut(EventRow) -> Result<()>) -> Result<()> {
        let mut after = 0i64;
        loop {
            let page = db::all(
                &self.db,
                "list events",
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id > ?1 ORDER BY id LIMIT ?2"),
                args![after, PAGE],
                event_from_row,
            )?;
            let full = page.len() as i64 == PAGE;
            for event in page {
                after = event.id;
                visit(event)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn item_count(&self) -> Result<u64> {
        one(
            &self.db,
            "count items",
            "SELECT count(*) FROM items",
            &[],
            |mut r| r.count(0),
        )
        .map(|n| n.unwrap_or(0))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        one(
            &self.db,
            "read a setting",
            "SELECT value FROM meta WHERE key = ?1",
            args![key],
            |mut r| r.text(0),
        )
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        exec(
            &self.db,
            "write a setting",
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            args![key, value],
        )?;
        Ok(())
    }

    fn items_to_extract(&self, retry_failed: bool) -> Result<Vec<ItemRow>> {
        crate::derived::items_to_extract(&self.db, retry_failed)
    }
    fn record_extraction(
        &mut self,
        outcome: &ExtractionRow,
        derived: &[DerivedRow],
        events: &[NewEvent],
    ) -> Result<Vec<PendingEvent>> {
        crate::derived::record_extraction(&self.db, outcome, derived, events)
    }
    fn extraction(&self, sha256: &str) -> Result<Option<ExtractionRow>> {
        crate::derived::extraction(&self.db, sha256)
    }
    fn derived_of(&self, parent: &str) -> Result<Vec<DerivedRow>> {
        crate::derived::derived_of(&self.db, parent)
    }
    fn for_each_derived(&self, visit: &mut dyn FnMut(DerivedRow) -> Result<()>) -> Result<()> {
        crate::derived::for_each_derived(&self.db, PAGE, visit)
    }
    fn is_derived(&self, sha256: &str) -> Result<bool> {
        crate::derived::is_derived(&self.db, sha256)
    }
    fn extraction_counts(&self) -> Result<(u64, u64, u64)> {
        crate::derived::extraction_counts(&self.db)
    }
    fn last_event_id(&self, actions: &[&str]) -> Result<i64> {
        crate::derived::last_event_id(&self.db, actions)
    }
    fn events_after(&self, id: i64, actions: &[&str], limit: u64) -> Result<Vec<EventRow>> {
        crate::derived::events_after(&self.db, id, actions, limit)
    }
    fn crime_imports(&self) -> Result<Vec<CrimeImportRow>> {
        crate::cases::crime_imports(&self.db)
    }

    fn case_analysis(&self, case_ref: &str) -> Result<CaseAnalysisRows> {
        crate::cases::case_analysis(&self.db, case_ref)
    }

    fn case_access_rows(&self, case_ref: &str) -> Result<crate::CaseAccessRows> {
        crate::cases::case_access_rows(&self.db, case_ref, SUBMISSION_COLUMNS, submission_from_row)
    }

    fn case_numbers(&self, case_ref: &str) -> Result<CaseNumbers> {
        crate::cases::case_numbers(&self.db, case_ref)
    }

    fn links_of_item(&self, sha256: &str) -> Result<Vec<CaseLinkRow>> {
        crate::cases::links_of_item(&self.db, sha256)
    }

    fn case_milestones(&self, case_ref: &str) -> Result<Vec<crate::MilestoneRow>> {
        crate::victims::case_milestones(&self.db, case_ref)
    }

    fn victim_rows(&self, pseudonym: Option<&str>) -> Result<crate::VictimRows> {
        crate::victims::victim_rows(&self.db, pseudonym)
    }

    fn notice_letter(&self, id: i64) -> Result<Option<Vec<u8>>> {
        crate::victims::notice_letter(&self.db, id)
    }

    fn harm_reports(&self) -> Result<Vec<crate::HarmReportRow>> {
        crate::harm::reports(&self.db)
    }

    fn harm_assessments(&self) -> Result<Vec<crate::HarmAssessmentRow>> {
        crate::harm::assessments(&self.db)
    }

    fn monitor_counts(&self) -> Result<Vec<crate::MonitorCountRow>> {
        crate::harm::monitor_counts(&self.db)
    }

    fn items_of_submission(&self, submission_key: &str) -> Result<Vec<String>> {
        crate::derived::items_of_submission(&self.db, submission_key)
    }

    fn sequence_pending(&mut self) -> Result<u64> {
        transaction(&self.db, "sequence custody events", |db| {
            if db.dialect() == Dialect::Postgres {
                // Held to the end of this transaction: one sequencer at a time, and a server
                // that dies holding it releases it with its connection.
                exec(
                    db,
                    "take the sequencing lock",
                    "SELECT pg_advisory_xact_lock(?1)",
                    args![SEQUENCE_LOCK],
                )?;
            }
            let next = one(
                db,
                "find the log's next position",
                "SELECT COALESCE(MAX(ledger_index) + 1, 0) FROM events",
                &[],
                |mut r| r.int(0),
            )?
            .unwrap_or(0);
            exec(
                db,
                "sequence custody events",
                "UPDATE events SET ledger_index = ?1 + pending.rank - 1
                 FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank
                       FROM events WHERE ledger_index IS NULL) AS pending
                 WHERE events.id = pending.id",
                args![next],
            )
        })
    }

    fn logged_entries(&self, from: u64, limit: u64) -> Result<Vec<(u64, Vec<u8>)>> {
        db::all(
            &self.db,
            "read logged entries",
            "SELECT ledger_index, entry FROM events WHERE ledger_index >= ?1
             ORDER BY ledger_index LIMIT ?2",
            args![from as i64, limit as i64],
            |mut r| Ok((r.count(0)?, r.bytes(1)?)),
        )
    }

    fn ledger_positions(&self, ids: &[i64]) -> Result<Vec<Option<u64>>> {
        let mut positions = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
            let values: Vec<Value> = chunk.iter().map(|id| Value::Int(*id)).collect();
            for (id, position) in db::all(
                &self.db,
                "read events' log positions",
                &format!(
                    "SELECT id, ledger_index FROM events WHERE id IN ({})",
                    marks.join(", ")
                ),
                &values,
                |mut r| Ok((r.int(0)?, r.opt_count(1)?)),
            )? {
                positions.insert(id, position);
            }
        }
        Ok(ids
            .iter()
            .map(|id| positions.get(id).copied().flatten())
            .collect())
    }
}

/// The migrations, for tests that check the schema version.
#[doc(hidden)]
pub fn latest_schema_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}
