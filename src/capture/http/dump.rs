//! A dump taken apart into messages (a request and its response, back to back; a
//! `100 Continue` passed over), and the document each SOAP message makes.

use super::cursor::Cursor;
use super::framing::read_body;
use super::meta::{HttpMeta, MediaType, StartLine};
use super::start::read_head;
use crate::capture::{malformed_capture, Capture, Document};
use std::collections::HashSet;

/// A message taken apart.
struct Message {
    meta: HttpMeta,
    secrets: Vec<String>,
    body: Vec<u8>,
}

/// Takes one message apart from the cursor, which is left where the next may start.
fn parse_message(cursor: &mut Cursor) -> Result<Message, String> {
    let head = read_head(cursor)?;
    let (mut meta, secrets) = HttpMeta::new(head.start, head.headers);
    let body = read_body(cursor, &mut meta, head.ended)?;
    Ok(Message {
        meta,
        secrets,
        body,
    })
}

/// Every message of a dump in order, interim responses left out; a message that cannot be
/// taken apart ends the list with why.
fn messages(bytes: &[u8]) -> Vec<Result<Message, String>> {
    let mut out = Vec::new();
    let mut cursor = Cursor::new(super::strip_bom(bytes));
    cursor.skip_ws();
    while !cursor.at_end() {
        match parse_message(&mut cursor) {
            Ok(m) => {
                cursor.skip_ws();
                let interim = matches!(m.meta.start, StartLine::Response { status, .. } if (100..200).contains(&status));
                if !interim {
                    out.push(Ok(m));
                }
            }
            Err(e) => {
                out.push(Err(e));
                break;
            }
        }
    }
    out
}

/// Takes a raw HTTP dump apart: one document per message that holds a SOAP envelope.
pub(crate) fn parse_dump(source: &str, bytes: &[u8]) -> Capture {
    let messages = messages(bytes);
    let several = messages.len() > 1;
    let mut capture = Capture::default();
    let mut request = Exchange::default();
    for (i, m) in messages.into_iter().enumerate() {
        let m = match m {
            Ok(m) => m,
            Err(why) => {
                let name = if several {
                    format!("{source}#messages[{i}]")
                } else {
                    source.to_string()
                };
                capture.documents.push(malformed_capture(name, &why, bytes));
                continue;
            }
        };
        let kind = if m.meta.is_request() {
            "request"
        } else {
            "response"
        };
        let name = if several {
            format!("{source}#messages[{i}].{kind}")
        } else {
            source.to_string()
        };
        let mut meta = m.meta;
        let mut secrets = m.secrets;
        if meta.is_request() {
            request = Exchange {
                action: meta.header("soapaction").map(|h| h.value.clone()),
                document: None,
                secrets: secrets.clone(),
            };
        } else {
            meta.request_action = request.action.take();
            secrets.append(&mut request.secrets);
        }
        let document = message_document(name.clone(), meta, secrets, &m.body);
        let Some(doc) = document else {
            capture.skipped.push(name);
            continue;
        };
        if doc.http.as_ref().is_some_and(HttpMeta::is_request) {
            request.document = Some(capture.documents.len());
            request.secrets = doc.secrets.clone();
        } else if let Some(req) = request
            .document
            .take()
            .and_then(|i| capture.documents.get_mut(i))
        {
            share_secrets(&mut req.secrets, &doc.secrets);
        }
        capture.documents.push(doc);
    }
    capture
}

/// The request a response answers: its action, its document (an index into the capture)
/// and its secrets.
#[derive(Default)]
struct Exchange {
    action: Option<String>,
    document: Option<usize>,
    secrets: Vec<String>,
}

/// A request and its response share their secrets: a response may echo its request's
/// Ticket or credentials (a fault string quoting the request), a request may quote a cookie.
/// Adds to `into` each secret of `from` it lacks.
pub(crate) fn share_secrets(into: &mut Vec<String>, from: &[String]) {
    let mut known: HashSet<&str> = into.iter().map(String::as_str).collect();
    let new: Vec<String> = from
        .iter()
        .filter(|s| known.insert(s.as_str()))
        .cloned()
        .collect();
    into.extend(new);
}

/// The document a message's body makes, or `None` when it holds no SOAP envelope (the
/// root is not `Envelope`, and the headers do not say SOAP either).
pub(crate) fn message_document(
    name: String,
    meta: HttpMeta,
    secrets: Vec<String>,
    body: &[u8],
) -> Option<Document> {
    let mut doc = if meta.wire_bytes {
        Document::from_bytes(name, body)
    } else {
        Document::from_decoded_text(name, body)
    };
    let root_is_envelope = {
        let text = match doc.text() {
            Some(t) => std::borrow::Cow::Borrowed(t),
            None => String::from_utf8_lossy(body),
        };
        first_element(&text).is_some_and(|n| local(n) == "Envelope")
    };
    let says_soap = meta.header("soapaction").is_some()
        || meta
            .header("content-type")
            .is_some_and(|h| MediaType::parse(&h.value).essence == "application/soap+xml");
    let has_body = body.iter().any(|b| !b.is_ascii_whitespace());
    if !(root_is_envelope || (says_soap && has_body)) {
        return None;
    }
    let mut known: HashSet<String> = doc.secrets.iter().cloned().collect();
    for s in secrets {
        if known.insert(s.clone()) {
            doc.secrets.push(s);
        }
    }
    doc.http = Some(meta);
    Some(doc)
}

/// The qualified name of the first element of a text (after declaration, comments,
/// DOCTYPE).
fn first_element(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let lt = rest.find('<')?;
        rest = &rest[lt + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        return Some(&rest[..end]);
    }
}

fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}
