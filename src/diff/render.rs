//! Printing: the canonical form of a tree as stable text, and the human and JSON forms
//! of a diff report.

use super::align::{align, intern};
use super::canonical::{Element, Tree};
use super::compare::{child_paths, shown_name, Difference, Mode, Options};
use super::DiffReport;
use crate::secrets::{Masker, MASK};
use crate::text::limits::DIFF_MAX_LINES;
use crate::text::path::child;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const EMPHASIS: &str = "\x1b[1;7m";
const RESET: &str = "\x1b[0m";

/// The canonical form of a tree as text: one element per line, indented two spaces per
/// level, `<LocalName>` then the value. In shape mode a value valid for its declared type
/// prints as the type's name (`<RelationId> int`), since only the type is compared; other
/// values print quoted. Ignored elements are left out. Secret elements show the mask (the
/// tree holds nothing else); every other value goes through `masker` before it is
/// quoted, so a secret echoed in another field is masked too. Names are never masked.
pub fn canonical_text(tree: &Tree, opts: &Options, masker: &Masker) -> String {
    let mut out = String::new();
    let path = child("", &tree.root.name, 1);
    if !opts.is_ignored(&path) {
        write_element(&mut out, &tree.root, &path, 0, opts, masker);
    }
    out
}

fn write_element(
    out: &mut String,
    e: &Element,
    path: &str,
    depth: usize,
    opts: &Options,
    masker: &Masker,
) {
    let name = shown_name(e, masker);
    let mut line = format!("{:indent$}<{name}", "", indent = depth * 2);
    for a in &e.attributes {
        let value = masker.inside(&a.value);
        if a.ns.is_empty() {
            let _ = write!(line, " @{}={value:?}", a.name);
        } else {
            let _ = write!(line, " @{{{}}}{}={value:?}", masker.inside(&a.ns), a.name);
        }
    }
    if let Some(t) = &e.xsi_type {
        let _ = write!(line, " xsi:type={}", masker.inside(t));
    }
    line.push('>');
    if e.nil {
        line.push_str(" nil");
    } else if !e.text.is_empty() || (e.children.is_empty() && is_leaf_type(e)) {
        line.push(' ');
        line.push_str(&shown_text(e, opts, masker));
    }
    out.push_str(&line);
    out.push('\n');
    let paths = child_paths(path, &e.children);
    for (c, p) in e.children.iter().zip(paths) {
        if !opts.is_ignored(&p) {
            write_element(out, c, &p, depth + 1, opts, masker);
        }
    }
}

fn is_leaf_type(e: &Element) -> bool {
    e.declared.is_none_or(|t| t.is_simple())
}

fn shown_text(e: &Element, opts: &Options, masker: &Masker) -> String {
    if e.secret.is_some() {
        return format!("{MASK:?}");
    }
    match (opts.mode, e.declared) {
        (Mode::Shape, Some(t)) if t.is_simple() && t.accepts(&e.text) => t.name().to_string(),
        _ => format!("{:?}", masker.inside(&e.text)),
    }
}

/// The JSON form: one object `{"capture", "against", "mode", "strict_headers", "contract",
/// "equal", "differences", "extra_headers"}`.
pub fn json(report: &DiffReport) -> String {
    serde_json::to_string(report).unwrap_or_else(|e| {
        // Serialising plain strings and enums cannot fail; say so rather than panic.
        format!("{{\"error\":{:?}}}", e.to_string())
    })
}

/// The human form: the differences (then the extra header blocks, not counted), then a
/// unified diff of the two canonical forms. An equal report lists its extra header blocks
/// and shows no unified diff.
pub fn human(report: &DiffReport, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let contract = if report.contract.expected == report.contract.actual {
        format!("contract {}", report.contract.actual)
    } else {
        format!(
            "contracts {} against {}",
            report.contract.actual, report.contract.expected
        )
    };
    let _ = writeln!(
        out,
        "{} {} against {} ({} mode, {contract})",
        paint(BOLD, "diff:"),
        report.capture,
        report.against,
        report.mode
    );
    let extra = report.extra_headers.len();
    let extra_words = format!(
        "{extra} extra header block{} of other namespaces, not counted (--strict-headers counts them)",
        if extra == 1 { "" } else { "s" }
    );
    if report.equal {
        if extra == 0 {
            let _ = writeln!(out, "equal: no differences");
        } else {
            let _ = writeln!(out, "equal: no differences; {extra_words}:");
            write_entries(&mut out, &report.extra_headers, &paint);
        }
        return out;
    }
    let n = report.differences.len();
    let _ = write!(out, "{} difference{}", n, if n == 1 { "" } else { "s" });
    if extra > 0 {
        let _ = write!(out, "; {extra_words}");
    }
    out.push_str(":\n");
    let mut all: Vec<&Difference> = report.differences.iter().collect();
    all.extend(&report.extra_headers);
    write_entries(&mut out, all, &paint);
    if report.expected_text != report.actual_text {
        out.push('\n');
        out.push_str(&unified(
            &report.expected_text,
            &report.actual_text,
            &format!("expected: {}", report.against),
            &format!("actual: {}", report.capture),
            color,
        ));
    }
    out
}

/// One line per entry: kind, path, expected → actual.
fn write_entries<'d>(
    out: &mut String,
    entries: impl IntoIterator<Item = &'d Difference>,
    paint: &dyn Fn(&str, &str) -> String,
) {
    let entries: Vec<&Difference> = entries.into_iter().collect();
    let width = entries
        .iter()
        .map(|d| d.kind.as_str().len())
        .max()
        .unwrap_or(0);
    for d in entries {
        let kind = format!("{:width$}", d.kind.as_str());
        let _ = writeln!(
            out,
            "  {} {}: {} \u{2192} {}",
            paint(BOLD, &kind),
            d.path,
            d.expected.as_deref().unwrap_or("(none)"),
            d.actual.as_deref().unwrap_or("(none)"),
        );
    }
}

/// A unified diff of two texts; with `color`, removed lines red, added green, and the
/// changed words inside them emphasised.
///
/// Linear in the texts: the lines are aligned by the diff's bounded alignment (`align`) (exact up to a
/// fixed amount of work, then an O(n log n) approximation, which the output then says),
/// and at most [`DIFF_MAX_LINES`] lines of diff are written: past them the output is cut
/// and says how many lines were left out.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let (ol, nl): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let (oi, ni) = intern(&ol, &nl);
    let alignment = align(&oi, &ni);
    let groups = similar::group_diff_ops(ops_from_pairs(&alignment.pairs, ol.len(), nl.len()), 3);
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(RED, &format!("--- {old_name}")));
    let _ = writeln!(out, "{}", paint(GREEN, &format!("+++ {new_name}")));
    let mut lines = Lines {
        out,
        written: 0,
        left_out: 0,
    };
    for group in &groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (os, oe) = (first.old_range().start, last.old_range().end);
        let (ns, ne) = (first.new_range().start, last.new_range().end);
        let header = format!("@@ -{} +{} @@", hunk_range(os, oe), hunk_range(ns, ne));
        lines.push(paint(CYAN, &header));
        for op in group {
            write_op(&mut lines, op, &ol, &nl, color);
        }
    }
    let mut out = lines.out;
    if !alignment.exact {
        let _ = writeln!(
            out,
            "\u{2026} the texts differ in too many places for a shortest line diff: this one \
             is approximate (the differences listed above are complete)"
        );
    }
    if lines.left_out > 0 {
        let _ = writeln!(
            out,
            "\u{2026} the unified diff is cut after {DIFF_MAX_LINES} lines: {} more left out \
             (the differences listed above are complete)",
            lines.left_out
        );
    }
    out
}

/// The lines of a unified diff as they are written, up to [`DIFF_MAX_LINES`].
struct Lines {
    out: String,
    written: usize,
    left_out: usize,
}

impl Lines {
    fn push(&mut self, line: String) {
        if self.written < DIFF_MAX_LINES {
            self.out.push_str(&line);
            self.out.push('\n');
            self.written += 1;
        } else {
            self.left_out += 1;
        }
    }

    fn full(&self) -> bool {
        self.written >= DIFF_MAX_LINES
    }
}

/// The lines of one diff operation: context, removed, added (changed words emphasised
/// with `color`).
fn write_op(lines: &mut Lines, op: &similar::DiffOp, old: &[&str], new: &[&str], color: bool) {
    let (or, nr) = (op.old_range(), op.new_range());
    if let similar::DiffOp::Equal { .. } = op {
        for l in &old[or] {
            lines.push(format!(" {l}"));
        }
        return;
    }
    let paired = if color { or.len().min(nr.len()) } else { 0 };
    let mut added = Vec::with_capacity(nr.len());
    for (k, l) in old[or.clone()].iter().enumerate() {
        if lines.full() {
            // Only counted from here on: no more emphasis work for lines never shown.
            lines.left_out += 1;
            continue;
        }
        if k < paired {
            let (o, n) = emphasise(l, new[nr.start + k]);
            lines.push(format!("{RED}-{o}{RESET}"));
            added.push(format!("{GREEN}+{n}{RESET}"));
        } else if color {
            lines.push(format!("{RED}-{l}{RESET}"));
        } else {
            lines.push(format!("-{l}"));
        }
    }
    for (k, l) in new[nr].iter().enumerate() {
        match added.get_mut(k) {
            Some(line) => lines.push(std::mem::take(line)),
            None if color => lines.push(format!("{GREEN}+{l}{RESET}")),
            None => lines.push(format!("+{l}")),
        }
    }
}

/// Longest line whose changed words are emphasised; longer ones are coloured whole.
const MAX_EMPHASIS_LINE: usize = 500;

/// A removed and an added line with the words that differ emphasised (inside the line's
/// own colour).
fn emphasise(old: &str, new: &str) -> (String, String) {
    if old.len() > MAX_EMPHASIS_LINE || new.len() > MAX_EMPHASIS_LINE {
        return (old.to_string(), new.to_string());
    }
    let diff = TextDiff::from_words(old, new);
    let (mut o, mut n) = (String::new(), String::new());
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                o.push_str(value);
                n.push_str(value);
            }
            ChangeTag::Delete => {
                let _ = write!(o, "{EMPHASIS}{value}{RESET}{RED}");
            }
            ChangeTag::Insert => {
                let _ = write!(n, "{EMPHASIS}{value}{RESET}{GREEN}");
            }
        }
    }
    (o, n)
}

/// The diff operations of an alignment of `n` old and `m` new items.
fn ops_from_pairs(pairs: &[(usize, usize)], n: usize, m: usize) -> Vec<similar::DiffOp> {
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    let gap = |ops: &mut Vec<similar::DiffOp>, i: usize, j: usize, to_i: usize, to_j: usize| {
        let (old_len, new_len) = (to_i - i, to_j - j);
        match (old_len, new_len) {
            (0, 0) => {}
            (_, 0) => ops.push(similar::DiffOp::Delete {
                old_index: i,
                old_len,
                new_index: j,
            }),
            (0, _) => ops.push(similar::DiffOp::Insert {
                old_index: i,
                new_index: j,
                new_len,
            }),
            _ => ops.push(similar::DiffOp::Replace {
                old_index: i,
                old_len,
                new_index: j,
                new_len,
            }),
        }
    };
    let mut k = 0;
    while k < pairs.len() {
        let (pi, pj) = pairs[k];
        gap(&mut ops, i, j, pi, pj);
        let mut len = 1;
        while k + len < pairs.len() && pairs[k + len] == (pi + len, pj + len) {
            len += 1;
        }
        ops.push(similar::DiffOp::Equal {
            old_index: pi,
            new_index: pj,
            len,
        });
        i = pi + len;
        j = pj + len;
        k += len;
    }
    gap(&mut ops, i, j, n, m);
    ops
}

/// `start,len` as a unified diff hunk header writes it (1-based start).
fn hunk_range(start: usize, end: usize) -> String {
    let len = end - start;
    let first = if len == 0 { start } else { start + 1 };
    if len == 1 {
        first.to_string()
    } else {
        format!("{first},{len}")
    }
}
