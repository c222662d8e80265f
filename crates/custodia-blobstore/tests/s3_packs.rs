//! Small blobs finished in the background go into packs: against a real S3 service (Garage,
//! started by `scripts/test-s3`), many blobs become a few objects, every blob reads back whole
//! and by range, from this process and from another that reads the bucket's index, a kept blob
//! is not packed twice, and what a writer killed between a pack and its index leaves is removed.

mod backends;

use std::io::{Read, Seek, SeekFrom, Write};

use backends::{pattern, s3_config, service_missing, NAME_KEY, WRAP_KEY};
use custodia_blobstore::{BlobStore, ContentHash, IfPresent, S3BlobStore, S3Config};

fn config() -> Option<S3Config> {
    let config = s3_config();
    if config.is_none() {
        service_missing(
            "s3",
            "pack tests skipped: CUSTODIA_TEST_S3_BUCKET is not set",
        );
    }
    config
}

fn open(config: &S3Config) -> S3BlobStore {
    S3BlobStore::open(config, &WRAP_KEY, &NAME_KEY).unwrap()
}

/// Writes `count` blobs of 1–20 KiB in the background; their contents.
fn write_small(
    store: &S3BlobStore,
    count: usize,
    seed: u64,
    if_present: IfPresent,
) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            let len = 1024 + (i * 7919) % (19 * 1024);
            let bytes = pattern(len, seed + i as u64);
            let mut writer = store.writer().unwrap();
            writer.write_all(&bytes).unwrap();
            writer
                .finish_deferred(&ContentHash::of(&bytes), if_present)
                .unwrap();
            bytes
        })
        .collect()
}

fn read(store: &S3BlobStore, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    store
        .open(&ContentHash::of(bytes))
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn keys_in(store: &S3BlobStore, folder: &str) -> Vec<String> {
    store
        .object_keys()
        .unwrap()
        .into_iter()
        .filter(|k| k.contains(&format!("/{folder}/")))
        .collect()
}

#[test]
fn many_small_blobs_become_a_few_packs_and_read_back_from_any_process() {
    let Some(mut config) = config() else { return };
    // Parts (and so packs) of 5 MiB: 1,000 blobs of about 10 KiB fill two packs.
    config.part_len = 5 << 20;
    let store = open(&config);
    // Another process, whose index is read before the blobs exist: it must read it again.
    let early = open(&config);
    assert!(early.open(&ContentHash::of(b"nothing")).is_err());

    let blobs = write_small(&store, 1000, 1, IfPresent::Keep);
    store.sync().unwrap();

    let objects = store.object_keys().unwrap();
    let packs = keys_in(&store, "packs");
    let indexes = keys_in(&store, "pack-index");
    assert!(
        (2..=4).contains(&packs.len()) && packs.len() == indexes.len(),
        "{objects:?}"
    );
    assert_eq!(objects.len(), packs.len() + indexes.len(), "{objects:?}");
    assert!(store.temporary_objects().unwrap().is_empty());

    let later = open(&config);
    for (i, bytes) in blobs.iter().enumerate() {
        let hash = ContentHash::of(bytes);
        assert!(store.contains(&hash).unwrap());
        if i % 10 == 0 {
            assert_eq!(&read(&store, bytes), bytes, "blob {i}, same process");
            assert_eq!(&read(&later, bytes), bytes, "blob {i}, a new process");
            assert_eq!(&read(&early, bytes), bytes, "blob {i}, an older process");
            assert_eq!(store.stored_bytes(&hash).unwrap().len() as u64, {
                // The stored length: header, one sealed chunk.
                72 + bytes.len() as u64 + 16
            });
        }
    }

    // Ranges inside a packed blob come from its own bytes, not its neighbours'.
    let bytes = &blobs[500];
    let mut reader = later.open(&ContentHash::of(bytes)).unwrap();
    assert_eq!(reader.len(), bytes.len() as u64);
    reader.seek(SeekFrom::Start(100)).unwrap();
    let mut middle = vec![0u8; 200];
    reader.read_exact(&mut middle).unwrap();
    assert_eq!(middle, bytes[100..300]);
    reader.seek(SeekFrom::End(-10)).unwrap();
    let mut end = Vec::new();
    reader.read_to_end(&mut end).unwrap();
    assert_eq!(end, bytes[bytes.len() - 10..]);

    // Kept blobs are not packed again, by this process or another one.
    write_small(&store, 1000, 1, IfPresent::Keep);
    store.sync().unwrap();
    write_small(&later, 1000, 1, IfPresent::Keep);
    later.sync().unwrap();
    assert_eq!(keys_in(&store, "packs").len(), packs.len());
}

#[test]
fn a_lone_blob_at_sync_is_stored_as_its_own_object() {
    let Some(config) = config() else { return };
    let store = open(&config);
    let blobs = write_small(&store, 1, 7, IfPresent::Replace);
    store.sync().unwrap();
    assert!(keys_in(&store, "packs").is_empty());
    assert_eq!(store.object_keys().unwrap().len(), 1);
    assert_eq!(read(&store, &blobs[0]), blobs[0]);
}

#[test]
fn packing_can_be_turned_off() {
    let Some(mut config) = config() else { return };
    config.pack_below = 0;
    let store = open(&config);
    write_small(&store, 20, 3, IfPresent::Replace);
    store.sync().unwrap();
    assert!(keys_in(&store, "packs").is_empty());
    assert_eq!(store.object_keys().unwrap().len(), 20);
}

#[test]
fn a_damaged_pack_or_index_is_reported_by_name() {
    let Some(config) = config() else { return };
    let store = open(&config);
    let blobs = write_small(&store, 30, 11, IfPresent::Replace);
    store.sync().unwrap();
    let pack = keys_in(&store, "packs").remove(0);
    let index = keys_in(&store, "pack-index").remove(0);

    // One byte of the pack changed, inside its first blob: that blob no longer reads, its
    // neighbour still does.
    let mut packed = store.object_bytes(&pack).unwrap();
    packed[200] ^= 1;
    store.put_object_bytes(&pack, packed).unwrap();
    let fresh = open(&config);
    let mut out = Vec::new();
    let first = fresh
        .open(&ContentHash::of(&blobs[0]))
        .map_err(|e| e.to_string())
        .and_then(|mut r| r.read_to_end(&mut out).map_err(|e| e.to_string()));
    assert!(first.is_err(), "a damaged packed blob was read");
    assert_eq!(read(&fresh, &blobs[1]), blobs[1]);

    // An index that is not one: a new process names it when it cannot find a blob.
    store
        .put_object_bytes(&index, b"not an index".to_vec())
        .unwrap();
    let other = open(&config);
    let error = other
        .open(&ContentHash::of(&blobs[1]))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains(&index) && error.contains("damaged"),
        "{error}"
    );
}

#[test]
fn a_pack_left_without_its_index_is_removed_by_clean_temporary() {
    let Some(config) = config() else { return };
    let store = open(&config);
    let prefix = &config.prefix;
    let put = |key: String, bytes: Vec<u8>| store.put_object_bytes(&key, bytes).unwrap();
    // A writer stopped between a pack and its index, a year ago.
    let orphan = "1765000000000-0123456789abcdef0123456789abcdef";
    put(format!("{prefix}/tmp/{orphan}.pack"), Vec::new());
    put(format!("{prefix}/packs/{orphan}"), vec![1; 100]);
    // One stopped after its index: the pack is kept, the marker removed.
    let indexed = "1765000000000-fedcba9876543210fedcba9876543210";
    put(format!("{prefix}/tmp/{indexed}.pack"), Vec::new());
    put(format!("{prefix}/packs/{indexed}"), vec![2; 100]);
    put(
        format!("{prefix}/pack-index/{indexed}"),
        format!("custodia-pack-index 1\npack packs/{indexed}\n").into_bytes(),
    );
    // One another server may still be sending: left alone.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let sending = format!("{now:013}-00000000000000000000000000000000");
    put(format!("{prefix}/tmp/{sending}.pack"), Vec::new());
    put(format!("{prefix}/packs/{sending}"), vec![3; 100]);
    // And packs that went out whole.
    let blobs = write_small(&store, 10, 21, IfPresent::Replace);
    store.sync().unwrap();

    assert_eq!(
        store.clean_temporary().unwrap(),
        3,
        "one pack and two markers"
    );
    let packs = keys_in(&store, "packs");
    assert!(!packs.iter().any(|k| k.ends_with(orphan)), "{packs:?}");
    assert!(packs.iter().any(|k| k.ends_with(indexed)), "{packs:?}");
    assert!(packs.iter().any(|k| k.ends_with(&sending)), "{packs:?}");
    assert_eq!(
        store.temporary_objects().unwrap(),
        vec![format!("{prefix}/tmp/{sending}.pack")]
    );
    for bytes in &blobs {
        assert_eq!(&read(&store, bytes), bytes);
    }
}

#[test]
fn a_pass_over_packed_blobs_reads_a_window_of_each_pack_at_once() {
    let Some(mut config) = config() else { return };
    config.part_len = 5 << 20;
    let store = open(&config);
    let blobs = write_small(&store, 1000, 31, IfPresent::Replace);
    store.sync().unwrap();
    let reader = open(&config);
    // A pass over every blob, four readers at once as a deep verification reads, in the
    // order the pass gives.
    let pass_over = |blobs: &[Vec<u8>]| -> Vec<(usize, Result<Vec<u8>, String>)> {
        let pass = reader.pass();
        let pass = pass.as_ref();
        let mut order: Vec<usize> = (0..blobs.len()).collect();
        order.sort_by_key(|&i| pass.position(&ContentHash::of(&blobs[i])));
        let read = |bytes: &[u8]| -> Result<Vec<u8>, String> {
            let mut out = Vec::new();
            pass.open(&ContentHash::of(bytes))
                .map_err(|e| e.to_string())?
                .read_to_end(&mut out)
                .map_err(|e| e.to_string())?;
            Ok(out)
        };
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4)
                .map(|t| {
                    let (order, read) = (&order, &read);
                    scope.spawn(move || {
                        order
                            .iter()
                            .skip(t)
                            .step_by(4)
                            .map(|&i| (i, read(&blobs[i])))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        })
    };
    // A process that has read nothing yet: about 10 MiB of blobs in windows of 4 MiB, a few
    // requests, not one per blob.
    let clean = pass_over(&blobs);
    assert!(clean.iter().all(|(i, r)| r.as_ref() == Ok(&blobs[*i])));
    let requests = reader.blob_read_requests();
    assert!(
        requests < 40,
        "{requests} requests to read 1,000 packed blobs"
    );

    // One byte changed in the middle of the first pack: one blob there is damaged, and the
    // next pass of the same process reads the bucket again and finds it.
    let pack = keys_in(&store, "packs").remove(0);
    let mut packed = store.object_bytes(&pack).unwrap();
    let middle = packed.len() / 2;
    packed[middle] ^= 1;
    store.put_object_bytes(&pack, packed).unwrap();
    let outcomes = pass_over(&blobs);
    let failed: Vec<usize> = outcomes
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    for (i, outcome) in &outcomes {
        if let Ok(bytes) = outcome {
            assert_eq!(bytes, &blobs[*i], "blob {i}");
        }
    }
    // The ordinary read finds the same blob damaged.
    let mut out = Vec::new();
    let alone = open(&config)
        .open(&ContentHash::of(&blobs[failed[0]]))
        .map_err(|e| e.to_string())
        .and_then(|mut r| r.read_to_end(&mut out).map_err(|e| e.to_string()));
    assert!(alone.is_err());
}
