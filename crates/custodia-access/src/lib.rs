//! The sharing policy: one pure function, [`decide`], says whether a person may take an action on
//! an evidence item. Every read path of Custodia (show, get, history, export, search, statistics)
//! asks it, so that what it denies no path can reveal.
//!
//! What it leaves out: no storage, no I/O, no authentication. The caller gathers the facts (who
//! the person is, what the item's provenance, regimes and consents are) and this crate decides.
//!
//! The rules, deny by default:
//! - the holder's **custodians** may do everything with every item;
//! - the holder's **auditors** may read metadata and custody history, never content;
//! - the holder's **analysts** may read items supplied for a case they are members of, unless the
//!   supplier made that submission *restricted* (holder's custodians only);
//! - an **originator liaison** may read what their own organisation supplied;
//! - a **requester** may read items released to their own organisation, and nothing else;
//! - **administrators** manage accounts; the role alone opens no item;
//! - only custodians **export**, and only items [`releasable`] to the recipient: each submission
//!   of the item must allow it (open regime for an approved requester, or the originator's
//!   consent to that recipient), and no submission may be restricted.
//!
//! The last rule takes the strictest supplier: when two originators supplied the same bytes, the
//! item leaves only if both allow it, because releasing it releases what each of them gave.

#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod custody_log;
pub use custody_log::{history_entry_seen, log_entry_fields, HistoryEntry, LogFields, LogSubject};

/// What a person does in the system; one person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Custodian,
    Analyst,
    OriginatorLiaison,
    Requester,
    VictimSupportOfficer,
    Auditor,
    Administrator,
    /// Assesses civilian-harm reports received from the public.
    HarmAssessor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Custodian,
        Role::Analyst,
        Role::OriginatorLiaison,
        Role::Requester,
        Role::VictimSupportOfficer,
        Role::Auditor,
        Role::Administrator,
        Role::HarmAssessor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Custodian => "custodian",
            Role::Analyst => "analyst",
            Role::OriginatorLiaison => "originator_liaison",
            Role::Requester => "requester",
            Role::VictimSupportOfficer => "victim_support_officer",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
            Role::HarmAssessor => "harm_assessor",
        }
    }
}

/// The kind of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Holds the archive (runs this vault).
    Holder,
    /// Supplies evidence: a government, a UN team.
    Originator,
    /// Asks for evidence: a national prosecution service.
    RequestingAuthority,
    /// A non-governmental organisation; may supply evidence.
    Ngo,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::Holder,
        OrganisationKind::Originator,
        OrganisationKind::RequestingAuthority,
        OrganisationKind::Ngo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Holder => "holder",
            OrganisationKind::Originator => "originator",
            OrganisationKind::RequestingAuthority => "requesting_authority",
            OrganisationKind::Ngo => "ngo",
        }
    }
}

/// How an originator lets a submission be shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// Open to approved requesters: no decision needed per request.
    Open,
    /// Consent per request: nothing leaves without the originator's decision.
    Consent,
    /// The holder's custodians only.
    Restricted,
}

impl Regime {
    pub const ALL: [Regime; 3] = [Regime::Open, Regime::Consent, Regime::Restricted];

    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Open => "open",
            Regime::Consent => "consent",
            Regime::Restricted => "restricted",
        }
    }
}

/// A name that is not one of the vocabulary's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a known {what}; expected one of: {expected}")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

macro_rules! names {
    ($type:ty, $what:literal) => {
        impl FromStr for $type {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                <$type>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| UnknownName {
                        what: $what,
                        given: s.to_owned(),
                        expected: <$type>::ALL
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
names!(Role, "role");
names!(OrganisationKind, "organisation kind");
names!(Regime, "sharing regime");

/// The person acting, as the policy needs to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user: String,
    pub organisation: String,
    pub organisation_kind: OrganisationKind,
    /// Whether the holder approved the person's organisation as a requester.
    pub approved_requester: bool,
    pub roles: BTreeSet<Role>,
    /// Cases (compartments) the person is a member of.
    pub cases: BTreeSet<String>,
}

impl Principal {
    /// The holder's analysts on case `case` alone, with no name: whom [`provenance_seen`]
    /// reads for what every analyst of that case sees of an item (search indexes it once per
    /// case; a case's analysis names an item as they see it).
    pub fn analysts_of_case(case: &str) -> Principal {
        Principal {
            user: String::new(),
            organisation: String::new(),
            organisation_kind: OrganisationKind::Holder,
            approved_requester: false,
            roles: [Role::Analyst].into(),
            cases: [case.to_owned()].into(),
        }
    }

    pub fn is(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn of_holder(&self) -> bool {
        self.organisation_kind == OrganisationKind::Holder
    }
}

/// One submission of an item, as the policy needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionFacts {
    /// The supplying organisation.
    pub originator: String,
    pub case: Option<String>,
    /// The regime in force now for this submission (the latest set).
    pub regime: Regime,
}

/// An originator's decision that an item may go to a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub originator: String,
    pub recipient: String,
}

/// What the policy needs to know of an item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFacts {
    pub submissions: Vec<SubmissionFacts>,
    /// Consents granted (refusals are simply absent).
    pub consents: Vec<Consent>,
    /// Organisations the item was released to (a disclosure package delivered to them).
    pub released_to: BTreeSet<String>,
    /// Per organisation it was released to, how many of the item's submissions (the first
    /// ones: submissions are only ever added) existed at its latest release there, and so were
    /// named in the package's provenance.
    #[serde(default)]
    pub submissions_released: std::collections::BTreeMap<String, usize>,
    /// The persons whose statement the item is, each with their own consent scope.
    #[serde(default)]
    pub witnesses: Vec<WitnessScope>,
}

/// A witness's or survivor's own consent for their statements: to which kinds of organisation
/// they may go, and which organisations never. A statement goes out only where both its
/// originators and every witness of it allow it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessScope {
    pub pseudonym: String,
    /// Kinds of recipient allowed (empty until the person has agreed to anything: nothing goes).
    pub allow_kinds: BTreeSet<OrganisationKind>,
    /// Organisations excluded whatever their kind (e.g. "not to a named state").
    pub exclude: BTreeSet<String>,
}

/// The organisation a package is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub organisation: String,
    /// Whether the holder approved it as a requester (open items need no consent for it).
    pub approved_requester: bool,
    /// What kind of organisation it is (witnesses consent per kind of recipient).
    #[serde(default)]
    pub kind: Option<OrganisationKind>,
}

/// What a person wants to do with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Know that the item exists and read its catalog facts (hash, size, type, provenance);
    /// also what search and statistics may count.
    ViewMetadata,
    /// Read the content (preview, extracted text, snippets).
    ViewContent,
    /// Take a copy out.
    Download,
    /// Read its custody history.
    ViewHistory,
    /// Put it into a disclosure package for a recipient.
    Export,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::ViewMetadata,
        Action::ViewContent,
        Action::Download,
        Action::ViewHistory,
        Action::Export,
    ];

    /// Whether the action lets content out (and so is a custody log entry).
    pub fn releases_content(self) -> bool {
        matches!(
            self,
            Action::ViewContent | Action::Download | Action::Export
        )
    }
}

/// The policy's answer, with the rule that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    pub reason: &'static str,
}

impl Decision {
    fn allow(reason: &'static str) -> Self {
        Self {
            allowed: true,
            reason,
        }
    }
    fn deny(reason: &'static str) -> Self {
        Self {
            allowed: false,
            reason,
        }
    }
}

/// Decides whether `who` may take `action` on an item; for [`Action::Export`], `recipient` is
/// the organisation the package is for (`None`: a package for no named recipient, which only
/// open items may enter).
pub fn decide(
    who: &Principal,
    action: Action,
    item: &ItemFacts,
    recipient: Option<&Recipient>,
) -> Decision {
    if item.submissions.is_empty() {
        // An item nobody supplied is not an item anyone may see (nor one to leak by counting).
        return Decision::deny("the item has no recorded submission");
    }
    if action == Action::Export {
        if !(who.of_holder() && who.is(Role::Custodian)) {
            return Decision::deny("only the holder's custodians export");
        }
        let releasable = releasable(item, recipient);
        return if releasable.allowed {
            Decision::allow(
                "custodian exporting an item its suppliers allow to go to the recipient",
            )
        } else {
            releasable
        };
    }
    if who.of_holder() && who.is(Role::Custodian) {
        return Decision::allow("the holder's custodians hold every item");
    }
    if who.of_holder() && who.is(Role::Auditor) && !action.releases_content() {
        return Decision::allow("auditors read metadata and custody history");
    }
    if who.of_holder()
        && who.is(Role::Analyst)
        && item
            .submissions
            .iter()
            .any(|s| analyst_reads_through(who, s))
    {
        return Decision::allow("analyst on a case the item was supplied for");
    }
    if who.is(Role::OriginatorLiaison)
        && item
            .submissions
            .iter()
            .any(|s| s.originator == who.organisation)
    {
        return Decision::allow("liaison of an organisation that supplied the item");
    }
    if who.is(Role::Requester)
        && who.organisation_kind == OrganisationKind::RequestingAuthority
        && item.released_to.contains(&who.organisation)
    {
        return Decision::allow("requester of an organisation the item was released to");
    }
    Decision::deny("no rule lets this person take this action on this item")
}

/// Whether every supplier of the item lets it go to `recipient` (`None`: to no named recipient,
/// which only open items may reach).
pub fn releasable(item: &ItemFacts, recipient: Option<&Recipient>) -> Decision {
    if item.submissions.is_empty() {
        return Decision::deny("the item has no recorded submission");
    }
    for submission in &item.submissions {
        let consented = |to: &Recipient| {
            item.consents
                .iter()
                .any(|c| c.originator == submission.originator && c.recipient == to.organisation)
        };
        let allowed = match submission.regime {
            Regime::Restricted => {
                return Decision::deny("a supplier restricted the item to the holder's custodians")
            }
            Regime::Open => recipient.is_none_or(|to| to.approved_requester || consented(to)),
            Regime::Consent => recipient.is_some_and(consented),
        };
        if !allowed {
            return Decision::deny("a supplier has not consented to this recipient");
        }
    }
    for witness in &item.witnesses {
        let Some(to) = recipient else {
            return Decision::deny(
                "a witness has not agreed to their statement going out unaddressed",
            );
        };
        if witness.exclude.contains(&to.organisation) {
            return Decision::deny("a witness excluded this recipient");
        }
        if !to.kind.is_some_and(|k| witness.allow_kinds.contains(&k)) {
            return Decision::deny("a witness's consent does not extend to this kind of recipient");
        }
    }
    Decision::allow("every supplier and every witness allows the item to go to the recipient")
}

/// Whether an analyst reads an item through this submission: unrestricted, and supplied for
/// one of the analyst's cases (the rule of [`decide`] and [`provenance_seen`] alike).
fn analyst_reads_through(who: &Principal, submission: &SubmissionFacts) -> bool {
    submission.regime != Regime::Restricted
        && submission
            .case
            .as_ref()
            .is_some_and(|c| who.cases.contains(c))
}

/// Whether `who`, whom [`decide`] lets see an item, sees the provenance of the item's
/// submission number `submission` (in `item.submissions`): which organisation supplied it,
/// under which path, case and collection. The one rule of the item's view, the items list, the
/// history's details and search.
///
/// - the holder's custodians and auditors see every submission;
/// - the holder's analysts see the submissions through which [`decide`] lets them read the
///   item: unrestricted, supplied for one of their cases. A submission restricted to the
///   custodians, or supplied for another case, is not theirs to see, though the bytes are the
///   same (its originator, path and case would tell of material and cases kept from them);
///   the holder's liaisons, where the holder supplies material itself, its own submissions;
/// - outside the holder, an organisation sees its own submissions: another originator's path
///   and case are not its to see;
/// - a requesting authority the item was released to also sees the submissions its package
///   named (those made before its latest release of the item), unless restricted since: a
///   submission made after the release is not named to it, whatever its regime.
///
/// Outside the holder the answer depends on the person's organisation alone (its name and
/// kind), never on the person's roles; inside it, on the roles and, for an analyst, on each
/// case alone. So search indexes each organisation's view (the holder's: its liaisons') and
/// each case's view once for all their people; and the answer changes only with a release, a new submission or a
/// regime, which the index follows.
pub fn provenance_seen(who: &Principal, item: &ItemFacts, submission: usize) -> bool {
    let Some(facts) = item.submissions.get(submission) else {
        return false;
    };
    if who.of_holder() {
        return who.is(Role::Custodian)
            || who.is(Role::Auditor)
            || (who.is(Role::Analyst) && analyst_reads_through(who, facts))
            || (who.is(Role::OriginatorLiaison) && facts.originator == who.organisation);
    }
    if facts.originator == who.organisation {
        return true;
    }
    who.organisation_kind == OrganisationKind::RequestingAuthority
        && item.released_to.contains(&who.organisation)
        && submission
            < item
                .submissions_released
                .get(&who.organisation)
                .copied()
                .unwrap_or(0)
        && facts.regime != Regime::Restricted
}

/// An administrative act, as [`may_administer`] needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminAction<'a> {
    /// List organisations, users and cases.
    ViewAccounts,
    /// Add an organisation.
    AddOrganisation,
    /// Approve an organisation as a requester, or withdraw the approval.
    ApproveRequester,
    /// Add a case, or a member to one.
    ManageCases,
    /// Give a user these roles (adding the user, or replacing their roles).
    GrantRoles(&'a [Role]),
    /// Set a user's password.
    SetPassword,
    /// Turn on a user's second factor (the secret is shown to whoever does it).
    EnableSecondFactor,
    /// Issue a long-lived API token for a user (the secret is shown to whoever does it).
    IssueToken,
    /// List a user's tokens and sessions (never their secrets).
    ListTokens,
    /// Revoke a user's token or session.
    RevokeToken,
    /// Sign a checkpoint of the custody log now.
    SignCheckpoint,
}

/// Whom or what an administrative act concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminTarget<'a> {
    /// The vault as a whole (its lists, its log).
    Vault,
    /// An organisation of this kind (an approval; the organisation a user is given roles in).
    Organisation(OrganisationKind),
    /// A user.
    User {
        name: &'a str,
        /// Whether the user has a password already (`false`: not yet enrolled).
        has_password: bool,
    },
}

/// The roles that act for the holder: [`decide`] and the vault honour them only in the holder
/// organisation, and they open the archive (custodians), its cases (analysts), its log
/// (auditors), its witnesses (victim support) or its accounts (administrators).
pub const HOLDER_ROLES: [Role; 6] = [
    Role::Custodian,
    Role::Analyst,
    Role::Auditor,
    Role::VictimSupportOfficer,
    Role::Administrator,
    Role::HarmAssessor,
];

/// Whether `role` may be held by a user of an organisation of `kind`.
pub fn role_fits(role: Role, kind: OrganisationKind) -> bool {
    match role {
        r if HOLDER_ROLES.contains(&r) => kind == OrganisationKind::Holder,
        // Only a requesting authority files requests; elsewhere the role would be dead weight
        // that a later change of kind could bring to life.
        Role::Requester => kind == OrganisationKind::RequestingAuthority,
        _ => true,
    }
}

/// Decides whether `who` may take an administrative `action` on `target`: the one rule the
/// command line, the API and the web pages all ask, beside [`decide`] for evidence.
///
/// Deny by default. The holder's administrators manage organisations, users, roles and cases;
/// the holder's auditors may also read the lists. Nobody acts *as* someone else: a token or a
/// second factor is issued only to its own user, and a password is set by its user, except the
/// first one of a user who has none yet (enrolment, logged like every change). An administrator
/// who could mint a victim support officer's token or replace their password could read
/// witnesses' identities under that officer's name; the log would then name the wrong person.
/// Holder roles go only to users of the holder, so that no outside organisation's user acts for
/// the archive.
pub fn may_administer(
    who: &Principal,
    action: AdminAction<'_>,
    target: AdminTarget<'_>,
) -> Decision {
    let admin = who.of_holder() && who.is(Role::Administrator);
    let own = matches!(target, AdminTarget::User { name, .. } if name == who.user);
    match action {
        AdminAction::ViewAccounts => {
            if admin || (who.of_holder() && who.is(Role::Auditor)) {
                Decision::allow("the holder's administrators and auditors read the accounts")
            } else {
                Decision::deny(
                    "reading the accounts needs the administrator or auditor role of the holder",
                )
            }
        }
        AdminAction::AddOrganisation
        | AdminAction::ApproveRequester
        | AdminAction::ManageCases
        | AdminAction::SignCheckpoint => {
            if admin {
                Decision::allow("the holder's administrators manage the vault")
            } else {
                Decision::deny("this needs the administrator role of the holder")
            }
        }
        AdminAction::GrantRoles(roles) => {
            if !admin {
                return Decision::deny("giving roles needs the administrator role of the holder");
            }
            let AdminTarget::Organisation(kind) = target else {
                return Decision::deny("roles are given within an organisation");
            };
            if roles
                .iter()
                .any(|r| HOLDER_ROLES.contains(r) && !role_fits(*r, kind))
            {
                return Decision::deny("holder roles go only to users of the holder");
            }
            if roles.iter().any(|r| !role_fits(*r, kind)) {
                return Decision::deny(
                    "the requester role goes only to users of a requesting authority",
                );
            }
            Decision::allow("the holder's administrators give roles that fit the organisation")
        }
        AdminAction::SetPassword => match target {
            AdminTarget::User { .. } if own => Decision::allow("users set their own password"),
            AdminTarget::User {
                has_password: false,
                ..
            } if admin => {
                Decision::allow("the holder's administrators enrol a user without a password")
            }
            AdminTarget::User { .. } if admin => Decision::deny(
                "an administrator does not replace another user's password (the user changes it)",
            ),
            _ => Decision::deny(
                "only the user sets their password (the holder's administrators only a first one)",
            ),
        },
        AdminAction::EnableSecondFactor | AdminAction::IssueToken => {
            if own {
                Decision::allow("users hold their own tokens and second factors")
            } else {
                Decision::deny("tokens and second factors are issued only to their own user")
            }
        }
        AdminAction::ListTokens | AdminAction::RevokeToken => {
            if own {
                Decision::allow("users manage their own tokens")
            } else if admin && matches!(target, AdminTarget::User { .. }) {
                Decision::allow("the holder's administrators list and revoke tokens")
            } else {
                Decision::deny("only the user or the holder's administrators manage tokens")
            }
        }
    }
}

/// What a person does with a case's analysis (charges, incidents, links from items to elements)
/// or with the crimes the analysis charges against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Read the case's matrix, gaps, timeline, map and exports.
    ReadAnalysis,
    /// Lay a charge, add an incident, link an item to an element or take a link back.
    ChangeAnalysis,
    /// Add crime codes (a national law, say) beside the shipped Elements of Crimes.
    ImportCrimes,
    /// Record a milestone of the case (an arrest, a charge, a verdict) with the text victims
    /// may be told.
    RecordMilestone,
}

/// Decides whether `who` may take `action` on the analysis of case `case`: the one rule beside
/// [`decide`] that the vault, and through it the command line, the API and the pages, ask.
///
/// Deny by default. The holder's custodians may do everything. A member of the case who acts
/// for the holder reads its analysis; those of them who are analysts change it. Nobody else
/// learns anything of it, not even that it names a suspect: the analysis of a case is the
/// holder's work product. Only the holder's custodians import crimes, since a charge copies a
/// crime's elements and every case then relies on them. Which *links* a reader sees is a second
/// question, asked per item through [`decide`] (reading content): a member sees the links to
/// items they may read and nothing of the others.
pub fn decide_case(who: &Principal, action: CaseAction, case: &str) -> Decision {
    let custodian = who.of_holder() && who.is(Role::Custodian);
    if custodian {
        return Decision::allow("the holder's custodians hold every case");
    }
    let member = who.of_holder() && who.cases.contains(case);
    match action {
        CaseAction::ReadAnalysis if member => Decision::allow("member of the case"),
        CaseAction::ChangeAnalysis if member && who.is(Role::Analyst) => {
            Decision::allow("analyst on the case")
        }
        CaseAction::ReadAnalysis => {
            Decision::deny("only members of the case and the holder's custodians read its analysis")
        }
        CaseAction::ChangeAnalysis => Decision::deny(
            "only analysts on the case and the holder's custodians change its analysis",
        ),
        CaseAction::ImportCrimes => Decision::deny("only the holder's custodians import crimes"),
        CaseAction::RecordMilestone if member && who.is(Role::Analyst) => {
            Decision::allow("analyst on the case")
        }
        CaseAction::RecordMilestone => Decision::deny(
            "only analysts on the case and the holder's custodians record its milestones",
        ),
    }
}

/// What statistics a person is shown (`custodia stats`, the annual report, the Reports page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatisticsScope {
    /// The holder's custodians, auditors and administrators: every figure.
    Everything,
    /// A requesting authority's requester: its own authority's requests, nothing else.
    Authority(String),
    /// An originator's liaison: its own consent decisions and its own holdings, nothing else.
    Originator(String),
}

/// Decides which statistics `who` may see, if any: figures are counted only over what the
/// scope allows, so that a count never reveals what its reader may not know exists.
pub fn decide_statistics(who: &Principal) -> Result<StatisticsScope, Decision> {
    if who.of_holder()
        && (who.is(Role::Custodian) || who.is(Role::Auditor) || who.is(Role::Administrator))
    {
        return Ok(StatisticsScope::Everything);
    }
    if who.organisation_kind == OrganisationKind::RequestingAuthority && who.is(Role::Requester) {
        return Ok(StatisticsScope::Authority(who.organisation.clone()));
    }
    if who.organisation_kind == OrganisationKind::Originator && who.is(Role::OriginatorLiaison) {
        return Ok(StatisticsScope::Originator(who.organisation.clone()));
    }
    Err(Decision::deny(
        "statistics are for the holder's custodians, auditors and administrators, a requesting authority's requesters (their own requests) and an originator's liaisons (their own decisions and holdings)",
    ))
}

/// Decides whether `who` may read and assess civilian-harm reports from the public (their
/// descriptions, the reporters' contacts, the assessors' notes) and import monitors' counts:
/// the holder's harm assessors and custodians. The monthly public overview is made from what
/// they decided, and holds nothing private.
pub fn decide_harm(who: &Principal) -> Decision {
    if who.of_holder() && (who.is(Role::HarmAssessor) || who.is(Role::Custodian)) {
        Decision::allow("harm assessor or custodian of the holder")
    } else {
        Decision::deny(
            "only the holder's harm assessors and custodians work with civilian-harm reports",
        )
    }
}

/// Decides whether `who` may work with the victim register: contact details and wishes,
/// persons' links to cases, requests for information, notices due, drafts, notices sent and the
/// contact log. Only the holder's victim support officers: how to reach a victim, in which
/// language, and that they are a victim in a case are for nobody else, custodians and
/// administrators included (a custodian records a person and their consent, not how to reach
/// them).
pub fn decide_victim_register(who: &Principal) -> Decision {
    if who.of_holder() && who.is(Role::VictimSupportOfficer) {
        Decision::allow("victim support officer of the holder")
    } else {
        Decision::deny("only the holder's victim support officers work with the victim register")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_in_several_spellings() {
        assert_eq!(
            "originator-liaison".parse::<Role>(),
            Ok(Role::OriginatorLiaison)
        );
        assert_eq!(
            "Requesting authority".parse::<OrganisationKind>(),
            Ok(OrganisationKind::RequestingAuthority)
        );
        assert_eq!(" CONSENT ".parse::<Regime>(), Ok(Regime::Consent));
        let e = "owner".parse::<Role>().unwrap_err();
        assert!(e.to_string().contains("custodian"), "{e}");
        for role in Role::ALL {
            assert_eq!(role.to_string().parse::<Role>(), Ok(role));
        }
    }

    fn person(user: &str, kind: OrganisationKind, roles: &[Role]) -> Principal {
        Principal {
            user: user.into(),
            organisation: format!("{kind} org"),
            organisation_kind: kind,
            approved_requester: false,
            roles: roles.iter().copied().collect(),
            cases: BTreeSet::new(),
        }
    }

    /// Who may read and change a case's analysis, and import crimes.
    #[test]
    fn case_analysis_table() {
        use CaseAction::*;
        use OrganisationKind as K;
        let with_case = |mut p: Principal| {
            p.cases.insert("KOCHO".into());
            p
        };
        let rows: Vec<(&str, Principal, [bool; 4])> = vec![
            (
                "custodian",
                person("c", K::Holder, &[Role::Custodian]),
                [true, true, true, true],
            ),
            (
                "analyst on the case",
                with_case(person("a", K::Holder, &[Role::Analyst])),
                [true, true, false, true],
            ),
            (
                "analyst on another case",
                person("b", K::Holder, &[Role::Analyst]),
                [false, false, false, false],
            ),
            (
                "auditor on the case",
                with_case(person("aud", K::Holder, &[Role::Auditor])),
                [true, false, false, false],
            ),
            (
                "administrator",
                person("adm", K::Holder, &[Role::Administrator]),
                [false, false, false, false],
            ),
            (
                "liaison made a member",
                with_case(person("l", K::Originator, &[Role::OriginatorLiaison])),
                [false, false, false, false],
            ),
            (
                "custodian of another organisation",
                with_case(person(
                    "x",
                    K::Originator,
                    &[Role::Custodian, Role::Analyst],
                )),
                [false, false, false, false],
            ),
            (
                "requester",
                with_case(person("p", K::RequestingAuthority, &[Role::Requester])),
                [false, false, false, false],
            ),
        ];
        for (name, who, expected) in rows {
            let got = [ReadAnalysis, ChangeAnalysis, ImportCrimes, RecordMilestone]
                .map(|action| decide_case(&who, action, "KOCHO").allowed);
            assert_eq!(got, expected, "{name}");
        }
    }

    /// Who may work with the victim register: the holder's victim support officers only.
    #[test]
    fn victim_register_table() {
        use OrganisationKind as K;
        let rows = [
            (
                "victim support officer",
                person("v", K::Holder, &[Role::VictimSupportOfficer]),
                true,
            ),
            (
                "custodian",
                person("c", K::Holder, &[Role::Custodian]),
                false,
            ),
            (
                "administrator",
                person("a", K::Holder, &[Role::Administrator, Role::Custodian]),
                false,
            ),
            ("analyst", person("n", K::Holder, &[Role::Analyst]), false),
            ("auditor", person("u", K::Holder, &[Role::Auditor]), false),
            (
                "victim support officer elsewhere",
                person("o", K::Ngo, &[Role::VictimSupportOfficer]),
                false,
            ),
            (
                "liaison",
                person("l", K::Originator, &[Role::OriginatorLiaison]),
                false,
            ),
            (
                "requester",
                person("r", K::RequestingAuthority, &[Role::Requester]),
                false,
            ),
        ];
        for (name, who, expected) in rows {
            assert_eq!(decide_victim_register(&who).allowed, expected, "{name}");
        }
    }

    /// Who may administer what: every row is one question and its answer.
    #[test]
    fn administration_table() {
        use AdminAction as A;
        use OrganisationKind as K;
        let admin = person("admin", K::Holder, &[Role::Administrator, Role::Custodian]);
        let auditor = person("aud", K::Holder, &[Role::Auditor]);
        let vso = person("vso", K::Holder, &[Role::VictimSupportOfficer]);
        // An administrator in name only: the role outside the holder counts for nothing.
        let outside_admin = person("x", K::Originator, &[Role::Administrator]);
        let prosecutor = person("pro", K::RequestingAuthority, &[Role::Requester]);
        let vso_user = AdminTarget::User {
            name: "vso",
            has_password: true,
        };
        let new_user = AdminTarget::User {
            name: "newcomer",
            has_password: false,
        };
        let own = |p: &Principal| AdminTarget::User {
            name: Box::leak(p.user.clone().into_boxed_str()),
            has_password: true,
        };
        let holder_roles: &[Role] = &[Role::Custodian];
        let auditor_role: &[Role] = &[Role::Auditor];
        let vso_role: &[Role] = &[Role::VictimSupportOfficer];
        let requester: &[Role] = &[Role::Requester];
        let liaison: &[Role] = &[Role::OriginatorLiaison];
        let admin_role: &[Role] = &[Role::Administrator];
        let none: &[Role] = &[];
        let rows: Vec<(&Principal, AdminAction, AdminTarget, bool)> = vec![
            // Reading the accounts.
            (&admin, A::ViewAccounts, AdminTarget::Vault, true),
            (&auditor, A::ViewAccounts, AdminTarget::Vault, true),
            (&vso, A::ViewAccounts, AdminTarget::Vault, false),
            (&outside_admin, A::ViewAccounts, AdminTarget::Vault, false),
            (&prosecutor, A::ViewAccounts, AdminTarget::Vault, false),
            // Managing the vault.
            (&admin, A::AddOrganisation, AdminTarget::Vault, true),
            (&auditor, A::AddOrganisation, AdminTarget::Vault, false),
            (
                &outside_admin,
                A::AddOrganisation,
                AdminTarget::Vault,
                false,
            ),
            (
                &admin,
                A::ApproveRequester,
                AdminTarget::Organisation(K::RequestingAuthority),
                true,
            ),
            (
                &prosecutor,
                A::ApproveRequester,
                AdminTarget::Organisation(K::RequestingAuthority),
                false,
            ),
            (&admin, A::ManageCases, AdminTarget::Vault, true),
            (&auditor, A::ManageCases, AdminTarget::Vault, false),
            (&admin, A::SignCheckpoint, AdminTarget::Vault, true),
            (&auditor, A::SignCheckpoint, AdminTarget::Vault, false),
            (&outside_admin, A::SignCheckpoint, AdminTarget::Vault, false),
            // Roles fit the organisation.
            (
                &admin,
                A::GrantRoles(holder_roles),
                AdminTarget::Organisation(K::Holder),
                true,
            ),
            (
                &admin,
                A::GrantRoles(vso_role),
                AdminTarget::Organisation(K::Holder),
                true,
            ),
            (
                &admin,
                A::GrantRoles(holder_roles),
                AdminTarget::Organisation(K::RequestingAuthority),
                false,
            ),
            (
                &admin,
                A::GrantRoles(auditor_role),
                AdminTarget::Organisation(K::Originator),
                false,
            ),
            (
                &admin,
                A::GrantRoles(admin_role),
                AdminTarget::Organisation(K::Ngo),
                false,
            ),
            (
                &admin,
                A::GrantRoles(vso_role),
                AdminTarget::Organisation(K::Ngo),
                false,
            ),
            (
                &admin,
                A::GrantRoles(requester),
                AdminTarget::Organisation(K::RequestingAuthority),
                true,
            ),
            (
                &admin,
                A::GrantRoles(requester),
                AdminTarget::Organisation(K::Originator),
                false,
            ),
            (
                &admin,
                A::GrantRoles(liaison),
                AdminTarget::Organisation(K::Originator),
                true,
            ),
            (
                &admin,
                A::GrantRoles(liaison),
                AdminTarget::Organisation(K::Ngo),
                true,
            ),
            (
                &admin,
                A::GrantRoles(none),
                AdminTarget::Organisation(K::Ngo),
                true,
            ),
            (
                &admin,
                A::GrantRoles(holder_roles),
                AdminTarget::Vault,
                false,
            ),
            (
                &auditor,
                A::GrantRoles(liaison),
                AdminTarget::Organisation(K::Originator),
                false,
            ),
            (
                &outside_admin,
                A::GrantRoles(liaison),
                AdminTarget::Organisation(K::Originator),
                false,
            ),
            // Nobody becomes someone else.
            (&admin, A::IssueToken, vso_user, false),
            (&admin, A::IssueToken, new_user, false),
            (&admin, A::IssueToken, own(&admin), true),
            (&prosecutor, A::IssueToken, own(&prosecutor), true),
            (&vso, A::IssueToken, own(&vso), true),
            (&admin, A::EnableSecondFactor, vso_user, false),
            (&vso, A::EnableSecondFactor, own(&vso), true),
            (&admin, A::SetPassword, vso_user, false),
            (&admin, A::SetPassword, new_user, true),
            (&auditor, A::SetPassword, new_user, false),
            (&outside_admin, A::SetPassword, new_user, false),
            (&vso, A::SetPassword, own(&vso), true),
            (&prosecutor, A::SetPassword, vso_user, false),
            (&admin, A::SetPassword, AdminTarget::Vault, false),
            // Tokens are listed and revoked by their user or the holder's administrators.
            (&admin, A::ListTokens, vso_user, true),
            (&admin, A::RevokeToken, vso_user, true),
            (&vso, A::RevokeToken, own(&vso), true),
            (&prosecutor, A::RevokeToken, vso_user, false),
            (&auditor, A::ListTokens, vso_user, false),
            (&admin, A::RevokeToken, AdminTarget::Vault, false),
        ];
        for (who, action, target, expected) in rows {
            let decision = may_administer(who, action, target);
            assert_eq!(
                decision.allowed, expected,
                "{} {action:?} {target:?}: {}",
                who.user, decision.reason
            );
            assert!(!decision.reason.is_empty());
        }
    }

    #[test]
    fn holder_roles_fit_only_the_holder() {
        for role in Role::ALL {
            for kind in OrganisationKind::ALL {
                if HOLDER_ROLES.contains(&role) && kind != OrganisationKind::Holder {
                    assert!(!role_fits(role, kind), "{role} in {kind}");
                }
            }
            assert_eq!(
                role_fits(role, OrganisationKind::Holder),
                role != Role::Requester
            );
        }
    }

    /// Whose submissions each party sees the provenance of: the holder's custodians and
    /// auditors all, its analysts those of their cases unless restricted, an organisation
    /// outside it its own, a requesting authority the item was released to those its package
    /// named and not restricted since, and nothing of a submission made after the release.
    #[test]
    fn provenance_seen_by_party() {
        use OrganisationKind as K;
        let of = |name: &str, kind: K| Principal {
            user: format!("someone of {name}"),
            organisation: name.into(),
            organisation_kind: kind,
            approved_requester: true,
            roles: BTreeSet::new(),
            cases: BTreeSet::new(),
        };
        let submission = |originator: &str, regime: Regime| SubmissionFacts {
            originator: originator.into(),
            case: Some(format!("case of {originator}")),
            regime,
        };
        let item = ItemFacts {
            submissions: vec![
                submission("Government A", Regime::Consent),
                submission("Government B", Regime::Restricted),
                submission("Government C", Regime::Open),
                // Supplied after the release to X.
                submission("Government D", Regime::Open),
            ],
            consents: vec![],
            released_to: ["Prosecutor X".to_owned(), "Government E".to_owned()].into(),
            submissions_released: [
                ("Prosecutor X".to_owned(), 3),
                ("Government E".to_owned(), 3),
            ]
            .into(),
            witnesses: vec![],
        };
        let seen = |who: &Principal| -> Vec<String> {
            (0..item.submissions.len())
                .filter(|&i| provenance_seen(who, &item, i))
                .map(|i| item.submissions[i].originator.clone())
                .collect()
        };
        let all = [
            "Government A",
            "Government B",
            "Government C",
            "Government D",
        ];
        let holder = |roles: &[Role], cases: &[&str]| Principal {
            roles: roles.iter().copied().collect(),
            cases: cases.iter().map(|c| c.to_string()).collect(),
            ..of("Archive", K::Holder)
        };
        assert_eq!(seen(&holder(&[Role::Custodian], &[])), all);
        assert_eq!(seen(&holder(&[Role::Auditor], &[])), all);
        // An analyst sees the submissions of their cases, and never a restricted one.
        assert_eq!(
            seen(&holder(
                &[Role::Analyst],
                &["case of Government A", "case of Government B"]
            )),
            ["Government A"]
        );
        assert!(seen(&holder(&[Role::Analyst], &[])).is_empty());
        // The holder's organisation without a role that reads evidence sees nothing.
        assert!(seen(&of("Archive", K::Holder)).is_empty());
        // The holder's liaison sees what the holder itself supplied.
        let supplied = ItemFacts {
            submissions: vec![
                submission("Archive", Regime::Restricted),
                submission("Government A", Regime::Open),
            ],
            ..Default::default()
        };
        let liaison = holder(&[Role::OriginatorLiaison], &[]);
        assert!(provenance_seen(&liaison, &supplied, 0));
        assert!(!provenance_seen(&liaison, &supplied, 1));
        assert_eq!(seen(&of("Government A", K::Originator)), ["Government A"]);
        assert_eq!(seen(&of("Government B", K::Ngo)), ["Government B"]);
        // B restricted its submission since the release; D's came after it.
        assert_eq!(
            seen(&of("Prosecutor X", K::RequestingAuthority)),
            ["Government A", "Government C"]
        );
        // Not released to Y.
        assert!(seen(&of("Prosecutor Y", K::RequestingAuthority)).is_empty());
        // An originator named as a recipient is not a requesting authority.
        assert!(seen(&of("Government E", K::Originator)).is_empty());
        assert!(!provenance_seen(&holder(&[Role::Custodian], &[]), &item, 4));
    }
}
