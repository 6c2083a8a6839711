//! `relation-contract diff` as users run it: exit codes, --ignore, rules files, formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relation-contract"));
    c.env("NO_COLOR", "1");
    match c.args(args).output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run the binary: {e}"),
    }
}

fn json(o: &Output) -> serde_json::Value {
    let s = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(s.trim()).unwrap_or_else(|e| panic!("not JSON: {s}: {e}"))
}

const WIRE: &str = "wire/SaveContactRelation.request.wcf.xml";

fn temp_with(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    (dir, p)
}

#[test]
fn a_document_equals_itself_and_exits_0() {
    let p = fixture(WIRE);
    let p = p.to_str().unwrap_or("");
    let o = run(&[
        "diff",
        "--mode",
        "exact",
        "--against",
        p,
        p,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let j = json(&o);
    assert_eq!(j["equal"], true);
    assert_eq!(j["mode"], "exact");
    assert_eq!(j["differences"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_changed_relation_id_is_one_value_difference_and_ignore_makes_it_equal() {
    let text = std::fs::read_to_string(fixture(WIRE)).unwrap_or_default();
    let start = text.find("<RelationId>").unwrap_or(0);
    let end = text[start..].find("</RelationId>").map_or(0, |e| start + e);
    assert!(end > start, "fixture has a RelationId");
    let changed = format!("{}<RelationId>987654{}", &text[..start], &text[end..]);
    let (_dir, p) = temp_with("changed.xml", &changed);
    let against = fixture(WIRE);
    let args = [
        "diff",
        "--mode",
        "exact",
        "--format",
        "json",
        "--against",
        against.to_str().unwrap_or(""),
        p.to_str().unwrap_or(""),
    ];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    let diffs = j["differences"].as_array().cloned().unwrap_or_default();
    assert_eq!(diffs.len(), 1, "{j}");
    assert_eq!(diffs[0]["kind"], "value");
    assert_eq!(
        diffs[0]["path"],
        "/Envelope/Body/SaveContactRelation/ContactRelationEntity/RelationId"
    );
    assert_eq!(diffs[0]["actual"], "987654");
    let mut ignoring = args.to_vec();
    ignoring.extend(["--ignore", "**/RelationId"]);
    let o = run(&ignoring);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // A diff.rules file beside the capture does the same for the whole folder.
    let rules = p.with_file_name("diff.rules");
    std::fs::write(&rules, "# volatile\n**/RelationId\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(&args).status.code(), Some(0));
}

#[test]
fn without_against_the_bundled_documented_example_is_used() {
    let p = fixture(WIRE);
    let o = run(&["diff", "--format", "json", p.to_str().unwrap_or("")]);
    let j = json(&o);
    assert_eq!(j["against"], "documented:SaveContactRelation.request");
    assert_eq!(j["mode"], "shape");
    // The documented example is shape-equal to itself through the CLI too.
    let d = fixture("documented/SaveContactRelation.response.xml");
    let o = run(&["diff", d.to_str().unwrap_or("")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn unreadable_or_broken_input_exits_2_and_human_output_has_a_unified_diff() {
    let o = run(&["diff", "/no/such/capture.xml"]);
    assert_eq!(o.status.code(), Some(2));
    let (_dir, p) = temp_with(
        "broken.xml",
        "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><a></b>",
    );
    let o = run(&["diff", p.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["diff", fixture(WIRE).to_str().unwrap_or("")]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out.contains("--- expected: documented:SaveContactRelation.request"),
        "{out}"
    );
    assert!(out.contains("+++ actual:"), "{out}");
    assert!(!out.contains('\u{1b}'), "colour despite NO_COLOR: {out}");
}

#[test]
fn http_captures_are_diffed_by_their_one_soap_message() {
    let p = fixture("captures/SaveContactRelation.request.curl.http");
    let o = run(&["diff", "--format", "json", p.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        json(&o)["against"],
        "documented:SaveContactRelation.request"
    );
    // A dump with a request and its response: which one to compare is not guessed.
    let p = fixture("captures/SaveContactRelation.exchange.proxy-log.http");
    let o = run(&["diff", p.to_str().unwrap_or("")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds 2 SOAP documents"));
}
