//! `custodia_package::verify_package` on hostile packages: the first byte picks the mode.
//! 0: the rest is a ZIP file as received; 1: the rest is split at 0xFF bytes into the tag files
//! and one payload file of a bag directory. Verification must never panic, and its verdict must
//! agree with its faults: verified exactly when no fault was found. (The seeds include one valid
//! package, which verifies; any mutation of a signed byte must not.)

#![no_main]

use std::fs;
use std::path::PathBuf;

use custodia_package::{verify_package, VerifyOptions};
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 9] = [
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "tagmanifest-sha256.txt",
    "custodia/package.json",
    "custodia/checkpoint.txt",
    "custodia/holder.vkey",
    "custodia/items/x.json",
    "data/x/item",
];

fn scratch() -> PathBuf {
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!("custodia-fuzz-package-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let root = scratch();
    let _ = fs::remove_dir_all(&root);
    let _ = fs::remove_file(&root);
    let options = VerifyOptions {
        threads: 1,
        ..VerifyOptions::default()
    };
    if mode % 2 == 0 {
        fs::write(&root, rest).unwrap();
    } else {
        for (name, bytes) in FILES.iter().zip(rest.split(|&b| b == 0xFF)) {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        fs::create_dir_all(&root).unwrap();
    }
    if let Ok(report) = verify_package(&root, &options) {
        assert_eq!(report.ok, report.faults.is_empty(), "verdict and faults disagree");
        if report.ok {
            // Whatever verified carries the seed's one signed checkpoint and its item: the
            // fuzzer cannot forge an Ed25519 signature, so no other item can verify.
            assert!(report.checkpoint.is_some() && report.key.is_some());
            assert!(report.items.iter().all(|i| i.ok));
        }
    }
    let _ = fs::remove_dir_all(&root);
    let _ = fs::remove_file(&root);
});
