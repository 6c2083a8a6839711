//! Helpers shared by integration tests.

pub mod hostile;
pub mod process;
pub mod stub;
pub mod tree;
pub mod upstream;
