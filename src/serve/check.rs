//! Checking one request against the contract: HTTP headers, the envelope under the wire
//! profile, and the credentials the service insists on.

use crate::capture::{Document, SourceEncoding};
use crate::codec;
use crate::contract::{Kind, Operation, Profile, ACTION_PREFIX};
use crate::model::{Message, Nillable, RequestEnvelope};
use crate::schema::{self, Validation};
use crate::violation::{Code, Violation};
use hyper::header::{HeaderMap, CONTENT_TYPE};

/// What the checks made of a request.
pub(crate) struct Checked {
    /// The request, when it honours the contract.
    pub request: Result<RequestEnvelope, Vec<Violation>>,
    /// The operation, as far as the body (or failing that, the SOAPAction) shows it.
    pub operation: Option<Operation>,
}

/// Checks a request's headers and body.
pub(crate) fn check(headers: &HeaderMap, doc: &Document) -> Checked {
    let validation = schema::validate(doc, Profile::Wire);
    // The envelope's findings first: they are the root of what the HTTP headers show
    // (a SOAP 1.2 envelope also has SOAP 1.2's Content-Type).
    let mut violations = validation.violations.clone();
    violations.extend(http_checks(headers, doc, &validation));
    let mut operation = validation.operation;
    if operation.is_none() {
        operation = soap_action(headers).and_then(|a| action_operation(&a));
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

fn action_operation(action: &str) -> Option<Operation> {
    let name = action.strip_prefix(ACTION_PREFIX)?;
    Operation::ALL.iter().copied().find(|op| op.name() == name)
}

// TODO(merge): use capture's HTTP checks once they land
/// SOAPAction present and naming the body's operation; Content-Type `text/xml` (SOAP 1.1,
/// what BasicHttpBinding speaks); a charset, when given, that matches the body's bytes.
fn http_checks(headers: &HeaderMap, doc: &Document, validation: &Validation) -> Vec<Violation> {
    let mut out = Vec::new();
    match soap_action(headers) {
        None => out.push(Violation::new(
            Code::HttpSoapAction,
            "",
            "no SOAPAction header: SOAP 1.1 over HTTP needs one, and the service dispatches on it",
        )),
        Some(action) => match (validation.operation, validation.kind) {
            (Some(op), Some(Kind::Request)) if action != op.soap_action() => {
                out.push(Violation::new(
                    Code::HttpSoapAction,
                    format!("/Envelope/Body/{}", op.name()),
                    format!(
                        "SOAPAction `{action}` does not name the operation the body holds: \
                         expected `{}`",
                        op.soap_action()
                    ),
                ))
            }
            (Some(_), Some(Kind::Request)) => {}
            _ if action_operation(&action).is_none() => out.push(Violation::new(
                Code::HttpSoapAction,
                "",
                format!(
                    "SOAPAction `{action}` names no operation of Relation.svc \
                     (expected `{ACTION_PREFIX}` and an operation name)"
                ),
            )),
            _ => {}
        },
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let Some(content_type) = content_type else {
        out.push(Violation::new(
            Code::HttpContentType,
            "",
            "no Content-Type header: SOAP 1.1 is sent as text/xml",
        ));
        return out;
    };
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    if media == "application/soap+xml" {
        out.push(Violation::new(
            Code::HttpContentType,
            "",
            "Content-Type application/soap+xml is SOAP 1.2's; the service speaks SOAP 1.1 \
             (BasicHttpBinding), sent as text/xml",
        ));
    } else if media != "text/xml" {
        out.push(Violation::new(
            Code::HttpContentType,
            "",
            format!("Content-Type `{media}`: SOAP 1.1 is sent as text/xml"),
        ));
    }
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    });
    if let Some(cs) = charset {
        let fits = match doc.encoding {
            SourceEncoding::Utf8 | SourceEncoding::Utf8Bom => cs == "utf-8" || cs == "utf8",
            SourceEncoding::Utf16LeBom | SourceEncoding::Utf16LeNoBom => {
                cs == "utf-16" || cs == "utf-16le"
            }
            SourceEncoding::Utf16BeBom | SourceEncoding::Utf16BeNoBom => {
                cs == "utf-16" || cs == "utf-16be"
            }
            // The body is not text at all: the envelope check says so.
            SourceEncoding::Unknown => true,
        };
        if !fits {
            out.push(Violation::new(
                Code::HttpCharset,
                "",
                format!(
                    "Content-Type says charset={cs}, but the body's bytes are {}",
                    encoding_name(doc.encoding)
                ),
            ));
        }
    }
    out
}

fn encoding_name(e: SourceEncoding) -> &'static str {
    match e {
        SourceEncoding::Utf8 => "UTF-8",
        SourceEncoding::Utf8Bom => "UTF-8 (with a BOM)",
        SourceEncoding::Utf16LeBom | SourceEncoding::Utf16LeNoBom => "UTF-16LE",
        SourceEncoding::Utf16BeBom | SourceEncoding::Utf16BeNoBom => "UTF-16BE",
        SourceEncoding::Unknown => "not text",
    }
}
