//! `custodia serve`: the HTTP API on the embedded default. On first start it creates the vault,
//! loads the demonstration collection and gives the first administrator a password, printed once.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use custodia_vault::{Access, IngestOptions, Vault};
use serde_json::json;

use crate::output::{Output, Progress};
use crate::{data_dir, Cli};

/// How long requests in flight may take to finish after SIGTERM before the process exits anyway.
const DRAIN: Duration = Duration::from_secs(8);

// Each argument is one option of `custodia serve`, passed on from the command line once.
#[allow(clippy::too_many_arguments)]
pub fn serve(
    cli: &Cli,
    out: &Output,
    listen: SocketAddr,
    demo: Option<&Path>,
    trusted_proxies: Vec<std::net::IpAddr>,
    intake_listen: Option<SocketAddr>,
    replay: ReplayOptions,
    tiles: Option<&Path>,
) -> Result<ExitCode> {
    // A bad archive is refused before anything starts.
    let tiles = tiles
        .map(custodia_server::TileExtract::open)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let replay_origin = match &replay.origin {
        Some(origin) => Some(check_origin(origin)?),
        None => None,
    };
    let dir = data_dir(cli)?;
    let vault = if dir.join("vault.json").exists() {
        Vault::open(&dir, Access::ReadWrite)
            .with_context(|| format!("cannot open the vault in `{}`", dir.display()))?
    } else {
        first_start(&dir, demo, out)?
    };
    // The proxies named in vault.json, and those given on the command line.
    let mut trusted_proxies = trusted_proxies;
    for proxy in &vault.config().trusted_proxies {
        if !trusted_proxies.contains(proxy) {
            trusted_proxies.push(*proxy);
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let bound = listener.local_addr()?;
        let intake = match intake_listen {
            Some(addr) => Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr} (the reporting point)"))?,
            ),
            None => None,
        };
        let intake_bound = intake.as_ref().map(|l| l.local_addr()).transpose()?;
        let replay_listener = tokio::net::TcpListener::bind(replay.listen)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {} (the replay of web captures; choose another with --replay-listen)",
                    replay.listen
                )
            })?;
        let replay_bound = replay_listener.local_addr()?;
        let replay_origin = replay_origin.unwrap_or_else(|| format!("http://{replay_bound}"));
        out.message(&format!(
            "Custodia serves the vault in `{}` at http://{bound}/ (API under /api/v1/, OpenAPI at /api/openapi.json); SIGTERM or Ctrl-C stops it",
            dir.display()
        ));
        if let Some(intake_bound) = intake_bound {
            out.message(&format!(
                "the public reporting point (no sign-in) is at http://{intake_bound}/report"
            ));
        }
        out.message(&format!(
            "web captures are replayed from http://{replay_bound}/replay/ (reached at {replay_origin})"
        ));
        let mut started = json!({
            "listen": bound.to_string(),
            "data_dir": dir.display().to_string(),
            "replay_listen": replay_bound.to_string(),
            "replay_origin": replay_origin,
        });
        if let Some(intake_bound) = intake_bound {
            started["intake_listen"] = json!(intake_bound.to_string());
        }
        out.print(&started, String::new);
        let state = custodia_server::AppState::new(vault)
            .with_trusted_proxies(trusted_proxies)
            .with_replay(&replay_origin, replay.token_lifetime);
        let state = match tiles {
            Some(extract) => state.with_tiles(extract),
            None => state,
        };
        // One stop signal for both listeners.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            stop_signal().await;
            let _ = stop.send(true);
        });
        let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        let intake_task = intake.map(|listener| {
            tokio::spawn(custodia_server::intake::serve(
                state.clone(),
                listener,
                until_stopped(stopped.clone()),
            ))
        });
        let replay_task = tokio::spawn(custodia_server::replay::serve(
            state.clone(),
            replay_listener,
            until_stopped(stopped.clone()),
        ));
        custodia_server::serve(state, listener, until_stopped(stopped))
            .await
            .context("the server failed")?;
        replay_task
            .await
            .context("the replay listener stopped")?
            .context("the replay listener failed")?;
        if let Some(task) = intake_task {
            task.await
                .context("the reporting point stopped")?
                .context("the reporting point failed")?;
        }
        anyhow::Ok(())
    })?;
    out.message("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Where and how web captures are replayed (`--replay-listen`, `--replay-origin`).
pub struct ReplayOptions {
    pub listen: SocketAddr,
    pub origin: Option<String>,
    pub token_lifetime: Duration,
}

/// The replay listener's default address: the main listener's IP address, its port plus one,
/// or plus two when the public reporting point listens on that one (port 0, a free port, stays 0).
pub fn replay_default(listen: SocketAddr, intake: Option<SocketAddr>) -> SocketAddr {
    let next = |step: u16| match listen.port() {
        0 => 0,
        p => p.checked_add(step).unwrap_or(0),
    };
    let one = SocketAddr::new(listen.ip(), next(1));
    if one.port() != 0 && intake == Some(one) {
        SocketAddr::new(listen.ip(), next(2))
    } else {
        one
    }
}

/// A replay origin as browsers write one: `http(s)://host[:port]`, nothing after.
fn check_origin(origin: &str) -> Result<String> {
    let trimmed = origin.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    let plain = rest.is_some_and(|authority| {
        !authority.is_empty()
            && authority
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    if !plain {
        anyhow::bail!(
            "--replay-origin `{origin}` must be an origin: http:// or https://, a host and perhaps a port, nothing after"
        );
    }
    Ok(trimmed.to_ascii_lowercase())
}

/// Completes on SIGTERM or SIGINT; from then on, in-flight requests have [`DRAIN`] to finish.
async fn stop_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("stopping: no new requests; letting those in flight finish");
    std::thread::spawn(|| {
        std::thread::sleep(DRAIN);
        // Whatever is still running is aborted: acknowledged items are durable already, and
        // an unfinished upload or download was never acknowledged.
        eprintln!(
            "stopping: requests still running after {} s were aborted",
            DRAIN.as_secs()
        );
        custodia_vault::custodia_extract::scratch::remove_process_dir();
        std::process::exit(0);
    });
}

/// Creates the vault, loads the demonstration collection if there is one, and sets a random
/// password for the administrator, shown once on stderr.
fn first_start(dir: &Path, demo: Option<&Path>, out: &Output) -> Result<Vault> {
    out.message(&format!(
        "first start: creating a vault in `{}`",
        dir.display()
    ));
    let mut vault = Vault::init(dir, "admin")
        .with_context(|| format!("cannot create a vault in `{}`", dir.display()))?;
    let collection: Option<PathBuf> = match demo {
        Some(d) => Some(d.to_owned()),
        None => Some(std::env::current_dir()?.join("samples/collection")).filter(|p| p.is_dir()),
    };
    if let Some(collection) = collection {
        let options = IngestOptions {
            originator: "Demonstration Originator".into(),
            case_ref: Some("DEMO-001".into()),
            collected_by: Some("Custodia sample collection".into()),
            collected_at: None,
            collection_note: Some(
                "sample material shipped with Custodia; not evidence of anything".into(),
            ),
            actor: "admin".into(),
            limits: None,
            regime: None,
            jobs: None,
        };
        let progress = Progress::new(std::io::stderr().is_terminal());
        let report = vault.ingest(std::slice::from_ref(&collection), options, &progress)?;
        progress.finish()?;
        out.message(&format!(
            "loaded the demonstration collection `{}`: {} item(s)",
            collection.display(),
            report.summary.items
        ));
        // Searchable from the first page on: text, OCR and metadata of the sample items.
        let extracted =
            vault.extract_pending(&custodia_vault::ExtractOptions::default(), "admin")?;
        out.message(&format!(
            "extracted text and metadata: {} item(s), {} failed",
            extracted.items,
            extracted.failed.len()
        ));
    }
    let password = custodia_vault::custodia_auth::issue_token()
        .secret
        .rsplit('_')
        .next()
        .unwrap_or_default()
        .chars()
        .take(24)
        .collect::<String>();
    vault.set_password("admin", "admin", &password)?;
    // Shown once, on the terminal of whoever started the server; never logged.
    eprintln!(
        "\nfirst administrator: user `admin`, password `{password}`\n(change it with `custodia --data-dir {} user password admin`)\n",
        dir.display()
    );
    Ok(vault)
}
