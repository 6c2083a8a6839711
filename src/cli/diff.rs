//! `relation-contract diff`: a capture compared with the documented example of its
//! operation and kind, or with another document, in canonical form.

use super::out::{exit_byte, out, say, shown};
use super::{parse_contract, ColorArg};
use relation_contract::capture as captures;
use relation_contract::contract::ContractChoice;
use relation_contract::{diff, report, Document};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The `diff` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The capture to compare.
    capture: PathBuf,
    /// The document to compare against (default: the bundled documented example of the
    /// capture's operation and kind).
    #[arg(long)]
    against: Option<PathBuf>,
    /// `shape`: values compared by type only; `exact`: values compared too.
    #[arg(long, value_enum, default_value_t = ModeArg::Shape)]
    mode: ModeArg,
    /// Glob over element paths to leave out (`**/RelationId`, `/Envelope/Header/**`);
    /// repeatable. A `diff.rules` file beside the capture adds its globs.
    #[arg(long = "ignore", value_name = "GLOB")]
    ignore: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Shape mode: count header blocks of other namespaces (WS-Addressing's, ...) as
    /// differences; without it they are listed as `extra-header` and leave the
    /// documents equal.
    #[arg(long)]
    strict_headers: bool,
    /// The contract version (services84 ... services88) both documents are held to, or
    /// auto: each by its payload's namespace. A document written in another version is a
    /// `contract` difference.
    #[arg(long, default_value = "auto", value_parser = parse_contract)]
    contract: ContractChoice,
}

/// How `diff` compares values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ModeArg {
    /// Values compared by type only (the documentation's values are placeholders).
    Shape,
    /// Values compared too.
    Exact,
}

impl From<ModeArg> for diff::Mode {
    fn from(m: ModeArg) -> diff::Mode {
        match m {
            ModeArg::Shape => diff::Mode::Shape,
            ModeArg::Exact => diff::Mode::Exact,
        }
    }
}

/// The output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Human,
    Json,
}

/// Runs `diff`: 0 when equal, 1 when different, 2 for unreadable input.
pub fn run(args: DiffArgs, color: ColorArg) -> io::Result<u8> {
    let mut opts = diff::Options {
        mode: args.mode.into(),
        ignore: args.ignore,
        strict_headers: args.strict_headers,
        contract: args.contract,
    };
    let capture = args.capture.as_path();
    let fail = |what: &Path, e: &dyn std::fmt::Display| {
        say!("error: {}: {e}", shown(what));
        Ok(exit_byte(diff::EXIT_ERROR))
    };
    let doc = match one_document(capture) {
        Ok(d) => d,
        Err(e) => return fail(capture, &e),
    };
    match diff::rules_for(capture) {
        Ok(rules) => opts.ignore.extend(rules),
        Err(e) => {
            return fail(
                capture,
                &format!("cannot read {}: {e}", diff::RULES_FILE_NAME),
            )
        }
    }
    let report = match args.against.as_deref() {
        Some(path) => match one_document(path) {
            Ok(other) => diff::DiffReport::new(&doc, &other, &opts),
            Err(e) => return fail(path, &e),
        },
        None => diff::DiffReport::against_documented(&doc, &opts),
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            say!("error: {}", report::visible(&e.to_string()));
            return Ok(exit_byte(e.exit_code()));
        }
    };
    let mut out = out();
    match args.format {
        DiffFormat::Json => writeln!(out, "{}", report.json())?,
        DiffFormat::Human => {
            let color = color.on(out.is_terminal());
            let text = report.human(color);
            write!(out, "{}", report::visible_text(&text, color))?;
        }
    }
    Ok(exit_byte(report.exit_code()))
}

/// The one SOAP document a file holds: a bare envelope, or an HTTP dump or HAR file with
/// exactly one SOAP message in it.
fn one_document(path: &Path) -> Result<Document, String> {
    let capture = captures::open(path).map_err(|e| e.to_string())?;
    let n = capture.documents.len();
    match <[Document; 1]>::try_from(capture.documents) {
        Ok([doc]) => Ok(doc),
        Err(_) if n == 0 => Err("holds no SOAP document".to_string()),
        Err(_) => Err(format!(
            "holds {n} SOAP documents; diff compares one (import them into single files first)"
        )),
    }
}
