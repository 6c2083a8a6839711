//! Captured traffic: HTTP dumps and HAR files, HTTP checks, the parallel walk, redaction in
//! every output format, and `import`.

use relation_contract::capture;
use relation_contract::fixtures::{self, Options};
use relation_contract::import;
use relation_contract::{Kind, Profile};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ACTION: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/";
const FIXTURE_TICKET: &str = "7T:dGVzdC10aWNrZXQtZm9yLWZpeHR1cmVzLW9ubHk=";
const FIXTURE_TOKEN: &str = "3f2a9c4e-81d7-4b0a-9e6f-2c5d7a1b8e40";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relation-contract"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    match bin().args(args).output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run the binary: {e}"),
    }
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn fx(rel: &str) -> String {
    fixture(rel).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn all(o: &Output) -> String {
    format!("{}{}", stdout(o), String::from_utf8_lossy(&o.stderr))
}

/// (per-document lines, the summary).
fn json(o: &Output) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut docs: Vec<serde_json::Value> = stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let summary = match docs.pop() {
        Some(mut last) => last["summary"].take(),
        None => panic!("no output"),
    };
    assert!(summary.is_object(), "the last line is not the summary");
    (docs, summary)
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["violations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("no temp dir: {e}"),
    }
}

fn write(path: &Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        panic!("cannot write {}: {e}", path.display());
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn a_har_yields_its_soap_entries_and_counts_the_others() {
    let o = run(&[
        "validate",
        "--format",
        "json",
        &fx("captures/SaveContactRelation.session.har"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let (docs, summary) = json(&o);
    let names: Vec<String> = docs
        .iter()
        .map(|d| {
            let p = d["path"].as_str().unwrap_or_default();
            p.rsplit_once('#').map_or(p, |(_, n)| n).to_string()
        })
        .collect();
    assert_eq!(
        names,
        vec![
            "entries[2].request",
            "entries[2].response",
            "entries[4].request",
            "entries[4].response"
        ]
    );
    let kinds: Vec<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
    assert_eq!(kinds, vec!["request", "response", "request", "fault"]);
    // Three non-SOAP entries (a page, the WSDL, a JSON call), request and response each.
    assert_eq!(summary["skipped"], 6);
    assert_eq!(summary["documents"], 4);
    assert_eq!(summary["valid"], 4);

    let human = run(&["validate", &fx("captures/SaveContactRelation.session.har")]);
    assert!(
        stdout(&human).contains("4 document(s): 4 valid, 0 invalid, 6 skipped"),
        "{}",
        all(&human)
    );
}

#[test]
fn a_chunked_body_is_decoded_to_the_envelope_that_was_sent() {
    let path = fixture("captures/SaveContactRelation.response.chunked.http");
    let raw = read(&path);
    assert!(String::from_utf8_lossy(&raw).contains("Transfer-Encoding: chunked"));
    let c = match capture::open(&path) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(c.documents.len(), 1);
    let sent = read(&fixture("wire/SaveContactRelation.response.wcf.xml"));
    assert_eq!(
        c.documents[0].text().map(str::as_bytes),
        Some(sent.as_slice())
    );
    let item = fixtures::judge_document(&c.documents[0], Profile::Auto);
    assert!(item.valid, "{item:?}");
    assert_eq!(item.kind, Some(Kind::Response));
}

#[test]
fn a_soap_action_that_names_another_operation_is_reported() {
    let o = run(&[
        "validate",
        "--format",
        "json",
        &fx("invalid/SaveContactRelation.request.soap-action-mismatch.http"),
        &fx("captures/SaveContactRelation.request.curl.http"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let (docs, summary) = json(&o);
    assert_eq!(codes(&docs[0]), vec!["http.soap-action"]);
    let message = docs[0]["violations"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("DeleteContactRelation"), "{message}");
    assert!(message.contains(&format!("\"{ACTION}SaveContactRelation\"")));
    // The header's line in the file.
    assert_eq!(docs[0]["violations"][0]["line"], 4);
    // The same body with the right action is valid.
    assert_eq!(docs[1]["valid"], true, "{}", docs[1]);
    assert_eq!(summary["codes"]["http.soap-action"], 1);
}

#[test]
fn an_http_500_with_a_fault_is_a_valid_fault() {
    let o = run(&[
        "validate",
        "--format",
        "json",
        &fx("captures/SaveContactRelation.fault.500.http"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let (docs, _) = json(&o);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["kind"], "fault");
    assert_eq!(docs[0]["valid"], true);
}

#[test]
fn content_decides_not_the_extension() {
    let dir = tempdir();
    let dump = read(&fixture("captures/SaveContactRelation.request.curl.http"));
    let as_xml = dir.path().join("captured.xml");
    write(&as_xml, &dump);
    let c = capture::open(&as_xml).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.documents.len(), 1);
    assert!(c.documents[0].http.is_some());
    let item = fixtures::judge_document(&c.documents[0], Profile::Auto);
    assert!(item.valid, "{item:?}");
}

#[test]
fn body_lines_are_lines_of_the_dump() {
    let dump = read(&fixture("captures/SaveContactRelation.request.curl.http"));
    let text =
        String::from_utf8_lossy(&dump).replace("<Reversed>0</Reversed>", "<Reversed>x</Reversed>");
    let c = capture::parse("t.http", text.as_bytes());
    let item = fixtures::judge_document(&c.documents[0], Profile::Auto);
    let line_in_file = text
        .lines()
        .position(|l| l.contains("<Reversed>x"))
        .map(|i| i + 1);
    let found = item.violations.first().and_then(|f| f.violation.line);
    assert_eq!(found.map(|l| l as usize), line_in_file);
    assert_eq!(
        item.violations[0].source_line.as_deref().map(str::trim),
        Some("<Reversed>x</Reversed>")
    );
}

fn report_json(paths: &[PathBuf], jobs: usize, chunk: usize) -> Vec<String> {
    let mut out = Vec::new();
    let opts = Options {
        profile: Profile::Auto,
        jobs,
        chunk,
        ..Options::default()
    };
    let r: Result<(), ()> = fixtures::validate(paths, opts, &|| {}, |file| {
        for item in &file.items {
            out.push(serde_json::to_string(item).unwrap_or_default());
        }
        out.push(format!("skipped {:?} error {:?}", file.skipped, file.error));
        Ok(())
    });
    assert!(r.is_ok());
    out
}

#[test]
fn parallel_results_equal_sequential_ones() {
    let paths = vec![fixture("")];
    let sequential = report_json(&paths, 1, 1);
    assert!(sequential.len() > 70, "{}", sequential.len());
    for (jobs, chunk) in [(2, 0), (4, 7), (8, 3)] {
        assert_eq!(
            report_json(&paths, jobs, chunk),
            sequential,
            "jobs {jobs} chunk {chunk}"
        );
    }
    let one = run(&["validate", "--format", "json", "--jobs", "1", &fx("")]);
    let four = run(&["validate", "--format", "json", "-j", "4", &fx("")]);
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(stdout(&one), stdout(&four));
}

#[test]
fn output_is_in_path_order() {
    let o = run(&["validate", "--format", "json", &fx("")]);
    let (docs, summary) = json(&o);
    let files: Vec<String> = docs
        .iter()
        .filter_map(|d| d["path"].as_str())
        .map(|p| p.split('#').next().unwrap_or(p).to_string())
        .collect();
    let mut sorted: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    sorted.sort();
    let sorted: Vec<String> = sorted.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(files, sorted);
    assert_eq!(summary["documents"].as_u64(), Some(docs.len() as u64));
}

const AUTH: &str = "dXNlcjpzM2NyZXQtYXV0aA==";
const COOKIE: &str = "ckY2x5mz1w0sd3bq-cookie";
const APPTOKEN: &str = "apptoken-0b1c2d3e4f";

/// A capture whose credentials also stand in the body where a violation quotes them.
fn leaky_capture(dir: &Path) -> Vec<PathBuf> {
    let body = String::from_utf8_lossy(&read(&fixture("wire/SaveContactRelation.request.wcf.xml")))
        .replace(
            "<Reversed>0</Reversed>",
            &format!("<Reversed>{AUTH}</Reversed>"),
        )
        .replace(
            "<RelationId>0</RelationId>",
            &format!("<RelationId>{COOKIE}</RelationId>"),
        )
        .replace(
            "<SourcePersonId>5831</SourcePersonId>",
            &format!("<SourcePersonId>{APPTOKEN}</SourcePersonId>"),
        );
    let dump = format!(
        "POST /Relation.svc HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"{ACTION}SaveContactRelation\"\r\nAuthorization: Basic {AUTH}\r\n\
         Cookie: ASP.NET_SessionId={COOKIE}; x=1\r\nSO-AppToken: {APPTOKEN}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let http = dir.join("leaky.http");
    write(&http, dump.as_bytes());
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "request": {"method": "POST", "url": "https://crm/Relation.svc",
            "headers": [{"name": "SOAPAction", "value": format!("\"{ACTION}SaveContactRelation\"")},
                        {"name": "Content-Type", "value": "text/xml; charset=utf-8"},
                        {"name": "Authorization", "value": format!("Basic {AUTH}")},
                        {"name": "SO-AppToken", "value": APPTOKEN}],
            "cookies": [{"name": "ASP.NET_SessionId", "value": COOKIE}],
            "postData": {"mimeType": "text/xml", "text": body}},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html/>"}}
    }]}});
    let har_path = dir.join("leaky.har");
    write(&har_path, har.to_string().as_bytes());
    vec![http, har_path]
}

#[test]
fn header_and_body_secrets_never_appear_in_any_format() {
    let dir = tempdir();
    let files = leaky_capture(dir.path());
    let args: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    for format in ["human", "json", "junit"] {
        let mut a = vec!["validate", "--format", format];
        a.extend(args.iter().map(String::as_str));
        let o = run(&a);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", all(&o));
        let out = all(&o);
        for secret in [AUTH, COOKIE, APPTOKEN, FIXTURE_TICKET, FIXTURE_TOKEN] {
            assert!(!out.contains(secret), "{format} shows {secret}:\n{out}");
        }
        // The violations that quote them were printed, masked.
        assert!(out.contains("[REDACTED]"), "{format}:\n{out}");
        assert!(out.contains("xsd.value"), "{format}:\n{out}");
    }
}

#[test]
fn import_writes_redacted_valid_envelopes_and_never_overwrites() {
    let dir = tempdir();
    let to = dir.path().join("imported");
    let to_s = to.display().to_string();
    let o = run(&["import", &fx("captures"), "--to", &to_s]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let mut names: Vec<String> = std::fs::read_dir(&to)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    // Identical redacted bodies share one file: three requests carry the same envelope.
    assert!(stdout(&o).contains("already present"), "{}", stdout(&o));
    for kind in ["request", "response", "fault"] {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("SaveContactRelation.{kind}."))),
            "{kind} missing: {names:?}"
        );
    }
    for n in &names {
        let parts: Vec<&str> = n.split('.').collect();
        assert_eq!(parts.len(), 4, "{n}");
        assert_eq!(parts[2].len(), 8, "{n}");
        assert!(parts[2].bytes().all(|b| b.is_ascii_hexdigit()), "{n}");
        let text = String::from_utf8_lossy(&read(&to.join(n))).into_owned();
        assert!(
            text.trim_start().starts_with('<'),
            "{n} is not a bare envelope"
        );
        for secret in [FIXTURE_TICKET, FIXTURE_TOKEN] {
            assert!(!text.contains(secret), "{n} holds {secret}");
        }
    }
    assert!(names.iter().any(
        |n| String::from_utf8_lossy(&read(&to.join(n))).contains("<Ticket>[REDACTED]</Ticket>")
    ));
    // Every imported envelope is valid as it stands.
    let v = run(&["validate", &to_s]);
    assert_eq!(v.status.code(), Some(0), "{}", all(&v));

    // A second import writes nothing and changes nothing.
    let before: Vec<Vec<u8>> = names.iter().map(|n| read(&to.join(n))).collect();
    let again = run(&["import", &fx("captures"), "--to", &to_s]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("import: 0 written"),
        "{}",
        stdout(&again)
    );
    let after: Vec<Vec<u8>> = names.iter().map(|n| read(&to.join(n))).collect();
    assert_eq!(before, after);

    // A name taken by other content is left alone; the document gets a longer name.
    let other = dir.path().join("other");
    if let Err(e) = std::fs::create_dir(&other) {
        panic!("{e}");
    }
    let taken = other.join(&names[0]);
    write(&taken, b"mine");
    let o = run(&[
        "import",
        &fx("captures"),
        "--to",
        &other.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert_eq!(read(&taken), b"mine");
    let stem = names[0].rsplit_once('.').map_or("", |(s, _)| s).to_string();
    let longer = std::fs::read_dir(&other)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .any(|n| n.starts_with(&stem) && n.len() == names[0].len() + 8);
    assert!(longer, "no longer name next to the taken one");
}

#[test]
fn import_masks_header_secrets_found_in_the_body() {
    let dir = tempdir();
    let files = leaky_capture(dir.path());
    let c = capture::open(&files[0]).unwrap_or_else(|e| panic!("{e}"));
    let to = dir.path().join("out");
    if let Err(e) = std::fs::create_dir(&to) {
        panic!("{e}");
    }
    let written = import::import_document(&c.documents[0], &to).unwrap_or_else(|e| panic!("{e}"));
    let import::Imported::Written(path) = written else {
        panic!("not written: {written:?}");
    };
    let text = String::from_utf8_lossy(&read(&path)).into_owned();
    for secret in [AUTH, COOKIE, APPTOKEN, FIXTURE_TICKET, FIXTURE_TOKEN] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

const LONG_TARGET: &str = "https://sod.superoffice.com/Cust12345/Remote/Services85/Relation.svc";

/// A dump whose start line (an absolute-form URL) is longer than 63 bytes, and a HAR with
/// more than 64 bytes of whitespace before its `{`: both carry credential headers.
fn hard_to_sniff(dir: &Path) -> Vec<PathBuf> {
    let body = String::from_utf8_lossy(&read(&fixture("wire/SaveContactRelation.request.wcf.xml")))
        .into_owned();
    let start = format!("POST {LONG_TARGET} HTTP/1.1");
    assert!(start.len() > 63);
    let dump = format!(
        "{start}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"{ACTION}SaveContactRelation\"\r\nAuthorization: Basic {AUTH}\r\n\
         Cookie: ASP.NET_SessionId={COOKIE}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let http = dir.join("long-start-line.http");
    write(&http, dump.as_bytes());
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "request": {"method": "POST", "url": LONG_TARGET,
            "headers": [{"name": "SOAPAction", "value": format!("\"{ACTION}SaveContactRelation\"")},
                        {"name": "Content-Type", "value": "text/xml; charset=utf-8"},
                        {"name": "Authorization", "value": format!("Basic {AUTH}")},
                        {"name": "Cookie", "value": format!("ASP.NET_SessionId={COOKIE}")}],
            "postData": {"mimeType": "text/xml", "text": body}}
    }]}});
    let padded = format!("{}{har}", " \r\n\t".repeat(50));
    let har_path = dir.join("padded.har");
    write(&har_path, padded.as_bytes());
    vec![http, har_path]
}

#[test]
fn a_long_start_line_and_a_padded_har_are_read_as_captures() {
    let dir = tempdir();
    for path in hard_to_sniff(dir.path()) {
        let c = capture::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let from_bytes = capture::parse("p", &read(&path));
        for docs in [&c.documents, &from_bytes.documents] {
            assert_eq!(docs.len(), 1, "{}", path.display());
            let d = &docs[0];
            assert!(
                d.text().is_some_and(|t| t.starts_with("<s:Envelope")),
                "{}: {:?}",
                path.display(),
                d.text().map(|t| &t[..t.len().min(60)])
            );
            let Some(meta) = d.http.as_ref() else {
                panic!("{}: no HTTP metadata", path.display());
            };
            assert_eq!(
                meta.start,
                capture::http::StartLine::Request {
                    method: "POST".into(),
                    target: LONG_TARGET.into()
                }
            );
            for name in ["authorization", "cookie"] {
                let value = meta.header(name).map(|h| h.value.as_str());
                assert_eq!(value, Some("[REDACTED]"), "{}: {name}", path.display());
            }
            let shown = format!("{meta:?}");
            assert!(!shown.contains(AUTH) && !shown.contains(COOKIE), "{shown}");
            for secret in [AUTH, COOKIE] {
                assert!(
                    d.secrets.iter().any(|s| s == secret),
                    "{secret} not collected"
                );
            }
        }
        let item = fixtures::judge_document(&c.documents[0], Profile::Auto);
        assert!(item.valid, "{}: {item:?}", path.display());
    }
}

/// Runs `import FILES... --to TO`, which must succeed; what it printed, and the files it
/// wrote.
fn import_all(files: &[PathBuf], to: &Path) -> (Output, Vec<PathBuf>) {
    let mut args = vec!["import".to_string()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    args.extend(["--to".to_string(), to.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let written = std::fs::read_dir(to)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    (o, written)
}

#[test]
fn import_masks_the_credentials_of_a_long_start_line_and_a_padded_har() {
    let dir = tempdir();
    let files = hard_to_sniff(dir.path());
    let to = dir.path().join("imported");
    let (o, names) = import_all(&files, &to);
    // Both captures hold the same envelope: one file, a bare envelope.
    assert_eq!(names.len(), 1, "{names:?}");
    let text = String::from_utf8_lossy(&read(&names[0])).into_owned();
    assert!(text.starts_with("<s:Envelope"), "{text}");
    for secret in [AUTH, COOKIE, FIXTURE_TICKET, "Authorization", "Cookie"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(!all(&o).contains(AUTH) && !all(&o).contains(COOKIE));
}

#[test]
fn a_dump_saved_with_a_bom_is_a_capture() {
    let dump = read(&fixture("captures/SaveContactRelation.request.curl.http"));
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&dump);
    let c = capture::parse("bom.http", &with_bom);
    assert_eq!(c.documents.len(), 1);
    assert!(c.documents[0].http.is_some());
    let item = fixtures::judge_document(&c.documents[0], Profile::Auto);
    assert!(item.valid, "{item:?}");
    // The body's lines are still lines of the file.
    let plain = capture::parse("plain.http", &dump);
    let line = |c: &capture::Capture| c.documents[0].http.as_ref().and_then(|m| m.body_line);
    assert_eq!(line(&c), line(&plain));
    assert!(line(&c).is_some());
}

const ECHOED_TICKET: &str = "7T:ZWNob2VkLXRpY2tldC12YWx1ZQ==";

/// A request with credentials and a fault response that echoes them, as a dump and a HAR.
fn echoing_exchange(dir: &Path) -> Vec<PathBuf> {
    let body = String::from_utf8_lossy(&read(&fixture("wire/SaveContactRelation.request.wcf.xml")))
        .replace(FIXTURE_TICKET, ECHOED_TICKET);
    let fault = format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>\
         <faultcode>s:Client</faultcode><faultstring>ticket {ECHOED_TICKET} refused for \
         Basic {AUTH}, session {COOKIE}</faultstring></s:Fault></s:Body></s:Envelope>"
    );
    let dump = format!(
        "POST /Relation.svc HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"{ACTION}SaveContactRelation\"\r\nAuthorization: Basic {AUTH}\r\n\
         Cookie: ASP.NET_SessionId={COOKIE}\r\nContent-Length: {}\r\n\r\n{body}\
         HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml; charset=utf-8\r\n\
         Content-Length: {}\r\n\r\n{fault}",
        body.len(),
        fault.len()
    );
    let http = dir.join("echo.http");
    write(&http, dump.as_bytes());
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "request": {"method": "POST", "url": "https://crm/Relation.svc",
            "headers": [{"name": "SOAPAction", "value": format!("\"{ACTION}SaveContactRelation\"")},
                        {"name": "Content-Type", "value": "text/xml; charset=utf-8"},
                        {"name": "Authorization", "value": format!("Basic {AUTH}")}],
            "cookies": [{"name": "ASP.NET_SessionId", "value": COOKIE}],
            "postData": {"mimeType": "text/xml", "text": body}},
        "response": {"status": 500, "headers": [{"name": "Content-Type", "value": "text/xml"}],
            "content": {"mimeType": "text/xml", "text": fault}}
    }]}});
    let har_path = dir.join("echo.har");
    write(&har_path, har.to_string().as_bytes());
    vec![http, har_path]
}

#[test]
fn a_response_that_echoes_its_requests_credentials_is_redacted_with_them() {
    let dir = tempdir();
    let files = echoing_exchange(dir.path());
    for path in &files {
        let c = capture::open(path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.documents.len(), 2, "{}", path.display());
        // Each side of the exchange knows the other's secrets.
        for d in &c.documents {
            for secret in [ECHOED_TICKET, AUTH, COOKIE] {
                assert!(
                    d.secrets.iter().any(|s| s == secret),
                    "{}: {secret} unknown",
                    d.source
                );
            }
        }
    }
    let to = dir.path().join("imported");
    let (_, written) = import_all(&files, &to);
    assert!(written
        .iter()
        .any(|p| p.display().to_string().contains(".fault.")));
    for p in &written {
        let text = String::from_utf8_lossy(&read(p)).into_owned();
        for secret in [ECHOED_TICKET, AUTH, COOKIE] {
            assert!(
                !text.contains(secret),
                "{secret} in {}:\n{text}",
                p.display()
            );
        }
    }
}

#[test]
fn fuzz_find_a_response_quoting_its_requests_authorization_is_masked() {
    // A response whose body quotes the header block of the request before it.
    let bytes = include_bytes!("fuzz-regressions/capture-ce342e24.bin");
    let auth = "SOTicket 7T:dGVzdC10aWNrZXQtZm9yLWZpeHR1cmVzLW9ubHk=";
    let text = String::from_utf8_lossy(bytes);
    assert!(text.matches(auth).count() >= 2);
    let c = capture::parse("fuzz.http", bytes);
    let response = c
        .documents
        .iter()
        .find(|d| d.source.ends_with(".response"))
        .unwrap_or_else(|| panic!("no response in {:?}", c.documents));
    assert!(response.text().is_some_and(|t| t.contains(auth)));
    // An Authorization header's secret is its credential, after the scheme.
    let credential = auth.split_once(' ').map_or(auth, |(_, c)| c);
    assert!(response.secrets.iter().any(|s| s == credential));
    let redacted = response
        .text()
        .map(|t| import::redact(t, &response.secrets))
        .unwrap_or_default();
    assert!(!redacted.contains("dGVzdC10aWNrZXQtZm9yLWZpeHR1cmVzLW9ubHk"));
    assert!(!redacted.contains("ufq2kx5mz1w0sd3bqv4e0n1a"));
}

#[test]
fn fuzz_find_a_body_quoting_a_later_requests_cookie_is_masked() {
    // A response first, whose body quotes the header block of the request after it.
    let bytes = include_bytes!("fuzz-regressions/capture-b346a680.bin");
    let cookie = "ufq2kx5mz1w0sd3bqv4e0n1a";
    let c = capture::parse("fuzz.http", bytes);
    let quoting: Vec<&relation_contract::Document> = c
        .documents
        .iter()
        .filter(|d| d.text().is_some_and(|t| t.contains(cookie)))
        .collect();
    assert!(!quoting.is_empty());
    for d in quoting {
        let redacted = d
            .text()
            .map(|t| import::redact(t, &d.secrets))
            .unwrap_or_default();
        assert!(!redacted.contains(cookie), "{}:\n{redacted}", d.source);
    }
}

#[test]
fn fuzz_find_a_cookie_run_into_a_broken_tags_attribute_name_stays_masked() {
    // A malformed fault whose `xml:lang` attribute runs into the Set-Cookie value: no value
    // stands there for structural masking to replace, and the human report shows that line.
    let bytes = include_bytes!("fuzz-regressions/capture-0af8c532.bin");
    let cookie = "ufq2kx5mz1w0sd3bqv4e0n1a";
    assert!(String::from_utf8_lossy(bytes).matches(cookie).count() >= 2);
    let dir = tempdir();
    let path = dir.path().join("fault.http");
    write(&path, bytes);
    for format in ["human", "json", "junit"] {
        let o = run(&["validate", "--format", format, &path.display().to_string()]);
        assert_eq!(o.status.code(), Some(1), "{}", all(&o));
        let out = all(&o);
        assert!(out.contains("xml.malformed"), "{out}");
        assert!(!out.contains(&cookie[..6]), "{format}: {out}");
    }
    // Import writes that document too: masked where the cookie stands.
    let c = capture::parse("fault.http", bytes);
    let secrets = import::capture_secrets(&c);
    for doc in &c.documents {
        let written = doc.text().map(|t| import::redact(t, &secrets));
        assert!(written.is_some_and(|w| !w.contains(&cookie[..6])));
    }
}

#[test]
fn fuzz_find_a_secret_of_several_words_is_masked_in_messages() {
    // A dump whose credential header's value is a phrase of plain words (`Fjordline
    // Logistikk AS`) that the body quotes again: each word alone is a plain word the masker
    // leaves alone, so the phrase is masked whole where it stands.
    let bytes = include_bytes!("fuzz-regressions/capture-3d76fe18.bin");
    let phrase = "Fjordline Logistikk AS";
    let c = capture::parse("fuzz.http", bytes);
    assert!(c
        .documents
        .iter()
        .any(|d| d.secrets.iter().any(|s| s == phrase)));
    let dir = tempdir();
    let path = dir.path().join("dump.http");
    write(&path, bytes);
    for format in ["human", "json", "junit"] {
        let o = run(&["validate", "--format", format, &path.display().to_string()]);
        assert!(!all(&o).contains(phrase), "{format}: {}", all(&o));
    }
}

/// A Ticket with nothing in its text that marks it as one (no `7T:`).
const OPAQUE_TICKET: &str = "opaque-session-value-9431";

#[test]
fn a_fault_quoting_an_unmarked_ticket_of_an_earlier_exchange_is_redacted() {
    // Two exchanges in one dump; the second's fault quotes the first request's Ticket, which
    // its own exchange never carried: only the capture's shared secrets can know it.
    let request = |ticket: &str| {
        let body =
            String::from_utf8_lossy(&read(&fixture("wire/SaveContactRelation.request.wcf.xml")))
                .replace(FIXTURE_TICKET, ticket);
        format!(
            "POST /Relation.svc HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n\
             SOAPAction: \"{ACTION}SaveContactRelation\"\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let fault = |text: &str| {
        let fault = format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>\
             <faultcode>s:Client</faultcode><faultstring>{text}</faultstring></s:Fault>\
             </s:Body></s:Envelope>"
        );
        format!(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml; charset=utf-8\r\n\
             Content-Length: {}\r\n\r\n{fault}",
            fault.len()
        )
    };
    let quoting = format!("session {OPAQUE_TICKET} expired");
    let dump = [
        request(OPAQUE_TICKET),
        fault("try again"),
        request("7T:c2Vjb25kLXRpY2tldA=="),
        fault(&quoting),
    ]
    .concat();
    let dir = tempdir();
    let http = dir.path().join("opaque.http");
    write(&http, dump.as_bytes());
    let c = capture::open(&http).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.documents.len(), 4);
    // The fault's own text gives no sign of the Ticket.
    assert!(!relation_contract::secrets::find(&quoting)
        .iter()
        .any(|s| s == OPAQUE_TICKET));
    assert!(c.documents[3].secrets.iter().any(|s| s == OPAQUE_TICKET));
    let to = dir.path().join("imported");
    let (_, written) = import_all(&[http], &to);
    // The two requests are one file once their Tickets are redacted (names are by content).
    let texts: Vec<String> = written
        .iter()
        .map(|p| String::from_utf8_lossy(&read(p)).into_owned())
        .collect();
    assert_eq!(texts.len(), 3, "{written:?}");
    // The quoting faultstring is redacted where it stands; the other fault keeps its text.
    assert!(
        texts
            .iter()
            .any(|t| t.contains("<faultstring>[REDACTED]</faultstring>")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("try again")), "{texts:?}");
    for text in &texts {
        assert!(!text.contains(OPAQUE_TICKET), "{text}");
    }
}
