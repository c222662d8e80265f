//! The members of a zipped package as the ZIP file itself records them, twice.
//!
//! A ZIP file names each member in two places: a local header before its bytes, and an entry of
//! the central directory at the end. Readers disagree on which to believe: a reader that walks
//! the central directory (this verifier, most desktop tools) and one that streams local headers
//! (many extraction libraries) can be shown different files under the same name, and a central
//! directory that names one file twice lets two readers each take a different one. A package in
//! which the verifier checked one `custodia/package.json` while the recipient's tool extracts
//! another proves nothing, so such a ZIP is refused: every name once, and every local header
//! saying what its central directory entry says (APPNOTE 6.3.10 §4.3.7, §4.3.12, §4.5.3).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::verify::{Fault, FaultKind};

const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
/// General purpose flag bit 3: CRC and sizes follow the data in a data descriptor, and the
/// local header may hold zeros instead.
const DATA_DESCRIPTOR_FLAG: u16 = 1 << 3;
/// More members than any package holds: past this the directory is not read further.
const MEMBER_LIMIT: usize = 10_000_000;

/// One member's record, from either header.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc32: u32,
    compressed_size: u64,
    uncompressed_size: u64,
    /// Where the local header is, relative to the archive's start (from the central directory;
    /// the absolute offset for a local header).
    local_offset: u64,
}

/// Faults of the ZIP file at `path` whose central directory starts at `directory_start` (an
/// absolute offset) and whose member offsets are relative to `archive_offset`. Names in faults
/// are given relative to the bag's folder `prefix`.
pub(crate) fn member_faults(
    path: &Path,
    directory_start: u64,
    archive_offset: u64,
    prefix: &str,
) -> Vec<Fault> {
    let shown = |name: &[u8]| {
        let name = String::from_utf8_lossy(name);
        name.strip_prefix(prefix).unwrap_or(&name).to_owned()
    };
    let fault = |kind, file: String, problem: String| Fault {
        kind,
        file,
        problem,
    };
    let mut faults = Vec::new();
    let mut reader = match File::open(path) {
        Ok(f) => BufReader::new(f),
        Err(e) => {
            faults.push(fault(
                FaultKind::ZipHeaderMismatch,
                path.display().to_string(),
                format!("cannot be read again to check its headers: {e}"),
            ));
            return faults;
        }
    };
    let central = match read_central_directory(&mut reader, directory_start) {
        Ok(records) => records,
        Err(e) => {
            faults.push(fault(
                FaultKind::ZipHeaderMismatch,
                path.display().to_string(),
                format!("its central directory cannot be read: {e}"),
            ));
            return faults;
        }
    };

    let mut counts: BTreeMap<&[u8], usize> = BTreeMap::new();
    for record in &central {
        *counts.entry(&record.name).or_default() += 1;
    }
    for (name, count) in counts.iter().filter(|(_, count)| **count > 1) {
        faults.push(fault(
            FaultKind::ZipDuplicateMember,
            shown(name),
            format!(
                "the ZIP file holds {count} members of this name: tools would disagree on which is the package's"
            ),
        ));
    }

    for record in &central {
        let file = shown(&record.name);
        let Some(offset) = archive_offset.checked_add(record.local_offset) else {
            faults.push(fault(
                FaultKind::ZipHeaderMismatch,
                file,
                "its local header's offset is out of range".into(),
            ));
            continue;
        };
        let (local, data_start) = match read_local_header(&mut reader, offset) {
            Ok(found) => found,
            Err(e) => {
                faults.push(fault(
                    FaultKind::ZipHeaderMismatch,
                    file,
                    format!("no valid local header where the central directory puts it: {e}"),
                ));
                continue;
            }
        };
        for difference in differences(record, &local, &mut reader, data_start) {
            faults.push(fault(
                FaultKind::ZipHeaderMismatch,
                file.clone(),
                format!(
                    "its local header and its central directory entry disagree on {difference}"
                ),
            ));
        }
    }
    faults
}

/// What the local header says differently from the central directory entry.
fn differences(
    central: &Record,
    local: &Record,
    reader: &mut BufReader<File>,
    data_start: u64,
) -> Vec<String> {
    let mut out = Vec::new();
    if local.name != central.name {
        out.push(format!(
            "the name (`{}` locally)",
            String::from_utf8_lossy(&local.name)
        ));
    }
    if local.method != central.method {
        out.push(format!(
            "the compression method ({} locally, {} centrally)",
            local.method, central.method
        ));
    }
    if (local.flags & DATA_DESCRIPTOR_FLAG) != (central.flags & DATA_DESCRIPTOR_FLAG) {
        out.push("whether a data descriptor follows the data".into());
    }
    // With a data descriptor the local header may leave CRC and sizes at zero; then the
    // descriptor after the data must carry the central values.
    let deferred = local.flags & DATA_DESCRIPTOR_FLAG != 0
        && local.crc32 == 0
        && local.compressed_size == 0
        && local.uncompressed_size == 0;
    let local = if deferred {
        match read_data_descriptor(reader, data_start, local, central) {
            Ok(described) => described,
            Err(e) => {
                out.push(format!("the data descriptor, which cannot be read ({e})"));
                return out;
            }
        }
    } else {
        local.clone()
    };
    if local.crc32 != central.crc32 {
        out.push(format!(
            "the CRC-32 ({:08x} locally, {:08x} centrally)",
            local.crc32, central.crc32
        ));
    }
    if local.compressed_size != central.compressed_size {
        out.push(format!(
            "the compressed size ({} locally, {} centrally)",
            local.compressed_size, central.compressed_size
        ));
    }
    if local.uncompressed_size != central.uncompressed_size {
        out.push(format!(
            "the size ({} locally, {} centrally)",
            local.uncompressed_size, central.uncompressed_size
        ));
    }
    out
}

/// Every entry of the central directory, in order, duplicates included.
fn read_central_directory(reader: &mut BufReader<File>, start: u64) -> io::Result<Vec<Record>> {
    reader.seek(SeekFrom::Start(start))?;
    let mut records = Vec::new();
    loop {
        let mut fixed = [0u8; 46];
        match read_full(reader, &mut fixed)? {
            0 => break,
            n if n < 4 => break,
            _ => {}
        }
        if u32_at(&fixed, 0) != CENTRAL_SIGNATURE {
            // The end of central directory records follow the last entry.
            break;
        }
        if records.len() >= MEMBER_LIMIT {
            return Err(io::Error::other(format!(
                "more than {MEMBER_LIMIT} members"
            )));
        }
        let name_len = u16_at(&fixed, 28) as usize;
        let extra_len = u16_at(&fixed, 30) as usize;
        let comment_len = u16_at(&fixed, 32) as usize;
        let mut name = vec![0u8; name_len];
        reader.read_exact(&mut name)?;
        let mut extra = vec![0u8; extra_len];
        reader.read_exact(&mut extra)?;
        reader.seek_relative(comment_len as i64)?;
        let mut record = Record {
            name,
            flags: u16_at(&fixed, 8),
            method: u16_at(&fixed, 10),
            crc32: u32_at(&fixed, 16),
            compressed_size: u32_at(&fixed, 20).into(),
            uncompressed_size: u32_at(&fixed, 24).into(),
            local_offset: u32_at(&fixed, 42).into(),
        };
        // ZIP64: each field that is all ones is in the extra field instead, in this order.
        let mut wide = zip64_values(&extra).into_iter();
        for field in [
            &mut record.uncompressed_size,
            &mut record.compressed_size,
            &mut record.local_offset,
        ] {
            if *field == u64::from(u32::MAX) {
                *field = wide.next().ok_or_else(|| {
                    io::Error::other("a ZIP64 size or offset is missing from its extra field")
                })?;
            }
        }
        records.push(record);
    }
    Ok(records)
}

/// The local header at `offset`, and where the member's data starts.
fn read_local_header(reader: &mut BufReader<File>, offset: u64) -> io::Result<(Record, u64)> {
    reader.seek(SeekFrom::Start(offset))?;
    let mut fixed = [0u8; 30];
    reader.read_exact(&mut fixed)?;
    if u32_at(&fixed, 0) != LOCAL_SIGNATURE {
        return Err(io::Error::other("no local header signature"));
    }
    let name_len = u16_at(&fixed, 26) as usize;
    let extra_len = u16_at(&fixed, 28) as usize;
    let mut name = vec![0u8; name_len];
    reader.read_exact(&mut name)?;
    let mut extra = vec![0u8; extra_len];
    reader.read_exact(&mut extra)?;
    let mut record = Record {
        name,
        flags: u16_at(&fixed, 6),
        method: u16_at(&fixed, 8),
        crc32: u32_at(&fixed, 14),
        compressed_size: u32_at(&fixed, 18).into(),
        uncompressed_size: u32_at(&fixed, 22).into(),
        local_offset: offset,
    };
    // A local ZIP64 extra field holds both sizes, uncompressed first (APPNOTE §4.5.3).
    if record.compressed_size == u64::from(u32::MAX)
        || record.uncompressed_size == u64::from(u32::MAX)
    {
        let wide = zip64_values(&extra);
        let (Some(size), Some(compressed)) = (wide.first(), wide.get(1)) else {
            return Err(io::Error::other(
                "ZIP64 sizes are missing from the local extra field",
            ));
        };
        record.uncompressed_size = *size;
        record.compressed_size = *compressed;
    }
    let data_start = offset
        .checked_add((30 + name_len + extra_len) as u64)
        .ok_or_else(|| io::Error::other("the data's start is out of range"))?;
    Ok((record, data_start))
}

/// The CRC and sizes from the data descriptor after a member's data (APPNOTE §4.3.9).
fn read_data_descriptor(
    reader: &mut BufReader<File>,
    data_start: u64,
    local: &Record,
    central: &Record,
) -> io::Result<Record> {
    let end = data_start
        .checked_add(central.compressed_size)
        .ok_or_else(|| io::Error::other("the data's end is out of range"))?;
    reader.seek(SeekFrom::Start(end))?;
    let wide = central.compressed_size >= u64::from(u32::MAX)
        || central.uncompressed_size >= u64::from(u32::MAX);
    let mut first = [0u8; 4];
    reader.read_exact(&mut first)?;
    let crc32 = if u32::from_le_bytes(first) == 0x0807_4b50 {
        reader.read_exact(&mut first)?;
        u32::from_le_bytes(first)
    } else {
        u32::from_le_bytes(first)
    };
    let size = |reader: &mut BufReader<File>| -> io::Result<u64> {
        if wide {
            let mut b = [0u8; 8];
            reader.read_exact(&mut b)?;
            Ok(u64::from_le_bytes(b))
        } else {
            let mut b = [0u8; 4];
            reader.read_exact(&mut b)?;
            Ok(u32::from_le_bytes(b).into())
        }
    };
    let compressed_size = size(reader)?;
    let uncompressed_size = size(reader)?;
    Ok(Record {
        crc32,
        compressed_size,
        uncompressed_size,
        ..local.clone()
    })
}

/// The 8-byte values of the ZIP64 extended information field, if the extra data has one.
fn zip64_values(extra: &[u8]) -> Vec<u64> {
    let mut rest = extra;
    while rest.len() >= 4 {
        let id = u16::from_le_bytes([rest[0], rest[1]]);
        let len = u16::from_le_bytes([rest[2], rest[3]]) as usize;
        let Some(data) = rest.get(4..4 + len) else {
            break;
        };
        if id == ZIP64_EXTRA {
            return data
                .chunks_exact(8)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(c);
                    u64::from_le_bytes(b)
                })
                .collect();
        }
        rest = &rest[4 + len..];
    }
    Vec::new()
}

/// Reads as much of `buf` as the file holds; the count read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
