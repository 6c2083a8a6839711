//! Reading bytes into a Document, validating it and printing the report in every format
//! (redaction, source lines, positions): never a panic, and no secret in the output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relation_contract::report::{self, Format, ReportItem, Summary};
use relation_contract::{pipeline, secrets, Document, Profile};

/// The report of a document in every format.
fn render(doc: &Document) -> Vec<String> {
    let item = ReportItem::new(doc, pipeline::check(doc, Profile::Auto));
    let mut summary = Summary::default();
    summary.add(&item);
    [Format::Human, Format::Json, Format::Junit]
        .into_iter()
        .map(|format| {
            let mut out: Vec<u8> = Vec::new();
            {
                let mut printer = report::printer(format, &mut out, false);
                let _ = printer.item(&item);
                let _ = printer.finish(&summary);
            }
            String::from_utf8_lossy(&out).into_owned()
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let doc = Document::from_bytes("fuzz.xml", data);
    let outputs = render(&doc);
    // The tool's own words: the report of the same text with every secret value scrubbed.
    // A "secret" the fuzzer made of those words (`"UTF-8"?>` of the JUnit declaration,
    // `Services85`, ...) shows up without being leaked.
    let mut scrubbed = match &doc.text {
        Ok(t) => t.clone(),
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    for secret in &doc.secrets {
        scrubbed = scrubbed.replace(secret.as_str(), &"Q".repeat(secret.chars().count()));
    }
    let vocabulary = render(&Document::from_bytes("fuzz.xml", scrubbed.as_bytes()));
    for secret in &doc.secrets {
        for piece in pieces(secret) {
            // A piece the tool prints anyway (in the report of the scrubbed text, in the
            // mask, or made of the contract's names) is not a leak.
            let tool_words = piece.contains(['[', ']'])
                || secrets::MASK.contains(piece.as_str())
                || SCHEMAS.iter().any(|x| x.contains(piece.as_str()))
                || vocabulary.iter().any(|o| o.contains(piece.as_str()));
            if tool_words {
                continue;
            }
            for out in &outputs {
                assert!(
                    !out.contains(piece.as_str()),
                    "piece {piece:?} of secret {secret:?} printed:\n{out}"
                );
            }
        }
    }
});

/// The schemas' text: every name and value of the contract, words the tool prints.
const SCHEMAS: [&str; 2] = [
    include_str!("../../schemas/services85.xsd"),
    include_str!("../../schemas/soap11-envelope.xsd"),
];

/// Every piece of a secret that counts as the secret: each run of
/// `secrets::PIECE` (6) characters, blanks excluded (pieces never span a line break of a
/// wrapped value). A secret shorter than that can stand in any text by chance (a `1` in a
/// line number) and is left to the tests' non-interference check.
fn pieces(secret: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in secret.split_whitespace() {
        let chars: Vec<char> = part.chars().collect();
        for w in chars.windows(secrets::PIECE) {
            out.push(w.iter().collect());
        }
    }
    out
}
