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
                    capture
                        .documents
                        .push(super::malformed_capture(name, why, text.as_bytes()));
                    return Some(capture.documents.len() - 1);
                }
                None => {
                    meta.wire_bytes = false;
                    text.as_bytes().to_vec()
                }
            }
        }
    };
    match message_document(name.clone(), meta, secrets, &bytes) {
        Some(doc) => {
            capture.documents.push(doc);
            Some(capture.documents.len() - 1)
        }
        None => {
            capture.skipped.push(name);
            None
        }
    }
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

/// Standard base64 (padding optional, whitespace ignored); `None` when it is not base64.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let data = clean
        .iter()
        .rposition(|&b| b != b'=')
        .map_or(&clean[..0], |last| &clean[..=last]);
    if clean.len() - data.len() > 2 || data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for group in data.chunks(4) {
        let mut acc = 0u32;
        for &c in group {
            acc = (acc << 6) | value(c)?;
        }
        let bits = group.len() * 6;
        acc <<= 24 - bits;
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..1 + bits / 8]);
    }
    Some(out)
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
    }
}
