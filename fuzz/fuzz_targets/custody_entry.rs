//! Custody log entries from untrusted bytes (as a package or a proof document carries them):
//! `entry::Entry::parse` must never panic, and an accepted entry states no field whose opening
//! was not made for it: an opening with another salt or value never opens a commitment.
#![no_main]

use custodia_package::entry::{commitment, field, Entry, Opening, Openings};
use libfuzzer_sys::fuzz_target;

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(entry) = Entry::parse(data) else {
        return;
    };
    assert!(matches!(entry.version(), 1 | 2));
    let _ = (entry.time(), entry.action(), entry.concerns_item());
    let Entry::V2(v2) = &entry else {
        return;
    };
    // An opening made for a value opens a commitment made for it, and only for its field.
    let salt = [0x5au8; 32];
    let value = String::from_utf8_lossy(data).into_owned();
    let opening = Opening {
        salt: to_hex(&salt),
        value: value.clone(),
    };
    let made = to_hex(&commitment(field::ITEM, &salt, &value));
    assert!(opening.opens(field::ITEM, &made));
    assert!(!opening.opens(field::ACTOR, &made));
    // Whatever the entry holds, a fuzzed opening that is not the made one opens nothing.
    let openings = Openings::from([(field::ITEM.to_owned(), opening)]);
    if v2.item.as_deref() != Some(made.as_str()) {
        assert!(!entry.states(field::ITEM, &value, &openings));
    }
});
