//! Test kit: proptest strategies over the whole contract domain, and a small XML editor,
//! shared by the property tests (`tests/props.rs`), benches and fuzz helpers.
//!
//! # How it is switched on
//!
//! The module is compiled for the crate's own unit tests (`cfg(test)`) and whenever the
//! cargo feature `testkit` is on; `proptest` is an optional dependency that only this
//! feature pulls in, so the library and the CLI never link it.
//!
//! Integration tests and benches get the feature through a *self dev-dependency* in
//! `Cargo.toml`:
//!
//! ```toml
//! [dev-dependencies]
//! relation-contract = { path = ".", features = ["testkit"] }
//! ```
//!
//! Cargo unifies that with the package itself, so a plain `cargo test` or `cargo bench`
//! builds the library with `testkit` and `relation_contract::testkit` is there, with no
//! `--features` flag and no `required-features` that would silently skip a target.
//!
//! # What the strategies cover
//!
//! - every member of [`ContactRelationEntity`], [`Associate`], the carrier parts and the
//!   header blocks absent, nil (where nillable) or present;
//! - the full `i32` / `i16` ranges, with their ends and zero drawn often;
//! - strings of any character XML 1.0 allows, with the troublemakers drawn often: `< & > " '`,
//!   `]]>`, CR, CRLF, TAB, LF, leading / trailing / only whitespace, NEL and LINE SEPARATOR,
//!   the ends of the legal ranges and astral-plane characters;
//! - every [`UserType`]; every subset of the mask flags, the empty set included;
//! - `FieldProperties` with 0..4 entries (nil keys and values included);
//! - `xs:dateTime` over years 0001..9999 (real calendar days), no zone, `Z` and offsets from
//!   -14:00 to +14:00, 0..7 fractional digits;
//! - SOAP 1.1 and 1.2, requests and responses of the four operations, each header block
//!   present or not, both header placements.
//!
//! [`message`] yields any message the model can express and the codec must carry;
//! [`conforming_message`] only those whose shape the profile of their SOAP version accepts
//! (SOAP 1.1 keeps its header blocks inside `Header`).

pub mod corpus;
pub mod edit;
pub mod table_doc;
pub mod timing;
pub mod xml;

use crate::contract::{Contract, SoapVersion};
use crate::model::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Re-exported so that users of the kit need not name proptest's version themselves.
pub use proptest;

/// A member that may be left out, nil, or hold a value from `inner`.
pub fn nillable<T: std::fmt::Debug + Clone + 'static>(
    inner: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Nillable<T>> {
    prop_oneof![
        1 => Just(Nillable::Absent),
        1 => Just(Nillable::Nil),
        3 => inner.prop_map(Nillable::Value),
    ]
}

/// Any `i32`, its ends, zero and ±1 drawn often.
pub fn int() -> impl Strategy<Value = i32> {
    prop_oneof![
        1 => prop::sample::select(vec![i32::MIN, i32::MIN + 1, -1, 0, 1, i32::MAX - 1, i32::MAX]),
        3 => any::<i32>(),
    ]
}

/// Any `i16`, its ends, zero and ±1 drawn often.
pub fn short() -> impl Strategy<Value = i16> {
    prop_oneof![
        1 => prop::sample::select(vec![i16::MIN, i16::MIN + 1, -1, 0, 1, i16::MAX - 1, i16::MAX]),
        3 => any::<i16>(),
    ]
}

/// Pieces that break naive XML writers and readers.
const NASTY: &[&str] = &[
    "<",
    "&",
    ">",
    "\"",
    "'",
    "]]>",
    "]]",
    "\r",
    "\r\n",
    "\n",
    "\t",
    " ",
    "  ",
    "&amp;",
    "&#xD;",
    "<![CDATA[",
    "-->",
    "<!--",
    "?>",
    "\u{85}",
    "\u{2028}",
    "\u{A0}",
    "\u{FEFF}",
    "\u{D7FF}",
    "\u{E000}",
    "\u{FFFD}",
    "\u{10000}",
    "\u{1F600}",
    "\u{10FFFF}",
    "æøå",
    "ß",
    "\u{301}",
];

/// One character XML 1.0 allows (`#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]`).
pub fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range(' ', '~'),
        1 => prop::sample::select(vec!['\t', '\n', '\r']),
        2 => prop::char::range('\u{20}', '\u{D7FF}'),
        1 => prop::char::range('\u{E000}', '\u{FFFD}'),
        1 => prop::char::range('\u{10000}', '\u{10FFFF}'),
    ]
}

/// A string of characters XML 1.0 allows, the troublemakers drawn often.
pub fn xml_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        2 => prop::sample::select(NASTY).prop_map(str::to_string),
        3 => vec(xml_char(), 1..6).prop_map(|v| v.into_iter().collect::<String>()),
    ];
    prop_oneof![
        1 => Just(String::new()),
        1 => vec(prop::sample::select(vec![" ", "\t", "\n", "\r", "\r\n"]), 1..4)
            .prop_map(|v| v.concat()),
        6 => vec(piece, 1..6).prop_map(|v| v.concat()),
    ]
}

/// A flag mask from any subset of the flags of `flags` that `contract` carries, the empty
/// set included.
fn mask<M: Mask + std::fmt::Debug + Default + std::ops::BitOr<Output = M> + 'static>(
    flags: &'static [(M, &'static str)],
    contract: Contract,
) -> impl Strategy<Value = M> {
    let carried = M::carried_by(contract).to_bits();
    let flags: Vec<M> = flags
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| f.to_bits() & carried != 0)
        .collect();
    vec(any::<bool>(), flags.len()).prop_map(move |bits| {
        flags
            .iter()
            .zip(bits)
            .filter(|(_, on)| *on)
            .fold(M::default(), |m, (f, _)| m | *f)
    })
}

/// Any set of the `ETableRight` flags of Services85, the empty one included.
pub fn table_right_mask() -> impl Strategy<Value = ETableRight> {
    table_right_mask_in(Contract::DEFAULT)
}

/// Any set of the `ETableRight` flags `contract` has, the empty one included.
pub fn table_right_mask_in(contract: Contract) -> impl Strategy<Value = ETableRight> {
    mask(ETableRight::FLAGS, contract)
}

/// Any set of the `EFieldRight` flags of Services85, the empty one included.
pub fn field_right_mask() -> impl Strategy<Value = EFieldRight> {
    field_right_mask_in(Contract::DEFAULT)
}

/// Any set of the `EFieldRight` flags `contract` has, the empty one included.
pub fn field_right_mask_in(contract: Contract) -> impl Strategy<Value = EFieldRight> {
    mask(EFieldRight::FLAGS, contract)
}

/// Every `UserType`.
pub fn user_type() -> impl Strategy<Value = UserType> {
    prop::sample::select(UserType::ALL.to_vec())
}

fn days_in_month(y: u16, m: u8) -> u8 {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// No zone, `Z`, or an offset from -14:00 to +14:00.
pub fn zone() -> impl Strategy<Value = Zone> {
    prop_oneof![
        1 => Just(Zone::None),
        1 => Just(Zone::Utc),
        1 => prop::sample::select(vec![-14 * 60, 14 * 60, 0, -1, 1]).prop_map(Zone::Offset),
        2 => (-14i16 * 60..=14 * 60).prop_map(Zone::Offset),
    ]
}

/// An `xs:dateTime` over years 0001..9999, with 0..7 fractional digits and any zone.
pub fn date_time() -> impl Strategy<Value = XsdDateTime> {
    let year = prop_oneof![
        1 => prop::sample::select(vec![1u16, 2, 1600, 1900, 2000, 9998, 9999]),
        3 => 1u16..=9999,
    ];
    (year, 1u8..=12)
        .prop_flat_map(|(y, m)| {
            (
                Just(y),
                Just(m),
                1..=days_in_month(y, m),
                0u8..24,
                0u8..60,
                0u8..60,
                vec(prop::char::range('0', '9'), 0..=7),
                zone(),
            )
        })
        .prop_map(|(y, mo, d, h, mi, s, frac, z)| {
            let frac: String = frac.into_iter().collect();
            XsdDateTime::new(y, mo, d, h, mi, s, &frac, z).expect("generated in range")
        })
}

/// A `TableRight`: its mask and reason each absent, nil or present.
pub fn table_right() -> BoxedStrategy<TableRight> {
    (option::of(table_right_mask()), nillable(xml_string()))
        .prop_map(|(mask, reason)| TableRight { mask, reason })
        .boxed()
}

/// A `FieldRight`: its mask and reason each absent, nil or present.
pub fn field_right() -> BoxedStrategy<FieldRight> {
    (option::of(field_right_mask()), nillable(xml_string()))
        .prop_map(|(mask, reason)| FieldRight { mask, reason })
        .boxed()
}

/// One `FieldProperty` entry's value (right, type, length).
pub fn field_property() -> BoxedStrategy<FieldProperty> {
    (
        nillable(field_right()),
        nillable(xml_string()),
        option::of(int()),
    )
        .prop_map(|(field_right, field_type, field_length)| FieldProperty {
            field_right,
            field_type,
            field_length,
        })
        .boxed()
}

/// 0..4 entries; `None` keys and values are nil.
pub fn field_properties() -> BoxedStrategy<FieldPropertyDictionary> {
    vec(
        (
            option::weighted(0.8, xml_string()),
            option::weighted(0.7, field_property()),
        )
            .prop_map(|(key, value)| FieldPropertyEntry { key, value }),
        0..4,
    )
    .prop_map(FieldPropertyDictionary)
    .boxed()
}

/// An `Associate` with every member absent, nil or present.
pub fn associate() -> BoxedStrategy<Associate> {
    (
        (
            nillable(table_right()),
            nillable(field_properties()),
            option::of(int()),
            nillable(xml_string()),
            option::of(int()),
            option::of(short()),
            nillable(xml_string()),
        ),
        (
            option::of(user_type()),
            option::of(int()),
            nillable(xml_string()),
            nillable(xml_string()),
            option::of(any::<bool>()),
            option::of(int()),
        ),
    )
        .prop_map(
            |(
                (table_right, field_properties, associate_id, name, person_id, rank, tooltip),
                (user_type, group_idx, full_name, formal_name, deleted, ej_user_id),
            )| Associate {
                table_right,
                field_properties,
                associate_id,
                name,
                person_id,
                rank,
                tooltip,
                user_type,
                group_idx,
                full_name,
                formal_name,
                deleted,
                ej_user_id,
                // The members later versions add: absent, as Services85 has them.
                user_name: Nillable::Absent,
                extra_fields: Nillable::Absent,
                custom_fields: Nillable::Absent,
            },
        )
        .boxed()
}

/// Any `ContactRelationEntity`.
pub fn entity() -> BoxedStrategy<ContactRelationEntity> {
    (
        (
            nillable(table_right()),
            nillable(field_properties()),
            option::of(int()),
            option::of(int()),
            option::of(int()),
            option::of(int()),
            option::of(int()),
            nillable(xml_string()),
            option::of(int()),
            option::of(short()),
        ),
        (
            option::of(date_time()),
            option::of(date_time()),
            nillable(associate()),
            nillable(associate()),
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
        ),
    )
        .prop_map(|(a, b)| ContactRelationEntity {
            table_right: a.0,
            field_properties: a.1,
            source_contact_id: a.2,
            source_person_id: a.3,
            destination_contact_id: a.4,
            destination_person_id: a.5,
            relation_id: a.6,
            comment: a.7,
            relation_definition_id: a.8,
            reversed: a.9,
            updated_date: b.0,
            created_date: b.1,
            created_by: b.2,
            updated_by: b.3,
            source_contact_name: b.4,
            source_person_name: b.5,
            destination_contact_name: b.6,
            destination_person_name: b.7,
            active_text: b.8,
            passive_text: b.9,
        })
        .boxed()
}

/// An entity whose map keys are all present, so it has a JSON form (a nil dictionary
/// key cannot be a JSON object key).
pub fn json_entity() -> BoxedStrategy<ContactRelationEntity> {
    entity()
        .prop_map(|mut e| {
            let fix = |d: &mut Nillable<FieldPropertyDictionary>| {
                if let Nillable::Value(d) = d {
                    for en in &mut d.0 {
                        en.key.get_or_insert_with(String::new);
                    }
                }
            };
            fix(&mut e.field_properties);
            for a in [&mut e.created_by, &mut e.updated_by] {
                if let Nillable::Value(a) = a {
                    fix(&mut a.field_properties);
                }
            }
            e
        })
        .boxed()
}

/// A `TimeZone` header block's content.
pub fn time_zone() -> BoxedStrategy<SoTimeZone> {
    (option::of(int()), nillable(xml_string()))
        .prop_map(|(id, code)| SoTimeZone {
            so_time_zone_id: id,
            so_time_zone_location_code: code,
        })
        .boxed()
}

/// The request header blocks, each absent, nil or present.
pub fn request_headers() -> BoxedStrategy<RequestHeaders> {
    (
        nillable(xml_string()),
        nillable(nillable(xml_string()).prop_map(|ticket| SoCredentials { ticket })),
        nillable(time_zone()),
    )
        .prop_map(
            |(application_token, credentials, time_zone)| RequestHeaders {
                application_token,
                credentials,
                time_zone,
            },
        )
        .boxed()
}

/// A key/value pair of `ExtraInfo` or `Parameters`, either side absent.
pub fn key_value() -> BoxedStrategy<KeyValue> {
    (
        option::weighted(0.8, xml_string()),
        option::weighted(0.8, xml_string()),
    )
        .prop_map(|(key, value)| KeyValue { key, value })
        .boxed()
}

/// `SoExceptionInfo`, nesting `InnerException` up to two levels.
pub fn exception_info() -> BoxedStrategy<SoExceptionInfo> {
    let leaf = Just(Nillable::<Box<SoExceptionInfo>>::Absent).boxed();
    let level = |inner: BoxedStrategy<Nillable<Box<SoExceptionInfo>>>| {
        (
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
            nillable(xml_string()),
            inner,
            nillable(vec(key_value(), 0..3)),
        )
            .prop_map(
                |(message, stack_trace, friendly_text, exception_type, source, inner, params)| {
                    SoExceptionInfo {
                        message,
                        stack_trace,
                        friendly_text,
                        exception_type,
                        source,
                        inner_exception: inner,
                        parameters: params,
                    }
                },
            )
    };
    let one = level(leaf).boxed();
    let two = level(nillable(one.clone().prop_map(Box::new)).boxed()).boxed();
    level(nillable(two.prop_map(Box::new)).boxed()).boxed()
}

/// The response header blocks, each absent, nil or present.
pub fn response_headers() -> BoxedStrategy<ResponseHeaders> {
    (
        nillable(exception_info()),
        nillable(vec(key_value(), 0..3).prop_map(SoExtraInfo)),
        option::of(any::<bool>()),
        nillable(time_zone()),
    )
        .prop_map(
            |(exception_info, extra_info, succeeded, time_zone)| ResponseHeaders {
                exception_info,
                extra_info,
                succeeded,
                time_zone,
            },
        )
        .boxed()
}

/// The Body of a request of any of the four operations.
pub fn request_body() -> BoxedStrategy<RequestBody> {
    prop_oneof![
        1 => Just(RequestBody::CreateDefaultContactRelationEntity),
        1 => option::of(int()).prop_map(|id| RequestBody::GetContactRelationEntity {
            contact_relation_entity_id: id
        }),
        1 => option::of(int()).prop_map(|id| RequestBody::DeleteContactRelation {
            contact_relation_entity_id: id
        }),
        4 => nillable(entity()).prop_map(|e| RequestBody::SaveContactRelation {
            contact_relation_entity: e
        }),
    ]
    .boxed()
}

/// The Body of a response of any of the four operations.
pub fn response_body() -> BoxedStrategy<ResponseBody> {
    prop_oneof![
        1 => nillable(entity())
            .prop_map(|response| ResponseBody::CreateDefaultContactRelationEntity { response }),
        1 => nillable(entity())
            .prop_map(|response| ResponseBody::GetContactRelationEntity { response }),
        3 => nillable(entity()).prop_map(|response| ResponseBody::SaveContactRelation { response }),
        1 => Just(ResponseBody::DeleteContactRelation),
    ]
    .boxed()
}

/// SOAP 1.1 or 1.2.
pub fn soap_version() -> impl Strategy<Value = SoapVersion> {
    prop_oneof![Just(SoapVersion::V11), Just(SoapVersion::V12)]
}

/// Header blocks inside `Header` or loose under `Envelope`.
pub fn placement() -> impl Strategy<Value = HeaderPlacement> {
    prop_oneof![
        Just(HeaderPlacement::InHeader),
        Just(HeaderPlacement::Loose)
    ]
}

fn any_request_header(h: &RequestHeaders) -> bool {
    !(h.application_token.is_absent() && h.credentials.is_absent() && h.time_zone.is_absent())
}

fn any_response_header(h: &ResponseHeaders) -> bool {
    !(h.exception_info.is_absent()
        && h.extra_info.is_absent()
        && h.succeeded.is_none()
        && h.time_zone.is_absent())
}

/// Header placement is only visible when there is a header block: with none, the
/// envelope reads back as [`HeaderPlacement::InHeader`] (the default), so generated
/// messages say so too.
fn settle(placement: HeaderPlacement, any_header: bool) -> HeaderPlacement {
    if any_header {
        placement
    } else {
        HeaderPlacement::InHeader
    }
}

/// A request envelope of a version and a placement drawn from the strategies given.
pub fn request(
    version: impl Strategy<Value = SoapVersion>,
    placement: impl Strategy<Value = HeaderPlacement>,
) -> impl Strategy<Value = RequestEnvelope> {
    (version, placement, request_headers(), request_body()).prop_map(|(v, p, headers, body)| {
        Envelope {
            version: v,
            header_placement: settle(p, any_request_header(&headers)),
            headers,
            body,
        }
    })
}

/// A response envelope of a version and a placement drawn from the strategies given.
pub fn response(
    version: impl Strategy<Value = SoapVersion>,
    placement: impl Strategy<Value = HeaderPlacement>,
) -> impl Strategy<Value = ResponseEnvelope> {
    (version, placement, response_headers(), response_body()).prop_map(|(v, p, headers, body)| {
        Envelope {
            version: v,
            header_placement: settle(p, any_response_header(&headers)),
            headers,
            body,
        }
    })
}

/// Any request or response, either SOAP version, either header placement.
pub fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        request(soap_version(), placement()).prop_map(Message::Request),
        response(soap_version(), placement()).prop_map(Message::Response),
    ]
}

/// A request or response in the shape its version's profile wants: SOAP 1.1 (`wire`)
/// with header blocks inside `Header`; SOAP 1.2 (`documented`) with them loose or inside
/// `Header` (that profile accepts both).
pub fn conforming_message() -> impl Strategy<Value = Message> {
    let v11 = || (Just(SoapVersion::V11), Just(HeaderPlacement::InHeader));
    let v12 = || (Just(SoapVersion::V12), placement());
    prop_oneof![
        v11().prop_flat_map(|(v, p)| request(Just(v), Just(p)).prop_map(Message::Request)),
        v12().prop_flat_map(|(v, p)| request(Just(v), Just(p)).prop_map(Message::Request)),
        v11().prop_flat_map(|(v, p)| response(Just(v), Just(p)).prop_map(Message::Response)),
        v12().prop_flat_map(|(v, p)| response(Just(v), Just(p)).prop_map(Message::Response)),
    ]
}
