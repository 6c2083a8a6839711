//! Scenarios: the rules of `fixtures/scenarios/unhappy-paths.json` drive every answer kind
//! of the stub (a scripted ExceptionInfo error, a Fault, an HTTP status with a body, a
//! delay then the normal or another answer, a dropped connection, the Nth or first N
//! calls), each pinned to its status, body (valid under the wire profile where it is SOAP)
//! and hit count; a bad scenario file is refused with where and what.

mod common;

use common::stub::*;
use relation_contract::contract::NS_SOAP11;
use relation_contract::model::{Message, Nillable, RequestBody, ResponseEnvelope, SoCredentials};
use relation_contract::serve::{Event, ScenarioError, Scenarios, ServeOptions, StubServer};
use relation_contract::{codec, pipeline, Document, Operation, Profile};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DISPATCHER: &str =
    "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
const EXPIRED: &str = "7T:ZXhwaXJlZC1zY2VuYXJpby10aWNrZXQ=";

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/unhappy-paths.json")
}

fn scenarios() -> Scenarios {
    Scenarios::from_file(fixture_path()).expect("the fixture's scenarios load")
}

/// A stub playing the fixture's rules; the events it told.
fn stub() -> (StubServer, common::stub::Told) {
    common::stub::with_events(ServeOptions {
        scenarios: scenarios(),
        ..ServeOptions::default()
    })
}

/// The hits: these rules as given, every other rule of the fixture zero.
fn hits_are(stub: &StubServer, want: &[(&str, u64)]) {
    let mut expected: BTreeMap<String, u64> = scenarios().names().map(|n| (n.into(), 0)).collect();
    for (name, n) in want {
        assert!(
            expected.contains_key(*name),
            "{name} is a rule of the fixture"
        );
        expected.insert((*name).into(), *n);
    }
    assert_eq!(stub.scenario_hits(), expected);
}

fn assert_pipeline_valid(what: &str, body: &str) {
    let v = pipeline::check(&Document::from_bytes(what, body.as_bytes()), Profile::Wire);
    assert!(v.is_valid(), "{what}: {:#?}\n{body}", v.violations);
}

/// A 200 whose ExceptionInfo is filled in, Succeeded false, Response nil.
fn service_error(reply: &Reply, op: Operation) -> ResponseEnvelope {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_pipeline_valid("service error", &reply.body);
    let Message::Response(env) = codec::decode(&reply.body).expect("decodes") else {
        panic!("a response: {}", reply.body)
    };
    assert_eq!(env.body.operation(), op);
    assert_eq!(env.headers.succeeded, Some(false));
    if op != Operation::DeleteContactRelation {
        assert!(entity_of(env.body.clone()).is_nil(), "{}", reply.body);
    }
    env
}

/// A 500 Fault: its faultcode (namespace, local) and faultstring.
fn scripted_fault(reply: &Reply) -> (Option<String>, String, String) {
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_pipeline_valid("fault", &reply.body);
    assert!(
        reply.body.contains("<faultstring xml:lang=\"en-US\">"),
        "{}",
        reply.body
    );
    let Message::Fault(env) = codec::decode(&reply.body).expect("decodes") else {
        panic!("a fault: {}", reply.body)
    };
    (
        env.body.code.namespace,
        env.body.code.local,
        env.body.reason,
    )
}

fn texts(env: &ResponseEnvelope) -> (String, String, Option<String>) {
    let info = env.headers.exception_info.value().expect("ExceptionInfo");
    (
        info.message.value().cloned().unwrap_or_default(),
        info.exception_type.value().cloned().unwrap_or_default(),
        info.friendly_text.value().cloned(),
    )
}

#[test]
fn an_exception_info_rule_answers_200_succeeded_false_with_its_texts() {
    let (stub, _) = stub();
    let reply = call(stub.addr(), &save(entity("fail: ExceptionInfo")));
    let env = service_error(&reply, Operation::SaveContactRelation);
    assert_eq!(
        texts(&env),
        (
            "Cannot save the relation: the destination contact is deleted".into(),
            "SoDataException".into(),
            Some("The relation could not be saved.".into())
        )
    );
    // Without FriendlyText in the rule, it is nil.
    let reply = call(
        stub.addr(),
        &request(RequestBody::CreateDefaultContactRelationEntity),
    );
    ok_body(&reply, Operation::CreateDefaultContactRelationEntity);
    let reply = call(
        stub.addr(),
        &request(RequestBody::CreateDefaultContactRelationEntity),
    );
    let env = service_error(&reply, Operation::CreateDefaultContactRelationEntity);
    assert_eq!(texts(&env).2, None);
    // Another comment is saved as always.
    ok_body(
        &call(stub.addr(), &save(entity("fine"))),
        Operation::SaveContactRelation,
    );
    hits_are(&stub, &[("save-fails", 1), ("second-create-fails", 1)]);
    stub.assert_clean();
    let stats = stub.stop();
    assert_eq!(stats.stored, 1, "the scripted failure saved nothing");
    assert_eq!(stats.scenario_hits["save-fails"], 1);
}

#[test]
fn a_fault_rule_answers_500_with_its_faultcode_and_faultstring() {
    let (stub, _) = stub();
    let reply = call(stub.addr(), &save(entity("fail: Fault")));
    assert_eq!(
        scripted_fault(&reply),
        (
            Some(NS_SOAP11.to_string()),
            "Server".into(),
            "Scripted: the database is down".into()
        )
    );
    let reply = call(stub.addr(), &save(entity("fail: InternalServiceFault")));
    assert!(
        reply.body.contains(&format!(
            "<faultcode xmlns:a=\"{DISPATCHER}\">a:InternalServiceFault</faultcode>"
        )),
        "{}",
        reply.body
    );
    let (ns, local, _) = scripted_fault(&reply);
    assert_eq!(
        (ns.as_deref(), local.as_str()),
        (Some(DISPATCHER), "InternalServiceFault")
    );
    hits_are(&stub, &[("save-faults", 1), ("internal-service-fault", 1)]);
    assert_eq!(stub.stop().stored, 0);
}

#[test]
fn an_http_rule_answers_its_status_type_and_body_and_first_n_applies_n_times() {
    let (stub, _) = stub();
    let reply = call(stub.addr(), &get(503));
    assert_eq!(reply.status, 503);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        reply.body,
        "<html><body><h1>503 Service Unavailable</h1></body></html>"
    );
    // `first: 2`: two 502s with no body and no type, then the normal answer.
    for _ in 0..2 {
        let reply = call(stub.addr(), &delete(42));
        assert_eq!((reply.status, reply.body.as_str()), (502, ""));
        assert_eq!(reply.header("content-type"), None);
        assert_eq!(reply.header("content-length"), Some("0"));
    }
    ok_body(
        &call(stub.addr(), &delete(42)),
        Operation::DeleteContactRelation,
    );
    hits_are(
        &stub,
        &[
            ("load-balancer-503", 1),
            ("first-two-deletes-of-42-unavailable", 2),
        ],
    );
}

#[test]
fn the_nth_call_only() {
    let (stub, _) = stub();
    let create = request(RequestBody::CreateDefaultContactRelationEntity);
    ok_body(
        &call(stub.addr(), &create),
        Operation::CreateDefaultContactRelationEntity,
    );
    hits_are(&stub, &[]);
    let env = service_error(
        &call(stub.addr(), &create),
        Operation::CreateDefaultContactRelationEntity,
    );
    assert_eq!(texts(&env).0, "Scripted: the second CreateDefault fails");
    for _ in 0..3 {
        ok_body(
            &call(stub.addr(), &create),
            Operation::CreateDefaultContactRelationEntity,
        );
    }
    hits_are(&stub, &[("second-create-fails", 1)]);
}

#[test]
fn a_delay_holds_the_answer_then_answers_normally_or_as_told() {
    let (stub, _) = stub();
    let started = Instant::now();
    let body = ok_body(
        &call(stub.addr(), &get(700)),
        Operation::GetContactRelationEntity,
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert!(entity_of(body).is_nil(), "the normal answer: no such id");
    let started = Instant::now();
    let reply = call(stub.addr(), &get(701));
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    let (ns, local, reason) = scripted_fault(&reply);
    assert_eq!(
        (ns.as_deref(), local.as_str(), reason.as_str()),
        (Some(NS_SOAP11), "Server", "Scripted: timed out upstream")
    );
    hits_are(&stub, &[("slow-get", 1), ("slow-then-fault", 1)]);
}

#[test]
fn a_drop_closes_the_connection_without_a_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let stub = StubServer::start_with(ServeOptions {
        scenarios: scenarios(),
        record: Some(rec.clone()),
        ..ServeOptions::default()
    })
    .unwrap();
    let mut body = Vec::new();
    codec::encode_request(&delete(999), &mut body).unwrap();
    let mut s = TcpStream::connect(stub.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: stub\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: {}\r\nContent-Length: {}\r\n\r\n",
        relation_contract::serve::SERVICE_PATH,
        action(Operation::DeleteContactRelation),
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body).unwrap();
    let mut got = Vec::new();
    match s.read_to_end(&mut got) {
        Ok(_) => assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got)),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    // The stub goes on serving; nothing was recorded of the unanswered request.
    ok_body(
        &call(stub.addr(), &delete(998)),
        Operation::DeleteContactRelation,
    );
    let recorded = std::fs::read_dir(&rec).map_or(0, |d| d.count());
    assert_eq!(recorded, 2, "only the answered exchange is recorded");
    assert_eq!(stub.scenario_hits()["delete-drops"], 1);
    assert_eq!(stub.stop().requests, 2);
}

#[test]
fn a_ticket_condition_matches_and_no_report_shows_the_ticket() {
    let (stub, seen) = stub();
    let mut expired = get(5);
    expired.headers.credentials = Nillable::Value(SoCredentials {
        ticket: EXPIRED.into(),
    });
    let reply = call(stub.addr(), &expired);
    assert!(!reply.body.contains(EXPIRED), "{}", reply.body);
    let env = service_error(&reply, Operation::GetContactRelationEntity);
    assert_eq!(texts(&env).1, "SoSecurityException");
    // The usual Ticket gets the usual answer.
    ok_body(
        &call(stub.addr(), &get(5)),
        Operation::GetContactRelationEntity,
    );
    hits_are(&stub, &[("expired-ticket", 1)]);
    let events = seen.lock().unwrap().clone();
    assert_eq!(
        events,
        vec![Event::Scenario {
            rule: "expired-ticket".into(),
            operation: Operation::GetContactRelationEntity
        }]
    );
    let opts = ServeOptions {
        scenarios: scenarios(),
        ..ServeOptions::default()
    };
    let shown = format!("{opts:?} {events:?} {:?}", stub.stop());
    assert!(!shown.contains(EXPIRED), "{shown}");
    assert!(shown.contains("expired-ticket"), "{shown}");
}

#[test]
fn a_request_that_breaks_the_contract_gets_the_contracts_answer_not_the_rules() {
    let (stub, _) = stub();
    let mut body = Vec::new();
    codec::encode_request(&save(entity("fail: Fault")), &mut body).unwrap();
    // Wrong Content-Type: WCF's 415.
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::SaveContactRelation)),
        "application/json",
        &body,
    );
    assert_eq!((reply.status, reply.body.as_str()), (415, ""));
    // A member out of order: the formatter's fault, not the scripted one.
    let text = String::from_utf8(body)
        .unwrap()
        .replacen("<Comment>fail: Fault</Comment>", "", 1);
    let text = text.replacen(
        "</ContactRelationEntity>",
        "<Comment>fail: Fault</Comment></ContactRelationEntity>",
        1,
    );
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::SaveContactRelation)),
        "text/xml; charset=utf-8",
        text.as_bytes(),
    );
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert!(
        reply.body.contains("DeserializationFailed"),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("database is down"), "{}", reply.body);
    assert_eq!(stub.rejections().len(), 2);
    hits_are(&stub, &[]);
}

/// The error `text` gets, with the fragment its message must hold.
fn refused(text: &str) -> ScenarioError {
    match Scenarios::parse("bad.json", text) {
        Ok(s) => panic!("accepted: {s:?}\n{text}"),
        Err(e) => e,
    }
}

const RULE_HEAD: &str = r#"{"rules": [{"name": "r", "#;

#[test]
fn a_bad_scenario_file_is_refused_with_where_and_what() {
    let cases: [(&str, &str, Option<usize>); 13] = [
        (
            r#"{"rules": [ {"name": "r",, } ]}"#,
            "key must be a string",
            Some(1),
        ),
        (
            "{\"rules\": [\n  {\"name\": \"r\", \"answer\": \"explode\"}\n]}",
            "unknown variant `explode`",
            Some(2),
        ),
        (
            r#"{"rules": [], "extra": 1}"#,
            "unknown field `extra`",
            Some(1),
        ),
        (
            r#"{"rules": [{"answer": "drop"}]}"#,
            "missing field `name`",
            Some(1),
        ),
        (
            &format!(r#"{RULE_HEAD}"answer": {{"delay": {{"ms": 60001}}}}}}]}}"#),
            "over the maximum, 60000 ms",
            Some(1),
        ),
        (
            &format!(
                r#"{RULE_HEAD}"answer": {{"delay": {{"ms": 1, "then": {{"delay": {{"ms": 1}}}}}}}}}}]}}"#
            ),
            "not another delay",
            Some(1),
        ),
        (
            &format!(r#"{RULE_HEAD}"operation": "Save", "answer": "drop"}}]}}"#),
            "unknown operation `Save`",
            Some(1),
        ),
        (
            &format!(
                r#"{RULE_HEAD}"when": [{{"path": "/Body/X", "equals": "1"}}], "answer": "drop"}}]}}"#
            ),
            "not an element path",
            Some(1),
        ),
        (
            &format!(
                r#"{RULE_HEAD}"when": [{{"path": "/Envelope/Body", "equals": "1", "present": true}}], "answer": "drop"}}]}}"#
            ),
            "exactly one of `equals`",
            Some(1),
        ),
        (
            &format!(
                r#"{RULE_HEAD}"answer": {{"fault": {{"faultcode": "a:X", "faultstring": "x"}}}}}}]}}"#
            ),
            "needs a `namespace`",
            Some(1),
        ),
        (
            &format!(r#"{RULE_HEAD}"answer": {{"http": {{"status": 99}}}}}}]}}"#),
            "not from 200 to 599",
            Some(1),
        ),
        (
            &format!(r#"{RULE_HEAD}"calls": {{"nth": 0}}, "answer": "drop"}}]}}"#),
            "nonzero",
            Some(1),
        ),
        (
            r#"{"rules": [{"name": "r", "answer": "drop"}, {"name": "r", "answer": "drop"}]}"#,
            "two rules are named `r`",
            None,
        ),
    ];
    for (text, what, line) in cases {
        let e = refused(text);
        assert_eq!(e.origin, "bad.json");
        assert!(e.message.contains(what), "{e}\n{text}");
        assert_eq!(e.line, line, "{e}");
        assert_eq!(e.column.is_some(), line.is_some(), "{e}");
        let shown = e.to_string();
        let want = match (e.line, e.column) {
            (Some(l), Some(c)) => format!("bad.json:{l}:{c}: "),
            _ => "bad.json: ".to_string(),
        };
        assert!(shown.starts_with(&want), "{shown}");
    }
    // Names stay unique across files.
    let mut all = scenarios();
    let again = all.extend(scenarios()).unwrap_err();
    assert!(again.message.contains("two rules are named"), "{again}");
    let missing = Scenarios::from_file("no/such/scenarios.json").unwrap_err();
    assert!(
        missing
            .to_string()
            .starts_with("no/such/scenarios.json: cannot read it"),
        "{missing}"
    );
    // `[1]` is how the tool never spells a path: the same element as without it.
    let s = Scenarios::parse(
        "ok",
        r#"{"rules": [{"name": "x", "when": [{"path": "/Envelope[1]/Body/GetContactRelationEntity/ContactRelationEntityId", "equals": "5"}], "answer": "drop"}]}"#,
    )
    .unwrap();
    assert_eq!(s.names().collect::<Vec<_>>(), ["x"]);
}

/// The command: a bad file keeps it from starting (exit 2, the file named); a good one is
/// played, each hit told, the hits printed at the stop.
#[cfg(unix)]
#[test]
fn the_command_takes_scenario_files_and_prints_the_hits() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_relation-contract");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"rules\": [\n {\"name\": 5}]}").unwrap();
    let out = Command::new(bin)
        .args(["serve", "--scenario"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2:", bad.display())),
        "{stderr}"
    );
    assert!(stderr.contains("invalid type"), "{stderr}");

    let mut child = Command::new(bin)
        .args(["serve", "--scenario"])
        .arg(fixture_path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_string();
    let addr = url
        .strip_prefix("http://")
        .and_then(|r| r.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    scripted_fault(&call(addr, &save(entity("fail: Fault"))));
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scenario `save-faults` answered SaveContactRelation"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scenario hits: ") && stderr.contains("save-faults 1"),
        "{stderr}"
    );
    assert!(stderr.contains("save-fails 0"), "{stderr}");
}

/// Every cut of the fixture, and of a rule, is refused without a panic; the whole file
/// loads.
#[test]
fn a_cut_scenario_file_is_an_error_never_a_panic() {
    let text = std::fs::read_to_string(fixture_path()).unwrap();
    let text = text.trim_end();
    let mut cut = 0;
    for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        let e = refused(&text[..end]);
        assert!(!e.message.is_empty(), "{e}");
        cut += 1;
    }
    assert!(cut > 1000, "{cut}");
    assert_eq!(scenarios().len(), 10);
}
