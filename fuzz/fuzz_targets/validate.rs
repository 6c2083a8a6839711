//! The one pipeline (libxml2 parse, XSD under a profile, the HTTP, service and SOAP header
//! rules) on arbitrary bytes read as a document:
//! a verdict, never a panic and never a memory error in the FFI layer.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "profile_byte.rs"]
mod profile_byte;

use relation_contract::{pipeline, Document};

fuzz_target!(|data: &[u8]| {
    let Some((profile, bytes)) = profile_byte::split(data) else {
        return;
    };
    let doc = Document::from_bytes("fuzz.xml", bytes);
    let v = pipeline::check(&doc, profile);
    // A document that is not text, or not XML, is never valid.
    if doc.text.is_err() {
        assert!(!v.is_valid());
    }
});
