//! PDF: the text layer of each page (`pdf-extract` over `lopdf`), document properties, and OCR
//! of pages that have no text layer (scans): `pdftoppm` renders them at 300 dpi for Tesseract.
//! The document goes to `pdftoppm` through a pipe and the page image from it to Tesseract through
//! another: no decrypted byte of a scan is written to any file.
//!
//! Both parsers run behind [`guarded`]: a panic or a run past the time limit on a hostile file
//! (reference loops, broken streams) is an error for this item only.

use std::sync::Arc;

use crate::guard::guarded;
use crate::tool::{ocr_image, run_tool};
use crate::{ExtractError, Extraction, Format, OcrInfo, Options, Result};

/// A page with fewer visible characters than this is taken for a scan and read by OCR.
const MIN_PAGE_CHARS: usize = 16;

pub fn extract(bytes: &[u8], options: &Options) -> Result<Extraction> {
    let limits = &options.limits;
    let shared: Arc<Vec<u8>> = Arc::new(bytes.to_vec());
    let input = Arc::clone(&shared);
    let (pages, info, encrypted) = guarded("pdf", limits.timeout, move || {
        let doc = lopdf::Document::load_mem(&input).map_err(|e| ExtractError::Corrupt {
            format: "pdf",
            detail: e.to_string(),
        })?;
        let encrypted = doc.is_encrypted();
        let pages = doc.get_pages().len();
        Ok((pages, info(&doc), encrypted))
    })?;
    if encrypted {
        return Err(ExtractError::Encrypted { format: "pdf" });
    }
    let input = Arc::clone(&shared);
    let texts = guarded("pdf", limits.timeout, move || {
        pdf_extract::extract_text_from_mem_by_pages(&input).map_err(|e| ExtractError::Corrupt {
            format: "pdf",
            detail: e.to_string(),
        })
    })?;
    let mut extraction = Extraction::new(Format::Pdf, "pdf/pdf-extract");
    extraction.tool_version = format!(
        "custodia-extract {}; pdf-extract 0.12; lopdf 0.42",
        crate::VERSION
    );
    extraction.meta("pages", pages as u64);
    for (k, v) in info {
        extraction.meta(&k, v);
    }
    let mut texts: Vec<String> = texts;
    let scans: Vec<usize> = texts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.chars().filter(|c| !c.is_whitespace()).count() < MIN_PAGE_CHARS)
        .map(|(i, _)| i)
        .collect();
    if options.ocr && !scans.is_empty() {
        match ocr_pages(bytes, &scans, options) {
            Ok((read, info)) => {
                if read.len() < scans.len() {
                    extraction.warnings.push(format!(
                        "OCR read {} of the {} page(s) without text: the item's OCR time of {} s was spent",
                        read.len(),
                        scans.len(),
                        limits.ocr_time_per_item.as_secs()
                    ));
                }
                for (i, text) in read {
                    if let Some(slot) = texts.get_mut(i) {
                        *slot = text;
                    }
                }
                extraction.method = if scans.len() == texts.len() {
                    "ocr/tesseract".into()
                } else {
                    "pdf/pdf-extract+ocr/tesseract".into()
                };
                extraction.tool_version = format!(
                    "custodia-extract {}; pdf-extract 0.12; pdftoppm; tesseract {}",
                    crate::VERSION,
                    info.version
                );
                extraction.ocr = Some(info);
            }
            Err(e) => extraction.warnings.push(format!(
                "{} page(s) without text could not be read by OCR: {e}",
                scans.len()
            )),
        }
    }
    // Documents that mix languages page by page (an Arabic register with French annexes):
    // the language of each page with enough text.
    let page_languages: Vec<serde_json::Value> = texts
        .iter()
        .map(|t| match crate::detect_language(t) {
            Some(l) if t.chars().filter(|c| c.is_alphabetic()).count() >= 40 => {
                serde_json::Value::String(l.code)
            }
            _ => serde_json::Value::Null,
        })
        .collect();
    if page_languages.iter().any(|l| !l.is_null()) {
        extraction.meta("page_languages", page_languages);
    }
    // Pages are kept apart by form feeds, so a snippet can name its page.
    let text = texts.join("\n\u{c}\n");
    Ok(extraction.with_text(crate::html::tidy(&text), limits))
}

fn ocr_pages(
    bytes: &[u8],
    pages: &[usize],
    options: &Options,
) -> Result<(Vec<(usize, String)>, OcrInfo)> {
    let mut read = Vec::new();
    let mut info = None;
    let started = std::time::Instant::now();
    for &page in pages {
        if started.elapsed() >= options.limits.ocr_time_per_item {
            break;
        }
        let n = (page + 1).to_string();
        // `-` reads the document from standard input; with `-singlefile` and no output root,
        // the page image goes to standard output.
        let png = run_tool(
            "pdftoppm",
            &[
                "-r",
                "300",
                "-gray",
                "-png",
                "-singlefile",
                "-f",
                &n,
                "-l",
                &n,
                "-",
            ],
            Some(bytes),
            &options.limits,
        )?;
        let out = ocr_image(&png, &options.ocr_languages, &options.limits)?;
        read.push((page, out.text.clone()));
        // Pages may be read in different languages (each page's script chooses them).
        let seen = info.get_or_insert(OcrInfo {
            engine: "tesseract".into(),
            version: out.version,
            languages: Vec::new(),
            missing_languages: out.missing_languages,
            pages: 0,
            scripts: Vec::new(),
        });
        for language in out.languages {
            if !seen.languages.contains(&language) {
                seen.languages.push(language);
            }
        }
        if let Some(script) = out.script {
            if !seen.scripts.contains(&script) {
                seen.scripts.push(script);
            }
        }
    }
    let mut info = info.ok_or_else(|| ExtractError::Tool {
        tool: "tesseract",
        detail: if pages.is_empty() {
            "no page was read".into()
        } else {
            format!(
                "no page was read within the item's OCR time of {} s",
                options.limits.ocr_time_per_item.as_secs()
            )
        },
    })?;
    info.pages = read.len() as u32;
    Ok((read, info))
}

/// The document information dictionary (title, author, dates…).
fn info(doc: &lopdf::Document) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(info) = doc
        .trailer
        .get_deref(b"Info", doc)
        .and_then(|o| o.as_dict())
    else {
        return found;
    };
    for (key, name) in [
        (&b"Title"[..], "title"),
        (b"Author", "creator"),
        (b"Subject", "subject"),
        (b"Keywords", "keywords"),
        (b"Creator", "creator_tool"),
        (b"Producer", "producer"),
        (b"CreationDate", "created"),
        (b"ModDate", "modified"),
    ] {
        if let Ok(value) = info.get_deref(key, doc).and_then(|o| o.as_str()) {
            let text = pdf_string(value);
            if !text.trim().is_empty() {
                found.push((name.to_owned(), text.trim().to_owned()));
            }
        }
    }
    found
}

/// PDF text strings: UTF-16BE with a BOM, else PDFDocEncoding (Latin-1 for what matters here).
fn pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, _) = encoding_rs::UTF_16BE.decode(&bytes[2..]);
        return text.into_owned();
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(&bytes[3..]).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}
