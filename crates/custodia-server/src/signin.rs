//! Who the client is and how its session is guarded: the client's address (taken from a
//! reverse proxy's `Forwarded` / `X-Forwarded-For` only when that proxy is named in the
//! configuration), whether the browser reached us over HTTPS, slowing repeated sign-in failures
//! down per account and per address, CSRF tokens bound to the session, and the cookie names
//! (`__Host-` prefixed where the site is served over HTTPS).
//!
//! The context is worked out once per request by [`client_context`] and handed on in two
//! internal request headers, which the middleware first removes from what the client sent, so
//! that no client can claim an address or HTTPS by sending them itself.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use custodia_vault::auth::IssuedSecret;
use custodia_vault::custodia_auth::Backoff;

use crate::{ApiError, AppState};

/// The client's address as worked out by [`client_context`] (internal; never trusted from the
/// client).
const CLIENT_HEADER: &str = "custodia-internal-client";
/// Present (`1`) when the browser reached the site over HTTPS (internal, as above).
const SECURE_HEADER: &str = "custodia-internal-secure";

/// Cookie names over plain HTTP (local use) and over HTTPS, where the `__Host-` prefix makes
/// the browser refuse them unless `Secure`, host-only and for `/`: a sibling site cannot plant
/// a session or a CSRF cookie.
const SESSION_PLAIN: &str = "custodia_session";
const SESSION_HOST: &str = "__Host-custodia_session";
const CSRF_PLAIN: &str = "custodia_csrf";
const CSRF_HOST: &str = "__Host-custodia_csrf";

/// Failure times kept per key at most (the back-off needs no more than a window's worth).
const FAILURES_KEPT: usize = 64;
/// Keys (account names and addresses) tracked at most; the oldest are forgotten beyond.
const KEYS_KEPT: usize = 100_000;

/// Works out the client's address and whether it came over HTTPS, and passes both on.
pub(crate) async fn client_context(
    State(state): State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let headers = request.headers_mut();
    headers.remove(CLIENT_HEADER);
    headers.remove(SECURE_HEADER);
    let (client, https) = match peer {
        Some(peer) if state.trusted_proxies.contains(&peer) => {
            let (client, https) = forwarded(headers, &state.trusted_proxies);
            (Some(client.unwrap_or(peer)), https)
        }
        other => (other, false),
    };
    if let Some(ip) = client {
        if let Ok(value) = HeaderValue::from_str(&ip.to_string()) {
            headers.insert(CLIENT_HEADER, value);
        }
    }
    if https {
        headers.insert(SECURE_HEADER, HeaderValue::from_static("1"));
    }
    next.run(request).await
}

/// From a trusted proxy's headers: the client (the nearest address that is not itself a
/// trusted proxy, reading the chain from the right, since only the right end was written by
/// our own proxies) and whether the client used HTTPS. `Forwarded` (RFC 7239) wins over the
/// `X-Forwarded-*` headers.
pub(crate) fn forwarded(headers: &HeaderMap, trusted: &[IpAddr]) -> (Option<IpAddr>, bool) {
    let all = |name: header::HeaderName| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .collect()
    };
    let mut chain: Vec<Option<IpAddr>> = Vec::new();
    let mut protos: Vec<String> = Vec::new();
    let elements = all(header::FORWARDED);
    if !elements.is_empty() {
        for element in &elements {
            let mut for_ = None;
            for pair in element.split(';') {
                let Some((key, value)) = pair.trim().split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match key.trim().to_ascii_lowercase().as_str() {
                    "for" => for_ = Some(parse_node(value)),
                    "proto" => protos.push(value.to_ascii_lowercase()),
                    _ => {}
                }
            }
            chain.push(for_.flatten());
        }
    } else {
        chain = all(header::HeaderName::from_static("x-forwarded-for"))
            .iter()
            .map(|s| parse_node(s))
            .collect();
        protos = all(header::HeaderName::from_static("x-forwarded-proto"))
            .into_iter()
            .map(|p| p.to_ascii_lowercase())
            .collect();
    }
    let mut client = None;
    for node in chain.iter().rev() {
        match node {
            Some(ip) if trusted.contains(ip) => continue,
            other => {
                client = *other;
                break;
            }
        }
    }
    // The protocol the outermost of our proxies saw (the last one written).
    let https = protos.last().is_some_and(|p| p == "https");
    (client, https)
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`,
/// `"[2001:db8::1]"`; `unknown` and obfuscated names are no address.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')
        .and_then(|t| t.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// The client's address (the peer, or what a trusted proxy said), if known.
pub(crate) fn client_ip(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get(CLIENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Whether the browser reached the site over HTTPS (as a trusted proxy said).
pub(crate) fn secure(headers: &HeaderMap) -> bool {
    headers.contains_key(SECURE_HEADER)
}

/// The session cookie's name for this request.
pub(crate) fn session_cookie(headers: &HeaderMap) -> &'static str {
    if secure(headers) {
        SESSION_HOST
    } else {
        SESSION_PLAIN
    }
}

/// The CSRF cookie's name for this request.
pub(crate) fn csrf_cookie(headers: &HeaderMap) -> &'static str {
    if secure(headers) {
        CSRF_HOST
    } else {
        CSRF_PLAIN
    }
}

/// A `Set-Cookie` value: `Secure` and `SameSite=Strict` always (browsers accept `Secure`
/// cookies from `http://localhost`), `HttpOnly` for the session.
pub(crate) fn set_cookie(name: &str, value: &str, http_only: bool, max_age: u64) -> String {
    format!(
        "{name}={value}; Path=/;{} Secure; SameSite=Strict; Max-Age={max_age}",
        if http_only { " HttpOnly;" } else { "" }
    )
}

/// The session cookie and the CSRF cookie of a new session, living as long as the session.
pub(crate) fn session_cookies(
    state: &AppState,
    headers: &HeaderMap,
    session: &IssuedSecret,
) -> [String; 2] {
    let max_age = session
        .expires_at
        .map(|e| e.saturating_sub(crate::unix_now()))
        .unwrap_or(0);
    [
        set_cookie(session_cookie(headers), &session.token, true, max_age),
        set_cookie(
            csrf_cookie(headers),
            &state.csrf_key.token(&session.token),
            false,
            max_age,
        ),
    ]
}

/// Whether `sent` is the CSRF token of the session presented with this request (compared in
/// constant time).
pub(crate) fn csrf_matches(state: &AppState, headers: &HeaderMap, sent: &str) -> bool {
    crate::cookie(headers, session_cookie(headers))
        .is_some_and(|session| state.csrf_key.matches(session, sent))
}

/// Sign-in failures per account name and per client address, for the back-off.
#[derive(Default)]
pub(crate) struct Failures {
    by_key: HashMap<String, Vec<u64>>,
}

impl Failures {
    fn wait_ms(&self, backoff: &Backoff, key: &str, now: u64) -> u64 {
        self.by_key
            .get(key)
            .map_or(0, |times| backoff.wait_ms(times, now))
    }

    fn record(&mut self, backoff: &Backoff, key: String, now: u64) {
        if self.by_key.len() >= KEYS_KEPT && !self.by_key.contains_key(&key) {
            // Forget whatever has aged out of the window; if nothing has, the oldest entry.
            self.by_key.retain(|_, t| {
                t.iter()
                    .any(|&at| now.saturating_sub(at) <= backoff.window_ms)
            });
            if self.by_key.len() >= KEYS_KEPT {
                let oldest = self
                    .by_key
                    .iter()
                    .min_by_key(|(_, t)| t.iter().max().copied().unwrap_or(0))
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.by_key.remove(&oldest);
                }
            }
        }
        let times = self.by_key.entry(key).or_default();
        times.push(now);
        if times.len() > FAILURES_KEPT {
            times.remove(0);
        }
    }
}

fn account_key(user: &str) -> String {
    format!("user:{}", user.trim().to_lowercase())
}

fn address_key(ip: Option<IpAddr>) -> String {
    match ip {
        Some(ip) => format!("addr:{ip}"),
        None => "addr:unknown".into(),
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Signs in, slowed down by earlier failures: an address in back-off is answered 429 with
/// `Retry-After` before any password is checked; an account in back-off waits (at most the
/// back-off's cap) and is then checked, so that failures by someone else slow its owner down
/// but never shut them out. Account names are tracked whether or not they exist, so the delay
/// says nothing about who does.
pub(crate) async fn sign_in(
    state: &AppState,
    headers: &HeaderMap,
    user: String,
    password: String,
    code: Option<String>,
) -> Result<IssuedSecret, Refusal> {
    let ip = client_ip(headers);
    if let Some(ip) = ip {
        state.admit_login(ip)?;
    }
    let backoff = state.backoff;
    let (address, account) = (address_key(ip), account_key(&user));
    let (address_wait, account_wait) = {
        let failures = state.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_ms();
        (
            failures.wait_ms(&backoff, &address, now),
            failures.wait_ms(&backoff, &account, now),
        )
    };
    if address_wait > 0 {
        return Err(Refusal::Wait(address_wait.div_ceil(1000)));
    }
    if account_wait > 0 {
        tokio::time::sleep(Duration::from_millis(account_wait.min(backoff.max_ms))).await;
    }
    let outcome = state
        .with_vault(move |vault| Ok(vault.sign_in(&user, &password, code.as_deref())?))
        .await;
    let mut failures = state.failures.lock().unwrap_or_else(|e| e.into_inner());
    match &outcome {
        Ok(_) => {
            failures.by_key.remove(&account);
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => {
            let now = now_ms();
            failures.record(&backoff, address, now);
            failures.record(&backoff, account, now);
        }
        Err(_) => {}
    }
    Ok(outcome?)
}

/// Why a sign-in did not happen.
pub(crate) enum Refusal {
    /// Failed (or could not be tried): the API's error.
    Failed(ApiError),
    /// The client's address must wait this many seconds before trying again.
    Wait(u64),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Failed(e)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Failed(e) => e.into_response(),
            Refusal::Wait(seconds) => too_many(seconds),
        }
    }
}

/// The answer to an address still in back-off.
pub(crate) fn too_many(seconds: u64) -> Response {
    let mut response = crate::guard::error_response(
        StatusCode::TOO_MANY_REQUESTS,
        &format!("too many failed sign-ins from this address; try again in {seconds} s"),
    );
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn a_trusted_proxy_names_the_client_from_the_right() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let trusted = [proxy];
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 192.0.2.7, 10.0.0.2")]);
        assert_eq!(
            forwarded(&h, &trusted),
            (Some("192.0.2.7".parse().unwrap()), false)
        );
        let h = headers(&[
            (
                "forwarded",
                "for=6.6.6.6, for=\"[2001:db8::9]:4711\";proto=https",
            ),
            ("x-forwarded-for", "1.1.1.1"),
        ]);
        assert_eq!(
            forwarded(&h, &trusted),
            (Some("2001:db8::9".parse().unwrap()), true)
        );
        let h = headers(&[
            ("x-forwarded-for", "unknown"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(forwarded(&h, &trusted), (None, true));
        assert_eq!(forwarded(&HeaderMap::new(), &trusted), (None, false));
    }

    #[test]
    fn failures_are_bounded() {
        let backoff = Backoff::default();
        let mut f = Failures::default();
        for i in 0..200 {
            f.record(&backoff, "user:ana".into(), 1_000 + i);
        }
        assert_eq!(f.by_key["user:ana"].len(), FAILURES_KEPT);
        assert_eq!(f.wait_ms(&backoff, "user:ana", 1_199), 60_000);
        assert_eq!(f.wait_ms(&backoff, "user:bob", 1_199), 0);
    }
}
