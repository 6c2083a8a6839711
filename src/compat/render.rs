//! `compat`'s report as text for a person, as JSON, and as Markdown to paste into an
//! upgrade ticket. Each is a string: the library never prints.

use super::{Entry, Judgement, Report};
use std::fmt::Write;

/// The sides of the exchange, as the reports name them.
const SIDES: [&str; 3] = [
    "requests the client sends",
    "responses, strict XSD client",
    "responses, WCF DataContractSerializer client",
];

fn sides(e: &Entry) -> [&Judgement; 3] {
    [&e.request, &e.response_xsd, &e.response_wcf]
}

/// The changes the report lists first: every one without captures, the touched ones with.
fn listed(r: &Report) -> impl Iterator<Item = &Entry> {
    r.changes.iter().filter(|e| e.touched != Some(false))
}

fn not_exercised(r: &Report) -> Vec<&str> {
    r.changes
        .iter()
        .filter(|e| e.touched == Some(false))
        .map(|e| e.path.as_str())
        .collect()
}

fn headline(r: &Report) -> String {
    let n = r.changes.len();
    let mut s = format!(
        "{} -> {}: {n} difference(s) after renaming the namespace",
        r.from, r.to
    );
    if r.captures {
        let touched = listed(r).count();
        let _ = write!(
            s,
            "; {touched} touched by {} captured document(s)",
            r.documents
        );
    }
    s
}

/// The report for a person.
pub fn human(r: &Report) -> String {
    let mut out = format!("{}\n", headline(r));
    for e in listed(r) {
        let _ = writeln!(out, "\n{} (since {}): {}", e.path, e.since, e.change);
        for (side, j) in SIDES.iter().zip(sides(e)) {
            let _ = writeln!(out, "  {side}: {}: {}", j.verdict.as_str(), j.reason);
        }
        if !e.touched_by.is_empty() {
            let _ = writeln!(out, "  touched by: {}", e.touched_by.join(", "));
        }
    }
    let rest = not_exercised(r);
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "\nnot exercised by these captures: {}",
            rest.join(", ")
        );
    }
    for q in &r.requests {
        if q.valid {
            let _ = writeln!(out, "\nrequest {}: valid under {}", q.path, r.to);
        } else {
            let _ = writeln!(out, "\nrequest {}: refused under {}", q.path, r.to);
            for v in &q.violations {
                let _ = writeln!(out, "  {} {}: {}", v.code.as_str(), v.element, v.message);
            }
        }
    }
    let _ = writeln!(out, "\nresult: {}", result(r));
    out
}

/// The one-line outcome.
fn result(r: &Report) -> String {
    let breaking = listed(r).filter(|e| e.is_breaking()).count();
    let refused = r.requests.iter().filter(|q| !q.valid).count();
    match (r.captures, breaking, refused) {
        (false, 0, _) => "no breaking change".to_string(),
        (false, n, _) => format!("{n} change(s) breaking on some side"),
        (true, 0, 0) => "nothing breaking is touched".to_string(),
        (true, n, q) => {
            format!("breaking: {n} touched change(s) breaking on some side, {q} request(s) refused")
        }
    }
}

/// The report as one JSON document (pretty-printed).
pub fn json(r: &Report) -> String {
    let value = serde_json::json!({
        "from": r.from,
        "to": r.to,
        "captures": r.captures,
        "documents": r.documents,
        "breaking": r.is_breaking(),
        "changes": r.changes,
        "not_exercised": not_exercised(r),
        "requests": r.requests,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown: a heading, one table row per change listed, the changes not
/// exercised, and the requests the new contract refuses.
pub fn markdown(r: &Report) -> String {
    let mut out = format!("### {}\n\n", headline(r));
    out.push_str("| Element | Change |");
    for side in SIDES {
        let _ = write!(out, " {} |", cell(&capitalised(side)));
    }
    out.push_str("\n|---|---|---|---|---|\n");
    for e in listed(r) {
        let _ = write!(
            out,
            "| `{}` | {} (since {}) |",
            e.path,
            cell(&e.change),
            e.since
        );
        for j in sides(e) {
            let _ = write!(out, " **{}**: {} |", j.verdict.as_str(), cell(&j.reason));
        }
        out.push('\n');
    }
    let rest = not_exercised(r);
    if !rest.is_empty() {
        let names: Vec<String> = rest.iter().map(|p| format!("`{p}`")).collect();
        let _ = writeln!(
            out,
            "\nNot exercised by these captures: {}.",
            names.join(", ")
        );
    }
    let _ = writeln!(out, "\nResult: {}.", result(r));
    let refused: Vec<_> = r.requests.iter().filter(|q| !q.valid).collect();
    if r.captures {
        let _ = writeln!(
            out,
            "\nRequests rewritten to {}: {} of {} valid.",
            r.to,
            r.requests.len() - refused.len(),
            r.requests.len()
        );
    }
    for q in refused {
        let _ = writeln!(out, "\n- `{}`:", q.path);
        for v in &q.violations {
            let _ = writeln!(
                out,
                "  - `{}` `{}`: {}",
                v.code.as_str(),
                v.element,
                cell(&v.message)
            );
        }
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
