//! HAR 1.2 files (a browser's or a proxy's saved session): every entry whose request or
//! response holds a SOAP envelope becomes a document named `FILE.har#entries[N].request`
//! or `.response`; the other parts are skipped and counted.
//!
//! A HAR body is text the browser has already decoded (unless `encoding` is `base64`), so
//! violation lines count from the body's first line, and the charset is compared with the
//! XML declaration only.

use super::http::{message_document, share_secrets, Header, HttpMeta, StartLine};
use super::Capture;
use serde::Deserialize;

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    #[serde(default)]
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    request: Option<Request>,
    response: Option<Response>,
}

#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    cookies: Vec<NameValue>,
    #[serde(rename = "postData")]
    post_data: Option<Body>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    status: i64,
    #[serde(default, rename = "statusText")]
    status_text: String,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    cookies: Vec<NameValue>,
    content: Option<Body>,
}

#[derive(Deserialize)]
struct NameValue {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
}

/// `postData` of a request or `content` of a response.
#[derive(Deserialize)]
struct Body {
    text: Option<String>,
    /// `base64` when the text is the body's bytes in base64.
    encoding: Option<String>,
}

/// Whether the first bytes look like JSON (a HAR file is a JSON object).
pub fn looks_like_har(head: &[u8]) -> bool {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

/// Takes a HAR file apart.
pub(crate) fn parse(source: &str, bytes: &[u8]) -> Capture {
    let json = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let har: Har = match serde_json::from_slice(json) {
        Ok(h) => h,
        Err(e) => {
            let why = format!("not a HAR 1.2 file: {e}");
            let mut capture = Capture::default();
            capture
                .documents
                .push(super::malformed_capture(source.to_string(), &why, bytes));
            return capture;
        }
    };
    let mut capture = Capture::default();
    for (n, entry) in har.log.entries.into_iter().enumerate() {
        let mut action: Option<String> = None;
        // The request's secrets go to its response, and back (see `share_secrets`).
        let mut request: (Option<usize>, Vec<String>) = (None, Vec::new());
        if let Some(req) = entry.request {
            let name = format!("{source}#entries[{n}].request");
            let start = StartLine::Request {
                method: req.method,
                target: req.url,
            };
            let (meta, mut secrets) = HttpMeta::new(start, headers(&req.headers));
            secrets.extend(cookie_secrets(&req.cookies));
            action = meta.header("soapaction").map(|h| h.value.clone());
            let index = part(
                &mut capture,
                name,
                meta,
                secrets.clone(),
                req.post_data.as_ref(),
            );
            let own = index.and_then(|i| capture.documents.get(i));
            request = (index, own.map_or(secrets, |d| d.secrets.clone()));
        }
        if let Some(resp) = entry.response {
            let name = format!("{source}#entries[{n}].response");
            let start = StartLine::Response {
                status: u16::try_from(resp.status).unwrap_or(0),
                reason: resp.status_text,
            };
            let (mut meta, mut secrets) = HttpMeta::new(start, headers(&resp.headers));
            secrets.extend(cookie_secrets(&resp.cookies));
            secrets.append(&mut request.1);
            meta.request_action = action;
            let index = part(&mut capture, name, meta, secrets, resp.content.as_ref());
            if let (Some(req), Some(resp)) = (request.0, index) {
                let response_secrets = capture
                    .documents
                    .get(resp)
                    .map(|d| d.secrets.clone())
                    .unwrap_or_default();
                if let Some(doc) = capture.documents.get_mut(req) {
                    share_secrets(&mut doc.secrets, &response_secrets);
                }
            }
        }
    }
    capture
}

/// Adds the document a body makes to the capture (or its name to the skipped ones); the
/// index of the document added.
fn part(
    capture: &mut Capture,
    name: String,
    mut meta: HttpMeta,
    secrets: Vec<String>,
    body: Option<&Body>,
) -> Option<usize> {
    let bytes: Vec<u8> = match body.and_then(|b| b.text.as_deref()) {
        None => Vec::new(),
        Some(text) => {
            let base64 = body
                .and_then(|b| b.encoding.as_deref())
                .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
            match base64.then(|| decode_base64(text)) {
                Some(Some(raw)) => {
                    meta.wire_bytes = true;
                    raw
                }
                Some(None) => {
                    let why = "the body is marked base64 but is not valid base64";
                    let mut doc = super::malformed_capture(name, why, text.as_bytes());
                    // Its exchange's secrets, as every other document of the capture has.
                    share_secrets(&mut doc.secrets, &secrets);
                    return Some(push(capture, doc));
                }
                None => {
                    meta.wire_bytes = false;
                    text.as_bytes().to_vec()
                }
            }
        }
    };
    match message_document(name.clone(), meta, secrets, &bytes) {
        Some(doc) => Some(push(capture, doc)),
        None => {
            capture.skipped.push(name);
            None
        }
    }
}

/// Adds a document to the capture; its index there.
fn push(capture: &mut Capture, doc: super::Document) -> usize {
    let index = capture.documents.len();
    capture.documents.push(doc);
    index
}

fn headers(list: &[NameValue]) -> Vec<Header> {
    list.iter()
        .map(|h| Header {
            name: h.name.clone(),
            value: h.value.clone(),
            line: None,
        })
        .collect()
}

fn cookie_secrets(cookies: &[NameValue]) -> Vec<String> {
    cookies
        .iter()
        .flat_map(|c| crate::secrets::header_secrets("cookie", &format!("{}={}", c.name, c.value)))
        .collect()
}

/// Standard base64 (padding optional, whitespace ignored, `-` and `_` read as `+` and `/`,
/// as a URL-safe encoder writes them); `None` when it is not base64.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode};
    use base64::engine::{Engine as _, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let clean: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| match b {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect();
    LENIENT.decode(clean).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("PGE+"), Some(b"<a>".to_vec()));
        assert_eq!(decode_base64("PGEvPg=="), Some(b"<a/>".to_vec()));
        assert_eq!(decode_base64("PGEvPg"), Some(b"<a/>".to_vec()));
        assert_eq!(decode_base64("P\nGE+"), Some(b"<a>".to_vec()));
        assert_eq!(decode_base64("P"), None);
        assert_eq!(decode_base64("PG*+"), None);
        assert_eq!(decode_base64(""), Some(Vec::new()));
        // Padding: fewer than canonical is fine, more is not.
        assert_eq!(decode_base64("PG="), Some(b"<".to_vec()));
        assert_eq!(decode_base64("PGE+="), None);
        assert_eq!(decode_base64("PG=E+"), None);
        // The URL-safe alphabet's two letters, and both of the standard one's.
        assert_eq!(decode_base64("Pz8/"), Some(b"???".to_vec()));
        assert_eq!(decode_base64("Pz8_"), Some(b"???".to_vec()));
        assert_eq!(decode_base64("Pj4+"), Some(b">>>".to_vec()));
        assert_eq!(decode_base64("Pj4-"), Some(b">>>".to_vec()));
        // Every letter and digit, in a blank-broken body (all 64 values, then 3 bytes).
        let all = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz\r\n0123456789+/";
        let decoded = decode_base64(all).unwrap_or_default();
        assert_eq!(decoded.len(), 48);
        assert_eq!(decoded[..3], [0x00, 0x10, 0x83]);
        assert_eq!(decoded[45..], [0xF3, 0xDF, 0xBF]);
    }

    #[test]
    fn broken_json_is_one_malformed_capture() {
        let c = parse("x.har", b"{\"log\": [");
        assert_eq!(c.documents.len(), 1);
        assert!(c.documents[0].text.is_err());
    }

    #[test]
    fn entries_without_envelopes_are_skipped() {
        let har = br#"{"log":{"version":"1.2","entries":[
          {"request":{"method":"GET","url":"https://crm/app.js","headers":[]},
           "response":{"status":200,"headers":[],"content":{"mimeType":"text/javascript","text":"var a;"}}},
          {"request":{"method":"POST","url":"https://crm/Relation.svc","headers":[{"name":"Cookie","value":"sid=abcdef123"}],
            "postData":{"mimeType":"text/xml","text":"<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'/>"}},
           "response":{"status":200,"headers":[],"content":{"mimeType":"text/xml","text":"PHM6RW52ZWxvcGUvPg==","encoding":"base64"}}}
        ]}}"#;
        let c = parse("s.har", har);
        let names: Vec<&str> = c.documents.iter().map(|d| d.source.as_str()).collect();
        assert_eq!(
            names,
            vec!["s.har#entries[1].request", "s.har#entries[1].response"]
        );
        assert_eq!(
            c.skipped,
            vec!["s.har#entries[0].request", "s.har#entries[0].response"]
        );
        assert!(c.documents[0].secrets.iter().any(|s| s == "abcdef123"));
        assert_eq!(c.documents[1].text(), Some("<s:Envelope/>"));
        // The request's cookie reaches its response.
        assert!(c.documents[1].secrets.iter().any(|s| s == "abcdef123"));
    }

    /// A request and its response share their secrets both ways, whichever holds them, and
    /// the pairing is by entry: a base64 body that is not base64 is a malformed document in
    /// its place, and the entries after it pair as before.
    #[test]
    fn each_request_and_its_response_share_secrets() {
        let env = |inner: &str| {
            format!("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>{inner}</s:Body></s:Envelope>")
        };
        let entry = |req: &str, resp: &str, resp_encoding: &str| {
            format!(
                r#"{{"request":{{"method":"POST","url":"/r","postData":{{"mimeType":"text/xml","text":"{req}"}}}},
                   "response":{{"status":200,"content":{{"mimeType":"text/xml","text":"{resp}"{resp_encoding}}}}}}}"#
            )
        };
        let har = format!(
            r#"{{"log":{{"entries":[{},{}]}}}}"#,
            entry(&env(""), &env("<Ticket>resp-secret</Ticket>"), ""),
            entry(
                &env("<Ticket>second</Ticket>"),
                "*not base64*",
                r#","encoding":"base64""#
            ),
        );
        let c = parse("p.har", har.as_bytes());
        let names: Vec<&str> = c.documents.iter().map(|d| d.source.as_str()).collect();
        assert_eq!(
            names,
            [
                "p.har#entries[0].request",
                "p.har#entries[0].response",
                "p.har#entries[1].request",
                "p.har#entries[1].response",
            ]
        );
        let has = |i: usize, s: &str| c.documents[i].secrets.iter().any(|x| x == s);
        assert!(has(0, "resp-secret") && has(1, "resp-secret"));
        assert!(!has(2, "resp-secret") && !has(0, "second"));
        assert!(has(2, "second") && has(3, "second"));
        let v = c.documents[3].text.clone().expect_err("malformed");
        assert_eq!(v.code, crate::violation::Code::CaptureMalformed);
    }
}
