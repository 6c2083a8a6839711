//! `--record DIR`: every exchange as two raw HTTP/1.1 messages, redacted.
//!
//! `NNNNNN-OPERATION.request.http` and `NNNNNN-OPERATION.response.http` (`unknown` when the
//! request named no operation), numbered on from the highest number already in the folder,
//! never overwriting a file. Each is a start line, headers and the body, as `curl -i` or a
//! proxy log saves them. Redacted before they touch the disk: `Ticket` and
//! `ApplicationToken` contents, and the values of the `Authorization`, `Proxy-Authorization`,
//! `Cookie`, `Set-Cookie` and `SO-AppToken` headers. `Content-Length` is the redacted body's.

use crate::capture::{Document, SourceEncoding, SECRET_ELEMENTS};
use crate::report::redact::MASK;
use crate::report::Redactor;
use hyper::header::HeaderMap;
use hyper::StatusCode;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Headers whose values are credentials.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "so-apptoken",
];

/// Headers not carried into a dump: the dump's body is whole and its length is given anew.
const DROPPED_HEADERS: [&str; 2] = ["content-length", "transfer-encoding"];

#[derive(Debug)]
pub(crate) struct Recorder {
    dir: PathBuf,
    next: AtomicU64,
}

/// One side of an exchange, ready to be written.
pub(crate) struct Side<'a> {
    pub start_line: String,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Recorder {
    /// Creates the folder if needed and numbers on from what it holds.
    pub(crate) fn new(dir: &Path) -> io::Result<Recorder> {
        fs::create_dir_all(dir)?;
        let mut highest = 0u64;
        for entry in fs::read_dir(dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                highest = highest.max(n);
            }
        }
        Ok(Recorder {
            dir: dir.to_path_buf(),
            next: AtomicU64::new(highest + 1),
        })
    }

    /// Writes one exchange. `doc` is the request body as read (for its secrets and
    /// encoding); `redactor` knows the request's secret values.
    pub(crate) fn record(
        &self,
        label: &str,
        doc: &Document,
        redactor: &Redactor,
        request: Side<'_>,
        response: Side<'_>,
    ) -> io::Result<()> {
        let req = dump(&request, redact_body(doc, request.body, redactor));
        let resp_text = String::from_utf8_lossy(response.body);
        let resp = dump(&response, redactor.source_line(&resp_text).into_bytes());
        loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let base = format!("{n:06}-{label}");
            match create_new(&self.dir.join(format!("{base}.request.http")), &req) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
            return create_new(&self.dir.join(format!("{base}.response.http")), &resp);
        }
    }
}

fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)
}

/// The request body with its secrets masked, in the bytes' own encoding.
fn redact_body(doc: &Document, raw: &[u8], redactor: &Redactor) -> Vec<u8> {
    let Some(text) = doc.text() else {
        // Not text: keep what can be read of it, masked; it was broken anyway.
        return redactor
            .source_line(&String::from_utf8_lossy(raw))
            .into_bytes();
    };
    let masked = mask_cdata_secrets(&redactor.source_line(text));
    match doc.encoding {
        SourceEncoding::Utf8 => masked.into_bytes(),
        SourceEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], masked.as_bytes()].concat(),
        SourceEncoding::Utf16LeBom => utf16(&masked, true, true),
        SourceEncoding::Utf16LeNoBom => utf16(&masked, true, false),
        SourceEncoding::Utf16BeBom => utf16(&masked, false, true),
        SourceEncoding::Utf16BeNoBom => utf16(&masked, false, false),
        SourceEncoding::Unknown => masked.into_bytes(),
    }
}

/// Masks a CDATA section that opens the content of a `Ticket` or `ApplicationToken`
/// element (the text scan for secrets stops at its `<`; a request that decodes has its
/// values masked by value already, this covers the ones that do not decode).
fn mask_cdata_secrets(text: &str) -> String {
    const OPEN: &str = "<![CDATA[";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        let before = &rest[..at];
        let after_open = &rest[at + OPEN.len()..];
        // The tag right before the section: `<prefix:Ticket ...>`?
        let in_secret = before.rfind('<').is_some_and(|lt| {
            let tag = &before[lt + 1..];
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or_default();
            let local = name.rsplit(':').next().unwrap_or(name);
            tag.trim_end().ends_with('>') && SECRET_ELEMENTS.contains(&local)
        });
        out.push_str(before);
        out.push_str(OPEN);
        let end = after_open.find("]]>").unwrap_or(after_open.len());
        if in_secret {
            out.push_str(MASK);
        } else {
            out.push_str(&after_open[..end]);
        }
        rest = &after_open[end..];
    }
    out.push_str(rest);
    out
}

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 2 + 2);
    let units = bom.then_some(0xFEFFu16).into_iter().chain(s.encode_utf16());
    for u in units {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn dump(side: &Side<'_>, body: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 512);
    out.extend_from_slice(side.start_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in side.headers {
        let lower = name.as_str();
        if DROPPED_HEADERS.contains(&lower) {
            continue;
        }
        out.extend_from_slice(display_name(lower).as_bytes());
        out.extend_from_slice(b": ");
        if SECRET_HEADERS.contains(&lower) {
            out.extend_from_slice(MASK.as_bytes());
        } else {
            out.extend_from_slice(value.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body);
    out
}

/// `content-type` → `Content-Type`; `soapaction` → `SOAPAction` (as WCF clients send it).
fn display_name(lower: &str) -> String {
    if lower == "soapaction" {
        return "SOAPAction".to_string();
    }
    lower
        .split('-')
        .map(|part| {
            let mut cs = part.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `HTTP/1.1 200 OK`.
pub(crate) fn status_line(status: StatusCode) -> String {
    format!(
        "HTTP/1.1 {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_in_secret_elements_is_masked() {
        let t = "<a:Ticket><![CDATA[s3cret]]></a:Ticket><Comment><![CDATA[kept]]></Comment>\
                 <ApplicationToken x=\"1\"><![CDATA[tok]]>";
        assert_eq!(
            mask_cdata_secrets(t),
            format!(
                "<a:Ticket><![CDATA[{MASK}]]></a:Ticket><Comment><![CDATA[kept]]></Comment>\
                 <ApplicationToken x=\"1\"><![CDATA[{MASK}]]>"
            )
        );
    }

    #[test]
    fn header_names_read_like_the_wire() {
        assert_eq!(display_name("content-type"), "Content-Type");
        assert_eq!(display_name("soapaction"), "SOAPAction");
        assert_eq!(display_name("so-apptoken"), "So-Apptoken");
    }

    #[test]
    fn secret_headers_and_elements_are_masked() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer s3cret".parse().unwrap());
        h.insert("so-apptoken", "app-s3cret".parse().unwrap());
        h.insert("content-length", "999".parse().unwrap());
        let body = b"<a:Ticket>7T:s3cret==</a:Ticket>";
        let doc = Document::from_bytes("t", body);
        let r = Redactor::new(&doc.secrets);
        let side = Side {
            start_line: "POST /x HTTP/1.1".into(),
            headers: &h,
            body,
        };
        let out = String::from_utf8(dump(&side, redact_body(&doc, body, &r))).unwrap();
        assert!(!out.contains("s3cret"), "{out}");
        assert!(out.contains("Content-Length: 31\r\n"), "{out}");
        assert!(!out.contains("999"));
    }
}
