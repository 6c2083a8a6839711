//! The five versions of the contract (Services84 to Services88) as data: each version's
//! namespace, SOAPAction prefix and endpoint path, and the differences between them,
//! written once. After renaming the namespace the versions differ only by [`DIFFERENCES`]
//! (the WSDLs of every version, read side by side):
//!
//! - 84 -> 85 and 86 -> 87: nothing;
//! - 85 -> 86: Associate gains `UserName`;
//! - 87 -> 88: ETableRight gains Unused1, Uninitialized, R and F; EFieldRight gains
//!   Nullable; the main schema imports the Serialization namespace; Associate gains
//!   `ExtraFields` and `CustomFields` of the new type StringDictionary.
//!
//! [`super::table`] is the Services85 table (84 has the same); a version's view of a type
//! ([`members`], [`values`]) is the table plus the differences up to that version.

use super::table::{self, anon, dictionary, many, opt_nil, req_nil, tns, ComplexType, Member};
use super::table::{SimpleKind, STRING};
use serde::Serialize;
use std::fmt;

/// One version of the Relation agent's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Contract {
    /// `Services84`: the same contract as Services85 under its own namespace.
    Services84,
    /// `Services85`: the contract the tool was written for, and the default.
    Services85,
    /// `Services86`: Associate gains `UserName`.
    Services86,
    /// `Services87`: the same contract as Services86 under its own namespace.
    Services87,
    /// `Services88`: the current, documented version.
    Services88,
}

/// The Serialization namespace the 88 schema imports (the one of `IsDictionary`).
pub const NS_SERIALIZATION: &str = "http://schemas.microsoft.com/2003/10/Serialization/";

impl Contract {
    /// Every version, oldest first.
    pub const ALL: [Contract; 5] = [
        Contract::Services84,
        Contract::Services85,
        Contract::Services86,
        Contract::Services87,
        Contract::Services88,
    ];

    /// The version a payload in no known namespace is held to: Services85.
    pub const DEFAULT: Contract = Contract::Services85;

    /// The newest version: every version only adds to the one before.
    pub const LATEST: Contract = Contract::Services88;

    /// The version as reports write it: `Services85`.
    pub fn name(self) -> &'static str {
        match self {
            Contract::Services84 => "Services84",
            Contract::Services85 => "Services85",
            Contract::Services86 => "Services86",
            Contract::Services87 => "Services87",
            Contract::Services88 => "Services88",
        }
    }

    /// The version as the command line takes it: `services85`.
    pub fn arg(self) -> &'static str {
        match self {
            Contract::Services84 => "services84",
            Contract::Services85 => "services85",
            Contract::Services86 => "services86",
            Contract::Services87 => "services87",
            Contract::Services88 => "services88",
        }
    }

    /// The payload namespace (`http://www.superoffice.net/ws/crm/NetServer/ServicesNN`).
    pub fn namespace(self) -> &'static str {
        match self {
            Contract::Services84 => "http://www.superoffice.net/ws/crm/NetServer/Services84",
            Contract::Services85 => super::NS_SERVICES85,
            Contract::Services86 => "http://www.superoffice.net/ws/crm/NetServer/Services86",
            Contract::Services87 => "http://www.superoffice.net/ws/crm/NetServer/Services87",
            Contract::Services88 => "http://www.superoffice.net/ws/crm/NetServer/Services88",
        }
    }

    /// The SOAPAction prefix (the namespace, then `/Relation/`); the operation follows.
    pub fn action_prefix(self) -> &'static str {
        match self {
            Contract::Services84 => {
                "http://www.superoffice.net/ws/crm/NetServer/Services84/Relation/"
            }
            Contract::Services85 => super::ACTION_PREFIX,
            Contract::Services86 => {
                "http://www.superoffice.net/ws/crm/NetServer/Services86/Relation/"
            }
            Contract::Services87 => {
                "http://www.superoffice.net/ws/crm/NetServer/Services87/Relation/"
            }
            Contract::Services88 => {
                "http://www.superoffice.net/ws/crm/NetServer/Services88/Relation/"
            }
        }
    }

    /// The endpoint path a NetServer installation serves the agent on.
    pub fn endpoint_path(self) -> &'static str {
        match self {
            Contract::Services84 => "/Remote/Services84/Relation.svc",
            Contract::Services85 => "/Remote/Services85/Relation.svc",
            Contract::Services86 => "/Remote/Services86/Relation.svc",
            Contract::Services87 => "/Remote/Services87/Relation.svc",
            Contract::Services88 => "/Remote/Services88/Relation.svc",
        }
    }

    /// The version whose payload namespace is `ns`.
    pub fn from_namespace(ns: &str) -> Option<Contract> {
        Contract::ALL.into_iter().find(|c| c.namespace() == ns)
    }

    /// The version a SOAPAction's prefix names, with the rest of the action.
    pub fn from_action(action: &str) -> Option<(Contract, &str)> {
        Contract::ALL
            .into_iter()
            .find_map(|c| action.strip_prefix(c.action_prefix()).map(|rest| (c, rest)))
    }

    /// The version a command-line word names (`services88`, any case).
    pub fn from_arg(word: &str) -> Option<Contract> {
        Contract::ALL
            .into_iter()
            .find(|c| c.arg().eq_ignore_ascii_case(word))
    }

    /// The differences this version has over Services84 (oldest first).
    pub fn differences(self) -> impl Iterator<Item = &'static Difference> {
        DIFFERENCES.iter().filter(move |d| d.since <= self)
    }
}

impl Default for Contract {
    fn default() -> Contract {
        Contract::DEFAULT
    }
}

impl fmt::Display for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which version a document is held to: one named, or `Auto` (the default), chosen by the
/// payload namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContractChoice {
    /// The version the payload's namespace names (the Body's element first, then the
    /// header blocks); Services85 when none names one.
    #[default]
    Auto,
    /// This version, whatever the payload says.
    Fixed(Contract),
}

impl ContractChoice {
    /// `auto` or a version's command-line word.
    pub fn from_arg(word: &str) -> Option<ContractChoice> {
        if word.eq_ignore_ascii_case("auto") {
            Some(ContractChoice::Auto)
        } else {
            Contract::from_arg(word).map(ContractChoice::Fixed)
        }
    }

    /// The choice as the command line writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractChoice::Auto => "auto",
            ContractChoice::Fixed(c) => c.arg(),
        }
    }

    /// The version applied, given the one the payload's namespace names.
    pub fn resolve(self, detected: Option<Contract>) -> Contract {
        match self {
            ContractChoice::Fixed(c) => c,
            ContractChoice::Auto => detected.unwrap_or(Contract::DEFAULT),
        }
    }
}

/// What one version changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A member added to a complex type, right after `after`.
    Member {
        /// The complex type that gains it.
        owner: &'static str,
        /// The member it follows.
        after: &'static str,
        /// The new member.
        member: Member,
    },
    /// An enumeration value added (at the end) to a simple type; `explicit` is the
    /// `EnumerationValue` the WSDL gives it (otherwise a flag's value is 2^position).
    Value {
        /// The simple type that gains it.
        owner: &'static str,
        /// The value.
        value: &'static str,
        /// The serialized numeric value when the WSDL names one.
        explicit: Option<u64>,
    },
    /// A complex type added (with its global element, nillable), after `after`'s element.
    Type {
        /// The new type.
        ty: &'static ComplexType,
        /// Its anonymous item type (a dictionary's key/value pair), if any.
        item: Option<&'static ComplexType>,
        /// The global element it follows in the schema.
        after: &'static str,
    },
    /// The main schema imports another namespace.
    Import {
        /// The namespace imported.
        namespace: &'static str,
    },
}

/// One difference between consecutive versions: `since` is the first version that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Difference {
    /// The first version with the change.
    pub since: Contract,
    /// The change.
    pub change: Change,
}

impl Difference {
    /// Where the change is, as an element path inside the type it changes
    /// (`Associate/UserName`, `ETableRight/Unused1`, `StringDictionary`, `schema/import`).
    pub fn path(&self) -> String {
        match self.change {
            Change::Member { owner, member, .. } => format!("{owner}/{}", member.name),
            Change::Value { owner, value, .. } => format!("{owner}/{value}"),
            Change::Type { ty, .. } => ty.name.to_string(),
            Change::Import { .. } => "schema/import".to_string(),
        }
    }
}

const STRING_DICTIONARY: ComplexType = dictionary(
    "StringDictionary",
    &[many("StringKeyValuePair", anon("StringKeyValuePair"))],
);
const STRING_KEY_VALUE_PAIR: ComplexType = table::anonymous(
    "StringKeyValuePair",
    &[req_nil("Key", STRING), req_nil("Value", STRING)],
);

const fn value(owner: &'static str, value: &'static str, explicit: Option<u64>) -> Difference {
    Difference {
        since: Contract::Services88,
        change: Change::Value {
            owner,
            value,
            explicit,
        },
    }
}

/// Every difference between the versions, oldest first; inside a version, in the order of
/// the schema.
pub static DIFFERENCES: &[Difference] = &[
    Difference {
        since: Contract::Services86,
        change: Change::Member {
            owner: "Associate",
            after: "EjUserId",
            member: opt_nil("UserName", STRING),
        },
    },
    Difference {
        since: Contract::Services88,
        change: Change::Import {
            namespace: NS_SERIALIZATION,
        },
    },
    value("ETableRight", "Unused1", None),
    value("ETableRight", "Uninitialized", None),
    value("ETableRight", "R", Some(1)),
    value("ETableRight", "F", Some(16)),
    value("EFieldRight", "Nullable", Some(32)),
    Difference {
        since: Contract::Services88,
        change: Change::Member {
            owner: "Associate",
            after: "UserName",
            member: opt_nil("ExtraFields", tns("StringDictionary")),
        },
    },
    Difference {
        since: Contract::Services88,
        change: Change::Member {
            owner: "Associate",
            after: "ExtraFields",
            member: opt_nil("CustomFields", tns("StringDictionary")),
        },
    },
    Difference {
        since: Contract::Services88,
        change: Change::Type {
            ty: &STRING_DICTIONARY,
            item: Some(&STRING_KEY_VALUE_PAIR),
            after: "UserType",
        },
    },
];

/// The differences a move from `from` to `to` crosses (either direction), oldest first.
pub fn between(from: Contract, to: Contract) -> impl Iterator<Item = &'static Difference> {
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    DIFFERENCES
        .iter()
        .filter(move |d| d.since > lo && d.since <= hi)
}

/// The members of a complex type in `contract`, in sequence order (`None`: the version
/// has no such type).
pub fn members(contract: Contract, type_name: &str) -> Option<Vec<Member>> {
    let mut out: Vec<Member> = match table::complex_type(type_name) {
        Some(t) => t.members.to_vec(),
        None => added_type(contract, type_name)?.members.to_vec(),
    };
    for d in contract.differences() {
        if let Change::Member {
            owner,
            after,
            member,
        } = d.change
        {
            if owner == type_name {
                let at = out
                    .iter()
                    .position(|m| m.name == after)
                    .map_or(out.len(), |i| i + 1);
                out.insert(at, member);
            }
        }
    }
    Some(out)
}

/// A complex type as `contract` has it, with its members in sequence order: the table's
/// own where the version changes nothing, else made once per process and version.
pub fn complex_type(contract: Contract, name: &str) -> Option<&'static ComplexType> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    let changed = contract
        .differences()
        .any(|d| matches!(d.change, Change::Member { owner, .. } if owner == name));
    if !changed {
        return table::complex_type(name).or_else(|| added_type(contract, name));
    }
    type Made = HashMap<(Contract, String), &'static ComplexType>;
    static MADE: OnceLock<Mutex<Made>> = OnceLock::new();
    let made = MADE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut made = made.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(t) = made.get(&(contract, name.to_string())) {
        return Some(t);
    }
    let base = table::complex_type(name)?;
    let members: &'static [Member] = Box::leak(members(contract, name)?.into_boxed_slice());
    // Bounded: one per version and changed type (Associate), made once.
    let t: &'static ComplexType = Box::leak(Box::new(ComplexType { members, ..*base }));
    made.insert((contract, name.to_string()), t);
    Some(t)
}

/// A complex type that `contract` adds to the Services85 table (named or anonymous).
pub fn added_type(contract: Contract, name: &str) -> Option<&'static ComplexType> {
    contract.differences().find_map(|d| match d.change {
        Change::Type { ty, item, .. } => [Some(ty), item]
            .into_iter()
            .flatten()
            .find(|t| t.name == name),
        _ => None,
    })
}

/// The enumeration values of a simple type in `contract`, in schema order.
pub fn values(contract: Contract, type_name: &str) -> Option<Vec<&'static str>> {
    let mut out = table::simple_type(type_name)?.values().to_vec();
    for d in contract.differences() {
        if let Change::Value { owner, value, .. } = d.change {
            if owner == type_name {
                out.push(value);
            }
        }
    }
    Some(out)
}

/// The first version whose enumeration of `type_name` has `value` (`None`: no version).
pub fn value_since(type_name: &str, value: &str) -> Option<Contract> {
    if base_values(type_name).contains(&value) {
        return Some(Contract::Services84);
    }
    added_values(type_name).find_map(|(v, since)| (v == value).then_some(since))
}

/// The values every version has (the table's), without allocating (masks are read and
/// written in the hot path of decode and encode).
pub fn base_values(type_name: &str) -> &'static [&'static str] {
    table::simple_type(type_name).map_or(&[], |t| t.values())
}

/// The values later versions add, each with the first version that has it.
pub fn added_values(type_name: &str) -> impl Iterator<Item = (&'static str, Contract)> + '_ {
    DIFFERENCES.iter().filter_map(move |d| match d.change {
        Change::Value { owner, value, .. } if owner == type_name => Some((value, d.since)),
        _ => None,
    })
}

/// The numeric value WCF gives a flag value of a list type in `contract`: the WSDL's
/// `EnumerationValue` if it names one, else 2 to the power of the value's position.
pub fn flag_value(contract: Contract, type_name: &str, value: &str) -> Option<u64> {
    let simple = table::simple_type(type_name)?;
    if !matches!(simple.kind, SimpleKind::List { .. }) {
        return None;
    }
    let explicit = contract.differences().find_map(|d| match d.change {
        Change::Value {
            owner,
            value: v,
            explicit,
        } if owner == type_name && v == value => Some(explicit),
        _ => None,
    });
    let at = values(contract, type_name)?
        .iter()
        .position(|v| *v == value)?;
    match explicit.flatten() {
        Some(n) => Some(n),
        None => 1u64.checked_shl(u32::try_from(at).ok()?),
    }
}

/// The earlier value of the same flag type with the same numeric value, if any: WCF writes
/// the first matching name, so a value with such an alias never reaches the wire.
pub fn alias_of(contract: Contract, type_name: &str, value: &str) -> Option<&'static str> {
    let n = flag_value(contract, type_name, value)?;
    values(contract, type_name)?
        .into_iter()
        .take_while(|v| *v != value)
        .find(|v| flag_value(contract, type_name, v) == Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_namespaces_and_paths_follow_the_number() {
        for c in Contract::ALL {
            let n = &c.name()[8..];
            assert!(c.namespace().ends_with(&format!("/Services{n}")));
            assert_eq!(c.action_prefix(), format!("{}/Relation/", c.namespace()));
            assert_eq!(
                c.endpoint_path(),
                format!("/Remote/Services{n}/Relation.svc")
            );
            assert_eq!(Contract::from_namespace(c.namespace()), Some(c));
            assert_eq!(Contract::from_arg(c.arg()), Some(c));
            assert_eq!(Contract::from_arg(c.name()), Some(c));
            assert_eq!(
                ContractChoice::from_arg(c.arg()),
                Some(ContractChoice::Fixed(c))
            );
        }
        assert_eq!(ContractChoice::from_arg("AUTO"), Some(ContractChoice::Auto));
        assert_eq!(ContractChoice::from_arg("services83"), None);
        assert_eq!(ContractChoice::Auto.resolve(None), Contract::Services85);
    }

    #[test]
    fn members_grow_by_version() {
        let names = |c| -> Vec<&str> {
            members(c, "Associate")
                .unwrap_or_default()
                .iter()
                .map(|m| m.name)
                .collect()
        };
        assert_eq!(names(Contract::Services84), names(Contract::Services85));
        assert_eq!(names(Contract::Services85).last(), Some(&"EjUserId"));
        assert_eq!(names(Contract::Services87).last(), Some(&"UserName"));
        assert_eq!(
            names(Contract::Services88)[13..],
            ["UserName", "ExtraFields", "CustomFields"]
        );
        assert!(members(Contract::Services87, "StringDictionary").is_none());
        assert!(members(Contract::Services88, "StringKeyValuePair").is_some());
    }

    #[test]
    fn only_unused1_and_uninitialized_reach_the_wire() {
        let c = Contract::Services88;
        assert_eq!(flag_value(c, "ETableRight", "Unused1"), Some(64));
        assert_eq!(flag_value(c, "ETableRight", "Uninitialized"), Some(128));
        assert_eq!(alias_of(c, "ETableRight", "R"), Some("Select"));
        assert_eq!(alias_of(c, "ETableRight", "F"), Some("Filtering"));
        assert_eq!(alias_of(c, "ETableRight", "Unused1"), None);
        assert_eq!(alias_of(c, "EFieldRight", "Nullable"), Some("Unused4"));
        assert_eq!(
            values(Contract::Services87, "ETableRight").map(|v| v.len()),
            Some(6)
        );
    }

    #[test]
    fn between_takes_the_differences_crossed() {
        let n = |a, b| between(a, b).count();
        assert_eq!(n(Contract::Services84, Contract::Services85), 0);
        assert_eq!(n(Contract::Services85, Contract::Services86), 1);
        assert_eq!(n(Contract::Services86, Contract::Services87), 0);
        assert_eq!(
            n(Contract::Services85, Contract::Services88),
            DIFFERENCES.len()
        );
        assert_eq!(
            n(Contract::Services88, Contract::Services87),
            DIFFERENCES.len() - 1
        );
    }
}
