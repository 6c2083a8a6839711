//! The typed model of the contract (stub: being written).
