//! Key texts from untrusted bytes: `LedgerVerifier::from_vkey` (a C2SP `vkey`, as a verifier is
//! given it) and `LedgerSigner::load_key_file` (a signing key file) must never panic, and a key
//! they accept must work: its text parses again to the same key, and a signer's checkpoints
//! verify under its own verifier key.
//!
//! The first byte picks the parser: even for `vkey` text, odd for the contents of a key file.
#![no_main]

mod common;

use custodia_ledger::{leaf_hash, LedgerSigner, LedgerVerifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        let Ok(verifier) = LedgerVerifier::from_vkey(text) else {
            return;
        };
        assert!(signed_note::is_key_name_valid(verifier.name()));
        assert_eq!(verifier.vkey(), text.trim());
        let again =
            LedgerVerifier::from_vkey(verifier.vkey()).expect("an accepted vkey parses again");
        assert_eq!(again.name(), verifier.name());
        assert_eq!(again.key_id(), verifier.key_id());
        // Only the fixed key's verifier may accept the fixed key's checkpoints.
        let checkpoint = common::signer().sign(1, leaf_hash(b"fuzz")).unwrap();
        if verifier.verify(checkpoint.text().as_bytes()).is_ok() {
            assert_eq!(verifier.name(), common::NAME);
            assert_eq!(verifier.key_id(), common::verifier().key_id());
        }
    } else {
        let path = common::scratch_path("fuzz-skey");
        let _ = std::fs::remove_file(&path);
        common::write_owner_only(&path, rest);
        let loaded = LedgerSigner::load_key_file(&path);
        let _ = std::fs::remove_file(&path);
        let Ok(signer) = loaded else {
            return;
        };
        assert_eq!(signer.verifier().name(), signer.name());
        let verifier =
            LedgerVerifier::from_vkey(signer.verifier().vkey()).expect("a signer's vkey parses");
        let checkpoint = signer
            .sign(3, leaf_hash(b"fuzz"))
            .expect("signing never fails");
        let verified = verifier
            .verify(checkpoint.text().as_bytes())
            .expect("a signer's checkpoint verifies under its own vkey");
        assert_eq!(verified, checkpoint);
    }
});
