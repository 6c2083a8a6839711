//! Flag masks (`ETableRight`, `EFieldRight`): XSD `xs:list` types of flag names.
//!
//! The XML form is the space-separated list of flag names. Encoding writes the flags in
//! the schema's declaration order; decoding accepts any order, any XML whitespace between
//! items, and duplicates (the list `Read Read` is the set {Read}), as `xs:list` does.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A flag name that is not in the list type's enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{item}` is not a {type_name} flag (allowed: {allowed})")]
pub struct MaskError {
    /// The offending item, as written.
    pub item: String,
    /// The list type's name (`ETableRight` or `EFieldRight`).
    pub type_name: &'static str,
    /// The allowed flag names, space-separated.
    pub allowed: &'static str,
}

/// XSD whitespace: the separators of an `xs:list`.
fn list_items(s: &str) -> impl Iterator<Item = &str> {
    s.split([' ', '\t', '\n', '\r']).filter(|t| !t.is_empty())
}

macro_rules! mask_type {
    ($(#[$doc:meta])* $name:ident, $allowed:literal, [$($flag:ident = $bit:literal),* $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u16);

        #[allow(non_upper_case_globals)]
        impl $name {
            $(
                #[doc = concat!(
                    "The `", stringify!($flag), "` flag alone (bit ", stringify!($bit), ")."
                )]
                pub const $flag: $name = $name(1 << $bit);
            )*
            /// Every flag, in the schema's (and the canonical output's) order.
            pub const FLAGS: &'static [($name, &'static str)] = &[$(($name::$flag, stringify!($flag))),*];

            /// No flag set: the empty list.
            pub const fn empty() -> Self { $name(0) }
            /// The flags as bits: bit 0 for the first flag in schema order, and so on.
            pub const fn bits(self) -> u16 { self.0 }
            /// Whether no flag is set.
            pub const fn is_empty(self) -> bool { self.0 == 0 }
            /// Whether every flag of `other` is set here.
            pub const fn contains(self, other: $name) -> bool { self.0 & other.0 == other.0 }
            /// Sets the flags of `other`.
            pub fn insert(&mut self, other: $name) { self.0 |= other.0; }
            /// Clears the flags of `other`.
            pub fn remove(&mut self, other: $name) { self.0 &= !other.0; }
            /// The flags set, in canonical order, by name.
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                Self::FLAGS.iter().filter(move |(f, _)| self.contains(*f)).map(|(_, n)| *n)
            }
            /// One flag by its exact (case-sensitive) name.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::FLAGS.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
            }
        }

        impl std::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, rhs: $name) -> $name { $name(self.0 | rhs.0) }
        }

        impl std::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, rhs: $name) { self.0 |= rhs.0; }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                for (i, n) in self.names().enumerate() {
                    if i > 0 { f.write_str(" ")?; }
                    f.write_str(n)?;
                }
                Ok(())
            }
        }

        impl FromStr for $name {
            type Err = MaskError;
            fn from_str(s: &str) -> Result<Self, MaskError> {
                let mut m = $name::empty();
                for item in list_items(s) {
                    match $name::from_name(item) {
                        Some(f) => m |= f,
                        None => return Err(MaskError {
                            item: item.to_string(),
                            type_name: stringify!($name),
                            allowed: $allowed,
                        }),
                    }
                }
                Ok(m)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<str>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

mask_type!(
    /// `ETableRight`: what the user may do with a row.
    ETableRight,
    "Select Update Insert Delete Filtering RestrictedUpdate",
    [Select = 0, Update = 1, Insert = 2, Delete = 3, Filtering = 4, RestrictedUpdate = 5]
);

mask_type!(
    /// `EFieldRight`: what the user may do with a field, plus UI hints.
    EFieldRight,
    "Read Write Unused1 Unused2 Unused3 Unused4 UIHintMandatory UIHintReadOnly UndefinedValue256",
    [
        Read = 0,
        Write = 1,
        Unused1 = 2,
        Unused2 = 3,
        Unused3 = 4,
        Unused4 = 5,
        UIHintMandatory = 6,
        UIHintReadOnly = 7,
        UndefinedValue256 = 8,
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_order_and_lenient_list_parsing() {
        let m: ETableRight = " Delete\tSelect\n\nSelect  Update ".parse().unwrap();
        assert_eq!(
            m,
            ETableRight::Select | ETableRight::Update | ETableRight::Delete
        );
        assert_eq!(m.to_string(), "Select Update Delete");
        assert_eq!("".parse::<ETableRight>().unwrap(), ETableRight::empty());
        assert_eq!(ETableRight::empty().to_string(), "");
        let e = "Read FULL".parse::<EFieldRight>().unwrap_err();
        assert_eq!(e.item, "FULL");
        // Flag names are case-sensitive, as XSD enumerations are.
        assert!("read".parse::<EFieldRight>().is_err());
        let all: EFieldRight = EFieldRight::FLAGS
            .iter()
            .fold(EFieldRight::empty(), |a, (f, _)| a | *f);
        assert_eq!(all.to_string().parse::<EFieldRight>().unwrap(), all);
    }
}
