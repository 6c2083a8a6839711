//! The tokenizer against quick-xml's `NsReader`, the token layer the decoder had before:
//! on the property tests' documents, the differential corpus and one-edit mutations of
//! them, both give the same token stream (names, resolved namespaces, attributes with
//! their normalised values, merged text, positions). Where `NsReader` refuses a document,
//! the tokenizer refuses it too, with the same code at the same place or earlier; where
//! only the tokenizer refuses (it checks names, attribute values, `]]>`, where the XML
//! declaration stands and more), libxml2 refuses the document too.

// A test module through and through; the line below also tells tests/layers.rs that what
// follows (the testkit) is no arrow of the library.
#[cfg(test)]
mod differential {
    use super::super::tokens::{Event, Resolved, Tokenizer};
    use crate::text::escape::is_xml_char;
    use crate::violation::Code;
    use proptest::prelude::*;
    use quick_xml::events::Event as QEvent;
    use quick_xml::name::ResolveResult;
    use quick_xml::NsReader;

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Ns {
        Bound(String),
        Unbound,
        Unknown(String),
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Tk {
        Start {
            pos: usize,
            name: String,
            ns: Ns,
            empty: bool,
            attrs: Vec<(String, Ns, String)>,
        },
        End(usize),
        Text(usize, String),
        Eof,
        Err(Code, usize),
    }

    fn ns_of(r: Resolved<'_>) -> Ns {
        match r {
            Resolved::Bound(n) => Ns::Bound(n.into()),
            Resolved::Unbound => Ns::Unbound,
            Resolved::Unknown(p) => Ns::Unknown(p.into()),
        }
    }

    /// A namespace as `NsReader` resolves it, with the declaration's value normalised like any
    /// attribute value (quick-xml's resolver keeps it raw: `\r` or `&amp;` in a namespace
    /// declaration is the one deliberate difference of the token streams).
    fn qns_of(r: ResolveResult<'_>) -> Ns {
        match r {
            ResolveResult::Bound(n) => {
                let a = quick_xml::events::attributes::Attribute {
                    key: quick_xml::name::QName("x"),
                    value: std::borrow::Cow::Borrowed(n.0),
                };
                let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                Ns::Bound(v.map_or_else(|_| n.0.to_string(), |v| v.into_owned()))
            }
            ResolveResult::Unbound => Ns::Unbound,
            ResolveResult::Unknown(p) => Ns::Unknown(p),
        }
    }

    /// Adjacent text pieces as one, at the first one's position.
    fn push(out: &mut Vec<Tk>, t: Tk) {
        if let (Some(Tk::Text(_, acc)), Tk::Text(_, s)) = (out.last_mut(), &t) {
            acc.push_str(s);
            return;
        }
        out.push(t);
    }

    fn ours(text: &str) -> Vec<Tk> {
        let mut t = Tokenizer::new(text);
        let mut out = Vec::new();
        loop {
            let tk = match t.next() {
                Err(e) => Tk::Err(e.code, e.pos),
                Ok(Event::Eof) => Tk::Eof,
                Ok(Event::End { pos }) => Tk::End(pos),
                Ok(Event::Text { pos, text }) => Tk::Text(pos, text.into_owned()),
                Ok(Event::Start { pos, name, empty }) => {
                    let (prefix, _) = name.split_once(':').unzip();
                    let attrs = t
                        .attrs()
                        .iter()
                        .map(|a| {
                            let ns = ns_of(t.resolve(a.prefix, false));
                            (a.name.to_string(), ns, a.value.to_string())
                        })
                        .collect();
                    Tk::Start {
                        pos,
                        name: name.into(),
                        ns: ns_of(t.resolve(prefix, true)),
                        empty,
                        attrs,
                    }
                }
            };
            let end = matches!(tk, Tk::Eof | Tk::Err(..));
            push(&mut out, tk);
            if end {
                return out;
            }
        }
    }

    /// The decoder's token layer as it was: `NsReader` with its configuration, the decoder's
    /// own character checks and reference rules.
    fn theirs(text: &str) -> Vec<Tk> {
        let mut r = NsReader::from_str(text);
        let c = r.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
        c.expand_empty_elements = false;
        c.trim_text(false);
        let mut out = Vec::new();
        let chars = |s: &str, pos: usize| match s.chars().any(|c| !is_xml_char(c)) {
            true => Tk::Err(Code::XmlMalformed, pos),
            false => Tk::Text(pos, s.to_string()),
        };
        loop {
            let pos = usize::try_from(r.buffer_position()).unwrap_or(usize::MAX);
            let tk = match r.read_event() {
                Err(_) => Tk::Err(
                    Code::XmlMalformed,
                    usize::try_from(r.error_position()).unwrap_or(usize::MAX),
                ),
                Ok(QEvent::Start(e)) => start(&r, &e, pos, false),
                Ok(QEvent::Empty(e)) => start(&r, &e, pos, true),
                Ok(QEvent::End(_)) => Tk::End(pos),
                Ok(QEvent::Eof) => Tk::Eof,
                Ok(QEvent::Text(t)) => chars(&t.xml10_content(), pos),
                Ok(QEvent::CData(t)) => chars(&t.xml10_content(), pos),
                Ok(QEvent::GeneralRef(g)) => match super::super::xmlchars::reference(&g) {
                    Ok(s) => Tk::Text(pos, s.into_owned()),
                    Err(_) => Tk::Err(Code::XmlMalformed, pos),
                },
                Ok(QEvent::DocType(_)) => Tk::Err(Code::XmlDoctype, pos),
                Ok(_) => continue,
            };
            let end = matches!(tk, Tk::Eof | Tk::Err(..));
            push(&mut out, tk);
            if end {
                return out;
            }
        }
    }

    fn start(
        r: &NsReader<&[u8]>,
        e: &quick_xml::events::BytesStart<'_>,
        pos: usize,
        empty: bool,
    ) -> Tk {
        let name = e.name().0.to_string();
        let ns = qns_of(r.resolver().resolve_element(e.name()).0);
        let mut attrs = Vec::new();
        for a in e.attributes().with_checks(true) {
            let Ok(a) = a else {
                return Tk::Err(Code::XmlMalformed, pos);
            };
            if a.key.as_namespace_binding().is_some() {
                continue;
            }
            let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
                return Tk::Err(Code::XmlMalformed, pos);
            };
            let ans = qns_of(r.resolver().resolve_attribute(a.key).0);
            attrs.push((a.key.0.to_string(), ans, v.into()));
        }
        Tk::Start {
            pos,
            name,
            ns,
            empty,
            attrs,
        }
    }

    /// Whether the validator refuses the text as XML: libxml2 finds it not well-formed (or
    /// the reading before it refuses it: a declaration that no longer names the encoding the
    /// bytes are in, a DOCTYPE).
    fn libxml2_refuses(text: &str) -> bool {
        let doc = crate::Document::from_bytes("t", text.as_bytes());
        crate::schema::validate(&doc, crate::Profile::Auto)
            .violations
            .iter()
            .any(|v| {
                matches!(
                    v.code,
                    Code::XmlMalformed | Code::XmlDoctype | Code::XmlEncoding
                )
            })
    }

    /// The property: equal streams; or the tokenizer refusing at the same place with the same
    /// code; or it refusing earlier (at an earlier token, or earlier in the same one), and then
    /// libxml2 refuses the document too. Before the tokenizer's error the streams are equal
    /// (the text piece it stopped in may be cut short).
    fn agree(text: &str) -> Result<(), String> {
        let (a, b) = (ours(text), theirs(text));
        if a == b {
            return Ok(());
        }
        let fail = |why: &str| Err(format!("{why}:\n ours:   {a:?}\n theirs: {b:?}\n{text}"));
        let Some((Tk::Err(c1, p1), before)) = a.split_last() else {
            return fail("the tokenizer took what NsReader read otherwise");
        };
        let k = before.len();
        let same_before = before.iter().zip(&b).enumerate().all(|(i, (x, y))| {
            x == y
                || i + 1 == k
                    && matches!((x, y), (Tk::Text(p, s), Tk::Text(q, t)) if p == q && t.starts_with(s.as_str()))
        });
        if !same_before || b.len() < k {
            return fail("other tokens before the tokenizer's error");
        }
        match b.get(k) {
            Some(Tk::Err(c2, p2)) if c1 == c2 && p1 == p2 => Ok(()),
            // quick-xml's position of a bad namespace declaration is stale (earlier).
            Some(Tk::Err(c2, p2)) if p1 > p2 && c1 != c2 => fail("a later error, another code"),
            _ if libxml2_refuses(text) => Ok(()),
            _ => fail("only the tokenizer refuses here, and libxml2 takes the document"),
        }
    }

    /// One-edit mutations at character boundaries: a character dropped, or one of the
    /// characters that matter to markup put in.
    fn mutations(text: &str, at: usize) -> Vec<String> {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let Some(&i) = bounds.get(at % bounds.len().max(1)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let next = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
        out.push(format!("{}{}", &text[..i], &text[next..]));
        for ins in [
            "<",
            ">",
            "&",
            "\"",
            "'",
            "/",
            ":",
            "-",
            "]]>",
            "\r",
            "\u{1}",
            " ",
            "=",
            "!",
            "?",
            "x",
            "&#0;",
            "&#x41;",
            "<!---->",
            "<![CDATA[a]]>",
            "xmlns:q='u' q:a='1' ",
            "\u{FFFE}",
        ] {
            out.push(format!("{}{ins}{}", &text[..i], &text[i..]));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Encoded messages, their contract edits, and one-character edits of those.
        #[test]
        fn the_token_stream_is_nsreaders(m in crate::testkit::message(), seed in 0usize..10_000) {
            let text = crate::codec::encode_to_string(&m).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut docs = vec![text.clone()];
            docs.extend(crate::testkit::edit::breaking(&text).into_iter().map(|b| b.text).take(4));
            docs.extend(crate::testkit::edit::preserving(&text, seed).into_iter().map(|p| p.text).take(4));
            for d in docs.clone() {
                docs.extend(mutations(&d, seed.wrapping_mul(7919)));
            }
            for d in &docs {
                agree(d).map_err(TestCaseError::fail)?;
            }
        }
    }

    /// The differential corpus (markup, headers, faults, encodings: every family) and one
    /// edit at each of a few places of every document.
    #[test]
    fn the_corpus_streams_are_nsreaders() {
        for case in crate::testkit::corpus::corpus(16, 240) {
            let doc = crate::Document::from_bytes(&case.name, &case.bytes);
            let Some(text) = doc.text() else { continue };
            if let Err(e) = agree(text) {
                panic!("{} ({}): {e}", case.name, case.what);
            }
            for at in [0, 17, 101, 733, 2003] {
                for (k, m) in mutations(text, at).iter().enumerate() {
                    if let Err(e) = agree(m) {
                        let v = crate::schema::validate(
                            &crate::Document::from_bytes("t", m.as_bytes()),
                            crate::Profile::Auto,
                        );
                        panic!(
                            "{} ({}), edit {k} at {at}: {e}\n{:?}",
                            case.name, case.what, v.violations
                        );
                    }
                }
            }
        }
    }
}
