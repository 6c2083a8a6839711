//! The upstream side: HTTP/1.1 connections (over TLS for `https://`), kept alive and
//! reused one exchange at a time (an idle one found closed before the request went out is
//! replaced by a new one), bounded in time, each answer's body read whole up to the size
//! limit and streamed beyond.

use super::body::ProxyBody;
use super::tls::{self, Trust};
use crate::serve::conn::{self, Prefix};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, HOST};
use hyper::http::request::Parts;
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the proxy forwards to.
#[derive(Clone)]
pub struct Upstream {
    /// `HOST:PORT`, to connect to.
    authority: String,
    /// The `Host` header sent: the URL's authority as written.
    host: String,
    /// For `https://`: the TLS connector and the name the certificate must hold (SNI).
    tls: Option<(
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    )>,
    /// Idle keep-alive connections, each taken for one exchange at a time.
    idle: Arc<Mutex<Vec<Sender>>>,
}

/// One upstream connection's sending half.
type Sender = hyper::client::conn::http1::SendRequest<ProxyBody>;

/// The most idle upstream connections kept for reuse.
const MAX_IDLE: usize = 64;

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("authority", &self.authority)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl Upstream {
    /// `http://HOST[:PORT][/...]` or `https://HOST[:PORT][/...]`, the certificate of the
    /// latter checked as `trust` says.
    pub(super) fn parse(url: &str, trust: &Trust<'_>) -> io::Result<Upstream> {
        let bad = |why: &str| io::Error::new(io::ErrorKind::InvalidInput, why.to_string());
        let uri: Uri = url
            .parse()
            .map_err(|_| bad("the upstream is not a URL (http://HOST:PORT or https://HOST)"))?;
        let https = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(bad("the upstream URL must start with http:// or https://")),
        };
        let auth = uri
            .authority()
            .ok_or_else(|| bad("the upstream URL names no host"))?;
        let default_port = if https { 443 } else { 80 };
        let authority = match auth.port_u16() {
            Some(_) => auth.as_str().to_string(),
            None => format!("{}:{default_port}", auth.host()),
        };
        let tls = if https {
            let config = tls::client_config(trust)?;
            Some((
                tokio_rustls::TlsConnector::from(config),
                tls::server_name(auth.host())?,
            ))
        } else {
            None
        };
        Ok(Upstream {
            authority,
            host: auth.as_str().to_string(),
            tls,
            idle: Arc::new(Mutex::new(Vec::new())),
        })
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Sender>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle connection that is still open and ready, if there is one.
    async fn take_idle(&self) -> Option<Sender> {
        loop {
            let popped = self.idle().pop();
            let mut sender = popped?;
            if !sender.is_closed() && sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    /// A connection whose exchange is over, kept for the next one.
    fn put_back(&self, sender: Sender) {
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE && !sender.is_closed() {
            idle.push(sender);
        }
    }
}

/// Why the upstream gave no answer: the status the client gets, and a reason.
#[derive(Debug)]
pub(super) struct Failure {
    pub status: StatusCode,
    pub reason: String,
}

/// The hop-by-hop headers (RFC 9110 7.6.1), never forwarded either way.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// `headers` without hop-by-hop headers and those its `Connection` names.
pub(super) fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let named: Vec<String> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n.starts_with("proxy-") || named.iter().any(|c| c == n) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

/// An answer's body: whole, or over the limit (its first bytes and the rest).
pub(super) enum Payload {
    /// Read whole.
    Whole(Bytes),
    /// Over the limit: what was read, and the rest, unread.
    Over(Vec<u8>, Incoming),
}

/// The upstream's answer, hop-by-hop headers and `Content-Length` dropped.
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Payload,
}

/// Sends the request upstream (same method, path and end-to-end headers; `Host` the
/// upstream's) and reads the answer up to `max` bytes of body, all within `timeout`.
pub(super) async fn send(
    upstream: &Upstream,
    parts: &Parts,
    body: ProxyBody,
    max: usize,
    timeout: Duration,
) -> Result<Answer, Failure> {
    match tokio::time::timeout(timeout, exchange(upstream, parts, body, max, timeout)).await {
        Ok(r) => r,
        Err(_) => Err(Failure {
            status: StatusCode::GATEWAY_TIMEOUT,
            reason: format!(
                "the upstream {} did not answer within {timeout:?}",
                upstream.authority
            ),
        }),
    }
}

async fn exchange(
    upstream: &Upstream,
    parts: &Parts,
    body: ProxyBody,
    max: usize,
    timeout: Duration,
) -> Result<Answer, Failure> {
    let bad = |what: &str, e: &dyn std::fmt::Display| bad_gateway(upstream, what, e);
    // A streamed body may still be on its way when the answer is in: its connection is
    // not reused.
    let reusable = body.is_whole();
    let mut req = Request::new(body);
    *req.method_mut() = parts.method.clone();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    *req.uri_mut() = target
        .parse()
        .map_err(|e| bad("cannot take the request target", &e))?;
    let mut headers = end_to_end(&parts.headers);
    if let Ok(host) = HeaderValue::from_str(&upstream.host) {
        headers.insert(HOST, host);
    }
    *req.headers_mut() = headers;
    let (mut sender, answer) = match upstream.take_idle().await {
        Some(mut sender) => match sender.try_send_request(req).await {
            Ok(answer) => (sender, answer),
            Err(mut e) => match e.take_message() {
                // The idle connection was closed before the request went out: a new one.
                Some(req) => send_fresh(upstream, req).await?,
                None => return Err(bad("broke the exchange", e.error())),
            },
        },
        None => send_fresh(upstream, req).await?,
    };
    let (rparts, rbody) = answer.into_parts();
    let body = match conn::read_prefix(rbody, max, timeout).await {
        Prefix::Read(conn::Body::Whole(b)) => {
            if reusable {
                // Wait for the connection to take the next request, briefly: one that
                // closes (or is slow to settle) is let go.
                let settled = tokio::time::timeout(Duration::from_millis(50), sender.ready());
                if matches!(settled.await, Ok(Ok(()))) {
                    upstream.put_back(sender);
                }
            }
            Payload::Whole(Bytes::from(b))
        }
        Prefix::Over(head, rest) => Payload::Over(head, rest),
        Prefix::Read(conn::Body::TimedOut) => {
            return Err(Failure {
                status: StatusCode::GATEWAY_TIMEOUT,
                reason: format!(
                    "the upstream {} did not send its whole answer within {timeout:?}",
                    upstream.authority
                ),
            })
        }
        Prefix::Read(_) => return Err(bad("broke the exchange", &"the answer's body broke off")),
    };
    let mut headers = end_to_end(&rparts.headers);
    headers.remove(HeaderName::from_static("content-length"));
    Ok(Answer {
        status: rparts.status,
        headers,
        body,
    })
}

/// The request sent over a new connection (an idle one was not there, or had closed).
async fn send_fresh(
    upstream: &Upstream,
    req: Request<ProxyBody>,
) -> Result<(Sender, hyper::Response<Incoming>), Failure> {
    let mut sender = connect(upstream).await?;
    let answer = sender
        .send_request(req)
        .await
        .map_err(|e| bad_gateway(upstream, "broke the exchange", &e))?;
    Ok((sender, answer))
}

/// A 502 naming the upstream and what went wrong.
fn bad_gateway(upstream: &Upstream, what: &str, e: &dyn std::fmt::Display) -> Failure {
    Failure {
        status: StatusCode::BAD_GATEWAY,
        reason: format!("the upstream {} {what}: {e}", upstream.authority),
    }
}

/// A new connection to the upstream (TLS handshake included, for https), its sending half.
async fn connect(upstream: &Upstream) -> Result<Sender, Failure> {
    let bad = |what: &str, e: &dyn std::fmt::Display| bad_gateway(upstream, what, e);
    let stream = tokio::net::TcpStream::connect(&upstream.authority)
        .await
        .map_err(|e| bad("cannot be reached", &e))?;
    let _ = stream.set_nodelay(true);
    match &upstream.tls {
        None => handshake(stream).await,
        Some((connector, name)) => {
            let tls = connector
                .connect(name.clone(), stream)
                .await
                .map_err(|e| Failure {
                    status: StatusCode::BAD_GATEWAY,
                    reason: format!(
                        "the upstream {} failed the TLS handshake: {e}{}",
                        upstream.authority,
                        if e.to_string().contains("certificate") {
                            " (trust its CA with --upstream-ca FILE; --insecure checks no certificate)"
                        } else {
                            ""
                        }
                    ),
                })?;
            handshake(tls).await
        }
    }
    .map_err(|e| bad("refused the connection", &e))
}

/// HTTP/1.1 on `io`; its connection driven in a task of its own until it ends.
async fn handshake<IO>(io: IO) -> Result<Sender, hyper::Error>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_and_those_connection_names_are_dropped() {
        let mut h = HeaderMap::new();
        h.insert("connection", "close, X-Hop".parse().unwrap());
        h.insert("x-hop", "1".parse().unwrap());
        h.insert("keep-alive", "timeout=5".parse().unwrap());
        h.insert("proxy-foo", "1".parse().unwrap());
        h.insert("transfer-encoding", "chunked".parse().unwrap());
        h.insert("soapaction", "\"a\"".parse().unwrap());
        let out = end_to_end(&h);
        let names: Vec<&str> = out.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["soapaction"]);
    }

    #[test]
    fn upstream_urls() {
        let plain = Trust::default();
        let parse = |u: &str| Upstream::parse(u, &plain);
        assert!(parse("http://127.0.0.1:8080/x").is_ok_and(|u| u.tls.is_none()));
        let u = parse("http://example.test").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.host.as_str()),
            ("example.test:80", "example.test")
        );
        let u = parse("https://example.test/Cust1/Remote").unwrap();
        assert!(u.tls.is_some());
        assert_eq!(
            (u.authority.as_str(), u.host.as_str()),
            ("example.test:443", "example.test")
        );
        assert_eq!(
            parse("https://127.0.0.1:8443").unwrap().authority,
            "127.0.0.1:8443"
        );
        assert!(parse("ftp://x").is_err());
        assert!(parse("not a url").is_err());
    }
}
