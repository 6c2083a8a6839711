//! `relation-contract check`: every fixture held to what it is there to show.

use super::out::{out, say, shown};
use super::{parse_contract, ColorArg};
use relation_contract::contract::ContractChoice;
use relation_contract::fixtures;
use relation_contract::report::{self, Printer};
use std::io::{self, Write};
use std::path::PathBuf;

/// The `check` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// The fixtures folder.
    #[arg(default_value = "fixtures")]
    dir: PathBuf,
    /// The contract version every fixture is held to (auto: by its namespace).
    #[arg(long, default_value = "auto", value_parser = parse_contract)]
    contract: ContractChoice,
}

/// Runs `check`: 0 when every fixture shows what it should, 1 when one does not, 2 when the
/// folder or a file in it cannot be read.
pub fn run(args: CheckArgs, color: ColorArg) -> io::Result<u8> {
    let dir = &args.dir;
    if !dir.is_dir() {
        say!("error: {}: not a directory of fixtures", shown(dir));
        return Ok(2);
    }
    let outcome = fixtures::check_as(dir, args.contract);
    let mut out = out();
    let color = color.on(out.is_terminal());
    for row in outcome.rows.iter().filter(|r| !r.passed()) {
        let path = report::visible(&row.item.path);
        writeln!(out, "FAILED [{}] {path}", row.group.name())?;
        for p in &row.problems {
            writeln!(out, "  - {p}")?;
        }
        if row.group != fixtures::Group::Invalid {
            let mut printer = report::HumanPrinter::new(&mut out, color);
            printer.item(&row.item)?;
        }
    }
    for (path, why) in &outcome.unreadable {
        say!("error: {}: cannot be read: {why}", shown(path));
    }
    writeln!(out, "{}", outcome.table())?;
    let verdict = if outcome.passed() { "passed" } else { "FAILED" };
    writeln!(out, "check {verdict}: {}", shown(dir))?;
    Ok(if !outcome.unreadable.is_empty() {
        2
    } else if outcome.passed() {
        0
    } else {
        1
    })
}
