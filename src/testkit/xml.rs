//! A small, careful XML text editor for the differential properties: it locates elements
//! by their path (the same path of local names that violations carry, `[n]` for the n-th
//! same-named sibling when n > 1) through quick-xml's byte positions, and rewrites the
//! text by byte ranges, so an edit touches exactly what it means to and nothing else.

use quick_xml::events::Event;
use quick_xml::Reader;
use std::ops::Range;

/// One element of a document, by byte ranges into the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The name as written (`s:Body`, `Comment`).
    pub qname: String,
    /// The local name.
    pub local: String,
    /// `/Envelope/Body/...`, as violations spell element paths.
    pub path: String,
    /// The start tag (`<a ...>` or `<a .../>`).
    pub start: Range<usize>,
    /// The end tag; `None` for an empty-element tag.
    pub end: Option<Range<usize>>,
    /// The index of its parent in [`Tree::nodes`] (`None` for the root).
    pub parent: Option<usize>,
    /// The indexes of its child elements, in document order.
    pub children: Vec<usize>,
}

impl Node {
    /// Between the start and the end tag; `None` for an empty-element tag.
    pub fn content(&self) -> Option<Range<usize>> {
        self.end.as_ref().map(|e| self.start.end..e.start)
    }

    /// From the start tag's `<` to the end tag's `>`.
    pub fn outer(&self) -> Range<usize> {
        self.start.start..self.end.as_ref().map_or(self.start.end, |e| e.end)
    }

    /// The prefix of the name as written (`s` for `s:Body`), empty when none.
    pub fn prefix(&self) -> &str {
        self.qname.rsplit_once(':').map_or("", |(p, _)| p)
    }
}

/// The elements of a document in document order (index 0 is the root).
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// Every element, in document order of its start tag.
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Reads the element structure of well-formed XML; `None` when it is not.
    pub fn parse(text: &str) -> Option<Tree> {
        let mut r = Reader::from_str(text);
        r.config_mut().trim_text(false);
        let mut nodes: Vec<Node> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        loop {
            let pos = usize::try_from(r.buffer_position()).ok()?;
            let ev = r.read_event().ok()?;
            let after = usize::try_from(r.buffer_position()).ok()?;
            match ev {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let qname = e.name().0.to_string();
                    let local = e.local_name().into_inner().to_string();
                    let parent = stack.last().copied();
                    let (base, same) = match parent {
                        Some(p) => (
                            nodes[p].path.clone(),
                            nodes[p]
                                .children
                                .iter()
                                .filter(|&&c| nodes[c].local == local)
                                .count(),
                        ),
                        None => (String::new(), 0),
                    };
                    let index = u32::try_from(same + 1).unwrap_or(u32::MAX);
                    let path = crate::text::path::child(&base, &local, index);
                    let i = nodes.len();
                    nodes.push(Node {
                        qname,
                        local,
                        path,
                        start: pos..after,
                        end: None,
                        parent,
                        children: Vec::new(),
                    });
                    if let Some(p) = parent {
                        nodes[p].children.push(i);
                    }
                    if matches!(ev, Event::Start(_)) {
                        stack.push(i);
                    }
                }
                Event::End(_) => {
                    let i = stack.pop()?;
                    nodes[i].end = Some(pos..after);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        stack.is_empty().then_some(Tree { nodes })
    }

    /// The element at `path`.
    pub fn find(&self, path: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.path == path)
    }

    /// Elements below (not at) the first element whose local name is `local`.
    pub fn below(&self, local: &str) -> Vec<usize> {
        let Some(top) = self.nodes.iter().position(|n| n.local == local) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut todo = self.nodes[top].children.clone();
        while let Some(i) = todo.pop() {
            out.push(i);
            todo.extend(self.nodes[i].children.iter().copied());
        }
        out.sort_unstable();
        out
    }

    /// Whether element `i` has no child elements and is not an empty-element tag: its
    /// content is text (possibly none).
    pub fn is_leaf(&self, i: usize) -> bool {
        self.nodes[i].children.is_empty() && self.nodes[i].end.is_some()
    }
}

/// Applies non-overlapping replacements `(range, text)` to `text`.
///
/// # Panics
/// When two ranges overlap (an editing mistake, not a property of the document).
pub fn splice(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (r, s) in edits {
        assert!(r.start >= at, "overlapping edits at {}", r.start);
        out.push_str(&text[at..r.start]);
        out.push_str(&s);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Inserts an attribute (` name="value"`, with the leading space) into a start tag.
pub fn add_attribute(text: &str, n: &Node, attr: &str) -> (Range<usize>, String) {
    let tag = &text[n.start.clone()];
    let close = if tag.ends_with("/>") { 2 } else { 1 };
    let at = n.start.end - close;
    (at..at, attr.to_string())
}

/// Escapes text as character data the plain way (`<`, `&`, `>`, CR as a reference).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out
}

/// The same character data written as CDATA sections: `]]>` is split across two
/// sections, and CR stays a character reference outside CDATA (a literal CR inside CDATA
/// would be normalised to LF by every parser).
pub fn as_cdata(s: &str) -> String {
    let mut out = String::new();
    for (i, line) in s.split('\r').enumerate() {
        if i > 0 {
            out.push_str("&#xD;");
        }
        if !line.is_empty() {
            out.push_str("<![CDATA[");
            out.push_str(&line.replace("]]>", "]]]]><![CDATA[>"));
            out.push_str("]]>");
        }
    }
    out
}

/// The same character data, every character as a hexadecimal or decimal reference.
pub fn as_char_refs(s: &str, hex: bool) -> String {
    s.chars()
        .map(|c| {
            if hex {
                format!("&#x{:X};", u32::from(c))
            } else {
                format!("&#{};", u32::from(c))
            }
        })
        .collect()
}

/// Reads character data back (for the editor's own use: the references our encoder writes
/// and the five predefined entities).
pub fn unescape(s: &str) -> Option<String> {
    quick_xml::escape::unescape(s).ok().map(|c| c.into_owned())
}
