//! The token layer of the decoder: the decoder's own tokenizer ([`super::tokens`]) over the
//! text, elements with their namespace and the attributes the schema cares about, merged
//! text, the element path of every open element and the findings' positions.

use super::super::DecodeError;
use super::tokens::{self, Attr, Event, Resolved, Tokenizer};
use crate::contract::{Contract, SoapVersion, NS_SOAP11, NS_SOAP12, NS_XSI};
use crate::text::lexical::{is_ws, trim};
use crate::text::path::segment;
use crate::text::LineIndex;
use crate::violation::{Code, Violation};
use std::borrow::Cow;

pub use crate::text::limits::MAX_DEPTH;

pub(super) type Res<T> = Result<T, DecodeError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    Soap(SoapVersion),
    Payload,
    None,
    Other,
}

/// The kind of a namespace; a contract version's payload namespace is the payload's only
/// when it is the version `contract` the document is read under.
pub(super) fn classify(ns: &str, contract: Contract) -> Ns {
    match ns {
        NS_SOAP11 => Ns::Soap(SoapVersion::V11),
        NS_SOAP12 => Ns::Soap(SoapVersion::V12),
        _ if ns == contract.namespace() => Ns::Payload,
        _ => Ns::Other,
    }
}

#[derive(Debug)]
pub(super) struct Elem<'i> {
    pub(super) local: &'i str,
    pub(super) ns: Ns,
    pub(super) pos: usize,
    pub(super) empty: bool,
    pub(super) nil: Option<bool>,
    pub(super) must_understand: bool,
    pub(super) schema_location: bool,
    /// What valid documents seldom have, kept out of line so an element stays small (it is
    /// moved through a few returns per element).
    rare: Option<Box<Rare>>,
}

#[derive(Debug, Default)]
pub(super) struct Rare {
    /// The namespace URI when it is neither SOAP nor the payload's (for messages).
    pub(super) other_ns: Option<String>,
    /// `xsi:type` resolved: (namespace or None when unbound/unknown, local name, as written).
    pub(super) xsi_type: Option<(Option<String>, String, String)>,
    /// The first attribute that the schema does not allow anywhere.
    pub(super) bad_attr: Option<String>,
    /// An attribute in a SOAP envelope namespace (allowed on header blocks only).
    pub(super) soap_attr: Option<String>,
    /// A bad `xsi:nil` value, reported once the element is on the path.
    pub(super) attr_error: Option<String>,
}

static NO_RARE: Rare = Rare {
    other_ns: None,
    xsi_type: None,
    bad_attr: None,
    soap_attr: None,
    attr_error: None,
};

impl Elem<'_> {
    pub(super) fn x(&self) -> &Rare {
        self.rare.as_deref().unwrap_or(&NO_RARE)
    }

    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }
}

pub(super) enum Tok<'i> {
    Start(Elem<'i>),
    End,
    Text { pos: usize, text: Cow<'i, str> },
    Eof,
}

/// One open element: its local name, its index among same-named siblings, and where its
/// children's name counts start in [`Parser::counts`].
struct Frame<'i> {
    local: &'i str,
    index: u32,
    counts_from: usize,
}

pub(super) struct Parser<'i> {
    pub(super) text: &'i str,
    pub(super) tok: Tokenizer<'i>,
    /// Every open element, borrowed from the text: no allocation per element. The path
    /// string is written only for a finding, by [`segment`], the one element-path writer
    /// (the counting is [`crate::text::path::PathStack`]'s, which owns its names and so
    /// costs an allocation per element: half again the decoder's time).
    stack: Vec<Frame<'i>>,
    /// Name counts of the children seen so far, of every open element, innermost last
    /// (one vector for the whole document).
    counts: Vec<(&'i str, u32)>,
    pending: Option<Tok<'i>>,
    /// The contract version the document is read under: the one the first payload-version
    /// namespace names (Services85 until one does).
    contract: std::cell::Cell<Option<Contract>>,
    /// Content the decoder passed over without judging it (a skipped foreign header block,
    /// a Fault detail holding elements): the schema's lax wildcards may still judge it, so
    /// the fast engine leaves such a document to libxml2.
    pub(super) opaque: std::cell::Cell<bool>,
}

pub(super) fn append<'i>(acc: &mut Option<Cow<'i, str>>, piece: Cow<'i, str>) {
    match acc {
        None => *acc = Some(piece),
        Some(a) => a.to_mut().push_str(&piece),
    }
}

impl<'i> Parser<'i> {
    /// The contract version the document is read under: the one the first payload-version
    /// namespace names (Services85 until one does).
    pub(super) fn contract(&self) -> Contract {
        self.contract.get().unwrap_or(Contract::Services85)
    }

    pub(super) fn new(text: &'i str) -> Self {
        Parser {
            text,
            tok: Tokenizer::new(text),
            stack: Vec::with_capacity(16),
            counts: Vec::with_capacity(64),
            pending: None,
            contract: std::cell::Cell::new(None),
            opaque: std::cell::Cell::new(false),
        }
    }

    // --- errors ---

    pub(super) fn path(&self) -> String {
        let mut p = String::new();
        for f in &self.stack {
            segment(&mut p, f.local, f.index);
        }
        p
    }

    pub(super) fn err_path(
        &self,
        code: Code,
        pos: usize,
        path: String,
        msg: impl Into<String>,
    ) -> DecodeError {
        let (line, col) = LineIndex::new(self.text).position(pos);
        DecodeError(Violation::new(code, path, msg).at(Some(line), Some(col)))
    }

    pub(super) fn err(&self, code: Code, pos: usize, msg: impl Into<String>) -> DecodeError {
        self.err_path(code, pos, self.path(), msg)
    }

    pub(super) fn malformed(&self, e: tokens::Error) -> DecodeError {
        self.err(e.code, e.pos, e.msg)
    }

    // --- tokens ---

    fn elem(&self, raw: &'i str, pos: usize, empty: bool) -> Res<Elem<'i>> {
        // Names are checked QNames: at most one colon.
        let (prefix, local) = match raw.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, raw),
        };
        let (ns, other_ns) = match self.tok.resolve(prefix, true) {
            Resolved::Bound(n) => {
                if self.contract.get().is_none() {
                    self.contract.set(Contract::from_namespace(n));
                }
                let c = classify(n, self.contract());
                (c, (c == Ns::Other).then(|| n.to_string()))
            }
            Resolved::Unbound => (Ns::None, None),
            Resolved::Unknown(p) => {
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
        for a in self.tok.attrs() {
            self.attribute(&mut el, a)?;
        }
        Ok(el)
    }

    /// The prefixes of the element `raw` at `pos` and of its attributes are bound.
    fn bound(&self, pos: usize, raw: &str) -> Res<()> {
        if let Some((p, _)) = raw.split_once(':') {
            if let Resolved::Unknown(p) = self.tok.resolve(Some(p), true) {
                return Err(self.err(
                    Code::XmlMalformed,
                    pos,
                    format!("the prefix `{p}` of `{raw}` is not bound to a namespace"),
                ));
            }
        }
        for a in self.tok.attrs() {
            if let Resolved::Unknown(p) = self.tok.resolve(a.prefix, false) {
                return Err(self.err(
                    Code::XmlMalformed,
                    pos,
                    format!("the prefix `{p}` of attribute `{}` is not bound", a.name),
                ));
            }
        }
        Ok(())
    }

    /// Records what the schema cares about of one attribute of `el`.
    fn attribute(&self, el: &mut Elem<'i>, a: &Attr<'i>) -> Res<()> {
        let pos = el.pos;
        let value = &a.value;
        let key = a.name;
        match self.tok.resolve(a.prefix, false) {
            Resolved::Bound(NS_XSI) => match a.local {
                "nil" => {
                    el.nil = match trim(value) {
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
                    let v = trim(value);
                    if v.len() != value.len() {
                        // XSD collapses the QName's whitespace; libxml2 2.9 does not, and
                        // refuses it: the fast engine leaves such a document to libxml2.
                        self.opaque.set(true);
                    }
                    let (tp, tl) = match v.split_once(':') {
                        Some((p, l)) => (Some(p), l),
                        None => (None, v),
                    };
                    let tns = match self.tok.resolve(tp, true) {
                        Resolved::Bound(n) => Some(n.to_string()),
                        _ => None,
                    };
                    el.rare().xsi_type = Some((tns, tl.to_string(), v.to_string()));
                }
                "schemaLocation" | "noNamespaceSchemaLocation" => el.schema_location = true,
                _ => {
                    el.rare().bad_attr.get_or_insert_with(|| key.to_string());
                }
            },
            Resolved::Bound(n) if n == NS_SOAP11 || n == NS_SOAP12 => {
                if a.local == "mustUnderstand" {
                    let v = trim(value);
                    el.must_understand = matches!(v, "1" | "true");
                    // SOAP 1.1's is 0 or 1, SOAP 1.2's an xs:boolean (the envelope schemas).
                    let v12 = n == NS_SOAP12;
                    if !(matches!(v, "0" | "1") || v12 && matches!(v, "true" | "false")) {
                        let allowed = if v12 { "true, false, 1 or 0" } else { "0 or 1" };
                        el.rare().attr_error.get_or_insert_with(|| {
                            format!("mustUnderstand must be {allowed}, not `{v}`")
                        });
                    }
                } else {
                    // actor, role, relay, encodingStyle: the envelope schema types them
                    // (xs:anyURI, xs:boolean, a list of URIs); the decoder leaves them to it.
                    self.opaque.set(true);
                }
                el.rare().soap_attr.get_or_insert_with(|| key.to_string());
            }
            Resolved::Unknown(p) => {
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
        Ok(())
    }

    /// The next token: adjacent text, CDATA and references merged (comments and PIs
    /// skipped, also between text pieces; the tokenizer has checked every character).
    pub(super) fn next(&mut self) -> Res<Tok<'i>> {
        if let Some(t) = self.pending.take() {
            return Ok(t);
        }
        let mut acc: Option<Cow<'i, str>> = None;
        let mut text_pos = 0;
        loop {
            let ev = match self.tok.next() {
                Ok(ev) => ev,
                Err(e) => return Err(self.malformed(e)),
            };
            let tok = match ev {
                Event::Start { pos, name, empty } => Tok::Start(self.elem(name, pos, empty)?),
                Event::End { .. } => Tok::End,
                Event::Eof => Tok::Eof,
                Event::Text { pos, text } => {
                    if acc.is_none() {
                        text_pos = pos;
                    }
                    append(&mut acc, text);
                    continue;
                }
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

    /// The raw text of `e`'s content, to its end tag (read and checked, not popped): the
    /// span from after its start tag to the `<` of its end tag. Names inside must have
    /// their prefixes bound but are not classified (a fault's detail is kept as written).
    pub(super) fn raw_content(&mut self, e: &Elem<'i>) -> Res<&'i str> {
        let start = self.tok.position();
        let mut depth = 0usize;
        loop {
            match self.tok.next() {
                Err(err) => return Err(self.malformed(err)),
                Ok(Event::Start { pos, name, empty }) => {
                    self.bound(pos, name)?;
                    depth += usize::from(!empty);
                }
                Ok(Event::End { pos }) => {
                    if depth == 0 {
                        return Ok(self.text.get(start..pos).unwrap_or(""));
                    }
                    depth -= 1;
                }
                Ok(Event::Eof) => {
                    return Err(self.err(
                        Code::XmlMalformed,
                        self.text.len(),
                        format!(
                            "not well-formed XML: ill-formed document: start tag not closed: `</{}>` not found before end of input",
                            e.local
                        ),
                    ))
                }
                Ok(_) => {}
            }
        }
    }

    pub(super) fn push(&mut self, e: &Elem<'i>) -> Res<()> {
        let index = match self.stack.last() {
            Some(parent) => {
                let siblings = &mut self.counts[parent.counts_from..];
                match siblings.iter_mut().find(|(n, _)| *n == e.local) {
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
            return Err(self.err(Code::XmlLimit, e.pos, crate::text::limits::too_deep()));
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

    pub(super) fn pop(&mut self) {
        if let Some(f) = self.stack.pop() {
            self.counts.truncate(f.counts_from);
        }
    }

    pub(super) fn unexpected_eof(&self) -> DecodeError {
        self.err(
            Code::XmlMalformed,
            self.text.len(),
            "the document ends inside an element",
        )
    }

    /// The next child element of `parent` (pushed on the path), or `None` at its end (not
    /// popped: the caller pops). Whitespace between elements is skipped; other text is an
    /// error.
    pub(super) fn next_child(&mut self, parent: &Elem<'i>) -> Res<Option<Elem<'i>>> {
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
    pub(super) fn simple(&mut self, e: &Elem<'i>) -> Res<Cow<'i, str>> {
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
    pub(super) fn empty_content(&mut self, e: &Elem<'i>) -> Res<()> {
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
    pub(super) fn skip(&mut self, e: &Elem<'i>) -> Res<()> {
        self.opaque.set(true);
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
}

/// At most 40 characters of a value, for messages.
pub(super) fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}
