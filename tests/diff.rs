//! The diff engine as users call it: normalisations, one difference per change, exact mode
//! and ignores, dateTimes as instants, golden files and the bless flow, redaction.

use relation_contract::diff::{
    self, assert_golden, check_golden, documented_example, load_rules, Bless, DiffKind, DiffReport,
    Difference, GoldenError, GoldenOutcome, Mode, Options, BLESS_ENV, RULES_FILE_NAME,
};
use relation_contract::testkit::timing::assert_linear;
use relation_contract::{Document, Kind, Operation};
use std::path::PathBuf;
use std::sync::Mutex;

const NS: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85";
const ENTITY: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity";
const CAPTURE_TICKET: &str = "7T:CaptureTicketSecret==";
const CAPTURE_TOKEN: &str = "capture-token-0042";
const DOC_TICKET: &str = "7T:1234abcxyzExample==";
const DOC_TOKEN: &str = "1234567-1234-9876";

/// Tests that read or write the process-global bless variable take this lock.
static ENV_LOCK: Mutex<()> = Mutex::new(());

fn associate(tag: &str, id: &str) -> String {
    format!(
        "<{tag}>\n\t<AssociateId>{id}</AssociateId><Name>Ann</Name><PersonId>5</PersonId>\
         <Rank>2</Rank><Tooltip/><Type>InternalAssociate</Type><GroupIdx>1</GroupIdx>\
         <FullName>Ann &#65;nderson</FullName><FormalName><![CDATA[Ann & Co]]></FormalName>\
         <Deleted>1</Deleted><EjUserId>0</EjUserId></{tag}>"
    )
}

/// The members of a wire-style ContactRelationEntity: every value differs from the
/// documented placeholders, each one a valid lexeme of its type.
fn members() -> Vec<(&'static str, String)> {
    let leaf = |name: &'static str, v: &str| (name, format!("<{name}>{v}</{name}>"));
    vec![
        leaf("SourceContactId", "12"),
        leaf("SourcePersonId", "34"),
        leaf("DestinationContactId", "56"),
        leaf("DestinationPersonId", "78"),
        leaf("RelationId", "901"),
        leaf("Comment", "met at the fair &amp; signed"),
        leaf("RelationDefinitionId", "3"),
        leaf("Reversed", "1"),
        leaf("UpdatedDate", "2024-05-01T10:00:00.4750298+02:00"),
        leaf("CreatedDate", "2024-04-30T08:00:00"),
        ("CreatedBy", associate("CreatedBy", "7")),
        ("UpdatedBy", associate("UpdatedBy", "8")),
        leaf("SourceContactName", "Acme"),
        leaf("SourcePersonName", "Bob"),
        leaf("DestinationContactName", "Initech"),
        leaf("DestinationPersonName", "Peter"),
        leaf("ActiveText", "is supplier of"),
        leaf("PassiveText", "is customer of"),
    ]
}

/// A SOAP 1.1 capture as WCF writes it: `s:` prefix, payload in a default namespace,
/// header blocks inside Header, no xsi:type, its own whitespace.
fn capture_of(members: &[(&str, String)]) -> String {
    let body: String = members
        .iter()
        .map(|(_, xml)| format!("\n      {xml}"))
        .collect();
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <s:Header><ApplicationToken xmlns=\"{NS}\">{CAPTURE_TOKEN}</ApplicationToken>\
         <Credentials xmlns=\"{NS}\"><Ticket>{CAPTURE_TICKET}</Ticket></Credentials></s:Header>\
         <s:Body><SaveContactRelation xmlns=\"{NS}\"><ContactRelationEntity>{body}\n\
         </ContactRelationEntity></SaveContactRelation></s:Body></s:Envelope>"
    )
}

fn capture() -> String {
    capture_of(&members())
}

fn with_member(name: &str, xml: &str) -> String {
    let m: Vec<(&str, String)> = members()
        .into_iter()
        .map(|(n, x)| {
            if n == name {
                (n, xml.to_string())
            } else {
                (n, x)
            }
        })
        .collect();
    capture_of(&m)
}

fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, text.as_bytes())
}

fn documented_request() -> Document {
    let text = documented_example(Operation::SaveContactRelation, Kind::Request)
        .unwrap_or_else(|| panic!("the documented request is bundled"));
    doc("documented request", text)
}

fn diff_docs(capture: &Document, against: &Document, opts: &Options) -> DiffReport {
    DiffReport::new(capture, against, opts).unwrap_or_else(|e| panic!("diff failed: {e}"))
}

fn shape_diff(capture_text: &str) -> Vec<Difference> {
    diff_docs(
        &doc("capture", capture_text),
        &documented_request(),
        &Options::default(),
    )
    .differences
}

fn exact_diff(expected: &str, actual: &str, opts: &Options) -> Vec<Difference> {
    diff_docs(&doc("actual", actual), &doc("expected", expected), opts).differences
}

fn one(diffs: &[Difference]) -> &Difference {
    assert_eq!(
        diffs.len(),
        1,
        "expected exactly one difference: {diffs:#?}"
    );
    &diffs[0]
}

#[test]
fn capture_differing_only_in_noise_is_shape_equal() {
    let text = capture();
    // The capture really differs in each normalised respect.
    assert!(text.contains("<s:Envelope") && text.contains("schemas.xmlsoap.org/soap/envelope"));
    assert!(text.contains("<s:Header>") && !text.contains("xsi:type"));
    assert!(!text.contains("Relation:"));
    let report = diff_docs(
        &doc("capture", &text),
        &documented_request(),
        &Options::default(),
    );
    assert!(report.equal, "{}", report.human(false));
    assert_eq!(report.exit_code(), 0);
    assert_eq!(report.mode, Mode::Shape);
}

#[test]
fn against_documented_picks_the_example_of_the_same_operation_and_kind() {
    let report = DiffReport::against_documented(&doc("capture", &capture()), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.equal, "{}", report.human(false));
    assert_eq!(report.against, "documented:SaveContactRelation.request");
    assert!(documented_example(Operation::SaveContactRelation, Kind::Response).is_some());
    for op in Operation::ALL {
        for kind in [Kind::Request, Kind::Response] {
            assert!(documented_example(op, kind).is_some(), "{op} {kind}");
        }
    }
    assert!(documented_example(Operation::DeleteContactRelation, Kind::Fault).is_none());
}

#[test]
fn a_missing_member_is_exactly_one_missing_difference() {
    let without: Vec<(&str, String)> = members()
        .into_iter()
        .filter(|(n, _)| *n != "UpdatedBy")
        .collect();
    let diffs = shape_diff(&capture_of(&without));
    let d = one(&diffs);
    assert_eq!(d.kind, DiffKind::Missing);
    assert_eq!(d.path, format!("{ENTITY}/UpdatedBy"));
    assert!(d.expected.is_some() && d.actual.is_none());
}

#[test]
fn an_unexpected_member_is_one_difference() {
    let mut m = members();
    m.insert(5, ("Extra", "<Extra>1</Extra>".to_string()));
    let d = one(&shape_diff(&capture_of(&m))).clone();
    assert_eq!(d.kind, DiffKind::Unexpected);
    assert_eq!(d.path, format!("{ENTITY}/Extra"));
}

#[test]
fn a_value_of_the_wrong_type_is_one_type_difference() {
    let diffs = shape_diff(&with_member("RelationId", "<RelationId>abc</RelationId>"));
    let d = one(&diffs);
    assert_eq!(d.kind, DiffKind::Type);
    assert_eq!(d.path, format!("{ENTITY}/RelationId"));
    assert_eq!(d.expected.as_deref(), Some("int"));
    assert_eq!(d.actual.as_deref(), Some("abc"));
    // A short out of range is a type difference too.
    let d = one(&shape_diff(&with_member(
        "Reversed",
        "<Reversed>40000</Reversed>",
    )))
    .clone();
    assert_eq!(
        (d.kind, d.path),
        (DiffKind::Type, format!("{ENTITY}/Reversed"))
    );
}

#[test]
fn nil_where_the_example_has_a_value_is_one_nil_difference() {
    let diffs = shape_diff(&with_member("UpdatedBy", "<UpdatedBy i:nil=\"true\"/>"));
    let d = one(&diffs);
    assert_eq!(d.kind, DiffKind::Nil);
    assert_eq!(d.path, format!("{ENTITY}/UpdatedBy"));
    assert_eq!(d.actual.as_deref(), Some("nil"));
}

#[test]
fn swapped_members_are_one_order_difference() {
    let mut m = members();
    m.swap(0, 1);
    let diffs = shape_diff(&capture_of(&m));
    let d = one(&diffs);
    assert_eq!(d.kind, DiffKind::Order);
    assert!(d.path.starts_with(ENTITY), "{}", d.path);
}

#[test]
fn a_contradicting_xsi_type_is_kept_and_shows_up() {
    let text = with_member(
        "RelationId",
        "<RelationId xmlns:x=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x:string\">5</RelationId>",
    );
    let d = one(&shape_diff(&text)).clone();
    assert_eq!(d.kind, DiffKind::Type);
    assert_eq!(d.path, format!("{ENTITY}/RelationId"));
    // The declared type, written with another prefix, is dropped.
    let text = with_member(
        "RelationId",
        "<RelationId xmlns:x=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x:int\">5</RelationId>",
    );
    assert!(shape_diff(&text).is_empty());
}

#[test]
fn exact_mode_reports_a_changed_value_and_ignore_makes_the_pair_equal() {
    let expected = capture();
    let actual = with_member("RelationId", "<RelationId>902</RelationId>");
    let opts = Options::exact();
    let diffs = exact_diff(&expected, &actual, &opts);
    let d = one(&diffs);
    assert_eq!(d.kind, DiffKind::Value);
    assert_eq!(d.path, format!("{ENTITY}/RelationId"));
    assert_eq!(d.expected.as_deref(), Some("901"));
    assert_eq!(d.actual.as_deref(), Some("902"));

    let ignoring = Options::exact().ignoring("**/RelationId");
    assert!(exact_diff(&expected, &actual, &ignoring).is_empty());
    // An ignored subtree gives nothing, even when it is missing on one side.
    let without: Vec<(&str, String)> = members()
        .into_iter()
        .filter(|(n, _)| *n != "UpdatedBy")
        .collect();
    let opts = Options::exact().ignoring(format!("{ENTITY}/UpdatedBy/**"));
    assert!(exact_diff(&expected, &capture_of(&without), &opts).is_empty());
    let opts = Options::exact().ignoring("/Envelope/Header/**");
    let other_ticket = expected.replace(CAPTURE_TICKET, "7T:another==");
    assert!(exact_diff(&expected, &other_ticket, &opts).is_empty());
}

#[test]
fn exact_mode_compares_date_times_as_instants_and_numbers_as_numbers() {
    let base = with_member(
        "UpdatedDate",
        "<UpdatedDate>2024-01-01T00:00:00Z</UpdatedDate>",
    );
    let same_instant = with_member(
        "UpdatedDate",
        "<UpdatedDate>2024-01-01T01:00:00+01:00</UpdatedDate>",
    );
    assert!(exact_diff(&base, &same_instant, &Options::exact()).is_empty());
    let no_zone = with_member(
        "UpdatedDate",
        "<UpdatedDate>2024-01-01T00:00:00.000</UpdatedDate>",
    );
    assert!(exact_diff(&base, &no_zone, &Options::exact()).is_empty());
    let later = with_member(
        "UpdatedDate",
        "<UpdatedDate>2024-01-01T00:00:01Z</UpdatedDate>",
    );
    let d = one(&exact_diff(&base, &later, &Options::exact())).clone();
    assert_eq!(
        (d.kind, d.path),
        (DiffKind::Value, format!("{ENTITY}/UpdatedDate"))
    );

    let padded = with_member("RelationId", "<RelationId> 0901 </RelationId>");
    assert!(exact_diff(&capture(), &padded, &Options::exact()).is_empty());
    // Booleans: the capture writes Deleted as 1; `true` is the same value.
    let t = capture().replace("<Deleted>1</Deleted>", "<Deleted>true</Deleted>");
    assert!(exact_diff(&capture(), &t, &Options::exact()).is_empty());
}

#[test]
fn rules_files_hold_ignores_for_a_folder() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let rules = dir.path().join(RULES_FILE_NAME);
    std::fs::write(
        &rules,
        "# volatile members\n**/RelationId\n\n/Envelope/Header/**\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let ignore = load_rules(&rules).unwrap_or_else(|e| panic!("load: {e}"));
    assert_eq!(ignore, vec!["**/RelationId", "/Envelope/Header/**"]);
    let opts = Options {
        mode: Mode::Exact,
        ignore,
        ..Options::default()
    };
    let actual = with_member("RelationId", "<RelationId>5</RelationId>");
    assert!(exact_diff(&capture(), &actual, &opts).is_empty());
    assert_eq!(
        diff::rules_for(&dir.path().join("some.golden.xml")).unwrap_or_default(),
        opts.ignore
    );
}

#[test]
fn unreadable_documents_are_errors_with_positions_not_panics() {
    let doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e \"boom\">]>\n<x>&e;</x>";
    let e = diff::parse(doctype)
        .err()
        .unwrap_or_else(|| panic!("DOCTYPE accepted"));
    assert!(e.doctype);
    assert_eq!(e.line, 2);
    let e = diff::parse("<a>\n  <b></a>")
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert!(!e.doctype && e.line >= 1 && e.column >= 1, "{e}");
    assert!(diff::parse("").is_err());
    assert!(diff::parse("<a/><b/>").is_err());
    assert!(diff::parse("<p:a/>").is_err());
    let err = DiffReport::new(
        &doc("bad", "<a>"),
        &documented_request(),
        &Options::default(),
    )
    .err()
    .unwrap_or_else(|| panic!("accepted"));
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn secrets_stay_redacted_in_human_and_json_output() {
    // Shape mode against the documentation: both documents' secrets are in play.
    let text = with_member("RelationId", "<RelationId>abc</RelationId>").replace(
        "<RelationDefinitionId>",
        "<Extra>see ticket 7T:CaptureTicketSecret==</Extra><RelationDefinitionId>",
    );
    let report = diff_docs(
        &doc("capture", &text),
        &documented_request(),
        &Options::default(),
    );
    // Exact mode: the Ticket itself differs.
    let other = capture().replace(CAPTURE_TICKET, "7T:OtherSecret==");
    let exact = DiffReport::new(
        &doc("capture", &other),
        &doc("golden", &capture()),
        &Options::exact(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!exact.equal);
    for r in [&report, &exact] {
        for out in [r.human(false), r.human(true), r.json()] {
            for secret in [
                CAPTURE_TICKET,
                CAPTURE_TOKEN,
                DOC_TICKET,
                DOC_TOKEN,
                "7T:OtherSecret==",
            ] {
                assert!(!out.contains(secret), "secret {secret} leaked:\n{out}");
            }
            assert!(out.contains("[REDACTED]"), "{out}");
        }
    }
}

#[test]
fn json_and_human_forms() {
    let text = with_member("RelationId", "<RelationId>abc</RelationId>");
    let report = diff_docs(
        &doc("cap.xml", &text),
        &documented_request(),
        &Options::default(),
    );
    let v: serde_json::Value =
        serde_json::from_str(&report.json()).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(v["capture"], "cap.xml");
    assert_eq!(v["against"], "documented request");
    assert_eq!(v["mode"], "shape");
    assert_eq!(v["equal"], false);
    assert_eq!(v["differences"][0]["kind"], "type");
    assert_eq!(v["differences"][0]["path"], format!("{ENTITY}/RelationId"));
    assert_eq!(report.exit_code(), 1);

    let plain = report.human(false);
    assert!(plain.contains("type") && plain.contains(&format!("{ENTITY}/RelationId")));
    assert!(
        plain.contains("--- expected: documented request"),
        "{plain}"
    );
    let changed = |sign: char, line: &str| {
        plain
            .lines()
            .any(|l| l.strip_prefix(sign).is_some_and(|rest| rest.trim() == line))
    };
    assert!(changed('-', "<RelationId> int"), "{plain}");
    assert!(changed('+', "<RelationId> \"abc\""), "{plain}");
    assert!(!plain.contains('\u{1b}'));
    assert!(report.human(true).contains("\u{1b}["));
}

#[test]
fn bless_creates_and_updates_goldens_and_nothing_is_written_without_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let golden = dir.path().join("save.golden.xml");
    let opts = Options::exact();
    let first = doc("capture", &capture());

    // Missing, not blessing: a failure that says how to bless; nothing written.
    match check_golden(&first, &golden, &opts, Bless::Off) {
        Err(GoldenError::Missing { .. }) => {}
        other => panic!("expected Missing, got {other:?}"),
    }
    let message = check_golden(&first, &golden, &opts, Bless::Off)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains(BLESS_ENV), "{message}");
    assert!(!golden.exists());

    // Blessing creates it, with the secrets masked.
    assert_eq!(
        check_golden(&first, &golden, &opts, Bless::Overwrite).ok(),
        Some(GoldenOutcome::Created)
    );
    let written = std::fs::read_to_string(&golden).unwrap_or_else(|e| panic!("read: {e}"));
    assert!(!written.contains(CAPTURE_TICKET) && !written.contains(CAPTURE_TOKEN));
    assert!(written.contains("[REDACTED]"));
    assert_eq!(
        check_golden(&first, &golden, &opts, Bless::Off).ok(),
        Some(GoldenOutcome::Matched)
    );

    // A changed capture fails without blessing and leaves the golden alone.
    let changed = doc(
        "capture",
        &with_member("RelationId", "<RelationId>902</RelationId>"),
    );
    match check_golden(&changed, &golden, &opts, Bless::Off) {
        Err(GoldenError::Mismatch { report, .. }) => {
            assert_eq!(report.differences.len(), 1);
            assert_eq!(report.differences[0].kind, DiffKind::Value);
        }
        other => panic!("expected Mismatch, got {other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&golden).unwrap_or_default(),
        written,
        "written without bless"
    );

    // Blessing updates it; then the changed capture matches.
    assert_eq!(
        check_golden(&changed, &golden, &opts, Bless::Overwrite).ok(),
        Some(GoldenOutcome::Updated)
    );
    assert_eq!(
        check_golden(&changed, &golden, &opts, Bless::Off).ok(),
        Some(GoldenOutcome::Matched)
    );
    assert_eq!(
        check_golden(&changed, &golden, &opts, Bless::Overwrite).ok(),
        Some(GoldenOutcome::Matched)
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, vec!["save.golden.xml".to_string()]);

    // The folder's rules file applies to its goldens.
    std::fs::write(dir.path().join(RULES_FILE_NAME), "**/RelationId\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    assert_eq!(
        check_golden(&first, &golden, &opts, Bless::Off).ok(),
        Some(GoldenOutcome::Matched)
    );
}

#[test]
fn a_malformed_capture_is_never_blessed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let golden = dir.path().join("g.xml");
    let bad = doc("capture", "<s:Envelope>");
    // The pipeline's verdict, as `validate` gives it: the capture is not well-formed.
    let codes = match check_golden(&bad, &golden, &Options::exact(), Bless::Overwrite) {
        Err(GoldenError::Findings { findings, .. }) => {
            findings.iter().map(|v| v.code.as_str()).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(codes, ["xml.malformed"]);
    assert!(!golden.exists());
}

#[test]
fn assert_golden_reads_the_bless_variable() {
    let _guard = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let golden = dir.path().join("nested").join("g.xml");
    let text = capture();

    // The CI guard is this test's business too: off CI first, then on it.
    let ci = std::env::var_os("CI");
    std::env::remove_var("CI");
    std::env::remove_var(BLESS_ENV);
    let missing = std::panic::catch_unwind(|| assert_golden(&text, &golden, &Options::exact()));
    assert!(
        missing.is_err(),
        "a missing golden must fail without {BLESS_ENV}"
    );
    assert!(!golden.exists());
    assert!(
        diff::pending_path(&golden).exists(),
        "a .new file to review"
    );
    std::fs::remove_file(diff::pending_path(&golden)).unwrap();

    // On CI nothing is written, even asked to bless.
    std::env::set_var("CI", "true");
    std::env::set_var(BLESS_ENV, "always");
    let on_ci = std::panic::catch_unwind(|| assert_golden(&text, &golden, &Options::exact()));
    std::env::remove_var("CI");
    assert!(on_ci.is_err());
    assert!(!golden.exists() && !diff::pending_path(&golden).exists());

    // An unknown value is an error, not a silent no.
    std::env::set_var(BLESS_ENV, "please");
    let unknown = std::panic::catch_unwind(|| assert_golden(&text, &golden, &Options::exact()));
    assert!(unknown.is_err());
    assert!(!golden.exists() && !diff::pending_path(&golden).exists());

    std::env::set_var(BLESS_ENV, "1");
    let blessed = std::panic::catch_unwind(|| assert_golden(&text, &golden, &Options::exact()));
    std::env::remove_var(BLESS_ENV);
    assert!(blessed.is_ok());
    assert!(golden.exists());

    assert_golden(&text, &golden, &Options::exact());
    let changed = with_member("RelationId", "<RelationId>902</RelationId>");
    let failed = std::panic::catch_unwind(|| assert_golden(&changed, &golden, &Options::exact()));
    assert!(failed.is_err());
    if let Some(ci) = ci {
        std::env::set_var("CI", ci);
    }
}

#[test]
fn paths_index_repeated_siblings() {
    let pair = |k: &str| {
        format!(
            "<FieldPropertyDictionaryKeyValuePair><Key>{k}</Key><Value><FieldType>x</FieldType>\
             </Value></FieldPropertyDictionaryKeyValuePair>"
        )
    };
    let fp = |pairs: &[&str]| {
        let inner: String = pairs.iter().map(|k| pair(k)).collect();
        with_member(
            "SourceContactId",
            &format!(
                "<FieldProperties>{inner}</FieldProperties><SourceContactId>12</SourceContactId>"
            ),
        )
    };
    let d = one(&exact_diff(
        &fp(&["a", "b", "c"]),
        &fp(&["a", "b", "d"]),
        &Options::exact(),
    ))
    .clone();
    assert_eq!(d.kind, DiffKind::Value);
    assert_eq!(
        d.path,
        format!("{ENTITY}/FieldProperties/FieldPropertyDictionaryKeyValuePair[3]/Key")
    );
}

/// Blesses `text` into a fresh golden; returns the folder, the golden's path and its text.
fn blessed(text: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let golden = dir.path().join("g.golden.xml");
    let outcome = check_golden(
        &doc("capture", text),
        &golden,
        &Options::exact(),
        Bless::Overwrite,
    );
    assert_eq!(outcome.ok(), Some(GoldenOutcome::Created), "{text}");
    let written = std::fs::read_to_string(&golden).unwrap_or_else(|e| panic!("read: {e}"));
    (dir, golden, written)
}

#[test]
fn a_blessed_golden_masks_each_secret_where_it_stands_and_still_matches() {
    let plain = capture();
    let masked_ticket = format!("<Ticket>{}</Ticket>", "[REDACTED]");
    let masked_token = format!(">{}</ApplicationToken>", "[REDACTED]");
    let cases = [
        // A one-character Ticket: only the Ticket's content changes, nothing else.
        ("<Ticket>s</Ticket>", masked_ticket.clone()),
        ("<Ticket>T</Ticket>", masked_ticket.clone()),
        // CDATA, a comment or a CDATA holding an end tag, character references, elements.
        (
            "<Ticket><![CDATA[7T:CdataSecret==]]></Ticket>",
            masked_ticket.clone(),
        ),
        ("<Ticket>A<!--</Ticket>-->B</Ticket>", masked_ticket.clone()),
        (
            "<Ticket><![CDATA[A</Ticket>B]]></Ticket>",
            masked_ticket.clone(),
        ),
        ("<Ticket>&#55;T:RefSecret==</Ticket>", masked_ticket),
    ];
    for (ticket, masked) in cases {
        let text = plain.replace(&format!("<Ticket>{CAPTURE_TICKET}</Ticket>"), ticket);
        assert_ne!(text, plain);
        let (_dir, golden, written) = blessed(&text);
        // Exactly the secret elements' content is replaced; the rest is the capture's text.
        let expected = text.replace(ticket, &masked).replace(
            &format!(">{CAPTURE_TOKEN}</ApplicationToken>"),
            &masked_token,
        );
        assert_eq!(written, expected, "{ticket}");
        for piece in ["CdataSecret", "RefSecret", "B]]", "-->B", CAPTURE_TOKEN] {
            assert!(
                !written.contains(piece),
                "{piece} in the golden of {ticket}"
            );
        }
        assert!(
            diff::parse(&written).is_ok(),
            "the golden of {ticket} does not parse"
        );
        // Masking makes no mismatch: the capture matches the golden blessed from it.
        assert_eq!(
            check_golden(
                &doc("capture", &text),
                &golden,
                &Options::exact(),
                Bless::Off
            )
            .ok(),
            Some(GoldenOutcome::Matched),
            "{ticket}"
        );
    }
}

#[test]
fn a_golden_assertion_gives_the_contract_verdict_and_never_blesses_a_broken_capture() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let golden = dir.path().join("g.golden.xml");
    // A bad value that echoes the Ticket: the finding quotes it, the message must not.
    let broken = with_member(
        "Reversed",
        &format!("<Reversed>{CAPTURE_TICKET}</Reversed>"),
    );
    for bless in [Bless::Off, Bless::Pending, Bless::Overwrite] {
        match check_golden(&doc("capture", &broken), &golden, &Options::exact(), bless) {
            Err(e @ GoldenError::Findings { .. }) => {
                let GoldenError::Findings { findings, .. } = &e else {
                    unreachable!()
                };
                assert!(findings
                    .iter()
                    .any(|v| v.element == format!("{ENTITY}/Reversed")));
                let message = e.to_string();
                assert!(message.contains("Reversed"), "{message}");
                assert!(!message.contains(CAPTURE_TICKET), "{message}");
                // Each finding as a violation displays: code, path, line:column.
                let v = &findings[0];
                let (line, column) = (v.line.expect("a line"), v.column.expect("a column"));
                assert!(
                    message.contains(&format!("  {} at {} {line}:{column}: ", v.code, v.element)),
                    "{message}"
                );
            }
            other => panic!("expected Findings (bless {bless:?}), got {other:?}"),
        }
        assert!(!golden.exists(), "a broken capture was blessed");
        assert!(
            !diff::pending_path(&golden).exists(),
            "a broken capture was written for review"
        );
    }
    // Even a golden holding the same broken text does not make it pass.
    std::fs::write(&golden, &broken).unwrap_or_else(|e| panic!("write: {e}"));
    assert!(matches!(
        check_golden(
            &doc("capture", &broken),
            &golden,
            &Options::exact(),
            Bless::Off
        ),
        Err(GoldenError::Findings { .. })
    ));
}

/// A capture whose ContactRelationEntity holds `n` FieldProperties entries, each with a
/// FieldType of `kind`.
fn with_field_properties(n: usize, kind: &str) -> String {
    let pairs: String = (0..n)
        .map(|i| {
            format!(
                "<FieldPropertyDictionaryKeyValuePair><Key>field{i}</Key><Value>\
                 <FieldRight><Mask>Read Write</Mask><Reason/></FieldRight>\
                 <FieldType>{kind}{i}</FieldType><FieldLength>{i}</FieldLength></Value>\
                 </FieldPropertyDictionaryKeyValuePair>"
            )
        })
        .collect();
    with_member(
        "SourceContactId",
        &format!("<FieldProperties>{pairs}</FieldProperties><SourceContactId>12</SourceContactId>"),
    )
}

/// Best of three runs of `f`, in seconds.
#[test]
fn a_golden_mismatch_of_thousands_of_entries_costs_linear_time_and_is_cut_saying_so() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let case = |n: usize| {
        let golden = dir.path().join(format!("g{n}.xml"));
        std::fs::write(&golden, with_field_properties(n, "System.Int"))
            .unwrap_or_else(|e| panic!("{e}"));
        (
            n,
            doc("capture", &with_field_properties(n, "System.Text")),
            golden,
        )
    };
    // What assert_golden_file panics with: the differences and the unified diff.
    let message = |(_, capture, golden): &(usize, Document, PathBuf)| match check_golden(
        capture,
        golden,
        &Options::exact(),
        Bless::Off,
    ) {
        Err(e @ GoldenError::Mismatch { .. }) => e.to_string(),
        other => panic!("expected a mismatch, got {other:?}"),
    };
    let (small, large) = (case(4_000), case(8_000));
    for c in [&small, &large] {
        // The classified differences stay complete; the unified text is cut and says so.
        let m = message(c);
        let listed = m
            .lines()
            .filter(|l| l.trim_start().starts_with("value "))
            .count();
        assert_eq!(listed, c.0);
        assert!(
            m.contains("the unified diff is cut after"),
            "{}",
            &m[m.len() - 400..]
        );
    }
    let ratio = assert_linear("a FieldProperties golden mismatch", &small, &large, |c| {
        std::hint::black_box(message(c));
    });
    eprintln!("doubling 4,000 -> 8,000 entries: ratio {ratio:.2}");
}

#[test]
fn many_siblings_that_all_differ_cost_linear_time() {
    // Distinct names on each side: nothing aligns, every child is missing or unexpected.
    let side = |n: usize, prefix: &str| {
        let children: String = (0..n).map(|i| format!("<{prefix}{i} a{i}='x'/>")).collect();
        format!("<root>{children}</root>")
    };
    let case = |n: usize| (n, doc("e", &side(n, "e")), doc("a", &side(n, "a")));
    let run = |(n, e, a): &(usize, Document, Document)| {
        let r = diff_docs(a, e, &Options::exact());
        assert_eq!(r.differences.len(), 2 * n);
        std::hint::black_box(r.human(false));
    };
    let ratio = assert_linear("differing siblings", &case(10_000), &case(20_000), run);
    eprintln!("doubling 10,000 -> 20,000 siblings: ratio {ratio:.2}");
}

#[test]
fn unified_diffs_of_long_texts_cost_linear_time() {
    // Every other line changed: the exact alignment would be quadratic.
    let text = |n: usize, tag: &str| -> String {
        (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    format!("same {i}\n")
                } else {
                    format!("{tag} {i}\n")
                }
            })
            .collect()
    };
    let case = |n: usize| (text(n, "old"), text(n, "new"));
    let run = |(old, new): &(String, String)| {
        let out = diff::unified(old, new, "a", "b", false);
        assert!(out.lines().count() < 2_100, "not cut");
        assert!(out.contains("more left out"));
    };
    let ratio = assert_linear("a unified diff", &case(50_000), &case(100_000), run);
    eprintln!("doubling 50k -> 100k lines: ratio {ratio:.2}");
}

#[test]
fn values_invalid_for_their_type_never_differ_from_themselves() {
    // Fuzz finds: `<Reversed>yes</Reversed>` differed from itself, and a 12-digit year
    // overflowed the calendar (a panic in debug builds).
    for (member, value) in [
        ("Reversed", "yes"),
        ("UpdatedDate", "999999999999-12-31T23:59:59Z"),
        ("CreatedDate", "-999999999999-01-01T00:00:00+14:00"),
    ] {
        let text = with_member(member, &format!("<{member}>{value}</{member}>"));
        for opts in [Options::shape(), Options::exact()] {
            let r = diff_docs(&doc("x", &text), &doc("x", &text), &opts);
            assert!(r.equal, "{member}: {}", r.human(false));
        }
        let d = one(&shape_diff(&text)).clone();
        assert_eq!(
            (d.kind, d.path, d.actual.as_deref()),
            (DiffKind::Type, format!("{ENTITY}/{member}"), Some(value)),
        );
    }
}

#[test]
fn each_bless_value_means_one_thing_and_ci_writes_nothing() {
    use Bless::*;
    for (value, want) in [
        (None, Pending),
        (Some(""), Pending),
        (Some("new"), Pending),
        (Some("NEW "), Pending),
        (Some("1"), Overwrite),
        (Some("true"), Overwrite),
        (Some("yes"), Overwrite),
        (Some("always"), Overwrite),
        (Some("0"), Off),
        (Some("false"), Off),
        (Some("no"), Off),
        (Some("off"), Off),
    ] {
        assert_eq!(Bless::from_values(value, None), Ok(want), "{value:?}");
        // On CI nothing is written, whatever the value.
        assert_eq!(
            Bless::from_values(value, Some("true")),
            Ok(Off),
            "{value:?} on CI"
        );
        assert_eq!(
            Bless::from_values(value, Some("1")),
            Ok(Off),
            "{value:?} on CI"
        );
        // CI=false or CI=0 (or empty) is no CI.
        for not_ci in ["false", "0", ""] {
            assert_eq!(Bless::from_values(value, Some(not_ci)), Ok(want));
        }
    }
    let e = Bless::from_values(Some("2"), None).unwrap_err();
    assert!(
        e.contains("RELATION_CONTRACT_BLESS=2") && e.contains("always"),
        "{e}"
    );
}

#[test]
fn a_failed_golden_check_leaves_a_new_file_to_review_accept_or_reject() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("save.golden.xml");
    let new = diff::pending_path(&golden);
    assert_eq!(new, dir.path().join("save.golden.xml.new"));
    let opts = Options::exact();
    let first = doc("capture", &capture());

    // Missing: the check fails, naming the .new file it wrote (masked as a golden is).
    let e = check_golden(&first, &golden, &opts, Bless::Pending).unwrap_err();
    match &e {
        GoldenError::Missing { pending, .. } => {
            assert_eq!(pending.as_deref(), Some(new.to_string_lossy().as_ref()))
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("golden review"), "{e}");
    assert!(!golden.exists());
    let written = std::fs::read_to_string(&new).unwrap();
    assert!(!written.contains(CAPTURE_TICKET) && written.contains("[REDACTED]"));

    // Pending lists it; accept makes it the golden and removes it; then the check passes.
    let found = diff::pending(dir.path()).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].golden.clone(), found[0].new.clone()),
        (golden.clone(), new.clone())
    );
    assert!(
        found[0].diff().unwrap().contains("+"),
        "a diff against nothing"
    );
    diff::accept(&found[0]).unwrap();
    assert!(!new.exists());
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), written);
    assert_eq!(
        check_golden(&first, &golden, &opts, Bless::Pending).ok(),
        Some(GoldenOutcome::Matched)
    );

    // A mismatch writes .new too; reject drops it and leaves the golden alone; Off writes
    // nothing and says so.
    let changed = doc(
        "capture",
        &with_member("RelationId", "<RelationId>902</RelationId>"),
    );
    assert!(matches!(
        check_golden(&changed, &golden, &opts, Bless::Pending),
        Err(GoldenError::Mismatch {
            pending: Some(_),
            ..
        })
    ));
    let found = diff::pending(dir.path()).unwrap();
    let d = found[0].diff().unwrap();
    assert!(d.contains("-") && d.contains("902"), "{d}");
    diff::reject(&found[0]).unwrap();
    assert!(!new.exists());
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), written);
    let e = check_golden(&changed, &golden, &opts, Bless::Off).unwrap_err();
    assert!(matches!(e, GoldenError::Mismatch { pending: None, .. }));
    assert!(e.to_string().contains("Nothing was written"), "{e}");
    assert!(!new.exists());

    // A .new file the contract refuses is not accepted: both files stay.
    std::fs::write(&new, "<s:Envelope>").unwrap();
    let found = diff::pending(dir.path()).unwrap();
    assert!(matches!(
        diff::accept(&found[0]),
        Err(GoldenError::Findings { .. })
    ));
    assert!(new.exists());
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), written);
}

#[test]
fn golden_review_accept_and_reject_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("goldens");
    let golden = sub.join("a.xml");
    let opts = Options::exact();
    let _ = check_golden(&doc("capture", &capture()), &golden, &opts, Bless::Pending);
    let _ = check_golden(
        &doc("capture", &capture()),
        &sub.join("b.xml"),
        &opts,
        Bless::Pending,
    );
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_relation-contract"))
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let review = cli(&["golden", "review"]);
    assert_eq!(review.status.code(), Some(1), "pending goldens: exit 1");
    let text = String::from_utf8_lossy(&review.stdout);
    assert!(
        text.contains("a.xml.new") && text.contains("b.xml.new"),
        "{text}"
    );
    assert!(
        text.contains("+<s:Envelope") || text.contains("+<"),
        "a diff: {text}"
    );
    assert!(sub.join("a.xml.new").exists(), "review changes nothing");

    std::fs::remove_file(sub.join("b.xml.new")).unwrap();
    let accept = cli(&["golden", "accept"]);
    assert_eq!(accept.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&accept.stdout).contains("accepted:"));
    assert!(golden.exists() && !sub.join("a.xml.new").exists());

    let _ = check_golden(
        &doc(
            "capture",
            &with_member("RelationId", "<RelationId>902</RelationId>"),
        ),
        &golden,
        &opts,
        Bless::Pending,
    );
    let before = std::fs::read(&golden).unwrap();
    let reject = cli(&["golden", "reject"]);
    assert_eq!(reject.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&reject.stdout).contains("rejected:"));
    assert_eq!(std::fs::read(&golden).unwrap(), before);
    let none = cli(&["golden", "review"]);
    assert_eq!(none.status.code(), Some(0), "nothing pending: exit 0");
}

/// A golden that is there but cannot be read (here: a folder) is an error to report, not a
/// missing golden to write over or to leave a `.new` beside.
#[test]
fn an_unreadable_golden_is_an_error_not_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("g.xml");
    std::fs::create_dir(&golden).unwrap();
    for bless in [Bless::Off, Bless::Pending, Bless::Overwrite] {
        match check_golden(
            &doc("capture", &capture()),
            &golden,
            &Options::exact(),
            bless,
        ) {
            Err(GoldenError::Diff(e)) => assert!(e.to_string().contains("g.xml"), "{e}"),
            other => panic!("{bless:?}: expected an I/O error, got {other:?}"),
        }
        assert!(golden.is_dir() && !diff::pending_path(&golden).exists());
    }
}

/// A golden that is not XML cannot be compared: without overwriting that is an error (and
/// nothing is written); overwriting replaces it with the capture.
#[test]
fn a_golden_that_is_not_xml_is_an_error_unless_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("g.xml");
    std::fs::write(&golden, "<not-closed").unwrap();
    let capture = doc("capture", &capture());
    for bless in [Bless::Off, Bless::Pending] {
        assert!(
            matches!(
                check_golden(&capture, &golden, &Options::exact(), bless),
                Err(GoldenError::Diff(_))
            ),
            "{bless:?}"
        );
        assert_eq!(std::fs::read_to_string(&golden).unwrap(), "<not-closed");
    }
    assert_eq!(
        check_golden(&capture, &golden, &Options::exact(), Bless::Overwrite).ok(),
        Some(GoldenOutcome::Updated)
    );
    assert_eq!(
        check_golden(&capture, &golden, &Options::exact(), Bless::Off).ok(),
        Some(GoldenOutcome::Matched)
    );
}

/// A pending file's diff reads a missing golden as empty, and an unreadable one is an
/// error, not an empty golden.
#[test]
fn a_pending_diff_needs_a_readable_golden_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("g.xml.new");
    std::fs::write(&new, "<a/>\n").unwrap();
    let p = diff::Pending {
        golden: dir.path().join("g.xml"),
        new: new.clone(),
    };
    assert!(p.diff().unwrap().contains("+<a/>"));
    std::fs::create_dir(&p.golden).unwrap();
    assert!(p.diff().is_err(), "a folder is no golden to diff against");
}

/// Only files with a name before `.new` are pending goldens: a folder named `x.new` and a
/// file named `.new` are not.
#[test]
fn pending_lists_only_files_named_something_dot_new() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("folder.new")).unwrap();
    std::fs::write(dir.path().join(".new"), "<a/>").unwrap();
    std::fs::write(dir.path().join("g.xml.new"), "<a/>").unwrap();
    std::fs::write(dir.path().join("g.xml"), "<a/>").unwrap();
    let found = diff::pending(dir.path()).unwrap();
    let names: Vec<String> = found
        .iter()
        .map(|p| p.new.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["g.xml.new"]);
    assert_eq!(found[0].golden, dir.path().join("g.xml"));
}
