//! `relation-contract diff` as users run it: exit codes, --ignore, rules files, formats.

mod common;

use common::process::temp_with;
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

/// The wire fixture with its Ticket and one member replaced.
fn wire_with(ticket: &str, member: &str, value: &str) -> String {
    let text = std::fs::read_to_string(fixture(WIRE)).unwrap_or_default();
    let ticket_at = text.find("<Ticket>").map(|s| s + "<Ticket>".len());
    let ticket_end = text.find("</Ticket>");
    let (Some(ts), Some(te)) = (ticket_at, ticket_end) else {
        panic!("the fixture has a Ticket");
    };
    let text = format!("{}{ticket}{}", &text[..ts], &text[te..]);
    let (open, close) = (format!("<{member}>"), format!("</{member}>"));
    let ms = text.find(&open).map(|s| s + open.len());
    let me = text.find(&close);
    let (Some(ms), Some(me)) = (ms, me) else {
        panic!("the fixture has {member}");
    };
    format!("{}{value}{}", &text[..ms], &text[me..])
}

/// `diff` of `capture` in every mode and format: against the documented example, and
/// exactly against `against`. Each output with its exit status.
fn every_output(capture: &str, against: &str) -> Vec<(Option<i32>, String)> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (c, a) = (
        dir.path().join("capture.xml"),
        dir.path().join("against.xml"),
    );
    std::fs::write(&c, capture).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&a, against).unwrap_or_else(|e| panic!("{e}"));
    let (c, a) = (c.to_str().unwrap_or(""), a.to_str().unwrap_or(""));
    let mut out = Vec::new();
    for format in ["human", "json"] {
        for args in [
            vec!["diff", "--format", format, c],
            vec![
                "diff",
                "--mode",
                "exact",
                "--format",
                format,
                "--against",
                a,
                c,
            ],
        ] {
            let o = run(&args);
            let text = String::from_utf8_lossy(&o.stdout).into_owned()
                + &String::from_utf8_lossy(&o.stderr);
            let dir_name = dir.path().to_string_lossy();
            out.push((o.status.code(), text.replace(dir_name.as_ref(), "DIR")));
        }
    }
    out
}

#[test]
fn a_value_invalid_for_its_type_does_not_differ_from_itself() {
    // A fuzz find: `diff X --against X` reported a type difference for `yes` in a short.
    let text = wire_with("7T:abcdefgh==", "Reversed", "yes");
    let (_dir, p) = temp_with("invalid.xml", &text);
    let p = p.to_str().unwrap_or("");
    for mode in ["shape", "exact"] {
        let o = run(&[
            "diff",
            "--mode",
            mode,
            "--format",
            "json",
            "--against",
            p,
            p,
        ]);
        assert_eq!(o.status.code(), Some(0), "{mode}: {}", json(&o));
        assert_eq!(json(&o)["differences"].as_array().map(Vec::len), Some(0));
    }
    // Against the documentation the bad value still is a type difference: the one
    // difference it adds to those of the same capture with a good value.
    let differences = |text: &str| {
        let (_dir, p) = temp_with("c.xml", text);
        let o = run(&["diff", "--format", "json", p.to_str().unwrap_or("")]);
        assert_eq!(o.status.code(), Some(1));
        json(&o)["differences"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (bad, good) = (
        differences(&text),
        differences(&wire_with("7T:abcdefgh==", "Reversed", "0")),
    );
    let added: Vec<&serde_json::Value> = bad.iter().filter(|d| !good.contains(d)).collect();
    assert_eq!(added.len(), 1, "{bad:?}");
    assert_eq!(bad.len(), good.len() + 1);
    assert_eq!(added[0]["kind"], "type");
    assert_eq!(
        added[0]["path"],
        "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed"
    );
    assert_eq!(added[0]["actual"], "yes");
}

#[test]
fn short_and_word_tickets_never_show_and_never_touch_paths_or_words() {
    // Tickets test suites use: one character, or a word the tool itself prints. Masking is
    // structural, so every output is the same whatever the Ticket is, paths included.
    let against = wire_with("7T:OtherTicketValue==", "Reversed", "0");
    let outputs = |ticket: &str| every_output(&wire_with(ticket, "Reversed", "yes"), &against);
    let reference = outputs("Q");
    let reversed = "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed";
    let ticket_path = "/Envelope/Header/Credentials/Ticket";
    for (status, out) in &reference {
        assert_eq!(*status, Some(1), "{out}");
        assert!(out.contains(reversed), "{out}");
    }
    // Exact mode reports the Ticket itself, masked, at its intact path.
    let exact: serde_json::Value =
        serde_json::from_str(reference[3].1.trim()).unwrap_or_else(|e| panic!("{e}"));
    let ticket_diff = exact["differences"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["path"] == ticket_path).cloned())
        .unwrap_or_else(|| panic!("no Ticket difference: {exact}"));
    assert_eq!(ticket_diff["actual"], "[REDACTED]");
    assert_eq!(ticket_diff["expected"], "[REDACTED]");
    for ticket in ["T", "1", "s", "valid", "Envelope", "Reversed"] {
        let got = outputs(ticket);
        assert_eq!(
            got, reference,
            "the output depends on the Ticket {ticket:?}"
        );
        for (_, out) in got.iter().skip(2) {
            serde_json::from_str::<serde_json::Value>(out.trim())
                .unwrap_or_else(|e| panic!("{ticket:?}: not JSON: {e}: {out}"));
        }
    }
}

#[test]
fn a_ticket_holding_elements_is_masked_whole() {
    let capture = wire_with("<b>SecretInside</b>tail", "Reversed", "0");
    let against = wire_with("7T:OtherTicketValue==", "Reversed", "0");
    for (_, out) in every_output(&capture, &against) {
        assert!(
            !out.contains("SecretInside") && !out.contains("tail"),
            "{out}"
        );
        assert!(!out.contains("Ticket/b"), "{out}");
    }
    // Element content in a Ticket (a string) is a type difference at the Ticket: the one
    // difference it adds to those of the same capture with a plain Ticket.
    let differences = |text: &str| {
        let (_dir, p) = temp_with("c.xml", text);
        let o = run(&["diff", "--format", "json", p.to_str().unwrap_or("")]);
        json(&o)["differences"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (inside, plain) = (differences(&capture), differences(&against));
    let added: Vec<&serde_json::Value> = inside.iter().filter(|d| !plain.contains(d)).collect();
    assert_eq!(
        (added.len(), inside.len()),
        (1, plain.len() + 1),
        "{inside:?}"
    );
    assert_eq!(added[0]["path"], "/Envelope/Header/Credentials/Ticket");
    assert_eq!(added[0]["kind"], "type");
    assert_eq!(added[0]["actual"], "[REDACTED]");
}

#[test]
fn quotes_and_backslashes_of_a_ticket_echoed_in_a_comment_are_masked_before_escaping() {
    let ticket = r#""\"\\""#;
    let comment = format!("{ticket}{ticket}{ticket} end");
    let capture = wire_with(ticket, "Comment", &comment);
    let against = wire_with("7T:OtherTicketValue==", "Comment", "other");
    let escaped_json = serde_json::to_string(ticket).unwrap_or_default();
    let escaped_debug = format!("{ticket:?}");
    let inner = |s: &str| s[1..s.len() - 1].to_string();
    for (_, out) in every_output(&capture, &against) {
        for form in [
            ticket.to_string(),
            inner(&escaped_json),
            inner(&escaped_debug),
        ] {
            assert!(!out.contains(&form), "{form:?} in:\n{out}");
        }
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (c, a) = (dir.path().join("c.xml"), dir.path().join("a.xml"));
    std::fs::write(&c, &capture).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&a, &against).unwrap_or_else(|e| panic!("{e}"));
    let o = run(&[
        "diff",
        "--mode",
        "exact",
        "--format",
        "json",
        "--against",
        a.to_str().unwrap_or(""),
        c.to_str().unwrap_or(""),
    ]);
    let j = json(&o);
    let comment_diff = j["differences"]
        .as_array()
        .and_then(|ds| {
            ds.iter()
                .find(|d| d["path"].as_str().is_some_and(|p| p.ends_with("/Comment")))
                .cloned()
        })
        .unwrap_or_else(|| panic!("no Comment difference: {j}"));
    assert_eq!(comment_diff["actual"], "[REDACTED][REDACTED][REDACTED] end");
    assert_eq!(comment_diff["expected"], "other");
}

/// Every output of `diff` for a file holding `bytes`: human and JSON, both modes, against
/// the documented example and against itself.
fn every_output_of_bytes(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join("fuzz.xml");
    std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("{e}"));
    let p = p.to_str().unwrap_or("");
    let mut out = Vec::new();
    for format in ["human", "json"] {
        for mode in ["shape", "exact"] {
            for args in [
                vec!["diff", "--mode", mode, "--format", format, p],
                vec![
                    "diff",
                    "--mode",
                    mode,
                    "--format",
                    format,
                    "--against",
                    p,
                    p,
                ],
            ] {
                let o = run(&args);
                out.push(
                    String::from_utf8_lossy(&o.stdout).into_owned()
                        + &String::from_utf8_lossy(&o.stderr),
                );
            }
        }
    }
    out
}

#[test]
fn fuzz_regressions_secrets_inside_names_and_namespace_uris_are_masked() {
    // A broken document whose first "tag name" runs over an ApplicationToken value (the
    // parser's error quoted it), and one whose namespace URI runs over a Ticket (shown in
    // `{namespace}name`).
    let cases: [(&[u8], &str); 2] = [
        (
            include_bytes!("fuzz-regressions/diff-8bd9cfc8.bin"),
            "3f2a9c4e-81d7-4b0a-9e6f-2c5d7a1b8e40",
        ),
        (
            include_bytes!("fuzz-regressions/diff-c7e1f6a0.bin"),
            "7T:bWluaW1hbC1maXh0dXJXlLRpY2tldA==",
        ),
    ];
    for (bytes, secret) in cases {
        let doc = relation_contract::Document::from_bytes("fuzz.xml", bytes);
        assert!(doc.secrets.iter().any(|s| s == secret), "{secret}");
        let outputs = every_output_of_bytes(bytes);
        assert!(outputs.iter().any(|o| o.contains("[REDACTED]")));
        for o in outputs {
            assert!(!o.contains(&secret[..8]), "{secret} in:\n{o}");
        }
    }
}
