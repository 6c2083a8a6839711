//! Violations: what a stage found wrong with a document, where, and under which stable code.
//!
//! Codes and element paths are public interface: CI users grep them. The list of codes lives
//! in [`Code`]; each has a stable dotted spelling (see `Code::as_str`) documented in the README.

use serde::Serialize;
use std::fmt;

/// A stable violation code. Adding a code is fine; renaming one breaks users' CI greps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Code {
    // --- the bytes and the XML syntax ---
    /// The document is empty (or only whitespace).
    XmlEmpty,
    /// The bytes are not text in an encoding the tool understands (bad UTF-8, odd UTF-16).
    XmlEncoding,
    /// The document is not well-formed XML.
    XmlMalformed,
    /// A DOCTYPE declaration: forbidden in SOAP messages, and the door to XXE.
    XmlDoctype,
    /// The document is larger, or nests deeper, than the documented limits.
    XmlLimit,
    // --- the SOAP envelope ---
    /// The root element is not a SOAP Envelope.
    SoapNotEnvelope,
    /// The envelope namespace is not the one the profile requires (1.2 on the wire, ...).
    SoapVersion,
    /// A header block outside `Header` (directly under `Envelope`) where the profile forbids it.
    SoapHeaderPlacement,
    /// No `Body`, or more than one.
    SoapBodyCount,
    /// An element after `Body` (WS-I Basic Profile R1308), or another misplaced envelope child.
    SoapEnvelopeContent,
    /// `Body` does not hold exactly one operation element (or a Fault).
    SoapBodyContent,
    /// A header block in the payload namespace that the WSDL does not declare.
    SoapUnknownHeader,
    /// A request without a `Credentials` header block holding a non-empty `Ticket` (the
    /// service refuses such a request): a rule of the pipeline, so `validate`, `check` and
    /// the stub all report it.
    SoapCredentials,
    /// A header block the contract does not know, marked `mustUnderstand` (SOAP 1.1: `1`;
    /// SOAP 1.2: `true` or `1`): the service must fault on it (SOAP 1.1 section 4.2.3).
    SoapMustUnderstand,
    // --- the XSD (payload) ---
    /// A member out of the order the schema's sequence requires.
    XsdOrder,
    /// An element the schema does not declare at this place.
    XsdUnexpected,
    /// A known element name in the wrong namespace (another service version, no namespace).
    XsdNamespace,
    /// A required element is missing.
    XsdMissing,
    /// A value that is not a valid lexeme of its type, or out of its range.
    XsdValue,
    /// A value outside an enumeration.
    XsdEnum,
    /// An item of a list type (a mask flag) that is not allowed.
    XsdList,
    /// `xsi:nil` on an element that is not nillable.
    XsdNil,
    /// An element marked `xsi:nil="true"` that still has content.
    XsdNilContent,
    /// An `xsi:type` that contradicts the declared type.
    XsdType,
    /// Character content where the schema allows only elements (or nothing).
    XsdText,
    /// An attribute the schema does not allow.
    XsdAttribute,
    /// An `xsi:schemaLocation` / `xsi:noNamespaceSchemaLocation` hint: the tool never loads
    /// a schema a document names, so the hint is reported rather than followed.
    XsdSchemaLocation,
    /// Any other schema finding; the message carries libxml2's words.
    XsdOther,
    // --- known defects of the documentation ---
    /// Under the `documented` profile: whitespace inside an element whose content must be
    /// empty (`<CreateDefaultContactRelationEntity>` with a line break inside), as the
    /// documentation's examples have it. XSD 1.0 forbids it; the service writes `<X/>`.
    DocWhitespaceInEmpty,
    // --- HTTP (captures) ---
    /// SOAPAction missing or naming another operation than the body holds.
    HttpSoapAction,
    /// Content-Type wrong for the SOAP version.
    HttpContentType,
    /// Charset in Content-Type inconsistent with the body.
    HttpCharset,
    /// A capture (HTTP dump, HAR file) that cannot be taken apart: bad JSON, a broken chunk,
    /// a body shorter than its Content-Length, a compressed body.
    CaptureMalformed,
    /// A message the proxy passed through unjudged: its body is larger than the proxy
    /// reads ([`MAX_REQUEST_BODY`](crate::text::limits::MAX_REQUEST_BODY)).
    CaptureTooLarge,
    // --- the engines ---
    /// Under `--engine both`: the strict decoder's verdict differs from libxml2's (the
    /// message says which way); the verdict is libxml2's.
    EngineDisagree,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: &'static [Code] = &[
        Code::XmlEmpty,
        Code::XmlEncoding,
        Code::XmlMalformed,
        Code::XmlDoctype,
        Code::XmlLimit,
        Code::SoapNotEnvelope,
        Code::SoapVersion,
        Code::SoapHeaderPlacement,
        Code::SoapBodyCount,
        Code::SoapEnvelopeContent,
        Code::SoapBodyContent,
        Code::SoapUnknownHeader,
        Code::SoapCredentials,
        Code::SoapMustUnderstand,
        Code::XsdOrder,
        Code::XsdUnexpected,
        Code::XsdNamespace,
        Code::XsdMissing,
        Code::XsdValue,
        Code::XsdEnum,
        Code::XsdList,
        Code::XsdNil,
        Code::XsdNilContent,
        Code::XsdType,
        Code::XsdText,
        Code::XsdAttribute,
        Code::XsdSchemaLocation,
        Code::XsdOther,
        Code::DocWhitespaceInEmpty,
        Code::HttpSoapAction,
        Code::HttpContentType,
        Code::HttpCharset,
        Code::CaptureMalformed,
        Code::CaptureTooLarge,
        Code::EngineDisagree,
    ];

    /// The stable spelling, e.g. `xsd.order`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::XmlEmpty => "xml.empty",
            Code::XmlEncoding => "xml.encoding",
            Code::XmlMalformed => "xml.malformed",
            Code::XmlDoctype => "xml.doctype",
            Code::XmlLimit => "xml.limit",
            Code::SoapNotEnvelope => "soap.not-envelope",
            Code::SoapVersion => "soap.version",
            Code::SoapHeaderPlacement => "soap.header-placement",
            Code::SoapBodyCount => "soap.body-count",
            Code::SoapEnvelopeContent => "soap.envelope-content",
            Code::SoapBodyContent => "soap.body-content",
            Code::SoapUnknownHeader => "soap.unknown-header",
            Code::SoapCredentials => "soap.credentials",
            Code::SoapMustUnderstand => "soap.must-understand",
            Code::XsdOrder => "xsd.order",
            Code::XsdUnexpected => "xsd.unexpected",
            Code::XsdNamespace => "xsd.namespace",
            Code::XsdMissing => "xsd.missing",
            Code::XsdValue => "xsd.value",
            Code::XsdEnum => "xsd.enum",
            Code::XsdList => "xsd.list",
            Code::XsdNil => "xsd.nil",
            Code::XsdNilContent => "xsd.nil-content",
            Code::XsdType => "xsd.type",
            Code::XsdText => "xsd.text",
            Code::XsdAttribute => "xsd.attribute",
            Code::XsdSchemaLocation => "xsd.schema-location",
            Code::XsdOther => "xsd.other",
            Code::DocWhitespaceInEmpty => "doc.whitespace-in-empty",
            Code::HttpSoapAction => "http.soap-action",
            Code::HttpContentType => "http.content-type",
            Code::HttpCharset => "http.charset",
            Code::CaptureMalformed => "capture.malformed",
            Code::CaptureTooLarge => "capture.too-large",
            Code::EngineDisagree => "engine.disagree",
        }
    }

    /// Parses the stable spelling back (for sidecar files and CLI filters).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl Code {
    /// Whether the finding is about HTTP headers rather than the body: its line names a
    /// line of the capture file, never one of the body.
    pub fn is_http(self) -> bool {
        matches!(
            self,
            Code::HttpSoapAction | Code::HttpContentType | Code::HttpCharset
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding: where (line, column, element path), what (code) and why (message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// 1-based line in the document's text, when known.
    pub line: Option<u32>,
    /// 1-based column (in characters) when known.
    pub column: Option<u32>,
    /// Element path of local names from the root, e.g.
    /// `/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed`. A sibling that
    /// is not the first of its name gets a 1-based index: `/Envelope/Body[2]`.
    /// Empty when the finding concerns no element (an empty file, bad bytes).
    pub element: String,
    /// The stable code.
    #[serde(serialize_with = "serialize_code")]
    pub code: Code,
    /// A sentence a person understands.
    pub message: String,
}

fn serialize_code<S: serde::Serializer>(code: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

impl Violation {
    /// A violation of `code` at the element path `element` (empty when no element is
    /// concerned), with no position yet (see [`Violation::at`]).
    pub fn new(code: Code, element: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            line: None,
            column: None,
            element: element.into(),
            code,
            message: message.into(),
        }
    }

    /// The same violation, at this 1-based line and column (`None` where unknown).
    pub fn at(mut self, line: Option<u32>, column: Option<u32>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
}

/// `code at path line:column: message`; what is not known is left out (`xml.empty:
/// the document is empty ...`, `xsd.order at /Envelope/Body/X line 3: ...`).
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        if !self.element.is_empty() {
            write!(f, " at {}", self.element)?;
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, " {l}:{c}")?,
            (Some(l), None) => write!(f, " line {l}")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_violation_displays_as_code_path_position_message() {
        let v = Violation::new(Code::XsdOrder, "/Envelope/Body/X", "out of order");
        assert_eq!(v.to_string(), "xsd.order at /Envelope/Body/X: out of order");
        assert_eq!(
            v.clone().at(Some(3), Some(7)).to_string(),
            "xsd.order at /Envelope/Body/X 3:7: out of order"
        );
        assert_eq!(
            v.at(Some(3), None).to_string(),
            "xsd.order at /Envelope/Body/X line 3: out of order"
        );
        let empty = Violation::new(Code::XmlEmpty, "", "the document is empty");
        assert_eq!(empty.to_string(), "xml.empty: the document is empty");
    }

    #[test]
    fn every_code_parses_back_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(seen.insert(c.as_str()), "duplicate spelling {c}");
        }
        assert_eq!(Code::parse("xsd.nope"), None);
    }
}
