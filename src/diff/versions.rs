//! The diff across contract versions (Services84 to Services88).
//!
//! - The documented example of a version: the bundled example of its pages
//!   ([`super::documented_example_as`]: Services88's own, the Services85 ones for the
//!   others) in that version's shape. Its payload is in the canonical (Services85)
//!   namespace, and each complex type gains, at its place, every member the version adds
//!   to the table ([`versions::members`]: Associate's `UserName` from Services86,
//!   `ExtraFields` and `CustomFields` from Services88) that the page does not show, once,
//!   with a placeholder value, as the documentation shows every other member (the
//!   Services88 pages leave the two dictionaries out). Nothing here names a member: the
//!   contract table does.
//! - The versions of two documents: one [`DiffKind::Contract`] entry at the root when the
//!   two sides are written in different versions, or a side is held to a version other
//!   than the one it is written in. The payload of each side being in one canonical
//!   namespace ([`super::canonical`]), what else differs is the members themselves.

use super::canonical::{Element, Tree};
use super::compare::{DiffKind, Difference};
use super::types::DeclaredType;
use crate::contract::table::{self, Member};
use crate::contract::versions::{self, Contract};
use crate::contract::NS_SERVICES85;
use crate::text::path::child;

/// The documented example's tree in `contract`'s shape (see the module's text): `base`
/// parsed under `contract`, with the members the version adds. Its [`Tree::contract`] is
/// `contract` (the example as that version's documentation would write it).
pub(super) fn documented_as(base: &Tree, contract: Contract) -> Tree {
    let mut tree = base.clone();
    add_members(&mut tree.root, contract);
    tree.contract = Some(contract);
    tree.applied = contract;
    tree
}

/// Inserts into every element of a complex type (and below) the members `contract` has
/// and the Services85 table lacks, each after the members that precede it.
fn add_members(e: &mut Element, contract: Contract) {
    for c in &mut e.children {
        add_members(c, contract);
    }
    let Some(DeclaredType::Complex(name)) = e.declared else {
        return;
    };
    let (Some(base), Some(all)) = (table::complex_type(name), versions::members(contract, name))
    else {
        return;
    };
    for (at, m) in all.iter().enumerate() {
        let added = base.member(m.name).is_none();
        let shown = e
            .children
            .iter()
            .any(|c| c.ns == NS_SERVICES85 && c.name == m.name);
        if !added || shown {
            continue;
        }
        let before: Vec<&str> = all[..at].iter().map(|p| p.name).collect();
        let place = e
            .children
            .iter()
            .rposition(|c| c.ns == NS_SERVICES85 && before.contains(&c.name.as_str()))
            .map_or(0, |i| i + 1);
        let new = placeholder(contract, m, e, 0);
        e.children.insert(place, new);
    }
}

/// How deep a placeholder's members go (the table has no recursive type; a bound anyway).
const PLACEHOLDER_DEPTH: usize = 8;

/// A member as the documentation shows it: every member of a complex type once, a
/// placeholder value of the type for a simple one. Placed at `at`'s position in the text.
fn placeholder(contract: Contract, m: &Member, at: &Element, depth: usize) -> Element {
    let declared = DeclaredType::of(contract, m.ty);
    let mut e = Element {
        ns: NS_SERVICES85.to_string(),
        name: m.name.to_string(),
        attributes: Vec::new(),
        xsi_type: None,
        nil: false,
        text: String::new(),
        children: Vec::new(),
        declared: Some(declared),
        line: at.line,
        column: at.column,
        secret: None,
    };
    match declared {
        DeclaredType::Complex(name) if depth < PLACEHOLDER_DEPTH => {
            let members = versions::members(contract, name).unwrap_or_default();
            e.children = members
                .iter()
                .map(|c| placeholder(contract, c, at, depth + 1))
                .collect();
        }
        DeclaredType::Complex(_) | DeclaredType::String => {}
        DeclaredType::Int | DeclaredType::Short => e.text = "0".to_string(),
        DeclaredType::Boolean => e.text = "false".to_string(),
        DeclaredType::DateTime => e.text = "0001-01-01T00:00:00".to_string(),
        DeclaredType::Simple(s) if s.is_list() => {}
        DeclaredType::Simple(s) => e.text = s.values().first().copied().unwrap_or("").to_string(),
    }
    e
}

/// The one entry that says the two sides are of different contract versions, or that a
/// side is held to another version than it is written in; `None` when both are written
/// in the version applied to them. Each side is shown as `Services88`, or
/// `Services88, held to Services85`.
pub(super) fn contract_difference(expected: &Tree, actual: &Tree) -> Option<Difference> {
    let written = |t: &Tree| t.contract.unwrap_or(t.applied);
    let held_off = |t: &Tree| written(t) != t.applied;
    let side = |t: &Tree| {
        if held_off(t) {
            format!("{}, held to {}", written(t), t.applied)
        } else {
            written(t).to_string()
        }
    };
    let (e, a) = (side(expected), side(actual));
    if e == a && !held_off(expected) && !held_off(actual) {
        return None;
    }
    Some(Difference {
        path: child("", &actual.root.name, 1),
        kind: DiffKind::Contract,
        expected: Some(e),
        actual: Some(a),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::ContractChoice;
    use crate::diff::canonical::parse_as;

    fn names(e: &Element) -> Vec<&str> {
        e.children.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn a_versions_members_join_the_example_at_their_place() {
        let text = "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>\
             <GetContactRelationEntityResponse xmlns='http://www.superoffice.net/ws/crm/NetServer/Services85'>\
             <Response><CreatedBy><AssociateId>1</AssociateId><EjUserId>0</EjUserId></CreatedBy>\
             </Response></GetContactRelationEntityResponse></s:Body></s:Envelope>";
        let base = parse_as(text, ContractChoice::Fixed(Contract::Services88))
            .unwrap_or_else(|e| panic!("{e}"));
        let by = |t: &Tree| t.root.children[0].children[0].children[0].children[0].clone();
        let t88 = documented_as(&base, Contract::Services88);
        let created = by(&t88);
        assert_eq!(
            names(&created),
            [
                "AssociateId",
                "EjUserId",
                "UserName",
                "ExtraFields",
                "CustomFields"
            ]
        );
        let extra = &created.children[3];
        assert_eq!(names(extra), ["StringKeyValuePair"]);
        assert_eq!(names(&extra.children[0]), ["Key", "Value"]);
        assert_eq!(t88.contract, Some(Contract::Services88));
        let base86 = parse_as(text, ContractChoice::Fixed(Contract::Services86))
            .unwrap_or_else(|e| panic!("{e}"));
        let t86 = documented_as(&base86, Contract::Services86);
        assert_eq!(names(&by(&t86)), ["AssociateId", "EjUserId", "UserName"]);
        let base85 = parse_as(text, ContractChoice::Auto).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(documented_as(&base85, Contract::Services85), base85);
    }
}
