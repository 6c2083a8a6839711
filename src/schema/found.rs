//! A finding before it has a position, the budget findings are kept to, and the element
//! path of a node.

#![forbid(unsafe_code)]

use super::ffi::Node;
use crate::text::limits::MAX_VIOLATIONS;
use crate::text::path::segment;
use crate::violation::Code;

/// A finding before it has a position: the position is looked up by path at the end.
#[derive(Debug, Clone)]
pub struct Found {
    pub code: Code,
    pub path: String,
    pub message: String,
    /// libxml2's line, used when the path has no start tag (should not happen).
    pub line: Option<u32>,
}

impl Found {
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Found {
        Found {
            code,
            path: path.into(),
            message: message.into(),
            line: None,
        }
    }
}

/// Adds a finding while the document is below the violation budget: one over
/// [`MAX_VIOLATIONS`] is kept, so the verdict can say that more were left out.
pub fn keep(found: &mut Vec<Found>, f: Found) {
    if !is_full(found) {
        found.push(f);
    }
}

/// Whether [`keep`] takes no more findings: a walk that only looks for findings can stop.
pub fn is_full(found: &[Found]) -> bool {
    found.len() > MAX_VIOLATIONS
}

/// The element path of `node` (the rule of [`crate::text::path`]: local names from the
/// root; a sibling that is not the first of its name gets a 1-based index).
///
/// Costs a walk over the previous siblings of every ancestor; loops over many siblings use
/// [`crate::text::path::ChildPaths`] instead.
pub fn path_of(node: Node<'_>) -> String {
    let mut steps = Vec::new();
    let mut cur = Some(node);
    // Bounded by the tree's depth, which the parser bounds.
    while let Some(n) = cur {
        let name = n.local_name();
        let earlier = n.preceding().filter(|p| p.local_name() == name).count();
        steps.push((name, u32::try_from(earlier + 1).unwrap_or(u32::MAX)));
        cur = n.parent();
    }
    let mut out = String::new();
    for (name, index) in steps.iter().rev() {
        segment(&mut out, name, *index);
    }
    out
}

/// A namespace in words: "namespace URI", or "no namespace".
pub fn ns_words(ns: Option<&str>) -> String {
    match ns {
        None | Some("") => "no namespace".to_string(),
        Some(n) => format!("namespace {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ffi::Doc;

    #[test]
    fn a_path_indexes_a_sibling_only_after_the_first_of_its_name() {
        let text = "<r xmlns='urn:a'><a/><b><c/></b><a/><a><c/><c/></a></r>";
        let Ok((doc, _)) = Doc::parse(text, crate::schema::parse_options()) else {
            panic!("parses");
        };
        let Some(root) = doc.root() else {
            panic!("a root");
        };
        let all: Vec<String> = root
            .children()
            .flat_map(|n| std::iter::once(n).chain(n.children()))
            .map(path_of)
            .collect();
        assert_eq!(
            all,
            [
                "/r/a",
                "/r/b",
                "/r/b/c",
                "/r/a[2]",
                "/r/a[3]",
                "/r/a[3]/c",
                "/r/a[3]/c[2]"
            ]
        );
        assert_eq!(path_of(root), "/r");
    }

    #[test]
    fn the_budget_keeps_one_finding_over_the_cap() {
        let mut found = Vec::new();
        for i in 0..MAX_VIOLATIONS + 5 {
            assert_eq!(is_full(&found), i > MAX_VIOLATIONS, "{i}");
            keep(&mut found, Found::new(Code::XsdOther, "/r", format!("{i}")));
        }
        assert_eq!(found.len(), MAX_VIOLATIONS + 1);
    }

    #[test]
    fn a_namespace_in_words() {
        assert_eq!(ns_words(None), "no namespace");
        assert_eq!(ns_words(Some("")), "no namespace");
        assert_eq!(ns_words(Some("urn:a")), "namespace urn:a");
    }
}
