//! Comparing two canonical trees.
//!
//! Children are aligned by (namespace, local name) with a longest common subsequence, so
//! one missing member gives one `missing` difference rather than a cascade; a member
//! present on both sides but out of that alignment gives one `order` difference.
//!
//! The alignment ([`align`]) is Myers' algorithm held to a fixed amount of work
//! ([`DIFF_ALIGN_WORK`]): past it (tens of thousands of siblings or lines that differ
//! nearly everywhere) it falls back to matching the n-th occurrence of each key with the
//! n-th on the other side and keeping the longest increasing run of those matches, in
//! O(n log n). Either way the cost is linear in the input, and the result depends on the
//! input only, never on the machine's speed.
//!
//! Secret values never reach a [`Difference`]: secret elements are masked in the
//! canonical tree ([`super::canonical`]), and every other value shown goes through the
//! value masker (a secret echoed in another field, e.g. a `Comment`).

use super::canonical::{Element, Tree};
use super::glob::glob_matches;
use crate::report::redact::{Redactor, MASK};
use crate::text::limits::{DIFF_ALIGN_WORK, MIN_SECRET_LEN};
use crate::text::path::{child, ChildPaths};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

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

/// Compares two canonical trees. The differences come in document order. Values shown
/// are masked: secret elements by the trees themselves, and echoes of their values in
/// other fields by a masker over both trees' secrets.
pub fn compare(expected: &Tree, actual: &Tree, opts: &Options) -> Vec<Difference> {
    let mask = echo_masker(&tree_secrets(&[expected, actual]));
    compare_masked(expected, actual, opts, &mask)
}

/// The masker for secret values echoed inside other values: the secret element itself is
/// masked in the tree whatever its length, but a value shorter than [`MIN_SECRET_LEN`]
/// (a Ticket `T` or `1` of a test suite) is not hunted for inside other values, where it
/// would mangle every date and number. The one place `diff` builds it (at merge: the
/// secrets module's masker).
pub(crate) fn echo_masker(secrets: &[String]) -> Redactor {
    let long: Vec<String> = secrets
        .iter()
        .filter(|s| s.chars().count() >= MIN_SECRET_LEN)
        .cloned()
        .collect();
    Redactor::new(&long)
}

/// The values of both trees' secret elements, for masking their echoes elsewhere.
pub(crate) fn tree_secrets(trees: &[&Tree]) -> Vec<String> {
    trees.iter().flat_map(|t| t.secret_values()).collect()
}

/// [`compare`] with the value masker given (see [`super::DiffReport::from_trees`]).
pub(crate) fn compare_masked(
    expected: &Tree,
    actual: &Tree,
    opts: &Options,
    mask: &Redactor,
) -> Vec<Difference> {
    let ctx = Ctx { opts, mask };
    let mut out = Vec::new();
    let (e, a) = (&expected.root, &actual.root);
    let (pe, pa) = (child("", &e.name, 1), child("", &a.name, 1));
    if e.key() == a.key() {
        if !opts.is_ignored(&pe) {
            compare_element(e, a, &pe, &ctx, &mut out);
        }
    } else {
        if !opts.is_ignored(&pe) {
            out.push(missing(e, pe, &ctx));
        }
        if !opts.is_ignored(&pa) {
            out.push(unexpected(a, pa, &ctx));
        }
    }
    out
}

/// What every step of a comparison reads.
struct Ctx<'a> {
    opts: &'a Options,
    /// Masks secret values echoed inside other values (never applied to paths or names).
    mask: &'a Redactor,
}

/// The path of each child: its local name, with `[n]` when it is not the first of its name.
pub(crate) fn child_paths(parent_path: &str, children: &[Element]) -> Vec<String> {
    let mut paths = ChildPaths::new(parent_path);
    children.iter().map(|c| paths.next(&c.name)).collect()
}

/// A short one-line form of an element for `expected`/`actual`.
fn summary(e: &Element, ctx: &Ctx<'_>) -> String {
    let name = e.display_name();
    if e.nil {
        format!("<{name} nil>")
    } else if !e.children.is_empty() {
        format!("<{name}>…</{name}>")
    } else {
        format!("<{name}>{}</{name}>", shown_value(e, ctx))
    }
}

/// The value of a leaf as it may be shown: a secret element's value is the mask (the tree
/// holds nothing else), any other value has echoed secrets masked.
fn shown_value(e: &Element, ctx: &Ctx<'_>) -> String {
    if e.secret.is_some() {
        MASK.to_string()
    } else {
        ctx.mask.text(&e.text)
    }
}

fn missing(e: &Element, path: String, ctx: &Ctx<'_>) -> Difference {
    Difference {
        path,
        kind: DiffKind::Missing,
        expected: Some(summary(e, ctx)),
        actual: None,
    }
}

fn unexpected(a: &Element, path: String, ctx: &Ctx<'_>) -> Difference {
    Difference {
        path,
        kind: DiffKind::Unexpected,
        expected: None,
        actual: Some(summary(a, ctx)),
    }
}

fn type_name(e: &Element) -> Option<String> {
    e.xsi_type
        .clone()
        .or_else(|| e.declared.map(|t| t.name().to_string()))
}

fn compare_element(e: &Element, a: &Element, path: &str, ctx: &Ctx<'_>, out: &mut Vec<Difference>) {
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
                summary(x, ctx)
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
    compare_attributes(e, a, path, ctx, out);
    if !compare_secret(e, a, path, ctx, out) {
        compare_value(e, a, path, ctx, out);
    }
    compare_children(e, a, path, ctx, out);
}

/// Attributes are sorted by (namespace, name) in the canonical tree: one binary search
/// per attribute, however many there are.
fn compare_attributes(
    e: &Element,
    a: &Element,
    path: &str,
    ctx: &Ctx<'_>,
    out: &mut Vec<Difference>,
) {
    let name = |ns: &str, n: &str| {
        if ns.is_empty() {
            format!("{path}/@{n}")
        } else {
            format!("{path}/@{{{ns}}}{n}")
        }
    };
    let find = |list: &[super::canonical::Attribute], ns: &str, n: &str| {
        list.binary_search_by(|x| (x.ns.as_str(), x.name.as_str()).cmp(&(ns, n)))
            .ok()
            .map(|i| i)
    };
    for ea in &e.attributes {
        match find(&a.attributes, &ea.ns, &ea.name).map(|i| &a.attributes[i]) {
            None => out.push(Difference {
                path: name(&ea.ns, &ea.name),
                kind: DiffKind::Missing,
                expected: Some(ctx.mask.text(&ea.value)),
                actual: None,
            }),
            Some(aa) if ctx.opts.mode == Mode::Exact && aa.value != ea.value => {
                out.push(Difference {
                    path: name(&ea.ns, &ea.name),
                    kind: DiffKind::Value,
                    expected: Some(ctx.mask.text(&ea.value)),
                    actual: Some(ctx.mask.text(&aa.value)),
                })
            }
            Some(_) => {}
        }
    }
    for aa in &a.attributes {
        if find(&e.attributes, &aa.ns, &aa.name).is_none() {
            out.push(Difference {
                path: name(&aa.ns, &aa.name),
                kind: DiffKind::Unexpected,
                expected: None,
                actual: Some(ctx.mask.text(&aa.value)),
            });
        }
    }
}

/// A secret element on either side: its value is compared through the tree's masked
/// record of it, and shown as the mask only. `false` when neither side is a secret.
///
/// A golden's masked value (`[REDACTED]`) matches any value; otherwise exact mode
/// compares the values, and element content where the other side has none is a type
/// difference (a Ticket is a string) in both modes.
fn compare_secret(
    e: &Element,
    a: &Element,
    path: &str,
    ctx: &Ctx<'_>,
    out: &mut Vec<Difference>,
) -> bool {
    if e.secret.is_none() && a.secret.is_none() {
        return false;
    }
    if e.secret.as_ref().is_some_and(|s| s.is_placeholder()) {
        return true;
    }
    fn content(x: &Element) -> (&str, bool) {
        match &x.secret {
            Some(s) => (s.content(), s.has_elements()),
            None => (x.text.as_str(), false),
        }
    }
    let ((ec, ee), (ac, ae)) = (content(e), content(a));
    if ae && !ee {
        out.push(Difference {
            path: path.to_string(),
            kind: DiffKind::Type,
            expected: Some(
                a.declared
                    .or(e.declared)
                    .map_or("string", |t| t.name())
                    .to_string(),
            ),
            actual: Some(MASK.to_string()),
        });
    } else if ctx.opts.mode == Mode::Exact && ec != ac {
        out.push(value_difference(e, a, path, ctx));
    }
    true
}

/// Character content: checked against the declared type (both modes), compared as a
/// value of that type (exact mode). A value that is not of its type is a type difference
/// unless the expected side holds the very same text: a document never differs from
/// itself, valid or not.
fn compare_value(e: &Element, a: &Element, path: &str, ctx: &Ctx<'_>, out: &mut Vec<Difference>) {
    let declared = a.declared.or(e.declared);
    let opts = ctx.opts;
    match declared {
        Some(t) if t.is_simple() => {
            if !t.accepts(&a.text) {
                if a.text != e.text {
                    out.push(Difference {
                        path: path.to_string(),
                        kind: DiffKind::Type,
                        expected: Some(t.name().to_string()),
                        actual: Some(shown_value(a, ctx)),
                    });
                }
                return;
            }
            if opts.mode == Mode::Exact && !t.same_value(&e.text, &a.text) {
                out.push(value_difference(e, a, path, ctx));
            }
        }
        Some(t) => {
            // Complex content: text is not allowed; report it rather than hide it.
            if !t.accepts(&a.text) && t.accepts(&e.text) {
                out.push(Difference {
                    path: path.to_string(),
                    kind: DiffKind::Type,
                    expected: Some(t.name().to_string()),
                    actual: Some(shown_value(a, ctx)),
                });
            } else if opts.mode == Mode::Exact && e.text != a.text {
                out.push(value_difference(e, a, path, ctx));
            }
        }
        None => {
            // Undeclared here: in shape mode only the presence of a value counts.
            let differs = match opts.mode {
                Mode::Exact => e.text != a.text,
                Mode::Shape => e.text.is_empty() != a.text.is_empty() && !e.children.is_empty(),
            };
            if differs {
                out.push(value_difference(e, a, path, ctx));
            }
        }
    }
}

fn value_difference(e: &Element, a: &Element, path: &str, ctx: &Ctx<'_>) -> Difference {
    Difference {
        path: path.to_string(),
        kind: DiffKind::Value,
        expected: Some(shown_value(e, ctx)),
        actual: Some(shown_value(a, ctx)),
    }
}

/// One side's children that are not ignored: (index among all children, path).
fn kept_children(path: &str, children: &[Element], opts: &Options) -> Vec<(usize, String)> {
    child_paths(path, children)
        .into_iter()
        .enumerate()
        .filter(|(_, p)| !opts.is_ignored(p))
        .collect()
}

fn compare_children(
    e: &Element,
    a: &Element,
    path: &str,
    ctx: &Ctx<'_>,
    out: &mut Vec<Difference>,
) {
    let (ek, ak) = (
        kept_children(path, &e.children, ctx.opts),
        kept_children(path, &a.children, ctx.opts),
    );
    if ek.is_empty() && ak.is_empty() {
        return;
    }
    let ekeys: Vec<(&str, &str)> = ek.iter().map(|(i, _)| e.children[*i].key()).collect();
    let akeys: Vec<(&str, &str)> = ak.iter().map(|(i, _)| a.children[*i].key()).collect();
    let (eids, aids) = intern(&ekeys, &akeys);
    let pairs = align(&eids, &aids).pairs;

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
    let mut unmatched_actual = Occurrences::new(&aids, |j| !a_matched[j]);
    for i in 0..ek.len() {
        if e_matched[i].is_some() {
            continue;
        }
        if let Some(j) = unmatched_actual.take(eids[i]) {
            moved[i] = Some(j);
            a_moved[j] = true;
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < ek.len() || j < ak.len() {
        if i < ek.len() && e_matched[i] == Some(j) {
            let (ei, ep) = &ek[i];
            let (aj, _) = &ak[j];
            compare_element(&e.children[*ei], &a.children[*aj], ep, ctx, out);
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
                    compare_element(&e.children[*ei], &a.children[*aj], ep, ctx, out);
                }
                None => out.push(missing(&e.children[*ei], ep.clone(), ctx)),
            }
            i += 1;
        } else if j < ak.len() {
            if !a_matched[j] && !a_moved[j] {
                let (aj, ap) = &ak[j];
                out.push(unexpected(&a.children[*aj], ap.clone(), ctx));
            }
            j += 1;
        } else {
            // Only matched expected members remain, whose partners were passed: cannot
            // happen with a consistent alignment, but never loop forever.
            i += 1;
        }
    }
}

/// Two sequences as small integers: equal items get equal ids (one hash per item, so
/// the alignment compares integers, never long lines).
pub(crate) fn intern<T: Hash + Eq>(a: &[T], b: &[T]) -> (Vec<u32>, Vec<u32>) {
    fn id_of<'a, T: Hash + Eq>(ids: &mut HashMap<&'a T, u32>, x: &'a T) -> u32 {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        *ids.entry(x).or_insert(next)
    }
    let mut ids: HashMap<&T, u32> = HashMap::new();
    let a_ids: Vec<u32> = a.iter().map(|x| id_of(&mut ids, x)).collect();
    let b_ids: Vec<u32> = b.iter().map(|x| id_of(&mut ids, x)).collect();
    (a_ids, b_ids)
}

/// A common subsequence of two sequences: index pairs, increasing on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alignment {
    pub pairs: Vec<(usize, usize)>,
    /// Whether the pairs are a longest common subsequence; `false` when the work bound
    /// was reached and the occurrence fallback aligned the middle part.
    pub exact: bool,
}

/// Aligns two sequences: a longest common subsequence when the edit distance is small
/// enough for [`DIFF_ALIGN_WORK`], else a common subsequence found in O(n log n).
pub(crate) fn align(a: &[u32], b: &[u32]) -> Alignment {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra
        .iter()
        .rev()
        .zip(rb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&ra[..ra.len() - suffix], &rb[..rb.len() - suffix]);
    let mut pairs: Vec<(usize, usize)> = (0..prefix).map(|k| (k, k)).collect();
    let max_d = DIFF_ALIGN_WORK / (ma.len() + mb.len() + 1);
    let (middle, exact) = match myers_bounded(ma, mb, max_d) {
        Some(p) => (p, true),
        None => (occurrence_lis(ma, mb), false),
    };
    pairs.extend(middle.into_iter().map(|(i, j)| (i + prefix, j + prefix)));
    let (sa, sb) = (prefix + ma.len(), prefix + mb.len());
    pairs.extend((0..suffix).map(|k| (sa + k, sb + k)));
    Alignment { pairs, exact }
}

/// Myers' greedy algorithm, giving up (`None`) when the edit distance passes `max_d`.
/// Work O((n + m) · d) and memory O(d²), d ≤ `max_d`.
fn myers_bounded(a: &[u32], b: &[u32], max_d: usize) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (
        isize::try_from(a.len()).ok()?,
        isize::try_from(b.len()).ok()?,
    );
    let max_d = isize::try_from(max_d).ok()?.min(n + m);
    let off = max_d + 1;
    let mut v = vec![0isize; usize::try_from(2 * max_d + 3).ok()?];
    let at = |k: isize| usize::try_from(k + off).unwrap_or(0);
    // trace[d][k + d] = the furthest x on diagonal k = x - y after d edits.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max_d {
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a.get(x as usize) == b.get(y as usize) {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                trace.push(v[at(-d)..=at(d)].to_vec());
                return Some(backtrack(&trace, n, m));
            }
        }
        trace.push(v[at(-d)..=at(d)].to_vec());
    }
    None
}

/// The matched pairs of the path Myers' forward pass found, read back from its trace.
fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    let get = |row: &[isize], i: isize| usize::try_from(i).ok().and_then(|i| row.get(i).copied());
    for d in (1..trace.len()).rev() {
        let (prev, di) = (&trace[d - 1], d as isize);
        let k = x - y;
        // In `prev`, diagonal k' is at k' + d - 1.
        let (above, below) = (get(prev, k + 1 + di - 1), get(prev, k - 1 + di - 1));
        let down = k == -di || (k != di && below < above);
        let (px, py, sx, sy) = if down {
            let px = above.unwrap_or(0);
            (px, px - k - 1, px, px - k)
        } else {
            let px = below.unwrap_or(0);
            (px, px - k + 1, px + 1, px - k + 1)
        };
        while x > sx && y > sy {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        x = px;
        y = py;
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        pairs.push((x as usize, y as usize));
    }
    pairs.reverse();
    pairs
}

/// The positions of each id in a sequence, handed out first to last: flat arrays (a
/// counting sort), so a hundred thousand distinct ids cost no more than one.
struct Occurrences {
    /// `positions[start[id]..start[id + 1]]` are the positions of `id`, in order.
    start: Vec<usize>,
    positions: Vec<usize>,
    /// The next position of each id to hand out.
    next: Vec<usize>,
}

impl Occurrences {
    /// The positions `j` of `ids` for which `keep(j)`.
    fn new(ids: &[u32], keep: impl Fn(usize) -> bool) -> Self {
        let k = ids.iter().max().map_or(0, |m| *m as usize + 1);
        let mut start = vec![0usize; k + 1];
        for (j, id) in ids.iter().enumerate() {
            if keep(j) {
                start[*id as usize + 1] += 1;
            }
        }
        for i in 0..k {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut positions = vec![0usize; start[k]];
        for (j, id) in ids.iter().enumerate() {
            if keep(j) {
                positions[fill[*id as usize]] = j;
                fill[*id as usize] += 1;
            }
        }
        let next = start.clone();
        Occurrences {
            start,
            positions,
            next,
        }
    }

    /// The next position of `id` not handed out yet.
    fn take(&mut self, id: u32) -> Option<usize> {
        let id = id as usize;
        let at = *self.next.get(id)?;
        if at < *self.start.get(id + 1)? {
            self.next[id] += 1;
            self.positions.get(at).copied()
        } else {
            None
        }
    }
}

/// The fallback alignment: the n-th occurrence of each item matched with its n-th on the
/// other side, then the longest run of matches increasing on both sides (patience
/// sorting with back links), in O(n log n).
fn occurrence_lis(a: &[u32], b: &[u32]) -> Vec<(usize, usize)> {
    let mut in_b = Occurrences::new(b, |_| true);
    let candidates: Vec<(usize, usize)> = a
        .iter()
        .enumerate()
        .filter_map(|(i, id)| in_b.take(*id).map(|j| (i, j)))
        .collect();
    let mut tails: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; candidates.len()];
    for (c, &(_, j)) in candidates.iter().enumerate() {
        let pos = tails.partition_point(|&t| candidates[t].1 < j);
        back[c] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(c);
        } else {
            tails[pos] = c;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(c) = at {
        out.push(candidates[c]);
        at = back[c];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcs_len(a: &[u32], b: &[u32]) -> usize {
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                dp[i][j] = if a[i] == b[j] {
                    dp[i + 1][j + 1] + 1
                } else {
                    dp[i + 1][j].max(dp[i][j + 1])
                };
            }
        }
        dp[0][0]
    }

    fn is_common(p: &[(usize, usize)], a: &[u32], b: &[u32]) -> bool {
        p.iter().all(|&(i, j)| a[i] == b[j])
            && p.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1)
    }

    #[test]
    fn lcs_skips_one_missing() {
        let a = [1, 2, 3, 4];
        let b = [1, 3, 4];
        assert_eq!(align(&a, &b).pairs, vec![(0, 0), (2, 1), (3, 2)]);
    }

    #[test]
    fn bounded_myers_finds_a_longest_common_subsequence() {
        // Small pseudo-random sequences over a small alphabet, checked against the DP.
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % 4
        };
        for round in 0..300 {
            let (la, lb) = (round % 13, (round * 7) % 11);
            let a: Vec<u32> = (0..la).map(|_| next()).collect();
            let b: Vec<u32> = (0..lb).map(|_| next()).collect();
            let got = align(&a, &b);
            assert!(got.exact);
            assert!(is_common(&got.pairs, &a, &b), "{a:?} {b:?} {:?}", got.pairs);
            assert_eq!(got.pairs.len(), lcs_len(&a, &b), "{a:?} {b:?}");
            let fallback = occurrence_lis(&a, &b);
            assert!(is_common(&fallback, &a, &b), "{a:?} {b:?} {fallback:?}");
        }
    }

    #[test]
    fn past_the_work_bound_the_fallback_still_aligns() {
        // Two long sequences with nothing in common in the middle: the bounded search
        // gives up, and the fallback keeps the common prefix, suffix and what repeats.
        let n = 20_000u32;
        let a: Vec<u32> = (0..n).collect();
        let b: Vec<u32> = (0..n).map(|x| if x % 2 == 0 { x } else { x + n }).collect();
        let got = align(&a, &b);
        assert!(!got.exact);
        assert!(is_common(&got.pairs, &a, &b));
        assert_eq!(got.pairs.len(), (n / 2) as usize);
    }
}
