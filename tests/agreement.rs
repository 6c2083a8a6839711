//! The strict decoder and the XSD validator are written by the same team: hold them to
//! each other over every bundled fixture.

use relation_contract::codec;
use relation_contract::fixtures::Expectation;
use relation_contract::Document;
use std::path::Path;

fn files(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir);
    let mut v: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == ext));
    v.sort();
    v
}

fn text(p: &Path) -> Option<String> {
    Document::read(p)
        .ok()
        .and_then(|d| d.text().map(str::to_string))
}

#[test]
fn every_wire_and_documented_fixture_decodes() {
    let mut n = 0;
    for dir in ["wire", "documented"] {
        for p in files(dir, "xml") {
            let Some(t) = text(&p) else {
                panic!("{} is not text", p.display())
            };
            let sidecar = p.with_extension("expect");
            let known_defect = std::fs::read_to_string(&sidecar)
                .ok()
                .and_then(|t| Expectation::parse(&t).ok());
            match (codec::decode(&t), known_defect) {
                (Ok(_), None) => {}
                (Err(e), None) => panic!("{}: {}", p.display(), e),
                // A documented example with a known defect: the strict decoder refuses it at
                // the element the validator names (as text where the content must be empty).
                (Ok(_), Some(_)) => panic!("{}: decoded despite its known defect", p.display()),
                (Err(e), Some(exp)) => {
                    let v = e.violation();
                    assert_eq!(v.code.as_str(), "xsd.text", "{}", p.display());
                    assert!(
                        exp.expect
                            .iter()
                            .any(|(_, el)| el.as_deref() == Some(v.element.as_str())),
                        "{}: decoder at {}, sidecar {:?}",
                        p.display(),
                        v.element,
                        exp.expect
                    );
                }
            }
            n += 1;
        }
    }
    assert!(n >= 20, "only {n} fixtures");
}

#[test]
fn the_decoder_rejects_every_invalid_fixture_at_the_element_the_validator_names() {
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for p in files("invalid", "xml") {
        let sidecar = p.with_extension("expect");
        let Ok(exp) = std::fs::read_to_string(&sidecar).map(|t| Expectation::parse(&t)) else {
            panic!("no sidecar for {}", p.display())
        };
        let Ok(exp) = exp else {
            panic!("bad sidecar for {}", p.display())
        };
        let Some(t) = text(&p) else {
            continue; // bytes that are not text never reach the decoder
        };
        checked += 1;
        match codec::decode(&t) {
            Ok(_) => {
                // The documented profile's shape and the SOAP version are not the decoder's
                // business (it reads both versions); everything else must be refused.
                let envelope_only = exp
                    .expect
                    .iter()
                    .all(|(c, _)| matches!(c.as_str(), "soap.version" | "xsd.schema-location"));
                if !envelope_only {
                    disagreements.push(format!(
                        "{}: decoded, expected {:?}",
                        p.display(),
                        exp.expect
                    ));
                }
            }
            Err(e) => {
                let v = e.violation();
                let hit = exp
                    .expect
                    .iter()
                    .any(|(c, el)| *c == v.code && el.as_ref().is_none_or(|el| *el == v.element));
                if !hit {
                    disagreements.push(format!(
                        "{}: decoder says {} {}, sidecar expects {:?}",
                        p.file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        v.code,
                        v.element,
                        exp.expect
                    ));
                }
            }
        }
    }
    assert!(checked >= 40);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
