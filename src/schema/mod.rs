//! XSD validation through libxml2, under a [`Profile`].
//!
//! Design:
//!
//! - **Schemas** (`schemas/*.xsd`, written from the WSDL) are embedded with `include_str!`.
//!   One process-wide libxml2 external entity loader (installed once) serves them from memory
//!   by file name and refuses every other URL during the crate's own parsing, compiling and
//!   validating, so no DTD, external entity, `xs:import` or `xsi:schemaLocation` of ours ever
//!   reaches the file system or the network. Every other load (a host process's own libxml2
//!   use) goes to the loader that was installed before, as if ours were not there.
//! - **Per thread**: libxml2's schema and validation contexts are neither `Send` nor `Sync`,
//!   so each thread compiles the two envelope schemas once, lazily (`thread_local!`), and
//!   reuses them for every document; schema-compile warnings count as errors. The thread's
//!   generic error channel is silenced during our own work and given back after it; every
//!   diagnostic arrives through structured handlers.
//! - **Before libxml**: undecodable text, empty documents and any DOCTYPE are rejected
//!   before libxml2 sees the bytes. Parsing is without recovery, without network, as UTF-8.
//! - **Structural + XSD**: the envelope's shape (root, SOAP version, Header/Body placement,
//!   Body count, content after Body, undeclared Services85 header blocks, blocks of the
//!   contract's names in another namespace, SOAP's attributes on every header block, schema
//!   hints) is checked in Rust, for messages a person understands. When the envelope is as the profile
//!   wants, the whole document is validated against the profile's envelope schema. When it
//!   is not, the deviations are reported once each and there is **no cascade**: each payload
//!   element (every declared header block wherever it stands, and the Body's child) is
//!   validated on its own with `xmlSchemaValidateOneElement`, so payload errors still surface.
//! - **Findings** are mapped from libxml2's error codes and words to stable `Code`s, with
//!   the path of local names of the offending element and the line and column of its start
//!   tag (libxml2 gives no column for validation errors: the error's node gives the path, and
//!   an index of start tags over the text gives the position).
//!
//! Files: [`validate`](validate()) and the checks before libxml2 in `validate.rs`; the
//! envelope's structure and the XSD stage in `envelope.rs`; every header block's namespace
//! and SOAP attributes in `blocks.rs`; libxml2's errors to codes and
//! sentences in `messages.rs`; the schemas' content models in `models.rs`. Every libxml2
//! pointer stays in `ffi/` (a `Node<'doc>` tied to its document): the rest is safe code,
//! and the compiler holds it to that.

#![deny(unsafe_code)]

mod blocks;
mod envelope;
#[allow(unsafe_code)]
mod ffi;
mod found;
mod messages;
mod models;
mod validate;
pub mod versions;

pub use crate::text::limits::MAX_VIOLATIONS;
pub(crate) use ffi::is_valid_uri;
pub use ffi::schemas;
pub(crate) use validate::before_libxml;
pub use validate::{validate, validate_as};

use crate::contract::{Contract, Kind, Operation, Profile, SoapVersion};
use crate::violation::Violation;
use libxml::parser::ParserOptions;

/// The verdict of validation for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// The profile that was applied (never `Auto`: `Auto` is resolved by the envelope).
    pub profile: Profile,
    /// The contract version that was applied (never `Auto`: `Auto` is resolved by the
    /// payload's namespace, Services85 when none names a version).
    pub contract: Contract,
    /// The envelope's SOAP version (`None`: the root is no SOAP Envelope).
    pub soap_version: Option<SoapVersion>,
    /// The operation the Body's element names (`None` for a fault, or when the Body does
    /// not say).
    pub operation: Option<Operation>,
    /// Request, response or fault, as the Body's element says.
    pub kind: Option<Kind>,
    /// Sorted by line, then column.
    pub violations: Vec<Violation>,
}

impl Validation {
    /// Whether there is no violation at all.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// The libxml2 parser options every document is parsed with: no recovery (a malformed
/// document is refused, not repaired), no network, diagnostics collected rather than
/// printed, and the text read as the UTF-8 it is here (whatever its declaration says; the
/// read stage transcoded it). Every CDATA section is read as text (`XML_PARSE_NOCDATA`'s
/// infoset, which these options cannot ask for: `ffi::Doc::parse` does it), pinned by
/// `schema::validate::tests::a_cdata_section_is_read_as_the_text_it_holds`.
///
/// Each option is pinned by a test (`schema::validate::tests`, `ffi::loader::tests`), except
/// where deleting it changes nothing, as said at the option.
pub fn parse_options() -> ParserOptions<'static> {
    ParserOptions {
        recover: false,
        // Pinned by `ffi::loader::tests::parse_options_keep_libxml2_off_the_network`. In
        // `validate` two more layers hold: no DOCTYPE reaches libxml2, and our entity loader
        // refuses every URL during our own parsing.
        no_net: true,
        // Equivalent if deleted: `ParserOptions::default()` sets both too, and libxml2 hands
        // every diagnostic to the structured collector the parse installs, never to its
        // printing channel (the tests in `validate.rs` read warnings and errors from it).
        no_error: true,
        no_warning: true,
        // Pinned with `encoding`: an explicit encoding already keeps the declaration from
        // switching it, except for a name libxml2 does not know, which ignore_enc lets pass.
        ignore_enc: true,
        encoding: Some("UTF-8"),
        ..ParserOptions::default()
    }
}
