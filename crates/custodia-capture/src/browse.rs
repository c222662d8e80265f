//! Loading a page in headless Chromium over the DevTools protocol and recording what it did:
//! every request and response (with its body), the redirect chain of the page itself, a
//! full-page screenshot, the rendered DOM, the visible text, a PDF print and the server's
//! certificate chain.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams, EventDataReceived, EventLoadingFailed, EventLoadingFinished,
    EventRequestWillBeSent, EventResponseReceived, GetCertificateParams, GetResponseBodyParams,
    Headers, ResourceType, Response,
};
use chromiumoxide::cdp::browser_protocol::page::{CaptureScreenshotFormat, PrintToPdfParams};
use chromiumoxide::page::ScreenshotParams;
use futures_util::StreamExt;

use crate::proxy::Proxy;
use crate::CaptureError;

/// How a page is captured.
#[derive(Debug, Clone)]
pub struct BrowseOptions {
    pub chromium: PathBuf,
    /// A folder of the capture's own (memory-backed, private): the browser's fresh profile.
    pub profile_dir: PathBuf,
    pub allow_private: bool,
    pub accept_invalid_certificates: bool,
    /// The whole capture of one page, loading to printing.
    pub timeout: Duration,
    /// The network must be quiet this long for the page to count as settled.
    pub settle: Duration,
    /// Bytes received from servers, all resources together.
    pub max_bytes: u64,
    pub max_resources: usize,
    /// Whether to run the browser without its sandbox (needed when running as root).
    pub no_sandbox: bool,
}

/// One HTTP exchange seen by the browser (one hop of a redirect chain is one exchange).
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub url: String,
    pub method: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Vec<u8>,
    /// RFC 3339 of when the request was sent.
    pub date: String,
    pub resource_type: String,
    pub status: Option<u16>,
    pub status_text: String,
    pub protocol: String,
    pub response_headers: Vec<(String, String)>,
    pub mime: String,
    pub body: Option<Vec<u8>>,
    pub failed: Option<String>,
    /// `host:port` the response came from, to find its address in the proxy's log.
    pub host_port: String,
    /// The TLS connection's details as the browser reports them (protocol, cipher, subject,
    /// issuer, validity, certificate transparency).
    pub security: Option<serde_json::Value>,
}

/// A redirect hop of the page itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hop {
    pub url: String,
    pub status: u16,
}

/// What loading one page produced.
#[derive(Debug, Default)]
pub struct Browsed {
    pub exchanges: Vec<Exchange>,
    pub redirect_chain: Vec<Hop>,
    pub final_url: String,
    pub status: u16,
    pub title: String,
    pub screenshot_png: Vec<u8>,
    pub pdf: Vec<u8>,
    pub dom_html: String,
    pub text: String,
    pub certificates_pem: Option<String>,
    pub security_details: Option<serde_json::Value>,
    pub browser_version: String,
    /// Connections the proxy refused (private addresses).
    pub refused: Vec<String>,
    pub addresses: std::collections::BTreeMap<String, std::net::IpAddr>,
    pub bytes_received: u64,
    pub browser_ms: u64,
}

#[derive(Default)]
struct Recorder {
    exchanges: Vec<Exchange>,
    /// Request id → index of its current exchange.
    current: HashMap<String, usize>,
    /// Requests still loading (or whose body is still being read).
    inflight: HashMap<String, ()>,
    last_activity: Option<Instant>,
    /// The page's own request id (the first document request of the main frame).
    document_request: Option<String>,
    document_hops: Vec<usize>,
}

fn headers(h: &Headers) -> Vec<(String, String)> {
    match h.inner() {
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| {
                let v = v
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string());
                // Chromium joins repeated headers with new lines.
                v.split('\n')
                    .map(|part| (k.clone(), part.to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn host_port(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            Some(format!(
                "{}:{}",
                u.host_str()?.trim_matches(['[', ']']),
                u.port_or_known_default()?
            ))
        })
        .unwrap_or_default()
}

fn rfc3339_from_epoch(seconds: f64) -> String {
    let nanos = (seconds * 1e9) as i128;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Recorder {
    fn touch(&mut self) {
        self.last_activity = Some(Instant::now());
    }

    fn set_response(&mut self, index: usize, response: &Response) {
        let e = &mut self.exchanges[index];
        e.status = u16::try_from(response.status).ok();
        e.status_text = response.status_text.clone();
        e.protocol = response.protocol.clone().unwrap_or_default();
        e.response_headers = headers(&response.headers);
        e.mime = response.mime_type.clone();
        e.host_port = host_port(&response.url);
        e.security = response
            .security_details
            .as_ref()
            .and_then(|d| serde_json::to_value(d).ok());
    }

    fn request(&mut self, event: &EventRequestWillBeSent, main_frame: Option<&str>) {
        self.touch();
        let id = event.request_id.inner().clone();
        if let Some(redirect) = &event.redirect_response {
            if let Some(&index) = self.current.get(&id) {
                self.set_response(index, redirect);
                self.exchanges[index].body = Some(Vec::new());
            }
        }
        let is_document = matches!(event.r#type, Some(ResourceType::Document));
        let in_main_frame = match (main_frame, &event.frame_id) {
            (Some(main), Some(frame)) => frame.inner() == main,
            _ => true,
        };
        if self.document_request.is_none() && is_document && in_main_frame {
            self.document_request = Some(id.clone());
        }
        let request_body = event
            .request
            .post_data_entries
            .iter()
            .flatten()
            .filter_map(|entry| entry.bytes.as_ref())
            .filter_map(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(AsRef::<str>::as_ref(b))
                    .ok()
            })
            .flatten()
            .collect();
        let index = self.exchanges.len();
        self.exchanges.push(Exchange {
            url: event.request.url.clone(),
            method: event.request.method.clone(),
            request_headers: headers(&event.request.headers),
            request_body,
            date: rfc3339_from_epoch(*event.wall_time.inner()),
            resource_type: event
                .r#type
                .as_ref()
                .map(|t| t.as_ref().to_owned())
                .unwrap_or_default(),
            host_port: host_port(&event.request.url),
            ..Exchange::default()
        });
        if self.document_request.as_deref() == Some(id.as_str()) {
            self.document_hops.push(index);
        }
        self.current.insert(id.clone(), index);
        self.inflight.insert(id, ());
    }
}

/// Loads `url` and records it. Every error names the URL.
pub async fn browse(url: &str, options: &BrowseOptions) -> Result<Browsed, CaptureError> {
    let started = Instant::now();
    let proxy = Proxy::start(options.allow_private, options.max_bytes)
        .await
        .map_err(|e| CaptureError::Io(format!("cannot start the capture proxy: {e}")))?;
    let mut config = BrowserConfig::builder()
        .chrome_executable(&options.chromium)
        .user_data_dir(&options.profile_dir)
        .window_size(1366, 900)
        .viewport(None)
        .launch_timeout(Duration::from_secs(30))
        .request_timeout(options.timeout)
        // Keys without their leading dashes: the builder adds them.
        .arg(("proxy-server", format!("http://{}", proxy.address).as_str()))
        // Without this, Chromium would reach loopback addresses directly, not through the proxy.
        .arg(("proxy-bypass-list", "<-loopback>"))
        .arg(("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"))
        .arg("disable-quic")
        .arg("disable-component-update")
        .arg("no-default-browser-check")
        .arg("disable-gpu");
    if !options.accept_invalid_certificates {
        config = config.respect_https_errors();
    }
    if options.no_sandbox {
        config = config.no_sandbox();
    }
    let config = config
        .build()
        .map_err(|e| CaptureError::Browser(format!("cannot configure Chromium: {e}")))?;
    let (mut browser, mut handler) = Browser::launch(config).await.map_err(|e| {
        CaptureError::Browser(format!(
            "cannot start Chromium `{}`: {e}",
            options.chromium.display()
        ))
    })?;
    let handler_task = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let result =
        tokio::time::timeout(options.timeout, record(&mut browser, url, options, &proxy)).await;
    let _ = browser.close().await;
    let _ = tokio::time::timeout(Duration::from_secs(5), browser.wait()).await;
    let _ = browser.kill().await;
    handler_task.abort();
    let mut browsed = match result {
        Ok(r) => r?,
        Err(_) => {
            return Err(CaptureError::Limit(format!(
                "{url}: the page was not captured within {} s (it never settled, or the browser stalled); nothing was stored",
                options.timeout.as_secs()
            )))
        }
    };
    browsed.browser_ms = started.elapsed().as_millis() as u64;
    Ok(browsed)
}

async fn record(
    browser: &mut Browser,
    url: &str,
    options: &BrowseOptions,
    proxy: &Proxy,
) -> Result<Browsed, CaptureError> {
    let cdp = |what: &str, e: chromiumoxide::error::CdpError| {
        CaptureError::Browser(format!("{url}: {what}: {e}"))
    };
    let version = browser
        .version()
        .await
        .map(|v| v.product)
        .unwrap_or_default();
    let page = browser
        .new_page("about:blank")
        .await
        .map_err(|e| cdp("cannot open a page", e))?;
    page.execute(
        EnableParams::builder()
            .max_total_buffer_size(512 << 20)
            .max_resource_buffer_size(256 << 20)
            .build(),
    )
    .await
    .map_err(|e| cdp("cannot watch the network", e))?;
    let main_frame = page
        .mainframe()
        .await
        .ok()
        .flatten()
        .map(|f| f.inner().clone());

    let recorder = Arc::new(Mutex::new(Recorder::default()));

    let mut requests = page
        .event_listener::<EventRequestWillBeSent>()
        .await
        .map_err(|e| cdp("listen", e))?;
    let mut responses = page
        .event_listener::<EventResponseReceived>()
        .await
        .map_err(|e| cdp("listen", e))?;
    let mut finished = page
        .event_listener::<EventLoadingFinished>()
        .await
        .map_err(|e| cdp("listen", e))?;
    let mut failed = page
        .event_listener::<EventLoadingFailed>()
        .await
        .map_err(|e| cdp("listen", e))?;
    let mut data = page
        .event_listener::<EventDataReceived>()
        .await
        .map_err(|e| cdp("listen", e))?;

    let watcher = {
        let recorder = recorder.clone();
        let page = page.clone();
        let main_frame = main_frame.clone();
        tokio::spawn(async move {
            loop {
                // In the order the browser sent them: a request before its response, data
                // and end (select! would otherwise pick among waiting events at random, and a
                // response handled before its request would be lost).
                tokio::select! {
                    biased;
                    Some(e) = requests.next() => {
                        lock(&recorder).request(&e, main_frame.as_deref());
                    }
                    Some(e) = responses.next() => {
                        let mut r = lock(&recorder);
                        r.touch();
                        if let Some(&index) = r.current.get(e.request_id.inner()) {
                            r.set_response(index, &e.response);
                        }
                    }
                    Some(_) = data.next() => {
                        lock(&recorder).touch();
                    }
                    Some(e) = failed.next() => {
                        let mut r = lock(&recorder);
                        r.touch();
                        let id = e.request_id.inner().clone();
                        if let Some(&index) = r.current.get(&id) {
                            r.exchanges[index].failed = Some(e.error_text.clone());
                        }
                        r.inflight.remove(&id);
                    }
                    Some(e) = finished.next() => {
                        let id = e.request_id.clone();
                        let recorder = recorder.clone();
                        let page = page.clone();
                        lock(&recorder).touch();
                        // The body is read while the page goes on; the request counts as
                        // loading until it is.
                        tokio::spawn(async move {
                            let body = page.execute(GetResponseBodyParams::new(id.clone())).await;
                            let mut r = lock(&recorder);
                            r.touch();
                            let key = id.inner().clone();
                            if let Some(&index) = r.current.get(&key) {
                                let e = &mut r.exchanges[index];
                                match body {
                                    Ok(b) if b.result.base64_encoded => {
                                        e.body = base64::engine::general_purpose::STANDARD
                                            .decode(&b.result.body)
                                            .ok();
                                    }
                                    Ok(b) => e.body = Some(b.result.body.clone().into_bytes()),
                                    Err(err) => {
                                        e.failed.get_or_insert_with(|| format!("body not kept by the browser: {err}"));
                                    }
                                }
                            }
                            r.inflight.remove(&key);
                        });
                    }
                    else => break,
                }
            }
        })
    };

    // The navigation ends when the page has loaded, or as soon as the proxy has cut the
    // capture for its size.
    let over_limit = || proxy.log.over_limit.load(Ordering::Relaxed);
    let limit_error = || {
        CaptureError::Limit(format!(
            "{url}: more than {} bytes received; the capture was stopped and nothing was stored (raise --max-bytes to capture it)",
            options.max_bytes
        ))
    };
    let navigation = tokio::select! {
        r = page.goto(url) => Some(r),
        _ = async {
            while !over_limit() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        } => None,
    };
    // A page (or a hop of its redirect chain) on a refused address is not captured at all:
    // what the browser shows then is the proxy's refusal, not the page.
    let refused_document = {
        let r = lock(&recorder);
        let refused = proxy.log.refused.lock().unwrap_or_else(|e| e.into_inner());
        r.document_hops
            .iter()
            .find_map(|&i| {
                let key = &r.exchanges[i].host_port;
                refused.iter().find(|m| m.starts_with(&format!("{key} ")))
            })
            .cloned()
    };
    if let Some(reason) = refused_document {
        watcher.abort();
        return Err(CaptureError::Refused(format!("{url}: {reason}")));
    }
    match navigation {
        None => {
            watcher.abort();
            return Err(limit_error());
        }
        Some(Err(e)) => {
            watcher.abort();
            if over_limit() {
                return Err(limit_error());
            }
            return Err(CaptureError::Browser(format!(
                "{url}: the page did not load: {e}"
            )));
        }
        Some(Ok(_)) => {}
    }

    // Scroll down the page step by step (so that content loaded on scrolling comes), then back.
    let _ = page
        .evaluate(
            "(async () => { const step = Math.max(200, innerHeight); \
             for (let y = 0, i = 0; i < 60 && y < document.documentElement.scrollHeight; y += step, i++) \
             { scrollTo(0, y); await new Promise(r => setTimeout(r, 120)); } \
             scrollTo(0, 0); return true; })()",
        )
        .await;

    // Wait for the network to be quiet.
    loop {
        if over_limit() {
            watcher.abort();
            return Err(limit_error());
        }
        {
            let r = lock(&recorder);
            if r.exchanges.len() > options.max_resources {
                watcher.abort();
                return Err(CaptureError::Limit(format!(
                    "{url}: more than {} resources requested; the capture was stopped and nothing was stored (raise --max-resources to capture it)",
                    options.max_resources
                )));
            }
            let quiet = r
                .last_activity
                .map(|t| t.elapsed() >= options.settle)
                .unwrap_or(true);
            if r.inflight.is_empty() && quiet {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let title = page.get_title().await.ok().flatten().unwrap_or_default();
    let final_url = page
        .url()
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| url.to_owned());
    let dom_html = page
        .content()
        .await
        .map_err(|e| cdp("cannot read the rendered page", e))?;
    let text: String = page
        .evaluate("document.body ? document.body.innerText : ''")
        .await
        .ok()
        .and_then(|v| v.into_value().ok())
        .unwrap_or_default();
    let screenshot_png = page
        .screenshot(
            ScreenshotParams::builder()
                .format(CaptureScreenshotFormat::Png)
                .full_page(true)
                .build(),
        )
        .await
        .map_err(|e| cdp("cannot take the screenshot", e))?;
    let pdf = page
        .pdf(PrintToPdfParams::default())
        .await
        .map_err(|e| cdp("cannot print the page", e))?;
    let certificates_pem = if final_url.starts_with("https://") {
        let origin = url::Url::parse(&final_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        page.execute(GetCertificateParams::new(origin))
            .await
            .ok()
            .map(|c| {
                c.result
                    .table_names
                    .iter()
                    .map(|der| pem(der))
                    .collect::<String>()
            })
            .filter(|p| !p.is_empty())
    } else {
        None
    };
    // Let bodies still being read arrive.
    for _ in 0..50 {
        if lock(&recorder).inflight.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    watcher.abort();

    let r = std::mem::take(&mut *lock(&recorder));
    let redirect_chain: Vec<Hop> = r
        .document_hops
        .iter()
        .filter_map(|&i| {
            let e = &r.exchanges[i];
            Some(Hop {
                url: e.url.clone(),
                status: e.status?,
            })
        })
        .collect();
    let document = r.document_hops.last().map(|&i| &r.exchanges[i]);
    let status = document.and_then(|e| e.status).unwrap_or(0);
    let security_details = document.and_then(|e| e.security.clone());
    let refused = proxy
        .log
        .refused
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let addresses = proxy
        .log
        .addresses
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    Ok(Browsed {
        exchanges: r.exchanges,
        redirect_chain,
        final_url,
        status,
        title,
        screenshot_png,
        pdf,
        dom_html,
        text,
        certificates_pem,
        security_details,
        browser_version: version,
        refused,
        addresses,
        bytes_received: proxy.log.received.load(Ordering::Relaxed),
        browser_ms: 0,
    })
}

fn lock(r: &Mutex<Recorder>) -> std::sync::MutexGuard<'_, Recorder> {
    r.lock().unwrap_or_else(|e| e.into_inner())
}

/// A base64 DER certificate as PEM.
fn pem(der_base64: &str) -> String {
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    let clean: String = der_base64.chars().filter(|c| !c.is_whitespace()).collect();
    for line in clean.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
