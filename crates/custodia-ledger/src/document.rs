//! The consistency proof as a document: the one JSON form that `custodia log consistency
//! --json` prints, `GET /api/v1/log/consistency` returns and `custodia-verify
//! --consistency-proof` reads.
//!
//! Hashes go in base64 (RFC 4648, standard alphabet, padded) under `proof`, as in packages and
//! C2SP texts. The same sizes and hashes also go under `old_size`, `new_size` and `hashes`
//! (lower-case hex), the names the API used first, so clients written against them keep
//! working; a reader takes `proof` and falls back to `hashes` only when `proof` is absent.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::{ConsistencyProof, Hash};

/// RFC 9162 §2.1.4 consistency proof from the log of `from` entries to the log of `to` entries,
/// with the signed checkpoints at either size when there are.
///
/// Every field is always written (the defaults serve readers of older documents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsistencyProofDocument {
    /// The older tree size.
    pub from: u64,
    /// The newer tree size.
    pub to: u64,
    /// The proof's hashes, base64.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub proof: Vec<String>,
    /// The C2SP signed checkpoint of `from` entries, when one was issued at that size.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub from_checkpoint: Option<String>,
    /// The C2SP signed checkpoint of `to` entries, when one was issued at that size.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub to_checkpoint: Option<String>,
    /// `from` again, under the API's first name for it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub old_size: Option<u64>,
    /// `to` again, under the API's first name for it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub new_size: Option<u64>,
    /// The proof's hashes again, lower-case hex.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required))]
    pub hashes: Vec<String>,
}

/// Why a document's hashes cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("proof hash {index} is not 32 bytes of {encoding}")]
pub struct DocumentHashError {
    pub index: usize,
    pub encoding: &'static str,
}

impl ConsistencyProofDocument {
    /// The document of `proof`, with the checkpoints' texts.
    pub fn new(
        proof: &ConsistencyProof,
        from_checkpoint: Option<String>,
        to_checkpoint: Option<String>,
    ) -> Self {
        let engine = base64::engine::general_purpose::STANDARD;
        Self {
            from: proof.old_size,
            to: proof.new_size,
            proof: proof.hashes.iter().map(|h| engine.encode(h.0)).collect(),
            from_checkpoint,
            to_checkpoint,
            old_size: Some(proof.old_size),
            new_size: Some(proof.new_size),
            hashes: proof.hashes.iter().map(|h| hex(&h.0)).collect(),
        }
    }

    /// The proof read back: `proof` (base64), or `hashes` (hex) when `proof` is empty.
    pub fn to_proof(&self) -> Result<ConsistencyProof, DocumentHashError> {
        let hashes = if self.proof.is_empty() && !self.hashes.is_empty() {
            self.hashes
                .iter()
                .enumerate()
                .map(|(index, h)| {
                    from_hex(h).ok_or(DocumentHashError {
                        index,
                        encoding: "hex",
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            let engine = base64::engine::general_purpose::STANDARD;
            self.proof
                .iter()
                .enumerate()
                .map(|(index, h)| {
                    engine
                        .decode(h)
                        .ok()
                        .and_then(|b| <[u8; 32]>::try_from(b).ok())
                        .map(Hash)
                        .ok_or(DocumentHashError {
                            index,
                            encoding: "base64",
                        })
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        Ok(ConsistencyProof {
            old_size: self.from,
            new_size: self.to,
            hashes,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Hash> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(Hash(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ConsistencyProof {
        ConsistencyProof {
            old_size: 3,
            new_size: 7,
            hashes: vec![Hash([1; 32]), Hash([0xab; 32])],
        }
    }

    #[test]
    fn a_document_reads_back_as_its_proof() {
        let document = ConsistencyProofDocument::new(&sample(), None, Some("cp".into()));
        let text = serde_json::to_string(&document).unwrap();
        let back: ConsistencyProofDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(back, document);
        assert_eq!(back.to_proof().unwrap(), sample());
    }

    #[test]
    fn either_encoding_alone_is_read() {
        let document = ConsistencyProofDocument::new(&sample(), None, None);
        let only_base64 = serde_json::json!({"from": 3, "to": 7, "proof": document.proof});
        let only_hex = serde_json::json!({"from": 3, "to": 7, "hashes": document.hashes});
        for value in [only_base64, only_hex] {
            let read: ConsistencyProofDocument = serde_json::from_value(value).unwrap();
            assert_eq!(read.to_proof().unwrap(), sample());
        }
    }

    #[test]
    fn a_bad_hash_is_named() {
        let read: ConsistencyProofDocument =
            serde_json::from_value(serde_json::json!({"from": 1, "to": 2, "proof": ["AAAA"]}))
                .unwrap();
        assert_eq!(
            read.to_proof().unwrap_err(),
            DocumentHashError {
                index: 0,
                encoding: "base64"
            }
        );
        let read: ConsistencyProofDocument = serde_json::from_value(
            serde_json::json!({"from": 1, "to": 2, "hashes": ["zz".repeat(32)]}),
        )
        .unwrap();
        assert_eq!(read.to_proof().unwrap_err().encoding, "hex");
    }
}
