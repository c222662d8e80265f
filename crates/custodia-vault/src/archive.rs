//! Expansion of archives (ZIP, tar, gzip and tar.gz) into child items.
//!
//! Archives are expanded from their *preserved* copy in the vault, never from the input, so the
//! children are exactly what the stored archive holds. Nothing is ever written to the file
//! system by name: a member called `../../etc/passwd` is recorded under a safe name, and the
//! original name is kept in the error list for the custodian.
//!
//! Bombs are stopped by limits counted on the bytes actually produced, never on sizes an archive
//! declares: total expanded bytes and entries per input, expansion ratio per member, nesting
//! depth. When one trips, expansion of that archive stops; the archive itself stays preserved
//! and is reported as not (fully) expanded.

use std::cell::{Cell, RefCell};
use std::io::{self, Read};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::ingest::{ErrorKind, Ingest, Source};
use crate::sniff::ArchiveKind;
use crate::{custody, Result};

/// Limits on archive expansion, kept in `vault.json` and overridable per ingest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArchiveLimits {
    /// Deepest nesting of archives within archives that is expanded.
    pub max_depth: u32,
    /// Most bytes expanded from one input, all nesting levels together.
    pub max_expanded_bytes: u64,
    /// Most members expanded from one input, all nesting levels together.
    pub max_entries: u64,
    /// Largest ratio of expanded to compressed size for a member above 1 MiB expanded.
    pub max_ratio: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_depth: 8,
            max_expanded_bytes: 64 << 30,
            max_entries: 1_000_000,
            max_ratio: 200,
        }
    }
}

/// What is left of the limits while one input is expanded. Shared (through `&`) by the readers
/// of nested members, so one outermost input has one budget.
pub(crate) struct Budget {
    bytes_left: Cell<u64>,
    entries_left: Cell<u64>,
    max_ratio: u64,
    tripped: RefCell<Option<String>>,
}

impl Budget {
    pub(crate) fn new(limits: &ArchiveLimits) -> Self {
        Self {
            bytes_left: Cell::new(limits.max_expanded_bytes),
            entries_left: Cell::new(limits.max_entries),
            max_ratio: limits.max_ratio,
            tripped: RefCell::new(None),
        }
    }
    pub(crate) fn tripped(&self) -> Option<String> {
        self.tripped.borrow().clone()
    }
    fn trip(&self, why: String) -> io::Error {
        *self.tripped.borrow_mut() = Some(why.clone());
        io::Error::other(why)
    }
    fn take_entry(&self) -> Result<(), String> {
        match self.entries_left.get() {
            0 => Err(self
                .trip("more members than the limit `max_entries`".into())
                .to_string()),
            n => {
                self.entries_left.set(n - 1);
                Ok(())
            }
        }
    }
}

/// Counts the bytes a member really expands to and fails the read once a limit is passed.
struct LimitedReader<'a, R> {
    inner: R,
    budget: &'a Budget,
    produced: u64,
    /// Compressed bytes consumed so far, when known as the stream goes (gzip); else the member's
    /// compressed size is folded into `ratio_cap` up front.
    consumed: Option<Rc<Cell<u64>>>,
    /// Most bytes allowed for this member by the ratio rule, before `consumed` is counted.
    ratio_cap: u64,
    name: String,
}

impl<R: Read> Read for LimitedReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let left = self.budget.bytes_left.get();
        if n as u64 > left {
            return Err(self
                .budget
                .trip("the total expanded size passed the limit `max_expanded_bytes`".into()));
        }
        self.budget.bytes_left.set(left - n as u64);
        let cap = match &self.consumed {
            Some(consumed) => ratio_cap(consumed.get(), self.budget.max_ratio),
            None => self.ratio_cap,
        };
        if self.produced > cap {
            return Err(self.budget.trip(format!(
                "`{}` expands more than {}:1 (limit `max_ratio`)",
                self.name, self.budget.max_ratio
            )));
        }
        Ok(n)
    }
}

/// Counts the compressed bytes a decoder pulls.
struct CountingReader<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

fn ratio_cap(compressed: u64, max_ratio: u64) -> u64 {
    compressed.saturating_mul(max_ratio).max(1 << 20)
}

/// Makes an archive member's name safe: `/` separators, no root, no `.` or `..`, no drive.
/// Returns the safe name and whether it differs from the original.
pub(crate) fn safe_member_name(raw: &str, index: usize) -> (String, bool) {
    let unified = raw.replace('\\', "/");
    let mut parts = Vec::new();
    for (i, part) in unified.split('/').enumerate() {
        let is_drive = i == 0 && part.len() == 2 && part.ends_with(':');
        if part.is_empty() || part == "." || part == ".." || is_drive {
            continue;
        }
        parts.push(part.chars().filter(|c| !c.is_control()).collect::<String>());
    }
    let safe = parts.join("/");
    let trimmed = unified.trim_end_matches('/');
    if safe.is_empty() {
        return (format!("unnamed-member-{index}"), true);
    }
    let changed = safe != trimmed;
    (safe, changed)
}

/// Expands the archive item `sha` (shown as `path`). `Ok(Err(why))` when the archive could not be
/// (fully) expanded: it stays preserved, and `why` is reported for it.
pub(crate) fn expand(
    ingest: &mut Ingest<'_>,
    sha: &str,
    path: &str,
    kind: ArchiveKind,
    depth: u32,
    budget: &Budget,
) -> Result<Result<(), String>> {
    let hash = sha.parse().map_err(crate::VaultError::from)?;
    let reader = ingest.vault.blobs.open(&hash)?;
    match kind {
        ArchiveKind::Zip => expand_zip(ingest, sha, path, reader, depth, budget),
        ArchiveKind::Tar => expand_tar(ingest, sha, path, reader, depth, budget, None),
        ArchiveKind::Gzip => expand_gzip(ingest, sha, path, reader, depth, budget),
    }
}

fn child_source(
    parent_sha: &str,
    parent_path: &str,
    name: &str,
    modified_at: Option<String>,
) -> Source {
    Source {
        path: format!("{parent_path}!/{name}"),
        original_name: name.rsplit('/').next().unwrap_or(name).to_owned(),
        parent: Some((parent_sha.to_owned(), name.to_owned())),
        modified_at,
        accessed_at: None,
        created_at: None,
    }
}

fn stopped(why: &str) -> String {
    format!("expansion stopped: {why}; possibly an archive bomb. The archive itself is preserved")
}

fn expand_zip(
    ingest: &mut Ingest<'_>,
    sha: &str,
    path: &str,
    reader: Box<dyn custodia_blobstore::BlobReader>,
    depth: u32,
    budget: &Budget,
) -> Result<Result<(), String>> {
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            return Ok(Err(format!(
                "not expanded: the ZIP archive cannot be read ({e}); truncated or damaged? The archive itself is preserved"
            )))
        }
    };
    let mut encrypted = 0usize;
    let mut damaged = Vec::new();
    for index in 0..archive.len() {
        let (raw_name, is_dir, is_encrypted, compressed) = match archive.by_index_raw(index) {
            Ok(f) => {
                let name = match f.name() {
                    Ok(n) => n.into_owned(),
                    Err(_) => String::from_utf8_lossy(f.name_raw()).into_owned(),
                };
                (name, f.is_dir(), f.encrypted(), f.compressed_size())
            }
            Err(e) => {
                damaged.push(format!("member {index}: {e}"));
                continue;
            }
        };
        if is_dir {
            continue;
        }
        if is_encrypted {
            encrypted += 1;
            continue;
        }
        if let Err(why) = budget.take_entry() {
            return Ok(Err(stopped(&why)));
        }
        let name = checked_name(ingest, path, &raw_name, index);
        let member = match archive.by_index(index) {
            Ok(m) => m,
            Err(e) => {
                damaged.push(format!("`{name}`: {e}"));
                continue;
            }
        };
        let modified = member.last_modified().map(|t| {
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        });
        let mut limited = LimitedReader {
            inner: member,
            budget,
            produced: 0,
            consumed: None,
            ratio_cap: ratio_cap(compressed, budget.max_ratio),
            name: name.clone(),
        };
        let child = child_source(sha, path, &name, modified);
        if let Some(why) = ingest_member(ingest, &mut limited, child, depth, budget)? {
            damaged.push(format!("`{name}`: {why}"));
        }
        if let Some(why) = budget.tripped() {
            return Ok(Err(stopped(&why)));
        }
    }
    let mut problems = Vec::new();
    if encrypted > 0 {
        problems.push(format!(
            "{encrypted} encrypted member(s), not expanded (no password is ever tried)"
        ));
    }
    if !damaged.is_empty() {
        problems.push(format!("damaged member(s): {}", damaged.join("; ")));
    }
    if problems.is_empty() {
        Ok(Ok(()))
    } else {
        Ok(Err(format!(
            "not fully expanded: {}. The archive itself is preserved",
            problems.join("; ")
        )))
    }
}

/// The member's safe name; a warning when it had to change.
fn checked_name(ingest: &mut Ingest<'_>, path: &str, raw_name: &str, index: usize) -> String {
    let (name, changed) = safe_member_name(raw_name, index);
    if changed {
        ingest.reject(
            &format!("{path}!/{name}"),
            format!(
                "unsafe member name `{}` in the archive, recorded as `{name}`",
                raw_name.escape_debug()
            ),
            ErrorKind::Warning,
        );
    }
    name
}

/// Ingests one member; returns why it was not stored, if it was not (and no limit tripped).
fn ingest_member(
    ingest: &mut Ingest<'_>,
    reader: &mut dyn Read,
    child: Source,
    depth: u32,
    budget: &Budget,
) -> Result<Option<String>> {
    let mut child = child;
    child.path = ingest.unique_path(&child.path);
    let shown = child.path.clone();
    ingest.last_not_stored = None;
    ingest.ingest_stream(reader, child, depth, budget)?;
    let failed = ingest
        .last_not_stored
        .take()
        .filter(|(path, _)| *path == shown)
        .map(|(_, error)| error);
    Ok(failed)
}

fn expand_tar(
    ingest: &mut Ingest<'_>,
    sha: &str,
    path: &str,
    reader: impl Read,
    depth: u32,
    budget: &Budget,
    consumed: Option<Rc<Cell<u64>>>,
) -> Result<Result<(), String>> {
    // The reader holds long names and PAX headers whole: the guard refuses oversized ones.
    let mut archive = tar::Archive::new(crate::tar_guard::TarExtensionGuard::new(reader));
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            return Ok(Err(format!(
            "not expanded: the tar archive cannot be read ({e}). The archive itself is preserved"
        )))
        }
    };
    let mut skipped = Vec::new();
    for (index, entry) in entries.enumerate() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                if let Some(why) = budget.tripped() {
                    return Ok(Err(stopped(&why)));
                }
                return Ok(Err(format!(
                    "not fully expanded: the tar archive is damaged or truncated after {index} member(s) ({e}). The archive itself is preserved"
                )));
            }
        };
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let entry_type = entry.header().entry_type();
        if entry_type.is_dir()
            || entry_type.is_pax_global_extensions()
            || entry_type.is_pax_local_extensions()
        {
            continue;
        }
        if !(entry_type.is_file() || entry_type.is_contiguous()) {
            skipped.push(raw_name.escape_debug().to_string());
            continue;
        }
        if let Err(why) = budget.take_entry() {
            return Ok(Err(stopped(&why)));
        }
        let name = checked_name(ingest, path, &raw_name, index);
        let modified = entry
            .header()
            .mtime()
            .ok()
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t as i64).ok())
            .map(custody::format_time);
        let mut limited = LimitedReader {
            inner: entry,
            budget,
            produced: 0,
            consumed: consumed.clone(),
            ratio_cap: u64::MAX,
            name: name.clone(),
        };
        let child = child_source(sha, path, &name, modified);
        if let Some(why) = ingest_member(ingest, &mut limited, child, depth, budget)? {
            if let Some(tripped) = budget.tripped() {
                return Ok(Err(stopped(&tripped)));
            }
            return Ok(Err(format!("not fully expanded: member `{name}` cannot be read ({why}). The archive itself is preserved")));
        }
        if let Some(why) = budget.tripped() {
            return Ok(Err(stopped(&why)));
        }
    }
    if !skipped.is_empty() {
        ingest.reject(
            path,
            format!(
                "links or special files in the archive, recorded in this report only: {}",
                skipped.join(", ")
            ),
            ErrorKind::Warning,
        );
    }
    Ok(Ok(()))
}

fn expand_gzip(
    ingest: &mut Ingest<'_>,
    sha: &str,
    path: &str,
    reader: Box<dyn custodia_blobstore::BlobReader>,
    depth: u32,
    budget: &Budget,
) -> Result<Result<(), String>> {
    let consumed = Rc::new(Cell::new(0u64));
    let compressed = CountingReader {
        inner: reader,
        count: Rc::clone(&consumed),
    };
    let mut decoder = flate2::read::MultiGzDecoder::new(compressed);
    // Peek at the start of the decompressed stream: a tar inside is expanded as tar members.
    let mut head = vec![0u8; 512];
    let mut filled = 0;
    while filled < head.len() {
        match decoder.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => {
                return Ok(Err(format!(
                    "not expanded: the gzip stream cannot be decompressed ({e}). The archive itself is preserved"
                )))
            }
        }
    }
    head.truncate(filled);
    let is_tar = head.len() >= 262 && &head[257..262] == b"ustar";
    let stream = io::Cursor::new(head).chain(decoder);
    if is_tar {
        return expand_tar(ingest, sha, path, stream, depth, budget, Some(consumed));
    }
    if let Err(why) = budget.take_entry() {
        return Ok(Err(stopped(&why)));
    }
    let outer = path.rsplit(['/', '!']).next().unwrap_or(path);
    let name = outer
        .strip_suffix(".gz")
        .or_else(|| outer.strip_suffix(".gzip"))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{outer}.decompressed"));
    let name = safe_member_name(&name, 0).0;
    let mut limited = LimitedReader {
        inner: stream,
        budget,
        produced: 0,
        consumed: Some(consumed),
        ratio_cap: u64::MAX,
        name: name.clone(),
    };
    let child = child_source(sha, path, &name, None);
    if let Some(why) = ingest_member(ingest, &mut limited, child, depth, budget)? {
        return Ok(Err(format!("not expanded: the gzip stream cannot be decompressed ({why}). The archive itself is preserved")));
    }
    if let Some(why) = budget.tripped() {
        return Ok(Err(stopped(&why)));
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_are_made_safe() {
        assert_eq!(
            safe_member_name("docs/a.txt", 0),
            ("docs/a.txt".into(), false)
        );
        assert_eq!(
            safe_member_name("../../etc/passwd", 0),
            ("etc/passwd".into(), true)
        );
        assert_eq!(safe_member_name("/abs/path", 0), ("abs/path".into(), true));
        assert_eq!(
            safe_member_name("C:\\Windows\\x.dll", 0),
            ("Windows/x.dll".into(), true)
        );
        assert_eq!(safe_member_name("..", 3), ("unnamed-member-3".into(), true));
        assert_eq!(safe_member_name("a/./b", 0), ("a/b".into(), true));
    }
}
