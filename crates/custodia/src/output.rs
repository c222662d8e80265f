//! Where output goes: data on stdout (one JSON document with `--json`), everything else on
//! stderr; a progress bar only on a terminal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints the command's result: `value` as JSON with `--json`, else the text `human` makes.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => {
                    let _ = writeln!(stdout, "{text}");
                }
                Err(e) => {
                    let _ = writeln!(
                        stdout,
                        "{}",
                        serde_json::json!({ "error": format!("cannot render the result: {e}") })
                    );
                }
            }
        } else {
            let _ = write!(stdout, "{}", human());
        }
        let _ = stdout.flush();
    }

    /// [`Output::print`] for a large result: with `--json` the document is written as it is
    /// rendered, without being held whole in memory first.
    pub fn print_large<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if !self.json {
            return self.print(value, human);
        }
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        if let Err(e) = serde_json::to_writer_pretty(&mut stdout, value) {
            if e.is_io() {
                return;
            }
            let _ = writeln!(
                stdout,
                "{}",
                serde_json::json!({ "error": format!("cannot render the result: {e}") })
            );
        }
        let _ = writeln!(stdout);
        let _ = stdout.flush();
    }

    /// A message for people, on stderr.
    pub fn message(&self, text: &str) {
        eprintln!("{text}");
    }

    /// Reports a failure: on stderr always, and as the JSON document with `--json`.
    pub fn error(&self, error: &anyhow::Error) {
        let text = format!("{error:#}");
        eprintln!("error: {text}");
        if self.json {
            let chain: Vec<String> = error.chain().map(|e| e.to_string()).collect();
            println!("{}", serde_json::json!({ "error": text, "causes": chain }));
        }
    }
}

/// Ingest progress: a byte-counting bar on a terminal, nothing otherwise; and, when asked for,
/// a file of acknowledgements (one JSON line per durable item).
pub struct Progress {
    bar: Option<ProgressBar>,
    acknowledgements: Option<Mutex<Acknowledgements>>,
}

struct Acknowledgements {
    path: PathBuf,
    file: std::fs::File,
    /// The first write error; reported when the ingest ends (the items are stored regardless).
    failed: Option<std::io::Error>,
}

impl Progress {
    pub fn new(terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {bytes}/{total_bytes} {bar:30} {bytes_per_sec} eta {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            acknowledgements: None,
        }
    }

    /// Appends acknowledgements to `path` (created if missing).
    pub fn acknowledge_to(&mut self, path: &Path) -> Result<()> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| {
                format!("cannot open the acknowledgements file `{}`", path.display())
            })?;
        self.acknowledgements = Some(Mutex::new(Acknowledgements {
            path: path.to_owned(),
            file,
            failed: None,
        }));
        Ok(())
    }

    pub fn finish(&self) -> Result<()> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if let Some(acks) = &self.acknowledgements {
            let mut acks = acks.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = acks.failed.take() {
                return Err(anyhow::Error::new(e).context(format!(
                    "the items are stored, but writing acknowledgements to `{}` failed",
                    acks.path.display()
                )));
            }
        }
        Ok(())
    }
}

impl custodia_vault::IngestProgress for Progress {
    fn planned(&self, files: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
            bar.set_message(format!("{files} files"));
        }
    }
    fn advanced(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }
    fn durable(&self, items: &[custodia_vault::IngestedItem]) {
        let Some(acks) = &self.acknowledgements else {
            return;
        };
        let mut acks = acks.lock().unwrap_or_else(|e| e.into_inner());
        if acks.failed.is_some() {
            return;
        }
        let mut text = String::new();
        for item in items {
            match serde_json::to_string(item) {
                Ok(line) => {
                    text.push_str(&line);
                    text.push('\n');
                }
                Err(e) => {
                    acks.failed = Some(std::io::Error::other(e));
                    return;
                }
            }
        }
        // One write per call, so that a reader never sees half a line of a finished write.
        if let Err(e) = acks.file.write_all(text.as_bytes()) {
            acks.failed = Some(e);
        }
    }
    fn problem(&self, error: &custodia_vault::InputError) {
        let line = format!("warning: `{}`: {}", error.path, error.error);
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}
