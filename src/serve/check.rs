//! Checking one request against the contract: HTTP headers, the envelope under the wire
//! profile, and the credentials the service insists on.

use super::SERVICE_PATH;
use crate::capture::http::{self, Header, HttpMeta, StartLine};
use crate::capture::Document;
use crate::codec;
use crate::contract::{Kind, Operation, Profile};
use crate::model::{Message, Nillable, RequestEnvelope};
use crate::schema::{self, Validation};
use crate::violation::{Code, Violation};
use hyper::header::HeaderMap;

/// What the checks made of a request.
pub(crate) struct Checked {
    /// The request, when it honours the contract.
    pub request: Result<RequestEnvelope, Vec<Violation>>,
    /// The operation, as far as the body (or failing that, the SOAPAction) shows it.
    pub operation: Option<Operation>,
}

/// Checks a request's headers and body.
pub(crate) fn check(headers: &HeaderMap, doc: &mut Document) -> Checked {
    let validation = schema::validate(doc, Profile::Wire);
    // The envelope's findings first: they are the root of what the HTTP headers show
    // (a SOAP 1.2 envelope also has SOAP 1.2's Content-Type).
    let mut violations = validation.violations.clone();
    violations.extend(http_checks(headers, doc, &validation));
    let mut operation = validation.operation;
    if operation.is_none() {
        operation = soap_action(headers)
            .and_then(|a| Operation::from_soap_action(&a))
            .filter(|(_, kind)| *kind == Kind::Request)
            .map(|(op, _)| op);
    }
    if let (Some(kind), Some(op)) = (validation.kind, validation.operation) {
        if kind != Kind::Request {
            let name = match kind {
                Kind::Response => op.response_name(),
                _ => "Fault",
            };
            violations.push(Violation::new(
                Code::SoapBodyContent,
                format!("/Envelope/Body/{name}"),
                format!("Relation.svc takes requests: the Body holds a {kind} ({name})"),
            ));
        }
    }
    if !violations.is_empty() {
        return Checked {
            request: Err(violations),
            operation,
        };
    }
    // Valid under the schema: the strict decoder gives the typed request.
    let text = doc.text().unwrap_or_default();
    let request = match codec::decode(text) {
        Ok(Message::Request(env)) => match credentials(&env) {
            None => Ok(env),
            Some(v) => Err(vec![v]),
        },
        Ok(other) => Err(vec![Violation::new(
            Code::SoapBodyContent,
            "/Envelope/Body",
            format!(
                "Relation.svc takes requests: the Body holds a {}",
                other.kind()
            ),
        )]),
        Err(e) => Err(vec![e.into_violation()]),
    };
    Checked { request, operation }
}

/// The service refuses a request without a ticket.
fn credentials(env: &RequestEnvelope) -> Option<Violation> {
    let (element, why) = match &env.headers.credentials {
        Nillable::Absent => (
            "/Envelope/Header/Credentials",
            "no Credentials header block: the service needs a Ticket to know who calls",
        ),
        Nillable::Nil => (
            "/Envelope/Header/Credentials",
            "the Credentials header block is nil: the service needs a Ticket to know who calls",
        ),
        Nillable::Value(c) => match &c.ticket {
            Nillable::Value(t) if !t.trim().is_empty() => return None,
            Nillable::Value(_) => (
                "/Envelope/Header/Credentials/Ticket",
                "the Ticket is empty: the service needs a Ticket to know who calls",
            ),
            Nillable::Nil => (
                "/Envelope/Header/Credentials/Ticket",
                "the Ticket is nil: the service needs a Ticket to know who calls",
            ),
            Nillable::Absent => (
                "/Envelope/Header/Credentials/Ticket",
                "Credentials has no Ticket: the service needs a Ticket to know who calls",
            ),
        },
    };
    Some(Violation::new(Code::SoapCredentials, element, why))
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


/// The HTTP-level checks (SOAPAction, Content-Type, charset), the same ones `validate`
/// applies to captured traffic: the live request's header fields become the document's
/// HTTP metadata (credential headers masked there, their values kept as secrets).
fn http_checks(headers: &HeaderMap, doc: &mut Document, validation: &Validation) -> Vec<Violation> {
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
    http::check(doc, validation)
}
