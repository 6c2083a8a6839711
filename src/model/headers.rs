//! SOAP header blocks of the Relation agent.

use super::Nillable;
use serde::{Deserialize, Serialize};

/// `tns:SoCredentials` (header block `Credentials`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoCredentials {
    /// `Ticket`: the session ticket a logged-in client sends; a secret, masked in every output.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub ticket: Nillable<String>,
}

/// `tns:SoTimeZone` (header block `TimeZone`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoTimeZone {
    /// `SoTimeZoneId`: SuperOffice's id of the time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub so_time_zone_id: Option<i32>,
    /// `SoTimeZoneLocationCode`: the time zone's location code.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub so_time_zone_location_code: Nillable<String>,
}

/// A Key/Value pair of `SoExceptionInfoParameters` or `SoExtraInfo`; both required and
/// nillable, `None` = nil.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyValue {
    /// `Key`; `None` for nil.
    pub key: Option<String>,
    /// `Value`; `None` for nil.
    pub value: Option<String>,
}

impl KeyValue {
    /// A pair with both a key and a value (neither nil).
    pub fn new(key: &str, value: &str) -> Self {
        KeyValue {
            key: Some(key.to_string()),
            value: Some(value.to_string()),
        }
    }
}

/// `tns:SoExceptionInfo` (header block `ExceptionInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoExceptionInfo {
    /// `Message`: the error message.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub message: Nillable<String>,
    /// `StackTrace`: the server's stack trace, as text.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub stack_trace: Nillable<String>,
    /// `FriendlyText`: a message meant for an end user.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub friendly_text: Nillable<String>,
    /// `ExceptionType`: the server's name for the kind of error.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub exception_type: Nillable<String>,
    /// `Source`: where the error was raised, as the server names it.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub source: Nillable<String>,
    /// `InnerException`: the error that caused this one, of the same type.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub inner_exception: Nillable<Box<SoExceptionInfo>>,
    /// `SoExceptionInfoParameters`: its `SoExceptionInfoParametersKeyValuePair`s in order.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub parameters: Nillable<Vec<KeyValue>>,
}

/// `tns:SoExtraInfo` (header block `ExtraInfo`): its `ExtraInfoNameValuePair`s in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SoExtraInfo(pub Vec<KeyValue>);

/// The request header blocks. `Absent` = the block is not sent. A block sent more than once
/// (the SOAP envelope schema allows it) holds the first copy; the decoder checks every copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RequestHeaders {
    /// `ApplicationToken`: the application's token (needed by Online installations only); a
    /// secret, masked in every output.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub application_token: Nillable<String>,
    /// `Credentials`: the ticket of the logged-in session.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub credentials: Nillable<SoCredentials>,
    /// `TimeZone`: the client's time zone.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub time_zone: Nillable<SoTimeZone>,
}

/// The response header blocks. `Absent`/`None` = the block is not sent (`Succeeded` is
/// not nillable). A block sent more than once holds the first copy; the decoder checks
/// every copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseHeaders {
    /// `ExceptionInfo`: the service error, when the call failed.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub exception_info: Nillable<SoExceptionInfo>,
    /// `ExtraInfo`: further name/value pairs from the server.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub extra_info: Nillable<SoExtraInfo>,
    /// `Succeeded`: whether the call succeeded; `None` when the block is not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<bool>,
    /// `TimeZone`: the time zone the server answered in.
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub time_zone: Nillable<SoTimeZone>,
}
