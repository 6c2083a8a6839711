//! The stub's five endpoints (issue 19): each version's requests held to that version,
//! its answers in that version's namespace with its members, one store behind them all.

mod common;

use common::stub::*;
use relation_contract::codec;
use relation_contract::contract::{Contract, ContractChoice};
use relation_contract::model::{Associate, Message, Nillable, RequestEnvelope};
use relation_contract::serve::{ServeOptions, StubServer};
use relation_contract::Operation;

/// Sends `env` encoded in `c`'s namespace, with `c`'s SOAPAction, to `c`'s endpoint path.
fn call_as(stub: &StubServer, c: Contract, env: &RequestEnvelope) -> Reply {
    let mut body = Vec::new();
    codec::encode_as(&Message::Request(env.clone()), c, &mut body).unwrap();
    let a = format!("\"{}{}\"", c.action_prefix(), env.body.operation().name());
    send(
        stub.addr(),
        "POST",
        c.endpoint_path(),
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &a),
        ],
        &body,
    )
}

fn with_user_name(name: &str) -> relation_contract::model::ContactRelationEntity {
    let mut e = entity("by 88");
    e.created_by = Nillable::Value(Associate {
        associate_id: Some(7),
        user_name: name.into(),
        ..Associate::default()
    });
    e
}

#[test]
fn a_services88_save_is_answered_in_88_and_read_back_through_85_without_user_name() {
    let stub = StubServer::start().unwrap();
    let r = call_as(&stub, Contract::Services88, &save(with_user_name("ada")));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains(Contract::Services88.namespace()),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains(Contract::Services85.namespace()),
        "{}",
        r.body
    );
    let (msg, version) = codec::decode_versioned(&r.body).unwrap();
    assert_eq!(version, Contract::Services88);
    let Message::Response(env) = msg else {
        panic!("{msg:?}")
    };
    let saved = entity_of(env.body);
    let saved = saved.value().unwrap();
    let by = saved.created_by.value().unwrap();
    assert_eq!(by.user_name.value().map(String::as_str), Some("ada"));
    let id = id_of(saved);
    // The same store through Services85: an answer 85 can carry, UserName left out.
    let r = call_as(&stub, Contract::Services85, &get(id));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains("UserName"), "{}", r.body);
    let (msg, version) = codec::decode_versioned(&r.body).unwrap();
    assert_eq!(version, Contract::Services85);
    let Message::Response(env) = msg else {
        panic!("{msg:?}")
    };
    let read = entity_of(env.body);
    let by = read.value().unwrap().created_by.value().unwrap().clone();
    assert_eq!(by.associate_id, Some(7));
    assert!(by.user_name.is_absent());
    // And through Services86, which has UserName.
    let r = call_as(&stub, Contract::Services86, &get(id));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains(Contract::Services86.namespace()),
        "{}",
        r.body
    );
    assert!(r.body.contains(">ada</"), "{}", r.body);
    stub.assert_clean();
}

#[test]
fn another_versions_payload_at_an_endpoint_is_refused_as_wcf_refuses_it() {
    let stub = StubServer::start().unwrap();
    // Services85's body with 88's SOAPAction at the 88 endpoint: the formatter fails.
    let mut body = Vec::new();
    codec::encode_request(&get(1), &mut body).unwrap();
    let a88 = format!(
        "\"{}GetContactRelationEntity\"",
        Contract::Services88.action_prefix()
    );
    let r = send(
        stub.addr(),
        "POST",
        Contract::Services88.endpoint_path(),
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &a88),
        ],
        &body,
    );
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(r.body.contains("DeserializationFailed"), "{}", r.body);
    // Services85's action at the 88 endpoint names no operation there.
    let r = send(
        stub.addr(),
        "POST",
        Contract::Services88.endpoint_path(),
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &action(Operation::GetContactRelationEntity)),
        ],
        &body,
    );
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(r.body.contains("ActionNotSupported"), "{}", r.body);
    assert_eq!(stub.rejections().len(), 2);
    // An 88 value 85 cannot carry is refused at the 85 endpoint (the schema of 85 has
    // no UserName): encode it as 88 and rename the namespace.
    let mut body88 = Vec::new();
    let env = save(with_user_name("bob"));
    codec::encode_as(&Message::Request(env), Contract::Services88, &mut body88).unwrap();
    let renamed = String::from_utf8(body88).unwrap().replace(
        Contract::Services88.namespace(),
        Contract::Services85.namespace(),
    );
    let r = send(
        stub.addr(),
        "POST",
        Contract::Services85.endpoint_path(),
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &action(Operation::SaveContactRelation)),
        ],
        renamed.as_bytes(),
    );
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(r.body.contains("DeserializationFailed"), "{}", r.body);
}

#[test]
fn each_endpoint_has_its_own_wsdl_and_a_fixed_contract_serves_one() {
    let stub = StubServer::start().unwrap();
    for c in Contract::ALL {
        let path = format!("/SuperOffice{}?wsdl", c.endpoint_path());
        let r = send(stub.addr(), "GET", &path, &[], b"");
        assert_eq!(r.status, 200, "{c:?}");
        assert!(r.body.contains(c.namespace()), "{c:?}");
        let r = send(
            stub.addr(),
            "GET",
            &format!("{}?xsd=xsd0", c.endpoint_path()),
            &[],
            b"",
        );
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body.contains("UserName"),
            c >= Contract::Services86,
            "{c:?}"
        );
    }
    let only88 = StubServer::start_with(ServeOptions {
        contract: ContractChoice::Fixed(Contract::Services88),
        ..ServeOptions::default()
    })
    .unwrap();
    assert!(only88.url().ends_with("/Remote/Services88/Relation.svc"));
    assert_eq!(only88.url_as(Contract::Services85), None);
    let r = send(
        only88.addr(),
        "GET",
        "/Remote/Services85/Relation.svc?wsdl",
        &[],
        b"",
    );
    assert_eq!(r.status, 404);
    let r = call_as(&only88, Contract::Services88, &save(with_user_name("eve")));
    assert_eq!(r.status, 200, "{}", r.body);
}
