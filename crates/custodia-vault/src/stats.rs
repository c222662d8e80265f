//! Statistics of requests, consent, holdings and cases over a period (`custodia stats`, the
//! annual report), counted only over what the reader may see (`custodia_access::decide_statistics`):
//! the holder's custodians, auditors and administrators see every figure; a requester its own
//! authority's requests; an originator's liaison its own consent decisions and holdings. A
//! section the reader may not see is empty, not absent, so that the document has one shape.
//!
//! **What counts where.** A request counts in the period in which it was filed; whether it was
//! finalised (or withdrawn) is judged at the period's end, and its days to finalise run from
//! filing to the `finalised` state in its logged history. A consent decision counts in the
//! period it was taken, once per item decided (`granted`: without conditions; `conditional`:
//! granted with conditions; `refused`); its days to decide run from the day the item entered a
//! request of the recipient authority (the ask) to the decision, where such a request exists.
//! Holdings are the stock at the period's end. A case counts from its creation or its first
//! milestone, whichever is earlier; its stage is that of its latest milestone by
//! the period's end: none yet or `investigation_opened`, `suspect_identified`, `suspect_arrested`,
//! `evidence_shared` → `investigation`; `charged`, `trial_scheduled`, `trial_started`, `verdict`
//! → `first_instance`; `appeal` → `appeal`; `cassation` → `cassation`; `case_closed` → `closed`.

use std::collections::{BTreeMap, HashMap};

use custodia_access::{decide_statistics, StatisticsScope};
use custodia_cases::notices::{self, format_date, MilestoneKind};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::{Result, Vault, VaultError};

/// The stages a case is counted in, in order.
pub const STAGES: &[&str] = &[
    "investigation",
    "first_instance",
    "appeal",
    "cassation",
    "closed",
];

/// The stage a case is in after a milestone of this kind.
pub fn stage_after(kind: MilestoneKind) -> &'static str {
    match kind {
        MilestoneKind::InvestigationOpened
        | MilestoneKind::SuspectIdentified
        | MilestoneKind::SuspectArrested
        | MilestoneKind::EvidenceShared => "investigation",
        MilestoneKind::Charged
        | MilestoneKind::TrialScheduled
        | MilestoneKind::TrialStarted
        | MilestoneKind::Verdict => "first_instance",
        MilestoneKind::Appeal => "appeal",
        MilestoneKind::Cassation => "cassation",
        MilestoneKind::CaseClosed => "closed",
    }
}

/// `custodia stats --json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    /// The period's first day (YYYY-MM-DD); `null`: since the beginning.
    #[schema(required)]
    pub from: Option<String>,
    /// The period's last day (YYYY-MM-DD).
    pub to: String,
    pub requests: RequestStats,
    pub consent: ConsentStats,
    pub holdings: HoldingStats,
    pub cases: CaseStats,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RequestStats {
    pub filed: u64,
    pub finalised: u64,
    /// Neither finalised nor withdrawn by the period's end.
    pub open: u64,
    pub withdrawn: u64,
    #[schema(required)]
    pub median_days_to_finalise: Option<f64>,
    #[schema(required)]
    pub p90_days_to_finalise: Option<f64>,
    pub by_authority: Vec<AuthorityStats>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct AuthorityStats {
    pub authority: String,
    pub filed: u64,
    pub finalised: u64,
    pub open: u64,
    pub withdrawn: u64,
    #[schema(required)]
    pub median_days_to_finalise: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ConsentStats {
    pub by_originator: Vec<OriginatorConsent>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OriginatorConsent {
    pub originator: String,
    pub granted: u64,
    pub refused: u64,
    pub conditional: u64,
    #[schema(required)]
    pub median_days_to_decide: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct HoldingStats {
    pub items: u64,
    pub bytes: u64,
    pub by_originator: Vec<OriginatorHoldings>,
    pub by_type: Vec<TypeHoldings>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OriginatorHoldings {
    pub originator: String,
    pub items: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct TypeHoldings {
    /// `document`, `image`, `video`, `audio`, `archive` or `other`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub items: u64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CaseStats {
    /// Every stage, in order, with how many cases are in it at the period's end.
    pub by_stage: Vec<StageCount>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StageCount {
    pub stage: String,
    pub count: u64,
}

/// Requests filed and finalised in one month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthCount {
    /// YYYY-MM.
    pub month: String,
    pub filed: u64,
    pub finalised: u64,
}

/// At most this many months are listed by [`Vault::requests_by_month`] (the latest).
pub const MAX_MONTHS: usize = 60;

fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

fn days_between(from: &str, to: &str) -> Option<f64> {
    let (a, b) = (instant(from)?, instant(to)?);
    let seconds = (b - a).as_seconds_f64();
    (seconds >= 0.0).then(|| (seconds / 86_400.0 * 10.0).round() / 10.0)
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 0.5)
}

/// The `q` quantile by linear interpolation between closest ranks (q = 0.5: the median).
pub fn percentile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    let value = v[low] + (v[high] - v[low]) * (rank - low as f64);
    Some((value * 10.0).round() / 10.0)
}

/// The day of a stored timestamp (`YYYY-MM-DD…`).
fn day_of(stamp: &str) -> &str {
    stamp.get(..10).unwrap_or(stamp)
}

impl Vault {
    /// Statistics over the days `from` (none: since the beginning) to `to` (none: today), both
    /// inclusive, as `actor` may see them.
    pub fn stats(&self, actor: &str, from: Option<&str>, to: Option<&str>) -> Result<Stats> {
        let who = self.principal(actor)?;
        let scope = decide_statistics(&who).map_err(|d| {
            tracing::info!(user = %who.user, "statistics denied");
            VaultError::NotPermitted(d.reason.to_owned())
        })?;
        let parse = |t: &str| notices::parse_date(t).map_err(VaultError::Invalid);
        let from: Option<Date> = from.map(parse).transpose()?;
        let to: Date = match to {
            Some(t) => parse(t)?,
            None => crate::victims::today(),
        };
        if from.is_some_and(|f| f > to) {
            return Err(VaultError::Invalid(format!(
                "the period runs from {} to {}: its start is after its end",
                format_date(from.unwrap_or(to)),
                format_date(to)
            )));
        }
        let from_day = from.map(format_date).unwrap_or_default();
        let to_day = format_date(to);
        let in_period = |stamp: &str| {
            let day = day_of(stamp);
            day >= from_day.as_str() && day <= to_day.as_str()
        };
        let by_end = |stamp: &str| day_of(stamp) <= to_day.as_str();

        let everything = scope == StatisticsScope::Everything;
        let mut requests = RequestStats::default();
        let authority_filter = match &scope {
            StatisticsScope::Everything => Some(None),
            StatisticsScope::Authority(org) => Some(Some(org.clone())),
            StatisticsScope::Originator(_) => None,
        };
        // The ask for consent: when an item entered a request of an authority, by (item,
        // authority), the earliest. Read only if consent figures are shown.
        let mut asked: HashMap<(String, String), String> = HashMap::new();
        let all_requests = self.catalog.requests()?;
        if let Some(only) = &authority_filter {
            let mut per_authority: BTreeMap<String, (AuthorityStats, Vec<f64>)> = BTreeMap::new();
            let mut all_days = Vec::new();
            for request in &all_requests {
                if only.as_ref().is_some_and(|o| *o != request.authority) {
                    continue;
                }
                if !in_period(&request.filed_at) {
                    continue;
                }
                let states = self.catalog.request_states(&request.id)?;
                let ended = states.iter().rfind(|s| by_end(&s.at));
                let finalised_at = states
                    .iter()
                    .find(|s| s.state == "finalised" && by_end(&s.at))
                    .map(|s| s.at.clone());
                let entry = per_authority
                    .entry(request.authority.clone())
                    .or_insert_with(|| {
                        (
                            AuthorityStats {
                                authority: request.authority.clone(),
                                ..AuthorityStats::default()
                            },
                            Vec::new(),
                        )
                    });
                entry.0.filed += 1;
                requests.filed += 1;
                match (&finalised_at, ended.map(|s| s.state.as_str())) {
                    (Some(at), _) => {
                        entry.0.finalised += 1;
                        requests.finalised += 1;
                        if let Some(days) = days_between(&request.filed_at, at) {
                            entry.1.push(days);
                            all_days.push(days);
                        }
                    }
                    (None, Some("withdrawn")) => {
                        entry.0.withdrawn += 1;
                        requests.withdrawn += 1;
                    }
                    _ => {
                        entry.0.open += 1;
                        requests.open += 1;
                    }
                }
            }
            requests.median_days_to_finalise = median(&all_days);
            requests.p90_days_to_finalise = percentile(&all_days, 0.9);
            requests.by_authority = per_authority
                .into_values()
                .map(|(mut a, days)| {
                    a.median_days_to_finalise = median(&days);
                    a
                })
                .collect();
        }

        let mut consent = ConsentStats::default();
        let originator_filter = match &scope {
            StatisticsScope::Everything => Some(None),
            StatisticsScope::Originator(org) => Some(Some(org.clone())),
            StatisticsScope::Authority(_) => None,
        };
        if let Some(only) = &originator_filter {
            for request in &all_requests {
                for item in self.catalog.request_items(&request.id)? {
                    let key = (item.sha256, request.authority.clone());
                    match asked.get(&key) {
                        Some(at) if at.as_str() <= item.added_at.as_str() => {}
                        _ => {
                            asked.insert(key, item.added_at);
                        }
                    }
                }
            }
            let start = if from_day.is_empty() {
                String::new()
            } else {
                format!("{from_day}T00:00:00Z")
            };
            let until = format!(
                "{}T00:00:00Z",
                format_date(to.next_day().unwrap_or(Date::MAX))
            );
            let mut per: BTreeMap<String, (OriginatorConsent, Vec<f64>)> = BTreeMap::new();
            for row in self.catalog.consents_decided(&start, &until)? {
                if only.as_ref().is_some_and(|o| *o != row.originator) {
                    continue;
                }
                let entry = per.entry(row.originator.clone()).or_insert_with(|| {
                    (
                        OriginatorConsent {
                            originator: row.originator.clone(),
                            ..OriginatorConsent::default()
                        },
                        Vec::new(),
                    )
                });
                let conditional = serde_json::from_str::<serde_json::Value>(&row.conditions)
                    .ok()
                    .and_then(|v| v.as_array().map(|a| !a.is_empty()))
                    .unwrap_or(false);
                match (row.decision.as_str(), conditional) {
                    ("grant", false) => entry.0.granted += 1,
                    ("grant", true) => entry.0.conditional += 1,
                    _ => entry.0.refused += 1,
                }
                if let Some(at) = asked.get(&(row.sha256.clone(), row.recipient.clone())) {
                    if let Some(days) = days_between(at, &row.decided_at) {
                        entry.1.push(days);
                    }
                }
            }
            consent.by_originator = per
                .into_values()
                .map(|(mut c, days)| {
                    c.median_days_to_decide = median(&days);
                    c
                })
                .collect();
        }

        let mut holdings = HoldingStats::default();
        if let Some(only) = &originator_filter {
            let (items, _) = self.visible_items(actor)?;
            let mut per: BTreeMap<String, OriginatorHoldings> = BTreeMap::new();
            let mut types: BTreeMap<String, u64> = BTreeMap::new();
            for item in items {
                if !by_end(&item.stored_at) {
                    continue;
                }
                if only.as_ref().is_some_and(|o| *o != item.originator) {
                    continue;
                }
                holdings.items += 1;
                holdings.bytes += item.size;
                let o = per
                    .entry(item.originator.clone())
                    .or_insert_with(|| OriginatorHoldings {
                        originator: item.originator.clone(),
                        ..OriginatorHoldings::default()
                    });
                o.items += 1;
                o.bytes += item.size;
                *types.entry(item.kind.to_owned()).or_default() += 1;
            }
            holdings.by_originator = per.into_values().collect();
            holdings.by_type = types
                .into_iter()
                .map(|(kind, items)| TypeHoldings { kind, items })
                .collect();
        }

        let mut counts: BTreeMap<&'static str, u64> = STAGES.iter().map(|s| (*s, 0)).collect();
        if everything {
            for case in self.catalog.cases()? {
                let milestones: Vec<_> = self
                    .catalog
                    .case_milestones(&case.reference)?
                    .into_iter()
                    .filter(|m| m.date.as_str() <= to_day.as_str())
                    .collect();
                // A case recorded after the fact exists from its first milestone.
                if !by_end(&case.created_at) && milestones.is_empty() {
                    continue;
                }
                let latest = milestones
                    .into_iter()
                    .filter_map(|m| Some((m.date.clone(), m.number, m.kind.parse().ok()?)))
                    .max_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
                let stage = latest.map_or("investigation", |(_, _, kind)| stage_after(kind));
                *counts.entry(stage).or_default() += 1;
            }
        }
        let cases = CaseStats {
            by_stage: STAGES
                .iter()
                .map(|s| StageCount {
                    stage: (*s).to_owned(),
                    count: if everything { counts[s] } else { 0 },
                })
                .collect(),
        };
        Ok(Stats {
            from: from.map(format_date),
            to: to_day,
            requests,
            consent,
            holdings,
            cases,
        })
    }
}

impl Vault {
    /// Requests filed and finalised per month from `from`'s month (none: the first request's)
    /// to `to`'s (none: this month), at most the latest [`MAX_MONTHS`], as `actor` may see them
    /// (an originator's liaison sees no requests: every month is empty).
    pub fn requests_by_month(
        &self,
        actor: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Vec<MonthCount>> {
        let who = self.principal(actor)?;
        let scope =
            decide_statistics(&who).map_err(|d| VaultError::NotPermitted(d.reason.to_owned()))?;
        let parse = |t: &str| notices::parse_date(t).map_err(VaultError::Invalid);
        let from: Option<Date> = from.map(parse).transpose()?;
        let to: Date = match to {
            Some(t) => parse(t)?,
            None => crate::victims::today(),
        };
        let only = match &scope {
            StatisticsScope::Everything => Some(None),
            StatisticsScope::Authority(org) => Some(Some(org.clone())),
            StatisticsScope::Originator(_) => None,
        };
        let mut filed: BTreeMap<String, u64> = BTreeMap::new();
        let mut finalised: BTreeMap<String, u64> = BTreeMap::new();
        if let Some(only) = &only {
            for request in self.catalog.requests()? {
                if only.as_ref().is_some_and(|o| *o != request.authority) {
                    continue;
                }
                let month = |stamp: &str| stamp.get(..7).unwrap_or("").to_owned();
                *filed.entry(month(&request.filed_at)).or_default() += 1;
                if let Some(done) = self
                    .catalog
                    .request_states(&request.id)?
                    .iter()
                    .find(|s| s.state == "finalised")
                {
                    *finalised.entry(month(&done.at)).or_default() += 1;
                }
            }
        }
        let first = from
            .map(|f| format_date(f)[..7].to_owned())
            .or_else(|| filed.keys().next().cloned())
            .unwrap_or_else(|| format_date(to)[..7].to_owned());
        let last = format_date(to)[..7].to_owned();
        let mut months = Vec::new();
        let (mut year, mut month): (i32, u8) = (
            first[..4].parse().unwrap_or(to.year()),
            first[5..7].parse().unwrap_or(1),
        );
        loop {
            let key = format!("{year:04}-{month:02}");
            if key > last {
                break;
            }
            months.push(MonthCount {
                filed: filed.get(&key).copied().unwrap_or(0),
                finalised: finalised.get(&key).copied().unwrap_or(0),
                month: key,
            });
            (year, month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
        }
        let skip = months.len().saturating_sub(MAX_MONTHS);
        Ok(months.split_off(skip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(
            percentile(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9),
            Some(9.1)
        );
        assert_eq!(
            days_between("2026-01-01T00:00:00Z", "2026-01-11T12:00:00Z"),
            Some(10.5)
        );
        assert_eq!(
            days_between("2026-01-11T00:00:00Z", "2026-01-01T00:00:00Z"),
            None
        );
    }

    #[test]
    fn every_milestone_kind_has_a_stage() {
        for kind in MilestoneKind::ALL {
            assert!(STAGES.contains(&stage_after(*kind)));
        }
    }

    use crate::{IngestOptions, IngestProgress, Vault};
    use custodia_access::{OrganisationKind, Role};
    use custodia_catalog::{
        AccessChange, CaseRow, ConsentRow, MilestoneRow, RequestItemRow, RequestRow,
        RequestStateRow,
    };

    struct Quiet;
    impl IngestProgress for Quiet {}

    fn ingest(
        vault: &mut Vault,
        dir: &std::path::Path,
        originator: &str,
        files: &[&str],
    ) -> Vec<String> {
        let input = dir.join(originator);
        std::fs::create_dir_all(&input).unwrap();
        for (i, name) in files.iter().enumerate() {
            std::fs::write(input.join(name), format!("{originator} record {i} {name}")).unwrap();
        }
        let options = IngestOptions {
            originator: originator.into(),
            actor: "admin".into(),
            ..IngestOptions::default()
        };
        let report = vault.ingest(&[input], options, &Quiet).unwrap();
        let mut items = report.items;
        items.sort_by(|a, b| a.path.cmp(&b.path));
        items.into_iter().map(|i| i.sha256).collect()
    }

    fn at(day: &str) -> String {
        format!("{day}T10:00:00Z")
    }

    /// A vault whose requests, consents and cases carry known dates (written as the catalog's
    /// rows, since the vault dates its own records now).
    fn scenario(dir: &std::path::Path) -> (Vault, Vec<String>) {
        let mut vault = Vault::init(&dir.join("v"), "admin").unwrap();
        for (name, kind) in [
            ("NL-OM", OrganisationKind::RequestingAuthority),
            ("DE-GBA", OrganisationKind::RequestingAuthority),
            ("UNITAD", OrganisationKind::Originator),
            ("Gov B", OrganisationKind::Originator),
        ] {
            vault.add_organisation("admin", name, kind, true).unwrap();
        }
        for (user, org, role) in [
            ("req-nl", "NL-OM", Role::Requester),
            ("liaison-un", "UNITAD", Role::OriginatorLiaison),
            ("aud", "Holder", Role::Auditor),
            ("ana", "Holder", Role::Analyst),
        ] {
            vault.add_user("admin", user, org, &[role]).unwrap();
        }
        let mut items = ingest(&mut vault, dir, "UNITAD", &["a.txt", "b.txt"]);
        items.extend(ingest(&mut vault, dir, "Gov B", &["c.txt"]));
        let request = |id: &str, authority: &str, filed: &str| {
            AccessChange::FileRequest(RequestRow {
                id: id.into(),
                authority: authority.into(),
                filed_by: "x".into(),
                filed_at: at(filed),
                legal_basis: "MLA".into(),
                case_ref: None,
                description: "{}".into(),
                deadline: None,
            })
        };
        let state = |id: &str, state: &str, day: &str| {
            AccessChange::SetRequestState(RequestStateRow {
                id: 0,
                request_id: id.into(),
                state: state.into(),
                at: at(day),
                by: "x".into(),
                note: None,
            })
        };
        let item = |id: &str, sha: &str, day: &str| {
            AccessChange::AddRequestItem(RequestItemRow {
                request_id: id.into(),
                sha256: sha.into(),
                added_at: at(day),
                added_by: "x".into(),
            })
        };
        let consent = |sha: &str,
                       originator: &str,
                       recipient: &str,
                       decision: &str,
                       conditions: &str,
                       day: &str| {
            AccessChange::RecordConsent(ConsentRow {
                id: 0,
                sha256: sha.into(),
                originator: originator.into(),
                recipient: recipient.into(),
                decision: decision.into(),
                conditions: conditions.into(),
                decided_at: at(day),
                decided_by: "y".into(),
                reason: None,
            })
        };
        let case = |reference: &str| {
            AccessChange::AddCase(CaseRow {
                reference: reference.into(),
                title: None,
                created_at: at("2024-01-01"),
                created_by: "admin".into(),
            })
        };
        let milestone = |case: &str, number: u64, kind: &str, day: &str| {
            AccessChange::AddMilestone(MilestoneRow {
                case_ref: case.into(),
                number,
                kind: kind.into(),
                date: day.into(),
                public_text: "t".into(),
                created_at: at(day),
                created_by: "admin".into(),
            })
        };
        let (a, b) = (items[0].as_str(), items[2].as_str());
        let rows = vec![
            request("R1", "NL-OM", "2025-03-01"),
            state("R1", "filed", "2025-03-01"),
            state("R1", "awaiting_consent", "2025-03-05"),
            state("R1", "finalised", "2025-03-21"),
            item("R1", a, "2025-03-02"),
            item("R1", b, "2025-03-02"),
            request("R2", "NL-OM", "2025-06-01"),
            state("R2", "finalised", "2025-06-11"),
            request("R3", "DE-GBA", "2025-11-01"),
            state("R3", "filed", "2025-11-01"),
            request("R4", "NL-OM", "2024-05-01"),
            state("R4", "finalised", "2024-05-31"),
            request("R5", "DE-GBA", "2025-12-20"),
            state("R5", "finalised", "2026-01-10"),
            request("R6", "DE-GBA", "2025-02-01"),
            state("R6", "withdrawn", "2025-02-10"),
            consent(a, "UNITAD", "NL-OM", "grant", "[]", "2025-03-12"),
            consent(
                b,
                "Gov B",
                "NL-OM",
                "grant",
                "[\"no publication\"]",
                "2025-03-07",
            ),
            consent(a, "UNITAD", "DE-GBA", "refuse", "[]", "2025-04-01"),
            consent(a, "UNITAD", "DE-GBA", "grant", "[]", "2024-04-01"),
            case("K1"),
            milestone("K1", 1, "investigation_opened", "2024-01-01"),
            milestone("K1", 2, "charged", "2025-05-01"),
            milestone("K1", 3, "verdict", "2025-10-01"),
            case("K2"),
            milestone("K2", 1, "appeal", "2025-11-01"),
            case("K3"),
            case("K4"),
            milestone("K4", 1, "case_closed", "2025-12-31"),
            case("K5"),
            milestone("K5", 1, "appeal", "2025-06-01"),
            milestone("K5", 2, "cassation", "2026-02-01"),
        ];
        vault.catalog.apply(&rows, &[]).unwrap();
        (vault, items)
    }

    fn stages(s: &Stats) -> Vec<(String, u64)> {
        s.cases
            .by_stage
            .iter()
            .map(|x| (x.stage.clone(), x.count))
            .collect()
    }

    #[test]
    fn known_answers_per_role() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = scenario(dir.path());
        let year = |who: &str, y: &str| {
            vault
                .stats(
                    who,
                    Some(&format!("{y}-01-01")),
                    Some(&format!("{y}-12-31")),
                )
                .unwrap()
        };

        let s = year("aud", "2025");
        let r = &s.requests;
        assert_eq!((r.filed, r.finalised, r.open, r.withdrawn), (5, 2, 2, 1));
        assert_eq!(r.median_days_to_finalise, Some(20.0 - 5.0));
        assert_eq!(r.p90_days_to_finalise, Some(19.0));
        let by: Vec<_> = r
            .by_authority
            .iter()
            .map(|a| {
                (
                    a.authority.as_str(),
                    a.filed,
                    a.finalised,
                    a.open,
                    a.withdrawn,
                    a.median_days_to_finalise,
                )
            })
            .collect();
        assert_eq!(
            by,
            [
                ("DE-GBA", 3, 0, 2, 1, None),
                ("NL-OM", 2, 2, 0, 0, Some(15.0))
            ]
        );
        let consent: Vec<_> = s
            .consent
            .by_originator
            .iter()
            .map(|c| {
                (
                    c.originator.as_str(),
                    c.granted,
                    c.conditional,
                    c.refused,
                    c.median_days_to_decide,
                )
            })
            .collect();
        assert_eq!(
            consent,
            [
                ("Gov B", 0, 1, 0, Some(5.0)),
                ("UNITAD", 1, 0, 1, Some(10.0))
            ]
        );
        assert_eq!(
            stages(&s),
            [
                ("investigation".into(), 1),
                ("first_instance".into(), 1),
                ("appeal".into(), 2),
                ("cassation".into(), 0),
                ("closed".into(), 1)
            ]
        );
        // Held at the end of 2025: nothing yet (the items were stored in the present).
        assert_eq!(s.holdings.items, 0);

        // The previous year.
        let p = year("admin", "2024");
        assert_eq!((p.requests.filed, p.requests.finalised), (1, 1));
        assert_eq!(p.requests.median_days_to_finalise, Some(30.0));
        assert_eq!(p.consent.by_originator.len(), 1);
        assert_eq!(p.consent.by_originator[0].granted, 1);
        assert_eq!(
            p.consent.by_originator[0].median_days_to_decide, None,
            "no ask before it"
        );
        assert_eq!(
            stages(&p),
            [
                ("investigation".into(), 5),
                ("first_instance".into(), 0),
                ("appeal".into(), 0),
                ("cassation".into(), 0),
                ("closed".into(), 0)
            ]
        );

        // Everything to today: R5 finalised after 21 days; the holdings.
        let all = vault.stats("admin", None, None).unwrap();
        assert_eq!(all.from, None);
        assert_eq!(all.requests.filed, 6);
        assert_eq!(all.requests.finalised, 4);
        assert_eq!(all.holdings.items, 3);
        let held: Vec<_> = all
            .holdings
            .by_originator
            .iter()
            .map(|h| (h.originator.as_str(), h.items))
            .collect();
        assert_eq!(held, [("Gov B", 1), ("UNITAD", 2)]);
        assert_eq!(all.holdings.by_type[0].kind, "document");
        assert_eq!(stages(&all)[3], ("cassation".into(), 1));

        // A requester: its own authority's requests, nothing else.
        let s = year("req-nl", "2025");
        assert_eq!(
            (s.requests.filed, s.requests.finalised, s.requests.open),
            (2, 2, 0)
        );
        assert_eq!(s.requests.by_authority.len(), 1);
        assert!(s.consent.by_originator.is_empty());
        assert_eq!(s.holdings.items, 0);
        assert!(s.holdings.by_originator.is_empty());
        assert!(stages(&s).iter().all(|(_, n)| *n == 0));
        let s = vault.stats("req-nl", None, None).unwrap();
        assert_eq!(
            s.holdings.items, 0,
            "a requester is not told what the vault holds"
        );

        // An originator's liaison: its own decisions and holdings, no requests, no cases.
        let s = vault.stats("liaison-un", None, None).unwrap();
        assert_eq!(s.requests.filed, 0);
        assert!(s.requests.by_authority.is_empty());
        let consent: Vec<_> = s
            .consent
            .by_originator
            .iter()
            .map(|c| c.originator.as_str())
            .collect();
        assert_eq!(consent, ["UNITAD"]);
        assert_eq!(s.holdings.items, 2);
        assert!(s
            .holdings
            .by_originator
            .iter()
            .all(|h| h.originator == "UNITAD"));
        assert!(stages(&s).iter().all(|(_, n)| *n == 0));

        // Anyone else is refused.
        assert!(matches!(
            vault.stats("ana", None, None),
            Err(VaultError::NotPermitted(_))
        ));
        assert!(vault.stats("nobody", None, None).is_err());
        // Bad periods.
        assert!(vault.stats("admin", Some("2025-02-30"), None).is_err());
        assert!(vault
            .stats("admin", Some("2025-03-01"), Some("2025-02-01"))
            .is_err());
    }
}
