//! Redaction: a new, derived item whose content no longer holds what was redacted.
//!
//! Redaction burns; it never overlays. Text: every occurrence of each given string is replaced
//! by one mask of fixed length ([`TEXT_MASK`]), so the result does not tell how long what it hides
//! was. Images: the regions are painted black in the decoded pixels
//! and the picture is written anew as PNG (which also drops EXIF/XMP, where a camera or GPS
//! position could identify a witness). PDF: every page is rasterised (`pdftoppm`, 150 dpi), the
//! regions painted black, and the pages reassembled into a PDF of images (`img2pdf`), so no text
//! layer, annotation or hidden object survives.
//!
//! The derived item gets one submission per submission of its parent (same submission, originator,
//! case and regime, so the sharing policy treats it like its parent), naming the parent, the
//! method and the tool versions; its `redact` custody entry commits to those details.

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use custodia_access::{Action, Role};
use custodia_blobstore::{ContentHash, IfPresent};
use custodia_catalog::{IngestRecord, ItemRow, NewEvent, SubmissionRow};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::custody::{self, action};
use crate::ingest::ingest_details;
use crate::{Result, Vault, VaultError};

/// The opening of a package's commitment to a redacted derivative's original.
#[derive(Debug, Clone, Serialize)]
pub struct RedactionParentOpening {
    pub derived_sha256: String,
    pub parent_sha256: String,
    /// Hex of the 32-byte salt.
    pub salt: String,
    /// As the package shows it: `commitment:` and the hex of
    /// SHA-256 over the commitment label, `redaction_parent`, the salt and the parent's hex.
    pub commitment: String,
}

/// `path_in_parent` of a redacted derivative begins with this.
pub const REDACTED_PREFIX: &str = "redacted:";

/// What to redact.
#[derive(Debug, Clone, Default)]
pub struct RedactionSpec {
    /// Strings to burn out of a text item (every occurrence, case-sensitive).
    pub texts: Vec<String>,
    /// Regions to burn out of an image (`page` ignored) or a PDF (`page` from 1; coordinates in
    /// PDF points from the page's top-left corner).
    pub regions: Vec<Region>,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Region {
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl std::str::FromStr for Region {
    type Err = String;

    /// `X,Y,W,H` or `PAGE:X,Y,W,H`.
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        let (page, rest) = match text.split_once(':') {
            Some((page, rest)) => (
                page.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| format!("`{text}`: the page must be a number from 1"))?,
                rest,
            ),
            None => (1, text),
        };
        let numbers: Vec<f64> = rest
            .split(',')
            .map(|n| n.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                format!("`{text}`: expected X,Y,WIDTH,HEIGHT (or PAGE:X,Y,WIDTH,HEIGHT)")
            })?;
        let [x, y, width, height] = numbers[..] else {
            return Err(format!("`{text}`: expected four numbers X,Y,WIDTH,HEIGHT"));
        };
        if [x, y, width, height]
            .iter()
            .any(|n| !n.is_finite() || *n < 0.0)
            || width == 0.0
            || height == 0.0
        {
            return Err(format!(
                "`{text}`: coordinates must be non-negative and the size not zero"
            ));
        }
        Ok(Region {
            page,
            x,
            y,
            width,
            height,
        })
    }
}

/// What `redact` made.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Redacted {
    pub parent: String,
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    pub method: String,
    pub tool_version: String,
    pub ledger_indexes: Vec<u64>,
    /// How many occurrences (text) or regions (images, PDF pages) were burnt.
    pub redactions: usize,
}

const TOOL_TIMEOUT: Duration = Duration::from_secs(300);

impl Vault {
    /// Makes a redacted derivative of item `hash`. Needs the holder's custodian role.
    pub fn redact(
        &mut self,
        actor: &str,
        hash: &ContentHash,
        spec: &RedactionSpec,
    ) -> Result<Redacted> {
        let who = self.principal(actor)?;
        self.require_holder_role(&who, Role::Custodian, "redacting an item")?;
        self.authorise(&who, Action::ViewContent, hash, None)?;
        if spec.reason.trim().is_empty() {
            return Err(VaultError::Invalid(
                "a redaction needs a reason (`--reason TEXT`)".into(),
            ));
        }
        if spec.texts.is_empty() && spec.regions.is_empty() {
            return Err(VaultError::Invalid(
                "nothing to redact: give `--text STRING` for text or `--region …` for images and PDF".into(),
            ));
        }
        let item = self.item(hash)?;
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut self.blobs.open(hash)?, &mut content)
            .map_err(|e| VaultError::Invalid(format!("reading item {hash}: {e}")))?;
        let (bytes, mime, method, tool_version, count) =
            if item.mime.starts_with("text/") || item.mime == "application/json" {
                let (bytes, count) = redact_text(&content, &spec.texts, hash)?;
                (
                    bytes,
                    item.mime.clone(),
                    "text-replace",
                    format!("custodia {}", env!("CARGO_PKG_VERSION")),
                    count,
                )
            } else if item.mime.starts_with("image/") {
                let bytes = redact_image(&content, &spec.regions, hash)?;
                (
                    bytes,
                    "image/png".to_owned(),
                    "image-burn",
                    format!("custodia {} (image crate)", env!("CARGO_PKG_VERSION")),
                    spec.regions.len(),
                )
            } else if item.mime == "application/pdf" {
                let (bytes, version) = redact_pdf(&content, &spec.regions, hash)?;
                (
                    bytes,
                    "application/pdf".to_owned(),
                    "pdf-rasterise-burn",
                    version,
                    spec.regions.len(),
                )
            } else {
                return Err(VaultError::Invalid(format!(
                    "item {hash} is {}; redaction handles text, images and PDF",
                    item.mime
                )));
            };
        if count == 0 {
            return Err(VaultError::Invalid(format!(
                "none of the strings occurs in item {hash}; nothing was redacted"
            )));
        }
        let derived = ContentHash(Sha256::digest(&bytes).into());
        if derived == *hash {
            return Err(VaultError::Invalid(format!(
                "the redaction left item {hash} unchanged"
            )));
        }
        // The same redaction made again yields the same copy: it is recorded once.
        if self
            .submissions(&derived)?
            .iter()
            .any(|s| s.parent_sha256.as_deref() == Some(hash.to_hex().as_str()))
        {
            return Err(VaultError::Conflict(format!(
                "item {hash} was already redacted this way: the redacted copy is item {derived}"
            )));
        }
        let mut writer = self.blobs.writer()?;
        writer
            .write_all(&bytes)
            .map_err(|e| VaultError::Invalid(format!("storing the redacted item: {e}")))?;
        writer.finish(&derived, IfPresent::Keep)?;
        self.blobs.sync()?;

        let now = custody::now();
        let derived_row = ItemRow {
            sha256: derived.to_hex(),
            size: bytes.len() as u64,
            mime: mime.clone(),
            stored_at: now.clone(),
        };
        let note = serde_json::json!({
            "derivation": "redaction", "method": method, "tool_version": tool_version,
            "reason": spec.reason, "texts_redacted": spec.texts.len(),
            "regions": spec.regions,
        })
        .to_string();
        let mut records = Vec::new();
        for (n, parent) in self.submissions(hash)?.into_iter().enumerate() {
            let submission = SubmissionRow {
                id: 0,
                submission_key: parent.submission_key.clone(),
                sha256: derived.to_hex(),
                originator: parent.originator.clone(),
                case_ref: parent.case_ref.clone(),
                collected_by: parent.collected_by.clone(),
                collected_at: parent.collected_at.clone(),
                collection_note: Some(note.clone()),
                path: format!("{} [redacted {}]", parent.path, &derived.to_hex()[..12]),
                original_name: redacted_name(&parent.original_name, &mime),
                parent_sha256: Some(hash.to_hex()),
                path_in_parent: Some(format!("{REDACTED_PREFIX}{method}:{n}")),
                modified_at: None,
                accessed_at: None,
                created_at: Some(now.clone()),
                submitted_at: now.clone(),
                submitted_by: actor.to_owned(),
            };
            let details = ingest_details(&derived_row, &submission);
            records.push(IngestRecord {
                item: derived_row.clone(),
                submission,
                event: NewEvent {
                    time: now.clone(),
                    actor: actor.to_owned(),
                    action: action::REDACT.into(),
                    item: Some(derived.to_hex()),
                    details,
                    // Sealed below.
                    entry: Vec::new(),
                },
            });
        }
        self.sealer
            .seal_events(records.iter_mut().map(|r: &mut IngestRecord| &mut r.event))?;
        let commit = self.catalog.commit_ingest(&records)?;
        let ledger_indexes = self.append_pending(&commit.pending)?;
        self.checkpoint_if_due()?;
        Ok(Redacted {
            parent: hash.to_hex(),
            sha256: derived.to_hex(),
            size: bytes.len() as u64,
            mime,
            method: method.to_owned(),
            tool_version,
            ledger_indexes,
            redactions: count,
        })
    }

    /// Opens, for the holder's custodians (to a court), the commitment that a package shows
    /// instead of the original of redacted derivative `derived`: the original's SHA-256 and the
    /// salt, with which anyone can recompute the commitment (`docs/PACKAGE.md`).
    pub fn open_redaction_parent(
        &self,
        actor: &str,
        derived: &ContentHash,
    ) -> Result<RedactionParentOpening> {
        let who = self.principal(actor)?;
        if !(who.of_holder() && who.is(Role::Custodian)) {
            return Err(VaultError::NotPermitted(format!(
                "opening a redaction's link to its original is for the holder's custodians; `{actor}` is not one"
            )));
        }
        self.authorise(&who, Action::ViewMetadata, derived, None)?;
        let sha = derived.to_hex();
        let parent = self
            .submissions(derived)?
            .into_iter()
            .find(|s| {
                s.path_in_parent
                    .as_deref()
                    .is_some_and(|p| p.starts_with(REDACTED_PREFIX))
            })
            .and_then(|s| s.parent_sha256)
            .ok_or_else(|| {
                VaultError::Invalid(format!("item {sha} is not a redacted derivative"))
            })?;
        Ok(RedactionParentOpening {
            commitment: self.sealer.redaction_parent_commitment(&sha, &parent),
            salt: hex::encode(self.sealer.redaction_parent_salt(&sha)),
            parent_sha256: parent,
            derived_sha256: sha,
        })
    }

    /// The latest redacted derivative of `parent`, if any.
    pub fn latest_redaction(&self, parent: &str) -> Result<Option<String>> {
        Ok(self
            .catalog
            .derived_from(parent)?
            .into_iter()
            .filter(|s| {
                s.path_in_parent
                    .as_deref()
                    .is_some_and(|p| p.starts_with(REDACTED_PREFIX))
            })
            .max_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then(a.id.cmp(&b.id)))
            .map(|s| s.sha256))
    }
}

fn redacted_name(original: &str, mime: &str) -> String {
    let stem = original.rsplit_once('.').map_or(original, |(stem, _)| stem);
    let extension = match mime {
        "image/png" => "png",
        "application/pdf" => "pdf",
        _ => original.rsplit_once('.').map_or("txt", |(_, e)| e),
    };
    format!("{stem} (redacted).{extension}")
}

/// What every redacted span of text becomes, whatever its length: a mask as long as what it
/// hides would let a recipient try names of the right length against the original.
pub const TEXT_MASK: &str = "████████";

/// Replaces every occurrence of each string by [`TEXT_MASK`]. Longer strings go first, so that
/// a name redacted whole is not left half-masked by a shorter string it contains.
fn redact_text(content: &[u8], texts: &[String], hash: &ContentHash) -> Result<(Vec<u8>, usize)> {
    let text = std::str::from_utf8(content).map_err(|_| {
        VaultError::Invalid(format!(
            "item {hash} is not UTF-8 text; redact its extracted text instead"
        ))
    })?;
    let mut needles: Vec<&String> = texts.iter().filter(|t| !t.is_empty()).collect();
    needles.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    let mut out = text.to_owned();
    let mut count = 0;
    for needle in needles {
        count += out.matches(needle.as_str()).count();
        out = out.replace(needle.as_str(), TEXT_MASK);
    }
    Ok((out.into_bytes(), count))
}

/// Paints the regions black in the decoded image and writes it anew as PNG.
fn redact_image(content: &[u8], regions: &[Region], hash: &ContentHash) -> Result<Vec<u8>> {
    let decoded = image::load_from_memory(content).map_err(|e| {
        VaultError::Invalid(format!("item {hash}: the image cannot be decoded: {e}"))
    })?;
    let mut pixels = decoded.to_rgba8();
    burn(&mut pixels, regions.iter(), 1.0);
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(pixels)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| VaultError::Invalid(format!("writing the redacted image: {e}")))?;
    Ok(pad_png(out))
}

fn burn<'a>(pixels: &mut image::RgbaImage, regions: impl Iterator<Item = &'a Region>, scale: f64) {
    let (w, h) = pixels.dimensions();
    for r in regions {
        let x0 = ((r.x * scale).floor() as u32).min(w);
        let y0 = ((r.y * scale).floor() as u32).min(h);
        let x1 = (((r.x + r.width) * scale).ceil() as u32).min(w);
        let y1 = (((r.y + r.height) * scale).ceil() as u32).min(h);
        for y in y0..y1 {
            for x in x0..x1 {
                pixels.put_pixel(x, y, image::Rgba([0, 0, 0, 255]));
            }
        }
    }
}

/// Rasterises every page, burns the regions, reassembles a PDF of page images.
fn redact_pdf(content: &[u8], regions: &[Region], hash: &ContentHash) -> Result<(Vec<u8>, String)> {
    const DPI: f64 = 150.0;
    // The document goes to pdftoppm through a pipe (`-`); its page images, which img2pdf reads
    // from files, go to a private folder in memory-backed storage, removed when this returns.
    let scratch = custodia_extract::scratch::Scratch::new()
        .map_err(|e| VaultError::Invalid(format!("item {hash}: {e}")))?;
    let work = scratch.path().to_owned();
    let prefix = work.join("page");
    run_tool(
        "pdftoppm",
        &["-r", "150", "-png", "-", &prefix.to_string_lossy()],
        Some(content),
        hash,
    )?;
    let mut pages: Vec<_> = std::fs::read_dir(&work)
        .map_err(VaultError::io("list", &work))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    // pdftoppm numbers pages with zero padding that depends on the page count: sort by number.
    pages.sort_by_key(|p| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit('-').next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if pages.is_empty() {
        return Err(VaultError::Invalid(format!(
            "item {hash}: the PDF has no page to redact"
        )));
    }
    if let Some(r) = regions.iter().find(|r| r.page as usize > pages.len()) {
        return Err(VaultError::Invalid(format!(
            "item {hash}: page {} does not exist (the PDF has {} page(s))",
            r.page,
            pages.len()
        )));
    }
    for (n, page) in pages.iter().enumerate() {
        let mut pixels = image::open(page)
            .map_err(|e| VaultError::Invalid(format!("reading a rasterised page: {e}")))?
            .to_rgba8();
        burn(
            &mut pixels,
            regions.iter().filter(|r| r.page as usize == n + 1),
            DPI / 72.0,
        );
        // No alpha channel in the output: img2pdf would keep it as a separate mask.
        image::DynamicImage::ImageRgba8(pixels)
            .to_rgb8()
            .save(page)
            .map_err(|e| VaultError::Invalid(format!("writing a redacted page: {e}")))?;
    }
    // The pages keep their size: img2pdf takes it from the PNG's resolution (150 dpi).
    // Without `-o`, the PDF comes back through standard output.
    let page_names: Vec<String> = pages
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let page_args: Vec<&str> = page_names.iter().map(String::as_str).collect();
    let bytes = run_tool("img2pdf", &page_args, None, hash)?;
    let version = format!(
        "{}; {}",
        tool_version(Command::new("pdftoppm").arg("-v")).unwrap_or_else(|| "pdftoppm".into()),
        tool_version(Command::new("img2pdf").arg("--version")).unwrap_or_else(|| "img2pdf".into())
    );
    Ok((pad_pdf(bytes), version))
}

/// Runs a tool through `custodia_extract::run_tool` (time and memory limits, input through a
/// pipe), naming the item and the Debian package that provides the tool if it fails.
fn run_tool(
    tool: &'static str,
    args: &[&str],
    input: Option<&[u8]>,
    hash: &ContentHash,
) -> Result<Vec<u8>> {
    let limits = custodia_extract::Limits {
        timeout: TOOL_TIMEOUT,
        // Someone is waiting for the redacted copy.
        background: false,
        ..custodia_extract::Limits::default()
    };
    custodia_extract::run_tool(tool, args, input, &limits).map_err(|e| {
        let package = if tool == "pdftoppm" {
            "poppler-utils"
        } else {
            tool
        };
        VaultError::Invalid(format!("item {hash}: {e} (Debian package {package})"))
    })
}

fn tool_version(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_owned())
}

/// The size a redacted image or PDF is padded to: the next multiple of an eighth of the power of
/// two at or above `len` (at least 64 KiB). A compressed picture's size follows what it shows, so
/// an exact size would let a recipient compare guesses of what was burnt; padded, sizes within
/// about an eighth of each other look the same.
fn padded_size(len: usize) -> usize {
    let step = (len.next_power_of_two() / 8).max(64 << 10);
    len.div_ceil(step) * step
}

/// Pads a PNG to [`padded_size`] with a private ancillary chunk (`cuPd`, zeros) before `IEND`,
/// which every decoder skips.
fn pad_png(png: Vec<u8>) -> Vec<u8> {
    const IEND_CHUNK: usize = 12;
    const CHUNK_OVERHEAD: usize = 12;
    if png.len() < 8 + IEND_CHUNK || &png[png.len() - 8..png.len() - 4] != b"IEND" {
        return png;
    }
    let target = padded_size(png.len() + CHUNK_OVERHEAD);
    let fill = target - png.len() - CHUNK_OVERHEAD;
    let mut chunk = Vec::with_capacity(fill + CHUNK_OVERHEAD);
    chunk.extend_from_slice(&(fill as u32).to_be_bytes());
    chunk.extend_from_slice(b"cuPd");
    chunk.resize(8 + fill, 0);
    let crc = crc32fast::hash(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let at = png.len() - IEND_CHUNK;
    let mut out = Vec::with_capacity(target);
    out.extend_from_slice(&png[..at]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[at..]);
    out
}

/// Pads a PDF to [`padded_size`] with comment lines before its last `startxref`, where they
/// move no object and no cross-reference offset.
fn pad_pdf(pdf: Vec<u8>) -> Vec<u8> {
    let Some(at) = pdf.windows(9).rposition(|w| w == b"startxref") else {
        return pdf;
    };
    let mut fill = padded_size(pdf.len() + 2) - pdf.len();
    let mut padding = Vec::with_capacity(fill);
    while fill > 0 {
        // Lines of at most 200 bytes: `%`, spaces, end of line.
        let line = fill.min(200);
        if line < 2 {
            padding.push(b'\n');
            break;
        }
        padding.push(b'%');
        padding.resize(padding.len() + line - 2, b' ');
        padding.push(b'\n');
        fill -= line;
    }
    let mut out = Vec::with_capacity(pdf.len() + padding.len());
    out.extend_from_slice(&pdf[..at]);
    out.extend_from_slice(&padding);
    out.extend_from_slice(&pdf[at..]);
    out
}

#[cfg(test)]
mod padding_tests {
    use super::*;

    #[test]
    fn redacted_images_and_pdfs_are_padded_to_buckets() {
        assert_eq!(padded_size(1), 64 << 10);
        assert_eq!(padded_size(64 << 10), 64 << 10);
        assert_eq!(padded_size((64 << 10) + 1), 128 << 10);
        assert_eq!(padded_size(3_000_000), 3_145_728);
        // Two images of different content and size land on one size, and still decode.
        let mut sizes = Vec::new();
        for seed in [1u32, 7] {
            let mut pixels = image::RgbaImage::new(120, 80);
            for (x, y, p) in pixels.enumerate_pixels_mut() {
                let v = ((x * seed + y * 3) % 256) as u8;
                *p = image::Rgba([v, v / 2, 255 - v, 255]);
            }
            let mut png = Vec::new();
            image::DynamicImage::ImageRgba8(pixels)
                .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            let padded = pad_png(png.clone());
            assert_eq!(padded.len(), padded_size(padded.len()));
            let back = image::load_from_memory(&padded).unwrap().to_rgba8();
            assert_eq!(back, image::load_from_memory(&png).unwrap().to_rgba8());
            sizes.push((png.len(), padded.len()));
        }
        assert_ne!(sizes[0].0, sizes[1].0);
        assert_eq!(sizes[0].1, sizes[1].1);
        let pdf =
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<<>>\nstartxref\n30\n%%EOF\n"
                .to_vec();
        let padded = pad_pdf(pdf.clone());
        assert_eq!(padded.len(), 64 << 10);
        assert!(padded.starts_with(&pdf[..pdf.len() - 22]));
        assert!(padded.ends_with(b"startxref\n30\n%%EOF\n"));
    }
}
