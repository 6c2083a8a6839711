//! `compat`: what a move between contract versions changes for a client. Without captures,
//! exactly the differences between Services85 and Services88 (the WSDLs read side by side),
//! each judged as WCF and a strict XSD client take it; with captures, only the changes the
//! traffic touches. The README's upgrade section is the command's own Markdown.

use relation_contract::compat::{self, Report, Verdict};
use relation_contract::contract::Contract;
use relation_contract::Document;
use std::path::PathBuf;
use std::process::Command;

use Verdict::{Breaking as B, BreakingIfSent as I, Safe as S};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn doc(rel: &str) -> Document {
    Document::read(&root().join(rel)).expect("fixture")
}

fn rows(r: &Report) -> Vec<(&str, Contract, [Verdict; 3])> {
    r.changes
        .iter()
        .map(|e| {
            (
                e.path.as_str(),
                e.since,
                [
                    e.request.verdict,
                    e.response_xsd.verdict,
                    e.response_wcf.verdict,
                ],
            )
        })
        .collect()
}

#[test]
fn without_captures_every_difference_from_85_to_88_is_listed_and_judged() {
    let r = compat::differences(Contract::Services85, Contract::Services88);
    use Contract::{Services86 as V86, Services88 as V88};
    assert_eq!(
        rows(&r),
        [
            ("Associate/UserName", V86, [S, B, S]),
            ("schema/import", V88, [S, S, S]),
            ("ETableRight/Unused1", V88, [S, I, I]),
            ("ETableRight/Uninitialized", V88, [S, I, I]),
            ("ETableRight/R", V88, [S, S, S]),
            ("ETableRight/F", V88, [S, S, S]),
            ("EFieldRight/Nullable", V88, [S, S, S]),
            ("Associate/ExtraFields", V88, [S, B, S]),
            ("Associate/CustomFields", V88, [S, B, S]),
            ("StringDictionary", V88, [S, S, S]),
        ]
    );
    let reason = |p: &str| {
        let e = r.changes.iter().find(|e| e.path == p).expect(p);
        (e.response_wcf.reason.clone(), e.response_xsd.reason.clone())
    };
    assert!(reason("ETableRight/Unused1")
        .0
        .contains("InvalidEnumValueOnRead"));
    assert!(reason("ETableRight/R").0.contains("alias of Select"));
    assert!(reason("EFieldRight/Nullable")
        .1
        .contains("alias of Unused4"));
    assert!(reason("Associate/UserName")
        .0
        .contains("lost on a Save round trip"));
    assert!(r.is_breaking());
}

#[test]
fn versions_without_differences_have_nothing_to_report() {
    for (a, b) in [
        (Contract::Services84, Contract::Services85),
        (Contract::Services86, Contract::Services87),
    ] {
        let r = compat::differences(a, b);
        assert!(r.changes.is_empty() && !r.is_breaking(), "{a} -> {b}");
    }
    let r = compat::differences(Contract::Services85, Contract::Services86);
    assert_eq!(
        rows(&r),
        [("Associate/UserName", Contract::Services86, [S, B, S])]
    );
    // Back from 88 to 87: a request that sends what 87 lacks is refused.
    let back = compat::differences(Contract::Services88, Contract::Services87);
    let user = back
        .changes
        .iter()
        .find(|e| e.path == "Associate/ExtraFields");
    assert_eq!(user.map(|e| e.request.verdict), Some(I));
    assert!(back.changes.iter().all(|e| e.path != "Associate/UserName"));
}

#[test]
fn captures_that_hold_created_by_and_table_right_touch_the_associate_and_table_right_changes() {
    let docs = [
        doc("fixtures/wire/SaveContactRelation.response.wcf.xml"),
        doc("fixtures/wire/SaveContactRelation.request.minimal.xml"),
    ];
    let r = compat::with_captures(Contract::Services85, Contract::Services88, &docs);
    let touched: Vec<&str> = r
        .changes
        .iter()
        .filter(|e| e.touched == Some(true))
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(
        touched,
        [
            "Associate/UserName",
            "ETableRight/Unused1",
            "ETableRight/Uninitialized",
            "ETableRight/R",
            "ETableRight/F",
            "Associate/ExtraFields",
            "Associate/CustomFields",
            "StringDictionary",
        ]
    );
    let user = r.changes.iter().find(|e| e.path == "Associate/UserName");
    assert_eq!(
        user.map(|e| e.touched_by.clone()),
        Some(vec![docs[0].source.clone()])
    );
    // The request, rewritten to the 88 namespace, is valid under Services88.
    assert_eq!(r.requests.len(), 1);
    assert!(r.requests[0].valid, "{:?}", r.requests[0].violations);
    assert!(r.is_breaking());
    assert_eq!(r.exit_code(), 1);
    let text = compat::render::human(&r);
    assert!(
        text.contains("not exercised by these captures: schema/import, EFieldRight/Nullable"),
        "{text}"
    );
}

#[test]
fn captures_that_hold_neither_touch_nothing() {
    let docs = [doc("fixtures/wire/SaveContactRelation.request.minimal.xml")];
    let r = compat::with_captures(Contract::Services85, Contract::Services88, &docs);
    assert!(r.changes.iter().all(|e| e.touched == Some(false)));
    assert!(!r.is_breaking());
    let md = compat::render::markdown(&r);
    assert!(
        md.contains("Not exercised by these captures: `Associate/UserName`"),
        "{md}"
    );
    assert!(
        md.contains("Requests rewritten to Services88: 1 of 1 valid."),
        "{md}"
    );
}

#[test]
fn a_request_the_new_contract_refuses_is_breaking() {
    // Under Services85 this is a valid request; moving to Services84 (from a client built on
    // 86) the UserName it sends has no place.
    let text = std::fs::read_to_string(
        root().join("fixtures/versions/services86/SaveContactRelation.response.xml"),
    )
    .expect("fixture");
    let body = text
        .split("<CreatedBy>")
        .nth(1)
        .and_then(|t| t.split("</CreatedBy>").next())
        .expect("a CreatedBy");
    let ns = Contract::Services86.namespace();
    let request = format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>\
         <Credentials xmlns=\"{ns}\"><Ticket>7T:eA==</Ticket></Credentials></s:Header><s:Body>\
         <SaveContactRelation xmlns=\"{ns}\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <ContactRelationEntity><CreatedBy>{body}</CreatedBy></ContactRelationEntity>\
         </SaveContactRelation></s:Body></s:Envelope>"
    );
    let docs = [Document::from_bytes("req.xml", request.as_bytes())];
    let r = compat::with_captures(Contract::Services86, Contract::Services85, &docs);
    assert_eq!(r.requests.len(), 1);
    let codes: Vec<(&str, &str)> = r.requests[0]
        .violations
        .iter()
        .map(|v| (v.code.as_str(), v.element.as_str()))
        .collect();
    assert_eq!(
        codes,
        [(
            "xsd.unexpected",
            "/Envelope/Body/SaveContactRelation/ContactRelationEntity/CreatedBy/UserName"
        )]
    );
    assert!(r.requests[0].violations[0].message.contains("Services85"));
    assert!(r.is_breaking());
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_command_exits_by_what_is_touched_in_every_format() {
    let (code, json) = run(&[
        "compat",
        "--from",
        "services85",
        "--to",
        "services88",
        "--format",
        "json",
        "fixtures/wire/SaveContactRelation.request.minimal.xml",
    ]);
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["breaking"], false);
    assert_eq!(v["not_exercised"].as_array().map(Vec::len), Some(10));
    assert_eq!(v["changes"][0]["response_xsd"]["verdict"], "breaking");
    let (code, text) = run(&[
        "compat",
        "--from",
        "services85",
        "--to",
        "services88",
        "fixtures/wire/SaveContactRelation.response.wcf.xml",
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("touched by: "), "{text}");
    let (code, _) = run(&["compat", "--from", "services84", "--to", "services85"]);
    assert_eq!(code, 0);
    let (code, _) = run(&["compat", "--from", "services83", "--to", "services85"]);
    assert_eq!(code, 2);
}

const README_BEGIN: &str = "<!-- compat: rendered by `relation-contract compat --from services85 --to services88 --format markdown` -->\n";
const README_END: &str = "<!-- /compat -->";

/// The README's "Upgrading from Services85 to Services88" table is the command's own
/// output; `RELATION_CONTRACT_BLESS=1 cargo test --test compat the_readme` writes it.
#[test]
fn the_readme_upgrade_section_is_the_commands_output() {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let expected = compat::render::markdown(&compat::differences(
        Contract::Services85,
        Contract::Services88,
    ));
    let (_, cli) = run(&[
        "compat",
        "--from",
        "services85",
        "--to",
        "services88",
        "--format",
        "markdown",
    ]);
    assert_eq!(cli, expected);
    let (head, rest) = text
        .split_once(README_BEGIN)
        .expect("the README's compat marker");
    let (table, tail) = rest
        .split_once(README_END)
        .expect("the README's compat end marker");
    if table != expected && std::env::var_os("RELATION_CONTRACT_BLESS").is_some() {
        std::fs::write(
            &path,
            format!("{head}{README_BEGIN}{expected}{README_END}{tail}"),
        )
        .expect("write README.md");
        return;
    }
    assert_eq!(
        table, expected,
        "the README's upgrade section is stale: `RELATION_CONTRACT_BLESS=1 cargo test --test \
         compat the_readme` writes it"
    );
    assert!(head.contains("## Upgrading from Services85 to Services88"));
}

/// A Save request whose entity holds `n` field properties (each with a FieldRight mask).
fn many_field_properties(n: usize) -> Vec<u8> {
    let ns = Contract::Services85.namespace();
    let pair = "<FieldPropertyDictionaryKeyValuePair><Key>Comment</Key><Value><FieldRight>\
                <Mask>Read Write</Mask></FieldRight><FieldLength>7</FieldLength></Value>\
                </FieldPropertyDictionaryKeyValuePair>";
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>\
         <Credentials xmlns=\"{ns}\"><Ticket>7T:eA==</Ticket></Credentials></s:Header><s:Body>\
         <SaveContactRelation xmlns=\"{ns}\"><ContactRelationEntity><FieldProperties>{}\
         </FieldProperties></ContactRelationEntity></SaveContactRelation></s:Body></s:Envelope>",
        pair.repeat(n)
    )
    .into_bytes()
}

#[test]
fn compat_over_captures_is_linear_in_the_traffic() {
    use relation_contract::testkit::timing::assert_linear;
    let small = many_field_properties(1500);
    let large = many_field_properties(3000);
    let r = assert_linear("compat with captures", &small[..], &large[..], |bytes| {
        let docs = [Document::from_bytes("big.xml", bytes)];
        let r = compat::with_captures(Contract::Services85, Contract::Services88, &docs);
        assert_eq!(r.requests.len(), 1);
        assert!(r.requests[0].valid);
        let nullable = r.changes.iter().find(|e| e.path == "EFieldRight/Nullable");
        assert_eq!(nullable.and_then(|e| e.touched), Some(true));
    });
    eprintln!("compat with captures: t(2n)/t(n) = {r:.2}");
}
