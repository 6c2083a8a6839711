//! The codec held to the contract table: documents written straight from
//! `contract::table` (testkit::table_doc) are accepted by the XSD and the decoder, survive
//! decode and encode element for element in the table's order, refuse a lexeme outside each
//! member's table type with the right code at the right path, and accept nil exactly where
//! the table allows it; the model's field order is the table's.

use relation_contract::codec::{decode, encode_to_string};
use relation_contract::model::*;
use relation_contract::{Code, Kind, Operation};

fn s(v: &str) -> Nillable<String> {
    Nillable::Value(v.to_string())
}

use relation_contract::contract::table as contract_table;
use relation_contract::testkit::table_doc::{bad_sample, every_full_document, TableDoc};
use relation_contract::testkit::xml::{splice, unescape, Tree};

/// (path, text of a leaf) for every element, in document order.
fn outline(text: &str) -> Vec<(String, Option<String>)> {
    let t = Tree::parse(text).expect("well-formed");
    (0..t.nodes.len())
        .map(|i| {
            let n = &t.nodes[i];
            let leaf = t.is_leaf(i).then(|| {
                n.content()
                    .and_then(|c| unescape(&text[c]))
                    .unwrap_or_default()
            });
            (n.path.clone(), leaf)
        })
        .collect()
}

#[test]
fn every_member_of_the_table_is_decoded_kept_and_encoded_in_table_order() {
    for (op, kind, d) in every_full_document() {
        let doc = relation_contract::Document::from_bytes("table", d.text.as_bytes());
        let v = relation_contract::schema::validate(&doc, relation_contract::Profile::Wire);
        assert!(v.is_valid(), "{op} {kind}: {:?}\n{}", v.violations, d.text);
        let m = decode(&d.text).unwrap_or_else(|e| panic!("{op} {kind}: {e}\n{}", d.text));
        let back = encode_to_string(&m).expect("encodable");
        // Same elements, same order, same values: the model holds every member the table
        // declares and the encoder writes them in the table's order.
        assert_eq!(outline(&back), outline(&d.text), "{op} {kind}\n{back}");
    }
}

fn nil_in_place(d: &TableDoc, i: usize) -> String {
    let e = &d.elements[i];
    let local = e.path.rsplit('/').next().unwrap_or("");
    let local = local.split('[').next().unwrap_or(local);
    splice(
        &d.text,
        vec![(e.outer.clone(), format!("<{local} i:nil=\"true\"/>"))],
    )
}

#[test]
fn every_simple_member_is_held_to_its_table_type() {
    let mut checked = 0;
    for (op, kind, d) in every_full_document() {
        for e in &d.elements {
            let (Some(content), Some((bad, code))) = (&e.content, bad_sample(e.ty)) else {
                continue;
            };
            let text = splice(&d.text, vec![(content.clone(), bad.to_string())]);
            let v = decode(&text)
                .expect_err("a lexeme outside the type")
                .into_violation();
            assert_eq!(
                (v.code, v.element.as_str()),
                (code, e.path.as_str()),
                "{op} {kind}: {bad} in {}",
                e.path
            );
            checked += 1;
        }
    }
    // Every int, short, boolean, dateTime, enum and list member of the payload and headers.
    assert!(checked > 100, "{checked}");
}

#[test]
fn nil_is_accepted_exactly_where_the_table_allows_it() {
    for (op, kind, d) in every_full_document() {
        for (i, e) in d.elements.iter().enumerate() {
            if e.top {
                continue;
            }
            let text = nil_in_place(&d, i);
            match (decode(&text), e.nillable) {
                (Ok(_), true) => {}
                (Err(err), false) => {
                    let v = err.into_violation();
                    assert_eq!(
                        (v.code, v.element.as_str()),
                        (Code::XsdNil, e.path.as_str()),
                        "{op} {kind}"
                    );
                }
                (r, nillable) => panic!("{op} {kind}: nil at {} ({nillable}): {r:?}", e.path),
            }
        }
    }
}

/// The keys of a JSON object, in the order written (nested objects skipped).
fn top_level_keys(json: &str) -> Vec<String> {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    let (mut keys, mut cur, mut expect_key) = (Vec::new(), String::new(), false);
    for ch in json.chars() {
        if in_str {
            match (esc, ch) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => {
                    in_str = false;
                    if expect_key {
                        keys.push(std::mem::take(&mut cur));
                        expect_key = false;
                    }
                }
                _ => {}
            }
            if in_str && expect_key && !esc && ch != '\\' {
                cur.push(ch);
            }
            continue;
        }
        match ch {
            '"' => {
                in_str = true;
                cur.clear();
            }
            '{' | '[' => {
                depth += 1;
                expect_key = depth == 1 && ch == '{';
            }
            '}' | ']' => depth -= 1,
            ',' if depth == 1 => expect_key = true,
            ':' => expect_key = false,
            _ => {}
        }
    }
    keys
}

fn assert_json_order<T: serde::Serialize>(value: &T, type_name: &str) {
    let json = serde_json::to_string(value).expect("serialisable");
    let expected: Vec<String> = contract_table::complex_type(type_name)
        .map(|t| t.member_names().map(str::to_string).collect())
        .unwrap_or_default();
    assert_eq!(top_level_keys(&json), expected, "{type_name}: {json}");
}

#[test]
fn the_model_declares_its_members_in_table_order() {
    let save = every_full_document()
        .into_iter()
        .find(|(op, k, _)| *op == Operation::SaveContactRelation && *k == Kind::Response)
        .map(|(_, _, d)| d)
        .expect("a SaveContactRelation response");
    let Message::Response(env) = decode(&save.text).expect("valid") else {
        panic!("a response")
    };
    let ResponseBody::SaveContactRelation {
        response: Nillable::Value(entity),
    } = &env.body
    else {
        panic!("an entity")
    };
    assert_json_order(entity, "ContactRelationEntity");
    let Nillable::Value(associate) = &entity.created_by else {
        panic!("CreatedBy")
    };
    assert_json_order(associate, "Associate");
    let Nillable::Value(rights) = &entity.table_right else {
        panic!("TableRight")
    };
    assert_json_order(rights, "TableRight");
    let Nillable::Value(info) = &env.headers.exception_info else {
        panic!("ExceptionInfo")
    };
    assert_json_order(info, "SoExceptionInfo");
    let Nillable::Value(tz) = &env.headers.time_zone else {
        panic!("TimeZone")
    };
    assert_json_order(tz, "SoTimeZone");
    // The header sets follow the table's header blocks.
    let names = |b: &[contract_table::ElementDecl]| -> Vec<String> {
        b.iter().map(|e| e.name.to_string()).collect()
    };
    let json = serde_json::to_string(&env.headers).expect("serialisable");
    assert_eq!(
        top_level_keys(&json),
        names(contract_table::response_headers())
    );
    let json = serde_json::to_string(&RequestHeaders {
        application_token: s("a"),
        credentials: Nillable::Value(SoCredentials { ticket: s("t") }),
        time_zone: Nillable::Nil,
    })
    .expect("serialisable");
    assert_eq!(
        top_level_keys(&json),
        names(contract_table::request_headers())
    );
}
