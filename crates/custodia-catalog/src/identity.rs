//! Identity decisions on pairs of person records and the clusters they make.
//!
//! A cluster exists only through confirmations: the clusters table is rebuilt, in the same
//! transaction as each decision, as the connected components of the pairs whose latest decision
//! is `confirm`. A later `reject` of a pair thus undoes the link it had made.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::{all, args, exec, Db, Row};
use crate::{CatalogError, IdentityDecisionRow, IdentityMemberRow, Result};

pub(crate) fn record(db: &dyn Db, d: &IdentityDecisionRow) -> Result<()> {
    if d.decision != "confirm" && d.decision != "reject" {
        return Err(CatalogError::Conflict(format!(
            "`{}` is not a decision (confirm or reject)",
            d.decision
        )));
    }
    if d.left_id == d.right_id {
        return Err(CatalogError::Conflict(format!(
            "a record cannot be linked to itself (`{}`)",
            d.left_id
        )));
    }
    exec(
        db,
        "record an identity decision",
        "INSERT INTO identity_decisions (left_id, right_id, decision, note, decided_at, decided_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![
            d.left_id,
            d.right_id,
            d.decision,
            d.note,
            d.decided_at,
            d.decided_by
        ],
    )?;
    rebuild_clusters(db)
}

/// Union of the confirmed pairs (latest decision per unordered pair).
fn rebuild_clusters(db: &dyn Db) -> Result<()> {
    let mut latest: BTreeMap<(String, String), String> = BTreeMap::new();
    let decisions = all(
        db,
        "read identity decisions",
        "SELECT left_id, right_id, decision FROM identity_decisions ORDER BY id",
        &[],
        |mut r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)),
    )?;
    for (a, b, decision) in decisions {
        let pair = if a <= b { (a, b) } else { (b, a) };
        latest.insert(pair, decision);
    }
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    fn find(parent: &mut BTreeMap<String, String>, x: &str) -> String {
        let mut root = x.to_string();
        while let Some(p) = parent.get(&root) {
            if *p == root {
                break;
            }
            root = p.clone();
        }
        parent.insert(x.to_string(), root.clone());
        root
    }
    for ((a, b), decision) in &latest {
        if decision != "confirm" {
            continue;
        }
        parent.entry(a.clone()).or_insert_with(|| a.clone());
        parent.entry(b.clone()).or_insert_with(|| b.clone());
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            // The smaller id names the cluster, so names do not depend on decision order.
            let (keep, other) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(other, keep);
        }
    }
    let members: BTreeSet<String> = parent.keys().cloned().collect();
    exec(
        db,
        "clear identity clusters",
        "DELETE FROM identity_clusters",
        &[],
    )?;
    for member in members {
        let cluster = find(&mut parent, &member);
        exec(
            db,
            "write identity clusters",
            "INSERT INTO identity_clusters (member, cluster) VALUES (?1, ?2)",
            args![member, cluster],
        )?;
    }
    Ok(())
}

fn decision_row(mut r: Row) -> Result<IdentityDecisionRow> {
    Ok(IdentityDecisionRow {
        id: r.int(0)?,
        left_id: r.text(1)?,
        right_id: r.text(2)?,
        decision: r.text(3)?,
        note: r.opt_text(4)?,
        decided_at: r.text(5)?,
        decided_by: r.text(6)?,
    })
}

pub(crate) fn decisions(db: &dyn Db) -> Result<Vec<IdentityDecisionRow>> {
    all(
        db,
        "read identity decisions",
        "SELECT id, left_id, right_id, decision, note, decided_at, decided_by
         FROM identity_decisions ORDER BY id",
        &[],
        decision_row,
    )
}

pub(crate) fn clusters(db: &dyn Db) -> Result<Vec<IdentityMemberRow>> {
    all(
        db,
        "read identity clusters",
        "SELECT cluster, member FROM identity_clusters ORDER BY cluster, member",
        &[],
        |mut r| {
            Ok(IdentityMemberRow {
                cluster: r.text(0)?,
                member: r.text(1)?,
            })
        },
    )
}
