//! The contract table: every type of `schemas/services85.xsd` with its members in order,
//! their min/max occurs, nillability and types; the simple types with their enumerations
//! and list item types; every global element; the header blocks of requests and responses;
//! the request and response wrappers of the four operations and their SOAPActions.
//!
//! Written once, by hand, as plain `const` data (so that [`super::REQUEST_HEADERS`] and
//! [`super::RESPONSE_HEADERS`] can be derived from it at compile time), and held to the XSD
//! by `tests/contract_table.rs`, which parses the schema and compares both in both
//! directions. Every stage that needs a fact of the contract (decoder, `diff`, testkit)
//! reads it here.
//!
//! Anonymous types (the wrappers' and the dictionaries' Key/Value pair types) are named by
//! the element that declares them; [`ComplexType::anonymous`] tells them apart, and no
//! `xsi:type` can name them.

use super::{Kind, Operation, NS_SERVICES85, NS_XSD};

/// An XML Schema built-in type the contract uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `xs:string`.
    String,
    /// `xs:int` (32-bit signed).
    Int,
    /// `xs:short` (16-bit signed).
    Short,
    /// `xs:boolean` (`true`, `false`, `1`, `0`).
    Boolean,
    /// `xs:dateTime`.
    DateTime,
}

impl Builtin {
    /// The local name in the XML Schema namespace (`int`, `dateTime`).
    pub const fn name(self) -> &'static str {
        match self {
            Builtin::String => "string",
            Builtin::Int => "int",
            Builtin::Short => "short",
            Builtin::Boolean => "boolean",
            Builtin::DateTime => "dateTime",
        }
    }

    /// The built-in type of a local name in the XML Schema namespace.
    pub fn from_name(name: &str) -> Option<Builtin> {
        [
            Builtin::String,
            Builtin::Int,
            Builtin::Short,
            Builtin::Boolean,
            Builtin::DateTime,
        ]
        .into_iter()
        .find(|b| b.name() == name)
    }
}

/// The type of an element: a built-in, a named type of the payload namespace, or an
/// anonymous one (named here by its element). That a reference is anonymous is part of the
/// reference, so [`TypeRef::qname`] needs no lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A built-in type of the XML Schema namespace.
    Xs(Builtin),
    /// A named type of the payload namespace, by local name.
    Tns(&'static str),
    /// An anonymous type, named by the element that declares it.
    Anon(&'static str),
}

impl TypeRef {
    /// The type's definition when it is a payload type.
    pub fn def(self) -> Option<TypeDef> {
        match self {
            TypeRef::Xs(_) => None,
            TypeRef::Tns(name) | TypeRef::Anon(name) => type_def(name),
        }
    }

    /// The type's local name (`int`, `Associate`, `SaveContactRelation` for an anonymous
    /// type).
    pub fn name(self) -> &'static str {
        match self {
            TypeRef::Xs(b) => b.name(),
            TypeRef::Tns(n) | TypeRef::Anon(n) => n,
        }
    }

    /// The qualified name an `xsi:type` would write: `None` for anonymous types.
    pub fn qname(self) -> Option<(&'static str, &'static str)> {
        match self {
            TypeRef::Xs(b) => Some((NS_XSD, b.name())),
            TypeRef::Tns(n) => Some((NS_SERVICES85, n)),
            TypeRef::Anon(_) => None,
        }
    }

    /// Whether the type has simple content (a value rather than members).
    pub fn is_simple(self) -> bool {
        match self {
            TypeRef::Xs(_) => true,
            TypeRef::Tns(n) => simple_type(n).is_some(),
            TypeRef::Anon(_) => false,
        }
    }
}

/// One element of a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The element's local name (in the payload namespace).
    pub name: &'static str,
    /// The element's type.
    pub ty: TypeRef,
    /// `minOccurs`: 0 for a member that may be left out.
    pub min_occurs: u32,
    /// `None` for `unbounded`.
    pub max_occurs: Option<u32>,
    /// Whether `xsi:nil="true"` is allowed.
    pub nillable: bool,
}

/// A complex type: a sequence of members (a derived type's members begin with its base's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplexType {
    /// The type's local name (for an anonymous type, its element's name).
    pub name: &'static str,
    /// Declared inside an element (named here by that element).
    pub anonymous: bool,
    /// The type it extends (`complexContent/extension`).
    pub base: Option<&'static str>,
    /// Marked `IsDictionary` in the serialization namespace (a list of Key/Value pairs).
    pub dictionary: bool,
    /// Every member in sequence order, the base type's first.
    pub members: &'static [Member],
}

impl ComplexType {
    /// The member of this local name and its position in the sequence.
    pub fn member(&self, local: &str) -> Option<(usize, &'static Member)> {
        self.members
            .iter()
            .enumerate()
            .find(|(_, m)| m.name == local)
    }

    /// The members' names in sequence order.
    pub fn member_names(&self) -> impl Iterator<Item = &'static str> {
        self.members.iter().map(|m| m.name)
    }
}

/// What a simple type of the payload namespace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimpleKind {
    /// A restriction of a built-in to an enumeration.
    Enumeration {
        /// The built-in type restricted (`xs:string` for every enumeration here).
        base: Builtin,
        /// The allowed values, in schema order.
        values: &'static [&'static str],
    },
    /// `xs:list` of an anonymous restriction of `item` to an enumeration: XML-whitespace
    /// separated items, each one of `values`.
    List {
        /// The item's built-in type (`xs:string` here).
        item: Builtin,
        /// The allowed item values, in schema order.
        values: &'static [&'static str],
    },
}

/// A named simple type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SimpleType {
    /// The type's local name.
    pub name: &'static str,
    /// An enumeration or a list of enumerated items.
    pub kind: SimpleKind,
}

impl SimpleType {
    /// The enumeration values (of the items, for a list type).
    pub fn values(&self) -> &'static [&'static str] {
        match self.kind {
            SimpleKind::Enumeration { values, .. } | SimpleKind::List { values, .. } => values,
        }
    }

    /// Whether the type is an `xs:list` (a mask of space-separated flags).
    pub fn is_list(&self) -> bool {
        matches!(self.kind, SimpleKind::List { .. })
    }

    /// The values joined with `, ` (for messages).
    pub fn values_text(&self) -> String {
        self.values().join(", ")
    }
}

/// A type definition of the payload namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDef {
    /// A complex type (a sequence of members).
    Complex(&'static ComplexType),
    /// A simple type (an enumeration or a list).
    Simple(&'static SimpleType),
}

/// A global element declaration (header blocks and wrappers are global elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementDecl {
    /// The element's local name (in the payload namespace).
    pub name: &'static str,
    /// The element's type.
    pub ty: TypeRef,
    /// Whether `xsi:nil="true"` is allowed.
    pub nillable: bool,
}

/// An operation: its request and response wrappers and their SOAPActions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationDecl {
    /// The operation.
    pub operation: Operation,
    /// The request wrapper (the `Body` child of a request).
    pub request: &'static ElementDecl,
    /// The response wrapper (the `Body` child of a response).
    pub response: &'static ElementDecl,
}

impl OperationDecl {
    /// The request's SOAPAction.
    pub fn soap_action(&self) -> String {
        self.operation.soap_action()
    }

    /// The response's SOAPAction (the request's with `Response` appended).
    pub fn response_soap_action(&self) -> String {
        self.operation.response_soap_action()
    }

    /// The wrapper of a request or a response (`None` for a fault).
    pub fn wrapper(&self, kind: Kind) -> Option<&'static ElementDecl> {
        match kind {
            Kind::Request => Some(self.request),
            Kind::Response => Some(self.response),
            Kind::Fault => None,
        }
    }
}

// --- construction helpers (the data below reads like the XSD) ---

pub(super) const STRING: TypeRef = TypeRef::Xs(Builtin::String);
const INT: TypeRef = TypeRef::Xs(Builtin::Int);
const SHORT: TypeRef = TypeRef::Xs(Builtin::Short);
const BOOLEAN: TypeRef = TypeRef::Xs(Builtin::Boolean);
const DATE_TIME: TypeRef = TypeRef::Xs(Builtin::DateTime);

pub(super) const fn tns(name: &'static str) -> TypeRef {
    TypeRef::Tns(name)
}

pub(super) const fn anon(name: &'static str) -> TypeRef {
    TypeRef::Anon(name)
}

/// `minOccurs="0"`, not nillable.
pub(super) const fn opt(name: &'static str, ty: TypeRef) -> Member {
    Member {
        name,
        ty,
        min_occurs: 0,
        max_occurs: Some(1),
        nillable: false,
    }
}

/// `minOccurs="0" nillable="true"`.
pub(super) const fn opt_nil(name: &'static str, ty: TypeRef) -> Member {
    Member {
        nillable: true,
        ..opt(name, ty)
    }
}

/// Required (`minOccurs` 1) and nillable.
pub(super) const fn req_nil(name: &'static str, ty: TypeRef) -> Member {
    Member {
        min_occurs: 1,
        ..opt_nil(name, ty)
    }
}

/// `minOccurs="0" maxOccurs="unbounded"`, not nillable.
pub(super) const fn many(name: &'static str, ty: TypeRef) -> Member {
    Member {
        max_occurs: None,
        ..opt(name, ty)
    }
}

pub(super) const fn named(name: &'static str, members: &'static [Member]) -> ComplexType {
    ComplexType {
        name,
        anonymous: false,
        base: None,
        dictionary: false,
        members,
    }
}

pub(super) const fn anonymous(name: &'static str, members: &'static [Member]) -> ComplexType {
    ComplexType {
        anonymous: true,
        ..named(name, members)
    }
}

pub(super) const fn dictionary(name: &'static str, members: &'static [Member]) -> ComplexType {
    ComplexType {
        dictionary: true,
        ..named(name, members)
    }
}

pub(super) const fn carrier(name: &'static str, members: &'static [Member]) -> ComplexType {
    ComplexType {
        base: Some("Carrier"),
        ..named(name, members)
    }
}

const fn element(name: &'static str, ty: TypeRef, nillable: bool) -> ElementDecl {
    ElementDecl { name, ty, nillable }
}

// --- the complex types ---

/// The two members every `Carrier` starts with.
const CARRIER_TABLE_RIGHT: Member = opt_nil("TableRight", tns("TableRight"));
const CARRIER_FIELD_PROPERTIES: Member = opt_nil("FieldProperties", tns("FieldPropertyDictionary"));

/// Every complex type, named and anonymous.
pub static COMPLEX_TYPES: &[ComplexType] = &[
    named("SoCredentials", &[opt_nil("Ticket", STRING)]),
    named(
        "SoTimeZone",
        &[
            opt("SoTimeZoneId", INT),
            opt_nil("SoTimeZoneLocationCode", STRING),
        ],
    ),
    carrier(
        "ContactRelationEntity",
        &[
            CARRIER_TABLE_RIGHT,
            CARRIER_FIELD_PROPERTIES,
            opt("SourceContactId", INT),
            opt("SourcePersonId", INT),
            opt("DestinationContactId", INT),
            opt("DestinationPersonId", INT),
            opt("RelationId", INT),
            opt_nil("Comment", STRING),
            opt("RelationDefinitionId", INT),
            opt("Reversed", SHORT),
            opt("UpdatedDate", DATE_TIME),
            opt("CreatedDate", DATE_TIME),
            opt_nil("CreatedBy", tns("Associate")),
            opt_nil("UpdatedBy", tns("Associate")),
            opt_nil("SourceContactName", STRING),
            opt_nil("SourcePersonName", STRING),
            opt_nil("DestinationContactName", STRING),
            opt_nil("DestinationPersonName", STRING),
            opt_nil("ActiveText", STRING),
            opt_nil("PassiveText", STRING),
        ],
    ),
    named("Carrier", &[CARRIER_TABLE_RIGHT, CARRIER_FIELD_PROPERTIES]),
    named(
        "TableRight",
        &[opt("Mask", tns("ETableRight")), opt_nil("Reason", STRING)],
    ),
    dictionary(
        "FieldPropertyDictionary",
        &[many(
            "FieldPropertyDictionaryKeyValuePair",
            anon("FieldPropertyDictionaryKeyValuePair"),
        )],
    ),
    anonymous(
        "FieldPropertyDictionaryKeyValuePair",
        &[
            req_nil("Key", STRING),
            req_nil("Value", tns("FieldProperty")),
        ],
    ),
    named(
        "FieldProperty",
        &[
            opt_nil("FieldRight", tns("FieldRight")),
            opt_nil("FieldType", STRING),
            opt("FieldLength", INT),
        ],
    ),
    named(
        "FieldRight",
        &[opt("Mask", tns("EFieldRight")), opt_nil("Reason", STRING)],
    ),
    carrier(
        "Associate",
        &[
            CARRIER_TABLE_RIGHT,
            CARRIER_FIELD_PROPERTIES,
            opt("AssociateId", INT),
            opt_nil("Name", STRING),
            opt("PersonId", INT),
            opt("Rank", SHORT),
            opt_nil("Tooltip", STRING),
            opt("Type", tns("UserType")),
            opt("GroupIdx", INT),
            opt_nil("FullName", STRING),
            opt_nil("FormalName", STRING),
            opt("Deleted", BOOLEAN),
            opt("EjUserId", INT),
        ],
    ),
    named(
        "SoExceptionInfo",
        &[
            opt_nil("Message", STRING),
            opt_nil("StackTrace", STRING),
            opt_nil("FriendlyText", STRING),
            opt_nil("ExceptionType", STRING),
            opt_nil("Source", STRING),
            opt_nil("InnerException", tns("SoExceptionInfo")),
            opt_nil("Parameters", tns("SoExceptionInfoParameters")),
        ],
    ),
    dictionary(
        "SoExceptionInfoParameters",
        &[many(
            "SoExceptionInfoParametersKeyValuePair",
            anon("SoExceptionInfoParametersKeyValuePair"),
        )],
    ),
    anonymous(
        "SoExceptionInfoParametersKeyValuePair",
        &[req_nil("Key", STRING), req_nil("Value", STRING)],
    ),
    dictionary(
        "SoExtraInfo",
        &[many(
            "ExtraInfoNameValuePair",
            anon("ExtraInfoNameValuePair"),
        )],
    ),
    anonymous(
        "ExtraInfoNameValuePair",
        &[req_nil("Key", STRING), req_nil("Value", STRING)],
    ),
    // The wrappers of the four operations (anonymous types of the wrapper elements).
    anonymous("CreateDefaultContactRelationEntity", &[]),
    anonymous(
        "CreateDefaultContactRelationEntityResponse",
        &[opt_nil("Response", tns("ContactRelationEntity"))],
    ),
    anonymous(
        "GetContactRelationEntity",
        &[opt("ContactRelationEntityId", INT)],
    ),
    anonymous(
        "GetContactRelationEntityResponse",
        &[opt_nil("Response", tns("ContactRelationEntity"))],
    ),
    anonymous(
        "SaveContactRelation",
        &[opt_nil(
            "ContactRelationEntity",
            tns("ContactRelationEntity"),
        )],
    ),
    anonymous(
        "SaveContactRelationResponse",
        &[opt_nil("Response", tns("ContactRelationEntity"))],
    ),
    anonymous(
        "DeleteContactRelation",
        &[opt("ContactRelationEntityId", INT)],
    ),
    anonymous("DeleteContactRelationResponse", &[]),
];

// --- the simple types ---

/// Every named simple type.
pub static SIMPLE_TYPES: &[SimpleType] = &[
    SimpleType {
        name: "ETableRight",
        kind: SimpleKind::List {
            item: Builtin::String,
            values: &[
                "Select",
                "Update",
                "Insert",
                "Delete",
                "Filtering",
                "RestrictedUpdate",
            ],
        },
    },
    SimpleType {
        name: "EFieldRight",
        kind: SimpleKind::List {
            item: Builtin::String,
            values: &[
                "Read",
                "Write",
                "Unused1",
                "Unused2",
                "Unused3",
                "Unused4",
                "UIHintMandatory",
                "UIHintReadOnly",
                "UndefinedValue256",
            ],
        },
    },
    SimpleType {
        name: "UserType",
        kind: SimpleKind::Enumeration {
            base: Builtin::String,
            values: &[
                "Unknown",
                "InternalAssociate",
                "ResourceAssociate",
                "ExternalAssociate",
                "AnonymousAssociate",
                "SystemAssociate",
            ],
        },
    },
];

// --- the global elements ---

const APPLICATION_TOKEN: ElementDecl = element("ApplicationToken", STRING, true);
const CREDENTIALS: ElementDecl = element("Credentials", tns("SoCredentials"), true);
const TIME_ZONE: ElementDecl = element("TimeZone", tns("SoTimeZone"), true);
const EXCEPTION_INFO: ElementDecl = element("ExceptionInfo", tns("SoExceptionInfo"), true);
const EXTRA_INFO: ElementDecl = element("ExtraInfo", tns("SoExtraInfo"), true);
const SUCCEEDED: ElementDecl = element("Succeeded", BOOLEAN, false);

/// The header blocks of a request (the WSDL's `*Request_Headers` messages), in the order
/// the encoder writes them.
pub const REQUEST_HEADER_BLOCKS: [ElementDecl; 3] = [APPLICATION_TOKEN, CREDENTIALS, TIME_ZONE];
/// The header blocks of a response (`*Response_Headers`), in the order the encoder writes
/// them.
pub const RESPONSE_HEADER_BLOCKS: [ElementDecl; 4] =
    [EXCEPTION_INFO, EXTRA_INFO, SUCCEEDED, TIME_ZONE];

const fn wrapper(name: &'static str) -> ElementDecl {
    element(name, anon(name), false)
}

const WRAPPERS: [ElementDecl; 8] = [
    wrapper("CreateDefaultContactRelationEntity"),
    wrapper("CreateDefaultContactRelationEntityResponse"),
    wrapper("GetContactRelationEntity"),
    wrapper("GetContactRelationEntityResponse"),
    wrapper("SaveContactRelation"),
    wrapper("SaveContactRelationResponse"),
    wrapper("DeleteContactRelation"),
    wrapper("DeleteContactRelationResponse"),
];

/// Every global element of the schema: the header blocks, the wrappers, and the element
/// of the same name (nillable) that the WSDL declares for each named type.
pub static ELEMENTS: &[ElementDecl] = &[
    APPLICATION_TOKEN,
    CREDENTIALS,
    TIME_ZONE,
    EXCEPTION_INFO,
    EXTRA_INFO,
    SUCCEEDED,
    WRAPPERS[0],
    WRAPPERS[1],
    WRAPPERS[2],
    WRAPPERS[3],
    WRAPPERS[4],
    WRAPPERS[5],
    WRAPPERS[6],
    WRAPPERS[7],
    element("SoCredentials", tns("SoCredentials"), true),
    element("SoTimeZone", tns("SoTimeZone"), true),
    element("ContactRelationEntity", tns("ContactRelationEntity"), true),
    element("Carrier", tns("Carrier"), true),
    element("TableRight", tns("TableRight"), true),
    element("ETableRight", tns("ETableRight"), true),
    element(
        "FieldPropertyDictionary",
        tns("FieldPropertyDictionary"),
        true,
    ),
    element("FieldProperty", tns("FieldProperty"), true),
    element("FieldRight", tns("FieldRight"), true),
    element("EFieldRight", tns("EFieldRight"), true),
    element("Associate", tns("Associate"), true),
    element("UserType", tns("UserType"), true),
    element("SoExceptionInfo", tns("SoExceptionInfo"), true),
    element(
        "SoExceptionInfoParameters",
        tns("SoExceptionInfoParameters"),
        true,
    ),
    element("SoExtraInfo", tns("SoExtraInfo"), true),
];

/// The four operations, in [`Operation::ALL`]'s order.
pub static OPERATIONS: [OperationDecl; 4] = [
    OperationDecl {
        operation: Operation::CreateDefaultContactRelationEntity,
        request: &WRAPPERS[0],
        response: &WRAPPERS[1],
    },
    OperationDecl {
        operation: Operation::GetContactRelationEntity,
        request: &WRAPPERS[2],
        response: &WRAPPERS[3],
    },
    OperationDecl {
        operation: Operation::SaveContactRelation,
        request: &WRAPPERS[4],
        response: &WRAPPERS[5],
    },
    OperationDecl {
        operation: Operation::DeleteContactRelation,
        request: &WRAPPERS[6],
        response: &WRAPPERS[7],
    },
];

// --- lookups ---

/// A complex type by name (anonymous types by their element's name).
pub fn complex_type(name: &str) -> Option<&'static ComplexType> {
    COMPLEX_TYPES.iter().find(|t| t.name == name)
}

/// A simple type of the payload namespace by name.
pub fn simple_type(name: &str) -> Option<&'static SimpleType> {
    SIMPLE_TYPES.iter().find(|t| t.name == name)
}

/// A type of the payload namespace by name.
pub fn type_def(name: &str) -> Option<TypeDef> {
    complex_type(name)
        .map(TypeDef::Complex)
        .or_else(|| simple_type(name).map(TypeDef::Simple))
}

/// The member `local` of the complex type `type_name`, with its position.
pub fn member(type_name: &str, local: &str) -> Option<(usize, &'static Member)> {
    complex_type(type_name)?.member(local)
}

/// A global element by name.
pub fn element_decl(name: &str) -> Option<&'static ElementDecl> {
    ELEMENTS.iter().find(|e| e.name == name)
}

/// The header blocks of a request.
pub fn request_headers() -> &'static [ElementDecl] {
    &REQUEST_HEADER_BLOCKS
}

/// The header blocks of a response (and of a fault response).
pub fn response_headers() -> &'static [ElementDecl] {
    &RESPONSE_HEADER_BLOCKS
}

/// A header block of either direction by name.
pub fn header_block(name: &str) -> Option<&'static ElementDecl> {
    request_headers()
        .iter()
        .chain(response_headers())
        .find(|e| e.name == name)
}

/// The declaration of an operation.
pub fn operation(op: Operation) -> &'static OperationDecl {
    // OPERATIONS follows Operation::ALL, whose order is the enum's.
    &OPERATIONS[op as usize]
}

/// The wrapper element of an operation's request or response.
pub fn wrapper_decl(op: Operation, kind: Kind) -> Option<&'static ElementDecl> {
    operation(op).wrapper(kind)
}

/// The declared type of the payload element `local` inside an element of type `parent`.
pub fn child_type(parent: &str, local: &str) -> Option<TypeRef> {
    member(parent, local).map(|(_, m)| m.ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference is `Anon` exactly when it names an anonymous type.
    fn check_ref(t: TypeRef, at: &str) {
        match t {
            TypeRef::Xs(_) => {}
            TypeRef::Tns(n) => assert!(
                matches!(type_def(n), Some(TypeDef::Simple(_)))
                    || complex_type(n).is_some_and(|c| !c.anonymous),
                "{at}: {n}"
            ),
            TypeRef::Anon(n) => {
                assert!(complex_type(n).is_some_and(|c| c.anonymous), "{at}: {n}")
            }
        }
    }

    #[test]
    fn every_type_reference_resolves() {
        for t in COMPLEX_TYPES {
            for m in t.members {
                check_ref(m.ty, &format!("{}/{}", t.name, m.name));
            }
            if let Some(b) = t.base {
                let base = complex_type(b).map(|b| b.members);
                assert_eq!(base, t.members.get(..2), "{} starts with {b}", t.name);
            }
        }
        for e in ELEMENTS {
            check_ref(e.ty, e.name);
        }
    }

    #[test]
    fn operations_follow_the_enum() {
        for op in Operation::ALL {
            let d = operation(op);
            assert_eq!(d.operation, op);
            assert_eq!(d.request.name, op.name());
            assert_eq!(d.response.name, op.response_name());
            assert_eq!(
                Operation::from_soap_action(&d.soap_action()),
                Some((op, Kind::Request))
            );
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(
            member("Associate", "Rank").map(|(i, m)| (i, m.ty)),
            Some((5, SHORT))
        );
        assert_eq!(member("Associate", "Reversed"), None);
        assert_eq!(child_type("FieldRight", "Mask"), Some(tns("EFieldRight")));
        assert_eq!(
            wrapper_decl(Operation::SaveContactRelation, Kind::Request).map(|w| w.ty.qname()),
            Some(None)
        );
        assert_eq!(tns("Associate").qname(), Some((NS_SERVICES85, "Associate")));
        assert!(tns("UserType").is_simple() && !tns("Associate").is_simple());
        assert_eq!(header_block("Succeeded").map(|e| e.nillable), Some(false));
        assert_eq!(header_block("Ticket"), None);
    }
}
