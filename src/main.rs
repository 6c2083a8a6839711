//! The `relation-contract` command: a thin layer that wires the library's stages together
//! and picks a printer.

use clap::{Parser, Subcommand};
use relation_contract::check::{self, is_document};
use relation_contract::report::{self, Format, Printer, ReportItem, Summary};
use relation_contract::{schema, Document, Profile};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "relation-contract",
    version,
    about = "Guards the SOAP contract of SuperOffice NetServer's Relation agent (Services85)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate envelopes against the contract (XSD and envelope shape under a profile).
    ///
    /// Exit status: 0 when every document is valid, 1 when any is invalid (a file that is
    /// not XML at all is an invalid document), 2 for usage errors and unreadable paths.
    Validate {
        /// Which envelope shape documents are held to.
        #[arg(long, value_enum, default_value_t = Profile::Auto)]
        profile: Profile,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Files or directories (walked; files ending in .xml are taken).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Validate every bundled fixture and hold each to what it is there to show.
    Check {
        /// The fixtures folder.
        #[arg(default_value = "fixtures")]
        dir: PathBuf,
    },
    /// Run a contract stub of Relation.svc: checks every request, answers valid ones from a
    /// store; stops on Ctrl-C or SIGTERM.
    ///
    /// Prints `listening on http://ADDR/Remote/Services85/Relation.svc` as its first line.
    Serve(relation_contract::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate {
            profile,
            format,
            paths,
        } => validate(&paths, profile, format),
        Command::Check { dir } => run_check(&dir),
        Command::Serve(args) => Ok(relation_contract::serve::main(args)),
    };
    match code {
        Ok(c) => ExitCode::from(c),
        // Output could not be written (a closed pipe): nothing more to say.
        Err(_) => ExitCode::from(2),
    }
}

fn validate(paths: &[PathBuf], profile: Profile, format: Format) -> io::Result<u8> {
    let stdout = io::stdout();
    let color = report::color_wanted(stdout.is_terminal());
    let mut printer = report::printer(format, stdout.lock(), color);
    let mut summary = Summary::default();
    for path in paths {
        for_each_document(path, &mut summary, |doc| {
            let item = ReportItem::new(&doc, schema::validate(&doc, profile));
            let r = printer.item(&item);
            (item, r)
        })?;
    }
    printer.finish(&summary)?;
    Ok(exit_byte(summary.exit_code()))
}

/// Reads every document a path names (a file, or the document files under a directory in
/// name order) and hands each to `f`; unreadable paths are reported on stderr and counted.
fn for_each_document(
    path: &Path,
    summary: &mut Summary,
    mut f: impl FnMut(Document) -> (ReportItem, io::Result<()>),
) -> io::Result<()> {
    let mut one = |file: &Path, summary: &mut Summary| -> io::Result<()> {
        match Document::read(file) {
            Ok(doc) => {
                let (item, r) = f(doc);
                summary.add(&item);
                r
            }
            Err(e) => {
                summary.unreadable += 1;
                eprintln!("{}", report::unreadable(&file.display().to_string(), &e));
                Ok(())
            }
        }
    };
    if !path.is_dir() {
        return one(path, summary);
    }
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() && is_document(e.path()) => one(e.path(), summary)?,
            Ok(_) => {}
            Err(e) => {
                summary.unreadable += 1;
                let p = e.path().unwrap_or(path).display().to_string();
                eprintln!("error: {p}: cannot be read: {e}");
            }
        }
    }
    Ok(())
}

fn run_check(dir: &Path) -> io::Result<u8> {
    if !dir.is_dir() {
        eprintln!("error: {}: not a directory of fixtures", dir.display());
        return Ok(2);
    }
    let outcome = check::check(dir);
    let stdout = io::stdout();
    let color = report::color_wanted(stdout.is_terminal());
    let mut out = stdout.lock();
    for row in outcome.rows.iter().filter(|r| !r.passed()) {
        writeln!(out, "FAILED [{}] {}", row.group.name(), row.item.path)?;
        for p in &row.problems {
            writeln!(out, "  - {p}")?;
        }
        if row.group != check::Group::Invalid {
            let mut printer = report::HumanPrinter::new(&mut out, color);
            printer.item(&row.item)?;
        }
    }
    for (path, why) in &outcome.unreadable {
        eprintln!("error: {}: cannot be read: {why}", path.display());
    }
    writeln!(out, "{}", outcome.table())?;
    let verdict = if outcome.passed() { "passed" } else { "FAILED" };
    writeln!(out, "check {verdict}: {}", dir.display())?;
    Ok(if !outcome.unreadable.is_empty() {
        2
    } else if outcome.passed() {
        0
    } else {
        1
    })
}

fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(2)
}
