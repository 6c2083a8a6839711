//! The `relation-contract` command: a thin layer that wires the library's stages together
//! and picks a printer.

use clap::{Parser, Subcommand};
use relation_contract::check::{self, is_document};
use relation_contract::report::{self, Format, Printer, ReportItem, Summary};
use relation_contract::{diff, schema, Document, Profile};
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
    /// Compare a capture with the documented example of its operation and kind (or with
    /// another document), in canonical form.
    ///
    /// Exit status: 0 when equal, 1 when different, 2 for usage errors and unreadable input.
    Diff {
        /// The capture to compare.
        capture: PathBuf,
        /// The document to compare against (default: the bundled documented example of the
        /// capture's operation and kind).
        #[arg(long)]
        against: Option<PathBuf>,
        /// `shape`: values compared by type only; `exact`: values compared too.
        #[arg(long, value_enum, default_value_t = diff::Mode::Shape)]
        mode: diff::Mode,
        /// Glob over element paths to leave out (`**/RelationId`, `/Envelope/Header/**`);
        /// repeatable. A `diff.rules` file beside the capture adds its globs.
        #[arg(long = "ignore", value_name = "GLOB")]
        ignore: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
    },
    /// Validate every bundled fixture and hold each to what it is there to show.
    Check {
        /// The fixtures folder.
        #[arg(default_value = "fixtures")]
        dir: PathBuf,
    },
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
        Command::Diff {
            capture,
            against,
            mode,
            ignore,
            format,
        } => run_diff(&capture, against.as_deref(), mode, ignore, format),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Human,
    Json,
}

fn run_diff(
    capture: &Path,
    against: Option<&Path>,
    mode: diff::Mode,
    mut ignore: Vec<String>,
    format: DiffFormat,
) -> io::Result<u8> {
    let fail = |what: &Path, e: &dyn std::fmt::Display| {
        eprintln!("error: {}: {e}", what.display());
        Ok(exit_byte(diff::EXIT_ERROR))
    };
    let doc = match Document::read(capture) {
        Ok(d) => d,
        Err(e) => return fail(capture, &e),
    };
    match diff::rules_for(capture) {
        Ok(rules) => ignore.extend(rules),
        Err(e) => {
            return fail(
                capture,
                &format!("cannot read {}: {e}", diff::RULES_FILE_NAME),
            )
        }
    }
    let opts = diff::Options { mode, ignore };
    let report = match against {
        Some(path) => match Document::read(path) {
            Ok(other) => diff::DiffReport::new(&doc, &other, &opts),
            Err(e) => return fail(path, &e),
        },
        None => diff::DiffReport::against_documented(&doc, &opts),
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit_byte(e.exit_code()));
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        DiffFormat::Json => writeln!(out, "{}", report.json())?,
        DiffFormat::Human => {
            let color = report::color_wanted(stdout.is_terminal());
            write!(out, "{}", report.human(color))?
        }
    }
    Ok(exit_byte(report.exit_code()))
}

fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(2)
}
