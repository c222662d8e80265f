//! MIME types sniffed from content, never from the file name: a seized `report.pdf` may well be
//! a ZIP, and the custodian must see what it is.

/// Bytes of the start of a file that sniffing looks at.
pub const SNIFF_LEN: usize = 8192;

/// The MIME type of content that starts with `head` (the first [`SNIFF_LEN`] bytes or fewer, if
/// the content is shorter).
pub fn mime_type(head: &[u8]) -> String {
    if head.is_empty() {
        return "application/x-empty".into();
    }
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    if looks_like_text(head) {
        return "text/plain".into();
    }
    "application/octet-stream".into()
}

/// Text in any common encoding: no NUL bytes (UTF-16 has a BOM, which `infer` does not claim) and
/// few control characters.
fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    control * 100 <= head.len()
}

/// Archive formats the vault expands into child items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    Tar,
    Gzip,
}

pub fn archive_kind(mime: &str) -> Option<ArchiveKind> {
    match mime {
        "application/zip" => Some(ArchiveKind::Zip),
        "application/x-tar" => Some(ArchiveKind::Tar),
        "application/gzip" => Some(ArchiveKind::Gzip),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_names() {
        assert_eq!(mime_type(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(mime_type(b"PK\x03\x04\x14\x00\x00\x00"), "application/zip");
        assert_eq!(mime_type(b"hello, world\n"), "text/plain");
        assert_eq!(mime_type("مرحبا".as_bytes()), "text/plain");
        assert_eq!(mime_type(&[0, 1, 2, 3, 0, 0]), "application/octet-stream");
        assert_eq!(mime_type(b""), "application/x-empty");
        assert_eq!(
            mime_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            "image/jpeg"
        );
    }
}
