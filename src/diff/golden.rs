//! Golden fixtures for users' test suites, in the spirit of insta's review flow: a capture
//! is asserted to match its golden file. When it does not (or there is none), the capture
//! as it would be blessed is written beside the golden as `NAME.new` and the assertion
//! fails; `relation-contract golden review|accept|reject` (or [`pending`], [`accept`],
//! [`reject`]) then shows, takes or drops each `.new`. `RELATION_CONTRACT_BLESS` chooses
//! ([`Bless::from_env`]): unset or `new` writes `.new` files, `1`, `true`, `yes` or
//! `always` overwrites the golden. Nothing is ever written when `CI` is set. Every write is
//! atomic (a temporary file in the same folder, then a rename).
//!
//! A golden file is the capture's text with the content of its secret elements (`Ticket`,
//! `ApplicationToken`: text, CDATA, character references or child elements alike)
//! replaced by `[REDACTED]` where it stands ([`super::masked_source`]), so goldens can be
//! committed and still parse; a masked secret in a golden matches any value. The ignores
//! of the golden's folder rules file (`diff.rules`) are added to the options' own.
//!
//! A capture the contract refuses fails its golden assertion with the findings, and is
//! never blessed: the golden functions give the same verdict as `validate`
//! ([`contract_findings`]).

use super::glob::rules_for;
use super::{masked_source, unreadable, DiffError, DiffReport, Options};
use crate::capture::Document;
use crate::contract::{ContractChoice, Profile};
use crate::text::xmldecl::with_utf8_encoding;
use crate::violation::Violation;
use std::fmt;
use std::io;
use std::path::Path;

/// The environment variable that chooses what a failing golden assertion writes.
pub const BLESS_ENV: &str = "RELATION_CONTRACT_BLESS";

/// The suffix of a pending golden: `NAME.new` beside `NAME`.
pub const PENDING_SUFFIX: &str = ".new";

/// What a golden check may write when the capture does not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bless {
    /// Nothing (on CI, or when asked so).
    Off,
    /// The capture as it would be blessed, to `NAME.new` beside the golden: the check still
    /// fails, and a person accepts or rejects the file.
    Pending,
    /// The golden itself: the check passes.
    Overwrite,
}

impl Bless {
    /// From [`BLESS_ENV`] and `CI`: unset or `new` is [`Bless::Pending`], `1`, `true`,
    /// `yes` or `always` is [`Bless::Overwrite`], `0`, `false`, `no` or `off` is
    /// [`Bless::Off`]; any value is [`Bless::Off`] when `CI` is set (and not `0` or
    /// `false`). Another value is an error that names the ones there are, never a silent
    /// "no".
    pub fn from_env() -> Result<Bless, String> {
        let value = std::env::var(BLESS_ENV).ok();
        let ci = std::env::var("CI").ok();
        Bless::from_values(value.as_deref(), ci.as_deref())
    }

    /// [`Bless::from_env`] on given values of the two variables.
    pub fn from_values(bless: Option<&str>, ci: Option<&str>) -> Result<Bless, String> {
        let wanted = match bless.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("" | "new") => Bless::Pending,
            Some("1" | "true" | "yes" | "always") => Bless::Overwrite,
            Some("0" | "false" | "no" | "off") => Bless::Off,
            Some(other) => {
                return Err(format!(
                    "{BLESS_ENV}={other} is none of: new (write NAME.new beside the golden), \
                     1, true, yes or always (overwrite the golden), 0, false, no or off \
                     (write nothing)"
                ))
            }
        };
        let on_ci = ci.is_some_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            !v.is_empty() && v != "0" && v != "false"
        });
        Ok(if on_ci { Bless::Off } else { wanted })
    }
}

/// The pending file of a golden: `NAME.new` beside it.
pub fn pending_path(golden: &Path) -> std::path::PathBuf {
    let mut name = golden.file_name().unwrap_or_default().to_os_string();
    name.push(PENDING_SUFFIX);
    golden.with_file_name(name)
}

/// What [`check_golden`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldenOutcome {
    /// The capture matches the golden; nothing was written.
    Matched,
    /// There was no golden; it was written (bless only).
    Created,
    /// The golden differed (or was unreadable); it was rewritten (bless only).
    Updated,
}

/// Why a capture does not pass its golden.
#[derive(Debug, Clone)]
pub enum GoldenError {
    /// There is no golden file (and it was not blessed). `pending`: the `.new` file
    /// written for review, if one was.
    Missing {
        /// The golden file's path, as given.
        golden: String,
        /// The path of the `.new` file written for review; `None` unless `bless` was
        /// [`Bless::Pending`].
        pending: Option<String>,
    },
    /// The capture differs from the golden (and it was not blessed). `pending` as above.
    Mismatch {
        /// The differences between the golden (expected) and the capture (actual).
        report: Box<DiffReport>,
        /// The path of the `.new` file written for review; `None` unless `bless` was
        /// [`Bless::Pending`].
        pending: Option<String>,
    },
    /// The capture breaks the contract (the findings `validate` reports for it): it
    /// neither passes nor is blessed, whatever the golden holds.
    Findings {
        /// The capture's name.
        capture: String,
        /// Every finding of [`crate::pipeline::check`] on the capture (profile `auto`), secrets
        /// quoted in a message masked.
        findings: Vec<Violation>,
    },
    /// The capture (or, without blessing, the golden) is unreadable, or a file operation
    /// failed.
    Diff(DiffError),
}

impl fmt::Display for GoldenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoldenError::Missing { golden, pending } => {
                writeln!(f, "golden file {golden} does not exist.")?;
                write_next_step(f, pending.as_deref())
            }
            GoldenError::Mismatch { report, pending } => {
                write!(
                    f,
                    "the capture does not match its golden file.\n{}\n",
                    report.human(false)
                )?;
                write_next_step(f, pending.as_deref())
            }
            GoldenError::Findings { capture, findings } => {
                writeln!(
                    f,
                    "the capture {capture} breaks the contract ({} finding{}), so it is \
                     neither compared with nor blessed into its golden file:",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" }
                )?;
                // Each as `Violation` displays itself: code, path, position, message.
                for v in findings {
                    writeln!(f, "  {v}")?;
                }
                Ok(())
            }
            GoldenError::Diff(e) => write!(f, "{e}"),
        }
    }
}

/// What to do after a failed golden check.
fn write_next_step(f: &mut fmt::Formatter<'_>, pending: Option<&str>) -> fmt::Result {
    match pending {
        Some(p) => write!(
            f,
            "The capture as it would be blessed is in {p}: review it with `relation-contract \
             golden review`, then `golden accept` or `golden reject` (or run the tests again \
             with {BLESS_ENV}=always)."
        ),
        None => write!(
            f,
            "Nothing was written (CI is set, or {BLESS_ENV} said so). To bless, run the tests \
             again with {BLESS_ENV}=always off CI, and review the change before committing it."
        ),
    }
}

impl std::error::Error for GoldenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GoldenError::Diff(e) => Some(e),
            _ => None,
        }
    }
}

/// The findings the contract has on a capture: the one verdict every command gives (the
/// document pipeline under the profile the envelope picks), so a golden assertion never
/// accepts what `validate` refuses.
pub fn contract_findings(capture: &Document) -> Vec<Violation> {
    contract_findings_as(capture, ContractChoice::Auto)
}

/// [`contract_findings`] under a contract version (or `Auto`: the one the payload names),
/// as [`check_golden`] judges a capture under [`Options::contract`].
pub fn contract_findings_as(capture: &Document, contract: ContractChoice) -> Vec<Violation> {
    crate::pipeline::check_as(capture, Profile::Auto, contract).violations
}

/// Checks a capture against its golden file. When it is missing or differs, `bless` says
/// what is written: nothing, the capture as blessed to `NAME.new` (the check fails, naming
/// it), or the golden itself (the check passes). A capture that is not well-formed or that
/// breaks the contract is never written anywhere.
pub fn check_golden(
    capture: &Document,
    golden: &Path,
    opts: &Options,
    bless: Bless,
) -> Result<GoldenOutcome, GoldenError> {
    let golden_name = golden.display().to_string();
    // The one verdict first: a capture the contract refuses (unreadable and malformed ones
    // included: the pipeline names those too) neither passes nor is blessed.
    let findings = contract_findings_as(capture, opts.contract);
    if !findings.is_empty() {
        // Findings may quote values: a secret echoed in one is masked inside the message.
        let mut secrets = capture.secrets.clone();
        if let Some(tree) = capture.text().and_then(|t| super::parse(t).ok()) {
            secrets.extend(tree.secret_values());
        }
        let mask = crate::secrets::Masker::new(&secrets);
        let findings = findings
            .into_iter()
            .map(|mut v| {
                v.message = mask.text(&v.message);
                v
            })
            .collect();
        return Err(GoldenError::Findings {
            capture: capture.source.clone(),
            findings,
        });
    }
    // A capture that cannot be diffed can be neither compared nor blessed.
    let capture_text = match &capture.text {
        Ok(t) => t.as_str(),
        Err(v) => {
            let why = (v.message.clone(), v.line, v.column);
            return Err(GoldenError::Diff(unreadable(capture, why)));
        }
    };
    // What a blessing writes: the capture with its secret elements masked where they stand,
    // as UTF-8 text, which its declaration then says (the capture may have been Latin-1).
    let masked = masked_source(capture_text)
        .map(with_utf8_encoding)
        .map_err(|e| {
            let why = (e.message, Some(e.line), Some(e.column));
            GoldenError::Diff(unreadable(capture, why))
        })?;
    let io_error = |e: io::Error| {
        GoldenError::Diff(DiffError::Io {
            path: golden_name.clone(),
            message: e.to_string(),
        })
    };
    let mut opts = opts.clone();
    opts.ignore.extend(rules_for(golden).map_err(io_error)?);

    // The `.new` file for review, when that is what `bless` asks; its path.
    let write_pending = || -> Result<Option<String>, GoldenError> {
        if bless != Bless::Pending {
            return Ok(None);
        }
        let path = pending_path(golden);
        crate::atomic::write(&path, masked.as_bytes()).map_err(io_error)?;
        Ok(Some(path.display().to_string()))
    };
    let bytes = match std::fs::read(golden) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if bless != Bless::Overwrite {
                let pending = write_pending()?;
                return Err(GoldenError::Missing {
                    golden: golden_name.clone(),
                    pending,
                });
            }
            crate::atomic::write(golden, masked.as_bytes()).map_err(io_error)?;
            return Ok(GoldenOutcome::Created);
        }
        Err(e) => return Err(io_error(e)),
    };
    let golden_doc = Document::from_bytes(golden_name.clone(), &bytes);
    let overwrite = bless == Bless::Overwrite;
    match DiffReport::new(capture, &golden_doc, &opts) {
        Ok(report) if report.equal => Ok(GoldenOutcome::Matched),
        Ok(report) if !overwrite => Err(GoldenError::Mismatch {
            report: Box::new(report),
            pending: write_pending()?,
        }),
        Err(e) if !overwrite => Err(GoldenError::Diff(e)),
        _ => {
            crate::atomic::write(golden, masked.as_bytes()).map_err(io_error)?;
            Ok(GoldenOutcome::Updated)
        }
    }
}

/// A golden with a `.new` file waiting beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The golden (which may not exist yet).
    pub golden: std::path::PathBuf,
    /// Its `NAME.new`.
    pub new: std::path::PathBuf,
}

impl Pending {
    /// A unified diff of the golden (empty when missing) and the `.new` file, by lines.
    pub fn diff(&self) -> io::Result<String> {
        let old = match std::fs::read_to_string(&self.golden) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let new = std::fs::read_to_string(&self.new)?;
        let diff = similar::TextDiff::from_lines(&old, &new);
        Ok(diff
            .unified_diff()
            .header(
                &self.golden.display().to_string(),
                &self.new.display().to_string(),
            )
            .to_string())
    }
}

/// Every `.new` file under `dir` (walked, in path order), with its golden.
pub fn pending(dir: &Path) -> io::Result<Vec<Pending>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || name.len() <= PENDING_SUFFIX.len() {
            continue;
        }
        if let Some(golden_name) = name.strip_suffix(PENDING_SUFFIX) {
            out.push(Pending {
                golden: path.with_file_name(golden_name),
                new: path.to_path_buf(),
            });
        }
    }
    Ok(out)
}

/// Takes a `.new` file as the golden (atomically), then removes it. A `.new` file whose
/// document the contract refuses is not taken: the error says why, and both files stay.
pub fn accept(p: &Pending) -> Result<(), GoldenError> {
    let io_error = |path: &Path, e: io::Error| {
        GoldenError::Diff(DiffError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    };
    let bytes = std::fs::read(&p.new).map_err(|e| io_error(&p.new, e))?;
    let doc = Document::from_bytes(p.new.display().to_string(), &bytes);
    let findings = contract_findings(&doc);
    if !findings.is_empty() {
        return Err(GoldenError::Findings {
            capture: doc.source,
            findings,
        });
    }
    crate::atomic::write(&p.golden, &bytes).map_err(|e| io_error(&p.golden, e))?;
    std::fs::remove_file(&p.new).map_err(|e| io_error(&p.new, e))
}

/// Drops a `.new` file; the golden stays as it is.
pub fn reject(p: &Pending) -> io::Result<()> {
    std::fs::remove_file(&p.new)
}

/// Asserts that a capture's text matches its golden file (see [`check_golden`]); blesses
/// when `RELATION_CONTRACT_BLESS=1` is set.
///
/// # Panics
///
/// When the capture does not match, the golden is missing, or something is unreadable:
/// this is a test assertion, and the panic message holds the diff (redacted) and how to
/// bless.
#[track_caller]
pub fn assert_golden(capture_text: &str, golden: impl AsRef<Path>, opts: &Options) {
    // The text is decoded already: UTF-8, whatever its declaration names.
    let doc = Document::from_decoded_text("capture", capture_text.as_bytes());
    assert_document(&doc, golden.as_ref(), opts);
}

/// Like [`assert_golden`], with the capture read from a file.
///
/// # Panics
///
/// As [`assert_golden`], and when the capture file cannot be read.
#[track_caller]
pub fn assert_golden_file(capture: impl AsRef<Path>, golden: impl AsRef<Path>, opts: &Options) {
    let capture = capture.as_ref();
    match Document::read(capture) {
        Ok(doc) => assert_document(&doc, golden.as_ref(), opts),
        Err(e) => panic!("capture {} cannot be read: {e}", capture.display()),
    }
}

#[track_caller]
fn assert_document(doc: &Document, golden: &Path, opts: &Options) {
    let bless = match Bless::from_env() {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = check_golden(doc, golden, opts, bless) {
        panic!("{e}");
    }
}
