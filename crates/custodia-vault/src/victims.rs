//! The victim register: how to reach the victims and witnesses of a case and what they wish,
//! the milestones of cases, persons' requests for information, the notices owed to them
//! ([`custodia_cases::notices`] decides when), drafts in their language, notices recorded or sent
//! by e-mail through the holder's own relay, and each person's contact log.
//!
//! **Who.** Everything here but milestones is for the holder's victim support officers only
//! (`custodia_access::decide_victim_register`): how to reach a victim, their language, that they
//! are a victim in a case, and what they asked are for nobody else — custodians and
//! administrators included. Milestones are recorded by the case's analysts and the holder's
//! custodians (`CaseAction::RecordMilestone`); their public text is what victims may be told.
//!
//! **Sealed.** Contact details, the text of a request and a letter as sent are sealed in the
//! catalog (AES-256-GCM under a key derived from the master key for this use, the associated
//! data naming the record's kind and pseudonym, so a sealed value moved to another row does not
//! open), so that a PostgreSQL administrator or a reader of a backup learns none of them.
//!
//! **Logged, revealing nothing.** Every step is a custody entry whose details name the person
//! only by a keyed digest (`person`: HMAC-SHA256 of the pseudonym under a second derived key,
//! the same for every entry of the person, unguessable without the vault) and commit to the
//! rest by another keyed digest (`record`): whoever reads the log sees that a notice was
//! recorded in a case, never to whom, in which language, by which channel or what it said.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use custodia_access::{decide_victim_register, CaseAction, Principal};
use custodia_cases::notices::{
    self, format_date, Channel, Draft, DraftInput, InformationRequest, Language, Milestone,
    MilestoneKind, PersonRole, Reason, SentNotice, Standing, Templates, Wishes,
};
use custodia_catalog::{
    AccessChange, InfoRequestRow, MilestoneRow, NoticeRow, PersonCaseRow, PersonContactRow,
    VictimRows,
};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Date;

use crate::access::Change;
use crate::custody;
use crate::{Result, Vault, VaultError};

/// Custody actions of the victim register. Names are part of the log format: never rename.
pub mod action {
    pub const PERSON_CONTACT_SET: &str = "person_contact_set";
    pub const PERSON_CASE_LINK: &str = "person_case_link";
    pub const CASE_MILESTONE_ADD: &str = "case_milestone_add";
    pub const PERSON_INFO_REQUEST: &str = "person_info_request";
    pub const NOTICE_DRAFT: &str = "notice_draft";
    pub const NOTICE_RECORD: &str = "notice_record";
    pub const NOTICE_SEND: &str = "notice_send";
}

/// The largest letter kept with a notice (a scanned, signed letter of a few pages).
pub const MAX_LETTER_BYTES: usize = 25 * 1024 * 1024;

/// The longest text a person may be told in one milestone, or a request may hold.
const MAX_TEXT_CHARS: usize = 20_000;

/// A person's contact details and wishes: `custodia person contact PSEUDONYM --set FILE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDetails {
    /// `nl`, `en`, `ar`, `fr`, `ckb` or `kmr`.
    #[schema(value_type = String)]
    pub language: Language,
    /// `letter`, `email`, `phone`, `in_person` or `via_intermediary`.
    #[schema(value_type = String)]
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A postal address, lines separated by newlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Who passes notices on (an organisation or a person trusted by the victim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediary: Option<String>,
    /// Whether the person wants to be kept informed (true when absent).
    #[serde(default = "yes")]
    pub wants_updates: bool,
    /// Months between periodic notices (6 when absent).
    #[serde(default = "default_interval")]
    pub interval_months: u32,
}

fn yes() -> bool {
    true
}

fn default_interval() -> u32 {
    notices::DEFAULT_INTERVAL_MONTHS
}

fn clean(field: &str, text: &Option<String>) -> Result<Option<String>> {
    let Some(text) = text else { return Ok(None) };
    if text.contains('\0') {
        return Err(VaultError::Invalid(format!(
            "the contact field `{field}` holds a NUL character"
        )));
    }
    if text.chars().count() > 2_000 {
        return Err(VaultError::Invalid(format!(
            "the contact field `{field}` is longer than 2,000 characters"
        )));
    }
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

impl ContactDetails {
    /// Checks the details hang together (a channel has what it needs) and trims them.
    pub fn checked(mut self) -> Result<ContactDetails> {
        self.email = clean("email", &self.email)?;
        self.address = clean("address", &self.address)?;
        self.phone = clean("phone", &self.phone)?;
        self.intermediary = clean("intermediary", &self.intermediary)?;
        if let Some(email) = &self.email {
            let shape = email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
            });
            if !shape || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(VaultError::Invalid(format!(
                    "`{email}` is not an e-mail address"
                )));
            }
        }
        let needs = match self.channel {
            Channel::Email => self.email.is_none().then_some("email"),
            Channel::Letter => self.address.is_none().then_some("address"),
            Channel::Phone => self.phone.is_none().then_some("phone"),
            Channel::ViaIntermediary => self.intermediary.is_none().then_some("intermediary"),
            Channel::InPerson => None,
        };
        if let Some(field) = needs {
            return Err(VaultError::Invalid(format!(
                "the channel `{}` needs `{field}` in the contact details",
                self.channel
            )));
        }
        if !(1..=notices::MAX_INTERVAL_MONTHS).contains(&self.interval_months) {
            return Err(VaultError::Invalid(format!(
                "`interval_months` must be 1 to {}; {} was given",
                notices::MAX_INTERVAL_MONTHS,
                self.interval_months
            )));
        }
        Ok(self)
    }

    fn wishes(&self) -> Wishes {
        Wishes {
            wants_updates: self.wants_updates,
            interval_months: self.interval_months,
        }
    }
}

/// `custodia person contact --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactSet {
    pub pseudonym: String,
    pub contact: ContactDetails,
    pub ledger_index: u64,
}

/// `custodia person case --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonCaseLinked {
    pub pseudonym: String,
    pub case: String,
    pub role: String,
    /// The day from which notices are owed (YYYY-MM-DD).
    pub linked_on: String,
    pub ledger_index: u64,
}

/// `custodia case milestone add --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MilestoneAdded {
    pub case: String,
    /// `M1`, `M2` … in the case.
    pub milestone: String,
    pub kind: String,
    pub date: String,
    pub ledger_index: u64,
}

/// A milestone as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MilestoneView {
    pub milestone: String,
    pub kind: String,
    pub date: String,
    pub public_text: String,
}

/// `custodia person request-info --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InfoRequestRecorded {
    pub pseudonym: String,
    pub case: String,
    pub request: i64,
    pub date: String,
    /// The day by which it must be answered.
    pub due_by: String,
    pub ledger_index: u64,
}

/// One notice owed: an entry of `custodia notices due --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueNotice {
    pub pseudonym: String,
    pub case: String,
    /// `milestone`, `information_request` or `periodic`.
    pub reason: String,
    /// When the reason arose (YYYY-MM-DD).
    pub since: String,
    pub due_by: String,
    pub overdue: bool,
    /// The person's language; `null` when no contact details are recorded.
    #[schema(required)]
    pub language: Option<String>,
    /// The person's channel; `null` when no contact details are recorded.
    #[schema(required)]
    pub channel: Option<String>,
}

/// `custodia notices due --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticesDue {
    pub as_of: String,
    /// Sorted by `due_by` (overdue ones first), then pseudonym, case and reason.
    pub notices: Vec<DueNotice>,
}

/// `custodia notices draft --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeDraft {
    pub pseudonym: String,
    pub case: String,
    pub language: String,
    /// `rtl` for Arabic and Sorani, `ltr` otherwise.
    pub direction: String,
    pub subject: String,
    pub body: String,
    /// The reasons owed as of the draft's day, which recording it would settle.
    pub covers: Vec<String>,
    pub as_of: String,
    /// The milestones told, by reference.
    pub milestones: Vec<String>,
    /// The postal address, for a letter (the person's own).
    #[serde(skip)]
    pub address: Option<String>,
    /// The holder's name, for a letter's heading.
    #[serde(skip)]
    pub holder: String,
}

impl NoticeDraft {
    /// The draft as a printable HTML letter (A4, the person's script and direction, no outside
    /// resource), for a PDF to post.
    pub fn letter_html(&self) -> String {
        let paragraphs: String = self
            .body
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{}</p>\n", escape(p).replace('\n', "<br>")))
            .collect();
        let address = self
            .address
            .as_deref()
            .map(|a| format!("<address>{}</address>\n", escape(a).replace('\n', "<br>")))
            .unwrap_or_default();
        format!(
            "<!doctype html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head><meta charset=\"utf-8\">\n<title>{subject}</title>\n<style>@page {{ size: A4; margin: 25mm 22mm; }} body {{ font-family: \"DejaVu Sans\", sans-serif; font-size: 11pt; line-height: 1.45; }} header {{ margin-bottom: 18mm; }} address {{ font-style: normal; margin: 10mm 0; }} h1 {{ font-size: 12pt; margin: 8mm 0; }} .date {{ unicode-bidi: isolate; }}</style>\n</head>\n<body>\n<header><strong>{holder}</strong></header>\n{address}<p class=\"date\"><bdi>{date}</bdi></p>\n<h1>{subject}</h1>\n{paragraphs}</body>\n</html>\n",
            lang = self.language,
            dir = self.direction,
            subject = escape(&self.subject),
            holder = escape(&self.holder),
            date = escape(&self.as_of),
        )
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A letter or message kept with a notice.
#[derive(Debug, Clone)]
pub struct Letter {
    /// The file's name as given (kept sealed with the bytes).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// `custodia notices record --json` and `notices send --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeRecorded {
    pub pseudonym: String,
    pub case: String,
    /// The notice's number in the register.
    pub notice: i64,
    pub channel: String,
    pub sent_at: String,
    pub covers: Vec<String>,
    /// `recorded` or `smtp`.
    pub via: String,
    /// Whether the letter or message is kept (sealed) with it.
    pub letter_kept: bool,
    pub ledger_index: u64,
}

/// One entry of a person's contact log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactLogEntry {
    /// `notice` or `information_request`.
    pub kind: String,
    /// The day of the contact (YYYY-MM-DD).
    pub date: String,
    #[schema(required)]
    pub case: Option<String>,
    /// A notice's channel.
    #[schema(required)]
    pub channel: Option<String>,
    /// The reasons a notice settled.
    pub covers: Vec<String>,
    /// `recorded` or `smtp` for a notice.
    #[schema(required)]
    pub via: Option<String>,
    /// A notice's number, or a request's.
    #[schema(required)]
    pub id: Option<i64>,
    /// Whether a letter is kept with the notice.
    pub letter_kept: bool,
    /// What the person asked (a request for information).
    #[schema(required)]
    pub text: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A case a person is linked to, as their contact log shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonCaseView {
    pub case: String,
    pub role: String,
    pub linked_on: String,
}

/// `custodia person contacts --json`: the person's contact details and their contact log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactLog {
    pub pseudonym: String,
    #[schema(required)]
    pub contact: Option<ContactDetails>,
    pub cases: Vec<PersonCaseView>,
    /// Oldest first.
    pub entries: Vec<ContactLogEntry>,
}

/// The SMTP relay of `vault.json` (`"smtp": { … }`) through which notices are e-mailed. Its
/// password, if it needs one, comes from `CUSTODIA_SMTP_PASSWORD`, never from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// `smtp://HOST[:PORT]` (plain, for a relay on the same host or network), add
    /// `?tls=required` for STARTTLS, or `smtps://HOST[:PORT]` for TLS from the start.
    pub relay: String,
    /// The sender, e.g. `Victim support <victims@holder.example>`.
    pub from: String,
    /// The user to authenticate as, if the relay asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Seconds to wait for the relay (30 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

/// Seals `plain` under `key` (AES-256-GCM, a random nonce before the ciphertext), bound to
/// `context` (the associated data: what the value is and whose), so that a sealed value moved to
/// another row does not open.
pub(crate) fn seal(key: &[u8; 32], context: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let key = LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, key).map_err(|_| VaultError::Crypto("a sealing key"))?,
    );
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| VaultError::Crypto("no system randomness"))?;
    let mut sealed = plain.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(context.as_bytes()),
        &mut sealed,
    )
    .map_err(|_| VaultError::Crypto("sealing a record failed"))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what [`seal`] sealed under the same key and context.
pub(crate) fn open(key: &[u8; 32], context: &str, sealed: &[u8]) -> Result<Vec<u8>> {
    let damaged =
        || VaultError::Crypto("a sealed record does not open (altered, moved, or another vault's)");
    if sealed.len() < NONCE_LEN {
        return Err(damaged());
    }
    let key = LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, key).map_err(|_| VaultError::Crypto("a sealing key"))?,
    );
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&sealed[..NONCE_LEN]);
    let mut body = sealed[NONCE_LEN..].to_vec();
    let plain = key
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context.as_bytes()),
            &mut body,
        )
        .map_err(|_| damaged())?;
    Ok(plain.to_vec())
}

/// Today's date (UTC).
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

fn parse_date(text: &str) -> Result<Date> {
    notices::parse_date(text).map_err(VaultError::Invalid)
}

fn stored_date(text: &str) -> Date {
    // Rows hold dates the vault checked when writing them.
    notices::parse_date(text).unwrap_or(Date::MIN)
}

fn covers_of(row: &NoticeRow) -> BTreeSet<Reason> {
    serde_json::from_str::<Vec<String>>(&row.covers)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.parse().ok())
        .collect()
}

/// What a notice told, as recorded with it (`NoticeRow::told`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Told {
    milestones: BTreeSet<u64>,
    requests: BTreeSet<u64>,
}

impl Told {
    fn of(row: &NoticeRow) -> Told {
        serde_json::from_str(&row.told).unwrap_or_default()
    }
}

fn names<T: ToString>(values: impl IntoIterator<Item = T>) -> Vec<String> {
    values.into_iter().map(|v| v.to_string()).collect()
}

/// One person's standing in one case, from the catalog's rows.
struct PersonInCase {
    link: PersonCaseRow,
    wishes: Wishes,
    milestones: Vec<Milestone>,
    requests: Vec<InformationRequest>,
    notices: Vec<SentNotice>,
}

impl PersonInCase {
    fn standing(&self) -> Standing<'_> {
        Standing {
            linked_on: stored_date(&self.link.linked_on),
            wishes: self.wishes,
            milestones: &self.milestones,
            requests: &self.requests,
            notices: &self.notices,
        }
    }
}

fn milestone_of(row: &MilestoneRow) -> Option<Milestone> {
    Some(Milestone {
        number: row.number,
        kind: row.kind.parse().ok()?,
        date: notices::parse_date(&row.date).ok()?,
        public_text: row.public_text.clone(),
    })
}

impl Vault {
    fn require_victim_officer(&self, who: &Principal, what: &str) -> Result<()> {
        let decision = decide_victim_register(who);
        if decision.allowed {
            return Ok(());
        }
        tracing::info!(user = %who.user, what, "victim register access denied");
        Err(VaultError::NotPermitted(format!(
            "{what}: {}; `{}` is not one",
            decision.reason, who.user
        )))
    }

    /// The keyed digest that stands for a person in custody details.
    fn person_digest(&self, pseudonym: &str) -> String {
        self.victim_digest(&format!("person\0{pseudonym}"))
    }

    /// The keyed digest that commits to a record's content in custody details.
    fn victim_digest(&self, text: &str) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.victim_digest_key);
        hex::encode(ring::hmac::sign(&key, text.as_bytes()).as_ref())
    }

    fn victim_seal(&self, kind: &str, pseudonym: &str, plain: &[u8]) -> Result<Vec<u8>> {
        seal(
            &self.victim_seal_key,
            &format!("custodia victim register v1\0{kind}\0{pseudonym}"),
            plain,
        )
    }

    fn victim_open(&self, kind: &str, pseudonym: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        open(
            &self.victim_seal_key,
            &format!("custodia victim register v1\0{kind}\0{pseudonym}"),
            sealed,
        )
    }

    fn open_contact(&self, row: &PersonContactRow) -> Result<ContactDetails> {
        let plain = self.victim_open("contact", &row.pseudonym, &row.sealed)?;
        serde_json::from_slice(&plain)
            .map_err(|_| VaultError::Crypto("sealed contact details are not readable"))
    }

    fn check_text(what: &str, text: &str) -> Result<String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VaultError::Invalid(format!("{what} must not be empty")));
        }
        if text.contains('\0') {
            return Err(VaultError::Invalid(format!("{what} holds a NUL character")));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(VaultError::Invalid(format!(
                "{what} is longer than {MAX_TEXT_CHARS} characters"
            )));
        }
        Ok(text.to_owned())
    }

    /// Sets a person's contact details and wishes (victim support officers only).
    pub fn set_person_contact(
        &mut self,
        actor: &str,
        pseudonym: &str,
        details: ContactDetails,
    ) -> Result<ContactSet> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "setting a person's contact details")?;
        self.known_person_row(pseudonym)?;
        let details = details.checked()?;
        let plain = serde_json::to_vec(&details)
            .map_err(|e| VaultError::Invalid(format!("contact details: {e}")))?;
        let sealed = self.victim_seal("contact", pseudonym, &plain)?;
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::PERSON_CONTACT_SET,
                item: None,
                details: json!({
                    "person": self.person_digest(pseudonym),
                    "record": self.victim_digest(&String::from_utf8_lossy(&plain)),
                }),
                rows: vec![AccessChange::SetPersonContact(PersonContactRow {
                    id: 0,
                    pseudonym: pseudonym.to_owned(),
                    sealed,
                    set_at: custody::now(),
                    set_by: actor.to_owned(),
                })],
            },
        )?;
        Ok(ContactSet {
            pseudonym: pseudonym.to_owned(),
            contact: details,
            ledger_index,
        })
    }

    /// Links a person to a case as a victim, a witness or both, owed notices from `linked_on`
    /// (today when `None`). Linking again changes the role and keeps the first day.
    pub fn link_person_case(
        &mut self,
        actor: &str,
        pseudonym: &str,
        case_ref: &str,
        role: PersonRole,
        linked_on: Option<&str>,
    ) -> Result<PersonCaseLinked> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "linking a person to a case")?;
        self.known_person_row(pseudonym)?;
        if self.catalog.case(case_ref)?.is_none() {
            return Err(VaultError::Invalid(format!(
                "no case `{case_ref}`\n\nhint: `custodia case add {case_ref}` adds it"
            )));
        }
        let existing = self
            .catalog
            .victim_rows(Some(pseudonym))?
            .links
            .into_iter()
            .find(|l| l.case_ref == case_ref);
        let day = match (existing.as_ref(), linked_on) {
            (Some(link), _) => link.linked_on.clone(),
            (None, Some(text)) => format_date(parse_date(text)?),
            (None, None) => format_date(today()),
        };
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::PERSON_CASE_LINK,
                item: None,
                details: json!({
                    "person": self.person_digest(pseudonym),
                    "case": case_ref,
                    "record": self.victim_digest(&format!("{pseudonym}\0{case_ref}\0{role}\0{day}")),
                }),
                rows: vec![AccessChange::LinkPersonCase(PersonCaseRow {
                    pseudonym: pseudonym.to_owned(),
                    case_ref: case_ref.to_owned(),
                    role: role.to_string(),
                    linked_on: day.clone(),
                    linked_at: custody::now(),
                    linked_by: actor.to_owned(),
                })],
            },
        )?;
        Ok(PersonCaseLinked {
            pseudonym: pseudonym.to_owned(),
            case: case_ref.to_owned(),
            role: role.to_string(),
            linked_on: day,
            ledger_index,
        })
    }

    /// Records a milestone of a case with the text victims may be told (the case's analysts
    /// and the holder's custodians).
    pub fn add_milestone(
        &mut self,
        actor: &str,
        case_ref: &str,
        kind: MilestoneKind,
        date: &str,
        public_text: &str,
    ) -> Result<MilestoneAdded> {
        let who = self.principal(actor)?;
        self.require_case(&who, CaseAction::RecordMilestone, case_ref)?;
        let date = format_date(parse_date(date)?);
        let public_text = Self::check_text("a milestone's public text", public_text)?;
        let number = self
            .catalog
            .case_milestones(case_ref)?
            .iter()
            .map(|m| m.number)
            .max()
            .unwrap_or(0)
            + 1;
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::CASE_MILESTONE_ADD,
                item: None,
                details: json!({
                    "case": case_ref,
                    "milestone": format!("M{number}"),
                    "kind": kind.as_str(),
                    "date": date,
                    "public_text_digest": self.case_text_digest(&public_text),
                }),
                rows: vec![AccessChange::AddMilestone(MilestoneRow {
                    case_ref: case_ref.to_owned(),
                    number,
                    kind: kind.to_string(),
                    date: date.clone(),
                    public_text,
                    created_at: custody::now(),
                    created_by: actor.to_owned(),
                })],
            },
        )?;
        Ok(MilestoneAdded {
            case: case_ref.to_owned(),
            milestone: format!("M{number}"),
            kind: kind.to_string(),
            date,
            ledger_index,
        })
    }

    /// A case's milestones (for those who may read the case, and victim support officers).
    pub fn milestones(&self, actor: &str, case_ref: &str) -> Result<Vec<MilestoneView>> {
        let who = self.principal(actor)?;
        if !decide_victim_register(&who).allowed {
            self.require_case(&who, CaseAction::ReadAnalysis, case_ref)?;
        }
        Ok(self
            .catalog
            .case_milestones(case_ref)?
            .into_iter()
            .map(|m| MilestoneView {
                milestone: format!("M{}", m.number),
                kind: m.kind,
                date: m.date,
                public_text: m.public_text,
            })
            .collect())
    }

    /// Records a person's own request for information in a case, made on `date`.
    pub fn record_info_request(
        &mut self,
        actor: &str,
        pseudonym: &str,
        case_ref: &str,
        date: &str,
        text: &str,
    ) -> Result<InfoRequestRecorded> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "recording a request for information")?;
        self.require_linked(pseudonym, case_ref)?;
        let day = parse_date(date)?;
        let text = Self::check_text("a request's text", text)?;
        let sealed = self.victim_seal("request", pseudonym, text.as_bytes())?;
        let ledger_index = self.change_access(
            actor,
            Change {
                action: action::PERSON_INFO_REQUEST,
                item: None,
                details: json!({
                    "person": self.person_digest(pseudonym),
                    "case": case_ref,
                    "record": self.victim_digest(&format!("{pseudonym}\0{case_ref}\0{}\0{text}", format_date(day))),
                }),
                rows: vec![AccessChange::RecordInfoRequest(InfoRequestRow {
                    id: 0,
                    pseudonym: pseudonym.to_owned(),
                    case_ref: case_ref.to_owned(),
                    date: format_date(day),
                    sealed,
                    recorded_at: custody::now(),
                    recorded_by: actor.to_owned(),
                })],
            },
        )?;
        let id = self
            .catalog
            .victim_rows(Some(pseudonym))?
            .requests
            .iter()
            .map(|r| r.id)
            .max()
            .unwrap_or(0);
        Ok(InfoRequestRecorded {
            pseudonym: pseudonym.to_owned(),
            case: case_ref.to_owned(),
            request: id,
            date: format_date(day),
            due_by: format_date(day.saturating_add(time::Duration::days(notices::ANSWER_DAYS))),
            ledger_index,
        })
    }

    fn known_person_row(&self, pseudonym: &str) -> Result<()> {
        if self.catalog.person(pseudonym)?.is_none() {
            return Err(VaultError::Invalid(format!(
                "no person `{pseudonym}`\n\nhint: `custodia person list` shows them"
            )));
        }
        Ok(())
    }

    fn require_linked(&self, pseudonym: &str, case_ref: &str) -> Result<()> {
        self.known_person_row(pseudonym)?;
        let linked = self
            .catalog
            .victim_rows(Some(pseudonym))?
            .links
            .iter()
            .any(|l| l.case_ref == case_ref);
        if !linked {
            return Err(VaultError::Invalid(format!(
                "`{pseudonym}` is not linked to case `{case_ref}`\n\nhint: `custodia person case {pseudonym} {case_ref}` links them"
            )));
        }
        Ok(())
    }

    /// Every person's standing in every case they are linked to (one person with `Some`), with
    /// their contact details opened.
    fn standings(
        &self,
        pseudonym: Option<&str>,
    ) -> Result<(
        Vec<PersonInCase>,
        BTreeMap<String, ContactDetails>,
        VictimRows,
    )> {
        let rows = self.catalog.victim_rows(pseudonym)?;
        let mut contacts = BTreeMap::new();
        for row in &rows.contacts {
            contacts.insert(row.pseudonym.clone(), self.open_contact(row)?);
        }
        let mut milestones: BTreeMap<&str, Vec<Milestone>> = BTreeMap::new();
        for row in &rows.milestones {
            if let Some(m) = milestone_of(row) {
                milestones.entry(row.case_ref.as_str()).or_default().push(m);
            }
        }
        let standings = rows
            .links
            .iter()
            .map(|link| {
                let same = |p: &str, c: &str| p == link.pseudonym && c == link.case_ref;
                PersonInCase {
                    link: link.clone(),
                    wishes: contacts
                        .get(&link.pseudonym)
                        .map_or_else(Wishes::default, ContactDetails::wishes),
                    milestones: milestones
                        .get(link.case_ref.as_str())
                        .cloned()
                        .unwrap_or_default(),
                    requests: rows
                        .requests
                        .iter()
                        .filter(|r| same(&r.pseudonym, &r.case_ref))
                        .map(|r| InformationRequest {
                            id: r.id as u64,
                            date: stored_date(&r.date),
                        })
                        .collect(),
                    notices: rows
                        .notices
                        .iter()
                        .filter(|n| same(&n.pseudonym, &n.case_ref))
                        .map(|n| {
                            let told = Told::of(n);
                            SentNotice {
                                sent_on: stored_date(&n.sent_on),
                                covers: covers_of(n),
                                milestones: Some(told.milestones),
                                requests: Some(told.requests),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        Ok((standings, contacts, rows))
    }

    /// Every notice owed as of `as_of` (today when `None`), sorted by `due_by`.
    pub fn notices_due(&self, actor: &str, as_of: Option<&str>) -> Result<NoticesDue> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "listing the notices due")?;
        let as_of = match as_of {
            Some(text) => parse_date(text)?,
            None => today(),
        };
        let (standings, contacts, _) = self.standings(None)?;
        let mut out = Vec::new();
        for person in &standings {
            let contact = contacts.get(&person.link.pseudonym);
            for due in notices::due(&person.standing(), as_of) {
                out.push(DueNotice {
                    pseudonym: person.link.pseudonym.clone(),
                    case: person.link.case_ref.clone(),
                    reason: due.reason.to_string(),
                    since: format_date(due.since),
                    due_by: format_date(due.due_by),
                    overdue: due.overdue,
                    language: contact.map(|c| c.language.to_string()),
                    channel: contact.map(|c| c.channel.to_string()),
                });
            }
        }
        out.sort_by(|a, b| {
            (&a.due_by, &a.pseudonym, &a.case, &a.reason).cmp(&(
                &b.due_by,
                &b.pseudonym,
                &b.case,
                &b.reason,
            ))
        });
        Ok(NoticesDue {
            as_of: format_date(as_of),
            notices: out,
        })
    }

    /// The notice templates: the shipped ones, each replaced by the holder's own
    /// `templates/notices/LANG.json` in the data directory where there is one.
    pub fn notice_templates(&self) -> Result<Templates> {
        let mut templates = Templates::shipped();
        let dir = self.root().join("templates").join("notices");
        for language in Language::ALL {
            let path = dir.join(format!("{language}.json"));
            match std::fs::read_to_string(&path) {
                Ok(text) => templates
                    .replace(*language, &text)
                    .map_err(|e| VaultError::Invalid(format!("`{}`: {e}", path.display())))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(VaultError::io("read a notice template", &path)(e)),
            }
        }
        Ok(templates)
    }

    fn make_draft(&self, pseudonym: &str, case_ref: &str, as_of: Date) -> Result<NoticeDraft> {
        let (standings, contacts, rows) = self.standings(Some(pseudonym))?;
        let person = standings
            .iter()
            .find(|s| s.link.case_ref == case_ref)
            .ok_or_else(|| {
                VaultError::Invalid(format!(
                    "`{pseudonym}` is not linked to case `{case_ref}`\n\nhint: `custodia person case {pseudonym} {case_ref}` links them"
                ))
            })?;
        drop(rows);
        let contact = contacts.get(pseudonym);
        let language = contact.map_or(Language::En, |c| c.language);
        let templates = self.notice_templates()?;
        let template = templates
            .get(language)
            .ok_or_else(|| VaultError::Invalid(format!("no notice template for `{language}`")))?;
        let standing = person.standing();
        let untold = standing.untold_milestones(as_of);
        let requests = standing.unanswered_requests(as_of);
        let covers = names(notices::due(&standing, as_of).iter().map(|d| d.reason));
        // The addressee's own name from their identity record; nobody else's data is read.
        let addressee = self
            .catalog
            .person(pseudonym)?
            .and_then(|p| serde_json::from_str::<serde_json::Value>(&p.identity).ok())
            .and_then(|identity| {
                ["name", "full_name"]
                    .iter()
                    .find_map(|k| identity.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
            });
        let holder = self.config().holder.clone();
        let Draft {
            language,
            subject,
            body,
        } = notices::draft(
            template,
            &DraftInput {
                case: case_ref,
                addressee: addressee.as_deref(),
                milestones: &untold,
                requests: &requests,
                holder: &holder,
                as_of,
            },
        );
        Ok(NoticeDraft {
            pseudonym: pseudonym.to_owned(),
            case: case_ref.to_owned(),
            language: language.to_string(),
            direction: if language.right_to_left() {
                "rtl"
            } else {
                "ltr"
            }
            .into(),
            subject,
            body,
            covers,
            as_of: format_date(as_of),
            milestones: untold.iter().map(|m| format!("M{}", m.number)).collect(),
            address: contact.and_then(|c| c.address.clone()),
            holder,
        })
    }

    /// Drafts the notice owed to a person in a case as of `as_of` (today when `None`), in the
    /// person's language: the public texts of the milestones not yet told and an answer to
    /// their open requests. Logged (`notice_draft`).
    pub fn draft_notice(
        &mut self,
        actor: &str,
        pseudonym: &str,
        case_ref: &str,
        as_of: Option<&str>,
    ) -> Result<NoticeDraft> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "drafting a notice")?;
        self.known_person_row(pseudonym)?;
        let as_of = match as_of {
            Some(text) => parse_date(text)?,
            None => today(),
        };
        let draft = self.make_draft(pseudonym, case_ref, as_of)?;
        self.change_access(
            actor,
            Change {
                action: action::NOTICE_DRAFT,
                item: None,
                details: json!({
                    "person": self.person_digest(pseudonym),
                    "case": case_ref,
                    "covers": draft.covers,
                    "record": self.victim_digest(&format!("{}\0{}", draft.subject, draft.body)),
                }),
                rows: Vec::new(),
            },
        )?;
        Ok(draft)
    }

    /// Records a notice sent to a person by `channel` on `sent_at`, settling `covers` (every
    /// reason owed on that day when `None`), with the letter kept sealed if one is given.
    #[allow(clippy::too_many_arguments)]
    pub fn record_notice(
        &mut self,
        actor: &str,
        pseudonym: &str,
        case_ref: &str,
        channel: Channel,
        sent_at: &str,
        covers: Option<Vec<Reason>>,
        letter: Option<Letter>,
    ) -> Result<NoticeRecorded> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "recording a notice")?;
        self.require_linked(pseudonym, case_ref)?;
        let sent_on = parse_date(sent_at)?;
        self.store_notice(
            actor, pseudonym, case_ref, channel, sent_on, covers, letter, "recorded",
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn store_notice(
        &mut self,
        actor: &str,
        pseudonym: &str,
        case_ref: &str,
        channel: Channel,
        sent_on: Date,
        covers: Option<Vec<Reason>>,
        letter: Option<Letter>,
        via: &str,
    ) -> Result<NoticeRecorded> {
        let (standings, _, _) = self.standings(Some(pseudonym))?;
        let person = standings.iter().find(|s| s.link.case_ref == case_ref);
        let covers: BTreeSet<Reason> = match covers {
            Some(given) => given.into_iter().collect(),
            None => person
                .iter()
                .flat_map(|s| notices::due(&s.standing(), sent_on))
                .map(|d| d.reason)
                .collect(),
        };
        // What this notice tells, fixed now: the milestones and requests not yet told or
        // answered on its day, for the reasons it covers. One entered later with an earlier
        // date stays owed.
        let mut told = Told::default();
        if let Some(person) = person {
            let standing = person.standing();
            if covers.contains(&Reason::Milestone) {
                told.milestones = standing
                    .untold_milestones(sent_on)
                    .iter()
                    .map(|m| m.number)
                    .collect();
            }
            if covers.contains(&Reason::InformationRequest) {
                told.requests = standing
                    .unanswered_requests(sent_on)
                    .iter()
                    .map(|r| r.id)
                    .collect();
            }
        }
        let told_json = serde_json::to_string(&told).unwrap_or_else(|_| "{}".into());
        let covers = names(covers);
        let (sealed_letter, letter_digest) = match &letter {
            Some(letter) => {
                if letter.bytes.len() > MAX_LETTER_BYTES {
                    return Err(VaultError::Invalid(format!(
                        "the letter `{}` is {} bytes; at most {MAX_LETTER_BYTES} are kept",
                        letter.name,
                        letter.bytes.len()
                    )));
                }
                let mut plain = Vec::with_capacity(letter.bytes.len() + letter.name.len() + 1);
                plain.extend_from_slice(letter.name.as_bytes());
                plain.push(0);
                plain.extend_from_slice(&letter.bytes);
                let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.victim_digest_key);
                let digest = hex::encode(ring::hmac::sign(&key, &plain).as_ref());
                (
                    Some(self.victim_seal("letter", pseudonym, &plain)?),
                    Some(digest),
                )
            }
            None => (None, None),
        };
        let covers_json = serde_json::to_string(&covers).unwrap_or_else(|_| "[]".into());
        let ledger_index = self.change_access(
            actor,
            Change {
                action: if via == "smtp" {
                    action::NOTICE_SEND
                } else {
                    action::NOTICE_RECORD
                },
                item: None,
                details: json!({
                    "person": self.person_digest(pseudonym),
                    "case": case_ref,
                    "covers": covers,
                    "record": self.victim_digest(&format!(
                        "{pseudonym}\0{case_ref}\0{channel}\0{}\0{}",
                        format_date(sent_on),
                        letter_digest.as_deref().unwrap_or("")
                    )),
                }),
                rows: vec![AccessChange::RecordNotice(NoticeRow {
                    id: 0,
                    pseudonym: pseudonym.to_owned(),
                    case_ref: case_ref.to_owned(),
                    channel: channel.to_string(),
                    sent_on: format_date(sent_on),
                    covers: covers_json,
                    via: via.to_owned(),
                    told: told_json,
                    letter: sealed_letter,
                    recorded_at: custody::now(),
                    recorded_by: actor.to_owned(),
                })],
            },
        )?;
        let id = self
            .catalog
            .victim_rows(Some(pseudonym))?
            .notices
            .iter()
            .map(|n| n.id)
            .max()
            .unwrap_or(0);
        Ok(NoticeRecorded {
            pseudonym: pseudonym.to_owned(),
            case: case_ref.to_owned(),
            notice: id,
            channel: channel.to_string(),
            sent_at: format_date(sent_on),
            covers,
            via: via.to_owned(),
            letter_kept: letter.is_some(),
            ledger_index,
        })
    }

    /// Drafts the notice owed to a person (as of today) and e-mails it through the relay of
    /// `vault.json`, then records it with the message kept sealed. Nothing is recorded unless
    /// the relay accepted the message.
    pub fn send_notice(
        &mut self,
        actor: &str,
        pseudonym: &str,
        case_ref: &str,
        covers: Option<Vec<Reason>>,
    ) -> Result<NoticeRecorded> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "sending a notice")?;
        self.require_linked(pseudonym, case_ref)?;
        let smtp = self.config().smtp.clone().ok_or_else(|| {
            VaultError::Invalid(
                "no SMTP relay is configured\n\nhint: add `\"smtp\": {\"relay\": \"smtp://HOST:PORT\", \"from\": \"…\"}` to vault.json (docs/DEPLOY.md)".into(),
            )
        })?;
        let (_, contacts, _) = self.standings(Some(pseudonym))?;
        let to = contacts
            .get(pseudonym)
            .and_then(|c| c.email.clone())
            .ok_or_else(|| {
                VaultError::Invalid(format!(
                    "`{pseudonym}` has no e-mail address in their contact details"
                ))
            })?;
        let today = today();
        let draft = self.make_draft(pseudonym, case_ref, today)?;
        let message = mail::send(&smtp, &to, &draft.subject, &draft.body)?;
        // The relay accepted it: from here the notice is recorded, whatever else happens.
        let covers =
            covers.or_else(|| Some(draft.covers.iter().filter_map(|r| r.parse().ok()).collect()));
        self.store_notice(
            actor,
            pseudonym,
            case_ref,
            Channel::Email,
            today,
            covers,
            Some(Letter {
                name: "notice.eml".into(),
                bytes: message,
            }),
            "smtp",
        )
    }

    /// A person's contact details and contact log (victim support officers only).
    pub fn person_contacts(&self, actor: &str, pseudonym: &str) -> Result<ContactLog> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "reading a person's contact log")?;
        self.known_person_row(pseudonym)?;
        let rows = self.catalog.victim_rows(Some(pseudonym))?;
        let contact = rows
            .contacts
            .iter()
            .find(|c| c.pseudonym == pseudonym)
            .map(|row| self.open_contact(row))
            .transpose()?;
        let mut entries = Vec::new();
        for request in &rows.requests {
            let text = self.victim_open("request", pseudonym, &request.sealed)?;
            entries.push(ContactLogEntry {
                kind: "information_request".into(),
                date: request.date.clone(),
                case: Some(request.case_ref.clone()),
                channel: None,
                covers: Vec::new(),
                via: None,
                id: Some(request.id),
                letter_kept: false,
                text: Some(String::from_utf8_lossy(&text).into_owned()),
                recorded_at: request.recorded_at.clone(),
                recorded_by: request.recorded_by.clone(),
            });
        }
        for notice in &rows.notices {
            let letter_kept = self.catalog.notice_letter(notice.id)?.is_some();
            entries.push(ContactLogEntry {
                kind: "notice".into(),
                date: notice.sent_on.clone(),
                case: Some(notice.case_ref.clone()),
                channel: Some(notice.channel.clone()),
                covers: names(covers_of(notice)),
                via: Some(notice.via.clone()),
                id: Some(notice.id),
                letter_kept,
                text: None,
                recorded_at: notice.recorded_at.clone(),
                recorded_by: notice.recorded_by.clone(),
            });
        }
        entries.sort_by(|a, b| (&a.date, &a.recorded_at).cmp(&(&b.date, &b.recorded_at)));
        Ok(ContactLog {
            pseudonym: pseudonym.to_owned(),
            contact,
            cases: rows
                .links
                .iter()
                .map(|l| PersonCaseView {
                    case: l.case_ref.clone(),
                    role: l.role.clone(),
                    linked_on: l.linked_on.clone(),
                })
                .collect(),
            entries,
        })
    }

    /// The letter kept with a notice: its file name and bytes (victim support officers only).
    pub fn notice_letter(&self, actor: &str, pseudonym: &str, notice: i64) -> Result<Letter> {
        let who = self.principal(actor)?;
        self.require_victim_officer(&who, "reading a notice's letter")?;
        self.known_person_row(pseudonym)?;
        let rows = self.catalog.victim_rows(Some(pseudonym))?;
        let none = || {
            VaultError::Invalid(format!(
                "`{pseudonym}` has no notice {notice} with a letter kept"
            ))
        };
        if !rows.notices.iter().any(|n| n.id == notice) {
            return Err(none());
        }
        let sealed = self.catalog.notice_letter(notice)?.ok_or_else(none)?;
        let plain = self.victim_open("letter", pseudonym, &sealed)?;
        let split = plain.iter().position(|b| *b == 0).unwrap_or(0);
        Ok(Letter {
            name: String::from_utf8_lossy(&plain[..split]).into_owned(),
            bytes: plain.get(split + 1..).unwrap_or_default().to_vec(),
        })
    }
}

/// E-mail through the holder's own relay.
mod mail {
    use lettre::message::header::ContentType;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{Message, SmtpTransport, Transport};

    use super::{Duration, SmtpConfig};
    use crate::{Result, VaultError};

    /// Sends one plain-text message; returns it as sent (RFC 5322), for the record.
    pub(super) fn send(smtp: &SmtpConfig, to: &str, subject: &str, body: &str) -> Result<Vec<u8>> {
        let relay = smtp.relay.trim();
        let named = |what: String| {
            VaultError::Conflict(format!(
                "the SMTP relay `{relay}` {what}; nothing was recorded as sent\n\nhint: check `smtp` in vault.json and that the relay is running"
            ))
        };
        if relay.contains('@') {
            return Err(VaultError::Invalid(
                "the SMTP relay in vault.json must not hold credentials; give `username` and set CUSTODIA_SMTP_PASSWORD".into(),
            ));
        }
        let message = Message::builder()
            .from(smtp.from.parse().map_err(|e| {
                VaultError::Invalid(format!("the sender `{}` in vault.json: {e}", smtp.from))
            })?)
            .to(to
                .parse()
                .map_err(|e| VaultError::Invalid(format!("the address on record: {e}")))?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| VaultError::Invalid(format!("the message: {e}")))?;
        let encrypted = relay.starts_with("smtps://") || relay.contains("tls=required");
        if smtp.username.is_some() && !encrypted {
            return Err(VaultError::Invalid(format!(
                "the SMTP relay `{relay}` would receive the password in the clear: use `smtps://` or add `?tls=required`"
            )));
        }
        let mut builder = SmtpTransport::from_url(relay)
            .map_err(|e| named(format!("is not a relay URL ({e})")))?
            .timeout(Some(Duration::from_secs(smtp.timeout_secs.unwrap_or(30))));
        if let Some(user) = &smtp.username {
            let password = std::env::var("CUSTODIA_SMTP_PASSWORD").map_err(|_| {
                VaultError::Invalid(format!(
                    "the SMTP user `{user}` needs a password in CUSTODIA_SMTP_PASSWORD"
                ))
            })?;
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let transport = builder.build();
        transport
            .send(&message)
            .map_err(|e| named(format!("refused or could not be reached ({e})")))?;
        Ok(message.formatted())
    }
}
