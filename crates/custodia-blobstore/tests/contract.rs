//! The `BlobStore` contract, one test body for every back-end: `LocalBlobStore` always, and
//! `S3BlobStore` when `CUSTODIA_TEST_S3_BUCKET` and the `AWS_*` variables name a bucket
//! (`scripts/test-s3` starts a throw-away Garage and sets them). Each S3 test works under its own
//! fresh prefix, so tests run in parallel and leave the bucket's other contents alone.

mod backends;

use std::io::{Read, Seek, SeekFrom, Write};

use backends::{backends, pattern, put, read_all, Backend};
use custodia_blobstore::{ContentHash, IfPresent, Stored, CHUNK_LEN};

fn each(test: impl Fn(&dyn Backend)) {
    for backend in backends() {
        eprintln!("back-end: {}", backend.name());
        test(backend.as_ref());
    }
}

#[test]
fn blobs_round_trip_at_chunk_boundaries() {
    each(|b| {
        let s = b.store();
        for len in [
            0,
            1,
            CHUNK_LEN - 1,
            CHUNK_LEN,
            CHUNK_LEN + 1,
            2 * CHUNK_LEN + 5,
        ] {
            let bytes = pattern(len, 31);
            let hash = put(s, &bytes, IfPresent::Keep);
            assert!(s.contains(&hash).unwrap());
            let reader = s.open(&hash).unwrap();
            assert_eq!(reader.len(), len as u64, "{}: length {len}", b.name());
            assert_eq!(
                read_all(s, &hash).unwrap(),
                bytes,
                "{}: length {len}",
                b.name()
            );
        }
    });
}

#[test]
fn a_large_blob_streams_in_many_chunks_and_parts() {
    // 23 MiB and a bit: several multipart parts on S3 (5 MiB parts in tests), 24 chunks.
    each(|b| {
        let s = b.store();
        let len = 23 * CHUNK_LEN + 12_345;
        let bytes = pattern(len, 7);
        let hash = ContentHash::of(&bytes);
        let mut w = s.writer().unwrap();
        // Odd write sizes, so that chunk and part edges fall inside writes.
        for piece in bytes.chunks(777_777) {
            w.write_all(piece).unwrap();
        }
        assert_eq!(w.finish(&hash, IfPresent::Keep).unwrap(), Stored::New);
        assert_eq!(b.temporary(), 0, "{}: temporary objects left", b.name());
        let back = read_all(s, &hash).unwrap();
        assert_eq!(back.len(), len);
        assert!(back == bytes, "{}: content differs", b.name());
    });
}

#[test]
fn seeks_and_ranges_return_the_right_bytes() {
    each(|b| {
        let s = b.store();
        let len = 7 * CHUNK_LEN + 1000;
        let bytes = pattern(len, 3);
        let hash = put(s, &bytes, IfPresent::Keep);
        let mut r = s.open(&hash).unwrap();
        let check = |r: &mut Box<dyn custodia_blobstore::BlobReader>, at: u64, take: usize| {
            let mut out = vec![0u8; take];
            let mut got = 0;
            while got < take {
                let n = r.read(&mut out[got..]).unwrap();
                if n == 0 {
                    break;
                }
                got += n;
            }
            let start = (at as usize).min(len);
            let end = (at as usize + take).min(len);
            assert_eq!(&out[..got], &bytes[start..end], "{}: at {at}", b.name());
        };
        // Random access, backwards and across chunk edges.
        for (at, take) in [
            (5 * CHUNK_LEN as u64 + 17, 100),
            (CHUNK_LEN as u64 - 3, 10),
            (0, 1),
            (6 * CHUNK_LEN as u64, 2 * CHUNK_LEN),
            (len as u64 - 1, 50),
            (len as u64, 10),
            (len as u64 + 99, 10),
        ] {
            assert_eq!(r.seek(SeekFrom::Start(at)).unwrap(), at);
            check(&mut r, at, take);
        }
        // A sequential pass interrupted by seeks (read-ahead must follow).
        r.seek(SeekFrom::Start(0)).unwrap();
        let mut first = vec![0u8; 3 * CHUNK_LEN + 5];
        r.read_exact(&mut first).unwrap();
        assert_eq!(first, bytes[..first.len()]);
        let at = r.seek(SeekFrom::Current(-10)).unwrap();
        check(&mut r, at, CHUNK_LEN);
        let at = r.seek(SeekFrom::End(-(CHUNK_LEN as i64) - 7)).unwrap();
        assert_eq!(at, len as u64 - CHUNK_LEN as u64 - 7);
        check(&mut r, at, 2 * CHUNK_LEN);
        assert!(r.seek(SeekFrom::Current(-(len as i64) - 100)).is_err());
    });
}

#[test]
fn an_empty_blob_is_a_blob() {
    each(|b| {
        let s = b.store();
        let hash = put(s, b"", IfPresent::Keep);
        assert!(s.contains(&hash).unwrap());
        let r = s.open(&hash).unwrap();
        assert!(r.is_empty());
        assert_eq!(read_all(s, &hash).unwrap(), b"");
    });
}

#[test]
fn missing_blobs_are_reported_as_missing() {
    each(|b| {
        let s = b.store();
        let hash = ContentHash::of(b"never stored");
        assert!(!s.contains(&hash).unwrap());
        assert!(matches!(
            s.open(&hash),
            Err(custodia_blobstore::BlobError::NotFound(h)) if h == hash
        ));
    });
}

#[test]
fn altered_or_truncated_objects_are_refused_as_damaged() {
    each(|b| {
        let s = b.store();
        let bytes = pattern(2 * CHUNK_LEN + 100, 5);
        let hash = put(s, &bytes, IfPresent::Keep);
        let original = b.stored(&hash);
        let sealed = CHUNK_LEN + 16;
        for at in [
            0,
            9,
            30,
            80,
            CHUNK_LEN / 2,
            72 + sealed + 5,
            original.len() - 1,
        ] {
            let mut damaged = original.clone();
            damaged[at] ^= 0x01;
            b.replace_stored(&hash, damaged);
            assert!(
                read_all(s, &hash).is_err(),
                "{}: a flipped bit at {at} went unnoticed",
                b.name()
            );
        }
        // Whole chunks cut off the end must not pass as a shorter blob; nor may a cut header.
        for keep in [72 + sealed, 72 + 2 * sealed, 72 + sealed + 10, 40, 0] {
            b.replace_stored(&hash, original[..keep].to_vec());
            assert!(
                read_all(s, &hash).is_err(),
                "{}: truncation to {keep} bytes went unnoticed",
                b.name()
            );
        }
        b.replace_stored(&hash, original);
        assert_eq!(read_all(s, &hash).unwrap(), bytes);
    });
}

#[test]
fn a_dropped_writer_leaves_nothing_visible() {
    each(|b| {
        let s = b.store();
        for len in [100, 12 * CHUNK_LEN] {
            let bytes = pattern(len, 11);
            let mut w = s.writer().unwrap();
            w.write_all(&bytes).unwrap();
            drop(w);
            assert!(!s.contains(&ContentHash::of(&bytes)).unwrap());
            assert_eq!(b.temporary(), 0, "{}: {len} bytes left behind", b.name());
        }
    });
}

#[test]
fn if_present_keeps_or_replaces() {
    each(|b| {
        let s = b.store();
        for len in [10, 11 * CHUNK_LEN] {
            let bytes = pattern(len, 13);
            let hash = ContentHash::of(&bytes);
            let mut w = s.writer().unwrap();
            w.write_all(&bytes).unwrap();
            assert_eq!(w.finish(&hash, IfPresent::Keep).unwrap(), Stored::New);
            let first = b.stored(&hash);

            let mut w = s.writer().unwrap();
            w.write_all(&bytes).unwrap();
            assert_eq!(
                w.finish(&hash, IfPresent::Keep).unwrap(),
                Stored::AlreadyPresent
            );
            assert!(
                b.stored(&hash) == first,
                "{}: Keep changed the blob",
                b.name()
            );
            assert_eq!(b.temporary(), 0, "{}: Keep left temporaries", b.name());

            let mut w = s.writer().unwrap();
            w.write_all(&bytes).unwrap();
            assert_eq!(
                w.finish(&hash, IfPresent::Replace).unwrap(),
                Stored::Replaced
            );
            // A fresh data key: other stored bytes, same content.
            assert!(
                b.stored(&hash) != first,
                "{}: Replace kept the blob",
                b.name()
            );
            assert_eq!(read_all(s, &hash).unwrap(), bytes);
            assert_eq!(b.temporary(), 0, "{}: Replace left temporaries", b.name());
        }
    });
}

#[test]
fn clean_temporary_removes_what_a_killed_writer_left() {
    each(|b| {
        let s = b.store();
        let bytes = pattern(12 * CHUNK_LEN, 17);
        let mut w = s.writer().unwrap();
        w.write_all(&bytes).unwrap();
        // As if the process died: no drop, no abort.
        std::mem::forget(w);
        assert!(b.temporary() > 0, "{}: nothing to clean", b.name());
        assert!(s.clean_temporary().unwrap() > 0);
        assert_eq!(b.temporary(), 0, "{}: temporaries left", b.name());
        assert!(!s.contains(&ContentHash::of(&bytes)).unwrap());
        // The store still works.
        let hash = put(s, &bytes, IfPresent::Keep);
        assert_eq!(read_all(s, &hash).unwrap(), bytes);
    });
}

#[test]
fn stores_are_usable_from_inside_another_tokio_runtime() {
    // The server calls the vault from its own runtime's threads; nothing may panic there, not
    // even dropping the store.
    for backend in backends() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let s = backend.store();
            let hash = put(s, b"called from async code", IfPresent::Keep);
            assert_eq!(read_all(s, &hash).unwrap(), b"called from async code");
            drop(backend);
        });
    }
}

#[test]
fn every_back_end_stores_the_same_format_under_the_same_names() {
    let all = backends();
    let bytes = pattern(CHUNK_LEN + 9, 23);
    let hash = ContentHash::of(&bytes);
    let first = &all[0];
    put(first.store(), &bytes, IfPresent::Keep);
    for other in &all[1..] {
        assert_eq!(other.relative_name(&hash), first.relative_name(&hash));
        other.replace_stored(&hash, first.stored(&hash));
        assert_eq!(read_all(other.store(), &hash).unwrap(), bytes);
    }
}
