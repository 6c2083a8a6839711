//! The one element-path builder. Paths are public interface (findings, diff differences,
//! `--ignore` globs, sidecar files): local names from the root, `/`-separated; a sibling that
//! is not the first of its name gets a 1-based index, `/Envelope/Body[2]`.
//!
//! [`PathStack`] follows a document as it is read (push on a start tag, pop on an end tag) and
//! hands out each element's path in O(depth), however many siblings came before it.
//! [`segment`] writes one step, for builders that walk a tree by other means.

use std::fmt::Write as _;

/// Appends one step `/local` (or `/local[index]` when `index > 1`) to `out`.
pub fn segment(out: &mut String, local: &str, index: u32) {
    out.push('/');
    out.push_str(local);
    if index > 1 {
        let _ = write!(out, "[{index}]");
    }
}

/// The path of the child `local` (the `index`-th of its name, 1-based) of `parent`.
pub fn child(parent: &str, local: &str, index: u32) -> String {
    let mut p = String::with_capacity(parent.len() + local.len() + 4);
    p.push_str(parent);
    segment(&mut p, local, index);
    p
}

/// One open element: where its step starts in the path, and how many children of each name
/// it has had so far (the counts of all open elements share one vector).
#[derive(Debug, Clone)]
struct Open {
    path_len: usize,
    counts_from: usize,
}

/// Element paths of a document read in order: `push` on a start tag, `pop` on its end.
#[derive(Debug, Clone, Default)]
pub struct PathStack {
    path: String,
    open: Vec<Open>,
    /// Children's names and how often each was seen, of every open element, innermost last.
    counts: Vec<(String, u32)>,
}

impl PathStack {
    /// An empty stack, before the document element.
    pub fn new() -> Self {
        PathStack::default()
    }

    /// Enters an element; returns its 1-based index among the siblings of its name.
    pub fn push(&mut self, local: &str) -> u32 {
        let from = self.open.last().map_or(0, |o| o.counts_from);
        // Only the innermost open element's counts are searched: the siblings of `local`.
        let index = match self.counts[from..].iter_mut().find(|(n, _)| n == local) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counts.push((local.to_string(), 1));
                1
            }
        };
        let path_len = self.path.len();
        segment(&mut self.path, local, index);
        self.open.push(Open {
            path_len,
            counts_from: self.counts.len(),
        });
        index
    }

    /// Leaves the innermost element.
    pub fn pop(&mut self) {
        if let Some(o) = self.open.pop() {
            self.path.truncate(o.path_len);
            self.counts.truncate(o.counts_from);
        }
    }

    /// The path of the innermost open element (`""` at the root level).
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// How many elements are open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }
}

/// Paths of the element children of one parent, handed out in document order, each in
/// O(1) amortised: hostile documents have hundreds of thousands of siblings.
#[derive(Debug, Clone)]
pub struct ChildPaths {
    parent: String,
    seen: std::collections::HashMap<String, u32>,
}

impl ChildPaths {
    /// The paths of the children of the element at path `parent`, none seen yet.
    pub fn new(parent: impl Into<String>) -> Self {
        ChildPaths {
            parent: parent.into(),
            seen: std::collections::HashMap::new(),
        }
    }

    /// The path of the next element child, whose local name is `local`.
    pub fn next(&mut self, local: &str) -> String {
        let n = match self.seen.get_mut(local) {
            Some(n) => {
                *n += 1;
                *n
            }
            None => {
                self.seen.insert(local.to_string(), 1);
                1
            }
        };
        child(&self.parent, local, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_indexes_repeated_siblings_only() {
        let mut s = PathStack::new();
        assert_eq!(s.push("Envelope"), 1);
        s.push("Body");
        s.pop();
        assert_eq!(s.push("Body"), 2);
        assert_eq!(s.as_str(), "/Envelope/Body[2]");
        s.push("A");
        s.pop();
        s.push("B");
        assert_eq!(s.as_str(), "/Envelope/Body[2]/B");
        s.pop();
        s.push("A");
        assert_eq!(s.as_str(), "/Envelope/Body[2]/A[2]");
        assert_eq!(s.depth(), 3);
        s.pop();
        s.pop();
        s.push("Header");
        // Counts of a closed element's children do not leak into its siblings' children.
        s.push("A");
        assert_eq!(s.as_str(), "/Envelope/Header/A");
        s.pop();
        s.pop();
        s.pop();
        assert_eq!(s.as_str(), "");
        assert_eq!(s.depth(), 0);
        s.pop();
        assert_eq!(s.as_str(), "");
    }

    #[test]
    fn child_paths_match_the_stack() {
        let mut c = ChildPaths::new("/Envelope");
        assert_eq!(c.next("Header"), "/Envelope/Header");
        assert_eq!(c.next("Body"), "/Envelope/Body");
        assert_eq!(c.next("Body"), "/Envelope/Body[2]");
        assert_eq!(c.next("Body"), "/Envelope/Body[3]");
        assert_eq!(child("", "Envelope", 1), "/Envelope");
        assert_eq!(child("/a", "b", 12), "/a/b[12]");
    }
}
