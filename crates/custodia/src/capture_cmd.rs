//! `custodia capture URL…`: web pages captured by headless Chromium and stored as evidence (the
//! capture record as the parent item; the WACZ, screenshot, DOM, text, PDF, certificates, media
//! and RFC 3161 tokens as its children), each step in the custody log like any ingest.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use base64::Engine;
use clap::Args;
use custodia_capture::{tsa, BrowseOptions, CaptureContext};
use custodia_vault::{Access, CaptureArtefact, IngestOptions};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::output::Output;
use crate::victims_cmd::chromium;
use crate::{actor, open, Cli};

#[derive(Args, Debug)]
pub struct CaptureArgs {
    /// The pages to capture (http or https).
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// Who the capture is recorded as supplied by (the investigating team, say).
    #[arg(long, value_name = "NAME")]
    originator: String,
    /// Case reference.
    #[arg(long = "case", value_name = "REF")]
    case_ref: Option<String>,
    /// Who captured the pages (default: the user acting).
    #[arg(long, value_name = "WHO")]
    collected_by: Option<String>,
    /// A note on why and how the pages were captured.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Also fetch the page's video and audio with yt-dlp (CUSTODIA_YT_DLP, or `yt-dlp` on the
    /// PATH), with its info.json.
    #[arg(long)]
    media: bool,
    /// Allow addresses in private, loopback and link-local ranges (the holder's own network).
    #[arg(long)]
    allow_private: bool,
    /// Capture a page even when its HTTPS certificate does not verify (recorded in the capture
    /// record; the certificate chain is kept as always).
    #[arg(long)]
    accept_invalid_certificates: bool,
    /// Most seconds for one page, loading to printing.
    #[arg(long, value_name = "SECS", default_value_t = custodia_capture::DEFAULT_TIMEOUT.as_secs())]
    timeout: u64,
    /// Most bytes received from servers for one page (all resources together).
    #[arg(long, value_name = "BYTES", default_value_t = custodia_capture::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Most resources one page may request.
    #[arg(long, value_name = "N", default_value_t = custodia_capture::DEFAULT_MAX_RESOURCES)]
    max_resources: usize,
    /// The sharing regime of the capture's items: open, consent (the default) or restricted.
    #[arg(long, value_name = "REGIME")]
    regime: Option<custodia_vault::custodia_access::Regime>,
}

/// Whether this process runs as root, where Chromium's sandbox cannot start.
fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

pub fn capture(cli: &Cli, out: &Output, args: &CaptureArgs) -> Result<ExitCode> {
    let mut vault = open(cli, Access::ReadWrite)?;
    let who = actor(cli, &vault);
    // Refuse before a browser starts: only the holder's custodians capture.
    let principal = vault.principal(&who)?;
    vault.require_holder_role(
        &principal,
        custodia_vault::custodia_access::Role::Custodian,
        "capture",
    )?;
    for url in &args.urls {
        custodia_capture::check_url(url)?;
    }
    let chromium = chromium()?;
    let tsa_urls = vault.config().tsa_urls.clone();
    let tsa_ca = vault.config().tsa_ca_file.as_ref().map(|p| {
        if p.is_absolute() {
            p.clone()
        } else {
            vault.root().join(p)
        }
    });
    let software = format!("Custodia {}", env!("CARGO_PKG_VERSION"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the capture's runtime")?;
    let mut captures = Vec::new();
    let mut failed = 0usize;
    let terminal = std::io::stderr().is_terminal();
    for (n, url) in args.urls.iter().enumerate() {
        if terminal || args.urls.len() > 1 {
            out.message(&format!(
                "capturing {} of {}: {url}…",
                n + 1,
                args.urls.len()
            ));
        }
        match capture_one(
            &mut vault,
            &runtime,
            url,
            args,
            &who,
            &chromium,
            &software,
            &tsa_urls,
            tsa_ca.as_deref(),
        ) {
            Ok(entry) => captures.push(entry),
            Err(e) => {
                failed += 1;
                out.message(&format!("error: {e:#}"));
                captures.push(json!({
                    "url": url,
                    "final_url": Value::Null,
                    "status": Value::Null,
                    "capture_sha256": Value::Null,
                    "wacz_sha256": Value::Null,
                    "screenshot_sha256": Value::Null,
                    "warc_records": 0,
                    "timestamps": [],
                    "media": [],
                    "errors": [format!("{e:#}")],
                }));
            }
        }
    }
    vault.checkpoint_if_due()?;
    out.message(&format!(
        "captured {} of {} page(s)",
        args.urls.len() - failed,
        args.urls.len()
    ));
    let document = json!({ "captures": captures });
    out.print(&document, || {
        let mut text = String::new();
        for c in &captures {
            text.push_str(&format!(
                "{}  {} → {} (HTTP {})\n",
                c["capture_sha256"].as_str().unwrap_or("not stored"),
                c["url"].as_str().unwrap_or_default(),
                c["final_url"].as_str().unwrap_or("-"),
                c["status"]
            ));
            for t in c["timestamps"].as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "  timestamp {} {} {}\n",
                    t["tsa"].as_str().unwrap_or_default(),
                    t["status"].as_str().unwrap_or_default(),
                    t["gen_time"].as_str().unwrap_or("")
                ));
            }
            for e in c["errors"].as_array().into_iter().flatten() {
                text.push_str(&format!("  error: {}\n", e.as_str().unwrap_or_default()));
            }
        }
        text
    });
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[allow(clippy::too_many_arguments)]
fn capture_one(
    vault: &mut custodia_vault::Vault,
    runtime: &tokio::runtime::Runtime,
    url: &str,
    args: &CaptureArgs,
    who: &str,
    chromium: &std::path::Path,
    software: &str,
    tsa_urls: &[String],
    tsa_ca: Option<&std::path::Path>,
) -> Result<Value> {
    // Everything is made in a private folder in memory-backed storage and stored only once the
    // capture is whole: a capture that fails leaves nothing half-stored.
    let scratch = custodia_vault::custodia_extract::scratch::Scratch::new()
        .context("cannot make a private folder for the capture")?;
    let work = scratch.path().join("capture");
    let profile = scratch.path().join("profile");
    for dir in [&work, &profile] {
        std::fs::create_dir(dir).with_context(|| format!("cannot make `{}`", dir.display()))?;
    }
    let options = BrowseOptions {
        chromium: chromium.to_owned(),
        profile_dir: profile,
        allow_private: args.allow_private,
        accept_invalid_certificates: args.accept_invalid_certificates,
        timeout: Duration::from_secs(args.timeout.max(5)),
        settle: custodia_capture::DEFAULT_SETTLE,
        max_bytes: args.max_bytes,
        max_resources: args.max_resources,
        no_sandbox: running_as_root() || std::env::var_os("CUSTODIA_CHROMIUM_NO_SANDBOX").is_some(),
    };
    // The package's digest is signed with the vault's log key as a C2SP signed note (verifiable
    // with the vault's `vkey`, as checkpoints are); its first line says what it is, so it can
    // never pass for a checkpoint.
    let sign = |hash: &str, created: &str| -> Option<Value> {
        let (note, vkey) = vault
            .sign_statement("wacz datapackage digest", &[hash, created])
            .ok()?;
        Some(json!({
            "hash": hash,
            "created": created,
            "software": software,
            "signatureFormat": "c2sp-signed-note",
            "signature": base64::engine::general_purpose::STANDARD.encode(note.as_bytes()),
            "publicKey": vkey,
        }))
    };
    let yt_dlp = custodia_capture::media::yt_dlp();
    let context = CaptureContext {
        operator: args.collected_by.as_deref().unwrap_or(who),
        software,
        media: args.media,
        yt_dlp,
        sign: &sign,
    };
    let page = runtime
        .block_on(custodia_capture::capture(url, &options, &context, &work))
        .map_err(anyhow::Error::new)?;

    // The capture record, with what the ingest will say of it.
    let mut record = page.record.clone();
    record["originator"] = json!(args.originator);
    record["case"] = json!(args.case_ref);
    record["note"] = json!(args.note);
    let record_bytes = serde_json::to_vec_pretty(&record).context("the capture record")?;
    let record_hash: [u8; 32] = Sha256::digest(&record_bytes).into();

    // Trusted timestamps over the record's hash, from every configured authority.
    let stamping = std::time::Instant::now();
    let stamps: Vec<tsa::Stamp> = tsa_urls
        .iter()
        .map(|t| tsa::stamp(t, &record_hash, tsa_ca, &work))
        .collect();
    let timestamps_ms = stamping.elapsed().as_millis() as u64;
    let mut errors = page.errors.clone();
    for s in &stamps {
        if let Some(e) = &s.error {
            errors.push(e.clone());
        }
    }

    let host = url::Url::parse(&page.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "page".into());
    let stamp14: String = page
        .started_at
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let record_name = format!("captures/{host}/{stamp14}/capture.json");
    let submission = hex::encode(
        &Sha256::digest(format!("capture\0{url}\0{}\0{who}", page.started_at).as_bytes())[..16],
    );
    let mut files = Vec::new();
    for a in &page.artefacts {
        files.push((
            a.name.clone(),
            std::fs::File::open(&a.path).with_context(|| format!("cannot read {}", a.name))?,
        ));
    }
    let mut tokens: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, s) in stamps.iter().enumerate() {
        if let Some(token) = &s.token {
            tokens.push((format!("timestamps/tsa-{}.tsr", i + 1), token.clone()));
        }
    }
    let mut artefacts: Vec<CaptureArtefact<'_>> = files
        .iter_mut()
        .map(|(name, file)| CaptureArtefact {
            name: name.clone(),
            reader: file,
        })
        .collect();
    let mut token_readers: Vec<(String, &[u8])> = tokens
        .iter()
        .map(|(n, t)| (n.clone(), t.as_slice()))
        .collect();
    for (name, reader) in token_readers.iter_mut() {
        artefacts.push(CaptureArtefact {
            name: name.clone(),
            reader,
        });
    }
    let options = IngestOptions {
        originator: args.originator.clone(),
        case_ref: args.case_ref.clone(),
        collected_by: Some(args.collected_by.clone().unwrap_or_else(|| who.to_owned())),
        collected_at: Some(page.started_at.clone()),
        collection_note: Some(
            args.note
                .clone()
                .unwrap_or_else(|| format!("web capture of {url}")),
        ),
        actor: who.to_owned(),
        regime: args.regime,
        jobs: Some(1),
        ..IngestOptions::default()
    };
    let storing = std::time::Instant::now();
    let stored =
        vault.ingest_capture(options, &submission, &record_name, &record_bytes, artefacts)?;
    let store_ms = storing.elapsed().as_millis() as u64;
    let mut timings = serde_json::to_value(&page.timings).context("the timings")?;
    timings["timestamps_ms"] = json!(timestamps_ms);
    timings["store_ms"] = json!(store_ms);
    let by_role = |role: &str| {
        page.artefacts
            .iter()
            .find(|a| a.role == role)
            .map(|a| a.sha256.clone())
    };
    let items: Vec<Value> = stored
        .report
        .items
        .iter()
        .map(|i| json!({"sha256": i.sha256, "path": i.path, "path_in_parent": i.path_in_parent, "parent": i.parent, "status": i.status}))
        .collect();
    Ok(json!({
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "title": page.title,
        "capture_sha256": stored.record_sha256,
        "wacz_sha256": by_role("wacz"),
        "screenshot_sha256": by_role("screenshot"),
        "text_sha256": by_role("text"),
        "warc_records": page.warc_records,
        "started_at": page.started_at,
        "ended_at": page.ended_at,
        "timestamps": stamps,
        "media": page.media,
        "errors": errors,
        "items": items,
        "timings_ms": timings,
    }))
}
