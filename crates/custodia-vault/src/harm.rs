//! Civilian-harm reports: received from anyone (the public reporting point, or entered by staff
//! from a call or a letter), assessed by the holder's harm assessors, compared with independent
//! monitors' counts, and summed up in a monthly public overview that holds nothing private.
//!
//! **A report is evidence.** Its fields (date, place, position, description, people killed and
//! injured) are stored as an item of the originator `public reports` under the `restricted`
//! regime, its attachments as that item's children (as an archive's members are) in the same
//! submission, each with its custody entry; the
//! catalog's `harm_reports` row names them and keeps the fields sealed for listing. Nothing about
//! the reporter is kept but what they typed: no address, no browser. Their contact, if they gave
//! one, is sealed apart (AES-256-GCM under a key derived from the master key) and shown only to
//! assessors; it is not part of the item.
//!
//! **References are not counters**: `HR-` and twelve characters of Crockford's base32 from 60
//! random bits, so a reference tells nothing of how many reports there are.
//!
//! **Assessments** are kept, every one (the latest in force), each a custody entry whose details
//! hold the outcome and figures, and the note only as a keyed digest.

use std::collections::BTreeMap;

use custodia_access::decide_harm;
use custodia_catalog::{AccessChange, HarmAssessmentRow, HarmReportRow, MonitorCountRow, NewEvent};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::Change;
use crate::custody;
use crate::ingest::{IngestOptions, IngestProgress};
use crate::victims::{open, seal};
use crate::{Result, Vault, VaultError};

/// Custody actions of civilian-harm reporting. Names are part of the log format: never rename.
pub mod action {
    pub const HARM_REPORT: &str = "harm_report";
    pub const HARM_ASSESS: &str = "harm_assess";
    pub const HARM_MONITOR_IMPORT: &str = "harm_monitor_import";
    /// A report read whole (its reporter's contact among it), recorded as reads are
    /// ([`crate::Vault::record_reads`]).
    pub const HARM_READ: &str = "harm_read";
}

/// The originator of reports from the public.
pub const PUBLIC_ORIGINATOR: &str = "public reports";
/// The actor recorded for reports arriving through the public reporting point.
pub const PUBLIC_ACTOR: &str = "public-intake";
/// At most this many attachments per report.
pub const MAX_ATTACHMENTS: usize = 5;
/// At most this many bytes per attachment.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;
const MAX_TEXT: usize = 20_000;
/// The largest count of people a report, an assessment or a monitor's row may give: far above
/// any incident, far below what sums could overflow.
pub const MAX_COUNT: u64 = 1_000_000;
const MAX_LINE: usize = 500;

/// The outcomes of an assessment, in order.
pub const STATUSES: &[&str] = &[
    "credible",
    "not_credible",
    "duplicate",
    "insufficient_information",
];

/// What a reporter sends.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HarmReportInput {
    /// The day it happened (YYYY-MM-DD).
    pub date: String,
    /// Where, in words.
    pub place: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    pub description: String,
    #[serde(default)]
    pub killed: u64,
    #[serde(default)]
    pub injured: u64,
    /// How the assessors may reach the reporter, if they wish.
    #[serde(default)]
    pub contact: Option<String>,
}

/// An attachment sent with a report.
pub struct Attachment<'a> {
    pub name: String,
    pub size: u64,
    pub reader: &'a mut dyn std::io::Read,
}

/// The report's fields as stored (in its item and, sealed, in the catalog): without the contact.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HarmReportFields {
    pub reference: String,
    pub date: String,
    pub place: String,
    #[schema(required)]
    pub lat: Option<f64>,
    #[schema(required)]
    pub lon: Option<f64>,
    pub description: String,
    pub killed: u64,
    pub injured: u64,
    pub received_at: String,
}

/// What the reporter is told: a reference to quote.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HarmReceipt {
    pub reference: String,
}

/// An assessment as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub status: String,
    #[schema(required)]
    pub duplicate_of: Option<String>,
    #[schema(required)]
    pub killed: Option<u64>,
    #[schema(required)]
    pub injured: Option<u64>,
    #[schema(required)]
    pub area: Option<String>,
    #[schema(required)]
    pub date: Option<String>,
    #[schema(required)]
    pub public_summary: Option<String>,
    #[schema(required)]
    pub note: Option<String>,
    pub assessed_at: String,
    pub assessed_by: String,
}

/// A report in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HarmReportSummary {
    pub reference: String,
    pub received_at: String,
    pub date: String,
    pub place: String,
    /// Where, as the reporter gave it (WGS 84), if they did.
    #[schema(required)]
    pub lat: Option<f64>,
    #[schema(required)]
    pub lon: Option<f64>,
    pub killed: u64,
    pub injured: u64,
    /// `pending`, or the latest assessment's status.
    pub status: String,
    pub attachments: usize,
}

/// `custodia harm show --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HarmReportView {
    pub report: HarmReportFields,
    #[schema(required)]
    pub contact: Option<String>,
    pub status: String,
    pub item: String,
    pub attachments: Vec<String>,
    /// Oldest first; the last is in force.
    pub assessments: Vec<AssessmentView>,
}

/// An assessment to record.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    pub status: String,
    pub duplicate_of: Option<String>,
    pub killed: Option<u64>,
    pub injured: Option<u64>,
    pub area: Option<String>,
    pub date: Option<String>,
    pub public_summary: Option<String>,
    pub note: Option<String>,
}

/// A problem with one row of a monitor's file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub line: u64,
    #[schema(required)]
    pub column: Option<String>,
    pub reason: String,
}

/// `custodia harm import-monitor --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonitorImport {
    pub source: String,
    pub imported: u64,
    /// Rows skipped, each with why.
    pub problems: Vec<RowProblem>,
    #[schema(required)]
    pub ledger_index: Option<u64>,
}

fn reference() -> Result<String> {
    const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 8];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| VaultError::Crypto("no system randomness"))?;
    let mut n = u64::from_be_bytes(bytes);
    let mut out = String::from("HR-");
    for i in 0..12 {
        if i == 4 || i == 8 {
            out.push('-');
        }
        out.push(CROCKFORD[(n & 31) as usize] as char);
        n >>= 5;
    }
    Ok(out)
}

fn line(field: &str, text: &str, max: usize) -> Result<String> {
    let text = text.trim();
    if text.contains('\0') {
        return Err(VaultError::Invalid(format!(
            "`{field}` holds a NUL character"
        )));
    }
    if text.chars().count() > max {
        return Err(VaultError::Invalid(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    Ok(text.to_owned())
}

fn optional(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>> {
    text.map(|t| line(field, t, max))
        .transpose()
        .map(|t| t.filter(|t| !t.is_empty()))
}

fn day(field: &str, text: &str) -> Result<String> {
    custodia_cases::notices::parse_date(text)
        .map(custodia_cases::notices::format_date)
        .map_err(|e| VaultError::Invalid(format!("`{field}`: {e}")))
}

impl HarmReportInput {
    /// Checks every field; the first problem is named.
    pub fn checked(&self) -> Result<HarmReportInput> {
        let date = day("date", &self.date)?;
        if date > custodia_cases::notices::format_date(crate::victims::today()) {
            return Err(VaultError::Invalid(format!(
                "`date` {date} is in the future"
            )));
        }
        let place = line("place", &self.place, MAX_LINE)?;
        if place.is_empty() {
            return Err(VaultError::Invalid("`place` must not be empty".into()));
        }
        let description = line("description", &self.description, MAX_TEXT)?;
        if description.is_empty() {
            return Err(VaultError::Invalid(
                "`description` must not be empty".into(),
            ));
        }
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(VaultError::Invalid(format!(
                        "the position {lat}, {lon} is not on Earth (latitude -90 to 90, longitude -180 to 180)"
                    )));
                }
            }
            (None, None) => {}
            _ => {
                return Err(VaultError::Invalid(
                    "give both `lat` and `lon`, or neither".into(),
                ))
            }
        }
        for (field, n) in [("killed", self.killed), ("injured", self.injured)] {
            if n > MAX_COUNT {
                return Err(VaultError::Invalid(format!("`{field}` is {n}: too many")));
            }
        }
        Ok(HarmReportInput {
            date,
            place,
            lat: self.lat,
            lon: self.lon,
            description,
            killed: self.killed,
            injured: self.injured,
            contact: optional("contact", self.contact.as_deref(), 1_000)?,
        })
    }
}

struct Quiet;
impl IngestProgress for Quiet {}

impl Vault {
    fn require_harm(&self, actor: &str, what: &str) -> Result<()> {
        let who = self.principal(actor)?;
        let decision = decide_harm(&who);
        if decision.allowed {
            return Ok(());
        }
        tracing::info!(user = %who.user, what, "harm reports access denied");
        Err(VaultError::NotPermitted(format!(
            "{what}: {}",
            decision.reason
        )))
    }

    fn harm_seal(&self, kind: &str, reference: &str, plain: &[u8]) -> Result<Vec<u8>> {
        seal(
            &self.harm_seal_key,
            &format!("custodia harm report v1\0{kind}\0{reference}"),
            plain,
        )
    }

    fn harm_open(&self, kind: &str, reference: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        open(
            &self.harm_seal_key,
            &format!("custodia harm report v1\0{kind}\0{reference}"),
            sealed,
        )
    }

    /// Receives a report (from the public reporting point, `actor` [`PUBLIC_ACTOR`], or from a
    /// harm assessor entering one received otherwise): its item and its attachments' items are
    /// stored and logged, the row recorded; returns the reference to quote.
    pub fn submit_harm_report(
        &mut self,
        actor: &str,
        input: &HarmReportInput,
        attachments: Vec<Attachment<'_>>,
    ) -> Result<HarmReceipt> {
        if actor != PUBLIC_ACTOR {
            self.require_harm(actor, "entering a civilian-harm report")?;
        }
        let input = input.checked()?;
        if attachments.len() > MAX_ATTACHMENTS {
            return Err(VaultError::Invalid(format!(
                "{} attachments; at most {MAX_ATTACHMENTS} may come with a report",
                attachments.len()
            )));
        }
        for a in &attachments {
            if a.size > MAX_ATTACHMENT_BYTES {
                return Err(VaultError::Invalid(format!(
                    "the attachment `{}` is {} bytes; at most {MAX_ATTACHMENT_BYTES} are accepted",
                    a.name, a.size
                )));
            }
        }
        let reference = reference()?;
        let fields = HarmReportFields {
            reference: reference.clone(),
            date: input.date.clone(),
            place: input.place.clone(),
            lat: input.lat,
            lon: input.lon,
            description: input.description.clone(),
            killed: input.killed,
            injured: input.injured,
            received_at: custody::now(),
        };
        let body = serde_json::to_vec_pretty(&fields)
            .map_err(|e| VaultError::Invalid(format!("a report: {e}")))?;
        let submission = format!("harm-report-{reference}");
        let options = || IngestOptions {
            originator: PUBLIC_ORIGINATOR.into(),
            collection_note: Some(format!("civilian-harm report {reference}")),
            actor: actor.to_owned(),
            regime: Some(custodia_access::Regime::Restricted),
            jobs: Some(1),
            ..IngestOptions::default()
        };
        let report = self.ingest_reader_authorised(
            &format!("{reference}/report.json"),
            &mut body.as_slice(),
            &submission,
            options(),
            &Quiet,
            None,
        )?;
        let item = report
            .items
            .first()
            .map(|i| i.sha256.clone())
            .ok_or_else(|| VaultError::Invalid("the report was not stored".into()))?;
        let mut stored = Vec::new();
        for attachment in attachments {
            let name = std::path::Path::new(&attachment.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| !n.is_empty() && !n.starts_with('.'))
                .unwrap_or_else(|| "attachment".into());
            let mut limited =
                std::io::Read::take(&mut *attachment.reader, MAX_ATTACHMENT_BYTES + 1);
            // The attachment is the report's child, as an archive's member is its archive's.
            let report = self.ingest_reader_authorised(
                &format!("{reference}/attachments/{name}"),
                &mut limited,
                &submission,
                options(),
                &Quiet,
                Some((item.clone(), format!("attachments/{name}"))),
            )?;
            if report.items.iter().any(|i| i.size > MAX_ATTACHMENT_BYTES) {
                return Err(VaultError::Invalid(format!(
                    "the attachment `{name}` is larger than {MAX_ATTACHMENT_BYTES} bytes"
                )));
            }
            if let Some(first) = report
                .items
                .iter()
                .find(|i| i.parent.as_deref() == Some(item.as_str()))
            {
                stored.push(first.sha256.clone());
            }
        }
        let sealed = self.harm_seal("report", &reference, &body)?;
        let contact = input
            .contact
            .as_deref()
            .map(|c| self.harm_seal("contact", &reference, c.as_bytes()))
            .transpose()?;
        self.change_access(
            actor,
            Change {
                action: action::HARM_REPORT,
                item: Some(item.clone()),
                // The attachments are items with their own ingest entries; the log names no
                // item here, only how many came with the report.
                details: json!({
                    "reference": reference,
                    "attachments": stored.len(),
                    "contact_given": contact.is_some(),
                }),
                rows: vec![AccessChange::AddHarmReport(HarmReportRow {
                    reference: reference.clone(),
                    sha256: item,
                    attachments: serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into()),
                    received_at: fields.received_at,
                    sealed,
                    contact,
                })],
            },
        )?;
        Ok(HarmReceipt { reference })
    }

    fn harm_fields(&self, row: &HarmReportRow) -> Result<HarmReportFields> {
        let plain = self.harm_open("report", &row.reference, &row.sealed)?;
        serde_json::from_slice(&plain)
            .map_err(|_| VaultError::Crypto("a sealed harm report is not readable"))
    }

    /// Every report with its fields, and its assessments (oldest first), by reference.
    pub(crate) fn harm_records(
        &self,
    ) -> Result<Vec<(HarmReportRow, HarmReportFields, Vec<HarmAssessmentRow>)>> {
        let mut assessments: BTreeMap<String, Vec<HarmAssessmentRow>> = BTreeMap::new();
        for a in self.catalog.harm_assessments()? {
            assessments.entry(a.reference.clone()).or_default().push(a);
        }
        self.catalog
            .harm_reports()?
            .into_iter()
            .map(|row| {
                let fields = self.harm_fields(&row)?;
                let list = assessments.remove(&row.reference).unwrap_or_default();
                Ok((row, fields, list))
            })
            .collect()
    }

    /// Reports, oldest first, with `status` only if given (`pending` or an outcome).
    pub fn harm_list(&self, actor: &str, status: Option<&str>) -> Result<Vec<HarmReportSummary>> {
        self.require_harm(actor, "listing civilian-harm reports")?;
        if let Some(s) = status {
            if s != "pending" && !STATUSES.contains(&s) {
                return Err(VaultError::Invalid(format!(
                    "`{s}` is not a status; one of: pending, {}",
                    STATUSES.join(", ")
                )));
            }
        }
        Ok(self
            .harm_records()?
            .into_iter()
            .map(|(row, fields, assessments)| HarmReportSummary {
                reference: row.reference.clone(),
                received_at: row.received_at.clone(),
                date: fields.date,
                place: fields.place,
                lat: fields.lat,
                lon: fields.lon,
                killed: fields.killed,
                injured: fields.injured,
                status: assessments
                    .last()
                    .map_or_else(|| "pending".to_owned(), |a| a.status.clone()),
                attachments: serde_json::from_str::<Vec<String>>(&row.attachments)
                    .map(|v| v.len())
                    .unwrap_or(0),
            })
            .filter(|s| status.is_none_or(|wanted| s.status == wanted))
            .collect())
    }

    /// One report whole: fields, contact, items, assessments with their notes.
    pub fn harm_show(&self, actor: &str, reference: &str) -> Result<HarmReportView> {
        self.require_harm(actor, "reading a civilian-harm report")?;
        let (row, fields, assessments) = self
            .harm_records()?
            .into_iter()
            .find(|(row, _, _)| row.reference == reference)
            .ok_or_else(|| VaultError::Invalid(format!("no harm report `{reference}`")))?;
        let contact = row
            .contact
            .as_deref()
            .map(|c| self.harm_open("contact", reference, c))
            .transpose()?
            .map(|c| String::from_utf8_lossy(&c).into_owned());
        let mut views = Vec::new();
        for a in &assessments {
            let note = a
                .note
                .as_deref()
                .map(|n| self.harm_open("note", reference, n))
                .transpose()?
                .map(|n| String::from_utf8_lossy(&n).into_owned());
            views.push(AssessmentView {
                status: a.status.clone(),
                duplicate_of: a.duplicate_of.clone(),
                killed: a.killed,
                injured: a.injured,
                area: a.area.clone(),
                date: a.date.clone(),
                public_summary: a.public_summary.clone(),
                note,
                assessed_at: a.assessed_at.clone(),
                assessed_by: a.assessed_by.clone(),
            });
        }
        Ok(HarmReportView {
            status: assessments
                .last()
                .map_or_else(|| "pending".to_owned(), |a| a.status.clone()),
            report: fields,
            contact,
            item: row.sha256.clone(),
            attachments: serde_json::from_str(&row.attachments).unwrap_or_default(),
            assessments: views,
        })
    }

    /// The custody event of `actor` reading the report `view` whole (its reporter's contact
    /// among it): for [`Vault::record_reads`], so that every read of a reporter's contact is
    /// in the log. On the report's stored item, so that it shows only to those who see that.
    pub fn harm_read_event(actor: &str, view: &HarmReportView) -> NewEvent {
        NewEvent {
            time: custody::now(),
            actor: actor.to_owned(),
            action: action::HARM_READ.into(),
            item: Some(view.item.clone()),
            details: json!({
                "reference": view.report.reference,
                "contact_shown": view.contact.is_some(),
            })
            .to_string(),
            // Sealed by `record`.
            entry: Vec::new(),
        }
    }

    /// Records an assessment of a report; returns the log position.
    pub fn harm_assess(
        &mut self,
        actor: &str,
        reference: &str,
        assessment: Assessment,
    ) -> Result<u64> {
        self.require_harm(actor, "assessing a civilian-harm report")?;
        if !STATUSES.contains(&assessment.status.as_str()) {
            return Err(VaultError::Invalid(format!(
                "`{}` is not an outcome; one of: {}",
                assessment.status,
                STATUSES.join(", ")
            )));
        }
        let reports = self.catalog.harm_reports()?;
        let row = reports
            .iter()
            .find(|r| r.reference == reference)
            .ok_or_else(|| VaultError::Invalid(format!("no harm report `{reference}`")))?;
        match (&assessment.duplicate_of, assessment.status.as_str()) {
            (None, "duplicate") => {
                return Err(VaultError::Invalid(
                    "a duplicate needs `--duplicate-of REF`".into(),
                ))
            }
            (Some(_), status) if status != "duplicate" => {
                return Err(VaultError::Invalid(
                    "`--duplicate-of` goes with the status `duplicate` only".into(),
                ))
            }
            (Some(other), _)
                if other == reference || !reports.iter().any(|r| &r.reference == other) =>
            {
                return Err(VaultError::Invalid(format!(
                    "`{other}` is not another harm report"
                )));
            }
            _ => {}
        }
        for (what, n) in [
            ("--killed", assessment.killed),
            ("--injured", assessment.injured),
        ] {
            if n.is_some_and(|n| n > MAX_COUNT) {
                return Err(VaultError::Invalid(format!(
                    "`{what}` is more than {MAX_COUNT}"
                )));
            }
        }
        let date = assessment
            .date
            .as_deref()
            .map(|d| day("--date", d))
            .transpose()?;
        if date.as_deref().is_some_and(|d| {
            d > custodia_cases::notices::format_date(crate::victims::today()).as_str()
        }) {
            return Err(VaultError::Invalid("`--date` is in the future".into()));
        }
        let area = optional("area", assessment.area.as_deref(), MAX_LINE)?;
        let summary = optional(
            "public summary",
            assessment.public_summary.as_deref(),
            MAX_TEXT,
        )?;
        let note = optional("note", assessment.note.as_deref(), MAX_TEXT)?;
        let sealed_note = note
            .as_deref()
            .map(|n| self.harm_seal("note", reference, n.as_bytes()))
            .transpose()?;
        let digest = |text: &str| self.case_text_digest(text);
        self.change_access(
            actor,
            Change {
                action: action::HARM_ASSESS,
                item: Some(row.sha256.clone()),
                details: json!({
                    "reference": reference,
                    "status": assessment.status,
                    "duplicate_of": assessment.duplicate_of,
                    "killed": assessment.killed,
                    "injured": assessment.injured,
                    "area": area,
                    "date": date,
                    "public_summary": summary,
                    "note_digest": note.as_deref().map(digest),
                }),
                rows: vec![AccessChange::AssessHarmReport(HarmAssessmentRow {
                    id: 0,
                    reference: reference.to_owned(),
                    status: assessment.status.clone(),
                    duplicate_of: assessment.duplicate_of.clone(),
                    killed: assessment.killed,
                    injured: assessment.injured,
                    area,
                    date,
                    public_summary: summary,
                    note: sealed_note,
                    assessed_at: custody::now(),
                    assessed_by: actor.to_owned(),
                })],
            },
        )
    }

    /// Imports a monitor's counts from CSV (`date`, `area`, `killed_min`, `killed_max`,
    /// `reference`); rows with a problem are skipped and named, the others imported.
    pub fn harm_import_monitor(
        &mut self,
        actor: &str,
        source: &str,
        csv_text: &[u8],
    ) -> Result<MonitorImport> {
        self.require_harm(actor, "importing a monitor's counts")?;
        let source = line("--source", source, MAX_LINE)?;
        if source.is_empty() {
            return Err(VaultError::Invalid("`--source` must not be empty".into()));
        }
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(csv_text);
        let headers = reader
            .headers()
            .map_err(|e| VaultError::Invalid(format!("the file's header: {e}")))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let mut missing = Vec::new();
        for name in ["date", "area", "killed_min", "killed_max"] {
            if column(name).is_none() {
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            return Err(VaultError::Invalid(format!(
                "the file has no column {} (columns: date, area, killed_min, killed_max, reference)",
                missing.join(", ")
            )));
        }
        let at = |name: &str| column(name).unwrap_or(0);
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line_no = i as u64 + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(RowProblem {
                        line: e.position().map_or(line_no, |p| p.line()),
                        column: None,
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let get = |name: &str| record.get(at(name)).unwrap_or("").to_owned();
            let problem = |col: &str, reason: String| RowProblem {
                line: line_no,
                column: Some(col.to_owned()),
                reason,
            };
            let date = match day("date", &get("date")) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(problem("date", e.to_string()));
                    continue;
                }
            };
            let area = match line("area", &get("area"), MAX_LINE) {
                Ok(a) if !a.is_empty() => a,
                Ok(_) => {
                    problems.push(problem("area", "empty".into()));
                    continue;
                }
                Err(e) => {
                    problems.push(problem("area", e.to_string()));
                    continue;
                }
            };
            let number = |name: &str| {
                get(name)
                    .parse::<u64>()
                    .map_err(|_| format!("`{}` is not a whole number", get(name)))
            };
            let (min, max) = match (number("killed_min"), number("killed_max")) {
                (Ok(a), Ok(b)) if b > MAX_COUNT => {
                    let _ = a;
                    problems.push(problem("killed_max", format!("more than {MAX_COUNT}")));
                    continue;
                }
                (Ok(a), Ok(b)) if a <= b => (a, b),
                (Ok(_), Ok(_)) => {
                    problems.push(problem("killed_max", "smaller than killed_min".into()));
                    continue;
                }
                (Err(e), _) => {
                    problems.push(problem("killed_min", e));
                    continue;
                }
                (_, Err(e)) => {
                    problems.push(problem("killed_max", e));
                    continue;
                }
            };
            let reference = column("reference")
                .and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| r.chars().take(MAX_LINE).collect::<String>());
            rows.push(AccessChange::AddMonitorCount(MonitorCountRow {
                id: 0,
                source: source.clone(),
                date,
                area,
                killed_min: min,
                killed_max: max,
                reference,
                imported_at: custody::now(),
                imported_by: actor.to_owned(),
            }));
        }
        let imported = rows.len() as u64;
        let ledger_index = if rows.is_empty() {
            None
        } else {
            Some(self.change_access(
                actor,
                Change {
                    action: action::HARM_MONITOR_IMPORT,
                    item: None,
                    details: json!({
                        "source": source,
                        "rows": imported,
                        "sha256": hex::encode(ring::digest::digest(&ring::digest::SHA256, csv_text)),
                    }),
                    rows,
                },
            )?)
        };
        Ok(MonitorImport {
            source,
            imported,
            problems,
            ledger_index,
        })
    }
}

/// Killed and injured in credible reports of an area.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct AreaFigures {
    pub area: String,
    pub reports: u64,
    pub killed: u64,
    pub injured: u64,
}

/// A monitor's count for a month, beside the credible reports'.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MonitorFigures {
    pub source: String,
    pub killed_min: u64,
    pub killed_max: u64,
    /// `killed_min` minus the civilians killed in credible reports (negative: fewer).
    pub gap_min: i64,
    /// `killed_max` minus the civilians killed in credible reports.
    pub gap_max: i64,
}

/// A month of the year to date.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MonthFigures {
    pub month: String,
    pub reports: u64,
    pub killed: u64,
    pub injured: u64,
    pub monitors: Vec<MonitorFigures>,
}

/// Credible reports' totals.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CredibleFigures {
    pub reports: u64,
    pub killed: u64,
    pub injured: u64,
}

/// A credible report as the public is told of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicSummary {
    pub date: String,
    pub area: String,
    pub killed: u64,
    pub injured: u64,
    pub summary: String,
}

/// An area on the overview's map: its reports' mean position, coarsened to half a degree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaPoint {
    pub area: String,
    pub lat: f64,
    pub lon: f64,
    pub killed: u64,
}

/// `custodia harm overview --json`: the monthly public overview.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// YYYY-MM.
    pub month: String,
    /// Reports received in the month.
    pub received: u64,
    /// Of those, assessed (any outcome) and still pending.
    pub assessed: u64,
    pub pending: u64,
    /// Of those, by the outcome in force (`pending` included).
    pub by_status: BTreeMap<String, u64>,
    /// Credible reports of incidents in the month (by the assessed date, else the reported one),
    /// with the assessed figures (else the reported ones).
    pub credible: CredibleFigures,
    pub by_area: Vec<AreaFigures>,
    /// Every month of the year to this one.
    pub by_month: Vec<MonthFigures>,
    /// The monitors' counts for the month.
    pub monitors: Vec<MonitorFigures>,
    /// Public summaries of the month's credible reports.
    pub summaries: Vec<PublicSummary>,
    pub map: Vec<AreaPoint>,
}

/// `a - b` as a signed count, within `i64`.
fn gap(a: u64, b: u64) -> i64 {
    (i128::from(a) - i128::from(b)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Parses `YYYY-MM`.
pub fn parse_month(text: &str) -> Result<(i32, u8)> {
    let bad = || {
        VaultError::Invalid(format!(
            "`{text}` is not a month; give it as YYYY-MM (for example 2026-03)"
        ))
    };
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

impl Vault {
    /// The monthly public overview of `month` (YYYY-MM): counts and public texts only.
    pub fn harm_overview(&self, actor: &str, month: &str) -> Result<Overview> {
        self.require_harm(actor, "making the public overview")?;
        let (year, number) = parse_month(month)?;
        let month = format!("{year:04}-{number:02}");
        let records = self.harm_records()?;
        let mut received = 0;
        let mut assessed = 0;
        let mut by_status: BTreeMap<String, u64> = ["pending"]
            .iter()
            .chain(STATUSES)
            .map(|s| (s.to_string(), 0))
            .collect();
        // Credible incidents: (incident month, area, killed, injured, position, summary, date).
        struct Credible {
            month: String,
            date: String,
            area: String,
            killed: u64,
            injured: u64,
            position: Option<(f64, f64)>,
            summary: Option<String>,
        }
        let mut credible = Vec::new();
        for (row, fields, assessments) in &records {
            let latest = assessments.last();
            if row.received_at.get(..7) == Some(month.as_str()) {
                received += 1;
                let status = latest.map_or("pending", |a| a.status.as_str());
                if latest.is_some() {
                    assessed += 1;
                }
                *by_status.entry(status.to_owned()).or_default() += 1;
            }
            if let Some(a) = latest.filter(|a| a.status == "credible") {
                let date = a.date.clone().unwrap_or_else(|| fields.date.clone());
                credible.push(Credible {
                    month: date.get(..7).unwrap_or("").to_owned(),
                    date,
                    area: a.area.clone().unwrap_or_else(|| "unknown area".into()),
                    killed: a.killed.unwrap_or(fields.killed),
                    injured: a.injured.unwrap_or(fields.injured),
                    position: fields.lat.zip(fields.lon),
                    summary: a.public_summary.clone(),
                });
            }
        }
        let this: Vec<&Credible> = credible.iter().filter(|c| c.month == month).collect();
        let mut figures = CredibleFigures::default();
        let mut areas: BTreeMap<String, AreaFigures> = BTreeMap::new();
        let mut positions: BTreeMap<String, (f64, f64, u64)> = BTreeMap::new();
        let mut summaries = Vec::new();
        for c in &this {
            figures.reports += 1;
            figures.killed = figures.killed.saturating_add(c.killed);
            figures.injured = figures.injured.saturating_add(c.injured);
            let a = areas.entry(c.area.clone()).or_insert_with(|| AreaFigures {
                area: c.area.clone(),
                ..AreaFigures::default()
            });
            a.reports += 1;
            a.killed = a.killed.saturating_add(c.killed);
            a.injured = a.injured.saturating_add(c.injured);
            if let Some((lat, lon)) = c.position {
                let p = positions.entry(c.area.clone()).or_default();
                p.0 += lat;
                p.1 += lon;
                p.2 += 1;
            }
            if let Some(summary) = &c.summary {
                summaries.push(PublicSummary {
                    date: c.date.clone(),
                    area: c.area.clone(),
                    killed: c.killed,
                    injured: c.injured,
                    summary: summary.clone(),
                });
            }
        }
        summaries.sort_by(|a, b| (&a.date, &a.area).cmp(&(&b.date, &b.area)));
        let coarse = |x: f64| (x * 2.0).round() / 2.0;
        let map = positions
            .iter()
            .map(|(area, (lat, lon, n))| AreaPoint {
                area: area.clone(),
                lat: coarse(lat / *n as f64),
                lon: coarse(lon / *n as f64),
                killed: areas.get(area).map_or(0, |a| a.killed),
            })
            .collect();
        let counts = self.catalog.monitor_counts()?;
        let monitors_of = |m: &str, killed: u64| -> Vec<MonitorFigures> {
            let mut per: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for c in counts.iter().filter(|c| c.date.get(..7) == Some(m)) {
                let e = per.entry(c.source.as_str()).or_default();
                e.0 = e.0.saturating_add(c.killed_min);
                e.1 = e.1.saturating_add(c.killed_max);
            }
            per.into_iter()
                .map(|(source, (min, max))| MonitorFigures {
                    source: source.to_owned(),
                    killed_min: min,
                    killed_max: max,
                    gap_min: gap(min, killed),
                    gap_max: gap(max, killed),
                })
                .collect()
        };
        let by_month = (1..=number)
            .map(|n| {
                let m = format!("{year:04}-{n:02}");
                let of: Vec<&Credible> = credible.iter().filter(|c| c.month == m).collect();
                let killed = of.iter().fold(0u64, |t, c| t.saturating_add(c.killed));
                MonthFigures {
                    monitors: monitors_of(&m, killed),
                    reports: of.len() as u64,
                    killed,
                    injured: of.iter().fold(0u64, |t, c| t.saturating_add(c.injured)),
                    month: m,
                }
            })
            .collect();
        Ok(Overview {
            monitors: monitors_of(&month, figures.killed),
            month,
            received,
            assessed,
            pending: received - assessed,
            by_status,
            credible: figures,
            by_area: areas.into_values().collect(),
            by_month,
            summaries,
            map,
        })
    }
}
