//! `check`'s rules for documented examples with known defects.

use relation_contract::fixtures::{check, Group};
use std::path::Path;

fn fixture(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn setup(sidecar: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let docd = dir.path().join("documented");
    std::fs::create_dir_all(&docd).unwrap_or_else(|e| panic!("{e}"));
    let name = "CreateDefaultContactRelationEntity.request";
    std::fs::copy(
        fixture(&format!("documented/{name}.xml")),
        docd.join(format!("{name}.xml")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    if let Some(s) = sidecar {
        std::fs::write(docd.join(format!("{name}.expect")), s).unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

#[test]
fn a_documented_example_passes_only_with_its_named_defect() {
    let named = "profile = documented\nexpect = doc.whitespace-in-empty /Envelope/Body/CreateDefaultContactRelationEntity\n";
    let dir = setup(Some(named));
    let r = check(dir.path());
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].group, Group::Documented);
    assert!(r.passed(), "{:?}", r.rows[0].problems);

    // Without the sidecar the defect is a failure, not silently passed.
    let r = check(setup(None).path());
    assert!(!r.passed());
    assert!(
        r.rows[0].problems[0].contains("expected valid"),
        "{:?}",
        r.rows[0].problems
    );

    // A sidecar naming another defect: the real one is unexpected, the named one unmet.
    let other = "profile = documented\nexpect = doc.whitespace-in-empty /Envelope/Body/Other\n";
    let r = check(setup(Some(other)).path());
    assert!(!r.passed());
    let problems = r.rows[0].problems.join("\n");
    assert!(problems.contains("unexpected doc.whitespace-in-empty at /Envelope/Body/CreateDefaultContactRelationEntity"), "{problems}");
    assert!(
        problems.contains("expected doc.whitespace-in-empty at /Envelope/Body/Other"),
        "{problems}"
    );
}

#[test]
fn under_the_wire_profile_the_same_whitespace_is_a_contract_break() {
    let doc = relation_contract::Document::read(&fixture(
        "documented/DeleteContactRelation.response.xml",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let v = relation_contract::schema::validate(&doc, relation_contract::Profile::Wire);
    let codes: Vec<&str> = v.violations.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(codes, vec!["soap.version", "xsd.text"]);
}

/// The service rule is a rule of the pipeline, so `check` holds wire fixtures to it: a wire
/// request without its Ticket is no longer valid.
#[test]
fn a_wire_request_fixture_without_a_ticket_fails_check() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let wire = dir.path().join("wire");
    std::fs::create_dir_all(&wire).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(fixture("wire/SaveContactRelation.request.minimal.xml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let start = text.find("<Ticket>").unwrap_or_else(|| panic!("no Ticket"));
    let end = text
        .find("</Ticket>")
        .unwrap_or_else(|| panic!("no Ticket end"))
        + 9;
    let with = wire.join("with.xml");
    let without = wire.join("without.xml");
    std::fs::write(&with, &text).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&without, format!("{}{}", &text[..start], &text[end..]))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = check(dir.path());
    assert_eq!(r.rows.len(), 2);
    let row = |p: &Path| {
        r.rows
            .iter()
            .find(|row| row.item.path == p.display().to_string())
            .unwrap_or_else(|| panic!("no row for {}", p.display()))
    };
    assert!(row(&with).passed(), "{:?}", row(&with).problems);
    let failed = row(&without);
    assert!(!failed.passed());
    let found: Vec<(&str, &str)> = failed
        .item
        .violations
        .iter()
        .map(|f| (f.violation.code.as_str(), f.violation.element.as_str()))
        .collect();
    assert_eq!(
        found,
        [("soap.credentials", "/Envelope/Header/Credentials/Ticket")]
    );
}
