//! The contract stub: a stand-in for `Relation.svc` that client test suites run against.
//!
//! Every request is judged by the one document pipeline under the wire profile (SOAPAction,
//! Content-Type, the envelope, the schema, Credentials/Ticket, mustUnderstand: every
//! finding at once, as `validate --profile wire` reports them); a request that breaks the
//! contract is answered with HTTP 500 and a SOAP 1.1 Fault (`s:Client`) whose faultstring
//! says what broke and whose detail lists every violation (`{urn:relation-contract:serve}ContractViolations`), secrets redacted. A
//! request that honours it is carried out against a store of contact relations and
//! answered as the service does, by the project's own encoder.
//!
//! Two ways in:
//! - the command `relation-contract serve [--addr HOST:PORT] [--record DIR] [--state FILE]`
//!   ([`main`]), which prints `listening on http://ADDR/Remote/Services85/Relation.svc`
//!   first and runs until Ctrl-C or SIGTERM;
//! - [`StubServer`] for Rust test suites: starts on a free loopback port in a background
//!   thread, gives its URL, lists the violations it saw, and stops when dropped.
//!
//! ```no_run
//! use relation_contract::serve::StubServer;
//!
//! let stub = StubServer::start().expect("stub starts");
//! // point the client under test at stub.url() and run it ...
//! stub.assert_clean(); // panics listing every contract violation the client committed
//! ```

mod check;
mod ops;
mod record;
mod store;

pub use check::request_findings;
pub use ops::{default_entity, stub_associate, DETAIL_NS};
pub use store::StateError;

use crate::capture::Document;
use crate::contract::{Kind, Operation};
use crate::secrets::Masker;
use crate::violation::{Code, Violation};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use record::{Recorder, Side};
use std::convert::Infallible;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Where the service lives, after any virtual-directory prefix.
pub const SERVICE_PATH: &str = "/Remote/Services85/Relation.svc";

pub use crate::text::limits::MAX_REQUEST_BODY as MAX_BODY;

/// How long a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// The `serve` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the first line on stdout names it).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: String,
    /// Write every exchange into DIR as raw HTTP/1.1 request and response files, redacted.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Keep the store in FILE across restarts (JSON, replaced atomically on every change).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

/// How a stub is set up.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `HOST:PORT`; port 0 picks a free port.
    pub addr: String,
    /// Record every exchange into this folder.
    pub record: Option<PathBuf>,
    /// Keep the store in this file.
    pub state: Option<PathBuf>,
}

impl Default for ServeOptions {
    /// A free loopback port, in-memory store, nothing recorded.
    fn default() -> Self {
        ServeOptions {
            addr: "127.0.0.1:0".to_string(),
            record: None,
            state: None,
        }
    }
}

impl From<ServeArgs> for ServeOptions {
    fn from(a: ServeArgs) -> Self {
        ServeOptions {
            addr: a.addr,
            record: a.record,
            state: a.state,
        }
    }
}

/// One request the stub refused because it broke the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The operation, as far as the body or the SOAPAction showed it.
    pub operation: Option<Operation>,
    /// What broke (messages redacted).
    pub violations: Vec<Violation>,
}

/// What every connection's handler shares.
#[derive(Debug)]
struct Shared {
    store: Store,
    recorder: Option<Recorder>,
    rejections: Mutex<Vec<Rejection>>,
    requests: AtomicU64,
}

impl Shared {
    fn new(opts: &ServeOptions) -> io::Result<Shared> {
        let store = match &opts.state {
            Some(path) => Store::with_state(path).map_err(io::Error::other)?,
            None => Store::memory(),
        };
        let recorder = match &opts.record {
            Some(dir) => Some(Recorder::new(dir).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("{}: cannot record there: {e}", dir.display()),
                )
            })?),
            None => None,
        };
        Ok(Shared {
            store,
            recorder,
            rejections: Mutex::new(Vec::new()),
            requests: AtomicU64::new(0),
        })
    }

    fn reject(&self, rejection: Rejection) {
        for v in &rejection.violations {
            let at = if v.element.is_empty() {
                String::new()
            } else {
                format!(" at {}", v.element)
            };
            let op = rejection
                .operation
                .map_or("request".to_string(), |o| o.name().to_string());
            eprintln!("rejected {op}: {}{at}: {}", v.code, v.message);
        }
        self.rejections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rejection);
    }
}

/// The `serve` command: runs until Ctrl-C or SIGTERM. Returns the exit status (0 after a
/// clean stop, 2 when the stub cannot start).
pub fn main(args: ServeArgs) -> u8 {
    let opts = ServeOptions::from(args);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 2;
        }
    };
    rt.block_on(async {
        let shared = match Shared::new(&opts) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        let listener = match TcpListener::bind(&opts.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", opts.addr);
                return 2;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        {
            let mut out = io::stdout().lock();
            // A closed stdout is no reason not to serve.
            let _ = writeln!(out, "listening on {}", url_of(addr));
            let _ = out.flush();
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        tokio::spawn(async move {
            wait_for_signal().await;
            let _ = stop_tx.send(true);
        });
        serve(listener, shared.clone(), stop_rx).await;
        eprintln!(
            "stopped after {} requests ({} refused), {} relations stored",
            shared.requests.load(Ordering::Relaxed),
            shared
                .rejections
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .len(),
            shared.store.len()
        );
        0
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn url_of(addr: SocketAddr) -> String {
    format!("http://{addr}{SERVICE_PATH}")
}

/// Accepts connections until `stop`, then lets requests in flight finish (for up to
/// [`DRAIN`]) and writes the state file a last time.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let (writer_stop_tx, writer_stop_rx) = watch::channel(false);
    let writer = {
        let store = shared.store.clone();
        tokio::spawn(async move { store.run_writer(writer_stop_rx).await })
    };
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    // A client that opens a connection and never finishes its headers is let go.
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = shared.clone();
                    let service = service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle(&shared, req).await) }
                    });
                    let conn = http.serve_connection(TokioIo::new(stream), service);
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        // A client that goes away mid-request is its own business.
                        let _ = conn.await;
                    });
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, go on.
                    eprintln!("warning: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(DRAIN) => {
            eprintln!("warning: requests still in flight after {DRAIN:?}; stopping anyway");
        }
    }
    let _ = writer_stop_tx.send(true);
    let _ = writer.await;
}

fn is_service_path(path: &str) -> bool {
    path.len() >= SERVICE_PATH.len()
        && path.is_char_boundary(path.len() - SERVICE_PATH.len())
        && path[path.len() - SERVICE_PATH.len()..].eq_ignore_ascii_case(SERVICE_PATH)
}

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
    let (parts, body) = req.into_parts();
    if !is_service_path(parts.uri.path()) {
        return plain(
            StatusCode::NOT_FOUND,
            &format!("no service here: Relation.svc answers at {SERVICE_PATH}\n"),
        );
    }
    if parts.method != Method::POST {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Relation.svc takes SOAP requests by POST\n",
        );
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return r;
    }
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let (status, answer, operation, doc, raw) = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => {
            let raw = collected.to_bytes();
            let mut doc = Document::from_bytes("request", &raw);
            let (status, answer, operation) = answer(shared, &parts.headers, &mut doc).await;
            (status, answer, operation, doc, raw)
        }
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_none()
            {
                // The body could not be read at all (the client went away).
                return plain(
                    StatusCode::BAD_REQUEST,
                    "the request body could not be read\n",
                );
            }
            let v = Violation::new(
                Code::XmlLimit,
                "",
                format!("the request body is larger than the stub reads ({MAX_BODY} bytes)"),
            );
            let operation = check::soap_action(&parts.headers)
                .and_then(|a| Operation::from_soap_action(&a))
                .filter(|(_, kind)| *kind == Kind::Request)
                .map(|(op, _)| op);
            let answer = ops::client_fault(std::slice::from_ref(&v), &Masker::default());
            shared.reject(Rejection {
                operation,
                violations: vec![v],
            });
            let doc = Document::from_bytes("request", b"");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                answer,
                operation,
                doc,
                Bytes::new(),
            )
        }
    };
    let mut headers = HeaderMap::new();
    // What WCF's BasicHttpBinding answers with, faults included. (SOAP 1.1 carries the
    // response's action nowhere in HTTP: no SOAPAction header on responses.)
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    if let Some(recorder) = &shared.recorder {
        let masker = Masker::new(&doc.secrets);
        let path = parts
            .uri
            .path_and_query()
            .map_or(SERVICE_PATH, |p| p.as_str());
        let label = operation.map_or("unknown", |o| o.name());
        let mut shown = headers.clone();
        shown.insert(
            hyper::header::CONTENT_LENGTH,
            HeaderValue::from(answer.len()),
        );
        let written = recorder.record(
            label,
            &doc,
            &masker,
            Side {
                start_line: format!("POST {path} HTTP/1.1"),
                headers: &parts.headers,
                body: &raw,
            },
            Side {
                start_line: record::status_line(status),
                headers: &shown,
                body: &answer,
            },
        );
        if let Err(e) = written {
            eprintln!("warning: cannot record the exchange: {e}");
        }
    }
    let mut response = Response::new(Full::new(Bytes::from(answer)));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// Checks the request and answers it: status, body, and the operation for the record.
async fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    doc: &mut Document,
) -> (StatusCode, Vec<u8>, Option<Operation>) {
    let checked = check::check(headers, doc);
    let operation = checked.operation;
    match checked.outcome {
        check::Outcome::Undecodable(why) => {
            // The contract allows the request; the stub cannot carry it out.
            let why = Masker::new(&doc.secrets).text(&format!(
                "the stub cannot carry out a request the contract allows: {why}"
            ));
            eprintln!("error: {why}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                ops::server_fault(&why),
                operation,
            )
        }
        check::Outcome::Refused(violations) => {
            let masker = Masker::new(&doc.secrets);
            let body = ops::client_fault(&violations, &masker);
            let violations = violations
                .into_iter()
                .map(|mut v| {
                    v.message = masker.text(&v.message);
                    v
                })
                .collect();
            shared.reject(Rejection {
                operation,
                violations,
            });
            (StatusCode::INTERNAL_SERVER_ERROR, body, operation)
        }
        check::Outcome::Request(request) => {
            // The decoder's view of the secrets, for what the text scan cannot see (a
            // Ticket in CDATA): the recording masks these values too.
            let creds = request.headers.credentials.value();
            for secret in [
                creds.and_then(|c| c.ticket.value()),
                request.headers.application_token.value(),
            ]
            .into_iter()
            .flatten()
            {
                let secret = secret.trim();
                if !secret.is_empty() && !doc.secrets.iter().any(|s| s == secret) {
                    doc.secrets.push(secret.to_string());
                }
            }
            let done = ops::carry_out(&shared.store, *request).await;
            match done.and_then(|r| ops::encode_response(&r)) {
                Ok(body) => (StatusCode::OK, body, operation),
                Err(ops::ServerError(why)) => {
                    eprintln!("error: {why}");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        ops::server_fault(&why),
                        operation,
                    )
                }
            }
        }
    }
}

/// A running stub for a Rust test suite: on a free loopback port, in a thread of its own
/// with its own runtime; stops (and joins its thread) when dropped.
#[derive(Debug)]
pub struct StubServer {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StubServer {
    /// Starts a stub with an in-memory store on `127.0.0.1`, port picked by the system.
    pub fn start() -> io::Result<StubServer> {
        StubServer::start_with(ServeOptions::default())
    }

    /// Starts a stub as `opts` say. The port is bound before this returns, so the URL
    /// answers at once.
    pub fn start_with(opts: ServeOptions) -> io::Result<StubServer> {
        let shared = Arc::new(Shared::new(&opts)?);
        let std_listener = std::net::TcpListener::bind(&opts.addr)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("relation-stub")
            .enable_all()
            .build()?;
        let (stop, stop_rx) = watch::channel(false);
        let for_thread = shared.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name("relation-stub".into())
            .spawn(move || {
                rt.block_on(async move {
                    match TcpListener::from_std(std_listener) {
                        Ok(listener) => {
                            let _ = ready_tx.send(Ok(()));
                            serve(listener, for_thread, stop_rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(io::Error::other(
                    "the stub's thread ended before it listened",
                ))
            }
        }
        Ok(StubServer {
            addr,
            url: url_of(addr),
            shared,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/Remote/Services85/Relation.svc`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every contract violation seen so far, in the order the requests came (messages
    /// redacted).
    pub fn violations(&self) -> Vec<Violation> {
        self.rejections()
            .into_iter()
            .flat_map(|r| r.violations)
            .collect()
    }

    /// Every refused request so far, with its violations.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.shared
            .rejections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// How many POSTs to the service the stub has taken.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Panics, listing them, if any request broke the contract.
    #[track_caller]
    pub fn assert_clean(&self) {
        let rejections = self.rejections();
        if rejections.is_empty() {
            return;
        }
        let mut s = format!(
            "{} request(s) to the Relation.svc stub broke the contract:\n",
            rejections.len()
        );
        for r in &rejections {
            let op = r.operation.map_or("request", |o| o.name());
            for v in &r.violations {
                s.push_str(&format!(
                    "  {op}: {} at {}: {}\n",
                    v.code, v.element, v.message
                ));
            }
        }
        panic!("{s}");
    }

    /// Stops the stub and waits for it (what dropping it does).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
