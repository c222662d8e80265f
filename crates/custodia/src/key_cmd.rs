//! `custodia key`: how the vault's master key is kept, and wrapping it by a passphrase.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use custodia_vault::{key_protection, passphrase_file_from_env, wrap_master_key, KeyProtection};

use crate::output::Output;
use crate::{data_dir, Cli};

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Show whether the master key is wrapped by a passphrase (nothing is decrypted).
    Status,
    /// Wrap the master key by the passphrase in a file (Argon2id), so that a copy of the data
    /// directory decrypts nothing without it. A key already wrapped is unwrapped first with the
    /// passphrase in CUSTODIA_PASSPHRASE_FILE: this changes the passphrase.
    Wrap {
        /// The file holding the new passphrase (at least 12 characters; one trailing line end
        /// is ignored). Default: CUSTODIA_PASSPHRASE_FILE, for a key not yet wrapped.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
}

fn key_path(cli: &Cli) -> Result<(PathBuf, PathBuf)> {
    let dir = data_dir(cli)?;
    if !dir.join("vault.json").is_file() {
        bail!(
            "`{}` is not a Custodia data directory (no vault.json)\n\nhint: give `--data-dir DIR`",
            dir.display()
        );
    }
    Ok((dir.join("keys/master.key"), dir))
}

fn print(out: &Output, status: &KeyProtection, action: Option<&str>) {
    let mut json = serde_json::to_value(status).unwrap_or_default();
    if let Some(action) = action {
        json["action"] = action.into();
    }
    out.print(&json, || match (&status.kdf, status.wrapped) {
        (Some(kdf), true) => format!(
            "the master key `{}` is wrapped by a passphrase ({kdf}, {} KiB, {} passes)\n",
            status.path,
            status.memory_kib.unwrap_or(0),
            status.iterations.unwrap_or(0)
        ),
        _ => format!(
            "the master key `{}` is not wrapped: anyone who can read the data directory can \
             decrypt it\n",
            status.path
        ),
    });
}

pub fn key(cli: &Cli, out: &Output, command: &KeyCommand) -> Result<ExitCode> {
    let (path, dir) = key_path(cli)?;
    match command {
        KeyCommand::Status => {
            let status = key_protection(&path)?;
            print(out, &status, None);
        }
        KeyCommand::Wrap { passphrase_file } => {
            let current = key_protection(&path)?;
            let from_env = passphrase_file_from_env();
            let (current_file, new_file): (Option<&Path>, &Path) =
                match (current.wrapped, passphrase_file) {
                    (true, Some(new)) => (from_env.as_deref(), new),
                    (true, None) => bail!(
                        "the master key of `{}` is already wrapped\n\nhint: to change the \
                         passphrase, give the new one with `--passphrase-file FILE` and the \
                         current one in CUSTODIA_PASSPHRASE_FILE",
                        dir.display()
                    ),
                    (false, Some(new)) => (None, new),
                    (false, None) => match &from_env {
                        Some(new) => (None, new),
                        None => bail!(
                            "no passphrase to wrap the master key with\n\nhint: give \
                             `--passphrase-file FILE` (or set CUSTODIA_PASSPHRASE_FILE)"
                        ),
                    },
                };
            let status = wrap_master_key(&path, current_file, new_file)
                .with_context(|| format!("cannot wrap the master key of `{}`", dir.display()))?;
            out.message(&format!(
                "the master key is wrapped by the passphrase in `{}`; set \
                 CUSTODIA_PASSPHRASE_FILE to that file for every command and the server, and \
                 keep a copy of the passphrase apart from the data directory's backups",
                new_file.display()
            ));
            print(
                out,
                &status,
                Some(if current.wrapped {
                    "rewrapped"
                } else {
                    "wrapped"
                }),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
