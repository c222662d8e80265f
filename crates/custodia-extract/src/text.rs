//! Plain text in any common encoding. A BOM decides when present (UTF-8, UTF-16LE/BE); else
//! valid UTF-8 is UTF-8; else `chardetng` guesses among legacy encodings (Windows-1256 for
//! Arabic, Windows-1252 and ISO-8859-x for Latin scripts) and `encoding_rs` decodes. The encoding
//! is recorded: a translator checking a quotation must know which bytes made which letters.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

use crate::{Extraction, Format, Limits, Result};

/// Decodes bytes of unknown encoding; returns the text and the encoding's name.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), "UTF-8");
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, Utf8Detection::Allow);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding.name())
}

/// Decodes bytes whose declared charset (e-mail, HTML) may be wrong or missing.
pub fn decode_labelled(bytes: &[u8], label: Option<&str>) -> (String, &'static str) {
    if Encoding::for_bom(bytes).is_none() {
        if let Some(encoding) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
            let (text, _, had_errors) = encoding.decode(bytes);
            if !had_errors {
                return (text.into_owned(), encoding.name());
            }
        }
    }
    decode(bytes)
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction> {
    let (text, encoding) = decode(bytes);
    let mut extraction = Extraction::new(Format::Text, "text/encoding_rs");
    extraction.tool_version = format!(
        "custodia-extract {}; chardetng 1; encoding_rs 0.8",
        crate::VERSION
    );
    extraction.encoding = Some(encoding.to_owned());
    Ok(extraction.with_text(text, limits))
}

/// Text in any common encoding: a UTF-16 BOM, or no NUL bytes and few control characters.
pub fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    control * 100 <= head.len()
}
