//! The decoder's own tokenizer: XML 1.0 with namespaces over `&str` (the text is UTF-8
//! checked once, when it is read), as far as the contract's documents need it.
//!
//! - Markup: start, end and empty-element tags, with names checked against XML's `Name`
//!   production in the namespace form (`NCName` or `NCName:NCName`); attributes quoted,
//!   separated by whitespace, unique (by name as written and by expanded name), without
//!   `<`, and normalised (line ends and whitespace to spaces, references expanded).
//! - Character data: line ends normalised, the five predefined entities and character
//!   references (a reference to a character XML 1.0 forbids is refused), CDATA sections,
//!   `]]>` refused, every character checked. A piece without reference or carriage return
//!   stays borrowed from the text.
//! - Comments (`--` refused inside) and processing instructions are skipped; the XML
//!   declaration is allowed only at the very start. A DOCTYPE is refused with its own code.
//! - End tags must match their start tags.
//! - Namespaces: a stack of the bindings in scope, borrowed from the text where their value
//!   needs no normalisation; names resolve by comparing prefixes, with no allocation per
//!   element. A scope ends when the token after its element's end is read (so a fault
//!   code's prefix resolves after its text is read, as it did under quick-xml's `NsReader`).
//!
//! Every error is at the `<` of the markup it is in (the `&` of a reference, the start of a
//! text piece for a forbidden character), which is where the decoder reported quick-xml's
//! errors; the messages keep quick-xml's words where it had some.

use super::xmlchars::{
    attr_value, bad_char, bad_char_error, is_ws, ncname_end, normalize_eols, reference, skip_ws,
    xml_decl, SPECIAL,
};
use crate::text::escape::is_xml_char;
use crate::violation::Code;
use std::borrow::Cow;

/// The namespace the `xml` prefix is bound to.
pub(super) const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace the `xmlns` prefix is bound to.
pub(super) const NS_XMLNS: &str = "http://www.w3.org/2000/xmlns/";
/// Most namespace bindings in scope at once (quick-xml's default, which the decoder held
/// documents to before it had its own tokenizer): resolving a prefix scans them.
pub(super) const MAX_BINDINGS: usize = 128;

/// A prefix resolved against the bindings in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Resolved<'a> {
    /// Bound to this namespace.
    Bound(&'a str),
    /// No prefix and no default namespace (or none asked for: an attribute).
    Unbound,
    /// A prefix with no binding in scope.
    Unknown(&'a str),
}

/// One attribute of the current start tag (namespace declarations are not among them).
#[derive(Debug)]
pub(super) struct Attr<'i> {
    /// The name as written.
    pub(super) name: &'i str,
    pub(super) prefix: Option<&'i str>,
    pub(super) local: &'i str,
    /// The normalised value.
    pub(super) value: Cow<'i, str>,
}

/// One token. Comments, processing instructions and the XML declaration are not tokens.
#[derive(Debug)]
pub(super) enum Event<'i> {
    /// A start tag (`empty`: `<x/>`) at `pos`; its attributes are [`Tokenizer::attrs`].
    Start {
        pos: usize,
        name: &'i str,
        empty: bool,
    },
    End {
        pos: usize,
    },
    /// One piece of character data: a run of text, a reference or a CDATA section.
    Text {
        pos: usize,
        text: Cow<'i, str>,
    },
    Eof,
}

/// Why the text is not a document, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Error {
    pub(super) code: Code,
    pub(super) pos: usize,
    pub(super) msg: String,
}

pub(super) type TRes<T> = Result<T, Error>;

fn malformed(pos: usize, msg: impl Into<String>) -> Error {
    Error {
        code: Code::XmlMalformed,
        pos,
        msg: format!("not well-formed XML: {}", msg.into()),
    }
}

/// The tokenizer: a position in the text, the open elements' names, the bindings in scope.
pub(super) struct Tokenizer<'i> {
    text: &'i str,
    pos: usize,
    /// Where the document starts (after a byte order mark): the only place for an XML
    /// declaration.
    start: usize,
    /// The names of the open elements, as written (end tags must match them).
    open: Vec<&'i str>,
    /// Bindings in scope, innermost last: (prefix, `""` for the default; namespace, `""`
    /// for a binding undone).
    bindings: Vec<(&'i str, Cow<'i, str>)>,
    /// `bindings.len()` when each open element (and a just-read empty one) started.
    scopes: Vec<usize>,
    /// The scope of the element last ended ends before the next token.
    pop_pending: bool,
    attrs: Vec<Attr<'i>>,
    /// The names of the current tag's attributes, declarations too (for duplicates).
    names: Vec<&'i str>,
    /// Every distinct non-empty namespace name the document declares, up to
    /// [`MAX_NAMESPACES`] (`None` past that): libxml2 refuses one its URI parser does not
    /// read, which the fast engine asks it about (see `pipeline::engine`).
    namespaces: Option<Vec<Cow<'i, str>>>,
}

/// The most distinct namespace names [`Tokenizer::namespaces`] keeps.
const MAX_NAMESPACES: usize = 32;

impl<'i> Tokenizer<'i> {
    pub(super) fn new(text: &'i str) -> Self {
        let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        Tokenizer {
            text,
            pos: start,
            start,
            open: Vec::with_capacity(16),
            bindings: Vec::with_capacity(8),
            scopes: Vec::with_capacity(16),
            pop_pending: false,
            attrs: Vec::with_capacity(4),
            names: Vec::with_capacity(4),
            namespaces: Some(Vec::with_capacity(6)),
        }
    }

    /// Every distinct non-empty namespace name declared, or `None` when there were more
    /// than [`MAX_NAMESPACES`]; taken when the document is read to its end.
    pub(super) fn take_namespaces(&mut self) -> Option<Vec<Cow<'i, str>>> {
        self.namespaces.take()
    }

    /// Where the next token starts.
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// The attributes of the start tag last read.
    pub(super) fn attrs(&self) -> &[Attr<'i>] {
        &self.attrs
    }

    /// Resolves a prefix (`None`: no prefix, the default namespace if `use_default`).
    pub(super) fn resolve<'a>(
        &'a self,
        prefix: Option<&'a str>,
        use_default: bool,
    ) -> Resolved<'a> {
        match prefix {
            None if !use_default => Resolved::Unbound,
            None => match self.bindings.iter().rev().find(|(p, _)| p.is_empty()) {
                Some((_, ns)) if !ns.is_empty() => Resolved::Bound(ns),
                _ => Resolved::Unbound,
            },
            Some("xml") => Resolved::Bound(NS_XML),
            Some("xmlns") => Resolved::Bound(NS_XMLNS),
            Some(p) => match self.bindings.iter().rev().find(|(q, _)| *q == p) {
                Some((_, ns)) if !ns.is_empty() => Resolved::Bound(ns),
                Some((q, _)) => Resolved::Unknown(q),
                None => Resolved::Unknown(p),
            },
        }
    }

    /// The next token.
    pub(super) fn next(&mut self) -> TRes<Event<'i>> {
        if self.pop_pending {
            self.pop_pending = false;
            if let Some(n) = self.scopes.pop() {
                self.bindings.truncate(n);
            }
        }
        let b = self.text.as_bytes();
        loop {
            let at = self.pos;
            let Some(&c) = b.get(at) else {
                return Ok(Event::Eof);
            };
            if c == b'&' {
                return self.reference_piece(at);
            }
            if c != b'<' {
                return self.text_piece(at);
            }
            match b.get(at + 1) {
                Some(b'/') => return self.end_tag(at),
                Some(b'!') => {
                    if let Some(ev) = self.bang(at)? {
                        return Ok(ev);
                    }
                }
                Some(b'?') => self.pi(at)?,
                _ => return self.start_tag(at),
            }
        }
    }

    /// A run of character data from `at` to the next `<` or `&`.
    fn text_piece(&mut self, at: usize) -> TRes<Event<'i>> {
        let b = self.text.as_bytes();
        let mut i = at;
        let mut cr = false;
        while let Some(&c) = b.get(i) {
            if !SPECIAL[c as usize] {
                i += 1;
                continue;
            }
            match c {
                b'<' | b'&' => break,
                b']' => {
                    if b.get(i + 1..i + 3) == Some(b"]>") {
                        return Err(malformed(i, "`]]>` is not allowed in character data"));
                    }
                }
                b'\r' => cr = true,
                0xEF => {
                    let ch = self.text[i..].chars().next().unwrap_or(' ');
                    if !is_xml_char(ch) {
                        return Err(bad_char_error(ch, at));
                    }
                }
                _ => return Err(bad_char_error(char::from(c), at)),
            }
            i += 1;
        }
        self.pos = i;
        let raw = &self.text[at..i];
        let text = if cr {
            Cow::Owned(normalize_eols(raw))
        } else {
            Cow::Borrowed(raw)
        };
        Ok(Event::Text { pos: at, text })
    }

    /// `&name;` at `at`: the text it stands for.
    fn reference_piece(&mut self, at: usize) -> TRes<Event<'i>> {
        let rest = &self.text.as_bytes()[at + 1..];
        let end = rest.iter().position(|&b| matches!(b, b';' | b'<' | b'&'));
        let Some(n) = end.filter(|&n| rest[n] == b';') else {
            return Err(malformed(
                at,
                "ill-formed document: entity or character reference not closed: `;` not found before end of input",
            ));
        };
        let name = &self.text[at + 1..at + 1 + n];
        self.pos = at + n + 2;
        match reference(name) {
            Ok(text) => Ok(Event::Text { pos: at, text }),
            Err(msg) => Err(Error {
                code: Code::XmlMalformed,
                pos: at,
                msg,
            }),
        }
    }

    /// `<!`: a comment (skipped: `None`), a CDATA section, or a refused DOCTYPE.
    fn bang(&mut self, at: usize) -> TRes<Option<Event<'i>>> {
        let rest = &self.text[at..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let Some(n) = body.find("-->") else {
                return Err(malformed(
                    at,
                    "syntax error: comment not closed: `-->` not found before end of input",
                ));
            };
            let content = &body[..n];
            let dashes = content.find("--").or(content.ends_with('-').then(|| n - 1));
            if let Some(d) = dashes {
                return Err(malformed(
                    at + 4 + d,
                    "ill-formed document: forbidden string `--` was found in a comment",
                ));
            }
            if let Some(c) = bad_char(content) {
                return Err(bad_char_error(c, at));
            }
            self.pos = at + 4 + n + 3;
            return Ok(None);
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let Some(n) = body.find("]]>") else {
                return Err(malformed(
                    at,
                    "syntax error: CDATA not closed: `]]>` not found before end of input",
                ));
            };
            let content = &body[..n];
            if let Some(c) = bad_char(content) {
                return Err(bad_char_error(c, at));
            }
            self.pos = at + 9 + n + 3;
            let text = if content.contains('\r') {
                Cow::Owned(normalize_eols(content))
            } else {
                Cow::Borrowed(content)
            };
            return Ok(Some(Event::Text { pos: at, text }));
        }
        if rest
            .get(2..9)
            .is_some_and(|s| s.eq_ignore_ascii_case("DOCTYPE"))
        {
            return Err(Error {
                code: Code::XmlDoctype,
                pos: at,
                msg: "a DOCTYPE declaration is not allowed in a SOAP message".into(),
            });
        }
        Err(malformed(
            at,
            "syntax error: unknown or missed symbol in markup",
        ))
    }

    /// `<?`: a processing instruction or the XML declaration, skipped.
    fn pi(&mut self, at: usize) -> TRes<()> {
        let Some(n) = self.text[at + 2..].find("?>") else {
            return Err(malformed(
                at,
                "syntax error: processing instruction not closed: `?>` not found before end of input",
            ));
        };
        let body = &self.text[at + 2..at + 2 + n];
        let target_end = self.ncname(at + 2).unwrap_or(at + 2) - (at + 2);
        let (target, after) = body.split_at(target_end);
        if target.is_empty() || !(after.is_empty() || is_ws(after.as_bytes()[0])) {
            return Err(malformed(
                at,
                "a processing instruction must start with a name",
            ));
        }
        if target.eq_ignore_ascii_case("xml") && (target != "xml" || at != self.start) {
            return Err(malformed(
                at,
                "the XML declaration is allowed only at the start of the document",
            ));
        }
        if let Some(c) = bad_char(body) {
            return Err(bad_char_error(c, at));
        }
        if target == "xml" {
            // At the start (else refused above): the XML declaration.
            xml_decl(after.as_bytes()).map_err(|why| malformed(at, why))?;
        }
        self.pos = at + 2 + n + 2;
        Ok(())
    }

    /// The end of the `NCName` at `i`, or `None` when none starts there.
    fn ncname(&self, i: usize) -> Option<usize> {
        ncname_end(self.text, i)
    }

    /// A name in the namespace form at `i`: (end, the colon's index).
    fn qname(&self, i: usize) -> Option<(usize, Option<usize>)> {
        let end = self.ncname(i)?;
        if self.text.as_bytes().get(end) != Some(&b':') {
            return Some((end, None));
        }
        let local_end = self.ncname(end + 1)?;
        Some((local_end, Some(end)))
    }

    fn skip_ws(&self, i: usize) -> usize {
        skip_ws(self.text.as_bytes(), i)
    }

    fn unclosed_tag(at: usize) -> Error {
        malformed(
            at,
            "syntax error: tag not closed: `>` not found before end of input",
        )
    }

    fn end_tag(&mut self, at: usize) -> TRes<Event<'i>> {
        let b = self.text.as_bytes();
        // The common case first: the open element's name (checked at its start tag) and `>`.
        if let Some(&open) = self.open.last() {
            let end = at + 2 + open.len();
            if b.get(at + 2..end) == Some(open.as_bytes()) && b.get(end) == Some(&b'>') {
                self.open.pop();
                self.pop_pending = true;
                self.pos = end + 1;
                return Ok(Event::End { pos: at });
            }
        }
        let Some((end, _)) = self.qname(at + 2) else {
            return Err(if b.len() <= at + 2 {
                Self::unclosed_tag(at)
            } else {
                malformed(at, "an end tag must start with a name")
            });
        };
        let name = &self.text[at + 2..end];
        let close = self.skip_ws(end);
        match b.get(close) {
            Some(b'>') => {}
            None => return Err(Self::unclosed_tag(at)),
            Some(_) => {
                return Err(malformed(
                    at,
                    format!("the end tag `</{name}` must end with `>` after its name"),
                ))
            }
        }
        match self.open.last() {
            Some(&open) if open == name => {}
            Some(&open) => {
                return Err(malformed(
                    at,
                    format!("ill-formed document: expected `</{open}>`, but `</{name}>` was found"),
                ))
            }
            None => {
                return Err(malformed(
                    at,
                    format!(
                        "ill-formed document: close tag `</{name}>` does not match any open tag"
                    ),
                ))
            }
        }
        self.open.pop();
        self.pop_pending = true;
        self.pos = close + 1;
        Ok(Event::End { pos: at })
    }

    fn start_tag(&mut self, at: usize) -> TRes<Event<'i>> {
        let b = self.text.as_bytes();
        let Some((name_end, _)) = self.qname(at + 1) else {
            return Err(if b.len() <= at + 1 {
                Self::unclosed_tag(at)
            } else {
                malformed(at, "`<` must be followed by an element name")
            });
        };
        let name = &self.text[at + 1..name_end];
        let mark = self.bindings.len();
        self.attrs.clear();
        let mut raw_names = std::mem::take(&mut self.names);
        raw_names.clear();
        let mut i = name_end;
        let empty = loop {
            let j = self.skip_ws(i);
            match b.get(j) {
                None => return Err(Self::unclosed_tag(at)),
                Some(b'>') => {
                    i = j + 1;
                    break false;
                }
                Some(b'/') => {
                    if b.get(j + 1) == Some(&b'>') {
                        i = j + 2;
                        break true;
                    }
                    return Err(match b.get(j + 1) {
                        None => Self::unclosed_tag(at),
                        Some(_) => malformed(at, format!("`/` inside the tag `{name}`")),
                    });
                }
                Some(_) if j == i => {
                    return Err(malformed(
                        at,
                        format!(
                            "bad attribute on `{name}`: attributes must be separated by whitespace"
                        ),
                    ))
                }
                Some(_) => i = self.attribute(at, name, j, &mut raw_names)?,
            }
        };
        self.names = raw_names;
        self.resolve_attrs(at, name)?;
        self.pos = i;
        self.scopes.push(mark);
        if empty {
            self.pop_pending = true;
        } else {
            self.open.push(name);
        }
        Ok(Event::Start {
            pos: at,
            name,
            empty,
        })
    }

    /// One attribute at `i` of the tag `name` at `at`: its end.
    fn attribute(
        &mut self,
        at: usize,
        name: &'i str,
        i: usize,
        raw_names: &mut Vec<&'i str>,
    ) -> TRes<usize> {
        let b = self.text.as_bytes();
        let bad = |what: String| malformed(at, format!("bad attribute on `{name}`: {what}"));
        let Some((key_end, colon)) = self.qname(i) else {
            return Err(bad("an attribute must start with a name".into()));
        };
        let key = &self.text[i..key_end];
        let eq = self.skip_ws(key_end);
        match b.get(eq) {
            Some(b'=') => {}
            None => return Err(Self::unclosed_tag(at)),
            Some(_) => return Err(bad(format!("`{key}` must be followed by `=`"))),
        }
        let q = self.skip_ws(eq + 1);
        let quote = match b.get(q) {
            Some(&c @ (b'"' | b'\'')) => c,
            None => return Err(Self::unclosed_tag(at)),
            Some(_) => {
                return Err(bad(format!(
                    "the value of `{key}` must be enclosed in `\"` or `'`"
                )))
            }
        };
        let Some(len) = b[q + 1..].iter().position(|&c| c == quote) else {
            return Err(malformed(
                at,
                format!(
                    "syntax error: attribute value not closed: `{}` not found before end of input",
                    quote as char
                ),
            ));
        };
        let raw = &self.text[q + 1..q + 1 + len];
        if raw_names.contains(&key) {
            return Err(bad(format!("duplicated attribute `{key}`")));
        }
        raw_names.push(key);
        let value = attr_value(raw)
            .map_err(|m| malformed(at, format!("bad attribute value on `{name}`: {m}")))?;
        let (prefix, local) = match colon {
            Some(c) => (Some(&self.text[i..c]), &self.text[c + 1..key_end]),
            None => (None, key),
        };
        if key == "xmlns" {
            self.bind(at, "", value)?;
        } else if prefix == Some("xmlns") {
            self.bind(at, local, value)?;
        } else {
            self.attrs.push(Attr {
                name: key,
                prefix,
                local,
                value,
            });
        }
        Ok(q + 1 + len + 1)
    }

    /// A namespace declaration of the tag at `at` (the rules of quick-xml's resolver).
    fn bind(&mut self, at: usize, prefix: &'i str, ns: Cow<'i, str>) -> TRes<()> {
        let refuse = |m: String| malformed(at, m);
        match prefix {
            "xml" if ns != NS_XML => Err(refuse(format!(
                "the namespace prefix 'xml' cannot be bound to '{ns}'"
            ))),
            "xml" => Ok(()),
            "xmlns" => Err(refuse(format!(
                "the namespace prefix 'xmlns' cannot be bound to '{ns}'"
            ))),
            // Namespaces in XML 1.0: only the default namespace may be undone (`xmlns=""`).
            p if !p.is_empty() && ns.is_empty() => Err(refuse(format!(
                "the namespace prefix '{p}' cannot be bound to no namespace (`xmlns:{p}=\"\"`: \
                 only the default namespace may be undone in XML 1.0)"
            ))),
            p if !p.is_empty() && (ns == NS_XML || ns == NS_XMLNS) => Err(refuse(format!(
                "the namespace prefix '{p}' cannot be bound to '{ns}'"
            ))),
            _ if self.bindings.len() >= MAX_BINDINGS => Err(refuse(format!(
                "more than {MAX_BINDINGS} namespace bindings in scope"
            ))),
            _ => {
                if let Some(seen) = &mut self.namespaces {
                    if !ns.is_empty() && !seen.contains(&ns) {
                        if seen.len() == MAX_NAMESPACES {
                            self.namespaces = None;
                        } else {
                            seen.push(ns.clone());
                        }
                    }
                }
                self.bindings.push((prefix, ns));
                Ok(())
            }
        }
    }

    /// Two attributes of one tag with the same expanded name are an error (Namespaces in
    /// XML 1.0, "Attributes Unique"); an unbound prefix is the decoder's to report.
    fn resolve_attrs(&self, at: usize, name: &str) -> TRes<()> {
        let prefixed = self.attrs.iter().filter(|a| a.prefix.is_some()).count();
        if prefixed < 2 {
            return Ok(());
        }
        let mut seen: Vec<(&str, &str)> = Vec::with_capacity(prefixed);
        for a in &self.attrs {
            if let Resolved::Bound(ns) = self.resolve(a.prefix, false) {
                if a.prefix.is_some() {
                    if seen.contains(&(ns, a.local)) {
                        return Err(malformed(
                            at,
                            format!(
                                "bad attribute on `{name}`: `{}` names an attribute already there (the same namespace and local name)",
                                a.name
                            ),
                        ));
                    }
                    seen.push((ns, a.local));
                }
            }
        }
        Ok(())
    }
}
