//! The strict, namespace-aware decoder: quick-xml's `NsReader` over the text, recursive
//! descent over the schema, no DOM.

use super::encode::is_xml_char;
use super::DecodeError;
use crate::contract::{
    Kind, Operation, SoapVersion, NS_SERVICES85, NS_SOAP11, NS_SOAP12, NS_XSD, NS_XSI,
};
use crate::model::*;
use crate::text::LineIndex;
use crate::violation::{Code, Violation};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::NsReader;
use std::borrow::Cow;

pub use crate::text::limits::MAX_DEPTH;

type Res<T> = Result<T, DecodeError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Soap(SoapVersion),
    Payload,
    None,
    Other,
}

fn classify(ns: &str) -> Ns {
    match ns {
        NS_SERVICES85 => Ns::Payload,
        NS_SOAP11 => Ns::Soap(SoapVersion::V11),
        NS_SOAP12 => Ns::Soap(SoapVersion::V12),
        _ => Ns::Other,
    }
}

#[derive(Debug)]
struct Elem<'i> {
    local: &'i str,
    ns: Ns,
    pos: usize,
    empty: bool,
    nil: Option<bool>,
    must_understand: bool,
    schema_location: bool,
    /// What valid documents seldom have, kept out of line so an element stays small (it is
    /// moved through a few returns per element).
    rare: Option<Box<Rare>>,
}

#[derive(Debug, Default)]
struct Rare {
    /// The namespace URI when it is neither SOAP nor the payload's (for messages).
    other_ns: Option<String>,
    /// `xsi:type` resolved: (namespace or None when unbound/unknown, local name, as written).
    xsi_type: Option<(Option<String>, String, String)>,
    /// The first attribute that the schema does not allow anywhere.
    bad_attr: Option<String>,
    /// An attribute in a SOAP envelope namespace (allowed on header blocks only).
    soap_attr: Option<String>,
    /// A bad `xsi:nil` value, reported once the element is on the path.
    attr_error: Option<String>,
}

static NO_RARE: Rare = Rare {
    other_ns: None,
    xsi_type: None,
    bad_attr: None,
    soap_attr: None,
    attr_error: None,
};

impl Elem<'_> {
    fn x(&self) -> &Rare {
        self.rare.as_deref().unwrap_or(&NO_RARE)
    }

    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }
}

enum Tok<'i> {
    Start(Elem<'i>),
    End,
    Text { pos: usize, text: Cow<'i, str> },
    Eof,
}

struct Frame<'i> {
    local: &'i str,
    index: u32,
    /// Where this element's children's name counts start in [`Parser::counts`].
    counts_from: usize,
}

pub(crate) struct Parser<'i> {
    text: &'i str,
    reader: NsReader<&'i [u8]>,
    stack: Vec<Frame<'i>>,
    /// Name counts of the children seen so far, of every open element, innermost last
    /// (one vector for the whole document: no allocation per element).
    counts: Vec<(&'i str, u32)>,
    pending: Option<Tok<'i>>,
}

fn is_ws(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

fn trim_ws(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r'])
}

fn append<'i>(acc: &mut Option<Cow<'i, str>>, piece: Cow<'i, str>) {
    match acc {
        None => *acc = Some(piece),
        Some(a) => a.to_mut().push_str(&piece),
    }
}

impl<'i> Parser<'i> {
    pub(crate) fn new(text: &'i str) -> Self {
        let mut reader = NsReader::from_str(text);
        let c = reader.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
        c.expand_empty_elements = false;
        c.trim_text(false);
        Parser {
            text,
            reader,
            stack: Vec::with_capacity(16),
            counts: Vec::with_capacity(64),
            pending: None,
        }
    }

    // --- errors ---

    fn path(&self) -> String {
        let mut p = String::new();
        for f in &self.stack {
            p.push('/');
            p.push_str(f.local);
            if f.index > 1 {
                p.push_str(&format!("[{}]", f.index));
            }
        }
        p
    }

    fn err_path(
        &self,
        code: Code,
        pos: usize,
        path: String,
        msg: impl Into<String>,
    ) -> DecodeError {
        let (line, col) = LineIndex::new(self.text).position(pos);
        DecodeError(Violation::new(code, path, msg).at(Some(line), Some(col)))
    }

    fn err(&self, code: Code, pos: usize, msg: impl Into<String>) -> DecodeError {
        self.err_path(code, pos, self.path(), msg)
    }

    fn malformed(&self, e: quick_xml::Error) -> DecodeError {
        let pos = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
        self.err(Code::XmlMalformed, pos, format!("not well-formed XML: {e}"))
    }

    // --- tokens ---

    fn elem(&self, e: &BytesStart<'_>, pos: usize, empty: bool) -> Res<Elem<'i>> {
        let qlen = e.name().0.len();
        let raw = self.text.get(pos + 1..pos + 1 + qlen).unwrap_or("");
        // After the last colon (a byte scan: names are short).
        let local = match raw.bytes().rposition(|b| b == b':') {
            Some(i) => &raw[i + 1..],
            None => raw,
        };
        let resolver = self.reader.resolver();
        let (res, _) = resolver.resolve_element(e.name());
        let (ns, other_ns) = match res {
            ResolveResult::Bound(n) => {
                let c = classify(n.0);
                (c, (c == Ns::Other).then(|| n.0.to_string()))
            }
            ResolveResult::Unbound => (Ns::None, None),
            ResolveResult::Unknown(p) => {
                return Err(self.err(
                    Code::XmlMalformed,
                    pos,
                    format!("the prefix `{p}` of `{raw}` is not bound to a namespace"),
                ))
            }
        };
        let mut el = Elem {
            local,
            ns,
            pos,
            empty,
            nil: None,
            must_understand: false,
            schema_location: false,
            rare: other_ns.map(|n| {
                Box::new(Rare {
                    other_ns: Some(n),
                    ..Rare::default()
                })
            }),
        };
        for a in e.attributes().with_checks(true) {
            let a = a.map_err(|err| {
                self.err(
                    Code::XmlMalformed,
                    pos,
                    format!("bad attribute on `{raw}`: {err}"),
                )
            })?;
            if a.key.as_namespace_binding().is_some() {
                continue;
            }
            let (res, alocal) = resolver.resolve_attribute(a.key);
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| {
                    self.err(
                        Code::XmlMalformed,
                        pos,
                        format!("bad attribute value on `{raw}`: {err}"),
                    )
                })?;
            let key = a.key.0;
            match res {
                ResolveResult::Bound(n) if n.0 == NS_XSI => match alocal.into_inner() {
                    "nil" => {
                        el.nil = match trim_ws(&value) {
                            "true" | "1" => Some(true),
                            "false" | "0" => Some(false),
                            v => {
                                el.rare().attr_error.get_or_insert_with(|| {
                                    format!("xsi:nil must be true, false, 1 or 0, not `{v}`")
                                });
                                None
                            }
                        }
                    }
                    "type" => {
                        let v = trim_ws(&value);
                        let (tl, tp) = QName(v).decompose();
                        let tns = match resolver.resolve_prefix(tp, true) {
                            ResolveResult::Bound(n) => Some(n.0.to_string()),
                            _ => None,
                        };
                        el.rare().xsi_type =
                            Some((tns, tl.into_inner().to_string(), v.to_string()));
                    }
                    "schemaLocation" | "noNamespaceSchemaLocation" => el.schema_location = true,
                    _ => {
                        el.rare().bad_attr.get_or_insert_with(|| key.to_string());
                    }
                },
                ResolveResult::Bound(n) if n.0 == NS_SOAP11 || n.0 == NS_SOAP12 => {
                    if alocal.into_inner() == "mustUnderstand" {
                        el.must_understand = matches!(trim_ws(&value), "1" | "true");
                    }
                    el.rare().soap_attr.get_or_insert_with(|| key.to_string());
                }
                ResolveResult::Unknown(p) => {
                    return Err(self.err(
                        Code::XmlMalformed,
                        pos,
                        format!("the prefix `{p}` of attribute `{key}` is not bound"),
                    ))
                }
                _ => {
                    el.rare().bad_attr.get_or_insert_with(|| key.to_string());
                }
            }
        }
        Ok(el)
    }

    fn check_chars(&self, s: &str, pos: usize) -> Res<()> {
        // Byte scan first: in UTF-8 the only characters XML 1.0 forbids are C0 controls
        // (one byte each) and U+FFFE / U+FFFF (lead byte 0xEF); text without such bytes
        // is fine as it stands.
        let suspect = s
            .bytes()
            .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
        if !suspect {
            return Ok(());
        }
        match s.chars().find(|c| !is_xml_char(*c)) {
            None => Ok(()),
            Some(c) => Err(self.err(
                Code::XmlMalformed,
                pos,
                format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c)),
            )),
        }
    }

    /// The next token: adjacent text, CDATA and references merged (comments and PIs
    /// skipped, also between text pieces).
    fn next(&mut self) -> Res<Tok<'i>> {
        if let Some(t) = self.pending.take() {
            return Ok(t);
        }
        let mut acc: Option<Cow<'i, str>> = None;
        let mut text_pos = 0;
        loop {
            let pos = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
            let ev = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => return Err(self.malformed(e)),
            };
            let tok = match ev {
                Event::Start(e) => Tok::Start(self.elem(&e, pos, false)?),
                Event::Empty(e) => Tok::Start(self.elem(&e, pos, true)?),
                Event::End(_) => Tok::End,
                Event::Eof => Tok::Eof,
                Event::Text(t) => {
                    let s = t.xml10_content();
                    self.check_chars(&s, pos)?;
                    if acc.is_none() {
                        text_pos = pos;
                    }
                    append(&mut acc, s);
                    continue;
                }
                Event::CData(t) => {
                    let s = t.xml10_content();
                    self.check_chars(&s, pos)?;
                    if acc.is_none() {
                        text_pos = pos;
                    }
                    append(&mut acc, s);
                    continue;
                }
                Event::GeneralRef(r) => {
                    let s: &'static str = match &*r {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "apos" => "'",
                        "quot" => "\"",
                        _ if r.is_char_ref() => {
                            let c = match r.resolve_char_ref() {
                                Ok(Some(c)) if is_xml_char(c) => c,
                                _ => {
                                    return Err(self.err(
                                        Code::XmlMalformed,
                                        pos,
                                        format!("`&{};` is not a legal character reference", &*r),
                                    ))
                                }
                            };
                            if acc.is_none() {
                                text_pos = pos;
                            }
                            let a = acc.get_or_insert_with(|| Cow::Owned(String::new()));
                            a.to_mut().push(c);
                            continue;
                        }
                        other => {
                            return Err(self.err(
                                Code::XmlMalformed,
                                pos,
                                format!("undeclared entity `&{other};`"),
                            ))
                        }
                    };
                    if acc.is_none() {
                        text_pos = pos;
                    }
                    append(&mut acc, Cow::Borrowed(s));
                    continue;
                }
                Event::DocType(_) => {
                    return Err(self.err(
                        Code::XmlDoctype,
                        pos,
                        "a DOCTYPE declaration is not allowed in a SOAP message",
                    ))
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
            };
            return Ok(match acc {
                Some(text) => {
                    self.pending = Some(tok);
                    Tok::Text {
                        pos: text_pos,
                        text,
                    }
                }
                None => tok,
            });
        }
    }

    fn push(&mut self, e: &Elem<'i>) -> Res<()> {
        let index = match self.stack.last() {
            Some(parent) => {
                let siblings = &mut self.counts[parent.counts_from..];
                match siblings.iter_mut().rev().find(|(n, _)| *n == e.local) {
                    Some((_, c)) => {
                        *c += 1;
                        *c
                    }
                    None => {
                        self.counts.push((e.local, 1));
                        1
                    }
                }
            }
            None => 1,
        };
        self.stack.push(Frame {
            local: e.local,
            index,
            counts_from: self.counts.len(),
        });
        if self.stack.len() > MAX_DEPTH {
            return Err(self.err(
                Code::XmlLimit,
                e.pos,
                format!("elements nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        if let Some(m) = &e.x().attr_error {
            return Err(self.err(Code::XsdValue, e.pos, m.clone()));
        }
        if e.schema_location {
            return Err(self.err(
                Code::XsdSchemaLocation,
                e.pos,
                "xsi:schemaLocation / xsi:noNamespaceSchemaLocation hints are not followed",
            ));
        }
        Ok(())
    }

    fn pop(&mut self) {
        if let Some(f) = self.stack.pop() {
            self.counts.truncate(f.counts_from);
        }
    }

    fn unexpected_eof(&self) -> DecodeError {
        self.err(
            Code::XmlMalformed,
            self.text.len(),
            "the document ends inside an element",
        )
    }

    /// The next child element of `parent` (pushed on the path), or `None` at its end (not
    /// popped: the caller pops). Whitespace between elements is skipped; other text is an
    /// error.
    fn next_child(&mut self, parent: &Elem<'i>) -> Res<Option<Elem<'i>>> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            match self.next()? {
                Tok::Start(e) => {
                    self.push(&e)?;
                    return Ok(Some(e));
                }
                Tok::End => return Ok(None),
                Tok::Text { pos, text } => {
                    if !is_ws(&text) {
                        let lead = self.text.get(pos..).map_or(0, |t| {
                            t.bytes()
                                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                                .count()
                        });
                        return Err(self.err(
                            Code::XsdText,
                            pos + lead,
                            format!(
                                "text `{}` where `{}` allows only elements",
                                excerpt(&text),
                                parent.local
                            ),
                        ));
                    }
                }
                Tok::Eof => return Err(self.unexpected_eof()),
            }
        }
    }

    /// Text content of a simple-typed element (not popped).
    fn simple(&mut self, e: &Elem<'i>) -> Res<Cow<'i, str>> {
        if e.empty {
            return Ok(Cow::Borrowed(""));
        }
        let mut acc = None;
        loop {
            match self.next()? {
                Tok::Text { text, .. } => append(&mut acc, text),
                Tok::End => return Ok(acc.unwrap_or(Cow::Borrowed(""))),
                Tok::Start(c) => {
                    return Err(self.err(
                        Code::XsdUnexpected,
                        c.pos,
                        format!(
                            "element `{}` inside `{}`, whose type allows only text",
                            c.local, e.local
                        ),
                    ))
                }
                Tok::Eof => return Err(self.unexpected_eof()),
            }
        }
    }

    /// An element whose type has empty content: not even whitespace is allowed.
    fn empty_content(&mut self, e: &Elem<'i>) -> Res<()> {
        if e.empty {
            return Ok(());
        }
        match self.next()? {
            Tok::End => Ok(()),
            Tok::Text { pos, .. } => Err(self.err(
                Code::XsdText,
                pos,
                format!(
                    "`{}` has empty content: not even whitespace is allowed",
                    e.local
                ),
            )),
            Tok::Start(c) => {
                self.push(&c)?;
                Err(self.err(
                    Code::XsdUnexpected,
                    c.pos,
                    format!("`{}` allows no child elements", e.local),
                ))
            }
            Tok::Eof => Err(self.unexpected_eof()),
        }
    }

    /// Skips a subtree (a foreign header block) and pops it.
    fn skip(&mut self, e: &Elem<'i>) -> Res<()> {
        if !e.empty {
            let mut depth = 1usize;
            while depth > 0 {
                match self.next()? {
                    Tok::Start(c) if !c.empty => depth += 1,
                    Tok::End => depth -= 1,
                    Tok::Eof => return Err(self.unexpected_eof()),
                    _ => {}
                }
            }
        }
        self.pop();
        Ok(())
    }

    // --- schema checks ---

    /// Attribute, `xsi:type` and `xsi:nil` checks of a payload element. Returns true when
    /// the element is nil (its (empty) content consumed and the element popped).
    fn begin(
        &mut self,
        e: &Elem<'i>,
        nillable: bool,
        ty: Option<(&str, &str)>,
        top: bool,
    ) -> Res<bool> {
        if let Some(a) = &e.x().bad_attr {
            return Err(self.err(
                Code::XsdAttribute,
                e.pos,
                format!("attribute `{a}` is not allowed on `{}`", e.local),
            ));
        }
        if let (false, Some(a)) = (top, &e.x().soap_attr) {
            return Err(self.err(
                Code::XsdAttribute,
                e.pos,
                format!(
                    "attribute `{a}` is allowed on header blocks only, not on `{}`",
                    e.local
                ),
            ));
        }
        if let Some((tns, tlocal, written)) = &e.x().xsi_type {
            let ok = matches!(ty, Some((ns, l)) if tns.as_deref() == Some(ns) && tlocal == l);
            if !ok {
                let expected = match ty {
                    Some((ns, l)) => format!("{{{ns}}}{l}"),
                    None => "no xsi:type (its type is anonymous)".to_string(),
                };
                let got = match tns {
                    Some(ns) => format!("{{{ns}}}{tlocal}"),
                    None => format!("`{written}` (prefix not bound)"),
                };
                return Err(self.err(
                    Code::XsdType,
                    e.pos,
                    format!(
                        "xsi:type {got} contradicts the declared type of `{}`: expected {expected}",
                        e.local
                    ),
                ));
            }
        }
        if e.nil != Some(true) {
            return Ok(false);
        }
        if !nillable {
            return Err(self.err(
                Code::XsdNil,
                e.pos,
                format!("`{}` is not nillable", e.local),
            ));
        }
        if !e.empty {
            match self.next()? {
                Tok::End => {}
                Tok::Eof => return Err(self.unexpected_eof()),
                _ => {
                    return Err(self.err(
                        Code::XsdNilContent,
                        e.pos,
                        format!("`{}` is xsi:nil but has content", e.local),
                    ))
                }
            }
        }
        self.pop();
        Ok(true)
    }

    /// The index of a child in a sequence, enforcing order (each member at most once).
    fn seq(
        &self,
        c: &Elem<'i>,
        members: &[&str],
        last: &mut Option<usize>,
        parent: &str,
    ) -> Res<usize> {
        // Members of a valid document come in order: look after the last one first.
        let from = last.map_or(0, |l| l + 1).min(members.len());
        let found = members[from..]
            .iter()
            .position(|m| *m == c.local)
            .map(|i| i + from)
            .or_else(|| members[..from].iter().position(|m| *m == c.local));
        let Some(i) = found else {
            return Err(self.err(
                Code::XsdUnexpected,
                c.pos,
                format!(
                    "`{}` is not a member of `{parent}` (expected one of: {})",
                    c.local,
                    members.join(", ")
                ),
            ));
        };
        if c.ns != Ns::Payload {
            return Err(self.wrong_ns(c));
        }
        if let Some(l) = *last {
            if i <= l {
                let why = if i == l {
                    format!("`{}` appears twice", c.local)
                } else {
                    format!("`{}` must come before `{}`", c.local, members[l])
                };
                return Err(self.err(
                    Code::XsdOrder,
                    c.pos,
                    format!("{why} (schema order of `{parent}`)"),
                ));
            }
        }
        *last = Some(i);
        Ok(i)
    }

    fn wrong_ns(&self, c: &Elem<'i>) -> DecodeError {
        let ns = match (c.ns, &c.x().other_ns) {
            (Ns::None, _) => "no namespace".to_string(),
            (Ns::Soap(v), _) => format!("the SOAP {v} namespace"),
            (_, Some(n)) => format!("namespace `{n}`"),
            _ => "another namespace".to_string(),
        };
        self.err(
            Code::XsdNamespace,
            c.pos,
            format!("`{}` is in {ns}, expected `{NS_SERVICES85}`", c.local),
        )
    }

    fn value<T>(
        &mut self,
        c: &Elem<'i>,
        nillable: bool,
        ty: &str,
        parse: impl FnOnce(&str) -> Result<T, (Code, String)>,
    ) -> Res<Option<T>> {
        if self.begin(c, nillable, Some((NS_XSD, ty)), false)? {
            return Ok(None);
        }
        self.typed(c, parse).map(Some)
    }

    fn typed<T>(
        &mut self,
        c: &Elem<'i>,
        parse: impl FnOnce(&str) -> Result<T, (Code, String)>,
    ) -> Res<T> {
        let s = self.simple(c)?;
        let v = parse(&s).map_err(|(code, m)| self.err(code, c.pos, m))?;
        self.pop();
        Ok(v)
    }

    fn int<N: std::str::FromStr>(&mut self, c: &Elem<'i>, ty: &'static str) -> Res<N> {
        let v = self.value(c, false, ty, |s| {
            trim_ws(s).parse::<N>().map_err(|_| {
                (
                    Code::XsdValue,
                    format!(
                        "`{}` is not a valid xs:{ty} (integer lexeme in range)",
                        excerpt(s)
                    ),
                )
            })
        })?;
        v.ok_or_else(|| self.err(Code::XsdNil, c.pos, "unreachable: nil on non-nillable"))
    }

    fn boolean(&mut self, c: &Elem<'i>, top: bool) -> Res<bool> {
        if self.begin(c, false, Some((NS_XSD, "boolean")), top)? {
            return Err(self.err(Code::XsdNil, c.pos, "not nillable"));
        }
        self.typed(c, |s| match trim_ws(s) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err((
                Code::XsdValue,
                format!(
                    "`{}` is not a valid xs:boolean (true, false, 1, 0)",
                    excerpt(s)
                ),
            )),
        })
    }

    fn date(&mut self, c: &Elem<'i>) -> Res<XsdDateTime> {
        let v = self.value(c, false, "dateTime", |s| {
            trim_ws(s)
                .parse::<XsdDateTime>()
                .map_err(|e| (Code::XsdValue, e.to_string()))
        })?;
        v.ok_or_else(|| self.err(Code::XsdNil, c.pos, "not nillable"))
    }

    fn string(&mut self, c: &Elem<'i>, top: bool) -> Res<Nillable<String>> {
        if self.begin(c, true, Some((NS_XSD, "string")), top)? {
            return Ok(Nillable::Nil);
        }
        let s = self.simple(c)?.into_owned();
        self.pop();
        Ok(Nillable::Value(s))
    }

    fn required_string(&mut self, c: &Elem<'i>) -> Res<Option<String>> {
        Ok(match self.string(c, false)? {
            Nillable::Value(s) => Some(s),
            _ => None,
        })
    }

    fn complex<T>(
        &mut self,
        c: &Elem<'i>,
        ty: &str,
        top: bool,
        f: impl FnOnce(&mut Self, &Elem<'i>) -> Res<T>,
    ) -> Res<Nillable<T>> {
        if self.begin(c, true, Some((NS_SERVICES85, ty)), top)? {
            return Ok(Nillable::Nil);
        }
        let v = f(self, c)?;
        self.pop();
        Ok(Nillable::Value(v))
    }

    fn mask<M: std::str::FromStr<Err = MaskError>>(&mut self, c: &Elem<'i>, ty: &str) -> Res<M> {
        if self.begin(c, false, Some((NS_SERVICES85, ty)), false)? {
            return Err(self.err(Code::XsdNil, c.pos, "not nillable"));
        }
        self.typed(c, |s| {
            s.parse::<M>().map_err(|e| (Code::XsdList, e.to_string()))
        })
    }

    // --- payload types (called with the element pushed; they do not pop) ---

    fn rights<M: std::str::FromStr<Err = MaskError>>(
        &mut self,
        e: &Elem<'i>,
        parent: &str,
        mask_ty: &str,
    ) -> Res<(Option<M>, Nillable<String>)> {
        let (mut mask, mut reason) = (None, Nillable::Absent);
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            match self.seq(&c, &["Mask", "Reason"], &mut last, parent)? {
                0 => mask = Some(self.mask::<M>(&c, mask_ty)?),
                _ => reason = self.string(&c, false)?,
            }
        }
        Ok((mask, reason))
    }

    fn table_right(&mut self, e: &Elem<'i>) -> Res<TableRight> {
        let (mask, reason) = self.rights(e, "TableRight", "ETableRight")?;
        Ok(TableRight { mask, reason })
    }

    fn field_right(&mut self, e: &Elem<'i>) -> Res<FieldRight> {
        let (mask, reason) = self.rights(e, "FieldRight", "EFieldRight")?;
        Ok(FieldRight { mask, reason })
    }

    fn field_property(&mut self, e: &Elem<'i>) -> Res<FieldProperty> {
        let mut v = FieldProperty::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            match self.seq(
                &c,
                &["FieldRight", "FieldType", "FieldLength"],
                &mut last,
                "FieldProperty",
            )? {
                0 => v.field_right = self.complex(&c, "FieldRight", false, Self::field_right)?,
                1 => v.field_type = self.string(&c, false)?,
                _ => v.field_length = Some(self.int(&c, "int")?),
            }
        }
        Ok(v)
    }

    /// A Key/Value pair element (both required, in order); `value` decodes the Value.
    fn pair<V>(
        &mut self,
        e: &Elem<'i>,
        name: &str,
        mut value: impl FnMut(&mut Self, &Elem<'i>) -> Res<Option<V>>,
    ) -> Res<(Option<String>, Option<V>)> {
        if self.begin(e, false, None, false)? {
            return Err(self.err(Code::XsdNil, e.pos, "not nillable"));
        }
        let mut last = None;
        let (mut key, mut val) = (None, None);
        while let Some(c) = self.next_child(e)? {
            match self.seq(&c, &["Key", "Value"], &mut last, name)? {
                0 => key = Some(self.required_string(&c)?),
                _ => {
                    if key.is_none() {
                        return Err(self.err(
                            Code::XsdMissing,
                            c.pos,
                            format!("`Key` is required before `Value` in `{name}`"),
                        ));
                    }
                    val = Some(value(self, &c)?);
                }
            }
        }
        let end = self.text.len().min(e.pos);
        let (Some(k), Some(v)) = (key, val) else {
            let missing = if last.is_none() { "Key" } else { "Value" };
            return Err(self.err(
                Code::XsdMissing,
                end,
                format!("`{name}` lacks its required `{missing}`"),
            ));
        };
        self.pop();
        Ok((k, v))
    }

    fn field_properties(&mut self, e: &Elem<'i>) -> Res<FieldPropertyDictionary> {
        let mut out = Vec::new();
        const PAIR: &str = "FieldPropertyDictionaryKeyValuePair";
        while let Some(c) = self.next_child(e)? {
            // maxOccurs unbounded: every pair is checked on its own.
            let mut last = None;
            self.seq(&c, &[PAIR], &mut last, "FieldPropertyDictionary")?;
            let (key, value) = self.pair(&c, PAIR, |p, v| {
                Ok(
                    match p.complex(v, "FieldProperty", false, Self::field_property)? {
                        Nillable::Value(fp) => Some(fp),
                        _ => None,
                    },
                )
            })?;
            out.push(FieldPropertyEntry { key, value });
        }
        Ok(FieldPropertyDictionary(out))
    }

    fn key_values(&mut self, e: &Elem<'i>, pair: &str, parent: &str) -> Res<Vec<KeyValue>> {
        let mut out = Vec::new();
        while let Some(c) = self.next_child(e)? {
            let mut last = None;
            self.seq(&c, &[pair], &mut last, parent)?;
            let (key, value) = self.pair(&c, pair, |p, v| p.required_string(v))?;
            out.push(KeyValue { key, value });
        }
        Ok(out)
    }

    fn entity(&mut self, e: &Elem<'i>) -> Res<ContactRelationEntity> {
        const M: &[&str] = &[
            "TableRight",
            "FieldProperties",
            "SourceContactId",
            "SourcePersonId",
            "DestinationContactId",
            "DestinationPersonId",
            "RelationId",
            "Comment",
            "RelationDefinitionId",
            "Reversed",
            "UpdatedDate",
            "CreatedDate",
            "CreatedBy",
            "UpdatedBy",
            "SourceContactName",
            "SourcePersonName",
            "DestinationContactName",
            "DestinationPersonName",
            "ActiveText",
            "PassiveText",
        ];
        let mut v = ContactRelationEntity::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            match self.seq(&c, M, &mut last, "ContactRelationEntity")? {
                0 => v.table_right = self.complex(&c, "TableRight", false, Self::table_right)?,
                1 => {
                    v.field_properties =
                        self.complex(&c, "FieldPropertyDictionary", false, Self::field_properties)?
                }
                2 => v.source_contact_id = Some(self.int(&c, "int")?),
                3 => v.source_person_id = Some(self.int(&c, "int")?),
                4 => v.destination_contact_id = Some(self.int(&c, "int")?),
                5 => v.destination_person_id = Some(self.int(&c, "int")?),
                6 => v.relation_id = Some(self.int(&c, "int")?),
                7 => v.comment = self.string(&c, false)?,
                8 => v.relation_definition_id = Some(self.int(&c, "int")?),
                9 => v.reversed = Some(self.int(&c, "short")?),
                10 => v.updated_date = Some(self.date(&c)?),
                11 => v.created_date = Some(self.date(&c)?),
                12 => v.created_by = self.complex(&c, "Associate", false, Self::associate)?,
                13 => v.updated_by = self.complex(&c, "Associate", false, Self::associate)?,
                14 => v.source_contact_name = self.string(&c, false)?,
                15 => v.source_person_name = self.string(&c, false)?,
                16 => v.destination_contact_name = self.string(&c, false)?,
                17 => v.destination_person_name = self.string(&c, false)?,
                18 => v.active_text = self.string(&c, false)?,
                _ => v.passive_text = self.string(&c, false)?,
            }
        }
        Ok(v)
    }

    fn associate(&mut self, e: &Elem<'i>) -> Res<Associate> {
        const M: &[&str] = &[
            "TableRight",
            "FieldProperties",
            "AssociateId",
            "Name",
            "PersonId",
            "Rank",
            "Tooltip",
            "Type",
            "GroupIdx",
            "FullName",
            "FormalName",
            "Deleted",
            "EjUserId",
        ];
        let mut v = Associate::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            match self.seq(&c, M, &mut last, "Associate")? {
                0 => v.table_right = self.complex(&c, "TableRight", false, Self::table_right)?,
                1 => {
                    v.field_properties =
                        self.complex(&c, "FieldPropertyDictionary", false, Self::field_properties)?
                }
                2 => v.associate_id = Some(self.int(&c, "int")?),
                3 => v.name = self.string(&c, false)?,
                4 => v.person_id = Some(self.int(&c, "int")?),
                5 => v.rank = Some(self.int(&c, "short")?),
                6 => v.tooltip = self.string(&c, false)?,
                7 => {
                    if self.begin(&c, false, Some((NS_SERVICES85, "UserType")), false)? {
                        return Err(self.err(Code::XsdNil, c.pos, "not nillable"));
                    }
                    v.user_type = Some(self.typed(&c, |s| {
                        s.parse::<UserType>().map_err(|_| {
                            (Code::XsdEnum, format!("`{}` is not a UserType (Unknown, InternalAssociate, ResourceAssociate, ExternalAssociate, AnonymousAssociate, SystemAssociate)", excerpt(s)))
                        })
                    })?);
                }
                8 => v.group_idx = Some(self.int(&c, "int")?),
                9 => v.full_name = self.string(&c, false)?,
                10 => v.formal_name = self.string(&c, false)?,
                11 => v.deleted = Some(self.boolean(&c, false)?),
                _ => v.ej_user_id = Some(self.int(&c, "int")?),
            }
        }
        Ok(v)
    }

    fn time_zone(&mut self, e: &Elem<'i>) -> Res<SoTimeZone> {
        let mut v = SoTimeZone::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            match self.seq(
                &c,
                &["SoTimeZoneId", "SoTimeZoneLocationCode"],
                &mut last,
                "SoTimeZone",
            )? {
                0 => v.so_time_zone_id = Some(self.int(&c, "int")?),
                _ => v.so_time_zone_location_code = self.string(&c, false)?,
            }
        }
        Ok(v)
    }

    fn credentials(&mut self, e: &Elem<'i>) -> Res<SoCredentials> {
        let mut v = SoCredentials::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            self.seq(&c, &["Ticket"], &mut last, "SoCredentials")?;
            v.ticket = self.string(&c, false)?;
        }
        Ok(v)
    }

    fn exception_info(&mut self, e: &Elem<'i>) -> Res<SoExceptionInfo> {
        const M: &[&str] = &[
            "Message",
            "StackTrace",
            "FriendlyText",
            "ExceptionType",
            "Source",
            "InnerException",
            "Parameters",
        ];
        let mut v = SoExceptionInfo::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            match self.seq(&c, M, &mut last, "SoExceptionInfo")? {
                0 => v.message = self.string(&c, false)?,
                1 => v.stack_trace = self.string(&c, false)?,
                2 => v.friendly_text = self.string(&c, false)?,
                3 => v.exception_type = self.string(&c, false)?,
                4 => v.source = self.string(&c, false)?,
                5 => {
                    v.inner_exception = self
                        .complex(&c, "SoExceptionInfo", false, Self::exception_info)?
                        .map(Box::new)
                }
                _ => {
                    v.parameters =
                        self.complex(&c, "SoExceptionInfoParameters", false, |p, e| {
                            p.key_values(
                                e,
                                "SoExceptionInfoParametersKeyValuePair",
                                "SoExceptionInfoParameters",
                            )
                        })?
                }
            }
        }
        Ok(v)
    }

    // --- envelope ---

    fn header_block(&mut self, c: &Elem<'i>, h: &mut HeaderSet<'i>) -> Res<()> {
        let known = crate::contract::REQUEST_HEADERS.contains(&c.local)
            || crate::contract::RESPONSE_HEADERS.contains(&c.local);
        if c.ns != Ns::Payload {
            if known && matches!(c.ns, Ns::None | Ns::Other) {
                return Err(self.wrong_ns(c));
            }
            if c.must_understand {
                return Err(self.err(
                    Code::SoapUnknownHeader,
                    c.pos,
                    format!("header block `{}` is marked mustUnderstand but is not part of the contract", c.local),
                ));
            }
            // A foreign header block that need not be understood: SOAP lets it be ignored.
            return self.skip(c);
        }
        let slot = match c.local {
            "ApplicationToken" => 0,
            "Credentials" => 1,
            "TimeZone" => 2,
            "ExceptionInfo" => 3,
            "ExtraInfo" => 4,
            "Succeeded" => 5,
            other => {
                return Err(self.err(
                    Code::SoapUnknownHeader,
                    c.pos,
                    format!("`{other}` is not a header block the WSDL declares"),
                ))
            }
        };
        if h.seen[slot] {
            return Err(self.err(
                Code::XsdUnexpected,
                c.pos,
                format!("a second `{}` header block", c.local),
            ));
        }
        h.seen[slot] = true;
        if slot <= 1 && h.request_only.is_none() {
            h.request_only = Some((c.pos, self.path(), c.local));
        }
        if (3..=5).contains(&slot) && h.response_only.is_none() {
            h.response_only = Some((c.pos, self.path(), c.local));
        }
        match slot {
            0 => h.request.application_token = self.string(c, true)?,
            1 => {
                h.request.credentials = self.complex(c, "SoCredentials", true, Self::credentials)?
            }
            2 => {
                let tz = self.complex(c, "SoTimeZone", true, Self::time_zone)?;
                h.request.time_zone = tz.clone();
                h.response.time_zone = tz;
            }
            3 => {
                h.response.exception_info =
                    self.complex(c, "SoExceptionInfo", true, Self::exception_info)?
            }
            4 => {
                h.response.extra_info = self
                    .complex(c, "SoExtraInfo", true, |p, e| {
                        p.key_values(e, "ExtraInfoNameValuePair", "SoExtraInfo")
                    })?
                    .map(SoExtraInfo)
            }
            _ => h.response.succeeded = Some(self.boolean(c, true)?),
        }
        Ok(())
    }

    fn entity_member(
        &mut self,
        w: &Elem<'i>,
        member: &'static str,
    ) -> Res<Nillable<ContactRelationEntity>> {
        let mut v = Nillable::Absent;
        let mut last = None;
        while let Some(c) = self.next_child(w)? {
            self.seq(&c, &[member], &mut last, w.local)?;
            v = self.complex(&c, "ContactRelationEntity", false, Self::entity)?;
        }
        Ok(v)
    }

    fn id_member(&mut self, w: &Elem<'i>) -> Res<Option<i32>> {
        let mut v = None;
        let mut last = None;
        while let Some(c) = self.next_child(w)? {
            self.seq(&c, &["ContactRelationEntityId"], &mut last, w.local)?;
            v = Some(self.int(&c, "int")?);
        }
        Ok(v)
    }

    fn wrapper(&mut self, w: &Elem<'i>, op: Operation, kind: Kind) -> Res<Body> {
        self.begin(w, false, None, false)?;
        let body = match (op, kind) {
            (Operation::CreateDefaultContactRelationEntity, Kind::Request) => {
                self.empty_content(w)?;
                Body::Request(RequestBody::CreateDefaultContactRelationEntity)
            }
            (Operation::DeleteContactRelation, Kind::Response) => {
                self.empty_content(w)?;
                Body::Response(ResponseBody::DeleteContactRelation)
            }
            (Operation::GetContactRelationEntity, Kind::Request) => {
                Body::Request(RequestBody::GetContactRelationEntity {
                    contact_relation_entity_id: self.id_member(w)?,
                })
            }
            (Operation::DeleteContactRelation, _) => {
                Body::Request(RequestBody::DeleteContactRelation {
                    contact_relation_entity_id: self.id_member(w)?,
                })
            }
            (Operation::SaveContactRelation, Kind::Request) => {
                Body::Request(RequestBody::SaveContactRelation {
                    contact_relation_entity: self.entity_member(w, "ContactRelationEntity")?,
                })
            }
            (op, _) => {
                let response = self.entity_member(w, "Response")?;
                Body::Response(match op {
                    Operation::CreateDefaultContactRelationEntity => {
                        ResponseBody::CreateDefaultContactRelationEntity { response }
                    }
                    Operation::GetContactRelationEntity => {
                        ResponseBody::GetContactRelationEntity { response }
                    }
                    _ => ResponseBody::SaveContactRelation { response },
                })
            }
        };
        self.pop();
        Ok(body)
    }

    /// A QName in element content, resolved in the element's scope (call right after
    /// `simple`, before the next read).
    fn qname_value(&self, c: &Elem<'i>, s: &str) -> Res<FaultCode> {
        let v = trim_ws(s);
        let (local, prefix) = QName(v).decompose();
        let local = local.into_inner();
        let ok_name = !local.is_empty() && !local.contains(char::is_whitespace);
        let namespace = match self.reader.resolver().resolve_prefix(prefix, true) {
            ResolveResult::Bound(n) => Some(n.0.to_string()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(p) => {
                return Err(self.err(
                    Code::XsdValue,
                    c.pos,
                    format!("the prefix `{p}` of the fault code `{v}` is not bound"),
                ))
            }
        };
        if !ok_name {
            return Err(self.err(
                Code::XsdValue,
                c.pos,
                format!("`{}` is not a QName", excerpt(v)),
            ));
        }
        Ok(FaultCode {
            namespace,
            local: local.to_string(),
        })
    }

    fn fault_text(&mut self, c: &Elem<'i>) -> Res<String> {
        let s = self.simple(c)?.into_owned();
        self.pop();
        Ok(s)
    }

    fn fault_code(&mut self, c: &Elem<'i>) -> Res<FaultCode> {
        let s = self.simple(c)?;
        let code = self.qname_value(c, &s)?;
        self.pop();
        Ok(code)
    }

    fn detail(&mut self, c: &Elem<'i>) -> Res<String> {
        let d = if c.empty {
            String::new()
        } else {
            let qlen = c.local.len();
            let raw_start = c.pos + 1;
            let name = self.text.get(raw_start..).and_then(|t| {
                let end = t.find(|ch: char| ch.is_whitespace() || ch == '>' || ch == '/')?;
                Some(&t[..end])
            });
            let name = name.unwrap_or(c.local);
            debug_assert!(name.len() >= qlen);
            let span = self
                .reader
                .read_to_end(QName(name))
                .map_err(|e| self.malformed(e))?;
            let (a, b) = (
                usize::try_from(span.start).unwrap_or(0),
                usize::try_from(span.end).unwrap_or(0),
            );
            let d = self.text.get(a..b).unwrap_or("");
            self.check_chars(d, a)?;
            d.to_string()
        };
        self.pop();
        Ok(d)
    }

    /// Element of a fault in the expected namespace (`None` = unqualified, SOAP 1.1).
    fn fault_member(
        &self,
        c: &Elem<'i>,
        members: &[&str],
        last: &mut Option<usize>,
        parent: &str,
        ns: Ns,
    ) -> Res<usize> {
        let Some(i) = members.iter().position(|m| *m == c.local) else {
            return Err(self.err(
                Code::XsdUnexpected,
                c.pos,
                format!("`{}` is not allowed in `{parent}`", c.local),
            ));
        };
        if c.ns != ns {
            return Err(self.err(
                Code::XsdNamespace,
                c.pos,
                format!("`{}` is in the wrong namespace for a SOAP fault", c.local),
            ));
        }
        if last.is_some_and(|l| i <= l) {
            return Err(self.err(
                Code::XsdOrder,
                c.pos,
                format!("`{}` is out of order in `{parent}`", c.local),
            ));
        }
        *last = Some(i);
        Ok(i)
    }

    fn fault(&mut self, f: &Elem<'i>, version: SoapVersion) -> Res<Fault> {
        let mut fault = Fault {
            code: FaultCode {
                namespace: None,
                local: String::new(),
            },
            subcode: None,
            reason: String::new(),
            node: None,
            role: None,
            detail: None,
        };
        let mut last = None;
        let env = Ns::Soap(version);
        let (mut has_code, mut has_reason) = (false, false);
        match version {
            SoapVersion::V11 => {
                while let Some(c) = self.next_child(f)? {
                    match self.fault_member(
                        &c,
                        &["faultcode", "faultstring", "faultactor", "detail"],
                        &mut last,
                        "Fault",
                        Ns::None,
                    )? {
                        0 => {
                            fault.code = self.fault_code(&c)?;
                            has_code = true;
                        }
                        1 => {
                            fault.reason = self.fault_text(&c)?;
                            has_reason = true;
                        }
                        2 => fault.role = Some(self.fault_text(&c)?),
                        _ => fault.detail = Some(self.detail(&c)?),
                    }
                }
            }
            SoapVersion::V12 => {
                while let Some(c) = self.next_child(f)? {
                    match self.fault_member(
                        &c,
                        &["Code", "Reason", "Node", "Role", "Detail"],
                        &mut last,
                        "Fault",
                        env,
                    )? {
                        0 => {
                            let (code, sub) = self.code12(&c, env)?;
                            fault.code = code;
                            fault.subcode = sub;
                            has_code = true;
                        }
                        1 => {
                            let mut first = None;
                            while let Some(t) = self.next_child(&c)? {
                                let mut l2 = None;
                                self.fault_member(&t, &["Text"], &mut l2, "Reason", env)?;
                                let s = self.fault_text(&t)?;
                                first.get_or_insert(s);
                            }
                            let Some(s) = first else {
                                return Err(self.err(
                                    Code::XsdMissing,
                                    c.pos,
                                    "`Reason` needs at least one `Text`",
                                ));
                            };
                            self.pop();
                            fault.reason = s;
                            has_reason = true;
                        }
                        2 => fault.node = Some(self.fault_text(&c)?),
                        3 => fault.role = Some(self.fault_text(&c)?),
                        _ => fault.detail = Some(self.detail(&c)?),
                    }
                }
            }
        }
        if !has_code || !has_reason {
            let what = match (version, has_code) {
                (SoapVersion::V11, false) => "faultcode",
                (SoapVersion::V11, true) => "faultstring",
                (SoapVersion::V12, false) => "Code",
                (SoapVersion::V12, true) => "Reason",
            };
            return Err(self.err(
                Code::XsdMissing,
                f.pos,
                format!("the Fault lacks its required `{what}`"),
            ));
        }
        self.pop();
        Ok(fault)
    }

    /// SOAP 1.2 `Code` / `Subcode`: `Value`, then an optional `Subcode`. Returns the value
    /// and the first subcode's value.
    fn code12(&mut self, c: &Elem<'i>, env: Ns) -> Res<(FaultCode, Option<FaultCode>)> {
        let mut last = None;
        let mut value = None;
        let mut sub = None;
        while let Some(x) = self.next_child(c)? {
            match self.fault_member(&x, &["Value", "Subcode"], &mut last, c.local, env)? {
                0 => value = Some(self.fault_code(&x)?),
                _ => {
                    if value.is_none() {
                        return Err(self.err(Code::XsdMissing, x.pos, "`Value` must come first"));
                    }
                    let (v, _) = self.code12(&x, env)?;
                    sub = Some(v);
                }
            }
        }
        let Some(value) = value else {
            return Err(self.err(
                Code::XsdMissing,
                c.pos,
                format!("`{}` lacks its required `Value`", c.local),
            ));
        };
        self.pop();
        Ok((value, sub))
    }
}

enum Body {
    Request(RequestBody),
    Response(ResponseBody),
    Fault(Fault),
}

#[derive(Default)]
struct HeaderSet<'i> {
    request: RequestHeaders,
    response: ResponseHeaders,
    seen: [bool; 6],
    request_only: Option<(usize, String, &'i str)>,
    response_only: Option<(usize, String, &'i str)>,
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// Decodes a whole document.
pub(crate) fn decode(text: &str) -> Res<Message> {
    let mut p = Parser::new(text);
    if text.len() > crate::capture::MAX_DOCUMENT_BYTES {
        return Err(p.err_path(
            Code::XmlLimit,
            0,
            String::new(),
            format!(
                "the document is {} bytes, larger than the {} bytes (8 MiB) the tool reads",
                text.len(),
                crate::capture::MAX_DOCUMENT_BYTES
            ),
        ));
    }
    let root = loop {
        match p.next()? {
            Tok::Start(e) => break e,
            Tok::Text { pos, text } => {
                if !is_ws(&text) {
                    return Err(p.err(Code::XmlMalformed, pos, "text before the root element"));
                }
            }
            Tok::End => {
                return Err(p.err(Code::XmlMalformed, 0, "an end tag before the root element"))
            }
            Tok::Eof => {
                return Err(p.err_path(
                    Code::XmlEmpty,
                    0,
                    String::new(),
                    "the document has no root element",
                ))
            }
        }
    };
    p.push(&root)?;
    let version = match (root.local, root.ns) {
        ("Envelope", Ns::Soap(v)) => v,
        _ => {
            return Err(p.err(
                Code::SoapNotEnvelope,
                root.pos,
                format!(
                    "the root element `{}` is not a SOAP 1.1 or 1.2 Envelope",
                    root.local
                ),
            ))
        }
    };
    let env = Ns::Soap(version);
    let mut headers = HeaderSet::default();
    let mut placement: Option<HeaderPlacement> = None;
    let mut body: Option<Body> = None;
    while let Some(c) = p.next_child(&root)? {
        let soap_name = matches!(c.local, "Header" | "Body") && matches!(c.ns, Ns::Soap(_));
        if soap_name && c.ns != env {
            return Err(p.err(
                Code::SoapVersion,
                c.pos,
                format!(
                    "`{}` of the other SOAP version inside a SOAP {version} Envelope",
                    c.local
                ),
            ));
        }
        if body.is_some() && !(soap_name && c.local == "Body") {
            return Err(p.err(
                Code::SoapEnvelopeContent,
                c.pos,
                format!("`{}` after `Body`", c.local),
            ));
        }
        match (soap_name, c.local) {
            (true, "Header") => {
                if placement.is_some() {
                    let why = if placement == Some(HeaderPlacement::Loose) {
                        "a `Header` after header blocks standing loose under `Envelope`: both placements mixed"
                    } else {
                        "a second `Header`"
                    };
                    return Err(p.err(Code::SoapHeaderPlacement, c.pos, why));
                }
                placement = Some(HeaderPlacement::InHeader);
                while let Some(h) = p.next_child(&c)? {
                    p.header_block(&h, &mut headers)?;
                }
                p.pop();
            }
            (true, _) => {
                if body.is_some() {
                    return Err(p.err(Code::SoapBodyCount, c.pos, "a second `Body`"));
                }
                let Some(w) = p.next_child(&c)? else {
                    return Err(p.err(
                        Code::SoapBodyContent,
                        c.pos,
                        "`Body` is empty: it must hold one operation element or a Fault",
                    ));
                };
                let b = if w.local == "Fault" && w.ns == env {
                    Body::Fault(p.fault(&w, version)?)
                } else if let Some((op, kind)) = Operation::from_wrapper(w.local) {
                    if w.ns != Ns::Payload {
                        return Err(p.wrong_ns(&w));
                    }
                    p.wrapper(&w, op, kind)?
                } else {
                    return Err(p.err(
                        Code::SoapBodyContent,
                        w.pos,
                        format!("`{}` is not an operation of the Relation agent", w.local),
                    ));
                };
                if let Some(extra) = p.next_child(&c)? {
                    return Err(p.err(
                        Code::SoapBodyContent,
                        extra.pos,
                        format!(
                            "a second element `{}` in `Body`: it must hold exactly one",
                            extra.local
                        ),
                    ));
                }
                p.pop();
                body = Some(b);
            }
            _ if c.ns == Ns::Payload => {
                if placement == Some(HeaderPlacement::InHeader) {
                    return Err(p.err(
                        Code::SoapHeaderPlacement,
                        c.pos,
                        format!("header block `{}` loose under `Envelope` besides a `Header`: both placements mixed", c.local),
                    ));
                }
                placement = Some(HeaderPlacement::Loose);
                p.header_block(&c, &mut headers)?;
            }
            _ => {
                return Err(p.err(
                    Code::SoapEnvelopeContent,
                    c.pos,
                    format!("`{}` is not allowed directly under `Envelope`", c.local),
                ));
            }
        }
    }
    let Some(body) = body else {
        return Err(p.err(Code::SoapBodyCount, root.pos, "the Envelope has no `Body`"));
    };
    p.pop();
    loop {
        match p.next()? {
            Tok::Eof => break,
            Tok::Text { pos, text } => {
                if !is_ws(&text) {
                    return Err(p.err(Code::XmlMalformed, pos, "text after the root element"));
                }
            }
            Tok::Start(e) => return Err(p.err(Code::XmlMalformed, e.pos, "a second root element")),
            Tok::End => {
                return Err(p.err(
                    Code::XmlMalformed,
                    text.len(),
                    "an end tag after the root element",
                ))
            }
        }
    }
    let header_placement = placement.unwrap_or_default();
    let misplaced = |p: &Parser<'_>, h: Option<(usize, String, &str)>, kind: &str| {
        h.map(|(pos, path, name)| {
            p.err_path(
                Code::SoapUnknownHeader,
                pos,
                path,
                format!("`{name}` is not a header block of a {kind}"),
            )
        })
    };
    Ok(match body {
        Body::Request(b) => {
            if let Some(e) = misplaced(&p, headers.response_only, "request") {
                return Err(e);
            }
            Message::Request(Envelope {
                version,
                header_placement,
                headers: headers.request,
                body: b,
            })
        }
        Body::Response(b) => {
            if let Some(e) = misplaced(&p, headers.request_only, "response") {
                return Err(e);
            }
            Message::Response(Envelope {
                version,
                header_placement,
                headers: headers.response,
                body: b,
            })
        }
        Body::Fault(f) => {
            if let Some(e) = misplaced(&p, headers.request_only, "fault response") {
                return Err(e);
            }
            Message::Fault(Envelope {
                version,
                header_placement,
                headers: headers.response,
                body: f,
            })
        }
    })
}
