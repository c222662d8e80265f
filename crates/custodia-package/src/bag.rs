//! Writing a BagIt bag (RFC 8493, version 1.0) as a directory or as a ZIP file holding one.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::PackageError;

type Result<T> = std::result::Result<T, PackageError>;

/// What was written for one payload file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenPayload {
    /// Hex SHA-256 of the bytes written, computed while writing them.
    pub sha256: String,
    pub size: u64,
}

enum Target {
    Dir(PathBuf),
    Zip {
        path: PathBuf,
        /// The bag's folder inside the ZIP, with a trailing `/`.
        prefix: String,
        writer: Box<Mutex<Option<ZipWriter<BufWriter<File>>>>>,
    },
}

/// Writes a bag. Payload files may be added from several threads (a directory bag writes them
/// in parallel; a ZIP bag one after the other); tag files and the manifests come last, from
/// [`BagWriter::finish`].
pub struct BagWriter {
    target: Target,
    /// (path relative to the bag, hex SHA-256, size) of every payload and tag file so far.
    payload: Mutex<Vec<(String, String, u64)>>,
    tags: Vec<(String, String)>,
}

impl BagWriter {
    /// Starts a bag in the directory `root`, which must not exist yet.
    pub fn create_dir(root: &Path) -> Result<Self> {
        fs::create_dir(root).map_err(PackageError::io(root.display()))?;
        Ok(Self {
            target: Target::Dir(root.to_owned()),
            payload: Mutex::new(Vec::new()),
            tags: Vec::new(),
        })
    }

    /// Starts a bag inside a new ZIP file `path`, in a folder named `bag_name`.
    pub fn create_zip(path: &Path, bag_name: &str) -> Result<Self> {
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(PackageError::io(path.display()))?;
        Ok(Self {
            target: Target::Zip {
                path: path.to_owned(),
                prefix: format!("{bag_name}/"),
                writer: Box::new(Mutex::new(Some(ZipWriter::new(BufWriter::with_capacity(
                    1 << 20,
                    file,
                ))))),
            },
            payload: Mutex::new(Vec::new()),
            tags: Vec::new(),
        })
    }

    /// Writes a payload file at `data/<relative>`; `size_hint` chooses ZIP64 for large files.
    pub fn add_payload(
        &self,
        relative: &str,
        size_hint: u64,
        reader: &mut dyn Read,
    ) -> Result<WrittenPayload> {
        let path = format!("data/{relative}");
        let written = self.write_file(&path, size_hint, reader, true)?;
        self.payload
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, written.sha256.clone(), written.size));
        Ok(written)
    }

    /// Writes a tag file (anything outside `data/`), covered by the tag manifest.
    pub fn add_tag(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let written = self.write_file(path, bytes.len() as u64, &mut &bytes[..], false)?;
        self.tags.push((path.to_owned(), written.sha256));
        Ok(())
    }

    /// Writes `bagit.txt`, `bag-info.txt` (with `Payload-Oxum` and `Bag-Size` added to
    /// `bag_info`), the payload manifest and the tag manifest, and makes everything durable.
    pub fn finish(mut self, bag_info: &[(&str, String)]) -> Result<()> {
        let mut payload =
            std::mem::take(&mut *self.payload.lock().unwrap_or_else(|e| e.into_inner()));
        payload.sort();
        let bytes: u64 = payload.iter().map(|p| p.2).sum();

        self.add_tag(
            "bagit.txt",
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        )?;
        let mut info = String::new();
        for (label, value) in bag_info {
            info.push_str(&format!("{label}: {}\n", one_line(value)));
        }
        info.push_str(&format!("Payload-Oxum: {bytes}.{}\n", payload.len()));
        info.push_str(&format!("Bag-Size: {}\n", human_size(bytes)));
        self.add_tag("bag-info.txt", info.as_bytes())?;
        let manifest: String = payload
            .iter()
            .map(|(path, sha, _)| format!("{sha}  {}\n", encode_path(path)))
            .collect();
        self.add_tag("manifest-sha256.txt", manifest.as_bytes())?;
        let mut tags = self.tags.clone();
        tags.sort();
        let tag_manifest: String = tags
            .iter()
            .map(|(path, sha)| format!("{sha}  {}\n", encode_path(path)))
            .collect();
        let written = self.write_file(
            "tagmanifest-sha256.txt",
            tag_manifest.len() as u64,
            &mut tag_manifest.as_bytes(),
            false,
        )?;
        drop(written);
        match self.target {
            Target::Dir(root) => {
                sync_dir_tree(&root)?;
            }
            Target::Zip { path, writer, .. } => {
                let writer = (*writer)
                    .into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .ok_or_else(|| {
                        PackageError::Invalid("the ZIP file was already closed".into())
                    })?;
                let buffered = writer.finish().map_err(|e| PackageError::Zip {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
                let file = buffered.into_inner().map_err(|e| PackageError::Io {
                    path: path.display().to_string(),
                    source: e.into_error(),
                })?;
                file.sync_all().map_err(PackageError::io(path.display()))?;
            }
        }
        Ok(())
    }

    fn write_file(
        &self,
        path: &str,
        size_hint: u64,
        reader: &mut dyn Read,
        payload: bool,
    ) -> Result<WrittenPayload> {
        match &self.target {
            Target::Dir(root) => {
                let full = root.join(path);
                if let Some(parent) = full.parent() {
                    fs::create_dir_all(parent).map_err(PackageError::io(parent.display()))?;
                }
                let file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&full)
                    .map_err(PackageError::io(full.display()))?;
                let mut out = HashingWriter::new(BufWriter::with_capacity(1 << 20, file));
                copy(reader, &mut out).map_err(PackageError::io(full.display()))?;
                let (sha256, size, buffered) = out.finish();
                let file = buffered.into_inner().map_err(|e| PackageError::Io {
                    path: full.display().to_string(),
                    source: e.into_error(),
                })?;
                // Made durable all at once by `finish` (one `syncfs`, not one flush per file).
                drop((file, payload));
                Ok(WrittenPayload { sha256, size })
            }
            Target::Zip {
                path: zip_path,
                prefix,
                writer,
            } => {
                let zip_error = |e: zip::result::ZipError| PackageError::Zip {
                    path: zip_path.display().to_string(),
                    message: e.to_string(),
                };
                let mut guard = writer.lock().unwrap_or_else(|e| e.into_inner());
                let writer = guard.as_mut().ok_or_else(|| {
                    PackageError::Invalid("the ZIP file was already closed".into())
                })?;
                // Evidence is mostly compressed already (photos, video, PDFs): stored is faster
                // and keeps every byte where a reader expects it. Tag files are small text.
                let method = if payload {
                    CompressionMethod::Stored
                } else {
                    CompressionMethod::Deflated
                };
                let options = SimpleFileOptions::default()
                    .compression_method(method)
                    .large_file(size_hint >= u32::MAX as u64)
                    .unix_permissions(0o644);
                writer
                    .start_file(format!("{prefix}{path}"), options)
                    .map_err(zip_error)?;
                let mut out = HashingWriter::new(&mut *writer);
                copy(reader, &mut out).map_err(|e| PackageError::Io {
                    path: format!("{}!/{prefix}{path}", zip_path.display()),
                    source: e,
                })?;
                let (sha256, size, _) = out.finish();
                Ok(WrittenPayload { sha256, size })
            }
        }
    }
}

/// A writer that hashes what passes through it.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }
    fn finish(self) -> (String, u64, W) {
        (hex::encode(self.hasher.finalize()), self.size, self.inner)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn copy(reader: &mut dyn Read, out: &mut dyn Write) -> io::Result<u64> {
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.write_all(&buf[..n])?;
        total += n as u64;
    }
    out.flush()?;
    Ok(total)
}

/// Flushes every file and folder of a freshly written bag to the disk: one `syncfs` of the file
/// system holding it, which also covers the folders' entries.
fn sync_dir_tree(root: &Path) -> Result<()> {
    let dir = File::open(root).map_err(PackageError::io(root.display()))?;
    rustix::fs::syncfs(&dir).map_err(|e| PackageError::Io {
        path: root.display().to_string(),
        source: e.into(),
    })
}

/// RFC 8493 §2.1.3: in manifests, CR, LF and `%` in a file path are percent-encoded.
pub(crate) fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The reverse of [`encode_path`] (upper- or lower-case hex).
pub(crate) fn decode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).map(|c| c.to_ascii_uppercase());
        match code.as_deref() {
            Some("25") => out.push('%'),
            Some("0D") => out.push('\r'),
            Some("0A") => out.push('\n'),
            _ => {
                out.push('%');
                rest = &rest[at + 1..];
                continue;
            }
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn one_line(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A file name that is safe on every common file system and in a BagIt manifest: the last
/// component of `name`, with separators, control characters, `%` and characters Windows refuses
/// replaced by `_`, and at most 150 bytes (keeping a short extension).
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|' | '%') {
                '_'
            } else {
                c
            }
        })
        .collect();
    cleaned = cleaned
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned();
    if cleaned.is_empty() {
        return "item".into();
    }
    const MAX: usize = 150;
    if cleaned.len() > MAX {
        let extension = cleaned
            .rfind('.')
            .map(|at| cleaned[at..].to_owned())
            .filter(|e| e.len() <= 16)
            .unwrap_or_default();
        let mut stem_end = MAX - extension.len();
        while !cleaned.is_char_boundary(stem_end) {
            stem_end -= 1;
        }
        cleaned = format!("{}{extension}", &cleaned[..stem_end]);
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_manifest_encoding() {
        for path in ["data/a b.txt", "data/100%.txt", "data/a\nb", "data/%0A"] {
            assert_eq!(decode_path(&encode_path(path)), path);
        }
        assert_eq!(encode_path("data/x%y\r\n"), "data/x%25y%0D%0A");
        assert_eq!(decode_path("data/x%0a"), "data/x\n");
        assert_eq!(decode_path("data/100%"), "data/100%");
    }

    #[test]
    fn unsafe_names_become_safe() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\evil\\x.doc"), "x.doc");
        assert_eq!(safe_file_name("a:b*c?.txt"), "a_b_c_.txt");
        assert_eq!(safe_file_name("50%.pdf"), "50_.pdf");
        assert_eq!(safe_file_name("line\nbreak"), "line_break");
        assert_eq!(safe_file_name(".."), "item");
        assert_eq!(safe_file_name(""), "item");
        assert_eq!(safe_file_name("شهادة.pdf"), "شهادة.pdf");
        let long = format!("{}.jpeg", "ج".repeat(200));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= 150 && safe.ends_with(".jpeg"), "{safe}");
    }
}
