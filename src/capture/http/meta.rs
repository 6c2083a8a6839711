//! What HTTP said about a document: the start line, the header fields (credential values
//! masked where they stand), the Content-Type taken apart, and the secrets the credential
//! headers hold.

use crate::contract::Operation;
use crate::secrets::{self, header_secrets, is_secret_header, Masker, MASK};
use crate::text::limits::MIN_SECRET_LEN;
use std::collections::HashSet;

/// The first line of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD TARGET HTTP/1.1`.
    Request {
        /// The method as written (`POST`).
        method: String,
        /// The request target: a path with its query, or an absolute URL (through a
        /// proxy); a credential in its query is masked.
        target: String,
    },
    /// `HTTP/1.1 STATUS REASON`.
    Response {
        /// The status code (`200`, `500`).
        status: u16,
        /// The reason phrase as written (may be empty).
        reason: String,
    },
}

/// One header field. The value of a credential header is masked here; the original is in
/// the document's secrets only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The field name as written (compare it without regard to case).
    pub name: String,
    /// The field value, trimmed; `[REDACTED]` for a credential header.
    pub value: String,
    /// 1-based line of the capture file, when the header stands in a raw dump.
    pub line: Option<u32>,
}

/// What HTTP said about a document that came out of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpMeta {
    /// The message's first line.
    pub start: StartLine,
    /// Header fields in the order they came.
    pub headers: Vec<Header>,
    /// For a response: the SOAPAction of the request it answers, when the capture shows it.
    pub request_action: Option<String>,
    /// The line of the capture file on which the body starts, when the body stands there
    /// verbatim: violation lines are shifted by it so they name lines of the file.
    pub body_line: Option<u32>,
    /// Whether the body's bytes are those that travelled (false for a HAR text body, which
    /// the browser has already decoded): only then is the charset compared with the bytes.
    pub wire_bytes: bool,
}

impl HttpMeta {
    /// Builds the metadata from the start line and header fields, masking credential values
    /// and credential parameters of the request target where they stand; returns the
    /// secrets found in them (each once).
    pub fn new(mut start: StartLine, raw: Vec<Header>) -> (HttpMeta, Vec<String>) {
        let mut secrets = Distinct::default();
        // A credential in the request target's query string is masked where it stands.
        if let StartLine::Request { target, .. } = &mut start {
            let found = secrets::target_secrets(target);
            if !found.is_empty() {
                *target = secrets::mask_target(target, &Masker::new(&found));
                secrets.extend(found);
            }
        }
        let headers = raw
            .into_iter()
            .map(|mut h| {
                if is_secret_header(&h.name) {
                    secrets.extend(header_secrets(&h.name, &h.value));
                    h.value = MASK.to_string();
                }
                h
            })
            .collect();
        let meta = HttpMeta {
            start,
            headers,
            request_action: None,
            body_line: None,
            wire_bytes: true,
        };
        (meta, secrets.into_vec())
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// Whether the message is a request (its first line is a request line).
    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// The operation the message's own action names (SOAPAction, or the `action` parameter
    /// of a SOAP 1.2 Content-Type), or for a response the action of its request.
    pub fn named_operation(&self) -> Option<Operation> {
        let own = self
            .header("soapaction")
            .map(|h| unquote(h.value.trim()).to_string())
            .or_else(|| {
                self.header("content-type")
                    .and_then(|h| MediaType::parse(&h.value).param("action"))
            });
        let action = if self.is_request() {
            own
        } else {
            own.or_else(|| self.request_action.clone())
        }?;
        Operation::from_soap_action(&action).map(|(op, _)| op)
    }
}

/// Secret values, each kept once in the order first seen (a set beside the list, so a
/// header of 40,000 cookies costs no pairwise comparisons).
#[derive(Default)]
struct Distinct {
    seen: HashSet<String>,
    list: Vec<String>,
}

impl Distinct {
    fn push(&mut self, s: &str) {
        let s = s.trim();
        if s.len() >= MIN_SECRET_LEN && self.seen.insert(s.to_string()) {
            self.list.push(s.to_string());
        }
    }

    fn extend(&mut self, values: Vec<String>) {
        for v in values {
            self.push(&v);
        }
    }

    fn into_vec(self) -> Vec<String> {
        self.list
    }
}

pub(crate) fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// A Content-Type value taken apart: `text/xml; charset=utf-8`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    /// Type and subtype, lower case.
    pub essence: String,
    /// Parameters, names lower case, values unquoted.
    pub params: Vec<(String, String)>,
}

impl MediaType {
    /// Reads a `Content-Type` value (`text/xml; charset="utf-8"`); never fails: what is
    /// not a parameter is left out.
    pub fn parse(value: &str) -> MediaType {
        let mut parts = value.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let params = parts
            .filter_map(|p| {
                let (n, v) = p.split_once('=')?;
                Some((n.trim().to_ascii_lowercase(), unquote(v.trim()).to_string()))
            })
            .collect();
        MediaType { essence, params }
    }

    /// The value of the parameter `name` (lower case), unquoted, when there is one.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_credential_is_masked_in_the_target_and_kept_as_a_secret() {
        let start = StartLine::Request {
            method: "POST".into(),
            target: "/Remote/Services85/Relation.svc?ticket=7T:abcdefgh&x=1".into(),
        };
        let (meta, found) = HttpMeta::new(start, Vec::new());
        assert_eq!(found, vec!["7T:abcdefgh".to_string()]);
        let StartLine::Request { target, .. } = &meta.start else {
            panic!("a request");
        };
        assert_eq!(
            target,
            &format!("/Remote/Services85/Relation.svc?ticket={MASK}&x=1")
        );
    }

    #[test]
    fn credential_values_are_masked_where_they_stand() {
        let h = |name: &str, value: &str| Header {
            name: name.into(),
            value: value.into(),
            line: Some(2),
        };
        let start = StartLine::Request {
            method: "POST".into(),
            target: "/r".into(),
        };
        let (meta, secrets) = HttpMeta::new(
            start,
            vec![
                h("Cookie", "sid=abcdef"),
                h("cookie", "sid=abcdef"),
                h("Host", "crm"),
            ],
        );
        let values: Vec<&str> = meta.headers.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(values, vec![MASK, MASK, "crm"]);
        // A cookie header holds its values as secrets, not its names (secrets::header_secrets).
        assert_eq!(secrets, vec!["abcdef"]);
    }

    #[test]
    fn media_types_are_taken_apart() {
        let m = MediaType::parse("Application/SOAP+xml; Charset=\"utf-8\"; action=\"urn:x\"");
        assert_eq!(m.essence, "application/soap+xml");
        assert_eq!(m.param("charset").as_deref(), Some("utf-8"));
        assert_eq!(m.param("action").as_deref(), Some("urn:x"));
        assert_eq!(m.param("none"), None);
    }
}
