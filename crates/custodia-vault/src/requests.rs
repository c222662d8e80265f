//! Requests for assistance (RFA) and the persons behind statements.
//!
//! A requester files a request; a custodian scopes it (the candidate items); the items split by
//! what their originators and witnesses allow: *ready* (releasable to the requesting authority
//! now), *awaiting consent* (one consent request per originator, decided by its liaison),
//! *refused*, or *withheld* (restricted, or a witness's consent excludes the recipient); a
//! custodian finalises it into a disclosure package. The request's state is derived from its
//! items after every step and each change of state is kept, so the time spent in each state and
//! who the request waits on are always known. Every step is a custody log entry.
//!
//! What each party sees is trimmed: a custodian sees everything; an originator's liaison sees the
//! request and only its own organisation's items; a requester sees the state and, once released,
//! the released items, never what is withheld or how much (so nothing reveals that restricted
//! material exists).

use std::collections::{BTreeMap, BTreeSet};

use custodia_access::{
    releasable, Action, OrganisationKind, Principal, Recipient, Regime, Role, WitnessScope,
};
use custodia_blobstore::ContentHash;
use custodia_catalog::{
    AccessChange, ConsentRow, PersonRow, PersonScopeRow, RequestItemRow, RequestRow,
    RequestStateRow, StatementLinkRow,
};
use serde::{Deserialize, Serialize};

use crate::access::Change;
use crate::custody;
use crate::package::{PackageReceipt, PackageRequest};
use crate::{Result, Vault, VaultError};

/// Custody actions of this module. Names are part of the log format: never rename.
pub mod action {
    pub const REQUEST_FILE: &str = "request_file";
    pub const REQUEST_SCOPE: &str = "request_scope";
    pub const REQUEST_STATE: &str = "request_state";
    pub const PERSON_ADD: &str = "person_add";
    pub const PERSON_SCOPE: &str = "person_scope";
    pub const STATEMENT_LINK: &str = "statement_link";
}

/// What a requester files.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RequestFiling {
    pub authority: String,
    pub legal_basis: String,
    pub case_ref: Option<String>,
    pub suspects: Vec<String>,
    pub crimes: Vec<String>,
    pub period: Option<String>,
    pub places: Vec<String>,
    pub text: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
}

/// An item's standing in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RequestItemStatus)]
pub enum ItemStatus {
    Ready,
    AwaitingConsent,
    Refused,
    Withheld,
    Released,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::AwaitingConsent => "awaiting_consent",
            Self::Refused => "refused",
            Self::Withheld => "withheld",
            Self::Released => "released",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestItemView {
    pub sha256: String,
    pub status: ItemStatus,
    pub originators: Vec<String>,
    /// Why it is not ready (refusal reason, restriction, witness scope), or whose consent waits.
    #[schema(required)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StateView {
    pub state: String,
    pub at: String,
    pub by: String,
    #[schema(required)]
    pub note: Option<String>,
    /// Time spent in this state (until the next, or until now).
    pub seconds: f64,
}

/// Who a request waits on: an originator whose liaison must decide on `items` items.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Waiting {
    pub organisation: String,
    pub liaisons: Vec<String>,
    pub items: usize,
}

/// A request as the caller may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: String,
    pub authority: String,
    pub filed_by: String,
    pub filed_at: String,
    pub legal_basis: String,
    #[schema(required)]
    pub case_ref: Option<String>,
    pub description: serde_json::Value,
    #[schema(required)]
    pub deadline: Option<String>,
    /// Whole days until the deadline (negative when past).
    #[schema(required)]
    pub days_left: Option<i64>,
    pub state: String,
    pub states: Vec<StateView>,
    /// Who the request waits on, in words (`holder`, `originators`, `nobody`), for everyone.
    pub waiting_for: String,
    /// The originators it waits on (custodians; a liaison sees only its own organisation).
    pub waits_on: Vec<Waiting>,
    /// The items the caller may see, with their standing.
    pub items: Vec<RequestItemView>,
    /// Counts per status of the items listed above.
    pub counts: BTreeMap<String, usize>,
    pub packages: Vec<String>,
}

/// A person's record as the caller may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub pseudonym: String,
    /// The real identity, only for the holder's victim support officers; otherwise `None`.
    #[schema(required)]
    pub identity: Option<serde_json::Value>,
    pub identity_withheld: bool,
    pub protective_measures: serde_json::Value,
    #[schema(required)]
    pub scope: Option<serde_json::Value>,
    pub scope_history: Vec<PersonScopeRow>,
    pub statements: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

/// A person's own consent for their statements, as stored (JSON) and given on the command line.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScopeSpec {
    pub allow_kinds: BTreeSet<OrganisationKind>,
    pub exclude: BTreeSet<String>,
    pub note: Option<String>,
}

impl Vault {
    // --- persons ---------------------------------------------------------------------------

    fn require_person_officer(&self, who: &Principal, what: &str) -> Result<()> {
        if who.of_holder() && (who.is(Role::VictimSupportOfficer) || who.is(Role::Custodian)) {
            return Ok(());
        }
        Err(VaultError::NotPermitted(format!(
            "{what} needs the victim_support_officer or custodian role in the holder organisation; `{}` holds neither",
            who.user
        )))
    }

    /// The digest of a witness's identity (its JSON text) that custody details may carry:
    /// HMAC-SHA256 under the vault's witness identity key (hex). A plain hash would let anyone
    /// who reads the details confirm a guessed name offline.
    pub(crate) fn identity_digest(&self, identity: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.identity_key);
        hex::encode(ring::hmac::sign(&key, identity.as_bytes()).as_ref())
    }

    /// Records a witness or survivor under a pseudonym, with their real identity (JSON) and
    /// protective measures. Their statements go nowhere until their consent scope is set.
    pub fn add_person(
        &mut self,
        actor: &str,
        pseudonym: &str,
        identity: serde_json::Value,
        measures: Vec<String>,
    ) -> Result<u64> {
        let who = self.principal(actor)?;
        self.require_person_officer(&who, "recording a person")?;
        let pseudonym = pseudonym.trim();
        if pseudonym.is_empty() {
            return Err(VaultError::Invalid("a person needs a pseudonym".into()));
        }
        let measures = serde_json::json!(measures);
        self.change_access(
            actor,
            Change {
                action: action::PERSON_ADD,
                item: None,
                // The log commits to the record without the identity or the protective
                // measures in the details text (a measure — "relocated", "voice distortion" —
                // says something of the person), and the digests are keyed: nobody can
                // confirm a guess against them.
                details: serde_json::json!({
                    "pseudonym": pseudonym,
                    "protective_measures_hmac": self.identity_digest(&measures.to_string()),
                    "identity_hmac": self.identity_digest(&identity.to_string()),
                }),
                rows: vec![AccessChange::AddPerson(PersonRow {
                    pseudonym: pseudonym.to_owned(),
                    identity: identity.to_string(),
                    protective_measures: measures.to_string(),
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )
    }

    /// Records the person's own decision on where their statements may go.
    pub fn set_person_scope(
        &mut self,
        actor: &str,
        pseudonym: &str,
        scope: ScopeSpec,
    ) -> Result<u64> {
        let who = self.principal(actor)?;
        self.require_person_officer(&who, "recording a person's consent")?;
        self.known_person(pseudonym)?;
        let scope = serde_json::to_value(&scope)
            .map_err(|e| VaultError::Invalid(format!("a consent scope: {e}")))?;
        self.change_access(
            actor,
            Change {
                action: action::PERSON_SCOPE,
                item: None,
                details: serde_json::json!({ "pseudonym": pseudonym, "scope": scope }),
                rows: vec![AccessChange::SetPersonScope(PersonScopeRow {
                    id: 0,
                    pseudonym: pseudonym.to_owned(),
                    scope: scope.to_string(),
                    set_at: custody::now(),
                    set_by: actor.to_owned(),
                })],
            },
        )
    }

    /// Marks items as statements of the person: from now on they go out only where the person
    /// allows it.
    pub fn link_statements(
        &mut self,
        actor: &str,
        pseudonym: &str,
        items: &[ContentHash],
    ) -> Result<Vec<u64>> {
        let who = self.principal(actor)?;
        self.require_person_officer(&who, "linking statements to a person")?;
        self.known_person(pseudonym)?;
        let mut changes = Vec::new();
        for hash in items {
            self.authorise(&who, Action::ViewMetadata, hash, None)?;
            changes.push(Change {
                action: action::STATEMENT_LINK,
                item: Some(hash.to_hex()),
                details: serde_json::json!({ "pseudonym": pseudonym }),
                rows: vec![AccessChange::LinkStatement(StatementLinkRow {
                    sha256: hash.to_hex(),
                    pseudonym: pseudonym.to_owned(),
                    linked_at: custody::now(),
                    linked_by: actor.to_owned(),
                })],
            });
        }
        self.change_access_many(actor, changes)
    }

    /// A person's record, trimmed to what the caller may see.
    pub fn person_view(&self, actor: &str, pseudonym: &str) -> Result<PersonView> {
        let who = self.principal(actor)?;
        self.require_person_officer(&who, "reading a person's record")?;
        let row = self.known_person(pseudonym)?;
        let sees_identity = who.of_holder() && who.is(Role::VictimSupportOfficer);
        let scope_history = self.catalog.person_scopes(pseudonym)?;
        let scope = scope_history
            .last()
            .and_then(|s| serde_json::from_str(&s.scope).ok());
        let mut statements = Vec::new();
        for sha in self.statements_of(pseudonym)? {
            if let Ok(hash) = sha.parse::<ContentHash>() {
                if self
                    .authorise(&who, Action::ViewMetadata, &hash, None)
                    .is_ok()
                {
                    statements.push(sha);
                }
            }
        }
        Ok(PersonView {
            pseudonym: row.pseudonym,
            identity: sees_identity
                .then(|| serde_json::from_str(&row.identity).unwrap_or_default()),
            identity_withheld: !sees_identity,
            protective_measures: serde_json::from_str(&row.protective_measures).unwrap_or_default(),
            scope,
            scope_history,
            statements,
            created_at: row.created_at,
            created_by: row.created_by,
        })
    }

    /// Pseudonyms of every person (for the roles that work with them).
    pub fn person_list(&self, actor: &str) -> Result<Vec<String>> {
        let who = self.principal(actor)?;
        self.require_person_officer(&who, "listing persons")?;
        Ok(self
            .catalog
            .persons()?
            .into_iter()
            .map(|p| p.pseudonym)
            .collect())
    }

    fn known_person(&self, pseudonym: &str) -> Result<PersonRow> {
        self.catalog.person(pseudonym)?.ok_or_else(|| {
            VaultError::Invalid(format!(
                "no person `{pseudonym}`\n\nhint: `custodia person list` shows them"
            ))
        })
    }

    fn statements_of(&self, pseudonym: &str) -> Result<Vec<String>> {
        // Few persons have many statements; the link table is read per item elsewhere, so a
        // full scan here keeps the catalog interface small.
        let mut out = Vec::new();
        self.catalog.for_each_item(&mut |item| {
            if self
                .catalog
                .witnesses_of(&item.sha256)?
                .iter()
                .any(|w| w.pseudonym == pseudonym)
            {
                out.push(item.sha256);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The consent scope in force for a person (none set: nothing allowed).
    pub(crate) fn witness_scope(&self, pseudonym: &str) -> Result<WitnessScope> {
        let latest = self.catalog.person_scopes(pseudonym)?.pop();
        let spec: ScopeSpec = latest
            .and_then(|s| serde_json::from_str(&s.scope).ok())
            .unwrap_or_default();
        Ok(WitnessScope {
            pseudonym: pseudonym.to_owned(),
            allow_kinds: spec.allow_kinds,
            exclude: spec.exclude,
        })
    }

    // --- requests --------------------------------------------------------------------------

    /// Files a request for assistance. A requester files for their own organisation; the
    /// holder's custodians may file on an authority's behalf (a request received on paper).
    pub fn file_request(&mut self, actor: &str, filing: &RequestFiling) -> Result<RequestView> {
        let who = self.principal(actor)?;
        // Who may file is decided before the authority is looked up: someone who may not file
        // learns nothing of which organisations exist.
        let files_own = who.is(Role::Requester) && who.organisation == filing.authority;
        if !(files_own || (who.of_holder() && who.is(Role::Custodian))) {
            return Err(VaultError::NotPermitted(format!(
                "a request of `{}` is filed by a requester of that organisation or by the holder's custodians; `{actor}` is neither",
                filing.authority
            )));
        }
        let authority = self.recipient(&filing.authority)?;
        if authority.kind != Some(OrganisationKind::RequestingAuthority) {
            return Err(VaultError::Invalid(format!(
                "`{}` is not a requesting authority\n\nhint: `custodia org add NAME --kind requesting_authority`",
                filing.authority
            )));
        }
        if filing.legal_basis.trim().is_empty() {
            return Err(VaultError::Invalid(
                "a request needs its legal basis (`--legal-basis`)".into(),
            ));
        }
        if let Some(deadline) = &filing.deadline {
            parse_date(deadline)?;
        }
        // A random id: a sequence number would tell every state how many requests others made.
        let id = loop {
            let mut bytes = [0u8; 5];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
                .map_err(|_| VaultError::Crypto("no system randomness"))?;
            let id = format!("RFA-{}", hex::encode_upper(bytes));
            if self.catalog.request(&id)?.is_none() {
                break id;
            }
        };
        let now = custody::now();
        let description = serde_json::json!({
            "suspects": filing.suspects, "crimes": filing.crimes, "period": filing.period,
            "places": filing.places, "text": filing.text,
        });
        self.change_access(
            actor,
            Change {
                action: action::REQUEST_FILE,
                item: None,
                details: serde_json::json!({
                    "request": id, "authority": filing.authority, "legal_basis": filing.legal_basis,
                    "case_ref": filing.case_ref, "description": description,
                    "deadline": filing.deadline,
                }),
                rows: vec![
                    AccessChange::FileRequest(RequestRow {
                        id: id.clone(),
                        authority: filing.authority.clone(),
                        filed_by: actor.to_owned(),
                        filed_at: now.clone(),
                        legal_basis: filing.legal_basis.clone(),
                        case_ref: filing.case_ref.clone(),
                        description: description.to_string(),
                        deadline: filing.deadline.clone(),
                    }),
                    AccessChange::SetRequestState(RequestStateRow {
                        id: 0,
                        request_id: id.clone(),
                        state: "filed".into(),
                        at: now,
                        by: actor.to_owned(),
                        note: None,
                    }),
                ],
            },
        )?;
        self.request_view(actor, &id)
    }

    /// Adds hand-picked (or searched) items to a request's candidate set.
    pub fn scope_request(
        &mut self,
        actor: &str,
        id: &str,
        items: &[ContentHash],
    ) -> Result<RequestView> {
        let who = self.principal(actor)?;
        self.require_holder_role(&who, Role::Custodian, "scoping a request")?;
        let request = self.open_request(id)?;
        let mut changes = Vec::new();
        for hash in items {
            self.authorise(&who, Action::ViewMetadata, hash, None)?;
            changes.push(Change {
                action: action::REQUEST_SCOPE,
                item: Some(hash.to_hex()),
                details: serde_json::json!({ "request": request.id }),
                rows: vec![AccessChange::AddRequestItem(RequestItemRow {
                    request_id: request.id.clone(),
                    sha256: hash.to_hex(),
                    added_at: custody::now(),
                    added_by: actor.to_owned(),
                })],
            });
        }
        self.change_access_many(actor, changes)?;
        self.settle_state(actor, &request.id, None)?;
        self.request_view(actor, id)
    }

    /// An originator's liaison decides on its items in a request: grant (optionally with
    /// conditions) or refuse (with a reason), for listed items or all of them.
    pub fn decide_request(
        &mut self,
        actor: &str,
        id: &str,
        grant: bool,
        items: Option<&[ContentHash]>,
        conditions: serde_json::Value,
        reason: Option<&str>,
    ) -> Result<RequestView> {
        let who = self.principal(actor)?;
        if !who.is(Role::OriginatorLiaison) {
            return Err(VaultError::NotPermitted(format!(
                "consent is decided by an originator's liaison; `{actor}` is not one"
            )));
        }
        if !grant && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(VaultError::Invalid(
                "a refusal needs a reason (`--reason TEXT`)".into(),
            ));
        }
        let conditions =
            serde_json::Value::Array(crate::conditions::validate_conditions(&conditions)?);
        if !grant && conditions.as_array().is_some_and(|c| !c.is_empty()) {
            return Err(VaultError::Invalid(
                "a refusal carries no conditions; `conditions` is for a grant".into(),
            ));
        }
        // A request the liaison may not see answers exactly like one that does not exist:
        // neither its existence nor its state is theirs to learn.
        self.request_view(actor, id)?;
        let request = self.open_request(id)?;
        let in_request: BTreeSet<String> = self
            .catalog
            .request_items(id)?
            .into_iter()
            .map(|i| i.sha256)
            .collect();
        let ours: Vec<String> = in_request
            .iter()
            .filter(|sha| {
                self.catalog
                    .submissions_of(sha)
                    .map(|s| s.iter().any(|s| s.originator == who.organisation))
                    .unwrap_or(false)
            })
            .cloned()
            .collect();
        let chosen: Vec<String> = match items {
            None => ours,
            Some(items) => {
                let mut chosen = Vec::new();
                for hash in items {
                    let sha = hash.to_hex();
                    if !ours.contains(&sha) {
                        // Same answer whether the item is absent, not in the request, or not
                        // this organisation's: nothing is revealed about others' material.
                        return Err(VaultError::NoSuchItem(sha));
                    }
                    chosen.push(sha);
                }
                chosen
            }
        };
        if chosen.is_empty() {
            return Err(VaultError::Invalid(format!(
                "request `{id}` holds no item of `{}` to decide on",
                who.organisation
            )));
        }
        let decision = if grant { "grant" } else { "refuse" };
        let changes = chosen
            .iter()
            .map(|sha| Change {
                action: custody::action::CONSENT,
                item: Some(sha.clone()),
                details: serde_json::json!({
                    "originator": who.organisation, "recipient": request.authority,
                    "decision": decision, "conditions": conditions, "reason": reason,
                    "request": request.id,
                }),
                rows: vec![AccessChange::RecordConsent(ConsentRow {
                    id: 0,
                    sha256: sha.clone(),
                    originator: who.organisation.clone(),
                    recipient: request.authority.clone(),
                    decision: decision.into(),
                    conditions: conditions.to_string(),
                    decided_at: custody::now(),
                    decided_by: actor.to_owned(),
                    reason: reason.map(str::to_owned),
                })],
            })
            .collect();
        self.change_access_many(actor, changes)?;
        self.settle_state(actor, id, None)?;
        self.request_view(actor, id)
    }

    /// Where packages built for requests by the server are kept until their recipients take
    /// them: `exports/` in the data directory (readable by the vault's user only).
    pub fn exports_dir(&self) -> std::path::PathBuf {
        self.root.join("exports")
    }

    /// Opens package `package` of request `id` for `actor`, who must be one of its recipients
    /// (the requesting authority's requesters) or the holder's custodians, and records the
    /// download in the custody log before a byte leaves. Others who see the request (an
    /// originator's liaison, an auditor) get the answer of a missing package: a package holds
    /// every originator's released items, which only its recipient may read.
    pub fn open_request_package(
        &mut self,
        actor: &str,
        id: &str,
        package: &str,
    ) -> Result<(std::fs::File, u64)> {
        let view = self.request_view(actor, id)?;
        let who = self.principal(actor)?;
        let recipient = who.is(Role::Requester) && who.organisation == view.authority;
        let custodian = who.of_holder() && who.is(Role::Custodian);
        if !(recipient || custodian) {
            return Err(VaultError::Invalid(format!(
                "request `{id}` has no package `{package}`"
            )));
        }
        let valid = !package.is_empty()
            && package.len() <= 80
            && package
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid || !view.packages.iter().any(|p| p == package) {
            return Err(VaultError::Invalid(format!(
                "request `{id}` has no package `{package}`"
            )));
        }
        let path = self.exports_dir().join(format!("{package}.zip"));
        let file = std::fs::File::open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                VaultError::Invalid(format!(
                    "package `{package}` of request `{id}` is not kept on this server (it was built elsewhere or removed)"
                ))
            } else {
                VaultError::io("open", &path)(e)
            }
        })?;
        let size = file
            .metadata()
            .map_err(VaultError::io("stat", &path))?
            .len();
        let details = serde_json::json!({
            "request": id, "package": package, "bytes": size, "organisation": who.organisation,
        })
        .to_string();
        self.record(&[custodia_catalog::NewEvent {
            time: custody::now(),
            actor: actor.to_owned(),
            action: custody::action::PACKAGE_DOWNLOAD.into(),
            item: None,
            details,
            // Sealed by `record`.
            entry: Vec::new(),
        }])?;
        Ok((file, size))
    }

    /// Finalises request `id` into a ZIP package kept in [`Vault::exports_dir`] for its
    /// recipients to download from the server.
    pub fn finalise_request_for_download(
        &mut self,
        actor: &str,
        id: &str,
    ) -> Result<(RequestView, PackageReceipt)> {
        let dir = self.exports_dir();
        std::fs::create_dir_all(&dir).map_err(VaultError::io("create", &dir))?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(VaultError::io("restrict", &dir))?;
        // Built under a temporary name, then named after the package id it was given.
        let mut nonce = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
            .map_err(|_| VaultError::Crypto("no system randomness"))?;
        let building = dir.join(format!(".building-{}.zip", hex::encode(nonce)));
        let result = self.finalise_request(
            actor,
            id,
            PackageRequest {
                out: building.clone(),
                zip: true,
                ..PackageRequest::default()
            },
        );
        let (view, mut receipt) = match result {
            Ok(done) => done,
            Err(e) => {
                let _ = std::fs::remove_file(&building);
                return Err(e);
            }
        };
        let kept = dir.join(format!("{}.zip", receipt.id));
        std::fs::rename(&building, &kept).map_err(VaultError::io("rename", &building))?;
        receipt.path = kept.display().to_string();
        Ok((view, receipt))
    }

    /// Builds the disclosure package of every ready item of the request for its authority and
    /// marks the request finalised.
    pub fn finalise_request(
        &mut self,
        actor: &str,
        id: &str,
        package: PackageRequest,
    ) -> Result<(RequestView, PackageReceipt)> {
        let who = self.principal(actor)?;
        self.require_holder_role(&who, Role::Custodian, "finalising a request")?;
        let request = self.open_request(id)?;
        let recipient = self.recipient(&request.authority)?;
        let mut ready = Vec::new();
        for item in self.catalog.request_items(id)? {
            let (status, _, _) = self.item_status(&item.sha256, &recipient, None)?;
            if status == ItemStatus::Ready {
                ready.push(item.sha256.parse::<ContentHash>().map_err(|_| {
                    VaultError::Invalid(format!("a stored item hash `{}`", item.sha256))
                })?);
            }
        }
        if ready.is_empty() {
            return Err(VaultError::Invalid(format!(
                "request `{id}` has no item ready to release\n\nhint: `custodia request show {id}` says what it waits on"
            )));
        }
        let package = PackageRequest {
            items: ready,
            recipient: Some(request.authority.clone()),
            purpose: Some(format!(
                "request for assistance {id} ({}), legal basis: {}",
                request.case_ref.as_deref().unwrap_or("no case reference"),
                request.legal_basis
            )),
            ..package
        };
        let receipt = self.build_package(actor, &package, &|_| {})?;
        self.settle_state(actor, id, Some(&receipt.id))?;
        Ok((self.request_view(actor, id)?, receipt))
    }

    /// Requests the caller may see, optionally only those due within `days`.
    pub fn request_list(&self, actor: &str, due_within: Option<i64>) -> Result<Vec<RequestView>> {
        let mut out = Vec::new();
        for request in self.catalog.requests()? {
            let Ok(view) = self.request_view(actor, &request.id) else {
                continue;
            };
            if let Some(days) = due_within {
                if view.state == "finalised" || view.days_left.is_none_or(|d| d > days) {
                    continue;
                }
            }
            out.push(view);
        }
        Ok(out)
    }

    /// One request, trimmed to what the caller may see; a request the caller has no part in is
    /// reported as missing.
    pub fn request_view(&self, actor: &str, id: &str) -> Result<RequestView> {
        let who = self.principal(actor)?;
        let request = self
            .catalog
            .request(id)?
            .ok_or_else(|| VaultError::Invalid(format!("no request `{id}`")))?;
        let custodian = who.of_holder() && (who.is(Role::Custodian) || who.is(Role::Auditor));
        let requester = who.is(Role::Requester) && who.organisation == request.authority;
        let recipient = self.recipient(&request.authority)?;
        let items = self.catalog.request_items(id)?;
        let mut views = Vec::new();
        let mut waiting: BTreeMap<String, usize> = BTreeMap::new();
        let mut liaison_part = false;
        for item in &items {
            let (status, originators, reason) =
                self.item_status(&item.sha256, &recipient, Some(&request.id))?;
            if status == ItemStatus::AwaitingConsent {
                for o in reason.iter().flat_map(|r| awaited(r)) {
                    *waiting.entry(o).or_default() += 1;
                }
            }
            let ours = who.is(Role::OriginatorLiaison) && originators.contains(&who.organisation);
            liaison_part |= ours;
            let visible = custodian || ours || (requester && status == ItemStatus::Released);
            if visible {
                // A state that received a redacted derivative is shown that derivative, never the
                // original (whose hash would let it test guesses of what was burnt).
                let sha256 = if custodian || ours {
                    item.sha256.clone()
                } else {
                    self.released_as(&item.sha256, &recipient, &request.id)?
                        .unwrap_or_else(|| item.sha256.clone())
                };
                views.push(RequestItemView {
                    sha256,
                    status,
                    // A liaison learns nothing of other originators' material.
                    originators: if custodian { originators } else { vec![] },
                    // A supplier's liaison reads its own organisation's part; of the other
                    // suppliers', that there is one, never their names or reasons.
                    reason: if custodian {
                        reason
                    } else if ours {
                        reason_for_supplier(reason, &who.organisation)
                    } else {
                        None
                    },
                });
            }
        }
        if !(custodian || requester || liaison_part) {
            return Err(VaultError::Invalid(format!("no request `{id}`")));
        }
        let states = self.catalog.request_states(id)?;
        let state = states.last().map(|s| s.state.clone()).unwrap_or_default();
        let now = time::OffsetDateTime::now_utc();
        // Who moved a request on is named only to the holder's people and to the mover's own
        // organisation; a note (a reason) only to the holder's people, except the package id
        // of a finalised request, which its recipient needs.
        let mut mover_organisation: BTreeMap<String, Option<String>> = BTreeMap::new();
        let state_views = states
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let by = if custodian {
                    s.by.clone()
                } else {
                    let org = mover_organisation
                        .entry(s.by.clone())
                        .or_insert_with(|| self.principal(&s.by).ok().map(|p| p.organisation));
                    if org.as_deref() == Some(who.organisation.as_str()) {
                        s.by.clone()
                    } else {
                        "(another organisation)".to_owned()
                    }
                };
                let note = if custodian || s.state == "finalised" {
                    s.note.clone()
                } else {
                    None
                };
                let start = parse_time(&s.at);
                let end = states
                    .get(i + 1)
                    .and_then(|n| parse_time(&n.at))
                    .or(Some(now));
                StateView {
                    state: s.state.clone(),
                    at: s.at.clone(),
                    by,
                    note,
                    seconds: match (start, end) {
                        (Some(a), Some(b)) => (b - a).as_seconds_f64().max(0.0),
                        _ => 0.0,
                    },
                }
            })
            .collect();
        let packages = states
            .iter()
            .filter(|s| s.state == "finalised")
            .filter_map(|s| s.note.clone())
            .collect();
        let mut waits_on = Vec::new();
        for (organisation, count) in &waiting {
            if custodian || (liaison_part && *organisation == who.organisation) {
                waits_on.push(Waiting {
                    organisation: organisation.clone(),
                    liaisons: self.liaisons_of(organisation)?,
                    items: *count,
                });
            }
        }
        let waiting_for = match state.as_str() {
            "filed" => "holder",
            "awaiting_consent" => "originators",
            "ready" => "holder",
            _ => "nobody",
        }
        .to_owned();
        let mut counts = BTreeMap::new();
        for v in &views {
            *counts.entry(v.status.as_str().to_owned()).or_default() += 1;
        }
        let days_left = request
            .deadline
            .as_deref()
            .and_then(|d| parse_date(d).ok())
            .map(|d| (d - now.date()).whole_days());
        Ok(RequestView {
            id: request.id,
            authority: request.authority,
            filed_by: request.filed_by,
            filed_at: request.filed_at,
            legal_basis: request.legal_basis,
            case_ref: request.case_ref,
            description: serde_json::from_str(&request.description).unwrap_or_default(),
            deadline: request.deadline,
            days_left,
            state,
            states: state_views,
            waiting_for,
            waits_on,
            items: views,
            counts,
            packages,
        })
    }

    fn open_request(&self, id: &str) -> Result<RequestRow> {
        let request = self
            .catalog
            .request(id)?
            .ok_or_else(|| VaultError::Invalid(format!("no request `{id}`")))?;
        let states = self.catalog.request_states(id)?;
        if states
            .last()
            .is_some_and(|s| s.state == "finalised" || s.state == "withdrawn")
        {
            return Err(VaultError::Invalid(format!(
                "request `{id}` is {} already",
                states.last().map(|s| s.state.as_str()).unwrap_or("closed")
            )));
        }
        Ok(request)
    }

    /// Records the request's state if it changed: derived from its items, or `finalised` with
    /// the package's id.
    fn settle_state(&mut self, actor: &str, id: &str, package: Option<&str>) -> Result<()> {
        let request = self
            .catalog
            .request(id)?
            .ok_or_else(|| VaultError::Invalid(format!("no request `{id}`")))?;
        let recipient = self.recipient(&request.authority)?;
        let state = if package.is_some() {
            "finalised".to_owned()
        } else {
            let mut statuses = BTreeSet::new();
            for item in self.catalog.request_items(id)? {
                statuses.insert(self.item_status(&item.sha256, &recipient, None)?.0);
            }
            if statuses.contains(&ItemStatus::AwaitingConsent) {
                "awaiting_consent"
            } else if statuses.contains(&ItemStatus::Ready)
                || statuses.contains(&ItemStatus::Released)
            {
                "ready"
            } else {
                // No item, or none that may go to the requester (all withheld or refused):
                // the requester sees its request as filed, as if nothing had been found, since
                // "ready" with nothing to release would tell it the holder has material it
                // may not have. The custodian's view counts the items and says why.
                "filed"
            }
            .to_owned()
        };
        let current = self.catalog.request_states(id)?.pop().map(|s| s.state);
        if current.as_deref() == Some(state.as_str()) {
            return Ok(());
        }
        self.change_access(
            actor,
            Change {
                action: action::REQUEST_STATE,
                item: None,
                details: serde_json::json!({ "request": id, "state": state, "package": package }),
                rows: vec![AccessChange::SetRequestState(RequestStateRow {
                    id: 0,
                    request_id: id.to_owned(),
                    state,
                    at: custody::now(),
                    by: actor.to_owned(),
                    note: package.map(str::to_owned),
                })],
            },
        )?;
        Ok(())
    }

    /// An item's standing for a recipient: status, originators, and the reason (for
    /// `AwaitingConsent`: "awaiting consent of A, B").
    /// The item that went to `recipient` for `request` in place of item `sha`: the item itself,
    /// or its redacted derivative; `None` if neither was released for that request.
    fn released_as(
        &self,
        sha: &str,
        recipient: &Recipient,
        request: &str,
    ) -> Result<Option<String>> {
        let packages: BTreeSet<String> = self
            .catalog
            .request_states(request)?
            .into_iter()
            .filter_map(|s| s.note)
            .collect();
        let went =
            |item: &str| -> Result<bool> {
                Ok(self.catalog.releases_of(item)?.iter().any(|r| {
                    r.recipient == recipient.organisation && packages.contains(&r.package)
                }))
            };
        if went(sha)? {
            return Ok(Some(sha.to_owned()));
        }
        for derived in self.catalog.derived_from(sha)? {
            let redacted = derived
                .path_in_parent
                .as_deref()
                .is_some_and(|p| p.starts_with(crate::redact::REDACTED_PREFIX));
            if redacted && went(&derived.sha256)? {
                return Ok(Some(derived.sha256));
            }
        }
        Ok(None)
    }

    fn item_status(
        &self,
        sha: &str,
        recipient: &Recipient,
        request: Option<&str>,
    ) -> Result<(ItemStatus, Vec<String>, Option<String>)> {
        let Some(facts) = self.item_facts(sha)? else {
            return Ok((ItemStatus::Withheld, vec![], Some("no such item".into())));
        };
        let originators: Vec<String> = facts
            .submissions
            .iter()
            .map(|s| s.originator.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if let Some(request) = request {
            if self.released_as(sha, recipient, request)?.is_some() {
                return Ok((ItemStatus::Released, originators, None));
            }
        }
        if releasable(&facts, Some(recipient)).allowed {
            return Ok((ItemStatus::Ready, originators, None));
        }
        if let Some(s) = facts
            .submissions
            .iter()
            .find(|s| s.regime == Regime::Restricted)
        {
            return Ok((
                ItemStatus::Withheld,
                originators,
                Some(format!(
                    "restricted by {} to the holder's custodians",
                    s.originator
                )),
            ));
        }
        // Suppliers first: a witness's scope is only asked once the originators agree.
        let mut latest: BTreeMap<String, ConsentRow> = BTreeMap::new();
        for c in self.catalog.consents_of(sha)? {
            if c.recipient == recipient.organisation {
                latest.insert(c.originator.clone(), c);
            }
        }
        let mut awaiting = BTreeSet::new();
        for s in &facts.submissions {
            let needs = s.regime == Regime::Consent
                || (s.regime == Regime::Open && !recipient.approved_requester);
            match latest.get(&s.originator) {
                Some(c) if c.decision == "refuse" => {
                    return Ok((
                        ItemStatus::Refused,
                        originators,
                        Some(format!(
                            "refused by {}: {}",
                            s.originator,
                            c.reason.as_deref().unwrap_or("no reason given")
                        )),
                    ))
                }
                Some(_) => {}
                None if needs => {
                    awaiting.insert(s.originator.clone());
                }
                None => {}
            }
        }
        if !awaiting.is_empty() {
            let names: Vec<String> = awaiting.into_iter().collect();
            return Ok((
                ItemStatus::AwaitingConsent,
                originators,
                Some(format!("awaiting consent of {}", names.join("; "))),
            ));
        }
        Ok((
            ItemStatus::Withheld,
            originators,
            Some("a witness's own consent does not extend to this recipient".into()),
        ))
    }

    fn liaisons_of(&self, organisation: &str) -> Result<Vec<String>> {
        Ok(self
            .catalog
            .users()?
            .into_iter()
            .filter(|u| {
                u.organisation == organisation
                    && u.roles
                        .iter()
                        .any(|r| r == Role::OriginatorLiaison.as_str())
            })
            .map(|u| u.name)
            .collect())
    }
}

/// The originators named in an "awaiting consent of A; B" reason.
/// An item's reason as the liaison of one of its suppliers, `own`, sees it: what concerns
/// `own` as the holder's people read it; another supplier's refusal, restriction or consent
/// still awaited without its name or its reason.
fn reason_for_supplier(reason: Option<String>, own: &str) -> Option<String> {
    let reason = reason?;
    const ANOTHER: &str = "another supplier of this item";
    if reason.starts_with("refused by ") {
        return Some(if reason.starts_with(&format!("refused by {own}: ")) {
            reason
        } else {
            format!("refused by {ANOTHER}")
        });
    }
    if reason.starts_with("restricted by ") {
        return Some(
            if reason == format!("restricted by {own} to the holder's custodians") {
                reason
            } else {
                format!("restricted by {ANOTHER}")
            },
        );
    }
    let waiting = awaited(&reason);
    if waiting.is_empty() {
        return Some(reason);
    }
    let mine = waiting.iter().any(|o| o == own);
    let others = waiting.iter().any(|o| o != own);
    Some(match (mine, others) {
        (true, false) => format!("awaiting consent of {own}"),
        (true, true) => format!("awaiting consent of {own}, and of {ANOTHER}"),
        _ => format!("awaiting consent of {ANOTHER}"),
    })
}

fn awaited(reason: &str) -> Vec<String> {
    reason
        .strip_prefix("awaiting consent of ")
        .map(|names| names.split("; ").map(str::to_owned).collect())
        .unwrap_or_default()
}

fn parse_date(text: &str) -> Result<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text.trim(), &format)
        .map_err(|_| VaultError::Invalid(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}
