//! The checks that are not XSD, each a rule of the pipeline (`crate::pipeline`):
//!
//! - [`service`]: what the service insists on beyond the schema (a request carries a
//!   `Credentials` header block with a non-empty `Ticket`);
//! - [`soap`]: SOAP's own header semantics (a header block the contract does not know,
//!   marked `mustUnderstand`);
//! - [`http`]: what HTTP says about a document of a capture (SOAPAction, Content-Type,
//!   charset).
//!
//! Both read the envelope's header blocks through [`scan`]: one quick-xml pass over the
//! head of the document (it stops at the first `Body`), independent of libxml2 and of the
//! typed decoder, so the rules see a document that breaks other rules too.

pub mod http;
pub mod service;
pub mod soap;

use crate::contract::{Kind, Operation, SoapVersion, NS_XSI};
use crate::text::lexical;
use crate::text::path::{child, ChildPaths};
use crate::text::LineIndex;
use crate::violation::{Code, Violation};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};
use quick_xml::NsReader;

/// One element the rules look at: a header block, or a `Ticket`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The namespace the element's name is bound to (`None`: no namespace).
    pub ns: Option<String>,
    /// Its local name (`Credentials`, `Ticket`).
    pub local: String,
    /// Its element path (the one path builder's spelling).
    pub path: String,
    /// Byte offset of its start tag's `<`.
    pub offset: usize,
    /// Inside a `Header` element (`false`: loose under `Envelope`, before `Body`).
    pub in_header: bool,
    /// `xsi:nil` is `true` or `1`.
    pub nil: bool,
    /// The value of the envelope-namespace `mustUnderstand` attribute, when there is one.
    pub must_understand: Option<String>,
    /// Whether the element holds any character data that is not whitespace (text, CDATA,
    /// a reference), anywhere inside it.
    pub has_text: bool,
}

/// The `Credentials` block the service reads (the first one), with its first `Ticket`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The `Credentials` element itself.
    pub block: Block,
    /// Its first `Ticket` child in the Services85 namespace, when it has one.
    pub ticket: Option<Block>,
}

/// What the head of an envelope holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// The SOAP version the envelope's namespace names.
    pub version: SoapVersion,
    /// Byte offset of the root's start tag.
    pub envelope_offset: usize,
    /// Path and offset of the first `Header` element, when there is one.
    pub header: Option<(String, usize)>,
    /// Every child of every `Header`, and every loose child of `Envelope` before `Body`,
    /// in document order.
    pub blocks: Vec<Block>,
    /// The first block named `Credentials` in the payload namespace, in a `Header` and
    /// loose, each when there is one.
    pub credentials_in_header: Option<Credentials>,
    /// The same, loose under `Envelope` (where the documentation shows header blocks).
    pub credentials_loose: Option<Credentials>,
    /// What the first element of the first `Body` says the message is (an operation's
    /// request or response wrapper, or a SOAP Fault), when it says so.
    pub kind: Option<Kind>,
    /// The payload namespace of the contract version the head is read under.
    pub payload_ns: &'static str,
}

impl Headers {
    /// A finding at a byte offset of `text`.
    pub(crate) fn finding<'t>(
        text: &'t str,
        index: &mut Option<LineIndex<'t>>,
        code: Code,
        path: impl Into<String>,
        offset: usize,
        message: impl Into<String>,
    ) -> Violation {
        let idx = index.get_or_insert_with(|| LineIndex::new(text));
        let (line, column) = idx.position(offset);
        Violation::new(code, path, message).at(Some(line), Some(column))
    }
}

/// What one open element is to the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Envelope,
    Header,
    /// A block; `Some(loose)` when it is the Credentials being read.
    Block(Option<bool>),
    /// The Ticket of the Credentials being read (loose or not).
    Ticket(bool),
    /// Anything deeper: only text is looked at (for the Ticket holding it).
    Other,
}

/// Reads the head of a SOAP envelope, up to its first `Body`. `None` when the text is no
/// SOAP envelope, or is not well-formed before its `Body` (the schema reports both; the
/// rules then have nothing to judge). One pass, linear in the text read.
pub fn scan(text: &str) -> Option<Headers> {
    scan_as(text, crate::contract::Contract::Services85)
}

/// [`scan`], with the payload namespace of the contract version `contract`.
pub fn scan_as(text: &str, contract: crate::contract::Contract) -> Option<Headers> {
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.trim_text(false);
    let mut s = Scanner {
        payload_ns: contract.namespace(),
        out: None,
        stack: Vec::new(),
        envelope_children: ChildPaths::new("/Envelope"),
        header_children: None,
        ticket_children: None,
    };
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (start, empty) = match reader.read_event().ok()? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                s.stack.pop();
                if s.stack.is_empty() {
                    return s.out;
                }
                continue;
            }
            Event::Eof => return s.out,
            Event::Text(t) => {
                s.text(!t.xml10_content().trim().is_empty());
                continue;
            }
            Event::CData(t) => {
                s.text(!t.xml10_content().trim().is_empty());
                continue;
            }
            Event::GeneralRef(r) => {
                let blank = r
                    .resolve_char_ref()
                    .ok()
                    .flatten()
                    .is_some_and(char::is_whitespace);
                s.text(!blank);
                continue;
            }
            _ => continue,
        };
        let opened = match s.start(reader.resolver(), &start, pos)? {
            Step::Open(o) => o,
            Step::Done => {
                if let (Some(h), false) = (s.out.as_mut(), empty) {
                    h.kind = body_kind(&mut reader, text.len());
                }
                return s.out;
            }
        };
        if !empty {
            s.stack.push(opened);
        } else if s.stack.is_empty() {
            return s.out;
        }
    }
}

/// What the Body's first element (the next start tag, before the Body's end) says the
/// message is; reads no further than that start tag. Every event but the end of the text
/// moves on by a byte at least, so `len` rounds bound the loop (should the end be missed,
/// it stops instead of hanging).
fn body_kind(reader: &mut NsReader<&[u8]>, len: usize) -> Option<Kind> {
    for _ in 0..=len {
        let start = match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => e,
            Event::End(_) | Event::Eof => return None,
            _ => continue,
        };
        let (ns, local) = name_of(reader.resolver(), &start);
        if local == "Fault"
            && ns
                .as_deref()
                .and_then(SoapVersion::from_namespace)
                .is_some()
        {
            return Some(Kind::Fault);
        }
        return Operation::from_wrapper(&local).map(|(_, kind)| kind);
    }
    None
}

/// What a start tag means to the scan.
enum Step {
    Open(Open),
    /// The first `Body`: the head is read.
    Done,
}

/// The scan's state: what it found, and where it is.
struct Scanner {
    payload_ns: &'static str,
    out: Option<Headers>,
    stack: Vec<Open>,
    envelope_children: ChildPaths,
    header_children: Option<ChildPaths>,
    /// The children of the Credentials block being read.
    ticket_children: Option<ChildPaths>,
}

impl Scanner {
    /// A start tag at byte `pos`; `None` when the text is no SOAP envelope.
    fn start(
        &mut self,
        resolver: &NamespaceResolver,
        start: &BytesStart<'_>,
        pos: usize,
    ) -> Option<Step> {
        let (ns, local) = name_of(resolver, start);
        let opened = match self.stack.last().copied() {
            None => {
                let version = ns.as_deref().and_then(SoapVersion::from_namespace)?;
                if local != "Envelope" {
                    return None;
                }
                self.out = Some(Headers {
                    version,
                    envelope_offset: pos,
                    header: None,
                    blocks: Vec::new(),
                    credentials_in_header: None,
                    credentials_loose: None,
                    kind: None,
                    payload_ns: self.payload_ns,
                });
                Open::Envelope
            }
            Some(Open::Envelope) => {
                let h = self.out.as_mut()?;
                let env_ns = h.version.namespace();
                let path = self.envelope_children.next(&local);
                if ns.as_deref() == Some(env_ns) && local == "Body" {
                    return Some(Step::Done);
                }
                if ns.as_deref() == Some(env_ns) && local == "Header" {
                    self.header_children = Some(ChildPaths::new(path.clone()));
                    h.header.get_or_insert((path, pos));
                    Open::Header
                } else {
                    open_block(h, resolver, start, ns, local, path, pos, false)
                }
            }
            Some(Open::Header) => {
                let h = self.out.as_mut()?;
                let path = self.header_children.as_mut()?.next(&local);
                open_block(h, resolver, start, ns, local, path, pos, true)
            }
            Some(Open::Block(Some(loose))) => {
                self.credentials_child(resolver, start, ns, local, pos, loose)?
            }
            // An element inside the Ticket: its text still counts as the Ticket's.
            Some(Open::Ticket(loose)) => Open::Ticket(loose),
            Some(Open::Block(None) | Open::Other) => Open::Other,
        };
        if matches!(opened, Open::Block(Some(_))) {
            self.ticket_children = None;
        }
        Some(Step::Open(opened))
    }

    /// A child of the Credentials block being read: its first `Ticket` is the one.
    fn credentials_child(
        &mut self,
        resolver: &NamespaceResolver,
        start: &BytesStart<'_>,
        ns: Option<String>,
        local: String,
        pos: usize,
        loose: bool,
    ) -> Option<Open> {
        let h = self.out.as_mut()?;
        let version = h.version;
        let payload_ns = h.payload_ns;
        let creds = credentials_mut(h, loose)?;
        let paths = self
            .ticket_children
            .get_or_insert_with(|| ChildPaths::new(creds.block.path.clone()));
        let path = paths.next(&local);
        if creds.ticket.is_some() || local != "Ticket" || ns.as_deref() != Some(payload_ns) {
            return Some(Open::Other);
        }
        let (nil, _) = attributes(resolver, start, version);
        creds.ticket = Some(Block {
            ns,
            local,
            path,
            offset: pos,
            in_header: !loose,
            nil,
            must_understand: None,
            has_text: false,
        });
        Some(Open::Ticket(loose))
    }

    /// Character data that is not whitespace (`some`) counts for the Ticket being read.
    fn text(&mut self, some: bool) {
        if !some {
            return;
        }
        if let (Some(h), Some(Open::Ticket(loose))) = (self.out.as_mut(), self.stack.last()) {
            if let Some(t) = credentials_mut(h, *loose).and_then(|c| c.ticket.as_mut()) {
                t.has_text = true;
            }
        }
    }
}

/// The namespace and local name of a start tag.
fn name_of(resolver: &NamespaceResolver, start: &BytesStart<'_>) -> (Option<String>, String) {
    let (res, local) = resolver.resolve_element(start.name());
    let ns = match res {
        ResolveResult::Bound(n) => Some(n.0.to_string()),
        _ => None,
    };
    (ns, local.into_inner().to_string())
}

/// `xsi:nil` (true or 1) and the envelope-namespace `mustUnderstand` value of a start tag.
fn attributes(
    resolver: &NamespaceResolver,
    start: &BytesStart<'_>,
    version: SoapVersion,
) -> (bool, Option<String>) {
    let mut nil = false;
    let mut must_understand = None;
    for a in start.attributes().with_checks(false).flatten() {
        if a.key.as_namespace_binding().is_some() {
            continue;
        }
        let (res, local) = resolver.resolve_attribute(a.key);
        let ResolveResult::Bound(ns) = res else {
            continue;
        };
        let value = || {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| lexical::trim(&v).to_string())
                .unwrap_or_default()
        };
        match local.into_inner() {
            "nil" if ns.0 == NS_XSI => nil = matches!(value().as_str(), "true" | "1"),
            "mustUnderstand" if ns.0 == version.namespace() => must_understand = Some(value()),
            _ => {}
        }
    }
    (nil, must_understand)
}

#[allow(clippy::too_many_arguments)]
fn open_block(
    h: &mut Headers,
    resolver: &NamespaceResolver,
    start: &BytesStart<'_>,
    ns: Option<String>,
    local: String,
    path: String,
    offset: usize,
    in_header: bool,
) -> Open {
    let (nil, must_understand) = attributes(resolver, start, h.version);
    let block = Block {
        ns,
        local,
        path,
        offset,
        in_header,
        nil,
        must_understand,
        has_text: false,
    };
    let is_credentials = block.local == "Credentials" && block.ns.as_deref() == Some(h.payload_ns);
    h.blocks.push(block.clone());
    let slot = if in_header {
        &mut h.credentials_in_header
    } else {
        &mut h.credentials_loose
    };
    if is_credentials && slot.is_none() {
        *slot = Some(Credentials {
            block,
            ticket: None,
        });
        Open::Block(Some(!in_header))
    } else {
        Open::Block(None)
    }
}

fn credentials_mut(h: &mut Headers, loose: bool) -> Option<&mut Credentials> {
    if loose {
        h.credentials_loose.as_mut()
    } else {
        h.credentials_in_header.as_mut()
    }
}

/// The path of a child that is not there: `parent/local`.
pub(crate) fn missing_child(parent: &str, local: &str) -> String {
    child(parent, local, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Profile, NS_SERVICES85, NS_SOAP11};

    /// `n` foreign header blocks marked mustUnderstand, one a line, then Credentials whose
    /// Ticket is `n` pieces of text, CDATA and references.
    fn head(n: usize) -> String {
        format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header>\n{}<Credentials xmlns=\"{NS_SERVICES85}\">\
             <Ticket>{}</Ticket></Credentials></s:Header><s:Body/></s:Envelope>",
            "<x:B xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"><x:c/></x:B>\n".repeat(n),
            " <![CDATA[ ]]>&#32;".repeat(n)
        )
    }

    #[test]
    fn the_head_is_read_in_linear_time() {
        let (small, large) = (head(10_000), head(20_000));
        crate::testkit::timing::assert_linear("the head", small.as_str(), large.as_str(), |text| {
            let headers = scan(text).expect("an envelope");
            let found = soap::check(text, &headers, Profile::Wire);
            let ticket = service::check(text, &headers, Profile::Wire);
            assert!(found.len() > 1000 && ticket.is_some());
        });
    }

    #[test]
    fn paths_count_siblings_and_positions_are_start_tags() {
        let text = head(3);
        let headers = scan(&text).expect("an envelope");
        let paths: Vec<&str> = headers.blocks.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/Envelope/Header/B",
                "/Envelope/Header/B[2]",
                "/Envelope/Header/B[3]",
                "/Envelope/Header/Credentials"
            ]
        );
        let found = soap::check(&text, &headers, Profile::Wire);
        let lines: Vec<Option<u32>> = found.iter().map(|v| v.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4)]);
        assert!(found.iter().all(|v| v.column == Some(1)));
        // Whitespace in every form is no Ticket.
        let ticket = service::check(&text, &headers, Profile::Wire).map(|v| v.message);
        assert_eq!(
            ticket.as_deref(),
            Some("the Ticket is empty: the service needs a Ticket to know who calls")
        );
        // Not well-formed before Body: nothing to judge.
        assert_eq!(scan("<s:Envelope xmlns:s=\"urn:x\"/>"), None);
        assert_eq!(
            scan(&format!(
                "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header><a></b>"
            )),
            None
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use crate::contract::{Profile, NS_SERVICES85, NS_SOAP11};
    use proptest::prelude::*;

    /// Pieces of envelopes, well-formed or not, in any order.
    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\">"),
            "<s:Header>".to_string(),
            "</s:Header>".to_string(),
            format!("<Credentials xmlns=\"{NS_SERVICES85}\">"),
            "</Credentials>".to_string(),
            format!("<h:Ticket xmlns:h=\"{NS_SERVICES85}\">"),
            "</h:Ticket>".to_string(),
            "<x:A xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"/>".to_string(),
            "<y:B s:mustUnderstand=\"true\">".to_string(),
            "<![CDATA[t]]>".to_string(),
            "&#32;".to_string(),
            "&bogus;".to_string(),
            "T".to_string(),
            "<s:Body>".to_string(),
            "</s:Envelope>".to_string(),
            "<".to_string(),
            "\u{e9}".to_string(),
        ])
    }

    proptest! {
        #[test]
        fn the_rules_never_panic_and_find_only_where_a_block_is(
            pieces in prop::collection::vec(piece(), 0..40)
        ) {
            let text: String = pieces.concat();
            if let Some(h) = scan(&text) {
                for profile in [Profile::Wire, Profile::Documented] {
                    for v in soap::check(&text, &h, profile) {
                        prop_assert!(h.blocks.iter().any(|b| b.path == v.element));
                        prop_assert!(v.line.is_some() && v.column.is_some());
                    }
                    if let Some(v) = service::check(&text, &h, profile) {
                        prop_assert_eq!(v.code, Code::SoapCredentials);
                    }
                }
            }
        }
    }
}
