//! The public reporting point for civilian harm: a listener of its own, apart from the
//! investigators' application, serving without sign-in only the report form (`/report`) and
//! `POST /api/v1/public/harm-reports` with its challenge.
//!
//! **Nothing about the reporter is kept** but what they typed: the client's address is used
//! only, in memory, to count its reports for the rate limit, and is never logged or stored; the
//! user agent is never read. The request log of this listener names method, route, status and
//! time, as the application's does.
//!
//! **Flooding** is limited without outside services: at most [`REPORTS_PER_WINDOW`] reports per
//! address per [`WINDOW`] (held in memory), and every submission must present a challenge token
//! signed by this process (HMAC-SHA-256 under a key drawn at start), at least
//! [`TOKEN_MIN_AGE`] and at most [`TOKEN_MAX_AGE`] old, each token once. The form embeds its
//! token; a client of the JSON API takes one from the challenge route and also presents a proof
//! of work: a `nonce` such that SHA-256(`token` ":" `nonce`) begins with [`DIFFICULTY`] zero bits.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use base64::Engine as _;
use custodia_vault::harm::{
    Attachment, HarmReportInput, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, PUBLIC_ACTOR,
};
use ring::rand::SecureRandom;
use serde_json::json;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::web::pages::report_form::{self, FormLang};
use crate::{unix_now, AppState};

/// Reports accepted per client address per [`WINDOW`].
pub const REPORTS_PER_WINDOW: usize = 5;
/// The rate limit's window.
pub const WINDOW: Duration = Duration::from_secs(600);
/// A challenge token is accepted no sooner than this after it was issued…
pub const TOKEN_MIN_AGE: u64 = 2;
/// …and no later than this.
pub const TOKEN_MAX_AGE: u64 = 2 * 60 * 60;
/// Leading zero bits of SHA-256(token ":" nonce) that the JSON API asks for.
pub const DIFFICULTY: u32 = 16;
/// The challenge token's header on the JSON API, and the proof of work's.
pub const TOKEN_HEADER: &str = "x-custodia-challenge";
pub const NONCE_HEADER: &str = "x-custodia-nonce";
/// Largest request: every attachment at its largest, and the fields.
const BODY_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES as usize + (2 << 20);
/// Requests served at once. A report's body is read whole (up to [`BODY_LIMIT`]) before its
/// token, proof of work and rate are checked, so anonymous requests in parallel could fill the
/// memory: the rest wait their turn, holding a connection and no body.
const CONCURRENT_REQUESTS: usize = 8;

/// The reporting point's own state: its challenge key, the tokens spent, the counts per address.
struct Intake {
    key: ring::hmac::Key,
    /// Tokens spent, with their issue time (forgotten once they would have expired anyway).
    spent: Mutex<HashMap<String, u64>>,
    /// When each address's recent reports were accepted (memory only).
    recent: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

#[derive(Clone)]
struct IntakeState {
    app: AppState,
    intake: Arc<Intake>,
}

impl Intake {
    /// A new key for this run's tokens; an error, not a panic, when the system has no
    /// randomness to give.
    fn new() -> std::io::Result<Self> {
        let mut secret = [0u8; 32];
        ring::rand::SystemRandom::new()
            .fill(&mut secret)
            .map_err(|_| {
                std::io::Error::other("no system randomness for the reporting point's token key")
            })?;
        Ok(Self {
            key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret),
            spent: Mutex::new(HashMap::new()),
            recent: Mutex::new(HashMap::new()),
        })
    }

    /// A new token: `ISSUED.RANDOM.MAC`.
    fn issue(&self) -> String {
        let mut random = [0u8; 12];
        let _ = ring::rand::SystemRandom::new().fill(&mut random);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let body = format!("{}.{}", unix_now(), b64.encode(random));
        let mac = ring::hmac::sign(&self.key, body.as_bytes());
        format!("{body}.{}", b64.encode(mac.as_ref()))
    }

    /// Checks a token and spends it.
    fn spend(&self, token: &str) -> Result<(), Refusal> {
        let bad = || {
            Refusal::new(
                StatusCode::FORBIDDEN,
                "token",
                "the challenge token is not one this reporting point issued; load the form again",
            )
        };
        let (body, mac) = token.rsplit_once('.').ok_or_else(bad)?;
        let mac = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| bad())?;
        ring::hmac::verify(&self.key, body.as_bytes(), &mac).map_err(|_| bad())?;
        let issued: u64 = body
            .split('.')
            .next()
            .and_then(|t| t.parse().ok())
            .ok_or_else(bad)?;
        let age = unix_now().saturating_sub(issued);
        if unix_now() < issued + TOKEN_MIN_AGE {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "token",
                format!(
                    "the challenge token was sent too soon after it was issued; wait {TOKEN_MIN_AGE} seconds"
                ),
            ));
        }
        if age > TOKEN_MAX_AGE {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "token",
                "the challenge token has expired (after two hours); load the form again",
            ));
        }
        let mut spent = self.spent.lock().unwrap_or_else(|e| e.into_inner());
        let now = unix_now();
        spent.retain(|_, issued| now.saturating_sub(*issued) <= TOKEN_MAX_AGE);
        if spent.insert(token.to_owned(), issued).is_some() {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "token",
                "the challenge token was used already; each token serves one report",
            ));
        }
        Ok(())
    }

    /// Refuses an address that has reached its allowance.
    fn admit(&self, ip: Option<IpAddr>) -> Result<(), Refusal> {
        let Some(ip) = ip else { return Ok(()) };
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        recent.retain(|_, times| {
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) > WINDOW)
            {
                times.pop_front();
            }
            !times.is_empty()
        });
        if recent
            .get(&ip)
            .is_some_and(|t| t.len() >= REPORTS_PER_WINDOW)
        {
            return Err(Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "report",
                format!(
                    "at most {REPORTS_PER_WINDOW} reports are accepted from one address in {} minutes; try again later",
                    WINDOW.as_secs() / 60
                ),
            ));
        }
        Ok(())
    }

    fn count(&self, ip: Option<IpAddr>) {
        if let Some(ip) = ip {
            self.recent
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(ip)
                .or_default()
                .push_back(Instant::now());
        }
    }
}

/// Why a submission was refused: a status, the field concerned and a message.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

impl Refusal {
    fn new(status: StatusCode, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            field,
            message: message.into(),
        }
    }

    fn json(self) -> Response {
        (
            self.status,
            Json(json!({ "error": self.message, "field": self.field })),
        )
            .into_response()
    }
}

/// The field a vault's validation message names (`` `date` … ``), if any.
fn field_of(message: &str) -> &'static str {
    for field in [
        "date",
        "place",
        "description",
        "lat",
        "lon",
        "killed",
        "injured",
        "contact",
    ] {
        if message.contains(&format!("`{field}`")) {
            return field;
        }
    }
    if message.contains("position") {
        return "lat";
    }
    if message.contains("attachment") {
        return "attachment";
    }
    "report"
}

/// The reporting point's router: these routes and nothing else (404 for all others).
pub fn router(state: AppState) -> std::io::Result<axum::Router> {
    let state = IntakeState {
        app: state,
        intake: Arc::new(Intake::new()?),
    };
    let turns = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_REQUESTS));
    let app = axum::Router::new()
        .route("/report", get(form_page).post(form_submit))
        .route("/api/v1/public/harm-reports/challenge", get(challenge))
        .route(
            "/api/v1/public/harm-reports",
            axum::routing::post(api_submit),
        )
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": "not found: this address serves only the reporting form (/report) and /api/v1/public/harm-reports" })),
            )
        })
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let turns = Arc::clone(&turns);
                async move {
                    // The semaphore is never closed: a permit always comes.
                    let _turn = turns.acquire_owned().await;
                    next.run(request).await
                }
            },
        ))
        .layer(axum::middleware::from_fn(crate::log_request))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ));
    Ok(
        crate::baseline_headers(app).layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        )),
    )
}

/// Serves the reporting point until `shutdown` completes.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::serve_router(router(state)?, listener, shutdown).await
}

/// The client's address, for the rate limit only: the peer, or behind a trusted proxy the
/// address it passes on.
fn client(state: &IntakeState, peer: SocketAddr, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer.ip();
    if state.app.trusted_proxies.contains(&peer) {
        crate::signin::forwarded(headers, &state.app.trusted_proxies)
            .0
            .or(Some(peer))
    } else {
        Some(peer)
    }
}

async fn challenge(State(state): State<IntakeState>) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "token": state.intake.issue(), "difficulty": DIFFICULTY })),
    )
        .into_response()
}

/// Whether SHA-256(`token` ":" `nonce`) begins with `difficulty` zero bits.
pub fn proof_holds(token: &str, nonce: &str, difficulty: u32) -> bool {
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{token}:{nonce}").as_bytes());
    let mut zeros = 0;
    for byte in digest.as_ref() {
        if *byte == 0 {
            zeros += 8;
            continue;
        }
        zeros += byte.leading_zeros();
        break;
    }
    zeros >= difficulty
}

/// One part of a `multipart/form-data` body.
struct Part {
    name: String,
    filename: Option<String>,
    data: Bytes,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while at + needle.len() <= haystack.len() {
        let next = haystack[at..].iter().position(|b| *b == first)? + at;
        if haystack.len() < next + needle.len() {
            return None;
        }
        if &haystack[next..next + needle.len()] == needle {
            return Some(next);
        }
        at = next + 1;
    }
    None
}

fn disposition_param(line: &str, name: &str) -> Option<String> {
    line.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The parts of a multipart body (held in memory: the body limit bounds it).
fn multipart(headers: &HeaderMap, body: &Bytes) -> Result<Vec<Part>, Refusal> {
    let malformed = |why: &str| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "report",
            format!("the multipart body is malformed: {why}"),
        )
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| malformed("no boundary"))?;
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let mut at =
        find(body, delimiter.as_bytes(), 0).ok_or_else(|| malformed("no part"))? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err(malformed("a boundary is not followed by a line end"));
        }
        at += 2;
        let head_end =
            find(body, b"\r\n\r\n", at).ok_or_else(|| malformed("a part has no headers' end"))?;
        let head = std::str::from_utf8(&body[at..head_end])
            .map_err(|_| malformed("a part's headers are not UTF-8"))?;
        let disposition = head
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .ok_or_else(|| malformed("a part has no Content-Disposition"))?;
        let name = disposition_param(disposition, "name")
            .ok_or_else(|| malformed("a part has no name"))?;
        let filename = disposition_param(disposition, "filename");
        let start = head_end + 4;
        let end = find(body, next_delimiter.as_bytes(), start)
            .ok_or_else(|| malformed("the last part is not closed"))?;
        parts.push(Part {
            name,
            filename,
            data: body.slice(start..end),
        });
        at = end + next_delimiter.len();
    }
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Attachments from the parts named `attachment` (empty file inputs left out), checked.
fn attachments(parts: &[Part]) -> Result<Vec<(String, Bytes)>, Refusal> {
    let files: Vec<(String, Bytes)> = parts
        .iter()
        .filter(|p| p.name == "attachment")
        .filter(|p| !(p.data.is_empty() && p.filename.as_deref().unwrap_or("").is_empty()))
        .map(|p| {
            (
                p.filename.clone().unwrap_or_else(|| "attachment".into()),
                p.data.clone(),
            )
        })
        .collect();
    if files.len() > MAX_ATTACHMENTS {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "attachment",
            format!(
                "{} attachments; at most {MAX_ATTACHMENTS} may come with a report",
                files.len()
            ),
        ));
    }
    for (name, data) in &files {
        if data.len() as u64 > MAX_ATTACHMENT_BYTES {
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "attachment",
                format!(
                    "the attachment `{name}` is {} bytes; at most {MAX_ATTACHMENT_BYTES} (25 MiB) are accepted",
                    data.len()
                ),
            ));
        }
    }
    Ok(files)
}

/// The input checked as the vault will check it (422 naming the field).
fn checked(input: &HarmReportInput) -> Result<(), Refusal> {
    input.checked().map(|_| ()).map_err(|e| {
        let message = match e {
            custodia_vault::VaultError::Invalid(m) => m,
            other => other.to_string(),
        };
        Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            field_of(&message),
            message,
        )
    })
}

/// Stores the report; returns its reference.
async fn store(
    state: &IntakeState,
    input: HarmReportInput,
    files: Vec<(String, Bytes)>,
) -> Result<String, Refusal> {
    state
        .app
        .with_vault(move |vault| {
            let mut readers: Vec<(String, u64, &[u8])> = files
                .iter()
                .map(|(name, data)| (name.clone(), data.len() as u64, data.as_ref()))
                .collect();
            let list = readers
                .iter_mut()
                .map(|(name, size, reader)| Attachment {
                    name: name.clone(),
                    size: *size,
                    reader,
                })
                .collect();
            Ok(vault.submit_harm_report(PUBLIC_ACTOR, &input, list)?)
        })
        .await
        .map(|receipt| receipt.reference)
        .map_err(|e| {
            let status = if e.status == StatusCode::BAD_REQUEST {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                e.status
            };
            Refusal::new(status, field_of(&e.message), e.message)
        })
}

fn parse_json(bytes: &[u8]) -> Result<HarmReportInput, Refusal> {
    serde_json::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        let field = ["unknown field", "missing field", "invalid type"]
            .iter()
            .find_map(|_| {
                let start = message.find('`')?;
                let rest = &message[start + 1..];
                let end = rest.find('`')?;
                Some(rest[..end].to_owned())
            });
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "report",
            match field {
                Some(f) => format!("the report's JSON is not accepted (field `{f}`): {message}"),
                None => format!("the report's JSON is not accepted: {message}"),
            },
        )
    })
}

/// `POST /api/v1/public/harm-reports`: JSON, or multipart with a `report` part and
/// `attachment` parts; the challenge token and nonce in headers.
async fn api_submit(
    State(state): State<IntakeState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ip = client(&state, peer, &headers);
    match api_submit_inner(&state, ip, &headers, body).await {
        Ok(reference) => {
            (StatusCode::CREATED, Json(json!({ "reference": reference }))).into_response()
        }
        Err(refusal) => refusal.json(),
    }
}

async fn api_submit_inner(
    state: &IntakeState,
    ip: Option<IpAddr>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<String, Refusal> {
    state.intake.admit(ip)?;
    let (input, files) = if is_multipart(headers) {
        let parts = multipart(headers, &body)?;
        let report = parts.iter().find(|p| p.name == "report").ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "report",
                "the multipart body has no `report` part (the report's JSON)",
            )
        })?;
        if let Some(other) = parts
            .iter()
            .find(|p| p.name != "report" && p.name != "attachment")
        {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "report",
                format!(
                    "unknown part `{}`: only `report` and `attachment` parts are accepted",
                    other.name
                ),
            ));
        }
        (parse_json(&report.data)?, attachments(&parts)?)
    } else {
        (parse_json(&body)?, Vec::new())
    };
    checked(&input)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let token = header(TOKEN_HEADER).ok_or_else(|| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "token",
            "no challenge token: take one from GET /api/v1/public/harm-reports/challenge and send it in `X-Custodia-Challenge`",
        )
    })?;
    let nonce = header(NONCE_HEADER).unwrap_or_default();
    if !proof_holds(&token, &nonce, DIFFICULTY) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "nonce",
            format!(
                "`X-Custodia-Nonce` does not solve the challenge: SHA-256(token \":\" nonce) must begin with {DIFFICULTY} zero bits"
            ),
        ));
    }
    state.intake.spend(&token)?;
    let reference = store(state, input, files).await?;
    state.intake.count(ip);
    Ok(reference)
}

#[derive(serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn form_lang(query: Option<&str>, headers: &HeaderMap) -> FormLang {
    query
        .and_then(FormLang::from_code)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(FormLang::from_accept_language)
        })
        .unwrap_or(FormLang::En)
}

/// `GET /report`: the form, with a fresh challenge token.
async fn form_page(
    State(state): State<IntakeState>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = form_lang(query.lang.as_deref(), &headers);
    report_form::form(
        lang,
        &state.intake.issue(),
        None,
        &report_form::Values::default(),
    )
}

/// `POST /report`: the form's multipart submission; answered by a page with the reference.
async fn form_submit(
    State(state): State<IntakeState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ip = client(&state, peer, &headers);
    let parts = match multipart(&headers, &body) {
        Ok(parts) => parts,
        Err(refusal) => {
            let lang = form_lang(None, &headers);
            return report_form::form(
                lang,
                &state.intake.issue(),
                Some(refusal),
                &report_form::Values::default(),
            );
        }
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).trim().to_owned())
            .unwrap_or_default()
    };
    let values = report_form::Values {
        date: text("date"),
        place: text("place"),
        lat: text("lat"),
        lon: text("lon"),
        description: text("description"),
        killed: text("killed"),
        injured: text("injured"),
        contact: text("contact"),
    };
    let lang_field = text("lang");
    let lang = form_lang(Some(lang_field.as_str()), &headers);
    let outcome = async {
        state.intake.admit(ip)?;
        let input = values.input()?;
        checked(&input)?;
        let files = attachments(&parts)?;
        state.intake.spend(&text("token"))?;
        let reference = store(&state, input, files).await?;
        state.intake.count(ip);
        Ok::<_, Refusal>(reference)
    }
    .await;
    match outcome {
        Ok(reference) => report_form::received(lang, &reference),
        Err(refusal) => report_form::form(lang, &state.intake.issue(), Some(refusal), &values),
    }
}

impl report_form::Values {
    /// The form's fields as a report (400 naming a number that is not one).
    fn input(&self) -> Result<HarmReportInput, Refusal> {
        let number = |field: &'static str, text: &str| -> Result<Option<f64>, Refusal> {
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| {
                    Refusal::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        field,
                        format!("`{field}` is not a number: `{text}`"),
                    )
                })
        };
        let count = |field: &'static str, text: &str| -> Result<u64, Refusal> {
            if text.is_empty() {
                return Ok(0);
            }
            text.parse::<u64>().map_err(|_| {
                Refusal::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    field,
                    format!("`{field}` is not a whole number: `{text}`"),
                )
            })
        };
        Ok(HarmReportInput {
            date: self.date.clone(),
            place: self.place.clone(),
            lat: number("lat", &self.lat)?,
            lon: number("lon", &self.lon)?,
            description: self.description.clone(),
            killed: count("killed", &self.killed)?,
            injured: count("injured", &self.injured)?,
            contact: Some(self.contact.clone()).filter(|c| !c.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_spent_once_and_not_too_soon() {
        let intake = Intake::new().unwrap();
        let token = intake.issue();
        assert_eq!(intake.spend(&token).unwrap_err().field, "token");
        let old = format!("{}.abc", unix_now() - 10);
        let mac = ring::hmac::sign(&intake.key, old.as_bytes());
        let old = format!(
            "{old}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.as_ref())
        );
        intake.spend(&old).unwrap();
        assert!(intake.spend(&old).unwrap_err().message.contains("used"));
        assert!(intake.spend("1.abc.def").is_err());
    }

    #[test]
    fn the_proof_of_work_counts_leading_zero_bits() {
        let nonce = (0u64..)
            .find(|n| proof_holds("t", &n.to_string(), 8))
            .unwrap();
        assert!(proof_holds("t", &nonce.to_string(), 8));
        assert!(proof_holds("t", "anything", 0));
    }

    #[test]
    fn multipart_bodies_are_split() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=XyZ"),
        );
        let body = Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n{}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n");
        let parts = multipart(&headers, &body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "report");
        assert_eq!(&parts[1].data[..], b"hello");
        assert_eq!(parts[1].filename.as_deref(), Some("a.txt"));
    }
}
