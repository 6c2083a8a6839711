//! What the differential test allows: every deliberate divergence of `validate --profile
//! wire` from XSD 1.0, and every known gap of the oracle (`xmlschema`), each with what
//! decides it. The README's table is rendered from [`DIVERGENCES`] and checked against it
//! (`the_readme_lists_every_divergence_the_test_allows`): the list is written once, here.

/// One finding of the tool, as `validate --format json` prints it.
#[derive(Debug, Clone)]
pub struct Ours {
    pub code: String,
    pub element: String,
}

/// One error of the oracle.
#[derive(Debug, Clone)]
pub struct Theirs {
    pub path: String,
    pub reason: String,
}

/// What a rule may look at: the document's text (lossy UTF-8) beside the finding.
pub struct Doc<'a> {
    pub text: &'a str,
}

impl Doc<'_> {
    /// The character data of the element at `path` (the first start tag whose path it is),
    /// when it holds no child element.
    pub fn text_of(&self, path: &str) -> Option<String> {
        let t = relation_contract::testkit::xml::Tree::parse(self.text)?;
        let n = t.find(path)?;
        let c = n.content()?;
        let raw = &self.text[c];
        (!raw.contains('<')).then(|| raw.to_string())
    }

    /// The start tag of the element at `path`.
    pub fn start_tag(&self, path: &str) -> Option<String> {
        let t = relation_contract::testkit::xml::Tree::parse(self.text)?;
        Some(self.text[t.find(path)?.start.clone()].to_string())
    }
}

/// A `%` that does not start a `%XX` escape.
fn bad_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// Which side is stricter, and how a finding of that side is recognised.
pub enum Side {
    /// The tool refuses what XSD 1.0 accepts: explains one finding of the tool.
    Ours(fn(&Ours, &Doc<'_>) -> bool),
    /// XSD 1.0 (as the oracle reads it) refuses what the tool accepts: explains one error
    /// of the oracle.
    Theirs(fn(&Theirs, &Doc<'_>) -> bool),
}

pub struct Divergence {
    pub id: &'static str,
    /// The input, as the README says it.
    pub input: &'static str,
    /// XSD 1.0's verdict.
    pub xsd: &'static str,
    /// The tool's verdict.
    pub ours: &'static str,
    /// Why (the .NET / WCF behaviour or the SOAP rule it follows).
    pub why: &'static str,
    pub side: Side,
}

fn is_header_block(element: &str) -> bool {
    element
        .strip_prefix("/Envelope/Header/")
        .is_some_and(|rest| !rest.contains('/'))
}

/// The tool's deliberate divergences from XSD 1.0, in the README's order.
pub const DIVERGENCES: &[Divergence] = &[
    Divergence {
        id: "credentials",
        input: "a request without a `Credentials` header block holding a non-empty `Ticket`",
        xsd: "valid (every header block is optional)",
        ours: "`soap.credentials`",
        why: "NetServer refuses the call before it reads the body: a client that sends it has a bug",
        side: Side::Ours(|f, _| f.code == "soap.credentials"),
    },
    Divergence {
        id: "must-understand",
        input: "a header block marked `mustUnderstand=\"1\"` that the contract does not declare, or declares only for the other direction (`Succeeded` in a request, `Credentials` in a response)",
        xsd: "valid (Header's wildcard is lax)",
        ours: "`soap.must-understand`",
        why: "SOAP 1.1 section 4.2.3: the receiver must answer with a MustUnderstand fault, and WCF does",
        side: Side::Ours(|f, _| f.code == "soap.must-understand"),
    },
    Divergence {
        id: "header-namespace",
        input: "a header block named as one of the contract's (`Credentials`, `ApplicationToken`, `TimeZone`, `ExceptionInfo`, `ExtraInfo`, `Succeeded`) in another namespace or none",
        xsd: "valid (the lax wildcard finds no declaration and skips it)",
        ours: "`xsd.namespace`, naming the expected namespace",
        why: "WCF matches header blocks by name and namespace: the service never sees such a block, so the client's Ticket or time zone is silently lost",
        side: Side::Ours(|f, _| f.code == "xsd.namespace" && is_header_block(&f.element)),
    },
    Divergence {
        id: "unknown-header",
        input: "a header block in the Services85 namespace that the WSDL does not declare (`SoTimeZoneId`, `Bogus`)",
        xsd: "valid (the lax wildcard finds no declaration and skips it)",
        ours: "`soap.unknown-header`",
        why: "the contract's namespace is the contract's: WCF would ignore the block, so a client that sends it means something the service never reads",
        side: Side::Ours(|f, _| f.code == "soap.unknown-header"),
    },
    Divergence {
        id: "bom-against-declaration",
        input: "a UTF-8 byte order mark before a declaration that names an 8-bit encoding (`encoding=\"ISO-8859-1\"`)",
        xsd: "valid as expat and libxml2 read it (they let one of the two win)",
        ours: "`xml.encoding`, naming both",
        why: "the bytes say UTF-8 and the declaration says otherwise: XML 1.0 4.3.3 makes text that is not in the encoding it is taken to be in a fatal error, and which of the two a reader believes decides what every non-ASCII character is",
        side: Side::Ours(|f, doc| {
            f.code == "xml.encoding" && doc.text.starts_with('\u{feff}')
        }),
    },
    Divergence {
        id: "doctype",
        input: "a DOCTYPE declaration",
        xsd: "valid (a DTD is no concern of XSD)",
        ours: "`xml.doctype`, before any parsing",
        why: "SOAP 1.1 section 3: a SOAP message must not contain one; WCF's readers prohibit DTDs",
        side: Side::Ours(|f, _| f.code == "xml.doctype"),
    },
    Divergence {
        id: "schema-location",
        input: "an `xsi:schemaLocation` or `xsi:noNamespaceSchemaLocation` hint",
        xsd: "valid (a hint a processor may ignore)",
        ours: "`xsd.schema-location`: reported, never followed",
        why: "a message that names its own schema asks the receiver to fetch it; WCF ignores it, the tool says so rather than let it pass unseen",
        side: Side::Ours(|f, _| f.code == "xsd.schema-location"),
    },
];

/// Where the oracle is wrong, each with the XSD 1.0 rule that decides; the tool follows
/// the rule.
pub const ORACLE_GAPS: &[Divergence] = &[
    Divergence {
        id: "unicode-digits",
        input: "digits other than ASCII `0`-`9` in an `xs:int`, `xs:short` or `xs:dateTime` (`\u{661}\u{662}`, `\u{ff14}\u{ff12}`)",
        xsd: "invalid: XSD Part 2, 3.3.13 and 3.2.7, the lexical space is ASCII digits",
        ours: "`xsd.value`",
        why: "xmlschema reads them with Python's `int()`, which takes any Unicode digit",
        side: Side::Ours(|f, doc| {
            f.code == "xsd.value"
                && doc
                    .text_of(&f.element)
                    .is_some_and(|t| t.chars().any(|c| c.is_numeric() && !c.is_ascii_digit()))
        }),
    },
    Divergence {
        id: "underscore",
        input: "an underscore between digits (`1_000`)",
        xsd: "invalid: XSD Part 2, 3.3.13, `[\\-+]?[0-9]+`",
        ours: "`xsd.value`",
        why: "Python's `int()` takes underscores between digits",
        side: Side::Ours(|f, doc| {
            f.code == "xsd.value" && doc.text_of(&f.element).is_some_and(|t| t.contains('_'))
        }),
    },
    Divergence {
        id: "no-break-space",
        input: "a no-break space (U+00A0) around a number or boolean",
        xsd: "invalid: XSD Part 2, 4.3.6, `collapse` removes only #x20, #x9, #xD and #xA",
        ours: "`xsd.value`",
        why: "Python's `strip()` removes every Unicode space",
        side: Side::Ours(|f, doc| {
            f.code == "xsd.value"
                && doc.text_of(&f.element).is_some_and(|t| t.contains('\u{a0}'))
        }),
    },
    Divergence {
        id: "any-uri-escape",
        input: "a `%` not followed by two hexadecimal digits in an `xs:anyURI` (`actor=\"http://a/%zz\"`)",
        xsd: "invalid: XSD Part 2, 3.2.17, an anyURI is an RFC 2396 URI once escaped, and there `%` starts an escape",
        ours: "`xsd.value`",
        why: "xmlschema does not check escapes in an anyURI",
        side: Side::Ours(|f, doc| {
            f.code == "xsd.value" && doc.start_tag(&f.element).is_some_and(|t| bad_escape(&t))
        }),
    },
    Divergence {
        id: "lax-nil",
        input: "`xsi:nil=\"true\"` on an element that lax processing finds no declaration for (WCF's `ExceptionDetail` in a fault's `detail`)",
        xsd: "valid: XSD Part 1, 3.3.4, the nillable rule needs a declaration; without one the element is assessed against anyType",
        ours: "valid",
        why: "xmlschema applies the nillable rule to the anyType it falls back to",
        side: Side::Theirs(|e, _| e.reason.contains("not nillable") && e.path.contains("/detail/")),
    },
];

/// The README's table of [`DIVERGENCES`] and [`ORACLE_GAPS`].
pub fn render() -> String {
    let mut out = String::new();
    out.push_str("| input | XSD 1.0 | `validate` | why |\n|---|---|---|---|\n");
    for d in DIVERGENCES {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            d.input, d.xsd, d.ours, d.why
        ));
    }
    out.push_str(
        "\nThe oracle's own gaps, where XSD 1.0 decides against `xmlschema` and the tool \
         follows XSD:\n\n| input | XSD 1.0 | `validate` | what `xmlschema` does |\n|---|---|---|---|\n",
    );
    for d in ORACLE_GAPS {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            d.input, d.xsd, d.ours, d.why
        ));
    }
    out
}
