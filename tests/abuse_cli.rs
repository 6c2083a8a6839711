//! The command under abuse (issue 17): output that cannot be written, FIFOs and devices,
//! symlinks and their loops, control characters in names and values, the nesting limit.
//!
//! Every child runs with a deadline: a command that hangs is killed and the test fails.

#![cfg(unix)]

use relation_contract::capture::Document;
use relation_contract::schema;
use relation_contract::violation::Code;
use relation_contract::Profile;
use std::fs::File;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Longer than any of these runs takes on a loaded machine, short enough to fail fast.
const DEADLINE: Duration = Duration::from_secs(10);

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

const VALID: &str = "wire/SaveContactRelation.request.minimal.xml";
const INVALID: &str = "invalid/SaveContactRelation.request.bad-boolean.xml";

fn bin(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relation-contract"));
    c.env("NO_COLOR", "1").args(args).stdin(Stdio::null());
    c
}

/// Waits for the child at most [`DEADLINE`]; past it the child is killed and the test fails.
fn wait(mut child: Child, what: &str) -> ExitStatus {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) if started.elapsed() > DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: still running after {DEADLINE:?}: killed");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("{what}: cannot wait: {e}"),
        }
    }
}

/// What a run left: its exit code and both streams (read from files, so a child that
/// fills a pipe cannot stall).
struct Ran {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Ran {
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

fn run(args: &[&str]) -> Ran {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (o, e) = (dir.path().join("out"), dir.path().join("err"));
    let child = bin(args)
        .stdout(File::create(&o).expect("out file"))
        .stderr(File::create(&e).expect("err file"))
        .spawn()
        .expect("the binary runs");
    let status = wait(child, &args.join(" "));
    Ran {
        code: status.code(),
        stdout: std::fs::read(&o).unwrap_or_default(),
        stderr: std::fs::read(&e).unwrap_or_default(),
    }
}

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full"),
    )
}

/// A folder of `n` copies of an invalid document: enough human output to fill any pipe.
fn many_invalid(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read(fixture(INVALID)).expect("fixture");
    for i in 0..n {
        std::fs::write(dir.path().join(format!("doc{i:04}.xml")), &text).expect("written");
    }
    dir
}

/// One case of every command that writes on stdout, with the status it has when its
/// output can be written.
fn commands(invalid_dir: &Path, import_to: &Path) -> Vec<(Vec<String>, i32)> {
    let s = |p: &Path| p.display().to_string();
    vec![
        (vec!["validate".into(), s(invalid_dir)], 1),
        (
            vec![
                "validate".into(),
                "--format".into(),
                "junit".into(),
                s(invalid_dir),
            ],
            1,
        ),
        (vec!["check".into(), s(&fixture(""))], 0),
        (
            vec![
                "import".into(),
                s(&fixture("captures/SaveContactRelation.session.har")),
                "--to".into(),
                s(import_to),
            ],
            0,
        ),
        (
            vec![
                "diff".into(),
                s(&fixture("wire/SaveContactRelation.request.wcf.xml")),
                "--against".into(),
                s(&fixture(VALID)),
            ],
            1,
        ),
    ]
}

#[test]
fn a_full_stdout_is_exit_2_with_a_message_never_a_panic() {
    let docs = many_invalid(50);
    let to = tempfile::tempdir().expect("a temporary folder");
    for (args, _) in commands(docs.path(), to.path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let e = dir.path().join("err");
        let child = bin(&args)
            .stdout(dev_full())
            .stderr(File::create(&e).expect("err file"))
            .spawn()
            .expect("the binary runs");
        let status = wait(child, &args.join(" "));
        let err = std::fs::read_to_string(&e).unwrap_or_default();
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cannot write the output") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_full_stderr_is_exit_2_never_a_panic_and_unused_it_changes_nothing() {
    let docs = many_invalid(3);
    let missing = docs.path().join("missing.xml");
    let missing = missing.display().to_string();
    let valid = fixture(VALID).display().to_string();
    // Each writes on stderr (an unreadable path, a usage error, a missing capture).
    let writes: [&[&str]; 4] = [
        &["validate", &valid, &missing],
        &[
            "import",
            &missing,
            "--to",
            &docs.path().display().to_string(),
        ],
        &["diff", &missing],
        &["validate", "--no-such-flag"],
    ];
    for args in writes {
        let child = bin(args)
            .stdout(Stdio::null())
            .stderr(dev_full())
            .spawn()
            .expect("the binary runs");
        assert_eq!(wait(child, &args.join(" ")).code(), Some(2), "{args:?}");
    }
    // Nothing written on stderr: the usual status.
    for (args, code) in [(vec!["validate", &valid], 0), (vec!["check"], 0)] {
        let mut cmd = bin(&args);
        if args == ["check"] {
            cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(dev_full())
            .spawn()
            .expect("the binary runs");
        assert_eq!(wait(child, &args.join(" ")).code(), Some(code), "{args:?}");
    }
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_with_the_usual_status() {
    let docs = many_invalid(200);
    for (args, usual) in commands(docs.path(), tempfile::tempdir().expect("tmp").path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let e = dir.path().join("err");
        let mut child = bin(&args)
            .stdout(Stdio::piped())
            .stderr(File::create(&e).expect("err file"))
            .spawn()
            .expect("the binary runs");
        // The reader goes away before the first line: every write meets a closed pipe.
        drop(child.stdout.take());
        let status = wait(child, &args.join(" "));
        let err = std::fs::read_to_string(&e).unwrap_or_default();
        assert_eq!(status.code(), Some(usual), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("cannot write"),
            "{args:?}: {err}"
        );
    }
    // A closed stderr pipe is as quiet: the unreadable path still makes it exit 2.
    let missing = docs.path().join("missing.xml");
    let mut child = bin(&["validate", &missing.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stderr.take());
    assert_eq!(wait(child, "validate missing").code(), Some(2));
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// The summary line of JSON output.
fn summary(ran: &Ran) -> serde_json::Value {
    let out = ran.out();
    let last = out.lines().last().unwrap_or_default().to_string();
    let v: serde_json::Value = serde_json::from_str(&last).expect("a JSON summary line");
    v["summary"].clone()
}

#[test]
fn a_fifo_or_device_named_is_an_error_at_once_and_the_others_get_their_verdicts() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fifo = dir.path().join("pipe.xml");
    mkfifo(&fifo);
    let fifo = fifo.display().to_string();
    let (valid, invalid) = (
        fixture(VALID).display().to_string(),
        fixture(INVALID).display().to_string(),
    );
    let started = Instant::now();
    let ran = run(&[
        "validate",
        "--format",
        "json",
        &valid,
        &fifo,
        "/dev/null",
        &invalid,
    ]);
    assert!(started.elapsed() < DEADLINE);
    assert_eq!(ran.code, Some(2), "{}", ran.err());
    let err = ran.err();
    assert!(
        err.contains(&format!(
            "{fifo}: cannot be read: not a regular file (a FIFO)"
        )),
        "{err}"
    );
    assert!(
        err.contains("/dev/null: cannot be read: not a regular file (a character device)"),
        "{err}"
    );
    let s = summary(&ran);
    assert_eq!(
        (s["documents"].as_u64(), s["valid"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    assert_eq!(
        (s["invalid"].as_u64(), s["unreadable"].as_u64()),
        (Some(1), Some(2)),
        "{s}"
    );

    // Inside a folder the walk takes regular files only: the FIFO is passed over.
    std::fs::copy(fixture(VALID), dir.path().join("ok.xml")).expect("copied");
    let ran = run(&[
        "validate",
        "--format",
        "json",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(ran.code, Some(0), "{}", ran.err());
    assert_eq!(summary(&ran)["documents"].as_u64(), Some(1));

    // `check` and `diff` refuse it at once too.
    let ran = run(&["diff", &fifo]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.err().contains("not a regular file (a FIFO)"),
        "{}",
        ran.err()
    );
}

#[test]
fn a_folder_of_symlinks_validates_their_targets() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let links = dir.path().join("links");
    let real = dir.path().join("real");
    std::fs::create_dir_all(&links).expect("folder");
    std::fs::create_dir_all(&real).expect("folder");
    std::fs::copy(fixture(VALID), real.join("inner.xml")).expect("copied");
    symlink(fixture(VALID), links.join("a.xml")).expect("link");
    symlink(fixture(INVALID), links.join("b.xml")).expect("link");
    symlink(
        fixture("captures/SaveContactRelation.request.curl.http"),
        links.join("c.http"),
    )
    .expect("link");
    symlink(&real, links.join("more")).expect("link to a folder");
    let ran = run(&["validate", "--format", "json", &links.display().to_string()]);
    let s = summary(&ran);
    assert_eq!(s["documents"].as_u64(), Some(4), "{s}");
    assert_eq!(
        (s["valid"].as_u64(), s["invalid"].as_u64()),
        (Some(3), Some(1)),
        "{s}"
    );
    assert_eq!(ran.code, Some(1), "{}", ran.err());
    let out = ran.out();
    for name in ["a.xml", "b.xml", "c.http", "more/inner.xml"] {
        assert!(out.contains(&format!("links/{name}\"")), "{name}: {out}");
    }
    // A symlinked folder named on the command line, and `check` over a linked fixture tree.
    let linked_root = dir.path().join("root");
    symlink(&links, &linked_root).expect("link");
    let ran = run(&[
        "validate",
        "--format",
        "json",
        &linked_root.display().to_string(),
    ]);
    assert_eq!(summary(&ran)["documents"].as_u64(), Some(4));
    let fixtures = dir.path().join("fixtures");
    std::fs::create_dir_all(fixtures.join("wire")).expect("folder");
    symlink(fixture(VALID), fixtures.join("wire/a.xml")).expect("link");
    let ran = run(&["check", &fixtures.display().to_string()]);
    assert_eq!(ran.code, Some(0), "{}", ran.out());
    let wire = ran.out().lines().find(|l| l.starts_with("wire")).map(|l| {
        l.split_whitespace()
            .skip(1)
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    assert_eq!(
        wire,
        Some(vec!["1".into(), "1".into(), "0".into()]),
        "{}",
        ran.out()
    );
}

#[test]
fn a_symlink_loop_is_an_error_for_that_path_not_a_hang() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("sub")).expect("folder");
    std::fs::copy(fixture(VALID), docs.join("ok.xml")).expect("copied");
    symlink(&docs, docs.join("sub/back")).expect("link to an ancestor");
    symlink("self.xml", docs.join("self.xml")).expect("a link to itself");
    let ran = run(&["validate", "--format", "json", &docs.display().to_string()]);
    assert_eq!(ran.code, Some(2), "{}", ran.err());
    let s = summary(&ran);
    assert_eq!(s["documents"].as_u64(), Some(1), "{s}");
    assert_eq!(s["unreadable"].as_u64(), Some(2), "{s}");
    let err = ran.err();
    assert!(err.contains("sub/back"), "{err}");
    assert!(err.contains("self.xml"), "{err}");
    let ran = run(&["check", &docs.display().to_string()]);
    assert_eq!(ran.code, Some(2), "{}", ran.err());
    assert!(ran.err().contains("sub/back"), "{}", ran.err());
}

/// Whether the text is well-formed XML 1.0, by the crate's own parser (libxml2, no
/// recovery): it is then only not an envelope.
fn assert_well_formed(xml: &[u8]) {
    let doc = Document::from_bytes("junit.xml", xml);
    let codes: Vec<Code> = schema::validate(&doc, Profile::Wire)
        .violations
        .iter()
        .map(|v| v.code)
        .collect();
    assert_eq!(
        codes,
        vec![Code::SoapNotEnvelope],
        "{}",
        String::from_utf8_lossy(xml)
    );
}

/// Every `name` attribute of the testcases, read by quick-xml.
fn testcase_names(xml: &[u8]) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut names = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == "testcase" => {
                for a in e.attributes().flatten() {
                    if a.key.as_ref() == "name" {
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("an escaped value");
                        names.push(v.into_owned());
                    }
                }
            }
            Ok(Event::Eof) => return names,
            Err(e) => panic!("not XML: {e}"),
            _ => {}
        }
        buf.clear();
    }
}

#[test]
fn control_characters_in_names_and_values_are_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bad = dir.path().join("esc\u{1b}[31mred\u{7}.xml");
    std::fs::copy(fixture(INVALID), &bad).expect("copied");
    let good = dir.path().join("ok\u{1b}]0;title.xml");
    std::fs::copy(fixture(VALID), &good).expect("copied");
    let fifo = dir.path().join("fifo\u{1b}[2J.xml");
    mkfifo(&fifo);
    // A SOAPAction holding an escape sequence, quoted in an http.soap-action message.
    let body = std::fs::read_to_string(fixture(VALID)).expect("fixture");
    let dump = format!(
        "POST /Remote/Services85/Relation.svc HTTP/1.1\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"\u{1b}[2Jhttp://evil/\u{1b}[0m\"\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    std::fs::write(dir.path().join("action.http"), dump).expect("written");
    let paths: Vec<String> = [&bad, &good, &fifo]
        .iter()
        .map(|p| p.display().to_string())
        .chain([dir.path().join("action.http").display().to_string()])
        .collect();
    let args = |format: &'static str| {
        let mut a = vec!["validate", "--format", format];
        a.extend(paths.iter().map(String::as_str));
        a
    };

    let junit = run(&args("junit"));
    assert_eq!(junit.code, Some(2), "{}", junit.err());
    assert_well_formed(&junit.stdout);
    let names = testcase_names(&junit.stdout);
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("esc\\u{1b}[31mred\\u{7}.xml")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with("fifo\\u{1b}[2J.xml")),
        "{names:?}"
    );
    let text = junit.out();
    assert!(text.contains("\\u{1b}[2Jhttp://evil/\\u{1b}[0m"), "{text}");

    let human = run(&args("human"));
    assert_eq!(human.code, Some(2));
    for (stream, bytes) in [("stdout", &human.stdout), ("stderr", &human.stderr)] {
        assert!(
            !bytes.iter().any(|&b| b == 0x1b || b == 0x07),
            "{stream}: {}",
            String::from_utf8_lossy(bytes)
        );
    }
    let out = human.out();
    assert!(out.contains("esc\\u{1b}[31mred\\u{7}.xml"), "{out}");
    assert!(out.contains("ok\\u{1b}]0;title.xml"), "{out}");
    assert!(out.contains("\\u{1b}[2Jhttp://evil/"), "{out}");
    assert!(
        human.err().contains("fifo\\u{1b}[2J.xml"),
        "{}",
        human.err()
    );

    // JSON keeps the names as they are, escaped its own way.
    let json = run(&args("json"));
    assert!(!json.stdout.contains(&0x1b));
    assert!(
        json.out().contains("esc\\u001b[31mred\\u0007.xml"),
        "{}",
        json.out()
    );
}

/// Envelope (1), Header (2), ExceptionInfo (3), then `levels` InnerExceptions.
fn nested(levels: usize) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>\
         <ExceptionInfo xmlns=\"http://www.superoffice.net/ws/crm/NetServer/Services85\">{}{}\
         </ExceptionInfo></s:Header><s:Body/></s:Envelope>",
        "<InnerException>".repeat(levels),
        "</InnerException>".repeat(levels)
    )
}

#[test]
fn the_nesting_limit_is_level_101_in_the_tools_words_for_validate_and_diff() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let at_limit = dir.path().join("at-limit.xml");
    std::fs::write(&at_limit, nested(97)).expect("written");
    let deepest = format!(
        "/Envelope/Header/ExceptionInfo{}",
        "/InnerException".repeat(98)
    );
    // Between the tool's limit and libxml2's, past libxml2's, and far past it.
    for levels in [98, 150, 254, 300, 20_000] {
        let file = dir.path().join(format!("deep{levels}.xml"));
        std::fs::write(&file, nested(levels)).expect("written");
        let path = file.display().to_string();
        let ran = run(&["validate", "--format", "json", &path]);
        assert_eq!(ran.code, Some(1), "{levels}: {}", ran.err());
        let first = ran.out().lines().next().unwrap_or_default().to_string();
        let doc: serde_json::Value = serde_json::from_str(&first).expect("a JSON line");
        let v = &doc["violations"];
        assert_eq!(v.as_array().map(Vec::len), Some(1), "{levels}: {doc}");
        assert_eq!(v[0]["code"], "xml.limit", "{levels}");
        assert_eq!(v[0]["element"], deepest.as_str(), "{levels}");
        let message = v[0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("deeper than 100 levels"),
            "{levels}: {message}"
        );
        assert!(
            !message.contains("256") && !message.contains("libxml2"),
            "{message}"
        );
        let at = format!("{path}:{}:{}", v[0]["line"], v[0]["column"]);

        let diff = run(&["diff", &path, "--against", &at_limit.display().to_string()]);
        assert_eq!(diff.code, Some(2), "{levels}: {}", diff.out());
        assert_eq!(
            diff.err().trim(),
            format!("error: {at}: {message}"),
            "{levels}"
        );
    }
    // At the limit: read by both, no limit finding.
    let path = at_limit.display().to_string();
    let ran = run(&["validate", "--format", "json", &path]);
    assert!(!ran.out().contains("xml.limit"), "{}", ran.out());
    let diff = run(&["diff", &path, "--against", &path]);
    assert_eq!(diff.code, Some(0), "{}", diff.err());
}

#[test]
fn control_characters_in_a_diffs_values_are_escaped() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(fixture("documented/DeleteContactRelation.request.xml"))
        .expect("fixture");
    // Character references the canonical reader resolves: a C1 CSI and an ESC sequence.
    let changed = text.replace("xsd:int\">0<", "xsd:int\">1&#x9b;2&#x1b;[2J<");
    assert_ne!(changed, text);
    let capture = dir.path().join("esc.xml");
    std::fs::write(&capture, changed).expect("written");
    let ran = run(&["diff", &capture.display().to_string(), "--mode", "exact"]);
    assert_eq!(ran.code, Some(1), "{}", ran.err());
    let out = ran.out();
    assert!(!out.contains('\u{1b}') && !out.contains('\u{9b}'), "{out}");
    assert!(out.contains("1\\u{9b}2\\u{1b}[2J"), "{out}");
}
