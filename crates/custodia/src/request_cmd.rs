//! `custodia request …` (requests for assistance) and `custodia person …` (witnesses and
//! survivors): the sharing workflow from filing to the disclosure package.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use custodia_vault::custodia_access::OrganisationKind;
use custodia_vault::{PackageRequest, RequestFiling, RequestView, ScopeSpec};
use serde_json::json;

use crate::access_cmd::{read_conditions, write_vault};
use crate::output::Output;
use crate::{actor, open, parse_hash, Cli};
use custodia_vault::Access;

#[derive(Subcommand, Debug)]
pub enum RequestCommand {
    /// File a request for assistance (a requester, for their own authority).
    File {
        /// The requesting authority (default: the acting user's organisation).
        #[arg(long, value_name = "ORG")]
        authority: Option<String>,
        #[arg(long, value_name = "TEXT")]
        legal_basis: String,
        #[arg(long = "case-ref", value_name = "REF")]
        case_ref: Option<String>,
        #[arg(long = "suspect", value_name = "NAME")]
        suspects: Vec<String>,
        #[arg(long = "crime", value_name = "TEXT")]
        crimes: Vec<String>,
        /// The period concerned, e.g. `2014-08..2015-12`.
        #[arg(long, value_name = "TEXT")]
        period: Option<String>,
        #[arg(long = "place", value_name = "TEXT")]
        places: Vec<String>,
        /// What is asked, in words.
        #[arg(long, value_name = "TEXT")]
        text: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        deadline: Option<String>,
    },
    /// Add items to a request's candidate set (the holder's custodians): hand-picked, and every
    /// item a saved search finds (each search is itself logged).
    Scope {
        id: String,
        #[arg(value_name = "SHA256", required_unless_present = "searches")]
        items: Vec<String>,
        /// A search (the `custodia search` query language) whose hits join the candidate set
        /// (repeatable).
        #[arg(long = "search", value_name = "QUERY")]
        searches: Vec<String>,
    },
    /// An originator's liaison grants or refuses consent for its items in a request.
    Decide {
        id: String,
        /// Grant (optionally with `--conditions`).
        #[arg(long, conflicts_with = "refuse")]
        grant: bool,
        /// Refuse (with `--reason`).
        #[arg(long)]
        refuse: bool,
        /// The items decided on (default: every item of the liaison's organisation in it).
        #[arg(value_name = "SHA256")]
        items: Vec<String>,
        #[arg(long, value_name = "FILE")]
        conditions: Option<PathBuf>,
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Build the disclosure package of every ready item and close the request.
    Finalise {
        id: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long)]
        zip: bool,
        /// Conditions for the whole package, beside those of the consents.
        #[arg(long, value_name = "FILE")]
        conditions: Option<PathBuf>,
    },
    /// A request's state, the time spent in each state, who it waits on and its items.
    Show { id: String },
    /// Requests the acting user has a part in.
    List {
        /// Only open requests whose deadline is at most this many days away (reminders).
        #[arg(long, value_name = "DAYS")]
        due_within: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PersonCommand {
    /// Record a witness or survivor under a pseudonym.
    Add {
        pseudonym: String,
        /// A JSON file with the real identity (name, date of birth, contact…).
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
        /// A protective measure (repeatable).
        #[arg(long = "measure", value_name = "TEXT")]
        measures: Vec<String>,
    },
    /// Record the person's own consent: kinds of recipient allowed, organisations excluded.
    Scope {
        pseudonym: String,
        /// A kind of organisation their statements may go to (repeatable):
        /// requesting_authority, ngo, originator, holder.
        #[arg(long = "allow", value_name = "KIND")]
        allow: Vec<String>,
        /// An organisation their statements may never go to (repeatable).
        #[arg(long = "exclude", value_name = "ORG")]
        exclude: Vec<String>,
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Mark items as the person's statements.
    Link {
        pseudonym: String,
        #[arg(required = true, value_name = "SHA256")]
        items: Vec<String>,
    },
    /// A person's record (the real identity only for victim support officers).
    Show { pseudonym: String },
    /// Every person's pseudonym.
    List,
    /// Set the person's contact details and wishes (victim support officers).
    Contact {
        pseudonym: String,
        /// A JSON file: language, channel, email, address, phone, intermediary, wants_updates,
        /// interval_months.
        #[arg(long = "set", value_name = "FILE")]
        set: PathBuf,
    },
    /// Link the person to a case as a victim, a witness or both.
    Case {
        pseudonym: String,
        reference: String,
        /// victim, witness or victim_witness.
        #[arg(long, value_name = "ROLE", default_value = "victim")]
        role: String,
        /// The day from which notices are owed (YYYY-MM-DD; today when absent).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Record the person's own request for information in a case (answered within 14 days).
    RequestInfo {
        pseudonym: String,
        #[arg(long = "case", value_name = "REF")]
        case: String,
        /// The day the person asked (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: String,
        /// What they asked (`-`: standard input). Prefer `--text-file`: words on the command
        /// line are visible to other users of the machine and stay in shell history.
        #[arg(long, value_name = "TEXT")]
        text: Option<String>,
        /// A file holding what they asked (`-`: standard input).
        #[arg(long = "text-file", value_name = "FILE")]
        text_file: Option<PathBuf>,
    },
    /// The person's contact details and contact log: notices sent, requests made.
    Contacts { pseudonym: String },
}

fn human(view: &RequestView) -> String {
    let mut t = format!(
        "{}  {}  state: {}  (waiting for: {})\n  legal basis: {}\n",
        view.id, view.authority, view.state, view.waiting_for, view.legal_basis
    );
    if let Some(deadline) = &view.deadline {
        t.push_str(&format!(
            "  deadline: {deadline} ({} days left)\n",
            view.days_left.unwrap_or(0)
        ));
    }
    for s in &view.states {
        t.push_str(&format!(
            "  {} at {} by {} ({:.0} s)\n",
            s.state, s.at, s.by, s.seconds
        ));
    }
    for w in &view.waits_on {
        t.push_str(&format!(
            "  waits on {} ({} item(s); liaisons: {})\n",
            w.organisation,
            w.items,
            w.liaisons.join(", ")
        ));
    }
    for i in &view.items {
        t.push_str(&format!(
            "  {}  {}{}\n",
            i.sha256,
            i.status.as_str(),
            i.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
    }
    t
}

pub fn request(cli: &Cli, out: &Output, command: &RequestCommand) -> Result<ExitCode> {
    match command {
        RequestCommand::File {
            authority,
            legal_basis,
            case_ref,
            suspects,
            crimes,
            period,
            places,
            text,
            deadline,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let authority = match authority {
                Some(a) => a.clone(),
                None => vault.principal(&actor)?.organisation,
            };
            let view = vault.file_request(
                &actor,
                &RequestFiling {
                    authority,
                    legal_basis: legal_basis.clone(),
                    case_ref: case_ref.clone(),
                    suspects: suspects.clone(),
                    crimes: crimes.clone(),
                    period: period.clone(),
                    places: places.clone(),
                    text: text.clone(),
                    deadline: deadline.clone(),
                },
            )?;
            out.message(&format!("filed request {}", view.id));
            out.print(&view, || human(&view));
        }
        RequestCommand::Scope {
            id,
            items,
            searches,
        } => {
            let mut hashes = items
                .iter()
                .map(|s| parse_hash(s))
                .collect::<Result<Vec<_>>>()?;
            let (mut vault, actor) = write_vault(cli)?;
            for query in searches {
                let found = vault.search(&actor, query, 100_000, Default::default())?;
                out.message(&format!(
                    "search `{query}`: {} document(s)",
                    found.results.total
                ));
                for hit in &found.results.hits {
                    let hash = parse_hash(&hit.item)?;
                    if !hashes.contains(&hash) {
                        hashes.push(hash);
                    }
                }
            }
            let view = vault.scope_request(&actor, id, &hashes)?;
            out.print(&view, || human(&view));
        }
        RequestCommand::Decide {
            id,
            grant,
            refuse,
            items,
            conditions,
            reason,
        } => {
            if grant == refuse {
                bail!("say `--grant` or `--refuse`");
            }
            let hashes = items
                .iter()
                .map(|s| parse_hash(s))
                .collect::<Result<Vec<_>>>()?;
            let conditions = match conditions {
                Some(path) => read_conditions(path)?,
                None => json!([]),
            };
            let (mut vault, actor) = write_vault(cli)?;
            let view = vault.decide_request(
                &actor,
                id,
                *grant,
                (!hashes.is_empty()).then_some(hashes.as_slice()),
                conditions,
                reason.as_deref(),
            )?;
            out.print(&view, || human(&view));
        }
        RequestCommand::Finalise {
            id,
            out: path,
            zip,
            conditions,
        } => {
            let conditions = match conditions {
                Some(file) => read_conditions(file)?
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            let (mut vault, actor) = write_vault(cli)?;
            let (view, receipt) = vault
                .finalise_request(
                    &actor,
                    id,
                    PackageRequest {
                        out: path.clone(),
                        zip: *zip,
                        conditions,
                        ..PackageRequest::default()
                    },
                )
                .with_context(|| format!("cannot finalise request `{id}`"))?;
            out.message(&format!(
                "request {id} finalised: package {} at `{}` with {} item(s)",
                receipt.id,
                receipt.path,
                receipt.items.len()
            ));
            out.print(&json!({ "request": view, "package": receipt }), || {
                human(&view)
            });
        }
        RequestCommand::Show { id } => {
            let vault = open(cli, Access::ReadOnly)?;
            let view = vault.request_view(&actor(cli, &vault), id)?;
            out.print(&view, || human(&view));
        }
        RequestCommand::List { due_within } => {
            let vault = open(cli, Access::ReadOnly)?;
            let list = vault.request_list(&actor(cli, &vault), *due_within)?;
            out.print(&json!({ "requests": list }), || {
                list.iter().map(human).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn person(cli: &Cli, out: &Output, command: &PersonCommand) -> Result<ExitCode> {
    match command {
        PersonCommand::Add {
            pseudonym,
            identity,
            measures,
        } => {
            let text = std::fs::read_to_string(identity).with_context(|| {
                format!("cannot read the identity file `{}`", identity.display())
            })?;
            let identity: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("`{}` is not JSON", identity.display()))?;
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.add_person(&actor, pseudonym, identity, measures.clone())?;
            out.message(&format!(
                "recorded `{pseudonym}`; logged at position {index}"
            ));
            out.print(
                &json!({ "pseudonym": pseudonym, "ledger_index": index }),
                String::new,
            );
        }
        PersonCommand::Scope {
            pseudonym,
            allow,
            exclude,
            note,
        } => {
            let allow_kinds = allow
                .iter()
                .map(|k| k.parse::<OrganisationKind>().map_err(anyhow::Error::msg))
                .collect::<Result<_>>()?;
            let (mut vault, actor) = write_vault(cli)?;
            let spec = ScopeSpec {
                allow_kinds,
                exclude: exclude.iter().cloned().collect(),
                note: note.clone(),
            };
            let index = vault.set_person_scope(&actor, pseudonym, spec.clone())?;
            out.message(&format!(
                "consent of `{pseudonym}` recorded; logged at position {index}"
            ));
            out.print(
                &json!({ "pseudonym": pseudonym, "scope": spec, "ledger_index": index }),
                String::new,
            );
        }
        PersonCommand::Link { pseudonym, items } => {
            let hashes = items
                .iter()
                .map(|s| parse_hash(s))
                .collect::<Result<Vec<_>>>()?;
            let (mut vault, actor) = write_vault(cli)?;
            let indexes = vault.link_statements(&actor, pseudonym, &hashes)?;
            out.print(
                &json!({ "pseudonym": pseudonym, "items": items, "ledger_indexes": indexes }),
                String::new,
            );
        }
        PersonCommand::Show { pseudonym } => {
            let vault = open(cli, Access::ReadOnly)?;
            let view = vault.person_view(&actor(cli, &vault), pseudonym)?;
            out.print(&view, || {
                format!(
                    "{}\n  identity: {}\n  measures: {}\n  consent: {}\n  statements: {}\n",
                    view.pseudonym,
                    view.identity
                        .as_ref()
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "(withheld)".into()),
                    view.protective_measures,
                    view.scope
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "(none yet: nothing may go out)".into()),
                    view.statements.len()
                )
            });
        }
        PersonCommand::Contact { pseudonym, set } => {
            return crate::victims_cmd::contact(cli, out, pseudonym, set)
        }
        PersonCommand::Case {
            pseudonym,
            reference,
            role,
            date,
        } => {
            return crate::victims_cmd::link_case(
                cli,
                out,
                pseudonym,
                reference,
                role,
                date.as_deref(),
            )
        }
        PersonCommand::RequestInfo {
            pseudonym,
            case,
            date,
            text,
            text_file,
        } => {
            return crate::victims_cmd::request_info(
                cli,
                out,
                pseudonym,
                case,
                date,
                text.as_deref(),
                text_file.as_deref(),
            )
        }
        PersonCommand::Contacts { pseudonym } => {
            return crate::victims_cmd::contacts(cli, out, pseudonym)
        }
        PersonCommand::List => {
            let vault = open(cli, Access::ReadOnly)?;
            let list = vault.person_list(&actor(cli, &vault))?;
            out.print(&json!({ "persons": list }), || {
                list.iter().map(|p| format!("{p}\n")).collect()
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `custodia redact SHA256 …`: a redacted derivative, burnt in.
pub fn redact(
    cli: &Cli,
    out: &Output,
    sha256: &str,
    texts: &[String],
    regions: &[String],
    reason: &str,
) -> Result<ExitCode> {
    let hash = parse_hash(sha256)?;
    let regions = regions
        .iter()
        .map(|r| {
            r.parse::<custodia_vault::redact::Region>()
                .map_err(anyhow::Error::msg)
        })
        .collect::<Result<Vec<_>>>()?;
    let (mut vault, actor) = write_vault(cli)?;
    let redacted = vault.redact(
        &actor,
        &hash,
        &custodia_vault::redact::RedactionSpec {
            texts: texts.to_vec(),
            regions,
            reason: reason.to_owned(),
        },
    )?;
    out.message(&format!(
        "redacted {} → {} ({} redaction(s), {})",
        redacted.parent, redacted.sha256, redacted.redactions, redacted.method
    ));
    out.print(&redacted, || format!("{}\n", redacted.sha256));
    Ok(ExitCode::SUCCESS)
}
