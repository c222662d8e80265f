//! `custodia match`: candidate pairs of persons across two lists, or duplicates within one.
//! Works on files alone; no vault is opened.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Result};
use clap::Args;
use custodia_match::{match_lists, read_list, Person, DEFAULT_THRESHOLD};
use serde_json::{json, Value};

use crate::output::Output;
use crate::Cli;

#[derive(Args, Debug)]
pub struct MatchArgs {
    /// A list of persons: CSV with a header (`id`, `name`, …), a JSON array, or FollowTheMoney
    /// `Person` entities in JSON lines.
    #[arg(value_name = "LEFT")]
    pub left: PathBuf,
    /// The list to match against; without it, duplicates within LEFT are sought.
    #[arg(value_name = "RIGHT")]
    pub right: Option<PathBuf>,
    /// Lowest score (0–1) of a proposed pair; default: the matcher's calibrated threshold.
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
}

fn read(path: &Path) -> Result<Vec<Person>> {
    Ok(read_list(path)?)
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

pub fn run(_cli: &Cli, out: &Output, args: &MatchArgs) -> Result<ExitCode> {
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        bail!("`--threshold {threshold}` is outside 0–1\n\nhint: scores are in [0, 1]; the default is {DEFAULT_THRESHOLD}");
    }
    let started = Instant::now();
    let left = read(&args.left)?;
    let right = args.right.as_deref().map(read).transpose()?;
    let read_seconds = started.elapsed().as_secs_f64();
    let run = match_lists(&left, right.as_deref(), threshold);
    let total_seconds = started.elapsed().as_secs_f64();

    let pairs: Vec<Value> = run
        .candidates
        .iter()
        .map(|c| {
            let explanation: BTreeMap<&str, Value> = c
                .comparison
                .evidence
                .iter()
                .map(|e| {
                    (
                        e.feature,
                        json!({ "weight": round(e.weight, 3), "detail": e.detail }),
                    )
                })
                .collect();
            json!({
                "left": c.left,
                "right": c.right,
                "score": round(c.comparison.score, 4),
                "evidence": round(c.comparison.evidence_sum, 3),
                "explanation": explanation,
            })
        })
        .collect();
    let mode = if right.is_some() {
        "lists"
    } else {
        "duplicates"
    };
    let document = json!({
        "threshold": threshold,
        "mode": mode,
        "left": args.left.display().to_string(),
        "right": args.right.as_ref().map(|p| p.display().to_string()),
        "counts": {
            "left": left.len(),
            "right": right.as_ref().map(Vec::len),
            "compared": run.compared,
            "pairs": pairs.len(),
        },
        "timing": {
            "read_seconds": round(read_seconds, 4),
            "prepare_seconds": round(run.prepare_seconds, 4),
            "compare_seconds": round(run.compare_seconds, 4),
            "total_seconds": round(total_seconds, 4),
        },
        "pairs": pairs,
    });
    out.message(&format!(
        "{} pair(s) at or above {threshold} among {} compared ({} × {}) in {:.2}s",
        run.candidates.len(),
        run.compared,
        left.len(),
        right.as_ref().map(Vec::len).unwrap_or(left.len()),
        total_seconds
    ));
    out.print(&document, || {
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
        }
        text
    });
    Ok(ExitCode::SUCCESS)
}
