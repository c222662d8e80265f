//! The vault's accounts and its custody log as their readers see them: organisations, users,
//! cases and identity decisions for the people who administer or audit the vault, and the
//! log's size, checkpoints, consistency proofs and verification for everyone the operator lets
//! read them.
//!
//! Every method takes the acting user and decides through `custodia-access` (the rule
//! `may_administer` for accounts): the CLI, the API and the pages only translate. Nothing here
//! hands out the catalog or the log themselves.

use custodia_access::{AdminAction, AdminTarget, Role};
use custodia_catalog::{CaseRow, IdentityDecisionRow, IdentityMemberRow, OrganisationRow, UserRow};
use custodia_ledger::{ConsistencyProofDocument, SignedCheckpoint, VerifyReport};

use crate::{Result, Vault, VaultError};

impl Vault {
    /// Every organisation, for someone who may view the accounts (an administrator, the
    /// holder's auditor).
    pub fn organisations_for(&self, actor: &str) -> Result<Vec<OrganisationRow>> {
        self.require_administer(actor, AdminAction::ViewAccounts, AdminTarget::Vault)?;
        Ok(self.catalog.organisations()?)
    }

    /// Every user with their organisation and roles, for someone who may view the accounts.
    pub fn users_for(&self, actor: &str) -> Result<Vec<UserRow>> {
        self.require_administer(actor, AdminAction::ViewAccounts, AdminTarget::Vault)?;
        Ok(self.catalog.users()?)
    }

    /// Every case, for someone who may view the accounts.
    pub fn cases_for(&self, actor: &str) -> Result<Vec<CaseRow>> {
        self.require_administer(actor, AdminAction::ViewAccounts, AdminTarget::Vault)?;
        Ok(self.catalog.cases()?)
    }

    /// The names of the requesting authorities a request may be filed for, for the holder's
    /// custodians (who file requests on an authority's behalf); empty for anyone else.
    pub fn requesting_authorities_for(&self, actor: &str) -> Result<Vec<String>> {
        let who = self.principal(actor)?;
        if !(who.of_holder() && who.is(Role::Custodian)) {
            return Ok(Vec::new());
        }
        Ok(self
            .catalog
            .organisations()?
            .into_iter()
            .filter(|o| o.kind == "requesting_authority")
            .map(|o| o.name)
            .collect())
    }

    /// The identity clusters (confirmed pairs joined) and every decision, for the holder's
    /// analysts and custodians: the people who record such decisions.
    pub fn identity_review_for(
        &self,
        actor: &str,
    ) -> Result<(Vec<IdentityMemberRow>, Vec<IdentityDecisionRow>)> {
        let who = self.principal(actor)?;
        let what = "reading the decisions on person records";
        if self.require_holder_role(&who, Role::Analyst, what).is_err() {
            self.require_holder_role(&who, Role::Custodian, what)?;
        }
        Ok((
            self.catalog.identity_clusters()?,
            self.catalog.identity_decisions()?,
        ))
    }

    /// The number of entries in the custody log (caught up with other servers first). Sizes and
    /// roots are public to whoever may read checkpoints: they reveal nothing of the entries.
    pub fn log_size(&self) -> Result<u64> {
        self.follow_log()?;
        Ok(self.ledger.size())
    }

    /// The signed checkpoint issued at exactly `size` entries.
    pub fn checkpoint_at(&self, size: u64) -> Result<SignedCheckpoint> {
        self.follow_log()?;
        self.ledger
            .checkpoint_at(size, &self.verifier)
            .map_err(|e| match e {
                custodia_ledger::LedgerError::NoCheckpoint(_) => VaultError::Invalid(format!(
                    "no checkpoint at tree size {size}; `custodia log checkpoint` issues one"
                )),
                other => other.into(),
            })
    }

    /// The consistency proof from the log of `from` entries to the log of `to` entries, as the
    /// one document the CLI prints, the API returns and `custodia-verify` reads; with the
    /// checkpoints signed at either size where there are, and checked against them before it
    /// is handed out.
    pub fn consistency_document(&self, from: u64, to: u64) -> Result<ConsistencyProofDocument> {
        self.follow_log()?;
        let proof = self
            .ledger
            .consistency_proof(from, to)
            .map_err(|e| VaultError::Invalid(format!("no consistency proof {from} → {to}: {e}")))?;
        let signed = |size: u64| match self.ledger.checkpoint_at(size, &self.verifier) {
            Ok(c) => Ok(Some(c)),
            Err(custodia_ledger::LedgerError::NoCheckpoint(_)) => Ok(None),
            Err(e) => Err(VaultError::from(e)),
        };
        let (old, new) = (signed(from)?, signed(to)?);
        if let (Some(old), Some(new)) = (&old, &new) {
            proof.verify(old.root(), new.root()).map_err(|e| {
                VaultError::Invalid(format!(
                    "the consistency proof {from} → {to} does not verify against the signed checkpoints ({e}); run `custodia log verify`"
                ))
            })?;
        }
        Ok(ConsistencyProofDocument::new(
            &proof,
            old.map(|c| c.text().to_owned()),
            new.map(|c| c.text().to_owned()),
        ))
    }

    /// Checks every entry of the custody log and every checkpoint against the log's key.
    pub fn verify_log(&self) -> Result<VerifyReport> {
        Ok(self.ledger.verify(&self.verifier)?)
    }
}
