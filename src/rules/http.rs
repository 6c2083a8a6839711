//! The HTTP-level rules a SOAP message from a capture (or a request to the stub) is held to:
//! the SOAPAction (or SOAP 1.2's `action` parameter) names the operation the body holds, the
//! Content-Type fits the SOAP version, and the charset agrees with the bytes and with the
//! XML declaration.
//!
//! The rules read the document's [`HttpMeta`] and what the envelope check found out about
//! the body ([`Envelope`]), as plain values: they depend on `capture` and `contract` only.

use crate::capture::http::{Header, HttpMeta, MediaType};
use crate::capture::{Document, SourceEncoding};
use crate::contract::{Contract, Kind, Operation, SoapVersion};
use crate::violation::{Code, Violation};

/// What the envelope check found out about a document's body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Envelope {
    /// The SOAP version of the envelope; `None` when the body is no SOAP envelope.
    pub version: Option<SoapVersion>,
    /// Request, response or fault, when the body shows it.
    pub kind: Option<Kind>,
    /// The operation the body holds, when it shows it.
    pub operation: Option<Operation>,
    /// The contract version the document is held to (its SOAPActions' prefix).
    pub contract: Contract,
}

/// The HTTP-level findings on a document from a capture: SOAPAction, Content-Type, charset.
/// Nothing when the document has no HTTP metadata or is not a SOAP envelope at all.
pub fn check(doc: &Document, envelope: Envelope) -> Vec<Violation> {
    let Some(meta) = &doc.http else {
        return Vec::new();
    };
    let Some(version) = envelope.version else {
        return Vec::new();
    };
    let ct = ContentType::of(meta);
    let mut out = Vec::new();
    content_type(&ct, version, &mut out);
    if meta.is_request() {
        // The action names the operation the body holds (requests only).
        let body_op = match envelope.kind {
            Some(Kind::Request) => envelope.operation,
            _ => None,
        };
        match version {
            SoapVersion::V11 => soap_action_11(meta, body_op, envelope.contract, &mut out),
            SoapVersion::V12 => action_12(&ct, body_op, envelope.contract, &mut out),
        }
    }
    if let Some(problem) = charset_problem(doc, meta, &ct) {
        out.push(at(Code::HttpCharset, ct.header, problem));
    }
    out
}

/// The Content-Type header and its value taken apart.
struct ContentType<'a> {
    header: Option<&'a Header>,
    media: Option<MediaType>,
}

impl<'a> ContentType<'a> {
    fn of(meta: &'a HttpMeta) -> Self {
        let header = meta.header("content-type");
        ContentType {
            header,
            media: header.map(|h| MediaType::parse(&h.value)),
        }
    }
}

/// A finding at a header's line of the dump (when it has one).
fn at(code: Code, header: Option<&Header>, message: String) -> Violation {
    let line = header.and_then(|h| h.line);
    Violation::new(code, "", message).at(line, line.map(|_| 1))
}

fn expected_media(version: SoapVersion) -> &'static str {
    match version {
        SoapVersion::V11 => "text/xml",
        SoapVersion::V12 => "application/soap+xml",
    }
}

/// The Content-Type fits the SOAP version.
fn content_type(ct: &ContentType, version: SoapVersion, out: &mut Vec<Violation>) {
    let expected = expected_media(version);
    match &ct.media {
        None => out.push(at(
            Code::HttpContentType,
            None,
            format!("no Content-Type header: a SOAP {version} message is sent as {expected}"),
        )),
        Some(m) if m.essence != expected => out.push(at(
            Code::HttpContentType,
            ct.header,
            format!(
                "Content-Type is {}, but the body is a SOAP {version} envelope, which is sent as {expected}",
                m.essence
            ),
        )),
        Some(_) => {}
    }
}

/// SOAP 1.1: a quoted SOAPAction header that names the body's operation.
fn soap_action_11(
    meta: &HttpMeta,
    body_op: Option<Operation>,
    contract: Contract,
    out: &mut Vec<Violation>,
) {
    let Some(h) = meta.header("soapaction") else {
        out.push(at(
            Code::HttpSoapAction,
            None,
            format!(
                "no SOAPAction header: a SOAP 1.1 request names its operation there{}",
                body_op.map_or(String::new(), |op| format!(
                    " (\"{}\")",
                    op.soap_action_in(contract)
                ))
            ),
        ));
        return;
    };
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
    if let Some(op) = body_op.filter(|op| action != op.soap_action_in(contract)) {
        out.push(mismatch(
            at(Code::HttpSoapAction, Some(h), String::new()),
            "SOAPAction",
            action,
            op,
            contract,
        ));
    }
}

/// SOAP 1.2: the `action` parameter of `application/soap+xml` names the body's operation.
fn action_12(
    ct: &ContentType,
    body_op: Option<Operation>,
    contract: Contract,
    out: &mut Vec<Violation>,
) {
    let expected = expected_media(SoapVersion::V12);
    let Some(m) = ct.media.as_ref().filter(|m| m.essence == expected) else {
        return;
    };
    match m.param("action") {
        None => out.push(at(
            Code::HttpContentType,
            ct.header,
            "application/soap+xml without an action parameter: a SOAP 1.2 request names its operation there".to_string(),
        )),
        Some(action) => {
            if let Some(op) = body_op.filter(|op| action != op.soap_action_in(contract)) {
                out.push(mismatch(
                    at(Code::HttpSoapAction, ct.header, String::new()),
                    "the action parameter",
                    &action,
                    op,
                    contract,
                ));
            }
        }
    }
}

/// An action that names another operation than the body holds: reported at the body's
/// operation element, the element the action disagrees with.
fn mismatch(
    v: Violation,
    what: &str,
    action: &str,
    op: Operation,
    contract: Contract,
) -> Violation {
    let named = action
        .strip_prefix(contract.action_prefix())
        .map_or(action.to_string(), str::to_string);
    Violation {
        element: format!("/Envelope/Body/{}", op.name()),
        message: format!(
            "{what} names {named}, but the body holds a {} request: expected \"{}\"",
            op.name(),
            op.soap_action_in(contract)
        ),
        ..v
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
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

impl Charset {
    fn of(name: &str) -> Charset {
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

    fn is_utf16(self) -> bool {
        matches!(self, Charset::Utf16 | Charset::Utf16Le | Charset::Utf16Be)
    }
}

/// What is wrong with the Content-Type's charset, if anything: one the service does not
/// read, one the body's bytes are not in, or one the XML declaration contradicts.
fn charset_problem(doc: &Document, meta: &HttpMeta, ct: &ContentType) -> Option<String> {
    let cs_name = ct.media.as_ref()?.param("charset")?;
    let cs = Charset::of(&cs_name);
    let text = doc.text();
    if cs == Charset::Other {
        return Some(format!(
            "charset {cs_name} is not one the service reads (UTF-8, UTF-16)"
        ));
    }
    if meta.wire_bytes && !fits_bytes(cs, &cs_name, doc.encoding, text) {
        return Some(format!(
            "Content-Type says charset={cs_name}, but the body's bytes are {}",
            encoding_name(doc.encoding)
        ));
    }
    let declared = text.and_then(crate::text::xmldecl::declared_encoding)?;
    let d = Charset::of(declared);
    let same_family = if cs.is_utf16() { d.is_utf16() } else { cs == d };
    (!same_family).then(|| {
        format!(
            "Content-Type says charset={cs_name}, but the XML declaration says encoding=\"{declared}\""
        )
    })
}

/// Whether bytes of that encoding can be in that charset (named `cs_name`).
fn fits_bytes(cs: Charset, cs_name: &str, encoding: SourceEncoding, text: Option<&str>) -> bool {
    use SourceEncoding as E;
    let ascii = cs == Charset::SingleByte && text.is_some_and(str::is_ascii);
    match encoding {
        E::Utf8 | E::Utf8Bom => cs == Charset::Utf8 || ascii,
        // Bytes in the encoding the declaration names: the charset must name the same one.
        E::Declared(d) => d.is_named_by(cs_name) || ascii,
        E::Utf16LeBom | E::Utf16LeNoBom => matches!(cs, Charset::Utf16 | Charset::Utf16Le),
        E::Utf16BeBom | E::Utf16BeNoBom => matches!(cs, Charset::Utf16 | Charset::Utf16Be),
        // Bytes that are not text are reported as xml.encoding already.
        E::Unknown => true,
    }
}

fn encoding_name(e: SourceEncoding) -> &'static str {
    use SourceEncoding as E;
    match e {
        E::Utf8 => "UTF-8",
        E::Utf8Bom => "UTF-8 (with a BOM)",
        E::Utf16LeBom | E::Utf16LeNoBom => "UTF-16LE",
        E::Utf16BeBom | E::Utf16BeNoBom => "UTF-16BE",
        E::Unknown => "not text",
        E::Declared(d) => d.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";

    /// The document of a one-request dump with these header lines.
    fn request(headers: &str) -> Document {
        let dump = format!("POST /r HTTP/1.1\r\n{headers}\r\n{ENV}");
        let c = crate::capture::parse("t.http", dump.as_bytes());
        match c.documents.into_iter().next() {
            Some(d) => d,
            None => panic!("no document in {dump}"),
        }
    }

    fn save_request(version: SoapVersion) -> Envelope {
        Envelope {
            version: Some(version),
            kind: Some(Kind::Request),
            operation: Some(Operation::SaveContactRelation),
            contract: Contract::Services85,
        }
    }

    fn found(v: &[Violation]) -> Vec<(Code, String, Option<u32>)> {
        v.iter()
            .map(|v| (v.code, v.element.clone(), v.line))
            .collect()
    }

    #[test]
    fn soap_11_actions_are_quoted_and_name_the_body() {
        let right = format!("\"{}\"", Operation::SaveContactRelation.soap_action());
        let d = request(&format!(
            "Content-Type: text/xml\r\nSOAPAction: {right}\r\n"
        ));
        assert!(check(&d, save_request(SoapVersion::V11)).is_empty());

        let d = request(&format!(
            "Content-Type: text/xml\r\nSOAPAction: {}\r\n",
            Operation::DeleteContactRelation.soap_action()
        ));
        let v = check(&d, save_request(SoapVersion::V11));
        let body = "/Envelope/Body/SaveContactRelation".to_string();
        assert_eq!(
            found(&v),
            vec![
                (Code::HttpSoapAction, String::new(), Some(3)),
                (Code::HttpSoapAction, body, Some(3)),
            ]
        );
        assert!(
            v[0].message.contains("is not a quoted string"),
            "{}",
            v[0].message
        );
        assert!(v[1]
            .message
            .starts_with("SOAPAction names DeleteContactRelation"));

        let d = request("Content-Type: application/soap+xml\r\n");
        let v = check(&d, save_request(SoapVersion::V11));
        assert_eq!(
            found(&v),
            vec![
                (Code::HttpContentType, String::new(), Some(2)),
                (Code::HttpSoapAction, String::new(), None),
            ]
        );
    }

    #[test]
    fn soap_12_names_its_action_in_the_content_type() {
        let d = request("Content-Type: application/soap+xml; charset=utf-8\r\n");
        let v = check(&d, save_request(SoapVersion::V12));
        assert_eq!(
            found(&v),
            vec![(Code::HttpContentType, String::new(), Some(2))]
        );
        assert!(v[0].message.contains("without an action parameter"));
    }

    #[test]
    fn the_charset_agrees_with_the_bytes_and_the_declaration() {
        let action = format!(
            "SOAPAction: \"{}\"\r\n",
            Operation::SaveContactRelation.soap_action()
        );
        for (charset, problem) in [
            ("utf-8", None),
            ("us-ascii", None),
            ("utf-16", Some("the body's bytes are UTF-8")),
            ("koi8-r", Some("is not one the service reads")),
        ] {
            let d = request(&format!(
                "Content-Type: text/xml; charset={charset}\r\n{action}"
            ));
            let v = check(&d, save_request(SoapVersion::V11));
            match problem {
                None => assert!(v.is_empty(), "{charset}: {v:?}"),
                Some(p) => {
                    assert_eq!(found(&v), vec![(Code::HttpCharset, String::new(), Some(2))]);
                    assert!(v[0].message.contains(p), "{charset}: {}", v[0].message);
                }
            }
        }
    }

    #[test]
    fn nothing_without_http_or_an_envelope() {
        let d = request("Content-Type: text/plain\r\n");
        assert!(check(&d, Envelope::default()).is_empty());
        let bare = Document::from_bytes("bare.xml", ENV.as_bytes());
        assert!(check(&bare, save_request(SoapVersion::V11)).is_empty());
    }
}
