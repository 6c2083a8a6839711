//! The check command (stub).
