//! What `check` holds each fixture to, and the per-document and per-file judgement that
//! `check` and `validate` share (on top of [`crate::pipeline`] and capture's walk).
//!
//! `check`: the main job. Validates every fixture under a folder and holds each to what it
//! is there to show:
//!
//! - `documented/`: the documentation's examples, valid under the `documented` profile, or
//!   showing exactly the known defects a sidecar `NAME.expect` names;
//! - `wire/`: realistic wire envelopes, valid under the `wire` profile;
//! - `invalid/`: broken envelopes, each with a sidecar `NAME.expect` naming the violations
//!   it must produce (see [`Expectation`]);
//! - anything else (golden captures): valid under `auto`.
//!
//! A fixture may be a capture (`.http`, `.har`): each SOAP document it holds is a row, held
//! to its group's rule, HTTP-level checks included. Under `invalid/` the sidecar's
//! expectations must be met by the documents of the file together.

use crate::capture::walk::{self, WalkItem};
use crate::capture::{self, Document};
use crate::contract::{ContractChoice, Profile};
use crate::pipeline::{self, Engine};
use crate::report::{Finding, ReportItem};
use crate::violation::Code;
use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::capture::walk::{is_document, DOCUMENT_EXTENSIONS};

/// One document's verdict from the pipeline, redacted and ready to print: what `validate`
/// prints and what `check` holds each fixture to.
/// The time it took is kept on the item (JUnit's `time`).
pub fn judge_document(doc: &Document, profile: Profile) -> ReportItem {
    judge_document_as(doc, profile, ContractChoice::Auto)
}

/// [`judge_document`] under a contract version (or `Auto`, by the payload's namespace).
pub fn judge_document_as(doc: &Document, profile: Profile, contract: ContractChoice) -> ReportItem {
    judge_document_with(doc, profile, contract, Engine::default())
}

/// [`judge_document_as`], the schema stage decided by `engine`.
pub fn judge_document_with(
    doc: &Document,
    profile: Profile,
    contract: ContractChoice,
    engine: Engine,
) -> ReportItem {
    let started = std::time::Instant::now();
    let mut item = ReportItem::new(doc, pipeline::check_with(doc, profile, contract, engine));
    item.elapsed = Some(started.elapsed());
    item
}

/// How a `validate` run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The profile every document is judged under (`Auto`: by its envelope).
    pub profile: Profile,
    /// Worker threads; 0 takes one per core.
    pub jobs: usize,
    /// Files validated together before their results are handed on; 0 picks a size.
    pub chunk: usize,
    /// The engine of the schema stage.
    pub engine: Engine,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::Auto,
            jobs: 0,
            chunk: 0,
            engine: Engine::default(),
        }
    }
}

/// The outcome for one input file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file, as the walk named it.
    pub path: PathBuf,
    /// One per SOAP document the file holds, in the file's order.
    pub items: Vec<ReportItem>,
    /// Names of the parts that hold no SOAP envelope.
    pub skipped: Vec<String>,
    /// Why the file could not be read, when it could not.
    pub error: Option<String>,
}

/// Reads and judges one file: every SOAP document it holds.
pub fn judge_file(path: &Path, profile: Profile) -> FileReport {
    judge_file_as(path, profile, ContractChoice::Auto)
}

/// [`judge_file`] under a contract version (or `Auto`).
pub fn judge_file_as(path: &Path, profile: Profile, contract: ContractChoice) -> FileReport {
    judge_file_with(path, profile, contract, Engine::default())
}

/// [`judge_file_as`], the schema stage decided by `engine`.
pub fn judge_file_with(
    path: &Path,
    profile: Profile,
    contract: ContractChoice,
    engine: Engine,
) -> FileReport {
    match capture::open(path) {
        Ok(capture) => FileReport {
            path: path.to_path_buf(),
            items: capture
                .documents
                .iter()
                .map(|d| judge_document_with(d, profile, contract, engine))
                .collect(),
            skipped: capture.skipped,
            error: None,
        },
        Err(e) => FileReport {
            path: path.to_path_buf(),
            items: Vec::new(),
            skipped: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}

/// `validate` over every file the paths name, `opts.jobs` threads at a time: each file's
/// report goes to `sink` in walk order. `on_done` is called from the workers as each file
/// is finished (for a progress bar). Stops at the first error of `sink`.
pub fn validate<E>(
    paths: &[PathBuf],
    opts: Options,
    on_done: &(dyn Fn() + Sync),
    sink: impl FnMut(FileReport) -> Result<(), E>,
) -> Result<(), E> {
    validate_as(paths, opts, ContractChoice::Auto, on_done, sink)
}

/// [`validate`], every document held to one contract version (or `Auto`, by its
/// payload's namespace).
pub fn validate_as<E>(
    paths: &[PathBuf],
    opts: Options,
    contract: ContractChoice,
    on_done: &(dyn Fn() + Sync),
    sink: impl FnMut(FileReport) -> Result<(), E>,
) -> Result<(), E> {
    let judge = |item: &WalkItem| {
        let report = match item {
            Ok(path) => judge_file_with(path, opts.profile, contract, opts.engine),
            Err((path, why)) => FileReport {
                path: path.clone(),
                items: Vec::new(),
                skipped: Vec::new(),
                error: Some(why.clone()),
            },
        };
        on_done();
        report
    };
    walk::run(paths, opts.jobs, opts.chunk, &judge, sink)
}

/// The folder a fixture belongs to, which decides what it must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// `documented/`: the documentation's examples, valid under the `documented` profile or
    /// showing exactly the defects a sidecar names.
    Documented,
    /// `wire/`: realistic wire envelopes, judged under the `wire` profile.
    Wire,
    /// `invalid/`: broken envelopes, each held to its sidecar `NAME.expect`.
    Invalid,
    /// Anything else (golden captures), judged under `auto`.
    Other,
}

impl Group {
    /// The group of `file` under the fixture folder `root`, by its first folder below `root`.
    pub fn of(root: &Path, file: &Path) -> Group {
        let first = file
            .strip_prefix(root)
            .ok()
            .and_then(|rel| rel.components().next())
            .and_then(|c| c.as_os_str().to_str());
        match first {
            Some("documented") => Group::Documented,
            Some("wire") => Group::Wire,
            Some("invalid") => Group::Invalid,
            _ => Group::Other,
        }
    }

    /// The group's folder name (`"other"` for [`Group::Other`]), as the table prints it.
    pub fn name(self) -> &'static str {
        match self {
            Group::Documented => "documented",
            Group::Wire => "wire",
            Group::Invalid => "invalid",
            Group::Other => "other",
        }
    }
}

/// A sidecar's content:
///
/// ```text
/// # what is broken, and why it breaks the contract
/// profile = wire
/// expect = xsd.order /Envelope/Body/SaveContactRelation/ContactRelationEntity/RelationId
/// expect = xml.malformed
/// ```
///
/// `profile` is `auto` (default), `wire` or `documented`. Each `expect` names a code and,
/// optionally, the element path; the fixture passes when every expectation is met by a
/// reported violation (a path left out matches any element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The profile the fixture is judged under.
    pub profile: Profile,
    /// Each expected violation: a code, and the element path it must name (`None`: any
    /// element).
    pub expect: Vec<(Code, Option<String>)>,
}

/// Why a sidecar cannot be read as an [`Expectation`]; lines are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SidecarError {
    /// A line that is neither blank, a `#` comment, nor `key = value`.
    #[error("line {line}: expected `key = value`")]
    NotKeyValue {
        /// The sidecar's line.
        line: usize,
    },
    /// A `profile` that is not `auto`, `wire` or `documented`.
    #[error("line {line}: unknown profile `{profile}`")]
    UnknownProfile {
        /// The sidecar's line.
        line: usize,
        /// The value given.
        profile: String,
    },
    /// An `expect` whose code is no [`Code`].
    #[error("line {line}: unknown code `{code}`")]
    UnknownCode {
        /// The sidecar's line.
        line: usize,
        /// The code given.
        code: String,
    },
    /// A key other than `profile` or `expect`.
    #[error("line {line}: unknown key `{key}`")]
    UnknownKey {
        /// The sidecar's line.
        line: usize,
        /// The key given.
        key: String,
    },
    /// The sidecar names no violation: an invalid fixture must expect at least one.
    #[error("no `expect = CODE [PATH]` line")]
    NoExpectation,
}

impl Expectation {
    /// Reads a sidecar; blank lines and `#` comments are skipped, and a later `profile` line
    /// wins.
    pub fn parse(text: &str) -> Result<Expectation, SidecarError> {
        let mut profile = Profile::Auto;
        let mut expect = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(SidecarError::NotKeyValue { line: n + 1 });
            };
            let value = value.trim();
            match key.trim() {
                "profile" => {
                    profile = match value {
                        "auto" => Profile::Auto,
                        "wire" => Profile::Wire,
                        "documented" => Profile::Documented,
                        other => {
                            return Err(SidecarError::UnknownProfile {
                                line: n + 1,
                                profile: other.to_string(),
                            })
                        }
                    }
                }
                "expect" => {
                    let mut parts = value.split_whitespace();
                    let code = parts.next().unwrap_or_default();
                    let code = Code::parse(code).ok_or_else(|| SidecarError::UnknownCode {
                        line: n + 1,
                        code: code.to_string(),
                    })?;
                    expect.push((code, parts.next().map(str::to_string)));
                }
                other => {
                    return Err(SidecarError::UnknownKey {
                        line: n + 1,
                        key: other.to_string(),
                    })
                }
            }
        }
        if expect.is_empty() {
            return Err(SidecarError::NoExpectation);
        }
        Ok(Expectation { profile, expect })
    }
}

/// The outcome for one fixture.
#[derive(Debug, Clone)]
pub struct CheckRow {
    /// The fixture's group, which decides what it must show.
    pub group: Group,
    /// The document's verdict.
    pub item: ReportItem,
    /// Why the fixture does not show what it is there to show; empty when it does.
    pub problems: Vec<String>,
}

impl CheckRow {
    /// Whether the fixture shows what it is there to show.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The outcome of a whole check.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// One row per document, files in name order (a capture's documents in its order).
    pub rows: Vec<CheckRow>,
    /// Paths that could not be read, with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl CheckReport {
    /// Whether every fixture passed and every path could be read.
    pub fn passed(&self) -> bool {
        self.unreadable.is_empty() && self.rows.iter().all(CheckRow::passed)
    }

    /// The summary table: files, passed and failed per group.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<12} {:>6} {:>7} {:>7}\n",
            "group", "files", "passed", "failed"
        );
        let mut total = (0, 0);
        for g in [Group::Documented, Group::Wire, Group::Invalid, Group::Other] {
            let rows: Vec<&CheckRow> = self.rows.iter().filter(|r| r.group == g).collect();
            if rows.is_empty() {
                continue;
            }
            let passed = rows.iter().filter(|r| r.passed()).count();
            total.0 += rows.len();
            total.1 += passed;
            out.push_str(&format!(
                "{:<12} {:>6} {:>7} {:>7}\n",
                g.name(),
                rows.len(),
                passed,
                rows.len() - passed
            ));
        }
        out.push_str(&format!(
            "{:<12} {:>6} {:>7} {:>7}\n",
            "total",
            total.0,
            total.1,
            total.0 - total.1
        ));
        out
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.table())
    }
}

/// A sidecar's text: a regular file only, opened without blocking (see
/// [`capture::open_file`]), read up to the document limit.
fn read_sidecar(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = capture::open_file(path)?;
    let mut text = String::new();
    let limit = u64::try_from(crate::text::limits::MAX_DOCUMENT_BYTES).unwrap_or(u64::MAX);
    file.take(limit).read_to_string(&mut text)?;
    Ok(text)
}

/// Checks every fixture under `root`.
pub fn check(root: &Path) -> CheckReport {
    check_as(root, ContractChoice::Auto)
}

/// [`check`], every fixture held to one contract version (or `Auto`).
pub fn check_as(root: &Path, contract: ContractChoice) -> CheckReport {
    let mut report = CheckReport::default();
    // Symlinks followed, as `validate`'s walk does (a loop is an unreadable path).
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                report.unreadable.push((path, e.to_string()));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || !is_document(path) {
            continue;
        }
        match check_file(root, path, contract) {
            Ok(rows) => report.rows.extend(rows),
            Err(e) => report.unreadable.push((path.to_path_buf(), e)),
        }
    }
    report
}

fn check_file(root: &Path, path: &Path, contract: ContractChoice) -> Result<Vec<CheckRow>, String> {
    let group = Group::of(root, path);
    let capture = capture::open(path).map_err(|e| e.to_string())?;
    let mut documents = capture.documents;
    let empty_capture = documents.is_empty();
    if empty_capture {
        // A capture with no SOAP document: shown as an empty document, and a problem.
        documents.push(Document::from_bytes(path.display().to_string(), b""));
    }
    let sidecar = path.with_extension("expect");
    // `invalid/` needs a sidecar; `documented/` may have one naming the page's known defects.
    let wants_sidecar =
        group == Group::Invalid || (group == Group::Documented && sidecar.is_file());
    let expectation = if wants_sidecar {
        let parsed = read_sidecar(&sidecar)
            .map_err(|e| format!("sidecar {}: {e}", sidecar.display()))
            .and_then(|t| {
                Expectation::parse(&t).map_err(|e| format!("{}: {e}", sidecar.display()))
            });
        match parsed {
            Ok(exp) => Some(exp),
            Err(problem) => {
                let item = judge_document_as(&documents[0], Profile::Auto, contract);
                return Ok(vec![CheckRow {
                    group,
                    item,
                    problems: vec![problem],
                }]);
            }
        }
    } else {
        None
    };
    let profile = match (&expectation, group) {
        (Some(exp), _) => exp.profile,
        (None, Group::Documented) => Profile::Documented,
        (None, Group::Wire) => Profile::Wire,
        (None, _) => Profile::Auto,
    };
    let items: Vec<ReportItem> = documents
        .iter()
        .map(|d| judge_document_as(d, profile, contract))
        .collect();
    let mut unmet_all = match &expectation {
        Some(exp) => unmet(exp, &items),
        None => Vec::new(),
    };
    if empty_capture {
        unmet_all.push("the capture holds no SOAP document".to_string());
    }
    let last = items.len().saturating_sub(1);
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let mut problems = match &expectation {
                None if item.valid => Vec::new(),
                None => vec![format!(
                    "expected valid under profile {}, found {} violation(s)",
                    item.profile,
                    item.violations.len()
                )],
                // A documented example may break the contract only by its named defects.
                Some(exp) if group == Group::Documented => unexpected(exp, &item),
                Some(_) => Vec::new(),
            };
            if i == last {
                problems.append(&mut unmet_all);
            }
            CheckRow {
                group,
                item,
                problems,
            }
        })
        .collect();
    Ok(rows)
}

fn meets((code, element): &(Code, Option<String>), f: &Finding) -> bool {
    f.violation.code == *code && element.as_ref().is_none_or(|e| *e == f.violation.element)
}

/// The violations of a document that no expectation names.
fn unexpected(exp: &Expectation, item: &ReportItem) -> Vec<String> {
    item.violations
        .iter()
        .filter(|f| !exp.expect.iter().any(|e| meets(e, f)))
        .map(|f| {
            format!(
                "unexpected {} at {}: {}",
                f.violation.code, f.violation.element, f.violation.message
            )
        })
        .collect()
}

/// The expectations no reported violation meets (the violations of all the documents of
/// one fixture file count together).
fn unmet(exp: &Expectation, items: &[ReportItem]) -> Vec<String> {
    let all = || items.iter().flat_map(|i| i.violations.iter());
    let found: Vec<String> = all()
        .map(|f| format!("{} {}", f.violation.code, f.violation.element))
        .collect();
    exp.expect
        .iter()
        .filter(|e| !all().any(|f| meets(e, f)))
        .map(|(code, element)| {
            format!(
                "expected {code}{}{}, found: {}",
                if element.is_some() { " at " } else { "" },
                element.as_deref().unwrap_or(""),
                if found.is_empty() {
                    "no violation".to_string()
                } else {
                    found.join("; ")
                }
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_parses_profile_and_expectations() {
        let e = Expectation::parse(
            "# swapped\nprofile = wire\nexpect = xsd.order /Envelope/Body/X\nexpect = xml.malformed\n",
        );
        assert_eq!(
            e,
            Ok(Expectation {
                profile: Profile::Wire,
                expect: vec![
                    (Code::XsdOrder, Some("/Envelope/Body/X".into())),
                    (Code::XmlMalformed, None)
                ],
            })
        );
    }

    #[test]
    fn sidecar_errors_are_named() {
        assert_eq!(
            Expectation::parse("profile = wire\n"),
            Err(SidecarError::NoExpectation)
        );
        assert_eq!(
            Expectation::parse("# why\nexpect = xsd.bogus /a\n"),
            Err(SidecarError::UnknownCode {
                line: 2,
                code: "xsd.bogus".into()
            })
        );
        let e = Expectation::parse("profile = soap\nexpect = xml.empty");
        assert_eq!(
            e.err().map(|e| e.to_string()).as_deref(),
            Some("line 1: unknown profile `soap`")
        );
        assert_eq!(
            Expectation::parse("expect xml.empty"),
            Err(SidecarError::NotKeyValue { line: 1 })
        );
        assert_eq!(
            Expectation::parse("expected = xml.empty"),
            Err(SidecarError::UnknownKey {
                line: 1,
                key: "expected".into()
            })
        );
    }

    #[test]
    fn groups_follow_the_first_folder() {
        let root = Path::new("fx");
        assert_eq!(Group::of(root, Path::new("fx/wire/a.xml")), Group::Wire);
        assert_eq!(
            Group::of(root, Path::new("fx/invalid/b/c.xml")),
            Group::Invalid
        );
        assert_eq!(Group::of(root, Path::new("fx/golden/a.xml")), Group::Other);
        assert_eq!(Group::of(root, Path::new("fx/a.xml")), Group::Other);
    }
}
