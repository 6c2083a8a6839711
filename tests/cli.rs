//! The command as users run it: exit codes, formats, redaction, check.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TICKET: &str = "7T:1234abcxyzExample==";
const TOKEN: &str = "1234567-1234-9876";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relation-contract"));
    c.env("NO_COLOR", "1");
    c
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn run(args: &[&str]) -> Output {
    match bin().args(args).output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run the binary: {e}"),
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The per-document lines of JSON output (the last line, `{"summary": ...}`, left out).
fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .filter(|v: &serde_json::Value| v.get("summary").is_none())
        .collect()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    let mut c: Vec<String> = v["violations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    c.sort();
    c.dedup();
    c
}

const DOC_REQ: &str = "documented/SaveContactRelation.request.xml";
const DOC_RESP: &str = "documented/SaveContactRelation.response.xml";

#[test]
fn documented_request_under_wire_shows_exactly_the_two_known_deviations() {
    let p = fixture(DOC_REQ);
    let o = run(&[
        "validate",
        "--profile",
        "wire",
        "--format",
        "json",
        p.to_str().unwrap_or(""),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let docs = json_lines(&o);
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d["valid"], false);
    assert_eq!(d["profile"], "wire");
    assert_eq!(d["soap_version"], "1.2");
    assert_eq!(d["operation"], "SaveContactRelation");
    assert_eq!(d["kind"], "request");
    // The two known deviations, and what the second means for the service: with the
    // Credentials loose under Envelope, the wire carries no Credentials header block.
    assert_eq!(
        codes(d),
        vec!["soap.credentials", "soap.header-placement", "soap.version"]
    );
    let creds: Vec<&serde_json::Value> = d["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["code"] == "soap.credentials")
        .collect();
    assert_eq!(creds.len(), 1);
    assert_eq!(creds[0]["element"], "/Envelope/Header/Credentials");
    let elements: Vec<&str> = d["violations"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v["element"].as_str()).collect())
        .unwrap_or_default();
    assert!(elements.contains(&"/Envelope"));
    assert!(elements.contains(&"/Envelope/ApplicationToken"));
    assert!(elements.contains(&"/Envelope/Credentials"));
    for v in d["violations"].as_array().into_iter().flatten() {
        assert!(v["line"].as_u64().is_some_and(|l| l > 0), "no line: {v}");
        assert!(
            v["column"].as_u64().is_some_and(|c| c > 0),
            "no column: {v}"
        );
    }
}

#[test]
fn documented_examples_pass_documented_and_auto() {
    for f in [DOC_REQ, DOC_RESP] {
        let p = fixture(f);
        for profile in ["documented", "auto"] {
            let o = run(&[
                "validate",
                "--profile",
                profile,
                "--format",
                "json",
                p.to_str().unwrap_or(""),
            ]);
            let docs = json_lines(&o);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{f} under {profile}: {}",
                stdout(&o)
            );
            assert_eq!(docs[0]["profile"], "documented");
            assert_eq!(docs[0]["valid"], true);
        }
    }
    let p = fixture(DOC_RESP);
    let o = run(&[
        "validate",
        "--profile",
        "wire",
        "--format",
        "json",
        p.to_str().unwrap_or(""),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json_lines(&o)[0]), vec!["soap.version"]);
    assert_eq!(json_lines(&o)[0]["kind"], "response");
}

#[test]
fn human_output_points_at_file_line_column_with_a_marker() {
    let p = fixture(DOC_REQ);
    let o = run(&["validate", "--profile", "wire", p.to_str().unwrap_or("")]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("error[soap.header-placement]"), "{out}");
    // ApplicationToken stands on line 9, column 3 of the documented request.
    assert!(out.contains(&format!("{}:9:3", p.display())), "{out}");
    assert!(out.contains("element /Envelope/ApplicationToken"), "{out}");
    assert!(
        out.lines().any(|l| l.contains('|') && l.contains('^')),
        "no marker: {out}"
    );
}

fn secret_laden_dir() -> tempfile::TempDir {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    // The ticket value also stands where an int belongs, so the validator's message about
    // that value would carry it; and the violation's source line is the Ticket's own line.
    let doc = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
<s:Header><ApplicationToken xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">{TOKEN}</ApplicationToken><Credentials xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85"><Ticket>{TICKET}</Ticket><Bogus>{TICKET}</Bogus></Credentials></s:Header>
<s:Body><SaveContactRelation xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85"><ContactRelationEntity><RelationId>{TICKET}</RelationId><Comment>{TOKEN}</Comment></ContactRelationEntity></SaveContactRelation></s:Body>
</s:Envelope>
"#
    );
    let write = |name: &str, text: &str| {
        if let Err(e) = std::fs::write(dir.path().join(name), text) {
            panic!("write: {e}");
        }
    };
    write("secrets.xml", &doc);
    // A broken document must not leak its ticket through the parser's message either.
    write(
        "broken.xml",
        &format!("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><Ticket>{TICKET}</Ticket><ApplicationToken>{TOKEN}</ApplicationToken><a>{TICKET}</b></s:Envelope>"),
    );
    dir
}

#[test]
fn secrets_never_appear_in_any_format() {
    let dir = secret_laden_dir();
    let d = dir.path().to_str().unwrap_or("");
    for format in ["human", "json", "junit"] {
        for profile in ["wire", "auto", "documented"] {
            let o = run(&["validate", "--profile", profile, "--format", format, d]);
            let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
            assert_eq!(o.status.code(), Some(1), "{format}/{profile}: {all}");
            assert!(
                !all.contains(TICKET),
                "ticket leaked in {format}/{profile}: {all}"
            );
            assert!(
                !all.contains(TOKEN),
                "token leaked in {format}/{profile}: {all}"
            );
            assert!(
                !all.contains("1234abcxyz"),
                "part of the ticket leaked: {all}"
            );
        }
    }
    // The redaction is visible, not a silent drop of the finding.
    let o = run(&["validate", "--format", "human", d]);
    assert!(stdout(&o).contains("[REDACTED]"), "{}", stdout(&o));
}

#[test]
fn unreadable_paths_exit_2_and_the_others_are_still_processed() {
    let p = fixture(DOC_REQ);
    let o = run(&[
        "validate",
        "--format",
        "json",
        "/definitely/not/here.xml",
        p.to_str().unwrap_or(""),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_lines(&o).len(), 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("/definitely/not/here.xml"));
}

#[test]
fn a_file_that_is_not_xml_is_an_invalid_document() {
    let dir = secret_laden_dir();
    let f = dir.path().join("junk.xml");
    if let Err(e) = std::fs::write(&f, b"\x00\x9f\x92\x96 not xml at all") {
        panic!("{e}");
    }
    let empty = dir.path().join("empty.xml");
    if let Err(e) = std::fs::write(&empty, b"") {
        panic!("{e}");
    }
    let o = run(&[
        "validate",
        "--format",
        "json",
        f.to_str().unwrap_or(""),
        empty.to_str().unwrap_or(""),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let docs = json_lines(&o);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["valid"], false);
    assert_eq!(codes(&docs[1]), vec!["xml.empty"]);
}

#[test]
fn junit_has_one_testcase_per_document_and_one_failure_per_invalid_one() {
    let o = run(&[
        "validate",
        "--format",
        "junit",
        fixture(DOC_REQ).to_str().unwrap_or(""),
        fixture(DOC_RESP).to_str().unwrap_or(""),
        "--profile",
        "documented",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out.matches("<testcase ").count(), 2);
    assert_eq!(out.matches("<failure ").count(), 0);
    let o = run(&[
        "validate",
        "--format",
        "junit",
        "--profile",
        "wire",
        fixture(DOC_REQ).to_str().unwrap_or(""),
    ]);
    let out = stdout(&o);
    assert_eq!(out.matches("<testcase ").count(), 1);
    assert_eq!(out.matches("<failure ").count(), 1);
    assert!(out.contains("tests=\"1\" failures=\"1\""), "{out}");
}

#[test]
fn check_passes_on_the_bundled_fixtures() {
    let o = run(&["check", fixture("").to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("check passed"));
    assert!(out.contains("documented"));
}

#[test]
fn check_fails_when_an_invalid_fixture_does_not_produce_its_expectation() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let inv = dir.path().join("invalid");
    let docd = dir.path().join("documented");
    for d in [&inv, &docd] {
        if let Err(e) = std::fs::create_dir_all(d) {
            panic!("{e}");
        }
    }
    let copy = |from: &str, to: &Path| {
        if let Err(e) = std::fs::copy(fixture(from), to) {
            panic!("{e}");
        }
    };
    copy(DOC_REQ, &docd.join("ok.xml"));
    copy(DOC_REQ, &inv.join("right.xml"));
    copy(DOC_REQ, &inv.join("wrong.xml"));
    let w = |p: PathBuf, t: &str| {
        if let Err(e) = std::fs::write(p, t) {
            panic!("{e}");
        }
    };
    w(
        inv.join("right.expect"),
        "profile = wire\nexpect = soap.version /Envelope\n",
    );
    w(
        inv.join("wrong.expect"),
        "profile = wire\nexpect = xsd.order /Envelope/Body\n",
    );
    let o = run(&["check", dir.path().to_str().unwrap_or("")]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAILED [invalid]"), "{out}");
    assert!(out.contains("wrong.xml"));
    assert!(!out.contains("right.xml"), "{out}");
    assert!(
        out.contains("expected xsd.order at /Envelope/Body"),
        "{out}"
    );
}

/// The WCF-style sample the schema tests use carries WS-Addressing's `Action` marked
/// `mustUnderstand="1"`: the schema takes it, but the Relation service (BasicHttpBinding, no
/// WS-Addressing) does not understand it and must fault (SOAP 1.1 section 4.2.3). `validate`
/// says so with its own code, as the stub does.
#[test]
fn a_foreign_must_understand_header_is_a_finding_of_validate() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wcf-save-request.xml");
    let o = run(&["validate", "--format", "json", p.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(1));
    let docs = json_lines(&o);
    assert_eq!(docs.len(), 1);
    let found: Vec<(&str, &str)> = docs[0]["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["code"].as_str().unwrap_or(""),
                v["element"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found, [("soap.must-understand", "/Envelope/Header/Action")]);
}

/// `import` names each document's verdict, the pipeline's under `auto`, as `validate`
/// gives it for the same file: a fixture made from a broken capture says so at once.
#[test]
fn import_names_each_documents_verdict() {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let to = dir.path().display().to_string();
    let broken = fixture("invalid/SaveContactRelation.request.bad-boolean.xml");
    let good = fixture("wire/SaveContactRelation.request.minimal.xml");
    let o = run(&[
        "import",
        &broken.display().to_string(),
        &good.display().to_string(),
        "--to",
        &to,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    let line = |name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no line for {name}: {out}"))
            .to_string()
    };
    assert!(
        line("bad-boolean").ends_with("invalid under wire: xsd.value"),
        "{out}"
    );
    let wire = line("wire/SaveContactRelation.request.minimal.xml");
    assert!(wire.ends_with(": valid under wire"), "{out}");
}

/// JSON lines are typed: every document line says `"type": "document"`, the last line
/// `"type": "summary"` with the format's version.
#[test]
fn json_lines_carry_their_type_and_the_summary_its_format() {
    let o = run(&[
        "validate",
        "--format",
        "json",
        fixture("wire").to_str().unwrap(),
    ]);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (last, docs) = lines.split_last().expect("lines");
    assert!(docs.len() > 5);
    assert!(docs
        .iter()
        .all(|d| d["type"] == "document" && d["path"].is_string()));
    assert_eq!(last["type"], "summary");
    assert_eq!(last["format"], 1);
    assert_eq!(last["summary"]["documents"], docs.len());
    // The type comes first, where a line-oriented reader looks.
    assert!(stdout(&o).lines().all(|l| l.starts_with("{\"type\":")));
}

/// A folder that holds no document is no passing run (a recording folder the client never
/// reached): exit 2 and a message, unless `--allow-empty`.
#[test]
fn validating_nothing_exits_2_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a document").unwrap();
    let path = dir.path().to_str().unwrap();
    let o = run(&["validate", path]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("hold no document"), "{err}");
    assert!(err.contains("--allow-empty"), "{err}");
    let o = run(&["validate", "--allow-empty", path]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains("0 document(s)"));
}

/// `--color always` colours even where NO_COLOR is set and stdout is no terminal;
/// `never` and `auto` (off a terminal) do not.
#[test]
fn color_is_chosen_by_the_flag() {
    let bad = fixture("invalid/SaveContactRelation.request.order-swap.xml");
    let bad = bad.to_str().unwrap();
    let escape = |args: &[&str]| stdout(&run(args)).contains('\u{1b}');
    assert!(escape(&["validate", "--color", "always", bad]));
    assert!(!escape(&["validate", "--color", "never", bad]));
    assert!(!escape(&["validate", bad]));
    assert!(
        escape(&["--color", "always", "validate", bad]),
        "a global flag"
    );
}

/// A JUnit consumer (Python's junitparser, installed by scripts/setup.sh) reads a run over
/// a valid, an invalid and an unreadable input: one testcase each, the failure's message
/// `file:line:column [code] message` and its type the code, a time on every testcase,
/// the unreadable path an error.
#[test]
fn junit_reads_in_junitparser_with_positions_codes_times_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("wire/SaveContactRelation.request.minimal.xml");
    let bad = fixture("invalid/SaveContactRelation.request.order-swap.xml");
    let missing = dir.path().join("missing.xml");
    let o = run(&[
        "validate",
        "--format",
        "junit",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "an unreadable path is exit 2");
    let report = dir.path().join("report.xml");
    std::fs::write(&report, &o.stdout).unwrap();
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
cases = []
for suite in xml:
    for case in suite:
        results = [{"kind": type(r).__name__, "message": r.message, "type": r.type} for r in case.result]
        cases.append({"name": case.name, "time": case.time, "results": results})
suite_time = [suite.time for suite in xml][0]
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "suite_time": suite_time, "cases": cases}))
"#;
    let py = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&report)
        .output()
        .expect("python3 (bash scripts/setup.sh installs junitparser)");
    assert!(
        py.status.success(),
        "junitparser could not read the report:\n{}\n{}",
        String::from_utf8_lossy(&py.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    assert_eq!(
        (
            v["tests"].as_u64(),
            v["failures"].as_u64(),
            v["errors"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    assert!(cases
        .iter()
        .all(|c| c["time"].as_f64().is_some_and(|t| t >= 0.0)));
    let timed = cases
        .iter()
        .filter(|c| c["time"].as_f64() > Some(0.0))
        .count();
    assert_eq!(
        timed, 2,
        "the two documents were judged, and timed: {cases:?}"
    );
    // The suite's time is the sum of its testcases' (to the printed precision).
    let sum: f64 = cases.iter().filter_map(|c| c["time"].as_f64()).sum();
    let suite = v["suite_time"].as_f64().expect("the suite's time");
    assert!(
        suite > 0.0 && (suite - sum).abs() < 1e-5,
        "suite {suite}, cases {sum}"
    );
    let failure = &cases[1]["results"][0];
    assert_eq!(failure["kind"], "Failure");
    assert_eq!(failure["type"], "xsd.order");
    let message = failure["message"].as_str().unwrap();
    let (at, rest) = message
        .split_once(" [xsd.order] ")
        .expect("file:line:column [code] message");
    let mut parts = at.rsplitn(3, ':');
    let (col, line) = (parts.next().unwrap(), parts.next().unwrap());
    assert!(
        col.parse::<u32>().is_ok() && line.parse::<u32>().is_ok(),
        "{message}"
    );
    assert!(
        parts.next().unwrap().ends_with("order-swap.xml"),
        "{message}"
    );
    assert!(!rest.is_empty());
    assert!(
        cases[0]["results"].as_array().unwrap().is_empty(),
        "the valid one passes"
    );
    let error = &cases[2]["results"][0];
    assert_eq!(error["kind"], "Error");
    assert!(error["message"].as_str().unwrap().contains("missing.xml"));
}
