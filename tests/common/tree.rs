//! A small namespace-aware XML tree (quick-xml), for tests that read the project's own
//! schemas and WSDL: `tests/contract_table.rs` and `tests/wsdl.rs`.
#![allow(dead_code)]

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// One element, with what a reader of schemas needs.
#[derive(Debug, Default, Clone)]
pub struct Node {
    /// The namespace the element's name is bound to ("" for none).
    pub ns: String,
    pub local: String,
    /// Attributes other than namespace declarations, as written.
    pub attrs: Vec<(String, String)>,
    /// Namespace bindings in scope (prefix, URI); "" is the default namespace.
    pub scope: Vec<(String, String)>,
    pub children: Vec<Node>,
    /// The character data directly inside it.
    pub text: String,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The URI a prefix is bound to here.
    pub fn resolve(&self, prefix: &str) -> Option<&str> {
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.as_str())
    }

    /// A QName attribute's value as `{uri}local` (`{unbound}local` for an unbound prefix).
    pub fn qname_attr(&self, name: &str) -> Option<String> {
        let v = self.attr(name)?;
        let (prefix, local) = v.split_once(':').unwrap_or(("", v));
        Some(format!(
            "{{{}}}{local}",
            self.resolve(prefix).unwrap_or("unbound")
        ))
    }

    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    pub fn all<'a>(&'a self, ns: &'a str, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.is(ns, local))
    }

    /// The child `ns:local` whose `name` attribute is `name`.
    pub fn named(&self, ns: &str, local: &str, name: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.is(ns, local) && c.attr("name") == Some(name))
    }
}

fn open(e: &BytesStart<'_>, parent_scope: &[(String, String)]) -> Node {
    let mut n = Node {
        scope: parent_scope.to_vec(),
        ..Node::default()
    };
    for a in e.attributes().flatten() {
        let key = a.key.0.to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_default();
        if key == "xmlns" {
            n.scope.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            n.scope.push((p.to_string(), value));
        } else {
            n.attrs.push((key, value));
        }
    }
    let name = e.name().0.to_string();
    let (prefix, local) = name.split_once(':').unwrap_or(("", &name));
    n.ns = n.resolve(prefix).unwrap_or("").to_string();
    n.local = local.to_string();
    n
}

/// The root element of a well-formed document (panics on a malformed one: the documents
/// read here are the project's own).
pub fn parse(xml: &str) -> Node {
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let n = open(&e, &stack.last().expect("open").scope);
                stack.push(n);
            }
            Event::Empty(e) => {
                let n = open(&e, &stack.last().expect("open").scope);
                stack.last_mut().expect("open").children.push(n);
            }
            Event::End(_) => {
                let n = stack.pop().expect("balanced");
                stack.last_mut().expect("parent").children.push(n);
            }
            Event::Text(t) => {
                let s = t.xml10_content().into_owned();
                stack.last_mut().expect("open").text.push_str(&s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "balanced");
    let mut doc = stack.pop().expect("document");
    doc.children.pop().expect("a root element")
}
