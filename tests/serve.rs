//! The contract stub, driven over real loopback HTTP by a minimal blocking client.

mod common;

use common::stub::*;
use relation_contract::codec;
use relation_contract::model::{Message, Nillable, RequestBody, ResponseBody, SoCredentials};
use relation_contract::serve::{ServeOptions, StubServer, SERVICE_PATH};
use relation_contract::{schema, Document, Operation, Profile};
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

// ---------------------------------------------------------------- tests

#[test]
fn save_get_delete_get() {
    let stub = StubServer::start().unwrap();
    let addr = stub.addr();

    let saved = entity_of(ok_body(
        &call(addr, &save(entity("first"))),
        Operation::SaveContactRelation,
    ));
    let saved = saved.value().expect("the saved entity").clone();
    let id = id_of(&saved);
    assert!(id > 0, "a RelationId is assigned for 0");
    assert_eq!(saved.comment, "first".into());
    let created = saved.created_date.clone().expect("CreatedDate set");
    assert_eq!(created.zone, relation_contract::model::Zone::Utc);
    assert_eq!(saved.updated_date.as_ref(), Some(&created));
    let by = saved.created_by.value().expect("CreatedBy set");
    assert!(by.associate_id.is_some());
    assert!(saved.updated_by.value().is_some());

    let got = entity_of(ok_body(
        &call(addr, &get(id)),
        Operation::GetContactRelationEntity,
    ));
    assert_eq!(got.value(), Some(&saved), "Get returns what Save returned");

    // Saving again under the id updates it: CreatedDate stays, UpdatedDate moves on.
    std::thread::sleep(Duration::from_millis(2));
    let mut changed = saved.clone();
    changed.comment = "second".into();
    let again = entity_of(ok_body(
        &call(addr, &save(changed)),
        Operation::SaveContactRelation,
    ));
    let again = again.value().unwrap();
    assert_eq!(id_of(again), id);
    assert_eq!(again.created_date.as_ref(), Some(&created));
    assert!(again.updated_date.as_ref().unwrap().instant() > created.instant());

    // A second new entity gets another id.
    let other = entity_of(ok_body(
        &call(addr, &save(entity("other"))),
        Operation::SaveContactRelation,
    ));
    assert_ne!(id_of(other.value().unwrap()), id);

    let deleted = ok_body(&call(addr, &delete(id)), Operation::DeleteContactRelation);
    assert_eq!(deleted, ResponseBody::DeleteContactRelation);
    let gone = entity_of(ok_body(
        &call(addr, &get(id)),
        Operation::GetContactRelationEntity,
    ));
    assert!(gone.is_nil(), "Get of a deleted relation is a nil Response");

    let default = entity_of(ok_body(
        &call(
            addr,
            &request(RequestBody::CreateDefaultContactRelationEntity),
        ),
        Operation::CreateDefaultContactRelationEntity,
    ));
    assert_eq!(default.value().and_then(|e| e.relation_id), Some(0));

    stub.assert_clean();
    assert_eq!(stub.requests(), 7);
}

#[test]
fn each_kind_of_contract_break_gets_a_fault_naming_the_element() {
    // The uniform Client fault of `--faults contract` (tests/serve_faults.rs: as WCF).
    let stub = contract_stub();
    let addr = stub.addr();
    let save_action = action(Operation::SaveContactRelation);
    // (fixture, content type, code, element)
    let cases = [
        (
            "invalid/SaveContactRelation.request.order-swap.xml",
            "text/xml; charset=utf-8",
            "xsd.order",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/DestinationContactId",
        ),
        (
            "invalid/SaveContactRelation.request.reversed-out-of-range.xml",
            "text/xml; charset=utf-8",
            "xsd.value",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed",
        ),
        (
            "invalid/SaveContactRelation.request.soap12-on-wire.xml",
            "application/soap+xml; charset=utf-8",
            "soap.version",
            "/Envelope",
        ),
        (
            "invalid/SaveContactRelation.request.malformed.xml",
            "text/xml; charset=utf-8",
            "xml.malformed",
            "",
        ),
    ];
    for (file, content_type, code, element) in cases {
        let reply = soap(addr, Some(&save_action), content_type, &fixture(file));
        let (reason, detail) = fault(&reply);
        // The faultstring quotes the first finding (in the pipeline's order: HTTP headers
        // first); the detail lists every one.
        let first = detail
            .split("<Code>")
            .nth(1)
            .and_then(|c| c.split("</Code>").next())
            .unwrap_or_default();
        assert!(
            reason.contains(&format!(": {first}")),
            "{file}: faultstring {reason}"
        );
        assert!(
            detail.contains(&format!("<Code>{code}</Code>")),
            "{file}: detail {detail}"
        );
        if !element.is_empty() {
            assert!(
                detail.contains(&format!("<Element>{element}</Element>")),
                "{file}: detail {detail}"
            );
        }
    }
    // SOAP 1.2 on the wire is also the wrong Content-Type.
    let v = stub.violations();
    assert!(
        v.iter().any(|v| v.code.as_str() == "http.content-type"),
        "{v:?}"
    );

    // No Ticket: the Credentials block left out, or a nil Ticket.
    let mut no_credentials = save(entity("x"));
    no_credentials.headers.credentials = Nillable::Absent;
    let (reason, detail) = fault(&call(addr, &no_credentials));
    assert!(
        reason.contains("soap.credentials at /Envelope/Header/Credentials"),
        "{reason}"
    );
    assert!(detail.contains("<Element>/Envelope/Header/Credentials</Element>"));
    let mut nil_ticket = save(entity("x"));
    nil_ticket.headers.credentials = Nillable::Value(SoCredentials {
        ticket: Nillable::Nil,
    });
    let (reason, _) = fault(&call(addr, &nil_ticket));
    assert!(
        reason.contains("/Envelope/Header/Credentials/Ticket"),
        "{reason}"
    );

    // A response sent as if it were a request.
    let resp = fixture("wire/SaveContactRelation.response.wcf.xml");
    let (reason, _) = fault(&soap(addr, Some(&save_action), "text/xml", &resp));
    assert!(reason.contains("soap.body-content"), "{reason}");

    // Nothing was saved by any of these.
    let none = entity_of(ok_body(
        &call(addr, &get(1)),
        Operation::GetContactRelationEntity,
    ));
    assert!(none.is_nil());
    assert_eq!(stub.rejections().len(), 7);
    assert!(stub
        .violations()
        .iter()
        .all(|v| !v.message.contains(TICKET)));
}

#[test]
fn soap_action_must_be_there_and_name_the_body_operation() {
    // The uniform Client fault of `--faults contract` (tests/serve_faults.rs: as WCF).
    let stub = contract_stub();
    let addr = stub.addr();
    let mut body = Vec::new();
    codec::encode_request(&save(entity("a")), &mut body).unwrap();
    let save_action = Operation::SaveContactRelation.soap_action();

    // Quoted, as WCF sends it and SOAP 1.1 / WS-I BP R1109 want it: the action.
    let quoted = format!("\"{save_action}\"");
    let r = soap(addr, Some(&quoted), "text/xml; charset=utf-8", &body);
    assert_eq!(r.status, 200, "{quoted}: {}", r.body);
    // Unquoted: the same rule `validate` applies to captured traffic (one contract).
    let (reason, _) = fault(&soap(
        addr,
        Some(&save_action),
        "text/xml; charset=utf-8",
        &body,
    ));
    assert!(
        reason.contains("http.soap-action") && reason.contains("not a quoted string"),
        "{reason}"
    );
    let wrong = action(Operation::GetContactRelationEntity);
    let (reason, detail) = fault(&soap(addr, Some(&wrong), "text/xml; charset=utf-8", &body));
    assert!(reason.contains("http.soap-action"), "{reason}");
    assert!(reason.contains("GetContactRelationEntity"), "{reason}");
    assert!(detail.contains("<Element>/Envelope/Body/SaveContactRelation</Element>"));

    let (reason, _) = fault(&soap(addr, None, "text/xml; charset=utf-8", &body));
    assert!(reason.contains("no SOAPAction"), "{reason}");

    let (reason, _) = fault(&soap(addr, Some("\"urn:nothing\""), "text/xml", &body));
    assert!(reason.contains("http.soap-action"), "{reason}");

    let (reason, _) = fault(&soap(addr, Some(&quoted), "application/xml", &body));
    assert!(reason.contains("http.content-type"), "{reason}");

    let (reason, _) = fault(&soap(
        addr,
        Some(&quoted),
        "text/xml; charset=utf-16",
        &body,
    ));
    assert!(reason.contains("http.charset"), "{reason}");
    assert_eq!(stub.rejections().len(), 6);
}

#[test]
fn other_paths_and_methods_are_not_the_service() {
    let stub = StubServer::start().unwrap();
    let r = send(stub.addr(), "GET", SERVICE_PATH, &[], b"");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    // Every version's endpoint is served (issue 19); a version NetServer has not is not.
    let r = send(
        stub.addr(),
        "POST",
        "/Remote/Services89/Relation.svc",
        &[],
        b"<x/>",
    );
    assert_eq!(r.status, 404);
    // A virtual-directory prefix is fine, as on an on-site installation.
    let mut body = Vec::new();
    codec::encode_request(&get(5), &mut body).unwrap();
    let a = action(Operation::GetContactRelationEntity);
    let r = send(
        stub.addr(),
        "POST",
        &format!("/SuperOffice{SERVICE_PATH}"),
        &[("Content-Type", "text/xml"), ("SOAPAction", &a)],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn recorded_exchanges_are_redacted_http_dumps_that_validate() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("captures");
    let stub = StubServer::start_with(ServeOptions {
        record: Some(rec.clone()),
        ..ServeOptions::default()
    })
    .unwrap();
    let addr = stub.addr();
    let mut body = Vec::new();
    codec::encode_request(&save(entity("recorded")), &mut body).unwrap();
    let a = action(Operation::SaveContactRelation);
    let headers = [
        ("Content-Type", "text/xml; charset=utf-8"),
        ("SOAPAction", a.as_str()),
        ("Authorization", "Bearer auth-header-secret"),
        ("Cookie", "ASP.NET_SessionId=cookie-secret"),
        ("SO-AppToken", "so-apptoken-secret"),
    ];
    assert_eq!(
        send(addr, "POST", SERVICE_PATH, &headers, &body).status,
        200
    );
    let bad = fixture("invalid/SaveContactRelation.request.order-swap.xml");
    assert_eq!(send(addr, "POST", SERVICE_PATH, &headers, &bad).status, 500);
    drop(stub);

    let files = recorded(&rec);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "000001-SaveContactRelation.request.http",
            "000001-SaveContactRelation.response.http",
            "000002-SaveContactRelation.request.http",
            "000002-SaveContactRelation.response.http",
        ]
    );
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        for secret in [
            TICKET,
            APP_TOKEN,
            "auth-header-secret",
            "cookie-secret",
            "so-apptoken-secret",
            "dGVzdC10aWNrZXQtZm9yLWZpeHR1cmVzLW9ubHk=",
        ] {
            assert!(
                !text.contains(secret),
                "{}: holds a secret\n{text}",
                f.display()
            );
        }
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        let first = head.lines().next().unwrap();
        let is_request = i % 2 == 0;
        if is_request {
            assert_eq!(first, format!("POST {SERVICE_PATH} HTTP/1.1"));
            assert!(head.contains("SOAPAction: \"http://www.superoffice.net/"));
            assert!(head.contains("Authorization: [REDACTED]"), "{head}");
        } else {
            assert!(first.starts_with("HTTP/1.1 "), "{first}");
        }
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .expect("Content-Length")
            .parse()
            .unwrap();
        assert_eq!(len, body.len(), "{}", f.display());
    }
    // The recordings are captures `validate` reads as they are: HTTP checks and the wire
    // profile. Only the order-swapped request breaks the contract; the 500 is a fault.
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["validate", "--format", "json", "--profile", "wire"])
        .arg(&rec)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let docs: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v.get("summary").is_none())
        .collect();
    assert_eq!(docs.len(), 4, "{stdout}");
    let verdicts: Vec<(bool, &str)> = docs
        .iter()
        .map(|d| {
            (
                d["valid"].as_bool().unwrap(),
                d["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            (true, "request"),
            (true, "response"),
            (false, "request"),
            (true, "fault")
        ],
        "{stdout}"
    );
    assert_eq!(docs[2]["violations"][0]["code"], "xsd.order");
    assert!(std::fs::read_to_string(&files[1])
        .unwrap()
        .starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(std::fs::read_to_string(&files[3])
        .unwrap()
        .starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
}

// ---------------------------------------------------------------- the binary

struct Running {
    child: Child,
    addr: SocketAddr,
}

fn spawn_binary(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    let addr = url
        .strip_suffix(SERVICE_PATH)
        .expect("the service path")
        .parse()
        .unwrap();
    Running { child, addr }
}

fn terminate(mut r: Running) -> std::process::ExitStatus {
    let pid = r.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    r.child.wait().unwrap()
}

#[test]
fn state_survives_a_kill_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("stub-state.json");
    let state_arg = state.to_str().unwrap();

    let first = spawn_binary(&["--addr", "127.0.0.1:0", "--state", state_arg]);
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = call(first.addr, &save(entity(&format!("kept {i}"))));
        ids.push(id_of(
            entity_of(ok_body(&r, Operation::SaveContactRelation))
                .value()
                .unwrap(),
        ));
    }
    ok_body(
        &call(first.addr, &delete(ids[0])),
        Operation::DeleteContactRelation,
    );
    // No goodbye: an acknowledged save is on disk already.
    let mut child = first.child;
    child.kill().unwrap();
    child.wait().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "only the state file: {leftovers:?}");

    let second = spawn_binary(&["--state", state_arg]);
    let gone = entity_of(ok_body(
        &call(second.addr, &get(ids[0])),
        Operation::GetContactRelationEntity,
    ));
    assert!(gone.is_nil(), "the delete was kept too");
    for (i, id) in ids.iter().enumerate().skip(1) {
        let got = entity_of(ok_body(
            &call(second.addr, &get(*id)),
            Operation::GetContactRelationEntity,
        ));
        assert_eq!(
            got.value().map(|e| e.comment.clone()),
            Some(format!("kept {i}").into()),
            "relation {id} after the restart"
        );
    }
    // New ids go on after the old ones.
    let r = call(second.addr, &save(entity("after")));
    let new_id = id_of(
        entity_of(ok_body(&r, Operation::SaveContactRelation))
            .value()
            .unwrap(),
    );
    assert!(new_id > *ids.iter().max().unwrap());
    // SIGTERM is a clean stop.
    let status = terminate(second);
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_faults_and_ticket_flags_reach_the_stub() {
    let accepted = "7T:cli-accepted-ticket";
    let running = spawn_binary(&[
        "--faults", "contract", "--ticket", accepted, "--ticket", "7T:other",
    ]);
    let addr = running.addr;
    // The named Ticket is served.
    let mut env = save(entity("cli"));
    env.headers.credentials = Nillable::Value(SoCredentials {
        ticket: accepted.into(),
    });
    ok_body(&call(addr, &env), Operation::SaveContactRelation);
    // Any other gets NetServer's service error.
    let refused = call(addr, &save(entity("refused")));
    assert_eq!(refused.status, 200, "{}", refused.body);
    match codec::decode(&refused.body) {
        Ok(Message::Response(r)) => {
            assert_eq!(r.headers.succeeded, Some(false));
            assert!(r.headers.exception_info.value().is_some());
        }
        other => panic!("{other:?}"),
    }
    assert!(!refused.body.contains(accepted));
    // --faults contract: the uniform Client fault, even where WCF would answer 415.
    let mut body = Vec::new();
    codec::encode_request(&env, &mut body).unwrap();
    let a = action(Operation::SaveContactRelation);
    let (reason, _) = fault(&soap(addr, Some(&a), "application/xml", &body));
    assert!(reason.contains("http.content-type"), "{reason}");
    assert!(terminate(running).success());

    // The default is WCF's answer.
    let wcf = spawn_binary(&[]);
    let r = soap(wcf.addr, Some(&a), "application/xml", &body);
    assert_eq!((r.status, r.body.as_str()), (415, ""));
    assert!(terminate(wcf).success());

    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["serve", "--faults", "soap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_state_file_that_is_not_ours_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("broken.json");
    std::fs::write(&state, "{ not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["serve", "--state", state.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a state file"));
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{ not json");
}

// ---------------------------------------------------------------- the test-suite type

#[test]
fn stub_server_lists_violations_and_stops_when_dropped() {
    let stub = StubServer::start().unwrap();
    assert!(stub.url().starts_with("http://127.0.0.1:"));
    assert!(stub.url().ends_with(SERVICE_PATH));
    assert!(stub.violations().is_empty());
    let bad = fixture("invalid/SaveContactRelation.request.reversed-out-of-range.xml");
    soap(
        stub.addr(),
        Some(&action(Operation::SaveContactRelation)),
        "text/xml",
        &bad,
    );
    let v = stub.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].code.as_str(), "xsd.value");
    assert_eq!(
        v[0].element,
        "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed"
    );
    assert_eq!(
        stub.rejections()[0].operation,
        Some(Operation::SaveContactRelation)
    );
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stub.assert_clean()));
    assert!(panicked.is_err());

    let addr = stub.addr();
    drop(stub);
    assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}

#[test]
fn concurrent_saves_are_all_kept() {
    let stub = StubServer::start().unwrap();
    let addr = stub.addr();
    let ids: Vec<i32> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                s.spawn(move || {
                    (0..20)
                        .map(|i| {
                            let r = call(addr, &save(entity(&format!("t{t} i{i}"))));
                            id_of(
                                entity_of(ok_body(&r, Operation::SaveContactRelation))
                                    .value()
                                    .unwrap(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 160, "every save got its own id");
    for id in ids {
        let got = entity_of(ok_body(
            &call(addr, &get(id)),
            Operation::GetContactRelationEntity,
        ));
        assert!(got.value().is_some(), "relation {id} readable");
    }
    stub.assert_clean();
}

#[test]
fn every_wire_request_fixture_is_served_and_recorded_faithfully() {
    let dir = tempfile::tempdir().unwrap();
    let stub = StubServer::start_with(ServeOptions {
        record: Some(dir.path().to_path_buf()),
        ..ServeOptions::default()
    })
    .unwrap();
    let wire = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wire");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&wire)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.contains(".request.") && n.ends_with(".xml")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    let a = action(Operation::SaveContactRelation);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let charset = if bytes.starts_with(&[0xFF, 0xFE]) {
            "utf-16"
        } else if bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"") {
            "iso-8859-1"
        } else if bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"windows-1252\"") {
            "windows-1252"
        } else {
            "utf-8"
        };
        let r = soap(
            stub.addr(),
            Some(&a),
            &format!("text/xml; charset={charset}"),
            &bytes,
        );
        ok_body_any_tz(&r, f);
    }
    stub.assert_clean();
    drop(stub);
    // Each recorded request body is still valid under the wire profile in its own
    // encoding (a UTF-16 body is re-encoded as UTF-16 after redaction).
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        let raw = std::fs::read(&p).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let body = &raw[split..];
        let v = schema::validate(&Document::from_bytes("dump", body), Profile::Wire);
        assert!(v.is_valid(), "{}: {:?}", p.display(), v.violations);
        let text = String::from_utf8_lossy(body);
        assert!(!text.contains("7T:"), "{}: a ticket left in", p.display());
    }
}

/// A 200 whose body is a valid SaveContactRelationResponse (TimeZone as the fixture sent).
fn ok_body_any_tz(reply: &Reply, what: &Path) {
    assert_eq!(reply.status, 200, "{}: {}", what.display(), reply.body);
    assert_wire_valid("response", &reply.body);
    match codec::decode(&reply.body) {
        Ok(Message::Response(env)) => assert_eq!(env.headers.succeeded, Some(true)),
        other => panic!("{}: {other:?}", what.display()),
    }
}

#[test]
fn a_ticket_in_cdata_is_masked_in_the_recording_too() {
    let dir = tempfile::tempdir().unwrap();
    let stub = StubServer::start_with(ServeOptions {
        record: Some(dir.path().to_path_buf()),
        ..ServeOptions::default()
    })
    .unwrap();
    let mut body = Vec::new();
    codec::encode_request(&get(1), &mut body).unwrap();
    let text = String::from_utf8(body).unwrap();
    let hidden = text.replace(
        &format!(">{TICKET}<"),
        "><![CDATA[7T:cdata-hidden-secret]]><",
    );
    assert_ne!(hidden, text, "the ticket was put in CDATA");
    let r = soap(
        stub.addr(),
        Some(&action(Operation::GetContactRelationEntity)),
        "text/xml; charset=utf-8",
        hidden.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    drop(stub);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            !text.contains("cdata-hidden-secret"),
            "{}:\n{text}",
            p.display()
        );
        assert!(!text.contains(APP_TOKEN), "{}:\n{text}", p.display());
    }
}

/// The library prints nothing: what the stub has to say goes to the caller's sink, one
/// event per violation of a refused request; `stop` counts what the stub did.
#[test]
fn the_stub_tells_its_events_to_the_sink_it_is_given() {
    use relation_contract::serve::Event;
    let (stub, seen) = with_events(ServeOptions::default());
    let addr = stub.addr();
    let a = action(Operation::SaveContactRelation);
    let headers = [
        ("Content-Type", "text/xml; charset=utf-8"),
        ("SOAPAction", a.as_str()),
    ];
    let bad = fixture("invalid/SaveContactRelation.request.order-swap.xml");
    assert_eq!(send(addr, "POST", SERVICE_PATH, &headers, &bad).status, 500);
    let mut good = Vec::new();
    codec::encode_request(&save(entity("counted")), &mut good).unwrap();
    assert_eq!(
        send(addr, "POST", SERVICE_PATH, &headers, &good).status,
        200
    );
    let stats = stub.stop();
    assert_eq!((stats.requests, stats.refused, stats.stored), (2, 1, 1));
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "the refused request is told");
    for e in seen.iter() {
        match e {
            Event::Rejected {
                operation,
                violation,
            } => {
                assert_eq!(*operation, Some(Operation::SaveContactRelation));
                assert_eq!(violation.code.as_str(), "xsd.order", "{violation:?}");
            }
            other => panic!("only the rejection is an event here: {other:?}"),
        }
    }
}
