//! E-mail (RFC 5322, `.eml`): headers as metadata, the text body (the HTML body's visible text
//! when there is no text part), and every attachment as a [`Child`] for the vault to preserve
//! as an item of its own (whose text is then extracted in turn).

use mail_parser::{MessageParser, MimeHeaders};

use crate::{Child, ExtractError, Extraction, Format, Limits, Result};

pub fn looks_like(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(2048)]);
    let mut headers = 0;
    for line in text.lines().take(40) {
        if line.is_empty() {
            break;
        }
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "from"
                | "to"
                | "subject"
                | "date"
                | "message-id"
                | "received"
                | "mime-version"
                | "return-path"
        ) {
            headers += 1;
        }
    }
    headers >= 2
}

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction> {
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| ExtractError::Corrupt {
            format: "email",
            detail: "no RFC 5322 message could be parsed".into(),
        })?;
    let mut extraction = Extraction::new(Format::Email, "email/mail-parser");
    extraction.tool_version = format!("custodia-extract {}; mail-parser 0.11", crate::VERSION);
    let addresses = |a: Option<&mail_parser::Address<'_>>| -> Vec<String> {
        a.map(|a| {
            a.iter()
                .map(|addr| match (addr.name(), addr.address()) {
                    (Some(n), Some(e)) => format!("{n} <{e}>"),
                    (None, Some(e)) => e.to_owned(),
                    (Some(n), None) => n.to_owned(),
                    (None, None) => String::new(),
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
    };
    let mut header_text = String::new();
    if let Some(subject) = message.subject() {
        extraction.meta("subject", subject);
        header_text.push_str(subject);
        header_text.push('\n');
    }
    for (key, list) in [
        ("from", addresses(message.from())),
        ("to", addresses(message.to())),
        ("cc", addresses(message.cc())),
    ] {
        if !list.is_empty() {
            header_text.push_str(&format!("{}: {}\n", key, list.join(", ")));
            extraction.meta(key, list);
        }
    }
    if let Some(date) = message.date() {
        extraction.meta("date", date.to_rfc3339());
    }
    if let Some(id) = message.message_id() {
        extraction.meta("message_id", id);
    }
    let mut body = String::new();
    let mut i = 0;
    while let Some(part) = message.body_text(i) {
        body.push_str(&part);
        body.push('\n');
        i += 1;
        if body.len() > limits.max_text_bytes {
            break;
        }
    }
    if body.trim().is_empty() {
        if let Some(html) = message.body_html(0) {
            if let Ok(h) = crate::html::extract(html.as_bytes(), limits) {
                body = h.text.unwrap_or_default();
            }
        }
    }
    for (n, part) in message.attachments().enumerate() {
        if extraction.children.len() >= limits.max_children {
            extraction.warnings.push(format!(
                "more than {} attachments; the rest were not reported",
                limits.max_children
            ));
            break;
        }
        let name = part
            .attachment_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("part-{}", n + 1));
        let mime = part.content_type().map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        });
        // An attached message is preserved with its own headers, as the bytes that were sent.
        let bytes = match part.message() {
            Some(inner) => inner.raw_message().to_vec(),
            None => part.contents().to_vec(),
        };
        extraction.children.push(Child { name, mime, bytes });
    }
    if !extraction.children.is_empty() {
        let names: Vec<String> = extraction.children.iter().map(|c| c.name.clone()).collect();
        extraction.meta("attachments", names);
    }
    extraction.encoding = Some("UTF-8".into());
    Ok(extraction.with_text(format!("{header_text}\n{body}"), limits))
}

/// Whether the content is an mbox mailbox (messages each opened by a `From ` line).
pub fn looks_like_mbox(head: &[u8]) -> bool {
    head.starts_with(b"From ") && looks_like(head.splitn(2, |&b| b == b'\n').nth(1).unwrap_or(&[]))
}

/// A mailbox (mbox, the mboxrd and mboxo variants): every message becomes a child, unquoted
/// (`>From ` back to `From `), for the vault to keep and extract like an `.eml`.
pub fn extract_mbox(bytes: &[u8], limits: &Limits) -> Result<Extraction> {
    let mut extraction = Extraction::new(Format::Mailbox, "mbox/custodia");
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut previous_blank = true;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if previous_blank && line.starts_with(b"From ") {
            if let Some(m) = current.take() {
                messages.push(m);
            }
            current = Some(Vec::new());
        } else if let Some(m) = current.as_mut() {
            // mboxrd: one level of `>` before `From ` was added on writing.
            let unquoted = match line.iter().position(|&b| b != b'>') {
                Some(n) if n > 0 && line[n..].starts_with(b"From ") => &line[1..],
                _ => line,
            };
            m.extend_from_slice(unquoted);
        }
        previous_blank = line.iter().all(|b| b.is_ascii_whitespace());
    }
    if let Some(m) = current.take() {
        messages.push(m);
    }
    if messages.is_empty() {
        return Err(ExtractError::Corrupt {
            format: "mbox",
            detail: "no message found".into(),
        });
    }
    let total = messages.len();
    let mut subjects = String::new();
    for (i, message) in messages.into_iter().enumerate() {
        if extraction.children.len() >= limits.max_children {
            extraction.warnings.push(format!(
                "{total} messages; only the first {} were reported",
                limits.max_children
            ));
            break;
        }
        if let Some(subject) = MessageParser::default()
            .parse(&message)
            .and_then(|m| m.subject().map(str::to_owned))
        {
            subjects.push_str(&subject);
            subjects.push('\n');
        }
        extraction.children.push(Child {
            name: format!("message-{:05}.eml", i + 1),
            mime: Some("message/rfc822".into()),
            bytes: message,
        });
    }
    extraction.meta("messages", total as u64);
    extraction.tool_version = format!("custodia-extract {}; mail-parser 0.11", crate::VERSION);
    Ok(extraction.with_text(subjects, limits))
}
