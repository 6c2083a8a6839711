//! SOAP's own header semantics, applied once: a header block the contract does not know
//! (not one of [`REQUEST_HEADERS`] / [`RESPONSE_HEADERS`] in the Services85 namespace)
//! marked `mustUnderstand` is a finding, `soap.must-understand`: the receiver must fault on
//! a block it does not understand (SOAP 1.1 section 4.2.3; SOAP 1.2 part 1, section 5.2.3).
//!
//! The attribute counts in the envelope's own namespace, with SOAP 1.1's value `1` or SOAP
//! 1.2's `true` or `1`. Header blocks are the children of `Header`; under the `documented`
//! profile also the loose children of `Envelope` before `Body`. A block the contract knows
//! is the schema's business, and a repeated block too: this rule does not judge them.

use super::{Block, Headers};
use crate::contract::{Profile, SoapVersion, NS_SERVICES85, REQUEST_HEADERS, RESPONSE_HEADERS};
use crate::text::LineIndex;
use crate::violation::{Code, Violation};

/// Whether the contract knows a header block.
pub fn is_known(block: &Block) -> bool {
    block.ns.as_deref() == Some(NS_SERVICES85)
        && (REQUEST_HEADERS.contains(&block.local.as_str())
            || RESPONSE_HEADERS.contains(&block.local.as_str()))
}

/// Whether a `mustUnderstand` value means "must" in this SOAP version.
fn must(version: SoapVersion, value: &str) -> bool {
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
        .filter(|b| !is_known(b))
        .filter(|b| {
            b.must_understand
                .as_deref()
                .is_some_and(|v| must(headers.version, v))
        })
        .map(|b| {
            let ns =
                b.ns.as_deref()
                    .map_or("no namespace".to_string(), |n| format!("namespace {n}"));
            Headers::finding(
                text,
                &mut index,
                Code::SoapMustUnderstand,
                b.path.clone(),
                b.offset,
                format!(
                    "header block {} ({ns}) is marked mustUnderstand, but the contract does \
                     not know it: the service must answer it with a MustUnderstand fault \
                     ({section})",
                    b.local
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{NS_SOAP11, NS_SOAP12};

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
}
