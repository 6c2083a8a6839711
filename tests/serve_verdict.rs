//! The stub gives the verdict `validate` gives: every finding of a request at once (three
//! breaks of different kinds in one answer), a foreign mustUnderstand header refused with
//! its own code, repeated header blocks left to the schema.

mod common;

use common::stub::*;
use relation_contract::codec;
use relation_contract::model::{Nillable, RequestEnvelope};
use relation_contract::serve::{StubServer, SERVICE_PATH};
use relation_contract::Operation;
use std::process::Command;

/// A request as the encoder writes it, as text to edit.
fn encoded(env: &RequestEnvelope) -> String {
    let mut body = Vec::new();
    codec::encode_request(env, &mut body).unwrap();
    String::from_utf8(body).unwrap()
}

/// Every finding a fault's detail lists: (code, element).
fn detail_findings(detail: &str) -> Vec<(String, String)> {
    let field = |v: &str, name: &str| {
        v.split(&format!("<{name}>"))
            .nth(1)
            .and_then(|r| r.split(&format!("</{name}>")).next())
            .unwrap_or_default()
            .to_string()
    };
    detail
        .split("<Violation>")
        .skip(1)
        .map(|v| (field(v, "Code"), field(v, "Element")))
        .collect()
}

#[test]
fn three_breaks_of_different_kinds_get_one_answer_listing_all_three() {
    // The uniform Client fault of `--faults contract` (tests/serve_faults.rs: as WCF).
    let stub = contract_stub();
    let mut env = save(entity("three"));
    env.headers.credentials = Nillable::Absent;
    let text = encoded(&env).replace("<Reversed>0</Reversed>", "<Reversed>yes</Reversed>");
    assert!(text.contains("<Reversed>yes</Reversed>"), "{text}");
    let wrong_action = action(Operation::DeleteContactRelation);
    let reply = soap(
        stub.addr(),
        Some(&wrong_action),
        "text/xml; charset=utf-8",
        text.as_bytes(),
    );
    let (reason, detail) = fault(&reply);
    let mut found = detail_findings(&detail);
    found.sort();
    assert_eq!(
        found,
        [
            (
                "http.soap-action".to_string(),
                "/Envelope/Body/SaveContactRelation".to_string()
            ),
            (
                "soap.credentials".to_string(),
                "/Envelope/Header/Credentials".to_string()
            ),
            (
                "xsd.value".to_string(),
                "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed".to_string()
            ),
        ],
        "{detail}"
    );
    assert!(reason.contains("(and 2 more violations"), "{reason}");
    // The stub's list is the one `validate` gives the same request as a capture.
    let rejected: Vec<&str> = stub.violations().iter().map(|v| v.code.as_str()).collect();
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("three.http");
    std::fs::write(
        &dump,
        format!(
            "POST {SERVICE_PATH} HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n\
             SOAPAction: {wrong_action}\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["validate", "--format", "json", "--profile", "wire"])
        .arg(&dump)
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .unwrap();
    let printed: Vec<&str> = first["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(printed, rejected);
}

#[test]
fn a_foreign_must_understand_header_is_refused_with_its_own_code() {
    // The uniform Client fault of `--faults contract` (tests/serve_faults.rs: as WCF).
    let stub = contract_stub();
    let text = encoded(&get(1)).replacen(
        "<s:Header>",
        "<s:Header><t:Trace xmlns:t=\"urn:example:trace\" s:mustUnderstand=\"1\">x</t:Trace>",
        1,
    );
    assert!(text.contains("t:Trace"), "{text}");
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::GetContactRelationEntity)),
        "text/xml; charset=utf-8",
        text.as_bytes(),
    );
    let (_, detail) = fault(&reply);
    assert_eq!(
        detail_findings(&detail),
        [(
            "soap.must-understand".to_string(),
            "/Envelope/Header/Trace".to_string()
        )]
    );
    // Without mustUnderstand the same block may be ignored, as SOAP lets it.
    let ignorable = text.replace(" s:mustUnderstand=\"1\"", "");
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::GetContactRelationEntity)),
        "text/xml; charset=utf-8",
        ignorable.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn repeated_header_blocks_are_not_refused_as_a_contract_break() {
    let stub = StubServer::start().unwrap();
    let text = encoded(&get(1));
    let start = text.find("<TimeZone").expect("a TimeZone block");
    let end = text.find("</TimeZone>").expect("its end") + "</TimeZone>".len();
    let block = &text[start..end];
    let twice = text.replacen(block, &format!("{block}{block}"), 1);
    assert_ne!(twice, text);
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::GetContactRelationEntity)),
        "text/xml; charset=utf-8",
        twice.as_bytes(),
    );
    // The schema takes repeated header blocks, so the stub does not refuse them (no
    // `xsd.unexpected`, no rejection); once the decoder takes them too (keeping the first),
    // the request is carried out.
    assert!(stub.rejections().is_empty(), "{:?}", stub.rejections());
    assert!(!reply.body.contains("xsd.unexpected"), "{}", reply.body);
    if codec::decode(&twice).is_ok() {
        assert_eq!(reply.status, 200, "{}", reply.body);
    } else {
        assert!(reply.body.contains("s:Server"), "{}", reply.body);
    }
}
