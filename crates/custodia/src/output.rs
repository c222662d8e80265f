//! Where output goes: data on stdout (one JSON document with `--json`), everything else on
//! stderr; a progress bar only on a terminal.

use std::io::Write;

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

/// Ingest progress: a byte-counting bar on a terminal, nothing otherwise.
pub struct Progress {
    bar: Option<ProgressBar>,
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
        Self { bar }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
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
    fn problem(&self, error: &custodia_vault::InputError) {
        let line = format!("warning: `{}`: {}", error.path, error.error);
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}
