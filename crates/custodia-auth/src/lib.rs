//! Authentication primitives for Custodia's API and web application, with no storage of their
//! own: Argon2id password hashes, random bearer tokens stored only as hashes, a lock-out rule
//! after repeated failures, and TOTP second factors (RFC 6238) that accept each code once.
//!
//! Secrets never appear in `Debug` output or errors: a token is identified by its public `id`.

#![forbid(unsafe_code)]

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("the password is too short: at least {MIN_PASSWORD_LEN} characters")]
    PasswordTooShort,
    #[error("the password must not be the user name")]
    PasswordIsUserName,
    #[error("hashing the password failed: {0}")]
    Hashing(String),
    #[error("the TOTP secret is unusable: {0}")]
    Totp(String),
}

/// Checks a new password against the rules before it is hashed.
pub fn check_new_password(user: &str, password: &str) -> Result<(), AuthError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AuthError::PasswordTooShort);
    }
    if password.trim().eq_ignore_ascii_case(user.trim()) {
        return Err(AuthError::PasswordIsUserName);
    }
    Ok(())
}

/// An Argon2id hash of `password` in PHC string form, with a random salt and the `argon2`
/// crate's default cost (19 MiB, 2 passes, 1 lane: OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

/// Whether `password` matches the PHC hash. A malformed hash matches nothing.
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the user does not exist, so that the answer takes as long as
/// for a real user and timing reveals nothing.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// A newly issued bearer token: `secret` is shown once to its owner; only `hash` is stored.
pub struct IssuedToken {
    /// Public identifier (safe to log and list).
    pub id: String,
    /// `cst_<id>_<random>`; never stored.
    pub secret: String,
    /// Hex SHA-256 of `secret`.
    pub hash: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Issues a token with 256 random bits.
pub fn issue_token() -> IssuedToken {
    let mut id = [0u8; 8];
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut id);
    OsRng.fill_bytes(&mut secret);
    let id = hex::encode(id);
    let secret = format!(
        "cst_{id}_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    );
    let hash = token_hash(&secret);
    IssuedToken { id, secret, hash }
}

/// The public id inside a token, if it has the right shape.
pub fn token_id(secret: &str) -> Option<&str> {
    let rest = secret.strip_prefix("cst_")?;
    let (id, random) = rest.split_once('_')?;
    (id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) && random.len() >= 40)
        .then_some(id)
}

pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` is the token whose hash is `stored`, in time independent of where they differ.
pub fn token_matches(stored: &str, secret: &str) -> bool {
    let actual = token_hash(secret);
    stored.len() == actual.len()
        && stored
            .bytes()
            .zip(actual.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Lock-out after repeated failures: `max_failures` within `window_secs` lock the account for
/// `lock_secs` after the last of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub max_failures: usize,
    pub window_secs: u64,
    pub lock_secs: u64,
}

impl Default for Lockout {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window_secs: 15 * 60,
            lock_secs: 15 * 60,
        }
    }
}

impl Lockout {
    /// Until when (Unix seconds) the account is locked at `now`, given its recent failures
    /// (Unix seconds, any order); `None` when it is not.
    pub fn locked_until(&self, failures: &[u64], now: u64) -> Option<u64> {
        let mut recent: Vec<u64> = failures
            .iter()
            .copied()
            .filter(|&t| t <= now && now - t <= self.window_secs + self.lock_secs)
            .collect();
        recent.sort_unstable();
        // Any run of `max_failures` inside one window locks until `lock_secs` after its last.
        let until = recent
            .windows(self.max_failures.max(1))
            .filter(|run| run[run.len() - 1] - run[0] <= self.window_secs)
            .map(|run| run[run.len() - 1] + self.lock_secs)
            .max()?;
        (until > now).then_some(until)
    }
}

/// A TOTP second factor: SHA-1, 6 digits, 30-second steps, one step of clock skew either way
/// (what authenticator apps expect).
pub struct SecondFactor {
    totp: totp_rs::Totp,
    secret: Vec<u8>,
}

impl SecondFactor {
    /// A new random secret (160 bits) for `user`.
    pub fn generate(user: &str, issuer: &str) -> Result<Self, AuthError> {
        let mut secret = [0u8; 20];
        OsRng.fill_bytes(&mut secret);
        Self::from_secret(&secret, user, issuer)
    }

    pub fn from_base32(secret: &str, user: &str, issuer: &str) -> Result<Self, AuthError> {
        let secret = totp_rs::Secret::try_from_base32(secret)
            .map_err(|e| AuthError::Totp(format!("{e:?}")))?;
        Self::from_secret(secret.as_ref(), user, issuer)
    }

    fn from_secret(secret: &[u8], user: &str, issuer: &str) -> Result<Self, AuthError> {
        let totp = totp_rs::Builder::new()
            .with_secret(secret.to_vec())
            .with_account_name(user.replace(':', "_"))
            .with_issuer(Some(issuer.replace(':', "_")))
            .build()
            .map_err(|e| AuthError::Totp(format!("{e:?}")))?;
        Ok(Self {
            totp,
            secret: secret.to_vec(),
        })
    }

    pub fn secret_base32(&self) -> String {
        totp_rs::Secret::from(self.secret.clone()).to_base32()
    }

    /// The `otpauth://` URL an authenticator app reads (usually from a QR code).
    pub fn url(&self) -> Result<String, AuthError> {
        self.totp
            .to_url()
            .map_err(|e| AuthError::Totp(format!("{e:?}")))
    }

    /// The code for Unix time `now` (for tests and for showing the expected value).
    pub fn code_at(&self, now: u64) -> String {
        self.totp.generate(now).to_string()
    }

    /// The time step `code` is valid for at `now`, unless it was already used: a step at or
    /// before `last_used` is refused, so each code logs in once (RFC 6238 §5.2).
    pub fn check(&self, code: &str, now: u64, last_used: Option<u64>) -> Option<u64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let step = self.totp.check(code, now)?;
        last_used.is_none_or(|last| step > last).then_some(step)
    }
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecondFactor { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterY"));
        assert!(!verify_password("not a hash", "anything"));
        // Salted: the same password hashes differently each time.
        assert_ne!(hash, hash_password("correct horse battery").unwrap());
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(
            check_new_password("ana", "short"),
            Err(AuthError::PasswordTooShort)
        );
        assert_eq!(
            check_new_password("administrator", "Administrator"),
            Err(AuthError::PasswordIsUserName)
        );
        assert!(check_new_password("ana", "a long enough passphrase").is_ok());
    }

    #[test]
    fn tokens_are_random_and_checked_by_hash() {
        let a = issue_token();
        let b = issue_token();
        assert_ne!(a.secret, b.secret);
        assert_eq!(token_id(&a.secret), Some(a.id.as_str()));
        assert!(token_matches(&a.hash, &a.secret));
        assert!(!token_matches(&a.hash, &b.secret));
        assert!(!a.hash.contains(&a.secret) && !format!("{a:?}").contains(&a.secret));
        for bad in [
            "",
            "cst_",
            "cst_zz_x",
            "bearer abc",
            "cst_0123456789abcdef_short",
        ] {
            assert_eq!(token_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn five_failures_in_fifteen_minutes_lock_for_fifteen() {
        let rule = Lockout::default();
        let t0 = 1_000_000;
        let four: Vec<u64> = (0..4).map(|i| t0 + i * 60).collect();
        assert_eq!(rule.locked_until(&four, t0 + 300), None);
        let mut five = four.clone();
        five.push(t0 + 240);
        assert_eq!(rule.locked_until(&five, t0 + 300), Some(t0 + 240 + 900));
        assert_eq!(rule.locked_until(&five, t0 + 240 + 901), None);
        // Spread over more than the window: no lock.
        let spread: Vec<u64> = (0..5).map(|i| t0 + i * 400).collect();
        assert_eq!(rule.locked_until(&spread, t0 + 1700), None);
    }

    #[test]
    fn totp_codes_follow_rfc_6238_and_work_once() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits there; the
        // 6-digit code is its last six digits.
        let factor = SecondFactor::from_secret(b"12345678901234567890", "ana", "Custodia").unwrap();
        assert_eq!(factor.code_at(59), "287082");
        assert_eq!(factor.code_at(1111111109), "081804");
        let now = 1111111109;
        let step = factor.check("081804", now, None).unwrap();
        assert_eq!(
            factor.check("081804", now, Some(step)),
            None,
            "a code is used once"
        );
        assert_eq!(factor.check("000000", now, None), None);
        assert_eq!(factor.check("08180", now, None), None);
        let url = factor.url().unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        let again = SecondFactor::from_base32(&factor.secret_base32(), "ana", "Custodia").unwrap();
        assert_eq!(again.code_at(now), "081804");
    }
}
