//! `custodia package …`: disclosure packages for recipients (format: docs/PACKAGE.md).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use custodia_vault::PackageRequest;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::access_cmd::{read_conditions, write_vault};
use crate::output::Output;
use crate::{parse_hash, Cli};

#[derive(Subcommand, Debug)]
pub enum PackageCommand {
    /// Build a disclosure package of items the holder may release to the recipient.
    Build {
        /// The items' SHA-256.
        #[arg(required = true, value_name = "SHA256")]
        items: Vec<String>,
        /// The package to create: a directory, or a ZIP file with `--zip`. Must not exist.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write one ZIP file holding the bag instead of a directory.
        #[arg(long)]
        zip: bool,
        /// The receiving organisation (without it, only items open to anyone may go in).
        #[arg(long = "for", value_name = "ORG")]
        recipient: Option<String>,
        /// Why the package is made (recorded in the custody log and the package).
        #[arg(long, value_name = "TEXT")]
        purpose: Option<String>,
        /// A JSON array of conditions binding the recipient (the consent vocabulary).
        #[arg(long, value_name = "FILE")]
        conditions: Option<PathBuf>,
    },
}

pub fn package(cli: &Cli, out: &Output, command: &PackageCommand) -> Result<ExitCode> {
    match command {
        PackageCommand::Build {
            items,
            out: path,
            zip,
            recipient,
            purpose,
            conditions,
        } => {
            let hashes = items
                .iter()
                .map(|s| parse_hash(s))
                .collect::<Result<Vec<_>>>()?;
            let conditions = match conditions {
                Some(file) => read_conditions(file)?
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            let (mut vault, actor) = write_vault(cli)?;
            let request = PackageRequest {
                items: hashes,
                out: path.clone(),
                zip: *zip,
                recipient: recipient.clone(),
                purpose: purpose.clone(),
                conditions,
            };
            let bar = std::io::stderr().is_terminal().then(|| {
                let bar = ProgressBar::new(0);
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {bytes} written {bytes_per_sec}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar
            });
            let started = std::time::Instant::now();
            let receipt = vault
                .build_package(&actor, &request, &|bytes| {
                    if let Some(bar) = &bar {
                        bar.set_position(bytes);
                    }
                })
                .with_context(|| format!("cannot build the package `{}`", path.display()))?;
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            let seconds = started.elapsed().as_secs_f64();
            out.message(&format!(
                "package {} built at `{}`: {} item(s), {} bytes in {seconds:.1} s; releases logged at positions {}–{}, checkpoint at {} entries",
                receipt.id,
                receipt.path,
                receipt.items.len(),
                receipt.bytes,
                receipt.release_entries.first().copied().unwrap_or(0),
                receipt.release_entries.last().copied().unwrap_or(0),
                receipt.tree_size
            ));
            let mut value = serde_json::to_value(&receipt)?;
            value["seconds"] = json!(seconds);
            out.print(&value, || {
                format!(
                    "{}\n{}",
                    receipt.path,
                    receipt
                        .items
                        .iter()
                        .map(|i| format!("  {}  {}\n", i.sha256, i.payload))
                        .collect::<String>()
                )
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
