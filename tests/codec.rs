//! Codec tests: round trips, the documented examples, a WCF-shaped capture, faults, and
//! one test per error kind (code, element path, line, column).

use relation_contract::codec::{decode, encode, encode_to_string, EncodeError};
use relation_contract::model::*;
use relation_contract::{Code, Kind, Operation, SoapVersion, Violation};

#[test]
fn message_reports_kind_and_operation() {
    let m = decode(&fixture("SaveContactRelation.response.xml")).unwrap();
    assert_eq!(
        (m.kind(), m.operation()),
        (Kind::Response, Some(Operation::SaveContactRelation))
    );
}

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/documented")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn dt(s: &str) -> XsdDateTime {
    s.parse().unwrap()
}

fn s(v: &str) -> Nillable<String> {
    Nillable::Value(v.to_string())
}

fn rich_entity() -> ContactRelationEntity {
    ContactRelationEntity {
        table_right: Nillable::Value(TableRight {
            mask: Some(ETableRight::Select | ETableRight::Delete | ETableRight::RestrictedUpdate),
            reason: s(""),
        }),
        field_properties: Nillable::Value(FieldPropertyDictionary(vec![
            FieldPropertyEntry {
                key: Some("comment".into()),
                value: Some(FieldProperty {
                    field_right: Nillable::Value(FieldRight {
                        mask: Some(EFieldRight::Read | EFieldRight::UIHintMandatory),
                        reason: Nillable::Nil,
                    }),
                    field_type: s("System.String"),
                    field_length: Some(2000),
                }),
            },
            FieldPropertyEntry {
                key: None,
                value: None,
            },
            FieldPropertyEntry {
                key: Some(String::new()),
                value: Some(FieldProperty::default()),
            },
        ])),
        source_contact_id: Some(i32::MAX),
        source_person_id: Some(i32::MIN),
        destination_contact_id: Some(0),
        destination_person_id: None,
        relation_id: Some(-1),
        comment: s(""),
        relation_definition_id: Some(7),
        reversed: Some(i16::MIN),
        updated_date: Some(dt("2003-04-03T16:48:30.4750298+02:00")),
        created_date: Some(dt("2012-11-09T16:48:30.1000000-14:00")),
        created_by: Nillable::Value(Associate {
            table_right: Nillable::Nil,
            field_properties: Nillable::Value(FieldPropertyDictionary::default()),
            associate_id: Some(955),
            name: s("Schmitt, Lemke & Wunsch"),
            person_id: Some(253),
            rank: Some(i16::MAX),
            tooltip: Nillable::Nil,
            user_type: Some(UserType::AnonymousAssociate),
            group_idx: Some(355),
            full_name: s("Arianna Murray"),
            formal_name: Nillable::Absent,
            deleted: Some(true),
            ej_user_id: Some(443),
            ..Associate::default()
        }),
        updated_by: Nillable::Nil,
        source_contact_name: Nillable::Nil,
        source_person_name: s("<&>\"' ]]> a\r\nb\tc\rd 😀 \u{10FFFF} \u{7F} é"),
        destination_contact_name: s("   "),
        destination_person_name: Nillable::Absent,
        active_text: s("&amp; is not unescaped twice"),
        passive_text: s("\n"),
    }
}

fn roundtrip(m: &Message) -> String {
    let xml = encode_to_string(m).unwrap();
    let back = decode(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(&back, m, "{xml}");
    xml
}

fn request(
    version: SoapVersion,
    placement: HeaderPlacement,
    headers: RequestHeaders,
    body: RequestBody,
) -> Message {
    Message::Request(Envelope {
        version,
        header_placement: placement,
        headers,
        body,
    })
}

fn response(
    version: SoapVersion,
    placement: HeaderPlacement,
    headers: ResponseHeaders,
    body: ResponseBody,
) -> Message {
    Message::Response(Envelope {
        version,
        header_placement: placement,
        headers,
        body,
    })
}

#[test]
fn rich_entity_round_trips_in_both_versions_and_placements() {
    for v in [SoapVersion::V11, SoapVersion::V12] {
        for p in [HeaderPlacement::InHeader, HeaderPlacement::Loose] {
            let headers = RequestHeaders {
                application_token: s("tok"),
                credentials: Nillable::Value(SoCredentials {
                    ticket: s("7T:abc=="),
                }),
                time_zone: Nillable::Value(SoTimeZone {
                    so_time_zone_id: Some(-3),
                    so_time_zone_location_code: Nillable::Nil,
                }),
            };
            let m = request(
                v,
                p,
                headers,
                RequestBody::SaveContactRelation {
                    contact_relation_entity: Nillable::Value(rich_entity()),
                },
            );
            let xml = roundtrip(&m);
            assert!(
                xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"")
            );
            assert!(xml.contains(v.namespace()));
            assert_eq!(xml.contains("<s:Header>"), p == HeaderPlacement::InHeader);
            // CR survives as a character reference.
            assert!(xml.contains("a&#xD;\nb\tc&#xD;d"));
        }
    }
}

#[test]
fn requests_with_and_without_each_header() {
    let bodies = [
        RequestBody::CreateDefaultContactRelationEntity,
        RequestBody::GetContactRelationEntity {
            contact_relation_entity_id: Some(12),
        },
        RequestBody::GetContactRelationEntity {
            contact_relation_entity_id: None,
        },
        RequestBody::DeleteContactRelation {
            contact_relation_entity_id: Some(-5),
        },
        RequestBody::SaveContactRelation {
            contact_relation_entity: Nillable::Nil,
        },
        RequestBody::SaveContactRelation {
            contact_relation_entity: Nillable::Absent,
        },
        RequestBody::SaveContactRelation {
            contact_relation_entity: Nillable::Value(ContactRelationEntity::default()),
        },
    ];
    let headers = [
        RequestHeaders::default(),
        RequestHeaders {
            application_token: Nillable::Nil,
            ..Default::default()
        },
        RequestHeaders {
            application_token: s(""),
            ..Default::default()
        },
        RequestHeaders {
            credentials: Nillable::Nil,
            ..Default::default()
        },
        RequestHeaders {
            credentials: Nillable::Value(SoCredentials::default()),
            ..Default::default()
        },
        RequestHeaders {
            time_zone: Nillable::Value(SoTimeZone {
                so_time_zone_id: Some(1),
                so_time_zone_location_code: s("UTC"),
            }),
            ..Default::default()
        },
    ];
    for b in &bodies {
        for h in &headers {
            for p in [HeaderPlacement::InHeader, HeaderPlacement::Loose] {
                let m = request(SoapVersion::V11, p, h.clone(), b.clone());
                let xml = encode_to_string(&m).unwrap();
                let back = decode(&xml).unwrap();
                // Without any header block the placement cannot be seen: it reads as InHeader.
                let mut expected = m.clone();
                if *h == RequestHeaders::default() {
                    if let Message::Request(e) = &mut expected {
                        e.header_placement = HeaderPlacement::InHeader;
                    }
                }
                assert_eq!(back, expected, "{xml}");
                assert_eq!(back.operation(), Some(b.operation()));
            }
        }
    }
}

#[test]
fn responses_with_exception_info_and_succeeded_false() {
    let info = SoExceptionInfo {
        message: s("Save failed"),
        stack_trace: Nillable::Nil,
        friendly_text: s(""),
        exception_type: s("SoException"),
        source: Nillable::Absent,
        inner_exception: Nillable::Value(Box::new(SoExceptionInfo {
            message: s("inner"),
            inner_exception: Nillable::Value(Box::new(SoExceptionInfo {
                inner_exception: Nillable::Nil,
                ..Default::default()
            })),
            parameters: Nillable::Nil,
            ..Default::default()
        })),
        parameters: Nillable::Value(vec![
            KeyValue::new("id", "42"),
            KeyValue {
                key: None,
                value: None,
            },
            KeyValue {
                key: Some("k".into()),
                value: Some(String::new()),
            },
        ]),
    };
    let headers = ResponseHeaders {
        exception_info: Nillable::Value(info),
        extra_info: Nillable::Value(SoExtraInfo(vec![KeyValue::new("a", "b")])),
        succeeded: Some(false),
        time_zone: Nillable::Nil,
    };
    for v in [SoapVersion::V11, SoapVersion::V12] {
        for body in [
            ResponseBody::SaveContactRelation {
                response: Nillable::Nil,
            },
            ResponseBody::SaveContactRelation {
                response: Nillable::Value(rich_entity()),
            },
            ResponseBody::GetContactRelationEntity {
                response: Nillable::Absent,
            },
            ResponseBody::CreateDefaultContactRelationEntity {
                response: Nillable::Value(ContactRelationEntity::default()),
            },
            ResponseBody::DeleteContactRelation,
        ] {
            roundtrip(&response(
                v,
                HeaderPlacement::InHeader,
                headers.clone(),
                body.clone(),
            ));
            roundtrip(&response(
                v,
                HeaderPlacement::Loose,
                headers.clone(),
                body.clone(),
            ));
            let plain = response(
                v,
                HeaderPlacement::InHeader,
                ResponseHeaders {
                    succeeded: Some(true),
                    ..Default::default()
                },
                body,
            );
            roundtrip(&plain);
        }
    }
}

#[test]
fn faults_round_trip_in_both_versions() {
    for v in [SoapVersion::V11, SoapVersion::V12] {
        let f = Fault {
            code: FaultCode::soap(
                v,
                if v == SoapVersion::V11 {
                    "Server"
                } else {
                    "Receiver"
                },
            ),
            subcode: (v == SoapVersion::V12).then(|| FaultCode {
                namespace: Some("urn:example:codes".into()),
                local: "Internal".into(),
            }),
            reason: "Object reference not set <to> an instance & so on".into(),
            node: (v == SoapVersion::V12).then(|| "urn:node".to_string()),
            role: Some("urn:role".into()),
            detail: Some(
                "<ExceptionDetail xmlns=\"urn:x\"><Message>boom</Message></ExceptionDetail>".into(),
            ),
        };
        roundtrip(&Message::Fault(Envelope {
            version: v,
            header_placement: HeaderPlacement::InHeader,
            headers: ResponseHeaders::default(),
            body: f,
        }));
    }
}

#[test]
fn wcf_fault_capture_decodes() {
    let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher">a:InternalServiceFault</faultcode><faultstring xml:lang="en-US">The server was unable to process the request.</faultstring></s:Fault></s:Body></s:Envelope>"#;
    let Message::Fault(f) = decode(xml).unwrap() else {
        panic!()
    };
    assert_eq!(f.version, SoapVersion::V11);
    assert_eq!(f.body.code.local, "InternalServiceFault");
    assert_eq!(
        f.body.code.namespace.as_deref(),
        Some("http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher")
    );
    assert_eq!(
        f.body.reason,
        "The server was unable to process the request."
    );

    let xml12 = r#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>
      <env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value xmlns:m="urn:m">m:Bad</env:Value><env:Subcode><env:Value>env:Deeper</env:Value></env:Subcode></env:Subcode></env:Code>
      <env:Reason><env:Text xml:lang="en">first</env:Text><env:Text xml:lang="de">zweite</env:Text></env:Reason>
      <env:Detail><x:y xmlns:x="urn:x">d</x:y></env:Detail></env:Fault></env:Body></env:Envelope>"#;
    let Message::Fault(f) = decode(xml12).unwrap() else {
        panic!()
    };
    assert_eq!(f.body.code, FaultCode::soap(SoapVersion::V12, "Sender"));
    assert_eq!(
        f.body.subcode,
        Some(FaultCode {
            namespace: Some("urn:m".into()),
            local: "Bad".into()
        })
    );
    assert_eq!(f.body.reason, "first");
    assert_eq!(
        f.body.detail.as_deref(),
        Some("<x:y xmlns:x=\"urn:x\">d</x:y>")
    );
}

#[test]
fn documented_examples_decode_as_soap12_loose() {
    let m = decode(&fixture("SaveContactRelation.request.xml")).unwrap();
    let Message::Request(r) = &m else {
        panic!("{m:?}")
    };
    assert_eq!(r.version, SoapVersion::V12);
    assert_eq!(r.header_placement, HeaderPlacement::Loose);
    assert_eq!(r.headers.application_token, s("1234567-1234-9876"));
    assert_eq!(
        r.headers.credentials,
        Nillable::Value(SoCredentials {
            ticket: s("7T:1234abcxyzExample==")
        })
    );
    assert_eq!(r.headers.time_zone, Nillable::Absent);
    let RequestBody::SaveContactRelation {
        contact_relation_entity: Nillable::Value(e),
    } = &r.body
    else {
        panic!()
    };
    assert_eq!(e.table_right, Nillable::Absent);
    assert_eq!(e.source_contact_id, Some(0));
    assert_eq!(e.comment, s(""));
    assert_eq!(e.reversed, Some(0));
    assert_eq!(e.updated_date, Some(dt("2021-03-25T21:35:56Z")));
    let Nillable::Value(a) = &e.created_by else {
        panic!()
    };
    assert_eq!(a.user_type, Some(UserType::Unknown));
    assert_eq!(a.deleted, Some(false));
    assert_eq!(a.name, s(""));
    assert_eq!(e.passive_text, s(""));

    let m = decode(&fixture("SaveContactRelation.response.xml")).unwrap();
    let Message::Response(r) = &m else { panic!() };
    assert_eq!(r.version, SoapVersion::V12);
    assert_eq!(r.headers, ResponseHeaders::default());
    let ResponseBody::SaveContactRelation {
        response: Nillable::Value(e),
    } = &r.body
    else {
        panic!()
    };
    assert_eq!(e.created_date, Some(dt("2021-03-25T21:35:56Z")));
    // Re-encoded (WCF shape, no xsi:type) it reads back the same.
    roundtrip(&m);
}

#[test]
fn wcf_style_capture_decodes() {
    let xml = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\r\n<s:Header>\
<h:Succeeded xmlns:h=\"http://www.superoffice.net/ws/crm/NetServer/Services85\" xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">true</h:Succeeded>\
<h:ExceptionInfo i:nil=\"true\" xmlns:h=\"http://www.superoffice.net/ws/crm/NetServer/Services85\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/>\
</s:Header><s:Body><SaveContactRelationResponse xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">\
<Response xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><TableRight><Mask>Select Update Insert Delete</Mask><Reason/></TableRight>\
<FieldProperties i:nil=\"true\"/><SourceContactId> +0042 </SourceContactId><Comment>line1\r\nline2&#xD;<![CDATA[<raw & ]]>&lt;</Comment>\
<UpdatedDate>2003-04-03T16:48:30.4750298+02:00</UpdatedDate><CreatedBy i:nil=\"true\"/>\
<!-- a comment --><SourceContactName i:nil=\"1\"></SourceContactName></Response></SaveContactRelationResponse></s:Body></s:Envelope>";
    let m = decode(xml).unwrap();
    let Message::Response(r) = &m else { panic!() };
    assert_eq!(r.version, SoapVersion::V11);
    assert_eq!(r.header_placement, HeaderPlacement::InHeader);
    assert_eq!(r.headers.succeeded, Some(true));
    assert_eq!(r.headers.exception_info, Nillable::Nil);
    let ResponseBody::SaveContactRelation {
        response: Nillable::Value(e),
    } = &r.body
    else {
        panic!()
    };
    assert_eq!(
        e.table_right.value().unwrap().mask,
        Some(ETableRight::Select | ETableRight::Update | ETableRight::Insert | ETableRight::Delete)
    );
    assert_eq!(e.field_properties, Nillable::Nil);
    assert_eq!(e.source_contact_id, Some(42));
    assert_eq!(e.comment, s("line1\nline2\r<raw & <"));
    assert_eq!(e.created_by, Nillable::Nil);
    assert_eq!(e.source_contact_name, Nillable::Nil);
    roundtrip(&m);
}

#[test]
fn encoder_rejects_characters_xml_forbids_and_leaves_buffer_alone() {
    for bad in [
        "\u{0}",
        "a\u{8}b",
        "\u{B}",
        "\u{1F}",
        "x\u{FFFE}",
        "\u{FFFF}",
    ] {
        let m = request(
            SoapVersion::V11,
            HeaderPlacement::InHeader,
            RequestHeaders {
                application_token: s(bad),
                ..Default::default()
            },
            RequestBody::CreateDefaultContactRelationEntity,
        );
        let mut out = b"keep".to_vec();
        let e = encode(&m, &mut out).unwrap_err();
        assert!(matches!(
            e,
            EncodeError::IllegalChar {
                element: "ApplicationToken",
                ..
            }
        ));
        assert_eq!(out, b"keep");
    }
}

// --- errors: code, path, line, column ---

const HEAD: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="http://www.w3.org/2001/XMLSchema">
<s:Body>
<SaveContactRelation xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
<ContactRelationEntity>
"#;
const TAIL: &str = "\n</ContactRelationEntity>\n</SaveContactRelation>\n</s:Body>\n</s:Envelope>";
const ENTITY: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity";

fn entity_err(members: &str) -> Violation {
    let xml = format!("{HEAD}{members}{TAIL}");
    decode(&xml)
        .map(|m| panic!("accepted: {m:?}"))
        .unwrap_err()
        .into()
}

fn check(v: &Violation, code: Code, element: &str, line: u32, column: u32) {
    assert_eq!(
        (v.code, v.element.as_str(), v.line, v.column),
        (code, element, Some(line), Some(column)),
        "{v:?}"
    );
}

#[test]
fn order_error_flags_the_element_that_cannot_follow() {
    let v =
        entity_err("<SourcePersonId>1</SourcePersonId>\n  <SourceContactId>2</SourceContactId>");
    check(
        &v,
        Code::XsdOrder,
        &format!("{ENTITY}/SourceContactId"),
        6,
        3,
    );
    let v = entity_err("<Comment/><Comment/>");
    check(&v, Code::XsdOrder, &format!("{ENTITY}/Comment[2]"), 5, 11);
}

#[test]
fn unknown_and_foreign_namespace_elements() {
    check(
        &entity_err("<UserName>x</UserName>"),
        Code::XsdUnexpected,
        &format!("{ENTITY}/UserName"),
        5,
        1,
    );
    let v = entity_err(
        "<Comment xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services88\">x</Comment>",
    );
    check(&v, Code::XsdNamespace, &format!("{ENTITY}/Comment"), 5, 1);
    let v = entity_err("<Comment xmlns=\"\">x</Comment>");
    assert_eq!(v.code, Code::XsdNamespace);
}

#[test]
fn value_errors() {
    for (m, code) in [
        (
            "<SourceContactId>2147483648</SourceContactId>",
            Code::XsdValue,
        ),
        ("<SourceContactId>1.0</SourceContactId>", Code::XsdValue),
        ("<SourceContactId></SourceContactId>", Code::XsdValue),
        ("<Reversed>32768</Reversed>", Code::XsdValue),
        (
            "<UpdatedDate>2021-02-29T00:00:00Z</UpdatedDate>",
            Code::XsdValue,
        ),
        (
            "<UpdatedDate>2021-01-01T24:00:00Z</UpdatedDate>",
            Code::XsdValue,
        ),
        (
            "<CreatedBy><Deleted>yes</Deleted></CreatedBy>",
            Code::XsdValue,
        ),
        ("<CreatedBy><Type>Nobody</Type></CreatedBy>", Code::XsdEnum),
        (
            "<CreatedBy><Type> Unknown</Type></CreatedBy>",
            Code::XsdEnum,
        ),
        (
            "<TableRight><Mask>Select FULL</Mask></TableRight>",
            Code::XsdList,
        ),
    ] {
        let v = entity_err(m);
        assert_eq!(v.code, code, "{m}: {v:?}");
        assert_eq!(
            (v.line, v.column),
            (
                Some(5),
                Some(if m.starts_with("<CreatedBy>") {
                    12
                } else if m.starts_with("<TableRight>") {
                    13
                } else {
                    1
                })
            ),
            "{m}: {v:?}"
        );
    }
    check(
        &entity_err("<Reversed>1x</Reversed>"),
        Code::XsdValue,
        &format!("{ENTITY}/Reversed"),
        5,
        1,
    );
    // Whitespace around numbers, booleans, dates and lists is collapsed.
    let xml = format!("{HEAD}<Reversed>\n -7 \t</Reversed><UpdatedDate> 2021-01-01T00:00:00Z\n</UpdatedDate><CreatedBy><Deleted> 1 </Deleted></CreatedBy>{TAIL}");
    decode(&xml).unwrap();
}

#[test]
fn nil_and_type_errors() {
    check(
        &entity_err("<Reversed i:nil=\"true\"/>"),
        Code::XsdNil,
        &format!("{ENTITY}/Reversed"),
        5,
        1,
    );
    check(
        &entity_err("<Comment i:nil=\"true\">x</Comment>"),
        Code::XsdNilContent,
        &format!("{ENTITY}/Comment"),
        5,
        1,
    );
    check(
        &entity_err("<Comment i:nil=\"maybe\"/>"),
        Code::XsdValue,
        &format!("{ENTITY}/Comment"),
        5,
        1,
    );
    check(
        &entity_err("<Reversed i:type=\"x:int\">1</Reversed>"),
        Code::XsdType,
        &format!("{ENTITY}/Reversed"),
        5,
        1,
    );
    check(
        &entity_err("<CreatedBy i:type=\"ContactRelationEntity\"/>"),
        Code::XsdType,
        &format!("{ENTITY}/CreatedBy"),
        5,
        1,
    );
    // Declared types are accepted whatever the prefix.
    let xml = format!("{HEAD}<Reversed i:type=\"x:short\">1</Reversed><CreatedBy xmlns:r=\"http://www.superoffice.net/ws/crm/NetServer/Services85\" i:type=\"r:Associate\"/>{TAIL}");
    decode(&xml).unwrap();
}

#[test]
fn dictionary_pairs_need_key_and_value() {
    let v = entity_err("<FieldProperties><FieldPropertyDictionaryKeyValuePair><Key>a</Key></FieldPropertyDictionaryKeyValuePair></FieldProperties>");
    check(
        &v,
        Code::XsdMissing,
        &format!("{ENTITY}/FieldProperties/FieldPropertyDictionaryKeyValuePair"),
        5,
        18,
    );
    let v = entity_err("<FieldProperties><FieldPropertyDictionaryKeyValuePair><Key>a</Key><Value/></FieldPropertyDictionaryKeyValuePair><FieldPropertyDictionaryKeyValuePair><Value/></FieldPropertyDictionaryKeyValuePair></FieldProperties>");
    check(
        &v,
        Code::XsdMissing,
        &format!("{ENTITY}/FieldProperties/FieldPropertyDictionaryKeyValuePair[2]/Value"),
        5,
        150,
    );
}

#[test]
fn text_in_element_only_content() {
    check(&entity_err("stray<Comment/>"), Code::XsdText, ENTITY, 5, 1);
    let xml = format!("{HEAD}{TAIL}")
        .replace(
            "<SaveContactRelation xmlns",
            "<CreateDefaultContactRelationEntity xmlns",
        )
        .replace("<ContactRelationEntity>\n", "")
        .replace("</ContactRelationEntity>", "")
        .replace(
            "</SaveContactRelation>",
            "</CreateDefaultContactRelationEntity>",
        );
    let v: Violation = decode(&xml).unwrap_err().into();
    assert_eq!(
        (v.code, v.element.as_str()),
        (
            Code::XsdText,
            "/Envelope/Body/CreateDefaultContactRelationEntity"
        )
    );
}

#[test]
fn xml_level_errors() {
    let v: Violation = decode("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e \"x\">]>\n<x/>")
        .unwrap_err()
        .into();
    check(&v, Code::XmlDoctype, "", 2, 1);
    let v = entity_err("<Comment>a</Commentt>");
    assert_eq!(v.code, Code::XmlMalformed);
    assert_eq!(v.line, Some(5));
    let v = entity_err("<Comment>&nbsp;</Comment>");
    assert_eq!(v.code, Code::XmlMalformed);
    let v = entity_err("<Comment>&#1;</Comment>");
    assert_eq!(v.code, Code::XmlMalformed);
    let v = entity_err("<Comment>\u{1}</Comment>");
    assert_eq!(v.code, Code::XmlMalformed);
    let v: Violation = decode("  \n ").unwrap_err().into();
    assert_eq!(v.code, Code::XmlEmpty);
}

#[test]
fn envelope_errors() {
    let v: Violation = decode("<Envelope><Body/></Envelope>").unwrap_err().into();
    check(&v, Code::SoapNotEnvelope, "/Envelope", 1, 1);
    let v: Violation =
        decode("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n</s:Envelope>")
            .unwrap_err()
            .into();
    check(&v, Code::SoapBodyCount, "/Envelope", 1, 1);
    let body = "<s:Body><DeleteContactRelationResponse xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\"/></s:Body>";
    let env = |inner: &str| {
        format!("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:r=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">{inner}</s:Envelope>")
    };
    decode(&env(body)).unwrap();
    let v: Violation = decode(&env(&format!("{body}\n{body}"))).unwrap_err().into();
    check(&v, Code::SoapBodyCount, "/Envelope/Body[2]", 2, 1);
    let v: Violation = decode(&env("<s:Body/>")).unwrap_err().into();
    check(&v, Code::SoapBodyContent, "/Envelope/Body", 1, 130);
    let v: Violation = decode(&env(&format!(
        "<r:Succeeded>true</r:Succeeded><s:Header/>{body}"
    )))
    .unwrap_err()
    .into();
    assert_eq!(
        (v.code, v.element.as_str()),
        (Code::SoapHeaderPlacement, "/Envelope/Header")
    );
    let v: Violation = decode(&env(&format!(
        "<s:Header/><r:Succeeded>true</r:Succeeded>{body}"
    )))
    .unwrap_err()
    .into();
    assert_eq!(
        (v.code, v.element.as_str()),
        (Code::SoapHeaderPlacement, "/Envelope/Succeeded")
    );
    let v: Violation = decode(&env(&format!("<s:Header><r:Ticket/></s:Header>{body}")))
        .unwrap_err()
        .into();
    assert_eq!(
        (v.code, v.element.as_str()),
        (Code::SoapUnknownHeader, "/Envelope/Header/Ticket")
    );
    let v: Violation = decode(&env(&format!(
        "<s:Header><r:Credentials/></s:Header>{body}"
    )))
    .unwrap_err()
    .into();
    assert_eq!(
        (v.code, v.element.as_str()),
        (Code::SoapUnknownHeader, "/Envelope/Header/Credentials")
    );
    let v: Violation = decode(&env(&format!("{body}<r:x/>"))).unwrap_err().into();
    assert_eq!(v.code, Code::SoapEnvelopeContent);
    let v: Violation = decode(&env(&format!("<s:Header><r:Succeeded i:nil=\"true\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"/></s:Header>{body}"))).unwrap_err().into();
    assert_eq!(
        (v.code, v.element.as_str()),
        (Code::XsdNil, "/Envelope/Header/Succeeded")
    );
    // A foreign header block is skipped unless it must be understood.
    decode(&env(&format!(
        "<s:Header><w:Action xmlns:w=\"urn:w\"><deep/></w:Action></s:Header>{body}"
    )))
    .unwrap();
    let v: Violation = decode(&env(&format!(
        "<s:Header><w:Action xmlns:w=\"urn:w\" s:mustUnderstand=\"1\"/></s:Header>{body}"
    )))
    .unwrap_err()
    .into();
    assert_eq!(v.code, Code::SoapMustUnderstand);
    // A mustUnderstand that is no SOAP 1.1 value, on a foreign block or the contract's.
    for block in [
        "<w:Action xmlns:w=\"urn:w\" s:mustUnderstand=\"true\"/>",
        "<r:TimeZone s:mustUnderstand=\" 2 \"/>",
    ] {
        let v: Violation = decode(&env(&format!("<s:Header>{block}</s:Header>{body}")))
            .unwrap_err()
            .into();
        assert_eq!(v.code, Code::XsdValue, "{block}");
    }
    let v: Violation = decode(&env("<s:Body><r:SaveContact/></s:Body>"))
        .unwrap_err()
        .into();
    assert_eq!(v.code, Code::SoapBodyContent);
}

#[test]
fn deep_nesting_is_a_limit_not_a_crash() {
    let mut inner = String::new();
    for _ in 0..5000 {
        inner.push_str("<InnerException>");
    }
    let xml = format!("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header><ExceptionInfo xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">{inner}");
    let v: Violation = decode(&xml).unwrap_err().into();
    assert_eq!(v.code, Code::XmlLimit);
}

#[test]
fn never_panics_on_truncations_and_mutations() {
    let m = request(
        SoapVersion::V11,
        HeaderPlacement::InHeader,
        RequestHeaders {
            application_token: s("t"),
            ..Default::default()
        },
        RequestBody::SaveContactRelation {
            contact_relation_entity: Nillable::Value(rich_entity()),
        },
    );
    let xml = encode_to_string(&m).unwrap();
    let boundaries: Vec<usize> = xml.char_indices().map(|(i, _)| i).collect();
    for &i in boundaries.iter().step_by(3) {
        let _ = decode(&xml[..i]);
        let mut mutated = xml.clone();
        mutated.replace_range(
            i..i + xml[i..].chars().next().map_or(0, char::len_utf8),
            "<",
        );
        let _ = decode(&mutated);
    }
}

#[test]
fn rest_json_example_reads_where_shapes_overlap() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/rest/SaveContactRelation.response.json"),
    )
    .unwrap();
    // "FULL" is no EFieldRight flag: refused rather than guessed.
    let err = serde_json::from_str::<ContactRelationEntity>(&text).unwrap_err();
    assert!(err.to_string().contains("FULL"), "{err}");
    let e: ContactRelationEntity =
        serde_json::from_str(&text.replace("\"FULL\"", "\"Read Write\"")).unwrap();
    assert_eq!(e.reversed, Some(975));
    assert_eq!(
        e.updated_date,
        Some(dt("2003-04-03T16:48:30.4750298+02:00"))
    );
    assert_eq!(
        e.table_right.value().unwrap().mask,
        Some(ETableRight::Delete)
    );
    let a = e.created_by.value().unwrap();
    assert_eq!(a.user_type, Some(UserType::AnonymousAssociate));
    assert_eq!(a.table_right, Nillable::Value(TableRight::default()));
    let fp = e.field_properties.value().unwrap();
    assert_eq!(fp.0[0].key.as_deref(), Some("fieldName"));
    assert_eq!(fp.0[0].value.as_ref().unwrap().field_length, Some(727));
    // And back: absent members are left out, nil is null.
    let mut e2 = e.clone();
    e2.comment = Nillable::Nil;
    e2.passive_text = Nillable::Absent;
    let json = serde_json::to_string(&e2).unwrap();
    assert!(json.contains("\"Comment\":null") && !json.contains("PassiveText"));
    assert_eq!(
        serde_json::from_str::<ContactRelationEntity>(&json).unwrap(),
        e2
    );
}

/// What the encoder writes is valid under the profile of its SOAP version, as judged by
/// the project's own XSD validator (libxml2), for rich requests and responses.
#[test]
fn encoded_envelopes_are_valid_under_their_profile() {
    use relation_contract::{schema, Document, Profile};
    let valid = |m: &Message| {
        let text = encode_to_string(m).unwrap();
        let v = schema::validate(
            &Document::from_bytes("encoded", text.as_bytes()),
            Profile::Auto,
        );
        assert!(v.violations.is_empty(), "{:?}\n{text}", v.violations);
        v
    };
    let m = request(
        SoapVersion::V11,
        HeaderPlacement::InHeader,
        RequestHeaders {
            application_token: s("t"),
            credentials: Nillable::Value(SoCredentials {
                ticket: Nillable::Nil,
            }),
            time_zone: Nillable::Nil,
        },
        RequestBody::SaveContactRelation {
            contact_relation_entity: Nillable::Value(rich_entity()),
        },
    );
    assert_eq!(valid(&m).profile, Profile::Wire);
    let r = response(
        SoapVersion::V11,
        HeaderPlacement::InHeader,
        ResponseHeaders {
            exception_info: Nillable::Value(SoExceptionInfo {
                message: s("m"),
                inner_exception: Nillable::Value(Box::default()),
                parameters: Nillable::Value(vec![
                    KeyValue::new("a", "b"),
                    KeyValue {
                        key: None,
                        value: None,
                    },
                ]),
                ..Default::default()
            }),
            extra_info: Nillable::Value(SoExtraInfo(vec![KeyValue::new("x", "y")])),
            succeeded: Some(false),
            time_zone: Nillable::Value(SoTimeZone {
                so_time_zone_id: Some(1),
                so_time_zone_location_code: Nillable::Nil,
            }),
        },
        ResponseBody::GetContactRelationEntity {
            response: Nillable::Value(rich_entity()),
        },
    );
    assert_eq!(valid(&r).profile, Profile::Wire);
    for m in [&m, &r] {
        let mut m12 = (*m).clone();
        match &mut m12 {
            Message::Request(e) => e.version = SoapVersion::V12,
            Message::Response(e) => e.version = SoapVersion::V12,
            Message::Fault(e) => e.version = SoapVersion::V12,
        }
        assert_eq!(valid(&m12).profile, Profile::Documented);
    }
}

#[test]
fn a_twelve_digit_year_is_a_finding_in_the_codec_and_in_diff() {
    // `cargo test` builds in debug: an overflow anywhere on this path would panic.
    use relation_contract::diff::{DiffKind, DiffReport, Mode, Options};
    use relation_contract::Document;
    for year in ["123456789012", "999999999999"] {
        let member = format!("<UpdatedDate>{year}-01-01T00:00:00</UpdatedDate>");
        check(
            &entity_err(&member),
            Code::XsdValue,
            &format!("{ENTITY}/UpdatedDate"),
            5,
            1,
        );
        let text = format!("{HEAD}{member}{TAIL}");
        let other = format!("{HEAD}<UpdatedDate>2024-01-01T00:00:00</UpdatedDate>{TAIL}");
        let (a, b) = (
            Document::from_bytes("a", text.as_bytes()),
            Document::from_bytes("b", other.as_bytes()),
        );
        for mode in [Mode::Shape, Mode::Exact] {
            let opts = Options {
                mode,
                ..Options::default()
            };
            let report = DiffReport::new(&a, &b, &opts).expect("both parse");
            assert!(
                report
                    .differences
                    .iter()
                    .any(|d| d.path == format!("{ENTITY}/UpdatedDate") && d.kind == DiffKind::Type),
                "{mode:?}: {:?}",
                report.differences
            );
        }
    }
}

const PAYLOAD_NS: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85";

fn with_header(blocks: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>{blocks}</s:Header>\
<s:Body><GetContactRelationEntity xmlns=\"{PAYLOAD_NS}\"><ContactRelationEntityId>7</ContactRelationEntityId></GetContactRelationEntity></s:Body></s:Envelope>"
    )
}

#[test]
fn a_repeated_header_block_is_accepted_as_the_schema_accepts_it_and_the_first_is_kept() {
    let text = with_header(&format!(
        "<Credentials xmlns=\"{PAYLOAD_NS}\"><Ticket>first</Ticket></Credentials>\
<TimeZone xmlns=\"{PAYLOAD_NS}\"><SoTimeZoneId>1</SoTimeZoneId></TimeZone>\
<Credentials xmlns=\"{PAYLOAD_NS}\"><Ticket>second</Ticket></Credentials>\
<TimeZone xmlns=\"{PAYLOAD_NS}\"><SoTimeZoneId>2</SoTimeZoneId></TimeZone>"
    ));
    let Message::Request(env) = decode(&text).expect("two Credentials blocks are valid") else {
        panic!("a request")
    };
    let ticket = match &env.headers.credentials {
        Nillable::Value(c) => c.ticket.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(ticket, s("first"));
    match &env.headers.time_zone {
        Nillable::Value(tz) => assert_eq!(tz.so_time_zone_id, Some(1)),
        other => panic!("{other:?}"),
    }
    // The XSD agrees.
    let doc = relation_contract::Document::from_bytes("dup", text.as_bytes());
    let v = relation_contract::schema::validate(&doc, relation_contract::Profile::Wire);
    assert!(v.is_valid(), "{:?}", v.violations);
}

#[test]
fn every_copy_of_a_repeated_header_block_is_held_to_its_declaration() {
    let text = with_header(&format!(
        "<Credentials xmlns=\"{PAYLOAD_NS}\"><Ticket>first</Ticket></Credentials>\
<Credentials xmlns=\"{PAYLOAD_NS}\"><Bogus/></Credentials>"
    ));
    let v = decode(&text)
        .expect_err("the second copy is invalid")
        .into_violation();
    assert_eq!(v.code, Code::XsdUnexpected);
    assert_eq!(v.element, "/Envelope/Header/Credentials[2]/Bogus");
    // A payload member written twice stays an order error: the schema's sequences are
    // strict, only the header wildcard repeats.
    let text = with_header(&format!(
        "<Credentials xmlns=\"{PAYLOAD_NS}\"><Ticket>a</Ticket><Ticket>b</Ticket></Credentials>"
    ));
    let v = decode(&text).expect_err("Ticket twice").into_violation();
    assert_eq!(v.code, Code::XsdOrder);
    assert_eq!(v.element, "/Envelope/Header/Credentials/Ticket[2]");
}

#[test]
fn decoding_is_linear_in_the_number_of_members_and_siblings() {
    // Dictionary pairs (siblings of one name), and a refused document whose error sits at
    // the end (the path and position of the last element).
    let doc = |n: usize, tail: &str| {
        let pairs: String = (0..n)
            .map(|i| {
                format!(
                    "<FieldPropertyDictionaryKeyValuePair><Key>k{i}</Key><Value><FieldType>t</FieldType><FieldLength>{i}</FieldLength></Value></FieldPropertyDictionaryKeyValuePair>"
                )
            })
            .collect();
        format!("{HEAD}<FieldProperties>{pairs}{tail}</FieldProperties>{TAIL}")
    };
    for tail in ["", "<Bogus/>"] {
        let (small, large) = (doc(4_000, tail), doc(8_000, tail));
        relation_contract::testkit::timing::assert_linear(
            &format!("decoding pairs ending in {tail:?}"),
            small.as_str(),
            large.as_str(),
            |d| {
                let _ = std::hint::black_box(decode(d));
            },
        );
    }
    let v = decode(&doc(3, "<Bogus/>"))
        .expect_err("Bogus")
        .into_violation();
    assert_eq!(v.element, format!("{ENTITY}/FieldProperties/Bogus"));
}
