//! Images: EXIF (camera, capture time, GPS position) and the text OCR reads in them. A broken
//! EXIF block is a warning, not a failure: the picture may still hold a readable page.

use std::io::Cursor;

use exif::{In, Tag, Value};

use crate::tool::ocr_image;
use crate::{Extraction, Format, OcrInfo, Options, Result};

pub fn is_image(head: &[u8]) -> bool {
    image_extension(head).is_some()
}

/// The kind of image, as a file extension.
fn image_extension(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Some("tif")
    } else if head.starts_with(b"GIF8") {
        Some("gif")
    } else if head.starts_with(b"BM") && head.len() > 14 {
        Some("bmp")
    } else if head.len() > 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

pub fn extract(bytes: &[u8], options: &Options) -> Result<Extraction> {
    let mut extraction = Extraction::new(Format::Image, "image/kamadak-exif");
    extraction.tool_version = format!("custodia-extract {}; kamadak-exif 0.6", crate::VERSION);
    match read_exif(bytes) {
        Ok(found) => {
            for (k, v) in found {
                extraction.meta(&k, v);
            }
        }
        Err(Some(e)) => extraction
            .warnings
            .push(format!("the EXIF block could not be read: {e}")),
        Err(None) => {}
    }
    if options.ocr {
        // Through a pipe: Leptonica tells the format from the bytes themselves.
        let out = ocr_image(bytes, &options.ocr_languages, &options.limits)?;
        extraction.method = "ocr/tesseract".into();
        extraction.tool_version = format!(
            "custodia-extract {}; tesseract {}; kamadak-exif 0.6",
            crate::VERSION,
            out.version
        );
        extraction.ocr = Some(OcrInfo {
            engine: "tesseract".into(),
            version: out.version,
            languages: out.languages,
            missing_languages: out.missing_languages,
            pages: 1,
            scripts: out.script.into_iter().collect(),
        });
        extraction.set_text(crate::html::tidy(&out.text), &options.limits);
    }
    Ok(extraction)
}

/// EXIF facts an investigator uses: camera, capture time, GPS position. `Err(None)`: no EXIF.
fn read_exif(bytes: &[u8]) -> Result<Vec<(String, serde_json::Value)>, Option<String>> {
    let exif = match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(e) => e,
        Err(exif::Error::NotFound(_)) => return Err(None),
        Err(e) => return Err(Some(e.to_string())),
    };
    let mut found = Vec::new();
    let text = |tag: Tag| -> Option<String> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        match &field.value {
            Value::Ascii(parts) => parts
                .first()
                .map(|p| String::from_utf8_lossy(p).trim().to_owned()),
            _ => Some(field.display_value().to_string()),
        }
        .filter(|s| !s.is_empty())
    };
    for (key, tag) in [
        ("camera_make", Tag::Make),
        ("camera_model", Tag::Model),
        ("captured_at", Tag::DateTimeOriginal),
        ("modified_at", Tag::DateTime),
        ("software", Tag::Software),
    ] {
        if let Some(v) = text(tag) {
            found.push((key.to_owned(), serde_json::Value::String(v)));
        }
    }
    let coordinate = |value: Tag, reference: Tag, negative: &str| -> Option<f64> {
        let field = exif.get_field(value, In::PRIMARY)?;
        let Value::Rational(parts) = &field.value else {
            return None;
        };
        if parts.len() < 3 || parts.iter().any(|r| r.denom == 0) {
            return None;
        }
        let degrees = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
        let sign = if text(reference).as_deref() == Some(negative) {
            -1.0
        } else {
            1.0
        };
        Some(sign * degrees)
    };
    if let (Some(lat), Some(lon)) = (
        coordinate(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S"),
        coordinate(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W"),
    ) {
        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            found.push(("gps_latitude".into(), serde_json::json!(lat)));
            found.push(("gps_longitude".into(), serde_json::json!(lon)));
        }
    }
    Ok(found)
}
