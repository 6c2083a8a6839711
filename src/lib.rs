//! # relation-contract
//!
//! Guards the SOAP contract of SuperOffice NetServer's Relation agent (Services85,
//! `Remote/Services85/Relation.svc`), operation `SaveContactRelation` and its three siblings.
//!
//! ## Start here
//!
//! A document is bytes with a name ([`Document::from_bytes`]); [`pipeline::check`] gives its
//! verdict under a [`Profile`] (the same one every command gives):
//!
//! ```
//! use relation_contract::{pipeline, Document, Profile};
//!
//! let text = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <DeleteContactRelationResponse xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85"/>
//! </s:Body></s:Envelope>"#;
//! let verdict = pipeline::check(&Document::from_bytes("reply.xml", text.as_bytes()), Profile::Auto);
//! assert!(verdict.is_valid());
//! assert_eq!(verdict.profile, Profile::Wire); // SOAP 1.1 is held to the wire profile
//!
//! let broken = text.replace("DeleteContactRelationResponse", "DeleteContactRelationAnswer");
//! let verdict = pipeline::check(&Document::from_bytes("bad.xml", broken.as_bytes()), Profile::Wire);
//! let first = &verdict.violations[0];
//! assert_eq!(first.code.as_str(), "soap.body-content");
//! println!("{first}"); // soap.body-content at /Envelope/Body/DeleteContactRelationAnswer 2:3: ...
//! ```
//!
//! In a test suite, [`assert::assert_valid`] and [`assert::assert_request_valid`] panic with
//! the report `validate` prints. The [`codec`] reads a valid document into the typed
//! [`model`] and writes one back:
//!
//! ```
//! use relation_contract::codec::{decode, encode_to_string};
//! use relation_contract::model::{Message, RequestBody};
//!
//! let request = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <DeleteContactRelation xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
//!     <ContactRelationEntityId>42</ContactRelationEntityId>
//!   </DeleteContactRelation></s:Body></s:Envelope>"#;
//! let message = decode(request).expect("a valid request");
//! let Message::Request(envelope) = &message else { panic!("a request") };
//! assert!(matches!(envelope.body, RequestBody::DeleteContactRelation { contact_relation_entity_id: Some(42) }));
//! let again = encode_to_string(&message).expect("it encodes");
//! assert_eq!(decode(&again).ok(), Some(message));
//! ```
//!
//! Golden files ([`diff::assert_golden`], [`diff::check_golden`]) hold a capture to a
//! committed copy, secrets masked:
//!
//! ```
//! use relation_contract::diff::{check_golden, Bless, GoldenOutcome, Options};
//! use relation_contract::Document;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let golden = dir.path().join("reply.golden.xml");
//! let reply = Document::from_bytes("reply", br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><DeleteContactRelationResponse xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85"/></s:Body></s:Envelope>"#);
//! assert_eq!(check_golden(&reply, &golden, &Options::exact(), Bless::Overwrite).ok(), Some(GoldenOutcome::Created));
//! assert_eq!(check_golden(&reply, &golden, &Options::exact(), Bless::Off).ok(), Some(GoldenOutcome::Matched));
//! ```
//!
//! And the contract stub (feature `serve`) answers a client under test as the service
//! would, refusing what breaks the contract:
//!
//! ```
//! # #[cfg(feature = "serve")] {
//! use relation_contract::serve::StubServer;
//!
//! let stub = StubServer::start().expect("the stub starts");
//! // Point the client under test at stub.url(), run it, then:
//! assert!(stub.url().ends_with("/Remote/Services85/Relation.svc"));
//! stub.assert_clean(); // panics listing every contract violation a request committed
//! # }
//! ```
//!
//! ## How it is built
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

#![deny(missing_docs)]

pub mod assert;
pub mod atomic;
pub mod capture;
pub mod codec;
pub mod compat;
pub mod contract;
pub mod diff;
pub mod fixtures;
pub mod import;
pub mod model;
pub mod pipeline;
#[cfg(feature = "serve")]
pub mod proxy;
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
