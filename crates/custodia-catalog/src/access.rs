//! Who may do what: organisations, users, cases, sharing regimes, consents and releases, in the
//! catalog. Every change is written in one transaction with its custody events.

use crate::db::{args, conflict, one, query, Db, Row, Value};
use crate::{
    AccessChange, CaseRow, CatalogError, ConsentRow, OrganisationRow, RegimeRow, ReleaseRow,
    Result, UserPreferences, UserRow,
};

fn join_roles(roles: &[String]) -> String {
    roles.join(",")
}

fn split_roles(text: String) -> Vec<String> {
    text.split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Runs an `UPDATE` of one user's row (`?1` the user's name); a user that does not exist is a
/// conflict naming them, not a silent no-op.
fn update_user(
    db: &dyn Db,
    sql: &str,
    args: &[Value],
    what: &'static str,
    user: &str,
) -> Result<()> {
    let changed = db.execute(sql, args).map_err(query(what))?;
    if changed == 0 {
        return Err(CatalogError::Conflict(format!("no user named `{user}`")));
    }
    Ok(())
}

pub(crate) fn apply_change(db: &dyn Db, change: &AccessChange) -> Result<()> {
    match change {
        AccessChange::AddOrganisation(o) => {
            db.execute(
                "INSERT INTO organisations (name, kind, approved_requester, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                args![
                    o.name,
                    o.kind,
                    o.approved_requester,
                    o.created_at,
                    o.created_by
                ],
            )
            .map_err(conflict(
                "apply an access change",
                format!("an organisation named `{}` already exists", o.name),
            ))?;
        }
        AccessChange::SetApprovedRequester {
            organisation,
            approved,
        } => {
            let changed = db
                .execute(
                    "UPDATE organisations SET approved_requester = ?2 WHERE name = ?1",
                    args![organisation, approved],
                )
                .map_err(query("approve a requester"))?;
            if changed == 0 {
                return Err(CatalogError::Conflict(format!(
                    "no organisation named `{organisation}`"
                )));
            }
        }
        AccessChange::AddUser(u) => {
            let known = one(
                db,
                "look up an organisation",
                "SELECT 1 FROM organisations WHERE name = ?1",
                args![u.organisation],
                |_| Ok(()),
            )?;
            if known.is_none() {
                return Err(CatalogError::Conflict(format!(
                    "no organisation named `{}`; add it first",
                    u.organisation
                )));
            }
            db.execute(
                "INSERT INTO users (name, organisation, roles, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                args![
                    u.name,
                    u.organisation,
                    join_roles(&u.roles),
                    u.created_at,
                    u.created_by
                ],
            )
            .map_err(conflict(
                "apply an access change",
                format!("a user named `{}` already exists", u.name),
            ))?;
        }
        AccessChange::SetRoles { user, roles } => update_user(
            db,
            "UPDATE users SET roles = ?2 WHERE name = ?1",
            args![user, join_roles(roles)],
            "set roles",
            user,
        )?,
        AccessChange::SetLanguage { user, language } => update_user(
            db,
            "UPDATE users SET language = ?2 WHERE name = ?1",
            args![user, language],
            "set a user's language",
            user,
        )?,
        AccessChange::SetTimeZone { user, time_zone } => update_user(
            db,
            "UPDATE users SET time_zone = ?2 WHERE name = ?1",
            args![user, time_zone],
            "set a user's time zone",
            user,
        )?,
        AccessChange::AddCase(c) => {
            db.execute(
                "INSERT INTO cases (reference, title, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
                args![c.reference, c.title, c.created_at, c.created_by],
            )
            .map_err(conflict("apply an access change", format!("a case `{}` already exists", c.reference)))?;
        }
        AccessChange::AddCaseMember { case_ref, user } => {
            db.execute(
                "INSERT INTO case_members (case_ref, user_name) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                args![case_ref, user],
            )
            .map_err(conflict("apply an access change", format!(
                "cannot add `{user}` to case `{case_ref}`: both must exist"
            )))?;
        }
        AccessChange::SetRegime(r) => {
            db.execute(
                "INSERT INTO regimes (submission_key, sha256, regime, set_at, set_by, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![
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
            db.execute(
                "INSERT INTO consents (sha256, originator, recipient, decision, conditions,
                                       decided_at, decided_by, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                args![
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
            .map_err(conflict(
                "apply an access change",
                format!("no item {}", c.sha256),
            ))?;
        }
        AccessChange::RecordRelease(r) => {
            db.execute(
                "INSERT INTO releases (sha256, recipient, package, released_at, released_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                args![
                    r.sha256,
                    r.recipient,
                    r.package,
                    r.released_at,
                    r.released_by
                ],
            )
            .map_err(conflict(
                "apply an access change",
                format!("no item {}", r.sha256),
            ))?;
        }
        AccessChange::FileRequest(r) => crate::requests::file_request(db, r)?,
        AccessChange::SetRequestState(r) => crate::requests::set_request_state(db, r)?,
        AccessChange::AddRequestItem(r) => crate::requests::add_request_item(db, r)?,
        AccessChange::AddPerson(r) => crate::requests::add_person(db, r)?,
        AccessChange::SetPersonScope(r) => crate::requests::set_person_scope(db, r)?,
        AccessChange::LinkStatement(r) => crate::requests::link_statement(db, r)?,
        AccessChange::SetCredential(c) => crate::credentials::set_credential(db, c)?,
        AccessChange::RecordLoginFailure { user, at } => {
            crate::credentials::record_login_failure(db, user, *at)?
        }
        AccessChange::ClearLoginFailures(user) => {
            crate::credentials::clear_login_failures(db, user)?
        }
        AccessChange::IssueToken(t) => crate::credentials::issue_token(db, t)?,
        AccessChange::RevokeToken { id, at } => crate::credentials::revoke_token(db, id, at)?,
        AccessChange::RecordIdentityDecision(d) => crate::identity::record(db, d)?,
        AccessChange::ImportCrimes(r) => crate::cases::import_crimes(db, r)?,
        AccessChange::AddCharge(r) => crate::cases::add_charge(db, r)?,
        AccessChange::SetPersonContact(r) => crate::victims::set_contact(db, r)?,
        AccessChange::LinkPersonCase(r) => crate::victims::link_person_case(db, r)?,
        AccessChange::AddMilestone(r) => crate::victims::add_milestone(db, r)?,
        AccessChange::RecordInfoRequest(r) => crate::victims::record_info_request(db, r)?,
        AccessChange::RecordNotice(r) => crate::victims::record_notice(db, r)?,
        AccessChange::AddHarmReport(r) => crate::harm::add_report(db, r)?,
        AccessChange::AssessHarmReport(r) => crate::harm::assess(db, r)?,
        AccessChange::AddMonitorCount(r) => crate::harm::add_monitor_count(db, r)?,
        AccessChange::AddIncident(r) => crate::cases::add_incident(db, r)?,
        AccessChange::AddLink { link, item } => crate::cases::add_link(db, link, item)?,
        AccessChange::RemoveLink {
            case_ref,
            number,
            at,
            by,
        } => crate::cases::remove_link(db, case_ref, *number, at, by)?,
    }
    Ok(())
}

fn organisation_row(mut r: Row) -> Result<OrganisationRow> {
    Ok(OrganisationRow {
        name: r.text(0)?,
        kind: r.text(1)?,
        approved_requester: r.flag(2)?,
        created_at: r.text(3)?,
        created_by: r.text(4)?,
    })
}

fn user_row(mut r: Row) -> Result<UserRow> {
    Ok(UserRow {
        name: r.text(0)?,
        organisation: r.text(1)?,
        roles: split_roles(r.text(2)?),
        created_at: r.text(3)?,
        created_by: r.text(4)?,
    })
}

fn case_row(mut r: Row) -> Result<CaseRow> {
    Ok(CaseRow {
        reference: r.text(0)?,
        title: r.opt_text(1)?,
        created_at: r.text(2)?,
        created_by: r.text(3)?,
    })
}

pub(crate) fn regime_row(mut r: Row) -> Result<RegimeRow> {
    Ok(RegimeRow {
        id: r.int(0)?,
        submission_key: r.text(1)?,
        sha256: r.opt_text(2)?,
        regime: r.text(3)?,
        set_at: r.text(4)?,
        set_by: r.text(5)?,
        reason: r.opt_text(6)?,
    })
}

pub(crate) fn consent_row(mut r: Row) -> Result<ConsentRow> {
    Ok(ConsentRow {
        id: r.int(0)?,
        sha256: r.text(1)?,
        originator: r.text(2)?,
        recipient: r.text(3)?,
        decision: r.text(4)?,
        conditions: r.text(5)?,
        decided_at: r.text(6)?,
        decided_by: r.text(7)?,
        reason: r.opt_text(8)?,
    })
}

pub(crate) fn release_row(mut r: Row) -> Result<ReleaseRow> {
    Ok(ReleaseRow {
        id: r.int(0)?,
        sha256: r.text(1)?,
        recipient: r.text(2)?,
        package: r.text(3)?,
        released_at: r.text(4)?,
        released_by: r.text(5)?,
    })
}

use crate::db::all;

const ORG: &str =
    "SELECT name, kind, approved_requester, created_at, created_by FROM organisations";
const USER: &str = "SELECT name, organisation, roles, created_at, created_by FROM users";
const CASE: &str = "SELECT reference, title, created_at, created_by FROM cases";

pub(crate) fn organisation(db: &dyn Db, name: &str) -> Result<Option<OrganisationRow>> {
    one(
        db,
        "look up an organisation",
        &format!("{ORG} WHERE name = ?1"),
        args![name],
        organisation_row,
    )
}

pub(crate) fn organisations(db: &dyn Db) -> Result<Vec<OrganisationRow>> {
    all(
        db,
        "list organisations",
        &format!("{ORG} ORDER BY name"),
        &[],
        organisation_row,
    )
}

pub(crate) fn user(db: &dyn Db, name: &str) -> Result<Option<UserRow>> {
    one(
        db,
        "look up a user",
        &format!("{USER} WHERE name = ?1"),
        args![name],
        user_row,
    )
}

pub(crate) fn user_preferences(db: &dyn Db, name: &str) -> Result<UserPreferences> {
    Ok(one(
        db,
        "look up a user's language and time zone",
        "SELECT language, time_zone FROM users WHERE name = ?1",
        args![name],
        |mut row| {
            Ok(UserPreferences {
                language: row.opt_text(0)?,
                time_zone: row.opt_text(1)?,
            })
        },
    )?
    .unwrap_or_default())
}

pub(crate) fn users(db: &dyn Db) -> Result<Vec<UserRow>> {
    all(
        db,
        "list users",
        &format!("{USER} ORDER BY name"),
        &[],
        user_row,
    )
}

pub(crate) fn case(db: &dyn Db, reference: &str) -> Result<Option<CaseRow>> {
    one(
        db,
        "look up a case",
        &format!("{CASE} WHERE reference = ?1"),
        args![reference],
        case_row,
    )
}

pub(crate) fn cases(db: &dyn Db) -> Result<Vec<CaseRow>> {
    all(
        db,
        "list cases",
        &format!("{CASE} ORDER BY reference"),
        &[],
        case_row,
    )
}

pub(crate) fn cases_of(db: &dyn Db, user: &str) -> Result<Vec<String>> {
    all(
        db,
        "list a user's cases",
        "SELECT case_ref FROM case_members WHERE user_name = ?1 ORDER BY case_ref",
        args![user],
        |mut r| r.text(0),
    )
}

pub(crate) fn regimes_of_submission(db: &dyn Db, key: &str) -> Result<Vec<RegimeRow>> {
    all(
        db,
        "list regimes",
        "SELECT id, submission_key, sha256, regime, set_at, set_by, reason FROM regimes
         WHERE submission_key = ?1 ORDER BY id",
        args![key],
        regime_row,
    )
}

pub(crate) fn consents_of(db: &dyn Db, sha256: &str) -> Result<Vec<ConsentRow>> {
    all(
        db,
        "list consents",
        "SELECT id, sha256, originator, recipient, decision, conditions, decided_at, decided_by,
                reason
         FROM consents WHERE sha256 = ?1 ORDER BY id",
        args![sha256],
        consent_row,
    )
}

/// Consent decisions taken between two instants (RFC 3339 text, `from` inclusive, `until`
/// exclusive), oldest first.
pub(crate) fn consents_decided(db: &dyn Db, from: &str, until: &str) -> Result<Vec<ConsentRow>> {
    all(
        db,
        "list consents decided in a period",
        "SELECT id, sha256, originator, recipient, decision, conditions, decided_at, decided_by,
                reason
         FROM consents WHERE decided_at >= ?1 AND decided_at < ?2 ORDER BY id",
        args![from, until],
        consent_row,
    )
}

pub(crate) fn releases_of(db: &dyn Db, sha256: &str) -> Result<Vec<ReleaseRow>> {
    all(
        db,
        "list releases",
        "SELECT id, sha256, recipient, package, released_at, released_by FROM releases
         WHERE sha256 = ?1 ORDER BY id",
        args![sha256],
        release_row,
    )
}
