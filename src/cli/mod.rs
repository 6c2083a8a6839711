//! Commands whose CLI code lives outside main.rs.

#[cfg(feature = "serve")]
pub mod proxy;
