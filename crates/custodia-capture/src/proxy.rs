//! The capture's own forward proxy: every connection the browser makes (pages, resources,
//! redirects, web sockets, HTTPS tunnels) goes through it, and it alone resolves host names and
//! connects. So the address checked against [`crate::policy`] is the address connected to (no
//! second lookup a hostile name server could answer differently), the bytes received are
//! counted against the capture's limit whatever the browser does with them, and the actual
//! server address of each host is known for the WARC.
//!
//! HTTPS passes through untouched (`CONNECT`, no interception): the browser checks the server's
//! certificate itself. Plain HTTP requests are forwarded with `Connection: close`, so one
//! client connection never carries requests to two servers.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::policy::non_public_reason;

/// Largest request head accepted from the browser.
const MAX_HEAD: usize = 64 << 10;

/// What the proxy saw, shared with the capture.
#[derive(Default)]
pub struct ProxyLog {
    /// Bytes received from servers so far.
    pub received: AtomicU64,
    /// Set once `received` passed the limit: from then on every connection is cut.
    pub over_limit: AtomicBool,
    /// Connections refused, as `host:port — reason`.
    pub refused: Mutex<Vec<String>>,
    /// The address each `host:port` was reached at.
    pub addresses: Mutex<BTreeMap<String, IpAddr>>,
}

pub struct Proxy {
    pub address: SocketAddr,
    pub log: Arc<ProxyLog>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// Starts the proxy on a loopback port of its own.
    pub async fn start(allow_private: bool, max_bytes: u64) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let log = Arc::new(ProxyLog::default());
        let shared = log.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let log = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, log, allow_private, max_bytes).await;
                });
            }
        });
        Ok(Proxy { address, log, task })
    }
}

async fn serve(
    mut client: TcpStream,
    log: Arc<ProxyLog>,
    allow_private: bool,
    max_bytes: u64,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(at) = find(&buf, b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > MAX_HEAD {
            return refuse(&mut client, 431, "request head too large").await;
        }
        let mut chunk = [0u8; 4096];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let rest = buf[head_end..].to_vec();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, target, version) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("HTTP/1.1"),
    );
    if log.over_limit.load(Ordering::Relaxed) {
        return refuse(&mut client, 507, "the capture's size limit was reached").await;
    }
    if method.eq_ignore_ascii_case("CONNECT") {
        let Some((host, port)) = split_host_port(target, 443) else {
            return refuse(&mut client, 400, "bad CONNECT target").await;
        };
        let mut upstream = match connect(&host, port, allow_private, &log).await {
            Ok(s) => s,
            Err(reason) => return refuse(&mut client, 403, &reason).await,
        };
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        upstream.write_all(&rest).await?;
        return relay(client, upstream, &log, max_bytes).await;
    }
    // An absolute-form request for plain HTTP.
    let Ok(url) = url::Url::parse(target) else {
        return refuse(&mut client, 400, "not an absolute URL").await;
    };
    if url.scheme() != "http" && url.scheme() != "ws" {
        return refuse(
            &mut client,
            400,
            "only http is forwarded; https goes through CONNECT",
        )
        .await;
    }
    let Some(host) = url
        .host_str()
        .map(|h| h.trim_matches(['[', ']']).to_owned())
    else {
        return refuse(&mut client, 400, "no host").await;
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let mut upstream = match connect(&host, port, allow_private, &log).await {
        Ok(s) => s,
        Err(reason) => return refuse(&mut client, 403, &reason).await,
    };
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let mut forwarded = format!("{method} {path} {version}\r\n");
    let upgrade = head.to_ascii_lowercase().contains("\r\nupgrade:");
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("proxy-connection")
            || name.eq_ignore_ascii_case("proxy-authorization")
            || (!upgrade && name.eq_ignore_ascii_case("connection"))
            || name.eq_ignore_ascii_case("keep-alive")
        {
            continue;
        }
        forwarded.push_str(line);
        forwarded.push_str("\r\n");
    }
    if !upgrade {
        forwarded.push_str("Connection: close\r\n");
    }
    forwarded.push_str("\r\n");
    upstream.write_all(forwarded.as_bytes()).await?;
    upstream.write_all(&rest).await?;
    relay(client, upstream, &log, max_bytes).await
}

/// Resolves `host`, refuses it when any of its addresses is not public (unless allowed), and
/// connects to the first address that answers.
async fn connect(
    host: &str,
    port: u16,
    allow_private: bool,
    log: &ProxyLog,
) -> Result<TcpStream, String> {
    let key = format!("{host}:{port}");
    let addresses: Vec<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(a) => a.collect(),
        Err(e) => return Err(format!("cannot resolve {host}: {e}")),
    };
    if !allow_private {
        if let Some((ip, reason)) = addresses
            .iter()
            .find_map(|a| non_public_reason(a.ip()).map(|r| (a.ip(), r)))
        {
            let message = format!(
                "{key} resolves to {ip}, {reason}; refused (pass --allow-private to capture inside the holder's network)"
            );
            log.refused
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(message.clone());
            return Err(message);
        }
    }
    let mut last = format!("{host} has no address");
    for address in addresses {
        match tokio::time::timeout(
            std::time::Duration::from_secs(15),
            TcpStream::connect(address),
        )
        .await
        {
            Ok(Ok(stream)) => {
                log.addresses
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, address.ip());
                return Ok(stream);
            }
            Ok(Err(e)) => last = format!("cannot connect to {address}: {e}"),
            Err(_) => last = format!("connecting to {address} timed out"),
        }
    }
    Err(last)
}

/// Copies both ways until either side closes, counting what the server sends.
async fn relay(
    client: TcpStream,
    upstream: TcpStream,
    log: &ProxyLog,
    max_bytes: u64,
) -> std::io::Result<()> {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let up = async {
        let _ = tokio::io::copy(&mut client_read, &mut upstream_write).await;
        let _ = upstream_write.shutdown().await;
    };
    let down = async {
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            let n = match upstream_read.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let total = log.received.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
            if total > max_bytes {
                log.over_limit.store(true, Ordering::Relaxed);
                break;
            }
            if client_write.write_all(&chunk[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
    Ok(())
}

async fn refuse(client: &mut TcpStream, status: u16, reason: &str) -> std::io::Result<()> {
    let body = format!("refused by the capture proxy: {reason}\n");
    let response = format!(
        "HTTP/1.1 {status} Refused\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(response.as_bytes()).await?;
    client.shutdown().await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `host:port` or `[v6]:port`.
fn split_host_port(target: &str, default_port: u16) -> Option<(String, u16)> {
    if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None => default_port,
        };
        return Some((host.to_owned(), port));
    }
    match target.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), port.parse().ok()?)),
        None => Some((target.to_owned(), default_port)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_targets_parse() {
        assert_eq!(
            split_host_port("example.org:443", 443),
            Some(("example.org".into(), 443))
        );
        assert_eq!(
            split_host_port("[::1]:8443", 443),
            Some(("::1".into(), 8443))
        );
        assert_eq!(
            split_host_port("example.org", 443),
            Some(("example.org".into(), 443))
        );
        assert_eq!(split_host_port("example.org:x", 443), None);
    }

    #[tokio::test]
    async fn loopback_is_refused_unless_allowed() {
        let log = ProxyLog::default();
        let refused = connect("127.0.0.1", 9, false, &log).await.unwrap_err();
        assert!(refused.contains("loopback"), "{refused}");
        assert!(refused.contains("--allow-private"), "{refused}");
        assert_eq!(log.refused.lock().unwrap().len(), 1);
        // Allowed, it is only a refused connection (nothing listens on port 9).
        let other = connect("127.0.0.1", 9, true, &log).await.unwrap_err();
        assert!(!other.contains("--allow-private"), "{other}");
    }
}
