//! Streamed downloads: an item's bytes (one range honoured) and a request's disclosure package,
//! read in the blocking pool and sent in pieces, for the API and the pages alike.

use std::io::{Read, Seek, SeekFrom};

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use custodia_vault::custodia_blobstore::ContentHash;

use crate::{ApiResult, AppState};

/// Streams an item to `user` after recording the download and its purpose: as an attachment,
/// or with `inline` as that content type (previews). One range is honoured.
pub(crate) async fn stream_item(
    state: &AppState,
    user: String,
    hash: ContentHash,
    purpose: String,
    range: Option<String>,
    inline: Option<String>,
) -> ApiResult {
    let (size, reader) = state
        .with_vault(move |vault| {
            let (item, reader, _) = vault.open_for_download(&hash, &user, &purpose)?;
            Ok((item.size, reader))
        })
        .await?;
    let disposition = match &inline {
        Some(_) => "inline".to_owned(),
        None => format!("attachment; filename=\"{}\"", hash.to_hex()),
    };
    let content_type = inline.unwrap_or_else(|| "application/octet-stream".into());
    stream_bytes(reader, size, range, &content_type, &disposition, "no-store")
}

/// Streams a disclosure package of a request to someone of its recipient (or a custodian).
pub(crate) async fn stream_package(
    state: &AppState,
    user: String,
    id: String,
    package: String,
) -> ApiResult {
    let name = package.clone();
    let (file, size) = state
        .with_vault(move |vault| Ok(vault.open_request_package(&user, &id, &package)?))
        .await?;
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    stream_bytes(
        file,
        size,
        None,
        "application/zip",
        &format!("attachment; filename=\"{safe}.zip\""),
        "no-store",
    )
}

/// Streams `reader` out: read in the blocking pool, sent in 256 KiB pieces, one range; `cache`
/// is the `Cache-Control` (evidence: `no-store`).
pub(crate) fn stream_bytes<R: Read + Seek + Send + 'static>(
    mut reader: R,
    size: u64,
    range: Option<String>,
    content_type: &str,
    disposition: &str,
    cache: &'static str,
) -> ApiResult {
    let (start, end, partial) = match range {
        None => (0, size, false),
        Some(text) => match parse_range(&text, size) {
            Some((start, end)) => (start, end, true),
            None => {
                return Ok((
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    [(header::CONTENT_RANGE, format!("bytes */{size}"))],
                )
                    .into_response())
            }
        },
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        if let Err(e) = reader.seek(SeekFrom::Start(start)) {
            let _ = tx.blocking_send(Err(e));
            return;
        }
        let mut remaining = end - start;
        while remaining > 0 {
            let mut buf = vec![0u8; remaining.min(256 * 1024) as usize];
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    remaining -= n as u64;
                    if tx.blocking_send(Ok(buf)).is_err() {
                        break; // the client went away
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = if partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&(end - start).to_string()) {
        headers.insert(header::CONTENT_LENGTH, v);
    }
    if partial {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end - 1)) {
            headers.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(response)
}

/// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range of an item of `size` bytes, as a half-open
/// interval; `None` when unsatisfiable or not understood.
pub fn parse_range(text: &str, size: u64) -> Option<(u64, u64)> {
    let spec = text.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return None;
        }
        (size.saturating_sub(n), size)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            size
        } else {
            b.parse::<u64>().ok()?.saturating_add(1).min(size)
        };
        (start, end)
    };
    (start < end && start < size).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 10)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 100)));
        assert_eq!(parse_range("bytes=95-200", 100), Some((95, 100)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-2", 100), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=-0", 100), None);
        assert_eq!(
            parse_range("bytes=0-18446744073709551615", 100),
            Some((0, 100))
        );
    }
}
