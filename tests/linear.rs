//! Capture parsing costs time linear in the input: each test doubles the input and compares
//! the times (the best of three runs each), never an absolute bound. A parse that rescans
//! the dump from byte 0 for each header or message takes four times as long for twice the
//! input; a linear one about twice.

use relation_contract::capture;
use relation_contract::testkit::timing::assert_linear;

const ENV: &str =
    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";

/// Panics unless parsing inputs made by `make` costs linear time from `n` to `2n` (the
/// one doubling measurement, `testkit::timing`); each parse is checked by `check(capture,
/// n)` once, outside the timing. Returns t(2n)/t(n).
fn ratio(n: usize, make: fn(usize) -> Vec<u8>, check: fn(&capture::Capture, usize)) -> f64 {
    let (small, large) = (make(n), make(2 * n));
    check(&capture::parse("t", &small), n);
    check(&capture::parse("t", &large), 2 * n);
    let r = assert_linear(
        &format!("capture parsing at n={n}"),
        small.as_slice(),
        large.as_slice(),
        |input| {
            std::hint::black_box(capture::parse("t", input));
        },
    );
    r
}

fn many_headers(n: usize) -> Vec<u8> {
    let mut d = String::from("POST /Relation.svc HTTP/1.1\r\nSOAPAction: \"x\"\r\n");
    for i in 0..n {
        d.push_str(&format!("X-H{}: v\r\n", i % 10));
    }
    d.push_str(&format!("Content-Length: {}\r\n\r\n{ENV}", ENV.len()));
    d.into_bytes()
}

fn one_document_with_headers(c: &capture::Capture, n: usize) {
    assert_eq!(c.documents.len(), 1);
    let meta = c.documents[0].http.as_ref();
    assert_eq!(meta.map(|m| m.headers.len()), Some(n + 2));
    // The body's line in the dump: start line, SOAPAction, n headers, Content-Length, blank.
    assert_eq!(meta.and_then(|m| m.body_line), u32::try_from(n + 5).ok());
    let last = meta.and_then(|m| m.headers.last()).and_then(|h| h.line);
    assert_eq!(last, u32::try_from(n + 3).ok());
}

#[test]
fn header_lines_are_parsed_in_linear_time() {
    let r = ratio(40_000, many_headers, one_document_with_headers);
    eprintln!("40,000 -> 80,000 header lines: ratio {r:.2}");
}

fn many_messages(n: usize) -> Vec<u8> {
    let req = format!(
        "POST /r HTTP/1.1\r\nSOAPAction: \"x\"\r\nContent-Length: {}\r\n\r\n{ENV}\r\n",
        ENV.len()
    );
    req.repeat(n).into_bytes()
}

fn one_document_per_message(c: &capture::Capture, n: usize) {
    assert_eq!(c.documents.len(), n);
    let last = c.documents.last();
    assert_eq!(
        last.map(|d| d.source.clone()),
        Some(format!("t#messages[{}].request", n - 1))
    );
    // Each message is five lines, its body the fifth: the last body stands on line 5n.
    let body_line = last.and_then(|d| d.http.as_ref()).and_then(|m| m.body_line);
    assert_eq!(body_line, u32::try_from(5 * n).ok());
}

#[test]
fn messages_of_a_dump_are_parsed_in_linear_time() {
    let r = ratio(40_000, many_messages, one_document_per_message);
    eprintln!("40,000 -> 80,000 messages: ratio {r:.2}");
}

fn har_with_headers(n: usize) -> Vec<u8> {
    let headers: Vec<serde_json::Value> = (0..n)
        .map(|i| serde_json::json!({"name": "Cookie", "value": format!("sid=session-{i}")}))
        .collect();
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "request": {"method": "POST", "url": "https://crm/Relation.svc", "headers": headers,
            "postData": {"mimeType": "text/xml", "text": ENV}}}]}});
    har.to_string().into_bytes()
}

fn har_document_with_secrets(c: &capture::Capture, n: usize) {
    assert_eq!(c.documents.len(), 1);
    // Each cookie header: the cookie's value (secrets::header_secrets), all distinct.
    assert_eq!(c.documents[0].secrets.len(), n);
}

#[test]
fn har_headers_are_parsed_in_linear_time() {
    let r = ratio(20_000, har_with_headers, har_document_with_secrets);
    eprintln!("20,000 -> 40,000 HAR headers: ratio {r:.2}");
}

fn har_with_entries(n: usize) -> Vec<u8> {
    let entry = serde_json::json!({
        "request": {"method": "POST", "url": "https://crm/Relation.svc",
            "headers": [{"name": "SOAPAction", "value": "\"x\""}],
            "postData": {"mimeType": "text/xml", "text": ENV}}});
    let entries = vec![entry; n];
    serde_json::json!({"log": {"version": "1.2", "entries": entries}})
        .to_string()
        .into_bytes()
}

fn one_document_per_entry(c: &capture::Capture, n: usize) {
    assert_eq!(c.documents.len(), n);
    assert_eq!(
        c.documents.last().map(|d| d.source.clone()),
        Some(format!("t#entries[{}].request", n - 1))
    );
}

#[test]
fn har_entries_are_parsed_in_linear_time() {
    let r = ratio(20_000, har_with_entries, one_document_per_entry);
    eprintln!("20,000 -> 40,000 HAR entries: ratio {r:.2}");
}
