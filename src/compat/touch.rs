//! The contract types a document's elements have: each payload element typed by its
//! parent's type in the contract version the client moves to (the Body's element and the
//! header blocks by their global declarations). One pass over the text, linear in it.

use crate::contract::table::{self, TypeRef};
use crate::contract::versions::{self, Contract};
use quick_xml::events::Event;
use quick_xml::NsReader;
use std::collections::BTreeSet;

/// The names of the payload types elements of `text` have (complex and simple), in
/// `contract`'s view of the table. Elements in no ServicesNN namespace, and text that is
/// not well-formed from some point on, add nothing from there.
pub fn types(text: &str, contract: Contract) -> BTreeSet<&'static str> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Option<&'static str>> = Vec::new();
    let mut seen = BTreeSet::new();
    loop {
        match reader.read_resolved_event() {
            Ok((ns, Event::Start(e))) => {
                let in_payload = match ns {
                    quick_xml::name::ResolveResult::Bound(n) => {
                        Contract::from_namespace(n.into_inner()).is_some()
                    }
                    _ => false,
                };
                let local = e.local_name().into_inner().to_string();
                let ty = if in_payload {
                    match stack.last() {
                        Some(Some(parent)) => child(contract, parent, &local),
                        _ => global(&local),
                    }
                } else {
                    None
                };
                seen.extend(ty);
                stack.push(ty);
            }
            Ok((_, Event::End(_))) => {
                stack.pop();
            }
            Ok((_, Event::Eof)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    seen
}

/// A global element's type: a wrapper's anonymous type or a header block's.
fn global(local: &str) -> Option<&'static str> {
    table::element_decl(local).map(|e| e.ty.name())
}

/// The type of member `local` of `parent` in `contract`.
fn child(contract: Contract, parent: &str, local: &str) -> Option<&'static str> {
    let members = versions::members(contract, parent)?;
    let m = members.iter().find(|m| m.name == local)?;
    match m.ty {
        TypeRef::Xs(_) => None,
        t => Some(t.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{NS_SERVICES85, NS_SOAP11};

    #[test]
    fn members_are_typed_by_their_parent() {
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><SaveContactRelation xmlns=\"{NS_SERVICES85}\">\
             <ContactRelationEntity><TableRight><Mask>Select</Mask></TableRight>\
             <CreatedBy><AssociateId>1</AssociateId></CreatedBy></ContactRelationEntity>\
             </SaveContactRelation></s:Body></s:Envelope>"
        );
        let t = types(&text, Contract::Services88);
        for ty in [
            "ContactRelationEntity",
            "TableRight",
            "ETableRight",
            "Associate",
        ] {
            assert!(t.contains(ty), "{ty}: {t:?}");
        }
        assert!(!t.contains("FieldRight"));
        let other = text.replace(NS_SERVICES85, "urn:other");
        assert!(types(&other, Contract::Services88).is_empty());
    }
}
