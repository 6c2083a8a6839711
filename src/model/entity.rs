//! The payload types: `ContactRelationEntity`, `Associate` and their parts.
//!
//! Members are declared in the schema's sequence order (the Carrier members `TableRight`
//! and `FieldProperties` first). Nillable members are [`Nillable`]; non-nillable ones
//! (int, short, dateTime, boolean, enum, mask) are `Option`: they may be left out but can
//! never be nil. JSON field names are the REST API's PascalCase names; unknown JSON fields
//! (such as the REST-only `UserName`) are ignored.

use super::{EFieldRight, ETableRight, Nillable, XsdDateTime};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// `tns:ContactRelationEntity` (extends `tns:Carrier`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactRelationEntity {
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub table_right: Nillable<TableRight>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_properties: Nillable<FieldPropertyDictionary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_contact_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_person_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_contact_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_person_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub comment: Nillable<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_definition_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversed: Option<i16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_date: Option<XsdDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<XsdDateTime>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub created_by: Nillable<Associate>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub updated_by: Nillable<Associate>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub source_contact_name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub source_person_name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub destination_contact_name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub destination_person_name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub active_text: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub passive_text: Nillable<String>,
}

/// `tns:Associate` (extends `tns:Carrier`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Associate {
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub table_right: Nillable<TableRight>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_properties: Nillable<FieldPropertyDictionary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<i16>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub tooltip: Nillable<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "Type")]
    pub user_type: Option<UserType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_idx: Option<i32>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub full_name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub formal_name: Nillable<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ej_user_id: Option<i32>,
}

/// `tns:UserType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserType {
    Unknown,
    InternalAssociate,
    ResourceAssociate,
    ExternalAssociate,
    AnonymousAssociate,
    SystemAssociate,
}

impl UserType {
    pub const ALL: [UserType; 6] = [
        UserType::Unknown,
        UserType::InternalAssociate,
        UserType::ResourceAssociate,
        UserType::ExternalAssociate,
        UserType::AnonymousAssociate,
        UserType::SystemAssociate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Unknown => "Unknown",
            UserType::InternalAssociate => "InternalAssociate",
            UserType::ResourceAssociate => "ResourceAssociate",
            UserType::ExternalAssociate => "ExternalAssociate",
            UserType::AnonymousAssociate => "AnonymousAssociate",
            UserType::SystemAssociate => "SystemAssociate",
        }
    }
}

impl FromStr for UserType {
    type Err = ();

    /// Exact match: the enumeration restricts `xs:string`, whose whitespace is preserved,
    /// so `" Unknown"` is not a UserType (as an XSD validator sees it too).
    fn from_str(s: &str) -> Result<Self, ()> {
        UserType::ALL
            .iter()
            .copied()
            .find(|u| u.as_str() == s)
            .ok_or(())
    }
}

impl fmt::Display for UserType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `tns:TableRight`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableRight {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<ETableRight>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub reason: Nillable<String>,
}

/// `tns:FieldRight`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldRight {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<EFieldRight>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub reason: Nillable<String>,
}

/// `tns:FieldProperty`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldProperty {
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_right: Nillable<FieldRight>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_type: Nillable<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_length: Option<i32>,
}

/// One `FieldPropertyDictionaryKeyValuePair`: `Key` and `Value` are both required and
/// nillable; `None` means nil.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPropertyEntry {
    pub key: Option<String>,
    pub value: Option<FieldProperty>,
}

/// `tns:FieldPropertyDictionary`: the pairs in wire order (duplicates kept: the schema
/// does not forbid them).
///
/// In JSON it is an object `{ key: FieldProperty | null }` like the REST API's. A nil key
/// cannot be a JSON object key: serializing such an entry is a serde error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPropertyDictionary(pub Vec<FieldPropertyEntry>);

impl Serialize for FieldPropertyDictionary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for e in &self.0 {
            let Some(k) = &e.key else {
                return Err(serde::ser::Error::custom(
                    "a FieldProperties entry with a nil Key cannot be written as a JSON object key",
                ));
            };
            m.serialize_entry(k, &e.value)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for FieldPropertyDictionary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FieldPropertyDictionary;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of field name to FieldProperty")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, Option<FieldProperty>>()? {
                    out.push(FieldPropertyEntry {
                        key: Some(k),
                        value: v,
                    });
                }
                Ok(FieldPropertyDictionary(out))
            }
        }
        d.deserialize_map(V)
    }
}
