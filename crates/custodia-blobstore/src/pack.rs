//! Packs: many small blobs in one S3 object, and the index that finds them.
//!
//! An object store spends most of a small object's cost on the object itself (its metadata
//! written and synced), not on its bytes: one Garage node spends about 2.4 ms of processor time
//! per object. So the S3 store puts small blobs finished in the background side by side into a
//! *pack* of a few MiB and stores, with each pack, an *index object* that says where each blob
//! lies in it:
//!
//! ```text
//! <prefix>/packs/<id>        the blobs' sealed bytes one after the other, each exactly as it
//!                            would be stored alone (header, then chunks)
//! <prefix>/pack-index/<id>   custodia-pack-index 1
//!                            pack packs/<id>
//!                            <object name> <offset> <length>     one line per blob
//! ```
//!
//! `<id>` is the time it was written in milliseconds (13 digits) and 128 random bits, so that
//! listing the index folder from a point in time finds every pack written since, by any process.
//! An object name is the blob's keyed name (`format.rs`): the index reveals no content hash, only
//! lengths, which the objects reveal anyway.
//!
//! **Order and durability.** A pack is written first, its index second; the blobs are reported
//! stored (by `sync`) only once both are acknowledged. A crash between the two leaves a pack that
//! no index names: nothing refers to it and `clean_temporary` removes it. The index is only a
//! locator: a wrong offset or length yields bytes that do not decrypt, reported as damage.
//!
//! **Finding a blob.** A blob this process knows to be packed is read from its pack at once (one
//! ranged request; if the pack cannot be opened, a copy stored as an object of its own is tried).
//! Otherwise its own object is looked for (blobs stored one by one live there), then this index,
//! which a process reads from the bucket when it first misses a blob and reads again, from an
//! hour before the newest index it read, whenever a name is missing, so blobs packed by another
//! server are found; at most every ten minutes such a reading lists the folder from its start,
//! so that an index dated by a clock far behind is found too. Memory: about 64 bytes per packed
//! blob in every process that reads packed blobs; index objects are read one at a time into it.
//!
//! **Failures.** An upload that fails (after its requests' own retries) keeps its job: every
//! later `sync`, by whichever thread, sends it again and fails while it cannot, so no blob that
//! shared a pack with another ingest's is acknowledged unstored; a pack goes out again under a
//! new id. Beyond 256 MiB of such jobs, new blobs are refused until they are stored. A damaged
//! chunk found while reading is reported as damage (no fallback to another copy).
//!
//! **Leftovers.** `clean_temporary` removes a pack whose marker is a day old and whose index does
//! not exist: its writer stopped between the two. Younger markers are left alone, since another
//! server sharing the bucket may still be sending that pack.

use std::collections::{HashMap, HashSet};

/// The first line of every index object.
pub(crate) const INDEX_MAGIC: &str = "custodia-pack-index 1";
/// Folder of the packs, under the store's prefix.
pub(crate) const PACKS: &str = "packs";
/// Folder of the index objects, under the store's prefix.
pub(crate) const PACK_INDEX: &str = "pack-index";
/// How far back from the newest index seen a new listing starts: an index written by another
/// process whose clock is behind, or whose upload took long (its requests retried for minutes),
/// is still found.
pub(crate) const LISTING_OVERLAP_MS: u64 = 60 * 60 * 1000;
/// A pack's marker older than this is a leftover of a writer that stopped (`clean_temporary`).
pub(crate) const LEFTOVER_AFTER_MS: u64 = 24 * 60 * 60 * 1000;
/// A listing from the start, rather than from near the newest index seen, at most this often:
/// what a clock far off or an index object that could not be read would otherwise hide.
pub(crate) const FULL_LISTING_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Where one packed blob lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    /// The pack's key under the store's prefix (`packs/<id>`).
    pub pack: String,
    pub offset: u64,
    pub len: u64,
}

/// One entry of an index object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The blob's keyed name (`ab/abcd…`).
    pub name: String,
    pub offset: u64,
    pub len: u64,
}

/// The text of the index object of pack `pack` (its key under the prefix).
pub(crate) fn render_index(pack: &str, entries: &[Entry]) -> String {
    let mut text = format!("{INDEX_MAGIC}\npack {pack}\n");
    for e in entries {
        text.push_str(&format!("{} {} {}\n", e.name, e.offset, e.len));
    }
    text
}

/// Reads an index object: the pack's key and its entries, or what is wrong with it.
pub(crate) fn parse_index(text: &[u8]) -> Result<(String, Vec<Entry>), String> {
    let text = std::str::from_utf8(text).map_err(|_| "it is not UTF-8 text".to_owned())?;
    let mut lines = text.lines();
    if lines.next() != Some(INDEX_MAGIC) {
        return Err(format!("it does not start with `{INDEX_MAGIC}`"));
    }
    let pack = lines
        .next()
        .and_then(|l| l.strip_prefix("pack "))
        .filter(|p| {
            p.strip_prefix("packs/")
                .is_some_and(|id| parse_pack_id(id).is_some())
        })
        .ok_or_else(|| "its second line does not name a pack".to_owned())?
        .to_owned();
    let mut entries = Vec::new();
    for (number, line) in lines.enumerate() {
        let bad = || format!("line {} is not `<name> <offset> <length>`", number + 3);
        let mut fields = line.split(' ');
        let (Some(name), Some(offset), Some(len), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(bad());
        };
        if name_key(name).is_none() {
            return Err(bad());
        }
        let offset: u64 = offset.parse().map_err(|_| bad())?;
        let len: u64 = len.parse().map_err(|_| bad())?;
        if offset.checked_add(len).is_none() {
            return Err(bad());
        }
        entries.push(Entry {
            name: name.to_owned(),
            offset,
            len,
        });
    }
    Ok((pack, entries))
}

/// The 32 bytes of a keyed object name `ab/<64 hex digits>`, whose first two digits repeat as
/// its folder.
pub(crate) fn name_key(name: &str) -> Option<[u8; 32]> {
    let (folder, hex_name) = name.split_once('/')?;
    if folder.len() != 2 || !hex_name.starts_with(folder) || hex_name.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    hex::decode_to_slice(hex_name, &mut key).ok()?;
    Some(key)
}

/// A new pack id: milliseconds since the epoch (13 digits), `-`, 32 hexadecimal digits.
pub(crate) fn pack_id(millis: u64, random: &str) -> String {
    format!("{millis:013}-{random}")
}

/// The time in a pack id, if it is one.
pub(crate) fn parse_pack_id(id: &str) -> Option<u64> {
    let (millis, random) = id.split_once('-')?;
    let well_formed = millis.len() == 13
        && millis.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 32
        && random.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| millis.parse().ok()).flatten()
}

/// Every packed blob this process knows of, by keyed name.
#[derive(Default)]
pub(crate) struct PackIndex {
    /// The index folder has been read at least once.
    pub loaded: bool,
    /// When it was last listed from the start.
    pub listed_all_at: Option<std::time::Instant>,
    /// Pack keys, numbered by the entries.
    packs: Vec<String>,
    entries: HashMap<[u8; 32], (u32, u64, u64)>,
    /// Ids of the index objects already read.
    read: HashSet<String>,
    /// The newest id read: the next listing starts [`LISTING_OVERLAP_MS`] before it.
    newest: u64,
}

impl PackIndex {
    pub fn get(&self, name: &[u8; 32]) -> Option<Location> {
        let &(pack, offset, len) = self.entries.get(name)?;
        Some(Location {
            pack: self.packs.get(pack as usize)?.clone(),
            offset,
            len,
        })
    }

    /// The packed blob's pack, numbered in this process, and its offset there: blobs of one
    /// pack share the number.
    pub fn position(&self, name: &[u8; 32]) -> Option<(u64, u64)> {
        let &(pack, offset, _) = self.entries.get(name)?;
        Some((u64::from(pack), offset))
    }

    pub fn contains(&self, name: &[u8; 32]) -> bool {
        self.entries.contains_key(name)
    }

    pub fn has_read(&self, id: &str) -> bool {
        self.read.contains(id)
    }

    /// Where a listing of new index objects starts (the millisecond part of an id).
    pub fn listing_start(&self) -> Option<u64> {
        (self.newest > 0).then(|| self.newest.saturating_sub(LISTING_OVERLAP_MS))
    }

    /// Records the entries of index object `id` (whose pack is `pack`). A name already known
    /// keeps its first location: every copy holds the same bytes.
    pub fn add(&mut self, id: &str, pack: String, entries: &[Entry]) {
        if !self.read.insert(id.to_owned()) {
            return;
        }
        if let Some(millis) = parse_pack_id(id) {
            self.newest = self.newest.max(millis);
        }
        let number = self.packs.len() as u32;
        self.packs.push(pack);
        for e in entries {
            if let Some(key) = name_key(&e.name) {
                self.entries.entry(key).or_insert((number, e.offset, e.len));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(seed: u8) -> String {
        let hex = hex::encode([seed; 32]);
        format!("{}/{hex}", &hex[..2])
    }

    #[test]
    fn an_index_reads_back_what_was_written() {
        let pack = format!("packs/{}", pack_id(1_765_000_000_000, &"a".repeat(32)));
        let entries = vec![
            Entry {
                name: name(1),
                offset: 0,
                len: 100,
            },
            Entry {
                name: name(2),
                offset: 100,
                len: 88,
            },
        ];
        let text = render_index(&pack, &entries);
        assert_eq!(
            parse_index(text.as_bytes()).unwrap(),
            (pack.clone(), entries.clone())
        );

        let mut index = PackIndex::default();
        let id = pack.strip_prefix("packs/").unwrap();
        index.add(id, pack.clone(), &entries);
        let found = index.get(&[2; 32]).unwrap();
        assert_eq!(
            (found.pack.as_str(), found.offset, found.len),
            (pack.as_str(), 100, 88)
        );
        assert!(index.get(&[3; 32]).is_none());
        assert_eq!(
            index.listing_start(),
            Some(1_765_000_000_000 - LISTING_OVERLAP_MS)
        );
    }

    #[test]
    fn damaged_indexes_are_refused_with_the_reason() {
        let pack = format!("packs/{}", pack_id(1, &"b".repeat(32)));
        let good = render_index(
            &pack,
            &[Entry {
                name: name(7),
                offset: 5,
                len: 9,
            }],
        );
        for (bad, reason) in [
            (b"\xff\xfe".to_vec(), "UTF-8"),
            (b"something else\n".to_vec(), "does not start"),
            (format!("{INDEX_MAGIC}\npack ../etc\n").into_bytes(), "pack"),
            (good.replace(" 9\n", " nine\n").into_bytes(), "line 3"),
            (good.replace(" 9\n", " 9 1\n").into_bytes(), "line 3"),
            (
                good.replace(" 5 9", &format!(" {} 9", u64::MAX))
                    .into_bytes(),
                "line 3",
            ),
            (good.replace(&name(7), "ab/cd").into_bytes(), "line 3"),
        ] {
            let error = parse_index(&bad).unwrap_err();
            assert!(error.contains(reason), "{error}");
        }
    }

    #[test]
    fn pack_ids_sort_by_time() {
        let a = pack_id(999, &"0".repeat(32));
        let b = pack_id(1_000, &"0".repeat(32));
        assert!(a < b);
        assert_eq!(parse_pack_id(&b), Some(1_000));
        assert_eq!(parse_pack_id("12-zz"), None);
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_index(&bytes);
        }

        #[test]
        fn any_entries_round_trip(raw in proptest::collection::vec((any::<u8>(), 0u64..u64::MAX / 2, 0u64..u64::MAX / 2), 0..40)) {
            let entries: Vec<Entry> = raw
                .into_iter()
                .map(|(seed, offset, len)| Entry { name: name(seed), offset, len })
                .collect();
            let pack = format!("packs/{}", pack_id(42, &"c".repeat(32)));
            let text = render_index(&pack, &entries);
            prop_assert_eq!(parse_index(text.as_bytes()).unwrap(), (pack, entries));
        }
    }
}
