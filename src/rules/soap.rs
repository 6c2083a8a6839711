//! SOAP's own header semantics, applied once: a header block the contract does not declare
//! for the message (not one of [`REQUEST_HEADERS`] in a request, of [`RESPONSE_HEADERS`] in
//! a response or a fault, of either when the Body does not say which, in the Services85
//! namespace) marked `mustUnderstand` is a finding, `soap.must-understand`: the receiver
//! must fault on a block it does not understand (SOAP 1.1 section 4.2.3; SOAP 1.2 part 1,
//! section 5.2.3). A block of another namespace, a near miss of the contract's
//! (`.../Services84`, a trailing slash), is foreign here too.
//!
//! The attribute counts in the envelope's own namespace, with SOAP 1.1's value `1` or SOAP
//! 1.2's `true` or `1`, XML whitespace around it collapsed (a bad value is the schema's
//! `xsd.value`). Header blocks are the children of every `Header`; under the `documented`
//! profile also the loose children of `Envelope` before `Body`. A block the contract
//! declares is the schema's business, and a repeated block too: this rule does not judge
//! them.

use super::{Block, Headers};
use crate::contract::{Kind, Profile, SoapVersion, REQUEST_HEADERS, RESPONSE_HEADERS};
use crate::text::LineIndex;
use crate::violation::{Code, Violation};

/// Whether the contract declares a header block for a message of this kind (`None`: the
/// Body does not say, and a block of either direction is known).
pub fn is_known(block: &Block, kind: Option<Kind>, payload_ns: &str) -> bool {
    let local = block.local.as_str();
    block.ns.as_deref() == Some(payload_ns)
        && match kind {
            Some(Kind::Request) => REQUEST_HEADERS.contains(&local),
            Some(Kind::Response | Kind::Fault) => RESPONSE_HEADERS.contains(&local),
            None => REQUEST_HEADERS.contains(&local) || RESPONSE_HEADERS.contains(&local),
        }
}

/// Whether a `mustUnderstand` value means "must" in this SOAP version.
pub fn must(version: SoapVersion, value: &str) -> bool {
    match version {
        SoapVersion::V11 => value == "1",
        SoapVersion::V12 => matches!(value, "true" | "1"),
    }
}

/// The findings on one envelope (`profile` is the resolved one), in document order.
pub fn check(text: &str, headers: &Headers, profile: Profile) -> Vec<Violation> {
    let mut index: Option<LineIndex<'_>> = None;
    let section = match headers.version {
        SoapVersion::V11 => "SOAP 1.1 section 4.2.3",
        SoapVersion::V12 => "SOAP 1.2 part 1, section 5.2.3",
    };
    headers
        .blocks
        .iter()
        .filter(|b| b.in_header || profile == Profile::Documented)
        .filter(|b| !is_known(b, headers.kind, headers.payload_ns))
        .filter(|b| {
            b.must_understand
                .as_deref()
                .is_some_and(|v| must(headers.version, v))
        })
        .map(|b| {
            let ns =
                b.ns.as_deref()
                    .map_or("no namespace".to_string(), |n| format!("namespace {n}"));
            let (receiver, other) = match headers.kind {
                Some(Kind::Request) => ("the service", "responses"),
                _ => ("the receiver", "requests"),
            };
            let why = if is_known(b, None, headers.payload_ns) {
                format!("the contract declares it for {other} only")
            } else {
                "the contract does not know it".to_string()
            };
            Headers::finding(
                text,
                &mut index,
                Code::SoapMustUnderstand,
                b.path.clone(),
                b.offset,
                format!(
                    "header block {} ({ns}) is marked mustUnderstand, but {why}: {receiver} \
                     must answer it with a MustUnderstand fault ({section})",
                    b.local
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{NS_SERVICES85, NS_SOAP11, NS_SOAP12};

    fn judge(text: &str, profile: Profile) -> Vec<String> {
        let headers = super::super::scan(text).expect("an envelope");
        check(text, &headers, profile)
            .into_iter()
            .map(|v| v.element)
            .collect()
    }

    #[test]
    fn a_foreign_must_understand_block_is_a_finding_in_either_version() {
        let v11 = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\" xmlns:h=\"{NS_SERVICES85}\"><s:Header>\
             <w:Security xmlns:w=\"urn:x\" s:mustUnderstand=\"1\"/>\
             <w:Trace xmlns:w=\"urn:x\" s:mustUnderstand=\"0\"/>\
             <w:Other xmlns:w=\"urn:x\" mustUnderstand=\"1\"/>\
             <w:Twelve xmlns:w=\"urn:x\" s:mustUnderstand=\"true\"/>\
             <h:Credentials s:mustUnderstand=\"1\"><h:Ticket>t</h:Ticket></h:Credentials>\
             <h:Nope s:mustUnderstand=\" 1 \"/>\
             </s:Header><s:Body/></s:Envelope>"
        );
        assert_eq!(
            judge(&v11, Profile::Wire),
            ["/Envelope/Header/Security", "/Envelope/Header/Nope"]
        );
        let v12 = format!(
            "<e:Envelope xmlns:e=\"{NS_SOAP12}\"><w:Sec xmlns:w=\"urn:x\" e:mustUnderstand=\"true\"/>\
             <e:Header><w:Sec xmlns:w=\"urn:x\" e:mustUnderstand=\"1\"/></e:Header><e:Body/></e:Envelope>"
        );
        assert_eq!(
            judge(&v12, Profile::Documented),
            ["/Envelope/Sec", "/Envelope/Header/Sec"]
        );
        // On the wire a loose element is no header block (the schema reports its place).
        assert_eq!(judge(&v12, Profile::Wire), ["/Envelope/Header/Sec"]);
    }

    /// A SOAP 1.1 envelope with these header blocks (`s:` the envelope's prefix, `h:` the
    /// Services85 namespace) and this Body content.
    fn envelope(blocks: &str, body: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\" xmlns:h=\"{NS_SERVICES85}\"><s:Header>{blocks}\
             </s:Header><s:Body>{body}</s:Body></s:Envelope>"
        )
    }

    const REQUEST: &str = "<h:SaveContactRelation/>";
    const RESPONSE: &str = "<h:SaveContactRelationResponse/>";
    const FAULT: &str =
        "<s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring></s:Fault>";

    #[test]
    fn a_near_miss_of_the_contracts_namespace_is_foreign_in_every_kind_of_message() {
        let s84 = "http://www.superoffice.net/ws/crm/NetServer/Services84";
        let upper = NS_SERVICES85.to_uppercase();
        for ns in [
            s84.to_string(),
            format!("{NS_SERVICES85}/"),
            upper,
            String::new(),
        ] {
            for body in [REQUEST, RESPONSE, FAULT, ""] {
                let marked = envelope(
                    &format!("<TimeZone xmlns=\"{ns}\" s:mustUnderstand=\"1\"/>"),
                    body,
                );
                assert_eq!(
                    judge(&marked, Profile::Wire),
                    ["/Envelope/Header/TimeZone"],
                    "{ns} {body}"
                );
                let unmarked = envelope(
                    &format!("<TimeZone xmlns=\"{ns}\" s:mustUnderstand=\"0\"/>"),
                    body,
                );
                assert!(judge(&unmarked, Profile::Wire).is_empty(), "{ns} {body}");
            }
        }
    }

    #[test]
    fn a_block_the_contract_declares_for_the_other_direction_is_not_known() {
        let marked = |local: &str| format!("<h:{local} s:mustUnderstand=\"1\"/>");
        // Credentials and ApplicationToken belong to requests; ExceptionInfo, ExtraInfo and
        // Succeeded to responses (a fault is one); TimeZone to both.
        for (local, request, response) in [
            ("Credentials", false, true),
            ("ApplicationToken", false, true),
            ("ExceptionInfo", true, false),
            ("Succeeded", true, false),
            ("ExtraInfo", true, false),
            ("TimeZone", false, false),
        ] {
            let path = vec![format!("/Envelope/Header/{local}")];
            let none: Vec<String> = Vec::new();
            let want = |found: bool| if found { path.clone() } else { none.clone() };
            assert_eq!(
                judge(&envelope(&marked(local), REQUEST), Profile::Wire),
                want(request),
                "{local}"
            );
            assert_eq!(
                judge(&envelope(&marked(local), RESPONSE), Profile::Wire),
                want(response),
                "{local}"
            );
            assert_eq!(
                judge(&envelope(&marked(local), FAULT), Profile::Wire),
                want(response),
                "{local}"
            );
            // A Body that does not say what the message is: either direction is known.
            for body in ["", "<x:Other xmlns:x=\"urn:x\"/>", "<!--c-->text"] {
                assert!(
                    judge(&envelope(&marked(local), body), Profile::Wire).is_empty(),
                    "{local} {body}"
                );
            }
        }
        // A Fault is one only in a SOAP namespace; a wrapper's name says it in any.
        let text = envelope(&marked("Credentials"), "<x:Fault xmlns:x=\"urn:x\"/>");
        assert!(judge(&text, Profile::Wire).is_empty());
        let text = envelope(&marked("Succeeded"), "<s:SaveContactRelation/>");
        assert_eq!(judge(&text, Profile::Wire), ["/Envelope/Header/Succeeded"]);
        // Only the first Body's own first child says it: not one after the Body's end.
        let text = envelope(&marked("Succeeded"), "").replacen(
            "</s:Body>",
            &format!("</s:Body>{REQUEST}"),
            1,
        );
        assert!(judge(&text, Profile::Wire).is_empty());
        let text = envelope(&marked("Succeeded"), REQUEST);
        let headers = super::super::scan(&text).expect("an envelope");
        assert_eq!(headers.kind, Some(Kind::Request));
        let found = check(&text, &headers, Profile::Wire);
        assert_eq!(
            found[0].message,
            format!(
                "header block Succeeded (namespace {NS_SERVICES85}) is marked mustUnderstand, but \
                 the contract declares it for responses only: the service must answer it with \
                 a MustUnderstand fault (SOAP 1.1 section 4.2.3)"
            )
        );
        let text = envelope("<x:F xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"/>", RESPONSE);
        let headers = super::super::scan(&text).expect("an envelope");
        assert!(check(&text, &headers, Profile::Wire)[0].message.ends_with(
            "the contract does not know it: the receiver must answer it with a \
                        MustUnderstand fault (SOAP 1.1 section 4.2.3)"
        ));
    }

    #[test]
    fn every_header_counts_and_only_its_children_are_blocks() {
        let f = "<x:F xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"/>";
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header>{f}\
             <x:W xmlns:x=\"urn:x\"><s:Header>{f}</s:Header><s:Body/>{f}</x:W>\
             <s:Header>{f}</s:Header></s:Header><s:Header>{f}</s:Header>\
             <s:Body>{RESPONSE}</s:Body><s:Header>{f}</s:Header></s:Envelope>"
        );
        // The first Header's F; its nested Header is a block itself (unmarked), not a
        // Header; nothing inside a block is one; a second Header's blocks count; the scan
        // ends at the Envelope's Body.
        assert_eq!(
            judge(&text, Profile::Wire),
            ["/Envelope/Header/F", "/Envelope/Header[2]/F"]
        );
    }

    #[test]
    fn only_the_envelopes_own_must_understand_counts() {
        // The same local name in another namespace (prefixed, so bound) is no SOAP
        // attribute, nor is SOAP 1.2's in a SOAP 1.1 envelope.
        for attr in [
            "xmlns:w=\"urn:w\" w:mustUnderstand=\"1\"",
            &format!("xmlns:t=\"{NS_SOAP12}\" t:mustUnderstand=\"1\""),
            &format!(
                "xmlns:i=\"{}\" i:mustUnderstand=\"1\"",
                crate::contract::NS_XSI
            ),
        ] {
            let text = envelope(&format!("<x:F xmlns:x=\"urn:x\" {attr}/>"), REQUEST);
            assert!(judge(&text, Profile::Wire).is_empty(), "{attr}");
        }
        // `nil` counts in XSI only.
        let text = envelope(
            "<h:Credentials xmlns:w=\"urn:w\" w:nil=\"true\"><h:Ticket>t</h:Ticket></h:Credentials>",
            REQUEST,
        );
        let headers = super::super::scan(&text).expect("an envelope");
        let credentials = headers.credentials_in_header.expect("Credentials");
        assert!(!credentials.block.nil);
        assert_eq!(headers.blocks[0].must_understand, None);
    }

    #[test]
    fn only_xml_whitespace_around_the_value_is_collapsed() {
        for (value, marked) in [
            ("1", true),
            (" 1 ", true),
            ("&#9;1&#10;&#13;", true),
            ("0", false),
            ("true", false),
            // A no-break space is part of the value, which is then no 1 (the schema's
            // xsd.value says so).
            ("1\u{a0}", false),
            ("\u{85}1", false),
        ] {
            let text = envelope(
                &format!("<x:F xmlns:x=\"urn:x\" s:mustUnderstand=\"{value}\"/>"),
                REQUEST,
            );
            assert_eq!(!judge(&text, Profile::Wire).is_empty(), marked, "{value:?}");
        }
    }
}
