//! The strict decoder on arbitrary text: a verdict (a message or a DecodeError), never a
//! panic. A message that decodes must also encode without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relation_contract::codec;

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes as text the way the tool reads them: lossy, so every input counts.
    let text = String::from_utf8_lossy(data);
    if let Ok(msg) = codec::decode(&text) {
        let mut out = Vec::new();
        let _ = codec::encode(&msg, &mut out);
    }
});
