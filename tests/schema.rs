//! Behaviour of the schema stage: the documented examples under each profile, a WCF-style
//! wire request, one document per mapped code, the refusal of DOCTYPE and schema hints, and
//! validation from several threads.

use relation_contract::schema::{validate, Validation};
use relation_contract::{Code, Document, Kind, Operation, Profile, SoapVersion};

const DOC_REQUEST: &str = include_str!("../fixtures/documented/SaveContactRelation.request.xml");
const DOC_RESPONSE: &str = include_str!("../fixtures/documented/SaveContactRelation.response.xml");
const WCF: &str = include_str!("wcf-save-request.xml");

fn run(text: &str, profile: Profile) -> Validation {
    validate(&Document::from_bytes("test.xml", text.as_bytes()), profile)
}

fn codes(v: &Validation) -> Vec<(Code, String)> {
    v.violations
        .iter()
        .map(|x| (x.code, x.element.clone()))
        .collect()
}

/// The WCF request with one textual change (which must apply).
fn wcf_with(from: &str, to: &str) -> String {
    assert!(WCF.contains(from), "fixture lacks {from}");
    WCF.replacen(from, to, 1)
}

/// Exactly one violation, with this code at this element; returns it.
fn one(text: &str, profile: Profile, code: Code, element: &str) -> relation_contract::Violation {
    let v = run(text, profile);
    assert_eq!(
        codes(&v),
        vec![(code, element.to_string())],
        "violations: {:#?}",
        v.violations
    );
    let x = v.violations[0].clone();
    assert!(x.line.is_some() && x.column.is_some(), "no position: {x:?}");
    assert!(
        !x.message.contains("{http"),
        "namespace noise in {:?}",
        x.message
    );
    x
}

#[test]
fn documented_request_is_valid_under_documented_and_auto() {
    for p in [Profile::Documented, Profile::Auto] {
        let v = run(DOC_REQUEST, p);
        assert!(v.is_valid(), "{p}: {:#?}", v.violations);
        assert_eq!(v.profile, Profile::Documented);
        assert_eq!(v.soap_version, Some(SoapVersion::V12));
        assert_eq!(v.operation, Some(Operation::SaveContactRelation));
        assert_eq!(v.kind, Some(Kind::Request));
    }
}

#[test]
fn documented_request_under_wire_is_version_and_placement_only() {
    let v = run(DOC_REQUEST, Profile::Wire);
    assert_eq!(v.profile, Profile::Wire);
    let got: Vec<(Code, String, Option<u32>, Option<u32>)> = v
        .violations
        .iter()
        .map(|x| (x.code, x.element.clone(), x.line, x.column))
        .collect();
    assert_eq!(
        got,
        vec![
            (Code::SoapVersion, "/Envelope".into(), Some(2), Some(1)),
            (
                Code::SoapHeaderPlacement,
                "/Envelope/ApplicationToken".into(),
                Some(9),
                Some(3)
            ),
            (
                Code::SoapHeaderPlacement,
                "/Envelope/Credentials".into(),
                Some(10),
                Some(3)
            ),
        ],
        "{:#?}",
        v.violations
    );
    assert!(v.violations[0].message.contains("1.2") && v.violations[0].message.contains("1.1"));
}

#[test]
fn documented_response_valid_under_documented_and_version_only_under_wire() {
    let v = run(DOC_RESPONSE, Profile::Documented);
    assert!(v.is_valid(), "{:#?}", v.violations);
    assert_eq!(v.kind, Some(Kind::Response));
    assert!(run(DOC_RESPONSE, Profile::Auto).is_valid());
    let w = run(DOC_RESPONSE, Profile::Wire);
    assert_eq!(
        codes(&w),
        vec![(Code::SoapVersion, "/Envelope".to_string())]
    );
}

#[test]
fn wcf_style_soap11_request_is_valid_under_wire() {
    let v = run(WCF, Profile::Wire);
    assert!(v.is_valid(), "{:#?}", v.violations);
    assert_eq!(v.soap_version, Some(SoapVersion::V11));
    assert_eq!(v.operation, Some(Operation::SaveContactRelation));
    let auto = run(WCF, Profile::Auto);
    assert!(auto.is_valid());
    assert_eq!(auto.profile, Profile::Wire);
}

const CRE: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity";

#[test]
fn swapped_members_are_xsd_order_at_the_second() {
    let swapped = wcf_with(
        "<SourceContactId>12</SourceContactId>\n        <SourcePersonId>0</SourcePersonId>",
        "<SourcePersonId>0</SourcePersonId>\n        <SourceContactId>12</SourceContactId>",
    );
    let x = one(
        &swapped,
        Profile::Wire,
        Code::XsdOrder,
        &format!("{CRE}/SourceContactId"),
    );
    assert!(x.message.contains("SourcePersonId"), "{}", x.message);
    assert_eq!((x.line, x.column), (Some(19), Some(9)));
}

#[test]
fn short_out_of_range_is_xsd_value() {
    let x = one(
        &wcf_with("<Reversed>0<", "<Reversed>40000<"),
        Profile::Wire,
        Code::XsdValue,
        &format!("{CRE}/Reversed"),
    );
    assert!(
        x.message.contains("40000") && x.message.contains("32767"),
        "{}",
        x.message
    );
}

#[test]
fn bad_boolean_and_datetime_are_xsd_value() {
    let t = wcf_with("<UpdatedDate>2003-", "<UpdatedDate>03-");
    one(
        &t,
        Profile::Wire,
        Code::XsdValue,
        &format!("{CRE}/UpdatedDate"),
    );
    let t = wcf_with("<h:SoTimeZoneId>0<", "<h:SoTimeZoneId>yes<");
    one(
        &t,
        Profile::Wire,
        Code::XsdValue,
        "/Envelope/Header/TimeZone/SoTimeZoneId",
    );
    let t = DOC_REQUEST.replacen(">false<", ">no<", 1);
    let x = one(
        &t,
        Profile::Documented,
        Code::XsdValue,
        &format!("{CRE}/CreatedBy/Deleted"),
    );
    assert!(x.message.contains("xs:boolean"), "{}", x.message);
}

#[test]
fn user_type_outside_enumeration_is_xsd_enum() {
    let t = DOC_RESPONSE.replacen(">Unknown<", ">Superuser<", 1);
    let x = one(
        &t,
        Profile::Documented,
        Code::XsdEnum,
        "/Envelope/Body/SaveContactRelationResponse/Response/CreatedBy/Type",
    );
    assert!(x.message.contains("Superuser"), "{}", x.message);
}

#[test]
fn unknown_mask_flag_is_xsd_list() {
    let x = one(
        &wcf_with("<Mask>Select Update<", "<Mask>Select Bogus<"),
        Profile::Wire,
        Code::XsdList,
        &format!("{CRE}/TableRight/Mask"),
    );
    assert!(x.message.contains("Bogus"), "{}", x.message);
    // The list finding names its bad item with the enumeration's words for that element.
    assert!(
        x.message
            .contains("(The value 'Bogus' is not an element of the set"),
        "{}",
        x.message
    );
}

#[test]
fn nil_on_int_is_xsd_nil_and_nil_with_content_is_nil_content() {
    one(
        &wcf_with("<RelationId>0</RelationId>", "<RelationId i:nil=\"true\"/>"),
        Profile::Wire,
        Code::XsdNil,
        &format!("{CRE}/RelationId"),
    );
    one(
        &wcf_with(
            "<Comment i:nil=\"true\"/>",
            "<Comment i:nil=\"true\">x</Comment>",
        ),
        Profile::Wire,
        Code::XsdNilContent,
        &format!("{CRE}/Comment"),
    );
}

#[test]
fn contradicting_xsi_type_is_xsd_type() {
    let t = DOC_REQUEST.replacen(
        "<Relation:Comment xsi:type=\"xsd:string\">",
        "<Relation:Comment xsi:type=\"xsd:int\">",
        1,
    );
    assert_ne!(t, DOC_REQUEST);
    one(
        &t,
        Profile::Documented,
        Code::XsdType,
        &format!("{CRE}/Comment"),
    );
}

#[test]
fn services84_payload_is_xsd_namespace() {
    let t = wcf_with(
        "<SaveContactRelation xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\"",
        "<SaveContactRelation xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services84\"",
    );
    let x = one(
        &t,
        Profile::Wire,
        Code::XsdNamespace,
        "/Envelope/Body/SaveContactRelation",
    );
    assert!(x.message.contains("Services84"), "{}", x.message);
}

#[test]
fn member_without_namespace_is_xsd_namespace() {
    let t = wcf_with(
        "<Reversed>0</Reversed>",
        "<Reversed xmlns=\"\">0</Reversed>",
    );
    one(
        &t,
        Profile::Wire,
        Code::XsdNamespace,
        &format!("{CRE}/Reversed"),
    );
}

#[test]
fn unknown_element_is_xsd_unexpected() {
    let t = wcf_with("<Reversed>0</Reversed>", "<Reversed>0</Reversed><Bogus/>");
    one(
        &t,
        Profile::Wire,
        Code::XsdUnexpected,
        &format!("{CRE}/Bogus"),
    );
}

#[test]
fn missing_required_key_is_xsd_missing() {
    let t = wcf_with("<Key>Comment</Key>", "");
    one(
        &t,
        Profile::Wire,
        Code::XsdMissing,
        &format!("{CRE}/FieldProperties/FieldPropertyDictionaryKeyValuePair/Value"),
    );
}

#[test]
fn text_and_attribute_where_not_allowed() {
    one(
        &wcf_with("<TableRight>", "<TableRight>text"),
        Profile::Wire,
        Code::XsdText,
        &format!("{CRE}/TableRight"),
    );
    one(
        &wcf_with("<Reversed>", "<Reversed x=\"1\">"),
        Profile::Wire,
        Code::XsdAttribute,
        &format!("{CRE}/Reversed"),
    );
}

#[test]
fn two_bodies_are_soap_body_count_once() {
    let t = wcf_with("</s:Body>", "</s:Body>\n  <s:Body/>");
    one(&t, Profile::Wire, Code::SoapBodyCount, "/Envelope/Body[2]");
}

#[test]
fn element_after_body_is_envelope_content_and_payload_still_checked() {
    let t = wcf_with("</s:Body>", "</s:Body>\n  <x:Trailer xmlns:x=\"urn:x\"/>").replacen(
        "<Reversed>0<",
        "<Reversed>40000<",
        1,
    );
    let v = run(&t, Profile::Wire);
    assert_eq!(
        codes(&v),
        vec![
            (Code::XsdValue, format!("{CRE}/Reversed")),
            (Code::SoapEnvelopeContent, "/Envelope/Trailer".to_string()),
        ],
        "{:#?}",
        v.violations
    );
}

#[test]
fn soap12_wcf_request_under_wire_is_soap_version_only() {
    let t = WCF.replace(
        "http://schemas.xmlsoap.org/soap/envelope/",
        "http://www.w3.org/2003/05/soap-envelope",
    );
    one(&t, Profile::Wire, Code::SoapVersion, "/Envelope");
    assert!(run(&t, Profile::Auto).is_valid());
}

#[test]
fn undeclared_services85_header_block_is_unknown_header() {
    let t = wcf_with(
        "<a:Action",
        "<h:Session xmlns:h=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">1</h:Session>\n    <a:Action",
    );
    one(
        &t,
        Profile::Wire,
        Code::SoapUnknownHeader,
        "/Envelope/Header/Session",
    );
}

#[test]
fn not_an_envelope() {
    one("<a><b/></a>", Profile::Wire, Code::SoapNotEnvelope, "/a");
}

#[test]
fn empty_and_malformed() {
    let v = run("  \n ", Profile::Wire);
    assert_eq!(codes(&v), vec![(Code::XmlEmpty, String::new())]);
    let v = run("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<s:Body>\n</s:Envelope>", Profile::Wire);
    assert_eq!(v.violations.len(), 1);
    assert_eq!(v.violations[0].code, Code::XmlMalformed);
    assert_eq!(v.violations[0].line, Some(3));
    assert!(v.violations[0].column.is_some());
}

/// 8-bit bytes that declare UTF-16 are refused (XML 1.0 4.3.3: UTF-16 begins with a BOM).
#[test]
fn utf16_declaration_on_utf8_bytes_is_refused() {
    let t = format!("<?xml version=\"1.0\" encoding=\"utf-16\"?>\n{WCF}");
    let v = run(&t, Profile::Wire);
    assert_eq!(codes(&v), vec![(Code::XmlEncoding, String::new())]);
    assert!(v.violations[0].message.contains("encoding=\"utf-16\""));
}

#[test]
fn doctype_with_external_entity_is_rejected_and_nothing_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "MARKER-4711-XXE").unwrap();
    let url = format!("file://{}", secret.display());
    let t = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE s:Envelope [ <!ENTITY xxe SYSTEM \"{url}\"> ]>\n\
         <s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
         <DeleteContactRelation xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">\
         <ContactRelationEntityId>&xxe;</ContactRelationEntityId></DeleteContactRelation>\
         </s:Body></s:Envelope>"
    );
    let v = run(&t, Profile::Wire);
    assert_eq!(codes(&v), vec![(Code::XmlDoctype, String::new())]);
    assert_eq!(
        (v.violations[0].line, v.violations[0].column),
        (Some(2), Some(1))
    );
    for x in &v.violations {
        assert!(!x.message.contains("MARKER-4711"), "{x:?}");
    }
}

#[test]
fn schema_location_is_reported_and_never_fetched() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let t = wcf_with(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">",
        &format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xsi:schemaLocation=\"http://schemas.xmlsoap.org/soap/envelope/ http://127.0.0.1:{port}/evil.xsd\">"
        ),
    );
    let x = one(&t, Profile::Wire, Code::XsdSchemaLocation, "/Envelope");
    assert!(x.message.contains("evil.xsd"));
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(
        listener.accept().is_err(),
        "the validator connected to the schema location"
    );
}

#[test]
fn validates_from_several_threads_at_once() {
    let handles: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                for _ in 0..20 {
                    if i % 2 == 0 {
                        assert!(run(WCF, Profile::Wire).is_valid());
                        assert!(run(DOC_REQUEST, Profile::Auto).is_valid());
                    } else {
                        let bad = WCF.replacen("<Reversed>0<", "<Reversed>40000<", 1);
                        assert_eq!(run(&bad, Profile::Wire).violations[0].code, Code::XsdValue);
                        assert_eq!(run(DOC_REQUEST, Profile::Wire).violations.len(), 3);
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a validating thread panicked");
    }
}

#[test]
fn wcf_soap11_fault_is_valid_and_kind_fault() {
    let t = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>\
             <faultcode xmlns:a=\"http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher\">a:InternalServiceFault</faultcode>\
             <faultstring xml:lang=\"en-US\">The server was unable to process the request.</faultstring>\
             </s:Fault></s:Body></s:Envelope>";
    let v = run(t, Profile::Wire);
    assert!(v.is_valid(), "{:#?}", v.violations);
    assert_eq!(v.kind, Some(Kind::Fault));
    assert_eq!(v.operation, None);
    let swapped = t
        .replace("<faultcode", "<X")
        .replace("</faultcode>", "</X>")
        .replace("<faultstring", "<faultcode")
        .replace("</faultstring>", "</faultcode>");
    assert!(!run(&swapped, Profile::Wire).is_valid());
}

#[test]
fn empty_delete_response_may_not_hold_whitespace_free_text() {
    let t = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
             <DeleteContactRelationResponse xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">x</DeleteContactRelationResponse>\
             </s:Body></s:Envelope>";
    one(
        t,
        Profile::Wire,
        Code::XsdText,
        "/Envelope/Body/DeleteContactRelationResponse",
    );
}

/// The host's own libxml2 work: its schema file (which imports or includes another file)
/// compiles through the plain `libxml` crate and judges a good and a bad `n` in `ns`.
fn host_schema_judges(main: &str, ns: &str) -> Result<(), String> {
    use libxml::parser::Parser;
    use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
    let mut parser = SchemaParserContext::from_file(main);
    let mut ctxt = SchemaValidationContext::from_parser(&mut parser)
        .map_err(|e| format!("the host's schema did not compile: {e:?}"))?;
    let parse = |t: &str| {
        Parser::default()
            .parse_string(t)
            .map_err(|e| format!("{e:?}"))
    };
    let good = ctxt
        .validate_document(&parse(&format!("<n xmlns='{ns}'>7</n>"))?)
        .is_ok();
    let bad = ctxt
        .validate_document(&parse(&format!("<n xmlns='{ns}'>70</n>"))?)
        .is_err();
    if good && bad {
        Ok(())
    } else {
        Err(format!(
            "the host's schema judged wrongly: good {good}, bad {bad}"
        ))
    }
}

/// A host process that links the crate keeps its own libxml2 file loading: once our
/// validation has installed its entity loader (which refuses files during our own work),
/// the host's schema, read from disk and importing a second file, still compiles and
/// validates, on the validating thread and on another.
#[test]
fn a_host_schema_with_imports_from_files_still_compiles_after_validation() {
    assert!(run(WCF, Profile::Wire).is_valid());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("host-b.xsd"),
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:host-b'>\
         <xs:simpleType name='Small'><xs:restriction base='xs:int'>\
         <xs:maxInclusive value='9'/></xs:restriction></xs:simpleType></xs:schema>",
    )
    .unwrap();
    let main = dir.path().join("host-a.xsd");
    std::fs::write(
        &main,
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns:b='urn:host-b' \
         targetNamespace='urn:host-a'><xs:import namespace='urn:host-b' schemaLocation='host-b.xsd'/>\
         <xs:element name='n' type='b:Small'/></xs:schema>",
    )
    .unwrap();
    let main = main.to_string_lossy().into_owned();
    let host = move || host_schema_judges(&main, "urn:host-a");
    assert_eq!(host.clone()(), Ok(()));
    assert_eq!(std::thread::spawn(host).join().ok(), Some(Ok(())));
    // Our own validation is as strict as before, on the same thread.
    assert!(run(WCF, Profile::Wire).is_valid());
}

/// The WCF request with its Body's operation element taken out.
fn wcf_with_body(content: &str) -> String {
    let start = WCF
        .find("<SaveContactRelation")
        .expect("the operation element");
    let end = WCF.find("</s:Body>").expect("the Body's end tag");
    format!("{}{content}{}", &WCF[..start], &WCF[end..])
}

#[test]
fn an_empty_body_is_soap_body_content_and_an_empty_fault_is_xsd_missing() {
    let x = one(
        &wcf_with_body(""),
        Profile::Wire,
        Code::SoapBodyContent,
        "/Envelope/Body",
    );
    assert!(x.message.contains("Body is empty"), "{}", x.message);
    // A missing child of another element of the SOAP namespace is no empty Body.
    one(
        &wcf_with_body("<s:Fault/>"),
        Profile::Wire,
        Code::XsdMissing,
        "/Envelope/Body/Fault",
    );
}

#[test]
fn whitespace_in_empty_content_is_a_documentation_defect_only_under_documented() {
    let wire = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
                <DeleteContactRelationResponse xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">\n\
                </DeleteContactRelationResponse></s:Body></s:Envelope>";
    one(
        wire,
        Profile::Wire,
        Code::XsdText,
        "/Envelope/Body/DeleteContactRelationResponse",
    );
    let soap12 = wire.replace(
        "http://schemas.xmlsoap.org/soap/envelope/",
        "http://www.w3.org/2003/05/soap-envelope",
    );
    one(
        &soap12,
        Profile::Documented,
        Code::DocWhitespaceInEmpty,
        "/Envelope/Body/DeleteContactRelationResponse",
    );
}

#[test]
fn soap_attributes_are_dropped_only_on_header_blocks() {
    // On a header block, SOAP's own attribute is SOAP's business...
    assert_eq!(
        codes(&run(
            &wcf_with("<h:TimeZone ", "<h:TimeZone s:mustUnderstand=\"1\" "),
            Profile::Wire
        )),
        vec![]
    );
    // ...but another attribute there is the payload schema's.
    one(
        &wcf_with("<h:TimeZone ", "<h:TimeZone x=\"1\" "),
        Profile::Wire,
        Code::XsdAttribute,
        "/Envelope/Header/TimeZone",
    );
    // SOAP's attribute on the Body's child (its parent is in the SOAP namespace, but it is
    // no header block) or deeper in the payload is a finding.
    one(
        &wcf_with(
            "<SaveContactRelation ",
            "<SaveContactRelation s:mustUnderstand=\"1\" ",
        ),
        Profile::Wire,
        Code::XsdAttribute,
        "/Envelope/Body/SaveContactRelation",
    );
    one(
        &wcf_with("<RelationId>", "<RelationId s:mustUnderstand=\"1\">"),
        Profile::Wire,
        Code::XsdAttribute,
        &format!("{CRE}/RelationId"),
    );
}

#[test]
fn an_xsi_type_that_names_no_type_is_xsd_type() {
    // libxml2's words here do not say "specified by xsi:type": its error code does.
    let x = one(
        &wcf_with(
            "<Comment i:nil=\"true\"/>",
            "<Comment i:type=\"q:nosuch\" xmlns:q=\"http://www.w3.org/2001/XMLSchema\">x</Comment>",
        ),
        Profile::Wire,
        Code::XsdType,
        &format!("{CRE}/Comment"),
    );
    assert!(x.message.contains("nosuch"), "{}", x.message);
}

#[test]
fn the_same_code_at_two_elements_is_two_findings() {
    let t = wcf_with("<SourceContactId>12<", "<SourceContactId>a<").replacen(
        "<DestinationContactId>34<",
        "<DestinationContactId>b<",
        1,
    );
    assert_eq!(
        codes(&run(&t, Profile::Wire)),
        vec![
            (Code::XsdValue, format!("{CRE}/SourceContactId")),
            (Code::XsdValue, format!("{CRE}/DestinationContactId")),
        ]
    );
    // And two codes at one element are two findings.
    let t = wcf_with("<Reversed>0<", "<Reversed x=\"1\">z<");
    let mut found = codes(&run(&t, Profile::Wire));
    found.sort();
    let path = format!("{CRE}/Reversed");
    let mut want = vec![(Code::XsdValue, path.clone()), (Code::XsdAttribute, path)];
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn a_member_after_a_missing_required_one_comes_too_early() {
    let x = one(
        &wcf_with_body("<s:Fault><faultcode>s:Client</faultcode><detail/></s:Fault>"),
        Profile::Wire,
        Code::XsdMissing,
        "/Envelope/Body/Fault/detail",
    );
    assert!(x.message.contains("comes too early"), "{}", x.message);
}

#[test]
fn a_foreign_element_in_body_is_soap_body_content_but_in_header_is_not() {
    let x = one(
        &wcf_with_body("<Foo xmlns=\"urn:x\"/>"),
        Profile::Wire,
        Code::SoapBodyContent,
        "/Envelope/Body/Foo",
    );
    assert!(
        x.message.contains("not an operation element"),
        "{}",
        x.message
    );
    // A contract header block's name without a namespace in the Header: not the Body's
    // finding, but the block in the wrong namespace (issue 12: it was xsd.unexpected).
    let x = one(
        &wcf_with(
            "<a:Action",
            "<ApplicationToken>t</ApplicationToken><a:Action",
        ),
        Profile::Wire,
        Code::XsdNamespace,
        "/Envelope/Header/ApplicationToken[2]",
    );
    assert!(
        x.message.contains("in no namespace") && x.message.contains("Services85 namespace"),
        "{}",
        x.message
    );
}

#[test]
fn one_value_finding_per_element_the_most_specific() {
    let q = "xmlns:q=\"http://www.w3.org/2001/XMLSchema\"";
    // Nil with content beats the contradicting xsi:type libxml2 also reports.
    one(
        &wcf_with(
            "<Comment i:nil=\"true\"/>",
            &format!("<Comment i:nil=\"true\" i:type=\"q:int\" {q}>x</Comment>"),
        ),
        Profile::Wire,
        Code::XsdNilContent,
        &format!("{CRE}/Comment"),
    );
    // The contradicting xsi:type beats the value that is not the declared type's.
    one(
        &wcf_with(
            "<RelationId>0",
            &format!("<RelationId i:type=\"q:boolean\" {q}>x"),
        ),
        Profile::Wire,
        Code::XsdType,
        &format!("{CRE}/RelationId"),
    );
}

#[test]
fn whitespace_around_a_collapsed_value_is_no_finding_but_a_bad_value_still_is() {
    for padded in [" 0 ", "\t0\n", "\r\n  0"] {
        let t = wcf_with("<RelationId>0<", &format!("<RelationId>{padded}<"));
        assert_eq!(codes(&run(&t, Profile::Wire)), vec![], "{padded:?}");
    }
    for bad in [" x ", "x", " 0 0 "] {
        let t = wcf_with("<RelationId>0<", &format!("<RelationId>{bad}<"));
        one(
            &t,
            Profile::Wire,
            Code::XsdValue,
            &format!("{CRE}/RelationId"),
        );
    }
    let t = wcf_with(
        "<CreatedDate>2021-03-25T21:35:56.1234567Z<",
        "<CreatedDate>\n 2021-03-25T21:35:56.1234567Z \n<",
    );
    assert_eq!(codes(&run(&t, Profile::Wire)), vec![]);
}

#[test]
fn text_in_empty_content_under_documented_is_no_whitespace_defect() {
    let t = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>\
             <DeleteContactRelationResponse xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\"> x \
             </DeleteContactRelationResponse></s:Body></s:Envelope>";
    one(
        t,
        Profile::Documented,
        Code::XsdText,
        "/Envelope/Body/DeleteContactRelationResponse",
    );
}

/// The host process's own libxml2 work is never refused by ours, whichever runs first and
/// on whichever thread: a host schema that `xs:include`s a second file compiles and judges
/// 200 times in four threads, each also validating our documents before and after, and
/// our validation stays as strict as before.
#[test]
fn a_host_schema_with_an_include_compiles_every_time_beside_our_validation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("part.xsd"),
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:host'>\
         <xs:simpleType name='Small'><xs:restriction base='xs:int'>\
         <xs:maxInclusive value='9'/></xs:restriction></xs:simpleType></xs:schema>",
    )
    .unwrap();
    let main = dir.path().join("own.xsd");
    std::fs::write(
        &main,
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' xmlns:h='urn:host' \
         targetNamespace='urn:host'><xs:include schemaLocation='part.xsd'/>\
         <xs:element name='n' type='h:Small'/></xs:schema>",
    )
    .unwrap();
    let main = main.to_string_lossy().into_owned();
    let host = move || host_schema_judges(&main, "urn:host");
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|t| {
                let host = host.clone();
                s.spawn(move || {
                    let mut failed = Vec::new();
                    for i in 0..50 {
                        // Ours first on odd rounds, the host's first on even ones.
                        if (i + t) % 2 == 1 && !run(WCF, Profile::Wire).is_valid() {
                            failed.push(format!("thread {t} round {i}: ours failed"));
                        }
                        if let Err(e) = host() {
                            failed.push(format!("thread {t} round {i}: {e}"));
                        }
                        let external = WCF.replacen(
                            "<s:Envelope",
                            "<s:Envelope xmlns:xi='http://www.w3.org/2001/XMLSchema-instance' \
                             xi:schemaLocation='urn:host own.xsd'",
                            1,
                        );
                        let ours = run(&external, Profile::Wire);
                        if !codes(&ours)
                            .iter()
                            .any(|(c, _)| *c == Code::XsdSchemaLocation)
                        {
                            failed.push(format!("thread {t} round {i}: a hint was followed"));
                        }
                    }
                    failed
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|_| vec!["a thread panicked".into()])
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
