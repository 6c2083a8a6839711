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
    while let Some(n) = cur.filter(|_| steps.len() < 100_000) {
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
