//! Encode and decode envelopes (stub: being written).
