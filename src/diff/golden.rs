//! Golden fixtures for users' test suites, in the spirit of insta's review flow: a capture
//! is asserted to match its golden file; with `RELATION_CONTRACT_BLESS=1` the golden is
//! written instead (atomically: a temporary file in the same folder, then a rename).
//! Nothing is ever written without the variable.
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
use crate::contract::Profile;
use crate::text::xmldecl::with_utf8_encoding;
use crate::violation::Violation;
use std::fmt;
use std::io;
use std::path::Path;

/// The environment variable that turns assertions into writes: `RELATION_CONTRACT_BLESS=1`.
pub const BLESS_ENV: &str = "RELATION_CONTRACT_BLESS";

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
    /// There is no golden file, and blessing is off.
    Missing { golden: String },
    /// The capture differs from the golden, and blessing is off.
    Mismatch { report: Box<DiffReport> },
    /// The capture breaks the contract (the findings `validate` reports for it): it
    /// neither passes nor is blessed, whatever the golden holds.
    Findings {
        capture: String,
        findings: Vec<Violation>,
    },
    /// The capture (or, without blessing, the golden) is unreadable, or a file operation
    /// failed.
    Diff(DiffError),
}

impl fmt::Display for GoldenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoldenError::Missing { golden } => write!(
                f,
                "golden file {golden} does not exist.\n\
                 To create it from this capture, run the tests again with {BLESS_ENV}=1 \
                 and review the new file before committing it."
            ),
            GoldenError::Mismatch { report } => write!(
                f,
                "the capture does not match its golden file.\n{}\n\
                 If the change is intended, run the tests again with {BLESS_ENV}=1 to \
                 update the golden, and review the change before committing it.",
                report.human(false)
            ),
            GoldenError::Findings { capture, findings } => {
                writeln!(
                    f,
                    "the capture {capture} breaks the contract ({} finding{}), so it is \
                     neither compared with nor blessed into its golden file:",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" }
                )?;
                for v in findings {
                    let at = match (v.line, v.column) {
                        (Some(l), Some(c)) => format!("{l}:{c}: "),
                        _ => String::new(),
                    };
                    writeln!(f, "  {at}{} {}: {}", v.code, v.element, v.message)?;
                }
                Ok(())
            }
            GoldenError::Diff(e) => write!(f, "{e}"),
        }
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

/// Whether the environment asks for blessing (`RELATION_CONTRACT_BLESS=1`).
pub fn bless_from_env() -> bool {
    std::env::var(BLESS_ENV).is_ok_and(|v| v.trim() == "1")
}

/// The findings the contract has on a capture: the one verdict every command gives (the
/// document pipeline under the profile the envelope picks), so a golden assertion never
/// accepts what `validate` refuses.
pub fn contract_findings(capture: &Document) -> Vec<Violation> {
    crate::pipeline::check(capture, Profile::Auto).violations
}

/// Checks a capture against its golden file; with `bless`, writes the golden instead of
/// failing when it is missing or differs. Never writes when `bless` is false, and never
/// writes a capture that is not well-formed or that breaks the contract.
pub fn check_golden(
    capture: &Document,
    golden: &Path,
    opts: &Options,
    bless: bool,
) -> Result<GoldenOutcome, GoldenError> {
    let golden_name = golden.display().to_string();
    // The one verdict first: a capture the contract refuses (unreadable and malformed ones
    // included: the pipeline names those too) neither passes nor is blessed.
    let findings = contract_findings(capture);
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

    let bytes = match std::fs::read(golden) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if !bless {
                return Err(GoldenError::Missing {
                    golden: golden_name,
                });
            }
            crate::atomic::write(golden, masked.as_bytes()).map_err(io_error)?;
            return Ok(GoldenOutcome::Created);
        }
        Err(e) => return Err(io_error(e)),
    };
    let golden_doc = Document::from_bytes(golden_name.clone(), &bytes);
    match DiffReport::new(capture, &golden_doc, &opts) {
        Ok(report) if report.equal => Ok(GoldenOutcome::Matched),
        Ok(report) if !bless => Err(GoldenError::Mismatch {
            report: Box::new(report),
        }),
        Err(e) if !bless => Err(GoldenError::Diff(e)),
        _ => {
            crate::atomic::write(golden, masked.as_bytes()).map_err(io_error)?;
            Ok(GoldenOutcome::Updated)
        }
    }
}

/// Asserts that a capture's text matches its golden file (see [`check_golden`]); blesses
/// when `RELATION_CONTRACT_BLESS=1` is set.
///
/// # Panics
///
/// When the capture does not match, the golden is missing, or something is unreadable:
/// this is a test assertion, and the panic message holds the diff (redacted) and how to
/// bless.
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
pub fn assert_golden_file(capture: impl AsRef<Path>, golden: impl AsRef<Path>, opts: &Options) {
    let capture = capture.as_ref();
    match Document::read(capture) {
        Ok(doc) => assert_document(&doc, golden.as_ref(), opts),
        Err(e) => panic!("capture {} cannot be read: {e}", capture.display()),
    }
}

fn assert_document(doc: &Document, golden: &Path, opts: &Options) {
    if let Err(e) = check_golden(doc, golden, opts, bless_from_env()) {
        panic!("{e}");
    }
}
