//! The one pipeline (libxml2 parse, XSD under a profile, the HTTP, service and SOAP header
//! rules) on arbitrary bytes read as a document:
//! a verdict, never a panic and never a memory error in the FFI layer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relation_contract::{pipeline, Document, Profile};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the profile, the rest is the document.
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let profile = match pick % 3 {
        0 => Profile::Auto,
        1 => Profile::Wire,
        _ => Profile::Documented,
    };
    let doc = Document::from_bytes("fuzz.xml", bytes);
    let v = pipeline::check(&doc, profile);
    // A document that is not text, or not XML, is never valid.
    if doc.text.is_err() {
        assert!(!v.is_valid());
    }
});
