//! Who is calling: passwords, sessions, API tokens and second factors for the API and the web
//! application (the CLI runs as a named local user instead). Built on [`custodia_auth`]; the
//! catalog stores only hashes. Sign-ins, failures, password and token changes are custody log
//! entries, without any secret in their details.

use custodia_access::{may_administer, AdminAction, AdminTarget, OrganisationKind, Principal};
use custodia_auth::SecondFactor;
use custodia_catalog::{AccessChange, CredentialRow, TokenRow};
use serde::Serialize;

use crate::access::Change;
use crate::{custody, Result, Vault, VaultError};

/// Custody actions of this module. Names are part of the log format: never rename.
pub mod action {
    pub const PASSWORD_SET: &str = "password_set";
    pub const LOGIN: &str = "login";
    pub const LOGIN_FAILED: &str = "login_failed";
    pub const TOKEN_ISSUE: &str = "token_issue";
    pub const TOKEN_REVOKE: &str = "token_revoke";
    pub const TOTP_ENABLE: &str = "totp_enable";
}

/// How long a sign-in session lasts.
pub const SESSION_SECS: u64 = 12 * 3600;
/// The longest life of an API token, in days (a hundred years: beyond it the expiry would
/// outrun the clock's arithmetic).
pub const MAX_TOKEN_DAYS: u64 = 36_500;

/// The one answer to any failed sign-in, whatever failed: nothing tells an attacker whether the
/// user exists, the password was wrong or the second factor was.
pub const SIGN_IN_FAILED: &str = "sign-in failed: wrong user name, password or code";

/// A token handed to its owner once.
#[derive(Clone, Serialize)]
pub struct IssuedSecret {
    pub id: String,
    pub user: String,
    pub kind: String,
    /// The bearer secret; shown once, never stored.
    pub token: String,
    /// Unix seconds.
    pub expires_at: Option<u64>,
}

impl std::fmt::Debug for IssuedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSecret")
            .field("id", &self.id)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// A token as listed (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub user: String,
    pub kind: String,
    pub label: Option<String>,
    pub created_at: String,
    pub expires_at: Option<u64>,
    pub revoked_at: Option<String>,
}

/// A second factor just enabled: what the person enters in an authenticator app.
#[derive(Clone, Serialize)]
pub struct TotpEnrolment {
    pub user: String,
    pub secret_base32: String,
    pub otpauth_url: String,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Vault {
    /// Requires `actor` to be allowed `action` on `target` by the one administration rule
    /// ([`custodia_access::may_administer`]), which the command line, the API and the web
    /// pages all ask through here; returns the actor as the policy knows them.
    pub fn require_administer(
        &self,
        actor: &str,
        action: AdminAction,
        target: AdminTarget,
    ) -> Result<Principal> {
        let who = self.principal(actor)?;
        let decision = may_administer(&who, action, target);
        if decision.allowed {
            Ok(who)
        } else {
            Err(VaultError::NotPermitted(format!(
                "`{actor}` may not do this: {}",
                decision.reason
            )))
        }
    }

    /// The organisation kind a user belongs to (the target of a change of their roles).
    pub fn organisation_kind(&self, organisation: &str) -> Result<OrganisationKind> {
        let row = self.catalog.organisation(organisation)?.ok_or_else(|| {
            VaultError::Invalid(format!(
                "no organisation `{organisation}`\n\nhint: `custodia org list` shows them; `custodia org add` adds one"
            ))
        })?;
        row.kind.parse().map_err(|e: custodia_access::UnknownName| {
            VaultError::Invalid(format!("organisation `{organisation}`: {e}"))
        })
    }

    /// Whether `actor` may take `action` on `user`'s credentials, by the one administration
    /// rule ([`custodia_access::may_administer`]): nobody is issued another user's token or
    /// second factor, nor replaces another user's password.
    fn may_manage_credentials(&self, actor: &str, action: AdminAction, user: &str) -> Result<()> {
        let who = self.principal(actor)?;
        // Whether `user` exists is told only to whom the rule lets act on it (an
        // administrator, who reads the accounts anyway): anyone else gets the same refusal
        // for a name that is no user as for another user's.
        let exists = self.catalog.user(user)?.is_some();
        let has_password = exists
            && self
                .catalog
                .credential(user)?
                .is_some_and(|c| c.password_phc.is_some());
        let decision = may_administer(
            &who,
            action,
            AdminTarget::User {
                name: user,
                has_password,
            },
        );
        if decision.allowed {
            if !exists {
                self.principal(user)?;
            }
            Ok(())
        } else {
            Err(VaultError::NotPermitted(format!(
                "`{actor}` may not do this for `{user}`: {}",
                decision.reason
            )))
        }
    }

    pub fn set_password(&mut self, actor: &str, user: &str, password: &str) -> Result<u64> {
        self.may_manage_credentials(actor, AdminAction::SetPassword, user)?;
        custodia_auth::check_new_password(user, password)
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        let phc = custodia_auth::hash_password(password)
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        let existing = self.catalog.credential(user)?;
        self.change_access(
            actor,
            Change {
                action: action::PASSWORD_SET,
                item: None,
                // Set by someone else: the first password of a user who had none (enrolment).
                details: if actor == user {
                    serde_json::json!({ "user": user })
                } else {
                    serde_json::json!({ "user": user, "enrolment": true })
                },
                rows: vec![AccessChange::SetCredential(CredentialRow {
                    user: user.to_owned(),
                    password_phc: Some(phc),
                    totp_secret: existing.as_ref().and_then(|c| c.totp_secret.clone()),
                    totp_last_step: existing.as_ref().and_then(|c| c.totp_last_step),
                    updated_at: custody::now(),
                })],
            },
        )
    }

    /// Turns on a TOTP second factor for `user`; from now on a sign-in needs a code.
    pub fn enable_totp(&mut self, actor: &str, user: &str) -> Result<TotpEnrolment> {
        self.may_manage_credentials(actor, AdminAction::EnableSecondFactor, user)?;
        let existing = self.catalog.credential(user)?;
        let factor = SecondFactor::generate(user, &format!("Custodia {}", self.config.holder))
            .map_err(|e| VaultError::Invalid(e.to_string()))?;
        let enrolment = TotpEnrolment {
            user: user.to_owned(),
            secret_base32: factor.secret_base32(),
            otpauth_url: factor
                .url()
                .map_err(|e| VaultError::Invalid(e.to_string()))?,
        };
        self.change_access(
            actor,
            Change {
                action: action::TOTP_ENABLE,
                item: None,
                details: serde_json::json!({ "user": user }),
                rows: vec![AccessChange::SetCredential(CredentialRow {
                    user: user.to_owned(),
                    password_phc: existing.and_then(|c| c.password_phc),
                    totp_secret: Some(enrolment.secret_base32.clone()),
                    totp_last_step: None,
                    updated_at: custody::now(),
                })],
            },
        )?;
        Ok(enrolment)
    }

    /// Signs in with a password (and a TOTP code when the user has one) and opens a session.
    /// Every outcome is logged; every failure gives the same [`SIGN_IN_FAILED`] answer.
    ///
    /// No account is ever locked: slowing repeated failures down is the server's work
    /// (`custodia_auth::Backoff`), so that nobody can shut a colleague out by failing on
    /// purpose. A name that is no user costs the same work as a user's wrong password — a
    /// password check against a decoy hash and a logged failure — so that neither time nor
    /// behaviour tells whether an account exists.
    pub fn sign_in(
        &mut self,
        user: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<IssuedSecret> {
        let now = unix_now();
        let known = self.catalog.user(user)?.is_some();
        let credential = if known {
            self.catalog.credential(user)?
        } else {
            None
        };
        let phc = credential
            .as_ref()
            .and_then(|c| c.password_phc.clone())
            .unwrap_or_else(|| custodia_auth::decoy_hash().to_owned());
        let password_ok = custodia_auth::verify_password(&phc, password)
            && credential
                .as_ref()
                .is_some_and(|c| c.password_phc.is_some());
        let mut step = None;
        let factor_ok = match credential.as_ref().and_then(|c| c.totp_secret.as_deref()) {
            None => true,
            Some(secret) => {
                let factor = SecondFactor::from_base32(secret, user, "Custodia")
                    .map_err(|e| VaultError::Invalid(e.to_string()))?;
                step = code.and_then(|c| {
                    factor.check(c, now, credential.as_ref().and_then(|c| c.totp_last_step))
                });
                step.is_some()
            }
        };
        if !(known && password_ok && factor_ok) {
            let reason = if !known {
                "unknown user"
            } else if !password_ok {
                "password"
            } else {
                "second factor"
            };
            let rows = if known {
                vec![AccessChange::RecordLoginFailure {
                    user: user.to_owned(),
                    at: now,
                }]
            } else {
                Vec::new()
            };
            // A user's name as it is; a name that is no user only as a keyed tag: a failed
            // attempt is evidence of an attack, but a password typed into the name field must
            // not reach the log, nor anyone who reads its activity.
            let shown: String = if known {
                user.to_owned()
            } else {
                self.sealer.unknown_name_tag(user)
            };
            self.change_access(
                &shown,
                Change {
                    action: action::LOGIN_FAILED,
                    item: None,
                    details: serde_json::json!({ "user": shown, "failed": reason }),
                    rows,
                },
            )?;
            return Err(VaultError::NotPermitted(SIGN_IN_FAILED.into()));
        }
        let issued = custodia_auth::issue_token();
        let expires_at = now + SESSION_SECS;
        let mut rows = vec![
            AccessChange::ClearLoginFailures(user.to_owned()),
            AccessChange::IssueToken(TokenRow {
                id: issued.id.clone(),
                user: user.to_owned(),
                kind: "session".into(),
                label: None,
                hash: issued.hash.clone(),
                created_at: custody::now(),
                expires_at: Some(expires_at),
                revoked_at: None,
            }),
        ];
        if let (Some(step), Some(c)) = (step, credential) {
            rows.push(AccessChange::SetCredential(CredentialRow {
                totp_last_step: Some(step),
                updated_at: custody::now(),
                ..c
            }));
        }
        self.change_access(
            user,
            Change {
                action: action::LOGIN,
                item: None,
                details: serde_json::json!({ "user": user, "session": issued.id }),
                rows,
            },
        )?;
        Ok(IssuedSecret {
            id: issued.id,
            user: user.to_owned(),
            kind: "session".into(),
            token: issued.secret,
            expires_at: Some(expires_at),
        })
    }

    /// Issues a long-lived API token for `user` (for other systems calling the API).
    pub fn issue_api_token(
        &mut self,
        actor: &str,
        user: &str,
        label: &str,
        days: Option<u64>,
    ) -> Result<IssuedSecret> {
        self.may_manage_credentials(actor, AdminAction::IssueToken, user)?;
        if let Some(d) = days.filter(|d| *d > MAX_TOKEN_DAYS) {
            return Err(VaultError::Invalid(format!(
                "a token lasts at most {MAX_TOKEN_DAYS} days, not {d}; give no days for a token that does not expire"
            )));
        }
        let issued = custodia_auth::issue_token();
        let expires_at = days.map(|d| unix_now() + d * 86_400);
        self.change_access(
            actor,
            Change {
                action: action::TOKEN_ISSUE,
                item: None,
                details: serde_json::json!({
                    "user": user, "token": issued.id, "label": label, "expires_at": expires_at,
                }),
                rows: vec![AccessChange::IssueToken(TokenRow {
                    id: issued.id.clone(),
                    user: user.to_owned(),
                    kind: "api".into(),
                    label: Some(label.to_owned()),
                    hash: issued.hash.clone(),
                    created_at: custody::now(),
                    expires_at,
                    revoked_at: None,
                })],
            },
        )?;
        Ok(IssuedSecret {
            id: issued.id,
            user: user.to_owned(),
            kind: "api".into(),
            token: issued.secret,
            expires_at,
        })
    }

    /// Revokes a token or session (its owner, or an administrator).
    pub fn revoke_token(&mut self, actor: &str, id: &str) -> Result<u64> {
        let token = self
            .catalog
            .token(id)?
            .ok_or_else(|| VaultError::Invalid(format!("no token `{id}`")))?;
        self.may_manage_credentials(actor, AdminAction::RevokeToken, &token.user)?;
        self.change_access(
            actor,
            Change {
                action: action::TOKEN_REVOKE,
                item: None,
                details: serde_json::json!({ "user": token.user, "token": id }),
                rows: vec![AccessChange::RevokeToken {
                    id: id.to_owned(),
                    at: custody::now(),
                }],
            },
        )
    }

    /// The user a bearer token (session or API) belongs to, if it is valid now.
    pub fn authenticate(&self, secret: &str) -> Result<String> {
        let denied = || VaultError::NotPermitted("the token is not valid".into());
        let id = custodia_auth::token_id(secret).ok_or_else(denied)?;
        let token = self.catalog.token(id)?.ok_or_else(denied)?;
        if token.revoked_at.is_some()
            || token.expires_at.is_some_and(|e| e <= unix_now())
            || !custodia_auth::token_matches(&token.hash, secret)
        {
            return Err(denied());
        }
        Ok(token.user)
    }

    /// A user's tokens and sessions, without secrets.
    pub fn tokens(&self, actor: &str, user: &str) -> Result<Vec<TokenInfo>> {
        self.may_manage_credentials(actor, AdminAction::ListTokens, user)?;
        Ok(self
            .catalog
            .tokens_of(user)?
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                user: t.user,
                kind: t.kind,
                label: t.label,
                created_at: t.created_at,
                expires_at: t.expires_at,
                revoked_at: t.revoked_at,
            })
            .collect())
    }
}
