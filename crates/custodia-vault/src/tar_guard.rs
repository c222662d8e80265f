//! A watch on a tar stream's headers, between the stream and the `tar` reader.
//!
//! The `tar` reader holds a GNU long name or long link and a PAX header whole in memory, as
//! large as its header says: one header declaring 8 GiB, followed by zeros that gzip shrinks to
//! a few megabytes, would take the process down. The limits on expanded bytes count what members
//! produce, not these headers, so the stream is watched as it passes: it follows the archive's
//! blocks as the reader does (each header, its data rounded up to 512 bytes, a PAX `size` that
//! replaces the next header's, GNU sparse extension blocks) and refuses an extension header
//! larger than [`MAX_EXTENSION_BYTES`] before the reader sees it.

use std::io::{self, Read};

/// Largest GNU long name, long link or PAX header accepted (real ones are a few hundred bytes).
pub(crate) const MAX_EXTENSION_BYTES: u64 = 1 << 20;

const BLOCK: usize = 512;

/// Passes a tar stream through unchanged, failing the read that brings an oversized extension
/// header.
pub(crate) struct TarExtensionGuard<R> {
    inner: R,
    /// The header block being gathered.
    block: [u8; BLOCK],
    filled: usize,
    /// GNU sparse extension blocks still to come before the current entry's data.
    sparse_blocks: bool,
    /// Size of the entry whose sparse extension blocks are passing.
    sparse_size: u64,
    /// Data bytes of the current entry still to pass, then its padding.
    data_left: u64,
    padding_left: u64,
    /// The data of a PAX header being passed, to read the `size` it sets for the next entry.
    pax: Option<Vec<u8>>,
    /// The size the last PAX header set for the next entry.
    next_size: Option<u64>,
    /// Past the first all-zero block, where the reader stops.
    ended: bool,
}

impl<R: Read> TarExtensionGuard<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            block: [0; BLOCK],
            filled: 0,
            sparse_blocks: false,
            sparse_size: 0,
            data_left: 0,
            padding_left: 0,
            pax: None,
            next_size: None,
            ended: false,
        }
    }

    fn observe(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() && !self.ended {
            if self.data_left > 0 {
                let take = self.data_left.min(bytes.len() as u64) as usize;
                if let Some(pax) = &mut self.pax {
                    pax.extend_from_slice(&bytes[..take]);
                }
                self.data_left -= take as u64;
                bytes = &bytes[take..];
                if self.data_left == 0 {
                    self.end_data();
                }
                continue;
            }
            if self.padding_left > 0 {
                let take = self.padding_left.min(bytes.len() as u64) as usize;
                self.padding_left -= take as u64;
                bytes = &bytes[take..];
                continue;
            }
            let take = (BLOCK - self.filled).min(bytes.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled == BLOCK {
                self.filled = 0;
                self.on_block()?;
            }
        }
        Ok(())
    }

    /// A whole block where a header (or a GNU sparse extension block) was due.
    fn on_block(&mut self) -> io::Result<()> {
        if self.sparse_blocks {
            let mut ext = tar::GnuExtSparseHeader::new();
            ext.as_mut_bytes().copy_from_slice(&self.block);
            if !ext.is_extended() {
                self.sparse_blocks = false;
                self.start_data(self.sparse_size);
            }
            return Ok(());
        }
        if self.block.iter().all(|&b| b == 0) {
            self.ended = true;
            return Ok(());
        }
        let header = tar::Header::from_byte_slice(&self.block);
        let kind = header.entry_type();
        let recognised = header.as_gnu().is_some() || header.as_ustar().is_some();
        let declared = header.entry_size().ok();
        let extension = kind.is_gnu_longname()
            || kind.is_gnu_longlink()
            || kind.is_pax_local_extensions()
            || kind.is_pax_global_extensions();
        if extension && declared.is_none_or(|size| size > MAX_EXTENSION_BYTES) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a tar extension header (type `{}`) declares {}, more than the {} bytes allowed",
                    char::from(kind.as_byte()).escape_debug(),
                    declared.map_or_else(|| "an unreadable size".to_owned(), |s| format!("{s} bytes")),
                    MAX_EXTENSION_BYTES
                ),
            ));
        }
        // As the reader does: a PAX `size` replaces the size in the next entry's header.
        let size = if extension {
            declared.unwrap_or(0)
        } else {
            self.next_size.take().or(declared).unwrap_or(0)
        };
        if recognised && kind.is_pax_local_extensions() {
            self.pax = Some(Vec::with_capacity(size as usize));
        }
        let sparse_extended =
            kind.is_gnu_sparse() && header.as_gnu().is_some_and(|gnu| gnu.is_extended());
        if sparse_extended {
            self.sparse_blocks = true;
            self.sparse_size = size;
        } else {
            self.start_data(size);
        }
        Ok(())
    }

    fn start_data(&mut self, size: u64) {
        self.data_left = size;
        self.padding_left = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        if size == 0 {
            self.end_data();
        }
    }

    fn end_data(&mut self) {
        if let Some(pax) = self.pax.take() {
            self.next_size = pax_size(&pax);
        }
    }
}

/// The `size` a PAX header sets, read as the `tar` reader reads it.
fn pax_size(data: &[u8]) -> Option<u64> {
    for extension in tar::PaxExtensions::new(data) {
        let extension = extension.ok()?;
        if extension.key() != Ok("size") {
            continue;
        }
        return extension.value().ok()?.parse().ok();
    }
    None
}

impl<R: Read> Read for TarExtensionGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.observe(&buf[..n])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(build: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        build(&mut builder);
        builder.into_inner().unwrap()
    }

    fn names(bytes: &[u8]) -> io::Result<Vec<(String, Vec<u8>)>> {
        let mut archive = tar::Archive::new(TarExtensionGuard::new(bytes));
        let mut out = Vec::new();
        for entry in archive.entries()? {
            let mut entry = entry?;
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data)?;
            out.push((name, data));
        }
        Ok(out)
    }

    #[test]
    fn ordinary_archives_pass_whole_with_long_names_and_pax_headers() {
        let long = format!("{}/statement.txt", "d".repeat(300));
        let bytes = archive(|b| {
            let mut h = tar::Header::new_gnu();
            h.set_size(5);
            h.set_mode(0o644);
            b.append_data(&mut h, &long, &b"hello"[..]).unwrap();
            b.append_pax_extensions([("comment", &b"a note"[..])])
                .unwrap();
            let mut h = tar::Header::new_ustar();
            h.set_size(700);
            h.set_mode(0o644);
            b.append_data(&mut h, "b.bin", &[7u8; 700][..]).unwrap();
        });
        let got = names(&bytes).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, long);
        assert_eq!(got[0].1, b"hello");
        assert_eq!(got[1].1, vec![7u8; 700]);
    }

    #[test]
    fn an_oversized_long_name_is_refused_before_the_reader_holds_it() {
        // A GNU long-name header declaring 8 GiB, then only a little of it: the reader would
        // grow one buffer to the declared size as the data came.
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
        h.set_entry_type(tar::EntryType::GNULongName);
        h.set_size(8 << 30);
        h.set_cksum();
        let mut bytes = h.as_bytes().to_vec();
        bytes.extend(std::iter::repeat_n(b'a', 4096));
        let err = names(&bytes).unwrap_err();
        assert!(
            err.to_string().contains("declares 8589934592 bytes"),
            "{err}"
        );
    }

    #[test]
    fn a_pax_size_moves_the_next_header_as_the_reader_moves_it() {
        // A PAX header sets the next entry's size above the one its header gives; a long-name
        // header hidden where the header's size would end must still be seen.
        let mut bytes = Vec::new();
        let record = "13 size=1536\n";
        let mut pax = tar::Header::new_ustar();
        pax.set_entry_type(tar::EntryType::XHeader);
        pax.set_path("pax").unwrap();
        pax.set_size(record.len() as u64);
        pax.set_cksum();
        bytes.extend_from_slice(pax.as_bytes());
        let mut data = record.as_bytes().to_vec();
        data.resize(BLOCK, 0);
        bytes.extend_from_slice(&data);
        let mut file = tar::Header::new_ustar();
        file.set_path("f").unwrap();
        file.set_size(0);
        file.set_cksum();
        bytes.extend_from_slice(file.as_bytes());
        // The entry's 1,536 bytes: three blocks, the first of them shaped like a long name.
        let mut hidden = tar::Header::new_gnu();
        hidden.set_entry_type(tar::EntryType::GNULongName);
        hidden.set_size(8 << 30);
        hidden.set_cksum();
        bytes.extend_from_slice(hidden.as_bytes());
        bytes.extend(std::iter::repeat_n(0u8, 2 * BLOCK));
        // Then a real oversized long name where the reader looks next.
        bytes.extend_from_slice(hidden.as_bytes());
        bytes.extend(std::iter::repeat_n(b'a', BLOCK));
        let mut guard = TarExtensionGuard::new(&bytes[..4 * BLOCK]);
        io::copy(&mut guard, &mut io::sink()).expect("the entry's data is not a header");
        let err = names(&bytes).unwrap_err();
        assert!(err.to_string().contains("extension header"), "{err}");
    }
}
