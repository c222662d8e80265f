//! HTML: the text a reader sees. Script, style, template and similar elements are never text
//! (a captured page's JavaScript would otherwise flood the index with code); the title and
//! `<meta>` descriptions are kept as metadata. Parsing is html5ever's (through `scraper`), the
//! browsers' algorithm, so broken markup reads as a browser would show it.

use scraper::{Html, Node};

use crate::{text, Extraction, Format, Limits, Result};

/// Elements whose content is not shown as text.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object",
];
/// Elements after which a line break keeps words apart.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "hr",
    "title",
    "option",
];

pub fn looks_like(head: &[u8]) -> bool {
    let start: String = String::from_utf8_lossy(&head[..head.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// Largest page parsed into a tree: a tree takes tens of bytes per element, so a page of
/// nothing but tags near the item limit (512 MiB) would take tens of gigabytes.
pub const MAX_HTML_BYTES: usize = 64 << 20;

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction> {
    if bytes.len() > MAX_HTML_BYTES {
        return Err(crate::ExtractError::TooLarge {
            format: "HTML",
            detail: format!(
                "{} bytes; pages up to {MAX_HTML_BYTES} bytes are parsed",
                bytes.len()
            ),
        });
    }
    let (source, encoding) = text::decode_labelled(bytes, declared_charset(bytes).as_deref());
    let document = Html::parse_document(&source);
    let mut out = String::new();
    let mut title = None;
    let mut description = None;
    // An explicit stack: hostile pages nest elements tens of thousands deep.
    let mut stack = vec![(document.tree.root(), false)];
    while let Some((node, hidden)) = stack.pop() {
        match node.value() {
            Node::Text(t) if !hidden => {
                out.push_str(t);
                if out.len() > limits.max_text_bytes {
                    break;
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if name == "title" && title.is_none() {
                    title = Some(node_text(node));
                }
                if name == "meta"
                    && matches!(e.attr("name"), Some(n) if n.eq_ignore_ascii_case("description"))
                {
                    description = e.attr("content").map(str::to_owned);
                }
                if BLOCK.contains(&name) {
                    out.push('\n');
                }
                let hide = hidden || HIDDEN.contains(&name);
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, hide));
                }
            }
            Node::Document | Node::Fragment => {
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, hidden));
                }
            }
            _ => {}
        }
    }
    let mut extraction = Extraction::new(Format::Html, "html/html5ever");
    extraction.tool_version = format!("custodia-extract {}; scraper 0.29", crate::VERSION);
    extraction.encoding = Some(encoding.to_owned());
    if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
        extraction.meta("title", t.trim());
    }
    if let Some(d) = description {
        extraction.meta("description", d);
    }
    Ok(extraction.with_text(tidy(&out), limits))
}

fn node_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// Collapses runs of blank space, keeping one line break between blocks.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

/// The charset a page declares in its first bytes (`<meta charset>` or `http-equiv`).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_too_large_for_a_tree_is_refused_not_parsed() {
        let page = "<i>".repeat(super::MAX_HTML_BYTES / 3 + 1);
        let err = super::extract(page.as_bytes(), &crate::Limits::default()).unwrap_err();
        assert!(err.to_string().contains("exceeds a limit"), "{err}");
    }
}
