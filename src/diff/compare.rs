//! Comparing two canonical trees.
//!
//! Children are aligned by (namespace, local name) with a longest common subsequence, so
//! one missing member gives one `missing` difference rather than a cascade; a member
//! present on both sides but out of that alignment gives one `order` difference.

use super::canonical::{Element, Tree};
use super::glob::glob_matches;
use crate::capture::SECRET_ELEMENTS;
use crate::report::redact::MASK;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// How values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The expected side's values are placeholders: a value only has to be of its declared
    /// type.
    #[default]
    Shape,
    /// Values are compared too: numbers as numbers, booleans `1` = `true`, dateTimes as
    /// instants, strings exactly.
    Exact,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Shape => "shape",
            Mode::Exact => "exact",
        }
    }

    /// Parses `shape` or `exact`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "shape" => Some(Mode::Shape),
            "exact" => Some(Mode::Exact),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a comparison looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    /// Globs over element paths (see [`super::glob_matches`]); an ignored element and its
    /// subtree give no differences, on either side.
    pub ignore: Vec<String>,
}

impl Options {
    pub fn shape() -> Options {
        Options::default()
    }

    pub fn exact() -> Options {
        Options {
            mode: Mode::Exact,
            ignore: Vec::new(),
        }
    }

    /// Adds an ignore glob.
    pub fn ignoring(mut self, glob: impl Into<String>) -> Options {
        self.ignore.push(glob.into());
        self
    }

    /// Whether an element path is ignored.
    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore.iter().any(|g| glob_matches(g, path))
    }
}

/// The kind of a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    /// In the expected document, not in the actual one.
    Missing,
    /// In the actual document, not in the expected one.
    Unexpected,
    /// On both sides, but not where the expected document has it.
    Order,
    /// Both values valid, but different (exact mode), or an attribute's value.
    Value,
    /// A value that is not a valid lexeme of its declared type, or an `xsi:type` that does
    /// not match.
    Type,
    /// `xsi:nil` on one side, a value on the other.
    Nil,
}

impl DiffKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::Missing => "missing",
            DiffKind::Unexpected => "unexpected",
            DiffKind::Order => "order",
            DiffKind::Value => "value",
            DiffKind::Type => "type",
            DiffKind::Nil => "nil",
        }
    }
}

impl fmt::Display for DiffKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between the expected and the actual document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Local names from the root, e.g.
    /// `/Envelope/Body/SaveContactRelation/ContactRelationEntity/UpdatedBy`; `[n]` (1-based)
    /// after a sibling that is not the first of its name; `/@name` for an attribute.
    pub path: String,
    pub kind: DiffKind,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

/// Compares two canonical trees. The differences come in document order.
pub fn compare(expected: &Tree, actual: &Tree, opts: &Options) -> Vec<Difference> {
    let mut out = Vec::new();
    let (e, a) = (&expected.root, &actual.root);
    let (pe, pa) = (format!("/{}", e.name), format!("/{}", a.name));
    if e.key() == a.key() {
        if !opts.is_ignored(&pe) {
            compare_element(e, a, &pe, opts, &mut out);
        }
    } else {
        if !opts.is_ignored(&pe) {
            out.push(missing(e, pe));
        }
        if !opts.is_ignored(&pa) {
            out.push(unexpected(a, pa));
        }
    }
    out
}

/// The path of each child: its local name, with `[n]` when it is not the first of its name.
pub(crate) fn child_paths(parent_path: &str, children: &[Element]) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    children
        .iter()
        .map(|c| {
            let n = seen.entry(c.name.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{parent_path}/{}", c.name)
            } else {
                format!("{parent_path}/{}[{n}]", c.name)
            }
        })
        .collect()
}

/// A short one-line form of an element for `expected`/`actual`.
fn summary(e: &Element) -> String {
    let name = e.display_name();
    if e.nil {
        format!("<{name} nil>")
    } else if !e.children.is_empty() {
        format!("<{name}>…</{name}>")
    } else {
        format!("<{name}>{}</{name}>", shown_value(e))
    }
}

/// The value of a leaf as it may be shown: a secret element's value is masked.
fn shown_value(e: &Element) -> String {
    if SECRET_ELEMENTS.contains(&e.name.as_str()) && !e.text.is_empty() {
        MASK.to_string()
    } else {
        e.text.clone()
    }
}

fn missing(e: &Element, path: String) -> Difference {
    Difference {
        path,
        kind: DiffKind::Missing,
        expected: Some(summary(e)),
        actual: None,
    }
}

fn unexpected(a: &Element, path: String) -> Difference {
    Difference {
        path,
        kind: DiffKind::Unexpected,
        expected: None,
        actual: Some(summary(a)),
    }
}

fn type_name(e: &Element) -> Option<String> {
    e.xsi_type
        .clone()
        .or_else(|| e.declared.map(|t| t.name().to_string()))
}

fn compare_element(
    e: &Element,
    a: &Element,
    path: &str,
    opts: &Options,
    out: &mut Vec<Difference>,
) {
    if e.xsi_type != a.xsi_type {
        out.push(Difference {
            path: path.to_string(),
            kind: DiffKind::Type,
            expected: type_name(e),
            actual: type_name(a),
        });
    }
    if e.nil != a.nil {
        let side = |x: &Element| {
            if x.nil {
                "nil".to_string()
            } else {
                summary(x)
            }
        };
        out.push(Difference {
            path: path.to_string(),
            kind: DiffKind::Nil,
            expected: Some(side(e)),
            actual: Some(side(a)),
        });
        return;
    }
    if e.nil {
        return;
    }
    compare_attributes(e, a, path, opts, out);
    compare_value(e, a, path, opts, out);
    compare_children(e, a, path, opts, out);
}

fn compare_attributes(
    e: &Element,
    a: &Element,
    path: &str,
    opts: &Options,
    out: &mut Vec<Difference>,
) {
    let name = |ns: &str, n: &str| {
        if ns.is_empty() {
            format!("{path}/@{n}")
        } else {
            format!("{path}/@{{{ns}}}{n}")
        }
    };
    for ea in &e.attributes {
        match a
            .attributes
            .iter()
            .find(|x| x.ns == ea.ns && x.name == ea.name)
        {
            None => out.push(Difference {
                path: name(&ea.ns, &ea.name),
                kind: DiffKind::Missing,
                expected: Some(ea.value.clone()),
                actual: None,
            }),
            Some(aa) if opts.mode == Mode::Exact && aa.value != ea.value => out.push(Difference {
                path: name(&ea.ns, &ea.name),
                kind: DiffKind::Value,
                expected: Some(ea.value.clone()),
                actual: Some(aa.value.clone()),
            }),
            Some(_) => {}
        }
    }
    for aa in &a.attributes {
        if !e
            .attributes
            .iter()
            .any(|x| x.ns == aa.ns && x.name == aa.name)
        {
            out.push(Difference {
                path: name(&aa.ns, &aa.name),
                kind: DiffKind::Unexpected,
                expected: None,
                actual: Some(aa.value.clone()),
            });
        }
    }
}

/// Character content: checked against the declared type (both modes), compared as a
/// value of that type (exact mode).
fn compare_value(e: &Element, a: &Element, path: &str, opts: &Options, out: &mut Vec<Difference>) {
    let declared = a.declared.or(e.declared);
    match declared {
        Some(t) if t.is_simple() => {
            if !t.accepts(&a.text) {
                out.push(Difference {
                    path: path.to_string(),
                    kind: DiffKind::Type,
                    expected: Some(t.name().to_string()),
                    actual: Some(shown_value(a)),
                });
                return;
            }
            if opts.mode == Mode::Exact && !secret_placeholder(e) && !t.same_value(&e.text, &a.text)
            {
                out.push(value_difference(e, a, path));
            }
        }
        Some(t) => {
            // Complex content: text is not allowed; report it rather than hide it.
            if !t.accepts(&a.text) && t.accepts(&e.text) {
                out.push(Difference {
                    path: path.to_string(),
                    kind: DiffKind::Type,
                    expected: Some(t.name().to_string()),
                    actual: Some(shown_value(a)),
                });
            } else if opts.mode == Mode::Exact && e.text != a.text {
                out.push(value_difference(e, a, path));
            }
        }
        None => {
            // Undeclared here: in shape mode only the presence of a value counts.
            let differs = match opts.mode {
                Mode::Exact => e.text != a.text && !secret_placeholder(e),
                Mode::Shape => e.text.is_empty() != a.text.is_empty() && !e.children.is_empty(),
            };
            if differs {
                out.push(value_difference(e, a, path));
            }
        }
    }
}

/// A golden file holds secret values masked: a masked expected value matches any value.
fn secret_placeholder(e: &Element) -> bool {
    SECRET_ELEMENTS.contains(&e.name.as_str()) && e.text.trim() == MASK
}

fn value_difference(e: &Element, a: &Element, path: &str) -> Difference {
    Difference {
        path: path.to_string(),
        kind: DiffKind::Value,
        expected: Some(shown_value(e)),
        actual: Some(shown_value(a)),
    }
}

fn compare_children(
    e: &Element,
    a: &Element,
    path: &str,
    opts: &Options,
    out: &mut Vec<Difference>,
) {
    let keep = |children: &[Element]| -> Vec<(usize, String)> {
        child_paths(path, children)
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !opts.is_ignored(p))
            .collect()
    };
    let (ek, ak) = (keep(&e.children), keep(&a.children));
    if ek.is_empty() && ak.is_empty() {
        return;
    }
    let ekeys: Vec<(&str, &str)> = ek.iter().map(|(i, _)| e.children[*i].key()).collect();
    let akeys: Vec<(&str, &str)> = ak.iter().map(|(i, _)| a.children[*i].key()).collect();
    let pairs = lcs_pairs(&ekeys, &akeys);

    // Walk both sequences in step; unmatched members are missing/unexpected, unless the
    // same member is unmatched on the other side too: then it is out of order.
    let mut e_matched = vec![None; ek.len()];
    let mut a_matched = vec![false; ak.len()];
    for &(i, j) in &pairs {
        e_matched[i] = Some(j);
        a_matched[j] = true;
    }
    let mut moved: Vec<Option<usize>> = vec![None; ek.len()];
    let mut a_moved = vec![false; ak.len()];
    let mut unmatched_actual: HashMap<(&str, &str), std::collections::VecDeque<usize>> =
        HashMap::new();
    for (j, key) in akeys.iter().enumerate() {
        if !a_matched[j] {
            unmatched_actual.entry(*key).or_default().push_back(j);
        }
    }
    for i in 0..ek.len() {
        if e_matched[i].is_some() {
            continue;
        }
        if let Some(j) = unmatched_actual
            .get_mut(&ekeys[i])
            .and_then(|q| q.pop_front())
        {
            moved[i] = Some(j);
            a_moved[j] = true;
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < ek.len() || j < ak.len() {
        if i < ek.len() && e_matched[i] == Some(j) {
            let (ei, ep) = &ek[i];
            let (aj, _) = &ak[j];
            compare_element(&e.children[*ei], &a.children[*aj], ep, opts, out);
            i += 1;
            j += 1;
        } else if i < ek.len() && e_matched[i].is_none() {
            let (ei, ep) = &ek[i];
            match moved[i] {
                Some(mj) => {
                    let (aj, _) = &ak[mj];
                    out.push(Difference {
                        path: ep.clone(),
                        kind: DiffKind::Order,
                        expected: Some(format!("member {} of {}", i + 1, ek.len())),
                        actual: Some(format!("member {} of {}", mj + 1, ak.len())),
                    });
                    compare_element(&e.children[*ei], &a.children[*aj], ep, opts, out);
                }
                None => out.push(missing(&e.children[*ei], ep.clone())),
            }
            i += 1;
        } else if j < ak.len() {
            if !a_matched[j] && !a_moved[j] {
                let (aj, ap) = &ak[j];
                out.push(unexpected(&a.children[*aj], ap.clone()));
            }
            j += 1;
        } else {
            // Only matched expected members remain, whose partners were passed: cannot
            // happen with a consistent alignment, but never loop forever.
            i += 1;
        }
    }
}

/// Index pairs of a longest common subsequence of two key sequences (Myers' algorithm
/// from `similar`: a shortest edit script keeps a longest common subsequence).
fn lcs_pairs<T: Eq + std::hash::Hash + Ord>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    similar::capture_diff_slices(similar::Algorithm::Myers, a, b)
        .into_iter()
        .flat_map(|op| match op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => (0..len).map(|k| (old_index + k, new_index + k)).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcs_skips_one_missing() {
        let a = ["a", "b", "c", "d"];
        let b = ["a", "c", "d"];
        assert_eq!(lcs_pairs(&a, &b), vec![(0, 0), (2, 1), (3, 2)]);
    }
}
