//! The one document pipeline: [`check`] takes a [`Document`] and a profile and returns
//! every finding, all at once and in one order. `validate`, `check` (the fixtures), the
//! stub's request check, `import` and the golden functions all call it, so the same bytes
//! get the same verdict and the same findings from every command.
//!
//! The rules, in their stable order (the order of findings at the same place):
//!
//! 1. the schema: XML syntax, the envelope's shape under the profile and the XSD
//!    ([`crate::schema::validate`]), decided by an [`Engine`]: by default the strict decoder for a
//!    document it accepts, libxml2 for every other (the same verdict either way);
//! 2. HTTP, for a document that came out of a capture or a live request (SOAPAction,
//!    Content-Type, charset);
//! 3. the service rule (`rules::service`): a request carries Credentials with a Ticket;
//! 4. SOAP header semantics (`rules::soap`): a foreign header block marked mustUnderstand.
//!
//! Every rule runs on every document that is a SOAP envelope: a document with several
//! breaks gets all of them at once. (A document that is no envelope at all, or not XML,
//! has nothing for rules 2 to 4 to judge: the schema's finding says why.) A repeated
//! header block is the schema's to judge, no rule's.
//!
//! Order: findings about HTTP headers first (they name lines of the capture, before the
//! body), then by line and column, then by the rule order above. The schema's cap on the
//! number of findings holds for the whole verdict.

mod engine;

pub use engine::Engine;

use crate::capture::Document;
use crate::contract::{ContractChoice, Kind, Profile};
use crate::rules;
use crate::schema::{Validation, MAX_VIOLATIONS};
use crate::violation::{Code, Violation};

/// The verdict on one document: the profile applied, what the document is, and every
/// finding in the pipeline's order.
pub type Verdict = Validation;

/// The verdict a service endpoint gives a request document (with its HTTP metadata, when
/// it has any), as the contract stub gives it: [`check`] under the wire profile, and one
/// finding more when the Body holds a response or a fault (`Relation.svc` takes requests).
/// The verdict, and every finding.
pub fn check_request(doc: &Document) -> (Verdict, Vec<Violation>) {
    check_request_as(doc, ContractChoice::Auto)
}

/// [`check_request`] under a contract version (an endpoint's own), or `Auto`.
pub fn check_request_as(doc: &Document, contract: ContractChoice) -> (Verdict, Vec<Violation>) {
    let verdict = check_as(doc, Profile::Wire, contract);
    let mut violations = verdict.violations.clone();
    if let (Some(kind), Some(op)) = (verdict.kind, verdict.operation) {
        if kind != Kind::Request {
            let name = match kind {
                Kind::Response => op.response_name(),
                _ => "Fault",
            };
            violations.push(Violation::new(
                Code::SoapBodyContent,
                format!("/Envelope/Body/{name}"),
                format!("Relation.svc takes requests: the Body holds a {kind} ({name})"),
            ));
        }
    } else if verdict.kind == Some(Kind::Fault) {
        violations.push(Violation::new(
            Code::SoapBodyContent,
            "/Envelope/Body",
            "Relation.svc takes requests: the Body holds a fault",
        ));
    }
    (verdict, violations)
}

/// The fast engine's schema stage alone, without libxml2: the stage's verdict (valid, no
/// finding) when the strict decoder decides the document valid by itself, `None` when
/// [`Engine::Fast`] would hand it to libxml2 (the decoder refuses it, or cannot be sure of
/// it: see [`Engine`]). For a caller on a hot path that wants to know the cheap answer
/// first; [`check_with`] is the whole verdict.
pub fn schema_fast(doc: &Document, profile: Profile, contract: ContractChoice) -> Option<Verdict> {
    match engine::fast(doc, profile, contract) {
        engine::Fast::Valid(v) => Some(v),
        engine::Fast::Refused(_) | engine::Fast::Unsure => None,
    }
}

/// Judges one document under a profile: every rule, every finding. The contract version
/// is the one the payload's namespace names (Services85 when none does).
pub fn check(doc: &Document, profile: Profile) -> Verdict {
    check_as(doc, profile, ContractChoice::Auto)
}

/// Judges one document under a profile and a contract version (or `Auto`); the verdict
/// names the version applied.
pub fn check_as(doc: &Document, profile: Profile, contract: ContractChoice) -> Verdict {
    check_with(doc, profile, contract, Engine::default())
}

/// [`check_as`] with the schema stage decided by `engine`: the same verdict from each
/// (the differential tests hold them to it), at the engine's cost.
pub fn check_with(
    doc: &Document,
    profile: Profile,
    contract: ContractChoice,
    engine: Engine,
) -> Verdict {
    let (mut verdict, fast) = engine::schema_stage(doc, profile, contract, engine);
    let stage = fast.as_ref().map(|_| verdict.clone());
    let capped = is_capped(&verdict.violations);
    if capped {
        verdict.violations.pop();
    }
    let mut ranked: Vec<(u8, Violation)> = std::mem::take(&mut verdict.violations)
        .into_iter()
        .map(|v| (0, v))
        .collect();
    ranked.extend(
        rules::http::check(
            doc,
            rules::http::Envelope {
                version: verdict.soap_version,
                kind: verdict.kind,
                operation: verdict.operation,
                contract: verdict.contract,
            },
        )
        .into_iter()
        .map(|v| (1, v)),
    );
    if let (Some(text), Some(_)) = (doc.text(), verdict.soap_version) {
        if let Some(headers) = rules::scan_as(text, verdict.contract) {
            if is_request(doc, &verdict) {
                let found = rules::service::check(text, &headers, verdict.profile);
                ranked.extend(found.map(|v| (2, v)));
            }
            let found = rules::soap::check(text, &headers, verdict.profile);
            ranked.extend(found.into_iter().map(|v| (3, v)));
        }
    }
    // A stable sort: findings of one rule at one place keep that rule's own order.
    ranked.sort_by_key(|(rank, v)| {
        (
            !v.code.is_http(),
            v.line.unwrap_or(0),
            v.column.unwrap_or(0),
            *rank,
        )
    });
    let mut violations: Vec<Violation> = ranked.into_iter().map(|(_, v)| v).collect();
    if capped || violations.len() > MAX_VIOLATIONS {
        violations.truncate(MAX_VIOLATIONS);
        violations.push(cap());
    }
    if let (Some(fast), Some(stage)) = (&fast, &stage) {
        violations.extend(engine::disagreement(fast, stage, &violations));
    }
    verdict.violations = violations;
    verdict
}

/// Whether a document is held to the service rule: a request, or a document HTTP sent as
/// a request whose Body does not show what it is.
fn is_request(doc: &Document, verdict: &Verdict) -> bool {
    match verdict.kind {
        Some(kind) => kind == Kind::Request,
        None => doc.http.as_ref().is_some_and(|h| h.is_request()),
    }
}

/// The finding that says more were left out.
fn cap() -> Violation {
    Violation::new(
        Code::XmlLimit,
        "",
        format!(
            "more than {MAX_VIOLATIONS} violations: only the first {MAX_VIOLATIONS} are reported"
        ),
    )
}

/// Whether the schema's findings end in its cap.
///
/// (Mutation testing: `&&` to `||` is equivalent: the schema gives `MAX_VIOLATIONS + 1`
/// findings only when the last is its cap, and its cap only as the last of that many.)
fn is_capped(found: &[Violation]) -> bool {
    found.len() == MAX_VIOLATIONS + 1 && found.last().is_some_and(|v| *v == cap())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{NS_SERVICES85, NS_SOAP11};

    fn request(header: &str, reversed: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\">\n<s:Header>{header}</s:Header>\n<s:Body>\n\
             <SaveContactRelation xmlns=\"{NS_SERVICES85}\">\n<ContactRelationEntity>\n\
             <Reversed>{reversed}</Reversed>\n</ContactRelationEntity>\n</SaveContactRelation>\n\
             </s:Body>\n</s:Envelope>\n"
        )
    }

    fn codes(v: &Verdict) -> Vec<(&str, &str)> {
        v.violations
            .iter()
            .map(|v| (v.code.as_str(), v.element.as_str()))
            .collect()
    }

    #[test]
    fn every_rule_runs_and_findings_come_in_document_order() {
        let text = request("<x:Sec xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"/>", "yes");
        let v = check(&Document::from_bytes("t", text.as_bytes()), Profile::Wire);
        assert_eq!(
            codes(&v),
            [
                ("soap.credentials", "/Envelope/Header/Credentials"),
                ("soap.must-understand", "/Envelope/Header/Sec"),
                (
                    "xsd.value",
                    "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed"
                ),
            ]
        );
        let lines: Vec<Option<u32>> = v.violations.iter().map(|v| v.line).collect();
        assert_eq!(lines, [Some(2), Some(2), Some(6)]);
    }

    #[test]
    fn responses_need_no_ticket_and_a_known_block_is_not_foreign() {
        let ok = request(
            &format!(
                "<Credentials xmlns=\"{NS_SERVICES85}\" s:mustUnderstand=\"1\">\
                 <Ticket>7T:x</Ticket></Credentials>"
            ),
            "1",
        );
        let v = check(&Document::from_bytes("t", ok.as_bytes()), Profile::Auto);
        assert!(v.is_valid(), "{:?}", v.violations);
        let response = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header><Succeeded xmlns=\"{NS_SERVICES85}\">\
             true</Succeeded></s:Header><s:Body><DeleteContactRelationResponse \
             xmlns=\"{NS_SERVICES85}\"/></s:Body></s:Envelope>"
        );
        let v = check(
            &Document::from_bytes("t", response.as_bytes()),
            Profile::Wire,
        );
        assert_eq!(v.kind, Some(Kind::Response));
        assert!(v.is_valid(), "{:?}", v.violations);
    }

    #[test]
    fn no_envelope_no_rules() {
        for text in ["", "<a/>", "<s:Envelope xmlns:s=\"urn:x\"/>", "<<<"] {
            let v = check(&Document::from_bytes("t", text.as_bytes()), Profile::Wire);
            assert_eq!(v.violations.len(), 1, "{text}: {:?}", v.violations);
            assert!(!v.violations[0].code.as_str().starts_with("soap.cred"));
        }
    }

    /// A response whose Header holds `blocks` foreign blocks marked mustUnderstand (each a
    /// finding of the SOAP header rule, none of the schema) and whose Envelope holds
    /// `after` elements after Body (each a finding of the schema).
    fn with_findings(blocks: usize, after: usize) -> Verdict {
        let foreign = "<x:B xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"/>".repeat(blocks);
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header>{foreign}</s:Header><s:Body>\
             <DeleteContactRelationResponse xmlns=\"{NS_SERVICES85}\"/></s:Body>{}</s:Envelope>",
            "<y/>".repeat(after)
        );
        check(&Document::from_bytes("t", text.as_bytes()), Profile::Wire)
    }

    fn count(v: &Verdict, code: Code) -> usize {
        v.violations.iter().filter(|f| f.code == code).count()
    }

    #[test]
    fn the_cap_counts_every_rule_and_stands_once_at_the_end() {
        let limit = |v: &Verdict| v.violations.iter().filter(|f| **f == cap()).count();
        // Each block and each element after Body is one finding.
        let v = with_findings(3, 2);
        assert_eq!(count(&v, Code::SoapMustUnderstand), 3);
        assert_eq!(v.violations.len(), 5);
        // Exactly the cap's number of findings: all of them, no cap.
        let v = with_findings(40, MAX_VIOLATIONS - 40);
        assert_eq!(v.violations.len(), MAX_VIOLATIONS);
        assert_eq!(limit(&v), 0, "nothing was left out");
        // Under the schema's cap, but over it with the rule's findings: cut, and said so.
        let v = with_findings(5, MAX_VIOLATIONS - 1);
        assert_eq!(v.violations.len(), MAX_VIOLATIONS + 1);
        assert_eq!(v.violations.last(), Some(&cap()));
        assert_eq!(limit(&v), 1);
        // The schema capped its own findings, and the rules add theirs: still one cap, last
        // (the schema's cap, which has no line, must not sort to the front).
        let v = with_findings(5, MAX_VIOLATIONS * 2);
        assert_eq!(v.violations.len(), MAX_VIOLATIONS + 1);
        assert_eq!(v.violations.last(), Some(&cap()));
        assert_eq!(limit(&v), 1, "{:?}", &v.violations[..2]);
    }

    #[test]
    fn the_stub_names_the_response_a_request_body_holds() {
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><DeleteContactRelationResponse \
             xmlns=\"{NS_SERVICES85}\"/></s:Body></s:Envelope>"
        );
        let (_, found) = check_request(&Document::from_bytes("t", text.as_bytes()));
        let last = found.last().expect("the Body holds no request");
        assert_eq!(
            (last.code, last.element.as_str()),
            (
                Code::SoapBodyContent,
                "/Envelope/Body/DeleteContactRelationResponse"
            )
        );
    }

    #[test]
    fn the_cap_holds_for_the_whole_verdict() {
        let many = "<x/>".repeat(MAX_VIOLATIONS * 2);
        let text = format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body/>{many}</s:Envelope>");
        let v = check(&Document::from_bytes("t", text.as_bytes()), Profile::Wire);
        assert_eq!(v.violations.len(), MAX_VIOLATIONS + 1);
        assert_eq!(v.violations.last(), Some(&cap()));
    }
}
