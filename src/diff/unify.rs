//! The names the canonical tree makes one ([`super::canonical`]): the SOAP 1.1 and 1.2
//! envelope namespaces, the contract versions' payload namespaces, and header blocks loose
//! under `Envelope` or inside `Header`.

use super::canonical::Element;
use crate::contract::{Contract, NS_SERVICES85, NS_SOAP11, NS_SOAP12};

/// The contract version an envelope's payload names (its header blocks gathered into
/// `Header`): the Body's element and the header blocks, by [`Contract::named_by`].
pub(super) fn named_version(envelope: &Element) -> Option<Contract> {
    let of = |e: &Element| Contract::from_namespace(&e.ns);
    let mut body = None;
    let mut named = Vec::new();
    for c in &envelope.children {
        if c.ns == NS_SOAP11 && c.name == "Body" {
            let first = c.children.first().and_then(of);
            body = body.or(first);
            named.extend(first);
        } else if c.ns == NS_SOAP11 && c.name == "Header" {
            named.extend(c.children.iter().filter_map(of));
        } else {
            named.extend(of(c));
        }
    }
    Contract::named_by(body, &named)
}

/// Moves the names of a version's payload namespace `ns` (elements, attributes and
/// `xsi:type` values) into the Services85 namespace, everywhere.
pub(super) fn unify_payload_namespace(e: &mut Element, ns: &str) {
    if e.ns == ns {
        e.ns = NS_SERVICES85.to_string();
    }
    if let Some(local) = e
        .xsi_type
        .as_deref()
        .and_then(|t| t.strip_prefix('{'))
        .and_then(|t| t.strip_prefix(ns))
        .and_then(|t| t.strip_prefix('}'))
    {
        e.xsi_type = Some(format!("{{{NS_SERVICES85}}}{local}"));
    }
    let mut changed = false;
    for a in &mut e.attributes {
        if a.ns == ns {
            a.ns = NS_SERVICES85.to_string();
            changed = true;
        }
    }
    if changed {
        e.attributes.sort();
    }
    for c in &mut e.children {
        unify_payload_namespace(c, ns);
    }
}

/// Moves SOAP 1.2 envelope names into the SOAP 1.1 namespace, everywhere.
pub(super) fn unify_envelope_namespace(e: &mut Element) {
    if e.ns == NS_SOAP12 {
        e.ns = NS_SOAP11.to_string();
    }
    let mut changed = false;
    for a in &mut e.attributes {
        if a.ns == NS_SOAP12 {
            a.ns = NS_SOAP11.to_string();
            changed = true;
        }
    }
    if changed {
        e.attributes.sort();
    }
    for c in &mut e.children {
        unify_envelope_namespace(c);
    }
}

/// Moves header blocks that stand directly under `Envelope` into `Header` (created where
/// the first block or the `Header` stood), keeping document order.
pub(super) fn gather_header_blocks(envelope: &mut Element) {
    let is_envelope_child = |c: &Element| c.ns == NS_SOAP11;
    if envelope.children.iter().all(is_envelope_child) {
        return;
    }
    let children = std::mem::take(&mut envelope.children);
    let mut header_at: Option<usize> = None;
    let mut blocks: Vec<Element> = Vec::new();
    let mut header: Option<Element> = None;
    let mut rest: Vec<Element> = Vec::new();
    for c in children {
        if c.ns == NS_SOAP11 && c.name == "Header" && header.is_none() {
            header_at.get_or_insert(rest.len());
            blocks.extend(c.children.iter().cloned());
            let mut h = c;
            h.children.clear();
            header = Some(h);
        } else if !is_envelope_child(&c) {
            header_at.get_or_insert(rest.len());
            blocks.push(c);
        } else {
            rest.push(c);
        }
    }
    let mut header = header.unwrap_or_else(|| {
        let first = blocks.first();
        Element {
            ns: NS_SOAP11.to_string(),
            name: "Header".to_string(),
            attributes: Vec::new(),
            xsi_type: None,
            nil: false,
            text: String::new(),
            children: Vec::new(),
            declared: None,
            line: first.map_or(0, |b| b.line),
            column: first.map_or(0, |b| b.column),
            secret: None,
        }
    });
    header.children = blocks;
    header.text.clear();
    let at = header_at.unwrap_or(0).min(rest.len());
    rest.insert(at, header);
    envelope.children = rest;
}
