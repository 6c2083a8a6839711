//! # relation-contract
//!
//! Guards the SOAP contract of SuperOffice NetServer's Relation agent (Services85,
//! `Remote/Services85/Relation.svc`), operation `SaveContactRelation` and its three siblings.
//!
//! The data's way, one module per stage:
//!
//! ```text
//! bytes -> capture   (Documents: text, encoding, HTTP metadata, the secrets each holds,
//!                     found by `secrets`; sniffing, HTTP dumps, HAR files, the file walk)
//!       -> pipeline  (check(document, profile) -> the verdict: every finding, one order)
//!            schema    libxml2 parse (no recover, no net, no DOCTYPE); envelope shape and
//!                      XSD under a profile; all unsafe code in schema::ffi
//!            rules     HTTP (SOAPAction, Content-Type, charset), service (Credentials and
//!                      Ticket), SOAP headers (mustUnderstand)
//!       -> report    (human rustc-style, JSON lines, JUnit over one item stream; every item
//!                     masked by `secrets` when it is made)
//!
//! a valid request -> codec (strict decode with quick-xml into the typed model, member
//!                           order and types from contract::table; encode) for the stub
//! two documents   -> diff  (canonical trees, classified differences, goldens judged by
//!                           the pipeline, secrets masked in the tree)
//! ```
//!
//! [`contract`] holds the facts once (the table of every type, held to the XSD by a test),
//! [`text`] the small foundations every stage shares (line index, element paths, lexemes
//! and calendar, the XML declaration, escaping, limits). `validate`, [`fixtures`] (`check`),
//! [`import`], golden assertions and the stub all take [`pipeline::check`]'s verdict: the
//! same bytes get the same findings from every command.
//!
//! `serve` (cargo feature `serve`, on by default) puts the stages behind HTTP: a contract
//! stub of `Relation.svc` for client tests. The features `cli` and `parallel` serve the
//! command and the many-file walk; `default-features = false` leaves all three out. The
//! library never prints and installs no signal handler: the command does both.
//!
//! The wire speaks SOAP 1.1 with header blocks inside `Header`; the documentation shows SOAP
//! 1.2 with header blocks loose under `Envelope`. Both are understood, and every report names
//! the [`Profile`] that was applied: one shape is never silently taken for the other.

pub mod assert;
pub mod atomic;
pub mod capture;
pub mod codec;
pub mod contract;
pub mod diff;
pub mod fixtures;
pub mod import;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod schema;
pub mod secrets;
#[cfg(feature = "serve")]
pub mod serve;
pub mod text;
pub mod violation;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

pub use capture::Document;
pub use contract::{Kind, Operation, Profile, SoapVersion};
pub use violation::{Code, Violation};
