//! Hostile and broken input: every document gets a clear verdict quickly, the run goes on,
//! nothing is read beyond the input, no connection is opened, and nothing panics.
//!
//! The big inputs are generated here, in temporary directories; none is committed.

mod common;

use relation_contract::capture::MAX_DOCUMENT_BYTES;
use relation_contract::codec::{self, MAX_DEPTH};
use relation_contract::{schema, Code, Document, Profile};
use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A generous bound per invocation: the tests run an unoptimised build on shared machines.
/// The release build takes well under a second per document (README, "Limits").
const TIME_BOUND: Duration = Duration::from_secs(10);

use common::hostile::{inputs, minimal_request, open_env, Input, CLOSE_ENV, S85, SOAP11, XSI};

/// An envelope whose `ExceptionInfo` header block holds a chain of `levels` InnerExceptions
/// (the one recursion the contract has), so the validator and the decoder both descend.
/// Envelope, Header and ExceptionInfo are levels 1 to 3.
fn nested(levels: usize) -> String {
    let mut s = String::with_capacity(levels * 35 + 300);
    s.push_str(&format!(
        "<s:Envelope xmlns:s=\"{SOAP11}\"><s:Header><ExceptionInfo xmlns=\"{S85}\">"
    ));
    s.push_str(&"<InnerException>".repeat(levels));
    s.push_str(&"</InnerException>".repeat(levels));
    s.push_str("</ExceptionInfo></s:Header><s:Body/></s:Envelope>");
    s
}

/// A temporary directory holding the marker file (outside the documents' folder) and a
/// `docs/` folder with the given inputs.
struct Setup {
    _dir: tempfile::TempDir,
    docs: PathBuf,
    marker_file: PathBuf,
    marker: String,
}

fn setup() -> (Setup, Vec<Input>) {
    setup_with("http://127.0.0.1:9", |_| true)
}

/// The inputs that name files or addresses (the big ones are left out where they prove
/// nothing, to keep the tests fast).
fn referring(i: &Input) -> bool {
    i.name.starts_with("xxe") || i.name.starts_with("schema-location")
}

fn setup_with(remote: &str, take: fn(&Input) -> bool) -> (Setup, Vec<Input>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let marker = format!("XXE-MARKER-{}-7c1f", std::process::id());
    let marker_file = dir.path().join("secret.txt");
    std::fs::write(&marker_file, format!("{marker}\n")).unwrap_or_else(|e| panic!("{e}"));
    let inputs: Vec<Input> = inputs(&marker_file, remote)
        .into_iter()
        .filter(take)
        .collect();
    for i in &inputs {
        std::fs::write(docs.join(i.name), &i.bytes).unwrap_or_else(|e| panic!("{}: {e}", i.name));
    }
    (
        Setup {
            _dir: dir,
            docs,
            marker_file,
            marker,
        },
        inputs,
    )
}

fn run(args: &[&Path], extra: &[&str]) -> (Output, Duration) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relation-contract"));
    c.env("NO_COLOR", "1").args(extra).args(args);
    let start = Instant::now();
    let o = c
        .output()
        .unwrap_or_else(|e| panic!("cannot run the binary: {e}"));
    let took = start.elapsed();
    // A panic (101) or a signal (no code) is a bug whatever the input.
    assert!(
        matches!(o.status.code(), Some(0..=2)),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o, took)
}

fn validate_json(paths: &[&Path]) -> (Output, Vec<serde_json::Value>, Duration) {
    let (o, took) = run(paths, &["validate", "--format", "json"]);
    let docs = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        // The last line is the run's summary, not a document.
        .filter(|v: &serde_json::Value| v.get("summary").is_none())
        .collect();
    (o, docs, took)
}

fn violations(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["code"].as_str().unwrap_or("").to_string(),
                v["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn assert_verdict(doc: &serde_json::Value, name: &str, code: Code) {
    assert_eq!(doc["valid"], false, "{name}: {doc}");
    let vs = violations(doc);
    assert!(
        vs.iter().any(|(c, m)| c == code.as_str() && m.len() > 20),
        "{name}: expected {code} with a message, got {vs:?}"
    );
}

/// Each input on its own: exit 1, one invalid verdict with the expected code, quickly.
#[test]
fn each_hostile_input_gets_a_clear_verdict_quickly() {
    let (s, inputs) = setup();
    for i in &inputs {
        let path = s.docs.join(i.name);
        let (o, docs, took) = validate_json(&[&path]);
        assert_eq!(o.status.code(), Some(1), "{}", i.name);
        assert_eq!(docs.len(), 1, "{}", i.name);
        assert_verdict(&docs[0], i.name, i.code);
        assert!(took < TIME_BOUND, "{} took {took:?}", i.name);
    }
}

/// All inputs in one run, next to a valid document and in every format: each document gets
/// its verdict, the run goes on, exit 1; with an unreadable path too, exit 2.
#[test]
fn one_run_over_all_hostile_inputs_judges_every_document() {
    let (s, inputs) = setup();
    let valid = s.docs.join("zz-valid.xml");
    std::fs::write(&valid, minimal_request()).unwrap_or_else(|e| panic!("{e}"));

    let (o, docs, took) = validate_json(&[&s.docs]);
    assert_eq!(o.status.code(), Some(1));
    assert!(took < TIME_BOUND * 2, "the run took {took:?}");
    assert_eq!(docs.len(), inputs.len() + 1, "{docs:?}");
    for i in &inputs {
        let path = s.docs.join(i.name).display().to_string();
        let doc = docs
            .iter()
            .find(|d| d["path"] == path.as_str())
            .unwrap_or_else(|| panic!("no verdict for {}", i.name));
        assert_verdict(doc, i.name, i.code);
    }
    let last = docs
        .iter()
        .find(|d| d["path"] == valid.display().to_string().as_str());
    assert_eq!(
        last.map(|d| d["valid"].clone()),
        Some(serde_json::Value::Bool(true))
    );

    for format in ["human", "junit"] {
        let (o, _) = run(&[&s.docs], &["validate", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = String::from_utf8_lossy(&o.stdout);
        for i in &inputs {
            assert!(out.contains(i.name), "{format}: {} not reported", i.name);
            assert!(
                out.contains(i.code.as_str()),
                "{format}: {} missing",
                i.code
            );
        }
    }

    let missing = s.docs.join("does-not-exist.xml");
    let (o, docs, _) = validate_json(&[&s.docs, &missing]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(docs.len(), inputs.len() + 1);
}

/// The XXE documents point at a file holding a marker: the marker is in no output, of any
/// format, from the command or the library.
#[test]
fn nothing_is_read_beyond_the_input() {
    let (s, _) = setup_with("http://127.0.0.1:9", referring);
    let marker_url = format!("file://{}", s.marker_file.display());
    let plain = s.marker_file.display().to_string();
    let extra = [
        (
            "external-dtd.xml",
            format!(
                "<!DOCTYPE s:Envelope SYSTEM \"{marker_url}\">\n{}{CLOSE_ENV}",
                open_env()
            ),
        ),
        (
            "schema-location-file.xml",
            format!(
                "<s:Envelope xmlns:s=\"{SOAP11}\" xmlns:xsi=\"{XSI}\" \
                 xsi:schemaLocation=\"{SOAP11} {marker_url}\" \
                 xsi:noNamespaceSchemaLocation=\"{plain}\"><s:Body/></s:Envelope>"
            ),
        ),
        (
            "xinclude-file.xml",
            format!(
                "{}<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"{plain}\" \
                 parse=\"text\"/>{CLOSE_ENV}",
                open_env()
            ),
        ),
    ];
    for (name, text) in &extra {
        std::fs::write(s.docs.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    for format in ["human", "json", "junit"] {
        for profile in ["auto", "wire", "documented"] {
            let (o, _) = run(
                &[&s.docs],
                &["validate", "--format", format, "--profile", profile],
            );
            assert_eq!(o.status.code(), Some(1));
            let out = String::from_utf8_lossy(&o.stdout);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                !out.contains(&s.marker),
                "{format}/{profile}: marker in stdout"
            );
            assert!(
                !err.contains(&s.marker),
                "{format}/{profile}: marker in stderr"
            );
        }
    }
    for entry in std::fs::read_dir(&s.docs).into_iter().flatten().flatten() {
        let doc = Document::read(&entry.path()).unwrap_or_else(|e| panic!("{e}"));
        let v = schema::validate(&doc, Profile::Auto);
        assert!(!v.is_valid());
        assert!(!format!("{v:?}").contains(&s.marker));
        if let Some(text) = doc.text() {
            let r = codec::decode(text);
            assert!(!format!("{r:?}").contains(&s.marker));
        }
    }
}

/// Documents that name remote DTDs, entities, schemas and includes at a local listener:
/// `validate`, `check`, the validator and the decoder open no connection to it.
#[test]
fn no_connection_is_ever_opened() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    listener
        .set_nonblocking(true)
        .unwrap_or_else(|e| panic!("nonblocking: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let remote = format!("http://127.0.0.1:{port}");
    let (s, _) = setup_with(&remote, referring);
    let env = open_env();
    let extra = [
        (
            "dtd-only.xml",
            format!("<!DOCTYPE s:Envelope SYSTEM \"{remote}/only.dtd\">\n{env}{CLOSE_ENV}"),
        ),
        (
            "public-id.xml",
            format!(
                "<!DOCTYPE s:Envelope PUBLIC \"-//X//Y//EN\" \"{remote}/public.dtd\">{env}{CLOSE_ENV}"
            ),
        ),
        (
            "import-hints.xml",
            format!(
                "<?xml-stylesheet type=\"text/xsl\" href=\"{remote}/style.xsl\"?>\n\
                 <s:Envelope xmlns:s=\"{SOAP11}\" xmlns:xsi=\"{XSI}\" \
                 xsi:noNamespaceSchemaLocation=\"{remote}/none.xsd\"><s:Header>\
                 <xs:import xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" namespace=\"{S85}\" \
                 schemaLocation=\"{remote}/import.xsd\"/>\
                 <xs:include xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
                 schemaLocation=\"{remote}/include.xsd\"/></s:Header><s:Body>\
                 <SaveContactRelation xmlns=\"{S85}\" xsi:schemaLocation=\"{S85} {remote}/s85.xsd\">\
                 <xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"{remote}/xi\"/>\
                 </SaveContactRelation></s:Body></s:Envelope>"
            ),
        ),
    ];
    for (name, text) in &extra {
        std::fs::write(s.docs.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }

    for profile in ["auto", "wire", "documented"] {
        let (o, _) = run(&[&s.docs], &["validate", "--profile", profile]);
        assert_eq!(o.status.code(), Some(1));
    }
    // `check` over the same documents (as golden captures: each must be valid, and fails).
    let (o, _) = run(&[&s.docs], &["check"]);
    assert_eq!(o.status.code(), Some(1));
    for entry in std::fs::read_dir(&s.docs).into_iter().flatten().flatten() {
        let doc = Document::read(&entry.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!schema::validate(&doc, Profile::Wire).is_valid());
        if let Some(text) = doc.text() {
            assert!(codec::decode(text).is_err(), "{}", entry.path().display());
        }
    }

    let deadline = Instant::now() + Duration::from_millis(300);
    while Instant::now() < deadline {
        match listener.accept() {
            Ok((_, from)) => panic!("a connection was opened from {from}"),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

/// The decoder on the same inputs: an error with a fitting code, never a panic.
#[test]
fn the_decoder_refuses_every_hostile_input() {
    let (_s, inputs) = setup();
    for i in &inputs {
        let doc = Document::from_bytes(i.name, &i.bytes);
        let Some(text) = doc.text() else {
            assert!(matches!(
                doc.text.as_ref().err().map(|v| v.code),
                Some(Code::XmlEncoding | Code::XmlLimit)
            ));
            continue;
        };
        let start = Instant::now();
        let r = codec::decode(text);
        assert!(start.elapsed() < TIME_BOUND, "{}", i.name);
        let code = r.err().map(|e| e.code());
        // The decoder has no notion of the source encoding: UTF-16 without a BOM is text to
        // it, and the minimal request inside decodes.
        if i.name == "utf16-no-bom.xml" {
            assert_eq!(code, None);
        } else if i.name == "deep-200000.xml" {
            // The first `<a>` is no operation element: refused before any depth is reached.
            assert_eq!(code, Some(Code::SoapBodyContent));
        } else {
            assert_eq!(code, Some(i.code), "{}", i.name);
        }
    }
    // The size limit holds for text handed to the decoder directly, too.
    let big = format!("{}{}", open_env(), " ".repeat(MAX_DOCUMENT_BYTES));
    assert_eq!(
        codec::decode(&big).err().map(|e| e.code()),
        Some(Code::XmlLimit)
    );
}

/// The limits, at their edges: both the validator and the decoder take MAX_DEPTH levels and
/// refuse one more with `xml.limit` at the element that is too deep; a document past
/// libxml2's own depth limit (256) is refused at the same element in the same words; the
/// size limit is exact.
#[test]
fn limits_hold_at_their_edges() {
    let at_limit = nested(MAX_DEPTH - 3);
    let over = nested(MAX_DEPTH - 2);
    let v = schema::validate(
        &Document::from_bytes("a", at_limit.as_bytes()),
        Profile::Wire,
    );
    assert!(
        v.violations.iter().all(|v| v.code != Code::XmlLimit),
        "{v:?}"
    );
    let d = codec::decode(&at_limit).err().map(|e| e.code());
    assert_ne!(d, Some(Code::XmlLimit));
    let v = schema::validate(&Document::from_bytes("b", over.as_bytes()), Profile::Wire);
    assert_eq!(v.violations.len(), 1, "{v:?}");
    assert_eq!(v.violations[0].code, Code::XmlLimit);
    let deepest = format!(
        "/Envelope/Header/ExceptionInfo{}",
        "/InnerException".repeat(MAX_DEPTH - 2)
    );
    assert_eq!(v.violations[0].element, deepest);
    assert!(v.violations[0].line.is_some() && v.violations[0].column.is_some());
    let d = codec::decode(&over).err();
    assert_eq!(d.as_ref().map(|e| e.code()), Some(Code::XmlLimit));
    assert_eq!(
        d.map(|e| e.violation().element.clone()),
        Some(deepest.clone())
    );

    let libxml_deep = nested(300);
    let v = schema::validate(
        &Document::from_bytes("c", libxml_deep.as_bytes()),
        Profile::Wire,
    );
    assert_eq!(v.violations.len(), 1, "{v:?}");
    assert_eq!(v.violations[0].code, Code::XmlLimit);
    assert_eq!(v.violations[0].element, deepest, "{v:?}");
    assert_eq!(
        v.violations[0].message,
        relation_contract::text::limits::too_deep()
    );

    let fill = |n: usize| {
        let mut b = minimal_request().into_bytes();
        b.resize(n, b' ');
        b
    };
    let doc = Document::from_bytes("d", &fill(MAX_DOCUMENT_BYTES));
    assert!(doc.text.is_ok());
    assert!(schema::validate(&doc, Profile::Wire).is_valid());
    let doc = Document::from_bytes("e", &fill(MAX_DOCUMENT_BYTES + 1));
    let code = doc.text.as_ref().err().map(|v| v.code);
    assert_eq!(code, Some(Code::XmlLimit));
}

/// UTF-16 without a BOM is refused unless the declaration names the byte order.
#[test]
fn utf16_without_bom_needs_a_declared_byte_order() {
    let body = minimal_request().replace("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", "");
    let le = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let be = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_be_bytes).collect() };
    let judge =
        |bytes: Vec<u8>| schema::validate(&Document::from_bytes("u", &bytes), Profile::Wire);

    let v = judge(le(&body));
    assert_eq!(v.violations.len(), 1);
    assert_eq!(v.violations[0].code, Code::XmlEncoding);
    assert!(v.violations[0].message.contains("UTF-16LE"));
    let v = judge(be(&body));
    assert_eq!(v.violations[0].code, Code::XmlEncoding);
    assert!(v.violations[0].message.contains("UTF-16BE"));

    let declared = |order: &str| format!("<?xml version=\"1.0\" encoding='{order}'?>\n{body}");
    assert!(judge(le(&declared("UTF-16LE"))).is_valid());
    assert!(judge(be(&declared("utf-16be"))).is_valid());
    // The wrong order, or plain UTF-16 (which requires a BOM), is still refused.
    assert!(!judge(le(&declared("UTF-16BE"))).is_valid());
    assert!(!judge(le(&declared("UTF-16"))).is_valid());
    // With a BOM, it is fine as it was.
    let mut bom = vec![0xFF, 0xFE];
    bom.extend(le(&body));
    assert!(judge(bom).is_valid());
}

/// Tens of thousands of siblings, each a finding: the verdict is capped at
/// MAX_VIOLATIONS (plus one `xml.limit` saying so), paths and positions stay right, and it
/// takes no quadratic time.
#[test]
fn many_findings_are_capped_and_fast() {
    let n = 50_000;
    let wide = [
        // Elements after Body, one line.
        format!(
            "<s:Envelope xmlns:s=\"{SOAP11}\"><s:Body/>{}</s:Envelope>",
            "<x/>".repeat(n)
        ),
        // Undeclared Services85 header blocks, one per line.
        format!(
            "<s:Envelope xmlns:s=\"{SOAP11}\"><s:Header xmlns:h=\"{S85}\">{}</s:Header>\
             <s:Body/></s:Envelope>",
            "<h:Nope/>\n".repeat(n)
        ),
        // Extra elements in Body, and schema hints on each.
        format!(
            "<s:Envelope xmlns:s=\"{SOAP11}\" xmlns:xsi=\"{XSI}\"><s:Body>{}</s:Body></s:Envelope>",
            "<y xsi:schemaLocation=\"a b\"/>".repeat(n)
        ),
    ];
    for (k, text) in wide.iter().enumerate() {
        let doc = Document::from_bytes(format!("wide-{k}"), text.as_bytes());
        let start = Instant::now();
        let v = schema::validate(&doc, Profile::Wire);
        assert!(
            start.elapsed() < TIME_BOUND,
            "wide-{k} took {:?}",
            start.elapsed()
        );
        assert_eq!(v.violations.len(), schema::MAX_VIOLATIONS + 1, "wide-{k}");
        let last = v.violations.last().map(|v| v.code);
        assert_eq!(last, Some(Code::XmlLimit), "wide-{k}");
        assert!(v.violations[..schema::MAX_VIOLATIONS]
            .iter()
            .all(|v| v.line.is_some() && !v.element.is_empty()));
    }
    // The paths count siblings: the second `x` after Body is `/Envelope/x[2]`.
    let doc = Document::from_bytes("w", wide[0].as_bytes());
    let v = schema::validate(&doc, Profile::Wire);
    assert!(
        v.violations.iter().any(|v| v.element == "/Envelope/x[2]"),
        "{:?}",
        &v.violations[..3]
    );
    // The CLI shows such a verdict quickly, in every format, without the endless line.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("wide.xml");
    std::fs::write(&path, &wide[0]).unwrap_or_else(|e| panic!("{e}"));
    for format in ["human", "json", "junit"] {
        let (o, took) = run(&[&path], &["validate", "--format", format]);
        assert_eq!(o.status.code(), Some(1));
        assert!(took < TIME_BOUND, "{format} took {took:?}");
        assert!(
            o.stdout.len() < 200_000,
            "{format}: {} bytes",
            o.stdout.len()
        );
    }
}

/// Thousands of distinct Ticket values: redaction would cost secrets x output, so such a
/// document is refused with `xml.limit` (and none of its values is printed).
#[test]
fn a_flood_of_secrets_is_a_limit() {
    let tickets: String = (0..20_000)
        .map(|i| format!("<Ticket>flood-{i:06}</Ticket>\n"))
        .collect();
    let text = format!("<s:Envelope xmlns:s=\"{SOAP11}\"><s:Body/>{tickets}</s:Envelope>");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("tickets.xml");
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let (o, docs, took) = validate_json(&[&path]);
    assert_eq!(o.status.code(), Some(1));
    assert!(took < TIME_BOUND, "took {took:?}");
    assert_verdict(&docs[0], "tickets.xml", Code::XmlLimit);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("flood-"));
}

/// Fuzzing (`report` target) found this input: the secret scan took `"UTF-8"?>` for a Ticket
/// value, and the JUnit printer's own XML declaration holds those characters. The fuzz
/// oracle now tells the tool's own words from leaked values; the real values of the input
/// are in no output, and the verdict is given in every format.
#[test]
fn fuzz_regression_report_secret_in_printer_boilerplate() {
    let bytes = include_bytes!("fuzz-regressions/report-c82a3b72.bin");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("crash.xml");
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    let doc = Document::from_bytes("crash.xml", bytes);
    assert!(
        doc.secrets.iter().any(|s| s == "\"UTF-8\"?>"),
        "{:?}",
        doc.secrets
    );
    for format in ["human", "json", "junit"] {
        let (o, _) = run(&[&path], &["validate", "--format", format]);
        assert_eq!(o.status.code(), Some(1));
        let out = String::from_utf8_lossy(&o.stdout);
        for value in ["3f2a9c4e-81d7-4b0a-9e6f-2c5d7a.b8e40", "VzLW9ubHk=0aWNrZXQ"] {
            assert!(!out.contains(value), "{format}: {value}");
        }
        let lines: Vec<usize> = out
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("\"UTF-8\"?>"))
            .map(|(i, _)| i)
            .collect();
        let expected: Vec<usize> = if format == "junit" { vec![0] } else { vec![] };
        assert_eq!(lines, expected, "{format}:\n{out}");
    }
}

/// Found by fuzzing the tokenizer (`fuzz/fuzz_targets/tokens.rs`): a Fault whose faultcode
/// text is `xmlns:i=alServiceFaul` and invalid bytes. The decoder resolved the prefix
/// `xmlns` to the xmlns namespace and took `=` and U+FFFD into the local part; encoding the
/// fault again bound a prefix to the xmlns namespace, which is not well-formed. Now a fault
/// code is a QName or refused, as libxml2 refuses it, and the engines agree.
#[test]
fn fuzz_regression_fault_code_with_the_xmlns_prefix() {
    let bytes = include_bytes!("fuzz-regressions/tokens-8d4cffd1.bin");
    let text = String::from_utf8_lossy(bytes);
    let e = codec::decode(&text).expect_err("no QName");
    assert_eq!(e.code(), Code::XsdValue, "{e}");
    assert_eq!(e.violation().element, "/Envelope/Body/Fault/faultcode");
    // Each half of the check on its own: the prefix, and the local part.
    for (code, refused) in [
        ("xmlns:InternalServiceFault", true),
        ("a:Internal=ServiceFault", true),
        ("a:InternalServiceFault", false),
        ("xml:InternalServiceFault", false),
    ] {
        let doc = text_with_fault_code(code);
        assert_eq!(codec::decode(&doc).is_err(), refused, "{code}");
        let verdict = schema::validate(
            &Document::from_bytes("f.xml", doc.as_bytes()),
            Profile::Wire,
        );
        assert_eq!(
            !verdict.is_valid(),
            refused,
            "{code}: {:?}",
            verdict.violations
        );
    }
}

fn text_with_fault_code(code: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>\
         <faultcode xmlns:a=\"urn:a\">{code}</faultcode><faultstring>x</faultstring>\
         </s:Fault></s:Body></s:Envelope>"
    )
}
