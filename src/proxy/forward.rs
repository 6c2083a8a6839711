//! The upstream side: one HTTP/1.1 connection per exchange, bounded in time and size.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, HOST};
use hyper::http::request::Parts;
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use std::io;
use std::time::Duration;

/// Where the proxy forwards to.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// `HOST:PORT`.
    authority: String,
}

impl Upstream {
    /// `http://HOST[:PORT][/...]`. `https://` is refused for now (not built yet).
    pub fn parse(url: &str) -> io::Result<Upstream> {
        let bad = |why: &str| io::Error::new(io::ErrorKind::InvalidInput, why.to_string());
        let uri: Uri = url
            .parse()
            .map_err(|_| bad("the upstream is not a URL (http://HOST:PORT)"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => return Err(bad("an https:// upstream is not supported yet")),
            _ => return Err(bad("the upstream URL must start with http://")),
        }
        let auth = uri
            .authority()
            .ok_or_else(|| bad("the upstream URL names no host"))?;
        let authority = match auth.port_u16() {
            Some(_) => auth.as_str().to_string(),
            None => format!("{}:80", auth.host()),
        };
        Ok(Upstream { authority })
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

/// Reads a body whole, at most `max` bytes, within `timeout`.
pub(super) async fn read_body(
    body: hyper::body::Incoming,
    max: usize,
    timeout: Duration,
) -> Result<Bytes, String> {
    let limited = http_body_util::Limited::new(body, max);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Ok(Ok(c)) => Ok(c.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(format!(
            "the body is larger than the proxy reads ({max} bytes)"
        )),
        Ok(Err(e)) => Err(format!("the body could not be read: {e}")),
        Err(_) => Err(format!("the body was not complete after {timeout:?}")),
    }
}

/// Sends the request upstream (same method, path and end-to-end headers; `Host` the
/// upstream's) and reads the whole answer, all within `timeout`.
pub(super) async fn send(
    upstream: &Upstream,
    parts: &Parts,
    body: Bytes,
    timeout: Duration,
) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
    match tokio::time::timeout(timeout, exchange(upstream, parts, body)).await {
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
    body: Bytes,
) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
    let bad = |what: &str, e: &dyn std::fmt::Display| Failure {
        status: StatusCode::BAD_GATEWAY,
        reason: format!("the upstream {} {what}: {e}", upstream.authority),
    };
    let stream = tokio::net::TcpStream::connect(&upstream.authority)
        .await
        .map_err(|e| bad("cannot be reached", &e))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| bad("refused the connection", &e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut req = Request::new(Full::new(body));
    *req.method_mut() = parts.method.clone();
    *req.uri_mut() = target
        .parse()
        .map_err(|e| bad("cannot take the request target", &e))?;
    let mut headers = end_to_end(&parts.headers);
    if let Ok(host) = HeaderValue::from_str(&upstream.authority) {
        headers.insert(HOST, host);
    }
    *req.headers_mut() = headers;
    let answer = sender
        .send_request(req)
        .await
        .map_err(|e| bad("broke the exchange", &e))?;
    let (rparts, rbody) = answer.into_parts();
    let bytes = http_body_util::Limited::new(rbody, super::MAX_BODY)
        .collect()
        .await
        .map_err(|e| bad("sent a body the proxy cannot take", &e))?
        .to_bytes();
    let mut headers = end_to_end(&rparts.headers);
    headers.remove(HeaderName::from_static("content-length"));
    Ok((rparts.status, headers, bytes))
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
        assert!(Upstream::parse("http://127.0.0.1:8080/x").is_ok());
        assert_eq!(
            Upstream::parse("http://example.test").unwrap().authority,
            "example.test:80"
        );
        assert!(Upstream::parse("ftp://x").is_err());
        assert!(Upstream::parse("https://x").is_err());
        assert!(Upstream::parse("not a url").is_err());
    }
}
