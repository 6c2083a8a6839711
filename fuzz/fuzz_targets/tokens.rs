//! The decoder's own tokenizer on arbitrary text (`codec::well_formed`), beside the
//! decoder and quick-xml's `NsReader`: never a panic; whatever the decoder accepts is
//! well-formed, and so is its re-encoding; whatever the tokenizer accepts, `NsReader` (the
//! more lenient reader the decoder had before) reads to the end without an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event;
use quick_xml::NsReader;
use relation_contract::codec;

/// Whether `NsReader`, with the decoder's former settings, reads the text to its end.
fn nsreader_reads(text: &str) -> bool {
    let mut r = NsReader::from_str(text);
    let c = r.config_mut();
    c.check_end_names = true;
    c.check_comments = true;
    loop {
        match r.read_event() {
            Err(_) => return false,
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if e.attributes().with_checks(true).any(|a| a.is_err()) {
                    return false;
                }
            }
            Ok(Event::Eof) => return true,
            Ok(_) => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let wf = codec::well_formed(&text);
    if let Ok(msg) = codec::decode(&text) {
        assert!(wf.is_ok(), "decoded but not well-formed: {wf:?}");
        if let Ok(out) = codec::encode_to_string(&msg) {
            let again = codec::well_formed(&out);
            assert!(
                again.is_ok(),
                "the encoding is not well-formed: {again:?}\n{out}"
            );
        }
    }
    if wf.is_ok() {
        assert!(nsreader_reads(&text), "well-formed, but NsReader stops");
    }
});
