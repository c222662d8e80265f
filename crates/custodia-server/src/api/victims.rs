//! The victim register: the notices owed to victims and witnesses, drafts in their language,
//! notices recorded as sent, a person's contact log, and cases' milestones. The vault decides:
//! everything but milestones is for the holder's victim support officers alone (how to reach a
//! victim, their language and that they are a victim in a case are for nobody else); milestones
//! are recorded by analysts on the case and the holder's custodians, and read by the case's
//! readers and victim support officers.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::custodia_cases::notices::{Channel, MilestoneKind, Reason};
use custodia_vault::victims::{
    ContactLog, MilestoneAdded, MilestoneView, NoticeDraft, NoticeRecorded, NoticesDue,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notices_due))
        .routes(routes!(notice_draft))
        .routes(routes!(notice_record))
        .routes(routes!(person_contacts))
        .routes(routes!(milestones, milestone_add))
}

/// A calendar day exactly as `YYYY-MM-DD`, or 400 naming the field.
pub(crate) fn day(field: &str, text: &str) -> Result<String, ApiError> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let parsed = shaped
        && custodia_vault::custodia_cases::notices::parse_date(text)
            .is_ok_and(|d| custodia_vault::custodia_cases::notices::format_date(d) == text);
    if parsed {
        Ok(text.to_owned())
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("`{field}`: `{text}` is not a date; give it as YYYY-MM-DD"),
        ))
    }
}

/// `?as_of=YYYY-MM-DD`.
#[derive(Deserialize)]
pub(crate) struct AsOfQuery {
    /// The day to count from (YYYY-MM-DD); today when absent.
    as_of: Option<String>,
}

/// Every notice owed to a victim or witness as of a day, by the day it is due (overdue ones
/// first). The holder's victim support officers only.
#[utoipa::path(get, path = "/api/v1/notices/due", params(("as_of" = Option<String>, Query, description = "The day to count from (YYYY-MM-DD); today when absent")), responses(
    (status = 200, description = "The notices owed", body = NoticesDue),
    (status = 400, description = "A date that is none"),
    (status = 403, description = "Not a victim support officer of the holder")
))]
pub(crate) async fn notices_due(
    State(state): State<AppState>,
    Caller(user): Caller,
    Query(query): Query<AsOfQuery>,
) -> ApiResult {
    let as_of = query
        .as_of
        .as_deref()
        .map(|d| day("as_of", d))
        .transpose()?;
    let due = state
        .with_reader(move |vault| Ok(vault.notices_due(&user, as_of.as_deref())?))
        .await?;
    Ok(Json(due).into_response())
}

/// The notice to draft.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftBody {
    pseudonym: String,
    /// The case's reference.
    case: String,
    /// The day of the draft (YYYY-MM-DD); today when absent.
    as_of: Option<String>,
}

/// Drafts the notice owed to a person in a case, in the person's language: the milestones not
/// yet told and an answer to their open requests. Recorded in the custody log (by keyed digests
/// only). The holder's victim support officers only.
#[utoipa::path(post, path = "/api/v1/notices/draft", request_body = DraftBody, responses(
    (status = 200, description = "The draft: subject and body in the person's language and direction", body = NoticeDraft),
    (status = 400, description = "No such person, a person not linked to the case, or a date that is none"),
    (status = 403, description = "Not a victim support officer of the holder")
))]
pub(crate) async fn notice_draft(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<DraftBody>,
) -> ApiResult {
    let as_of = body.as_of.as_deref().map(|d| day("as_of", d)).transpose()?;
    let draft = state
        .with_vault(move |vault| {
            Ok(vault.draft_notice(&user, &body.pseudonym, &body.case, as_of.as_deref())?)
        })
        .await?;
    Ok(Json(draft).into_response())
}

/// A notice sent, to record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordBody {
    pseudonym: String,
    /// The case's reference.
    case: String,
    /// `letter`, `email`, `phone`, `in_person` or `via_intermediary`.
    #[schema(value_type = String)]
    channel: Channel,
    /// The day it was sent or held (YYYY-MM-DD).
    sent_at: String,
    /// The reasons it settles (`milestone`, `information_request`, `periodic`); every reason
    /// owed on that day when absent.
    #[schema(value_type = Option<Vec<String>>)]
    covers: Option<Vec<Reason>>,
}

/// Records a notice sent to a person (a letter posted, a call made, a meeting held). The
/// holder's victim support officers only.
#[utoipa::path(post, path = "/api/v1/notices/record", request_body = RecordBody, responses(
    (status = 201, description = "Recorded; the notice's number and custody log position", body = NoticeRecorded),
    (status = 400, description = "No such person, a person not linked to the case, or a date that is none"),
    (status = 403, description = "Not a victim support officer of the holder")
))]
pub(crate) async fn notice_record(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<RecordBody>,
) -> ApiResult {
    let sent_at = day("sent_at", &body.sent_at)?;
    let recorded = state
        .with_vault(move |vault| {
            Ok(vault.record_notice(
                &user,
                &body.pseudonym,
                &body.case,
                body.channel,
                &sent_at,
                body.covers,
                None,
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}

/// A person's contact details and wishes, the cases they are linked to, and their contact log
/// (notices sent, requests for information), oldest first. The holder's victim support officers
/// only.
#[utoipa::path(get, path = "/api/v1/persons/{pseudonym}/contacts", params(("pseudonym" = String, Path, description = "The person's pseudonym")), responses(
    (status = 200, description = "The person's contact log", body = ContactLog),
    (status = 400, description = "No such person"),
    (status = 403, description = "Not a victim support officer of the holder")
))]
pub(crate) async fn person_contacts(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(pseudonym): Path<String>,
) -> ApiResult {
    let log = state
        .with_reader(move |vault| Ok(vault.person_contacts(&user, &pseudonym)?))
        .await?;
    Ok(Json(log).into_response())
}

/// A case's milestones.
#[derive(Serialize, ToSchema)]
pub(crate) struct MilestoneList {
    case: String,
    /// In the order they were recorded.
    milestones: Vec<MilestoneView>,
}

/// A case's milestones with the texts victims may be told. Those who may read the case's
/// analysis (its members, the holder's custodians) and the holder's victim support officers.
#[utoipa::path(get, path = "/api/v1/cases/{case}/milestones", params(("case" = String, Path, description = "The case's reference")), responses(
    (status = 200, description = "The milestones", body = MilestoneList),
    (status = 400, description = "No such case"),
    (status = 403, description = "Not a case the caller may read (also for a case that does not exist)")
))]
pub(crate) async fn milestones(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
) -> ApiResult {
    let reference = case.clone();
    let milestones = state
        .with_reader(move |vault| Ok(vault.milestones(&user, &reference)?))
        .await?;
    Ok(Json(MilestoneList { case, milestones }).into_response())
}

/// A milestone to record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MilestoneBody {
    /// `investigation_opened`, `suspect_identified`, `suspect_arrested`, `charged`,
    /// `trial_scheduled`, `trial_started`, `verdict`, `appeal`, `evidence_shared` or
    /// `case_closed`.
    #[schema(value_type = String)]
    kind: MilestoneKind,
    /// The day it happened (YYYY-MM-DD).
    date: String,
    /// What victims may be told of it.
    public_text: String,
}

/// Records a milestone of a case (an arrest, a charge, a verdict) with the text victims may be
/// told; the victims and witnesses linked to the case are owed a notice of it. Analysts on the
/// case and the holder's custodians.
#[utoipa::path(post, path = "/api/v1/cases/{case}/milestones", params(("case" = String, Path, description = "The case's reference")), request_body = MilestoneBody, responses(
    (status = 201, description = "Recorded; its reference and custody log position", body = MilestoneAdded),
    (status = 400, description = "No such case, a date that is none, or an empty text"),
    (status = 403, description = "Not an analyst on the case or a custodian")
))]
pub(crate) async fn milestone_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
    Json(body): Json<MilestoneBody>,
) -> ApiResult {
    let date = day("date", &body.date)?;
    let added = state
        .with_vault(move |vault| {
            Ok(vault.add_milestone(&user, &case, body.kind, &date, &body.public_text)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}
