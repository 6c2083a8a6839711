//! The typed model of the contract: every type of the WSDL's schema, the header blocks, the
//! bodies of the four operations, envelopes and faults.
//!
//! Absence and nil are kept apart everywhere: a member that is `minOccurs="0"` and
//! `nillable="true"` is a [`Nillable`] (Absent / Nil / Value); a member that may be left
//! out but is not nillable (int, short, dateTime, boolean, enum, mask) is an `Option`, so
//! nil cannot even be expressed for it. Required nillable members (dictionary `Key` and
//! `Value`) are `Option` with `None` meaning nil.

mod datetime;
mod entity;
mod envelope;
mod headers;
mod mask;
mod nillable;

pub use datetime::{DateTimeError, Instant, XsdDateTime, Zone};
pub use entity::{
    Associate, ContactRelationEntity, FieldProperty, FieldPropertyDictionary, FieldPropertyEntry,
    FieldRight, StringDictionary, TableRight, UserType,
};
pub use envelope::{
    Envelope, Fault, FaultCode, FaultEnvelope, HeaderPlacement, Message, RequestBody,
    RequestEnvelope, ResponseBody, ResponseEnvelope,
};
pub use headers::{
    KeyValue, RequestHeaders, ResponseHeaders, SoCredentials, SoExceptionInfo, SoExtraInfo,
    SoTimeZone,
};
pub use mask::{EFieldRight, ETableRight, Mask, MaskError};
pub use nillable::Nillable;
