//! # relation-contract
//!
//! Guards the SOAP contract of SuperOffice NetServer's Relation agent (Services85,
//! `Remote/Services85/Relation.svc`), operation `SaveContactRelation` and its three siblings.
//!
//! The data's way, one module per stage:
//!
//! ```text
//! bytes -> capture (Document: text, encoding, secrets)
//!       -> schema  (libxml2 parse, no recover, no net, no DOCTYPE; XSD under a profile -> Violations)
//!       -> codec   (strict namespace-aware decode with quick-xml -> typed model; encode)
//!       -> report  (human rustc-style, JSON lines, JUnit; redaction applied once, here)
//! ```
//!
//! [`serve`] puts the stages behind HTTP: a contract stub of `Relation.svc` for client tests.
//!
//! The wire speaks SOAP 1.1 with header blocks inside `Header`; the documentation shows SOAP
//! 1.2 with header blocks loose under `Envelope`. Both are understood, and every report names
//! the [`Profile`] that was applied: one shape is never silently taken for the other.

pub mod atomic;
pub mod capture;
pub mod check;
pub mod codec;
pub mod contract;
pub mod diff;
pub mod model;
pub mod report;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod text;
pub mod violation;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

pub use capture::Document;
pub use contract::{Kind, Operation, Profile, SoapVersion};
pub use violation::{Code, Violation};
