//! A package is input from elsewhere: whatever its files hold, verification reports faults and
//! never panics, hangs or accepts.

use std::fs;

use custodia_package::{verify_package, VerifyOptions};
use proptest::prelude::*;

const FILES: [&str; 7] = [
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "tagmanifest-sha256.txt",
    "custodia/package.json",
    "custodia/checkpoint.txt",
    "custodia/holder.vkey",
];

fn text_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[ -~\n%:./]{0,200}".prop_map(String::into_bytes),
        Just(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec()),
        Just(format!("{}  data/x\n{}  ../../etc/passwd\n", "a".repeat(64), "b".repeat(64)).into_bytes()),
        Just(br#"{"format":"custodia-disclosure-package","version":1,"id":"x","created_at":"t","holder":"h","built_by":"b","recipient":null,"purpose":null,"conditions":[],"log_origin":"o","tree_size":18446744073709551615,"items":[{"sha256":"00","size":1,"payload":"../x","metadata":"/etc/passwd"}]}"#.to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_tag_files_are_faults_not_panics(contents in proptest::collection::vec(text_like(), FILES.len())) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("bag");
        fs::create_dir_all(root.join("custodia")).unwrap();
        fs::create_dir_all(root.join("data")).unwrap();
        fs::write(root.join("data/x"), b"payload").unwrap();
        for (name, bytes) in FILES.iter().zip(&contents) {
            fs::write(root.join(name), bytes).unwrap();
        }
        let report = verify_package(&root, &VerifyOptions::default()).unwrap();
        prop_assert!(!report.ok);
        prop_assert!(!report.faults.is_empty());
    }

    #[test]
    fn arbitrary_bytes_are_not_a_package(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("package.zip");
        fs::write(&path, &bytes).unwrap();
        if let Ok(report) = verify_package(&path, &VerifyOptions::default()) {
            prop_assert!(!report.ok);
        }
    }
}

#[test]
fn an_item_metadata_path_outside_the_package_is_a_fault_and_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("bag");
    fs::create_dir_all(root.join("custodia")).unwrap();
    fs::create_dir_all(root.join("data")).unwrap();
    // A file beside the package, which a verifier must never be led to read.
    fs::write(dir.path().join("outside.json"), b"{\"secret\": true}").unwrap();
    let outside = dir.path().join("outside.json");
    for metadata in ["../outside.json", outside.to_str().unwrap()] {
        let package = serde_json::json!({
            "format": "custodia-disclosure-package", "version": 1, "id": "x",
            "created_at": "t", "holder": "h", "built_by": "b", "recipient": null,
            "purpose": null, "conditions": [], "log_origin": "o", "tree_size": 1,
            "items": [{"sha256": "00", "size": 1, "payload": "data/x", "metadata": metadata}]
        });
        fs::write(root.join("custodia/package.json"), package.to_string()).unwrap();
        let report = verify_package(&root, &VerifyOptions::default()).unwrap();
        assert!(!report.ok);
        let faults = serde_json::to_string(&report.faults).unwrap();
        assert!(faults.contains("unsafe metadata path"), "{faults}");
        assert!(!faults.contains("secret"), "{faults}");
    }
}
