//! Assertions for a client team's own test suite: the verdict a document gets, and a
//! failure message that reads like `validate`'s human report (the source line with a marker
//! under the element, secrets masked). Every assertion points at the caller's line
//! (`#[track_caller]`).
//!
//! ```
//! use relation_contract::assert::{assert_request_valid, verdict_report};
//!
//! let request = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
//!   <s:Header>
//!     <Credentials xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
//!       <Ticket>7T:abc</Ticket>
//!     </Credentials>
//!   </s:Header>
//!   <s:Body>
//!     <DeleteContactRelation xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
//!       <ContactRelationEntityId>42</ContactRelationEntityId>
//!     </DeleteContactRelation>
//!   </s:Body>
//! </s:Envelope>"#;
//! assert_request_valid(request);
//!
//! // What a failure says: the finding, where, and the source line under it.
//! let broken = String::from_utf8_lossy(request).replace("42", "forty-two");
//! let report = verdict_report("broken.xml", broken.as_bytes(), relation_contract::Profile::Wire)
//!     .expect("the document is invalid");
//! assert!(report.contains("xsd.value"));
//! assert!(report.contains("ContactRelationEntityId"));
//! ```

use crate::capture::Document;
use crate::contract::Profile;
use crate::pipeline::{self, Verdict};
use crate::report::{HumanPrinter, Printer, ReportItem};

/// The human report of a document that breaks the contract under `profile`, or `None`
/// when it is valid.
pub fn verdict_report(name: &str, bytes: &[u8], profile: Profile) -> Option<String> {
    let doc = Document::from_bytes(name, bytes);
    let verdict = pipeline::check(&doc, profile);
    report(&doc, verdict)
}

fn report(doc: &Document, verdict: Verdict) -> Option<String> {
    if verdict.is_valid() {
        return None;
    }
    let item = ReportItem::new(doc, verdict);
    let mut out = Vec::new();
    let mut printer = HumanPrinter::new(&mut out, false);
    // Writing into memory cannot fail; an error would only shorten the report.
    let _ = printer.item(&item);
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Panics with the human report unless `bytes` are a valid document (request, response or
/// fault) under the profile its envelope chooses (`wire` for SOAP 1.1, `documented` for
/// SOAP 1.2).
#[track_caller]
pub fn assert_valid(bytes: impl AsRef<[u8]>) {
    assert_valid_under(bytes, Profile::Auto);
}

/// Panics with the human report unless `bytes` are valid under `profile`.
#[track_caller]
pub fn assert_valid_under(bytes: impl AsRef<[u8]>, profile: Profile) {
    if let Some(report) = verdict_report("document", bytes.as_ref(), profile) {
        panic!("the document breaks the contract:\n{report}");
    }
}

/// Panics with the human report unless `bytes` are a request the contract stub would take:
/// the stub's full check of a request body ([`pipeline::check_request`]: the wire profile,
/// Credentials with a Ticket, mustUnderstand, and a request in the Body).
#[track_caller]
pub fn assert_request_valid(bytes: impl AsRef<[u8]>) {
    let doc = Document::from_bytes("request", bytes.as_ref());
    let (mut verdict, violations) = pipeline::check_request(&doc);
    verdict.violations = violations;
    if let Some(report) = report(&doc, verdict) {
        panic!("the request breaks the contract:\n{report}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &str = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
        <DeleteContactRelationResponse xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\"/>\
        </s:Body></s:Envelope>";

    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> Option<String> {
        let err = std::panic::catch_unwind(f).err()?;
        err.downcast_ref::<String>().cloned()
    }

    #[test]
    fn a_valid_response_passes_and_is_no_request() {
        assert_valid(RESPONSE);
        assert_valid_under(RESPONSE, Profile::Wire);
        let m = panic_message(|| assert_request_valid(RESPONSE)).expect("a response is no request");
        assert!(m.contains("soap.body-content"), "{m}");
        assert!(m.contains("takes requests"), "{m}");
    }

    #[test]
    fn a_failure_shows_the_report_with_the_source_line_and_masks_the_ticket() {
        let bad = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>\
            <Credentials xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">\
            <Ticket>7T:very-secret</Ticket></Credentials></s:Header>\n<s:Body>\
            <DeleteContactRelation xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">\
            <ContactRelationEntityId>x</ContactRelationEntityId></DeleteContactRelation></s:Body></s:Envelope>";
        let m = panic_message(|| assert_valid(bad)).expect("invalid");
        assert!(m.starts_with("the document breaks the contract:"), "{m}");
        assert!(m.contains("xsd.value"), "{m}");
        assert!(m.contains("document:2:"), "the file and line: {m}");
        assert!(
            m.contains("<ContactRelationEntityId>x"),
            "the source line: {m}"
        );
        assert!(!m.contains("very-secret"), "{m}");
        assert_eq!(
            verdict_report("d", RESPONSE.as_bytes(), Profile::Documented)
                .map(|r| r.contains("soap.version")),
            Some(true),
            "the profile asked for is the one applied"
        );
    }
}
