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
    /// The envelope's SOAP version, from its namespace.
    pub version: SoapVersion,
    /// Where the header blocks stood (inside `Header` or loose under `Envelope`).
    pub header_placement: HeaderPlacement,
    /// The header blocks: [`RequestHeaders`] or [`ResponseHeaders`].
    pub headers: H,
    /// The body: the operation's wrapper, or a [`Fault`].
    pub body: B,
}

/// The request wrappers of the four operations.
// The entity is held inline, as the model promises; a message holds one body.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RequestBody {
    /// `CreateDefaultContactRelationEntity`: asks for a new entity with the server's defaults;
    /// it has no members.
    CreateDefaultContactRelationEntity,
    /// `GetContactRelationEntity`: asks for one relation by id.
    GetContactRelationEntity {
        /// `ContactRelationEntityId`: the relation's id; `None` when left out.
        contact_relation_entity_id: Option<i32>,
    },
    /// `SaveContactRelation`: creates or updates a relation.
    SaveContactRelation {
        /// `ContactRelationEntity`: the relation to save (absent, nil or a value).
        contact_relation_entity: Nillable<ContactRelationEntity>,
    },
    /// `DeleteContactRelation`: deletes one relation by id.
    DeleteContactRelation {
        /// `ContactRelationEntityId`: the relation's id; `None` when left out.
        contact_relation_entity_id: Option<i32>,
    },
}

impl RequestBody {
    /// The operation this wrapper belongs to.
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
    /// `CreateDefaultContactRelationEntityResponse`: the new entity with the server's defaults.
    CreateDefaultContactRelationEntity {
        /// `Response`: the entity (absent, nil or a value).
        response: Nillable<ContactRelationEntity>,
    },
    /// `GetContactRelationEntityResponse`: the relation asked for.
    GetContactRelationEntity {
        /// `Response`: the relation (absent, nil or a value).
        response: Nillable<ContactRelationEntity>,
    },
    /// `SaveContactRelationResponse`: the relation as saved.
    SaveContactRelation {
        /// `Response`: the saved entity (absent, nil or a value).
        response: Nillable<ContactRelationEntity>,
    },
    /// `DeleteContactRelationResponse`: an empty element (it may not even hold whitespace).
    DeleteContactRelation,
}

impl ResponseBody {
    /// The operation this wrapper answers.
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
    /// The local part of the name (`Client`, `Server`, `Sender`, ...).
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
    /// The fault code (SOAP 1.1 `faultcode`, SOAP 1.2 `Code/Value`).
    pub code: FaultCode,
    /// SOAP 1.2 `Code/Subcode/Value`; always `None` in SOAP 1.1.
    pub subcode: Option<FaultCode>,
    /// The human-readable reason (`faultstring`, or the first `Reason/Text`).
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

/// A request envelope: request header blocks and one of the four request bodies.
pub type RequestEnvelope = Envelope<RequestHeaders, RequestBody>;
/// A response envelope: response header blocks and one of the four response bodies.
pub type ResponseEnvelope = Envelope<ResponseHeaders, ResponseBody>;
/// A fault envelope; its header blocks are read as response headers.
pub type FaultEnvelope = Envelope<ResponseHeaders, Fault>;

/// Any message of the Relation agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Message {
    /// A request to the service.
    Request(RequestEnvelope),
    /// A response from the service.
    Response(ResponseEnvelope),
    /// A SOAP Fault (how an unhandled server error arrives).
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

    /// Whether this is a request, a response or a fault.
    pub fn kind(&self) -> Kind {
        match self {
            Message::Request(_) => Kind::Request,
            Message::Response(_) => Kind::Response,
            Message::Fault(_) => Kind::Fault,
        }
    }

    /// The SOAP version of the envelope.
    pub fn version(&self) -> SoapVersion {
        match self {
            Message::Request(e) => e.version,
            Message::Response(e) => e.version,
            Message::Fault(e) => e.version,
        }
    }

    /// Where the header blocks stood in the envelope.
    pub fn header_placement(&self) -> HeaderPlacement {
        match self {
            Message::Request(e) => e.header_placement,
            Message::Response(e) => e.header_placement,
            Message::Fault(e) => e.header_placement,
        }
    }
}
