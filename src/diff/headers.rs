//! Shape mode's view of the SOAP `Header`: a set of blocks, known by (namespace, local
//! name), not a sequence. SOAP does not order header blocks (SOAP 1.1 section 4.2, SOAP 1.2
//! part 1, section 5.2), and neither do `validate` and the XSD (the Header's content is a
//! wildcard); inside a block, the schema's order still counts.
//!
//! Each block of the expected side is paired with the first unpaired block of the same
//! name on the actual side (a second `Credentials` pairs with a second one). Then:
//!
//! | the block | on one side only | nil on one side |
//! |---|---|---|
//! | a contract block of the message's direction ([`table::request_headers`], [`table::response_headers`]), but a request's `Credentials` | no difference | no difference |
//! | a request's `Credentials` (the service refuses a request without it: [`crate::rules::service`]) | `missing` / `unexpected` | `nil` |
//! | in the contract's namespace, not declared for the direction (`Succeeded` in a request) | `missing` / `unexpected` | compared as any element |
//! | a contract block's name in another namespace (`.../Services84`: the service never reads it) | `missing` / `unexpected` | compared as any element |
//! | another namespace, `mustUnderstand` true ([`crate::rules::soap::must`]) | `unexpected` | compared as any element |
//! | another namespace, no `mustUnderstand` | `extra-header` (actual side), `missing` (expected side) | compared as any element |
//!
//! Exact mode compares the Header as a sequence, as every other element: order, presence
//! and nil are all reported there.

use super::canonical::{Element, Tree};
use super::compare::{compare_element, kept_children, missing, summary, unexpected, Ctx};
use super::compare::{DiffKind, Difference};
use super::types::DeclaredType;
use crate::contract::table;
use crate::contract::{Kind, SoapVersion, NS_SERVICES85, NS_SOAP11};
use crate::rules::soap::must;
use crate::text::lexical;
use std::collections::{HashMap, VecDeque};

/// Whether `e` is an envelope's `Header` (the canonical tree marks it with the pseudo-type
/// `Header`).
pub(super) fn is_header(e: &Element) -> bool {
    e.ns == NS_SOAP11 && e.name == "Header" && e.declared == Some(DeclaredType::Complex("Header"))
}

/// When the actual envelope has a `Header` and the expected one has none (the documented
/// responses show no headers), the expected root with an empty `Header` where the actual
/// side has it, so that its blocks are judged one by one. `None` otherwise: a Header the
/// actual side lacks stays one `missing` difference.
pub(super) fn with_empty_header(expected: &Tree, actual: &Tree) -> Option<Element> {
    expected.soap_version?;
    actual.soap_version?;
    let at = actual.root.children.iter().position(is_header)?;
    if expected.root.children.iter().any(is_header) {
        return None;
    }
    let mut root = expected.root.clone();
    let h = &actual.root.children[at];
    let header = Element {
        ns: h.ns.clone(),
        name: h.name.clone(),
        attributes: Vec::new(),
        xsi_type: None,
        nil: false,
        text: String::new(),
        children: Vec::new(),
        declared: h.declared,
        line: h.line,
        column: h.column,
        secret: None,
    };
    root.children.insert(at.min(root.children.len()), header);
    Some(root)
}

/// Whether the contract declares a block of this name for a message of this kind (`None`:
/// the Body does not say; either direction's), from the contract table.
fn declared_for(kind: Option<Kind>, local: &str) -> bool {
    let named = |blocks: &[table::ElementDecl]| blocks.iter().any(|b| b.name == local);
    match kind {
        Some(Kind::Request) => named(table::request_headers()),
        Some(Kind::Response | Kind::Fault) => named(table::response_headers()),
        None => table::header_block(local).is_some(),
    }
}

/// What shape mode makes of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A contract block the shape may leave out, show, or show nil.
    Optional,
    /// A request's Credentials: present and not nil, as the service needs it.
    Required,
    /// Anything else of the contract's namespace, or a contract block's name in another
    /// namespace: compared as any element.
    Contract,
    /// Another namespace, marked mustUnderstand: the receiver must fault on it.
    MustUnderstand,
    /// Another namespace, not marked: legal SOAP the service ignores.
    Foreign,
}

/// A block's role. The payload namespace of the version the document is written in
/// (Services88's, say) is stored as Services85's in the canonical tree
/// ([`super::canonical::parse_as`]): `NS_SERVICES85` here is "the contract's namespace",
/// whichever version that is; a block in any other version's namespace is a contract
/// block's name in another namespace.
fn role(b: &Element, ctx: &Ctx<'_>) -> Role {
    if b.ns == NS_SERVICES85 {
        if !declared_for(ctx.kind, &b.name) {
            Role::Contract
        } else if ctx.kind == Some(Kind::Request) && b.name == "Credentials" {
            Role::Required
        } else {
            Role::Optional
        }
    } else if table::header_block(&b.name).is_some() {
        Role::Contract
    } else if must_understand(b, ctx.actual_version) {
        Role::MustUnderstand
    } else {
        Role::Foreign
    }
}

/// Whether the block is marked `mustUnderstand` in the envelope's namespace (the canonical
/// tree keeps SOAP 1.2's attributes in the 1.1 namespace), by the rules' own reading of the
/// value (`rules::soap`: trimmed; SOAP 1.1 `1`, SOAP 1.2 `true` or `1`).
fn must_understand(b: &Element, version: Option<SoapVersion>) -> bool {
    let version = version.unwrap_or_default();
    b.attributes.iter().any(|a| {
        a.ns == NS_SOAP11 && a.name == "mustUnderstand" && must(version, lexical::trim(&a.value))
    })
}

/// Compares two Headers' blocks as sets (see the module's table). Blocks an ignore glob
/// matches are left out on both sides.
pub(super) fn compare_blocks(
    e: &Element,
    a: &Element,
    path: &str,
    ctx: &Ctx<'_>,
    out: &mut Vec<Difference>,
) {
    let ek = kept_children(path, &e.children, ctx.opts);
    let ak = kept_children(path, &a.children, ctx.opts);
    let mut unpaired: HashMap<(&str, &str), VecDeque<usize>> = HashMap::new();
    for (k, (j, _)) in ak.iter().enumerate() {
        unpaired
            .entry(a.children[*j].key())
            .or_default()
            .push_back(k);
    }
    let mut paired = vec![false; ak.len()];
    for (i, ep) in &ek {
        let eb = &e.children[*i];
        let partner = unpaired.get_mut(&eb.key()).and_then(VecDeque::pop_front);
        match (partner, role(eb, ctx)) {
            (Some(k), r) => {
                paired[k] = true;
                let ab = &a.children[ak[k].0];
                if r == Role::Optional && (eb.nil || ab.nil) {
                    continue;
                }
                compare_element(eb, ab, ep, ctx, out);
            }
            (None, Role::Optional) => {}
            (None, _) => out.push(missing(eb, ep.clone(), ctx)),
        }
    }
    for (k, (j, ap)) in ak.iter().enumerate() {
        if paired[k] {
            continue;
        }
        let ab = &a.children[*j];
        match role(ab, ctx) {
            Role::Optional => {}
            Role::Foreign => out.push(Difference {
                path: ap.clone(),
                kind: DiffKind::ExtraHeader,
                expected: None,
                actual: Some(summary(ab, ctx)),
            }),
            Role::Required | Role::Contract | Role::MustUnderstand => {
                out.push(unexpected(ab, ap.clone(), ctx))
            }
        }
    }
}
