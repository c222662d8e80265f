//! `custodia-verify`: checks a Custodia disclosure package on the recipient's own machine, with
//! no database, no server and no secret, and prints a report a judge can read.
//!
//! Exit status: 0 when everything verifies against a trusted key (one supplied with `--key`, or
//! the package's own when `--trust-package-key` says so), 1 when anything does not (each problem
//! is named, a signature not checked against a trusted key included), 2 when the package cannot
//! be read at all or the command line is wrong.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use custodia_package::{
    describe_condition, verify_package, FaultKind, KeySource, VerifyOptions, VerifyReport,
};

#[derive(Parser, Debug)]
#[command(
    name = "custodia-verify",
    version,
    about = "Check a Custodia disclosure package: every file, every hash, every custody proof and the holder's signature"
)]
struct Cli {
    /// The package: a bag directory, or a ZIP file holding one.
    package: PathBuf,
    /// The holder's verifier key (C2SP vkey), as a file or as the key text itself, obtained
    /// independently of the package. Without it (or --trust-package-key) the package does not
    /// verify: its signature is not checked against a trusted key.
    #[arg(long, value_name = "VKEY")]
    key: Option<String>,
    /// Trust the key inside the package instead of supplying one: the package is then checked
    /// to be whole and consistent, which does not prove who made it.
    #[arg(long, conflicts_with = "key")]
    trust_package_key: bool,
    /// A newer signed checkpoint of the holder's custody log, to check that the log the package
    /// was proven against has only grown since.
    #[arg(long, value_name = "FILE", requires = "consistency_proof")]
    newer_checkpoint: Option<PathBuf>,
    /// The consistency proof from the package's checkpoint to the newer one (the output of
    /// `custodia log consistency --json`).
    #[arg(long, value_name = "FILE", requires = "newer_checkpoint")]
    consistency_proof: Option<PathBuf>,
    /// Print one JSON document on stdout instead of the report.
    #[arg(long)]
    json: bool,
    /// Threads reading and hashing payload files (default: one per core, at least eight).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let json = std::env::args().any(|a| a == "--json");
            if json && e.use_stderr() {
                println!(
                    "{}",
                    serde_json::json!({ "ok": false, "error": e.to_string().trim() })
                );
                return ExitCode::from(2);
            }
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(&cli) {
        Ok(report) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into())
                );
            } else {
                print!("{}", human_report(&report));
            }
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": false, "error": format!("{e:#}") })
                );
            } else {
                eprintln!("custodia-verify: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<VerifyReport> {
    let key = match &cli.key {
        Some(key) if Path::new(key).is_file() => Some(
            std::fs::read_to_string(key).with_context(|| format!("reading the key file {key}"))?,
        ),
        Some(key) => Some(key.clone()),
        None => None,
    };
    let read = |path: &Option<PathBuf>| -> Result<Option<Vec<u8>>> {
        path.as_ref()
            .map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display())))
            .transpose()
    };
    let options = VerifyOptions {
        key,
        trust_package_key: cli.trust_package_key,
        newer_checkpoint: read(&cli.newer_checkpoint)?,
        consistency_proof: read(&cli.consistency_proof)?,
        threads: cli.threads,
    };
    verify_package(&cli.package, &options)
        .with_context(|| format!("cannot read the package {}", cli.package.display()))
}

fn human_report(r: &VerifyReport) -> String {
    let mut t = String::new();
    t.push_str("CUSTODIA DISCLOSURE PACKAGE: VERIFICATION REPORT\n\n");
    t.push_str(&format!("Package:     {}\n", r.package));
    let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unknown)".into());
    t.push_str(&format!("Identifier:  {}\n", field(&r.package_id)));
    t.push_str(&format!("Holder:      {}\n", field(&r.holder)));
    t.push_str(&format!(
        "Recipient:   {}\n",
        r.recipient.clone().unwrap_or_else(|| "(none named)".into())
    ));
    if let Some(purpose) = &r.purpose {
        t.push_str(&format!("Purpose:     {purpose}\n"));
    }
    t.push_str(&format!("Built:       {}\n", field(&r.created_at)));
    t.push_str(&format!(
        "Contents:    {} item(s), {} bytes\n",
        r.items.len(),
        r.payload_bytes
    ));
    if let Some(key) = &r.key {
        let source = match key.source {
            KeySource::Supplied => match key.package_key_matches {
                Some(true) => "supplied for this verification (the package carries the same key)",
                _ => "supplied for this verification (the package carries a different key or none)",
            },
            KeySource::Package if key.trusted => {
                "the one inside the package, trusted by choice (--trust-package-key): this \
                 shows the package is whole and consistent, not who made it"
            }
            KeySource::Package => {
                "the one inside the package, NOT TRUSTED: the signature was not checked against \
                 a trusted key; obtain the holder's key independently and pass it with --key"
            }
        };
        t.push_str(&format!(
            "Signing key: {} (key ID {}), {source}\n",
            key.name, key.key_id
        ));
    }
    if let Some(c) = &r.checkpoint {
        t.push_str(&format!(
            "Checkpoint:  custody log `{}` at {} entries, root hash {}\n",
            c.origin, c.tree_size, c.root_hash
        ));
    }
    if let Some(n) = &r.newer_checkpoint {
        t.push_str(&format!(
            "Newer:       {} entries, root hash {}: {}\n",
            n.tree_size,
            n.root_hash,
            if n.consistent {
                "consistent"
            } else {
                "NOT consistent"
            }
        ));
    }
    if !r.conditions.is_empty() {
        t.push_str("\nConditions binding the recipient (whole package):\n");
        for c in &r.conditions {
            t.push_str(&format!("  - {}\n", describe_condition(c)));
        }
    }
    t.push_str("\nChecks:\n");
    for c in &r.checks {
        t.push_str(&format!(
            "  [{}] {}: {}\n",
            if c.ok { "OK" } else { "FAILED" },
            c.name,
            c.detail
        ));
    }
    t.push_str("\nItems:\n");
    for item in &r.items {
        t.push_str(&format!(
            "  [{}] {}  {} ({} bytes, {} custody entries)\n",
            if item.ok { "OK" } else { "FAILED" },
            item.sha256,
            item.payload,
            item.size,
            item.custody_entries,
        ));
        for c in &item.conditions {
            t.push_str(&format!("        condition: {}\n", describe_condition(c)));
        }
    }
    if !r.faults.is_empty() {
        t.push_str(&format!("\nProblems found ({}):\n", r.faults.len()));
        for f in &r.faults {
            t.push_str(&format!("  - {}: {} [{}]\n", f.file, f.problem, f.kind));
        }
    }
    let untrusted = r.faults.iter().any(|f| f.kind == FaultKind::KeyNotTrusted);
    t.push_str(&format!(
        "\nResult: {}\n",
        if r.ok {
            "VERIFIED. Every file is as the holder packaged it, and every custody entry is in the signed log."
        } else if untrusted && r.faults.len() == 1 {
            "NOT VERIFIED: signature not checked against a trusted key. The package is whole and \
             consistent with the key inside it, which proves nothing about who made it; run again \
             with --key and the holder's key obtained independently."
        } else {
            "NOT VERIFIED. See the problems above."
        }
    ));
    t
}
