//! `custodia`: the command line of the Custodia evidence vault.
//!
//! Conventions every command follows: `--data-dir` (or `CUSTODIA_DATA_DIR`) chooses the vault;
//! `--json` puts exactly one JSON document on stdout (also for errors: `{"error": …}`), while
//! progress and messages go to stderr; no command ever prompts.

#![forbid(unsafe_code)]

mod access_cmd;
mod auth_cmd;
mod capture_cmd;
mod cases_cmd;
mod harm_cmd;
mod key_cmd;
mod match_cmd;
mod output;
mod package_cmd;
mod report_cmd;
mod request_cmd;
mod search_cmd;
mod serve_cmd;
mod victims_cmd;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use clap::{Args, Parser, Subcommand};
use custodia_vault::custodia_blobstore::ContentHash;
use custodia_vault::{Access, ArchiveLimits, IngestOptions, Vault, VerifyOptions};
use serde_json::json;

use output::{Output, Progress};

#[derive(Parser, Debug)]
#[command(
    name = "custodia",
    version,
    about = "Custodia: preserve, prove and share evidence of international crimes"
)]
struct Cli {
    /// The vault's data directory.
    #[arg(long, global = true, env = "CUSTODIA_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print exactly one JSON document on stdout; messages go to stderr.
    #[arg(long, global = true)]
    json: bool,
    /// The local user recorded as acting (default: the administrator created at `init`).
    #[arg(long = "as", global = true, env = "CUSTODIA_USER", value_name = "USER")]
    actor: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new vault in the data directory.
    Init {
        /// Name of the first administrator.
        #[arg(long, default_value = "admin")]
        administrator: String,
        /// Name of the organisation that holds the archive.
        #[arg(long, default_value = "Holder")]
        holder: String,
        /// Keep the blobs in an S3-compatible bucket, `s3://BUCKET[/PREFIX]` (an empty location),
        /// instead of the data directory's `blobs/` folder. Endpoint and credentials come from
        /// AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION.
        #[arg(long, value_name = "URL", env = "CUSTODIA_BLOBS_URL")]
        blobs: Option<String>,
        /// Keep the catalog in a PostgreSQL database, `postgres://USER@HOST:PORT/DB` (an empty
        /// database), instead of the data directory's encrypted SQLite file. The password comes
        /// from PGPASSWORD and is never stored.
        #[arg(long, value_name = "URL", env = "CUSTODIA_CATALOG_URL")]
        catalog: Option<String>,
        /// Wrap the master key by the passphrase in FILE (Argon2id; at least 12 characters), so
        /// that a copy of the data directory decrypts nothing without it. Every later command
        /// then needs CUSTODIA_PASSPHRASE_FILE naming that file.
        #[arg(long, value_name = "FILE", env = "CUSTODIA_PASSPHRASE_FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// The master key: whether a passphrase wraps it; wrapping it.
    #[command(subcommand)]
    Key(key_cmd::KeyCommand),
    /// Preserve files, folders and archives as items of one submission.
    Ingest(IngestArgs),
    /// Decrypt an item to a file; the download and its reason go into the custody log.
    Get {
        /// The item's SHA-256.
        sha256: String,
        /// The file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Why the item is taken out (recorded in the custody log).
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Show an item: its facts and every submission of it.
    Show { sha256: String },
    /// Show an item's custody history with log positions.
    History { sha256: String },
    /// Check the custody log, the catalog against the log, and the blobs.
    Verify {
        /// Also decrypt and re-hash every blob.
        #[arg(long)]
        deep: bool,
    },
    /// Move the catalog and blobs to PostgreSQL and S3, or back into the data directory;
    /// resumable, checked on arrival. Stop `custodia serve` first.
    Migrate {
        /// Where the catalog goes: `postgres://USER@HOST:PORT/DB` (an empty database; password
        /// from PGPASSWORD), or `data-dir`.
        #[arg(long = "to", value_name = "URL")]
        to: String,
        /// Where the blobs go: `s3://BUCKET[/PREFIX]` (endpoint and keys from the AWS_*
        /// variables), or `data-dir`. Default: where they are now.
        #[arg(long, value_name = "URL")]
        blobs: Option<String>,
    },
    /// The custody log: checkpoints, proofs, verification.
    #[command(subcommand)]
    Log(LogCommand),
    /// Organisations: the holder, originators, requesting authorities, NGOs.
    #[command(subcommand, name = "org")]
    Org(access_cmd::OrgCommand),
    /// Users and their roles.
    #[command(subcommand)]
    User(access_cmd::UserCommand),
    /// Cases (compartments), their members and their analysis: charges, incidents, links from
    /// items to the elements of crimes, the proof matrix, timeline and map.
    #[command(subcommand)]
    Case(access_cmd::CaseCommand),
    /// The crimes and their elements that charges name (the ICC's Elements of Crimes, and codes
    /// a custodian imported).
    #[command(subcommand)]
    Crimes(cases_cmd::CrimesCommand),
    /// Originators' sharing regimes: open, consent, restricted.
    #[command(subcommand)]
    Regime(access_cmd::RegimeCommand),
    /// Originators' consent decisions on letting items go to a recipient.
    #[command(subcommand)]
    Consent(access_cmd::ConsentCommand),
    /// Disclosure packages: items, provenance, conditions and custody proofs for a recipient.
    #[command(subcommand)]
    Package(package_cmd::PackageCommand),
    /// Serve the HTTP API on the embedded default (on first start: create the vault, load the
    /// demonstration collection, print the first administrator's password).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// The collection loaded on first start (default: `samples/collection`, if present).
        #[arg(long, value_name = "DIR")]
        demo_collection: Option<PathBuf>,
        /// A reverse proxy whose `Forwarded` / `X-Forwarded-For` / `X-Forwarded-Proto` headers
        /// are believed (the client's address; HTTPS, which switches to `__Host-` cookies);
        /// repeatable. From anyone else those headers are ignored.
        #[arg(long = "trusted-proxy", value_name = "ADDR")]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Also serve the public reporting point for civilian harm (the form `/report` and
        /// `POST /api/v1/public/harm-reports`, without sign-in) on a listener of its own.
        #[arg(long)]
        public_intake: bool,
        /// Where the public reporting point listens (with `--public-intake`).
        #[arg(
            long,
            default_value = "127.0.0.1:8081",
            value_name = "ADDR",
            requires = "public_intake"
        )]
        intake_listen: std::net::SocketAddr,
        /// Where the replay of web captures listens: an origin of its own, serving only the
        /// bundled ReplayWeb.page and the archives of replay tokens (default: the IP address
        /// of --listen, its port plus one, or plus two when the reporting point has that one;
        /// port 0 picks a free one).
        #[arg(long, value_name = "ADDR")]
        replay_listen: Option<std::net::SocketAddr>,
        /// The URL browsers reach the replay listener at, behind a reverse proxy (for example
        /// `https://replay.vault.example.org`; default: `http://` and the address it listens on).
        #[arg(long, value_name = "URL")]
        replay_origin: Option<String>,
        /// How long a capture page's replay link works, in seconds.
        #[arg(long, default_value_t = 3600, value_name = "SECS")]
        replay_token_seconds: u64,
        /// A PMTiles archive of vector tiles (a regional extract of a Protomaps build, see
        /// docs/DEPLOY.md) that the maps draw over the bundled world basemap, so that they zoom
        /// to street level where it has tiles. Served by this server; the maps ask nothing of
        /// any other.
        #[arg(long, value_name = "PATH")]
        tiles: Option<PathBuf>,
    },
    /// Sign in as the API does, and print a session token (password from a file or stdin).
    Login {
        name: String,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The current code of the user's second factor, if they have one.
        #[arg(long, value_name = "CODE")]
        totp: Option<String>,
    },
    /// Make a redacted derivative of an item: text strings, or regions of an image or PDF pages,
    /// burnt out (not overlaid).
    Redact {
        sha256: String,
        /// A string to burn out of a text item, every occurrence (repeatable).
        #[arg(long = "text", value_name = "STRING")]
        texts: Vec<String>,
        /// A region to burn out: `X,Y,W,H` in pixels for an image, `PAGE:X,Y,W,H` in PDF points
        /// (from the page's top-left corner) for a PDF (repeatable).
        #[arg(long = "region", value_name = "REGION")]
        regions: Vec<String>,
        /// Why (recorded with the derived item).
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Open, for a court, the commitment a disclosure package shows instead of a redacted
    /// derivative's original: the original's SHA-256 and the salt (the holder's custodians).
    RedactionParent { sha256: String },
    /// Requests for assistance: filing, scoping, consent, the disclosure package.
    #[command(subcommand)]
    Request(request_cmd::RequestCommand),
    /// Witnesses and survivors: pseudonyms, protective measures, their own consent.
    #[command(subcommand)]
    Person(request_cmd::PersonCommand),
    /// Find the same persons across two lists (or duplicates within one): ranked, explained
    /// candidate pairs. Works on files; needs no vault.
    Match(match_cmd::MatchArgs),
    /// Notices to victims and witnesses: which are due, drafts in their language, recording and
    /// e-mailing them (the holder's victim support officers).
    #[command(subcommand)]
    Notices(victims_cmd::NoticesCommand),
    /// Statistics of requests, consent, holdings and cases over a period, as far as the caller
    /// may see them.
    Stats(report_cmd::StatsArgs),
    /// Reports: the annual tables beside the previous year's, with charts.
    #[command(subcommand)]
    Report(report_cmd::ReportCommand),
    /// Civilian-harm reports from the public: assessment, monitors' counts, the monthly public
    /// overview.
    #[command(subcommand)]
    Harm(harm_cmd::HarmCommand),
    /// Capture web pages as evidence: a WARC/WACZ archive of every request and response, a
    /// full-page screenshot, the rendered page, its text, a PDF print, the certificate chain,
    /// optionally its media, and RFC 3161 timestamps, stored as items with the capture record.
    Capture(capture_cmd::CaptureArgs),
    /// Extract text and metadata (OCR, EXIF, document properties) from items, as derived
    /// items, and index them for search.
    Extract(search_cmd::ExtractArgs),
    /// Search the text of the items you may read (one query argument; see docs/CLI.md).
    Search(search_cmd::SearchArgs),
    /// Rebuild the search index from the catalog and the derived items.
    Reindex,
    /// Set up a demonstration vault from the sample collection and verify it.
    Demo {
        /// The sample collection to ingest (default: the one shipped in `samples/collection`).
        #[arg(long, value_name = "DIR")]
        collection: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
struct IngestArgs {
    /// Files and folders to ingest.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Who supplied the collection (a government, a UN team, an NGO…).
    #[arg(long, value_name = "NAME")]
    originator: String,
    /// Case reference.
    #[arg(long = "case", value_name = "REF")]
    case_ref: Option<String>,
    /// Who collected the material.
    #[arg(long, value_name = "WHO")]
    collected_by: Option<String>,
    /// When the material was collected.
    #[arg(long, value_name = "TIME")]
    collected_at: Option<String>,
    /// A note on how the collection was obtained.
    #[arg(long, value_name = "TEXT")]
    collection_note: Option<String>,
    /// Deepest nesting of archives to expand.
    #[arg(long, value_name = "N")]
    max_archive_depth: Option<u32>,
    /// Most bytes to expand from one input (all nesting levels).
    #[arg(long, value_name = "BYTES")]
    max_expanded_bytes: Option<u64>,
    /// Largest expansion ratio of an archive member (above 1 MiB).
    #[arg(long, value_name = "N")]
    max_expansion_ratio: Option<u64>,
    /// Most archive members to expand from one input.
    #[arg(long, value_name = "N")]
    max_archive_entries: Option<u64>,
    /// Append one JSON line per item to FILE as soon as the item is durable and logged, so that
    /// whoever watches a long ingest knows what a crash could no longer lose.
    #[arg(long, value_name = "FILE")]
    acknowledgements: Option<PathBuf>,
    /// The originator's sharing regime for the collection: open (to approved requesters),
    /// consent (per request; the default) or restricted (the holder's custodians only).
    #[arg(long, value_name = "REGIME")]
    regime: Option<custodia_vault::custodia_access::Regime>,
    /// Files hashed and encrypted at once (default: the number of cores). Only the speed
    /// changes: items and custody entries come in the same order for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

#[derive(Subcommand, Debug)]
enum LogCommand {
    /// Print a signed checkpoint (C2SP signed note) covering every entry so far.
    Checkpoint,
    /// Print the log's verifier key (C2SP vkey).
    PublicKey,
    /// Print an inclusion proof for an entry against the latest checkpoint.
    Prove {
        /// Log position of the entry.
        #[arg(
            long,
            value_name = "N",
            conflicts_with = "item",
            required_unless_present = "item"
        )]
        entry: Option<u64>,
        /// The item whose ingest entry to prove.
        #[arg(long, value_name = "SHA256")]
        item: Option<String>,
    },
    /// Print a consistency proof between two checkpointed tree sizes.
    Consistency {
        #[arg(long, value_name = "M")]
        from: u64,
        #[arg(long, value_name = "N")]
        to: u64,
    },
    /// Recompute the log from storage and check every checkpoint.
    Verify,
}

fn main() -> ExitCode {
    // Whatever Custodia writes (data directory, packages, downloads) is its user's alone.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let code = main_inner();
    // The private folder external tools read from (empty unless a tool is running).
    custodia_vault::custodia_extract::scratch::remove_process_dir();
    code
}

fn main_inner() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // With `--json`, even a usage error leaves one JSON document on stdout.
            let wants_json = std::env::args().any(|a| a == "--json");
            let is_usage_error = error.use_stderr();
            if wants_json && is_usage_error {
                println!("{}", json!({ "error": error.to_string().trim_end() }));
            }
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    init_tracing();
    let out = Output::new(cli.json);
    match run(&cli, &out) {
        Ok(code) => code,
        Err(error) => {
            out.error(&error);
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    // The server reports each request (method, route, status, time; never bodies, query
    // strings or credentials) at `info`; other commands stay quiet unless asked. The DevTools
    // client warns of every browser event newer than its protocol tables, which says nothing
    // about a capture (its failures are reported by the capture itself).
    let filter = tracing_subscriber::EnvFilter::try_from_env("CUSTODIA_LOG")
        .unwrap_or_else(|_| "warn,custodia_server=info,chromiumoxide=error".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) fn data_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(dir) = &cli.data_dir {
        return Ok(dir.clone());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .context("no data directory: give `--data-dir DIR` or set `CUSTODIA_DATA_DIR`")?;
    Ok(base.join("custodia"))
}

fn open(cli: &Cli, access: Access) -> Result<Vault> {
    let dir = data_dir(cli)?;
    Vault::open(&dir, access)
        .with_context(|| format!("cannot open the vault in `{}`", dir.display()))
}

/// Opens for writing if no other process is writing; otherwise for reading.
fn open_preferring_write(cli: &Cli) -> Result<Vault> {
    let dir = data_dir(cli)?;
    match Vault::open(&dir, Access::ReadWrite) {
        Ok(v) => Ok(v),
        Err(custodia_vault::VaultError::Ledger(
            custodia_vault::custodia_ledger::LedgerError::Busy { .. },
        )) => open(cli, Access::ReadOnly),
        Err(e) => Err(e).with_context(|| format!("cannot open the vault in `{}`", dir.display())),
    }
}

fn actor(cli: &Cli, vault: &Vault) -> String {
    cli.actor
        .clone()
        .unwrap_or_else(|| vault.config().administrator.clone())
}

fn parse_hash(text: &str) -> Result<ContentHash> {
    text.parse()
        .with_context(|| format!("`{text}` is not an item's SHA-256"))
}

fn run(cli: &Cli, out: &Output) -> Result<ExitCode> {
    match &cli.command {
        Command::Init {
            administrator,
            holder,
            blobs,
            catalog,
            passphrase_file,
        } => {
            let dir = data_dir(cli)?;
            let vault = Vault::init_keyed(
                &dir,
                administrator,
                holder,
                blobs.as_deref(),
                catalog.as_deref(),
                passphrase_file.as_deref(),
            )
            .with_context(|| format!("cannot create a vault in `{}`", dir.display()))?;
            out.message(&format!("created a vault in `{}`", dir.display()));
            if let Some(url) = &vault.config().blobs {
                out.message(&format!("its blobs are kept in `{url}`"));
            }
            if let Some(url) = &vault.config().catalog {
                out.message(&format!("its catalog is kept in `{url}`"));
            }
            out.print(
                &json!({
                    "data_dir": dir.display().to_string(),
                    "vault_id": vault.config().vault_id,
                    "origin": vault.config().origin,
                    "administrator": vault.config().administrator,
                    "holder": vault.config().holder,
                    "blobs": vault.config().blobs,
                    "catalog": vault.config().catalog,
                    "key_wrapped": passphrase_file.is_some(),
                    "vkey": vault.verifier().vkey(),
                }),
                || {
                    format!(
                        "vault id: {}\nlog origin: {}\nverifier key: {}\n",
                        vault.config().vault_id,
                        vault.config().origin,
                        vault.verifier().vkey()
                    )
                },
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest(args) => ingest(cli, out, args),
        Command::Org(command) => access_cmd::org(cli, out, command),
        Command::User(command) => access_cmd::user(cli, out, command),
        Command::Case(command) => access_cmd::case(cli, out, command),
        Command::Crimes(command) => cases_cmd::crimes(cli, out, command),
        Command::Regime(command) => access_cmd::regime(cli, out, command),
        Command::Consent(command) => access_cmd::consent(cli, out, command),
        Command::Package(command) => package_cmd::package(cli, out, command),
        Command::Serve {
            listen,
            demo_collection,
            trusted_proxies,
            public_intake,
            intake_listen,
            replay_listen,
            replay_origin,
            replay_token_seconds,
            tiles,
        } => serve_cmd::serve(
            cli,
            out,
            *listen,
            demo_collection.as_deref(),
            trusted_proxies.clone(),
            public_intake.then_some(*intake_listen),
            serve_cmd::ReplayOptions {
                listen: replay_listen.unwrap_or_else(|| {
                    serve_cmd::replay_default(*listen, public_intake.then_some(*intake_listen))
                }),
                origin: replay_origin.clone(),
                token_lifetime: std::time::Duration::from_secs(*replay_token_seconds),
            },
            tiles.as_deref(),
        ),
        Command::Login {
            name,
            password_file,
            totp,
        } => auth_cmd::login(cli, out, name, password_file.as_deref(), totp.as_deref()),
        Command::Redact {
            sha256,
            texts,
            regions,
            reason,
        } => request_cmd::redact(cli, out, sha256, texts, regions, reason),
        Command::RedactionParent { sha256 } => {
            let hash = parse_hash(sha256)?;
            let vault = open(cli, Access::ReadOnly)?;
            let opening = vault.open_redaction_parent(&actor(cli, &vault), &hash)?;
            out.print(&opening, || {
                format!(
                    "{}\n  original  {}\n  salt      {}\n  package   {}\n",
                    opening.derived_sha256, opening.parent_sha256, opening.salt, opening.commitment
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::Request(command) => request_cmd::request(cli, out, command),
        Command::Person(command) => request_cmd::person(cli, out, command),
        Command::Get {
            sha256,
            out: file,
            reason,
        } => {
            let hash = parse_hash(sha256)?;
            let mut vault = open(cli, Access::ReadWrite)?;
            let actor = actor(cli, &vault);
            let receipt = vault.get(&hash, file, &actor, reason)?;
            out.message(&format!(
                "wrote {} bytes of item {} to `{}`; logged at position {}",
                receipt.bytes,
                receipt.sha256,
                file.display(),
                receipt.ledger_index
            ));
            out.print(&json!({ "sha256": receipt.sha256, "bytes": receipt.bytes, "out": file.display().to_string(), "ledger_index": receipt.ledger_index }), String::new);
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { sha256 } => {
            let hash = parse_hash(sha256)?;
            let vault = open(cli, Access::ReadOnly)?;
            let view = vault.item_view(&actor(cli, &vault), &hash)?;
            let (item, expansion_error, submissions) =
                (&view.item, &view.expansion_error, &view.submissions);
            out.print(&view, || {
                let mut text = format!("{}  {} bytes  {}\n", item.sha256, item.size, item.mime);
                if let Some(e) = expansion_error {
                    text.push_str(&format!("  not expanded: {e}\n"));
                }
                for s in submissions {
                    text.push_str(&format!(
                        "  from {} ({}) at `{}`, submitted {}\n",
                        s.originator,
                        s.case_ref.as_deref().unwrap_or("no case"),
                        s.path,
                        s.submitted_at
                    ));
                }
                text
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::History { sha256 } => {
            let hash = parse_hash(sha256)?;
            let vault = open(cli, Access::ReadOnly)?;
            let events = vault.history_for(&actor(cli, &vault), &hash)?;
            let rows: Vec<_> = events
                .iter()
                .map(|e| {
                    json!({
                        "ledger_index": e.ledger_index,
                        "time": e.time,
                        "actor": e.actor,
                        "action": e.action,
                        "details": serde_json::from_str::<serde_json::Value>(&e.details).unwrap_or(serde_json::Value::Null),
                        "entry": String::from_utf8_lossy(&e.entry),
                    })
                })
                .collect();
            out.print(&json!({ "sha256": hash.to_hex(), "events": rows }), || {
                events
                    .iter()
                    .map(|e| {
                        let position = e
                            .ledger_index
                            .map(|i| i.to_string())
                            .unwrap_or_else(|| "pending".into());
                        format!("#{position:<8} {}  {:<10} {}\n", e.time, e.action, e.actor)
                    })
                    .collect()
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { to, blobs } => migrate(cli, out, to, blobs.as_deref()),
        Command::Verify { deep } => {
            let vault = open_preferring_write(cli)?;
            if *deep {
                out.message(
                    "verifying the log, the catalog and every blob (decrypting and re-hashing)…",
                );
            }
            let report = vault.verify(VerifyOptions { deep: *deep })?;
            out.print(&report, || verify_text(&report));
            out.message(&format!(
                "{}: {} items, {} events, {} blobs ({:.1} MB) in {:.2}s; {} fault(s)",
                if report.ok { "OK" } else { "FAILED" },
                report.items_checked,
                report.events_checked,
                report.blobs_checked,
                report.bytes_checked as f64 / 1e6,
                report.seconds,
                report.faults.len()
            ));
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Log(command) => log_command(cli, out, command),
        Command::Extract(args) => search_cmd::extract(cli, out, args),
        Command::Search(args) => search_cmd::search(cli, out, args),
        Command::Reindex => search_cmd::reindex(cli, out),
        Command::Demo { collection } => demo(cli, out, collection.as_deref()),
        Command::Match(args) => match_cmd::run(cli, out, args),
        Command::Notices(command) => victims_cmd::notices(cli, out, command),
        Command::Stats(args) => report_cmd::stats(cli, out, args),
        Command::Report(command) => report_cmd::report(cli, out, command),
        Command::Harm(command) => harm_cmd::harm(cli, out, command),
        Command::Capture(args) => capture_cmd::capture(cli, out, args),
        Command::Key(command) => key_cmd::key(cli, out, command),
    }
}

fn verify_text(report: &custodia_vault::VerifyReport) -> String {
    let mut text = String::new();
    for f in &report.faults {
        text.push_str(&format!(
            "FAULT {}{}{}: {}\n",
            f.kind,
            f.item
                .as_deref()
                .map(|i| format!(" item {i}"))
                .unwrap_or_default(),
            f.ledger_index
                .map(|i| format!(" log #{i}"))
                .unwrap_or_default(),
            f.detail
        ));
    }
    text.push_str(&format!(
        "log: {} entries, root {}, {} checkpoint(s) checked\n",
        report.log_size, report.log_root, report.checkpoints_checked
    ));
    text
}

fn ingest(cli: &Cli, out: &Output, args: &IngestArgs) -> Result<ExitCode> {
    let mut vault = open(cli, Access::ReadWrite)?;
    let mut limits = vault.config().archive_limits.clone();
    override_limits(&mut limits, args);
    let options = IngestOptions {
        originator: args.originator.clone(),
        case_ref: args.case_ref.clone(),
        collected_by: args.collected_by.clone(),
        collected_at: args.collected_at.clone(),
        collection_note: args.collection_note.clone(),
        actor: actor(cli, &vault),
        limits: Some(limits),
        regime: args.regime,
        jobs: args.jobs.map(usize::from),
    };
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    if let Some(path) = &args.acknowledgements {
        progress.acknowledge_to(path)?;
    }
    // The report goes to scratch files as the ingest goes, so that memory does not grow with
    // the number of files.
    progress.spool_report_in(&vault.root().join("tmp"), out.is_json())?;
    let totals = vault.ingest_streamed(&args.paths, options, &progress)?;
    progress.finish()?;
    let s = &totals.summary;
    out.message(&format!(
        "ingested {} item(s): {} new, {} duplicate(s), {} already recorded; {:.1} MB in {:.2}s ({:.1} MB/s); {} error(s)",
        s.items,
        s.stored,
        s.duplicates,
        s.already_recorded,
        s.bytes as f64 / 1e6,
        s.seconds,
        s.mb_per_s,
        s.errors
    ));
    progress.print_report(&totals)?;
    Ok(ExitCode::SUCCESS)
}

fn override_limits(limits: &mut ArchiveLimits, args: &IngestArgs) {
    if let Some(v) = args.max_archive_depth {
        limits.max_depth = v;
    }
    if let Some(v) = args.max_expanded_bytes {
        limits.max_expanded_bytes = v;
    }
    if let Some(v) = args.max_expansion_ratio {
        limits.max_ratio = v;
    }
    if let Some(v) = args.max_archive_entries {
        limits.max_entries = v;
    }
}

fn log_command(cli: &Cli, out: &Output, command: &LogCommand) -> Result<ExitCode> {
    match command {
        LogCommand::Checkpoint => {
            let vault = open(cli, Access::ReadWrite)?;
            let checkpoint = vault.checkpoint()?;
            out.print(
                &json!({ "checkpoint": checkpoint.text(), "origin": checkpoint.origin(), "tree_size": checkpoint.size(), "root_hash": checkpoint.root().to_string() }),
                || checkpoint.text().to_owned(),
            );
            Ok(ExitCode::SUCCESS)
        }
        LogCommand::PublicKey => {
            let vault = open(cli, Access::ReadOnly)?;
            let vkey = vault.verifier().vkey().to_owned();
            out.print(
                &json!({ "vkey": vkey, "origin": vault.config().origin }),
                || format!("{vkey}\n"),
            );
            Ok(ExitCode::SUCCESS)
        }
        LogCommand::Prove { entry, item } => {
            let vault = open_preferring_write(cli)?;
            let index = match (entry, item) {
                (Some(n), _) => *n,
                (None, Some(sha)) => {
                    let hash = parse_hash(sha)?;
                    vault.ingest_entry_for(&actor(cli, &vault), &hash)?
                }
                (None, None) => bail!("give `--entry N` or `--item SHA256`"),
            };
            // The same document as `GET /api/v1/log/proof`, opened for the acting user.
            let user = actor(cli, &vault);
            let view = vault.log_entry_for(&user, index, None)?;
            let entry_bytes = b64_decode(&view.entry)?;
            let root = parse_hex_hash(&view.root_hash)?;
            let audit_path = view
                .audit_path
                .iter()
                .map(|h| parse_hex_hash(h))
                .collect::<Result<Vec<_>>>()?;
            custodia_vault::custodia_ledger::verify_inclusion(
                view.leaf_index,
                view.tree_size,
                custodia_vault::custodia_ledger::leaf_hash(&entry_bytes),
                &audit_path,
                root,
            )
            .context("the proof the log produced does not verify; run `custodia log verify`")?;
            out.print(&view, || {
                format!(
                    "leaf index: {index}\ntree size: {}\nentry (v{}): {}\nleaf hash: {}\nroot hash: {}\naudit path:\n{}opened:\n{}withheld: {}\ncheckpoint:\n{}",
                    view.tree_size,
                    view.version,
                    String::from_utf8_lossy(&entry_bytes),
                    view.leaf_hash,
                    view.root_hash,
                    view.audit_path.iter().map(|h| format!("  {h}\n")).collect::<String>(),
                    view.openings
                        .iter()
                        .map(|(f, o)| format!("  {f} = {} (salt {})\n", o.value, o.salt))
                        .collect::<String>(),
                    if view.withheld.is_empty() { "none".to_owned() } else { view.withheld.join(", ") },
                    view.checkpoint.as_deref().unwrap_or("(none issued at this size)\n")
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        LogCommand::Consistency { from, to } => {
            let vault = open(cli, Access::ReadOnly)?;
            // The one proof document of the CLI, the API and `custodia-verify`.
            let document = vault.consistency_document(*from, *to)?;
            let old = document.from_checkpoint.as_deref().with_context(|| {
                format!("no checkpoint at tree size {from}; `custodia log checkpoint` issues one")
            })?;
            let new = document.to_checkpoint.as_deref().with_context(|| {
                format!("no checkpoint at tree size {to}; `custodia log checkpoint` issues one")
            })?;
            out.print(&document, || {
                format!(
                    "consistency proof {from} → {to}:\n{}from checkpoint:\n{}\nto checkpoint:\n{}",
                    document
                        .proof
                        .iter()
                        .map(|h| format!("  {h}\n"))
                        .collect::<String>(),
                    old,
                    new
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        LogCommand::Verify => {
            let vault = open(cli, Access::ReadOnly)?;
            let report = vault.verify_log()?;
            let faults: Vec<String> = report.faults.iter().map(|f| f.to_string()).collect();
            out.print(
                &json!({
                    "ok": report.is_ok(),
                    "tree_size": report.tree_size,
                    "root_hash": report.root.map(|r| r.to_string()),
                    "entries_checked": report.entries_checked,
                    "checkpoints_checked": report.checkpoints_checked,
                    "faults": faults,
                }),
                || {
                    let mut text: String = faults.iter().map(|f| format!("FAULT {f}\n")).collect();
                    text.push_str(&format!(
                        "{}: {} entries, {} checkpoint(s)\n",
                        if report.is_ok() { "OK" } else { "FAILED" },
                        report.entries_checked,
                        report.checkpoints_checked
                    ));
                    text
                },
            );
            Ok(if report.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

fn b64_decode(text: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .context("a proof document's entry is not base64")
}

fn parse_hex_hash(text: &str) -> Result<custodia_vault::custodia_ledger::Hash> {
    let mut hash = [0u8; 32];
    hex_decode(text, &mut hash).with_context(|| format!("`{text}` is not a hex SHA-256"))?;
    Ok(custodia_vault::custodia_ledger::Hash(hash))
}

fn hex_decode(text: &str, out: &mut [u8; 32]) -> Option<()> {
    if text.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(())
}

fn demo(cli: &Cli, out: &Output, collection: Option<&Path>) -> Result<ExitCode> {
    let dir = data_dir(cli)?;
    let collection = match collection {
        Some(c) => c.to_owned(),
        None => std::env::current_dir()?.join("samples/collection"),
    };
    if !collection.is_dir() {
        bail!("the sample collection `{}` is missing\n\nhint: run from the project's root, or give `--collection DIR`", collection.display());
    }
    let mut vault = if dir.join("vault.json").exists() {
        out.message(&format!("using the vault in `{}`", dir.display()));
        Vault::open(&dir, Access::ReadWrite)?
    } else {
        out.message(&format!("creating a vault in `{}`", dir.display()));
        Vault::init(&dir, "admin")?
    };
    let options = IngestOptions {
        originator: "Demonstration Originator".into(),
        case_ref: Some("DEMO-001".into()),
        collected_by: Some("Custodia sample collection".into()),
        collected_at: None,
        collection_note: Some(
            "sample material shipped with Custodia; not evidence of anything".into(),
        ),
        actor: actor(cli, &vault),
        limits: None,
        regime: None,
        jobs: None,
    };
    let progress = Progress::new(std::io::stderr().is_terminal());
    let report = vault.ingest(std::slice::from_ref(&collection), options, &progress)?;
    progress.finish()?;
    let who = actor(cli, &vault);
    let extracted = vault.extract_pending(&custodia_vault::ExtractOptions::default(), &who)?;
    out.message(&format!(
        "extracted text and metadata from {} item(s) ({} failure(s)); {} document(s) indexed",
        extracted.extracted,
        extracted.failed.len(),
        extracted.indexed
    ));
    let checkpoint = vault.checkpoint()?;
    let verified = vault.verify(VerifyOptions { deep: true })?;
    out.message(&format!(
        "ingested {} item(s) from `{}` ({} new, {} error(s)); verify --deep: {}",
        report.summary.items,
        collection.display(),
        report.summary.stored,
        report.summary.errors,
        if verified.ok { "OK" } else { "FAILED" }
    ));
    out.print(
        &json!({ "data_dir": dir.display().to_string(), "ingest": report, "extract": extracted, "verify": verified, "checkpoint": checkpoint.text() }),
        || {
            let mut text = String::new();
            for e in &report.errors {
                text.push_str(&format!("note: `{}`: {}\n", e.path, e.error));
            }
            text.push_str(&format!(
                "\nvault: {}\nitems: {}\nverify --deep: {}\nlatest checkpoint:\n{}\ntry:\n  custodia --data-dir {} search 'witness OR شاهد'\n  custodia --data-dir {} history {}\n  custodia --data-dir {} log prove --item {}\n",
                dir.display(),
                verified.items_checked,
                if verified.ok { "OK" } else { "FAILED" },
                checkpoint.text(),
                dir.display(),
                dir.display(),
                report.items.first().map(|i| i.sha256.as_str()).unwrap_or("SHA256"),
                dir.display(),
                report.items.first().map(|i| i.sha256.as_str()).unwrap_or("SHA256"),
            ));
            text
        },
    );
    Ok(if verified.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `data-dir` (or `local`) for the data directory, else the location itself.
fn placement(text: &str) -> Option<String> {
    match text {
        "data-dir" | "data_dir" | "local" => None,
        other => Some(other.to_owned()),
    }
}

fn migrate(cli: &Cli, out: &Output, to: &str, blobs: Option<&str>) -> Result<ExitCode> {
    let dir = data_dir(cli)?;
    let current = Vault::open(&dir, Access::ReadOnly)
        .with_context(|| format!("cannot open the vault in `{}`", dir.display()))?
        .config()
        .clone();
    let target = custodia_vault::Placement {
        catalog: placement(to),
        blobs: blobs.map_or(current.blobs.clone(), placement),
    };
    let mut last_table = String::new();
    let report = Vault::migrate(
        &dir,
        &target,
        cli.actor.as_deref(),
        &mut |step| match step {
            custodia_vault::MigrateProgress::Table { table, rows_copied } => {
                if table != last_table || rows_copied % 100_000 < 2000 {
                    out.message(&format!("catalog: {table}: {rows_copied} rows copied"));
                    last_table = table.to_owned();
                }
            }
            custodia_vault::MigrateProgress::Blobs {
                checked,
                copied,
                bytes,
            } => out.message(&format!(
                "blobs: {checked} checked, {copied} copied ({:.1} MB)",
                bytes as f64 / 1e6
            )),
            custodia_vault::MigrateProgress::Verifying => {
                out.message("verifying the vault on its new placement…")
            }
        },
    )
    .with_context(|| format!("cannot migrate the vault in `{}`", dir.display()))?;
    out.print(&report, || {
        format!(
            "migrated: catalog {} → {}, blobs {} → {}\n{} blob(s) copied ({:.1} MB), {} table(s); verified {} items and {} events in {:.1}s\nthe old placement is left as it was: remove it once the new one is backed up\n",
            report.from.catalog,
            report.to.catalog,
            report.from.blobs,
            report.to.blobs,
            report.blobs_copied,
            report.bytes_copied as f64 / 1e6,
            report.tables.len(),
            report.verify.items_checked,
            report.verify.events_checked,
            report.seconds
        )
    });
    Ok(ExitCode::SUCCESS)
}
