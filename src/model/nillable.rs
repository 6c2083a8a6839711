//! Three states of a nillable, optional member: left out, `xsi:nil="true"`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A member that is both optional (`minOccurs="0"`) and nillable (`nillable="true"`).
///
/// The three states are all distinct on the wire and in this model:
/// - [`Nillable::Absent`]: the element is not written at all;
/// - [`Nillable::Nil`]: the element is written with `xsi:nil="true"` and no content;
/// - [`Nillable::Value`]: the element holds a value. An empty string is
///   `Value(String::new())`, never `Nil`.
///
/// In JSON (serde) Absent is an omitted field (use
/// `#[serde(default, skip_serializing_if = "Nillable::is_absent")]`), Nil is `null` and a
/// value is the value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Nillable<T> {
    /// Not sent.
    #[default]
    Absent,
    /// Sent as `xsi:nil="true"`.
    Nil,
    /// Sent with a value.
    Value(T),
}

impl<T> Nillable<T> {
    /// Whether the element is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nillable::Absent)
    }

    /// Whether the element is sent as `xsi:nil="true"`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The same state, borrowing the value.
    pub fn as_ref(&self) -> Nillable<&T> {
        match self {
            Nillable::Absent => Nillable::Absent,
            Nillable::Nil => Nillable::Nil,
            Nillable::Value(v) => Nillable::Value(v),
        }
    }

    /// The same state, the value (if any) passed through `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nillable<U> {
        match self {
            Nillable::Absent => Nillable::Absent,
            Nillable::Nil => Nillable::Nil,
            Nillable::Value(v) => Nillable::Value(f(v)),
        }
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(v: T) -> Self {
        Nillable::Value(v)
    }
}

impl From<&str> for Nillable<String> {
    fn from(v: &str) -> Self {
        Nillable::Value(v.to_string())
    }
}

impl<T: Serialize> Serialize for Nillable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached when a field forgot `skip_serializing_if`: null is the closest.
            Nillable::Absent | Nillable::Nil => s.serialize_none(),
            Nillable::Value(v) => s.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nillable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Nillable::Nil,
            Some(v) => Nillable::Value(v),
        })
    }
}
