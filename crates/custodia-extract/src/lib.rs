//! Text and metadata extraction from evidence files: what an investigator searches and reads.
//!
//! [`extract`] takes an item's bytes (and, as hints, its sniffed MIME type and name) and returns
//! an [`Extraction`]: the text, the document's metadata, the language, the child items found
//! inside (e-mail attachments) and, for the custody record, the method and the tool version that
//! produced it. Formats: plain text in any common encoding (UTF-8 with or without BOM, UTF-16
//! with BOM, Windows-1256, Windows-1252, ISO-8859-x: `chardetng` + `encoding_rs`), HTML (visible
//! text only), PDF text layers (with OCR of pages that have none), DOCX/XLSX/PPTX and ODF, RTF,
//! e-mail (RFC 5322 `.eml`, and mbox mailboxes whose messages become children), images (OCR with the `tesseract` command and EXIF), audio and video
//! container metadata (`ffprobe`).
//!
//! What it leaves out: it knows nothing of the vault, custody or access. It never writes the
//! input to a disk: external tools read it through a pipe (Tesseract, `pdftoppm`) or, when they
//! must seek (`ffprobe`), from a private folder of this process in memory-backed storage
//! ([`scratch`]), removed when the tool ends; folders left by killed processes are swept.
//!
//! Hostile input is the normal case for seized material. Every extractor has limits
//! ([`Limits`]): bytes read, text kept, ZIP members and expansion (the vault's bomb limits),
//! time; parser panics are caught at the boundary ([`guarded`]) and become
//! [`ExtractError::Panicked`]; external tools run with a time limit and a memory limit
//! (`ulimit -v`).

#![forbid(unsafe_code)]

mod guard;
mod html;
mod image;
mod language;
mod mail;
mod media;
mod office;
mod pdf;
mod rtf;
pub mod scratch;
mod text;
mod tool;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use guard::guarded;
pub use language::{detect_language, Language};
pub use tool::{ocr_image, run_tool, tesseract_version, OcrOutput, DETECT, DETECTION_POOL};

/// The version of this crate, recorded with every extraction.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What can go wrong while extracting; each names the format and what failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("no extractor for {format} content")]
    Unsupported { format: String },
    #[error("the {format} content is corrupt or not what it claims: {detail}")]
    Corrupt {
        format: &'static str,
        detail: String,
    },
    #[error("the {format} content is encrypted; no text could be read")]
    Encrypted { format: &'static str },
    #[error("the {format} content exceeds a limit: {detail}")]
    TooLarge {
        format: &'static str,
        detail: String,
    },
    #[error("extracting {format} content took longer than {seconds} s")]
    Timeout { format: &'static str, seconds: u64 },
    #[error("the {format} parser failed on this content (panic caught: {detail})")]
    Panicked {
        format: &'static str,
        detail: String,
    },
    #[error(
        "`{tool}` is not installed or cannot run: {detail}\n\nhint: run `scripts/install-deps`"
    )]
    ToolMissing { tool: &'static str, detail: String },
    #[error("`{tool}` failed: {detail}")]
    Tool { tool: &'static str, detail: String },
    /// The message names no count or item: whoever reads this item's failure need not learn
    /// how many of others' files misbehave.
    #[error("the {format} content was not read: parsers of earlier items still run past their time limit\n\nhint: retry later with `custodia extract --pending --retry-failed`; restarting the process ends them")]
    Busy { format: &'static str },
}

pub type Result<T, E = ExtractError> = std::result::Result<T, E>;

/// Limits on one extraction. Defaults suit a laptop; the zip limits are the vault's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most bytes of text kept from one item (more is cut, with a warning).
    pub max_text_bytes: usize,
    /// Most members of a ZIP container (Office, ODF) read.
    pub max_zip_entries: u64,
    /// Most bytes expanded from a ZIP container.
    pub max_zip_expanded_bytes: u64,
    /// Largest expansion ratio of a ZIP member above 1 MiB expanded.
    pub max_zip_ratio: u64,
    /// Time limit of one parser or tool run (for an external tool: its processor time; see
    /// [`Limits::background`]).
    pub timeout: Duration,
    /// Address-space limit of external tools, in bytes.
    pub tool_memory_bytes: u64,
    /// Deepest nesting of e-mails within e-mails whose attachments are reported.
    pub max_children: usize,
    /// Whether external tools run as background work (extraction, OCR): at a lower processor
    /// priority (`nice 10`), so that the people searching and reading while the vault works are
    /// served first. Their processor time is still limited by `timeout`; the time on the clock,
    /// which waiting for the processor lengthens, only by four times that. Off for work a person
    /// waits for (previews, redaction).
    #[serde(default = "background_by_default")]
    pub background: bool,
    /// Time on the clock the OCR of one item's pages may take in all (each page's tools are
    /// limited by `timeout`): a document of thousands of blank scanned pages must not hold an
    /// extraction worker for days. Pages past it are left unread, with a warning.
    #[serde(default = "ocr_time_by_default")]
    pub ocr_time_per_item: Duration,
}

fn background_by_default() -> bool {
    true
}

/// Two hours: some 700 pages at the ten seconds a page a scanned register takes here.
fn ocr_time_by_default() -> Duration {
    Duration::from_secs(2 * 60 * 60)
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_text_bytes: 64 << 20,
            max_zip_entries: 100_000,
            max_zip_expanded_bytes: 1 << 30,
            max_zip_ratio: 200,
            timeout: Duration::from_secs(120),
            tool_memory_bytes: 4 << 30,
            max_children: 1000,
            background: true,
            ocr_time_per_item: ocr_time_by_default(),
        }
    }
}

/// How to extract: limits and OCR settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    pub limits: Limits,
    /// Tesseract languages to read scans with (those installed are used; the rest are reported
    /// missing). Default `["auto"]` ([`DETECT`]): each page's script is detected first and the
    /// page is read in the languages of that script among [`DETECTION_POOL`].
    pub ocr_languages: Vec<String>,
    /// Whether to run OCR at all (images, PDF pages without a text layer).
    pub ocr: bool,
    /// Whether to run `ffprobe` on audio and video.
    pub media: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            ocr_languages: vec![DETECT.to_owned()],
            ocr: true,
            media: true,
        }
    }
}

/// The formats recognised, from the content first and the hints second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Html,
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Odf,
    Rtf,
    Email,
    Mailbox,
    Image,
    Media,
    Unknown,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Pptx => "pptx",
            Format::Odf => "odf",
            Format::Rtf => "rtf",
            Format::Email => "email",
            Format::Mailbox => "mbox",
            Format::Image => "image",
            Format::Media => "media",
            Format::Unknown => "unknown",
        }
    }
}

/// A file found inside the item (an e-mail attachment), to be preserved as a child item.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    /// Its name in the parent (attachment file name, or `part-N`).
    pub name: String,
    pub mime: Option<String>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Child {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Child")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// What was read from one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub format: Format,
    /// How the text was obtained, e.g. `text/encoding_rs`, `pdf/pdf-extract`, `ocr/tesseract`.
    pub method: String,
    /// The versions of the tools used, e.g. `custodia-extract 0.1.0; tesseract 5.3.0`.
    pub tool_version: String,
    /// The text, if the format has any (`None` for a photograph without OCR text).
    pub text: Option<String>,
    /// The character encoding the text was decoded from, for plain text and e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Document properties, EXIF, e-mail headers, container metadata.
    pub metadata: BTreeMap<String, serde_json::Value>,
    /// OCR settings actually used, when OCR ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrInfo>,
    /// Files inside the item (e-mail attachments).
    pub children: Vec<Child>,
    /// What was skipped or cut, for the custodian.
    pub warnings: Vec<String>,
}

/// The OCR engine, version and languages behind a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrInfo {
    pub engine: String,
    pub version: String,
    pub languages: Vec<String>,
    /// Languages asked for but not installed.
    pub missing_languages: Vec<String>,
    pub pages: u32,
    /// The scripts detected on the pages, when the languages were chosen from them (empty when
    /// they came from the settings, or detection could not tell).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<String>,
}

impl Extraction {
    pub(crate) fn new(format: Format, method: &str) -> Self {
        Self {
            format,
            method: method.to_owned(),
            tool_version: format!("custodia-extract {VERSION}"),
            text: None,
            encoding: None,
            language: None,
            metadata: BTreeMap::new(),
            ocr: None,
            children: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn with_text(mut self, text: String, limits: &Limits) -> Self {
        self.set_text(text, limits);
        self
    }

    pub(crate) fn set_text(&mut self, mut text: String, limits: &Limits) {
        if text.len() > limits.max_text_bytes {
            let mut cut = limits.max_text_bytes;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            self.warnings.push(format!(
                "text cut at {} bytes (the item holds more)",
                limits.max_text_bytes
            ));
        }
        self.text = Some(text);
    }

    pub(crate) fn meta(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.metadata.insert(key.to_owned(), value.into());
    }
}

/// Recognises the format: content first (magic bytes, ZIP members), then the MIME hint, then
/// the name's extension.
pub fn detect_format(bytes: &[u8], mime: Option<&str>, name: Option<&str>) -> Format {
    let head = &bytes[..bytes.len().min(4096)];
    if head.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    if head.starts_with(b"{\\rtf") {
        return Format::Rtf;
    }
    if head.starts_with(b"PK\x03\x04") {
        return office::zip_format(bytes).unwrap_or(Format::Unknown);
    }
    if image::is_image(head) {
        return Format::Image;
    }
    if media::is_media(head) {
        return Format::Media;
    }
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    let mime = mime.unwrap_or("");
    if mime == "application/mbox"
        || matches!(ext.as_deref(), Some("mbox"))
        || mail::looks_like_mbox(head)
    {
        return Format::Mailbox;
    }
    if mime == "message/rfc822" || matches!(ext.as_deref(), Some("eml")) || mail::looks_like(head) {
        return Format::Email;
    }
    if mime == "text/html"
        || matches!(ext.as_deref(), Some("html" | "htm" | "xhtml"))
        || html::looks_like(head)
    {
        return Format::Html;
    }
    if mime.starts_with("image/") {
        return Format::Image;
    }
    if mime.starts_with("audio/") || mime.starts_with("video/") {
        return Format::Media;
    }
    if mime.starts_with("text/") || text::looks_like_text(head) {
        return Format::Text;
    }
    Format::Unknown
}

/// Extracts text and metadata from one item's bytes.
pub fn extract(
    bytes: &[u8],
    mime: Option<&str>,
    name: Option<&str>,
    options: &Options,
) -> Result<Extraction> {
    let format = detect_format(bytes, mime, name);
    let limits = &options.limits;
    let mut extraction = match format {
        Format::Text => text::extract(bytes, limits),
        Format::Html => html::extract(bytes, limits),
        Format::Pdf => pdf::extract(bytes, options),
        Format::Docx | Format::Xlsx | Format::Pptx | Format::Odf => {
            office::extract(bytes, format, limits)
        }
        Format::Rtf => rtf::extract(bytes, limits),
        Format::Email => mail::extract(bytes, limits),
        Format::Mailbox => mail::extract_mbox(bytes, limits),
        Format::Image => image::extract(bytes, options),
        Format::Media => media::extract(bytes, options),
        Format::Unknown => Err(ExtractError::Unsupported {
            format: mime.unwrap_or("unrecognised").to_owned(),
        }),
    }?;
    if extraction.language.is_none() {
        extraction.language = extraction.text.as_deref().and_then(detect_language);
    }
    Ok(extraction)
}
