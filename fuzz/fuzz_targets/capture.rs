//! Any bytes as a capture: sniffing (HTTP dump, HAR, bare envelope), parsing, then each
//! document's report in every format and import's redaction. Never a panic; a credential
//! header's value stands masked in the metadata and never appears in a printed report or
//! an imported envelope.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run capture corpus/capture -- -max_total_time=300`
//! with `corpus/capture` seeded from `../fixtures/captures/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relation_contract::capture::{self, Document};
use relation_contract::fixtures::judge_document;
use relation_contract::import;
use relation_contract::report::{self, Format, Summary};
use relation_contract::secrets::{self, MASK};
use relation_contract::Profile;

/// Everything a capture makes the tool write: each document's report in every format and
/// its imported (redacted) text.
fn outputs(capture: &capture::Capture) -> Vec<String> {
    let mut out = Vec::new();
    for doc in &capture.documents {
        let item = judge_document(doc, Profile::Auto);
        let mut summary = Summary::default();
        summary.add(&item);
        for format in [Format::Human, Format::Json, Format::Junit] {
            let mut bytes: Vec<u8> = Vec::new();
            {
                let mut printer = report::printer(format, &mut bytes, false);
                let _ = printer.item(&item);
                let _ = printer.finish(&summary);
            }
            out.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        if let Some(text) = doc.text() {
            out.push(import::redact(text, &doc.secrets));
        }
    }
    out
}

/// The secrets a document holds because of its HTTP headers (not found in its body).
fn header_secrets(doc: &Document, data: &[u8]) -> Vec<String> {
    let body = match doc.text() {
        Some(t) => relation_contract::secrets::find(t),
        None => relation_contract::secrets::find(&String::from_utf8_lossy(data)),
    };
    doc.secrets
        .iter()
        .filter(|s| !body.contains(s))
        .cloned()
        .collect()
}

/// The fixed words of the capture reader's own messages: a "secret" made of them (a cookie
/// `HTTP/1.1`) shows up where the reader says why bytes are no message, and scrubbing it from
/// the input changes the parse, so the comparison below cannot tell.
const WORDS: &[&str] = &[
    "is not an HTTP start line (`HTTP/1.1 200 OK` or `POST /path HTTP/1.1`): \
     the bytes after the previous message are not a message",
    "is not a header field (name: value)",
    "the body has bytes where Content-Length says : the capture is truncated",
    "the chunked body ends without its last (zero-size) chunk",
    "is not a chunk size (hexadecimal)",
    "a chunk of bytes runs past the end of the file: the capture is truncated",
    "chunk data of bytes is not followed by a line end: the chunk size is wrong",
    "the body is compressed (Content-Encoding: ): save the capture decoded",
    "the body is marked base64 but is not valid base64",
    "not a HAR 1.2 file: ",
];

/// `data` with every occurrence of `secret` replaced by as many `Q`s.
fn scrub(data: &[u8], secret: &str) -> Vec<u8> {
    let needle = secret.as_bytes();
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if !needle.is_empty() && data[i..].starts_with(needle) {
            out.extend(std::iter::repeat_n(b'Q', needle.len()));
            i += needle.len();
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let parsed = capture::parse("fuzz.http", data);
    for doc in &parsed.documents {
        for h in doc.http.iter().flat_map(|m| &m.headers) {
            if secrets::is_secret_header(&h.name) {
                assert_eq!(h.value, MASK, "{} shown in the metadata", h.name);
            }
        }
    }
    let written = outputs(&parsed);
    let mut secrets: Vec<String> = parsed
        .documents
        .iter()
        .flat_map(|d| header_secrets(d, data))
        .collect();
    secrets.sort();
    secrets.dedup();
    for secret in secrets {
        // Short values occur by chance (a `1234` in a line number), a value made of the
        // mask's characters shows up in the mask, and a value made of the tool's own words
        // shows up where the same capture without it prints it too. A value holding XML's
        // quote or tag characters meets a body only by overlapping its markup (a cookie
        // `"http://schemas...` against a namespace declaration, which masking must keep for
        // the envelope to parse); credentials (tokens, base64) never hold them.
        let chance = secret.len() < 8
            || secrets::is_wordlike(&secret)
            || secret.contains(['[', ']'])
            || secret.contains(['"', '\'', '<', '>'])
            || MASK.contains(secret.as_str())
            || WORDS.iter().any(|w| w.contains(secret.as_str()))
            || outputs(&capture::parse("fuzz.http", &scrub(data, &secret)))
                .iter()
                .any(|o| o.contains(secret.as_str()));
        if chance {
            continue;
        }
        for out in &written {
            assert!(
                !out.contains(secret.as_str()),
                "header secret {secret:?} written:\n{out}"
            );
        }
    }
});
