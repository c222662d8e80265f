//! Replay of web captures: the archived page, played back from its WACZ by the bundled
//! ReplayWeb.page (assets/replaywebpage, AGPL-3.0-or-later, see its SOURCE.md), on a listener
//! of its own.
//!
//! A replayed page is hostile content: its scripts run in the replay frame, and ReplayWeb.page's
//! service worker lets them reach their own origin. On the application's origin they could read
//! other evidence with the viewer's cookies; so replay has an origin of its own, which serves
//! only ReplayWeb.page's files and the WACZ bytes of a capability token, ignores cookies, and
//! answers 404 to everything else. The application's origin never serves ReplayWeb.page's code:
//! a capture's page only embeds a frame of the replay origin.
//!
//! A token is minted when a capture's page is shown to someone the one access decision lets
//! take the capture and its WACZ out of the vault; it names the WACZ and that user, and lives an
//! hour (in memory: a restart forgets them). Each fetch of its bytes asks the access decision
//! again and is recorded in the custody log, as every preview and download is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use custodia_vault::custodia_access::Action;
use custodia_vault::custodia_blobstore::ContentHash;

use crate::AppState;

const UI_JS: &[u8] = include_bytes!("../assets/replaywebpage/ui.js");
const SW_JS: &[u8] = include_bytes!("../assets/replaywebpage/sw.js");
const LICENSE: &[u8] = include_bytes!("../assets/replaywebpage/LICENSE");

/// The replay frame's page: ReplayWeb.page's application and nothing else (no favicon, no
/// manifest, nothing from elsewhere).
const INDEX_HTML: &str = "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Replay</title>\n<link rel=\"icon\" href=\"data:,\">\n<script src=\"./ui.js\"></script>\n</head>\n<body>\n<replay-app-main></replay-app-main>\n</body>\n</html>\n";

/// How long a replay token lives, unless the server is told otherwise.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// Most tokens held at once; beyond, the one that expires first gives way.
const MOST_TOKENS: usize = 10_000;

/// What a token lets its bearer fetch: one WACZ of one capture, as one user.
#[derive(Clone)]
struct Grant {
    capture: ContentHash,
    wacz: ContentHash,
    user: String,
    expires: Instant,
}

/// The replay origin and its tokens (shared by both listeners through [`AppState`]).
pub(crate) struct Replay {
    /// The URL browsers reach the replay listener at (`None`: replay is not served).
    origin: Option<String>,
    lifetime: Duration,
    tokens: Mutex<HashMap<String, Grant>>,
}

impl Default for Replay {
    fn default() -> Self {
        Self::new(None, DEFAULT_TOKEN_LIFETIME)
    }
}

impl Replay {
    pub(crate) fn new(origin: Option<String>, lifetime: Duration) -> Self {
        Self {
            origin: origin.map(|o| o.trim_end_matches('/').to_owned()),
            lifetime,
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// A new random 256-bit token for `user` to fetch `wacz` of `capture`.
    fn mint(&self, capture: ContentHash, wacz: ContentHash, user: &str) -> Option<String> {
        let mut random = [0u8; 32];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random).ok()?;
        let token = hex::encode(random);
        let now = Instant::now();
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.retain(|_, g| g.expires > now);
        while tokens.len() >= MOST_TOKENS {
            let first = tokens
                .iter()
                .min_by_key(|(_, g)| g.expires)
                .map(|(t, _)| t.clone())?;
            tokens.remove(&first);
        }
        tokens.insert(
            token.clone(),
            Grant {
                capture,
                wacz,
                user: user.to_owned(),
                expires: now + self.lifetime,
            },
        );
        Some(token)
    }

    /// The grant of a token that exists and has not expired.
    fn grant(&self, token: &str) -> Option<Grant> {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let grant = tokens.get(token)?.clone();
        if grant.expires <= Instant::now() {
            tokens.remove(token);
            return None;
        }
        Some(grant)
    }
}

/// The replay frame of a capture for `user`, if replay is served and the one access decision
/// lets `user` take both the capture record and its WACZ out of the vault: the frame's address
/// on the replay origin (with a fresh token) and that origin, for the page's `frame-src`.
pub(crate) fn frame_for(
    state: &AppState,
    vault: &custodia_vault::Vault,
    user: &str,
    capture: &ContentHash,
    wacz: &str,
    url: &str,
    started_at: &str,
) -> Option<(String, String)> {
    let origin = state.replay.origin()?.to_owned();
    let wacz: ContentHash = wacz.parse().ok()?;
    vault.item_for(user, Action::Download, capture).ok()?;
    vault.item_for(user, Action::Download, &wacz).ok()?;
    let token = state.replay.mint(*capture, wacz, user)?;
    Some((frame_src(&origin, &token, url, started_at), origin))
}

/// The replay frame's address: the query and hash that ReplayWeb.page's `<replay-web-page>`
/// element gives its own frame (its src/embed.ts), built here so that the application's page
/// loads no code of ReplayWeb.page.
fn frame_src(origin: &str, token: &str, url: &str, started_at: &str) -> String {
    use sha2::Digest as _;
    // A collection of its own per token: ReplayWeb.page keeps a collection's source address,
    // and a token's address stops working when it expires.
    let coll = format!(
        "capture-{}",
        &hex::encode(sha2::Sha256::digest(token.as_bytes()))[..16]
    );
    let source = format!("{origin}/replay/source/{token}");
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("source", &source)
        .append_pair("customColl", &coll)
        .append_pair("embed", "replayonly")
        .finish();
    // WACZ pages' times as ReplayWeb.page writes them: the 14 digits of the UTC time.
    let ts: String = started_at
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let mut hash = form_urlencoded::Serializer::new(String::new());
    hash.append_pair("url", url);
    if ts.len() == 14 {
        hash.append_pair("ts", &ts);
    }
    format!("{origin}/replay/index.html?{query}#{}", hash.finish())
}

/// The replay listener's routes: ReplayWeb.page's files and tokens' WACZ bytes, nothing else.
pub fn router(state: AppState) -> axum::Router {
    let app = axum::Router::new()
        .route("/replay/index.html", get(index))
        .route("/replay/ui.js", get(|| async { script(UI_JS) }))
        .route("/replay/sw.js", get(|| async { script(SW_JS) }))
        .route(
            "/replay/LICENSE",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    LICENSE,
                )
            }),
        )
        .route("/replay/source/{token}", get(source))
        .fallback(|| async { not_found() })
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::log_request));
    crate::baseline_headers(app)
}

/// Serves the replay listener until `shutdown` completes.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::serve_router(router(state), listener, shutdown).await
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "not found\n",
    )
        .into_response()
}

async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX_HTML,
    )
        .into_response()
}

fn script(bytes: &'static [u8]) -> Response {
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response();
    response.headers_mut().insert(
        "service-worker-allowed",
        HeaderValue::from_static("/replay/"),
    );
    response
}

/// `GET /replay/source/{token}`: the WACZ of a live token, one range honoured (ReplayWeb.page
/// reads a WACZ by ranges), if its user may still take it out of the vault; each fetch is a
/// custody entry. Cookies are not read: the token is the only credential.
async fn source(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(grant) = state.replay.grant(&token) else {
        return not_found();
    };
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (user, capture) = (grant.user.clone(), grant.capture);
    let still = state
        .with_reader(move |vault| Ok(vault.item_for(&user, Action::Download, &capture).is_ok()))
        .await
        .unwrap_or(false);
    if !still {
        return not_found();
    }
    let answer = crate::stream::stream_item(
        &state,
        grant.user,
        grant.wacz,
        "replaying a web capture in the web application".into(),
        range,
        Some("application/wacz".into()),
    )
    .await;
    match answer {
        Ok(mut response) => {
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            response
        }
        // Whatever the reason (the access decision refused, the item is gone), nothing is said.
        Err(e) if e.status.is_client_error() => not_found(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled files are those SOURCE.md names, byte for byte.
    #[test]
    fn the_bundled_files_are_those_of_source_md() {
        use sha2::Digest as _;
        let source = include_str!("../assets/replaywebpage/SOURCE.md");
        for (name, bytes) in [("ui.js", UI_JS), ("sw.js", SW_JS), ("LICENSE", LICENSE)] {
            let line = format!("| {name} | {} |", hex::encode(sha2::Sha256::digest(bytes)));
            assert!(
                source.contains(&line),
                "SOURCE.md does not name {name} with its SHA-256 (`{line}`)"
            );
        }
        assert!(source.contains("- integrity: sha512-"));
        assert!(LICENSE.starts_with(b"                    GNU AFFERO GENERAL PUBLIC LICENSE"));
    }

    #[test]
    fn the_frame_carries_the_source_the_page_and_its_time() {
        let src = frame_src(
            "http://127.0.0.1:8081",
            "ab",
            "http://example.org/a?b=c&d",
            "2026-12-05T06:28:10.123Z",
        );
        assert!(src.starts_with("http://127.0.0.1:8081/replay/index.html?source=http%3A%2F%2F127.0.0.1%3A8081%2Freplay%2Fsource%2Fab&customColl=capture-"), "{src}");
        assert!(
            src.contains(
                "&embed=replayonly#url=http%3A%2F%2Fexample.org%2Fa%3Fb%3Dc%26d&ts=20261205062810"
            ),
            "{src}"
        );
    }

    #[test]
    fn tokens_expire_and_are_bounded() {
        let hash: ContentHash = "0".repeat(64).parse().unwrap();
        let replay = Replay::new(Some("http://r/".into()), Duration::from_millis(50));
        assert_eq!(replay.origin(), Some("http://r"));
        let token = replay.mint(hash, hash, "ana").unwrap();
        assert_eq!(token.len(), 64);
        assert_eq!(replay.grant(&token).unwrap().user, "ana");
        assert!(replay.grant("nope").is_none());
        std::thread::sleep(Duration::from_millis(80));
        assert!(replay.grant(&token).is_none());
        let replay = Replay::new(None, Duration::from_secs(60));
        for _ in 0..MOST_TOKENS + 5 {
            replay.mint(hash, hash, "ana").unwrap();
        }
        assert_eq!(replay.tokens.lock().unwrap().len(), MOST_TOKENS);
    }
}
