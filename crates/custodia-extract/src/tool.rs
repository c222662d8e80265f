//! External tools (Tesseract for OCR, `ffprobe`, `pdftoppm`): run with a time limit and an
//! address-space limit, on a private temporary copy of the input that is removed afterwards.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{ExtractError, Limits, Result};

/// A private temporary folder (0700), removed on drop.
pub(crate) struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("custodia-extract-")
            .tempdir()
            .map_err(|e| ExtractError::Tool {
                tool: "scratch",
                detail: format!("cannot create a temporary folder: {e}"),
            })?;
        Ok(Self { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.dir.path().join(name);
        let mut file = std::fs::File::create(&path).map_err(|e| ExtractError::Tool {
            tool: "scratch",
            detail: format!("cannot write `{}`: {e}", path.display()),
        })?;
        file.write_all(bytes).map_err(|e| ExtractError::Tool {
            tool: "scratch",
            detail: e.to_string(),
        })?;
        Ok(path)
    }
}

/// Runs `program args…` under `sh -c 'ulimit -v …; exec …'`, killing it after the time limit.
/// Returns its stdout.
pub(crate) fn run(tool: &'static str, args: &[&str], limits: &Limits) -> Result<Vec<u8>> {
    let kib = (limits.tool_memory_bytes / 1024).max(1);
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec \"$0\" \"$@\""))
        .arg(tool)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("OMP_THREAD_LIMIT", "1");
    let mut child = command.spawn().map_err(|e| ExtractError::ToolMissing {
        tool,
        detail: e.to_string(),
    })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(64 << 10).read_to_end(&mut buf);
        }
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limits.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ExtractError::Timeout {
                    format: tool,
                    seconds: limits.timeout.as_secs(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(ExtractError::Tool {
                    tool,
                    detail: e.to_string(),
                })
            }
        }
    };
    let out = out_thread.join().unwrap_or_default();
    let err = err_thread.join().unwrap_or_default();
    if status.code() == Some(127) {
        return Err(ExtractError::ToolMissing {
            tool,
            detail: String::from_utf8_lossy(&err).trim().to_owned(),
        });
    }
    if !status.success() {
        return Err(ExtractError::Tool {
            tool,
            detail: format!(
                "{status}: {}",
                String::from_utf8_lossy(&err)
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
            ),
        });
    }
    Ok(out)
}

/// Tesseract's version (`5.3.0`) and installed languages, asked once per process.
fn tesseract_info() -> &'static Result<(String, Vec<String>)> {
    static INFO: OnceLock<Result<(String, Vec<String>)>> = OnceLock::new();
    INFO.get_or_init(|| {
        let limits = Limits {
            timeout: Duration::from_secs(30),
            ..Limits::default()
        };
        let out = run("tesseract", &["--version"], &limits)?;
        let text = String::from_utf8_lossy(&out);
        let version = text
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("unknown")
            .to_owned();
        let langs = run("tesseract", &["--list-langs"], &limits)?;
        let langs = String::from_utf8_lossy(&langs)
            .lines()
            .skip(1)
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        Ok((version, langs))
    })
}

/// The installed Tesseract version, if any.
pub fn tesseract_version() -> Option<String> {
    tesseract_info().as_ref().ok().map(|(v, _)| v.clone())
}

/// Text read from an image by OCR, with what read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrOutput {
    pub text: String,
    pub version: String,
    pub languages: Vec<String>,
    pub missing_languages: Vec<String>,
    /// The script Tesseract's orientation and script detection saw, when the languages were
    /// chosen from it (`Arabic`, `Latin`…).
    pub script: Option<String>,
}

/// The value of `ocr_languages` that chooses the languages from the page itself.
pub const DETECT: &str = "auto";

/// The languages a page may be read in when they are chosen from its script: those of the
/// collections held (Arabic, Sorani and Kurmanji Kurdish, English, Dutch, French), as installed.
pub const DETECTION_POOL: &[&str] = &["ara", "ckb", "kmr", "eng", "nld", "fra"];

/// The script of a Tesseract language, as its script detection names it.
fn script_of(language: &str) -> &'static str {
    match language {
        "ara" | "ckb" | "fas" | "urd" | "pus" | "snd" | "uig" => "Arabic",
        "rus" | "ukr" | "bel" | "bul" | "srp" | "mkd" => "Cyrillic",
        "heb" | "yid" => "Hebrew",
        "syr" => "Syriac",
        "ell" | "grc" => "Greek",
        _ => "Latin",
    }
}

/// The languages to read a page in: those wanted (the installed ones), or with [`DETECT`] those
/// of the page's script among [`DETECTION_POOL`]. Returns the languages, those missing, and the
/// script when detection chose.
fn choose_languages(
    path: &Path,
    wanted: &[String],
    installed: &[String],
    limits: &Limits,
) -> (Vec<String>, Vec<String>, Option<String>) {
    if wanted.iter().any(|l| l != DETECT) {
        let (languages, missing) = wanted
            .iter()
            .filter(|l| *l != DETECT)
            .cloned()
            .partition(|l| installed.contains(l));
        return (languages, missing, None);
    }
    let pool: Vec<String> = DETECTION_POOL
        .iter()
        .filter(|l| installed.iter().any(|i| i == *l))
        .map(|l| (*l).to_owned())
        .collect();
    let Some(script) = detect_script(path, installed, limits) else {
        // Too little text to tell, or no detection data: every language of the pool.
        return (pool, Vec::new(), None);
    };
    let of_script: Vec<String> = pool
        .iter()
        .filter(|l| script_of(l) == script)
        .cloned()
        .collect();
    if of_script.is_empty() {
        (pool, Vec::new(), Some(script))
    } else {
        (of_script, Vec::new(), Some(script))
    }
}

/// The script of the text on an image, by Tesseract's orientation and script detection
/// (`--psm 0`, the `osd` data). `None` when it cannot tell.
fn detect_script(path: &Path, installed: &[String], limits: &Limits) -> Option<String> {
    if !installed.iter().any(|l| l == "osd") {
        return None;
    }
    let path_text = path.to_string_lossy();
    let out = run(
        "tesseract",
        &[&path_text, "stdout", "--psm", "0", "-l", "osd"],
        limits,
    )
    .ok()?;
    parse_script(&String::from_utf8_lossy(&out))
}

/// Reads `Script: Arabic` and its confidence from Tesseract's detection report; a script
/// detected with confidence under 1 is not trusted.
fn parse_script(report: &str) -> Option<String> {
    let field = |name: &str| {
        report.lines().find_map(|l| {
            l.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(|v| v.trim().to_owned())
        })
    };
    let script = field("Script")?;
    let confidence: f32 = field("Script confidence")?.parse().ok()?;
    (confidence >= 1.0 && !script.is_empty()).then_some(script)
}

/// Reads the text of an image file with Tesseract in the wanted languages (those installed), or
/// with `["auto"]` ([`DETECT`]) in the languages of its script.
pub fn ocr_image(path: &Path, wanted: &[String], limits: &Limits) -> Result<OcrOutput> {
    let (version, installed) = tesseract_info().as_ref().map_err(Clone::clone)?;
    let (languages, missing, script) = choose_languages(path, wanted, installed, limits);
    if languages.is_empty() {
        return Err(ExtractError::ToolMissing {
            tool: "tesseract",
            detail: format!("none of the OCR languages {wanted:?} is installed"),
        });
    }
    let path_text = path.to_string_lossy();
    let joined = languages.join("+");
    let out = run(
        "tesseract",
        &[&path_text, "stdout", "-l", &joined, "--psm", "3"],
        limits,
    )?;
    Ok(OcrOutput {
        text: String::from_utf8_lossy(&out).into_owned(),
        version: version.clone(),
        languages,
        missing_languages: missing,
        script,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_is_read_from_the_detection_report() {
        let report = "Page number: 0\nOrientation in degrees: 0\nRotate: 0\n\
            Orientation confidence: 2.37\nScript: Arabic\nScript confidence: 3.33\n";
        assert_eq!(parse_script(report), Some("Arabic".to_owned()));
        let unsure = "Script: Latin\nScript confidence: 0.40\n";
        assert_eq!(parse_script(unsure), None);
        assert_eq!(parse_script("Too few characters. Skipping this page"), None);
    }

    #[test]
    fn languages_of_a_script() {
        assert_eq!(script_of("ara"), "Arabic");
        assert_eq!(script_of("ckb"), "Arabic");
        assert_eq!(script_of("kmr"), "Latin");
        assert_eq!(script_of("nld"), "Latin");
    }
}
