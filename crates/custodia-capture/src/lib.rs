//! Web pages captured as evidence. One call loads a page in a headless Chromium of its own
//! (fresh profile, no cookies, every connection through [`proxy`], which refuses the holder's
//! own network), records every request and response into a WARC 1.1 file ([`warc`]), packs it
//! as WACZ ([`wacz`]), and keeps a full-page screenshot, the rendered DOM, the visible text, a
//! PDF print, the server's certificate chain and, on request, the page's media (yt-dlp). The
//! capture record names every artefact by its SHA-256; [`tsa`] has its hash stamped by RFC 3161
//! authorities. Storing the artefacts as vault items is the caller's part.

pub mod browse;
pub mod media;
pub mod policy;
pub mod proxy;
pub mod tsa;
pub mod wacz;
pub mod warc;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use browse::BrowseOptions;

/// Why a capture failed.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Browser(String),
    /// The address is in the holder's own network (or otherwise not public).
    #[error("{0}")]
    Refused(String),
    /// A time, size or resource-count limit was reached.
    #[error("{0}")]
    Limit(String),
    #[error("{0}")]
    Invalid(String),
}

/// One artefact of a capture, written in the capture's folder.
#[derive(Debug, Clone, Serialize)]
pub struct Artefact {
    /// The name within the capture (`capture.wacz`, `screenshot.png`, …).
    pub name: String,
    /// What it is: `wacz`, `screenshot`, `dom`, `text`, `pdf`, `certificates`, `media`,
    /// `media_info`.
    pub role: String,
    pub sha256: String,
    pub bytes: u64,
    #[serde(skip)]
    pub path: PathBuf,
}

/// What [`capture`] produced for one URL: its artefacts and the capture record describing them.
#[derive(Debug)]
pub struct CapturedPage {
    pub url: String,
    pub final_url: String,
    pub status: u16,
    pub title: String,
    pub text: String,
    pub started_at: String,
    pub ended_at: String,
    pub artefacts: Vec<Artefact>,
    pub warc_records: u64,
    /// The capture record (JSON), to be stored as the parent item and timestamped.
    pub record: Value,
    /// Problems that did not stop the capture (a resource that failed, media not fetched).
    pub errors: Vec<String>,
    pub media: Vec<Value>,
    pub timings: Timings,
}

/// Where the time of a capture went, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub browser_ms: u64,
    pub warc_ms: u64,
    pub wacz_ms: u64,
    pub hashing_ms: u64,
    pub media_ms: u64,
}

/// Who captures, and with what.
pub struct CaptureContext<'a> {
    pub operator: &'a str,
    pub software: &'a str,
    pub media: bool,
    /// yt-dlp for `media`.
    pub yt_dlp: Option<PathBuf>,
    /// Signs the WACZ's `datapackage.json` hash and creation time (returns `signedData`).
    pub sign: &'a (dyn Fn(&str, &str) -> Option<Value> + Send + Sync),
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `YYYYMMDDhhmmss` of an RFC 3339 time.
fn timestamp14(rfc3339: &str) -> String {
    rfc3339
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(14)
        .collect()
}

/// Checks a URL given to capture: `http` or `https`, a host, no credentials.
pub fn check_url(url: &str) -> Result<url::Url, CaptureError> {
    let parsed = url::Url::parse(url)
        .map_err(|e| CaptureError::Invalid(format!("`{url}` is not a URL: {e}")))?;
    if parsed.scheme() != "http" && parsed.scheme() != "https" {
        return Err(CaptureError::Invalid(format!(
            "`{url}`: only http and https pages are captured"
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(CaptureError::Invalid(format!("`{url}` names no host")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(CaptureError::Invalid(format!(
            "`{url}` carries credentials; captures are made without any"
        )));
    }
    Ok(parsed)
}

/// Captures `url` into `work` (a private folder of this capture's, which must be empty).
pub async fn capture(
    url: &str,
    options: &BrowseOptions,
    context: &CaptureContext<'_>,
    work: &Path,
) -> Result<CapturedPage, CaptureError> {
    check_url(url)?;
    let started_at = now_rfc3339();
    let mut timings = Timings::default();
    let browsed = browse::browse(url, options).await?;
    timings.browser_ms = browsed.browser_ms;
    let io = |what: &str, e: std::io::Error| CaptureError::Io(format!("{url}: {what}: {e}"));

    // The WARC.
    let t = Instant::now();
    let warc_path = work.join("data.warc.gz");
    let file = File::create_new(&warc_path).map_err(|e| io("cannot create the WARC", e))?;
    let mut seed = Sha256::new();
    seed.update(url.as_bytes());
    seed.update(started_at.as_bytes());
    seed.update(std::process::id().to_be_bytes());
    let mut writer = warc::WarcWriter::new(BufWriter::new(file), seed.finalize().into());
    let warcinfo = format!(
        "software: {}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nbrowser: {}\r\noperator: {}\r\n",
        context.software, browsed.browser_version, context.operator
    );
    let id = writer.new_record_id();
    writer
        .write(
            &id,
            &warc::Record {
                kind: warc::RecordType::Warcinfo,
                target_uri: None,
                date: &started_at,
                content_type: "application/warc-fields",
                block: warcinfo.as_bytes(),
                payload_offset: None,
                concurrent_to: None,
                ip_address: None,
                extra: &[("WARC-Filename", "data.warc.gz".to_owned())],
            },
        )
        .map_err(|e| io("cannot write the WARC", e))?;
    let mut index = Vec::new();
    let mut errors = Vec::new();
    for r in &browsed.refused {
        errors.push(format!("{url}: a resource was refused: {r}"));
    }
    for exchange in &browsed.exchanges {
        if exchange.url.starts_with("data:") || exchange.url.starts_with("blob:") {
            continue;
        }
        let Some(status) = exchange.status else {
            if let Some(why) = &exchange.failed {
                errors.push(format!("{}: not loaded: {why}", exchange.url));
            }
            continue;
        };
        let body = exchange.body.clone().unwrap_or_default();
        if exchange.body.is_none() {
            errors.push(format!(
                "{}: the response body was not kept ({})",
                exchange.url,
                exchange
                    .failed
                    .as_deref()
                    .unwrap_or("the browser did not return it")
            ));
        }
        let parsed = url::Url::parse(&exchange.url).ok();
        let path = parsed
            .as_ref()
            .map(|u| {
                let mut p = u.path().to_owned();
                if let Some(q) = u.query() {
                    p.push('?');
                    p.push_str(q);
                }
                p
            })
            .unwrap_or_else(|| "/".into());
        let host = parsed
            .as_ref()
            .and_then(|u| {
                let h = u.host_str()?.to_owned();
                Some(match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h,
                })
            })
            .unwrap_or_default();
        let mut request = format!("{} {} HTTP/1.1\r\n", exchange.method, path);
        if !exchange
            .request_headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("host"))
        {
            request.push_str(&format!("Host: {host}\r\n"));
        }
        for (k, v) in &exchange.request_headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        let mut request_block = request.into_bytes();
        request_block.extend_from_slice(&exchange.request_body);

        // The browser hands over the decoded body: the headers that described the encoding on
        // the wire are kept under another name, and the length is the body's.
        let reason = if exchange.status_text.is_empty() {
            "OK"
        } else {
            exchange.status_text.as_str()
        };
        let mut response = format!("HTTP/1.1 {status} {reason}\r\n");
        for (k, v) in &exchange.response_headers {
            let lower = k.to_ascii_lowercase();
            if lower == "content-encoding"
                || lower == "transfer-encoding"
                || lower == "content-length"
            {
                response.push_str(&format!("X-Archive-Orig-{k}: {v}\r\n"));
            } else {
                response.push_str(&format!("{k}: {v}\r\n"));
            }
        }
        response.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let payload_offset = response.len();
        let mut response_block = response.into_bytes();
        response_block.extend_from_slice(&body);
        let ip = browsed
            .addresses
            .get(&exchange.host_port)
            .map(|ip| ip.to_string());
        let response_id = writer.new_record_id();
        let extra = [(
            "WARC-Protocol",
            if exchange.protocol.is_empty() {
                "http/1.1".to_owned()
            } else {
                exchange.protocol.to_ascii_lowercase()
            },
        )];
        let written = writer
            .write(
                &response_id,
                &warc::Record {
                    kind: warc::RecordType::Response,
                    target_uri: Some(&exchange.url),
                    date: &exchange.date,
                    content_type: "application/http; msgtype=response",
                    block: &response_block,
                    payload_offset: Some(payload_offset),
                    concurrent_to: None,
                    ip_address: ip.as_deref(),
                    extra: &extra,
                },
            )
            .map_err(|e| io("cannot write the WARC", e))?;
        let request_id = writer.new_record_id();
        writer
            .write(
                &request_id,
                &warc::Record {
                    kind: warc::RecordType::Request,
                    target_uri: Some(&exchange.url),
                    date: &exchange.date,
                    content_type: "application/http; msgtype=request",
                    block: &request_block,
                    payload_offset: None,
                    concurrent_to: Some(&response_id),
                    ip_address: None,
                    extra: &[],
                },
            )
            .map_err(|e| io("cannot write the WARC", e))?;
        index.push(wacz::IndexEntry {
            url: exchange.url.clone(),
            timestamp14: timestamp14(&exchange.date),
            mime: exchange.mime.clone(),
            status,
            payload_sha256: written.payload_sha256.clone().unwrap_or_default(),
            offset: written.offset,
            length: written.length,
        });
    }
    let page_metadata = json!({
        "url": url,
        "final_url": browsed.final_url,
        "status": browsed.status,
        "title": browsed.title,
        "redirect_chain": browsed.redirect_chain,
        "tls": browsed.security_details,
        "servers": browsed.addresses,
        "refused": browsed.refused,
        "operator": context.operator,
        "browser": browsed.browser_version,
    });
    let metadata_block = serde_json::to_vec_pretty(&page_metadata)
        .map_err(|e| CaptureError::Io(format!("{url}: the page's metadata record: {e}")))?;
    let metadata_id = writer.new_record_id();
    writer
        .write(
            &metadata_id,
            &warc::Record {
                kind: warc::RecordType::Metadata,
                target_uri: Some(url),
                date: &started_at,
                content_type: "application/json",
                block: &metadata_block,
                payload_offset: None,
                concurrent_to: None,
                ip_address: None,
                extra: &[],
            },
        )
        .map_err(|e| io("cannot write the WARC", e))?;
    let warc_records = writer.records();
    let file = writer
        .finish()
        .map_err(|e| io("cannot write the WARC", e))?;
    let file = file
        .into_inner()
        .map_err(|e| io("cannot write the WARC", e.into_error()))?;
    file.sync_all()
        .map_err(|e| io("cannot write the WARC", e))?;
    drop(file);
    timings.warc_ms = t.elapsed().as_millis() as u64;

    // The WACZ.
    let t = Instant::now();
    let wacz_path = work.join("capture.wacz");
    let pages = [wacz::PageEntry {
        url: browsed.final_url.clone(),
        ts: started_at.clone(),
        title: browsed.title.clone(),
        text: browsed.text.clone(),
    }];
    wacz::pack(
        &wacz_path,
        &warc_path,
        "data.warc.gz",
        &index,
        &pages,
        &wacz::PackageInfo {
            title: if browsed.title.is_empty() {
                url
            } else {
                &browsed.title
            },
            created: &started_at,
            software: context.software,
            main_page_url: &browsed.final_url,
            main_page_date: &started_at,
        },
        context.sign,
    )?;
    let _ = std::fs::remove_file(&warc_path);
    timings.wacz_ms = t.elapsed().as_millis() as u64;

    // The other artefacts.
    let t = Instant::now();
    let mut files: Vec<(&str, &str, Vec<u8>)> = vec![
        ("screenshot.png", "screenshot", browsed.screenshot_png),
        ("page.html", "dom", browsed.dom_html.into_bytes()),
        ("page.txt", "text", browsed.text.clone().into_bytes()),
        ("page.pdf", "pdf", browsed.pdf),
    ];
    if let Some(pem) = browsed.certificates_pem {
        files.push(("certificates.pem", "certificates", pem.into_bytes()));
    }
    let mut artefacts = vec![artefact_of_file("capture.wacz", "wacz", &wacz_path)?];
    for (name, role, bytes) in files {
        let path = work.join(name);
        std::fs::write(&path, &bytes).map_err(|e| io(&format!("cannot write {name}"), e))?;
        artefacts.push(Artefact {
            name: name.into(),
            role: role.into(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
            path,
        });
    }
    timings.hashing_ms = t.elapsed().as_millis() as u64;

    let mut media = Vec::new();
    let mut tools = json!({
        "custodia": context.software,
        "chromium": browsed.browser_version,
    });
    if context.media {
        let t = Instant::now();
        match media::fetch(url, context.yt_dlp.as_deref(), options, work).await {
            Ok(fetched) => {
                tools["yt_dlp"] = json!(fetched.version);
                for file in fetched.files {
                    let a = artefact_of_file(&file.name, &file.role, &file.path)?;
                    media.push(json!({"name": a.name, "role": a.role, "sha256": a.sha256, "bytes": a.bytes}));
                    artefacts.push(a);
                }
                errors.extend(fetched.errors);
            }
            Err(e) => errors.push(e.to_string()),
        }
        timings.media_ms = t.elapsed().as_millis() as u64;
    }

    let ended_at = now_rfc3339();
    let record = json!({
        "format": "custodia-capture-1",
        "url": url,
        "final_url": browsed.final_url,
        "status": browsed.status,
        "title": browsed.title,
        "redirect_chain": browsed.redirect_chain,
        "started_at": started_at,
        "ended_at": ended_at,
        "operator": context.operator,
        "tools": tools,
        "browser": {
            "sandbox": !options.no_sandbox,
            "fresh_profile": true,
            "accept_invalid_certificates": options.accept_invalid_certificates,
        },
        "tls": page_metadata["tls"],
        "servers": page_metadata["servers"],
        "refused": page_metadata["refused"],
        "warc_records": warc_records,
        "resources": index.len(),
        "bytes_received": browsed.bytes_received,
        "artefacts": artefacts,
        "errors": errors,
    });
    Ok(CapturedPage {
        url: url.to_owned(),
        final_url: browsed.final_url,
        status: browsed.status,
        title: browsed.title,
        text: browsed.text,
        started_at,
        ended_at,
        artefacts,
        warc_records,
        record,
        errors,
        media,
        timings,
    })
}

fn artefact_of_file(name: &str, role: &str, path: &Path) -> Result<Artefact, CaptureError> {
    let mut file =
        File::open(path).map_err(|e| CaptureError::Io(format!("cannot read {name}: {e}")))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)
        .map_err(|e| CaptureError::Io(format!("cannot read {name}: {e}")))?;
    Ok(Artefact {
        name: name.into(),
        role: role.into(),
        sha256: hex::encode(hasher.finalize()),
        bytes,
        path: path.to_owned(),
    })
}

/// The Chromium that captures pages (and prints letters): CUSTODIA_CHROMIUM, else the first of
/// the usual names on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CUSTODIA_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The default limits of a capture.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);
pub const DEFAULT_SETTLE: Duration = Duration::from_millis(1000);
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
pub const DEFAULT_MAX_RESOURCES: usize = 2000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://example.org/a").is_ok());
        for bad in [
            "ftp://x/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://u:p@x.org/",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert_eq!(timestamp14("2026-12-05T04:12:33.5Z"), "20261205041233");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// What servers, authorities and pages send is parsed without panicking, whatever it is.
        #[test]
        fn parsers_never_panic(text in "\\PC{0,80}", bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = crate::tsa::openssl_time_to_rfc3339(&text);
            let _ = crate::wacz::surt(&text);
            let _ = crate::check_url(&text);
            let lossy = String::from_utf8_lossy(&bytes);
            let _ = crate::tsa::openssl_time_to_rfc3339(&lossy);
            let _ = crate::wacz::surt(&lossy);
        }

        /// A parsed time is RFC 3339 that the time crate reads back.
        #[test]
        fn openssl_times_round_trip(month in 0usize..12, day in 1u8..=28, h in 0u8..24, m in 0u8..60, s in 0u8..60, year in 1990u16..2100) {
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            let text = format!("{} {day:>2} {h:02}:{m:02}:{s:02} {year} GMT", months[month]);
            let rfc = crate::tsa::openssl_time_to_rfc3339(&text).unwrap();
            let parsed = time::OffsetDateTime::parse(&rfc, &time::format_description::well_known::Rfc3339).unwrap();
            prop_assert_eq!(parsed.year(), i32::from(year));
            prop_assert_eq!(u8::from(parsed.month()), month as u8 + 1);
            prop_assert_eq!(parsed.day(), day);
        }

        /// Every address falls in exactly one of public or refused, and IPv4-mapped IPv6 forms
        /// are judged as their IPv4 address.
        #[test]
        fn mapped_addresses_are_judged_as_their_ipv4(a in any::<[u8; 4]>()) {
            let v4 = std::net::Ipv4Addr::from(a);
            let mapped = std::net::IpAddr::V6(v4.to_ipv6_mapped());
            prop_assert_eq!(
                crate::policy::non_public_reason(std::net::IpAddr::V4(v4)),
                crate::policy::non_public_reason(mapped)
            );
        }
    }
}
