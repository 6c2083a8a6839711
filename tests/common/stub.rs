//! A tiny blocking HTTP client for the contract stub, and the requests the stub tests send
//! (shared by `tests/serve.rs` and `tests/serve_verdict.rs`).
#![allow(dead_code)]

use relation_contract::codec;
use relation_contract::contract::NS_SOAP11;
use relation_contract::model::{
    ContactRelationEntity, Envelope, HeaderPlacement, Message, Nillable, RequestBody,
    RequestEnvelope, RequestHeaders, ResponseBody, SoCredentials, SoTimeZone,
};
use relation_contract::serve::{FaultStyle, ServeOptions, StubServer, SERVICE_PATH};
use relation_contract::{schema, Document, Operation, Profile, SoapVersion};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

pub const TICKET: &str = "7T:c2VydmUtdGVzdC1zZWNyZXQtdGlja2V0";
pub const APP_TOKEN: &str = "0d7a5f3e-serve-test-app-token";

/// A stub that answers every contract break with today's uniform HTTP 500 `s:Client`
/// Fault ([`FaultStyle::Contract`]): what the tests of the pipeline's verdict read.
pub fn contract_stub() -> StubServer {
    StubServer::start_with(ServeOptions {
        faults: FaultStyle::Contract,
        ..ServeOptions::default()
    })
    .expect("the stub starts")
}

// ---------------------------------------------------------------- a tiny HTTP client

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request on a fresh connection (`Connection: close`), the whole answer read.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect to the stub");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).expect("the stub answers in UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

pub fn soap(addr: SocketAddr, action: Option<&str>, content_type: &str, body: &[u8]) -> Reply {
    let mut h = vec![("Content-Type", content_type)];
    if let Some(a) = action {
        h.push(("SOAPAction", a));
    }
    send(addr, "POST", SERVICE_PATH, &h, body)
}

pub fn action(op: Operation) -> String {
    format!("\"{}\"", op.soap_action())
}

/// Sends a request envelope as a WCF client would.
pub fn call(addr: SocketAddr, env: &RequestEnvelope) -> Reply {
    let mut body = Vec::new();
    codec::encode_request(env, &mut body).unwrap();
    soap(
        addr,
        Some(&action(env.body.operation())),
        "text/xml; charset=utf-8",
        &body,
    )
}

pub fn request(body: RequestBody) -> RequestEnvelope {
    Envelope {
        version: SoapVersion::V11,
        header_placement: HeaderPlacement::InHeader,
        headers: RequestHeaders {
            application_token: APP_TOKEN.into(),
            credentials: Nillable::Value(SoCredentials {
                ticket: TICKET.into(),
            }),
            time_zone: Nillable::Value(SoTimeZone {
                so_time_zone_id: Some(247),
                so_time_zone_location_code: "NOOSL".into(),
            }),
        },
        body,
    }
}

pub fn entity(comment: &str) -> ContactRelationEntity {
    ContactRelationEntity {
        source_contact_id: Some(12),
        destination_contact_id: Some(34),
        relation_id: Some(0),
        comment: comment.into(),
        relation_definition_id: Some(3),
        reversed: Some(0),
        ..ContactRelationEntity::default()
    }
}

pub fn save(e: ContactRelationEntity) -> RequestEnvelope {
    request(RequestBody::SaveContactRelation {
        contact_relation_entity: Nillable::Value(e),
    })
}

pub fn get(id: i32) -> RequestEnvelope {
    request(RequestBody::GetContactRelationEntity {
        contact_relation_entity_id: Some(id),
    })
}

pub fn delete(id: i32) -> RequestEnvelope {
    request(RequestBody::DeleteContactRelation {
        contact_relation_entity_id: Some(id),
    })
}

/// Every answer of the stub must hold under the wire profile, faults included.
pub fn assert_wire_valid(what: &str, body: &str) {
    let v = schema::validate(&Document::from_bytes(what, body.as_bytes()), Profile::Wire);
    assert!(
        v.is_valid(),
        "{what} is not valid on the wire: {:#?}\n{body}",
        v.violations
    );
}

/// A 200 with a response of `op`; its body.
pub fn ok_body(reply: &Reply, op: Operation) -> ResponseBody {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_wire_valid(op.response_name(), &reply.body);
    match codec::decode(&reply.body).expect("the answer decodes") {
        Message::Response(env) => {
            assert_eq!(env.version, SoapVersion::V11);
            assert_eq!(env.headers.succeeded, Some(true));
            assert!(env.headers.exception_info.is_nil());
            assert_eq!(
                env.headers.time_zone.value().map(|tz| tz.so_time_zone_id),
                Some(Some(247)),
                "TimeZone echoed"
            );
            assert_eq!(env.body.operation(), op);
            env.body
        }
        other => panic!("expected a response, got {other:?}"),
    }
}

pub fn entity_of(body: ResponseBody) -> Nillable<ContactRelationEntity> {
    match body {
        ResponseBody::SaveContactRelation { response }
        | ResponseBody::GetContactRelationEntity { response }
        | ResponseBody::CreateDefaultContactRelationEntity { response } => response,
        ResponseBody::DeleteContactRelation => panic!("Delete has no entity"),
    }
}

/// A 500 with a SOAP 1.1 Client fault; its faultstring and detail.
pub fn fault(reply: &Reply) -> (String, String) {
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_wire_valid("fault", &reply.body);
    for secret in [
        TICKET,
        APP_TOKEN,
        "dGVzdC10aWNrZXQtZm9yLWZpeHR1cmVzLW9ubHk=",
    ] {
        assert!(
            !reply.body.contains(secret),
            "secret in the fault:\n{}",
            reply.body
        );
    }
    match codec::decode(&reply.body).expect("the fault decodes") {
        Message::Fault(env) => {
            assert_eq!(env.version, SoapVersion::V11);
            assert_eq!(env.body.code.namespace.as_deref(), Some(NS_SOAP11));
            assert_eq!(env.body.code.local, "Client");
            (env.body.reason, env.body.detail.unwrap_or_default())
        }
        other => panic!("expected a fault, got {other:?}"),
    }
}

pub fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn id_of(e: &ContactRelationEntity) -> i32 {
    e.relation_id.expect("a RelationId")
}

/// The events a stub told its sink, kept for a test to read.
pub type Told = std::sync::Arc<std::sync::Mutex<Vec<relation_contract::serve::Event>>>;

/// A stub started with `opts` and a sink that keeps every event it tells.
pub fn with_events(opts: ServeOptions) -> (StubServer, Told) {
    let seen = Told::default();
    let sink = seen.clone();
    let stub = StubServer::start_with(ServeOptions {
        events: Some(std::sync::Arc::new(
            move |e: &relation_contract::serve::Event| {
                sink.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(e.clone())
            },
        )),
        ..opts
    })
    .expect("the stub starts");
    (stub, seen)
}

/// The files a recording stub wrote into `dir`, in name order (the exchange order).
pub fn recorded(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("the recording folder")
        .map(|e| e.expect("a recorded file").path())
        .collect();
    files.sort();
    files
}
