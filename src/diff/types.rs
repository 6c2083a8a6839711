//! The declared types of the payload, as a static table taken from the WSDL
//! (`Services85-Relation.wsdl`): which type each element has inside its parent's type.
//!
//! The diff uses the table for shape comparison (is a value a valid lexeme of its type?),
//! for exact comparison (numbers as numbers, dateTimes as instants) and to recognise an
//! `xsi:type` that merely names the declared type.

use crate::contract::{NS_SERVICES85, NS_XSD};

/// The type the WSDL declares for an element.
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
    /// The `UserType` enumeration.
    UserType,
    /// `ETableRight`: a space-separated list of table right flags.
    TableRightMask,
    /// `EFieldRight`: a space-separated list of field right flags.
    FieldRightMask,
    /// A complex type, by its WSDL name (anonymous wrapper types by their element's name;
    /// the SOAP `Header` and `Body` as pseudo-types of those names).
    Complex(&'static str),
}

/// The values of `UserType`.
pub const USER_TYPES: [&str; 6] = [
    "Unknown",
    "InternalAssociate",
    "ResourceAssociate",
    "ExternalAssociate",
    "AnonymousAssociate",
    "SystemAssociate",
];

/// The flags of `ETableRight`.
pub const TABLE_RIGHTS: [&str; 6] = [
    "Select",
    "Update",
    "Insert",
    "Delete",
    "Filtering",
    "RestrictedUpdate",
];

/// The flags of `EFieldRight`.
pub const FIELD_RIGHTS: [&str; 9] = [
    "Read",
    "Write",
    "Unused1",
    "Unused2",
    "Unused3",
    "Unused4",
    "UIHintMandatory",
    "UIHintReadOnly",
    "UndefinedValue256",
];

use DeclaredType::{
    Boolean, Complex, DateTime, FieldRightMask, Int, Short, String as Str, TableRightMask, UserType,
};

/// The members of `Carrier`, which `ContactRelationEntity` and `Associate` extend.
const CARRIER: &[(&str, DeclaredType)] = &[
    ("TableRight", Complex("TableRight")),
    ("FieldProperties", Complex("FieldPropertyDictionary")),
];

const CONTACT_RELATION_ENTITY: &[(&str, DeclaredType)] = &[
    ("SourceContactId", Int),
    ("SourcePersonId", Int),
    ("DestinationContactId", Int),
    ("DestinationPersonId", Int),
    ("RelationId", Int),
    ("Comment", Str),
    ("RelationDefinitionId", Int),
    ("Reversed", Short),
    ("UpdatedDate", DateTime),
    ("CreatedDate", DateTime),
    ("CreatedBy", Complex("Associate")),
    ("UpdatedBy", Complex("Associate")),
    ("SourceContactName", Str),
    ("SourcePersonName", Str),
    ("DestinationContactName", Str),
    ("DestinationPersonName", Str),
    ("ActiveText", Str),
    ("PassiveText", Str),
];

const ASSOCIATE: &[(&str, DeclaredType)] = &[
    ("AssociateId", Int),
    ("Name", Str),
    ("PersonId", Int),
    ("Rank", Short),
    ("Tooltip", Str),
    ("Type", UserType),
    ("GroupIdx", Int),
    ("FullName", Str),
    ("FormalName", Str),
    ("Deleted", Boolean),
    ("EjUserId", Int),
];

/// Members of a complex type that is not `ContactRelationEntity` or `Associate`.
const OTHERS: &[(&str, &[(&str, DeclaredType)])] = &[
    (
        "Header",
        &[
            ("ApplicationToken", Str),
            ("Credentials", Complex("SoCredentials")),
            ("TimeZone", Complex("SoTimeZone")),
            ("ExceptionInfo", Complex("SoExceptionInfo")),
            ("ExtraInfo", Complex("SoExtraInfo")),
            ("Succeeded", Boolean),
        ],
    ),
    (
        "Body",
        &[
            (
                "CreateDefaultContactRelationEntity",
                Complex("CreateDefaultContactRelationEntity"),
            ),
            (
                "CreateDefaultContactRelationEntityResponse",
                Complex("EntityResponse"),
            ),
            (
                "GetContactRelationEntity",
                Complex("GetContactRelationEntity"),
            ),
            (
                "GetContactRelationEntityResponse",
                Complex("EntityResponse"),
            ),
            ("SaveContactRelation", Complex("SaveContactRelation")),
            ("SaveContactRelationResponse", Complex("EntityResponse")),
            ("DeleteContactRelation", Complex("DeleteContactRelation")),
            (
                "DeleteContactRelationResponse",
                Complex("DeleteContactRelationResponse"),
            ),
        ],
    ),
    ("CreateDefaultContactRelationEntity", &[]),
    ("DeleteContactRelationResponse", &[]),
    (
        "EntityResponse",
        &[("Response", Complex("ContactRelationEntity"))],
    ),
    (
        "GetContactRelationEntity",
        &[("ContactRelationEntityId", Int)],
    ),
    ("DeleteContactRelation", &[("ContactRelationEntityId", Int)]),
    (
        "SaveContactRelation",
        &[("ContactRelationEntity", Complex("ContactRelationEntity"))],
    ),
    ("SoCredentials", &[("Ticket", Str)]),
    (
        "SoTimeZone",
        &[("SoTimeZoneId", Int), ("SoTimeZoneLocationCode", Str)],
    ),
    ("TableRight", &[("Mask", TableRightMask), ("Reason", Str)]),
    ("FieldRight", &[("Mask", FieldRightMask), ("Reason", Str)]),
    (
        "FieldPropertyDictionary",
        &[(
            "FieldPropertyDictionaryKeyValuePair",
            Complex("FieldPropertyDictionaryKeyValuePair"),
        )],
    ),
    (
        "FieldPropertyDictionaryKeyValuePair",
        &[("Key", Str), ("Value", Complex("FieldProperty"))],
    ),
    (
        "FieldProperty",
        &[
            ("FieldRight", Complex("FieldRight")),
            ("FieldType", Str),
            ("FieldLength", Int),
        ],
    ),
    (
        "SoExceptionInfo",
        &[
            ("Message", Str),
            ("StackTrace", Str),
            ("FriendlyText", Str),
            ("ExceptionType", Str),
            ("Source", Str),
            ("InnerException", Complex("SoExceptionInfo")),
            ("Parameters", Complex("SoExceptionInfoParameters")),
        ],
    ),
    (
        "SoExceptionInfoParameters",
        &[(
            "SoExceptionInfoParametersKeyValuePair",
            Complex("StringKeyValuePair"),
        )],
    ),
    (
        "SoExtraInfo",
        &[("ExtraInfoNameValuePair", Complex("StringKeyValuePair"))],
    ),
    ("StringKeyValuePair", &[("Key", Str), ("Value", Str)]),
];

/// The declared type of the payload element `local` inside an element of complex type
/// `parent` (a name from [`DeclaredType::Complex`]), or `None` when the WSDL declares no
/// such member.
pub fn child_type(parent: &str, local: &str) -> Option<DeclaredType> {
    let find = |members: &[(&str, DeclaredType)]| {
        members
            .iter()
            .find(|(name, _)| *name == local)
            .map(|(_, t)| *t)
    };
    match parent {
        "ContactRelationEntity" => find(CARRIER).or_else(|| find(CONTACT_RELATION_ENTITY)),
        "Associate" => find(CARRIER).or_else(|| find(ASSOCIATE)),
        _ => OTHERS
            .iter()
            .find(|(name, _)| *name == parent)
            .and_then(|(_, members)| find(members)),
    }
}

/// Whether a complex type is an anonymous one (a wrapper or a pseudo-type), which no
/// `xsi:type` can name.
fn is_anonymous(name: &str) -> bool {
    matches!(
        name,
        "Header"
            | "Body"
            | "EntityResponse"
            | "StringKeyValuePair"
            | "FieldPropertyDictionaryKeyValuePair"
            | "CreateDefaultContactRelationEntity"
            | "GetContactRelationEntity"
            | "SaveContactRelation"
            | "DeleteContactRelation"
            | "DeleteContactRelationResponse"
    )
}

impl DeclaredType {
    /// The type's qualified name (namespace URI, local name), as an `xsi:type` would name
    /// it; `None` for anonymous types.
    pub fn qname(self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Int => (NS_XSD, "int"),
            Short => (NS_XSD, "short"),
            Str => (NS_XSD, "string"),
            DateTime => (NS_XSD, "dateTime"),
            Boolean => (NS_XSD, "boolean"),
            UserType => (NS_SERVICES85, "UserType"),
            TableRightMask => (NS_SERVICES85, "ETableRight"),
            FieldRightMask => (NS_SERVICES85, "EFieldRight"),
            Complex(name) if is_anonymous(name) => return None,
            Complex(name) => (NS_SERVICES85, name),
        })
    }

    /// The name shown to people: `int`, `dateTime`, `UserType`, `Associate`.
    pub fn name(self) -> &'static str {
        match self {
            Int => "int",
            Short => "short",
            Str => "string",
            DateTime => "dateTime",
            Boolean => "boolean",
            UserType => "UserType",
            TableRightMask => "ETableRight",
            FieldRightMask => "EFieldRight",
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
        let v = value.trim_matches(XML_WS);
        match self {
            Int => parse_integer(v).is_some_and(|n| i32::try_from(n).is_ok()),
            Short => parse_integer(v).is_some_and(|n| i16::try_from(n).is_ok()),
            Str => true,
            DateTime => parse_date_time(v).is_some(),
            Boolean => parse_boolean(v).is_some(),
            UserType => USER_TYPES.contains(&v),
            TableRightMask => list_items(v).all(|i| TABLE_RIGHTS.contains(&i)),
            FieldRightMask => list_items(v).all(|i| FIELD_RIGHTS.contains(&i)),
            Complex(_) => v.is_empty(),
        }
    }

    /// Whether two values of the type are the same value: numbers as numbers, booleans
    /// `1`/`true`, dateTimes as instants, lists item by item, strings exactly. Values that
    /// are not valid lexemes are compared as they are written.
    pub fn same_value(self, a: &str, b: &str) -> bool {
        let (ta, tb) = (a.trim_matches(XML_WS), b.trim_matches(XML_WS));
        let parsed = match self {
            Int | Short => parse_integer(ta)
                .zip(parse_integer(tb))
                .map(|(x, y)| x == y),
            Boolean => parse_boolean(ta)
                .zip(parse_boolean(tb))
                .map(|(x, y)| x == y),
            DateTime => parse_date_time(ta)
                .zip(parse_date_time(tb))
                .map(|(x, y)| x == y),
            UserType => Some(ta == tb),
            TableRightMask | FieldRightMask => Some(list_items(ta).eq(list_items(tb))),
            Str | Complex(_) => None,
        };
        parsed.unwrap_or(a == b)
    }
}

/// XML whitespace (what `xs:whiteSpace collapse` strips).
const XML_WS: &[char] = &[' ', '\t', '\n', '\r'];

fn list_items(v: &str) -> impl Iterator<Item = &str> {
    v.split(XML_WS).filter(|s| !s.is_empty())
}

/// An `xs:integer` lexeme: optional sign, then ASCII digits (leading zeros allowed).
fn parse_integer(v: &str) -> Option<i64> {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 18 {
        // Far outside any range the contract uses; keep it unparsed rather than overflow.
        return None;
    }
    let magnitude: i64 = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().ok()?
    };
    Some(if v.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

fn parse_boolean(v: &str) -> Option<bool> {
    match v {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// An `xs:dateTime` as an instant: seconds since 1970-01-01T00:00:00Z and the fractional
/// digits without trailing zeros. A value without a zone is taken as UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instant {
    pub seconds: i64,
    pub fraction: String,
}

/// Parses `[-]YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]`.
pub fn parse_date_time(v: &str) -> Option<Instant> {
    let (negative, rest) = match v.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, v),
    };
    let (date, time) = rest.split_once('T')?;
    let mut date_parts = date.rsplitn(3, '-');
    let day = fixed_digits(date_parts.next()?, 2)?;
    let month = fixed_digits(date_parts.next()?, 2)?;
    let year_text = date_parts.next()?;
    if year_text.len() < 4 || (year_text.len() > 4 && year_text.starts_with('0')) {
        return None;
    }
    let year = fixed_digits(year_text, year_text.len())?;
    let year = if negative { -year } else { year };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    // Split the zone off the time.
    let (clock, offset_minutes) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if time.len() > 6 && matches!(time.as_bytes()[time.len() - 6], b'+' | b'-') {
        let (c, zone) = time.split_at(time.len() - 6);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (zh, zm) = zone[1..].split_once(':')?;
        let (zh, zm) = (fixed_digits(zh, 2)?, fixed_digits(zm, 2)?);
        if zh > 14 || zm > 59 || (zh == 14 && zm != 0) {
            return None;
        }
        (c, sign * (zh * 60 + zm))
    } else {
        (time, 0)
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (hms, f),
        Some(_) => return None,
        None => (clock, ""),
    };
    let mut parts = hms.split(':');
    let hour = fixed_digits(parts.next()?, 2)?;
    let minute = fixed_digits(parts.next()?, 2)?;
    let second = fixed_digits(parts.next()?, 2)?;
    if parts.next().is_some() || minute > 59 || second > 59 {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    if hour > 24 || (hour == 24 && (minute != 0 || second != 0 || !fraction.is_empty())) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // A year of up to 12 digits overflows seconds in i64: not a value, never a panic.
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second - offset_minutes * 60)?;
    Some(Instant {
        seconds,
        fraction: fraction.to_string(),
    })
}

fn fixed_digits(s: &str, len: usize) -> Option<i64> {
    if s.len() != len || len > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date: whole years, then the months of
/// the year, then the day.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Count from year 0 in 400-year cycles (146097 days each) to stay exact for any year.
    let y = year - 1;
    let leap_days = |y: i64| y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    let days_before_year = 365 * y + leap_days(y) + 366; // days from 0000-01-01 to year-01-01
    let days_before_month: i64 = (1..month).map(|m| days_in_month(year, m)).sum();
    let days_since_year0 = days_before_year + days_before_month + day - 1;
    // 1970-01-01 is day 719528 counted from 0000-01-01.
    days_since_year0 - 719_528
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_follows_the_wsdl() {
        assert_eq!(child_type("ContactRelationEntity", "Reversed"), Some(Short));
        assert_eq!(
            child_type("ContactRelationEntity", "TableRight"),
            Some(Complex("TableRight"))
        );
        assert_eq!(child_type("Associate", "Type"), Some(UserType));
        assert_eq!(child_type("Associate", "Reversed"), None);
        assert_eq!(
            child_type("Header", "Credentials"),
            Some(Complex("SoCredentials"))
        );
        assert_eq!(child_type("FieldRight", "Mask"), Some(FieldRightMask));
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
        assert!(UserType.accepts("SystemAssociate") && !UserType.accepts("Admin"));
        assert!(TableRightMask.accepts("Select Update") && TableRightMask.accepts(""));
        assert!(!TableRightMask.accepts("Select Read"));
        assert!(DateTime.accepts("2003-04-03T16:48:30.4750298+02:00"));
        assert!(DateTime.accepts("2024-02-29T00:00:00"));
        assert!(!DateTime.accepts("2023-02-29T00:00:00"));
        assert!(!DateTime.accepts("2024-01-01"));
        assert!(!DateTime.accepts("2024-01-01T25:00:00Z"));
    }

    #[test]
    fn values_compare_by_meaning() {
        assert!(Int.same_value("007", "7"));
        assert!(Boolean.same_value("1", "true"));
        assert!(DateTime.same_value("2024-01-01T01:00:00+01:00", "2024-01-01T00:00:00Z"));
        assert!(DateTime.same_value("2024-01-01T00:00:00", "2024-01-01T00:00:00Z"));
        assert!(DateTime.same_value("2024-01-01T00:00:00.5000Z", "2024-01-01T00:00:00.5Z"));
        assert!(!DateTime.same_value("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.05Z"));
        assert!(DateTime.same_value("2023-12-31T24:00:00Z", "2024-01-01T00:00:00Z"));
        assert!(!Str.same_value("a", "a "));
    }

    #[test]
    fn epoch_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
