//! Custodia's HTTP API: the vault's functions as JSON under `/api/v1/`, with sign-in, streamed
//! downloads with ranges, health and readiness, and an OpenAPI 3 document generated from the
//! routes themselves (`/api/openapi.json`), so the two cannot drift apart.
//!
//! One vault per server, opened for writing, behind a mutex: the vault's work is blocking
//! (SQLite, files, fsync), so every handler hands it to Tokio's blocking pool. Authentication is a
//! bearer token (API clients) or the session cookie (browsers); a browser's state-changing request
//! must also carry the CSRF token from its non-HttpOnly cookie in `X-CSRF-Token`. Every route asks
//! the vault, which asks the one policy function; errors never say more than "not found" about
//! an item the caller may not know of.

#![forbid(unsafe_code)]

mod api;
pub mod capture;
mod guard;
mod health;
pub mod intake;
mod openapi;
pub mod replay;
mod signin;
mod stream;
mod web;

pub use api::auth::LoginRequest;
pub use stream::parse_range;
pub use web::case_report;
pub use web::map::TileExtract;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use custodia_vault::custodia_auth::{Backoff, CsrfKey};
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::{Vault, VaultError};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The session cookie (HttpOnly) and the CSRF cookie (readable by the page's script) over plain
/// HTTP; behind a trusted proxy that says HTTPS they carry the `__Host-` prefix.
pub const SESSION_COOKIE: &str = "custodia_session";
pub const CSRF_COOKIE: &str = "custodia_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Sign-in attempts allowed per client address per minute, before any password is checked.
const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 10;
/// Largest JSON body accepted.
const BODY_LIMIT: usize = 1 << 20;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Custodia API",
        description = "Preserve, prove and share evidence of international crimes.",
        version = "1"
    ),
    components(schemas(LoginRequest))
)]
struct ApiDoc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The writing handle: every change, one at a time, in short transactions.
    vault: Arc<Mutex<Vault>>,
    /// Reading handles ([`Vault::reader`]): searches, pages and health checks run on these, side
    /// by side and while the writing handle is busy.
    readers: Arc<Readers>,
    limiter: Arc<Mutex<HashMap<IpAddr, (Instant, u32)>>>,
    /// How repeated sign-in failures are slowed down, and the failures per account and address.
    backoff: Backoff,
    failures: Arc<Mutex<signin::Failures>>,
    /// This server's key for CSRF tokens (drawn at start: a token lives as long as the process).
    csrf_key: Arc<CsrfKey>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-*` headers are believed.
    trusted_proxies: Arc<Vec<IpAddr>>,
    /// Set while a background extraction runs, so uploads do not start one each.
    extraction_running: Arc<std::sync::atomic::AtomicBool>,
    /// Set when new items arrived since the running extraction took its list.
    extraction_requested: Arc<std::sync::atomic::AtomicBool>,
    /// The writer of reads' custody entries (started on first use): searches hand it their
    /// events and wait for their log positions, so that many searches share one append.
    read_log: Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<PendingRead>>>,
    /// A second writing handle ([`Vault::another_writer`]) for those entries alone, so that a
    /// search's entry never queues behind an ingest or an extraction on the main one (`None`:
    /// they go through the main handle).
    read_log_writer: Option<Arc<Mutex<Vault>>>,
    /// Set while the writing handle has been asked to bring the index's labels up to date
    /// after access was granted (one request at a time, however many searches noticed).
    labels_refresh_queued: Arc<std::sync::atomic::AtomicBool>,
    /// The replay origin of web captures and its capability tokens ([`replay`]).
    pub(crate) replay: Arc<replay::Replay>,
    /// The holder's detailed map extract (`serve --tiles`), beside the bundled world basemap.
    pub(crate) tiles: Option<Arc<web::map::TileExtract>>,
}

impl AppState {
    pub fn new(vault: Vault) -> Self {
        let readers = Readers::open(&vault);
        let read_log_writer = match vault.another_writer() {
            Ok(writer) => writer.map(|w| Arc::new(Mutex::new(w))),
            Err(e) => {
                tracing::warn!(error = %e, "reads' custody entries go through the main writing handle");
                None
            }
        };
        Self {
            read_log_writer,
            vault: Arc::new(Mutex::new(vault)),
            readers: Arc::new(readers),
            limiter: Arc::new(Mutex::new(HashMap::new())),
            backoff: Backoff::default(),
            failures: Arc::new(Mutex::new(signin::Failures::default())),
            csrf_key: Arc::new(CsrfKey::generate()),
            trusted_proxies: Arc::new(Vec::new()),
            extraction_running: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            extraction_requested: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            read_log: Arc::new(std::sync::OnceLock::new()),
            labels_refresh_queued: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            replay: Arc::new(replay::Replay::default()),
            tiles: None,
        }
    }

    /// Serves a PMTiles archive (vector tiles, e.g. a regional extract of a Protomaps build:
    /// [`TileExtract::open`]) to the pages' maps on top of the bundled world basemap, so that
    /// they zoom as far as it goes.
    pub fn with_tiles(mut self, extract: TileExtract) -> Self {
        self.tiles = Some(Arc::new(extract));
        self
    }

    /// Replays web captures from the replay listener ([`replay::serve`]) that browsers reach
    /// at `origin` (scheme, host and port); a replay token lives `token_lifetime`.
    pub fn with_replay(mut self, origin: &str, token_lifetime: Duration) -> Self {
        self.replay = Arc::new(replay::Replay::new(Some(origin.to_owned()), token_lifetime));
        self
    }

    /// Believes the client address and protocol that these reverse proxies pass on
    /// (`Forwarded`, `X-Forwarded-For`, `X-Forwarded-Proto`); from anyone else those headers
    /// are ignored.
    pub fn with_trusted_proxies(mut self, proxies: Vec<IpAddr>) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// Counts a sign-in attempt from `ip`; refuses beyond the per-minute allowance.
    pub(crate) fn admit_login(&self, ip: IpAddr) -> Result<(), ApiError> {
        let mut limiter = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let entry = limiter.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) > Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > LOGIN_ATTEMPTS_PER_MINUTE {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many sign-in attempts from this address; wait a minute",
            ));
        }
        Ok(())
    }

    /// Extracts text and metadata of new items in the background (one run at a time), so that
    /// uploads become searchable without the uploader waiting.
    ///
    /// The vault is held only to take a batch and to record it: parsers and external tools
    /// (an OCR run can last minutes) work on a detached [`custodia_vault::ExtractionJob`] while
    /// every other request is answered.
    pub(crate) fn extract_in_background(&self) {
        use std::sync::atomic::Ordering;
        self.extraction_requested.store(true, Ordering::SeqCst);
        if self.extraction_running.swap(true, Ordering::SeqCst) {
            return; // the running extraction goes round again for these items
        }
        let state = self.clone();
        tokio::spawn(async move {
            loop {
                while state.extraction_requested.swap(false, Ordering::SeqCst) {
                    match state.extract_detached().await {
                        Ok(report) => tracing::info!(
                            items = report.items,
                            failed = report.failed.len(),
                            "background extraction done"
                        ),
                        Err(e) => {
                            tracing::error!(error = %e.message, "background extraction failed")
                        }
                    }
                }
                state.extraction_running.store(false, Ordering::SeqCst);
                // A request that came between the last round and the flag's release.
                if !state.extraction_requested.load(Ordering::SeqCst)
                    || state.extraction_running.swap(true, Ordering::SeqCst)
                {
                    break;
                }
            }
        });
    }

    /// The batches of a background extraction: taken and recorded with the vault, run without.
    async fn extract_detached(&self) -> Result<custodia_vault::ExtractReport, ApiError> {
        let options = custodia_vault::ExtractOptions::default();
        // Small batches: each becomes searchable as soon as it is read.
        let batch = options.workers.max(1) * 2;
        let mut report = custodia_vault::ExtractReport::default();
        let started = Instant::now();
        let opts = options.clone();
        let pending = self
            .with_vault(move |vault| Ok(vault.pending_extractions(&opts)?))
            .await?;
        report.items = pending.len() as u64;
        for chunk in pending.chunks(batch) {
            let chunk = chunk.to_vec();
            let opts = options.clone();
            let job = self
                .with_vault(move |vault| Ok(vault.prepare_extraction(&chunk, &opts)?))
                .await?;
            let done = tokio::task::spawn_blocking(move || job.run())
                .await
                .map_err(|_| ApiError::internal("an extraction worker stopped"))?;
            let so_far = std::mem::take(&mut report);
            report = self
                .with_vault(move |vault| {
                    let mut so_far = so_far;
                    let actor = vault.config().administrator.clone();
                    vault.record_extractions(done, &actor, &mut so_far)?;
                    Ok(so_far)
                })
                .await?;
        }
        self.with_vault(|vault| Ok(vault.finish_extractions()?))
            .await?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Records the custody event of a read (a search) and returns its log position, once it is
    /// durable. Events that arrive while a group is being written go together in the next
    /// group: one catalog transaction and one log append (one group of fsyncs) for all, instead
    /// of one each, which under load is what every search would otherwise queue behind.
    pub(crate) async fn record_read(
        &self,
        event: custodia_vault::custodia_catalog::NewEvent,
    ) -> Result<u64, ApiError> {
        let sender = self.read_log.get_or_init(|| {
            let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(self.clone().write_reads(receiver));
            sender
        });
        let (done, waiting) = tokio::sync::oneshot::channel();
        let stopped = || ApiError::internal("the writer of the custody log's read entries stopped");
        sender.send((event, done)).map_err(|_| stopped())?;
        waiting.await.map_err(|_| stopped())?
    }

    /// The one writer of reads' custody entries: takes every event waiting, records them as
    /// one group, answers each waiter with its position.
    async fn write_reads(self, mut receiver: tokio::sync::mpsc::UnboundedReceiver<PendingRead>) {
        const MOST_PER_GROUP: usize = 1024;
        while let Some(first) = receiver.recv().await {
            let mut group = vec![first];
            while group.len() < MOST_PER_GROUP {
                match receiver.try_recv() {
                    Ok(next) => group.push(next),
                    Err(_) => break,
                }
            }
            let (events, waiters): (Vec<_>, Vec<_>) = group.into_iter().unzip();
            let recorded = match &self.read_log_writer {
                Some(writer) => {
                    let writer = Arc::clone(writer);
                    tokio::task::spawn_blocking(move || {
                        let mut vault = writer.lock().unwrap_or_else(|e| e.into_inner());
                        Ok::<_, ApiError>(vault.record_reads(events)?)
                    })
                    .await
                    .unwrap_or_else(|_| Err(ApiError::internal("a worker stopped")))
                }
                None => {
                    self.with_vault(move |vault| Ok(vault.record_reads(events)?))
                        .await
                }
            };
            match recorded {
                Ok(positions) => {
                    for (waiter, position) in waiters.into_iter().zip(positions) {
                        let _ = waiter.send(Ok(position));
                    }
                }
                Err(e) => {
                    for waiter in waiters {
                        let _ = waiter.send(Err(ApiError::new(e.status, e.message.clone())));
                    }
                }
            }
        }
    }

    /// A search on a reading handle, not yet in the custody log (see [`AppState::record_read`]).
    /// When access changes have not reached the index's labels yet, the writing handle brings
    /// them up to date first: a search never runs on labels older than the access rules.
    pub(crate) async fn search_unrecorded(
        &self,
        user: String,
        query: String,
        limit: usize,
        sort: custodia_vault::custodia_search::Sort,
    ) -> Result<
        (
            custodia_vault::SearchReport,
            custodia_vault::custodia_catalog::NewEvent,
        ),
        ApiError,
    > {
        for _ in 0..3 {
            let (u, q) = (user.clone(), query.clone());
            let searched = self
                .with_reader(move |vault| Ok(vault.search_read(&u, &q, limit, sort)?))
                .await?;
            if let Some(found) = searched {
                if found.0.labels_behind {
                    self.queue_labels_refresh();
                }
                return Ok(found);
            }
            self.with_vault(|vault| Ok(vault.refresh_search_labels()?))
                .await?;
        }
        // Access keeps changing under the searches: search on the writing handle.
        self.with_vault(move |vault| Ok(vault.search_unrecorded(&user, &query, limit, sort)?))
            .await
    }

    /// Asks the writing handle, in the background, to bring the index's labels up to access
    /// granted since they were computed. Nobody waits for it: until it is done, searches show
    /// less than the rules allow, never more (see `Vault::search_read`).
    fn queue_labels_refresh(&self) {
        use std::sync::atomic::Ordering;
        if self.labels_refresh_queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let state = self.clone();
        tokio::spawn(async move {
            let refreshed = state
                .with_vault(|vault| Ok(vault.refresh_search_labels()?))
                .await;
            state.labels_refresh_queued.store(false, Ordering::Release);
            if let Err(e) = refreshed {
                tracing::warn!(error = %e.message, "the search index's labels could not be brought up to date");
            }
        });
    }

    /// Runs `work` on a reading handle of the vault in Tokio's blocking pool: a free one if
    /// any, else the next in turn. Reads never wait for the writing handle; without reading
    /// handles (they could not be opened) they run on the writing one.
    pub(crate) async fn with_reader<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Vault) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        if self.readers.count == 0 {
            return self.with_vault(move |vault| work(vault)).await;
        }
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let vault = readers.take();
            vault.refresh()?;
            work(&vault)
        })
        .await
        .map_err(|_| ApiError::internal("a worker stopped"))?
    }

    /// Runs `work` on the vault in Tokio's blocking pool.
    pub(crate) async fn with_vault<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vault) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let vault = Arc::clone(&self.vault);
        tokio::task::spawn_blocking(move || {
            let mut vault = vault.lock().unwrap_or_else(|e| e.into_inner());
            work(&mut vault)
        })
        .await
        .map_err(|_| ApiError::internal("a worker stopped"))?
    }
}

/// The server's reading handles on the vault: a pool from which each read takes whichever
/// handle is free, or waits for the first one to be given back (never for one chosen in advance
/// that a long read may hold).
struct Readers {
    handles: Vec<Mutex<Vault>>,
    /// The positions in `handles` of those no read holds.
    free: Mutex<Vec<usize>>,
    returned: std::sync::Condvar,
    /// How many handles were opened (0: reads go through the writing handle).
    count: usize,
}

impl Readers {
    /// Enough handles for every core to read, and some waiting on the disk.
    fn open(vault: &Vault) -> Self {
        let count = std::thread::available_parallelism()
            .map(|n| n.get() * 2)
            .unwrap_or(4)
            .clamp(4, 16);
        // The search index is opened (and rebuilt if outdated) by the writing handle, so the
        // readers share it from the start.
        if let Err(e) = vault.search_index() {
            tracing::warn!(error = %e, "the search index could not be opened yet");
        }
        let mut handles = Vec::with_capacity(count);
        for _ in 0..count {
            match vault.reader() {
                Ok(reader) => handles.push(Mutex::new(reader)),
                Err(e) => {
                    tracing::warn!(error = %e, "reads go through the writing handle: a reading handle could not be opened");
                    handles.clear();
                    break;
                }
            }
        }
        Self {
            count: handles.len(),
            free: Mutex::new((0..handles.len()).collect()),
            handles,
            returned: std::sync::Condvar::new(),
        }
    }

    /// A free handle, or the first one given back; it returns to the pool when dropped.
    /// (Only the holder of a position locks its handle: that lock waits at most for the
    /// previous holder to finish letting go.)
    fn take(&self) -> ReaderGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(position) = free.pop() {
                drop(free);
                return ReaderGuard {
                    pool: self,
                    position,
                    vault: self.handles[position]
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()),
                };
            }
            free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// A reading handle taken from [`Readers`], given back when dropped (a read that fails or
/// panics included).
struct ReaderGuard<'a> {
    pool: &'a Readers,
    position: usize,
    vault: std::sync::MutexGuard<'a, Vault>,
}

impl std::ops::Deref for ReaderGuard<'_> {
    type Target = Vault;
    fn deref(&self) -> &Vault {
        &self.vault
    }
}

impl Drop for ReaderGuard<'_> {
    fn drop(&mut self) {
        self.pool
            .free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(self.position);
        self.pool.returned.notify_one();
    }
}

/// A read's custody event waiting for its group, and where to send its log position.
type PendingRead = (
    custodia_vault::custodia_catalog::NewEvent,
    tokio::sync::oneshot::Sender<Result<u64, ApiError>>,
);

/// An error as the API shows it: a status and a message that names what failed.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub(crate) fn internal(message: &str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
    pub(crate) fn unauthorised() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "sign in first (POST /api/v1/auth/login), or send `Authorization: Bearer <token>`",
        )
    }
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        let status = match &e {
            VaultError::NoSuchItem(_) => StatusCode::NOT_FOUND,
            VaultError::Denied { .. } | VaultError::NotPermitted(_) => StatusCode::FORBIDDEN,
            VaultError::Invalid(_) => StatusCode::BAD_REQUEST,
            VaultError::OutputExists(_)
            | VaultError::Conflict(_)
            | VaultError::Catalog(custodia_vault::custodia_catalog::CatalogError::Conflict(_)) => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "request failed");
        }
        Self::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        guard::error_response(self.status, &self.message)
    }
}

type ApiResult = Result<Response, ApiError>;

/// The router with every route, and the OpenAPI document describing exactly those routes.
pub fn router(state: AppState) -> axum::Router {
    let context = state.clone();
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .merge(api::routes())
        .with_state(state.clone())
        .split_for_parts();
    let openapi = Arc::new(openapi::complete(openapi));
    let app = api
        .merge(web::routes().with_state(state))
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let openapi = Arc::clone(&openapi);
                async move { Json(serde_json::to_value(&*openapi).unwrap_or_default()) }
            }),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(guard::refuse_unstorable_input))
        .layer(axum::middleware::from_fn(guard::json_errors))
        .layer(axum::middleware::from_fn(log_request))
        .layer(axum::middleware::from_fn(content_security_policy));
    baseline_headers(app)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Outermost: the client's address and protocol, before anything reads them.
        .layer(axum::middleware::from_fn_with_state(
            context,
            signin::client_context,
        ))
}

/// The application's Content-Security-Policy: nothing from elsewhere. A page that embeds a
/// capture's replay says so with [`FrameSource`], and may frame that origin, and only it. The
/// maps' worker is a script file of this server (MapLibre's CSP build): `worker-src 'self'`,
/// no `blob:`, no `eval`.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An origin a page's response may frame (the replay origin, on a capture's page).
#[derive(Clone)]
pub(crate) struct FrameSource(pub String);

async fn content_security_policy(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let policy = match response.extensions_mut().remove::<FrameSource>() {
        Some(FrameSource(origin))
            if !origin.is_empty()
                && !origin
                    .chars()
                    .any(|c| c.is_ascii_whitespace() || c == ';' || c == ',' || c == '\'') =>
        {
            HeaderValue::from_str(&format!("{CSP}; frame-src {origin}")).ok()
        }
        _ => None,
    };
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        policy.unwrap_or(HeaderValue::from_static(CSP)),
    );
    response
}

/// One structured log line per request: method, matched route (never the query string, which
/// may hold search words), status and duration.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// The headers every listener's answers carry: no guessing of content types, and no address
/// passed on to where a link leads.
pub(crate) fn baseline_headers<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
) -> axum::Router<S> {
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Serves `router` on `listener` until `shutdown` completes; then stops taking requests and
/// lets those in flight finish (the caller bounds how long). Every listener is served so.
pub(crate) async fn serve_router(
    router: axum::Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serves the application until `shutdown` completes ([`serve_router`]).
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(router(state), listener, shutdown).await
}

// --- who is calling ----------------------------------------------------------------------

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The bearer secret of the request, and whether it came from the browser's cookie.
fn presented_token(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return value
            .strip_prefix("Bearer ")
            .map(|t| (t.trim().to_owned(), false));
    }
    cookie(headers, signin::session_cookie(headers)).map(|t| (t.to_owned(), true))
}

/// The signed-in user; for cookie sessions, state-changing methods need the CSRF header.
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
) -> Result<String, ApiError> {
    let (token, from_cookie) = presented_token(headers).ok_or_else(ApiError::unauthorised)?;
    if from_cookie && !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        // The token is bound to this session (an HMAC of it under the server's key), so a
        // cookie planted by another site cannot be matched by a header it chose.
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !signin::csrf_matches(state, headers, sent) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "missing or wrong X-CSRF-Token header (copy it from the custodia_csrf cookie)",
            ));
        }
    }
    state
        .with_reader(move |vault| {
            vault
                .authenticate(&token)
                .map_err(|_| ApiError::unauthorised())
        })
        .await
}

/// The signed-in caller of an API route (see [`caller`]).
pub(crate) struct Caller(pub String);

impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        caller(state, &parts.headers, &parts.method)
            .await
            .map(Caller)
    }
}

/// A SHA-256 given in a path or a body, or 400 naming it.
pub(crate) fn parse_hash(text: &str) -> Result<ContentHash, ApiError> {
    text.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("`{text}` is not a SHA-256"),
        )
    })
}

/// Every SHA-256 of a list, or 400 naming the first that is not one.
pub(crate) fn parse_hashes(texts: &[String]) -> Result<Vec<ContentHash>, ApiError> {
    texts.iter().map(|s| parse_hash(s)).collect()
}

/// The item named by the route's `{sha256}` path segment. A segment that is not a SHA-256 is
/// answered 400 `{"error", "id"}` before the handler runs; other path faults as axum's own
/// rejection (made JSON by `guard::json_errors`).
pub(crate) struct Sha256Path(pub ContentHash);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Sha256Path {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        parse_hash(&text)
            .map(Sha256Path)
            .map_err(IntoResponse::into_response)
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A random token for the sign-in form's CSRF cookie (before there is a session to bind to).
pub(crate) fn random_token() -> String {
    use base64::Engine as _;
    let issued = custodia_vault::custodia_auth::issue_token();
    // Only the random part: the CSRF token is not a credential, and must not look like one.
    let random = issued
        .secret
        .rsplit('_')
        .next()
        .unwrap_or_default()
        .to_owned();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random.as_bytes())
}
