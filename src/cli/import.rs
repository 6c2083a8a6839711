//! `relation-contract import`: every SOAP document of the captures written as a bare,
//! redacted envelope, each line naming its verdict.

use super::out::{out, say, shown};
use super::parse_contract;
use relation_contract::capture::{self as captures, walk};
use relation_contract::contract::ContractChoice;
use relation_contract::import::{capture_secrets, import_document_among, Imported};
use relation_contract::pipeline::{self, Verdict};
use relation_contract::{report, Profile};
use std::io::{self, Write};
use std::path::PathBuf;

/// The `import` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Capture files or directories.
    #[arg(required = true)]
    captures: Vec<PathBuf>,
    /// The folder to write into (created when missing).
    #[arg(long)]
    to: PathBuf,
    /// The contract version of each written document's verdict (auto: by its namespace).
    #[arg(long, default_value = "auto", value_parser = parse_contract)]
    contract: ContractChoice,
}

/// Runs `import`: 0, or 2 when a path cannot be read or a file cannot be written.
pub fn run(args: ImportArgs) -> io::Result<u8> {
    let (to, contract) = (&args.to, args.contract);
    if let Err(e) = std::fs::create_dir_all(to) {
        say!("error: {}: cannot be created: {e}", shown(to));
        return Ok(2);
    }
    let mut out = out();
    let (mut written, mut present, mut skipped, mut failed) = (0usize, 0usize, 0usize, 0usize);
    for item in walk::files(&args.captures) {
        let path = match item {
            Ok(p) => p,
            Err((p, why)) => {
                failed += 1;
                say!("error: {}: cannot be read: {why}", shown(&p));
                continue;
            }
        };
        let capture = match captures::open(&path) {
            Ok(c) => c,
            Err(e) => {
                failed += 1;
                say!("error: {}: cannot be read: {e}", shown(&path));
                continue;
            }
        };
        skipped += capture.skipped.len();
        let secrets = capture_secrets(&capture);
        for doc in &capture.documents {
            let verdict_as = |v| match contract {
                ContractChoice::Auto => v,
                c => pipeline::check_as(doc, Profile::Auto, c),
            };
            match import_document_among(doc, &secrets, to).map(|(i, v)| (i, verdict_as(v))) {
                Ok((Imported::Written(p), v)) => {
                    written += 1;
                    let v = verdict_words(&v);
                    let (p, from) = (shown(&p), report::visible(&doc.source));
                    writeln!(out, "wrote {p} (from {from}): {v}")?;
                }
                Ok((Imported::Present(p), v)) => {
                    present += 1;
                    let v = verdict_words(&v);
                    let (p, from) = (shown(&p), report::visible(&doc.source));
                    writeln!(out, "present {p} (from {from}): {v}")?;
                }
                Ok((Imported::NotText, _)) => {
                    skipped += 1;
                    writeln!(out, "skipped {} (not text)", report::visible(&doc.source))?;
                }
                Err(e) => {
                    failed += 1;
                    say!(
                        "error: {}: cannot be written: {e}",
                        report::visible(&doc.source)
                    );
                }
            }
        }
    }
    writeln!(
        out,
        "import: {written} written, {present} already present, {skipped} skipped, {failed} failed"
    )?;
    Ok(if failed > 0 { 2 } else { 0 })
}

/// An imported document's verdict in a few words: `valid`, or its codes (each once, in the
/// pipeline's order). Codes are the tool's words: nothing of the document is quoted.
fn verdict_words(v: &Verdict) -> String {
    if v.is_valid() {
        return format!("valid under {}", v.profile);
    }
    let mut codes: Vec<&str> = Vec::new();
    for c in v.violations.iter().map(|x| x.code.as_str()) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    format!("invalid under {}: {}", v.profile, codes.join(", "))
}
