//! Bodies, envelopes, faults and the [`Message`] that decode returns.

use super::{ContactRelationEntity, Nillable, RequestHeaders, ResponseHeaders};
use crate::contract::{Kind, Operation, SoapVersion};
use serde::Serialize;

/// Where the header blocks stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderPlacement {
    /// Inside `Header`: what the wire does (and what SOAP requires).
    #[default]
    InHeader,
    /// Directly under `Envelope`, before `Body`, with no `Header` element: the shape of the
    /// documentation's examples.
    Loose,
}

/// A SOAP envelope: version, header placement, header blocks and body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope<H, B> {
    pub version: SoapVersion,
    pub header_placement: HeaderPlacement,
    pub headers: H,
    pub body: B,
}

/// The request wrappers of the four operations.
// The entity is held inline, as the model promises; a message holds one body.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RequestBody {
    CreateDefaultContactRelationEntity,
    GetContactRelationEntity {
        contact_relation_entity_id: Option<i32>,
    },
    SaveContactRelation {
        contact_relation_entity: Nillable<ContactRelationEntity>,
    },
    DeleteContactRelation {
        contact_relation_entity_id: Option<i32>,
    },
}

impl RequestBody {
    pub fn operation(&self) -> Operation {
        match self {
            RequestBody::CreateDefaultContactRelationEntity => {
                Operation::CreateDefaultContactRelationEntity
            }
            RequestBody::GetContactRelationEntity { .. } => Operation::GetContactRelationEntity,
            RequestBody::SaveContactRelation { .. } => Operation::SaveContactRelation,
            RequestBody::DeleteContactRelation { .. } => Operation::DeleteContactRelation,
        }
    }
}

/// The response wrappers of the four operations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ResponseBody {
    CreateDefaultContactRelationEntity {
        response: Nillable<ContactRelationEntity>,
    },
    GetContactRelationEntity {
        response: Nillable<ContactRelationEntity>,
    },
    SaveContactRelation {
        response: Nillable<ContactRelationEntity>,
    },
    DeleteContactRelation,
}

impl ResponseBody {
    pub fn operation(&self) -> Operation {
        match self {
            ResponseBody::CreateDefaultContactRelationEntity { .. } => {
                Operation::CreateDefaultContactRelationEntity
            }
            ResponseBody::GetContactRelationEntity { .. } => Operation::GetContactRelationEntity,
            ResponseBody::SaveContactRelation { .. } => Operation::SaveContactRelation,
            ResponseBody::DeleteContactRelation => Operation::DeleteContactRelation,
        }
    }
}

/// A qualified name as a fault code carries it, its prefix resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FaultCode {
    /// The namespace the prefix was bound to; `None` for an unprefixed name with no
    /// default namespace in scope.
    pub namespace: Option<String>,
    pub local: String,
}

impl FaultCode {
    /// A code in the envelope's own namespace (`Client`/`Server` in 1.1,
    /// `Sender`/`Receiver` in 1.2).
    pub fn soap(version: SoapVersion, local: &str) -> Self {
        FaultCode {
            namespace: Some(version.namespace().to_string()),
            local: local.to_string(),
        }
    }
}

/// A SOAP Fault, of either version. The version is the envelope's
/// ([`Envelope::version`]).
///
/// SOAP 1.1: `faultcode` → `code`, `faultstring` → `reason`, `faultactor` → `role`,
/// `detail` → `detail`. SOAP 1.2: `Code/Value` → `code`, `Code/Subcode/Value` → `subcode`
/// (deeper subcodes are checked but not kept), the first `Reason/Text` → `reason`, `Node`,
/// `Role`, `Detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fault {
    pub code: FaultCode,
    pub subcode: Option<FaultCode>,
    pub reason: String,
    /// SOAP 1.2 `Node` (not in SOAP 1.1: ignored when encoding 1.1).
    pub node: Option<String>,
    /// SOAP 1.1 `faultactor` / SOAP 1.2 `Role`.
    pub role: Option<String>,
    /// The detail element's content, markup as written (namespace declarations of
    /// ancestors are not carried along). Encoding writes it back verbatim: it must be
    /// well-formed XML content.
    pub detail: Option<String>,
}

pub type RequestEnvelope = Envelope<RequestHeaders, RequestBody>;
pub type ResponseEnvelope = Envelope<ResponseHeaders, ResponseBody>;
/// A fault envelope; its header blocks are read as response headers.
pub type FaultEnvelope = Envelope<ResponseHeaders, Fault>;

/// Any message of the Relation agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Message {
    Request(RequestEnvelope),
    Response(ResponseEnvelope),
    Fault(FaultEnvelope),
}

impl Message {
    /// The operation; `None` for a fault (its body does not say).
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Message::Request(e) => Some(e.body.operation()),
            Message::Response(e) => Some(e.body.operation()),
            Message::Fault(_) => None,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Message::Request(_) => Kind::Request,
            Message::Response(_) => Kind::Response,
            Message::Fault(_) => Kind::Fault,
        }
    }

    pub fn version(&self) -> SoapVersion {
        match self {
            Message::Request(e) => e.version,
            Message::Response(e) => e.version,
            Message::Fault(e) => e.version,
        }
    }

    pub fn header_placement(&self) -> HeaderPlacement {
        match self {
            Message::Request(e) => e.header_placement,
            Message::Response(e) => e.header_placement,
            Message::Fault(e) => e.header_placement,
        }
    }
}
