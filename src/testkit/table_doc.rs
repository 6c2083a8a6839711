//! Documents written straight from the contract table, with no help from the model or the
//! encoder: every header block of the direction and every member of every type, in the
//! table's order, each simple member holding a valid lexeme of its type. They hold the
//! decoder, the model and the encoder to the table (`tests/codec.rs`): each element a
//! document has is listed with its path, declared type and nillability, so a test can edit
//! one and know what a checker must say.

use crate::contract::table::{self, Builtin, SimpleKind, TypeDef, TypeRef};
use crate::contract::{Kind, Operation, NS_SERVICES85, NS_SOAP11, NS_XSI};
use crate::text::path::PathStack;
use crate::violation::Code;
use std::ops::Range;

/// One payload element of a [`TableDoc`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocElement {
    /// Its element path.
    pub path: String,
    /// Its declared type.
    pub ty: TypeRef,
    /// Whether it may be `xsi:nil`.
    pub nillable: bool,
    /// A header block or a wrapper (it carries the namespace declarations).
    pub top: bool,
    /// The whole element, start tag to end tag.
    pub outer: Range<usize>,
    /// The character content of a simple-typed element.
    pub content: Option<Range<usize>>,
}

/// A document of one operation and direction, and its payload elements in document order.
#[derive(Debug, Clone)]
pub struct TableDoc {
    /// The document.
    pub text: String,
    /// Its payload elements, in document order.
    pub elements: Vec<DocElement>,
}

/// A valid lexeme of a simple type (every list flag; an enumeration's last value).
pub fn sample(ty: TypeRef) -> String {
    match ty {
        TypeRef::Xs(Builtin::Int) => "-2147483648".to_string(),
        TypeRef::Xs(Builtin::Short) => "32767".to_string(),
        TypeRef::Xs(Builtin::Boolean) => "true".to_string(),
        TypeRef::Xs(Builtin::DateTime) => "2003-04-03T16:48:30.4750298+02:00".to_string(),
        TypeRef::Xs(Builtin::String) => "text &amp; more".to_string(),
        TypeRef::Tns(name) | TypeRef::Anon(name) => {
            match table::simple_type(name).map(|s| s.kind) {
                Some(SimpleKind::List { values, .. }) => values.join(" "),
                Some(SimpleKind::Enumeration { values, .. }) => {
                    values.last().copied().unwrap_or("").to_string()
                }
                None => String::new(),
            }
        }
    }
}

/// A lexeme outside a simple type's value space and the code a checker must give it
/// (`None` for `xs:string`, which takes any text).
pub fn bad_sample(ty: TypeRef) -> Option<(&'static str, Code)> {
    Some(match ty {
        TypeRef::Xs(Builtin::Int) => ("2147483648", Code::XsdValue),
        TypeRef::Xs(Builtin::Short) => ("-32769", Code::XsdValue),
        TypeRef::Xs(Builtin::Boolean) => ("yes", Code::XsdValue),
        TypeRef::Xs(Builtin::DateTime) => ("2021-02-29T00:00:00", Code::XsdValue),
        TypeRef::Xs(Builtin::String) => return None,
        TypeRef::Tns(name) | TypeRef::Anon(name) => match table::simple_type(name)?.kind {
            SimpleKind::List { .. } => ("NoSuchFlag", Code::XsdList),
            SimpleKind::Enumeration { .. } => ("NoSuchValue", Code::XsdEnum),
        },
    })
}

struct Writer {
    text: String,
    paths: PathStack,
    elements: Vec<DocElement>,
    /// Complex types open on the way down.
    open_types: Vec<&'static str>,
}

impl Writer {
    fn element(&mut self, name: &str, ty: TypeRef, nillable: bool, top: bool) {
        let start = self.text.len();
        self.paths.push(name);
        let at = self.elements.len();
        self.elements.push(DocElement {
            path: self.paths.as_str().to_string(),
            ty,
            nillable,
            top,
            outer: start..start,
            content: None,
        });
        self.text.push('<');
        self.text.push_str(name);
        if top {
            self.text
                .push_str(&format!(" xmlns=\"{NS_SERVICES85}\" xmlns:i=\"{NS_XSI}\""));
        }
        self.text.push('>');
        match ty.def() {
            Some(TypeDef::Complex(c)) => {
                self.open_types.push(c.name);
                for m in c.members {
                    // A recursive member (InnerException) is written one level deep.
                    let depth = match m.ty {
                        TypeRef::Tns(n) | TypeRef::Anon(n) => {
                            self.open_types.iter().filter(|t| **t == n).count()
                        }
                        TypeRef::Xs(_) => 0,
                    };
                    if depth >= 2 && m.min_occurs == 0 {
                        continue;
                    }
                    // An unbounded member twice: both copies are checked.
                    let copies = if m.max_occurs.is_none() { 2 } else { 1 };
                    for _ in 0..copies {
                        self.element(m.name, m.ty, m.nillable, false);
                    }
                }
                self.open_types.pop();
            }
            _ => {
                let from = self.text.len();
                self.text.push_str(&sample(ty));
                self.elements[at].content = Some(from..self.text.len());
            }
        }
        self.text.push_str("</");
        self.text.push_str(name);
        self.text.push('>');
        self.elements[at].outer = start..self.text.len();
        self.paths.pop();
    }
}

/// The SOAP 1.1 document of `op` in direction `kind` (a request or a response) with every
/// header block of that direction and every member the table declares.
pub fn full_document(op: Operation, kind: Kind) -> TableDoc {
    let mut w = Writer {
        text: String::new(),
        paths: PathStack::new(),
        elements: Vec::new(),
        open_types: Vec::new(),
    };
    w.text
        .push_str(&format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header>"));
    w.paths.push("Envelope");
    w.paths.push("Header");
    let blocks = match kind {
        Kind::Request => table::request_headers(),
        _ => table::response_headers(),
    };
    for b in blocks {
        w.element(b.name, b.ty, b.nillable, true);
    }
    w.paths.pop();
    w.text.push_str("</s:Header><s:Body>");
    w.paths.push("Body");
    if let Some(d) = table::wrapper_decl(op, kind) {
        w.element(d.name, d.ty, d.nillable, true);
    }
    w.text.push_str("</s:Body></s:Envelope>");
    TableDoc {
        text: w.text,
        elements: w.elements,
    }
}

/// Every operation's request and response.
pub fn every_full_document() -> Vec<(Operation, Kind, TableDoc)> {
    Operation::ALL
        .iter()
        .flat_map(|&op| [Kind::Request, Kind::Response].map(|k| (op, k, full_document(op, k))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_save_request_holds_every_member_in_order() {
        let d = full_document(Operation::SaveContactRelation, Kind::Request);
        let entity = "/Envelope/Body/SaveContactRelation/ContactRelationEntity";
        let members: Vec<&str> = d
            .elements
            .iter()
            .filter_map(|e| e.path.strip_prefix(entity)?.strip_prefix('/'))
            .filter(|p| !p.contains('/'))
            .collect();
        let expected: Vec<&str> = table::complex_type("ContactRelationEntity")
            .map(|t| t.member_names().collect())
            .unwrap_or_default();
        assert_eq!(members, expected);
        assert!(d.text.contains(
            "<FieldProperties><FieldPropertyDictionaryKeyValuePair><Key>text &amp; more</Key>"
        ));
        let second = d.elements.iter().find(|e| {
            e.path
                .ends_with("FieldProperties/FieldPropertyDictionaryKeyValuePair[2]")
        });
        assert!(second.is_some());
        // The recursive InnerException is written once, not forever.
        let r = full_document(Operation::SaveContactRelation, Kind::Response);
        assert_eq!(r.text.matches("<InnerException>").count(), 1);
        assert_eq!(r.text.matches("<ExceptionInfo ").count(), 1);
    }
}
