//! One XSD set per contract version, written from one source: the Services85 schemas of
//! `schemas/` with the namespace renamed and the contract table's differences
//! ([`crate::contract::versions::DIFFERENCES`]) applied, so no version's schema can drift
//! from the table. Each text is made once per process, on first use.
//!
//! Services85 keeps its own files (`services85.xsd`, `soap11-envelope.xsd`,
//! `soap12-envelope.xsd`); every other version has `servicesNN.xsd`,
//! `soap11-envelope-servicesNN.xsd` and `soap12-envelope-servicesNN.xsd`, served by the
//! same entity loader, from memory. `tests/versions.rs` holds each generated schema to its
//! version's view of the table, member by member and value by value.

#![forbid(unsafe_code)]

use crate::contract::table::{ComplexType, Member, TypeRef};
use crate::contract::versions::{Change, Contract};
use std::sync::OnceLock;

const SERVICES85: &str = include_str!("../../schemas/services85.xsd");
const SOAP11: &str = include_str!("../../schemas/soap11-envelope.xsd");
const SOAP12: &str = include_str!("../../schemas/soap12-envelope.xsd");

/// The three schemas of a version, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The payload schema (`servicesNN.xsd`).
    Payload,
    /// The SOAP 1.1 envelope schema that imports it.
    Soap11,
    /// The SOAP 1.2 envelope schema that imports it.
    Soap12,
}

/// The file name a version's schema is served under.
pub fn file_name(contract: Contract, role: Role) -> String {
    match (contract, role) {
        (_, Role::Payload) => format!("{}.xsd", contract.arg()),
        (Contract::Services85, Role::Soap11) => "soap11-envelope.xsd".to_string(),
        (Contract::Services85, Role::Soap12) => "soap12-envelope.xsd".to_string(),
        (c, Role::Soap11) => format!("soap11-envelope-{}.xsd", c.arg()),
        (c, Role::Soap12) => format!("soap12-envelope-{}.xsd", c.arg()),
    }
}

/// The generated schema a file name names (never Services85's own files), NUL-terminated
/// for libxml2, with its name.
pub fn generated(name: &str) -> Option<(&'static str, &'static str)> {
    static TEXTS: [[OnceLock<(String, String)>; 3]; 5] =
        [const { [const { OnceLock::new() }; 3] }; 5];
    for (i, c) in Contract::ALL.into_iter().enumerate() {
        if c == Contract::Services85 {
            continue;
        }
        for (j, role) in [Role::Payload, Role::Soap11, Role::Soap12]
            .into_iter()
            .enumerate()
        {
            if file_name(c, role) == name {
                let (n, t) = TEXTS[i][j]
                    .get_or_init(|| (file_name(c, role), format!("{}\0", text(c, role))));
                return Some((n.as_str(), t.as_str()));
            }
        }
    }
    None
}

/// A version's schema text (for Services85, the file as it stands).
pub fn text(contract: Contract, role: Role) -> String {
    let renamed = |s: &str| {
        s.replace(Contract::Services85.namespace(), contract.namespace())
            .replace("services85.xsd", &file_name(contract, Role::Payload))
    };
    match role {
        Role::Soap11 => renamed(SOAP11),
        Role::Soap12 => renamed(SOAP12),
        Role::Payload => {
            let mut s = renamed(SERVICES85).replace(
                "Relation agent (Services85)",
                &format!("Relation agent ({contract})"),
            );
            for d in contract.differences() {
                apply(&mut s, d.change);
            }
            s
        }
    }
}

/// Applies one change to a payload schema's text. Every anchor is the table's own name;
/// `tests/versions.rs` proves each change lands (the generated schema matches the table).
fn apply(s: &mut String, change: Change) {
    match change {
        Change::Member {
            owner,
            after,
            member,
        } => {
            let start = format!("<xs:complexType name=\"{owner}\">");
            let anchor = format!("name=\"{after}\"");
            if let Some(at) = line_end_after(s, &start, &anchor) {
                s.insert_str(at, &format!("\n          {}", member_xsd(&member)));
            }
        }
        Change::Value {
            owner,
            value,
            explicit,
        } => {
            let start = format!("<xs:simpleType name=\"{owner}\">");
            let Some(from) = s.find(&start) else { return };
            let Some(end) = s[from..].find("        </xs:restriction>") else {
                return;
            };
            let line = match explicit {
                None => format!("          <xs:enumeration value=\"{value}\" />\n"),
                Some(n) => format!(
                    "          <xs:enumeration value=\"{value}\">\n            <xs:annotation>\n              \
                     <xs:appinfo>\n                <EnumerationValue xmlns=\"{}\">{n}</EnumerationValue>\n              \
                     </xs:appinfo>\n            </xs:annotation>\n          </xs:enumeration>\n",
                    crate::contract::versions::NS_SERIALIZATION
                ),
            };
            s.insert_str(from + end, &line);
        }
        Change::Type { ty, item, after } => {
            let anchor =
                format!("<xs:element name=\"{after}\" nillable=\"true\" type=\"tns:{after}\" />");
            if let Some(at) = s.find(&anchor).map(|i| i + anchor.len()) {
                s.insert_str(at, &type_xsd(ty, item));
            }
        }
        // services85.xsd imports the Serialization namespace already (for completeness):
        // the 88 WSDL's import adds nothing to our schema.
        Change::Import { .. } => {}
    }
}

/// The end of the first line holding `anchor` after `start`.
fn line_end_after(s: &str, start: &str, anchor: &str) -> Option<usize> {
    let from = s.find(start)?;
    let at = from + s[from..].find(anchor)?;
    Some(s[at..].find('\n').map_or(s.len(), |n| at + n))
}

fn type_name(ty: TypeRef) -> String {
    match ty {
        TypeRef::Xs(b) => format!("xs:{}", b.name()),
        TypeRef::Tns(n) => format!("tns:{n}"),
        TypeRef::Anon(n) => n.to_string(),
    }
}

fn member_xsd(m: &Member) -> String {
    let min = if m.min_occurs == 1 {
        String::new()
    } else {
        format!("minOccurs=\"{}\" ", m.min_occurs)
    };
    let max = match m.max_occurs {
        None => "maxOccurs=\"unbounded\" ".to_string(),
        Some(1) => String::new(),
        Some(n) => format!("maxOccurs=\"{n}\" "),
    };
    let nil = if m.nillable { "nillable=\"true\" " } else { "" };
    match m.ty {
        TypeRef::Anon(_) => format!("<xs:element {min}{max}name=\"{}\">", m.name),
        ty => format!(
            "<xs:element {min}{max}name=\"{}\" {nil}type=\"{}\" />",
            m.name,
            type_name(ty)
        ),
    }
}

/// A named complex type (a dictionary when `ty.dictionary`) whose one member may be of the
/// anonymous type `item`, and its global element.
fn type_xsd(ty: &ComplexType, item: Option<&ComplexType>) -> String {
    let mut out = format!("\n  <xs:complexType name=\"{}\">\n", ty.name);
    if ty.dictionary {
        out.push_str(
            "    <xs:annotation>\n      <xs:appinfo>\n        <IsDictionary \
             xmlns=\"http://schemas.microsoft.com/2003/10/Serialization/\">true</IsDictionary>\n      \
             </xs:appinfo>\n    </xs:annotation>\n",
        );
    }
    out.push_str("    <xs:sequence>\n");
    for m in ty.members {
        out.push_str(&format!("      {}\n", member_xsd(m)));
        if let (TypeRef::Anon(_), Some(item)) = (m.ty, item) {
            out.push_str("        <xs:complexType>\n          <xs:sequence>\n");
            for im in item.members {
                out.push_str(&format!("            {}\n", member_xsd(im)));
            }
            out.push_str(
                "          </xs:sequence>\n        </xs:complexType>\n      </xs:element>\n",
            );
        }
    }
    out.push_str("    </xs:sequence>\n  </xs:complexType>\n");
    out.push_str(&format!(
        "  <xs:element name=\"{0}\" nillable=\"true\" type=\"tns:{0}\" />",
        ty.name
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The end of the anchor's line: its newline, or the end of a text without one.
    #[test]
    fn a_line_ends_at_its_newline_or_the_text_s_end() {
        let s = "anchor\nstart\n a anchor b\nlast anchor";
        assert_eq!(line_end_after(s, "start", "anchor"), Some(24));
        assert_eq!(&s[..24], "anchor\nstart\n a anchor b");
        assert_eq!(line_end_after(s, "b\n", "anchor"), Some(s.len()));
        assert_eq!(line_end_after(s, "start", "none"), None);
        assert_eq!(line_end_after(s, "none", "anchor"), None);
    }

    #[test]
    fn services85_is_its_own_file() {
        for role in [Role::Payload, Role::Soap11, Role::Soap12] {
            let t = text(Contract::Services85, role);
            assert!(t == SERVICES85 || t == SOAP11 || t == SOAP12);
        }
        assert_eq!(generated("services85.xsd"), None);
        assert_eq!(generated("soap11-envelope.xsd"), None);
    }

    #[test]
    fn every_other_version_is_served_renamed() {
        for c in Contract::ALL
            .into_iter()
            .filter(|c| *c != Contract::Services85)
        {
            let (name, text) = generated(&format!("{}.xsd", c.arg())).expect("payload");
            assert_eq!(name, format!("{}.xsd", c.arg()));
            assert!(text.ends_with('\0'));
            assert!(!text.contains(Contract::Services85.namespace()), "{c}");
            assert!(text.contains(c.namespace()));
            let env = generated(&file_name(c, Role::Soap11)).expect("envelope").1;
            assert!(env.contains(&format!("schemaLocation=\"{}.xsd\"", c.arg())));
            assert!(!env.contains(Contract::Services85.namespace()));
        }
        assert_eq!(generated("services83.xsd"), None);
    }

    #[test]
    fn the_88_schema_has_every_addition() {
        let t = text(Contract::Services88, Role::Payload);
        for needle in [
            "name=\"UserName\" nillable=\"true\" type=\"xs:string\"",
            "name=\"ExtraFields\" nillable=\"true\" type=\"tns:StringDictionary\"",
            "<xs:enumeration value=\"Uninitialized\" />",
            ">16</EnumerationValue>",
            ">32</EnumerationValue>",
            "name=\"StringKeyValuePair\"",
        ] {
            assert!(t.contains(needle), "{needle}");
        }
        let t86 = text(Contract::Services86, Role::Payload);
        assert!(t86.contains("name=\"UserName\"") && !t86.contains("ExtraFields"));
    }
}
