//! Reading bytes into a Document, validating it and printing the report in every format
//! (redaction, source lines, positions): never a panic, and no secret in the output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relation_contract::report::{self, Format, ReportItem, Summary};
use relation_contract::{schema, Document, Profile};

/// The report of a document in every format.
fn render(doc: &Document) -> Vec<String> {
    let item = ReportItem::new(doc, schema::validate(doc, Profile::Auto));
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
        // Short values can occur by chance (a `1` in a line number), and a value made of
        // the mask's own characters shows up in the mask.
        let chance = secret.len() < 8
            || secret.contains(['[', ']'])
            || report::redact::MASK.contains(secret.as_str())
            || vocabulary.iter().any(|o| o.contains(secret.as_str()));
        if chance {
            continue;
        }
        for out in &outputs {
            assert!(!out.contains(secret.as_str()), "secret {secret:?} printed:\n{out}");
        }
    }
});
