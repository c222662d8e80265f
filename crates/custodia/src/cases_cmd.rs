//! Commands of a case's analysis (`custodia case charge|incident|link|unlink|matrix|timeline|
//! map|export|report`) and of the crimes it charges against (`custodia crimes list|import`).
//! Each change is a custody log entry; what a reader sees is decided by the vault.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use custodia_vault::custodia_cases::{
    to_json_lines, Assessment, Location, PartialDate, Strength, TimeRange,
};
use custodia_vault::{Access, NewIncident, NewLink};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::access_cmd::write_vault;
use crate::output::Output;
use crate::{actor, open, parse_hash, Cli};

/// Where a lat/lon without `--precision` is taken to be good to: a place known as a village or
/// a neighbourhood, not a spot.
const DEFAULT_PRECISION_M: f64 = 1000.0;

#[derive(Subcommand, Debug)]
pub enum CrimesCommand {
    /// List the crimes and modes of liability with their elements (the shipped Elements of
    /// Crimes and any imported codes); `--json` prints a file `crimes import` reads.
    List,
    /// Import further codes (a national law, say) from a JSON file of the same shape.
    Import { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum ChargeCommand {
    /// Lay a charge: a crime (and a mode of liability) against a suspect.
    Add {
        /// The case's reference.
        reference: String,
        /// The crime's code, e.g. `7(1)(a)` (`custodia crimes list` shows them).
        #[arg(long, value_name = "CODE")]
        crime: String,
        #[arg(long, value_name = "NAME")]
        suspect: Option<String>,
        /// A mode of liability's code, e.g. `25(3)(a)-2` or `28(a)`.
        #[arg(long = "mode", value_name = "CODE")]
        mode: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum IncidentCommand {
    /// Add an incident: what happened, when and where, as precisely as known.
    Add {
        reference: String,
        #[arg(long, value_name = "TEXT")]
        title: String,
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        #[arg(long, value_name = "DATE")]
        from: PartialDate,
        #[arg(long, value_name = "DATE")]
        to: Option<PartialDate>,
        #[arg(long, value_name = "NAME")]
        place: Option<String>,
        /// Latitude in degrees (WGS 84), with `--lon`.
        #[arg(long, value_name = "DEG", requires = "lon", allow_hyphen_values = true)]
        lat: Option<f64>,
        #[arg(long, value_name = "DEG", requires = "lat", allow_hyphen_values = true)]
        lon: Option<f64>,
        /// How far off the position may be, in metres (default 1000).
        #[arg(long, value_name = "METRES", requires = "lat")]
        precision: Option<f64>,
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum AssessmentArg {
    Supports,
    Contradicts,
    Context,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum StrengthArg {
    Weak,
    Medium,
    Strong,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ExportFormat {
    /// FollowTheMoney entities, one JSON object a line (OpenAleph imports them).
    Ftm,
}

#[derive(clap::Args, Debug)]
pub struct LinkArgs {
    reference: String,
    /// The element's id, e.g. `7(1)(a)/1` (`custodia case matrix REF` lists them).
    #[arg(long, value_name = "ID")]
    element: String,
    /// The item's SHA-256.
    #[arg(long, value_name = "SHA256")]
    item: String,
    #[arg(long, value_enum)]
    assessment: AssessmentArg,
    #[arg(long, value_enum, default_value = "medium")]
    strength: StrengthArg,
    /// Only for this charge (`C1`); by default the link counts for every charge with the element.
    #[arg(long, value_name = "CHARGE")]
    charge: Option<String>,
    /// The incident the item bears on (`I1`).
    #[arg(long, value_name = "ID")]
    incident: Option<String>,
    /// The passage that bears on the element.
    #[arg(long, value_name = "TEXT")]
    excerpt: Option<String>,
    #[arg(long, value_name = "N")]
    page: Option<u32>,
    /// A stretch of an audio or video item, `FROM-TO` as `[HH:]MM:SS` or seconds.
    #[arg(long, value_name = "FROM-TO")]
    time: Option<TimeRange>,
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

/// The analysis subcommands of `custodia case`.
#[derive(Subcommand, Debug)]
pub enum AnalysisCommand {
    /// Charges of a case.
    #[command(subcommand)]
    Charge(ChargeCommand),
    /// Incidents of a case.
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Link an item to an element of a charge: it supports, contradicts or gives context.
    Link(LinkArgs),
    /// Take a link out of force.
    Unlink { reference: String, link: String },
    /// The proof matrix: each charge's elements, their status and links, and the gaps.
    Matrix { reference: String },
    /// Incidents and linked items in date order.
    Timeline { reference: String },
    /// The incidents and linked items with a place, as GeoJSON (RFC 7946) on stdout.
    Map { reference: String },
    /// Write the case out for another system.
    Export {
        reference: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write a printable case file (HTML): matrix, timeline, map and each linked item with its
    /// custody proof reference.
    Report {
        reference: String,
        /// The file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Writes `bytes` to a new file; an existing one is never overwritten.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create `{}` (an existing file is never overwritten)",
                path.display()
            )
        })?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn crimes(cli: &Cli, out: &Output, command: &CrimesCommand) -> Result<ExitCode> {
    match command {
        CrimesCommand::List => {
            let vault = open(cli, Access::ReadOnly)?;
            let catalogue = vault.crimes(&actor(cli, &vault))?;
            let file = catalogue.to_file();
            out.print_large(&file, || {
                let mut text = format!("{}\n\n", file.edition);
                for crime in &file.crimes {
                    text += &format!(
                        "{:<16} {} ({} elements)\n",
                        crime.code,
                        crime.title,
                        crime.elements.len()
                    );
                }
                text
            });
        }
        CrimesCommand::Import { file } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read `{}`", file.display()))?;
            let (mut vault, actor) = write_vault(cli)?;
            let imported = vault
                .import_crimes(&actor, &text)
                .with_context(|| format!("cannot import `{}`", file.display()))?;
            out.message(&format!(
                "imported {} new code(s), {} already held; logged at position {}",
                imported.added.len(),
                imported.unchanged.len(),
                imported.ledger_index
            ));
            out.print(&imported, String::new);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn analysis(cli: &Cli, out: &Output, command: &AnalysisCommand) -> Result<ExitCode> {
    match command {
        AnalysisCommand::Charge(ChargeCommand::Add {
            reference,
            crime,
            suspect,
            mode,
        }) => {
            let (mut vault, actor) = write_vault(cli)?;
            let laid = vault.add_charge(
                &actor,
                reference,
                crime,
                suspect.as_deref(),
                mode.as_deref(),
            )?;
            out.message(&format!(
                "laid charge {} ({}) in case `{reference}`; logged at position {}",
                laid.charge, laid.crime, laid.ledger_index
            ));
            out.print(&laid, || {
                laid.elements
                    .iter()
                    .map(|e| format!("{:<16} {:<10} {}\n", e.id, e.kind, e.text))
                    .collect()
            });
        }
        AnalysisCommand::Incident(IncidentCommand::Add {
            reference,
            title,
            from,
            to,
            place,
            lat,
            lon,
            precision,
            description,
        }) => {
            let location = match (lat, lon) {
                (Some(lat), Some(lon)) => Some(Location::new(
                    *lat,
                    *lon,
                    precision.unwrap_or(DEFAULT_PRECISION_M),
                )?),
                _ => None,
            };
            let (mut vault, actor) = write_vault(cli)?;
            let added = vault.add_incident(
                &actor,
                reference,
                NewIncident {
                    title: title.clone(),
                    from: Some(*from),
                    to: *to,
                    place: place.clone(),
                    location,
                    description: description.clone(),
                },
            )?;
            out.message(&format!(
                "added incident {} to case `{reference}`; logged at position {}",
                added.incident, added.ledger_index
            ));
            out.print(&added, String::new);
        }
        AnalysisCommand::Link(args) => {
            let (mut vault, actor) = write_vault(cli)?;
            let linked = vault.link_item(
                &actor,
                &args.reference,
                NewLink {
                    element: args.element.clone(),
                    item: parse_hash(&args.item)?,
                    assessment: match args.assessment {
                        AssessmentArg::Supports => Assessment::Supports,
                        AssessmentArg::Contradicts => Assessment::Contradicts,
                        AssessmentArg::Context => Assessment::Context,
                    },
                    strength: match args.strength {
                        StrengthArg::Weak => Strength::Weak,
                        StrengthArg::Medium => Strength::Medium,
                        StrengthArg::Strong => Strength::Strong,
                    },
                    charge: args.charge.clone(),
                    incident: args.incident.clone(),
                    excerpt: args.excerpt.clone(),
                    page: args.page,
                    time: args.time,
                    note: args.note.clone(),
                },
            )?;
            out.message(&format!(
                "linked item {} to `{}` as {}; logged at position {}",
                args.item, args.element, linked.link, linked.ledger_index
            ));
            out.print(&linked, String::new);
        }
        AnalysisCommand::Unlink { reference, link } => {
            let (mut vault, actor) = write_vault(cli)?;
            let removed = vault.unlink_item(&actor, reference, link)?;
            out.message(&format!(
                "took link {link} of case `{reference}` out of force; logged at position {}",
                removed.ledger_index
            ));
            out.print(&removed, String::new);
        }
        AnalysisCommand::Matrix { reference } => {
            let vault = open(cli, Access::ReadOnly)?;
            let analysis = vault.case_analysis(&actor(cli, &vault), reference)?;
            let matrix = analysis.matrix();
            out.print_large(&matrix, || {
                let mut text = String::new();
                for charge in &matrix.charges {
                    text += &format!(
                        "{}  {} {}{}\n",
                        charge.charge,
                        charge.crime,
                        charge.title,
                        charge
                            .suspect
                            .as_deref()
                            .map(|s| format!(" — {s}"))
                            .unwrap_or_default()
                    );
                    for element in &charge.elements {
                        text += &format!(
                            "  {:<16} {:<10} {:<9} {} link(s)\n",
                            element.id,
                            element.kind.as_str(),
                            element.status.as_str(),
                            element.links.len()
                        );
                    }
                }
                text += &format!("{} gap(s)\n", matrix.gaps.len());
                if matrix.withheld {
                    text += "links to items you may not see were left out; statuses and gaps count only the links shown\n";
                }
                text
            });
        }
        AnalysisCommand::Timeline { reference } => {
            let vault = open(cli, Access::ReadOnly)?;
            let analysis = vault.case_analysis(&actor(cli, &vault), reference)?;
            let timeline = analysis.timeline();
            out.print_large(&timeline, || {
                timeline
                    .events
                    .iter()
                    .map(|e| {
                        format!(
                            "{:<10}  {:<8}  {}  {}\n",
                            e.date.to_string(),
                            match e.kind {
                                custodia_vault::custodia_cases::EventKind::Incident => "incident",
                                custodia_vault::custodia_cases::EventKind::Item => "item",
                            },
                            e.id,
                            e.title
                        )
                    })
                    .collect()
            });
        }
        AnalysisCommand::Map { reference } => {
            let vault = open(cli, Access::ReadOnly)?;
            let analysis = vault.case_analysis(&actor(cli, &vault), reference)?;
            let map = analysis.geojson();
            // GeoJSON is the output either way: one JSON document.
            let json_out = Output::new(true);
            json_out.print_large(&map, String::new);
        }
        AnalysisCommand::Export {
            reference,
            format: ExportFormat::Ftm,
            out: path,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let analysis = vault.case_analysis(&actor, reference)?;
            let entities = analysis.ftm_entities();
            let text = to_json_lines(&entities);
            write_new(path, text.as_bytes())?;
            let sha256 = sha256_hex(text.as_bytes());
            let index = vault.record_case_export(&actor, reference, "ftm", &sha256)?;
            out.message(&format!(
                "wrote {} FollowTheMoney entities to `{}`; logged at position {index}",
                entities.len(),
                path.display()
            ));
            out.print(
                &json!({
                    "case": reference,
                    "format": "ftm",
                    "out": path,
                    "entities": entities.len(),
                    "sha256": sha256,
                    "withheld": analysis.withheld(),
                    "ledger_index": index,
                }),
                String::new,
            );
        }
        AnalysisCommand::Report {
            reference,
            out: path,
        } => {
            if path.exists() {
                bail!(
                    "`{}` already exists; refusing to overwrite it\n\nhint: choose another `--out` path",
                    path.display()
                );
            }
            let (mut vault, actor) = write_vault(cli)?;
            let analysis = vault.case_analysis(&actor, reference)?;
            let proofs = vault.case_item_proofs(&analysis)?;
            let html = custodia_server::case_report(&analysis, &proofs);
            write_new(path, html.as_bytes())?;
            let sha256 = sha256_hex(html.as_bytes());
            let index = vault.record_case_export(&actor, reference, "report", &sha256)?;
            out.message(&format!(
                "wrote the case file of `{reference}` to `{}`; logged at position {index}",
                path.display()
            ));
            out.print(
                &json!({
                    "case": reference,
                    "format": "report",
                    "out": path,
                    "items": proofs.len(),
                    "sha256": sha256,
                    "withheld": analysis.withheld(),
                    "ledger_index": index,
                }),
                String::new,
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
