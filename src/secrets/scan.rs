//! The tolerant scan: one pass over text that may not be well-formed XML, finding where
//! secret values stand (secret elements' content, secret attributes' values) and the other
//! values (text, CDATA, attribute values) a [`Masker`] may have to hide. Comments, CDATA
//! sections and processing instructions are opaque; a `<` inside an attribute value ends
//! the tag (XML forbids it there), so a broken tag cannot swallow what follows.
//!
//! A secret element's content runs to its own end tag, counting nested elements; in a
//! broken document it ends at an end tag that closes one of its ancestors, or at the end of
//! the text. Everything inside (text, CDATA, comments, nested elements, references) is the
//! secret: it is masked whole.

use super::{is_secret_attribute, is_secret_element, SECRET_ATTRIBUTES, SECRET_ELEMENTS};
use crate::text::limits::MAX_SECRETS;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// One piece of markup or text.
#[derive(Debug)]
enum Token {
    /// Character data between tags.
    Text(Range<usize>),
    /// The content of a CDATA section (the markers excluded).
    Cdata(Range<usize>),
    /// A comment, processing instruction or declaration: never holds a value.
    Opaque,
    Start {
        name: Range<usize>,
        attrs: Vec<Attr>,
        empty: bool,
    },
    End {
        name: Range<usize>,
    },
}

/// An attribute of a start tag: its name and its value (quotes excluded).
#[derive(Debug)]
struct Attr {
    name: Range<usize>,
    value: Range<usize>,
}

struct Lexer<'t> {
    t: &'t str,
    b: &'t [u8],
    i: usize,
}

impl<'t> Lexer<'t> {
    fn new(t: &'t str) -> Self {
        Lexer {
            t,
            b: t.as_bytes(),
            i: 0,
        }
    }

    /// Position of `pat` at or after `from`, or the end.
    fn find(&self, from: usize, pat: &str) -> Option<usize> {
        self.t.get(from..)?.find(pat).map(|o| from + o)
    }

    fn next(&mut self) -> Option<(usize, Token)> {
        let (b, n, start) = (self.b, self.b.len(), self.i);
        if start >= n {
            return None;
        }
        if b[start] != b'<' || !self.opens_markup(start) {
            let end = self.find(start + 1, "<").unwrap_or(n);
            self.i = end;
            return Some((start, Token::Text(start..end)));
        }
        let rest = &self.t[start..];
        let (token, end) = if rest.starts_with("<!--") {
            let e = self.find(start + 4, "-->").map_or(n, |e| e + 3);
            (Token::Opaque, e)
        } else if rest.starts_with("<![CDATA[") {
            let from = start + 9;
            match self.find(from, "]]>") {
                Some(e) => (Token::Cdata(from..e), e + 3),
                None => (Token::Cdata(from..n), n),
            }
        } else if rest.starts_with("<?") {
            (
                Token::Opaque,
                self.find(start + 2, "?>").map_or(n, |e| e + 2),
            )
        } else if rest.starts_with("<!") {
            (Token::Opaque, self.declaration_end(start + 2))
        } else if rest.starts_with("</") {
            let name = self.name(start + 2);
            let end = self.tag_close(name.end);
            (Token::End { name }, end)
        } else {
            self.start_tag(start)
        };
        // Every branch above ends past `start` (`each_markup_ends_where_it_does`); the `max`
        // is a second guard that the cursor moves. (Mutation testing: `start * 1` here is
        // equivalent for that reason.)
        self.i = end.max(start + 1);
        Some((start, token))
    }

    /// Whether the `<` at `at` opens markup (a name, `/`, `!` or `?` follows), not text.
    fn opens_markup(&self, at: usize) -> bool {
        match self.t[at + 1..].chars().next() {
            Some(c) => {
                c == '/' || c == '!' || c == '?' || c == '_' || c == ':' || c.is_alphabetic()
            }
            None => false,
        }
    }

    /// `<!DOCTYPE ...>` with an internal subset in brackets, or any other `<!...>`.
    fn declaration_end(&self, from: usize) -> usize {
        let n = self.b.len();
        let mut depth = 0usize;
        let mut quote = None;
        for (k, &c) in self.b[from..].iter().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                // Anything else in quotes counts for nothing (the last arm).
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'[') => depth += 1,
                (None, b']') => depth = depth.saturating_sub(1),
                (None, b'>') if depth == 0 => return from + k + 1,
                _ => {}
            }
        }
        n
    }

    /// A name from `from`: up to whitespace, `>`, `/`, `<`, `=` or a quote.
    fn name(&self, from: usize) -> Range<usize> {
        let end = self.b[from..]
            .iter()
            .position(|&c| {
                c.is_ascii_whitespace() || matches!(c, b'>' | b'/' | b'<' | b'=' | b'"' | b'\'')
            })
            .map_or(self.b.len(), |p| from + p);
        from..end
    }

    /// After an end tag's name: past its `>`, or up to a `<` that starts the next tag.
    fn tag_close(&self, from: usize) -> usize {
        match self.b[from..].iter().position(|&c| c == b'>' || c == b'<') {
            Some(p) if self.b[from + p] == b'>' => from + p + 1,
            Some(p) => from + p,
            None => self.b.len(),
        }
    }

    fn start_tag(&self, start: usize) -> (Token, usize) {
        let (b, n) = (self.b, self.b.len());
        let name = self.name(start + 1);
        let mut attrs = Vec::new();
        let mut i = name.end;
        loop {
            while i < n && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= n {
                return (
                    Token::Start {
                        name,
                        attrs,
                        empty: false,
                    },
                    n,
                );
            }
            match b[i] {
                b'>' => {
                    return (
                        Token::Start {
                            name,
                            attrs,
                            empty: false,
                        },
                        i + 1,
                    )
                }
                b'/' if b.get(i + 1) == Some(&b'>') => {
                    return (
                        Token::Start {
                            name,
                            attrs,
                            empty: true,
                        },
                        i + 2,
                    )
                }
                b'<' => {
                    return (
                        Token::Start {
                            name,
                            attrs,
                            empty: false,
                        },
                        i,
                    )
                }
                b'/' | b'=' | b'"' | b'\'' => {
                    // Stray punctuation: a quoted run is skipped like a value.
                    let v = self.value(i);
                    // A value ends past the punctuation it starts at (a quote, or a bare
                    // run holding at least this `/` or `=`), so the `max` is only a net
                    // against a loop that stands still (mutation testing: `+` to `-` or
                    // `*` there is equivalent).
                    i = v.end.max(i + 1);
                    continue;
                }
                _ => {}
            }
            let an = self.name(i);
            i = an.end;
            while i < n && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < n && b[i] == b'=' {
                i += 1;
                while i < n && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let value = self.value(i);
                i = value.end;
                let value = value.inner;
                attrs.push(Attr { name: an, value });
            }
        }
    }

    /// An attribute value at `at`: quoted (a `<` or the end of the text ends it, unclosed)
    /// or bare (up to whitespace, `>` or `<`).
    fn value(&self, at: usize) -> Value {
        let (b, n) = (self.b, self.b.len());
        match b.get(at) {
            Some(&q) if q == b'"' || q == b'\'' => {
                // One sum for where the inner text stops, so that the value's end cannot
                // drift from it: a `<` in the quotes ends both (the tag ends there).
                match b[at + 1..].iter().position(|&c| c == q || c == b'<') {
                    Some(p) => {
                        let stop = at + 1 + p;
                        let closed = usize::from(b[stop] == q);
                        Value {
                            inner: at + 1..stop,
                            end: stop + closed,
                        }
                    }
                    // Never closed: the value ends at the first `>` (so the tag ends
                    // there), or at the end of the text.
                    None => {
                        let gt = b[at + 1..].iter().position(|&c| c == b'>');
                        let end = gt.map_or(n, |p| at + 1 + p);
                        Value {
                            inner: at + 1..end,
                            end,
                        }
                    }
                }
            }
            _ => {
                let end = b[at..]
                    .iter()
                    .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'<')
                    .map_or(n, |p| at + p);
                Value {
                    inner: at..end,
                    end,
                }
            }
        }
    }
}

struct Value {
    inner: Range<usize>,
    end: usize,
}

/// Where values stand in a text.
#[derive(Debug, Default)]
pub(super) struct Spots {
    /// Content of secret elements.
    pub regions: Vec<Range<usize>>,
    /// Values of secret attributes.
    pub secret_attrs: Vec<Range<usize>>,
    /// Other values: text runs, CDATA contents and attribute values (namespace declarations
    /// and `xsi:` attributes left out: they are markup, not data).
    pub values: Vec<(Range<usize>, Kind)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Cdata,
    Attr,
}

fn is_markup_attr(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:")
}

/// One pass over `t`.
pub(super) fn spots(t: &str) -> Spots {
    let mut lx = Lexer::new(t);
    let mut out = Spots::default();
    // Names of the open elements, counted, and in order: a broken secret element ends at an
    // end tag that closes one of them.
    let mut open: HashMap<&str, usize> = HashMap::new();
    let mut stack: Vec<&str> = Vec::new();
    while let Some((_, token)) = lx.next() {
        match token {
            Token::Text(r) => out.values.push((r, Kind::Text)),
            Token::Cdata(r) => out.values.push((r, Kind::Cdata)),
            Token::Opaque => {}
            Token::Start { name, attrs, empty } => {
                attributes(t, &attrs, &mut out);
                let name = &t[name];
                if empty {
                    continue;
                }
                if is_secret_element(name) {
                    let from = lx.i;
                    let end = content_end(&mut lx, name, &open);
                    out.regions.push(from..end);
                } else {
                    *open.entry(name).or_default() += 1;
                    stack.push(name);
                }
            }
            Token::End { name } => {
                let name = &t[name];
                if open.get(name).is_some_and(|&c| c > 0) {
                    while let Some(top) = stack.pop() {
                        if let Some(c) = open.get_mut(top) {
                            *c -= 1;
                        }
                        if top == name {
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

fn attributes(t: &str, attrs: &[Attr], out: &mut Spots) {
    for a in attrs {
        let name = &t[a.name.clone()];
        if is_secret_attribute(name) {
            out.secret_attrs.push(a.value.clone());
        } else if !is_markup_attr(name) {
            out.values.push((a.value.clone(), Kind::Attr));
        }
    }
}

/// Runs the lexer through a secret element's content; returns where the content ends (the
/// lexer stands after its end tag, or before an end tag that closes an ancestor).
fn content_end(lx: &mut Lexer<'_>, name: &str, open: &HashMap<&str, usize>) -> usize {
    let mut depth = 0usize;
    loop {
        let before = lx.i;
        let Some((at, token)) = lx.next() else {
            return lx.t.len();
        };
        match token {
            Token::Start { empty: false, .. } => depth += 1,
            Token::End { name: n } if depth > 0 => {
                let _ = n;
                depth -= 1;
            }
            Token::End { name: n } => {
                let closing = &lx.t[n];
                if closing == name {
                    return at;
                }
                if open.get(closing).is_some_and(|&c| c > 0) {
                    lx.i = before;
                    return at;
                }
            }
            _ => {}
        }
    }
}

/// A text's value: CDATA unwrapped, comments, processing instructions and tags left out,
/// character and predefined entity references resolved.
pub(super) fn value_of(t: &str) -> String {
    let mut out = String::new();
    let mut lx = Lexer::new(t);
    while let Some((_, token)) = lx.next() {
        match token {
            Token::Text(r) => unescape_into(&mut out, &t[r]),
            Token::Cdata(r) => out.push_str(&t[r]),
            _ => {}
        }
    }
    out
}

/// Resolves `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&#N;` and `&#xN;`; anything else
/// stays as written.
pub(super) fn unescape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&p| p <= 10);
        let resolved = semi.and_then(|p| {
            let r = &after[..p];
            let c = match r {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let num = r.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => num.parse::<u32>().ok(),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, p))
        });
        match resolved {
            Some((c, p)) => {
                out.push(c);
                rest = &after[p + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Finds the value of every secret element and attribute (any prefix), as written and as it
/// reads once resolved, and each line of a value that spans lines (base64 wrapped). Works on
/// broken documents. Stops after [`MAX_SECRETS`] + 1 distinct values.
pub fn find(text: &str) -> Vec<String> {
    // A secret stands only in an element or attribute of a secret name, and a name is
    // written out literally (XML has no references in names): text that holds none of the
    // names holds no secret, and is not lexed at all (a response, a fault). One `any` over
    // both lists, so that the two lists holding the same names today leaves no `&&` a
    // mutant could turn to `||` unseen.
    let mut names = SECRET_ELEMENTS.iter().chain(SECRET_ATTRIBUTES.iter());
    if !names.any(|n| text.contains(n)) {
        return Vec::new();
    }
    let s = spots(text);
    let mut out: Vec<String> = Vec::new();
    // Each value once, looked up in a set: a thousand Tickets are not compared pairwise.
    let mut seen: HashSet<String> = HashSet::new();
    let ranges = s.regions.iter().map(|r| (r, true));
    let attrs = s.secret_attrs.iter().map(|r| (r, false));
    for (r, element) in ranges.chain(attrs) {
        if out.len() > MAX_SECRETS {
            break;
        }
        let raw = &text[r.clone()];
        let value = if element {
            value_of(raw)
        } else {
            let mut v = String::new();
            unescape_into(&mut v, raw);
            v
        };
        if value.trim().is_empty() {
            continue;
        }
        let mut push = |v: &str| {
            let v = v.trim();
            if !v.is_empty() && seen.insert(v.to_string()) {
                out.push(v.to_string());
            }
        };
        push(raw);
        push(&value);
        if value.trim().contains(['\n', '\r']) {
            let joined: String = value.split_whitespace().collect();
            push(&joined);
            for line in value.lines() {
                push(line);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::secrets::{mask_document, Masker};

    fn doc(t: &str) -> String {
        mask_document(t, &Masker::default())
    }

    #[test]
    fn finds_ticket_and_token_with_any_prefix_in_cdata_and_behind_references() {
        let t = "<s:Envelope><a:ApplicationToken>tok-1</a:ApplicationToken>\
                 <Credentials><Ticket>7T:abc==</Ticket></Credentials><Ticket/></s:Envelope>";
        assert_eq!(find(t), vec!["tok-1".to_string(), "7T:abc==".to_string()]);
        let s = find("<Ticket><![CDATA[cd]]>&#x54;x<!--c--></Ticket><b Ticket='at&amp;t'/>");
        assert!(s.contains(&"cdTx".to_string()), "{s:?}");
        assert!(s.contains(&"at&t".to_string()), "{s:?}");
        let s = find("<Ticket>a&amp;b</Ticket><ApplicationToken>unclosed");
        assert!(s.contains(&"a&amp;b".to_string()) && s.contains(&"a&b".to_string()));
        assert!(s.contains(&"unclosed".to_string()));
        let s = find("<Ticket>abcd\n   efgh</Ticket>");
        for v in ["abcd\n   efgh", "abcdefgh", "abcd", "efgh"] {
            assert!(s.contains(&v.to_string()), "{v}: {s:?}");
        }
        assert!(find("<TicketNumber>1</TicketNumber></Ticket><Ticket> </Ticket>").is_empty());
    }

    /// What the lexer made of a text: the secret regions, the secret attributes' values and
    /// the other values, as the text they cover.
    fn shown(t: &str) -> (Vec<&str>, Vec<&str>, Vec<(&str, Kind)>) {
        let s = spots(t);
        (
            s.regions.iter().map(|r| &t[r.clone()]).collect(),
            s.secret_attrs.iter().map(|r| &t[r.clone()]).collect(),
            s.values.iter().map(|(r, k)| (&t[r.clone()], *k)).collect(),
        )
    }

    /// Each kind of markup ends exactly where it does (a comment, CDATA, a processing
    /// instruction, a declaration with brackets and quotes in its internal subset, an end
    /// tag cut short by the next tag), so nothing after it is swallowed or read twice.
    #[test]
    fn each_markup_ends_where_it_does() {
        use Kind::*;
        let none: Vec<&str> = Vec::new();
        let tk = vec!["Tk"];
        for (input, regions, attrs, values) in [
            (
                "<a><!--x--><Ticket>Tk</Ticket></a>",
                tk.clone(),
                none.clone(),
                vec![],
            ),
            (
                "<!--<a>--><Ticket>abc</a>def</Ticket>",
                vec!["abc</a>def"],
                none.clone(),
                vec![],
            ),
            (
                "<x><![CDATA[a]]><Ticket>Tk</Ticket></x>",
                tk.clone(),
                none.clone(),
                vec![("a", Cdata)],
            ),
            (
                "<a>xxxxxxxxxx<?p?><Ticket>Tk</Ticket></a>",
                tk.clone(),
                none.clone(),
                vec![("xxxxxxxxxx", Text)],
            ),
            (
                "<_x Ticket=\"s\"/><:y Ticket='t'/>",
                none.clone(),
                vec!["s", "t"],
                vec![],
            ),
            // A `>` in quotes does not end a declaration.
            (
                "<!x \"a>b\">y<Ticket>Tk</Ticket>",
                tk.clone(),
                none.clone(),
                vec![("y", Text)],
            ),
            // A declaration after text: its end is looked for from its own start.
            (
                "<a>xxxxxxxxxx<!x>yyyyyyyyyyyyyyy<Ticket>Tk</Ticket></a>",
                tk.clone(),
                none.clone(),
                vec![("xxxxxxxxxx", Text), ("yyyyyyyyyyyyyyy", Text)],
            ),
            (
                "<!DOCTYPE a [<!ENTITY e \"]>\">]>x<Ticket>Tk</Ticket>",
                tk.clone(),
                none.clone(),
                vec![("x", Text)],
            ),
            (
                "<!DOCTYPE a [<!ENTITY e '>'>]>x",
                none.clone(),
                none.clone(),
                vec![("x", Text)],
            ),
            (
                "<a>x</a  >y",
                none.clone(),
                none.clone(),
                vec![("x", Text), ("y", Text)],
            ),
            (
                "<a>x</a  <b Ticket=\"s\"/>",
                none.clone(),
                vec!["s"],
                vec![("x", Text)],
            ),
            (
                "<a x = \"1\" Ticket = 's'>",
                none.clone(),
                vec!["s"],
                vec![("1", Attr)],
            ),
            // A `/` not before `>` and a nameless `=x` are stray punctuation.
            ("<a/ Ticket=\"s\">", none.clone(), vec!["s"], vec![]),
            ("<a =x>", none.clone(), none.clone(), vec![]),
            ("<a/>x<b/>", none.clone(), none.clone(), vec![("x", Text)]),
            // A name at the very end, blanks after it.
            ("<a x ", none.clone(), none.clone(), vec![]),
            (
                "<a>x</a<b Ticket=\"s\"/>",
                none.clone(),
                vec!["s"],
                vec![("x", Text)],
            ),
        ] {
            assert_eq!(shown(input), (regions, attrs, values), "{input}");
        }
    }

    /// Where an attribute value ends: after its closing quote, before a `<` inside the
    /// quotes (the tag ends there), at the first `>` of a value never closed, at the end of
    /// the text; a bare value at a blank, `>` or `<`. What follows each is read as itself.
    #[test]
    fn each_attribute_value_ends_where_it_does() {
        use Kind::*;
        let none: Vec<&str> = Vec::new();
        for (input, regions, attrs, values) in [
            (
                "<a x=\"1\" Ticket=\"s\">",
                none.clone(),
                vec!["s"],
                vec![("1", Attr)],
            ),
            (
                "<a x=\"ab<Ticket>Tk</Ticket>",
                vec!["Tk"],
                none.clone(),
                vec![("ab", Attr)],
            ),
            (
                "<a Ticket='ab<b x=\"1\">",
                none.clone(),
                vec!["ab"],
                vec![("1", Attr)],
            ),
            (
                "<a Ticket=\"abc>def",
                none.clone(),
                vec!["abc"],
                vec![("def", Text)],
            ),
            ("<a Ticket=\"abc", none.clone(), vec!["abc"], vec![]),
            (
                "<a x=ab Ticket=cd>e",
                none.clone(),
                vec!["cd"],
                vec![("ab", Attr), ("e", Text)],
            ),
            (
                "<a Ticket=cd<b x=1>",
                none.clone(),
                vec!["cd"],
                vec![("1", Attr)],
            ),
            ("<a Ticket=cd", none.clone(), vec!["cd"], vec![]),
            // A name at the end of the text, with or without blanks after it.
            ("<a Ticket", none.clone(), none.clone(), vec![]),
            ("<a Ticket  ", none.clone(), none.clone(), vec![]),
            // A quoted run of stray punctuation is skipped whole, quotes and all.
            (
                "<a \"Ticket='x'\" y='1'>",
                none.clone(),
                none.clone(),
                vec![("1", Attr)],
            ),
        ] {
            assert_eq!(shown(input), (regions, attrs, values), "{input}");
        }
    }

    /// A secret element's content counts its nested elements (of any name, its own too),
    /// and a broken one ends at an end tag closing an element still open, which the scan
    /// then closes; an end tag of an element already closed, or never opened, ends nothing.
    #[test]
    fn secret_content_ends_by_the_nesting() {
        use Kind::*;
        let none: Vec<&str> = Vec::new();
        for (input, regions, values) in [
            ("<Ticket>abc", vec!["abc"], vec![]),
            (
                "<Ticket><Ticket>a</Ticket>b</Ticket>c",
                vec!["<Ticket>a</Ticket>b"],
                vec![("c", Text)],
            ),
            (
                "<a><Ticket><a>x</a>y</Ticket></a>z",
                vec!["<a>x</a>y"],
                vec![("z", Text)],
            ),
            // The ancestor's end tag ends the broken secret, and is then read as itself.
            ("<a><Ticket>x</a>y", vec!["x"], vec![("y", Text)]),
            ("<a></a><Ticket>x</a>y", vec!["x</a>y"], vec![]),
            ("<a><b></b></b><Ticket>x</a>y", vec!["x"], vec![("y", Text)]),
            ("<a><b></a><Ticket>x</a>y", vec!["x</a>y"], vec![]),
            (
                "<a><b></b><Ticket>x</b>y</a>z",
                vec!["x</b>y"],
                vec![("z", Text)],
            ),
            (
                "<a><b><Ticket>x</b><Ticket>y</b>z</a>",
                vec!["x", "y</b>z"],
                vec![],
            ),
            ("<a><Ticket/>x</a>", none.clone(), vec![("x", Text)]),
        ] {
            assert_eq!(shown(input), (regions, none.clone(), values), "{input}");
        }
    }

    /// The five predefined entities and character references (decimal, hex in either
    /// case) resolve; an unknown name, an empty or oversized reference, a number that is no
    /// character and an `&` without `;` stay as written.
    #[test]
    fn references_resolve_and_the_rest_stays() {
        let mut out = String::new();
        unescape_into(
            &mut out,
            "a&lt;b&gt;c&quot;d&apos;e&amp;f&#65;&#x42;&#X43;&#x00000044;|&#x000000045;|\
             &bogus;&#;&#xD800;&#1114112;&noend",
        );
        assert_eq!(
            out,
            "a<b>c\"d'e&fABCD|&#x000000045;|&bogus;&#;&#xD800;&#1114112;&noend"
        );
        assert_eq!(value_of("<![CDATA[&lt;]]>&lt;<!--&amp;--><b/>x"), "&lt;<x");
    }

    #[test]
    fn one_pass_on_hostile_tag_soup() {
        for unit in [
            "<a",
            "<Ticket ",
            "<Ticket>x",
            "<a><Ticket>x</b>",
            "<x y=\"",
            "<!--",
            "<![CDATA[",
        ] {
            let small = unit.repeat(20_000);
            let large = unit.repeat(40_000);
            crate::testkit::timing::assert_linear(unit, small.as_str(), large.as_str(), |t| {
                std::hint::black_box((doc(t), find(t)));
            });
        }
        let many: String = (0..5000)
            .map(|i| format!("<Ticket>t{i}</Ticket>"))
            .collect();
        assert_eq!(find(&many).len(), MAX_SECRETS + 1);
    }
}
