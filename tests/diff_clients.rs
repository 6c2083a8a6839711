//! Shape diff of real client traffic (issue 18): the recorded requests of each client
//! library (`fixtures/captures/clients/`) against the documented example, and the Header
//! rules of shape mode one by one: header blocks are a set, contract blocks are optional,
//! blocks of other namespaces are `extra-header` (a difference only with strict headers),
//! `mustUnderstand` on them is always a difference.

use relation_contract::contract::{NS_SERVICES85, NS_SOAP11, NS_SOAP12};
use relation_contract::diff::{DiffKind, DiffReport, Difference, Options};
use relation_contract::{pipeline, Document, Profile};
use std::path::{Path, PathBuf};
use std::process::Command;

const WSA: &str = "http://www.w3.org/2005/08/addressing";
const S84: &str = "http://www.superoffice.net/ws/crm/NetServer/Services84";
const CLIENTS: [&str; 5] = ["zeep", "php", "node-soap", "strong-soap", "jax-ws"];
const OPERATIONS: [&str; 2] = ["SaveContactRelation", "GetContactRelationEntity"];

fn fixture(op: &str, client: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/captures/clients")
        .join(format!("{op}.request.{client}.xml"))
}

fn read(path: &Path) -> Document {
    Document::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn documented(doc: &Document, opts: &Options) -> DiffReport {
    DiffReport::against_documented(doc, opts).unwrap_or_else(|e| panic!("{e}"))
}

fn kinds(diffs: &[Difference]) -> Vec<(DiffKind, &str)> {
    diffs.iter().map(|d| (d.kind, d.path.as_str())).collect()
}

#[test]
fn every_client_fixture_is_shape_equal_to_the_documented_example() {
    for client in CLIENTS {
        for op in OPERATIONS {
            let path = fixture(op, client);
            let doc = read(&path);
            // Recorded as the client sent it: valid on the wire, the Ticket redacted.
            let verdict = pipeline::check(&doc, Profile::Wire);
            assert!(
                verdict.is_valid(),
                "{}: {:?}",
                path.display(),
                verdict.violations
            );
            let text = doc.text.as_ref().expect("text");
            assert!(text.contains("[REDACTED]"), "{}", path.display());

            let report = documented(&doc, &Options::shape());
            assert!(report.equal, "{client} {op}: {}", report.human(false));
            assert_eq!(report.exit_code(), 0);
            assert!(report.differences.is_empty());
            let extra = kinds(&report.extra_headers);
            if client == "zeep" {
                // zeep adds WS-Addressing because the WSDL carries wsaw:Action.
                assert_eq!(
                    extra,
                    [
                        (DiffKind::ExtraHeader, "/Envelope/Header/Action"),
                        (DiffKind::ExtraHeader, "/Envelope/Header/MessageID"),
                        (DiffKind::ExtraHeader, "/Envelope/Header/To"),
                    ],
                    "{op}"
                );
                for d in &report.extra_headers {
                    let actual = d.actual.as_deref().unwrap_or("");
                    assert!(
                        actual.contains(&format!("{{{WSA}}}")),
                        "the namespace is named: {d:?}"
                    );
                    assert_eq!(d.expected, None);
                }
                // Strict: the same entries, now the differences.
                let strict = documented(&doc, &Options::shape().with_strict_headers());
                assert!(!strict.equal);
                assert_eq!(strict.exit_code(), 1);
                assert_eq!(strict.differences, report.extra_headers);
                assert!(strict.extra_headers.is_empty());
                // Exact mode reports them as any other element the example lacks.
                let exact = documented(&doc, &Options::exact());
                for local in ["Action", "MessageID", "To"] {
                    let p = format!("/Envelope/Header/{local}");
                    assert!(
                        kinds(&exact.differences).contains(&(DiffKind::Unexpected, p.as_str())),
                        "{op} {local}: {:?}",
                        exact.differences
                    );
                }
                assert!(exact.extra_headers.is_empty());
            } else {
                assert!(extra.is_empty(), "{client} {op}: {extra:?}");
            }
            if client == "jax-ws" {
                // Every block of the operation, nil when not given: no difference in shape
                // mode, both reported in exact mode.
                let exact = documented(&doc, &Options::exact());
                let found = kinds(&exact.differences);
                assert!(
                    found.contains(&(DiffKind::Nil, "/Envelope/Header/ApplicationToken")),
                    "{found:?}"
                );
                assert!(
                    found.contains(&(DiffKind::Unexpected, "/Envelope/Header/TimeZone")),
                    "{found:?}"
                );
            }
        }
    }
}

// ------------------------------------------------------------------ synthetic envelopes

/// A SOAP 1.1 Get request with these header blocks (`s:` the envelope, `h:` Services85).
fn get11(blocks: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"{NS_SOAP11}\" xmlns:h=\"{NS_SERVICES85}\" \
         xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Header>{blocks}</s:Header>\
         <s:Body><h:GetContactRelationEntity><h:ContactRelationEntityId>5</h:ContactRelationEntityId>\
         </h:GetContactRelationEntity></s:Body></s:Envelope>"
    )
}

const CREDENTIALS: &str = "<h:Credentials><h:Ticket>7T:UVdFUlRZVUlPUA==</h:Ticket></h:Credentials>";
const TOKEN: &str = "<h:ApplicationToken>4f1e2d3c-9a8b-7c6d</h:ApplicationToken>";
const NIL_TIME_ZONE: &str = "<h:TimeZone i:nil=\"true\"/>";

fn foreign(attrs: &str) -> String {
    format!("<t:Trace xmlns:t=\"urn:x-trace\"{attrs}>abc</t:Trace>")
}

fn diff_text(text: &str, opts: &Options) -> DiffReport {
    documented(&Document::from_bytes("capture.xml", text.as_bytes()), opts)
}

fn shape(text: &str) -> DiffReport {
    diff_text(text, &Options::shape())
}

fn exact(text: &str) -> DiffReport {
    diff_text(text, &Options::exact())
}

fn has(report: &DiffReport, kind: DiffKind, path: &str) -> bool {
    kinds(&report.differences).contains(&(kind, path))
}

#[test]
fn reordered_blocks_a_nil_time_zone_and_a_foreign_block_are_no_difference_in_shape_mode() {
    // Credentials before ApplicationToken (node-soap, strong-soap), a nil TimeZone (JAX-WS),
    // a block of another namespace (zeep's WS-Addressing).
    let text = get11(&format!(
        "{CREDENTIALS}{NIL_TIME_ZONE}{TOKEN}{}",
        foreign("")
    ));
    let report = shape(&text);
    assert!(report.equal, "{}", report.human(false));
    assert_eq!(
        kinds(&report.extra_headers),
        [(DiffKind::ExtraHeader, "/Envelope/Header/Trace")]
    );
    assert_eq!(
        report.extra_headers[0].actual.as_deref(),
        Some("<{urn:x-trace}Trace>abc</{urn:x-trace}Trace>")
    );

    // Exact mode reports each of them.
    let exact = exact(&text);
    assert!(!exact.equal);
    assert!(
        has(&exact, DiffKind::Order, "/Envelope/Header/ApplicationToken"),
        "{:?}",
        exact.differences
    );
    assert!(
        has(&exact, DiffKind::Unexpected, "/Envelope/Header/TimeZone"),
        "{:?}",
        exact.differences
    );
    assert!(
        has(&exact, DiffKind::Unexpected, "/Envelope/Header/Trace"),
        "{:?}",
        exact.differences
    );
    assert!(exact.extra_headers.is_empty());

    // Each alone, so that none hides behind another.
    for blocks in [
        format!("{CREDENTIALS}{TOKEN}"),
        format!("{TOKEN}{CREDENTIALS}{NIL_TIME_ZONE}"),
        format!("{TOKEN}{CREDENTIALS}{}", foreign(" s:mustUnderstand=\"0\"")),
    ] {
        let r = shape(&get11(&blocks));
        assert!(r.equal, "{blocks}: {}", r.human(false));
        assert!(!exact_equal(&get11(&blocks)), "{blocks}");
    }
}

/// Whether the exact diff of the text against the documented example has only the
/// differences of the values every synthetic request has (the id, the secrets).
fn exact_equal(text: &str) -> bool {
    exact(text).differences.iter().all(|d| {
        d.kind == DiffKind::Value
            && (d.path.ends_with("/ContactRelationEntityId")
                || d.path.ends_with("/Ticket")
                || d.path.ends_with("/ApplicationToken"))
    })
}

#[test]
fn a_foreign_block_marked_must_understand_is_a_difference_in_both_modes() {
    for marked in [
        foreign(" s:mustUnderstand=\"1\""),
        foreign(" s:mustUnderstand=\" 1 \""),
    ] {
        let text = get11(&format!("{TOKEN}{CREDENTIALS}{marked}"));
        for report in [shape(&text), exact(&text)] {
            assert!(!report.equal, "{marked}");
            assert!(
                has(&report, DiffKind::Unexpected, "/Envelope/Header/Trace"),
                "{:?}",
                report.differences
            );
            assert!(report.extra_headers.is_empty());
        }
    }
    // Only the envelope's own mustUnderstand counts: one of another namespace, or another
    // SOAP attribute holding `1`, leaves the block an extra one.
    for unmarked in [
        foreign(" xmlns:q=\"urn:q\" q:mustUnderstand=\"1\""),
        foreign(" s:encodingStyle=\"1\""),
    ] {
        let r = shape(&get11(&format!("{CREDENTIALS}{unmarked}")));
        assert!(r.equal, "{unmarked}: {}", r.human(false));
        assert_eq!(r.extra_headers.len(), 1, "{unmarked}");
    }
    // SOAP 1.1's mustUnderstand is 0 or 1: `true` is no "must" there (validate calls it
    // xsd.value), so the block is an extra one; SOAP 1.2's `true` is.
    let v11 = get11(&format!(
        "{CREDENTIALS}{}",
        foreign(" s:mustUnderstand=\"true\"")
    ));
    assert!(shape(&v11).equal);
    assert_eq!(shape(&v11).extra_headers.len(), 1);
    let v12 = get11(&format!(
        "{CREDENTIALS}{}",
        foreign(" s:mustUnderstand=\"true\"")
    ))
    .replace(NS_SOAP11, NS_SOAP12);
    let r = shape(&v12);
    assert!(
        has(&r, DiffKind::Unexpected, "/Envelope/Header/Trace"),
        "{:?}",
        r.differences
    );
}

#[test]
fn credentials_stay_required_in_a_request() {
    // Left out, nil, or twice: each a difference in shape mode, as before.
    let r = shape(&get11(TOKEN));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Missing, "/Envelope/Header/Credentials")]
    );
    let r = shape(&get11("<h:Credentials i:nil=\"true\"/>"));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Nil, "/Envelope/Header/Credentials")]
    );
    let r = shape(&get11(&format!("{CREDENTIALS}{CREDENTIALS}")));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Unexpected, "/Envelope/Header/Credentials[2]")]
    );
    // Its content is still compared in order: a Ticket of the wrong type is one.
    let r = shape(&get11(
        "<h:Credentials><h:Ticket><h:X/></h:Ticket></h:Credentials>",
    ));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Type, "/Envelope/Header/Credentials/Ticket")]
    );
    // No Header at all stays one missing Header.
    let bare = get11("").replace("<s:Header></s:Header>", "");
    assert_eq!(
        kinds(&shape(&bare).differences),
        [(DiffKind::Missing, "/Envelope/Header")]
    );
}

#[test]
fn blocks_of_the_other_direction_and_near_misses_stay_differences() {
    // Succeeded is a response's block; a Credentials of Services84 is one the service never
    // reads (and the real one is then missing).
    let r = shape(&get11(&format!(
        "{CREDENTIALS}<h:Succeeded>true</h:Succeeded>"
    )));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Unexpected, "/Envelope/Header/Succeeded")]
    );
    let near = format!("<o:TimeZone xmlns:o=\"{S84}\"/>");
    let r = shape(&get11(&format!("{CREDENTIALS}{near}")));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Unexpected, "/Envelope/Header/TimeZone")]
    );
    assert!(r.extra_headers.is_empty());
    // A block of the contract's namespace the contract does not declare.
    let r = shape(&get11(&format!("{CREDENTIALS}<h:Nope/>")));
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Unexpected, "/Envelope/Header/Nope")]
    );
}

fn report_of(actual: &str, expected: &str, opts: &Options) -> DiffReport {
    DiffReport::new(
        &Document::from_bytes("actual.xml", actual.as_bytes()),
        &Document::from_bytes("expected.xml", expected.as_bytes()),
        opts,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn against_a_golden_optional_blocks_may_be_nil_or_left_out_and_foreign_ones_are_compared() {
    let tz = "<h:TimeZone><h:SoTimeZoneId>247</h:SoTimeZoneId>\
              <h:SoTimeZoneLocationCode>NOOSL</h:SoTimeZoneLocationCode></h:TimeZone>";
    let trace = foreign("");
    let golden = get11(&format!("{TOKEN}{CREDENTIALS}{tz}{trace}"));
    // TimeZone nil, ApplicationToken left out, the foreign block moved to the front.
    let capture = get11(&format!("{trace}{CREDENTIALS}{NIL_TIME_ZONE}"));
    let r = report_of(&capture, &golden, &Options::shape());
    assert!(r.equal, "{}", r.human(false));
    assert!(
        r.extra_headers.is_empty(),
        "paired with the golden's: {:?}",
        r.extra_headers
    );
    let x = report_of(&capture, &golden, &Options::exact());
    assert!(
        has(&x, DiffKind::Nil, "/Envelope/Header/TimeZone"),
        "{:?}",
        x.differences
    );
    assert!(
        has(&x, DiffKind::Missing, "/Envelope/Header/ApplicationToken"),
        "{:?}",
        x.differences
    );
    // The golden's TimeZone nil, the capture's a value: no difference either.
    let r = report_of(
        &get11(&format!("{CREDENTIALS}{tz}")),
        &get11(&format!("{CREDENTIALS}{NIL_TIME_ZONE}")),
        &Options::shape(),
    );
    assert!(r.equal, "{}", r.human(false));
    // What the message is comes from the golden's Body, else from the capture's: a request's
    // Succeeded stays unexpected against a golden whose Body says nothing.
    let empty_body =
        format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Header/><s:Body/></s:Envelope>");
    let r = report_of(
        &get11(&format!("{CREDENTIALS}<h:Succeeded>true</h:Succeeded>")),
        &empty_body,
        &Options::shape(),
    );
    assert!(
        has(&r, DiffKind::Unexpected, "/Envelope/Header/Succeeded"),
        "{:?}",
        r.differences
    );
    // A foreign block only the golden has is missing; one of another value compares in
    // exact mode only.
    let r = report_of(
        &get11(CREDENTIALS),
        &get11(&format!("{CREDENTIALS}{trace}")),
        &Options::shape(),
    );
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Missing, "/Envelope/Header/Trace")]
    );
    let other = trace.replace("abc", "xyz");
    let (a, e) = (
        get11(&format!("{CREDENTIALS}{other}")),
        get11(&format!("{CREDENTIALS}{trace}")),
    );
    assert!(report_of(&a, &e, &Options::shape()).equal);
    let x = report_of(&a, &e, &Options::exact());
    assert_eq!(
        kinds(&x.differences),
        [(DiffKind::Value, "/Envelope/Header/Trace")]
    );
    // An ignored block is left out on both sides, extra or not.
    let opts = Options::shape().ignoring("/Envelope/Header/Trace");
    let r = diff_text(&get11(&format!("{TOKEN}{CREDENTIALS}{trace}")), &opts);
    assert!(r.equal && r.extra_headers.is_empty(), "{}", r.human(false));
}

#[test]
fn a_response_or_fault_with_header_blocks_matches_the_documented_one_without_any() {
    let response = format!(
        "<s:Envelope xmlns:s=\"{NS_SOAP11}\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <s:Header><ExceptionInfo xmlns=\"{NS_SERVICES85}\" i:nil=\"true\"/>\
         <Succeeded xmlns=\"{NS_SERVICES85}\">true</Succeeded>{}</s:Header>\
         <s:Body><DeleteContactRelationResponse xmlns=\"{NS_SERVICES85}\"/></s:Body></s:Envelope>",
        foreign("")
    );
    let r = shape(&response);
    assert!(r.equal, "{}", r.human(false));
    assert_eq!(
        kinds(&r.extra_headers),
        [(DiffKind::ExtraHeader, "/Envelope/Header/Trace")]
    );
    // Exact mode: the whole Header is what the example lacks.
    assert!(has(
        &exact(&response),
        DiffKind::Unexpected,
        "/Envelope/Header"
    ));
    // A request's block in a response is not optional there.
    let r = shape(
        &response
            .replace("<Succeeded", "<Credentials")
            .replace("</Succeeded>", "</Credentials>"),
    );
    assert_eq!(
        kinds(&r.differences),
        [(DiffKind::Unexpected, "/Envelope/Header/Credentials")]
    );

    // A fault: the response's blocks are its own.
    let fault = |header: &str| {
        format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\">{header}<s:Body><s:Fault><faultcode>s:Server</faultcode>\
             <faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>"
        )
    };
    let with = fault(&format!(
        "<s:Header><Succeeded xmlns=\"{NS_SERVICES85}\">false</Succeeded></s:Header>"
    ));
    assert!(report_of(&with, &fault(""), &Options::shape()).equal);
    let with = fault(&format!(
        "<s:Header><Credentials xmlns=\"{NS_SERVICES85}\"/></s:Header>"
    ));
    assert!(!report_of(&with, &fault(""), &Options::shape()).equal);
    // A Body that says nothing: either direction's blocks are the contract's.
    let empty = |header: &str| {
        format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\">{header}<s:Body/></s:Envelope>")
    };
    let both = empty(&format!(
        "<s:Header><Succeeded xmlns=\"{NS_SERVICES85}\">1</Succeeded>\
         <ApplicationToken xmlns=\"{NS_SERVICES85}\">t</ApplicationToken></s:Header>"
    ));
    assert!(report_of(&both, &empty(""), &Options::shape()).equal);
    assert!(!report_of(&both, &empty(""), &Options::exact()).equal);
}

#[test]
fn extra_headers_in_json_and_human_forms() {
    let text = get11(&format!("{TOKEN}{CREDENTIALS}{}", foreign("")));
    let r = shape(&text);
    let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["equal"], true);
    assert_eq!(v["strict_headers"], false);
    assert_eq!(v["differences"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["extra_headers"][0]["kind"], "extra-header");
    assert_eq!(v["extra_headers"][0]["path"], "/Envelope/Header/Trace");
    assert_eq!(v["extra_headers"][0]["expected"], serde_json::Value::Null);
    let human = r.human(false);
    assert!(
        human.contains(
            "equal: no differences; 1 extra header block of other namespaces, not counted"
        ),
        "{human}"
    );
    assert!(
        human.contains("extra-header /Envelope/Header/Trace: (none) → <{urn:x-trace}Trace>"),
        "{human}"
    );
    assert!(
        !human.contains("@@"),
        "no unified diff for an equal report: {human}"
    );

    // With a real difference as well: both listed, only the difference counted.
    let broken = text.replace(">5<", ">five<");
    let r = shape(&broken);
    let human = r.human(false);
    assert!(
        human.contains("1 difference; 1 extra header block"),
        "{human}"
    );
    assert!(
        human.contains(
            "type         /Envelope/Body/GetContactRelationEntity/ContactRelationEntityId"
        ),
        "{human}"
    );
    let strict = diff_text(&broken, &Options::shape().with_strict_headers());
    let v: serde_json::Value =
        serde_json::from_str(&strict.json()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["strict_headers"], true);
    assert_eq!(v["differences"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["extra_headers"].as_array().map(Vec::len), Some(0));
    assert!(strict.human(false).starts_with("diff: capture.xml against documented:GetContactRelationEntity.request (shape mode, contract Services85)\n2 differences:\n"));

    assert_eq!(DiffKind::ExtraHeader.as_str(), "extra-header");
    assert_eq!(DiffKind::ExtraHeader.to_string(), "extra-header");
    assert!(!Options::shape().counts(DiffKind::ExtraHeader));
    assert!(Options::shape()
        .with_strict_headers()
        .counts(DiffKind::ExtraHeader));
    assert!(Options::shape().counts(DiffKind::Unexpected));
}

#[test]
fn the_cli_exits_0_with_extra_headers_only_and_1_with_strict_headers() {
    let bin = env!("CARGO_BIN_EXE_relation-contract");
    let zeep = fixture("SaveContactRelation", "zeep");
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("diff")
            .args(args)
            .arg(&zeep)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let plain = run(&["--format", "json"]);
    assert_eq!(plain.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&plain.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["extra_headers"].as_array().map(Vec::len), Some(3));
    let strict = run(&["--format", "json", "--strict-headers"]);
    assert_eq!(strict.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_slice(&strict.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["differences"][0]["kind"], "extra-header");
    assert_eq!(v["strict_headers"], true);
    let human = run(&["--color", "never"]);
    assert_eq!(human.status.code(), Some(0));
    let out = String::from_utf8_lossy(&human.stdout);
    assert!(out.contains("3 extra header blocks"), "{out}");
    assert!(!out.contains("[REDACTED]") || !out.contains("7T:"), "{out}");
    // Exact mode lists them as unexpected, and exits 1.
    assert_eq!(run(&["--mode", "exact"]).status.code(), Some(1));
}

#[test]
fn linear_in_the_header_blocks() {
    use relation_contract::testkit::timing::assert_linear;
    // Many blocks of many names, half of them of one name, in reverse order on the actual
    // side: pairing by name costs one lookup per block, however they are ordered.
    let case = |n: usize| {
        let blocks = |rev: bool| {
            let mut v: Vec<String> = (0..n)
                .map(|i| {
                    let name = if i % 2 == 0 {
                        "Same".to_string()
                    } else {
                        format!("B{i}")
                    };
                    format!("<t:{name} xmlns:t=\"urn:x-t\">{i}</t:{name}>")
                })
                .collect();
            if rev {
                v.reverse();
            }
            v.concat()
        };
        let expected = get11(&format!("{CREDENTIALS}{}", blocks(false)));
        let actual = get11(&format!("{}{CREDENTIALS}{}", blocks(true), foreign("")));
        (
            Document::from_bytes("expected.xml", expected.as_bytes()),
            Document::from_bytes("actual.xml", actual.as_bytes()),
        )
    };
    let run = |(e, a): &(Document, Document)| {
        let r = DiffReport::new(a, e, &Options::shape()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            r.equal && r.extra_headers.len() == 1,
            "{:?}",
            r.differences.first()
        );
    };
    let ratio = assert_linear("header blocks", &case(5_000), &case(10_000), run);
    eprintln!("header blocks: t(2n)/t(n) = {ratio:.2}");
}

/// Only the Envelope's own Header is a set of blocks: a SOAP 1.1 `Header` element nested in
/// a block's content is content like any other, and a contract block's name inside it is no
/// optional member.
#[test]
fn a_header_element_nested_in_a_block_is_compared_as_content() {
    let wrapped = |inner: &str| {
        get11(&format!(
            "{CREDENTIALS}<t:Wrap xmlns:t=\"urn:x-wrap\"><s:Header>{inner}</s:Header></t:Wrap>"
        ))
    };
    let doc = |text: String| Document::from_bytes("d.xml", text.as_bytes());
    let report = DiffReport::new(
        &doc(wrapped(NIL_TIME_ZONE)),
        &doc(wrapped("")),
        &Options::shape(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report
            .differences
            .iter()
            .any(|d| d.path.ends_with("/Wrap/Header/TimeZone")),
        "{:?}",
        kinds(&report.differences)
    );
    // The Envelope's own Header, by contrast, takes the nil TimeZone as an optional block.
    let own = DiffReport::new(
        &doc(get11(&format!("{CREDENTIALS}{NIL_TIME_ZONE}"))),
        &doc(get11(CREDENTIALS)),
        &Options::shape(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(own.differences.is_empty(), "{:?}", kinds(&own.differences));
}
