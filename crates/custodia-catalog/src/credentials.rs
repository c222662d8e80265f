//! Credentials in the catalog: password hashes, TOTP secrets, login failures and bearer
//! tokens (stored as hashes only). Changes go through [`crate::AccessChange`], in one
//! transaction with their custody events.

use crate::db::{all, args, conflict, one, query, Db, Row};
use crate::{CatalogError, CredentialRow, Result, TokenRow};

pub(crate) fn set_credential(db: &dyn Db, c: &CredentialRow) -> Result<()> {
    db.execute(
        "INSERT INTO credentials (user_name, password_phc, totp_secret, totp_last_step, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_name) DO UPDATE SET password_phc = ?2, totp_secret = ?3,
                                               totp_last_step = ?4, updated_at = ?5",
        args![
            c.user,
            c.password_phc,
            c.totp_secret,
            c.totp_last_step.map(|s| s as i64),
            c.updated_at
        ],
    )
    .map_err(conflict(
        "apply an access change",
        format!("no user `{}`", c.user),
    ))?;
    Ok(())
}

pub(crate) fn record_login_failure(db: &dyn Db, user: &str, at: u64) -> Result<()> {
    db.execute(
        "INSERT INTO login_failures (user_name, at) VALUES (?1, ?2)",
        args![user, at as i64],
    )
    .map_err(query("record a failed login"))?;
    Ok(())
}

pub(crate) fn clear_login_failures(db: &dyn Db, user: &str) -> Result<()> {
    db.execute(
        "DELETE FROM login_failures WHERE user_name = ?1",
        args![user],
    )
    .map_err(query("clear failed logins"))?;
    Ok(())
}

pub(crate) fn issue_token(db: &dyn Db, t: &TokenRow) -> Result<()> {
    db.execute(
        "INSERT INTO tokens (id, user_name, kind, label, hash, created_at, expires_at, revoked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![
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
    .map_err(conflict(
        "apply an access change",
        format!("token `{}` exists, or no user `{}`", t.id, t.user),
    ))?;
    Ok(())
}

pub(crate) fn revoke_token(db: &dyn Db, id: &str, at: &str) -> Result<()> {
    let changed = db
        .execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            args![id, at],
        )
        .map_err(query("revoke a token"))?;
    if changed == 0 {
        return Err(CatalogError::Conflict(format!(
            "no token `{id}` that is still valid"
        )));
    }
    Ok(())
}

pub(crate) fn credential(db: &dyn Db, user: &str) -> Result<Option<CredentialRow>> {
    one(
        db,
        "read a credential",
        "SELECT user_name, password_phc, totp_secret, totp_last_step, updated_at FROM credentials
         WHERE user_name = ?1",
        args![user],
        |mut r| {
            Ok(CredentialRow {
                user: r.text(0)?,
                password_phc: r.opt_text(1)?,
                totp_secret: r.opt_text(2)?,
                totp_last_step: r.opt_count(3)?,
                updated_at: r.text(4)?,
            })
        },
    )
}

pub(crate) fn login_failures(db: &dyn Db, user: &str) -> Result<Vec<u64>> {
    all(
        db,
        "read failed logins",
        "SELECT at FROM login_failures WHERE user_name = ?1 ORDER BY at",
        args![user],
        |mut r| r.count(0),
    )
}

fn token_row(mut r: Row) -> Result<TokenRow> {
    Ok(TokenRow {
        id: r.text(0)?,
        user: r.text(1)?,
        kind: r.text(2)?,
        label: r.opt_text(3)?,
        hash: r.text(4)?,
        created_at: r.text(5)?,
        expires_at: r.opt_count(6)?,
        revoked_at: r.opt_text(7)?,
    })
}

const TOKEN: &str =
    "SELECT id, user_name, kind, label, hash, created_at, expires_at, revoked_at FROM tokens";

pub(crate) fn token(db: &dyn Db, id: &str) -> Result<Option<TokenRow>> {
    one(
        db,
        "read a token",
        &format!("{TOKEN} WHERE id = ?1"),
        args![id],
        token_row,
    )
}

pub(crate) fn tokens_of(db: &dyn Db, user: &str) -> Result<Vec<TokenRow>> {
    all(
        db,
        "list tokens",
        &format!("{TOKEN} WHERE user_name = ?1 ORDER BY created_at, id"),
        args![user],
        token_row,
    )
}
