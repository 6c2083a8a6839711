//! The tokenizer's own well-formedness checks: each refused document with its code and
//! position, beside a near miss that must pass.

use super::tokens::{Event, Resolved, Tokenizer};
use crate::violation::Code;

/// Every token of `text` (text pieces merged), or the first error's code and position.
fn run(text: &str) -> Result<Vec<String>, (Code, usize, String)> {
    let mut t = Tokenizer::new(text);
    let mut out: Vec<String> = Vec::new();
    loop {
        match t.next() {
            Err(e) => return Err((e.code, e.pos, e.msg)),
            Ok(Event::Eof) => return Ok(out),
            Ok(Event::Start { name, empty, .. }) => {
                let attrs: Vec<String> = t
                    .attrs()
                    .iter()
                    .map(|a| format!("{}={}", a.name, a.value))
                    .collect();
                out.push(format!(
                    "<{name}{}{}>",
                    if empty { "/" } else { "" },
                    attrs.join(",")
                ));
            }
            Ok(Event::End { .. }) => out.push("</>".into()),
            Ok(Event::Text { text, .. }) => match out.last_mut() {
                Some(last) if last.starts_with('"') => {
                    last.pop();
                    last.push_str(&text);
                    last.push('"');
                }
                _ => out.push(format!("\"{text}\"")),
            },
        }
    }
}

/// `bad` is refused with `code` at byte `pos`; `good` passes.
#[track_caller]
fn refused(bad: &str, code: Code, pos: usize, good: &str) {
    match run(bad) {
        Err((c, p, m)) => assert_eq!((c, p), (code, pos), "{bad}: {m}"),
        Ok(t) => panic!("{bad} was taken: {t:?}"),
    }
    if let Err(e) = run(good) {
        panic!("{good} was refused: {e:?}");
    }
}

#[test]
fn names() {
    refused("<1a/>", Code::XmlMalformed, 0, "<a1/>");
    refused("<a><-b/></a>", Code::XmlMalformed, 3, "<a><b-/></a>");
    refused("< a/>", Code::XmlMalformed, 0, "<a />");
    refused("<a:b:c/>", Code::XmlMalformed, 0, "<a:bc xmlns:a='u'/>");
    refused("<a:/>", Code::XmlMalformed, 0, "<a:é xmlns:a='u'/>");
    refused("<a>\n</1a>", Code::XmlMalformed, 4, "<a>\n</a >");
    refused("<a\u{37E}b/>", Code::XmlMalformed, 0, "<a\u{300}\u{B7}b/>");
}

#[test]
fn attributes() {
    refused(
        "<a b='1' b='2'/>",
        Code::XmlMalformed,
        0,
        "<a b='1' c='2'/>",
    );
    refused(
        "<r><a b='1'c='2'/></r>",
        Code::XmlMalformed,
        3,
        "<r><a b='1' c='2'/></r>",
    );
    refused("<a b=1/>", Code::XmlMalformed, 0, "<a b = '1'/>");
    refused("<a b/>", Code::XmlMalformed, 0, "<a b=''/>");
    refused("<a b='<'/>", Code::XmlMalformed, 0, "<a b='&lt;>'/>");
    refused("<a b='1/>", Code::XmlMalformed, 0, "<a b='1\"'/>");
    refused("<a b='&nbsp;'/>", Code::XmlMalformed, 0, "<a b='&amp;'/>");
    refused("<a b='&#1;'/>", Code::XmlMalformed, 0, "<a b='&#9;'/>");
    refused("<a b='\u{1}'/>", Code::XmlMalformed, 0, "<a b='\t'/>");
    // Two prefixes for one namespace: the same expanded name twice.
    refused(
        "<a xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>",
        Code::XmlMalformed,
        0,
        "<a xmlns:p='u' xmlns:q='v' p:x='1' q:x='2'/>",
    );
    refused(
        "<a xmlns:p='u' xmlns:p='v'/>",
        Code::XmlMalformed,
        0,
        "<a xmlns:p='u' xmlns='v'/>",
    );
}

#[test]
fn attribute_values_are_normalised() {
    let t = run("<a b='x\r\ny\tz&#10;&lt;' c=\"'\"/>").unwrap_or_default();
    assert_eq!(t, ["<a/b=x y z\n<,c='>"]);
}

#[test]
fn namespace_declarations() {
    refused(
        "<a xmlns:xml='u'/>",
        Code::XmlMalformed,
        0,
        "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
    );
    refused(
        "<a xmlns:xmlns='u'/>",
        Code::XmlMalformed,
        0,
        "<a xmlns:x='u'/>",
    );
    refused(
        "<a xmlns:p='http://www.w3.org/2000/xmlns/'/>",
        Code::XmlMalformed,
        0,
        "<a xmlns:p='http://www.w3.org/2000/xmlns'/>",
    );
    let many: String = (0..=super::tokens::MAX_BINDINGS)
        .map(|i| format!(" xmlns:p{i}='u'"))
        .collect();
    let fewer: String = (1..=super::tokens::MAX_BINDINGS)
        .map(|i| format!(" xmlns:p{i}='u'"))
        .collect();
    refused(
        &format!("<a{many}/>"),
        Code::XmlMalformed,
        0,
        &format!("<a{fewer}/>"),
    );
}

#[test]
fn scopes_end_after_the_next_token() {
    let text = "<a xmlns='d' xmlns:p='u'><b xmlns:p='v' xmlns=''/><p:c/></a>";
    let mut t = Tokenizer::new(text);
    let mut seen = Vec::new();
    while let Ok(ev) = t.next() {
        match ev {
            Event::Eof => break,
            Event::Start { .. } | Event::End { .. } => {
                let owned = |r: Resolved<'_>| match r {
                    Resolved::Bound(n) => Ok(n.to_string()),
                    _ => Err(()),
                };
                seen.push((
                    owned(t.resolve(Some("p"), true)),
                    owned(t.resolve(None, true)),
                ));
            }
            Event::Text { .. } => {}
        }
    }
    let b = |s: &str| Ok::<String, ()>(s.to_string());
    assert_eq!(
        seen,
        [
            (b("u"), b("d")),
            (b("v"), Err(())),
            (b("u"), b("d")),
            // The end tag of `a`: its scope is still there until the next token.
            (b("u"), b("d")),
        ]
    );
    use Resolved::*;
    assert_eq!(t.resolve(Some("p"), true), Unknown("p"));
    assert_eq!(t.resolve(Some("xml"), false), Bound(super::tokens::NS_XML));
}

#[test]
fn references() {
    refused("<a>x&nbsp;</a>", Code::XmlMalformed, 4, "<a>x&amp;</a>");
    refused("<a>&#0;</a>", Code::XmlMalformed, 3, "<a>&#48;</a>");
    refused("<a>&#xD800;</a>", Code::XmlMalformed, 3, "<a>&#xD7FF;</a>");
    refused(
        "<a>&#x110000;</a>",
        Code::XmlMalformed,
        3,
        "<a>&#x10FFFF;</a>",
    );
    refused("<a>&#X41;</a>", Code::XmlMalformed, 3, "<a>&#x41;</a>");
    refused("<a>&#xFFFE;</a>", Code::XmlMalformed, 3, "<a>&#xFFFD;</a>");
    refused("<a>&#-1;</a>", Code::XmlMalformed, 3, "<a>&#1234;</a>");
    refused("<a>&amp</a>", Code::XmlMalformed, 3, "<a>&amp;</a>");
    refused(
        "<a>&a&amp;</a>",
        Code::XmlMalformed,
        3,
        "<a>&apos;&quot;</a>",
    );
    assert_eq!(
        run("<a>&lt;&#x41;&#66;\r\n&gt;</a>").unwrap_or_default(),
        ["<a>", "\"<AB\n>\"", "</>"]
    );
}

#[test]
fn characters() {
    refused("<a>ok\u{1}</a>", Code::XmlMalformed, 3, "<a>ok\t</a>");
    refused(
        "<a>\u{FFFE}</a>",
        Code::XmlMalformed,
        3,
        "<a>\u{FFFD}\u{EFFF}</a>",
    );
    refused("<a>x]]>y</a>", Code::XmlMalformed, 4, "<a>x]]y]></a>");
    refused(
        "<a><!-- \u{1} --></a>",
        Code::XmlMalformed,
        3,
        "<a><!-- \t --></a>",
    );
}

#[test]
fn cdata() {
    refused(
        "<a><![CDATA[x</a>",
        Code::XmlMalformed,
        3,
        "<a><![CDATA[x]]></a>",
    );
    refused(
        "<a><![cdata[x]]></a>",
        Code::XmlMalformed,
        3,
        "<a><![CDATA[<&]]></a>",
    );
    assert_eq!(
        run("<a>1<![CDATA[<&\r]]>2</a>").unwrap_or_default(),
        ["<a>", "\"1<&\n2\"", "</>"]
    );
}

#[test]
fn comments() {
    refused(
        "<a><!-- a -- b --></a>",
        Code::XmlMalformed,
        10,
        "<a><!-- a - b --></a>",
    );
    refused(
        "<a><!-- a ---></a>",
        Code::XmlMalformed,
        10,
        "<a><!-- a - --></a>",
    );
    refused("<a><!-- a </a>", Code::XmlMalformed, 3, "<a><!----></a>");
    refused("<a><!x></a>", Code::XmlMalformed, 3, "<a><!--x--></a>");
}

#[test]
fn processing_instructions() {
    refused(
        "\n<?xml version='1.0'?><a/>",
        Code::XmlMalformed,
        1,
        "<?xml version='1.0'?><a/>",
    );
    refused(
        "<a><?xml version='1.0'?></a>",
        Code::XmlMalformed,
        3,
        "<a><?xml-stylesheet x?></a>",
    );
    refused(
        "<?XML version='1.0'?><a/>",
        Code::XmlMalformed,
        0,
        "<?xml version='1.0'?>\n<?pi?><a/>",
    );
    refused("<a><? x?></a>", Code::XmlMalformed, 3, "<a><?x ?></a>");
    refused("<a><?x</a>", Code::XmlMalformed, 3, "<a><?x?></a>");
    // After a byte order mark the declaration is still at the start.
    assert!(run("\u{FEFF}<?xml version='1.0'?><a/>").is_ok());
}

#[test]
fn tags() {
    refused("<a><b></a>", Code::XmlMalformed, 6, "<a><b></b></a>");
    refused("<a/></a>", Code::XmlMalformed, 4, "<a/>");
    refused("<a b='1'", Code::XmlMalformed, 0, "<a b='1'>");
    refused("<a></a", Code::XmlMalformed, 3, "<a></a>");
    refused("<a></a x>", Code::XmlMalformed, 3, "<a></a\n>");
    refused("<a / >", Code::XmlMalformed, 0, "<a/>");
    refused("<a>x<", Code::XmlMalformed, 4, "<a>x</a>");
    refused(
        "<!DOCTYPE a><a/>",
        Code::XmlDoctype,
        0,
        "<!--DOCTYPE a--><a/>",
    );
    refused("<!doctype a", Code::XmlDoctype, 0, "<a/>");
}

/// The decoder puts the tokenizer's errors at the element path, line and column.
#[test]
fn the_decoder_reports_lines_and_columns() {
    let text = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n <s:Body>\n  <x a='1' a='2'/>";
    let e = super::decode(text).err();
    let v = e.as_ref().map(|e| e.violation());
    assert_eq!(v.map(|v| v.code), Some(Code::XmlMalformed));
    assert_eq!(v.map(|v| (v.line, v.column)), Some((Some(3), Some(3))));
    assert_eq!(v.map(|v| v.element.as_str()), Some("/Envelope/Body"));
}
