//! What the server refuses before any handler sees it, and the one shape of every API error.
//!
//! Two layers wrap every route:
//! - [`refuse_unstorable_input`]: a path, query value, JSON string (key or value) or form value
//!   holding NUL or another control character (other than tab, line feed and carriage return)
//!   is refused with 400 naming where it was. No catalog stores NUL in text (PostgreSQL refuses
//!   it outright), and no legitimate name, note or password needs a control character; refusing
//!   here means no handler can forget to.
//! - [`json_errors`]: under `/api/`, every error answer is `{"error": …, "id": …}` with
//!   `application/json`, whatever produced it (a handler, an extractor's rejection, a body
//!   limit); a server error (5xx) never shows its internal message, only the id, which is logged
//!   with the message so an operator can find it.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Largest body inspected (the JSON and form routes' own limit; larger bodies are refused by
/// the body limit anyway).
const INSPECT_LIMIT: usize = 1 << 20;
/// Largest error body rewritten into JSON.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Whether `c` may be stored in a text field.
fn storable(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// The first place in `value` holding a character that cannot be stored, as a dotted path.
fn unstorable_in(value: &Value, at: &str) -> Option<String> {
    match value {
        Value::String(s) => (!s.chars().all(storable)).then(|| at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| unstorable_in(v, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = format!("{at}.{}", printable(k));
            if !k.chars().all(storable) {
                Some(here)
            } else {
                unstorable_in(v, &here)
            }
        }),
        _ => None,
    }
}

/// `text` with control characters shown as `\u{..}`, for naming a field in a message.
fn printable(text: &str) -> String {
    text.chars()
        .take(80)
        .map(|c| {
            if storable(c) {
                c.to_string()
            } else {
                c.escape_unicode().to_string()
            }
        })
        .collect()
}

/// The first `name=value` pair of a URL-encoded text holding an unstorable character.
fn unstorable_pair(encoded: &[u8], what: &str) -> Option<String> {
    form_urlencoded::parse(encoded).find_map(|(k, v)| {
        if !k.chars().all(storable) || !v.chars().all(storable) {
            Some(format!("{what} `{}`", printable(&k)))
        } else {
            None
        }
    })
}

fn refusal(api: bool, place: &str) -> Response {
    let message = format!(
        "{place} holds NUL or another control character, which cannot be stored; remove it and send again"
    );
    if api {
        error_response(StatusCode::BAD_REQUEST, &message)
    } else {
        (StatusCode::BAD_REQUEST, message).into_response()
    }
}

/// Refuses, before any handler, input that holds characters no field can store.
pub(crate) async fn refuse_unstorable_input(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let path = percent_encoding::percent_decode_str(request.uri().path()).decode_utf8_lossy();
    if !path.chars().all(storable) {
        return refusal(api, "the path");
    }
    if let Some(query) = request.uri().query() {
        if let Some(place) = unstorable_pair(query.as_bytes(), "the query parameter") {
            return refusal(api, &place);
        }
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    // As axum's `Json` reads a body: `application/json` and any `application/…+json`.
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !(json || form) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, INSPECT_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let message = format!("the body is larger than {INSPECT_LIMIT} bytes");
            return if api {
                error_response(StatusCode::PAYLOAD_TOO_LARGE, &message)
            } else {
                (StatusCode::PAYLOAD_TOO_LARGE, message).into_response()
            };
        }
    };
    let place = if json {
        // A body that is not JSON is left to the route, which answers 400 with its reason.
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|value| unstorable_in(&value, "body"))
            .map(|at| format!("the field `{at}`"))
    } else {
        unstorable_pair(&bytes, "the form field")
    };
    if let Some(place) = place {
        return refusal(api, &place);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A new id for an error answer: 16 hex digits, random, quoted by a user to an operator.
pub(crate) fn error_id() -> String {
    let mut bytes = [0u8; 8];
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).is_err() {
        // Only the id's uniqueness suffers; the time still tells errors apart.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        bytes = nanos.to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The body of every API error (the document's `Error` schema).
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// What failed, on which input, and what to do.
    error: String,
    /// The error's id (16 hexadecimal digits), to quote to the operator.
    id: String,
}

/// The API's error answer: `{"error": message, "id": …}`; a 5xx shows only the id.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response {
    let id = error_id();
    let error = if status.is_server_error() {
        tracing::error!(error_id = %id, status = status.as_u16(), error = %message, "server error");
        format!("the server could not complete the request; quote error id {id} to its operator")
    } else {
        message.to_owned()
    };
    let mut response = (status, axum::Json(ErrorBody { error, id })).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Rewrites every error answer under `/api/` into the API's error shape.
pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, ERROR_BODY_LIMIT).await.unwrap_or_default();
    let message = if is_json {
        match serde_json::from_slice::<Value>(&bytes) {
            // Already in shape (ids are given once, where the error was made).
            Ok(value) if value.get("id").is_some() => {
                return Response::from_parts(parts, Body::from(bytes));
            }
            Ok(value) => value
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string()),
            Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
        }
    } else {
        String::from_utf8_lossy(&bytes).trim().to_owned()
    };
    let message = if message.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_owned()
    } else {
        message
    };
    let mut rewritten = error_response(status, &message);
    // Keep what the original answer said beside its body (Allow, WWW-Authenticate, Retry-After…).
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unstorable_strings_are_found_with_their_place() {
        let value = json!({"a": "fine", "b": [{"c": "bad\u{0}"}]});
        assert_eq!(
            unstorable_in(&value, "body").as_deref(),
            Some("body.b[0].c")
        );
        let value = json!({"note": "line\nbreak\ttab\r"});
        assert_eq!(unstorable_in(&value, "body"), None);
        let value = json!({"k\u{1}": 1});
        assert_eq!(
            unstorable_in(&value, "body").as_deref(),
            Some("body.k\\u{1}")
        );
        assert_eq!(
            unstorable_pair(b"q=a%00b", "the query parameter").as_deref(),
            Some("the query parameter `q`")
        );
        assert_eq!(unstorable_pair(b"q=abc&x=%C3%A9", "q"), None);
    }
}
