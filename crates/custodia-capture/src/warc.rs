//! A WARC 1.1 writer: each record is its own gzip member, so a reader (and the CDXJ index of the
//! WACZ) can seek to any record by its offset in the compressed file.
//!
//! Written here rather than taken from a crate because the index needs each record's compressed
//! offset and length, and the record digests are computed once for both the WARC headers and
//! the capture record.

use std::io::Write;

use flate2::{write::GzEncoder, Compression};
use sha2::{Digest, Sha256};

/// What a record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    Warcinfo,
    Request,
    Response,
    Metadata,
    Resource,
}

impl RecordType {
    fn as_str(self) -> &'static str {
        match self {
            RecordType::Warcinfo => "warcinfo",
            RecordType::Request => "request",
            RecordType::Response => "response",
            RecordType::Metadata => "metadata",
            RecordType::Resource => "resource",
        }
    }
}

/// One record to write.
pub struct Record<'a> {
    pub kind: RecordType,
    pub target_uri: Option<&'a str>,
    /// RFC 3339 UTC, fractional seconds allowed (WARC 1.1).
    pub date: &'a str,
    pub content_type: &'a str,
    /// The record's block: for `request` and `response`, the HTTP message (head and body).
    pub block: &'a [u8],
    /// Where the payload (the HTTP body) starts within the block, for `WARC-Payload-Digest`.
    pub payload_offset: Option<usize>,
    pub concurrent_to: Option<&'a str>,
    pub ip_address: Option<&'a str>,
    /// Further headers, written as given (names and values must not hold line breaks).
    pub extra: &'a [(&'a str, String)],
}

/// Where a written record lies in the compressed file, and its digests.
#[derive(Debug, Clone)]
pub struct Written {
    pub record_id: String,
    /// Offset of the record's gzip member in the file.
    pub offset: u64,
    /// Length of the record's gzip member.
    pub length: u64,
    /// SHA-256 of the payload (hex), for `response` and `resource` records.
    pub payload_sha256: Option<String>,
}

/// Writes records, each gzip-compressed on its own, to `out`.
pub struct WarcWriter<W: Write> {
    out: W,
    position: u64,
    /// Seed of the record identifiers: unique per capture, so identifiers are unique.
    id_seed: [u8; 32],
    next_id: u64,
    records: u64,
}

impl<W: Write> WarcWriter<W> {
    pub fn new(out: W, id_seed: [u8; 32]) -> Self {
        WarcWriter {
            out,
            position: 0,
            id_seed,
            next_id: 0,
            records: 0,
        }
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// A fresh `urn:uuid:` record identifier (a version 4 layout over a hash of the seed and a
    /// counter: unique within the capture, unpredictable across captures).
    pub fn new_record_id(&mut self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.id_seed);
        hasher.update(self.next_id.to_be_bytes());
        self.next_id += 1;
        let digest = hasher.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "<urn:uuid:{}-{}-{}-{}-{}>",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// Writes one record with identifier `record_id` (from [`WarcWriter::new_record_id`]).
    pub fn write(&mut self, record_id: &str, record: &Record<'_>) -> std::io::Result<Written> {
        let block_digest = Sha256::digest(record.block);
        let payload_sha256 = record.payload_offset.map(|at| {
            let payload = record.block.get(at..).unwrap_or_default();
            Sha256::digest(payload)
        });
        let mut head = String::with_capacity(512);
        head.push_str("WARC/1.1\r\n");
        push_header(&mut head, "WARC-Type", record.kind.as_str());
        push_header(&mut head, "WARC-Record-ID", record_id);
        push_header(&mut head, "WARC-Date", record.date);
        if let Some(uri) = record.target_uri {
            push_header(&mut head, "WARC-Target-URI", uri);
        }
        if let Some(to) = record.concurrent_to {
            push_header(&mut head, "WARC-Concurrent-To", to);
        }
        if let Some(ip) = record.ip_address {
            push_header(&mut head, "WARC-IP-Address", ip);
        }
        if let Some(digest) = &payload_sha256 {
            push_header(&mut head, "WARC-Payload-Digest", &labelled_base32(digest));
        }
        push_header(
            &mut head,
            "WARC-Block-Digest",
            &labelled_base32(&block_digest),
        );
        for (name, value) in record.extra {
            push_header(&mut head, name, value);
        }
        push_header(&mut head, "Content-Type", record.content_type);
        push_header(&mut head, "Content-Length", &record.block.len().to_string());
        head.push_str("\r\n");

        let mut gz = GzEncoder::new(
            Vec::with_capacity(record.block.len() / 2 + 256),
            Compression::default(),
        );
        gz.write_all(head.as_bytes())?;
        gz.write_all(record.block)?;
        gz.write_all(b"\r\n\r\n")?;
        let member = gz.finish()?;
        self.out.write_all(&member)?;
        let written = Written {
            record_id: record_id.to_owned(),
            offset: self.position,
            length: member.len() as u64,
            payload_sha256: payload_sha256.map(hex::encode),
        };
        self.position += member.len() as u64;
        self.records += 1;
        Ok(written)
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn push_header(head: &mut String, name: &str, value: &str) {
    head.push_str(name);
    head.push_str(": ");
    // A value never carries a line break into the record's head.
    head.extend(
        value
            .chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c }),
    );
    head.push_str("\r\n");
}

/// `sha256:` and the digest in base 32, the form WARC readers expect.
fn labelled_base32(digest: &[u8]) -> String {
    format!(
        "sha256:{}",
        base32::encode(base32::Alphabet::Rfc4648 { padding: true }, digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn each_record_is_a_gzip_member_at_its_offset() {
        let mut w = WarcWriter::new(Vec::new(), [7; 32]);
        let id1 = w.new_record_id();
        let id2 = w.new_record_id();
        assert_ne!(id1, id2);
        assert!(id1.starts_with("<urn:uuid:") && id1.len() == 47, "{id1}");
        let block = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        let a = w
            .write(
                &id1,
                &Record {
                    kind: RecordType::Response,
                    target_uri: Some("http://example.org/"),
                    date: "2026-12-05T00:00:00Z",
                    content_type: "application/http; msgtype=response",
                    block,
                    payload_offset: Some(block.len() - 5),
                    concurrent_to: None,
                    ip_address: Some("192.0.2.1"),
                    extra: &[("X-Bad", "a\r\nWARC-Type: evil".into())],
                },
            )
            .unwrap();
        let b = w
            .write(
                &id2,
                &Record {
                    kind: RecordType::Metadata,
                    target_uri: None,
                    date: "2026-12-05T00:00:00Z",
                    content_type: "application/json",
                    block: b"{}",
                    payload_offset: None,
                    concurrent_to: Some(&id1),
                    ip_address: None,
                    extra: &[],
                },
            )
            .unwrap();
        let file = w.finish().unwrap();
        assert_eq!(a.offset, 0);
        assert_eq!(b.offset, a.length);
        assert_eq!(file.len() as u64, a.length + b.length);
        assert_eq!(
            a.payload_sha256.as_deref(),
            Some(hex::encode(Sha256::digest(b"hello")).as_str())
        );
        let mut text = String::new();
        flate2::read::GzDecoder::new(&file[..a.length as usize])
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.starts_with("WARC/1.1\r\nWARC-Type: response\r\n"));
        assert!(text.contains("X-Bad: a  WARC-Type: evil\r\n"), "{text}");
        assert!(text.ends_with("hello\r\n\r\n"));
        assert_eq!(text.matches("WARC-Type:").count(), 2);
    }
}
