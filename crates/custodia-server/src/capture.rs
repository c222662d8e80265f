//! A web capture from request to stored items, shared by `custodia capture` and the web
//! application's capture form: [`prepare`] loads the page and makes every artefact in a private
//! scratch folder, with the vault's key only lent for the package signature, and has the
//! record stamped; [`store`] then stores the record and its artefacts in one short step on the
//! vault. A capture that fails before `store` stores nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use custodia_capture::{tsa, BrowseOptions, CaptureContext, CaptureError, CapturedPage};
use custodia_vault::custodia_extract::scratch::Scratch;
use custodia_vault::{CaptureArtefact, IngestOptions, StatementSigner, Vault, VaultError};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// What to capture, and how.
#[derive(Debug, Clone)]
pub struct CaptureRequest {
    pub url: String,
    pub originator: String,
    pub case_ref: Option<String>,
    pub collected_by: Option<String>,
    pub note: Option<String>,
    pub media: bool,
    pub allow_private: bool,
    pub accept_invalid_certificates: bool,
    pub timeout: Duration,
    pub max_bytes: u64,
    pub max_resources: usize,
    pub regime: Option<custodia_vault::custodia_access::Regime>,
}

impl CaptureRequest {
    /// A request with the default limits.
    pub fn new(url: &str, originator: &str) -> Self {
        CaptureRequest {
            url: url.to_owned(),
            originator: originator.to_owned(),
            case_ref: None,
            collected_by: None,
            note: None,
            media: false,
            allow_private: false,
            accept_invalid_certificates: false,
            timeout: custodia_capture::DEFAULT_TIMEOUT,
            max_bytes: custodia_capture::DEFAULT_MAX_BYTES,
            max_resources: custodia_capture::DEFAULT_MAX_RESOURCES,
            regime: None,
        }
    }
}

/// Where the vault's time-stamping authorities are, read from its configuration.
#[derive(Debug, Clone, Default)]
pub struct Stamping {
    pub tsa_urls: Vec<String>,
    pub ca_file: Option<PathBuf>,
}

impl Stamping {
    pub fn of(vault: &Vault) -> Stamping {
        let config = vault.config();
        Stamping {
            tsa_urls: config.tsa_urls.clone(),
            ca_file: config.tsa_ca_file.as_ref().map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    vault.root().join(p)
                }
            }),
        }
    }
}

/// A capture made and stamped, not yet stored.
pub struct Prepared {
    page: CapturedPage,
    record_bytes: Vec<u8>,
    stamps: Vec<tsa::Stamp>,
    timestamps_ms: u64,
    /// Holds the artefacts until they are stored.
    _scratch: Scratch,
}

/// Whether this process runs as root, where Chromium's sandbox cannot start.
fn running_as_root() -> bool {
    // The effective user id is the second number of the `Uid:` line.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// Loads the page and makes every artefact, then has the capture record stamped by every
/// configured authority. `who` is the user capturing.
pub async fn prepare(
    request: &CaptureRequest,
    who: &str,
    chromium: &Path,
    signer: StatementSigner,
    stamping: &Stamping,
) -> Result<Prepared, CaptureError> {
    custodia_capture::check_url(&request.url)?;
    // Everything is made in a private folder in memory-backed storage and stored only once the
    // capture is whole.
    let scratch = Scratch::new().map_err(|e| {
        CaptureError::Io(format!("cannot make a private folder for the capture: {e}"))
    })?;
    let work = scratch.path().join("capture");
    let profile = scratch.path().join("profile");
    for dir in [&work, &profile] {
        std::fs::create_dir(dir)
            .map_err(|e| CaptureError::Io(format!("cannot make `{}`: {e}", dir.display())))?;
    }
    let options = BrowseOptions {
        chromium: chromium.to_owned(),
        profile_dir: profile,
        allow_private: request.allow_private,
        accept_invalid_certificates: request.accept_invalid_certificates,
        timeout: request.timeout.max(Duration::from_secs(5)),
        settle: custodia_capture::DEFAULT_SETTLE,
        max_bytes: request.max_bytes,
        max_resources: request.max_resources,
        no_sandbox: running_as_root() || std::env::var_os("CUSTODIA_CHROMIUM_NO_SANDBOX").is_some(),
    };
    let software = format!("Custodia {}", env!("CARGO_PKG_VERSION"));
    // The package's digest is signed with the vault's log key as a C2SP signed note (verifiable
    // with the vault's `vkey`, as checkpoints are); its first line says what it is, so it can
    // never pass for a checkpoint.
    let sign = |hash: &str, created: &str| -> Option<Value> {
        use base64::Engine;
        let (note, vkey) = signer
            .sign("wacz datapackage digest", &[hash, created])
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
    let context = CaptureContext {
        operator: request.collected_by.as_deref().unwrap_or(who),
        software: &software,
        media: request.media,
        yt_dlp: custodia_capture::media::yt_dlp(),
        sign: &sign,
    };
    let page = custodia_capture::capture(&request.url, &options, &context, &work).await?;

    // The capture record, with what the ingest will say of it.
    let mut record = page.record.clone();
    record["originator"] = json!(request.originator);
    record["case"] = json!(request.case_ref);
    record["note"] = json!(request.note);
    let record_bytes = serde_json::to_vec_pretty(&record)
        .map_err(|e| CaptureError::Io(format!("{}: the capture record: {e}", request.url)))?;
    let record_hash: [u8; 32] = Sha256::digest(&record_bytes).into();

    // Trusted timestamps over the record's hash, from every configured authority (blocking
    // network calls and OpenSSL, off the runtime's threads).
    let stamping_started = Instant::now();
    let urls = stamping.tsa_urls.clone();
    let ca = stamping.ca_file.clone();
    let stamp_dir = work.clone();
    let stamps = tokio::task::spawn_blocking(move || {
        urls.iter()
            .map(|t| tsa::stamp(t, &record_hash, ca.as_deref(), &stamp_dir))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| CaptureError::Io("the timestamping stopped".into()))?;
    Ok(Prepared {
        page,
        record_bytes,
        stamps,
        timestamps_ms: stamping_started.elapsed().as_millis() as u64,
        _scratch: scratch,
    })
}

/// Stores a prepared capture (the record, then its artefacts and tokens as its children) and
/// returns its entry of `custodia capture --json`.
pub fn store(
    vault: &mut Vault,
    prepared: Prepared,
    request: &CaptureRequest,
    who: &str,
) -> Result<Value, VaultError> {
    let page = &prepared.page;
    let mut errors = page.errors.clone();
    for s in &prepared.stamps {
        if let Some(e) = &s.error {
            errors.push(e.clone());
        }
    }
    let host = url::Url::parse(&page.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "page".into())
        .replace(['[', ']', ':'], "_");
    let stamp14: String = page
        .started_at
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let record_name = format!("captures/{host}/{stamp14}/capture.json");
    let submission = hex::encode(
        &Sha256::digest(format!("capture\0{}\0{}\0{who}", page.url, page.started_at).as_bytes())
            [..16],
    );
    let mut files = Vec::new();
    for a in &page.artefacts {
        let file = std::fs::File::open(&a.path).map_err(|e| {
            VaultError::Invalid(format!("cannot read the capture's {}: {e}", a.name))
        })?;
        files.push((a.name.clone(), file));
    }
    // What each authority answered, kept beside the tokens for whoever reads the capture later.
    let summary = serde_json::to_vec_pretty(&prepared.stamps)
        .map_err(|e| VaultError::Invalid(format!("the timestamps' summary: {e}")))?;
    let mut blobs: Vec<(String, Vec<u8>)> = vec![("timestamps.json".into(), summary)];
    for (i, s) in prepared.stamps.iter().enumerate() {
        if let Some(token) = &s.token {
            blobs.push((format!("timestamps/tsa-{}.tsr", i + 1), token.clone()));
        }
    }
    let mut readers: Vec<(String, &[u8])> = blobs
        .iter()
        .map(|(n, b)| (n.clone(), b.as_slice()))
        .collect();
    let mut artefacts: Vec<CaptureArtefact<'_>> = files
        .iter_mut()
        .map(|(name, file)| CaptureArtefact {
            name: name.clone(),
            reader: file,
        })
        .collect();
    for (name, reader) in readers.iter_mut() {
        artefacts.push(CaptureArtefact {
            name: name.clone(),
            reader,
        });
    }
    let options = IngestOptions {
        originator: request.originator.clone(),
        case_ref: request.case_ref.clone(),
        collected_by: Some(
            request
                .collected_by
                .clone()
                .unwrap_or_else(|| who.to_owned()),
        ),
        collected_at: Some(page.started_at.clone()),
        collection_note: Some(
            request
                .note
                .clone()
                .unwrap_or_else(|| format!("web capture of {}", page.url)),
        ),
        actor: who.to_owned(),
        regime: request.regime,
        jobs: Some(1),
        ..IngestOptions::default()
    };
    let storing = Instant::now();
    let stored = vault.ingest_capture(
        options,
        &submission,
        &record_name,
        &prepared.record_bytes,
        artefacts,
    )?;
    let mut timings = serde_json::to_value(&page.timings).unwrap_or_else(|_| json!({}));
    timings["timestamps_ms"] = json!(prepared.timestamps_ms);
    timings["store_ms"] = json!(storing.elapsed().as_millis() as u64);
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
        "timestamps": prepared.stamps,
        "media": page.media,
        "errors": errors,
        "items": items,
        "timings_ms": timings,
    }))
}

/// The entry of `custodia capture --json` for a page that was not captured.
pub fn failed_entry(url: &str, error: &str) -> Value {
    json!({
        "url": url,
        "final_url": Value::Null,
        "status": Value::Null,
        "title": Value::Null,
        "capture_sha256": Value::Null,
        "wacz_sha256": Value::Null,
        "screenshot_sha256": Value::Null,
        "warc_records": 0,
        "timestamps": [],
        "media": [],
        "errors": [error],
    })
}
