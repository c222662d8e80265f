//! Authentication primitives for Custodia's API and web application, with no storage of their
//! own: Argon2id password hashes, random bearer tokens stored only as hashes, a back-off rule
//! for repeated failures, CSRF tokens bound to a session, and TOTP second factors (RFC 6238)
//! that accept each code once.
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

/// The server's key for CSRF tokens: a token is the HMAC-SHA256 of the session's bearer secret
/// under it, so that a token belongs to one session and cannot be planted by an attacker who
/// can set cookies (a sibling site can write a cookie, but cannot compute this).
pub struct CsrfKey(ring::hmac::Key);

impl CsrfKey {
    /// A random key (256 bits).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, bytes))
    }

    /// The CSRF token of the session whose bearer secret is `session`.
    pub fn token(&self, session: &str) -> String {
        let tag = ring::hmac::sign(&self.0, &Self::message(session));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref())
    }

    /// Whether `sent` is the CSRF token of `session`, compared in constant time.
    pub fn matches(&self, session: &str, sent: &str) -> bool {
        let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sent.trim()) else {
            return false;
        };
        ring::hmac::verify(&self.0, &Self::message(session), &tag).is_ok()
    }

    fn message(session: &str) -> Vec<u8> {
        let mut message = b"custodia csrf v1\0".to_vec();
        message.extend_from_slice(session.as_bytes());
        message
    }
}

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey { .. }")
    }
}

/// Slowing down repeated sign-in failures, instead of locking an account: after
/// `free_failures` failures within `window_ms`, each further attempt waits `base_ms`, doubling
/// with every failure, never more than `max_ms`, counted from the last failure.
///
/// A hard lock-out after a few failures lets anyone shut a colleague out with five wrong
/// passwords; a delay capped at a minute costs a guesser nearly everything and the real user
/// at most a minute. The server keeps the failures per account name (known or not, so that
/// the delay itself says nothing about who exists) and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free_failures: usize,
    pub base_ms: u64,
    pub max_ms: u64,
    pub window_ms: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            free_failures: 3,
            base_ms: 1_000,
            max_ms: 60_000,
            window_ms: 15 * 60 * 1_000,
        }
    }
}

impl Backoff {
    /// How long (milliseconds) an attempt at `now` must still wait, given the recent failures
    /// (milliseconds, any order); 0 when it may go ahead.
    pub fn wait_ms(&self, failures: &[u64], now: u64) -> u64 {
        let recent: Vec<u64> = failures
            .iter()
            .copied()
            .filter(|&t| t <= now && now - t <= self.window_ms)
            .collect();
        let Some(&last) = recent.iter().max() else {
            return 0;
        };
        let over = recent.len().saturating_sub(self.free_failures);
        if over == 0 {
            return 0;
        }
        let shift = u32::try_from(over - 1).unwrap_or(u32::MAX).min(32);
        let delay = self.base_ms.saturating_mul(1u64 << shift).min(self.max_ms);
        (last + delay).saturating_sub(now)
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
    fn csrf_tokens_belong_to_one_session_and_one_key() {
        let key = CsrfKey::generate();
        let a = issue_token().secret;
        let b = issue_token().secret;
        let token = key.token(&a);
        assert!(key.matches(&a, &token));
        assert!(!key.matches(&b, &token), "another session's token");
        assert!(!CsrfKey::generate().matches(&a, &token), "another key");
        assert!(!key.matches(&a, ""));
        assert!(!key.matches(&a, "not base64 !"));
        assert!(!key.matches(&a, &token[..token.len() - 2]));
        assert!(!token.contains(&a) && !format!("{key:?}").contains(&token));
    }

    #[test]
    fn failures_slow_down_doubling_and_capped() {
        let rule = Backoff::default();
        let t0 = 10_000_000;
        let at = |n: u64| -> Vec<u64> { (0..n).map(|i| t0 + i * 10).collect() };
        // The first three failures cost nothing.
        assert_eq!(rule.wait_ms(&at(3), t0 + 30), 0);
        // Then 1 s, 2 s, 4 s… from the last failure.
        assert_eq!(rule.wait_ms(&at(4), t0 + 30), 1_000);
        assert_eq!(rule.wait_ms(&at(5), t0 + 40), 2_000);
        assert_eq!(rule.wait_ms(&at(6), t0 + 50), 4_000);
        assert_eq!(rule.wait_ms(&at(6), t0 + 50 + 1_500), 2_500);
        assert_eq!(rule.wait_ms(&at(6), t0 + 50 + 4_000), 0);
        // Never more than a minute, however many failures: no lock-out.
        assert_eq!(rule.wait_ms(&at(500), t0 + 4_990), 60_000);
        assert_eq!(rule.wait_ms(&at(500), t0 + 4_990 + 60_000), 0);
        // Failures older than the window are forgotten; future ones are ignored.
        assert_eq!(rule.wait_ms(&at(10), t0 + 90 + 15 * 60 * 1_000 + 100), 0);
        assert_eq!(rule.wait_ms(&[t0 + 1, t0 + 2, t0 + 3, t0 + 4], t0), 0);
        assert_eq!(rule.wait_ms(&[], t0), 0);
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
