//! Credentials in the SQLite catalog: password hashes, TOTP secrets, login failures and bearer
//! tokens (stored as hashes only). Changes go through [`crate::AccessChange`], in one
//! transaction with their custody events.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::access::{conflict, query};
use crate::{CatalogError, CredentialRow, Result, TokenRow};

pub(crate) fn set_credential(tx: &Transaction<'_>, c: &CredentialRow) -> Result<()> {
    tx.execute(
        "INSERT INTO credentials (user_name, password_phc, totp_secret, totp_last_step, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_name) DO UPDATE SET password_phc = ?2, totp_secret = ?3,
                                               totp_last_step = ?4, updated_at = ?5",
        params![
            c.user,
            c.password_phc,
            c.totp_secret,
            c.totp_last_step.map(|s| s as i64),
            c.updated_at
        ],
    )
    .map_err(conflict(format!("no user `{}`", c.user)))?;
    Ok(())
}

pub(crate) fn record_login_failure(tx: &Transaction<'_>, user: &str, at: u64) -> Result<()> {
    tx.execute(
        "INSERT INTO login_failures (user_name, at) VALUES (?1, ?2)",
        params![user, at as i64],
    )
    .map_err(query("record a failed login"))?;
    Ok(())
}

pub(crate) fn clear_login_failures(tx: &Transaction<'_>, user: &str) -> Result<()> {
    tx.execute("DELETE FROM login_failures WHERE user_name = ?1", [user])
        .map_err(query("clear failed logins"))?;
    Ok(())
}

pub(crate) fn issue_token(tx: &Transaction<'_>, t: &TokenRow) -> Result<()> {
    tx.execute(
        "INSERT INTO tokens (id, user_name, kind, label, hash, created_at, expires_at, revoked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            t.id,
            t.user,
            t.kind,
            t.label,
            t.hash,
            t.created_at,
            t.expires_at.map(|e| e as i64),
            t.revoked_at
        ],
    )
    .map_err(conflict(format!(
        "token `{}` exists, or no user `{}`",
        t.id, t.user
    )))?;
    Ok(())
}

pub(crate) fn revoke_token(tx: &Transaction<'_>, id: &str, at: &str) -> Result<()> {
    let changed = tx
        .execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, at],
        )
        .map_err(query("revoke a token"))?;
    if changed == 0 {
        return Err(CatalogError::Conflict(format!(
            "no token `{id}` that is still valid"
        )));
    }
    Ok(())
}

pub(crate) fn credential(conn: &Connection, user: &str) -> Result<Option<CredentialRow>> {
    conn.prepare_cached(
        "SELECT user_name, password_phc, totp_secret, totp_last_step, updated_at FROM credentials
         WHERE user_name = ?1",
    )
    .map_err(query("read a credential"))?
    .query_row([user], |r| {
        Ok(CredentialRow {
            user: r.get(0)?,
            password_phc: r.get(1)?,
            totp_secret: r.get(2)?,
            totp_last_step: r.get::<_, Option<i64>>(3)?.map(|s| s as u64),
            updated_at: r.get(4)?,
        })
    })
    .optional()
    .map_err(query("read a credential"))
}

pub(crate) fn login_failures(conn: &Connection, user: &str) -> Result<Vec<u64>> {
    let mut stmt = conn
        .prepare_cached("SELECT at FROM login_failures WHERE user_name = ?1 ORDER BY at")
        .map_err(query("read failed logins"))?;
    let rows = stmt
        .query_map([user], |r| r.get::<_, i64>(0).map(|t| t as u64))
        .map_err(query("read failed logins"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(query("read failed logins"))
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        user: r.get(1)?,
        kind: r.get(2)?,
        label: r.get(3)?,
        hash: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get::<_, Option<i64>>(6)?.map(|e| e as u64),
        revoked_at: r.get(7)?,
    })
}

const TOKEN: &str =
    "SELECT id, user_name, kind, label, hash, created_at, expires_at, revoked_at FROM tokens";

pub(crate) fn token(conn: &Connection, id: &str) -> Result<Option<TokenRow>> {
    conn.prepare_cached(&format!("{TOKEN} WHERE id = ?1"))
        .map_err(query("read a token"))?
        .query_row([id], token_row)
        .optional()
        .map_err(query("read a token"))
}

pub(crate) fn tokens_of(conn: &Connection, user: &str) -> Result<Vec<TokenRow>> {
    let mut stmt = conn
        .prepare_cached(&format!("{TOKEN} WHERE user_name = ?1 ORDER BY created_at"))
        .map_err(query("list tokens"))?;
    let rows = stmt
        .query_map([user], token_row)
        .map_err(query("list tokens"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(query("list tokens"))
}
