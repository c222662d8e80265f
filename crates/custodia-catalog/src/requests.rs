//! Requests for assistance and the persons behind statements (witnesses, survivors), in the
//! SQLite catalog. Like every access change, each is written in one transaction with its custody
//! events; rows are only added, so the history of states and scopes is kept.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::access::{all, conflict, query};
use crate::{
    PersonRow, PersonScopeRow, RequestItemRow, RequestRow, RequestStateRow, Result,
    StatementLinkRow,
};

pub(crate) fn file_request(tx: &Transaction<'_>, r: &RequestRow) -> Result<()> {
    tx.execute(
        "INSERT INTO requests (id, authority, filed_by, filed_at, legal_basis, case_ref,
                               description, deadline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            r.id,
            r.authority,
            r.filed_by,
            r.filed_at,
            r.legal_basis,
            r.case_ref,
            r.description,
            r.deadline
        ],
    )
    .map_err(conflict(format!(
        "request `{}` exists already, or `{}` is not an organisation",
        r.id, r.authority
    )))?;
    Ok(())
}

pub(crate) fn set_request_state(tx: &Transaction<'_>, s: &RequestStateRow) -> Result<()> {
    tx.execute(
        "INSERT INTO request_states (request_id, state, at, by, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![s.request_id, s.state, s.at, s.by, s.note],
    )
    .map_err(conflict(format!("no request `{}`", s.request_id)))?;
    Ok(())
}

pub(crate) fn add_request_item(tx: &Transaction<'_>, i: &RequestItemRow) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO request_items (request_id, sha256, added_at, added_by)
         VALUES (?1, ?2, ?3, ?4)",
        params![i.request_id, i.sha256, i.added_at, i.added_by],
    )
    .map_err(conflict(format!(
        "cannot add item {} to request `{}`: both must exist",
        i.sha256, i.request_id
    )))?;
    Ok(())
}

pub(crate) fn add_person(tx: &Transaction<'_>, p: &PersonRow) -> Result<()> {
    tx.execute(
        "INSERT INTO persons (pseudonym, identity, protective_measures, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            p.pseudonym,
            p.identity,
            p.protective_measures,
            p.created_at,
            p.created_by
        ],
    )
    .map_err(conflict(format!(
        "a person `{}` exists already",
        p.pseudonym
    )))?;
    Ok(())
}

pub(crate) fn set_person_scope(tx: &Transaction<'_>, s: &PersonScopeRow) -> Result<()> {
    tx.execute(
        "INSERT INTO person_scopes (pseudonym, scope, set_at, set_by) VALUES (?1, ?2, ?3, ?4)",
        params![s.pseudonym, s.scope, s.set_at, s.set_by],
    )
    .map_err(conflict(format!("no person `{}`", s.pseudonym)))?;
    Ok(())
}

pub(crate) fn link_statement(tx: &Transaction<'_>, l: &StatementLinkRow) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO statement_witnesses (sha256, pseudonym, linked_at, linked_by)
         VALUES (?1, ?2, ?3, ?4)",
        params![l.sha256, l.pseudonym, l.linked_at, l.linked_by],
    )
    .map_err(conflict(format!(
        "cannot link item {} to `{}`: both must exist",
        l.sha256, l.pseudonym
    )))?;
    Ok(())
}

const REQUEST: &str = "SELECT id, authority, filed_by, filed_at, legal_basis, case_ref,
                              description, deadline FROM requests";

fn request_row(r: &Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        authority: r.get(1)?,
        filed_by: r.get(2)?,
        filed_at: r.get(3)?,
        legal_basis: r.get(4)?,
        case_ref: r.get(5)?,
        description: r.get(6)?,
        deadline: r.get(7)?,
    })
}

pub(crate) fn request(conn: &Connection, id: &str) -> Result<Option<RequestRow>> {
    let mut stmt = conn
        .prepare_cached(&format!("{REQUEST} WHERE id = ?1"))
        .map_err(query("read a request"))?;
    stmt.query_row([id], request_row)
        .optional()
        .map_err(query("read a request"))
}

pub(crate) fn requests(conn: &Connection) -> Result<Vec<RequestRow>> {
    all(
        conn,
        "list requests",
        &format!("{REQUEST} ORDER BY filed_at, id"),
        [],
        request_row,
    )
}

pub(crate) fn request_states(conn: &Connection, id: &str) -> Result<Vec<RequestStateRow>> {
    all(
        conn,
        "list request states",
        "SELECT id, request_id, state, at, by, note FROM request_states
         WHERE request_id = ?1 ORDER BY id",
        [id],
        |r| {
            Ok(RequestStateRow {
                id: r.get(0)?,
                request_id: r.get(1)?,
                state: r.get(2)?,
                at: r.get(3)?,
                by: r.get(4)?,
                note: r.get(5)?,
            })
        },
    )
}

pub(crate) fn request_items(conn: &Connection, id: &str) -> Result<Vec<RequestItemRow>> {
    all(
        conn,
        "list request items",
        "SELECT request_id, sha256, added_at, added_by FROM request_items
         WHERE request_id = ?1 ORDER BY added_at, sha256",
        [id],
        |r| {
            Ok(RequestItemRow {
                request_id: r.get(0)?,
                sha256: r.get(1)?,
                added_at: r.get(2)?,
                added_by: r.get(3)?,
            })
        },
    )
}

fn person_row(r: &Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow {
        pseudonym: r.get(0)?,
        identity: r.get(1)?,
        protective_measures: r.get(2)?,
        created_at: r.get(3)?,
        created_by: r.get(4)?,
    })
}

pub(crate) fn person(conn: &Connection, pseudonym: &str) -> Result<Option<PersonRow>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT pseudonym, identity, protective_measures, created_at, created_by FROM persons
             WHERE pseudonym = ?1",
        )
        .map_err(query("read a person"))?;
    stmt.query_row([pseudonym], person_row)
        .optional()
        .map_err(query("read a person"))
}

pub(crate) fn persons(conn: &Connection) -> Result<Vec<PersonRow>> {
    all(
        conn,
        "list persons",
        "SELECT pseudonym, identity, protective_measures, created_at, created_by FROM persons
         ORDER BY pseudonym",
        [],
        person_row,
    )
}

pub(crate) fn person_scopes(conn: &Connection, pseudonym: &str) -> Result<Vec<PersonScopeRow>> {
    all(
        conn,
        "list a person's consent scopes",
        "SELECT id, pseudonym, scope, set_at, set_by FROM person_scopes
         WHERE pseudonym = ?1 ORDER BY id",
        [pseudonym],
        |r| {
            Ok(PersonScopeRow {
                id: r.get(0)?,
                pseudonym: r.get(1)?,
                scope: r.get(2)?,
                set_at: r.get(3)?,
                set_by: r.get(4)?,
            })
        },
    )
}

pub(crate) fn witnesses_of(conn: &Connection, sha256: &str) -> Result<Vec<StatementLinkRow>> {
    all(
        conn,
        "list an item's witnesses",
        "SELECT sha256, pseudonym, linked_at, linked_by FROM statement_witnesses
         WHERE sha256 = ?1 ORDER BY pseudonym",
        [sha256],
        |r| {
            Ok(StatementLinkRow {
                sha256: r.get(0)?,
                pseudonym: r.get(1)?,
                linked_at: r.get(2)?,
                linked_by: r.get(3)?,
            })
        },
    )
}
