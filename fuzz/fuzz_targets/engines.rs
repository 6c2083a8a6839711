//! The two engines of the schema stage on arbitrary bytes: where the strict decoder decides
//! a document valid by itself (`pipeline::schema_fast`), libxml2 finds it valid too and says
//! the same of what it is, and the whole verdict is the same from `fast` and `xsd`. The
//! seeds that matter are the bundled fixtures (`fuzz/README.md`): mutations of valid
//! envelopes are where a decoder that is too lenient would show.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "profile_byte.rs"]
mod profile_byte;

use relation_contract::contract::ContractChoice;
use relation_contract::pipeline::{self, Engine};
use relation_contract::{schema, Document};

fuzz_target!(|data: &[u8]| {
    let Some((profile, bytes)) = profile_byte::split(data) else {
        return;
    };
    let doc = Document::from_bytes("fuzz.xml", bytes);
    let auto = ContractChoice::Auto;
    if let Some(fast) = pipeline::schema_fast(&doc, profile, auto) {
        let xsd = schema::validate_as(&doc, profile, auto);
        assert_eq!(fast, xsd, "the decoder decided alone, and libxml2 differs");
    }
    let fast = pipeline::check_with(&doc, profile, auto, Engine::Fast);
    let xsd = pipeline::check_with(&doc, profile, auto, Engine::Xsd);
    assert_eq!(fast, xsd, "the engines' verdicts differ");
});
