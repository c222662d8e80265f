//! `custodia capture URL…`: web pages captured by headless Chromium and stored as evidence (the
//! capture record as the parent item; the WACZ, screenshot, DOM, text, PDF, certificates, media
//! and RFC 3161 tokens as its children), each step in the custody log like any ingest.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use custodia_server::capture::{self, CaptureRequest, Stamping};
use custodia_vault::Access;
use serde_json::json;

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
    let stamping = Stamping::of(&vault);
    let signer = vault.statement_signer()?;
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
        let request = CaptureRequest {
            case_ref: args.case_ref.clone(),
            collected_by: args.collected_by.clone(),
            note: args.note.clone(),
            media: args.media,
            allow_private: args.allow_private,
            accept_invalid_certificates: args.accept_invalid_certificates,
            timeout: Duration::from_secs(args.timeout),
            max_bytes: args.max_bytes,
            max_resources: args.max_resources,
            regime: args.regime,
            ..CaptureRequest::new(url, &args.originator)
        };
        let result = runtime
            .block_on(capture::prepare(
                &request,
                &who,
                &chromium,
                signer.clone(),
                &stamping,
            ))
            .map_err(anyhow::Error::new)
            .and_then(|prepared| {
                capture::store(&mut vault, prepared, &request, &who).map_err(anyhow::Error::new)
            });
        match result {
            Ok(entry) => captures.push(entry),
            Err(e) => {
                failed += 1;
                out.message(&format!("error: {e:#}"));
                captures.push(capture::failed_entry(url, &format!("{e:#}")));
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
