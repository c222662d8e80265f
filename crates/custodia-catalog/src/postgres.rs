//! [`PostgresCatalog`]: the catalog on a PostgreSQL server, for vaults that scale out.
//!
//! The server is named by a URL (`postgres://USER@HOST:PORT/DB`). A password may come in the URL
//! or, better, from the `PGPASSWORD` variable; it is never written back: the vault's
//! configuration keeps the URL without it ([`PostgresTarget::redacted`]).

use std::str::FromStr;
use std::time::Duration;

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
        let invalid = |detail: String| CatalogError::Open {
            path: redacted.clone(),
            detail,
        };
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(
                "not a PostgreSQL URL; expected postgres://USER@HOST:PORT/DATABASE".into(),
            ));
        }
        let mut config = postgres::Config::from_str(url).map_err(|e| invalid(e.to_string()))?;
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
        Ok(Self { redacted, config })
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
        let db = PostgresDb::connect(target.config.clone()).map_err(|e| CatalogError::Open {
            path: target.redacted.clone(),
            detail: format!(
                "{e}\n\nhint: is the server running and reachable, and are the user, database and \
                 password (PGPASSWORD) right?"
            ),
        })?;
        Self::new(db)
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
