//! The contract stub: a stand-in for `Relation.svc` that client test suites run against.
//!
//! Every request is judged by the one document pipeline under the wire profile (SOAPAction,
//! Content-Type, the envelope, the schema, Credentials/Ticket, mustUnderstand: every
//! finding at once, as `validate --profile wire` reports them). A request that breaks the
//! contract is answered as the real service, a WCF BasicHttpBinding endpoint, answers it
//! ([`FaultStyle::Wcf`], the default: 415, 400 or 413 with an empty body; a 500 Fault
//! `a:ActionNotSupported`, `s:MustUnderstand` or `a:DeserializationFailed`; NetServer's
//! `ExceptionInfo` for a missing Ticket), or with one uniform HTTP 500 `s:Client` Fault
//! ([`FaultStyle::Contract`]). Every Fault's detail lists every violation
//! (`{urn:relation-contract:serve}ContractViolations`), secrets redacted. A request that
//! honours it is carried out against a store of contact relations and answered as the
//! service does, by the project's own encoder; one whose Ticket is not among
//! [`ServeOptions::tickets`] (when any are named) gets NetServer's service error. A valid
//! request a [`scenario`] rule matches gets the rule's scripted answer instead.
//!
//! By GET it serves its WSDL and schemas as WCF does (`?wsdl`, `?singleWsdl`, `?xsd=xsd0`,
//! `?xsd=xsd1`; see [`wsdl`]), with every address rewritten to the URL asked, so a SOAP
//! client builds its proxy from the stub's URL.
//!
//! [`StubServer`] starts on a free loopback port in a background thread, gives its URL,
//! lists the violations it saw, and stops when dropped. The library never prints: what the
//! stub has to say while it runs (each refused request, a failed recording) goes as an
//! [`Event`] to the sink [`ServeOptions::events`] names, if any. The command
//! `relation-contract serve` is this stub with a sink that prints, run until Ctrl-C or
//! SIGTERM.
//!
//! ```no_run
//! use relation_contract::serve::StubServer;
//!
//! let stub = StubServer::start().expect("stub starts");
//! // point the client under test at stub.url() and run it ...
//! stub.assert_clean(); // panics listing every contract violation the client committed
//! ```

mod check;
pub(crate) mod conn;
pub(crate) mod ops;
pub(crate) mod record;
mod refusals;
pub mod scenario;
mod store;
pub mod wsdl;

pub use check::request_findings;
pub use conn::ConnectionLimits;
pub use ops::{default_entity, stub_associate, DETAIL_NS, TICKET_EXCEPTION_TYPE};
pub use scenario::{ScenarioError, Scenarios};
pub use store::StateError;

use crate::capture::Document;
use crate::contract::{Contract, ContractChoice, Operation};
use crate::model::Nillable;
use crate::secrets::Masker;
use crate::violation::{Code, Violation};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, ALLOW, CONNECTION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::server::graceful::GracefulShutdown;
use record::{Recorder, Side};
use refusals::Refusals;
use std::collections::BTreeMap;
use std::io;
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

/// How long a stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// What the stub says while it runs, to the sink of [`ServeOptions::events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A request broke the contract: one event per violation (message redacted).
    Rejected {
        /// The operation, as far as the body or the SOAPAction showed it.
        operation: Option<Operation>,
        /// The violation, its message redacted.
        violation: Violation,
    },
    /// The stub could not do something it should and went on (a recording not written, a
    /// connection not accepted, requests still in flight at the stop).
    Warning(String),
    /// Something failed that a client or an operator must hear of: a request the contract
    /// allows that the stub could not carry out (answered with a server fault; redacted),
    /// a state file not written.
    Error(String),
    /// A scenario rule answered a request (named by the rule only, never by the values it
    /// matched).
    Scenario {
        /// The rule's name.
        rule: String,
        /// The request's operation.
        operation: Operation,
    },
}

/// Where a stub's [`Event`]s go.
pub type EventSink = Arc<dyn Fn(&Event) + Send + Sync>;

/// What a stub did, counted at its stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// POSTs to the service taken.
    pub requests: u64,
    /// Of those, refused for breaking the contract.
    pub refused: usize,
    /// Contact relations in the store.
    pub stored: usize,
    /// How often each scenario rule answered, by name (every rule, zero included).
    pub scenario_hits: BTreeMap<String, u64>,
}

/// How a stub is set up.
#[derive(Clone)]
pub struct ServeOptions {
    /// `HOST:PORT`; port 0 picks a free port.
    pub addr: String,
    /// Record every exchange into this folder.
    pub record: Option<PathBuf>,
    /// Keep the store in this file.
    pub state: Option<PathBuf>,
    /// Worker threads of the stub's runtime (0: one per core).
    pub workers: usize,
    /// Where the stub's [`Event`]s go (`None`: nowhere; refused requests are also kept,
    /// see [`StubServer::rejections`]).
    pub events: Option<EventSink>,
    /// How a contract break is answered (default: as WCF does, [`FaultStyle::Wcf`]).
    pub faults: FaultStyle,
    /// The Tickets the stub accepts. Empty: any non-empty Ticket. Otherwise a request
    /// with another Ticket gets NetServer's service error: HTTP 200, `ExceptionInfo`
    /// filled in, `Succeeded` false (see [`TICKET_EXCEPTION_TYPE`]).
    pub tickets: Vec<String>,
    /// Scripted answers for matching valid requests, tried before the Ticket check and the
    /// store (see [`scenario`]).
    pub scenarios: Scenarios,
    /// Timeouts for headers and bodies, and the cap on connections served at once.
    pub limits: ConnectionLimits,
    /// The endpoints served: [`ContractChoice::Auto`] (the default) answers on all five
    /// (`/Remote/ServicesNN/Relation.svc`, each with its own WSDL, one store behind them),
    /// [`ContractChoice::Fixed`] on that version's only.
    pub contract: ContractChoice,
}

/// How the stub answers a request that breaks the contract. Either way every violation
/// is kept ([`StubServer::rejections`]) and told ([`Event::Rejected`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultStyle {
    /// As the real service, a WCF BasicHttpBinding endpoint, answers: 415, 400 or 413 with
    /// an empty body where WCF refuses the request before reading it; a 500 Fault
    /// `a:ActionNotSupported`, `s:MustUnderstand` or `a:DeserializationFailed` with WCF's
    /// faultstring where its dispatcher does; NetServer's `ExceptionInfo` (HTTP 200,
    /// `Succeeded` false) for a request without a Ticket. A break WCF itself would let
    /// through gets the [`FaultStyle::Contract`] fault. Every Fault's detail lists the
    /// violations (`{urn:relation-contract:serve}ContractViolations`).
    #[default]
    Wcf,
    /// Every break gets the same answer: HTTP 500 and an `s:Client` Fault whose
    /// faultstring names the first violation and whose detail lists them all.
    Contract,
}

impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("addr", &self.addr)
            .field("record", &self.record)
            .field("state", &self.state)
            .field("workers", &self.workers)
            .field("events", &self.events.as_ref().map(|_| "a sink"))
            .field("faults", &self.faults)
            .field("tickets", &self.tickets.len())
            .field("scenarios", &self.scenarios)
            .field("limits", &self.limits)
            .field("contract", &self.contract)
            .finish()
    }
}

impl Default for ServeOptions {
    /// A free loopback port, in-memory store, nothing recorded, two workers, no sink.
    fn default() -> Self {
        ServeOptions {
            addr: "127.0.0.1:0".to_string(),
            record: None,
            state: None,
            workers: 2,
            events: None,
            faults: FaultStyle::Wcf,
            tickets: Vec::new(),
            scenarios: Scenarios::new(),
            limits: ConnectionLimits::default(),
            contract: ContractChoice::Auto,
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
struct Shared {
    store: Store,
    recorder: Option<Recorder>,
    refusals: Mutex<Refusals>,
    limits: ConnectionLimits,
    requests: AtomicU64,
    events: Option<EventSink>,
    faults: FaultStyle,
    tickets: Vec<String>,
    scenarios: scenario::Runtime,
    /// The contract versions whose endpoints answer.
    endpoints: Vec<Contract>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("store", &self.store)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
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
            refusals: Mutex::new(Refusals::default()),
            limits: opts.limits,
            requests: AtomicU64::new(0),
            events: opts.events.clone(),
            faults: opts.faults,
            tickets: opts
                .tickets
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            scenarios: scenario::Runtime::new(&opts.scenarios),
            endpoints: served(opts.contract),
        })
    }

    fn emit(&self, event: Event) {
        if let Some(sink) = &self.events {
            sink(&event);
        }
    }

    fn stats(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::Relaxed),
            refused: self.refusals().total,
            stored: self.store.len(),
            scenario_hits: self.scenarios.hits(),
        }
    }

    fn reject(&self, rejection: Rejection) {
        for v in &rejection.violations {
            self.emit(Event::Rejected {
                operation: rejection.operation,
                violation: v.clone(),
            });
        }
        self.refusals().add(rejection);
    }

    fn refusals(&self) -> std::sync::MutexGuard<'_, Refusals> {
        self.refusals.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The versions whose endpoints a stub set up with `choice` answers on.
fn served(choice: ContractChoice) -> Vec<Contract> {
    match choice {
        ContractChoice::Auto => Contract::ALL.to_vec(),
        ContractChoice::Fixed(c) => vec![c],
    }
}

/// The URL of the stub's first endpoint: Services85's when it serves that one (what
/// clients and tests read), else the one version it serves.
/// Runs `run` with the listener on a runtime of its own, on a thread named `name`, and
/// returns once the listener is registered with the runtime (or with why it could not be).
/// The stub and the proxy both start this way.
pub(crate) fn spawn_listening<F, Fut>(
    rt: tokio::runtime::Runtime,
    std_listener: std::net::TcpListener,
    name: &str,
    run: F,
) -> io::Result<std::thread::JoinHandle<()>>
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<()>>();
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            rt.block_on(async move {
                match TcpListener::from_std(std_listener) {
                    Ok(listener) => {
                        let _ = ready_tx.send(Ok(()));
                        run(listener).await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(thread),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(io::Error::other(format!(
            "the {name} thread ended before it listened"
        ))),
    }
}

fn url_of(addr: SocketAddr, choice: ContractChoice) -> String {
    let path = match choice {
        ContractChoice::Fixed(c) => c.endpoint_path(),
        ContractChoice::Auto => SERVICE_PATH,
    };
    format!("http://{addr}{path}")
}

/// Accepts connections until `stop` (see [`conn`]), then lets requests in flight finish
/// (for up to [`DRAIN`]) and writes the state file a last time.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let (writer_stop_tx, writer_stop_rx) = watch::channel(false);
    let writer = {
        let store = shared.store.clone();
        let events = shared.events.clone();
        tokio::spawn(async move { store.run_writer(writer_stop_rx, events).await })
    };
    let graceful = GracefulShutdown::new();
    conn::accept_until_stopped(&listener, &shared, &graceful, &mut stop).await;
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(DRAIN) => {
            shared.emit(Event::Warning(format!(
                "requests still in flight after {DRAIN:?}; stopping anyway"
            )));
        }
    }
    let _ = writer_stop_tx.send(true);
    let _ = writer.await;
}

/// Whether `path` ends with the endpoint path `endpoint` (any case), after any
/// virtual-directory prefix.
fn is_endpoint_path(path: &str, endpoint: &str) -> bool {
    path.len() >= endpoint.len()
        && path.is_char_boundary(path.len() - endpoint.len())
        && path[path.len() - endpoint.len()..].eq_ignore_ascii_case(endpoint)
}

/// The served version whose endpoint `path` names.
fn endpoint_of(endpoints: &[Contract], path: &str) -> Option<Contract> {
    endpoints
        .iter()
        .copied()
        .find(|c| is_endpoint_path(path, c.endpoint_path()))
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
    let Some(contract) = endpoint_of(&shared.endpoints, parts.uri.path()) else {
        let paths: Vec<&str> = shared.endpoints.iter().map(|c| c.endpoint_path()).collect();
        return plain(
            StatusCode::NOT_FOUND,
            &format!(
                "no service here: Relation.svc answers at {}\n",
                paths.join(", ")
            ),
        );
    };
    if parts.method == Method::GET {
        // The service's metadata (`?wsdl`, `?singleWsdl`, `?xsd=xsd0`, `?xsd=xsd1`).
        if let Some(r) = wsdl::answer(&parts, contract) {
            return r;
        }
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
    let mut wire = scenario::Wire {
        contract,
        ..scenario::Wire::default()
    };
    let mut close = false;
    let (status, answer, operation, doc, raw) =
        match conn::read_body(body, MAX_BODY, shared.limits.body_timeout).await {
            conn::Body::Whole(raw) => {
                let mut doc = Document::from_bytes("request", &raw);
                let (status, answer, operation) =
                    answer(shared, &parts.headers, &mut doc, &mut wire).await;
                (status, answer, operation, doc, raw)
            }
            conn::Body::TooLarge => {
                // The rest of the body is not read: the connection ends with the answer.
                close = true;
                let (status, answer, operation) = too_large(shared, &parts.headers, contract);
                let doc = Document::from_bytes("request", b"");
                (status, answer, operation, doc, Vec::new())
            }
            conn::Body::TimedOut => {
                shared.emit(Event::Warning(format!(
                    "a request body was not complete after {:?}; answered 408, connection closed",
                    shared.limits.body_timeout
                )));
                return closing(plain(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body did not arrive in time\n",
                ));
            }
            conn::Body::Broken => {
                // The body could not be read at all (the client went away).
                return closing(plain(
                    StatusCode::BAD_REQUEST,
                    "the request body could not be read\n",
                ));
            }
        };
    let mut headers = HeaderMap::new();
    // What WCF's BasicHttpBinding answers with, faults included. (SOAP 1.1 carries the
    // response's action nowhere in HTTP: no SOAPAction header on responses.) An empty
    // answer (415, 400, 413 as WCF gives them) has no type.
    if wire.dropped {
        return scenario::dropped();
    }
    if let Some(ct) = wire.content_type {
        headers.insert(CONTENT_TYPE, ct);
    } else if !answer.is_empty() {
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        );
    }
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
            shared.emit(Event::Warning(format!("cannot record the exchange: {e}")));
        }
    }
    let mut response = Response::new(Full::new(Bytes::from(answer)));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if close {
        return closing(response);
    }
    response
}

/// The answer ends its connection.
fn closing(mut r: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    r.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    r
}

/// A body over [`MAX_BODY`]: refused with `xml.limit`, 413 in either style (WCF's empty;
/// the contract style's with its Fault).
fn too_large(
    shared: &Shared,
    headers: &HeaderMap,
    contract: Contract,
) -> (StatusCode, Vec<u8>, Option<Operation>) {
    let v = Violation::new(
        Code::XmlLimit,
        "",
        format!("the request body is larger than the stub reads ({MAX_BODY} bytes)"),
    );
    let operation = check::action_operation(headers, contract);
    let answer = match shared.faults {
        // WCF refuses a message over its limit before reading it: 413, no body.
        FaultStyle::Wcf => Vec::new(),
        FaultStyle::Contract => ops::client_fault(std::slice::from_ref(&v), &Masker::default()),
    };
    shared.reject(Rejection {
        operation,
        violations: vec![v],
    });
    (StatusCode::PAYLOAD_TOO_LARGE, answer, operation)
}

/// Checks the request and answers it: status, body, and the operation for the record.
async fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    doc: &mut Document,
    wire: &mut scenario::Wire,
) -> (StatusCode, Vec<u8>, Option<Operation>) {
    let contract = wire.contract;
    let checked = check::check(headers, doc, contract);
    let (operation, body_operation) = (checked.operation, checked.body_operation);
    match checked.outcome {
        check::Outcome::Undecodable(why) => {
            // The contract allows the request; the stub cannot carry it out.
            let why = Masker::new(&doc.secrets).text(&format!(
                "the stub cannot carry out a request the contract allows: {why}"
            ));
            shared.emit(Event::Error(why.clone()));
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                ops::server_fault(&why),
                operation,
            )
        }
        check::Outcome::Refused(violations) => {
            let masker = Masker::new(&doc.secrets);
            let violations: Vec<Violation> = violations
                .into_iter()
                .map(|mut v| {
                    v.message = masker.text(&v.message);
                    v
                })
                .collect();
            let (status, body) = refusal(
                shared.faults,
                headers,
                (operation, body_operation),
                &violations,
                &masker,
                contract,
            );
            shared.reject(Rejection {
                operation,
                violations,
            });
            (status, body, operation)
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
            // A scenario answers a valid request before the Ticket check and the store.
            if let Some(played) = scenario::play(shared, &request, doc, wire).await {
                return match played {
                    Ok((status, body)) => (status, body, operation),
                    Err(ops::ServerError(why)) => server_error(shared, &why, operation),
                };
            }
            if let Some(refused) = ticket_refusal(shared, &request, doc, contract) {
                return match refused {
                    Ok(body) => (StatusCode::OK, body, operation),
                    Err(ops::ServerError(why)) => server_error(shared, &why, operation),
                };
            }
            let done = ops::carry_out(&shared.store, *request).await;
            match done.and_then(|r| ops::encode_response(&r, contract)) {
                Ok(body) => (StatusCode::OK, body, operation),
                Err(ops::ServerError(why)) => server_error(shared, &why, operation),
            }
        }
    }
}

/// NetServer's service error when Tickets are named and the request's is not one of
/// them; `None` when the request may be carried out.
fn ticket_refusal(
    shared: &Shared,
    request: &crate::model::RequestEnvelope,
    doc: &Document,
    contract: Contract,
) -> Option<Result<Vec<u8>, ops::ServerError>> {
    if shared.tickets.is_empty() {
        return None;
    }
    let ticket = request
        .headers
        .credentials
        .value()
        .and_then(|c| c.ticket.value())
        .map_or("", |t| t.trim());
    if shared.tickets.iter().any(|t| t == ticket) {
        return None;
    }
    Some(ops::ticket_error(
        request.body.operation(),
        &request.headers.time_zone,
        "The Ticket is not valid: it is not one this service accepts, or it has expired",
        &[],
        &Masker::new(&doc.secrets),
        contract,
    ))
}

/// A request the stub could not carry out: told, and answered with a Server fault.
fn server_error(
    shared: &Shared,
    why: &str,
    operation: Option<Operation>,
) -> (StatusCode, Vec<u8>, Option<Operation>) {
    shared.emit(Event::Error(why.to_string()));
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        ops::server_fault(why),
        operation,
    )
}

/// The answer to a request that breaks the contract (its violations redacted already),
/// in the [`FaultStyle`] `style`: the stub's, and the proxy's under `enforce`.
pub(crate) fn refusal(
    style: FaultStyle,
    headers: &HeaderMap,
    (operation, body_operation): (Option<Operation>, Option<Operation>),
    violations: &[Violation],
    masker: &Masker,
    version: Contract,
) -> (StatusCode, Vec<u8>) {
    use check::WcfAnswer;
    use ops::WcfCode;
    let contract = || {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            ops::client_fault(violations, masker),
        )
    };
    if style == FaultStyle::Contract {
        return contract();
    }
    let fault = |code, reason: &str| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            ops::wcf_fault(code, reason, violations, masker),
        )
    };
    match check::wcf_answer(headers, body_operation, violations, version) {
        WcfAnswer::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, Vec::new()),
        WcfAnswer::BadRequest => (StatusCode::BAD_REQUEST, Vec::new()),
        WcfAnswer::ActionNotSupported(action) => fault(
            WcfCode::ActionNotSupported,
            &ops::action_not_supported_text(&action),
        ),
        WcfAnswer::MustUnderstand { local, ns } => fault(
            WcfCode::MustUnderstand,
            &ops::must_understand_text(&local, &ns),
        ),
        WcfAnswer::DeserializationFailed(text) => fault(WcfCode::DeserializationFailed, &text),
        WcfAnswer::ServiceError => {
            let Some(op) = operation else {
                return contract();
            };
            let why = violations
                .iter()
                .find(|v| v.code == Code::SoapCredentials)
                .map_or("The request carries no Ticket", |v| v.message.as_str());
            match ops::ticket_error(op, &Nillable::Nil, why, violations, masker, version) {
                Ok(body) => (StatusCode::OK, body),
                Err(_) => contract(),
            }
        }
        WcfAnswer::Contract => contract(),
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
        let mut rt = tokio::runtime::Builder::new_multi_thread();
        if opts.workers > 0 {
            rt.worker_threads(opts.workers);
        }
        let rt = rt.thread_name("relation-stub").enable_all().build()?;
        let (stop, stop_rx) = watch::channel(false);
        let for_thread = shared.clone();
        let thread = spawn_listening(rt, std_listener, "relation-stub", move |listener| {
            serve(listener, for_thread, stop_rx)
        })?;
        Ok(StubServer {
            addr,
            url: url_of(addr, opts.contract),
            shared,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/Remote/Services85/Relation.svc` (with `--contract`
    /// fixed to another version, that version's endpoint).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of a version's endpoint, `None` when this stub does not serve it.
    pub fn url_as(&self, contract: Contract) -> Option<String> {
        self.shared
            .endpoints
            .contains(&contract)
            .then(|| format!("http://{}{}", self.addr, contract.endpoint_path()))
    }

    /// The socket address the stub listens on (the port chosen when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The contract violations of the refused requests kept (see
    /// [`rejections`](StubServer::rejections)), in the order the requests came (messages
    /// redacted).
    pub fn violations(&self) -> Vec<Violation> {
        self.rejections()
            .into_iter()
            .flat_map(|r| r.violations)
            .collect()
    }

    /// The refused requests so far, with their violations: the first
    /// [`STUB_KEPT_REJECTIONS`](crate::text::limits::STUB_KEPT_REJECTIONS) (100) in full.
    /// Of later ones only counts are kept ([`refused`](StubServer::refused),
    /// [`not_kept`](StubServer::not_kept)), so a flood of bad requests costs no memory.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.shared.refusals().kept.clone()
    }

    /// How many requests the stub has refused, kept in full or not.
    pub fn refused(&self) -> usize {
        self.shared.refusals().total
    }

    /// The violations of the refused requests not kept in full, counted by code.
    pub fn not_kept(&self) -> BTreeMap<Code, u64> {
        self.shared.refusals().not_kept.clone()
    }

    /// How often each scenario rule has answered so far, by name (every rule, zero
    /// included): a test asserts its unhappy path ran.
    pub fn scenario_hits(&self) -> BTreeMap<String, u64> {
        self.shared.scenarios.hits()
    }

    /// How many POSTs to the service the stub has taken.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Panics, listing them, if any request broke the contract (the first 100 refused
    /// requests in full, the rest counted by violation code).
    #[track_caller]
    pub fn assert_clean(&self) {
        let refusals = self.shared.refusals();
        if refusals.total == 0 {
            return;
        }
        let s = refusals.report();
        drop(refusals);
        panic!("{s}");
    }

    /// Stops the stub and waits for it (what dropping it does): requests in flight finish,
    /// the state file is written a last time. Returns what the stub did.
    pub fn stop(mut self) -> Stats {
        self.shutdown();
        self.shared.stats()
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
