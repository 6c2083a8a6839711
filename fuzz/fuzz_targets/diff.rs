//! Any bytes as a capture, diffed against the bundled documented example and against
//! itself, in both modes and every output form: never a panic, a document never differs
//! from itself, a golden blessed from it matches it, and no secret value is printed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relation_contract::diff::{self, documented_example, DiffReport, Options};
use relation_contract::secrets::{self, MASK};
use relation_contract::{Document, Kind, Operation};

/// Every output of every diff of `doc`, and whether each self-diff was equal.
fn outputs(doc: &Document) -> Vec<String> {
    let example = documented_example(Operation::SaveContactRelation, Kind::Request)
        .map(|t| Document::from_bytes("documented", t.as_bytes()));
    let mut out = Vec::new();
    for opts in [Options::shape(), Options::exact()] {
        let mut reports = vec![
            DiffReport::against_documented(doc, &opts),
            DiffReport::new(doc, doc, &opts),
        ];
        if let Some(example) = &example {
            reports.push(DiffReport::new(doc, example, &opts));
            reports.push(DiffReport::new(example, doc, &opts));
        }
        for r in reports {
            match r {
                Ok(r) => out.extend([r.human(false), r.human(true), r.json()]),
                Err(e) => out.push(e.to_string()),
            }
        }
    }
    out
}

/// Every element and attribute local name of the document: paths show them as they are,
/// so a secret that is also (part of) a name shows up there without being leaked.
fn names(text: &str) -> String {
    fn walk(e: &diff::Element, out: &mut String) {
        out.push_str(&e.name);
        out.push('/');
        for a in &e.attributes {
            out.push_str(&a.name);
            out.push('/');
        }
        e.children.iter().for_each(|c| walk(c, out));
    }
    let mut out = String::new();
    if let Ok(tree) = diff::parse(text) {
        walk(&tree.root, &mut out);
    }
    out
}

/// A secret worth looking for: long enough not to turn up by chance, and without
/// markup characters, so that scrubbing it from the text leaves the same document.
fn checkable(s: &str) -> bool {
    s.len() >= 8 && !s.contains(['<', '>', '&', '"', '\'', '[', ']']) && !MASK.contains(s)
}

fuzz_target!(|data: &[u8]| {
    let doc = Document::from_bytes("fuzz.xml", data);
    // The property: a document never differs from itself, in either mode.
    for opts in [Options::shape(), Options::exact()] {
        if let Ok(r) = DiffReport::new(&doc, &doc, &opts) {
            assert!(r.equal, "self-diff not equal:\n{}", r.human(false));
        }
    }
    let Some(text) = doc.text() else {
        let _ = outputs(&doc);
        return;
    };
    // A golden blessed from the capture parses and matches it.
    if let Ok(golden) = diff::masked_source(text) {
        let golden_doc = Document::from_bytes("golden", golden.as_bytes());
        if golden_doc.text().is_some() {
            match DiffReport::new(&doc, &golden_doc, &Options::exact()) {
                Ok(r) => assert!(r.equal, "golden mismatch:\n{}", r.human(false)),
                Err(e) => panic!("the blessed golden does not parse: {e}"),
            }
        }
    }
    let printed = outputs(&doc);
    let secrets: Vec<&String> = doc
        .secrets
        .iter()
        .filter(|s| checkable(s) && !secrets::is_wordlike(s) && text.contains(s.as_str()))
        .collect();
    if secrets.is_empty() {
        return;
    }
    // The tool's own words: the outputs of the same text with every secret scrubbed.
    let mut scrubbed = text.to_string();
    for s in &secrets {
        scrubbed = scrubbed.replace(s.as_str(), &"Q".repeat(s.len()));
    }
    let vocabulary =
        outputs(&Document::from_bytes("fuzz.xml", scrubbed.as_bytes())).concat() + &names(text);
    for s in secrets {
        // The whole secret, and every 6-character piece of it the tool does not print
        // anyway.
        let chars: Vec<char> = s.chars().collect();
        let pieces = chars
            .windows(6)
            .map(|w| w.iter().collect::<String>())
            .chain([s.clone()]);
        for piece in pieces {
            if vocabulary.contains(&piece) {
                continue;
            }
            for o in &printed {
                assert!(
                    !o.contains(&piece),
                    "secret piece {piece:?} of {s:?} printed:\n{o}"
                );
            }
        }
    }
});
