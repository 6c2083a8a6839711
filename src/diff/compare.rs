//! Comparing two canonical trees.
//!
//! Children are aligned by (namespace, local name) with a longest common subsequence, so
//! one missing member gives one `missing` difference rather than a cascade; a member
//! present on both sides but out of that alignment gives one `order` difference.
//!
//! The alignment is [`super::align`]'s: a longest common subsequence up to a fixed amount
//! of work, an O(n log n) one past it; linear in the input either way.
//!
//! In shape mode the SOAP `Header` is compared as a set of blocks, not as a sequence
//! ([`super::headers`]): contract blocks are optional members, blocks of other namespaces
//! are [`DiffKind::ExtraHeader`].
//!
//! Secret values never reach a [`Difference`]: secret elements are masked in the
//! canonical tree ([`super::canonical`]), and every other value shown goes through the
//! value masker (a secret echoed in another field, e.g. a `Comment`).

use super::align::{align, intern, Occurrences};
use super::canonical::{Element, Tree};
use super::glob::glob_matches;
use super::headers;
use crate::contract::{ContractChoice, Kind, Operation, SoapVersion, NS_SOAP11};
use crate::secrets::{Masker, MASK};
use crate::text::limits::MIN_SECRET_LEN;
use crate::text::path::{child, ChildPaths};
use serde::Serialize;
use std::fmt;

/// How values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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
    /// The mode's name on the command line and in JSON: `"shape"` or `"exact"`.
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
    /// How values are compared.
    pub mode: Mode,
    /// Globs over element paths (see [`super::glob_matches`]); an ignored element and its
    /// subtree give no differences, on either side.
    pub ignore: Vec<String>,
    /// Shape mode: header blocks of other namespaces than the contract's (without
    /// `mustUnderstand`) count as differences. Without it they are listed as
    /// [`DiffKind::ExtraHeader`] and leave the verdict equal. Exact mode reports every
    /// block that is not on both sides anyway.
    pub strict_headers: bool,
    /// The contract version both documents are held to: `Auto` (the default) takes each
    /// document's from its payload namespace; a version is applied to both sides (a
    /// document written in another is then a [`DiffKind::Contract`] difference).
    pub contract: ContractChoice,
}

impl Options {
    /// [`Mode::Shape`], nothing ignored: for comparing with a documented example, whose values
    /// are placeholders. (Mutation testing: `Default::default()` for the body is equivalent,
    /// being the body; `modes_read_back_their_names` pins that the default is shape mode.)
    pub fn shape() -> Options {
        Options::default()
    }

    /// [`Mode::Exact`], nothing ignored: for comparing with a golden whose values matter.
    pub fn exact() -> Options {
        Options {
            mode: Mode::Exact,
            ..Options::default()
        }
    }

    /// Sets [`Options::strict_headers`]: extra header blocks count as differences.
    pub fn with_strict_headers(mut self) -> Options {
        self.strict_headers = true;
        self
    }

    /// Whether a difference of this kind decides the verdict under these options: every kind
    /// does, [`DiffKind::ExtraHeader`] only with [`Options::strict_headers`].
    pub fn counts(&self, kind: DiffKind) -> bool {
        kind != DiffKind::ExtraHeader || self.strict_headers
    }

    /// Sets [`Options::contract`]: the contract version both documents are held to.
    pub fn with_contract(mut self, contract: ContractChoice) -> Options {
        self.contract = contract;
        self
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
    /// Shape mode: a header block of another namespace than the contract's, without
    /// `mustUnderstand`, in the actual document only (WS-Addressing's `Action`, ...). Legal
    /// SOAP that the service ignores: listed, but a difference only with
    /// [`Options::strict_headers`].
    #[serde(rename = "extra-header")]
    ExtraHeader,
    /// The documents are of different contract versions (their payload namespaces name
    /// Services85 and Services88, say), or a document is held to another version than the
    /// one it is written in ([`Options::contract`]): one entry at the root, naming both;
    /// the members the versions differ by are then their own differences.
    Contract,
}

impl DiffKind {
    /// The kind's name in reports and JSON (`"missing"`, `"order"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::Missing => "missing",
            DiffKind::Unexpected => "unexpected",
            DiffKind::Order => "order",
            DiffKind::Value => "value",
            DiffKind::Type => "type",
            DiffKind::Nil => "nil",
            DiffKind::ExtraHeader => "extra-header",
            DiffKind::Contract => "contract",
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
    /// What kind of difference it is.
    pub kind: DiffKind,
    /// What the expected side holds there, masked (an element's name, a value, or `member 2 of
    /// 5` for an order difference); `None` where it holds nothing.
    pub expected: Option<String>,
    /// What the actual side holds there, masked, in the same manner; `None` where it holds
    /// nothing.
    pub actual: Option<String>,
}

/// Compares two canonical trees. The differences come in document order (in shape mode, a
/// Header's blocks: the expected side's in its order, then those of the actual side only).
/// Entries of kind [`DiffKind::ExtraHeader`] are among them; whether they count is
/// [`Options::counts`]. Values shown are masked: secret elements by the trees themselves, and echoes of their values in
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
pub(crate) fn echo_masker(secrets: &[String]) -> Masker {
    let long: Vec<String> = secrets
        .iter()
        .filter(|s| s.chars().count() >= MIN_SECRET_LEN)
        .cloned()
        .collect();
    Masker::new(&long)
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
    mask: &Masker,
) -> Vec<Difference> {
    let body_kind = |t: &Tree| {
        t.body_child().and_then(|c| {
            if c.ns == NS_SOAP11 && c.name == "Fault" {
                Some(Kind::Fault)
            } else {
                Operation::from_wrapper(&c.name).map(|(_, k)| k)
            }
        })
    };
    let ctx = Ctx {
        opts,
        mask,
        kind: body_kind(expected).or_else(|| body_kind(actual)),
        actual_version: actual.soap_version,
    };
    let mut out = Vec::new();
    let with_header = match opts.mode {
        Mode::Shape => headers::with_empty_header(expected, actual),
        Mode::Exact => None,
    };
    let e = with_header.as_ref().unwrap_or(&expected.root);
    let a = &actual.root;
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
pub(super) struct Ctx<'a> {
    pub(super) opts: &'a Options,
    /// Masks secret values echoed inside other values (never applied to paths or names).
    pub(super) mask: &'a Masker,
    /// What the message is, as the expected side's Body says (else the actual side's).
    pub(super) kind: Option<Kind>,
    /// The SOAP version of the actual envelope as written (for `mustUnderstand`).
    pub(super) actual_version: Option<SoapVersion>,
}

/// The path of each child: its local name, with `[n]` when it is not the first of its name.
pub(crate) fn child_paths(parent_path: &str, children: &[Element]) -> Vec<String> {
    let mut paths = ChildPaths::new(parent_path);
    children.iter().map(|c| paths.next(&c.name)).collect()
}

/// A short one-line form of an element for `expected`/`actual`.
pub(super) fn summary(e: &Element, ctx: &Ctx<'_>) -> String {
    let name = shown_name(e, ctx.mask);
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
        ctx.mask.inside(&e.text)
    }
}

pub(super) fn missing(e: &Element, path: String, ctx: &Ctx<'_>) -> Difference {
    Difference {
        path,
        kind: DiffKind::Missing,
        expected: Some(summary(e, ctx)),
        actual: None,
    }
}

pub(super) fn unexpected(a: &Element, path: String, ctx: &Ctx<'_>) -> Difference {
    Difference {
        path,
        kind: DiffKind::Unexpected,
        expected: None,
        actual: Some(summary(a, ctx)),
    }
}

/// An element's name as shown ([`Element::display_name`]), with secret values echoed in a
/// namespace URI (document content, like any attribute value) masked.
pub(crate) fn shown_name(e: &Element, mask: &Masker) -> String {
    let name = e.display_name();
    if name.starts_with('{') {
        format!("{{{}}}{}", mask.inside(&e.ns), e.name)
    } else {
        name
    }
}

fn type_name(e: &Element, ctx: &Ctx<'_>) -> Option<String> {
    e.xsi_type
        .as_deref()
        .map(|t| ctx.mask.inside(t))
        .or_else(|| e.declared.map(|t| t.name().to_string()))
}

pub(super) fn compare_element(
    e: &Element,
    a: &Element,
    path: &str,
    ctx: &Ctx<'_>,
    out: &mut Vec<Difference>,
) {
    if e.xsi_type != a.xsi_type {
        out.push(Difference {
            path: path.to_string(),
            kind: DiffKind::Type,
            expected: type_name(e, ctx),
            actual: type_name(a, ctx),
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
    if ctx.opts.mode == Mode::Shape && headers::is_header(e) {
        headers::compare_blocks(e, a, path, ctx, out);
    } else {
        compare_children(e, a, path, ctx, out);
    }
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
            format!("{path}/@{{{}}}{n}", ctx.mask.inside(ns))
        }
    };
    let find = |list: &[super::canonical::Attribute], ns: &str, n: &str| {
        list.binary_search_by(|x| (x.ns.as_str(), x.name.as_str()).cmp(&(ns, n)))
            .ok()
    };
    for ea in &e.attributes {
        match find(&a.attributes, &ea.ns, &ea.name).map(|i| &a.attributes[i]) {
            None => out.push(Difference {
                path: name(&ea.ns, &ea.name),
                kind: DiffKind::Missing,
                expected: Some(ctx.mask.inside(&ea.value)),
                actual: None,
            }),
            Some(aa) if ctx.opts.mode == Mode::Exact && aa.value != ea.value => {
                out.push(Difference {
                    path: name(&ea.ns, &ea.name),
                    kind: DiffKind::Value,
                    expected: Some(ctx.mask.inside(&ea.value)),
                    actual: Some(ctx.mask.inside(&aa.value)),
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
                actual: Some(ctx.mask.inside(&aa.value)),
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
            // Undeclared here. In shape mode a leaf's value is data, as a declared
            // string's is, and is not compared; in an element with children, text
            // appearing or vanishing is a change of structure, as in complex content.
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
pub(super) fn kept_children(
    path: &str,
    children: &[Element],
    opts: &Options,
) -> Vec<(usize, String)> {
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
    // The alignment's pairs rise on both sides, so no actual member between two
    // matched ones is matched: each passed member not moved is unexpected.
    let pass = |from: usize, upto: usize, out: &mut Vec<Difference>| {
        for j in from..upto {
            if !a_moved[j] {
                let (aj, ap) = &ak[j];
                out.push(unexpected(&a.children[*aj], ap.clone(), ctx));
            }
        }
    };
    // The first actual member not yet passed.
    let mut next = 0;
    for (i, (ei, ep)) in ek.iter().enumerate() {
        match (e_matched[i], moved[i]) {
            (Some(j), _) => {
                pass(next, j, out);
                let (aj, _) = &ak[j];
                compare_element(&e.children[*ei], &a.children[*aj], ep, ctx, out);
                next = j + 1;
            }
            (None, Some(mj)) => {
                let (aj, _) = &ak[mj];
                out.push(Difference {
                    path: ep.clone(),
                    kind: DiffKind::Order,
                    expected: Some(format!("member {} of {}", i + 1, ek.len())),
                    actual: Some(format!("member {} of {}", mj + 1, ak.len())),
                });
                compare_element(&e.children[*ei], &a.children[*aj], ep, ctx, out);
            }
            (None, None) => out.push(missing(&e.children[*ei], ep.clone(), ctx)),
        }
    }
    pass(next, ak.len(), out);
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
