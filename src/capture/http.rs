//! Raw HTTP/1.1 messages (as `curl -i`, Fiddler's raw view or a proxy log save them): the
//! start line, the header fields and the body, with chunked bodies decoded and
//! `Content-Length` respected; and the HTTP-level checks a SOAP message is held to.
//!
//! A file may hold several messages back to back (a request and its response); a
//! `100 Continue` interim response is passed over.
//!
//! Line numbers: when a body stands verbatim in the file (no chunked coding), the violations
//! found in it name lines of the file (the body's line plus the lines before it); a chunked
//! body is decoded first, so its violations name lines of the decoded body. Findings about
//! headers (`http.*`) name the header's line in the file.

use super::{Capture, Document};
use crate::contract::{Kind, Operation, SoapVersion, ACTION_PREFIX};
use crate::schema::Validation;
use crate::secrets::MASK;
use crate::violation::{Code, Violation};

/// Kept for the merge: the names live in [`crate::secrets`].
#[doc(hidden)]
pub use crate::secrets::{header_secrets, is_secret_header, SECRET_HEADERS};

/// The first line of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request { method: String, target: String },
    Response { status: u16, reason: String },
}

/// One header field. The value of a credential header is masked here; the original is in
/// the document's secrets only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
    /// 1-based line of the capture file, when the header stands in a raw dump.
    pub line: Option<u32>,
}

/// What HTTP said about a document that came out of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpMeta {
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
    /// Builds the metadata from header fields, masking credential values; returns the
    /// secrets found in them.
    pub fn new(start: StartLine, raw: Vec<Header>) -> (HttpMeta, Vec<String>) {
        let mut secrets = Vec::new();
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
        (meta, secrets)
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }

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

/// Whether the first bytes look like an HTTP message: `HTTP/1.1 200 OK` or
/// `POST /path HTTP/1.1`.
pub fn looks_like_http(head: &[u8]) -> bool {
    let start = skip_ws(head, 0);
    let line_end = head[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(head.len(), |e| start + e);
    let Ok(line) = std::str::from_utf8(&head[start..line_end]) else {
        return false;
    };
    parse_start_line(line.trim_end_matches('\r')).is_some()
}

fn parse_start_line(line: &str) -> Option<StartLine> {
    let mut parts = line.splitn(3, ' ');
    let first = parts.next()?;
    let second = parts.next()?;
    let third = parts.next().unwrap_or("");
    if is_http_version(first) {
        if second.len() != 3 || !second.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let status = second.parse().ok()?;
        return Some(StartLine::Response {
            status,
            reason: third.trim().to_string(),
        });
    }
    let method_ok = !first.is_empty() && first.bytes().all(|b| b.is_ascii_uppercase());
    if method_ok && !second.is_empty() && is_http_version(third.trim()) {
        return Some(StartLine::Request {
            method: first.to_string(),
            target: second.to_string(),
        });
    }
    None
}

fn is_http_version(s: &str) -> bool {
    s.strip_prefix("HTTP/").is_some_and(|v| {
        let mut it = v.split('.');
        let major = it.next().unwrap_or("");
        let minor = it.next();
        major.len() == 1
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.is_none_or(|m| m.len() == 1 && m.bytes().all(|b| b.is_ascii_digit()))
            && it.next().is_none()
    })
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// One line from `pos`: its text without the line end, and where the next line starts.
fn read_line(bytes: &[u8], pos: usize) -> (&[u8], usize) {
    match bytes[pos..].iter().position(|&b| b == b'\n') {
        Some(n) => {
            let line = &bytes[pos..pos + n];
            (line.strip_suffix(b"\r").unwrap_or(line), pos + n + 1)
        }
        None => (&bytes[pos..], bytes.len()),
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u32 {
    let n = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// A message taken apart.
struct Message {
    meta: HttpMeta,
    secrets: Vec<String>,
    body: Vec<u8>,
    /// Where the next message may start.
    end: usize,
}

/// Takes one message apart from `pos`. `Err` says why the bytes are not a message.
fn parse_message(bytes: &[u8], pos: usize) -> Result<Message, String> {
    let (first, mut next) = read_line(bytes, pos);
    let first = String::from_utf8_lossy(first);
    // Error messages name lines, never echo the bytes (they may hold credentials).
    let start = parse_start_line(&first).ok_or_else(|| {
        format!(
            "line {} is not an HTTP start line (`HTTP/1.1 200 OK` or `POST /path HTTP/1.1`): \
             the bytes after the previous message are not a message",
            line_of(bytes, pos)
        )
    })?;
    let mut headers: Vec<Header> = Vec::new();
    let mut ended = false;
    while next < bytes.len() {
        let line_no = line_of(bytes, next);
        let (line, after) = read_line(bytes, next);
        next = after;
        if line.is_empty() {
            ended = true;
            break;
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with([' ', '\t']) {
            // An obsolete folded continuation of the previous field.
            if let Some(h) = headers.last_mut() {
                h.value.push(' ');
                h.value.push_str(line.trim());
                continue;
            }
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!(
                "line {line_no} is not a header field (name: value)"
            ));
        };
        headers.push(Header {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
            line: Some(line_no),
        });
    }
    let body_start = next;
    let (mut meta, secrets) = HttpMeta::new(start, headers);
    let no_body = match &meta.start {
        StartLine::Response { status, .. } => {
            (100..200).contains(status) || *status == 204 || *status == 304
        }
        StartLine::Request { .. } => false,
    };
    let chunked = meta
        .header("transfer-encoding")
        .is_some_and(|h| h.value.to_ascii_lowercase().contains("chunked"));
    let (body, end) = if !ended || no_body {
        (Vec::new(), body_start)
    } else if chunked {
        decode_chunked(bytes, body_start)?
    } else if let Some(h) = meta.header("content-length") {
        let len: usize = h
            .value
            .trim()
            .parse()
            .map_err(|_| format!("Content-Length `{}` is not a number", h.value))?;
        let available = bytes.len() - body_start;
        if available < len {
            return Err(format!(
                "the body has {available} bytes where Content-Length says {len}: the capture is truncated"
            ));
        }
        meta.body_line = Some(line_of(bytes, body_start));
        (
            bytes[body_start..body_start + len].to_vec(),
            body_start + len,
        )
    } else {
        // No framing: the body runs to the end of the file.
        meta.body_line = Some(line_of(bytes, body_start));
        (bytes[body_start..].to_vec(), bytes.len())
    };
    if let Some(h) = meta.header("content-encoding") {
        let coding = h.value.trim().to_ascii_lowercase();
        if !coding.is_empty() && coding != "identity" {
            return Err(format!(
                "the body is compressed (Content-Encoding: {coding}): save the capture decoded"
            ));
        }
    }
    Ok(Message {
        meta,
        secrets,
        body,
        end,
    })
}

/// Decodes a chunked body from `pos`: the data and where the message ends.
fn decode_chunked(bytes: &[u8], mut pos: usize) -> Result<(Vec<u8>, usize), String> {
    let mut out = Vec::new();
    loop {
        if pos >= bytes.len() {
            return Err("the chunked body ends without its last (zero-size) chunk".into());
        }
        let (line, next) = read_line(bytes, pos);
        let text = String::from_utf8_lossy(line);
        let size_text = text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("`{size_text}` is not a chunk size (hexadecimal)"))?;
        pos = next;
        if size == 0 {
            // Trailer fields up to an empty line (or the end of the file).
            while pos < bytes.len() {
                let (line, next) = read_line(bytes, pos);
                pos = next;
                if line.is_empty() {
                    break;
                }
            }
            return Ok((out, pos));
        }
        let end = pos
            .checked_add(size)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                format!(
                    "a chunk of {size} bytes runs past the end of the file: the capture is truncated"
                )
            })?;
        out.extend_from_slice(&bytes[pos..end]);
        pos = end;
        if bytes[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if bytes[pos..].starts_with(b"\n") {
            pos += 1;
        } else if pos < bytes.len() {
            return Err(format!(
                "chunk data of {size} bytes is not followed by a line end: the chunk size is wrong"
            ));
        }
    }
}

/// Takes a raw HTTP dump apart: one document per message that holds a SOAP envelope.
pub(crate) fn parse_dump(source: &str, bytes: &[u8]) -> Capture {
    let mut messages: Vec<Result<Message, String>> = Vec::new();
    let mut pos = skip_ws(bytes, 0);
    while pos < bytes.len() {
        match parse_message(bytes, pos) {
            Ok(m) => {
                pos = skip_ws(bytes, m.end);
                let interim = matches!(m.meta.start, StartLine::Response { status, .. } if (100..200).contains(&status));
                if !interim {
                    messages.push(Ok(m));
                }
            }
            Err(e) => {
                messages.push(Err(e));
                break;
            }
        }
    }
    let several = messages.len() > 1;
    let mut capture = Capture::default();
    let mut request_action: Option<String> = None;
    for (i, m) in messages.into_iter().enumerate() {
        let m = match m {
            Ok(m) => m,
            Err(why) => {
                let name = if several {
                    format!("{source}#messages[{i}]")
                } else {
                    source.to_string()
                };
                capture
                    .documents
                    .push(super::malformed_capture(name, &why, bytes));
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
        if meta.is_request() {
            request_action = meta.header("soapaction").map(|h| h.value.clone());
        } else {
            meta.request_action = request_action.take();
        }
        match message_document(name.clone(), meta, m.secrets, &m.body) {
            Some(doc) => capture.documents.push(doc),
            None => capture.skipped.push(name),
        }
    }
    capture
}

/// The document a message's body makes, or `None` when it holds no SOAP envelope (the
/// root is not `Envelope`, and the headers do not say SOAP either).
pub(crate) fn message_document(
    name: String,
    meta: HttpMeta,
    secrets: Vec<String>,
    body: &[u8],
) -> Option<Document> {
    let mut doc = Document::from_bytes(name, body);
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
    for s in secrets {
        if !doc.secrets.contains(&s) {
            doc.secrets.push(s);
        }
    }
    doc.http = Some(meta);
    Some(doc)
}

/// The qualified name of the first element of a text (after declaration, comments,
/// DOCTYPE).
pub(crate) fn first_element(text: &str) -> Option<&str> {
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

fn unquote(s: &str) -> &str {
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

    pub fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// Character set families the check tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    Utf16,
    Utf16Le,
    Utf16Be,
    /// US-ASCII and the single-byte sets that agree with it on ASCII.
    SingleByte,
    Other,
}

fn charset(name: &str) -> Charset {
    match name.trim().to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => Charset::Utf8,
        "utf-16" | "utf16" | "ucs-2" => Charset::Utf16,
        "utf-16le" => Charset::Utf16Le,
        "utf-16be" => Charset::Utf16Be,
        "us-ascii" | "ascii" | "iso-8859-1" | "latin1" | "iso-8859-15" | "windows-1252" => {
            Charset::SingleByte
        }
        _ => Charset::Other,
    }
}

/// The HTTP-level findings on a document from a capture: SOAPAction, Content-Type, charset.
/// Nothing when the document has no HTTP metadata or is not a SOAP envelope at all.
pub fn check(doc: &Document, validation: &Validation) -> Vec<Violation> {
    let Some(meta) = &doc.http else {
        return Vec::new();
    };
    let Some(version) = validation.soap_version else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let at = |code: Code, header: Option<&Header>, message: String| {
        let line = header.and_then(|h| h.line);
        Violation::new(code, "", message).at(line, line.map(|_| 1))
    };
    let ct_header = meta.header("content-type");
    let media = ct_header.map(|h| MediaType::parse(&h.value));
    let expected = match version {
        SoapVersion::V11 => "text/xml",
        SoapVersion::V12 => "application/soap+xml",
    };
    match &media {
        None => out.push(at(
            Code::HttpContentType,
            None,
            format!("no Content-Type header: a SOAP {version} message is sent as {expected}"),
        )),
        Some(m) if m.essence != expected => out.push(at(
            Code::HttpContentType,
            ct_header,
            format!(
                "Content-Type is {}, but the body is a SOAP {version} envelope, which is sent as {expected}",
                m.essence
            ),
        )),
        Some(_) => {}
    }

    // The action names the operation the body holds (requests only).
    if meta.is_request() {
        let body_op = match validation.kind {
            Some(Kind::Request) => validation.operation,
            _ => None,
        };
        match version {
            SoapVersion::V11 => {
                let h = meta.header("soapaction");
                match h {
                    None => out.push(at(
                        Code::HttpSoapAction,
                        None,
                        format!(
                            "no SOAPAction header: a SOAP 1.1 request names its operation there{}",
                            body_op
                                .map_or(String::new(), |op| format!(" (\"{}\")", op.soap_action()))
                        ),
                    )),
                    Some(h) => {
                        let raw = h.value.trim();
                        let quoted = raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"');
                        let action = unquote(raw);
                        if !quoted {
                            out.push(at(
                                Code::HttpSoapAction,
                                Some(h),
                                format!(
                                    "SOAPAction {raw} is not a quoted string: SOAP 1.1 and WS-I Basic Profile (R1109) want \"{action}\""
                                ),
                            ));
                        }
                        if let Some(op) = body_op {
                            if action != op.soap_action() {
                                out.push(mismatch(
                                    at(Code::HttpSoapAction, Some(h), String::new()),
                                    "SOAPAction",
                                    action,
                                    op,
                                ));
                            }
                        }
                    }
                }
            }
            SoapVersion::V12 => {
                if let Some(m) = media.as_ref().filter(|m| m.essence == expected) {
                    match m.param("action") {
                        None => out.push(at(
                            Code::HttpContentType,
                            ct_header,
                            "application/soap+xml without an action parameter: a SOAP 1.2 request names its operation there".to_string(),
                        )),
                        Some(action) => {
                            if let Some(op) = body_op.filter(|op| action != op.soap_action()) {
                                out.push(mismatch(
                                    at(Code::HttpSoapAction, ct_header, String::new()),
                                    "the action parameter",
                                    &action,
                                    op,
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    // The charset agrees with the bytes and with the XML declaration.
    if let Some(cs_name) = media.as_ref().and_then(|m| m.param("charset")) {
        let cs = charset(&cs_name);
        let text = doc.text();
        let mut problem: Option<String> = None;
        if cs == Charset::Other {
            problem = Some(format!(
                "charset {cs_name} is not one the service reads (UTF-8, UTF-16)"
            ));
        } else if meta.wire_bytes {
            use super::SourceEncoding as E;
            let fits = match doc.encoding {
                E::Utf8 | E::Utf8Bom => {
                    cs == Charset::Utf8
                        || (cs == Charset::SingleByte && text.is_some_and(str::is_ascii))
                }
                E::Utf16LeBom | E::Utf16LeNoBom => {
                    matches!(cs, Charset::Utf16 | Charset::Utf16Le)
                }
                E::Utf16BeBom | E::Utf16BeNoBom => {
                    matches!(cs, Charset::Utf16 | Charset::Utf16Be)
                }
                // Bytes that are not text are reported as xml.encoding already.
                E::Unknown => true,
            };
            if !fits {
                problem = Some(format!(
                    "Content-Type says charset={cs_name}, but the body's bytes are {}",
                    encoding_name(doc.encoding)
                ));
            }
        }
        if problem.is_none() {
            if let Some(declared) = text.and_then(crate::text::xmldecl::declared_encoding) {
                let d = charset(declared);
                let same_family = match (cs, d) {
                    (Charset::Utf16 | Charset::Utf16Le | Charset::Utf16Be, x) => {
                        matches!(x, Charset::Utf16 | Charset::Utf16Le | Charset::Utf16Be)
                    }
                    (a, b) => a == b,
                };
                if !same_family {
                    problem = Some(format!(
                        "Content-Type says charset={cs_name}, but the XML declaration says encoding=\"{declared}\""
                    ));
                }
            }
        }
        if let Some(p) = problem {
            out.push(at(Code::HttpCharset, ct_header, p));
        }
    }
    out
}

/// An action that names another operation than the body holds: reported at the body's
/// operation element, the element the action disagrees with.
fn mismatch(v: Violation, what: &str, action: &str, op: Operation) -> Violation {
    let named = action
        .strip_prefix(ACTION_PREFIX)
        .map_or(action.to_string(), str::to_string);
    Violation {
        element: format!("/Envelope/Body/{}", op.name()),
        message: format!(
            "{what} names {named}, but the body holds a {} request: expected \"{}\"",
            op.name(),
            op.soap_action()
        ),
        ..v
    }
}

fn encoding_name(e: super::SourceEncoding) -> &'static str {
    use super::SourceEncoding as E;
    match e {
        E::Utf8 => "UTF-8",
        E::Utf8Bom => "UTF-8 (with a BOM)",
        E::Utf16LeBom | E::Utf16LeNoBom => "UTF-16LE",
        E::Utf16BeBom | E::Utf16BeNoBom => "UTF-16BE",
        E::Unknown => "not text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(bytes: &[u8]) -> Capture {
        parse_dump("dump.http", bytes)
    }

    const ENV: &str =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";

    #[test]
    fn start_lines() {
        assert!(looks_like_http(b"HTTP/1.1 200 OK\r\n"));
        assert!(looks_like_http(b"HTTP/2 500\n"));
        assert!(looks_like_http(
            b"POST /Remote/Services85/Relation.svc HTTP/1.1\r\n"
        ));
        assert!(!looks_like_http(b"<s:Envelope>"));
        assert!(!looks_like_http(b"post / HTTP/1.1"));
        assert!(!looks_like_http(b"HTTP/1.1 20 OK"));
    }

    #[test]
    fn content_length_is_respected_and_a_second_message_follows() {
        let req = format!(
            "POST /r HTTP/1.1\r\nSOAPAction: \"x\"\r\nContent-Length: {}\r\n\r\n{ENV}",
            ENV.len()
        );
        let resp = format!(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{ENV}\r\n",
            ENV.len()
        );
        let c = docs(format!("{req}{resp}").as_bytes());
        let names: Vec<&str> = c.documents.iter().map(|d| d.source.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "dump.http#messages[0].request",
                "dump.http#messages[1].response"
            ]
        );
        assert_eq!(c.documents[0].text(), Some(ENV));
        assert_eq!(c.documents[1].text(), Some(ENV));
        let meta = c.documents[1].http.as_ref();
        assert_eq!(
            meta.and_then(|m| m.request_action.clone()),
            Some("\"x\"".into())
        );
        assert_eq!(meta.and_then(|m| m.body_line), Some(11));
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let (a, b) = ENV.split_at(20);
        let dump = format!(
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n{:x};ext=1\n{a}\n{:X}\r\n{b}\r\n0\r\nX-Trailer: 1\r\n\r\n",
            a.len(),
            b.len()
        );
        let c = docs(dump.as_bytes());
        assert_eq!(c.documents.len(), 1);
        assert_eq!(c.documents[0].text(), Some(ENV));
        assert_eq!(c.documents[0].http.as_ref().and_then(|m| m.body_line), None);
    }

    #[test]
    fn broken_framing_is_a_malformed_capture() {
        for dump in [
            "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<s:Envelope/>",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<s:Envelope/>",
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n<s:Envelope/>",
        ] {
            let c = docs(dump.as_bytes());
            let v = c.documents.first().and_then(|d| d.text.clone().err());
            assert_eq!(v.map(|v| v.code), Some(Code::CaptureMalformed), "{dump}");
        }
    }

    #[test]
    fn credential_headers_are_masked_and_collected() {
        let dump = format!(
            "POST /r HTTP/1.1\r\nAuthorization: SOTicket 7T:c2VjcmV0\r\nCookie: a=1; ASP.NET_SessionId=abcd1234efgh\r\n\
             SO-AppToken: app-token-1\r\nX-Long: one\r\n two\r\n\r\n{ENV}"
        );
        let c = docs(dump.as_bytes());
        let d = &c.documents[0];
        for s in ["7T:c2VjcmV0", "abcd1234efgh", "app-token-1"] {
            assert!(d.secrets.iter().any(|x| x == s), "{s} not collected");
        }
        assert!(!d.secrets.iter().any(|x| x == "1"));
        let meta = d.http.as_ref();
        let shown = format!("{meta:?}");
        assert!(!shown.contains("c2VjcmV0") && !shown.contains("abcd1234"));
        assert_eq!(
            meta.and_then(|m| m.header("x-long"))
                .map(|h| h.value.as_str()),
            Some("one two")
        );
    }

    #[test]
    fn messages_without_soap_are_skipped() {
        let c = docs(b"GET /Remote/Services85/Relation.svc?wsdl HTTP/1.1\r\nHost: crm\r\n\r\n");
        assert!(c.documents.is_empty());
        assert_eq!(c.skipped, vec!["dump.http".to_string()]);
    }
}
