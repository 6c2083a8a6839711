//! Small foundations every stage shares, each written once: the line/column index, the
//! element-path builder, the lexemes of the built-in types and the calendar, the XML
//! declaration, XML escaping, and every limit.
//!
//! Nothing here knows the contract or any stage above; every stage may use it.

pub mod escape;
pub mod lexical;
pub mod limits;
pub mod lines;
pub mod path;
pub(crate) mod xmldecl;

pub use lines::LineIndex;
