//! Every libxml2 pointer of the schema stage, behind safe types: the only `unsafe` code of
//! the crate. [`dom`] holds the parsed document and a [`Node`] tied to its lifetime;
//! [`loader`] the embedded schemas, the entity loader, the per-thread compiled schemas and
//! the errors of a validation, each mapped to its [`Node`] here, while the document lives.

pub mod dom;
pub mod loader;

pub use dom::{Content, Doc, Node};
pub use loader::{
    install_loader, is_valid_builtin, is_valid_uri, schemas, with_schema, SchemaError,
};
