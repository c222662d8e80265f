//! Who may do what: organisations, users, cases, sharing regimes, consents and releases, in the
//! SQLite catalog. Every change is written in one transaction with its custody events.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::{
    AccessChange, CaseRow, CatalogError, ConsentRow, OrganisationRow, RegimeRow, ReleaseRow,
    Result, UserRow,
};

pub(crate) fn query(context: &'static str) -> impl FnOnce(rusqlite::Error) -> CatalogError {
    move |source| CatalogError::Query { context, source }
}

/// Turns a constraint failure into a message naming what clashed.
pub(crate) fn conflict(what: String) -> impl FnOnce(rusqlite::Error) -> CatalogError {
    move |source| match source.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => CatalogError::Conflict(what),
        _ => CatalogError::Query {
            context: "apply an access change",
            source,
        },
    }
}

fn join_roles(roles: &[String]) -> String {
    roles.join(",")
}

fn split_roles(text: String) -> Vec<String> {
    text.split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn apply_change(tx: &Transaction<'_>, change: &AccessChange) -> Result<()> {
    match change {
        AccessChange::AddOrganisation(o) => {
            tx.execute(
                "INSERT INTO organisations (name, kind, approved_requester, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    o.name,
                    o.kind,
                    o.approved_requester,
                    o.created_at,
                    o.created_by
                ],
            )
            .map_err(conflict(format!(
                "an organisation named `{}` already exists",
                o.name
            )))?;
        }
        AccessChange::SetApprovedRequester {
            organisation,
            approved,
        } => {
            let changed = tx
                .execute(
                    "UPDATE organisations SET approved_requester = ?2 WHERE name = ?1",
                    params![organisation, approved],
                )
                .map_err(query("approve a requester"))?;
            if changed == 0 {
                return Err(CatalogError::Conflict(format!(
                    "no organisation named `{organisation}`"
                )));
            }
        }
        AccessChange::AddUser(u) => {
            let known: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM organisations WHERE name = ?1",
                    [&u.organisation],
                    |r| r.get(0),
                )
                .optional()
                .map_err(query("look up an organisation"))?;
            if known.is_none() {
                return Err(CatalogError::Conflict(format!(
                    "no organisation named `{}`; add it first",
                    u.organisation
                )));
            }
            tx.execute(
                "INSERT INTO users (name, organisation, roles, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    u.name,
                    u.organisation,
                    join_roles(&u.roles),
                    u.created_at,
                    u.created_by
                ],
            )
            .map_err(conflict(format!(
                "a user named `{}` already exists",
                u.name
            )))?;
        }
        AccessChange::SetRoles { user, roles } => {
            let changed = tx
                .execute(
                    "UPDATE users SET roles = ?2 WHERE name = ?1",
                    params![user, join_roles(roles)],
                )
                .map_err(query("set roles"))?;
            if changed == 0 {
                return Err(CatalogError::Conflict(format!("no user named `{user}`")));
            }
        }
        AccessChange::AddCase(c) => {
            tx.execute(
                "INSERT INTO cases (reference, title, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
                params![c.reference, c.title, c.created_at, c.created_by],
            )
            .map_err(conflict(format!("a case `{}` already exists", c.reference)))?;
        }
        AccessChange::AddCaseMember { case_ref, user } => {
            tx.execute(
                "INSERT OR IGNORE INTO case_members (case_ref, user_name) VALUES (?1, ?2)",
                params![case_ref, user],
            )
            .map_err(conflict(format!(
                "cannot add `{user}` to case `{case_ref}`: both must exist"
            )))?;
        }
        AccessChange::SetRegime(r) => {
            tx.execute(
                "INSERT INTO regimes (submission_key, sha256, regime, set_at, set_by, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.submission_key,
                    r.sha256,
                    r.regime,
                    r.set_at,
                    r.set_by,
                    r.reason
                ],
            )
            .map_err(query("set a regime"))?;
        }
        AccessChange::RecordConsent(c) => {
            tx.execute(
                "INSERT INTO consents (sha256, originator, recipient, decision, conditions,
                                       decided_at, decided_by, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    c.sha256,
                    c.originator,
                    c.recipient,
                    c.decision,
                    c.conditions,
                    c.decided_at,
                    c.decided_by,
                    c.reason
                ],
            )
            .map_err(conflict(format!("no item {}", c.sha256)))?;
        }
        AccessChange::RecordRelease(r) => {
            tx.execute(
                "INSERT INTO releases (sha256, recipient, package, released_at, released_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    r.sha256,
                    r.recipient,
                    r.package,
                    r.released_at,
                    r.released_by
                ],
            )
            .map_err(conflict(format!("no item {}", r.sha256)))?;
        }
        AccessChange::FileRequest(r) => crate::requests::file_request(tx, r)?,
        AccessChange::SetRequestState(r) => crate::requests::set_request_state(tx, r)?,
        AccessChange::AddRequestItem(r) => crate::requests::add_request_item(tx, r)?,
        AccessChange::AddPerson(r) => crate::requests::add_person(tx, r)?,
        AccessChange::SetPersonScope(r) => crate::requests::set_person_scope(tx, r)?,
        AccessChange::LinkStatement(r) => crate::requests::link_statement(tx, r)?,
        AccessChange::SetCredential(c) => crate::credentials::set_credential(tx, c)?,
        AccessChange::RecordLoginFailure { user, at } => {
            crate::credentials::record_login_failure(tx, user, *at)?
        }
        AccessChange::ClearLoginFailures(user) => {
            crate::credentials::clear_login_failures(tx, user)?
        }
        AccessChange::IssueToken(t) => crate::credentials::issue_token(tx, t)?,
        AccessChange::RevokeToken { id, at } => crate::credentials::revoke_token(tx, id, at)?,
        AccessChange::RecordIdentityDecision(d) => crate::identity::record(tx, d)?,
    }
    Ok(())
}

fn organisation_row(r: &Row<'_>) -> rusqlite::Result<OrganisationRow> {
    Ok(OrganisationRow {
        name: r.get(0)?,
        kind: r.get(1)?,
        approved_requester: r.get(2)?,
        created_at: r.get(3)?,
        created_by: r.get(4)?,
    })
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        name: r.get(0)?,
        organisation: r.get(1)?,
        roles: split_roles(r.get(2)?),
        created_at: r.get(3)?,
        created_by: r.get(4)?,
    })
}

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        reference: r.get(0)?,
        title: r.get(1)?,
        created_at: r.get(2)?,
        created_by: r.get(3)?,
    })
}

fn regime_row(r: &Row<'_>) -> rusqlite::Result<RegimeRow> {
    Ok(RegimeRow {
        id: r.get(0)?,
        submission_key: r.get(1)?,
        sha256: r.get(2)?,
        regime: r.get(3)?,
        set_at: r.get(4)?,
        set_by: r.get(5)?,
        reason: r.get(6)?,
    })
}

fn consent_row(r: &Row<'_>) -> rusqlite::Result<ConsentRow> {
    Ok(ConsentRow {
        id: r.get(0)?,
        sha256: r.get(1)?,
        originator: r.get(2)?,
        recipient: r.get(3)?,
        decision: r.get(4)?,
        conditions: r.get(5)?,
        decided_at: r.get(6)?,
        decided_by: r.get(7)?,
        reason: r.get(8)?,
    })
}

fn release_row(r: &Row<'_>) -> rusqlite::Result<ReleaseRow> {
    Ok(ReleaseRow {
        id: r.get(0)?,
        sha256: r.get(1)?,
        recipient: r.get(2)?,
        package: r.get(3)?,
        released_at: r.get(4)?,
        released_by: r.get(5)?,
    })
}

pub(crate) fn all<T>(
    conn: &Connection,
    context: &'static str,
    sql: &str,
    args: impl rusqlite::Params,
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(query(context))?;
    let rows = stmt.query_map(args, map).map_err(query(context))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(query(context))
}

fn one<T>(
    conn: &Connection,
    context: &'static str,
    sql: &str,
    args: impl rusqlite::Params,
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(query(context))?;
    stmt.query_row(args, map).optional().map_err(query(context))
}

const ORG: &str =
    "SELECT name, kind, approved_requester, created_at, created_by FROM organisations";
const USER: &str = "SELECT name, organisation, roles, created_at, created_by FROM users";
const CASE: &str = "SELECT reference, title, created_at, created_by FROM cases";

pub(crate) fn organisation(conn: &Connection, name: &str) -> Result<Option<OrganisationRow>> {
    one(
        conn,
        "look up an organisation",
        &format!("{ORG} WHERE name = ?1"),
        [name],
        organisation_row,
    )
}

pub(crate) fn organisations(conn: &Connection) -> Result<Vec<OrganisationRow>> {
    all(
        conn,
        "list organisations",
        &format!("{ORG} ORDER BY name"),
        [],
        organisation_row,
    )
}

pub(crate) fn user(conn: &Connection, name: &str) -> Result<Option<UserRow>> {
    one(
        conn,
        "look up a user",
        &format!("{USER} WHERE name = ?1"),
        [name],
        user_row,
    )
}

pub(crate) fn users(conn: &Connection) -> Result<Vec<UserRow>> {
    all(
        conn,
        "list users",
        &format!("{USER} ORDER BY name"),
        [],
        user_row,
    )
}

pub(crate) fn case(conn: &Connection, reference: &str) -> Result<Option<CaseRow>> {
    one(
        conn,
        "look up a case",
        &format!("{CASE} WHERE reference = ?1"),
        [reference],
        case_row,
    )
}

pub(crate) fn cases(conn: &Connection) -> Result<Vec<CaseRow>> {
    all(
        conn,
        "list cases",
        &format!("{CASE} ORDER BY reference"),
        [],
        case_row,
    )
}

pub(crate) fn cases_of(conn: &Connection, user: &str) -> Result<Vec<String>> {
    all(
        conn,
        "list a user's cases",
        "SELECT case_ref FROM case_members WHERE user_name = ?1 ORDER BY case_ref",
        [user],
        |r| r.get(0),
    )
}

pub(crate) fn regimes_of_submission(conn: &Connection, key: &str) -> Result<Vec<RegimeRow>> {
    all(
        conn,
        "list regimes",
        "SELECT id, submission_key, sha256, regime, set_at, set_by, reason FROM regimes
         WHERE submission_key = ?1 ORDER BY id",
        [key],
        regime_row,
    )
}

pub(crate) fn consents_of(conn: &Connection, sha256: &str) -> Result<Vec<ConsentRow>> {
    all(
        conn,
        "list consents",
        "SELECT id, sha256, originator, recipient, decision, conditions, decided_at, decided_by,
                reason
         FROM consents WHERE sha256 = ?1 ORDER BY id",
        [sha256],
        consent_row,
    )
}

pub(crate) fn releases_of(conn: &Connection, sha256: &str) -> Result<Vec<ReleaseRow>> {
    all(
        conn,
        "list releases",
        "SELECT id, sha256, recipient, package, released_at, released_by FROM releases
         WHERE sha256 = ?1 ORDER BY id",
        [sha256],
        release_row,
    )
}
