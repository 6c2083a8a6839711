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

use super::xml::{add_attribute, as_cdata, as_char_refs, escape, splice, unescape, Tree};
use crate::contract::{NS_SERVICES85, NS_XSD};
use crate::violation::Code;

/// The XSD type of a payload element, by its local name and its parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Short,
    DateTime,
    Boolean,
    UserType,
    TableMask,
    FieldMask,
    String,
    /// A complex type of the payload namespace, by its type name; `nillable` tells whether
    /// the element may be nil.
    Complex {
        ty: &'static str,
        nillable: bool,
    },
    /// A complex element of anonymous type (wrappers).
    Anonymous,
}

/// The kind of the payload element `local` under `parent` (`None`: not a payload element
/// this kit knows).
pub fn kind(local: &str, parent: &str) -> Option<Kind> {
    use Kind::*;
    Some(match local {
        "SourceContactId"
        | "SourcePersonId"
        | "DestinationContactId"
        | "DestinationPersonId"
        | "RelationId"
        | "RelationDefinitionId"
        | "AssociateId"
        | "PersonId"
        | "GroupIdx"
        | "EjUserId"
        | "FieldLength"
        | "SoTimeZoneId"
        | "ContactRelationEntityId" => Int,
        "Reversed" | "Rank" => Short,
        "UpdatedDate" | "CreatedDate" => DateTime,
        "Deleted" | "Succeeded" => Boolean,
        "Type" => UserType,
        "Mask" if parent == "TableRight" => TableMask,
        "Mask" => FieldMask,
        "Comment"
        | "SourceContactName"
        | "SourcePersonName"
        | "DestinationContactName"
        | "DestinationPersonName"
        | "ActiveText"
        | "PassiveText"
        | "Reason"
        | "FieldType"
        | "Name"
        | "Tooltip"
        | "FullName"
        | "FormalName"
        | "Ticket"
        | "SoTimeZoneLocationCode"
        | "Message"
        | "StackTrace"
        | "FriendlyText"
        | "ExceptionType"
        | "Source"
        | "ApplicationToken"
        | "Key" => String,
        "Value" if parent == "FieldPropertyDictionaryKeyValuePair" => Complex {
            ty: "FieldProperty",
            nillable: true,
        },
        "Value" => String,
        "TableRight" => complex("TableRight"),
        "FieldRight" => complex("FieldRight"),
        "FieldProperties" => complex("FieldPropertyDictionary"),
        "CreatedBy" | "UpdatedBy" => complex("Associate"),
        "ContactRelationEntity" | "Response" => complex("ContactRelationEntity"),
        "Credentials" => complex("SoCredentials"),
        "TimeZone" => complex("SoTimeZone"),
        "ExceptionInfo" | "InnerException" => complex("SoExceptionInfo"),
        "Parameters" => complex("SoExceptionInfoParameters"),
        "ExtraInfo" => complex("SoExtraInfo"),
        "FieldPropertyDictionaryKeyValuePair" => Complex {
            ty: "FieldPropertyDictionaryKeyValuePair",
            nillable: false,
        },
        "SoExceptionInfoParametersKeyValuePair" => Complex {
            ty: "SoExceptionInfoParametersKeyValuePair",
            nillable: false,
        },
        "ExtraInfoNameValuePair" => Complex {
            ty: "ExtraInfoNameValuePair",
            nillable: false,
        },
        _ => Anonymous,
    })
}

fn complex(ty: &'static str) -> Kind {
    Kind::Complex { ty, nillable: true }
}

/// A contract-breaking edit and what a checker must say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breaking {
    /// What was done, for failure messages (`swap`, `out-of-range`, ...).
    pub what: &'static str,
    pub text: String,
    /// The element path both checkers must name.
    pub element: String,
    /// The code both must use, where the edit determines one.
    pub code: Option<Code>,
}

/// A contract-preserving edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preserving {
    pub what: &'static str,
    pub text: String,
}

fn is_payload(q: &str) -> bool {
    !q.contains(':')
}

const OTHER_NS: &str = "http://www.superoffice.net/ws/crm/NetServer/Services84";

/// The path an element will have after an edit: re-read the edited text and take the
/// element whose start tag begins at `at`.
fn path_at(text: &str, at: usize) -> Option<String> {
    Tree::parse(text)?
        .nodes
        .into_iter()
        .find(|n| n.start.start == at)
        .map(|n| n.path)
}

/// Every contract-breaking edit of `text` (an encoded request or response), in document
/// order of the element they touch.
pub fn breaking(text: &str) -> Vec<Breaking> {
    let Some(t) = Tree::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let n = &t.nodes;
    for (i, e) in n.iter().enumerate() {
        if !is_payload(&e.qname) {
            continue;
        }
        let parent = e.parent.map(|p| &n[p]);
        let parent_local = parent.map_or("", |p| p.local.as_str());
        let parent_is_payload = parent.is_some_and(|p| is_payload(&p.qname));
        let Some(k) = kind(&e.local, parent_local) else {
            continue;
        };
        let leaf = t.is_leaf(i);
        // Lexemes out of the value space.
        let bad: &[(&'static str, Code, &[&str])] = match k {
            Kind::Int => &[(
                "out-of-range",
                Code::XsdValue,
                &[
                    "2147483648",
                    "-2147483649",
                    "1e3",
                    "0x10",
                    "1.0",
                    "",
                    " ",
                    "1 2",
                    "--1",
                ],
            )],
            Kind::Short => &[(
                "out-of-range",
                Code::XsdValue,
                &["32768", "-32769", "+", "", "٣"],
            )],
            Kind::Boolean => &[("bad-boolean", Code::XsdValue, &["yes", "True", "2", ""])],
            Kind::DateTime => &[(
                "bad-date",
                Code::XsdValue,
                &[
                    "2021-02-29T00:00:00",
                    // Not `T24:00:00`: XSD 1.0 allows it, .NET and the decoder do not (a
                    // documented divergence, pinned by a unit test in tests/props.rs).
                    "2021-01-01",
                    "2021-01-01T00:00:00+14:01",
                    "0000-01-01T00:00:00",
                    "2021-01-01T00:00:00.Z",
                ],
            )],
            Kind::UserType => &[(
                "bad-enum",
                Code::XsdEnum,
                &["Guest", "unknown", " Unknown", ""],
            )],
            Kind::TableMask | Kind::FieldMask => {
                &[("bad-mask", Code::XsdList, &["FULL", "Read,Write", "select"])]
            }
            _ => &[],
        };
        if leaf || e.end.is_none() {
            for (what, code, lexemes) in bad {
                for l in *lexemes {
                    let edited = match e.content() {
                        Some(c) => splice(text, vec![(c, escape(l))]),
                        None => {
                            // `<X/>` (an empty lexeme): write it out with content.
                            let tag = &text[e.start.clone()];
                            let open = format!("{}>", &tag[..tag.len() - 2]);
                            splice(
                                text,
                                vec![(
                                    e.start.clone(),
                                    format!("{open}{}</{}>", escape(l), e.qname),
                                )],
                            )
                        }
                    };
                    out.push(Breaking {
                        what,
                        text: edited,
                        element: e.path.clone(),
                        code: Some(*code),
                    });
                }
            }
        }
        // Nil on a member that may not be nil.
        let not_nillable = matches!(
            k,
            Kind::Int
                | Kind::Short
                | Kind::DateTime
                | Kind::Boolean
                | Kind::UserType
                | Kind::TableMask
                | Kind::FieldMask
                | Kind::Complex {
                    nillable: false,
                    ..
                }
        );
        if not_nillable {
            let tag = &text[e.start.clone()];
            let body = tag.trim_end_matches('>').trim_end_matches('/');
            out.push(Breaking {
                what: "nil-not-nillable",
                text: splice(text, vec![(e.outer(), format!("{body} i:nil=\"true\"/>"))]),
                element: e.path.clone(),
                code: Some(Code::XsdNil),
            });
        }
        // An xsi:type the declared type does not admit (a base type, a sibling type or an
        // unknown one).
        let wrong_type = match k {
            Kind::Int | Kind::Boolean | Kind::UserType | Kind::TableMask | Kind::FieldMask => {
                Some("x:string")
            }
            Kind::Short => Some("x:int"),
            Kind::DateTime => Some("x:date"),
            Kind::String => Some("x:int"),
            Kind::Complex { ty, .. } => Some(match ty {
                "Associate" | "ContactRelationEntity" => "t:Carrier",
                "TableRight" => "t:FieldRight",
                _ if e.local.ends_with("Pair") => "t:TableRight",
                _ => "t:NoSuchType",
            }),
            Kind::Anonymous => None,
        };
        if let Some(ty) = wrong_type {
            out.push(Breaking {
                what: "xsi-type-contradicts",
                text: splice(
                    text,
                    vec![add_attribute(
                        text,
                        e,
                        &format!(
                            " xmlns:x=\"{NS_XSD}\" xmlns:t=\"{NS_SERVICES85}\" i:type=\"{ty}\""
                        ),
                    )],
                ),
                element: e.path.clone(),
                code: Some(Code::XsdType),
            });
        }
        // An attribute the schema does not declare.
        out.push(Breaking {
            what: "unknown-attribute",
            text: splice(text, vec![add_attribute(text, e, " Bogus=\"1\"")]),
            element: e.path.clone(),
            code: Some(Code::XsdAttribute),
        });
        // Nil with content.
        if k == Kind::String && leaf {
            if let Some(c) = e.content() {
                out.push(Breaking {
                    what: "nil-with-content",
                    text: splice(
                        text,
                        vec![
                            add_attribute(text, e, " i:nil=\"true\""),
                            (c.start..c.start, "x".to_string()),
                        ],
                    ),
                    element: e.path.clone(),
                    code: Some(Code::XsdNilContent),
                });
            }
        }
        // Text where only elements may stand.
        if !e.children.is_empty() {
            let at = n[e.children[0]].start.start;
            out.push(Breaking {
                what: "text-in-element-content",
                text: splice(text, vec![(at..at, "x".to_string())]),
                element: e.path.clone(),
                code: Some(Code::XsdText),
            });
        }
        // A member written twice (members of sequences occur at most once).
        if parent_is_payload && !e.local.ends_with("Pair") {
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
        // Swap two adjacent siblings of different names (payload sequences only).
        if parent_is_payload {
            if let Some(p) = parent {
                let pos = p.children.iter().position(|&c| c == i).unwrap_or(0);
                if let Some(&next) = p.children.get(pos + 1) {
                    let b = &n[next];
                    if b.local != e.local {
                        let (ra, rb) = (e.outer(), b.outer());
                        let between = &text[ra.end..rb.start];
                        let swapped =
                            format!("{}{}{}", &text[rb.clone()], between, &text[ra.clone()]);
                        let edited = splice(text, vec![(ra.start..rb.end, swapped)]);
                        // In a Key/Value pair the Value that now comes first stands where
                        // the required Key must be; elsewhere `e`, now second, is the one
                        // out of order.
                        let pair = p.local.ends_with("Pair");
                        let (at, code) = if pair {
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
                }
            }
        }
        // An element the schema does not declare, before each child and at the end.
        if !e.children.is_empty() {
            for (j, &c) in e.children.iter().enumerate().take(3) {
                let at = n[c].start.start;
                let edited = splice(text, vec![(at..at, "<Bogus>1</Bogus>".to_string())]);
                if let Some(element) = path_at(&edited, at) {
                    out.push(Breaking {
                        what: "unknown-element",
                        text: edited,
                        element,
                        code: if j == 0 && e.local.ends_with("Pair") {
                            None
                        } else {
                            Some(Code::XsdUnexpected)
                        },
                    });
                }
            }
            if let Some(end) = &e.end {
                let at = end.start;
                let edited = splice(text, vec![(at..at, "<Bogus>1</Bogus>".to_string())]);
                if let Some(element) = path_at(&edited, at) {
                    out.push(Breaking {
                        what: "unknown-element",
                        text: edited,
                        element,
                        code: Some(Code::XsdUnexpected),
                    });
                }
            }
        }
        // A member in another namespace (header blocks of other namespaces may be ignored,
        // so only members below a block or the Body's child).
        let in_header = parent.is_some_and(|p| p.local == "Header" || p.local == "Envelope");
        if !in_header {
            let edited = if parent_is_payload {
                splice(
                    text,
                    vec![add_attribute(text, e, &format!(" xmlns=\"{OTHER_NS}\""))],
                )
            } else {
                let tag = &text[e.start.clone()];
                let decl = format!("xmlns=\"{NS_SERVICES85}\"");
                match tag.find(&decl) {
                    Some(o) => {
                        let at = e.start.start + o;
                        splice(
                            text,
                            vec![(at..at + decl.len(), format!("xmlns=\"{OTHER_NS}\""))],
                        )
                    }
                    None => continue,
                }
            };
            out.push(Breaking {
                what: "wrong-namespace",
                text: edited,
                element: e.path.clone(),
                code: parent_is_payload.then_some(Code::XsdNamespace),
            });
        }
        // Drop a wrapper whose members cannot stand in its parent's place.
        let droppable = matches!(
            e.local.as_str(),
            "TableRight"
                | "FieldRight"
                | "FieldProperties"
                | "Value"
                | "FieldPropertyDictionaryKeyValuePair"
                | "Credentials"
                | "TimeZone"
                | "ExtraInfo"
                | "ExceptionInfo"
                | "ContactRelationEntity"
                | "Response"
        ) || parent_local == "Body";
        if droppable && (!e.children.is_empty() || parent_local == "Body") {
            // Namespace declarations of the dropped element move onto its children.
            let decls: String = if parent_is_payload {
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
                None => parent.map(|p| p.path.clone()),
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
    }
    out
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
    let mut edits = Vec::new();
    for e in n.iter().filter(|e| is_payload(&e.qname)) {
        let parent = e.parent.map_or("", |p| n[p].local.as_str());
        let ty = match kind(&e.local, parent) {
            Some(Kind::Int) => "x:int",
            Some(Kind::Short) => "x:short",
            Some(Kind::DateTime) => "x:dateTime",
            Some(Kind::Boolean) => "x:boolean",
            Some(Kind::String) => "x:string",
            Some(Kind::UserType) => "t:UserType",
            Some(Kind::TableMask) => "t:ETableRight",
            Some(Kind::FieldMask) => "t:EFieldRight",
            // Unprefixed, resolving through the default (payload) namespace, on odd seeds.
            Some(Kind::Complex { ty, .. }) if seed % 2 == 1 && !e.local.ends_with("Pair") => ty,
            Some(Kind::Complex { ty, .. }) => match ty {
                "TableRight" => "t:TableRight",
                "FieldRight" => "t:FieldRight",
                "FieldProperty" => "t:FieldProperty",
                "FieldPropertyDictionary" => "t:FieldPropertyDictionary",
                "Associate" => "t:Associate",
                "ContactRelationEntity" => "t:ContactRelationEntity",
                "SoCredentials" => "t:SoCredentials",
                "SoTimeZone" => "t:SoTimeZone",
                "SoExceptionInfo" => "t:SoExceptionInfo",
                "SoExceptionInfoParameters" => "t:SoExceptionInfoParameters",
                "SoExtraInfo" => "t:SoExtraInfo",
                _ => continue, // the pairs' types are anonymous
            },
            _ => continue,
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
        let parent = e.parent.map_or("", |p| n[p].local.as_str());
        let Some(c) = e.content() else { continue };
        let v = &text[c.clone()];
        let other = match kind(&e.local, parent) {
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
            Some(Kind::TableMask | Kind::FieldMask) => {
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
