//! The validating, recording proxy: it stands between a client and the real service,
//! forwards every request to the upstream and hands back the upstream's answer (hop-by-hop
//! headers dropped, everything else as it came), and judges both messages of every
//! exchange by the one pipeline `validate` uses on an HTTP capture: each message is written
//! out as the raw HTTP/1.1 message it was ([`exchange_bytes`]), read back by
//! [`capture::parse`] and checked under the wire profile.
//!
//! With `enforce`, a request that breaks the contract is not forwarded: it is answered
//! with the stub's contract Fault (HTTP 500, `s:Client`, every violation in its detail,
//! secrets redacted). With `record`, every exchange is written as the stub writes its
//! recordings (`NNNNNN-OPERATION.request.http` / `.response.http`, redacted), which
//! `validate DIR` reads as they are.
//!
//! An upstream that cannot be reached or breaks the exchange gives the client 502, one
//! that does not answer within [`ProxyOptions::timeout`] 504, each with a plain-text
//! reason; the proxy stays up. The library never prints: results and warnings go to the
//! sink of [`ProxyOptions::events`].

mod forward;

use crate::capture::{self, Document};
use crate::contract::Profile;
use crate::pipeline;
use crate::report::ReportItem;
use crate::secrets::Masker;
use crate::serve::record::{self, Recorder, Side};
use crate::serve::{ops, SERVICE_PATH};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use serde::Serialize;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use forward::Upstream;

/// The largest body the proxy reads, either way.
pub use crate::text::limits::MAX_REQUEST_BODY as MAX_BODY;

/// Which message of an exchange a result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// What the client sent.
    Request,
    /// What the upstream (or, with `enforce`, the proxy) answered.
    Response,
}

/// The verdict on one message of one exchange.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyResult {
    /// The exchange's number, from 1.
    pub exchange: u64,
    /// Request or response.
    pub direction: Direction,
    /// The verdict, redacted, as `validate` reports it.
    #[serde(flatten)]
    pub item: ReportItem,
}

/// What the proxy says while it runs.
#[derive(Debug, Clone)]
pub enum ProxyEvent {
    /// One message judged.
    Result(ProxyResult),
    /// Something went wrong and the proxy went on (an upstream error, a recording not
    /// written). Never holds a secret.
    Warning(String),
}

/// Where a proxy's [`ProxyEvent`]s go.
pub type ProxySink = Arc<dyn Fn(&ProxyEvent) + Send + Sync>;

/// How a proxy is set up.
#[derive(Clone)]
pub struct ProxyOptions {
    /// `HOST:PORT` to listen on; port 0 picks a free port.
    pub addr: String,
    /// The service's URL (`http://HOST:PORT`; a path in it is ignored: the client's path
    /// is kept).
    pub upstream: String,
    /// Record every exchange into this folder.
    pub record: Option<PathBuf>,
    /// Answer a request that breaks the contract instead of forwarding it.
    pub enforce: bool,
    /// How long the upstream has to connect and answer, whole body included.
    pub timeout: Duration,
    /// Where results and warnings go.
    pub events: Option<ProxySink>,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        ProxyOptions {
            addr: "127.0.0.1:0".to_string(),
            upstream: String::new(),
            record: None,
            enforce: false,
            timeout: Duration::from_secs(crate::text::limits::STUB_BODY_TIMEOUT_SECS),
            events: None,
        }
    }
}

impl std::fmt::Debug for ProxyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyOptions")
            .field("addr", &self.addr)
            .field("upstream", &self.upstream)
            .field("record", &self.record)
            .field("enforce", &self.enforce)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// What a proxy did, counted at its stop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Exchanges taken.
    pub exchanges: u64,
    /// Requests forwarded to the upstream.
    pub forwarded: u64,
    /// Requests answered by the proxy itself for breaking the contract (`enforce`).
    pub refused: u64,
    /// Exchanges the upstream failed (502 or 504 given).
    pub upstream_errors: u64,
    /// Messages judged.
    pub messages: u64,
    /// Of those, messages that broke the contract.
    pub invalid: u64,
}

struct Shared {
    upstream: Upstream,
    recorder: Option<Recorder>,
    enforce: bool,
    timeout: Duration,
    events: Option<ProxySink>,
    exchanges: AtomicU64,
    forwarded: AtomicU64,
    refused: AtomicU64,
    upstream_errors: AtomicU64,
    results: Mutex<Vec<ProxyResult>>,
}

impl Shared {
    fn emit(&self, event: ProxyEvent) {
        if let Some(sink) = &self.events {
            sink(&event);
        }
    }

    fn results(&self) -> std::sync::MutexGuard<'_, Vec<ProxyResult>> {
        self.results.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add(&self, result: ProxyResult) {
        self.emit(ProxyEvent::Result(result.clone()));
        self.results().push(result);
    }
}

/// A running proxy, in a thread of its own with its own runtime; stops when dropped.
pub struct Proxy {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("url", &self.url).finish()
    }
}

impl Proxy {
    /// Starts a proxy as `opts` say; the port is bound before this returns.
    pub fn start(opts: ProxyOptions) -> io::Result<Proxy> {
        let upstream = Upstream::parse(&opts.upstream)?;
        let recorder = match &opts.record {
            Some(dir) => Some(Recorder::new(dir).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("{}: cannot record there: {e}", dir.display()),
                )
            })?),
            None => None,
        };
        let shared = Arc::new(Shared {
            upstream,
            recorder,
            enforce: opts.enforce,
            timeout: opts.timeout,
            events: opts.events.clone(),
            exchanges: AtomicU64::new(0),
            forwarded: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            upstream_errors: AtomicU64::new(0),
            results: Mutex::new(Vec::new()),
        });
        let std_listener = std::net::TcpListener::bind(&opts.addr)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("relation-proxy")
            .enable_all()
            .build()?;
        let (stop, stop_rx) = watch::channel(false);
        let for_thread = shared.clone();
        let thread =
            crate::serve::spawn_listening(rt, std_listener, "relation-proxy", move |listener| {
                serve(listener, for_thread, stop_rx)
            })?;
        Ok(Proxy {
            addr,
            url: format!("http://{addr}{SERVICE_PATH}"),
            shared,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/Remote/Services85/Relation.svc`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the proxy listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message judged so far, in the order judged.
    pub fn results(&self) -> Vec<ProxyResult> {
        self.shared.results().clone()
    }

    /// Stops the proxy (requests in flight finish) and returns what it did.
    pub fn stop(mut self) -> ProxyStats {
        self.shutdown();
        let results = self.shared.results();
        let s = &self.shared;
        ProxyStats {
            exchanges: s.exchanges.load(Ordering::Relaxed),
            forwarded: s.forwarded.load(Ordering::Relaxed),
            refused: s.refused.load(Ordering::Relaxed),
            upstream_errors: s.upstream_errors.load(Ordering::Relaxed),
            messages: results.len() as u64,
            invalid: results.iter().filter(|r| !r.item.valid).count() as u64,
        }
    }

    fn shutdown(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(shared.timeout);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => break,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let for_service = shared.clone();
        let service = hyper::service::service_fn(move |req| {
            let shared = for_service.clone();
            async move { Ok::<_, std::convert::Infallible>(handle(&shared, req).await) }
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
}

/// A plain-text answer the proxy gives itself.
fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let n = shared.exchanges.fetch_add(1, Ordering::Relaxed) + 1;
    let (parts, body) = req.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let body = match forward::read_body(body, MAX_BODY, shared.timeout).await {
        Ok(b) => b,
        Err(why) => return plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("{why}\n")),
    };
    let start = format!("{} {target} HTTP/1.1", parts.method);
    let raw = exchange_bytes(&start, &parts.headers, &body);
    let (req_items, secrets) = judge(&format!("exchange-{n}.request"), &raw, &[]);
    let bad = req_items.iter().any(|i| !i.valid);
    let request_doc = Document::from_bytes("request", &body);
    let mut all_secrets = secrets;
    all_secrets.extend(request_doc.secrets.iter().cloned());
    let label = req_items
        .iter()
        .find_map(|i| i.operation)
        .map_or("unknown", |o| o.name());
    for item in req_items.iter().cloned() {
        shared.add(ProxyResult {
            exchange: n,
            direction: Direction::Request,
            item,
        });
    }
    let (status, headers, answer) = if shared.enforce && bad {
        shared.refused.fetch_add(1, Ordering::Relaxed);
        let violations: Vec<_> = req_items
            .iter()
            .flat_map(|i| i.violations.iter().map(|f| f.violation.clone()))
            .collect();
        let body = ops::client_fault(&violations, &Masker::new(&all_secrets));
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        );
        (StatusCode::INTERNAL_SERVER_ERROR, h, Bytes::from(body))
    } else {
        shared.forwarded.fetch_add(1, Ordering::Relaxed);
        match forward::send(&shared.upstream, &parts, body.clone(), shared.timeout).await {
            Ok(answer) => answer,
            Err(failure) => {
                shared.upstream_errors.fetch_add(1, Ordering::Relaxed);
                shared.emit(ProxyEvent::Warning(format!(
                    "exchange {n}: {}",
                    failure.reason
                )));
                return plain(failure.status, &format!("{}\n", failure.reason));
            }
        }
    };
    let status_line = record::status_line(status);
    let raw = exchange_bytes(&status_line, &headers, &answer);
    let (resp_items, _) = judge(&format!("exchange-{n}.response"), &raw, &all_secrets);
    for item in resp_items {
        shared.add(ProxyResult {
            exchange: n,
            direction: Direction::Response,
            item,
        });
    }
    if let Some(recorder) = &shared.recorder {
        let written = recorder.record(
            label,
            &request_doc,
            &Masker::new(&all_secrets),
            Side {
                start_line: start,
                headers: &parts.headers,
                body: &body,
            },
            Side {
                start_line: status_line,
                headers: &headers,
                body: &answer,
            },
        );
        if let Err(e) = written {
            shared.emit(ProxyEvent::Warning(format!(
                "exchange {n}: cannot record it: {e}"
            )));
        }
    }
    let mut response = Response::new(Full::new(answer));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// One message as a raw HTTP/1.1 dump: start line, headers (framing headers replaced by
/// the whole body's `Content-Length`), body: what `validate` reads from a `.http` file.
pub fn exchange_bytes(start_line: &str, headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 512);
    out.extend_from_slice(start_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        if name == hyper::header::CONTENT_LENGTH || name == hyper::header::TRANSFER_ENCODING {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// Judges a raw message as `validate` judges a capture: every document it holds, under the
/// wire profile, redacted with its own secrets and `extra`. Also returns the secrets found.
fn judge(source: &str, raw: &[u8], extra: &[String]) -> (Vec<ReportItem>, Vec<String>) {
    let captured = capture::parse(source, raw);
    let mut secrets = Vec::new();
    let items = captured
        .documents
        .into_iter()
        .map(|mut doc| {
            for s in extra {
                if !doc.secrets.contains(s) {
                    doc.secrets.push(s.clone());
                }
            }
            secrets.extend(doc.secrets.iter().cloned());
            let verdict = pipeline::check(&doc, Profile::Wire);
            ReportItem::new(&doc, verdict)
        })
        .collect();
    (items, secrets)
}
