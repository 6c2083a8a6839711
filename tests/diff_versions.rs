//! `diff` across the contract versions (Services84 to Services88): each document held to the
//! version its payload names (or the one `--contract` gives), the documented example in that
//! version's shape, and two versions compared member by member.

mod common;

use common::process::temp_with;
use relation_contract::contract::{Contract, ContractChoice};
use relation_contract::diff::{check_golden, Bless, GoldenError, GoldenOutcome};
use relation_contract::diff::{documented_example_as, DiffKind, DiffReport, Difference, Options};
use relation_contract::Document;
use relation_contract::{Kind, Operation};
use std::process::{Command, Output};

const ENTITY: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity";

/// The members of an Associate up to EjUserId, each a valid lexeme of its type.
const ASSOCIATE: &str = "<AssociateId>7</AssociateId><Name>Ann</Name><PersonId>5</PersonId>\
     <Rank>2</Rank><Tooltip/><Type>InternalAssociate</Type><GroupIdx>1</GroupIdx>\
     <FullName>Ann Anderson</FullName><FormalName>Ann</FormalName><Deleted>false</Deleted>\
     <EjUserId>0</EjUserId>";

/// What Services86 adds to an Associate.
const USER_NAME: &str = "<UserName>ann</UserName>";

/// What Services88 adds after UserName.
const DICTIONARIES: &str = "<ExtraFields><StringKeyValuePair><Key>a</Key><Value>1</Value>\
     </StringKeyValuePair></ExtraFields><CustomFields><StringKeyValuePair><Key>b</Key>\
     <Value>2</Value></StringKeyValuePair></CustomFields>";

/// The Associate members a version has beyond Services85's, with values.
fn added(c: Contract) -> String {
    match c {
        Contract::Services84 | Contract::Services85 => String::new(),
        Contract::Services86 | Contract::Services87 => USER_NAME.to_string(),
        Contract::Services88 => format!("{USER_NAME}{DICTIONARIES}"),
    }
}

/// A SOAP 1.1 SaveContactRelation request as WCF writes it, its payload in `ns`, with the
/// header blocks `headers` and `extra` after EjUserId in both Associates.
fn request(ns: &str, headers: &str, extra: &str) -> String {
    let associate = |tag: &str| format!("<{tag}>{ASSOCIATE}{extra}</{tag}>");
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Header>{headers}</s:Header>\
         <s:Body><SaveContactRelation xmlns=\"{ns}\"><ContactRelationEntity>\
         <SourceContactId>12</SourceContactId><SourcePersonId>34</SourcePersonId>\
         <DestinationContactId>56</DestinationContactId><DestinationPersonId>78</DestinationPersonId>\
         <RelationId>901</RelationId><Comment>met at the fair</Comment>\
         <RelationDefinitionId>3</RelationDefinitionId><Reversed>1</Reversed>\
         <UpdatedDate>2024-05-01T10:00:00+02:00</UpdatedDate><CreatedDate>2024-04-30T08:00:00</CreatedDate>\
         {}{}<SourceContactName>Acme</SourceContactName><SourcePersonName>Bob</SourcePersonName>\
         <DestinationContactName>Initech</DestinationContactName>\
         <DestinationPersonName>Peter</DestinationPersonName><ActiveText>is supplier of</ActiveText>\
         <PassiveText>is customer of</PassiveText></ContactRelationEntity></SaveContactRelation>\
         </s:Body></s:Envelope>",
        associate("CreatedBy"),
        associate("UpdatedBy"),
    )
}

fn credentials(ns: &str) -> String {
    format!("<Credentials xmlns=\"{ns}\"><Ticket>7T:VersionTicket==</Ticket></Credentials>")
}

/// A request of version `c` with its own Associate members and a Credentials block.
fn capture(c: Contract) -> String {
    request(c.namespace(), &credentials(c.namespace()), &added(c))
}

fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, text.as_bytes())
}

fn documented(text: &str, opts: &Options) -> DiffReport {
    DiffReport::against_documented(&doc("capture.xml", text), opts)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn between(actual: &str, expected: &str, opts: &Options) -> DiffReport {
    DiffReport::new(
        &doc("actual.xml", actual),
        &doc("expected.xml", expected),
        opts,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn kinds(diffs: &[Difference]) -> Vec<(DiffKind, &str)> {
    diffs.iter().map(|d| (d.kind, d.path.as_str())).collect()
}

/// The paths of the Associate members `names`, in CreatedBy then UpdatedBy.
fn member_paths(names: &[&str]) -> Vec<String> {
    ["CreatedBy", "UpdatedBy"]
        .iter()
        .flat_map(|a| names.iter().map(move |n| format!("{ENTITY}/{a}/{n}")))
        .collect()
}

fn shape_as(c: Contract) -> Options {
    Options::shape().with_contract(ContractChoice::Fixed(c))
}

#[test]
fn an_88_capture_in_shape_mode_knows_its_header_blocks_as_the_contracts() {
    let ns = Contract::Services88.namespace();
    let extra = added(Contract::Services88);
    // Credentials alone, no ApplicationToken (what most clients send): no difference.
    let report = documented(&request(ns, &credentials(ns), &extra), &Options::shape());
    assert!(report.equal, "{:#?}", report.differences);
    assert_eq!(report.contract.actual, Contract::Services88);
    assert_eq!(report.contract.expected, Contract::Services88);
    // ApplicationToken is optional: present, it is no difference either.
    let token = format!("<ApplicationToken xmlns=\"{ns}\">token-0042</ApplicationToken>");
    let both = format!("{token}{}", credentials(ns));
    assert!(documented(&request(ns, &both, &extra), &Options::shape()).equal);
    let nil_token = format!(
        "<ApplicationToken xmlns=\"{ns}\" i:nil=\"true\"/>{}",
        credentials(ns)
    );
    assert!(documented(&request(ns, &nil_token, &extra), &Options::shape()).equal);
    // Credentials is required: left out or nil, it is a difference of the Header.
    let without = documented(&request(ns, &token, &extra), &Options::shape());
    assert_eq!(
        kinds(&without.differences),
        [(DiffKind::Missing, "/Envelope/Header/Credentials")]
    );
    let nil = format!("<Credentials xmlns=\"{ns}\" i:nil=\"true\"/>");
    let nil = documented(&request(ns, &nil, &extra), &Options::shape());
    assert_eq!(
        kinds(&nil.differences),
        [(DiffKind::Nil, "/Envelope/Header/Credentials")]
    );
    // A Services85 Credentials in a Services88 capture is a contract name in another
    // namespace; the capture's own version (85, by the rule `validate` applies to a mix)
    // is then Services85, and the report says which versions it applied.
    let mixed = documented(
        &request(ns, &credentials(Contract::Services85.namespace()), &extra),
        &Options::shape(),
    );
    assert!(!mixed.equal);
    assert_eq!(mixed.contract.actual, Contract::Services85);
}

#[test]
fn user_name_is_clean_in_an_88_capture_and_a_difference_in_an_85_one() {
    let report = documented(&capture(Contract::Services88), &Options::shape());
    assert!(report.equal, "{:#?}", report.differences);
    // Services86 has UserName and not the dictionaries: its shape is its own.
    let report = documented(&capture(Contract::Services86), &Options::shape());
    assert!(report.equal, "{:#?}", report.differences);
    assert_eq!(report.contract.actual, Contract::Services86);
    // The same members in a Services85 capture: each is unexpected, and nothing else is.
    let ns85 = Contract::Services85.namespace();
    let in85 = request(ns85, &credentials(ns85), &added(Contract::Services88));
    let report = documented(&in85, &Options::shape());
    assert_eq!(report.contract.actual, Contract::Services85);
    let got: Vec<(DiffKind, String)> = report
        .differences
        .iter()
        .map(|d| (d.kind, d.path.clone()))
        .collect();
    let want: Vec<(DiffKind, String)> = member_paths(&["UserName", "ExtraFields", "CustomFields"])
        .into_iter()
        .map(|p| (DiffKind::Unexpected, p))
        .collect();
    assert_eq!(got, want);
    // An 88 capture without the members its version has misses them.
    let ns88 = Contract::Services88.namespace();
    let bare = documented(&request(ns88, &credentials(ns88), ""), &Options::shape());
    let missing: Vec<&str> = bare
        .differences
        .iter()
        .filter(|d| d.kind == DiffKind::Missing)
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        missing,
        member_paths(&["UserName", "ExtraFields", "CustomFields"])
    );
}

#[test]
fn an_88_capture_held_to_services85_is_one_finding_naming_both_versions() {
    let report = documented(
        &capture(Contract::Services88),
        &shape_as(Contract::Services85),
    );
    assert!(!report.equal);
    assert_eq!(report.exit_code(), 1);
    assert_eq!(report.contract.expected, Contract::Services85);
    assert_eq!(report.contract.actual, Contract::Services85);
    let first = &report.differences[0];
    assert_eq!(
        (first.kind, first.path.as_str()),
        (DiffKind::Contract, "/Envelope")
    );
    assert_eq!(first.expected.as_deref(), Some("Services85"));
    assert_eq!(
        first.actual.as_deref(),
        Some("Services88, held to Services85")
    );
    // One such entry; the rest are what Services85 lacks, member by member (the header
    // blocks of the capture's namespace stay the contract's).
    let rest: Vec<&str> = report.differences[1..]
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        rest,
        member_paths(&["UserName", "ExtraFields", "CustomFields"])
    );
    assert!(report.differences[1..]
        .iter()
        .all(|d| d.kind == DiffKind::Unexpected));
    let human = report.human(false);
    assert!(
        human.contains("(shape mode, contract Services85)"),
        "{human}"
    );
    assert!(
        human.contains("contract   /Envelope: Services85 \u{2192} Services88, held to Services85"),
        "{human}"
    );
    // Held to its own version, the same capture is clean.
    assert!(
        documented(
            &capture(Contract::Services88),
            &shape_as(Contract::Services88)
        )
        .equal
    );
}

#[test]
fn an_85_capture_against_an_88_capture_lists_the_member_differences_not_every_element() {
    let (c85, c88) = (capture(Contract::Services85), capture(Contract::Services88));
    for opts in [Options::shape(), Options::exact()] {
        let report = between(&c85, &c88, &opts);
        let mut want = vec![(DiffKind::Contract, "/Envelope".to_string())];
        want.extend(
            member_paths(&["UserName", "ExtraFields", "CustomFields"])
                .into_iter()
                .map(|p| (DiffKind::Missing, p)),
        );
        let got: Vec<(DiffKind, String)> = report
            .differences
            .iter()
            .map(|d| (d.kind, d.path.clone()))
            .collect();
        assert_eq!(got, want, "{} mode", opts.mode);
        let entry = &report.differences[0];
        assert_eq!(entry.expected.as_deref(), Some("Services88"));
        assert_eq!(entry.actual.as_deref(), Some("Services85"));
        assert_eq!(report.contract.expected, Contract::Services88);
        assert_eq!(report.contract.actual, Contract::Services85);
        // The canonical forms hold no namespace: the unified diff is the members.
        assert!(!report.expected_text.contains("Services8"));
        let human = report.human(false);
        assert!(
            human.contains("(shape mode, contracts Services85 against Services88)")
                || human.contains("(exact mode, contracts Services85 against Services88)"),
            "{human}"
        );
        let changed: Vec<&str> = human
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .collect();
        assert_eq!(changed.len(), 2 * (1 + 2 * 4), "{human}");
    }
    // 86 and 87 are one contract under two namespaces: the namespace is all that differs.
    let report = between(
        &capture(Contract::Services86),
        &capture(Contract::Services87),
        &Options::exact(),
    );
    assert_eq!(
        kinds(&report.differences),
        [(DiffKind::Contract, "/Envelope")]
    );
    // A version given applies to both sides: each side written in another says so.
    let report = between(&c85, &c88, &shape_as(Contract::Services88));
    assert_eq!(report.differences[0].kind, DiffKind::Contract);
    assert_eq!(
        report.differences[0].actual.as_deref(),
        Some("Services85, held to Services88")
    );
    assert_eq!(report.contract.actual, Contract::Services88);
}

#[test]
fn a_flag_services88_adds_is_a_type_only_where_the_version_lacks_it() {
    let ns = Contract::Services88.namespace();
    let with_mask = |mask: &str| {
        let text = capture(Contract::Services88);
        text.replace(
            "<ContactRelationEntity>",
            &format!(
                "<ContactRelationEntity><TableRight><Mask>{mask}</Mask><Reason/></TableRight>"
            ),
        )
    };
    let (expected, actual) = (with_mask("Select"), with_mask("Select Unused1"));
    assert!(expected.contains(ns));
    assert!(between(&actual, &expected, &Options::shape()).equal);
    let held = between(&actual, &expected, &shape_as(Contract::Services87));
    let mask = format!("{ENTITY}/TableRight/Mask");
    let at_mask: Vec<&Difference> = held.differences.iter().filter(|d| d.path == mask).collect();
    assert_eq!(at_mask.len(), 1, "{:#?}", held.differences);
    assert_eq!(at_mask[0].kind, DiffKind::Type);
    assert_eq!(at_mask[0].expected.as_deref(), Some("ETableRight"));
}

#[test]
fn the_88_documented_shape_is_the_88_pages_completed_from_the_table() {
    for op in Operation::ALL {
        for kind in [Kind::Request, Kind::Response] {
            let page = documented_example_as(op, kind, Contract::Services88)
                .unwrap_or_else(|| panic!("{op} {kind}: the 88 page is bundled"));
            assert!(
                page.contains(Contract::Services88.namespace()),
                "{op} {kind}"
            );
            // Exact mode: the page's own values (its dates are not the 85 pages'); what
            // the documented shape adds are the dictionaries the pages leave out.
            let report = documented(page, &Options::exact());
            let has_associate = page.contains("UserName");
            for d in &report.differences {
                assert_eq!(d.kind, DiffKind::Missing, "{op} {kind}: {d:?}");
                assert!(
                    d.path.ends_with("/ExtraFields") || d.path.ends_with("/CustomFields"),
                    "{op} {kind}: {d:?}"
                );
            }
            assert_eq!(report.differences.is_empty(), !has_associate, "{op} {kind}");
        }
    }
    let page85 = documented_example_as(
        Operation::SaveContactRelation,
        Kind::Request,
        Contract::Services87,
    );
    assert!(page85.is_some_and(|p| p.contains(Contract::Services85.namespace())));
}

#[test]
fn a_golden_check_under_a_version_judges_the_capture_by_that_version() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let golden = dir.path().join("c88.golden.xml");
    let c88 = doc("c88.xml", &capture(Contract::Services88));
    let exact_as = |c| Options::exact().with_contract(ContractChoice::Fixed(c));
    // Under its own version it is blessed and then matches.
    let own = check_golden(
        &c88,
        &golden,
        &exact_as(Contract::Services88),
        Bless::Overwrite,
    );
    assert!(matches!(own, Ok(GoldenOutcome::Created)), "{own:?}");
    let again = check_golden(&c88, &golden, &exact_as(Contract::Services88), Bless::Off);
    assert!(matches!(again, Ok(GoldenOutcome::Matched)), "{again:?}");
    // Under Services85 the pipeline refuses it, as `validate --contract services85` does.
    match check_golden(&c88, &golden, &exact_as(Contract::Services85), Bless::Off) {
        Err(GoldenError::Findings { findings, .. }) => {
            assert!(
                findings.iter().any(|v| v.code.as_str() == "xsd.namespace"),
                "{findings:?}"
            );
        }
        other => panic!("not refused: {other:?}"),
    }
}

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_relation-contract"));
    c.env("NO_COLOR", "1");
    c.args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the binary: {e}"))
}

#[test]
fn the_command_takes_contract_and_names_the_versions_applied() {
    let (_dir, p) = temp_with("c88.xml", &capture(Contract::Services88));
    let p = p.to_str().unwrap_or("");
    let auto = run(&["diff", p]);
    let out = String::from_utf8_lossy(&auto.stdout);
    assert_eq!(auto.status.code(), Some(0), "{out}");
    assert!(out.contains("(shape mode, contract Services88)"), "{out}");

    let held = run(&["diff", p, "--contract", "services85", "--format", "json"]);
    assert_eq!(held.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_slice(&held.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(v["contract"]["expected"], "Services85");
    assert_eq!(v["contract"]["actual"], "Services85");
    assert_eq!(v["differences"][0]["kind"], "contract");
    assert_eq!(
        v["differences"][0]["actual"],
        "Services88, held to Services85"
    );

    let own = run(&["diff", p, "--contract", "services88"]);
    assert_eq!(own.status.code(), Some(0));

    let bad = run(&["diff", p, "--contract", "services83"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("services83"));
}
