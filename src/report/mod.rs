//! Printers (stub).
