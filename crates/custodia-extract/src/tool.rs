//! External tools (Tesseract for OCR, `ffprobe`, `pdftoppm`): run with a time limit and an
//! address-space limit. Their input comes through a pipe wherever the tool reads one (Tesseract,
//! `pdftoppm`), so no decrypted byte is written anywhere; a tool that must seek in a file gets a
//! copy in a private memory-backed folder ([`crate::scratch`]).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{ExtractError, Limits, Result};

/// Runs `program args…` under `sh -c 'ulimit -v …; exec …'`, killing it after the time limit.
/// Returns its stdout.
pub(crate) fn run(tool: &'static str, args: &[&str], limits: &Limits) -> Result<Vec<u8>> {
    run_tool(tool, args, None, limits)
}

/// Runs `tool args…` as [`run`] does, with `input` (if any) written to its standard input
/// through a pipe, and returns its standard output. For callers outside this crate (the vault's
/// redaction) as for its own formats: the one way Custodia hands evidence to a program.
pub fn run_tool(
    tool: &'static str,
    args: &[&str],
    input: Option<&[u8]>,
    limits: &Limits,
) -> Result<Vec<u8>> {
    let kib = (limits.tool_memory_bytes / 1024).max(1);
    // The processor time limit is the kernel's (`ulimit -t`: SIGXCPU at the soft limit, SIGKILL
    // five seconds later for a tool that ignores it); the clock
    // limit below is the backstop for a tool that waits on something instead of working.
    let cpu_seconds = limits.timeout.as_secs().max(1);
    let (priority, clock_limit) = if limits.background {
        ("nice -n 10 ", limits.timeout.saturating_mul(4))
    } else {
        ("", limits.timeout)
    };
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -v {kib}; ulimit -H -t {}; ulimit -S -t {cpu_seconds}; exec {priority}\"$0\" \"$@\"",
            cpu_seconds + 5
        ))
        .arg(tool)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("OMP_THREAD_LIMIT", "1");
    let mut child = command.spawn().map_err(|e| ExtractError::ToolMissing {
        tool,
        detail: e.to_string(),
    })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    // The input goes in from its own thread, so that a tool writing before it has read
    // everything cannot block both sides; a tool that stops reading early (an error) closes the
    // pipe, which ends the writer.
    let feeder = match (child.stdin.take(), input) {
        (Some(mut stdin), Some(bytes)) => {
            let bytes = bytes.to_vec();
            Some(std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            }))
        }
        _ => None,
    };
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
            Ok(None) if started.elapsed() > clock_limit => {
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
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    // SIGXCPU: the processor time limit was reached.
    if std::os::unix::process::ExitStatusExt::signal(&status) == Some(SIGXCPU) {
        return Err(ExtractError::Timeout {
            format: tool,
            seconds: limits.timeout.as_secs(),
        });
    }
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

/// The signal the kernel sends a process past its processor time limit (Linux).
const SIGXCPU: i32 = 24;

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

/// The languages a page may be read in when they are chosen from the page: those of the
/// collections held, as installed, each script's first language first (Arabic, then Sorani
/// Kurdish; English, then Dutch, French and Kurmanji Kurdish).
pub const DETECTION_POOL: &[&str] = &["ara", "ckb", "eng", "nld", "fra", "kmr"];

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

/// The script of the text on an image, by Tesseract's orientation and script detection
/// (`--psm 0`, the `osd` data). `None` when it cannot tell.
fn detect_script(image: &[u8], installed: &[String], limits: &Limits) -> Option<String> {
    if !installed.iter().any(|l| l == "osd") {
        return None;
    }
    let out = run_tool(
        "tesseract",
        &["stdin", "stdout", "--psm", "0", "-l", "osd"],
        Some(image),
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

/// How sure the language detector must be of a first reading's language to read the page again
/// in that language alone.
const LANGUAGE_CONFIDENCE: f64 = 0.5;

fn read_in(image: &[u8], languages: &[String], limits: &Limits) -> Result<String> {
    let joined = languages.join("+");
    let out = run_tool(
        "tesseract",
        &["stdin", "stdout", "-l", &joined, "--psm", "3"],
        Some(image),
        limits,
    )?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Reads the text of an image (its encoded bytes: PNG, JPEG, TIFF, PNM…, handed to Tesseract
/// through a pipe) in the wanted languages (those installed), or with `["auto"]` ([`DETECT`]) in
/// languages chosen from the page (see [`read_detecting`]).
pub fn ocr_image(image: &[u8], wanted: &[String], limits: &Limits) -> Result<OcrOutput> {
    let (version, installed) = tesseract_info().as_ref().map_err(Clone::clone)?;
    if wanted.iter().all(|l| l == DETECT) {
        let (text, languages, script) = read_detecting(image, installed, limits)?;
        return Ok(OcrOutput {
            text,
            version: version.clone(),
            languages,
            missing_languages: Vec::new(),
            script,
        });
    }
    let (languages, missing): (Vec<String>, Vec<String>) = wanted
        .iter()
        .filter(|l| *l != DETECT)
        .cloned()
        .partition(|l| installed.contains(l));
    if languages.is_empty() {
        return Err(ExtractError::ToolMissing {
            tool: "tesseract",
            detail: format!("none of the OCR languages {wanted:?} is installed"),
        });
    }
    Ok(OcrOutput {
        text: read_in(image, &languages, limits)?,
        version: version.clone(),
        languages,
        missing_languages: missing,
        script: None,
    })
}

/// Chooses the languages from the page: its script first (Tesseract's detection), then a first
/// reading in that script's first language of [`DETECTION_POOL`], whose detected language
/// decides the reading kept. A page in that first language is kept as read; a page in another
/// language of the pool is read again in it alone; a page whose language cannot be told (too
/// little text, or a language the detector does not know, such as Kurmanji) is read again in
/// every language of its script. Reading one language instead of four is about twice as fast.
fn read_detecting(
    image: &[u8],
    installed: &[String],
    limits: &Limits,
) -> Result<(String, Vec<String>, Option<String>)> {
    let pool: Vec<String> = DETECTION_POOL
        .iter()
        .filter(|l| installed.iter().any(|i| i == *l))
        .map(|l| (*l).to_owned())
        .collect();
    if pool.is_empty() {
        return Err(ExtractError::ToolMissing {
            tool: "tesseract",
            detail: format!("none of the OCR languages {DETECTION_POOL:?} is installed"),
        });
    }
    let script = detect_script(image, installed, limits);
    let of_script: Vec<String> = pool
        .iter()
        .filter(|l| Some(script_of(l)) == script.as_deref())
        .cloned()
        .collect();
    if of_script.is_empty() {
        // No script told, or none of the pool's: every language, in one reading.
        return Ok((read_in(image, &pool, limits)?, pool, script));
    }
    let first = vec![of_script[0].clone()];
    let text = read_in(image, &first, limits)?;
    if of_script.len() == 1 {
        return Ok((text, first, script));
    }
    match crate::language::detect_language(&text) {
        Some(l) if l.confidence >= LANGUAGE_CONFIDENCE && l.code == first[0] => {
            Ok((text, first, script))
        }
        Some(l) if l.confidence >= LANGUAGE_CONFIDENCE && of_script.contains(&l.code) => {
            let languages = vec![l.code];
            Ok((read_in(image, &languages, limits)?, languages, script))
        }
        _ => Ok((read_in(image, &of_script, limits)?, of_script, script)),
    }
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

    fn limits(timeout_secs: u64, background: bool) -> Limits {
        Limits {
            timeout: Duration::from_secs(timeout_secs),
            background,
            ..Limits::default()
        }
    }

    #[test]
    fn background_tools_yield_the_processor_and_others_do_not() {
        // `nice` without arguments prints the niceness it runs at.
        let niceness = |background| {
            let out = run_tool("nice", &[], None, &limits(10, background)).unwrap();
            String::from_utf8(out)
                .unwrap()
                .trim()
                .parse::<i32>()
                .unwrap()
        };
        let own = niceness(false);
        assert_eq!(niceness(true), (own + 10).min(19));
    }

    #[test]
    fn a_tool_that_computes_past_its_time_limit_is_stopped() {
        let started = Instant::now();
        let e = run_tool("sh", &["-c", "while :; do :; done"], None, &limits(1, true)).unwrap_err();
        assert!(matches!(e, ExtractError::Timeout { seconds: 1, .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn a_missing_tool_is_named_in_the_background_too() {
        let e = run_tool("no-such-tool-here", &[], None, &limits(10, true)).unwrap_err();
        assert!(matches!(e, ExtractError::ToolMissing { .. }), "{e}");
    }

    #[test]
    fn languages_of_a_script() {
        assert_eq!(script_of("ara"), "Arabic");
        assert_eq!(script_of("ckb"), "Arabic");
        assert_eq!(script_of("kmr"), "Latin");
        assert_eq!(script_of("nld"), "Latin");
    }
}
