//! `relation-contract compat`: what moving a client from one contract version to another
//! changes, with or without its captures.

use super::out::{exit_byte, out, say, shown};
use super::parse_version;
use relation_contract::compat;
use relation_contract::contract::Contract;
use std::io::{self, Write};
use std::path::PathBuf;

/// The `compat` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct CompatArgs {
    /// The client's contract version.
    #[arg(long, value_parser = parse_version)]
    from: Contract,
    /// The contract version it moves to.
    #[arg(long, value_parser = parse_version)]
    to: Contract,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CompatFormat::Human)]
    format: CompatFormat,
    /// Captures of the client's traffic (files or directories).
    captures: Vec<PathBuf>,
}

/// The output formats of `compat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CompatFormat {
    Human,
    Json,
    Markdown,
}

/// Runs `compat`: 0 when nothing breaking is touched, 1 otherwise, 2 for an unreadable
/// capture.
pub fn run(args: CompatArgs) -> io::Result<u8> {
    let (from, to) = (args.from, args.to);
    let report = if args.captures.is_empty() {
        compat::differences(from, to)
    } else {
        match compat::read_captures(&args.captures) {
            Ok(docs) => compat::with_captures(from, to, &docs),
            Err((p, why)) => {
                say!("error: {}: cannot be read: {why}", shown(&p));
                return Ok(2);
            }
        }
    };
    let text = match args.format {
        CompatFormat::Human => compat::render::human(&report),
        CompatFormat::Json => compat::render::json(&report),
        CompatFormat::Markdown => compat::render::markdown(&report),
    };
    let mut out = out();
    let written = out.write_all(text.as_bytes());
    out.outcome(written, ())?;
    Ok(exit_byte(report.exit_code()))
}
