//! The declared types of the payload, read from the contract table
//! ([`crate::contract::table`]) as a contract version has it ([`crate::contract::versions`]:
//! Services88's Associate has `UserName`, `ExtraFields` and `CustomFields`, its ETableRight
//! `Unused1` ...): which type each element has inside its parent's type.
//!
//! The diff uses them for shape comparison (is a value a valid lexeme of its type?), for
//! exact comparison (numbers as numbers, dateTimes as instants) and to recognise an
//! `xsi:type` that merely names the declared type. Lexemes are read by
//! [`crate::text::lexical`], the same parsers the codec uses: `diff` accepts exactly the
//! values the codec accepts.

use crate::contract::table::{self, Builtin, SimpleType, TypeRef};
use crate::contract::versions::{self, Contract};
use crate::contract::{Operation, NS_XSD};
use crate::text::lexical;

/// The type the schema declares for an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclaredType {
    /// `xs:int` (32-bit signed).
    Int,
    /// `xs:short` (16-bit signed).
    Short,
    /// `xs:string`.
    String,
    /// `xs:dateTime`.
    DateTime,
    /// `xs:boolean` (`true`, `false`, `1`, `0`).
    Boolean,
    /// A simple type of the payload namespace: an enumeration (`UserType`) or a list of
    /// flags (`ETableRight`, `EFieldRight`).
    Simple(&'static SimpleType),
    /// A complex type, by its table name (anonymous types by their element's name; the
    /// SOAP `Header` and `Body` as pseudo-types of those names).
    Complex(&'static str),
}

use DeclaredType::{Boolean, Complex, DateTime, Int, Short, Simple, String as Str};

impl From<TypeRef> for DeclaredType {
    /// The type as Services85 has it.
    fn from(t: TypeRef) -> Self {
        DeclaredType::of(Contract::Services85, t)
    }
}

/// The declared type of the payload element `local` inside an element of complex type
/// `parent` (a name from [`DeclaredType::Complex`]) in Services85, or `None` when the
/// schema declares no such member. See [`child_type_as`].
#[cfg(test)]
pub(crate) fn child_type(parent: &str, local: &str) -> Option<DeclaredType> {
    child_type_as(Contract::Services85, parent, local)
}

/// The declared type of the payload element `local` inside an element of complex type
/// `parent` in `contract`, or `None` when that version declares no such member. Under the
/// pseudo-type `Header` stand the header blocks of either direction, under `Body` the
/// eight wrappers (the same in every version).
pub(crate) fn child_type_as(contract: Contract, parent: &str, local: &str) -> Option<DeclaredType> {
    let t = match parent {
        "Header" => table::header_block(local)?.ty,
        "Body" => {
            let (op, kind) = Operation::from_wrapper(local)?;
            table::wrapper_decl(op, kind)?.ty
        }
        _ => {
            versions::complex_type(contract, parent)?
                .member(local)?
                .1
                .ty
        }
    };
    Some(DeclaredType::of(contract, t))
}

impl DeclaredType {
    /// A table reference as `contract` has the type (a simple type with that version's
    /// values).
    pub fn of(contract: Contract, t: TypeRef) -> DeclaredType {
        match t {
            TypeRef::Xs(Builtin::Int) => Int,
            TypeRef::Xs(Builtin::Short) => Short,
            TypeRef::Xs(Builtin::String) => Str,
            TypeRef::Xs(Builtin::DateTime) => DateTime,
            TypeRef::Xs(Builtin::Boolean) => Boolean,
            TypeRef::Tns(name) => match versions::simple_type(contract, name) {
                Some(s) => Simple(s),
                None => Complex(name),
            },
            TypeRef::Anon(name) => Complex(name),
        }
    }

    /// The type's qualified name (namespace URI, local name), as an `xsi:type` would name
    /// it; `None` for anonymous types.
    pub fn qname(self) -> Option<(&'static str, &'static str)> {
        match self {
            Int => Some((NS_XSD, "int")),
            Short => Some((NS_XSD, "short")),
            Str => Some((NS_XSD, "string")),
            DateTime => Some((NS_XSD, "dateTime")),
            Boolean => Some((NS_XSD, "boolean")),
            Simple(s) => TypeRef::Tns(s.name).qname(),
            Complex("Header" | "Body") => None,
            // A type a later version adds (StringDictionary) is named like the table's.
            Complex(name) => match table::complex_type(name).or_else(|| latest_type(name)) {
                Some(c) if !c.anonymous => TypeRef::Tns(name).qname(),
                _ => None,
            },
        }
    }

    /// The name shown to people: `int`, `dateTime`, `UserType`, `Associate`.
    pub fn name(self) -> &'static str {
        match self {
            Int => "int",
            Short => "short",
            Str => "string",
            DateTime => "dateTime",
            Boolean => "boolean",
            Simple(s) => s.name,
            Complex(name) => name,
        }
    }

    /// Whether the type has simple content (a value rather than members).
    pub fn is_simple(self) -> bool {
        !matches!(self, Complex(_))
    }

    /// Whether `value` is a valid lexeme of the type. Complex types accept only
    /// whitespace as character content.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Int => lexical::int(value).is_some(),
            Short => lexical::short(value).is_some(),
            Str => true,
            DateTime => lexical::date_time(lexical::trim(value)).is_ok(),
            Boolean => lexical::boolean(value).is_some(),
            Simple(s) if s.is_list() => lexical::list_items(value).all(|i| s.values().contains(&i)),
            // An enumeration of `xs:string` keeps its whitespace (`preserve`): ` Unknown` is
            // not `Unknown`, for the codec and the XSD alike.
            Simple(s) => s.values().contains(&value),
            Complex(_) => lexical::is_ws(value),
        }
    }

    /// Whether two values of the type are the same value: numbers as numbers, booleans
    /// `1`/`true`, dateTimes as instants, lists item by item, strings exactly. Values that
    /// are not valid lexemes are compared as they are written.
    pub fn same_value(self, a: &str, b: &str) -> bool {
        let parsed = match self {
            Int | Short => lexical::integer(a)
                .zip(lexical::integer(b))
                .map(|(x, y)| x == y),
            Boolean => lexical::boolean(a)
                .zip(lexical::boolean(b))
                .map(|(x, y)| x == y),
            DateTime => same_instant(a, b),
            Simple(s) if s.is_list() => Some(lexical::list_items(a).eq(lexical::list_items(b))),
            Simple(_) | Str | Complex(_) => None,
        };
        parsed.unwrap_or(a == b)
    }
}

/// A complex type the newest version adds to the Services85 table.
fn latest_type(name: &str) -> Option<&'static table::ComplexType> {
    let newest = Contract::ALL[Contract::ALL.len() - 1];
    versions::added_type(newest, name)
}

/// Whether two dateTime lexemes denote the same instant (a value without zone taken as
/// UTC; fractions compared digit by digit). `None` unless both are valid.
fn same_instant(a: &str, b: &str) -> Option<bool> {
    let x = lexical::date_time(lexical::trim(a)).ok()?;
    let y = lexical::date_time(lexical::trim(b)).ok()?;
    Some(
        x.epoch_seconds() == y.epoch_seconds()
            && x.fraction.trim_end_matches('0') == y.fraction.trim_end_matches('0'),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(name: &str) -> DeclaredType {
        Simple(table::simple_type(name).expect("a simple type of the table"))
    }

    #[test]
    fn types_come_from_the_table() {
        assert_eq!(child_type("ContactRelationEntity", "Reversed"), Some(Short));
        assert_eq!(
            child_type("ContactRelationEntity", "TableRight"),
            Some(Complex("TableRight"))
        );
        assert_eq!(child_type("Associate", "Type"), Some(simple("UserType")));
        assert_eq!(child_type("Associate", "Reversed"), None);
        assert_eq!(
            child_type("Header", "Credentials"),
            Some(Complex("SoCredentials"))
        );
        assert_eq!(child_type("Header", "Succeeded"), Some(Boolean));
        assert_eq!(
            child_type("FieldRight", "Mask"),
            Some(simple("EFieldRight"))
        );
        assert_eq!(
            child_type("Body", "SaveContactRelationResponse"),
            Some(Complex("SaveContactRelationResponse"))
        );
        assert_eq!(
            child_type("SaveContactRelationResponse", "Response"),
            Some(Complex("ContactRelationEntity"))
        );
        assert_eq!(child_type("ExtraInfoNameValuePair", "Value"), Some(Str));
        // Anonymous types cannot be named by an xsi:type; named ones can.
        assert_eq!(Complex("SaveContactRelationResponse").qname(), None);
        assert_eq!(Complex("Body").qname(), None);
        assert_eq!(
            simple("ETableRight").qname(),
            Some((crate::contract::NS_SERVICES85, "ETableRight"))
        );
    }

    #[test]
    fn each_version_has_its_own_members_and_values() {
        use crate::contract::Contract::{Services85, Services86, Services88};
        assert_eq!(child_type_as(Services85, "Associate", "UserName"), None);
        assert_eq!(
            child_type_as(Services86, "Associate", "UserName"),
            Some(Str)
        );
        assert_eq!(child_type_as(Services86, "Associate", "ExtraFields"), None);
        let extra = child_type_as(Services88, "Associate", "ExtraFields");
        assert_eq!(extra, Some(Complex("StringDictionary")));
        assert_eq!(
            extra.and_then(DeclaredType::qname),
            Some((crate::contract::NS_SERVICES85, "StringDictionary"))
        );
        let mask = |c| child_type_as(c, "TableRight", "Mask");
        assert!(mask(Services88).is_some_and(|t| t.accepts("Select Unused1")));
        assert!(mask(Services85).is_some_and(|t| !t.accepts("Select Unused1")));
    }

    #[test]
    fn lexemes() {
        assert!(Int.accepts(" 007 "));
        assert!(Int.accepts("-2147483648"));
        assert!(!Int.accepts("2147483648"));
        assert!(!Int.accepts("abc"));
        assert!(!Int.accepts(""));
        assert!(Short.accepts("32767") && !Short.accepts("32768"));
        assert!(Boolean.accepts("1") && !Boolean.accepts("yes"));
        let user_type = simple("UserType");
        assert!(user_type.accepts("SystemAssociate") && !user_type.accepts("Admin"));
        // As the codec: an enumeration value with whitespace around it is not one.
        assert!(!user_type.accepts(" Unknown"));
        let table_right = simple("ETableRight");
        assert!(table_right.accepts("Select Update") && table_right.accepts(""));
        assert!(!table_right.accepts("Select Read"));
        assert!(DateTime.accepts("2003-04-03T16:48:30.4750298+02:00"));
        assert!(DateTime.accepts(" 2024-02-29T00:00:00\n"));
        assert!(!DateTime.accepts("2023-02-29T00:00:00"));
        assert!(!DateTime.accepts("2024-01-01"));
        assert!(!DateTime.accepts("2024-01-01T25:00:00Z"));
    }

    #[test]
    fn date_times_are_the_codecs() {
        // The codec's XsdDateTime and diff agree on every one of these.
        for v in [
            "2003-04-03T16:48:30.4750298+02:00",
            "2023-12-31T24:00:00Z",
            "-0001-01-01T00:00:00",
            "10000-01-01T00:00:00",
            "123456789012-01-01T00:00:00",
            "0000-01-01T00:00:00",
            "2021-01-01T00:00:00-14:01",
        ] {
            assert_eq!(
                DateTime.accepts(v),
                v.parse::<crate::model::XsdDateTime>().is_ok(),
                "{v}"
            );
        }
    }

    #[test]
    fn a_twelve_digit_year_is_refused_not_overflowed() {
        // Years this long overflowed the instant arithmetic (a panic in debug builds).
        for v in [
            "123456789012-01-01T00:00:00",
            "999999999999-12-31T23:59:59Z",
        ] {
            assert!(!DateTime.accepts(v));
            assert!(DateTime.same_value(v, v));
            assert!(!DateTime.same_value(v, "2024-01-01T00:00:00Z"));
        }
    }

    #[test]
    fn values_compare_by_meaning() {
        assert!(Int.same_value("007", "7"));
        assert!(Int.same_value(" +7", "7\t"));
        assert!(Boolean.same_value("1", "true"));
        assert!(DateTime.same_value("2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z"));
        assert!(DateTime.same_value("2024-01-01T00:00:00", "2024-01-01T00:00:00Z"));
        assert!(DateTime.same_value("2024-01-01T00:00:00.5000Z", "2024-01-01T00:00:00.5Z"));
        assert!(!DateTime.same_value("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.05Z"));
        // `24:00:00` is not a dateTime the codec accepts, so it is compared as written.
        assert!(!DateTime.same_value("2023-12-31T24:00:00Z", "2024-01-01T00:00:00Z"));
        assert!(simple("EFieldRight").same_value("Read  Write", "Read\tWrite"));
        assert!(!Str.same_value("a", "a "));
    }
}
