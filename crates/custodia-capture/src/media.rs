//! A page's video and audio, fetched by yt-dlp through the capture's own proxy (so the same
//! address rules and size limit hold), with yt-dlp's `info.json` and its version recorded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::proxy::Proxy;
use crate::{BrowseOptions, CaptureError};

pub struct MediaFile {
    pub name: String,
    pub role: String,
    pub path: PathBuf,
}

pub struct Fetched {
    pub version: String,
    pub files: Vec<MediaFile>,
    pub errors: Vec<String>,
}

/// yt-dlp: CUSTODIA_YT_DLP, else `yt-dlp` on the PATH, else the one `scripts/install-deps`
/// installs in `~/.cache/custodia/tools-venv`.
pub fn yt_dlp() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CUSTODIA_YT_DLP") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("yt-dlp"))
        .chain(
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/custodia/tools-venv/bin/yt-dlp")),
        )
        .find(|c| c.is_file())
}

pub async fn fetch(
    url: &str,
    yt_dlp: Option<&Path>,
    options: &BrowseOptions,
    work: &Path,
) -> Result<Fetched, CaptureError> {
    let Some(program) = yt_dlp else {
        return Err(CaptureError::Invalid(format!(
            "{url}: --media needs yt-dlp, which was not found (install it with the project's scripts/install-deps, or set CUSTODIA_YT_DLP)"
        )));
    };
    let version = tokio::process::Command::new(program)
        .arg("--version")
        .output()
        .await
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .map_err(|e| CaptureError::Io(format!("cannot run `{}`: {e}", program.display())))?;
    let proxy = Proxy::start(options.allow_private, options.max_bytes)
        .await
        .map_err(|e| CaptureError::Io(format!("cannot start the capture proxy: {e}")))?;
    let dir = work.join("media");
    std::fs::create_dir(&dir)
        .map_err(|e| CaptureError::Io(format!("cannot make {}: {e}", dir.display())))?;
    let child = tokio::process::Command::new(program)
        .args([
            "--no-playlist",
            "--no-config",
            "--no-cache-dir",
            "--no-cookies-from-browser",
            "--no-progress",
            "--write-info-json",
            "--restrict-filenames",
        ])
        .arg("--proxy")
        .arg(format!("http://{}", proxy.address))
        .arg("--max-filesize")
        .arg(options.max_bytes.to_string())
        .arg("-o")
        .arg(dir.join("%(id).80s.%(ext)s"))
        .arg("--")
        .arg(url)
        .env("HOME", work)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let output =
        match tokio::time::timeout(options.timeout.max(Duration::from_secs(60)), child).await {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => return Err(CaptureError::Io(format!("cannot run yt-dlp: {e}"))),
            Err(_) => {
                return Err(CaptureError::Limit(format!(
                    "{url}: yt-dlp did not finish within {} s; no media kept",
                    options.timeout.max(Duration::from_secs(60)).as_secs()
                )))
            }
        };
    let mut errors = Vec::new();
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| l.contains("ERROR"))
            .take(2)
            .collect::<Vec<_>>()
            .join("; ");
        errors.push(format!("{url}: yt-dlp found no media ({why})"));
    }
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| CaptureError::Io(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".part") || name.ends_with(".ytdl") {
            continue;
        }
        let role = if name.ends_with(".info.json") {
            "media_info"
        } else {
            "media"
        };
        files.push(MediaFile {
            name: format!("media/{name}"),
            role: role.into(),
            path: entry.path(),
        });
    }
    Ok(Fetched {
        version,
        files,
        errors,
    })
}
