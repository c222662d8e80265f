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

    /// Whether the command's result is to be printed as JSON (`--json`).
    pub fn is_json(&self) -> bool {
        self.json
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
    report: Option<ReportSpool>,
}

/// An ingest's items and problems written as they come to two unnamed files in the vault's
/// scratch folder (gone when the command ends, however it ends), so that the report of ten
/// million items is printed at the end, whole, without being held in memory; and so that a
/// failure half way still leaves stdout one JSON document: the error.
struct ReportSpool {
    json: bool,
    items: Mutex<SpoolFile>,
    errors: Mutex<SpoolFile>,
}

struct SpoolFile {
    file: std::io::BufWriter<std::fs::File>,
    /// The first write error; reported when the ingest ends (the items are stored regardless).
    failed: Option<std::io::Error>,
}

impl SpoolFile {
    fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the scratch folder `{}`", dir.display()))?;
        let file = tempfile::tempfile_in(dir).with_context(|| {
            format!(
                "cannot create a scratch file for the report in `{}`",
                dir.display()
            )
        })?;
        Ok(Self {
            file: std::io::BufWriter::with_capacity(1 << 16, file),
            failed: None,
        })
    }

    /// Appends one entry (one line).
    fn append(&mut self, line: &str) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = writeln!(self.file, "{line}") {
            self.failed = Some(e);
        }
    }

    /// The entries written, from the start.
    fn lines(self) -> Result<std::io::Lines<std::io::BufReader<std::fs::File>>> {
        use std::io::{BufRead, Seek};
        if let Some(e) = self.failed {
            return Err(anyhow::Error::new(e)
                .context("the items are stored, but the report could not be written out"));
        }
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| anyhow::Error::new(e.into_error()))
            .context("the items are stored, but the report could not be written out")?;
        file.rewind()
            .context("the items are stored, but the report could not be read back")?;
        Ok(std::io::BufReader::new(file).lines())
    }
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
            report: None,
        }
    }

    /// Keeps the ingest's report (as JSON or as text) in scratch files in `dir`, to print it with
    /// [`Progress::print_report`].
    pub fn spool_report_in(&mut self, dir: &Path, json: bool) -> Result<()> {
        self.report = Some(ReportSpool {
            json,
            items: Mutex::new(SpoolFile::create(dir)?),
            errors: Mutex::new(SpoolFile::create(dir)?),
        });
        Ok(())
    }

    /// Prints the spooled report on stdout: with `--json` one document, `{"submission",
    /// "items", "errors", "summary"}` as [`custodia_vault::IngestReport`] has it; else a line
    /// per item and per problem.
    pub fn print_report(&mut self, totals: &custodia_vault::IngestTotals) -> Result<()> {
        let Some(spool) = self.report.take() else {
            return Ok(());
        };
        // Both read back before a byte is printed: a spool that failed leaves stdout to the error.
        let items = spool.items.into_inner().unwrap_or_else(|e| e.into_inner());
        let items = items.lines()?;
        let errors = spool.errors.into_inner().unwrap_or_else(|e| e.into_inner());
        let errors = errors.lines()?;
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let written = (|| -> Result<()> {
            if spool.json {
                write!(
                    stdout,
                    "{{\n  \"submission\": {},\n  \"items\": [",
                    serde_json::to_string(&totals.submission)?
                )?;
                copy_json_lines(&mut stdout, items)?;
                write!(stdout, "],\n  \"errors\": [")?;
                copy_json_lines(&mut stdout, errors)?;
                let summary = serde_json::to_string_pretty(&totals.summary)?.replace('\n', "\n  ");
                writeln!(stdout, "],\n  \"summary\": {summary}\n}}")?;
            } else {
                for line in items.chain(errors) {
                    writeln!(stdout, "{}", line?)?;
                }
            }
            stdout.flush()?;
            Ok(())
        })();
        match written {
            Err(e) if is_broken_pipe(&e) => Ok(()),
            other => other,
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
    fn wants_plan(&self) -> bool {
        self.bar.is_some()
    }
    fn durable(&self, items: &[custodia_vault::IngestedItem]) {
        if let Some(report) = &self.report {
            let mut spool = report.items.lock().unwrap_or_else(|e| e.into_inner());
            for item in items {
                if report.json {
                    match serde_json::to_string(item) {
                        Ok(line) => spool.append(&line),
                        Err(e) => spool.failed = Some(std::io::Error::other(e)),
                    }
                } else {
                    spool.append(&format!(
                        "{}  {:<16} {}",
                        item.sha256,
                        format!("{:?}", item.status).to_lowercase(),
                        item.path
                    ));
                }
            }
        }
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
        if let Some(report) = &self.report {
            let mut spool = report.errors.lock().unwrap_or_else(|e| e.into_inner());
            if report.json {
                match serde_json::to_string(error) {
                    Ok(line) => spool.append(&line),
                    Err(e) => spool.failed = Some(std::io::Error::other(e)),
                }
            } else {
                spool.append(&format!("error: `{}`: {}", error.path, error.error));
            }
        }
        let line = format!("warning: `{}`: {}", error.path, error.error);
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

/// Writes lines that each hold one JSON value as the elements of an array, one per line.
fn copy_json_lines(
    out: &mut impl Write,
    lines: impl Iterator<Item = std::io::Result<String>>,
) -> Result<()> {
    let mut first = true;
    for line in lines {
        let line = line?;
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        write!(out, "\n    {line}")?;
    }
    if !first {
        write!(out, "\n  ")?;
    }
    Ok(())
}

/// Whether printing stopped because the reader of stdout went away (`| head`): not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
