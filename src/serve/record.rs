//! `--record DIR`: every exchange as two raw HTTP/1.1 messages, redacted.
//!
//! `NNNNNN-OPERATION.request.http` and `NNNNNN-OPERATION.response.http` (`unknown` when the
//! request named no operation), numbered on from the highest number already in the folder,
//! never overwriting a file. Each is a start line, headers and the body, as `curl -i` or a
//! proxy log saves them. Every part goes through [`crate::secrets`] before it touches the
//! disk, whatever the answer was (200 included): the request target (credential query
//! parameters), every header (credential headers, and any value that equals a secret), the
//! request body (secret elements and attributes masked where they stand, CDATA, comments and
//! nested markup included; values that equal a secret or hold a piece of one) and the
//! response body (the same, and fault text that quotes a secret). `Content-Length` is the
//! redacted body's.

use crate::capture::{Document, SourceEncoding};
use crate::secrets::{self, Masker};
use hyper::header::HeaderMap;
use hyper::StatusCode;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// encoding); `masker` knows the request's secret values.
    pub(crate) fn record(
        &self,
        label: &str,
        doc: &Document,
        masker: &Masker,
        request: Side<'_>,
        response: Side<'_>,
    ) -> io::Result<()> {
        let masker = exchange_masker(doc, masker, &request);
        let req = dump(&request, redact_body(doc, request.body, &masker), &masker);
        let resp_text = String::from_utf8_lossy(response.body);
        let resp_body = secrets::mask_reply(&resp_text, &masker).into_bytes();
        let resp = dump(&response, resp_body, &masker);
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

/// Every secret of the exchange: the document's, the masker's, the request target's
/// credential parameters and the request's credential headers.
fn exchange_masker(doc: &Document, masker: &Masker, request: &Side<'_>) -> Masker {
    let mut masker = masker.clone();
    for s in &doc.secrets {
        masker.add(s);
    }
    if let Some(target) = request.start_line.split(' ').nth(1) {
        for s in secrets::target_secrets(target) {
            masker.add(&s);
        }
    }
    for (name, value) in request.headers {
        if secrets::is_secret_header(name.as_str()) {
            let value = String::from_utf8_lossy(value.as_bytes());
            for s in secrets::header_secrets(name.as_str(), &value) {
                masker.add(&s);
            }
        }
    }
    masker
}

/// The request body with its secrets masked, in the bytes' own encoding.
fn redact_body(doc: &Document, raw: &[u8], masker: &Masker) -> Vec<u8> {
    let Some(text) = doc.text() else {
        // Not text: keep what can be read of it, masked; it was broken anyway.
        return secrets::mask_document(&String::from_utf8_lossy(raw), masker).into_bytes();
    };
    let masked = secrets::mask_document(text, masker);
    match doc.encoding {
        SourceEncoding::Utf8 => masked.into_bytes(),
        SourceEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], masked.as_bytes()].concat(),
        SourceEncoding::Utf16LeBom => utf16(&masked, true, true),
        SourceEncoding::Utf16LeNoBom => utf16(&masked, true, false),
        SourceEncoding::Utf16BeBom => utf16(&masked, false, true),
        SourceEncoding::Utf16BeNoBom => utf16(&masked, false, false),
        SourceEncoding::Unknown => masked.into_bytes(),
        // The declared 8-bit or multi-byte encoding; a character it cannot write (Big5
        // reads HKSCS characters it does not write) makes the body UTF-8, and its
        // declaration says so.
        SourceEncoding::Declared(d) => d
            .encode(&masked)
            .unwrap_or_else(|_| crate::text::xmldecl::with_utf8_encoding(masked).into_bytes()),
    }
}

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 2 + 2);
    let units = bom.then_some(0xFEFFu16).into_iter().chain(s.encode_utf16());
    for u in units {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn dump(side: &Side<'_>, body: Vec<u8>, masker: &Masker) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 512);
    out.extend_from_slice(secrets::mask_start_line(&side.start_line, masker).as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in side.headers {
        let lower = name.as_str();
        if DROPPED_HEADERS.contains(&lower) {
            continue;
        }
        out.extend_from_slice(display_name(lower).as_bytes());
        out.extend_from_slice(b": ");
        let value = String::from_utf8_lossy(value.as_bytes());
        out.extend_from_slice(secrets::mask_header(lower, &value, masker).as_bytes());
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
        let r = Masker::new(&doc.secrets);
        let side = Side {
            start_line: "POST /x HTTP/1.1".into(),
            headers: &h,
            body,
        };
        let m = exchange_masker(&doc, &r, &side);
        let out = String::from_utf8(dump(&side, redact_body(&doc, body, &m), &m)).unwrap();
        assert!(!out.contains("s3cret"), "{out}");
        assert!(out.contains("Content-Length: 31\r\n"), "{out}");
        assert!(!out.contains("999"));
    }

    #[test]
    fn a_declared_8bit_body_is_written_back_in_its_encoding() {
        let m = Masker::new(&[]);
        let decl = |enc: &str| format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>");
        let mut latin1 = decl("ISO-8859-1").into_bytes();
        latin1.extend_from_slice(b"<a>Bj\xF8rn</a>");
        let doc = Document::from_bytes("t", &latin1);
        assert_eq!(redact_body(&doc, &latin1, &m), latin1);
        // Big5 reads an HKSCS character it cannot write: the body becomes UTF-8, and says so.
        let mut big5 = decl("Big5").into_bytes();
        big5.extend_from_slice(b"<a>\x87\x40\xA4\xA4</a>");
        let doc = Document::from_bytes("t", &big5);
        let text = doc.text().unwrap_or_default().to_string();
        assert!(text.ends_with("\u{4e2d}</a>"), "{text}");
        let out = redact_body(&doc, &big5, &m);
        assert_eq!(out, text.replace("\"Big5\"", "\"UTF-8\"").into_bytes());
    }
}
