//! Requests for assistance and the persons behind statements (witnesses, survivors), in the
//! catalog. Like every access change, each is written in one transaction with its custody
//! events; rows are only added, so the history of states and scopes is kept.

use crate::db::{all, args, conflict, one, Db, Row};
use crate::{
    PersonRow, PersonScopeRow, RequestItemRow, RequestRow, RequestStateRow, Result,
    StatementLinkRow,
};

pub(crate) fn file_request(db: &dyn Db, r: &RequestRow) -> Result<()> {
    db.execute(
        "INSERT INTO requests (id, authority, filed_by, filed_at, legal_basis, case_ref,
                               description, deadline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![
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
    .map_err(conflict(
        "apply an access change",
        format!(
            "request `{}` exists already, or `{}` is not an organisation",
            r.id, r.authority
        ),
    ))?;
    Ok(())
}

pub(crate) fn set_request_state(db: &dyn Db, s: &RequestStateRow) -> Result<()> {
    db.execute(
        "INSERT INTO request_states (request_id, state, at, by, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![s.request_id, s.state, s.at, s.by, s.note],
    )
    .map_err(conflict(
        "apply an access change",
        format!("no request `{}`", s.request_id),
    ))?;
    Ok(())
}

pub(crate) fn add_request_item(db: &dyn Db, i: &RequestItemRow) -> Result<()> {
    db.execute(
        "INSERT INTO request_items (request_id, sha256, added_at, added_by)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        args![i.request_id, i.sha256, i.added_at, i.added_by],
    )
    .map_err(conflict(
        "apply an access change",
        format!(
            "cannot add item {} to request `{}`: both must exist",
            i.sha256, i.request_id
        ),
    ))?;
    Ok(())
}

pub(crate) fn add_person(db: &dyn Db, p: &PersonRow) -> Result<()> {
    db.execute(
        "INSERT INTO persons (pseudonym, identity, protective_measures, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        args![
            p.pseudonym,
            p.identity,
            p.protective_measures,
            p.created_at,
            p.created_by
        ],
    )
    .map_err(conflict(
        "apply an access change",
        format!("a person `{}` exists already", p.pseudonym),
    ))?;
    Ok(())
}

pub(crate) fn set_person_scope(db: &dyn Db, s: &PersonScopeRow) -> Result<()> {
    db.execute(
        "INSERT INTO person_scopes (pseudonym, scope, set_at, set_by) VALUES (?1, ?2, ?3, ?4)",
        args![s.pseudonym, s.scope, s.set_at, s.set_by],
    )
    .map_err(conflict(
        "apply an access change",
        format!("no person `{}`", s.pseudonym),
    ))?;
    Ok(())
}

pub(crate) fn link_statement(db: &dyn Db, l: &StatementLinkRow) -> Result<()> {
    db.execute(
        "INSERT INTO statement_witnesses (sha256, pseudonym, linked_at, linked_by)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        args![l.sha256, l.pseudonym, l.linked_at, l.linked_by],
    )
    .map_err(conflict(
        "apply an access change",
        format!(
            "cannot link item {} to `{}`: both must exist",
            l.sha256, l.pseudonym
        ),
    ))?;
    Ok(())
}

const REQUEST: &str = "SELECT id, authority, filed_by, filed_at, legal_basis, case_ref,
                              description, deadline FROM requests";

fn request_row(mut r: Row) -> Result<RequestRow> {
    Ok(RequestRow {
        id: r.text(0)?,
        authority: r.text(1)?,
        filed_by: r.text(2)?,
        filed_at: r.text(3)?,
        legal_basis: r.text(4)?,
        case_ref: r.opt_text(5)?,
        description: r.text(6)?,
        deadline: r.opt_text(7)?,
    })
}

pub(crate) fn request(db: &dyn Db, id: &str) -> Result<Option<RequestRow>> {
    one(
        db,
        "read a request",
        &format!("{REQUEST} WHERE id = ?1"),
        args![id],
        request_row,
    )
}

pub(crate) fn requests(db: &dyn Db) -> Result<Vec<RequestRow>> {
    all(
        db,
        "list requests",
        &format!("{REQUEST} ORDER BY filed_at, id"),
        &[],
        request_row,
    )
}

pub(crate) fn request_states(db: &dyn Db, id: &str) -> Result<Vec<RequestStateRow>> {
    all(
        db,
        "list request states",
        "SELECT id, request_id, state, at, by, note FROM request_states
         WHERE request_id = ?1 ORDER BY id",
        args![id],
        |mut r| {
            Ok(RequestStateRow {
                id: r.int(0)?,
                request_id: r.text(1)?,
                state: r.text(2)?,
                at: r.text(3)?,
                by: r.text(4)?,
                note: r.opt_text(5)?,
            })
        },
    )
}

pub(crate) fn request_items(db: &dyn Db, id: &str) -> Result<Vec<RequestItemRow>> {
    all(
        db,
        "list request items",
        "SELECT request_id, sha256, added_at, added_by FROM request_items
         WHERE request_id = ?1 ORDER BY added_at, sha256",
        args![id],
        |mut r| {
            Ok(RequestItemRow {
                request_id: r.text(0)?,
                sha256: r.text(1)?,
                added_at: r.text(2)?,
                added_by: r.text(3)?,
            })
        },
    )
}

fn person_row(mut r: Row) -> Result<PersonRow> {
    Ok(PersonRow {
        pseudonym: r.text(0)?,
        identity: r.text(1)?,
        protective_measures: r.text(2)?,
        created_at: r.text(3)?,
        created_by: r.text(4)?,
    })
}

pub(crate) fn person(db: &dyn Db, pseudonym: &str) -> Result<Option<PersonRow>> {
    one(
        db,
        "read a person",
        "SELECT pseudonym, identity, protective_measures, created_at, created_by FROM persons
         WHERE pseudonym = ?1",
        args![pseudonym],
        person_row,
    )
}

pub(crate) fn persons(db: &dyn Db) -> Result<Vec<PersonRow>> {
    all(
        db,
        "list persons",
        "SELECT pseudonym, identity, protective_measures, created_at, created_by FROM persons
         ORDER BY pseudonym",
        &[],
        person_row,
    )
}

pub(crate) fn person_scopes(db: &dyn Db, pseudonym: &str) -> Result<Vec<PersonScopeRow>> {
    all(
        db,
        "list a person's consent scopes",
        "SELECT id, pseudonym, scope, set_at, set_by FROM person_scopes
         WHERE pseudonym = ?1 ORDER BY id",
        args![pseudonym],
        |mut r| {
            Ok(PersonScopeRow {
                id: r.int(0)?,
                pseudonym: r.text(1)?,
                scope: r.text(2)?,
                set_at: r.text(3)?,
                set_by: r.text(4)?,
            })
        },
    )
}

pub(crate) fn witnesses_of(db: &dyn Db, sha256: &str) -> Result<Vec<StatementLinkRow>> {
    all(
        db,
        "list an item's witnesses",
        "SELECT sha256, pseudonym, linked_at, linked_by FROM statement_witnesses
         WHERE sha256 = ?1 ORDER BY pseudonym",
        args![sha256],
        |mut r| {
            Ok(StatementLinkRow {
                sha256: r.text(0)?,
                pseudonym: r.text(1)?,
                linked_at: r.text(2)?,
                linked_by: r.text(3)?,
            })
        },
    )
}
