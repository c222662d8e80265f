//! Identity decisions on pairs of person records and the clusters they make.
//!
//! A cluster exists only through confirmations: the clusters table is rebuilt, in the same
//! transaction as each decision, as the connected components of the pairs whose latest decision
//! is `confirm`. A later `reject` of a pair thus undoes the link it had made.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, Row, Transaction};

use crate::{CatalogError, IdentityDecisionRow, IdentityMemberRow, Result};

fn query(context: &'static str) -> impl FnOnce(rusqlite::Error) -> CatalogError {
    move |source| CatalogError::Query { context, source }
}

pub(crate) fn record(tx: &Transaction<'_>, d: &IdentityDecisionRow) -> Result<()> {
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
    tx.execute(
        "INSERT INTO identity_decisions (left_id, right_id, decision, note, decided_at, decided_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            d.left_id,
            d.right_id,
            d.decision,
            d.note,
            d.decided_at,
            d.decided_by
        ],
    )
    .map_err(query("record an identity decision"))?;
    rebuild_clusters(tx)
}

/// Union of the confirmed pairs (latest decision per unordered pair).
fn rebuild_clusters(tx: &Transaction<'_>) -> Result<()> {
    let mut latest: BTreeMap<(String, String), String> = BTreeMap::new();
    {
        let mut statement = tx
            .prepare("SELECT left_id, right_id, decision FROM identity_decisions ORDER BY id")
            .map_err(query("read identity decisions"))?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(query("read identity decisions"))?;
        for row in rows {
            let (a, b, decision) = row.map_err(query("read identity decisions"))?;
            let pair = if a <= b { (a, b) } else { (b, a) };
            latest.insert(pair, decision);
        }
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
    tx.execute("DELETE FROM identity_clusters", [])
        .map_err(query("clear identity clusters"))?;
    for member in members {
        let cluster = find(&mut parent, &member);
        tx.execute(
            "INSERT INTO identity_clusters (member, cluster) VALUES (?1, ?2)",
            params![member, cluster],
        )
        .map_err(query("write identity clusters"))?;
    }
    Ok(())
}

fn decision_row(r: &Row<'_>) -> rusqlite::Result<IdentityDecisionRow> {
    Ok(IdentityDecisionRow {
        id: r.get(0)?,
        left_id: r.get(1)?,
        right_id: r.get(2)?,
        decision: r.get(3)?,
        note: r.get(4)?,
        decided_at: r.get(5)?,
        decided_by: r.get(6)?,
    })
}

pub(crate) fn decisions(conn: &Connection) -> Result<Vec<IdentityDecisionRow>> {
    let mut statement = conn
        .prepare(
            "SELECT id, left_id, right_id, decision, note, decided_at, decided_by
             FROM identity_decisions ORDER BY id",
        )
        .map_err(query("read identity decisions"))?;
    let rows = statement
        .query_map([], decision_row)
        .map_err(query("read identity decisions"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(query("read identity decisions"))
}

pub(crate) fn clusters(conn: &Connection) -> Result<Vec<IdentityMemberRow>> {
    let mut statement = conn
        .prepare("SELECT cluster, member FROM identity_clusters ORDER BY cluster, member")
        .map_err(query("read identity clusters"))?;
    let rows = statement
        .query_map([], |r| {
            Ok(IdentityMemberRow {
                cluster: r.get(0)?,
                member: r.get(1)?,
            })
        })
        .map_err(query("read identity clusters"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(query("read identity clusters"))
}
