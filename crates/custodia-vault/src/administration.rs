//! Changes to who may do what — approvals, roles, cases, sharing regimes, consent decisions —
//! each a method that takes the acting user, decides through `custodia-access`
//! (`may_administer` for accounts, the originator's liaison for its own material) and records
//! the change with its custody entry. The CLI and the server only translate to these.

use std::collections::BTreeSet;

use custodia_access::{AdminAction, AdminTarget, Regime, Role};
use custodia_blobstore::ContentHash;
use custodia_catalog::{AccessChange, CaseRow, ConsentRow, RegimeRow, UserPreferences};
use serde::Serialize;
use serde_json::json;

use crate::access::Change;
use crate::custody::{self, action};
use crate::{Result, Vault, VaultError};

/// Which submissions a regime change applies to: every submission of an item (optionally one
/// originator's, or one submission of it), or a whole submission.
#[derive(Debug, Clone)]
pub struct RegimeChange {
    pub regime: Regime,
    pub item: Option<ContentHash>,
    pub submission: Option<String>,
    pub originator: Option<String>,
    pub reason: Option<String>,
}

/// A recorded regime change.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeChanged {
    pub submissions: Vec<String>,
    pub item: Option<String>,
    pub regime: &'static str,
    pub ledger_index: u64,
}

/// An originator's consent decision on items for one recipient.
#[derive(Debug, Clone)]
pub struct ConsentDecision {
    /// `None`: the acting user's own organisation.
    pub originator: Option<String>,
    pub recipient: String,
    pub grant: bool,
    /// A JSON array of conditions from the vocabulary (`conditions::validate_conditions`).
    pub conditions: serde_json::Value,
    pub reason: Option<String>,
    pub items: Vec<ContentHash>,
}

/// A recorded consent decision: the originator it was taken for and one log position per item.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentRecorded {
    pub originator: String,
    pub recipient: String,
    pub decision: &'static str,
    pub conditions: serde_json::Value,
    pub items: Vec<ConsentItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsentItem {
    pub sha256: String,
    pub ledger_index: u64,
}

/// Whether `name` has the form of an IANA time zone name (`Asia/Baghdad`, `UTC`,
/// `America/Port-au-Prince`, `Etc/GMT+3`): letters, digits and `/ _ - +`, at most 64 bytes. A
/// POSIX rule or a path is no zone a person chose. (Whether a zone database knows it is for
/// whoever shows times to decide.)
pub fn is_time_zone_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-+".contains(&b))
}

impl Vault {
    /// Approves `organisation` as a requester, or withdraws the approval.
    pub fn approve_requester(
        &mut self,
        actor: &str,
        organisation: &str,
        approved: bool,
    ) -> Result<u64> {
        let kind = self.organisation_kind_for(actor, organisation)?;
        self.require_administer(
            actor,
            AdminAction::ApproveRequester,
            AdminTarget::Organisation(kind),
        )?;
        self.change_access(
            actor,
            Change {
                action: action::ORGANISATION_APPROVE,
                item: None,
                details: json!({ "organisation": organisation, "approved_requester": approved }),
                rows: vec![AccessChange::SetApprovedRequester {
                    organisation: organisation.to_owned(),
                    approved,
                }],
            },
        )
    }

    /// Replaces `user`'s roles; the roles must fit the user's organisation (holder roles go
    /// only to the holder).
    pub fn set_roles(&mut self, actor: &str, user: &str, roles: &[Role]) -> Result<u64> {
        let target = match self.principal(user) {
            Ok(p) => p,
            Err(_) => {
                // Only someone who may view the accounts learns that the user does not exist.
                self.require_administer(actor, AdminAction::ViewAccounts, AdminTarget::Vault)?;
                return Err(VaultError::Invalid(format!(
                    "no user `{user}`\n\nhint: `custodia user list` shows them"
                )));
            }
        };
        let kind = self.organisation_kind(&target.organisation)?;
        self.require_administer(
            actor,
            AdminAction::GrantRoles(roles),
            AdminTarget::Organisation(kind),
        )?;
        if roles.is_empty() {
            return Err(VaultError::Invalid("a user needs at least one role".into()));
        }
        let roles = crate::access::role_names(roles);
        self.change_access(
            actor,
            Change {
                action: action::USER_ROLES,
                item: None,
                details: json!({ "user": user, "roles": roles }),
                rows: vec![AccessChange::SetRoles {
                    user: user.to_owned(),
                    roles,
                }],
            },
        )
    }

    /// Records the interface language `actor` chose for themselves (a short code such as `ar`;
    /// `None`: the browser's). Only one's own; the choice is in the custody log like any change
    /// to an account.
    pub fn set_language(&mut self, actor: &str, language: Option<&str>) -> Result<u64> {
        self.principal(actor)?;
        if let Some(code) = language {
            if code.is_empty()
                || code.len() > 16
                || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(VaultError::Invalid(format!(
                    "`{code}` is not a language code (such as `ar` or `fr`)"
                )));
            }
        }
        self.change_access(
            actor,
            Change {
                action: action::USER_LANGUAGE,
                item: None,
                details: json!({ "user": actor, "language": language }),
                rows: vec![AccessChange::SetLanguage {
                    user: actor.to_owned(),
                    language: language.map(str::to_owned),
                }],
            },
        )
    }

    /// The interface language `user` chose, if any.
    pub fn language_of(&self, user: &str) -> Result<Option<String>> {
        Ok(self.preferences_of(user)?.language)
    }

    /// Records the time zone `actor` chose to see times in, by its IANA name (`Asia/Baghdad`;
    /// `None`: UTC). Only one's own; stored times stay UTC, only their display changes. The
    /// name is checked for its form here; whether the system's zone database knows it is for
    /// the interface that shows times to decide.
    pub fn set_time_zone(&mut self, actor: &str, time_zone: Option<&str>) -> Result<u64> {
        self.principal(actor)?;
        if let Some(name) = time_zone {
            if !is_time_zone_name(name) {
                return Err(VaultError::Invalid(format!(
                    "`{name}` is not a time zone name (such as `Asia/Baghdad` or `UTC`)"
                )));
            }
        }
        self.change_access(
            actor,
            Change {
                action: action::USER_TIME_ZONE,
                item: None,
                details: json!({ "user": actor, "time_zone": time_zone }),
                rows: vec![AccessChange::SetTimeZone {
                    user: actor.to_owned(),
                    time_zone: time_zone.map(str::to_owned),
                }],
            },
        )
    }

    /// What `user` chose for their own pages: the language and the time zone (each `None` if
    /// never chosen).
    pub fn preferences_of(&self, user: &str) -> Result<UserPreferences> {
        Ok(self.catalog.user_preferences(user)?)
    }

    /// Adds a case (a compartment).
    pub fn add_case(&mut self, actor: &str, reference: &str, title: Option<&str>) -> Result<u64> {
        self.require_administer(actor, AdminAction::ManageCases, AdminTarget::Vault)?;
        if reference.trim().is_empty() {
            return Err(VaultError::Invalid(
                "a case's reference must not be empty".into(),
            ));
        }
        if self.catalog.case(reference)?.is_some() {
            return Err(VaultError::Invalid(format!(
                "a case `{reference}` exists already"
            )));
        }
        self.change_access(
            actor,
            Change {
                action: action::CASE_ADD,
                item: None,
                details: json!({ "case": reference, "title": title }),
                rows: vec![AccessChange::AddCase(CaseRow {
                    reference: reference.to_owned(),
                    title: title.map(str::to_owned),
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )
    }

    /// Makes `user` a member of case `reference`.
    pub fn add_case_member(&mut self, actor: &str, reference: &str, user: &str) -> Result<u64> {
        self.require_administer(actor, AdminAction::ManageCases, AdminTarget::Vault)?;
        if self.catalog.case(reference)?.is_none() {
            return Err(VaultError::Invalid(format!(
                "no case `{reference}`\n\nhint: add it with `custodia case add {reference}`"
            )));
        }
        if self.catalog.user(user)?.is_none() {
            return Err(VaultError::Invalid(format!(
                "no user `{user}`\n\nhint: `custodia user list` shows them"
            )));
        }
        self.change_access(
            actor,
            Change {
                action: action::CASE_MEMBER_ADD,
                item: None,
                details: json!({ "case": reference, "user": user }),
                rows: vec![AccessChange::AddCaseMember {
                    case_ref: reference.to_owned(),
                    user: user.to_owned(),
                }],
            },
        )
    }

    /// Sets the sharing regime of the submissions `change` names. Each submission's regime is
    /// set by the holder's custodians or a liaison of the organisation that supplied it; a
    /// submission `actor` may not see is reported like one that does not exist.
    pub fn set_regime(&mut self, actor: &str, change: &RegimeChange) -> Result<RegimeChanged> {
        let who = self.principal(actor)?;
        let no_match = || {
            VaultError::Invalid(
                "no submission matches; `custodia regime show SHA256` lists an item's submissions"
                    .into(),
            )
        };
        let (targets, sha): (Vec<(String, String)>, Option<String>) = match &change.item {
            Some(hash) => {
                self.authorise(&who, custodia_access::Action::ViewMetadata, hash, None)?;
                let sha = hash.to_hex();
                if self
                    .submissions(hash)?
                    .iter()
                    .any(|s| crate::access::regime_item(s, &sha) != sha)
                {
                    return Err(VaultError::Invalid(format!(
                        "item {hash} is a redacted derivative: it has its original's regime; set the original's instead"
                    )));
                }
                // The submissions whose regime the caller may set: every one for the holder's
                // people, its own organisation's outside the holder (one it merely sees, as a
                // requesting authority that also supplied the item, is not its to decide).
                let subs = self
                    .submissions_for(&who, hash)?
                    .into_iter()
                    .filter(|s| who.of_holder() || s.originator == who.organisation)
                    .filter(|s| {
                        change
                            .submission
                            .as_ref()
                            .is_none_or(|k| &s.submission_key == k)
                    })
                    .filter(|s| {
                        change
                            .originator
                            .as_ref()
                            .is_none_or(|o| &s.originator == o)
                    })
                    .map(|s| (s.submission_key, s.originator))
                    .collect();
                (subs, Some(hash.to_hex()))
            }
            None => {
                let key = change
                    .submission
                    .as_deref()
                    .ok_or_else(|| VaultError::Invalid("give the item or the submission".into()))?;
                // By key alone, a submission is found only for whom may set its regime (the
                // holder's custodians, its own organisation): anyone else would learn from
                // the refusal who supplied a submission they may not see.
                let subs = self
                    .catalog
                    .submission_originator(key)?
                    .filter(|supplier| {
                        (who.of_holder() && who.is(Role::Custodian))
                            || *supplier == who.organisation
                    })
                    .map(|o| (key.to_owned(), o))
                    .into_iter()
                    .collect();
                (subs, None)
            }
        };
        if targets.is_empty() {
            return Err(no_match());
        }
        let mut seen = BTreeSet::new();
        let mut rows = Vec::new();
        for (key, supplier) in &targets {
            if !self.may_set_regime(&who, supplier) {
                return Err(VaultError::NotPermitted(format!(
                    "the regime of `{supplier}`'s submission is set by the holder's custodians or that originator's liaison"
                )));
            }
            if seen.insert(key.clone()) {
                rows.push(AccessChange::SetRegime(RegimeRow {
                    id: 0,
                    submission_key: key.clone(),
                    sha256: sha.clone(),
                    regime: change.regime.as_str().into(),
                    set_at: custody::now(),
                    set_by: actor.to_owned(),
                    reason: change.reason.clone(),
                }));
            }
        }
        let keys: Vec<String> = seen.into_iter().collect();
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::REGIME_SET,
                item: sha.clone(),
                details: json!({ "submissions": keys, "item": sha, "regime": change.regime.as_str(), "reason": change.reason }),
                rows,
            },
        )?;
        Ok(RegimeChanged {
            submissions: keys,
            item: sha,
            regime: change.regime.as_str(),
            ledger_index,
        })
    }

    /// Records an originator's consent decision on items for a recipient. The originator
    /// decides through its liaison; nobody decides for another organisation, nor on an item
    /// that organisation did not supply.
    pub fn decide_consent(
        &mut self,
        actor: &str,
        decision: &ConsentDecision,
    ) -> Result<ConsentRecorded> {
        let who = self.principal(actor)?;
        let originator = decision
            .originator
            .clone()
            .unwrap_or_else(|| who.organisation.clone());
        if !(who.is(Role::OriginatorLiaison) && who.organisation == originator) {
            return Err(VaultError::NotPermitted(format!(
                "consent for `{originator}` is decided by a liaison of `{originator}`, and `{actor}` is not one"
            )));
        }
        // Consent goes to a requesting authority: the states an originator decides about are
        // the ones it must be able to name. Any other name (no organisation, or one of another
        // kind) gets one answer, so other organisations are not revealed.
        let known_authority = self
            .recipient(&decision.recipient)
            .is_ok_and(|r| r.kind == Some(custodia_access::OrganisationKind::RequestingAuthority));
        if !known_authority {
            return Err(VaultError::Invalid(format!(
                "`{}` is not a requesting authority of this vault\n\nhint: consent names the state that is to receive the items",
                decision.recipient
            )));
        }
        let conditions = serde_json::Value::Array(crate::conditions::validate_conditions(
            &decision.conditions,
        )?);
        let verb = if decision.grant { "grant" } else { "refuse" };
        if !decision.grant
            && decision
                .reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(VaultError::Invalid(
                "a refusal needs a reason (`--reason TEXT`)".into(),
            ));
        }
        // Every item is checked before anything is recorded: all or none.
        let mut changes = Vec::with_capacity(decision.items.len());
        for hash in &decision.items {
            self.authorise(&who, custodia_access::Action::ViewMetadata, hash, None)?;
            if !self
                .submissions(hash)?
                .iter()
                .any(|s| s.originator == originator)
            {
                return Err(VaultError::Invalid(format!(
                    "item {hash} was not supplied by `{originator}`; its decision is not theirs"
                )));
            }
            changes.push(Change {
                action: action::CONSENT,
                item: Some(hash.to_hex()),
                details: json!({ "originator": originator, "recipient": decision.recipient,
                                 "decision": verb, "conditions": conditions, "reason": decision.reason }),
                rows: vec![AccessChange::RecordConsent(ConsentRow {
                    id: 0,
                    sha256: hash.to_hex(),
                    originator: originator.clone(),
                    recipient: decision.recipient.clone(),
                    decision: verb.into(),
                    conditions: conditions.to_string(),
                    decided_at: custody::now(),
                    decided_by: actor.to_owned(),
                    reason: decision.reason.clone(),
                })],
            });
        }
        let indexes = self.change_access_many(actor, changes)?;
        Ok(ConsentRecorded {
            originator,
            recipient: decision.recipient.clone(),
            decision: verb,
            conditions,
            items: decision
                .items
                .iter()
                .zip(indexes)
                .map(|(hash, ledger_index)| ConsentItem {
                    sha256: hash.to_hex(),
                    ledger_index,
                })
                .collect(),
        })
    }

    /// The kind of `organisation`, telling only someone who may view the accounts that it does
    /// not exist.
    fn organisation_kind_for(
        &self,
        actor: &str,
        organisation: &str,
    ) -> Result<custodia_access::OrganisationKind> {
        if self.catalog.organisation(organisation)?.is_none() {
            self.require_administer(actor, AdminAction::ViewAccounts, AdminTarget::Vault)?;
        }
        self.organisation_kind(organisation)
    }
}
