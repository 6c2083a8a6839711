//! `relation-contract golden review|accept|reject`: the pending goldens (`NAME.new`) a
//! failed golden assertion wrote.

use super::out::{out, say, shown};
use relation_contract::{diff, report};
use std::io::{self, Write};
use std::path::PathBuf;

/// What to do with the pending goldens.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum GoldenAction {
    /// Show every pending golden under DIR as a diff against its golden.
    Review {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Make every pending golden under DIR the golden.
    Accept {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Delete every pending golden under DIR.
    Reject {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// Runs `golden`: `review` is 1 when there are pending goldens; 2 when a file cannot be
/// read or written.
pub fn run(action: &GoldenAction) -> io::Result<u8> {
    let dir = match action {
        GoldenAction::Review { dir }
        | GoldenAction::Accept { dir }
        | GoldenAction::Reject { dir } => dir,
    };
    let pending = match diff::pending(dir) {
        Ok(p) => p,
        Err(e) => {
            say!("error: {}: {e}", shown(dir));
            return Ok(2);
        }
    };
    let mut out = out();
    if pending.is_empty() {
        writeln!(out, "no pending golden under {}", shown(dir))?;
        return Ok(0);
    }
    let mut failed = 0usize;
    for p in &pending {
        let (new, golden) = (shown(&p.new), shown(&p.golden));
        match action {
            GoldenAction::Review { .. } => match p.diff() {
                Ok(d) => {
                    let d = report::visible_text(&d, false);
                    writeln!(out, "pending: {new} (for {golden})\n{d}")?;
                }
                Err(e) => {
                    failed += 1;
                    say!("error: {new}: {e}");
                }
            },
            GoldenAction::Accept { .. } => match diff::accept(p) {
                Ok(()) => writeln!(out, "accepted: {new} -> {golden}")?,
                Err(e) => {
                    failed += 1;
                    say!("error: {new} was not accepted: {e}");
                }
            },
            GoldenAction::Reject { .. } => match diff::reject(p) {
                Ok(()) => writeln!(out, "rejected: {new} (removed; {golden} unchanged)")?,
                Err(e) => {
                    failed += 1;
                    say!("error: {new}: {e}");
                }
            },
        }
    }
    Ok(match (failed, action) {
        (0, GoldenAction::Review { .. }) => 1,
        (0, _) => 0,
        _ => 2,
    })
}
