//! Documents in the encodings their declarations name (ISO-8859-1, windows-1252), through
//! the commands: the read stage, the HTTP charset check, and `import`, which writes UTF-8.

use relation_contract::capture::{self, SourceEncoding};
use relation_contract::import::{self, Imported};
use relation_contract::{pipeline, Code, Document, Operation, Profile};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn read(rel: &str) -> Document {
    Document::read(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn encoding_name(doc: &Document) -> &'static str {
    match doc.encoding {
        SourceEncoding::Declared(d) => d.name(),
        _ => "",
    }
}

const LATIN1: &str = "wire/SaveContactRelation.request.latin1.xml";
const CP1252: &str = "wire/SaveContactRelation.request.windows-1252.xml";

/// The one document of a request dump with this charset and body.
fn request(charset: &str, body: &[u8]) -> Document {
    let mut dump = format!(
        "POST /Remote/Services85/Relation.svc HTTP/1.1\r\nContent-Type: text/xml; \
         charset={charset}\r\nSOAPAction: \"{}\"\r\nContent-Length: {}\r\n\r\n",
        Operation::SaveContactRelation.soap_action(),
        body.len()
    )
    .into_bytes();
    dump.extend_from_slice(body);
    let mut c = capture::parse("t.http", &dump);
    assert_eq!(c.documents.len(), 1);
    c.documents.remove(0)
}

#[test]
fn the_8bit_wire_fixtures_are_read_in_their_declared_encoding() {
    let doc = read(LATIN1);
    assert_eq!(encoding_name(&doc), "ISO-8859-1");
    let text = doc.text().unwrap_or_default();
    assert!(text.contains("Bjørn Ødegård, Ålesund") && text.contains("Tønsberg"));
    assert!(bytes(LATIN1).contains(&0xF8), "the fixture's ø is one byte");

    let doc = read(CP1252);
    assert_eq!(encoding_name(&doc), "windows-1252");
    let text = doc.text().unwrap_or_default();
    assert!(text.contains("“Skagerrak” framework agreement – 12 500 € a year"));
}

#[test]
fn the_encoding_fixtures_say_what_was_declared_and_what_was_found() {
    for (rel, line, column, says) in [
        (
            "invalid/SaveContactRelation.request.latin1-bytes.xml",
            49,
            73,
            "invalid UTF-8: the declaration says encoding=\"utf-8\", but byte 0xF8",
        ),
        (
            "invalid/SaveContactRelation.request.bom-utf8-declares-utf16.xml",
            1,
            31,
            "the byte order mark says UTF-8, but the declaration says encoding=\"utf-16\"",
        ),
        (
            "invalid/SaveContactRelation.request.no-bom-declares-utf16.xml",
            1,
            31,
            "the bytes are 8-bit (no byte order mark",
        ),
    ] {
        let v = pipeline::check(&read(rel), Profile::Wire).violations;
        assert_eq!(v.len(), 1, "{rel}: {v:?}");
        assert_eq!(v[0].code, Code::XmlEncoding);
        assert_eq!(
            (v[0].line, v[0].column),
            (Some(line), Some(column)),
            "{rel}"
        );
        assert!(v[0].message.starts_with(says), "{rel}: {}", v[0].message);
    }
}

#[test]
fn the_charset_must_name_the_encoding_of_the_body() {
    let latin1 = bytes(LATIN1);
    for charset in ["iso-8859-1", "ISO-8859-1", "latin1"] {
        let v = pipeline::check(&request(charset, &latin1), Profile::Wire);
        assert!(v.is_valid(), "{charset}: {:?}", v.violations);
    }
    for (charset, says) in [
        (
            "utf-8",
            "charset=utf-8, but the body's bytes are ISO-8859-1",
        ),
        (
            "windows-1252",
            "charset=windows-1252, but the body's bytes are ISO-8859-1",
        ),
    ] {
        let v = pipeline::check(&request(charset, &latin1), Profile::Wire).violations;
        let found: Vec<Code> = v.iter().map(|v| v.code).collect();
        assert_eq!(found, vec![Code::HttpCharset], "{charset}: {v:?}");
        assert!(v[0].message.contains(says), "{}", v[0].message);
    }
    let v = pipeline::check(&request("windows-1252", &bytes(CP1252)), Profile::Wire);
    assert!(v.is_valid(), "{:?}", v.violations);
}

#[test]
fn an_iso_8859_1_capture_imports_as_utf8_with_its_declaration_rewritten() {
    let doc = request("iso-8859-1", &bytes(LATIN1));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let written = import::import_document(&doc, dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let Imported::Written(path) = written else {
        panic!("not written: {written:?}");
    };
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8(raw.clone()).unwrap_or_else(|e| panic!("not UTF-8: {e}"));
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{}",
        &text[..60]
    );
    assert!(text.contains("Bjørn Ødegård, Ålesund") && !text.contains("ISO-8859-1"));
    assert!(!text.contains("7T:") && text.contains("<Ticket>[REDACTED]</Ticket>"));
    let back = Document::from_bytes("imported", &raw);
    assert_eq!(back.encoding, SourceEncoding::Utf8);
    let v = pipeline::check(&back, Profile::Wire);
    assert!(v.is_valid(), "{:?}", v.violations);
}

/// A HAR text body is text the browser decoded: its declaration named the bytes that
/// travelled, not the JSON string, so it is read as UTF-8 whatever it says.
#[test]
fn a_har_text_body_is_read_as_the_text_it_is() {
    let latin1 = read(LATIN1);
    let envelope = latin1.text().unwrap_or_default();
    for (declared, charset) in [("ISO-8859-1", "iso-8859-1"), ("utf-16", "utf-16")] {
        let text = envelope.replacen("ISO-8859-1", declared, 1);
        let entry = serde_json::json!({
            "request": {
                "method": "POST",
                "url": "https://crm.example/Remote/Services85/Relation.svc",
                "headers": [
                    {"name": "Content-Type", "value": format!("text/xml; charset={charset}")},
                    {"name": "SOAPAction",
                     "value": format!("\"{}\"", Operation::SaveContactRelation.soap_action())},
                ],
                "postData": {"mimeType": "text/xml", "text": text},
            },
            "response": {"status": 200, "headers": [], "content": {"mimeType": "text/xml"}},
        });
        let har = serde_json::json!({"log": {"version": "1.2", "entries": [entry]}});
        let c = capture::parse("t.har", har.to_string().as_bytes());
        assert_eq!(c.documents.len(), 1, "{declared}: skipped {:?}", c.skipped);
        let doc = &c.documents[0];
        assert_eq!(doc.encoding, SourceEncoding::Utf8, "{declared}");
        assert!(
            doc.text().is_some_and(|t| t.contains("Bjørn Ødegård")),
            "{declared}"
        );
        let v = pipeline::check(doc, Profile::Wire);
        assert!(v.is_valid(), "{declared}: {:?}", v.violations);
    }
}

/// A golden blessed from an ISO-8859-1 capture is written as UTF-8 text; it must read back
/// as the same document, so a second check matches.
#[test]
fn a_golden_blessed_from_an_iso_8859_1_capture_matches_it_again() {
    use relation_contract::diff::{check_golden, Bless, GoldenOutcome, Options};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let golden = dir.path().join("latin1.golden.xml");
    let capture = read(LATIN1);
    let first = check_golden(&capture, &golden, &Options::exact(), Bless::Overwrite);
    assert!(matches!(first, Ok(GoldenOutcome::Created)), "{first:?}");
    let again = check_golden(&capture, &golden, &Options::exact(), Bless::Off);
    assert!(matches!(again, Ok(GoldenOutcome::Matched)), "{again:?}");
    let written = std::fs::read(&golden).unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8(written).unwrap_or_else(|e| panic!("not UTF-8: {e}"));
    assert!(text.contains("Bjørn Ødegård"));
}
