//! The facts of the contract that every stage shares: namespaces, SOAP versions, the four
//! operations of the Relation agent, the kinds of message, and the validation profiles;
//! [`table`] holds every type, member, header block and wrapper of the schema.

use serde::Serialize;
use std::fmt;

pub mod table;
pub mod versions;

pub use versions::{Contract, ContractChoice};

/// The payload namespace (`elementFormDefault="qualified"`: every payload element is in it).
pub const NS_SERVICES85: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85";
/// SOAP 1.1 envelope namespace: what the wire (BasicHttpBinding) speaks.
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace: what the documentation's examples use.
pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// XML Schema instance namespace (`xsi:nil`, `xsi:type`).
pub const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// XML Schema namespace (`xsd:int` in `xsi:type` values).
pub const NS_XSD: &str = "http://www.w3.org/2001/XMLSchema";
/// The SOAPAction prefix; the operation name follows.
pub const ACTION_PREFIX: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/";

/// The SOAP version of an envelope, known by its namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum SoapVersion {
    /// SOAP 1.1 (`http://schemas.xmlsoap.org/soap/envelope/`): what the service speaks.
    #[default]
    #[serde(rename = "1.1")]
    V11,
    /// SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`): what the documentation's examples
    /// use.
    #[serde(rename = "1.2")]
    V12,
}

impl SoapVersion {
    /// The envelope namespace of this version.
    pub fn namespace(self) -> &'static str {
        match self {
            SoapVersion::V11 => NS_SOAP11,
            SoapVersion::V12 => NS_SOAP12,
        }
    }

    /// The version whose envelope namespace is `ns`; `None` for any other namespace.
    pub fn from_namespace(ns: &str) -> Option<SoapVersion> {
        match ns {
            NS_SOAP11 => Some(SoapVersion::V11),
            NS_SOAP12 => Some(SoapVersion::V12),
            _ => None,
        }
    }

    /// The version as reports write it: `"1.1"` or `"1.2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SoapVersion::V11 => "1.1",
            SoapVersion::V12 => "1.2",
        }
    }
}

impl fmt::Display for SoapVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four operations of the Relation agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Operation {
    /// `CreateDefaultContactRelationEntity`: a new, unsaved entity with the server's defaults.
    CreateDefaultContactRelationEntity,
    /// `GetContactRelationEntity`: one relation by id.
    GetContactRelationEntity,
    /// `SaveContactRelation`: create or update a relation.
    SaveContactRelation,
    /// `DeleteContactRelation`: delete a relation by id.
    DeleteContactRelation,
}

impl Operation {
    /// The four operations, in the WSDL's order.
    pub const ALL: [Operation; 4] = [
        Operation::CreateDefaultContactRelationEntity,
        Operation::GetContactRelationEntity,
        Operation::SaveContactRelation,
        Operation::DeleteContactRelation,
    ];

    /// The operation name, which is also the request wrapper's local name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateDefaultContactRelationEntity => "CreateDefaultContactRelationEntity",
            Operation::GetContactRelationEntity => "GetContactRelationEntity",
            Operation::SaveContactRelation => "SaveContactRelation",
            Operation::DeleteContactRelation => "DeleteContactRelation",
        }
    }

    /// The response wrapper's local name.
    pub fn response_name(self) -> &'static str {
        match self {
            Operation::CreateDefaultContactRelationEntity => {
                "CreateDefaultContactRelationEntityResponse"
            }
            Operation::GetContactRelationEntity => "GetContactRelationEntityResponse",
            Operation::SaveContactRelation => "SaveContactRelationResponse",
            Operation::DeleteContactRelation => "DeleteContactRelationResponse",
        }
    }

    /// The SOAPAction of the request (the response's is this with `Response` appended).
    pub fn soap_action(self) -> String {
        format!("{ACTION_PREFIX}{}", self.name())
    }

    /// The SOAPAction of the request in a contract version.
    pub fn soap_action_in(self, contract: Contract) -> String {
        format!("{}{}", contract.action_prefix(), self.name())
    }

    /// The SOAPAction of the response in a contract version.
    pub fn response_soap_action_in(self, contract: Contract) -> String {
        format!("{}{}", contract.action_prefix(), self.response_name())
    }

    /// The one SOAPAction-to-operation mapping: the operation a SOAPAction names, and
    /// whether it is the request's action or the response's (`...Response`). The value is
    /// taken as it stands after unquoting (surrounding spaces and one pair of `"` are not
    /// part of the action).
    pub fn from_soap_action(action: &str) -> Option<(Operation, Kind)> {
        let action = action.trim();
        let action = action
            .strip_prefix('"')
            .and_then(|a| a.strip_suffix('"'))
            .unwrap_or(action);
        Operation::from_wrapper(action.strip_prefix(ACTION_PREFIX)?)
    }

    /// The SOAPAction of the response (WCF writes it as the reply's action).
    pub fn response_soap_action(self) -> String {
        format!("{ACTION_PREFIX}{}", self.response_name())
    }

    /// Recognises a Body child's local name: the operation and whether it is a request or
    /// a response wrapper.
    pub fn from_wrapper(local: &str) -> Option<(Operation, Kind)> {
        Operation::ALL.iter().find_map(|op| {
            if op.name() == local {
                Some((*op, Kind::Request))
            } else if op.response_name() == local {
                Some((*op, Kind::Response))
            } else {
                None
            }
        })
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A request to the service (a request wrapper in `Body`).
    Request,
    /// A response from the service (a response wrapper in `Body`).
    Response,
    /// A SOAP Fault.
    Fault,
}

impl Kind {
    /// The kind as reports write it: `"request"`, `"response"` or `"fault"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Fault => "fault",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which shape of envelope a document is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Chosen by the envelope's namespace: SOAP 1.1 is held to `wire`, SOAP 1.2 to
    /// `documented`. The report always names the profile that was applied.
    #[default]
    Auto,
    /// What the service speaks (WSDL, BasicHttpBinding, WS-I Basic Profile): SOAP 1.1,
    /// header blocks inside `Header`, exactly one `Body` and nothing after it.
    Wire,
    /// The documentation's shape: SOAP 1.2 namespace, header blocks loose under `Envelope`
    /// before `Body` (a `Header` element is accepted too).
    Documented,
}

impl Profile {
    /// The profile's name as the command line and reports write it: `"auto"`, `"wire"` or
    /// `"documented"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Auto => "auto",
            Profile::Wire => "wire",
            Profile::Documented => "documented",
        }
    }

    /// The profile `auto` resolves to for an envelope of this version.
    pub fn resolve(self, version: Option<SoapVersion>) -> Profile {
        match (self, version) {
            (Profile::Auto, Some(SoapVersion::V12)) => Profile::Documented,
            (Profile::Auto, _) => Profile::Wire,
            (p, _) => p,
        }
    }

    /// The SOAP version the (resolved) profile expects.
    pub fn soap_version(self) -> SoapVersion {
        match self {
            Profile::Documented => SoapVersion::V12,
            _ => SoapVersion::V11,
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The request header blocks the WSDL declares (`*Request_Headers` messages): the names of
/// [`table::REQUEST_HEADER_BLOCKS`].
pub const REQUEST_HEADERS: [&str; 3] = {
    let b = table::REQUEST_HEADER_BLOCKS;
    [b[0].name, b[1].name, b[2].name]
};
/// The response header blocks the WSDL declares (`*Response_Headers` messages): the names
/// of [`table::RESPONSE_HEADER_BLOCKS`].
pub const RESPONSE_HEADERS: [&str; 4] = {
    let b = table::RESPONSE_HEADER_BLOCKS;
    [b[0].name, b[1].name, b[2].name, b[3].name]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_map_to_operation_and_kind() {
        assert_eq!(
            Operation::from_wrapper("SaveContactRelationResponse"),
            Some((Operation::SaveContactRelation, Kind::Response))
        );
        assert_eq!(
            Operation::from_wrapper("DeleteContactRelation"),
            Some((Operation::DeleteContactRelation, Kind::Request))
        );
        assert_eq!(Operation::from_wrapper("SaveContact"), None);
    }

    #[test]
    fn spellings_are_the_stable_ones_and_display_writes_them() {
        let versions = [(SoapVersion::V11, "1.1"), (SoapVersion::V12, "1.2")];
        for (v, s) in versions {
            assert_eq!((v.as_str(), v.to_string()), (s, s.to_string()));
            assert_eq!(SoapVersion::from_namespace(v.namespace()), Some(v));
        }
        for (k, s) in [
            (Kind::Request, "request"),
            (Kind::Response, "response"),
            (Kind::Fault, "fault"),
        ] {
            assert_eq!((k.as_str(), k.to_string()), (s, s.to_string()));
        }
        for (p, s, v) in [
            (Profile::Auto, "auto", SoapVersion::V11),
            (Profile::Wire, "wire", SoapVersion::V11),
            (Profile::Documented, "documented", SoapVersion::V12),
        ] {
            assert_eq!((p.as_str(), p.to_string()), (s, s.to_string()));
            assert_eq!(p.soap_version(), v);
        }
        for op in Operation::ALL {
            assert_eq!(op.to_string(), op.name());
        }
    }

    #[test]
    fn soap_actions_map_back_to_their_operation() {
        for op in Operation::ALL {
            assert_eq!(
                Operation::from_soap_action(&op.soap_action()),
                Some((op, Kind::Request))
            );
            assert_eq!(
                Operation::from_soap_action(&format!(" \"{}\" ", op.response_soap_action())),
                Some((op, Kind::Response))
            );
        }
        assert_eq!(Operation::from_soap_action("SaveContactRelation"), None);
        assert_eq!(
            Operation::from_soap_action(&format!("{ACTION_PREFIX}SaveContact")),
            None
        );
        assert_eq!(
            Operation::from_soap_action(&format!("\"{ACTION_PREFIX}SaveContactRelation")),
            None
        );
    }

    #[test]
    fn auto_resolves_by_version() {
        assert_eq!(
            Profile::Auto.resolve(Some(SoapVersion::V12)),
            Profile::Documented
        );
        assert_eq!(Profile::Auto.resolve(Some(SoapVersion::V11)), Profile::Wire);
        assert_eq!(Profile::Auto.resolve(None), Profile::Wire);
        assert_eq!(Profile::Wire.resolve(Some(SoapVersion::V12)), Profile::Wire);
    }
}
