//! The search query parser on arbitrary input: it returns a query or an error, never panics,
//! whatever the nesting, quotes, ranges or scripts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = custodia_search::validate_query(text);
    }
});
