//! Who may do what in this vault: gathers the facts [`custodia_access::decide`] needs from the
//! catalog, and records access changes (organisations, users, cases, regimes, consents, releases)
//! with their custody entries.
//!
//! Every read path asks [`Vault::authorise`]. An item the person may not even know of is
//! reported exactly like an item that does not exist, so errors reveal nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use custodia_access::{
    decide, Action, Consent, ItemFacts, OrganisationKind, Principal, Recipient, Regime, Role,
    SubmissionFacts,
};
use custodia_blobstore::ContentHash;
use custodia_catalog::{
    AccessChange, Catalog, ConsentRow, NewEvent, OrganisationRow, RegimeRow, ReleaseRow,
    StatementLinkRow, SubmissionRow, UserRow,
};
use serde::Serialize;

use crate::custody;
use crate::{Result, Vault, VaultError};

/// The regime of a submission when nobody set one: nothing leaves without a decision.
pub const DEFAULT_REGIME: Regime = Regime::Consent;

/// An access change to record, with the custody action it is logged as.
pub struct Change {
    pub action: &'static str,
    /// The item concerned, if any.
    pub item: Option<String>,
    /// What the entry's details hash commits to.
    pub details: serde_json::Value,
    pub rows: Vec<AccessChange>,
}

/// The names of `roles` as a user holds them: each once, in the order first given.
pub(crate) fn role_names(roles: &[Role]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(roles.len());
    for role in roles {
        if !names.iter().any(|n| n == role.as_str()) {
            names.push(role.as_str().to_owned());
        }
    }
    names
}

/// An item's sharing regimes now, per submission, and the history of each.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegimeReport {
    pub sha256: String,
    pub submissions: Vec<SubmissionRegime>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionRegime {
    pub submission_key: String,
    pub originator: String,
    pub path: String,
    #[schema(schema_with = crate::schema::regime)]
    pub regime: Regime,
    /// Every regime set for this submission (whole or this item), oldest first.
    pub history: Vec<RegimeRow>,
}

impl Vault {
    /// The person named `user`, as the policy knows them.
    pub fn principal(&self, user: &str) -> Result<Principal> {
        let row = self.catalog.user(user)?.ok_or_else(|| {
            VaultError::Invalid(format!(
                "no user `{user}` in this vault\n\nhint: `custodia user list` shows them; an administrator adds one with `custodia user add`"
            ))
        })?;
        let organisation = self
            .organisation_as_reader(&row.organisation)?
            .ok_or_else(|| {
                VaultError::Invalid(format!(
                    "user `{user}` belongs to an unknown organisation `{}`",
                    row.organisation
                ))
            })?;
        let mut roles = BTreeSet::new();
        for role in &row.roles {
            roles.insert(
                role.parse::<Role>()
                    .map_err(|e| VaultError::Invalid(format!("user `{user}`: {e}")))?,
            );
        }
        Ok(Principal {
            user: row.name.clone(),
            roles,
            cases: self.catalog.cases_of(user)?.into_iter().collect(),
            ..organisation
        })
    }

    /// Organisation `name` as the policy knows it, with no person and no role: what
    /// [`custodia_access::provenance_seen`] reads of a reader outside the holder, and what
    /// [`Vault::principal`] completes with a user's roles and cases; `None` if it is unknown.
    pub(crate) fn organisation_as_reader(&self, name: &str) -> Result<Option<Principal>> {
        let Some(organisation) = self.catalog.organisation(name)? else {
            return Ok(None);
        };
        let kind: OrganisationKind = organisation.kind.parse().map_err(|e| {
            VaultError::Invalid(format!("organisation `{}`: {e}", organisation.name))
        })?;
        Ok(Some(Principal {
            user: String::new(),
            organisation: organisation.name,
            organisation_kind: kind,
            approved_requester: organisation.approved_requester,
            roles: BTreeSet::new(),
            cases: BTreeSet::new(),
        }))
    }

    /// The regime in force for one submission of an item: the latest set for that item within
    /// the submission, else the latest set for the whole submission, else the default.
    fn regime_in_force(
        &self,
        submission_key: &str,
        sha256: &str,
    ) -> Result<(Regime, Vec<RegimeRow>)> {
        regime_of(self.catalog.regimes_of_submission(submission_key)?, sha256)
    }

    /// What the policy needs to know of an item; `None` when the vault holds no such item.
    pub fn item_facts(&self, sha256: &str) -> Result<Option<ItemFacts>> {
        self.facts_from(&CatalogRows(&*self.catalog), sha256)
    }

    /// [`Vault::item_facts`] from `rows`: the one place where the policy's facts are made of
    /// catalog rows, whether read item by item or for many items at once
    /// ([`FactsOfItems`]).
    pub(crate) fn facts_from(
        &self,
        rows: &dyn FactRows,
        sha256: &str,
    ) -> Result<Option<ItemFacts>> {
        if !rows.exists(sha256)? {
            return Ok(None);
        }
        let mut submissions = Vec::new();
        // A redacted derivative answers to its parent's consents and witnesses: what its
        // originators and the persons in it decided about the content still holds.
        let mut sources = vec![sha256.to_owned()];
        let submission_rows = rows.submissions_of(sha256)?;
        for s in &submission_rows {
            if let (Some(parent), Some(how)) = (&s.parent_sha256, &s.path_in_parent) {
                if how.starts_with(crate::redact::REDACTED_PREFIX) && !sources.contains(parent) {
                    sources.insert(0, parent.clone());
                }
            }
        }
        // What each release's package named: the submissions (in catalog order) made before
        // the latest release to that recipient. Counted as a prefix, so that a clock set back
        // between two submissions names fewer, never one made after the release.
        let mut latest_release: std::collections::BTreeMap<String, String> = Default::default();
        let releases = rows.releases_of(sha256)?;
        for r in &releases {
            let at = latest_release.entry(r.recipient.clone()).or_default();
            if r.released_at > *at {
                *at = r.released_at.clone();
            }
        }
        let submissions_released = latest_release
            .into_iter()
            .map(|(recipient, at)| {
                let named = submission_rows
                    .iter()
                    .take_while(|s| s.submitted_at <= at)
                    .count();
                (recipient, named)
            })
            .collect();
        for s in submission_rows {
            let (regime, _) = regime_of(
                rows.regimes_of_submission(&s.submission_key)?,
                regime_item(&s, sha256),
            )?;
            submissions.push(SubmissionFacts {
                originator: s.originator,
                case: s.case_ref,
                regime,
            });
        }
        // The latest decision per (originator, recipient) is in force.
        let mut latest: std::collections::BTreeMap<(String, String), String> = Default::default();
        for source in &sources {
            for c in rows.consents_of(source)? {
                latest.insert((c.originator, c.recipient), c.decision);
            }
        }
        let consents = latest
            .into_iter()
            .filter(|(_, decision)| decision == "grant")
            .map(|((originator, recipient), _)| Consent {
                originator,
                recipient,
            })
            .collect();
        let released_to = releases.into_iter().map(|r| r.recipient).collect();
        let mut witnesses = Vec::new();
        for source in &sources {
            for link in rows.witnesses_of(source)? {
                witnesses.push(self.witness_scope(&link.pseudonym)?);
            }
        }
        Ok(Some(ItemFacts {
            submissions,
            consents,
            released_to,
            submissions_released,
            witnesses,
        }))
    }

    /// The organisation `name` as a package recipient.
    pub fn recipient(&self, name: &str) -> Result<Recipient> {
        let org = self.catalog.organisation(name)?.ok_or_else(|| {
            VaultError::Invalid(format!(
                "no organisation `{name}`\n\nhint: `custodia org list` shows them"
            ))
        })?;
        Ok(Recipient {
            organisation: org.name,
            approved_requester: org.approved_requester,
            kind: org.kind.parse().ok(),
        })
    }

    /// Lets `who` take `action` on item `hash`, or says no. Someone who may not even see the
    /// item's metadata gets the same error as for an item that does not exist.
    pub fn authorise(
        &self,
        who: &Principal,
        action: Action,
        hash: &ContentHash,
        recipient: Option<&Recipient>,
    ) -> Result<()> {
        let sha = hash.to_hex();
        let facts = self.item_facts(&sha)?;
        self.authorise_on(who, action, sha, facts.as_ref(), recipient)
    }

    /// [`Vault::authorise`] on facts gathered already (`None`: no such item), e.g. for many
    /// items at once by [`FactsOfItems`]: the same decision and the same errors.
    pub(crate) fn authorise_on(
        &self,
        who: &Principal,
        action: Action,
        sha: String,
        facts: Option<&ItemFacts>,
        recipient: Option<&Recipient>,
    ) -> Result<()> {
        let Some(facts) = facts else {
            return Err(VaultError::NoSuchItem(sha));
        };
        let decision = decide(who, action, facts, recipient);
        if decision.allowed {
            return Ok(());
        }
        tracing::info!(user = %who.user, ?action, "access denied");
        if action != Action::ViewMetadata
            && decide(who, Action::ViewMetadata, facts, recipient).allowed
        {
            return Err(VaultError::Denied {
                item: sha,
                reason: decision.reason.to_owned(),
            });
        }
        Err(VaultError::NoSuchItem(sha))
    }

    /// [`Vault::authorise`] for the user named `user` (no recipient); returns who they are.
    pub fn authorise_as(
        &self,
        user: &str,
        action: Action,
        hash: &ContentHash,
    ) -> Result<Principal> {
        let who = self.principal(user)?;
        self.authorise(&who, action, hash, None)?;
        Ok(who)
    }

    /// Adds an organisation (the holder's administrators); returns the custody log position.
    pub fn add_organisation(
        &mut self,
        actor: &str,
        name: &str,
        kind: OrganisationKind,
        approved_requester: bool,
    ) -> Result<u64> {
        self.require_administer(
            actor,
            custodia_access::AdminAction::AddOrganisation,
            custodia_access::AdminTarget::Vault,
        )?;
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(VaultError::Invalid(
                "an organisation's name must not be empty (at most 200 bytes)".into(),
            ));
        }
        self.change_access(
            actor,
            Change {
                action: custody::action::ORGANISATION_ADD,
                item: None,
                details: serde_json::json!({ "organisation": name, "kind": kind.as_str(),
                                             "approved_requester": approved_requester }),
                rows: vec![AccessChange::AddOrganisation(OrganisationRow {
                    name: name.to_owned(),
                    kind: kind.as_str().into(),
                    approved_requester,
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )
    }

    /// Adds a user of an organisation with roles (the holder's administrators); returns the
    /// custody log position.
    pub fn add_user(
        &mut self,
        actor: &str,
        name: &str,
        organisation: &str,
        roles: &[Role],
    ) -> Result<u64> {
        // Only the holder's administrators add users, and only they learn whether the
        // organisation exists: anyone else gets one refusal, whatever organisation is named.
        self.require_administer(
            actor,
            custodia_access::AdminAction::AddOrganisation,
            custodia_access::AdminTarget::Vault,
        )?;
        // The organisation must exist and the roles fit it: holder roles go only to the holder.
        let kind = self.organisation_kind(organisation)?;
        self.require_administer(
            actor,
            custodia_access::AdminAction::GrantRoles(roles),
            custodia_access::AdminTarget::Organisation(kind),
        )?;
        let name = name.trim();
        if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
            return Err(VaultError::Invalid(
                "a user's name must not be empty, over 200 bytes or hold control characters".into(),
            ));
        }
        if roles.is_empty() {
            return Err(VaultError::Invalid("a user needs at least one role".into()));
        }
        let roles = role_names(roles);
        self.change_access(
            actor,
            Change {
                action: custody::action::USER_ADD,
                item: None,
                details: serde_json::json!({ "user": name, "organisation": organisation, "roles": roles }),
                rows: vec![AccessChange::AddUser(UserRow {
                    name: name.to_owned(),
                    organisation: organisation.to_owned(),
                    roles,
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )
    }

    /// Requires `who` to hold `role` in the holder organisation (for managing the vault).
    pub fn require_holder_role(&self, who: &Principal, role: Role, what: &str) -> Result<()> {
        if who.organisation_kind == OrganisationKind::Holder && who.roles.contains(&role) {
            return Ok(());
        }
        Err(VaultError::NotPermitted(format!(
            "{what} needs the {role} role in the holder organisation; `{}` does not hold it",
            who.user
        )))
    }

    /// Records access changes and their custody entry, durably, in one catalog transaction
    /// followed by one log append. Returns the entry's log position.
    pub(crate) fn change_access(&mut self, actor: &str, change: Change) -> Result<u64> {
        self.change_access_many(actor, vec![change])?
            .first()
            .copied()
            .ok_or_else(|| VaultError::Invalid("no custody entry was appended".into()))
    }

    /// Records several access changes, each with its own custody entry, in one catalog
    /// transaction and one log append (all or none). Returns the entries' log positions.
    pub(crate) fn change_access_many(
        &mut self,
        actor: &str,
        changes: Vec<Change>,
    ) -> Result<Vec<u64>> {
        self.require_write()?;
        let mut rows = Vec::new();
        let mut events = Vec::with_capacity(changes.len());
        for change in changes {
            let time = custody::now();
            let details = change.details.to_string();
            events.push(NewEvent {
                time,
                actor: actor.to_owned(),
                action: change.action.to_owned(),
                item: change.item,
                details,
                // Sealed below.
                entry: Vec::new(),
            });
            rows.extend(change.rows);
        }
        self.sealer.seal_events(&mut events)?;
        let pending = self.catalog.apply(&rows, &events)?;
        let indexes = self.append_pending(&pending)?;
        self.checkpoint_if_due()?;
        Ok(indexes)
    }

    /// Creates the holder organisation and the administrator if the vault has no users yet
    /// (a new vault, or one made before users existed).
    pub(crate) fn ensure_administrator(&mut self) -> Result<()> {
        if !self.catalog.users()?.is_empty() {
            return Ok(());
        }
        let holder = self.config.holder.clone();
        let admin = self.config.administrator.clone();
        let now = custody::now();
        let mut rows = Vec::new();
        if self.catalog.organisation(&holder)?.is_none() {
            rows.push(AccessChange::AddOrganisation(OrganisationRow {
                name: holder.clone(),
                kind: OrganisationKind::Holder.as_str().into(),
                approved_requester: false,
                created_at: now.clone(),
                created_by: admin.clone(),
            }));
        }
        let roles = vec![
            Role::Administrator.as_str().to_owned(),
            Role::Custodian.as_str().to_owned(),
        ];
        rows.push(AccessChange::AddUser(UserRow {
            name: admin.clone(),
            organisation: holder.clone(),
            roles: roles.clone(),
            created_at: now,
            created_by: admin.clone(),
        }));
        self.change_access(
            &admin,
            Change {
                action: custody::action::USER_ADD,
                item: None,
                details: serde_json::json!({
                    "user": admin, "organisation": holder, "roles": roles,
                    "note": "the administrator named at init",
                }),
                rows,
            },
        )?;
        Ok(())
    }

    /// Makes sure the organisation that supplies a collection is known (as an originator).
    pub(crate) fn ensure_originator(&mut self, name: &str, actor: &str) -> Result<()> {
        if self.catalog.organisation(name)?.is_some() {
            return Ok(());
        }
        let added = self.change_access(
            actor,
            Change {
                action: custody::action::ORGANISATION_ADD,
                item: None,
                details: serde_json::json!({
                    "organisation": name, "kind": OrganisationKind::Originator.as_str(),
                    "note": "named as originator at ingest",
                }),
                rows: vec![AccessChange::AddOrganisation(OrganisationRow {
                    name: name.to_owned(),
                    kind: OrganisationKind::Originator.as_str().into(),
                    approved_requester: false,
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        );
        match added {
            // Another server of the vault added it between the look-up and the insert.
            Err(VaultError::Catalog(custodia_catalog::CatalogError::Conflict(_)))
                if self.catalog.organisation(name)?.is_some() =>
            {
                Ok(())
            }
            other => other.map(|_| ()),
        }
    }

    /// Sets the regime of a whole submission when it has none yet (the first run of an ingest).
    pub(crate) fn ensure_submission_regime(
        &mut self,
        submission_key: &str,
        originator: &str,
        regime: Regime,
        actor: &str,
    ) -> Result<()> {
        if !self
            .catalog
            .regimes_of_submission(submission_key)?
            .is_empty()
        {
            return Ok(());
        }
        self.change_access(
            actor,
            Change {
                action: custody::action::REGIME_SET,
                item: None,
                details: serde_json::json!({
                    "submission": submission_key, "originator": originator,
                    "regime": regime.as_str(), "reason": "set at ingest",
                    // The submission's first regime: it takes no access away from anyone
                    // (the search index relies on this, see `Vault::search_read`).
                    "initial": true,
                }),
                rows: vec![AccessChange::SetRegime(RegimeRow {
                    id: 0,
                    submission_key: submission_key.to_owned(),
                    sha256: None,
                    regime: regime.as_str().into(),
                    set_at: custody::now(),
                    set_by: actor.to_owned(),
                    reason: Some("set at ingest".into()),
                })],
            },
        )?;
        Ok(())
    }

    /// The regimes of an item, per submission, with their history.
    pub(crate) fn regimes(&self, hash: &ContentHash) -> Result<RegimeReport> {
        let sha = hash.to_hex();
        let mut submissions = Vec::new();
        for s in self.catalog.submissions_of(&sha)? {
            let (regime, history) =
                self.regime_in_force(&s.submission_key, regime_item(&s, &sha))?;
            submissions.push(SubmissionRegime {
                submission_key: s.submission_key,
                originator: s.originator,
                path: s.path,
                regime,
                history,
            });
        }
        Ok(RegimeReport {
            sha256: sha,
            submissions,
        })
    }

    /// Whether `who` may set the regime of a submission from `originator`: the holder's
    /// custodians, or a liaison of that originator.
    pub(crate) fn may_set_regime(&self, who: &Principal, originator: &str) -> bool {
        (who.organisation_kind == OrganisationKind::Holder && who.roles.contains(&Role::Custodian))
            || (who.roles.contains(&Role::OriginatorLiaison) && who.organisation == originator)
    }
}

/// The regime in force for item `sha256` of a submission whose regime rows are `rows` (in id
/// order): the latest set for the item itself, else the latest set for the whole submission,
/// else [`DEFAULT_REGIME`]; with the rows that concern the item.
fn regime_of(rows: Vec<RegimeRow>, sha256: &str) -> Result<(Regime, Vec<RegimeRow>)> {
    let relevant: Vec<RegimeRow> = rows
        .into_iter()
        .filter(|r| r.sha256.as_deref().is_none_or(|s| s == sha256))
        .collect();
    let latest = relevant
        .iter()
        .rev()
        .find(|r| r.sha256.is_some())
        .or_else(|| relevant.iter().rev().find(|r| r.sha256.is_none()));
    let regime = match latest {
        Some(row) => row
            .regime
            .parse()
            .map_err(|e| VaultError::Invalid(format!("a stored regime: {e}")))?,
        None => DEFAULT_REGIME,
    };
    Ok((regime, relevant))
}

/// The catalog rows an item's policy facts are made of ([`Vault::facts_from`]).
pub(crate) trait FactRows {
    fn exists(&self, sha256: &str) -> Result<bool>;
    fn submissions_of(&self, sha256: &str) -> Result<Vec<SubmissionRow>>;
    fn regimes_of_submission(&self, submission_key: &str) -> Result<Vec<RegimeRow>>;
    fn consents_of(&self, sha256: &str) -> Result<Vec<ConsentRow>>;
    fn releases_of(&self, sha256: &str) -> Result<Vec<ReleaseRow>>;
    fn witnesses_of(&self, sha256: &str) -> Result<Vec<StatementLinkRow>>;
}

/// The rows read item by item from the catalog.
struct CatalogRows<'a>(&'a dyn Catalog);

impl FactRows for CatalogRows<'_> {
    fn exists(&self, sha256: &str) -> Result<bool> {
        Ok(self.0.item(sha256)?.is_some())
    }
    fn submissions_of(&self, sha256: &str) -> Result<Vec<SubmissionRow>> {
        Ok(self.0.submissions_of(sha256)?)
    }
    fn regimes_of_submission(&self, submission_key: &str) -> Result<Vec<RegimeRow>> {
        Ok(self.0.regimes_of_submission(submission_key)?)
    }
    fn consents_of(&self, sha256: &str) -> Result<Vec<ConsentRow>> {
        Ok(self.0.consents_of(sha256)?)
    }
    fn releases_of(&self, sha256: &str) -> Result<Vec<ReleaseRow>> {
        Ok(self.0.releases_of(sha256)?)
    }
    fn witnesses_of(&self, sha256: &str) -> Result<Vec<StatementLinkRow>> {
        Ok(self.0.witnesses_of(sha256)?)
    }
}

/// The rows of many items read at once (every item linked in a case: one query per table),
/// grouped by item and submission. An item or submission outside them (the parent of a
/// redacted derivative, whose consents and witnesses its derivative answers to) is read from
/// the catalog as [`Vault::item_facts`] would.
pub(crate) struct FactsOfItems<'a> {
    catalog: &'a dyn Catalog,
    items: HashSet<String>,
    submissions: HashMap<String, Vec<SubmissionRow>>,
    regimes: HashMap<String, Vec<RegimeRow>>,
    consents: HashMap<String, Vec<ConsentRow>>,
    releases: HashMap<String, Vec<ReleaseRow>>,
    witnesses: HashMap<String, Vec<StatementLinkRow>>,
}

impl<'a> FactsOfItems<'a> {
    pub(crate) fn new(catalog: &'a dyn Catalog, rows: custodia_catalog::CaseAccessRows) -> Self {
        fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> &str) -> HashMap<String, Vec<T>> {
            let mut groups: HashMap<String, Vec<T>> = HashMap::new();
            for row in rows {
                match groups.get_mut(key(&row)) {
                    Some(group) => group.push(row),
                    None => {
                        let k = key(&row).to_owned();
                        groups.insert(k, vec![row]);
                    }
                }
            }
            groups
        }
        let submissions = group(rows.submissions, |s| &s.sha256);
        let mut regimes = group(rows.regimes, |r| &r.submission_key);
        // A submission of these items without a regime row: none set, and known to be none.
        for s in submissions.values().flatten() {
            regimes.entry(s.submission_key.clone()).or_default();
        }
        FactsOfItems {
            catalog,
            items: rows.items.into_iter().collect(),
            submissions,
            regimes,
            consents: group(rows.consents, |c| &c.sha256),
            releases: group(rows.releases, |r| &r.sha256),
            witnesses: group(rows.witnesses, |w| &w.sha256),
        }
    }

    fn read(&self, sha256: &str) -> bool {
        self.items.contains(sha256)
    }
}

impl FactRows for FactsOfItems<'_> {
    fn exists(&self, sha256: &str) -> Result<bool> {
        if self.read(sha256) {
            return Ok(true);
        }
        Ok(self.catalog.item(sha256)?.is_some())
    }
    fn submissions_of(&self, sha256: &str) -> Result<Vec<SubmissionRow>> {
        if self.read(sha256) {
            return Ok(self.submissions.get(sha256).cloned().unwrap_or_default());
        }
        Ok(self.catalog.submissions_of(sha256)?)
    }
    fn regimes_of_submission(&self, submission_key: &str) -> Result<Vec<RegimeRow>> {
        match self.regimes.get(submission_key) {
            Some(rows) => Ok(rows.clone()),
            None => Ok(self.catalog.regimes_of_submission(submission_key)?),
        }
    }
    fn consents_of(&self, sha256: &str) -> Result<Vec<ConsentRow>> {
        if self.read(sha256) {
            return Ok(self.consents.get(sha256).cloned().unwrap_or_default());
        }
        Ok(self.catalog.consents_of(sha256)?)
    }
    fn releases_of(&self, sha256: &str) -> Result<Vec<ReleaseRow>> {
        if self.read(sha256) {
            return Ok(self.releases.get(sha256).cloned().unwrap_or_default());
        }
        Ok(self.catalog.releases_of(sha256)?)
    }
    fn witnesses_of(&self, sha256: &str) -> Result<Vec<StatementLinkRow>> {
        if self.read(sha256) {
            return Ok(self.witnesses.get(sha256).cloned().unwrap_or_default());
        }
        Ok(self.catalog.witnesses_of(sha256)?)
    }
}

/// The item whose regime governs submission `s` of item `sha256`: a redacted derivative has the
/// regime its original has in that submission (one rule for the policy and for what is shown;
/// a derivative's own regime is never set, see `set_regime`).
pub(crate) fn regime_item<'a>(s: &'a custodia_catalog::SubmissionRow, sha256: &'a str) -> &'a str {
    match (&s.parent_sha256, &s.path_in_parent) {
        (Some(parent), Some(how)) if how.starts_with(crate::redact::REDACTED_PREFIX) => parent,
        _ => sha256,
    }
}

/// The action, as written in `--json` output and logs.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::ViewMetadata => "view_metadata",
        Action::ViewContent => "view_content",
        Action::Download => "download",
        Action::ViewHistory => "view_history",
        Action::Export => "export",
    }
}
