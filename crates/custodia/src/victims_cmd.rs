//! The victim register on the command line: `custodia person contact|case|request-info|contacts`,
//! `custodia case milestone …` and `custodia notices due|draft|record|send|letter`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use custodia_vault::custodia_cases::notices::{Channel, MilestoneKind, PersonRole, Reason};
use custodia_vault::victims::{ContactDetails, Letter, NoticeDraft};
use custodia_vault::Access;
use serde_json::json;

use crate::access_cmd::write_vault;
use crate::output::Output;
use crate::{actor, open, Cli};

fn parse<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T> {
    text.parse::<T>().map_err(anyhow::Error::msg)
}

#[derive(Subcommand, Debug)]
pub enum MilestoneCommand {
    /// Record a milestone of the case and the text victims may be told.
    Add {
        reference: String,
        /// investigation_opened, suspect_identified, suspect_arrested, charged,
        /// trial_scheduled, trial_started, verdict, appeal, evidence_shared or case_closed.
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// The day it happened (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: String,
        /// What victims may be told of it.
        #[arg(long = "public-text", value_name = "TEXT")]
        public_text: String,
    },
    /// The case's milestones.
    List { reference: String },
}

#[derive(Subcommand, Debug)]
pub enum NoticesCommand {
    /// Every notice owed to victims and witnesses, by the day it is due (overdue first).
    Due {
        /// The day to count from (YYYY-MM-DD; today when absent).
        #[arg(long = "as-of", value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Draft the notice owed to a person in a case, in their language.
    Draft {
        pseudonym: String,
        #[arg(long = "case", value_name = "REF")]
        case: String,
        #[arg(long = "as-of", value_name = "DATE")]
        as_of: Option<String>,
        /// Also print the letter as PDF for post (by Chromium, found as `chromium` or
        /// CUSTODIA_CHROMIUM).
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        /// Also write the letter as a printable HTML page.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Record a notice sent (a letter posted, a call made, a meeting held).
    Record {
        pseudonym: String,
        #[arg(long = "case", value_name = "REF")]
        case: String,
        /// letter, email, phone, in_person or via_intermediary.
        #[arg(long, value_name = "CHANNEL")]
        channel: String,
        /// The day it was sent or held (YYYY-MM-DD).
        #[arg(long = "sent-at", value_name = "DATE")]
        sent_at: String,
        /// The reasons it settles (milestone, information_request, periodic); every reason
        /// owed on that day when absent.
        #[arg(long = "covers", value_name = "REASON", num_args = 1..)]
        covers: Vec<String>,
        /// The letter as sent, kept sealed in the vault.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// E-mail the notice owed to a person through the relay of vault.json, and record it.
    Send {
        pseudonym: String,
        #[arg(long = "case", value_name = "REF")]
        case: String,
        /// The reasons it settles; every reason owed today when absent.
        #[arg(long = "covers", value_name = "REASON", num_args = 1..)]
        covers: Vec<String>,
    },
    /// Write the letter kept with a notice to a file.
    Letter {
        pseudonym: String,
        /// The notice's number (from `custodia person contacts`).
        notice: i64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// `custodia person contact PSEUDONYM --set FILE`.
pub fn contact(cli: &Cli, out: &Output, pseudonym: &str, file: &Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the contact file `{}`", file.display()))?;
    let details: ContactDetails = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not a contact details file (JSON with language, channel, email, address, intermediary, wants_updates, interval_months)", file.display()))?;
    let (mut vault, actor) = write_vault(cli)?;
    let set = vault.set_person_contact(&actor, pseudonym, details)?;
    out.message(&format!(
        "contact details of `{pseudonym}` recorded; logged at position {}",
        set.ledger_index
    ));
    out.print(&set, String::new);
    Ok(ExitCode::SUCCESS)
}

/// `custodia person case PSEUDONYM REF`.
pub fn link_case(
    cli: &Cli,
    out: &Output,
    pseudonym: &str,
    reference: &str,
    role: &str,
    date: Option<&str>,
) -> Result<ExitCode> {
    let role: PersonRole = parse(role)?;
    let (mut vault, actor) = write_vault(cli)?;
    let linked = vault.link_person_case(&actor, pseudonym, reference, role, date)?;
    out.message(&format!(
        "`{pseudonym}` is a {role} in case `{reference}` from {}; logged at position {}",
        linked.linked_on, linked.ledger_index
    ));
    out.print(&linked, String::new);
    Ok(ExitCode::SUCCESS)
}

/// `custodia person request-info PSEUDONYM --case REF --date DATE (--text TEXT | --text-file
/// FILE)`; `--text -` and `--text-file -` read standard input (a text on the command line is
/// visible to other users of the machine while the command runs, and stays in shell history).
pub fn request_info(
    cli: &Cli,
    out: &Output,
    pseudonym: &str,
    case: &str,
    date: &str,
    text: Option<&str>,
    text_file: Option<&Path>,
) -> Result<ExitCode> {
    let text = match (text, text_file) {
        (Some("-"), None) => read_stdin()?,
        (Some(t), None) => t.to_owned(),
        (None, Some(p)) if p == Path::new("-") => read_stdin()?,
        (None, Some(p)) => std::fs::read_to_string(p)
            .with_context(|| format!("cannot read the request's text `{}`", p.display()))?,
        (None, None) => bail!("give the request's words with `--text-file FILE` (or `-` for standard input) or `--text TEXT`"),
        (Some(_), Some(_)) => bail!("give `--text` or `--text-file`, not both"),
    };
    let (mut vault, actor) = write_vault(cli)?;
    let recorded = vault.record_info_request(&actor, pseudonym, case, date, &text)?;
    out.message(&format!(
        "request for information recorded; to be answered by {}",
        recorded.due_by
    ));
    out.print(&recorded, String::new);
    Ok(ExitCode::SUCCESS)
}

fn read_stdin() -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::io::stdin()
        .take(1 << 20)
        .read_to_string(&mut text)
        .context("cannot read the request's text from standard input")?;
    Ok(text)
}

/// `custodia person contacts PSEUDONYM`.
pub fn contacts(cli: &Cli, out: &Output, pseudonym: &str) -> Result<ExitCode> {
    let vault = open(cli, Access::ReadOnly)?;
    let log = vault.person_contacts(&actor(cli, &vault), pseudonym)?;
    out.print(&log, || {
        let mut t = format!("{}\n", log.pseudonym);
        match &log.contact {
            Some(c) => t.push_str(&format!(
                "  language {}, channel {}, updates {} (every {} months)\n",
                c.language,
                c.channel,
                if c.wants_updates {
                    "wanted"
                } else {
                    "not wanted"
                },
                c.interval_months
            )),
            None => t.push_str("  no contact details recorded\n"),
        }
        for case in &log.cases {
            t.push_str(&format!(
                "  case {} as {} since {}\n",
                case.case, case.role, case.linked_on
            ));
        }
        for e in &log.entries {
            t.push_str(&format!(
                "  {}  {:<20} {}  {}\n",
                e.date,
                e.kind,
                e.case.as_deref().unwrap_or(""),
                e.channel.as_deref().unwrap_or("")
            ));
        }
        t
    });
    Ok(ExitCode::SUCCESS)
}

pub fn milestone(cli: &Cli, out: &Output, command: &MilestoneCommand) -> Result<ExitCode> {
    match command {
        MilestoneCommand::Add {
            reference,
            kind,
            date,
            public_text,
        } => {
            let kind: MilestoneKind = parse(kind)?;
            let (mut vault, actor) = write_vault(cli)?;
            let added = vault.add_milestone(&actor, reference, kind, date, public_text)?;
            out.message(&format!(
                "milestone {} of case `{reference}` recorded; logged at position {}",
                added.milestone, added.ledger_index
            ));
            out.print(&added, String::new);
        }
        MilestoneCommand::List { reference } => {
            let vault = open(cli, Access::ReadOnly)?;
            let list = vault.milestones(&actor(cli, &vault), reference)?;
            out.print(&json!({ "case": reference, "milestones": list }), || {
                list.iter()
                    .map(|m| {
                        format!(
                            "{}  {}  {:<20} {}\n",
                            m.milestone, m.date, m.kind, m.public_text
                        )
                    })
                    .collect()
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn reasons(given: &[String]) -> Result<Option<Vec<Reason>>> {
    if given.is_empty() {
        return Ok(None);
    }
    given
        .iter()
        .map(|r| parse(r))
        .collect::<Result<_>>()
        .map(Some)
}

pub fn notices(cli: &Cli, out: &Output, command: &NoticesCommand) -> Result<ExitCode> {
    match command {
        NoticesCommand::Due { as_of } => {
            let vault = open(cli, Access::ReadOnly)?;
            let due = vault.notices_due(&actor(cli, &vault), as_of.as_deref())?;
            out.print(&due, || {
                if due.notices.is_empty() {
                    return format!("no notice is due as of {}\n", due.as_of);
                }
                due.notices
                    .iter()
                    .map(|n| {
                        format!(
                            "{}{}  {}  {:<20} {:<20} {} {}\n",
                            if n.overdue { "OVERDUE " } else { "" },
                            n.due_by,
                            n.pseudonym,
                            n.case,
                            n.reason,
                            n.language.as_deref().unwrap_or("-"),
                            n.channel.as_deref().unwrap_or("-"),
                        )
                    })
                    .collect()
            });
        }
        NoticesCommand::Draft {
            pseudonym,
            case,
            as_of,
            pdf,
            html,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let draft = vault.draft_notice(&actor, pseudonym, case, as_of.as_deref())?;
            if let Some(path) = html {
                write_new(path, draft.letter_html().as_bytes())?;
            }
            if let Some(path) = pdf {
                print_pdf(&draft, path)?;
                out.message(&format!("letter printed to `{}`", path.display()));
            }
            out.print(&draft, || {
                format!(
                    "Subject: {}\n\n{}\n(covers: {})\n",
                    draft.subject,
                    draft.body,
                    draft.covers.join(", ")
                )
            });
        }
        NoticesCommand::Record {
            pseudonym,
            case,
            channel,
            sent_at,
            covers,
            file,
        } => {
            let channel: Channel = parse(channel)?;
            let covers = reasons(covers)?;
            let letter = match file {
                Some(path) => Some(Letter {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    bytes: std::fs::read(path)
                        .with_context(|| format!("cannot read the letter `{}`", path.display()))?,
                }),
                None => None,
            };
            let (mut vault, actor) = write_vault(cli)?;
            let recorded =
                vault.record_notice(&actor, pseudonym, case, channel, sent_at, covers, letter)?;
            out.message(&format!(
                "notice {} recorded (covers: {}); logged at position {}",
                recorded.notice,
                recorded.covers.join(", "),
                recorded.ledger_index
            ));
            out.print(&recorded, String::new);
        }
        NoticesCommand::Send {
            pseudonym,
            case,
            covers,
        } => {
            let covers = reasons(covers)?;
            let (mut vault, actor) = write_vault(cli)?;
            let recorded = vault.send_notice(&actor, pseudonym, case, covers)?;
            out.message(&format!(
                "notice {} e-mailed and recorded (covers: {}); logged at position {}",
                recorded.notice,
                recorded.covers.join(", "),
                recorded.ledger_index
            ));
            out.print(&recorded, String::new);
        }
        NoticesCommand::Letter {
            pseudonym,
            notice,
            out: path,
        } => {
            let vault = open(cli, Access::ReadOnly)?;
            let letter = vault.notice_letter(&actor(cli, &vault), pseudonym, *notice)?;
            write_new(path, &letter.bytes)?;
            out.print(
                &json!({ "pseudonym": pseudonym, "notice": notice, "name": letter.name,
                          "bytes": letter.bytes.len(), "out": path }),
                || {
                    format!(
                        "wrote `{}` ({} bytes)\n",
                        path.display(),
                        letter.bytes.len()
                    )
                },
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a new file readable by its owner only (a letter holds a victim's address).
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create `{}` (it must not exist yet)", path.display()))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// The Chromium that prints letters and captures pages: CUSTODIA_CHROMIUM, else the first of the usual names on
/// the PATH.
pub(crate) fn chromium() -> Result<PathBuf> {
    if let Some(found) = custodia_capture::find_chromium() {
        return Ok(found);
    }
    bail!("no Chromium found\n\nhint: install Debian's `chromium` package, or set CUSTODIA_CHROMIUM to a Chromium or Chrome binary (for letters, `--html FILE` writes the letter for any other printer)")
}

/// Prints the draft's letter to `path` as PDF (see [`print_html_to_pdf`]).
fn print_pdf(draft: &NoticeDraft, path: &Path) -> Result<()> {
    print_html_to_pdf(&draft.letter_html(), path)
}

/// How long Chromium may take to print one page before it is stopped.
const PRINT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Prints an HTML page to `path` as PDF with headless Chromium, from a private folder in
/// memory-backed storage (`custodia_extract::scratch`: 0700, removed when done, and swept when a
/// vault is next opened for writing if this process dies first), since a letter holds a person's
/// name and address. Chromium is stopped after [`PRINT_TIMEOUT`]. `path` must not exist yet.
pub(crate) fn print_html_to_pdf(html: &str, path: &Path) -> Result<()> {
    if path.exists() {
        bail!(
            "`{}` already exists; refusing to overwrite it",
            path.display()
        );
    }
    let browser = chromium()?;
    let scratch = custodia_vault::custodia_extract::scratch::Scratch::new()
        .context("cannot make a private folder to print in")?;
    let page = scratch
        .write("page.html", html.as_bytes())
        .context("cannot write the page to print")?;
    let printed = scratch.path().join("page.pdf");
    // The folder's name is made of hexadecimal digits and the base's own: nothing a URL must
    // escape but what the base holds, which is escaped here.
    let url: String = format!("file://{}", page.display())
        .chars()
        .flat_map(|c| match c {
            ' ' => "%20".chars().collect::<Vec<_>>(),
            '#' => "%23".chars().collect(),
            '?' => "%3F".chars().collect(),
            '%' => "%25".chars().collect(),
            c => vec![c],
        })
        .collect();
    let mut child = std::process::Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", printed.display()))
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("cannot run `{}`", browser.display()))?;
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < PRINT_TIMEOUT => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "`{}` did not print `{}` within {} s; it was stopped",
                    browser.display(),
                    path.display(),
                    PRINT_TIMEOUT.as_secs()
                );
            }
            Err(e) => bail!("cannot wait for `{}`: {e}", browser.display()),
        }
    };
    let bytes = std::fs::read(&printed)
        .ok()
        .filter(|b| b.starts_with(b"%PDF"));
    match bytes {
        Some(bytes) if status.success() => write_new(path, &bytes),
        _ => bail!(
            "`{}` did not print `{}` (exit status {status})",
            browser.display(),
            path.display()
        ),
    }
}
