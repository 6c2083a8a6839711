//! SOAP header blocks of the Relation agent.

use super::Nillable;
use serde::{Deserialize, Serialize};

/// `tns:SoCredentials` (header block `Credentials`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoCredentials {
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub ticket: Nillable<String>,
}

/// `tns:SoTimeZone` (header block `TimeZone`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoTimeZone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub so_time_zone_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub so_time_zone_location_code: Nillable<String>,
}

/// A Key/Value pair of `SoExceptionInfoParameters` or `SoExtraInfo`; both required and
/// nillable, `None` = nil.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyValue {
    pub key: Option<String>,
    pub value: Option<String>,
}

impl KeyValue {
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
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub message: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub stack_trace: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub friendly_text: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub exception_type: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub source: Nillable<String>,
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
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub application_token: Nillable<String>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub credentials: Nillable<SoCredentials>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub time_zone: Nillable<SoTimeZone>,
}

/// The response header blocks. `Absent`/`None` = the block is not sent (`Succeeded` is
/// not nillable). A block sent more than once holds the first copy; the decoder checks
/// every copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseHeaders {
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub exception_info: Nillable<SoExceptionInfo>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub extra_info: Nillable<SoExtraInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<bool>,
    #[serde(default, skip_serializing_if = "Nillable::is_absent")]
    pub time_zone: Nillable<SoTimeZone>,
}
