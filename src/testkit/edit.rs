//! One-edit mutations of an envelope as the encoder writes it (unprefixed payload elements
//! in the Services85 default namespace, `s:` envelope, `i:` for XMLSchema-instance), for the
//! differential properties:
//!
//! - [`breaking`]: every contract-breaking edit the document offers (swap two siblings,
//!   drop a wrapper, out-of-range number, bad enum / boolean / date / mask lexeme, nil on a
//!   non-nillable member, unknown element, wrong namespace; and beyond those: a
//!   contradicting `xsi:type`, an unknown attribute, nil with content, text in element-only
//!   content, a member written twice), each naming the element a checker must point at and
//!   the code it must use where the edit determines one;
//! - [`preserving`]: edits that keep the contract (other prefixes, namespace declarations
//!   moved to the envelope, redundant `xsi:type`s, whitespace between elements, CDATA or
//!   character references for text, other lexemes of the same value, comments and
//!   processing instructions, single quotes).

use super::xml::{add_attribute, as_cdata, as_char_refs, escape, splice, unescape, Node, Tree};
use crate::contract::table::{self, Builtin, ComplexType, SimpleType, TypeDef, TypeRef};
use crate::contract::{Operation, NS_SERVICES85, NS_XSD};
use crate::violation::Code;

/// What kind of type the contract table declares for a payload element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `xs:int`.
    Int,
    /// `xs:short`.
    Short,
    /// `xs:dateTime`.
    DateTime,
    /// `xs:boolean`.
    Boolean,
    /// `xs:string`.
    String,
    /// An enumeration (`UserType`).
    Enum(&'static SimpleType),
    /// A list of flags (`ETableRight`, `EFieldRight`).
    List(&'static SimpleType),
    /// A complex type of a member or header block (named, or an anonymous Key/Value pair
    /// type).
    Complex(&'static ComplexType),
    /// A Body wrapper (the anonymous type of a global element).
    Wrapper(&'static ComplexType),
}

/// What the contract table declares for one payload element of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    /// What kind of type it is.
    pub kind: Kind,
    /// The type as the table names it.
    pub ty: TypeRef,
    /// Whether the element may be `xsi:nil`.
    pub nillable: bool,
}

impl Declared {
    fn of(ty: TypeRef, nillable: bool, wrapper: bool) -> Option<Declared> {
        let kind = match ty {
            TypeRef::Xs(Builtin::Int) => Kind::Int,
            TypeRef::Xs(Builtin::Short) => Kind::Short,
            TypeRef::Xs(Builtin::DateTime) => Kind::DateTime,
            TypeRef::Xs(Builtin::Boolean) => Kind::Boolean,
            TypeRef::Xs(Builtin::String) => Kind::String,
            TypeRef::Tns(name) | TypeRef::Anon(name) => match table::type_def(name)? {
                TypeDef::Simple(s) if s.is_list() => Kind::List(s),
                TypeDef::Simple(s) => Kind::Enum(s),
                TypeDef::Complex(c) if wrapper => Kind::Wrapper(c),
                TypeDef::Complex(c) => Kind::Complex(c),
            },
        };
        Some(Declared { kind, ty, nillable })
    }

    /// The complex type whose members the element's children are.
    fn members(&self) -> Option<&'static ComplexType> {
        match self.kind {
            Kind::Complex(c) | Kind::Wrapper(c) => Some(c),
            _ => None,
        }
    }

    /// A dictionary's Key/Value pair (an anonymous member type).
    fn is_pair(&self) -> bool {
        matches!(self.kind, Kind::Complex(c) if c.anonymous)
    }
}

/// What the contract table declares for each element of `t` (by index; `None` for the
/// SOAP elements and for anything the table does not declare), read top-down: header
/// blocks and wrappers are global elements, everything below them a member of its
/// parent's type.
pub fn declared(t: &Tree) -> Vec<Option<Declared>> {
    let mut out: Vec<Option<Declared>> = Vec::with_capacity(t.nodes.len());
    for e in &t.nodes {
        let d = match e.parent {
            Some(p) if is_payload(&e.qname) => {
                let parent = &t.nodes[p];
                if is_payload(&parent.qname) {
                    out[p]
                        .and_then(|d| d.members())
                        .and_then(|c| c.member(&e.local))
                        .and_then(|(_, m)| Declared::of(m.ty, m.nillable, false))
                } else if parent.local == "Body" {
                    Operation::from_wrapper(&e.local)
                        .and_then(|(op, kind)| table::wrapper_decl(op, kind))
                        .and_then(|w| Declared::of(w.ty, w.nillable, true))
                } else {
                    table::header_block(&e.local)
                        .and_then(|b| Declared::of(b.ty, b.nillable, false))
                }
            }
            _ => None,
        };
        out.push(d);
    }
    out
}

/// Lexemes outside a type's value space, with the code they must get.
fn bad_lexemes(k: Kind) -> Option<(&'static str, Code, Vec<String>)> {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Some(match k {
        Kind::Int => (
            "out-of-range",
            Code::XsdValue,
            owned(&[
                "2147483648",
                "-2147483649",
                "1e3",
                "0x10",
                "1.0",
                "",
                " ",
                "1 2",
                "--1",
            ]),
        ),
        Kind::Short => (
            "out-of-range",
            Code::XsdValue,
            owned(&["32768", "-32769", "+", "", "٣"]),
        ),
        Kind::Boolean => (
            "bad-boolean",
            Code::XsdValue,
            owned(&["yes", "True", "2", ""]),
        ),
        Kind::DateTime => (
            "bad-date",
            Code::XsdValue,
            owned(&[
                "2021-02-29T00:00:00",
                // Not `T24:00:00`: XSD 1.0 allows it, .NET and the decoder do not (a
                // documented divergence, pinned by a unit test in tests/props.rs).
                "2021-01-01",
                "2021-01-01T00:00:00+14:01",
                "0000-01-01T00:00:00",
                "2021-01-01T00:00:00.Z",
            ]),
        ),
        Kind::Enum(s) => {
            let first = s.values().first().copied().unwrap_or("");
            (
                "bad-enum",
                Code::XsdEnum,
                vec![
                    "Guest".to_string(),
                    first.to_lowercase(),
                    format!(" {first}"),
                    String::new(),
                ],
            )
        }
        Kind::List(s) => {
            let v = s.values();
            let (a, b) = (
                v.first().copied().unwrap_or(""),
                v.get(1).copied().unwrap_or(""),
            );
            (
                "bad-mask",
                Code::XsdList,
                vec!["FULL".to_string(), format!("{a},{b}"), a.to_lowercase()],
            )
        }
        _ => return None,
    })
}

/// An `xsi:type` the declared type does not admit (its base, another type, or none at all).
fn wrong_type(k: Kind) -> Option<String> {
    Some(match k {
        Kind::Int | Kind::Boolean | Kind::Enum(_) | Kind::List(_) => "x:string".to_string(),
        Kind::Short => "x:int".to_string(),
        Kind::DateTime => "x:date".to_string(),
        Kind::String => "x:int".to_string(),
        Kind::Complex(c) => match c.base {
            Some(base) => format!("t:{base}"),
            // A named type of the payload that a pair's anonymous type is not.
            None if c.anonymous => "t:TableRight".to_string(),
            None => "t:NoSuchType".to_string(),
        },
        Kind::Wrapper(_) => return None,
    })
}

/// A contract-breaking edit and what a checker must say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breaking {
    /// What was done, for failure messages (`swap`, `out-of-range`, ...).
    pub what: &'static str,
    /// The edited document.
    pub text: String,
    /// The element path both checkers must name.
    pub element: String,
    /// The code both must use, where the edit determines one.
    pub code: Option<Code>,
}

/// A contract-preserving edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preserving {
    /// What was done (`cdata`, `prefixes`, ...).
    pub what: &'static str,
    /// The edited document.
    pub text: String,
}

fn is_payload(q: &str) -> bool {
    !q.contains(':')
}

/// A namespace of no contract version (Services83 was discarded): a payload wholly in one
/// of the five versions' namespaces is a valid message of that version, not a wrong one.
const OTHER_NS: &str = "http://www.superoffice.net/ws/crm/NetServer/Services83";

/// The path an element will have after an edit: re-read the edited text and take the
/// element whose start tag begins at `at`.
fn path_at(text: &str, at: usize) -> Option<String> {
    Tree::parse(text)?
        .nodes
        .into_iter()
        .find(|n| n.start.start == at)
        .map(|n| n.path)
}

/// One payload element being edited, with what the table declares for it and its parent.
struct Site<'a> {
    text: &'a str,
    t: &'a Tree,
    i: usize,
    e: &'a Node,
    parent: Option<&'a Node>,
    parent_decl: Option<Declared>,
    d: Declared,
}

impl Site<'_> {
    fn parent_local(&self) -> &str {
        self.parent.map_or("", |p| p.local.as_str())
    }

    fn parent_is_payload(&self) -> bool {
        self.parent.is_some_and(|p| is_payload(&p.qname))
    }

    fn push(&self, out: &mut Vec<Breaking>, what: &'static str, text: String, code: Option<Code>) {
        out.push(Breaking {
            what,
            text,
            element: self.e.path.clone(),
            code,
        });
    }
}

/// Every contract-breaking edit of `text` (an encoded request or response), in document
/// order of the element they touch.
pub fn breaking(text: &str) -> Vec<Breaking> {
    let Some(t) = Tree::parse(text) else {
        return Vec::new();
    };
    let decls = declared(&t);
    let mut out = Vec::new();
    for (i, e) in t.nodes.iter().enumerate() {
        let Some(d) = decls[i] else {
            continue;
        };
        let site = Site {
            text,
            t: &t,
            i,
            e,
            parent: e.parent.map(|p| &t.nodes[p]),
            parent_decl: e.parent.and_then(|p| decls[p]),
            d,
        };
        lexeme_edits(&site, &mut out);
        attribute_edits(&site, &mut out);
        content_edits(&site, &mut out);
        sibling_edits(&site, &mut out);
        namespace_edit(&site, &mut out);
        drop_wrapper_edit(&site, &mut out);
    }
    out
}

/// Lexemes out of the value space.
fn lexeme_edits(s: &Site<'_>, out: &mut Vec<Breaking>) {
    let (text, e) = (s.text, s.e);
    if !(s.t.is_leaf(s.i) || e.end.is_none()) {
        return;
    }
    let Some((what, code, lexemes)) = bad_lexemes(s.d.kind) else {
        return;
    };
    for l in lexemes {
        let edited = match e.content() {
            Some(c) => splice(text, vec![(c, escape(&l))]),
            None => {
                // `<X/>` (an empty lexeme): write it out with content.
                let tag = &text[e.start.clone()];
                let open = format!("{}>", &tag[..tag.len() - 2]);
                splice(
                    text,
                    vec![(
                        e.start.clone(),
                        format!("{open}{}</{}>", escape(&l), e.qname),
                    )],
                )
            }
        };
        s.push(out, what, edited, Some(code));
    }
}

/// Nil where the table forbids it, a contradicting `xsi:type`, an undeclared attribute.
fn attribute_edits(s: &Site<'_>, out: &mut Vec<Breaking>) {
    let (text, e) = (s.text, s.e);
    // Nil on a member that may not be nil (wrappers are not members).
    if !s.d.nillable && !matches!(s.d.kind, Kind::Wrapper(_) | Kind::String) {
        let tag = &text[e.start.clone()];
        let body = tag.trim_end_matches('>').trim_end_matches('/');
        let edited = splice(text, vec![(e.outer(), format!("{body} i:nil=\"true\"/>"))]);
        s.push(out, "nil-not-nillable", edited, Some(Code::XsdNil));
    }
    if let Some(ty) = wrong_type(s.d.kind) {
        let attr = format!(" xmlns:x=\"{NS_XSD}\" xmlns:t=\"{NS_SERVICES85}\" i:type=\"{ty}\"");
        let edited = splice(text, vec![add_attribute(text, e, &attr)]);
        s.push(out, "xsi-type-contradicts", edited, Some(Code::XsdType));
    }
    let edited = splice(text, vec![add_attribute(text, e, " Bogus=\"1\"")]);
    s.push(out, "unknown-attribute", edited, Some(Code::XsdAttribute));
}

/// Nil with content; text where only elements may stand; undeclared elements.
fn content_edits(s: &Site<'_>, out: &mut Vec<Breaking>) {
    let (text, e, n) = (s.text, s.e, &s.t.nodes);
    if s.d.kind == Kind::String && s.t.is_leaf(s.i) {
        if let Some(c) = e.content() {
            let edited = splice(
                text,
                vec![
                    add_attribute(text, e, " i:nil=\"true\""),
                    (c.start..c.start, "x".to_string()),
                ],
            );
            s.push(out, "nil-with-content", edited, Some(Code::XsdNilContent));
        }
    }
    if e.children.is_empty() {
        return;
    }
    let at = n[e.children[0]].start.start;
    let edited = splice(text, vec![(at..at, "x".to_string())]);
    s.push(out, "text-in-element-content", edited, Some(Code::XsdText));
    // An element the schema does not declare, before each child and at the end.
    let mut spots: Vec<(usize, Option<Code>)> = Vec::new();
    for (j, &c) in e.children.iter().enumerate().take(3) {
        // In a pair, an unknown element first stands where the required Key must be.
        let code = (!(j == 0 && s.d.is_pair())).then_some(Code::XsdUnexpected);
        spots.push((n[c].start.start, code));
    }
    if let Some(end) = &e.end {
        spots.push((end.start, Some(Code::XsdUnexpected)));
    }
    for (at, code) in spots {
        let edited = splice(text, vec![(at..at, "<Bogus>1</Bogus>".to_string())]);
        if let Some(element) = path_at(&edited, at) {
            out.push(Breaking {
                what: "unknown-element",
                text: edited,
                element,
                code,
            });
        }
    }
}

/// A member written twice; two adjacent members swapped.
fn sibling_edits(s: &Site<'_>, out: &mut Vec<Breaking>) {
    let (text, e, n) = (s.text, s.e, &s.t.nodes);
    if !s.parent_is_payload() {
        return;
    }
    // Members of sequences occur at most once (a dictionary's pairs repeat).
    if !s.d.is_pair() {
        let r = e.outer();
        let copy = text[r.clone()].to_string();
        let edited = splice(text, vec![(r.end..r.end, copy)]);
        if let Some(element) = path_at(&edited, r.end) {
            out.push(Breaking {
                what: "duplicate",
                text: edited,
                element,
                code: None,
            });
        }
    }
    let Some(p) = s.parent else {
        return;
    };
    let pos = p.children.iter().position(|&c| c == s.i).unwrap_or(0);
    let Some(&next) = p.children.get(pos + 1) else {
        return;
    };
    let b = &n[next];
    if b.local == e.local {
        return;
    }
    let (ra, rb) = (e.outer(), b.outer());
    let between = &text[ra.end..rb.start];
    let swapped = format!("{}{}{}", &text[rb.clone()], between, &text[ra.clone()]);
    let edited = splice(text, vec![(ra.start..rb.end, swapped)]);
    // In a Key/Value pair the Value that now comes first stands where the required Key
    // must be; elsewhere `e`, now second, is the one out of order.
    let (at, code) = if s.parent_decl.is_some_and(|d| d.is_pair()) {
        (ra.start, Code::XsdMissing)
    } else {
        (
            ra.start + (rb.end - rb.start) + between.len(),
            Code::XsdOrder,
        )
    };
    if let Some(element) = path_at(&edited, at) {
        out.push(Breaking {
            what: "swap",
            text: edited,
            element,
            code: Some(code),
        });
    }
}

/// A member in another namespace (header blocks of other namespaces may be ignored, so
/// only members below a block or the Body's child).
fn namespace_edit(s: &Site<'_>, out: &mut Vec<Breaking>) {
    let (text, e) = (s.text, s.e);
    if matches!(s.parent_local(), "Header" | "Envelope") {
        return;
    }
    let edited = if s.parent_is_payload() {
        splice(
            text,
            vec![add_attribute(text, e, &format!(" xmlns=\"{OTHER_NS}\""))],
        )
    } else {
        let tag = &text[e.start.clone()];
        let decl = format!("xmlns=\"{NS_SERVICES85}\"");
        let Some(o) = tag.find(&decl) else {
            return;
        };
        let at = e.start.start + o;
        splice(
            text,
            vec![(at..at + decl.len(), format!("xmlns=\"{OTHER_NS}\""))],
        )
    };
    let code = s.parent_is_payload().then_some(Code::XsdNamespace);
    s.push(out, "wrong-namespace", edited, code);
}

/// Whether an element's members, lifted into its parent, are none of the parent's members
/// (so dropping the element cannot leave a valid document by chance).
fn members_foreign_to_parent(s: &Site<'_>) -> bool {
    let Kind::Complex(c) = s.d.kind else {
        return false;
    };
    let parent_has = |name: &str| match s.parent_decl.and_then(|p| p.members()) {
        Some(pc) => pc.member(name).is_some(),
        // Under `Header` (or loose under `Envelope`): the header blocks.
        None => table::header_block(name).is_some(),
    };
    !c.member_names().any(parent_has)
}

/// Drop a wrapper whose members cannot stand in its parent's place.
fn drop_wrapper_edit(s: &Site<'_>, out: &mut Vec<Breaking>) {
    let (text, e, n) = (s.text, s.e, &s.t.nodes);
    let under_body = s.parent_local() == "Body";
    let droppable = under_body || (members_foreign_to_parent(s) && !e.children.is_empty());
    if !droppable {
        return;
    }
    // Namespace declarations of the dropped element move onto its children.
    let decls: String = if s.parent_is_payload() {
        String::new()
    } else {
        format!(
            " xmlns=\"{NS_SERVICES85}\" xmlns:i=\"{}\"",
            crate::contract::NS_XSI
        )
    };
    let mut edits = vec![(e.start.clone(), String::new())];
    if let Some(end) = &e.end {
        edits.push((end.clone(), String::new()));
    }
    if !decls.is_empty() {
        for &c in &e.children {
            edits.push(add_attribute(text, &n[c], &decls));
        }
    }
    let edited = splice(text, edits);
    let element = match e.children.first() {
        // The first member now stands where the wrapper stood.
        Some(_) => path_at(&edited, e.start.start),
        None => s.parent.map(|p| p.path.clone()),
    };
    if let Some(element) = element {
        out.push(Breaking {
            what: "drop-wrapper",
            text: edited,
            element,
            code: None,
        });
    }
}

/// Prefix sets for [`preserving`]'s renaming: envelope, payload, XMLSchema-instance.
const PREFIXES: &[(&str, &str, &str)] = &[
    ("soap", "rel", "xsi"),
    ("S", "ns1", "inst"),
    ("env", "p", "i2"),
];

/// Every kind of contract-preserving edit of `text`, `seed` choosing among variants
/// (prefix set, whitespace, hexadecimal or decimal references).
pub fn preserving(text: &str, seed: usize) -> Vec<Preserving> {
    let Some(t) = Tree::parse(text) else {
        return Vec::new();
    };
    let n = &t.nodes;
    let mut out = Vec::new();
    let xsi_decl = format!(" xmlns:i=\"{}\"", crate::contract::NS_XSI);
    let default_decl = format!(" xmlns=\"{NS_SERVICES85}\"");

    // Other prefixes: envelope `s` -> `es`, payload default namespace -> `ps:`, `i` -> `xs`.
    let (es, ps, xs) = PREFIXES[seed % PREFIXES.len()];
    let mut edits = Vec::new();
    for e in n {
        let new_name = match e.qname.split_once(':') {
            Some((_, local)) => format!("{es}:{local}"),
            None => format!("{ps}:{}", e.qname),
        };
        edits.push((
            e.start.start + 1..e.start.start + 1 + e.qname.len(),
            new_name.clone(),
        ));
        if let Some(end) = &e.end {
            edits.push((end.start + 2..end.start + 2 + e.qname.len(), new_name));
        }
        let tag = &text[e.start.clone()];
        for (old, new) in [
            (" xmlns:s=\"".to_string(), format!(" xmlns:{es}=\"")),
            (" xmlns=\"".to_string(), format!(" xmlns:{ps}=\"")),
            (" xmlns:i=\"".to_string(), format!(" xmlns:{xs}=\"")),
            (" i:nil=\"".to_string(), format!(" {xs}:nil=\"")),
        ] {
            if let Some(o) = tag.find(&old) {
                let at = e.start.start + o;
                edits.push((at..at + old.len(), new));
            }
        }
    }
    out.push(Preserving {
        what: "prefixes",
        text: splice(text, edits),
    });

    // Namespace declarations moved from every payload top element to the envelope.
    let mut edits = Vec::new();
    for e in n.iter().filter(|e| is_payload(&e.qname)) {
        let tag = &text[e.start.clone()];
        for d in [&default_decl, &xsi_decl] {
            if let Some(o) = tag.find(d.as_str()) {
                let at = e.start.start + o;
                edits.push((at..at + d.len(), String::new()));
            }
        }
    }
    edits.push(add_attribute(
        text,
        &n[0],
        &format!("{default_decl}{xsi_decl}"),
    ));
    out.push(Preserving {
        what: "declarations-moved",
        text: splice(text, edits),
    });

    // A redundant, agreeing xsi:type on every payload element whose type has a name.
    let decls = declared(&t);
    let mut edits = Vec::new();
    for (i, e) in n.iter().enumerate() {
        let Some(d) = decls[i] else { continue };
        let ty = match (d.ty.qname(), d.kind) {
            // The pairs' and wrappers' types are anonymous.
            (None, _) => continue,
            (Some((NS_XSD, local)), _) => format!("x:{local}"),
            // Unprefixed, resolving through the default (payload) namespace, on odd seeds.
            (Some((_, local)), Kind::Complex(_)) if seed % 2 == 1 => local.to_string(),
            (Some((_, local)), _) => format!("t:{local}"),
        };
        // `i` is declared on every payload top element, so it is in scope here.
        edits.push(add_attribute(
            text,
            e,
            &format!(" xmlns:x=\"{NS_XSD}\" xmlns:t=\"{NS_SERVICES85}\" i:type=\"{ty}\""),
        ));
    }
    out.push(Preserving {
        what: "redundant-xsi-type",
        text: splice(text, edits),
    });

    // Whitespace between elements.
    let ws = [" ", "\n  ", "\r\n\t", "\t \n"][seed % 4];
    let mut edits = Vec::new();
    for e in n.iter().filter(|e| !e.children.is_empty()) {
        for &c in &e.children {
            let at = n[c].start.start;
            edits.push((at..at, ws.to_string()));
        }
        if let Some(end) = &e.end {
            edits.push((end.start..end.start, ws.to_string()));
        }
    }
    out.push(Preserving {
        what: "whitespace",
        text: splice(text, edits),
    });

    // Text as CDATA, or as character references.
    let leaves: Vec<_> = (0..n.len())
        .filter(|&i| t.is_leaf(i) && !n[i].content().is_some_and(|c| c.is_empty()))
        .collect();
    for (what, f) in [
        (
            "cdata",
            (|s: &str, _| as_cdata(s)) as fn(&str, usize) -> String,
        ),
        ("char-refs", |s: &str, seed: usize| {
            as_char_refs(s, seed.is_multiple_of(2))
        }),
    ] {
        let mut edits = Vec::new();
        for &i in &leaves {
            let Some(c) = n[i].content() else { continue };
            let Some(raw) = unescape(&text[c.clone()]) else {
                continue;
            };
            edits.push((c, f(&raw, seed)));
        }
        out.push(Preserving {
            what,
            text: splice(text, edits),
        });
    }

    // Other lexemes of the same values: XML whitespace around numbers, dates, booleans and
    // masks (their types collapse it), `+` and leading zeros on integers, `1`/`0` for
    // booleans, mask flags reordered, repeated and tab-separated, `-00:00` for `+00:00`.
    let pad = ["\n\t ", " ", "\r\n", "\t"][seed % 4];
    let mut edits = Vec::new();
    for (i, e) in n.iter().enumerate() {
        if !is_payload(&e.qname) || !t.is_leaf(i) {
            continue;
        }
        let Some(c) = e.content() else { continue };
        let v = &text[c.clone()];
        let other = match decls[i].map(|d| d.kind) {
            Some(Kind::Int | Kind::Short) => match v.strip_prefix('-') {
                Some(abs) => format!("{pad}-000{abs}{pad}"),
                None => format!("{pad}+000{v}{pad}"),
            },
            Some(Kind::Boolean) => match v {
                "true" => format!("{pad}1{pad}"),
                "false" => format!("{pad}0{pad}"),
                _ => continue,
            },
            Some(Kind::DateTime) => match v.strip_suffix("+00:00") {
                Some(head) => format!("{pad}{head}-00:00{pad}"),
                None => format!("{pad}{v}{pad}"),
            },
            Some(Kind::List(_)) => {
                let items: Vec<&str> = v.split(' ').filter(|s| !s.is_empty()).collect();
                let mut out = String::from(pad);
                for it in items.iter().rev() {
                    out.push_str(it);
                    out.push('\t');
                }
                if let Some(first) = items.first() {
                    out.push_str(first);
                }
                out.push_str(pad);
                out
            }
            _ => continue,
        };
        edits.push((c, escape(&other)));
    }
    out.push(Preserving {
        what: "other-lexemes",
        text: splice(text, edits),
    });

    // Comments and processing instructions: before every element below the envelope, at
    // the start and end of every element's content (text split around them reads as one).
    let note = ["<!-- c -->", "<?pi x?>", "<!---->"][seed % 3];
    let mut edits = Vec::new();
    for e in n.iter().skip(1) {
        edits.push((e.start.start..e.start.start, note.to_string()));
        if let Some(c) = e.content() {
            edits.push((c.start..c.start, note.to_string()));
            if !c.is_empty() {
                edits.push((c.end..c.end, note.to_string()));
            }
        }
    }
    out.push(Preserving {
        what: "comments",
        text: splice(text, edits),
    });

    // Single quotes around every attribute value (none of ours holds a quote).
    let mut edits = Vec::new();
    for e in n {
        let tag = &text[e.start.clone()];
        for (o, _) in tag.match_indices('"') {
            let at = e.start.start + o;
            edits.push((at..at + 1, "'".to_string()));
        }
    }
    out.push(Preserving {
        what: "single-quotes",
        text: splice(text, edits),
    });
    out
}
