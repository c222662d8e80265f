//! A zipped package whose ZIP structure lets two readers see two different packages is refused:
//! a name given to two members, and a local header that disagrees with its central directory
//! entry, are each a named fault.

use std::fs;
use std::io::{Cursor, Write};

use custodia_package::{verify_package, FaultKind, VerifyOptions, VerifyReport};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const MEMBERS: [(&str, &str); 4] = [
    (
        "bag/bagit.txt",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    ),
    ("bag/data/one.txt", "first statement"),
    ("bag/data/two.txt", "other statement"),
    (
        "bag/cover.html",
        "<!DOCTYPE html><p>A cover sheet long enough to be deflated, deflated, deflated.</p>",
    ),
];

/// A ZIP of [`MEMBERS`]: payload stored, tag files deflated, as packages are written; `stream`
/// writes it without seeking, so that CRCs and sizes follow the data in data descriptors.
fn zip_bytes(stream: bool) -> Vec<u8> {
    fn write<W: Write + std::io::Seek>(mut zip: ZipWriter<W>) -> W {
        for (name, text) in MEMBERS {
            let method = if name.contains("/data/") {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            zip.start_file(
                name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap()
    }
    if stream {
        let mut out = Vec::new();
        let mut zip = ZipWriter::new_stream(&mut out);
        for (name, text) in MEMBERS {
            zip.start_file(name, SimpleFileOptions::default()).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        out
    } else {
        write(ZipWriter::new(Cursor::new(Vec::new()))).into_inner()
    }
}

fn verify_bytes(bytes: &[u8]) -> VerifyReport {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("package.zip");
    fs::write(&path, bytes).unwrap();
    verify_package(&path, &VerifyOptions::default()).unwrap()
}

fn zip_faults(bytes: &[u8]) -> Vec<(FaultKind, String, String)> {
    verify_bytes(bytes)
        .faults
        .into_iter()
        .filter(|f| {
            matches!(
                f.kind,
                FaultKind::ZipDuplicateMember | FaultKind::ZipHeaderMismatch
            )
        })
        .map(|f| (f.kind, f.file, f.problem))
        .collect()
}

/// The offset of the `n`th occurrence of `needle`.
fn find(bytes: &[u8], needle: &[u8], n: usize) -> usize {
    bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{} not found", String::from_utf8_lossy(needle)))
        .0
}

/// The local header of the member named `name` (the first occurrence of its name follows it).
fn local_header(bytes: &[u8], name: &str) -> usize {
    find(bytes, name.as_bytes(), 0) - 30
}

#[test]
fn well_formed_zips_have_no_structure_faults() {
    assert_eq!(zip_faults(&zip_bytes(false)), vec![]);
    // Data descriptors (written by tools that stream) are read and compared too.
    let streamed = zip_bytes(true);
    let at = local_header(&streamed, "bag/cover.html");
    assert_ne!(
        streamed[at + 6] & 0x08,
        0,
        "the stream writer wrote no data descriptor"
    );
    assert_eq!(zip_faults(&streamed), vec![]);
}

#[test]
fn two_members_of_one_name_are_refused() {
    let mut bytes = zip_bytes(false);
    // Rename the second payload file as the first, in its local header and central entry.
    for _ in 0..2 {
        let at = find(&bytes, b"bag/data/two.txt", 0);
        bytes[at..at + 16].copy_from_slice(b"bag/data/one.txt");
    }
    let found = zip_faults(&bytes);
    assert!(
        found
            .iter()
            .any(|(kind, file, _)| *kind == FaultKind::ZipDuplicateMember
                && file == "data/one.txt"),
        "{found:?}"
    );
    assert!(!verify_bytes(&bytes).ok);
}

#[test]
fn a_local_header_that_disagrees_with_the_central_directory_is_refused() {
    let good = zip_bytes(false);
    let mismatch = |change: &dyn Fn(&mut Vec<u8>), what: &str| {
        let mut bytes = good.clone();
        change(&mut bytes);
        let found = zip_faults(&bytes);
        assert!(
            found.iter().any(|(kind, file, problem)| {
                *kind == FaultKind::ZipHeaderMismatch
                    && file == "cover.html"
                    && problem.contains(what)
            }),
            "{what}: {found:?}"
        );
    };
    // Another name in the local header than in the central directory.
    mismatch(
        &|b| {
            let at = find(b, b"bag/cover.html", 0);
            b[at + 13] = b'x';
        },
        "name",
    );
    // Another CRC-32.
    mismatch(
        &|b| {
            let at = local_header(b, "bag/cover.html");
            b[at + 14] ^= 0xff;
        },
        "CRC-32",
    );
    // Other sizes.
    mismatch(
        &|b| {
            let at = local_header(b, "bag/cover.html");
            b[at + 22] ^= 0x01;
        },
        "size",
    );
    mismatch(
        &|b| {
            let at = local_header(b, "bag/cover.html");
            b[at + 18] ^= 0x01;
        },
        "compressed size",
    );
    // Another compression method (deflated centrally, stored locally).
    mismatch(
        &|b| {
            let at = local_header(b, "bag/cover.html");
            b[at + 8] = 0;
        },
        "compression method",
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
    /// Headers are input from elsewhere too: any bytes changed anywhere in a ZIP give faults,
    /// never a panic.
    #[test]
    fn changed_zip_bytes_are_faults_not_panics(
        changes in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..8),
        stream in proptest::prelude::any::<bool>(),
    ) {
        let mut bytes = zip_bytes(stream);
        for (at, value) in changes {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("package.zip");
        fs::write(&path, &bytes).unwrap();
        if let Ok(report) = verify_package(&path, &VerifyOptions::default()) {
            proptest::prop_assert!(!report.ok);
        }
    }
}
