//! The validating, recording proxy: it stands between a client and the real service,
//! forwards every request to the upstream (`http://` or `https://`, through rustls) and
//! hands back the upstream's answer (hop-by-hop headers dropped, everything else as it
//! came), and judges both messages of every exchange by the one pipeline `validate` uses
//! on an HTTP capture: each message is written out as the raw HTTP/1.1 message it was
//! ([`exchange_bytes`]), read back by [`capture::parse`](crate::capture::parse) and checked
//! under the wire profile and [`ProxyOptions::contract`]. A request is judged as the stub
//! judges it ([`pipeline::check_request_as`](crate::pipeline::check_request_as)).
//!
//! With `enforce`, a request that breaks the contract is not forwarded: it is answered as
//! `serve` answers it, by the stub's own refusal in [`ProxyOptions::faults`]' style. With
//! `record`, every exchange is written as the stub writes its recordings
//! (`NNNNNN-OPERATION.request.http` / `.response.http`, redacted), which `validate DIR`
//! reads as they are.
//!
//! A body over [`ProxyOptions::max_body`] is passed through unjudged: its first bytes and
//! then the rest as it arrives, never held whole, and reported as `capture.too-large`
//! (such an exchange is not recorded). Connections are taken as the stub takes them
//! ([`ConnectionLimits`]: a cap, a header timeout, a body timeout answered 408), and only
//! the first [`ProxyOptions::kept_results`] results are kept, the rest counted.
//!
//! An upstream that cannot be reached or breaks the exchange gives the client 502, one
//! that does not answer within [`ProxyOptions::timeout`] 504, each with a plain-text
//! reason; the proxy stays up. The library never prints: results and warnings go to the
//! sink of [`ProxyOptions::events`].

mod body;
mod exchange;
mod forward;
mod tls;

use crate::contract::ContractChoice;
use crate::report::{ReportItem, Summary};
use crate::serve::record::Recorder;
use crate::serve::{ConnectionLimits, FaultStyle, SERVICE_PATH};
use serde::Serialize;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

pub use body::ProxyBody;
pub use exchange::exchange_bytes;
pub use forward::Upstream;

/// The largest body the proxy judges, either way (larger ones pass through unjudged).
pub use crate::text::limits::MAX_REQUEST_BODY as MAX_BODY;

/// How many results a proxy keeps by default (see [`ProxyOptions::kept_results`]).
pub const KEPT_RESULTS: usize = 1000;

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
    /// The service's URL: `http://HOST[:PORT]` or `https://HOST[:PORT]` (a path in it is
    /// ignored: the client's path is kept).
    pub upstream: String,
    /// A PEM file of CA certificates to trust for an https upstream, besides the system's.
    pub upstream_ca: Option<PathBuf>,
    /// Check no certificate of an https upstream (for a sandbox with a self-signed one).
    pub insecure: bool,
    /// Record every exchange into this folder.
    pub record: Option<PathBuf>,
    /// Answer a request that breaks the contract instead of forwarding it.
    pub enforce: bool,
    /// How `enforce` answers: as `serve` does in this style (default: WCF's).
    pub faults: FaultStyle,
    /// The contract version messages are held to (default: the one each names).
    pub contract: ContractChoice,
    /// How long the upstream has to connect and answer, whole body included (for a body
    /// streamed past the limit: how long it may go quiet).
    pub timeout: Duration,
    /// The client side's connection cap and timeouts, as the stub's.
    pub limits: ConnectionLimits,
    /// The largest body judged, either way; a larger one is streamed through unjudged.
    pub max_body: usize,
    /// How many results [`Proxy::results`] keeps (the first ones); later ones are
    /// counted only.
    pub kept_results: usize,
    /// Where results and warnings go.
    pub events: Option<ProxySink>,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        ProxyOptions {
            addr: "127.0.0.1:0".to_string(),
            upstream: String::new(),
            upstream_ca: None,
            insecure: false,
            record: None,
            enforce: false,
            faults: FaultStyle::Wcf,
            contract: ContractChoice::Auto,
            timeout: Duration::from_secs(crate::text::limits::STUB_BODY_TIMEOUT_SECS),
            limits: ConnectionLimits::default(),
            max_body: MAX_BODY,
            kept_results: KEPT_RESULTS,
            events: None,
        }
    }
}

impl std::fmt::Debug for ProxyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyOptions")
            .field("addr", &self.addr)
            .field("upstream", &self.upstream)
            .field("upstream_ca", &self.upstream_ca)
            .field("insecure", &self.insecure)
            .field("record", &self.record)
            .field("enforce", &self.enforce)
            .field("faults", &self.faults)
            .field("contract", &self.contract)
            .field("timeout", &self.timeout)
            .field("limits", &self.limits)
            .field("max_body", &self.max_body)
            .field("kept_results", &self.kept_results)
            .finish_non_exhaustive()
    }
}

/// What a proxy did, counted at its stop.
#[derive(Debug, Clone, Default)]
pub struct ProxyStats {
    /// Exchanges taken.
    pub exchanges: u64,
    /// Requests forwarded to the upstream.
    pub forwarded: u64,
    /// Requests answered by the proxy itself for breaking the contract (`enforce`).
    pub refused: u64,
    /// Exchanges the upstream failed (502 or 504 given).
    pub upstream_errors: u64,
    /// Messages judged (or passed through as too large).
    pub messages: u64,
    /// Of those, messages that broke the contract or were too large to judge.
    pub invalid: u64,
    /// Results not kept (see [`ProxyOptions::kept_results`]).
    pub not_kept: u64,
    /// The totals over every message judged, kept or not (what `validate` sums up).
    pub summary: Summary,
}

/// The results a proxy keeps: the first ones in full, of the rest a count; the totals
/// over all.
#[derive(Debug, Default)]
struct Kept {
    results: Vec<ProxyResult>,
    not_kept: u64,
    summary: Summary,
}

struct Shared {
    upstream: Upstream,
    recorder: Option<Recorder>,
    enforce: bool,
    faults: FaultStyle,
    contract: ContractChoice,
    timeout: Duration,
    limits: ConnectionLimits,
    max_body: usize,
    kept_results: usize,
    events: Option<ProxySink>,
    exchanges: AtomicU64,
    forwarded: AtomicU64,
    refused: AtomicU64,
    upstream_errors: AtomicU64,
    kept: Mutex<Kept>,
}

impl Shared {
    fn emit(&self, event: ProxyEvent) {
        if let Some(sink) = &self.events {
            sink(&event);
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add(&self, result: ProxyResult) {
        self.emit(ProxyEvent::Result(result.clone()));
        let mut kept = self.kept();
        kept.summary.add(&result.item);
        if kept.results.len() < self.kept_results {
            kept.results.push(result);
        } else {
            kept.not_kept += 1;
        }
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
    /// Starts a proxy as `opts` say; the port is bound before this returns. A bad
    /// upstream URL or CA file, or a folder it cannot record into, is an error.
    pub fn start(opts: ProxyOptions) -> io::Result<Proxy> {
        let trust = tls::Trust {
            ca: opts.upstream_ca.as_deref(),
            insecure: opts.insecure,
        };
        let upstream = Upstream::parse(&opts.upstream, &trust)?;
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
            faults: opts.faults,
            contract: opts.contract,
            timeout: opts.timeout,
            limits: opts.limits,
            max_body: opts.max_body,
            kept_results: opts.kept_results,
            events: opts.events.clone(),
            exchanges: AtomicU64::new(0),
            forwarded: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            upstream_errors: AtomicU64::new(0),
            kept: Mutex::new(Kept::default()),
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
                exchange::serve(listener, for_thread, stop_rx)
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

    /// The results kept so far, in the order judged: the first
    /// [`ProxyOptions::kept_results`]; later ones are only counted
    /// ([`ProxyStats::not_kept`], [`ProxyStats::summary`]).
    pub fn results(&self) -> Vec<ProxyResult> {
        self.shared.kept().results.clone()
    }

    /// What the proxy has done so far.
    pub fn stats(&self) -> ProxyStats {
        let s = &self.shared;
        let kept = s.kept();
        ProxyStats {
            exchanges: s.exchanges.load(Ordering::Relaxed),
            forwarded: s.forwarded.load(Ordering::Relaxed),
            refused: s.refused.load(Ordering::Relaxed),
            upstream_errors: s.upstream_errors.load(Ordering::Relaxed),
            messages: kept.summary.documents as u64,
            invalid: kept.summary.invalid as u64,
            not_kept: kept.not_kept,
            summary: kept.summary.clone(),
        }
    }

    /// Stops the proxy (requests in flight finish) and returns what it did.
    pub fn stop(mut self) -> ProxyStats {
        self.shutdown();
        self.stats()
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
