//! Every contract version: the fixtures of each (`fixtures/versions/servicesNN/`) are valid
//! under their own version, picked by `auto` from the payload's namespace, and, where the
//! versions differ, refused under the others with findings that name the version applied.

mod common;

use relation_contract::contract::{Contract, ContractChoice, Operation};
use relation_contract::{pipeline, Document, Profile};
use std::path::PathBuf;
use std::process::Command;

fn fixture(c: Contract, kind: &str) -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/versions")
        .join(c.arg())
        .join(format!("SaveContactRelation.{kind}.xml"));
    Document::read(&path).expect("fixture")
}

fn codes(v: &pipeline::Verdict) -> Vec<(String, String)> {
    v.violations
        .iter()
        .map(|v| (v.code.as_str().to_string(), v.element.clone()))
        .collect()
}

const CREATED_BY: &str = "/Envelope/Body/SaveContactRelationResponse/Response/CreatedBy";

#[test]
fn each_versions_fixtures_are_valid_under_it_and_auto_picks_it() {
    for c in Contract::ALL {
        for kind in ["request", "response"] {
            let doc = fixture(c, kind);
            let auto = pipeline::check(&doc, Profile::Auto);
            assert!(auto.is_valid(), "{c} {kind}: {:?}", auto.violations);
            assert_eq!(auto.contract, c, "{c} {kind}");
            let fixed = pipeline::check_as(&doc, Profile::Auto, ContractChoice::Fixed(c));
            assert!(fixed.is_valid(), "{c} {kind}: {:?}", fixed.violations);
            assert_eq!(fixed.operation, Some(Operation::SaveContactRelation));
        }
    }
}

#[test]
fn a_response_with_members_a_version_lacks_is_refused_under_it_naming_the_version() {
    // The 86 response (UserName) under 85, renamed to 85's namespace: only UserName is wrong.
    let text = fixture(Contract::Services86, "response")
        .text()
        .expect("text")
        .replace(
            Contract::Services86.namespace(),
            Contract::Services85.namespace(),
        );
    let doc = Document::from_bytes("86-as-85.xml", text.as_bytes());
    let v = pipeline::check(&doc, Profile::Auto);
    assert_eq!(v.contract, Contract::Services85);
    assert_eq!(
        codes(&v),
        [(
            "xsd.unexpected".to_string(),
            format!("{CREATED_BY}/UserName")
        )]
    );
    let m = &v.violations[0].message;
    assert!(
        m.contains("the contract applied is Services85") && m.contains("from Services86 on"),
        "{m}"
    );
    // The same document is valid under 86 and 87 once renamed to theirs.
    for c in [Contract::Services86, Contract::Services87] {
        let t = text.replace(Contract::Services85.namespace(), c.namespace());
        let v = pipeline::check(&Document::from_bytes("x", t.as_bytes()), Profile::Auto);
        assert!(v.is_valid() && v.contract == c, "{c}: {:?}", v.violations);
    }
}

#[test]
fn the_88_additions_are_refused_under_87() {
    let text = fixture(Contract::Services88, "response")
        .text()
        .expect("text")
        .replace(
            Contract::Services88.namespace(),
            Contract::Services87.namespace(),
        );
    let v = pipeline::check(
        &Document::from_bytes("88-as-87.xml", text.as_bytes()),
        Profile::Auto,
    );
    assert_eq!(v.contract, Contract::Services87);
    let found = codes(&v);
    assert!(
        found.contains(&(
            "xsd.unexpected".to_string(),
            format!("{CREATED_BY}/ExtraFields")
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "xsd.list".to_string(),
            "/Envelope/Body/SaveContactRelationResponse/Response/TableRight/Mask".to_string()
        )),
        "{found:?}"
    );
    let extra = v
        .violations
        .iter()
        .find(|x| x.element.ends_with("/ExtraFields"))
        .map(|x| x.message.clone())
        .unwrap_or_default();
    assert!(extra.contains("from Services88 on"), "{extra}");
    let mask = v
        .violations
        .iter()
        .find(|x| x.element.ends_with("/TableRight/Mask"))
        .map(|x| x.message.clone())
        .unwrap_or_default();
    assert!(
        mask.contains(
            "the contract applied is Services87; ETableRight has Uninitialized from Services88 on"
        ),
        "{mask}"
    );
}

#[test]
fn a_fixed_version_holds_another_versions_payload_to_its_namespace() {
    let doc = fixture(Contract::Services88, "request");
    let v = pipeline::check_as(
        &doc,
        Profile::Auto,
        ContractChoice::Fixed(Contract::Services85),
    );
    assert_eq!(v.contract, Contract::Services85);
    let found = codes(&v);
    assert!(
        found.contains(&(
            "xsd.namespace".to_string(),
            "/Envelope/Header/Credentials".to_string()
        )),
        "{found:?}"
    );
    assert!(
        v.violations
            .iter()
            .any(|x| x.message.contains("Services85 namespace")),
        "{:?}",
        v.violations
    );
}

#[test]
fn a_payload_mixing_versions_is_held_to_services85_when_it_is_among_them() {
    let text = fixture(Contract::Services85, "request")
        .text()
        .expect("text")
        .replacen(
            &format!(
                "<SaveContactRelation xmlns=\"{}\"",
                Contract::Services85.namespace()
            ),
            &format!(
                "<SaveContactRelation xmlns=\"{}\"",
                Contract::Services88.namespace()
            ),
            1,
        );
    let v = pipeline::check(
        &Document::from_bytes("mixed.xml", text.as_bytes()),
        Profile::Auto,
    );
    assert_eq!(v.contract, Contract::Services85);
    assert_eq!(
        codes(&v),
        [(
            "xsd.namespace".to_string(),
            "/Envelope/Body/SaveContactRelation".to_string()
        )]
    );
}

fn bin(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_command_line_takes_contract_and_reports_name_it() {
    let path = "fixtures/versions/services88/SaveContactRelation.response.xml";
    let (code, json) = bin(&["validate", "--format", "json", path]);
    assert_eq!(code, 0, "{json}");
    let first = json.lines().next().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(first).expect("JSON lines");
    assert_eq!(v["contract"], "Services88", "{json}");
    let (code, text) = bin(&["validate", "--contract", "services87", path]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("contract Services87"), "{text}");
    let (code, text) = bin(&["check", "--contract", "auto", "fixtures/versions"]);
    assert_eq!(code, 0, "{text}");
    let (code, _) = bin(&["validate", "--contract", "services83", path]);
    assert_eq!(code, 2);
}

/// The 85 WCF response, decoded, with its CreatedBy given the members later versions add.
fn response_with(user: Option<&str>, extra: bool) -> relation_contract::model::Message {
    use relation_contract::model::{KeyValue, Message, Nillable, ResponseBody, StringDictionary};
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/wire/SaveContactRelation.response.wcf.xml");
    let text = std::fs::read_to_string(path).expect("fixture");
    let mut m = relation_contract::codec::decode(&text).expect("decodes");
    if let Message::Response(env) = &mut m {
        if let ResponseBody::SaveContactRelation {
            response: Nillable::Value(e),
        } = &mut env.body
        {
            if let Nillable::Value(a) = &mut e.created_by {
                if let Some(u) = user {
                    a.user_name = Nillable::Value(u.to_string());
                }
                if extra {
                    a.extra_fields = Nillable::Value(StringDictionary(vec![KeyValue::new(
                        "x_region", "Vestland",
                    )]));
                    a.custom_fields = Nillable::Nil;
                }
            }
        }
    }
    m
}

#[test]
fn the_encoder_writes_only_what_the_version_has_and_refuses_what_it_cannot_carry() {
    use relation_contract::codec::{encode, encode_as, EncodeError};
    let plain = response_with(None, false);
    for c in Contract::ALL {
        let mut out = Vec::new();
        encode_as(&plain, c, &mut out).expect("an 85 message fits every version");
        let v = pipeline::check(&Document::from_bytes("enc", &out), Profile::Auto);
        assert!(v.is_valid() && v.contract == c, "{c}: {:?}", v.violations);
    }
    let with_user = response_with(Some("krh"), false);
    let mut out = Vec::new();
    let err = encode(&with_user, &mut out).expect_err("85 has no UserName");
    assert!(out.is_empty());
    assert!(matches!(
        err,
        EncodeError::NotInVersion {
            member: "UserName",
            since: Contract::Services86,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("Associate/UserName is not in Services85"),
        "{err}"
    );
    encode_as(&with_user, Contract::Services86, &mut out).expect("86 has UserName");
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.contains("<UserName>krh</UserName>"), "{text}");
    assert!(pipeline::check(&Document::from_bytes("86", &out), Profile::Auto).is_valid());

    let full = response_with(Some("krh"), true);
    let mut out = Vec::new();
    let err = encode_as(&full, Contract::Services87, &mut out).expect_err("87 lacks ExtraFields");
    assert!(matches!(
        err,
        EncodeError::NotInVersion {
            member: "ExtraFields",
            ..
        }
    ));
    encode_as(&full, Contract::Services88, &mut out).expect("88 has them all");
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(
        text.contains(
            "<UserName>krh</UserName><ExtraFields><StringKeyValuePair><Key>x_region</Key>\
             <Value>Vestland</Value></StringKeyValuePair></ExtraFields><CustomFields i:nil=\"true\"/>"
        ),
        "{text}"
    );
    let v = pipeline::check(&Document::from_bytes("88", &out), Profile::Auto);
    assert!(
        v.is_valid() && v.contract == Contract::Services88,
        "{:?}",
        v.violations
    );
}

#[test]
fn the_decoder_reads_each_versions_members_under_that_version_only() {
    use relation_contract::codec::{decode, decode_versioned, encode_as};
    use relation_contract::model::{ETableRight, Message, Nillable, ResponseBody};
    let text = fixture(Contract::Services88, "response")
        .text()
        .expect("text")
        .to_string();
    assert!(
        text.contains(" Uninitialized</Mask>"),
        "the fixture holds an 88 flag"
    );
    let (m, c) = decode_versioned(&text).expect("an 88 response decodes");
    assert_eq!(c, Contract::Services88);
    let Message::Response(env) = &m else {
        panic!("a response")
    };
    let ResponseBody::SaveContactRelation {
        response: Nillable::Value(e),
    } = &env.body
    else {
        panic!("a saved entity")
    };
    let Nillable::Value(a) = &e.created_by else {
        panic!("a CreatedBy")
    };
    assert_eq!(a.user_name, Nillable::Value("krh".to_string()));
    assert_eq!(a.extra_fields.value().map(|d| d.0.len()), Some(1));
    assert_eq!(a.custom_fields, Nillable::Nil);
    let mask = e.table_right.value().and_then(|t| t.mask).expect("a mask");
    assert!(mask.contains(ETableRight::Uninitialized), "{mask}");
    // Written back as 88, the same members; valid under 88.
    let mut out = Vec::new();
    encode_as(&m, c, &mut out).expect("encodes");
    let again = decode_versioned(&String::from_utf8_lossy(&out)).expect("decodes");
    assert_eq!(again, (m, c));
    // The 86 members under 85's namespace are not read.
    let as85 = fixture(Contract::Services86, "response")
        .text()
        .expect("text")
        .replace(
            Contract::Services86.namespace(),
            Contract::Services85.namespace(),
        );
    let err = decode(&as85).expect_err("85 has no UserName");
    assert!(
        err.violation().element.ends_with("/CreatedBy/UserName"),
        "{err:?}"
    );
}

#[test]
fn the_stub_at_the_services85_endpoint_holds_a_services88_request_to_services85() {
    let stub = common::stub::contract_stub();
    let body = fixture(Contract::Services88, "request");
    let reply = common::stub::soap(
        stub.addr(),
        Some(&format!(
            "\"{}\"",
            Operation::SaveContactRelation.soap_action_in(Contract::Services88)
        )),
        "text/xml; charset=utf-8",
        body.text().expect("text").as_bytes(),
    );
    let (_, detail) = common::stub::fault(&reply);
    assert!(detail.contains("xsd.namespace"), "{detail}");
}

#[test]
fn a_flag_the_version_lacks_is_refused_when_written_and_left_out_when_fitted() {
    use relation_contract::codec::{encode_as, encode_fitted_as, EncodeError};
    use relation_contract::model::{ETableRight, Message, Nillable, ResponseBody};
    let mut m = response_with(None, false);
    let Message::Response(env) = &mut m else {
        panic!("a response")
    };
    let ResponseBody::SaveContactRelation {
        response: Nillable::Value(e),
    } = &mut env.body
    else {
        panic!("a saved entity")
    };
    let Nillable::Value(t) = &mut e.table_right else {
        panic!("the fixture has a TableRight")
    };
    // R is Select's alias: it is written as Select, in every version.
    t.mask = Some(ETableRight::R | ETableRight::Uninitialized);
    let mut out = Vec::new();
    let err = encode_as(&m, Contract::Services87, &mut out).expect_err("87 lacks Uninitialized");
    assert!(out.is_empty());
    assert_eq!(
        err,
        EncodeError::FlagNotInVersion {
            type_name: "ETableRight",
            flag: "Uninitialized",
            contract: Contract::Services87,
            since: Contract::Services88,
        }
    );
    assert!(
        err.to_string().contains(
            "ETableRight flag Uninitialized is not in Services87: Services87 cannot carry it \
             (it is in the contract from Services88 on)"
        ),
        "{err}"
    );
    encode_as(&m, Contract::Services88, &mut out).expect("88 has Uninitialized");
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.contains("<Mask>Select Uninitialized</Mask>"), "{text}");
    assert!(pipeline::check(&Document::from_bytes("88", &out), Profile::Auto).is_valid());

    let Message::Response(env) = &m else {
        panic!("a response")
    };
    let mut fitted = Vec::new();
    encode_fitted_as(env, Contract::Services85, &mut fitted).expect("fitted");
    let text = String::from_utf8_lossy(&fitted).into_owned();
    assert!(text.contains("<Mask>Select</Mask>"), "{text}");
    let v = pipeline::check(&Document::from_bytes("85", &fitted), Profile::Auto);
    assert!(
        v.is_valid() && v.contract == Contract::Services85,
        "{:?}",
        v.violations
    );
}

#[test]
fn the_decoder_judges_a_flag_by_the_version_it_reads() {
    use relation_contract::codec::decode_versioned;
    let text = fixture(Contract::Services88, "response")
        .text()
        .expect("text")
        .to_string();
    let as87 = text.replace(
        Contract::Services88.namespace(),
        Contract::Services87.namespace(),
    );
    // ExtraFields comes first in the document: leave the 88 members out to reach the mask.
    let as87 = strip_element(&strip_element(&as87, "ExtraFields"), "CustomFields");
    let err = decode_versioned(&as87).expect_err("87 has no Uninitialized");
    let v = err.violation();
    assert_eq!(v.code.as_str(), "xsd.list");
    assert!(v.element.ends_with("/TableRight/Mask"), "{v:?}");
    assert!(
        v.message
            .contains("`Uninitialized` is not a ETableRight flag of Services87"),
        "{}",
        v.message
    );
    // The verdict of the schema for the same bytes is the same finding.
    let s = pipeline::check(&Document::from_bytes("87", as87.as_bytes()), Profile::Auto);
    assert!(
        s.violations
            .iter()
            .any(|x| x.code == v.code && x.element == v.element),
        "{:?}",
        s.violations
    );
}

/// The text without every `<NAME ...>...</NAME>` or `<NAME .../>` element (no nesting of
/// the same name).
fn strip_element(text: &str, name: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&format!("<{name}")) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let open_end = tail.find('>').expect("a closed tag");
        let end = if tail[..open_end].ends_with('/') {
            open_end + 1
        } else {
            let close = format!("</{name}>");
            tail.find(&close).expect("an end tag") + close.len()
        };
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// SuperOffice's current pages document Services88 only: their examples are in
/// `fixtures/documented/services88/`, beside the Services85 ones, under the same rules.
#[test]
fn the_documented_services88_examples_are_services88_and_only_that() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/documented/services88");
    let mut n = 0;
    for op in [
        "CreateDefaultContactRelationEntity",
        "GetContactRelationEntity",
        "SaveContactRelation",
        "DeleteContactRelation",
    ] {
        for kind in ["request", "response"] {
            let doc = Document::read(&dir.join(format!("{op}.{kind}.xml"))).expect("fixture");
            let known_defect = dir.join(format!("{op}.{kind}.expect")).exists();
            let v = pipeline::check(&doc, Profile::Documented);
            assert_eq!(v.contract, Contract::Services88, "{op} {kind}");
            assert_eq!(
                v.is_valid(),
                !known_defect,
                "{op} {kind}: {:?}",
                v.violations
            );
            // Held to Services85, the payload is in another version's namespace.
            let v85 = pipeline::check_as(
                &doc,
                Profile::Documented,
                ContractChoice::Fixed(Contract::Services85),
            );
            assert!(
                v85.violations
                    .iter()
                    .any(|x| x.code.as_str() == "xsd.namespace"
                        && x.message.contains("Services88")
                        && x.message.contains("Services85")),
                "{op} {kind}: {:?}",
                v85.violations
            );
            n += 1;
        }
    }
    assert_eq!(n, 8);
    // The entity's Associates carry UserName, which Services85 has no place for.
    let save = Document::read(&dir.join("SaveContactRelation.response.xml")).expect("fixture");
    let text = save.text().expect("text");
    assert_eq!(text.matches("<Relation:UserName ").count(), 2);
    let as85 = text.replace(
        Contract::Services88.namespace(),
        Contract::Services85.namespace(),
    );
    let v = pipeline::check(
        &Document::from_bytes("as85", as85.as_bytes()),
        Profile::Documented,
    );
    assert!(
        v.violations
            .iter()
            .any(|x| x.element.ends_with("/CreatedBy/UserName")
                && x.message.contains("from Services86 on")),
        "{:?}",
        v.violations
    );
}
