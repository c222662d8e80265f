//! What a release entry commits to: every claim the package makes, each as a salted digest.
//!
//! A package says who holds the archive, who built the package and when, under which
//! conditions, and for each item its provenance, type and payload file. The release entry of each
//! item in the holder's signed log commits to these claims, so a verifier believes none of them
//! unchecked. The release details are also shown, trimmed, to other parties in the item's history
//! (an originator's liaison sees the releases of the items it supplied), and an item supplied by
//! two originators has one provenance naming both: so the details hold, per claim, a digest
//! salted with a secret that only the package carries (`claims_salt` in `package.json`), never
//! the claim itself, and nobody without the package can confirm a guess of another originator's
//! provenance from them.
//!
//! `claim_digest(salt, name, value) = hex SHA-256("custodia release claim" ‖ 0x00 ‖ salt ‖ name ‖
//! 0x00 ‖ canonical JSON of value)`, where the canonical JSON has no white space and every
//! object's keys in byte order (`docs/PACKAGE.md`).

use serde_json::Value;
use sha2::{Digest, Sha256};

const CLAIM_DOMAIN: &[u8] = b"custodia release claim\0";

/// The names of the claims a release entry commits to, in the order a verifier reports them.
pub mod claim {
    /// `package.json`'s `holder`.
    pub const HOLDER: &str = "holder";
    /// `package.json`'s `built_by`.
    pub const BUILT_BY: &str = "built_by";
    /// `package.json`'s `created_at`.
    pub const CREATED_AT: &str = "created_at";
    /// `package.json`'s `conditions`.
    pub const PACKAGE_CONDITIONS: &str = "package_conditions";
    /// The item metadata's `provenance`.
    pub const PROVENANCE: &str = "provenance";
    /// The item metadata's `size`.
    pub const SIZE: &str = "size";
    /// The item metadata's `mime`.
    pub const MIME: &str = "mime";
    /// The item metadata's `stored_at`.
    pub const STORED_AT: &str = "stored_at";
    /// The item metadata's `payload`.
    pub const PAYLOAD: &str = "payload";
}

/// The digest of claim `name` with value `value` under the package's salt.
pub fn claim_digest(salt: &[u8; 32], name: &str, value: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(value, &mut canonical);
    let mut hasher = Sha256::new();
    hasher.update(CLAIM_DOMAIN);
    hasher.update(salt);
    hasher.update(name.as_bytes());
    hasher.update([0u8]);
    hasher.update(canonical.as_bytes());
    hex::encode(hasher.finalize())
}

/// Parses `claims_salt` (64 hex digits).
pub fn parse_salt(text: &str) -> Option<[u8; 32]> {
    let mut salt = [0u8; 32];
    hex::decode_to_slice(text, &mut salt).ok()?;
    Some(salt)
}

/// JSON with no white space and object keys in byte order, whatever order they were read in
/// (and whichever `serde_json` features the build unified).
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(list) => {
            out.push('[');
            for (i, value) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(value, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_key_order_and_spacing_but_not_values() {
        let salt = [7u8; 32];
        let a: Value =
            serde_json::from_str(r#"{"b": [1, {"y": null, "x": "é"}], "a": true}"#).expect("JSON");
        let b: Value =
            serde_json::from_str(r#"{"a":true,"b":[1,{"x":"é","y":null}]}"#).expect("JSON");
        assert_eq!(
            claim_digest(&salt, "provenance", &a),
            claim_digest(&salt, "provenance", &b)
        );
        let c: Value =
            serde_json::from_str(r#"{"a":true,"b":[1,{"x":"e","y":null}]}"#).expect("JSON");
        assert_ne!(
            claim_digest(&salt, "provenance", &a),
            claim_digest(&salt, "provenance", &c)
        );
        // Another claim name or salt, another digest.
        assert_ne!(
            claim_digest(&salt, "provenance", &a),
            claim_digest(&salt, "holder", &a)
        );
        assert_ne!(
            claim_digest(&salt, "provenance", &a),
            claim_digest(&[8u8; 32], "provenance", &a)
        );
        let mut canonical = String::new();
        write_canonical(&a, &mut canonical);
        assert_eq!(canonical, r#"{"a":true,"b":[1,{"x":"é","y":null}]}"#);
    }
}
