//! Decisions on candidate pairs of person records (proposed by `custodia-match`, which knows no
//! vault): each is a custody log entry, and confirmed pairs form identity clusters in the
//! catalog. The vault never links records by itself: only a person's decision does.

use custodia_access::Role;
use custodia_catalog::{AccessChange, IdentityDecisionRow};
use serde_json::json;

use crate::access::Change;
use crate::custody::{self, action};
use crate::{Result, Vault, VaultError};

impl Vault {
    /// Records `actor`'s decision that the records `left_id` and `right_id` are one person
    /// (`confirm`) or not; returns the custody entry's log position. Needs the analyst or
    /// custodian role in the holder organisation.
    pub fn decide_identity(
        &mut self,
        actor: &str,
        left_id: &str,
        right_id: &str,
        confirm: bool,
        note: Option<&str>,
    ) -> Result<u64> {
        let who = self.principal(actor)?;
        let what = "deciding whether two records are one person";
        if self.require_holder_role(&who, Role::Analyst, what).is_err() {
            self.require_holder_role(&who, Role::Custodian, what)?;
        }
        if left_id.trim().is_empty() || right_id.trim().is_empty() {
            return Err(VaultError::Invalid("record ids must not be empty".into()));
        }
        let decision = if confirm { "confirm" } else { "reject" };
        let row = IdentityDecisionRow {
            id: 0,
            left_id: left_id.to_owned(),
            right_id: right_id.to_owned(),
            decision: decision.to_owned(),
            note: note.map(str::to_owned),
            decided_at: custody::now(),
            decided_by: actor.to_owned(),
        };
        self.change_access(
            actor,
            Change {
                action: if confirm {
                    action::IDENTITY_CONFIRM
                } else {
                    action::IDENTITY_REJECT
                },
                item: None,
                details: json!({
                    "left": left_id,
                    "right": right_id,
                    "decision": decision,
                    "note": note,
                }),
                rows: vec![AccessChange::RecordIdentityDecision(row)],
            },
        )
    }
}
