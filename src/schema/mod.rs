//! XSD validation through libxml2, under a [`Profile`].
//!
//! Design:
//!
//! - **Schemas** (`schemas/*.xsd`, written from the WSDL) are embedded with `include_str!`.
//!   One process-wide libxml2 external entity loader (installed once) serves them from memory
//!   by file name and refuses every other URL, so no DTD, external entity, `xs:import` or
//!   `xsi:schemaLocation` ever reaches the file system or the network.
//! - **Per thread**: libxml2's schema and validation contexts are neither `Send` nor `Sync`,
//!   so each thread compiles the two envelope schemas once, lazily (`thread_local!`), and
//!   reuses them for every document; schema-compile warnings count as errors. The thread's
//!   generic error channel is silenced; every diagnostic arrives through structured handlers.
//! - **Before libxml**: undecodable text, empty documents and any DOCTYPE are rejected
//!   before libxml2 sees the bytes. Parsing is without recovery, without network, as UTF-8.
//! - **Structural + XSD**: the envelope's shape (root, SOAP version, Header/Body placement,
//!   Body count, content after Body, undeclared Services85 header blocks, schema hints) is
//!   checked in Rust, for messages a person understands. When the envelope is as the profile
//!   wants, the whole document is validated against the profile's envelope schema. When it
//!   is not, the deviations are reported once each and there is **no cascade**: each payload
//!   element (every declared header block wherever it stands, and the Body's child) is
//!   validated on its own with `xmlSchemaValidateOneElement`, so payload errors still surface.
//! - **Findings** are mapped from libxml2's error codes and words to stable [`Code`]s, with
//!   the path of local names of the offending element and the line and column of its start
//!   tag (libxml2 gives no column for validation errors: the error's node gives the path, and
//!   an index of start tags over the text gives the position).

mod loader;
mod models;

pub use loader::schemas;

use crate::capture::{Document, SourceEncoding};
use crate::text::LineIndex;
// Elements nest at most this deep: the decoder's limit, so both hold documents to one rule.
use crate::codec::MAX_DEPTH;
use crate::contract::{
    Kind, Operation, Profile, SoapVersion, NS_SERVICES85, NS_XSI, REQUEST_HEADERS, RESPONSE_HEADERS,
};
use crate::violation::{Code, Violation};
use libxml::bindings as b;
use libxml::parser::{Parser, ParserOptions, XmlParseFailure};
use loader::RawError;
use models::Models;
use std::collections::{HashMap, HashSet};
use std::ffi::CStr;

pub use crate::text::limits::MAX_VIOLATIONS;

/// The verdict of validation for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// The profile that was applied (never `Auto`: `Auto` is resolved by the envelope).
    pub profile: Profile,
    pub soap_version: Option<SoapVersion>,
    pub operation: Option<Operation>,
    pub kind: Option<Kind>,
    /// Sorted by line, then column.
    pub violations: Vec<Violation>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// A finding before it has a position: the position is looked up by path at the end.
#[derive(Debug, Clone)]
struct Found {
    code: Code,
    path: String,
    message: String,
    /// libxml2's line, used when the path has no start tag (should not happen).
    line: Option<u32>,
}

impl Found {
    fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Found {
        Found {
            code,
            path: path.into(),
            message: message.into(),
            line: None,
        }
    }
}

/// The libxml2 parser options every document is parsed with: no recovery (a malformed
/// document is refused, not repaired), no network, diagnostics collected rather than
/// printed, and the text read as the UTF-8 it is here (whatever its declaration says; the
/// read stage transcoded it).
pub fn parse_options() -> ParserOptions<'static> {
    ParserOptions {
        recover: false,
        no_net: true,
        no_error: true,
        no_warning: true,
        ignore_enc: true,
        encoding: Some("UTF-8"),
        ..ParserOptions::default()
    }
}

/// Validates one document under a profile.
pub fn validate(doc: &Document, profile: Profile) -> Validation {
    let mut out = Validation {
        profile: profile.resolve(None),
        soap_version: None,
        operation: None,
        kind: None,
        violations: Vec::new(),
    };
    let text = match &doc.text {
        Ok(t) => t.as_str(),
        Err(v) => {
            out.violations.push(v.clone());
            return out;
        }
    };
    if text.len() > crate::capture::MAX_DOCUMENT_BYTES {
        out.violations.push(Violation::new(
            Code::XmlLimit,
            "",
            format!(
                "the document is {} bytes, larger than the {} bytes (8 MiB) the tool reads: it \
                 is not parsed",
                text.len(),
                crate::capture::MAX_DOCUMENT_BYTES
            ),
        ));
        return out;
    }
    if text.trim().is_empty() {
        out.violations.push(Violation::new(
            Code::XmlEmpty,
            "",
            "the document is empty: a SOAP message needs an Envelope",
        ));
        return out;
    }
    if let Some(v) = utf16_without_bom(doc.encoding, text) {
        out.violations.push(v);
        return out;
    }
    if let Some(off) = find_doctype(text) {
        let (line, col) = LineIndex::new(text).position(off);
        out.violations.push(
            Violation::new(
                Code::XmlDoctype,
                "",
                "the document has a DOCTYPE declaration: SOAP messages must not have one, and it \
                 is neither parsed nor followed (no entity, no external DTD is read)",
            )
            .at(Some(line), Some(col)),
        );
        return out;
    }

    loader::install_loader();
    loader::silence_thread();
    let parser = Parser::default();
    let document = match parser.parse_string_with_diagnostics(text.as_bytes(), parse_options()) {
        Ok((document, diags)) => {
            if let Some(d) = diags.iter().find(|d| is_error_level(&d.level)) {
                out.violations.push(malformed(d));
                return out;
            }
            document
        }
        Err(XmlParseFailure::ParseFailed(diags)) => {
            let v = diags
                .iter()
                .find(|d| is_error_level(&d.level))
                .or(diags.first())
                .map(malformed)
                .unwrap_or_else(|| {
                    Violation::new(
                        Code::XmlMalformed,
                        "",
                        "the document is not well-formed XML",
                    )
                });
            out.violations.push(v);
            return out;
        }
        Err(XmlParseFailure::DocumentTooLarge) => {
            out.violations.push(Violation::new(
                Code::XmlLimit,
                "",
                "the document is larger than libxml2 can parse (2 GiB)",
            ));
            return out;
        }
        Err(e) => {
            out.violations.push(Violation::new(
                Code::XmlMalformed,
                "",
                format!("the document could not be parsed: {e}"),
            ));
            return out;
        }
    };

    // SAFETY: `document` stays alive (and unchanged) until the end of this function; every
    // node pointer below comes from it.
    let too_deep = unsafe { first_too_deep(document.doc_ptr()) };
    let found = match too_deep {
        Some(path) => vec![Found::new(
            Code::XmlLimit,
            path,
            format!(
                "elements nest deeper than {MAX_DEPTH} levels, the deepest nesting the tool \
                 reads: the document is not validated"
            ),
        )],
        None => unsafe { check_document(document.doc_ptr(), profile, &mut out) },
    };
    drop(document);

    if !found.is_empty() {
        // Built only for findings: a valid document never pays for the line index.
        let index = LineIndex::new(text);
        let wanted: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        let positions = start_tags(text, &wanted);
        let mut violations: Vec<Violation> = found
            .into_iter()
            .map(|f| {
                let (line, column) = match positions.get(&f.path) {
                    Some(&off) => {
                        let (l, c) = index.position(off);
                        (Some(l), Some(c))
                    }
                    None => (f.line, None),
                };
                Violation::new(f.code, f.path, f.message).at(line, column)
            })
            .collect();
        violations.sort_by_key(|v| (v.line.unwrap_or(0), v.column.unwrap_or(0)));
        if violations.len() > MAX_VIOLATIONS {
            violations.truncate(MAX_VIOLATIONS);
            violations.push(Violation::new(
                Code::XmlLimit,
                "",
                format!(
                    "more than {MAX_VIOLATIONS} violations: only the first {MAX_VIOLATIONS} \
                     are reported"
                ),
            ));
        }
        out.violations = violations;
    }
    out
}

fn is_error_level(level: &libxml::error::XmlErrorLevel) -> bool {
    matches!(
        level,
        libxml::error::XmlErrorLevel::Error | libxml::error::XmlErrorLevel::Fatal
    )
}

fn malformed(d: &libxml::error::StructuredError) -> Violation {
    let words = d.message.as_deref().unwrap_or("").trim();
    let line = d.line.and_then(|l| u32::try_from(l).ok());
    let col = d.col.and_then(|c| u32::try_from(c).ok());
    let v = match parser_limit(words) {
        Some(what) => Violation::new(
            Code::XmlLimit,
            "",
            format!("{what}: the document is not parsed (libxml2: {words})"),
        ),
        None => Violation::new(
            Code::XmlMalformed,
            "",
            format!("the document is not well-formed XML: {words}"),
        ),
    };
    v.at(line, col)
}

/// libxml2's own limits (it runs without `XML_PARSE_HUGE`), recognised by its words: the
/// limit, in a sentence, or `None` for an ordinary well-formedness error.
fn parser_limit(words: &str) -> Option<&'static str> {
    let w = words.to_ascii_lowercase();
    if w.contains("excessive depth") {
        Some("elements nest deeper than 256 levels, where libxml2 stops")
    } else if w.contains("huge text node") || w.contains("huge input lookup") {
        Some("a text node or a token is longer than the 10,000,000 bytes libxml2 parses")
    } else if w.contains("xml_parse_huge") || w.contains("too long") || w.contains("too big") {
        Some("a name, attribute value, comment or other token exceeds a libxml2 size limit")
    } else if w.contains("amplification") || w.contains("entity loop") {
        Some("entity expansion exceeds libxml2's limit")
    } else {
        None
    }
}

/// The path of the first element that stands deeper than [`MAX_DEPTH`] levels (the root is
/// level 1), walking the tree without recursion.
///
/// # Safety
/// `doc` must be a live document.
unsafe fn first_too_deep(doc: b::xmlDocPtr) -> Option<String> {
    let root = unsafe { b::xmlDocGetRootElement(doc) };
    if !unsafe { is_element(root) } {
        return None;
    }
    let mut node = root;
    let mut depth = 1usize;
    loop {
        if depth > MAX_DEPTH {
            return Some(unsafe { node_path(node) });
        }
        // Down to the first element child, else on to the next element sibling of this
        // node or of the nearest ancestor that has one.
        if let Some(&c) = unsafe { element_children(node) }.first() {
            node = c;
            depth += 1;
            continue;
        }
        loop {
            if node == root {
                return None;
            }
            let mut next = unsafe { (*node).next };
            while !next.is_null() && !unsafe { is_element(next) } {
                next = unsafe { (*next).next };
            }
            if !next.is_null() {
                node = next;
                break;
            }
            node = unsafe { (*node).parent };
            depth -= 1;
        }
    }
}

/// UTF-16 without a byte order mark is not XML (XML 1.0, 4.3.3: UTF-16 text must begin with
/// one) unless the declaration names the byte order (`UTF-16LE` / `UTF-16BE`). The text was
/// read anyway, so the finding can say what it looked like.
fn utf16_without_bom(encoding: SourceEncoding, text: &str) -> Option<Violation> {
    let order = match encoding {
        SourceEncoding::Utf16LeNoBom => "UTF-16LE",
        SourceEncoding::Utf16BeNoBom => "UTF-16BE",
        _ => return None,
    };
    let declared = text
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
        .and_then(|(decl, _)| decl.split_once("encoding"))
        .and_then(|(_, after)| after.trim_start().strip_prefix('='))
        .map(|v| v.trim_start().trim_start_matches(['"', '\'']))
        .and_then(|v| v.split(['"', '\'']).next())
        .unwrap_or("");
    if declared.eq_ignore_ascii_case(order) {
        return None;
    }
    Some(
        Violation::new(
            Code::XmlEncoding,
            "",
            format!(
                "UTF-16 without a byte order mark (the bytes read as {order}): XML requires UTF-16 \
                 text to begin with a BOM, or a declaration encoding=\"{order}\""
            ),
        )
        .at(Some(1), Some(1)),
    )
}

/// The byte offset of a `<!DOCTYPE` outside comments, CDATA sections and processing
/// instructions (elsewhere `<` cannot stand literally, so this finds every real one).
fn find_doctype(text: &str) -> Option<usize> {
    // No `<!DOCTYPE` anywhere, none outside comments either: one substring search.
    if !text.contains("<!DOCTYPE") {
        return None;
    }
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let at = i + off;
        let rest = &text[at..];
        let skip_to = |end: &str, from: usize| {
            text[from..]
                .find(end)
                .map_or(text.len(), |e| from + e + end.len())
        };
        if rest.starts_with("<!--") {
            i = skip_to("-->", at + 4);
        } else if rest.starts_with("<![CDATA[") {
            i = skip_to("]]>", at + 9);
        } else if rest.starts_with("<?") {
            i = skip_to("?>", at + 2);
        } else if rest.starts_with("<!DOCTYPE") {
            return Some(at);
        } else {
            i = at + 1;
        }
    }
    None
}

/// Byte offset of the start tag `<` of each wanted path (same path rule as [`node_path`]).
///
/// Only the subtrees that lead to a wanted path are followed, and the scan stops once every
/// wanted path is found: a document with millions of elements costs one pass without a
/// path string per element.
fn start_tags(text: &str, wanted: &[&str]) -> HashMap<String, usize> {
    use quick_xml::events::Event;
    let wanted: HashSet<&str> = wanted.iter().copied().filter(|w| !w.is_empty()).collect();
    // The child segments that lead towards a wanted path, by parent path.
    let mut leads: HashMap<&str, HashSet<&str>> = HashMap::new();
    for w in &wanted {
        for (i, _) in w.match_indices('/') {
            let rest = &w[i + 1..];
            let segment = rest.split('/').next().unwrap_or(rest);
            leads.entry(&w[..i]).or_default().insert(segment);
        }
    }
    let mut map = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(text);
    // Stack of (path, child-name counts) for followed elements, `None` for the others.
    let mut stack: Vec<Option<(String, HashMap<String, usize>)>> =
        vec![Some((String::new(), HashMap::new()))];
    while map.len() < wanted.len() {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let Some(top) = stack.last_mut() else {
            break;
        };
        let mut frame = None;
        if let Some((parent_path, counts)) = top {
            let local = e.local_name().as_ref().to_string();
            let n = counts.entry(local.clone()).or_insert(0);
            *n += 1;
            let segment = if *n == 1 {
                local
            } else {
                format!("{local}[{n}]")
            };
            let leads_on = leads
                .get(parent_path.as_str())
                .is_some_and(|s| s.contains(segment.as_str()));
            if leads_on {
                let path = format!("{parent_path}/{segment}");
                if wanted.contains(path.as_str()) {
                    map.entry(path.clone()).or_insert(pos);
                }
                frame = Some((path, HashMap::new()));
            }
        }
        if !empty {
            stack.push(frame);
        }
    }
    map
}

// ---------------------------------------------------------------------------------------
// Raw node helpers. Every function takes node pointers from a live document.

type NodePtr = b::xmlNodePtr;

unsafe fn cstr(p: *const u8) -> String {
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p.cast()) }
            .to_string_lossy()
            .into_owned()
    }
}

unsafe fn is_element(n: NodePtr) -> bool {
    !n.is_null() && unsafe { (*n).type_ } == b::xmlElementType_XML_ELEMENT_NODE
}

unsafe fn local_name(n: NodePtr) -> String {
    unsafe { cstr((*n).name) }
}

unsafe fn namespace(n: NodePtr) -> Option<String> {
    let ns = unsafe { (*n).ns };
    if ns.is_null() {
        None
    } else {
        Some(unsafe { cstr((*ns).href) })
    }
}

unsafe fn element_children(n: NodePtr) -> Vec<NodePtr> {
    let mut out = Vec::new();
    let mut c = unsafe { (*n).children };
    while !c.is_null() {
        if unsafe { is_element(c) } {
            out.push(c);
        }
        c = unsafe { (*c).next };
    }
    out
}

/// Non-whitespace text directly inside `n`.
unsafe fn has_text(n: NodePtr) -> bool {
    let mut c = unsafe { (*n).children };
    while !c.is_null() {
        let t = unsafe { (*c).type_ };
        if t == b::xmlElementType_XML_TEXT_NODE || t == b::xmlElementType_XML_CDATA_SECTION_NODE {
            let s = unsafe { cstr((*c).content) };
            if !s.trim().is_empty() {
                return true;
            }
        }
        c = unsafe { (*c).next };
    }
    false
}

unsafe fn previous_elements(n: NodePtr) -> Vec<NodePtr> {
    let mut out = Vec::new();
    let mut p = unsafe { (*n).prev };
    while !p.is_null() {
        if unsafe { is_element(p) } {
            out.push(p);
        }
        p = unsafe { (*p).prev };
    }
    out.reverse();
    out
}

/// The path of local names from the root; a sibling that is not the first of its name gets
/// a 1-based index.
///
/// Costs a walk over the previous siblings of every ancestor (no allocation per sibling);
/// loops over many siblings use [`ChildPaths`] instead.
unsafe fn node_path(n: NodePtr) -> String {
    let mut segments = Vec::new();
    let mut cur = n;
    let mut guard = 0;
    while unsafe { is_element(cur) } && guard < 100_000 {
        guard += 1;
        let name = unsafe { local_name(cur) };
        let mut same = 0usize;
        let mut p = unsafe { (*cur).prev };
        while !p.is_null() {
            // SAFETY: element names are NUL-terminated strings of the live document.
            if unsafe { is_element(p) && !(*p).name.is_null() && !(*cur).name.is_null() }
                && unsafe { CStr::from_ptr((*p).name.cast()) == CStr::from_ptr((*cur).name.cast()) }
            {
                same += 1;
            }
            p = unsafe { (*p).prev };
        }
        segments.push(if same == 0 {
            name
        } else {
            format!("{name}[{}]", same + 1)
        });
        cur = unsafe { (*cur).parent };
    }
    segments.reverse();
    format!("/{}", segments.join("/"))
}

/// Paths of the element children of one parent, handed out in document order at O(1) each
/// (the same rule as [`node_path`]): hostile documents have hundreds of thousands of siblings.
struct ChildPaths {
    parent: String,
    seen: HashMap<String, u32>,
}

impl ChildPaths {
    fn new(parent: String) -> Self {
        ChildPaths {
            parent,
            seen: HashMap::new(),
        }
    }

    /// The path of the next element child, whose local name is `local`.
    fn next(&mut self, local: &str) -> String {
        let n = self.seen.entry(local.to_string()).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{}/{local}", self.parent)
        } else {
            format!("{}/{local}[{n}]", self.parent)
        }
    }
}

unsafe fn attribute(n: NodePtr, ns: &str, name: &str) -> Option<String> {
    let mut a = unsafe { (*n).properties };
    while !a.is_null() {
        let a_ns = unsafe { (*a).ns };
        let a_ns = if a_ns.is_null() {
            String::new()
        } else {
            unsafe { cstr((*a_ns).href) }
        };
        if a_ns == ns && unsafe { cstr((*a).name) } == name {
            let children = unsafe { (*a).children };
            return Some(if children.is_null() {
                String::new()
            } else {
                unsafe { cstr((*children).content) }
            });
        }
        a = unsafe { (*a).next };
    }
    None
}

fn ns_words(ns: Option<&str>) -> String {
    match ns {
        None | Some("") => "no namespace".to_string(),
        Some(n) => format!("namespace {n}"),
    }
}

fn is_declared_header(local: &str) -> bool {
    REQUEST_HEADERS.contains(&local) || RESPONSE_HEADERS.contains(&local)
}

// ---------------------------------------------------------------------------------------
// The document: structure, then XSD.

/// Adds a finding while the document is below the violation budget: one over
/// [`MAX_VIOLATIONS`] is kept, so the verdict can say that more were left out.
fn keep(found: &mut Vec<Found>, f: Found) {
    if found.len() <= MAX_VIOLATIONS {
        found.push(f);
    }
}

unsafe fn check_document(doc: b::xmlDocPtr, profile: Profile, out: &mut Validation) -> Vec<Found> {
    let mut found = Vec::new();
    let root = unsafe { b::xmlDocGetRootElement(doc) };
    if !unsafe { is_element(root) } {
        keep(
            &mut found,
            Found::new(
                Code::SoapNotEnvelope,
                "",
                "the document has no root element",
            ),
        );
        return found;
    }
    let root_path = unsafe { node_path(root) };
    let root_local = unsafe { local_name(root) };
    let root_ns = unsafe { namespace(root) };
    let version = root_ns.as_deref().and_then(SoapVersion::from_namespace);
    let resolved = profile.resolve(version);
    out.profile = resolved;
    out.soap_version = version;
    let Some(version) = version.filter(|_| root_local == "Envelope") else {
        keep(&mut found, Found::new(
            Code::SoapNotEnvelope,
            root_path,
            format!(
                "the root element is {root_local} in {}, not a SOAP Envelope (SOAP 1.1: {}, SOAP 1.2: {})",
                ns_words(root_ns.as_deref()),
                SoapVersion::V11.namespace(),
                SoapVersion::V12.namespace()
            ),
        ));
        out.soap_version = None;
        return found;
    };
    let env_ns = version.namespace();
    let mut deviation = false;

    // Schema hints anywhere: reported, never followed.
    unsafe { schema_hints(root, &mut found) };

    if version != resolved.soap_version() {
        deviation = true;
        keep(&mut found, Found::new(
            Code::SoapVersion,
            root_path.clone(),
            format!(
                "the envelope is SOAP {version} ({env_ns}), but the {resolved} profile wants SOAP {} ({})",
                resolved.soap_version(),
                resolved.soap_version().namespace()
            ),
        ));
    }

    // Envelope children.
    let mut header_blocks: Vec<NodePtr> = Vec::new();
    let mut bodies: Vec<NodePtr> = Vec::new();
    let mut header_seen = false;
    let mut loose_seen = false;
    let mut env_paths = ChildPaths::new(root_path.clone());
    for child in unsafe { element_children(root) } {
        let local = unsafe { local_name(child) };
        let ns = unsafe { namespace(child) };
        let path = env_paths.next(&local);
        let in_env = ns.as_deref() == Some(env_ns);
        let in_s85 = ns.as_deref() == Some(NS_SERVICES85);
        if in_env && local == "Body" {
            bodies.push(child);
            if bodies.len() > 1 {
                deviation = true;
                keep(
                    &mut found,
                    Found::new(
                        Code::SoapBodyCount,
                        path,
                        "a second Body: a SOAP envelope holds exactly one Body",
                    ),
                );
            }
            continue;
        }
        if !bodies.is_empty() {
            deviation = true;
            keep(&mut found, Found::new(
                Code::SoapEnvelopeContent,
                path,
                format!(
                    "{local} ({}) stands after Body: nothing may follow Body in an envelope (WS-I Basic Profile R1308)",
                    ns_words(ns.as_deref())
                ),
            ));
            continue;
        }
        if in_env && local == "Header" {
            if header_seen || loose_seen {
                deviation = true;
                keep(
                    &mut found,
                    Found::new(
                        Code::SoapEnvelopeContent,
                        path,
                        if header_seen {
                            "a second Header: an envelope holds at most one Header".to_string()
                        } else {
                            "Header must come first in the envelope, before any header block"
                                .to_string()
                        },
                    ),
                );
            } else {
                header_seen = true;
                let mut block_paths = ChildPaths::new(path);
                for block in unsafe { element_children(child) } {
                    let b_local = unsafe { local_name(block) };
                    let b_path = block_paths.next(&b_local);
                    if unsafe { namespace(block) }.as_deref() == Some(NS_SERVICES85) {
                        if is_declared_header(&b_local) {
                            header_blocks.push(block);
                        } else {
                            keep(&mut found, unknown_header(b_path, &b_local));
                        }
                    }
                }
            }
            continue;
        }
        if in_s85 && is_declared_header(&local) {
            loose_seen = true;
            header_blocks.push(child);
            if resolved == Profile::Wire {
                deviation = true;
                keep(&mut found, Found::new(
                    Code::SoapHeaderPlacement,
                    path,
                    format!(
                        "the header block {local} stands directly under Envelope; the wire profile wants it inside Header (<Header><{local}>...</{local}></Header>)"
                    ),
                ));
            }
            continue;
        }
        if in_s85 {
            deviation = true;
            keep(&mut found, unknown_header(path, &local));
            continue;
        }
        deviation = true;
        keep(&mut found, Found::new(
            Code::SoapEnvelopeContent,
            path,
            format!(
                "{local} ({}) is not allowed directly under Envelope: an envelope holds Header (optional) and Body",
                ns_words(ns.as_deref())
            ),
        ));
    }
    if unsafe { has_text(root) } {
        deviation = true;
        keep(
            &mut found,
            Found::new(
                Code::SoapEnvelopeContent,
                root_path.clone(),
                "Envelope holds text: only Header and Body elements may stand in it",
            ),
        );
    }
    if bodies.is_empty() {
        deviation = true;
        keep(
            &mut found,
            Found::new(
                Code::SoapBodyCount,
                root_path.clone(),
                "the envelope has no Body: a SOAP envelope holds exactly one Body",
            ),
        );
    }

    // What the document is.
    let body_child = bodies
        .first()
        .and_then(|body| unsafe { element_children(*body) }.into_iter().next());
    if let Some(c) = body_child {
        let local = unsafe { local_name(c) };
        let ns = unsafe { namespace(c) };
        if local == "Fault"
            && ns
                .as_deref()
                .and_then(SoapVersion::from_namespace)
                .is_some()
        {
            out.kind = Some(Kind::Fault);
        } else if let Some((op, kind)) = Operation::from_wrapper(&local) {
            out.operation = Some(op);
            out.kind = Some(kind);
        }
    }

    // XSD, on the schema of the envelope's own version (it holds the Services85 globals and
    // that version's Fault).
    let models = Models::get();
    loader::with_schema(version == SoapVersion::V12, |schema| {
        let schema = match schema {
            Ok(s) => s,
            Err(e) => {
                keep(&mut found, Found::new(Code::XsdOther, "", e.to_string()));
                return;
            }
        };
        let mut raw: Vec<RawError> = Vec::new();
        if !deviation {
            let (_, errs) = unsafe { schema.validate_doc(doc) };
            raw.extend(errs);
        } else {
            // Each element is validated on its own; together they keep to the error budget.
            for block in &header_blocks {
                if raw.len() >= loader::MAX_ERRORS {
                    break;
                }
                raw.extend(unsafe { schema.validate_element(*block) }.1);
            }
            for (n, body) in bodies.iter().enumerate() {
                let children = unsafe { element_children(*body) };
                if let Some(first) = children.first().filter(|_| raw.len() < loader::MAX_ERRORS) {
                    raw.extend(unsafe { schema.validate_element(*first) }.1);
                }
                if n > 0 {
                    // An extra Body is reported once, as soap.body-count.
                    continue;
                }
                match children.first() {
                    Some(_) => {}
                    None => keep(
                        &mut found,
                        Found::new(
                            Code::SoapBodyContent,
                            unsafe { node_path(*body) },
                            "Body is empty: it must hold exactly one operation element or a Fault",
                        ),
                    ),
                }
                let mut body_paths = ChildPaths::new(unsafe { node_path(*body) });
                for (i, extra) in children.iter().enumerate() {
                    let path = body_paths.next(&unsafe { local_name(*extra) });
                    if i == 0 {
                        continue;
                    }
                    keep(&mut found, Found::new(
                        Code::SoapBodyContent,
                        path,
                        format!(
                            "Body holds more than one element ({} is extra): it must hold exactly one operation element or a Fault",
                            unsafe { local_name(*extra) }
                        ),
                    ));
                }
            }
        }
        for f in unsafe { map_errors(raw, env_ns, models, resolved) } {
            keep(&mut found, f);
        }
    });
    found
}

/// Whether an element holds nothing but whitespace text (no child elements).
unsafe fn only_whitespace_text(node: NodePtr) -> bool {
    if node.is_null() {
        return false;
    }
    let mut child = unsafe { (*node).children };
    while !child.is_null() {
        let c = unsafe { &*child };
        if c.type_ != b::xmlElementType_XML_TEXT_NODE {
            return false;
        }
        if !c.content.is_null() {
            let text = unsafe { std::ffi::CStr::from_ptr(c.content.cast()) };
            if !text.to_bytes().iter().all(u8::is_ascii_whitespace) {
                return false;
            }
        }
        child = c.next;
    }
    true
}

fn unknown_header(path: String, local: &str) -> Found {
    Found::new(
        Code::SoapUnknownHeader,
        path,
        format!(
            "{local} is in the Services85 namespace but is not a header block the WSDL declares \
             (requests: {}; responses: {})",
            REQUEST_HEADERS.join(", "),
            RESPONSE_HEADERS.join(", ")
        ),
    )
}

unsafe fn schema_hints(n: NodePtr, found: &mut Vec<Found>) {
    if found.len() > MAX_VIOLATIONS {
        return;
    }
    // Most elements carry no attribute at all: look them up only where there are some.
    if !unsafe { (*n).properties }.is_null() {
        for attr in ["schemaLocation", "noNamespaceSchemaLocation"] {
            if let Some(v) = unsafe { attribute(n, NS_XSI, attr) } {
                keep(found, Found::new(
                    Code::XsdSchemaLocation,
                    unsafe { node_path(n) },
                    format!(
                        "xsi:{attr}=\"{}\" names a schema for this document; it is not loaded (only the \
                         tool's own schemas are used), and a message on the wire should not carry it",
                        v.trim()
                    ),
                ));
            }
        }
    }
    // The children in order, walked in place (no list built per element).
    let mut c = unsafe { (*n).children };
    while !c.is_null() {
        if unsafe { is_element(c) } {
            unsafe { schema_hints(c, found) };
        }
        c = unsafe { (*c).next };
    }
}

// ---------------------------------------------------------------------------------------
// libxml2's schema errors to codes and sentences.

/// Replaces `{namespace}Local` with `Local` (a `{...}` holding a space or quote, such as an
/// enumeration's value set, is kept).
fn clean(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if !after[..close].contains([' ', '\'', ',']) && after[..close].contains(':') =>
            {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.trim().trim_end_matches('.').to_string() + "."
}

/// libxml2's words after the `Element 'X'[, attribute 'Y']: ` prefix.
fn detail(msg: &str) -> &str {
    if msg.starts_with("Element '") {
        if let Some(i) = msg.find("': ") {
            return &msg[i + 3..];
        }
    }
    msg
}

/// The "Expected is ..." part of a content-model error, if any, without the trailing dot.
fn expected_part(msg: &str) -> Option<String> {
    msg.find("Expected is").map(|i| {
        msg[i + "Expected is".len()..]
            .trim()
            .trim_end_matches('.')
            .to_string()
    })
}

/// Rank within the value family (one finding per element): the most specific wins.
fn value_rank(code: Code) -> Option<u8> {
    match code {
        Code::XsdNil => Some(6),
        Code::XsdNilContent => Some(5),
        Code::XsdType => Some(4),
        Code::XsdList => Some(3),
        Code::XsdEnum => Some(2),
        Code::XsdValue => Some(1),
        _ => None,
    }
}

fn range_hint(msg: &str) -> &'static str {
    if msg.contains("'xs:short'") {
        " (xs:short holds whole numbers from -32768 to 32767)"
    } else if msg.contains("'xs:int'") {
        " (xs:int holds whole numbers from -2147483648 to 2147483647)"
    } else if msg.contains("'xs:boolean'") {
        " (xs:boolean is true, false, 1 or 0)"
    } else if msg.contains("'xs:dateTime'") {
        " (xs:dateTime looks like 2021-03-25T21:35:56, optionally with fractions and Z or an offset)"
    } else {
        ""
    }
}

/// The character data directly inside `n` (text and CDATA children).
unsafe fn text_content(n: NodePtr) -> String {
    let mut out = String::new();
    let mut c = unsafe { (*n).children };
    while !c.is_null() {
        let t = unsafe { (*c).type_ };
        if t == b::xmlElementType_XML_TEXT_NODE || t == b::xmlElementType_XML_CDATA_SECTION_NODE {
            out.push_str(&unsafe { cstr((*c).content) });
        }
        c = unsafe { (*c).next };
    }
    out
}

/// libxml2 (2.9) refuses XML whitespace around the values of some built-in types whose
/// `whiteSpace` facet is `collapse` (`xs:int`, `xs:short`, `xs:dateTime`: `" 5 "`), which
/// XSD (Part 2, 4.3.6) and WCF accept. Such a finding is checked again on the collapsed
/// lexeme with libxml2's own type check: true when that lexeme is valid, so the finding
/// was only about the whitespace.
unsafe fn only_uncollapsed_whitespace(node: NodePtr, message: &str) -> bool {
    const MARK: &str = "is not a valid value of the atomic type 'xs:";
    let Some(at) = message.find(MARK) else {
        return false;
    };
    let ty = &message[at + MARK.len()..];
    let ty = &ty[..ty.find('\'').unwrap_or(ty.len())];
    if node.is_null() || ty.is_empty() {
        return false;
    }
    let value = unsafe { text_content(node) };
    let collapsed = value.trim_matches([' ', '\t', '\n', '\r']);
    if collapsed.len() == value.len() || collapsed.contains('\0') {
        return false;
    }
    let (Ok(ty), Ok(xsd), Ok(v)) = (
        std::ffi::CString::new(ty),
        std::ffi::CString::new(crate::contract::NS_XSD),
        std::ffi::CString::new(collapsed),
    ) else {
        return false;
    };
    unsafe {
        let t = b::xmlSchemaGetPredefinedType(ty.as_ptr().cast(), xsd.as_ptr().cast());
        !t.is_null()
            && b::xmlSchemaValidatePredefinedType(t, v.as_ptr().cast(), std::ptr::null_mut()) == 0
    }
}

unsafe fn map_errors(
    raw: Vec<RawError>,
    env_ns: &str,
    models: &Models,
    profile: Profile,
) -> Vec<Found> {
    struct Item {
        node: NodePtr,
        code: Code,
        message: String,
        line: Option<u32>,
        enum_detail: Option<String>,
    }
    let mut items: Vec<Item> = Vec::new();
    for e in raw {
        if e.level == b::xmlErrorLevel_XML_ERR_WARNING {
            continue;
        }
        // An attribute's error is about its element.
        let mut node = e.node;
        if !node.is_null() && unsafe { (*node).type_ } == b::xmlElementType_XML_ATTRIBUTE_NODE {
            node = unsafe { (*node).parent };
        }
        if !unsafe { is_element(node) } {
            node = std::ptr::null_mut();
        }
        if unsafe { only_uncollapsed_whitespace(node, &e.message) } {
            continue;
        }
        let words = clean(detail(&e.message));
        let local = if node.is_null() {
            String::from("the document")
        } else {
            unsafe { local_name(node) }
        };
        let code = e.code;
        let (code, message) = if code == b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_3_1 as i32 {
            (
                Code::XsdNil,
                format!(
                    "{local} is xsi:nil, but it is not nillable: leave it out or give it a value"
                ),
            )
        } else if code == b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_3_2_1 as i32
            || words.contains("'nilled'")
        {
            (
                Code::XsdNilContent,
                format!("{local} is xsi:nil=\"true\" but has content: a nil element must be empty"),
            )
        } else if (b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_4_1 as i32
            ..=b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_4_3 as i32)
            .contains(&code)
            || words.contains("specified by xsi:type")
        {
            (
                Code::XsdType,
                format!("{local}: the xsi:type contradicts the declared type: {words}"),
            )
        } else if words.contains("[facet 'enumeration']") {
            let w = words.replace("[facet 'enumeration'] ", "");
            (Code::XsdEnum, format!("{local}: {w}"))
        } else if words.contains("of the list type") {
            (Code::XsdList, format!("{local}: {words}"))
        } else if words.contains("is not a valid value of") || words.contains("[facet") {
            let hint = range_hint(&words);
            (
                Code::XsdValue,
                format!("{local}: {}{hint}", words.trim_end_matches('.')),
            )
        } else if words.contains("This element is not expected")
            || code == b::xmlParserErrors_XML_SCHEMAV_CVC_ELT_1 as i32
        {
            if node.is_null() {
                (Code::XsdUnexpected, words.clone())
            } else {
                unsafe { not_expected(node, &words, env_ns, models) }
            }
        } else if words.contains("Missing child element") {
            let expected = expected_part(&words).unwrap_or_default();
            let is_body = !node.is_null()
                && local == "Body"
                && unsafe { namespace(node) }.as_deref() == Some(env_ns);
            if is_body {
                (
                    Code::SoapBodyContent,
                    "Body is empty: it must hold exactly one operation element or a Fault"
                        .to_string(),
                )
            } else {
                (
                    Code::XsdMissing,
                    format!("{local} is missing a required child element; expected {expected}"),
                )
            }
        } else if words.contains("content type is empty")
            && profile == Profile::Documented
            && unsafe { only_whitespace_text(node) }
        {
            (
                Code::DocWhitespaceInEmpty,
                format!(
                    "documentation defect: {local} holds whitespace, but its content must be empty \
                     (XSD 1.0 allows not even a line break there); the documentation's example \
                     has it, the service writes <{local}/>"
                ),
            )
        } else if words.contains("Character content") {
            (
                Code::XsdText,
                format!("{local} may not hold text here: {words}"),
            )
        } else if words.contains("Element content is not allowed") {
            (
                Code::XsdUnexpected,
                format!("{local} may not hold child elements: {words}"),
            )
        } else if words.contains("attribute")
            && (words.contains("is not allowed") || words.contains("is required"))
        {
            // SOAP's own attributes (mustUnderstand, actor/role, ...) on a header block are
            // SOAP's business, not the payload schema's.
            let on_header_block = !node.is_null() && {
                let parent = unsafe { (*node).parent };
                (unsafe { is_element(parent) })
                    && (unsafe { namespace(parent) }).as_deref() == Some(env_ns)
                    && matches!(
                        unsafe { local_name(parent) }.as_str(),
                        "Header" | "Envelope"
                    )
            };
            if on_header_block && e.message.contains(&format!("attribute '{{{env_ns}}}")) {
                continue;
            }
            (Code::XsdAttribute, format!("{local}: {words}"))
        } else {
            (Code::XsdOther, format!("{local}: {words}"))
        };
        let enum_detail = (code == Code::XsdEnum).then(|| message.clone());
        items.push(Item {
            node,
            code,
            message,
            line: u32::try_from(e.line).ok().filter(|l| *l > 0),
            enum_detail,
        });
    }

    // One finding of the value family per element; the list finding names its bad item.
    let mut best: HashMap<usize, (u8, usize)> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(rank) = value_rank(it.code) {
            let key = it.node as usize;
            let entry = best.entry(key).or_insert((rank, i));
            if rank > entry.0 {
                *entry = (rank, i);
            }
        }
    }
    let mut out: Vec<Found> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if value_rank(it.code).is_some() && best.get(&(it.node as usize)).map(|b| b.1) != Some(i) {
            continue;
        }
        let mut message = it.message.clone();
        if it.code == Code::XsdList {
            if let Some(d) = items
                .iter()
                .filter(|o| o.node == it.node)
                .find_map(|o| o.enum_detail.as_ref())
            {
                let item = d.split_once(": ").map_or(d.as_str(), |x| x.1);
                message = format!(
                    "{} ({})",
                    message.trim_end_matches('.'),
                    item.trim_end_matches('.')
                );
            }
        }
        let path = if it.node.is_null() {
            String::new()
        } else {
            unsafe { node_path(it.node) }
        };
        if out.iter().any(|f| f.code == it.code && f.path == path) {
            continue;
        }
        out.push(Found {
            code: it.code,
            path,
            message,
            line: it.line,
        });
    }
    out
}

/// Refines "This element is not expected" (and "no matching global declaration"):
/// a known name in the wrong namespace, a member out of sequence, a member whose required
/// predecessor is missing, a second element in Body, or a name not declared here at all.
unsafe fn not_expected(
    node: NodePtr,
    words: &str,
    env_ns: &str,
    models: &Models,
) -> (Code, String) {
    let local = unsafe { local_name(node) };
    let ns = unsafe { namespace(node) };
    let parent = unsafe { (*node).parent };
    let parent_ok = unsafe { is_element(parent) };
    let parent_local = if parent_ok {
        unsafe { local_name(parent) }
    } else {
        String::new()
    };
    let parent_ns = if parent_ok {
        unsafe { namespace(parent) }
    } else {
        None
    };
    let expected = expected_part(words)
        .map(|e| format!("; expected {e}"))
        .unwrap_or_default();

    let in_header = parent_local == "Header" && parent_ns.as_deref() == Some(env_ns);
    if ns.as_deref() != Some(NS_SERVICES85) && models.is_services85_name(&local) && !in_header {
        return (
            Code::XsdNamespace,
            format!(
                "{local} is in {}, but the contract declares {local} in the Services85 namespace ({NS_SERVICES85}){expected}",
                ns_words(ns.as_deref())
            ),
        );
    }
    let earlier = unsafe { previous_elements(node) };
    if parent_local == "Body" && parent_ns.as_deref() == Some(env_ns) {
        if let Some(first) = earlier.first() {
            return (
                Code::SoapBodyContent,
                format!(
                    "Body holds more than one element ({local} follows {}): it must hold exactly one operation element or a Fault",
                    unsafe { local_name(*first) }
                ),
            );
        }
        // Body must hold one operation element or a Fault: anything else is the envelope's
        // finding (as the decoder reports it), not a payload member out of place.
        return (
            Code::SoapBodyContent,
            format!(
                "{local} ({}) is not an operation element of the Relation agent (nor a Fault){expected}",
                ns_words(ns.as_deref())
            ),
        );
    }
    if parent_ok {
        let mut types: Vec<String> = models
            .types_of(&parent_local)
            .into_iter()
            .map(str::to_string)
            .collect();
        if let Some(t) = unsafe { attribute(parent, NS_XSI, "type") } {
            let t = t.trim();
            types.insert(0, t.rsplit(':').next().unwrap_or(t).to_string());
        }
        for t in &types {
            let seq = models.sequence(t);
            let Some(pos) = seq.iter().position(|m| *m == local) else {
                continue;
            };
            let latest = earlier
                .iter()
                .filter(|p| unsafe { namespace(**p) } == ns)
                .filter_map(|p| {
                    let l = unsafe { local_name(*p) };
                    seq.iter().position(|m| *m == l).map(|i| (i, l))
                })
                .max_by_key(|(i, _)| *i);
            return match latest {
                Some((i, prev)) if i >= pos => (
                    Code::XsdOrder,
                    if i == pos {
                        format!("{local} appears again in {parent_local}: it may appear only once{expected}")
                    } else {
                        format!(
                            "{local} is out of order in {parent_local}: it may not follow {prev} (the sequence puts {local} before {prev}){expected}"
                        )
                    },
                ),
                _ => (
                    Code::XsdMissing,
                    format!(
                        "{local} comes too early in {parent_local}: a required element before it is missing{expected}"
                    ),
                ),
            };
        }
    }
    (
        Code::XsdUnexpected,
        format!(
            "{local} ({}) is not declared in {}{expected}",
            ns_words(ns.as_deref()),
            if parent_ok {
                parent_local.as_str()
            } else {
                "the schema"
            }
        ),
    )
}
