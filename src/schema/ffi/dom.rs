//! A parsed libxml2 document and a safe element type tied to its lifetime.
//!
//! [`Doc`] owns its libxml2 tree and never changes it or hands it out, so a [`Node<'doc>`]
//! borrowed from it points at a live, unchanging element for as long as the borrow lasts:
//! the compiler, not a comment, keeps node pointers from outliving their document.

use libxml::bindings as b;
use libxml::error::StructuredError;
use libxml::parser::{Parser, ParserOptions, XmlParseFailure};
use libxml::tree::Document;
use std::borrow::Cow;
use std::ffi::CStr;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A document parsed by libxml2, owned here. The tree is read only: nothing in this crate
/// can reach the `libxml::tree::Document` inside, so no clone of it can change the tree
/// under a borrowed [`Node`].
pub struct Doc {
    inner: Document,
}

impl Doc {
    /// Parses UTF-8 text with the given options; libxml2's diagnostics come back beside the
    /// document (or inside the failure).
    ///
    /// Every CDATA section is read as the text it is (what libxml2's `XML_PARSE_NOCDATA`
    /// does, an option the `libxml` crate's [`ParserOptions`] cannot set): XSD sees
    /// character information items, not how they were written, while libxml2 2.9's schema
    /// validator takes any CDATA node for non-whitespace in element-only content
    /// (`<Header><![CDATA[ ]]>` would be `xsd.text`).
    pub fn parse(
        text: &str,
        options: ParserOptions,
    ) -> Result<(Doc, Vec<StructuredError>), XmlParseFailure> {
        let _own = super::loader::OwnWork::enter();
        Parser::default()
            .parse_string_with_diagnostics(text.as_bytes(), options)
            .map(|(inner, diags)| {
                let doc = Doc { inner };
                // A text without the marker has no CDATA section: no walk.
                if text.contains("<![CDATA[") {
                    doc.cdata_as_text();
                }
                (doc, diags)
            })
    }

    /// Turns every CDATA node of the tree into a text node, in one walk without recursion,
    /// before any [`Node`] of the document exists (the only change ever made to the tree).
    fn cdata_as_text(&self) {
        // SAFETY: the document is live and owned here, and no `Node` of it exists yet, so
        // nothing reads the tree while a node's type changes. A CDATA node and a text node
        // are the same `xmlNode` with the same owned content; libxml2 frees a text node's
        // content as it frees a CDATA node's, and its name (null for a CDATA node) is never
        // freed for a text node. Only element children are descended into, and `parent`
        // leads back up to `root`, where the walk ends.
        unsafe {
            let root = b::xmlDocGetRootElement(self.ptr());
            let mut cur = root;
            while !cur.is_null() {
                if (*cur).type_ == b::xmlElementType_XML_CDATA_SECTION_NODE {
                    (*cur).type_ = b::xmlElementType_XML_TEXT_NODE;
                }
                if (*cur).type_ == b::xmlElementType_XML_ELEMENT_NODE && !(*cur).children.is_null()
                {
                    cur = (*cur).children;
                    continue;
                }
                loop {
                    if cur == root {
                        return;
                    }
                    if !(*cur).next.is_null() {
                        cur = (*cur).next;
                        break;
                    }
                    cur = (*cur).parent;
                }
            }
        }
    }

    /// The root element, if the document has one.
    pub fn root(&self) -> Option<Node<'_>> {
        // SAFETY: the document pointer is the live document `self` owns.
        let root = unsafe { b::xmlDocGetRootElement(self.ptr()) };
        // SAFETY: `root` is null or a node of this document, which `self` keeps alive.
        unsafe { Node::element(root) }
    }

    pub(super) fn ptr(&self) -> b::xmlDocPtr {
        self.inner.doc_ptr()
    }

    /// The element a libxml2 error is about: the node itself when it is an element of this
    /// document, the attribute's element when it is an attribute, else `None`.
    ///
    /// # Safety
    /// `p` must be null or point at a live node or attribute (the error's node, read while
    /// the validation that reported it has not let go of the document).
    pub(super) unsafe fn node_of_error(&self, p: b::xmlNodePtr) -> Option<Node<'_>> {
        if p.is_null() {
            return None;
        }
        // SAFETY: `p` is live (the caller's promise); `type_`, `parent` and `doc` stand at
        // the same place in an `xmlAttr` as in an `xmlNode`, and only those are read here.
        let (kind, parent, doc) = unsafe { ((*p).type_, (*p).parent, (*p).doc) };
        if doc != self.ptr() {
            return None;
        }
        let node = if kind == b::xmlElementType_XML_ATTRIBUTE_NODE {
            parent
        } else {
            p
        };
        // SAFETY: `node` is null or a node of this document (checked above), kept alive by
        // the borrow of `self`.
        unsafe { Node::element(node) }
    }
}

/// An element of a [`Doc`], valid while the document is borrowed. Equal, and hashed, by
/// the element it points at.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Node<'doc> {
    ptr: NonNull<b::xmlNode>,
    doc: PhantomData<&'doc Doc>,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({})", self.local_name())
    }
}

/// One child of an element, as the checks tell children apart.
#[derive(Debug, Clone)]
pub enum Content<'doc> {
    Element(Node<'doc>),
    /// A text node's characters (a CDATA section's too: [`Doc::parse`] reads them as text).
    Text(Cow<'doc, str>),
    /// A comment, processing instruction or anything else.
    Other,
}

/// A NUL-terminated libxml2 string as text (empty for null).
///
/// # Safety
/// `p` must be null or a NUL-terminated string that lives for `'a`.
unsafe fn text<'a>(p: *const u8) -> Cow<'a, str> {
    if p.is_null() {
        Cow::Borrowed("")
    } else {
        // SAFETY: the caller's promise.
        unsafe { CStr::from_ptr(p.cast()) }.to_string_lossy()
    }
}

impl<'doc> Node<'doc> {
    /// `Some` when `p` is an element node.
    ///
    /// # Safety
    /// `p` must be null or a live node of a document that stays alive and unchanged for
    /// `'doc`.
    unsafe fn element(p: b::xmlNodePtr) -> Option<Node<'doc>> {
        let ptr = NonNull::new(p)?;
        // SAFETY: `p` is a live node (the caller's promise).
        let kind = unsafe { (*p).type_ };
        (kind == b::xmlElementType_XML_ELEMENT_NODE).then_some(Node {
            ptr,
            doc: PhantomData,
        })
    }

    /// The fields of this element.
    fn raw(self) -> &'doc b::xmlNode {
        // SAFETY: `ptr` is a live element of a document borrowed for `'doc` that nothing
        // changes meanwhile (see `Doc`).
        unsafe { self.ptr.as_ref() }
    }

    pub(super) fn ptr(self) -> b::xmlNodePtr {
        self.ptr.as_ptr()
    }

    /// The local name.
    pub fn local_name(self) -> Cow<'doc, str> {
        // SAFETY: an element's name is a NUL-terminated string owned by its document.
        unsafe { text(self.raw().name) }
    }

    /// The namespace URI, `None` for an element in no namespace.
    pub fn namespace(self) -> Option<Cow<'doc, str>> {
        let ns = self.raw().ns;
        if ns.is_null() {
            return None;
        }
        // SAFETY: a non-null `ns` is a namespace of the live document; its `href` is null
        // or a NUL-terminated string it owns.
        Some(unsafe { text((*ns).href) })
    }

    /// The parent element (`None` for the root).
    pub fn parent(self) -> Option<Node<'doc>> {
        // SAFETY: the parent is null, the document node (not an element) or an element of
        // the same live document.
        unsafe { Node::element(self.raw().parent) }
    }

    /// The element children, in document order.
    pub fn children(self) -> impl Iterator<Item = Node<'doc>> {
        self.content().filter_map(|c| match c {
            Content::Element(n) => Some(n),
            _ => None,
        })
    }

    /// The first element child.
    pub fn first_child(self) -> Option<Node<'doc>> {
        self.children().next()
    }

    /// The next element sibling.
    pub fn next_sibling(self) -> Option<Node<'doc>> {
        // SAFETY: the next sibling of a live element is null or a node of its document.
        unsafe { siblings(self.raw().next, |n| n.next) }.find_map(|c| match c {
            Content::Element(n) => Some(n),
            _ => None,
        })
    }

    /// The element siblings before this one, nearest first.
    pub fn preceding(self) -> impl Iterator<Item = Node<'doc>> {
        // SAFETY: the previous sibling of a live element is null or a node of its document.
        unsafe { siblings(self.raw().prev, |n| n.prev) }.filter_map(|c| match c {
            Content::Element(n) => Some(n),
            _ => None,
        })
    }

    /// Every child node, in document order.
    pub fn content(self) -> impl Iterator<Item = Content<'doc>> {
        // SAFETY: the first child of a live element is null or a node of its document.
        unsafe { siblings(self.raw().children, |n| n.next) }
    }

    /// Whether the element carries any attribute (namespace declarations are not ones).
    pub fn has_attributes(self) -> bool {
        !self.raw().properties.is_null()
    }

    /// The value of the attribute `name` in namespace `ns` (`""`: no namespace).
    pub fn attribute(self, ns: &str, name: &str) -> Option<Cow<'doc, str>> {
        let mut a = self.raw().properties;
        while !a.is_null() {
            // SAFETY: `a` is an attribute of this live element; its namespace, name and
            // first child (the value's text node) belong to the same document.
            unsafe {
                let a_ns = (*a).ns;
                let a_ns = if a_ns.is_null() {
                    Cow::Borrowed("")
                } else {
                    text((*a_ns).href)
                };
                if a_ns == ns && text((*a).name) == name {
                    let value = (*a).children;
                    return Some(if value.is_null() {
                        Cow::Borrowed("")
                    } else {
                        text((*value).content)
                    });
                }
                a = (*a).next;
            }
        }
        None
    }

    /// Whether `prefix` is bound to a namespace in scope at this element (`xml` always is).
    pub fn binds_prefix(self, prefix: &str) -> bool {
        // `xml` is bound by definition (XML Namespaces 3); asking libxml2 would make it
        // add the declaration to the document, which is never changed.
        if prefix == "xml" {
            return true;
        }
        let Ok(p) = std::ffi::CString::new(prefix) else {
            return false;
        };
        // SAFETY: a live element of its live document and a NUL-terminated prefix other
        // than `xml` alive for the call: libxml2 only reads the declarations in scope.
        let ns = unsafe { b::xmlSearchNs(self.raw().doc, self.ptr(), p.as_ptr().cast()) };
        !ns.is_null()
    }

    /// libxml2's line of the start tag (`None` when it did not record one). (Mutation
    /// testing: `>` to `>=` is equivalent, as the parser gives every element it builds a
    /// line of 1 or more (`nodes_read_names_namespaces_siblings_and_text`); 0 is only for
    /// nodes built by hand, which no code here makes.)
    pub fn line(self) -> Option<u32> {
        // SAFETY: a live element of a live document.
        let line = unsafe { b::xmlGetLineNo(self.ptr.as_ptr()) };
        u32::try_from(line).ok().filter(|l| *l > 0)
    }
}

/// The nodes from `first` on, each reached from the one before by `step`.
///
/// # Safety
/// `first` must be null or a live node of a document that stays alive and unchanged for
/// `'doc` (and so is every node `step` leads to: a sibling or null).
unsafe fn siblings<'doc>(
    first: b::xmlNodePtr,
    step: fn(&b::xmlNode) -> b::xmlNodePtr,
) -> impl Iterator<Item = Content<'doc>> {
    let mut cur = first;
    std::iter::from_fn(move || {
        // SAFETY: `cur` is null or a live node of the document (the caller's promise, and
        // `step` leads only to siblings of it).
        let n: &'doc b::xmlNode = unsafe { cur.as_ref()? };
        let here = cur;
        cur = step(n);
        Some(match n.type_ {
            b::xmlElementType_XML_ELEMENT_NODE => Content::Element(Node {
                // `here` is not null: `as_ref` returned `Some`.
                ptr: NonNull::new(here)?,
                doc: PhantomData,
            }),
            // SAFETY: a text node's content is a NUL-terminated string it owns.
            b::xmlElementType_XML_TEXT_NODE => Content::Text(unsafe { text(n.content) }),
            _ => Content::Other,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Doc {
        match Doc::parse(text, crate::schema::parse_options()) {
            Ok((doc, _)) => doc,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    const TEXT: &str = "<r xmlns='urn:a' xmlns:x='urn:x'>\n <a x:k='v' k='plain'>t<![CDATA[c]]><!--n--></a>\n <b/>\n <a/>\n</r>";

    #[test]
    fn nodes_read_names_namespaces_siblings_and_text() {
        let doc = parse(TEXT);
        let root = doc.root().expect("a root");
        assert_eq!(root.local_name(), "r");
        assert_eq!(root.namespace().as_deref(), Some("urn:a"));
        assert_eq!(root.parent(), None);
        assert_eq!(root.line(), Some(1));
        let kids: Vec<String> = root.children().map(|n| n.local_name().into()).collect();
        assert_eq!(kids, ["a", "b", "a"]);
        let a = root.first_child().expect("a child");
        assert_eq!(a.parent(), Some(root));
        assert_eq!(a.line(), Some(2));
        let b = a.next_sibling().expect("b");
        assert_eq!(b.local_name(), "b");
        let last = b.next_sibling().expect("second a");
        assert_eq!(last.next_sibling(), None);
        let before: Vec<String> = last.preceding().map(|n| n.local_name().into()).collect();
        assert_eq!(before, ["b", "a"]);
        assert_eq!(a.attribute("urn:x", "k").as_deref(), Some("v"));
        assert_eq!(a.attribute("", "k").as_deref(), Some("plain"));
        assert_eq!(a.attribute("urn:a", "k"), None);
        assert!(a.has_attributes() && !b.has_attributes());
        let kinds: Vec<String> = a
            .content()
            .map(|c| match c {
                Content::Text(s) => format!("text:{s}"),
                Content::Element(n) => format!("element:{}", n.local_name()),
                Content::Other => "other".to_string(),
            })
            .collect();
        // The CDATA section is text, as XSD sees it.
        assert_eq!(kinds, ["text:t", "text:c", "other"]);
    }

    /// Every text child of every element, depth first, as `kind:text`.
    fn texts(n: Node<'_>, out: &mut Vec<String>) {
        for c in n.content() {
            match c {
                Content::Text(s) => out.push(s.into_owned()),
                Content::Element(e) => texts(e, out),
                Content::Other => out.push("other".to_string()),
            }
        }
    }

    #[test]
    fn every_cdata_section_is_text_at_every_depth_and_nothing_else_changes() {
        let doc = parse(
            "<r><![CDATA[a]]><x><y><![CDATA[b]]></y><!--c--><z/></x>\
             <?p i?><![CDATA[d]]><w><![CDATA[e]]></w></r>",
        );
        let mut out = Vec::new();
        texts(doc.root().expect("a root"), &mut out);
        assert_eq!(out, ["a", "b", "other", "other", "d", "e"]);
        let names: Vec<String> = doc
            .root()
            .expect("a root")
            .children()
            .map(|n| n.local_name().into_owned())
            .collect();
        assert_eq!(names, ["x", "w"]);
    }

    #[test]
    fn an_error_node_maps_to_an_element_of_its_own_document_only() {
        let doc = parse(TEXT);
        let other = parse(TEXT);
        let a = doc.root().and_then(|r| r.first_child()).expect("a");
        let attr: b::xmlNodePtr = a.raw().properties.cast();
        let foreign = other.root().expect("root").ptr();
        // SAFETY: every pointer is a live node or attribute of a document alive here.
        unsafe {
            assert_eq!(doc.node_of_error(a.ptr()), Some(a));
            // An attribute's error is about its element.
            assert_eq!(doc.node_of_error(attr), Some(a));
            assert_eq!(doc.node_of_error(std::ptr::null_mut()), None);
            // A node of another document is never taken for one of this.
            assert_eq!(doc.node_of_error(foreign), None);
            // A text node is no element.
            let text = a.raw().children;
            assert_eq!(doc.node_of_error(text), None);
        }
    }
}
