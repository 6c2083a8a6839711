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
    /// `TableRight`: what the caller may do with the relation as a whole (Carrier member).
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub table_right: Nillable<TableRight>,
    /// `FieldProperties`: per-field rights, types and lengths (Carrier member).
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_properties: Nillable<FieldPropertyDictionary>,
    /// `SourceContactId`: the id of the contact (company) the relation starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_contact_id: Option<i32>,
    /// `SourcePersonId`: the id of the person at the source contact, when the relation starts
    /// from a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_person_id: Option<i32>,
    /// `DestinationContactId`: the id of the contact the relation points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_contact_id: Option<i32>,
    /// `DestinationPersonId`: the id of the person at the destination contact, when the
    /// relation points to a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_person_id: Option<i32>,
    /// `RelationId`: the relation's own id; 0 or left out for a relation not yet saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<i32>,
    /// `Comment`: free text on the relation.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub comment: Nillable<String>,
    /// `RelationDefinitionId`: the id of the relation type (its definition holds the active and
    /// passive texts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_definition_id: Option<i32>,
    /// `Reversed`, an `xs:short`: non-zero when the relation is read from destination to
    /// source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversed: Option<i16>,
    /// `UpdatedDate`: when the relation was last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_date: Option<XsdDateTime>,
    /// `CreatedDate`: when the relation was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<XsdDateTime>,
    /// `CreatedBy`: the associate (user) who created the relation.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub created_by: Nillable<Associate>,
    /// `UpdatedBy`: the associate (user) who last changed the relation.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub updated_by: Nillable<Associate>,
    /// `SourceContactName`: the source contact's name, for display.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub source_contact_name: Nillable<String>,
    /// `SourcePersonName`: the source person's name, for display.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub source_person_name: Nillable<String>,
    /// `DestinationContactName`: the destination contact's name, for display.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub destination_contact_name: Nillable<String>,
    /// `DestinationPersonName`: the destination person's name, for display.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub destination_person_name: Nillable<String>,
    /// `ActiveText`: the relation type's text read from source to destination.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub active_text: Nillable<String>,
    /// `PassiveText`: the relation type's text read from destination to source.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub passive_text: Nillable<String>,
}

/// `tns:Associate` (extends `tns:Carrier`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Associate {
    /// `TableRight`: what the caller may do with the associate record (Carrier member).
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub table_right: Nillable<TableRight>,
    /// `FieldProperties`: per-field rights, types and lengths (Carrier member).
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_properties: Nillable<FieldPropertyDictionary>,
    /// `AssociateId`: the associate's (user's) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate_id: Option<i32>,
    /// `Name`: the associate's short (login) name.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub name: Nillable<String>,
    /// `PersonId`: the id of the person record behind the associate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i32>,
    /// `Rank`, an `xs:short`: the associate's place in sorted lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<i16>,
    /// `Tooltip`: a short description of the associate, for display.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub tooltip: Nillable<String>,
    /// `Type`: what kind of user the associate is.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "Type")]
    pub user_type: Option<UserType>,
    /// `GroupIdx`: the id of the associate's main user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_idx: Option<i32>,
    /// `FullName`: the associate's full name.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub full_name: Nillable<String>,
    /// `FormalName`: the associate's name in formal form.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub formal_name: Nillable<String>,
    /// `Deleted`: `true` for an associate that has been retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// `EjUserId`: the associate's user id in the customer-service module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ej_user_id: Option<i32>,
    /// `UserName` (Services86 on): the associate's user name.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub user_name: Nillable<String>,
    /// `ExtraFields` (Services88 on): extra fields by name.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub extra_fields: Nillable<StringDictionary>,
    /// `CustomFields` (Services88 on): custom fields by name.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub custom_fields: Nillable<StringDictionary>,
}

/// `tns:StringDictionary` (Services88 on): its `StringKeyValuePair`s in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StringDictionary(pub Vec<crate::model::KeyValue>);

/// `tns:UserType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserType {
    /// The type is not known.
    Unknown,
    /// A user of the installation (an employee).
    InternalAssociate,
    /// A resource, such as a room or a projector, booked like a user.
    ResourceAssociate,
    /// An external user, such as a customer with a login.
    ExternalAssociate,
    /// An anonymous user.
    AnonymousAssociate,
    /// A system user, used by the installation itself.
    SystemAssociate,
}

impl UserType {
    /// Every UserType, in the schema's enumeration order.
    pub const ALL: [UserType; 6] = [
        UserType::Unknown,
        UserType::InternalAssociate,
        UserType::ResourceAssociate,
        UserType::ExternalAssociate,
        UserType::AnonymousAssociate,
        UserType::SystemAssociate,
    ];

    /// The enumeration value as the wire writes it (`"InternalAssociate"`).
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
    /// `Mask`: the rights granted, a set of flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<ETableRight>,
    /// `Reason`: why the rights are limited, as the server words it.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub reason: Nillable<String>,
}

/// `tns:FieldRight`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldRight {
    /// `Mask`: the rights granted on the field, a set of flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<EFieldRight>,
    /// `Reason`: why the rights are limited, as the server words it.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub reason: Nillable<String>,
}

/// `tns:FieldProperty`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldProperty {
    /// `FieldRight`: what the caller may do with the field.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_right: Nillable<FieldRight>,
    /// `FieldType`: the field's type, as the server names it.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub field_type: Nillable<String>,
    /// `FieldLength`: the field's maximum length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_length: Option<i32>,
}

/// One `FieldPropertyDictionaryKeyValuePair`: `Key` and `Value` are both required and
/// nillable; `None` means nil.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPropertyEntry {
    /// `Key`: the field's name; `None` for a nil key.
    pub key: Option<String>,
    /// `Value`: the field's properties; `None` for a nil value.
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
