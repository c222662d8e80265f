//! WACZ 1.1.1: a capture's WARC, its CDXJ index and its page list in one ZIP, with a
//! `datapackage.json` naming the SHA-256 and size of every file and a signed
//! `datapackage-digest.json`, so that the Webrecorder tools and ReplayWeb.page read it.

use std::fs::File;
use std::io::{Seek, Write};
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use zip::{write::SimpleFileOptions, CompressionMethod, ZipWriter};

use crate::CaptureError;

/// One line of the CDXJ index: where a response lies in the WARC.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub url: String,
    /// The capture time, 14 digits `YYYYMMDDhhmmss`.
    pub timestamp14: String,
    pub mime: String,
    pub status: u16,
    /// SHA-256 of the payload, hex.
    pub payload_sha256: String,
    pub offset: u64,
    pub length: u64,
}

/// A page of the capture, for `pages/pages.jsonl`.
#[derive(Debug, Clone)]
pub struct PageEntry {
    pub url: String,
    /// RFC 3339.
    pub ts: String,
    pub title: String,
    pub text: String,
}

/// What goes into the package besides the WARC.
pub struct PackageInfo<'a> {
    pub title: &'a str,
    pub created: &'a str,
    pub software: &'a str,
    pub main_page_url: &'a str,
    pub main_page_date: &'a str,
}

/// The sort key of a URL in a CDXJ index (SURT form: host labels reversed and joined by commas,
/// a leading `www` dropped, lower case, query arguments sorted).
pub fn surt(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_ascii_lowercase();
    };
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut key: String = host.split('.').rev().collect::<Vec<_>>().join(",");
    if let Some(port) = parsed.port() {
        key.push(':');
        key.push_str(&port.to_string());
    }
    key.push(')');
    key.push_str(&parsed.path().to_ascii_lowercase());
    if let Some(query) = parsed.query() {
        let mut args: Vec<&str> = query.split('&').collect();
        args.sort_unstable();
        key.push('?');
        key.push_str(&args.join("&").to_ascii_lowercase());
    }
    key
}

/// The CDXJ index text, sorted as readers expect.
pub fn cdxj(entries: &[IndexEntry], warc_name: &str) -> String {
    let mut lines: Vec<String> = entries
        .iter()
        .map(|e| {
            let fields = json!({
                "url": e.url,
                "mime": e.mime,
                "status": e.status.to_string(),
                "digest": format!("sha256:{}", e.payload_sha256),
                "length": e.length.to_string(),
                "offset": e.offset.to_string(),
                "filename": warc_name,
            });
            format!("{} {} {}", surt(&e.url), e.timestamp14, fields)
        })
        .collect();
    lines.sort();
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The `pages/pages.jsonl` text.
pub fn pages_jsonl(pages: &[PageEntry]) -> String {
    let mut text =
        json!({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}).to_string();
    text.push('\n');
    for (i, p) in pages.iter().enumerate() {
        text.push_str(
            &json!({
                "id": format!("page-{i}"),
                "url": p.url,
                "ts": p.ts,
                "title": p.title,
                "text": p.text,
            })
            .to_string(),
        );
        text.push('\n');
    }
    text
}

/// Packs the WARC at `warc_path` (stored, not compressed again) with its index and pages into a
/// WACZ at `out`. `sign` is given the `sha256:HEX` of `datapackage.json` and its `created` time
/// (which the signed data must repeat) and returns the
/// `signedData` object of `datapackage-digest.json` (or `None` to leave it unsigned).
/// Returns the SHA-256 (hex) of the WACZ written.
pub fn pack(
    out: &Path,
    warc_path: &Path,
    warc_name: &str,
    index: &[IndexEntry],
    pages: &[PageEntry],
    info: &PackageInfo<'_>,
    sign: &(dyn Fn(&str, &str) -> Option<Value> + Send + Sync),
) -> Result<String, CaptureError> {
    let io = |what: &str, e: std::io::Error| CaptureError::Io(format!("{what}: {e}"));
    let zip_err = |e: zip::result::ZipError| CaptureError::Io(format!("writing the WACZ: {e}"));
    let file = File::create_new(out).map_err(|e| io(&out.display().to_string(), e))?;
    let mut zip = ZipWriter::new(file);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    let mut resources = Vec::new();

    // The WARC, copied in while hashed.
    let warc_path_in_zip = format!("archive/{warc_name}");
    zip.start_file(warc_path_in_zip.as_str(), stored)
        .map_err(zip_err)?;
    let mut source = File::open(warc_path).map_err(|e| io("reading the WARC", e))?;
    let mut hashing = HashingWriter {
        inner: &mut zip,
        hasher: Sha256::new(),
        bytes: 0,
    };
    std::io::copy(&mut source, &mut hashing).map_err(|e| io("copying the WARC", e))?;
    let (hash, bytes) = (hex::encode(hashing.hasher.finalize()), hashing.bytes);
    resources.push(json!({"name": warc_name, "path": warc_path_in_zip, "hash": format!("sha256:{hash}"), "bytes": bytes}));

    let index_text = cdxj(index, warc_name);
    let pages_text = pages_jsonl(pages);
    for (path, body) in [
        ("indexes/index.cdxj", index_text.as_bytes()),
        ("pages/pages.jsonl", pages_text.as_bytes()),
    ] {
        zip.start_file(path, stored).map_err(zip_err)?;
        zip.write_all(body).map_err(|e| io(path, e))?;
        let name = path.rsplit('/').next().unwrap_or(path);
        resources.push(json!({"name": name, "path": path, "hash": format!("sha256:{}", hex::encode(Sha256::digest(body))), "bytes": body.len()}));
    }

    let datapackage = json!({
        "profile": "data-package",
        "wacz_version": "1.1.1",
        "title": info.title,
        "created": info.created,
        "modified": info.created,
        "software": info.software,
        "mainPageUrl": info.main_page_url,
        "mainPageDate": info.main_page_date,
        "resources": resources,
    });
    let json_err = |e: serde_json::Error| CaptureError::Io(format!("writing the WACZ's JSON: {e}"));
    let datapackage_text = serde_json::to_vec_pretty(&datapackage).map_err(json_err)?;
    zip.start_file("datapackage.json", stored)
        .map_err(zip_err)?;
    zip.write_all(&datapackage_text)
        .map_err(|e| io("datapackage.json", e))?;
    let datapackage_hash = format!("sha256:{}", hex::encode(Sha256::digest(&datapackage_text)));
    let mut digest = json!({"path": "datapackage.json", "hash": datapackage_hash});
    if let Some(signed) = sign(&datapackage_hash, info.created) {
        digest["signedData"] = signed;
    }
    zip.start_file("datapackage-digest.json", stored)
        .map_err(zip_err)?;
    zip.write_all(&serde_json::to_vec_pretty(&digest).map_err(json_err)?)
        .map_err(|e| io("datapackage-digest.json", e))?;
    let mut file = zip.finish().map_err(zip_err)?;
    file.flush().map_err(|e| io("the WACZ", e))?;
    file.sync_all().map_err(|e| io("the WACZ", e))?;
    file.rewind().map_err(|e| io("the WACZ", e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| io("hashing the WACZ", e))?;
    Ok(hex::encode(hasher.finalize()))
}

struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surt_reverses_hosts_and_sorts_queries() {
        assert_eq!(
            surt("https://www.Example.org/A/b?z=1&a=2"),
            "org,example)/a/b?a=2&z=1"
        );
        assert_eq!(surt("http://127.0.0.1:8080/x"), "1,0,0,127:8080)/x");
        assert_eq!(surt("http://news.example.com/"), "com,example,news)/");
    }

    #[test]
    fn cdxj_lines_are_sorted_and_name_the_warc() {
        let e = |url: &str| IndexEntry {
            url: url.into(),
            timestamp14: "20261205000000".into(),
            mime: "text/html".into(),
            status: 200,
            payload_sha256: "ab".into(),
            offset: 0,
            length: 10,
        };
        let text = cdxj(&[e("http://b.org/"), e("http://a.org/")], "data.warc.gz");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("org,a)/ 20261205000000 {"));
        assert!(lines[1].contains("\"filename\":\"data.warc.gz\""));
    }
}
