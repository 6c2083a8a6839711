//! The differential test (issue 12): a corpus of SOAP 1.1 envelopes
//! (`relation_contract::testkit::corpus`, deterministic from a seed) judged by `validate
//! --profile wire` and by an independent XSD 1.0 validator, the pure-Python `xmlschema`
//! (`oracle.py` beside this file; `scripts/setup.sh` installs it). Every disagreement must
//! be one the divergence table (`divergences.rs`, rendered into the README) lists, finding
//! by finding; the run fails on any other.
//!
//! `RELATION_CONTRACT_DIFF_CASES` (default 3,000) and `RELATION_CONTRACT_DIFF_SEED` (default
//! 12) choose the corpus; `cargo test --test differential -- --nocapture` prints the
//! closing figures.

mod divergences;

use divergences::{Divergence, Doc, Ours, Side, Theirs, DIVERGENCES, ORACLE_GAPS};
use relation_contract::testkit::corpus::{corpus, Case};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

const README_BEGIN: &str =
    "<!-- divergences: rendered from tests/differential/divergences.rs -->\n";
const README_END: &str = "<!-- /divergences -->";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The tool's verdict on every file of `dir`: file name -> (valid, findings).
fn ours(dir: &Path) -> HashMap<String, (bool, Vec<Ours>)> {
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["validate", "--profile", "wire", "--format", "json"])
        .arg(dir)
        .output()
        .expect("the CLI runs");
    verdicts(&out.stdout, "path", "violations", |f| Ours {
        code: text(&f["code"]),
        element: text(&f["element"]),
    })
}

/// The oracle's verdict on every file of the manifest: file name -> (valid, errors).
fn theirs(manifest: &Path) -> HashMap<String, (bool, Vec<Theirs>)> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(here.join("tests/differential/oracle.py"))
        .arg(here.join("schemas"))
        .arg(manifest)
        .output()
        .expect("python3 runs: `bash scripts/setup.sh` installs what the oracle needs");
    assert!(
        out.status.success(),
        "the oracle failed (is xmlschema installed? `bash scripts/setup.sh`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    verdicts(&out.stdout, "file", "errors", |e| Theirs {
        path: text(&e["path"]),
        reason: text(&e["reason"]),
    })
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// JSON lines to verdicts by file name: each line with a `name_key` (others, such as the
/// tool's summary, are passed over) gives `valid` and its `list_key` items.
fn verdicts<T>(
    stdout: &[u8],
    name_key: &str,
    list_key: &str,
    item: impl Fn(&Value) -> T,
) -> HashMap<String, (bool, Vec<T>)> {
    let mut out = HashMap::new();
    for line in String::from_utf8_lossy(stdout).lines() {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        let Some(path) = v[name_key].as_str() else {
            continue;
        };
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let items = v[list_key]
            .as_array()
            .into_iter()
            .flatten()
            .map(&item)
            .collect();
        out.insert(name, (v["valid"] == Value::Bool(true), items));
    }
    out
}

/// The entry that explains every finding of the stricter side, if one entry or several
/// do: the entries, one per finding.
fn explain(
    ours: &(bool, Vec<Ours>),
    theirs: &(bool, Vec<Theirs>),
    doc: &Doc<'_>,
) -> Option<Vec<&'static str>> {
    let all = || DIVERGENCES.iter().chain(ORACLE_GAPS);
    let by_ours =
        |f: &Ours| all().find(|d: &&Divergence| matches!(d.side, Side::Ours(p) if p(f, doc)));
    let by_theirs =
        |e: &Theirs| all().find(|d: &&Divergence| matches!(d.side, Side::Theirs(p) if p(e, doc)));
    let ids: Option<Vec<&'static str>> = if theirs.0 {
        ours.1.iter().map(|f| by_ours(f).map(|d| d.id)).collect()
    } else {
        theirs
            .1
            .iter()
            .map(|e| by_theirs(e).map(|d| d.id))
            .collect()
    };
    ids.filter(|v| !v.is_empty())
}

#[test]
fn validate_and_xmlschema_agree_but_where_the_table_says() {
    let n = env_number("RELATION_CONTRACT_DIFF_CASES", 3000) as usize;
    let seed = env_number("RELATION_CONTRACT_DIFF_SEED", 12);
    let cases = corpus(seed, n);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut manifest = String::new();
    for c in &cases {
        let path = dir.path().join(&c.name);
        std::fs::write(&path, &c.bytes).expect("write a case");
        manifest.push_str(&path.to_string_lossy());
        manifest.push('\n');
    }
    let manifest_path = dir.path().join("manifest.txt");
    std::fs::write(&manifest_path, manifest).expect("write the manifest");

    let started = std::time::Instant::now();
    let ours = ours(dir.path());
    let ours_time = started.elapsed();
    let started = std::time::Instant::now();
    let theirs = theirs(&manifest_path);
    let theirs_time = started.elapsed();

    // `RELATION_CONTRACT_DIFF_SHOW=1`: print where both refuse at different elements.
    let show_elements = std::env::var_os("RELATION_CONTRACT_DIFF_SHOW").is_some();
    let mut agree = 0usize;
    let mut both_invalid = 0usize;
    let mut same_element = 0usize;
    let mut explained: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained: Vec<String> = Vec::new();
    let mut by_family: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &cases {
        let (Some(o), Some(t)) = (ours.get(&c.name), theirs.get(&c.name)) else {
            unexplained.push(format!("{}: a verdict is missing", c.name));
            continue;
        };
        let fam = by_family.entry(c.family).or_default();
        fam.0 += 1;
        if o.0 == t.0 {
            agree += 1;
            fam.1 += 1;
            if !o.0 && t.1.iter().any(|e| !e.path.is_empty()) {
                both_invalid += 1;
                if o.1.iter().any(|f| t.1.iter().any(|e| e.path == f.element)) {
                    same_element += 1;
                } else if show_elements {
                    println!("element: {}", describe(c, o, t));
                }
            }
            continue;
        }
        let text = String::from_utf8_lossy(&c.bytes);
        match explain(o, t, &Doc { text: &text }) {
            Some(ids) => {
                let mut ids = ids;
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    *explained.entry(id).or_default() += 1;
                }
            }
            None => unexplained.push(describe(c, o, t)),
        }
    }

    println!(
        "differential: {} documents (seed {seed}); tool {:.1} s, xmlschema {:.1} s",
        cases.len(),
        ours_time.as_secs_f64(),
        theirs_time.as_secs_f64()
    );
    println!(
        "agreement: {agree} of {} ({:.2}%); where both refuse, the tool names an element the oracle names in {same_element} of {both_invalid}",
        cases.len(),
        100.0 * agree as f64 / cases.len().max(1) as f64
    );
    for (family, (all, agreed)) in &by_family {
        println!("  {family}: {agreed} of {all} agree");
    }
    for d in DIVERGENCES.iter().chain(ORACLE_GAPS) {
        println!(
            "  {:>5}  {}",
            explained.get(d.id).copied().unwrap_or(0),
            d.id
        );
    }
    assert!(
        unexplained.is_empty(),
        "{} disagreements the divergence table does not list:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    if n >= 3000 {
        // The table holds no entry the corpus never needs.
        for d in DIVERGENCES.iter().chain(ORACLE_GAPS) {
            assert!(
                explained.contains_key(d.id),
                "the divergence {} explained no document: drop it or make the corpus show it",
                d.id
            );
        }
    }
}

fn describe(c: &Case, o: &(bool, Vec<Ours>), t: &(bool, Vec<Theirs>)) -> String {
    let ours: Vec<String> =
        o.1.iter()
            .map(|f| format!("{} {}", f.code, f.element))
            .collect();
    let theirs: Vec<String> =
        t.1.iter()
            .map(|e| format!("{} ({})", e.path, e.reason))
            .collect();
    format!(
        "{} [{}: {}]\n    tool: {} {:?}\n    xmlschema: {} {:?}",
        c.name,
        c.family,
        c.what,
        if o.0 { "valid" } else { "invalid" },
        ours,
        if t.0 { "valid" } else { "invalid" },
        theirs
    )
}

#[test]
fn the_readme_lists_every_divergence_the_test_allows() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (head, rest) = readme
        .split_once(README_BEGIN)
        .expect("the README's begin marker");
    let (table, tail) = rest
        .split_once(README_END)
        .expect("the README's end marker");
    let expected = divergences::render();
    // `RELATION_CONTRACT_BLESS=1` writes the table, as goldens are blessed (never on CI:
    // the variable is not set there, and a stale table fails).
    if table != expected && std::env::var_os("RELATION_CONTRACT_BLESS").is_some() {
        let fresh = format!("{head}{README_BEGIN}{expected}{README_END}{tail}");
        std::fs::write(&path, fresh).expect("write README.md");
        return;
    }
    assert_eq!(
        table, expected,
        "the README's divergence table is stale: `RELATION_CONTRACT_BLESS=1 cargo test --test \
         differential the_readme` writes it"
    );
}
