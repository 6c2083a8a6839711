//! One exchange: the client's request read (as the stub reads it), judged, refused or
//! forwarded; the answer judged, recorded, handed back.

use super::body::ProxyBody;
use super::forward::{self, Answer, Payload};
use super::{Direction, ProxyEvent, ProxyResult, Shared};
use crate::capture::{self, Document};
use crate::contract::{Kind, Profile};
use crate::pipeline;
use crate::report::ReportItem;
use crate::schema::Validation;
use crate::secrets::Masker;
use crate::serve::conn::{self, Prefix};
use crate::serve::record::{self, Side};
use crate::violation::{Code, Violation};
use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue, CONNECTION, CONTENT_TYPE};
use hyper::http::request::Parts;
use hyper::{Request, Response, StatusCode};
use hyper_util::server::graceful::GracefulShutdown;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long a stop waits for exchanges in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// Takes connections as the stub does (its cap and header timeout) until `stop`, then
/// lets exchanges in flight finish for up to [`DRAIN`].
pub(super) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    let for_service = shared.clone();
    let service = hyper::service::service_fn(move |req| {
        let shared = for_service.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(&shared, req).await) }
    });
    let warn = |w: String| shared.emit(ProxyEvent::Warning(w));
    conn::serve_connections(
        &listener,
        &shared.limits,
        &warn,
        &graceful,
        &mut stop,
        service,
    )
    .await;
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(DRAIN) => {}
    }
}

/// A plain-text answer the proxy gives itself.
fn plain(status: StatusCode, text: &str) -> Response<ProxyBody> {
    let mut r = Response::new(ProxyBody::whole(text.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The answer ends its connection.
fn closing(mut r: Response<ProxyBody>) -> Response<ProxyBody> {
    r.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    r
}

/// A request as the proxy read it.
enum Sent {
    /// Whole, judged: the body, the redacted verdicts with the raw findings behind them,
    /// and every secret seen.
    Judged(Bytes, Vec<Judged>, Vec<String>),
    /// Over the limit: passed through unjudged.
    Over(Vec<u8>, Incoming),
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<ProxyBody> {
    let n = shared.exchanges.fetch_add(1, Ordering::Relaxed) + 1;
    let (parts, body) = req.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let start = format!("{} {target} HTTP/1.1", parts.method);
    let sent = match conn::read_prefix(body, shared.max_body, shared.limits.body_timeout).await {
        Prefix::Read(conn::Body::Whole(b)) => {
            let raw = exchange_bytes(&start, &parts.headers, &b);
            let (judged, secrets) = judge(shared, n, Direction::Request, &raw, &[]);
            let mut secrets = secrets;
            if judged.is_empty() {
                // No document came of it: the body's secrets are still masked.
                secrets.extend(Document::from_bytes("request", &b).secrets);
            }
            Sent::Judged(Bytes::from(b), judged, secrets)
        }
        Prefix::Over(head, rest) => Sent::Over(head, rest),
        Prefix::Read(conn::Body::TimedOut) => {
            shared.emit(ProxyEvent::Warning(format!(
                "exchange {n}: the request body was not complete after {:?}; answered 408, connection closed",
                shared.limits.body_timeout
            )));
            return closing(plain(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time\n",
            ));
        }
        Prefix::Read(_) => {
            return closing(plain(
                StatusCode::BAD_REQUEST,
                "the request body could not be read\n",
            ));
        }
    };
    match sent {
        Sent::Judged(body, judged, secrets) => {
            let bad = judged.iter().any(|j| !j.item.valid);
            for j in &judged {
                shared.add(ProxyResult {
                    exchange: n,
                    direction: Direction::Request,
                    item: j.item.clone(),
                });
            }
            let answer = if shared.enforce && bad {
                shared.refused.fetch_add(1, Ordering::Relaxed);
                refuse(shared, &parts.headers, &judged, &secrets)
            } else {
                match forward_it(shared, n, &parts, ProxyBody::whole(body.clone())).await {
                    Ok(a) => a,
                    Err(r) => return r,
                }
            };
            let label = judged
                .iter()
                .find_map(|j| j.item.operation)
                .map_or("unknown", |o| o.name());
            let request = Side {
                start_line: start,
                headers: &parts.headers,
                body: &body,
            };
            answer_back(shared, n, answer, &secrets, Some((label, request)))
        }
        Sent::Over(head, rest) => {
            too_large(shared, n, Direction::Request);
            let body = ProxyBody::stream(head, rest, shared.timeout);
            match forward_it(shared, n, &parts, body).await {
                Ok(answer) => answer_back(shared, n, answer, &[], None),
                Err(r) => r,
            }
        }
    }
}

/// Forwards the request; a failure is counted, told, and answered 502 or 504.
async fn forward_it(
    shared: &Shared,
    n: u64,
    parts: &Parts,
    body: ProxyBody,
) -> Result<Answer, Response<ProxyBody>> {
    shared.forwarded.fetch_add(1, Ordering::Relaxed);
    let sent = forward::send(
        &shared.upstream,
        parts,
        body,
        shared.max_body,
        shared.timeout,
    )
    .await;
    sent.map_err(|failure| {
        shared.upstream_errors.fetch_add(1, Ordering::Relaxed);
        shared.emit(ProxyEvent::Warning(format!(
            "exchange {n}: {}",
            failure.reason
        )));
        plain(failure.status, &format!("{}\n", failure.reason))
    })
}

/// `serve`'s own answer to the request (the stub's refusal, in the proxy's fault style).
fn refuse(shared: &Shared, headers: &HeaderMap, judged: &[Judged], secrets: &[String]) -> Answer {
    let masker = Masker::new(secrets);
    let first = judged.iter().find(|j| !j.item.valid);
    let violations: Vec<Violation> = first.map_or_else(Vec::new, |j| j.violations.clone());
    let operation = first.and_then(|j| j.item.operation);
    let body_operation =
        operation.filter(|_| first.and_then(|j| j.item.kind) == Some(Kind::Request));
    let version = first.map_or(crate::contract::Contract::DEFAULT, |j| j.item.contract);
    let (status, body) = crate::serve::refusal(
        shared.faults,
        headers,
        (operation, body_operation),
        &violations,
        &masker,
        version,
    );
    let mut h = HeaderMap::new();
    if !body.is_empty() {
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        );
    }
    Answer {
        status,
        headers: h,
        body: Payload::Whole(Bytes::from(body)),
    }
}

/// Judges the answer, records the exchange (when both bodies were read whole), and hands
/// the answer back, its body streamed on when it is over the limit.
fn answer_back(
    shared: &Shared,
    n: u64,
    answer: Answer,
    secrets: &[String],
    request: Option<(&str, Side<'_>)>,
) -> Response<ProxyBody> {
    let Answer {
        status,
        headers,
        body,
    } = answer;
    let body = match body {
        Payload::Whole(bytes) => {
            let status_line = record::status_line(status);
            let raw = exchange_bytes(&status_line, &headers, &bytes);
            let (judged, _) = judge(shared, n, Direction::Response, &raw, secrets);
            for j in judged {
                shared.add(ProxyResult {
                    exchange: n,
                    direction: Direction::Response,
                    item: j.item,
                });
            }
            match (&shared.recorder, request) {
                (Some(recorder), Some((label, request))) => {
                    let request_doc = Document::from_bytes("request", request.body);
                    let written = recorder.record(
                        label,
                        &request_doc,
                        &Masker::new(secrets),
                        request,
                        Side {
                            start_line: status_line,
                            headers: &headers,
                            body: &bytes,
                        },
                    );
                    if let Err(e) = written {
                        shared.emit(ProxyEvent::Warning(format!(
                            "exchange {n}: cannot record it: {e}"
                        )));
                    }
                }
                (Some(_), None) => not_recorded(shared, n, "request"),
                (None, _) => {}
            }
            ProxyBody::whole(bytes)
        }
        Payload::Over(head, rest) => {
            too_large(shared, n, Direction::Response);
            if shared.recorder.is_some() {
                not_recorded(shared, n, "response");
            }
            ProxyBody::stream(head, rest, shared.timeout)
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn not_recorded(shared: &Shared, n: u64, what: &str) {
    shared.emit(ProxyEvent::Warning(format!(
        "exchange {n}: not recorded: its {what} body is larger than the proxy reads ({} bytes)",
        shared.max_body
    )));
}

/// A message passed through unjudged: its `capture.too-large` result.
fn too_large(shared: &Shared, n: u64, direction: Direction) {
    let what = match direction {
        Direction::Request => "request",
        Direction::Response => "response",
    };
    let doc = Document::from_bytes(format!("exchange-{n}.{what}"), b"");
    let verdict = Validation {
        profile: Profile::Wire,
        contract: shared.contract.resolve(None),
        soap_version: None,
        operation: None,
        kind: None,
        violations: vec![Violation::new(
            Code::CaptureTooLarge,
            "",
            format!(
                "the {what} body is larger than the proxy reads ({} bytes): passed through unjudged",
                shared.max_body
            ),
        )],
    };
    shared.add(ProxyResult {
        exchange: n,
        direction,
        item: ReportItem::new(&doc, verdict),
    });
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

/// One document's verdict: redacted for show, and the findings behind it (messages
/// redacted, lines the document's own) for a refusal.
struct Judged {
    item: ReportItem,
    violations: Vec<Violation>,
}

/// Judges a raw message as `validate` judges a capture (a request as the stub judges one):
/// every document it holds, under the wire profile and the proxy's contract choice,
/// redacted with its own secrets and `extra`. Also returns the secrets found.
fn judge(
    shared: &Shared,
    n: u64,
    direction: Direction,
    raw: &[u8],
    extra: &[String],
) -> (Vec<Judged>, Vec<String>) {
    let what = match direction {
        Direction::Request => "request",
        Direction::Response => "response",
    };
    let captured = capture::parse(&format!("exchange-{n}.{what}"), raw);
    let mut secrets = Vec::new();
    let judged = captured
        .documents
        .into_iter()
        .map(|mut doc| {
            for s in extra {
                if !doc.secrets.contains(s) {
                    doc.secrets.push(s.clone());
                }
            }
            secrets.extend(doc.secrets.iter().cloned());
            let verdict = match direction {
                Direction::Request => {
                    let (verdict, all) = pipeline::check_request_as(&doc, shared.contract);
                    Validation {
                        violations: all,
                        ..verdict
                    }
                }
                Direction::Response => pipeline::check_as(&doc, Profile::Wire, shared.contract),
            };
            let masker = Masker::new(&doc.secrets);
            let violations = verdict
                .violations
                .iter()
                .cloned()
                .map(|mut v| {
                    v.message = masker.text(&v.message);
                    if v.code.is_http() {
                        // A header line of the dump, which the live request has not.
                        (v.line, v.column) = (None, None);
                    }
                    v
                })
                .collect();
            Judged {
                item: ReportItem::new(&doc, verdict),
                violations,
            }
        })
        .collect();
    (judged, secrets)
}
