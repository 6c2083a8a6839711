//! One verdict from every command: every fixture, every hostile input of `tests/hostile.rs`
//! and a few requests made for it (a missing Ticket, repeated header blocks, a foreign
//! mustUnderstand header, a request with three breaks of different kinds) go through
//! `validate` (the binary, JSON output), `check`'s per-document judgement and the stub's
//! request check; each must give the same verdict and the same findings (code, element,
//! line, column).

mod common;

use relation_contract::capture::{self, walk};
use relation_contract::diff;
use relation_contract::fixtures::judge_document;
use relation_contract::import;
use relation_contract::report::ReportItem;
use relation_contract::serve::request_findings;
use relation_contract::{pipeline, Code, Document, Kind, Profile, Violation};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SOAP11: &str = common::hostile::SOAP11;
const S85: &str = common::hostile::S85;

/// A finding as every command shows it.
type Finding = (String, String, Option<u64>, Option<u64>);

/// A verdict as every command shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    valid: bool,
    findings: Vec<Finding>,
}

fn from_json(doc: &serde_json::Value) -> Seen {
    let findings = doc["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["code"].as_str().unwrap_or("").to_string(),
                v["element"].as_str().unwrap_or("").to_string(),
                v["line"].as_u64(),
                v["column"].as_u64(),
            )
        })
        .collect();
    Seen {
        valid: doc["valid"].as_bool().unwrap_or(false),
        findings,
    }
}

fn from_item(item: &ReportItem) -> Seen {
    from_json(&serde_json::to_value(item).unwrap_or_default())
}

/// Lines as the printers show them: a body's lines shifted to lines of its HTTP dump.
fn shown(doc: &Document, v: &[Violation]) -> Vec<Finding> {
    let shift = doc
        .http
        .as_ref()
        .and_then(|h| h.body_line)
        .map_or(0, |l| l.saturating_sub(1));
    v.iter()
        .map(|v| {
            let line = if v.code.is_http() {
                v.line
            } else {
                v.line.map(|l| l + shift)
            };
            (
                v.code.as_str().to_string(),
                v.element.clone(),
                line.map(u64::from),
                v.column.map(u64::from),
            )
        })
        .collect()
}

/// The stub's request check on a document: the pipeline's findings under the wire profile,
/// and for a response or a fault exactly one more, the stub's "takes requests".
fn from_stub(doc: &Document) -> Seen {
    let (verdict, mut violations) = request_findings(doc);
    let extra = matches!(verdict.kind, Some(Kind::Response | Kind::Fault));
    if extra {
        let last = violations.pop();
        assert_eq!(
            last.as_ref().map(|v| v.code),
            Some(Code::SoapBodyContent),
            "{}: the stub refuses a {:?} as such",
            doc.source,
            verdict.kind
        );
    }
    Seen {
        valid: violations.is_empty(),
        findings: shown(doc, &violations),
    }
}

/// The verdicts of `import` (which judges under `auto`) and of a golden assertion on the
/// same document, each as `(command, verdict)`. Every entry is held to the same verdict.
fn import_and_golden_verdicts(doc: &Document, profile: Profile) -> Vec<(&'static str, Seen)> {
    let mut out = Vec::new();
    if profile == Profile::Auto {
        let v = import::verdict(doc);
        out.push((
            "import",
            Seen {
                valid: v.is_valid(),
                findings: shown(doc, &v.violations),
            },
        ));
        // A golden assertion against no golden file, blessing off: a capture the contract
        // accepts gets `Missing`, one it refuses gets its findings.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let none = dir.path().join("no-golden.xml");
        let seen = match diff::check_golden(doc, &none, &diff::Options::exact(), diff::Bless::Off) {
            Err(diff::GoldenError::Missing { .. }) => Seen {
                valid: true,
                findings: Vec::new(),
            },
            Err(diff::GoldenError::Findings { findings, .. }) => Seen {
                valid: false,
                findings: shown(doc, &findings),
            },
            other => panic!("{}: a golden assertion gave {other:?}", doc.source),
        };
        assert!(!none.exists(), "{}: written without blessing", doc.source);
        out.push(("a golden assertion", seen));
    }
    out
}

/// `validate --format json --profile P` over the paths: each document's verdict by path.
fn validate(paths: &[PathBuf], profile: Profile) -> BTreeMap<String, Seen> {
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args([
            "validate",
            "--format",
            "json",
            "--profile",
            profile.as_str(),
        ])
        .args(paths)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the binary: {e}"));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .filter(|v: &serde_json::Value| v.get("summary").is_none())
        .map(|d| (d["path"].as_str().unwrap_or("").to_string(), from_json(&d)))
        .collect()
}

/// Every document the paths hold, as the commands read them.
fn documents(paths: &[PathBuf]) -> Vec<Document> {
    walk::files(paths)
        .flat_map(|f| {
            let path = f.unwrap_or_else(|(p, e)| panic!("{}: {e}", p.display()));
            capture::open(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .documents
        })
        .collect()
}

/// Holds every command to one verdict on every document; returns the verdicts by source.
fn one_verdict(paths: &[PathBuf]) -> BTreeMap<String, Seen> {
    let docs = documents(paths);
    assert!(!docs.is_empty());
    let mut by_source = BTreeMap::new();
    for profile in [Profile::Wire, Profile::Auto, Profile::Documented] {
        let printed = validate(paths, profile);
        assert_eq!(
            printed.len(),
            docs.len(),
            "{profile}: one line per document"
        );
        for doc in &docs {
            let library = pipeline::check(doc, profile);
            let pipeline_seen = Seen {
                valid: library.is_valid(),
                findings: shown(doc, &library.violations),
            };
            let what = format!("{} under {profile}", doc.source);
            let cli = printed
                .get(&doc.source)
                .unwrap_or_else(|| panic!("{what}: validate printed no verdict"));
            assert_eq!(*cli, pipeline_seen, "{what}: validate vs the pipeline");
            let check = from_item(&judge_document(doc, profile));
            assert_eq!(check, pipeline_seen, "{what}: check vs the pipeline");
            if profile == Profile::Wire {
                assert_eq!(
                    from_stub(doc),
                    pipeline_seen,
                    "{what}: the stub vs validate"
                );
                by_source.insert(doc.source.clone(), pipeline_seen.clone());
            }
            for (command, seen) in import_and_golden_verdicts(doc, profile) {
                assert_eq!(seen, pipeline_seen, "{what}: {command} vs validate");
            }
        }
    }
    by_source
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

#[test]
fn every_fixture_gets_one_verdict_from_every_command() {
    let verdicts = one_verdict(&[fixtures_root()]);
    // Not a vacuous agreement: the fixtures hold valid and invalid documents of each kind.
    let valid = verdicts.values().filter(|s| s.valid).count();
    assert!(valid >= 15, "{valid} valid");
    assert!(
        verdicts.len() - valid >= 45,
        "{} invalid",
        verdicts.len() - valid
    );
}

#[test]
fn every_hostile_input_gets_one_verdict_from_every_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let marker = dir.path().join("secret.txt");
    std::fs::write(&marker, "marker\n").unwrap_or_else(|e| panic!("{e}"));
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap_or_else(|e| panic!("{e}"));
    let inputs = common::hostile::inputs(&marker, "http://127.0.0.1:9");
    for i in &inputs {
        std::fs::write(docs.join(i.name), &i.bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    let verdicts = one_verdict(std::slice::from_ref(&docs));
    for i in &inputs {
        let path = docs.join(i.name).display().to_string();
        let seen = &verdicts[&path];
        assert!(
            seen.findings.iter().any(|f| f.0 == i.code.as_str()),
            "{}: {seen:?}",
            i.name
        );
    }
}

/// A wire request with `header` inside its Header and `reversed` as its Reversed value.
fn request(header: &str, reversed: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"{SOAP11}\">\n<s:Header>\n{header}\n</s:Header>\n<s:Body>\n\
         <SaveContactRelation xmlns=\"{S85}\">\n<ContactRelationEntity>\n\
         <SourceContactId>1</SourceContactId>\n<Reversed>{reversed}</Reversed>\n\
         </ContactRelationEntity>\n</SaveContactRelation>\n</s:Body>\n</s:Envelope>\n"
    )
}

fn credentials() -> String {
    format!("<Credentials xmlns=\"{S85}\"><Ticket>7T:b25lLXZlcmRpY3Q=</Ticket></Credentials>")
}

fn time_zone() -> String {
    format!(
        "<TimeZone xmlns=\"{S85}\"><SoTimeZoneId>247</SoTimeZoneId>\
         <SoTimeZoneLocationCode>NOOSL</SoTimeZoneLocationCode></TimeZone>"
    )
}

fn codes(seen: &Seen) -> Vec<(&str, &str)> {
    seen.findings
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str()))
        .collect()
}

#[test]
fn a_missing_ticket_repeated_blocks_and_a_foreign_must_understand_header() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let save =
        "\"http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/SaveContactRelation\"";
    let dump = |action: &str, body: &str| {
        format!(
            "POST /Remote/Services85/Relation.svc HTTP/1.1\r\nHost: x\r\n\
             Content-Type: text/xml; charset=utf-8\r\nSOAPAction: {action}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let foreign = "<t:Trace xmlns:t=\"urn:example:trace\" s:mustUnderstand=\"1\">x</t:Trace>";
    let files = [
        ("missing-ticket.xml", request("", "1")),
        (
            "repeated-blocks.xml",
            request(
                &format!(
                    "{}{}{}{}",
                    credentials(),
                    time_zone(),
                    time_zone(),
                    credentials()
                ),
                "1",
            ),
        ),
        (
            "must-understand.xml",
            request(&format!("{}{foreign}", credentials()), "1"),
        ),
        (
            "three-breaks.http",
            dump("\"urn:not-the-action\"", &request("", "yes")),
        ),
        ("clean.http", dump(save, &request(&credentials(), "1"))),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let verdicts = one_verdict(&[dir.path().to_path_buf()]);
    let of = |name: &str| &verdicts[&dir.path().join(name).display().to_string()];

    assert_eq!(
        codes(of("missing-ticket.xml")),
        [("soap.credentials", "/Envelope/Header/Credentials")]
    );
    // Repeated header blocks are the schema's to judge, and it takes them.
    let repeated = of("repeated-blocks.xml");
    assert!(repeated.valid, "{repeated:?}");
    assert_eq!(
        codes(of("must-understand.xml")),
        [("soap.must-understand", "/Envelope/Header/Trace")]
    );
    let three = of("three-breaks.http");
    let mut kinds: Vec<&str> = three.findings.iter().map(|f| f.0.as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        ["http.soap-action", "soap.credentials", "xsd.value"],
        "{three:?}"
    );
    // Lines of the dump: the SOAPAction header is line 4, Reversed line 15.
    let lines: Vec<Option<u64>> = three.findings.iter().map(|f| f.2).collect();
    assert_eq!(lines, [Some(4), Some(8), Some(15)], "{three:?}");
    assert!(of("clean.http").valid, "{:?}", of("clean.http"));
}
