//! What the vault's integration tests share: [`TestVault`], a vault in a temporary folder with
//! builders for the parties of an evidence bank (the holder's administrators, custodians,
//! analysts, auditors and victim support officers; originators and their liaisons; requesting
//! authorities and their requesters), for small items supplied under a regime, and [`Acting`]
//! for doing things as one of those people. Everything goes through the vault's public methods.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

use custodia_vault::custodia_access::{OrganisationKind, Regime, Role};
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::custodia_catalog::EventRow;
use custodia_vault::redact::{Redacted, RedactionSpec};
use custodia_vault::requests::{ItemStatus, RequestView};
use custodia_vault::uploads::UploadPlan;
use custodia_vault::{
    ConsentDecision, ConsentRecorded, IngestOptions, PackageReceipt, PackageRequest, RegimeChange,
    RegimeChanged, RequestFiling, Vault, VaultError,
};
use sha2::{Digest, Sha256};

pub use custodia_vault::custodia_access::Action;

/// The administrator named when the vault was made (the holder's administrator and custodian).
pub const ADMIN: &str = "admin";
/// The organisation that holds the archive.
pub const HOLDER: &str = "Holder";

/// A vault in a temporary folder, removed when the value is dropped.
pub struct TestVault {
    pub vault: Vault,
    dir: tempfile::TempDir,
    /// Items stored so far (each in a submission of its own).
    stored: usize,
    /// Folders handed out so far.
    folders: usize,
    /// Cases added so far.
    cases: std::collections::BTreeSet<String>,
}

impl TestVault {
    /// A new vault held by [`HOLDER`], administered by [`ADMIN`], with nothing else in it.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let vault =
            Vault::init_for(&dir.path().join("vault"), ADMIN, HOLDER).expect("a new vault is made");
        Self {
            vault,
            dir,
            stored: 0,
            folders: 0,
            cases: Default::default(),
        }
    }

    /// The data directory.
    pub fn root(&self) -> PathBuf {
        self.vault.root().to_owned()
    }

    /// A new, empty folder outside the data directory.
    pub fn folder(&mut self, name: &str) -> PathBuf {
        self.folders += 1;
        let path = self.dir.path().join(format!("{}-{name}", self.folders));
        std::fs::create_dir(&path).expect("a folder");
        path
    }

    /// A path outside the data directory where nothing exists yet.
    pub fn fresh_path(&mut self, name: &str) -> PathBuf {
        self.folders += 1;
        self.dir.path().join(format!("{}-{name}", self.folders))
    }

    // --- parties ---------------------------------------------------------------------------

    /// Begins an organisation (an originator unless told otherwise), added by [`ADMIN`].
    pub fn org<'a>(&'a mut self, name: &str) -> OrgBuilder<'a> {
        OrgBuilder {
            tv: self,
            name: name.to_owned(),
            kind: OrganisationKind::Originator,
            approved: false,
        }
    }

    /// Begins a user (of the holder unless told otherwise), added by [`ADMIN`].
    pub fn user<'a>(&'a mut self, name: &str) -> UserBuilder<'a> {
        UserBuilder {
            tv: self,
            name: name.to_owned(),
            organisation: HOLDER.to_owned(),
            roles: Vec::new(),
            cases: Vec::new(),
        }
    }

    /// An originator organisation.
    pub fn originator(&mut self, name: &str) -> &mut Self {
        self.org(name).add();
        self
    }

    /// A requesting authority (a state's prosecution service), approved as a requester or not.
    pub fn authority(&mut self, name: &str, approved: bool) -> &mut Self {
        let org = self.org(name).kind(OrganisationKind::RequestingAuthority);
        if approved {
            org.approved().add();
        } else {
            org.add();
        }
        self
    }

    /// A custodian of the holder.
    pub fn custodian(&mut self, name: &str) -> &mut Self {
        self.user(name).role(Role::Custodian).add();
        self
    }

    /// An administrator of the holder (accounts only, no evidence).
    pub fn administrator(&mut self, name: &str) -> &mut Self {
        self.user(name).role(Role::Administrator).add();
        self
    }

    /// An auditor of the holder.
    pub fn auditor(&mut self, name: &str) -> &mut Self {
        self.user(name).role(Role::Auditor).add();
        self
    }

    /// An analyst (investigator) of the holder, member of `cases` (each added if new).
    pub fn analyst(&mut self, name: &str, cases: &[&str]) -> &mut Self {
        let mut user = self.user(name).role(Role::Analyst);
        for case in cases {
            user = user.case(case);
        }
        user.add();
        self
    }

    /// A liaison of the originator `organisation` (added as an originator if new).
    pub fn liaison(&mut self, name: &str, organisation: &str) -> &mut Self {
        if self.vault.organisation_kind(organisation).is_err() {
            self.originator(organisation);
        }
        self.user(name)
            .of(organisation)
            .role(Role::OriginatorLiaison)
            .add();
        self
    }

    /// A requester (a state prosecutor) of the authority `organisation`, which must exist.
    pub fn requester(&mut self, name: &str, organisation: &str) -> &mut Self {
        self.user(name).of(organisation).role(Role::Requester).add();
        self
    }

    /// A case (compartment), added by [`ADMIN`] unless it was added before.
    pub fn case(&mut self, reference: &str) -> &mut Self {
        if self.cases.insert(reference.to_owned()) {
            self.vault
                .add_case(ADMIN, reference, Some("a case of the tests"))
                .unwrap_or_else(|e| panic!("adding case `{reference}`: {e}"));
        }
        self
    }

    /// Makes `user` a member of case `reference` (added if new).
    pub fn join_case(&mut self, user: &str, reference: &str) -> &mut Self {
        self.case(reference);
        self.vault
            .add_case_member(ADMIN, reference, user)
            .unwrap_or_else(|e| panic!("`{user}` joining case `{reference}`: {e}"));
        self
    }

    // --- evidence --------------------------------------------------------------------------

    /// Begins an item `name` holding `content`, supplied by `Government A` under the consent
    /// regime and stored by [`ADMIN`] unless told otherwise.
    pub fn item<'a>(&'a mut self, name: &str, content: impl Into<Vec<u8>>) -> ItemBuilder<'a> {
        ItemBuilder {
            tv: self,
            name: name.to_owned(),
            content: content.into(),
            originator: "Government A".to_owned(),
            regime: None,
            case: None,
            actor: ADMIN.to_owned(),
            submission: None,
        }
    }

    /// Sets, as `actor`, the regime of item `hash` within its submissions (those of
    /// `originator`, or all that `actor` may see).
    pub fn set_regime(
        &mut self,
        actor: &str,
        hash: &ContentHash,
        originator: Option<&str>,
        regime: Regime,
    ) -> Result<RegimeChanged, VaultError> {
        self.vault.set_regime(
            actor,
            &RegimeChange {
                regime,
                item: Some(*hash),
                submission: None,
                originator: originator.map(str::to_owned),
                reason: Some(format!("{regime} by decision of the originator")),
            },
        )
    }

    /// Records, as `actor` (an originator's liaison), its organisation's decision on `items`
    /// for `recipient`: a grant with `conditions`, or a refusal.
    pub fn consent(
        &mut self,
        actor: &str,
        items: &[ContentHash],
        recipient: &str,
        grant: bool,
        conditions: serde_json::Value,
    ) -> Result<ConsentRecorded, VaultError> {
        self.vault.decide_consent(
            actor,
            &ConsentDecision {
                originator: None,
                recipient: recipient.to_owned(),
                grant,
                conditions,
                reason: (!grant).then(|| "ongoing national proceedings".to_owned()),
                items: items.to_vec(),
            },
        )
    }

    /// Whether item `hash` may go to `recipient` now: a custodian's export, as the policy
    /// answers it (`Ok`), or its refusal.
    pub fn releasable_to(&self, hash: &ContentHash, recipient: &str) -> Result<(), VaultError> {
        let who = self.vault.principal(ADMIN)?;
        let to = self.vault.recipient(recipient)?;
        self.vault.authorise(&who, Action::Export, hash, Some(&to))
    }

    /// Builds a disclosure package of `items` for `recipient` as [`ADMIN`].
    pub fn package(
        &mut self,
        items: &[ContentHash],
        recipient: &str,
    ) -> Result<PackageReceipt, VaultError> {
        let out = self.fresh_path("package");
        self.vault.build_package(
            ADMIN,
            &PackageRequest {
                items: items.to_vec(),
                out,
                recipient: Some(recipient.to_owned()),
                purpose: Some("proceedings".into()),
                ..PackageRequest::default()
            },
            &|_| {},
        )
    }

    // --- acting as someone -----------------------------------------------------------------

    /// Does things as `user`.
    pub fn as_user<'a>(&'a mut self, user: &str) -> Acting<'a> {
        Acting {
            tv: self,
            user: user.to_owned(),
        }
    }

    // --- the custody log -------------------------------------------------------------------

    /// The number of entries in the custody log.
    pub fn log_size(&self) -> u64 {
        self.vault.ready().expect("the vault answers")
    }

    /// The custody entries from log position `from` on, oldest first, as the holder's
    /// custodian [`ADMIN`] sees them (every entry, in full).
    pub fn entries_since(&self, from: u64) -> Vec<EventRow> {
        let size = self.log_size();
        let wanted = usize::try_from(size.saturating_sub(from)).unwrap();
        let mut events = self
            .vault
            .recent_activity(ADMIN, wanted)
            .expect("the custodian reads the activity");
        events.retain(|e| e.ledger_index.is_some_and(|i| i >= from));
        events.sort_by_key(|e| e.ledger_index);
        assert_eq!(
            events.len() as u64,
            size - from,
            "every log position from {from} to {size} has one event"
        );
        events
    }

    /// The actions of the custody entries from log position `from` on, oldest first.
    pub fn actions_since(&self, from: u64) -> Vec<String> {
        self.entries_since(from)
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    /// The custody entry at log position `index`.
    pub fn entry(&self, index: u64) -> EventRow {
        self.entries_since(index)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no custody entry at {index}"))
    }

    /// Asserts that the entry at `index` records `action` by `actor` on `item` (or on none),
    /// and returns its details.
    pub fn assert_logged(
        &self,
        index: u64,
        action: &str,
        actor: &str,
        item: Option<&ContentHash>,
    ) -> serde_json::Value {
        let entry = self.entry(index);
        assert_eq!(entry.action, action, "entry {index}: {entry:?}");
        assert_eq!(entry.actor, actor, "entry {index}: {entry:?}");
        assert_eq!(
            entry.item,
            item.map(ContentHash::to_hex),
            "entry {index}: {entry:?}"
        );
        assert!(
            !entry.entry.is_empty(),
            "entry {index} has its sealed bytes"
        );
        serde_json::from_str(&entry.details).expect("details are JSON")
    }

    /// The actions in item `hash`'s custody history as the holder sees it (in full), oldest
    /// first.
    pub fn item_actions(&self, hash: &ContentHash) -> Vec<String> {
        self.vault
            .history_for(ADMIN, hash)
            .expect("the item has a history")
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    /// Checks the whole vault (log, catalog and blobs agree) and panics on any fault.
    pub fn assert_verifies(&self) {
        let report = self
            .vault
            .verify(custodia_vault::VerifyOptions { deep: true })
            .expect("verify runs");
        assert!(report.ok, "{:#?}", report.faults);
    }

    // --- uploads ---------------------------------------------------------------------------

    /// Moves the last activity of upload `id` `days` into the past (its staging files'
    /// modification times, in `uploads/`).
    pub fn age_upload(&self, id: &str, days: u64) {
        let then = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
        let mut aged = 0;
        for ext in ["part", "meta"] {
            let path = self.root().join("uploads").join(format!("{id}.{ext}"));
            if let Ok(file) = std::fs::File::options().write(true).open(&path) {
                file.set_modified(then).expect("a modification time is set");
                aged += 1;
            }
        }
        assert!(aged > 0, "upload {id} has staging files");
    }
}

impl Default for TestVault {
    fn default() -> Self {
        Self::new()
    }
}

/// An organisation to add.
pub struct OrgBuilder<'a> {
    tv: &'a mut TestVault,
    name: String,
    kind: OrganisationKind,
    approved: bool,
}

impl OrgBuilder<'_> {
    pub fn kind(mut self, kind: OrganisationKind) -> Self {
        self.kind = kind;
        self
    }

    /// Approved by the holder as a requester (open items need no consent for it).
    pub fn approved(mut self) -> Self {
        self.approved = true;
        self
    }

    /// Adds it as [`ADMIN`]; returns the custody log position.
    pub fn add(self) -> u64 {
        self.tv
            .vault
            .add_organisation(ADMIN, &self.name, self.kind, self.approved)
            .unwrap_or_else(|e| panic!("adding organisation `{}`: {e}", self.name))
    }
}

/// A user to add.
pub struct UserBuilder<'a> {
    tv: &'a mut TestVault,
    name: String,
    organisation: String,
    roles: Vec<Role>,
    cases: Vec<String>,
}

impl UserBuilder<'_> {
    /// Of organisation `organisation` (the holder by default).
    pub fn of(mut self, organisation: &str) -> Self {
        self.organisation = organisation.to_owned();
        self
    }

    pub fn role(mut self, role: Role) -> Self {
        self.roles.push(role);
        self
    }

    /// A member of case `reference` (added if new).
    pub fn case(mut self, reference: &str) -> Self {
        self.cases.push(reference.to_owned());
        self
    }

    /// Adds the user as [`ADMIN`], then its case memberships; returns the log position of
    /// the user's entry.
    pub fn add(self) -> u64 {
        let index = self
            .tv
            .vault
            .add_user(ADMIN, &self.name, &self.organisation, &self.roles)
            .unwrap_or_else(|e| panic!("adding user `{}`: {e}", self.name));
        for case in &self.cases {
            self.tv.case(case).join_case(&self.name, case);
        }
        index
    }
}

/// An item to store.
pub struct ItemBuilder<'a> {
    tv: &'a mut TestVault,
    name: String,
    content: Vec<u8>,
    originator: String,
    regime: Option<Regime>,
    case: Option<String>,
    actor: String,
    submission: Option<String>,
}

impl ItemBuilder<'_> {
    /// Supplied by `originator` (added as an originator organisation if new).
    pub fn from(mut self, originator: &str) -> Self {
        self.originator = originator.to_owned();
        self
    }

    /// Under `regime` (the vault's default, consent, if not given).
    pub fn regime(mut self, regime: Regime) -> Self {
        self.regime = Some(regime);
        self
    }

    /// Supplied for case `reference`.
    pub fn case(mut self, reference: &str) -> Self {
        self.case = Some(reference.to_owned());
        self
    }

    /// Stored by `actor` instead of [`ADMIN`].
    pub fn by(mut self, actor: &str) -> Self {
        self.actor = actor.to_owned();
        self
    }

    /// In submission `key` (a submission of its own by default).
    pub fn submission(mut self, key: &str) -> Self {
        self.submission = Some(key.to_owned());
        self
    }

    /// Stores the item, or says why not.
    pub fn try_store(self) -> Result<ContentHash, VaultError> {
        self.tv.stored += 1;
        let key = self
            .submission
            .clone()
            .unwrap_or_else(|| format!("test-submission-{}", self.tv.stored));
        let options = IngestOptions {
            originator: self.originator.clone(),
            case_ref: self.case.clone(),
            collected_by: Some("field team".into()),
            collection_note: Some(format!("collected for a test: {}", self.name)),
            actor: self.actor.clone(),
            regime: self.regime,
            ..IngestOptions::default()
        };
        let report = self.tv.vault.ingest_reader(
            &self.name,
            &mut self.content.as_slice(),
            &key,
            options,
            &(),
        )?;
        let item = report
            .items
            .first()
            .unwrap_or_else(|| panic!("`{}` was not stored: {:?}", self.name, report.errors));
        let expected = hex::encode(Sha256::digest(&self.content));
        assert_eq!(item.sha256, expected, "the item is named by its SHA-256");
        Ok(item.sha256.parse().expect("a SHA-256"))
    }

    /// Stores the item; returns its hash.
    pub fn store(self) -> ContentHash {
        let name = self.name.clone();
        self.try_store()
            .unwrap_or_else(|e| panic!("storing `{name}`: {e}"))
    }
}

/// One user acting on the vault.
pub struct Acting<'a> {
    tv: &'a mut TestVault,
    user: String,
}

impl Acting<'_> {
    /// Whether the policy lets this user take `action` on item `hash`.
    pub fn may(&self, action: Action, hash: &ContentHash) -> Result<(), VaultError> {
        self.tv
            .vault
            .authorise_as(&self.user, action, hash)
            .map(|_| ())
    }

    /// Takes item `hash` out of the vault, as the API's download does; returns its bytes.
    pub fn download(&mut self, hash: &ContentHash) -> Result<Vec<u8>, VaultError> {
        let (_, mut reader, _) =
            self.tv
                .vault
                .open_for_download(hash, &self.user, "examination for proceedings")?;
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).expect("the item reads back");
        Ok(bytes)
    }

    /// Item `hash`'s custody history as this user may see it.
    pub fn history(&self, hash: &ContentHash) -> Result<Vec<EventRow>, VaultError> {
        self.tv.vault.history_for(&self.user, hash)
    }

    /// The hashes of the items this user may list, in no particular order.
    pub fn visible_items(&self) -> Vec<String> {
        let (items, _) = self
            .tv
            .vault
            .browse(&self.user, &Default::default(), 0, 10_000)
            .expect("browsing works");
        items.into_iter().map(|i| i.sha256).collect()
    }

    /// Files a request of `authority` on legal basis "MLA treaty, art. 4".
    pub fn file_request(&mut self, authority: &str) -> Result<RequestView, VaultError> {
        self.file(&RequestFiling {
            authority: authority.to_owned(),
            legal_basis: "MLA treaty, art. 4".into(),
            case_ref: Some("ICC-01/04".into()),
            suspects: vec!["Abu X".into()],
            crimes: vec!["enforced disappearance".into()],
            deadline: Some("2031-06-30".into()),
            ..RequestFiling::default()
        })
    }

    pub fn file(&mut self, filing: &RequestFiling) -> Result<RequestView, VaultError> {
        self.tv.vault.file_request(&self.user, filing)
    }

    pub fn scope(&mut self, id: &str, items: &[ContentHash]) -> Result<RequestView, VaultError> {
        self.tv.vault.scope_request(&self.user, id, items)
    }

    /// Decides, as an originator's liaison, on items of request `id` (those listed, or all of
    /// the liaison's organisation).
    pub fn decide(
        &mut self,
        id: &str,
        grant: bool,
        items: Option<&[ContentHash]>,
        conditions: serde_json::Value,
        reason: Option<&str>,
    ) -> Result<RequestView, VaultError> {
        self.tv
            .vault
            .decide_request(&self.user, id, grant, items, conditions, reason)
    }

    /// Grants the liaison's items of request `id` (those listed, or all), with `conditions`.
    pub fn grant(
        &mut self,
        id: &str,
        items: Option<&[ContentHash]>,
        conditions: serde_json::Value,
    ) -> Result<RequestView, VaultError> {
        self.tv
            .vault
            .decide_request(&self.user, id, true, items, conditions, None)
    }

    /// Refuses the liaison's items of request `id` (those listed, or all).
    pub fn refuse(
        &mut self,
        id: &str,
        items: Option<&[ContentHash]>,
        reason: &str,
    ) -> Result<RequestView, VaultError> {
        self.tv.vault.decide_request(
            &self.user,
            id,
            false,
            items,
            serde_json::json!([]),
            Some(reason),
        )
    }

    /// Finalises request `id` into a package in a new folder.
    pub fn finalise(&mut self, id: &str) -> Result<(RequestView, PackageReceipt), VaultError> {
        let out = self.tv.fresh_path("request-package");
        self.tv.vault.finalise_request(
            &self.user,
            id,
            PackageRequest {
                out,
                ..PackageRequest::default()
            },
        )
    }

    pub fn request(&self, id: &str) -> Result<RequestView, VaultError> {
        self.tv.vault.request_view(&self.user, id)
    }

    /// The ids of the requests this user may see.
    pub fn requests(&self) -> Vec<String> {
        self.tv
            .vault
            .request_list(&self.user, None)
            .expect("listing requests works")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// Burns `texts` out of text item `hash`.
    pub fn redact_text(
        &mut self,
        hash: &ContentHash,
        texts: &[&str],
        reason: &str,
    ) -> Result<Redacted, VaultError> {
        self.tv.vault.redact(
            &self.user,
            hash,
            &RedactionSpec {
                texts: texts.iter().map(|t| (*t).to_owned()).collect(),
                regions: Vec::new(),
                reason: reason.to_owned(),
            },
        )
    }

    /// Begins an upload of `bytes` named `name` from `Government A`, announcing their SHA-256.
    pub fn begin_upload(
        &mut self,
        name: &str,
        bytes: &[u8],
    ) -> Result<custodia_vault::uploads::UploadState, VaultError> {
        self.tv
            .vault
            .begin_upload(&self.user, upload_plan(name, bytes))
    }
}

/// The plan of an upload of `bytes` named `name` from `Government A`, with their SHA-256.
pub fn upload_plan(name: &str, bytes: &[u8]) -> UploadPlan {
    UploadPlan {
        name: name.to_owned(),
        size: bytes.len() as u64,
        sha256: Some(hex::encode(Sha256::digest(bytes))),
        originator: "Government A".into(),
        case_ref: Some("C-1".into()),
        collected_by: Some("investigator 7".into()),
        collection_note: Some("received over the API".into()),
    }
}

/// The status of item `hash` in a request view, if the view lists it.
pub fn status_in(view: &RequestView, hash: &ContentHash) -> Option<ItemStatus> {
    view.items
        .iter()
        .find(|i| i.sha256 == hash.to_hex())
        .map(|i| i.status)
}

/// The hashes a request view lists.
pub fn listed(view: &RequestView) -> Vec<String> {
    view.items.iter().map(|i| i.sha256.clone()).collect()
}

/// Whether `error` is the answer given for an item that does not exist (so that an item one
/// may not know of is not revealed).
pub fn is_missing(error: &VaultError, hash: &ContentHash) -> bool {
    matches!(error, VaultError::NoSuchItem(sha) if *sha == hash.to_hex())
}

/// Whether `error` is the answer given for a request that does not exist.
pub fn is_missing_request(error: &VaultError, id: &str) -> bool {
    matches!(error, VaultError::Invalid(m) if *m == format!("no request `{id}`"))
}

/// The SHA-256 of `bytes`.
pub fn hash_of(bytes: &[u8]) -> ContentHash {
    ContentHash(Sha256::digest(bytes).into())
}
