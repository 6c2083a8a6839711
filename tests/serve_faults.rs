//! The stub answers contract breaks as the real service, a WCF BasicHttpBinding endpoint,
//! does (`FaultStyle::Wcf`, the default): each class of break pinned to its HTTP status,
//! faultcode and faultstring shape; every answer with a body valid under the wire profile
//! (the library's own pipeline on the response bytes); NetServer's service error for a
//! Ticket the stub does not accept, to the WSDL's header types.

mod common;

use common::stub::*;
use relation_contract::codec;
use relation_contract::contract::{NS_SERVICES85, NS_SOAP11};
use relation_contract::model::{Message, Nillable, RequestBody, ResponseBody, ResponseEnvelope};
use relation_contract::serve::{
    FaultStyle, ServeOptions, StubServer, MAX_BODY, SERVICE_PATH, TICKET_EXCEPTION_TYPE,
};
use relation_contract::{pipeline, Document, Operation, Profile};

const ADDRESSING_NONE: &str = "http://schemas.microsoft.com/ws/2005/05/addressing/none";
const DISPATCHER: &str =
    "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
const FORMATTER: &str =
    "The formatter threw an exception while trying to deserialize the message: ";

/// A request as the encoder writes it, as text to edit.
fn encoded(env: &relation_contract::model::RequestEnvelope) -> String {
    let mut body = Vec::new();
    codec::encode_request(env, &mut body).unwrap();
    String::from_utf8(body).unwrap()
}

/// The answer's bytes hold under the wire profile, by the library's one pipeline.
fn assert_pipeline_valid(what: &str, body: &str) {
    let v = pipeline::check(&Document::from_bytes(what, body.as_bytes()), Profile::Wire);
    assert!(
        v.is_valid(),
        "{what} is not valid on the wire: {:#?}\n{body}",
        v.violations
    );
}

fn assert_no_secret(body: &str) {
    for secret in [
        TICKET,
        APP_TOKEN,
        "dGVzdC10aWNrZXQtZm9yLWZpeHR1cmVzLW9ubHk=",
    ] {
        assert!(!body.contains(secret), "a secret in the answer:\n{body}");
    }
}

/// A WCF fault: HTTP 500, text/xml, valid, no secret; its faultcode (namespace, local),
/// faultstring and detail.
fn wcf_fault(reply: &Reply) -> (Option<String>, String, String, String) {
    assert_eq!(reply.status, 500, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_pipeline_valid("fault", &reply.body);
    assert_no_secret(&reply.body);
    assert!(
        reply.body.contains("<faultstring xml:lang=\"en-US\">"),
        "{}",
        reply.body
    );
    match codec::decode(&reply.body).expect("the fault decodes") {
        Message::Fault(env) => (
            env.body.code.namespace,
            env.body.code.local,
            env.body.reason,
            env.body.detail.unwrap_or_default(),
        ),
        other => panic!("expected a fault, got {other:?}"),
    }
}

/// Every (code, element) the fault detail lists, each schema finding with its line and
/// column.
fn detail_codes(detail: &str) -> Vec<(String, String)> {
    let field = |v: &str, name: &str| {
        v.split(&format!("<{name}>"))
            .nth(1)
            .and_then(|r| r.split(&format!("</{name}>")).next())
            .map(str::to_string)
    };
    assert!(
        detail.starts_with("<ContractViolations xmlns=\"urn:relation-contract:serve\">"),
        "{detail}"
    );
    detail
        .split("<Violation>")
        .skip(1)
        .map(|v| {
            let code = field(v, "Code").unwrap_or_default();
            let element = field(v, "Element").unwrap_or_default();
            // A schema finding has its place in the body.
            if code.starts_with("xsd.") {
                assert!(field(v, "Line").is_some(), "{v}");
                assert!(field(v, "Column").is_some(), "{v}");
            }
            (code, element)
        })
        .collect()
}

/// An empty answer (415, 400, 413): no body, no Content-Type.
fn assert_empty(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(reply.body.is_empty(), "{}", reply.body);
    assert_eq!(reply.header("content-length"), Some("0"));
    assert_eq!(reply.header("content-type"), None);
}

fn action_text(action: &str) -> String {
    format!(
        "The message with Action '{action}' cannot be processed at the receiver, due to a \
         ContractFilter mismatch at the EndpointDispatcher. This may be because of either a \
         contract mismatch (mismatched Actions between sender and receiver) or a \
         binding/security mismatch between the sender and the receiver.  Check that sender \
         and receiver have the same contract and the same binding (including security \
         requirements, e.g. Message, Transport, None)."
    )
}

#[test]
fn an_unknown_or_missing_action_is_action_not_supported() {
    let stub = StubServer::start().unwrap();
    let body = encoded(&save(entity("a")));
    let response_action = format!(
        "\"{}\"",
        Operation::SaveContactRelation.response_soap_action()
    );
    for (sent, quoted) in [
        (Some("\"urn:nothing\""), "urn:nothing"),
        (None, ""),
        (
            Some(response_action.as_str()),
            &response_action[1..response_action.len() - 1],
        ),
    ] {
        let reply = soap(
            stub.addr(),
            sent,
            "text/xml; charset=utf-8",
            body.as_bytes(),
        );
        let (ns, local, reason, detail) = wcf_fault(&reply);
        assert_eq!(ns.as_deref(), Some(ADDRESSING_NONE), "{sent:?}");
        assert_eq!(local, "ActionNotSupported");
        assert!(
            reply.body.contains(&format!(
                "<faultcode xmlns:a=\"{ADDRESSING_NONE}\">a:ActionNotSupported</faultcode>"
            )),
            "{}",
            reply.body
        );
        assert_eq!(reason, action_text(quoted));
        let found = detail_codes(&detail);
        assert!(
            found.iter().any(|(c, _)| c == "http.soap-action"),
            "{sent:?}: {found:?}"
        );
    }
    assert_eq!(stub.rejections().len(), 3);
    // Nothing was saved.
    let got = call(stub.addr(), &get(1));
    assert!(entity_of(ok_body(&got, Operation::GetContactRelationEntity)).is_nil());
}

#[test]
fn a_content_type_other_than_text_xml_is_415_with_an_empty_body() {
    let (stub, seen) = common::stub::with_events(ServeOptions::default());
    let body = encoded(&save(entity("a")));
    let a = action(Operation::SaveContactRelation);
    assert_empty(
        &soap(stub.addr(), Some(&a), "application/xml", body.as_bytes()),
        415,
    );
    let no_type = send(
        stub.addr(),
        "POST",
        SERVICE_PATH,
        &[("SOAPAction", &a)],
        body.as_bytes(),
    );
    assert_empty(&no_type, 415);
    // A SOAP 1.2 envelope as SOAP 1.2 sends it: the binding takes text/xml only.
    let soap12 = fixture("invalid/SaveContactRelation.request.soap12-on-wire.xml");
    assert_empty(
        &soap(
            stub.addr(),
            Some(&a),
            "application/soap+xml; charset=utf-8",
            &soap12,
        ),
        415,
    );
    // The content type is judged first, malformed body or not.
    let malformed = fixture("invalid/SaveContactRelation.request.malformed.xml");
    assert_empty(
        &soap(stub.addr(), Some(&a), "application/json", &malformed),
        415,
    );
    // Every violation is still kept and told.
    let rejections = stub.rejections();
    assert_eq!(rejections.len(), 4);
    for r in &rejections[..3] {
        assert!(
            r.violations
                .iter()
                .any(|v| v.code.as_str() == "http.content-type"),
            "{r:?}"
        );
    }
    assert_eq!(rejections[3].violations[0].code.as_str(), "xml.malformed");
    let told = seen.lock().unwrap().len();
    let kept: usize = rejections.iter().map(|r| r.violations.len()).sum();
    assert_eq!(told, kept);
}

#[test]
fn an_envelope_that_cannot_be_read_is_400_with_an_empty_body() {
    let stub = StubServer::start().unwrap();
    let a = action(Operation::SaveContactRelation);
    let cases = [
        (
            "invalid/SaveContactRelation.request.malformed.xml",
            "xml.malformed",
        ),
        (
            "invalid/SaveContactRelation.request.doctype.xml",
            "xml.doctype",
        ),
        // SOAP 1.2 sent as text/xml.
        (
            "invalid/SaveContactRelation.request.soap12-on-wire.xml",
            "soap.version",
        ),
        ("invalid/SaveContactRelation.request.empty.xml", "xml.empty"),
        (
            "invalid/SaveContactRelation.request.no-body.xml",
            "soap.body-count",
        ),
    ];
    for (file, code) in cases {
        let reply = soap(
            stub.addr(),
            Some(&a),
            "text/xml; charset=utf-8",
            &fixture(file),
        );
        assert_empty(&reply, 400);
        let last = stub.rejections().pop().expect("a rejection");
        assert!(
            last.violations.iter().any(|v| v.code.as_str() == code),
            "{file}: {last:?}"
        );
    }
}

#[test]
fn a_member_that_does_not_deserialize_is_deserialization_failed_naming_the_parameter() {
    let stub = StubServer::start().unwrap();
    let save_action = action(Operation::SaveContactRelation);
    let param = format!("{NS_SERVICES85}:ContactRelationEntity");
    // (fixture, code, element): a bad xs:short, xs:dateTime, enum; a member out of order.
    let cases = [
        (
            "invalid/SaveContactRelation.request.reversed-out-of-range.xml",
            "xsd.value",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed",
        ),
        (
            "invalid/SaveContactRelation.request.date-lexeme.xml",
            "xsd.value",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/UpdatedDate",
        ),
        (
            "invalid/SaveContactRelation.request.bad-enum.xml",
            "xsd.enum",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/CreatedBy/Type",
        ),
        (
            "invalid/SaveContactRelation.request.order-swap.xml",
            "xsd.order",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/DestinationContactId",
        ),
    ];
    for (file, code, element) in cases {
        let reply = soap(stub.addr(), Some(&save_action), "text/xml", &fixture(file));
        let (ns, local, reason, detail) = wcf_fault(&reply);
        assert_eq!(
            (ns.as_deref(), local.as_str()),
            (Some(DISPATCHER), "DeserializationFailed"),
            "{file}"
        );
        assert!(reply.body.contains(&format!(
            "<faultcode xmlns:a=\"{DISPATCHER}\">a:DeserializationFailed</faultcode>"
        )));
        let head = format!(
            "{FORMATTER}There was an error while trying to deserialize parameter {param}. \
             The InnerException message was '"
        );
        assert!(reason.starts_with(&head), "{file}: {reason}");
        assert!(
            reason.ends_with("'.  Please see InnerException for more details."),
            "{file}: {reason}"
        );
        // The inner message names the violation.
        assert!(reason.contains(&format!("{code} at {element}")), "{reason}");
        assert!(
            detail_codes(&detail).contains(&(code.to_string(), element.to_string())),
            "{file}: {detail}"
        );
    }

    // A bad xs:int in Get's parameter names that parameter.
    let text = encoded(&get(7)).replace(
        "<ContactRelationEntityId>7</ContactRelationEntityId>",
        "<ContactRelationEntityId>seven</ContactRelationEntityId>",
    );
    assert!(text.contains(">seven<"), "{text}");
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::GetContactRelationEntity)),
        "text/xml; charset=utf-8",
        text.as_bytes(),
    );
    let (_, local, reason, _) = wcf_fault(&reply);
    assert_eq!(local, "DeserializationFailed");
    assert!(
        reason.starts_with(&format!(
            "{FORMATTER}There was an error while trying to deserialize parameter \
             {NS_SERVICES85}:ContactRelationEntityId. "
        )),
        "{reason}"
    );

    // A bad int in a header block names the block.
    let tz = fixture("invalid/SaveContactRelation.request.timezone-id-text.xml");
    let (_, local, reason, _) = wcf_fault(&soap(stub.addr(), Some(&save_action), "text/xml", &tz));
    assert_eq!(local, "DeserializationFailed");
    assert!(
        reason.contains(&format!("parameter {NS_SERVICES85}:TimeZone. ")),
        "{reason}"
    );
}

#[test]
fn an_action_naming_another_operation_than_the_body_fails_in_the_formatter() {
    let stub = StubServer::start().unwrap();
    // Three breaks at once: the action names Delete, the body holds a Save with a bad
    // Reversed and no Credentials. WCF dispatches on the action and its formatter meets
    // the wrong wrapper first; the detail still lists all three.
    let mut env = save(entity("three"));
    env.headers.credentials = Nillable::Absent;
    let text = encoded(&env).replace("<Reversed>0</Reversed>", "<Reversed>yes</Reversed>");
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::DeleteContactRelation)),
        "text/xml; charset=utf-8",
        text.as_bytes(),
    );
    let (_, local, reason, detail) = wcf_fault(&reply);
    assert_eq!(local, "DeserializationFailed");
    assert!(
        reason.starts_with(&format!(
            "{FORMATTER}Error in deserializing body of request message for operation \
             'DeleteContactRelation'. "
        )),
        "{reason}"
    );
    let mut found: Vec<String> = detail_codes(&detail).into_iter().map(|(c, _)| c).collect();
    found.sort();
    assert_eq!(found, ["http.soap-action", "soap.credentials", "xsd.value"]);

    // A response sent as a request: the formatter finds no request wrapper.
    let resp = fixture("wire/SaveContactRelation.response.wcf.xml");
    let (_, local, reason, detail) = wcf_fault(&soap(
        stub.addr(),
        Some(&action(Operation::SaveContactRelation)),
        "text/xml",
        &resp,
    ));
    assert_eq!(local, "DeserializationFailed");
    assert!(
        reason.contains("operation 'SaveContactRelation'"),
        "{reason}"
    );
    assert!(
        detail_codes(&detail)
            .iter()
            .any(|(c, _)| c == "soap.body-content"),
        "{detail}"
    );
}

#[test]
fn a_foreign_must_understand_header_is_a_must_understand_fault() {
    let stub = StubServer::start().unwrap();
    let text = encoded(&get(1)).replacen(
        "<s:Header>",
        "<s:Header><t:Trace xmlns:t=\"urn:example:trace\" s:mustUnderstand=\"1\">x</t:Trace>",
        1,
    );
    let reply = soap(
        stub.addr(),
        Some(&action(Operation::GetContactRelationEntity)),
        "text/xml; charset=utf-8",
        text.as_bytes(),
    );
    let (ns, local, reason, detail) = wcf_fault(&reply);
    assert_eq!(
        (ns.as_deref(), local.as_str()),
        (Some(NS_SOAP11), "MustUnderstand")
    );
    assert!(
        reason.starts_with(
            "The header 'Trace' from the namespace 'urn:example:trace' was not understood by \
             the recipient of this message, causing the message to not be processed."
        ),
        "{reason}"
    );
    assert_eq!(
        detail_codes(&detail),
        [(
            "soap.must-understand".to_string(),
            "/Envelope/Header/Trace".to_string()
        )]
    );
}

#[test]
fn a_body_over_the_limit_is_413_with_an_empty_body() {
    for style in [FaultStyle::Wcf, FaultStyle::Contract] {
        let stub = StubServer::start_with(ServeOptions {
            faults: style,
            ..ServeOptions::default()
        })
        .unwrap();
        // One byte over: the stub reads it all before it refuses, so the answer arrives.
        let big = vec![b' '; MAX_BODY + 1];
        let reply = soap(
            stub.addr(),
            Some(&action(Operation::SaveContactRelation)),
            "text/xml; charset=utf-8",
            &big,
        );
        match style {
            FaultStyle::Wcf => assert_empty(&reply, 413),
            // 413 in the contract style too (issue 17: it was 500), with its Fault.
            FaultStyle::Contract => {
                assert_eq!(reply.status, 413, "{}", reply.body);
                let (reason, _) = fault(&Reply {
                    status: 500,
                    ..reply
                });
                assert!(reason.contains("xml.limit"), "{reason}");
            }
        }
        let v = stub.violations();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].code.as_str(), "xml.limit");
    }
}

/// The headers and body of a NetServer service error, checked against the WSDL's header
/// types by the pipeline and the decoder.
fn service_error(reply: &Reply, op: Operation) -> ResponseEnvelope {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    assert_pipeline_valid(op.response_name(), &reply.body);
    assert_no_secret(&reply.body);
    // The header blocks in the WSDL's order.
    let at = |name: &str| reply.body.find(&format!("<{name} ")).unwrap_or(usize::MAX);
    assert!(
        at("ExceptionInfo") < at("ExtraInfo")
            && at("ExtraInfo") < at("Succeeded")
            && at("Succeeded") < at("TimeZone"),
        "{}",
        reply.body
    );
    match codec::decode(&reply.body).expect("the answer decodes") {
        Message::Response(env) => {
            assert_eq!(env.headers.succeeded, Some(false));
            let info = env.headers.exception_info.value().expect("ExceptionInfo");
            assert!(info.message.value().is_some_and(|m| !m.is_empty()));
            assert!(info.friendly_text.value().is_some_and(|m| !m.is_empty()));
            assert_eq!(
                info.exception_type.value().map(String::as_str),
                Some(TICKET_EXCEPTION_TYPE)
            );
            assert_eq!(env.body.operation(), op);
            match &env.body {
                ResponseBody::DeleteContactRelation => {}
                other => assert!(entity_of(other.clone()).is_nil(), "{other:?}"),
            }
            env
        }
        other => panic!("expected a response, got {other:?}"),
    }
}

#[test]
fn a_ticket_the_stub_does_not_accept_gets_netserver_s_exception_info() {
    let stub = StubServer::start_with(ServeOptions {
        tickets: vec!["7T:the-one-accepted-ticket".to_string()],
        ..ServeOptions::default()
    })
    .unwrap();
    let addr = stub.addr();
    // The common TICKET is not the accepted one: every operation answers the error.
    for env in [
        save(entity("refused")),
        get(1),
        delete(1),
        request(RequestBody::CreateDefaultContactRelationEntity),
    ] {
        let op = env.body.operation();
        let got = service_error(&call(addr, &env), op);
        assert!(got
            .headers
            .exception_info
            .value()
            .unwrap()
            .parameters
            .is_nil());
    }
    // Not a contract break: nothing rejected.
    assert!(stub.rejections().is_empty());
    // The accepted Ticket is served, and the refused Save saved nothing.
    let mut accepted = save(entity("kept"));
    accepted.headers.credentials = Nillable::Value(relation_contract::model::SoCredentials {
        ticket: "7T:the-one-accepted-ticket".into(),
    });
    let saved = entity_of(ok_body(
        &call(addr, &accepted),
        Operation::SaveContactRelation,
    ));
    assert_eq!(saved.value().and_then(|e| e.relation_id), Some(1));
    // The accepted Ticket never shows in an answer either.
    let refused = call(addr, &get(1));
    assert!(!refused.body.contains("the-one-accepted-ticket"));
}

#[test]
fn a_request_without_a_ticket_gets_the_service_error_and_is_kept_as_a_break() {
    let stub = StubServer::start().unwrap();
    let mut env = save(entity("x"));
    env.headers.credentials = Nillable::Absent;
    let got = service_error(&call(stub.addr(), &env), Operation::SaveContactRelation);
    // The violation travels in ExceptionInfo's Parameters.
    let params = got
        .headers
        .exception_info
        .value()
        .unwrap()
        .parameters
        .value()
        .cloned()
        .unwrap_or_default();
    assert_eq!(params.len(), 1, "{params:?}");
    assert_eq!(params[0].key.as_deref(), Some("soap.credentials"));
    assert!(params[0]
        .value
        .as_deref()
        .is_some_and(|v| v.contains("/Envelope/Header/Credentials")));
    let v = stub.violations();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].code.as_str(), "soap.credentials");
}

#[test]
fn a_break_wcf_would_let_through_keeps_the_contract_fault() {
    let stub = StubServer::start().unwrap();
    let a = action(Operation::SaveContactRelation);
    for (file, code) in [
        (
            "invalid/SaveContactRelation.request.after-body.xml",
            "soap.envelope-content",
        ),
        (
            "invalid/SaveContactRelation.request.unknown-header.xml",
            "soap.unknown-header",
        ),
    ] {
        let (reason, detail) = fault(&soap(stub.addr(), Some(&a), "text/xml", &fixture(file)));
        assert!(reason.contains(code), "{file}: {reason}");
        assert!(detail.contains(&format!("<Code>{code}</Code>")));
    }
    // An unquoted SOAPAction naming the body's operation.
    let body = encoded(&save(entity("a")));
    let unquoted = Operation::SaveContactRelation.soap_action();
    let (reason, _) = fault(&soap(
        stub.addr(),
        Some(&unquoted),
        "text/xml",
        body.as_bytes(),
    ));
    assert!(reason.contains("not a quoted string"), "{reason}");
}

/// Every invalid request fixture gets an answer of one of the classes; each answer with a
/// body is valid on the wire and holds no secret; every one is kept as a rejection.
#[test]
fn every_invalid_request_fixture_gets_a_wcf_answer() {
    let stub = StubServer::start().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.contains(".request.") && n.ends_with(".xml")
        })
        .collect();
    files.sort();
    assert!(files.len() > 30);
    let a = action(Operation::SaveContactRelation);
    for f in &files {
        let reply = soap(
            stub.addr(),
            Some(&a),
            "text/xml",
            &std::fs::read(f).unwrap(),
        );
        match reply.status {
            400 => assert_empty(&reply, 400),
            200 | 500 => {
                assert_pipeline_valid(&f.display().to_string(), &reply.body);
                assert_no_secret(&reply.body);
            }
            s => panic!("{}: {s}", f.display()),
        }
    }
    assert_eq!(stub.rejections().len(), files.len());
}

/// The answer to an unknown action echoes it (faultstring and detail): its cost is linear
/// in the action's length (t(2n)/t(n), the best of a few runs, never an absolute bound).
#[test]
fn an_echoed_action_costs_linear_time() {
    use relation_contract::testkit::timing::assert_linear;
    let stub = StubServer::start().unwrap();
    let addr = stub.addr();
    let body = encoded(&save(entity("a")));
    let long = |n: usize| format!("\"urn:{}\"", "a&<".repeat(n / 3));
    let (small, large) = (long(60_000), long(120_000));
    for a in [&small, &large] {
        let reply = soap(addr, Some(a), "text/xml", body.as_bytes());
        let (_, local, reason, _) = wcf_fault(&reply);
        assert_eq!(local, "ActionNotSupported");
        assert_eq!(reason, action_text(&a[1..a.len() - 1]));
    }
    let ratio = assert_linear(
        "the ActionNotSupported answer",
        small.as_str(),
        large.as_str(),
        |a| {
            let reply = soap(addr, Some(a), "text/xml", body.as_bytes());
            std::hint::black_box(reply.status);
        },
    );
    eprintln!("ActionNotSupported echo: t(2n)/t(n) = {ratio:.2}");
}
