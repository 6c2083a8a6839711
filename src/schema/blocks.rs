//! Header blocks as SOAP sees them, checked once for every block of the envelope (a child of
//! any `Header`, or a declared block loose under `Envelope`), whatever else is wrong with it
//! and whether or not libxml2 validates it:
//!
//! - **a near miss**: a block in `Header` named like one of the contract's own
//!   (`Credentials`, `ApplicationToken`, `TimeZone`, `ExceptionInfo`, `ExtraInfo`,
//!   `Succeeded`) but in another namespace (`.../Services84`, a trailing slash, other case,
//!   none) is `xsd.namespace`, as a payload member in the wrong namespace is. The Header's
//!   lax wildcard would skip it, and the service would never see the block it needs.
//!   Blocks of other names stay SOAP's business (`rules::soap`).
//! - **SOAP's own attributes**, their values held to the envelope schema's types: SOAP 1.1
//!   `mustUnderstand` (`xs:boolean` restricted to `0|1`), `actor` (`xs:anyURI`),
//!   `encodingStyle` (a list of `xs:anyURI`); SOAP 1.2 `mustUnderstand` and `relay`
//!   (`xs:boolean`), `role` and `encodingStyle` (`xs:anyURI`). Each value is collapsed
//!   (their `whiteSpace` is `collapse`) and checked with libxml2's own built-in type check,
//!   so a foreign block gets the verdict libxml2's lax validation gave it before, and a
//!   block of the contract (whose declared type has no attributes: libxml2 says "not
//!   allowed", which `messages` drops, as SOAP allows them there) gets the same. libxml2's
//!   own findings for SOAP attributes on header blocks are dropped (`messages`): one
//!   finding per bad attribute, `xsd.value` (`xsd.list` for SOAP 1.1's `encodingStyle`, a
//!   list type, as libxml2 calls it).

#![forbid(unsafe_code)]

use super::ffi::{self, Node};
use super::found::{keep, ns_words, Found};
use crate::contract::{Contract, SoapVersion, REQUEST_HEADERS, RESPONSE_HEADERS};
use crate::text::lexical::{collapse, list_items};
use crate::violation::Code;

/// Whether `local` names a header block the WSDL declares.
pub fn is_declared_header(local: &str) -> bool {
    REQUEST_HEADERS.contains(&local) || RESPONSE_HEADERS.contains(&local)
}

/// Whether `n` stands in a SOAP `Header` of `env_ns`, named like a block of the contract,
/// in another namespace than the contract's.
pub fn is_near_miss(n: Node<'_>, env_ns: &str, contract: Contract) -> bool {
    n.namespace().as_deref() != Some(contract.namespace())
        && is_declared_header(&n.local_name())
        && n.parent()
            .is_some_and(|p| p.local_name() == "Header" && p.namespace().as_deref() == Some(env_ns))
}

/// The findings on one header block at `path`: its namespace when it stands in a `Header`
/// (`in_header`), and SOAP's attributes on it.
pub fn check(
    block: Node<'_>,
    path: &str,
    version: SoapVersion,
    contract: Contract,
    in_header: bool,
    found: &mut Vec<Found>,
) {
    let env_ns = version.namespace();
    let local = block.local_name();
    let payload_ns = contract.namespace();
    if in_header && block.namespace().as_deref() != Some(payload_ns) && is_declared_header(&local) {
        keep(
            found,
            Found::new(
                Code::XsdNamespace,
                path,
                format!(
                    "the header block {local} is in {}, but the contract declares {local} in \
                     the {contract} namespace ({payload_ns}): the service does not read it",
                    ns_words(block.namespace().as_deref())
                ),
            ),
        );
    }
    if !block.has_attributes() {
        return;
    }
    for attr in attributes(version) {
        let Some(value) = block.attribute(env_ns, attr.name) else {
            continue;
        };
        if let Some((code, why)) = (attr.check)(&collapse(&value)) {
            keep(
                found,
                Found::new(
                    code,
                    path,
                    format!(
                        "{local}: {}=\"{}\" {why} ({})",
                        attr.name,
                        shown(&value),
                        attr.section
                    ),
                ),
            );
        }
    }
}

/// One SOAP attribute of header blocks: its name, the check of its collapsed value (the
/// finding's code and words when it is bad) and where SOAP defines it.
struct Attr {
    name: &'static str,
    check: fn(&str) -> Option<(Code, String)>,
    section: &'static str,
}

fn attributes(version: SoapVersion) -> &'static [Attr] {
    const V11: &[Attr] = &[
        Attr {
            name: "mustUnderstand",
            check: must_understand_11,
            section: "SOAP 1.1 section 4.2.3",
        },
        Attr {
            name: "actor",
            check: any_uri,
            section: "SOAP 1.1 section 4.2.2",
        },
        Attr {
            name: "encodingStyle",
            check: uri_list,
            section: "SOAP 1.1 section 4.1.1",
        },
    ];
    const V12: &[Attr] = &[
        Attr {
            name: "mustUnderstand",
            check: boolean,
            section: "SOAP 1.2 part 1, section 5.2.3",
        },
        Attr {
            name: "relay",
            check: boolean,
            section: "SOAP 1.2 part 1, section 5.2.4",
        },
        Attr {
            name: "role",
            check: any_uri,
            section: "SOAP 1.2 part 1, section 5.2.2",
        },
        Attr {
            name: "encodingStyle",
            check: any_uri,
            section: "SOAP 1.2 part 1, section 5.1.1",
        },
    ];
    match version {
        SoapVersion::V11 => V11,
        SoapVersion::V12 => V12,
    }
}

/// SOAP 1.1's mustUnderstand: `0` or `1` (`xs:boolean` restricted by the pattern `0|1`).
fn must_understand_11(v: &str) -> Option<(Code, String)> {
    (!matches!(v, "0" | "1")).then(|| {
        (
            Code::XsdValue,
            "is not a SOAP 1.1 mustUnderstand value: it is 0 or 1".to_string(),
        )
    })
}

fn boolean(v: &str) -> Option<(Code, String)> {
    (!ffi::is_valid_builtin("boolean", v)).then(|| {
        (
            Code::XsdValue,
            "is not an xs:boolean: true, false, 1 or 0".to_string(),
        )
    })
}

fn any_uri(v: &str) -> Option<(Code, String)> {
    (!ffi::is_valid_builtin("anyURI", v))
        .then(|| (Code::XsdValue, "is not a URI (xs:anyURI)".to_string()))
}

/// A list of URIs, separated by whitespace (none is an empty list).
fn uri_list(v: &str) -> Option<(Code, String)> {
    let bad = list_items(v).find(|item| !ffi::is_valid_builtin("anyURI", item))?;
    Some((
        Code::XsdList,
        format!(
            "is not a list of URIs: '{}' is not a URI (xs:anyURI)",
            shown(bad)
        ),
    ))
}

/// A value as a message shows it: at most 80 characters, whitespace other than the space
/// and control characters written as `\u{..}` (a no-break space is seen so).
fn shown(v: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in v.chars().enumerate() {
        if i == MAX {
            out.push_str("...");
            break;
        }
        if c != ' ' && (c.is_whitespace() || c.is_control()) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Document;
    use crate::contract::{Profile, NS_SERVICES85, NS_SOAP11, NS_SOAP12};

    const MINIMAL: &str =
        include_str!("../../fixtures/wire/SaveContactRelation.request.minimal.xml");
    const DOCUMENTED: &str =
        include_str!("../../fixtures/documented/SaveContactRelation.request.xml");

    fn run(text: &str, profile: Profile) -> Vec<(Code, String, String)> {
        crate::schema::validate(&Document::from_bytes("t", text.as_bytes()), profile)
            .violations
            .into_iter()
            .map(|v| (v.code, v.element, v.message))
            .collect()
    }

    fn codes(text: &str, profile: Profile) -> Vec<(Code, String)> {
        run(text, profile)
            .into_iter()
            .map(|(c, p, _)| (c, p))
            .collect()
    }

    /// The minimal wire request with `block` added to its Header, after Credentials.
    fn with_block(block: &str) -> String {
        MINIMAL.replacen("  </s:Header>", &format!("{block}\n  </s:Header>"), 1)
    }

    /// The minimal wire request with these attributes on its Credentials block.
    fn credentials_with(attributes: &str) -> String {
        let from = format!("<Credentials xmlns=\"{NS_SERVICES85}\">");
        assert!(MINIMAL.contains(&from));
        MINIMAL.replacen(
            &from,
            &format!("<Credentials xmlns=\"{NS_SERVICES85}\" {attributes}>"),
            1,
        )
    }

    fn at(code: Code, path: &str) -> Vec<(Code, String)> {
        vec![(code, path.to_string())]
    }

    #[test]
    fn the_fixtures_are_valid_so_the_tests_below_see_only_their_change() {
        assert_eq!(codes(MINIMAL, Profile::Wire), vec![]);
        assert_eq!(codes(DOCUMENTED, Profile::Documented), vec![]);
    }

    #[test]
    fn a_block_of_the_contracts_name_in_another_namespace_is_xsd_namespace() {
        let s84 = "http://www.superoffice.net/ws/crm/NetServer/Services84";
        let upper = NS_SERVICES85.replace("superoffice", "SuperOffice");
        for (block, path, ns) in [
            (
                format!("<TimeZone xmlns=\"{s84}\"><SoTimeZoneId>1</SoTimeZoneId></TimeZone>"),
                "TimeZone",
                s84.to_string(),
            ),
            (
                format!("<TimeZone xmlns=\"{NS_SERVICES85}/\"/>"),
                "TimeZone",
                format!("{NS_SERVICES85}/"),
            ),
            (
                format!("<ApplicationToken xmlns=\"{upper}\">x</ApplicationToken>"),
                "ApplicationToken",
                upper.clone(),
            ),
            (
                "<Succeeded xmlns=\"urn:x\">true</Succeeded>".to_string(),
                "Succeeded",
                "urn:x".to_string(),
            ),
            (
                "<ExtraInfo/>".to_string(),
                "ExtraInfo",
                "no namespace".to_string(),
            ),
            (
                "<s:ExceptionInfo/>".to_string(),
                "ExceptionInfo",
                NS_SOAP11.to_string(),
            ),
        ] {
            let found = run(&with_block(&block), Profile::Wire);
            let expected = format!("/Envelope/Header/{path}");
            assert_eq!(found.len(), 1, "{block}: {found:?}");
            let (code, element, message) = &found[0];
            assert_eq!(
                (*code, element.as_str()),
                (Code::XsdNamespace, expected.as_str()),
                "{block}"
            );
            // The message names the namespace found and the one expected.
            assert!(
                message.contains(&ns) && message.contains(NS_SERVICES85),
                "{message}"
            );
        }
        // A no-namespace Credentials: the block is named, once, and the request has none.
        let text = MINIMAL.replacen(
            &format!("<Credentials xmlns=\"{NS_SERVICES85}\">"),
            "<Credentials xmlns=\"\">",
            1,
        );
        assert_eq!(
            codes(&text, Profile::Wire),
            at(Code::XsdNamespace, "/Envelope/Header/Credentials")
        );
        // In a SOAP 1.2 Header too.
        let text = DOCUMENTED.replacen(
            "<Relation:ApplicationToken>",
            "<SOAP-ENV:Header><TimeZone xmlns=\"urn:x\"/></SOAP-ENV:Header>\n  <Relation:ApplicationToken>",
            1,
        );
        assert_eq!(
            codes(&text, Profile::Documented),
            at(Code::XsdNamespace, "/Envelope/Header/TimeZone")
        );
    }

    #[test]
    fn only_blocks_of_the_contracts_names_in_a_header_are_near_misses() {
        // Another name in no namespace: not declared in Header, as before.
        assert_eq!(
            codes(&with_block("<Ticket xmlns=\"\">t</Ticket>"), Profile::Wire),
            at(Code::XsdUnexpected, "/Envelope/Header/Ticket")
        );
        // The contract's name in no namespace in the Body: the payload's finding (libxml2's
        // "not expected", refined), not taken for a header block's.
        let body = MINIMAL.replacen("<s:Body>", "<s:Body><Credentials xmlns=\"\"/>", 1);
        assert_eq!(
            codes(&body, Profile::Wire),
            at(Code::XsdNamespace, "/Envelope/Body/Credentials")
        );
        // A Header after a loose block is still no first Header (documented shape).
        let late = DOCUMENTED.replacen(
            " <SOAP-ENV:Body>",
            "<SOAP-ENV:Header/>\n <SOAP-ENV:Body>",
            1,
        );
        assert_eq!(
            codes(&late, Profile::Documented),
            at(Code::SoapEnvelopeContent, "/Envelope/Header")
        );
    }

    #[test]
    fn an_attribute_finding_is_never_taken_back_for_its_elements_text() {
        // Inside a foreign block libxml2 checks SOAP's attribute laxly; the element's own
        // text (" urn:a ", whitespace around a valid URI) does not excuse the attribute.
        let text = with_block("<x:F xmlns:x=\"urn:x\"><x:g s:actor=\"%zz\"> urn:a </x:g></x:F>");
        assert_eq!(
            codes(&text, Profile::Wire),
            at(Code::XsdValue, "/Envelope/Header/F/g")
        );
    }

    #[test]
    fn blocks_of_other_names_and_namespaces_stay_valid() {
        // WS-Addressing blocks as zeep adds them, and anything else without mustUnderstand.
        let wsa = "http://www.w3.org/2005/08/addressing";
        let text = with_block(&format!(
            "<wsa:To xmlns:wsa=\"{wsa}\">http://example.invalid/Relation.svc</wsa:To>\
             <wsa:Action xmlns:wsa=\"{wsa}\" s:mustUnderstand=\"0\">urn:a</wsa:Action>\
             <wsa:MessageID xmlns:wsa=\"{wsa}\" s:actor=\"\">urn:uuid:1</wsa:MessageID>\
             <x:Ticket xmlns:x=\"urn:x\"/><Tracing xmlns=\"urn:t\"><TimeZone/></Tracing>"
        ));
        assert_eq!(codes(&text, Profile::Wire), vec![]);
    }

    #[test]
    fn soap_attribute_values_are_checked_on_every_block_once() {
        for (attrs, code) in [
            ("s:mustUnderstand=\"2\"", Code::XsdValue),
            ("s:mustUnderstand=\"yes\"", Code::XsdValue),
            ("s:mustUnderstand=\"true \"", Code::XsdValue),
            ("s:mustUnderstand=\"\"", Code::XsdValue),
            ("s:actor=\"%zz\"", Code::XsdValue),
            ("s:actor=\"a#b#c\"", Code::XsdValue),
            ("s:encodingStyle=\"http://a %zz\"", Code::XsdList),
        ] {
            // On the contract's own block...
            let own = credentials_with(attrs);
            assert_eq!(
                codes(&own, Profile::Wire),
                at(code, "/Envelope/Header/Credentials"),
                "{attrs}"
            );
            // ...and on a foreign one: the same single finding.
            let foreign = with_block(&format!("<x:F xmlns:x=\"urn:x\" {attrs}/>"));
            assert_eq!(
                codes(&foreign, Profile::Wire),
                at(code, "/Envelope/Header/F"),
                "{attrs}"
            );
        }
        for attrs in [
            "s:mustUnderstand=\"0\"",
            "s:mustUnderstand=\"1\"",
            // Collapsed first, as the attribute's type says.
            "s:mustUnderstand=\" 1 \"",
            "s:mustUnderstand=\"&#9;0&#10;\"",
            "s:actor=\"http://schemas.xmlsoap.org/soap/actor/next\"",
            "s:actor=\"\"",
            "s:actor=\" urn:a \"",
            "s:encodingStyle=\"\"",
            "s:encodingStyle=\" http://a  urn:b \"",
        ] {
            assert_eq!(
                codes(&credentials_with(attrs), Profile::Wire),
                vec![],
                "{attrs}"
            );
        }
        // Another namespace's attribute of the same name is not SOAP's: on the contract's
        // block the payload schema refuses it, on a foreign block the lax wildcard skips it.
        let other = "xmlns:q=\"urn:q\" q:mustUnderstand=\"2\"";
        assert_eq!(
            codes(&credentials_with(other), Profile::Wire),
            at(Code::XsdAttribute, "/Envelope/Header/Credentials")
        );
        let foreign = with_block(&format!("<x:F xmlns:x=\"urn:x\" {other}/>"));
        assert_eq!(codes(&foreign, Profile::Wire), vec![]);
        let found = run(&credentials_with("s:mustUnderstand=\"2\""), Profile::Wire);
        assert_eq!(
            found[0].2,
            "Credentials: mustUnderstand=\"2\" is not a SOAP 1.1 mustUnderstand value: it is 0 \
             or 1 (SOAP 1.1 section 4.2.3)"
        );
    }

    #[test]
    fn soap_attributes_are_checked_where_libxml2_does_not_validate_the_block() {
        // Two Bodies: the parts are validated one by one and foreign blocks not at all, but
        // their SOAP attributes are still checked, in every Header.
        let text = with_block("<x:F xmlns:x=\"urn:x\" s:mustUnderstand=\"yes\"/>")
            .replacen("</s:Body>", "</s:Body><s:Body/>", 1)
            .replacen(
                "</s:Header>",
                "</s:Header><s:Header><y:G xmlns:y=\"urn:y\" s:actor=\"%zz\"/></s:Header>",
                1,
            );
        let found = codes(&text, Profile::Wire);
        assert!(
            found.contains(&(Code::XsdValue, "/Envelope/Header/F".to_string())),
            "{found:?}"
        );
        assert!(
            found.contains(&(Code::XsdValue, "/Envelope/Header[2]/G".to_string())),
            "{found:?}"
        );
        // A loose block (the documentation's shape) is a header block too; on the wire it is
        // misplaced as well.
        let loose = MINIMAL
            .replacen("<s:Header>", "", 1)
            .replacen("</s:Header>", "", 1)
            .replacen(
                &format!("<Credentials xmlns=\"{NS_SERVICES85}\">"),
                &format!("<Credentials xmlns=\"{NS_SERVICES85}\" s:mustUnderstand=\"2\">"),
                1,
            );
        assert_eq!(
            codes(&loose, Profile::Wire),
            vec![
                (
                    Code::SoapHeaderPlacement,
                    "/Envelope/Credentials".to_string()
                ),
                (Code::XsdValue, "/Envelope/Credentials".to_string()),
            ]
        );
        // SOAP's attributes on the payload stay the payload schema's: not allowed there.
        let payload = MINIMAL.replacen(
            "<ContactRelationEntity>",
            "<ContactRelationEntity s:mustUnderstand=\"2\">",
            1,
        );
        assert_eq!(
            codes(&payload, Profile::Wire),
            at(
                Code::XsdAttribute,
                "/Envelope/Body/SaveContactRelation/ContactRelationEntity"
            )
        );
    }

    #[test]
    fn soap_12_attributes_are_held_to_soap_12() {
        let header = |attrs: &str| {
            DOCUMENTED.replacen(
                "<Relation:ApplicationToken>",
                &format!(
                    "<SOAP-ENV:Header><x:F xmlns:x=\"urn:x\" {attrs}/></SOAP-ENV:Header>\n  \
                     <Relation:ApplicationToken>"
                ),
                1,
            )
        };
        let loose = |attrs: &str| {
            DOCUMENTED.replacen(
                "<Relation:Credentials>",
                &format!("<Relation:Credentials {attrs}>"),
                1,
            )
        };
        for attrs in [
            "SOAP-ENV:mustUnderstand=\"yes\"",
            "SOAP-ENV:relay=\"2\"",
            "SOAP-ENV:role=\"%zz\"",
            // SOAP 1.2's encodingStyle is one URI, no list.
            "SOAP-ENV:encodingStyle=\"%zz\"",
        ] {
            assert_eq!(
                codes(&header(attrs), Profile::Documented),
                at(Code::XsdValue, "/Envelope/Header/F"),
                "{attrs}"
            );
            assert_eq!(
                codes(&loose(attrs), Profile::Documented),
                at(Code::XsdValue, "/Envelope/Credentials"),
                "{attrs}"
            );
        }
        for attrs in [
            "SOAP-ENV:mustUnderstand=\" false \"",
            "SOAP-ENV:relay=\"1\"",
            "SOAP-ENV:role=\"http://www.w3.org/2003/05/soap-envelope/role/next\"",
            "SOAP-ENV:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\"",
        ] {
            assert_eq!(
                codes(&header(attrs), Profile::Documented),
                vec![],
                "{attrs}"
            );
            assert_eq!(codes(&loose(attrs), Profile::Documented), vec![], "{attrs}");
        }
        // SOAP 1.1's attributes are no SOAP attributes in a SOAP 1.2 envelope (and the other
        // way round): skipped on a foreign block, refused by the contract's block's type.
        let v11 = format!("xmlns:o=\"{NS_SOAP11}\" o:mustUnderstand=\"2\"");
        assert_eq!(codes(&header(&v11), Profile::Documented), vec![]);
        assert_eq!(
            codes(&loose(&v11), Profile::Documented),
            at(Code::XsdAttribute, "/Envelope/Credentials")
        );
        let v12 = format!("xmlns:t=\"{NS_SOAP12}\" t:mustUnderstand=\"2\" t:role=\"%zz\"");
        let foreign = with_block(&format!("<x:F xmlns:x=\"urn:x\" {v12}/>"));
        assert_eq!(codes(&foreign, Profile::Wire), vec![]);
    }

    #[test]
    fn every_block_is_checked_in_linear_time() {
        let doc = |n: usize| {
            let foreign = "<y:G xmlns:y=\"urn:y\" s:mustUnderstand=\" 0 \" s:actor=\"urn:a\" \
                           s:encodingStyle=\"urn:a urn:b\"/>\n";
            with_block(&format!("{}<TimeZone xmlns=\"urn:x\"/>", foreign.repeat(n)))
        };
        let (small, large) = (doc(10_000), doc(20_000));
        crate::testkit::timing::assert_linear(
            "header blocks",
            small.as_str(),
            large.as_str(),
            |t| {
                let found = codes(t, Profile::Wire);
                assert_eq!(found, at(Code::XsdNamespace, "/Envelope/Header/TimeZone"));
            },
        );
    }

    #[test]
    fn shown_values_are_short_and_visible() {
        let long = "é".repeat(100);
        assert_eq!(shown(&long), format!("{}...", "é".repeat(80)));
        assert_eq!(shown(&"é".repeat(80)), "é".repeat(80));
        assert_eq!(shown("1\u{a0}\t2 3"), "1\\u{a0}\\u{9}2 3");
    }
}
