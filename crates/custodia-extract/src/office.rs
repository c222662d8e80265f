//! Office Open XML (DOCX, XLSX, PPTX) and OpenDocument (ODT, ODS, ODP): ZIP containers of XML.
//! Both are read under the vault's ZIP bomb limits (members, bytes expanded, expansion ratio),
//! counted on what is actually inflated, never on what the headers claim.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;
use zip::ZipArchive;

use crate::{ExtractError, Extraction, Format, Limits, Result};

type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Which Office or ODF format a ZIP holds, by its members.
pub fn zip_format(bytes: &[u8]) -> Option<Format> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    if let Ok(mut mimetype) = zip.by_name("mimetype") {
        let mut m = String::new();
        let _ = (&mut mimetype).take(100).read_to_string(&mut m);
        if m.starts_with("application/vnd.oasis.opendocument") {
            return Some(Format::Odf);
        }
    }
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    if names.iter().any(|n| n == "word/document.xml") {
        Some(Format::Docx)
    } else if names.iter().any(|n| n == "xl/workbook.xml") {
        Some(Format::Xlsx)
    } else if names.iter().any(|n| n == "ppt/presentation.xml") {
        Some(Format::Pptx)
    } else if names.iter().any(|n| n == "content.xml") {
        Some(Format::Odf)
    } else {
        None
    }
}

/// Reads ZIP members within one budget.
struct Budget<'l> {
    limits: &'l Limits,
    expanded: u64,
    format: &'static str,
}

impl Budget<'_> {
    fn read(&mut self, zip: &mut Zip<'_>, name: &str) -> Result<Option<String>> {
        let mut member = match zip.by_name(name) {
            Ok(m) => m,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(m)) if m.contains("assword") => {
                return Err(ExtractError::Encrypted {
                    format: self.format,
                })
            }
            Err(e) => {
                return Err(ExtractError::Corrupt {
                    format: self.format,
                    detail: format!("member `{name}`: {e}"),
                })
            }
        };
        if member.encrypted() {
            return Err(ExtractError::Encrypted {
                format: self.format,
            });
        }
        let compressed = member.compressed_size().max(1);
        let left = self
            .limits
            .max_zip_expanded_bytes
            .saturating_sub(self.expanded);
        let mut bytes = Vec::new();
        (&mut member)
            .take(left + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ExtractError::Corrupt {
                format: self.format,
                detail: format!("member `{name}`: {e}"),
            })?;
        let n = bytes.len() as u64;
        self.expanded += n;
        if n > left {
            return Err(ExtractError::TooLarge {
                format: self.format,
                detail: format!(
                    "more than {} bytes expanded (member `{name}`)",
                    self.limits.max_zip_expanded_bytes
                ),
            });
        }
        if n > 1 << 20 && n / compressed > self.limits.max_zip_ratio {
            return Err(ExtractError::TooLarge {
                format: self.format,
                detail: format!(
                    "member `{name}` expands {}-fold (limit {}): a ZIP bomb?",
                    n / compressed,
                    self.limits.max_zip_ratio
                ),
            });
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ExtractError::Corrupt {
                format: self.format,
                detail: format!("member `{name}` is not UTF-8 XML"),
            })
    }
}

pub fn extract(bytes: &[u8], format: Format, limits: &Limits) -> Result<Extraction> {
    let name = format.as_str();
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExtractError::Corrupt {
        format: name,
        detail: e.to_string(),
    })?;
    if zip.len() as u64 > limits.max_zip_entries {
        return Err(ExtractError::TooLarge {
            format: name,
            detail: format!("{} members (limit {})", zip.len(), limits.max_zip_entries),
        });
    }
    let mut budget = Budget {
        limits,
        expanded: 0,
        format: name,
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut parts: Vec<String> = match format {
        Format::Docx => {
            let mut p = vec!["word/document.xml".to_owned()];
            let mut extra: Vec<String> = names
                .iter()
                .filter(|n| {
                    n.starts_with("word/")
                        && (n.contains("header") || n.contains("footer") || n.contains("notes"))
                        && n.ends_with(".xml")
                })
                .cloned()
                .collect();
            extra.sort();
            p.extend(extra);
            p
        }
        Format::Xlsx => {
            let mut p = vec!["xl/sharedStrings.xml".to_owned()];
            let mut sheets: Vec<String> = names
                .iter()
                .filter(|n| n.starts_with("xl/worksheets/sheet") && n.ends_with(".xml"))
                .cloned()
                .collect();
            sheets.sort_by_key(|n| natural_key(n));
            p.extend(sheets);
            p
        }
        Format::Pptx => {
            let mut slides: Vec<String> = names
                .iter()
                .filter(|n| {
                    (n.starts_with("ppt/slides/slide") || n.starts_with("ppt/notesSlides/"))
                        && n.ends_with(".xml")
                })
                .cloned()
                .collect();
            slides.sort_by_key(|n| natural_key(n));
            slides
        }
        _ => vec!["content.xml".to_owned()],
    };
    parts.dedup();
    let mut text = String::new();
    let mut found = false;
    for part in &parts {
        let Some(xml) = budget.read(&mut zip, part)? else {
            continue;
        };
        found = true;
        let only = match format {
            Format::Odf => None,
            // In a worksheet the shared strings are indexes; only inline strings are text.
            Format::Xlsx if part.starts_with("xl/worksheets") => Some("t"),
            _ => Some("t"),
        };
        xml_text(&xml, only, &mut text, name)?;
        if text.len() > limits.max_text_bytes {
            break;
        }
    }
    if !found {
        return Err(ExtractError::Corrupt {
            format: name,
            detail: "none of the document's text parts is present".into(),
        });
    }
    let (method, mut extraction) = match format {
        Format::Odf => ("odf/quick-xml", Extraction::new(format, "odf/quick-xml")),
        _ => (
            "ooxml/quick-xml",
            Extraction::new(format, "ooxml/quick-xml"),
        ),
    };
    extraction.method = method.into();
    extraction.tool_version = format!("custodia-extract {}; zip 9; quick-xml 0.42", crate::VERSION);
    let meta_part = if format == Format::Odf {
        "meta.xml"
    } else {
        "docProps/core.xml"
    };
    if let Some(xml) = budget.read(&mut zip, meta_part)? {
        for (key, value) in properties(&xml) {
            extraction.meta(&key, value);
        }
    }
    Ok(extraction.with_text(crate::html::tidy(&text), limits))
}

fn natural_key(name: &str) -> (usize, String) {
    let digits: String = name.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.parse().unwrap_or(0), name.to_owned())
}

/// Appends the text of an XML part: with `only`, the content of elements of that local name
/// (`w:t`, `a:t`); else all character data. Paragraphs, rows and breaks become line breaks.
fn xml_text(xml: &str, only: Option<&str>, out: &mut String, format: &'static str) -> Result<()> {
    let mut reader = Reader::from_str(xml);
    let mut inside = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| ExtractError::Corrupt {
            format,
            detail: format!("XML at byte {}: {e}", reader.buffer_position()),
        })?;
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                if Some(local.as_ref()) == only {
                    inside += 1;
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                let l = local.as_ref();
                if Some(l) == only {
                    inside = inside.saturating_sub(1);
                }
                if matches!(l, "p" | "h" | "si" | "row" | "tr" | "list-item") {
                    out.push('\n');
                }
                if matches!(l, "c" | "tc" | "table-cell") {
                    out.push('\t');
                }
            }
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" | "line-break" => out.push('\n'),
                "s" => out.push(' '),
                _ => {}
            },
            Event::Text(t) if only.is_none() || inside > 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if only.is_none() || inside > 0 => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if only.is_none() || inside > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    out.push_str(match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Document properties (Dublin Core and their ODF/OOXML cousins) as `(name, value)`.
fn properties(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut current: Option<String> = None;
    let mut found = Vec::new();
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                current = match local.as_str() {
                    "title" | "subject" | "creator" | "description" | "keywords"
                    | "lastModifiedBy" | "created" | "modified" | "initial-creator"
                    | "creation-date" | "date" | "language" => Some(local),
                    _ => None,
                };
            }
            Event::Text(t) => {
                if let Some(key) = current.take() {
                    let key = match key.as_str() {
                        "initial-creator" => "creator".to_owned(),
                        "creation-date" => "created".to_owned(),
                        "date" => "modified".to_owned(),
                        _ => key,
                    };
                    found.push((key, t.xml10_content().trim().to_owned()));
                }
            }
            Event::End(_) => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    found
}
