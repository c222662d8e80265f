//! [`PostgresCatalog`]: the catalog on a PostgreSQL server, for vaults that scale out.
//!
//! The server is named by a URL (`postgres://USER@HOST:PORT/DB`). A password may come in the URL
//! or, better, from the `PGPASSWORD` variable; it is never written back: the vault's
//! configuration keeps the URL without it ([`PostgresTarget::redacted`]).
//!
//! TLS: a server on another host is reached over TLS, and its certificate and name are verified
//! (against the system's roots, or only the CA certificates in the PEM file `PGSSLROOTCERT`).
//! `sslmode=disable` in the URL turns TLS off; `require`, `verify-ca` and `verify-full` all mean
//! verified TLS; `prefer` means TLS when the server offers it, verified. Without `sslmode`, a
//! server on the loopback address or a Unix socket is reached in plain text, any other with
//! verified TLS.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use postgres::config::{Host, SslMode};

use crate::db::PostgresDb;
use crate::sql::SqlCatalog;
use crate::{CatalogError, Result};

/// The catalog on PostgreSQL.
pub type PostgresCatalog = SqlCatalog<PostgresDb>;

/// Where a PostgreSQL catalog lives: the parsed URL, with its password kept out of sight.
#[derive(Clone)]
pub struct PostgresTarget {
    redacted: String,
    config: postgres::Config,
    /// `PGSSLROOTCERT`: the only CA certificates trusted, instead of the system's.
    root_certificates: Option<PathBuf>,
}

impl std::fmt::Debug for PostgresTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PostgresTarget")
            .field(&self.redacted)
            .finish()
    }
}

impl std::fmt::Display for PostgresTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// `url` without a password in its user part or its query.
fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => return url.to_owned(),
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or("");
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| !pair.to_ascii_lowercase().starts_with("password="))
                .collect();
            if kept.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

impl PostgresTarget {
    /// Parses a `postgres://` (or `postgresql://`) URL. A missing password is taken from
    /// `PGPASSWORD`, a missing user from `PGUSER` or `USER`.
    pub fn parse(url: &str) -> Result<Self> {
        let redacted = redact(url);
        let invalid = |detail: String| CatalogError::Location {
            target: redacted.clone(),
            detail,
        };
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(
                "not a PostgreSQL URL; expected postgres://USER@HOST:PORT/DATABASE".into(),
            ));
        }
        // Every TLS connection is verified, so libpq's stricter modes mean what `require` does.
        let explicit_mode = url.contains("sslmode=");
        let url = url
            .replace("sslmode=verify-full", "sslmode=require")
            .replace("sslmode=verify-ca", "sslmode=require");
        let mut config = postgres::Config::from_str(&url).map_err(|e| invalid(e.to_string()))?;
        if !explicit_mode {
            let local = config.get_hosts().iter().all(|host| match host {
                Host::Tcp(name) => {
                    name == "localhost"
                        || name
                            .parse::<std::net::IpAddr>()
                            .is_ok_and(|ip| ip.is_loopback())
                }
                Host::Unix(_) => true,
            });
            config.ssl_mode(if local {
                SslMode::Disable
            } else {
                SslMode::Require
            });
        }
        if config.get_password().is_none() {
            if let Ok(password) = std::env::var("PGPASSWORD") {
                config.password(password);
            }
        }
        if config.get_user().is_none() {
            if let Ok(user) = std::env::var("PGUSER").or_else(|_| std::env::var("USER")) {
                config.user(&user);
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("custodia");
        let root_certificates = std::env::var_os("PGSSLROOTCERT")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        Ok(Self {
            redacted,
            config,
            root_certificates,
        })
    }

    /// Whether connections use TLS (always verified).
    pub fn uses_tls(&self) -> bool {
        self.config.get_ssl_mode() != SslMode::Disable
    }

    /// The TLS connector: rustls, trusting the system's roots or only `PGSSLROOTCERT`'s.
    fn tls(&self) -> Result<Option<tokio_postgres_rustls::MakeRustlsConnect>> {
        if !self.uses_tls() {
            return Ok(None);
        }
        let failed = |detail: String| CatalogError::Location {
            target: self.redacted.clone(),
            detail,
        };
        let mut roots = rustls::RootCertStore::empty();
        match &self.root_certificates {
            Some(path) => {
                use rustls::pki_types::pem::PemObject;
                let certificates = rustls::pki_types::CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                    .map_err(|e| {
                        failed(format!(
                            "cannot read the CA certificates in PGSSLROOTCERT `{}`: {e}",
                            path.display()
                        ))
                    })?;
                let (added, _) = roots.add_parsable_certificates(certificates);
                if added == 0 {
                    return Err(failed(format!(
                        "PGSSLROOTCERT `{}` holds no usable CA certificate",
                        path.display()
                    )));
                }
            }
            None => {
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
                if roots.is_empty() {
                    return Err(failed(
                        "no CA certificates found on this system to verify the server with\n\n\
                         hint: install Debian's ca-certificates, or name the server's CA in \
                         PGSSLROOTCERT"
                            .into(),
                    ));
                }
            }
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| failed(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Some(tokio_postgres_rustls::MakeRustlsConnect::new(tls)))
    }

    /// The URL without its password: what may be stored and shown.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The connection settings (for tools and tests that connect on their own).
    pub fn config(&self) -> &postgres::Config {
        &self.config
    }
}

impl SqlCatalog<PostgresDb> {
    /// Connects to the catalog at `target` and brings its schema up to date (creating it in an
    /// empty database). Several servers may do this at once: one migrates, the others wait.
    pub fn connect(target: &PostgresTarget) -> Result<Self> {
        let db = PostgresDb::connect(target.config.clone(), target.tls()?).map_err(|e| {
            CatalogError::Connect {
                target: target.redacted.clone(),
                detail: e.to_string(),
            }
        })?;
        Self::new(db)
    }

    /// Whether this connection is encrypted, as the server sees it.
    pub fn connection_encrypted(&self) -> Result<bool> {
        crate::db::one(
            &self.db,
            "ask the server about TLS",
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
            |mut r| r.flag(0),
        )
        .map(|encrypted| encrypted.unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_kept_out_of_the_stored_url() {
        assert_eq!(
            redact("postgres://ana:s3cret@db.example:5432/custodia?sslmode=disable&password=x"),
            "postgres://ana@db.example:5432/custodia?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://ana@127.0.0.1/custodia"),
            "postgres://ana@127.0.0.1/custodia"
        );
        assert_eq!(redact("postgresql://h"), "postgresql://h");
        let target = PostgresTarget::parse("postgres://ana:s3cret@db.example/c").unwrap();
        assert!(!format!("{target} {target:?}").contains("s3cret"));
        assert!(PostgresTarget::parse("mysql://ana@h/c").is_err());
    }
}
