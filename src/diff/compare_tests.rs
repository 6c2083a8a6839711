//! Unit tests of [`super`] (the compare walk), kept apart so the walk stays one file
//! of one concept.

use super::*;
use crate::diff::parse;

const S11: &str = NS_SOAP11;
const S85: &str = crate::contract::NS_SERVICES85;
const TICKET: &str = "7T:EchoedTicketValue==";

fn env(header: &str, body: &str) -> Tree {
    let text = format!(
        "<s:Envelope xmlns:s=\"{S11}\" xmlns:c=\"{S85}\"><s:Header>{header}</s:Header>\
         <s:Body>{body}</s:Body></s:Envelope>"
    );
    parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn credentials(ticket: &str) -> String {
    format!("<c:Credentials><c:Ticket>{ticket}</c:Ticket></c:Credentials>")
}

#[test]
fn modes_read_back_their_names() {
    for mode in [Mode::Shape, Mode::Exact] {
        assert_eq!(Mode::parse(mode.as_str()), Some(mode));
    }
    assert_eq!(Mode::parse("Shape"), None);
    assert_eq!(Options::shape().mode, Mode::Shape);
    assert_eq!(Options::exact().mode, Mode::Exact);
}

/// `compare` finds what differs, and masks a secret of either tree where another value
/// echoes it.
#[test]
fn compare_masks_echoes_of_either_trees_secrets() {
    let body = |who: &str| {
        format!("<c:SaveContactRelation><c:ContactRelationEntity><c:Comment>{who}</c:Comment></c:ContactRelationEntity></c:SaveContactRelation>")
    };
    let expected = env(&credentials(TICKET), &body("plain"));
    let actual = env(&credentials(TICKET), &body(&format!("said {TICKET}")));
    let d = compare(&expected, &actual, &Options::exact());
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].path.ends_with("/Comment"), "{d:?}");
    let shown = d[0].actual.clone().unwrap_or_default();
    assert!(!shown.contains(TICKET), "{shown}");
    assert!(shown.contains("said"), "{shown}");
    // The secret of the expected side alone masks the actual side's echo too.
    let bare = env("", &body(&format!("said {TICKET}")));
    let d = compare(&expected, &bare, &Options::exact());
    assert!(
        d.iter().all(|x| !format!("{x:?}").contains(TICKET)),
        "{d:?}"
    );
}

/// A Body's element is a Fault only by its name in the SOAP namespace: another
/// namespace's `Fault` says nothing of the message, and any contract block is then
/// optional in shape mode (a Fault would hold it to the response's blocks).
#[test]
fn a_fault_is_known_by_name_and_soap_namespace() {
    let other = "<o:Fault xmlns:o=\"urn:o\"/>";
    let expected = env(&credentials("T1"), other);
    let actual = env("", other);
    assert_eq!(compare(&expected, &actual, &Options::shape()), vec![]);
    let soap = "<s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring></s:Fault>";
    let expected = env(&credentials("T1"), soap);
    let actual = env("", soap);
    let d = compare(&expected, &actual, &Options::shape());
    assert!(
        d.iter()
            .any(|x| x.path.ends_with("/Credentials") && x.kind == DiffKind::Missing),
        "{d:?}"
    );
}

fn entity(inner: &str) -> String {
    format!("<c:SaveContactRelation><c:ContactRelationEntity>{inner}</c:ContactRelationEntity></c:SaveContactRelation>")
}

const COMMENT: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Comment";

/// A type difference names each side's type: the `xsi:type` written, else the type the
/// contract declares.
#[test]
fn a_type_difference_names_both_types() {
    let xsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"";
    let e = env(
        "",
        &entity(&format!(
            "<c:Comment {xsi} xsi:type=\"xs:int\">a</c:Comment>"
        )),
    );
    let a = env("", &entity("<c:Comment>a</c:Comment>"));
    let d = compare(&e, &a, &Options::exact());
    let want = Difference {
        path: COMMENT.into(),
        kind: DiffKind::Type,
        expected: Some("{http://www.w3.org/2001/XMLSchema}int".into()),
        actual: Some("string".into()),
    };
    assert_eq!(d, vec![want]);
}

/// Attributes: one missing, one unexpected in both modes; a changed value only in exact
/// mode.
#[test]
fn attributes_are_compared_by_namespace_and_name() {
    let e = env(
        "",
        &entity("<c:Comment xmlns:o=\"urn:o\" o:k=\"1\" o:gone=\"g\" o:same=\"s\">a</c:Comment>"),
    );
    let a = env(
        "",
        &entity("<c:Comment xmlns:o=\"urn:o\" o:k=\"2\" o:new=\"n\" o:same=\"s\">a</c:Comment>"),
    );
    let at = |n: &str| format!("{COMMENT}/@{{urn:o}}{n}");
    let diff = |path: String, kind, e: Option<&str>, a: Option<&str>| Difference {
        path,
        kind,
        expected: e.map(String::from),
        actual: a.map(String::from),
    };
    let missing = diff(at("gone"), DiffKind::Missing, Some("g"), None);
    let changed = diff(at("k"), DiffKind::Value, Some("1"), Some("2"));
    let new = diff(at("new"), DiffKind::Unexpected, None, Some("n"));
    assert_eq!(
        compare(&e, &a, &Options::exact()),
        vec![missing.clone(), changed, new.clone()]
    );
    assert_eq!(compare(&e, &a, &Options::shape()), vec![missing, new]);
}

/// Different roots: the expected one missing, the actual one unexpected, each unless
/// its own path is ignored.
#[test]
fn different_roots_are_each_reported_unless_ignored() {
    let e = env("", "");
    let Ok(o) = parse("<Other/>") else {
        panic!("a bare root parses");
    };
    let paths = |opts: Options| -> Vec<(String, DiffKind)> {
        compare(&e, &o, &opts)
            .into_iter()
            .map(|d| (d.path, d.kind))
            .collect()
    };
    let env_missing = ("/Envelope".to_string(), DiffKind::Missing);
    let other_new = ("/Other".to_string(), DiffKind::Unexpected);
    assert_eq!(
        paths(Options::exact()),
        vec![env_missing.clone(), other_new.clone()]
    );
    assert_eq!(
        paths(Options::exact().ignoring("/Envelope")),
        vec![other_new]
    );
    assert_eq!(
        paths(Options::exact().ignoring("/Other")),
        vec![env_missing]
    );
}

/// A secret on one side only (the other's Ticket is blank, so no secret): element
/// content where a string is declared is a type difference, shown masked, in both modes.
#[test]
fn a_secret_on_one_side_only_is_still_compared() {
    let e = env("<c:Credentials><c:Ticket></c:Ticket></c:Credentials>", "");
    let a = env(
        "<c:Credentials><c:Ticket><c:x>7T:SecretInside==</c:x></c:Ticket></c:Credentials>",
        "",
    );
    for opts in [Options::shape(), Options::exact()] {
        let d = compare(&e, &a, &opts);
        let want = Difference {
            path: "/Envelope/Header/Credentials/Ticket".into(),
            kind: DiffKind::Type,
            expected: Some("string".into()),
            actual: Some(MASK.into()),
        };
        assert_eq!(d, vec![want], "{:?}", opts.mode);
    }
}

fn paths_and_kinds(d: Vec<Difference>) -> Vec<(String, DiffKind)> {
    d.into_iter().map(|x| (x.path, x.kind)).collect()
}

/// The walk over aligned children: an actual member before the first pair, between two
/// pairs and after the last is each unexpected once, in document order, and an expected
/// member without a partner is missing where it stands.
#[test]
fn children_are_walked_in_document_order() {
    let o = |names: &[&str]| {
        let inner: String = names
            .iter()
            .map(|n| format!("<o:{n} xmlns:o=\"urn:o\">v</o:{n}>"))
            .collect();
        env("", &entity(&inner))
    };
    let e = o(&["a", "b", "m"]);
    let a = o(&["x", "a", "y", "b", "z"]);
    let at = |n: &str| format!("/Envelope/Body/SaveContactRelation/ContactRelationEntity/{n}");
    let want = vec![
        (at("x"), DiffKind::Unexpected),
        (at("y"), DiffKind::Unexpected),
        (at("m"), DiffKind::Missing),
        (at("z"), DiffKind::Unexpected),
    ];
    for opts in [Options::shape(), Options::exact()] {
        assert_eq!(
            paths_and_kinds(compare(&e, &a, &opts)),
            want,
            "{:?}",
            opts.mode
        );
    }
    // Two members swapped: one stays aligned, the other is out of order, nothing else.
    let d = compare(&o(&["a", "b"]), &o(&["b", "a"]), &Options::exact());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].kind, DiffKind::Order, "{d:?}");
}

/// Text in complex content: text where the expected side has none is a type
/// difference in both modes; text on both sides is compared as a value, in exact mode
/// only.
#[test]
fn text_in_complex_content_is_a_type_or_a_value_difference() {
    let with = |text: &str| env("", &entity(&format!("{text}<c:Comment>a</c:Comment>")));
    let kinds = |e: &Tree, a: &Tree, opts: &Options| paths_and_kinds(compare(e, a, opts));
    let here = "/Envelope/Body/SaveContactRelation/ContactRelationEntity".to_string();
    for opts in [Options::shape(), Options::exact()] {
        assert_eq!(
            kinds(&with(""), &with("t"), &opts),
            vec![(here.clone(), DiffKind::Type)],
            "{:?}",
            opts.mode
        );
    }
    assert_eq!(kinds(&with("t1"), &with("t2"), &Options::shape()), vec![]);
    assert_eq!(
        kinds(&with("t1"), &with("t2"), &Options::exact()),
        vec![(here, DiffKind::Value)]
    );
}

/// An element the contract does not declare: in shape mode a leaf's value is not
/// compared, while text appearing beside children is; exact mode compares both.
#[test]
fn undeclared_text_counts_in_shape_mode_only_beside_children() {
    let o = |inner: &str| {
        env(
            "",
            &entity(&format!("<o:a xmlns:o=\"urn:o\">{inner}</o:a>")),
        )
    };
    let at = "/Envelope/Body/SaveContactRelation/ContactRelationEntity/a".to_string();
    let kinds = |e: &str, a: &str, opts: &Options| paths_and_kinds(compare(&o(e), &o(a), opts));
    let value = vec![(at, DiffKind::Value)];
    assert_eq!(kinds("v", "", &Options::shape()), vec![]);
    assert_eq!(kinds("v", "", &Options::exact()), value);
    assert_eq!(kinds("<o:k/>", "t<o:k/>", &Options::shape()), value);
    assert_eq!(kinds("<o:k/>", "t<o:k/>", &Options::exact()), value);
}
