//! RTF: a small reader of the control words that carry text. `\'hh` bytes are decoded with the
//! document's ANSI code page (`\ansicpg1256` for Arabic), `\uN` is Unicode (skipping the `\ucN`
//! fallback characters after it); font tables, styles, pictures, objects and `\*` destinations
//! are skipped. Nesting is tracked with a counter, so a hostile file cannot overflow the stack.

use encoding_rs::Encoding;

use crate::{ExtractError, Extraction, Format, Limits, Result};

/// Deepest group nesting accepted (Word writes a few dozen at most).
const MAX_DEPTH: usize = 10_000;

const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "xmlnstbl",
    "mmathPr",
    "filetbl",
    "revtbl",
    "header",
    "footer",
    "bkmkstart",
    "bkmkend",
    "fldinst",
];

#[derive(Clone, Copy)]
struct Group {
    skip: bool,
    uc: usize,
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction> {
    let mut codepage: &'static Encoding = encoding_rs::WINDOWS_1252;
    let mut out = String::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut stack: Vec<Group> = Vec::new();
    let mut group = Group { skip: false, uc: 1 };
    let mut skip_chars = 0usize;
    let mut i = 0;
    let flush = |pending: &mut Vec<u8>, out: &mut String, cp: &'static Encoding| {
        if !pending.is_empty() {
            let (t, _, _) = cp.decode(pending);
            out.push_str(&t);
            pending.clear();
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                flush(&mut pending, &mut out, codepage);
                if stack.len() >= MAX_DEPTH {
                    return Err(ExtractError::TooLarge {
                        format: "rtf",
                        detail: format!("groups nested deeper than {MAX_DEPTH}"),
                    });
                }
                stack.push(group);
                i += 1;
            }
            b'}' => {
                flush(&mut pending, &mut out, codepage);
                group = stack.pop().unwrap_or(group);
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&c) = bytes.get(i) else { break };
                if c.is_ascii_alphabetic() {
                    let start = i;
                    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    let word = std::str::from_utf8(&bytes[start..i]).unwrap_or("");
                    let nstart = i;
                    if i < bytes.len() && (bytes[i] == b'-' || bytes[i].is_ascii_digit()) {
                        i += 1;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                    let param: Option<i64> = std::str::from_utf8(&bytes[nstart..i])
                        .ok()
                        .and_then(|s| s.parse().ok());
                    if i < bytes.len() && bytes[i] == b' ' {
                        i += 1;
                    }
                    if SKIPPED.contains(&word) {
                        group.skip = true;
                        continue;
                    }
                    if group.skip {
                        continue;
                    }
                    match word {
                        "ansicpg" => {
                            if let Some(enc) = param.and_then(|p| {
                                Encoding::for_label(format!("windows-{p}").as_bytes())
                            }) {
                                codepage = enc;
                            }
                        }
                        "par" | "line" | "row" | "sect" | "page" => {
                            flush(&mut pending, &mut out, codepage);
                            out.push('\n');
                        }
                        "tab" | "cell" => {
                            flush(&mut pending, &mut out, codepage);
                            out.push('\t');
                        }
                        "uc" => group.uc = param.unwrap_or(1).clamp(0, 10) as usize,
                        "u" => {
                            flush(&mut pending, &mut out, codepage);
                            let mut n = param.unwrap_or(0);
                            if n < 0 {
                                n += 65536;
                            }
                            if let Some(ch) = char::from_u32(n as u32) {
                                out.push(ch);
                            }
                            skip_chars = group.uc;
                        }
                        "emdash" => out.push('—'),
                        "endash" => out.push('–'),
                        "lquote" => out.push('‘'),
                        "rquote" => out.push('’'),
                        "ldblquote" => out.push('“'),
                        "rdblquote" => out.push('”'),
                        "bullet" => out.push('•'),
                        _ => {}
                    }
                } else {
                    i += 1;
                    match c {
                        b'\'' => {
                            let hex = bytes
                                .get(i..i + 2)
                                .and_then(|h| std::str::from_utf8(h).ok());
                            i += 2;
                            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                if group.skip {
                                    continue;
                                }
                                if skip_chars > 0 {
                                    skip_chars -= 1;
                                } else {
                                    pending.push(v);
                                }
                            }
                        }
                        b'*' => group.skip = true,
                        b'~' if !group.skip => out.push('\u{a0}'),
                        b'-' | b'_' => {}
                        b'\\' | b'{' | b'}' if !group.skip => {
                            flush(&mut pending, &mut out, codepage);
                            out.push(c as char);
                        }
                        b'\n' | b'\r' if !group.skip => out.push('\n'),
                        _ => {}
                    }
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                i += 1;
                if group.skip {
                    continue;
                }
                if skip_chars > 0 {
                    skip_chars -= 1;
                    continue;
                }
                pending.push(b);
            }
        }
        if out.len() > limits.max_text_bytes {
            break;
        }
    }
    flush(&mut pending, &mut out, codepage);
    let mut extraction = Extraction::new(Format::Rtf, "rtf/custodia");
    extraction.encoding = Some(codepage.name().to_owned());
    Ok(extraction.with_text(crate::html::tidy(&out), limits))
}
