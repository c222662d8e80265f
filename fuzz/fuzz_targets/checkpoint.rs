//! Signed checkpoints from untrusted bytes: `LedgerVerifier::verify` must never panic, must accept
//! only notes signed by the log's key whose body is exactly a C2SP checkpoint of the log's origin,
//! and must reject every single-byte change to a checkpoint the log signed.
//!
//! The first byte picks what the rest is:
//! 0. a signed note as received from anyone;
//! 1. a note body, which the target signs with the log's key before verifying (so that the body
//!    parser is reached past the signature check);
//! 2. a tree size and root to sign with `LedgerSigner::sign`, then one byte of the signed text to
//!    change;
//! 3. a verifier key (`vkey`) line, then a signed note to verify with that key.
#![no_main]

mod common;

use custodia_ledger::{Hash, LedgerVerifier, SignedCheckpoint};
use libfuzzer_sys::fuzz_target;
use signed_note::Note;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => {
            verify(common::verifier(), rest);
        }
        1 => signed_body(rest),
        2 => sign_and_tamper(rest),
        _ => {
            let (vkey, note) = match rest.iter().position(|&b| b == b'\n') {
                Some(at) => (&rest[..at], &rest[at + 1..]),
                None => (rest, &[][..]),
            };
            let Ok(vkey) = std::str::from_utf8(vkey) else {
                return;
            };
            if let Ok(verifier) = LedgerVerifier::from_vkey(vkey) {
                verify(&verifier, note);
            }
        }
    }
});

/// Verifies `text`; whatever is accepted must be exactly the text given, under the key's name.
fn verify(verifier: &LedgerVerifier, text: &[u8]) -> Option<SignedCheckpoint> {
    let checkpoint = verifier.verify(text).ok()?;
    assert_eq!(checkpoint.text().as_bytes(), text);
    assert_eq!(checkpoint.origin(), verifier.name());
    Some(checkpoint)
}

fn signed_body(body: &[u8]) {
    let Ok(mut note) = Note::new(body, &[]) else {
        return;
    };
    note.add_sigs(&[common::note_signer()])
        .expect("the fixed key signs any well-formed note");
    if let Some(checkpoint) = verify(common::verifier(), &note.to_bytes()) {
        // Accepted bodies are canonical: one text per (origin, size, root), no extension lines.
        let canonical = format!(
            "{}\n{}\n{}\n",
            checkpoint.origin(),
            checkpoint.size(),
            checkpoint.root()
        );
        assert_eq!(
            canonical.as_bytes(),
            body,
            "a non-canonical checkpoint body was accepted"
        );
    }
}

fn sign_and_tamper(rest: &[u8]) {
    if rest.len() < 40 {
        return;
    }
    let size = u64::from_le_bytes(rest[..8].try_into().unwrap());
    let root = Hash(rest[8..40].try_into().unwrap());
    let checkpoint = common::signer()
        .sign(size, root)
        .expect("signing never fails");
    let verified = verify(common::verifier(), checkpoint.text().as_bytes())
        .expect("a checkpoint the log signed verifies");
    assert_eq!(verified, checkpoint);
    assert_eq!(verified.size(), size);
    assert_eq!(verified.root(), root);
    if let [position, change, ..] = rest[40..] {
        let mut text = checkpoint.text().as_bytes().to_vec();
        let at = usize::from(position) % text.len();
        text[at] ^= change.max(1);
        assert!(
            common::verifier().verify(&text).is_err(),
            "a changed byte at {at} went unnoticed"
        );
    }
}
