//! The diff engine: how a capture differs from the documented example or from a golden
//! fixture, without drowning in noise.
//!
//! Both documents are first brought to one canonical tree ([`canonical::parse`]: names by
//! namespace URI, SOAP 1.1 = 1.2, header blocks inside `Header`, redundant `xsi:type`
//! dropped, whitespace between elements and escapes normalised), then compared
//! ([`compare()`]) in [`Mode::Shape`] (the expected values are placeholders: only the
//! declared type counts) or [`Mode::Exact`] (values too, numbers as numbers and dateTimes
//! as instants), with [`Options::ignore`] globs over element paths. In shape mode the
//! `Header` is a set of blocks: contract blocks are optional members, and blocks of other
//! namespaces are listed apart ([`DiffReport::extra_headers`], kind `extra-header`) without
//! making the documents different, unless [`Options::strict_headers`].
//!
//! Each document is held to a contract version ([`Options::contract`]: by default the one
//! its payload namespace names, as `validate`'s `auto`). The payload of every version is
//! one namespace in the canonical tree, so an 85 document and an 88 document differ by one
//! [`DiffKind::Contract`] entry and by the members the versions differ by (`UserName`, ...),
//! not on every element; the documented example a capture is compared with is that
//! version's ([`documented_tree_as`]). Every report names the versions applied
//! ([`DiffReport::contract`]).
//!
//! ```no_run
//! use relation_contract::diff::{DiffReport, Options};
//! use relation_contract::Document;
//!
//! let capture = Document::read("capture.xml".as_ref()).expect("readable");
//! match DiffReport::against_documented(&capture, &Options::default()) {
//!     Ok(report) => {
//!         print!("{}", report.human(false));
//!         std::process::exit(report.exit_code());
//!     }
//!     Err(e) => {
//!         eprintln!("error: {e}");
//!         std::process::exit(e.exit_code());
//!     }
//! }
//! ```
//!
//! # Exit status (for the CLI)
//!
//! [`EXIT_EQUAL`] (0) when the documents are equal under the options (extra header blocks
//! alone leave them equal), [`EXIT_DIFFERENT`]
//! (1) when they differ, [`EXIT_ERROR`] (2) for usage errors and unreadable input (a file
//! that cannot be read, bytes that are not text, text that is not well-formed XML, a
//! DOCTYPE, no documented example for the document): see [`DiffReport::exit_code`] and
//! [`DiffError::exit_code`].
//!
//! # Secrets
//!
//! Masking is structural. The value of a `Ticket` or `ApplicationToken` element is
//! replaced by the mask in the canonical tree, where it stands ([`canonical::parse`]);
//! every other value a report shows (a difference's expected and actual value, a line of
//! the canonical text) has the documents' secret values masked inside it before it is
//! quoted or escaped (values of at least [`crate::text::limits::MIN_SECRET_LEN`]
//! characters: a one-character Ticket is masked where it stands only). Element paths, element names, document names and the tool's own
//! words are never touched. Golden files hold the capture's text with each secret
//! element's content replaced where it stands ([`canonical::masked_source`]).

mod align;
pub mod canonical;
mod compare;
mod glob;
mod golden;
mod headers;
mod render;
pub mod types;
mod unify;
mod versions;

pub use canonical::{masked_source, parse, parse_as, CanonError, Element, Secret, Tree};
pub use compare::{compare, DiffKind, Difference, Mode, Options};
pub use glob::{glob_matches, load_rules, parse_rules, rules_for, RULES_FILE_NAME};
pub use golden::{
    accept, assert_golden, assert_golden_file, check_golden, pending, pending_path, reject, Bless,
    GoldenError, GoldenOutcome, Pending, BLESS_ENV, PENDING_SUFFIX,
};
pub use render::{canonical_text, unified};

use crate::capture::Document;
use crate::contract::{Contract, ContractChoice, Kind, Operation, NS_SOAP11};
use serde::Serialize;

/// Exit status when the documents are equal.
pub const EXIT_EQUAL: i32 = 0;
/// Exit status when they differ.
pub const EXIT_DIFFERENT: i32 = 1;
/// Exit status for usage errors and unreadable input.
pub const EXIT_ERROR: i32 = 2;

/// The documented example of an operation's request or response, as the documentation
/// page shows it (SOAP 1.2, header blocks loose under `Envelope`, placeholder values),
/// compiled into the library: all four operations, requests and responses, of Services85.
/// `None` for a Fault (the documentation shows none).
pub fn documented_example(op: Operation, kind: Kind) -> Option<&'static str> {
    documented_example_as(op, kind, Contract::Services85)
}

/// The documented example as the pages of a contract version show it: Services88's own
/// pages (`fixtures/documented/services88/`: its namespace, `UserName` in every Associate),
/// the Services85 pages for every other version (only Services88 is still documented).
pub fn documented_example_as(
    op: Operation,
    kind: Kind,
    contract: Contract,
) -> Option<&'static str> {
    macro_rules! doc {
        ($name:literal) => {
            Some(if contract == Contract::Services88 {
                include_str!(concat!("../../fixtures/documented/services88/", $name))
            } else {
                include_str!(concat!("../../fixtures/documented/", $name))
            })
        };
    }
    use Operation::*;
    match (op, kind) {
        (CreateDefaultContactRelationEntity, Kind::Request) => {
            doc!("CreateDefaultContactRelationEntity.request.xml")
        }
        (CreateDefaultContactRelationEntity, Kind::Response) => {
            doc!("CreateDefaultContactRelationEntity.response.xml")
        }
        (GetContactRelationEntity, Kind::Request) => doc!("GetContactRelationEntity.request.xml"),
        (GetContactRelationEntity, Kind::Response) => doc!("GetContactRelationEntity.response.xml"),
        (SaveContactRelation, Kind::Request) => doc!("SaveContactRelation.request.xml"),
        (SaveContactRelation, Kind::Response) => doc!("SaveContactRelation.response.xml"),
        (DeleteContactRelation, Kind::Request) => doc!("DeleteContactRelation.request.xml"),
        (DeleteContactRelation, Kind::Response) => doc!("DeleteContactRelation.response.xml"),
        (_, Kind::Fault) => None,
    }
}

/// The canonical tree of a bundled example in a contract version's shape
/// ([`documented_example_as`], completed with the members the version has and the page
/// leaves out: Services88's pages show `UserName`, not `ExtraFields` and `CustomFields`),
/// made once per
/// process and version (the examples are compiled in, so every diff against them would
/// otherwise parse the same text again). `None` where no example is bundled.
pub fn documented_tree_as(op: Operation, kind: Kind, contract: Contract) -> Option<&'static Tree> {
    type Cache = [[[std::sync::OnceLock<Option<Tree>>; 2]; 4]; 5];
    static TREES: Cache = [const { [const { [const { std::sync::OnceLock::new() }; 2] }; 4] }; 5];
    let k = match kind {
        Kind::Request => 0,
        Kind::Response => 1,
        Kind::Fault => return None,
    };
    let o = Operation::ALL.iter().position(|x| *x == op)?;
    let c = Contract::ALL.iter().position(|x| *x == contract)?;
    TREES[c][o][k]
        .get_or_init(|| {
            let text = documented_example_as(op, kind, contract)?;
            let base = canonical::parse_as(text, ContractChoice::Fixed(contract)).ok()?;
            Some(versions::documented_as(&base, contract))
        })
        .as_ref()
}

/// The display name of a bundled example, e.g. `documented:SaveContactRelation.request`.
pub fn documented_name(op: Operation, kind: Kind) -> String {
    format!("documented:{op}.{kind}")
}

/// The contract versions a diff applied: JSON `{"expected": "Services85", "actual":
/// "Services88"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The version the expected document (or documented example) was held to.
    pub expected: Contract,
    /// The version the actual document was held to.
    pub actual: Contract,
}

/// The result of a diff, redacted and ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The actual document's name.
    pub capture: String,
    /// The expected document's name.
    pub against: String,
    /// The mode the documents were compared in.
    pub mode: Mode,
    /// Whether extra header blocks counted as differences ([`Options::strict_headers`]).
    pub strict_headers: bool,
    /// The contract version each side was held to.
    pub contract: Applied,
    /// Whether no difference was found.
    pub equal: bool,
    /// Every difference that decides the verdict, in document order (with
    /// [`Options::strict_headers`], the [`DiffKind::ExtraHeader`] entries too).
    pub differences: Vec<Difference>,
    /// Shape mode, without [`Options::strict_headers`]: the header blocks of other
    /// namespaces the actual document adds ([`DiffKind::ExtraHeader`]), in document order.
    /// Listed, never counted: a report with only these is equal (exit status 0).
    pub extra_headers: Vec<Difference>,
    /// The expected document's canonical form (redacted), for the unified diff.
    #[serde(skip)]
    pub expected_text: String,
    /// The actual document's canonical form (redacted).
    #[serde(skip)]
    pub actual_text: String,
}

impl DiffReport {
    /// Diffs a capture against an expected document (an example or a golden fixture).
    pub fn new(capture: &Document, against: &Document, opts: &Options) -> Result<Self, DiffError> {
        let expected = parse_document_as(against, opts.contract)?;
        let actual = parse_document_as(capture, opts.contract)?;
        Ok(DiffReport::from_trees(
            &capture.source,
            &actual,
            &against.source,
            &expected,
            opts,
            &document_secrets(&[capture, against]),
        ))
    }

    /// Diffs a capture against the bundled documented example of the same operation and
    /// kind (recognised from the capture's Body), in the shape of the contract version the
    /// capture is held to ([`Options::contract`]; by default the one its namespace names).
    pub fn against_documented(capture: &Document, opts: &Options) -> Result<Self, DiffError> {
        let actual = parse_document_as(capture, opts.contract)?;
        let found = actual.body_child().and_then(|c| {
            if c.ns == NS_SOAP11 && c.name == "Fault" {
                None
            } else {
                Operation::from_wrapper(&c.name)
            }
        });
        let Some((op, kind)) = found else {
            return Err(DiffError::NoExample {
                document: capture.source.clone(),
                message: "the Body holds no operation of the Relation agent, so there is no \
                          documented example to compare with (use --against)"
                    .to_string(),
            });
        };
        let Some(expected) = documented_tree_as(op, kind, actual.applied) else {
            return Err(DiffError::NoExample {
                document: capture.source.clone(),
                message: format!(
                    "no documented example of the {op} {kind} is bundled (use --against)"
                ),
            });
        };
        Ok(DiffReport::from_trees(
            &capture.source,
            &actual,
            &documented_name(op, kind),
            expected,
            opts,
            &document_secrets(&[capture]),
        ))
    }

    /// Builds a report from trees already parsed. The trees' secret elements are masked
    /// already; `secrets` (the documents' secret values, e.g. [`Document::secrets`]) and
    /// the trees' own secret values are masked wherever they are echoed inside another
    /// value. Paths and names are shown as they are.
    pub fn from_trees(
        capture_name: &str,
        actual: &Tree,
        against_name: &str,
        expected: &Tree,
        opts: &Options,
        secrets: &[String],
    ) -> Self {
        let mut all = secrets.to_vec();
        all.extend(compare::tree_secrets(&[expected, actual]));
        let mask = compare::echo_masker(&all);
        let root =
            versions::contract_difference(expected, actual).filter(|d| !opts.is_ignored(&d.path));
        let (differences, extra_headers): (Vec<Difference>, Vec<Difference>) = root
            .into_iter()
            .chain(compare::compare_masked(expected, actual, opts, &mask))
            .partition(|d| opts.counts(d.kind));
        DiffReport {
            capture: capture_name.to_string(),
            against: against_name.to_string(),
            mode: opts.mode,
            strict_headers: opts.strict_headers,
            contract: Applied {
                expected: expected.applied,
                actual: actual.applied,
            },
            equal: differences.is_empty(),
            differences,
            extra_headers,
            expected_text: canonical_text(expected, opts, &mask),
            actual_text: canonical_text(actual, opts, &mask),
        }
    }

    /// The JSON form: `{"capture", "against", "mode", "strict_headers", "contract":
    /// {"expected", "actual"}, "equal", "differences": [...], "extra_headers": [...]}`; each
    /// entry `{"path", "kind", "expected", "actual"}`.
    pub fn json(&self) -> String {
        render::json(self)
    }

    /// The human form: the differences (path, kind, expected → actual), then a unified diff
    /// of the two canonical forms; ANSI colours when `color` (the caller decides, e.g. with
    /// [`crate::report::color_wanted`], which honours NO_COLOR).
    pub fn human(&self, color: bool) -> String {
        render::human(self, color)
    }

    /// [`EXIT_EQUAL`] or [`EXIT_DIFFERENT`].
    pub fn exit_code(&self) -> i32 {
        if self.equal {
            EXIT_EQUAL
        } else {
            EXIT_DIFFERENT
        }
    }
}

/// The secret values several documents hold (their [`Document::secrets`]), for masking
/// their echoes inside other values.
pub(crate) fn document_secrets(docs: &[&Document]) -> Vec<String> {
    docs.iter()
        .flat_map(|d| d.secrets.iter().cloned())
        .collect()
}

/// A document's canonical tree (with the declared types of the version `contract` chooses),
/// or the reason it has none. A reason may quote what the
/// parser took for a name (in a broken document that can run over a secret value), so
/// the document's secret values are masked inside the message; the document's name is
/// shown as it is.
pub(crate) fn parse_document_as(
    doc: &Document,
    contract: ContractChoice,
) -> Result<Tree, DiffError> {
    parse_text(doc, contract).map_err(|e| unreadable(doc, e))
}

/// The canonical tree of a document's text; the error as parsing gives it.
fn parse_text(
    doc: &Document,
    contract: ContractChoice,
) -> Result<Tree, (String, Option<u32>, Option<u32>)> {
    match &doc.text {
        Ok(t) => parse_as(t, contract).map_err(|e| (e.message, Some(e.line), Some(e.column))),
        Err(v) => Err((v.message.clone(), v.line, v.column)),
    }
}

/// Why `doc` is unreadable, with its secret values masked inside the message.
pub(crate) fn unreadable(
    doc: &Document,
    (message, line, column): (String, Option<u32>, Option<u32>),
) -> DiffError {
    DiffError::Unreadable {
        document: doc.source.clone(),
        message: crate::secrets::Masker::new(&doc.secrets).text(&message),
        line,
        column,
    }
}

/// Why a diff could not be made. Every variant means exit status [`EXIT_ERROR`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// A document is not text, not well-formed XML, or holds a DOCTYPE.
    #[error("{document}:{}{message}", position(*line, *column))]
    Unreadable {
        /// The document's name.
        document: String,
        /// What is wrong, as the parser says it.
        message: String,
        /// The line where the document breaks, when known (1-based).
        line: Option<u32>,
        /// The column, when known (1-based).
        column: Option<u32>,
    },
    /// No documented example to compare with.
    #[error("{document}: {message}")]
    NoExample {
        /// The document's name.
        document: String,
        /// Why there is none: the Body holds no operation of the Relation agent, or no example
        /// of it is bundled.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file's path.
        path: String,
        /// The I/O error, in words.
        message: String,
    },
}

/// `LINE:COLUMN: ` when both are known, else a space: how [`DiffError::Unreadable`] names
/// where the document breaks.
fn position(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{l}:{c}: "),
        _ => " ".to_string(),
    }
}

impl DiffError {
    /// The exit status for this error: always [`EXIT_ERROR`].
    pub fn exit_code(&self) -> i32 {
        EXIT_ERROR
    }
}

#[cfg(test)]
mod bundled_tests {
    use super::*;

    #[test]
    fn errors_name_the_document_and_where_it_breaks() {
        let e = |line, column| DiffError::Unreadable {
            document: "c.xml".into(),
            message: "not well-formed".into(),
            line,
            column,
        };
        assert_eq!(
            e(Some(3), Some(7)).to_string(),
            "c.xml:3:7: not well-formed"
        );
        assert_eq!(e(Some(3), None).to_string(), "c.xml: not well-formed");
        let io = DiffError::Io {
            path: "g.xml".into(),
            message: "denied".into(),
        };
        assert_eq!(io.to_string(), "g.xml: denied");
        let g = GoldenError::Diff(io);
        assert_eq!(
            std::error::Error::source(&g)
                .map(|s| s.to_string())
                .as_deref(),
            Some("g.xml: denied")
        );
    }

    #[test]
    fn every_bundled_example_parses_once_and_is_served_from_the_cache() {
        for c in Contract::ALL {
            for op in Operation::ALL {
                for kind in [Kind::Request, Kind::Response] {
                    let first = documented_tree_as(op, kind, c);
                    assert!(first.is_some(), "{op} {kind} does not parse");
                    assert!(first.is_some_and(|t| t.contract == Some(c) && t.applied == c));
                    let again = documented_tree_as(op, kind, c);
                    assert!(first.zip(again).is_some_and(|(a, b)| std::ptr::eq(a, b)));
                }
            }
            let fault = documented_tree_as(Operation::SaveContactRelation, Kind::Fault, c);
            assert!(fault.is_none());
        }
    }
}
