//! `custodia match`: candidate pairs of persons across two lists, or duplicates within one.
//! Matching works on files alone; no vault is opened. The review subcommands (`confirm`,
//! `reject`, `clusters`) record and show people's decisions in a vault.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use custodia_match::{match_lists_with, read_list_with, ListRead, MatchOptions, DEFAULT_THRESHOLD};
use custodia_vault::Access;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::output::Output;
use crate::{actor, open, Cli};

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct MatchArgs {
    #[command(subcommand)]
    pub review: Option<ReviewCommand>,
    /// A list of persons: CSV with a header (`id`, `name`, …), a JSON array, or FollowTheMoney
    /// `Person` entities in JSON lines.
    #[arg(value_name = "LEFT", required = true)]
    pub left: Option<PathBuf>,
    /// The list to match against; without it, duplicates within LEFT are sought.
    #[arg(value_name = "RIGHT")]
    pub right: Option<PathBuf>,
    /// Lowest score (0–1) of a proposed pair; default: the matcher's calibrated threshold.
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Each record in at most one pair: the best assignment by score (for lists without
    /// duplicates of their own); by default every pair at or above the threshold is proposed.
    #[arg(long)]
    pub one_to_one: bool,
    /// Stop at the first bad value or row instead of reporting it and reading on.
    #[arg(long)]
    pub strict: bool,
    /// Score with the hand-set weights; by default the weights are learned from the lists
    /// (expectation–maximisation over the compared pairs), starting from the hand-set ones.
    #[arg(long)]
    pub fixed_weights: bool,
}

/// A person's review of proposed pairs, recorded in the vault.
#[derive(Subcommand, Debug)]
pub enum ReviewCommand {
    /// Record that two records are one person: a custody log entry; the records join one
    /// identity cluster.
    Confirm {
        /// The first record's id (as `match` printed it).
        left_id: String,
        /// The second record's id.
        right_id: String,
        /// Why (recorded with the decision).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Record that two records are not one person (undoes an earlier confirmation of the pair).
    Reject {
        left_id: String,
        right_id: String,
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// List the identity clusters (records confirmed to be one person) and the decisions.
    Clusters,
}

fn review(cli: &Cli, out: &Output, command: &ReviewCommand) -> Result<ExitCode> {
    match command {
        ReviewCommand::Confirm {
            left_id,
            right_id,
            note,
        }
        | ReviewCommand::Reject {
            left_id,
            right_id,
            note,
        } => {
            let confirm = matches!(command, ReviewCommand::Confirm { .. });
            let mut vault = open(cli, Access::ReadWrite)?;
            let actor = actor(cli, &vault);
            let index = vault
                .decide_identity(&actor, left_id, right_id, confirm, note.as_deref())
                .with_context(|| {
                    format!("cannot record the decision on `{left_id}` and `{right_id}`")
                })?;
            let decision = if confirm { "confirm" } else { "reject" };
            let cluster = vault
                .identity_review_for(&actor)?
                .0
                .into_iter()
                .find(|m| m.member == *left_id)
                .map(|m| m.cluster);
            out.message(&format!(
                "recorded `{decision}` for `{left_id}` and `{right_id}`; logged at position {index}"
            ));
            out.print(
                &json!({
                    "left": left_id,
                    "right": right_id,
                    "decision": decision,
                    "note": note,
                    "actor": actor,
                    "ledger_index": index,
                    "cluster": cluster,
                }),
                String::new,
            );
            Ok(ExitCode::SUCCESS)
        }
        ReviewCommand::Clusters => {
            let vault = open(cli, Access::ReadOnly)?;
            let (members, decisions) = vault.identity_review_for(&actor(cli, &vault))?;
            let mut clusters: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for m in members {
                clusters.entry(m.cluster).or_default().push(m.member);
            }
            let list: Vec<Value> = clusters
                .iter()
                .map(|(cluster, members)| json!({ "cluster": cluster, "members": members }))
                .collect();
            out.print(&json!({ "clusters": list, "decisions": decisions }), || {
                clusters
                    .iter()
                    .map(|(cluster, members)| format!("{cluster}: {}\n", members.join(", ")))
                    .collect()
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read(path: &Path, strict: bool) -> Result<ListRead> {
    Ok(read_list_with(path, strict)?)
}

/// What the base rate of a run's scores is.
fn base_rate_text(model: &custodia_match::Model) -> String {
    let odds = model.base_log_odds.exp();
    if model.learned {
        format!(
            "prior odds that a compared pair is one person, learned from the lists: 1 to {:.0}",
            1.0 / odds
        )
    } else {
        format!("prior odds, hand-set: 1 to {:.0}", 1.0 / odds)
    }
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The note on a pair whose records have better candidates elsewhere.
fn better_text(c: &custodia_match::Candidate) -> Option<String> {
    let mut notes = Vec::new();
    if let Some(other) = &c.better_for_left {
        notes.push(format!("`{}` has a better candidate: `{other}`", c.left));
    }
    if let Some(other) = &c.better_for_right {
        notes.push(format!("`{}` has a better candidate: `{other}`", c.right));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The `--json` document of a run. Written field by field, without building a JSON tree of
/// every pair first; keys in alphabetical order, as before.
#[derive(Serialize)]
struct MatchDocument<'a> {
    counts: Value,
    left: &'a str,
    mode: &'a str,
    model: Value,
    one_to_one: bool,
    pairs: &'a [PairOut<'a>],
    problems: Value,
    right: Option<&'a str>,
    threshold: f64,
    timing: Value,
}

#[derive(Serialize)]
struct PairOut<'a> {
    better_for_left: Option<&'a str>,
    better_for_right: Option<&'a str>,
    evidence: f64,
    explanation: Explanation<'a>,
    left: &'a str,
    right: &'a str,
    score: f64,
}

/// A pair's explanation: one entry per feature, in key order.
struct Explanation<'a>(Vec<(&'a str, Explained<'a>)>);

impl Serialize for Explanation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Serialize)]
struct Explained<'a> {
    detail: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<LevelNames<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prior_weight: Option<f64>,
    weight: f64,
}

/// The names of a feature's comparison levels (`same_day`, `postcode/one_digit_off`).
struct LevelNames<'a>(&'a custodia_match::Factors);

impl Serialize for LevelNames<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.names())
    }
}

pub fn run(cli: &Cli, out: &Output, args: &MatchArgs) -> Result<ExitCode> {
    if let Some(command) = &args.review {
        return review(cli, out, command);
    }
    let Some(left_path) = args.left.as_ref() else {
        bail!("give a list of persons to match (LEFT)");
    };
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        bail!("`--threshold {threshold}` is outside 0–1\n\nhint: scores are in [0, 1]; the default is {DEFAULT_THRESHOLD}");
    }
    let started = Instant::now();
    // The two lists are read side by side.
    let (left_read, right_read) = std::thread::scope(|scope| {
        let right = args
            .right
            .as_deref()
            .map(|p| scope.spawn(move || read(p, args.strict)));
        let left = read(left_path, args.strict);
        let right = right.map(|r| r.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        (left, right)
    });
    let left_read = left_read?;
    let right_read = right_read.transpose()?;
    let read_seconds = started.elapsed().as_secs_f64();
    let mut problems = left_read.problems.clone();
    if let Some(r) = &right_read {
        problems.extend(r.problems.iter().cloned());
    }
    for problem in &problems {
        eprintln!("warning: {problem}");
    }
    let left = left_read.persons;
    let right = right_read.map(|r| r.persons);
    let options = MatchOptions {
        threshold,
        one_to_one: args.one_to_one,
        learn: !args.fixed_weights,
    };
    let run = match_lists_with(&left, right.as_deref(), &options);
    let total_seconds = started.elapsed().as_secs_f64();

    let base_rate = base_rate_text(&run.model);
    let pairs: Vec<PairOut> = run
        .candidates
        .iter()
        .map(|c| {
            let mut explanation: Vec<(&str, Explained)> = c
                .comparison
                .evidence
                .iter()
                .map(|e| {
                    (
                        e.feature,
                        Explained {
                            detail: e.detail.as_str().into(),
                            levels: Some(LevelNames(&e.factors)),
                            prior_weight: Some(round(e.prior_weight, 3)),
                            weight: round(e.weight, 3),
                        },
                    )
                })
                .collect();
            explanation.push((
                "base_rate",
                Explained {
                    detail: base_rate.as_str().into(),
                    levels: None,
                    prior_weight: None,
                    weight: round(c.comparison.base_log_odds, 3),
                },
            ));
            // A pair far behind another already carries its share as evidence: the note joins it.
            let shared = explanation
                .iter_mut()
                .find(|(feature, _)| *feature == "better_candidate");
            if let (Some((_, shared)), Some(note)) = (shared, better_text(c)) {
                shared.detail = format!("{note}; {}", shared.detail).into();
            } else if let Some(detail) = better_text(c) {
                explanation.push((
                    "better_candidate",
                    Explained {
                        detail: detail.into(),
                        levels: None,
                        prior_weight: None,
                        weight: 0.0,
                    },
                ));
            }
            // Keys in order, each once (the last given), as a JSON object has them.
            explanation.sort_by_key(|(feature, _)| *feature);
            let mut explanation = explanation.into_iter().rev().collect::<Vec<_>>();
            explanation.dedup_by_key(|(feature, _)| *feature);
            explanation.reverse();
            PairOut {
                better_for_left: c.better_for_left.as_deref(),
                better_for_right: c.better_for_right.as_deref(),
                evidence: round(c.comparison.evidence_sum, 3),
                explanation: Explanation(explanation),
                left: &c.left,
                right: &c.right,
                score: round(c.comparison.score, 4),
            }
        })
        .collect();
    let mode = if right.is_some() {
        "lists"
    } else {
        "duplicates"
    };
    let left_name = left_path.display().to_string();
    let right_name = args.right.as_ref().map(|p| p.display().to_string());
    let document = MatchDocument {
        counts: json!({
            "left": left.len(),
            "right": right.as_ref().map(Vec::len),
            "compared": run.compared,
            "scored": run.scored,
            "blocking": run.blocking,
            "above_threshold": run.above_threshold,
            "pairs": pairs.len(),
            "problems": problems.len(),
        }),
        left: &left_name,
        mode,
        model: serde_json::to_value(&run.model)?,
        one_to_one: args.one_to_one,
        pairs: &pairs,
        problems: serde_json::to_value(&problems)?,
        right: right_name.as_deref(),
        threshold,
        timing: json!({
            "read_seconds": round(read_seconds, 4),
            "prepare_seconds": round(run.prepare_seconds, 4),
            "compare_seconds": round(run.compare_seconds, 4),
            "total_seconds": round(total_seconds, 4),
        }),
    };
    if !problems.is_empty() {
        out.message(&format!(
            "{} value(s) or row(s) could not be read (listed above); --strict stops at the first",
            problems.len()
        ));
    }
    out.message(&format!(
        "{} pair(s) at or above {threshold} among {} compared ({} × {}) in {:.2}s",
        run.candidates.len(),
        run.compared,
        left.len(),
        right.as_ref().map(Vec::len).unwrap_or(left.len()),
        total_seconds
    ));
    out.print_large(&document, || {
        let mut text = String::new();
        for c in &run.candidates {
            text.push_str(&format!(
                "{:.3}  {}  ~  {}\n",
                c.comparison.score, c.left, c.right
            ));
            for e in &c.comparison.evidence {
                text.push_str(&format!(
                    "       {:<12} {:+6.1}  {}\n",
                    e.feature, e.weight, e.detail
                ));
            }
            text.push_str(&format!(
                "       {:<12} {:+6.1}  {}\n",
                "base_rate",
                c.comparison.base_log_odds,
                base_rate_text(&run.model)
            ));
            if let Some(detail) = better_text(c) {
                text.push_str(&format!("       {detail}\n"));
            }
        }
        text
    });
    // The process ends here: its memory goes back whole, without freeing each pair's
    // explanation and each person one by one.
    std::mem::forget(document);
    std::mem::forget(pairs);
    std::mem::forget(run);
    std::mem::forget((left, right));
    Ok(ExitCode::SUCCESS)
}
