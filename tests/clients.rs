//! Real SOAP clients against the stub: Python's zeep and PHP's SoapClient (installed by
//! `scripts/setup.sh`) each build their proxy from the stub's `?wsdl` URL (and again from
//! `?singleWsdl`) and run
//! CreateDefault, Save (non-ASCII Comment), Get, Save (changed), Delete and Get, with the
//! Credentials header carrying a Ticket. The client scripts (`tests/clients/`) print what
//! the client saw as JSON; this file asserts it, and holds the stub's recordings of that
//! traffic to the wire profile. With `fixtures/scenarios/unhappy-paths.json` given to the
//! stub, each client also meets a scripted ExceptionInfo error and a scripted Fault.

mod common;

use common::stub::recorded;
use relation_contract::capture::{self, Document};
use relation_contract::contract::table;
use relation_contract::contract::NS_SERVICES85;
use relation_contract::model::{Message, ResponseBody};
use relation_contract::serve::{Scenarios, ServeOptions, StubServer};
use relation_contract::{codec, pipeline, Kind, Operation, Profile};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NS_SERIALIZATION: &str = "http://schemas.microsoft.com/2003/10/Serialization/";
const TICKET: &str = "7T:Y2xpZW50LXRlc3RzLXNlY3JldC10aWNrZXQ=";
const COMMENT: &str = "Blåbærsyltetøy «ok» 😀";
const CHANGED: &str = "Endret: æøå ÆØÅ — 𝄞 ✓";
/// How node-soap names itself in its requests.
const NODE_USER_AGENT: &str = "User-Agent: node-soap/";
/// How long one client may take for its six calls.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// The six calls each client makes, in order.
const SEQUENCE: [Operation; 6] = [
    Operation::CreateDefaultContactRelationEntity,
    Operation::SaveContactRelation,
    Operation::GetContactRelationEntity,
    Operation::SaveContactRelation,
    Operation::DeleteContactRelation,
    Operation::GetContactRelationEntity,
];

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
}

/// Runs a client to its end (killed after [`CLIENT_TIMEOUT`]); its stdout as JSON.
fn run_client(program: &str, script: &Path, wsdl: &str, mode: &[&str]) -> Value {
    let mut child = Command::new(program)
        .arg(script)
        .args([wsdl, TICKET, COMMENT, CHANGED])
        .args(mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} runs (`bash scripts/setup.sh` installs it): {e}"));
    let started = Instant::now();
    while child
        .try_wait()
        .expect("the client can be waited for")
        .is_none()
    {
        if started.elapsed() > CLIENT_TIMEOUT {
            let _ = child.kill();
            panic!(
                "{program} {}: no end after {CLIENT_TIMEOUT:?}",
                script.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("the client's output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{program} {} failed ({}): `bash scripts/setup.sh` installs the clients\n{stderr}{stdout}",
        script.display(),
        out.status
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{program}: not one JSON object ({e}):\n{stdout}\n{stderr}"))
}

/// A client under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Client {
    /// Python zeep (`tests/clients/zeep_client.py`).
    Zeep,
    /// PHP's SoapClient (`tests/clients/php_client.php`).
    Php,
    /// node-soap (`tests/clients/node/node_client.js`; `npm ci` there, by scripts/setup.sh).
    Node,
}

impl Client {
    fn program(self) -> &'static str {
        match self {
            Client::Zeep => "python3",
            Client::Php => "php",
            Client::Node => "node",
        }
    }

    fn script(self) -> PathBuf {
        script(match self {
            Client::Zeep => "zeep_client.py",
            Client::Php => "php_client.php",
            Client::Node => "node/node_client.js",
        })
    }

    /// How the client names itself in its requests.
    fn user_agent(self) -> &'static str {
        match self {
            Client::Zeep => "User-Agent: Zeep/",
            Client::Php => "User-Agent: PHP-SOAP/",
            Client::Node => NODE_USER_AGENT,
        }
    }
}

/// The operations' names, sorted (as the scripts list their proxies' operations).
fn operation_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
    names.sort();
    names
}

/// What the proxy was built of: its operations, and where its types came from (zeep) or
/// the structs it made of them (PHP).
fn proxy_holds(client: Client, seen: &Value, url: &str, query: &str) {
    let proxy = &seen["proxy"];
    let ops: Vec<&str> = proxy["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|o| o.as_str().unwrap_or(""))
        .collect();
    assert_eq!(ops, operation_names(), "{seen}");
    match client {
        Client::Zeep => {
            // Each schema from the URL the WSDL names it by: the rewritten ones.
            let (xsd0, xsd1) = match query {
                "wsdl" => (format!("{url}?xsd=xsd0"), format!("{url}?xsd=xsd1")),
                _ => (format!("{url}?{query}"), format!("{url}?{query}")),
            };
            assert_eq!(proxy["schemas"][NS_SERVICES85], xsd0.as_str(), "{seen}");
            assert_eq!(proxy["schemas"][NS_SERIALIZATION], xsd1.as_str(), "{seen}");
            assert_eq!(proxy["address"], url, "the soap:address rewritten");
        }
        Client::Php => {
            let mut structs: Vec<&str> = proxy["structs"]
                .as_array()
                .expect("structs")
                .iter()
                .map(|o| o.as_str().unwrap_or(""))
                .collect();
            structs.sort();
            let mut want: Vec<&str> = table::COMPLEX_TYPES.iter().map(|t| t.name).collect();
            want.sort();
            assert_eq!(
                structs, want,
                "a struct for every complex type of the contract"
            );
        }
        // node-soap: its proxy's operations (above) are what it shows of the WSDL.
        Client::Node => {}
    }
}

/// One client's run against a fresh stub that records, its proxy built from the stub's URL
/// with `query` (`wsdl`, `singleWsdl`); asserts what the client saw, then the recordings.
/// Returns the client's JSON (for the version).
fn drive(client: Client, query: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("recorded");
    let stub = StubServer::start_with(ServeOptions {
        record: Some(rec.clone()),
        ..ServeOptions::default()
    })
    .unwrap();
    let url = stub.url().to_string();
    let seen = run_client(
        client.program(),
        &client.script(),
        &format!("{url}?{query}"),
        &[],
    );
    stub.assert_clean();
    assert_eq!(stub.requests(), 6, "{seen}");
    let stats = stub.stop();
    assert_eq!(stats.stored, 0, "the one relation saved was deleted");

    assert!(seen["error"].is_null(), "the proxy was built: {seen}");
    let steps = seen["steps"].as_array().expect("steps");
    let calls: Vec<&str> = steps
        .iter()
        .map(|s| s["call"].as_str().unwrap_or(""))
        .collect();
    let want: Vec<&str> = SEQUENCE.iter().map(|o| o.name()).collect();
    assert_eq!(calls, want, "{seen}");
    for s in steps {
        assert_eq!(s["ok"], true, "{s}");
        assert_eq!(s["succeeded"], true, "the Succeeded header: {s}");
    }
    let [default, saved, got, again, deleted, gone] = &steps[..] else {
        unreachable!("six steps")
    };
    assert_eq!(default["relation_id"], 0, "{default}");
    let id = saved["relation_id"].as_i64().expect("an id");
    assert!(id > 0, "{saved}");
    assert_eq!(saved["comment"], COMMENT, "the text came back intact");
    assert_eq!(saved["created_by"], "STUB", "{saved}");
    assert_eq!(got["relation_id"], id);
    assert_eq!(got["comment"], COMMENT, "{got}");
    assert_eq!(again["relation_id"], id, "saved under the same id");
    assert_eq!(again["comment"], CHANGED, "{again}");
    assert_eq!(deleted["nil"], true, "Delete answers no entity: {deleted}");
    match client {
        // PHP and node-soap: the Response is null.
        Client::Php | Client::Node => assert_eq!(gone["nil"], true, "{gone}"),
        // zeep 4.3 parses `<Response i:nil="true"/>` of a complex type (an attribute present,
        // so not "empty") as an object whose every member is None.
        Client::Zeep => {
            assert_eq!(gone["nil"], false, "{gone}");
            assert!(
                gone["relation_id"].is_null() && gone["comment"].is_null(),
                "{gone}"
            );
        }
    }

    proxy_holds(client, &seen, &url, query);
    recordings_hold(&rec, client.user_agent());
    seen
}

/// The recordings: one request and one response per call, each valid under the wire
/// profile; the requests sent by the client named, with the Credentials header and its
/// (redacted) Ticket; the text on the wire intact; the final Get answered with a nil
/// Response.
fn recordings_hold(rec: &Path, user_agent: &str) {
    let files = recorded(rec);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let want: Vec<String> = SEQUENCE
        .iter()
        .enumerate()
        .flat_map(|(i, op)| {
            ["request", "response"].map(|k| format!("{:06}-{}.{k}.http", i + 1, op.name()))
        })
        .collect();
    assert_eq!(names, want);
    let mut decoded = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let raw = std::fs::read_to_string(f).unwrap();
        assert!(
            !raw.contains(TICKET),
            "{}: the Ticket is masked",
            f.display()
        );
        let capture = capture::open(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let [doc]: [Document; 1] = capture.documents.try_into().expect("one document");
        let verdict = pipeline::check(&doc, Profile::Wire);
        assert!(
            verdict.is_valid(),
            "{}: {:?}\n{raw}",
            f.display(),
            verdict.violations
        );
        let op = SEQUENCE[i / 2];
        let kind = if i % 2 == 0 {
            Kind::Request
        } else {
            Kind::Response
        };
        assert_eq!((verdict.operation, verdict.kind), (Some(op), Some(kind)));
        if kind == Kind::Request {
            assert!(raw.contains(user_agent), "{raw}");
        }
        let text = doc.text.as_ref().expect("text");
        decoded.push(codec::decode(text).unwrap_or_else(|e| panic!("{}: {e:?}", f.display())));
    }
    for (i, m) in decoded.iter().enumerate().step_by(2) {
        let Message::Request(env) = m else {
            panic!("{i}: a request")
        };
        let ticket = env
            .headers
            .credentials
            .value()
            .and_then(|c| c.ticket.value());
        assert_eq!(
            ticket.map(String::as_str),
            Some("[REDACTED]"),
            "a Ticket in Credentials"
        );
    }
    // The Comment crossed the wire as it was typed, both ways.
    for (i, want) in [(2, COMMENT), (3, COMMENT), (6, CHANGED), (7, CHANGED)] {
        let raw = std::fs::read_to_string(&files[i]).unwrap();
        assert!(raw.contains(want), "{}: {want}", files[i].display());
    }
    match &decoded[11] {
        Message::Response(env) => match &env.body {
            ResponseBody::GetContactRelationEntity { response } => {
                assert!(
                    response.is_nil(),
                    "the stub answers Get of a deleted id with a nil Response"
                )
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn zeep_builds_its_proxy_from_the_wsdl_and_runs_the_sequence() {
    let seen = drive(Client::Zeep, "wsdl");
    // The version scripts/setup.sh pins.
    let pinned = include_str!("../scripts/python-requirements.txt")
        .lines()
        .find_map(|l| l.trim().strip_prefix("zeep=="))
        .expect("zeep is pinned");
    assert_eq!(seen["version"], pinned, "{seen}");
}

#[test]
fn php_soapclient_builds_its_proxy_from_the_wsdl_and_runs_the_sequence() {
    let seen = drive(Client::Php, "wsdl");
    let version = seen["version"].as_str().unwrap_or("");
    assert!(version.starts_with("8."), "{seen}");
    assert_eq!(seen["soap"], version, "the soap extension is PHP's own");
}

#[test]
fn node_soap_builds_its_proxy_from_the_wsdl_and_runs_the_sequence() {
    let seen = drive(Client::Node, "wsdl");
    // The version tests/clients/node/package.json pins (npm ci installs it).
    let pinned = include_str!("clients/node/package.json")
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"soap\": \""))
        .and_then(|v| v.trim_end_matches(',').strip_suffix('"'))
        .expect("soap is pinned");
    assert_eq!(seen["version"], pinned, "{seen}");
}

#[test]
fn every_client_builds_its_proxy_from_the_single_wsdl_too() {
    drive(Client::Zeep, "singleWsdl");
    drive(Client::Php, "singleWsdl");
    drive(Client::Node, "singleWsdl");
}

/// One client against a stub playing `fixtures/scenarios/unhappy-paths.json`: CreateDefault,
/// then a Save the scenario answers with an ExceptionInfo error and one it answers with a
/// Fault. Asserts what the client saw, the hits, and the recordings (valid on the wire).
fn drive_unhappy(client: Client) {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("recorded");
    let scenarios =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/unhappy-paths.json");
    let stub = StubServer::start_with(ServeOptions {
        record: Some(rec.clone()),
        scenarios: Scenarios::from_file(scenarios).unwrap(),
        ..ServeOptions::default()
    })
    .unwrap();
    let url = format!("{}?wsdl", stub.url());
    let seen = run_client(client.program(), &client.script(), &url, &["unhappy"]);
    stub.assert_clean();
    let hits = stub.stop().scenario_hits;
    assert_eq!(
        (hits["save-fails"], hits["save-faults"]),
        (1, 1),
        "{hits:?}"
    );
    assert_eq!(hits.values().sum::<u64>(), 2, "{hits:?}");

    let steps = seen["steps"].as_array().expect("steps");
    let [created, failed, faulted] = &steps[..] else {
        panic!("three steps: {seen}")
    };
    assert_eq!(created["ok"], true, "{created}");
    assert_eq!(created["succeeded"], true, "{created}");
    // The ExceptionInfo header, as the client read it: no exception raised, Succeeded false.
    assert_eq!(failed["ok"], true, "{failed}");
    assert_eq!(failed["succeeded"], false, "{failed}");
    assert_eq!(
        failed["exception"]["message"],
        "Cannot save the relation: the destination contact is deleted",
        "{failed}"
    );
    assert_eq!(
        failed["exception"]["exception_type"], "SoDataException",
        "{failed}"
    );
    assert_eq!(
        failed["exception"]["friendly_text"], "The relation could not be saved.",
        "{failed}"
    );
    // The Fault, raised as the client's exception (zeep.exceptions.Fault, SoapFault).
    assert_eq!(faulted["ok"], false, "{faulted}");
    assert_eq!(
        faulted["fault"]["message"], "Scripted: the database is down",
        "{faulted}"
    );
    let code = faulted["fault"]["code"].as_str().unwrap_or("");
    assert!(code.ends_with("Server"), "the faultcode: {faulted}");

    let files = recorded(&rec);
    assert_eq!(files.len(), 6, "{files:?}");
    for f in &files {
        let capture = capture::open(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let [doc]: [Document; 1] = capture.documents.try_into().expect("one document");
        let verdict = pipeline::check(&doc, Profile::Wire);
        assert!(
            verdict.is_valid(),
            "{}: {:?}",
            f.display(),
            verdict.violations
        );
    }
}

#[test]
fn zeep_sees_a_scripted_exception_info_and_a_scripted_fault() {
    drive_unhappy(Client::Zeep);
}

#[test]
fn node_soap_sees_a_scripted_exception_info_and_a_scripted_fault() {
    drive_unhappy(Client::Node);
}

#[test]
fn php_soapclient_sees_a_scripted_exception_info_and_a_scripted_fault() {
    drive_unhappy(Client::Php);
}

/// The committed recordings of `fixtures/captures/clients/` still have the shape the clients
/// send: each client (strong-soap too) against a stub playing the folder's
/// `full-default.scenario.json`, its Save and Get requests diffed in shape mode against the
/// committed fixture, header blocks included (zeep's WS-Addressing blocks pair with the
/// fixture's). A client upgrade that changes what goes on the wire fails here until
/// `fixtures/captures/clients/record.sh` records it again.
#[test]
fn the_committed_client_fixtures_have_the_shape_the_clients_send() {
    use relation_contract::diff::{DiffReport, Options};
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captures/clients");
    let clients = [
        ("zeep", Client::Zeep.program(), Client::Zeep.script()),
        ("php", Client::Php.program(), Client::Php.script()),
        ("node-soap", Client::Node.program(), Client::Node.script()),
        ("strong-soap", "node", script("node/strong_soap_client.js")),
    ];
    for (name, program, client_script) in clients {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("recorded");
        let stub = StubServer::start_with(ServeOptions {
            record: Some(rec.clone()),
            scenarios: Scenarios::from_file(folder.join("full-default.scenario.json")).unwrap(),
            ..ServeOptions::default()
        })
        .unwrap();
        let url = format!("{}?wsdl", stub.url());
        let seen = run_client(program, &client_script, &url, &[]);
        stub.assert_clean();
        stub.stop();
        let files = recorded(&rec);
        for (i, op) in [(2, "SaveContactRelation"), (4, "GetContactRelationEntity")] {
            let capture = capture::open(&files[i]).unwrap_or_else(|e| panic!("{name}: {e}"));
            let [doc]: [Document; 1] = capture.documents.try_into().expect("one document");
            let committed = folder.join(format!("{op}.request.{name}.xml"));
            let want = Document::read(&committed).unwrap_or_else(|e| panic!("{e}"));
            let report = DiffReport::new(&doc, &want, &Options::shape()).unwrap();
            assert!(
                report.equal && report.extra_headers.is_empty(),
                "{name} {op} no longer sends what {} holds: {seen}\n{}",
                committed.display(),
                report.human(false)
            );
        }
    }
}

/// Issue 19: zeep builds its proxy from the stub's Services88 `?wsdl`, saves a relation
/// whose CreatedBy carries a UserName (a member Services85 lacks) and reads it back.
#[test]
fn zeep_saves_and_reads_back_a_user_name_through_services88() {
    use relation_contract::contract::Contract;
    let stub = StubServer::start().unwrap();
    let url = stub.url_as(Contract::Services88).expect("88 is served");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/zeep_v88.py");
    let seen = run_client("python3", &script, &format!("{url}?wsdl"), &[]);
    stub.assert_clean();
    assert_eq!(
        seen["namespace"],
        Contract::Services88.namespace(),
        "{seen}"
    );
    assert!(
        seen["relation_id"].as_i64().is_some_and(|id| id > 0),
        "{seen}"
    );
    assert_eq!(seen["saved_user_name"], "ada", "{seen}");
    assert_eq!(seen["got_user_name"], "ada", "{seen}");
    assert_eq!(seen["got_associate_id"], 7, "{seen}");
    assert_eq!(seen["got_comment"], COMMENT, "{seen}");
}
