//! Flag masks (`ETableRight`, `EFieldRight`): XSD `xs:list` types of flag names.
//!
//! The XML form is the space-separated list of flag names. Encoding writes the flags in
//! the schema's declaration order; decoding accepts any order, any XML whitespace between
//! items, and duplicates (the list `Read Read` is the set {Read}), as `xs:list` does.
//!
//! The types cover the union of every contract version: Services88 adds the flags
//! `Unused1` and `Uninitialized` to `ETableRight`, and the aliases `R`, `F` (of Select and
//! Filtering) and `Nullable` (of EFieldRight's Unused4), which share their target's value.
//! An alias is read as its target, and written as its target's name, as WCF writes the
//! first member with a matching value. Which names a version has is the contract's fact
//! ([`versions::values`]); [`Mask::parse_in`] and [`Mask::carried_by`] ask it.

use crate::contract::versions::{self, Contract};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A flag name that is not in the list type's enumeration (in the version read).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{item}` is not a {type_name} flag of {contract} (allowed: {allowed}){}",
    since.map(|v| format!("; {type_name} has {item} from {v} on")).unwrap_or_default())]
pub struct MaskError {
    /// The offending item, as written.
    pub item: String,
    /// The list type's name (`ETableRight` or `EFieldRight`).
    pub type_name: &'static str,
    /// The version whose enumeration was applied.
    pub contract: Contract,
    /// The allowed flag names of that version, space-separated.
    pub allowed: String,
    /// The first version that has the item, when a later one does.
    pub since: Option<Contract>,
}

/// XSD whitespace: the separators of an `xs:list`.
fn list_items(s: &str) -> impl Iterator<Item = &str> {
    s.split([' ', '\t', '\n', '\r']).filter(|t| !t.is_empty())
}

/// A flag mask of the contract: what the decoder and the encoder need of both types.
pub trait Mask: Sized + Copy + 'static {
    /// The list type's name in the schema.
    const TYPE_NAME: &'static str;

    /// Every flag, in canonical order, with its name (the type's `FLAGS`).
    const FLAG_LIST: &'static [(Self, &'static str)];

    /// One flag, or an alias read as its target, by its exact (case-sensitive) name, in
    /// any version.
    fn any_name(name: &str) -> Option<Self>;

    /// The names of the flags set, in canonical order (no allocation: the encoder writes
    /// every mask through it).
    fn flag_names(self) -> impl Iterator<Item = &'static str> {
        let bits = self.to_bits();
        Self::FLAG_LIST
            .iter()
            .filter(move |(f, _)| f.to_bits() & bits == f.to_bits())
            .map(|(_, n)| *n)
    }

    /// The flags as bits.
    fn to_bits(self) -> u16;

    /// The mask of these bits.
    fn from_bits_truncate(bits: u16) -> Self;

    /// Whether `name` is an alias (read as its target) rather than a flag of its own.
    fn is_alias(name: &str) -> bool;

    /// Every flag `contract` can carry (aliases add none: they share their target's bit).
    /// Computed once per version ([`carried_uncached`]): the decoder and the encoder ask it
    /// of every mask.
    fn carried_by(contract: Contract) -> Self;

    /// The first flag set here that `contract` cannot carry, by name.
    fn first_not_in(self, contract: Contract) -> Option<&'static str> {
        let carried = Self::carried_by(contract).to_bits();
        let outside = Self::from_bits_truncate(self.to_bits() & !carried);
        outside.flag_names().next()
    }

    /// The mask without the flags `contract` cannot carry.
    fn fitted_to(self, contract: Contract) -> Self {
        Self::from_bits_truncate(self.to_bits() & Self::carried_by(contract).to_bits())
    }

    /// Parses the list as `contract` reads it: only the names (flags and aliases) that
    /// version's enumeration has.
    fn parse_in(s: &str, contract: Contract) -> Result<Self, MaskError> {
        let carried = Self::carried_by(contract).to_bits();
        let mut bits = 0u16;
        for item in list_items(s) {
            let known = Self::any_name(item).filter(|f| {
                if Self::is_alias(item) {
                    versions::value_since(Self::TYPE_NAME, item).is_some_and(|v| v <= contract)
                } else {
                    f.to_bits() & carried == f.to_bits()
                }
            });
            match known {
                Some(f) => bits |= f.to_bits(),
                None => {
                    return Err(MaskError {
                        item: item.to_string(),
                        type_name: Self::TYPE_NAME,
                        contract,
                        allowed: versions::values(contract, Self::TYPE_NAME)
                            .unwrap_or_default()
                            .join(" "),
                        since: versions::value_since(Self::TYPE_NAME, item),
                    })
                }
            }
        }
        Ok(Self::from_bits_truncate(bits))
    }
}

/// Every flag of `M` that `contract` can carry, from the contract's enumeration values.
pub fn carried_uncached<M: Mask>(contract: Contract) -> M {
    let added = versions::added_values(M::TYPE_NAME).filter(|(_, since)| *since <= contract);
    let bits = versions::base_values(M::TYPE_NAME)
        .iter()
        .copied()
        .chain(added.map(|(v, _)| v))
        .filter_map(M::any_name)
        .fold(0, |bits, f| bits | f.to_bits());
    M::from_bits_truncate(bits)
}

macro_rules! mask_type {
    ($(#[$doc:meta])* $name:ident,
     [$($flag:ident = $bit:literal),* $(,)?],
     aliases [$($alias:ident = $target:ident),* $(,)?]) => {
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
            $(
                #[doc = concat!(
                    "`", stringify!($alias), "` (Services88): an alias of `",
                    stringify!($target), "`, the same value; written as `",
                    stringify!($target), "`."
                )]
                pub const $alias: $name = $name::$target;
            )*
            /// Every flag of every version, in the schema's (and the canonical output's)
            /// order; aliases are not flags of their own.
            pub const FLAGS: &'static [($name, &'static str)] = &[$(($name::$flag, stringify!($flag))),*];
            /// The aliases (Services88): each name with the flag it stands for.
            pub const ALIASES: &'static [($name, &'static str)] = &[$(($name::$target, stringify!($alias))),*];

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
            /// One flag, or an alias as its target, by its exact (case-sensitive) name.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::FLAGS.iter().chain(Self::ALIASES).find(|(_, n)| *n == name).map(|(f, _)| *f)
            }
        }

        impl Mask for $name {
            const TYPE_NAME: &'static str = stringify!($name);
            const FLAG_LIST: &'static [($name, &'static str)] = $name::FLAGS;
            fn any_name(name: &str) -> Option<Self> { $name::from_name(name) }
            fn to_bits(self) -> u16 { self.0 }
            fn from_bits_truncate(bits: u16) -> Self {
                let all = Self::FLAGS.iter().fold(0, |a, (f, _)| a | f.0);
                $name(bits & all)
            }
            fn is_alias(name: &str) -> bool {
                Self::ALIASES.iter().any(|(_, n)| *n == name)
            }
            fn carried_by(contract: Contract) -> Self {
                static CARRIED: std::sync::OnceLock<[$name; Contract::ALL.len()]> =
                    std::sync::OnceLock::new();
                CARRIED.get_or_init(|| Contract::ALL.map(carried_uncached::<$name>))
                    [contract as usize]
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

        /// Parses the list as the newest version reads it (every version only adds names).
        impl FromStr for $name {
            type Err = MaskError;
            fn from_str(s: &str) -> Result<Self, MaskError> {
                <$name as Mask>::parse_in(s, Contract::LATEST)
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
    [
        Select = 0,
        Update = 1,
        Insert = 2,
        Delete = 3,
        Filtering = 4,
        RestrictedUpdate = 5,
        Unused1 = 6,
        Uninitialized = 7,
    ],
    aliases [R = Select, F = Filtering]
);

mask_type!(
    /// `EFieldRight`: what the user may do with a field, plus UI hints.
    EFieldRight,
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
    ],
    aliases [Nullable = Unused4]
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

    #[test]
    fn each_version_reads_only_its_own_names() {
        use Contract::*;
        // Unused1 is a flag of EFieldRight in every version, of ETableRight from 88 on.
        assert_eq!(
            EFieldRight::parse_in("Unused1", Services84),
            Ok(EFieldRight::Unused1)
        );
        for older in [Services84, Services85, Services86, Services87] {
            for item in ["Unused1", "Uninitialized", "R", "F"] {
                let e = ETableRight::parse_in(&format!("Select {item}"), older).unwrap_err();
                assert_eq!(e.item, item);
                assert_eq!(e.contract, older);
                assert_eq!(e.since, Some(Services88));
                assert_eq!(
                    e.allowed,
                    "Select Update Insert Delete Filtering RestrictedUpdate"
                );
                assert!(
                    e.to_string()
                        .ends_with(&format!("; ETableRight has {item} from Services88 on")),
                    "{e}"
                );
            }
            let e = EFieldRight::parse_in("Nullable", older).unwrap_err();
            assert_eq!((e.item.as_str(), e.since), ("Nullable", Some(Services88)));
        }
        // A name no version has says so without a version to move to.
        let e = ETableRight::parse_in("Full", Services88).unwrap_err();
        assert_eq!(e.since, None);
        assert!(e.to_string().ends_with("Unused1 Uninitialized R F)"), "{e}");
        let all = ETableRight::parse_in("Unused1 Uninitialized", Services88).unwrap();
        assert_eq!(all, ETableRight::Unused1 | ETableRight::Uninitialized);
        assert_eq!(all.to_string(), "Unused1 Uninitialized");
    }

    #[test]
    fn an_alias_is_read_as_its_target_and_written_as_the_target() {
        let m = ETableRight::parse_in("R F", Contract::Services88).unwrap();
        assert_eq!(m, ETableRight::Select | ETableRight::Filtering);
        assert_eq!(m.to_string(), "Select Filtering");
        assert_eq!(
            "Nullable".parse::<EFieldRight>().unwrap().to_string(),
            "Unused4"
        );
        assert!(ETableRight::is_alias("R") && !ETableRight::is_alias("Select"));
        assert_eq!(ETableRight::R, ETableRight::Select);
        assert_eq!(EFieldRight::Nullable, EFieldRight::Unused4);
    }

    #[test]
    fn what_a_version_carries() {
        for c in Contract::ALL {
            // The per-version cache is indexed by the version's place in Contract::ALL.
            assert_eq!(
                ETableRight::carried_by(c),
                carried_uncached::<ETableRight>(c)
            );
            assert_eq!(
                EFieldRight::carried_by(c),
                carried_uncached::<EFieldRight>(c)
            );
            // Aliases add no flag of their own: EFieldRight is the same in every version.
            assert_eq!(EFieldRight::carried_by(c).bits(), 0x1ff);
        }
        let old = ETableRight::carried_by(Contract::Services87);
        assert_eq!(old.bits(), 0x3f);
        assert_eq!(ETableRight::carried_by(Contract::Services88).bits(), 0xff);
        let m = ETableRight::Select | ETableRight::Unused1 | ETableRight::Uninitialized;
        assert_eq!(m.first_not_in(Contract::Services85), Some("Unused1"));
        assert_eq!(m.first_not_in(Contract::Services88), None);
        assert_eq!(m.fitted_to(Contract::Services85), ETableRight::Select);
        assert_eq!(m.fitted_to(Contract::Services88), m);
        assert_eq!(ETableRight::from_bits_truncate(0xffff).bits(), 0xff);
    }
}
