//! The catalog: what the vault holds (items), where each copy came from (submissions, i.e.
//! provenance), and every custody event with its place in the custody log.
//!
//! What it leaves out: no file I/O on evidence, no cryptography of its own beyond opening an
//! encrypted database, no knowledge of the log's format: the vault builds log entries and hands
//! them over as bytes. The [`Catalog`] trait is what the vault uses. One implementation,
//! [`SqlCatalog`], holds the catalog's logic and SQL, written once in the dialect SQLite and
//! PostgreSQL share, over two engines ([`db`]): [`SqliteCatalog`] is the embedded default
//! (SQLCipher: the whole database, its WAL and journals are encrypted, so a seized laptop reveals
//! neither names nor hashes); [`PostgresCatalog`] is for vaults that scale out to a PostgreSQL
//! server. The same migrations build both schemas and the same test suite runs on both.
//!
//! Invariant: an event row is written in the same transaction as the rows it describes, before
//! its entry reaches the log (`ledger_index` is then NULL, "pending"); the vault appends pending
//! entries and records their indexes. After a crash the pending rows say exactly what is owed to
//! the log, so nothing acknowledged is lost and nothing is logged twice.

#![forbid(unsafe_code)]

mod access;
mod cases;
mod copy;
mod credentials;
pub mod db;
mod derived;
mod harm;
mod identity;
mod postgres;
mod requests;
mod sql;
mod sqlite;
mod victims;
pub use harm::{HarmAssessmentRow, HarmReportRow, MonitorCountRow};

use serde::{Deserialize, Serialize};

pub use cases::{
    CaseAccessRows, CaseAnalysisRows, CaseChargeRow, CaseIncidentRow, CaseItemRow, CaseLinkInForce,
    CaseLinkRow, CaseNumbers, CrimeImportRow,
};
pub use copy::{CopyReport, TableCopy, MIGRATION_MARKER};
pub use derived::{DerivedRow, ExtractionRow};
pub use postgres::{PostgresCatalog, PostgresTarget};
pub use sql::{latest_schema_version, SqlCatalog};
pub use sqlite::SqliteCatalog;
pub use victims::{
    InfoRequestRow, MilestoneRow, NoticeRow, PersonCaseRow, PersonContactRow, VictimRows,
};

/// Errors of the catalog.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot open the catalog `{path}`: {detail}\n\nhint: is this the right data directory, with its keys?")]
    Open { path: String, detail: String },
    #[error("cannot connect to the catalog `{target}`: {detail}\n\nhint: is the server running and reachable, and are the user, database, password (PGPASSWORD) and, for TLS, the server's CA (PGSSLROOTCERT) right?")]
    Connect { target: String, detail: String },
    #[error("`{target}` is not a usable PostgreSQL location: {detail}")]
    Location { target: String, detail: String },
    #[error("the catalog's schema version {found} is newer than this program knows ({known})\n\nhint: upgrade custodia")]
    TooNew { found: i64, known: i64 },
    #[error("catalog query failed ({context}): {source}")]
    Query {
        context: &'static str,
        source: db::DbError,
    },
    #[error("the catalog holds invalid data ({0})")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T, E = CatalogError> = std::result::Result<T, E>;

/// One preserved item: identified by the SHA-256 of its bytes, stored once however often supplied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemRow {
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    /// When the bytes were first stored (RFC 3339, UTC).
    pub stored_at: String,
}

/// One submission of an item: who supplied it, how it was collected, and where it sat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubmissionRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    /// Identifies one ingest of one collection, so a rerun of an interrupted ingest resumes it.
    pub submission_key: String,
    pub sha256: String,
    pub originator: String,
    #[schema(required)]
    pub case_ref: Option<String>,
    #[schema(required)]
    pub collected_by: Option<String>,
    #[schema(required)]
    pub collected_at: Option<String>,
    #[schema(required)]
    pub collection_note: Option<String>,
    /// Path within the collection, as given on the command line and walked.
    pub path: String,
    pub original_name: String,
    /// The archive this item was expanded from (or the original a redacted copy was made of),
    /// and its path inside it. Shown to an organisation outside the holder that did not make
    /// the submission, a redacted copy's original is `commitment:<64 hex>`, as in a package.
    #[schema(required)]
    pub parent_sha256: Option<String>,
    #[schema(required)]
    pub path_in_parent: Option<String>,
    #[schema(required)]
    pub modified_at: Option<String>,
    #[schema(required)]
    pub accessed_at: Option<String>,
    #[schema(required)]
    pub created_at: Option<String>,
    pub submitted_at: String,
    pub submitted_by: String,
}

/// A custody event: one entry of the custody log, with the details its entry commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    /// Position in the custody log; `None` while pending.
    pub ledger_index: Option<u64>,
    pub time: String,
    pub actor: String,
    pub action: String,
    pub item: Option<String>,
    pub submission_id: Option<i64>,
    /// The details as canonical JSON; the log entry holds their SHA-256.
    pub details: String,
    /// The exact bytes appended (or to be appended) to the custody log.
    pub entry: Vec<u8>,
}

/// A custody event to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub time: String,
    pub actor: String,
    pub action: String,
    pub item: Option<String>,
    pub details: String,
    pub entry: Vec<u8>,
}

/// One item stored by an ingest: the item (inserted if new), its submission and the event.
#[derive(Debug, Clone)]
pub struct IngestRecord {
    pub item: ItemRow,
    pub submission: SubmissionRow,
    pub event: NewEvent,
}

/// What [`Catalog::commit_ingest`] recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestCommit {
    pub pending: Vec<PendingEvent>,
    pub new_items: Vec<bool>,
}

/// A pending event: its id and the entry bytes owed to the custody log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    pub id: i64,
    pub entry: Vec<u8>,
}

/// An organisation: the holder, an originator, a requesting authority, an NGO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationRow {
    pub name: String,
    /// `holder`, `originator`, `requesting_authority` or `ngo`.
    pub kind: String,
    /// Whether the holder approved it as a requester (open items need no consent for it).
    pub approved_requester: bool,
    pub created_at: String,
    pub created_by: String,
}

/// A person who acts in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub name: String,
    pub organisation: String,
    /// Role names (see `custodia-access`).
    pub roles: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

/// What a person chose for their own pages (`None`: the default, the browser's language and UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPreferences {
    /// The interface language, a code such as `ar`.
    pub language: Option<String>,
    /// The time zone times are shown in, an IANA name such as `Asia/Baghdad`.
    pub time_zone: Option<String>,
}

/// A case (compartment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub reference: String,
    pub title: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// A sharing regime set for a whole submission (`sha256` = None) or one item of it. Rows are
/// never changed: the latest row in force is the regime, the others its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegimeRow {
    /// Assigned by the catalog; 0 in a row not yet written.
    pub id: i64,
    pub submission_key: String,
    #[schema(required)]
    pub sha256: Option<String>,
    /// `open`, `consent` or `restricted`.
    pub regime: String,
    pub set_at: String,
    pub set_by: String,
    #[schema(required)]
    pub reason: Option<String>,
}

/// An originator's decision on letting an item go to a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRow {
    pub id: i64,
    pub sha256: String,
    pub originator: String,
    pub recipient: String,
    /// `grant` or `refuse`; the latest decision for (item, originator, recipient) is in force.
    pub decision: String,
    /// Conditions binding the recipient, as JSON (an array).
    pub conditions: String,
    pub decided_at: String,
    pub decided_by: String,
    pub reason: Option<String>,
}

/// An item delivered to a recipient (in a disclosure package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRow {
    pub id: i64,
    pub sha256: String,
    pub recipient: String,
    pub package: String,
    pub released_at: String,
    pub released_by: String,
}

/// A person's decision on a candidate pair of person records (from `custodia match`): the same
/// person (`confirm`) or not (`reject`). Ids are the rows' ids as the lists give them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityDecisionRow {
    pub id: i64,
    pub left_id: String,
    pub right_id: String,
    /// `confirm` or `reject`.
    pub decision: String,
    pub note: Option<String>,
    pub decided_at: String,
    pub decided_by: String,
}

/// One member of an identity cluster: records confirmed, directly or through others, to be
/// one person. The cluster is named by its smallest member id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityMemberRow {
    pub cluster: String,
    pub member: String,
}

/// A change to who may do what, applied with its custody events in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessChange {
    AddOrganisation(OrganisationRow),
    SetApprovedRequester {
        organisation: String,
        approved: bool,
    },
    AddUser(UserRow),
    SetRoles {
        user: String,
        roles: Vec<String>,
    },
    /// The interface language a user chose (`None`: the browser's).
    SetLanguage {
        user: String,
        language: Option<String>,
    },
    /// The time zone a user chose to see times in (an IANA name; `None`: UTC).
    SetTimeZone {
        user: String,
        time_zone: Option<String>,
    },
    AddCase(CaseRow),
    AddCaseMember {
        case_ref: String,
        user: String,
    },
    SetRegime(RegimeRow),
    RecordConsent(ConsentRow),
    RecordRelease(ReleaseRow),
    /// Records a decision on a pair of person records and rebuilds the identity clusters.
    RecordIdentityDecision(IdentityDecisionRow),
    FileRequest(RequestRow),
    SetRequestState(RequestStateRow),
    AddRequestItem(RequestItemRow),
    AddPerson(PersonRow),
    SetPersonScope(PersonScopeRow),
    LinkStatement(StatementLinkRow),
    SetCredential(CredentialRow),
    RecordLoginFailure {
        user: String,
        /// Unix seconds.
        at: u64,
    },
    ClearLoginFailures(String),
    IssueToken(TokenRow),
    RevokeToken {
        id: String,
        at: String,
    },
    /// Adds crime codes from a file beside the shipped ones.
    ImportCrimes(CrimeImportRow),
    AddCharge(CaseChargeRow),
    AddIncident(CaseIncidentRow),
    /// Links an item to an element, recording (or refreshing) the item's facts for the case.
    AddLink {
        link: CaseLinkRow,
        item: CaseItemRow,
    },
    /// Takes a link out of force; its row stays, so its number is never given again.
    RemoveLink {
        case_ref: String,
        number: u64,
        at: String,
        by: String,
    },
    /// Sets a person's contact details and wishes (a new row; the latest is in force).
    SetPersonContact(PersonContactRow),
    /// Links a person to a case (again: changes the role, keeps the first day).
    LinkPersonCase(PersonCaseRow),
    AddMilestone(MilestoneRow),
    RecordInfoRequest(InfoRequestRow),
    RecordNotice(NoticeRow),
    AddHarmReport(HarmReportRow),
    AssessHarmReport(HarmAssessmentRow),
    AddMonitorCount(MonitorCountRow),
}

/// A user's password hash (Argon2id, PHC string) and TOTP secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRow {
    pub user: String,
    pub password_phc: Option<String>,
    /// Base32; `None` when the user has no second factor.
    pub totp_secret: Option<String>,
    /// The last TOTP time step used, so that each code signs in once.
    pub totp_last_step: Option<u64>,
    pub updated_at: String,
}

/// A session or API token; only the SHA-256 of its secret is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: String,
    pub user: String,
    /// `session` or `api`.
    pub kind: String,
    pub label: Option<String>,
    pub hash: String,
    pub created_at: String,
    /// Unix seconds.
    pub expires_at: Option<u64>,
    pub revoked_at: Option<String>,
}

/// A request for assistance from a requesting authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: String,
    /// The requesting authority (an organisation).
    pub authority: String,
    pub filed_by: String,
    pub filed_at: String,
    pub legal_basis: String,
    pub case_ref: Option<String>,
    /// Suspects, crimes, period, places and free text, as JSON.
    pub description: String,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
}

/// A state a request entered (`filed`, `scoped`, `awaiting_consent`, `ready`, `finalised`,
/// `withdrawn`); the latest is the request's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStateRow {
    pub id: i64,
    pub request_id: String,
    pub state: String,
    pub at: String,
    pub by: String,
    pub note: Option<String>,
}

/// An item in a request's candidate set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestItemRow {
    pub request_id: String,
    pub sha256: String,
    pub added_at: String,
    pub added_by: String,
}

/// A witness or survivor, known to most by a pseudonym.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub pseudonym: String,
    /// The real identity (JSON), shown only to roles that need it.
    pub identity: String,
    /// Protective measures, a JSON array.
    pub protective_measures: String,
    pub created_at: String,
    pub created_by: String,
}

/// A person's own consent scope for their statements (JSON); the latest is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonScopeRow {
    pub id: i64,
    pub pseudonym: String,
    pub scope: String,
    pub set_at: String,
    pub set_by: String,
}

/// An item that is a statement of (or about) a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLinkRow {
    pub sha256: String,
    pub pseudonym: String,
    pub linked_at: String,
    pub linked_by: String,
}

/// The catalog interface the vault uses; every back-end runs the same tests.
pub trait Catalog: Send {
    /// Records a batch of ingested items, their submissions and custody events in one
    /// transaction; returns the events now pending, in log order, and for each record whether
    /// its item was new to the catalog (false: the same bytes were already held).
    fn commit_ingest(&mut self, records: &[IngestRecord]) -> Result<IngestCommit>;
    /// Whether the submission `submission_key` has recorded anything yet.
    fn submission_started(&self, submission_key: &str) -> Result<bool>;
    /// Records custody events that concern no new rows (views, downloads, edits).
    fn record_events(&mut self, events: &[NewEvent]) -> Result<Vec<PendingEvent>>;
    /// Events not yet in the log, oldest first.
    fn pending_events(&self) -> Result<Vec<PendingEvent>>;
    /// Records the log positions of events just appended.
    fn mark_logged(&mut self, logged: &[(i64, u64)]) -> Result<()>;

    fn item(&self, sha256: &str) -> Result<Option<ItemRow>>;
    /// The item recorded for `path` in the submission `submission_key`, if that path was done.
    fn submitted_item(&self, submission_key: &str, path: &str) -> Result<Option<String>>;
    fn submission(&self, id: i64) -> Result<Option<SubmissionRow>>;
    fn submissions_of(&self, sha256: &str) -> Result<Vec<SubmissionRow>>;
    /// Submissions of items made from (or expanded out of) `parent`, oldest first.
    fn derived_from(&self, parent: &str) -> Result<Vec<SubmissionRow>>;
    /// Records that an archive item could not be (fully) expanded, and why.
    fn set_expansion_error(&mut self, sha256: &str, error: &str) -> Result<()>;
    fn expansion_error(&self, sha256: &str) -> Result<Option<String>>;
    /// Custody events of one item, oldest first.
    fn history(&self, sha256: &str) -> Result<Vec<EventRow>>;
    /// The event logged at position `ledger_index` of the custody log, if any.
    fn event_at(&self, ledger_index: u64) -> Result<Option<EventRow>>;

    /// Every item, in SHA-256 order, passed to `visit` one at a time (bounded memory).
    fn for_each_item(&self, visit: &mut dyn FnMut(ItemRow) -> Result<()>) -> Result<()>;
    /// Every event, in id order, passed to `visit` one at a time.
    fn for_each_event(&self, visit: &mut dyn FnMut(EventRow) -> Result<()>) -> Result<()>;
    fn item_count(&self) -> Result<u64>;

    /// Applies access changes and records their custody events in one transaction; returns the
    /// events now pending. A change that would break a reference (a user of an unknown
    /// organisation, a duplicate name) fails the whole transaction.
    fn apply(&mut self, changes: &[AccessChange], events: &[NewEvent])
        -> Result<Vec<PendingEvent>>;
    fn organisation(&self, name: &str) -> Result<Option<OrganisationRow>>;
    fn organisations(&self) -> Result<Vec<OrganisationRow>>;
    fn user(&self, name: &str) -> Result<Option<UserRow>>;
    fn users(&self) -> Result<Vec<UserRow>>;
    /// What `name` chose for their own pages: the interface language and the time zone.
    fn user_preferences(&self, name: &str) -> Result<UserPreferences>;
    fn case(&self, reference: &str) -> Result<Option<CaseRow>>;
    fn cases(&self) -> Result<Vec<CaseRow>>;
    /// The cases `user` is a member of.
    fn cases_of(&self, user: &str) -> Result<Vec<String>>;
    /// The originator of the submission `submission_key`, if it recorded anything.
    fn submission_originator(&self, submission_key: &str) -> Result<Option<String>>;
    /// Regime rows of a submission (all its items and the whole), oldest first.
    fn regimes_of_submission(&self, submission_key: &str) -> Result<Vec<RegimeRow>>;
    /// Consent decisions on an item, oldest first.
    fn consents_of(&self, sha256: &str) -> Result<Vec<ConsentRow>>;
    /// Consent decisions taken from `from` (inclusive) until `until` (exclusive), both RFC 3339
    /// text in UTC, oldest first.
    fn consents_decided(&self, from: &str, until: &str) -> Result<Vec<ConsentRow>>;
    /// Releases of an item, oldest first.
    fn releases_of(&self, sha256: &str) -> Result<Vec<ReleaseRow>>;

    fn request(&self, id: &str) -> Result<Option<RequestRow>>;
    fn requests(&self) -> Result<Vec<RequestRow>>;
    /// States a request entered, oldest first.
    fn request_states(&self, id: &str) -> Result<Vec<RequestStateRow>>;
    fn request_items(&self, id: &str) -> Result<Vec<RequestItemRow>>;
    fn person(&self, pseudonym: &str) -> Result<Option<PersonRow>>;
    fn persons(&self) -> Result<Vec<PersonRow>>;
    /// A person's consent scopes, oldest first.
    fn person_scopes(&self, pseudonym: &str) -> Result<Vec<PersonScopeRow>>;
    /// The persons whose statement (or whose account) an item is.
    fn witnesses_of(&self, sha256: &str) -> Result<Vec<StatementLinkRow>>;

    fn credential(&self, user: &str) -> Result<Option<CredentialRow>>;
    /// Unix seconds of a user's failed sign-ins since their last success.
    fn login_failures(&self, user: &str) -> Result<Vec<u64>>;
    fn token(&self, id: &str) -> Result<Option<TokenRow>>;
    fn tokens_of(&self, user: &str) -> Result<Vec<TokenRow>>;
    /// Decisions on pairs of person records, oldest first.
    fn identity_decisions(&self) -> Result<Vec<IdentityDecisionRow>>;
    /// Identity clusters (only records confirmed to be someone else too), by cluster then member.
    fn identity_clusters(&self) -> Result<Vec<IdentityMemberRow>>;

    /// A small key-value store for the vault's own settings.
    fn meta(&self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;

    /// Items not yet extracted (and, with `retry_failed`, those whose extraction failed), in
    /// SHA-256 order.
    fn items_to_extract(&self, retry_failed: bool) -> Result<Vec<ItemRow>>;
    /// Records an item's extraction outcome, its derived items and their custody events in one
    /// transaction; returns the events now pending.
    fn record_extraction(
        &mut self,
        outcome: &ExtractionRow,
        derived: &[DerivedRow],
        events: &[NewEvent],
    ) -> Result<Vec<PendingEvent>>;
    fn extraction(&self, sha256: &str) -> Result<Option<ExtractionRow>>;
    /// The items derived from `parent`, by kind and hash.
    fn derived_of(&self, parent: &str) -> Result<Vec<DerivedRow>>;
    /// Every derived row, by parent, kind and hash, passed to `visit` one at a time.
    fn for_each_derived(&self, visit: &mut dyn FnMut(DerivedRow) -> Result<()>) -> Result<()>;
    /// Whether `sha256` was derived from another item.
    fn is_derived(&self, sha256: &str) -> Result<bool>;
    /// Items whose extraction is done, failed, and still pending.
    fn extraction_counts(&self) -> Result<(u64, u64, u64)>;
    /// The id of the latest event whose action is one of `actions` (0 if none).
    fn last_event_id(&self, actions: &[&str]) -> Result<i64>;
    /// The first `limit` events after the event `id` whose action is one of `actions`,
    /// oldest first.
    fn events_after(&self, id: i64, actions: &[&str], limit: u64) -> Result<Vec<EventRow>>;
    /// Crime files imported beside the shipped catalogue, in the order imported.
    fn crime_imports(&self) -> Result<Vec<CrimeImportRow>>;
    /// A case's charges, incidents, links in force and linked items' facts, each in order.
    fn case_analysis(&self, case_ref: &str) -> Result<CaseAnalysisRows>;
    /// The rows the access policy's facts are made of, for every item linked in a case (in
    /// force or once) at once: a reader's view of a case decides on each of them.
    fn case_access_rows(&self, case_ref: &str) -> Result<CaseAccessRows>;
    /// The highest charge, incident and link numbers a case has given (removed links too).
    fn case_numbers(&self, case_ref: &str) -> Result<CaseNumbers>;
    /// Links in force from an item to elements of any case, by case and number.
    fn links_of_item(&self, sha256: &str) -> Result<Vec<CaseLinkRow>>;
    /// A case's milestones, by number.
    fn case_milestones(&self, case_ref: &str) -> Result<Vec<MilestoneRow>>;
    /// Contact details in force, links to cases, milestones of those cases, requests for
    /// information and notices (without letters) of one person, or of everyone (`None`).
    fn victim_rows(&self, pseudonym: Option<&str>) -> Result<VictimRows>;
    /// The sealed letter kept with the notice `id`, if any.
    fn notice_letter(&self, id: i64) -> Result<Option<Vec<u8>>>;
    /// Civilian-harm reports, in the order received.
    fn harm_reports(&self) -> Result<Vec<HarmReportRow>>;
    /// Every assessment of every harm report, oldest first.
    fn harm_assessments(&self) -> Result<Vec<HarmAssessmentRow>>;
    /// Monitors' counts, in the order imported.
    fn monitor_counts(&self) -> Result<Vec<MonitorCountRow>>;

    /// The distinct items a submission recorded, in SHA-256 order.
    fn items_of_submission(&self, submission_key: &str) -> Result<Vec<String>>;

    /// Gives every pending event the next positions of the custody log, in id order, in one
    /// transaction that holds the sequencing lock (on PostgreSQL an advisory lock, so that
    /// several servers keep one gap-free sequence); returns how many it sequenced.
    fn sequence_pending(&mut self) -> Result<u64>;
    /// Entries of sequenced events from log position `from` on, in log order, at most `limit`.
    fn logged_entries(&self, from: u64, limit: u64) -> Result<Vec<(u64, Vec<u8>)>>;
    /// The log positions of the events `ids` (`None`: still pending), in the order given.
    fn ledger_positions(&self, ids: &[i64]) -> Result<Vec<Option<u64>>>;
}

/// The current time as RFC 3339 in UTC, for rows the catalog dates itself.
pub(crate) fn now_utc() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}
