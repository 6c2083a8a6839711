//! Holds `contract::table` to `schemas/services85.xsd`: the schema is parsed here (quick-xml)
//! into a neutral description of its types and global elements, the table is turned into
//! the same description, and the two are compared in both directions: every type, every
//! member in order, minOccurs/maxOccurs, nillable, type, enumeration values, list item
//! types, global elements. The comparison is shown to catch deliberate edits of either side
//! by running it on mutated copies of the XSD text and of the table's description.

mod common;

use common::tree::{parse as parse_tree, Node};
use relation_contract::contract::table::{
    self, Builtin, SimpleKind, TypeRef, COMPLEX_TYPES, ELEMENTS, OPERATIONS, SIMPLE_TYPES,
};
use relation_contract::contract::versions::{self, Change, Contract};
use relation_contract::contract::{
    Kind, Operation, NS_SERVICES85, NS_XSD, REQUEST_HEADERS, RESPONSE_HEADERS,
};
use relation_contract::schema::versions as versions_xsd;
use std::collections::BTreeMap;

const XSD: &str = include_str!("../schemas/services85.xsd");
const NS_SERIALIZATION: &str = "http://schemas.microsoft.com/2003/10/Serialization/";

// --- the neutral description ---

#[derive(Debug, Clone, PartialEq)]
struct MemberModel {
    name: String,
    /// `xs:int`, `tns:Associate`.
    ty: String,
    min: u32,
    /// `None` = unbounded.
    max: Option<u32>,
    nillable: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum TypeModel {
    Complex {
        anonymous: bool,
        base: Option<String>,
        dictionary: bool,
        /// Effective sequence: the base type's members first.
        members: Vec<MemberModel>,
    },
    Enumeration {
        base: String,
        values: Vec<String>,
    },
    List {
        item: String,
        values: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Model {
    types: BTreeMap<String, TypeModel>,
    /// Global elements: (type, nillable).
    elements: BTreeMap<String, (String, bool)>,
    /// Schema constructs the description cannot express (each one a difference).
    unsupported: Vec<String>,
}

// --- the XSD side: a small tree, then its interpretation ---

/// The XSD reading's own views of the shared tree.
trait XsdNode {
    fn qname(&self, value: &str) -> String;
    fn xs(&self, local: &str) -> bool;
    fn xs_children<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a;
}

impl XsdNode for Node {
    /// A QName attribute value as `xs:local` / `tns:local` (or `{uri}local` otherwise).
    fn qname(&self, value: &str) -> String {
        let (prefix, local) = value.split_once(':').unwrap_or(("", value));
        match self.resolve(prefix) {
            Some(NS_XSD) => format!("xs:{local}"),
            Some(NS_SERVICES85) => format!("tns:{local}"),
            Some(u) => format!("{{{u}}}{local}"),
            None => format!("{{unbound}}{value}"),
        }
    }

    fn xs(&self, local: &str) -> bool {
        self.ns == NS_XSD && self.local == local
    }

    fn xs_children<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.xs(local))
    }
}

struct Reading {
    model: Model,
    /// Own members and base of each complex type, before bases are applied.
    own: BTreeMap<String, (Option<String>, Vec<MemberModel>)>,
}

impl Reading {
    fn unsupported(&mut self, where_: &str, n: &Node) {
        self.model
            .unsupported
            .push(format!("{where_}: unsupported `{}`", n.local));
    }

    /// Reads a sequence's elements (anonymous types of members are registered too).
    fn sequence(&mut self, owner: &str, seq: &Node) -> Vec<MemberModel> {
        let mut out = Vec::new();
        for c in &seq.children {
            if !c.xs("element") {
                self.unsupported(owner, c);
                continue;
            }
            let name = c.attr("name").unwrap_or("?").to_string();
            let ty = match (c.attr("type"), c.xs_children("complexType").next()) {
                (Some(t), None) => c.qname(t),
                (None, Some(ct)) => {
                    self.complex(&name, ct, true);
                    format!("tns:{name}")
                }
                _ => {
                    self.unsupported(owner, c);
                    continue;
                }
            };
            let min = c
                .attr("minOccurs")
                .map_or(1, |v| v.parse().unwrap_or(u32::MAX));
            let max = match c.attr("maxOccurs") {
                None => Some(1),
                Some("unbounded") => None,
                Some(v) => Some(v.parse().unwrap_or(u32::MAX)),
            };
            let nillable = c.attr("nillable") == Some("true");
            out.push(MemberModel {
                name,
                ty,
                min,
                max,
                nillable,
            });
        }
        out
    }

    fn complex(&mut self, name: &str, ct: &Node, anonymous: bool) {
        let mut dictionary = false;
        let mut base = None;
        let mut own = Vec::new();
        for c in &ct.children {
            if c.xs("annotation") {
                for info in c.xs_children("appinfo") {
                    dictionary |= info.children.iter().any(|d| {
                        d.ns == NS_SERIALIZATION
                            && d.local == "IsDictionary"
                            && d.text.trim() == "true"
                    });
                }
            } else if c.xs("sequence") {
                own = self.sequence(name, c);
            } else if c.xs("complexContent") {
                for ext in &c.children {
                    if !ext.xs("extension") {
                        self.unsupported(name, ext);
                        continue;
                    }
                    base = ext.attr("base").map(|b| ext.qname(b));
                    for s in &ext.children {
                        if s.xs("sequence") {
                            own = self.sequence(name, s);
                        } else {
                            self.unsupported(name, s);
                        }
                    }
                }
            } else {
                self.unsupported(name, c);
            }
        }
        let base = base.map(|b| b.trim_start_matches("tns:").to_string());
        self.own.insert(name.to_string(), (base.clone(), own));
        self.model.types.insert(
            name.to_string(),
            TypeModel::Complex {
                anonymous,
                base,
                dictionary,
                members: Vec::new(),
            },
        );
    }

    fn simple(&mut self, name: &str, st: &Node) {
        let restriction = |r: &Node| -> (String, Vec<String>) {
            let base = r.attr("base").map(|b| r.qname(b)).unwrap_or_default();
            let values = r
                .xs_children("enumeration")
                .filter_map(|e| e.attr("value").map(str::to_string))
                .collect();
            (base, values)
        };
        let t = if let Some(r) = st.xs_children("restriction").next() {
            let (base, values) = restriction(r);
            TypeModel::Enumeration { base, values }
        } else if let Some(l) = st.xs_children("list").next() {
            match (l.attr("itemType"), l.xs_children("simpleType").next()) {
                (Some(it), _) => TypeModel::List {
                    item: l.qname(it),
                    values: Vec::new(),
                },
                (None, Some(inner)) => match inner.xs_children("restriction").next() {
                    Some(r) => {
                        let (item, values) = restriction(r);
                        TypeModel::List { item, values }
                    }
                    None => return self.unsupported(name, inner),
                },
                _ => return self.unsupported(name, l),
            }
        } else {
            return self.unsupported(name, st);
        };
        self.model.types.insert(name.to_string(), t);
    }

    /// Effective member lists: base members first (bases resolved recursively).
    fn effective(&self, name: &str, depth: usize) -> Vec<MemberModel> {
        let Some((base, own)) = self.own.get(name) else {
            return Vec::new();
        };
        let mut out = match base {
            Some(b) if depth < 16 => self.effective(b, depth + 1),
            _ => Vec::new(),
        };
        out.extend(own.iter().cloned());
        out
    }
}

fn xsd_model(xsd: &str) -> Model {
    let root = parse_tree(xsd);
    assert!(root.xs("schema"), "the root is xs:schema");
    let mut r = Reading {
        model: Model::default(),
        own: BTreeMap::new(),
    };
    if root.attr("targetNamespace") != Some(NS_SERVICES85) {
        r.model
            .unsupported
            .push("the schema's targetNamespace is not Services85".to_string());
    }
    if root.attr("elementFormDefault") != Some("qualified") {
        r.model
            .unsupported
            .push("elementFormDefault is not qualified".to_string());
    }
    for c in &root.children {
        let name = c.attr("name").unwrap_or("?").to_string();
        if c.xs("element") {
            let ty = match (c.attr("type"), c.xs_children("complexType").next()) {
                (Some(t), None) => c.qname(t),
                (None, Some(ct)) => {
                    r.complex(&name, ct, true);
                    format!("tns:{name}")
                }
                _ => {
                    r.unsupported("schema", c);
                    continue;
                }
            };
            let nillable = c.attr("nillable") == Some("true");
            r.model.elements.insert(name, (ty, nillable));
        } else if c.xs("complexType") {
            r.complex(&name, c, false);
        } else if c.xs("simpleType") {
            r.simple(&name, c);
        } else if !(c.xs("annotation") || c.xs("import")) {
            r.unsupported("schema", c);
        }
    }
    let names: Vec<String> = r.own.keys().cloned().collect();
    for n in names {
        let eff = r.effective(&n, 0);
        if let Some(TypeModel::Complex { members, .. }) = r.model.types.get_mut(&n) {
            *members = eff;
        }
    }
    r.model
}

// --- the table side ---

fn type_text(t: TypeRef) -> String {
    match t {
        TypeRef::Xs(b) => format!("xs:{}", b.name()),
        // An anonymous type is named by its element, as the XSD reading names it.
        TypeRef::Tns(n) | TypeRef::Anon(n) => format!("tns:{n}"),
    }
}

fn builtin_text(b: Builtin) -> String {
    format!("xs:{}", b.name())
}

fn table_model() -> Model {
    let mut m = Model::default();
    for t in COMPLEX_TYPES {
        let members = t
            .members
            .iter()
            .map(|mm| MemberModel {
                name: mm.name.to_string(),
                ty: type_text(mm.ty),
                min: mm.min_occurs,
                max: mm.max_occurs,
                nillable: mm.nillable,
            })
            .collect();
        let prev = m.types.insert(
            t.name.to_string(),
            TypeModel::Complex {
                anonymous: t.anonymous,
                base: t.base.map(str::to_string),
                dictionary: t.dictionary,
                members,
            },
        );
        if prev.is_some() {
            m.unsupported
                .push(format!("type `{}` twice in the table", t.name));
        }
    }
    for t in SIMPLE_TYPES {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        let tm = match t.kind {
            SimpleKind::Enumeration { base, values } => TypeModel::Enumeration {
                base: builtin_text(base),
                values: strings(values),
            },
            SimpleKind::List { item, values } => TypeModel::List {
                item: builtin_text(item),
                values: strings(values),
            },
        };
        if m.types.insert(t.name.to_string(), tm).is_some() {
            m.unsupported
                .push(format!("type `{}` twice in the table", t.name));
        }
    }
    for e in ELEMENTS {
        if m.elements
            .insert(e.name.to_string(), (type_text(e.ty), e.nillable))
            .is_some()
        {
            m.unsupported
                .push(format!("element `{}` twice in the table", e.name));
        }
    }
    m
}

// --- the comparison ---

fn compare_members(name: &str, x: &[MemberModel], t: &[MemberModel], out: &mut Vec<String>) {
    for i in 0..x.len().max(t.len()) {
        match (x.get(i), t.get(i)) {
            (Some(a), Some(b)) if a != b => out.push(format!(
                "type `{name}`, member {}: the XSD has {a:?}, the table {b:?}",
                i + 1
            )),
            (Some(a), None) => out.push(format!(
                "type `{name}`: the table lacks member {} `{}`",
                i + 1,
                a.name
            )),
            (None, Some(b)) => out.push(format!(
                "type `{name}`: the XSD has no member {} `{}`",
                i + 1,
                b.name
            )),
            _ => {}
        }
    }
}

/// Every difference between the XSD's description and the table's, in both directions.
fn differences(xsd: &Model, table: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for u in xsd.unsupported.iter().chain(&table.unsupported) {
        out.push(u.clone());
    }
    for (name, x) in &xsd.types {
        match table.types.get(name) {
            None => out.push(format!("type `{name}` is in the XSD, not in the table")),
            Some(t) => match (x, t) {
                (
                    TypeModel::Complex {
                        anonymous: xa,
                        base: xb,
                        dictionary: xd,
                        members: xm,
                    },
                    TypeModel::Complex {
                        anonymous: ta,
                        base: tb,
                        dictionary: td,
                        members: tm,
                    },
                ) => {
                    if (xa, xb, xd) != (ta, tb, td) {
                        out.push(format!(
                            "type `{name}`: the XSD has anonymous={xa} base={xb:?} dictionary={xd}, the table anonymous={ta} base={tb:?} dictionary={td}"
                        ));
                    }
                    compare_members(name, xm, tm, &mut out);
                }
                _ if x != t => {
                    out.push(format!("type `{name}`: the XSD has {x:?}, the table {t:?}"))
                }
                _ => {}
            },
        }
    }
    for name in table.types.keys() {
        if !xsd.types.contains_key(name) {
            out.push(format!("type `{name}` is in the table, not in the XSD"));
        }
    }
    for (name, x) in &xsd.elements {
        match table.elements.get(name) {
            None => out.push(format!("element `{name}` is in the XSD, not in the table")),
            Some(t) if t != x => out.push(format!(
                "element `{name}`: the XSD has {x:?}, the table {t:?}"
            )),
            _ => {}
        }
    }
    for name in table.elements.keys() {
        if !xsd.elements.contains_key(name) {
            out.push(format!("element `{name}` is in the table, not in the XSD"));
        }
    }
    out
}

// --- the tests ---

#[test]
fn the_table_is_the_xsd() {
    let d = differences(&xsd_model(XSD), &table_model());
    assert!(
        d.is_empty(),
        "the table differs from the XSD:\n{}",
        d.join("\n")
    );
}

#[test]
fn the_description_sees_every_type_and_element() {
    // Guards the reader itself: a reader that silently skipped parts of the schema would
    // make the comparison pass vacuously.
    let x = xsd_model(XSD);
    assert_eq!(x.types.len(), COMPLEX_TYPES.len() + SIMPLE_TYPES.len());
    assert_eq!(x.elements.len(), ELEMENTS.len());
    assert!(x.unsupported.is_empty(), "{:?}", x.unsupported);
    let Some(TypeModel::Complex { members, .. }) = x.types.get("ContactRelationEntity") else {
        panic!("ContactRelationEntity is a complex type");
    };
    assert_eq!(members.len(), 20);
    assert_eq!(members[0].name, "TableRight");
    assert_eq!(members[9].ty, "xs:short");
}

/// Applies a text edit to the XSD (the edit must apply exactly once) and returns the
/// differences the comparison then reports.
fn after_edit(from: &str, to: &str) -> Vec<String> {
    assert_eq!(
        XSD.matches(from).count(),
        1,
        "`{from}` occurs once in the XSD"
    );
    let edited = XSD.replacen(from, to, 1);
    differences(&xsd_model(&edited), &table_model())
}

fn assert_reported(d: &[String], needle: &str) {
    assert!(
        d.iter().any(|l| l.contains(needle)),
        "expected a difference naming `{needle}`, got:\n{}",
        d.join("\n")
    );
}

#[test]
fn edits_of_the_xsd_are_caught() {
    let swap_from = "<xs:element minOccurs=\"0\" name=\"SourceContactId\" type=\"xs:int\" />\n          <xs:element minOccurs=\"0\" name=\"SourcePersonId\" type=\"xs:int\" />";
    let swap_to = "<xs:element minOccurs=\"0\" name=\"SourcePersonId\" type=\"xs:int\" />\n          <xs:element minOccurs=\"0\" name=\"SourceContactId\" type=\"xs:int\" />";
    let cases: &[(&str, &str, &str)] = &[
        // Two members swapped.
        (swap_from, swap_to, "type `ContactRelationEntity`, member 3"),
        // Nillable flipped, both ways.
        (
            "name=\"Comment\" nillable=\"true\"",
            "name=\"Comment\"",
            "member 8",
        ),
        (
            "name=\"Reversed\" type=\"xs:short\"",
            "name=\"Reversed\" nillable=\"true\" type=\"xs:short\"",
            "member 10",
        ),
        // A type changed.
        (
            "name=\"Rank\" type=\"xs:short\"",
            "name=\"Rank\" type=\"xs:int\"",
            "type `Associate`, member 6",
        ),
        // An enumeration value dropped.
        (
            "<xs:enumeration value=\"SystemAssociate\" />",
            "",
            "type `UserType`",
        ),
        // A list flag dropped, and a list's item type changed.
        (
            "<xs:enumeration value=\"UIHintReadOnly\" />",
            "",
            "type `EFieldRight`",
        ),
        (
            "<xs:list>\n      <xs:simpleType>\n        <xs:restriction base=\"xs:string\">\n          <xs:enumeration value=\"Select\" />",
            "<xs:list>\n      <xs:simpleType>\n        <xs:restriction base=\"xs:token\">\n          <xs:enumeration value=\"Select\" />",
            "type `ETableRight`",
        ),
        // minOccurs and maxOccurs.
        (
            "<xs:element minOccurs=\"0\" name=\"SoTimeZoneId\"",
            "<xs:element name=\"SoTimeZoneId\"",
            "type `SoTimeZone`, member 1",
        ),
        (
            "maxOccurs=\"unbounded\" name=\"ExtraInfoNameValuePair\"",
            "name=\"ExtraInfoNameValuePair\"",
            "type `SoExtraInfo`",
        ),
        // A member added, and one removed.
        (
            "<xs:element minOccurs=\"0\" name=\"EjUserId\" type=\"xs:int\" />",
            "<xs:element minOccurs=\"0\" name=\"EjUserId\" type=\"xs:int\" />\n<xs:element minOccurs=\"0\" name=\"Extra\" type=\"xs:int\" />",
            "the table lacks member 14 `Extra`",
        ),
        (
            "<xs:element minOccurs=\"0\" name=\"Tooltip\" nillable=\"true\" type=\"xs:string\" />",
            "",
            "type `Associate`",
        ),
        // A base type changed; a dictionary mark dropped.
        (
            "<xs:complexContent mixed=\"false\">\n      <xs:extension base=\"tns:Carrier\">\n        <xs:sequence>\n          <xs:element minOccurs=\"0\" name=\"AssociateId\"",
            "<xs:complexContent mixed=\"false\">\n      <xs:extension base=\"tns:TableRight\">\n        <xs:sequence>\n          <xs:element minOccurs=\"0\" name=\"AssociateId\"",
            "type `Associate`",
        ),
        (
            "<xs:complexType name=\"SoExtraInfo\">\n    <xs:annotation>\n      <xs:appinfo>\n        <IsDictionary xmlns=\"http://schemas.microsoft.com/2003/10/Serialization/\">true",
            "<xs:complexType name=\"SoExtraInfo\">\n    <xs:annotation>\n      <xs:appinfo>\n        <IsDictionary xmlns=\"http://schemas.microsoft.com/2003/10/Serialization/\">false",
            "dictionary=false",
        ),
        // A global element's nillability, and a new global element.
        (
            "<xs:element name=\"Succeeded\" type=\"xs:boolean\" />",
            "<xs:element name=\"Succeeded\" nillable=\"true\" type=\"xs:boolean\" />",
            "element `Succeeded`",
        ),
        (
            "<xs:element name=\"ExtraInfo\" nillable=\"true\" type=\"tns:SoExtraInfo\" />",
            "<xs:element name=\"ExtraInfo\" nillable=\"true\" type=\"tns:SoExtraInfo\" />\n<xs:element name=\"Culture\" type=\"xs:string\" />",
            "element `Culture` is in the XSD, not in the table",
        ),
        // A construct the table cannot express.
        (
            "<xs:element minOccurs=\"0\" name=\"FieldLength\" type=\"xs:int\" />",
            "<xs:element minOccurs=\"0\" name=\"FieldLength\" type=\"xs:int\" /><xs:any />",
            "unsupported `any`",
        ),
    ];
    for (from, to, needle) in cases {
        assert_reported(&after_edit(from, to), needle);
    }
}

#[test]
fn edits_of_the_table_are_caught() {
    let xsd = xsd_model(XSD);
    let edit = |f: &dyn Fn(&mut Model)| {
        let mut t = table_model();
        f(&mut t);
        differences(&xsd, &t)
    };
    let with_members = |ty: &'static str, f: fn(&mut Vec<MemberModel>)| {
        move |m: &mut Model| match m.types.get_mut(ty) {
            Some(TypeModel::Complex { members, .. }) => f(members),
            _ => panic!("{ty} is a complex type"),
        }
    };
    assert_reported(
        &edit(&with_members("Associate", |v| v.swap(3, 4))),
        "type `Associate`, member 4",
    );
    assert_reported(
        &edit(&with_members("ContactRelationEntity", |v| {
            v[7].nillable = false
        })),
        "type `ContactRelationEntity`, member 8",
    );
    assert_reported(
        &edit(&with_members("FieldPropertyDictionaryKeyValuePair", |v| {
            v[0].min = 0
        })),
        "member 1",
    );
    assert_reported(
        &edit(&with_members("SoCredentials", |v| v.clear())),
        "type `SoCredentials`: the table lacks member 1 `Ticket`",
    );
    assert_reported(
        &edit(&|m: &mut Model| {
            if let Some(TypeModel::Enumeration { values, .. }) = m.types.get_mut("UserType") {
                values.push("Guest".to_string());
            }
        }),
        "type `UserType`",
    );
    assert_reported(
        &edit(&|m: &mut Model| {
            m.types.remove("FieldRight");
        }),
        "type `FieldRight` is in the XSD, not in the table",
    );
    assert_reported(
        &edit(&|m: &mut Model| {
            m.elements
                .insert("Ticket".to_string(), ("xs:string".to_string(), true));
        }),
        "element `Ticket` is in the table, not in the XSD",
    );
}

#[test]
fn header_blocks_and_wrappers_are_global_elements_of_the_xsd() {
    let x = xsd_model(XSD);
    for h in table::request_headers()
        .iter()
        .chain(table::response_headers())
    {
        assert_eq!(
            x.elements.get(h.name),
            Some(&(type_text(h.ty), h.nillable)),
            "header block {}",
            h.name
        );
    }
    let names = |b: &[table::ElementDecl]| b.iter().map(|e| e.name).collect::<Vec<_>>();
    assert_eq!(names(table::request_headers()), REQUEST_HEADERS.to_vec());
    assert_eq!(names(table::response_headers()), RESPONSE_HEADERS.to_vec());
    // Eight wrappers: every global element of anonymous type is one, and each belongs to
    // exactly one operation.
    let anonymous_globals: Vec<&String> = x
        .elements
        .iter()
        .filter(|(n, (ty, _))| {
            *ty == format!("tns:{n}")
                && matches!(
                    x.types.get(n.as_str()),
                    Some(TypeModel::Complex {
                        anonymous: true,
                        ..
                    })
                )
        })
        .map(|(n, _)| n)
        .collect();
    assert_eq!(anonymous_globals.len(), 8);
    for n in anonymous_globals {
        let (op, kind) = Operation::from_wrapper(n).expect("a wrapper names an operation");
        let decl = table::wrapper_decl(op, kind).expect("request or response");
        assert_eq!(decl.name, n.as_str());
        assert_eq!(
            x.elements.get(n),
            Some(&(type_text(decl.ty), decl.nillable))
        );
    }
    for d in &OPERATIONS {
        assert_eq!(
            Operation::from_soap_action(&d.soap_action()),
            Some((d.operation, Kind::Request))
        );
        assert_eq!(
            Operation::from_soap_action(&d.response_soap_action()),
            Some((d.operation, Kind::Response))
        );
    }
}

#[test]
fn the_models_enumerations_and_flags_are_the_tables() {
    use relation_contract::model::{EFieldRight, ETableRight, UserType};
    let values = |name: &str| {
        table::simple_type(name)
            .map(|s| s.values().to_vec())
            .unwrap_or_default()
    };
    let user_types: Vec<&str> = UserType::ALL.iter().map(|u| u.as_str()).collect();
    assert_eq!(user_types, values("UserType"));
    // The flag types cover every version: their flags are the newest version's values
    // that are not aliases, in order, and their aliases are the rest.
    fn flags_and_aliases(name: &str, flags: &[&str], aliases: &[&str]) {
        let (mut f, mut a) = (Vec::new(), Vec::new());
        for v in versions::values(Contract::LATEST, name).unwrap_or_default() {
            match versions::alias_of(Contract::LATEST, name, v) {
                None => f.push(v),
                Some(_) => a.push(v),
            }
        }
        assert_eq!((flags, aliases), (&f[..], &a[..]), "{name}");
    }
    let names = |f: &[(ETableRight, &'static str)]| f.iter().map(|(_, n)| *n).collect::<Vec<_>>();
    let field_names =
        |f: &[(EFieldRight, &'static str)]| f.iter().map(|(_, n)| *n).collect::<Vec<_>>();
    flags_and_aliases(
        "ETableRight",
        &names(ETableRight::FLAGS),
        &names(ETableRight::ALIASES),
    );
    flags_and_aliases(
        "EFieldRight",
        &field_names(EFieldRight::FLAGS),
        &field_names(EFieldRight::ALIASES),
    );
    // Every name of every version is read as WCF's numeric value of it: the model's bits
    // are the serializer's values, aliases included.
    for c in Contract::ALL {
        for v in versions::values(c, "ETableRight").unwrap_or_default() {
            let bits = ETableRight::from_name(v).map(|m| u64::from(m.bits()));
            assert_eq!(bits, versions::flag_value(c, "ETableRight", v), "{c} {v}");
        }
        for v in versions::values(c, "EFieldRight").unwrap_or_default() {
            let bits = EFieldRight::from_name(v).map(|m| u64::from(m.bits()));
            assert_eq!(bits, versions::flag_value(c, "EFieldRight", v), "{c} {v}");
        }
    }
    let base: Vec<&str> = values("ETableRight");
    assert_eq!(base, names(&ETableRight::FLAGS[..6]));
    assert!(table::simple_type("ETableRight").is_some_and(|s| s.is_list()));
    assert!(table::simple_type("UserType").is_some_and(|s| !s.is_list()));
}

// --- every version ---

/// The table's view of one contract version, in the same description: the Services85
/// table with the version's members, values and types (`contract::versions`).
fn table_model_of(c: Contract) -> Model {
    let mut m = table_model();
    let member_model = |mm: &table::Member| MemberModel {
        name: mm.name.to_string(),
        ty: type_text(mm.ty),
        min: mm.min_occurs,
        max: mm.max_occurs,
        nillable: mm.nillable,
    };
    let added: Vec<&table::ComplexType> = c
        .differences()
        .filter_map(|d| match d.change {
            Change::Type { ty, item, .. } => Some([Some(ty), item]),
            _ => None,
        })
        .flatten()
        .flatten()
        .collect();
    for t in COMPLEX_TYPES.iter().chain(added.iter().copied()) {
        let members = versions::members(c, t.name).unwrap_or_default();
        m.types.insert(
            t.name.to_string(),
            TypeModel::Complex {
                anonymous: t.anonymous,
                base: t.base.map(str::to_string),
                dictionary: t.dictionary,
                members: members.iter().map(member_model).collect(),
            },
        );
        if !t.anonymous && added.iter().any(|a| a.name == t.name) {
            m.elements
                .insert(t.name.to_string(), (format!("tns:{}", t.name), true));
        }
    }
    for t in SIMPLE_TYPES {
        let values: Vec<String> = versions::values(c, t.name)
            .unwrap_or_default()
            .iter()
            .map(|v| v.to_string())
            .collect();
        let tm = match t.kind {
            SimpleKind::Enumeration { base, .. } => TypeModel::Enumeration {
                base: builtin_text(base),
                values,
            },
            SimpleKind::List { item, .. } => TypeModel::List {
                item: builtin_text(item),
                values,
            },
        };
        m.types.insert(t.name.to_string(), tm);
    }
    m
}

#[test]
fn every_versions_schema_is_its_view_of_the_table() {
    for c in Contract::ALL {
        let text = versions_xsd::text(c, versions_xsd::Role::Payload);
        let root = parse_tree(&text);
        assert_eq!(root.attr("targetNamespace"), Some(c.namespace()), "{c}");
        // Compared after renaming the namespace back, as the versions are.
        let renamed = text.replace(c.namespace(), NS_SERVICES85);
        let d = differences(&xsd_model(&renamed), &table_model_of(c));
        assert!(
            d.is_empty(),
            "{c}: the table differs from the XSD:\n{}",
            d.join("\n")
        );
    }
    // The comparison sees a version's own additions: 88's schema is not 87's table.
    let t88 = versions_xsd::text(Contract::Services88, versions_xsd::Role::Payload)
        .replace(Contract::Services88.namespace(), NS_SERVICES85);
    let d = differences(&xsd_model(&t88), &table_model_of(Contract::Services87));
    for needle in ["StringDictionary", "ExtraFields", "Uninitialized"] {
        assert!(d.iter().any(|x| x.contains(needle)), "{needle}: {d:?}");
    }
    assert_eq!(
        table_model_of(Contract::Services85),
        table_model(),
        "Services85's view is the table"
    );
}
