//! The content models of our schemas, read once from the embedded XSDs, to tell apart what
//! libxml2 reports alike as "This element is not expected": a member out of sequence, a
//! known name in the wrong namespace, or a name the schema does not declare at all.

#![forbid(unsafe_code)]

use super::versions::{text, Role};
use crate::contract::Contract;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

#[derive(Debug)]
pub struct Models {
    /// Type key -> member element names in sequence order (own members only).
    members: HashMap<String, Vec<String>>,
    /// Type key -> base type key (`xs:extension`).
    base: HashMap<String, String>,
    /// Element local name -> the type keys elements of that name are declared with.
    element_types: HashMap<String, Vec<String>>,
    /// Every element name the version's payload schema declares (global or local).
    services85_names: HashSet<String>,
    /// The contract version of the schemas read.
    contract: Contract,
}

impl Default for Models {
    fn default() -> Models {
        Models {
            members: HashMap::new(),
            base: HashMap::new(),
            element_types: HashMap::new(),
            services85_names: HashSet::new(),
            contract: Contract::DEFAULT,
        }
    }
}

enum Frame {
    Element(String),
    Type(String),
    Other,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.to_string())
}

fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

impl Models {
    /// The models of the Services85 schemas.
    #[cfg(test)]
    pub fn get() -> &'static Models {
        Models::of(Contract::Services85)
    }

    /// The models of one contract version's schemas (made once per version).
    pub fn of(contract: Contract) -> &'static Models {
        static MODELS: [OnceLock<Models>; 5] = [const { OnceLock::new() }; 5];
        let at = Contract::ALL
            .iter()
            .position(|c| *c == contract)
            .unwrap_or(1);
        MODELS[at].get_or_init(|| {
            let mut m = Models {
                contract,
                ..Models::default()
            };
            m.read(&text(contract, Role::Payload), true);
            for role in [Role::Soap11, Role::Soap12] {
                m.read(&text(contract, role), false);
            }
            m
        })
    }

    /// The contract version these models are of.
    pub fn contract(&self) -> Contract {
        self.contract
    }

    fn read(&mut self, xsd: &str, is_services85: bool) {
        let mut reader = Reader::from_str(xsd);
        let mut stack: Vec<Frame> = Vec::new();
        let mut anon = 0usize;
        loop {
            let (e, empty) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(_)) => {
                    stack.pop();
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            let tag = e.local_name().as_ref().to_string();
            let frame = match tag.as_str() {
                "element" => {
                    let name =
                        attr(&e, "name").or_else(|| attr(&e, "ref").map(|r| local(&r).to_string()));
                    match name {
                        Some(name) => {
                            if is_services85 {
                                self.services85_names.insert(name.clone());
                            }
                            if let Some(t) = attr(&e, "type") {
                                self.element_types
                                    .entry(name.clone())
                                    .or_default()
                                    .push(local(&t).to_string());
                            }
                            let owner = stack.iter().rev().find_map(|f| match f {
                                Frame::Type(k) => Some(k.clone()),
                                _ => None,
                            });
                            if let Some(owner) = owner {
                                self.members.entry(owner).or_default().push(name.clone());
                            }
                            Frame::Element(name)
                        }
                        None => Frame::Other,
                    }
                }
                "complexType" => {
                    let key = match attr(&e, "name") {
                        Some(n) => n,
                        None => {
                            anon += 1;
                            let owner = match stack.last() {
                                Some(Frame::Element(n)) => n.clone(),
                                _ => String::new(),
                            };
                            let key = format!("{owner}#anon{anon}");
                            self.element_types
                                .entry(owner)
                                .or_default()
                                .push(key.clone());
                            key
                        }
                    };
                    Frame::Type(key)
                }
                "extension" => {
                    if let (Some(base), Some(Frame::Type(k))) = (
                        attr(&e, "base"),
                        stack.iter().rev().find(|f| matches!(f, Frame::Type(_))),
                    ) {
                        self.base.insert(k.clone(), local(&base).to_string());
                    }
                    Frame::Other
                }
                _ => Frame::Other,
            };
            if !empty {
                stack.push(frame);
            }
        }
    }

    /// All members of a type in sequence order, base members first.
    pub fn sequence(&self, key: &str) -> Vec<&str> {
        let mut chain = vec![key];
        let mut k = key;
        while let Some(b) = self.base.get(k) {
            // A cycle of bases (no valid schema has one) ends the chain; without one the
            // chain ends at a type without a base, as every key is distinct.
            if chain.contains(&b.as_str()) {
                break;
            }
            chain.push(b);
            k = b;
        }
        chain
            .iter()
            .rev()
            .flat_map(|k| {
                self.members
                    .get(*k)
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
            })
            .collect()
    }

    /// The type keys an element of this local name (or with this xsi:type) may have.
    pub fn types_of(&self, element: &str) -> Vec<&str> {
        self.element_types
            .get(element)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    pub fn is_services85_name(&self, name: &str) -> bool {
        self.services85_names.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_relation_entity_sequence_starts_with_carrier_members() {
        let m = Models::get();
        let seq = m.sequence("ContactRelationEntity");
        assert_eq!(
            &seq[..3],
            &["TableRight", "FieldProperties", "SourceContactId"]
        );
        assert_eq!(seq.last(), Some(&"PassiveText"));
        assert_eq!(seq.len(), 20);
        assert!(m.types_of("CreatedBy").contains(&"Associate"));
        assert!(m.is_services85_name("Reversed"));
        assert!(!m.is_services85_name("faultcode"));
    }

    /// Two elements of one name, each with its own anonymous type: each type keeps its own
    /// members.
    #[test]
    fn anonymous_types_of_one_element_name_are_kept_apart() {
        let xsd = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="A"><xs:complexType><xs:sequence><xs:element name="X"/></xs:sequence></xs:complexType></xs:element>
          <xs:complexType name="T"><xs:sequence>
            <xs:element name="A"><xs:complexType><xs:sequence><xs:element name="Y"/></xs:sequence></xs:complexType></xs:element>
          </xs:sequence></xs:complexType>
        </xs:schema>"#;
        let mut m = Models::default();
        m.read(xsd, true);
        let keys = m.types_of("A");
        assert_eq!(keys.len(), 2, "{keys:?}");
        let members: Vec<Vec<&str>> = keys.iter().map(|k| m.sequence(k)).collect();
        assert_eq!(members, [vec!["X"], vec!["Y"]]);
        assert_eq!(m.sequence("T"), ["A"]);
    }

    /// A type's sequence is its bases' members first, nearest last; a cycle of bases ends
    /// the walk.
    #[test]
    fn a_sequence_holds_its_bases_members_first() {
        let ext = |name: &str, base: &str, member: &str| {
            format!(
                "<xs:complexType name=\"{name}\"><xs:complexContent><xs:extension base=\"tns:{base}\">\
                 <xs:sequence><xs:element name=\"{member}\"/></xs:sequence></xs:extension>\
                 </xs:complexContent></xs:complexType>"
            )
        };
        let xsd = format!(
            "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\
             <xs:complexType name=\"Root\"><xs:sequence><xs:element name=\"r\"/></xs:sequence></xs:complexType>\
             {}{}{}{}</xs:schema>",
            ext("Mid", "Root", "m"),
            ext("Leaf", "Mid", "l"),
            ext("P", "Q", "p"),
            ext("Q", "P", "q"),
        );
        let mut m = Models::default();
        m.read(&xsd, true);
        assert_eq!(m.sequence("Leaf"), ["r", "m", "l"]);
        assert_eq!(m.sequence("Root"), ["r"]);
        assert_eq!(m.sequence("P"), ["q", "p"]);
        assert_eq!(m.sequence("Q"), ["p", "q"]);
        assert!(m.sequence("Unknown").is_empty());
    }
}
