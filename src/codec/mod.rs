//! Encode and decode envelopes of the Relation agent.
//!
//! - [`encode`] writes a [`Message`] the way WCF does: `<?xml version="1.0"
//!   encoding="utf-8"?>`, envelope prefix `s:`, header blocks in `s:Header` (or loose under
//!   the envelope when the message says [`HeaderPlacement::Loose`]), payload in a default
//!   namespace with `xmlns:i` bound to XMLSchema-instance for `i:nil="true"`, members in
//!   schema order, absent members left out. Text is escaped (`<`, `&`, `>`, and CR as
//!   `&#xD;` so it survives line-end normalisation); characters XML 1.0 forbids are an
//!   [`EncodeError`].
//! - [`decode`] reads a document strictly and namespace-aware (its own tokenizer over the
//!   text, no DOM) into a [`Message`]; every failure is a [`DecodeError`]
//!   holding a [`Violation`] with the same stable codes an XSD validator's findings get.

mod decode;

pub(crate) use decode::{decode_judged, Judged};
mod encode;

use crate::contract::Contract;
#[allow(unused_imports)]
use crate::model::HeaderPlacement;
use crate::model::{Message, RequestEnvelope, ResponseEnvelope};
use crate::violation::{Code, Violation};
use std::fmt;

pub use decode::MAX_DEPTH;

/// A document the decoder refused, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError(pub(crate) Violation);

impl DecodeError {
    /// The refusal as a [`Violation`]: code, element path, position and message.
    pub fn violation(&self) -> &Violation {
        &self.0
    }

    /// The violation's code (such as `xsd.order` or `xml.malformed`).
    pub fn code(&self) -> Code {
        self.0.code
    }

    /// The refusal as a [`Violation`], taken out of the error.
    pub fn into_violation(self) -> Violation {
        self.0
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.0;
        write!(f, "{}", v.code)?;
        if let (Some(l), Some(c)) = (v.line, v.column) {
            write!(f, " at {l}:{c}")?;
        }
        if !v.element.is_empty() {
            write!(f, " ({})", v.element)?;
        }
        write!(f, ": {}", v.message)
    }
}

impl From<DecodeError> for Violation {
    fn from(e: DecodeError) -> Violation {
        e.0
    }
}

/// A message that cannot be written as XML 1.0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A string holds a character XML 1.0 forbids (U+0000..U+0008, U+000B, U+000C,
    /// U+000E..U+001F, U+FFFE, U+FFFF); it could not be read back by any XML parser.
    #[error("U+{:04X} in `{element}` cannot be written in XML 1.0", u32::from(*ch))]
    IllegalChar {
        /// The forbidden character.
        ch: char,
        /// The local name of the element whose text holds it.
        element: &'static str,
    },
    /// A member the target contract version does not have holds a value (a Services88
    /// member written for Services85): the version cannot carry it.
    #[error("{owner}/{member} is not in {contract}: {contract} cannot carry it (it is in the contract from {since} on)")]
    NotInVersion {
        /// The type that holds the member.
        owner: &'static str,
        /// The member.
        member: &'static str,
        /// The version written.
        contract: Contract,
        /// The first version with the member.
        since: Contract,
    },
    /// A flag the target contract version's enumeration lacks is set (`Uninitialized`, a
    /// Services88 `ETableRight` flag, written for Services85): the version cannot carry it.
    #[error("{type_name} flag {flag} is not in {contract}: {contract} cannot carry it (it is in the contract from {since} on)")]
    FlagNotInVersion {
        /// The flag type.
        type_name: &'static str,
        /// The flag.
        flag: &'static str,
        /// The version written.
        contract: Contract,
        /// The first version with the flag.
        since: Contract,
    },
}

/// Appends the message as XML to `out` (Services85). On error `out` is left as it was.
pub fn encode(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    encode_as(msg, Contract::Services85, out)
}

/// Appends the message as XML of a contract version to `out`: its namespace, and only the
/// members that version has; a value in a member it lacks is
/// [`EncodeError::NotInVersion`]. On error `out` is left as it was.
pub fn encode_as(msg: &Message, contract: Contract, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mark = out.len();
    let r = match msg {
        Message::Request(e) => encode::Writer::new(out, e.version).to(contract).request(e),
        Message::Response(e) => encode::Writer::new(out, e.version).to(contract).response(e),
        Message::Fault(e) => encode::Writer::new(out, e.version).to(contract).fault(e),
    };
    if r.is_err() {
        out.truncate(mark);
    }
    r
}

/// [`encode_as`] for a server's answer: a value in a member the version lacks is left
/// out instead of refused (a store shared by every version's endpoint may hold an
/// Associate's `UserName`, which a Services85 answer cannot carry). On error `out` is left
/// as it was.
pub fn encode_fitted_as(
    env: &ResponseEnvelope,
    contract: Contract,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let mark = out.len();
    let r = encode::Writer::new(out, env.version)
        .to(contract)
        .fitting()
        .response(env);
    if r.is_err() {
        out.truncate(mark);
    }
    r
}

/// [`encode`] for a request envelope.
pub fn encode_request(env: &RequestEnvelope, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mark = out.len();
    let r = encode::Writer::new(out, env.version).request(env);
    if r.is_err() {
        out.truncate(mark);
    }
    r
}

/// [`encode`] for a response envelope.
pub fn encode_response(env: &ResponseEnvelope, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mark = out.len();
    let r = encode::Writer::new(out, env.version).response(env);
    if r.is_err() {
        out.truncate(mark);
    }
    r
}

/// Encodes into a new `String`.
pub fn encode_to_string(msg: &Message) -> Result<String, EncodeError> {
    let mut out = Vec::with_capacity(2048);
    encode(msg, &mut out)?;
    // The writer only ever appends UTF-8 text.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Decodes a SOAP 1.1 or 1.2 envelope of the Relation agent: a request, a response or a
/// Fault.
///
/// Strict: elements are known by namespace URI and local name (prefixes are free), members
/// must follow the schema's sequence order, unknown elements, text in element-only
/// content, nil on non-nillable members and contradicting `xsi:type`s are errors, values
/// are checked per their XSD lexical space. Header blocks may stand in `Header` or loose
/// under `Envelope` before `Body` (the documentation's shape), recorded in
/// [`HeaderPlacement`]; mixing both is an error. Header blocks of other namespaces are
/// skipped unless they are marked `mustUnderstand`. A header block of the contract may be
/// repeated, as the envelope schema allows: every copy is checked, the first is kept in the
/// model. A DOCTYPE is refused. Member order, nillability and types are read from
/// [`crate::contract::table`].
pub fn decode(text: &str) -> Result<Message, DecodeError> {
    decode::decode(text)
}

/// Whether `text` is one well-formed XML document with every prefix bound, as the strict
/// decoder reads it (its own tokenizer), without any contract check: the first finding
/// (`xml.malformed`, `xml.doctype`, `xml.empty`, `xml.limit`) with its position. What
/// [`decode`] accepts is always well-formed.
pub fn well_formed(text: &str) -> Result<(), DecodeError> {
    decode::well_formed(text)
}

/// [`decode`], with the contract version the document is in: the one its payload's
/// namespace names (an element in another version's namespace is then `xsd.namespace`),
/// Services85 when none names one. The members a version adds (`UserName`, `ExtraFields`,
/// `CustomFields`) are read only under a version that has them.
pub fn decode_versioned(text: &str) -> Result<(Message, Contract), DecodeError> {
    decode::decode_versioned(text)
}
