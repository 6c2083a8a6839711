//! The schema stage's two engines, and the choice between them.
//!
//! - **xsd**: libxml2 parses the document and validates it against the WSDL's schema
//!   ([`schema::validate_as`]), with the envelope checks around it.
//! - **fast**: the strict decoder ([`crate::codec`]) reads the document against the contract
//!   table, with its own tokenizer, in one pass and without a tree. When it accepts the
//!   document, and the profile and the contract version take it as it stands, that is the
//!   verdict: valid, no finding. Every other document goes to libxml2, and its findings are
//!   reported: a document the decoder refuses, and one it cannot be sure of (content it
//!   passes over unjudged that the schema's lax wildcards may judge, a namespace name
//!   libxml2's URI parser does not read, more namespaces than it keeps, SOAP 1.2 under the
//!   wire profile, loose header blocks under the wire profile, another contract version
//!   than the one asked for, bytes that never reach a parser). The fast engine is therefore
//!   wrong only if the decoder accepts what the XSD refuses: `tests/engines.rs` holds the two
//!   to each other over every fixture, hostile input, property-test case and the
//!   differential corpus, and `--engine both` lets anyone check them on their own traffic.
//! - **both**: both, on every document. The verdict is libxml2's, and where the decoder's
//!   verdict differs from it, one more finding says so (`engine.disagree`).

use crate::capture::Document;
use crate::codec::{decode_judged, Judged};
use crate::contract::{ContractChoice, Profile};
use crate::model::HeaderPlacement;
use crate::schema::{self, Validation};
use crate::violation::{Code, Violation};

/// Which engine decides the schema stage of a verdict (see the module's text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The strict decoder decides; what it refuses or cannot be sure of goes to libxml2,
    /// whose findings are reported. The default: the differential tests show no
    /// disagreement between the engines.
    #[default]
    Fast,
    /// libxml2 alone.
    Xsd,
    /// Both on every document: libxml2's verdict, and an `engine.disagree` finding where
    /// the decoder's differs.
    Both,
}

impl Engine {
    /// Every engine, as the command line offers them.
    pub const ALL: [Engine; 3] = [Engine::Fast, Engine::Xsd, Engine::Both];

    /// The engine's name as the command line spells it: `"fast"`, `"xsd"` or `"both"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Fast => "fast",
            Engine::Xsd => "xsd",
            Engine::Both => "both",
        }
    }

    /// The engine a name spells, if any.
    pub fn parse(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// What the strict decoder says of a document's schema stage.
#[derive(Debug)]
pub(crate) enum Fast {
    /// Valid: the stage's verdict, with no finding.
    Valid(Validation),
    /// Refused: the decoder's finding.
    Refused(Violation),
    /// Not the decoder's to decide: see the module's text.
    Unsure,
}

/// The schema stage under `engine`, and under [`Engine::Both`] the decoder's own verdict
/// for [`disagreement`].
pub(crate) fn schema_stage(
    doc: &Document,
    profile: Profile,
    choice: ContractChoice,
    engine: Engine,
) -> (Validation, Option<Fast>) {
    match engine {
        Engine::Xsd => (schema::validate_as(doc, profile, choice), None),
        Engine::Fast => match fast(doc, profile, choice) {
            Fast::Valid(v) => (v, None),
            Fast::Refused(_) | Fast::Unsure => (schema::validate_as(doc, profile, choice), None),
        },
        Engine::Both => (
            schema::validate_as(doc, profile, choice),
            Some(fast(doc, profile, choice)),
        ),
    }
}

/// The decoder's verdict on the schema stage.
pub(crate) fn fast(doc: &Document, profile: Profile, choice: ContractChoice) -> Fast {
    // The checks before any parser (not text, too large, empty, UTF-16 without a byte
    // order mark, a DOCTYPE) are the xsd engine's, and cost it nothing more.
    let Ok(text) = schema::before_libxml(doc) else {
        return Fast::Unsure;
    };
    let judged = match decode_judged(text) {
        Ok(j) => j,
        Err(e) => return Fast::Refused(e.into_violation()),
    };
    fast_valid(judged, profile, choice).map_or(Fast::Unsure, Fast::Valid)
}

/// The stage's verdict on a document the decoder accepts, or `None` when the profile or
/// the contract version asked for would have findings on it.
fn fast_valid(judged: Judged, profile: Profile, choice: ContractChoice) -> Option<Validation> {
    let Judged {
        message,
        contract,
        opaque,
        namespaces,
    } = judged;
    let version = message.version();
    let resolved = profile.resolve(Some(version));
    let wants_header = resolved == Profile::Wire;
    // Last, and only when the rest fits: libxml2 refuses a namespace name its URI parser
    // does not read; the decoder does not parse URIs, so it asks libxml2's parser about
    // each (a few per document).
    let fits = !opaque
        && version == resolved.soap_version()
        && !(wants_header && message.header_placement() == HeaderPlacement::Loose)
        && choice.resolve(Some(contract)) == contract
        && namespaces.is_some_and(|ns| ns.iter().all(|n| schema::is_valid_uri(n)));
    fits.then(|| Validation {
        profile: resolved,
        contract,
        soap_version: Some(version),
        operation: message.operation(),
        kind: Some(message.kind()),
        violations: Vec::new(),
    })
}

/// The finding `both` adds when the decoder's verdict differs from libxml2's: `stage` is
/// libxml2's schema stage, `all` the whole verdict's findings (the rules after the schema
/// find some of what the decoder refuses: a foreign block marked mustUnderstand).
pub(crate) fn disagreement(
    fast: &Fast,
    stage: &Validation,
    all: &[Violation],
) -> Option<Violation> {
    let (element, message) = match (fast, stage.violations.first()) {
        (Fast::Valid(f), None) if same_document(f, stage) => return None,
        (Fast::Valid(f), None) => (
            String::new(),
            format!(
                "the engines agree that the document is valid but not on what it is: fast \
                 reads {}, xsd {}",
                what(f),
                what(stage)
            ),
        ),
        (Fast::Valid(_), Some(v)) => (
            v.element.clone(),
            format!(
                "the fast engine finds the document valid; libxml2 refuses it: {} at {}",
                v.code,
                shown(&v.element)
            ),
        ),
        (Fast::Refused(d), None) => {
            if all
                .iter()
                .any(|v| v.code == d.code && v.element == d.element)
            {
                return None;
            }
            (
                d.element.clone(),
                format!(
                    "the strict decoder refuses the document ({} at {}: {}); libxml2 finds it \
                     valid",
                    d.code,
                    shown(&d.element),
                    d.message
                ),
            )
        }
        (Fast::Refused(_), Some(_)) | (Fast::Unsure, _) => return None,
    };
    Some(Violation::new(Code::EngineDisagree, element, message))
}

/// Whether two valid verdicts say the same of what the document is.
fn same_document(a: &Validation, b: &Validation) -> bool {
    (a.profile, a.contract, a.soap_version, a.operation, a.kind)
        == (b.profile, b.contract, b.soap_version, b.operation, b.kind)
}

fn what(v: &Validation) -> String {
    let kind = v.kind.map_or("no kind".to_string(), |k| k.to_string());
    let op = v.operation.map_or("no operation", |o| o.name());
    let soap = v
        .soap_version
        .map_or("no SOAP version".to_string(), |s| format!("SOAP {s}"));
    format!("{op} {kind}, {soap}, {}", v.contract)
}

fn shown(element: &str) -> &str {
    if element.is_empty() {
        "the document"
    } else {
        element
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Contract, Kind, Operation, SoapVersion};

    fn valid(contract: Contract) -> Validation {
        Validation {
            profile: Profile::Wire,
            contract,
            soap_version: Some(SoapVersion::V11),
            operation: Some(Operation::SaveContactRelation),
            kind: Some(Kind::Request),
            violations: Vec::new(),
        }
    }

    fn refused(code: Code, element: &str) -> Validation {
        let mut v = valid(Contract::Services85);
        v.violations
            .push(Violation::new(code, element, "libxml2's words"));
        v
    }

    #[test]
    fn every_engine_is_named_and_read_back() {
        for e in Engine::ALL {
            assert_eq!(Engine::parse(e.as_str()), Some(e));
        }
        let names: Vec<&str> = Engine::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names, ["fast", "xsd", "both"]);
        assert_eq!(Engine::parse("libxml2"), None);
        assert_eq!(Engine::default(), Engine::Fast);
    }

    #[test]
    fn engines_that_agree_add_nothing() {
        let s85 = valid(Contract::Services85);
        assert!(disagreement(&Fast::Valid(s85.clone()), &s85, &[]).is_none());
        let stage = refused(Code::XsdValue, "/Envelope/Body/X");
        let d = Violation::new(Code::XsdOrder, "/Envelope/Body/Y", "the decoder's words");
        assert!(disagreement(&Fast::Refused(d), &stage, &stage.violations).is_none());
        assert!(disagreement(&Fast::Unsure, &s85, &[]).is_none());
        assert!(disagreement(&Fast::Unsure, &stage, &stage.violations).is_none());
    }

    #[test]
    fn a_valid_verdict_on_another_document_is_a_disagreement() {
        let d = disagreement(
            &Fast::Valid(valid(Contract::Services88)),
            &valid(Contract::Services85),
            &[],
        )
        .expect("a disagreement");
        assert_eq!((d.code, d.element.as_str()), (Code::EngineDisagree, ""));
        assert!(
            d.message
                .contains("fast reads SaveContactRelation request, SOAP 1.1, Services88")
                && d.message
                    .contains("xsd SaveContactRelation request, SOAP 1.1, Services85"),
            "{}",
            d.message
        );
    }

    #[test]
    fn fast_valid_where_libxml2_refuses_names_libxml2s_finding() {
        let stage = refused(Code::XsdValue, "/Envelope/Body/X");
        let d = disagreement(&Fast::Valid(valid(Contract::Services85)), &stage, &[])
            .expect("a disagreement");
        assert_eq!(d.element, "/Envelope/Body/X");
        assert!(
            d.message.contains(
                "finds the document valid; libxml2 refuses it: xsd.value at /Envelope/Body/X"
            ),
            "{}",
            d.message
        );
        let at_root = refused(Code::XmlMalformed, "");
        let d = disagreement(&Fast::Valid(valid(Contract::Services85)), &at_root, &[])
            .expect("a disagreement");
        assert!(
            d.message.ends_with("xml.malformed at the document"),
            "{}",
            d.message
        );
    }

    /// The decoder refuses what the schema stage accepts: a disagreement unless a later rule
    /// finds the same thing at the same element.
    #[test]
    fn a_refusal_is_a_disagreement_unless_a_rule_finds_it_at_the_same_element() {
        let stage = valid(Contract::Services85);
        let d = Violation::new(Code::SoapMustUnderstand, "/Envelope/Header/To", "marked");
        let refusal = Fast::Refused(d.clone());
        assert!(disagreement(&refusal, &stage, std::slice::from_ref(&d)).is_none());
        let elsewhere = Violation::new(Code::SoapMustUnderstand, "/Envelope/Header/Trace", "m");
        let other_code = Violation::new(Code::SoapCredentials, "/Envelope/Header/To", "m");
        for all in [vec![], vec![elsewhere], vec![other_code]] {
            let found = disagreement(&refusal, &stage, &all).expect("a disagreement");
            assert_eq!(found.element, "/Envelope/Header/To", "{all:?}");
            assert!(
                found.message.contains(
                    "the strict decoder refuses the document (soap.must-understand at \
                     /Envelope/Header/To: marked); libxml2 finds it valid"
                ),
                "{}",
                found.message
            );
        }
    }
}
