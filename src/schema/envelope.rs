//! The envelope's structure (root, SOAP version, Header/Body placement, Body count, content
//! after Body, undeclared Services85 header blocks, schema hints), checked in Rust for
//! messages a person understands, then the XSD stage: the whole document when the envelope
//! is as the profile wants, else each payload element on its own (no cascade).

#![forbid(unsafe_code)]

use super::blocks::{self, is_declared_header};
use super::ffi::{self, Content, Doc, Node, SchemaError};
use super::found::{is_full, keep, ns_words, path_of, Found};
use super::messages::map_errors;
use super::models::Models;
use super::Validation;
use crate::contract::{
    Contract, ContractChoice, Kind, Operation, Profile, SoapVersion, NS_XSI, REQUEST_HEADERS,
    RESPONSE_HEADERS,
};
use crate::text::limits::{MAX_DEPTH, MAX_LIBXML_ERRORS};
use crate::text::path::ChildPaths;
use crate::violation::Code;

/// Every finding of a parsed document; fills in the profile applied, the SOAP version, the
/// operation and the kind on `out`.
pub fn check(
    doc: &Doc,
    profile: Profile,
    choice: ContractChoice,
    out: &mut Validation,
) -> Vec<Found> {
    let Some(root) = doc.root() else {
        return vec![Found::new(
            Code::SoapNotEnvelope,
            "",
            "the document has no root element",
        )];
    };
    if let Some(path) = first_too_deep(root) {
        return vec![Found::new(
            Code::XmlLimit,
            path,
            crate::text::limits::too_deep(),
        )];
    }
    let mut found = Vec::new();
    let root_path = path_of(root);
    let Some(version) = envelope_version(root, &root_path, profile, out, &mut found) else {
        return found;
    };
    let resolved = out.profile;
    let env_ns = version.namespace();
    let contract = choice.resolve(detect(root, env_ns));
    out.contract = contract;

    // Schema hints anywhere: reported, never followed.
    schema_hints(root, &mut found);
    let mut scan = Scan::new(version, resolved, contract);
    if version != resolved.soap_version() {
        scan.deviation = true;
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
    scan.envelope(root, &root_path, &mut found);
    what_it_is(scan.bodies.first().copied(), out);

    // XSD, on the schema of the envelope's own version (it holds the Services85 globals and
    // that version's Fault).
    ffi::with_schema(contract, version == SoapVersion::V12, |schema| {
        let schema = match schema {
            Ok(s) => s,
            Err(e) => {
                keep(&mut found, Found::new(Code::XsdOther, "", e.to_string()));
                return;
            }
        };
        let raw = if scan.deviation {
            scan.validate_parts(doc, schema, &mut found)
        } else {
            schema.validate_doc(doc)
        };
        for f in map_errors(raw, env_ns, Models::of(contract), resolved) {
            keep(&mut found, f);
        }
    });
    found
}

/// The contract version the payload's namespace names: the Body's element and the header
/// blocks (inside Header or loose under Envelope), by [`Contract::named_by`]'s rule.
fn detect(root: Node<'_>, env_ns: &str) -> Option<Contract> {
    let of = |n: Node<'_>| n.namespace().as_deref().and_then(Contract::from_namespace);
    let in_env = |n: Node<'_>, local: &str| {
        n.local_name() == local && n.namespace().as_deref() == Some(env_ns)
    };
    let mut body = None;
    let mut named: Vec<Contract> = Vec::new();
    for n in root.children() {
        if in_env(n, "Body") {
            let first = n.children().next().and_then(of);
            body = body.or(first);
            named.extend(first);
        } else if in_env(n, "Header") {
            named.extend(n.children().filter_map(of));
        } else {
            named.extend(of(n));
        }
    }
    Contract::named_by(body, &named)
}

/// The SOAP version of an Envelope root; records the profile applied and the version on
/// `out`. `None` (with the finding) when the root is no SOAP Envelope.
fn envelope_version(
    root: Node<'_>,
    root_path: &str,
    profile: Profile,
    out: &mut Validation,
    found: &mut Vec<Found>,
) -> Option<SoapVersion> {
    let root_ns = root.namespace();
    let version = root_ns.as_deref().and_then(SoapVersion::from_namespace);
    out.profile = profile.resolve(version);
    out.soap_version = version;
    let version = version.filter(|_| root.local_name() == "Envelope");
    if version.is_none() {
        keep(
            found,
            Found::new(
                Code::SoapNotEnvelope,
                root_path,
                format!(
                "the root element is {} in {}, not a SOAP Envelope (SOAP 1.1: {}, SOAP 1.2: {})",
                root.local_name(),
                ns_words(root_ns.as_deref()),
                SoapVersion::V11.namespace(),
                SoapVersion::V12.namespace()
            ),
            ),
        );
        out.soap_version = None;
    }
    version
}

/// The path of the first element that stands deeper than [`MAX_DEPTH`] levels (the root is
/// level 1), walking the tree without recursion.
fn first_too_deep(root: Node<'_>) -> Option<String> {
    let mut node = root;
    let mut depth = 1usize;
    loop {
        if depth > MAX_DEPTH {
            return Some(path_of(node));
        }
        // Down to the first element child, else on to the next element sibling of this
        // node or of the nearest ancestor that has one.
        if let Some(c) = node.first_child() {
            node = c;
            depth += 1;
            continue;
        }
        loop {
            if node == root {
                return None;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            node = node.parent()?;
            depth -= 1;
        }
    }
}

/// What the Envelope holds, as its children are read in order.
struct Scan<'doc> {
    env_ns: &'static str,
    contract: Contract,
    version: SoapVersion,
    profile: Profile,
    /// Declared Services85 header blocks, inside Header or loose.
    header_blocks: Vec<Node<'doc>>,
    bodies: Vec<Node<'doc>>,
    header_seen: bool,
    loose_seen: bool,
    /// The envelope is not as the profile wants: the parts are validated one by one.
    deviation: bool,
}

impl<'doc> Scan<'doc> {
    fn new(version: SoapVersion, profile: Profile, contract: Contract) -> Self {
        Scan {
            env_ns: version.namespace(),
            contract,
            version,
            profile,
            header_blocks: Vec::new(),
            bodies: Vec::new(),
            header_seen: false,
            loose_seen: false,
            deviation: false,
        }
    }

    /// Reads the Envelope's children, then its text and whether it has a Body.
    fn envelope(&mut self, root: Node<'doc>, root_path: &str, found: &mut Vec<Found>) {
        let mut env_paths = ChildPaths::new(root_path);
        for child in root.children() {
            let path = env_paths.next(&child.local_name());
            self.child(child, path, found);
        }
        if has_text(root) {
            self.deviation = true;
            keep(
                found,
                Found::new(
                    Code::SoapEnvelopeContent,
                    root_path,
                    "Envelope holds text: only Header and Body elements may stand in it",
                ),
            );
        }
        if self.bodies.is_empty() {
            self.deviation = true;
            keep(
                found,
                Found::new(
                    Code::SoapBodyCount,
                    root_path,
                    "the envelope has no Body: a SOAP envelope holds exactly one Body",
                ),
            );
        }
    }

    /// One child of the Envelope.
    fn child(&mut self, child: Node<'doc>, path: String, found: &mut Vec<Found>) {
        let local = child.local_name();
        let ns = child.namespace();
        let in_env = ns.as_deref() == Some(self.env_ns);
        let in_s85 = ns.as_deref() == Some(self.contract.namespace());
        if in_env && local == "Body" {
            self.bodies.push(child);
            if self.bodies.len() > 1 {
                self.deviation = true;
                keep(
                    found,
                    Found::new(
                        Code::SoapBodyCount,
                        path,
                        "a second Body: a SOAP envelope holds exactly one Body",
                    ),
                );
            }
            return;
        }
        if !self.bodies.is_empty() {
            self.deviation = true;
            keep(found, Found::new(
                Code::SoapEnvelopeContent,
                path,
                format!(
                    "{local} ({}) stands after Body: nothing may follow Body in an envelope (WS-I Basic Profile R1308)",
                    ns_words(ns.as_deref())
                ),
            ));
            return;
        }
        if in_env && local == "Header" {
            return self.header(child, path, found);
        }
        if in_s85 && is_declared_header(&local) {
            return self.loose_block(child, path, found);
        }
        self.deviation = true;
        if in_s85 {
            keep(found, unknown_header(path, &local));
            return;
        }
        keep(found, Found::new(
            Code::SoapEnvelopeContent,
            path,
            format!(
                "{local} ({}) is not allowed directly under Envelope: an envelope holds Header (optional) and Body",
                ns_words(ns.as_deref())
            ),
        ));
    }

    /// A Header element: the first (before any loose block) has its blocks read; every
    /// Header's blocks have their namespace and SOAP attributes checked.
    fn header(&mut self, header: Node<'doc>, path: String, found: &mut Vec<Found>) {
        let first = !(self.header_seen || self.loose_seen);
        if !first {
            self.deviation = true;
            let message = if self.header_seen {
                "a second Header: an envelope holds at most one Header"
            } else {
                "Header must come first in the envelope, before any header block"
            };
            keep(
                found,
                Found::new(Code::SoapEnvelopeContent, path.clone(), message),
            );
        }
        self.header_seen = true;
        let mut block_paths = ChildPaths::new(path);
        for block in header.children() {
            let local = block.local_name();
            let block_path = block_paths.next(&local);
            blocks::check(block, &block_path, self.version, self.contract, true, found);
            if first && block.namespace().as_deref() == Some(self.contract.namespace()) {
                if is_declared_header(&local) {
                    self.header_blocks.push(block);
                } else {
                    keep(found, unknown_header(block_path, &local));
                }
            }
        }
    }

    /// A declared header block directly under Envelope (the documentation's shape).
    fn loose_block(&mut self, block: Node<'doc>, path: String, found: &mut Vec<Found>) {
        self.loose_seen = true;
        self.header_blocks.push(block);
        if self.profile == Profile::Wire {
            self.deviation = true;
            let local = block.local_name();
            keep(found, Found::new(
                Code::SoapHeaderPlacement,
                path.clone(),
                format!(
                    "the header block {local} stands directly under Envelope; the wire profile wants it inside Header (<Header><{local}>...</{local}></Header>)"
                ),
            ));
        }
        blocks::check(block, &path, self.version, self.contract, false, found);
    }

    /// Each payload element on its own: every declared header block and each Body's first
    /// child, together kept to the error budget; a Body's emptiness and extra children are
    /// reported here.
    fn validate_parts(
        &self,
        doc: &'doc Doc,
        schema: &ffi::loader::Compiled,
        found: &mut Vec<Found>,
    ) -> Vec<SchemaError<'doc>> {
        let mut raw = Vec::new();
        for block in &self.header_blocks {
            if raw.len() >= MAX_LIBXML_ERRORS {
                break;
            }
            raw.extend(schema.validate_element(doc, *block));
        }
        for (n, body) in self.bodies.iter().enumerate() {
            let children: Vec<Node<'doc>> = body.children().collect();
            if let Some(first) = children.first().filter(|_| raw.len() < MAX_LIBXML_ERRORS) {
                raw.extend(schema.validate_element(doc, *first));
            }
            if n > 0 {
                // An extra Body is reported once, as soap.body-count.
                continue;
            }
            body_content(*body, &children, found);
        }
        raw
    }
}

/// The first Body's content: empty, or more than one element.
fn body_content(body: Node<'_>, children: &[Node<'_>], found: &mut Vec<Found>) {
    let body_path = path_of(body);
    if children.is_empty() {
        keep(
            found,
            Found::new(
                Code::SoapBodyContent,
                body_path.clone(),
                "Body is empty: it must hold exactly one operation element or a Fault",
            ),
        );
    }
    let mut body_paths = ChildPaths::new(body_path);
    for (i, extra) in children.iter().enumerate() {
        let local = extra.local_name();
        let path = body_paths.next(&local);
        if i == 0 {
            continue;
        }
        keep(found, Found::new(
            Code::SoapBodyContent,
            path,
            format!(
                "Body holds more than one element ({local} is extra): it must hold exactly one operation element or a Fault"
            ),
        ));
    }
}

/// The operation and kind the first Body's first element names.
fn what_it_is(body: Option<Node<'_>>, out: &mut Validation) {
    let Some(c) = body.and_then(|b| b.first_child()) else {
        return;
    };
    let local = c.local_name();
    let is_fault_ns = c
        .namespace()
        .as_deref()
        .and_then(SoapVersion::from_namespace)
        .is_some();
    if local == "Fault" && is_fault_ns {
        out.kind = Some(Kind::Fault);
    } else if let Some((op, kind)) = Operation::from_wrapper(&local) {
        out.operation = Some(op);
        out.kind = Some(kind);
    }
}

/// Non-whitespace text (a CDATA section included) directly inside `n`.
fn has_text(n: Node<'_>) -> bool {
    n.content().any(|c| match c {
        Content::Text(s) => !s.trim().is_empty(),
        _ => false,
    })
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

/// `xsi:schemaLocation` and `xsi:noNamespaceSchemaLocation` anywhere (the tree is at most
/// [`MAX_DEPTH`] deep here, so the recursion is bounded); the walk stops once [`keep`]
/// takes no more.
fn schema_hints(n: Node<'_>, found: &mut Vec<Found>) {
    // Not only a shortcut: each hint's path walks its preceding siblings, so without the
    // stop, tens of thousands of hinted siblings cost quadratic time
    // (`tests/hostile.rs`, `many_findings_are_capped_and_fast`).
    if is_full(found) {
        return;
    }
    // Most elements carry no attribute at all: look them up only where there are some.
    if n.has_attributes() {
        for attr in ["schemaLocation", "noNamespaceSchemaLocation"] {
            if let Some(v) = n.attribute(NS_XSI, attr) {
                keep(found, Found::new(
                    Code::XsdSchemaLocation,
                    path_of(n),
                    format!(
                        "xsi:{attr}=\"{}\" names a schema for this document; it is not loaded (only the \
                         tool's own schemas are used), and a message on the wire should not carry it",
                        v.trim()
                    ),
                ));
            }
        }
    }
    for c in n.children() {
        schema_hints(c, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Document;
    use crate::schema::{validate_as, Validation};

    const S11: &str = crate::contract::NS_SOAP11;

    /// An envelope of SOAP 1.1 around `inside`, with the Services85 namespace bound to `c:`.
    fn env(inside: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"{S11}\" xmlns:c=\"{}\">{inside}</s:Envelope>",
            Contract::Services85.namespace()
        )
    }

    const BODY: &str = "<s:Body><c:SaveContactRelation><c:ContactRelationEntity>\
        <c:SourceContactId>42</c:SourceContactId><c:DestinationContactId>43</c:DestinationContactId>\
        <c:RelationDefinitionId>1</c:RelationDefinitionId></c:ContactRelationEntity>\
        </c:SaveContactRelation></s:Body>";

    fn judged(text: &str) -> Validation {
        validate_as(
            &Document::from_bytes("t.xml", text.as_bytes()),
            Profile::Wire,
            ContractChoice::Auto,
        )
    }

    fn findings(text: &str) -> Vec<(Code, String)> {
        judged(text)
            .violations
            .into_iter()
            .map(|v| (v.code, v.element))
            .collect()
    }

    #[test]
    fn the_bare_request_is_valid_so_each_test_sees_only_its_change() {
        assert_eq!(findings(&env(BODY)), vec![]);
    }

    /// The version is read off the Body's element and the header blocks, by their
    /// namespace; Header and Body themselves are known by name and SOAP namespace.
    #[test]
    fn the_contract_is_detected_from_the_payload() {
        let s88 = Contract::Services88.namespace();
        let s86 = Contract::Services86.namespace();
        let text = format!(
            "<s:Envelope xmlns:s=\"{S11}\"><s:Header><Credentials xmlns=\"{s86}\"/></s:Header>\
             <s:Body><SaveContactRelation xmlns=\"{s88}\"/></s:Body></s:Envelope>"
        );
        assert_eq!(judged(&text).contract, Contract::Services88);
        let body_only = format!(
            "<s:Envelope xmlns:s=\"{S11}\"><s:Body><X xmlns=\"{s86}\"/></s:Body></s:Envelope>"
        );
        assert_eq!(judged(&body_only).contract, Contract::Services86);
    }

    /// Depth is counted on every branch, not only down the first: a Body nested past the
    /// limit after an empty Header is refused.
    #[test]
    fn depth_is_counted_past_the_first_branch() {
        let deep = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        let text = env(&format!("<s:Header/><s:Body>{deep}</s:Body>"));
        let f = findings(&text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, Code::XmlLimit);
        assert_eq!(
            f[0].1,
            format!("/Envelope/Body{}", "/a".repeat(MAX_DEPTH - 1))
        );
        // One level less is within the limit.
        let fits = "<a>".repeat(MAX_DEPTH - 2) + &"</a>".repeat(MAX_DEPTH - 2);
        let text = env(&format!("<s:Header/><s:Body>{fits}</s:Body>"));
        assert!(!findings(&text).iter().any(|(c, _)| *c == Code::XmlLimit));
    }

    /// What stands directly under Envelope: Header only in the SOAP namespace, a header
    /// block only of a declared name in the contract's namespace, text never.
    #[test]
    fn each_child_of_the_envelope_is_told_apart() {
        let cases = [
            // An element of the SOAP namespace that is not Header.
            ("<s:Foo/>", Code::SoapEnvelopeContent, "/Envelope/Foo"),
            // Header by name, in another namespace.
            (
                "<o:Header xmlns:o=\"urn:o\"/>",
                Code::SoapEnvelopeContent,
                "/Envelope/Header",
            ),
            // A declared block's name in another namespace.
            (
                "<o:Credentials xmlns:o=\"urn:o\"/>",
                Code::SoapEnvelopeContent,
                "/Envelope/Credentials",
            ),
            // The contract's namespace, a name it does not declare.
            ("<c:Foo/>", Code::SoapUnknownHeader, "/Envelope/Foo"),
            // A declared block loose under Envelope: the wire profile wants it in Header.
            (
                "<c:Credentials><c:Ticket>t</c:Ticket></c:Credentials>",
                Code::SoapHeaderPlacement,
                "/Envelope/Credentials",
            ),
            // Text in the Envelope.
            ("words", Code::SoapEnvelopeContent, "/Envelope"),
        ];
        for (before, code, path) in cases {
            let f = findings(&env(&format!("{before}{BODY}")));
            assert!(f.contains(&(code, path.to_string())), "{before}: {f:?}");
        }
        // Blanks are no text.
        assert_eq!(findings(&env(&format!(" \n\t{BODY} "))), vec![]);
    }

    /// When the envelope is not as the profile wants, the parts are validated one by one:
    /// the Body's emptiness and a header block's own errors are still reported.
    #[test]
    fn parts_are_still_judged_when_the_envelope_deviates() {
        let loose = "<c:Credentials><c:Ticket>t</c:Ticket></c:Credentials>";
        let f = findings(&env(&format!("{loose}<s:Body/>")));
        assert!(
            f.contains(&(Code::SoapBodyContent, "/Envelope/Body".into())),
            "{f:?}"
        );
        let bad = "<c:Credentials><c:Bogus/></c:Credentials>";
        let f = findings(&env(&format!("{bad}{BODY}")));
        assert!(
            f.iter()
                .any(|(c, p)| c.as_str().starts_with("xsd.")
                    && p.starts_with("/Envelope/Credentials")),
            "{f:?}"
        );
    }

    /// The parts share one budget of libxml2 errors: a header block that spends it (one
    /// error per attribute not allowed) leaves the Body unvalidated, one error less does not.
    #[test]
    fn the_parts_share_one_error_budget() {
        let body_findings = |n: usize| {
            let attrs: String = (0..n).map(|i| format!(" a{i}=\"1\"")).collect();
            let text = env(&format!(
                "<c:Credentials{attrs}/><s:Body><c:SaveContactRelation><c:Bogus/></c:SaveContactRelation></s:Body>"
            ));
            findings(&text)
                .into_iter()
                .filter(|(_, p)| p.starts_with("/Envelope/Body"))
                .count()
        };
        assert_eq!(body_findings(MAX_LIBXML_ERRORS - 1), 1);
        assert_eq!(body_findings(MAX_LIBXML_ERRORS), 0);
    }

    /// A Fault is a Fault only by its name in a SOAP namespace.
    #[test]
    fn a_fault_is_known_by_name_and_namespace() {
        let fault = |el: &str| judged(&env(&format!("<s:Body>{el}</s:Body>"))).kind;
        assert_eq!(fault("<s:Fault/>"), Some(Kind::Fault));
        assert_eq!(fault("<Fault xmlns=\"urn:o\"/>"), None);
        assert_eq!(fault("<s:Foo/>"), None);
    }
}
