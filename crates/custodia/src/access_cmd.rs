//! Commands that say who may do what: organisations, users, cases, sharing regimes and consent
//! decisions. Each change is a custody log entry.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use custodia_vault::custodia_access::{OrganisationKind, Regime, Role};
use custodia_vault::{Access, ConsentDecision, RegimeChange, Vault};
use serde_json::json;

use crate::output::Output;
use crate::{actor, open, parse_hash, Cli};

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        name: String,
        /// holder, originator, requesting_authority or ngo.
        #[arg(long)]
        kind: OrganisationKind,
        /// Approve it as a requester (open items then need no consent to reach it).
        #[arg(long)]
        approved_requester: bool,
    },
    /// Approve an organisation as a requester, or withdraw the approval.
    Approve {
        name: String,
        #[arg(long)]
        withdraw: bool,
    },
    /// List organisations.
    List,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user to an organisation, with roles.
    Add {
        name: String,
        #[arg(long = "org", value_name = "ORGANISATION")]
        organisation: String,
        /// custodian, analyst, originator_liaison, requester, victim_support_officer, auditor,
        /// administrator; repeat for several.
        #[arg(long = "role", value_name = "ROLE", required = true)]
        roles: Vec<Role>,
    },
    /// Replace a user's roles.
    Roles {
        name: String,
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<Role>,
    },
    /// List users.
    List,
    /// Set a user's password for the API and web application (from `--password-file`, or from
    /// stdin when it is not a terminal).
    Password {
        name: String,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Turn on a TOTP second factor; prints the secret and `otpauth://` URL once.
    Totp { name: String },
    /// API tokens for other systems, and sessions.
    #[command(subcommand)]
    Token(crate::auth_cmd::TokenCommand),
}

#[derive(Subcommand, Debug)]
pub enum CaseCommand {
    /// Add a case (a compartment).
    Add {
        reference: String,
        #[arg(long)]
        title: Option<String>,
    },
    /// Make a user a member of a case.
    AddMember { reference: String, user: String },
    /// List cases.
    List,
    /// A case's milestones: what victims may be told of its progress.
    #[command(subcommand)]
    Milestone(crate::victims_cmd::MilestoneCommand),
    #[command(flatten)]
    Analysis(crate::cases_cmd::AnalysisCommand),
}

#[derive(Subcommand, Debug)]
pub enum RegimeCommand {
    /// Change the sharing regime of a whole submission or of one item of it.
    Set {
        /// open, consent or restricted.
        regime: Regime,
        /// The item (every submission of it from the originator, unless `--submission`).
        #[arg(long, value_name = "SHA256", required_unless_present = "submission")]
        item: Option<String>,
        /// The submission (as printed by `ingest`).
        #[arg(long, value_name = "KEY")]
        submission: Option<String>,
        /// Only the submissions of this originator (needed when several supplied the item).
        #[arg(long, value_name = "ORGANISATION")]
        originator: Option<String>,
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Show an item's regimes per submission, with their history.
    Show { sha256: String },
}

#[derive(Subcommand, Debug)]
pub enum ConsentCommand {
    /// Consent to items going to a recipient (with conditions, optionally).
    Grant(ConsentArgs),
    /// Refuse items to a recipient.
    Refuse(ConsentArgs),
}

#[derive(clap::Args, Debug)]
pub struct ConsentArgs {
    /// The items.
    #[arg(required = true, value_name = "SHA256")]
    items: Vec<String>,
    /// The recipient organisation.
    #[arg(long = "to", value_name = "ORGANISATION")]
    recipient: String,
    /// The originator deciding (default: the acting user's organisation).
    #[arg(long, value_name = "ORGANISATION")]
    originator: Option<String>,
    /// Conditions binding the recipient: a JSON file holding an array.
    #[arg(long, value_name = "FILE")]
    conditions: Option<PathBuf>,
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

pub(crate) fn write_vault(cli: &Cli) -> Result<(Vault, String)> {
    let vault = open(cli, Access::ReadWrite)?;
    let actor = actor(cli, &vault);
    Ok((vault, actor))
}

fn logged(out: &Output, what: String, index: u64, value: serde_json::Value) {
    out.message(&format!("{what}; logged at position {index}"));
    let mut value = value;
    value["ledger_index"] = json!(index);
    out.print(&value, String::new);
}

pub fn org(cli: &Cli, out: &Output, command: &OrgCommand) -> Result<ExitCode> {
    match command {
        OrgCommand::Add {
            name,
            kind,
            approved_requester,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.add_organisation(&actor, name, *kind, *approved_requester)?;
            logged(
                out,
                format!("added organisation `{name}` ({kind})"),
                index,
                json!({ "organisation": name, "kind": kind.as_str(), "approved_requester": approved_requester }),
            );
        }
        OrgCommand::Approve { name, withdraw } => {
            let (mut vault, actor) = write_vault(cli)?;
            let approved = !withdraw;
            let index = vault.approve_requester(&actor, name, approved)?;
            logged(
                out,
                format!("`{name}` approved as a requester: {approved}"),
                index,
                json!({ "organisation": name, "approved_requester": approved }),
            );
        }
        OrgCommand::List => {
            let vault = open(cli, Access::ReadOnly)?;
            let rows = vault.organisations_for(&actor(cli, &vault))?;
            out.print(&json!({ "organisations": rows }), || {
                rows.iter()
                    .map(|o| {
                        format!(
                            "{}  {}{}\n",
                            o.name,
                            o.kind,
                            if o.approved_requester {
                                "  approved requester"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect()
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn user(cli: &Cli, out: &Output, command: &UserCommand) -> Result<ExitCode> {
    match command {
        UserCommand::Add {
            name,
            organisation,
            roles,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.add_user(&actor, name, organisation, roles)?;
            let roles: Vec<String> = roles.iter().map(|r| r.as_str().to_owned()).collect();
            logged(
                out,
                format!(
                    "added user `{name}` of `{organisation}` ({})",
                    roles.join(", ")
                ),
                index,
                json!({ "user": name, "organisation": organisation, "roles": roles }),
            );
        }
        UserCommand::Roles { name, roles } => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.set_roles(&actor, name, roles)?;
            let roles: Vec<String> = roles.iter().map(|r| r.as_str().to_owned()).collect();
            logged(
                out,
                format!("roles of `{name}`: {}", roles.join(", ")),
                index,
                json!({ "user": name, "roles": roles }),
            );
        }
        UserCommand::Password { .. } | UserCommand::Totp { .. } | UserCommand::Token(_) => {
            return crate::auth_cmd::user(cli, out, command);
        }
        UserCommand::List => {
            let vault = open(cli, Access::ReadOnly)?;
            let rows = vault.users_for(&actor(cli, &vault))?;
            out.print(&json!({ "users": rows }), || {
                rows.iter()
                    .map(|u| format!("{}  {}  {}\n", u.name, u.organisation, u.roles.join(",")))
                    .collect()
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn case(cli: &Cli, out: &Output, command: &CaseCommand) -> Result<ExitCode> {
    match command {
        CaseCommand::Add { reference, title } => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.add_case(&actor, reference, title.as_deref())?;
            logged(
                out,
                format!("added case `{reference}`"),
                index,
                json!({ "case": reference, "title": title }),
            );
        }
        CaseCommand::AddMember { reference, user } => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.add_case_member(&actor, reference, user)?;
            logged(
                out,
                format!("`{user}` is a member of case `{reference}`"),
                index,
                json!({ "case": reference, "user": user }),
            );
        }
        CaseCommand::Milestone(command) => return crate::victims_cmd::milestone(cli, out, command),
        CaseCommand::List => {
            let vault = open(cli, Access::ReadOnly)?;
            let rows = vault.cases_for(&actor(cli, &vault))?;
            out.print(&json!({ "cases": rows }), || {
                rows.iter()
                    .map(|c| format!("{}  {}\n", c.reference, c.title.as_deref().unwrap_or("")))
                    .collect()
            });
        }
        CaseCommand::Analysis(command) => return crate::cases_cmd::analysis(cli, out, command),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn regime(cli: &Cli, out: &Output, command: &RegimeCommand) -> Result<ExitCode> {
    match command {
        RegimeCommand::Set {
            regime,
            item,
            submission,
            originator,
            reason,
        } => {
            let (mut vault, actor) = write_vault(cli)?;
            let changed = vault.set_regime(
                &actor,
                &RegimeChange {
                    regime: *regime,
                    item: item.as_deref().map(parse_hash).transpose()?,
                    submission: submission.clone(),
                    originator: originator.clone(),
                    reason: reason.clone(),
                },
            )?;
            logged(
                out,
                format!(
                    "regime `{regime}` set on {} submission(s)",
                    changed.submissions.len()
                ),
                changed.ledger_index,
                json!({ "submissions": changed.submissions, "item": changed.item, "regime": changed.regime }),
            );
        }
        RegimeCommand::Show { sha256 } => {
            let hash = parse_hash(sha256)?;
            let vault = open(cli, Access::ReadOnly)?;
            let who = vault.principal(&actor(cli, &vault))?;
            let report = vault.regimes_for(&who, &hash)?;
            out.print(&report, || {
                report
                    .submissions
                    .iter()
                    .map(|s| {
                        format!(
                            "{}  {}  `{}`  ({} change(s))\n",
                            s.regime,
                            s.originator,
                            s.path,
                            s.history.len()
                        )
                    })
                    .collect()
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a conditions file: a JSON array from the documented vocabulary (see docs/CLI.md),
/// checked by the vault's one validator; anything else is refused.
pub(crate) fn read_conditions(path: &std::path::Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the conditions file `{}`", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("`{}` is not JSON", path.display()))?;
    let list = custodia_vault::conditions::validate_conditions(&value)
        .with_context(|| format!("the conditions file `{}`", path.display()))?;
    Ok(serde_json::Value::Array(list))
}

pub fn consent(cli: &Cli, out: &Output, command: &ConsentCommand) -> Result<ExitCode> {
    let (args, decision) = match command {
        ConsentCommand::Grant(a) => (a, "grant"),
        ConsentCommand::Refuse(a) => (a, "refuse"),
    };
    let (mut vault, actor) = write_vault(cli)?;
    let conditions = match &args.conditions {
        Some(path) => read_conditions(path)?,
        None => json!([]),
    };
    let items = args
        .items
        .iter()
        .map(|sha| parse_hash(sha))
        .collect::<Result<Vec<_>>>()?;
    let recorded = vault.decide_consent(
        &actor,
        &ConsentDecision {
            originator: args.originator.clone(),
            recipient: args.recipient.clone(),
            grant: decision == "grant",
            conditions,
            reason: args.reason.clone(),
            items,
        },
    )?;
    out.message(&format!(
        "{decision}: {} item(s) of `{}` to `{}`",
        recorded.items.len(),
        recorded.originator,
        recorded.recipient
    ));
    out.print(&recorded, String::new);
    Ok(ExitCode::SUCCESS)
}
