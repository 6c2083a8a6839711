//! Printing: the canonical form of a tree as stable text, and the human and JSON forms
//! of a diff report.

use super::canonical::{Element, Tree};
use super::compare::{child_paths, Mode, Options};
use super::DiffReport;
use crate::capture::SECRET_ELEMENTS;
use crate::report::redact::{Redactor, MASK};
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
/// values print quoted. Ignored elements are left out; secrets are masked.
pub fn canonical_text(tree: &Tree, opts: &Options, redactor: &Redactor) -> String {
    let mut out = String::new();
    let path = format!("/{}", tree.root.name);
    if !opts.is_ignored(&path) {
        write_element(&mut out, &tree.root, &path, 0, opts, redactor);
    }
    out
}

fn write_element(
    out: &mut String,
    e: &Element,
    path: &str,
    depth: usize,
    opts: &Options,
    redactor: &Redactor,
) {
    let mut line = format!("{:indent$}<{}", "", e.display_name(), indent = depth * 2);
    for a in &e.attributes {
        if a.ns.is_empty() {
            let _ = write!(line, " @{}={:?}", a.name, a.value);
        } else {
            let _ = write!(line, " @{{{}}}{}={:?}", a.ns, a.name, a.value);
        }
    }
    if let Some(t) = &e.xsi_type {
        let _ = write!(line, " xsi:type={t}");
    }
    line.push('>');
    if e.nil {
        line.push_str(" nil");
    } else if !e.text.is_empty() || (e.children.is_empty() && is_leaf_type(e)) {
        line.push(' ');
        line.push_str(&shown_text(e, opts));
    }
    out.push_str(&redactor.text(&line));
    out.push('\n');
    let paths = child_paths(path, &e.children);
    for (c, p) in e.children.iter().zip(paths) {
        if !opts.is_ignored(&p) {
            write_element(out, c, &p, depth + 1, opts, redactor);
        }
    }
}

fn is_leaf_type(e: &Element) -> bool {
    e.declared.is_none_or(|t| t.is_simple())
}

fn shown_text(e: &Element, opts: &Options) -> String {
    if SECRET_ELEMENTS.contains(&e.name.as_str()) && !e.text.is_empty() {
        return format!("{MASK:?}");
    }
    match (opts.mode, e.declared) {
        (Mode::Shape, Some(t)) if t.is_simple() && t.accepts(&e.text) => t.name().to_string(),
        _ => format!("{:?}", e.text),
    }
}

/// The JSON form: one object `{"capture", "against", "mode", "equal", "differences"}`.
pub fn json(report: &DiffReport) -> String {
    serde_json::to_string(report).unwrap_or_else(|e| {
        // Serialising plain strings and enums cannot fail; say so rather than panic.
        format!("{{\"error\":{:?}}}", e.to_string())
    })
}

/// The human form: the differences, then a unified diff of the two canonical forms.
pub fn human(report: &DiffReport, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} against {} ({} mode)",
        paint(BOLD, "diff:"),
        report.capture,
        report.against,
        report.mode
    );
    if report.equal {
        let _ = writeln!(out, "equal: no differences");
        return out;
    }
    let n = report.differences.len();
    let _ = writeln!(out, "{} difference{}:", n, if n == 1 { "" } else { "s" });
    let width = report
        .differences
        .iter()
        .map(|d| d.kind.as_str().len())
        .max()
        .unwrap_or(0);
    for d in &report.differences {
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

/// A unified diff of two texts; with `color`, removed lines red, added green, and the
/// changed words inside them emphasised.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    if !color {
        return diff
            .unified_diff()
            .context_radius(3)
            .header(old_name, new_name)
            .to_string();
    }
    let mut out = String::new();
    let _ = writeln!(out, "{RED}--- {old_name}{RESET}");
    let _ = writeln!(out, "{GREEN}+++ {new_name}{RESET}");
    for group in diff.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (os, oe) = (first.old_range().start, last.old_range().end);
        let (ns, ne) = (first.new_range().start, last.new_range().end);
        let _ = writeln!(
            out,
            "{CYAN}@@ -{} +{} @@{RESET}",
            hunk_range(os, oe),
            hunk_range(ns, ne)
        );
        for op in &group {
            for change in diff.iter_inline_changes(op) {
                let (sign, code) = match change.tag() {
                    ChangeTag::Delete => ("-", RED),
                    ChangeTag::Insert => ("+", GREEN),
                    ChangeTag::Equal => (" ", ""),
                };
                out.push_str(code);
                out.push_str(sign);
                for (emphasised, value) in change.iter_strings_lossy() {
                    // The line end stays outside the colours.
                    let value = value.trim_end_matches(['\n', '\r']);
                    if emphasised && !value.is_empty() {
                        let _ = write!(out, "{EMPHASIS}{value}{RESET}{code}");
                    } else {
                        out.push_str(value);
                    }
                }
                if !code.is_empty() {
                    out.push_str(RESET);
                }
                out.push('\n');
            }
        }
    }
    out
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
