//! Web captures stored as evidence: the capture record (what was captured, when, by whom, with
//! which tools, and the SHA-256 of every artefact) is one item; the WACZ archive, screenshot,
//! DOM, text, PDF, certificates, media and timestamp tokens are its children, as an archive's
//! members are. Each is ingested like any other item (custody entries, the originator's
//! regime, extraction for search), so a capture needs no rules of its own for who sees it.

use std::io::Read;

use crate::ingest::{IngestOptions, IngestReport};
use crate::{Result, Vault, VaultError};

/// One artefact to store under the capture record: its path within the capture and its bytes.
pub struct CaptureArtefact<'a> {
    pub name: String,
    pub reader: &'a mut dyn Read,
}

/// What storing a capture produced.
#[derive(Debug)]
pub struct StoredCapture {
    /// The capture record's item.
    pub record_sha256: String,
    /// Every item stored (the record first), as an ingest reports them.
    pub report: IngestReport,
}

impl Vault {
    /// Stores a capture: `record` (the capture record's JSON) as the item `RECORD_NAME` of the
    /// submission `submission_key`, and each artefact as its child. Only the holder's
    /// custodians capture, as only they ingest.
    pub fn ingest_capture(
        &mut self,
        options: IngestOptions,
        submission_key: &str,
        record_name: &str,
        record: &[u8],
        artefacts: Vec<CaptureArtefact<'_>>,
    ) -> Result<StoredCapture> {
        let who = self.principal(&options.actor)?;
        self.require_holder_role(&who, custodia_access::Role::Custodian, "capture")?;
        let mut report = self.ingest_reader_authorised(
            record_name,
            &mut &record[..],
            submission_key,
            options.clone(),
            &(),
            None,
        )?;
        let record_sha256 = report
            .items
            .first()
            .map(|i| i.sha256.clone())
            .ok_or_else(|| VaultError::Invalid("the capture record was not stored".into()))?;
        let folder = record_name
            .rsplit_once('/')
            .map(|(dir, _)| dir.to_owned())
            .unwrap_or_default();
        for artefact in artefacts {
            let path = if folder.is_empty() {
                artefact.name.clone()
            } else {
                format!("{folder}/{}", artefact.name)
            };
            let child = self.ingest_reader_authorised(
                &path,
                artefact.reader,
                submission_key,
                options.clone(),
                &(),
                Some((record_sha256.clone(), artefact.name.clone())),
            )?;
            report.items.extend(child.items);
            report.errors.extend(child.errors);
        }
        report.summary.items = report.items.len() as u64;
        report.summary.errors = report.errors.len() as u64;
        Ok(StoredCapture {
            record_sha256,
            report,
        })
    }

    /// The items stored as `hash`'s children (a capture's artefacts, an archive's members) that
    /// `actor` may see, as (path within the parent, SHA-256), in the order they were stored.
    /// `actor` must be allowed to see the parent's facts.
    pub fn children_for(
        &self,
        actor: &str,
        hash: &custodia_blobstore::ContentHash,
    ) -> Result<Vec<(String, String)>> {
        self.authorise_as(actor, custodia_access::Action::ViewMetadata, hash)?;
        let mut children = Vec::new();
        for row in self.catalog.derived_from(&hash.to_hex())? {
            let Ok(child) = row.sha256.parse::<custodia_blobstore::ContentHash>() else {
                continue;
            };
            if self
                .authorise_as(actor, custodia_access::Action::ViewMetadata, &child)
                .is_ok()
            {
                children.push((row.path_in_parent.unwrap_or_default(), row.sha256));
            }
        }
        Ok(children)
    }

    /// The vault's log key as an owned signer of statements, for work that signs away from the
    /// vault (a capture running while the vault serves others). Needs the vault open for writing.
    pub fn statement_signer(&self) -> Result<StatementSigner> {
        self.require_write()?;
        let signer =
            custodia_ledger::LedgerSigner::load_key_file(&self.root.join("keys/ledger.key"))
                .map_err(|e| VaultError::Invalid(format!("cannot load the signing key: {e}")))?;
        Ok(StatementSigner(std::sync::Arc::new(signer)))
    }

    /// Signs a statement with the vault's log key (a C2SP signed note that can never pass for a
    /// checkpoint); returns the note and the key's `vkey`. Needs the vault open for writing.
    pub fn sign_statement(&self, kind: &str, lines: &[&str]) -> Result<(String, String)> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            VaultError::Invalid("signing needs the vault open for writing".into())
        })?;
        let note = signer
            .sign_statement(kind, lines)
            .map_err(|e| VaultError::Invalid(format!("cannot sign the statement: {e}")))?;
        Ok((note, signer.verifier().vkey().to_owned()))
    }
}

/// The vault's log key, signing statements only (see [`Vault::sign_statement`]).
#[derive(Clone)]
pub struct StatementSigner(std::sync::Arc<custodia_ledger::LedgerSigner>);

impl std::fmt::Debug for StatementSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatementSigner")
    }
}

impl StatementSigner {
    /// A C2SP signed note of the statement, and the key's `vkey`.
    pub fn sign(&self, kind: &str, lines: &[&str]) -> Result<(String, String)> {
        let note = self
            .0
            .sign_statement(kind, lines)
            .map_err(|e| VaultError::Invalid(format!("cannot sign the statement: {e}")))?;
        Ok((note, self.0.verifier().vkey().to_owned()))
    }
}
