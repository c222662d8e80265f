//! Cases' analysis: the crimes (list, import), a case's charges, incidents and links, and its
//! matrix, timeline and map, each as the caller may see it. The vault decides: members of the
//! case and the holder's custodians read, analysts on it change; a member sees the links to
//! items they may read and nothing of the others (`withheld` says that something was left out).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use custodia_vault::custodia_cases::{Assessment, Location, PartialDate, Strength, TimeRange};
use custodia_vault::{
    ChargeLaid, CrimesImported, IncidentAdded, LinkChanged, NewIncident, NewLink,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiError, ApiResult, AppState, Caller};

/// This feature's routes.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(crimes, crimes_import))
        .routes(routes!(case_matrix))
        .routes(routes!(case_timeline))
        .routes(routes!(case_map))
        .routes(routes!(charge_add))
        .routes(routes!(incident_add))
        .routes(routes!(link_add))
        .routes(routes!(link_remove))
}

fn bad(message: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, message.to_string())
}

/// The shape of `GET /api/v1/crimes`, the file `POST /api/v1/crimes` reads.
#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct CrimeList {
    format: u32,
    edition: String,
    source: Option<String>,
    crimes: Vec<CrimeEntry>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct CrimeEntry {
    /// E.g. `7(1)(a)`, `25(3)(a)-2`.
    code: String,
    /// `crime` or `mode_of_liability`.
    category: String,
    article: String,
    title: String,
    source: Option<String>,
    elements: Vec<custodia_vault::ElementView>,
}

/// The crimes and modes of liability with their elements: the shipped Elements of Crimes and
/// every code imported since. For anyone signed in.
#[utoipa::path(get, path = "/api/v1/crimes", responses(
    (status = 200, description = "The crimes, in the shape of a crimes file", body = CrimeList)
))]
pub(crate) async fn crimes(State(state): State<AppState>, Caller(user): Caller) -> ApiResult {
    let file = state
        .with_reader(move |vault| Ok(vault.crimes(&user)?.to_file()))
        .await?;
    Ok(Json(file).into_response())
}

/// Imports further crime codes (a national law, say) from a crimes file; a code held already
/// must be identical. The holder's custodians only.
#[utoipa::path(post, path = "/api/v1/crimes", request_body(content = CrimeList, description = "A crimes file"), responses(
    (status = 201, description = "Imported; the codes added and those already held", body = CrimesImported),
    (status = 400, description = "Not a valid crimes file, or a code held already with other elements"),
    (status = 403, description = "Not a custodian of the holder")
))]
pub(crate) async fn crimes_import(
    State(state): State<AppState>,
    Caller(user): Caller,
    Json(body): Json<serde_json::Value>,
) -> ApiResult {
    let text = body.to_string();
    let imported = state
        .with_vault(move |vault| Ok(vault.import_crimes(&user, &text)?))
        .await?;
    Ok((StatusCode::CREATED, Json(imported)).into_response())
}

/// The proof matrix of `GET /api/v1/cases/{case}/matrix`.
#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct MatrixView {
    case: String,
    charges: Vec<MatrixCharge>,
    /// Every element no visible link supports.
    gaps: Vec<MatrixGap>,
    /// Links to items the caller may not see were left out; statuses and gaps count only the
    /// links shown.
    withheld: bool,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct MatrixCharge {
    charge: String,
    crime: String,
    title: String,
    suspect: Option<String>,
    mode_of_liability: Option<String>,
    elements: Vec<MatrixElement>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct MatrixElement {
    id: String,
    number: u32,
    /// `material`, `mental` or `contextual`.
    kind: String,
    text: String,
    /// `unproven`, `weak`, `supported` or `contested`.
    status: String,
    links: Vec<MatrixLink>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct MatrixLink {
    link: String,
    /// The item's SHA-256.
    item: String,
    /// `supports`, `contradicts` or `context`.
    assessment: String,
    /// `weak`, `medium` or `strong`.
    strength: String,
    incident: Option<String>,
    excerpt: Option<String>,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct MatrixGap {
    charge: String,
    element: String,
}

/// The matrix of a case: each charge's elements with their status and the links that bear on
/// them, and the gaps.
#[utoipa::path(get, path = "/api/v1/cases/{case}/matrix", params(("case" = String, Path, description = "The case's reference")), responses(
    (status = 200, description = "The matrix as the caller may see it", body = MatrixView),
    (status = 400, description = "No such case"),
    (status = 403, description = "Not a case whose analysis the caller may read (also for a case that does not exist)")
))]
pub(crate) async fn case_matrix(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
) -> ApiResult {
    let body = state
        .with_reader(move |vault| {
            let analysis = vault.case_analysis(&user, &case)?;
            serde_json::to_vec(&analysis.matrix())
                .map_err(|_| ApiError::internal("the matrix could not be written"))
        })
        .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// The timeline of `GET /api/v1/cases/{case}/timeline`.
#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct TimelineView {
    case: String,
    /// In date order.
    events: Vec<TimelineEvent>,
    /// Incidents and linked items without a date.
    undated: usize,
    withheld: bool,
}

#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct TimelineEvent {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    date: String,
    /// An incident's end, when it lasted.
    to: Option<String>,
    /// `incident` or `item`.
    kind: String,
    /// The incident's reference or the item's SHA-256.
    id: String,
    title: String,
}

/// Incidents and linked items in date order (items by capture or creation time).
#[utoipa::path(get, path = "/api/v1/cases/{case}/timeline", params(("case" = String, Path, description = "The case's reference")), responses(
    (status = 200, description = "The timeline as the caller may see it", body = TimelineView),
    (status = 400, description = "No such case"),
    (status = 403, description = "Not a case whose analysis the caller may read")
))]
pub(crate) async fn case_timeline(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
) -> ApiResult {
    let timeline = state
        .with_reader(move |vault| Ok(vault.case_analysis(&user, &case)?.timeline()))
        .await?;
    Ok(Json(timeline).into_response())
}

/// A GeoJSON FeatureCollection (RFC 7946).
#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct GeoJsonView {
    /// `FeatureCollection`.
    r#type: String,
    /// Points (`[longitude, latitude]`) with `precision_m`, `kind` and `title` among their
    /// properties.
    #[schema(value_type = Vec<Object>)]
    features: Vec<serde_json::Value>,
}

/// The incidents and linked items with a place, as GeoJSON; each point keeps its precision.
#[utoipa::path(get, path = "/api/v1/cases/{case}/map", params(("case" = String, Path, description = "The case's reference")), responses(
    (status = 200, description = "A GeoJSON FeatureCollection", body = GeoJsonView, content_type = "application/geo+json"),
    (status = 400, description = "No such case"),
    (status = 403, description = "Not a case whose analysis the caller may read")
))]
pub(crate) async fn case_map(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
) -> ApiResult {
    let body = state
        .with_reader(move |vault| {
            let analysis = vault.case_analysis(&user, &case)?;
            serde_json::to_vec(&analysis.geojson())
                .map_err(|_| ApiError::internal("the map could not be written"))
        })
        .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        body,
    )
        .into_response())
}

/// A charge to lay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChargeBody {
    /// The crime's code, e.g. `7(1)(a)`.
    crime: String,
    suspect: Option<String>,
    /// A mode of liability's code, e.g. `25(3)(a)-2`.
    mode: Option<String>,
}

/// Lays a charge: a crime (and a mode of liability) against a suspect. Analysts on the case and
/// the holder's custodians.
#[utoipa::path(post, path = "/api/v1/cases/{case}/charges", params(("case" = String, Path, description = "The case's reference")), request_body = ChargeBody, responses(
    (status = 201, description = "Laid; its reference, elements and custody log position", body = ChargeLaid),
    (status = 400, description = "No such case, crime or mode of liability"),
    (status = 403, description = "Not an analyst on the case or a custodian"),
    (status = 409, description = "Another change took the charge's number; try again")
))]
pub(crate) async fn charge_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
    Json(body): Json<ChargeBody>,
) -> ApiResult {
    let laid = state
        .with_vault(move |vault| {
            Ok(vault.add_charge(
                &user,
                &case,
                &body.crime,
                body.suspect.as_deref(),
                body.mode.as_deref(),
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(laid)).into_response())
}

/// An incident to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IncidentBody {
    title: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    from: String,
    to: Option<String>,
    place: Option<String>,
    /// Degrees (WGS 84), with `lon`.
    lat: Option<f64>,
    lon: Option<f64>,
    /// Metres (default 1000).
    precision_m: Option<f64>,
    description: Option<String>,
}

fn date(text: &str) -> Result<PartialDate, ApiError> {
    text.parse().map_err(bad)
}

/// Adds an incident. Analysts on the case and the holder's custodians.
#[utoipa::path(post, path = "/api/v1/cases/{case}/incidents", params(("case" = String, Path, description = "The case's reference")), request_body = IncidentBody, responses(
    (status = 201, description = "Added; its reference and custody log position", body = IncidentAdded),
    (status = 400, description = "No such case, or a date, position or title that is none"),
    (status = 403, description = "Not an analyst on the case or a custodian"),
    (status = 409, description = "Another change took the incident's number; try again")
))]
pub(crate) async fn incident_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
    Json(body): Json<IncidentBody>,
) -> ApiResult {
    let location = match (body.lat, body.lon) {
        (Some(lat), Some(lon)) => {
            Some(Location::new(lat, lon, body.precision_m.unwrap_or(1000.0)).map_err(bad)?)
        }
        (None, None) => None,
        _ => return Err(bad("give both `lat` and `lon`, or neither")),
    };
    let incident = NewIncident {
        title: body.title,
        from: Some(date(&body.from)?),
        to: body.to.as_deref().map(date).transpose()?,
        place: body.place,
        location,
        description: body.description,
    };
    let added = state
        .with_vault(move |vault| Ok(vault.add_incident(&user, &case, incident)?))
        .await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

/// A link to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkBody {
    /// The element's id, e.g. `7(1)(a)/1`.
    element: String,
    /// The item's SHA-256.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    item: String,
    /// `supports`, `contradicts` or `context`.
    #[schema(value_type = String, pattern = "^(supports|contradicts|context)$")]
    assessment: Assessment,
    /// `weak`, `medium` (the default) or `strong`.
    #[schema(value_type = Option<String>, pattern = "^(weak|medium|strong)$")]
    strength: Option<Strength>,
    /// Only for this charge (`C1`).
    charge: Option<String>,
    /// The incident the item bears on (`I1`).
    incident: Option<String>,
    excerpt: Option<String>,
    /// A page of the item, from 1 (a whole number, which JSON may write `2.0`).
    #[serde(default, deserialize_with = "super::whole_or_none")]
    #[schema(value_type = Option<u64>, minimum = 1, maximum = 4294967295_u64)]
    page: Option<u64>,
    /// `FROM-TO` within an audio or video item.
    time: Option<String>,
    note: Option<String>,
}

/// Links an item to an element of a charge of the case. Analysts on the case (who may read the
/// item) and the holder's custodians.
#[utoipa::path(post, path = "/api/v1/cases/{case}/links", params(("case" = String, Path, description = "The case's reference")), request_body = LinkBody, responses(
    (status = 201, description = "Linked; its reference and custody log position", body = LinkChanged),
    (status = 400, description = "No such case, element of a charge, incident, page or time range"),
    (status = 403, description = "Not an analyst on the case or a custodian, or the item may not be read"),
    (status = 404, description = "No such item (or one the caller may not know of)"),
    (status = 409, description = "Another change took the link's number; try again")
))]
pub(crate) async fn link_add(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path(case): Path<String>,
    Json(body): Json<LinkBody>,
) -> ApiResult {
    let item = body
        .item
        .parse()
        .map_err(|_| bad(format!("`{}` is not an item's SHA-256", body.item)))?;
    let time: Option<TimeRange> = body
        .time
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(bad)?;
    let page = match body.page {
        None => None,
        Some(page @ 1..) => {
            Some(u32::try_from(page).map_err(|_| bad(format!("page {page} is beyond the last")))?)
        }
        Some(0) => return Err(bad("page must be 1 or more")),
    };
    let link = NewLink {
        element: body.element,
        item,
        assessment: body.assessment,
        strength: body.strength.unwrap_or(Strength::Medium),
        charge: body.charge,
        incident: body.incident,
        excerpt: body.excerpt,
        page,
        time,
        note: body.note,
    };
    let linked = state
        .with_vault(move |vault| Ok(vault.link_item(&user, &case, link)?))
        .await?;
    Ok((StatusCode::CREATED, Json(linked)).into_response())
}

/// Takes a link out of force. Analysts on the case and the holder's custodians; a link to an
/// item the caller may not read is reported as absent.
#[utoipa::path(delete, path = "/api/v1/cases/{case}/links/{link}", params(
    ("case" = String, Path, description = "The case's reference"),
    ("link" = String, Path, description = "The link's reference, e.g. `L3`")
), responses(
    (status = 200, description = "Taken out of force; the custody log position", body = LinkChanged),
    (status = 400, description = "No such case or link in force"),
    (status = 403, description = "Not an analyst on the case or a custodian"),
    (status = 409, description = "Another change took the link out of force first")
))]
pub(crate) async fn link_remove(
    State(state): State<AppState>,
    Caller(user): Caller,
    Path((case, link)): Path<(String, String)>,
) -> ApiResult {
    let removed = state
        .with_vault(move |vault| Ok(vault.unlink_item(&user, &case, &link)?))
        .await?;
    Ok(Json(removed).into_response())
}
