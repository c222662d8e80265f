//! Credentials for the API and web application: passwords, second factors, tokens, sign-in.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use custodia_vault::Access;
use serde_json::json;

use crate::access_cmd::{write_vault, UserCommand};
use crate::output::Output;
use crate::{actor, open, Cli};

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Issue an API token (shown once).
    Create {
        name: String,
        #[arg(long, value_name = "TEXT")]
        label: String,
        /// Days until it expires (default: never).
        #[arg(long, value_name = "N")]
        days: Option<u64>,
    },
    /// Revoke a token or session by its id.
    Revoke { id: String },
    /// A user's tokens and sessions (never their secrets).
    List { name: String },
    /// Which user a token belongs to, if it is valid (the token is read from FILE or stdin).
    Check {
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
    },
}

/// Reads a secret from a file or from stdin, never by prompting; one trailing newline is
/// dropped.
fn read_secret(file: Option<&Path>, what: &str) -> Result<String> {
    let mut text = String::new();
    match file {
        Some(path) => {
            text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the {what} from `{}`", path.display()))?
        }
        None => {
            if std::io::stdin().is_terminal() {
                bail!("give the {what} with a file option, or pipe it on stdin (it is never typed at a prompt)");
            }
            std::io::stdin()
                .read_to_string(&mut text)
                .with_context(|| format!("cannot read the {what} from stdin"))?;
        }
    }
    let text = text.strip_suffix('\n').unwrap_or(&text);
    Ok(text.strip_suffix('\r').unwrap_or(text).to_owned())
}

pub fn user(cli: &Cli, out: &Output, command: &UserCommand) -> Result<ExitCode> {
    match command {
        UserCommand::Password {
            name,
            password_file,
        } => {
            let password = read_secret(password_file.as_deref(), "password")?;
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.set_password(&actor, name, &password)?;
            out.message(&format!(
                "password of `{name}` set; logged at position {index}"
            ));
            out.print(&json!({ "user": name, "ledger_index": index }), String::new);
        }
        UserCommand::Totp { name } => {
            let (mut vault, actor) = write_vault(cli)?;
            let enrolment = vault.enable_totp(&actor, name)?;
            out.print(&enrolment, || {
                format!(
                    "secret: {}\nURL:    {}\n",
                    enrolment.secret_base32, enrolment.otpauth_url
                )
            });
        }
        UserCommand::Token(TokenCommand::Create { name, label, days }) => {
            let (mut vault, actor) = write_vault(cli)?;
            let issued = vault.issue_api_token(&actor, name, label, *days)?;
            out.message("the token is shown once; store it now");
            out.print(&issued, || format!("{}\n", issued.token));
        }
        UserCommand::Token(TokenCommand::Revoke { id }) => {
            let (mut vault, actor) = write_vault(cli)?;
            let index = vault.revoke_token(&actor, id)?;
            out.print(
                &json!({ "token": id, "revoked": true, "ledger_index": index }),
                || format!("revoked {id}\n"),
            );
        }
        UserCommand::Token(TokenCommand::List { name }) => {
            let vault = open(cli, Access::ReadOnly)?;
            let tokens = vault.tokens(&actor(cli, &vault), name)?;
            out.print(&json!({ "tokens": tokens }), || {
                tokens
                    .iter()
                    .map(|t| {
                        format!(
                            "{}  {}  {}  {}\n",
                            t.id,
                            t.kind,
                            t.label.as_deref().unwrap_or("-"),
                            if t.revoked_at.is_some() {
                                "revoked"
                            } else {
                                "valid"
                            }
                        )
                    })
                    .collect()
            });
        }
        UserCommand::Token(TokenCommand::Check { token_file }) => {
            let token = read_secret(token_file.as_deref(), "token")?;
            let vault = open(cli, Access::ReadOnly)?;
            let user = vault.authenticate(token.trim())?;
            out.print(&json!({ "user": user, "valid": true }), || {
                format!("{user}\n")
            });
        }
        _ => unreachable!("only credential commands come here"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `custodia login NAME`: signs in as the API does, and prints a session token.
pub fn login(
    cli: &Cli,
    out: &Output,
    name: &str,
    password_file: Option<&Path>,
    code: Option<&str>,
) -> Result<ExitCode> {
    let password = read_secret(password_file, "password")?;
    let (mut vault, _) = write_vault(cli)?;
    let session = vault.sign_in(name, &password, code)?;
    out.print(&session, || format!("{}\n", session.token));
    Ok(ExitCode::SUCCESS)
}
