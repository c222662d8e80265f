//! RFC 3161 trusted timestamps: a time-stamping authority signs that a hash existed at a time.
//! The request is built here (a few fixed DER fields); the signed reply is checked on receipt
//! with OpenSSL's `ts -verify` against the holder's configured CA certificates, the same check
//! any recipient can repeat on the stored token.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Largest reply accepted from an authority.
const MAX_REPLY: u64 = 1 << 20;

/// What one authority answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stamp {
    pub tsa: String,
    /// `verified`, or `failed` with `error`.
    pub status: String,
    /// The authority's time (RFC 3339), when verified; null otherwise.
    pub gen_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The DER `TimeStampResp`, when verified.
    #[serde(skip)]
    pub token: Option<Vec<u8>>,
}

/// The DER `TimeStampReq` for a SHA-256 digest, with a nonce and asking for the signer's
/// certificate.
pub fn request_der(sha256: &[u8; 32], nonce: u64) -> Vec<u8> {
    let mut nonce_bytes = nonce.to_be_bytes().to_vec();
    // A positive INTEGER, minimally encoded.
    while nonce_bytes.len() > 1 && nonce_bytes[0] == 0 && nonce_bytes[1] & 0x80 == 0 {
        nonce_bytes.remove(0);
    }
    if nonce_bytes[0] & 0x80 != 0 {
        nonce_bytes.insert(0, 0);
    }
    let sha256_oid = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    let mut algorithm = vec![0x30, (sha256_oid.len() + 2) as u8];
    algorithm.extend_from_slice(&sha256_oid);
    algorithm.extend_from_slice(&[0x05, 0x00]);
    let mut imprint_body = algorithm;
    imprint_body.extend_from_slice(&[0x04, 0x20]);
    imprint_body.extend_from_slice(sha256);
    let mut body = vec![0x02, 0x01, 0x01]; // version 1
    body.push(0x30);
    body.push(imprint_body.len() as u8);
    body.extend_from_slice(&imprint_body);
    body.push(0x02);
    body.push(nonce_bytes.len() as u8);
    body.extend_from_slice(&nonce_bytes);
    body.extend_from_slice(&[0x01, 0x01, 0xff]); // certReq TRUE
    let mut der = vec![0x30, body.len() as u8];
    der.extend_from_slice(&body);
    der
}

/// The OpenSSL that verifies tokens: CUSTODIA_OPENSSL, else `openssl` on the PATH.
pub fn openssl() -> PathBuf {
    std::env::var_os("CUSTODIA_OPENSSL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("openssl"))
}

/// Asks `tsa` (an `http://` or `https://` URL) to stamp `sha256`, and checks its reply against
/// the CA certificates in `ca_file`. `work` is a private folder for the files OpenSSL reads.
pub fn stamp(tsa: &str, sha256: &[u8; 32], ca_file: Option<&Path>, work: &Path) -> Stamp {
    match stamp_inner(tsa, sha256, ca_file, work) {
        Ok((token, gen_time)) => Stamp {
            tsa: tsa.to_owned(),
            status: "verified".into(),
            gen_time: Some(gen_time),
            error: None,
            token: Some(token),
        },
        Err(error) => Stamp {
            tsa: tsa.to_owned(),
            status: "failed".into(),
            gen_time: None,
            error: Some(format!("time-stamping authority {tsa}: {error}")),
            token: None,
        },
    }
}

fn stamp_inner(
    tsa: &str,
    sha256: &[u8; 32],
    ca_file: Option<&Path>,
    work: &Path,
) -> Result<(Vec<u8>, String), String> {
    let Some(ca_file) = ca_file else {
        return Err(
            "no CA certificates are configured to verify its tokens (`tsa_ca_file` in vault.json)"
                .into(),
        );
    };
    let mut nonce_bytes = [0u8; 8];
    getrandom(&mut nonce_bytes);
    let nonce = u64::from_be_bytes(nonce_bytes) >> 1;
    let query = request_der(sha256, nonce);
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let response = agent
        .post(tsa)
        .header("Content-Type", "application/timestamp-query")
        .send(&query[..])
        .map_err(|e| format!("cannot reach it: {e}"))?;
    let status = response.status();
    if status.as_u16() != 200 {
        return Err(format!("it answered HTTP {status}"));
    }
    let mut token = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_REPLY + 1)
        .read_to_end(&mut token)
        .map_err(|e| format!("cannot read its reply: {e}"))?;
    if token.len() as u64 > MAX_REPLY {
        return Err(format!("its reply is larger than {MAX_REPLY} bytes"));
    }
    let name = hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(tsa.as_bytes())[..8]);
    let query_path = work.join(format!("{name}.tsq"));
    let reply_path = work.join(format!("{name}.tsr"));
    std::fs::write(&query_path, &query).map_err(|e| format!("cannot write the query: {e}"))?;
    std::fs::write(&reply_path, &token).map_err(|e| format!("cannot write the reply: {e}"))?;
    let verify = Command::new(openssl())
        .args(["ts", "-verify", "-queryfile"])
        .arg(&query_path)
        .arg("-in")
        .arg(&reply_path)
        .arg("-CAfile")
        .arg(ca_file)
        .output()
        .map_err(|e| {
            format!(
                "cannot run `{}` to verify the token: {e}",
                openssl().display()
            )
        })?;
    if !verify.status.success() {
        let why = String::from_utf8_lossy(&verify.stderr)
            .lines()
            .chain(String::from_utf8_lossy(&verify.stdout).lines())
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(3)
            .collect::<Vec<_>>()
            .join("; ");
        return Err(format!(
            "its token does not verify against the configured CA certificates: {why}"
        ));
    }
    let text = Command::new(openssl())
        .args(["ts", "-reply", "-text", "-in"])
        .arg(&reply_path)
        .output()
        .map_err(|e| format!("cannot read the token: {e}"))?;
    let text = String::from_utf8_lossy(&text.stdout);
    let gen_time = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Time stamp:"))
        .and_then(|t| openssl_time_to_rfc3339(t.trim()))
        .ok_or("its token names no time")?;
    let _ = std::fs::remove_file(&query_path);
    let _ = std::fs::remove_file(&reply_path);
    Ok((token, gen_time))
}

fn getrandom(buf: &mut [u8]) {
    // The nonce only pairs a reply with its request; the time and the process make it unique
    // enough where the system offers no randomness.
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(buf))
        .is_err()
    {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
            ^ u128::from(std::process::id());
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (t >> (8 * (i % 16))) as u8;
        }
    }
}

/// `Dec  5 04:12:33 2026 GMT` or `Dec  5 04:12:33.123 2026 GMT` as RFC 3339.
pub fn openssl_time_to_rfc3339(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() < 4 {
        return None;
    }
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[0])?
        + 1;
    let day: u8 = parts[1].parse().ok()?;
    let (clock, fraction) = match parts[2].split_once('.') {
        Some((c, f)) if f.chars().all(|c| c.is_ascii_digit()) => (c, format!(".{f}")),
        Some(_) => return None,
        None => (parts[2], String::new()),
    };
    let year: u16 = parts[3].parse().ok()?;
    let hms: Vec<u8> = clock.split(':').filter_map(|p| p.parse().ok()).collect();
    if hms.len() != 3 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60 || day == 0 || day > 31 {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}Z",
        hms[0], hms[1], hms[2]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_well_formed_der() {
        let der = request_der(&[0xab; 32], 0x0102);
        assert_eq!(der[0], 0x30);
        assert_eq!(der[1] as usize, der.len() - 2);
        // version 1, then the imprint with the SHA-256 OID and the digest.
        assert_eq!(&der[2..5], &[0x02, 0x01, 0x01]);
        assert!(der.windows(32).any(|w| w == [0xab; 32]));
        assert!(der.ends_with(&[0x02, 0x02, 0x01, 0x02, 0x01, 0x01, 0xff]));
        // A nonce whose top bit is set gets a leading zero to stay positive.
        let high = request_der(&[0; 32], 0x80);
        assert!(high.ends_with(&[0x02, 0x02, 0x00, 0x80, 0x01, 0x01, 0xff]));
    }

    #[test]
    fn openssl_times_parse() {
        assert_eq!(
            openssl_time_to_rfc3339("Dec  5 04:12:33 2026 GMT").as_deref(),
            Some("2026-12-05T04:12:33Z")
        );
        assert_eq!(
            openssl_time_to_rfc3339("Jan 15 23:00:01.5 2027 GMT").as_deref(),
            Some("2027-01-15T23:00:01.5Z")
        );
        assert_eq!(openssl_time_to_rfc3339("Foo 1 00:00:00 2026 GMT"), None);
        assert_eq!(openssl_time_to_rfc3339("Dec 1 25:00:00 2026 GMT"), None);
    }
}
