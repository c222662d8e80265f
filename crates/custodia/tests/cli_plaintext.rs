//! Nothing in plaintext at rest: distinctive markers in contents, names, paths and provenance
//! appear in no file of the data directory, before or after an item is taken out.

mod support;

use std::fs;
use std::io::Read;
use std::path::Path;

use support::*;

/// A marker of 40 random letters and digits.
fn marker() -> String {
    let mut random = [0u8; 40];
    fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut random)
        .unwrap();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    random
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// Every file under `dir` (recursively, read as bytes) that holds one of `markers`.
fn files_holding(dir: &Path, markers: &[(&str, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files_under(dir) {
        let bytes = fs::read(&file).unwrap();
        for (what, marker) in markers {
            if bytes.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                found.push(format!("{what} in {}", file.display()));
            }
        }
    }
    found
}

#[test]
fn no_marker_is_stored_in_plaintext() {
    let vault = TestVault::new();
    let markers = [
        ("content of a small file", marker()),
        ("content of a large file", marker()),
        ("file name", marker()),
        ("folder name", marker()),
        ("collection note", marker()),
        ("originator", marker()),
        ("case reference", marker()),
        ("collected by", marker()),
        ("collected at", marker()),
        ("archive member name", marker()),
        ("archive member content", marker()),
        ("download reason", marker()),
        ("search query", marker()),
    ];
    let marker_of = |what: &str| -> &str { &markers.iter().find(|(w, _)| *w == what).unwrap().1 };

    let input = vault.folder("collection");
    let folder = input.join(format!("folder-{}", marker_of("folder name")));
    fs::create_dir(&folder).unwrap();
    let small = format!("witness says: {}\n", marker_of("content of a small file"));
    fs::write(folder.join("statement.txt"), &small).unwrap();
    // Over 1 MiB, so it goes through the streaming pipeline in several chunks; the marker
    // straddles the first chunk boundary.
    let mut large = vec![b'.'; (1 << 20) - 20];
    large.extend_from_slice(marker_of("content of a large file").as_bytes());
    large.extend(vec![b'.'; 300_000]);
    fs::write(folder.join("large.txt"), &large).unwrap();
    let named = folder.join(format!("{}.txt", marker_of("file name")));
    fs::write(&named, b"a file whose name is the secret\n").unwrap();
    let member_content = format!("inside the zip: {}\n", marker_of("archive member content"));
    let zip = zip_bytes(&[(
        &format!("docs/{}.txt", marker_of("archive member name")),
        member_content.as_bytes(),
    )]);
    fs::write(folder.join("bundle.zip"), &zip).unwrap();

    // Hold a connection to the catalog open, so that the WAL of the commands below stays on
    // disk to be searched too (the last connection to close would fold it into the database).
    let keys = custodia_vault::VaultKeys::load(&vault.dir.join("keys/master.key")).unwrap();
    let conn = rusqlite::Connection::open(vault.dir.join("catalog/catalog.db")).unwrap();
    conn.pragma_update(
        None,
        "key",
        format!("x'{}'", hex::encode(keys.catalog_key())),
    )
    .unwrap();
    let _: i64 = conn
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();

    let report = vault.ingest(
        &[&input],
        marker_of("originator"),
        &[
            "--collection-note",
            marker_of("collection note"),
            "--case",
            marker_of("case reference"),
            "--collected-by",
            marker_of("collected by"),
            "--collected-at",
            marker_of("collected at"),
        ],
    );
    assert!(errors(&report).is_empty(), "{report:#}");
    assert_eq!(items(&report).len(), 5);
    // The markers did reach the vault: `show` decrypts them.
    let show = vault.show(&sha256_hex(small.as_bytes()));
    assert_eq!(
        show["submissions"][0]["originator"],
        marker_of("originator")
    );
    assert_eq!(
        show["submissions"][0]["collection_note"],
        marker_of("collection note")
    );

    let wal = vault.dir.join("catalog/catalog.db-wal");
    assert!(
        fs::metadata(&wal).map(|m| m.len() > 0).unwrap_or(false),
        "the catalog's WAL is searched too"
    );
    let found = files_holding(&vault.dir, &markers);
    assert!(found.is_empty(), "plaintext at rest: {found:#?}");

    // Take items out (to a folder outside the data directory) and search again.
    let out = vault.folder("out");
    for (name, bytes) in [("small.txt", small.as_bytes()), ("large.txt", &large[..])] {
        let target = out.join(name);
        vault.ok([
            "get".as_ref(),
            sha256_hex(bytes).as_ref(),
            "--out".as_ref(),
            target.as_os_str(),
            "--reason".as_ref(),
            marker_of("download reason").as_ref(),
        ]);
        assert_eq!(fs::read(&target).unwrap(), bytes);
    }
    let history = vault.history(&sha256_hex(&large));
    assert_eq!(
        history["events"].as_array().unwrap().last().unwrap()["details"]["reason"],
        marker_of("download reason")
    );
    let found = files_holding(&vault.dir, &markers);
    assert!(
        found.is_empty(),
        "plaintext at rest after `get`: {found:#?}"
    );

    // Extract and index the texts, and search for one of them: the derived items and the
    // search index hold every word, in lower case too, and the catalog the query.
    let extracted = vault.ok(["extract", "--pending", "--no-ocr"]);
    assert!(
        extracted["failed"].as_array().unwrap().is_empty(),
        "{extracted:#}"
    );
    let hits = vault.ok(["search", marker_of("content of a small file")]);
    assert_eq!(hits["total"], 1, "{hits:#}");
    vault.ok(["search", marker_of("search query")]);
    assert!(vault.dir.join("index").read_dir().unwrap().count() > 2);
    let lower: Vec<(&str, String)> = markers
        .iter()
        .map(|(what, m)| (*what, m.to_lowercase()))
        .collect();
    let found = files_holding(&vault.dir, &[&markers[..], &lower[..]].concat());
    assert!(
        found.is_empty(),
        "plaintext at rest after extraction and search: {found:#?}"
    );

    // The search itself works: the copies taken out hold their markers.
    let found = files_holding(&out, &markers);
    assert_eq!(found.len(), 2, "{found:#?}");
    drop(conn);

    // After the last connection closed, the database file alone is searched once more.
    let found = files_holding(&vault.dir, &markers);
    assert!(found.is_empty(), "plaintext at rest: {found:#?}");
}
