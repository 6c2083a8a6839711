//! The module graph: arrows point down only, and there are no circles (DESIGN.md, "The
//! house"). Reads the crate's own sources (`src/`, part of the project: nothing outside it)
//! and fails naming the first use of a module from one below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of the library and its layer: a module may use its own layer (when
/// that makes no circle) and the layers below.
const LAYERS: &[(&str, u8)] = &[
    ("contract", 0),
    ("text", 0),
    ("violation", 0),
    ("atomic", 0),
    ("secrets", 1),
    ("model", 1),
    ("capture", 1),
    ("rules", 2),
    ("schema", 2),
    ("codec", 2),
    ("pipeline", 3),
    ("report", 4),
    ("assert", 4),
    ("import", 4),
    ("compat", 4),
    ("diff", 4),
    ("fixtures", 4),
    ("testkit", 4),
    ("serve", 5),
    ("proxy", 6),
];

/// The binary's own files: `main.rs` and the modules it declares (`mod cli;`), read from
/// `main.rs` itself; they are not the library, and they may print.
fn is_binary(module: &str) -> bool {
    if matches!(module, "main" | "bin") {
        return true;
    }
    let declares = |file: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.lines().any(|l| {
            let l = l.trim();
            l.strip_prefix("pub ").unwrap_or(l) == format!("mod {module};")
        })
    };
    // A module the library declares too is the library's, whatever main.rs says.
    declares("main.rs") && !declares("lib.rs")
}

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a source file belongs to (`src/capture/http.rs` -> `capture`).
fn owner(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// Every `crate::NAME` a text mentions, outside line comments and before the file's unit
/// tests (`#[cfg(test)]`, at the end of a file by the project's habit: tests may use the
/// testkit, which is no arrow of the library).
fn crate_uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines().take_while(|l| l.trim() != "#[cfg(test)]") {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
        // `use crate::{a, b::c}` groups.
        if let Some(at) = code.find("use crate::{") {
            let group = &code[at + "use crate::{".len()..];
            for piece in group.split([',', '}']) {
                let name: String = piece
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let Some(from) = owner(&src, &f) else {
            continue;
        };
        if from == "lib" || is_binary(&from) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for to in crate_uses(&text) {
            if to != from && layer(&to).is_some() {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let unknown: BTreeSet<String> = files
        .iter()
        .filter_map(|f| owner(&src, f))
        .filter(|m| m != "lib" && !is_binary(m) && layer(m).is_none())
        .collect();
    assert!(unknown.is_empty(), "modules without a layer: {unknown:?}");
}

#[test]
fn arrows_point_down() {
    let mut up = Vec::new();
    for (from, tos) in graph() {
        let Some(lf) = layer(&from) else { continue };
        for to in tos {
            if layer(&to).is_some_and(|lt| lt > lf) {
                up.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(up.is_empty(), "modules using one above them: {up:?}");
}

#[test]
fn no_circles() {
    let g = graph();
    // Depth-first search for a back edge; names the circle found.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in g.keys() {
        let mut stack = Vec::new();
        if let Some(c) = visit(n, &g, &mut stack, &mut done) {
            panic!("a circle in the module graph: {}", c.join(" -> "));
        }
    }
}

#[test]
fn the_scanner_sees_uses() {
    let uses = crate_uses(
        "use crate::capture::Document;\nuse crate::{schema, text::LineIndex};\n// crate::report\nlet x = crate::codec::decode(t);\n#[cfg(test)]\nuse crate::testkit;",
    );
    let want: BTreeSet<String> = ["capture", "schema", "text", "codec"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(uses, want);
}

/// The library never prints: no print macro and no handle on stdout or stderr in any
/// library file (the binary, `src/main.rs`, prints; comments and unit tests may).
#[test]
fn the_library_never_prints() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in files {
        if owner(&src, &f).is_some_and(|m| is_binary(&m)) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, line) in text
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .enumerate()
        {
            let code = line.split("//").next().unwrap_or("");
            let prints = [
                "println!",
                "eprintln!",
                "print!",
                "eprint!",
                "dbg!",
                "stdout()",
                "stderr()",
            ]
            .iter()
            .any(|m| code.contains(m));
            if prints {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the library prints:\n{}",
        found.join("\n")
    );
}
