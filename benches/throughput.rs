//! Throughput of the codec and the validator, each beside a peer and a limit measured in the
//! same run (see BENCHMARKS.md for how to read the table).
//!
//! Groups (every one reports `Throughput::Bytes` of the envelope text):
//! - `encode/*`: our encoder into a reused buffer; quick-xml's serde serializer on an
//!   equivalent derived struct (the peer, `peer` below) into a reused buffer; a plain copy
//!   of the same output bytes (the limit).
//! - `decode/*`: our decoder; quick-xml's serde deserializer into the peer struct on the
//!   same bytes; quick-xml's `NsReader` event loop resolving every element and attribute
//!   and reading every text, building nothing (the limit for a decoder on quick-xml);
//!   quick-xml's raw `Reader` loop over the same bytes, reading every name, attribute and
//!   text without resolving namespaces (`raw-limit`: the decode limit of issue 16).
//! - `validate/*`: `schema::validate` (the xsd engine's schema stage); the fast engine's
//!   (`pipeline::schema_fast`); bare libxml (same parse options, a schema compiled once
//!   outside the loop, `validate_document`) on the same bytes.
//! - `diff`: shape diff of each envelope against the documented example of its operation.
//! - `folder`: 200 envelope files on disk, five times over, judged as `validate` judges
//!   them with each engine (`fast`, `xsd`) in a pool of 1 and of 2 threads; xmllint over the
//!   same files as one process and as two (throughput in documents).
//!
//! `RC_BENCH_QUICK=1` shortens every measurement (for a smoke run).

use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};
use libxml::parser::{Parser, ParserOptions};
use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use relation_contract::codec::{decode, encode};
use relation_contract::contract::ContractChoice;
use relation_contract::model::*;
use relation_contract::{pipeline, schema, Document, Profile, SoapVersion};
use std::hint::black_box;
use std::time::Duration;

const DOCUMENTED_REQUEST: &str =
    include_str!("../fixtures/documented/SaveContactRelation.request.xml");

/// The envelopes of every group: (name, message).
fn envelopes() -> Vec<(&'static str, Message)> {
    vec![
        ("minimal-request", Message::Request(minimal_request())),
        ("full-request", Message::Request(full_request())),
        ("response-50-fields", Message::Response(response_50())),
    ]
}

fn minimal_request() -> RequestEnvelope {
    Envelope {
        version: SoapVersion::V11,
        header_placement: HeaderPlacement::InHeader,
        headers: RequestHeaders {
            credentials: Nillable::Value(SoCredentials {
                ticket: "7T:bWluaW1hbC1maXh0dXJlLXRpY2tldA==".into(),
            }),
            ..RequestHeaders::default()
        },
        body: RequestBody::SaveContactRelation {
            contact_relation_entity: Nillable::Value(ContactRelationEntity {
                source_contact_id: Some(42),
                destination_contact_id: Some(43),
                relation_definition_id: Some(1),
                ..ContactRelationEntity::default()
            }),
        },
    }
}

/// The documentation's example request, as the wire sends it (SOAP 1.1, blocks in Header).
fn full_request() -> RequestEnvelope {
    let Message::Request(mut e) = decode(DOCUMENTED_REQUEST).expect("documented request") else {
        panic!("the documented request is not a request");
    };
    e.version = SoapVersion::V11;
    e.header_placement = HeaderPlacement::InHeader;
    e
}

fn s(v: &str) -> Nillable<String> {
    Nillable::Value(v.to_string())
}

fn dt(v: &str) -> XsdDateTime {
    v.parse().expect("dateTime")
}

/// A filled-in response: TableRight, 50 FieldProperties entries, both associates, the
/// response header blocks. No nil anywhere: the serde peer has no three-state member.
fn response_50() -> ResponseEnvelope {
    const FIELDS: [(&str, &str, i32); 10] = [
        ("contact_id", "System.Int32", 0),
        ("person_id", "System.Int32", 0),
        ("name", "System.String", 220),
        ("comment", "System.String", 2000),
        ("registered", "System.DateTime", 0),
        ("updated", "System.DateTime", 0),
        ("reversed", "System.Int16", 0),
        ("reldef_id", "System.Int32", 0),
        ("active_text", "System.String", 255),
        ("deleted", "System.Boolean", 0),
    ];
    let entries = (0..50)
        .map(|i| {
            let (name, ty, len) = FIELDS[i % FIELDS.len()];
            FieldPropertyEntry {
                key: Some(format!("relation{}.{name}", i / FIELDS.len())),
                value: Some(FieldProperty {
                    field_right: Nillable::Value(FieldRight {
                        mask: Some(if i % 3 == 0 {
                            EFieldRight::Read | EFieldRight::UIHintReadOnly
                        } else {
                            EFieldRight::Read | EFieldRight::Write
                        }),
                        reason: s(if i % 7 == 0 { "Locked & audited" } else { "" }),
                    }),
                    field_type: s(ty),
                    field_length: Some(len),
                }),
            }
        })
        .collect();
    let associate = |id: i32, name: &str, full: &str| Associate {
        associate_id: Some(id),
        name: s(name),
        person_id: Some(id * 8),
        rank: Some(3),
        tooltip: s(&format!("{full} ({name})")),
        user_type: Some(UserType::InternalAssociate),
        group_idx: Some(2),
        full_name: s(full),
        formal_name: s(full),
        deleted: Some(false),
        ej_user_id: Some(0),
        ..Associate::default()
    };
    Envelope {
        version: SoapVersion::V11,
        header_placement: HeaderPlacement::InHeader,
        headers: ResponseHeaders {
            extra_info: Nillable::Value(SoExtraInfo(vec![
                KeyValue::new("ServerVersion", "10.3.5.1042"),
                KeyValue::new("RequestId", "c9d4a1f0-2e77-4b15-8a63-5f0b9e3d2c18"),
            ])),
            succeeded: Some(true),
            time_zone: Nillable::Value(SoTimeZone {
                so_time_zone_id: Some(247),
                so_time_zone_location_code: s("NOOSL"),
            }),
            ..ResponseHeaders::default()
        },
        body: ResponseBody::SaveContactRelation {
            response: Nillable::Value(ContactRelationEntity {
                table_right: Nillable::Value(TableRight {
                    mask: Some(
                        ETableRight::Select
                            | ETableRight::Update
                            | ETableRight::Insert
                            | ETableRight::Delete,
                    ),
                    reason: s(""),
                }),
                field_properties: Nillable::Value(FieldPropertyDictionary(entries)),
                source_contact_id: Some(1204),
                source_person_id: Some(5831),
                destination_contact_id: Some(877),
                destination_person_id: Some(0),
                relation_id: Some(2291),
                comment: s("Signed the framework agreement at the Bergen kick-off <2003>"),
                relation_definition_id: Some(3),
                reversed: Some(0),
                updated_date: Some(dt("2021-03-25T21:35:56Z")),
                created_date: Some(dt("2003-04-03T16:48:30.4750298+02:00")),
                created_by: Nillable::Value(associate(14, "KRH", "Kari Haugen")),
                updated_by: Nillable::Value(associate(17, "OLN", "Ola Nordmann")),
                source_contact_name: s("Fjordline Logistikk AS"),
                source_person_name: s("Ola Nordmann"),
                destination_contact_name: s("Vestkyst Revisjon ANS"),
                destination_person_name: s("Kari Haugen"),
                active_text: s("is auditor for"),
                passive_text: s("is audited by"),
            }),
        },
    }
}

fn encoded(m: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    encode(m, &mut out).expect("encodable");
    out
}

/// The peer: the same envelopes as plain serde-derived structs, written and read by
/// quick-xml's serde support. Leaf types (masks, dates, UserType) are the model's own,
/// which are serde types too; names carry the prefixes our encoder writes.
mod peer {
    use relation_contract::contract::{NS_SERVICES85, NS_XSI};
    use relation_contract::model::{self as m, EFieldRight, ETableRight, UserType, XsdDateTime};
    use serde::{Deserialize, Serialize};

    fn v<T: Clone>(n: &m::Nillable<T>) -> Option<T> {
        n.value().cloned()
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename = "s:Envelope")]
    pub struct Envelope<H, B> {
        #[serde(rename = "@xmlns:s")]
        pub xmlns_s: String,
        #[serde(rename(serialize = "s:Header", deserialize = "Header"))]
        pub header: H,
        #[serde(rename(serialize = "s:Body", deserialize = "Body"))]
        pub body: B,
    }

    /// `xmlns` and `xmlns:i` as our encoder writes them on every top element.
    #[derive(Serialize, Deserialize, Default)]
    pub struct Ns {
        #[serde(rename = "@xmlns", default)]
        pub xmlns: String,
        #[serde(rename = "@xmlns:i", default)]
        pub xmlns_i: String,
    }

    fn ns() -> Ns {
        Ns {
            xmlns: NS_SERVICES85.to_string(),
            xmlns_i: NS_XSI.to_string(),
        }
    }

    #[derive(Serialize, Deserialize)]
    pub struct Text<T> {
        #[serde(flatten)]
        pub ns: Ns,
        #[serde(rename = "$text")]
        pub value: T,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Credentials {
        #[serde(flatten)]
        pub ns: Ns,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ticket: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TimeZone {
        #[serde(flatten)]
        pub ns: Ns,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub so_time_zone_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub so_time_zone_location_code: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RequestHeader {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub application_token: Option<Text<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub credentials: Option<Credentials>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub time_zone: Option<TimeZone>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct KeyValue {
        pub key: String,
        pub value: String,
    }

    #[derive(Serialize, Deserialize)]
    pub struct ExtraInfo {
        #[serde(flatten)]
        pub ns: Ns,
        #[serde(rename = "ExtraInfoNameValuePair", default)]
        pub pairs: Vec<KeyValue>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ResponseHeader {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub extra_info: Option<ExtraInfo>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub succeeded: Option<Text<bool>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub time_zone: Option<TimeZone>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TableRight {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mask: Option<ETableRight>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FieldRight {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mask: Option<EFieldRight>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FieldProperty {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub field_right: Option<FieldRight>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub field_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub field_length: Option<i32>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FieldPair {
        pub key: String,
        pub value: FieldProperty,
    }

    #[derive(Serialize, Deserialize)]
    pub struct FieldProperties {
        #[serde(rename = "FieldPropertyDictionaryKeyValuePair", default)]
        pub pairs: Vec<FieldPair>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Associate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub table_right: Option<TableRight>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub field_properties: Option<FieldProperties>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub associate_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub person_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub rank: Option<i16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tooltip: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none", rename = "Type")]
        pub user_type: Option<UserType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub group_idx: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub full_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub formal_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deleted: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ej_user_id: Option<i32>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Entity {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub table_right: Option<TableRight>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub field_properties: Option<FieldProperties>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_contact_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_person_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_contact_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_person_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relation_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relation_definition_id: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reversed: Option<i16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub updated_date: Option<XsdDateTime>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_date: Option<XsdDateTime>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_by: Option<Associate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub updated_by: Option<Associate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_contact_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_person_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_contact_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub destination_person_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub active_text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub passive_text: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct SaveRequest {
        #[serde(flatten)]
        pub ns: Ns,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub contact_relation_entity: Option<Entity>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct RequestBody {
        #[serde(rename = "SaveContactRelation")]
        pub save: SaveRequest,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct SaveResponse {
        #[serde(flatten)]
        pub ns: Ns,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub response: Option<Entity>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct ResponseBody {
        #[serde(rename = "SaveContactRelationResponse")]
        pub save: SaveResponse,
    }

    pub type Request = Envelope<RequestHeader, RequestBody>;
    pub type Response = Envelope<ResponseHeader, ResponseBody>;

    /// Either envelope, so one bench loop serves all three.
    pub enum Any {
        Request(Request),
        Response(Response),
    }

    fn rights_t(t: &m::TableRight) -> TableRight {
        TableRight {
            mask: t.mask,
            reason: v(&t.reason),
        }
    }

    fn fields(d: &m::FieldPropertyDictionary) -> FieldProperties {
        FieldProperties {
            pairs: d
                .0
                .iter()
                .map(|e| {
                    let p = e.value.clone().unwrap_or_default();
                    FieldPair {
                        key: e.key.clone().unwrap_or_default(),
                        value: FieldProperty {
                            field_right: p.field_right.value().map(|r| FieldRight {
                                mask: r.mask,
                                reason: v(&r.reason),
                            }),
                            field_type: v(&p.field_type),
                            field_length: p.field_length,
                        },
                    }
                })
                .collect(),
        }
    }

    fn associate(a: &m::Associate) -> Associate {
        Associate {
            table_right: a.table_right.value().map(rights_t),
            field_properties: a.field_properties.value().map(fields),
            associate_id: a.associate_id,
            name: v(&a.name),
            person_id: a.person_id,
            rank: a.rank,
            tooltip: v(&a.tooltip),
            user_type: a.user_type,
            group_idx: a.group_idx,
            full_name: v(&a.full_name),
            formal_name: v(&a.formal_name),
            deleted: a.deleted,
            ej_user_id: a.ej_user_id,
        }
    }

    fn entity(e: &m::ContactRelationEntity) -> Entity {
        Entity {
            table_right: e.table_right.value().map(rights_t),
            field_properties: e.field_properties.value().map(fields),
            source_contact_id: e.source_contact_id,
            source_person_id: e.source_person_id,
            destination_contact_id: e.destination_contact_id,
            destination_person_id: e.destination_person_id,
            relation_id: e.relation_id,
            comment: v(&e.comment),
            relation_definition_id: e.relation_definition_id,
            reversed: e.reversed,
            updated_date: e.updated_date.clone(),
            created_date: e.created_date.clone(),
            created_by: e.created_by.value().map(associate),
            updated_by: e.updated_by.value().map(associate),
            source_contact_name: v(&e.source_contact_name),
            source_person_name: v(&e.source_person_name),
            destination_contact_name: v(&e.destination_contact_name),
            destination_person_name: v(&e.destination_person_name),
            active_text: v(&e.active_text),
            passive_text: v(&e.passive_text),
        }
    }

    fn time_zone(t: &m::SoTimeZone) -> TimeZone {
        TimeZone {
            ns: ns(),
            so_time_zone_id: t.so_time_zone_id,
            so_time_zone_location_code: v(&t.so_time_zone_location_code),
        }
    }

    /// The peer value of one of the bench's envelopes (SaveContactRelation, no nil).
    pub fn from_model(msg: &m::Message) -> Any {
        let xmlns_s = msg.version().namespace().to_string();
        match msg {
            m::Message::Request(e) => {
                let m::RequestBody::SaveContactRelation {
                    contact_relation_entity,
                } = &e.body
                else {
                    panic!("the bench builds SaveContactRelation requests only");
                };
                let h = &e.headers;
                Any::Request(Envelope {
                    xmlns_s,
                    header: RequestHeader {
                        application_token: h.application_token.value().map(|t| Text {
                            ns: ns(),
                            value: t.clone(),
                        }),
                        credentials: h.credentials.value().map(|c| Credentials {
                            ns: ns(),
                            ticket: v(&c.ticket),
                        }),
                        time_zone: h.time_zone.value().map(time_zone),
                    },
                    body: RequestBody {
                        save: SaveRequest {
                            ns: ns(),
                            contact_relation_entity: contact_relation_entity.value().map(entity),
                        },
                    },
                })
            }
            m::Message::Response(e) => {
                let m::ResponseBody::SaveContactRelation { response } = &e.body else {
                    panic!("the bench builds SaveContactRelation responses only");
                };
                let h = &e.headers;
                Any::Response(Envelope {
                    xmlns_s,
                    header: ResponseHeader {
                        extra_info: h.extra_info.value().map(|x| ExtraInfo {
                            ns: ns(),
                            pairs: x
                                .0
                                .iter()
                                .map(|kv| KeyValue {
                                    key: kv.key.clone().unwrap_or_default(),
                                    value: kv.value.clone().unwrap_or_default(),
                                })
                                .collect(),
                        }),
                        succeeded: h.succeeded.map(|b| Text { ns: ns(), value: b }),
                        time_zone: h.time_zone.value().map(time_zone),
                    },
                    body: ResponseBody {
                        save: SaveResponse {
                            ns: ns(),
                            response: response.value().map(entity),
                        },
                    },
                })
            }
            m::Message::Fault(_) => panic!("the bench builds no faults"),
        }
    }

    /// Serializes with quick-xml's serde serializer into `out` (the XML declaration
    /// first, as our encoder writes one).
    pub fn encode(v: &Any, out: &mut Vec<u8>) {
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        let r = match v {
            Any::Request(e) => quick_xml::se::to_utf8_io_writer(&mut *out, e),
            Any::Response(e) => quick_xml::se::to_utf8_io_writer(&mut *out, e),
        };
        r.expect("peer serializes");
    }

    /// Deserializes with quick-xml's serde deserializer.
    pub fn decode(text: &str, response: bool) -> Any {
        if response {
            Any::Response(quick_xml::de::from_str(text).expect("peer deserializes"))
        } else {
            Any::Request(quick_xml::de::from_str(text).expect("peer deserializes"))
        }
    }

    /// How many FieldProperties pairs a decoded peer holds (a sanity check).
    pub fn field_pairs(v: &Any) -> usize {
        let e = match v {
            Any::Request(r) => r.body.save.contact_relation_entity.as_ref(),
            Any::Response(r) => r.body.save.response.as_ref(),
        };
        e.and_then(|e| e.field_properties.as_ref())
            .map_or(0, |f| f.pairs.len())
    }
}

/// The limit for a decoder on quick-xml: the namespace-aware event loop, every element
/// and attribute name resolved, every text read (line ends normalised, as XML wants),
/// nothing built. Returns a checksum so nothing is optimised away.
fn ns_event_loop(text: &str) -> usize {
    let mut r = NsReader::from_str(text);
    let c = r.config_mut();
    c.check_end_names = true;
    c.trim_text(false);
    let mut sum = 0usize;
    loop {
        match r.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) => {
                let (res, local) = r.resolver().resolve_element(e.name());
                sum += local.as_ref().len();
                if let ResolveResult::Bound(ns) = res {
                    sum += ns.as_ref().len();
                }
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let (res, local) = r.resolver().resolve_attribute(a.key);
                    sum += local.as_ref().len() + a.value.len();
                    if let ResolveResult::Bound(ns) = res {
                        sum += ns.as_ref().len();
                    }
                }
            }
            Event::Text(t) => sum += t.xml10_content().len(),
            Event::GeneralRef(g) => sum += g.len(),
            Event::Eof => break,
            _ => {}
        }
    }
    sum
}

/// The decode limit of issue 16: quick-xml's raw `Reader`, no namespace resolution, every
/// element name, attribute (key and value) and text read (line ends normalised), nothing
/// built. Returns a checksum so nothing is optimised away.
fn raw_event_loop(text: &str) -> usize {
    let mut r = quick_xml::Reader::from_str(text);
    let c = r.config_mut();
    c.check_end_names = true;
    c.trim_text(false);
    let mut sum = 0usize;
    loop {
        match r.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) => {
                sum += e.name().as_ref().len();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    sum += a.key.as_ref().len() + a.value.len();
                }
            }
            Event::Text(t) => sum += t.xml10_content().len(),
            Event::GeneralRef(g) => sum += g.len(),
            Event::Eof => break,
            _ => {}
        }
    }
    sum
}

fn quick() -> bool {
    std::env::var_os("RC_BENCH_QUICK").is_some()
}

fn group_settings(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    if quick() {
        g.warm_up_time(Duration::from_millis(200));
        g.measurement_time(Duration::from_millis(500));
        g.sample_size(10);
    } else {
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(3));
        g.sample_size(30);
    }
}

fn bench_encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    group_settings(&mut g);
    for (name, msg) in envelopes() {
        let bytes = encoded(&msg);
        let peer_value = peer::from_model(&msg);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        let mut out = Vec::with_capacity(bytes.len() * 2);
        g.bench_with_input(BenchmarkId::new("ours", name), &msg, |b, m| {
            b.iter(|| {
                out.clear();
                encode(black_box(m), &mut out).expect("encodable");
                black_box(out.len())
            })
        });
        let mut out = Vec::with_capacity(bytes.len() * 2);
        g.bench_with_input(BenchmarkId::new("serde-peer", name), &peer_value, |b, p| {
            b.iter(|| {
                out.clear();
                peer::encode(black_box(p), &mut out);
                black_box(out.len())
            })
        });
        let mut out = Vec::with_capacity(bytes.len() * 2);
        g.bench_with_input(BenchmarkId::new("copy-limit", name), &bytes, |b, src| {
            b.iter(|| {
                out.clear();
                out.extend_from_slice(black_box(src));
                black_box(out.len())
            })
        });
    }
    g.finish();
}

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    group_settings(&mut g);
    for (name, msg) in envelopes() {
        let text = String::from_utf8(encoded(&msg)).expect("UTF-8");
        let response = matches!(msg, Message::Response(_));
        // The three readers agree on what they read.
        assert_eq!(decode(&text).expect("decodes"), msg);
        let expected_pairs = match &msg {
            Message::Response(e) => match &e.body {
                ResponseBody::SaveContactRelation {
                    response: Nillable::Value(r),
                } => r.field_properties.value().map_or(0, |f| f.0.len()),
                _ => 0,
            },
            _ => 0,
        };
        assert_eq!(
            peer::field_pairs(&peer::decode(&text, response)),
            expected_pairs
        );
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("ours", name), text.as_str(), |b, t| {
            b.iter(|| decode(black_box(t)).expect("decodes"))
        });
        g.bench_with_input(
            BenchmarkId::new("serde-peer", name),
            text.as_str(),
            |b, t| b.iter(|| peer::decode(black_box(t), response)),
        );
        g.bench_with_input(
            BenchmarkId::new("nsreader-limit", name),
            text.as_str(),
            |b, t| b.iter(|| ns_event_loop(black_box(t))),
        );
        g.bench_with_input(
            BenchmarkId::new("raw-limit", name),
            text.as_str(),
            |b, t| b.iter(|| raw_event_loop(black_box(t))),
        );
    }
    g.finish();
}

fn parse_options() -> ParserOptions<'static> {
    // Exactly what schema::validate parses with.
    relation_contract::schema::parse_options()
}

/// The SOAP 1.1 envelope schema compiled by libxml directly (its imports resolve beside it).
fn bare_schema() -> SchemaValidationContext {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/soap11-envelope.xsd");
    let mut parser = SchemaParserContext::from_file(path);
    SchemaValidationContext::from_parser(&mut parser).expect("schema compiles")
}

fn bare_validate(ctx: &mut SchemaValidationContext, bytes: &[u8]) -> bool {
    let doc = Parser::default()
        .parse_string_with_options(bytes, parse_options())
        .expect("parses");
    ctx.validate_document(&doc).is_ok()
}

fn bench_validate(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate");
    group_settings(&mut g);
    let mut ctx = bare_schema();
    for (name, msg) in envelopes() {
        let bytes = encoded(&msg);
        let doc = Document::from_bytes(name, &bytes);
        assert!(schema::validate(&doc, Profile::Wire).is_valid(), "{name}");
        assert!(bare_validate(&mut ctx, &bytes), "{name}");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("ours", name), &doc, |b, d| {
            b.iter(|| schema::validate(black_box(d), Profile::Wire))
        });
        assert!(pipeline::schema_fast(&doc, Profile::Wire, ContractChoice::Auto).is_some());
        g.bench_with_input(BenchmarkId::new("ours-fast", name), &doc, |b, d| {
            b.iter(|| pipeline::schema_fast(black_box(d), Profile::Wire, ContractChoice::Auto))
        });
        g.bench_with_input(BenchmarkId::new("bare-libxml", name), &bytes, |b, d| {
            b.iter(|| bare_validate(&mut ctx, black_box(d)))
        });
    }
    g.finish();
}

/// Shape diff of each envelope (as a capture) against the bundled documented example of
/// its operation and kind: canonicalise both, compare, redact.
fn bench_diff(c: &mut Criterion) {
    use relation_contract::diff::{DiffReport, Options};
    let mut g = c.benchmark_group("diff");
    group_settings(&mut g);
    let opts = Options::shape();
    for (name, msg) in envelopes() {
        let bytes = encoded(&msg);
        let doc = Document::from_bytes(name, &bytes);
        DiffReport::against_documented(&doc, &opts).expect("a documented example to diff with");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("shape-vs-documented", name),
            &doc,
            |b, d| {
                b.iter(|| {
                    DiffReport::against_documented(black_box(d), &opts)
                        .expect("diffs")
                        .differences
                        .len()
                })
            },
        );
    }
    g.finish();
}

/// The folder: 200 envelopes like a capture archive, in memory (file reading is not what
/// is measured): the three bench envelopes and the wire fixtures' valid ones, round robin.
fn folder() -> Vec<Vec<u8>> {
    let mut kinds: Vec<Vec<u8>> = envelopes().iter().map(|(_, m)| encoded(m)).collect();
    for f in [
        "SaveContactRelation.request.wcf.xml",
        "SaveContactRelation.response.wcf.xml",
        "SaveContactRelation.request.rights.xml",
        "SaveContactRelation.fault.client.xml",
    ] {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/wire")
            .join(f);
        kinds.push(std::fs::read(p).expect("fixture"));
    }
    (0..200).map(|i| kinds[i % kinds.len()].clone()).collect()
}

/// The folder on disk: the 200 envelopes as files in a temp dir, as a capture archive is.
fn folder_on_disk() -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (i, bytes) in folder().iter().enumerate() {
        let p = dir.path().join(format!("capture-{i:03}.xml"));
        std::fs::write(&p, bytes).expect("write");
        paths.push(p);
    }
    (dir, paths)
}

/// Whether xmllint is there to be measured beside us.
fn have_xmllint() -> bool {
    std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The folder group: every file read from disk and judged as `validate` judges it (the
/// walk, the capture reader, the whole pipeline: the schema stage, the HTTP, service and
/// SOAP rules, the secret redaction of the report), with each engine, in a pool of 1 and of
/// 2 threads; beside it, xmllint (`--noout --schema`) over the same files as one process
/// and as two processes that split them. One iteration is the folder's 200 files five times
/// over (1,000 documents: xmllint's start-up and schema compilation are spread as a
/// long-running validator's would be, and ours are warm). Throughput is in documents.
fn bench_folder(c: &mut Criterion) {
    use relation_contract::fixtures::{self, Options};
    use relation_contract::pipeline::Engine;
    const REPEAT: usize = 5;
    let (dir, paths) = folder_on_disk();
    let docs = paths.len() * REPEAT;
    let roots: Vec<std::path::PathBuf> = (0..REPEAT).map(|_| dir.path().to_path_buf()).collect();
    let mut g = c.benchmark_group("folder");
    group_settings(&mut g);
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.throughput(Throughput::Elements(docs as u64));
    let threads_max = std::thread::available_parallelism().map_or(2, |n| n.get().min(2));
    for engine in [Engine::Fast, Engine::Xsd] {
        for threads in [1, threads_max] {
            let opts = Options {
                profile: Profile::Wire,
                jobs: threads,
                engine,
                ..Options::default()
            };
            let run = || {
                let mut valid = 0usize;
                let r: Result<(), ()> = fixtures::validate(&roots, opts, &|| {}, |file| {
                    valid += file.items.iter().filter(|i| i.valid).count();
                    Ok(())
                });
                assert!(r.is_ok());
                valid
            };
            // Every worker compiles its schemas on first use: warm them before measuring.
            assert_eq!(run(), docs, "{engine:?}: the folder is valid");
            g.bench_function(
                BenchmarkId::new(
                    format!("validate-{}", engine.as_str()),
                    format!("{threads}-threads"),
                ),
                |b| b.iter(run),
            );
        }
    }
    if have_xmllint() {
        let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/soap11-envelope.xsd");
        let all: Vec<&std::path::PathBuf> = (0..REPEAT).flat_map(|_| paths.iter()).collect();
        let xmllint = |files: &[&std::path::PathBuf]| {
            std::process::Command::new("xmllint")
                .args(["--noout", "--schema", schema])
                .args(files)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("xmllint runs")
        };
        let run = |processes: usize| {
            let per = all.len().div_ceil(processes);
            let children: Vec<_> = all.chunks(per).map(xmllint).collect();
            for mut child in children {
                let status = child.wait().expect("xmllint ends");
                assert!(status.success(), "xmllint finds the folder invalid");
            }
        };
        run(1);
        for processes in [1, threads_max] {
            g.bench_function(
                BenchmarkId::new("xmllint", format!("{processes}-processes")),
                |b| b.iter(|| run(processes)),
            );
        }
    } else {
        eprintln!("folder: xmllint not found, its rows skipped (Debian: libxml2-utils)");
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_encode,
    bench_decode,
    bench_validate,
    bench_diff,
    bench_folder
);
/// `RC_BENCH_DUMP=DIR`: write the folder's 200 envelopes to DIR (for `benches/xmllint.sh`)
/// and measure nothing.
fn main() {
    if let Some(dir) = std::env::var_os("RC_BENCH_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        for (i, bytes) in folder().iter().enumerate() {
            std::fs::write(dir.join(format!("capture-{i:03}.xml")), bytes).expect("write");
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
