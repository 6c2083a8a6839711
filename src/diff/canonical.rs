//! The canonical tree: both sides of a diff are brought to one form before they are
//! compared, so that what does not matter cannot show up as a difference.
//!
//! - Elements are known by (namespace URI, local name), never by prefix; namespace
//!   declarations are dropped.
//! - The SOAP 1.1 and 1.2 envelope namespaces are one: elements and attributes in the 1.2
//!   namespace are stored in the 1.1 namespace ([`Tree::soap_version`] keeps what it was).
//! - Header blocks loose under `Envelope` (the documented shape) are moved inside `Header`.
//! - The contract versions' payload namespaces are one: elements in the namespace of the
//!   version the payload names (Services84 to Services88, by [`Contract::named_by`], the
//!   rule `validate`'s `auto` applies) are stored in the Services85 namespace, the table's
//!   ([`Tree::contract`] keeps what it was); declared types are those of the version
//!   applied ([`Tree::applied`]: the one named, or the one [`parse_as`] is given).
//! - An `xsi:type` naming the element's declared type is dropped; any other `xsi:type` is
//!   kept (resolved to `{namespace}local`) so that it shows up.
//! - `xsi:nil="true"` becomes the [`Element::nil`] flag.
//! - Whitespace-only text between elements is ignored; character references, the
//!   predefined entities and CDATA sections are read as the text they stand for.
//!
//! - The value of a secret element (`Ticket`, `ApplicationToken`, any namespace) is masked
//!   where it stands: its text becomes the mask and its content is dropped, and only a
//!   [`Secret`] record (never printed) keeps what the comparison needs.
//!
//! A document that is not well-formed, or that holds a DOCTYPE, is an error value with a
//! line and column; parsing never panics.

use super::types::{child_type_as, DeclaredType};
use super::unify;
use crate::contract::{Contract, ContractChoice};
use crate::contract::{SoapVersion, NS_SERVICES85, NS_SOAP11, NS_XSI};
use crate::secrets::{self, MASK};
use crate::text::LineIndex;
use crate::violation::{Code, Violation};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::NsReader;
use std::fmt;

pub use crate::text::limits::MAX_DEPTH;

/// A document in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// The document element.
    pub root: Element,
    /// The SOAP version of the envelope as written, when the root is a SOAP Envelope.
    pub soap_version: Option<SoapVersion>,
    /// The contract version whose payload namespace the envelope is written in (by
    /// [`Contract::named_by`]); `None` when no element names one, or the root is no SOAP
    /// Envelope. Its elements are stored in the Services85 namespace.
    pub contract: Option<Contract>,
    /// The contract version the tree's declared types are taken from: the one named, or
    /// the one [`parse_as`] was given.
    pub applied: Contract,
}

/// One element of the canonical tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI; empty when the name is in no namespace.
    pub ns: String,
    /// Local name.
    pub name: String,
    /// Attributes other than namespace declarations, `xsi:nil` and `xsi:type`, sorted by
    /// (namespace, name).
    pub attributes: Vec<Attribute>,
    /// An `xsi:type` that does not name the declared type, as `{namespace}local`.
    pub xsi_type: Option<String>,
    /// `xsi:nil="true"`.
    pub nil: bool,
    /// Character content. Whitespace-only text of an element that has child elements is
    /// dropped; the text of a leaf is kept exactly.
    pub text: String,
    /// The child elements, in document order.
    pub children: Vec<Element>,
    /// The type the WSDL declares for this element at this place, when known.
    pub declared: Option<DeclaredType>,
    /// 1-based position of the start tag in the document's text.
    pub line: u32,
    /// 1-based column (in characters) of the start tag.
    pub column: u32,
    /// Set on a secret element whose value was masked: `text` is then the mask and
    /// `children` is empty.
    pub secret: Option<Secret>,
}

/// What a masked secret element held, for comparing it, never for showing it: its `Debug`
/// prints the mask, and nothing else reads it out.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    /// The content in canonical form (text, and child elements as tags).
    content: String,
    /// Whether the content held elements (a Ticket is a string: that is a type break).
    has_elements: bool,
    /// Each non-blank text inside, trimmed: the values whose echoes elsewhere are masked.
    values: Vec<String>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl Secret {
    /// The masked value of a golden file: it matches any value.
    pub fn is_placeholder(&self) -> bool {
        !self.has_elements && self.values.len() == 1 && self.values[0] == MASK
    }

    pub(crate) fn content(&self) -> &str {
        &self.content
    }

    /// Whether the secret element held child elements (a type break for a string secret such as
    /// `Ticket`).
    pub fn has_elements(&self) -> bool {
        self.has_elements
    }
}

/// An attribute in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Attribute {
    /// Namespace URI; empty when the attribute is in no namespace.
    pub ns: String,
    /// Local name.
    pub name: String,
    /// The value as the document gives it.
    pub value: String,
}

impl Element {
    /// The key elements are aligned by: (namespace URI, local name).
    pub fn key(&self) -> (&str, &str) {
        (&self.ns, &self.name)
    }

    /// The name as shown: the local name, with `{namespace}` in front when the namespace is
    /// neither the payload's (of the version the document is written in: see
    /// [`Tree::contract`]) nor the SOAP envelope's.
    pub fn display_name(&self) -> String {
        if self.ns == NS_SERVICES85 || self.ns == NS_SOAP11 {
            self.name.clone()
        } else {
            format!("{{{}}}{}", self.ns, self.name)
        }
    }

    fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.ns == ns && c.name == name)
    }
}

impl Tree {
    /// The values the tree's secret elements held (trimmed, non-blank), for masking their
    /// echoes in other values. Never printed.
    pub(crate) fn secret_values(&self) -> Vec<String> {
        fn walk(e: &Element, out: &mut Vec<String>) {
            if let Some(s) = &e.secret {
                out.extend(s.values.iter().filter(|v| v.as_str() != MASK).cloned());
            }
            for c in &e.children {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }

    /// The Body's first child element (the operation wrapper or a Fault), when there is one.
    pub fn body_child(&self) -> Option<&Element> {
        if self.root.ns != NS_SOAP11 || self.root.name != "Envelope" {
            return None;
        }
        self.root.child(NS_SOAP11, "Body")?.children.first()
    }
}

/// Why a text could not be brought to canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct CanonError {
    /// 1-based line and column (in characters) in the text.
    pub line: u32,
    /// The column, 1-based, in characters.
    pub column: u32,
    /// The text holds a DOCTYPE (refused, never processed).
    pub doctype: bool,
    /// What is wrong, as the parser says it.
    pub message: String,
}

impl CanonError {
    /// The error as a [`Violation`] (`xml.doctype` or `xml.malformed`).
    pub fn to_violation(&self) -> Violation {
        let code = if self.doctype {
            Code::XmlDoctype
        } else {
            Code::XmlMalformed
        };
        Violation::new(code, "", self.message.clone()).at(Some(self.line), Some(self.column))
    }
}

/// An element being read: its start data and what has been collected so far.
struct Open {
    element: Element,
    /// `xsi:type` resolved to (namespace, local), decided against the declared type later.
    xsi_type: Option<(String, String)>,
    /// Whether a child element was seen (whitespace between children is then dropped).
    has_children: bool,
    /// Where the content of an outermost secret element starts in the text.
    secret_from: Option<usize>,
}

/// Parses a document's text into its canonical tree, with the declared types of the
/// contract version its payload names (Services85 when none does).
pub fn parse(text: &str) -> Result<Tree, CanonError> {
    parse_as(text, ContractChoice::Auto)
}

/// Parses a document's text into its canonical tree, with the declared types of the
/// contract version `contract` chooses (`Auto`: the one the payload names). The payload of
/// the version the document is written in is stored in the Services85 namespace whichever
/// version is applied, so that a Services88 capture held to Services85 compares member by
/// member ([`Tree::contract`] and [`Tree::applied`] say what was written and applied).
pub fn parse_as(text: &str, contract: ContractChoice) -> Result<Tree, CanonError> {
    parse_with_secrets(text, contract).map(|(tree, _)| tree)
}

/// The text with the content of every secret element replaced by the mask where it
/// stands (CDATA, child elements and character references included), and nothing else
/// changed: what a golden file holds. A secret element with blank content is left as it
/// is. The result parses to the same canonical tree, with the mask as each secret's value.
pub fn masked_source(text: &str) -> Result<String, CanonError> {
    let (_, spans) = parse_with_secrets(text, ContractChoice::Auto)?;
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        let Some(content) = text.get(span.clone()) else {
            continue;
        };
        if content.trim().is_empty() || span.start < at {
            continue;
        }
        out.push_str(&text[at..span.start]);
        out.push_str(MASK);
        at = span.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The canonical tree, and the byte ranges of the content of each outermost secret
/// element (between its start tag and its end tag) in `text`.
fn parse_with_secrets(
    text: &str,
    choice: ContractChoice,
) -> Result<(Tree, Vec<std::ops::Range<usize>>), CanonError> {
    let index = LineIndex::new(text);
    let error_at = |offset: u64, doctype: bool, message: String| {
        let (line, column) = index.position(usize::try_from(offset).unwrap_or(usize::MAX));
        CanonError {
            line,
            column,
            doctype,
            message,
        }
    };
    let mut positions = Positions::new(text);
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Element> = None;
    let mut spans = Vec::new();
    let offset = |o: u64| usize::try_from(o).unwrap_or(usize::MAX);
    loop {
        let start_offset = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                return Err(error_at(
                    reader.error_position(),
                    false,
                    format!("not well-formed XML: {e}"),
                ))
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => {
                return Err(error_at(
                    start_offset,
                    false,
                    "a second root element after the document's root".to_string(),
                ));
            }
            // An element of level MAX_DEPTH + 1, empty or not, is the first too deep.
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(error_at(
                    start_offset,
                    false,
                    crate::text::limits::too_deep(),
                ));
            }
            Event::Start(e) => {
                let mut open = start_element(&reader, &e, &mut positions, start_offset)
                    .map_err(|m| error_at(start_offset, false, m))?;
                if let Some(parent) = stack.last_mut() {
                    parent.has_children = true;
                }
                let inside_secret = stack.iter().any(|o| o.secret_from.is_some());
                if is_secret_name(&open.element.name) && !inside_secret {
                    open.secret_from = Some(offset(reader.buffer_position()));
                }
                stack.push(open);
            }
            Event::Empty(e) => {
                let open = start_element(&reader, &e, &mut positions, start_offset)
                    .map_err(|m| error_at(start_offset, false, m))?;
                if let Some(parent) = stack.last_mut() {
                    parent.has_children = true;
                }
                close(&mut stack, &mut root, open);
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else {
                    return Err(error_at(
                        start_offset,
                        false,
                        "an end tag without a start tag".to_string(),
                    ));
                };
                if let Some(from) = open.secret_from {
                    spans.push(from..offset(start_offset));
                }
                close(&mut stack, &mut root, open);
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                push_text(&mut stack, &content).map_err(|m| error_at(start_offset, false, m))?;
            }
            Event::CData(c) => {
                let content = c.xml10_content();
                if stack.is_empty() {
                    return Err(error_at(
                        start_offset,
                        false,
                        "a CDATA section outside the root element".to_string(),
                    ));
                }
                push_text(&mut stack, &content).map_err(|m| error_at(start_offset, false, m))?;
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            return Err(error_at(
                                start_offset,
                                false,
                                "an invalid character reference".to_string(),
                            ))
                        }
                    }
                } else {
                    let name = r.xml10_content();
                    match quick_xml::escape::resolve_xml_entity(&name) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(error_at(
                                start_offset,
                                false,
                                "a reference to an undeclared entity (no DTD is read)".to_string(),
                            ))
                        }
                    }
                };
                if stack.is_empty() {
                    return Err(error_at(
                        start_offset,
                        false,
                        "a reference outside the root element".to_string(),
                    ));
                }
                push_text(&mut stack, &resolved).map_err(|m| error_at(start_offset, false, m))?;
            }
            Event::DocType(_) => {
                return Err(error_at(
                    start_offset,
                    true,
                    "a DOCTYPE declaration: forbidden in SOAP messages, never processed"
                        .to_string(),
                ))
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        let (line, column) = (open.element.line, open.element.column);
        return Err(CanonError {
            line,
            column,
            doctype: false,
            message: format!("element <{}> is never closed", open.element.name),
        });
    }
    let Some(mut root) = root else {
        let (line, column) = index.end_position();
        return Err(CanonError {
            line,
            column,
            doctype: false,
            message: "no root element".to_string(),
        });
    };
    let soap_version = if root.name == "Envelope" {
        SoapVersion::from_namespace(&root.ns)
    } else {
        None
    };
    let mut contract = None;
    if soap_version.is_some() {
        unify::unify_envelope_namespace(&mut root);
        unify::gather_header_blocks(&mut root);
        contract = unify::named_version(&root);
        if let Some(written) = contract.filter(|c| c.namespace() != NS_SERVICES85) {
            unify::unify_payload_namespace(&mut root, written.namespace());
        }
    }
    let applied = choice.resolve(contract);
    annotate(&mut root, None, soap_version.is_some(), applied);
    let tree = Tree {
        root,
        soap_version,
        contract,
        applied,
    };
    Ok((tree, spans))
}

/// Line and column of start tags, which come in increasing order: each is counted on
/// from the one before, so a document on one line costs one pass, not one per element
/// (the same answer as [`LineIndex::position`]).
struct Positions<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
    column: u32,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        Positions {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let Some(step) = self.text.get(self.offset..offset) else {
            // Backwards or off a character boundary: never for start tags; count afresh.
            return LineIndex::new(self.text).position(offset);
        };
        for c in step.chars() {
            if c == '\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else {
                self.column = self.column.saturating_add(1);
            }
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

/// Reads a start tag: its resolved name, attributes, `xsi:nil` and `xsi:type`.
fn start_element(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    positions: &mut Positions<'_>,
    offset: u64,
) -> Result<Open, String> {
    let resolver = reader.resolver();
    let (ns, local) = resolver.resolve_element(e.name());
    let ns = match ns {
        ResolveResult::Bound(n) => n.0.to_string(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(p) => {
            return Err(format!(
                "the prefix `{p}` of <{}> is not bound to a namespace",
                e.name().0
            ))
        }
    };
    let mut attributes = Vec::new();
    let mut nil = false;
    let mut xsi_type = None;
    for attr in e.attributes() {
        let attr = attr.map_err(|err| format!("bad attribute: {err}"))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| format!("bad attribute value: {err}"))?
            .into_owned();
        let (ans, alocal) = resolver.resolve_attribute(attr.key);
        let ans = match ans {
            ResolveResult::Bound(n) => n.0.to_string(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => {
                return Err(format!(
                    "the prefix `{p}` of attribute `{}` is not bound to a namespace",
                    attr.key.0
                ))
            }
        };
        let alocal = alocal.as_ref().to_string();
        if ans == NS_XSI && alocal == "nil" {
            nil = matches!(value.trim(), "true" | "1");
            continue;
        }
        if ans == NS_XSI && alocal == "type" {
            let qname = value.trim();
            let (tlocal, tprefix) = QName(qname).decompose();
            let tns = match resolver.resolve_prefix(tprefix, true) {
                ResolveResult::Bound(n) => n.0.to_string(),
                ResolveResult::Unbound => String::new(),
                // Kept as written: an unresolvable type never matches the declared one.
                ResolveResult::Unknown(p) => format!("unbound prefix {p}"),
            };
            xsi_type = Some((tns, tlocal.as_ref().to_string()));
            continue;
        }
        attributes.push(Attribute {
            ns: ans,
            name: alocal,
            value,
        });
    }
    attributes.sort();
    let (line, column) = positions.at(usize::try_from(offset).unwrap_or(usize::MAX));
    Ok(Open {
        element: Element {
            ns,
            name: local.as_ref().to_string(),
            attributes,
            xsi_type: None,
            nil,
            text: String::new(),
            children: Vec::new(),
            declared: None,
            line,
            column,
            secret: None,
        },
        xsi_type,
        has_children: false,
        secret_from: None,
    })
}

fn push_text(stack: &mut [Open], content: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(open) => {
            open.element.text.push_str(content);
            Ok(())
        }
        None if content.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".to_string()),
    }
}

/// Finishes an element and hangs it under its parent (or makes it the root).
fn close(stack: &mut [Open], root: &mut Option<Element>, open: Open) {
    let mut element = open.element;
    if open.has_children && element.text.trim().is_empty() {
        element.text.clear();
    }
    // Until the declared type is known, keep the resolved xsi:type in `xsi_type` as
    // `{ns}local`; `annotate` drops it when it names the declared type.
    element.xsi_type = open.xsi_type.map(|(ns, local)| format!("{{{ns}}}{local}"));
    mask_secret(&mut element);
    match stack.last_mut() {
        Some(parent) => parent.element.children.push(element),
        None => *root = Some(element),
    }
}

fn is_secret_name(local: &str) -> bool {
    secrets::is_secret_element(local)
}

/// Masks a secret element's value in the tree, where it stands: the text becomes the mask,
/// the content is dropped, and a [`Secret`] keeps what comparing needs. Blank content is
/// no secret and stays. (The one place `diff` decides what is secret: at merge, the
/// secrets module's element list.)
fn mask_secret(e: &mut Element) {
    if !is_secret_name(&e.name) || (e.text.trim().is_empty() && e.children.is_empty()) {
        return;
    }
    let mut content = String::new();
    let mut values = Vec::new();
    secret_content(e, &mut content, &mut values);
    e.secret = Some(Secret {
        content,
        has_elements: !e.children.is_empty(),
        values,
    });
    e.text = MASK.to_string();
    e.children.clear();
}

/// The content of an element in a canonical form (text quoted, children as tags), and
/// every non-blank text and attribute value in it.
fn secret_content(e: &Element, content: &mut String, values: &mut Vec<String>) {
    use std::fmt::Write as _;
    fn keep(values: &mut Vec<String>, v: &str) {
        if !v.trim().is_empty() {
            values.push(v.trim().to_string());
        }
    }
    let _ = write!(content, "{:?}", e.text);
    keep(values, &e.text);
    for c in &e.children {
        let _ = write!(content, "<{{{}}}{} nil={}", c.ns, c.name, c.nil);
        for a in &c.attributes {
            let _ = write!(content, " {{{}}}{}={:?}", a.ns, a.name, a.value);
            keep(values, &a.value);
        }
        content.push('>');
        match &c.secret {
            Some(s) => {
                content.push_str(&s.content);
                values.extend(s.values.iter().cloned());
            }
            None => secret_content(c, content, values),
        }
        content.push_str("</>");
    }
}

/// Sets each element's declared type from its parent's (as `contract` has the types), and
/// drops an `xsi:type` that names it.
fn annotate(
    e: &mut Element,
    declared: Option<DeclaredType>,
    in_envelope: bool,
    contract: Contract,
) {
    e.declared = declared;
    if let (Some(t), Some(written)) = (declared.and_then(DeclaredType::qname), &e.xsi_type) {
        if *written == format!("{{{}}}{}", t.0, t.1) {
            e.xsi_type = None;
        }
    }
    let parent_type = match declared {
        Some(DeclaredType::Complex(name)) => Some(name),
        _ => None,
    };
    let is_envelope = in_envelope && e.ns == NS_SOAP11 && e.name == "Envelope";
    for c in &mut e.children {
        let t = if is_envelope && c.ns == NS_SOAP11 && matches!(c.name.as_str(), "Header" | "Body")
        {
            let name: &'static str = if c.name == "Header" { "Header" } else { "Body" };
            Some(DeclaredType::Complex(name))
        } else if c.ns == NS_SERVICES85 {
            parent_type.and_then(|p| child_type_as(contract, p, &c.name))
        } else {
            None
        };
        annotate(c, t, false, contract);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_tag_positions_match_the_line_index() {
        let text = "<a>\r\n  <b>é€</b><c/>\n\n<d><e/></d>  <f/></a>";
        let tree = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let index = LineIndex::new(text);
        let mut seen = Vec::new();
        fn walk(e: &Element, out: &mut Vec<(String, u32, u32)>) {
            out.push((e.name.clone(), e.line, e.column));
            e.children.iter().for_each(|c| walk(c, out));
        }
        walk(&tree.root, &mut seen);
        for (name, line, column) in seen {
            let offset = text.find(&format!("<{name}")).unwrap_or(0);
            assert_eq!((line, column), index.position(offset), "<{name}>");
        }
    }

    #[test]
    fn masked_source_replaces_secret_content_only() {
        let text = "<r><x:Ticket xmlns:x='u'>a<![CDATA[</x:Ticket>]]>b</x:Ticket>\
                    <Ticket/><ApplicationToken> </ApplicationToken><Ticket>s</Ticket></r>";
        let masked = masked_source(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            masked,
            "<r><x:Ticket xmlns:x='u'>[REDACTED]</x:Ticket>\
             <Ticket/><ApplicationToken> </ApplicationToken><Ticket>[REDACTED]</Ticket></r>"
        );
        let tree = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let ticket = &tree.root.children[0];
        assert_eq!(ticket.text, MASK);
        assert!(ticket.secret.is_some());
        assert_eq!(format!("{:?}", ticket.secret), "Some(Secret([REDACTED]))");
        assert!(!format!("{tree:?}").contains("</x:Ticket>]]"));
    }
}
