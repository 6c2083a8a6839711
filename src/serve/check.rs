//! Checking one request: the document pipeline under the wire profile (HTTP headers,
//! envelope, schema, the service's Credentials rule, SOAP header rules, every finding at
//! once), plus the one thing only a service endpoint says (it takes requests), then the
//! decode of a valid request into the typed model.

use super::SERVICE_PATH;
use crate::capture::http::{Header, HttpMeta, StartLine};
use crate::capture::Document;
use crate::codec;
use crate::contract::{Kind, Operation};
use crate::model::{Message, RequestEnvelope};

use crate::violation::Violation;
use hyper::header::HeaderMap;

/// What the checks made of a request.
pub(crate) struct Checked {
    pub outcome: Outcome,
    /// The operation, as far as the body (or failing that, the SOAPAction) shows it.
    pub operation: Option<Operation>,
}

/// The stub's answer to a request, in three cases.
pub(crate) enum Outcome {
    /// The request honours the contract: the typed request to carry out.
    Request(Box<RequestEnvelope>),
    /// The request breaks the contract: every finding, in the pipeline's order.
    Refused(Vec<Violation>),
    /// The contract allows the request, but the stub's decoder cannot carry it out: the
    /// stub's own shortcoming (a server fault), never a contract break of the client.
    Undecodable(String),
}

/// The stub's verdict on a request document: [`crate::pipeline::check_request`], which a test
/// suite may call without the stub.
pub use crate::pipeline::check_request as request_findings;

/// Checks a request's headers and body.
pub(crate) fn check(headers: &HeaderMap, doc: &mut Document) -> Checked {
    attach_http(headers, doc);
    let (verdict, violations) = request_findings(doc);
    let operation = verdict.operation.or_else(|| {
        soap_action(headers)
            .and_then(|a| Operation::from_soap_action(&a))
            .filter(|(_, kind)| *kind == Kind::Request)
            .map(|(op, _)| op)
    });
    if !violations.is_empty() {
        return Checked {
            outcome: Outcome::Refused(violations),
            operation,
        };
    }
    // Valid: the strict decoder gives the typed request.
    let text = doc.text().unwrap_or_default();
    let outcome = match codec::decode(text) {
        Ok(Message::Request(env)) => Outcome::Request(Box::new(env)),
        Ok(other) => {
            Outcome::Undecodable(format!("the Body holds a {}, not a request", other.kind()))
        }
        Err(e) => Outcome::Undecodable(e.into_violation().message),
    };
    Checked { outcome, operation }
}

/// The SOAPAction header's value, unquoted; `None` when there is none (or it is not text).
pub(crate) fn soap_action(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get("soapaction")?.to_str().ok()?.trim();
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    Some(unquoted.to_string())
}

/// The live request's header fields become the document's HTTP metadata (credential
/// headers masked there, their values kept as secrets), so the pipeline's HTTP rules judge
/// them as `validate` judges captured traffic.
fn attach_http(headers: &HeaderMap, doc: &mut Document) {
    let fields = headers
        .iter()
        .map(|(name, value)| Header {
            name: name.as_str().to_string(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            line: None,
        })
        .collect();
    let start = StartLine::Request {
        method: "POST".to_string(),
        target: SERVICE_PATH.to_string(),
    };
    let (meta, secrets) = HttpMeta::new(start, fields);
    doc.secrets.extend(secrets);
    doc.http = Some(meta);
}
