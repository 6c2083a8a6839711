//! The service's own rule beyond the schema: a request carries a `Credentials` header
//! block with a non-empty `Ticket` (`soap.credentials`). The service refuses a request
//! without one; the stub does too, and `validate` says so with the same code and paths.
//!
//! Where the block is looked for follows the profile: inside `Header` on the wire; under
//! `documented`, also loose under `Envelope`, where the documentation's examples put it
//! (each of them carries `Credentials` with a `Ticket`, so the rule costs none of them its
//! verdict and catches a documented-shape request that forgot the Ticket). When there are
//! two `Credentials` blocks the first counts, as the decoder keeps the first.
//!
//! Responses and faults are not held to it: the caller decides which documents are requests.

use super::{missing_child, Credentials, Headers};
use crate::contract::Profile;
use crate::text::LineIndex;
use crate::violation::{Code, Violation};

/// Why the service needs the Ticket, the end of every message of this rule.
const WHY: &str = "the service needs a Ticket to know who calls";

/// The rule on one request: `None` when it carries a Ticket. `profile` is the resolved one.
pub fn check(text: &str, headers: &Headers, profile: Profile) -> Option<Violation> {
    let mut index: Option<LineIndex<'_>> = None;
    let creds: Option<&Credentials> = match profile {
        Profile::Documented => headers
            .credentials_in_header
            .as_ref()
            .or(headers.credentials_loose.as_ref()),
        _ => headers.credentials_in_header.as_ref(),
    };
    let Some(creds) = creds else {
        // No block: named where it belongs, found at the Header (or the Envelope).
        let (path, offset) = match (&headers.header, profile) {
            (Some((header, offset)), _) => (missing_child(header, "Credentials"), *offset),
            (None, Profile::Documented) => {
                ("/Envelope/Credentials".to_string(), headers.envelope_offset)
            }
            (None, _) => (
                "/Envelope/Header/Credentials".to_string(),
                headers.envelope_offset,
            ),
        };
        let message = format!("no Credentials header block: {WHY}");
        return Some(Headers::finding(
            text,
            &mut index,
            Code::SoapCredentials,
            path,
            offset,
            message,
        ));
    };
    let block = &creds.block;
    let (path, offset, what) = if block.nil {
        (
            block.path.clone(),
            block.offset,
            "the Credentials header block is nil",
        )
    } else {
        match &creds.ticket {
            None => (
                missing_child(&block.path, "Ticket"),
                block.offset,
                "Credentials has no Ticket",
            ),
            Some(t) if t.nil => (t.path.clone(), t.offset, "the Ticket is nil"),
            Some(t) if !t.has_text => (t.path.clone(), t.offset, "the Ticket is empty"),
            Some(_) => return None,
        }
    };
    Some(Headers::finding(
        text,
        &mut index,
        Code::SoapCredentials,
        path,
        offset,
        format!("{what}: {WHY}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{NS_SERVICES85, NS_SOAP11, NS_SOAP12};

    fn judge(text: &str, profile: Profile) -> Option<(String, String, Option<u32>)> {
        let headers = super::super::scan(text).expect("an envelope");
        check(text, &headers, profile).map(|v| (v.element, v.message, v.line))
    }

    fn wire(header: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\" xmlns:h=\"{NS_SERVICES85}\" \
             xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">{header}<s:Body/></s:Envelope>"
        )
    }

    #[test]
    fn a_ticket_passes_and_each_lack_is_named() {
        let ok =
            wire("<s:Header><h:Credentials><h:Ticket>7T:x</h:Ticket></h:Credentials></s:Header>");
        assert_eq!(judge(&ok, Profile::Wire), None);
        let cdata = wire(
            "<s:Header><h:Credentials><h:Ticket><![CDATA[7T]]></h:Ticket></h:Credentials></s:Header>",
        );
        assert_eq!(judge(&cdata, Profile::Wire), None);
        let cases = [
            (
                "<s:Header/>",
                "/Envelope/Header/Credentials",
                "no Credentials header block",
            ),
            (
                "",
                "/Envelope/Header/Credentials",
                "no Credentials header block",
            ),
            (
                "<s:Header><h:Credentials i:nil=\"true\"/></s:Header>",
                "/Envelope/Header/Credentials",
                "the Credentials header block is nil",
            ),
            (
                "<s:Header><h:Credentials/></s:Header>",
                "/Envelope/Header/Credentials/Ticket",
                "Credentials has no Ticket",
            ),
            (
                "<s:Header><h:Credentials><h:Ticket i:nil=\"1\"/></h:Credentials></s:Header>",
                "/Envelope/Header/Credentials/Ticket",
                "the Ticket is nil",
            ),
            (
                "<s:Header><h:Credentials><h:Ticket> &#32;\n</h:Ticket></h:Credentials></s:Header>",
                "/Envelope/Header/Credentials/Ticket",
                "the Ticket is empty",
            ),
            // A Ticket in another namespace is no Ticket of the contract.
            (
                "<s:Header><h:Credentials><Ticket>7T:x</Ticket></h:Credentials></s:Header>",
                "/Envelope/Header/Credentials/Ticket",
                "Credentials has no Ticket",
            ),
            // Loose under Envelope is not on the wire.
            (
                "<h:Credentials><h:Ticket>7T:x</h:Ticket></h:Credentials>",
                "/Envelope/Header/Credentials",
                "no Credentials header block",
            ),
        ];
        for (header, path, start) in cases {
            let got = judge(&wire(header), Profile::Wire);
            let (element, message, line) = got.unwrap_or_else(|| panic!("{header}: no finding"));
            assert_eq!(element, path, "{header}");
            assert!(message.starts_with(start), "{header}: {message}");
            assert!(message.ends_with(WHY), "{message}");
            assert_eq!(line, Some(1));
        }
    }

    #[test]
    fn the_first_credentials_block_counts() {
        let two = wire(
            "<s:Header><h:Credentials/><h:Credentials><h:Ticket>7T</h:Ticket></h:Credentials></s:Header>",
        );
        let got = judge(&two, Profile::Wire).map(|g| g.0);
        assert_eq!(got.as_deref(), Some("/Envelope/Header/Credentials/Ticket"));
        let first_good = wire(
            "<s:Header><h:Credentials><h:Ticket>7T</h:Ticket></h:Credentials><h:Credentials/></s:Header>",
        );
        assert_eq!(judge(&first_good, Profile::Wire), None);
    }

    #[test]
    fn the_documented_shape_has_credentials_loose() {
        let doc = |head: &str| {
            format!(
                "<e:Envelope xmlns:e=\"{NS_SOAP12}\" xmlns:R=\"{NS_SERVICES85}\">\n{head}\n<e:Body/></e:Envelope>"
            )
        };
        let loose =
            doc("<R:Credentials><R:Ticket>7T:1234abcxyzExample==</R:Ticket></R:Credentials>");
        assert_eq!(judge(&loose, Profile::Documented), None);
        let none = judge(
            &doc("<R:ApplicationToken>t</R:ApplicationToken>"),
            Profile::Documented,
        );
        assert_eq!(none.map(|g| g.0).as_deref(), Some("/Envelope/Credentials"));
        let empty = judge(
            &doc("<R:Credentials>\n<R:Ticket/></R:Credentials>"),
            Profile::Documented,
        );
        let (element, _, line) = empty.unwrap_or_default();
        assert_eq!(element, "/Envelope/Credentials/Ticket");
        assert_eq!(line, Some(3));
    }
}
