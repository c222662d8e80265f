//! Keeping victims and witnesses informed: when a notice is due ([`due`], the one rule), and its
//! draft in the person's language ([`Templates`], [`draft`]).
//!
//! A person linked to a case is owed a notice for three reasons:
//!
//! - **`milestone`** — something happened in the case (an arrest, a charge, a verdict): within
//!   [`ANSWER_DAYS`] days of the milestone's date. Milestones dated before the person was linked
//!   to the case are not owed one by one (the person is told the state of the case when they
//!   come in); they are in the next draft all the same, since nobody has told them yet.
//! - **`information_request`** — the person asked for information: within [`ANSWER_DAYS`] days
//!   of the request (art. 51ac of the Dutch Code of Criminal Procedure). A request is answered
//!   even when the person does not want periodic updates: asking is itself the wish.
//! - **`periodic`** — `interval_months` (6 unless the person chose otherwise) have passed since
//!   the last notice of any kind, or since the person was linked to the case. Listed from
//!   [`ANSWER_DAYS`] days before the interval ends, as the other reasons are listed during their
//!   [`ANSWER_DAYS`] days; not owed once the case is closed.
//!
//! A notice sent on a day settles every reason it covers that arose on or before that day. Each
//! listed reason carries `since` (when it arose: the milestone's or request's date, or for
//! `periodic` the last notice or the link), `due_by`, and whether it is overdue (`due_by` has
//! passed). Dates are calendar days; months are calendar months, a day that the target month
//! lacks falling on its last day (31 August + 6 months = 28 or 29 February).
//!
//! Nothing here knows a vault or a person's identity: the caller passes one person's standing in
//! one case and gets the reasons back; a draft is made from the case's public milestone texts,
//! the request dates and, if the caller gives it, the addressee's own name — never anyone else's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

/// Days within which a milestone or a request for information must be answered.
pub const ANSWER_DAYS: i64 = 14;

/// The interval of periodic notices when the person did not choose one.
pub const DEFAULT_INTERVAL_MONTHS: u32 = 6;

/// The longest interval a person may choose (ten years).
pub const MAX_INTERVAL_MONTHS: u32 = 120;

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not a {}; one of: {}",
                        $what,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

named_enum!(
    /// Why a notice is owed.
    Reason, "notice reason", {
        Milestone => "milestone",
        InformationRequest => "information_request",
        Periodic => "periodic",
    }
);

named_enum!(
    /// What happened in a case that victims may be told.
    MilestoneKind, "milestone kind", {
        InvestigationOpened => "investigation_opened",
        SuspectIdentified => "suspect_identified",
        SuspectArrested => "suspect_arrested",
        Charged => "charged",
        TrialScheduled => "trial_scheduled",
        TrialStarted => "trial_started",
        Verdict => "verdict",
        Appeal => "appeal",
        Cassation => "cassation",
        EvidenceShared => "evidence_shared",
        CaseClosed => "case_closed",
    }
);

named_enum!(
    /// A language notices are written in.
    Language, "notice language", {
        Nl => "nl",
        En => "en",
        Ar => "ar",
        Fr => "fr",
        Ckb => "ckb",
        Kmr => "kmr",
    }
);

named_enum!(
    /// How a person wants to be reached.
    Channel, "contact channel", {
        Letter => "letter",
        Email => "email",
        Phone => "phone",
        InPerson => "in_person",
        ViaIntermediary => "via_intermediary",
    }
);

named_enum!(
    /// What a person is to a case.
    PersonRole, "role in a case", {
        Victim => "victim",
        Witness => "witness",
        VictimWitness => "victim_witness",
    }
);

impl Language {
    /// Whether the language is written right to left (Arabic, and Sorani in Arabic script).
    pub fn right_to_left(self) -> bool {
        matches!(self, Language::Ar | Language::Ckb)
    }
}

/// Parses a calendar date `YYYY-MM-DD` (a leading `YYYY-MM-DDT…` timestamp is cut to its day).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let day = text.get(..10).unwrap_or(text);
    let rest = text.get(10..).unwrap_or("");
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match Date::parse(day, &format) {
        Ok(date) if rest.is_empty() || rest.starts_with('T') => Ok(date),
        _ => Err(format!(
            "`{text}` is not a date; give it as YYYY-MM-DD (for example 2026-03-31)"
        )),
    }
}

/// A date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `date` plus `months` calendar months; a day the target month lacks becomes its last day.
pub fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() as i64 * 12 + (u8::from(date.month()) as i64 - 1) + months as i64;
    let year = index.div_euclid(12) as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::December);
    let last = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(Date::MAX)
}

/// A milestone of the case, as the rule and the drafts need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    /// Its number in the case (`M1`, `M2` … to people).
    pub number: u64,
    pub kind: MilestoneKind,
    pub date: Date,
    /// What victims may be told.
    pub public_text: String,
}

/// A person's own request for information in the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InformationRequest {
    pub id: u64,
    pub date: Date,
}

/// A notice recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentNotice {
    pub sent_on: Date,
    pub covers: BTreeSet<Reason>,
    /// The milestones it told, by number, as recorded with it; `None`: every milestone dated on
    /// or before `sent_on`. Recorded sets keep a milestone entered later with an earlier date
    /// (an arrest learnt of late) owed, though a notice was sent after its date.
    pub milestones: Option<BTreeSet<u64>>,
    /// The requests it answered, by id; `None`: every request made on or before `sent_on`.
    pub requests: Option<BTreeSet<u64>>,
}

/// Whether and how often the person wants to hear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wishes {
    pub wants_updates: bool,
    pub interval_months: u32,
}

impl Default for Wishes {
    fn default() -> Self {
        Wishes {
            wants_updates: true,
            interval_months: DEFAULT_INTERVAL_MONTHS,
        }
    }
}

/// One person's standing in one case: everything the rule looks at.
#[derive(Debug, Clone, Copy)]
pub struct Standing<'a> {
    /// The day the person was linked to the case.
    pub linked_on: Date,
    pub wishes: Wishes,
    /// The case's milestones (any order).
    pub milestones: &'a [Milestone],
    /// The person's requests for information in this case (any order).
    pub requests: &'a [InformationRequest],
    /// The notices sent to the person in this case (any order).
    pub notices: &'a [SentNotice],
}

/// A reason a notice is owed, as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub reason: Reason,
    /// When the reason arose (see the module documentation).
    #[serde(serialize_with = "serialize_date")]
    pub since: Date,
    #[serde(serialize_with = "serialize_date")]
    pub due_by: Date,
    pub overdue: bool,
    /// The milestones not yet told that make this reason (`milestone` only), by number.
    pub milestones: Vec<u64>,
    /// The requests not yet answered (`information_request` only), by id.
    pub requests: Vec<u64>,
}

fn serialize_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_date(*date))
}

impl Standing<'_> {
    /// Notices sent on or before `as_of` (a notice recorded with a later date has not been
    /// sent yet as of that day).
    fn sent_by(&self, as_of: Date) -> impl Iterator<Item = &SentNotice> {
        self.notices.iter().filter(move |n| n.sent_on <= as_of)
    }

    /// Whether a notice sent by `as_of` told the milestone.
    fn told(&self, milestone: &Milestone, as_of: Date) -> bool {
        self.sent_by(as_of).any(|n| {
            n.covers.contains(&Reason::Milestone)
                && match &n.milestones {
                    Some(numbers) => numbers.contains(&milestone.number),
                    None => n.sent_on >= milestone.date,
                }
        })
    }

    /// Whether a notice sent by `as_of` answered the request.
    fn answered(&self, request: &InformationRequest, as_of: Date) -> bool {
        self.sent_by(as_of).any(|n| {
            n.covers.contains(&Reason::InformationRequest)
                && match &n.requests {
                    Some(ids) => ids.contains(&request.id),
                    None => n.sent_on >= request.date,
                }
        })
    }

    /// The milestones dated by `as_of` that no notice has told yet (from any date: a draft
    /// tells those before the link too), oldest first.
    pub fn untold_milestones(&self, as_of: Date) -> Vec<&Milestone> {
        let mut untold: Vec<&Milestone> = self
            .milestones
            .iter()
            .filter(|m| m.date <= as_of && !self.told(m, as_of))
            .collect();
        untold.sort_by_key(|m| (m.date, m.number));
        untold
    }

    /// The requests made by `as_of` that no notice has answered yet, oldest first.
    pub fn unanswered_requests(&self, as_of: Date) -> Vec<InformationRequest> {
        let mut open: Vec<InformationRequest> = self
            .requests
            .iter()
            .filter(|r| r.date <= as_of && !self.answered(r, as_of))
            .copied()
            .collect();
        open.sort_by_key(|r| (r.date, r.id));
        open
    }

    /// Whether the case was closed by `as_of`.
    pub fn closed(&self, as_of: Date) -> bool {
        self.milestones
            .iter()
            .any(|m| m.kind == MilestoneKind::CaseClosed && m.date <= as_of)
    }
}

/// The reasons a notice is owed to one person in one case as of `as_of`, in the order
/// `milestone`, `information_request`, `periodic` (each at most once).
pub fn due(standing: &Standing<'_>, as_of: Date) -> Vec<Due> {
    let mut out = Vec::new();
    let window = Duration::days(ANSWER_DAYS);
    let entry = |reason, since: Date, due_by: Date, milestones, requests| Due {
        reason,
        since,
        due_by,
        overdue: as_of > due_by,
        milestones,
        requests,
    };
    if standing.wishes.wants_updates {
        let owed: Vec<&Milestone> = standing
            .untold_milestones(as_of)
            .into_iter()
            .filter(|m| m.date >= standing.linked_on)
            .collect();
        if let Some(first) = owed.first() {
            out.push(entry(
                Reason::Milestone,
                first.date,
                first.date.saturating_add(window),
                owed.iter().map(|m| m.number).collect(),
                Vec::new(),
            ));
        }
    }
    let open = standing.unanswered_requests(as_of);
    if let Some(first) = open.first() {
        out.push(entry(
            Reason::InformationRequest,
            first.date,
            first.date.saturating_add(window),
            Vec::new(),
            open.iter().map(|r| r.id).collect(),
        ));
    }
    if standing.wishes.wants_updates && !standing.closed(as_of) {
        let last = standing
            .sent_by(as_of)
            .map(|n| n.sent_on)
            .max()
            .map_or(standing.linked_on, |sent| sent.max(standing.linked_on));
        let due_by = add_months(last, standing.wishes.interval_months.max(1));
        if as_of >= due_by.saturating_sub(window) {
            out.push(entry(
                Reason::Periodic,
                last,
                due_by,
                Vec::new(),
                Vec::new(),
            ));
        }
    }
    out
}

// --- drafts ----------------------------------------------------------------------------------

/// The texts of notices in one language. Placeholders are `{name}`: each is replaced once by
/// its value (a value is never read for placeholders itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub language: Language,
    /// Placeholders: `{case}`, `{date}`. The shipped subjects name no case: a subject travels in
    /// the clear through mail servers and is read on a shared screen before the letter is opened.
    pub subject: String,
    /// Placeholder: `{name}` (the addressee's own name).
    pub greeting: String,
    /// When the name is not known (or not to be written).
    pub greeting_anonymous: String,
    /// Placeholders: `{case}`, `{date}`.
    pub intro: String,
    pub milestones_heading: String,
    /// One line per milestone; placeholders `{date}`, `{kind}`, `{text}`.
    pub milestone: String,
    /// When there is nothing new to tell.
    pub no_news: String,
    /// Placeholder: `{dates}` (the dates of the person's requests being answered).
    pub request_answer: String,
    pub closing: String,
    /// Placeholder: `{holder}`.
    pub signature: String,
    /// The name of each milestone kind.
    pub kinds: BTreeMap<MilestoneKind, String>,
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the notice template for `{language}` is not valid: {reason}")]
    Invalid { language: String, reason: String },
}

impl Template {
    /// Parses a template file (JSON) and checks it is complete.
    pub fn parse(json: &str) -> Result<Template, TemplateError> {
        let template: Template =
            serde_json::from_str(json).map_err(|e| TemplateError::Invalid {
                language: "?".into(),
                reason: e.to_string(),
            })?;
        template.check()?;
        Ok(template)
    }

    fn check(&self) -> Result<(), TemplateError> {
        let invalid = |reason: String| TemplateError::Invalid {
            language: self.language.to_string(),
            reason,
        };
        for kind in MilestoneKind::ALL {
            if self.kinds.get(kind).is_none_or(|k| k.trim().is_empty()) {
                return Err(invalid(format!("no name for the milestone kind `{kind}`")));
            }
        }
        let required: [(&str, &str, &[&str]); 3] = [
            ("greeting", &self.greeting, &["name"]),
            ("milestone", &self.milestone, &["kind", "text"]),
            ("request_answer", &self.request_answer, &["dates"]),
        ];
        for (field, text, names) in required {
            for name in names {
                if !text.contains(&format!("{{{name}}}")) {
                    return Err(invalid(format!(
                        "`{field}` lacks the placeholder {{{name}}}"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The shipped templates, one per [`Language`].
const SHIPPED: &[(Language, &str)] = &[
    (Language::En, include_str!("../data/notices/en.json")),
    (Language::Nl, include_str!("../data/notices/nl.json")),
    (Language::Fr, include_str!("../data/notices/fr.json")),
    (Language::Ar, include_str!("../data/notices/ar.json")),
    (Language::Ckb, include_str!("../data/notices/ckb.json")),
    (Language::Kmr, include_str!("../data/notices/kmr.json")),
];

/// Notice templates for every language: the shipped ones, each replaceable by the holder's own.
#[derive(Debug, Clone)]
pub struct Templates {
    by_language: BTreeMap<Language, Template>,
}

impl Templates {
    /// The templates shipped with Custodia.
    pub fn shipped() -> Templates {
        let by_language = SHIPPED
            .iter()
            .filter_map(|(language, json)| {
                // The shipped files are checked by this crate's tests; one that fails to parse
                // would leave its language out rather than stop the vault.
                Template::parse(json).ok().map(|t| (*language, t))
            })
            .collect();
        Templates { by_language }
    }

    /// The JSON text of the shipped template of `language` (a starting point for the holder's).
    pub fn shipped_text(language: Language) -> &'static str {
        SHIPPED
            .iter()
            .find(|(l, _)| *l == language)
            .map_or("", |(_, text)| text)
    }

    /// Replaces one language's template with the holder's own; the template's own `language`
    /// must be the one it replaces.
    pub fn replace(&mut self, language: Language, json: &str) -> Result<(), TemplateError> {
        let template = Template::parse(json).map_err(|e| match e {
            TemplateError::Invalid { reason, .. } => TemplateError::Invalid {
                language: language.to_string(),
                reason,
            },
        })?;
        if template.language != language {
            return Err(TemplateError::Invalid {
                language: language.to_string(),
                reason: format!("the file says it is `{}`", template.language),
            });
        }
        self.by_language.insert(language, template);
        Ok(())
    }

    pub fn get(&self, language: Language) -> Option<&Template> {
        self.by_language.get(&language)
    }
}

/// What a draft is made of: public texts and the addressee's own facts only.
#[derive(Debug, Clone, Copy)]
pub struct DraftInput<'a> {
    pub case: &'a str,
    /// The addressee's own name, if it is to be written.
    pub addressee: Option<&'a str>,
    /// Milestones not yet told (see [`Standing::untold_milestones`]).
    pub milestones: &'a [&'a Milestone],
    /// The person's own requests being answered.
    pub requests: &'a [InformationRequest],
    /// The holder's name, for the signature.
    pub holder: &'a str,
    pub as_of: Date,
}

/// A notice drafted, before anyone sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub language: Language,
    pub subject: String,
    pub body: String,
}

/// Replaces each `{name}` of `text` that `values` names by its value, in one pass.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replaced = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, value)| (close, *value))
        });
        match replaced {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Drafts a notice from `template`.
pub fn draft(template: &Template, input: &DraftInput<'_>) -> Draft {
    let date = format_date(input.as_of);
    let mut body = String::new();
    let greeting = match input.addressee.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => fill(&template.greeting, &[("name", name)]),
        None => template.greeting_anonymous.clone(),
    };
    body.push_str(&greeting);
    body.push_str("\n\n");
    body.push_str(&fill(
        &template.intro,
        &[("case", input.case), ("date", &date)],
    ));
    body.push_str("\n\n");
    if !input.requests.is_empty() {
        let dates: Vec<String> = input.requests.iter().map(|r| format_date(r.date)).collect();
        body.push_str(&fill(
            &template.request_answer,
            &[("dates", &dates.join(", "))],
        ));
        body.push_str("\n\n");
    }
    if input.milestones.is_empty() {
        body.push_str(&template.no_news);
        body.push_str("\n\n");
    } else {
        body.push_str(&template.milestones_heading);
        body.push('\n');
        for milestone in input.milestones {
            let kind = template
                .kinds
                .get(&milestone.kind)
                .map_or(milestone.kind.as_str(), String::as_str);
            body.push_str(&fill(
                &template.milestone,
                &[
                    ("date", &format_date(milestone.date)),
                    ("kind", kind),
                    ("text", milestone.public_text.trim()),
                ],
            ));
            body.push('\n');
        }
        body.push('\n');
    }
    body.push_str(&template.closing);
    body.push_str("\n\n");
    body.push_str(&fill(&template.signature, &[("holder", input.holder)]));
    body.push('\n');
    Draft {
        language: template.language,
        subject: fill(&template.subject, &[("case", input.case), ("date", &date)]),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    fn milestone(number: u64, kind: MilestoneKind, date: &str) -> Milestone {
        Milestone {
            number,
            kind,
            date: d(date),
            public_text: format!("text {number}"),
        }
    }

    fn sent(date: &str, covers: &[Reason]) -> SentNotice {
        SentNotice {
            sent_on: d(date),
            covers: covers.iter().copied().collect(),
            milestones: None,
            requests: None,
        }
    }

    fn sent_telling(
        date: &str,
        covers: &[Reason],
        milestones: &[u64],
        requests: &[u64],
    ) -> SentNotice {
        SentNotice {
            milestones: Some(milestones.iter().copied().collect()),
            requests: Some(requests.iter().copied().collect()),
            ..sent(date, covers)
        }
    }

    fn request(id: u64, date: &str) -> InformationRequest {
        InformationRequest { id, date: d(date) }
    }

    /// (reason, since, due_by, overdue)
    type Expected = (Reason, &'static str, &'static str, bool);

    struct Row {
        name: &'static str,
        linked: &'static str,
        wishes: Wishes,
        milestones: Vec<Milestone>,
        requests: Vec<InformationRequest>,
        notices: Vec<SentNotice>,
        as_of: &'static str,
        expected: Vec<Expected>,
    }

    const WANTS: Wishes = Wishes {
        wants_updates: true,
        interval_months: 6,
    };
    const SILENT: Wishes = Wishes {
        wants_updates: false,
        interval_months: 6,
    };
    use MilestoneKind as K;

    #[test]
    fn the_due_date_rule() {
        let table = vec![
            Row {
                name: "nothing has happened and the interval has not run",
                linked: "2026-01-10",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![],
                notices: vec![],
                as_of: "2026-06-25",
                expected: vec![],
            },
            Row {
                name: "periodic listed from 14 days before the interval ends",
                linked: "2026-01-10",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![],
                notices: vec![],
                as_of: "2026-06-26",
                expected: vec![(Reason::Periodic, "2026-01-10", "2026-07-10", false)],
            },
            Row {
                name: "periodic overdue the day after",
                linked: "2026-01-10",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![],
                notices: vec![],
                as_of: "2026-07-11",
                expected: vec![(Reason::Periodic, "2026-01-10", "2026-07-10", true)],
            },
            Row {
                name: "a milestone on a month end: 14 days later, into the next month",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::SuspectArrested, "2026-01-31")],
                requests: vec![],
                notices: vec![],
                as_of: "2026-02-14",
                expected: vec![(Reason::Milestone, "2026-01-31", "2026-02-14", false)],
            },
            Row {
                name: "a milestone on a leap day: due on 14 March, overdue on the 15th",
                linked: "2027-12-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::Charged, "2028-02-29")],
                requests: vec![],
                notices: vec![],
                as_of: "2028-03-15",
                expected: vec![(Reason::Milestone, "2028-02-29", "2028-03-14", true)],
            },
            Row {
                name: "linked on 31 August: periodic by the last day of February (leap year)",
                linked: "2027-08-31",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![],
                notices: vec![],
                as_of: "2028-02-29",
                expected: vec![(Reason::Periodic, "2027-08-31", "2028-02-29", false)],
            },
            Row {
                name: "linked on 31 August: periodic by 28 February (common year)",
                linked: "2026-08-31",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![],
                notices: vec![],
                as_of: "2027-03-01",
                expected: vec![(Reason::Periodic, "2026-08-31", "2027-02-28", true)],
            },
            Row {
                name: "a future milestone is not owed yet",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::TrialScheduled, "2026-03-01")],
                requests: vec![],
                notices: vec![],
                as_of: "2026-02-01",
                expected: vec![],
            },
            Row {
                name: "several milestones make one reason, from the oldest untold",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![
                    milestone(2, K::Charged, "2026-03-10"),
                    milestone(1, K::SuspectArrested, "2026-03-02"),
                ],
                requests: vec![],
                notices: vec![],
                as_of: "2026-03-12",
                expected: vec![(Reason::Milestone, "2026-03-02", "2026-03-16", false)],
            },
            Row {
                name: "milestones before the link are not owed one by one",
                linked: "2026-05-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::InvestigationOpened, "2025-01-01")],
                requests: vec![],
                notices: vec![],
                as_of: "2026-05-02",
                expected: vec![],
            },
            Row {
                name: "several reasons at once",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::Verdict, "2026-06-20")],
                requests: vec![request(7, "2026-06-22")],
                notices: vec![],
                as_of: "2026-07-01",
                expected: vec![
                    (Reason::Milestone, "2026-06-20", "2026-07-04", false),
                    (
                        Reason::InformationRequest,
                        "2026-06-22",
                        "2026-07-06",
                        false,
                    ),
                    (Reason::Periodic, "2026-01-01", "2026-07-01", false),
                ],
            },
            Row {
                name: "a notice covering some reasons settles those only",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::Verdict, "2026-06-20")],
                requests: vec![request(7, "2026-06-22")],
                notices: vec![sent("2026-06-25", &[Reason::Milestone])],
                as_of: "2026-07-10",
                expected: vec![(Reason::InformationRequest, "2026-06-22", "2026-07-06", true)],
            },
            Row {
                name: "a notice settles only what arose on or before its day",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![
                    milestone(1, K::SuspectArrested, "2026-02-01"),
                    milestone(2, K::Charged, "2026-02-20"),
                ],
                requests: vec![],
                notices: vec![sent("2026-02-05", &[Reason::Milestone, Reason::Periodic])],
                as_of: "2026-02-21",
                expected: vec![(Reason::Milestone, "2026-02-20", "2026-03-06", false)],
            },
            Row {
                name: "a milestone entered after a notice, dated before it, is still owed",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![
                    milestone(1, K::Charged, "2026-03-01"),
                    milestone(2, K::SuspectArrested, "2026-03-03"),
                ],
                requests: vec![],
                notices: vec![sent_telling("2026-03-05", &[Reason::Milestone], &[1], &[])],
                as_of: "2026-03-10",
                expected: vec![(Reason::Milestone, "2026-03-03", "2026-03-17", false)],
            },
            Row {
                name: "a request entered after a notice, made before it, is still owed",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![request(1, "2026-03-01"), request(2, "2026-03-02")],
                notices: vec![sent_telling(
                    "2026-03-05",
                    &[Reason::InformationRequest],
                    &[],
                    &[1],
                )],
                as_of: "2026-03-10",
                expected: vec![(
                    Reason::InformationRequest,
                    "2026-03-02",
                    "2026-03-16",
                    false,
                )],
            },
            Row {
                name: "any notice restarts the periodic interval",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![],
                requests: vec![request(1, "2026-04-01")],
                notices: vec![sent("2026-04-03", &[Reason::InformationRequest])],
                as_of: "2026-07-15",
                expected: vec![],
            },
            Row {
                name: "a notice recorded for a later day has not been sent yet",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::Charged, "2026-03-01")],
                requests: vec![],
                notices: vec![sent("2026-03-20", &[Reason::Milestone])],
                as_of: "2026-03-10",
                expected: vec![(Reason::Milestone, "2026-03-01", "2026-03-15", false)],
            },
            Row {
                name: "who does not want updates is owed no milestone or periodic notice",
                linked: "2026-01-01",
                wishes: SILENT,
                milestones: vec![milestone(1, K::Verdict, "2026-06-20")],
                requests: vec![],
                notices: vec![],
                as_of: "2027-01-01",
                expected: vec![],
            },
            Row {
                name: "who does not want updates still gets an answer to their own request",
                linked: "2026-01-01",
                wishes: SILENT,
                milestones: vec![],
                requests: vec![request(3, "2026-09-01")],
                notices: vec![],
                as_of: "2026-09-02",
                expected: vec![(
                    Reason::InformationRequest,
                    "2026-09-01",
                    "2026-09-15",
                    false,
                )],
            },
            Row {
                name: "a closed case owes the closing milestone but no more periodic notices",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::CaseClosed, "2026-05-01")],
                requests: vec![],
                notices: vec![],
                as_of: "2026-09-01",
                expected: vec![(Reason::Milestone, "2026-05-01", "2026-05-15", true)],
            },
            Row {
                name: "a closed case, told: nothing more",
                linked: "2026-01-01",
                wishes: WANTS,
                milestones: vec![milestone(1, K::CaseClosed, "2026-05-01")],
                requests: vec![],
                notices: vec![sent("2026-05-02", &[Reason::Milestone])],
                as_of: "2028-01-01",
                expected: vec![],
            },
            Row {
                name: "a chosen interval of three months",
                linked: "2026-01-15",
                wishes: Wishes {
                    wants_updates: true,
                    interval_months: 3,
                },
                milestones: vec![],
                requests: vec![],
                notices: vec![],
                as_of: "2026-04-16",
                expected: vec![(Reason::Periodic, "2026-01-15", "2026-04-15", true)],
            },
        ];
        for row in table {
            let standing = Standing {
                linked_on: d(row.linked),
                wishes: row.wishes,
                milestones: &row.milestones,
                requests: &row.requests,
                notices: &row.notices,
            };
            let got: Vec<(Reason, String, String, bool)> = due(&standing, d(row.as_of))
                .into_iter()
                .map(|d| {
                    (
                        d.reason,
                        format_date(d.since),
                        format_date(d.due_by),
                        d.overdue,
                    )
                })
                .collect();
            let want: Vec<(Reason, String, String, bool)> = row
                .expected
                .iter()
                .map(|(r, s, b, o)| (*r, s.to_string(), b.to_string(), *o))
                .collect();
            assert_eq!(got, want, "{}", row.name);
        }
    }

    #[test]
    fn months_are_calendar_months() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2028-01-31"), 1), d("2028-02-29"));
        assert_eq!(add_months(d("2026-11-30"), 3), d("2027-02-28"));
        assert_eq!(add_months(d("2026-12-15"), 12), d("2027-12-15"));
        assert_eq!(add_months(d("2028-02-29"), 12), d("2029-02-28"));
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("20260209").is_err());
        assert!(parse_date("2026-02-09x").is_err());
        assert_eq!(parse_date("2026-02-09T10:00:00Z").unwrap(), d("2026-02-09"));
    }

    #[test]
    fn every_shipped_template_is_complete() {
        let templates = Templates::shipped();
        for language in Language::ALL {
            let template = templates
                .get(*language)
                .unwrap_or_else(|| panic!("no shipped template for {language}"));
            assert_eq!(template.language, *language);
        }
    }

    #[test]
    fn a_draft_holds_the_public_texts_and_nothing_else() {
        let templates = Templates::shipped();
        let milestones = [
            milestone(1, K::SuspectArrested, "2026-03-02"),
            milestone(2, K::Charged, "2026-03-10"),
        ];
        let refs: Vec<&Milestone> = milestones.iter().collect();
        let requests = [request(1, "2026-03-05")];
        for language in Language::ALL {
            let draft = draft(
                templates.get(*language).unwrap(),
                &DraftInput {
                    case: "C-7",
                    addressee: Some("Layla Q."),
                    milestones: &refs,
                    requests: &requests,
                    holder: "The Holder",
                    as_of: d("2026-03-12"),
                },
            );
            assert!(draft.body.contains("text 1") && draft.body.contains("text 2"));
            assert!(draft.body.contains("Layla Q."), "{language}");
            assert!(draft.body.contains("2026-03-05"), "{language}");
            assert!(draft.body.contains("The Holder"), "{language}");
            assert!(
                !draft.subject.contains("C-7"),
                "{language}: the subject names no case"
            );
            assert!(draft.body.contains("C-7"), "{language}");
            assert!(!draft.body.contains('{'), "{language}: {}", draft.body);
        }
    }

    #[test]
    fn a_value_is_not_read_for_placeholders() {
        assert_eq!(
            fill("Dear {name}, {x}", &[("name", "{holder}"), ("holder", "H")]),
            "Dear {holder}, {x}"
        );
    }

    #[test]
    fn a_holder_template_replaces_the_shipped_one_if_complete() {
        let mut templates = Templates::shipped();
        let mut own: serde_json::Value =
            serde_json::from_str(Templates::shipped_text(Language::Nl)).unwrap();
        own["closing"] = "Met vriendelijke groet.".into();
        templates
            .replace(Language::Nl, &own.to_string())
            .expect("complete");
        assert_eq!(
            templates.get(Language::Nl).unwrap().closing,
            "Met vriendelijke groet."
        );
        own["kinds"]
            .as_object_mut()
            .unwrap()
            .remove("verdict")
            .unwrap();
        let err = templates
            .replace(Language::Nl, &own.to_string())
            .unwrap_err();
        assert!(err.to_string().contains("verdict"), "{err}");
        assert!(templates
            .replace(Language::Fr, Templates::shipped_text(Language::Nl))
            .is_err());
    }
}
